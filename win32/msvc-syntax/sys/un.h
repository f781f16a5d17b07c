/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MSVC has no <sys/un.h>: see shim.h. */
#error "<sys/un.h> does not exist with MSVC (win32/msvc-syntax/shim.h)"
