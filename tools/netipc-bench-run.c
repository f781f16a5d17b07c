/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One measured run of `netipc bench` (netipc-bench.c): the window, the
 * fixed-rate schedule of --rate, CPU time, a log-linear latency histogram
 * (< 1.6 % bucket error) and the CSV line
 *
 *   scenario,throughput_per_s,p50_us,p95_us,p99_us,client_cpu_pct
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netipc-tool.h"
#include "nt-platform.h"

#define NS_PER_SEC 1000000000u
#define NS_PER_US 1000.0
/* An unpaced run times every 8th call: two clock reads cost ~35 ns, a
 * tenth of a shared-memory round trip. Paced runs time every call. */
#define BENCH_SAMPLE_STRIDE 8u

/* Histogram: values < 128 ns exact, then 64 sub-buckets per power of 2. */
#define HIST_SUB_BITS 6
#define HIST_SUB (1u << HIST_SUB_BITS)
#define HIST_BUCKETS (HIST_SUB * 64u)

struct nt_bench_hist {
  uint64_t counts[HIST_BUCKETS];
  uint64_t total;
};

/* The index of the highest set bit of v (> 0), by halving: no compiler
 * builtin, so that MSVC builds it too. */
static unsigned
msb64(uint64_t v)
{
  unsigned n = 0;
  for (unsigned shift = 32; shift != 0; shift /= 2) {
    if ((v >> shift) != 0) {
      v >>= shift;
      n += shift;
    }
  }
  return n;
}

static unsigned
hist_index(uint64_t v)
{
  if (v < (uint64_t)2 * HIST_SUB)
    return (unsigned)v;
  unsigned msb = msb64(v);
  unsigned shift = msb - HIST_SUB_BITS;
  unsigned idx = (shift + 1) * HIST_SUB + (unsigned)((v >> shift) - HIST_SUB);
  return idx < HIST_BUCKETS ? idx : HIST_BUCKETS - 1;
}

static void
hist_add(struct nt_bench_hist *h, uint64_t ns)
{
  h->counts[hist_index(ns)]++;
  h->total++;
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
hist_percentile_us(const struct nt_bench_hist *h, double p)
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
      return hist_value(i) / NS_PER_US;
  }
  return hist_value(HIST_BUCKETS - 1) / NS_PER_US;
}

uint64_t
nt_bench_now_ns(void)
{
  return nt_os_now_ns();
}

bool
nt_bench_begin(nt_bench_run *r, uint32_t duration_s, uint32_t rate)
{
  memset(r, 0, sizeof *r);
  r->hist = calloc(1, sizeof *r->hist);
  if (r->hist == NULL)
    return false;
  r->interval = rate ? NS_PER_SEC / rate : 0;
  if (rate)
    nt_os_precise_sleeps(); /* paced sleeps of some 10 us */
  r->cpu0 = nt_os_cpu_seconds();
  r->start = nt_bench_now_ns();
  r->end = r->start + (uint64_t)duration_s * NS_PER_SEC;
  return true;
}

void
nt_bench_finish(nt_bench_run *r)
{
  r->elapsed = nt_bench_now_ns() - r->start;
  r->cpu = nt_os_cpu_seconds() - r->cpu0;
}

/* Sleep until `due` (monotonic ns) unless it has passed. */
void
nt_bench_sleep_until(uint64_t due)
{
  nt_os_sleep_until_ns(due);
}

/* Paced: sleep until the next slot of the schedule; false once the slot
 * lies past the window. A late caller starts at once and catches up (a
 * sleep is no cheap no-op: on a VM it can cost 20 us). Unpaced: true. */
bool
nt_bench_pace(nt_bench_run *r)
{
  if (r->interval == 0)
    return true;
  uint64_t due = r->start + r->paced * r->interval;
  if (due >= r->end)
    return false;
  r->paced++;
  nt_bench_sleep_until(due);
  return true;
}

bool
nt_bench_timed(const nt_bench_run *r, uint64_t call)
{
  return r->interval != 0 || call % BENCH_SAMPLE_STRIDE == 0;
}

/* scenario,throughput_per_s,p50_us,p95_us,p99_us,client_cpu_pct */
void
nt_bench_print(const nt_options *o, const char *scenario,
               const nt_bench_run *r)
{
  double secs = (double)r->elapsed / NS_PER_SEC;
  printf("%s,%.0f,%.2f,%.2f,%.2f,%.1f\n", scenario,
         secs > 0 ? (double)r->ops / secs : 0.0,
         hist_percentile_us(r->hist, 0.50), hist_percentile_us(r->hist, 0.95),
         hist_percentile_us(r->hist, 0.99),
         secs > 0 ? 100.0 * r->cpu / secs : 0.0);
  if (o->verbose)
    fprintf(stderr,
            "netipc: bench: %llu calls (%llu timed), %llu counted in %.3f s\n",
            (unsigned long long)r->calls,
            (unsigned long long)r->hist->total, (unsigned long long)r->ops,
            secs);
}

void
nt_bench_record(nt_bench_run *r, uint64_t ns)
{
  hist_add(r->hist, ns);
}

void
nt_bench_free(nt_bench_run *r)
{
  free(r->hist);
  r->hist = NULL;
}

/* ---- arguments and the measured loop ----------------------------------- */

int
nt_bench_parse(int argc, char **argv, const nt_bench_option *opts, size_t n)
{
  int i = 2;
  while (i < argc) {
    int m = 0;
    for (size_t k = 0; k < n && m == 0; k++) {
      const char *v;
      m = nt_match_value(argc, argv, &i, opts[k].name, &v);
      if (m > 0 && opts[k].text != NULL)
        *opts[k].text = v;
      else if (m > 0 && !nt_parse_option_u32(opts[k].name, v, opts[k].min,
                                             opts[k].max, opts[k].value))
        return NT_EXIT_USAGE;
    }
    if (m < 0)
      return NT_EXIT_USAGE;
    if (m == 0)
      return argv[i][0] == '-'
                 ? nt_usage_error("bench %s: unknown option '%s'", argv[1],
                                  argv[i])
                 : nt_usage_error("bench %s: unexpected argument '%s'",
                                  argv[1], argv[i]);
  }
  return NT_EXIT_OK;
}

int
nt_bench_loop(nt_bench_run *r, nt_bench_call_fn call, void *ctx)
{
  for (;;) {
    if (!nt_bench_pace(r))
      return NT_EXIT_OK;
    uint64_t ops = 0;
    uint64_t t0 = nt_bench_now_ns();
    int rc = call(ctx, &ops);
    if (rc != NT_EXIT_OK)
      return rc;
    uint64_t t1 = nt_bench_now_ns();
    nt_bench_record(r, t1 - t0);
    r->calls++;
    r->ops += ops;
    if (t1 >= r->end)
      return NT_EXIT_OK;
  }
}
