/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MSVC 19.28 has no <threads.h> (VS 2022 17.8 added it): see shim.h. */
#error "<threads.h> does not exist with MSVC 19.28 (win32/msvc-syntax/shim.h)"
