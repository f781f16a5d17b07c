/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Chunk continuation header and chunking arithmetic (wire.md section 8). */
#include "config.h"

#include "codec/codec-internal.h"

enum {
  CHK_MAGIC = 0,
  CHK_VERSION = 4,
  CHK_FLAGS = 6,
  CHK_MESSAGE_ID = 8,
  CHK_TOTAL_LEN = 16,
  CHK_INDEX = 20,
  CHK_COUNT = 24,
  CHK_PAYLOAD_LEN = 28
};

void
netipc_chunk_header_init(netipc_chunk_header *c, uint64_t message_id,
                         uint32_t total_message_len, uint32_t chunk_index,
                         uint32_t chunk_count, uint32_t chunk_payload_len)
{
  c->magic = NETIPC_CHUNK_MAGIC;
  c->version = NETIPC_PROTOCOL_VERSION;
  c->flags = 0;
  c->message_id = message_id;
  c->total_message_len = total_message_len;
  c->chunk_index = chunk_index;
  c->chunk_count = chunk_count;
  c->chunk_payload_len = chunk_payload_len;
}

netipc_err
netipc_chunk_header_encode(const netipc_chunk_header *c, void *buf, size_t cap)
{
  if (c == NULL || buf == NULL)
    return NETIPC_ERR_INVALID_ARG;
  if (cap < NETIPC_HEADER_LEN)
    return NETIPC_ERR_NOSPACE;
  uint8_t *p = buf;
  netipc__st32(p + CHK_MAGIC, c->magic);
  netipc__st16(p + CHK_VERSION, c->version);
  netipc__st16(p + CHK_FLAGS, c->flags);
  netipc__st64(p + CHK_MESSAGE_ID, c->message_id);
  netipc__st32(p + CHK_TOTAL_LEN, c->total_message_len);
  netipc__st32(p + CHK_INDEX, c->chunk_index);
  netipc__st32(p + CHK_COUNT, c->chunk_count);
  netipc__st32(p + CHK_PAYLOAD_LEN, c->chunk_payload_len);
  return NETIPC_OK;
}

netipc_err
netipc_chunk_header_decode(const void *buf, size_t len,
                           netipc_chunk_header *out)
{
  if (buf == NULL || out == NULL)
    return NETIPC_ERR_INVALID_ARG;
  if (len < NETIPC_HEADER_LEN)
    return NETIPC_ERR_TRUNCATED;
  const uint8_t *p = buf;
  out->magic = netipc__ld32(p + CHK_MAGIC);
  out->version = netipc__ld16(p + CHK_VERSION);
  out->flags = netipc__ld16(p + CHK_FLAGS);
  out->message_id = netipc__ld64(p + CHK_MESSAGE_ID);
  out->total_message_len = netipc__ld32(p + CHK_TOTAL_LEN);
  out->chunk_index = netipc__ld32(p + CHK_INDEX);
  out->chunk_count = netipc__ld32(p + CHK_COUNT);
  out->chunk_payload_len = netipc__ld32(p + CHK_PAYLOAD_LEN);

  if (out->magic != NETIPC_CHUNK_MAGIC)
    return NETIPC_ERR_BAD_MAGIC;
  if (out->version != NETIPC_PROTOCOL_VERSION)
    return NETIPC_ERR_BAD_VERSION;
  if (out->flags != 0)
    return NETIPC_ERR_BAD_FLAGS;
  if (out->chunk_payload_len == 0)
    return NETIPC_ERR_BAD_CHUNK;
  return NETIPC_OK;
}

/* 1 + ceil(rest / per_chunk) continuation arithmetic, in 64 bits. */
static uint32_t
chunk_total(uint64_t rest, uint64_t per_chunk)
{
  return (uint32_t)(1 + (rest + per_chunk - 1) / per_chunk);
}

uint32_t
netipc_chunk_count(uint32_t payload_len, uint32_t packet_size)
{
  if (packet_size <= NETIPC_HEADER_LEN)
    return 0;
  if ((uint64_t)NETIPC_HEADER_LEN + payload_len <= packet_size)
    return 1;
  uint64_t per_chunk = packet_size - NETIPC_HEADER_LEN;
  return chunk_total(payload_len - per_chunk, per_chunk);
}

netipc_err
netipc_chunk_check(const netipc_header *first, uint32_t first_payload,
                   uint32_t packet_size, const netipc_chunk_header *c,
                   uint32_t index, size_t packet_len, uint32_t assembled)
{
  if (first == NULL || c == NULL || packet_size <= NETIPC_HEADER_LEN)
    return NETIPC_ERR_INVALID_ARG;
  uint64_t per_chunk = packet_size - NETIPC_HEADER_LEN;
  uint64_t payload_len = first->payload_len;

  /* A message that already arrived whole has no continuations. */
  if (first_payload >= payload_len || index == 0)
    return NETIPC_ERR_BAD_CHUNK;
  if (c->message_id != first->message_id || c->chunk_index != index)
    return NETIPC_ERR_BAD_CHUNK;
  if (c->chunk_count != chunk_total(payload_len - first_payload, per_chunk))
    return NETIPC_ERR_BAD_CHUNK;
  if (c->total_message_len != NETIPC_HEADER_LEN + payload_len)
    return NETIPC_ERR_BAD_CHUNK;
  if (c->chunk_payload_len == 0 || c->chunk_payload_len > per_chunk)
    return NETIPC_ERR_BAD_CHUNK;
  if (packet_len != (uint64_t)NETIPC_HEADER_LEN + c->chunk_payload_len)
    return NETIPC_ERR_BAD_CHUNK;
  if ((uint64_t)assembled + c->chunk_payload_len > payload_len)
    return NETIPC_ERR_BAD_CHUNK;
  return NETIPC_OK;
}
