/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-uds-errors.c - failure paths of the UDS transport (posix-uds.md 9,
 * 11, 13; wire.md 8 and 11): timeouts with one deadline per message,
 * abort, disconnects, corrupt chunk sequences, bad headers and batch
 * directories, over-limit messages, malicious clients against a netipc
 * server, SIGPIPE, and isolation between sessions.
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
#include <sys/socket.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif

#include <netipc/codec.h>
#include <netipc/transport.h>

#include "bytes.h"
#include "tap.h"
#include "uds-helpers.h"

#define PLAN 106

#define P 128u
#define B (P - 32u)

static char run_dir[64];
static int raw_lfd = -1; /* "err-raw" */

/*
 * Linux never raises SIGPIPE for SOCK_SEQPACKET (only for SOCK_STREAM), so
 * a send to a closed peer cannot prove MSG_NOSIGNAL there; other systems
 * (FreeBSD) do raise it and would kill this program. To check the flag on
 * Linux too, this program interposes sendmsg(), which the statically
 * linked library calls, and counts calls made without MSG_NOSIGNAL.
 */
#if defined(__linux__) && defined(SYS_sendmsg)
#define CHECK_NOSIGNAL 1
static atomic_uint sendmsg_calls, sendmsg_without_nosignal;

ssize_t
sendmsg(int fd, const struct msghdr *msg, int flags)
{
  atomic_fetch_add(&sendmsg_calls, 1);
  if (!(flags & MSG_NOSIGNAL))
    atomic_fetch_add(&sendmsg_without_nosignal, 1);
  return (ssize_t)syscall(SYS_sendmsg, fd, msg, flags);
}
#else
#define CHECK_NOSIGNAL 0
#endif

/* ---------------------------------------------------------------- */
/* The netipc client against a scripted raw server                   */
/* ---------------------------------------------------------------- */

typedef struct outcome {
  netipc_err connect_err;
  netipc_err send_err;
  netipc_err err; /* of the receive */
  int broken;
  size_t inflight;
  uint64_t ms; /* receive duration */
  netipc_header hdr;
  const uint8_t *payload; /* valid until the session is destroyed */
  size_t len;
  int peer_failed;
  int peer_saw_eof;
} outcome;

typedef struct client_opts {
  uint32_t packet_size;   /* client's proposal; the peer mirrors it */
  uint32_t request_batch; /* = the response batch limit */
  uint32_t timeout_ms;
  const netipc_abort *abort;
  /* Called with the connected session before the receive, if set. */
  void (*before_receive)(netipc_session *s, void *ctx);
  void *ctx;
  /* Compare the payload with this when the receive succeeds. */
  const uint8_t *expect;
  size_t expect_len;
  int *expect_ok;
} client_opts;

/* Connect to the raw peer, send INCREMENT id 1, receive once. */
static void
client_run(uds_raw_peer *peer, const client_opts *o, outcome *out)
{
  netipc_transport_config c;
  netipc_session *s = NULL;
  memset(out, 0, sizeof *out);
  uds_raw_peer_start(peer);
  uds_config(&c, run_dir, "err-raw");
  c.packet_size = o->packet_size;
  c.max_request_batch_items = o->request_batch;
  out->connect_err = netipc_session_connect(&c, UDS_WAIT_MS, NULL, &s);
  out->err = out->connect_err;
  if (out->connect_err == NETIPC_OK) {
    uint8_t v[8];
    size_t n;
    netipc_header h;
    netipc_increment_encode(41, v, sizeof v, &n);
    netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 1);
    out->send_err = netipc_session_send(s, &h, v, n);
    out->err = out->send_err;
  }
  if (out->err == NETIPC_OK) {
    if (o->before_receive != NULL)
      o->before_receive(s, o->ctx);
    const void *p = NULL;
    uint64_t t0 = uds_now_ms();
    out->err = netipc_session_receive(s, o->timeout_ms ? o->timeout_ms
                                                       : UDS_WAIT_MS,
                                      o->abort, &out->hdr, &p, &out->len);
    out->ms = uds_now_ms() - t0;
    out->broken = netipc_session_is_broken(s);
    out->inflight = netipc_session_inflight(s);
    if (o->expect_ok != NULL)
      *o->expect_ok = out->err == NETIPC_OK && out->len == o->expect_len &&
                      memcmp(p, o->expect, o->expect_len) == 0;
  }
  netipc_session_destroy(s);
  uds_raw_peer_join(peer);
  out->peer_failed = peer->failed;
  out->peer_saw_eof = peer->saw_eof;
}

/* A peer that reads the request and then sends the given packets. */
static void
peer_setup(uds_raw_peer *peer, uint32_t packet_size, int linger)
{
  uds_raw_peer_init(peer, raw_lfd);
  peer->packet_size = packet_size;
  peer->read_records = 1;
  peer->linger_ms = linger ? UDS_WAIT_MS : 0;
}

static const client_opts default_opts = {0, 4, 0, NULL, NULL, NULL,
                                         NULL, 0, NULL};

/* ---------------------------------------------------------------- */
/* Response builders                                                 */
/* ---------------------------------------------------------------- */

static void
resp_header(netipc_header *h, uint32_t payload_len)
{
  netipc_header_init(h, NETIPC_KIND_RESPONSE, NETIPC_METHOD_INCREMENT, 1);
  h->payload_len = payload_len;
}

/* A 200-byte response at P = 128: first (96), cont 1 (96), cont 2 (8). */
#define CH_LEN 200u
static uint8_t ch_payload[CH_LEN];
static uint8_t ch_first[P], ch_c1[P + 16], ch_c2[P];
static size_t ch_first_len;

static void
chunks_build_first(void)
{
  netipc_header h;
  resp_header(&h, CH_LEN);
  uds_fill(ch_payload, CH_LEN, 77);
  ch_first_len = uds_msg_build(ch_first, sizeof ch_first, &h, ch_payload, B);
}

static size_t
chunk_make(uint8_t *buf, size_t cap, uint32_t index, uint32_t plen,
           size_t data_len, void (*tweak)(netipc_chunk_header *))
{
  netipc_chunk_header c;
  netipc_chunk_header_init(&c, 1, 32 + CH_LEN, index, 3, plen);
  if (tweak != NULL)
    tweak(&c);
  uint8_t data[P];
  size_t off = index == 1 ? B : 2 * B;
  for (size_t i = 0; i < data_len; i++)
    data[i] = off + i < CH_LEN ? ch_payload[off + i] : 0xEE;
  return uds_chunk_build(buf, cap, &c, data, data_len);
}

static void tw_magic(netipc_chunk_header *c) { c->magic = 0x12345678u; }
static void tw_id(netipc_chunk_header *c) { c->message_id = 2; }
static void tw_index(netipc_chunk_header *c) { c->chunk_index = 2; }
static void tw_count(netipc_chunk_header *c) { c->chunk_count = 4; }
static void tw_total(netipc_chunk_header *c) { c->total_message_len += 1; }
static void tw_version(netipc_chunk_header *c) { c->version = 2; }
static void tw_flags(netipc_chunk_header *c) { c->flags = 1; }
static void tw_plen95(netipc_chunk_header *c) { c->chunk_payload_len = 95; }

/* Run one chunk sequence; returns the outcome. */
static void
chunk_case(const uint8_t *c1, size_t c1_len, const uint8_t *c2, size_t c2_len,
           outcome *o, int *exact)
{
  uds_raw_peer peer;
  client_opts opts = default_opts;
  peer_setup(&peer, P, 1);
  opts.packet_size = P;
  uds_raw_peer_add(&peer, ch_first, ch_first_len, 0);
  if (c1 != NULL)
    uds_raw_peer_add(&peer, c1, c1_len, 0);
  if (c2 != NULL)
    uds_raw_peer_add(&peer, c2, c2_len, 0);
  opts.expect = ch_payload;
  opts.expect_len = CH_LEN;
  opts.expect_ok = exact;
  client_run(&peer, &opts, o);
}

static void
test_chunks(void)
{
  outcome o;
  int exact = 0;
  size_t l1, l2;
  uint8_t bad[P + 16];
  size_t bl;

  chunks_build_first();
  l1 = chunk_make(ch_c1, sizeof ch_c1, 1, B, B, NULL);
  l2 = chunk_make(ch_c2, sizeof ch_c2, 2, CH_LEN - 2 * B, CH_LEN - 2 * B,
                  NULL);
  chunk_case(ch_c1, l1, ch_c2, l2, &o, &exact);
  is_err(o.err, NETIPC_OK, "valid 3-packet response: OK");
  ok(exact && !o.broken, "valid 3-packet response: exact payload");

  static const struct {
    void (*tweak)(netipc_chunk_header *);
    const char *what;
  } c1_cases[] = {
      {tw_magic, "continuation with wrong magic"},
      {tw_id, "continuation with another message_id"},
      {tw_index, "continuation index 2 where 1 is due"},
      {tw_count, "continuation chunk_count 4 instead of 3"},
      {tw_total, "continuation total_message_len off by one"},
      {tw_version, "continuation version 2"},
      {tw_flags, "continuation flags 1"},
      {tw_plen95, "chunk_payload_len 95 in a 96-byte packet"},
  };
  for (size_t i = 0; i < sizeof c1_cases / sizeof c1_cases[0]; i++) {
    bl = chunk_make(bad, sizeof bad, 1, B, B, c1_cases[i].tweak);
    chunk_case(bad, bl, ch_c2, l2, &o, &exact);
    is_err(o.err, NETIPC_ERR_BAD_CHUNK, "%s: BAD_CHUNK", c1_cases[i].what);
    ok(o.broken, "%s: session broken", c1_cases[i].what);
  }

  /* chunk_payload_len 0 and no data. */
  bl = chunk_make(bad, sizeof bad, 1, 0, 0, NULL);
  chunk_case(bad, bl, NULL, 0, &o, &exact);
  is_err(o.err, NETIPC_ERR_BAD_CHUNK, "empty continuation: BAD_CHUNK");
  ok(o.broken, "empty continuation: session broken");

  /* A continuation shorter than its 32-byte header. */
  chunk_case(ch_c1, 20, NULL, 0, &o, &exact);
  is_err(o.err, NETIPC_ERR_BAD_CHUNK, "20-byte continuation: BAD_CHUNK");
  ok(o.broken, "20-byte continuation: session broken");

  /* The last chunk carries 16 bytes where only 8 remain. */
  bl = chunk_make(bad, sizeof bad, 2, 16, 16, NULL);
  chunk_case(ch_c1, l1, bad, bl, &o, &exact);
  is_err(o.err, NETIPC_ERR_BAD_CHUNK, "data running past payload_len: "
                                      "BAD_CHUNK");
  ok(o.broken, "overrun: session broken");

  /* A new message starts where a continuation is due. */
  chunk_case(ch_first, ch_first_len, NULL, 0, &o, &exact);
  is_err(o.err, NETIPC_ERR_BAD_CHUNK,
         "outer header instead of a continuation: BAD_CHUNK");
  ok(o.broken, "interleaved message: session broken");

  /* The peer vanishes mid-message. */
  uds_raw_peer peer;
  client_opts opts = default_opts;
  peer_setup(&peer, P, 0);
  opts.packet_size = P;
  uds_raw_peer_add(&peer, ch_first, ch_first_len, 0);
  client_run(&peer, &opts, &o);
  is_err2(o.err, NETIPC_ERR_DISCONNECTED, NETIPC_ERR_BAD_CHUNK,
          "peer closes after the first chunk: DISCONNECTED");
  ok(o.broken, "mid-message disconnect: session broken");
}

/* ---------------------------------------------------------------- */
/* Bad first records                                                 */
/* ---------------------------------------------------------------- */

static void
single_case(const uint8_t *pkt, size_t len, uint32_t request_batch,
            outcome *o)
{
  uds_raw_peer peer;
  client_opts opts = default_opts;
  opts.request_batch = request_batch;
  peer_setup(&peer, 0, 1);
  uds_raw_peer_add(&peer, pkt, len, 0);
  client_run(&peer, &opts, o);
}

static void
test_bad_records(void)
{
  uint8_t pkt[512];
  netipc_header h;
  outcome o;
  size_t n;
  uint8_t v[16] = {42};

  resp_header(&h, 8);
  n = uds_msg_build(pkt, sizeof pkt, &h, v, 16);
  single_case(pkt, n, 4, &o);
  is_err(o.err, NETIPC_ERR_PROTOCOL,
         "record of 48 bytes for payload_len 8: PROTOCOL");
  ok(o.broken, "oversized record: session broken");

  n = uds_msg_build(pkt, sizeof pkt, &h, v, 8);
  put32(pkt, 0, 0x11223344u);
  single_case(pkt, n, 4, &o);
  is_err(o.err, NETIPC_ERR_PROTOCOL, "header with bad magic: PROTOCOL");
  ok(o.broken, "bad magic: session broken");

  n = uds_msg_build(pkt, sizeof pkt, &h, v, 8);
  put16(pkt, 4, 2);
  single_case(pkt, n, 4, &o);
  is_err(o.err, NETIPC_ERR_PROTOCOL, "header version 2: PROTOCOL");

  n = uds_msg_build(pkt, sizeof pkt, &h, v, 8);
  put16(pkt, 6, 24);
  single_case(pkt, n, 4, &o);
  is_err(o.err, NETIPC_ERR_PROTOCOL, "header_len 24: PROTOCOL");

  n = uds_msg_build(pkt, sizeof pkt, &h, v, 8);
  put16(pkt, 8, 4);
  single_case(pkt, n, 4, &o);
  is_err(o.err, NETIPC_ERR_PROTOCOL, "kind 4: PROTOCOL");

  single_case(pkt, 20, 4, &o);
  is_err(o.err, NETIPC_ERR_PROTOCOL, "20-byte record: PROTOCOL");
  ok(o.broken, "short record: session broken");

  /* Over the response limits: LIMIT_EXCEEDED with the header returned. */
  resp_header(&h, 5000);
  n = uds_msg_build(pkt, sizeof pkt, &h, NULL, 0);
  single_case(pkt, n, 4, &o);
  is_err(o.err, NETIPC_ERR_LIMIT_EXCEEDED,
         "payload_len 5000 > response limit 4096: LIMIT_EXCEEDED");
  ok(o.hdr.payload_len == 5000 && o.hdr.message_id == 1 &&
         o.hdr.kind == NETIPC_KIND_RESPONSE,
     "the over-limit header is handed back");
  resp_header(&h, 0);
  h.item_count = 5;
  n = uds_msg_build(pkt, sizeof pkt, &h, NULL, 0);
  single_case(pkt, n, 4, &o);
  is_err(o.err, NETIPC_ERR_LIMIT_EXCEEDED,
         "item_count 5 > response batch limit 4: LIMIT_EXCEEDED");

  /* A record larger than the receive buffer must not pass truncated. */
  uds_raw_peer peer;
  client_opts opts = default_opts;
  peer_setup(&peer, P, 1);
  opts.packet_size = P;
  static uint8_t big[400];
  resp_header(&h, 300);
  n = uds_msg_build(big, sizeof big, &h, big + 100, 300);
  uds_raw_peer_add(&peer, big, n, 0);
  client_run(&peer, &opts, &o);
  is_err(o.err, NETIPC_ERR_PROTOCOL,
         "332-byte record at packet size 128: PROTOCOL");

  /* Batch directories (item_count 2, limit 4). */
  uint8_t dir[32]; /* 16-byte directory + 16-byte packed area */
  memset(dir, 0, sizeof dir);
  put32(dir, 0, 0);
  put32(dir, 4, 3);
  put32(dir, 8, 3); /* misaligned */
  put32(dir, 12, 3);
  resp_header(&h, sizeof dir);
  h.flags = NETIPC_FLAG_BATCH;
  h.item_count = 2;
  n = uds_msg_build(pkt, sizeof pkt, &h, dir, sizeof dir);
  single_case(pkt, n, 4, &o);
  is_err(o.err, NETIPC_ERR_PROTOCOL, "batch item offset 3: PROTOCOL");
  ok(o.broken, "bad directory: session broken");

  put32(dir, 8, 8);
  put32(dir, 12, 100); /* past the end */
  n = uds_msg_build(pkt, sizeof pkt, &h, dir, sizeof dir);
  single_case(pkt, n, 4, &o);
  is_err(o.err, NETIPC_ERR_PROTOCOL, "batch item past the payload: PROTOCOL");

  resp_header(&h, 8);
  h.flags = NETIPC_FLAG_BATCH;
  h.item_count = 2;
  n = uds_msg_build(pkt, sizeof pkt, &h, dir, 8);
  single_case(pkt, n, 4, &o);
  is_err(o.err, NETIPC_ERR_PROTOCOL,
         "batch directory longer than the payload: PROTOCOL");

  put32(dir, 12, 8); /* item 1 = [8, 16): ends exactly at the end */
  resp_header(&h, sizeof dir);
  h.flags = NETIPC_FLAG_BATCH;
  h.item_count = 2;
  n = uds_msg_build(pkt, sizeof pkt, &h, dir, sizeof dir);
  single_case(pkt, n, 4, &o);
  is_err(o.err, NETIPC_OK, "a valid 2-item batch directory passes");
  put32(dir, 12, 9); /* one byte past the end */
  n = uds_msg_build(pkt, sizeof pkt, &h, dir, sizeof dir);
  single_case(pkt, n, 4, &o);
  is_err(o.err, NETIPC_ERR_PROTOCOL, "batch item one byte too long: PROTOCOL");

  /* A non-OK response carries no payload to validate. */
  resp_header(&h, 0);
  h.flags = NETIPC_FLAG_BATCH;
  h.item_count = 2;
  h.transport_status = NETIPC_STATUS_UNSUPPORTED;
  n = uds_msg_build(pkt, sizeof pkt, &h, NULL, 0);
  single_case(pkt, n, 4, &o);
  ok(o.err == NETIPC_OK &&
         o.hdr.transport_status == NETIPC_STATUS_UNSUPPORTED && o.len == 0,
     "UNSUPPORTED response with BATCH flag is delivered, not validated");
}

/* ---------------------------------------------------------------- */
/* Timeouts, abort, disconnect                                       */
/* ---------------------------------------------------------------- */

typedef struct aborter {
  netipc_abort *abort;
  unsigned delay_ms;
  pthread_t thread;
  int started;
} aborter;

static void *
aborter_main(void *arg)
{
  aborter *a = arg;
  uds_sleep_ms(a->delay_ms);
  netipc_abort_signal(a->abort);
  return NULL;
}

/* before_receive hook: signal the abort from a thread after a delay. */
static void
start_aborter(netipc_session *s, void *ctx)
{
  aborter *a = ctx;
  (void)s;
  uds_thread_start(&a->thread, aborter_main, a);
  a->started = 1;
}

static void
wait_data(netipc_session *s, void *ctx)
{
  (void)ctx;
  (void)uds_readable(netipc_session_fd(s), UDS_WAIT_MS);
}

static void
test_timeouts(void)
{
  uds_raw_peer peer;
  client_opts opts;
  outcome o;

  /* The server never answers. */
  peer_setup(&peer, 0, 1);
  opts = default_opts;
  opts.timeout_ms = 300;
  client_run(&peer, &opts, &o);
  is_err(o.err, NETIPC_ERR_TIMEOUT, "silent server: TIMEOUT");
  ok(o.ms >= 280 && o.ms < 3000, "TIMEOUT after ~300 ms (%llu ms)",
     (unsigned long long)o.ms);
  ok(o.broken, "timed-out session is broken");
  ok(o.peer_saw_eof, "destroying it closed the socket");

  /* One deadline for the whole message: chunk 2 comes 900 ms late, the
   * rest never. A per-record deadline would wait until ~1900 ms; the wide
   * margin keeps this robust on a loaded machine or under valgrind. */
  chunks_build_first();
  size_t l1 = chunk_make(ch_c1, sizeof ch_c1, 1, B, B, NULL);
  peer_setup(&peer, P, 1);
  uds_raw_peer_add(&peer, ch_first, ch_first_len, 0);
  uds_raw_peer_add(&peer, ch_c1, l1, 900);
  opts = default_opts;
  opts.packet_size = P;
  opts.timeout_ms = 1000;
  client_run(&peer, &opts, &o);
  is_err(o.err, NETIPC_ERR_TIMEOUT, "partial chunked message: TIMEOUT");
  ok(o.ms >= 980 && o.ms < 1800,
     "the deadline covers every chunk (%llu ms, want ~1000)",
     (unsigned long long)o.ms);
  ok(!o.peer_failed, "raw server delivered both chunks");

  /* Abort from another thread while waiting. */
  netipc_abort *ab;
  if (netipc_abort_create(&ab) != NETIPC_OK)
    bail_out("abort create");
  ok(!netipc_abort_is_signalled(ab), "new abort handle is clear");
  aborter a;
  memset(&a, 0, sizeof a);
  a.abort = ab;
  a.delay_ms = 150;
  peer_setup(&peer, 0, 1);
  opts = default_opts;
  opts.abort = ab;
  opts.before_receive = start_aborter;
  opts.ctx = &a;
  client_run(&peer, &opts, &o);
  if (a.started)
    uds_thread_join(a.thread);
  is_err(o.err, NETIPC_ERR_ABORTED, "abort from another thread: ABORTED");
  ok(o.ms >= 100 && o.ms < 2500, "ABORTED after ~150 ms (%llu ms)",
     (unsigned long long)o.ms);
  ok(netipc_abort_is_signalled(ab), "the abort stays signalled");

  /* Still signalled, and the response is already there: abort wins. */
  static uint8_t resp[40];
  netipc_header h;
  uint8_t v[8] = {42};
  resp_header(&h, 8);
  size_t rn = uds_msg_build(resp, sizeof resp, &h, v, 8);
  peer_setup(&peer, 0, 1);
  uds_raw_peer_add(&peer, resp, rn, 0);
  opts = default_opts;
  opts.abort = ab;
  opts.before_receive = wait_data;
  client_run(&peer, &opts, &o);
  is_err(o.err, NETIPC_ERR_ABORTED,
         "abort signalled before the receive, data ready: ABORTED");
  ok(o.ms < 1000, "returned at once (%llu ms)", (unsigned long long)o.ms);

  netipc_abort_clear(ab);
  ok(!netipc_abort_is_signalled(ab), "clear resets the abort");
  peer_setup(&peer, 0, 1);
  uds_raw_peer_add(&peer, resp, rn, 0);
  opts = default_opts;
  opts.abort = ab;
  opts.expect = v;
  opts.expect_len = 8;
  int exact = 0;
  opts.expect_ok = &exact;
  client_run(&peer, &opts, &o);
  ok(o.err == NETIPC_OK && exact,
     "with the abort cleared, a receive succeeds");
  netipc_abort_signal(ab);
  netipc_abort_signal(ab);
  netipc_abort_clear(ab);
  ok(!netipc_abort_is_signalled(ab), "one clear undoes repeated signals");
  netipc_abort_destroy(ab);

  /* The server closes without answering. */
  peer_setup(&peer, 0, 0);
  opts = default_opts;
  client_run(&peer, &opts, &o);
  is_err(o.err, NETIPC_ERR_DISCONNECTED, "server closes: DISCONNECTED");
  ok(o.broken && o.inflight == 0,
     "disconnected session is broken and forgot its in-flight ids");
}

/* ---------------------------------------------------------------- */
/* SIGPIPE: sends to a closed peer fail instead of killing us        */
/* ---------------------------------------------------------------- */

static void
test_sigpipe(void)
{
  netipc_transport_config c;
  netipc_session *s = NULL;
  uds_raw_peer peer;
  static uint8_t big[1000];

  for (int round = 0; round < 2; round++) {
    uds_raw_peer_init(&peer, raw_lfd);
    uds_raw_peer_start(&peer); /* handshake, then close at once */
    uds_config(&c, run_dir, "err-raw");
    c.packet_size = round ? P : 0;
    s = NULL;
    netipc_err err = netipc_session_connect(&c, UDS_WAIT_MS, NULL, &s);
    uds_raw_peer_join(&peer);
    if (err == NETIPC_OK) {
      netipc_header h;
      netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 1);
      err = netipc_session_send(s, &h, big, round ? sizeof big : 8);
    }
    is_err(err, NETIPC_ERR_DISCONNECTED,
           "%s send to a closed peer: DISCONNECTED, no SIGPIPE",
           round ? "chunked" : "single-packet");
    ok(s != NULL && netipc_session_is_broken(s) &&
           netipc_session_inflight(s) == 0,
       "failed send broke the session and dropped the id");
    netipc_session_destroy(s);
  }

  /* Server side: the client is gone when the response goes out. */
  netipc_listener *l;
  uds_config(&c, run_dir, "err-pipe");
  if (netipc_listener_create(&c, &l) != NETIPC_OK)
    bail_out("err-pipe listener");
  uds_pair p;
  uds_pair_open(&p, l, &c, 1);
  if (p.err != NETIPC_OK)
    bail_out("err-pipe pair");
  netipc_header h;
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 5);
  uint8_t v[8] = {0};
  netipc_session_send(p.client, &h, v, 8);
  const void *rp;
  size_t rl;
  netipc_err err =
      netipc_session_receive(p.server, UDS_WAIT_MS, NULL, &h, &rp, &rl);
  netipc_session_destroy(p.client);
  p.client = NULL;
  if (err == NETIPC_OK) {
    h.kind = NETIPC_KIND_RESPONSE;
    err = netipc_session_send(p.server, &h, v, 8);
  }
  is_err(err, NETIPC_ERR_DISCONNECTED,
         "server response to a vanished client: DISCONNECTED");
  uds_pair_close(&p);
  netipc_listener_destroy(l);

#if CHECK_NOSIGNAL
  unsigned calls = atomic_load(&sendmsg_calls);
  unsigned bad = atomic_load(&sendmsg_without_nosignal);
  ok(calls > 0 && bad == 0,
     "every library sendmsg used MSG_NOSIGNAL (%u calls, %u without)", calls,
     bad);
#else
  skip(1, "sendmsg interposition needs Linux");
#endif
}

/* ---------------------------------------------------------------- */
/* Malicious clients against a netipc server                         */
/* ---------------------------------------------------------------- */

/* Raw client with a completed handshake; -1 on failure. */
static int
raw_client(void)
{
  int fd = uds_raw_connect(run_dir, "err-srv");
  netipc_hello hello;
  uint8_t ack[128];
  uds_hello_default(&hello);
  if (fd >= 0 && uds_raw_hello(fd, &hello, ack, sizeof ack) !=
                     (ssize_t)NETIPC_HELLO_ACK_MSG_LEN) {
    close(fd);
    fd = -1;
  }
  return fd;
}

static void
test_malicious_clients(void)
{
  netipc_transport_config c;
  uds_server srv, snap;
  uds_config(&c, run_dir, "err-srv");
  c.max_request_payload_bytes = 4096;
  c.max_request_batch_items = 8;
  c.max_response_payload_bytes = 4096;
  if (uds_server_start(&srv, &c) != NETIPC_OK)
    bail_out("err-srv server");

  /* A well-behaved client that stays connected throughout (slot 0). */
  netipc_session *good = NULL;
  uds_config(&c, run_dir, "err-srv");
  is_err(netipc_session_connect(&c, UDS_WAIT_MS, NULL, &good), NETIPC_OK,
         "bystander client connected");
  if (good == NULL)
    bail_out("bystander");
  uint8_t v[8];
  size_t n;
  netipc_header h, rh;
  const void *rp;
  size_t rl;
#define BYSTANDER_ROUND(id, what)                                             \
  do {                                                                        \
    uint64_t got_ = 0;                                                        \
    netipc_increment_encode(id, v, sizeof v, &n);                             \
    netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, id); \
    netipc_err e_ = netipc_session_send(good, &h, v, n);                      \
    if (e_ == NETIPC_OK)                                                      \
      e_ = netipc_session_receive(good, UDS_WAIT_MS, NULL, &rh, &rp, &rl);    \
    if (e_ == NETIPC_OK)                                                      \
      netipc_increment_decode(rp, rl, &got_);                                 \
    ok(e_ == NETIPC_OK && got_ == (uint64_t)(id) + 1, "%s", what);           \
  } while (0)
  BYSTANDER_ROUND(1, "bystander round trip before the attacks");

  uint8_t pkt[256], reply[256];
  int ended = 0;

  /* 1. Garbage instead of HELLO: a failed handshake, no session. */
  int fd = uds_raw_connect(run_dir, "err-srv");
  ok(fd >= 0 && uds_raw_send(fd, "\x01\x02\x03garbage", 10) == 0 &&
         uds_raw_wait_eof(fd, UDS_WAIT_MS),
     "garbage HELLO: connection closed without a reply");
  if (fd >= 0)
    close(fd);
  ok(uds_server_wait(&srv, 0, 1, UDS_WAIT_MS),
     "garbage HELLO: server reports a failed accept");
  uds_server_snapshot(&srv, &snap);
  ok(snap.last_failure == NETIPC_ERR_HANDSHAKE && snap.last_status == 0,
     "garbage HELLO: HANDSHAKE, last_status 0");

  /* Each attack after a good handshake ends just that session. */
  static const struct {
    int kind;
    const char *what;
    netipc_err expect;
  } attacks[] = {
      {1, "garbage after HELLO", NETIPC_ERR_PROTOCOL},
      {2, "a 1-byte packet", NETIPC_ERR_PROTOCOL},
      {3, "payload_len 5000 > 4096", NETIPC_ERR_LIMIT_EXCEEDED},
      {4, "item_count 100 > 8", NETIPC_ERR_LIMIT_EXCEEDED},
      {5, "truncated packet, then junk", NETIPC_ERR_BAD_CHUNK},
      {6, "truncated packet, then close", NETIPC_ERR_DISCONNECTED},
  };
  for (size_t i = 0; i < sizeof attacks / sizeof attacks[0]; i++) {
    const char *what = attacks[i].what;
    fd = raw_client();
    if (fd < 0)
      bail_out("raw client handshake failed before: %s", what);
    size_t len = 0;
    netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 9);
    switch (attacks[i].kind) {
    case 1:
      memcpy(pkt, "this is not a netipc header at all!!", 36);
      len = 36;
      break;
    case 2:
      pkt[0] = 0x43;
      len = 1;
      break;
    case 3:
      h.payload_len = 5000;
      len = uds_msg_build(pkt, sizeof pkt, &h, NULL, 0);
      break;
    case 4:
      h.payload_len = 8;
      h.item_count = 100;
      len = uds_msg_build(pkt, sizeof pkt, &h, v, 8);
      break;
    case 5:
    case 6:
      h.payload_len = 100;
      len = uds_msg_build(pkt, sizeof pkt, &h, v, 8); /* 8 of 100 bytes */
      break;
    }
    int sent = uds_raw_send(fd, pkt, len) == 0;
    if (attacks[i].kind == 5)
      sent = sent && uds_raw_send(fd, "junk!", 5) == 0;
    if (attacks[i].kind == 6) {
      close(fd);
      fd = -1;
    }
    if (attacks[i].kind == 3 || attacks[i].kind == 4) {
      /* The server answers LIMIT_EXCEEDED, then closes. */
      ssize_t r = uds_raw_recv(fd, reply, sizeof reply, UDS_WAIT_MS);
      netipc_header eh;
      memset(&eh, 0, sizeof eh);
      if (r >= 32)
        netipc_header_decode(reply, (size_t)r, &eh);
      ok(r == 32 && eh.kind == NETIPC_KIND_RESPONSE && eh.message_id == 9 &&
             eh.transport_status == NETIPC_STATUS_LIMIT_EXCEEDED &&
             eh.payload_len == 0,
         "%s: empty LIMIT_EXCEEDED response with the request's id", what);
    }
    if (fd >= 0) {
      ok(sent && uds_raw_wait_eof(fd, UDS_WAIT_MS),
         "%s: server closed the connection", what);
      close(fd);
    } else {
      ok(sent, "%s: sent", what);
    }
    ended++;
    ok(uds_server_wait(&srv, ended, 1, UDS_WAIT_MS),
       "%s: that server session ended", what);
    uds_server_snapshot(&srv, &snap);
    is_err(snap.end_err[ended], attacks[i].expect,
           "%s: server session error", what);
  }

  BYSTANDER_ROUND(2, "bystander round trip after the attacks");

  /* A brand-new client still gets served. */
  netipc_session *fresh = NULL;
  is_err(netipc_session_connect(&c, UDS_WAIT_MS, NULL, &fresh), NETIPC_OK,
         "new client connects after the attacks");
  netipc_session *keep = good;
  good = fresh;
  if (fresh != NULL)
    BYSTANDER_ROUND(3, "new client round trip");
  else
    ok(0, "new client round trip");
  good = keep;
  netipc_session_destroy(fresh);
  netipc_session_destroy(good);
  ok(uds_server_wait(&srv, ended + 2, 1, UDS_WAIT_MS),
     "all server sessions ended");
  uds_server_snapshot(&srv, &snap);
  is_err(snap.end_err[0], NETIPC_ERR_DISCONNECTED,
         "bystander's server session ended only when it closed");
  is_uint(snap.served[0], 2, "bystander was served twice");
  uds_server_stop(&srv);
#undef BYSTANDER_ROUND
}

/* The public endpoint name is the socket path the listener binds. */
static void
test_endpoint_name(void)
{
  char name[256], path[256];
  is_err(netipc_endpoint_name("/run/netdata", "svc", name, sizeof name),
         NETIPC_OK, "netipc_endpoint_name of a valid service");
  ok(strcmp(name, "/run/netdata/svc.sock") == 0,
     "the endpoint name is the socket path (%s)", name);
  is_err(netipc_endpoint_name(run_dir, "bad/name", path, sizeof path),
         NETIPC_ERR_BAD_NAME, "netipc_endpoint_name checks the service name");
}

int
main(void)
{
  uds_safety_alarm();
  /* Not ignored: a send without MSG_NOSIGNAL must be able to kill us. */
  signal(SIGPIPE, SIG_DFL);
  plan(PLAN);
  uds_rundir_make(run_dir, sizeof run_dir, "errors");
  raw_lfd = uds_raw_listen(run_dir, "err-raw");
  if (raw_lfd < 0)
    bail_out("cannot create the raw listener");
  test_chunks();
  test_bad_records();
  test_timeouts();
  test_sigpipe();
  test_malicious_clients();
  test_endpoint_name();
  close(raw_lfd);
  uds_rundir_remove(run_dir);
  return exit_status();
}
