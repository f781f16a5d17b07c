/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-codec-lookup-request.c - CGROUPS_LOOKUP and APPS_LOOKUP request
 * payloads (shared/spec/lookups.md section 3): the canonical encoders, the
 * server-side decoders with every check Q1-Q5 of 3.4 in the spec's order,
 * what they must accept, and the key accessors.
 *
 * Bad inputs are made by patching a valid payload so that, as far as
 * possible, only the check under test rejects it: without that check the
 * payload would be accepted or rejected with a different category. They
 * are rows of mutate.h tables: description, fixture, length, the patched
 * fields and the expected category.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <string.h>

#include <netipc/codec.h>
#include <netipc/lookup.h>

#include "bytes.h"
#include "mutate.h"
#include "strview.h"
#include "tap.h"

#define PLAN 130

#define HDR NETIPC_LOOKUP_HDR_LEN
#define DIRENT 8u /* one directory entry: u32 offset, u32 length */

/* Directory entry i of a request or response payload. */
#define DIR_OFF(i) (HDR + DIRENT * (size_t)(i))

/*
 * Reference CGROUPS_LOOKUP request encoder written straight from lookups.md
 * 3.1-3.2 (key i at align8 of the end of key i-1, zero gaps, no padding
 * after the last key). Returns the payload length.
 */
static size_t
ref_cg_req(const char *const *paths, uint32_t n, uint8_t *out, size_t cap)
{
  size_t k = HDR + DIRENT * (size_t)n, end = 0, i;
  memset(out, 0, cap);
  put16(out, 0, 1);
  put32(out, 4, n);
  for (i = 0; i < n; i++) {
    size_t off = i == 0 ? 0 : align8(end), len = strlen(paths[i]) + 1;
    put32(out, DIR_OFF((uint32_t)i), (uint32_t)off);
    put32(out, DIR_OFF((uint32_t)i) + 4, (uint32_t)len);
    memcpy(out + k + off, paths[i], len);
    end = off + len;
  }
  return n == 0 ? HDR : k + end;
}

/* ---- fixtures ---------------------------------------------------------- */

/*
 * The worked example of lookups.md 9.1: 62 bytes, K = 40, keys at packed
 * offsets 0 (6 bytes), 8 (8 bytes), 16 (6 bytes); packed area 22 bytes.
 */
static const char *const ex_paths[3] = {"/cg/a", "/cg/big", "/cg/c"};
enum { EX_LEN = 62, EX_K = 40, EX_PACKED = EX_LEN - EX_K };

static const uint8_t ex_bytes[EX_LEN] = {
    0x01, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00,
    0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x10,
    0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x2f, 0x63, 0x67, 0x2f,
    0x61, 0x00, 0x00, 0x00, 0x2f, 0x63, 0x67, 0x2f, 0x62, 0x69, 0x67,
    0x00, 0x2f, 0x63, 0x67, 0x2f, 0x63, 0x00};

/* A copy of the worked example in p (which has room for 128 bytes). */
static void
ex_copy(uint8_t *p)
{
  memset(p, 0, 128);
  memcpy(p, ex_bytes, EX_LEN);
}

static netipc_err
cg_dec(const uint8_t *p, size_t len)
{
  netipc_lookup_req_view v;
  return netipc_cgroups_lookup_req_decode(p, len, &v);
}

/* PIDs 0, 1234, 4321 (apps_lookup_req.bin): 64 bytes, K = 40, packed 24. */
static const uint32_t ap_pids[3] = {0, 1234, 4321};
enum { AP_LEN = 64, AP_K = 40, AP_PACKED = AP_LEN - AP_K };

static void
ap_copy(uint8_t *p)
{
  uint32_t i;
  memset(p, 0, 128);
  put16(p, 0, 1);
  put32(p, 4, 3);
  for (i = 0; i < 3; i++) {
    put32(p, DIR_OFF(i), NETIPC_APPS_LOOKUP_KEY_LEN * i);
    put32(p, DIR_OFF(i) + 4, NETIPC_APPS_LOOKUP_KEY_LEN);
    put32(p, AP_K + NETIPC_APPS_LOOKUP_KEY_LEN * i, ap_pids[i]);
  }
}

static netipc_err
ap_dec(const uint8_t *p, size_t len)
{
  netipc_lookup_req_view v;
  return netipc_apps_lookup_req_decode(p, len, &v);
}

/* The fixtures of the bad-input tables, with the decoder they go to. */
enum { CG, AP, AP_TO_CG, CG_TO_AP };
static void
ex_reset(uint8_t *p, const void *unused)
{
  (void)unused;
  ex_copy(p);
}

static void
ap_reset(uint8_t *p, const void *unused)
{
  (void)unused;
  ap_copy(p);
}

static const mut_fixture fixtures[] = {
    [CG] = {ex_reset, cg_dec, NULL},
    [AP] = {ap_reset, ap_dec, NULL},
    [AP_TO_CG] = {ap_reset, cg_dec, NULL},
    [CG_TO_AP] = {ex_reset, ap_dec, NULL},
};

/* 2 checks: fixture f (of len bytes, 3 keys) decodes into a view of it. */
static void
decode_fixture(int f, uint8_t *buf, size_t len, uint16_t method,
               netipc_lookup_req_view *v, const char *decodes,
               const char *view_what)
{
  fixtures[f].reset(buf, NULL);
  memset(v, 0xFF, sizeof *v);
  is_err(method == NETIPC_METHOD_APPS_LOOKUP
             ? netipc_apps_lookup_req_decode(buf, len, v)
             : netipc_cgroups_lookup_req_decode(buf, len, v),
         NETIPC_OK, "%s", decodes);
  ok(v->payload == buf && v->payload_len == len && v->item_count == 3 &&
         v->method == method,
     "%s", view_what);
}

/* ---- CGROUPS_LOOKUP encoder -------------------------------------------- */

static void
test_cg_encode_canonical(void)
{
  netipc_string_view k[3];
  uint8_t buf[256], exp[256];
  size_t n = 0, want, i;
  static const char *const vec_paths[2] = {"/sys/fs/cgroup/a",
                                           "/system.slice/docker-abc.scope"};
  static const char *const five[5] = {"/a", "/bcdefgh", "/ijklmnop", "/q",
                                      "/0123456789abcde"};

  ok(ref_cg_req(ex_paths, 3, exp, sizeof exp) == EX_LEN &&
         memcmp(exp, ex_bytes, EX_LEN) == 0,
     "reference encoder reproduces the lookups.md 9.1 dump");

  for (i = 0; i < 3; i++)
    k[i] = sv(ex_paths[i]);
  is_uint(netipc_cgroups_lookup_req_size(k, 3), EX_LEN,
          "size of the 9.1 request: 62");
  memset(buf, 0xA5, sizeof buf);
  is_err(netipc_cgroups_lookup_req_encode(k, 3, buf, sizeof buf, &n),
         NETIPC_OK, "encode the 9.1 request");
  is_uint(n, EX_LEN, "9.1 request: 62 bytes, no padding after the last key");
  is_mem(buf, ex_bytes, EX_LEN,
         "9.1 request byte for byte (gap after key 0 zeroed)");
  ok(all_bytes(buf + EX_LEN, sizeof buf - EX_LEN, 0xA5),
     "9.1 request: nothing written after the payload");

  /* cgroups_lookup_req.bin's inputs: 7 zero pad bytes after key 0. */
  k[0] = sv(vec_paths[0]);
  k[1] = sv(vec_paths[1]);
  want = ref_cg_req(vec_paths, 2, exp, sizeof exp);
  memset(buf, 0xA5, sizeof buf);
  ok(netipc_cgroups_lookup_req_encode(k, 2, buf, sizeof buf, &n) ==
             NETIPC_OK &&
         n == 87 && want == 87 && memcmp(buf, exp, want) == 0,
     "two keys of 16 and 30 bytes: 87 bytes, dir {0,17} {24,31}");
  ok(get32(buf, DIR_OFF(0)) == 0 && get32(buf, DIR_OFF(0) + 4) == 17 &&
         get32(buf, DIR_OFF(1)) == 24 && get32(buf, DIR_OFF(1) + 4) == 31 &&
         all_bytes(buf + 32 + 17, 7, 0),
     "directory lengths include the NUL, gap bytes are zero");

  /* Keys of several lengths modulo 8, each aligned. */
  {
    netipc_string_view k5[5];
    for (i = 0; i < 5; i++)
      k5[i] = sv(five[i]);
    want = ref_cg_req(five, 5, exp, sizeof exp);
    memset(buf, 0xA5, sizeof buf);
    ok(netipc_cgroups_lookup_req_encode(k5, 5, buf, sizeof buf, &n) ==
               NETIPC_OK &&
           n == want && memcmp(buf, exp, want) == 0,
       "five keys of mixed lengths: canonical, %zu bytes", want);
    is_uint(netipc_cgroups_lookup_req_size(k5, 5), want,
            "five keys: size matches the encoding");
  }
}

static void
test_cg_encode_sizes(void)
{
  static const char long_path[] = "/0123456789abcdefghijklmnopqrstu"; /* 32 */
  uint8_t buf[128], exp[128];
  netipc_string_view k;
  size_t n = 0, lens[5] = {1, 7, 8, 9, 32}, i;
  int sizes_ok = 1, enc_ok = 1;

  for (i = 0; i < 5; i++) {
    char path[40];
    const char *pp[1] = {path};
    memcpy(path, long_path, lens[i]);
    path[lens[i]] = '\0';
    k.ptr = path;
    k.len = (uint32_t)lens[i];
    sizes_ok &= netipc_cgroups_lookup_req_size(&k, 1) ==
                NETIPC_CGROUPS_LOOKUP_ONE_KEY_BASE + lens[i];
    memset(buf, 0xA5, sizeof buf);
    ref_cg_req(pp, 1, exp, sizeof exp);
    enc_ok &= netipc_cgroups_lookup_req_encode(&k, 1, buf, sizeof buf, &n) ==
                  NETIPC_OK &&
              n == NETIPC_CGROUPS_LOOKUP_ONE_KEY_BASE + lens[i] &&
              memcmp(buf, exp, n) == 0 && buf[n] == 0xA5;
  }
  ok(sizes_ok, "one-key size is 25 + path length (1, 7, 8, 9, 32 bytes)");
  ok(enc_ok, "one-key request: 25 + length bytes, nothing after");

  memset(buf, 0xA5, sizeof buf);
  memset(exp, 0, HDR);
  put16(exp, 0, 1);
  k = sv("/x");
  is_uint(netipc_cgroups_lookup_req_size(&k, 0), HDR, "n = 0: size 16");
  is_err(netipc_cgroups_lookup_req_encode(&k, 0, buf, sizeof buf, &n),
         NETIPC_OK, "n = 0 encodes");
  ok(n == HDR && memcmp(buf, exp, HDR) == 0 && buf[HDR] == 0xA5,
     "n = 0: exactly the 16-byte header {1, 0, 0, 0, 0}");
  memset(buf, 0xA5, sizeof buf);
  ok(netipc_cgroups_lookup_req_encode(&k, 0, buf, HDR, &n) == NETIPC_OK &&
         n == HDR,
     "n = 0 fits a 16-byte buffer");
  is_err(netipc_cgroups_lookup_req_encode(&k, 0, buf, HDR - 1, &n),
         NETIPC_ERR_NOSPACE, "n = 0 in 15 bytes: NOSPACE");
}

static void
test_cg_encode_errors(void)
{
  netipc_string_view k[3];
  uint8_t buf[128];
  size_t n = 12345, i;
  static const char nul_path[] = "/cg\0x";

  for (i = 0; i < 3; i++)
    k[i] = sv(ex_paths[i]);

  /* NOSPACE: one byte short, nothing written; exact fit works. */
  memset(buf, 0xA5, sizeof buf);
  is_err(netipc_cgroups_lookup_req_encode(k, 3, buf, EX_LEN - 1, &n),
         NETIPC_ERR_NOSPACE, "61-byte buffer for 62 bytes: NOSPACE");
  ok(all_bytes(buf, sizeof buf, 0xA5), "NOSPACE: nothing written");
  ok(netipc_cgroups_lookup_req_encode(k, 3, buf, EX_LEN, &n) == NETIPC_OK &&
         n == EX_LEN && memcmp(buf, ex_bytes, EX_LEN) == 0,
     "exact 62-byte buffer: encodes");

  /* BAD_LAYOUT: an empty path (key 2, after two good keys). */
  k[2].len = 0;
  memset(buf, 0xA5, sizeof buf);
  is_err(netipc_cgroups_lookup_req_encode(k, 3, buf, sizeof buf, &n),
         NETIPC_ERR_BAD_LAYOUT, "empty last path: BAD_LAYOUT");
  ok(all_bytes(buf, sizeof buf, 0xA5), "empty path: nothing written");
  k[2].ptr = NULL;
  is_err(netipc_cgroups_lookup_req_encode(k, 3, buf, sizeof buf, &n),
         NETIPC_ERR_BAD_LAYOUT, "empty path given as NULL: BAD_LAYOUT");
  k[2] = sv(ex_paths[2]);

  /* BAD_LAYOUT: a NUL inside key 1. */
  k[1].ptr = nul_path;
  k[1].len = sizeof nul_path - 1;
  memset(buf, 0xA5, sizeof buf);
  is_err(netipc_cgroups_lookup_req_encode(k, 3, buf, sizeof buf, &n),
         NETIPC_ERR_BAD_LAYOUT, "NUL inside a path: BAD_LAYOUT");
  ok(all_bytes(buf, sizeof buf, 0xA5), "NUL in path: nothing written");
  k[1].len = 4; /* "/cg\0": the NUL is the last counted byte */
  is_err(netipc_cgroups_lookup_req_encode(k, 3, buf, sizeof buf, &n),
         NETIPC_ERR_BAD_LAYOUT, "path ending in a NUL byte: BAD_LAYOUT");
  k[1] = sv(ex_paths[1]);

  /* INVALID_ARG. */
  is_err(netipc_cgroups_lookup_req_encode(NULL, 3, buf, sizeof buf, &n),
         NETIPC_ERR_INVALID_ARG, "NULL paths with n = 3: INVALID_ARG");
  is_err(netipc_cgroups_lookup_req_encode(k, 3, NULL, sizeof buf, &n),
         NETIPC_ERR_INVALID_ARG, "NULL buffer: INVALID_ARG");
  is_err(netipc_cgroups_lookup_req_encode(k, 3, buf, sizeof buf, NULL),
         NETIPC_ERR_INVALID_ARG, "NULL out_len: INVALID_ARG");
}

/* ---- APPS_LOOKUP encoder ----------------------------------------------- */

static void
test_apps_encode(void)
{
  static const uint32_t dup[4] = {7, 7, 0xFFFFFFFFu, 0};
  uint8_t buf[128], exp[128];
  size_t n = 0;
  uint32_t i;

  ap_copy(exp);
  is_uint(netipc_apps_lookup_req_size(3), AP_LEN, "apps size(3) = 64");
  is_uint(netipc_apps_lookup_req_size(0), HDR, "apps size(0) = 16");
  memset(buf, 0xA5, sizeof buf);
  is_err(netipc_apps_lookup_req_encode(ap_pids, 3, buf, sizeof buf, &n),
         NETIPC_OK, "apps encode PIDs 0, 1234, 4321");
  ok(n == AP_LEN && memcmp(buf, exp, AP_LEN) == 0 &&
         all_bytes(buf + AP_LEN, sizeof buf - AP_LEN, 0xA5),
     "apps request: 64 bytes, key i at 8i, reserved 0, nothing after");

  memset(buf, 0xA5, sizeof buf);
  ok(netipc_apps_lookup_req_encode(dup, 4, buf, sizeof buf, &n) ==
             NETIPC_OK &&
         n == HDR + 16 * 4,
     "duplicate PIDs and PID 0xFFFFFFFF are encoded");
  {
    int keys_ok = get32(buf, 4) == 4;
    for (i = 0; i < 4; i++)
      keys_ok &= get32(buf, DIR_OFF(i)) == 8 * i &&
                 get32(buf, DIR_OFF(i) + 4) == NETIPC_APPS_LOOKUP_KEY_LEN &&
                 get32(buf, HDR + DIRENT * 4 + 8 * i) == dup[i] &&
                 get32(buf, HDR + DIRENT * 4 + 8 * i + 4) == 0;
    ok(keys_ok, "apps duplicates: directory {8i, 8}, PIDs verbatim");
  }

  memset(buf, 0xA5, sizeof buf);
  memset(exp, 0, HDR);
  put16(exp, 0, 1);
  ok(netipc_apps_lookup_req_encode(ap_pids, 0, buf, HDR, &n) == NETIPC_OK &&
         n == HDR && memcmp(buf, exp, HDR) == 0,
     "apps n = 0: the 16-byte header");

  memset(buf, 0xA5, sizeof buf);
  is_err(netipc_apps_lookup_req_encode(ap_pids, 3, buf, AP_LEN - 1, &n),
         NETIPC_ERR_NOSPACE, "apps 63-byte buffer: NOSPACE");
  ok(all_bytes(buf, sizeof buf, 0xA5), "apps NOSPACE: nothing written");
  ok(netipc_apps_lookup_req_encode(ap_pids, 3, buf, AP_LEN, &n) ==
             NETIPC_OK &&
         n == AP_LEN,
     "apps exact 64-byte buffer: encodes");

  is_err(netipc_apps_lookup_req_encode(NULL, 3, buf, sizeof buf, &n),
         NETIPC_ERR_INVALID_ARG, "apps NULL pids: INVALID_ARG");
  is_err(netipc_apps_lookup_req_encode(ap_pids, 3, NULL, sizeof buf, &n),
         NETIPC_ERR_INVALID_ARG, "apps NULL buffer: INVALID_ARG");
  is_err(netipc_apps_lookup_req_encode(ap_pids, 3, buf, sizeof buf, NULL),
         NETIPC_ERR_INVALID_ARG, "apps NULL out_len: INVALID_ARG");

  /* 16 + 16n above u32 (only reachable with a 64-bit size_t). */
  if (sizeof(size_t) > 4) {
    size_t big = ((size_t)UINT32_MAX - HDR) / 16 + 1; /* 268435455 */
    is_uint(netipc_apps_lookup_req_size(big), (uint64_t)HDR + 16 * (uint64_t)big,
            "apps size is computed in 64 bits");
    is_err(netipc_apps_lookup_req_encode(ap_pids, big, buf, sizeof buf, &n),
           NETIPC_ERR_TOO_LARGE, "apps %zu PIDs (size 2^32): TOO_LARGE", big);
  } else {
    skip(2, "size_t is 32 bits");
  }
}

/* ---- CGROUPS_LOOKUP decoder: acceptance and accessors ------------------- */

static void
test_cg_decode_valid(void)
{
  netipc_lookup_req_view v;
  netipc_string_view p;
  uint8_t buf[128];
  uint32_t i;
  int keys_ok = 1;

  decode_fixture(CG, buf, EX_LEN, NETIPC_METHOD_CGROUPS_LOOKUP, &v,
                 "9.1 request decodes",
                 "view: payload, length 62, 3 keys, method CGROUPS_LOOKUP");
  for (i = 0; i < 3; i++) {
    size_t l = strlen(ex_paths[i]);
    memset(&p, 0, sizeof p);
    keys_ok &= netipc_cgroups_lookup_req_path(&v, i, &p) == NETIPC_OK &&
               p.len == l && p.ptr != NULL &&
               memcmp(p.ptr, ex_paths[i], l) == 0 && p.ptr[l] == '\0' &&
               (const uint8_t *)p.ptr >= buf + EX_K &&
               (const uint8_t *)p.ptr < buf + EX_LEN;
  }
  ok(keys_ok, "keys 0-2: path without its NUL, pointing into the payload");
  is_err(netipc_cgroups_lookup_req_path(&v, 3, &p), NETIPC_ERR_OUT_OF_BOUNDS,
         "key index 3 of 3: OUT_OF_BOUNDS");
  is_err(netipc_cgroups_lookup_req_path(&v, UINT32_MAX, &p),
         NETIPC_ERR_OUT_OF_BOUNDS, "key index 0xFFFFFFFF: OUT_OF_BOUNDS");
  {
    uint32_t pid;
    is_err(netipc_apps_lookup_req_pid(&v, 0, &pid), NETIPC_ERR_INVALID_ARG,
           "pid accessor on a CGROUPS_LOOKUP view: INVALID_ARG");
  }
  is_err(netipc_cgroups_lookup_req_path(NULL, 0, &p), NETIPC_ERR_INVALID_ARG,
         "path accessor, NULL view: INVALID_ARG");
  is_err(netipc_cgroups_lookup_req_path(&v, 0, NULL), NETIPC_ERR_INVALID_ARG,
         "path accessor, NULL out: INVALID_ARG");

  /* The 87-byte vector layout built by the reference encoder. */
  {
    static const char *const two[2] = {"/sys/fs/cgroup/a",
                                       "/system.slice/docker-abc.scope"};
    size_t len = ref_cg_req(two, 2, buf, sizeof buf);
    ok(netipc_cgroups_lookup_req_decode(buf, len, &v) == NETIPC_OK &&
           v.item_count == 2 &&
           netipc_cgroups_lookup_req_path(&v, 1, &p) == NETIPC_OK &&
           p.len == 30 && memcmp(p.ptr, two[1], 30) == 0,
       "87-byte two-key request decodes, key 1 is 30 bytes");
  }

  /* n = 0, also with trailing bytes. */
  memset(buf, 0, sizeof buf);
  put16(buf, 0, 1);
  ok(netipc_cgroups_lookup_req_decode(buf, HDR, &v) == NETIPC_OK &&
         v.item_count == 0 && v.payload_len == HDR,
     "16-byte n = 0 request decodes");
  is_err(netipc_cgroups_lookup_req_path(&v, 0, &p), NETIPC_ERR_OUT_OF_BOUNDS,
         "n = 0: key 0 is OUT_OF_BOUNDS");
  memset(buf + HDR, 0xEE, 8);
  is_err(cg_dec(buf, HDR + 8), NETIPC_OK,
         "n = 0 with 8 trailing bytes: accepted");

  is_err(netipc_cgroups_lookup_req_decode(NULL, EX_LEN, &v),
         NETIPC_ERR_INVALID_ARG, "decode NULL payload: INVALID_ARG");
  ex_copy(buf);
  is_err(netipc_cgroups_lookup_req_decode(buf, EX_LEN, NULL),
         NETIPC_ERR_INVALID_ARG, "decode NULL view: INVALID_ARG");
}

static void
test_cg_decode_accepts(void)
{
  netipc_lookup_req_view v;
  netipc_string_view p;
  uint8_t buf[128];
  netipc_string_view d[2];
  size_t n = 0;

  ex_copy(buf);
  memset(buf + EX_LEN, 0xFF, 9);
  ok(netipc_cgroups_lookup_req_decode(buf, EX_LEN + 9, &v) == NETIPC_OK &&
         v.item_count == 3 && v.payload_len == EX_LEN + 9,
     "9 non-zero bytes after the last key: accepted");

  ex_copy(buf);
  buf[EX_K + 6] = 0xEE;
  buf[EX_K + 7] = 0x01;
  is_err(cg_dec(buf, EX_LEN), NETIPC_OK,
         "non-zero gap bytes between keys: accepted");

  /* A wider, non-alignment gap: key 1 moved from 8 to 24, key 2 to 32. */
  memset(buf, 0, sizeof buf);
  memcpy(buf, ex_bytes, EX_K + 6);
  put32(buf, DIR_OFF(1), 24);
  put32(buf, DIR_OFF(2), 32);
  memcpy(buf + EX_K + 24, "/cg/big", 8);
  memcpy(buf + EX_K + 32, "/cg/c", 6);
  memset(buf + EX_K + 6, 0x77, 18);
  ok(netipc_cgroups_lookup_req_decode(buf, EX_K + 38, &v) == NETIPC_OK &&
         netipc_cgroups_lookup_req_path(&v, 2, &p) == NETIPC_OK &&
         p.len == 5 && memcmp(p.ptr, "/cg/c", 5) == 0,
     "gaps wider than alignment, filled with 0x77: accepted, keys found");

  d[0] = sv("/dup");
  d[1] = sv("/dup");
  netipc_cgroups_lookup_req_encode(d, 2, buf, sizeof buf, &n);
  ok(netipc_cgroups_lookup_req_decode(buf, n, &v) == NETIPC_OK &&
         v.item_count == 2,
     "duplicate paths: accepted");

  /* Paths are opaque bytes: '..', high bytes. */
  {
    static const char odd[] = "../\xff\x80 x";
    d[0].ptr = odd;
    d[0].len = sizeof odd - 1;
    d[1] = sv("..");
    ok(netipc_cgroups_lookup_req_encode(d, 2, buf, sizeof buf, &n) ==
               NETIPC_OK &&
           netipc_cgroups_lookup_req_decode(buf, n, &v) == NETIPC_OK &&
           netipc_cgroups_lookup_req_path(&v, 0, &p) == NETIPC_OK &&
           p.len == sizeof odd - 1 && memcmp(p.ptr, odd, p.len) == 0,
       "non-UTF-8 bytes and '..' round-trip as opaque paths");
  }

  /* Shortest key: one byte and its NUL. */
  {
    netipc_string_view one = sv("/");
    ok(netipc_cgroups_lookup_req_encode(&one, 1, buf, sizeof buf, &n) ==
               NETIPC_OK &&
           n == NETIPC_CGROUPS_LOOKUP_ONE_KEY_BASE + 1 &&
           get32(buf, DIR_OFF(0) + 4) == NETIPC_CGROUPS_LOOKUP_MIN_KEY_LEN &&
           cg_dec(buf, n) == NETIPC_OK,
       "a 1-byte path (key length 2) round-trips");
  }
}

/* ---- CGROUPS_LOOKUP decoder: Q1-Q5 -------------------------------------- */

static const mut_case cg_q1_q3[] = {
    {"Q1: 0 bytes: TRUNCATED", CG, 0, {AS_IS}, NETIPC_ERR_TRUNCATED},
    {"Q1: 15 bytes: TRUNCATED", CG, HDR - 1, {AS_IS}, NETIPC_ERR_TRUNCATED},
    {"Q1 before Q2: 15 bytes with layout 2: TRUNCATED", CG, HDR - 1,
     {PUT16(0, 2)}, NETIPC_ERR_TRUNCATED},
    /* Q2, each field alone (everything else valid). */
    {"Q2: layout_version 0: BAD_LAYOUT", CG, EX_LEN, {PUT16(0, 0)},
     NETIPC_ERR_BAD_LAYOUT},
    {"Q2: layout_version 2: BAD_LAYOUT", CG, EX_LEN, {PUT16(0, 2)},
     NETIPC_ERR_BAD_LAYOUT},
    {"Q2: flags 0x8000: BAD_LAYOUT", CG, EX_LEN, {PUT16(2, 0x8000)},
     NETIPC_ERR_BAD_LAYOUT},
    {"Q2: reserved0 1: BAD_LAYOUT", CG, EX_LEN, {PUT32(8, 1)},
     NETIPC_ERR_BAD_LAYOUT},
    {"Q2: reserved1 0x80000000: BAD_LAYOUT", CG, EX_LEN,
     {PUT32(12, 0x80000000u)}, NETIPC_ERR_BAD_LAYOUT},
    {"Q2 before Q3: flags 1 and 1000 keys in 62 bytes: BAD_LAYOUT", CG,
     EX_LEN, {PUT16(2, 1), PUT32(4, 1000)}, NETIPC_ERR_BAD_LAYOUT},
    /* Q3: the directory does not fit. */
    {"Q3: 6 keys need 64 bytes of 62: TRUNCATED", CG, EX_LEN,
     {PUT32(4, 6)}, /* 16 + 48 = 64 > 62 */ NETIPC_ERR_TRUNCATED},
    {"Q3: n = 2^29, 16 + 8n computed without wrap-around: TRUNCATED", CG,
     EX_LEN, {PUT32(4, 0x20000000u)}, /* 16 + 8n = 2^32 + 16 in 32 bits */
     NETIPC_ERR_TRUNCATED},
    {"Q3: n = 0xFFFFFFFF: TRUNCATED", CG, EX_LEN, {PUT32(4, UINT32_MAX)},
     NETIPC_ERR_TRUNCATED},
    /* Exactly 16 + 8n bytes is not truncated: the entry is out of bounds. */
    {"Q3 boundary: 1 key in exactly 24 bytes passes Q3, fails Q4c", CG,
     HDR + DIRENT,
     {PUT32(4, 1), PUT32(DIR_OFF(0) + 4, NETIPC_CGROUPS_LOOKUP_MIN_KEY_LEN)},
     NETIPC_ERR_OUT_OF_BOUNDS},
};

static const mut_case cg_q4[] = {
    /* a. misaligned but in bounds and after key 0: without Q4a the next
     * check to fire would be key 2's Q4d (BAD_LAYOUT). */
    {"Q4a: key 1 at offset 9: BAD_ALIGNMENT", CG, EX_LEN,
     {PUT32(DIR_OFF(1), 9)}, NETIPC_ERR_BAD_ALIGNMENT},
    {"Q4a before Q4c: misaligned and out of bounds: BAD_ALIGNMENT", CG,
     EX_LEN, {PUT32(DIR_OFF(2), 17)}, /* 17 + 6 = 23 > 22 as well */
     NETIPC_ERR_BAD_ALIGNMENT},
    {"Q4a before Q4d: misaligned and overlapping: BAD_ALIGNMENT", CG, EX_LEN,
     {PUT32(DIR_OFF(1), 1)}, /* before the end of key 0 as well */
     NETIPC_ERR_BAD_ALIGNMENT},
    {"Q4a before Q4b: misaligned and 1 byte long: BAD_ALIGNMENT", CG, EX_LEN,
     {PUT32(DIR_OFF(1), 9), PUT32(DIR_OFF(1) + 4, 1)},
     NETIPC_ERR_BAD_ALIGNMENT},
    /* b. too short. Length 1 would otherwise fail Q5 (MISSING_NUL). */
    {"Q4b: key 0 of length 1: BAD_LAYOUT", CG, EX_LEN,
     {PUT32(DIR_OFF(0) + 4, NETIPC_CGROUPS_LOOKUP_MIN_KEY_LEN - 1)},
     NETIPC_ERR_BAD_LAYOUT},
    {"Q4b: key 2 of length 0: BAD_LAYOUT", CG, EX_LEN,
     {PUT32(DIR_OFF(2) + 4, 0)}, NETIPC_ERR_BAD_LAYOUT},
    {"Q4b before Q4c: short and out of bounds: BAD_LAYOUT", CG, EX_LEN,
     {PUT32(DIR_OFF(2), 24), PUT32(DIR_OFF(2) + 4, 1)}, /* 24 + 1 > 22 */
     NETIPC_ERR_BAD_LAYOUT},
    /* c. out of bounds. Without Q4c the byte after the payload (0) would
     * pass as key 2's NUL. */
    {"Q4c: last key ends 1 byte past the payload: OUT_OF_BOUNDS", CG,
     EX_LEN - 1, {AS_IS}, NETIPC_ERR_OUT_OF_BOUNDS},
    {"Q4c: key 2 length 7 in 6 remaining bytes: OUT_OF_BOUNDS", CG, EX_LEN,
     {PUT32(DIR_OFF(2) + 4, 7), PUT8(EX_LEN, 0)}, NETIPC_ERR_OUT_OF_BOUNDS},
    {"Q4c: offset 0xFFFFFFF8 + 8 computed without wrap: OUT_OF_BOUNDS", CG,
     EX_LEN, {PUT32(DIR_OFF(2), 0xFFFFFFF8u), PUT32(DIR_OFF(2) + 4, 8)},
     /* sum 2^32: wraps to 0 in 32 bits */ NETIPC_ERR_OUT_OF_BOUNDS},
    {"Q4c before Q4d: out of bounds and overlapping: OUT_OF_BOUNDS", CG,
     EX_LEN, {PUT32(DIR_OFF(1), 0), PUT32(DIR_OFF(1) + 4, 100)},
     NETIPC_ERR_OUT_OF_BOUNDS},
    /* d. order: key 1 = key 0's region, which alone would decode fine. */
    {"Q4d: key 1 starts before the end of key 0: BAD_LAYOUT", CG, EX_LEN,
     {PUT32(DIR_OFF(1), 0), PUT32(DIR_OFF(1) + 4, 6)}, NETIPC_ERR_BAD_LAYOUT},
    {"Q4d: key 2 before key 1 (regions out of order): BAD_LAYOUT", CG, EX_LEN,
     {PUT32(DIR_OFF(2), 0)}, NETIPC_ERR_BAD_LAYOUT},
    /* Entry i's problems come before entry i+1's. */
    {"Q4 order: key 1 out of bounds, key 2 misaligned: OUT_OF_BOUNDS", CG,
     EX_LEN, {PUT32(DIR_OFF(1) + 4, 100), PUT32(DIR_OFF(2), 17)},
     NETIPC_ERR_OUT_OF_BOUNDS},
    {"Q4 order: key 1 overlaps, key 2 misaligned: BAD_LAYOUT", CG, EX_LEN,
     {PUT32(DIR_OFF(1), 0), PUT32(DIR_OFF(1) + 4, 6), PUT32(DIR_OFF(2), 17)},
     NETIPC_ERR_BAD_LAYOUT},
    {"Q4 order: key 0 short, key 1 misaligned: BAD_LAYOUT", CG, EX_LEN,
     {PUT32(DIR_OFF(0) + 4, 1), PUT32(DIR_OFF(1), 9)}, NETIPC_ERR_BAD_LAYOUT},
};

static const mut_case cg_q5[] = {
    {"Q5: last byte of key 2 not 0: MISSING_NUL", CG, EX_LEN,
     {PUT8(EX_LEN - 1, 'x'), PUT8(EX_LEN, 0)}, NETIPC_ERR_MISSING_NUL},
    {"Q5: a 0 byte inside key 1: BAD_LAYOUT", CG, EX_LEN,
     {PUT8(EX_K + 8 + 3, 0)}, /* "/cg\0big\0" */ NETIPC_ERR_BAD_LAYOUT},
    {"Q5: key 0 starting with a 0 byte: BAD_LAYOUT", CG, EX_LEN,
     {PUT8(EX_K + 0, 0)}, NETIPC_ERR_BAD_LAYOUT},
    {"Q5: key with an inner 0 and no final NUL: MISSING_NUL first", CG,
     EX_LEN, {PUT8(EX_K + 8 + 3, 0), PUT8(EX_K + 8 + 7, 'x')},
     NETIPC_ERR_MISSING_NUL},
    {"Q5 order: key 0 inner NUL before key 1 MISSING_NUL: BAD_LAYOUT", CG,
     EX_LEN, {PUT8(EX_K + 2, 0), PUT8(EX_K + 8 + 7, 'x')},
     NETIPC_ERR_BAD_LAYOUT},
    {"Q5 order: key 0 MISSING_NUL before key 1 inner NUL: MISSING_NUL", CG,
     EX_LEN, {PUT8(EX_K + 5, 'x'), PUT8(EX_K + 8 + 3, 0)},
     NETIPC_ERR_MISSING_NUL},
    /* Q5 runs only after every directory check. */
    {"Q5 after Q4: key 0 MISSING_NUL, entry 2 misaligned: BAD_ALIGNMENT", CG,
     EX_LEN, {PUT8(EX_K + 5, 'x'), PUT32(DIR_OFF(2), 17)},
     NETIPC_ERR_BAD_ALIGNMENT},
    {"Q5 after Q4: key 0 inner NUL, entry 2 out of bounds: OUT_OF_BOUNDS", CG,
     EX_LEN, {PUT8(EX_K + 2, 0), PUT32(DIR_OFF(2) + 4, 100)},
     NETIPC_ERR_OUT_OF_BOUNDS},
    {"Q5 after Q4: key 0 MISSING_NUL, entry 2 overlapping: BAD_LAYOUT", CG,
     EX_LEN, {PUT8(EX_K + 5, 'x'), PUT32(DIR_OFF(2), 0)},
     NETIPC_ERR_BAD_LAYOUT},
    /* An APPS_LOOKUP payload is not a CGROUPS_LOOKUP request. */
    {"APPS_LOOKUP bytes to the CGROUPS_LOOKUP decoder: key 0 is all zero: "
     "BAD_LAYOUT",
     AP_TO_CG, AP_LEN, {AS_IS}, NETIPC_ERR_BAD_LAYOUT},
};

static void
test_cg_q1_q5(void)
{
  uint8_t buf[128];
  MUT_RUN(fixtures, buf, cg_q1_q3);
  MUT_RUN(fixtures, buf, cg_q4);
  MUT_RUN(fixtures, buf, cg_q5);
}

/* ---- APPS_LOOKUP decoder ------------------------------------------------ */

static const mut_case apps_q1_q5[] = {
    {"apps Q1: 15 bytes (with reserved0 1): TRUNCATED", AP, HDR - 1,
     {PUT32(8, 1)}, NETIPC_ERR_TRUNCATED},
    {"apps Q2: reserved0 1: BAD_LAYOUT", AP, AP_LEN, {PUT32(8, 1)},
     NETIPC_ERR_BAD_LAYOUT},
    {"apps Q2: flags 4: BAD_LAYOUT", AP, AP_LEN, {PUT16(2, 4)},
     NETIPC_ERR_BAD_LAYOUT},
    {"apps Q3: 7 keys in 64 bytes: TRUNCATED", AP, AP_LEN,
     {PUT32(4, 7)}, /* 16 + 56 = 72 > 64 */ NETIPC_ERR_TRUNCATED},
    {"apps Q4a: key 1 at offset 12: BAD_ALIGNMENT", AP, AP_LEN,
     {PUT32(DIR_OFF(1), 12)}, NETIPC_ERR_BAD_ALIGNMENT},
    {"apps Q4b: key 2 of length 7: BAD_LAYOUT", AP, AP_LEN,
     {PUT32(DIR_OFF(2) + 4, 7)}, /* would otherwise pass: reserved reads 0 */
     NETIPC_ERR_BAD_LAYOUT},
    {"apps Q4b before Q4c: length 16 and out of bounds: BAD_LAYOUT", AP,
     AP_LEN, {PUT32(DIR_OFF(2) + 4, 16)}, /* 16 + 16 > 24 as well */
     NETIPC_ERR_BAD_LAYOUT},
    {"apps Q4c: last key 1 byte past the payload: OUT_OF_BOUNDS", AP,
     AP_LEN - 1, {AS_IS}, NETIPC_ERR_OUT_OF_BOUNDS},
    {"apps Q4c: offset 0xFFFFFFF8, no wrap-around: OUT_OF_BOUNDS", AP, AP_LEN,
     {PUT32(DIR_OFF(2), 0xFFFFFFF8u)}, /* + 8 wraps to 0 in 32 bits */
     NETIPC_ERR_OUT_OF_BOUNDS},
    {"apps Q4d: key 1 overlaps key 0: BAD_LAYOUT", AP, AP_LEN,
     {PUT32(DIR_OFF(1), 0)}, /* same bytes as key 0: would decode */
     NETIPC_ERR_BAD_LAYOUT},
    {"apps Q4 order: key 0 misaligned before key 1 out of bounds", AP, AP_LEN,
     {PUT32(DIR_OFF(0), 4), PUT32(DIR_OFF(1), 0xF0)},
     NETIPC_ERR_BAD_ALIGNMENT},
    {"apps Q5: key 2 reserved 0x80000000: BAD_LAYOUT", AP, AP_LEN,
     {PUT32(AP_K + 16 + 4, 0x80000000u)}, NETIPC_ERR_BAD_LAYOUT},
    {"apps Q5 after Q4: key 0 reserved, entry 2 out of bounds: "
     "OUT_OF_BOUNDS",
     AP, AP_LEN, {PUT32(AP_K + 4, 1), PUT32(DIR_OFF(2), 0x100)},
     NETIPC_ERR_OUT_OF_BOUNDS},
    /* A CGROUPS_LOOKUP payload is not an APPS_LOOKUP request. */
    {"CGROUPS_LOOKUP bytes to the APPS_LOOKUP decoder: key length 6: "
     "BAD_LAYOUT",
     CG_TO_AP, EX_LEN, {AS_IS}, NETIPC_ERR_BAD_LAYOUT},
};

static void
test_apps_decode(void)
{
  netipc_lookup_req_view v;
  netipc_string_view p;
  uint8_t buf[128];
  uint32_t pid = 0, i;
  int pids_ok = 1;

  decode_fixture(AP, buf, AP_LEN, NETIPC_METHOD_APPS_LOOKUP, &v,
                 "apps request decodes",
                 "apps view: payload, 64 bytes, 3 keys, method APPS_LOOKUP");
  for (i = 0; i < 3; i++)
    pids_ok &= netipc_apps_lookup_req_pid(&v, i, &pid) == NETIPC_OK &&
               pid == ap_pids[i];
  ok(pids_ok, "apps keys: PIDs 0, 1234, 4321");
  is_err(netipc_apps_lookup_req_pid(&v, 3, &pid), NETIPC_ERR_OUT_OF_BOUNDS,
         "apps key index 3: OUT_OF_BOUNDS");
  is_err(netipc_cgroups_lookup_req_path(&v, 0, &p), NETIPC_ERR_INVALID_ARG,
         "path accessor on an APPS_LOOKUP view: INVALID_ARG");
  is_err(netipc_apps_lookup_req_pid(NULL, 0, &pid), NETIPC_ERR_INVALID_ARG,
         "pid accessor, NULL view: INVALID_ARG");
  is_err(netipc_apps_lookup_req_pid(&v, 0, NULL), NETIPC_ERR_INVALID_ARG,
         "pid accessor, NULL out: INVALID_ARG");
  is_err(netipc_apps_lookup_req_decode(NULL, AP_LEN, &v),
         NETIPC_ERR_INVALID_ARG, "apps decode NULL payload: INVALID_ARG");
  is_err(netipc_apps_lookup_req_decode(buf, AP_LEN, NULL),
         NETIPC_ERR_INVALID_ARG, "apps decode NULL view: INVALID_ARG");

  /* Accepted. */
  ap_copy(buf);
  memset(buf + AP_LEN, 0xFF, 5);
  is_err(ap_dec(buf, AP_LEN + 5), NETIPC_OK,
         "apps: 5 bytes after the last key: accepted");
  ap_copy(buf);
  put32(buf, AP_K, 1234);
  put32(buf, AP_K + 16, 0xFFFFFFFFu);
  ok(netipc_apps_lookup_req_decode(buf, AP_LEN, &v) == NETIPC_OK &&
         netipc_apps_lookup_req_pid(&v, 2, &pid) == NETIPC_OK &&
         pid == 0xFFFFFFFFu,
     "apps: duplicate PIDs and PID 0xFFFFFFFF: accepted");
  /* Key 2 moved to 24 with 8 gap bytes of 0xEE. */
  ap_copy(buf);
  put32(buf, DIR_OFF(2), 24);
  put32(buf, AP_K + 24, 4321);
  memset(buf + AP_K + 16, 0xEE, 8);
  ok(netipc_apps_lookup_req_decode(buf, AP_LEN + 8, &v) == NETIPC_OK &&
         netipc_apps_lookup_req_pid(&v, 2, &pid) == NETIPC_OK && pid == 4321,
     "apps: a gap of non-zero bytes between keys: accepted");

  MUT_RUN(fixtures, buf, apps_q1_q5);

  /* n = 0. */
  memset(buf, 0, sizeof buf);
  put16(buf, 0, 1);
  ok(netipc_apps_lookup_req_decode(buf, HDR, &v) == NETIPC_OK &&
         v.item_count == 0 && get16(buf, 0) == 1,
     "apps 16-byte n = 0 request decodes");
}

int
main(void)
{
  plan(PLAN);
  test_cg_encode_canonical();
  test_cg_encode_sizes();
  test_cg_encode_errors();
  test_apps_encode();
  test_cg_decode_valid();
  test_cg_decode_accepts();
  test_cg_q1_q5();
  test_apps_decode();
  return exit_status();
}
