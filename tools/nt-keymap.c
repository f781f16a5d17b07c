/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A small open-addressing hash table from byte strings to 64-bit values,
 * for the lookup sources: the --from-file index (a key to its line) and
 * the live sources' record of the answers given (lookup-source.c). Linear
 * probing, at most half full, keys copied; no removal but clearing.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "netipc-tool.h"

#define KEYMAP_INITIAL_CAP 64u
/* Grow before the table is more than half full, so probes stay short. */
#define KEYMAP_LOAD_DIVISOR 2u

struct nt_keymap_slot {
  char *key; /* NULL: empty slot */
  size_t len;
  uint32_t hash;
  uint64_t value;
};

static bool
slot_is(const nt_keymap_slot *sl, const void *key, size_t len, uint32_t hash)
{
  return sl->hash == hash && sl->len == len && memcmp(sl->key, key, len) == 0;
}

/* The slot holding key, or the empty slot where it would go. */
static nt_keymap_slot *
probe(const nt_keymap *m, const void *key, size_t len, uint32_t hash)
{
  size_t mask = m->cap - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    nt_keymap_slot *sl = &m->slots[i];
    if (sl->key == NULL || slot_is(sl, key, len, hash))
      return sl;
  }
}

uint64_t *
nt_keymap_find(const nt_keymap *m, const void *key, size_t len)
{
  if (m->cap == 0)
    return NULL;
  nt_keymap_slot *sl = probe(m, key, len, netipc_simple_hash(key, len));
  return sl->key != NULL ? &sl->value : NULL;
}

/* Twice the slots, every entry moved over (the keys are not copied). */
static bool
grow(nt_keymap *m)
{
  size_t cap = m->cap ? m->cap * 2 : KEYMAP_INITIAL_CAP;
  nt_keymap_slot *slots = calloc(cap, sizeof *slots);
  if (slots == NULL)
    return false;
  nt_keymap bigger = {slots, cap, m->count};
  for (size_t i = 0; i < m->cap; i++) {
    const nt_keymap_slot *old = &m->slots[i];
    if (old->key != NULL)
      *probe(&bigger, old->key, old->len, old->hash) = *old;
  }
  free(m->slots);
  *m = bigger;
  return true;
}

uint64_t *
nt_keymap_insert(nt_keymap *m, const void *key, size_t len, bool *added)
{
  *added = false;
  if ((m->count + 1) * KEYMAP_LOAD_DIVISOR > m->cap && !grow(m))
    return NULL;
  uint32_t hash = netipc_simple_hash(key, len);
  nt_keymap_slot *sl = probe(m, key, len, hash);
  if (sl->key != NULL)
    return &sl->value;
  /* One byte more, so that an empty key still has an allocation. */
  char *copy = malloc(len + 1);
  if (copy == NULL)
    return NULL;
  memcpy(copy, key, len);
  sl->key = copy;
  sl->len = len;
  sl->hash = hash;
  sl->value = 0;
  m->count++;
  *added = true;
  return &sl->value;
}

void
nt_keymap_clear(nt_keymap *m)
{
  for (size_t i = 0; i < m->cap; i++)
    free(m->slots[i].key);
  free(m->slots);
  memset(m, 0, sizeof *m);
}
