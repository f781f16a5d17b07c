# SPDX-License-Identifier: GPL-3.0-or-later
# configure options and compiler flags for netipc. Flags go to NETIPC_CFLAGS
# and NETIPC_LDFLAGS (used in AM_CFLAGS/AM_LDFLAGS); the user's CFLAGS are
# left alone.

AC_DEFUN([NETIPC_WARNING_FLAGS], [
  AX_APPEND_COMPILE_FLAGS([-Wall -Wextra -Wshadow -Wvla -Wpointer-arith dnl
-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wundef dnl
-fvisibility=hidden], [NETIPC_CFLAGS], [-Werror])
  AS_IF([test "$enable_werror" = yes],
    [NETIPC_CFLAGS="$NETIPC_CFLAGS -Werror"])
  AC_SUBST([NETIPC_CFLAGS])
  AC_SUBST([NETIPC_LDFLAGS])
])

AC_DEFUN([NETIPC_ARG_WERROR], [
  AC_ARG_ENABLE([werror],
    [AS_HELP_STRING([--enable-werror], [treat compiler warnings as errors])],
    [], [enable_werror=no])
])

AC_DEFUN([NETIPC_ARG_COVERAGE], [
  AC_ARG_ENABLE([coverage],
    [AS_HELP_STRING([--enable-coverage], [build with gcov instrumentation for 'make coverage'])],
    [], [enable_coverage=no])
  AS_IF([test "$enable_coverage" = yes], [
    NETIPC_CFLAGS="$NETIPC_CFLAGS --coverage -O0 -g"
    NETIPC_LDFLAGS="$NETIPC_LDFLAGS --coverage"
    # CFLAGS comes after AM_CFLAGS on the command line, so its default -O2
    # would win over the -O0 above: the optimiser inlines and merges code,
    # and line and branch figures then describe the optimised code, not the
    # source. Drop the optimisation levels from CFLAGS.
    CFLAGS=`AS_ECHO(["$CFLAGS"]) | sed 's/\(^\| \)-O[[0-9sgz]]*//g'`
  ])
  AM_CONDITIONAL([ENABLE_COVERAGE], [test "$enable_coverage" = yes])
])

AC_DEFUN([NETIPC_ARG_SANITIZERS], [
  AC_ARG_ENABLE([sanitizers],
    [AS_HELP_STRING([--enable-sanitizers=LIST],
      [build with -fsanitize=LIST, e.g. address,undefined or thread])],
    [], [enable_sanitizers=])
  AS_IF([test "x$enable_sanitizers" = xyes], [enable_sanitizers=address,undefined])
  AS_IF([test "x$enable_sanitizers" = xno], [enable_sanitizers=])
  AS_IF([test -n "$enable_sanitizers"], [
    netipc_san="-fsanitize=$enable_sanitizers -fno-omit-frame-pointer -fno-sanitize-recover=all"
    AX_CHECK_COMPILE_FLAG([$netipc_san], [],
      [AC_MSG_ERROR([$CC does not support $netipc_san])], [], [])
    NETIPC_CFLAGS="$NETIPC_CFLAGS $netipc_san -g"
    NETIPC_LDFLAGS="$NETIPC_LDFLAGS -fsanitize=$enable_sanitizers"
  ])
])

AC_DEFUN([NETIPC_ARG_FUZZING], [
  AC_ARG_ENABLE([fuzzing],
    [AS_HELP_STRING([--enable-fuzzing],
      [build the libFuzzer harnesses in fuzz/ (needs CC=clang)])],
    [], [enable_fuzzing=no])
  AS_IF([test "$enable_fuzzing" = yes], [
    AC_LANG_PUSH([C])
    netipc_save_CFLAGS=$CFLAGS
    CFLAGS="$CFLAGS -fsanitize=fuzzer"
    AC_MSG_CHECKING([whether $CC links libFuzzer harnesses])
    AC_LINK_IFELSE([AC_LANG_SOURCE([[
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }
]])], [AC_MSG_RESULT([yes])],
      [AC_MSG_RESULT([no])
       AC_MSG_ERROR([--enable-fuzzing needs clang with libFuzzer (try CC=clang)])])
    CFLAGS=$netipc_save_CFLAGS
    AC_LANG_POP([C])
  ])
  AM_CONDITIONAL([ENABLE_FUZZING], [test "$enable_fuzzing" = yes])
])

# Where the golden vectors are: --with-vectors=DIR, or 'bundled' for the
# copies in tests/data. The default is shared/vectors beside the project
# root; tests fail loudly when it is missing.
AC_DEFUN([NETIPC_ARG_VECTORS], [
  AC_ARG_WITH([vectors],
    [AS_HELP_STRING([--with-vectors=DIR|bundled],
      [golden vectors directory (default: SRCDIR/../shared/vectors)])],
    [], [with_vectors=default])
  AS_CASE([$with_vectors],
    [default|yes], [NETIPC_VECTORS_DIR='$(abs_top_srcdir)/../shared/vectors'],
    [bundled], [NETIPC_VECTORS_DIR=bundled],
    [NETIPC_VECTORS_DIR=$with_vectors])
  AC_SUBST([NETIPC_VECTORS_DIR])
])

# -Wl,-z,defs for the shared library: an undefined symbol fails the Linux
# build as it would fail a Windows DLL. Not with sanitizers (their runtime
# lives in the executable) nor on Windows (libtool's -no-undefined).
AC_DEFUN([NETIPC_NO_UNDEFINED], [
  NETIPC_LIB_LDFLAGS=
  AS_IF([test -z "$enable_sanitizers" && test "$netipc_host_kind" != windows], [
    AC_MSG_CHECKING([whether the linker accepts -Wl,-z,defs])
    netipc_save_LDFLAGS=$LDFLAGS
    LDFLAGS="$LDFLAGS -Wl,-z,defs"
    AC_LINK_IFELSE([AC_LANG_PROGRAM([], [])],
      [AC_MSG_RESULT([yes])
       NETIPC_LIB_LDFLAGS="-Wl,-z,defs"],
      [AC_MSG_RESULT([no])])
    LDFLAGS=$netipc_save_LDFLAGS
  ])
  AC_SUBST([NETIPC_LIB_LDFLAGS])
])
