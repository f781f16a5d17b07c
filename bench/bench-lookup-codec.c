/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-lookup-codec cgroups|apps N known|unknown|mixed SECONDS: upstream's
 * "lookup method codec and dispatch" benchmark (shared/spec/lookups.md 10)
 * in one process, without transport. Each iteration
 *
 *   1. encodes a request of N keys (paths /sys/fs/cgroup/bench/cg-NNN or
 *      PIDs 1000+i, made once before the clock starts);
 *   2. runs the server dispatch as the managed server does
 *      (lib/service/server-lookup.c): decode the request, start a
 *      look-ahead builder over a buffer of max(65536, 256N + 4096) bytes,
 *      call a typed lookup handler, finish the response;
 *   3. decodes the response (every item validated) and checks its item
 *      count, its generation and the status of item 0. A wrong answer
 *      exits 1.
 *
 * The handler answers as lookups.md 10 describes: "known" makes every key
 * KNOWN (CGROUPS_LOOKUP: K8S, name bench-pod, labels namespace=bench and
 * image=bench:latest, request-backed add; APPS_LOOKUP: cgroup KNOWN,
 * DOCKER, ppid 1, uid 1000, starttime 42, comm bench, cgroup path
 * /sys/fs/cgroup/bench, name bench-container, label image=bench:latest),
 * "unknown" makes every key CGROUPS UNKNOWN_RETRY_LATER / APPS UNKNOWN,
 * "mixed" makes even indexes known and odd ones unknown. When a response
 * does not hold every item the builder ends it in a PAYLOAD_EXCEEDED
 * suffix; the iteration still counts as one request.
 *
 * Prints the CSV line of `netipc bench`:
 * scenario,throughput_per_s,p50_us,p95_us,p99_us,client_cpu_pct
 * with requests per second and the percentiles of the time per iteration.
 */
#include "config.h"

#include <netipc/netipc.h>

#include "bench-common.h"

#define PROGRAM "bench-lookup-codec"
#define USAGE \
  "usage: bench-lookup-codec cgroups|apps N known|unknown|mixed SECONDS"

#define KEYS_MAX 1000000u
#define SECONDS_MAX 3600u
#define SAMPLES_MAX 8000000u
#define US_PER_SEC 1e6
/* Response buffer: max(RESPONSE_MIN, RESPONSE_PER_KEY * N + RESPONSE_EXTRA)
 * (lookups.md 10). */
#define RESPONSE_MIN 65536u
#define RESPONSE_PER_KEY 256u
#define RESPONSE_EXTRA 4096u
/* Keys: paths PATH_PREFIX<i, 3 digits or more> and PIDs PID_BASE + i. */
#define PATH_PREFIX "/sys/fs/cgroup/bench/cg-"
#define PATH_INDEX_FORMAT "%03u" /* cg-000, cg-001, ... as the CLI */
#define PATH_MAX_LEN 64
#define PID_BASE 1000u
#define GENERATION 1u
/* What a known key answers. */
#define CG_NAME "bench-pod"
#define APPS_PPID 1u
#define APPS_UID 1000u
#define APPS_STARTTIME 42u
#define APPS_COMM "bench"
#define APPS_CGROUP_PATH "/sys/fs/cgroup/bench"
#define APPS_CGROUP_NAME "bench-container"

#define SV(s) {(s), (uint32_t)(sizeof(s) - 1)}

static const netipc_lookup_label CG_LABELS[] = {
    {SV("namespace"), SV("bench")},
    {SV("image"), SV("bench:latest")},
};
static const netipc_lookup_label APPS_LABELS[] = {
    {SV("image"), SV("bench:latest")},
};
#define COUNT(a) ((uint16_t)(sizeof(a) / sizeof((a)[0])))

typedef enum answer { ANSWER_KNOWN, ANSWER_UNKNOWN, ANSWER_MIXED } answer;

typedef struct bench {
  int apps;
  answer kind;
  uint32_t n;
  netipc_string_view *paths; /* cgroups keys */
  char (*path_bytes)[PATH_MAX_LEN];
  uint32_t *pids; /* apps keys */
  uint8_t *req;
  size_t req_cap;
  uint8_t *resp;
  size_t resp_cap;
} bench;

static void
die(const char *what)
{
  bench_die(PROGRAM, what);
}

static int
known_at(answer kind, uint32_t i)
{
  return kind == ANSWER_KNOWN || (kind == ANSWER_MIXED && i % 2 == 0);
}

/* The typed handlers (netipc_lookup_handler): one item per key, in order. */
static int
cgroups_handler(void *user, const netipc_lookup_req_view *req,
                netipc_lookup_builder *b)
{
  const bench *s = user;
  netipc_cgroups_lookup_item known = {0}, unknown = {0};
  known.status = NETIPC_CGROUPS_LOOKUP_KNOWN;
  known.orchestrator = NETIPC_ORCHESTRATOR_K8S;
  known.name = (netipc_string_view)SV(CG_NAME);
  known.labels = CG_LABELS;
  known.label_count = COUNT(CG_LABELS);
  unknown.status = NETIPC_CGROUPS_LOOKUP_UNKNOWN_RETRY_LATER;
  netipc_lookup_builder_set_generation(b, GENERATION);
  for (uint32_t i = 0; i < req->item_count; i++)
    if (netipc_cgroups_lookup_builder_add_key(
            b, known_at(s->kind, i) ? &known : &unknown) != NETIPC_OK)
      return 1;
  return 0;
}

static int
apps_handler(void *user, const netipc_lookup_req_view *req,
             netipc_lookup_builder *b)
{
  const bench *s = user;
  netipc_apps_lookup_item known = {0}, unknown = {0};
  known.status = NETIPC_APPS_LOOKUP_KNOWN;
  known.cgroup_status = NETIPC_APPS_CGROUP_KNOWN;
  known.orchestrator = NETIPC_ORCHESTRATOR_DOCKER;
  known.ppid = APPS_PPID;
  known.uid = APPS_UID;
  known.starttime = APPS_STARTTIME;
  known.comm = (netipc_string_view)SV(APPS_COMM);
  known.cgroup_path = (netipc_string_view)SV(APPS_CGROUP_PATH);
  known.cgroup_name = (netipc_string_view)SV(APPS_CGROUP_NAME);
  known.labels = APPS_LABELS;
  known.label_count = COUNT(APPS_LABELS);
  unknown.status = NETIPC_APPS_LOOKUP_UNKNOWN;
  unknown.uid = NETIPC_APPS_LOOKUP_UID_UNSET;
  netipc_lookup_builder_set_generation(b, GENERATION);
  for (uint32_t i = 0; i < req->item_count; i++) {
    netipc_apps_lookup_item *it = known_at(s->kind, i) ? &known : &unknown;
    if (netipc_apps_lookup_req_pid(req, i, &it->pid) != NETIPC_OK ||
        netipc_apps_lookup_builder_add(b, it) != NETIPC_OK)
      return 1;
  }
  return 0;
}

/* The managed server's dispatch (lookups.md 5.3): 0 and the response
 * length when the answer would be OK. */
static int
dispatch(bench *s, size_t req_len, size_t *resp_len)
{
  netipc_lookup_req_view req;
  netipc_err err =
      s->apps ? netipc_apps_lookup_req_decode(s->req, req_len, &req)
              : netipc_cgroups_lookup_req_decode(s->req, req_len, &req);
  if (err != NETIPC_OK)
    return 1;
  netipc_lookup_builder b;
  (void)netipc_lookup_builder_init(&b, s->resp, s->resp_cap, &req);
  int failed = s->apps ? apps_handler(s, &req, &b)
                       : cgroups_handler(s, &req, &b);
  if (b.error != NETIPC_OK || failed)
    return 1;
  return netipc_lookup_builder_finish(&b, resp_len) != NETIPC_OK;
}

/* One iteration: encode, dispatch, decode, check. */
static void
iteration(bench *s)
{
  size_t req_len = 0, resp_len = 0;
  netipc_err err =
      s->apps ? netipc_apps_lookup_req_encode(s->pids, s->n, s->req,
                                              s->req_cap, &req_len)
              : netipc_cgroups_lookup_req_encode(s->paths, s->n, s->req,
                                                 s->req_cap, &req_len);
  if (err != NETIPC_OK)
    die("request encoding failed");
  if (dispatch(s, req_len, &resp_len) != 0)
    die("the dispatch did not answer OK");
  netipc_lookup_view v;
  err = s->apps ? netipc_apps_lookup_resp_decode(s->resp, resp_len, &v)
                : netipc_cgroups_lookup_resp_decode(s->resp, resp_len, &v);
  if (err != NETIPC_OK)
    die("the response does not decode");
  if (v.item_count != s->n || v.generation != GENERATION)
    die("wrong answer: item count or generation");
  /* Item 0 is never a PAYLOAD_EXCEEDED placeholder (lookups.md 5.4). */
  int known = known_at(s->kind, 0);
  unsigned status, want;
  if (s->apps) {
    netipc_apps_lookup_item_view it;
    if (netipc_apps_lookup_resp_item(&v, 0, &it) != NETIPC_OK ||
        it.pid != s->pids[0])
      die("wrong answer: item 0");
    status = it.status;
    want = known ? NETIPC_APPS_LOOKUP_KNOWN : NETIPC_APPS_LOOKUP_UNKNOWN;
  } else {
    netipc_cgroups_lookup_item_view it;
    if (netipc_cgroups_lookup_resp_item(&v, 0, &it) != NETIPC_OK ||
        it.path.len != s->paths[0].len ||
        memcmp(it.path.ptr, s->paths[0].ptr, it.path.len) != 0)
      die("wrong answer: item 0");
    status = it.status;
    want = known ? NETIPC_CGROUPS_LOOKUP_KNOWN
                 : NETIPC_CGROUPS_LOOKUP_UNKNOWN_RETRY_LATER;
  }
  if (status != want)
    die("wrong answer: the status of item 0");
}

static void
setup(bench *s)
{
  uint64_t req_size;
  if (s->apps) {
    s->pids = calloc(s->n, sizeof *s->pids);
    if (s->pids == NULL)
      die("out of memory");
    for (uint32_t i = 0; i < s->n; i++)
      s->pids[i] = PID_BASE + i;
    req_size = netipc_apps_lookup_req_size(s->n);
  } else {
    s->paths = calloc(s->n, sizeof *s->paths);
    s->path_bytes = calloc(s->n, PATH_MAX_LEN);
    if (s->paths == NULL || s->path_bytes == NULL)
      die("out of memory");
    for (uint32_t i = 0; i < s->n; i++) {
      int len = snprintf(s->path_bytes[i], PATH_MAX_LEN,
                         PATH_PREFIX PATH_INDEX_FORMAT, i);
      s->paths[i].ptr = s->path_bytes[i];
      s->paths[i].len = (uint32_t)len;
    }
    req_size = netipc_cgroups_lookup_req_size(s->paths, s->n);
  }
  uint64_t resp = (uint64_t)RESPONSE_PER_KEY * s->n + RESPONSE_EXTRA;
  s->req_cap = (size_t)req_size;
  s->resp_cap = (size_t)(resp > RESPONSE_MIN ? resp : RESPONSE_MIN);
  s->req = malloc(s->req_cap);
  s->resp = malloc(s->resp_cap);
  if (s->req == NULL || s->resp == NULL)
    die("out of memory");
}

static void
run(bench *s, uint32_t seconds, const char *scenario)
{
  double *us = malloc(SAMPLES_MAX * sizeof *us);
  if (us == NULL)
    die("out of memory");
  size_t n = 0;
  iteration(s); /* warm the buffers; not counted */
  double cpu0 = bench_cpu(), t0 = bench_now(), end = t0 + seconds, t = t0;
  while (t < end && n < SAMPLES_MAX) {
    double i0 = t;
    iteration(s);
    t = bench_now();
    us[n++] = (t - i0) * US_PER_SEC;
  }
  double secs = t - t0, cpu = bench_cpu() - cpu0;
  qsort(us, n, sizeof *us, bench_cmp_double);
  printf("%s,%.0f,%.3f,%.3f,%.3f,%.1f\n", scenario, (double)n / secs,
         bench_quantile(us, n, 0.50), bench_quantile(us, n, 0.95),
         bench_quantile(us, n, 0.99), 100.0 * cpu / secs);
  free(us);
}

int
main(int argc, char **argv)
{
  if (argc != 5)
    die(USAGE);
  bench s = {0};
  if (strcmp(argv[1], "apps") == 0)
    s.apps = 1;
  else if (strcmp(argv[1], "cgroups") != 0)
    die(USAGE);
  s.n = bench_arg_u32(argv[2], 1, KEYS_MAX, PROGRAM, USAGE);
  if (strcmp(argv[3], "known") == 0)
    s.kind = ANSWER_KNOWN;
  else if (strcmp(argv[3], "unknown") == 0)
    s.kind = ANSWER_UNKNOWN;
  else if (strcmp(argv[3], "mixed") == 0)
    s.kind = ANSWER_MIXED;
  else
    die(USAGE);
  uint32_t seconds = bench_arg_u32(argv[4], 1, SECONDS_MAX, PROGRAM, USAGE);
  setup(&s);
  char scenario[96];
  snprintf(scenario, sizeof scenario, "lookup-codec-%s-%u-%s", argv[1], s.n,
           argv[3]);
  run(&s, seconds, scenario);
  free(s.paths);
  free(s.path_bytes);
  free(s.pids);
  free(s.req);
  free(s.resp);
  return 0;
}
