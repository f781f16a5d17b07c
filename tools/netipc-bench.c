/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `netipc bench ping-pong [--duration S] [--rate R] [--batch N] [--depth D]`
 * and `netipc bench snapshot [--duration S] [--rate R]`: the benchmark
 * driver of `make bench` (bench/run-bench.sh), usable against any server.
 *
 * ping-pong: INCREMENT calls against `serve increment`; every answer is
 * checked (each request continues a value+1 chain from the previous
 * answer). --depth D keeps D requests in flight on one Level 1 session
 * (pipelining, posix-uds.md 10), each slot with its own chain.
 * snapshot: CGROUPS_SNAPSHOT calls against `serve cgroups-snapshot`; every
 * response must have the first response's item count and every item must
 * decode (codec.md 5.8 stages A and B).
 * cgroups-lookup and apps-lookup: logical lookups, in netipc-bench-lookup.c.
 *
 * The window, the schedule, the latency histogram and the output are in
 * netipc-bench-run.c. One CSV line is printed:
 *
 *   scenario,throughput_per_s,p50_us,p95_us,p99_us,client_cpu_pct
 *
 * throughput counts increments (items) or snapshots per second; latencies
 * are per call; --rate R starts R calls per second on a fixed schedule.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netipc-tool.h"

#define BENCH_BATCH_MAX 4096u
#define BENCH_DEPTH_MAX 1024u
#define BENCH_SCENARIOS                                                       \
  "ping-pong, snapshot, cgroups-lookup or apps-lookup"
/* Pipeline slot i starts its value chain at i << 32. */
#define PIPE_CHAIN_SHIFT 32

/* ---- arguments ------------------------------------------------------- */

typedef struct bench_args {
  uint32_t duration_s;
  uint32_t rate;
  uint32_t batch;
  uint32_t depth;
} bench_args;

static void
bench_defaults(bench_args *a)
{
  a->duration_s = NT_BENCH_DURATION_DEFAULT;
  a->rate = 0;
  a->batch = 1;
  a->depth = 1;
}

static int
bench_parse_ping_pong(int argc, char **argv, bench_args *a)
{
  const nt_bench_option opts[] = {
      {"--duration", 1, NT_BENCH_DURATION_MAX, &a->duration_s, NULL},
      {"--rate", 0, NT_BENCH_RATE_MAX, &a->rate, NULL},
      {"--batch", 1, BENCH_BATCH_MAX, &a->batch, NULL},
      {"--depth", 1, BENCH_DEPTH_MAX, &a->depth, NULL},
  };
  int rc = nt_bench_parse(argc, argv, opts, sizeof opts / sizeof opts[0]);
  if (rc == NT_EXIT_OK && a->depth > 1 && a->batch > 1)
    return nt_usage_error("bench ping-pong: --depth and --batch cannot be "
                          "combined");
  return rc;
}

static int
bench_parse_snapshot(int argc, char **argv, bench_args *a)
{
  const nt_bench_option opts[] = {
      {"--duration", 1, NT_BENCH_DURATION_MAX, &a->duration_s, NULL},
      {"--rate", 0, NT_BENCH_RATE_MAX, &a->rate, NULL},
  };
  return nt_bench_parse(argc, argv, opts, sizeof opts / sizeof opts[0]);
}

/* ---- scenario names -------------------------------------------------- */

static const char *
bench_profile(uint32_t profile)
{
  return nt_profile_bench_name(profile);
}

static const char *
bench_transport(const netipc_client *c)
{
  netipc_client_status st;
  netipc_client_status_get(c, &st);
  return bench_profile(st.session.selected_profile);
}

/* With --verbose: which session the numbers are about. */
static void
bench_verbose_session(const nt_options *o, const netipc_session_info *i)
{
  if (o->verbose)
    fprintf(stderr, "netipc: bench: profile %s, extensions 0x%x\n",
            nt_profile_name(i->selected_profile),
            (unsigned)i->extension_flags);
}

static void
bench_verbose_client(const nt_options *o, const netipc_client *c)
{
  netipc_client_status st;
  netipc_client_status_get(c, &st);
  bench_verbose_session(o, &st.session);
}

/* "ping-pong-uds[-batchN][-depthD][-rateR]". */
static void
bench_ping_pong_name(const char *transport, const bench_args *a, char *buf,
                     size_t cap)
{
  /* (void): each part holds any uint32_t; buf is the caller's 128 bytes. */
  char batch[32] = "", depth[32] = "", rate[32] = "";
  if (a->batch > 1)
    (void)snprintf(batch, sizeof batch, "-batch%u", a->batch);
  if (a->depth > 1)
    (void)snprintf(depth, sizeof depth, "-depth%u", a->depth);
  if (a->rate > 0)
    (void)snprintf(rate, sizeof rate, "-rate%u", a->rate);
  (void)snprintf(buf, cap, "ping-pong-%s%s%s%s", transport, batch, depth,
                 rate);
}

/* ---- ping-pong through the Level 2 client --------------------------- */

typedef struct pp_chain {
  uint64_t *values, *results;
  uint32_t n;
  uint64_t next;
} pp_chain;

/* One call: n values continuing the chain, every answer checked. */
static int
pp_call(const nt_options *o, const char *service, netipc_client *c,
        pp_chain *ch)
{
  for (uint32_t i = 0; i < ch->n; i++)
    ch->values[i] = ch->next + i;
  netipc_err err =
      ch->n == 1
          ? netipc_client_increment(c, ch->values[0], 0, &ch->results[0])
          : netipc_client_increment_batch(c, ch->values, ch->n, 0,
                                          ch->results);
  if (err != NETIPC_OK)
    return nt_client_fail(o, service, c, "increment", err);
  for (uint32_t i = 0; i < ch->n; i++)
    if (ch->results[i] != ch->values[i] + 1)
      return nt_error("bench: wrong answer: sent %llu, got %llu (expected "
                      "%llu)",
                      (unsigned long long)ch->values[i],
                      (unsigned long long)ch->results[i],
                      (unsigned long long)ch->values[i] + 1u);
  ch->next = ch->results[ch->n - 1]; /* the chain goes on from the answer */
  return NT_EXIT_OK;
}

static int
pp_loop(const nt_options *o, const char *service, netipc_client *c,
        pp_chain *ch, nt_bench_run *r)
{
  for (uint64_t call = 0;; call++) {
    if (!nt_bench_pace(r))
      return NT_EXIT_OK;
    bool timed = nt_bench_timed(r, call);
    uint64_t t0 = timed ? nt_bench_now_ns() : 0;
    int rc = pp_call(o, service, c, ch);
    if (rc != NT_EXIT_OK)
      return rc;
    r->calls++;
    r->ops += ch->n;
    if (timed) {
      uint64_t t1 = nt_bench_now_ns();
      nt_bench_record(r, t1 - t0);
      if (t1 >= r->end)
        return NT_EXIT_OK;
    }
  }
}

static int
bench_ping_pong_client(const nt_options *o, const char *service,
                       const bench_args *a)
{
  netipc_client *c = NULL;
  int rc = nt_client_open(o, service, NETIPC_METHOD_INCREMENT, a->batch, &c);
  if (rc != NT_EXIT_OK)
    return rc;
  pp_chain ch = {calloc(a->batch, sizeof(uint64_t)),
                 calloc(a->batch, sizeof(uint64_t)), a->batch, 0};
  nt_bench_run r = {0};
  uint64_t shown = 0;
  nt_client_verbose(o, service, c, &shown);
  if (ch.values == NULL || ch.results == NULL ||
      !nt_bench_begin(&r, a->duration_s, a->rate)) {
    rc = nt_error("out of memory");
  } else {
    rc = pp_loop(o, service, c, &ch, &r);
    nt_bench_finish(&r);
  }
  nt_client_verbose(o, service, c, &shown);
  if (rc == NT_EXIT_OK) {
    char scenario[128];
    bench_ping_pong_name(bench_transport(c), a, scenario, sizeof scenario);
    nt_bench_print(o, scenario, &r);
    bench_verbose_client(o, c);
  }
  nt_bench_free(&r);
  free(ch.values);
  free(ch.results);
  netipc_client_destroy(c);
  return rc;
}

/* ---- ping-pong pipelined on one Level 1 session --------------------- */

/* One slot of the pipeline: its own value chain, and the request in
 * flight in it (id 0: free). */
typedef struct pipe_slot {
  uint64_t id, value, sent;
} pipe_slot;

typedef struct pipe_state {
  const nt_options *o;
  const char *service;
  netipc_session *s;
  pipe_slot *slots;
  uint32_t depth, inflight;
  uint64_t next_id;
  uint32_t timeout_ms;
} pipe_state;

static int
pipe_fail(const pipe_state *p, const char *what, netipc_err err)
{
  return nt_error("service '%s' in %s: %s: %s", p->service, p->o->run_dir,
                  what, netipc_strerror(err));
}

/* Send the next value of a free slot's chain. */
static int
pipe_send(pipe_state *p)
{
  pipe_slot *sl = p->slots;
  while (sl->id != 0)
    sl++; /* inflight < depth: there is a free slot */
  uint8_t payload[NETIPC_INCREMENT_LEN];
  size_t len;
  netipc_header h;
  sl->id = ++p->next_id;
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, sl->id);
  netipc_increment_encode(sl->value, payload, sizeof payload, &len);
  sl->sent = nt_bench_now_ns();
  netipc_err err = netipc_session_send(p->s, &h, payload, len);
  if (err != NETIPC_OK)
    return pipe_fail(p, "send", err);
  p->inflight++;
  return NT_EXIT_OK;
}

static pipe_slot *
pipe_slot_of(const pipe_state *p, uint64_t id)
{
  for (uint32_t i = 0; i < p->depth; i++)
    if (p->slots[i].id == id)
      return &p->slots[i];
  nt_error("bench: wrong answer: response id %llu was never sent",
           (unsigned long long)id);
  return NULL;
}

/* Receive one response, check it against its slot, free the slot with its
 * chain advanced to the answer and count the call. */
static int
pipe_take(pipe_state *p, nt_bench_run *r)
{
  netipc_header h;
  const void *payload;
  size_t len;
  uint64_t result;
  netipc_err err =
      netipc_session_receive(p->s, p->timeout_ms, NULL, &h, &payload, &len);
  if (err != NETIPC_OK)
    return pipe_fail(p, "receive", err);
  uint64_t t = nt_bench_now_ns();
  if (h.kind != NETIPC_KIND_RESPONSE || h.code != NETIPC_METHOD_INCREMENT ||
      h.transport_status != NETIPC_STATUS_OK)
    return nt_error("bench: wrong answer: kind %u, code %u, status %u",
                    h.kind, h.code, h.transport_status);
  pipe_slot *sl = pipe_slot_of(p, h.message_id);
  if (sl == NULL)
    return NT_EXIT_FAIL;
  if ((err = netipc_increment_decode(payload, len, &result)) != NETIPC_OK)
    return pipe_fail(p, "increment response", err);
  if (result != sl->value + 1)
    return nt_error("bench: wrong answer: sent %llu, got %llu (expected "
                    "%llu)",
                    (unsigned long long)sl->value,
                    (unsigned long long)result,
                    (unsigned long long)sl->value + 1u);
  nt_bench_record(r, t - sl->sent);
  sl->value = result;
  sl->id = 0;
  p->inflight--;
  r->calls++;
  r->ops++;
  return NT_EXIT_OK;
}

/* Start a call whenever a slot is free and the schedule allows, else take
 * the next response (waiting as the library waits); after the window,
 * drain. Paced below capacity, a response usually comes before the next
 * call is due; a later one delays that call, and the schedule catches up. */
static int
pipe_loop(pipe_state *p, nt_bench_run *r)
{
  int rc = NT_EXIT_OK;
  while (rc == NT_EXIT_OK) {
    uint64_t now = nt_bench_now_ns();
    uint64_t due = r->start + r->paced * r->interval;
    bool open = r->interval ? due < r->end : now < r->end;
    if (open && p->inflight < p->depth && now >= due) {
      r->paced += r->interval != 0;
      rc = pipe_send(p);
    } else if (p->inflight > 0) {
      rc = pipe_take(p, r);
    } else if (!open) {
      break;
    } else {
      nt_bench_sleep_until(due); /* paced, nothing in flight */
    }
  }
  return rc;
}

static int
pipe_connect(const nt_options *o, const char *service, const bench_args *a,
             netipc_session **out)
{
  netipc_client_config cc;
  nt_client_config(o, service, 1, &cc);
  netipc_transport_config t;
  memset(&t, 0, sizeof t);
  t.run_dir = cc.run_dir;
  t.service_name = cc.service_name;
  t.supported_profiles = cc.supported_profiles;
  t.preferred_profiles = cc.preferred_profiles;
  t.max_request_payload_bytes =
      cc.max_request_payload_bytes ? cc.max_request_payload_bytes
                                   : NETIPC_CLIENT_REQUEST_DEFAULT;
  t.max_response_payload_bytes =
      cc.max_response_payload_bytes ? cc.max_response_payload_bytes
                                    : NETIPC_CLIENT_RESPONSE_DEFAULT;
  t.max_request_batch_items = 1;
  t.max_response_batch_items = 1;
  t.auth_token = cc.auth_token;
  uint32_t timeout = o->timeout_ms ? o->timeout_ms
                                   : NETIPC_CALL_TIMEOUT_MS_DEFAULT;
  netipc_err err = netipc_session_connect(&t, timeout, NULL, out);
  if (err == NETIPC_ERR_NOT_FOUND)
    return nt_error("service '%s' not found in %s", service, o->run_dir);
  if (err != NETIPC_OK)
    return nt_error("service '%s' in %s: connection failed: %s", service,
                    o->run_dir, netipc_strerror(err));
  uint32_t profile = netipc_session_get_info(*out)->selected_profile;
  if (profile != NETIPC_PROFILE_BASELINE && a->depth > 1)
    return nt_error("bench ping-pong: --depth %u needs the %s profile (%s "
                    "carries one message per direction; use --profile %s)",
                    a->depth, nt_profile_name(NETIPC_PROFILE_BASELINE),
                    nt_profile_name(profile), nt_profile_baseline_option());
  return NT_EXIT_OK;
}

static int
bench_ping_pong_pipelined(const nt_options *o, const char *service,
                          const bench_args *a)
{
  pipe_state p;
  memset(&p, 0, sizeof p);
  p.o = o;
  p.service = service;
  p.depth = a->depth;
  p.timeout_ms = o->timeout_ms ? o->timeout_ms : NETIPC_CALL_TIMEOUT_MS_DEFAULT;
  int rc = pipe_connect(o, service, a, &p.s);
  nt_bench_run r = {0};
  if (rc == NT_EXIT_OK) {
    p.slots = calloc(p.depth, sizeof *p.slots);
    if (p.slots == NULL || !nt_bench_begin(&r, a->duration_s, a->rate))
      rc = nt_error("out of memory");
    for (uint32_t i = 0; p.slots != NULL && i < p.depth; i++)
      p.slots[i].value = (uint64_t)i << PIPE_CHAIN_SHIFT; /* distinct chains */
  }
  if (rc == NT_EXIT_OK) {
    rc = pipe_loop(&p, &r);
    nt_bench_finish(&r);
  }
  if (rc == NT_EXIT_OK) {
    char scenario[128];
    bench_ping_pong_name(
        bench_profile(netipc_session_get_info(p.s)->selected_profile), a,
        scenario, sizeof scenario);
    nt_bench_print(o, scenario, &r);
    bench_verbose_session(o, netipc_session_get_info(p.s));
  }
  nt_bench_free(&r);
  free(p.slots);
  netipc_session_destroy(p.s);
  return rc;
}

/* ---- snapshot -------------------------------------------------------- */

/* Every response: the first response's item count, every item decodes. */
static int
snap_check(const netipc_cgroups_view *v, uint32_t expected)
{
  if (v->item_count != expected)
    return nt_error("bench: wrong answer: %u items, the first response had "
                    "%u",
                    v->item_count, expected);
  uint32_t bad = 0;
  netipc_err err = netipc_cgroups_view_validate(v, &bad);
  if (err != NETIPC_OK)
    return nt_error("bench: wrong answer: item %u does not decode: %s", bad,
                    netipc_strerror(err));
  return NT_EXIT_OK;
}

static int
snap_call(const nt_options *o, const char *service, netipc_client *c,
          netipc_cgroups_view *v)
{
  netipc_err err = netipc_client_cgroups_snapshot(c, 0, v);
  if (err != NETIPC_OK)
    return nt_client_fail(o, service, c, "snapshot", err);
  return NT_EXIT_OK;
}

/* One measured call of the snapshot loop. */
typedef struct snap_ctx {
  const nt_options *o;
  const char *service;
  netipc_client *c;
  uint32_t expected;
} snap_ctx;

static int
snap_measured(void *ctx, uint64_t *ops)
{
  snap_ctx *x = ctx;
  netipc_cgroups_view v;
  int rc = snap_call(x->o, x->service, x->c, &v);
  if (rc == NT_EXIT_OK)
    rc = snap_check(&v, x->expected);
  *ops = 1; /* one snapshot */
  return rc;
}

static int
bench_snapshot(const nt_options *o, const char *service, const bench_args *a)
{
  netipc_client *c = NULL;
  int rc = nt_client_open(o, service, NETIPC_METHOD_CGROUPS_SNAPSHOT, 1, &c);
  if (rc != NT_EXIT_OK)
    return rc;
  uint64_t shown = 0;
  netipc_cgroups_view first;
  /* The first call (outside the window) also grows the response limit. */
  rc = snap_call(o, service, c, &first);
  if (rc == NT_EXIT_OK)
    rc = snap_check(&first, first.item_count);
  uint32_t items = first.item_count;
  size_t bytes = first.payload_len;
  nt_client_verbose(o, service, c, &shown);
  nt_bench_run r = {0};
  if (rc == NT_EXIT_OK && !nt_bench_begin(&r, a->duration_s, a->rate))
    rc = nt_error("out of memory");
  snap_ctx x = {o, service, c, items};
  if (rc == NT_EXIT_OK) {
    rc = nt_bench_loop(&r, snap_measured, &x);
    nt_bench_finish(&r);
  }
  if (rc == NT_EXIT_OK) {
    char scenario[128], rate[32] = ""; /* room for any uint32_t: (void) */
    if (a->rate > 0)
      (void)snprintf(rate, sizeof rate, "-rate%u", a->rate);
    (void)snprintf(scenario, sizeof scenario, "snapshot-%s-%uitems%s",
                   bench_transport(c), items, rate);
    nt_bench_print(o, scenario, &r);
    bench_verbose_client(o, c);
    if (o->verbose)
      fprintf(stderr, "netipc: bench: %u items, %zu bytes per response\n",
              items, bytes);
  }
  nt_bench_free(&r);
  netipc_client_destroy(c);
  return rc;
}

int
nt_cmd_bench(const nt_options *o, int argc, char **argv)
{
  /* argv[0] is "bench". */
  if (argc < 2)
    return nt_usage_error("bench: missing scenario (" BENCH_SCENARIOS ")");
  bench_args a;
  bench_defaults(&a);
  int rc;
  if (strcmp(argv[1], "ping-pong") == 0) {
    if ((rc = bench_parse_ping_pong(argc, argv, &a)) != NT_EXIT_OK)
      return rc;
    const char *service = o->service ? o->service : "increment";
    rc = a.depth > 1 ? bench_ping_pong_pipelined(o, service, &a)
                     : bench_ping_pong_client(o, service, &a);
  } else if (strcmp(argv[1], "snapshot") == 0) {
    if ((rc = bench_parse_snapshot(argc, argv, &a)) != NT_EXIT_OK)
      return rc;
    const char *service = o->service ? o->service : "cgroups-snapshot";
    rc = bench_snapshot(o, service, &a);
  } else if (strcmp(argv[1], NETIPC_CGROUPS_LOOKUP_SERVICE) == 0) {
    rc = nt_bench_lookup(o, argc, argv, NETIPC_METHOD_CGROUPS_LOOKUP);
  } else if (strcmp(argv[1], NETIPC_APPS_LOOKUP_SERVICE) == 0) {
    rc = nt_bench_lookup(o, argc, argv, NETIPC_METHOD_APPS_LOOKUP);
  } else {
    return nt_usage_error("bench: unknown scenario '%s' (" BENCH_SCENARIOS
                          ")",
                          argv[1]);
  }
  return nt_finish_stdout(rc);
}
