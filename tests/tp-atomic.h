/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tp-atomic.h - C11 atomics for the tests on every compiler they build
 * with. GCC and Clang have <stdatomic.h>; MSVC (19.28, /std:c11) has none
 * without /experimental:c11atomics, so there the few atomic types and
 * operations the tests use are spelled over the Interlocked family, with
 * _Generic picking the width. Sequentially consistent throughout, as the
 * tests' plain atomic_load/atomic_store are.
 */
#ifndef NETIPC_TESTS_TP_ATOMIC_H
#define NETIPC_TESTS_TP_ATOMIC_H

#if !defined(_MSC_VER)
#include <stdatomic.h>
#else
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <stdint.h>

#define _Atomic volatile
typedef volatile int atomic_int;
typedef volatile unsigned atomic_uint;
typedef volatile unsigned long long atomic_uint_least64_t;

#define memory_order_relaxed 0
#define memory_order_acquire 0
#define memory_order_release 0
#define memory_order_seq_cst 0

/* 32-bit words through LONG, 64-bit ones through LONG64. */
#define TP__L(p) ((volatile LONG *)(p))
#define TP__LL(p) ((volatile LONG64 *)(p))

static inline int tp__ld_i(volatile int *p)
{ return (int)InterlockedCompareExchange(TP__L(p), 0, 0); }
static inline unsigned tp__ld_u(volatile unsigned *p)
{ return (unsigned)InterlockedCompareExchange(TP__L(p), 0, 0); }
static inline unsigned long long tp__ld_ull(volatile unsigned long long *p)
{ return (unsigned long long)InterlockedCompareExchange64(TP__LL(p), 0, 0); }

static inline int tp__xchg_i(volatile int *p, int v)
{ return (int)InterlockedExchange(TP__L(p), (LONG)v); }
static inline unsigned tp__xchg_u(volatile unsigned *p, unsigned v)
{ return (unsigned)InterlockedExchange(TP__L(p), (LONG)v); }
static inline unsigned long long tp__xchg_ull(volatile unsigned long long *p,
                                              unsigned long long v)
{ return (unsigned long long)InterlockedExchange64(TP__LL(p), (LONG64)v); }

static inline int tp__add_i(volatile int *p, int v)
{ return (int)InterlockedExchangeAdd(TP__L(p), (LONG)v); }
static inline unsigned tp__add_u(volatile unsigned *p, unsigned v)
{ return (unsigned)InterlockedExchangeAdd(TP__L(p), (LONG)v); }
static inline unsigned long long tp__add_ull(volatile unsigned long long *p,
                                             unsigned long long v)
{ return (unsigned long long)InterlockedExchangeAdd64(TP__LL(p), (LONG64)v); }

static inline _Bool tp__cas_i(volatile int *p, int *expected, int desired)
{
  int seen = (int)InterlockedCompareExchange(TP__L(p), (LONG)desired,
                                             (LONG)*expected);
  if (seen == *expected)
    return 1;
  *expected = seen;
  return 0;
}
static inline _Bool tp__cas_u(volatile unsigned *p, unsigned *expected,
                              unsigned desired)
{
  unsigned seen = (unsigned)InterlockedCompareExchange(
      TP__L(p), (LONG)desired, (LONG)*expected);
  if (seen == *expected)
    return 1;
  *expected = seen;
  return 0;
}

#define TP__PICK(p, i, u, ull)                                                \
  _Generic((p), volatile int *: i, volatile unsigned *: u,                    \
           volatile unsigned long long *: ull)

#define atomic_load(p) TP__PICK((p), tp__ld_i, tp__ld_u, tp__ld_ull)(p)
#define atomic_load_explicit(p, o) atomic_load(p)
#define atomic_exchange(p, v)                                                 \
  TP__PICK((p), tp__xchg_i, tp__xchg_u, tp__xchg_ull)((p), (v))
#define atomic_store(p, v) ((void)atomic_exchange((p), (v)))
#define atomic_store_explicit(p, v, o) atomic_store((p), (v))
#define atomic_init(p, v) atomic_store((p), (v))
#define atomic_fetch_add(p, v)                                                \
  TP__PICK((p), tp__add_i, tp__add_u, tp__add_ull)((p), (v))
#define atomic_fetch_add_explicit(p, v, o) atomic_fetch_add((p), (v))
#define atomic_fetch_sub(p, v) atomic_fetch_add((p), -(v))
#define atomic_compare_exchange_weak(p, e, d)                                 \
  _Generic((p), volatile int *: tp__cas_i, volatile unsigned *: tp__cas_u)(   \
      (p), (e), (d))
#endif

#endif /* NETIPC_TESTS_TP_ATOMIC_H */
