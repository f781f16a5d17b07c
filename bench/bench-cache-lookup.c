/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-cache-lookup: Level 3 lookup throughput on one thread, hit path,
 * for a 16-item cache (the reference's published scenario) and a 10 000
 * item one; with the guard held across lookups and with a guard per
 * lookup. Prints CSV: scenario,items,mlookups_per_s (median of 5 runs).
 */
#include <netipc/netipc.h>

#include "bench-common.h"

#define NAME_MAX_LEN 64
#define LOOKUPS_HELD 50000000L
#define LOOKUPS_GUARDED 10000000L

typedef struct table {
  uint32_t n;
  char (*names)[NAME_MAX_LEN];
  uint32_t *hashes;
} table;

static int
serve(void *user, netipc_cgroups_builder *b)
{
  const table *t = user;
  for (uint32_t i = 0; i < t->n; i++) {
    size_t len = strlen(t->names[i]);
    if (netipc_cgroups_builder_add(b, t->hashes[i], 0, 1, t->names[i], len,
                                   t->names[i], len) != NETIPC_OK)
      return 1;
  }
  return 0;
}

static double
run(netipc_cache *c, const table *t, long lookups, int guard_each)
{
  netipc_cache_guard g;
  long hits = 0;
  uint32_t mask = t->n - 1; /* n is a power of two */
  double t0 = bench_now();
  if (!guard_each)
    netipc_cache_read_begin(c, &g);
  for (long i = 0; i < lookups; i++) {
    uint32_t k = (uint32_t)(i * 7) & mask;
    if (guard_each)
      netipc_cache_read_begin(c, &g);
    hits += netipc_cache_lookup(&g, t->hashes[k], t->names[k]) != NULL;
    if (guard_each)
      netipc_cache_read_end(&g);
  }
  if (!guard_each)
    netipc_cache_read_end(&g);
  double secs = bench_now() - t0;
  if (hits != lookups) {
    fprintf(stderr, "bench-cache-lookup: %ld of %ld lookups missed\n",
            lookups - hits, lookups);
    exit(1);
  }
  return (double)lookups / secs / 1e6;
}

static void
scenario(uint32_t n)
{
  table t = {n, calloc(n, NAME_MAX_LEN), calloc(n, sizeof(uint32_t))};
  for (uint32_t i = 0; i < n; i++) {
    snprintf(t.names[i], NAME_MAX_LEN, "system.slice/docker-%08x.scope",
             i * 2654435761u);
    t.hashes[i] = netipc_simple_hash(t.names[i], strlen(t.names[i]));
  }
  char dir[64];
  bench_rundir(dir, sizeof dir);
  netipc_server_config sc = {0};
  sc.run_dir = dir;
  sc.service_name = "cgroups-snapshot";
  sc.method = NETIPC_METHOD_CGROUPS_SNAPSHOT;
  sc.cgroups_snapshot = serve;
  sc.user = &t;
  sc.max_response_payload_bytes = 16u << 20;
  netipc_server *srv;
  netipc_cache *c;
  netipc_client_config cc = {0};
  cc.run_dir = dir;
  cc.service_name = "cgroups-snapshot";
  netipc_err err;
  if (netipc_server_create(&sc, &srv) != NETIPC_OK ||
      netipc_server_start(srv) != NETIPC_OK ||
      netipc_cache_create(&cc, &c) != NETIPC_OK ||
      !netipc_cache_refresh(c, 0, &err)) {
    fprintf(stderr, "bench-cache-lookup: setup failed\n");
    exit(1);
  }
  for (int guard_each = 0; guard_each < 2; guard_each++) {
    double r[BENCH_REPEATS];
    for (int i = 0; i < BENCH_REPEATS; i++)
      r[i] = run(c, &t, guard_each ? LOOKUPS_GUARDED : LOOKUPS_HELD,
                 guard_each);
    printf("cache-lookup-%s,%u,%.1f\n",
           guard_each ? "guard-per-lookup" : "guard-held", n,
           bench_median(r, BENCH_REPEATS));
    fflush(stdout);
  }
  netipc_cache_destroy(c);
  netipc_server_destroy(srv);
  bench_rundir_remove(dir);
  free(t.names);
  free(t.hashes);
}

int
main(void)
{
  printf("scenario,items,mlookups_per_s\n");
  scenario(16);
  scenario(16384);
  return 0;
}
