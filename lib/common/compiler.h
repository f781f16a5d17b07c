/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * compiler.h - the few compiler features netipc needs beyond C11, each
 * with a GCC/Clang and an MSVC spelling (windows.md 8), so no source uses
 * a GCC-only construct directly.
 */
#ifndef NETIPC_COMMON_COMPILER_H
#define NETIPC_COMMON_COMPILER_H

/* A static assertion: C11's where the compiler has it, else a typedef of
 * an array whose size is negative when cond is false. */
#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L ||               \
    defined(_MSC_VER) && _MSC_VER >= 1928
#define NETIPC__STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#else
#define NETIPC__CAT2(a, b) a##b
#define NETIPC__CAT(a, b) NETIPC__CAT2(a, b)
#define NETIPC__STATIC_ASSERT(cond, msg)                                      \
  typedef char NETIPC__CAT(netipc__static_assert_, __LINE__)[(cond) ? 1 : -1]
#endif

/* Stop the compiler from moving memory accesses across this point (no
 * CPU fence: pair it with an atomic or a barrier where one is needed). */
#if defined(_MSC_VER)
#include <intrin.h>
#define NETIPC__COMPILER_BARRIER() _ReadWriteBarrier()
#else
#define NETIPC__COMPILER_BARRIER() __asm__ __volatile__("" ::: "memory")
#endif

#endif /* NETIPC_COMMON_COMPILER_H */
