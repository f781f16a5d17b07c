/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * alloc.h - every heap allocation in netipc goes through these, so tests
 * can inject out-of-memory failures.
 */
#ifndef NETIPC_COMMON_ALLOC_H
#define NETIPC_COMMON_ALLOC_H

#include <stddef.h>

#include <netipc/common.h>

/* malloc/calloc/realloc/free wrappers; NULL on failure (or injected). */
void *netipc__malloc(size_t size);
void *netipc__calloc(size_t count, size_t size);
void *netipc__realloc(void *ptr, size_t size);
void netipc__free(void *ptr);

/* A heap copy of a NUL-terminated string; NULL on failure. */
char *netipc__strdup(const char *s);

/*
 * Make the growable buffer *buf (capacity *cap) hold at least need bytes,
 * keeping its contents; it only grows, at least doubling so that appends
 * cost linear time in total. Errors: NETIPC_ERR_NOMEM (the old
 * buffer is kept).
 */
netipc_err netipc__grow(void *buf_ptr, size_t *cap, size_t need);

/* The same, never growing the capacity past max (unless need is larger). */
netipc_err netipc__grow_max(void *buf_ptr, size_t *cap, size_t need,
                            size_t max);

/*
 * Test hook: make the n-th allocation from now (1 = the next) fail, and
 * every one after it succeed again; 0 disables. Tests arm it while no
 * other thread allocates; threads may then allocate while it counts down
 * (the counter is atomic), but "the n-th" only means one allocation when
 * the scenario fixes their order (a server's threads serving one client
 * at a time; tests/alloc-failure.h).
 */
void netipc__alloc_fail_after(unsigned long n);

/*
 * Test hook: the allocations still to come up to and including the armed
 * failure (n right after netipc__alloc_fail_after(n)); 0 once the failure
 * has been injected, or when disarmed. A scenario run with fail_after(n)
 * that ends with this non-zero completed without reaching its n-th
 * allocation: the OOM loop of the tests stops there.
 */
unsigned long netipc__alloc_fail_pending(void);

#endif /* NETIPC_COMMON_ALLOC_H */
