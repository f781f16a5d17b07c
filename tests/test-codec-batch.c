/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-codec-batch.c - Level 1 batch directory builder and decoder
 * (wire.md 7.2 and the worked example in wire.md 12).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <string.h>

#include <netipc/codec.h>

#include "bytes.h"
#include "tap.h"

#define PLAN 105

/* wire.md 12: batch payload of "abc" and "hello" on a little-endian host. */
static const uint8_t example_le[32] = {
    0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00,
    0x00, 0x05, 0x00, 0x00, 0x00, 0x61, 0x62, 0x63, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x00, 0x00, 0x00};

/*
 * Reference encoder written from wire.md 7.2 encoder rules 1-3; the
 * library's builder must match it byte for byte. Returns payload_len.
 */
static size_t
ref_batch(const uint8_t *const *items, const size_t *lens, uint32_t n,
          uint8_t *out, size_t cap)
{
  size_t end = 0, i;
  memset(out, 0, cap);
  for (i = 0; i < n; i++) {
    size_t off = align8(end);
    put32(out, 8 * i, (uint32_t)off);
    put32(out, 8 * i + 4, (uint32_t)lens[i]);
    if (lens[i] > 0)
      memcpy(out + 8 * n + off, items[i], lens[i]);
    end = off + lens[i];
  }
  return 8 * (size_t)n + align8(end);
}

/* Build the two-item example with max_items slots in buf[0..cap). */
static netipc_err
build_example(uint8_t *buf, size_t cap, uint32_t max_items, uint32_t *plen,
              uint32_t *count)
{
  netipc_batch_builder b;
  netipc_err e = netipc_batch_builder_init(&b, buf, cap, max_items);
  if (e != NETIPC_OK)
    return e;
  netipc_batch_builder_add(&b, "abc", 3);
  netipc_batch_builder_add(&b, "hello", 5);
  return netipc_batch_builder_finish(&b, plen, count);
}

/* The example's bytes in host order (equal to example_le on x86-64). */
static void
example_host(uint8_t *exp)
{
  memset(exp, 0, 32);
  put32(exp, 0, 0);
  put32(exp, 4, 3);
  put32(exp, 8, 8);
  put32(exp, 12, 5);
  memcpy(exp + 16, "abc", 3);
  memcpy(exp + 24, "hello", 5);
}

/* ---- builder ----------------------------------------------------------- */

static void
test_builder_example(void)
{
  uint8_t buf[64], exp[32];
  uint32_t plen = 0, count = 0;

  memset(buf, 0xAA, sizeof buf);
  is_err(build_example(buf, sizeof buf, 2, &plen, &count), NETIPC_OK,
         "example: finish OK");
  is_uint(plen, 32, "example: payload_len 32 (3 trailing pad bytes counted)");
  is_uint(count, 2, "example: item_count 2");
  example_host(exp);
  is_mem(buf, exp, 32, "example: bytes, gaps and trailing pad zeroed");
  if (host_is_le())
    is_mem(buf, example_le, 32, "example: identical to the wire.md 12 dump");
  else
    skip(1, "big-endian host");
}

static void
test_builder_compaction(void)
{
  uint8_t buf[256], exp[32];
  uint32_t plen = 0, count = 0;

  example_host(exp);
  memset(buf, 0xAA, sizeof buf);
  is_err(build_example(buf, sizeof buf, 8, &plen, &count), NETIPC_OK,
         "8 slots, 2 used: finish OK");
  ok(plen == 32 && count == 2, "compacted: payload_len 32, item_count 2");
  is_mem(buf, exp, 32, "compacted: same bytes as with exactly 2 slots");
  memset(buf, 0xAA, sizeof buf);
  is_err(build_example(buf, sizeof buf, 30, &plen, &count), NETIPC_OK,
         "30 slots, 2 used: finish OK");
  is_mem(buf, exp, 32, "compacted from 30 slots: same bytes");
}

static void
test_builder_zero_items(void)
{
  netipc_batch_builder b;
  netipc_batch_view v;
  uint8_t buf[64];
  uint32_t plen = 77, count = 77;

  is_err(netipc_batch_builder_init(&b, buf, sizeof buf, 0),
         NETIPC_ERR_INVALID_ARG, "init with max_items 0: INVALID_ARG");
  is_err(netipc_batch_builder_init(&b, buf, sizeof buf, 2), NETIPC_OK,
         "init with 2 slots");
  is_err(netipc_batch_builder_finish(&b, &plen, &count),
         NETIPC_ERR_BAD_ITEM_COUNT,
         "finish with no item added: BAD_ITEM_COUNT (codec.h)");
  is_err(netipc_batch_decode(buf, 0, 0, &v), NETIPC_ERR_BAD_ITEM_COUNT,
         "an empty batch does not decode either");
}

static void
test_builder_one_item(void)
{
  netipc_batch_builder b;
  uint8_t buf[64], exp[16];
  uint32_t plen = 0, count = 0;

  memset(buf, 0xAA, sizeof buf);
  netipc_batch_builder_init(&b, buf, sizeof buf, 1);
  is_err(netipc_batch_builder_add(&b, "abc", 3), NETIPC_OK, "one item: add");
  is_err(netipc_batch_builder_finish(&b, &plen, &count), NETIPC_OK,
         "one item: finish");
  ok(plen == 16 && count == 1, "one item: payload_len 16, item_count 1");
  memset(exp, 0, sizeof exp);
  put32(exp, 4, 3);
  memcpy(exp + 8, "abc", 3);
  is_mem(buf, exp, 16, "one item: {0,3} then abc and 5 zero pad bytes");
}

static void
test_builder_many_items(void)
{
  enum { N = 60 };
  static uint8_t data[N][24];
  static uint8_t buf[4096], exp[4096];
  const uint8_t *items[N];
  size_t lens[N], want;
  netipc_batch_builder b;
  netipc_batch_view v;
  uint32_t plen = 0, count = 0, i, bad = 0, nfail = 0;

  for (i = 0; i < N; i++) {
    lens[i] = (i * 7) % 24;
    memset(data[i], (int)(i + 1), sizeof data[i]);
    items[i] = data[i];
  }
  want = ref_batch(items, lens, N, exp, sizeof exp);
  memset(buf, 0xAA, sizeof buf);
  netipc_batch_builder_init(&b, buf, sizeof buf, N);
  for (i = 0; i < N; i++)
    if (netipc_batch_builder_add(&b, items[i], lens[i]) != NETIPC_OK)
      nfail++;
  is_uint(nfail, 0, "60 items: every add succeeds");
  is_err(netipc_batch_builder_finish(&b, &plen, &count), NETIPC_OK,
         "60 items: finish");
  ok(plen == want && count == N, "60 items: payload_len %zu, count 60", want);
  is_mem(buf, exp, want, "60 items: bytes equal the wire.md 7.2 reference");
  memset(&v, 0, sizeof v);
  is_err(netipc_batch_decode(buf, plen, count, &v), NETIPC_OK,
         "60 items: decode");
  if (v.item_count != N)
    bad = 0xFFFFFFFFu;
  for (i = 0; i < N && bad == 0; i++) {
    const void *p = NULL;
    uint32_t len = 0;
    if (netipc_batch_item(&v, i, &p, &len) != NETIPC_OK || len != lens[i] ||
        (len > 0 && memcmp(p, data[i], len) != 0)) {
      bad = i + 1;
      break;
    }
  }
  is_uint(bad, 0, "60 items: every item reads back (first bad item + 1)");
}

static void
test_builder_empty_items(void)
{
  netipc_batch_builder b;
  uint8_t buf[128], exp[64];
  uint32_t plen = 0, count = 0;

  memset(buf, 0xAA, sizeof buf);
  netipc_batch_builder_init(&b, buf, sizeof buf, 3);
  netipc_batch_builder_add(&b, NULL, 0);
  netipc_batch_builder_add(&b, NULL, 0);
  is_err(netipc_batch_builder_add(&b, "", 0), NETIPC_OK, "empty item added");
  is_err(netipc_batch_builder_finish(&b, &plen, &count), NETIPC_OK,
         "three empty items: finish");
  ok(plen == 24 && count == 3, "three empty items: directory only (24)");
  memset(exp, 0, sizeof exp);
  is_mem(buf, exp, 24, "three empty items: all entries {0,0}");

  memset(buf, 0xAA, sizeof buf);
  netipc_batch_builder_init(&b, buf, sizeof buf, 3);
  netipc_batch_builder_add(&b, "abc", 3);
  netipc_batch_builder_add(&b, NULL, 0);
  netipc_batch_builder_add(&b, "hello", 5);
  netipc_batch_builder_finish(&b, &plen, &count);
  put32(exp, 4, 3);
  put32(exp, 8, 8);
  put32(exp, 16, 8);
  put32(exp, 20, 5);
  memcpy(exp + 24, "abc", 3);
  memcpy(exp + 32, "hello", 5);
  ok(plen == 40 && count == 3, "abc, empty, hello: payload_len 40");
  is_mem(buf, exp, 40, "abc, empty, hello: {0,3} {8,0} {8,5}");
}

static void
test_builder_reserve_commit(void)
{
  netipc_batch_builder b;
  uint8_t buf[128], ref[128];
  uint32_t plen = 0, count = 0, rlen = 0, rcount = 0;
  void *where = NULL;
  size_t n = 0;

  memset(ref, 0xAA, sizeof ref);
  build_example(ref, sizeof ref, 2, &rlen, &rcount);

  memset(buf, 0xAA, sizeof buf);
  netipc_batch_builder_init(&b, buf, sizeof buf, 2);
  is_err(netipc_batch_builder_reserve(&b, 3, &where), NETIPC_OK,
         "reserve 3 bytes");
  ok(where == buf + 16, "first reservation starts the packed area");
  memcpy(where, "abc", 3);
  is_err(netipc_batch_builder_commit(&b, 3), NETIPC_OK, "commit 3 bytes");
  is_err(netipc_batch_builder_reserve(&b, 64, &where), NETIPC_OK,
         "reserve 64 bytes (more than used)");
  ok(where == buf + 24, "second reservation is 8-aligned after the first");
  memcpy(where, "hello", 5);
  is_err(netipc_batch_builder_commit(&b, 5), NETIPC_OK, "commit only 5");
  is_err(netipc_batch_builder_finish(&b, &plen, &count), NETIPC_OK,
         "reserve/commit: finish");
  ok(plen == rlen && count == rcount, "reserve/commit: same length as add");
  is_mem(buf, ref, 32, "reserve/commit: same bytes as add");

  /* A method encoder writing straight into the batch. */
  memset(buf, 0xAA, sizeof buf);
  netipc_batch_builder_init(&b, buf, sizeof buf, 1);
  netipc_batch_builder_reserve(&b, 64, &where);
  is_err(netipc_string_reverse_encode("hi", 2, where, 64, &n), NETIPC_OK,
         "encode a STRING_REVERSE item in place");
  netipc_batch_builder_commit(&b, n);
  is_err(netipc_batch_builder_finish(&b, &plen, &count), NETIPC_OK,
         "in-place item: finish");
  ok(plen == 24 && get32(buf, 4) == 11 && get32(buf, 8) == 8 &&
         memcmp(buf + 16, "hi", 3) == 0 && buf[19] == 0 && buf[23] == 0,
     "in-place item: {0,11}, 11 bytes, 5 pad bytes zeroed");

  netipc_batch_builder_init(&b, buf, 40, 2);
  is_err(netipc_batch_builder_reserve(&b, 25, &where), NETIPC_ERR_OVERFLOW,
         "reserve beyond the buffer: OVERFLOW");
  is_err(netipc_batch_builder_add(&b, "x", 1), NETIPC_ERR_OVERFLOW,
         "failed reserve is sticky");

  netipc_batch_builder_init(&b, buf, sizeof buf, 2);
  is_err(netipc_batch_builder_commit(&b, 0), NETIPC_ERR_INVALID_ARG,
         "commit without reserve: INVALID_ARG");
  netipc_batch_builder_reserve(&b, 8, &where);
  is_err(netipc_batch_builder_commit(&b, 9), NETIPC_ERR_OVERFLOW,
         "commit more than reserved: OVERFLOW");
  is_err(netipc_batch_builder_finish(&b, &plen, &count), NETIPC_ERR_OVERFLOW,
         "finish after a failed commit: OVERFLOW");

  netipc_batch_builder_init(&b, buf, sizeof buf, 2);
  netipc_batch_builder_add(&b, "abc", 3);
  netipc_batch_builder_reserve(&b, 8, &where);
  is_err(netipc_batch_builder_finish(&b, &plen, &count),
         NETIPC_ERR_INVALID_ARG, "finish with an uncommitted reserve");
}

static void
test_builder_overflow_sticky(void)
{
  netipc_batch_builder b;
  uint8_t buf[40], before[40], item[16];
  uint32_t plen = 0, count = 0;

  memset(item, 0x5C, sizeof item);
  memset(buf, 0xAA, sizeof buf);
  netipc_batch_builder_init(&b, buf, sizeof buf, 2);
  is_err(netipc_batch_builder_add(&b, item, 16), NETIPC_OK,
         "first 16-byte item fits (16..32 of 40)");
  memcpy(before, buf, sizeof buf);
  is_err(netipc_batch_builder_add(&b, item, 16), NETIPC_ERR_OVERFLOW,
         "second 16-byte item does not fit: OVERFLOW");
  is_mem(buf, before, sizeof buf, "failed add writes nothing");
  is_uint(b.count, 1, "failed add does not count");
  is_err(netipc_batch_builder_add(&b, item, 1), NETIPC_ERR_OVERFLOW,
         "overflow is sticky: a 1-byte item that would fit still fails");
  is_err(netipc_batch_builder_reserve(&b, 1, &(void *){NULL}),
         NETIPC_ERR_OVERFLOW, "overflow is sticky for reserve too");
  is_mem(buf + 16, item, 16, "earlier item intact");
  is_err(netipc_batch_builder_finish(&b, &plen, &count), NETIPC_ERR_OVERFLOW,
         "finish returns the sticky OVERFLOW");

  netipc_batch_builder_init(&b, buf, sizeof buf, 1);
  netipc_batch_builder_add(&b, "a", 1);
  memcpy(before, buf, sizeof buf);
  is_err(netipc_batch_builder_add(&b, "b", 1), NETIPC_ERR_OVERFLOW,
         "no slot left: OVERFLOW");
  is_mem(buf, before, sizeof buf, "slot exhaustion writes nothing");
  is_err(netipc_batch_builder_finish(&b, &plen, &count), NETIPC_ERR_OVERFLOW,
         "finish after slot exhaustion: OVERFLOW");
  netipc_batch_builder_init(&b, buf, sizeof buf, 1);
  is_err(netipc_batch_builder_add(&b, NULL, 3), NETIPC_ERR_INVALID_ARG,
         "NULL item with a length: INVALID_ARG");
}

static void
test_builder_capacity_limit(void)
{
  netipc_batch_builder b;
  uint8_t buf[64], exp[32], item[17];
  uint32_t plen = 0, count = 0;
  netipc_err e1, e2;
  size_t i;
  int untouched = 1;

  example_host(exp);
  memset(buf, 0xAA, sizeof buf);
  is_err(build_example(buf, 32, 2, &plen, &count), NETIPC_OK,
         "example in exactly 32 bytes");
  is_mem(buf, exp, 32, "example at the capacity limit: bytes");
  ok(buf[32] == 0xAA, "nothing written past the capacity");

  /* In 31 bytes the item fits but its trailing pad does not. */
  memset(buf, 0xAA, sizeof buf);
  netipc_batch_builder_init(&b, buf, 31, 2);
  netipc_batch_builder_add(&b, "abc", 3);
  e1 = netipc_batch_builder_add(&b, "hello", 5);
  plen = 0;
  e2 = netipc_batch_builder_finish(&b, &plen, &count);
  ok(e1 == NETIPC_ERR_OVERFLOW || e2 == NETIPC_ERR_OVERFLOW,
     "31 bytes for a 32-byte batch: OVERFLOW (add %s, finish %s)",
     netipc_err_name(e1), netipc_err_name(e2));
  for (i = 31; i < sizeof buf; i++)
    untouched &= buf[i] == 0xAA;
  ok(untouched, "31-byte batch: nothing written past the capacity");

  memset(item, 0x11, sizeof item);
  netipc_batch_builder_init(&b, buf, 24, 1);
  is_err(netipc_batch_builder_add(&b, item, 16), NETIPC_OK,
         "16-byte item fills a 24-byte buffer exactly");
  is_err(netipc_batch_builder_finish(&b, &plen, &count), NETIPC_OK,
         "exact fit: finish");
  is_uint(plen, 24, "exact fit: payload_len 24");
  netipc_batch_builder_init(&b, buf, 24, 1);
  e1 = netipc_batch_builder_add(&b, item, 17);
  e2 = netipc_batch_builder_finish(&b, &plen, &count);
  ok(e1 == NETIPC_ERR_OVERFLOW && e2 == NETIPC_ERR_OVERFLOW,
     "17-byte item in 24 bytes: OVERFLOW");
}

static void
test_builder_init_errors(void)
{
  netipc_batch_builder b;
  uint8_t buf[16];

  is_err(netipc_batch_builder_init(&b, buf, 15, 2), NETIPC_ERR_OVERFLOW,
         "directory of 2 in 15 bytes: OVERFLOW");
  is_err(netipc_batch_builder_init(&b, buf, 16, 2), NETIPC_OK,
         "directory of 2 in 16 bytes: OK");
  is_err(netipc_batch_builder_init(NULL, buf, 16, 2), NETIPC_ERR_INVALID_ARG,
         "NULL builder: INVALID_ARG");
  is_err(netipc_batch_builder_init(&b, NULL, 16, 2), NETIPC_ERR_INVALID_ARG,
         "NULL buffer: INVALID_ARG");
}

/* ---- decoder ----------------------------------------------------------- */

static void
test_decode_example(void)
{
  uint8_t buf[32];
  netipc_batch_view v;
  const void *p = NULL;
  uint32_t len = 99;

  example_host(buf);
  memset(&v, 0, sizeof v);
  is_err(netipc_batch_decode(buf, 32, 2, &v), NETIPC_OK, "example decodes");
  ok(v.payload == buf && v.payload_len == 32 && v.item_count == 2,
     "view: payload, payload_len, item_count");
  is_err(netipc_batch_item(&v, 0, &p, &len), NETIPC_OK, "item 0");
  ok(p == buf + 16 && len == 3, "item 0 points at abc, length 3");
  is_err(netipc_batch_item(&v, 1, &p, &len), NETIPC_OK, "item 1");
  ok(p == buf + 24 && len == 5, "item 1 points at hello, length 5");
  is_err(netipc_batch_item(&v, 2, &p, &len), NETIPC_ERR_OUT_OF_BOUNDS,
         "item 2 of 2: OUT_OF_BOUNDS");
  is_err(netipc_batch_item(&v, 0xFFFFFFFFu, &p, &len),
         NETIPC_ERR_OUT_OF_BOUNDS, "item 0xFFFFFFFF: OUT_OF_BOUNDS");
  is_err(netipc_batch_item(NULL, 0, &p, &len), NETIPC_ERR_INVALID_ARG,
         "item of a NULL view: INVALID_ARG");
  is_err(netipc_batch_decode(buf, 32, 2, NULL), NETIPC_ERR_INVALID_ARG,
         "decode NULL out: INVALID_ARG");
}

static void
test_decode_no_trailing_pad(void)
{
  uint8_t buf[32];
  netipc_batch_view v;
  const void *p = NULL;
  uint32_t len = 0;

  example_host(buf);
  memset(&v, 0, sizeof v);
  is_err(netipc_batch_decode(buf, 29, 2, &v), NETIPC_OK,
         "batch without trailing padding (29 bytes) accepted");
  is_err(netipc_batch_item(&v, 1, &p, &len), NETIPC_OK,
         "unpadded last item readable");
  ok(len == 5 && p != NULL && memcmp(p, "hello", 5) == 0,
     "unpadded last item is hello");
  is_err(netipc_batch_decode(buf, 28, 2, &v), NETIPC_ERR_OUT_OF_BOUNDS,
         "one byte shorter than the last item: OUT_OF_BOUNDS");
}

static netipc_err
decode_patched(uint32_t count, size_t len, size_t off, uint32_t value)
{
  uint8_t buf[32];
  netipc_batch_view v;
  example_host(buf);
  put32(buf, off, value);
  return netipc_batch_decode(buf, len, count, &v);
}

static void
test_decode_rejections(void)
{
  uint8_t buf[32];
  netipc_batch_view v;

  example_host(buf);
  is_err(netipc_batch_decode(buf, 32, 0, &v), NETIPC_ERR_BAD_ITEM_COUNT,
         "item_count 0: BAD_ITEM_COUNT");
  is_err(netipc_batch_decode(buf, 15, 2, &v), NETIPC_ERR_TRUNCATED,
         "directory of 2 in 15 bytes: TRUNCATED");
  is_err(netipc_batch_decode(buf, 0, 1, &v), NETIPC_ERR_TRUNCATED,
         "directory of 1 in 0 bytes: TRUNCATED");
  is_err2(netipc_batch_decode(buf, 32, 0xFFFFFFFFu, &v), NETIPC_ERR_TRUNCATED,
          NETIPC_ERR_BAD_ITEM_COUNT, "item_count 0xFFFFFFFF: rejected");
  is_err2(netipc_batch_decode(buf, 32, 0x20000000u, &v), NETIPC_ERR_TRUNCATED,
          NETIPC_ERR_BAD_ITEM_COUNT,
          "item_count 2^29 (8*count wraps a u32 to 0): rejected");
  memset(buf, 0, 16);
  is_err(netipc_batch_decode(buf, 16, 2, &v), NETIPC_OK,
         "two empty items, no packed area: accepted");

  is_err(decode_patched(2, 32, 8, 4), NETIPC_ERR_BAD_ALIGNMENT,
         "offset 4: BAD_ALIGNMENT");
  is_err(decode_patched(2, 32, 8, 9), NETIPC_ERR_BAD_ALIGNMENT,
         "offset 9: BAD_ALIGNMENT");
  is_err(decode_patched(2, 32, 0, 0xFFFFFFFFu), NETIPC_ERR_BAD_ALIGNMENT,
         "offset 0xFFFFFFFF: BAD_ALIGNMENT");
  is_err(decode_patched(2, 32, 12, 9), NETIPC_ERR_OUT_OF_BOUNDS,
         "item 1 {8,9} past the 16-byte area: OUT_OF_BOUNDS");
  is_err(decode_patched(2, 32, 8, 16), NETIPC_ERR_OUT_OF_BOUNDS,
         "item 1 {16,5}: OUT_OF_BOUNDS");
  is_err(decode_patched(2, 32, 4, 16), NETIPC_OK,
         "item 0 {0,16} spanning the area exactly: accepted");
  is_err(decode_patched(2, 32, 0, 0xFFFFFFF8u), NETIPC_ERR_OUT_OF_BOUNDS,
         "offset 0xFFFFFFF8 length 3: OUT_OF_BOUNDS");
  is_err(decode_patched(2, 32, 4, 0xFFFFFFFFu), NETIPC_ERR_OUT_OF_BOUNDS,
         "offset 0 length 0xFFFFFFFF: OUT_OF_BOUNDS");
  is_err(decode_patched(2, 32, 12, 0xFFFFFFF8u), NETIPC_ERR_OUT_OF_BOUNDS,
         "offset 8 length 0xFFFFFFF8 (u32 sum wraps to 0): OUT_OF_BOUNDS");
  {
    uint8_t b2[32];
    example_host(b2);
    put32(b2, 8, 0xFFFFFFF8u);
    put32(b2, 12, 16);
    is_err(netipc_batch_decode(b2, 32, 2, &v), NETIPC_ERR_OUT_OF_BOUNDS,
           "offset 0xFFFFFFF8 length 16 (u32 sum wraps to 8): OUT_OF_BOUNDS");
    put32(b2, 8, 4);
    put32(b2, 12, 100);
    is_err(netipc_batch_decode(b2, 32, 2, &v), NETIPC_ERR_BAD_ALIGNMENT,
           "misaligned and out of bounds: alignment reported first");
  }
  is_err(decode_patched(1, 16, 4, 9), NETIPC_ERR_OUT_OF_BOUNDS,
         "single-item batch is validated too");
}

int
main(void)
{
  plan(PLAN);
  test_builder_example();
  test_builder_compaction();
  test_builder_zero_items();
  test_builder_one_item();
  test_builder_many_items();
  test_builder_empty_items();
  test_builder_reserve_commit();
  test_builder_overflow_sticky();
  test_builder_capacity_limit();
  test_builder_init_errors();
  test_decode_example();
  test_decode_no_trailing_pad();
  test_decode_rejections();
  return exit_status();
}
