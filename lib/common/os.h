/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * os.h - the OS services every layer may use: threads, mutexes, atomics,
 * clocks and sleeping. Declared here, so Level 3 needs no transport
 * header; each port implements them with its OS code
 * (transport/posix/posix-thread.c, transport/windows/win-thread.c).
 */
#ifndef NETIPC_COMMON_OS_H
#define NETIPC_COMMON_OS_H

#include <netipc/common.h>

typedef struct netipc__thread netipc__thread;
typedef struct netipc__mutex netipc__mutex;
typedef struct netipc__rwlock netipc__rwlock;

/* Start fn(arg) on a new thread. Errors: NOMEM, SYSTEM. */
netipc_err netipc__thread_create(netipc__thread **out, void (*fn)(void *),
                                 void *arg);

/* Wait for the thread to end and free it. */
void netipc__thread_join(netipc__thread *t);

/* A non-recursive mutex. Errors: NOMEM, SYSTEM. */
netipc_err netipc__mutex_create(netipc__mutex **out);
void netipc__mutex_lock(netipc__mutex *m);
void netipc__mutex_unlock(netipc__mutex *m);
void netipc__mutex_destroy(netipc__mutex *m);

/*
 * A readers-writer lock: many readers at once, one writer excluding them.
 * Errors: NOMEM, SYSTEM.
 */
netipc_err netipc__rwlock_create(netipc__rwlock **out);
void netipc__rwlock_rdlock(netipc__rwlock *l);
void netipc__rwlock_rdunlock(netipc__rwlock *l);
void netipc__rwlock_wrlock(netipc__rwlock *l);
void netipc__rwlock_wrunlock(netipc__rwlock *l);
void netipc__rwlock_destroy(netipc__rwlock *l);

/* Sequentially consistent atomics on naturally aligned words. */
uint32_t netipc__atomic_load32(const uint32_t *p);
void netipc__atomic_store32(uint32_t *p, uint32_t v);
uint32_t netipc__atomic_add32(uint32_t *p, uint32_t delta); /* new value */
uint64_t netipc__atomic_load64(const uint64_t *p);
void netipc__atomic_store64(uint64_t *p, uint64_t v);

/* Milliseconds on a monotonic clock, and the wall clock in seconds. */
uint64_t netipc__now_ms(void);
uint64_t netipc__wall_seconds(void);

/* Deadline for timeout_ms from now; 0 (no deadline) when timeout_ms is 0. */
uint64_t netipc__deadline(uint32_t timeout_ms);

/*
 * Milliseconds left until deadline into *ms (0 and no clock read when
 * deadline is 0: none). Errors: TIMEOUT when it has passed.
 */
netipc_err netipc__deadline_left(uint64_t deadline, uint32_t *ms);

/* Sleep for ms milliseconds (interrupted sleeps resume). */
void netipc__sleep_ms(uint32_t ms);

#endif /* NETIPC_COMMON_OS_H */
