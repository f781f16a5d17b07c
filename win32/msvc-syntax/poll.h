/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MSVC has no <poll.h>: see shim.h. */
#error "<poll.h> does not exist with MSVC (win32/msvc-syntax/shim.h)"
