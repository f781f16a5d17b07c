/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MSVC has no <strings.h>: see shim.h. */
#error "<strings.h> does not exist with MSVC (win32/msvc-syntax/shim.h)"
