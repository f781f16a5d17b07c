/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <netipc/common.h>

#include "common/alloc.h"

/*
 * Countdown to an injected failure; 0 means never fail. Atomic where the
 * compiler offers it, so a test may arm it while server threads of the
 * same process sit idle (it still must not race real allocations).
 */
static unsigned long alloc_fail_countdown;

#if defined(__GNUC__) || defined(__clang__)
#define ALLOC_LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define ALLOC_STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define ALLOC_DEC(p) __atomic_sub_fetch((p), 1, __ATOMIC_RELAXED)
#else
#define ALLOC_LOAD(p) (*(p))
#define ALLOC_STORE(p, v) (*(p) = (v))
#define ALLOC_DEC(p) (--*(p))
#endif

static int
alloc_should_fail(void)
{
  if (ALLOC_LOAD(&alloc_fail_countdown) == 0)
    return 0;
  return ALLOC_DEC(&alloc_fail_countdown) == 0;
}

void
netipc__alloc_fail_after(unsigned long n)
{
  ALLOC_STORE(&alloc_fail_countdown, n);
}

unsigned long
netipc__alloc_fail_pending(void)
{
  return ALLOC_LOAD(&alloc_fail_countdown);
}

void *
netipc__malloc(size_t size)
{
  return alloc_should_fail() ? NULL : malloc(size);
}

void *
netipc__calloc(size_t count, size_t size)
{
  return alloc_should_fail() ? NULL : calloc(count, size);
}

void *
netipc__realloc(void *ptr, size_t size)
{
  return alloc_should_fail() ? NULL : realloc(ptr, size);
}

void
netipc__free(void *ptr)
{
  free(ptr);
}

char *
netipc__strdup(const char *s)
{
  size_t n = strlen(s) + 1;
  char *copy = netipc__malloc(n);
  if (copy != NULL)
    memcpy(copy, s, n);
  return copy;
}

netipc_err
netipc__grow_max(void *buf_ptr, size_t *cap, size_t need, size_t max)
{
  void **buf = buf_ptr;
  if (need <= *cap)
    return NETIPC_OK;
  /* At least double, so n growing appends cost O(n) copies in total, but
   * never past max (a caller's bound); if the doubled size cannot be had,
   * the exact size still may. */
  size_t want = *cap <= SIZE_MAX / 2 && 2 * *cap > need ? 2 * *cap : need;
  if (want > max)
    want = max > need ? max : need;
  void *p = netipc__realloc(*buf, want);
  if (p == NULL && want != need)
    p = netipc__realloc(*buf, want = need);
  if (p == NULL)
    return NETIPC_ERR_NOMEM;
  *buf = p;
  *cap = want;
  return NETIPC_OK;
}

netipc_err
netipc__grow(void *buf_ptr, size_t *cap, size_t need)
{
  return netipc__grow_max(buf_ptr, cap, need, SIZE_MAX);
}
