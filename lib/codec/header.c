/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The 32-byte outer header (wire.md section 2). */
#include "config.h"

#include "codec/codec-internal.h"

/* Field offsets inside the outer header. */
enum {
  HDR_MAGIC = 0,
  HDR_VERSION = 4,
  HDR_HEADER_LEN = 6,
  HDR_KIND = 8,
  HDR_FLAGS = 10,
  HDR_CODE = 12,
  HDR_STATUS = 14,
  HDR_PAYLOAD_LEN = 16,
  HDR_ITEM_COUNT = 20,
  HDR_MESSAGE_ID = 24
};

void
netipc_header_init(netipc_header *h, uint16_t kind, uint16_t code,
                   uint64_t message_id)
{
  memset(h, 0, sizeof *h);
  h->magic = NETIPC_MAGIC;
  h->version = NETIPC_PROTOCOL_VERSION;
  h->header_len = NETIPC_HEADER_LEN;
  h->kind = kind;
  h->code = code;
  h->item_count = 1;
  h->message_id = message_id;
}

netipc_err
netipc_header_encode(const netipc_header *h, void *buf, size_t cap)
{
  if (h == NULL || buf == NULL)
    return NETIPC_ERR_INVALID_ARG;
  if (cap < NETIPC_HEADER_LEN)
    return NETIPC_ERR_NOSPACE;
  uint8_t *p = buf;
  netipc__st32(p + HDR_MAGIC, h->magic);
  netipc__st16(p + HDR_VERSION, h->version);
  netipc__st16(p + HDR_HEADER_LEN, h->header_len);
  netipc__st16(p + HDR_KIND, h->kind);
  netipc__st16(p + HDR_FLAGS, h->flags);
  netipc__st16(p + HDR_CODE, h->code);
  netipc__st16(p + HDR_STATUS, h->transport_status);
  netipc__st32(p + HDR_PAYLOAD_LEN, h->payload_len);
  netipc__st32(p + HDR_ITEM_COUNT, h->item_count);
  netipc__st64(p + HDR_MESSAGE_ID, h->message_id);
  return NETIPC_OK;
}

netipc_err
netipc_header_decode(const void *buf, size_t len, netipc_header *out)
{
  if (buf == NULL || out == NULL)
    return NETIPC_ERR_INVALID_ARG;
  if (len < NETIPC_HEADER_LEN)
    return NETIPC_ERR_TRUNCATED;
  const uint8_t *p = buf;
  out->magic = netipc__ld32(p + HDR_MAGIC);
  out->version = netipc__ld16(p + HDR_VERSION);
  out->header_len = netipc__ld16(p + HDR_HEADER_LEN);
  out->kind = netipc__ld16(p + HDR_KIND);
  out->flags = netipc__ld16(p + HDR_FLAGS);
  out->code = netipc__ld16(p + HDR_CODE);
  out->transport_status = netipc__ld16(p + HDR_STATUS);
  out->payload_len = netipc__ld32(p + HDR_PAYLOAD_LEN);
  out->item_count = netipc__ld32(p + HDR_ITEM_COUNT);
  out->message_id = netipc__ld64(p + HDR_MESSAGE_ID);

  /* The four checks a reference receiver makes, in its order. */
  if (out->magic != NETIPC_MAGIC)
    return NETIPC_ERR_BAD_MAGIC;
  if (out->version != NETIPC_PROTOCOL_VERSION)
    return NETIPC_ERR_BAD_VERSION;
  if (out->header_len != NETIPC_HEADER_LEN)
    return NETIPC_ERR_BAD_HEADER_LEN;
  if (out->kind < NETIPC_KIND_REQUEST || out->kind > NETIPC_KIND_CONTROL)
    return NETIPC_ERR_BAD_KIND;
  return NETIPC_OK;
}
