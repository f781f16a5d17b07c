/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-uds-io.c - the UDS data plane (posix-uds.md 8-10, wire.md 7-8):
 * round trips, chunking at the packet-size boundaries, the exact packets
 * on the wire, payload and batch limits, batches, pipelining, duplicate
 * and unknown ids, and many concurrent clients.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include "tp-atomic.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netipc/codec.h>
#include <netipc/transport.h>

#include "tap.h"
#include "uds-helpers.h"

#define PLAN 116
#define EINTR_TIMEOUT_MS 300u  /* receive timeout under periodic signals */
#define EINTR_PERIOD_MS 20u    /* a signal this often, well under it */
#define EINTR_BOUND_MS 3000u   /* a timeout that fired at all is under this */

#define P 128u        /* packet size of the chunking tests */
#define B (P - 32u)   /* payload bytes per packet */
#define BIG 70000u    /* payload limits of the "io" listener */

static char run_dir[64];
static netipc_listener *io_listener;    /* "io": P = 128, limits BIG */
static netipc_listener *small_listener; /* "io-small": RSmax 2048 */
static int raw_lfd = -1;                /* "io-raw" */

static void
client_config(netipc_transport_config *c, const char *svc, uint32_t rq,
              uint32_t batch, uint32_t packet)
{
  uds_config(c, run_dir, svc);
  c->max_request_payload_bytes = rq;
  c->max_request_batch_items = batch;
  c->packet_size = packet;
}

static void
open_pair(uds_pair *p, netipc_listener *l, const char *svc, uint32_t rq,
          uint32_t batch, uint32_t packet)
{
  netipc_transport_config c;
  client_config(&c, svc, rq, batch, packet);
  uds_pair_open(p, l, &c, 1);
  if (p->err != NETIPC_OK)
    bail_out("cannot open a session to %s: %s", svc,
             netipc_err_name(p->err));
}

/* ---------------------------------------------------------------- */
/* Transfers of any size in both directions                          */
/* ---------------------------------------------------------------- */

typedef struct xfer {
  netipc_session *client;
  const uint8_t *req;
  const uint8_t *resp; /* what the client must receive */
  size_t len;
  uint64_t id;
  netipc_err send_err;
  netipc_err recv_err;
  int match;
} xfer;

static void *
xfer_client(void *arg)
{
  xfer *x = arg;
  netipc_header h, rh;
  const void *rp = NULL;
  size_t rl = 0;
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_STRING_REVERSE,
                     x->id);
  x->send_err = netipc_session_send(x->client, &h, x->req, x->len);
  if (x->send_err != NETIPC_OK)
    return NULL;
  x->recv_err = netipc_session_receive(x->client, UDS_WAIT_MS, NULL, &rh, &rp,
                                       &rl);
  x->match = x->recv_err == NETIPC_OK && rl == x->len &&
             rh.message_id == x->id && rh.kind == NETIPC_KIND_RESPONSE &&
             (x->len == 0 || memcmp(rp, x->resp, x->len) == 0);
  return NULL;
}

static void
test_transfer_sizes(void)
{
  static const size_t sizes[] = {0, 1, B, B + 1, 2 * B, 2 * B + 1, 1000,
                                 65536, BIG};
  uds_pair p;
  open_pair(&p, io_listener, "io", BIG, 8, P);
  is_uint(netipc_session_get_info(p.client)->packet_size, P,
          "transfer session uses packet size %u", P);
  uint8_t *req = malloc(BIG), *resp = malloc(BIG);
  if (req == NULL || resp == NULL)
    bail_out("malloc");
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    size_t len = sizes[i];
    xfer x = {p.client, req, resp, len, 500 + i, NETIPC_OK, NETIPC_OK, 0};
    uds_fill(req, len, (uint32_t)(2 * i + 1));
    uds_fill(resp, len, (uint32_t)(2 * i + 2));
    pthread_t t;
    uds_thread_start(&t, xfer_client, &x);
    netipc_header h;
    const void *rp = NULL;
    size_t rl = 0;
    netipc_err err =
        netipc_session_receive(p.server, UDS_WAIT_MS, NULL, &h, &rp, &rl);
    ok(err == NETIPC_OK && rl == len && h.payload_len == len &&
           h.message_id == 500 + i,
       "%zu-byte request (%u packets) received whole", len,
       netipc_chunk_count((uint32_t)len, P));
    is_mem(err == NETIPC_OK && rl == len ? rp : NULL, req, len,
           "%zu-byte request bytes are exact", len);
    netipc_header r;
    netipc_header_init(&r, NETIPC_KIND_RESPONSE, h.code, h.message_id);
    netipc_err serr = err == NETIPC_OK
                          ? netipc_session_send(p.server, &r, resp, len)
                          : err;
    uds_thread_join(t);
    ok(serr == NETIPC_OK && x.send_err == NETIPC_OK && x.match,
       "%zu-byte response received whole and exact by the client", len);
  }
  free(req);
  free(resp);
  uds_pair_close(&p);
}

/* ---------------------------------------------------------------- */
/* The packets on the wire (a raw server reads them)                 */
/* ---------------------------------------------------------------- */

static void
test_wire_packets(void)
{
  static const uint32_t sizes[] = {B, B + 1, 2 * B + 1, 1000};
  static uint8_t recs[4096], payload[1000];
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    uint32_t len = sizes[i];
    uint32_t count = len <= B ? 1 : 1 + (len - B + B - 1) / B;
    uds_raw_peer peer;
    uds_raw_peer_init(&peer, raw_lfd);
    peer.packet_size = P;
    peer.read_records = (int)count;
    peer.rec_buf = recs;
    peer.rec_cap = sizeof recs;
    peer.linger_ms = UDS_WAIT_MS;
    uds_raw_peer_start(&peer);

    netipc_transport_config c;
    netipc_session *s = NULL;
    client_config(&c, "io-raw", 4096, 1, P);
    uds_fill(payload, len, 40 + (uint32_t)i);
    netipc_err err = netipc_session_connect(&c, UDS_WAIT_MS, NULL, &s);
    if (err == NETIPC_OK) {
      netipc_header h;
      netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_STRING_REVERSE,
                         0x1122334455667788ull);
      err = netipc_session_send(s, &h, payload, len);
    }
    netipc_session_destroy(s);
    uds_raw_peer_join(&peer);

    /* Expected record lengths: P, P, ..., 32 + rest. */
    int lens_ok = err == NETIPC_OK && peer.records == (int)count;
    for (uint32_t k = 0; lens_ok && k < count; k++) {
      uint32_t data = k + 1 < count ? B : len - B * (count - 1);
      lens_ok = peer.rec_len[k] == 32u + data;
    }
    ok(lens_ok, "%u-byte payload: %u record(s) of the expected lengths", len,
       count);

    /* First record's header, then every continuation header. */
    int hdr_ok = 0;
    uint8_t joined[1000];
    size_t have = 0, off = 0;
    netipc_header h;
    if (lens_ok && netipc_header_decode(recs, peer.rec_len[0], &h) ==
                       NETIPC_OK && h.payload_len == len) {
      hdr_ok = 1;
      memcpy(joined, recs + 32, peer.rec_len[0] - 32);
      have = peer.rec_len[0] - 32;
      off = peer.rec_len[0];
      for (uint32_t k = 1; k < count; k++) {
        netipc_chunk_header ch;
        if (netipc_chunk_header_decode(recs + off, peer.rec_len[k], &ch) !=
                NETIPC_OK ||
            ch.message_id != 0x1122334455667788ull ||
            ch.total_message_len != 32 + len || ch.chunk_index != k ||
            ch.chunk_count != count ||
            ch.chunk_payload_len != peer.rec_len[k] - 32)
          hdr_ok = 0;
        memcpy(joined + have, recs + off + 32, peer.rec_len[k] - 32);
        have += peer.rec_len[k] - 32;
        off += peer.rec_len[k];
      }
    }
    ok(hdr_ok, "%u-byte payload: header and chunk headers follow wire.md 8",
       len);
    is_mem(hdr_ok && have == len ? joined : NULL, payload, len,
           "%u-byte payload: reassembled bytes are exact", len);
    ok(!peer.failed && peer.saw_eof,
       "%u-byte payload: nothing else was sent before the close", len);
  }
}

/* ---------------------------------------------------------------- */
/* Limits                                                            */
/* ---------------------------------------------------------------- */

static netipc_err
send_req(netipc_session *s, uint64_t id, const void *p, size_t len)
{
  netipc_header h;
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_STRING_REVERSE,
                     id);
  return netipc_session_send(s, &h, p, len);
}

static netipc_err
send_resp(netipc_session *s, const netipc_header *req, const void *p,
          size_t len, uint16_t flags, uint32_t items)
{
  netipc_header h;
  netipc_header_init(&h, NETIPC_KIND_RESPONSE, req->code, req->message_id);
  h.flags = flags;
  h.item_count = items;
  return netipc_session_send(s, &h, p, len);
}

static void
test_request_limits(void)
{
  static uint8_t buf[4200];
  uds_pair p;
  netipc_header h;
  const void *rp;
  size_t rl;
  open_pair(&p, io_listener, "io", 4096, 8, P);
  uds_fill(buf, sizeof buf, 7);

  is_err(send_req(p.client, 1, buf, 4096), NETIPC_OK,
         "request payload at the 4096 limit: sent");
  netipc_err err =
      netipc_session_receive(p.server, UDS_WAIT_MS, NULL, &h, &rp, &rl);
  ok(err == NETIPC_OK && rl == 4096 && memcmp(rp, buf, 4096) == 0,
     "server received the 4096-byte request exactly");
  is_err(send_req(p.client, 2, buf, 4097), NETIPC_ERR_LIMIT_EXCEEDED,
         "4097 bytes: LIMIT_EXCEEDED at send");
  is_uint(netipc_session_inflight(p.client), 1,
          "in-flight count unchanged by the refused send");
  ok(!uds_readable(netipc_session_fd(p.server), 100),
     "nothing reached the server");
  ok(!netipc_session_is_broken(p.client), "client session not broken");
  is_err(send_req(p.client, 2, buf, 0), NETIPC_OK,
         "id 2 was not kept in flight: it can be sent now");
  netipc_header h2;
  err = netipc_session_receive(p.server, UDS_WAIT_MS, NULL, &h2, &rp, &rl);
  ok(err == NETIPC_OK && h2.message_id == 2 && rl == 0,
     "server got the empty request 2 next");
  is_err(send_resp(p.server, &h, NULL, 0, 0, 1), NETIPC_OK, "answer 1");
  is_err(send_resp(p.server, &h2, NULL, 0, 0, 1), NETIPC_OK, "answer 2");
  netipc_header r1, r2;
  netipc_err e1 =
      netipc_session_receive(p.client, UDS_WAIT_MS, NULL, &r1, &rp, &rl);
  netipc_err e2 =
      netipc_session_receive(p.client, UDS_WAIT_MS, NULL, &r2, &rp, &rl);
  ok(e1 == NETIPC_OK && e2 == NETIPC_OK && r1.message_id == 1 &&
         r2.message_id == 2,
     "both answers arrive");
  is_uint(netipc_session_inflight(p.client), 0, "nothing in flight");

  /* item_count over the request batch limit (8). */
  netipc_header bh;
  netipc_header_init(&bh, NETIPC_KIND_REQUEST, NETIPC_METHOD_STRING_REVERSE,
                     3);
  bh.flags = NETIPC_FLAG_BATCH;
  bh.item_count = 9;
  memset(buf, 0, 9 * 8);
  is_err(netipc_session_send(p.client, &bh, buf, 9 * 8),
         NETIPC_ERR_LIMIT_EXCEEDED, "item_count 9 > 8: LIMIT_EXCEEDED");
  bh.flags = 0;
  is_err(netipc_session_send(p.client, &bh, buf, 8),
         NETIPC_ERR_LIMIT_EXCEEDED,
         "item_count 9 without BATCH: LIMIT_EXCEEDED too");
  is_err2(netipc_session_send(p.client, &h, buf, (size_t)UINT32_MAX),
          NETIPC_ERR_TOO_LARGE, NETIPC_ERR_LIMIT_EXCEEDED,
          "payload whose 32 + len overflows u32 is refused");
  ok(!uds_readable(netipc_session_fd(p.server), 100),
     "none of the refused sends reached the server");
  is_uint(netipc_session_inflight(p.client), 0,
          "refused sends left nothing in flight");
  ok(uds_pair_round_trip(&p, 4), "session still round-trips");
  uds_pair_close(&p);
}

static void
test_response_limits(void)
{
  static uint8_t buf[2100];
  uds_pair p;
  netipc_header h, rh;
  const void *rp;
  size_t rl;
  open_pair(&p, small_listener, "io-small", 2048, 4, P);
  is_uint(netipc_session_get_info(p.server)->max_response_payload_bytes,
          2048, "response limit is RSmax 2048");
  uds_fill(buf, sizeof buf, 9);

  netipc_err err = send_req(p.client, 10, NULL, 0);
  if (err == NETIPC_OK)
    err = netipc_session_receive(p.server, UDS_WAIT_MS, NULL, &h, &rp, &rl);
  if (err != NETIPC_OK)
    bail_out("request 10 did not arrive");
  is_err(send_resp(p.server, &h, buf, 2049, 0, 1), NETIPC_ERR_LIMIT_EXCEEDED,
         "server response of 2049 bytes: LIMIT_EXCEEDED");
  is_err(send_resp(p.server, &h, buf, 5 * 8, NETIPC_FLAG_BATCH, 5),
         NETIPC_ERR_LIMIT_EXCEEDED,
         "server response with 5 items > 4: LIMIT_EXCEEDED");
  ok(!netipc_session_is_broken(p.server) &&
         !uds_readable(netipc_session_fd(p.client), 100),
     "server session intact, nothing sent");
  is_err(send_resp(p.server, &h, buf, 2048, 0, 1), NETIPC_OK,
         "server response of exactly 2048 bytes: sent");
  err = netipc_session_receive(p.client, UDS_WAIT_MS, NULL, &rh, &rp, &rl);
  ok(err == NETIPC_OK && rh.message_id == 10 && rl == 2048 &&
         memcmp(rp, buf, 2048) == 0,
     "client received the 2048-byte response exactly");
  uds_pair_close(&p);
}

/* ---------------------------------------------------------------- */
/* Batches                                                           */
/* ---------------------------------------------------------------- */

/* Build a STRING_REVERSE batch of n strings with the given lengths. */
static netipc_err
build_batch(uint8_t *buf, size_t cap, uint32_t n, const size_t *lens,
            uint32_t *plen, uint32_t *items)
{
  netipc_batch_builder b;
  static char str[4096];
  uint8_t item[4200];
  netipc_err err = netipc_batch_builder_init(&b, buf, cap, n);
  for (uint32_t i = 0; err == NETIPC_OK && i < n; i++) {
    size_t il;
    for (size_t k = 0; k < lens[i]; k++)
      str[k] = (char)('A' + (k * 7 + i) % 26);
    err = netipc_string_reverse_encode(str, lens[i], item, sizeof item, &il);
    if (err == NETIPC_OK)
      err = netipc_batch_builder_add(&b, item, il);
  }
  if (err == NETIPC_OK)
    err = netipc_batch_builder_finish(&b, plen, items);
  return err;
}

/* Check a STRING_REVERSE response batch against the request batch. */
static int
batch_reversed(const void *req, uint32_t req_len, uint32_t n, const void *resp,
               size_t resp_len, uint32_t resp_items)
{
  netipc_batch_view qv, rv;
  if (resp_items != n ||
      netipc_batch_decode(req, req_len, n, &qv) != NETIPC_OK ||
      netipc_batch_decode(resp, resp_len, resp_items, &rv) != NETIPC_OK)
    return 0;
  for (uint32_t i = 0; i < n; i++) {
    const void *qi, *ri;
    uint32_t ql, rl;
    netipc_string_view qs, rs;
    if (netipc_batch_item(&qv, i, &qi, &ql) != NETIPC_OK ||
        netipc_batch_item(&rv, i, &ri, &rl) != NETIPC_OK ||
        netipc_string_reverse_decode(qi, ql, &qs) != NETIPC_OK ||
        netipc_string_reverse_decode(ri, rl, &rs) != NETIPC_OK ||
        qs.len != rs.len)
      return 0;
    for (uint32_t k = 0; k < qs.len; k++)
      if (qs.ptr[k] != rs.ptr[qs.len - 1 - k])
        return 0;
  }
  return 1;
}

/* Send a batch, let the server answer it, check the reversed items. */
static void
batch_round(uds_pair *p, uint64_t id, const uint8_t *payload, uint32_t plen,
            uint32_t items, const char *what)
{
  netipc_header h, sh, rh;
  const void *sp = NULL, *rp = NULL;
  size_t sl = 0, rl = 0;
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_STRING_REVERSE,
                     id);
  h.flags = NETIPC_FLAG_BATCH;
  h.item_count = items;
  netipc_err err = netipc_session_send(p->client, &h, payload, plen);
  is_err(err, NETIPC_OK, "%s: sent", what);
  if (err == NETIPC_OK)
    err = netipc_session_receive(p->server, UDS_WAIT_MS, NULL, &sh, &sp, &sl);
  ok(err == NETIPC_OK && (sh.flags & NETIPC_FLAG_BATCH) &&
         sh.item_count == items && sl == plen && memcmp(sp, payload, plen) == 0,
     "%s: server received BATCH, %u items, %u exact bytes", what, items,
     plen);
  if (err == NETIPC_OK)
    err = uds_answer(p->server, &sh, sp, sl);
  if (err == NETIPC_OK)
    err = netipc_session_receive(p->client, UDS_WAIT_MS, NULL, &rh, &rp, &rl);
  ok(err == NETIPC_OK && rh.message_id == id &&
         (rh.flags & NETIPC_FLAG_BATCH) &&
         batch_reversed(payload, plen, items, rp, rl, rh.item_count),
     "%s: every response item is its request item reversed", what);
}

static void
test_batches(void)
{
  static uint8_t buf[8192];
  uint32_t plen = 0, items = 0;
  uds_pair p;
  open_pair(&p, io_listener, "io", 4096, 8, P);

  size_t one[1] = {5};
  if (build_batch(buf, sizeof buf, 1, one, &plen, &items) != NETIPC_OK)
    bail_out("batch of 1");
  batch_round(&p, 20, buf, plen, items, "batch of 1 item");

  size_t eight[8];
  for (int i = 0; i < 8; i++)
    eight[i] = (size_t)(i * 13);
  if (build_batch(buf, sizeof buf, 8, eight, &plen, &items) != NETIPC_OK)
    bail_out("batch of 8");
  batch_round(&p, 21, buf, plen, items, "batch of 8 items (the maximum)");

  /* 8 items of 504 bytes (8 + 495 + NUL): 64 + 8 * 504 = 4096. */
  size_t full[8];
  for (int i = 0; i < 8; i++)
    full[i] = 495;
  if (build_batch(buf, sizeof buf, 8, full, &plen, &items) != NETIPC_OK)
    bail_out("batch at the limit");
  is_uint(plen, 4096, "batch at the byte limit has payload_len 4096");
  batch_round(&p, 22, buf, plen, items, "batch at the byte limit");

  full[7] = 496; /* one more byte: 505, padded to 512 */
  if (build_batch(buf, sizeof buf, 8, full, &plen, &items) != NETIPC_OK)
    bail_out("batch over the limit");
  netipc_header h;
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_STRING_REVERSE,
                     23);
  h.flags = NETIPC_FLAG_BATCH;
  h.item_count = items;
  is_err(netipc_session_send(p.client, &h, buf, plen),
         NETIPC_ERR_LIMIT_EXCEEDED, "batch of %u bytes: LIMIT_EXCEEDED", plen);

  size_t nine[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  if (build_batch(buf, sizeof buf, 9, nine, &plen, &items) != NETIPC_OK)
    bail_out("batch of 9");
  h.item_count = items;
  is_err(netipc_session_send(p.client, &h, buf, plen),
         NETIPC_ERR_LIMIT_EXCEEDED, "batch of 9 items: LIMIT_EXCEEDED");
  is_uint(netipc_session_inflight(p.client), 0,
          "refused batches left nothing in flight");
  ok(!uds_readable(netipc_session_fd(p.server), 100),
     "refused batches sent nothing");
  uds_pair_close(&p);
}

/* ---------------------------------------------------------------- */
/* Pipelining and ids                                                */
/* ---------------------------------------------------------------- */

#define PIPE_N 64

static void
test_pipelining(void)
{
  uds_pair p;
  open_pair(&p, io_listener, "io", 4096, 1, P);
  int sends_ok = 1;
  for (uint64_t i = 0; i < PIPE_N; i++) {
    uint8_t v[8];
    size_t n;
    netipc_header h;
    netipc_increment_encode(i * 10, v, sizeof v, &n);
    netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT,
                       1000 + i);
    if (netipc_session_send(p.client, &h, v, n) != NETIPC_OK)
      sends_ok = 0;
  }
  ok(sends_ok, "%d requests sent before reading anything", PIPE_N);
  is_uint(netipc_session_inflight(p.client), PIPE_N, "%d in flight", PIPE_N);

  static netipc_header req[PIPE_N];
  static uint64_t val[PIPE_N];
  int recv_ok = 1;
  for (int i = 0; i < PIPE_N; i++) {
    const void *rp;
    size_t rl;
    if (netipc_session_receive(p.server, UDS_WAIT_MS, NULL, &req[i], &rp,
                               &rl) != NETIPC_OK ||
        netipc_increment_decode(rp, rl, &val[i]) != NETIPC_OK ||
        req[i].message_id != 1000u + (unsigned)i)
      recv_ok = 0;
  }
  ok(recv_ok, "server received them in order");

  /* Answer in a shuffled order: i * 37 mod 64 is a permutation. */
  int answer_ok = 1;
  for (int k = 0; k < PIPE_N; k++) {
    int i = (k * 37) % PIPE_N;
    uint8_t v[8];
    size_t n;
    netipc_increment_encode(val[i] + 1, v, sizeof v, &n);
    if (send_resp(p.server, &req[i], v, n, 0, 1) != NETIPC_OK)
      answer_ok = 0;
  }
  ok(answer_ok, "server answered in shuffled order");

  int match = 1, in_order = 1;
  uint8_t seen[PIPE_N] = {0};
  for (int k = 0; k < PIPE_N; k++) {
    netipc_header rh;
    const void *rp;
    size_t rl;
    uint64_t v = 0;
    if (netipc_session_receive(p.client, UDS_WAIT_MS, NULL, &rh, &rp, &rl) !=
            NETIPC_OK ||
        netipc_increment_decode(rp, rl, &v) != NETIPC_OK ||
        rh.message_id < 1000 || rh.message_id >= 1000 + PIPE_N) {
      match = 0;
      break;
    }
    uint64_t i = rh.message_id - 1000;
    if (seen[i] || v != i * 10 + 1)
      match = 0;
    seen[i] = 1;
    if (i != (uint64_t)((k * 37) % PIPE_N))
      in_order = 0;
  }
  ok(match, "client matched all %d responses to their requests by id",
     PIPE_N);
  ok(in_order, "responses arrived in the server's order");
  is_uint(netipc_session_inflight(p.client), 0, "nothing left in flight");
  uds_pair_close(&p);
}

static void
test_duplicate_id(void)
{
  uds_pair p;
  netipc_header h;
  const void *rp;
  size_t rl;
  open_pair(&p, io_listener, "io", 4096, 1, P);
  uint8_t v[8] = {0};
  is_err(send_req(p.client, 77, v, 8), NETIPC_OK, "request id 77 sent");
  is_err(send_req(p.client, 77, v, 8), NETIPC_ERR_DUPLICATE_ID,
         "id 77 again while in flight: DUPLICATE_ID");
  is_uint(netipc_session_inflight(p.client), 1, "still one in flight");
  ok(!netipc_session_is_broken(p.client), "session not broken");
  netipc_err err =
      netipc_session_receive(p.server, UDS_WAIT_MS, NULL, &h, &rp, &rl);
  ok(err == NETIPC_OK && h.message_id == 77, "server got id 77 once");
  ok(!uds_readable(netipc_session_fd(p.server), 100),
     "the duplicate was not sent");
  send_resp(p.server, &h, NULL, 0, 0, 1);
  netipc_header rh;
  err = netipc_session_receive(p.client, UDS_WAIT_MS, NULL, &rh, &rp, &rl);
  ok(err == NETIPC_OK && rh.message_id == 77, "answer to 77 received");
  ok(uds_pair_round_trip(&p, 77), "id 77 is free again after its answer");
  uds_pair_close(&p);
}

static void
test_unknown_id(void)
{
  static uint8_t resp_wrong[40], resp_right[40];
  netipc_header h;
  netipc_header_init(&h, NETIPC_KIND_RESPONSE, NETIPC_METHOD_INCREMENT, 8);
  h.payload_len = 8;
  uint8_t v[8] = {1};
  uds_msg_build(resp_wrong, sizeof resp_wrong, &h, v, 8);
  h.message_id = 7;
  uds_msg_build(resp_right, sizeof resp_right, &h, v, 8);

  netipc_transport_config c;
  client_config(&c, "io-raw", 4096, 1, 0);
  const void *rp;
  size_t rl;
  netipc_header rh;

  /* Answer with id 8 to a request with id 7. */
  uds_raw_peer peer;
  uds_raw_peer_init(&peer, raw_lfd);
  peer.read_records = 1;
  peer.linger_ms = UDS_WAIT_MS;
  uds_raw_peer_add(&peer, resp_wrong, sizeof resp_wrong, 0);
  uds_raw_peer_start(&peer);
  netipc_session *s = NULL;
  netipc_err err = netipc_session_connect(&c, UDS_WAIT_MS, NULL, &s);
  if (err == NETIPC_OK)
    err = send_req(s, 7, v, 8);
  if (err == NETIPC_OK)
    err = netipc_session_receive(s, UDS_WAIT_MS, NULL, &rh, &rp, &rl);
  is_err(err, NETIPC_ERR_UNKNOWN_ID, "response id 8 to request 7: UNKNOWN_ID");
  ok(s != NULL && netipc_session_is_broken(s), "session marked broken");
  is_err(s != NULL ? send_req(s, 9, v, 8) : NETIPC_OK, NETIPC_ERR_INVALID_ARG,
         "send on the broken session: INVALID_ARG");
  is_err(s != NULL ? netipc_session_receive(s, 100, NULL, &rh, &rp, &rl)
                   : NETIPC_OK,
         NETIPC_ERR_INVALID_ARG, "receive on the broken session: INVALID_ARG");
  netipc_session_destroy(s);
  uds_raw_peer_join(&peer);

  /* The same response twice: the second one is unknown. */
  uds_raw_peer_init(&peer, raw_lfd);
  peer.read_records = 1;
  peer.linger_ms = UDS_WAIT_MS;
  uds_raw_peer_add(&peer, resp_right, sizeof resp_right, 0);
  uds_raw_peer_add(&peer, resp_right, sizeof resp_right, 0);
  uds_raw_peer_start(&peer);
  s = NULL;
  err = netipc_session_connect(&c, UDS_WAIT_MS, NULL, &s);
  if (err == NETIPC_OK)
    err = send_req(s, 7, v, 8);
  if (err == NETIPC_OK)
    err = netipc_session_receive(s, UDS_WAIT_MS, NULL, &rh, &rp, &rl);
  is_err(err, NETIPC_OK, "first response to 7 accepted");
  if (err == NETIPC_OK)
    err = netipc_session_receive(s, UDS_WAIT_MS, NULL, &rh, &rp, &rl);
  is_err(err, NETIPC_ERR_UNKNOWN_ID, "a second response to 7: UNKNOWN_ID");
  netipc_session_destroy(s);
  uds_raw_peer_join(&peer);
  ok(!peer.failed, "raw server completed both scripts");
}

/* ---------------------------------------------------------------- */
/* Many concurrent clients                                           */
/* ---------------------------------------------------------------- */

#define WORKERS 8
#define ROUNDS 100

typedef struct worker {
  int index;
  netipc_err err;
  int done;
  uint64_t session_id;
} worker;

static void *
worker_main(void *arg)
{
  worker *w = arg;
  netipc_transport_config c;
  netipc_session *s = NULL;
  int chunked = w->index % 2;
  client_config(&c, "io-multi", 4096, 1, chunked ? P : 0);
  w->err = netipc_session_connect(&c, UDS_WAIT_MS, NULL, &s);
  if (w->err != NETIPC_OK)
    return NULL;
  w->session_id = netipc_session_get_info(s)->session_id;
  char str[300];
  for (size_t k = 0; k < sizeof str; k++)
    str[k] = (char)('a' + (k + (size_t)w->index) % 26);
  for (int i = 0; i < ROUNDS && w->err == NETIPC_OK; i++) {
    uint8_t buf[400];
    size_t n;
    netipc_header h, rh;
    const void *rp;
    size_t rl;
    uint64_t value = (uint64_t)w->index * 100000u + (uint64_t)i;
    if (chunked) {
      netipc_string_reverse_encode(str, sizeof str - (size_t)i, buf,
                                   sizeof buf, &n);
      netipc_header_init(&h, NETIPC_KIND_REQUEST,
                         NETIPC_METHOD_STRING_REVERSE, (uint64_t)i + 1);
    } else {
      netipc_increment_encode(value, buf, sizeof buf, &n);
      netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT,
                         (uint64_t)i + 1);
    }
    w->err = netipc_session_send(s, &h, buf, n);
    if (w->err == NETIPC_OK)
      w->err = netipc_session_receive(s, UDS_WAIT_MS, NULL, &rh, &rp, &rl);
    if (w->err != NETIPC_OK)
      break;
    int good = rh.message_id == (uint64_t)i + 1;
    if (chunked) {
      netipc_string_view sv;
      size_t len = sizeof str - (size_t)i;
      good = good && netipc_string_reverse_decode(rp, rl, &sv) == NETIPC_OK &&
             sv.len == len;
      for (size_t k = 0; good && k < len; k++)
        good = sv.ptr[k] == str[len - 1 - k];
    } else {
      uint64_t v = 0;
      good = good && netipc_increment_decode(rp, rl, &v) == NETIPC_OK &&
             v == value + 1;
    }
    if (!good)
      w->err = NETIPC_ERR_PROTOCOL;
    else
      w->done++;
  }
  netipc_session_destroy(s);
  return NULL;
}

static void
test_concurrent_clients(void)
{
  netipc_transport_config c;
  uds_server srv, snap;
  uds_config(&c, run_dir, "io-multi");
  c.max_request_payload_bytes = 4096;
  c.max_response_payload_bytes = 4096;
  if (uds_server_start(&srv, &c) != NETIPC_OK)
    bail_out("cannot start the io-multi server");
  worker w[WORKERS];
  pthread_t t[WORKERS];
  for (int i = 0; i < WORKERS; i++) {
    memset(&w[i], 0, sizeof w[i]);
    w[i].index = i;
    uds_thread_start(&t[i], worker_main, &w[i]);
  }
  int total = 0, all_ok = 1;
  for (int i = 0; i < WORKERS; i++) {
    uds_thread_join(t[i]);
    total += w[i].done;
    if (w[i].err != NETIPC_OK) {
      all_ok = 0;
      diag("worker %d: %s after %d round trips", i, netipc_err_name(w[i].err),
           w[i].done);
    }
  }
  ok(all_ok, "%d concurrent clients finished without error", WORKERS);
  is_int(total, WORKERS * ROUNDS, "%d round trips in total", WORKERS * ROUNDS);
  ok(uds_server_wait(&srv, WORKERS, 0, UDS_WAIT_MS),
     "every server session ended");
  uds_server_snapshot(&srv, &snap);
  is_int(snap.accepted, WORKERS, "server accepted %d sessions", WORKERS);
  is_int(snap.failures, 0, "no failed handshakes");
  int distinct = 1, disc = 1;
  unsigned served = 0;
  for (int i = 0; i < snap.accepted && i < UDS_SERVER_MAX; i++) {
    served += snap.served[i];
    if (snap.end_err[i] != NETIPC_ERR_DISCONNECTED)
      disc = 0;
    for (int j = 0; j < i; j++)
      if (snap.session_id[i] == snap.session_id[j])
        distinct = 0;
  }
  ok(distinct, "session ids are distinct");
  ok(disc, "every server session ended with DISCONNECTED");
  is_uint(served, WORKERS * ROUNDS, "server answered %d requests",
          WORKERS * ROUNDS);
  uds_server_stop(&srv);
}

/* ---------------------------------------------------------------- */
/* Timeouts survive signals (EINTR takes the remaining time)         */
/* ---------------------------------------------------------------- */

static void
on_usr1(int sig)
{
  (void)sig;
}

typedef struct ticker {
  pthread_t target;
  atomic_int stop;
  unsigned sent;
} ticker;

static void *
ticker_main(void *arg)
{
  ticker *t = arg;
  while (!atomic_load(&t->stop)) {
    uds_sleep_ms(EINTR_PERIOD_MS);
    if (!atomic_load(&t->stop) && pthread_kill(t->target, SIGUSR1) == 0)
      t->sent++;
  }
  return NULL;
}

static void
receive_under_signals(int restart)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sa.sa_flags = restart ? SA_RESTART : 0;
  sigaction(SIGUSR1, &sa, NULL);
  uds_pair p;
  open_pair(&p, io_listener, "io", 1024, 1, P);
  ticker t = {.target = pthread_self(), .sent = 0};
  atomic_init(&t.stop, 0);
  pthread_t th;
  uds_thread_start(&th, ticker_main, &t);
  netipc_header h;
  const void *payload;
  size_t len;
  uint64_t start = uds_now_ms();
  /* The server never answers: only the timeout can end this. */
  netipc_err err = netipc_session_receive(p.client, EINTR_TIMEOUT_MS, NULL,
                                          &h, &payload, &len);
  uint64_t took = uds_now_ms() - start;
  atomic_store(&t.stop, 1);
  uds_thread_join(th);
  const char *mode = restart ? "SA_RESTART" : "no SA_RESTART";
  is_err(err, NETIPC_ERR_TIMEOUT, "receive under signals every %u ms (%s) "
         "times out", EINTR_PERIOD_MS, mode);
  ok(took >= EINTR_TIMEOUT_MS - 1 && took < EINTR_BOUND_MS && t.sent > 2,
     "after %llu ms for a %u ms timeout, %u signals (%s)",
     (unsigned long long)took, EINTR_TIMEOUT_MS, t.sent, mode);
  uds_pair_close(&p);
  signal(SIGUSR1, SIG_DFL);
}

static void
test_timeout_under_signals(void)
{
  receive_under_signals(0);
  receive_under_signals(1);
}

int
main(void)
{
  uds_safety_alarm();
  plan(PLAN);
  uds_rundir_make(run_dir, sizeof run_dir, "io");

  netipc_transport_config c;
  uds_config(&c, run_dir, "io");
  c.max_request_payload_bytes = BIG;
  c.max_response_payload_bytes = BIG;
  c.packet_size = P;
  if (netipc_listener_create(&c, &io_listener) != NETIPC_OK)
    bail_out("cannot create the io listener");
  uds_config(&c, run_dir, "io-small");
  c.max_request_payload_bytes = 4096;
  c.max_response_payload_bytes = 2048;
  if (netipc_listener_create(&c, &small_listener) != NETIPC_OK)
    bail_out("cannot create the io-small listener");
  raw_lfd = uds_raw_listen(run_dir, "io-raw");
  if (raw_lfd < 0)
    bail_out("cannot create the raw listener");

  test_transfer_sizes();
  test_wire_packets();
  test_request_limits();
  test_response_limits();
  test_batches();
  test_pipelining();
  test_duplicate_id();
  test_unknown_id();
  test_concurrent_clients();
  test_timeout_under_signals();

  netipc_listener_destroy(io_listener);
  netipc_listener_destroy(small_listener);
  close(raw_lfd);
  uds_rundir_remove(run_dir);
  return exit_status();
}
