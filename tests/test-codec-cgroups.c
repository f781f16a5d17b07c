/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-codec-cgroups.c - CGROUPS_SNAPSHOT request, response builder and
 * two-stage response view (codec.md section 5), and simple_hash (5.9).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <string.h>

#include <netipc/codec.h>

#include "bytes.h"
#include "tap.h"

#define PLAN 158

/* ---- fixtures ---------------------------------------------------------- */

struct item {
  uint32_t hash, options, enabled;
  const char *name;
  const char *path;
};

/* The three items of codec/cgroups_resp.bin (vectors/README.md). */
static const struct item vec_items[3] = {
    {100, 0, 1, "init.scope", "/sys/fs/cgroup/init.scope"},
    {200, 0x02, 0, "system.slice/docker-abc.scope",
     "/sys/fs/cgroup/system.slice/docker-abc.scope"},
    {300, 0, 1, "", ""},
};

/*
 * Offsets inside the canonical 3-item payload: the packed area starts at
 * P = 24 + 3*8 = 48; items at P+0 (69 bytes), P+72 (107), P+184 (34).
 */
enum {
  GOOD_LEN = 266,
  P3 = 48,
  IT0 = P3 + 0,
  IT1 = P3 + 72,
  IT2 = P3 + 184,
  DIR0 = 24,
  DIR1 = 32,
  DIR2 = 40
};

/* Item fixed-part field offsets (codec.md 5.5). */
enum {
  F_LAYOUT = 0,
  F_FLAGS = 2,
  F_HASH = 4,
  F_OPTIONS = 8,
  F_ENABLED = 12,
  F_NAME_OFF = 16,
  F_NAME_LEN = 20,
  F_PATH_OFF = 24,
  F_PATH_LEN = 28
};

/*
 * Reference encoder written straight from codec.md 5.6 (no reservation,
 * no compaction). The builder must produce exactly these bytes.
 */
static size_t
ref_encode(const struct item *items, uint32_t n, uint32_t systemd,
           uint64_t gen, uint8_t *out, size_t cap)
{
  size_t base = 24 + 8 * (size_t)n, end = 0, i;
  memset(out, 0, cap);
  put16(out, 0, 1);
  put16(out, 2, 0);
  put32(out, 4, n);
  put32(out, 8, systemd);
  put32(out, 12, 0);
  put64(out, 16, gen);
  for (i = 0; i < n; i++) {
    size_t off = align8(end), nl = strlen(items[i].name);
    size_t pl = strlen(items[i].path), len = 32 + nl + 1 + pl + 1;
    uint8_t *it = out + base + off;
    put32(out, 24 + 8 * i, (uint32_t)off);
    put32(out, 24 + 8 * i + 4, (uint32_t)len);
    put16(it, F_LAYOUT, 1);
    put32(it, F_HASH, items[i].hash);
    put32(it, F_OPTIONS, items[i].options);
    put32(it, F_ENABLED, items[i].enabled);
    put32(it, F_NAME_OFF, 32);
    put32(it, F_NAME_LEN, (uint32_t)nl);
    put32(it, F_PATH_OFF, (uint32_t)(32 + nl + 1));
    put32(it, F_PATH_LEN, (uint32_t)pl);
    memcpy(it + 32, items[i].name, nl);
    memcpy(it + 32 + nl + 1, items[i].path, pl);
    end = off + len;
  }
  return base + end;
}

/* Build with the library: init, add every item, finish. */
static netipc_err
build(uint8_t *buf, size_t cap, uint32_t max_items, const struct item *items,
      uint32_t n, uint32_t systemd, uint64_t gen, size_t *out_len)
{
  netipc_cgroups_builder b;
  uint32_t i;
  netipc_err e = netipc_cgroups_builder_init(&b, buf, cap, max_items, systemd,
                                             gen);
  if (e != NETIPC_OK)
    return e;
  for (i = 0; i < n; i++)
    netipc_cgroups_builder_add(&b, items[i].hash, items[i].options,
                               items[i].enabled, items[i].name,
                               strlen(items[i].name), items[i].path,
                               strlen(items[i].path));
  return netipc_cgroups_builder_finish(&b, out_len);
}

/* The canonical 3-item payload (by the reference encoder) in p[0..512). */
static void
good_payload(uint8_t *p)
{
  ref_encode(vec_items, 3, 1, 999, p, 512);
}

/* ---- request ----------------------------------------------------------- */

static void
test_request(void)
{
  uint8_t buf[16], exp[4];
  size_t n = 0;

  put16(exp, 0, 1);
  put16(exp, 2, 0);
  memset(buf, 0xA5, sizeof buf);
  is_err(netipc_cgroups_req_encode(buf, sizeof buf, &n), NETIPC_OK,
         "request encode");
  ok(n == 4 && memcmp(buf, exp, 4) == 0 && buf[4] == 0xA5,
     "request is exactly {layout 1, flags 0}");
  memset(buf, 0xA5, sizeof buf);
  is_err(netipc_cgroups_req_encode(buf, 3, &n), NETIPC_ERR_NOSPACE,
         "request encode cap 3: NOSPACE");
  ok(all_bytes(buf, sizeof buf, 0xA5), "request cap 3: nothing written");

  is_err(netipc_cgroups_req_decode(exp, 4), NETIPC_OK, "request decode");
  is_err(netipc_cgroups_req_decode(exp, 3), NETIPC_ERR_TRUNCATED,
         "request 3 bytes: TRUNCATED");
  memcpy(buf, exp, 4);
  put16(buf, 0, 2);
  is_err(netipc_cgroups_req_decode(buf, 4), NETIPC_ERR_BAD_LAYOUT,
         "request layout 2: BAD_LAYOUT");
  is_err(netipc_cgroups_req_decode(buf, 3), NETIPC_ERR_TRUNCATED,
         "request: length checked before layout");
  put16(buf, 0, 0);
  is_err(netipc_cgroups_req_decode(buf, 4), NETIPC_ERR_BAD_LAYOUT,
         "request layout 0: BAD_LAYOUT");
  put16(buf, 0, 1);
  put16(buf, 2, 1);
  is_err(netipc_cgroups_req_decode(buf, 4), NETIPC_ERR_BAD_LAYOUT,
         "request flags 1: BAD_LAYOUT");
  memcpy(buf, exp, 4);
  memset(buf + 4, 0xEE, 4);
  is_err(netipc_cgroups_req_decode(buf, 8), NETIPC_OK,
         "request trailing bytes ignored");
  is_err(netipc_cgroups_req_decode(NULL, 4), NETIPC_ERR_INVALID_ARG,
         "request decode NULL: INVALID_ARG");
}

/* ---- builder ----------------------------------------------------------- */

static void
test_builder_canonical(void)
{
  static uint8_t buf[4096], exp[512];
  size_t n = 0, want = ref_encode(vec_items, 3, 1, 999, exp, sizeof exp);

  is_uint(want, GOOD_LEN, "reference encoder: 266 bytes (codec.md 5.6)");
  ok(get32(exp, DIR0) == 0 && get32(exp, DIR0 + 4) == 69 &&
         get32(exp, DIR1) == 72 && get32(exp, DIR1 + 4) == 107 &&
         get32(exp, DIR2) == 184 && get32(exp, DIR2 + 4) == 34,
     "reference directory {0,69} {72,107} {184,34}");
  memset(buf, 0xAA, sizeof buf);
  is_err(build(buf, sizeof buf, 0, vec_items, 3, 1, 999, &n), NETIPC_OK,
         "builder, 4096 bytes, default max_items");
  is_uint(n, GOOD_LEN, "builder length 266, no trailing pad");
  is_mem(buf, exp, GOOD_LEN, "builder bytes are canonical, gaps zeroed");
  memset(buf, 0xAA, sizeof buf);
  is_err(build(buf, sizeof buf, 3, vec_items, 3, 1, 999, &n), NETIPC_OK,
         "builder, explicit max_items 3");
  is_mem(buf, exp, GOOD_LEN, "explicit max_items 3: same bytes");
  memset(buf, 0xAA, sizeof buf);
  is_err(build(buf, sizeof buf, 40, vec_items, 3, 1, 999, &n), NETIPC_OK,
         "builder, 40 slots for 3 items");
  ok(n == GOOD_LEN && memcmp(buf, exp, GOOD_LEN) == 0,
     "compaction from 40 slots: same 266 bytes");
}

static void
test_builder_tight(void)
{
  uint8_t buf[512], exp[512];
  size_t n = 0;

  ref_encode(vec_items, 3, 1, 999, exp, sizeof exp);
  memset(buf, 0xAA, sizeof buf);
  is_err(build(buf, GOOD_LEN, 3, vec_items, 3, 1, 999, &n), NETIPC_OK,
         "max_items 3 in exactly 266 bytes");
  ok(n == GOOD_LEN && memcmp(buf, exp, GOOD_LEN) == 0 &&
         buf[GOOD_LEN] == 0xAA,
     "exact fit: canonical bytes, nothing written past the buffer");
  memset(buf, 0xAA, sizeof buf);
  is_err(build(buf, GOOD_LEN - 1, 3, vec_items, 3, 1, 999, &n),
         NETIPC_ERR_OVERFLOW, "max_items 3 in 265 bytes: OVERFLOW");
  ok(all_bytes(buf + GOOD_LEN - 1, sizeof buf - (GOOD_LEN - 1), 0xAA),
     "265 bytes: nothing written past the buffer");
}

static void
test_builder_default_max(void)
{
  static uint8_t buf[65536];
  netipc_cgroups_builder b;
  uint32_t i, fails = 0;
  size_t n = 0;
  netipc_cgroups_view v;

  netipc_cgroups_builder_init(&b, buf, sizeof buf, 0, 0, 0);
  is_uint(b.max_items, 1364, "65536 bytes: default max_items 1364");
  for (i = 0; i < 1364; i++)
    fails += netipc_cgroups_builder_add(&b, i, 0, 0, NULL, 0, NULL, 0) !=
             NETIPC_OK;
  is_uint(fails, 0, "1364 minimum items all fit");
  is_err(netipc_cgroups_builder_add(&b, 0, 0, 0, NULL, 0, NULL, 0),
         NETIPC_ERR_OVERFLOW, "item 1365: OVERFLOW (slots exhausted)");
  is_err(netipc_cgroups_builder_finish(&b, &n), NETIPC_ERR_OVERFLOW,
         "finish after item 1365: OVERFLOW");

  netipc_cgroups_builder_init(&b, buf, sizeof buf, 0, 0, 0);
  for (i = 0; i < 1364; i++)
    netipc_cgroups_builder_add(&b, i, 0, 0, NULL, 0, NULL, 0);
  is_err(netipc_cgroups_builder_finish(&b, &n), NETIPC_OK,
         "1364 minimum items: finish");
  is_uint(n, 24 + 8 * 1364 + 1363 * 40 + 34, "1364 items: length");
  memset(&v, 0, sizeof v);
  ok(netipc_cgroups_view_decode(buf, n, &v) == NETIPC_OK &&
         v.item_count == 1364 &&
         netipc_cgroups_view_validate(&v, NULL) == NETIPC_OK,
     "1364 items: decode and validate");

  netipc_cgroups_builder_init(&b, buf, 24, 0, 0, 0);
  is_uint(b.max_items, 0, "24 bytes: default max_items 0");
  netipc_cgroups_builder_init(&b, buf, 71, 0, 0, 0);
  is_uint(b.max_items, 0, "71 bytes: default max_items 0");
  netipc_cgroups_builder_init(&b, buf, 72, 0, 0, 0);
  is_uint(b.max_items, 1, "72 bytes: default max_items 1");
  netipc_cgroups_builder_init(&b, buf, 119, 0, 0, 0);
  is_uint(b.max_items, 1, "119 bytes: default max_items 1");
  netipc_cgroups_builder_init(&b, buf, 120, 0, 0, 0);
  is_uint(b.max_items, 2, "120 bytes: default max_items 2");
}

static void
test_builder_empty(void)
{
  uint8_t buf[64], exp[24];
  netipc_cgroups_builder b;
  size_t n = 0;

  ref_encode(NULL, 0, 7, 42, exp, sizeof exp);
  memset(buf, 0xAA, sizeof buf);
  is_err(build(buf, sizeof buf, 0, NULL, 0, 7, 42, &n), NETIPC_OK,
         "empty snapshot");
  ok(n == 24 && memcmp(buf, exp, 24) == 0, "empty snapshot: 24-byte header");

  memset(buf, 0xAA, sizeof buf);
  is_err(netipc_cgroups_builder_init(&b, buf, 24, 0, 7, 42), NETIPC_OK,
         "24-byte buffer: init");
  is_err(netipc_cgroups_builder_add(&b, 1, 0, 0, NULL, 0, NULL, 0),
         NETIPC_ERR_OVERFLOW, "24-byte buffer: no slot for an item");
  netipc_cgroups_builder_init(&b, buf, 24, 0, 7, 42);
  ok(netipc_cgroups_builder_finish(&b, &n) == NETIPC_OK && n == 24 &&
         memcmp(buf, exp, 24) == 0,
     "24-byte buffer: empty snapshot fits exactly");
  ok(netipc_cgroups_builder_init(&b, buf, 23, 0, 0, 0) != NETIPC_OK,
     "23-byte buffer: init fails");
  is_err(netipc_cgroups_builder_init(&b, buf, 31, 1, 0, 0),
         NETIPC_ERR_OVERFLOW, "1 slot in 31 bytes: OVERFLOW");
  is_err(netipc_cgroups_builder_init(NULL, buf, 64, 0, 0, 0),
         NETIPC_ERR_INVALID_ARG, "NULL builder: INVALID_ARG");
}

static void
test_builder_set_header(void)
{
  uint8_t buf[64], exp[24];
  netipc_cgroups_builder b;
  size_t n = 0;

  ref_encode(NULL, 0, 0xFFFFFFFFu, 0x8000000000000001ull, exp, sizeof exp);
  netipc_cgroups_builder_init(&b, buf, sizeof buf, 0, 1, 2);
  netipc_cgroups_builder_set_header(&b, 0xFFFFFFFFu, 0x8000000000000001ull);
  netipc_cgroups_builder_finish(&b, &n);
  ok(n == 24 && memcmp(buf, exp, 24) == 0,
     "set_header: values written at finish, copied verbatim");
}

static void
test_builder_empty_strings(void)
{
  static const struct item it[2] = {{7, 8, 9, "", ""}, {1, 2, 3, "n", ""}};
  uint8_t buf[256], exp[256];
  netipc_cgroups_builder b;
  size_t n = 0, want = ref_encode(it, 2, 0, 0, exp, sizeof exp);

  memset(buf, 0xAA, sizeof buf);
  netipc_cgroups_builder_init(&b, buf, sizeof buf, 0, 0, 0);
  is_err(netipc_cgroups_builder_add(&b, 7, 8, 9, NULL, 0, NULL, 0), NETIPC_OK,
         "NULL name and path with length 0");
  is_err(netipc_cgroups_builder_add(&b, 1, 2, 3, "n", 1, "", 0), NETIPC_OK,
         "empty path");
  netipc_cgroups_builder_finish(&b, &n);
  ok(n == want && memcmp(buf, exp, want) == 0,
     "empty strings: 34-byte item, offsets 32 and 33, both NULs");
  netipc_cgroups_builder_init(&b, buf, sizeof buf, 0, 0, 0);
  is_err(netipc_cgroups_builder_add(&b, 0, 0, 0, NULL, 1, NULL, 0),
         NETIPC_ERR_INVALID_ARG, "NULL name with length 1: INVALID_ARG");
  is_err(netipc_cgroups_builder_add(&b, 0, 0, 0, NULL, 0, NULL, 1),
         NETIPC_ERR_INVALID_ARG, "NULL path with length 1: INVALID_ARG");
}

static void
test_builder_slot_exhaustion(void)
{
  uint8_t buf[512], before[512];
  netipc_cgroups_builder b;
  size_t n = 0;

  memset(buf, 0xAA, sizeof buf);
  netipc_cgroups_builder_init(&b, buf, sizeof buf, 2, 0, 0);
  netipc_cgroups_builder_add(&b, 1, 0, 0, "a", 1, "b", 1);
  netipc_cgroups_builder_add(&b, 2, 0, 0, "c", 1, "d", 1);
  memcpy(before, buf, sizeof buf);
  is_err(netipc_cgroups_builder_add(&b, 3, 0, 0, "e", 1, "f", 1),
         NETIPC_ERR_OVERFLOW, "third item with 2 slots: OVERFLOW");
  is_mem(buf, before, sizeof buf, "slot exhaustion writes nothing");
  is_uint(b.count, 2, "count stays 2");
  is_err(netipc_cgroups_builder_finish(&b, &n), NETIPC_ERR_OVERFLOW,
         "finish reports the sticky OVERFLOW");
}

static void
test_builder_space_exhaustion(void)
{
  static const struct item a = {11, 0, 1, "abc", "de"}; /* 39 bytes */
  uint8_t buf[160], before[160], exp[160];
  char big[16];
  netipc_cgroups_builder b;
  size_t n = 0;

  /* 120 bytes, 2 slots: items start at 40; A ends at 79, B starts at 80. */
  ref_encode(&a, 1, 0, 0, exp, sizeof exp);
  memset(big, 'z', sizeof big);
  memset(buf, 0xAA, sizeof buf);
  netipc_cgroups_builder_init(&b, buf, 120, 2, 0, 0);
  is_err(netipc_cgroups_builder_add(&b, a.hash, a.options, a.enabled, a.name,
                                    3, a.path, 2),
         NETIPC_OK, "item A (39 bytes)");
  memcpy(before, buf, sizeof buf);
  is_err(netipc_cgroups_builder_add(&b, 1, 0, 0, big, 4, big, 3),
         NETIPC_ERR_OVERFLOW, "41-byte item where 40 remain: OVERFLOW");
  is_mem(buf, before, sizeof buf, "space exhaustion writes nothing");
  is_err(netipc_cgroups_builder_add(&b, 1, 0, 0, NULL, 0, NULL, 0),
         NETIPC_ERR_OVERFLOW, "sticky: a 34-byte item that fits still fails");
  is_mem(buf, before, sizeof buf, "sticky failure writes nothing");
  is_uint(b.count, 1, "count stays 1");
  is_mem(buf + 40, exp + 32, 39, "item A intact at its reserved position");
  is_err(netipc_cgroups_builder_finish(&b, &n), NETIPC_ERR_OVERFLOW,
         "finish reports OVERFLOW");
}

static void
test_builder_exact_limit(void)
{
  static const struct item two[2] = {{11, 0, 1, "abc", "de"},
                                     {12, 0, 0, "xyz", "uvw"}};
  uint8_t buf[160], exp[160];
  char name[40];
  size_t n = 0, want = ref_encode(two, 2, 0, 0, exp, sizeof exp);
  netipc_cgroups_builder b;

  is_uint(want, 120, "A (39) + pad + B (40) with 2 slots is 120 bytes");
  memset(buf, 0xAA, sizeof buf);
  is_err(build(buf, 120, 2, two, 2, 0, 0, &n), NETIPC_OK,
         "last item ends exactly at the buffer end");
  ok(n == 120 && memcmp(buf, exp, 120) == 0 && buf[120] == 0xAA,
     "exact fit: canonical bytes, nothing past the end");

  memset(name, 'n', sizeof name);
  netipc_cgroups_builder_init(&b, buf, 100, 1, 0, 0);
  is_err(netipc_cgroups_builder_add(&b, 0, 0, 0, name, 30, "/p/q", 4),
         NETIPC_OK, "68-byte item in 100 bytes with 1 slot");
  ok(netipc_cgroups_builder_finish(&b, &n) == NETIPC_OK && n == 100,
     "68-byte item: payload exactly 100");
  netipc_cgroups_builder_init(&b, buf, 100, 1, 0, 0);
  is_err(netipc_cgroups_builder_add(&b, 0, 0, 0, name, 31, "/p/q", 4),
         NETIPC_ERR_OVERFLOW, "one byte more: OVERFLOW");

  netipc_cgroups_builder_init(&b, buf, 72, 0, 0, 0);
  is_err(netipc_cgroups_builder_add(&b, 0, 0, 0, "abc", 3, "def", 3),
         NETIPC_OK, "default max_items: 40-byte item in 72 bytes");
  netipc_cgroups_builder_init(&b, buf, 72, 0, 0, 0);
  is_err(netipc_cgroups_builder_add(&b, 0, 0, 0, "abcd", 4, "def", 3),
         NETIPC_ERR_OVERFLOW, "default max_items: 41 bytes in 72: OVERFLOW");
}

/* ---- view, stage A ----------------------------------------------------- */

static netipc_err
decode_patched32(size_t off, uint32_t value, size_t len)
{
  uint8_t p[512];
  netipc_cgroups_view v;
  good_payload(p);
  put32(p, off, value);
  return netipc_cgroups_view_decode(p, len, &v);
}

static netipc_err
decode_patched16(size_t off, uint16_t value, size_t len)
{
  uint8_t p[512];
  netipc_cgroups_view v;
  good_payload(p);
  put16(p, off, value);
  return netipc_cgroups_view_decode(p, len, &v);
}

static void
test_view_good(void)
{
  uint8_t p[512];
  netipc_cgroups_view v;
  netipc_cgroups_item_view it;
  uint32_t i, bad = 0;

  good_payload(p);
  memset(&v, 0, sizeof v);
  is_err(netipc_cgroups_view_decode(p, GOOD_LEN, &v), NETIPC_OK,
         "good payload decodes");
  ok(v.payload == p && v.payload_len == GOOD_LEN && v.item_count == 3 &&
         v.systemd_enabled == 1 && v.generation == 999,
     "view header fields");
  for (i = 0; i < 3 && v.item_count == 3; i++) {
    const struct item *e = &vec_items[i];
    size_t nl = strlen(e->name), pl = strlen(e->path);
    memset(&it, 0, sizeof it);
    if (netipc_cgroups_view_item(&v, i, &it) != NETIPC_OK ||
        it.hash != e->hash || it.options != e->options ||
        it.enabled != e->enabled || it.name.len != nl ||
        it.path.len != pl || it.name.ptr == NULL || it.path.ptr == NULL ||
        memcmp(it.name.ptr, e->name, nl + 1) != 0 ||
        memcmp(it.path.ptr, e->path, pl + 1) != 0) {
      bad = i + 1;
      break;
    }
  }
  if (v.item_count != 3)
    bad = 99;
  is_uint(bad, 0, "every item reads back (first bad item + 1)");
  netipc_cgroups_view_item(&v, 0, &it);
  ok(it.name.ptr == (const char *)p + IT0 + 32 &&
         it.path.ptr == (const char *)p + IT0 + 43,
     "item strings point into the payload");
  is_err(netipc_cgroups_view_decode(p, GOOD_LEN, NULL),
         NETIPC_ERR_INVALID_ARG, "decode NULL out: INVALID_ARG");
}

static void
test_view_stage_a(void)
{
  /* codec.md 5.8 stage A, one row at a time, in table order. */
  is_err(decode_patched32(0, 0, 23), NETIPC_ERR_TRUNCATED,
         "A1: 23 bytes: TRUNCATED");
  is_err(decode_patched32(0, 0, 0), NETIPC_ERR_TRUNCATED,
         "A1: 0 bytes: TRUNCATED");
  is_err(decode_patched16(0, 2, GOOD_LEN), NETIPC_ERR_BAD_LAYOUT,
         "A2: layout_version 2: BAD_LAYOUT");
  is_err(decode_patched16(0, 0, GOOD_LEN), NETIPC_ERR_BAD_LAYOUT,
         "A2: layout_version 0: BAD_LAYOUT");
  is_err2(decode_patched16(2, 1, GOOD_LEN), NETIPC_ERR_BAD_FLAGS,
          NETIPC_ERR_BAD_LAYOUT, "A3: header flags 1 rejected");
  is_err2(decode_patched32(12, 1, GOOD_LEN), NETIPC_ERR_RESERVED,
          NETIPC_ERR_BAD_LAYOUT, "A4: header reserved 1 rejected");
  is_err2(decode_patched32(4, 0xFFFFFFFFu, GOOD_LEN), NETIPC_ERR_TRUNCATED,
          NETIPC_ERR_BAD_ITEM_COUNT, "A5/A6: item_count 0xFFFFFFFF");
  is_err2(decode_patched32(4, 0x20000000u, GOOD_LEN), NETIPC_ERR_TRUNCATED,
          NETIPC_ERR_BAD_ITEM_COUNT,
          "A5/A6: item_count 2^29 (8*count wraps a u32 to 0)");
  is_err(decode_patched32(4, 3, 47), NETIPC_ERR_TRUNCATED,
         "A6: directory of 3 in 47 bytes: TRUNCATED");
  is_err(decode_patched32(4, 1, 31), NETIPC_ERR_TRUNCATED,
         "A6: directory of 1 in 31 bytes: TRUNCATED");
  is_err(decode_patched32(DIR1, 73, GOOD_LEN), NETIPC_ERR_BAD_ALIGNMENT,
         "A7: entry offset 73: BAD_ALIGNMENT");
  is_err(decode_patched32(DIR0, 0xFFFFFFF9u, GOOD_LEN),
         NETIPC_ERR_BAD_ALIGNMENT, "A7: entry offset 0xFFFFFFF9");
  is_err(decode_patched32(DIR2 + 4, 35, GOOD_LEN), NETIPC_ERR_OUT_OF_BOUNDS,
         "A8: last item one byte too long: OUT_OF_BOUNDS");
  is_err(decode_patched32(DIR2 + 4, 34, GOOD_LEN - 1),
         NETIPC_ERR_OUT_OF_BOUNDS, "A8: payload one byte short");
  is_err(decode_patched32(DIR2, 0xFFFFFFF8u, GOOD_LEN),
         NETIPC_ERR_OUT_OF_BOUNDS,
         "A8: offset 0xFFFFFFF8 length 34 (u32 sum wraps to 26)");
  is_err(decode_patched32(DIR0 + 4, 0xFFFFFFFFu, GOOD_LEN),
         NETIPC_ERR_OUT_OF_BOUNDS, "A8: length 0xFFFFFFFF");
  {
    uint8_t p[512];
    netipc_cgroups_view v;
    good_payload(p);
    put32(p, DIR1, 8);
    put32(p, DIR1 + 4, 0xFFFFFFF8u);
    is_err(netipc_cgroups_view_decode(p, GOOD_LEN, &v),
           NETIPC_ERR_OUT_OF_BOUNDS,
           "A8: offset 8 length 0xFFFFFFF8 (u32 sum wraps to 0)");
  }
  is_err(decode_patched32(DIR2 + 4, 31, GOOD_LEN), NETIPC_ERR_TRUNCATED,
         "A9: entry length 31: TRUNCATED");
  is_err(decode_patched32(DIR2 + 4, 0, GOOD_LEN), NETIPC_ERR_TRUNCATED,
         "A9: entry length 0: TRUNCATED");
}

static void
test_view_stage_a_order(void)
{
  uint8_t p[512];
  netipc_cgroups_view v;

  good_payload(p);
  put16(p, 0, 2);
  put16(p, 2, 1);
  put32(p, 12, 1);
  is_err(netipc_cgroups_view_decode(p, 47, &v), NETIPC_ERR_BAD_LAYOUT,
         "layout before flags, reserved and directory size");
  put16(p, 0, 1);
  is_err2(netipc_cgroups_view_decode(p, 47, &v), NETIPC_ERR_BAD_FLAGS,
          NETIPC_ERR_BAD_LAYOUT, "flags before reserved and directory size");
  put16(p, 2, 0);
  is_err2(netipc_cgroups_view_decode(p, 47, &v), NETIPC_ERR_RESERVED,
          NETIPC_ERR_BAD_LAYOUT, "reserved before directory size");
  good_payload(p);
  put32(p, DIR1, 12);
  put32(p, DIR1 + 4, 4);
  is_err(netipc_cgroups_view_decode(p, GOOD_LEN, &v), NETIPC_ERR_BAD_ALIGNMENT,
         "entry alignment before length >= 32");
  put32(p, DIR1, 0xFFFFFFF8u);
  put32(p, DIR1 + 4, 16);
  is_err(netipc_cgroups_view_decode(p, GOOD_LEN, &v),
         NETIPC_ERR_OUT_OF_BOUNDS,
         "entry bounds (0xFFFFFFF8 + 16 wraps) before length >= 32");
}

static void
test_view_stage_a_accepts(void)
{
  uint8_t p[512];
  netipc_cgroups_view v;

  good_payload(p);
  memset(p + GOOD_LEN, 0xEE, 8);
  is_err(netipc_cgroups_view_decode(p, GOOD_LEN + 8, &v), NETIPC_OK,
         "bytes after the last item accepted");
  good_payload(p);
  put32(p, 4, 0);
  is_err(netipc_cgroups_view_decode(p, GOOD_LEN, &v), NETIPC_OK,
         "item_count 0 with unreferenced bytes accepted");
  ok(v.item_count == 0, "item_count 0 reported");
  is_err(netipc_cgroups_view_decode(p, 24, &v), NETIPC_OK,
         "bare 24-byte empty snapshot accepted");
}

/* ---- view, stage B ----------------------------------------------------- */

/* Patch a good payload, decode it (stage A must pass), read item idx. */
static netipc_err
item_patched(uint32_t idx, size_t off, int width, uint32_t value)
{
  uint8_t p[512];
  netipc_cgroups_view v;
  netipc_cgroups_item_view it;
  netipc_err e;
  good_payload(p);
  if (width == 16)
    put16(p, off, (uint16_t)value);
  else
    put32(p, off, value);
  e = netipc_cgroups_view_decode(p, GOOD_LEN, &v);
  if (e != NETIPC_OK) {
    diag("stage A unexpectedly failed: %s", netipc_err_name(e));
    return NETIPC_ERR_NOSPACE; /* never a valid stage B answer */
  }
  return netipc_cgroups_view_item(&v, idx, &it);
}

/* Patch two fields of item 0 at once. */
static netipc_err
item0_patched2(size_t off1, uint32_t v1, size_t off2, uint32_t v2)
{
  uint8_t p[512];
  netipc_cgroups_view v;
  netipc_cgroups_item_view it;
  good_payload(p);
  put32(p, IT0 + off1, v1);
  put32(p, IT0 + off2, v2);
  if (netipc_cgroups_view_decode(p, GOOD_LEN, &v) != NETIPC_OK)
    return NETIPC_ERR_NOSPACE;
  return netipc_cgroups_view_item(&v, 0, &it);
}

static void
test_view_stage_b(void)
{
  uint8_t p[512];
  netipc_cgroups_view v;
  netipc_cgroups_item_view it;

  /* B1: index. */
  is_err(item_patched(3, 0, 32, 1), NETIPC_ERR_OUT_OF_BOUNDS,
         "B1: index 3 of 3: OUT_OF_BOUNDS");
  is_err(item_patched(0xFFFFFFFFu, 0, 32, 1), NETIPC_ERR_OUT_OF_BOUNDS,
         "B1: index 0xFFFFFFFF: OUT_OF_BOUNDS");

  /* B2: the entry is checked again (the buffer may change after stage A). */
  good_payload(p);
  netipc_cgroups_view_decode(p, GOOD_LEN, &v);
  put32(p, DIR1, 73);
  is_err(netipc_cgroups_view_item(&v, 1, &it), NETIPC_ERR_BAD_ALIGNMENT,
         "B2: entry re-check: alignment");
  put32(p, DIR1, 72);
  put32(p, DIR1 + 4, 0xFFFFFFFFu);
  is_err(netipc_cgroups_view_item(&v, 1, &it), NETIPC_ERR_OUT_OF_BOUNDS,
         "B2: entry re-check: bounds");
  put32(p, DIR1 + 4, 31);
  is_err(netipc_cgroups_view_item(&v, 1, &it), NETIPC_ERR_TRUNCATED,
         "B2: entry re-check: length >= 32");
  put16(p, IT1 + F_LAYOUT, 2);
  is_err(netipc_cgroups_view_item(&v, 1, &it), NETIPC_ERR_TRUNCATED,
         "B2 before B3: entry checked before the item layout");

  /* B3-B4: item layout and flags. */
  is_err(item_patched(0, IT0 + F_LAYOUT, 16, 2), NETIPC_ERR_BAD_LAYOUT,
         "B3: item layout_version 2: BAD_LAYOUT");
  is_err(item_patched(1, IT1 + F_LAYOUT, 16, 0), NETIPC_ERR_BAD_LAYOUT,
         "B3: item layout_version 0: BAD_LAYOUT");
  is_err2(item_patched(2, IT2 + F_FLAGS, 16, 1), NETIPC_ERR_BAD_FLAGS,
          NETIPC_ERR_BAD_LAYOUT, "B4: item flags 1 rejected");
  is_err(item_patched(1, IT0 + F_LAYOUT, 16, 2), NETIPC_OK,
         "a bad item 0 does not affect item 1 (lazy validation)");

  /* B5-B7: name. */
  is_err(item_patched(0, IT0 + F_NAME_OFF, 32, 31), NETIPC_ERR_OUT_OF_BOUNDS,
         "B5: name_offset 31: OUT_OF_BOUNDS");
  is_err(item_patched(0, IT0 + F_NAME_OFF, 32, 0), NETIPC_ERR_OUT_OF_BOUNDS,
         "B5: name_offset 0: OUT_OF_BOUNDS");
  is_err(item_patched(0, IT0 + F_NAME_LEN, 32, 37), NETIPC_ERR_OUT_OF_BOUNDS,
         "B6: name runs past the item: OUT_OF_BOUNDS");
  is_err(item_patched(0, IT0 + F_NAME_LEN, 32, 0xFFFFFFFFu),
         NETIPC_ERR_OUT_OF_BOUNDS,
         "B6: name_length 0xFFFFFFFF (32+len+1 wraps to 32)");
  is_err(item0_patched2(F_NAME_OFF, 0xFFFFFFF0u, F_NAME_LEN, 0x0F),
         NETIPC_ERR_OUT_OF_BOUNDS,
         "B6: name_offset 0xFFFFFFF0 length 15 (sum wraps to 0)");
  is_err(item_patched(0, IT0 + F_NAME_LEN, 32, 9), NETIPC_ERR_MISSING_NUL,
         "B7: byte at name end is 'e': MISSING_NUL");
  is_err(item_patched(2, IT2 + F_NAME_LEN, 32, 2), NETIPC_ERR_OUT_OF_BOUNDS,
         "B6: empty-string item, name_length 2 runs past 34 bytes");
  is_err2(item_patched(2, IT2 + F_NAME_LEN, 32, 1), NETIPC_ERR_OVERLAP,
          NETIPC_ERR_BAD_LAYOUT,
          "B11: name_length 1 ends on the path's NUL: overlap");

  /* B8-B10: path. */
  is_err(item_patched(0, IT0 + F_PATH_OFF, 32, 31), NETIPC_ERR_OUT_OF_BOUNDS,
         "B8: path_offset 31: OUT_OF_BOUNDS");
  is_err(item_patched(0, IT0 + F_PATH_OFF, 32, 0), NETIPC_ERR_OUT_OF_BOUNDS,
         "B8: path_offset 0: OUT_OF_BOUNDS");
  is_err(item_patched(0, IT0 + F_PATH_LEN, 32, 26), NETIPC_ERR_OUT_OF_BOUNDS,
         "B9: path runs past the item: OUT_OF_BOUNDS");
  is_err(item_patched(0, IT0 + F_PATH_LEN, 32, 0xFFFFFFFFu),
         NETIPC_ERR_OUT_OF_BOUNDS, "B9: path_length 0xFFFFFFFF");
  is_err(item0_patched2(F_PATH_OFF, 0xFFFFFFFFu, F_PATH_LEN, 0),
         NETIPC_ERR_OUT_OF_BOUNDS,
         "B9: path_offset 0xFFFFFFFF length 0 (sum wraps to 0)");
  is_err(item_patched(0, IT0 + F_PATH_LEN, 32, 24), NETIPC_ERR_MISSING_NUL,
         "B10: byte at path end is 'e': MISSING_NUL");

  /* B11: overlap (codec.md 5.5). */
  is_err2(item0_patched2(F_PATH_OFF, 32, F_PATH_LEN, 10), NETIPC_ERR_OVERLAP,
          NETIPC_ERR_BAD_LAYOUT, "B11: path equal to name rejected");
  is_err2(item0_patched2(F_PATH_OFF, 42, F_PATH_LEN, 0), NETIPC_ERR_OVERLAP,
          NETIPC_ERR_BAD_LAYOUT, "B11: empty path on the name's NUL rejected");
  is_err2(item0_patched2(F_NAME_OFF, 58, F_NAME_LEN, 10), NETIPC_ERR_OVERLAP,
          NETIPC_ERR_BAD_LAYOUT, "B11: name inside the path rejected");
}

/* Item 0 with the given layout_version and flags, and its name_offset 0. */
static netipc_err
item0_layout_flags(uint16_t layout, uint16_t flags)
{
  uint8_t p[512];
  netipc_cgroups_view v;
  netipc_cgroups_item_view it;
  good_payload(p);
  put16(p, IT0 + F_LAYOUT, layout);
  put16(p, IT0 + F_FLAGS, flags);
  put32(p, IT0 + F_NAME_OFF, 0);
  if (netipc_cgroups_view_decode(p, GOOD_LEN, &v) != NETIPC_OK)
    return NETIPC_ERR_NOSPACE;
  return netipc_cgroups_view_item(&v, 0, &it);
}

static void
test_view_stage_b_order(void)
{
  is_err(item0_layout_flags(2, 1), NETIPC_ERR_BAD_LAYOUT,
         "layout before flags and name_offset");
  is_err2(item0_layout_flags(1, 1), NETIPC_ERR_BAD_FLAGS,
          NETIPC_ERR_BAD_LAYOUT, "flags before name_offset");
  is_err(item0_layout_flags(1, 0), NETIPC_ERR_OUT_OF_BOUNDS,
         "(control: name_offset 0 alone is OUT_OF_BOUNDS)");
  is_err(item0_patched2(F_NAME_LEN, 9, F_PATH_OFF, 0), NETIPC_ERR_MISSING_NUL,
         "name NUL before path_offset");
  is_err(item0_patched2(F_NAME_LEN, 37, F_PATH_LEN, 24),
         NETIPC_ERR_OUT_OF_BOUNDS, "name bounds before path NUL");
  is_err(item0_patched2(F_PATH_OFF, 32, F_PATH_LEN, 9), NETIPC_ERR_MISSING_NUL,
         "path NUL before overlap");
  is_err(item0_patched2(F_PATH_OFF, 32, F_PATH_LEN, 99),
         NETIPC_ERR_OUT_OF_BOUNDS, "path bounds before overlap");
}

static void
test_view_stage_b_accepts(void)
{
  uint8_t p[512];
  netipc_cgroups_view v;
  netipc_cgroups_item_view it;
  uint32_t bad = 77;

  /* Non-zero padding bytes and bytes after the last item. */
  good_payload(p);
  memset(p + IT0 + 69, 0xFF, 3);
  memset(p + IT1 + 107, 0xFF, 5);
  memset(p + GOOD_LEN, 0xFF, 6);
  ok(netipc_cgroups_view_decode(p, GOOD_LEN + 6, &v) == NETIPC_OK &&
         netipc_cgroups_view_validate(&v, &bad) == NETIPC_OK,
     "non-zero padding and trailing bytes accepted");

  /* Items overlapping each other; duplicate (hash, name). */
  good_payload(p);
  put32(p, DIR1, 0);
  put32(p, DIR1 + 4, 69);
  memset(&it, 0, sizeof it);
  ok(netipc_cgroups_view_decode(p, GOOD_LEN, &v) == NETIPC_OK &&
         netipc_cgroups_view_validate(&v, NULL) == NETIPC_OK &&
         netipc_cgroups_view_item(&v, 1, &it) == NETIPC_OK && it.hash == 100 &&
         it.name.len == 10,
     "two entries pointing at the same item accepted");

  /* Directory out of order. */
  good_payload(p);
  put32(p, DIR0, 184);
  put32(p, DIR0 + 4, 34);
  put32(p, DIR2, 0);
  put32(p, DIR2 + 4, 69);
  memset(&it, 0, sizeof it);
  ok(netipc_cgroups_view_decode(p, GOOD_LEN, &v) == NETIPC_OK &&
         netipc_cgroups_view_validate(&v, NULL) == NETIPC_OK &&
         netipc_cgroups_view_item(&v, 0, &it) == NETIPC_OK && it.hash == 300,
     "directory entries out of order accepted");

  /* Gap between the strings. */
  good_payload(p);
  put32(p, IT0 + F_PATH_OFF, 44);
  put32(p, IT0 + F_PATH_LEN, 24);
  memset(&it, 0, sizeof it);
  ok(netipc_cgroups_view_decode(p, GOOD_LEN, &v) == NETIPC_OK &&
         netipc_cgroups_view_item(&v, 0, &it) == NETIPC_OK &&
         it.path.len == 24 && it.path.ptr != NULL &&
         memcmp(it.path.ptr, "sys/fs/cgroup/init.scope", 25) == 0,
     "gap between name and path accepted");

  /* Strings in the other order. */
  good_payload(p);
  put32(p, IT0 + F_NAME_OFF, 43);
  put32(p, IT0 + F_NAME_LEN, 25);
  put32(p, IT0 + F_PATH_OFF, 32);
  put32(p, IT0 + F_PATH_LEN, 10);
  memset(&it, 0, sizeof it);
  ok(netipc_cgroups_view_decode(p, GOOD_LEN, &v) == NETIPC_OK &&
         netipc_cgroups_view_item(&v, 0, &it) == NETIPC_OK &&
         it.name.len == 25 && it.path.len == 10,
     "path placed before name accepted");

  /* NUL inside a string; an item longer than its strings. */
  good_payload(p);
  p[IT0 + 35] = 0;
  put32(p, DIR0 + 4, 72);
  memset(&it, 0, sizeof it);
  ok(netipc_cgroups_view_decode(p, GOOD_LEN, &v) == NETIPC_OK &&
         netipc_cgroups_view_item(&v, 0, &it) == NETIPC_OK &&
         it.name.len == 10,
     "NUL inside the name and slack after the path accepted");

  /* Any value of the opaque fields. */
  good_payload(p);
  put32(p, 8, 0xFFFFFFFFu);
  put64(p, 16, 0xFFFFFFFFFFFFFFFFull);
  put32(p, IT1 + F_HASH, 0xFFFFFFFFu);
  put32(p, IT1 + F_OPTIONS, 0xFFFFFFFFu);
  put32(p, IT1 + F_ENABLED, 0xFFFFFFFFu);
  memset(&it, 0, sizeof it);
  memset(&v, 0, sizeof v);
  ok(netipc_cgroups_view_decode(p, GOOD_LEN, &v) == NETIPC_OK &&
         v.systemd_enabled == 0xFFFFFFFFu &&
         v.generation == 0xFFFFFFFFFFFFFFFFull &&
         netipc_cgroups_view_item(&v, 1, &it) == NETIPC_OK &&
         it.hash == 0xFFFFFFFFu && it.options == 0xFFFFFFFFu &&
         it.enabled == 0xFFFFFFFFu,
     "opaque values passed through unchanged");
}

static void
test_view_validate(void)
{
  uint8_t p[512];
  netipc_cgroups_view v;
  uint32_t bad = 77;

  good_payload(p);
  netipc_cgroups_view_decode(p, GOOD_LEN, &v);
  is_err(netipc_cgroups_view_validate(&v, &bad), NETIPC_OK,
         "validate: good payload");
  p[IT2 + 33] = 'x';
  is_err(netipc_cgroups_view_validate(&v, &bad), NETIPC_ERR_MISSING_NUL,
         "validate: item 2 path without NUL");
  is_uint(bad, 2, "validate: bad_index 2");
  put16(p, IT1 + F_LAYOUT, 9);
  bad = 77;
  is_err(netipc_cgroups_view_validate(&v, &bad), NETIPC_ERR_BAD_LAYOUT,
         "validate: first bad item wins");
  is_uint(bad, 1, "validate: bad_index 1");
  is_err(netipc_cgroups_view_validate(&v, NULL), NETIPC_ERR_BAD_LAYOUT,
         "validate: NULL bad_index allowed");
  is_err(netipc_cgroups_view_validate(NULL, &bad), NETIPC_ERR_INVALID_ARG,
         "validate: NULL view: INVALID_ARG");
}

static void
test_simple_hash(void)
{
  is_uint(netipc_simple_hash("", 0), 0x811C9DC5u, "hash \"\"");
  is_uint(netipc_simple_hash("a", 1), 0xE40C292Cu, "hash \"a\" (FNV-1a)");
  is_uint(netipc_simple_hash("foobar", 6), 0xBF9CF968u, "hash \"foobar\"");
  ok(netipc_simple_hash("a", 1) != 0x050C5D7Eu, "not the old FNV-1 order");
  is_uint(netipc_simple_hash("\xff", 1), 0x7A0B824Eu,
          "bytes are unsigned (0xFF)");
  is_uint(netipc_simple_hash("foobarXYZ", 6), 0xBF9CF968u,
          "only len bytes are hashed");
}

int
main(void)
{
  plan(PLAN);
  test_request();
  test_builder_canonical();
  test_builder_tight();
  test_builder_default_max();
  test_builder_empty();
  test_builder_set_header();
  test_builder_empty_strings();
  test_builder_slot_exhaustion();
  test_builder_space_exhaustion();
  test_builder_exact_limit();
  test_view_good();
  test_view_stage_a();
  test_view_stage_a_order();
  test_view_stage_a_accepts();
  test_view_stage_b();
  test_view_stage_b_order();
  test_view_stage_b_accepts();
  test_view_validate();
  test_simple_hash();
  return exit_status();
}
