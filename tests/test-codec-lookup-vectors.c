/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-codec-lookup-vectors.c - the golden vectors of shared/vectors/lookup/
 * (bytes produced by the reference implementation, vectors/README.md
 * section lookup/):
 *
 * - the 19 single payloads decode to the README inputs, and encoding those
 *   inputs (requests with the encoders, responses with a slots builder of
 *   8192 bytes and no look-ahead) gives the same bytes;
 * - for the five recorded logical calls, every sub-request decodes to its
 *   keys and re-encodes to itself; the look-ahead builder, fed the decoded
 *   sub-request, the group's agreed response limit and the README's
 *   handler answers (lookup-answers.c), writes exactly the recorded
 *   sub-response; and the final payload is the stitching (lookups.md 8.5)
 *   of the kept sub-response items and the client-made placeholder.
 *
 * NETIPC_VECTORS names the directory that contains lookup/; the value
 * "bundled" selects NETIPC_BUNDLED_VECTORS (tests/data, which holds the
 * copy in tests/data/lookup/). A missing file is a hard failure ("Bail
 * out!"), never a skip. When the shared copy is used, every bundled copy
 * must equal it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <string.h>

#include <netipc/codec.h>
#include <netipc/lookup.h>

#include "bytes.h"
#include "lookup-answers.h"
#include "strview.h"
#include "tap.h"
#include "vectors.h"

#define PLAN 271

#define SLOTS_CAP 8192u /* the reference fixture's builder buffer */
#define HDR NETIPC_LOOKUP_HDR_LEN
#define LONG_KEY_LEN 200u /* '/' and 199 'L' */

/* Response header fields (lookups.md 4.1). */
enum { H_VERSION = 0, H_COUNT = 4, H_GEN = 8 };

/* ---- the vector files --------------------------------------------------- */

enum {
  /* single payloads */
  F_CG_REQ,
  F_CG_REQ_EMPTY,
  F_CG_WITH_LABELS,
  F_CG_NO_LABELS,
  F_CG_RETRY,
  F_CG_PERMANENT,
  F_CG_PAYLOAD_EXCEEDED,
  F_CG_OVERSIZED,
  F_CG_RESP_EMPTY,
  F_AP_REQ,
  F_AP_REQ_EMPTY,
  F_AP_FULL,
  F_AP_RETRY,
  F_AP_PERMANENT,
  F_AP_HOST_ROOT,
  F_AP_UNKNOWN,
  F_AP_PAYLOAD_EXCEEDED,
  F_AP_OVERSIZED,
  F_AP_RESP_EMPTY,
  F_SINGLE_COUNT,
  /* logical calls */
  F_OM_REQ1 = F_SINGLE_COUNT,
  F_OM_RESP1,
  F_OM_REQ2,
  F_OM_RESP2,
  F_OM_FINAL,
  F_LK_REQ1,
  F_LK_RESP1,
  F_LK_REQ2,
  F_LK_RESP2,
  F_LK_FINAL,
  F_SP_REQ1,
  F_SP_RESP1,
  F_SP_REQ2,
  F_SP_RESP2,
  F_SP_FINAL,
  F_FO_REQ1,
  F_FO_RESP1,
  F_FO_REQ2,
  F_FO_RESP2,
  F_FO_FINAL,
  F_MX_REQ1,
  F_MX_RESP1,
  F_MX_FINAL,
  F_COUNT
};

/* Every file of the lookup/ tables in vectors/README.md, with its size. */
static const struct {
  const char *name;
  size_t bytes;
} files[F_COUNT] = {
    {"cgroups_lookup_req.bin", 87},
    {"cgroups_lookup_req_empty.bin", 16},
    {"cgroups_lookup_resp_known_with_labels.bin", 138},
    {"cgroups_lookup_resp_known_no_labels.bin", 65},
    {"cgroups_lookup_resp_unknown_retry.bin", 68},
    {"cgroups_lookup_resp_unknown_permanent.bin", 59},
    {"cgroups_lookup_resp_payload_exceeded.bin", 71},
    {"cgroups_lookup_resp_oversized_item.bin", 64},
    {"cgroups_lookup_resp_empty.bin", 16},
    {"apps_lookup_req.bin", 64},
    {"apps_lookup_req_empty.bin", 16},
    {"apps_lookup_resp_known_full.bin", 191},
    {"apps_lookup_resp_known_retry.bin", 98},
    {"apps_lookup_resp_known_permanent.bin", 101},
    {"apps_lookup_resp_known_host_root.bin", 91},
    {"apps_lookup_resp_unknown_pid.bin", 87},
    {"apps_lookup_resp_payload_exceeded.bin", 87},
    {"apps_lookup_resp_oversized_item.bin", 87},
    {"apps_lookup_resp_empty.bin", 16},
    {"cgroups_lookup_call_oversized_middle_sub1_req.bin", 62},
    {"cgroups_lookup_call_oversized_middle_sub1_resp.bin", 179},
    {"cgroups_lookup_call_oversized_middle_sub2_req.bin", 46},
    {"cgroups_lookup_call_oversized_middle_sub2_resp.bin", 112},
    {"cgroups_lookup_call_oversized_middle_final.bin", 184},
    {"cgroups_lookup_call_long_key_sub1_req.bin", 46},
    {"cgroups_lookup_call_long_key_sub1_resp.bin", 136},
    {"cgroups_lookup_call_long_key_sub2_req.bin", 16},
    {"cgroups_lookup_call_long_key_sub2_resp.bin", 16},
    {"cgroups_lookup_call_long_key_final.bin", 374},
    {"apps_lookup_call_split_sub1_req.bin", 80},
    {"apps_lookup_call_split_sub1_resp.bin", 319},
    {"apps_lookup_call_split_sub2_req.bin", 64},
    {"apps_lookup_call_split_sub2_resp.bin", 273},
    {"apps_lookup_call_split_final.bin", 361},
    {"apps_lookup_call_first_oversized_sub1_req.bin", 48},
    {"apps_lookup_call_first_oversized_sub1_resp.bin", 159},
    {"apps_lookup_call_first_oversized_sub2_req.bin", 32},
    {"apps_lookup_call_first_oversized_sub2_resp.bin", 97},
    {"apps_lookup_call_first_oversized_final.bin", 169},
    {"apps_lookup_call_mixed_sub1_req.bin", 80},
    {"apps_lookup_call_mixed_sub1_resp.bin", 381},
    {"apps_lookup_call_mixed_final.bin", 381},
};

static vectors_blob vec[F_COUNT];
static vectors_dirs dirs;

#define WHERE_HINT                                                            \
  "the shared/ directory (with shared/vectors/lookup/) must sit beside the " \
  "project root, or configure --with-vectors=bundled to use tests/data"

static const char *
file_name(int i)
{
  return files[i].name;
}

/* 1 + F_COUNT checks: the README sizes; each bundled copy is equal. */
static void
test_files(void)
{
  int i, sizes_ok = 1;

  for (i = 0; i < F_COUNT; i++)
    if (vec[i].len != files[i].bytes) {
      sizes_ok = 0;
      diag("%s: %zu bytes, README says %zu", files[i].name, vec[i].len,
           files[i].bytes);
    }
  ok(sizes_ok, "all %d lookup vectors have the README sizes", F_COUNT);
  vectors_check_bundled(&dirs, vec, F_COUNT, file_name);
}

/* ---- helpers ------------------------------------------------------------ */

static int
sv_eq(netipc_string_view a, netipc_string_view b)
{
  return a.len == b.len && a.ptr != NULL && b.ptr != NULL &&
         memcmp(a.ptr, b.ptr, a.len) == 0;
}

/* Directory entry i of a decoded response is {off, len}. */
static int
dir_is(const uint8_t *payload, uint32_t i, uint32_t off, uint32_t len)
{
  size_t at = HDR + (size_t)NETIPC_DIR_ENTRY_LEN * i;
  return get32(payload, at) == off && get32(payload, at + 4) == len;
}

/* Label i of labels is (key, value). */
static int
label_is(const netipc_lookup_labels *l, uint16_t i, const char *key,
         const char *value)
{
  netipc_lookup_label lab;
  return netipc_lookup_label_get(l, i, &lab) == NETIPC_OK &&
         sv_is(lab.key, key) && sv_is(lab.value, value);
}

static char long_key[LONG_KEY_LEN + 1];

static netipc_err
req_decode_file(uint16_t method, int file, netipc_lookup_req_view *v)
{
  return method == NETIPC_METHOD_APPS_LOOKUP
             ? netipc_apps_lookup_req_decode(vec[file].data, vec[file].len, v)
             : netipc_cgroups_lookup_req_decode(vec[file].data, vec[file].len,
                                                v);
}

/* 2 checks: the empty request `file` decodes to no keys and is what the
   encoder writes for none. */
static void
test_empty_request(int file, uint16_t method)
{
  static const netipc_string_view no_path = {"", 0};
  static const uint32_t no_pid = 0;
  const char *name = files[file].name;
  netipc_lookup_req_view v;
  uint8_t buf[64];
  size_t n = 0;
  netipc_err err;

  ok(req_decode_file(method, file, &v) == NETIPC_OK && v.item_count == 0,
     "%s decodes: 0 keys", name);
  memset(buf, 0xA5, sizeof buf);
  err = method == NETIPC_METHOD_APPS_LOOKUP
            ? netipc_apps_lookup_req_encode(&no_pid, 0, buf, sizeof buf, &n)
            : netipc_cgroups_lookup_req_encode(&no_path, 0, buf, sizeof buf,
                                               &n);
  ok(err == NETIPC_OK && n == HDR && memcmp(buf, vec[file].data, n) == 0,
     "%s re-encoded byte for byte", name);
}

/* ---- single payloads: the checks both methods share --------------------- */

static netipc_err
resp_decode_file(uint16_t method, int file, netipc_lookup_view *v)
{
  return method == NETIPC_METHOD_APPS_LOOKUP
             ? netipc_apps_lookup_resp_decode(vec[file].data, vec[file].len,
                                              v)
             : netipc_cgroups_lookup_resp_decode(vec[file].data,
                                                 vec[file].len, v);
}

/* 3 checks: the single-item response `file` decodes, has one item of
   item_len bytes (directory {0, item_len}) that ends the payload. */
static void
test_single_head(int file, uint16_t method, uint64_t generation,
                 uint32_t item_len, netipc_lookup_view *v)
{
  const char *name = files[file].name;
  const uint8_t *d = vec[file].data;
  size_t len = vec[file].len;
  const void *ib = NULL;
  uint32_t ilen = 0;

  memset(v, 0, sizeof *v);
  is_err(resp_decode_file(method, file, v), NETIPC_OK, "%s decodes", name);
  ok(v->item_count == 1 && v->generation == generation &&
         v->method == method && v->payload_len == len,
     "%s: 1 item, generation %llu", name, (unsigned long long)generation);
  ok(dir_is(d, 0, 0, item_len) &&
         netipc_lookup_resp_item_bytes(v, 0, &ib, &ilen) == NETIPC_OK &&
         ib == d + HDR + NETIPC_DIR_ENTRY_LEN && ilen == item_len &&
         len == HDR + NETIPC_DIR_ENTRY_LEN + item_len,
     "%s: dir {0,%u}, the item ends the payload", name, item_len);
}

/* The n labels of a decoded item are (keys[i], values[i]). */
static int
labels_are(const netipc_lookup_labels *l, uint16_t n,
           const char *const *keys, const char *const *values)
{
  uint16_t i;
  int same = l->count == n;
  for (i = 0; same && i < n; i++)
    same &= label_is(l, i, keys[i], values[i]);
  return same;
}

/* The n labels (keys[i], values[i]) as builder input in out; NULL if none. */
static const netipc_lookup_label *
labels_in(netipc_lookup_label *out, uint16_t n, const char *const *keys,
          const char *const *values)
{
  uint16_t i;
  for (i = 0; i < n; i++) {
    out[i].key = sv(keys[i]);
    out[i].value = sv(values[i]);
  }
  return n != 0 ? out : NULL;
}

/*
 * 1 check: a slots builder of SLOTS_CAP bytes with the generation and, if
 * item is not NULL, that one item (a cgroups or apps item) writes `file`
 * byte for byte. what ends the description.
 */
static void
test_reencoded(int file, uint16_t method, uint64_t generation,
               const void *item, const char *what)
{
  static uint8_t buf[SLOTS_CAP];
  netipc_lookup_builder b;
  size_t out = 0;
  int built;

  memset(buf, 0xA5, sizeof buf);
  built = netipc_lookup_builder_init_slots(&b, method, buf, SLOTS_CAP,
                                           item != NULL ? 1 : 0) == NETIPC_OK;
  if (built)
    netipc_lookup_builder_set_generation(&b, generation);
  if (built && item != NULL)
    built = (method == NETIPC_METHOD_APPS_LOOKUP
                 ? netipc_apps_lookup_builder_add(&b, item)
                 : netipc_cgroups_lookup_builder_add(&b, item)) == NETIPC_OK;
  ok(built && netipc_lookup_builder_finish(&b, &out) == NETIPC_OK &&
         out == vec[file].len && memcmp(buf, vec[file].data, out) == 0,
     "%s re-encoded byte for byte%s", files[file].name, what);
}

/* ---- single CGROUPS_LOOKUP payloads ------------------------------------- */

static void
test_cg_requests(void)
{
  static const char *const paths[2] = {"/sys/fs/cgroup/a",
                                       "/system.slice/docker-abc.scope"};
  netipc_string_view k[2], p;
  netipc_lookup_req_view v;
  uint8_t buf[256];
  size_t n = 0;
  const uint8_t *d = vec[F_CG_REQ].data;

  is_err(netipc_cgroups_lookup_req_decode(d, vec[F_CG_REQ].len, &v), NETIPC_OK,
         "cgroups_lookup_req.bin decodes");
  ok(v.item_count == 2 && v.method == NETIPC_METHOD_CGROUPS_LOOKUP &&
         v.payload_len == 87,
     "cgroups_lookup_req.bin: 2 keys, 87 bytes");
  ok(netipc_cgroups_lookup_req_path(&v, 0, &p) == NETIPC_OK &&
         sv_is(p, paths[0]),
     "cgroups_lookup_req.bin: key 0 is %s (16 bytes)", paths[0]);
  ok(netipc_cgroups_lookup_req_path(&v, 1, &p) == NETIPC_OK &&
         sv_is(p, paths[1]),
     "cgroups_lookup_req.bin: key 1 is %s (30 bytes)", paths[1]);
  ok(dir_is(d, 0, 0, 17) && dir_is(d, 1, 24, 31),
     "cgroups_lookup_req.bin: dir {0,17} {24,31}");
  k[0] = sv(paths[0]);
  k[1] = sv(paths[1]);
  is_uint(netipc_cgroups_lookup_req_size(k, 2), 87,
          "cgroups_lookup_req.bin inputs: size 87");
  memset(buf, 0xA5, sizeof buf);
  ok(netipc_cgroups_lookup_req_encode(k, 2, buf, sizeof buf, &n) ==
             NETIPC_OK &&
         n == vec[F_CG_REQ].len && memcmp(buf, d, n) == 0,
     "cgroups_lookup_req.bin re-encoded byte for byte");
  test_empty_request(F_CG_REQ_EMPTY, NETIPC_METHOD_CGROUPS_LOOKUP);
}

/* One single-item CGROUPS_LOOKUP response of the codec table. */
typedef struct cg_single {
  int file;
  uint64_t generation;
  uint32_t item_len; /* dir {0, item_len} */
  uint16_t status;
  uint16_t orchestrator;
  const char *path;
  const char *name;
  uint16_t label_count;
  uint32_t table; /* item offset of the label table, when labelled */
  const char *label_keys[2];
  const char *label_values[2];
} cg_single;

static const cg_single cg_singles[] = {
    {F_CG_WITH_LABELS, 100, 114, NETIPC_CGROUPS_LOOKUP_KNOWN,
     NETIPC_ORCHESTRATOR_K8S, "/kubepods.slice/pod-a", "pod-a", 2, 56,
     {"namespace", "pod"}, {"default", "web"}},
    {F_CG_NO_LABELS, 101, 41, NETIPC_CGROUPS_LOOKUP_KNOWN,
     NETIPC_ORCHESTRATOR_DOCKER, "/docker/abc", "", 0, 0, {NULL, NULL},
     {NULL, NULL}},
    {F_CG_RETRY, 102, 44, NETIPC_CGROUPS_LOOKUP_UNKNOWN_RETRY_LATER,
     NETIPC_ORCHESTRATOR_UNKNOWN, "/missing/retry", "", 0, 0, {NULL, NULL},
     {NULL, NULL}},
    {F_CG_PERMANENT, 103, 35, NETIPC_CGROUPS_LOOKUP_UNKNOWN_PERMANENT,
     NETIPC_ORCHESTRATOR_UNKNOWN, "/gone", "", 0, 0, {NULL, NULL},
     {NULL, NULL}},
    {F_CG_PAYLOAD_EXCEEDED, 104, 47, NETIPC_CGROUPS_LOOKUP_PAYLOAD_EXCEEDED,
     NETIPC_ORCHESTRATOR_UNKNOWN, "/payload-exceeded", "", 0, 0,
     {NULL, NULL}, {NULL, NULL}},
    {F_CG_OVERSIZED, 105, 40, NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM,
     NETIPC_ORCHESTRATOR_UNKNOWN, "/oversized", "", 0, 0, {NULL, NULL},
     {NULL, NULL}},
};
#define N_CG_SINGLES (sizeof cg_singles / sizeof cg_singles[0])

/* 8 checks. */
static void
test_cg_single(const cg_single *c)
{
  const char *name = files[c->file].name;
  netipc_lookup_view v;
  netipc_cgroups_lookup_item_view it;
  netipc_cgroups_lookup_item in;
  netipc_lookup_label labels[2];

  test_single_head(c->file, NETIPC_METHOD_CGROUPS_LOOKUP, c->generation,
                   c->item_len, &v);
  memset(&it, 0, sizeof it);
  ok(netipc_cgroups_lookup_resp_item(&v, 0, &it) == NETIPC_OK &&
         it.status == c->status && it.orchestrator == c->orchestrator,
     "%s: status %u, orchestrator %u", name, c->status, c->orchestrator);
  ok(sv_is(it.path, c->path), "%s: path %s", name, c->path);
  ok(sv_is(it.name, c->name), "%s: name '%s'", name, c->name);
  ok(labels_are(&it.labels, c->label_count, c->label_keys,
                c->label_values) &&
         (c->label_count == 0 || it.labels.table == c->table),
     "%s: %u labels as listed", name, c->label_count);

  memset(&in, 0, sizeof in);
  in.status = c->status;
  in.orchestrator = c->orchestrator;
  in.path = sv(c->path);
  in.name = sv(c->name);
  in.labels = labels_in(labels, c->label_count, c->label_keys,
                        c->label_values);
  in.label_count = c->label_count;
  test_reencoded(c->file, NETIPC_METHOD_CGROUPS_LOOKUP, c->generation, &in,
                 " (slots builder, 8192 bytes)");
}

/* 4 checks. */
static void
test_empty_resp(int file, uint16_t method, uint64_t generation)
{
  const char *name = files[file].name;
  netipc_lookup_view v;

  is_err(resp_decode_file(method, file, &v), NETIPC_OK, "%s decodes", name);
  ok(v.item_count == 0 && v.generation == generation,
     "%s: 0 items, generation %llu", name, (unsigned long long)generation);
  is_err(netipc_lookup_resp_item_bytes(&v, 0, &(const void *){NULL},
                                       &(uint32_t){0}),
         NETIPC_ERR_OUT_OF_BOUNDS, "%s: no item 0", name);
  test_reencoded(file, method, generation, NULL, "");
}

/* ---- single APPS_LOOKUP payloads ---------------------------------------- */

static void
test_apps_requests(void)
{
  static const uint32_t pids[3] = {0, 1234, 4321};
  netipc_lookup_req_view v;
  uint8_t buf[128];
  size_t n = 0;
  uint32_t pid, i;
  int keys_ok = 1;
  const uint8_t *d = vec[F_AP_REQ].data;

  is_err(netipc_apps_lookup_req_decode(d, vec[F_AP_REQ].len, &v), NETIPC_OK,
         "apps_lookup_req.bin decodes");
  ok(v.item_count == 3 && v.method == NETIPC_METHOD_APPS_LOOKUP,
     "apps_lookup_req.bin: 3 keys");
  for (i = 0; i < 3; i++)
    keys_ok &= netipc_apps_lookup_req_pid(&v, i, &pid) == NETIPC_OK &&
               pid == pids[i];
  ok(keys_ok, "apps_lookup_req.bin: PIDs 0, 1234, 4321");
  ok(dir_is(d, 0, 0, 8) && dir_is(d, 1, 8, 8) && dir_is(d, 2, 16, 8),
     "apps_lookup_req.bin: dir {0,8} {8,8} {16,8}");
  memset(buf, 0xA5, sizeof buf);
  ok(netipc_apps_lookup_req_encode(pids, 3, buf, sizeof buf, &n) ==
             NETIPC_OK &&
         n == vec[F_AP_REQ].len && memcmp(buf, d, n) == 0,
     "apps_lookup_req.bin re-encoded byte for byte");
  test_empty_request(F_AP_REQ_EMPTY, NETIPC_METHOD_APPS_LOOKUP);
}

typedef struct ap_single {
  int file;
  uint64_t generation;
  uint32_t item_len;
  netipc_apps_lookup_item in; /* strings as C strings through ap_strs */
  const char *comm, *cgroup_path, *cgroup_name;
  uint16_t label_count;
  const char *label_keys[2];
  const char *label_values[2];
} ap_single;

#define AP_UNSET NETIPC_APPS_LOOKUP_UID_UNSET
#define AP_ITEM(st, cst, orch, pid, ppid, uid, start)                         \
  {(st), (cst), (orch), (pid), (ppid), (uid), (start), {NULL, 0}, {NULL, 0},  \
   {NULL, 0}, NULL, 0}

static const ap_single ap_singles[] = {
    {F_AP_FULL, 200, 167,
     AP_ITEM(NETIPC_APPS_LOOKUP_KNOWN, NETIPC_APPS_CGROUP_KNOWN,
             NETIPC_ORCHESTRATOR_DOCKER, 1234, 1, 1000, 123456),
     "123456789012345", "/docker/abc", "container-a", 2,
     {"image", "service"}, {"nginx:latest", "web"}},
    {F_AP_RETRY, 201, 74,
     AP_ITEM(NETIPC_APPS_LOOKUP_KNOWN, NETIPC_APPS_CGROUP_UNKNOWN_RETRY_LATER,
             0, 1235, 1, 1000, 123457),
     "app", "/pending", "", 0, {NULL, NULL}, {NULL, NULL}},
    {F_AP_PERMANENT, 202, 77,
     AP_ITEM(NETIPC_APPS_LOOKUP_KNOWN, NETIPC_APPS_CGROUP_UNKNOWN_PERMANENT,
             0, 1236, 1, 1000, 123458),
     "app2", "/permanent", "", 0, {NULL, NULL}, {NULL, NULL}},
    {F_AP_HOST_ROOT, 203, 67,
     AP_ITEM(NETIPC_APPS_LOOKUP_KNOWN, NETIPC_APPS_CGROUP_HOST_ROOT, 0, 1237,
             1, 0, 123459),
     "sshd", "", "", 0, {NULL, NULL}, {NULL, NULL}},
    {F_AP_UNKNOWN, 204, 63,
     AP_ITEM(NETIPC_APPS_LOOKUP_UNKNOWN, 0, 0, 0, 0, AP_UNSET, 0), "", "", "",
     0, {NULL, NULL}, {NULL, NULL}},
    {F_AP_PAYLOAD_EXCEEDED, 205, 63,
     AP_ITEM(NETIPC_APPS_LOOKUP_PAYLOAD_EXCEEDED, 0, 0, 1238, 0, AP_UNSET, 0),
     "", "", "", 0, {NULL, NULL}, {NULL, NULL}},
    {F_AP_OVERSIZED, 206, 63,
     AP_ITEM(NETIPC_APPS_LOOKUP_OVERSIZED_ITEM, 0, 0, 1239, 0, AP_UNSET, 0),
     "", "", "", 0, {NULL, NULL}, {NULL, NULL}},
};
#define N_AP_SINGLES (sizeof ap_singles / sizeof ap_singles[0])

/* 9 checks. */
static void
test_ap_single(const ap_single *c)
{
  const char *name = files[c->file].name;
  netipc_lookup_view v;
  netipc_apps_lookup_item_view it;
  netipc_apps_lookup_item in = c->in;
  netipc_lookup_label labels[2];

  test_single_head(c->file, NETIPC_METHOD_APPS_LOOKUP, c->generation,
                   c->item_len, &v);
  memset(&it, 0, sizeof it);
  ok(netipc_apps_lookup_resp_item(&v, 0, &it) == NETIPC_OK &&
         it.status == in.status && it.cgroup_status == in.cgroup_status &&
         it.orchestrator == in.orchestrator,
     "%s: status %u, cgroup status %u, orchestrator %u", name, in.status,
     in.cgroup_status, in.orchestrator);
  ok(it.pid == in.pid && it.ppid == in.ppid && it.uid == in.uid &&
         it.starttime == in.starttime,
     "%s: pid %u, ppid %u, uid %u, starttime %llu", name, in.pid, in.ppid,
     in.uid, (unsigned long long)in.starttime);
  ok(sv_is(it.comm, c->comm), "%s: comm '%s'", name, c->comm);
  ok(sv_is(it.cgroup_path, c->cgroup_path) &&
         sv_is(it.cgroup_name, c->cgroup_name),
     "%s: cgroup path '%s', name '%s'", name, c->cgroup_path,
     c->cgroup_name);
  ok(labels_are(&it.labels, c->label_count, c->label_keys, c->label_values),
     "%s: %u labels as listed", name, c->label_count);

  in.comm = sv(c->comm);
  in.cgroup_path = sv(c->cgroup_path);
  in.cgroup_name = sv(c->cgroup_name);
  in.labels = labels_in(labels, c->label_count, c->label_keys,
                        c->label_values);
  in.label_count = c->label_count;
  test_reencoded(c->file, NETIPC_METHOD_APPS_LOOKUP, c->generation, &in,
                 " (slots builder, 8192 bytes)");
}

/* ---- logical calls ------------------------------------------------------ */

#define MAX_KEYS 4
#define MAX_SUBS 2
#define NO_LOCAL (-1)

/* One exchange: keys [start, start + m) of the group. */
typedef struct sub_spec {
  int req_file, resp_file;
  uint32_t start, m;
  int x; /* index of the first PAYLOAD_EXCEEDED item, or -1 */
  uint16_t status[MAX_KEYS];
} sub_spec;

/* One recorded call (README logical-call tables, in table order). */
typedef struct group {
  const char *name;
  uint16_t method;
  uint32_t response_limit; /* C of the builder */
  uint64_t generation;
  uint32_t nkeys;
  const char *paths[MAX_KEYS]; /* NULL: the 200-byte long key */
  uint32_t pids[MAX_KEYS];
  int subs;
  sub_spec sub[MAX_SUBS];
  int local_after; /* client-made placeholder appended after this sub */
  uint32_t local_key;
  int final_file;
  uint16_t final_status[MAX_KEYS];
} group;

static const group groups[] = {
    {"cgroups_lookup_call_oversized_middle",
     NETIPC_METHOD_CGROUPS_LOOKUP,
     256,
     77,
     3,
     {"/cg/a", "/cg/big", "/cg/c"},
     {0},
     2,
     {{F_OM_REQ1, F_OM_RESP1, 0, 3, 1,
       {NETIPC_CGROUPS_LOOKUP_KNOWN, NETIPC_CGROUPS_LOOKUP_PAYLOAD_EXCEEDED,
        NETIPC_CGROUPS_LOOKUP_PAYLOAD_EXCEEDED}},
      {F_OM_REQ2, F_OM_RESP2, 1, 2, -1,
       {NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM, NETIPC_CGROUPS_LOOKUP_KNOWN}}},
     NO_LOCAL,
     0,
     F_OM_FINAL,
     {NETIPC_CGROUPS_LOOKUP_KNOWN, NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM,
      NETIPC_CGROUPS_LOOKUP_KNOWN}},
    {"cgroups_lookup_call_long_key",
     NETIPC_METHOD_CGROUPS_LOOKUP,
     65536,
     88,
     3,
     {"/cg/a", "/cg/c", NULL},
     {0},
     2,
     {{F_LK_REQ1, F_LK_RESP1, 0, 2, -1,
       {NETIPC_CGROUPS_LOOKUP_KNOWN, NETIPC_CGROUPS_LOOKUP_KNOWN}},
      {F_LK_REQ2, F_LK_RESP2, 3, 0, -1, {0}}},
     0,
     2,
     F_LK_FINAL,
     {NETIPC_CGROUPS_LOOKUP_KNOWN, NETIPC_CGROUPS_LOOKUP_KNOWN,
      NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM}},
    {"apps_lookup_call_split",
     NETIPC_METHOD_APPS_LOOKUP,
     320,
     99,
     4,
     {NULL},
     {2001, 2002, 2003, 2004},
     2,
     {{F_SP_REQ1, F_SP_RESP1, 0, 4, 1,
       {NETIPC_APPS_LOOKUP_KNOWN, NETIPC_APPS_LOOKUP_PAYLOAD_EXCEEDED,
        NETIPC_APPS_LOOKUP_PAYLOAD_EXCEEDED,
        NETIPC_APPS_LOOKUP_PAYLOAD_EXCEEDED}},
      {F_SP_REQ2, F_SP_RESP2, 1, 3, -1,
       {NETIPC_APPS_LOOKUP_KNOWN, NETIPC_APPS_LOOKUP_KNOWN,
        NETIPC_APPS_LOOKUP_KNOWN}}},
     NO_LOCAL,
     0,
     F_SP_FINAL,
     {NETIPC_APPS_LOOKUP_KNOWN, NETIPC_APPS_LOOKUP_KNOWN,
      NETIPC_APPS_LOOKUP_KNOWN, NETIPC_APPS_LOOKUP_KNOWN}},
    {"apps_lookup_call_first_oversized",
     NETIPC_METHOD_APPS_LOOKUP,
     160,
     5,
     2,
     {NULL},
     {2001, 2002},
     2,
     {{F_FO_REQ1, F_FO_RESP1, 0, 2, 1,
       {NETIPC_APPS_LOOKUP_OVERSIZED_ITEM,
        NETIPC_APPS_LOOKUP_PAYLOAD_EXCEEDED}},
      {F_FO_REQ2, F_FO_RESP2, 1, 1, -1, {NETIPC_APPS_LOOKUP_KNOWN}}},
     NO_LOCAL,
     0,
     F_FO_FINAL,
     {NETIPC_APPS_LOOKUP_OVERSIZED_ITEM, NETIPC_APPS_LOOKUP_KNOWN}},
    {"apps_lookup_call_mixed",
     NETIPC_METHOD_APPS_LOOKUP,
     65536,
     19,
     4,
     {NULL},
     {1001, 1002, 1003, 1004},
     1,
     {{F_MX_REQ1, F_MX_RESP1, 0, 4, -1,
       {NETIPC_APPS_LOOKUP_KNOWN, NETIPC_APPS_LOOKUP_KNOWN,
        NETIPC_APPS_LOOKUP_UNKNOWN, NETIPC_APPS_LOOKUP_KNOWN}},
      {0, 0, 0, 0, -1, {0}}},
     NO_LOCAL,
     0,
     F_MX_FINAL,
     {NETIPC_APPS_LOOKUP_KNOWN, NETIPC_APPS_LOOKUP_KNOWN,
      NETIPC_APPS_LOOKUP_UNKNOWN, NETIPC_APPS_LOOKUP_KNOWN}},
};
#define NGROUPS (sizeof groups / sizeof groups[0])

static netipc_string_view
group_path(const group *g, uint32_t i)
{
  return sv(g->paths[i] != NULL ? g->paths[i] : long_key);
}

static netipc_err
req_decode(const group *g, int file, netipc_lookup_req_view *v)
{
  return req_decode_file(g->method, file, v);
}

static netipc_err
resp_decode(const group *g, int file, netipc_lookup_view *v)
{
  return resp_decode_file(g->method, file, v);
}

/* Item i of v echoes key k of g and has status st. */
static int
item_is(const group *g, const netipc_lookup_view *v, uint32_t i, uint32_t k,
        uint16_t st)
{
  if (g->method == NETIPC_METHOD_APPS_LOOKUP) {
    netipc_apps_lookup_item_view it;
    return netipc_apps_lookup_resp_item(v, i, &it) == NETIPC_OK &&
           it.pid == g->pids[k] && it.status == st;
  } else {
    netipc_cgroups_lookup_item_view it;
    return netipc_cgroups_lookup_resp_item(v, i, &it) == NETIPC_OK &&
           sv_eq(it.path, group_path(g, k)) && it.status == st;
  }
}

/* 2 checks: subN_req decodes to its keys and re-encodes to itself. */
static void
test_sub_request(const group *g, int s)
{
  const sub_spec *sp = &g->sub[s];
  const char *name = files[sp->req_file].name;
  netipc_lookup_req_view v;
  uint8_t buf[VECTORS_MAX];
  size_t n = 0;
  uint32_t i;
  int keys_ok;
  netipc_err err;

  keys_ok = req_decode(g, sp->req_file, &v) == NETIPC_OK &&
            v.item_count == sp->m && v.method == g->method;
  for (i = 0; keys_ok && i < sp->m; i++) {
    if (g->method == NETIPC_METHOD_APPS_LOOKUP) {
      uint32_t pid;
      keys_ok &= netipc_apps_lookup_req_pid(&v, i, &pid) == NETIPC_OK &&
                 pid == g->pids[sp->start + i];
    } else {
      netipc_string_view p;
      keys_ok &= netipc_cgroups_lookup_req_path(&v, i, &p) == NETIPC_OK &&
                 sv_eq(p, group_path(g, sp->start + i)) && p.ptr[p.len] == 0;
    }
  }
  ok(keys_ok, "%s decodes to keys %u..%u of the call", name, sp->start,
     sp->start + sp->m);

  memset(buf, 0xA5, sizeof buf);
  if (g->method == NETIPC_METHOD_APPS_LOOKUP) {
    err = netipc_apps_lookup_req_encode(g->pids + sp->start, sp->m, buf,
                                        sizeof buf, &n);
  } else {
    netipc_string_view k[MAX_KEYS];
    for (i = 0; i < sp->m; i++)
      k[i] = group_path(g, sp->start + i);
    err = netipc_cgroups_lookup_req_encode(k, sp->m, buf, sizeof buf, &n);
  }
  ok(err == NETIPC_OK && n == vec[sp->req_file].len &&
         memcmp(buf, vec[sp->req_file].data, n) == 0,
     "%s re-encoded from its keys byte for byte", name);
}

/*
 * 4 checks: the look-ahead builder with C = the agreed response limit and
 * the README answers writes subN_resp; subN_resp decodes to the statuses
 * the README lists.
 */
static void
test_sub_response(const group *g, int s)
{
  static uint8_t buf[65536];
  const sub_spec *sp = &g->sub[s];
  const char *name = files[sp->resp_file].name;
  netipc_lookup_req_view req;
  netipc_lookup_view v;
  netipc_lookup_builder b;
  size_t out = 0;
  uint32_t i;
  int items_ok, x = -1;
  uint16_t exceeded = g->method == NETIPC_METHOD_APPS_LOOKUP
                          ? NETIPC_APPS_LOOKUP_PAYLOAD_EXCEEDED
                          : NETIPC_CGROUPS_LOOKUP_PAYLOAD_EXCEEDED;

  memset(buf, 0xA5, sizeof buf);
  lookup_answers_set_generation(g->generation);
  ok(req_decode(g, sp->req_file, &req) == NETIPC_OK &&
         netipc_lookup_builder_init(&b, buf, g->response_limit, &req) ==
             NETIPC_OK &&
         lookup_answers_handler(NULL, &req, &b) == 0,
     "%s: handler answers every key (C = %u)", name, g->response_limit);
  ok(netipc_lookup_builder_finish(&b, &out) == NETIPC_OK &&
         out == vec[sp->resp_file].len &&
         memcmp(buf, vec[sp->resp_file].data, out) == 0,
     "%s: the builder writes the recorded response byte for byte", name);
  if (out != vec[sp->resp_file].len)
    diag("built %zu bytes, recorded %zu", out, vec[sp->resp_file].len);

  items_ok = resp_decode(g, sp->resp_file, &v) == NETIPC_OK &&
             v.item_count == sp->m && v.generation == g->generation;
  ok(items_ok, "%s decodes: %u items, generation %llu", name, sp->m,
     (unsigned long long)g->generation);
  for (i = 0; items_ok && i < sp->m; i++) {
    items_ok &= item_is(g, &v, i, sp->start + i, sp->status[i]);
    if (x < 0 && sp->status[i] == exceeded)
      x = (int)i;
  }
  ok(items_ok && x == sp->x,
     "%s: each item echoes its key with the README status", name);
}

/* Append item bytes at the canonical place of a response being stitched. */
typedef struct stitch {
  uint8_t *buf;
  uint32_t n, count;
  uint64_t end; /* of the packed area, relative to it */
} stitch;

static void
stitch_add(stitch *st, const void *item, uint32_t len)
{
  uint64_t packed = HDR + (uint64_t)NETIPC_DIR_ENTRY_LEN * st->n;
  uint64_t off = st->count == 0 ? 0 : align8(st->end);
  size_t dir = HDR + (size_t)NETIPC_DIR_ENTRY_LEN * st->count;
  memset(st->buf + packed + st->end, 0, (size_t)(off - st->end));
  memcpy(st->buf + packed + off, item, len);
  put32(st->buf, dir, (uint32_t)off);
  put32(st->buf, dir + 4, len);
  st->end = off + len;
  st->count++;
}

/*
 * The client-made OVERSIZED_ITEM placeholder for key k (lookups.md 4.3):
 * what the builder writes for it, 30 + path length bytes.
 */
static uint32_t
local_placeholder(const group *g, uint32_t k, uint8_t *resp, size_t cap,
                  const void **item)
{
  netipc_lookup_builder b;
  netipc_cgroups_lookup_item it;
  netipc_lookup_view v;
  uint32_t len = 0;
  size_t out = 0;

  memset(&it, 0, sizeof it);
  it.status = NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM;
  it.path = group_path(g, k);
  *item = NULL;
  if (netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_CGROUPS_LOOKUP, resp,
                                       cap, 1) != NETIPC_OK ||
      netipc_cgroups_lookup_builder_add(&b, &it) != NETIPC_OK ||
      netipc_lookup_builder_finish(&b, &out) != NETIPC_OK ||
      netipc_cgroups_lookup_resp_decode(resp, out, &v) != NETIPC_OK ||
      netipc_lookup_resp_item_bytes(&v, 0, item, &len) != NETIPC_OK)
    return 0;
  return len;
}

/*
 * 4 checks + 1 for the local placeholder: final decodes to the README
 * statuses; it is the stitching of the kept items.
 */
static void
test_final(const group *g)
{
  static uint8_t exp[VECTORS_MAX], ph[VECTORS_MAX];
  const char *name = files[g->final_file].name;
  netipc_lookup_view v;
  stitch st;
  uint32_t i;
  int s, items_ok, kept_ok = 1;

  items_ok = resp_decode(g, g->final_file, &v) == NETIPC_OK &&
             v.item_count == g->nkeys && v.generation == g->generation;
  ok(items_ok, "%s decodes: %u items, generation %llu", name, g->nkeys,
     (unsigned long long)g->generation);
  for (i = 0; items_ok && i < g->nkeys; i++)
    items_ok &= item_is(g, &v, i, i, g->final_status[i]);
  ok(items_ok, "%s: each item echoes its key with the README status", name);

  /* 8.5: header, then the kept items in key order. */
  memset(exp, 0xA5, sizeof exp);
  memset(exp, 0, HDR + (size_t)NETIPC_DIR_ENTRY_LEN * g->nkeys);
  put16(exp, H_VERSION, NETIPC_LAYOUT_VERSION);
  put32(exp, H_COUNT, g->nkeys);
  put64(exp, H_GEN, g->generation);
  st.buf = exp;
  st.n = g->nkeys;
  st.count = 0;
  st.end = 0;
  for (s = 0; s < g->subs; s++) {
    const sub_spec *sp = &g->sub[s];
    netipc_lookup_view sv_resp;
    uint32_t keep = sp->x < 0 ? sp->m : (uint32_t)sp->x;
    kept_ok &= resp_decode(g, sp->resp_file, &sv_resp) == NETIPC_OK &&
               st.count == sp->start;
    for (i = 0; kept_ok && i < keep; i++) {
      const void *item;
      uint32_t len;
      kept_ok &= netipc_lookup_resp_item_bytes(&sv_resp, i, &item, &len) ==
                 NETIPC_OK;
      if (kept_ok)
        stitch_add(&st, item, len);
    }
    if (g->local_after == s) {
      const void *item;
      netipc_lookup_view fv;
      const void *fitem = NULL;
      uint32_t flen = 0;
      uint32_t len = local_placeholder(g, g->local_key, ph, sizeof ph, &item);
      uint64_t want = NETIPC_CGROUPS_LOOKUP_PLACEHOLDER_BASE +
                      (uint64_t)group_path(g, g->local_key).len;
      ok(len == want && resp_decode(g, g->final_file, &fv) == NETIPC_OK &&
             netipc_lookup_resp_item_bytes(&fv, g->local_key, &fitem,
                                           &flen) == NETIPC_OK &&
             flen == len && memcmp(fitem, item, len) == 0,
         "%s: item %u is the client-made OVERSIZED_ITEM placeholder "
         "(%llu bytes, as the builder makes it)",
         name, g->local_key, (unsigned long long)want);
      kept_ok &= len != 0 && st.count == g->local_key;
      if (kept_ok)
        stitch_add(&st, item, len);
    }
  }
  kept_ok &= st.count == g->nkeys;
  ok(kept_ok, "%s: %u kept items collected from the sub-responses", name,
     st.count);
  ok(HDR + (size_t)NETIPC_DIR_ENTRY_LEN * g->nkeys + st.end ==
             vec[g->final_file].len &&
         memcmp(exp, vec[g->final_file].data, vec[g->final_file].len) == 0,
     "%s is the stitching of the kept items (lookups.md 8.5)", name);
}

static void
test_group(const group *g)
{
  int s;
  for (s = 0; s < g->subs; s++) {
    test_sub_request(g, s);
    test_sub_response(g, s);
  }
  test_final(g);
}

/* Details the per-group checks do not cover. */
static void
test_call_details(void)
{
  netipc_lookup_view v;
  netipc_cgroups_lookup_item_view cg;
  netipc_apps_lookup_item_view ap;
  uint32_t i;
  int ok_all;
  const uint8_t *d;

  /* lookups.md 9.2/9.3: the worked example's directories. */
  d = vec[F_OM_RESP1].data;
  ok(dir_is(d, 0, 0, 60) && dir_is(d, 1, 64, 37) && dir_is(d, 2, 104, 35),
     "oversized_middle sub1_resp: dir {0,60} {64,37} {104,35}");
  d = vec[F_OM_RESP2].data;
  ok(dir_is(d, 0, 0, 37) && dir_is(d, 1, 40, 40),
     "oversized_middle sub2_resp: dir {0,37} {40,40}");
  d = vec[F_OM_FINAL].data;
  ok(dir_is(d, 0, 0, 60) && dir_is(d, 1, 64, 37) && dir_is(d, 2, 104, 40),
     "oversized_middle final: dir {0,60} {64,37} {104,40}");
  ok(netipc_cgroups_lookup_resp_decode(d, vec[F_OM_FINAL].len, &v) ==
             NETIPC_OK &&
         netipc_cgroups_lookup_resp_item(&v, 0, &cg) == NETIPC_OK &&
         cg.orchestrator == NETIPC_ORCHESTRATOR_K8S &&
         sv_is(cg.name, "pod-a") && cg.labels.count == 1 &&
         label_is(&cg.labels, 0, "k", "v") &&
         netipc_cgroups_lookup_resp_item(&v, 1, &cg) == NETIPC_OK &&
         cg.orchestrator == 0 && cg.name.len == 0 && cg.labels.count == 0 &&
         netipc_cgroups_lookup_resp_item(&v, 2, &cg) == NETIPC_OK &&
         cg.orchestrator == NETIPC_ORCHESTRATOR_SYSTEMD &&
         sv_is(cg.name, "pod-c") && cg.labels.count == 0,
     "oversized_middle final: /cg/a K8S pod-a k=v, /cg/big bare, /cg/c "
     "SYSTEMD pod-c");
  d = vec[F_LK_FINAL].data;
  ok(dir_is(d, 0, 0, 60) && dir_is(d, 1, 64, 40) && dir_is(d, 2, 104, 230),
     "long_key final: dir {0,60} {64,40} {104,230}");
  ok(dir_is(vec[F_LK_RESP1].data, 0, 0, 60) &&
         dir_is(vec[F_LK_RESP1].data, 1, 64, 40),
     "long_key sub1_resp: dir {0,60} {64,40}");

  d = vec[F_SP_RESP1].data;
  ok(dir_is(d, 0, 0, 73) && dir_is(d, 1, 80, 63) && dir_is(d, 2, 144, 63) &&
         dir_is(d, 3, 208, 63),
     "split sub1_resp: dir {0,73} {80,63} {144,63} {208,63}");
  d = vec[F_SP_RESP2].data;
  ok(dir_is(d, 0, 0, 73) && dir_is(d, 1, 80, 73) && dir_is(d, 2, 160, 73),
     "split sub2_resp: dir {0,73} {80,73} {160,73}");
  d = vec[F_SP_FINAL].data;
  ok_all = dir_is(d, 0, 0, 73) && dir_is(d, 1, 80, 73) &&
           dir_is(d, 2, 160, 73) && dir_is(d, 3, 240, 73) &&
           netipc_apps_lookup_resp_decode(d, vec[F_SP_FINAL].len, &v) ==
               NETIPC_OK;
  for (i = 0; ok_all && i < 4; i++)
    ok_all &= netipc_apps_lookup_resp_item(&v, i, &ap) == NETIPC_OK &&
              ap.starttime == 7001 + i && ap.cgroup_status == 0 &&
              ap.orchestrator == NETIPC_ORCHESTRATOR_SYSTEMD &&
              ap.ppid == 1 && ap.uid == 1000 && sv_is(ap.comm, "proc") &&
              sv_is(ap.cgroup_path, "/cg/x") && sv_is(ap.cgroup_name, "n") &&
              ap.labels.count == 0;
  ok(ok_all, "split final: dir {0,73} {80,73} {160,73} {240,73}, "
             "starttime 7001-7004, proc /cg/x n");

  d = vec[F_FO_RESP1].data;
  ok(dir_is(d, 0, 0, 63) && dir_is(d, 1, 64, 63),
     "first_oversized sub1_resp: dir {0,63} {64,63}");
  ok(dir_is(vec[F_FO_RESP2].data, 0, 0, 73),
     "first_oversized sub2_resp: dir {0,73} (97 bytes alone)");
  d = vec[F_FO_FINAL].data;
  ok(dir_is(d, 0, 0, 63) && dir_is(d, 1, 64, 73),
     "first_oversized final: dir {0,63} {64,73}");

  d = vec[F_MX_RESP1].data;
  ok(dir_is(d, 0, 0, 113) && dir_is(d, 1, 120, 67) && dir_is(d, 2, 192, 63) &&
         dir_is(d, 3, 256, 77),
     "mixed sub1_resp: dir {0,113} {120,67} {192,63} {256,77}");
  ok_all = netipc_apps_lookup_resp_decode(d, vec[F_MX_RESP1].len, &v) ==
           NETIPC_OK;
  ok(ok_all && netipc_apps_lookup_resp_item(&v, 0, &ap) == NETIPC_OK &&
         ap.cgroup_status == NETIPC_APPS_CGROUP_KNOWN &&
         ap.orchestrator == NETIPC_ORCHESTRATOR_DOCKER && ap.ppid == 1 &&
         ap.uid == 1000 && ap.starttime == 4242 && sv_is(ap.comm, "nginx") &&
         sv_is(ap.cgroup_path, "/docker/abc") &&
         sv_is(ap.cgroup_name, "web") && ap.labels.count == 1 &&
         label_is(&ap.labels, 0, "role", "api"),
     "mixed: PID 1001 as the README answers");
  ok(ok_all && netipc_apps_lookup_resp_item(&v, 1, &ap) == NETIPC_OK &&
         ap.cgroup_status == NETIPC_APPS_CGROUP_HOST_ROOT &&
         ap.orchestrator == 0 && ap.ppid == 1 && ap.uid == 0 &&
         ap.starttime == 4343 && sv_is(ap.comm, "sshd") &&
         ap.cgroup_path.len == 0 && ap.cgroup_name.len == 0,
     "mixed: PID 1002 HOST_ROOT sshd");
  ok(ok_all && netipc_apps_lookup_resp_item(&v, 2, &ap) == NETIPC_OK &&
         ap.cgroup_status == 0 && ap.ppid == 0 &&
         ap.uid == NETIPC_APPS_LOOKUP_UID_UNSET && ap.starttime == 0 &&
         ap.comm.len == 0,
     "mixed: PID 1003 UNKNOWN, empty fields, uid unset");
  ok(ok_all && netipc_apps_lookup_resp_item(&v, 3, &ap) == NETIPC_OK &&
         ap.cgroup_status == NETIPC_APPS_CGROUP_UNKNOWN_RETRY_LATER &&
         ap.ppid == 1 && ap.uid == 1001 && ap.starttime == 4444 &&
         sv_is(ap.comm, "worker") && sv_is(ap.cgroup_path, "/pending") &&
         ap.cgroup_name.len == 0,
     "mixed: PID 1004 RETRY_LATER worker /pending");
  ok(vec[F_MX_FINAL].len == vec[F_MX_RESP1].len &&
         memcmp(vec[F_MX_FINAL].data, vec[F_MX_RESP1].data,
                vec[F_MX_FINAL].len) == 0,
     "mixed final is byte-identical to its only sub-response");
}

int
main(void)
{
  size_t i;

  memset(long_key, 'L', LONG_KEY_LEN);
  long_key[0] = '/';
  long_key[LONG_KEY_LEN] = '\0';

  vectors_resolve(&dirs, "lookup", "lookup", WHERE_HINT);
  for (i = 0; i < F_COUNT; i++)
    vectors_load(&dirs, files[i].name, &vec[i]);
  plan(PLAN);
  test_files();

  test_cg_requests();
  for (i = 0; i < N_CG_SINGLES; i++)
    test_cg_single(&cg_singles[i]);
  test_empty_resp(F_CG_RESP_EMPTY, NETIPC_METHOD_CGROUPS_LOOKUP, 106);
  test_apps_requests();
  for (i = 0; i < N_AP_SINGLES; i++)
    test_ap_single(&ap_singles[i]);
  test_empty_resp(F_AP_RESP_EMPTY, NETIPC_METHOD_APPS_LOOKUP, 207);

  for (i = 0; i < NGROUPS; i++)
    test_group(&groups[i]);
  test_call_details();
  return exit_status();
}
