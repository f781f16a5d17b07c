/* SPDX-License-Identifier: GPL-3.0-or-later */
/* POSIX side of lib/transport/platform.h: pthreads, C11 atomics, clocks. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "common/alloc.h"
#include "transport/platform.h"

#define MS_PER_SEC 1000u
#define NS_PER_MS 1000000L

struct netipc__thread {
  pthread_t id;
  void (*fn)(void *);
  void *arg;
};

struct netipc__mutex {
  pthread_mutex_t m;
};

struct netipc__rwlock {
  pthread_rwlock_t l;
};

static void *
thread_trampoline(void *p)
{
  netipc__thread *t = p;
  t->fn(t->arg);
  return NULL;
}

netipc_err
netipc__thread_create(netipc__thread **out, void (*fn)(void *), void *arg)
{
  netipc__thread *t = netipc__malloc(sizeof *t);
  if (t == NULL)
    return NETIPC_ERR_NOMEM;
  t->fn = fn;
  t->arg = arg;
  if (pthread_create(&t->id, NULL, thread_trampoline, t) != 0) {
    netipc__free(t);
    return NETIPC_ERR_SYSTEM;
  }
  *out = t;
  return NETIPC_OK;
}

void
netipc__thread_join(netipc__thread *t)
{
  if (t == NULL)
    return;
  pthread_join(t->id, NULL);
  netipc__free(t);
}

netipc_err
netipc__mutex_create(netipc__mutex **out)
{
  netipc__mutex *m = netipc__malloc(sizeof *m);
  if (m == NULL)
    return NETIPC_ERR_NOMEM;
  if (pthread_mutex_init(&m->m, NULL) != 0) {
    netipc__free(m);
    return NETIPC_ERR_SYSTEM;
  }
  *out = m;
  return NETIPC_OK;
}

void
netipc__mutex_lock(netipc__mutex *m)
{
  pthread_mutex_lock(&m->m);
}

void
netipc__mutex_unlock(netipc__mutex *m)
{
  pthread_mutex_unlock(&m->m);
}

void
netipc__mutex_destroy(netipc__mutex *m)
{
  if (m == NULL)
    return;
  pthread_mutex_destroy(&m->m);
  netipc__free(m);
}

netipc_err
netipc__rwlock_create(netipc__rwlock **out)
{
  netipc__rwlock *l = netipc__malloc(sizeof *l);
  if (l == NULL)
    return NETIPC_ERR_NOMEM;
  /* Writers first: with glibc's default a stream of readers can hold a
   * waiting writer off forever, and a cache refresh must publish
   * (level3.md 7). */
  pthread_rwlockattr_t attr;
  int rc = pthread_rwlockattr_init(&attr);
#ifdef __GLIBC__
  if (rc == 0)
    rc = pthread_rwlockattr_setkind_np(
        &attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
  if (rc == 0)
    rc = pthread_rwlock_init(&l->l, &attr);
  pthread_rwlockattr_destroy(&attr);
  if (rc != 0) {
    netipc__free(l);
    return NETIPC_ERR_SYSTEM;
  }
  *out = l;
  return NETIPC_OK;
}

void
netipc__rwlock_rdlock(netipc__rwlock *l)
{
  pthread_rwlock_rdlock(&l->l);
}

void
netipc__rwlock_rdunlock(netipc__rwlock *l)
{
  pthread_rwlock_unlock(&l->l);
}

void
netipc__rwlock_wrlock(netipc__rwlock *l)
{
  pthread_rwlock_wrlock(&l->l);
}

void
netipc__rwlock_wrunlock(netipc__rwlock *l)
{
  pthread_rwlock_unlock(&l->l);
}

void
netipc__rwlock_destroy(netipc__rwlock *l)
{
  if (l == NULL)
    return;
  pthread_rwlock_destroy(&l->l);
  netipc__free(l);
}

uint32_t
netipc__atomic_load32(const uint32_t *p)
{
  return atomic_load((const _Atomic uint32_t *)p);
}

void
netipc__atomic_store32(uint32_t *p, uint32_t v)
{
  atomic_store((_Atomic uint32_t *)p, v);
}

uint32_t
netipc__atomic_add32(uint32_t *p, uint32_t delta)
{
  return atomic_fetch_add((_Atomic uint32_t *)p, delta) + delta;
}

uint64_t
netipc__atomic_load64(const uint64_t *p)
{
  return atomic_load((const _Atomic uint64_t *)p);
}

void
netipc__atomic_store64(uint64_t *p, uint64_t v)
{
  atomic_store((_Atomic uint64_t *)p, v);
}

uint64_t
netipc__wall_seconds(void)
{
  return (uint64_t)time(NULL);
}

void
netipc__sleep_ms(uint32_t ms)
{
  struct timespec ts = {.tv_sec = ms / MS_PER_SEC,
                        .tv_nsec = (long)(ms % MS_PER_SEC) * NS_PER_MS};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}
