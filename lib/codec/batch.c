/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Level 1 batch payloads: directory + 8-aligned items (wire.md 7.2). */
#include "config.h"

#include "codec/codec-internal.h"

enum { DIR_OFFSET = 0, DIR_LENGTH = 4 };

netipc_err
netipc_batch_builder_init(netipc_batch_builder *b, void *buf, size_t cap,
                          uint32_t max_items)
{
  if (b == NULL || buf == NULL || max_items == 0)
    return NETIPC_ERR_INVALID_ARG;
  memset(b, 0, sizeof *b);
  b->buf = buf;
  b->cap = cap;
  b->max_items = max_items;
  uint64_t dir = (uint64_t)NETIPC_DIR_ENTRY_LEN * max_items;
  if (dir > cap) {
    b->error = NETIPC_ERR_OVERFLOW;
    return b->error;
  }
  b->data_start = (size_t)dir;
  b->data_end = b->data_start;
  return NETIPC_OK;
}

/*
 * Find room for the next item of up to len bytes: a free slot, and the
 * item plus its trailing pad inside cap. Zero-fills the alignment gap.
 */
static netipc_err
batch_place(netipc_batch_builder *b, size_t len, size_t *at)
{
  if (b->error != NETIPC_OK)
    return b->error;
  if (b->pending)
    return NETIPC_ERR_INVALID_ARG;
  uint64_t start = netipc__align8(b->data_end);
  if (b->count >= b->max_items || netipc__align8(start + len) > b->cap) {
    b->error = NETIPC_ERR_OVERFLOW;
    return b->error;
  }
  memset(b->buf + b->data_end, 0, (size_t)start - b->data_end);
  *at = (size_t)start;
  return NETIPC_OK;
}

/* Record item `count` at buf[at..at+len) in its directory slot. */
static void
batch_record(netipc_batch_builder *b, size_t at, size_t len)
{
  uint8_t *slot = b->buf + (size_t)b->count * NETIPC_DIR_ENTRY_LEN;
  netipc__st32(slot + DIR_OFFSET, (uint32_t)(at - b->data_start));
  netipc__st32(slot + DIR_LENGTH, (uint32_t)len);
  b->count++;
  b->data_end = at + len;
}

netipc_err
netipc_batch_builder_add(netipc_batch_builder *b, const void *item,
                         size_t len)
{
  if (b == NULL || (item == NULL && len != 0))
    return NETIPC_ERR_INVALID_ARG;
  size_t at;
  netipc_err err = batch_place(b, len, &at);
  if (err != NETIPC_OK)
    return err;
  if (len != 0)
    memcpy(b->buf + at, item, len);
  batch_record(b, at, len);
  return NETIPC_OK;
}

size_t
netipc_batch_builder_room(const netipc_batch_builder *b)
{
  if (b == NULL || b->error != NETIPC_OK || b->pending ||
      b->count >= b->max_items)
    return 0;
  /* The item's trailing pad must fit too, so the usable end is 8-aligned. */
  uint64_t end = b->cap & ~(uint64_t)(NETIPC_ALIGNMENT - 1);
  uint64_t start = netipc__align8(b->data_end);
  return end > start ? (size_t)(end - start) : 0;
}

netipc_err
netipc_batch_builder_reserve(netipc_batch_builder *b, size_t max_len,
                             void **where)
{
  if (b == NULL || where == NULL)
    return NETIPC_ERR_INVALID_ARG;
  size_t at;
  netipc_err err = batch_place(b, max_len, &at);
  if (err != NETIPC_OK)
    return err;
  b->pending = true;
  b->pending_at = at;
  b->pending_max = max_len;
  *where = b->buf + at;
  return NETIPC_OK;
}

netipc_err
netipc_batch_builder_commit(netipc_batch_builder *b, size_t len)
{
  if (b == NULL || !b->pending)
    return NETIPC_ERR_INVALID_ARG;
  b->pending = false;
  if (len > b->pending_max) {
    b->error = NETIPC_ERR_OVERFLOW;
    return b->error;
  }
  batch_record(b, b->pending_at, len);
  return NETIPC_OK;
}

netipc_err
netipc_batch_builder_finish(netipc_batch_builder *b, uint32_t *payload_len,
                            uint32_t *item_count)
{
  if (b == NULL || payload_len == NULL || item_count == NULL || b->pending)
    return NETIPC_ERR_INVALID_ARG;
  if (b->error != NETIPC_OK)
    return b->error;
  if (b->count == 0)
    return NETIPC_ERR_BAD_ITEM_COUNT;
  size_t dir = (size_t)b->count * NETIPC_DIR_ENTRY_LEN;
  size_t used = b->data_end - b->data_start;
  size_t padded = (size_t)netipc__align8(used);
  if ((uint64_t)dir + padded > NETIPC_MAX_PAYLOAD_LEN)
    return NETIPC_ERR_TOO_LARGE;
  /* Unused directory slots are squeezed out; offsets are relative to the
   * packed area, so they stay valid. */
  if (dir != b->data_start)
    memmove(b->buf + dir, b->buf + b->data_start, used);
  memset(b->buf + dir + used, 0, padded - used);
  *payload_len = (uint32_t)(dir + padded);
  *item_count = b->count;
  return NETIPC_OK;
}

netipc_err
netipc_batch_decode(const void *payload, size_t payload_len,
                    uint32_t item_count, netipc_batch_view *out)
{
  if (payload == NULL || out == NULL)
    return NETIPC_ERR_INVALID_ARG;
  if (item_count == 0)
    return NETIPC_ERR_BAD_ITEM_COUNT;
  if (payload_len > NETIPC_MAX_PAYLOAD_LEN)
    return NETIPC_ERR_TOO_LARGE;
  uint64_t dir = (uint64_t)NETIPC_DIR_ENTRY_LEN * item_count;
  if (dir > payload_len)
    return NETIPC_ERR_TRUNCATED;
  const uint8_t *p = payload;
  uint64_t area = payload_len - dir;
  for (uint32_t i = 0; i < item_count; i++) {
    const uint8_t *e = p + (size_t)i * NETIPC_DIR_ENTRY_LEN;
    netipc_err err = netipc__dir_entry_check(netipc__ld32(e + DIR_OFFSET),
                                             netipc__ld32(e + DIR_LENGTH),
                                             area);
    if (err != NETIPC_OK)
      return err;
  }
  out->payload = p;
  out->payload_len = (uint32_t)payload_len;
  out->item_count = item_count;
  return NETIPC_OK;
}

netipc_err
netipc_batch_item(const netipc_batch_view *v, uint32_t index,
                  const void **item, uint32_t *len)
{
  if (v == NULL || item == NULL || len == NULL)
    return NETIPC_ERR_INVALID_ARG;
  if (index >= v->item_count)
    return NETIPC_ERR_OUT_OF_BOUNDS;
  size_t dir = (size_t)v->item_count * NETIPC_DIR_ENTRY_LEN;
  const uint8_t *e = v->payload + (size_t)index * NETIPC_DIR_ENTRY_LEN;
  *item = v->payload + dir + netipc__ld32(e + DIR_OFFSET);
  *len = netipc__ld32(e + DIR_LENGTH);
  return NETIPC_OK;
}
