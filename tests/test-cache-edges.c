/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-cache-edges - Level 3 cache: every call with NULL arguments (a
 * missing check crashes the test), creation and refresh when an
 * allocation fails (the cache stays usable and keeps the snapshot it had),
 * and lookups in a snapshot whose index could not be allocated (a linear
 * scan must give the same answers as the index).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>

#include <netipc/cache.h>

#include "cache-helpers.h"
#include "common/alloc.h"
#include "test-platform.h"
#include "tap.h"

#define PLAN 28

/* Allocation failures tried in a refresh: past the snapshot's arena and
 * its index (the 2nd allocation of a warm refresh) with room to spare.
 * A failed index allocation is not an error: the snapshot is published
 * without one and lookups scan, so the tries that succeed check every
 * lookup of a snapshot that has no index. */
#define REFRESH_FAIL_TRIES 8
/* Allocation failures tried in create; it makes fewer than this. */
#define CREATE_FAIL_TRIES 64

/* Generations of ch_gen_table: few distinct hashes, so chains are long. */
#define GEN_FIRST 3u
#define GEN_SECOND 4u

static char g_dir[128];

static void
test_null_args(void)
{
  netipc_cache_guard g;
  netipc_err err = NETIPC_OK;

  netipc_cache_read_begin(NULL, &g);
  ok(g.cache == NULL && g.snapshot == NULL, "read_begin(NULL): empty guard");
  netipc_cache_read_end(&g);
  netipc_cache_read_end(NULL);
  ok(netipc_cache_lookup(NULL, 1, "a") == NULL, "lookup: NULL guard");
  ok(netipc_cache_lookup(&g, 1, "a") == NULL, "lookup: guard w/o snapshot");
  ok(netipc_cache_lookup_n(NULL, 1, "a", 1) == NULL, "lookup_n: NULL guard");
  is_uint(netipc_cache_count(NULL), 0, "count: NULL guard");
  ok(netipc_cache_item_at(NULL, 0) == NULL, "item_at: NULL guard");
  is_uint(netipc_cache_generation(NULL), 0, "generation: NULL guard");
  is_uint(netipc_cache_systemd_enabled(NULL), 0, "systemd: NULL guard");
  ok(netipc_cache_item_copy(NULL) == NULL, "item_copy(NULL)");
  ok(!netipc_cache_refresh(NULL, 0, &err) && err == NETIPC_ERR_INVALID_ARG,
     "refresh(NULL): INVALID_ARG");
  ok(!netipc_cache_refresh(NULL, 0, NULL), "refresh(NULL) without err");
  ok(!netipc_cache_ready(NULL), "ready(NULL) is false");
  ok(netipc_cache_client(NULL) == NULL, "client(NULL)");
  netipc_cache_status st;
  memset(&st, 0xA5, sizeof st);
  netipc_cache_status_get(NULL, &st);
  ok(st.item_count == 0xA5A5A5A5u, "status_get(NULL) writes nothing");
  netipc_cache_abort(NULL);
  netipc_cache_clear_abort(NULL);
  netipc_cache_destroy(NULL);
  netipc_cache *c = (netipc_cache *)&g; /* never written through */
  netipc_client_config cfg;
  ch_client_config(&cfg, g_dir, "ce-null", 1000);
  is_err(netipc_cache_create(NULL, &c), NETIPC_ERR_INVALID_ARG,
         "create: NULL config");
  is_err(netipc_cache_create(&cfg, NULL), NETIPC_ERR_INVALID_ARG,
         "create: NULL out");
}

/* Every allocation of create failing in turn: NOMEM, *out untouched. */
static void
test_create_nomem(void)
{
  netipc_client_config cfg;
  ch_client_config(&cfg, g_dir, "ce-create", 1000);
  int nomem = 0, other = 0;
  netipc_cache *c = NULL;
  unsigned n;
  for (n = 1; n <= CREATE_FAIL_TRIES; n++) {
    netipc_cache *sentinel = (netipc_cache *)&cfg;
    c = sentinel;
    netipc__alloc_fail_after(n);
    netipc_err err = netipc_cache_create(&cfg, &c);
    netipc__alloc_fail_after(0);
    if (err == NETIPC_OK)
      break;
    if (err == NETIPC_ERR_NOMEM && c == sentinel)
      nomem++;
    else
      other++;
  }
  ok(n <= CREATE_FAIL_TRIES && c != NULL, "create succeeds at try %u", n);
  ok(nomem >= 2, "%d allocation failures gave NOMEM (calloc and more)",
     nomem);
  is_int(other, 0, "no other error, no write to *out on failure");
  if (n <= CREATE_FAIL_TRIES)
    netipc_cache_destroy(c);
}

/* 1 when the guard holds exactly generation g, found by every lookup. */
static int
gen_all_found(const netipc_cache_guard *g, uint64_t gen)
{
  char name[64], why[128];
  uint32_t n = ch_gen_count(gen);
  if (netipc_cache_count(g) != n || netipc_cache_generation(g) != gen)
    return 0;
  for (uint32_t i = 0; i < n; i++) {
    ch_gen_name(gen, i, name, sizeof name);
    uint32_t h = ch_gen_hash(name);
    const netipc_cache_item *a = netipc_cache_lookup(g, h, name);
    const netipc_cache_item *b = netipc_cache_lookup_n(g, h, name,
                                                       strlen(name));
    if (a != netipc_cache_item_at(g, i) || b != a ||
        !ch_gen_item_ok(a, gen, i, why, sizeof why)) {
      diag("item %u: %s", i, why);
      return 0;
    }
    /* The same length and hash, one byte different ('#' is in no name):
     * a miss for both kinds of key. */
    name[strlen(name) - 1] = '#';
    if (netipc_cache_lookup(g, h, name) != NULL ||
        netipc_cache_lookup_n(g, h, name, strlen(name)) != NULL) {
      diag("item %u: a changed name matched", i);
      return 0;
    }
  }
  /* Misses: a known hash with an unknown name, a sized prefix. */
  ch_gen_name(gen, 0, name, sizeof name);
  uint32_t h = ch_gen_hash(name);
  return netipc_cache_lookup(g, h, "no-such-item") == NULL &&
         netipc_cache_lookup_n(g, h, name, strlen(name) - 1) == NULL &&
         netipc_cache_lookup(g, h, NULL) == NULL &&
         netipc_cache_lookup_n(g, h, NULL, 0) == NULL;
}

static void
test_refresh_nomem(ch_server *srv)
{
  netipc_client_config cfg;
  ch_client_config(&cfg, g_dir, srv->svc, 10000);
  netipc_cache *c = ch_cache_new(&cfg);
  netipc_err err = NETIPC_OK;

  ch_server_set(srv, ch_gen_table(GEN_FIRST));
  ok(netipc_cache_refresh(c, 0, &err), "warm-up refresh");
  ch_server_set(srv, ch_gen_table(GEN_SECOND));

  int failed_kept = 0, failed_lost = 0, succeeded_ok = 0, succeeded_bad = 0;
  for (unsigned n = 1; n <= REFRESH_FAIL_TRIES; n++) {
    netipc_cache_status before = ch_status(c);
    netipc__alloc_fail_after(n);
    bool done = netipc_cache_refresh(c, 0, &err);
    netipc__alloc_fail_after(0);
    netipc_cache_status after = ch_status(c);
    netipc_cache_guard g;
    netipc_cache_read_begin(c, &g);
    if (!done) {
      /* The snapshot published before stays, whole. */
      if (after.refresh_failure_count == before.refresh_failure_count + 1 &&
          gen_all_found(&g, before.generation))
        failed_kept++;
      else
        failed_lost++;
    } else if (gen_all_found(&g, GEN_SECOND) &&
               after.refresh_success_count ==
                   before.refresh_success_count + 1) {
      succeeded_ok++;
    } else {
      succeeded_bad++;
    }
    netipc_cache_read_end(&g);
  }
  ok(failed_kept >= 1, "%d failed refreshes kept the old snapshot",
     failed_kept);
  is_int(failed_lost, 0, "no failed refresh lost or changed the snapshot");
  ok(succeeded_ok >= 1, "%d refreshes succeeded despite a failure (index "
     "or a later allocation): every lookup right", succeeded_ok);
  is_int(succeeded_bad, 0, "no successful refresh gave wrong lookups");

  /* Copies: NULL when their allocation fails, exact otherwise. */
  netipc_cache_guard g;
  netipc_cache_read_begin(c, &g);
  const netipc_cache_item *it = netipc_cache_item_at(&g, 0);
  netipc__alloc_fail_after(1);
  netipc_cache_item *copy = netipc_cache_item_copy(it);
  netipc__alloc_fail_after(0);
  ok(copy == NULL, "item_copy: NULL when the allocation fails");
  copy = netipc_cache_item_copy(it);
  ok(copy != NULL && copy->name != it->name &&
         strcmp(copy->name, it->name) == 0 &&
         memcmp(copy->path, it->path, (size_t)it->path_len + 1) == 0,
     "item_copy: a deep copy");
  netipc_cache_item_free(copy);
  is_uint(netipc_cache_systemd_enabled(&g), ch_gen_systemd(GEN_SECOND),
          "systemd_enabled of the guard");
  netipc_cache_read_end(&g);
  ok(netipc_cache_client(c) != NULL, "the cache has its client");
  netipc_cache_status_get(c, NULL); /* must not crash */
  netipc_cache_destroy(c);
}

int
main(void)
{
  ch_alarm();
  plan(PLAN);
  tp_rundir_make(g_dir, sizeof g_dir, "cache-edges");

  test_null_args();
  test_create_nomem();

  ch_server srv;
  ch_server_init(&srv, g_dir, "ce-main", 0, 0);
  ch_server_start(&srv);
  test_refresh_nomem(&srv);
  ch_server_fini(&srv);

  tp_rundir_remove(g_dir);
  return exit_status();
}
