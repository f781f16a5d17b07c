/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>

#include "common/alloc.h"

/* Countdown to an injected failure; 0 means never fail. */
static unsigned long alloc_fail_countdown;

static int
alloc_should_fail(void)
{
  if (alloc_fail_countdown == 0)
    return 0;
  return --alloc_fail_countdown == 0;
}

void
netipc__alloc_fail_after(unsigned long n)
{
  alloc_fail_countdown = n;
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
