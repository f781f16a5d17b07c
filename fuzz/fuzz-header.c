/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz the outer header and chunk continuation decoders and the receiver's
 * chunk check.
 *
 * Input layout (every part optional, missing bytes read as absent/zero):
 *   [0, 32)   outer header: netipc_header_decode on the whole input
 *             (netipc_chunk_header_decode also runs on the whole input)
 *   [32, 64)  chunk continuation header for netipc_chunk_check
 *   [64, 84)  u32 first_payload, packet_size, index, assembled, packet_len
 */
#include "config.h"

#include "fuzz.h"

volatile uint32_t fuzz_sink;

/* The sender's splitting rule must satisfy the receiver's check. */
static void
check_split(const netipc_header *first, uint32_t packet_size)
{
  uint32_t count = netipc_chunk_count(first->payload_len, packet_size);
  if (packet_size <= NETIPC_HEADER_LEN) {
    FUZZ_CHECK(count == 0);
    return;
  }
  uint64_t per_chunk = packet_size - NETIPC_HEADER_LEN;
  uint64_t payload_len = first->payload_len;
  if (NETIPC_HEADER_LEN + payload_len <= packet_size) {
    FUZZ_CHECK(count == 1);
    return;
  }
  FUZZ_CHECK(count >= 2);
  FUZZ_CHECK((uint64_t)count * per_chunk >= payload_len);
  FUZZ_CHECK((uint64_t)(count - 1) * per_chunk < payload_len);
  /* Keep each run fast; a payload whose message length does not fit a
   * u32 cannot be sent at all. */
  if (count > 256 || payload_len > NETIPC_MAX_PAYLOAD_LEN)
    return;

  uint32_t assembled = (uint32_t)per_chunk; /* the first packet is full */
  for (uint32_t k = 1; k < count; k++) {
    uint64_t rest = payload_len - assembled;
    uint32_t cpl = (uint32_t)(rest < per_chunk ? rest : per_chunk);
    netipc_chunk_header c;
    netipc_chunk_header_init(&c, first->message_id,
                             (uint32_t)(NETIPC_HEADER_LEN + payload_len), k,
                             count, cpl);
    uint8_t raw[NETIPC_HEADER_LEN];
    FUZZ_CHECK(netipc_chunk_header_encode(&c, raw, sizeof raw) == NETIPC_OK);
    netipc_chunk_header back;
    FUZZ_CHECK(netipc_chunk_header_decode(raw, sizeof raw, &back) ==
               NETIPC_OK);
    FUZZ_CHECK(netipc_chunk_check(first, (uint32_t)per_chunk, packet_size,
                                  &back, k, NETIPC_HEADER_LEN + (size_t)cpl,
                                  assembled) == NETIPC_OK);
    /* The wrong index and a short packet must both be refused. */
    FUZZ_CHECK(netipc_chunk_check(first, (uint32_t)per_chunk, packet_size,
                                  &back, k + 1, NETIPC_HEADER_LEN + (size_t)cpl,
                                  assembled) == NETIPC_ERR_BAD_CHUNK);
    FUZZ_CHECK(netipc_chunk_check(first, (uint32_t)per_chunk, packet_size,
                                  &back, k, NETIPC_HEADER_LEN + (size_t)cpl - 1,
                                  assembled) == NETIPC_ERR_BAD_CHUNK);
    assembled += cpl;
  }
  FUZZ_CHECK(assembled == payload_len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint8_t *buf = fuzz_dup(data, size);
  uint8_t out[NETIPC_HEADER_LEN];

  /* Outer header. */
  netipc_header h;
  memset(&h, 0, sizeof h);
  netipc_err err = netipc_header_decode(buf, size, &h);
  if (size < NETIPC_HEADER_LEN) {
    FUZZ_CHECK(err == NETIPC_ERR_TRUNCATED);
  } else {
    /* *out holds the raw fields whatever the verdict: re-encoding them
     * must give the input bytes back. */
    FUZZ_CHECK(netipc_header_encode(&h, out, sizeof out) == NETIPC_OK);
    FUZZ_CHECK(memcmp(out, buf, sizeof out) == 0);
    if (err == NETIPC_OK) {
      FUZZ_CHECK(h.magic == NETIPC_MAGIC);
      FUZZ_CHECK(h.version == NETIPC_PROTOCOL_VERSION);
      FUZZ_CHECK(h.header_len == NETIPC_HEADER_LEN);
      FUZZ_CHECK(h.kind >= NETIPC_KIND_REQUEST &&
                 h.kind <= NETIPC_KIND_CONTROL);
    }
  }

  /* Chunk header on its own. */
  netipc_chunk_header c;
  memset(&c, 0, sizeof c);
  err = netipc_chunk_header_decode(buf, size, &c);
  if (size < NETIPC_HEADER_LEN) {
    FUZZ_CHECK(err == NETIPC_ERR_TRUNCATED);
  } else {
    FUZZ_CHECK(netipc_chunk_header_encode(&c, out, sizeof out) == NETIPC_OK);
    FUZZ_CHECK(memcmp(out, buf, sizeof out) == 0);
    if (err == NETIPC_OK)
      FUZZ_CHECK(c.magic == NETIPC_CHUNK_MAGIC && c.version == 1 &&
                 c.flags == 0 && c.chunk_payload_len != 0);
  }

  /* Receiver check of a continuation against the header of the input. */
  if (size >= 2 * NETIPC_HEADER_LEN) {
    uint32_t p[5] = {0, 0, 0, 0, 0};
    for (size_t i = 0; i < 5; i++)
      if (size >= 2 * NETIPC_HEADER_LEN + 4 * (i + 1))
        p[i] = fuzz_ld32(buf + 2 * NETIPC_HEADER_LEN + 4 * i);
    uint32_t first_payload = p[0], packet_size = p[1], index = p[2];
    uint32_t assembled = p[3];
    size_t packet_len = p[4];

    netipc_chunk_header cont;
    memset(&cont, 0, sizeof cont);
    (void)netipc_chunk_header_decode(buf + NETIPC_HEADER_LEN,
                                     size - NETIPC_HEADER_LEN, &cont);
    err = netipc_chunk_check(&h, first_payload, packet_size, &cont, index,
                             packet_len, assembled);
    if (packet_size <= NETIPC_HEADER_LEN) {
      FUZZ_CHECK(err == NETIPC_ERR_INVALID_ARG);
    } else if (err == NETIPC_OK) {
      uint64_t per_chunk = packet_size - NETIPC_HEADER_LEN;
      FUZZ_CHECK(index != 0 && cont.chunk_index == index);
      FUZZ_CHECK(cont.message_id == h.message_id);
      FUZZ_CHECK(first_payload < h.payload_len);
      FUZZ_CHECK(cont.total_message_len ==
                 (uint64_t)NETIPC_HEADER_LEN + h.payload_len);
      FUZZ_CHECK(cont.chunk_payload_len != 0 &&
                 cont.chunk_payload_len <= per_chunk);
      FUZZ_CHECK(packet_len ==
                 (uint64_t)NETIPC_HEADER_LEN + cont.chunk_payload_len);
      FUZZ_CHECK((uint64_t)assembled + cont.chunk_payload_len <=
                 h.payload_len);
    } else {
      FUZZ_CHECK(err == NETIPC_ERR_BAD_CHUNK);
    }
    check_split(&h, packet_size);
  }

  free(buf);
  return 0;
}
