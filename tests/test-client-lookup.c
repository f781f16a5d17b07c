/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-client-lookup.c - the Level 2 client's logical lookup call
 * (lookups.md 7, 8): the checks made before any I/O, the n = 0 exchange,
 * splitting 32768 keys into exactly the exchanges 8.1 asks for, the
 * PAYLOAD_EXCEEDED suffix retry, every per-answer check of 8.3 against a
 * scripted server that answers crafted responses, the item, subcall and
 * response-byte ceilings, one deadline for the whole call, abort, keys too
 * long for any request (8.2), view lifetime, and the same large calls over
 * SHM.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netipc/service.h>

#include "common/alloc.h"
#include "service/client-internal.h" /* the request proposal, for 8.2 */

#include "bytes.h"
#include "lookup-helpers.h"
#include "service-helpers.h"
#include "strview.h"
#include "tap.h"

#define PLAN 199

#define BIG_N 32768u
#define GEN 0x1122334455667788ull
#define CONNECT_MS 5000
#define JOIN_MS 15000
/* One deadline covers a whole logical call: generous for 32768 keys. */
#define BIG_TIMEOUT_MS 120000u

static char run_dir[64];

/* Exchanges 8.1 needs for paths with request limit L (every key fits). */
static unsigned
cg_exchanges(const netipc_string_view *keys, uint32_t n, uint64_t limit)
{
  if (n == 0)
    return 1;
  unsigned ex = 0;
  uint32_t i = 0;
  while (i < n) {
    uint32_t m = 0;
    uint64_t packed = 0; /* end of the packed key area */
    while (i + m < n) {
      uint64_t end = align8(packed) + keys[i + m].len + 1;
      if (16 + 8 * (uint64_t)(m + 1) + end > limit)
        break;
      packed = end;
      m++;
    }
    if (m == 0)
      return 0;
    i += m;
    ex++;
  }
  return ex;
}

/* ceil(n / floor((L - 16) / 16)) for APPS_LOOKUP, 1 for n = 0. */
static unsigned
apps_exchanges(uint32_t n, uint32_t limit)
{
  uint32_t per = (limit - 16) / 16;
  return n == 0 ? 1 : (n + per - 1) / per;
}

static uint32_t *
pids_new(uint32_t n, uint32_t base)
{
  uint32_t *p = malloc((n != 0 ? n : 1) * sizeof *p);
  if (p == NULL)
    bail_out("out of memory");
  for (uint32_t i = 0; i < n; i++)
    p[i] = base + i;
  return p;
}

static netipc_client *
client_with(const char *svc, uint16_t method, uint32_t rq, uint32_t items,
            uint32_t subcalls, uint32_t bytes)
{
  netipc_client_config cfg;
  svc_client_config(&cfg, run_dir, svc);
  cfg.max_request_payload_bytes = rq;
  cfg.max_lookup_items = items;
  cfg.max_lookup_subcalls = subcalls;
  cfg.max_lookup_response_bytes = bytes;
  netipc_client *c = svc_client_new(&cfg, method);
  if (!svc_client_connect(c, CONNECT_MS))
    bail_out("client of %s did not connect", svc);
  return c;
}

static netipc_client *
client_of(const char *svc, uint16_t method)
{
  return client_with(svc, method, 0, 0, 0, 0);
}

/* A view filled with a pattern, to see that a failed call leaves it. */
static void
view_poison(netipc_lookup_view *v)
{
  memset(v, 0x5A, sizeof *v);
}

static int
view_poisoned(const netipc_lookup_view *v)
{
  netipc_lookup_view p;
  view_poison(&p);
  return memcmp(&p, v, sizeof p) == 0;
}

/* ---------------------------------------------------------------- */
/* A scripted Level 1 server answering crafted lookup responses       */
/* ---------------------------------------------------------------- */

typedef enum smode {
  S_KNOWN,       /* every key KNOWN (the derived answers), generation gen */
  S_SPLIT,       /* request 0: key 0 KNOWN, the rest PAYLOAD_EXCEEDED;
                    later requests: all KNOWN under gen2 */
  S_FEWER,       /* one item fewer than keys */
  S_MORE,        /* one item more (the last key twice) */
  S_ECHO_BYTE,   /* item 1 echoes its path with the last byte changed */
  S_ECHO_LEN,    /* item 1 echoes its path one byte short */
  S_ECHO_PID,    /* item 1 echoes pid + 1 */
  S_PE_FIRST,    /* every item PAYLOAD_EXCEEDED */
  S_PE_HOLE,     /* KNOWN, PAYLOAD_EXCEEDED, KNOWN */
  S_TRUNCATED,   /* a 10-byte payload */
  S_MISSING_NUL  /* item 0's path NUL overwritten */
} smode;

#define SCRIPT_REC 16
#define SCRIPT_CAP 65536

typedef struct script {
  /* input */
  const char *svc;
  uint16_t method;
  smode mode;
  uint64_t gen, gen2;
  /* output, read after the client is gone */
  atomic_int conns;
  atomic_int requests;
  size_t req_len[SCRIPT_REC];
  uint32_t req_keys[SCRIPT_REC]; /* UINT32_MAX: did not decode */
  uint16_t req_flags[SCRIPT_REC];
  uint32_t req_items[SCRIPT_REC]; /* outer item_count */
  uint8_t req_head[SCRIPT_REC][16];
  /* private */
  netipc_listener *listener;
  netipc_abort *stop;
  uint8_t out[SCRIPT_CAP];
  svc_task task;
} script;

static netipc_err
put_cg(netipc_lookup_builder *b, netipc_string_view path, uint16_t status)
{
  if (status == NETIPC_CGROUPS_LOOKUP_KNOWN) {
    static lkh_cg_answer a;
    lkh_cg_answer_make(&a, path, 0);
    return netipc_cgroups_lookup_builder_add(b, &a.item);
  }
  netipc_cgroups_lookup_item it;
  memset(&it, 0, sizeof it);
  it.status = status;
  it.path = path;
  return netipc_cgroups_lookup_builder_add(b, &it);
}

static netipc_err
put_apps(netipc_lookup_builder *b, uint32_t pid, uint16_t status)
{
  if (status == NETIPC_APPS_LOOKUP_KNOWN) {
    static lkh_apps_answer a;
    lkh_apps_answer_make(&a, pid, 0);
    return netipc_apps_lookup_builder_add(b, &a.item);
  }
  netipc_apps_lookup_item it;
  lkh_apps_oversized_make(&it, pid);
  it.status = status;
  return netipc_apps_lookup_builder_add(b, &it);
}

/* The crafted answer to request idx; 0 on success. */
static int
script_answer(script *s, int idx, const netipc_lookup_req_view *req,
              size_t *len)
{
  bool apps = s->method == NETIPC_METHOD_APPS_LOOKUP;
  uint16_t pe = apps ? NETIPC_APPS_LOOKUP_PAYLOAD_EXCEEDED
                     : NETIPC_CGROUPS_LOOKUP_PAYLOAD_EXCEEDED;
  uint32_t m = req->item_count, items = m;
  if (s->mode == S_TRUNCATED) {
    memset(s->out, 0, 10);
    s->out[0] = 1;
    *len = 10;
    return 0;
  }
  if (s->mode == S_FEWER && m > 0)
    items = m - 1;
  if (s->mode == S_MORE)
    items = m + 1;
  netipc_lookup_builder b;
  if (netipc_lookup_builder_init_slots(&b, s->method, s->out, sizeof s->out,
                                       items) != NETIPC_OK)
    return -1;
  netipc_lookup_builder_set_generation(
      &b, s->mode == S_SPLIT && idx > 0 ? s->gen2 : s->gen);
  for (uint32_t i = 0; i < items; i++) {
    uint32_t k = i < m ? i : m - 1;
    uint16_t status = 0; /* KNOWN in both methods */
    if ((s->mode == S_SPLIT && idx == 0 && i > 0) || s->mode == S_PE_FIRST ||
        (s->mode == S_PE_HOLE && i == 1))
      status = pe;
    netipc_err err;
    if (apps) {
      uint32_t pid;
      if (netipc_apps_lookup_req_pid(req, k, &pid) != NETIPC_OK)
        return -1;
      if (s->mode == S_ECHO_PID && i == 1)
        pid++;
      err = put_apps(&b, pid, status);
    } else {
      netipc_string_view path;
      char copy[256];
      if (netipc_cgroups_lookup_req_path(req, k, &path) != NETIPC_OK ||
          path.len >= sizeof copy)
        return -1;
      memcpy(copy, path.ptr, path.len);
      if (s->mode == S_ECHO_BYTE && i == 1)
        copy[path.len - 1] = copy[path.len - 1] == 'Z' ? 'Y' : 'Z';
      if (s->mode == S_ECHO_LEN && i == 1 && path.len > 1)
        path.len--;
      path.ptr = copy;
      err = put_cg(&b, path, status);
    }
    if (err != NETIPC_OK)
      return -1;
  }
  if (netipc_lookup_builder_finish(&b, len) != NETIPC_OK)
    return -1;
  if (s->mode == S_MISSING_NUL && !apps && m > 0) {
    /* Item 0 starts the packed area; its path is at 28, NUL after it. */
    netipc_string_view path;
    (void)netipc_cgroups_lookup_req_path(req, 0, &path);
    s->out[16 + 8 * (size_t)items + 28 + path.len] = 'X';
  }
  return 0;
}

static void
script_serve(script *s, netipc_session *ss)
{
  for (;;) {
    netipc_header h;
    const void *payload;
    size_t len, out_len = 0;
    if (netipc_session_receive(ss, 0, s->stop, &h, &payload, &len) !=
        NETIPC_OK)
      return;
    int idx = atomic_load(&s->requests);
    netipc_lookup_req_view req;
    netipc_err err =
        s->method == NETIPC_METHOD_APPS_LOOKUP
            ? netipc_apps_lookup_req_decode(payload, len, &req)
            : netipc_cgroups_lookup_req_decode(payload, len, &req);
    if (idx < SCRIPT_REC) {
      s->req_len[idx] = len;
      s->req_keys[idx] = err == NETIPC_OK ? req.item_count : UINT32_MAX;
      s->req_flags[idx] = h.flags;
      s->req_items[idx] = h.item_count;
      memcpy(s->req_head[idx], payload, len < 16 ? len : 16);
    }
    atomic_fetch_add(&s->requests, 1);
    if (err != NETIPC_OK || script_answer(s, idx, &req, &out_len) != 0)
      return;
    netipc_header out;
    netipc_header_init(&out, NETIPC_KIND_RESPONSE, h.code, h.message_id);
    if (netipc_session_send(ss, &out, s->out, out_len) != NETIPC_OK)
      return;
  }
}

static void
script_main(void *arg)
{
  script *s = arg;
  while (!netipc_abort_is_signalled(s->stop)) {
    netipc_session *ss = NULL;
    if (netipc_listener_accept(s->listener, 100, s->stop, &ss) != NETIPC_OK)
      continue;
    atomic_fetch_add(&s->conns, 1);
    script_serve(s, ss);
    netipc_session_destroy(ss);
  }
}

static script *
script_start(const char *svc, uint16_t method, smode mode, uint64_t gen,
             uint64_t gen2)
{
  script *s = calloc(1, sizeof *s);
  if (s == NULL)
    bail_out("out of memory");
  s->svc = svc;
  s->method = method;
  s->mode = mode;
  s->gen = gen;
  s->gen2 = gen2;
  netipc_transport_config t;
  tp_transport_config(&t, run_dir, svc);
  t.max_request_payload_bytes = NETIPC_SERVER_REQUEST_DEFAULT;
  t.max_response_payload_bytes = NETIPC_SERVER_RESPONSE_DEFAULT;
  if (netipc_abort_create(&s->stop) != NETIPC_OK ||
      netipc_listener_create(&t, &s->listener) != NETIPC_OK)
    bail_out("scripted server %s", svc);
  svc_task_start(&s->task, script_main, s);
  return s;
}

static void
script_stop(script *s)
{
  netipc_abort_signal(s->stop);
  svc_task_join(&s->task, JOIN_MS, "scripted server");
  netipc_listener_destroy(s->listener);
  netipc_abort_destroy(s->stop);
  s->listener = NULL;
  s->stop = NULL;
}

/* ---------------------------------------------------------------- */
/* Before any I/O                                                    */
/* ---------------------------------------------------------------- */

static void
test_not_ready(void)
{
  script *s = script_start("cl-nr", NETIPC_METHOD_CGROUPS_LOOKUP, S_KNOWN,
                           GEN, GEN);
  netipc_client_config cfg;
  svc_client_config(&cfg, run_dir, "cl-nr");
  netipc_client *c = svc_client_new(&cfg, NETIPC_METHOD_CGROUPS_LOOKUP);
  netipc_string_view keys[2] = {sv("/a"), sv("/b")};
  netipc_lookup_view v;
  view_poison(&v);
  is_err(netipc_client_cgroups_lookup(c, keys, 2, 0, &v), NETIPC_ERR_NOT_READY,
         "cgroups lookup before connecting: NOT_READY");
  netipc_client_status st = svc_status(c);
  is_uint(st.error_count, 1, "counted as an error");
  ok(st.state == NETIPC_CLIENT_DISCONNECTED && st.call_count == 0,
     "still DISCONNECTED, no exchange counted");
  ok(view_poisoned(&v), "no view returned");
  netipc_client_destroy(c);

  c = svc_client_new(&cfg, NETIPC_METHOD_APPS_LOOKUP);
  uint32_t pids[1] = {1};
  is_err(netipc_client_apps_lookup(c, pids, 1, 0, &v), NETIPC_ERR_NOT_READY,
         "apps lookup before connecting: NOT_READY");
  is_err(netipc_client_apps_lookup(c, pids, 0, 0, &v), NETIPC_ERR_NOT_READY,
         "even with n = 0");
  is_uint(svc_status(c).error_count, 2, "both counted");
  netipc_client_destroy(c);
  tp_sleep_ms(50);
  ok(atomic_load(&s->conns) == 0 && atomic_load(&s->requests) == 0,
     "the server saw no connection and no request");
  script_stop(s);
  free(s);
}

/* A call with an invalid path on a fresh context: BAD_LAYOUT, no I/O. */
static void
bad_path(lkh_state *st, const char *svc, const netipc_string_view *keys,
         size_t n, const char *what)
{
  netipc_client *c = client_of(svc, NETIPC_METHOD_CGROUPS_LOOKUP);
  unsigned before = atomic_load(&st->calls);
  netipc_lookup_view v;
  view_poison(&v);
  is_err(netipc_client_cgroups_lookup(c, keys, n, 0, &v),
         NETIPC_ERR_BAD_LAYOUT, "%s: BAD_LAYOUT", what);
  netipc_client_status cs = svc_status(c);
  ok(cs.call_count == 0 && atomic_load(&st->calls) == before &&
         cs.error_count == 1 && cs.state == NETIPC_CLIENT_READY &&
         view_poisoned(&v),
     "%s: judged before any I/O (no request, no view, one error, READY)",
     what);
  netipc_client_destroy(c);
}

static void
test_bad_args(lkh_state *st, const char *cg_svc, const char *apps_svc)
{
  netipc_client *cg = client_of(cg_svc, NETIPC_METHOD_CGROUPS_LOOKUP);
  netipc_client *ap = client_of(apps_svc, NETIPC_METHOD_APPS_LOOKUP);
  netipc_string_view keys[2] = {sv("/a"), sv("/b")};
  uint32_t pids[2] = {1, 2};
  netipc_lookup_view v;
  unsigned before = atomic_load(&st->calls);
  is_err(netipc_client_cgroups_lookup(ap, keys, 2, 0, &v),
         NETIPC_ERR_INVALID_ARG, "cgroups lookup on an APPS_LOOKUP context");
  is_err(netipc_client_apps_lookup(cg, pids, 2, 0, &v),
         NETIPC_ERR_INVALID_ARG, "apps lookup on a CGROUPS_LOOKUP context");
  is_err(netipc_client_cgroups_lookup(cg, keys, 2, 0, NULL),
         NETIPC_ERR_INVALID_ARG, "cgroups lookup without a view");
  is_err(netipc_client_apps_lookup(ap, pids, 2, 0, NULL),
         NETIPC_ERR_INVALID_ARG, "apps lookup without a view");
  is_err(netipc_client_cgroups_lookup(cg, NULL, 1, 0, &v),
         NETIPC_ERR_INVALID_ARG, "NULL paths with n = 1");
  is_err(netipc_client_apps_lookup(ap, NULL, 3, 0, &v),
         NETIPC_ERR_INVALID_ARG, "NULL pids with n = 3");
  is_err(netipc_client_cgroups_lookup(NULL, keys, 2, 0, &v),
         NETIPC_ERR_INVALID_ARG, "NULL context");
  netipc_string_view nullptr_key[2] = {sv("/a"), {NULL, 3}};
  is_err(netipc_client_cgroups_lookup(cg, nullptr_key, 2, 0, &v),
         NETIPC_ERR_INVALID_ARG, "a path with a NULL pointer and length 3");

  is_uint(atomic_load(&st->calls), before,
          "the server saw none of these requests");
  ok(netipc_client_ready(cg) && netipc_client_ready(ap),
     "both contexts are still READY");

  /* Invalid paths: judged before any I/O, even after good keys. */
  netipc_string_view empty_key[3] = {sv("/a"), sv("/b"), {"", 0}};
  bad_path(st, cg_svc, empty_key, 3, "an empty third path");
  netipc_string_view nul_key[2] = {sv("/a"), {"/b\0c", 4}};
  bad_path(st, cg_svc, nul_key, 2, "a path with a NUL inside");
  netipc_string_view *many = lkh_paths_new(200);
  netipc_string_view keep = many[199];
  many[199].len = 0;
  is_uint(cg_exchanges(many, 199, NETIPC_CLIENT_REQUEST_DEFAULT) > 1, 1,
          "199 good paths need several requests");
  bad_path(st, cg_svc, many, 200, "an empty 200th path");
  many[199] = keep;
  lkh_paths_free(many, 200);
  netipc_client_destroy(cg);
  netipc_client_destroy(ap);
}

static void
test_item_ceiling(lkh_state *st, const char *svc)
{
  netipc_client *c = client_with(svc, NETIPC_METHOD_APPS_LOOKUP, 0, 10, 0, 0);
  uint32_t *pids = pids_new(NETIPC_LOOKUP_MAX_ITEMS_DEFAULT + 1, 5000);
  netipc_lookup_view v;
  unsigned before = atomic_load(&st->calls);
  view_poison(&v);
  is_err(netipc_client_apps_lookup(c, pids, 11, 0, &v), NETIPC_ERR_OVERFLOW,
         "11 keys over a ceiling of 10: OVERFLOW");
  ok(view_poisoned(&v) && svc_status(c).call_count == 0 &&
         atomic_load(&st->calls) == before,
     "no view, no exchange");
  ok(netipc_client_apps_lookup(c, pids, 10, 0, &v) == NETIPC_OK &&
         lkh_apps_first_bad(&v, pids, 10, 0, UINT32_MAX) == 10,
     "exactly 10 keys: answered");
  netipc_client_destroy(c);

  c = client_of(svc, NETIPC_METHOD_APPS_LOOKUP);
  before = atomic_load(&st->calls);
  is_err(netipc_client_apps_lookup(c, pids, NETIPC_LOOKUP_MAX_ITEMS_DEFAULT + 1,
                                   0, &v),
         NETIPC_ERR_OVERFLOW, "65537 keys over the default ceiling: OVERFLOW");
  ok(svc_status(c).call_count == 0 && svc_status(c).error_count == 1 &&
         atomic_load(&st->calls) == before,
     "no exchange, counted as an error");
  netipc_client_destroy(c);
  free(pids);
}

/* ---------------------------------------------------------------- */
/* n = 0                                                             */
/* ---------------------------------------------------------------- */

static void
test_zero_keys(uint16_t method, const char *svc)
{
  const char *what =
      method == NETIPC_METHOD_APPS_LOOKUP ? "apps" : "cgroups";
  script *s = script_start(svc, method, S_KNOWN, GEN, GEN);
  netipc_client *c = client_of(svc, method);
  netipc_lookup_view v;
  netipc_err err = method == NETIPC_METHOD_APPS_LOOKUP
                       ? netipc_client_apps_lookup(c, NULL, 0, 0, &v)
                       : netipc_client_cgroups_lookup(c, NULL, 0, 0, &v);
  is_err(err, NETIPC_OK, "%s n = 0: OK", what);
  ok(err == NETIPC_OK && v.item_count == 0 && v.generation == GEN &&
         v.payload_len == 16,
     "%s n = 0: no items, the server's generation, a 16-byte payload", what);
  is_uint(svc_status(c).call_count, 1, "%s n = 0: one exchange counted",
          what);
  netipc_client_destroy(c);
  script_stop(s);
  static const uint8_t empty[16] = {1};
  ok(atomic_load(&s->requests) == 1 && s->req_len[0] == 16 &&
         memcmp(s->req_head[0], empty, 16) == 0 && s->req_keys[0] == 0,
     "%s n = 0: exactly one request, the canonical 16 bytes", what);
  ok((s->req_flags[0] & NETIPC_FLAG_BATCH) == 0 && s->req_items[0] == 1,
     "%s n = 0: an ordinary REQUEST (no BATCH, item_count 1)", what);
  free(s);
}

/* ---------------------------------------------------------------- */
/* 32768 keys against a managed server                               */
/* ---------------------------------------------------------------- */

/* 5 checks: BIG_N keys of the method over c (over names the transport)
   against the managed server whose state is st. */
static void
big_call(lkh_state *st, const char *svc, netipc_client *c, const char *over,
         uint16_t method)
{
  int apps = method == NETIPC_METHOD_APPS_LOOKUP;
  netipc_string_view *keys = apps ? NULL : lkh_paths_new(BIG_N);
  uint32_t *pids = apps ? pids_new(BIG_N, 100000) : NULL;
  unsigned want = apps ? apps_exchanges(BIG_N, NETIPC_CLIENT_REQUEST_DEFAULT)
                       : cg_exchanges(keys, BIG_N,
                                      NETIPC_CLIENT_REQUEST_DEFAULT);
  uint32_t calls0 = svc_status(c).call_count;
  unsigned handler0 = atomic_load(&st->calls), keys0 = atomic_load(&st->keys);
  netipc_lookup_view v;
  netipc_err err =
      apps ? netipc_client_apps_lookup(c, pids, BIG_N, BIG_TIMEOUT_MS, &v)
           : netipc_client_cgroups_lookup(c, keys, BIG_N, BIG_TIMEOUT_MS, &v);
  is_err(err, NETIPC_OK, "%s: %u %s (%s)", over, BIG_N,
         apps ? "PIDs" : "cgroup paths", svc);
  uint32_t bad = 0;
  if (err == NETIPC_OK)
    bad = apps ? lkh_apps_first_bad(&v, pids, BIG_N, 0, UINT32_MAX)
               : lkh_cg_first_bad(&v, keys, BIG_N, 0, UINT32_MAX);
  is_uint(bad, BIG_N, "%s: every item in order with its derived answer",
          over);
  ok(err == NETIPC_OK && v.generation == st->generation && v.method == method,
     "%s: the server's generation", over);
  if (apps)
    is_uint(svc_status(c).call_count - calls0, want,
            "%s: %u exchanges = ceil(%u / 63)", over, want, BIG_N);
  else
    is_uint(svc_status(c).call_count - calls0, want,
            "%s: %u exchanges, as 8.1 splits them", over, want);
  ok(atomic_load(&st->calls) - handler0 == want &&
         atomic_load(&st->keys) - keys0 == BIG_N,
     "%s: the server answered %u requests holding each key once", over,
     want);
  if (apps)
    free(pids);
  else
    lkh_paths_free(keys, BIG_N);
}

static void
test_big(lkh_state *cgs, const char *cg_svc, lkh_state *aps,
         const char *apps_svc)
{
  netipc_client *c = client_of(cg_svc, NETIPC_METHOD_CGROUPS_LOOKUP);
  big_call(cgs, cg_svc, c, "UDS", NETIPC_METHOD_CGROUPS_LOOKUP);
  netipc_client_destroy(c);
  c = client_of(apps_svc, NETIPC_METHOD_APPS_LOOKUP);
  big_call(aps, apps_svc, c, "UDS", NETIPC_METHOD_APPS_LOOKUP);
  netipc_client_destroy(c);
}

/* ---------------------------------------------------------------- */
/* The PAYLOAD_EXCEEDED suffix retry                                 */
/* ---------------------------------------------------------------- */

#define SUFFIX_N 8u
#define SUFFIX_RS 1024u
#define SUFFIX_PAD 180u
#define SUFFIX_OVER 5u /* the key the handler answers OVERSIZED_ITEM */

/*
 * The records of one call: request j+1 starts at the first
 * PAYLOAD_EXCEEDED key of answer j and carries every remaining key; the
 * last answer has no suffix; every key is answered exactly once.
 */
static void
check_suffix_records(lkh_state *st, uint32_t calls, const char *what,
                     int (*first_is)(const lkh_record *r, uint32_t index))
{
  uint32_t nrec = lkh_record_count(st);
  uint32_t start = 0, answered = 0, suffixes = 0;
  int chain = nrec == calls && nrec >= 2;
  for (uint32_t j = 0; chain && j < nrec; j++) {
    lkh_record r = lkh_record_get(st, j);
    if (r.count != SUFFIX_N - start || !first_is(&r, start))
      chain = 0;
    if (r.exceeded_at < r.count)
      suffixes++;
    if (j + 1 == nrec && r.exceeded_at != r.count)
      chain = 0;
    answered += r.exceeded_at;
    start += r.exceeded_at;
  }
  diag("%s: %u exchanges, %u with a PAYLOAD_EXCEEDED suffix", what, nrec,
       suffixes);
  ok(chain && suffixes >= 1,
     "%s: each resend starts at the first PAYLOAD_EXCEEDED key", what);
  is_uint(answered, SUFFIX_N, "%s: every key answered exactly once", what);
}

static netipc_string_view *suffix_keys;

static int
cg_first_is(const lkh_record *r, uint32_t index)
{
  netipc_string_view k = suffix_keys[index];
  return strlen(r->first_path) == k.len &&
         memcmp(r->first_path, k.ptr, k.len) == 0;
}

static int
apps_first_is(const lkh_record *r, uint32_t index)
{
  return r->first_pid == 7000 + index;
}

/* 6 checks: SUFFIX_N keys of the method with large answers, response
   limit SUFFIX_RS, the handler answering key SUFFIX_OVER OVERSIZED_ITEM. */
static void
suffix_run(uint16_t method, uint64_t gen)
{
  int apps = method == NETIPC_METHOD_APPS_LOOKUP;
  const char *what = apps ? "apps" : "cgroups";
  uint32_t *pids = NULL;
  lkh_state st;
  lkh_state_init(&st, gen);
  atomic_store(&st.name_pad, SUFFIX_PAD);
  if (apps) {
    atomic_store(&st.oversized_pid, 7000 + SUFFIX_OVER);
    pids = pids_new(SUFFIX_N, 7000);
  } else {
    suffix_keys = lkh_paths_new(SUFFIX_N);
    memcpy(st.oversized_path, suffix_keys[SUFFIX_OVER].ptr,
           suffix_keys[SUFFIX_OVER].len);
  }
  netipc_server *s =
      lkh_server_start(run_dir, "cl-sfx", method, &st, 0, SUFFIX_RS, 0);
  netipc_client *c = client_of("cl-sfx", method);
  netipc_lookup_view v;
  netipc_err err =
      apps ? netipc_client_apps_lookup(c, pids, SUFFIX_N, 0, &v)
           : netipc_client_cgroups_lookup(c, suffix_keys, SUFFIX_N, 0, &v);
  is_err(err, NETIPC_OK, "%s, response limit %u, large items: OK", what,
         SUFFIX_RS);
  uint32_t good = 0;
  if (err == NETIPC_OK)
    good = apps ? lkh_apps_first_bad(&v, pids, SUFFIX_N, SUFFIX_PAD,
                                     SUFFIX_OVER)
                : lkh_cg_first_bad(&v, suffix_keys, SUFFIX_N, SUFFIX_PAD,
                                   SUFFIX_OVER);
  is_uint(good, SUFFIX_N,
          "%s: complete, in order, the handler's OVERSIZED_ITEM kept", what);
  ok(err == NETIPC_OK && v.generation == gen, "%s: generation %llu", what,
     (unsigned long long)gen);
  uint32_t calls = svc_status(c).call_count;
  is_uint(atomic_load(&st.calls), calls, "%s: one handler call per exchange",
          what);
  check_suffix_records(&st, calls, what, apps ? apps_first_is : cg_first_is);
  netipc_client_destroy(c);
  netipc_server_destroy(s);
  lkh_state_destroy(&st);
  if (apps)
    free(pids);
  else
    lkh_paths_free(suffix_keys, SUFFIX_N);
}

static void
test_suffix(void)
{
  suffix_run(NETIPC_METHOD_CGROUPS_LOOKUP, 42);
  suffix_run(NETIPC_METHOD_APPS_LOOKUP, 43);
}

/* A handler OVERSIZED_ITEM in one exchange: delivered, never asked again. */
static void
test_handler_oversized(void)
{
  lkh_state st;
  lkh_state_init(&st, 9);
  strcpy(st.oversized_path, "/cg/b");
  netipc_server *s = lkh_server_start(
      run_dir, "cl-ovs", NETIPC_METHOD_CGROUPS_LOOKUP, &st, 0, 0, 0);
  netipc_client *c = client_of("cl-ovs", NETIPC_METHOD_CGROUPS_LOOKUP);
  netipc_string_view keys[3] = {sv("/cg/a"), sv("/cg/b"), sv("/cg/c")};
  netipc_lookup_view v;
  netipc_err err = netipc_client_cgroups_lookup(c, keys, 3, 0, &v);
  ok(err == NETIPC_OK && lkh_cg_first_bad(&v, keys, 3, 0, 1) == 3,
     "KNOWN, OVERSIZED_ITEM (handler's), KNOWN arrive unchanged");
  ok(svc_status(c).call_count == 1 && atomic_load(&st.calls) == 1,
     "in one exchange: the OVERSIZED_ITEM is not retried");
  netipc_client_destroy(c);
  netipc_server_destroy(s);
  lkh_state_destroy(&st);
}

/* ---------------------------------------------------------------- */
/* Crafted answers (8.3)                                             */
/* ---------------------------------------------------------------- */

typedef struct crafted {
  const char *what;
  uint16_t method;
  smode mode;
  uint64_t gen2;
  netipc_err want;
  int requests; /* the server must see exactly this many */
} crafted;

static const crafted crafted_cases[] = {
    {"generation differs between exchanges", NETIPC_METHOD_CGROUPS_LOOKUP,
     S_SPLIT, GEN + 1, NETIPC_ERR_BAD_LAYOUT, 2},
    {"one item fewer than keys", NETIPC_METHOD_CGROUPS_LOOKUP, S_FEWER, GEN,
     NETIPC_ERR_BAD_ITEM_COUNT, 1},
    {"one item more than keys", NETIPC_METHOD_CGROUPS_LOOKUP, S_MORE, GEN,
     NETIPC_ERR_BAD_ITEM_COUNT, 1},
    {"apps: one item fewer than keys", NETIPC_METHOD_APPS_LOOKUP, S_FEWER,
     GEN, NETIPC_ERR_BAD_ITEM_COUNT, 1},
    {"item 1 echoes a path with another last byte",
     NETIPC_METHOD_CGROUPS_LOOKUP, S_ECHO_BYTE, GEN, NETIPC_ERR_BAD_LAYOUT, 1},
    {"item 1 echoes a path one byte short", NETIPC_METHOD_CGROUPS_LOOKUP,
     S_ECHO_LEN, GEN, NETIPC_ERR_BAD_LAYOUT, 1},
    {"apps: item 1 echoes another pid", NETIPC_METHOD_APPS_LOOKUP, S_ECHO_PID,
     GEN, NETIPC_ERR_BAD_LAYOUT, 1},
    {"PAYLOAD_EXCEEDED at item 0", NETIPC_METHOD_CGROUPS_LOOKUP, S_PE_FIRST,
     GEN, NETIPC_ERR_OVERFLOW, 1},
    {"apps: PAYLOAD_EXCEEDED at item 0", NETIPC_METHOD_APPS_LOOKUP,
     S_PE_FIRST, GEN, NETIPC_ERR_OVERFLOW, 1},
    {"KNOWN after PAYLOAD_EXCEEDED", NETIPC_METHOD_CGROUPS_LOOKUP, S_PE_HOLE,
     GEN, NETIPC_ERR_BAD_LAYOUT, 1},
    {"apps: KNOWN after PAYLOAD_EXCEEDED", NETIPC_METHOD_APPS_LOOKUP,
     S_PE_HOLE, GEN, NETIPC_ERR_BAD_LAYOUT, 1},
    {"a 10-byte answer", NETIPC_METHOD_CGROUPS_LOOKUP, S_TRUNCATED, GEN,
     NETIPC_ERR_TRUNCATED, 1},
    {"apps: a 10-byte answer", NETIPC_METHOD_APPS_LOOKUP, S_TRUNCATED, GEN,
     NETIPC_ERR_TRUNCATED, 1},
    {"item 0's path without its NUL", NETIPC_METHOD_CGROUPS_LOOKUP,
     S_MISSING_NUL, GEN, NETIPC_ERR_MISSING_NUL, 1},
};
#define NCRAFTED (sizeof crafted_cases / sizeof crafted_cases[0])

static void
test_crafted_one(const crafted *k, int index)
{
  char svc[32];
  snprintf(svc, sizeof svc, "cl-craft%02d", index);
  script *s = script_start(svc, k->method, k->mode, GEN, k->gen2);
  netipc_client *c = client_of(svc, k->method);
  netipc_string_view keys[3] = {sv("/cg/a"), sv("/cg/bb"), sv("/cg/ccc")};
  uint32_t pids[3] = {11, 22, 33};
  netipc_lookup_view v;
  view_poison(&v);
  uint32_t errors0 = svc_status(c).error_count;
  netipc_err err = k->method == NETIPC_METHOD_APPS_LOOKUP
                       ? netipc_client_apps_lookup(c, pids, 3, 0, &v)
                       : netipc_client_cgroups_lookup(c, keys, 3, 0, &v);
  is_err(err, k->want, "%s: %s", k->what, netipc_err_name(k->want));
  ok(view_poisoned(&v), "%s: no view returned", k->what);
  netipc_client_status st = svc_status(c);
  is_uint(st.error_count, errors0 + 1, "%s: counted as one error", k->what);
  if (k->want == NETIPC_ERR_OVERFLOW)
    diag("%s: the client state afterwards is %s", k->what,
         netipc_client_state_name(st.state));
  else
    ok(st.state != NETIPC_CLIENT_READY,
       "%s: the session was closed (state %s)", k->what,
       netipc_client_state_name(st.state));
  netipc_client_destroy(c);
  script_stop(s);
  ok(atomic_load(&s->requests) == k->requests && atomic_load(&s->conns) == 1,
     "%s: the server saw %d request(s) on one connection (not retried)",
     k->what, k->requests);
  free(s);
}

static void
test_crafted(void)
{
  /* First the control: a correct split answer is accepted and stitched. */
  script *s = script_start("cl-split", NETIPC_METHOD_CGROUPS_LOOKUP, S_SPLIT,
                           GEN, GEN);
  netipc_client *c = client_of("cl-split", NETIPC_METHOD_CGROUPS_LOOKUP);
  netipc_string_view keys[3] = {sv("/cg/a"), sv("/cg/bb"), sv("/cg/ccc")};
  netipc_lookup_view v;
  netipc_err err = netipc_client_cgroups_lookup(c, keys, 3, 0, &v);
  is_err(err, NETIPC_OK, "scripted split answer with one generation: OK");
  ok(err == NETIPC_OK && lkh_cg_first_bad(&v, keys, 3, 0, UINT32_MAX) == 3 &&
         v.generation == GEN,
     "three KNOWN items in order under the generation");
  ok(netipc_client_ready(c) && svc_status(c).call_count == 2,
     "two exchanges, the session still READY");
  netipc_client_destroy(c);
  script_stop(s);
  ok(atomic_load(&s->requests) == 2 && s->req_keys[0] == 3 &&
         s->req_keys[1] == 2,
     "the second request resent keys 1 and 2");
  free(s);
  for (size_t i = 0; i < NCRAFTED; i++)
    test_crafted_one(&crafted_cases[i], (int)i);
}

/* ---------------------------------------------------------------- */
/* Ceilings                                                          */
/* ---------------------------------------------------------------- */

#define CEIL_N 127u /* 3 exchanges of 63, 63, 1 */

static void
test_ceilings(lkh_state *st, const char *svc)
{
  uint32_t *pids = pids_new(CEIL_N, 300);
  netipc_lookup_view v;
  unsigned want = apps_exchanges(CEIL_N, NETIPC_CLIENT_REQUEST_DEFAULT);
  is_uint(want, 3, "%u PIDs need 3 exchanges", CEIL_N);

  netipc_client *c = client_with(svc, NETIPC_METHOD_APPS_LOOKUP, 0, 0, 3, 0);
  unsigned calls0 = atomic_load(&st->calls);
  netipc_err err = netipc_client_apps_lookup(c, pids, CEIL_N, 0, &v);
  ok(err == NETIPC_OK && lkh_apps_first_bad(&v, pids, CEIL_N, 0,
                                            UINT32_MAX) == CEIL_N,
     "subcall ceiling 3: the 3-exchange call succeeds");
  size_t stitched = err == NETIPC_OK ? v.payload_len : 0;
  ok(atomic_load(&st->calls) - calls0 == 3, "in 3 exchanges");
  netipc_client_destroy(c);

  c = client_with(svc, NETIPC_METHOD_APPS_LOOKUP, 0, 0, 2, 0);
  calls0 = atomic_load(&st->calls);
  view_poison(&v);
  is_err(netipc_client_apps_lookup(c, pids, CEIL_N, 0, &v),
         NETIPC_ERR_OVERFLOW, "subcall ceiling 2: OVERFLOW");
  ok(svc_status(c).call_count == 2 && atomic_load(&st->calls) - calls0 == 2,
     "after exactly 2 exchanges");
  ok(view_poisoned(&v), "no view returned");
  netipc_client_destroy(c);

  /* The stitched size: exactly at the ceiling passes, one byte less not. */
  c = client_with(svc, NETIPC_METHOD_APPS_LOOKUP, 0, 0, 0, (uint32_t)stitched);
  ok(netipc_client_apps_lookup(c, pids, CEIL_N, 0, &v) == NETIPC_OK &&
         v.payload_len == stitched,
     "response ceiling = the stitched size (%zu): OK", stitched);
  netipc_client_destroy(c);
  c = client_with(svc, NETIPC_METHOD_APPS_LOOKUP, 0, 0, 0,
                  (uint32_t)stitched - 1);
  calls0 = atomic_load(&st->calls);
  view_poison(&v);
  is_err(netipc_client_apps_lookup(c, pids, CEIL_N, 0, &v),
         NETIPC_ERR_OVERFLOW, "response ceiling one byte below: OVERFLOW");
  ok(svc_status(c).call_count == 3 && atomic_load(&st->calls) - calls0 == 3,
     "judged after every exchange: the server saw all 3");
  ok(view_poisoned(&v), "no view returned");
  netipc_client_destroy(c);

  /* A small ceiling with a small call: also checked after all exchanges. */
  c = client_with(svc, NETIPC_METHOD_APPS_LOOKUP, 0, 0, 0, 200);
  calls0 = atomic_load(&st->calls);
  is_err(netipc_client_apps_lookup(c, pids, 64, 0, &v), NETIPC_ERR_OVERFLOW,
         "a 200-byte ceiling, 64 PIDs: OVERFLOW");
  is_uint(atomic_load(&st->calls) - calls0, 2,
          "after both exchanges were made");
  netipc_client_destroy(c);

  /* n = 0: the 16-byte header is the whole stitched result. */
  c = client_with(svc, NETIPC_METHOD_APPS_LOOKUP, 0, 0, 0, 16);
  ok(netipc_client_apps_lookup(c, NULL, 0, 0, &v) == NETIPC_OK &&
         v.payload_len == 16,
     "n = 0 with a 16-byte ceiling: OK");
  netipc_client_destroy(c);
  c = client_with(svc, NETIPC_METHOD_APPS_LOOKUP, 0, 0, 0, 15);
  is_err(netipc_client_apps_lookup(c, NULL, 0, 0, &v), NETIPC_ERR_OVERFLOW,
         "n = 0 with a 15-byte ceiling: OVERFLOW (8.1 step 7)");
  netipc_client_destroy(c);
  free(pids);
}

/* ---------------------------------------------------------------- */
/* One deadline; abort                                               */
/* ---------------------------------------------------------------- */

#define SLOW_MS 300u
#define SLOW_K 3u /* each within the timeout, together not */
#define SLOW_TIMEOUT 700u

static void
test_deadline(void)
{
  lkh_state st;
  lkh_state_init(&st, 5);
  atomic_store(&st.sleep_ms, SLOW_MS);
  netipc_server *s = lkh_server_start(
      run_dir, "cl-slow", NETIPC_METHOD_APPS_LOOKUP, &st, 0, 0, 0);
  netipc_client *c = client_of("cl-slow", NETIPC_METHOD_APPS_LOOKUP);
  uint32_t n = 63 * SLOW_K;
  uint32_t *pids = pids_new(n, 1);
  is_uint(apps_exchanges(n, NETIPC_CLIENT_REQUEST_DEFAULT), SLOW_K,
          "%u PIDs need %u exchanges", n, SLOW_K);
  netipc_lookup_view v;
  view_poison(&v);
  uint64_t t0 = tp_now_ms();
  netipc_err err = netipc_client_apps_lookup(c, pids, n, SLOW_TIMEOUT, &v);
  uint64_t took = tp_now_ms() - t0;
  is_err(err, NETIPC_ERR_TIMEOUT,
         "%u exchanges of %u ms each with a %u ms timeout: TIMEOUT", SLOW_K,
         SLOW_MS, SLOW_TIMEOUT);
  ok(took >= SLOW_TIMEOUT - 50 && took < SLOW_K * SLOW_MS,
     "after about the one deadline (%llu ms), well below %u ms",
     (unsigned long long)took, SLOW_K * SLOW_MS);
  ok(view_poisoned(&v), "no view returned");
  ok(svc_wait_count(&st.calls, SLOW_K, 3000), "the last exchange was sent");
  tp_sleep_ms(SLOW_MS + 100);
  is_uint(svc_status(c).call_count, SLOW_K - 1,
          "but only %u exchanges completed", SLOW_K - 1);
  netipc_client_destroy(c);

  /* The context default applies when the call passes 0. */
  c = client_of("cl-slow", NETIPC_METHOD_APPS_LOOKUP);
  netipc_client_set_timeout(c, SLOW_TIMEOUT);
  t0 = tp_now_ms();
  err = netipc_client_apps_lookup(c, pids, n, 0, &v);
  took = tp_now_ms() - t0;
  ok(err == NETIPC_ERR_TIMEOUT && took < SLOW_K * SLOW_MS,
     "with the context default of %u ms: TIMEOUT after %llu ms",
     SLOW_TIMEOUT, (unsigned long long)took);
  netipc_client_destroy(c);
  free(pids);
  netipc_server_destroy(s);
  lkh_state_destroy(&st);
}

static void
test_abort(lkh_state *st, const char *svc)
{
  netipc_client *c = client_of(svc, NETIPC_METHOD_CGROUPS_LOOKUP);
  netipc_string_view keys[2] = {sv("/cg/a"), sv("/cg/b")};
  netipc_lookup_view v;
  unsigned calls0 = atomic_load(&st->calls);
  netipc_client_abort(c);
  view_poison(&v);
  is_err(netipc_client_cgroups_lookup(c, keys, 2, 0, &v), NETIPC_ERR_ABORTED,
         "abort before the call: ABORTED");
  ok(view_poisoned(&v) && atomic_load(&st->calls) == calls0 &&
         svc_status(c).error_count == 1,
     "no request sent, no view, one error counted");
  netipc_client_clear_abort(c);
  if (!netipc_client_ready(c))
    (void)svc_client_connect(c, CONNECT_MS);
  ok(netipc_client_cgroups_lookup(c, keys, 2, 0, &v) == NETIPC_OK &&
         lkh_cg_first_bad(&v, keys, 2, 0, UINT32_MAX) == 2,
     "after clearing the abort the call works");
  netipc_client_destroy(c);
}


/* ---------------------------------------------------------------- */
/* 8.2 with a proposal that grew: reconnect for a larger limit       */
/* ---------------------------------------------------------------- */

#define GROWN_PROPOSAL 2048u
#define LONG_PATH_LEN 1500u /* fits GROWN_PROPOSAL, not the default 1024 */
#define BIG_SERVER_RQ 4096u

/*
 * The agreed request limit equals the proposal of the handshake, so a
 * proposal that grew afterwards (here: set directly) is what makes the
 * client reconnect instead of making the item itself.
 */
static void
grow_case(const char *svc, uint32_t server_rq, int expect_ok)
{
  lkh_state st;
  lkh_state_init(&st, GEN);
  netipc_server *srv = lkh_server_start(run_dir, svc,
                                        NETIPC_METHOD_CGROUPS_LOOKUP, &st,
                                        server_rq, 0, 0);
  netipc_client *c = client_of(svc, NETIPC_METHOD_CGROUPS_LOOKUP);
  static char longp[LONG_PATH_LEN + 1];
  memset(longp, 'L', LONG_PATH_LEN);
  longp[0] = '/';
  netipc_string_view keys[3] = {sv("/cg/a"), {longp, LONG_PATH_LEN},
                                sv("/cg/c")};
  c->tcfg.max_request_payload_bytes = GROWN_PROPOSAL;
  netipc_client_status before = svc_status(c);
  netipc_lookup_view v;
  view_poison(&v);
  netipc_err err = netipc_client_cgroups_lookup(c, keys, 3, 0, &v);
  netipc_client_status after = svc_status(c);
  if (expect_ok) {
    is_err(err, NETIPC_OK, "grown proposal: the call succeeds");
    ok(err == NETIPC_OK && lkh_cg_first_bad(&v, keys, 3, 0, UINT32_MAX) == 3,
       "the long key was answered by the server, not made locally");
    is_uint(after.reconnect_count - before.reconnect_count, 1,
            "after one reconnect");
    is_uint(after.session.max_request_payload_bytes, GROWN_PROPOSAL,
            "at the grown agreed request limit");
  } else {
    is_err(err, NETIPC_ERR_OVERFLOW,
           "grown proposal the server refuses: OVERFLOW");
    ok(view_poisoned(&v) && after.state != NETIPC_CLIENT_READY,
       "no view, the session is gone");
    is_uint(after.error_count - before.error_count, 1, "one error counted");
  }
  netipc_client_destroy(c);
  netipc_server_destroy(srv);
  lkh_state_destroy(&st);
}

static void
test_grow_request(void)
{
  grow_case("cl-grow", BIG_SERVER_RQ, 1);
  grow_case("cl-grow-no", 0, 0); /* server default 1024 < 2048 */
}

/* A local allocation failure (the stitched buffer) is OVERFLOW, no I/O. */
static void
test_alloc_failure(lkh_state *st, const char *svc)
{
  netipc_client *c = client_of(svc, NETIPC_METHOD_APPS_LOOKUP);
  uint32_t pids[2] = {1, 2};
  netipc_lookup_view v;
  unsigned calls0 = atomic_load(&st->calls);
  netipc__alloc_fail_after(1);
  is_err(netipc_client_apps_lookup(c, pids, 2, 0, &v), NETIPC_ERR_OVERFLOW,
         "the stitched buffer cannot be had: OVERFLOW");
  netipc__alloc_fail_after(0);
  ok(atomic_load(&st->calls) == calls0 && netipc_client_ready(c),
     "no request sent, the session kept");
  netipc_client_destroy(c);
}

/* ---------------------------------------------------------------- */
/* Keys too long for any request (8.2)                               */
/* ---------------------------------------------------------------- */

/* The OVERSIZED_ITEM placeholder a server builder writes for path. */
static int
placeholder_same(const netipc_lookup_view *v, uint32_t i,
                 netipc_string_view path)
{
  static uint8_t buf[4096];
  netipc_lookup_builder b;
  netipc_cgroups_lookup_item it;
  memset(&it, 0, sizeof it);
  it.status = NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM;
  it.path = path;
  size_t len;
  netipc_lookup_view ref;
  const void *a, *e;
  uint32_t al, el;
  if (netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_CGROUPS_LOOKUP, buf,
                                       sizeof buf, 1) != NETIPC_OK ||
      netipc_cgroups_lookup_builder_add(&b, &it) != NETIPC_OK ||
      netipc_lookup_builder_finish(&b, &len) != NETIPC_OK ||
      netipc_cgroups_lookup_resp_decode(buf, len, &ref) != NETIPC_OK ||
      netipc_lookup_resp_item_bytes(&ref, 0, &e, &el) != NETIPC_OK ||
      netipc_lookup_resp_item_bytes(v, i, &a, &al) != NETIPC_OK)
    return 0;
  return al == el && al == 30 + path.len && memcmp(a, e, el) == 0;
}

static int
record_is(lkh_state *st, uint32_t i, uint32_t count, const char *first)
{
  lkh_record r = lkh_record_get(st, i);
  return r.count == count && (count == 0 || strcmp(r.first_path, first) == 0);
}

static void
test_long_keys(void)
{
  const uint32_t limit = NETIPC_CLIENT_REQUEST_DEFAULT;
  char *too_long = lkh_long_path(limit - 25 + 1); /* one byte too many */
  char *longest = lkh_long_path(limit - 25);      /* exactly fits */
  netipc_string_view a = sv("/cg/a"), c_ = sv("/cg/c"), big = sv(too_long),
                     fit = sv(longest);
  lkh_state st;
  lkh_state_init(&st, 77);
  netipc_server *s = lkh_server_start(
      run_dir, "cl-long", NETIPC_METHOD_CGROUPS_LOOKUP, &st, 0, 0, 0);
  netipc_client *c = client_of("cl-long", NETIPC_METHOD_CGROUPS_LOOKUP);
  netipc_lookup_view v;

  netipc_string_view k1[3] = {a, big, c_};
  netipc_err err = netipc_client_cgroups_lookup(c, k1, 3, 0, &v);
  is_err(err, NETIPC_OK, "[a, %u-byte path, c]: OK", big.len);
  ok(err == NETIPC_OK && lkh_cg_first_bad(&v, k1, 3, 0, 1) == 3 &&
         v.generation == 77,
     "KNOWN, a client-made OVERSIZED_ITEM, KNOWN, generation 77");
  ok(err == NETIPC_OK && placeholder_same(&v, 1, big),
     "the local item is byte-identical to a server placeholder");
  ok(lkh_record_count(&st) == 2 && record_is(&st, 0, 1, "/cg/a") &&
         record_is(&st, 1, 1, "/cg/c") && svc_status(c).call_count == 2,
     "requests [a], then [c]: the long path never sent");

  netipc_string_view k2[2] = {a, big};
  lkh_state_destroy(&st);
  lkh_state_init(&st, 77);
  uint32_t calls0 = svc_status(c).call_count;
  err = netipc_client_cgroups_lookup(c, k2, 2, 0, &v);
  ok(err == NETIPC_OK && lkh_cg_first_bad(&v, k2, 2, 0, 1) == 2 &&
         v.generation == 77,
     "[a, long]: KNOWN, OVERSIZED_ITEM");
  ok(lkh_record_count(&st) == 2 && record_is(&st, 0, 1, "/cg/a") &&
         record_is(&st, 1, 0, "") && svc_status(c).call_count - calls0 == 2,
     "requests [a], then an empty one for the generation");

  netipc_string_view k3[2] = {big, big};
  lkh_state_destroy(&st);
  lkh_state_init(&st, 77);
  calls0 = svc_status(c).call_count;
  err = netipc_client_cgroups_lookup(c, k3, 2, 0, &v);
  ok(err == NETIPC_OK && lkh_cg_first_bad(&v, k3, 2, 0, UINT32_MAX) == 0 &&
         lkh_cg_item_ok(&v, 0, big, 0, 1) && lkh_cg_item_ok(&v, 1, big, 0, 1) &&
         v.generation == 77,
     "[long, long]: two OVERSIZED_ITEMs under the server's generation");
  ok(lkh_record_count(&st) == 1 && record_is(&st, 0, 0, "") &&
         svc_status(c).call_count - calls0 == 1,
     "one empty request only");

  netipc_string_view k4[1] = {fit};
  lkh_state_destroy(&st);
  lkh_state_init(&st, 77);
  err = netipc_client_cgroups_lookup(c, k4, 1, 0, &v);
  ok(err == NETIPC_OK && lkh_cg_first_bad(&v, k4, 1, 0, UINT32_MAX) == 1 &&
         lkh_record_count(&st) == 1 && lkh_record_get(&st, 0).count == 1,
     "a %u-byte path (a %u-byte request) is sent and answered KNOWN",
     fit.len, limit);
  netipc_client_destroy(c);
  netipc_server_destroy(s);
  lkh_state_destroy(&st);
  free(too_long);
  free(longest);

  /* APPS_LOOKUP with a request proposal below 32: no key ever fits. */
  lkh_state_init(&st, 3);
  s = lkh_server_start(run_dir, "cl-tiny", NETIPC_METHOD_APPS_LOOKUP, &st, 0,
                       0, 0);
  netipc_client_config cfg;
  svc_client_config(&cfg, run_dir, "cl-tiny");
  cfg.max_request_payload_bytes = 31;
  c = svc_client_new(&cfg, NETIPC_METHOD_APPS_LOOKUP);
  int up = svc_client_connect(c, CONNECT_MS);
  ok(up && svc_status(c).session.max_request_payload_bytes == 31,
     "a context with a 31-byte request proposal connects (agreed 31)");
  uint32_t pids[3] = {10, 20, 30};
  view_poison(&v);
  is_err(netipc_client_apps_lookup(c, pids, 1, 0, &v), NETIPC_ERR_OVERFLOW,
         "apps lookup of 1 PID with a 31-byte request limit: OVERFLOW");
  ok(view_poisoned(&v) && atomic_load(&st.calls) == 0 &&
         svc_status(c).call_count == 0,
     "no request sent, no view");
  ok(netipc_client_apps_lookup(c, pids, 0, 0, &v) == NETIPC_OK &&
         v.generation == 3 && atomic_load(&st.calls) == 1,
     "n = 0 still fits (16 bytes) and returns the generation");
  netipc_client_destroy(c);
  cfg.max_request_payload_bytes = 32;
  c = svc_client_new(&cfg, NETIPC_METHOD_APPS_LOOKUP);
  (void)svc_client_connect(c, CONNECT_MS);
  err = netipc_client_apps_lookup(c, pids, 3, 0, &v);
  ok(err == NETIPC_OK && lkh_apps_first_bad(&v, pids, 3, 0, UINT32_MAX) == 3 &&
         svc_status(c).call_count == 3,
     "a 32-byte request limit: one PID per exchange, 3 exchanges");
  netipc_client_destroy(c);
  netipc_server_destroy(s);
  lkh_state_destroy(&st);
}

/* ---------------------------------------------------------------- */
/* View lifetime                                                     */
/* ---------------------------------------------------------------- */

static void
test_view_lifetime(lkh_state *st, const char *svc)
{
  netipc_client *c = client_of(svc, NETIPC_METHOD_CGROUPS_LOOKUP);
  netipc_string_view *keys = lkh_paths_new(200);
  netipc_lookup_view v1, v2;
  netipc_err err = netipc_client_cgroups_lookup(c, keys, 3, 0, &v1);
  ok(err == NETIPC_OK && lkh_cg_first_bad(&v1, keys, 3, 0, UINT32_MAX) == 3,
     "first call: 3 items");
  uint8_t copy[4096];
  size_t len = err == NETIPC_OK && v1.payload_len <= sizeof copy
                   ? v1.payload_len
                   : 0;
  if (len != 0)
    memcpy(copy, v1.payload, len);
  ok(len != 0 && memcmp(v1.payload, copy, len) == 0 &&
         lkh_cg_first_bad(&v1, keys, 3, 0, UINT32_MAX) == 3,
     "the first view is intact until the next call");
  err = netipc_client_cgroups_lookup(c, keys + 3, 197, 0, &v2);
  ok(err == NETIPC_OK &&
         lkh_cg_first_bad(&v2, keys + 3, 197, 0, UINT32_MAX) == 197 &&
         v2.generation == st->generation,
     "second call: its own 197 items, all right");
  lkh_paths_free(keys, 200);
  netipc_client_destroy(c);
}

/* ---------------------------------------------------------------- */
/* SHM                                                               */
/* ---------------------------------------------------------------- */

#define SHM_TESTS 12

static netipc_client *
shm_client(const char *svc, uint16_t method)
{
  netipc_client_config cfg;
  svc_client_config(&cfg, run_dir, svc);
  cfg.supported_profiles =
      NETIPC_PROFILE_BASELINE | NETIPC_PROFILE_SHM_HYBRID;
  cfg.preferred_profiles = NETIPC_PROFILE_SHM_HYBRID;
  netipc_client *c = svc_client_new(&cfg, method);
  if (!svc_client_connect(c, CONNECT_MS))
    bail_out("SHM client of %s did not connect", svc);
  return c;
}

static void
test_shm(void)
{
  const uint32_t both =
      NETIPC_PROFILE_BASELINE | NETIPC_PROFILE_SHM_HYBRID;
  lkh_state cgs, aps;
  lkh_state_init(&cgs, 1001);
  lkh_state_init(&aps, 1002);
  netipc_server *s1 = lkh_server_start(run_dir, "cl-shm-cg",
                                       NETIPC_METHOD_CGROUPS_LOOKUP, &cgs, 0,
                                       0, both);
  netipc_server *s2 = lkh_server_start(run_dir, "cl-shm-ap",
                                       NETIPC_METHOD_APPS_LOOKUP, &aps, 0, 0,
                                       both);
  netipc_client *c = shm_client("cl-shm-cg", NETIPC_METHOD_CGROUPS_LOOKUP);
  is_uint(svc_status(c).session.selected_profile, NETIPC_PROFILE_SHM_HYBRID,
          "cgroups client: SHM_HYBRID selected");
  big_call(&cgs, "cl-shm-cg", c, "SHM", NETIPC_METHOD_CGROUPS_LOOKUP);
  netipc_client_destroy(c);
  c = shm_client("cl-shm-ap", NETIPC_METHOD_APPS_LOOKUP);
  is_uint(svc_status(c).session.selected_profile, NETIPC_PROFILE_SHM_HYBRID,
          "apps client: SHM_HYBRID selected");
  big_call(&aps, "cl-shm-ap", c, "SHM", NETIPC_METHOD_APPS_LOOKUP);
  netipc_client_destroy(c);
  netipc_server_destroy(s1);
  netipc_server_destroy(s2);
  lkh_state_destroy(&cgs);
  lkh_state_destroy(&aps);
}

int
main(void)
{
  svc_alarm();
  tp_rundir_make(run_dir, sizeof run_dir, "l2-lookup");
  plan(PLAN);

  lkh_state cgs, aps;
  lkh_state_init(&cgs, 0xC0FFEEull);
  lkh_state_init(&aps, 0xA995ull);
  netipc_server *cg_srv = lkh_server_start(
      run_dir, "cl-cg", NETIPC_METHOD_CGROUPS_LOOKUP, &cgs, 0, 0, 0);
  netipc_server *ap_srv = lkh_server_start(
      run_dir, "cl-ap", NETIPC_METHOD_APPS_LOOKUP, &aps, 0, 0, 0);

  test_not_ready();
  test_bad_args(&cgs, "cl-cg", "cl-ap");
  test_item_ceiling(&aps, "cl-ap");
  test_zero_keys(NETIPC_METHOD_CGROUPS_LOOKUP, "cl-zero-cg");
  test_zero_keys(NETIPC_METHOD_APPS_LOOKUP, "cl-zero-ap");
  test_big(&cgs, "cl-cg", &aps, "cl-ap");
  test_suffix();
  test_handler_oversized();
  test_crafted();
  test_ceilings(&aps, "cl-ap");
  test_deadline();
  test_abort(&cgs, "cl-cg");
  test_long_keys();
  test_grow_request();
  test_alloc_failure(&aps, "cl-ap");
  test_view_lifetime(&cgs, "cl-cg");
  if (tp_shm_built())
    test_shm();
  else
    skip(SHM_TESTS, "SHM transport not built");

  netipc_server_destroy(cg_srv);
  netipc_server_destroy(ap_srv);
  lkh_state_destroy(&cgs);
  lkh_state_destroy(&aps);
  is_int(svc_dir_entries(run_dir), 0, "every server cleaned up its files");
  tp_rundir_remove(run_dir);
  return exit_status();
}
