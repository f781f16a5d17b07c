/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-cache-lookup ITEMS hit|miss SECONDS: Level 3 lookup throughput on
 * one thread. An in-process managed server serves the reference's bench
 * set (item i: hash 1000+i, options 0, enabled i%2, name "cgroup-<i>",
 * path "/sys/fs/cgroup/bench/cg-<i>"); one cache refresh takes it in, then
 * lookups run in blocks of LOOKUP_BLOCK under one guard each, keys visited
 * in a scattered order. "hit" looks up present items (each answer must be
 * the item asked for), "miss" looks up cgroup-<ITEMS+i> with hash
 * 1000+ITEMS+i, which are absent (each answer must be NULL). A wrong
 * answer exits 1.
 *
 * Prints the CSV line of `netipc bench`:
 * scenario,throughput_per_s,p50_us,p95_us,p99_us,client_cpu_pct
 * where the percentiles are of the per-lookup time of each block.
 */
#include "config.h"

#include <netipc/netipc.h>

#include "bench-common.h"

#define PROGRAM "bench-cache-lookup"
#define USAGE "usage: bench-cache-lookup ITEMS hit|miss SECONDS"

#define BENCH_NAME_MAX 64
#define BENCH_HASH_BASE 1000u
#define LOOKUP_BLOCK 1024u
/* Step through the keys by a large prime, so consecutive lookups touch
 * unrelated slots (a sequential walk would flatter big caches). */
#define KEY_STRIDE 7919u
#define ITEMS_MAX 10000000u
#define SECONDS_MAX 3600u
#define RESPONSE_MAX (64u << 20)
#define SERVICE "cgroups-snapshot"

typedef struct bench_set {
  uint32_t n;
  char (*names)[BENCH_NAME_MAX];
  char (*paths)[BENCH_NAME_MAX];
} bench_set;

typedef struct keys {
  uint32_t n;
  uint32_t *hashes;
  char (*names)[BENCH_NAME_MAX];
} keys;

static void
die(const char *what)
{
  bench_die(PROGRAM, what);
}

static int
serve(void *user, netipc_cgroups_builder *b)
{
  const bench_set *s = user;
  for (uint32_t i = 0; i < s->n; i++)
    if (netipc_cgroups_builder_add(b, BENCH_HASH_BASE + i, 0, i % 2,
                                   s->names[i], strlen(s->names[i]),
                                   s->paths[i],
                                   strlen(s->paths[i])) != NETIPC_OK)
      return 1;
  return 0;
}

static void
set_make(bench_set *s, uint32_t n)
{
  s->n = n;
  s->names = calloc(n, BENCH_NAME_MAX);
  s->paths = calloc(n, BENCH_NAME_MAX);
  if (s->names == NULL || s->paths == NULL)
    die("out of memory");
  for (uint32_t i = 0; i < n; i++) {
    snprintf(s->names[i], BENCH_NAME_MAX, "cgroup-%u", i);
    snprintf(s->paths[i], BENCH_NAME_MAX, "/sys/fs/cgroup/bench/cg-%u", i);
  }
}

/* Keys in visiting order: present items (hit) or absent ones (miss). */
static void
keys_make(keys *k, uint32_t n, int miss)
{
  k->n = n;
  k->hashes = calloc(n, sizeof *k->hashes);
  k->names = calloc(n, BENCH_NAME_MAX);
  if (k->hashes == NULL || k->names == NULL)
    die("out of memory");
  uint32_t first = miss ? n : 0;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t item = first + (uint32_t)(((uint64_t)i * KEY_STRIDE) % n);
    k->hashes[i] = BENCH_HASH_BASE + item;
    snprintf(k->names[i], BENCH_NAME_MAX, "cgroup-%u", item);
  }
}

/* One block under one guard; exits on a wrong answer. */
static uint32_t
lookup_block(netipc_cache *c, const keys *k, uint32_t at, int miss)
{
  netipc_cache_guard g;
  uint32_t wrong = 0;
  netipc_cache_read_begin(c, &g);
  for (uint32_t i = 0; i < LOOKUP_BLOCK; i++) {
    const netipc_cache_item *it =
        netipc_cache_lookup(&g, k->hashes[at], k->names[at]);
    wrong += miss ? it != NULL : it == NULL || it->hash != k->hashes[at];
    if (++at == k->n)
      at = 0;
  }
  netipc_cache_read_end(&g);
  if (wrong != 0)
    die(miss ? "wrong answer: a lookup of an absent item found one"
             : "wrong answer: a lookup of a present item missed");
  return at;
}

typedef struct samples {
  double *v; /* per-lookup us of each block */
  size_t n, cap;
} samples;

static void
samples_add(samples *s, double us)
{
  if (s->n == s->cap) {
    s->cap = s->cap ? 2 * s->cap : LOOKUP_BLOCK;
    s->v = realloc(s->v, s->cap * sizeof *s->v);
    if (s->v == NULL)
      die("out of memory");
  }
  s->v[s->n++] = us;
}

static void
run(netipc_cache *c, const keys *k, int miss, uint32_t seconds,
    const char *scenario)
{
  samples s = {0};
  uint32_t at = 0;
  double cpu0 = bench_cpu(), t0 = bench_now(), end = t0 + seconds, t = t0;
  while (t < end) {
    double b0 = t;
    at = lookup_block(c, k, at, miss);
    t = bench_now();
    samples_add(&s, (t - b0) * 1e6 / LOOKUP_BLOCK);
  }
  double secs = t - t0, cpu = bench_cpu() - cpu0;
  qsort(s.v, s.n, sizeof *s.v, bench_cmp_double);
  printf("%s,%.0f,%.4f,%.4f,%.4f,%.1f\n", scenario,
         (double)s.n * LOOKUP_BLOCK / secs, bench_quantile(s.v, s.n, 0.50),
         bench_quantile(s.v, s.n, 0.95), bench_quantile(s.v, s.n, 0.99),
         100.0 * cpu / secs);
  free(s.v);
}

static netipc_server *
server_start(const char *dir, bench_set *set)
{
  netipc_server_config sc = {0};
  sc.run_dir = dir;
  sc.service_name = SERVICE;
  sc.method = NETIPC_METHOD_CGROUPS_SNAPSHOT;
  sc.cgroups_snapshot = serve;
  sc.user = set;
  sc.max_response_payload_bytes = RESPONSE_MAX;
  netipc_server *srv = NULL;
  if (netipc_server_create(&sc, &srv) != NETIPC_OK ||
      netipc_server_start(srv) != NETIPC_OK)
    die("server setup failed");
  return srv;
}

static netipc_cache *
cache_fill(const char *dir, uint32_t n)
{
  netipc_client_config cc = {0};
  cc.run_dir = dir;
  cc.service_name = SERVICE;
  cc.max_response_payload_bytes = RESPONSE_MAX;
  netipc_cache *c = NULL;
  netipc_err err;
  if (netipc_cache_create(&cc, &c) != NETIPC_OK ||
      !netipc_cache_refresh(c, 0, &err))
    die("cache refresh failed");
  netipc_cache_guard g;
  netipc_cache_read_begin(c, &g);
  uint32_t count = netipc_cache_count(&g);
  netipc_cache_read_end(&g);
  if (count != n)
    die("wrong answer: the cache holds a different item count");
  return c;
}

static uint32_t
arg_u32(const char *s, uint32_t min, uint32_t max)
{
  return bench_arg_u32(s, min, max, PROGRAM, USAGE);
}

int
main(int argc, char **argv)
{
  if (argc != 4 || (strcmp(argv[2], "hit") != 0 &&
                    strcmp(argv[2], "miss") != 0))
    die(USAGE);
  uint32_t n = arg_u32(argv[1], 1, ITEMS_MAX);
  int miss = strcmp(argv[2], "miss") == 0;
  uint32_t seconds = arg_u32(argv[3], 1, SECONDS_MAX);
  char dir[64], scenario[64];
  bench_rundir(dir, sizeof dir);
  bench_set set;
  keys k;
  set_make(&set, n);
  keys_make(&k, n, miss);
  netipc_server *srv = server_start(dir, &set);
  netipc_cache *c = cache_fill(dir, n);
  snprintf(scenario, sizeof scenario, "cache-lookup-%u-%s", n, argv[2]);
  run(c, &k, miss, seconds, scenario);
  netipc_cache_destroy(c);
  netipc_server_destroy(srv);
  bench_rundir_remove(dir);
  free(set.names);
  free(set.paths);
  free(k.hashes);
  free(k.names);
  return 0;
}
