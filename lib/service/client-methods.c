/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Level 2 typed calls: request sizing, encoding and response decoding for
 * INCREMENT, STRING_REVERSE and CGROUPS_SNAPSHOT (codec.md), single and
 * batch. Callers never see wire buffers or sizes.
 */
#include "config.h"

#include <string.h>

#include "service/client-internal.h"

static uint64_t
align8(uint64_t x)
{
  return (x + NETIPC_ALIGNMENT - 1) & ~(uint64_t)(NETIPC_ALIGNMENT - 1);
}

/* ---- INCREMENT ---------------------------------------------------- */

typedef struct inc_batch {
  const uint64_t *values;
  size_t n;
} inc_batch;

static size_t
inc_len(const netipc__call *call)
{
  const inc_batch *in = call->in;
  if (in->n == 1)
    return NETIPC_INCREMENT_LEN;
  return in->n * (NETIPC_DIR_ENTRY_LEN + align8(NETIPC_INCREMENT_LEN));
}

/* Encode item i of a batch into dst[0..room), setting *written. */
typedef netipc_err (*item_encode_fn)(const netipc__call *call, size_t i,
                                     void *dst, size_t room, size_t *written);

/* A batch request: every item through item_fn, straight into the batch. */
static netipc_err
encode_batch(const netipc__call *call, size_t n, item_encode_fn item_fn,
             uint8_t *buf, size_t cap, size_t *len)
{
  netipc_batch_builder b;
  netipc_err err = netipc_batch_builder_init(&b, buf, cap, (uint32_t)n);
  for (size_t i = 0; err == NETIPC_OK && i < n; i++) {
    void *item;
    size_t room = netipc_batch_builder_room(&b), written = 0;
    err = netipc_batch_builder_reserve(&b, room, &item);
    if (err == NETIPC_OK)
      err = item_fn(call, i, item, room, &written);
    if (err == NETIPC_OK)
      err = netipc_batch_builder_commit(&b, written);
  }
  uint32_t payload_len = 0, count = 0;
  if (err == NETIPC_OK)
    err = netipc_batch_builder_finish(&b, &payload_len, &count);
  *len = payload_len;
  return err;
}

static netipc_err
inc_item(const netipc__call *call, size_t i, void *dst, size_t room,
         size_t *written)
{
  const inc_batch *in = call->in;
  return netipc_increment_encode(in->values[i], dst, room, written);
}

static netipc_err
inc_encode(const netipc__call *call, uint8_t *buf, size_t cap, size_t *len)
{
  const inc_batch *in = call->in;
  if (in->n == 1)
    return inc_item(call, 0, buf, cap, len);
  return encode_batch(call, in->n, inc_item, buf, cap, len);
}

/* Decode item i of a response (the whole payload for a single call). */
typedef netipc_err (*item_decode_fn)(const netipc__call *call, uint32_t i,
                                     const void *item, uint32_t item_len);

static netipc_err
decode_items(const netipc__call *call, const netipc_header *h,
             const uint8_t *payload, size_t len, item_decode_fn item_fn)
{
  if (call->items <= 1)
    return item_fn(call, 0, payload, (uint32_t)len);
  netipc_batch_view v;
  netipc_err err = netipc_batch_decode(payload, len, h->item_count, &v);
  for (uint32_t i = 0; err == NETIPC_OK && i < call->items; i++) {
    const void *item;
    uint32_t item_len;
    err = netipc_batch_item(&v, i, &item, &item_len);
    if (err == NETIPC_OK)
      err = item_fn(call, i, item, item_len);
  }
  return err;
}

static netipc_err
inc_decode_item(const netipc__call *call, uint32_t i, const void *item,
                uint32_t item_len)
{
  uint64_t *out = call->out;
  return netipc_increment_decode(item, item_len, &out[i]);
}

static netipc_err
inc_decode(const netipc__call *call, const netipc_header *h,
           const uint8_t *payload, size_t len)
{
  return decode_items(call, h, payload, len, inc_decode_item);
}

netipc_err
netipc_client_increment_batch(netipc_client *c, const uint64_t *values,
                              size_t n, uint32_t timeout_ms, uint64_t *results)
{
  if (!netipc__client_method_ok(c, NETIPC_METHOD_INCREMENT) ||
      (n != 0 && (values == NULL || results == NULL)) || n > UINT32_MAX)
    return NETIPC_ERR_INVALID_ARG;
  if (n == 0)
    return NETIPC_OK;
  inc_batch in = {values, n};
  netipc__call call = {NETIPC_METHOD_INCREMENT, (uint32_t)n, inc_len,
                       inc_encode, inc_decode, &in, results};
  return netipc__client_call(c, &call, timeout_ms);
}

netipc_err
netipc_client_increment(netipc_client *c, uint64_t value, uint32_t timeout_ms,
                        uint64_t *result)
{
  return netipc_client_increment_batch(c, &value, 1, timeout_ms, result);
}

/* ---- STRING_REVERSE ----------------------------------------------- */

typedef struct str_batch {
  const netipc_string_view *strs;
  size_t n;
} str_batch;

static size_t
str_len(const netipc__call *call)
{
  const str_batch *in = call->in;
  if (in->n == 1)
    return NETIPC_STRING_REVERSE_MIN_LEN + (size_t)in->strs[0].len;
  uint64_t total = 0;
  for (size_t i = 0; i < in->n; i++)
    total += NETIPC_DIR_ENTRY_LEN +
             align8((uint64_t)NETIPC_STRING_REVERSE_MIN_LEN + in->strs[i].len);
  return total > SIZE_MAX ? SIZE_MAX : (size_t)total;
}

static netipc_err
str_item(const netipc__call *call, size_t i, void *dst, size_t room,
         size_t *written)
{
  const str_batch *in = call->in;
  return netipc_string_reverse_encode(in->strs[i].ptr, in->strs[i].len, dst,
                                      room, written);
}

static netipc_err
str_encode(const netipc__call *call, uint8_t *buf, size_t cap, size_t *len)
{
  const str_batch *in = call->in;
  if (in->n == 1)
    return str_item(call, 0, buf, cap, len);
  return encode_batch(call, in->n, str_item, buf, cap, len);
}

static netipc_err
str_decode_item(const netipc__call *call, uint32_t i, const void *item,
                uint32_t item_len)
{
  netipc_string_view *out = call->out;
  return netipc_string_reverse_decode(item, item_len, &out[i]);
}

static netipc_err
str_decode(const netipc__call *call, const netipc_header *h,
           const uint8_t *payload, size_t len)
{
  return decode_items(call, h, payload, len, str_decode_item);
}

netipc_err
netipc_client_string_reverse_batch(netipc_client *c,
                                   const netipc_string_view *strs, size_t n,
                                   uint32_t timeout_ms,
                                   netipc_string_view *results)
{
  if (!netipc__client_method_ok(c, NETIPC_METHOD_STRING_REVERSE) ||
      (n != 0 && (strs == NULL || results == NULL)) || n > UINT32_MAX)
    return NETIPC_ERR_INVALID_ARG;
  for (size_t i = 0; i < n; i++)
    if (strs[i].ptr == NULL && strs[i].len != 0)
      return NETIPC_ERR_INVALID_ARG;
  if (n == 0)
    return NETIPC_OK;
  str_batch in = {strs, n};
  netipc__call call = {NETIPC_METHOD_STRING_REVERSE, (uint32_t)n, str_len,
                       str_encode, str_decode, &in, results};
  return netipc__client_call(c, &call, timeout_ms);
}

netipc_err
netipc_client_string_reverse(netipc_client *c, const char *str, size_t len,
                             uint32_t timeout_ms, netipc_string_view *result)
{
  if (len > UINT32_MAX)
    return NETIPC_ERR_TOO_LARGE;
  netipc_string_view in = {str, (uint32_t)len};
  return netipc_client_string_reverse_batch(c, &in, 1, timeout_ms, result);
}

/* ---- CGROUPS_SNAPSHOT --------------------------------------------- */

static size_t
cg_len(const netipc__call *call)
{
  (void)call;
  return NETIPC_CGROUPS_REQ_LEN;
}

static netipc_err
cg_encode(const netipc__call *call, uint8_t *buf, size_t cap, size_t *len)
{
  (void)call;
  return netipc_cgroups_req_encode(buf, cap, len);
}

static netipc_err
cg_decode(const netipc__call *call, const netipc_header *h,
          const uint8_t *payload, size_t len)
{
  (void)h;
  return netipc_cgroups_view_decode(payload, len, call->out);
}

netipc_err
netipc_client_cgroups_snapshot(netipc_client *c, uint32_t timeout_ms,
                               netipc_cgroups_view *view)
{
  if (!netipc__client_method_ok(c, NETIPC_METHOD_CGROUPS_SNAPSHOT) || view == NULL)
    return NETIPC_ERR_INVALID_ARG;
  netipc__call call = {NETIPC_METHOD_CGROUPS_SNAPSHOT, 1, cg_len, cg_encode,
                       cg_decode, NULL, view};
  return netipc__client_call(c, &call, timeout_ms);
}
