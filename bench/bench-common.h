/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-common.h - tiny helpers shared by the benchmark drivers: a
 * monotonic clock, a private run directory, median of repeated runs and
 * the report line format.
 */
#ifndef NETIPC_BENCH_COMMON_H
#define NETIPC_BENCH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BENCH_REPEATS 5

/* Print "PROGRAM: what" and exit 1. */
static inline void
bench_die(const char *program, const char *what)
{
  fprintf(stderr, "%s: %s\n", program, what);
  exit(1);
}

/* A decimal argument in [min, max], or bench_die with the usage line. */
static inline uint32_t
bench_arg_u32(const char *s, uint32_t min, uint32_t max, const char *program,
              const char *usage)
{
  char *end = NULL;
  unsigned long v = strtoul(s, &end, 10);
  if (end == s || *end != '\0' || v < min || v > max)
    bench_die(program, usage);
  return (uint32_t)v;
}

static inline double
bench_now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static inline double
bench_cpu(void)
{
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int
bench_cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Median of n values (sorts them). */
static inline double
bench_median(double *v, size_t n)
{
  qsort(v, n, sizeof *v, bench_cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Value at quantile q (0..1) of n sorted values. */
static inline double
bench_quantile(const double *sorted, size_t n, double q)
{
  size_t i = (size_t)(q * (double)(n - 1) + 0.5);
  return sorted[i < n ? i : n - 1];
}

/* A private run directory; removed by bench_rundir_remove. */
static inline void
bench_rundir(char *buf, size_t cap)
{
  snprintf(buf, cap, "/tmp/netipc-bench-XXXXXX");
  if (mkdtemp(buf) == NULL) {
    perror("mkdtemp");
    exit(1);
  }
}

static inline void
bench_rundir_remove(const char *dir)
{
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0)
    fprintf(stderr, "bench: could not remove %s\n", dir);
}

#endif /* NETIPC_BENCH_COMMON_H */
