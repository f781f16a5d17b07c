/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-server-status.c - the managed server's status table (level2.md
 * 9.4-9.7, codec.md 5.7 and 7) seen byte by byte by a raw client, for
 * every typed method and its batches: a malformed request gets
 * BAD_ENVELOPE, a failing handler INTERNAL_ERROR, a builder overflow or an
 * answer over the limit LIMIT_EXCEEDED (even when the handler also
 * fails), a wrong method code UNSUPPORTED; a message that is not a
 * REQUEST gets no reply. Each case checks the whole 32-byte reply header
 * (error replies are header-only with flags 0 and item_count 1), the
 * exact payload of an OK answer, how often the handler ran, and whether
 * the session stays open (OK, UNSUPPORTED) or is closed (everything else).
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

/* Checks per case (a case with no reply has two), and outside them. */
#define CASE_TESTS 4
#define NO_REPLY_TESTS 2
#define CASES 24
#define OTHER_TESTS 4

#define RQ 4096u
#define RS 512u         /* every server's response limit */
#define RAW_BATCH 8u
#define CG_ITEMS 3u
#define CG_OVERFLOW_ITEMS 200u /* far over 512 bytes */
#define SR_BIG_LEN 600u        /* its answer cannot fit 512 bytes */
#define BUF_LEN 8192u
#define NO_REPLY 0xFFFFu       /* the case expects EOF, not a reply */
#define FIRST_ID 100u

static char run_dir[64];

/* How a case's request payload is made. */
typedef enum payload_kind {
  P_INC,          /* INCREMENT 41 */
  P_INC_SHORT,    /* 3 bytes */
  P_INC_FAIL,     /* SVC_FAIL_VALUE */
  P_INC_BATCH,    /* {1, 2, 3} */
  P_INC_BATCH_FAIL,  /* {1, SVC_FAIL_VALUE, 3} */
  P_INC_BATCH_SHORT, /* {1, a 3-byte item, 3} */
  P_SR,           /* "abc" */
  P_SR_NO_NUL,    /* "abc" with its NUL replaced */
  P_SR_FAIL,      /* SVC_FAIL_STRING */
  P_SR_BIG,       /* SR_BIG_LEN characters */
  P_SR_BATCH,     /* {"ab", "xyz"} */
  P_SR_BATCH_FAIL, /* {"ab", SVC_FAIL_STRING} */
  P_CG,           /* the 4-byte request */
  P_CG_SHORT,     /* its first 3 bytes */
  P_CG_EMPTY,     /* no payload */
  P_CG_VERSION,   /* layout_version 2 */
  P_CG_FLAGS,     /* flags 1 */
  P_CG_BATCH      /* the request as item 0 of a 1-item batch */
} payload_kind;

typedef struct status_case {
  const char *what;
  uint16_t method; /* the server's */
  uint16_t kind;
  uint16_t code;
  payload_kind payload;
  unsigned fail_next;  /* handler failures armed before the request */
  unsigned cg_items;
  uint16_t status;     /* expected, or NO_REPLY */
  unsigned calls;      /* handler invocations expected */
} status_case;

#define INC NETIPC_METHOD_INCREMENT
#define SR NETIPC_METHOD_STRING_REVERSE
#define CG NETIPC_METHOD_CGROUPS_SNAPSHOT
#define REQ NETIPC_KIND_REQUEST
#define ST_OK NETIPC_STATUS_OK
#define ST_ENV NETIPC_STATUS_BAD_ENVELOPE
#define ST_INT NETIPC_STATUS_INTERNAL_ERROR
#define ST_LIM NETIPC_STATUS_LIMIT_EXCEEDED
#define ST_UNS NETIPC_STATUS_UNSUPPORTED

static const status_case cases[CASES] = {
    {"CGROUPS: a good request", CG, REQ, CG, P_CG, 0, CG_ITEMS, ST_OK, 1},
    {"CGROUPS: a 3-byte request", CG, REQ, CG, P_CG_SHORT, 0, CG_ITEMS, ST_ENV,
     0},
    {"CGROUPS: an empty request", CG, REQ, CG, P_CG_EMPTY, 0, CG_ITEMS, ST_ENV,
     0},
    {"CGROUPS: layout_version 2", CG, REQ, CG, P_CG_VERSION, 0, CG_ITEMS,
     ST_ENV, 0},
    {"CGROUPS: request flags 1", CG, REQ, CG, P_CG_FLAGS, 0, CG_ITEMS, ST_ENV,
     0},
    {"CGROUPS: BATCH is not split (1-item batch)", CG, REQ, CG, P_CG_BATCH, 0,
     CG_ITEMS, ST_ENV, 0},
    {"CGROUPS: the handler fails after adding items", CG, REQ, CG, P_CG, 1,
     CG_ITEMS, ST_INT, 1},
    {"CGROUPS: the handler fails with no items", CG, REQ, CG, P_CG, 1, 0,
     ST_INT, 1},
    {"CGROUPS: the builder overflows", CG, REQ, CG, P_CG, 0, CG_OVERFLOW_ITEMS,
     ST_LIM, 1},
    {"CGROUPS: overflow and a failing handler", CG, REQ, CG, P_CG, 1,
     CG_OVERFLOW_ITEMS, ST_LIM, 1},
    {"CGROUPS: an INCREMENT request", CG, REQ, INC, P_INC, 0, CG_ITEMS, ST_UNS,
     0},
    {"CGROUPS: a CONTROL message", CG, NETIPC_KIND_CONTROL, CG, P_CG, 0,
     CG_ITEMS, NO_REPLY, 0},
    {"INCREMENT: a good batch", INC, REQ, INC, P_INC_BATCH, 0, 0, ST_OK, 3},
    {"INCREMENT: a batch with a failing item", INC, REQ, INC, P_INC_BATCH_FAIL,
     0, 0, ST_INT, 2},
    {"INCREMENT: a batch with a 3-byte item", INC, REQ, INC,
     P_INC_BATCH_SHORT, 0, 0, ST_ENV, 1},
    {"INCREMENT: a REQUEST with kind RESPONSE", INC, NETIPC_KIND_RESPONSE, INC,
     P_INC, 0, 0, NO_REPLY, 0},
    {"STRING_REVERSE: a good request", SR, REQ, SR, P_SR, 0, 0, ST_OK, 1},
    {"STRING_REVERSE: no NUL", SR, REQ, SR, P_SR_NO_NUL, 0, 0, ST_ENV, 0},
    {"STRING_REVERSE: the handler fails", SR, REQ, SR, P_SR_FAIL, 0, 0, ST_INT,
     1},
    {"STRING_REVERSE: the answer is over the limit", SR, REQ, SR, P_SR_BIG, 0,
     0, ST_LIM, 1},
    {"STRING_REVERSE: a good batch", SR, REQ, SR, P_SR_BATCH, 0, 0, ST_OK, 2},
    {"STRING_REVERSE: a batch with a failing item", SR, REQ, SR,
     P_SR_BATCH_FAIL, 0, 0, ST_INT, 2},
    {"STRING_REVERSE: a CGROUPS request", SR, REQ, CG, P_CG, 0, 0, ST_UNS, 0},
    {"STRING_REVERSE: an armed failure on a single call", SR, REQ, SR, P_SR, 1,
     0, ST_INT, 1},
};

/* A finished batch of n items; its length, 0 on failure. */
static size_t
make_batch(const uint8_t *const *items, const size_t *lens, uint32_t n,
           uint8_t *out, size_t cap)
{
  netipc_batch_builder b;
  uint32_t len = 0, count = 0;
  netipc_batch_builder_init(&b, out, cap, n);
  for (uint32_t i = 0; i < n; i++)
    if (netipc_batch_builder_add(&b, items[i], lens[i]) != NETIPC_OK)
      return 0;
  return netipc_batch_builder_finish(&b, &len, &count) == NETIPC_OK ? len : 0;
}

static size_t
inc_batch(const uint64_t *v, uint32_t n, size_t short_item, uint8_t *out,
          size_t cap)
{
  uint8_t items[RAW_BATCH][NETIPC_INCREMENT_LEN];
  const uint8_t *ptr[RAW_BATCH];
  size_t lens[RAW_BATCH];
  for (uint32_t i = 0; i < n; i++) {
    netipc_increment_encode(v[i], items[i], sizeof items[i], &lens[i]);
    ptr[i] = items[i];
  }
  if (short_item < n)
    lens[short_item] = 3;
  return make_batch(ptr, lens, n, out, cap);
}

static size_t
sr_batch(const char *const *s, uint32_t n, uint8_t *out, size_t cap)
{
  uint8_t items[RAW_BATCH][64];
  const uint8_t *ptr[RAW_BATCH];
  size_t lens[RAW_BATCH];
  for (uint32_t i = 0; i < n; i++) {
    netipc_string_reverse_encode(s[i], strlen(s[i]), items[i],
                                 sizeof items[i], &lens[i]);
    ptr[i] = items[i];
  }
  return make_batch(ptr, lens, n, out, cap);
}

/* The request of a case: payload, BATCH flag and item_count. */
static size_t
make_request(payload_kind k, uint8_t *p, size_t cap, uint16_t *flags,
             uint32_t *items)
{
  static const uint64_t good[] = {1, 2, 3};
  static const uint64_t bad[] = {1, SVC_FAIL_VALUE, 3};
  static const char *const sr_good[] = {"ab", "xyz"};
  static const char *const sr_bad[] = {"ab", SVC_FAIL_STRING};
  static char big[SR_BIG_LEN + 1];
  size_t len = 0;
  *flags = 0;
  *items = 1;
  switch (k) {
  case P_INC:
  case P_INC_SHORT:
    netipc_increment_encode(41, p, cap, &len);
    return k == P_INC_SHORT ? 3 : len;
  case P_INC_FAIL:
    netipc_increment_encode(SVC_FAIL_VALUE, p, cap, &len);
    return len;
  case P_SR:
  case P_SR_NO_NUL:
    netipc_string_reverse_encode("abc", 3, p, cap, &len);
    if (k == P_SR_NO_NUL)
      p[len - 1] = 'x';
    return len;
  case P_SR_FAIL:
    netipc_string_reverse_encode(SVC_FAIL_STRING, strlen(SVC_FAIL_STRING), p,
                                 cap, &len);
    return len;
  case P_SR_BIG:
    memset(big, 'b', SR_BIG_LEN);
    netipc_string_reverse_encode(big, SR_BIG_LEN, p, cap, &len);
    return len;
  case P_CG:
  case P_CG_SHORT:
  case P_CG_EMPTY:
  case P_CG_VERSION:
  case P_CG_FLAGS:
    netipc_cgroups_req_encode(p, cap, &len);
    if (k == P_CG_VERSION)
      p[0] = 2; /* u16 layout_version, little-endian */
    if (k == P_CG_FLAGS)
      p[2] = 1; /* u16 flags */
    return k == P_CG_SHORT ? 3 : k == P_CG_EMPTY ? 0 : len;
  default:
    break;
  }
  *flags = NETIPC_FLAG_BATCH;
  switch (k) {
  case P_INC_BATCH:
    *items = 3;
    return inc_batch(good, 3, RAW_BATCH, p, cap);
  case P_INC_BATCH_FAIL:
    *items = 3;
    return inc_batch(bad, 3, RAW_BATCH, p, cap);
  case P_INC_BATCH_SHORT:
    *items = 3;
    return inc_batch(good, 3, 1, p, cap);
  case P_SR_BATCH:
    *items = 2;
    return sr_batch(sr_good, 2, p, cap);
  case P_SR_BATCH_FAIL:
    *items = 2;
    return sr_batch(sr_bad, 2, p, cap);
  default: { /* P_CG_BATCH */
    uint8_t req[NETIPC_CGROUPS_REQ_LEN];
    const uint8_t *ptr[1] = {req};
    size_t lens[1];
    netipc_cgroups_req_encode(req, sizeof req, &lens[0]);
    return make_batch(ptr, lens, 1, p, cap);
  }
  }
}

/* The exact OK payload a case expects into out; its length. */
static size_t
expected_payload(const status_case *k, uint8_t *out, size_t cap)
{
  static const uint64_t good[] = {2, 3, 4};
  static const char *const sr_good[] = {"ba", "zyx"};
  size_t len = 0;
  switch (k->payload) {
  case P_INC_BATCH:
    return inc_batch(good, 3, RAW_BATCH, out, cap);
  case P_SR:
    netipc_string_reverse_encode("cba", 3, out, cap, &len);
    return len;
  case P_SR_BATCH:
    return sr_batch(sr_good, 2, out, cap);
  default: { /* P_CG: what the handler builds against the agreed RS */
    svc_handler h;
    memset(&h, 0, sizeof h);
    atomic_store(&h.cg_items, k->cg_items);
    netipc_cgroups_builder b;
    if (netipc_cgroups_builder_init(&b, out, RS, 0, 0, 0) != NETIPC_OK ||
        svc_cgroups_handler(&h, &b) != 0 ||
        netipc_cgroups_builder_finish(&b, &len) != NETIPC_OK)
      return 0;
    return len;
  }
  }
}

typedef struct servers {
  svc_handler h[3];
  netipc_server *s[3];
} servers;

static const char *const SVC_NAMES[3] = {"st-inc", "st-sr", "st-cg"};

static int
method_index(uint16_t m)
{
  return m == INC ? 0 : m == SR ? 1 : 2;
}

/* A request the session must still answer: the method's good request. */
static int
session_alive(int fd, uint16_t method, uint64_t id)
{
  uint8_t p[64], buf[BUF_LEN];
  uint16_t flags;
  uint32_t items;
  payload_kind k = method == INC ? P_INC : method == SR ? P_SR : P_CG;
  size_t len = make_request(k, p, sizeof p, &flags, &items);
  netipc_header rh;
  if (svc_raw_send(fd, REQ, method, 0, 1, id, p, len) != 0)
    return 0;
  long n = svc_raw_recv(fd, &rh, buf, sizeof buf, UDS_WAIT_MS);
  return n > 0 && rh.transport_status == ST_OK && rh.message_id == id;
}

static void
run_case(servers *sv, const status_case *k, uint64_t id)
{
  int m = method_index(k->method);
  svc_handler *h = &sv->h[m];
  netipc_hello_ack ack;
  int fd = svc_raw_open(run_dir, SVC_NAMES[m], RQ, RS, RAW_BATCH, &ack);
  if (fd < 0 || ack.agreed_max_response_payload_bytes != RS)
    bail_out("%s: raw handshake", k->what);
  atomic_store(&h->cg_items, k->cg_items);
  atomic_store(&h->fail_next, k->fail_next);
  unsigned before = atomic_load(&h->calls);

  uint8_t p[BUF_LEN], buf[BUF_LEN], want[BUF_LEN];
  uint16_t flags;
  uint32_t items;
  size_t len = make_request(k->payload, p, sizeof p, &flags, &items);
  if (svc_raw_send(fd, k->kind, k->code, flags, items, id, p, len) != 0)
    bail_out("%s: cannot send", k->what);

  if (k->status == NO_REPLY) {
    ok(uds_raw_wait_eof(fd, UDS_WAIT_MS), "%s: closed without a reply",
       k->what);
  } else {
    long n = uds_raw_recv(fd, buf, sizeof buf, UDS_WAIT_MS);
    size_t want_len = k->status == ST_OK ? expected_payload(k, want, sizeof want)
                                        : 0;
    bool batch_ok = k->status == ST_OK && (flags & NETIPC_FLAG_BATCH);
    netipc_header eh;
    netipc_header_init(&eh, NETIPC_KIND_RESPONSE, k->code, id);
    eh.transport_status = k->status;
    eh.flags = batch_ok ? NETIPC_FLAG_BATCH : 0;
    eh.item_count = batch_ok ? items : 1;
    eh.payload_len = (uint32_t)want_len;
    uint8_t ehb[NETIPC_HEADER_LEN];
    netipc_header_encode(&eh, ehb, sizeof ehb);
    ok(n >= (long)NETIPC_HEADER_LEN &&
           memcmp(buf, ehb, NETIPC_HEADER_LEN) == 0,
       "%s: the reply header, byte for byte (status %u, %ld bytes)", k->what,
       k->status, n);
    ok(n == (long)(NETIPC_HEADER_LEN + want_len) &&
           (want_len == 0 || memcmp(buf + NETIPC_HEADER_LEN, want, want_len) ==
                                 0),
       "%s: %s", k->what,
       want_len != 0 ? "the exact payload" : "no payload");
  }
  is_uint(atomic_load(&h->calls) - before, k->calls,
          "%s: the handler ran %u time(s)", k->what, k->calls);
  atomic_store(&h->fail_next, 0);
  bool stays = k->status == ST_OK || k->status == ST_UNS;
  if (stays)
    ok(session_alive(fd, k->method, id + 1),
       "%s: the session stays open (the next request is answered)", k->what);
  else if (k->status != NO_REPLY)
    ok(uds_raw_wait_eof(fd, UDS_WAIT_MS),
       "%s: then the server closes the session", k->what);
  svc_raw_close(fd);
}

int
main(void)
{
  svc_alarm();
  tp_rundir_make(run_dir, sizeof run_dir, "l2-status");
  int planned = OTHER_TESTS;
  for (size_t i = 0; i < CASES; i++)
    planned += cases[i].status == NO_REPLY ? NO_REPLY_TESTS : CASE_TESTS;
  plan(planned);
  if (!svc_raw_supported()) {
    skip(planned - 1, "the byte-level clients need raw peers");
    is_int(svc_dir_entries(run_dir), 0, "nothing left in the run dir");
    tp_rundir_remove(run_dir);
    return exit_status();
  }
  servers sv;
  memset(&sv, 0, sizeof sv);
  static const uint16_t methods[3] = {INC, SR, CG};
  for (int i = 0; i < 3; i++) {
    netipc_server_config cfg;
    svc_server_config(&cfg, run_dir, SVC_NAMES[i], methods[i], &sv.h[i]);
    cfg.max_request_payload_bytes = RQ;
    cfg.max_response_payload_bytes = RS;
    sv.s[i] = svc_server_start(&cfg);
  }
  /* The table's premise: a CGROUPS snapshot of CG_ITEMS fits RS and one
   * of CG_OVERFLOW_ITEMS does not; "abc" and the batches fit. */
  uint8_t probe[BUF_LEN];
  status_case fits = cases[0];
  ok(expected_payload(&fits, probe, sizeof probe) != 0,
     "premise: %u snapshot items fit %u bytes", CG_ITEMS, RS);
  fits.cg_items = CG_OVERFLOW_ITEMS;
  ok(expected_payload(&fits, probe, sizeof probe) == 0,
     "premise: %u snapshot items do not", CG_OVERFLOW_ITEMS);
  for (size_t i = 0; i < CASES; i++)
    run_case(&sv, &cases[i], FIRST_ID + 2 * i);
  int left = 0;
  for (int i = 0; i < 3; i++) {
    left += !svc_wait_sessions(sv.s[i], 0, UDS_WAIT_MS);
    netipc_server_destroy(sv.s[i]);
  }
  is_int(left, 0, "no session left behind");
  is_int(svc_dir_entries(run_dir), 0, "every server cleaned up its files");
  tp_rundir_remove(run_dir);
  return exit_status();
}
