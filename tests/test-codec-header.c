/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-codec-header.c - outer header (wire.md 2), chunk continuation header
 * and the receiver's chunk rules (wire.md 8), and the error-code tables.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <string.h>

#include <netipc/codec.h>

#include "bytes.h"
#include "tap.h"

/* Checks outside test_error_strings, which adds two per error code. */
#define PLAN_FIXED 115

/* An outer header written by hand at the offsets of wire.md section 2. */
static void
make_header(uint8_t *b, uint16_t kind, uint16_t flags, uint16_t code,
            uint16_t status, uint32_t payload_len, uint32_t item_count,
            uint64_t message_id)
{
  memset(b, 0, 32);
  put32(b, 0, NETIPC_MAGIC);
  put16(b, 4, 1);
  put16(b, 6, 32);
  put16(b, 8, kind);
  put16(b, 10, flags);
  put16(b, 12, code);
  put16(b, 14, status);
  put32(b, 16, payload_len);
  put32(b, 20, item_count);
  put64(b, 24, message_id);
}

/* A continuation header written by hand (wire.md section 8). */
static void
make_chunk(uint8_t *b, uint64_t id, uint32_t total, uint32_t index,
           uint32_t count, uint32_t cpl)
{
  memset(b, 0, 32);
  put32(b, 0, NETIPC_CHUNK_MAGIC);
  put16(b, 4, 1);
  put16(b, 6, 0);
  put64(b, 8, id);
  put32(b, 16, total);
  put32(b, 20, index);
  put32(b, 24, count);
  put32(b, 28, cpl);
}

/* ---- outer header ------------------------------------------------------ */

static void
test_header_init(void)
{
  netipc_header h;
  memset(&h, 0xFF, sizeof h);
  netipc_header_init(&h, NETIPC_KIND_RESPONSE, NETIPC_METHOD_STRING_REVERSE,
                     77);
  is_uint(h.magic, NETIPC_MAGIC, "init: magic");
  is_uint(h.version, 1, "init: version 1");
  is_uint(h.header_len, 32, "init: header_len 32");
  is_uint(h.kind, NETIPC_KIND_RESPONSE, "init: kind");
  is_uint(h.flags, 0, "init: flags 0");
  is_uint(h.code, NETIPC_METHOD_STRING_REVERSE, "init: code");
  is_uint(h.transport_status, 0, "init: transport_status 0");
  is_uint(h.payload_len, 0, "init: payload_len 0");
  is_uint(h.item_count, 1, "init: item_count 1");
  is_uint(h.message_id, 77, "init: message_id");
}

static void
test_header_encode_bytes(void)
{
  netipc_header h;
  uint8_t buf[40], exp[32];
  static const uint8_t magic_le[4] = {0x43, 0x50, 0x49, 0x4E};

  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_CGROUPS_SNAPSHOT,
                     0xDEADBEEFCAFEBABEull);
  h.flags = NETIPC_FLAG_BATCH;
  h.transport_status = 5;
  h.payload_len = 12345;
  h.item_count = 42;
  make_header(exp, 1, 1, 2, 5, 12345, 42, 0xDEADBEEFCAFEBABEull);
  memset(buf, 0xA5, sizeof buf);
  is_err(netipc_header_encode(&h, buf, sizeof buf), NETIPC_OK,
         "encode into a 40-byte buffer");
  is_mem(buf, exp, 32, "encoded header has the wire.md 2 layout");
  ok(buf[32] == 0xA5 && buf[39] == 0xA5, "encode writes only 32 bytes");
  if (host_is_le())
    is_mem(buf, magic_le, 4, "magic bytes are 43 50 49 4E in memory");
  else
    skip(1, "big-endian host");
}

static void
test_header_roundtrip(void)
{
  netipc_header h, out;
  uint8_t buf[32];

  netipc_header_init(&h, NETIPC_KIND_CONTROL, NETIPC_CONTROL_HELLO_ACK,
                     0x0102030405060708ull);
  h.flags = 0x8001;
  h.transport_status = 3;
  h.payload_len = 0xFFFFFFDFu;
  h.item_count = 0xFFFFFFFFu;
  netipc_header_encode(&h, buf, sizeof buf);
  memset(&out, 0, sizeof out);
  is_err(netipc_header_decode(buf, sizeof buf, &out), NETIPC_OK,
         "round trip decodes");
  is_uint(out.magic, NETIPC_MAGIC, "round trip: magic");
  is_uint(out.version, 1, "round trip: version");
  is_uint(out.header_len, 32, "round trip: header_len");
  is_uint(out.kind, 3, "round trip: kind");
  is_uint(out.flags, 0x8001, "round trip: flags");
  is_uint(out.code, 2, "round trip: code");
  is_uint(out.transport_status, 3, "round trip: transport_status");
  is_uint(out.payload_len, 0xFFFFFFDFu, "round trip: payload_len");
  is_uint(out.item_count, 0xFFFFFFFFu, "round trip: item_count");
  is_uint(out.message_id, 0x0102030405060708ull, "round trip: message_id");
}

static void
test_header_truncated(void)
{
  uint8_t b[32];
  netipc_header out;
  make_header(b, 1, 0, 1, 0, 8, 1, 7);
  is_err(netipc_header_decode(b, 31, &out), NETIPC_ERR_TRUNCATED,
         "31 bytes: TRUNCATED");
  is_err(netipc_header_decode(b, 0, &out), NETIPC_ERR_TRUNCATED,
         "0 bytes: TRUNCATED");
  b[0] ^= 0xFF;
  is_err(netipc_header_decode(b, 31, &out), NETIPC_ERR_TRUNCATED,
         "length is checked before magic");
}

static void
test_header_rejections(void)
{
  uint8_t b[32];
  netipc_header out;
  uint16_t k;

  make_header(b, 1, 0, 1, 0, 8, 1, 7);
  put32(b, 0, 0x4E495044u);
  is_err(netipc_header_decode(b, 32, &out), NETIPC_ERR_BAD_MAGIC,
         "bad magic rejected");
  make_header(b, 1, 0, 1, 0, 8, 1, 7);
  put32(b, 0, NETIPC_CHUNK_MAGIC);
  is_err(netipc_header_decode(b, 32, &out), NETIPC_ERR_BAD_MAGIC,
         "chunk magic is not an outer header");
  make_header(b, 1, 0, 1, 0, 8, 1, 7);
  put16(b, 4, 2);
  is_err(netipc_header_decode(b, 32, &out), NETIPC_ERR_BAD_VERSION,
         "version 2 rejected");
  put16(b, 4, 0);
  is_err(netipc_header_decode(b, 32, &out), NETIPC_ERR_BAD_VERSION,
         "version 0 rejected");
  make_header(b, 1, 0, 1, 0, 8, 1, 7);
  put16(b, 6, 31);
  is_err(netipc_header_decode(b, 32, &out), NETIPC_ERR_BAD_HEADER_LEN,
         "header_len 31 rejected");
  put16(b, 6, 64);
  is_err(netipc_header_decode(b, 32, &out), NETIPC_ERR_BAD_HEADER_LEN,
         "header_len 64 rejected");
  make_header(b, 0, 0, 1, 0, 8, 1, 7);
  is_err(netipc_header_decode(b, 32, &out), NETIPC_ERR_BAD_KIND,
         "kind 0 rejected");
  make_header(b, 4, 0, 1, 0, 8, 1, 7);
  is_err(netipc_header_decode(b, 32, &out), NETIPC_ERR_BAD_KIND,
         "kind 4 rejected");
  make_header(b, 0xFFFF, 0, 1, 0, 8, 1, 7);
  is_err(netipc_header_decode(b, 32, &out), NETIPC_ERR_BAD_KIND,
         "kind 0xFFFF rejected");
  for (k = 1; k <= 3; k++) {
    make_header(b, k, 0, 1, 0, 8, 1, 7);
    is_err(netipc_header_decode(b, 32, &out), NETIPC_OK, "kind %u accepted",
           (unsigned)k);
  }
}

static void
test_header_check_order(void)
{
  uint8_t b[32];
  netipc_header out;

  make_header(b, 9, 0, 1, 0, 8, 1, 7);
  put32(b, 0, 0);
  put16(b, 4, 9);
  put16(b, 6, 9);
  is_err(netipc_header_decode(b, 32, &out), NETIPC_ERR_BAD_MAGIC,
         "magic checked before version, header_len, kind");
  put32(b, 0, NETIPC_MAGIC);
  is_err(netipc_header_decode(b, 32, &out), NETIPC_ERR_BAD_VERSION,
         "version checked before header_len, kind");
  put16(b, 4, 1);
  is_err(netipc_header_decode(b, 32, &out), NETIPC_ERR_BAD_HEADER_LEN,
         "header_len checked before kind");
}

static void
test_header_raw_fields_on_failure(void)
{
  uint8_t b[32];
  netipc_header out;

  make_header(b, 3, 0, 1, 0, 44, 1, 0);
  put16(b, 4, 2);
  memset(&out, 0, sizeof out);
  is_err(netipc_header_decode(b, 32, &out), NETIPC_ERR_BAD_VERSION,
         "version-2 HELLO rejected");
  ok(out.magic == NETIPC_MAGIC && out.version == 2 && out.header_len == 32 &&
         out.kind == 3 && out.code == 1 && out.payload_len == 44,
     "raw fields are filled after a version failure");
  make_header(b, 4, 0, 2, 0, 8, 1, 99);
  memset(&out, 0, sizeof out);
  netipc_header_decode(b, 32, &out);
  ok(out.kind == 4 && out.code == 2 && out.message_id == 99,
     "raw fields are filled after a kind failure");
  make_header(b, 1, 0, 1, 0, 8, 1, 7);
  put32(b, 0, 0x11223344u);
  memset(&out, 0, sizeof out);
  netipc_header_decode(b, 32, &out);
  is_uint(out.magic, 0x11223344u, "raw magic is filled after a magic failure");
}

static void
test_header_unchecked_fields(void)
{
  uint8_t b[64];
  netipc_header out;

  make_header(b, 1, 0xFFFE, 0xFFFF, 0xFFFF, 0xFFFFFFFFu, 0, ~0ull);
  is_err(netipc_header_decode(b, 32, &out), NETIPC_OK,
         "unknown flag bits, any code/status/payload_len/item_count accepted");
  is_uint(out.flags, 0xFFFE, "unknown flag bits are reported unchanged");
  is_uint(out.transport_status, 0xFFFF, "status reported unchanged");
  make_header(b, 2, 1, 3, 0, 8, 1, 7);
  memset(b + 32, 0xEE, 32);
  is_err(netipc_header_decode(b, sizeof b, &out), NETIPC_OK,
         "longer buffer accepted (header is the first 32 bytes)");
}

static void
test_header_bad_args(void)
{
  netipc_header h, out;
  uint8_t buf[32];

  netipc_header_init(&h, 1, 1, 1);
  is_err(netipc_header_encode(&h, buf, 31), NETIPC_ERR_NOSPACE,
         "encode cap 31: NOSPACE");
  is_err(netipc_header_encode(&h, buf, 0), NETIPC_ERR_NOSPACE,
         "encode cap 0: NOSPACE");
  is_err(netipc_header_encode(&h, buf, 32), NETIPC_OK, "encode cap 32: OK");
  is_err(netipc_header_encode(NULL, buf, 32), NETIPC_ERR_INVALID_ARG,
         "encode NULL header: INVALID_ARG");
  is_err(netipc_header_encode(&h, NULL, 32), NETIPC_ERR_INVALID_ARG,
         "encode NULL buffer: INVALID_ARG");
  is_err(netipc_header_decode(NULL, 32, &out), NETIPC_ERR_INVALID_ARG,
         "decode NULL buffer: INVALID_ARG");
  is_err(netipc_header_decode(buf, 32, NULL), NETIPC_ERR_INVALID_ARG,
         "decode NULL out: INVALID_ARG");
}

/* ---- chunk continuation header ----------------------------------------- */

static void
test_chunk_encode(void)
{
  netipc_chunk_header c, out;
  uint8_t buf[48], exp[32];

  memset(&c, 0xFF, sizeof c);
  netipc_chunk_header_init(&c, 0x1234567890ABCDEFull, 100000, 3, 10, 8192);
  ok(c.magic == NETIPC_CHUNK_MAGIC && c.version == 1 && c.flags == 0,
     "chunk init: magic, version 1, flags 0");
  ok(c.message_id == 0x1234567890ABCDEFull && c.total_message_len == 100000 &&
         c.chunk_index == 3 && c.chunk_count == 10 &&
         c.chunk_payload_len == 8192,
     "chunk init: given fields");
  make_chunk(exp, 0x1234567890ABCDEFull, 100000, 3, 10, 8192);
  memset(buf, 0xA5, sizeof buf);
  is_err(netipc_chunk_header_encode(&c, buf, sizeof buf), NETIPC_OK,
         "chunk encode");
  is_mem(buf, exp, 32, "chunk header has the wire.md 8 layout");
  ok(buf[32] == 0xA5, "chunk encode writes only 32 bytes");
  memset(&out, 0, sizeof out);
  is_err(netipc_chunk_header_decode(buf, 32, &out), NETIPC_OK,
         "chunk decode");
  ok(out.magic == NETIPC_CHUNK_MAGIC && out.version == 1 && out.flags == 0 &&
         out.message_id == 0x1234567890ABCDEFull &&
         out.total_message_len == 100000 && out.chunk_index == 3 &&
         out.chunk_count == 10 && out.chunk_payload_len == 8192,
     "chunk round trip: every field");
  is_err(netipc_chunk_header_encode(&c, buf, 31), NETIPC_ERR_NOSPACE,
         "chunk encode cap 31: NOSPACE");
  is_err(netipc_chunk_header_encode(NULL, buf, 32), NETIPC_ERR_INVALID_ARG,
         "chunk encode NULL: INVALID_ARG");
  is_err(netipc_chunk_header_decode(buf, 32, NULL), NETIPC_ERR_INVALID_ARG,
         "chunk decode NULL out: INVALID_ARG");
}

static void
test_chunk_decode_rejections(void)
{
  uint8_t b[32];
  netipc_chunk_header out;

  make_chunk(b, 5, 132, 1, 4, 32);
  is_err(netipc_chunk_header_decode(b, 31, &out), NETIPC_ERR_TRUNCATED,
         "chunk 31 bytes: TRUNCATED");
  put32(b, 0, NETIPC_MAGIC);
  is_err(netipc_chunk_header_decode(b, 32, &out), NETIPC_ERR_BAD_MAGIC,
         "chunk with the outer magic: BAD_MAGIC");
  make_chunk(b, 5, 132, 1, 4, 32);
  put16(b, 4, 2);
  is_err(netipc_chunk_header_decode(b, 32, &out), NETIPC_ERR_BAD_VERSION,
         "chunk version 2: BAD_VERSION");
  make_chunk(b, 5, 132, 1, 4, 32);
  put16(b, 6, 1);
  memset(&out, 0, sizeof out);
  is_err(netipc_chunk_header_decode(b, 32, &out), NETIPC_ERR_BAD_FLAGS,
         "chunk flags 1: BAD_FLAGS");
  ok(out.flags == 1 && out.message_id == 5 && out.chunk_payload_len == 32,
     "chunk raw fields filled after a failure");
  put16(b, 6, 0x8000);
  is_err(netipc_chunk_header_decode(b, 32, &out), NETIPC_ERR_BAD_FLAGS,
         "chunk flags 0x8000: BAD_FLAGS");
  make_chunk(b, 5, 132, 1, 4, 0);
  is_err(netipc_chunk_header_decode(b, 32, &out), NETIPC_ERR_BAD_CHUNK,
         "chunk_payload_len 0: BAD_CHUNK");
  /* Order: magic, version, flags, chunk_payload_len. */
  put32(b, 0, 0);
  put16(b, 4, 7);
  put16(b, 6, 1);
  is_err(netipc_chunk_header_decode(b, 32, &out), NETIPC_ERR_BAD_MAGIC,
         "chunk: magic checked first");
  put32(b, 0, NETIPC_CHUNK_MAGIC);
  is_err(netipc_chunk_header_decode(b, 32, &out), NETIPC_ERR_BAD_VERSION,
         "chunk: version checked before flags");
  put16(b, 4, 1);
  is_err(netipc_chunk_header_decode(b, 32, &out), NETIPC_ERR_BAD_FLAGS,
         "chunk: flags checked before chunk_payload_len");
}

static void
test_chunk_count(void)
{
  is_uint(netipc_chunk_count(100, 64), 4, "P=64 payload 100: 4 packets");
  is_uint(netipc_chunk_count(32, 64), 1, "exactly fits (32+32 = P): 1");
  is_uint(netipc_chunk_count(33, 64), 2, "one byte over: 2");
  is_uint(netipc_chunk_count(0, 64), 1, "empty payload: 1");
  is_uint(netipc_chunk_count(64, 64), 2, "payload 64 at P=64: 2");
  is_uint(netipc_chunk_count(96, 64), 3, "payload 96 at P=64: 3");
  is_uint(netipc_chunk_count(97, 64), 4, "payload 97 at P=64: 4");
  is_uint(netipc_chunk_count(100, 33), 100, "P=33 (B=1): one byte each");
  is_uint(netipc_chunk_count(100, 32), 0, "P=32: 0");
  is_uint(netipc_chunk_count(100, 0), 0, "P=0: 0");
  is_uint(netipc_chunk_count(0, 32), 0, "P=32, empty payload: 0");
  is_uint(netipc_chunk_count(0xFFFFFFFFu, 64), 134217728u,
          "payload 0xFFFFFFFF at P=64: 32+payload computed without wrap");
  is_uint(netipc_chunk_count(0xFFFFFFDFu, 0xFFFFFFFFu), 1,
          "largest message in one huge packet: 1");
}

/* A first packet at P=64 carrying `first_payload` bytes of `payload_len`. */
struct chunk_case {
  netipc_header first;
  netipc_chunk_header c;
};

static void
chunk_case_init(struct chunk_case *k, uint32_t payload_len, uint32_t count,
                uint32_t index, uint32_t cpl)
{
  netipc_header_init(&k->first, NETIPC_KIND_REQUEST,
                     NETIPC_METHOD_STRING_REVERSE, 0xABCDull);
  k->first.payload_len = payload_len;
  netipc_chunk_header_init(&k->c, 0xABCDull, 32 + payload_len, index, count,
                           cpl);
}

static void
test_chunk_check(void)
{
  struct chunk_case k;

  /* wire.md 8 example: P=64, payload 100 -> 64, 64, 64, 36. */
  chunk_case_init(&k, 100, 4, 1, 32);
  is_err(netipc_chunk_check(&k.first, 32, 64, &k.c, 1, 64, 32), NETIPC_OK,
         "example continuation 1 accepted");
  chunk_case_init(&k, 100, 4, 2, 32);
  is_err(netipc_chunk_check(&k.first, 32, 64, &k.c, 2, 64, 64), NETIPC_OK,
         "example continuation 2 accepted");
  chunk_case_init(&k, 100, 4, 3, 4);
  is_err(netipc_chunk_check(&k.first, 32, 64, &k.c, 3, 36, 96), NETIPC_OK,
         "example last continuation (4 bytes) accepted");

  chunk_case_init(&k, 100, 4, 1, 32);
  k.c.message_id = 0xABCEull;
  is_err(netipc_chunk_check(&k.first, 32, 64, &k.c, 1, 64, 32),
         NETIPC_ERR_BAD_CHUNK, "wrong message_id: BAD_CHUNK");
  chunk_case_init(&k, 100, 4, 2, 32);
  is_err(netipc_chunk_check(&k.first, 32, 64, &k.c, 1, 64, 32),
         NETIPC_ERR_BAD_CHUNK, "chunk_index 2 where 1 expected: BAD_CHUNK");
  chunk_case_init(&k, 100, 4, 0, 32);
  is_err(netipc_chunk_check(&k.first, 32, 64, &k.c, 1, 64, 32),
         NETIPC_ERR_BAD_CHUNK, "chunk_index 0 on a continuation: BAD_CHUNK");
  chunk_case_init(&k, 100, 5, 1, 32);
  is_err(netipc_chunk_check(&k.first, 32, 64, &k.c, 1, 64, 32),
         NETIPC_ERR_BAD_CHUNK, "chunk_count 5 where 4 expected: BAD_CHUNK");
  chunk_case_init(&k, 100, 3, 1, 32);
  is_err(netipc_chunk_check(&k.first, 32, 64, &k.c, 1, 64, 32),
         NETIPC_ERR_BAD_CHUNK, "chunk_count 3 where 4 expected: BAD_CHUNK");
  chunk_case_init(&k, 100, 4, 1, 32);
  k.c.total_message_len = 133;
  is_err(netipc_chunk_check(&k.first, 32, 64, &k.c, 1, 64, 32),
         NETIPC_ERR_BAD_CHUNK, "total_message_len 133 (not 132): BAD_CHUNK");
  k.c.total_message_len = 100;
  is_err(netipc_chunk_check(&k.first, 32, 64, &k.c, 1, 64, 32),
         NETIPC_ERR_BAD_CHUNK, "total_message_len = payload_len: BAD_CHUNK");
  chunk_case_init(&k, 100, 4, 1, 32);
  is_err(netipc_chunk_check(&k.first, 32, 64, &k.c, 1, 63, 32),
         NETIPC_ERR_BAD_CHUNK, "packet 63 != 32 + 32: BAD_CHUNK");
  is_err(netipc_chunk_check(&k.first, 32, 64, &k.c, 1, 65, 32),
         NETIPC_ERR_BAD_CHUNK, "packet 65 != 32 + 32: BAD_CHUNK");
  chunk_case_init(&k, 100, 4, 1, 16);
  is_err(netipc_chunk_check(&k.first, 32, 64, &k.c, 1, 48, 32), NETIPC_OK,
         "short continuation that fits the payload accepted");
  chunk_case_init(&k, 100, 4, 3, 8);
  is_err(netipc_chunk_check(&k.first, 32, 64, &k.c, 3, 40, 96),
         NETIPC_ERR_BAD_CHUNK, "data past payload_len (96 + 8 > 100)");
  chunk_case_init(&k, 100, 4, 3, 0x80000000u);
  is_err(netipc_chunk_check(&k.first, 32, 64, &k.c, 3,
                            (size_t)32 + 0x80000000u, 96),
         NETIPC_ERR_BAD_CHUNK, "huge chunk_payload_len runs past payload");
  chunk_case_init(&k, 100, 4, 1, 0);
  is_err(netipc_chunk_check(&k.first, 32, 64, &k.c, 1, 32, 32),
         NETIPC_ERR_BAD_CHUNK, "chunk_payload_len 0: BAD_CHUNK");

  /* Expected count uses f, the payload actually in the first packet. */
  chunk_case_init(&k, 96, 4, 1, 32);
  is_err(netipc_chunk_check(&k.first, 16, 64, &k.c, 1, 64, 16), NETIPC_OK,
         "payload 96, f=16: count 1 + ceil(80/32) = 4 accepted");
  chunk_case_init(&k, 96, 3, 1, 32);
  is_err(netipc_chunk_check(&k.first, 16, 64, &k.c, 1, 64, 16),
         NETIPC_ERR_BAD_CHUNK, "payload 96, f=16: count 3 rejected");
  chunk_case_init(&k, 96, 3, 1, 32);
  is_err(netipc_chunk_check(&k.first, 32, 64, &k.c, 1, 64, 32), NETIPC_OK,
         "payload 96, f=32: count 3 accepted");

  chunk_case_init(&k, 100, 4, 1, 32);
  is_err(netipc_chunk_check(NULL, 32, 64, &k.c, 1, 64, 32),
         NETIPC_ERR_INVALID_ARG, "NULL first header: INVALID_ARG");
  is_err(netipc_chunk_check(&k.first, 32, 64, NULL, 1, 64, 32),
         NETIPC_ERR_INVALID_ARG, "NULL chunk header: INVALID_ARG");
}

/* ---- error strings ----------------------------------------------------- */

struct err_entry {
  int value;
  const char *name;
  const char *text;
};

static const struct err_entry err_table[] = {
#define ERR_ENTRY_(name, value, text) {value, #name, text},
    NETIPC_ERRNO_MAP(ERR_ENTRY_)
#undef ERR_ENTRY_
};

#define ERR_COUNT ((int)(sizeof err_table / sizeof err_table[0]))

static void
test_error_strings(void)
{
  int i;
  for (i = 0; i < ERR_COUNT; i++) {
    const char *n = netipc_err_name(err_table[i].value);
    const char *s = netipc_strerror(err_table[i].value);
    ok(n != NULL && strcmp(n, err_table[i].name) == 0, "err_name(%d) is %s",
       err_table[i].value, err_table[i].name);
    ok(s != NULL && strcmp(s, "unknown error") != 0 &&
           strcmp(s, err_table[i].text) == 0,
       "strerror(%d) is the map's text", err_table[i].value);
  }
  ok(netipc_err_name(-9999) == NULL, "unknown code -9999: NULL name");
  ok(netipc_err_name(12345) == NULL, "unknown code 12345: NULL name");
  ok(netipc_strerror(-9999) != NULL &&
         strcmp(netipc_strerror(-9999), "unknown error") == 0,
     "unknown code: strerror is \"unknown error\"");
}

int
main(void)
{
  plan(PLAN_FIXED + 2 * ERR_COUNT);
  test_header_init();
  test_header_encode_bytes();
  test_header_roundtrip();
  test_header_truncated();
  test_header_rejections();
  test_header_check_order();
  test_header_raw_fields_on_failure();
  test_header_unchecked_fields();
  test_header_bad_args();
  test_chunk_encode();
  test_chunk_decode_rejections();
  test_chunk_count();
  test_chunk_check();
  test_error_strings();
  return exit_status();
}
