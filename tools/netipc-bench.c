/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `netipc bench ping-pong [--duration S] [--rate R] [--batch N]`:
 * INCREMENT round trips against `netipc serve increment`. Every answer is
 * checked (a value+1 chain); per-call latency goes into a log-linear
 * histogram (< 1.6 % bucket error). Prints one CSV line:
 *
 *   scenario,throughput_per_s,p50_us,p95_us,p99_us,client_cpu_pct
 *
 * throughput counts increments (items) per second; latencies are per call
 * (one request, N items with --batch N); --rate R paces calls per second.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "netipc-tool.h"

#define BENCH_DURATION_DEFAULT 5u
#define BENCH_DURATION_MAX 86400u
#define BENCH_RATE_MAX 100000000u
#define BENCH_BATCH_MAX 4096u

/* Histogram: values < 128 ns exact, then 64 sub-buckets per power of 2. */
#define HIST_SUB_BITS 6
#define HIST_SUB (1u << HIST_SUB_BITS)
#define HIST_BUCKETS (HIST_SUB * 64u)

typedef struct bench_hist {
  uint64_t counts[HIST_BUCKETS];
  uint64_t total;
} bench_hist;

static unsigned
hist_index(uint64_t v)
{
  if (v < 2 * HIST_SUB)
    return (unsigned)v;
  unsigned msb = 63u - (unsigned)__builtin_clzll(v);
  unsigned shift = msb - HIST_SUB_BITS;
  unsigned idx = (shift + 1) * HIST_SUB + (unsigned)((v >> shift) - HIST_SUB);
  return idx < HIST_BUCKETS ? idx : HIST_BUCKETS - 1;
}

/* Midpoint of a bucket, in ns. */
static double
hist_value(unsigned idx)
{
  if (idx < 2 * HIST_SUB)
    return (double)idx;
  unsigned shift = idx / HIST_SUB - 1;
  uint64_t m = idx % HIST_SUB + HIST_SUB;
  double lo = (double)(m << shift), width = (double)(UINT64_C(1) << shift);
  return lo + (width - 1) / 2;
}

static double
hist_percentile_us(const bench_hist *h, double p)
{
  if (h->total == 0)
    return 0;
  uint64_t rank = (uint64_t)(p * (double)h->total + 0.999999);
  if (rank < 1)
    rank = 1;
  uint64_t seen = 0;
  for (unsigned i = 0; i < HIST_BUCKETS; i++) {
    seen += h->counts[i];
    if (seen >= rank)
      return hist_value(i) / 1000.0;
  }
  return hist_value(HIST_BUCKETS - 1) / 1000.0;
}

static uint64_t
now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static double
cpu_seconds(void)
{
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0)
    return 0;
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void
sleep_until(uint64_t deadline_ns)
{
  struct timespec ts;
  ts.tv_sec = (time_t)(deadline_ns / 1000000000u);
  ts.tv_nsec = (long)(deadline_ns % 1000000000u);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
    ;
}

typedef struct bench_args {
  uint32_t duration_s;
  uint32_t rate;
  uint32_t batch;
} bench_args;

static int
bench_parse(int argc, char **argv, bench_args *a)
{
  a->duration_s = BENCH_DURATION_DEFAULT;
  a->rate = 0;
  a->batch = 1;
  int i = 2;
  while (i < argc) {
    const char *v;
    int m;
    bool ok = true;
    if ((m = nt_match_value(argc, argv, &i, "--duration", &v)) > 0)
      ok = nt_parse_option_u32("--duration", v, 1, BENCH_DURATION_MAX,
                               &a->duration_s);
    else if (m == 0 && (m = nt_match_value(argc, argv, &i, "--rate", &v)) > 0)
      ok = nt_parse_option_u32("--rate", v, 0, BENCH_RATE_MAX, &a->rate);
    else if (m == 0 &&
             (m = nt_match_value(argc, argv, &i, "--batch", &v)) > 0)
      ok = nt_parse_option_u32("--batch", v, 1, BENCH_BATCH_MAX, &a->batch);
    else if (m == 0)
      return argv[i][0] == '-'
                 ? nt_usage_error("bench ping-pong: unknown option '%s'",
                                  argv[i])
                 : nt_usage_error("bench ping-pong: unexpected argument "
                                  "'%s'",
                                  argv[i]);
    if (m < 0 || !ok)
      return NT_EXIT_USAGE;
  }
  return NT_EXIT_OK;
}

static const char *
bench_transport(const netipc_client *c)
{
  netipc_client_status st;
  netipc_client_status_get(c, &st);
  switch (st.session.selected_profile) {
  case NETIPC_PROFILE_UDS_SEQPACKET:
    return "uds";
  case NETIPC_PROFILE_SHM_HYBRID:
    return "shm";
  case NETIPC_PROFILE_SHM_FUTEX:
    return "shm-futex";
  default:
    return "unknown";
  }
}

static int
bench_run(const nt_options *o, const char *service, const bench_args *a,
          netipc_client *c)
{
  bench_hist *h = calloc(1, sizeof *h);
  uint64_t *values = calloc(a->batch, sizeof *values);
  uint64_t *results = calloc(a->batch, sizeof *results);
  if (h == NULL || values == NULL || results == NULL) {
    free(h);
    free(values);
    free(results);
    return nt_error("out of memory");
  }
  const char *transport = bench_transport(c);
  uint64_t shown = 0;
  nt_client_verbose(o, service, c, &shown);

  int rc = NT_EXIT_OK;
  uint64_t next = 0, items = 0;
  uint64_t interval = a->rate ? 1000000000u / a->rate : 0;
  double cpu0 = cpu_seconds();
  uint64_t start = now_ns();
  uint64_t end = start + (uint64_t)a->duration_s * 1000000000u;
  uint64_t due = start;
  for (uint64_t call = 0;; call++) {
    if (interval) {
      due = start + call * interval;
      if (due >= end)
        break;
      sleep_until(due);
    }
    for (uint32_t i = 0; i < a->batch; i++)
      values[i] = next + i;
    uint64_t t0 = now_ns();
    netipc_err err =
        a->batch == 1
            ? netipc_client_increment(c, values[0], 0, &results[0])
            : netipc_client_increment_batch(c, values, a->batch, 0, results);
    uint64_t t1 = now_ns();
    if (err != NETIPC_OK) {
      rc = nt_client_fail(o, service, c, "increment", err);
      break;
    }
    for (uint32_t i = 0; i < a->batch; i++) {
      if (results[i] != values[i] + 1) {
        rc = nt_error("bench: wrong answer: sent %llu, got %llu (expected "
                      "%llu)",
                      (unsigned long long)values[i],
                      (unsigned long long)results[i],
                      (unsigned long long)(values[i] + 1));
        break;
      }
    }
    if (rc != NT_EXIT_OK)
      break;
    next = results[a->batch - 1]; /* the chain goes on from the answer */
    h->counts[hist_index(t1 - t0)]++;
    h->total++;
    items += a->batch;
    if (t1 >= end)
      break;
  }
  uint64_t elapsed = now_ns() - start;
  double cpu = cpu_seconds() - cpu0;
  nt_client_verbose(o, service, c, &shown);

  if (rc == NT_EXIT_OK) {
    double secs = (double)elapsed / 1e9;
    char scenario[96];
    int n = snprintf(scenario, sizeof scenario, "ping-pong-%s", transport);
    if (a->batch > 1 && n > 0 && (size_t)n < sizeof scenario)
      n += snprintf(scenario + n, sizeof scenario - (size_t)n, "-batch%u",
                    a->batch);
    if (a->rate > 0 && n > 0 && (size_t)n < sizeof scenario)
      snprintf(scenario + n, sizeof scenario - (size_t)n, "-rate%u", a->rate);
    printf("%s,%.0f,%.2f,%.2f,%.2f,%.1f\n", scenario,
           secs > 0 ? (double)items / secs : 0.0,
           hist_percentile_us(h, 0.50), hist_percentile_us(h, 0.95),
           hist_percentile_us(h, 0.99), secs > 0 ? 100.0 * cpu / secs : 0.0);
    if (o->verbose)
      fprintf(stderr, "netipc: bench: %llu calls, %llu items in %.3f s\n",
              (unsigned long long)h->total, (unsigned long long)items, secs);
  }
  free(h);
  free(values);
  free(results);
  return rc;
}

int
nt_cmd_bench(const nt_options *o, int argc, char **argv)
{
  /* argv[0] is "bench". */
  if (argc < 2)
    return nt_usage_error("bench: missing scenario (ping-pong)");
  if (strcmp(argv[1], "ping-pong") != 0)
    return nt_usage_error("bench: unknown scenario '%s' (ping-pong)",
                          argv[1]);
  bench_args a;
  int rc = bench_parse(argc, argv, &a);
  if (rc != NT_EXIT_OK)
    return rc;
  const char *service = o->service ? o->service : "increment";
  netipc_client *c = NULL;
  rc = nt_client_open(o, service, NETIPC_METHOD_INCREMENT, a.batch, &c);
  if (rc != NT_EXIT_OK)
    return rc;
  rc = bench_run(o, service, &a, c);
  netipc_client_destroy(c);
  return nt_finish_stdout(rc);
}
