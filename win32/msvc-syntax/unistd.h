/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MSVC has no <unistd.h>: see shim.h. */
#error "<unistd.h> does not exist with MSVC (win32/msvc-syntax/shim.h)"
