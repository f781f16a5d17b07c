/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MSVC has no <pthread.h>: see shim.h. */
#error "<pthread.h> does not exist with MSVC (win32/msvc-syntax/shim.h)"
