/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MSVC has no <dirent.h>: see shim.h. */
#error "<dirent.h> does not exist with MSVC (win32/msvc-syntax/shim.h)"
