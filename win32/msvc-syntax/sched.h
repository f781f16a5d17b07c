/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MSVC has no <sched.h>: see shim.h. */
#error "<sched.h> does not exist with MSVC (win32/msvc-syntax/shim.h)"
