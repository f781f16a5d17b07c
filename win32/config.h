/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * config.h for the MSVC build (win32/Makefile.msvc), standing in for the
 * one ./configure writes (Makefile.msvc passes /I win32 and
 * /DHAVE_CONFIG_H, as the autotools build does).
 *
 * Of what a MinGW-w64 configure defines, the sources test only the OS
 * switch: lib/transport/platform.h and transport-internal.h pick the
 * Windows transports from it. The rest is left out on purpose:
 *  - HAVE_UNISTD_H, HAVE_STRINGS_H, HAVE_C11_ATOMICS, ... are no source's
 *    business and would be false for MSVC 19.28 (no <unistd.h>, no
 *    <strings.h>, no <stdatomic.h>);
 *  - PACKAGE_* / VERSION are unused (include/netipc/common.h carries the
 *    version), so a copy here could only drift from configure.ac;
 *  - NETIPC_BUILD_UDS / NETIPC_BUILD_SHM select the POSIX transports.
 * If a source starts testing another configure result, add it here too.
 */
#ifndef NETIPC_WIN32_CONFIG_H
#define NETIPC_WIN32_CONFIG_H

#define NETIPC_OS_WINDOWS 1

#endif /* NETIPC_WIN32_CONFIG_H */
