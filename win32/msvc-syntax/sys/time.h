/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MSVC has no <sys/time.h>: see shim.h. */
#error "<sys/time.h> does not exist with MSVC (win32/msvc-syntax/shim.h)"
