/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "common/alloc.h"
#include "transport/inflight.h"

/* Initial table size (the reference starts with room for 16 ids). */
#define INFLIGHT_INITIAL_CAP 16u

static size_t
inflight_slot(uint64_t id, size_t cap)
{
  /* Fibonacci hashing spreads sequential ids across the table. */
  return (size_t)((id * 0x9E3779B97F4A7C15ull) >> 17) & (cap - 1);
}

void
netipc__inflight_init(netipc__inflight *set)
{
  memset(set, 0, sizeof *set);
}

void
netipc__inflight_fini(netipc__inflight *set)
{
  netipc__free(set->ids);
  netipc__free(set->used);
  memset(set, 0, sizeof *set);
}

static bool
inflight_find(const netipc__inflight *set, uint64_t id, size_t *at)
{
  if (set->cap == 0)
    return false;
  for (size_t i = inflight_slot(id, set->cap);; i = (i + 1) & (set->cap - 1)) {
    if (!set->used[i]) {
      *at = i;
      return false;
    }
    if (set->ids[i] == id) {
      *at = i;
      return true;
    }
  }
}

static void
inflight_put(netipc__inflight *set, uint64_t id)
{
  size_t at = 0;
  (void)inflight_find(set, id, &at);
  set->ids[at] = id;
  set->used[at] = 1;
  set->count++;
}

/* Keep the load factor at or below one half. */
static netipc_err
inflight_grow(netipc__inflight *set)
{
  size_t cap = set->cap ? set->cap * 2 : INFLIGHT_INITIAL_CAP;
  uint64_t *ids = netipc__malloc(cap * sizeof *ids);
  uint8_t *used = netipc__calloc(cap, 1);
  if (ids == NULL || used == NULL) {
    netipc__free(ids);
    netipc__free(used);
    return NETIPC_ERR_NOMEM;
  }
  netipc__inflight old = *set;
  set->ids = ids;
  set->used = used;
  set->cap = cap;
  set->count = 0;
  for (size_t i = 0; i < old.cap; i++)
    if (old.used[i])
      inflight_put(set, old.ids[i]);
  netipc__free(old.ids);
  netipc__free(old.used);
  return NETIPC_OK;
}

netipc_err
netipc__inflight_add(netipc__inflight *set, uint64_t id)
{
  size_t at;
  if (inflight_find(set, id, &at))
    return NETIPC_ERR_DUPLICATE_ID;
  if ((set->count + 1) * 2 > set->cap) {
    netipc_err err = inflight_grow(set);
    if (err != NETIPC_OK)
      return err;
  }
  inflight_put(set, id);
  return NETIPC_OK;
}

bool
netipc__inflight_remove(netipc__inflight *set, uint64_t id)
{
  size_t hole;
  if (!inflight_find(set, id, &hole))
    return false;
  set->used[hole] = 0;
  set->count--;
  /* Backward-shift: pull later members of the probe run into the hole. */
  size_t mask = set->cap - 1;
  for (size_t i = (hole + 1) & mask; set->used[i]; i = (i + 1) & mask) {
    size_t home = inflight_slot(set->ids[i], set->cap);
    if (((i - home) & mask) >= ((i - hole) & mask)) {
      set->ids[hole] = set->ids[i];
      set->used[hole] = 1;
      set->used[i] = 0;
      hole = i;
    }
  }
  return true;
}

void
netipc__inflight_clear(netipc__inflight *set)
{
  if (set->cap != 0)
    memset(set->used, 0, set->cap);
  set->count = 0;
}
