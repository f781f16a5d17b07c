/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MSVC has no <sys/socket.h>: see shim.h. */
#error "<sys/socket.h> does not exist with MSVC (win32/msvc-syntax/shim.h)"
