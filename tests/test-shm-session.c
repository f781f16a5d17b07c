/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-shm-session.c - Level 1 sessions on the Linux SHM_HYBRID profile
 * (posix-shm.md, wire.md 9.4): negotiation, the region file and its exact
 * header, round trips of every size through the region, the single
 * message in flight rule, fallback to UDS when one side lacks SHM, and
 * who unlinks the region at teardown.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netipc/codec.h>
#include <netipc/transport.h>

#include "shm-helpers.h"
#include "tap.h"

#define PLAN 68

#define RQMAX 4001u  /* server request maximum: 32 + 4001 is not 64-aligned */
#define RSMAX 70000u /* server response maximum */
#define BATCH 16u
#define ROUNDS 1000u

static char run_dir[64];

static const char *const SVC = "shm-sess";
static const char *const SVC_UDS = "shm-sess-uds"; /* server without SHM */

static void
open_pair(uds_pair *p, netipc_listener *l, const char *svc,
          uint32_t supported, uint32_t preferred)
{
  netipc_transport_config c;
  shm_config(&c, run_dir, svc, supported, preferred, RQMAX, RSMAX);
  c.max_request_batch_items = BATCH;
  c.max_response_batch_items = BATCH;
  uds_pair_open(p, l, &c, 1);
}

/* req_seq and resp_seq as stored in the region file. */
static int
region_seqs(const char *path, uint64_t *req, uint64_t *resp)
{
  uint8_t h[64];
  if (shm_read_header(path, h) != 0)
    return -1;
  *req = shm_ld64(h + SHM_H_REQ_SEQ);
  *resp = shm_ld64(h + SHM_H_RESP_SEQ);
  return 0;
}

/* ---------------------------------------------------------------- */
/* Negotiation and the region file                                   */
/* ---------------------------------------------------------------- */

/* The region of an extended session (netipc on both sides) also holds
 * the 64-byte extension block after the response area. */
static void
check_region_file(const char *path, bool extended)
{
  struct stat st;
  int have = stat(path, &st) == 0;
  ok(have && S_ISREG(st.st_mode), "region %s exists as a regular file",
     path);
  is_uint(have ? (st.st_mode & 07777) : 0, 0600, "region file mode is 0600");

  uint8_t h[64];
  memset(h, 0xA5, sizeof h);
  if (shm_read_header(path, h) != 0)
    diag("cannot read the region header of %s", path);
  uint32_t req_cap = (uint32_t)shm_align64(32u + RQMAX);
  uint32_t resp_cap = (uint32_t)shm_align64(32u + RSMAX);
  uint32_t resp_off = 64u + req_cap;
  uint64_t size = (uint64_t)resp_off + resp_cap + (extended ? 64u : 0u);
  static const uint8_t magic_bytes[4] = {0x4D, 0x48, 0x53, 0x4E};
  is_mem(h, magic_bytes, 4, "magic bytes 4D 48 53 4E");
  is_uint(shm_ld16(h + SHM_H_VERSION), 3, "region version 3");
  is_uint(shm_ld16(h + SHM_H_HEADER_LEN), 64, "region header_len 64");
  is_int((int32_t)shm_ld32(h + SHM_H_OWNER_PID), getpid(),
         "owner_pid is the server's pid");
  ok(shm_ld32(h + SHM_H_OWNER_GEN) != 0, "owner_generation is non-zero");
  is_uint(shm_ld32(h + SHM_H_REQ_OFF), 64, "request_offset 64");
  is_uint(shm_ld32(h + SHM_H_REQ_CAP), req_cap,
          "request_capacity = align64(32 + RQmax) = %u", req_cap);
  is_uint(shm_ld32(h + SHM_H_RESP_OFF), resp_off,
          "response_offset = 64 + request_capacity = %u", resp_off);
  is_uint(shm_ld32(h + SHM_H_RESP_CAP), resp_cap,
          "response_capacity = align64(32 + RSmax) = %u", resp_cap);
  static const uint8_t zero[32];
  is_mem(h + 32, zero, 32, "sequence, length and signal words start at 0");
  is_uint(have ? (uint64_t)st.st_size : 0, size, "file size %llu",
          (unsigned long long)size);
  ok(have && (uint64_t)st.st_blocks * 512u >= size,
     "file fully allocated, not sparse (%llu blocks of 512)",
     have ? (unsigned long long)st.st_blocks : 0ull);
}

/* ---------------------------------------------------------------- */
/* Round trips                                                       */
/* ---------------------------------------------------------------- */

static void
test_batch(uds_pair *p)
{
  uint8_t req[RQMAX];
  netipc_batch_builder b;
  uint32_t plen = 0, items = 0;
  netipc_err err = netipc_batch_builder_init(&b, req, sizeof req, BATCH);
  for (uint32_t i = 0; err == NETIPC_OK && i < BATCH; i++) {
    uint8_t item[8];
    size_t n;
    netipc_increment_encode(1000u * i + 7u, item, sizeof item, &n);
    err = netipc_batch_builder_add(&b, item, n);
  }
  if (err == NETIPC_OK)
    err = netipc_batch_builder_finish(&b, &plen, &items);
  netipc_header h;
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 77);
  h.flags = NETIPC_FLAG_BATCH;
  h.item_count = items;
  if (err == NETIPC_OK)
    err = netipc_session_send(p->client, &h, req, plen);
  is_err(err, NETIPC_OK, "batch of %u INCREMENT items sent over SHM", BATCH);

  netipc_header rh;
  const void *rp = NULL;
  size_t rl = 0;
  err = netipc_session_receive(p->server, UDS_WAIT_MS, NULL, &rh, &rp, &rl);
  ok(err == NETIPC_OK && (rh.flags & NETIPC_FLAG_BATCH) &&
         rh.item_count == BATCH && rl == plen && rp != NULL &&
         memcmp(rp, req, plen) == 0,
     "server got the batch intact (err %s, %u items, %zu bytes)",
     tap_err_name(err), rh.item_count, rl);
  err = err == NETIPC_OK ? uds_answer(p->server, &rh, rp, rl) : err;
  is_err(err, NETIPC_OK, "server answered the batch");

  err = netipc_session_receive(p->client, UDS_WAIT_MS, NULL, &rh, &rp, &rl);
  int good = err == NETIPC_OK && rh.message_id == 77 &&
             (rh.flags & NETIPC_FLAG_BATCH) && rh.item_count == BATCH;
  netipc_batch_view v;
  if (good && netipc_batch_decode(rp, rl, rh.item_count, &v) != NETIPC_OK)
    good = 0;
  for (uint32_t i = 0; good && i < BATCH; i++) {
    const void *item;
    uint32_t ilen;
    uint64_t value = 0;
    if (netipc_batch_item(&v, i, &item, &ilen) != NETIPC_OK ||
        netipc_increment_decode(item, ilen, &value) != NETIPC_OK ||
        value != 1000u * i + 8u)
      good = 0;
  }
  ok(good, "client got %u incremented batch items (err %s)", BATCH,
     tap_err_name(err));
}

static void
test_max_size(uds_pair *p, const char *path)
{
  static uint8_t req[RQMAX + 1], resp[RSMAX + 1];
  uds_fill(req, sizeof req, 11);
  uds_fill(resp, sizeof resp, 12);
  uint64_t rq0 = 0, rs0 = 0, rq1 = 0, rs1 = 0;
  region_seqs(path, &rq0, &rs0);

  netipc_header h, rh;
  const void *rp = NULL;
  size_t rl = 0;
  netipc_header_init(&h, NETIPC_KIND_REQUEST, 99, 4242);
  is_err(netipc_session_send(p->client, &h, req, RQMAX + 1),
         NETIPC_ERR_LIMIT_EXCEEDED, "request one byte over the limit refused");
  region_seqs(path, &rq1, &rs1);
  ok(rq1 == rq0 && netipc_session_inflight(p->client) == 0 &&
         !netipc_session_is_broken(p->client),
     "nothing published, nothing in flight (req_seq %llu -> %llu)",
     (unsigned long long)rq0, (unsigned long long)rq1);

  is_err(netipc_session_send(p->client, &h, req, RQMAX), NETIPC_OK,
         "request of exactly %u payload bytes sent", RQMAX);
  netipc_err err =
      netipc_session_receive(p->server, UDS_WAIT_MS, NULL, &rh, &rp, &rl);
  ok(err == NETIPC_OK && rl == RQMAX && rh.message_id == 4242 &&
         rh.code == 99 && memcmp(rp, req, RQMAX) == 0,
     "server got the maximum request intact (err %s, %zu bytes)",
     tap_err_name(err), rl);

  netipc_header_init(&h, NETIPC_KIND_RESPONSE, 99, 4242);
  is_err(netipc_session_send(p->server, &h, resp, RSMAX + 1),
         NETIPC_ERR_LIMIT_EXCEEDED, "response one byte over the limit refused");
  region_seqs(path, &rq1, &rs1);
  is_uint(rs1, rs0, "no response published");
  is_err(netipc_session_send(p->server, &h, resp, RSMAX), NETIPC_OK,
         "response of exactly %u payload bytes sent", RSMAX);
  err = netipc_session_receive(p->client, UDS_WAIT_MS, NULL, &rh, &rp, &rl);
  ok(err == NETIPC_OK && rl == RSMAX && rh.message_id == 4242 &&
         rh.kind == NETIPC_KIND_RESPONSE && memcmp(rp, resp, RSMAX) == 0,
     "client got the maximum response intact (err %s, %zu bytes)",
     tap_err_name(err), rl);
  region_seqs(path, &rq1, &rs1);
  ok(rq1 == rq0 + 1 && rs1 == rs0 + 1,
     "exactly one request and one response went through the region");
}

static void
test_many(uds_pair *p, const char *path)
{
  uint64_t rq0 = 0, rs0 = 0, rq1 = 0, rs1 = 0;
  region_seqs(path, &rq0, &rs0);
  unsigned good = 0;
  for (unsigned i = 0; i < ROUNDS; i++)
    if (uds_pair_round_trip(p, 3u + 7u * (uint64_t)i))
      good++;
    else
      break;
  is_uint(good, ROUNDS, "%u sequential round trips with checked values",
          ROUNDS);
  region_seqs(path, &rq1, &rs1);
  ok(rq1 == rq0 + ROUNDS && rs1 == rs0 + ROUNDS,
     "sequences advanced by %u (req %llu -> %llu, resp %llu -> %llu)", ROUNDS,
     (unsigned long long)rq0, (unsigned long long)rq1,
     (unsigned long long)rs0, (unsigned long long)rs1);
}

/* posix-shm.md 10: one message per direction; the session refuses more. */
static void
test_one_in_flight(uds_pair *p, const char *path)
{
  uint8_t buf[8];
  size_t n;
  uint64_t rq0 = 0, rs0 = 0, rq1 = 0, rs1 = 0;
  region_seqs(path, &rq0, &rs0);
  netipc_header h, rh;
  const void *rp = NULL;
  size_t rl = 0;
  netipc_increment_encode(500, buf, sizeof buf, &n);
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 500);
  is_err(netipc_session_send(p->client, &h, buf, n), NETIPC_OK,
         "first request sent");
  netipc_increment_encode(501, buf, sizeof buf, &n);
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 501);
  is_err(netipc_session_send(p->client, &h, buf, n), NETIPC_ERR_NOT_SUPPORTED,
         "second request before the first response refused");
  region_seqs(path, &rq1, &rs1);
  ok(rq1 == rq0 + 1 && netipc_session_inflight(p->client) == 1 &&
         !netipc_session_is_broken(p->client),
     "only the first request was published (req_seq +%llu, %zu in flight)",
     (unsigned long long)(rq1 - rq0), netipc_session_inflight(p->client));

  netipc_err err =
      netipc_session_receive(p->server, UDS_WAIT_MS, NULL, &rh, &rp, &rl);
  if (err == NETIPC_OK)
    err = uds_answer(p->server, &rh, rp, rl);
  uint64_t v = 0;
  netipc_err cerr =
      netipc_session_receive(p->client, UDS_WAIT_MS, NULL, &rh, &rp, &rl);
  ok(err == NETIPC_OK && cerr == NETIPC_OK && rh.message_id == 500 &&
         netipc_increment_decode(rp, rl, &v) == NETIPC_OK && v == 501,
     "the first request is answered (server %s, client %s)",
     tap_err_name(err), tap_err_name(cerr));
  ok(uds_pair_round_trip(p, 501), "after its response the next request works");
}

/* ---------------------------------------------------------------- */
/* Across processes, and the server going away first                 */
/* ---------------------------------------------------------------- */

#define XP_ROUNDS 200u
static const char *const SVC_XP = "shm-sess-xp";

static _Noreturn void
xp_child(int out_fd, const void *arg)
{
  (void)arg;
  alarm(30);
  netipc_transport_config c;
  shm_config(&c, run_dir, SVC_XP, SHM_PROFILES_BOTH, SHM_PREFERRED, RQMAX,
             RSMAX);
  netipc_listener *l = NULL;
  netipc_session *s = NULL;
  if (netipc_listener_create(&c, &l) != NETIPC_OK)
    _exit(2);
  shm_pipe_signal(out_fd, 'L');
  if (netipc_listener_accept(l, UDS_WAIT_MS, NULL, &s) != NETIPC_OK)
    _exit(3);
  unsigned served = 0;
  netipc_err err = uds_serve(s, 10000, NULL, &served);
  netipc_session_destroy(s);
  netipc_listener_destroy(l);
  _exit(err == NETIPC_ERR_DISCONNECTED && served == XP_ROUNDS ? 0 : 4);
}

/* INCREMENT round trip on a client session only. */
static int
client_round_trip(netipc_session *c, uint64_t value)
{
  uint8_t buf[8];
  size_t n;
  netipc_header h, rh;
  const void *rp;
  size_t rl;
  uint64_t v = 0;
  netipc_increment_encode(value, buf, sizeof buf, &n);
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, value);
  return netipc_session_send(c, &h, buf, n) == NETIPC_OK &&
         netipc_session_receive(c, UDS_WAIT_MS, NULL, &rh, &rp, &rl) ==
             NETIPC_OK &&
         netipc_increment_decode(rp, rl, &v) == NETIPC_OK &&
         v == value + 1 && rh.message_id == value;
}

static void
test_cross_process(void)
{
  int from_child;
  pid_t pid = shm_fork_child(xp_child, NULL, &from_child);
  if (pid < 0)
    bail_out("fork");
  if (shm_pipe_wait(from_child, UDS_WAIT_MS) != 'L')
    diag("the server process did not start");
  close(from_child);
  netipc_transport_config c;
  shm_config(&c, run_dir, SVC_XP, SHM_PROFILES_BOTH, SHM_PREFERRED, RQMAX,
             RSMAX);
  netipc_session *cs = NULL;
  netipc_err err = netipc_session_connect(&c, UDS_WAIT_MS, NULL, &cs);
  ok(err == NETIPC_OK && netipc_session_get_info(cs)->selected_profile ==
                             NETIPC_PROFILE_SHM_HYBRID,
     "SHM session with a server in another process (%s)", tap_err_name(err));
  unsigned good = 0;
  for (unsigned i = 0; cs != NULL && i < XP_ROUNDS; i++) {
    if (i % 20u == 0)
      uds_sleep_ms(20); /* let the server fall asleep in the futex */
    if (!client_round_trip(cs, 100000u + i))
      break;
    good++;
  }
  is_uint(good, XP_ROUNDS, "%u round trips across processes", XP_ROUNDS);
  netipc_session_destroy(cs);
  int status = 0;
  int reaped = shm_reap(pid, UDS_WAIT_MS, &status);
  is_int(reaped && WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0,
         "the server process served them all and saw the disconnect");
  is_int(shm_count_regions(run_dir), 0, "its region is gone");
}

static void
test_server_first(netipc_listener *l)
{
  uds_pair p;
  open_pair(&p, l, SVC, SHM_PROFILES_BOTH, SHM_PREFERRED);
  if (p.err != NETIPC_OK)
    bail_out("SHM session: %s", netipc_err_name(p.err));
  char path[256];
  shm_region_path(run_dir, SVC,
                  netipc_session_get_info(p.server)->session_id, path,
                  sizeof path);
  netipc_session_destroy(p.server);
  p.server = NULL;
  ok(!shm_exists(path), "server destroyed first: region unlinked");
  uint8_t buf[8];
  size_t n;
  netipc_header h, rh;
  const void *rp;
  netipc_increment_encode(1, buf, sizeof buf, &n);
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 1);
  (void)netipc_session_send(p.client, &h, buf, n);
  is_err(netipc_session_receive(p.client, 20000, NULL, &rh, &rp, &n),
         NETIPC_ERR_DISCONNECTED,
         "the client's wait ends with DISCONNECTED, not a timeout");
  uds_pair_close(&p);
}

/* ---------------------------------------------------------------- */
/* Main SHM session                                                  */
/* ---------------------------------------------------------------- */

static void
test_shm_session(void)
{
  netipc_transport_config sc;
  shm_config(&sc, run_dir, SVC, SHM_PROFILES_BOTH, SHM_PREFERRED, RQMAX,
             RSMAX);
  netipc_listener *l = NULL;
  netipc_err err = netipc_listener_create(&sc, &l);
  if (err != NETIPC_OK)
    bail_out("listener %s: %s", SVC, netipc_err_name(err));
  is_int(shm_count_regions(run_dir), 0, "an idle server has no region file");

  uds_pair p;
  open_pair(&p, l, SVC, SHM_PROFILES_BOTH, SHM_PREFERRED);
  if (p.err != NETIPC_OK)
    bail_out("SHM session: %s", netipc_err_name(p.err));
  const netipc_session_info *ci = netipc_session_get_info(p.client);
  const netipc_session_info *si = netipc_session_get_info(p.server);
  is_uint(ci->selected_profile, NETIPC_PROFILE_SHM_HYBRID,
          "client selected SHM_HYBRID");
  is_uint(si->selected_profile, NETIPC_PROFILE_SHM_HYBRID,
          "server selected SHM_HYBRID");
  ok(ci->session_id != 0 && ci->session_id == si->session_id,
     "both sides agree on session_id %llu",
     (unsigned long long)ci->session_id);
  ok(ci->max_request_payload_bytes == RQMAX &&
         ci->max_response_payload_bytes == RSMAX &&
         ci->max_request_batch_items == BATCH,
     "agreed limits %u/%u/%u", ci->max_request_payload_bytes,
     ci->max_response_payload_bytes, ci->max_request_batch_items);

  char path[256];
  shm_region_path(run_dir, SVC, si->session_id, path, sizeof path);
  ok(ci->extension_flags == NETIPC_HELLO_FLAG_EXTENSIONS &&
         si->extension_flags == NETIPC_HELLO_FLAG_EXTENSIONS,
     "two netipc peers agree on the extensions");
  check_region_file(path, true);
  is_int(shm_count_regions(run_dir), 1, "exactly one region file");

  /* A second SHM session gets its own region. */
  uds_pair p2;
  open_pair(&p2, l, SVC, SHM_PROFILES_BOTH, SHM_PREFERRED);
  char path2[256] = "";
  if (p2.err == NETIPC_OK)
    shm_region_path(run_dir, SVC,
                    netipc_session_get_info(p2.server)->session_id, path2,
                    sizeof path2);
  ok(p2.err == NETIPC_OK && strcmp(path, path2) != 0 && shm_exists(path2) &&
         shm_count_regions(run_dir) == 2,
     "a second SHM session has its own region file");
  ok(uds_pair_round_trip(&p2, 9000) && uds_pair_round_trip(&p, 9001),
     "two SHM sessions work side by side");
  uds_pair_close(&p2);
  ok(!shm_exists(path2) && shm_exists(path),
     "closing one session removes only its region");

  uint64_t rq0 = 0, rs0 = 0, rq1 = 0, rs1 = 0;
  region_seqs(path, &rq0, &rs0);
  ok(uds_pair_round_trip(&p, 41), "small INCREMENT round trip over SHM");
  region_seqs(path, &rq1, &rs1);
  ok(rq1 == rq0 + 1 && rs1 == rs0 + 1,
     "the round trip went through the region (req_seq %llu, resp_seq %llu)",
     (unsigned long long)rq1, (unsigned long long)rs1);
  ok(!uds_readable(netipc_session_fd(p.client), 0) &&
         !uds_readable(netipc_session_fd(p.server), 0),
     "nothing was written on either socket");

  test_batch(&p);
  test_max_size(&p, path);
  test_many(&p, path);
  test_one_in_flight(&p, path);
  ok(!uds_readable(netipc_session_fd(p.client), 0) &&
         !uds_readable(netipc_session_fd(p.server), 0),
     "the sockets stayed silent throughout");

  netipc_session_destroy(p.client);
  p.client = NULL;
  ok(shm_exists(path), "client destroy leaves the region file");
  netipc_session_destroy(p.server);
  p.server = NULL;
  ok(!shm_exists(path), "server destroy unlinks the region file");
  is_int(shm_count_regions(run_dir), 0, "no region file left");
  test_server_first(l);
  netipc_listener_destroy(l);
}

/* ---------------------------------------------------------------- */
/* One side without SHM                                              */
/* ---------------------------------------------------------------- */

static void
check_uds_only(uds_pair *p, const char *what)
{
  ok(p->err == NETIPC_OK, "%s: session opened (%s)", what,
     tap_err_name(p->err));
  if (p->err != NETIPC_OK) {
    skip(4, "no session");
    return;
  }
  ok(netipc_session_get_info(p->client)->selected_profile ==
             NETIPC_PROFILE_UDS_SEQPACKET &&
         netipc_session_get_info(p->server)->selected_profile ==
             NETIPC_PROFILE_UDS_SEQPACKET,
     "%s: both sides selected UDS_SEQPACKET", what);
  is_int(shm_count_regions(run_dir), 0, "%s: no region file", what);
  ok(uds_pair_round_trip(p, 123) && uds_pair_round_trip(p, 124),
     "%s: round trips on UDS", what);
  is_int(shm_count_regions(run_dir), 0, "%s: still no region file", what);
}

static void
test_no_shm(void)
{
  netipc_transport_config sc;
  netipc_listener *l = NULL;

  /* Server offers SHM, the client does not. */
  shm_config(&sc, run_dir, SVC, SHM_PROFILES_BOTH, SHM_PREFERRED, RQMAX,
             RSMAX);
  if (netipc_listener_create(&sc, &l) != NETIPC_OK)
    bail_out("listener %s", SVC);
  uds_pair p;
  open_pair(&p, l, SVC, NETIPC_PROFILE_UDS_SEQPACKET,
            NETIPC_PROFILE_UDS_SEQPACKET);
  check_uds_only(&p, "client 0x01 only");
  uds_pair_close(&p);
  netipc_listener_destroy(l);

  /* Client offers and prefers SHM, the server does not. */
  shm_config(&sc, run_dir, SVC_UDS, NETIPC_PROFILE_UDS_SEQPACKET, 0, RQMAX,
             RSMAX);
  if (netipc_listener_create(&sc, &l) != NETIPC_OK)
    bail_out("listener %s", SVC_UDS);
  open_pair(&p, l, SVC_UDS, SHM_PROFILES_BOTH, SHM_PREFERRED);
  check_uds_only(&p, "server 0x01 only");
  ok(p.client != NULL && netipc_session_get_info(p.client)
                                 ->server_supported_profiles ==
                             NETIPC_PROFILE_UDS_SEQPACKET,
     "server 0x01 only: the ack advertises 0x01");
  uds_pair_close(&p);
  netipc_listener_destroy(l);
}

int
main(void)
{
  uds_safety_alarm();
  plan(PLAN);
  uds_rundir_make(run_dir, sizeof run_dir, "shm-sess");
  test_shm_session();
  test_no_shm();
  test_cross_process();
  uds_rundir_remove(run_dir);
  return exit_status();
}
