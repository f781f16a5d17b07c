/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz the Level 1 batch directory decoder (wire.md 7.2).
 *
 * Input: u32 item_count (host order), then the batch payload. Accepted
 * batches are rebuilt with netipc_batch_builder and must decode to the
 * same items.
 */
#include "config.h"

#include "fuzz.h"

volatile uint32_t fuzz_sink;

/* Rebuilds larger than this are skipped (overlapping items can blow up). */
#define REBUILD_MAX ((uint64_t)16 << 20)

static uint64_t
align8(uint64_t x)
{
  return (x + 7) & ~(uint64_t)7;
}

static void
rebuild(const netipc_batch_view *v, const uint8_t *const *items,
        const uint32_t *lens)
{
  uint32_t n = v->item_count;
  uint64_t data = 0;
  for (uint32_t i = 0; i < n; i++)
    data += align8(lens[i]);
  /* Reserve a few spare directory slots so finish() has to compact. */
  uint32_t spare = n % 3;
  uint64_t need = 8 * ((uint64_t)n + spare) + data;
  if (need > REBUILD_MAX)
    return;
  uint8_t *out = fuzz_alloc((size_t)need);
  netipc_batch_builder b;
  FUZZ_CHECK(netipc_batch_builder_init(&b, out, (size_t)need, n + spare) ==
             NETIPC_OK);
  for (uint32_t i = 0; i < n; i++) {
    if (i % 2 == 0) {
      FUZZ_CHECK(netipc_batch_builder_add(&b, lens[i] ? items[i] : NULL,
                                          lens[i]) == NETIPC_OK);
    } else {
      void *where = NULL;
      FUZZ_CHECK(netipc_batch_builder_reserve(&b, lens[i], &where) ==
                 NETIPC_OK);
      if (lens[i] != 0)
        memcpy(where, items[i], lens[i]);
      FUZZ_CHECK(netipc_batch_builder_commit(&b, lens[i]) == NETIPC_OK);
    }
  }
  /* No slot is left only when there are no spares. */
  if (spare == 0)
    FUZZ_CHECK(netipc_batch_builder_add(&b, NULL, 0) == NETIPC_ERR_OVERFLOW);
  uint32_t plen = 0, count = 0;
  netipc_err err = netipc_batch_builder_finish(&b, &plen, &count);
  if (spare == 0) {
    FUZZ_CHECK(err == NETIPC_ERR_OVERFLOW); /* the failed add sticks */
    /* Build again without the failing add. */
    FUZZ_CHECK(netipc_batch_builder_init(&b, out, (size_t)need, n) ==
               NETIPC_OK);
    for (uint32_t i = 0; i < n; i++)
      FUZZ_CHECK(netipc_batch_builder_add(&b, lens[i] ? items[i] : NULL,
                                          lens[i]) == NETIPC_OK);
    err = netipc_batch_builder_finish(&b, &plen, &count);
  }
  FUZZ_CHECK(err == NETIPC_OK);
  FUZZ_CHECK(count == n);
  FUZZ_CHECK(plen == 8 * (uint64_t)n + data);

  /* Canonical layout: items back to back at 8-aligned offsets, zero gaps
   * and zero trailing padding. */
  uint64_t at = 0;
  for (uint32_t i = 0; i < n; i++) {
    FUZZ_CHECK(fuzz_ld32(out + 8 * (size_t)i) == at);
    FUZZ_CHECK(fuzz_ld32(out + 8 * (size_t)i + 4) == lens[i]);
    for (uint64_t k = at + lens[i]; k < align8(at + lens[i]); k++)
      FUZZ_CHECK(out[8 * (size_t)n + k] == 0);
    at = align8(at + lens[i]);
  }

  netipc_batch_view w;
  FUZZ_CHECK(netipc_batch_decode(out, plen, count, &w) == NETIPC_OK);
  for (uint32_t i = 0; i < n; i++) {
    const void *item = NULL;
    uint32_t len = 0;
    FUZZ_CHECK(netipc_batch_item(&w, i, &item, &len) == NETIPC_OK);
    FUZZ_CHECK(len == lens[i]);
    FUZZ_CHECK(len == 0 || memcmp(item, items[i], len) == 0);
  }
  free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 4)
    return 0;
  uint32_t item_count = fuzz_ld32(data);
  size_t plen = size - 4;
  uint8_t *payload = fuzz_dup(data + 4, plen);

  netipc_batch_view v;
  netipc_err err = netipc_batch_decode(payload, plen, item_count, &v);
  if (err != NETIPC_OK) {
    FUZZ_CHECK(err == NETIPC_ERR_BAD_ITEM_COUNT || err == NETIPC_ERR_TRUNCATED ||
               err == NETIPC_ERR_BAD_ALIGNMENT ||
               err == NETIPC_ERR_OUT_OF_BOUNDS);
    free(payload);
    return 0;
  }
  FUZZ_CHECK(item_count != 0 && 8 * (uint64_t)item_count <= plen);
  FUZZ_CHECK(v.item_count == item_count && v.payload_len == plen);

  const uint8_t **items = malloc(sizeof *items * item_count);
  uint32_t *lens = malloc(sizeof *lens * item_count);
  FUZZ_CHECK(items != NULL && lens != NULL);
  const uint8_t *area = payload + 8 * (size_t)item_count;
  uint32_t sum = 0;
  for (uint32_t i = 0; i < item_count; i++) {
    const void *item = NULL;
    uint32_t len = 0;
    FUZZ_CHECK(netipc_batch_item(&v, i, &item, &len) == NETIPC_OK);
    const uint8_t *p = item;
    FUZZ_CHECK(p >= area && (size_t)(p - area) % 8 == 0);
    FUZZ_CHECK((uint64_t)(p - payload) + len <= plen);
    sum += fuzz_touch(p, len);
    items[i] = p;
    lens[i] = len;
  }
  const void *item = NULL;
  uint32_t len = 0;
  FUZZ_CHECK(netipc_batch_item(&v, item_count, &item, &len) ==
             NETIPC_ERR_OUT_OF_BOUNDS);
  fuzz_sink += sum;

  rebuild(&v, items, lens);
  free(lens);
  free(items);
  free(payload);
  return 0;
}
