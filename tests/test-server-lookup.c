/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-server-lookup.c - the managed server's lookup dispatch (lookups.md
 * 1, 5.3, 5.4, 6), seen by a raw client byte by byte: each row of the 5.3
 * outcome table, requests that fail validation, BATCH not split, a wrong
 * method code, placeholders that cannot fit (and the netipc client's
 * OVERFLOW against such a server), concurrent handler calls, and the
 * refusal of a lookup method without its handler.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netipc/service.h>

#include "lookup-helpers.h"
#include "service-helpers.h"
#include "service-raw-posix.h"
#include "strview.h"
#include "tap.h"

#define PLAN 128
/* The checks of the cases below that speak raw AF_UNIX (the outcome
 * table, validation and placeholders): all but test_concurrency (4),
 * test_config (4) and the final one. */
#define RAW_TESTS (PLAN - 9)

#define RECV_MS UDS_WAIT_MS
#define BUF_CAP (NETIPC_HEADER_LEN + 65536)

static char run_dir[64];
static uint8_t rbuf[BUF_CAP];

static const char *
method_name(uint16_t method)
{
  return method == NETIPC_METHOD_APPS_LOOKUP ? "apps" : "cgroups";
}

/* The keys every raw request of this file carries. */
static const char *const KEYS[3] = {"/cg/a", "/cg/bb", "/cg/ccc"};
static const uint32_t PIDS[3] = {101, 202, 303};

static size_t
request(uint16_t method, uint8_t *buf, size_t cap)
{
  size_t len = 0;
  netipc_err err;
  if (method == NETIPC_METHOD_APPS_LOOKUP) {
    err = netipc_apps_lookup_req_encode(PIDS, 3, buf, cap, &len);
  } else {
    netipc_string_view keys[3] = {sv(KEYS[0]), sv(KEYS[1]), sv(KEYS[2])};
    err = netipc_cgroups_lookup_req_encode(keys, 3, buf, cap, &len);
  }
  if (err != NETIPC_OK)
    bail_out("cannot encode a request");
  return len;
}

/* 1 when the payload is the derived answer to KEYS / PIDS. */
static int
answer_ok(uint16_t method, const uint8_t *payload, size_t len, uint64_t gen)
{
  netipc_lookup_view v;
  if (method == NETIPC_METHOD_APPS_LOOKUP)
    return netipc_apps_lookup_resp_decode(payload, len, &v) == NETIPC_OK &&
           v.generation == gen &&
           lkh_apps_first_bad(&v, PIDS, 3, 0, UINT32_MAX) == 3;
  netipc_string_view keys[3] = {sv(KEYS[0]), sv(KEYS[1]), sv(KEYS[2])};
  return netipc_cgroups_lookup_resp_decode(payload, len, &v) == NETIPC_OK &&
         v.generation == gen &&
         lkh_cg_first_bad(&v, keys, 3, 0, UINT32_MAX) == 3;
}

/* ---------------------------------------------------------------- */
/* A handler with scripted failures                                  */
/* ---------------------------------------------------------------- */

typedef enum fmode {
  FH_OK,              /* every key its derived answer */
  FH_FAIL_OVERFLOW,   /* all items, one add too many, then failure */
  FH_FAIL_BAD_LAYOUT, /* an invalid item (NUL in name / empty comm), fail */
  FH_FAIL_NOTHING,    /* failure without any add */
  FH_FAIL_AFTER_ALL,  /* every item added fine, then failure */
  FH_OK_OVERFLOW,     /* one add too many, then success */
  FH_OK_BAD_LAYOUT,   /* an invalid item, then success */
  FH_OK_FEWER,        /* one item fewer than keys, success */
  FH_OK_BAD_ARG       /* an add with labels NULL but a count, success */
} fmode;

typedef struct fhandler {
  atomic_int mode;
  atomic_uint calls;
  atomic_int last_add; /* error of the last add the handler made */
  uint64_t generation;
} fhandler;

static netipc_err
f_add_good(const netipc_lookup_req_view *req, uint32_t i,
           netipc_lookup_builder *b)
{
  if (req->method == NETIPC_METHOD_APPS_LOOKUP) {
    uint32_t pid = i < req->item_count ? 0 : 9999;
    if (i < req->item_count)
      (void)netipc_apps_lookup_req_pid(req, i, &pid);
    static _Thread_local lkh_apps_answer a;
    lkh_apps_answer_make(&a, pid, 0);
    return netipc_apps_lookup_builder_add(b, &a.item);
  }
  netipc_string_view path = sv("/extra");
  if (i < req->item_count)
    (void)netipc_cgroups_lookup_req_path(req, i, &path);
  static _Thread_local lkh_cg_answer a;
  lkh_cg_answer_make(&a, path, 0);
  return netipc_cgroups_lookup_builder_add(b, &a.item);
}

static netipc_err
f_add_bad(const netipc_lookup_req_view *req, netipc_lookup_builder *b)
{
  if (req->method == NETIPC_METHOD_APPS_LOOKUP) {
    static _Thread_local lkh_apps_answer a;
    lkh_apps_answer_make(&a, PIDS[0], 0);
    a.item.comm.len = 0; /* KNOWN needs a comm */
    return netipc_apps_lookup_builder_add(b, &a.item);
  }
  netipc_cgroups_lookup_item it;
  memset(&it, 0, sizeof it);
  it.status = NETIPC_CGROUPS_LOOKUP_KNOWN;
  it.name.ptr = "a\0b";
  it.name.len = 3;
  return netipc_cgroups_lookup_builder_add_key(b, &it);
}

/* A KNOWN item that claims a label but passes no table: INVALID_ARG. */
static netipc_err
f_add_no_labels(const netipc_lookup_req_view *req, netipc_lookup_builder *b)
{
  if (req->method == NETIPC_METHOD_APPS_LOOKUP) {
    static _Thread_local lkh_apps_answer a;
    lkh_apps_answer_make(&a, PIDS[0], 0);
    a.item.labels = NULL;
    a.item.label_count = 1;
    return netipc_apps_lookup_builder_add(b, &a.item);
  }
  netipc_cgroups_lookup_item it;
  memset(&it, 0, sizeof it);
  it.label_count = 1;
  return netipc_cgroups_lookup_builder_add_key(b, &it);
}

static int
f_handler(void *user, const netipc_lookup_req_view *req,
          netipc_lookup_builder *b)
{
  fhandler *h = user;
  atomic_fetch_add(&h->calls, 1);
  netipc_lookup_builder_set_generation(b, h->generation);
  fmode mode = (fmode)atomic_load(&h->mode);
  uint32_t n = req->item_count, adds = n;
  netipc_err err = NETIPC_OK;
  if (mode == FH_FAIL_OVERFLOW || mode == FH_OK_OVERFLOW)
    adds = n + 1;
  if (mode == FH_OK_FEWER)
    adds = n - 1;
  if (mode == FH_FAIL_NOTHING)
    adds = 0;
  if (mode == FH_FAIL_BAD_LAYOUT || mode == FH_OK_BAD_LAYOUT) {
    err = f_add_bad(req, b);
    adds = 0;
  }
  if (mode == FH_OK_BAD_ARG) {
    err = f_add_no_labels(req, b);
    adds = 0;
  }
  for (uint32_t i = 0; i < adds; i++)
    err = f_add_good(req, i, b);
  atomic_store(&h->last_add, err);
  switch (mode) {
  case FH_FAIL_OVERFLOW:
  case FH_FAIL_BAD_LAYOUT:
  case FH_FAIL_NOTHING:
  case FH_FAIL_AFTER_ALL:
    return -1;
  default:
    return 0;
  }
}

static netipc_server *
f_server(const char *svc, uint16_t method, fhandler *h)
{
  netipc_server_config cfg;
  svc_server_config(&cfg, run_dir, svc, method, NULL);
  cfg.cgroups_lookup = f_handler;
  cfg.apps_lookup = f_handler;
  cfg.user = h;
  return svc_server_start(&cfg);
}

/* ---------------------------------------------------------------- */
/* The outcome table of 5.3                                          */
/* ---------------------------------------------------------------- */

typedef struct row {
  const char *what;
  fmode mode;
  uint16_t status;
  const char *status_name;
  netipc_err add; /* what the handler's last add reported */
} row;

static const row rows[] = {
    {"handler fails after an add reported OVERFLOW", FH_FAIL_OVERFLOW,
     NETIPC_STATUS_LIMIT_EXCEEDED, "LIMIT_EXCEEDED", NETIPC_ERR_OVERFLOW},
    {"handler fails after an add reported BAD_LAYOUT", FH_FAIL_BAD_LAYOUT,
     NETIPC_STATUS_BAD_ENVELOPE, "BAD_ENVELOPE", NETIPC_ERR_BAD_LAYOUT},
    {"handler fails with nothing recorded (no add)", FH_FAIL_NOTHING,
     NETIPC_STATUS_INTERNAL_ERROR, "INTERNAL_ERROR", NETIPC_OK},
    {"handler fails with nothing recorded (all adds fine)", FH_FAIL_AFTER_ALL,
     NETIPC_STATUS_INTERNAL_ERROR, "INTERNAL_ERROR", NETIPC_OK},
    {"handler succeeds but an add reported OVERFLOW", FH_OK_OVERFLOW,
     NETIPC_STATUS_LIMIT_EXCEEDED, "LIMIT_EXCEEDED", NETIPC_ERR_OVERFLOW},
    {"handler succeeds but an add reported BAD_LAYOUT", FH_OK_BAD_LAYOUT,
     NETIPC_STATUS_BAD_ENVELOPE, "BAD_ENVELOPE", NETIPC_ERR_BAD_LAYOUT},
    {"handler succeeds with fewer items than keys", FH_OK_FEWER,
     NETIPC_STATUS_BAD_ENVELOPE, "BAD_ENVELOPE", NETIPC_OK},
    {"handler succeeds but an add reported INVALID_ARG", FH_OK_BAD_ARG,
     NETIPC_STATUS_BAD_ENVELOPE, "BAD_ENVELOPE", NETIPC_ERR_INVALID_ARG},
};
#define NROWS (sizeof rows / sizeof rows[0])

static void
test_row(const char *svc, uint16_t method, fhandler *h, const row *r,
         uint64_t id)
{
  const char *m = method_name(method);
  uint8_t p[512];
  size_t len = request(method, p, sizeof p);
  atomic_store(&h->mode, r->mode);
  unsigned calls0 = atomic_load(&h->calls);
  int fd = svc_raw_open(run_dir, svc, 1024, 65536, 1, NULL);
  netipc_header rh;
  memset(&rh, 0, sizeof rh);
  long n = -1;
  if (fd >= 0 && svc_raw_send(fd, NETIPC_KIND_REQUEST, method, 0, 1, id, p,
                              len) == 0)
    n = svc_raw_recv(fd, &rh, rbuf, sizeof rbuf, RECV_MS);
  is_int(atomic_load(&h->last_add), r->add, "%s: %s (the add reported %s)",
         m, r->what, netipc_err_name(r->add));
  is_uint(rh.transport_status, r->status, "%s: %s -> %s", m, r->what,
          r->status_name);
  ok(n == 0 && rh.kind == NETIPC_KIND_RESPONSE && rh.code == method &&
         rh.message_id == id && rh.flags == 0 && rh.item_count == 1,
     "%s: %s: an empty RESPONSE, code and id echoed (n=%ld)", m, r->what, n);
  ok(fd >= 0 && uds_raw_wait_eof(fd, RECV_MS),
     "%s: %s: then the session is closed", m, r->what);
  is_uint(atomic_load(&h->calls) - calls0, 1, "%s: %s: one handler call", m,
          r->what);
  if (fd >= 0)
    svc_raw_close(fd);
}


static void
test_ok(const char *svc, uint16_t method, fhandler *h)
{
  const char *m = method_name(method);
  uint8_t p[512];
  size_t len = request(method, p, sizeof p);
  atomic_store(&h->mode, FH_OK);
  int fd = svc_raw_open(run_dir, svc, 1024, 65536, 1, NULL);
  netipc_header rh;
  memset(&rh, 0, sizeof rh);
  long n = -1;
  if (fd >= 0 &&
      svc_raw_send(fd, NETIPC_KIND_REQUEST, method, 0, 1, 7, p, len) == 0)
    n = svc_raw_recv(fd, &rh, rbuf, sizeof rbuf, RECV_MS);
  is_uint(rh.transport_status, NETIPC_STATUS_OK, "%s: success -> OK", m);
  ok(n > 0 && rh.code == method && rh.message_id == 7 && rh.flags == 0 &&
         rh.item_count == 1,
     "%s: OK: code and id echoed, flags 0, item_count 1", m);
  ok(n > 0 && answer_ok(method, rbuf + NETIPC_HEADER_LEN, (size_t)n,
                        h->generation),
     "%s: OK: the payload decodes to the handler's 3 items and generation",
     m);
  n = -1;
  if (fd >= 0 &&
      svc_raw_send(fd, NETIPC_KIND_REQUEST, method, 0, 1, 8, p, len) == 0)
    n = svc_raw_recv(fd, &rh, rbuf, sizeof rbuf, RECV_MS);
  ok(n > 0 && rh.transport_status == NETIPC_STATUS_OK && rh.message_id == 8,
     "%s: OK: the session stays open for the next request", m);
  if (fd >= 0)
    svc_raw_close(fd);
}

static void
test_table(uint16_t method)
{
  const char *svc = method == NETIPC_METHOD_APPS_LOOKUP ? "sl-tab-ap"
                                                         : "sl-tab-cg";
  fhandler h;
  memset(&h, 0, sizeof h);
  h.generation = 0xFEEDu + method;
  netipc_server *s = f_server(svc, method, &h);
  test_ok(svc, method, &h);
  for (size_t i = 0; i < NROWS; i++)
    test_row(svc, method, &h, &rows[i], 100 + i);
  ok(svc_wait_sessions(s, 0, 3000), "%s: no session left behind",
     method_name(method));
  netipc_server_destroy(s);
}

/* ---------------------------------------------------------------- */
/* Validation, BATCH, method code                                    */
/* ---------------------------------------------------------------- */

/* Send one message on a fresh raw session; returns the payload length. */
static long
one_shot(const char *svc, uint16_t code, uint16_t flags, uint32_t items,
         uint64_t id, const void *p, size_t len, netipc_header *rh, int *fd)
{
  memset(rh, 0, sizeof *rh);
  *fd = svc_raw_open(run_dir, svc, 1024, 65536, 4, NULL);
  if (*fd < 0 ||
      svc_raw_send(*fd, NETIPC_KIND_REQUEST, code, flags, items, id, p, len) !=
          0)
    return -1;
  return svc_raw_recv(*fd, rh, rbuf, sizeof rbuf, RECV_MS);
}

static void
bad_request(const char *svc, uint16_t method, lkh_state *st, const char *what,
            const uint8_t *p, size_t len)
{
  const char *m = method_name(method);
  unsigned calls0 = atomic_load(&st->calls);
  netipc_header rh;
  int fd;
  long n = one_shot(svc, method, 0, 1, 21, p, len, &rh, &fd);
  ok(n == 0 && rh.transport_status == NETIPC_STATUS_BAD_ENVELOPE &&
         rh.message_id == 21 && rh.code == method,
     "%s: %s: empty BAD_ENVELOPE", m, what);
  ok(fd >= 0 && uds_raw_wait_eof(fd, RECV_MS),
     "%s: %s: then the session is closed", m, what);
  is_uint(atomic_load(&st->calls), calls0, "%s: %s: the handler never ran",
          m, what);
  if (fd >= 0)
    svc_raw_close(fd);
}

static void
test_validation(void)
{
  lkh_state cg, ap;
  lkh_state_init(&cg, 31);
  lkh_state_init(&ap, 32);
  netipc_server *s1 = lkh_server_start(run_dir, "sl-val-cg",
                                       NETIPC_METHOD_CGROUPS_LOOKUP, &cg, 0,
                                       0, 0);
  netipc_server *s2 = lkh_server_start(run_dir, "sl-val-ap",
                                       NETIPC_METHOD_APPS_LOOKUP, &ap, 0, 0,
                                       0);
  uint8_t p[512];
  size_t len = request(NETIPC_METHOD_CGROUPS_LOOKUP, p, sizeof p);
  bad_request("sl-val-cg", NETIPC_METHOD_CGROUPS_LOOKUP, &cg,
              "a 10-byte payload", p, 10);
  p[2] = 1; /* header flags */
  bad_request("sl-val-cg", NETIPC_METHOD_CGROUPS_LOOKUP, &cg,
              "header flags 1", p, len);
  p[2] = 0;
  p[len - 1] = 'x'; /* the last key's NUL */
  bad_request("sl-val-cg", NETIPC_METHOD_CGROUPS_LOOKUP, &cg,
              "the last key without its NUL", p, len);
  len = request(NETIPC_METHOD_APPS_LOOKUP, p, sizeof p);
  p[len - 1] = 1; /* the last key's reserved word */
  bad_request("sl-val-ap", NETIPC_METHOD_APPS_LOOKUP, &ap,
              "a key with reserved != 0", p, len);

  /* BATCH is not split (lookups.md 1): the reference hands a lookup
   * payload sent with BATCH and item_count 1 to the lookup decoder whole
   * and answers it. wire.md 7.2 lets netipc's Level 1 validate a one-item
   * batch directory too, which a lookup payload never passes (its first
   * u32, version 1 | flags 0 << 16, is an unaligned offset 1); the session
   * then ends without a reply (level2.md 9.4 step 2). Either is
   * acceptable; splitting it, or any other answer, is not. */
  netipc_header rh;
  int fd;
  len = request(NETIPC_METHOD_CGROUPS_LOOKUP, p, sizeof p);
  unsigned calls0 = atomic_load(&cg.calls);
  long n = one_shot("sl-val-cg", NETIPC_METHOD_CGROUPS_LOOKUP,
                       NETIPC_FLAG_BATCH, 1, 22, p, len, &rh, &fd);
  int answered = n > 0 && rh.transport_status == NETIPC_STATUS_OK &&
                 rh.message_id == 22 &&
                 answer_ok(NETIPC_METHOD_CGROUPS_LOOKUP,
                           rbuf + NETIPC_HEADER_LEN, (size_t)n, 31) &&
                 atomic_load(&cg.calls) - calls0 == 1;
  int dropped = n == SVC_RAW_EOF && atomic_load(&cg.calls) == calls0;
  diag("BATCH with item_count 1: %s",
       answered  ? "answered as one lookup"
       : dropped ? "session ended without a reply (Level 1 directory check)"
                 : "something else");
  ok(answered || dropped,
     "BATCH, item_count 1, a lookup payload: one whole lookup or no reply");
  if (fd >= 0)
    svc_raw_close(fd);

  /* A real Level 1 batch of two lookup requests: the decoder sees the
   * batch directory as the lookup header and rejects it. */
  uint8_t one[128], batch[512];
  size_t one_len = request(NETIPC_METHOD_CGROUPS_LOOKUP, one, sizeof one);
  netipc_batch_builder bb;
  uint32_t blen = 0, bitems = 0;
  netipc_batch_builder_init(&bb, batch, sizeof batch, 2);
  netipc_batch_builder_add(&bb, one, (uint32_t)one_len);
  netipc_batch_builder_add(&bb, one, (uint32_t)one_len);
  netipc_err berr = netipc_batch_builder_finish(&bb, &blen, &bitems);
  calls0 = atomic_load(&cg.calls);
  n = one_shot("sl-val-cg", NETIPC_METHOD_CGROUPS_LOOKUP, NETIPC_FLAG_BATCH,
               2, 23, batch, blen, &rh, &fd);
  ok(berr == NETIPC_OK && n == 0 &&
         rh.transport_status == NETIPC_STATUS_BAD_ENVELOPE &&
         rh.message_id == 23,
     "a Level 1 batch of two lookup requests is not split: BAD_ENVELOPE");
  ok(fd >= 0 && uds_raw_wait_eof(fd, RECV_MS) &&
         atomic_load(&cg.calls) == calls0,
     "the session closes and the handler never ran");
  if (fd >= 0)
    svc_raw_close(fd);

  /* A wrong method code: UNSUPPORTED, and the session stays open. */
  uint8_t inc[8];
  size_t inc_len = 0;
  netipc_increment_encode(5, inc, sizeof inc, &inc_len);
  calls0 = atomic_load(&ap.calls);
  n = one_shot("sl-val-ap", NETIPC_METHOD_INCREMENT, 0, 1, 24, inc, inc_len,
               &rh, &fd);
  ok(n == 0 && rh.transport_status == NETIPC_STATUS_UNSUPPORTED &&
         rh.code == NETIPC_METHOD_INCREMENT && rh.message_id == 24,
     "INCREMENT to an APPS_LOOKUP server: empty UNSUPPORTED, code echoed");
  len = request(NETIPC_METHOD_CGROUPS_LOOKUP, p, sizeof p);
  n = -1;
  if (fd >= 0 && svc_raw_send(fd, NETIPC_KIND_REQUEST,
                              NETIPC_METHOD_CGROUPS_LOOKUP, 0, 1, 25, p,
                              len) == 0)
    n = svc_raw_recv(fd, &rh, rbuf, sizeof rbuf, RECV_MS);
  ok(n == 0 && rh.transport_status == NETIPC_STATUS_UNSUPPORTED &&
         rh.message_id == 25,
     "CGROUPS_LOOKUP to it: UNSUPPORTED on the same session");
  len = request(NETIPC_METHOD_APPS_LOOKUP, p, sizeof p);
  n = -1;
  if (fd >= 0 &&
      svc_raw_send(fd, NETIPC_KIND_REQUEST, NETIPC_METHOD_APPS_LOOKUP, 0, 1,
                   26, p, len) == 0)
    n = svc_raw_recv(fd, &rh, rbuf, sizeof rbuf, RECV_MS);
  ok(n > 0 && rh.transport_status == NETIPC_STATUS_OK &&
         rh.message_id == 26 &&
         answer_ok(NETIPC_METHOD_APPS_LOOKUP, rbuf + NETIPC_HEADER_LEN,
                   (size_t)n, 32),
     "the session stayed open: its own method is answered");
  is_uint(atomic_load(&ap.calls) - calls0, 1,
          "the handler ran only for its own method");
  if (fd >= 0)
    svc_raw_close(fd);

  ok(svc_wait_sessions(s1, 0, 3000) && svc_wait_sessions(s2, 0, 3000),
     "no session left behind");
  netipc_server_destroy(s1);
  netipc_server_destroy(s2);
  lkh_state_destroy(&cg);
  lkh_state_destroy(&ap);
}

/* ---------------------------------------------------------------- */
/* Placeholders that cannot fit (5.4)                                */
/* ---------------------------------------------------------------- */

#define FIT_N 63u
#define FIT_C (72u * FIT_N + 15u) /* 4551 */

/* A raw APPS_LOOKUP request of FIT_N PIDs against a server of limit rs. */
static long
fit_exchange(const char *svc, const uint32_t *pids, netipc_header *rh,
             int *fd)
{
  static uint8_t p[2048];
  size_t len = 0;
  if (netipc_apps_lookup_req_encode(pids, FIT_N, p, sizeof p, &len) !=
      NETIPC_OK)
    bail_out("cannot encode %u PIDs", FIT_N);
  return one_shot(svc, NETIPC_METHOD_APPS_LOOKUP, 0, 1, 31, p, len, rh, fd);
}

static void
test_placeholders(void)
{
  uint32_t pids[FIT_N];
  for (uint32_t i = 0; i < FIT_N; i++)
    pids[i] = 4000 + i;
  lkh_state st;
  lkh_state_init(&st, 51);
  netipc_server *s = lkh_server_start(run_dir, "sl-fit",
                                      NETIPC_METHOD_APPS_LOOKUP, &st, 0,
                                      FIT_C, 0);
  netipc_header rh;
  int fd;
  long n = fit_exchange("sl-fit", pids, &rh, &fd);
  netipc_lookup_view v;
  int placeholders = n > 0 && rh.transport_status == NETIPC_STATUS_OK &&
                     netipc_apps_lookup_resp_decode(rbuf + NETIPC_HEADER_LEN,
                                                    (size_t)n, &v) ==
                         NETIPC_OK &&
                     v.item_count == FIT_N && (size_t)n == FIT_C;
  for (uint32_t i = 0; placeholders && i < FIT_N; i++) {
    netipc_apps_lookup_item_view it;
    uint16_t want = i == 0 ? NETIPC_APPS_LOOKUP_OVERSIZED_ITEM
                           : NETIPC_APPS_LOOKUP_PAYLOAD_EXCEEDED;
    if (netipc_apps_lookup_resp_item(&v, i, &it) != NETIPC_OK ||
        it.status != want || it.pid != pids[i])
      placeholders = 0;
  }
  ok(placeholders,
     "%u PIDs, response limit %u: OK, exactly %u bytes of placeholders "
     "(OVERSIZED_ITEM, then PAYLOAD_EXCEEDED)",
     FIT_N, FIT_C, FIT_C);
  if (fd >= 0)
    svc_raw_close(fd);
  netipc_server_destroy(s);

  s = lkh_server_start(run_dir, "sl-fit", NETIPC_METHOD_APPS_LOOKUP, &st, 0,
                       FIT_C - 1, 0);
  n = fit_exchange("sl-fit", pids, &rh, &fd);
  ok(n == 0 && rh.transport_status == NETIPC_STATUS_LIMIT_EXCEEDED &&
         rh.message_id == 31,
     "response limit %u: the placeholders cannot fit: empty LIMIT_EXCEEDED",
     FIT_C - 1);
  ok(fd >= 0 && uds_raw_wait_eof(fd, RECV_MS), "then the session closes");
  if (fd >= 0)
    svc_raw_close(fd);

  /* A netipc client: the overflow loop cannot grow a fixed server. */
  netipc_client *c = svc_connected_client(run_dir, "sl-fit",
                                          NETIPC_METHOD_APPS_LOOKUP, 0, 0);
  unsigned calls0 = atomic_load(&st.calls);
  netipc_lookup_view lv;
  is_err(netipc_client_apps_lookup(c, pids, FIT_N, 0, &lv),
         NETIPC_ERR_OVERFLOW, "a netipc client's logical call: OVERFLOW");
  is_uint(atomic_load(&st.calls) - calls0, 1,
          "after one attempt: nothing could grow (level2.md 6.4)");
  netipc_client_destroy(c);

  netipc_client_config cfg;
  svc_client_config(&cfg, run_dir, "sl-fit");
  cfg.max_response_payload_bytes = 4096;
  c = svc_client_new(&cfg, NETIPC_METHOD_APPS_LOOKUP);
  (void)svc_client_connect(c, 5000);
  calls0 = atomic_load(&st.calls);
  is_err(netipc_client_apps_lookup(c, pids, FIT_N, 0, &lv),
         NETIPC_ERR_OVERFLOW,
         "with a 4096-byte response proposal: OVERFLOW too");
  ok(atomic_load(&st.calls) - calls0 == 2 &&
         svc_status(c).response_proposal == 16384,
     "after two attempts: the proposal grew once to 16384, then nothing");
  netipc_client_destroy(c);
  netipc_server_destroy(s);

  /* CGROUPS_LOOKUP: C >= 16 + 8n + R_0; three 5..7-byte paths need 155. */
  netipc_string_view keys[3] = {sv(KEYS[0]), sv(KEYS[1]), sv(KEYS[2])};
  uint64_t r0 = 0;
  for (int i = 2; i >= 0; i--) {
    uint64_t p = 30 + keys[i].len;
    r0 = r0 == 0 ? p : ((p + 7) & ~(uint64_t)7) + r0;
  }
  uint32_t need = (uint32_t)(16 + 8 * 3 + r0);
  uint8_t p[512];
  size_t len = request(NETIPC_METHOD_CGROUPS_LOOKUP, p, sizeof p);
  for (int k = 0; k < 2; k++) {
    uint32_t rs = need - (uint32_t)k;
    s = lkh_server_start(run_dir, "sl-fit-cg", NETIPC_METHOD_CGROUPS_LOOKUP,
                         &st, 0, rs, 0);
    n = one_shot("sl-fit-cg", NETIPC_METHOD_CGROUPS_LOOKUP, 0, 1, 32, p, len,
                 &rh, &fd);
    if (k == 0)
      ok(n == (long)need && rh.transport_status == NETIPC_STATUS_OK,
         "cgroups, 3 keys, response limit %u = 16 + 8n + R_0: OK, %u bytes",
         rs, need);
    else
      ok(n == 0 && rh.transport_status == NETIPC_STATUS_LIMIT_EXCEEDED,
         "cgroups, response limit %u: LIMIT_EXCEEDED", rs);
    if (fd >= 0)
      svc_raw_close(fd);
    netipc_server_destroy(s);
  }
  lkh_state_destroy(&st);
}

/* ---------------------------------------------------------------- */
/* Concurrency                                                       */
/* ---------------------------------------------------------------- */

typedef struct conc {
  const char *svc;
  uint32_t base, n;
  int connected;
  netipc_err err;
  uint32_t bad; /* first wrong item, n when all right */
  svc_task task;
} conc;

static void
conc_main(void *arg)
{
  conc *w = arg;
  netipc_client_config cfg;
  svc_client_config(&cfg, run_dir, w->svc);
  netipc_client *c = svc_client_new(&cfg, NETIPC_METHOD_APPS_LOOKUP);
  w->connected = svc_client_connect(c, 5000);
  uint32_t *pids = malloc(w->n * sizeof *pids);
  w->err = NETIPC_ERR_NOMEM;
  w->bad = 0;
  if (pids != NULL && w->connected) {
    for (uint32_t i = 0; i < w->n; i++)
      pids[i] = w->base + i;
    netipc_lookup_view v;
    w->err = netipc_client_apps_lookup(c, pids, w->n, 0, &v);
    if (w->err == NETIPC_OK)
      w->bad = lkh_apps_first_bad(&v, pids, w->n, 0, UINT32_MAX);
  }
  free(pids);
  netipc_client_destroy(c);
}

/* count clients of svc at once, client i asking for n PIDs from
   step * (i + 1); all of them connected and got right answers. */
static int
run_clients(conc *w, int count, const char *svc, uint32_t step, uint32_t n)
{
  memset(w, 0, sizeof *w * (size_t)count);
  for (int i = 0; i < count; i++) {
    w[i].svc = svc;
    w[i].base = step * (uint32_t)(i + 1);
    w[i].n = n;
  }
  for (int i = 0; i < count; i++)
    svc_task_start(&w[i].task, conc_main, &w[i]);
  int good = 1;
  for (int i = 0; i < count; i++) {
    svc_task_join(&w[i].task, 30000, "a lookup client");
    if (!w[i].connected || w[i].err != NETIPC_OK || w[i].bad != w[i].n)
      good = 0;
  }
  return good;
}

static void
test_concurrency(void)
{
  lkh_state st;
  lkh_state_init(&st, 61);
  atomic_store(&st.rendezvous, 1);
  netipc_server *s = lkh_server_start(run_dir, "sl-conc",
                                      NETIPC_METHOD_APPS_LOOKUP, &st, 0, 0, 0);
  /* One exchange each: both handler calls must be running at once. */
  conc w[4];
  ok(run_clients(w, 2, "sl-conc", 10000, 40),
     "two clients at once both get right answers");
  ok(atomic_load(&st.max_inside) == 2 &&
         atomic_load(&st.rendezvous_missed) == 0 &&
         atomic_load(&st.calls) == 2,
     "their two handler calls ran concurrently (max %u at once, %u calls, "
     "%u waits missed)",
     atomic_load(&st.max_inside), atomic_load(&st.calls),
     atomic_load(&st.rendezvous_missed));

  /* Four clients with many exchanges each. */
  atomic_store(&st.rendezvous, 0);
  unsigned calls0 = atomic_load(&st.calls);
  ok(run_clients(w, 4, "sl-conc", 100000, 3000),
     "four clients of 3000 PIDs at once: all right");
  is_uint(atomic_load(&st.calls) - calls0, 4 * ((3000 + 62) / 63),
          "%u exchanges in all", 4 * ((3000 + 62) / 63));
  netipc_server_destroy(s);
  lkh_state_destroy(&st);
}

/* ---------------------------------------------------------------- */
/* Configuration                                                     */
/* ---------------------------------------------------------------- */

static void
test_config(void)
{
  lkh_state st;
  lkh_state_init(&st, 0);
  netipc_server_config cfg;
  netipc_server *s = NULL;
  svc_server_config(&cfg, run_dir, "sl-cfg", NETIPC_METHOD_CGROUPS_LOOKUP,
                    NULL);
  cfg.apps_lookup = lkh_handler; /* the other method's handler only */
  is_err(netipc_server_create(&cfg, &s), NETIPC_ERR_INVALID_ARG,
         "CGROUPS_LOOKUP without cgroups_lookup: INVALID_ARG");
  svc_server_config(&cfg, run_dir, "sl-cfg", NETIPC_METHOD_APPS_LOOKUP, NULL);
  cfg.cgroups_lookup = lkh_handler;
  is_err(netipc_server_create(&cfg, &s), NETIPC_ERR_INVALID_ARG,
         "APPS_LOOKUP without apps_lookup: INVALID_ARG");
  ok(s == NULL && !svc_sock_exists(run_dir, "sl-cfg"),
     "no server and no endpoint");
  cfg.apps_lookup = lkh_handler;
  cfg.user = &st;
  ok(netipc_server_create(&cfg, &s) == NETIPC_OK && s != NULL,
     "with its handler the same configuration is accepted");
  netipc_server_destroy(s);
  lkh_state_destroy(&st);
}

int
main(void)
{
  svc_alarm();
  tp_rundir_make(run_dir, sizeof run_dir, "l2-slookup");
  plan(PLAN);
  if (svc_raw_supported()) {
    test_table(NETIPC_METHOD_CGROUPS_LOOKUP);
    test_table(NETIPC_METHOD_APPS_LOOKUP);
    test_validation();
    test_placeholders();
  } else {
    skip(RAW_TESTS, "the byte-level clients are raw AF_UNIX");
  }
  test_concurrency();
  test_config();
  is_int(svc_dir_entries(run_dir), 0, "every server cleaned up its files");
  tp_rundir_remove(run_dir);
  return exit_status();
}
