/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-client-responses.c - what a Level 2 client accepts as the answer to
 * its request (level2.md 4 steps 3-4, 5, 6.2; posix-uds.md 9; wire.md 8).
 * A scripted raw server answers every call with one specific fault: a
 * REQUEST or CONTROL where the RESPONSE belongs, a wrong code or id, a
 * wrong item count, a wrong BATCH flag, a first record longer than its
 * header says, continuation chunks that are truncated, over-long or run
 * past the message, and messages over the agreed limits that also carry
 * an unknown id (the limit check comes first, posix-uds.md 9 steps 4-5).
 * Each case checks the call's error, how many requests and sessions the
 * server saw (an ordinary failure is retried once on a new session, an
 * over-limit one goes through the overflow loop without growth), the
 * context's state and counters, and that the context recovers (refresh,
 * then a correct answer is accepted). A correct answer of the same shape
 * is the control of each family.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <netipc/service.h>

#include "service-helpers.h"
#include "service-raw-posix.h"
#include "tap.h"

/* The checks per case, and the cases. */
#define CASE_TESTS 5
#define CASES 24
#define PLAN (CASES * CASE_TESTS + 1)

#define CALL_TIMEOUT_MS 3000
#define CONNECT_MS 5000
#define BATCH_ITEMS 3u
#define BATCH_LIMIT 8u        /* the client's batch proposal (both ways) */
#define RESPONSE_LIMIT 1024u  /* the raw server's agreed response limit */
/* The agreed packet size of the chunk cases: B = 32 payload bytes per
 * record, so a 100-byte answer is 4 records (wire.md 8's example). */
#define CHUNK_PACKET 64u
#define CHUNK_PAYLOAD 100u
#define CHUNK_B (CHUNK_PACKET - NETIPC_HEADER_LEN)
#define ID_SHIFT 1000u
#define INPUT 10u
#define MAX_ANSWER 2048u

static char run_dir[64];

/* The one fault of a case's answers. */
typedef enum fault {
  F_NONE,           /* a correct answer (control) */
  F_KIND_REQUEST,   /* kind REQUEST */
  F_KIND_CONTROL,   /* kind CONTROL */
  F_CODE,           /* code + 1 */
  F_ID,             /* message_id + ID_SHIFT: not in flight */
  F_COUNT,          /* single: item_count 2; batch: a valid N-1 batch */
  F_BATCH_FLAG,     /* single: BATCH (a valid 1-item batch); batch: flags 0 */
  F_LONG_RECORD,    /* the record holds 8 bytes more than payload_len */
  F_LIMIT_ID,       /* payload_len over the agreed limit, unknown id */
  F_ITEMS_ID,       /* item_count over the agreed batch limit, unknown id */
  F_CHUNK_GOOD,     /* 100 bytes in 4 correct records (control) */
  F_CHUNK_SHORT,    /* the last record 2 bytes short of its chunk_payload_len */
  F_CHUNK_LONG,     /* the last record 4 bytes longer than its chunk_payload_len */
  F_CHUNK_PAST_END, /* the last chunk says 8 bytes where 4 are left */
  F_CHUNK_INDEX,    /* chunk_index 2 where 1 is due */
  F_CHUNK_COUNT,    /* chunk_count 5 where 4 is due */
  F_CHUNK_MSG_ID,   /* the continuation names another message_id */
  F_CHUNK_TOTAL     /* total_message_len one short */
} fault;

typedef struct resp_case {
  const char *svc;
  fault fault;
  uint32_t batch; /* 0: a single call, else its item count */
  netipc_err exp;
  int requests; /* that reach the server */
  int conns;    /* sessions it sees before the recovery */
  const char *what;
} resp_case;

/* What the script reads; good flips it to correct answers. */
typedef struct script_state {
  const resp_case *k;
  atomic_int good;
} script_state;

/* One record: *h with payload_len as given, then `bytes` of payload. */
static int
send_record(int fd, const netipc_header *h, uint32_t payload_len,
            const uint8_t *payload, size_t bytes)
{
  uint8_t rec[NETIPC_HEADER_LEN + MAX_ANSWER];
  if (bytes > MAX_ANSWER)
    return -1;
  netipc_header hh = *h;
  hh.payload_len = payload_len;
  netipc_header_encode(&hh, rec, sizeof rec);
  if (bytes != 0)
    memcpy(rec + NETIPC_HEADER_LEN, payload, bytes);
  return uds_raw_send(fd, rec, NETIPC_HEADER_LEN + bytes);
}

/* A batch of n INCREMENT answers, values first + 1 ... */
static size_t
answer_batch(const uint64_t *values, uint32_t n, uint8_t *out, size_t cap)
{
  netipc_batch_builder b;
  uint32_t len = 0, count = 0;
  netipc_batch_builder_init(&b, out, cap, n);
  for (uint32_t i = 0; i < n; i++) {
    uint8_t item[NETIPC_INCREMENT_LEN];
    size_t ilen = 0;
    netipc_increment_encode(values[i] + 1, item, sizeof item, &ilen);
    netipc_batch_builder_add(&b, item, ilen);
  }
  return netipc_batch_builder_finish(&b, &len, &count) == NETIPC_OK ? len : 0;
}

/* The request's values (1 for a single call); 0 when it is not INCREMENT. */
static uint32_t
request_values(const netipc_header *req, const uint8_t *payload, size_t len,
               uint64_t *values, uint32_t cap)
{
  if (!(req->flags & NETIPC_FLAG_BATCH))
    return netipc_increment_decode(payload, len, &values[0]) == NETIPC_OK;
  netipc_batch_view v;
  if (req->item_count > cap ||
      netipc_batch_decode(payload, len, req->item_count, &v) != NETIPC_OK)
    return 0;
  for (uint32_t i = 0; i < req->item_count; i++) {
    const void *item;
    uint32_t ilen;
    if (netipc_batch_item(&v, i, &item, &ilen) != NETIPC_OK ||
        netipc_increment_decode(item, ilen, &values[i]) != NETIPC_OK)
      return 0;
  }
  return req->item_count;
}

/* The chunked answer: payload 100 bytes, the value in the first 8. */
static int
send_chunked(int fd, const netipc_header *h, uint64_t value, fault f)
{
  uint8_t payload[CHUNK_PAYLOAD + CHUNK_B];
  memset(payload, 'c', sizeof payload);
  size_t ilen = 0;
  netipc_increment_encode(value, payload, sizeof payload, &ilen);
  if (send_record(fd, h, CHUNK_PAYLOAD, payload, CHUNK_B) != 0)
    return -1;
  const uint32_t count = 1 + (CHUNK_PAYLOAD - CHUNK_B + CHUNK_B - 1) / CHUNK_B;
  for (uint32_t i = 1, sent = CHUNK_B; sent < CHUNK_PAYLOAD; i++) {
    uint32_t n = CHUNK_PAYLOAD - sent < CHUNK_B ? CHUNK_PAYLOAD - sent : CHUNK_B;
    bool last = sent + n == CHUNK_PAYLOAD;
    netipc_chunk_header c;
    netipc_chunk_header_init(&c, h->message_id,
                             NETIPC_HEADER_LEN + CHUNK_PAYLOAD, i, count, n);
    size_t bytes = n;
    if (f == F_CHUNK_SHORT && last)
      bytes = n - 2;
    if (f == F_CHUNK_LONG && last)
      bytes = n + 4;
    if (f == F_CHUNK_PAST_END && last)
      c.chunk_payload_len = bytes = n + 4;
    if (f == F_CHUNK_INDEX && i == 1)
      c.chunk_index = 2;
    if (f == F_CHUNK_COUNT)
      c.chunk_count = count + 1;
    if (f == F_CHUNK_MSG_ID)
      c.message_id += ID_SHIFT;
    if (f == F_CHUNK_TOTAL)
      c.total_message_len -= 1;
    uint8_t rec[NETIPC_HEADER_LEN + CHUNK_B + 8];
    netipc_chunk_header_encode(&c, rec, sizeof rec);
    memcpy(rec + NETIPC_HEADER_LEN, payload + sent, bytes);
    if (uds_raw_send(fd, rec, NETIPC_HEADER_LEN + bytes) != 0)
      return -1;
    sent += n;
  }
  return 0;
}

static int
script(int fd, const netipc_header *req, const uint8_t *payload, size_t len,
       void *arg)
{
  script_state *st = arg;
  fault f = atomic_load(&st->good) ? F_NONE : st->k->fault;
  uint64_t values[BATCH_LIMIT];
  uint32_t n = request_values(req, payload, len, values, BATCH_LIMIT);
  if (n == 0)
    return -1;
  netipc_header h;
  netipc_header_init(&h, NETIPC_KIND_RESPONSE, req->code, req->message_id);
  uint8_t out[MAX_ANSWER];
  size_t out_len = 0;
  bool batch = (req->flags & NETIPC_FLAG_BATCH) != 0;
  if (batch) {
    h.flags = NETIPC_FLAG_BATCH;
    h.item_count = n;
    out_len = answer_batch(values, n, out, sizeof out);
  } else {
    netipc_increment_encode(values[0] + 1, out, sizeof out, &out_len);
  }
  uint32_t payload_len = (uint32_t)out_len;
  switch (f) {
  case F_NONE:
    break;
  case F_KIND_REQUEST:
    h.kind = NETIPC_KIND_REQUEST;
    break;
  case F_KIND_CONTROL:
    h.kind = NETIPC_KIND_CONTROL;
    break;
  case F_CODE:
    h.code = (uint16_t)(h.code + 1);
    break;
  case F_ID:
    h.message_id += ID_SHIFT;
    break;
  case F_COUNT:
    if (batch) {
      h.item_count = n - 1;
      payload_len = (uint32_t)(out_len = answer_batch(values, n - 1, out,
                                                      sizeof out));
    } else {
      h.item_count = 2;
    }
    break;
  case F_BATCH_FLAG:
    if (batch) {
      h.flags = 0;
    } else {
      h.flags = NETIPC_FLAG_BATCH;
      payload_len = (uint32_t)(out_len = answer_batch(values, 1, out,
                                                      sizeof out));
    }
    break;
  case F_LONG_RECORD:
    memset(out + out_len, 0, 8);
    out_len += 8;
    break;
  case F_LIMIT_ID:
    h.message_id += ID_SHIFT;
    memset(out + out_len, 0, RESPONSE_LIMIT + 1 - out_len);
    payload_len = (uint32_t)(out_len = RESPONSE_LIMIT + 1);
    break;
  case F_ITEMS_ID:
    h.message_id += ID_SHIFT;
    h.item_count = BATCH_LIMIT + 1;
    break;
  default: /* the chunk family */
    return send_chunked(fd, &h, values[0] + 1, f);
  }
  return send_record(fd, &h, payload_len, out, out_len);
}

/* Refresh, then a call that the (now correct) server answers. */
static int
recovers(netipc_client *c, script_state *st, uint32_t batch)
{
  atomic_store(&st->good, 1);
  if (!svc_client_connect(c, CONNECT_MS))
    return 0;
  uint64_t values[BATCH_ITEMS] = {INPUT, INPUT + 1, INPUT + 2};
  uint64_t results[BATCH_ITEMS] = {0, 0, 0};
  netipc_err err = batch == 0
                       ? netipc_client_increment(c, INPUT, 0, results)
                       : netipc_client_increment_batch(c, values, batch, 0,
                                                       results);
  return err == NETIPC_OK && results[0] == INPUT + 1 &&
         (batch == 0 || results[batch - 1] == INPUT + batch);
}

static void
run_case(const resp_case *k)
{
  script_state st = {.k = k};
  atomic_init(&st.good, 0);
  svc_raw_server srv;
  memset(&srv, 0, sizeof srv);
  srv.rsmax = RESPONSE_LIMIT;
  srv.script = script;
  srv.script_arg = &st;
  bool chunked = k->fault >= F_CHUNK_GOOD;
  if (chunked)
    srv.packet = CHUNK_PACKET;
  svc_raw_server_start(&srv, run_dir, k->svc, SVC_RAW_SCRIPT, 0);
  netipc_client_config cfg;
  svc_client_config(&cfg, run_dir, k->svc);
  cfg.timeout_ms = CALL_TIMEOUT_MS;
  cfg.max_request_batch_items = BATCH_LIMIT;
  netipc_client *c = svc_client_new(&cfg, NETIPC_METHOD_INCREMENT);
  if (!svc_client_connect(c, CONNECT_MS))
    bail_out("cannot connect to %s", k->svc);
  /* The faults need these agreed values: whole records unless chunked. */
  netipc_session_info info = svc_status(c).session;
  ok(info.max_response_payload_bytes == RESPONSE_LIMIT &&
         info.max_response_batch_items == BATCH_LIMIT &&
         (chunked ? info.packet_size == CHUNK_PACKET
                  : info.packet_size > NETIPC_HEADER_LEN + MAX_ANSWER),
     "%s: set up (response limit %u, batch %u, packet size %u)", k->what,
     info.max_response_payload_bytes, info.max_response_batch_items,
     info.packet_size);
  uint64_t values[BATCH_ITEMS] = {INPUT, INPUT + 1, INPUT + 2};
  uint64_t results[BATCH_ITEMS] = {0, 0, 0};
  netipc_err err =
      k->batch == 0
          ? netipc_client_increment(c, INPUT, 0, results)
          : netipc_client_increment_batch(c, values, k->batch, 0, results);
  netipc_client_status s = svc_status(c);
  int conns = atomic_load(&srv.conns);
  int requests = atomic_load(&srv.requests);
  bool good = k->exp == NETIPC_OK;
  is_err(err, k->exp, "%s: the call's error", k->what);
  is_int(requests, k->requests, "%s: %d request(s) reached the server",
         k->what, k->requests);
  netipc_client_state want = good ? NETIPC_CLIENT_READY : NETIPC_CLIENT_BROKEN;
  ok(conns == k->conns && s.state == want &&
         s.error_count == (good ? 0u : 1u) &&
         s.call_count == (good ? 1u : 0u) &&
         s.reconnect_count == (uint32_t)(k->conns - 1),
     "%s: %d session(s), %s, errors %u, calls %u, reconnects %u (got %d, "
     "%s, %u, %u, %u)",
     k->what, k->conns, netipc_client_state_name(want), good ? 0u : 1u,
     good ? 1u : 0u, (unsigned)(k->conns - 1), conns,
     netipc_client_state_name(s.state), s.error_count, s.call_count,
     s.reconnect_count);
  ok(recovers(c, &st, k->batch),
     "%s: after refresh the context takes a correct answer", k->what);
  netipc_client_destroy(c);
  svc_raw_server_stop(&srv);
}

static const resp_case cases[CASES] = {
    {"resp-ok", F_NONE, 0, NETIPC_OK, 1, 1, "a correct answer"},
    {"resp-ok-batch", F_NONE, BATCH_ITEMS, NETIPC_OK, 1, 1,
     "a correct batch answer"},
    {"resp-request", F_KIND_REQUEST, 0, NETIPC_ERR_PROTOCOL, 2, 2,
     "a REQUEST where the RESPONSE belongs"},
    {"resp-control", F_KIND_CONTROL, 0, NETIPC_ERR_PROTOCOL, 2, 2,
     "a CONTROL where the RESPONSE belongs"},
    {"resp-code", F_CODE, 0, NETIPC_ERR_PROTOCOL, 2, 2, "a wrong method code"},
    {"resp-id", F_ID, 0, NETIPC_ERR_UNKNOWN_ID, 2, 2, "a message id not in flight"},
    {"resp-count", F_COUNT, 0, NETIPC_ERR_PROTOCOL, 2, 2,
     "a single answer with item_count 2"},
    {"resp-count-batch", F_COUNT, BATCH_ITEMS, NETIPC_ERR_PROTOCOL, 2, 2,
     "a batch of 3 answered by a valid batch of 2"},
    {"resp-flag", F_BATCH_FLAG, 0, NETIPC_ERR_PROTOCOL, 2, 2,
     "a single call answered with BATCH"},
    {"resp-flag-batch", F_BATCH_FLAG, BATCH_ITEMS, NETIPC_ERR_PROTOCOL, 2, 2,
     "a batch answered without BATCH"},
    {"resp-long", F_LONG_RECORD, 0, NETIPC_ERR_PROTOCOL, 2, 2,
     "a record longer than 32 + payload_len"},
    /* Over the limit: OVERFLOW without growth, so one attempt, then the
     * overflow loop's reconnect finds nothing grown (level2.md 6.2, 6.4). */
    {"resp-limit-id", F_LIMIT_ID, 0, NETIPC_ERR_OVERFLOW, 1, 2,
     "payload_len over the limit and an unknown id: the limit first"},
    {"resp-items-id", F_ITEMS_ID, 0, NETIPC_ERR_OVERFLOW, 1, 2,
     "item_count over the limit and an unknown id: the limit first"},
    {"resp-chunk-ok", F_CHUNK_GOOD, 0, NETIPC_OK, 1, 1,
     "a correct answer in 4 chunks"},
    {"resp-chunk-short", F_CHUNK_SHORT, 0, NETIPC_ERR_BAD_CHUNK, 2, 2,
     "a truncated continuation chunk"},
    {"resp-chunk-long", F_CHUNK_LONG, 0, NETIPC_ERR_BAD_CHUNK, 2, 2,
     "an over-long continuation record"},
    {"resp-chunk-past", F_CHUNK_PAST_END, 0, NETIPC_ERR_BAD_CHUNK, 2, 2,
     "a continuation running past payload_len"},
    {"resp-chunk-index", F_CHUNK_INDEX, 0, NETIPC_ERR_BAD_CHUNK, 2, 2,
     "a continuation with the wrong chunk_index"},
    {"resp-chunk-count", F_CHUNK_COUNT, 0, NETIPC_ERR_BAD_CHUNK, 2, 2,
     "continuations with the wrong chunk_count"},
    {"resp-chunk-msgid", F_CHUNK_MSG_ID, 0, NETIPC_ERR_BAD_CHUNK, 2, 2,
     "a continuation of another message_id"},
    {"resp-chunk-total", F_CHUNK_TOTAL, 0, NETIPC_ERR_BAD_CHUNK, 2, 2,
     "continuations with the wrong total_message_len"},
    /* The same faults on a batch call's answer (item 0 is what differs). */
    {"resp-request-batch", F_KIND_REQUEST, BATCH_ITEMS, NETIPC_ERR_PROTOCOL,
     2, 2, "a REQUEST answering a batch"},
    {"resp-id-batch", F_ID, BATCH_ITEMS, NETIPC_ERR_UNKNOWN_ID, 2, 2,
     "an unknown id answering a batch"},
    {"resp-limit-batch", F_LIMIT_ID, BATCH_ITEMS, NETIPC_ERR_OVERFLOW, 1, 2,
     "a batch answer over the limit with an unknown id"},
};

int
main(void)
{
  svc_alarm();
  tp_rundir_make(run_dir, sizeof run_dir, "l2-resp");
  plan(PLAN);
  if (!svc_raw_supported()) {
    skip(PLAN - 1, "the scripted server needs raw peers");
  } else {
    for (size_t i = 0; i < CASES; i++)
      run_case(&cases[i]);
  }
  is_int(svc_dir_entries(run_dir), 0, "every server cleaned up its files");
  tp_rundir_remove(run_dir);
  return exit_status();
}
