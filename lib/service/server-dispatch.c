/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Request dispatch of the managed server: decode, call the typed handler,
 * encode, and map every outcome to a transport_status (level2.md 9.4-9.7,
 * codec.md 7). Batches are split item by item, answered in request order.
 */
#include "config.h"

#include "codec/codec-internal.h"
#include "service/server-internal.h"

/* Per-method codec steps for one item: request in, response out. */
typedef netipc_err (*item_fn)(const netipc_server_config *cfg,
                              const void *in, uint32_t in_len, uint8_t *out,
                              size_t cap, size_t *out_len);

void
netipc__reply_status(netipc__reply *r, uint16_t status)
{
  r->status = status;
  r->flags = 0;
  r->item_count = 1;
  r->payload_len = 0;
  r->close_after = status != NETIPC_STATUS_OK &&
                   status != NETIPC_STATUS_UNSUPPORTED;
}

/* Codec and handler failures as statuses (codec.md 7). */
static uint16_t
status_for(netipc_err err)
{
  switch (err) {
  case NETIPC_ERR_OVERFLOW:
  case NETIPC_ERR_NOSPACE:
  case NETIPC_ERR_TOO_LARGE:
  case NETIPC_ERR_LIMIT_EXCEEDED:
    return NETIPC_STATUS_LIMIT_EXCEEDED;
  case NETIPC_ERR_REMOTE_STATUS: /* the handler said no */
    return NETIPC_STATUS_INTERNAL_ERROR;
  default:
    return err <= NETIPC_ERR_TRUNCATED && err > NETIPC_ERR_TIMEOUT
               ? NETIPC_STATUS_BAD_ENVELOPE
               : NETIPC_STATUS_INTERNAL_ERROR;
  }
}

static netipc_err
increment_item(const netipc_server_config *cfg, const void *in,
               uint32_t in_len, uint8_t *out, size_t cap, size_t *out_len)
{
  uint64_t value, result;
  netipc_err err = netipc_increment_decode(in, in_len, &value);
  if (err != NETIPC_OK)
    return err;
  if (cfg->increment(cfg->user, value, &result) != 0)
    return NETIPC_ERR_REMOTE_STATUS;
  return netipc_increment_encode(result, out, cap, out_len);
}

static netipc_err
string_reverse_item(const netipc_server_config *cfg, const void *in,
                    uint32_t in_len, uint8_t *out, size_t cap,
                    size_t *out_len)
{
  netipc_string_view request;
  netipc_err err = netipc_string_reverse_decode(in, in_len, &request);
  if (err != NETIPC_OK)
    return err;
  if (cap < NETIPC_STRING_REVERSE_MIN_LEN)
    return NETIPC_ERR_OVERFLOW;
  /* The handler writes the answer in place, after the 8-byte prefix. */
  char *text = (char *)out + NETIPC_STRING_REVERSE_HDR_LEN;
  size_t room = cap - NETIPC_STRING_REVERSE_MIN_LEN, n = 0;
  if (cfg->string_reverse(cfg->user, request, text, room, &n) != 0)
    return NETIPC_ERR_REMOTE_STATUS;
  if (n > room)
    return NETIPC_ERR_OVERFLOW;
  return netipc_string_reverse_encode(text, n, out, cap, out_len);
}

static void
dispatch_single(const netipc_server_config *cfg, item_fn fn,
                const uint8_t *payload, size_t len, uint8_t *out, size_t cap,
                netipc__reply *r)
{
  size_t out_len = 0;
  netipc_err err = len > UINT32_MAX ? NETIPC_ERR_TOO_LARGE
                                    : fn(cfg, payload, (uint32_t)len, out, cap,
                                         &out_len);
  netipc__reply_status(r, err == NETIPC_OK ? NETIPC_STATUS_OK : status_for(err));
  if (err == NETIPC_OK)
    r->payload_len = out_len;
}

/* Items in order; the first failure fails the whole batch (9.7). */
static void
dispatch_batch(const netipc_server_config *cfg, item_fn fn,
               const netipc_header *h, const uint8_t *payload, size_t len,
               uint8_t *out, size_t cap, netipc__reply *r)
{
  netipc_batch_view v;
  netipc_err err = netipc_batch_decode(payload, len, h->item_count, &v);
  if (err != NETIPC_OK) {
    netipc__reply_status(r, NETIPC_STATUS_BAD_ENVELOPE);
    return;
  }
  netipc_batch_builder b;
  err = netipc_batch_builder_init(&b, out, cap, h->item_count);
  for (uint32_t i = 0; err == NETIPC_OK && i < h->item_count; i++) {
    const void *item;
    uint32_t item_len;
    void *dst;
    size_t written = 0;
    err = netipc_batch_item(&v, i, &item, &item_len);
    if (err == NETIPC_OK)
      err = netipc_batch_builder_reserve(&b, netipc_batch_builder_room(&b),
                                         &dst);
    if (err == NETIPC_OK)
      err = fn(cfg, item, item_len, dst, b.pending_max, &written);
    if (err == NETIPC_OK)
      err = netipc_batch_builder_commit(&b, written);
  }
  uint32_t payload_len = 0, count = 0;
  if (err == NETIPC_OK)
    err = netipc_batch_builder_finish(&b, &payload_len, &count);
  netipc__reply_status(r, err == NETIPC_OK ? NETIPC_STATUS_OK : status_for(err));
  if (err == NETIPC_OK) {
    r->flags = NETIPC_FLAG_BATCH;
    r->item_count = count;
    r->payload_len = payload_len;
  }
}

static void
dispatch_cgroups(const netipc_server_config *cfg, const uint8_t *payload,
                 size_t len, uint8_t *out, size_t cap, netipc__reply *r)
{
  if (netipc_cgroups_req_decode(payload, len) != NETIPC_OK) {
    netipc__reply_status(r, NETIPC_STATUS_BAD_ENVELOPE);
    return;
  }
  netipc_cgroups_builder b;
  netipc_err err = netipc_cgroups_builder_init(&b, out, cap,
                                               cfg->cgroups_max_items, 0, 0);
  int failed = err == NETIPC_OK ? cfg->cgroups_snapshot(cfg->user, &b) : 0;
  size_t out_len = 0;
  /* A remembered overflow wins over the handler's verdict (codec.md 5.7). */
  if (b.error != NETIPC_OK || err != NETIPC_OK)
    netipc__reply_status(r, NETIPC_STATUS_LIMIT_EXCEEDED);
  else if (failed)
    netipc__reply_status(r, NETIPC_STATUS_INTERNAL_ERROR);
  else {
    err = netipc_cgroups_builder_finish(&b, &out_len);
    netipc__reply_status(r, err == NETIPC_OK ? NETIPC_STATUS_OK : status_for(err));
    r->payload_len = err == NETIPC_OK ? out_len : 0;
  }
}

void
netipc__server_dispatch(const netipc_server_config *cfg,
                        const netipc_header *h, const uint8_t *payload,
                        size_t len, uint8_t *out, size_t cap,
                        netipc__reply *r)
{
  if (h->code != cfg->method) {
    netipc__reply_status(r, NETIPC_STATUS_UNSUPPORTED);
    return;
  }
  if (cfg->method == NETIPC_METHOD_CGROUPS_SNAPSHOT) {
    dispatch_cgroups(cfg, payload, len, out, cap, r);
    return;
  }
  if (cfg->method == NETIPC_METHOD_CGROUPS_LOOKUP ||
      cfg->method == NETIPC_METHOD_APPS_LOOKUP) {
    netipc__server_dispatch_lookup(cfg, payload, len, out, cap, r);
    return;
  }
  item_fn fn = cfg->method == NETIPC_METHOD_INCREMENT ? increment_item
                                                      : string_reverse_item;
  if (h->flags & NETIPC_FLAG_BATCH)
    dispatch_batch(cfg, fn, h, payload, len, out, cap, r);
  else
    dispatch_single(cfg, fn, payload, len, out, cap, r);
}
