/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-codec-lookup-response.c - CGROUPS_LOOKUP and APPS_LOOKUP response
 * payloads (shared/spec/lookups.md sections 4 and 5): the server's response
 * builder (5.1-5.2: the reserved directory, placeholders, the look-ahead
 * reservation R, suffix mode, its errors), and the response decoders with
 * every check V1-V5, C1-C7, A1-A7, S1-S4 and L1-L6 of 4.5 in the spec's
 * order, what they must accept, the item and label views and the accessors.
 *
 * Valid responses come from a canonical writer written straight from the
 * spec (4.2-4.4, 2.2-2.3), independent of the library. Bad inputs are made
 * by patching one of them so that, as far as possible, only the check under
 * test rejects it: without that check the payload would be accepted (or,
 * where no such payload exists, rejected with a different category). Most
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

#define PLAN 329

#define HDR NETIPC_LOOKUP_HDR_LEN
#define DIRENT NETIPC_DIR_ENTRY_LEN
#define CG_H NETIPC_CGROUPS_LOOKUP_ITEM_HDR_LEN
#define AP_H NETIPC_APPS_LOOKUP_ITEM_HDR_LEN
#define LBL NETIPC_LOOKUP_LABEL_ENTRY_LEN
#define UNSET NETIPC_APPS_LOOKUP_UID_UNSET
#define BUF_CAP 2048

/* Response header fields (lookups.md 4.1). */
enum { H_VERSION = 0, H_FLAGS = 2, H_COUNT = 4, H_GEN = 8 };

/* Item header fields (lookups.md 4.3, 4.4), offsets inside the item. */
enum {
  F_VERSION = 0,
  F_STATUS = 2,
  F_ORCH = 4,
  CG_RESERVED0 = 6,
  CG_PATH = 8, /* offset; its length at +4 */
  CG_NAME = 16,
  CG_LABELS = 24,
  CG_RESERVED1 = 26,
  AP_CGSTATUS = 6,
  AP_PID = 8,
  AP_PPID = 12,
  AP_UID = 16,
  AP_RESERVED0 = 20,
  AP_STARTTIME = 24,
  AP_COMM = 32,
  AP_PATH = 40,
  AP_NAME = 48,
  AP_LABELS = 56,
  AP_RESERVED1 = 58
};

/* Label table entry fields (2.3). */
enum { L_KEY = 0, L_VALUE = 8 };

/* Directory entry i. */
#define DIR_OFF(i) (HDR + (size_t)DIRENT * (i))

/* ---- a canonical writer from the spec ---------------------------------- */

typedef struct ref_label {
  const char *key, *value;
} ref_label;

/* Write s and its NUL at item + at, its (offset, length) at field. */
static uint32_t
ref_str(uint8_t *item, uint32_t field, uint32_t at, const char *s)
{
  uint32_t n = (uint32_t)strlen(s);
  put32(item, field, at);
  put32(item, field + 4, n);
  memcpy(item + at, s, n);
  item[at + n] = 0;
  return at + n + 1;
}

/* The label table at align8(e) and its packed strings (2.3); the end. */
static uint32_t
ref_labels(uint8_t *item, uint32_t e, const ref_label *l, uint16_t n)
{
  uint32_t t = align8(e), x, i;
  if (n == 0)
    return e;
  memset(item + e, 0, t - e);
  x = t + LBL * n;
  for (i = 0; i < n; i++) {
    x = ref_str(item, t + LBL * i + L_KEY, x, l[i].key);
    x = ref_str(item, t + LBL * i + L_VALUE, x, l[i].value);
  }
  return x;
}

/*
 * A CGROUPS_LOOKUP item (4.3). The writer does not judge the content. With
 * swap the name is written before the path; gap zero bytes precede each
 * fixed string.
 */
typedef struct cg_spec {
  uint16_t status, orch;
  const char *path, *name;
  const ref_label *labels;
  uint16_t nlabels;
  int swap;
  uint32_t gap;
} cg_spec;

static uint32_t
ref_cg_item(uint8_t *item, const cg_spec *s)
{
  uint32_t at = CG_H + s->gap;
  memset(item, 0, at);
  put16(item, F_VERSION, NETIPC_LAYOUT_VERSION);
  put16(item, F_STATUS, s->status);
  put16(item, F_ORCH, s->orch);
  put16(item, CG_LABELS, s->nlabels);
  if (s->swap) {
    at = ref_str(item, CG_NAME, at, s->name);
    memset(item + at, 0, s->gap);
    at = ref_str(item, CG_PATH, at + s->gap, s->path);
  } else {
    at = ref_str(item, CG_PATH, at, s->path);
    memset(item + at, 0, s->gap);
    at = ref_str(item, CG_NAME, at + s->gap, s->name);
  }
  return ref_labels(item, at, s->labels, s->nlabels);
}

/* An APPS_LOOKUP item (4.4); order lists the string indexes comm 0, cgroup
   path 1, cgroup name 2 in writing order (all zero: canonical). */
typedef struct ap_spec {
  uint16_t status, cgstatus, orch;
  uint32_t pid, ppid, uid;
  uint64_t start;
  const char *comm, *path, *name;
  const ref_label *labels;
  uint16_t nlabels;
  int order[3];
  uint32_t gap;
} ap_spec;

static uint32_t
ref_ap_item(uint8_t *item, const ap_spec *s)
{
  static const uint32_t fields[3] = {AP_COMM, AP_PATH, AP_NAME};
  static const int canonical[3] = {0, 1, 2};
  const char *strs[3];
  const int *order =
      s->order[0] == 0 && s->order[1] == 0 ? canonical : s->order;
  uint32_t at = AP_H, i;
  strs[0] = s->comm;
  strs[1] = s->path;
  strs[2] = s->name;
  memset(item, 0, AP_H);
  put16(item, F_VERSION, NETIPC_LAYOUT_VERSION);
  put16(item, F_STATUS, s->status);
  put16(item, F_ORCH, s->orch);
  put16(item, AP_CGSTATUS, s->cgstatus);
  put32(item, AP_PID, s->pid);
  put32(item, AP_PPID, s->ppid);
  put32(item, AP_UID, s->uid);
  put64(item, AP_STARTTIME, s->start);
  put16(item, AP_LABELS, s->nlabels);
  for (i = 0; i < 3; i++) {
    memset(item + at, 0, s->gap);
    at = ref_str(item, fields[order[i]], at + s->gap, strs[order[i]]);
  }
  return ref_labels(item, at, s->labels, s->nlabels);
}

/* A canonical response (4.2) of n items; returns the payload length. */
static size_t
ref_resp(uint8_t *buf, uint16_t method, uint64_t gen, const void *specs,
         uint32_t n)
{
  uint32_t packed = HDR + DIRENT * n, end = 0, i;
  memset(buf, 0, BUF_CAP);
  put16(buf, H_VERSION, NETIPC_LAYOUT_VERSION);
  put32(buf, H_COUNT, n);
  put64(buf, H_GEN, gen);
  for (i = 0; i < n; i++) {
    uint32_t off = i == 0 ? 0 : align8(end), len;
    if (method == NETIPC_METHOD_APPS_LOOKUP)
      len = ref_ap_item(buf + packed + off, (const ap_spec *)specs + i);
    else
      len = ref_cg_item(buf + packed + off, (const cg_spec *)specs + i);
    put32(buf, DIR_OFF(i), off);
    put32(buf, DIR_OFF(i) + 4, len);
    end = off + len;
  }
  return packed + end;
}

/* ---- the CGROUPS_LOOKUP fixture ---------------------------------------- */

/*
 * Two items, 160 bytes, P = 32:
 * item 0 at 0 (absolute 32), 90 bytes: KNOWN, K8S, path "/cg/ab" at 28
 *   (NUL at 34), name "pod-a" at 35 (NUL at 40), E = 41, zero pad [41,48),
 *   table at 48 (labels at 48 and 64), "k" at 80, "v" at 82, "key2" at 84,
 *   "" at 89; the item ends at 90;
 * gap [90,96);
 * item 1 at 96 (absolute 128), 32 bytes: UNKNOWN_PERMANENT, path "/x" at
 *   28 (NUL at 30), empty name at 31.
 */
static const ref_label cg_labels[2] = {{"k", "v"}, {"key2", ""}};
static const cg_spec cg_fix[2] = {
    {NETIPC_CGROUPS_LOOKUP_KNOWN, NETIPC_ORCHESTRATOR_K8S, "/cg/ab", "pod-a",
     cg_labels, 2, 0, 0},
    {NETIPC_CGROUPS_LOOKUP_UNKNOWN_PERMANENT, 0, "/x", "", NULL, 0, 0, 0}};
enum {
  CG_P = 32,
  CG_M0 = 90,
  CG_OFF1 = 96,
  CG_M1 = 32,
  CG_I0 = CG_P,
  CG_I1 = CG_P + CG_OFF1,
  CG_LEN = CG_I1 + CG_M1,
  CG_GEN = 1234
};

/* ---- the APPS_LOOKUP fixture ------------------------------------------- */

/*
 * Four items, 381 bytes, P = 48 (the layout of the mixed call vector):
 * item 0 at 0, 113 bytes: PID 1001 KNOWN, cgroup KNOWN, DOCKER, comm
 *   "nginx" at 60 (NUL 65), path "/docker/abc" at 66 (NUL 77), name "web"
 *   at 78 (NUL 81), E = 82, pad [82,88), table at 88, "role" at 104,
 *   "api" at 109, ends at 113;
 * item 1 at 120, 63 bytes: PID 1003 UNKNOWN, strings at 60, 61, 62;
 * item 2 at 184, 67 bytes: PID 1002 KNOWN, HOST_ROOT, comm "sshd" at 60
 *   (NUL 64), path at 65, name at 66;
 * item 3 at 256, 77 bytes: PID 1004 KNOWN, UNKNOWN_RETRY_LATER, comm
 *   "worker" at 60 (NUL 66), path "/pending" at 67 (NUL 75), name at 76.
 */
static const ref_label ap_labels[1] = {{"role", "api"}};
static const ap_spec ap_fix[4] = {
    {NETIPC_APPS_LOOKUP_KNOWN, NETIPC_APPS_CGROUP_KNOWN,
     NETIPC_ORCHESTRATOR_DOCKER, 1001, 1, 1000, 4242, "nginx", "/docker/abc",
     "web", ap_labels, 1, {0, 0, 0}, 0},
    {NETIPC_APPS_LOOKUP_UNKNOWN, 0, 0, 1003, 0, UNSET, 0, "", "", "", NULL, 0,
     {0, 0, 0}, 0},
    {NETIPC_APPS_LOOKUP_KNOWN, NETIPC_APPS_CGROUP_HOST_ROOT, 0, 1002, 1, 0,
     4343, "sshd", "", "", NULL, 0, {0, 0, 0}, 0},
    {NETIPC_APPS_LOOKUP_KNOWN, NETIPC_APPS_CGROUP_UNKNOWN_RETRY_LATER, 0,
     1004, 1, 1001, 4444, "worker", "/pending", "", NULL, 0, {0, 0, 0}, 0}};
enum {
  AP_P = 48,
  AP_I0 = AP_P,
  AP_I1 = AP_P + 120,
  AP_I2 = AP_P + 184,
  AP_I3 = AP_P + 256,
  AP_M0 = 113,
  AP_M1 = 63,
  AP_M2 = 67,
  AP_M3 = 77,
  AP_LEN = AP_I3 + AP_M3,
  AP_GEN = 19
};

/* ---- copies of the fixtures -------------------------------------------- */

static uint8_t buf[BUF_CAP];

/* The method's fixture with item `item` replaced by *spec (a cg_spec or an
   ap_spec; spec NULL: the fixture itself). */
typedef struct variant {
  uint16_t method;
  uint32_t item;
  const void *spec;
} variant;

/* Write the variant into p; returns its length. */
static size_t
variant_write(uint8_t *p, const variant *x)
{
  if (x->method == NETIPC_METHOD_APPS_LOOKUP) {
    ap_spec v[4];
    memcpy(v, ap_fix, sizeof v);
    if (x->spec != NULL)
      v[x->item] = *(const ap_spec *)x->spec;
    return ref_resp(p, x->method, AP_GEN, v, 4);
  } else {
    cg_spec v[2];
    memcpy(v, cg_fix, sizeof v);
    if (x->spec != NULL)
      v[x->item] = *(const cg_spec *)x->spec;
    return ref_resp(p, x->method, CG_GEN, v, 2);
  }
}

/* The CGROUPS_LOOKUP fixture in buf with item i replaced by s. */
static size_t
cg_variant(uint32_t i, const cg_spec *s)
{
  variant x = {NETIPC_METHOD_CGROUPS_LOOKUP, i, s};
  return variant_write(buf, &x);
}

static size_t
cg_copy(void)
{
  return cg_variant(0, NULL);
}

static size_t
ap_variant(uint32_t i, const ap_spec *s)
{
  variant x = {NETIPC_METHOD_APPS_LOOKUP, i, s};
  return variant_write(buf, &x);
}

static size_t
ap_copy(void)
{
  return ap_variant(0, NULL);
}

static netipc_err
cg_decode(const uint8_t *p, size_t len)
{
  netipc_lookup_view v;
  return netipc_cgroups_lookup_resp_decode(p, len, &v);
}

static netipc_err
ap_decode(const uint8_t *p, size_t len)
{
  netipc_lookup_view v;
  return netipc_apps_lookup_resp_decode(p, len, &v);
}

static netipc_err
cg_dec(size_t len)
{
  return cg_decode(buf, len);
}

static netipc_err
ap_dec(size_t len)
{
  return ap_decode(buf, len);
}

/* ---- the fixtures of the bad-input tables (mutate.h) -------------------- */

static void
variant_reset(uint8_t *p, const void *arg)
{
  (void)variant_write(p, arg);
}

static const ref_label label_ab[1] = {{"a", "b"}};
static const ref_label key_empty[2] = {{"k", "v"}, {"", "w"}};

#define VARIANT(method, item, spec) (&(const variant){(method), (item), (spec)})
#define CG_ITEM(item, ...)                                                    \
  (&(const variant){NETIPC_METHOD_CGROUPS_LOOKUP, (item),                     \
                    &(const cg_spec){__VA_ARGS__}})
#define AP_ITEM(item, ...)                                                    \
  (&(const variant){NETIPC_METHOD_APPS_LOOKUP, (item),                        \
                    &(const ap_spec){__VA_ARGS__}})

enum {
  CG,          /* the CGROUPS_LOOKUP fixture */
  AP,          /* the APPS_LOOKUP fixture */
  CG_TO_AP,    /* the CGROUPS_LOOKUP fixture to the APPS_LOOKUP decoder */
  CG_NAMED,    /* item 1 KNOWN with the name "n" */
  CG_LABELLED, /* item 1 KNOWN with the label (a, b) */
  CG_AB,       /* item 1 KNOWN with the name "ab" */
  CG_XY,       /* item 1 KNOWN with the path "/xy" */
  CG_EMPTY_KEY, /* item 0 with the labels (k, v), ("", w) */
  AP_BARE      /* item 0 without labels */
};

/* Their lengths. */
enum {
  CG_NAMED_LEN = CG_I1 + 33,    /* item 1: "/x" at 28, "n" at 31 */
  CG_LABELLED_LEN = CG_I1 + 52, /* item 1: "/x", "", table at 32, "a" at 48 */
  CG_AB_LEN = CG_I1 + 34,       /* item 1: "/x", "ab" at 31 */
  CG_XY_LEN = CG_I1 + 33,       /* item 1: "/xy" at 28, "" at 32 */
  CG_EMPTY_KEY_LEN = CG_P + 88 + CG_M1, /* item 0 of 87 bytes */
  AP_BARE_LEN = AP_LEN - 32     /* item 0 of 82 bytes, the rest 32 earlier */
};

static const mut_fixture fixtures[] = {
    [CG] = {variant_reset, cg_decode,
            VARIANT(NETIPC_METHOD_CGROUPS_LOOKUP, 0, NULL)},
    [AP] = {variant_reset, ap_decode,
            VARIANT(NETIPC_METHOD_APPS_LOOKUP, 0, NULL)},
    [CG_TO_AP] = {variant_reset, ap_decode,
                  VARIANT(NETIPC_METHOD_CGROUPS_LOOKUP, 0, NULL)},
    [CG_NAMED] = {variant_reset, cg_decode,
                  CG_ITEM(1, NETIPC_CGROUPS_LOOKUP_KNOWN, 0, "/x", "n", NULL,
                          0, 0, 0)},
    [CG_LABELLED] = {variant_reset, cg_decode,
                     CG_ITEM(1, NETIPC_CGROUPS_LOOKUP_KNOWN, 0, "/x", "",
                             label_ab, 1, 0, 0)},
    [CG_AB] = {variant_reset, cg_decode,
               CG_ITEM(1, NETIPC_CGROUPS_LOOKUP_KNOWN, 0, "/x", "ab", NULL, 0,
                       0, 0)},
    [CG_XY] = {variant_reset, cg_decode,
               CG_ITEM(1, NETIPC_CGROUPS_LOOKUP_KNOWN, 0, "/xy", "", NULL, 0,
                       0, 0)},
    [CG_EMPTY_KEY] = {variant_reset, cg_decode,
                      CG_ITEM(0, NETIPC_CGROUPS_LOOKUP_KNOWN,
                              NETIPC_ORCHESTRATOR_K8S, "/cg/ab", "pod-a",
                              key_empty, 2, 0, 0)},
    [AP_BARE] = {variant_reset, ap_decode,
                 AP_ITEM(0, NETIPC_APPS_LOOKUP_KNOWN, NETIPC_APPS_CGROUP_KNOWN,
                         NETIPC_ORCHESTRATOR_DOCKER, 1001, 1, 1000, 4242,
                         "nginx", "/docker/abc", "web", NULL, 0, {0, 0, 0},
                         0)},
};

/* ---- the fixtures themselves -------------------------------------------- */

static void
test_fixtures(void)
{
  static const uint8_t mixed_head[16] = {1, 0, 0, 0, 4, 0, 0, 0,
                                         19, 0, 0, 0, 0, 0, 0, 0};
  size_t len = cg_copy();
  ok(len == CG_LEN && get32(buf, DIR_OFF(0)) == 0 &&
         get32(buf, DIR_OFF(0) + 4) == CG_M0 &&
         get32(buf, DIR_OFF(1)) == CG_OFF1 &&
         get32(buf, DIR_OFF(1) + 4) == CG_M1 &&
         get32(buf, CG_I0 + CG_NAME) == 35 && buf[CG_I0 + 40] == 0 &&
         all_bytes(buf + CG_I0 + 41, 7, 0) &&
         get32(buf, CG_I0 + 48 + L_KEY) == 80 &&
         get32(buf, CG_I0 + 64 + L_VALUE) == 89,
     "CGROUPS_LOOKUP fixture: 160 bytes laid out as described");
  is_err(cg_dec(len), NETIPC_OK, "CGROUPS_LOOKUP fixture decodes");
  len = ap_copy();
  ok(len == AP_LEN && memcmp(buf, mixed_head, 16) == 0 &&
         get32(buf, DIR_OFF(1)) == 120 && get32(buf, DIR_OFF(2)) == 184 &&
         get32(buf, DIR_OFF(3)) == 256 && get32(buf, DIR_OFF(0) + 4) == AP_M0 &&
         get32(buf, DIR_OFF(1) + 4) == AP_M1 &&
         get32(buf, DIR_OFF(2) + 4) == AP_M2 &&
         get32(buf, DIR_OFF(3) + 4) == AP_M3 &&
         get32(buf, AP_I0 + AP_NAME) == 78 &&
         get32(buf, AP_I0 + 88 + L_KEY) == 104,
     "APPS_LOOKUP fixture: 381 bytes laid out as described");
  is_err(ap_dec(len), NETIPC_OK, "APPS_LOOKUP fixture decodes");
}

/* ---- V1-V5: header and directory -------------------------------------- */

static const mut_case v1_v3[] = {
    {"V1: 0 bytes: TRUNCATED", CG, 0, {AS_IS}, NETIPC_ERR_TRUNCATED},
    {"V1: 15 bytes: TRUNCATED", CG, HDR - 1, {AS_IS}, NETIPC_ERR_TRUNCATED},
    {"V1 before V2: 15 bytes with layout 2: TRUNCATED", CG, HDR - 1,
     {PUT16(H_VERSION, 2)}, NETIPC_ERR_TRUNCATED},
    {"V1 (APPS_LOOKUP): 15 bytes: TRUNCATED", CG_TO_AP, HDR - 1,
     {PUT16(H_VERSION, 2)}, /* the same 15 bytes */ NETIPC_ERR_TRUNCATED},
    {"V2: layout_version 0: BAD_LAYOUT", CG, CG_LEN, {PUT16(H_VERSION, 0)},
     NETIPC_ERR_BAD_LAYOUT},
    {"V2: layout_version 2: BAD_LAYOUT", CG, CG_LEN, {PUT16(H_VERSION, 2)},
     NETIPC_ERR_BAD_LAYOUT},
    {"V2: flags 1: BAD_LAYOUT", CG, CG_LEN, {PUT16(H_FLAGS, 1)},
     NETIPC_ERR_BAD_LAYOUT},
    {"V2 (APPS_LOOKUP): flags 0x8000: BAD_LAYOUT", AP, AP_LEN,
     {PUT16(H_FLAGS, 0x8000)}, NETIPC_ERR_BAD_LAYOUT},
    {"V2 before V3: flags 1 and 1000 items in 160 bytes: BAD_LAYOUT", CG,
     CG_LEN, {PUT16(H_FLAGS, 1), PUT32(H_COUNT, 1000)}, NETIPC_ERR_BAD_LAYOUT},
    /* V3: the 32-byte directory of the fixture in 31 bytes. */
    {"V3: 2 items, 31 bytes: TRUNCATED", CG, HDR + 2 * DIRENT - 1, {AS_IS},
     NETIPC_ERR_TRUNCATED},
    {"V3: 19 items need a 168-byte header and directory: TRUNCATED", CG,
     CG_LEN, {PUT32(H_COUNT, (CG_LEN - HDR) / DIRENT + 1)},
     NETIPC_ERR_TRUNCATED},
    {"V3: n = 2^29, 16 + 8n computed without wrap-around: TRUNCATED", CG,
     CG_LEN, {PUT32(H_COUNT, 0x20000000u)}, /* 16 + 8n = 2^32 + 16 */
     NETIPC_ERR_TRUNCATED},
    {"V3: n = 0xFFFFFFFF: TRUNCATED", CG, CG_LEN, {PUT32(H_COUNT, UINT32_MAX)},
     NETIPC_ERR_TRUNCATED},
    {"V3 (APPS_LOOKUP): 4 items, 47 bytes: TRUNCATED", AP, AP_P - 1, {AS_IS},
     NETIPC_ERR_TRUNCATED},
    /* Exactly 16 + 8n passes V3: the entry is then out of bounds. */
    {"V3 boundary: 1 item in exactly 24 bytes passes V3, fails V4c", CG,
     HDR + DIRENT, {PUT32(H_COUNT, 1), PUT32(DIR_OFF(0) + 4, CG_H)},
     NETIPC_ERR_OUT_OF_BOUNDS},
};

static const mut_case v4[] = {
    /* V4a: item 1 moved to 92 (after item 0's end, 90, not aligned). */
    {"V4a: entry 1 at offset 92: BAD_ALIGNMENT", CG, CG_LEN,
     {MOVE(CG_P + 92, CG_I1, CG_M1), PUT32(DIR_OFF(1), 92)},
     NETIPC_ERR_BAD_ALIGNMENT},
    {"V4a: entry 0 at offset 4: BAD_ALIGNMENT", CG, CG_LEN,
     {PUT32(DIR_OFF(0), 4), MOVE(CG_P + 4, CG_I0, CG_M0)},
     NETIPC_ERR_BAD_ALIGNMENT},
    /* V4b. */
    {"V4b: CGROUPS_LOOKUP item of 27 bytes: BAD_LAYOUT", CG, CG_LEN,
     {PUT32(DIR_OFF(1) + 4, CG_H - 1)}, NETIPC_ERR_BAD_LAYOUT},
    {"V4b: CGROUPS_LOOKUP item of 0 bytes: BAD_LAYOUT", CG, CG_LEN,
     {PUT32(DIR_OFF(1) + 4, 0)}, NETIPC_ERR_BAD_LAYOUT},
    {"V4b boundary: a 28-byte item passes V4b (its path then fails S2)", CG,
     CG_LEN, {PUT32(DIR_OFF(1) + 4, CG_H)}, NETIPC_ERR_OUT_OF_BOUNDS},
    {"V4b: APPS_LOOKUP item of 59 bytes: BAD_LAYOUT", AP, AP_LEN,
     {PUT32(DIR_OFF(3) + 4, AP_H - 1)}, NETIPC_ERR_BAD_LAYOUT},
    /* A CGROUPS_LOOKUP response is not an APPS_LOOKUP one. */
    {"V4b: the CGROUPS_LOOKUP fixture to the APPS_LOOKUP decoder (item 1 "
     "of 32 bytes): BAD_LAYOUT",
     CG_TO_AP, CG_LEN, {AS_IS}, NETIPC_ERR_BAD_LAYOUT},
    /* V4c: the payload one byte short of the last item (the bytes are there,
       only the length says otherwise). */
    {"V4c: last item one byte past the payload: OUT_OF_BOUNDS", CG,
     CG_LEN - 1, {AS_IS}, NETIPC_ERR_OUT_OF_BOUNDS},
    {"V4c (APPS_LOOKUP): last item past the payload: OUT_OF_BOUNDS", AP,
     AP_LEN - 1, {AS_IS}, NETIPC_ERR_OUT_OF_BOUNDS},
    {"V4c: offset 0xFFFFFFF8 + 32 computed without wrap-around: "
     "OUT_OF_BOUNDS",
     CG, CG_LEN, {PUT32(DIR_OFF(1), 0xFFFFFFF8u)}, NETIPC_ERR_OUT_OF_BOUNDS},
    {"V4c: length 0xFFFFFFFF: OUT_OF_BOUNDS", CG, CG_LEN,
     {PUT32(DIR_OFF(1) + 4, UINT32_MAX)}, NETIPC_ERR_OUT_OF_BOUNDS},
    /* V4d: entry 1 repeats entry 0 (the item itself is valid). */
    {"V4d: entry 1 equal to entry 0: BAD_LAYOUT", CG, CG_LEN,
     {PUT32(DIR_OFF(1), 0), PUT32(DIR_OFF(1) + 4, CG_M0)},
     NETIPC_ERR_BAD_LAYOUT},
    {"V4d: entries out of order (items swapped): BAD_LAYOUT", CG, CG_LEN,
     {PUT32(DIR_OFF(0), CG_OFF1), PUT32(DIR_OFF(0) + 4, CG_M1),
      PUT32(DIR_OFF(1), 0), PUT32(DIR_OFF(1) + 4, CG_M0)},
     NETIPC_ERR_BAD_LAYOUT},
    /* Item 1 moved to 88, two bytes into item 0 (which ends at 90). */
    {"V4d: entry 1 at 88, before the end of entry 0 (90): BAD_LAYOUT", CG,
     CG_LEN, {PUT32(DIR_OFF(1), 88), MOVE(CG_P + 88, CG_I1, CG_M1)},
     NETIPC_ERR_BAD_LAYOUT},
    /* Order inside V4: all of a-d for entry i before entry i+1. */
    {"V4 order: entry 0 short and entry 1 misaligned: BAD_LAYOUT", CG, CG_LEN,
     {PUT32(DIR_OFF(0) + 4, CG_H - 1) /* entry 0: V4b */,
      PUT32(DIR_OFF(1), CG_OFF1 + 1) /* entry 1: V4a */},
     NETIPC_ERR_BAD_LAYOUT},
    {"V4 order: a before b: misaligned and short: BAD_ALIGNMENT", CG, CG_LEN,
     {PUT32(DIR_OFF(1), CG_OFF1 + 1), PUT32(DIR_OFF(1) + 4, CG_H - 1)},
     NETIPC_ERR_BAD_ALIGNMENT},
    {"V4 order: entry 0 short (b) before entry 1 out of bounds (c): "
     "BAD_LAYOUT",
     CG, CG_LEN, {PUT32(DIR_OFF(1) + 4, 1000), PUT32(DIR_OFF(0) + 4, CG_H - 1)},
     NETIPC_ERR_BAD_LAYOUT},
    {"V4 order: entry 0 out of bounds (c) before entry 1 short (b): "
     "OUT_OF_BOUNDS",
     CG, CG_LEN, {PUT32(DIR_OFF(1) + 4, CG_H - 1), PUT32(DIR_OFF(0) + 4, 1000)},
     NETIPC_ERR_OUT_OF_BOUNDS},
    {"V4 order: c before d: entry 1 out of bounds and overlapping: "
     "OUT_OF_BOUNDS",
     CG, CG_LEN, {PUT32(DIR_OFF(1), 0), PUT32(DIR_OFF(1) + 4, 1000)},
     NETIPC_ERR_OUT_OF_BOUNDS},
};

/* V5: every directory entry before any item, then items in order. */
static const mut_case v5[] = {
    {"V5 after V4: item 0 missing a NUL, entry 1 misaligned: "
     "BAD_ALIGNMENT",
     CG, CG_LEN,
     {PUT8(CG_I0 + 34, 'z') /* item 0: path NUL (S3, MISSING_NUL) */,
      PUT32(DIR_OFF(1), CG_OFF1 + 1)},
     NETIPC_ERR_BAD_ALIGNMENT},
    {"V5 order: item 0 bad version, item 1 missing a NUL: BAD_LAYOUT", CG,
     CG_LEN,
     {PUT16(CG_I0 + F_VERSION, 2) /* item 0: C1 */,
      PUT8(CG_I1 + 30, 'z') /* item 1: S3 */},
     NETIPC_ERR_BAD_LAYOUT},
    {"V5 order: item 0 missing a NUL, item 1 bad version: MISSING_NUL", CG,
     CG_LEN,
     {PUT8(CG_I0 + 34, 'z') /* item 0: S3 */,
      PUT16(CG_I1 + F_VERSION, 2) /* item 1: C1 */},
     NETIPC_ERR_MISSING_NUL},
    {"V5 order (APPS_LOOKUP): item 0 missing a NUL, item 3 bad reserved0: "
     "MISSING_NUL",
     AP, AP_LEN,
     {PUT8(AP_I0 + 65, 'x') /* item 0: comm S3 */,
      PUT32(AP_I3 + AP_RESERVED0, 1) /* item 3: A1 */},
     NETIPC_ERR_MISSING_NUL},
};

static void
test_v1_v5(void)
{
  MUT_RUN(fixtures, buf, v1_v3);
  MUT_RUN(fixtures, buf, v4);
  MUT_RUN(fixtures, buf, v5);
}

/* ---- C1-C7 -------------------------------------------------------------- */

static const mut_case c1_c4[] = {
    {"C1: item version 0: BAD_LAYOUT", CG, CG_LEN,
     {PUT16(CG_I1 + F_VERSION, 0)}, NETIPC_ERR_BAD_LAYOUT},
    {"C1: item version 2: BAD_LAYOUT", CG, CG_LEN,
     {PUT16(CG_I1 + F_VERSION, 2)}, NETIPC_ERR_BAD_LAYOUT},
    {"C1: reserved0 1: BAD_LAYOUT", CG, CG_LEN,
     {PUT16(CG_I1 + CG_RESERVED0, 1)}, NETIPC_ERR_BAD_LAYOUT},
    {"C1: reserved1 0x8000 (KNOWN item): BAD_LAYOUT", CG, CG_LEN,
     {PUT16(CG_I0 + CG_RESERVED1, 0x8000)}, NETIPC_ERR_BAD_LAYOUT},
    {"C1 before C5: bad version and a missing NUL: BAD_LAYOUT", CG, CG_LEN,
     {PUT16(CG_I1 + F_VERSION, 2), PUT8(CG_I1 + 30, 'z')},
     NETIPC_ERR_BAD_LAYOUT},

    {"C2: status 5: BAD_LAYOUT", CG, CG_LEN,
     {PUT16(CG_I1 + F_STATUS, NETIPC_CGROUPS_LOOKUP_STATUS_MAX + 1)},
     NETIPC_ERR_BAD_LAYOUT},
    {"C2: status 0xFFFF: BAD_LAYOUT", CG, CG_LEN,
     {PUT16(CG_I1 + F_STATUS, 0xFFFF)}, NETIPC_ERR_BAD_LAYOUT},
    {"C2 boundary: status 4 (OVERSIZED_ITEM): OK", CG, CG_LEN,
     {PUT16(CG_I1 + F_STATUS, NETIPC_CGROUPS_LOOKUP_STATUS_MAX)}, NETIPC_OK},
    {"C2 before C5: status 5 and a missing NUL: BAD_LAYOUT", CG, CG_LEN,
     {PUT16(CG_I1 + F_STATUS, NETIPC_CGROUPS_LOOKUP_STATUS_MAX) /* valid */,
      PUT16(CG_I0 + F_STATUS, NETIPC_CGROUPS_LOOKUP_STATUS_MAX + 1),
      PUT8(CG_I0 + 34, 'z')},
     NETIPC_ERR_BAD_LAYOUT},

    /* C3: the path (0 bytes) at 30 shares nothing; without C3 it is valid. */
    {"C3: path_length 0: BAD_LAYOUT", CG, CG_LEN,
     {PUT32(CG_I1 + CG_PATH, 30), PUT32(CG_I1 + CG_PATH + 4, 0)},
     NETIPC_ERR_BAD_LAYOUT},
    {"C3: path_length 0 on a KNOWN item: BAD_LAYOUT", CG, CG_LEN,
     {PUT32(CG_I1 + CG_PATH, 30), PUT32(CG_I1 + CG_PATH + 4, 0),
      PUT16(CG_I1 + F_STATUS, NETIPC_CGROUPS_LOOKUP_KNOWN)},
     NETIPC_ERR_BAD_LAYOUT},

    /* C4: each non-KNOWN status with one of the three fields set. */
    {"C4: UNKNOWN_PERMANENT with orchestrator 1: BAD_LAYOUT", CG, CG_LEN,
     {PUT16(CG_I1 + F_ORCH, 1)}, NETIPC_ERR_BAD_LAYOUT},
    {"C4: the KNOWN item with name 'n' is valid", CG_NAMED, CG_NAMED_LEN,
     {AS_IS}, NETIPC_OK},
    {"C4: UNKNOWN_RETRY_LATER with a name: BAD_LAYOUT", CG_NAMED,
     CG_NAMED_LEN,
     {PUT16(CG_I1 + F_STATUS, NETIPC_CGROUPS_LOOKUP_UNKNOWN_RETRY_LATER)},
     NETIPC_ERR_BAD_LAYOUT},
    {"C4: OVERSIZED_ITEM with a name: BAD_LAYOUT", CG_NAMED, CG_NAMED_LEN,
     {PUT16(CG_I1 + F_STATUS, NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM)},
     NETIPC_ERR_BAD_LAYOUT},
    {"C4: the KNOWN item with a label is valid", CG_LABELLED,
     CG_LABELLED_LEN, {AS_IS}, NETIPC_OK},
    {"C4: PAYLOAD_EXCEEDED with a label: BAD_LAYOUT", CG_LABELLED,
     CG_LABELLED_LEN,
     {PUT16(CG_I1 + F_STATUS, NETIPC_CGROUPS_LOOKUP_PAYLOAD_EXCEEDED)},
     NETIPC_ERR_BAD_LAYOUT},
    {"C4 before C5: orchestrator on a non-KNOWN item and a missing NUL: "
     "BAD_LAYOUT",
     CG, CG_LEN, {PUT16(CG_I1 + F_ORCH, 1), PUT8(CG_I1 + 30, 'z')},
     NETIPC_ERR_BAD_LAYOUT},
};

/* C5: S1-S4 for the path, then for the name. */
static const mut_case c5[] = {
    /* S1: the path {16, 1} is header byte 0x1F (name_offset 31) and a 0. */
    {"C5/S1: path at 16, inside the header: OUT_OF_BOUNDS", CG, CG_LEN,
     {PUT32(CG_I1 + CG_PATH, 16), PUT32(CG_I1 + CG_PATH + 4, 1)},
     NETIPC_ERR_OUT_OF_BOUNDS},
    /* S1 for the name: the empty name on reserved1's 0 byte at 26; the item
       ends with the path at 31. */
    {"C5/S1: name at 26, inside the header: OUT_OF_BOUNDS", CG, CG_LEN,
     {PUT32(CG_I1 + CG_NAME, 26), PUT32(DIR_OFF(1) + 4, 31)},
     NETIPC_ERR_OUT_OF_BOUNDS},
    {"C5/S1 boundary: path at 27: OUT_OF_BOUNDS", CG, CG_LEN,
     {PUT32(CG_I1 + CG_PATH, 27)}, NETIPC_ERR_OUT_OF_BOUNDS},
    /* S2. */
    {"C5/S2: path_length 0xFFFFFFFF, end computed without wrap-around: "
     "OUT_OF_BOUNDS",
     CG, CG_LEN, {PUT32(CG_I1 + CG_PATH + 4, UINT32_MAX)},
     NETIPC_ERR_OUT_OF_BOUNDS},
    {"C5/S2: item of 31 bytes, the name's NUL at 31: OUT_OF_BOUNDS", CG,
     CG_LEN, {PUT32(DIR_OFF(1) + 4, 31)}, NETIPC_ERR_OUT_OF_BOUNDS},
    {"C5/S2: name_offset 0xFFFFFFFF: OUT_OF_BOUNDS", CG, CG_LEN,
     {PUT32(CG_I1 + CG_NAME, UINT32_MAX)}, NETIPC_ERR_OUT_OF_BOUNDS},
    /* S3. */
    {"C5/S3: path not followed by a NUL: MISSING_NUL", CG, CG_LEN,
     {PUT8(CG_I1 + 30, 'z')}, NETIPC_ERR_MISSING_NUL},
    {"C5/S3: path_length 1 ends on 'x': MISSING_NUL", CG, CG_LEN,
     {PUT32(CG_I1 + CG_PATH + 4, 1)}, NETIPC_ERR_MISSING_NUL},
    {"C5/S3: empty name's byte not 0: MISSING_NUL", CG, CG_LEN,
     {PUT8(CG_I1 + 31, 'y')}, NETIPC_ERR_MISSING_NUL},
    /* S4. */
    {"C5/S4: a NUL inside the path: BAD_LAYOUT", CG, CG_LEN,
     {PUT8(CG_I1 + 29, 0)}, NETIPC_ERR_BAD_LAYOUT},
    {"C5/S4: a NUL inside the name: BAD_LAYOUT", CG, CG_LEN,
     {PUT8(CG_I0 + 37, 0)}, NETIPC_ERR_BAD_LAYOUT},
    /* Order. */
    {"C5 order: S3 before S4 (NUL inside, none after): MISSING_NUL", CG,
     CG_LEN, {PUT8(CG_I1 + 29, 0), PUT8(CG_I1 + 30, 'z')},
     NETIPC_ERR_MISSING_NUL},
    {"C5 order: path (S4) before name (S3): BAD_LAYOUT", CG, CG_LEN,
     {PUT8(CG_I1 + 29, 0) /* path: S4 */, PUT8(CG_I1 + 31, 'y') /* name: S3 */},
     NETIPC_ERR_BAD_LAYOUT},
    {"C5 order: S2 before S3: OUT_OF_BOUNDS", CG, CG_LEN,
     {PUT32(CG_I1 + CG_PATH + 4, UINT32_MAX), PUT32(CG_I1 + CG_NAME, 16),
      PUT8(CG_I1 + 30, 'z')},
     NETIPC_ERR_OUT_OF_BOUNDS},
    {"C5 before C6: overlap and the path without NUL: MISSING_NUL", CG,
     CG_LEN,
     {PUT32(CG_I1 + CG_NAME, 30) /* overlaps the path's NUL: C6 */,
      PUT32(DIR_OFF(1) + 4, 31),
      PUT8(CG_I1 + 30, 'z') /* and S3 on the path */},
     NETIPC_ERR_MISSING_NUL},
};

/* C6 (the label checks, C7 = L1-L6, follow). */
static const mut_case c6[] = {
    /* The empty name on the path's NUL at 30; the item then ends at 31. */
    {"C6: the empty name shares the path's NUL: BAD_LAYOUT", CG, CG_LEN,
     {PUT32(CG_I1 + CG_NAME, 30), PUT32(DIR_OFF(1) + 4, 31)},
     NETIPC_ERR_BAD_LAYOUT},
    /* The path inside the name: path "b" on the name "ab" (name at 31, 'b'
       at 32, NUL at 33; item of 34 bytes). */
    {"C6: the path is the tail of the name: BAD_LAYOUT", CG_AB, CG_AB_LEN,
     {PUT32(CG_I1 + CG_PATH, 32), PUT32(CG_I1 + CG_PATH + 4, 1)},
     NETIPC_ERR_BAD_LAYOUT},
    /* The name starting at the path's end is fine (canonical). */
    {"C6 boundary: the name right after the path's NUL: OK", CG, CG_LEN,
     {AS_IS}, NETIPC_OK},
};

static void
test_c1_c6(void)
{
  MUT_RUN(fixtures, buf, c1_c4);
  MUT_RUN(fixtures, buf, c5);
  MUT_RUN(fixtures, buf, c6);
}

/* Shift bytes [from, m) of the item at base by one (a zero byte at from)
   and move every label string offset at or after from: a gap. */
static void
label_gap(size_t base, uint32_t entry, uint32_t from, uint32_t table,
          uint16_t nlabels)
{
  uint32_t m = get32(buf, DIR_OFF(entry) + 4), i;
  memmove(buf + base + from + 1, buf + base + from, m - from);
  buf[base + from] = 0;
  for (i = 0; i < 2u * nlabels; i++) {
    size_t f = base + table + 8u * i;
    if (get32(buf, f) >= from)
      put32(buf, f, get32(buf, f) + 1);
  }
  put32(buf, DIR_OFF(entry) + 4, m + 1);
}

static const mut_case l1_l5[] = {
    /* L1: no labels, one more (zero) byte counted in the item. */
    {"L1: no labels and a byte after the last string: BAD_LAYOUT", CG,
     CG_LEN + 1, {PUT32(DIR_OFF(1) + 4, CG_M1 + 1)}, NETIPC_ERR_BAD_LAYOUT},
    {"L1 (APPS_LOOKUP, A7): no labels, item 2 one byte longer: "
     "BAD_LAYOUT",
     AP, AP_LEN, {PUT32(DIR_OFF(2) + 4, AP_M2 + 1)}, NETIPC_ERR_BAD_LAYOUT},
    /* L2: path "/xy" ends at E = 33, label_count 1, item 33 bytes; the
       bytes after it (trailing payload) are 0xFF. Without L2, L3 would see
       them. */
    {"L2: align8(E) = 40 beyond the 33-byte item: OUT_OF_BOUNDS", CG_XY,
     CG_XY_LEN + 32, {PUT16(CG_I1 + CG_LABELS, 1), FILL(CG_XY_LEN, 0xFF, 32)},
     NETIPC_ERR_OUT_OF_BOUNDS},
    /* L3: a non-zero byte in the pad [41, 48). */
    {"L3: non-zero byte in the pad before the label table: BAD_LAYOUT", CG,
     CG_LEN, {PUT8(CG_I0 + 45, 1)}, NETIPC_ERR_BAD_LAYOUT},
    {"L3: last pad byte non-zero: BAD_LAYOUT", CG, CG_LEN,
     {PUT8(CG_I0 + 47, 0x80)}, NETIPC_ERR_BAD_LAYOUT},
    {"L3 (APPS_LOOKUP, A7): non-zero pad byte: BAD_LAYOUT", AP, AP_LEN,
     {PUT8(AP_I0 + 84, 1)}, NETIPC_ERR_BAD_LAYOUT},
    /* L4: 3 labels need 48 + 48 = 96 > 90. */
    {"L4: table of 3 labels beyond the item: OUT_OF_BOUNDS", CG, CG_LEN,
     {PUT16(CG_I0 + CG_LABELS, 3)}, NETIPC_ERR_OUT_OF_BOUNDS},
    {"L4: 65535 labels: OUT_OF_BOUNDS", CG, CG_LEN,
     {PUT16(CG_I0 + CG_LABELS, NETIPC_LOOKUP_MAX_LABELS)},
     NETIPC_ERR_OUT_OF_BOUNDS},
    /* L5: an empty key (written canonically). */
    {"L5: label 1 with an empty key: BAD_LAYOUT", CG_EMPTY_KEY,
     CG_EMPTY_KEY_LEN, {AS_IS}, NETIPC_ERR_BAD_LAYOUT},
};

static const mut_case l5_l6[] = {
    /* S1 can never fail for a label string: key_offset must be X >= T + 16,
       past the header. S2-S4 on keys and values: */
    {"L5/S2: key 0 length 0xFFFFFFFF: OUT_OF_BOUNDS", CG, CG_LEN,
     {PUT32(CG_I0 + 48 + L_KEY + 4, UINT32_MAX)}, NETIPC_ERR_OUT_OF_BOUNDS},
    {"L5/S2: value 1 ('' at 89) given length 1: OUT_OF_BOUNDS", CG, CG_LEN,
     {PUT32(CG_I0 + 64 + L_VALUE + 4, 1)}, NETIPC_ERR_OUT_OF_BOUNDS},
    {"L5/S3: key 0 not followed by a NUL: MISSING_NUL", CG, CG_LEN,
     {PUT8(CG_I0 + 81, 'q')}, NETIPC_ERR_MISSING_NUL},
    {"L5/S3: value 0 not followed by a NUL: MISSING_NUL", CG, CG_LEN,
     {PUT8(CG_I0 + 83, 'w')}, NETIPC_ERR_MISSING_NUL},
    {"L5/S4: a NUL inside key 1: BAD_LAYOUT", CG, CG_LEN,
     {PUT8(CG_I0 + 85, 0)}, NETIPC_ERR_BAD_LAYOUT},
    {"L5/S4: a NUL inside value 0: BAD_LAYOUT", CG, CG_LEN,
     {PUT8(CG_I0 + 82, 0)}, NETIPC_ERR_BAD_LAYOUT},
    {"L5/S4 (APPS_LOOKUP, A7): a NUL inside the value 'api': BAD_LAYOUT", AP,
     AP_LEN, {PUT8(AP_I0 + 110, 0)}, NETIPC_ERR_BAD_LAYOUT},
    {"L5 order: key before value: MISSING_NUL", CG, CG_LEN,
     {PUT8(CG_I0 + 81, 'q') /* key 0: S3 */,
      PUT8(CG_I0 + 82, 0) /* value 0: S4 */},
     NETIPC_ERR_MISSING_NUL},
    {"L5 order: label 0 before label 1: MISSING_NUL", CG, CG_LEN,
     {PUT8(CG_I0 + 83, 'w') /* label 0 value: S3 */,
      PUT8(CG_I0 + 85, 0) /* label 1 key: S4 */},
     NETIPC_ERR_MISSING_NUL},
    /* L6: one more byte counted after the last value. */
    {"L6: item 0 one byte longer than its last label: BAD_LAYOUT", CG, CG_LEN,
     {PUT32(DIR_OFF(0) + 4, CG_M0 + 1)}, NETIPC_ERR_BAD_LAYOUT},
    {"L6 (APPS_LOOKUP, A7): item 0 one byte longer: BAD_LAYOUT", AP, AP_LEN,
     {PUT32(DIR_OFF(0) + 4, AP_M0 + 1)}, NETIPC_ERR_BAD_LAYOUT},
    /* Order: L3 before L5. */
    {"L order: L3 before L5: BAD_LAYOUT", CG, CG_LEN,
     {PUT8(CG_I0 + 45, 1), PUT8(CG_I0 + 81, 'q')}, NETIPC_ERR_BAD_LAYOUT},
    /* C6 before C7: item 1 KNOWN, the empty name on the path's NUL (31
       bytes) and label_count 1, whose table would start at 32 > 31 (L2,
       OUT_OF_BOUNDS, had the labels been checked first). */
    {"C6 before C7: overlap, and a label table beyond the item: "
     "BAD_LAYOUT",
     CG, CG_LEN,
     {PUT32(CG_I1 + CG_NAME, 30), PUT32(DIR_OFF(1) + 4, 31),
      PUT16(CG_I1 + CG_LABELS, 1),
      PUT16(CG_I1 + F_STATUS, NETIPC_CGROUPS_LOOKUP_KNOWN)},
     NETIPC_ERR_BAD_LAYOUT},
};

static void
test_labels(void)
{
  /* L5: key_offset != X, a gap byte before a string of item 0. */
  static const struct {
    const char *what;
    uint32_t from;
  } gaps[3] = {
      {"L5: a gap byte between the table and key 0: BAD_LAYOUT", 80},
      {"L5: a gap byte between value 0 and key 1: BAD_LAYOUT", 84},
      {"L5: a gap byte between key 0 and value 0: BAD_LAYOUT", 82},
  };
  int i;

  MUT_RUN(fixtures, buf, l1_l5);
  for (i = 0; i < 3; i++) {
    cg_copy();
    label_gap(CG_I0, 0, gaps[i].from, 48, 2);
    is_err(cg_dec(CG_LEN), NETIPC_ERR_BAD_LAYOUT, "%s", gaps[i].what);
  }
  MUT_RUN(fixtures, buf, l5_l6);
}

/* ---- A1-A7 -------------------------------------------------------------- */

/*
 * Item `item` of the APPS_LOOKUP fixture with its cgroup status, strings or
 * labels replaced, written canonically: the decoder's result is want.
 */
typedef struct ap_edit {
  const char *what;
  uint32_t item;
  int cgstatus;                   /* -1: as in the fixture */
  const char *comm, *path, *name; /* NULL: as in the fixture */
  int labelled;                   /* the label (a, b) */
  netipc_err want;
} ap_edit;

#define KEEP (-1)

static void
ap_edits_run(const ap_edit *e, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++) {
    ap_spec s = ap_fix[e[i].item];
    if (e[i].cgstatus != KEEP)
      s.cgstatus = (uint16_t)e[i].cgstatus;
    if (e[i].comm != NULL)
      s.comm = e[i].comm;
    if (e[i].path != NULL)
      s.path = e[i].path;
    if (e[i].name != NULL)
      s.name = e[i].name;
    if (e[i].labelled) {
      s.labels = label_ab;
      s.nlabels = 1;
    }
    is_err(ap_dec(ap_variant(e[i].item, &s)), e[i].want, "%s", e[i].what);
  }
}

#define AP_EDITS_RUN(e) ap_edits_run((e), sizeof(e) / sizeof((e)[0]))

static const mut_case a1_a2[] = {
    {"A1: item version 2: BAD_LAYOUT", AP, AP_LEN,
     {PUT16(AP_I1 + F_VERSION, 2)}, NETIPC_ERR_BAD_LAYOUT},
    {"A1: reserved0 0x80000000 (a u32): BAD_LAYOUT", AP, AP_LEN,
     {PUT32(AP_I1 + AP_RESERVED0, 0x80000000u)}, NETIPC_ERR_BAD_LAYOUT},
    {"A1: reserved1 1 (KNOWN item): BAD_LAYOUT", AP, AP_LEN,
     {PUT16(AP_I0 + AP_RESERVED1, 1)}, NETIPC_ERR_BAD_LAYOUT},
    {"A1 before A5: bad version and comm without NUL: BAD_LAYOUT", AP, AP_LEN,
     {PUT16(AP_I0 + F_VERSION, 2), PUT8(AP_I0 + 65, 'x')},
     NETIPC_ERR_BAD_LAYOUT},

    /* A2: each field beyond its range; without A2 the rest would pass. */
    {"A2: PID status 4 (otherwise an UNKNOWN-shaped item): BAD_LAYOUT", AP,
     AP_LEN, {PUT16(AP_I1 + F_STATUS, NETIPC_APPS_LOOKUP_STATUS_MAX + 1)},
     NETIPC_ERR_BAD_LAYOUT},
    {"A2 boundary: PID status 3: OK", AP, AP_LEN,
     {PUT16(AP_I1 + F_STATUS, NETIPC_APPS_LOOKUP_STATUS_MAX)}, NETIPC_OK},
    {"A2: cgroup_status 4 (otherwise a HOST_ROOT-shaped item): "
     "BAD_LAYOUT",
     AP, AP_LEN, {PUT16(AP_I2 + AP_CGSTATUS, NETIPC_APPS_CGROUP_STATUS_MAX + 1)},
     NETIPC_ERR_BAD_LAYOUT},
    {"A2: cgroup_status 0xFFFF: BAD_LAYOUT", AP, AP_LEN,
     {PUT16(AP_I2 + AP_CGSTATUS, 0xFFFF)}, NETIPC_ERR_BAD_LAYOUT},
};

static const ap_edit a2_edits[] = {
    {"A2: comm of 16 bytes: BAD_LAYOUT", 2, KEEP, "0123456789abcdef", NULL,
     NULL, 0, NETIPC_ERR_BAD_LAYOUT},
    {"A2 boundary: comm of 15 bytes: OK", 2, KEEP, "0123456789abcde", NULL,
     NULL, 0, NETIPC_OK},
};

/* A3: status UNKNOWN (item 1) with each field set, alone. */
static const mut_case a3[] = {
    {"A3: UNKNOWN with orchestrator 1: BAD_LAYOUT", AP, AP_LEN,
     {PUT16(AP_I1 + F_ORCH, 1)}, NETIPC_ERR_BAD_LAYOUT},
    {"A3: UNKNOWN with cgroup_status 1: BAD_LAYOUT", AP, AP_LEN,
     {PUT16(AP_I1 + AP_CGSTATUS, NETIPC_APPS_CGROUP_UNKNOWN_RETRY_LATER)},
     NETIPC_ERR_BAD_LAYOUT},
    {"A3: UNKNOWN with ppid 1: BAD_LAYOUT", AP, AP_LEN,
     {PUT32(AP_I1 + AP_PPID, 1)}, NETIPC_ERR_BAD_LAYOUT},
    {"A3: UNKNOWN with starttime 2^40: BAD_LAYOUT", AP, AP_LEN,
     {PUT64(AP_I1 + AP_STARTTIME, (uint64_t)1 << 40)}, NETIPC_ERR_BAD_LAYOUT},
    {"A3: UNKNOWN with uid 0: BAD_LAYOUT", AP, AP_LEN,
     {PUT32(AP_I1 + AP_UID, 0)}, NETIPC_ERR_BAD_LAYOUT},
    {"A3: PAYLOAD_EXCEEDED with uid 0xFFFFFFFE: BAD_LAYOUT", AP, AP_LEN,
     {PUT32(AP_I1 + AP_UID, UNSET - 1),
      PUT16(AP_I1 + F_STATUS, NETIPC_APPS_LOOKUP_PAYLOAD_EXCEEDED)},
     NETIPC_ERR_BAD_LAYOUT},
    {"A3: OVERSIZED_ITEM with ppid 9: BAD_LAYOUT", AP, AP_LEN,
     {PUT32(AP_I1 + AP_PPID, 9),
      PUT16(AP_I1 + F_STATUS, NETIPC_APPS_LOOKUP_OVERSIZED_ITEM)},
     NETIPC_ERR_BAD_LAYOUT},
};

static const ap_edit a3_edits[] = {
    {"A3: UNKNOWN with a comm: BAD_LAYOUT", 1, KEEP, "c", NULL, NULL, 0,
     NETIPC_ERR_BAD_LAYOUT},
    {"A3: UNKNOWN with a cgroup path: BAD_LAYOUT", 1, KEEP, NULL, "/", NULL,
     0, NETIPC_ERR_BAD_LAYOUT},
    {"A3: UNKNOWN with a cgroup name: BAD_LAYOUT", 1, KEEP, NULL, NULL, "n",
     0, NETIPC_ERR_BAD_LAYOUT},
    {"A3: UNKNOWN with a label: BAD_LAYOUT", 1, KEEP, NULL, NULL, NULL, 1,
     NETIPC_ERR_BAD_LAYOUT},
};

static void
test_a1_a3(void)
{
  ap_spec s;

  MUT_RUN(fixtures, buf, a1_a2);
  AP_EDITS_RUN(a2_edits);
  MUT_RUN(fixtures, buf, a3);
  AP_EDITS_RUN(a3_edits);
  s = ap_fix[1];
  s.status = NETIPC_APPS_LOOKUP_KNOWN;
  s.cgstatus = NETIPC_APPS_CGROUP_KNOWN;
  s.comm = "c";
  s.path = "/";
  s.uid = 0;
  s.labels = label_ab;
  s.nlabels = 1;
  is_err(ap_dec(ap_variant(1, &s)), NETIPC_OK,
         "A3 control: the same shape KNOWN with a comm and path is valid");
}

static const ap_edit a4_edits[] = {
    /* comm empty on a KNOWN PID (HOST_ROOT: nothing else is required). */
    {"A4: KNOWN with an empty comm: BAD_LAYOUT", 2, KEEP, "", NULL, NULL, 0,
     NETIPC_ERR_BAD_LAYOUT},
    /* cgroup KNOWN: path >= 1 byte. */
    {"A4: cgroup KNOWN with an empty path: BAD_LAYOUT", 0, KEEP, NULL, "",
     NULL, 0, NETIPC_ERR_BAD_LAYOUT},
    /* UNKNOWN_RETRY_LATER (item 3): orchestrator 0, no name, no labels. */
    {"A4: RETRY_LATER with a cgroup name: BAD_LAYOUT", 3, KEEP, NULL, NULL,
     "n", 0, NETIPC_ERR_BAD_LAYOUT},
    {"A4: RETRY_LATER with a label: BAD_LAYOUT", 3, KEEP, NULL, NULL, NULL, 1,
     NETIPC_ERR_BAD_LAYOUT},
    /* UNKNOWN_PERMANENT: path >= 1, orchestrator 0, no name, no labels. */
    {"A4 control: PERMANENT with a path: OK", 3,
     NETIPC_APPS_CGROUP_UNKNOWN_PERMANENT, NULL, NULL, NULL, 0, NETIPC_OK},
    {"A4: PERMANENT with an empty path: BAD_LAYOUT", 3,
     NETIPC_APPS_CGROUP_UNKNOWN_PERMANENT, NULL, "", NULL, 0,
     NETIPC_ERR_BAD_LAYOUT},
    {"A4: PERMANENT with a cgroup name: BAD_LAYOUT", 3,
     NETIPC_APPS_CGROUP_UNKNOWN_PERMANENT, NULL, "/p", "n", 0,
     NETIPC_ERR_BAD_LAYOUT},
    {"A4: PERMANENT with a label: BAD_LAYOUT", 3,
     NETIPC_APPS_CGROUP_UNKNOWN_PERMANENT, NULL, "/p", "", 1,
     NETIPC_ERR_BAD_LAYOUT},
    /* HOST_ROOT (item 2): orchestrator 0, path and name empty, no labels. */
    {"A4: HOST_ROOT with a cgroup path: BAD_LAYOUT", 2, KEEP, NULL, "/", NULL,
     0, NETIPC_ERR_BAD_LAYOUT},
    {"A4: HOST_ROOT with a cgroup name: BAD_LAYOUT", 2, KEEP, NULL, NULL, "n",
     0, NETIPC_ERR_BAD_LAYOUT},
    {"A4: HOST_ROOT with a label: BAD_LAYOUT", 2, KEEP, NULL, NULL, NULL, 1,
     NETIPC_ERR_BAD_LAYOUT},
};

static const mut_case a4[] = {
    {"A4: RETRY_LATER with orchestrator 1: BAD_LAYOUT", AP, AP_LEN,
     {PUT16(AP_I3 + F_ORCH, NETIPC_ORCHESTRATOR_SYSTEMD)},
     NETIPC_ERR_BAD_LAYOUT},
    {"A4: PERMANENT with orchestrator 1: BAD_LAYOUT", AP, AP_LEN,
     {PUT16(AP_I3 + AP_CGSTATUS, NETIPC_APPS_CGROUP_UNKNOWN_PERMANENT),
      PUT16(AP_I3 + F_ORCH, 1)},
     NETIPC_ERR_BAD_LAYOUT},
    {"A4: HOST_ROOT with orchestrator 1: BAD_LAYOUT", AP, AP_LEN,
     {PUT16(AP_I2 + F_ORCH, 1)}, NETIPC_ERR_BAD_LAYOUT},
    {"A4 before A5: HOST_ROOT with orchestrator and a missing NUL: "
     "BAD_LAYOUT",
     AP, AP_LEN, {PUT16(AP_I2 + F_ORCH, 1), PUT8(AP_I2 + 64, 'x')},
     NETIPC_ERR_BAD_LAYOUT},
};

static void
test_a4(void)
{
  AP_EDITS_RUN(a4_edits);
  MUT_RUN(fixtures, buf, a4);
}

/* A5: S1-S4 for comm, then cgroup path, then cgroup name; A6. */
static const mut_case a5_a6[] = {
    /* S1: {8, 2} is the PID 1001 = e9 03 and a 0 byte, inside the header. */
    {"A5/S1: comm at 8, inside the header: OUT_OF_BOUNDS", AP, AP_LEN,
     {PUT32(AP_I0 + AP_COMM, 8), PUT32(AP_I0 + AP_COMM + 4, 2)},
     NETIPC_ERR_OUT_OF_BOUNDS},
    {"A5/S1: cgroup path at 8: OUT_OF_BOUNDS", AP, AP_LEN,
     {PUT32(AP_I0 + AP_PATH, 8), PUT32(AP_I0 + AP_PATH + 4, 2)},
     NETIPC_ERR_OUT_OF_BOUNDS},
    /* The empty name of item 2 on the PID's 0 byte at 10; the item then
       ends at 66 with the path. */
    {"A5/S1: cgroup name at 10: OUT_OF_BOUNDS", AP, AP_LEN,
     {PUT32(AP_I2 + AP_NAME, 10), PUT32(DIR_OFF(2) + 4, AP_M2 - 1)},
     NETIPC_ERR_OUT_OF_BOUNDS},
    {"A5/S1 boundary: name at 59: OUT_OF_BOUNDS", AP, AP_LEN,
     {PUT32(AP_I1 + AP_NAME, AP_H - 1)}, NETIPC_ERR_OUT_OF_BOUNDS},
    /* S2. */
    {"A5/S2: comm of 1 byte at the item's last byte: OUT_OF_BOUNDS", AP,
     AP_LEN, {PUT32(AP_I3 + AP_COMM, AP_M3 - 1), PUT32(AP_I3 + AP_COMM + 4, 1)},
     NETIPC_ERR_OUT_OF_BOUNDS},
    {"A5/S2: cgroup path length 0xFFFFFFFF: OUT_OF_BOUNDS", AP, AP_LEN,
     {PUT32(AP_I0 + AP_PATH + 4, UINT32_MAX)}, NETIPC_ERR_OUT_OF_BOUNDS},
    {"A5/S2: cgroup name offset 0xFFFFFFFE: OUT_OF_BOUNDS", AP, AP_LEN,
     {PUT32(AP_I0 + AP_NAME, UINT32_MAX - 1)}, NETIPC_ERR_OUT_OF_BOUNDS},
    /* S3. */
    {"A5/S3: comm without NUL: MISSING_NUL", AP, AP_LEN,
     {PUT8(AP_I0 + 65, 'x')}, NETIPC_ERR_MISSING_NUL},
    {"A5/S3: cgroup path without NUL: MISSING_NUL", AP, AP_LEN,
     {PUT8(AP_I0 + 77, '!')}, NETIPC_ERR_MISSING_NUL},
    {"A5/S3: cgroup name without NUL: MISSING_NUL", AP, AP_LEN,
     {PUT8(AP_I0 + 81, '!')}, NETIPC_ERR_MISSING_NUL},
    /* S4. */
    {"A5/S4: a NUL inside comm: BAD_LAYOUT", AP, AP_LEN, {PUT8(AP_I0 + 62, 0)},
     NETIPC_ERR_BAD_LAYOUT},
    {"A5/S4: a NUL inside the cgroup path: BAD_LAYOUT", AP, AP_LEN,
     {PUT8(AP_I0 + 70, 0)}, NETIPC_ERR_BAD_LAYOUT},
    {"A5/S4: a NUL inside the cgroup name: BAD_LAYOUT", AP, AP_LEN,
     {PUT8(AP_I0 + 79, 0)}, NETIPC_ERR_BAD_LAYOUT},
    /* Order: comm, then path, then name. */
    {"A5 order: comm (S3) before cgroup path (S1): MISSING_NUL", AP, AP_LEN,
     {PUT8(AP_I0 + 65, 'x') /* comm: S3 */,
      PUT32(AP_I0 + AP_PATH, 8) /* path: S1 */},
     NETIPC_ERR_MISSING_NUL},
    {"A5 order: cgroup path (S4) before cgroup name (S3): BAD_LAYOUT", AP,
     AP_LEN,
     {PUT8(AP_I0 + 70, 0) /* path: S4 */, PUT8(AP_I0 + 81, '!') /* name: S3 */},
     NETIPC_ERR_BAD_LAYOUT},
    {"A5 order: comm (S1) before cgroup path (S3): OUT_OF_BOUNDS", AP, AP_LEN,
     {PUT32(AP_I0 + AP_COMM, 8) /* comm: S1 */,
      PUT8(AP_I0 + 77, '!') /* path: S3 */},
     NETIPC_ERR_OUT_OF_BOUNDS},

    /* A6: item 1's three empty strings at 60, 61, 62; make two share. */
    {"A6: comm and cgroup path share one NUL: BAD_LAYOUT", AP, AP_LEN,
     {PUT32(AP_I1 + AP_PATH, AP_H)}, NETIPC_ERR_BAD_LAYOUT},
    {"A6: comm and cgroup name share one NUL: BAD_LAYOUT", AP, AP_LEN,
     {PUT32(AP_I1 + AP_NAME, AP_H), PUT32(DIR_OFF(1) + 4, AP_M1 - 1)},
     NETIPC_ERR_BAD_LAYOUT},
    {"A6: cgroup path and name share one NUL: BAD_LAYOUT", AP, AP_LEN,
     {PUT32(AP_I1 + AP_NAME, AP_H + 1), PUT32(DIR_OFF(1) + 4, AP_M1 - 1)},
     NETIPC_ERR_BAD_LAYOUT},
    /* Item 0 without labels (82 bytes); the name "abc" moved onto the tail
       of "/docker/abc" (74..77), the item then ends at 78. */
    {"A6: the cgroup name is the tail of the cgroup path: BAD_LAYOUT",
     AP_BARE, AP_BARE_LEN,
     {PUT32(AP_I0 + AP_NAME, 74), PUT32(DIR_OFF(0) + 4, 78)},
     NETIPC_ERR_BAD_LAYOUT},
    {"A5 before A6: overlap and a later string without NUL: MISSING_NUL", AP,
     AP_LEN,
     {PUT32(AP_I1 + AP_PATH, AP_H),
      PUT8(AP_I1 + 62, 'x') /* name: S3, checked before the overlap */},
     NETIPC_ERR_MISSING_NUL},
};

static void
test_a5_a6(void)
{
  MUT_RUN(fixtures, buf, a5_a6);
}

/* ---- what the decoders must accept ------------------------------------- */

static void
test_accepts(void)
{
  netipc_lookup_view v;
  netipc_cgroups_lookup_item_view ci;
  netipc_apps_lookup_item_view ai;
  netipc_lookup_label lab;
  size_t len;
  cg_spec cs;
  ap_spec as;
  static const ref_label dup[3] = {{"k", "1"}, {"k", "2"}, {"k", ""}};

  len = cg_copy();
  memset(buf + len, 0xFF, 13);
  ok(netipc_cgroups_lookup_resp_decode(buf, len + 13, &v) == NETIPC_OK &&
         v.payload_len == len + 13 && v.item_count == 2,
     "accept: 13 non-zero bytes after the last item");
  ap_copy();
  memset(buf + AP_LEN, 0xA5, 3);
  is_err(ap_dec(AP_LEN + 3), NETIPC_OK,
         "accept (APPS_LOOKUP): bytes after the last item");

  cg_copy();
  memset(buf + CG_I0 + CG_M0, 0xEE, CG_OFF1 - CG_M0);
  is_err(cg_dec(len), NETIPC_OK, "accept: non-zero gap bytes between items");
  /* A wider gap: item 1 moved from 96 to 120. */
  cg_copy();
  memmove(buf + CG_P + 120, buf + CG_I1, CG_M1);
  memset(buf + CG_I0 + CG_M0, 0x5A, 120 - CG_M0);
  put32(buf, DIR_OFF(1), 120);
  ok(netipc_cgroups_lookup_resp_decode(buf, CG_P + 120 + CG_M1, &v) ==
             NETIPC_OK &&
         netipc_cgroups_lookup_resp_item(&v, 1, &ci) == NETIPC_OK &&
         sv_is(ci.path, "/x"),
     "accept: a 30-byte gap of 0x5A between items");

  /* Fixed strings in any order, and with gaps. */
  cs = cg_fix[0];
  cs.swap = 1;
  len = cg_variant(0, &cs);
  ok(netipc_cgroups_lookup_resp_decode(buf, len, &v) == NETIPC_OK &&
         netipc_cgroups_lookup_resp_item(&v, 0, &ci) == NETIPC_OK &&
         sv_is(ci.path, "/cg/ab") && sv_is(ci.name, "pod-a") &&
         ci.labels.count == 2 &&
         netipc_lookup_label_get(&ci.labels, 1, &lab) == NETIPC_OK &&
         sv_is(lab.key, "key2"),
     "accept: name before path (E from the path), labels found");
  cs.swap = 0;
  cs.gap = 5;
  len = cg_variant(0, &cs);
  ok(netipc_cgroups_lookup_resp_decode(buf, len, &v) == NETIPC_OK &&
         netipc_cgroups_lookup_resp_item(&v, 0, &ci) == NETIPC_OK &&
         (const uint8_t *)ci.path.ptr == buf + CG_I0 + CG_H + 5 &&
         sv_is(ci.name, "pod-a") &&
         netipc_lookup_label_get(&ci.labels, 0, &lab) == NETIPC_OK &&
         sv_is(lab.value, "v"),
     "accept: 5-byte gaps after the header and between path and name");
  cs.swap = 1;
  cs.gap = 3;
  len = cg_variant(0, &cs);
  is_err(cg_dec(len), NETIPC_OK, "accept: swapped and with gaps");
  as = ap_fix[0];
  as.order[0] = 2;
  as.order[1] = 1;
  as.order[2] = 0; /* name, path, comm: E is the comm's end */
  len = ap_variant(0, &as);
  ok(netipc_apps_lookup_resp_decode(buf, len, &v) == NETIPC_OK &&
         netipc_apps_lookup_resp_item(&v, 0, &ai) == NETIPC_OK &&
         sv_is(ai.comm, "nginx") && sv_is(ai.cgroup_path, "/docker/abc") &&
         sv_is(ai.cgroup_name, "web") && ai.labels.count == 1 &&
         netipc_lookup_label_get(&ai.labels, 0, &lab) == NETIPC_OK &&
         sv_is(lab.key, "role") && sv_is(lab.value, "api"),
     "accept (APPS_LOOKUP): strings written name, path, comm; labels found");
  as.order[0] = 1;
  as.order[1] = 2;
  as.order[2] = 0;
  as.gap = 9;
  len = ap_variant(0, &as);
  is_err(ap_dec(len), NETIPC_OK,
         "accept (APPS_LOOKUP): path, name, comm with 9-byte gaps");

  /* Any generation. */
  cg_copy();
  put64(buf, H_GEN, 0);
  ok(netipc_cgroups_lookup_resp_decode(buf, CG_LEN, &v) == NETIPC_OK &&
         v.generation == 0,
     "accept: generation 0");
  put64(buf, H_GEN, UINT64_MAX);
  ok(netipc_cgroups_lookup_resp_decode(buf, CG_LEN, &v) == NETIPC_OK &&
         v.generation == UINT64_MAX,
     "accept: generation 0xFFFFFFFFFFFFFFFF");

  /* Orchestrator above 7, passed on raw. */
  cg_copy();
  put16(buf, CG_I0 + F_ORCH, 0xFFFF);
  ok(netipc_cgroups_lookup_resp_decode(buf, CG_LEN, &v) == NETIPC_OK &&
         netipc_cgroups_lookup_resp_item(&v, 0, &ci) == NETIPC_OK &&
         ci.orchestrator == 0xFFFF,
     "accept: orchestrator 0xFFFF on a KNOWN item, passed on");
  ap_copy();
  put16(buf, AP_I0 + F_ORCH, NETIPC_ORCHESTRATOR_NSPAWN + 1);
  ok(netipc_apps_lookup_resp_decode(buf, AP_LEN, &v) == NETIPC_OK &&
         netipc_apps_lookup_resp_item(&v, 0, &ai) == NETIPC_OK &&
         ai.orchestrator == 8,
     "accept (APPS_LOOKUP): orchestrator 8, passed on");

  /* ppid, uid, starttime free for KNOWN. */
  ap_copy();
  put32(buf, AP_I2 + AP_PPID, 0);
  put32(buf, AP_I2 + AP_UID, UNSET);
  put64(buf, AP_I2 + AP_STARTTIME, UINT64_MAX);
  ok(netipc_apps_lookup_resp_decode(buf, AP_LEN, &v) == NETIPC_OK &&
         netipc_apps_lookup_resp_item(&v, 2, &ai) == NETIPC_OK &&
         ai.ppid == 0 && ai.uid == UNSET && ai.starttime == UINT64_MAX,
     "accept: KNOWN with ppid 0, uid unset, starttime 2^64-1");

  /* RETRY_LATER with an empty path. */
  as = ap_fix[3];
  as.path = "";
  len = ap_variant(3, &as);
  is_err(ap_dec(len), NETIPC_OK, "accept: RETRY_LATER with an empty path");

  /* Duplicate label keys, an empty value. */
  cs = cg_fix[0];
  cs.labels = dup;
  cs.nlabels = 3;
  len = cg_variant(0, &cs);
  ok(netipc_cgroups_lookup_resp_decode(buf, len, &v) == NETIPC_OK &&
         netipc_cgroups_lookup_resp_item(&v, 0, &ci) == NETIPC_OK &&
         ci.labels.count == 3 &&
         netipc_lookup_label_get(&ci.labels, 2, &lab) == NETIPC_OK &&
         sv_is(lab.key, "k") && sv_is(lab.value, ""),
     "accept: three labels with the same key, one value empty");

  /* A label table right at E when E is aligned (no pad). */
  cs = cg_fix[0];
  cs.path = "/cg/a"; /* E = 28 + 6 + 6 = 40 */
  len = cg_variant(0, &cs);
  ok(netipc_cgroups_lookup_resp_decode(buf, len, &v) == NETIPC_OK &&
         netipc_cgroups_lookup_resp_item(&v, 0, &ci) == NETIPC_OK &&
         ci.labels.table == 40,
     "accept: E = 40 already aligned, the table at 40");

  /* PAYLOAD_EXCEEDED items decode (the client judges them, 8.3). */
  cg_copy();
  put16(buf, CG_I1 + F_STATUS, NETIPC_CGROUPS_LOOKUP_PAYLOAD_EXCEEDED);
  is_err(cg_dec(CG_LEN), NETIPC_OK,
         "accept: a PAYLOAD_EXCEEDED placeholder item");
  ap_copy();
  put16(buf, AP_I1 + F_STATUS, NETIPC_APPS_LOOKUP_PAYLOAD_EXCEEDED);
  is_err(ap_dec(AP_LEN), NETIPC_OK,
         "accept (APPS_LOOKUP): a PAYLOAD_EXCEEDED placeholder item");

  /* n = 0. */
  memset(buf, 0, 64);
  put16(buf, H_VERSION, NETIPC_LAYOUT_VERSION);
  put64(buf, H_GEN, 42);
  ok(netipc_cgroups_lookup_resp_decode(buf, HDR, &v) == NETIPC_OK &&
         v.item_count == 0 && v.generation == 42 &&
         netipc_apps_lookup_resp_decode(buf, HDR + 5, &v) == NETIPC_OK,
     "accept: 16-byte n = 0 response (also with trailing bytes)");
}

/* ---- views and accessors ------------------------------------------------ */

static void
test_views(void)
{
  netipc_lookup_view v, va;
  netipc_cgroups_lookup_item_view ci;
  netipc_apps_lookup_item_view ai;
  netipc_lookup_label lab;
  const void *item = NULL;
  uint32_t ilen = 0;
  static uint8_t abuf[BUF_CAP];

  cg_copy();
  memset(&v, 0xFF, sizeof v);
  ok(netipc_cgroups_lookup_resp_decode(buf, CG_LEN, &v) == NETIPC_OK &&
         v.payload == buf && v.payload_len == CG_LEN &&
         v.method == NETIPC_METHOD_CGROUPS_LOOKUP && v.item_count == 2 &&
         v.generation == CG_GEN,
     "view: payload, length, method, item count, generation");
  memset(&ci, 0, sizeof ci);
  ok(netipc_cgroups_lookup_resp_item(&v, 0, &ci) == NETIPC_OK &&
         ci.status == NETIPC_CGROUPS_LOOKUP_KNOWN &&
         ci.orchestrator == NETIPC_ORCHESTRATOR_K8S &&
         sv_is(ci.path, "/cg/ab") &&
         (const uint8_t *)ci.path.ptr == buf + CG_I0 + CG_H &&
         sv_is(ci.name, "pod-a") && ci.labels.count == 2 &&
         ci.labels.table == 48 && ci.labels.item == buf + CG_I0,
     "item 0 view: status, orchestrator, path and name in place, labels");
  ok(netipc_lookup_label_get(&ci.labels, 0, &lab) == NETIPC_OK &&
         sv_is(lab.key, "k") && sv_is(lab.value, "v") &&
         (const uint8_t *)lab.key.ptr == buf + CG_I0 + 80 &&
         netipc_lookup_label_get(&ci.labels, 1, &lab) == NETIPC_OK &&
         sv_is(lab.key, "key2") && sv_is(lab.value, ""),
     "labels of item 0: (k, v), (key2, '') in place");
  is_err(netipc_lookup_label_get(&ci.labels, 2, &lab),
         NETIPC_ERR_OUT_OF_BOUNDS, "label 2 of 2: OUT_OF_BOUNDS");
  is_err(netipc_lookup_label_get(NULL, 0, &lab), NETIPC_ERR_INVALID_ARG,
         "label_get NULL labels: INVALID_ARG");
  is_err(netipc_lookup_label_get(&ci.labels, 0, NULL), NETIPC_ERR_INVALID_ARG,
         "label_get NULL out: INVALID_ARG");
  ok(netipc_cgroups_lookup_resp_item(&v, 1, &ci) == NETIPC_OK &&
         ci.status == NETIPC_CGROUPS_LOOKUP_UNKNOWN_PERMANENT &&
         ci.orchestrator == 0 && sv_is(ci.path, "/x") && sv_is(ci.name, "") &&
         ci.labels.count == 0,
     "item 1 view: UNKNOWN_PERMANENT, /x, empty name, no labels");
  is_err(netipc_lookup_label_get(&ci.labels, 0, &lab),
         NETIPC_ERR_OUT_OF_BOUNDS, "label 0 of an item without labels: "
                                   "OUT_OF_BOUNDS");
  ok(netipc_lookup_resp_item_bytes(&v, 0, &item, &ilen) == NETIPC_OK &&
         item == buf + CG_I0 && ilen == CG_M0 &&
         netipc_lookup_resp_item_bytes(&v, 1, &item, &ilen) == NETIPC_OK &&
         item == buf + CG_I1 && ilen == CG_M1,
     "item bytes: exactly as the directory delimits them");

  is_err(netipc_cgroups_lookup_resp_item(&v, 2, &ci), NETIPC_ERR_OUT_OF_BOUNDS,
         "cgroups item 2 of 2: OUT_OF_BOUNDS");
  is_err(netipc_cgroups_lookup_resp_item(&v, UINT32_MAX, &ci),
         NETIPC_ERR_OUT_OF_BOUNDS, "cgroups item 0xFFFFFFFF: OUT_OF_BOUNDS");
  is_err(netipc_cgroups_lookup_resp_item(NULL, 0, &ci), NETIPC_ERR_INVALID_ARG,
         "cgroups item, NULL view: INVALID_ARG");
  is_err(netipc_cgroups_lookup_resp_item(&v, 0, NULL), NETIPC_ERR_INVALID_ARG,
         "cgroups item, NULL out: INVALID_ARG");
  is_err(netipc_apps_lookup_resp_item(&v, 0, &ai), NETIPC_ERR_INVALID_ARG,
         "apps item accessor on a CGROUPS_LOOKUP view: INVALID_ARG");
  is_err(netipc_lookup_resp_item_bytes(&v, 2, &item, &ilen),
         NETIPC_ERR_OUT_OF_BOUNDS, "item bytes 2 of 2: OUT_OF_BOUNDS");
  is_err(netipc_lookup_resp_item_bytes(NULL, 0, &item, &ilen),
         NETIPC_ERR_INVALID_ARG, "item bytes, NULL view: INVALID_ARG");
  is_err(netipc_lookup_resp_item_bytes(&v, 0, NULL, &ilen),
         NETIPC_ERR_INVALID_ARG, "item bytes, NULL item: INVALID_ARG");
  is_err(netipc_lookup_resp_item_bytes(&v, 0, &item, NULL),
         NETIPC_ERR_INVALID_ARG, "item bytes, NULL length: INVALID_ARG");

  is_err(netipc_cgroups_lookup_resp_decode(NULL, CG_LEN, &v),
         NETIPC_ERR_INVALID_ARG, "decode NULL payload: INVALID_ARG");
  is_err(netipc_cgroups_lookup_resp_decode(buf, CG_LEN, NULL),
         NETIPC_ERR_INVALID_ARG, "decode NULL view: INVALID_ARG");
  is_err(netipc_apps_lookup_resp_decode(NULL, CG_LEN, &v),
         NETIPC_ERR_INVALID_ARG, "apps decode NULL payload: INVALID_ARG");

  /* APPS_LOOKUP views (a separate buffer: buf is reused). */
  ap_copy();
  memcpy(abuf, buf, AP_LEN);
  memset(&va, 0, sizeof va);
  ok(netipc_apps_lookup_resp_decode(abuf, AP_LEN, &va) == NETIPC_OK &&
         va.method == NETIPC_METHOD_APPS_LOOKUP && va.item_count == 4 &&
         va.generation == AP_GEN && va.payload == abuf,
     "apps view: method, 4 items, generation 19");
  memset(&ai, 0, sizeof ai);
  ok(netipc_apps_lookup_resp_item(&va, 0, &ai) == NETIPC_OK &&
         ai.status == NETIPC_APPS_LOOKUP_KNOWN &&
         ai.cgroup_status == NETIPC_APPS_CGROUP_KNOWN &&
         ai.orchestrator == NETIPC_ORCHESTRATOR_DOCKER && ai.pid == 1001 &&
         ai.ppid == 1 && ai.uid == 1000 && ai.starttime == 4242 &&
         sv_is(ai.comm, "nginx") && sv_is(ai.cgroup_path, "/docker/abc") &&
         sv_is(ai.cgroup_name, "web") &&
         (const uint8_t *)ai.comm.ptr == abuf + AP_I0 + AP_H,
     "apps item 0 view: every field");
  ok(ai.labels.count == 1 && ai.labels.table == 88 &&
         netipc_lookup_label_get(&ai.labels, 0, &lab) == NETIPC_OK &&
         sv_is(lab.key, "role") && sv_is(lab.value, "api"),
     "apps item 0 labels: table at 88, (role, api)");
  ok(netipc_apps_lookup_resp_item(&va, 1, &ai) == NETIPC_OK &&
         ai.status == NETIPC_APPS_LOOKUP_UNKNOWN && ai.pid == 1003 &&
         ai.uid == UNSET && ai.ppid == 0 && ai.starttime == 0 &&
         sv_is(ai.comm, "") && sv_is(ai.cgroup_path, "") &&
         sv_is(ai.cgroup_name, "") && ai.labels.count == 0,
     "apps item 1 view: UNKNOWN, uid unset, empty strings");
  ok(netipc_apps_lookup_resp_item(&va, 2, &ai) == NETIPC_OK &&
         ai.cgroup_status == NETIPC_APPS_CGROUP_HOST_ROOT && ai.pid == 1002 &&
         ai.uid == 0 && sv_is(ai.comm, "sshd") &&
         netipc_apps_lookup_resp_item(&va, 3, &ai) == NETIPC_OK &&
         ai.cgroup_status == NETIPC_APPS_CGROUP_UNKNOWN_RETRY_LATER &&
         ai.pid == 1004 && sv_is(ai.cgroup_path, "/pending"),
     "apps items 2 and 3 views: HOST_ROOT sshd, RETRY_LATER /pending");
  ok(netipc_lookup_resp_item_bytes(&va, 3, &item, &ilen) == NETIPC_OK &&
         item == abuf + AP_I3 && ilen == AP_M3,
     "apps item bytes 3: 77 bytes at 256");
  is_err(netipc_apps_lookup_resp_item(&va, 4, &ai), NETIPC_ERR_OUT_OF_BOUNDS,
         "apps item 4 of 4: OUT_OF_BOUNDS");
  is_err(netipc_apps_lookup_resp_item(NULL, 0, &ai), NETIPC_ERR_INVALID_ARG,
         "apps item, NULL view: INVALID_ARG");
  is_err(netipc_apps_lookup_resp_item(&va, 0, NULL), NETIPC_ERR_INVALID_ARG,
         "apps item, NULL out: INVALID_ARG");
  is_err(netipc_cgroups_lookup_resp_item(&va, 0, &ci), NETIPC_ERR_INVALID_ARG,
         "cgroups item accessor on an APPS_LOOKUP view: INVALID_ARG");
  ok(netipc_lookup_resp_item_bytes(&va, 1, &item, &ilen) == NETIPC_OK &&
         get16(item, F_STATUS) == NETIPC_APPS_LOOKUP_UNKNOWN &&
         get64(item, AP_STARTTIME) == 0,
     "item bytes work for both methods");

  /* Labels with the view's string order swapped: E from the larger end. */
  {
    ap_spec as = ap_fix[0];
    size_t len;
    as.order[0] = 2;
    as.order[1] = 0;
    as.order[2] = 1; /* name, comm, path: E is the path's end */
    len = ap_variant(0, &as);
    ok(netipc_apps_lookup_resp_decode(buf, len, &va) == NETIPC_OK &&
           netipc_apps_lookup_resp_item(&va, 0, &ai) == NETIPC_OK &&
           ai.labels.table == 88 &&
           netipc_lookup_label_get(&ai.labels, 0, &lab) == NETIPC_OK &&
           sv_is(lab.value, "api"),
       "apps labels found after strings written name, comm, path");
  }
}

/* ---- the builder (lookups.md 5) ---------------------------------------- */

static uint8_t out[BUF_CAP], snap[BUF_CAP], req_buf[BUF_CAP];

static void
out_reset(void)
{
  memset(out, 0xA5, sizeof out);
}

/* A decoded CGROUPS_LOOKUP request of the given paths (in req_buf). */
static netipc_lookup_req_view
cg_request(const char *const *paths, uint32_t n)
{
  netipc_string_view k[8];
  netipc_lookup_req_view v;
  size_t len = 0;
  uint32_t i;
  for (i = 0; i < n; i++)
    k[i] = sv(paths[i]);
  memset(&v, 0, sizeof v);
  if (netipc_cgroups_lookup_req_encode(k, n, req_buf, sizeof req_buf,
                                       &len) != NETIPC_OK ||
      netipc_cgroups_lookup_req_decode(req_buf, len, &v) != NETIPC_OK)
    bail_out("cannot make a CGROUPS_LOOKUP request");
  return v;
}

static netipc_lookup_req_view
ap_request(const uint32_t *pids, uint32_t n)
{
  netipc_lookup_req_view v;
  size_t len = 0;
  memset(&v, 0, sizeof v);
  if (netipc_apps_lookup_req_encode(pids, n, req_buf, sizeof req_buf, &len) !=
          NETIPC_OK ||
      netipc_apps_lookup_req_decode(req_buf, len, &v) != NETIPC_OK)
    bail_out("cannot make an APPS_LOOKUP request");
  return v;
}

static netipc_cgroups_lookup_item
cg_in(uint16_t status, uint16_t orch, const char *path, const char *name)
{
  netipc_cgroups_lookup_item it;
  memset(&it, 0, sizeof it);
  it.status = status;
  it.orchestrator = orch;
  it.path = sv(path);
  it.name = sv(name);
  return it;
}

static netipc_apps_lookup_item
ap_in(uint16_t status, uint16_t cgstatus, uint32_t pid, const char *comm,
      const char *path, const char *name)
{
  netipc_apps_lookup_item it;
  memset(&it, 0, sizeof it);
  it.status = status;
  it.cgroup_status = cgstatus;
  it.pid = pid;
  it.ppid = status == NETIPC_APPS_LOOKUP_KNOWN ? 1 : 0;
  it.uid = status == NETIPC_APPS_LOOKUP_KNOWN ? 1000 : UNSET;
  it.comm = sv(comm);
  it.cgroup_path = sv(path);
  it.cgroup_name = sv(name);
  return it;
}

/* 63 + "proc" + "/cg/x" + "n". */
#define AP_KNOWN_LEN (NETIPC_APPS_LOOKUP_PLACEHOLDER_LEN + 4 + 5 + 1)

static netipc_apps_lookup_item
ap_known(uint32_t pid)
{
  netipc_apps_lookup_item it =
      ap_in(NETIPC_APPS_LOOKUP_KNOWN, NETIPC_APPS_CGROUP_KNOWN, pid, "proc",
            "/cg/x", "n"); /* 73 bytes */
  it.orchestrator = NETIPC_ORCHESTRATOR_SYSTEMD;
  it.starttime = 5000u + pid;
  return it;
}

/* The placeholder specs of 4.3 and 4.4, for the reference writer. */
static cg_spec
cg_ph(uint16_t status, const char *path)
{
  cg_spec s;
  memset(&s, 0, sizeof s);
  s.status = status;
  s.path = path;
  s.name = "";
  return s;
}

static ap_spec
ap_ph(uint16_t status, uint32_t pid)
{
  ap_spec s;
  memset(&s, 0, sizeof s);
  s.status = status;
  s.pid = pid;
  s.uid = UNSET;
  s.comm = s.path = s.name = "";
  return s;
}

/* Reference-writer specs of builder inputs (no labels). */
static cg_spec
cg_spec_of(const netipc_cgroups_lookup_item *it, const char *path,
           const char *name)
{
  cg_spec s;
  memset(&s, 0, sizeof s);
  s.status = it->status;
  s.orch = it->orchestrator;
  s.path = path;
  s.name = name;
  return s;
}

static ap_spec
ap_spec_of(const netipc_apps_lookup_item *it, const char *comm,
           const char *path, const char *name)
{
  ap_spec s;
  memset(&s, 0, sizeof s);
  s.status = it->status;
  s.cgstatus = it->cgroup_status;
  s.orch = it->orchestrator;
  s.pid = it->pid;
  s.ppid = it->ppid;
  s.uid = it->uid;
  s.start = it->starttime;
  s.comm = comm;
  s.path = path;
  s.name = name;
  return s;
}

/* out[0..len) is the canonical response of the specs (the writer's bytes
   in buf). */
static int
out_is(size_t len, uint16_t method, uint64_t gen, const void *specs,
       uint32_t n)
{
  size_t want = ref_resp(buf, method, gen, specs, n);
  if (len != want) {
    diag("built %zu bytes, expected %zu", len, want);
    return 0;
  }
  return memcmp(out, buf, len) == 0;
}

static void
test_builder_layout(void)
{
  static const char *const paths[3] = {"/cg/a", "/cg/b", "/cg/c"};
  static const ref_label lab[2] = {{"ns", "x"}, {"app", ""}};
  netipc_lookup_label nl[2];
  netipc_lookup_req_view rq = cg_request(paths, 3);
  netipc_lookup_builder b;
  netipc_cgroups_lookup_item it[3];
  cg_spec sp[3];
  size_t len = 0;
  uint32_t i;
  int adds = 1;

  nl[0].key = sv("ns");
  nl[0].value = sv("x");
  nl[1].key = sv("app");
  nl[1].value = sv("");
  it[0] = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, NETIPC_ORCHESTRATOR_K8S, "",
                "pod-a");
  it[0].labels = nl;
  it[0].label_count = 2;
  it[1] = cg_in(NETIPC_CGROUPS_LOOKUP_UNKNOWN_RETRY_LATER, 0, "", "");
  it[2] = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, 0xFFFF, "", "");
  for (i = 0; i < 3; i++)
    sp[i] = cg_spec_of(&it[i], paths[i], i == 0 ? "pod-a" : "");
  sp[0].labels = lab;
  sp[0].nlabels = 2;

  out_reset();
  is_err(netipc_lookup_builder_init(&b, out, sizeof out, &rq), NETIPC_OK,
         "builder init for a 3-key request");
  netipc_lookup_builder_set_generation(&b, 0x0102030405060708ull);
  for (i = 0; i < 3; i++)
    adds &= netipc_cgroups_lookup_builder_add_key(&b, &it[i]) == NETIPC_OK;
  ok(adds, "three request-backed adds");
  is_err(netipc_lookup_builder_finish(&b, &len), NETIPC_OK, "finish");
  ok(out_is(len, NETIPC_METHOD_CGROUPS_LOOKUP, 0x0102030405060708ull, sp, 3),
     "canonical response (4.2): directory for 3 keys reserved, item 0 at "
     "16 + 24, items at align8, zero gaps, labels per 2.3, generation");
  ok(all_bytes(out + len, sizeof out - len, 0xA5),
     "nothing written after the payload");

  /* Generation 0 when never set; init_slots lays out the same. */
  out_reset();
  ok(netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_CGROUPS_LOOKUP, out,
                                      sizeof out, 3) == NETIPC_OK,
     "init_slots for 3 items");
  for (i = 0; i < 3; i++) {
    netipc_cgroups_lookup_item x = it[i];
    x.path = sv(paths[i]);
    netipc_cgroups_lookup_builder_add(&b, &x);
  }
  ok(netipc_lookup_builder_finish(&b, &len) == NETIPC_OK &&
         out_is(len, NETIPC_METHOD_CGROUPS_LOOKUP, 0, sp, 3),
     "init_slots + add: the same layout, generation 0 when never set");

  /* n = 0: exactly the header. */
  out_reset();
  rq = cg_request(paths, 0);
  ok(netipc_lookup_builder_init(&b, out, HDR, &rq) == NETIPC_OK &&
         (netipc_lookup_builder_set_generation(&b, 7),
          netipc_lookup_builder_finish(&b, &len) == NETIPC_OK) &&
         len == HDR && get16(out, H_VERSION) == NETIPC_LAYOUT_VERSION &&
         get16(out, H_FLAGS) == 0 && get32(out, H_COUNT) == 0 &&
         get64(out, H_GEN) == 7,
     "n = 0 in a 16-byte buffer: the header with generation 7");

  /* The directory alone does not fit. */
  rq = cg_request(paths, 3);
  out_reset();
  is_err(netipc_lookup_builder_init(&b, out, HDR + 3 * DIRENT - 1, &rq),
         NETIPC_ERR_OVERFLOW, "init: 39 bytes for a 3-key directory: OVERFLOW");
  ok(netipc_cgroups_lookup_builder_add_key(&b, &it[1]) ==
             NETIPC_ERR_OVERFLOW &&
         netipc_lookup_builder_finish(&b, &len) == NETIPC_ERR_OVERFLOW &&
         all_bytes(out, sizeof out, 0xA5),
     "the init OVERFLOW is remembered by add and finish; nothing written");
  is_err(netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_APPS_LOOKUP, out,
                                          HDR + DIRENT - 1, 1),
         NETIPC_ERR_OVERFLOW, "init_slots: 23 bytes for 1 slot: OVERFLOW");
  ok(netipc_lookup_builder_init(&b, out, HDR + 3 * DIRENT, &rq) == NETIPC_OK,
     "init: exactly 16 + 8n bytes is enough to start");
}

/* Placeholders (4.3, 4.4) and the fit rules of 5.2. */
static void
test_builder_placeholders(void)
{
  static const char *const om[3] = {"/cg/a", "/cg/big", "/cg/c"};
  static const ref_label kv_ref[1] = {{"k", "v"}};
  static char big[301];
  netipc_lookup_builder b;
  netipc_lookup_req_view rq;
  netipc_cgroups_lookup_item it;
  netipc_lookup_label kv;
  netipc_apps_lookup_item ai;
  cg_spec sp[3];
  ap_spec as[2];
  size_t len = 0;

  memset(big, 'x', 300);
  big[300] = 0;

  /* Item 0 too large for the buffer: OVERSIZED_ITEM, 30 + 7 bytes. */
  rq = cg_request(om + 1, 2); /* /cg/big, /cg/c */
  out_reset();
  netipc_lookup_builder_init(&b, out, 256, &rq);
  netipc_lookup_builder_set_generation(&b, 77);
  it = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, NETIPC_ORCHESTRATOR_DOCKER, "", big);
  is_err(netipc_cgroups_lookup_builder_add_key(&b, &it), NETIPC_OK,
         "item 0 of 337 bytes in 256: the add succeeds");
  it = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, NETIPC_ORCHESTRATOR_SYSTEMD, "",
             "pod-c");
  is_err(netipc_cgroups_lookup_builder_add_key(&b, &it), NETIPC_OK,
         "item 1 after an OVERSIZED item 0: written");
  sp[0] = cg_ph(NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM, "/cg/big");
  sp[1] = cg_spec_of(&it, "/cg/c", "pod-c");
  ok(netipc_lookup_builder_finish(&b, &len) == NETIPC_OK && len == 112 &&
         get32(out, DIR_OFF(0) + 4) ==
             NETIPC_CGROUPS_LOOKUP_PLACEHOLDER_BASE + 7 &&
         out_is(len, NETIPC_METHOD_CGROUPS_LOOKUP, 77, sp, 2),
     "OVERSIZED_ITEM placeholder of 30 + 7 bytes (status 4, path echoed, "
     "empty name at 36), then /cg/c KNOWN: no suffix mode after item 0");

  /* lookups.md 9.2: C = 256, /cg/big does not fit at 104: suffix. */
  rq = cg_request(om, 3);
  out_reset();
  netipc_lookup_builder_init(&b, out, 256, &rq);
  netipc_lookup_builder_set_generation(&b, 77);
  it = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, NETIPC_ORCHESTRATOR_K8S, "", "pod-a");
  kv.key = sv("k");
  kv.value = sv("v");
  it.labels = &kv;
  it.label_count = 1;
  sp[0] = cg_spec_of(&it, "/cg/a", "pod-a");
  sp[0].labels = kv_ref;
  sp[0].nlabels = 1;
  is_err(netipc_cgroups_lookup_builder_add_key(&b, &it), NETIPC_OK,
         "9.2: item 0 (60 bytes, ends at 100, 75 <= 256 - 104): written");
  it = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, NETIPC_ORCHESTRATOR_DOCKER, "", big);
  is_err(netipc_cgroups_lookup_builder_add_key(&b, &it), NETIPC_OK,
         "item 1 does not fit: the add succeeds (placeholder)");
  it = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, NETIPC_ORCHESTRATOR_SYSTEMD, "",
             "pod-c");
  is_err(netipc_cgroups_lookup_builder_add_key(&b, &it), NETIPC_OK,
         "item 2 in suffix mode: the add succeeds");
  sp[1] = cg_ph(NETIPC_CGROUPS_LOOKUP_PAYLOAD_EXCEEDED, "/cg/big");
  sp[2] = cg_ph(NETIPC_CGROUPS_LOOKUP_PAYLOAD_EXCEEDED, "/cg/c");
  ok(netipc_lookup_builder_finish(&b, &len) == NETIPC_OK && len == 179 &&
         out_is(len, NETIPC_METHOD_CGROUPS_LOOKUP, 77, sp, 3),
     "9.2: KNOWN, then PAYLOAD_EXCEEDED placeholders of 37 and 35 bytes "
     "(179 bytes)");

  /* APPS_LOOKUP placeholders: 63 bytes. */
  {
    static const uint32_t pids[2] = {2001, 2002};
    rq = ap_request(pids, 2);
    out_reset();
    netipc_lookup_builder_init(&b, out, 160, &rq);
    netipc_lookup_builder_set_generation(&b, 5);
    ai = ap_known(2001);
    is_err(netipc_apps_lookup_builder_add(&b, &ai), NETIPC_OK,
           "apps item 0 (73 bytes) with R_1 = 63 in 160: the add succeeds");
    ai = ap_known(2002);
    is_err(netipc_apps_lookup_builder_add(&b, &ai), NETIPC_OK,
           "apps item 1: the add succeeds");
    as[0] = ap_ph(NETIPC_APPS_LOOKUP_OVERSIZED_ITEM, 2001);
    as[1] = ap_ph(NETIPC_APPS_LOOKUP_PAYLOAD_EXCEEDED, 2002);
    ok(netipc_lookup_builder_finish(&b, &len) == NETIPC_OK && len == 159 &&
           get32(out, DIR_OFF(0) + 4) == NETIPC_APPS_LOOKUP_PLACEHOLDER_LEN &&
           out_is(len, NETIPC_METHOD_APPS_LOOKUP, 5, as, 2),
       "apps: OVERSIZED_ITEM then PAYLOAD_EXCEEDED, 63 bytes each (pid "
       "echoed, uid unset, empty strings at 60, 61, 62)");
  }
}

/*
 * A model of 5.1-5.2 written from the spec: for the sizes s[i] of the
 * items a handler adds and the placeholder sizes p[i], the status each
 * key gets (0 written as given, 1 OVERSIZED_ITEM, 2 PAYLOAD_EXCEEDED) and
 * the index of the add that fails with OVERFLOW (-1 if none).
 */
enum { M_ITEM, M_OVERSIZED, M_EXCEEDED };

static int
model(const uint32_t *s, const uint32_t *p, uint32_t n, uint64_t cap,
      int *outcome)
{
  uint64_t r[9], d = HDR + (uint64_t)DIRENT * n;
  uint32_t i, k = 0;
  int suffix = 0;
  r[n] = 0;
  for (i = n; i-- > 0;)
    r[i] = r[i + 1] == 0 ? p[i] : align8(p[i]) + r[i + 1];
  for (i = 0; i < n; i++) {
    uint64_t a = (d + 7) & ~(uint64_t)7, e;
    int fits = !suffix;
    if (fits && a + s[i] > cap)
      fits = 0;
    e = (a + s[i] + 7) & ~(uint64_t)7;
    if (fits && (e > cap || r[k + 1] > cap - e))
      fits = 0;
    if (fits) {
      outcome[i] = M_ITEM;
      d = a + s[i];
    } else {
      outcome[i] = k == 0 ? M_OVERSIZED : M_EXCEEDED;
      suffix = k != 0 || suffix;
      if (a + p[i] > cap)
        return (int)i;
      d = a + p[i];
    }
    k++;
  }
  return -1;
}

/* One method's sweep over C: the four items a handler adds, their sizes and
   placeholder sizes, and the spec of each item for each model outcome. */
typedef struct sweep {
  uint16_t method;
  const char *what;
  const char *const *paths; /* the request keys, by method */
  const uint32_t *pids;
  uint64_t gen; /* 0: never set */
  uint32_t sz[4], ph[4];
  netipc_cgroups_lookup_item cg_it[4];
  netipc_apps_lookup_item ap_it[4];
  cg_spec cg_sp[3][4]; /* [M_ITEM, M_OVERSIZED, M_EXCEEDED][item] */
  ap_spec ap_sp[3][4];
} sweep;

/* The builder with C = c against the model, every byte: 0 when they agree
   (counting a run that overflows in *overflows), 1 otherwise. */
static int
sweep_at(const sweep *w, int c, int *overflows)
{
  int apps = w->method == NETIPC_METHOD_APPS_LOOKUP;
  netipc_lookup_req_view rq =
      apps ? ap_request(w->pids, 4) : cg_request(w->paths, 4);
  netipc_lookup_builder b;
  cg_spec cs[4];
  ap_spec as[4];
  int oc[4], fail = model(w->sz, w->ph, 4, (uint64_t)c, oc), got_fail = -1;
  size_t len = 0;
  netipc_err fin;
  uint32_t i;

  out_reset();
  netipc_lookup_builder_init(&b, out, (size_t)c, &rq);
  if (w->gen != 0)
    netipc_lookup_builder_set_generation(&b, w->gen);
  for (i = 0; i < 4; i++) {
    netipc_err e = apps ? netipc_apps_lookup_builder_add(&b, &w->ap_it[i])
                        : netipc_cgroups_lookup_builder_add_key(&b,
                                                                &w->cg_it[i]);
    if (e != NETIPC_OK && got_fail < 0)
      got_fail = e == NETIPC_ERR_OVERFLOW ? (int)i : 100 + (int)i;
  }
  fin = netipc_lookup_builder_finish(&b, &len);
  if (fail >= 0) {
    ++*overflows;
    if (got_fail == fail && fin == NETIPC_ERR_OVERFLOW)
      return 0;
    diag("%s C = %d: expected OVERFLOW at add %d, got %d", w->what, c, fail,
         got_fail);
    return 1;
  }
  for (i = 0; i < 4; i++) {
    cs[i] = w->cg_sp[oc[i]][i];
    as[i] = w->ap_sp[oc[i]][i];
  }
  if (got_fail < 0 && fin == NETIPC_OK &&
      out_is(len, w->method, w->gen, apps ? (const void *)as : cs, 4))
    return 0;
  diag("%s C = %d: builder differs from the model", w->what, c);
  return 1;
}

/* The sweep over C: the builder against the model, every byte. */
static void
test_builder_sweep(void)
{
  static const char *const paths[4] = {"/cg/a", "/cg/big", "/cg/c",
                                       "/cg/dddddddddddd"};
  static const char *const names[4] = {"pod-a", NULL, "pod-c", ""};
  static const uint32_t pids[4] = {1001, 2002, 1003, 2004};
  static char big[301];
  static sweep cg, ap;
  uint32_t i;
  int bad = 0, runs = 0, overflows = 0, c;

  memset(big, 'x', 300);
  big[300] = 0;

  /* CGROUPS_LOOKUP: sizes 30 + path + name. */
  cg.method = NETIPC_METHOD_CGROUPS_LOOKUP;
  cg.what = "cgroups";
  cg.paths = paths;
  cg.gen = 3;
  for (i = 0; i < 4; i++) {
    const char *name = names[i] != NULL ? names[i] : big;
    cg.cg_it[i] = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, (uint16_t)i, "", name);
    cg.sz[i] = NETIPC_CGROUPS_LOOKUP_PLACEHOLDER_BASE +
               (uint32_t)strlen(paths[i]) + (uint32_t)strlen(name);
    cg.ph[i] =
        NETIPC_CGROUPS_LOOKUP_PLACEHOLDER_BASE + (uint32_t)strlen(paths[i]);
    cg.cg_sp[M_ITEM][i] = cg_spec_of(&cg.cg_it[i], paths[i], name);
    cg.cg_sp[M_OVERSIZED][i] =
        cg_ph(NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM, paths[i]);
    cg.cg_sp[M_EXCEEDED][i] =
        cg_ph(NETIPC_CGROUPS_LOOKUP_PAYLOAD_EXCEEDED, paths[i]);
  }

  /* APPS_LOOKUP: KNOWN items of 73 bytes and an UNKNOWN one of 63. */
  ap.method = NETIPC_METHOD_APPS_LOOKUP;
  ap.what = "apps";
  ap.pids = pids;
  for (i = 0; i < 4; i++) {
    ap.ap_it[i] = i == 2 ? ap_in(NETIPC_APPS_LOOKUP_UNKNOWN, 0, pids[i], "",
                                 "", "")
                         : ap_known(pids[i]);
    ap.sz[i] = i == 2 ? NETIPC_APPS_LOOKUP_PLACEHOLDER_LEN : AP_KNOWN_LEN;
    ap.ph[i] = NETIPC_APPS_LOOKUP_PLACEHOLDER_LEN;
    ap.ap_sp[M_ITEM][i] = i == 2
                              ? ap_spec_of(&ap.ap_it[i], "", "", "")
                              : ap_spec_of(&ap.ap_it[i], "proc", "/cg/x", "n");
    ap.ap_sp[M_OVERSIZED][i] =
        ap_ph(NETIPC_APPS_LOOKUP_OVERSIZED_ITEM, pids[i]);
    ap.ap_sp[M_EXCEEDED][i] =
        ap_ph(NETIPC_APPS_LOOKUP_PAYLOAD_EXCEEDED, pids[i]);
  }

  for (c = 40; c <= 520; c++, runs++)
    bad += sweep_at(&cg, c, &overflows);
  for (c = 48; c <= 400; c++, runs++)
    bad += sweep_at(&ap, c, &overflows);
  ok(bad == 0 && overflows > 0 && overflows < runs,
     "C = 40..520 (cgroups) and 48..400 (apps): every response equals the "
     "spec model of 5.1-5.2, OVERFLOW at the same add (%d runs, %d "
     "overflow)",
     runs, overflows);
}

/* Look-ahead edges: R, e > C, the suffix, P failing, k >= n. */
static void
test_builder_fit(void)
{
  static const char *const k3[3] = {"/cg/a", "/cg/c", "/cg/dddddddddd"};
  static const char *const k2[2] = {"/cg/a", "/cg/b"};
  static const char *const k1[1] = {"/cg/a"};
  netipc_lookup_builder b;
  netipc_lookup_req_view rq;
  netipc_cgroups_lookup_item it, bad;
  netipc_apps_lookup_item ai;
  cg_spec sp[3];
  size_t len = 0;
  int i, okk;

  /*
   * The suffix can start at an item that fits: keys /cg/a, /cg/c and a
   * 14-byte path (placeholders 35, 35, 44: R_2 = 44, R_1 = 84). Item 0 (40
   * bytes) at 40: e = 80, 80 + 84 <= 170. Item 1 (50 bytes) at 80 would
   * end at 130 <= 170, but e = 136 and 136 + 44 > 170: PAYLOAD_EXCEEDED.
   * Item 2, whatever the handler gives (here status 9), is a placeholder.
   */
  rq = cg_request(k3, 3);
  out_reset();
  netipc_lookup_builder_init(&b, out, 170, &rq);
  it = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, 1, "", "pod-a");
  sp[0] = cg_spec_of(&it, "/cg/a", "pod-a");
  okk = netipc_cgroups_lookup_builder_add_key(&b, &it) == NETIPC_OK;
  it = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, 1, "", "pod-c-long-name");
  okk &= netipc_cgroups_lookup_builder_add_key(&b, &it) == NETIPC_OK;
  bad = cg_in(9, 7, "", "content-that-breaks-4.3");
  is_err(netipc_cgroups_lookup_builder_add_key(&b, &bad), NETIPC_OK,
         "suffix mode: an add with invalid content (status 9) still "
         "succeeds");
  sp[1] = cg_ph(NETIPC_CGROUPS_LOOKUP_PAYLOAD_EXCEEDED, "/cg/c");
  sp[2] = cg_ph(NETIPC_CGROUPS_LOOKUP_PAYLOAD_EXCEEDED, k3[2]);
  ok(okk && netipc_lookup_builder_finish(&b, &len) == NETIPC_OK &&
         out_is(len, NETIPC_METHOD_CGROUPS_LOOKUP, 0, sp, 3),
     "look-ahead: item 1 fits alone but not with R_2: PAYLOAD_EXCEEDED "
     "from item 1, the rest placeholders whatever their content");
  out_reset();
  netipc_lookup_builder_init(&b, out, 180, &rq);
  it = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, 1, "", "pod-a");
  netipc_cgroups_lookup_builder_add_key(&b, &it);
  it = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, 1, "", "pod-c-long-name");
  netipc_cgroups_lookup_builder_add_key(&b, &it);
  ok(netipc_lookup_builder_finish(&b, &len) == NETIPC_ERR_BAD_ITEM_COUNT &&
         get32(out, DIR_OFF(1) + 4) == 50,
     "boundary: with C = 180 (136 + 44) item 1 is written (50 bytes)");
  is_err(netipc_cgroups_lookup_builder_add_key(&b, &bad),
         NETIPC_ERR_BAD_LAYOUT,
         "out of suffix mode the same invalid item is BAD_LAYOUT");

  /* e > C with C not a multiple of 8: item 0 of 37 bytes at 24 ends at 61. */
  rq = cg_request(k1, 1);
  it = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, 0, "", "ab");
  for (i = 0; i < 3; i++) {
    static const size_t caps[3] = {61, 63, 64};
    static const uint16_t want[3] = {NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM,
                                     NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM,
                                     NETIPC_CGROUPS_LOOKUP_KNOWN};
    out_reset();
    netipc_lookup_builder_init(&b, out, caps[i], &rq);
    netipc_cgroups_lookup_builder_add_key(&b, &it);
    ok(netipc_lookup_builder_finish(&b, &len) == NETIPC_OK &&
           get16(out, HDR + DIRENT + F_STATUS) == want[i] &&
           len == (want[i] == 0 ? 61u : 59u),
       "last key, C = %zu: a + s = 61, align8 = 64: %s", caps[i],
       want[i] == 0 ? "written" : "OVERSIZED_ITEM (e > C)");
  }
  /* The same for a later key: PAYLOAD_EXCEEDED. Item 0 (35) at 32, item 1
     (37) at 72 ends at 109 <= 109 but align8 is 112. */
  rq = cg_request(k2, 2);
  out_reset();
  netipc_lookup_builder_init(&b, out, 109, &rq);
  it = cg_in(NETIPC_CGROUPS_LOOKUP_UNKNOWN_RETRY_LATER, 0, "", "");
  netipc_cgroups_lookup_builder_add_key(&b, &it);
  it = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, 0, "", "ab");
  netipc_cgroups_lookup_builder_add_key(&b, &it);
  ok(netipc_lookup_builder_finish(&b, &len) == NETIPC_OK && len == 107 &&
         get16(out, HDR + 2 * DIRENT + 40 + F_STATUS) ==
             NETIPC_CGROUPS_LOOKUP_PAYLOAD_EXCEEDED,
     "last of 2 keys, C = 109: the item ending at 109 does not fit "
     "(e = 112): PAYLOAD_EXCEEDED");

  /* P fails: not even the placeholder fits. Nothing is written. */
  rq = cg_request(k1, 1);
  out_reset();
  netipc_lookup_builder_init(&b, out, HDR + DIRENT + 34, &rq);
  memcpy(snap, out, sizeof out);
  it = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, 0, "", "pod-a");
  is_err(netipc_cgroups_lookup_builder_add_key(&b, &it), NETIPC_ERR_OVERFLOW,
         "P: a 35-byte placeholder in 34 bytes: OVERFLOW");
  ok(memcmp(out, snap, sizeof out) == 0 &&
         netipc_lookup_builder_finish(&b, &len) == NETIPC_ERR_OVERFLOW,
     "P OVERFLOW: nothing written, finish reports it");
  rq = cg_request(k2, 2); /* needs 16 + 16 + R_0 (40 + 35) = 107 */
  out_reset();
  netipc_lookup_builder_init(&b, out, 106, &rq);
  it = cg_in(NETIPC_CGROUPS_LOOKUP_UNKNOWN_RETRY_LATER, 0, "", "");
  okk = netipc_cgroups_lookup_builder_add_key(&b, &it) == NETIPC_OK &&
        get16(out, HDR + 2 * DIRENT + F_STATUS) ==
            NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM;
  memcpy(snap, out, sizeof out);
  ok(okk && netipc_cgroups_lookup_builder_add_key(&b, &it) ==
                    NETIPC_ERR_OVERFLOW &&
         memcmp(out, snap, sizeof out) == 0,
     "C = 106 < 16 + 8n + R_0: item 0 OVERSIZED, the suffix placeholder "
     "for item 1 does not fit: OVERFLOW, nothing written");
  {
    static const uint32_t pids[2] = {1, 2};
    rq = ap_request(pids, 2); /* needs 72n + 15 = 159 */
    out_reset();
    netipc_lookup_builder_init(&b, out, 158, &rq);
    ai = ap_known(1);
    okk = netipc_apps_lookup_builder_add(&b, &ai) == NETIPC_OK;
    ai = ap_known(2);
    ok(okk && netipc_apps_lookup_builder_add(&b, &ai) == NETIPC_ERR_OVERFLOW,
       "apps, 2 keys, C = 158 < 72n + 15: OVERFLOW at the second add");
    out_reset();
    netipc_lookup_builder_init(&b, out, 159, &rq);
    ai = ap_known(1);
    netipc_apps_lookup_builder_add(&b, &ai);
    ai = ap_known(2);
    netipc_apps_lookup_builder_add(&b, &ai);
    ok(netipc_lookup_builder_finish(&b, &len) == NETIPC_OK && len == 159,
       "apps, 2 keys, C = 159: two placeholders, 159 bytes");
  }
  /* Without look-ahead (init_slots): item 0 may use the room item 1
     needs; then item 1's placeholder fails. */
  out_reset();
  netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_CGROUPS_LOOKUP, out,
                                   100, 2);
  it = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, 0, "/cg/a", "pod-a"); /* 40 */
  is_err(netipc_cgroups_lookup_builder_add(&b, &it), NETIPC_OK,
         "init_slots: item 0 written at 32, no room kept for item 1");
  ok(get16(out, HDR + 2 * DIRENT + F_STATUS) == NETIPC_CGROUPS_LOOKUP_KNOWN,
     "init_slots: no look-ahead (item 0 KNOWN, not OVERSIZED_ITEM)");
  memcpy(snap, out, sizeof out);
  ok(netipc_cgroups_lookup_builder_add(&b, &it) == NETIPC_ERR_OVERFLOW &&
         memcmp(out, snap, sizeof out) == 0,
     "init_slots: item 1 (40) and its placeholder (35) do not fit at 72 in "
     "100: OVERFLOW, nothing written");

  /* k >= n. */
  out_reset();
  netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_CGROUPS_LOOKUP, out,
                                   sizeof out, 1);
  it = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, 0, "/cg/a", "");
  netipc_cgroups_lookup_builder_add(&b, &it);
  memcpy(snap, out, sizeof out);
  ok(netipc_cgroups_lookup_builder_add(&b, &it) == NETIPC_ERR_OVERFLOW &&
         memcmp(out, snap, sizeof out) == 0 &&
         netipc_lookup_builder_finish(&b, &len) == NETIPC_ERR_OVERFLOW,
     "k >= n: a second add for 1 slot: OVERFLOW, nothing written, "
     "remembered");
  netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_APPS_LOOKUP, out,
                                   sizeof out, 0);
  ai = ap_known(1);
  is_err(netipc_apps_lookup_builder_add(&b, &ai), NETIPC_ERR_OVERFLOW,
         "k >= n: an add for 0 slots: OVERFLOW");
  bad = cg_in(9, 0, "/cg/a", "");
  netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_CGROUPS_LOOKUP, out,
                                   sizeof out, 0);
  is_err(netipc_cgroups_lookup_builder_add(&b, &bad), NETIPC_ERR_OVERFLOW,
         "step 2 before 3: no slot and invalid content: OVERFLOW");
  rq = cg_request(k1, 1);
  netipc_lookup_builder_init(&b, out, sizeof out, &rq);
  it = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, 0, "", "");
  netipc_cgroups_lookup_builder_add_key(&b, &it);
  is_err(netipc_cgroups_lookup_builder_add_key(&b, &it), NETIPC_ERR_OVERFLOW,
         "k >= n: add_key with every key answered: OVERFLOW");
  /* k >= n in suffix mode. */
  rq = cg_request(k3, 3);
  netipc_lookup_builder_init(&b, out, 170, &rq);
  it = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, 1, "", "pod-a");
  netipc_cgroups_lookup_builder_add_key(&b, &it);
  it = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, 1, "", "pod-c-long-name");
  netipc_cgroups_lookup_builder_add_key(&b, &it);
  netipc_cgroups_lookup_builder_add_key(&b, &it);
  it.path = sv("/cg/extra");
  is_err(netipc_cgroups_lookup_builder_add(&b, &it), NETIPC_ERR_OVERFLOW,
         "k >= n in suffix mode: a fourth add for 3 keys: OVERFLOW");

  /* Step 3 before 4: too big and invalid: BAD_LAYOUT, not a placeholder. */
  rq = cg_request(k1, 1);
  out_reset();
  netipc_lookup_builder_init(&b, out, 64, &rq);
  bad = cg_in(NETIPC_CGROUPS_LOOKUP_UNKNOWN_PERMANENT, 0, "",
              "a name that does not fit in 64 bytes at all");
  is_err(netipc_cgroups_lookup_builder_add_key(&b, &bad),
         NETIPC_ERR_BAD_LAYOUT,
         "step 3 before 4: invalid and too large: BAD_LAYOUT");
}

/* The add of *item (a cgroups or apps item) to a one-slot builder fails
   with BAD_LAYOUT and writes nothing. */
static int
add_rejected(uint16_t method, const void *item)
{
  netipc_lookup_builder b;
  netipc_err e;
  out_reset();
  netipc_lookup_builder_init_slots(&b, method, out, sizeof out, 1);
  memcpy(snap, out, sizeof out);
  e = method == NETIPC_METHOD_APPS_LOOKUP
          ? netipc_apps_lookup_builder_add(&b, item)
          : netipc_cgroups_lookup_builder_add(&b, item);
  return e == NETIPC_ERR_BAD_LAYOUT && memcmp(out, snap, sizeof out) == 0;
}

/* Step 3: each content rule, alone. */
typedef struct bad_cg {
  const char *what;
  netipc_cgroups_lookup_item it;
} bad_cg;

static void
test_builder_content(void)
{
  static const netipc_lookup_label empty_key[1] = {{{"", 0}, {"v", 1}}};
  static const netipc_lookup_label nul_key[1] = {{{"k\0y", 3}, {"v", 1}}};
  static const netipc_lookup_label nul_value[1] = {{{"k", 1}, {"v\0", 2}}};
  static const netipc_lookup_label good[1] = {{{"k", 1}, {"v", 1}}};
  static const netipc_string_view nul_path = {"/a\0b", 4};
  static const netipc_string_view nul_name = {"\0", 1};
  netipc_lookup_builder b;
  netipc_cgroups_lookup_item it;
  netipc_lookup_req_view rq;
  static const char *const k1[1] = {"/req"};
  size_t len = 0;
  int i, okk;
  bad_cg cases[12];
  int nc = 0;

#define CG_CASE(desc, st, orch_, path_, name_, labels_, n_)                  \
  do {                                                                        \
    cases[nc].what = (desc);                                                  \
    cases[nc].it = cg_in((st), (orch_), NULL, NULL);                          \
    cases[nc].it.path = (path_);                                              \
    cases[nc].it.name = (name_);                                              \
    cases[nc].it.labels = (labels_);                                          \
    cases[nc].it.label_count = (n_);                                          \
    nc++;                                                                     \
  } while (0)

  CG_CASE("status 5", NETIPC_CGROUPS_LOOKUP_STATUS_MAX + 1, 0, sv("/p"),
          sv(""), NULL, 0);
  CG_CASE("UNKNOWN_RETRY_LATER with orchestrator 1",
          NETIPC_CGROUPS_LOOKUP_UNKNOWN_RETRY_LATER, 1, sv("/p"), sv(""),
          NULL, 0);
  CG_CASE("UNKNOWN_PERMANENT with a name",
          NETIPC_CGROUPS_LOOKUP_UNKNOWN_PERMANENT, 0, sv("/p"), sv("n"), NULL,
          0);
  CG_CASE("OVERSIZED_ITEM with a label", NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM,
          0, sv("/p"), sv(""), good, 1);
  CG_CASE("PAYLOAD_EXCEEDED with orchestrator 2",
          NETIPC_CGROUPS_LOOKUP_PAYLOAD_EXCEEDED, 2, sv("/p"), sv(""), NULL,
          0);
  CG_CASE("a NUL inside the path", NETIPC_CGROUPS_LOOKUP_KNOWN, 0, nul_path,
          sv(""), NULL, 0);
  CG_CASE("a name that is one NUL byte", NETIPC_CGROUPS_LOOKUP_KNOWN, 0,
          sv("/p"), nul_name, NULL, 0);
  CG_CASE("an empty path", NETIPC_CGROUPS_LOOKUP_KNOWN, 0, sv(""), sv("n"),
          NULL, 0);
  CG_CASE("an empty label key", NETIPC_CGROUPS_LOOKUP_KNOWN, 0, sv("/p"),
          sv(""), empty_key, 1);
  CG_CASE("a NUL inside a label key", NETIPC_CGROUPS_LOOKUP_KNOWN, 0,
          sv("/p"), sv(""), nul_key, 1);
  CG_CASE("a NUL inside a label value", NETIPC_CGROUPS_LOOKUP_KNOWN, 0,
          sv("/p"), sv(""), nul_value, 1);
#undef CG_CASE

  for (i = 0; i < nc; i++)
    ok(add_rejected(NETIPC_METHOD_CGROUPS_LOOKUP, &cases[i].it),
       "builder CGROUPS_LOOKUP: %s: BAD_LAYOUT, nothing written",
       cases[i].what);
  /* The request-backed add still validates the handler's fields. */
  rq = cg_request(k1, 1);
  netipc_lookup_builder_init(&b, out, sizeof out, &rq);
  it = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, 0, "", "");
  it.name = nul_name;
  is_err(netipc_cgroups_lookup_builder_add_key(&b, &it), NETIPC_ERR_BAD_LAYOUT,
         "add_key: a NUL in the name: BAD_LAYOUT");

  /* Accepted content: the handler's own OVERSIZED_ITEM, orchestrator 0xFFFF,
     labels with empty values. */
  {
    static const netipc_lookup_label ev[2] = {{{"a", 1}, {"", 0}},
                                              {{"a", 1}, {NULL, 0}}};
    netipc_lookup_view v;
    netipc_cgroups_lookup_item_view iv;
    out_reset();
    netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_CGROUPS_LOOKUP, out,
                                     sizeof out, 2);
    it = cg_in(NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM, 0, "/o", "");
    okk = netipc_cgroups_lookup_builder_add(&b, &it) == NETIPC_OK;
    it = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, 0xFFFF, "/k", NULL);
    it.labels = ev;
    it.label_count = 2;
    okk &= netipc_cgroups_lookup_builder_add(&b, &it) == NETIPC_OK;
    ok(okk && netipc_lookup_builder_finish(&b, &len) == NETIPC_OK &&
           netipc_cgroups_lookup_resp_decode(out, len, &v) == NETIPC_OK &&
           netipc_cgroups_lookup_resp_item(&v, 0, &iv) == NETIPC_OK &&
           iv.status == NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM &&
           netipc_cgroups_lookup_resp_item(&v, 1, &iv) == NETIPC_OK &&
           iv.orchestrator == 0xFFFF && iv.labels.count == 2,
       "builder accepts a handler's OVERSIZED_ITEM, orchestrator 0xFFFF, "
       "a NULL empty name, duplicate keys and empty values");
  }
}

typedef struct bad_ap {
  const char *what;
  netipc_apps_lookup_item it;
} bad_ap;

static void
test_builder_apps_content(void)
{
  static const netipc_lookup_label good[1] = {{{"k", 1}, {"v", 1}}};
  static const netipc_lookup_label empty_key[1] = {{{"", 0}, {"v", 1}}};
  static const netipc_lookup_label nul_key[1] = {{{"\0", 1}, {"v", 1}}};
  static const netipc_lookup_label nul_value[1] = {{{"k", 1}, {"\0v", 2}}};
  static const netipc_string_view nul3 = {"a\0b", 3};
  netipc_lookup_builder b;
  netipc_apps_lookup_item base_unknown, base_known, base_retry, base_perm,
      base_root, x;
  bad_ap cases[40];
  size_t len = 0;
  int nc = 0, i, okk;

  base_unknown = ap_in(NETIPC_APPS_LOOKUP_UNKNOWN, 0, 7, "", "", "");
  base_known = ap_known(7);
  base_retry = ap_in(NETIPC_APPS_LOOKUP_KNOWN,
                     NETIPC_APPS_CGROUP_UNKNOWN_RETRY_LATER, 7, "w", "", "");
  base_perm = ap_in(NETIPC_APPS_LOOKUP_KNOWN,
                    NETIPC_APPS_CGROUP_UNKNOWN_PERMANENT, 7, "w", "/p", "");
  base_root =
      ap_in(NETIPC_APPS_LOOKUP_KNOWN, NETIPC_APPS_CGROUP_HOST_ROOT, 7, "w",
            "", "");

#define AP_CASE(desc, base, stmt)                                             \
  do {                                                                        \
    x = (base);                                                               \
    stmt;                                                                     \
    cases[nc].what = (desc);                                                  \
    cases[nc].it = x;                                                         \
    nc++;                                                                     \
  } while (0)

  AP_CASE("PID status 4", base_unknown,
          x.status = NETIPC_APPS_LOOKUP_STATUS_MAX + 1);
  AP_CASE("cgroup status 4", base_root,
          x.cgroup_status = NETIPC_APPS_CGROUP_STATUS_MAX + 1);
  AP_CASE("comm of 16 bytes", base_known, x.comm = sv("0123456789abcdef"));
  AP_CASE("UNKNOWN with orchestrator 1", base_unknown, x.orchestrator = 1);
  AP_CASE("UNKNOWN with cgroup status 3", base_unknown,
          x.cgroup_status = NETIPC_APPS_CGROUP_HOST_ROOT);
  AP_CASE("UNKNOWN with ppid 1", base_unknown, x.ppid = 1);
  AP_CASE("UNKNOWN with starttime 1", base_unknown, x.starttime = 1);
  AP_CASE("UNKNOWN with uid 0", base_unknown, x.uid = 0);
  AP_CASE("UNKNOWN with a comm", base_unknown, x.comm = sv("c"));
  AP_CASE("UNKNOWN with a cgroup path", base_unknown,
          x.cgroup_path = sv("/p"));
  AP_CASE("UNKNOWN with a cgroup name", base_unknown,
          x.cgroup_name = sv("n"));
  AP_CASE("UNKNOWN with a label", base_unknown,
          (x.labels = good, x.label_count = 1));
  AP_CASE("PAYLOAD_EXCEEDED with uid 0", base_unknown,
          (x.status = NETIPC_APPS_LOOKUP_PAYLOAD_EXCEEDED, x.uid = 0));
  AP_CASE("OVERSIZED_ITEM with ppid 1", base_unknown,
          (x.status = NETIPC_APPS_LOOKUP_OVERSIZED_ITEM, x.ppid = 1));
  AP_CASE("KNOWN with an empty comm", base_root, x.comm = sv(""));
  AP_CASE("cgroup KNOWN with an empty path", base_known,
          x.cgroup_path = sv(""));
  AP_CASE("RETRY_LATER with orchestrator 1", base_retry, x.orchestrator = 1);
  AP_CASE("RETRY_LATER with a name", base_retry, x.cgroup_name = sv("n"));
  AP_CASE("RETRY_LATER with a label", base_retry,
          (x.labels = good, x.label_count = 1));
  AP_CASE("PERMANENT with an empty path", base_perm, x.cgroup_path = sv(""));
  AP_CASE("PERMANENT with orchestrator 2", base_perm, x.orchestrator = 2);
  AP_CASE("PERMANENT with a name", base_perm, x.cgroup_name = sv("n"));
  AP_CASE("PERMANENT with a label", base_perm,
          (x.labels = good, x.label_count = 1));
  AP_CASE("HOST_ROOT with a path", base_root, x.cgroup_path = sv("/"));
  AP_CASE("HOST_ROOT with a name", base_root, x.cgroup_name = sv("n"));
  AP_CASE("HOST_ROOT with orchestrator 1", base_root, x.orchestrator = 1);
  AP_CASE("HOST_ROOT with a label", base_root,
          (x.labels = good, x.label_count = 1));
  AP_CASE("a NUL inside comm", base_known, x.comm = nul3);
  AP_CASE("a NUL inside the cgroup path", base_known, x.cgroup_path = nul3);
  AP_CASE("a NUL inside the cgroup name", base_known, x.cgroup_name = nul3);
  AP_CASE("an empty label key", base_known,
          (x.labels = empty_key, x.label_count = 1));
  AP_CASE("a NUL label key", base_known,
          (x.labels = nul_key, x.label_count = 1));
  AP_CASE("a NUL inside a label value", base_known,
          (x.labels = nul_value, x.label_count = 1));
#undef AP_CASE

  for (i = 0; i < nc; i++)
    ok(add_rejected(NETIPC_METHOD_APPS_LOOKUP, &cases[i].it),
       "builder APPS_LOOKUP: %s: BAD_LAYOUT, nothing written",
       cases[i].what);

  /* Accepted rows. */
  {
    netipc_apps_lookup_item rows[6];
    rows[0] = base_unknown;
    rows[1] = base_known;
    rows[2] = base_retry; /* no path */
    rows[3] = base_retry;
    rows[3].cgroup_path = sv("/pending");
    rows[4] = base_perm;
    rows[5] = base_root;
    rows[5].uid = UNSET;
    rows[5].ppid = 0;
    rows[5].starttime = UINT64_MAX;
    rows[1].comm = sv("123456789012345");
    rows[1].orchestrator = 0xFFFF;
    rows[1].labels = good;
    rows[1].label_count = 1;
    out_reset();
    netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_APPS_LOOKUP, out,
                                     sizeof out, 6);
    okk = 1;
    for (i = 0; i < 6; i++)
      okk &= netipc_apps_lookup_builder_add(&b, &rows[i]) == NETIPC_OK;
    ok(okk && netipc_lookup_builder_finish(&b, &len) == NETIPC_OK &&
           netipc_apps_lookup_resp_decode(out, len, &(netipc_lookup_view){0}) ==
               NETIPC_OK,
       "builder accepts every row of 4.4: UNKNOWN, KNOWN (15-byte comm, "
       "orchestrator 0xFFFF, label), RETRY_LATER with and without a path, "
       "PERMANENT, HOST_ROOT (uid unset, starttime max)");
  }
}

/* Sticky errors, BAD_ITEM_COUNT, add_key echo, argument errors. */
static void
test_builder_misc(void)
{
  static const char *const k2[2] = {"/req/0", "/req/1"};
  netipc_lookup_builder b;
  netipc_lookup_req_view rq;
  netipc_cgroups_lookup_item it, badit;
  netipc_apps_lookup_item ai;
  netipc_lookup_view v;
  netipc_cgroups_lookup_item_view iv;
  size_t len = 0;

  /* The first failure is remembered. */
  out_reset();
  netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_CGROUPS_LOOKUP, out,
                                   sizeof out, 2);
  badit = cg_in(NETIPC_CGROUPS_LOOKUP_UNKNOWN_RETRY_LATER, 3, "/a", "");
  is_err(netipc_cgroups_lookup_builder_add(&b, &badit), NETIPC_ERR_BAD_LAYOUT,
         "sticky: first add BAD_LAYOUT");
  memcpy(snap, out, sizeof out);
  it = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, 0, "/a", "");
  is_err(netipc_cgroups_lookup_builder_add(&b, &it), NETIPC_ERR_BAD_LAYOUT,
         "sticky: a valid add after it reports the BAD_LAYOUT");
  ok(memcmp(out, snap, sizeof out) == 0, "sticky: and writes nothing");
  is_err(netipc_lookup_builder_finish(&b, &len), NETIPC_ERR_BAD_LAYOUT,
         "sticky: finish reports the BAD_LAYOUT");
  rq = cg_request(k2, 2);
  netipc_lookup_builder_init(&b, out, sizeof out, &rq);
  netipc_cgroups_lookup_builder_add_key(&b, &badit);
  is_err(netipc_cgroups_lookup_builder_add_key(&b, &it), NETIPC_ERR_BAD_LAYOUT,
         "sticky: add_key after a failure reports it");
  netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_CGROUPS_LOOKUP, out,
                                   sizeof out, 1);
  netipc_cgroups_lookup_builder_add(&b, &it);
  netipc_cgroups_lookup_builder_add(&b, &it); /* OVERFLOW */
  ok(netipc_cgroups_lookup_builder_add(&b, &badit) == NETIPC_ERR_OVERFLOW &&
         netipc_lookup_builder_finish(&b, &len) == NETIPC_ERR_OVERFLOW,
     "sticky: OVERFLOW stays, even over a later BAD_LAYOUT content");

  /* Fewer items than keys. */
  netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_CGROUPS_LOOKUP, out,
                                   sizeof out, 2);
  netipc_cgroups_lookup_builder_add(&b, &it);
  len = 12345;
  is_err(netipc_lookup_builder_finish(&b, &len), NETIPC_ERR_BAD_ITEM_COUNT,
         "finish with 1 of 2 items: BAD_ITEM_COUNT");
  netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_APPS_LOOKUP, out,
                                   sizeof out, 1);
  is_err(netipc_lookup_builder_finish(&b, &len), NETIPC_ERR_BAD_ITEM_COUNT,
         "finish with 0 of 1 items: BAD_ITEM_COUNT");

  /* add_key echoes the request path; item->path is ignored. */
  out_reset();
  netipc_lookup_builder_init(&b, out, sizeof out, &rq);
  it = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, 1, "/something/else", "n");
  netipc_cgroups_lookup_builder_add_key(&b, &it);
  it.path.ptr = NULL;
  it.path.len = 99; /* not even looked at */
  netipc_cgroups_lookup_builder_add_key(&b, &it);
  ok(netipc_lookup_builder_finish(&b, &len) == NETIPC_OK &&
         netipc_cgroups_lookup_resp_decode(out, len, &v) == NETIPC_OK &&
         netipc_cgroups_lookup_resp_item(&v, 0, &iv) == NETIPC_OK &&
         sv_is(iv.path, "/req/0") && sv_is(iv.name, "n") &&
         netipc_cgroups_lookup_resp_item(&v, 1, &iv) == NETIPC_OK &&
         sv_is(iv.path, "/req/1"),
     "add_key: items echo the request paths, item->path ignored");
  /* The placeholder echoes the request path too. */
  out_reset();
  netipc_lookup_builder_init(&b, out, HDR + 2 * DIRENT + 40 + 36, &rq);
  it = cg_in(NETIPC_CGROUPS_LOOKUP_KNOWN, 1, "/else", "a-long-name-here");
  netipc_cgroups_lookup_builder_add_key(&b, &it);
  netipc_cgroups_lookup_builder_add_key(&b, &it);
  ok(netipc_lookup_builder_finish(&b, &len) == NETIPC_OK &&
         netipc_cgroups_lookup_resp_decode(out, len, &v) == NETIPC_OK &&
         netipc_cgroups_lookup_resp_item(&v, 0, &iv) == NETIPC_OK &&
         iv.status == NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM &&
         sv_is(iv.path, "/req/0") &&
         netipc_cgroups_lookup_resp_item(&v, 1, &iv) == NETIPC_OK &&
         iv.status == NETIPC_CGROUPS_LOOKUP_PAYLOAD_EXCEEDED &&
         sv_is(iv.path, "/req/1"),
     "add_key placeholders echo the request paths");

  /* Argument errors. */
  netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_CGROUPS_LOOKUP, out,
                                   sizeof out, 1);
  is_err(netipc_cgroups_lookup_builder_add_key(&b, &it),
         NETIPC_ERR_INVALID_ARG, "add_key without a request (init_slots): "
                                 "INVALID_ARG");
  ai = ap_known(1);
  is_err(netipc_apps_lookup_builder_add(&b, &ai), NETIPC_ERR_INVALID_ARG,
         "apps add on a CGROUPS_LOOKUP builder: INVALID_ARG");
  is_err(netipc_cgroups_lookup_builder_add(&b, NULL), NETIPC_ERR_INVALID_ARG,
         "cgroups add NULL item: INVALID_ARG");
  is_err(netipc_cgroups_lookup_builder_add(NULL, &it), NETIPC_ERR_INVALID_ARG,
         "cgroups add NULL builder: INVALID_ARG");
  netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_APPS_LOOKUP, out,
                                   sizeof out, 1);
  is_err(netipc_cgroups_lookup_builder_add(&b, &it), NETIPC_ERR_INVALID_ARG,
         "cgroups add on an APPS_LOOKUP builder: INVALID_ARG");
  is_err(netipc_apps_lookup_builder_add(&b, NULL), NETIPC_ERR_INVALID_ARG,
         "apps add NULL item: INVALID_ARG");
  is_err(netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_INCREMENT, out,
                                          sizeof out, 1),
         NETIPC_ERR_INVALID_ARG, "init_slots for method INCREMENT: "
                                 "INVALID_ARG");
  is_err(netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_APPS_LOOKUP, NULL,
                                          sizeof out, 1),
         NETIPC_ERR_INVALID_ARG, "init_slots NULL buffer: INVALID_ARG");
  is_err(netipc_lookup_builder_init(&b, out, sizeof out, NULL),
         NETIPC_ERR_INVALID_ARG, "init NULL request: INVALID_ARG");
  is_err(netipc_lookup_builder_init(NULL, out, sizeof out, &rq),
         NETIPC_ERR_INVALID_ARG, "init NULL builder: INVALID_ARG");
  is_err(netipc_lookup_builder_finish(&b, NULL), NETIPC_ERR_INVALID_ARG,
         "finish NULL out_len: INVALID_ARG");
  is_err(netipc_lookup_builder_finish(NULL, &len), NETIPC_ERR_INVALID_ARG,
         "finish NULL builder: INVALID_ARG");
  netipc_lookup_builder_set_generation(NULL, 1); /* must not crash */
  ok(1, "set_generation(NULL) is harmless");
}

int
main(void)
{
  plan(PLAN);
  test_fixtures();
  test_v1_v5();
  test_c1_c6();
  test_labels();
  test_a1_a3();
  test_a4();
  test_a5_a6();
  test_accepts();
  test_views();
  test_builder_layout();
  test_builder_placeholders();
  test_builder_sweep();
  test_builder_fit();
  test_builder_content();
  test_builder_apps_content();
  test_builder_misc();
  return exit_status();
}
