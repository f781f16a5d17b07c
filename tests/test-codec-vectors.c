/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-codec-vectors.c - the golden vectors of shared/vectors/codec/ (bytes
 * produced by the reference implementation): every file decodes to the
 * inputs listed in vectors/README.md, and encoding those inputs with the
 * netipc API gives the same bytes.
 *
 * NETIPC_VECTORS names the directory that contains codec/; the value
 * "bundled" selects NETIPC_BUNDLED_VECTORS (tests/data, a flat copy). A
 * missing directory or file is a hard failure ("Bail out!"), never a skip.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <string.h>

#include <netipc/codec.h>

#include "tap.h"
#include "vectors.h"

#define PLAN 141

enum {
  V_HEADER,
  V_CHUNK,
  V_HELLO,
  V_HELLO_ACK,
  V_CG_REQ,
  V_CG_RESP,
  V_CG_EMPTY,
  V_INC_PAYLOAD,
  V_INC_REQ,
  V_INC_RESP,
  V_SR,
  V_SR_EMPTY,
  V_BATCH_INC,
  V_BATCH_SR,
  V_COUNT
};

/* Every file of the codec table in vectors/README.md. */
static const char *const vec_names[V_COUNT] = {
    "header.bin",
    "chunk_header.bin",
    "hello.bin",
    "hello_ack.bin",
    "cgroups_req.bin",
    "cgroups_resp.bin",
    "cgroups_resp_empty.bin",
    "increment_req_payload.bin",
    "increment_req_msg.bin",
    "increment_resp_msg.bin",
    "string_reverse_payload.bin",
    "string_reverse_empty_payload.bin",
    "batch_increment_req_msg.bin",
    "batch_string_reverse_req_msg.bin",
};

static vectors_blob vec[V_COUNT];
static vectors_dirs dirs;

#define WHERE_HINT                                                            \
  "the shared/ directory (with shared/vectors/codec/) must sit beside the "  \
  "project root, or configure --with-vectors=bundled to use tests/data"

static const char *
vec_name(int i)
{
  return vec_names[i];
}

/* ---- header.bin, chunk_header.bin -------------------------------------- */

static void
test_header_vec(void)
{
  const uint8_t *d = vec[V_HEADER].data;
  netipc_header h, enc;
  uint8_t buf[32];

  is_uint(vec[V_HEADER].len, 32, "header.bin is 32 bytes");
  memset(&h, 0, sizeof h);
  is_err(netipc_header_decode(d, vec[V_HEADER].len, &h), NETIPC_OK,
         "header.bin decodes");
  ok(h.magic == NETIPC_MAGIC && h.version == 1 && h.header_len == 32,
     "header.bin: magic, version 1, header_len 32");
  is_uint(h.kind, NETIPC_KIND_REQUEST, "header.bin: kind REQUEST");
  is_uint(h.flags, NETIPC_FLAG_BATCH, "header.bin: flags BATCH");
  is_uint(h.code, NETIPC_METHOD_CGROUPS_SNAPSHOT, "header.bin: code 2");
  is_uint(h.transport_status, NETIPC_STATUS_OK, "header.bin: status OK");
  is_uint(h.payload_len, 12345, "header.bin: payload_len");
  is_uint(h.item_count, 42, "header.bin: item_count");
  is_uint(h.message_id, 0xDEADBEEFCAFEBABEull, "header.bin: message_id");

  netipc_header_init(&enc, NETIPC_KIND_REQUEST, NETIPC_METHOD_CGROUPS_SNAPSHOT,
                     0xDEADBEEFCAFEBABEull);
  enc.flags = NETIPC_FLAG_BATCH;
  enc.payload_len = 12345;
  enc.item_count = 42;
  is_err(netipc_header_encode(&enc, buf, sizeof buf), NETIPC_OK,
         "header.bin inputs encode");
  is_mem(buf, d, 32, "header.bin re-encoded byte for byte");
}

static void
test_chunk_vec(void)
{
  const uint8_t *d = vec[V_CHUNK].data;
  netipc_chunk_header c, enc;
  uint8_t buf[32];

  is_uint(vec[V_CHUNK].len, 32, "chunk_header.bin is 32 bytes");
  memset(&c, 0, sizeof c);
  is_err(netipc_chunk_header_decode(d, vec[V_CHUNK].len, &c), NETIPC_OK,
         "chunk_header.bin decodes");
  ok(c.magic == NETIPC_CHUNK_MAGIC && c.version == 1 && c.flags == 0,
     "chunk_header.bin: magic, version 1, flags 0");
  is_uint(c.message_id, 0x1234567890ABCDEFull, "chunk_header.bin: message_id");
  is_uint(c.total_message_len, 100000, "chunk_header.bin: total_message_len");
  is_uint(c.chunk_index, 3, "chunk_header.bin: chunk_index");
  is_uint(c.chunk_count, 10, "chunk_header.bin: chunk_count");
  is_uint(c.chunk_payload_len, 8192, "chunk_header.bin: chunk_payload_len");

  netipc_chunk_header_init(&enc, 0x1234567890ABCDEFull, 100000, 3, 10, 8192);
  is_err(netipc_chunk_header_encode(&enc, buf, sizeof buf), NETIPC_OK,
         "chunk_header.bin inputs encode");
  is_mem(buf, d, 32, "chunk_header.bin re-encoded byte for byte");
}

/* ---- hello.bin, hello_ack.bin ------------------------------------------ */

static void
test_hello_vec(void)
{
  const uint8_t *d = vec[V_HELLO].data;
  netipc_hello h, enc;
  uint8_t buf[44];

  is_uint(vec[V_HELLO].len, 44, "hello.bin is 44 bytes");
  memset(&h, 0xFF, sizeof h);
  is_err(netipc_hello_decode(d, vec[V_HELLO].len, &h), NETIPC_OK,
         "hello.bin decodes");
  is_uint(h.layout_version, 1, "hello.bin: layout_version");
  is_uint(h.flags, 0, "hello.bin: flags");
  is_uint(h.supported_profiles, 0x05, "hello.bin: supported 0x05");
  is_uint(h.preferred_profiles, 0x04, "hello.bin: preferred 0x04");
  is_uint(h.max_request_payload_bytes, 4096, "hello.bin: request payload");
  is_uint(h.max_request_batch_items, 100, "hello.bin: request batch");
  is_uint(h.max_response_payload_bytes, 1048576, "hello.bin: response hint");
  is_uint(h.max_response_batch_items, 1, "hello.bin: response batch");
  is_uint(h.reserved, 0, "hello.bin: reserved");
  is_uint(h.auth_token, 0xAABBCCDDEEFF0011ull, "hello.bin: auth_token");
  is_uint(h.packet_size, 65536, "hello.bin: packet_size");

  memset(&enc, 0, sizeof enc);
  enc.layout_version = 1;
  enc.supported_profiles = 0x05;
  enc.preferred_profiles = 0x04;
  enc.max_request_payload_bytes = 4096;
  enc.max_request_batch_items = 100;
  enc.max_response_payload_bytes = 1048576;
  enc.max_response_batch_items = 1;
  enc.auth_token = 0xAABBCCDDEEFF0011ull;
  enc.packet_size = 65536;
  is_err(netipc_hello_encode(&enc, buf, sizeof buf), NETIPC_OK,
         "hello.bin inputs encode");
  is_mem(buf, d, 44, "hello.bin re-encoded byte for byte");
}

static void
test_hello_ack_vec(void)
{
  const uint8_t *d = vec[V_HELLO_ACK].data;
  netipc_hello_ack a, enc;
  uint8_t buf[48];

  is_uint(vec[V_HELLO_ACK].len, 48, "hello_ack.bin is 48 bytes");
  memset(&a, 0xFF, sizeof a);
  is_err(netipc_hello_ack_decode(d, vec[V_HELLO_ACK].len, &a), NETIPC_OK,
         "hello_ack.bin decodes");
  is_uint(a.layout_version, 1, "hello_ack.bin: layout_version");
  is_uint(a.flags, 0, "hello_ack.bin: flags");
  is_uint(a.server_supported_profiles, 0x07, "hello_ack.bin: server 0x07");
  is_uint(a.intersection_profiles, 0x05, "hello_ack.bin: intersection 0x05");
  is_uint(a.selected_profile, 0x04, "hello_ack.bin: selected 0x04");
  is_uint(a.agreed_max_request_payload_bytes, 2048,
          "hello_ack.bin: request payload");
  is_uint(a.agreed_max_request_batch_items, 50, "hello_ack.bin: request batch");
  is_uint(a.agreed_max_response_payload_bytes, 65536,
          "hello_ack.bin: response payload");
  is_uint(a.agreed_max_response_batch_items, 1,
          "hello_ack.bin: response batch");
  is_uint(a.agreed_packet_size, 32768, "hello_ack.bin: packet_size");
  is_uint(a.reserved, 0, "hello_ack.bin: reserved");
  is_uint(a.session_id, 1, "hello_ack.bin: session_id");

  memset(&enc, 0, sizeof enc);
  enc.layout_version = 1;
  enc.server_supported_profiles = 0x07;
  enc.intersection_profiles = 0x05;
  enc.selected_profile = 0x04;
  enc.agreed_max_request_payload_bytes = 2048;
  enc.agreed_max_request_batch_items = 50;
  enc.agreed_max_response_payload_bytes = 65536;
  enc.agreed_max_response_batch_items = 1;
  enc.agreed_packet_size = 32768;
  enc.session_id = 1;
  is_err(netipc_hello_ack_encode(&enc, buf, sizeof buf), NETIPC_OK,
         "hello_ack.bin inputs encode");
  is_mem(buf, d, 48, "hello_ack.bin re-encoded byte for byte");
}

/* ---- cgroups ----------------------------------------------------------- */

struct cg_item {
  uint32_t hash, options, enabled;
  const char *name;
  const char *path;
};

static const struct cg_item cg_items[3] = {
    {100, 0, 1, "init.scope", "/sys/fs/cgroup/init.scope"},
    {200, 0x02, 0, "system.slice/docker-abc.scope",
     "/sys/fs/cgroup/system.slice/docker-abc.scope"},
    {300, 0, 1, "", ""},
};

/* Build a snapshot from the README inputs; 0 on a builder failure. */
static size_t
cg_build(uint8_t *buf, size_t cap, uint32_t max_items,
         const struct cg_item *items, uint32_t n, uint32_t systemd,
         uint64_t gen)
{
  netipc_cgroups_builder b;
  size_t len = 0;
  uint32_t i;
  if (netipc_cgroups_builder_init(&b, buf, cap, max_items, systemd, gen) !=
      NETIPC_OK)
    return 0;
  for (i = 0; i < n; i++)
    netipc_cgroups_builder_add(&b, items[i].hash, items[i].options,
                               items[i].enabled, items[i].name,
                               strlen(items[i].name), items[i].path,
                               strlen(items[i].path));
  if (netipc_cgroups_builder_finish(&b, &len) != NETIPC_OK)
    return 0;
  return len;
}

static void
test_cgroups_req_vec(void)
{
  uint8_t buf[8];
  size_t n = 0;

  is_uint(vec[V_CG_REQ].len, 4, "cgroups_req.bin is 4 bytes");
  is_err(netipc_cgroups_req_decode(vec[V_CG_REQ].data, vec[V_CG_REQ].len),
         NETIPC_OK, "cgroups_req.bin decodes (layout 1, flags 0)");
  ok(netipc_cgroups_req_encode(buf, sizeof buf, &n) == NETIPC_OK && n == 4 &&
         memcmp(buf, vec[V_CG_REQ].data, 4) == 0,
     "cgroups_req.bin re-encoded byte for byte");
}

static void
test_cgroups_resp_vec(void)
{
  const uint8_t *d = vec[V_CG_RESP].data;
  size_t len = vec[V_CG_RESP].len, n;
  static uint8_t buf[4096];
  netipc_cgroups_view v;
  netipc_cgroups_item_view it;
  uint32_t i, dir[6] = {0, 69, 72, 107, 184, 34};
  int dir_ok = 1;

  is_uint(len, 266, "cgroups_resp.bin is 266 bytes");
  for (i = 0; i < 6; i++) {
    uint32_t x;
    memcpy(&x, d + 24 + 4 * i, 4);
    dir_ok &= x == dir[i];
  }
  ok(dir_ok, "cgroups_resp.bin directory {0,69} {72,107} {184,34}");
  memset(&v, 0, sizeof v);
  is_err(netipc_cgroups_view_decode(d, len, &v), NETIPC_OK,
         "cgroups_resp.bin: stage A");
  is_uint(v.item_count, 3, "cgroups_resp.bin: 3 items");
  is_uint(v.systemd_enabled, 1, "cgroups_resp.bin: systemd_enabled 1");
  is_uint(v.generation, 999, "cgroups_resp.bin: generation 999");
  is_err(netipc_cgroups_view_validate(&v, NULL), NETIPC_OK,
         "cgroups_resp.bin: stage B on every item");
  for (i = 0; i < 3; i++) {
    const struct cg_item *e = &cg_items[i];
    size_t nl = strlen(e->name), pl = strlen(e->path);
    memset(&it, 0, sizeof it);
    is_err(netipc_cgroups_view_item(&v, i, &it), NETIPC_OK,
           "cgroups_resp.bin: item %u reads", (unsigned)i);
    ok(it.hash == e->hash && it.options == e->options &&
           it.enabled == e->enabled,
       "cgroups_resp.bin: item %u hash %u options %u enabled %u",
       (unsigned)i, (unsigned)e->hash, (unsigned)e->options,
       (unsigned)e->enabled);
    ok(it.name.len == nl && it.name.ptr != NULL &&
           memcmp(it.name.ptr, e->name, nl + 1) == 0,
       "cgroups_resp.bin: item %u name \"%s\"", (unsigned)i, e->name);
    ok(it.path.len == pl && it.path.ptr != NULL &&
           memcmp(it.path.ptr, e->path, pl + 1) == 0,
       "cgroups_resp.bin: item %u path \"%s\"", (unsigned)i, e->path);
  }

  memset(buf, 0xAA, sizeof buf);
  n = cg_build(buf, sizeof buf, 0, cg_items, 3, 1, 999);
  ok(n == len && memcmp(buf, d, len) == 0,
     "cgroups_resp.bin rebuilt: 4096-byte buffer, default max_items");
  memset(buf, 0xAA, sizeof buf);
  n = cg_build(buf, 282, 0, cg_items, 3, 1, 999);
  ok(n == len && memcmp(buf, d, len) == 0,
     "cgroups_resp.bin rebuilt: tight 282-byte buffer, default max_items");
  memset(buf, 0xAA, sizeof buf);
  n = cg_build(buf, 266, 3, cg_items, 3, 1, 999);
  ok(n == len && memcmp(buf, d, len) == 0,
     "cgroups_resp.bin rebuilt: exact 266-byte buffer, max_items 3");
}

static void
test_cgroups_empty_vec(void)
{
  const uint8_t *d = vec[V_CG_EMPTY].data;
  size_t len = vec[V_CG_EMPTY].len, n;
  uint8_t buf[4096];
  netipc_cgroups_view v;

  is_uint(len, 24, "cgroups_resp_empty.bin is 24 bytes");
  memset(&v, 0xFF, sizeof v);
  is_err(netipc_cgroups_view_decode(d, len, &v), NETIPC_OK,
         "cgroups_resp_empty.bin decodes");
  ok(v.item_count == 0 && v.systemd_enabled == 0 && v.generation == 42,
     "cgroups_resp_empty.bin: 0 items, systemd 0, generation 42");
  memset(buf, 0xAA, sizeof buf);
  n = cg_build(buf, sizeof buf, 0, NULL, 0, 0, 42);
  ok(n == 24 && memcmp(buf, d, 24) == 0,
     "cgroups_resp_empty.bin rebuilt in a 4096-byte buffer");
  memset(buf, 0xAA, sizeof buf);
  n = cg_build(buf, 24, 0, NULL, 0, 0, 42);
  ok(n == 24 && memcmp(buf, d, 24) == 0,
     "cgroups_resp_empty.bin rebuilt in exactly 24 bytes");
}

/* ---- INCREMENT --------------------------------------------------------- */

/* wire.md 12: the INCREMENT request, byte for byte (little-endian). */
static const uint8_t inc_req_le[40] = {
    0x43, 0x50, 0x49, 0x4e, 0x01, 0x00, 0x20, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x29, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

/* Encode header + INCREMENT payload from the inputs into buf (40 bytes). */
static int
encode_inc_msg(uint16_t kind, uint64_t id, uint64_t value, uint8_t *buf)
{
  netipc_header h;
  size_t n = 0;
  netipc_header_init(&h, kind, NETIPC_METHOD_INCREMENT, id);
  h.payload_len = 8;
  return netipc_header_encode(&h, buf, 32) == NETIPC_OK &&
         netipc_increment_encode(value, buf + 32, 8, &n) == NETIPC_OK &&
         n == 8;
}

static void
check_inc_msg(int idx, uint16_t kind, uint64_t value)
{
  const uint8_t *d = vec[idx].data;
  const char *name = vec_names[idx];
  netipc_header h;
  uint64_t got = 0;
  uint8_t buf[40];

  is_uint(vec[idx].len, 40, "%s is 40 bytes", name);
  memset(&h, 0, sizeof h);
  is_err(netipc_header_decode(d, vec[idx].len, &h), NETIPC_OK,
         "%s: header decodes", name);
  ok(h.kind == kind && h.flags == 0 && h.code == NETIPC_METHOD_INCREMENT &&
         h.transport_status == 0 && h.payload_len == 8 &&
         h.item_count == 1 && h.message_id == 7,
     "%s: kind %u, code INCREMENT, payload_len 8, item_count 1, id 7", name,
     (unsigned)kind);
  is_err(netipc_increment_decode(d + 32, vec[idx].len - 32, &got), NETIPC_OK,
         "%s: payload decodes", name);
  is_uint(got, value, "%s: value", name);
  ok(encode_inc_msg(kind, 7, value, buf) && memcmp(buf, d, 40) == 0,
     "%s re-encoded byte for byte", name);
}

static void
test_increment_vec(void)
{
  uint8_t buf[8];
  uint64_t v = 0;
  size_t n = 0;

  is_uint(vec[V_INC_PAYLOAD].len, 8, "increment_req_payload.bin is 8 bytes");
  is_err(netipc_increment_decode(vec[V_INC_PAYLOAD].data, 8, &v), NETIPC_OK,
         "increment_req_payload.bin decodes");
  is_uint(v, 41, "increment_req_payload.bin: 41");
  ok(netipc_increment_encode(41, buf, sizeof buf, &n) == NETIPC_OK &&
         n == 8 && memcmp(buf, vec[V_INC_PAYLOAD].data, 8) == 0,
     "increment_req_payload.bin re-encoded byte for byte");

  check_inc_msg(V_INC_REQ, NETIPC_KIND_REQUEST, 41);
  check_inc_msg(V_INC_RESP, NETIPC_KIND_RESPONSE, 42);
  ok(vec[V_INC_REQ].len == 40 &&
         memcmp(vec[V_INC_REQ].data, inc_req_le, 40) == 0,
     "increment_req_msg.bin equals the wire.md 12 dump");
  ok(vec[V_INC_RESP].len == 40 &&
         memcmp(vec[V_INC_RESP].data, inc_req_le, 8) == 0 &&
         vec[V_INC_RESP].data[8] == 0x02 &&
         memcmp(vec[V_INC_RESP].data + 9, inc_req_le + 9, 23) == 0 &&
         vec[V_INC_RESP].data[32] == 0x2a,
     "increment_resp_msg.bin differs from the request only in kind/value");
}

/* ---- STRING_REVERSE ---------------------------------------------------- */

static void
check_sr_payload(int idx, const char *text)
{
  const uint8_t *d = vec[idx].data;
  const char *name = vec_names[idx];
  size_t tl = strlen(text), n = 0;
  netipc_string_view sv;
  uint8_t buf[64];

  is_uint(vec[idx].len, 9 + tl, "%s is %zu bytes", name, 9 + tl);
  memset(&sv, 0, sizeof sv);
  is_err(netipc_string_reverse_decode(d, vec[idx].len, &sv), NETIPC_OK,
         "%s decodes", name);
  ok(sv.len == tl && sv.ptr != NULL && memcmp(sv.ptr, text, tl + 1) == 0,
     "%s: \"%s\"", name, text);
  ok(netipc_string_reverse_encode(text, tl, buf, sizeof buf, &n) ==
             NETIPC_OK &&
         n == vec[idx].len && memcmp(buf, d, n) == 0,
     "%s re-encoded byte for byte", name);
}

static void
test_string_reverse_vec(void)
{
  check_sr_payload(V_SR, "hello, netipc");
  check_sr_payload(V_SR_EMPTY, "");
}

/* ---- batches ----------------------------------------------------------- */

/* Header and directory checks common to both batch vectors. */
static void
check_batch_header(int idx, uint16_t code, uint64_t id, netipc_batch_view *v)
{
  const uint8_t *d = vec[idx].data;
  const char *name = vec_names[idx];
  netipc_header h;

  memset(&h, 0, sizeof h);
  memset(v, 0, sizeof *v);
  is_err(netipc_header_decode(d, vec[idx].len, &h), NETIPC_OK,
         "%s: header decodes", name);
  ok(h.kind == NETIPC_KIND_REQUEST && h.flags == NETIPC_FLAG_BATCH &&
         h.code == code && h.transport_status == 0 && h.item_count == 3 &&
         h.message_id == id,
     "%s: REQUEST, BATCH, code %u, 3 items, id %llu", name, (unsigned)code,
     (unsigned long long)id);
  is_uint(h.payload_len, vec[idx].len - 32,
          "%s: payload_len covers everything after the header", name);
  is_err(netipc_batch_decode(d + 32, vec[idx].len - 32, 3, v), NETIPC_OK,
         "%s: batch directory decodes", name);
}

/* Wrap a finished batch payload in its header and compare with the file. */
static void
check_batch_reencode(int idx, uint16_t code, uint64_t id, uint8_t *buf,
                     uint32_t plen, uint32_t count)
{
  netipc_header h;
  netipc_header_init(&h, NETIPC_KIND_REQUEST, code, id);
  h.flags = NETIPC_FLAG_BATCH;
  h.payload_len = plen;
  h.item_count = count;
  ok(netipc_header_encode(&h, buf, 32) == NETIPC_OK &&
         32 + (size_t)plen == vec[idx].len &&
         memcmp(buf, vec[idx].data, vec[idx].len) == 0,
     "%s re-encoded byte for byte (header + directory + padded items)",
     vec_names[idx]);
}

static void
test_batch_increment_vec(void)
{
  netipc_batch_view v;
  netipc_batch_builder b;
  uint8_t buf[256];
  uint32_t i, plen = 0, count = 0;

  check_batch_header(V_BATCH_INC, NETIPC_METHOD_INCREMENT, 9, &v);
  for (i = 0; i < 3; i++) {
    const void *item = NULL;
    uint32_t len = 0;
    uint64_t val = 0;
    ok(v.item_count == 3 &&
           netipc_batch_item(&v, i, &item, &len) == NETIPC_OK && len == 8 &&
           netipc_increment_decode(item, len, &val) == NETIPC_OK &&
           val == i + 1,
       "batch_increment_req_msg.bin: item %u is %u", (unsigned)i,
       (unsigned)(i + 1));
  }

  /* Re-encode, writing each item in place through reserve/commit. */
  memset(buf, 0xAA, sizeof buf);
  netipc_batch_builder_init(&b, buf + 32, sizeof buf - 32, 3);
  for (i = 0; i < 3; i++) {
    void *where = NULL;
    size_t n = 0;
    netipc_batch_builder_reserve(&b, 8, &where);
    if (where != NULL)
      netipc_increment_encode(i + 1, where, 8, &n);
    netipc_batch_builder_commit(&b, n);
  }
  is_err(netipc_batch_builder_finish(&b, &plen, &count), NETIPC_OK,
         "batch_increment_req_msg.bin inputs build");
  check_batch_reencode(V_BATCH_INC, NETIPC_METHOD_INCREMENT, 9, buf, plen,
                       count);
}

static void
test_batch_string_reverse_vec(void)
{
  static const char *const texts[3] = {"a", "hello", ""};
  netipc_batch_view v;
  netipc_batch_builder b;
  uint8_t buf[256], item[32];
  uint32_t i, plen = 0, count = 0;

  check_batch_header(V_BATCH_SR, NETIPC_METHOD_STRING_REVERSE, 10, &v);
  for (i = 0; i < 3; i++) {
    const void *p = NULL;
    uint32_t len = 0;
    netipc_string_view sv;
    size_t tl = strlen(texts[i]);
    memset(&sv, 0, sizeof sv);
    ok(v.item_count == 3 && netipc_batch_item(&v, i, &p, &len) == NETIPC_OK &&
           len == 9 + tl &&
           netipc_string_reverse_decode(p, len, &sv) == NETIPC_OK &&
           sv.len == tl && memcmp(sv.ptr, texts[i], tl + 1) == 0,
       "batch_string_reverse_req_msg.bin: item %u is \"%s\"", (unsigned)i,
       texts[i]);
  }

  /* Re-encode, copying separately encoded items with add. */
  memset(buf, 0xAA, sizeof buf);
  netipc_batch_builder_init(&b, buf + 32, sizeof buf - 32, 3);
  for (i = 0; i < 3; i++) {
    size_t n = 0;
    netipc_string_reverse_encode(texts[i], strlen(texts[i]), item,
                                 sizeof item, &n);
    netipc_batch_builder_add(&b, item, n);
  }
  is_err(netipc_batch_builder_finish(&b, &plen, &count), NETIPC_OK,
         "batch_string_reverse_req_msg.bin inputs build");
  check_batch_reencode(V_BATCH_SR, NETIPC_METHOD_STRING_REVERSE, 10, buf,
                       plen, count);
}

int
main(void)
{
  int i;
  uint16_t one = 1;
  uint8_t first;
  memcpy(&first, &one, 1);
  if (first != 1)
    skip_all("the golden vectors are little-endian and the wire uses host "
             "byte order");
  vectors_resolve(&dirs, "codec", "", WHERE_HINT);
  for (i = 0; i < V_COUNT; i++)
    vectors_load(&dirs, vec_names[i], &vec[i]);
  plan(PLAN);
  diag("golden vectors from %s", dirs.dir);
  vectors_check_bundled(&dirs, vec, V_COUNT, vec_name);
  test_header_vec();
  test_chunk_vec();
  test_hello_vec();
  test_hello_ack_vec();
  test_cgroups_req_vec();
  test_cgroups_resp_vec();
  test_cgroups_empty_vec();
  test_increment_vec();
  test_string_reverse_vec();
  test_batch_increment_vec();
  test_batch_string_reverse_vec();
  return exit_status();
}
