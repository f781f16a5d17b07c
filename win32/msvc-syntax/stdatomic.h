/* SPDX-License-Identifier: GPL-3.0-or-later */
/* MSVC 19.28 has no <stdatomic.h> (VS 2022 17.5 added it, behind
 * /experimental:c11atomics): see shim.h. */
#error "<stdatomic.h> does not exist with MSVC 19.28 (win32/msvc-syntax/shim.h)"
