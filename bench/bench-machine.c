/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-machine: what this machine gives any program, measured in the same
 * run as the transports so the report can set them side by side.
 *
 *   bench-machine memcpy BYTES SECONDS   memcpy between two buffers of
 *                                        BYTES (hot: they are reused)
 *   bench-machine pacer RATE SECONDS     the schedule of `netipc bench
 *                                        --rate`, with no call: what the
 *                                        pacing alone costs in CPU
 *
 * Prints the CSV line of `netipc bench`:
 * scenario,throughput_per_s,p50_us,p95_us,p99_us,client_cpu_pct
 * memcpy: throughput in bytes/s, percentiles of the time per copy;
 * pacer: wake-ups per second, percentiles of how late each one was.
 */
#include "config.h"

#include <errno.h>

#include "bench-common.h"

#define PROGRAM "bench-machine"
#define USAGE "usage: bench-machine memcpy BYTES SECONDS | pacer RATE SECONDS"

#define BYTES_MAX (1u << 30)
#define RATE_MAX 10000000u
#define SECONDS_MAX 3600u
#define SAMPLES_MAX 4000000u
#define NS_PER_SEC 1e9
#define US_PER_SEC 1e6
#define FILL_BYTE 0x5a
/* The same timer slack as tools/netipc-bench.c uses when pacing. */
#define PACER_TIMER_SLACK_NS 1ul

#if defined(__linux__)
#include <sys/prctl.h>
#endif

static void
die(const char *what)
{
  bench_die(PROGRAM, what);
}

static void
print_line(const char *scenario, double per_s, double *us, size_t n,
           double cpu_pct)
{
  qsort(us, n, sizeof *us, bench_cmp_double);
  printf("%s,%.0f,%.3f,%.3f,%.3f,%.1f\n", scenario, per_s,
         bench_quantile(us, n, 0.50), bench_quantile(us, n, 0.95),
         bench_quantile(us, n, 0.99), cpu_pct);
}

static void
bench_memcpy(uint32_t bytes, uint32_t seconds)
{
  unsigned char *src = malloc(bytes), *dst = malloc(bytes);
  double *us = malloc(SAMPLES_MAX * sizeof *us);
  if (src == NULL || dst == NULL || us == NULL)
    die("out of memory");
  memset(src, FILL_BYTE, bytes);
  memset(dst, 0, bytes);
  size_t n = 0;
  double cpu0 = bench_cpu(), t0 = bench_now(), end = t0 + seconds, t = t0;
  while (t < end && n < SAMPLES_MAX) {
    double c0 = t;
    memcpy(dst, src, bytes);
    src[n % bytes] ^= dst[(n * 7) % bytes]; /* keep the copy observable */
    t = bench_now();
    us[n++] = (t - c0) * US_PER_SEC;
  }
  double secs = t - t0;
  char scenario[64];
  snprintf(scenario, sizeof scenario, "memcpy-%ubytes", bytes);
  print_line(scenario, (double)n * bytes / secs, us, n,
             100.0 * (bench_cpu() - cpu0) / secs);
  free(src);
  free(dst);
  free(us);
}

/* Sleep until due unless it has passed (tools/netipc-bench.c run_pace). */
static void
pacer_wait(double due)
{
  if (due <= bench_now())
    return;
  struct timespec ts;
  ts.tv_sec = (time_t)due;
  ts.tv_nsec = (long)((due - (double)ts.tv_sec) * NS_PER_SEC);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
    ;
}

static void
bench_pacer(uint32_t rate, uint32_t seconds)
{
  double *us = malloc(SAMPLES_MAX * sizeof *us);
  if (us == NULL)
    die("out of memory");
#if defined(__linux__) && defined(PR_SET_TIMERSLACK)
  (void)prctl(PR_SET_TIMERSLACK, PACER_TIMER_SLACK_NS, 0, 0, 0);
#endif
  size_t n = 0;
  double cpu0 = bench_cpu(), t0 = bench_now(), end = t0 + seconds;
  for (; n < SAMPLES_MAX; n++) {
    double due = t0 + (double)n / rate;
    if (due >= end)
      break;
    pacer_wait(due);
    us[n] = (bench_now() - due) * US_PER_SEC;
  }
  double secs = bench_now() - t0;
  char scenario[64];
  snprintf(scenario, sizeof scenario, "pacer-rate%u", rate);
  print_line(scenario, (double)n / secs, us, n,
             100.0 * (bench_cpu() - cpu0) / secs);
  free(us);
}

static uint32_t
arg_u32(const char *s, uint32_t min, uint32_t max)
{
  return bench_arg_u32(s, min, max, PROGRAM, USAGE);
}

int
main(int argc, char **argv)
{
  if (argc != 4)
    die(USAGE);
  uint32_t seconds = arg_u32(argv[3], 1, SECONDS_MAX);
  if (strcmp(argv[1], "memcpy") == 0)
    bench_memcpy(arg_u32(argv[2], 1, BYTES_MAX), seconds);
  else if (strcmp(argv[1], "pacer") == 0)
    bench_pacer(arg_u32(argv[2], 1, RATE_MAX), seconds);
  else
    die(USAGE);
  return 0;
}
