/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Windows side of common/os.h: threads (_beginthreadex), SRW locks,
 * Interlocked atomics, clocks and sleep (windows.md 8).
 */
#include "config.h"

#include <process.h>

#include "common/alloc.h"
#include "transport/windows/win-internal.h"

/* FILETIME counts 100 ns ticks since 1601-01-01; Unix time starts at
 * 1970-01-01, 11644473600 seconds later. */
#define FILETIME_TICKS_PER_SEC 10000000ull
#define FILETIME_UNIX_EPOCH_SECS 11644473600ull

/* _beginthreadex's "default" stack size and creation flags. */
#define THREAD_STACK_DEFAULT 0u
#define THREAD_RUN_NOW 0u

/* Interlocked* work on LONG/LONG64: our words must match them. */
NETIPC__STATIC_ASSERT(sizeof(LONG) == sizeof(uint32_t), "LONG is 32 bits");
NETIPC__STATIC_ASSERT(sizeof(LONG64) == sizeof(uint64_t), "LONG64 is 64 bits");

struct netipc__thread {
  HANDLE handle;
  void (*fn)(void *);
  void *arg;
};

struct netipc__mutex {
  SRWLOCK lock;
};

struct netipc__rwlock {
  SRWLOCK lock;
};

static unsigned __stdcall
thread_trampoline(void *p)
{
  netipc__thread *t = p;
  t->fn(t->arg);
  return 0;
}

netipc_err
netipc__thread_create(netipc__thread **out, void (*fn)(void *), void *arg)
{
  netipc__thread *t = netipc__malloc(sizeof *t);
  if (t == NULL)
    return NETIPC_ERR_NOMEM;
  t->fn = fn;
  t->arg = arg;
  uintptr_t h = _beginthreadex(NULL, THREAD_STACK_DEFAULT, thread_trampoline,
                               t, THREAD_RUN_NOW, NULL);
  if (h == 0) {
    netipc__free(t);
    return NETIPC_ERR_SYSTEM;
  }
  t->handle = (HANDLE)h;
  *out = t;
  return NETIPC_OK;
}

void
netipc__thread_join(netipc__thread *t)
{
  if (t == NULL)
    return;
  (void)WaitForSingleObject(t->handle, INFINITE);
  CloseHandle(t->handle);
  netipc__free(t);
}

/* An SRW lock taken only exclusively is a non-recursive mutex; it needs
 * no destruction and cannot fail to initialise. */
netipc_err
netipc__mutex_create(netipc__mutex **out)
{
  netipc__mutex *m = netipc__malloc(sizeof *m);
  if (m == NULL)
    return NETIPC_ERR_NOMEM;
  InitializeSRWLock(&m->lock);
  *out = m;
  return NETIPC_OK;
}

void
netipc__mutex_lock(netipc__mutex *m)
{
  AcquireSRWLockExclusive(&m->lock);
}

void
netipc__mutex_unlock(netipc__mutex *m)
{
  ReleaseSRWLockExclusive(&m->lock);
}

void
netipc__mutex_destroy(netipc__mutex *m)
{
  netipc__free(m);
}

/* SRW locks do not let a stream of readers starve a waiting writer, which
 * a cache refresh needs (level3.md 7). */
netipc_err
netipc__rwlock_create(netipc__rwlock **out)
{
  netipc__rwlock *l = netipc__malloc(sizeof *l);
  if (l == NULL)
    return NETIPC_ERR_NOMEM;
  InitializeSRWLock(&l->lock);
  *out = l;
  return NETIPC_OK;
}

void
netipc__rwlock_rdlock(netipc__rwlock *l)
{
  AcquireSRWLockShared(&l->lock);
}

void
netipc__rwlock_rdunlock(netipc__rwlock *l)
{
  ReleaseSRWLockShared(&l->lock);
}

void
netipc__rwlock_wrlock(netipc__rwlock *l)
{
  AcquireSRWLockExclusive(&l->lock);
}

void
netipc__rwlock_wrunlock(netipc__rwlock *l)
{
  ReleaseSRWLockExclusive(&l->lock);
}

void
netipc__rwlock_destroy(netipc__rwlock *l)
{
  netipc__free(l);
}

/* Stores and adds are Interlocked (full barriers); loads are acquire
 * loads, which after such stores gives sequential consistency. */
uint32_t
netipc__atomic_load32(const uint32_t *p)
{
  return (uint32_t)netipc__win_load_acquire32((const volatile LONG *)p);
}

void
netipc__atomic_store32(uint32_t *p, uint32_t v)
{
  (void)InterlockedExchange((volatile LONG *)p, (LONG)v);
}

uint32_t
netipc__atomic_add32(uint32_t *p, uint32_t delta)
{
  LONG old = InterlockedExchangeAdd((volatile LONG *)p, (LONG)delta);
  return (uint32_t)old + delta;
}

uint64_t
netipc__atomic_load64(const uint64_t *p)
{
  return (uint64_t)netipc__win_load_acquire64((const volatile LONG64 *)p);
}

void
netipc__atomic_store64(uint64_t *p, uint64_t v)
{
  (void)InterlockedExchange64((volatile LONG64 *)p, (LONG64)v);
}

/* GetTickCount64 is monotonic and what upstream's deadlines use
 * (windows.md 3.7). */
uint64_t
netipc__now_ms(void)
{
  return (uint64_t)GetTickCount64();
}

uint64_t
netipc__wall_seconds(void)
{
  FILETIME ft;
  GetSystemTimeAsFileTime(&ft);
  ULARGE_INTEGER t;
  t.LowPart = ft.dwLowDateTime;
  t.HighPart = ft.dwHighDateTime;
  uint64_t secs = t.QuadPart / FILETIME_TICKS_PER_SEC;
  return secs > FILETIME_UNIX_EPOCH_SECS ? secs - FILETIME_UNIX_EPOCH_SECS
                                         : 0;
}

/* Sleep takes a DWORD; INFINITE (all ones) would never return, so the
 * largest finite value stands in for it. */
void
netipc__sleep_ms(uint32_t ms)
{
  Sleep(ms == INFINITE ? INFINITE - 1 : (DWORD)ms);
}
