/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `netipc bench cgroups-lookup|apps-lookup (--keys N | --keys-from FILE)
 * [--duration S] [--rate R]`: logical lookups of the same N keys against
 * a running `serve cgroups-lookup|apps-lookup`. The keys are made up
 * (/sys/fs/cgroup/bench/cg-NNN, PIDs 1000+i) or the first N of FILE.
 * Every answer is checked: N items, each echoing its key. The CSV line of
 * netipc-bench-run.c counts keys per second; latencies are per logical
 * call (however many exchanges it took). Scenario: cgroups-lookup-N or
 * apps-lookup-N, with -rateR when paced.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "netipc-tool.h"

#define BENCH_SCENARIO_MAX 128
#define BENCH_RATE_TEXT_MAX 32

typedef struct lookup_bench {
  const nt_options *o;
  netipc_client *c;
  nt_lookup_keys keys;
  uint32_t n, duration_s, rate;
  const char *keys_from;
} lookup_bench;

/* One checked logical call: every key a counted operation. */
static int
lookup_measured(void *ctx, uint64_t *ops)
{
  lookup_bench *b = ctx;
  netipc_lookup_view v;
  int rc = nt_lookup_call(b->o, b->c, &b->keys, &v);
  if (rc == NT_EXIT_OK)
    rc = nt_lookup_check(&b->keys, &v);
  *ops = b->keys.count;
  return rc;
}

static int
lookup_parse(int argc, char **argv, lookup_bench *b)
{
  const nt_bench_option opts[] = {
      {"--keys", 1, NETIPC_LOOKUP_MAX_ITEMS_DEFAULT, &b->n, NULL},
      {"--keys-from", 0, 0, NULL, &b->keys_from},
      {"--duration", 1, NT_BENCH_DURATION_MAX, &b->duration_s, NULL},
      {"--rate", 0, NT_BENCH_RATE_MAX, &b->rate, NULL},
  };
  int rc = nt_bench_parse(argc, argv, opts, sizeof opts / sizeof opts[0]);
  if (rc == NT_EXIT_OK && b->n == 0 && b->keys_from == NULL)
    return nt_usage_error("bench %s: --keys N or --keys-from FILE is "
                          "required",
                          argv[1]);
  return rc;
}

/* The made-up keys, or the first n of the file (all without --keys). */
static int
lookup_keys(lookup_bench *b, const char *scenario)
{
  if (b->keys_from == NULL)
    return nt_lookup_keys_generate(&b->keys, b->n);
  int rc = nt_lookup_keys_file(&b->keys, b->keys_from);
  if (rc != NT_EXIT_OK)
    return rc;
  if (b->n > b->keys.count || b->keys.count == 0)
    return nt_error("bench %s: %s has %zu keys, %u needed", scenario,
                    b->keys_from, b->keys.count, b->n ? b->n : 1);
  if (b->keys.count > NETIPC_LOOKUP_MAX_ITEMS_DEFAULT && b->n == 0)
    return nt_error("bench %s: %s has %zu keys, one lookup takes at most "
                    "%u (use --keys)",
                    scenario, b->keys_from, b->keys.count,
                    NETIPC_LOOKUP_MAX_ITEMS_DEFAULT);
  if (b->n > 0)
    nt_lookup_keys_truncate(&b->keys, b->n);
  return NT_EXIT_OK;
}

/* The first call, outside the window, checks the server and connects. */
static int
lookup_window(lookup_bench *b, const char *scenario)
{
  uint64_t ops;
  int rc = lookup_measured(b, &ops);
  nt_bench_run r = {0};
  if (rc == NT_EXIT_OK && !nt_bench_begin(&r, b->duration_s, b->rate))
    rc = nt_error("out of memory");
  if (rc == NT_EXIT_OK) {
    rc = nt_bench_loop(&r, lookup_measured, b);
    nt_bench_finish(&r);
  }
  if (rc == NT_EXIT_OK) {
    char name[BENCH_SCENARIO_MAX], rate[BENCH_RATE_TEXT_MAX] = "";
    /* (void): the buffers hold the scenario and any count and rate. */
    if (b->rate > 0)
      (void)snprintf(rate, sizeof rate, "-rate%u", b->rate);
    (void)snprintf(name, sizeof name, "%s-%zu%s", scenario, b->keys.count,
                   rate);
    nt_bench_print(b->o, name, &r);
  }
  nt_bench_free(&r);
  return rc;
}

int
nt_bench_lookup(const nt_options *o, int argc, char **argv, uint16_t method)
{
  lookup_bench b;
  memset(&b, 0, sizeof b);
  b.o = o;
  b.duration_s = NT_BENCH_DURATION_DEFAULT;
  nt_lookup_keys_init(&b.keys, method);
  int rc = lookup_parse(argc, argv, &b);
  if (rc == NT_EXIT_OK)
    rc = lookup_keys(&b, argv[1]);
  const char *service = nt_lookup_service(o, method);
  if (rc == NT_EXIT_OK)
    rc = nt_client_open(o, service, method, 0, &b.c);
  uint64_t shown = 0;
  if (rc == NT_EXIT_OK) {
    rc = lookup_window(&b, argv[1]);
    nt_client_verbose(o, service, b.c, &shown);
  }
  netipc_client_destroy(b.c);
  nt_lookup_keys_free(&b.keys);
  return rc;
}
