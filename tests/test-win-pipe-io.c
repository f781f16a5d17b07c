/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-win-pipe-io.c - Named Pipe sessions (windows.md 3.3, 3.6-3.8):
 * several clients at once, chunking at 1, 2 and many packets, batches,
 * pipelining and in-flight ids, limits, timeouts, abort of a blocked
 * receive and a blocked accept, peer close (also in the middle of a
 * chunked message) and malformed chunks from a raw peer.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "tap.h"
#include "win-test-helpers.h"

#define SVC "io"
#define RAW_SVC "io-raw"
#define SMALL_SVC "io-small"
/* A request limit whose records (32 + 64) are shorter than PACKET, so a
 * longer record is read truncated. */
#define SMALL_LIMIT 64u
#define PACKET 256u /* small, so modest payloads chunk */
#define BODY (PACKET - NETIPC_HEADER_LEN) /* payload bytes per packet */
#define LIMIT 65536u
#define CLIENTS 4
#define CALLS_PER_CLIENT 20
#define PIPELINE 6
#define SHORT_MS 300u /* a timeout that is meant to expire */
#define SHORT_MIN_MS (SHORT_MS - 50u)
#define LATE_MS 5000u /* ...and well before this */
#define ABORT_AFTER_MS 300u

static char run_dir[128];
static netipc_listener *listener; /* SVC: echo pairs */
static netipc_listener *raw_listener; /* RAW_SVC: raw clients */
static netipc_listener *small_listener; /* SMALL_SVC: SMALL_LIMIT */

static void
server_config(netipc_transport_config *cfg, const char *svc)
{
  wt_config(cfg, run_dir, svc);
  cfg->max_request_payload_bytes = LIMIT;
  cfg->max_response_payload_bytes = LIMIT;
  cfg->packet_size = PACKET;
  cfg->handshake_timeout_ms = WT_WAIT_MS;
}

static void
client_config(netipc_transport_config *cfg)
{
  wt_config(cfg, run_dir, SVC);
  cfg->max_request_payload_bytes = LIMIT;
  cfg->max_request_batch_items = 16;
  cfg->packet_size = PACKET;
}

/* A connected pair with the echo server running on its server side. */
typedef struct echo_pair {
  wt_pair p;
  wt_echo e;
  int up;
} echo_pair;

static int
echo_pair_open(echo_pair *ep)
{
  netipc_transport_config c;
  client_config(&c);
  wt_pair_open(&ep->p, listener, &c);
  ep->up = ep->p.client != NULL && ep->p.server != NULL;
  if (ep->up)
    wt_echo_start(&ep->e, ep->p.server, NULL);
  return ep->up;
}

/* Close the client; returns how the echo server's session ended. */
static netipc_err
echo_pair_close(echo_pair *ep)
{
  netipc_err end = NETIPC_ERR_SYSTEM;
  netipc_session_destroy(ep->p.client);
  ep->p.client = NULL;
  if (ep->up)
    end = wt_echo_join(&ep->e);
  wt_pair_close(&ep->p);
  ep->up = 0;
  return end;
}

/* ---------------------------------------------------------------- */

static void
test_chunking(void)
{
  static const uint32_t sizes[] = {0,        1,        BODY,
                                   BODY + 1, 2 * BODY, 2 * BODY + 1,
                                   10000,    LIMIT};
  echo_pair ep;
  if (!echo_pair_open(&ep))
    bail_out("chunking pair failed");
  is_uint(netipc_session_get_info(ep.p.client)->packet_size, PACKET,
          "agreed packet size %u", PACKET);
  uint8_t *buf = malloc(LIMIT);
  if (buf == NULL)
    bail_out("malloc");
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    uint32_t n = sizes[i];
    wt_pattern(buf, n, (unsigned)i);
    ok(wt_echo_call(ep.p.client, NETIPC_METHOD_STRING_REVERSE, 100 + i, buf,
                    n),
       "payload %u bytes (%u packet(s)) echoed intact", n,
       netipc_chunk_count(n, PACKET));
  }
  is_uint(netipc_chunk_count(BODY, PACKET), 1, "%u bytes fit one packet",
          BODY);
  is_uint(netipc_chunk_count(BODY + 1, PACKET), 2, "%u bytes need two",
          BODY + 1);
  is_uint(netipc_session_inflight(ep.p.client), 0, "nothing left in flight");

  /* Over the agreed limit: refused before anything is sent. */
  netipc_header h;
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 999);
  uint8_t *big = malloc(LIMIT + 1u);
  if (big == NULL)
    bail_out("malloc");
  memset(big, 1, LIMIT + 1u);
  is_err(netipc_session_send(ep.p.client, &h, big, LIMIT + 1u),
         NETIPC_ERR_LIMIT_EXCEEDED, "send over the request limit refused");
  ok(!netipc_session_is_broken(ep.p.client),
     "LIMIT_EXCEEDED on send leaves the session usable");
  is_uint(netipc_session_inflight(ep.p.client), 0,
          "the refused request is not in flight");
  ok(wt_echo_call(ep.p.client, NETIPC_METHOD_INCREMENT, 1000, buf, 8),
     "the session still works after the refused send");
  free(big);
  free(buf);
  is_err(echo_pair_close(&ep), NETIPC_ERR_DISCONNECTED,
         "echo server: DISCONNECTED when the client closes");
  is_uint(ep.e.served, sizeof sizes / sizeof sizes[0] + 1,
          "echo server answered every request");
}

static void
test_batch(void)
{
  echo_pair ep;
  if (!echo_pair_open(&ep))
    bail_out("batch pair failed");
  enum { ITEMS = 5, ITEM = 90 };
  uint8_t payload[2048], item[ITEM];
  netipc_batch_builder b;
  netipc_batch_builder_init(&b, payload, sizeof payload, ITEMS);
  for (unsigned i = 0; i < ITEMS; i++) {
    wt_pattern(item, ITEM, i);
    netipc_batch_builder_add(&b, item, ITEM - i);
  }
  uint32_t plen = 0, items = 0;
  is_err(netipc_batch_builder_finish(&b, &plen, &items), NETIPC_OK,
         "batch of %d built", ITEMS);
  ok(plen > BODY, "the batch (%u bytes) spans several packets", plen);
  netipc_header h, r;
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 77);
  h.flags = NETIPC_FLAG_BATCH;
  h.item_count = items;
  is_err(netipc_session_send(ep.p.client, &h, payload, plen), NETIPC_OK,
         "batch sent");
  const void *rp = NULL;
  size_t rl = 0;
  is_err(netipc_session_receive(ep.p.client, WT_WAIT_MS, NULL, &r, &rp, &rl),
         NETIPC_OK, "batch response received");
  ok((r.flags & NETIPC_FLAG_BATCH) && r.item_count == ITEMS &&
         r.message_id == 77,
     "batch response: BATCH flag, %d items, id 77", ITEMS);
  is_mem(rl == plen ? rp : NULL, payload, plen, "batch payload intact");
  netipc_batch_view v;
  int items_ok = netipc_batch_decode(rp, rl, r.item_count, &v) == NETIPC_OK;
  for (unsigned i = 0; items_ok && i < ITEMS; i++) {
    const void *ip;
    uint32_t il;
    wt_pattern(item, ITEM, i);
    items_ok = netipc_batch_item(&v, i, &ip, &il) == NETIPC_OK &&
               il == ITEM - i && memcmp(ip, item, il) == 0;
  }
  ok(items_ok, "every batch item decodes to what was sent");

  /* A batch whose directory is wrong: the receiver rejects it (3.7.3). */
  uint8_t bad[64];
  memset(bad, 0, sizeof bad);
  put32(bad, 0, 4096); /* item 0 offset far past the payload */
  put32(bad, 4, 8);
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 78);
  h.flags = NETIPC_FLAG_BATCH;
  h.item_count = 2;
  netipc_err serr = netipc_session_send(ep.p.client, &h, bad, sizeof bad);
  is_err2(serr, NETIPC_OK, NETIPC_ERR_INVALID_ARG,
          "a bad batch directory is sent or refused by the sender");
  if (serr == NETIPC_OK) {
    is_err(wt_echo_join(&ep.e), NETIPC_ERR_PROTOCOL,
           "the server's receive rejects the bad directory: PROTOCOL");
    ep.up = 0;
  }
  echo_pair_close(&ep);
}

static void
test_pipelining(void)
{
  echo_pair ep;
  if (!echo_pair_open(&ep))
    bail_out("pipelining pair failed");
  netipc_header h, r;
  uint8_t buf[PIPELINE][600];
  int sent = 1;
  for (int i = 0; i < PIPELINE; i++) {
    wt_pattern(buf[i], sizeof buf[i], (unsigned)i + 50);
    netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT,
                       (uint64_t)(500 + i));
    sent &= netipc_session_send(ep.p.client, &h, buf[i],
                                (size_t)(100 * (i + 1))) == NETIPC_OK;
  }
  ok(sent, "%d requests sent back to back", PIPELINE);
  is_uint(netipc_session_inflight(ep.p.client), PIPELINE,
          "%d requests in flight", PIPELINE);
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 502);
  is_err(netipc_session_send(ep.p.client, &h, buf[0], 8),
         NETIPC_ERR_DUPLICATE_ID, "a duplicate in-flight id is refused");
  is_uint(netipc_session_inflight(ep.p.client), PIPELINE,
          "the duplicate was not added");
  int in_order = 1;
  for (int i = 0; i < PIPELINE; i++) {
    const void *rp = NULL;
    size_t rl = 0;
    in_order &= netipc_session_receive(ep.p.client, WT_WAIT_MS, NULL, &r,
                                       &rp, &rl) == NETIPC_OK &&
                r.message_id == (uint64_t)(500 + i) &&
                rl == (size_t)(100 * (i + 1)) && memcmp(rp, buf[i], rl) == 0;
  }
  ok(in_order, "all %d responses arrive, in order and intact", PIPELINE);
  is_uint(netipc_session_inflight(ep.p.client), 0, "nothing left in flight");
  ok(wt_echo_call(ep.p.client, NETIPC_METHOD_INCREMENT, 502, buf[0], 8),
     "an id is reusable once answered");
  echo_pair_close(&ep);
}

/* A response nobody asked for. */
static void
test_unknown_id(void)
{
  netipc_transport_config c;
  wt_pair p;
  client_config(&c);
  wt_pair_open(&p, listener, &c);
  if (p.client == NULL || p.server == NULL)
    bail_out("unknown-id pair failed");
  netipc_header h, r;
  const void *rp;
  size_t rl;
  netipc_header_init(&h, NETIPC_KIND_RESPONSE, NETIPC_METHOD_INCREMENT, 4242);
  is_err(netipc_session_send(p.server, &h, "12345678", 8), NETIPC_OK,
         "server sends a response for id 4242");
  is_err(netipc_session_receive(p.client, WT_WAIT_MS, NULL, &r, &rp, &rl),
         NETIPC_ERR_UNKNOWN_ID, "client: a response not in flight is "
                                "UNKNOWN_ID");
  ok(netipc_session_is_broken(p.client), "client session broken after it");
  wt_pair_close(&p);
}

typedef struct client_run {
  int index;
  int good;
  tp_task task;
  echo_pair ep;
} client_run;

static void
client_main(void *arg)
{
  client_run *cr = arg;
  uint8_t buf[1500];
  for (int i = 0; i < CALLS_PER_CLIENT; i++) {
    size_t n = (size_t)(cr->index * 300 + i * 37) % sizeof buf;
    wt_pattern(buf, n, (unsigned)(cr->index * 1000 + i));
    cr->good += wt_echo_call(cr->ep.p.client, NETIPC_METHOD_INCREMENT,
                             (uint64_t)i + 1, buf, n);
  }
}

static void
test_multi_client(void)
{
  client_run runs[CLIENTS];
  int opened = 0;
  for (int i = 0; i < CLIENTS; i++) {
    memset(&runs[i], 0, sizeof runs[i]);
    runs[i].index = i;
    opened += echo_pair_open(&runs[i].ep);
  }
  is_int(opened, CLIENTS, "%d clients connected to one listener", CLIENTS);
  if (opened != CLIENTS)
    bail_out("multi-client setup failed");
  uint64_t ids[CLIENTS];
  int distinct = 1;
  for (int i = 0; i < CLIENTS; i++) {
    ids[i] = netipc_session_get_info(runs[i].ep.p.client)->session_id;
    for (int j = 0; j < i; j++)
      distinct &= ids[i] != ids[j];
  }
  ok(distinct, "every session has its own id");
  for (int i = 0; i < CLIENTS; i++)
    tp_task_start(&runs[i].task, client_main, &runs[i]);
  for (int i = 0; i < CLIENTS; i++)
    tp_task_join(&runs[i].task, (int)(2 * WT_WAIT_MS), "client thread");
  for (int i = 0; i < CLIENTS; i++)
    is_int(runs[i].good, CALLS_PER_CLIENT,
           "client %d: all %d concurrent calls answered correctly", i,
           CALLS_PER_CLIENT);
  /* One session ends; the others and the listener are unaffected. */
  is_err(echo_pair_close(&runs[0].ep), NETIPC_ERR_DISCONNECTED,
         "client 0 closed: its server session sees DISCONNECTED");
  uint8_t b[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  int rest = 1;
  for (int i = 1; i < CLIENTS; i++)
    rest &= wt_echo_call(runs[i].ep.p.client, NETIPC_METHOD_INCREMENT, 9999,
                         b, sizeof b);
  ok(rest, "the other clients still work");
  echo_pair late;
  ok(echo_pair_open(&late), "a new client connects meanwhile");
  ok(late.up && wt_echo_call(late.p.client, NETIPC_METHOD_INCREMENT, 1, b, 8),
     "the new client is served");
  echo_pair_close(&late);
  for (int i = 1; i < CLIENTS; i++)
    echo_pair_close(&runs[i].ep);
}

/* ---------------------------------------------------------------- */
/* Timeouts, abort and peer close.                                   */

static void
test_timeouts(void)
{
  netipc_transport_config c;
  wt_pair p;
  client_config(&c);
  wt_pair_open(&p, listener, &c);
  if (p.client == NULL || p.server == NULL)
    bail_out("timeout pair failed");
  netipc_header h;
  const void *rp;
  size_t rl;
  uint64_t t0 = tp_now_ms();
  is_err(netipc_session_receive(p.server, SHORT_MS, NULL, &h, &rp, &rl),
         NETIPC_ERR_TIMEOUT, "server receive with nothing sent: TIMEOUT");
  uint64_t dt = tp_now_ms() - t0;
  ok(dt >= SHORT_MIN_MS && dt < LATE_MS, "server: after about %u ms (%llu)",
     SHORT_MS, (unsigned long long)dt);
  ok(netipc_session_is_broken(p.server), "server: broken after TIMEOUT");

  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 5);
  is_err(netipc_session_send(p.client, &h, "abcdefgh", 8), NETIPC_OK,
         "client request sent, never answered");
  t0 = tp_now_ms();
  is_err(netipc_session_receive(p.client, SHORT_MS, NULL, &h, &rp, &rl),
         NETIPC_ERR_TIMEOUT, "client receive without an answer: TIMEOUT");
  dt = tp_now_ms() - t0;
  ok(dt >= SHORT_MIN_MS && dt < LATE_MS, "client: after about %u ms (%llu)",
     SHORT_MS, (unsigned long long)dt);
  ok(netipc_session_is_broken(p.client), "client: broken after TIMEOUT");
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 6);
  is_err(netipc_session_send(p.client, &h, "abcdefgh", 8),
         NETIPC_ERR_INVALID_ARG,
         "a broken session refuses further sends (INVALID_ARG)");
  wt_pair_close(&p);
}

static void
test_abort_receive(void)
{
  netipc_abort *ab = NULL;
  is_err(netipc_abort_create(&ab), NETIPC_OK, "abort handle created");
  if (ab == NULL)
    bail_out("no abort handle");
  ok(!netipc_abort_is_signalled(ab), "a new abort handle is clear");
  netipc_transport_config c;
  wt_pair p;
  client_config(&c);
  wt_pair_open(&p, listener, &c);
  if (p.client == NULL || p.server == NULL)
    bail_out("abort pair failed");

  wt_blocked_recv b;
  wt_blocked_recv_start(&b, p.server, 0, ab);
  tp_sleep_ms(ABORT_AFTER_MS);
  ok(!tp_task_done(&b.task), "server receive blocks (no timeout)");
  netipc_abort_signal(ab);
  wt_blocked_recv_join(&b);
  is_err(b.err, NETIPC_ERR_ABORTED, "abort ends a blocked server receive");
  ok(b.elapsed_ms >= ABORT_AFTER_MS - 50 && b.elapsed_ms < LATE_MS,
     "...soon after the signal (%llu ms)", (unsigned long long)b.elapsed_ms);
  ok(netipc_abort_is_signalled(ab), "the abort stays signalled (sticky)");

  netipc_header h;
  const void *rp;
  size_t rl;
  uint64_t t0 = tp_now_ms();
  is_err(netipc_session_receive(p.client, WT_WAIT_MS, ab, &h, &rp, &rl),
         NETIPC_ERR_ABORTED, "a receive with the abort already signalled");
  ok(tp_now_ms() - t0 < WT_WAIT_MS / 2, "...returns at once");
  netipc_abort_clear(ab);
  ok(!netipc_abort_is_signalled(ab), "clear resets the abort");
  wt_pair_close(&p);

  /* After clearing, the same handle does not disturb a working call. */
  echo_pair ep;
  if (!echo_pair_open(&ep))
    bail_out("abort echo pair failed");
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 1);
  netipc_session_send(ep.p.client, &h, "12345678", 8);
  is_err(netipc_session_receive(ep.p.client, WT_WAIT_MS, ab, &h, &rp, &rl),
         NETIPC_OK, "a cleared abort lets the receive complete");

  /* Abort a client waiting for a response that will not come soon. */
  wt_blocked_recv bc;
  wt_pair p2;
  client_config(&c);
  wt_pair_open(&p2, listener, &c);
  if (p2.client == NULL || p2.server == NULL)
    bail_out("abort pair 2 failed");
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 3);
  netipc_session_send(p2.client, &h, "12345678", 8);
  wt_blocked_recv_start(&bc, p2.client, WT_WAIT_MS, ab);
  tp_sleep_ms(ABORT_AFTER_MS);
  netipc_abort_signal(ab);
  wt_blocked_recv_join(&bc);
  is_err(bc.err, NETIPC_ERR_ABORTED, "abort ends a blocked client receive");
  ok(netipc_session_is_broken(p2.client), "client broken after ABORTED");
  wt_pair_close(&p2);
  echo_pair_close(&ep);

  /* A blocked accept. */
  wt_accepter a;
  netipc_abort_clear(ab);
  wt_accept_start(&a, listener, 0, ab);
  tp_sleep_ms(ABORT_AFTER_MS);
  ok(!tp_task_done(&a.task), "accept without a client blocks");
  netipc_abort_signal(ab);
  is_err(wt_accept_join(&a), NETIPC_ERR_ABORTED, "abort ends a blocked accept");
  ok(a.elapsed_ms < LATE_MS, "...soon after the signal (%llu ms)",
     (unsigned long long)a.elapsed_ms);
  netipc_abort_clear(ab);
  wt_accept_start(&a, listener, SHORT_MS, ab);
  is_err(wt_accept_join(&a), NETIPC_ERR_TIMEOUT,
         "accept with a timeout and no client: TIMEOUT");
  ok(a.elapsed_ms >= SHORT_MIN_MS && a.elapsed_ms < LATE_MS,
     "...after about %u ms (%llu)", SHORT_MS,
     (unsigned long long)a.elapsed_ms);
  echo_pair ep2;
  ok(echo_pair_open(&ep2), "the listener still accepts after both");
  echo_pair_close(&ep2);
  netipc_abort_destroy(ab);
  netipc_abort_destroy(NULL);
}

static void
test_peer_close(void)
{
  netipc_transport_config c;
  wt_pair p;
  netipc_header h;
  const void *rp;
  size_t rl;
  client_config(&c);
  wt_pair_open(&p, listener, &c);
  if (p.client == NULL || p.server == NULL)
    bail_out("peer-close pair failed");
  wt_blocked_recv b;
  wt_blocked_recv_start(&b, p.client, WT_WAIT_MS, NULL);
  tp_sleep_ms(ABORT_AFTER_MS);
  netipc_session_destroy(p.server);
  p.server = NULL;
  wt_blocked_recv_join(&b);
  is_err(b.err, NETIPC_ERR_DISCONNECTED,
         "server closes: a blocked client receive sees DISCONNECTED");
  ok(b.elapsed_ms < WT_WAIT_MS, "...before its timeout (%llu ms)",
     (unsigned long long)b.elapsed_ms);
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 1);
  is_err2(netipc_session_send(p.client, &h, "12345678", 8),
          NETIPC_ERR_DISCONNECTED, NETIPC_ERR_INVALID_ARG,
          "client send after the server closed fails");
  wt_pair_close(&p);

  wt_pair_open(&p, listener, &c);
  if (p.client == NULL || p.server == NULL)
    bail_out("peer-close pair 2 failed");
  netipc_session_destroy(p.client);
  p.client = NULL;
  is_err(netipc_session_receive(p.server, WT_WAIT_MS, NULL, &h, &rp, &rl),
         NETIPC_ERR_DISCONNECTED,
         "client closed: server receive sees DISCONNECTED");
  netipc_header_init(&h, NETIPC_KIND_RESPONSE, NETIPC_METHOD_INCREMENT, 1);
  is_err2(netipc_session_send(p.server, &h, "12345678", 8),
          NETIPC_ERR_DISCONNECTED, NETIPC_ERR_INVALID_ARG,
          "server send after the client closed fails");
  wt_pair_close(&p);
}

/* ---------------------------------------------------------------- */
/* Raw clients: hand-made packets after a real handshake.            */

typedef struct raw_session {
  HANDLE h;
  netipc_session *server;
} raw_session;

static int raw_open_on(raw_session *rs, const char *svc, netipc_listener *l,
                       uint32_t rq);

static int
raw_open(raw_session *rs)
{
  return raw_open_on(rs, RAW_SVC, raw_listener, 4096);
}

/* Connect a raw client to svc proposing request limit rq, and accept its
 * session on l. */
static int
raw_open_on(raw_session *rs, const char *svc, netipc_listener *l,
            uint32_t rq)
{
  netipc_hello hello;
  uint8_t msg[NETIPC_HELLO_MSG_LEN], ack[NETIPC_HELLO_ACK_MSG_LEN + 16];
  memset(rs, 0, sizeof *rs);
  rs->h = wt_raw_connect(run_dir, svc);
  if (rs->h == INVALID_HANDLE_VALUE)
    return 0;
  wt_hello_default(&hello);
  hello.max_request_payload_bytes = rq;
  hello.packet_size = PACKET;
  wt_raw_send(rs->h, msg, wt_hello_msg(&hello, msg));
  wt_accepter a;
  wt_accept_start(&a, l, WT_WAIT_MS, NULL);
  long n = wt_raw_recv(rs->h, ack, sizeof ack, WT_WAIT_MS);
  wt_accept_join(&a);
  rs->server = a.session;
  return n == (long)NETIPC_HELLO_ACK_MSG_LEN && rs->server != NULL &&
         netipc_session_get_info(rs->server)->packet_size == PACKET;
}

static void
raw_close(raw_session *rs)
{
  if (rs->h != INVALID_HANDLE_VALUE)
    CloseHandle(rs->h);
  netipc_session_destroy(rs->server);
  rs->h = INVALID_HANDLE_VALUE;
  rs->server = NULL;
}

/* What to break in the first continuation of a hand-chunked message. */
typedef enum mutation {
  MUT_NONE,
  MUT_MAGIC,
  MUT_VERSION,
  MUT_FLAGS,
  MUT_ID,
  MUT_INDEX,
  MUT_COUNT,
  MUT_TOTAL,
  MUT_LEN,      /* chunk_payload_len disagrees with the bytes sent */
  MUT_ZERO_LEN, /* a continuation carrying nothing */
  MUT_STOP,     /* close the pipe after the first packet */
  MUT_OVERRUN   /* one byte more than the message has */
} mutation;

/* Send a payload of len bytes as a chunked REQUEST, breaking chunk 1. */
static void
raw_send_chunked(raw_session *rs, uint64_t id, uint32_t len, mutation m)
{
  uint8_t pkt[PACKET + 1];
  uint8_t *payload = malloc(len);
  if (payload == NULL)
    bail_out("malloc");
  wt_pattern(payload, len, 7);
  netipc_header h;
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, id);
  h.payload_len = len;
  netipc_header_encode(&h, pkt, sizeof pkt);
  uint32_t first = len < BODY ? len : BODY;
  memcpy(pkt + NETIPC_HEADER_LEN, payload, first);
  wt_raw_send(rs->h, pkt, NETIPC_HEADER_LEN + first);
  if (m == MUT_STOP) {
    CloseHandle(rs->h);
    rs->h = INVALID_HANDLE_VALUE;
    free(payload);
    return;
  }
  uint32_t count = netipc_chunk_count(len, PACKET), off = first;
  for (uint32_t i = 1; i < count; i++) {
    uint32_t n = len - off < BODY ? len - off : BODY;
    uint32_t sent = n;
    netipc_chunk_header c;
    netipc_chunk_header_init(&c, id, NETIPC_HEADER_LEN + len, i, count, n);
    if (i == 1) {
      switch (m) {
      case MUT_MAGIC: c.magic = NETIPC_MAGIC; break;
      case MUT_VERSION: c.version = 2; break;
      case MUT_FLAGS: c.flags = 1; break;
      case MUT_ID: c.message_id = id + 1; break;
      case MUT_INDEX: c.chunk_index = 2; break;
      case MUT_COUNT: c.chunk_count = count + 1; break;
      case MUT_TOTAL: c.total_message_len += 8; break;
      case MUT_LEN: c.chunk_payload_len = n - 1; break;
      case MUT_ZERO_LEN: c.chunk_payload_len = 0; sent = 0; break;
      default: break;
      }
    }
    if (m == MUT_OVERRUN && i == count - 1) {
      c.chunk_payload_len = n + 1;
      sent = n + 1;
    }
    netipc_chunk_header_encode(&c, pkt, sizeof pkt);
    memcpy(pkt + NETIPC_HEADER_LEN, payload + off, n);
    if (sent > n)
      pkt[NETIPC_HEADER_LEN + n] = 0xAA;
    wt_raw_send(rs->h, pkt, NETIPC_HEADER_LEN + sent);
    off += n;
  }
  free(payload);
}

static void
test_raw_chunks(void)
{
  static const struct {
    mutation m;
    const char *what;
  } cases[] = {
      {MUT_MAGIC, "continuation with the outer magic"},
      {MUT_VERSION, "continuation version 2"},
      {MUT_FLAGS, "continuation flags 1"},
      {MUT_ID, "continuation for another message id"},
      {MUT_INDEX, "continuation index 2 instead of 1"},
      {MUT_COUNT, "continuation with the wrong chunk_count"},
      {MUT_TOTAL, "continuation with the wrong total length"},
      {MUT_LEN, "chunk_payload_len unlike the bytes sent"},
      {MUT_ZERO_LEN, "an empty continuation"},
      {MUT_OVERRUN, "last continuation overruns payload_len"},
  };
  raw_session rs;
  netipc_header h;
  const void *p;
  size_t n;

  ok(raw_open(&rs), "raw client handshakes at packet size %u", PACKET);
  raw_send_chunked(&rs, 1, 1000, MUT_NONE);
  is_err(netipc_session_receive(rs.server, WT_WAIT_MS, NULL, &h, &p, &n),
         NETIPC_OK, "a correct hand-chunked 1000-byte request is accepted");
  uint8_t expect[1000];
  wt_pattern(expect, sizeof expect, 7);
  is_mem(n == sizeof expect ? p : NULL, expect, sizeof expect,
         "...and reassembled byte for byte");
  ok(h.message_id == 1 && h.payload_len == 1000,
     "...with its id and payload length");
  raw_close(&rs);

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    if (!raw_open(&rs)) {
      ok(0, "%s: raw handshake failed", cases[i].what);
      ok(0, "%s: raw handshake failed", cases[i].what);
      raw_close(&rs);
      continue;
    }
    raw_send_chunked(&rs, 9, 1000, cases[i].m);
    netipc_err err =
        netipc_session_receive(rs.server, WT_WAIT_MS, NULL, &h, &p, &n);
    is_err2(err, NETIPC_ERR_BAD_CHUNK, NETIPC_ERR_PROTOCOL,
            "%s: receive fails with BAD_CHUNK or PROTOCOL", cases[i].what);
    ok(netipc_session_is_broken(rs.server), "%s: the session is broken",
       cases[i].what);
    raw_close(&rs);
  }

  ok(raw_open(&rs), "raw client for a close mid-message");
  raw_send_chunked(&rs, 3, 1000, MUT_STOP);
  is_err(netipc_session_receive(rs.server, WT_WAIT_MS, NULL, &h, &p, &n),
         NETIPC_ERR_DISCONNECTED,
         "peer closes after the first of 5 packets: DISCONNECTED");
  raw_close(&rs);
}

/* Hand-made first packets (3.7 step 1). */
static void
test_raw_headers(void)
{
  raw_session rs;
  netipc_header h, r;
  const void *p;
  size_t n;
  uint8_t pkt[PACKET];

  ok(raw_open(&rs), "raw client for an over-limit request");
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 21);
  h.payload_len = 4097; /* agreed request limit 4096 */
  netipc_header_encode(&h, pkt, sizeof pkt);
  memset(pkt + NETIPC_HEADER_LEN, 0, BODY);
  wt_raw_send(rs.h, pkt, PACKET);
  memset(&r, 0, sizeof r);
  is_err(netipc_session_receive(rs.server, WT_WAIT_MS, NULL, &r, &p, &n),
         NETIPC_ERR_LIMIT_EXCEEDED, "payload_len 4097 > 4096: LIMIT_EXCEEDED");
  ok(r.message_id == 21 && r.payload_len == 4097,
     "...with the header filled for the answer");
  raw_close(&rs);

  ok(raw_open(&rs), "raw client for a bad magic");
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 22);
  h.payload_len = 8;
  h.magic = 0xdeadbeefu;
  netipc_header_encode(&h, pkt, sizeof pkt);
  wt_raw_send(rs.h, pkt, NETIPC_HEADER_LEN + 8);
  is_err(netipc_session_receive(rs.server, WT_WAIT_MS, NULL, &r, &p, &n),
         NETIPC_ERR_PROTOCOL, "bad magic in a request: PROTOCOL");
  ok(netipc_session_is_broken(rs.server), "...and the session is broken");
  raw_close(&rs);

  ok(raw_open(&rs), "raw client for a record longer than its header says");
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 23);
  h.payload_len = 8;
  netipc_header_encode(&h, pkt, sizeof pkt);
  memset(pkt + NETIPC_HEADER_LEN, 0, 16);
  wt_raw_send(rs.h, pkt, NETIPC_HEADER_LEN + 16);
  is_err(netipc_session_receive(rs.server, WT_WAIT_MS, NULL, &r, &p, &n),
         NETIPC_ERR_PROTOCOL, "16 bytes after a header saying 8: PROTOCOL");
  raw_close(&rs);

  ok(raw_open(&rs), "raw client for a short record");
  wt_raw_send(rs.h, "tiny", 4);
  is_err(netipc_session_receive(rs.server, WT_WAIT_MS, NULL, &r, &p, &n),
         NETIPC_ERR_PROTOCOL, "a 4-byte record: PROTOCOL");
  raw_close(&rs);
}

/* An over-limit record longer than the read buffer: its tail does not
 * stay in the pipe to be read as the next message (SEQPACKET discards it
 * too), so the session answers LIMIT_EXCEEDED and reads on. */
static void
test_truncated_tail(void)
{
  raw_session rs;
  netipc_header h, r;
  const void *p;
  size_t n = 0;
  uint8_t pkt[PACKET];
  ok(raw_open_on(&rs, SMALL_SVC, small_listener, SMALL_LIMIT),
     "raw client of a %u-byte request limit", SMALL_LIMIT);
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 31);
  h.payload_len = BODY; /* one full packet, longer than 32 + the limit */
  netipc_header_encode(&h, pkt, sizeof pkt);
  memset(pkt + NETIPC_HEADER_LEN, 0, BODY);
  wt_raw_send(rs.h, pkt, PACKET);
  is_err(netipc_session_receive(rs.server, WT_WAIT_MS, NULL, &r, &p, &n),
         NETIPC_ERR_LIMIT_EXCEEDED, "a %u-byte record over the limit: "
         "LIMIT_EXCEEDED", PACKET);
  ok(!netipc_session_is_broken(rs.server) && r.message_id == 31,
     "...the session stays usable to answer it");
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 32);
  h.payload_len = 8;
  netipc_header_encode(&h, pkt, sizeof pkt);
  memset(pkt + NETIPC_HEADER_LEN, 0, 8);
  wt_raw_send(rs.h, pkt, NETIPC_HEADER_LEN + 8);
  memset(&r, 0, sizeof r);
  is_err(netipc_session_receive(rs.server, WT_WAIT_MS, NULL, &r, &p, &n),
         NETIPC_OK, "the next request is read whole");
  ok(r.message_id == 32 && n == 8, "...as itself (id %llu, %zu bytes)",
     (unsigned long long)r.message_id, n);
  raw_close(&rs);
}

int
main(void)
{
  netipc_transport_config cfg;
  wt_init("io", run_dir, sizeof run_dir);
  server_config(&cfg, SVC);
  if (netipc_listener_create(&cfg, &listener) != NETIPC_OK)
    bail_out("listener_create failed");
  server_config(&cfg, RAW_SVC);
  cfg.max_request_payload_bytes = 4096;
  if (netipc_listener_create(&cfg, &raw_listener) != NETIPC_OK)
    bail_out("raw listener_create failed");
  server_config(&cfg, SMALL_SVC);
  cfg.max_request_payload_bytes = SMALL_LIMIT;
  if (netipc_listener_create(&cfg, &small_listener) != NETIPC_OK)
    bail_out("small listener_create failed");
  test_chunking();
  test_batch();
  test_pipelining();
  test_unknown_id();
  test_multi_client();
  test_timeouts();
  test_abort_receive();
  test_peer_close();
  test_raw_chunks();
  test_raw_headers();
  test_truncated_tail();
  netipc_listener_destroy(small_listener);
  netipc_listener_destroy(raw_listener);
  netipc_listener_destroy(listener);
  return done_testing();
}
