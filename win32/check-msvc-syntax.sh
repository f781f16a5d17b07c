#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# check-msvc-syntax.sh SRCDIR - `make check-msvc-syntax` (windows.md 8).
# There is no MSVC on Linux, so clang stands in for cl.exe: every .c that
# win32/Makefile.msvc compiles is compiled -fsyntax-only as MSVC
# (--target=x86_64-pc-windows-msvc -fms-compatibility, _MSC_VER 1928 =
# VS 2019 16.8, the oldest with /std:c11) against the MinGW-w64 headers,
# with Makefile.msvc's defines and include path, in each flavour it is
# built in (the library as DLL and static objects, the tests, the CLI).
# win32/msvc-syntax/shim.h (forced in with -include) makes the MinGW
# headers acceptable to clang-as-MSVC and makes GCC-isms fail; -pedantic
# -Wvla -Werror catch the GCC syntax extensions. See shim.h.
#
# Environment: CLANG (default clang), CC (the MinGW-w64 gcc, to find its
# headers), MSVC_SYNTAX_INCLUDE (the MinGW-w64 include directory, found
# from CC when empty), AWK (default awk).
set -u

srcdir=${1:?usage: check-msvc-syntax.sh SRCDIR}
CLANG=${CLANG:-clang}
AWK=${AWK:-awk}

die() {
  echo "check-msvc-syntax: $*" >&2
  exit 1
}

command -v "$CLANG" >/dev/null 2>&1 ||
  die "'$CLANG' not found: install clang (Debian package clang) or set CLANG"

# The MinGW-w64 headers: the include directory of CC that has _mingw.h.
inc=${MSVC_SYNTAX_INCLUDE:-}
if test -z "$inc" && test -n "${CC:-}"; then
  for d in $($CC -xc -E -v - </dev/null 2>&1 |
             sed -n '/^#include <\.\.\.>/,/^End of/p' | sed -n 's/^ //p'); do
    if test -f "$d/_mingw.h"; then
      inc=$d
      break
    fi
  done
fi
if test -z "$inc" || test ! -f "$inc/_mingw.h"; then
  die "no MinGW-w64 headers (_mingw.h) found${inc:+ in $inc}; set MSVC_SYNTAX_INCLUDE"
fi

list=$($AWK -f "$srcdir/win32/msvc-sources.awk" -v mode=msvc \
       -v file="$srcdir/win32/Makefile.msvc") ||
  die "cannot read the source lists of win32/Makefile.msvc"

shim=$srcdir/win32/msvc-syntax
# As Makefile.msvc's BASE_CFLAGS, then clang's MSVC mode. Warnings: what
# GCC gets (-Wall -Wextra), plus -pedantic for the GNU extensions, minus
# the MS keywords (__declspec, __forceinline) that are MSVC's own, and
# minus -Wunused-function: header helpers (tests/tap.h) are static
# functions marked __attribute__((unused)) for GCC and plain for MSVC,
# whose /W3 does not report them; real unused functions are what the GCC
# builds' -Wall -Werror already catch.
flags="--target=x86_64-pc-windows-msvc -fms-compatibility
  -fms-compatibility-version=19.28 -fms-extensions -fsyntax-only -std=c11
  -nostdlibinc -isystem $inc -I$shim -include $shim/shim.h
  -Werror -Wall -Wextra -pedantic -Wvla -Wno-language-extension-token
  -Wno-unused-function
  -DHAVE_CONFIG_H -D_CRT_SECURE_NO_WARNINGS
  -I$srcdir/win32 -I$srcdir/include -I$srcdir/lib -I$srcdir"
lib_flags="-DNETIPC_BUILDING"
dll_flags="-DNETIPC_BUILDING -DDLL_EXPORT"
test_flags="-DNETIPC_BUILDING"
cli_flags=""

checked=0
failed=0
check() {                       # check FLAVOUR EXTRA-FLAGS FILE
  checked=$((checked + 1))
  # shellcheck disable=SC2086 # the flag lists are split on purpose
  if ! out=$("$CLANG" $flags $2 "$srcdir/$3" 2>&1); then
    failed=$((failed + 1))
    echo "FAIL ($1): $3"
    printf '%s\n' "$out"
    # For the summary: the first error, and for one raised in a header
    # of ours (an #error stub) the line of the project file including it.
    first=$(printf '%s\n' "$out" | grep -m1 'error:')
    from=$(printf '%s\n' "$out" | sed -n '/error:/q; s/^In file included from \(.*\):$/\1/p' |
           grep -v -e 'msvc-syntax/' -e '<built-in>' -e '^/' | sed -n '$p')
    summary="$summary
  $3 ($1): ${first#"$srcdir"/}${from:+ [from ${from#"$srcdir"/}]}"
  fi
}
summary=

# One compile per (file, flavour); a helper shared by tests once.
seen=" "
for f in $(printf '%s\n' "$list" | sed -n 's/^lib //p'); do
  check dll "$dll_flags" "$f"
  check static "$lib_flags" "$f"
done
while read -r prog f; do
  test -n "$prog" || continue
  case $prog in
    tools/*) flavour="cli"; extra=$cli_flags ;;
    *) flavour="test"; extra=$test_flags ;;
  esac
  case $seen in *" $flavour:$f "*) continue ;; esac
  seen="$seen$flavour:$f "
  check "$flavour" "$extra" "$f"
done <<EOF
$(printf '%s\n' "$list" | sed -n 's/^src //p')
EOF

test "$checked" -gt 0 || die "win32/Makefile.msvc lists no sources"
if test "$failed" -gt 0; then
  echo "check-msvc-syntax: first errors:$summary"
  echo "check-msvc-syntax: $failed of $checked compiles FAILED (clang as MSVC $(
    "$CLANG" --version | sed -n 1p), headers $inc)"
  exit 1
fi
echo "check-msvc-syntax: $checked compiles of win32/Makefile.msvc's sources are MSVC-clean"
