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
 * every one after it succeed again; 0 disables. Not thread-safe: tests
 * set it while no other thread allocates.
 */
void netipc__alloc_fail_after(unsigned long n);

#endif /* NETIPC_COMMON_ALLOC_H */
