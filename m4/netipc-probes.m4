# SPDX-License-Identifier: GPL-3.0-or-later
# Feature probes for the netipc transports.

# NETIPC_CHECK_FUTEX: linux/futex.h and SYS_futex -> HAVE_FUTEX.
AC_DEFUN([NETIPC_CHECK_FUTEX], [
  AC_CACHE_CHECK([for Linux futex], [netipc_cv_futex], [
    AC_LINK_IFELSE([AC_LANG_PROGRAM([[
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
]], [[
int word = 0;
return (int)syscall(SYS_futex, &word, FUTEX_WAKE, 1, 0, 0, 0);
]])], [netipc_cv_futex=yes], [netipc_cv_futex=no])])
  netipc_have_futex=$netipc_cv_futex
  AS_IF([test "$netipc_have_futex" = yes],
    [AC_DEFINE([HAVE_FUTEX], [1], [Define if Linux futex(2) is usable.])])
  AM_CONDITIONAL([HAVE_FUTEX], [test "$netipc_have_futex" = yes])
])

# NETIPC_CHECK_SEQPACKET: AF_UNIX + SOCK_SEQPACKET -> HAVE_SEQPACKET.
AC_DEFUN([NETIPC_CHECK_SEQPACKET], [
  AC_CACHE_CHECK([for AF_UNIX SOCK_SEQPACKET], [netipc_cv_seqpacket], [
    AC_LINK_IFELSE([AC_LANG_PROGRAM([[
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
]], [[
struct sockaddr_un sun;
(void)sun;
return socket(AF_UNIX, SOCK_SEQPACKET, 0);
]])], [netipc_cv_seqpacket=yes], [netipc_cv_seqpacket=no])])
  netipc_have_seqpacket=$netipc_cv_seqpacket
  AS_IF([test "$netipc_have_seqpacket" = yes],
    [AC_DEFINE([HAVE_SEQPACKET], [1], [Define if AF_UNIX SOCK_SEQPACKET exists.])])
  AM_CONDITIONAL([HAVE_SEQPACKET], [test "$netipc_have_seqpacket" = yes])
])

# NETIPC_CHECK_FALLOCATE: fallocate(2) -> HAVE_FALLOCATE.
AC_DEFUN([NETIPC_CHECK_FALLOCATE], [
  AC_CACHE_CHECK([for fallocate], [netipc_cv_fallocate], [
    AC_LINK_IFELSE([AC_LANG_PROGRAM([[
#include <fcntl.h>
]], [[
return fallocate(0, 0, 0, 4096);
]])], [netipc_cv_fallocate=yes], [netipc_cv_fallocate=no])])
  netipc_have_fallocate=$netipc_cv_fallocate
  AS_IF([test "$netipc_have_fallocate" = yes],
    [AC_DEFINE([HAVE_FALLOCATE], [1], [Define if fallocate(2) exists.])])
  AM_CONDITIONAL([HAVE_FALLOCATE], [test "$netipc_have_fallocate" = yes])
])

# NETIPC_CHECK_ATOMICS: C11 <stdatomic.h> -> HAVE_C11_ATOMICS.
AC_DEFUN([NETIPC_CHECK_ATOMICS], [
  AC_CACHE_CHECK([for C11 atomics], [netipc_cv_atomics], [
    AC_LINK_IFELSE([AC_LANG_PROGRAM([[
#include <stdatomic.h>
#include <stdint.h>
]], [[
_Atomic uint64_t v = 0;
atomic_fetch_add_explicit(&v, 1, memory_order_acq_rel);
return (int)atomic_load_explicit(&v, memory_order_acquire);
]])], [netipc_cv_atomics=yes], [netipc_cv_atomics=no])])
  netipc_have_atomics=$netipc_cv_atomics
  AS_IF([test "$netipc_have_atomics" = yes],
    [AC_DEFINE([HAVE_C11_ATOMICS], [1], [Define if C11 atomics work.])])
  AM_CONDITIONAL([HAVE_C11_ATOMICS], [test "$netipc_have_atomics" = yes])
])
