/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-cache-refresh - Level 3 cache refresh (level3.md 4, 10): rebuild on
 * every success with no generation check, and a failed refresh never
 * touches the published snapshot: provider stopped, provider restarted,
 * malformed responses (stage A and stage B), timeouts (explicit and the
 * context default) and abort from another thread.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netipc/cache.h>

#include "cache-helpers.h"
#include "cache-raw-posix.h"
#include "tap.h"

#define SVC "cr-main"

/* The checks of section (c), malformed responses from a raw server. */
#define MALFORMED_TESTS 28

static char g_dir[128];

/*
 * Table "tag": n items "<tag>-<i>" with path "/sys/fs/cgroup/<tag>-<i>",
 * options gen * 100 + i, then "common" with path "/common/<tag>".
 */
static ch_table *
mk(const char *tag, uint64_t gen, uint32_t n)
{
  ch_table *t = ch_table_new((uint32_t)(gen & 1), gen);
  char name[64], path[96];
  for (uint32_t i = 0; i < n; i++) {
    snprintf(name, sizeof name, "%s-%u", tag, i);
    snprintf(path, sizeof path, "/sys/fs/cgroup/%s", name);
    ch_table_add_str(t, netipc_simple_hash(name, strlen(name)),
                     (uint32_t)gen * 100u + i, i & 1, name, path);
  }
  snprintf(path, sizeof path, "/common/%s", tag);
  ch_table_add_str(t, netipc_simple_hash("common", 6), (uint32_t)gen, 1,
                   "common", path);
  return t;
}

/* 1 when a guard on c sees exactly table t (unique names), else 0. */
static int
holds(netipc_cache *c, const ch_table *t)
{
  netipc_cache_guard g;
  netipc_cache_read_begin(c, &g);
  int good = netipc_cache_count(&g) == t->count &&
             netipc_cache_generation(&g) == t->generation &&
             netipc_cache_systemd_enabled(&g) == t->systemd_enabled;
  for (uint32_t i = 0; good && i < t->count; i++) {
    const ch_item *w = &t->items[i];
    const netipc_cache_item *it = netipc_cache_lookup(&g, w->hash, w->name);
    good = it != NULL && it == netipc_cache_item_at(&g, i) &&
           it->options == w->options && it->enabled == w->enabled &&
           strcmp(it->path, w->path) == 0 && strcmp(it->name, w->name) == 0;
  }
  netipc_cache_read_end(&g);
  return good;
}

/* 1 when none of t's "<tag>-<i>" items is visible in c. */
static int
lacks(netipc_cache *c, const ch_table *t)
{
  netipc_cache_guard g;
  netipc_cache_read_begin(c, &g);
  int good = 1;
  for (uint32_t i = 0; good && i + 1 < t->count; i++)
    good = netipc_cache_lookup(&g, t->items[i].hash, t->items[i].name) == NULL;
  netipc_cache_read_end(&g);
  return good;
}

/* Publish table `t` through the managed server; keeps a copy in *keep. */
static void
serve(ch_server *s, const char *tag, uint64_t gen, uint32_t n,
      ch_table **keep)
{
  ch_table_free(*keep);
  *keep = mk(tag, gen, n);
  ch_server_set(s, mk(tag, gen, n));
}

/* ---- little-endian field access in crafted payloads ----------------- */

static uint32_t
ld32(const uint8_t *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static void
st32(uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

static void
st16(uint8_t *p, uint16_t v)
{
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}

/* Start of item i in a canonical payload with `count` items. */
static uint8_t *
item_ptr(uint8_t *payload, uint32_t count, uint32_t i)
{
  uint32_t area = 24u + 8u * count;
  return payload + area + ld32(payload + 24u + 8u * i);
}

static int
stage_b_error(netipc_err e)
{
  return e == NETIPC_ERR_MISSING_NUL || e == NETIPC_ERR_OVERLAP ||
         e == NETIPC_ERR_BAD_LAYOUT || e == NETIPC_ERR_OUT_OF_BOUNDS ||
         e == NETIPC_ERR_TRUNCATED || e == NETIPC_ERR_BAD_ALIGNMENT ||
         e == NETIPC_ERR_BAD_FLAGS;
}

/* ---- abort from another thread ------------------------------------- */

typedef struct refresh_job {
  netipc_cache *cache;
  uint32_t timeout_ms;
  bool result;
  netipc_err err;
  uint64_t elapsed_ms;
} refresh_job;

static void
refresh_job_run(void *arg)
{
  refresh_job *j = arg;
  uint64_t t0 = tp_now_ms();
  j->result = netipc_cache_refresh(j->cache, j->timeout_ms, &j->err);
  j->elapsed_ms = tp_now_ms() - t0;
}

int
main(void)
{
  ch_alarm();
  plan(83);
  tp_rundir_make(g_dir, sizeof g_dir, "cache-refresh");

  ch_server srv;
  ch_server_init(&srv, g_dir, SVC, 0, 0);
  ch_table *cur = NULL; /* what the cache must hold */
  ch_table *next = NULL;
  serve(&srv, "a", 10, 3, &cur);
  ch_server_start(&srv);

  netipc_client_config cfg;
  ch_client_config(&cfg, g_dir, SVC, 10000);
  netipc_cache *c = ch_cache_new(&cfg);
  netipc_err err = NETIPC_ERR_SYSTEM;
  uint32_t fails = 0, wins = 0;
  netipc_cache_status st;

  /* ---- rebuild on every refresh ------------------------------------ */
  diag("rebuild on the next refresh");
  ok(netipc_cache_refresh(c, 0, &err), "first refresh");
  wins++;
  ok(holds(c, cur), "the cache holds generation 10");
  uint64_t first_ts = ch_status(c).last_refresh_ms;
  tp_sleep_ms(5);

  serve(&srv, "b", 11, 4, &cur);
  ok(netipc_cache_refresh(c, 0, &err), "second refresh");
  wins++;
  ok(holds(c, cur), "new data visible: generation 11, 5 items");
  next = mk("a", 10, 3);
  ok(lacks(c, next), "the old items are gone");
  ch_table_free(next);
  {
    netipc_cache_guard g;
    netipc_cache_read_begin(c, &g);
    const netipc_cache_item *it =
        netipc_cache_lookup(&g, netipc_simple_hash("common", 6), "common");
    ok(it != NULL && strcmp(it->path, "/common/b") == 0,
       "an item present in both snapshots has the new values");
    netipc_cache_read_end(&g);
  }
  st = ch_status(c);
  is_uint(st.refresh_success_count, 2, "success count 2");
  is_uint(st.generation, 11, "status generation 11");
  ok(st.last_refresh_ms > first_ts, "last_refresh_ms moved forward");

  /* ---- no generation check ------------------------------------------ */
  diag("no generation check");
  serve(&srv, "c", 3, 2, &cur);
  ok(netipc_cache_refresh(c, 0, &err), "a lower generation is accepted");
  wins++;
  ok(holds(c, cur), "generation 3 replaced generation 11");
  serve(&srv, "d", 3, 6, &cur);
  ok(netipc_cache_refresh(c, 0, &err), "an equal generation is accepted");
  wins++;
  ok(holds(c, cur), "equal generation: the new data replaced the old");

  /* ---- (a) server stopped ------------------------------------------- */
  diag("(a) provider stopped");
  ch_server_stop(&srv);
  err = NETIPC_OK;
  ok(!netipc_cache_refresh(c, 0, &err), "refresh fails with the server gone");
  fails++;
  ok(err != NETIPC_OK, "an error is reported (%s)", netipc_err_name(err));
  st = ch_status(c);
  is_uint(st.refresh_failure_count, fails, "failure count %u", fails);
  is_uint(st.refresh_success_count, wins, "success count unchanged");
  ok(st.connection_state != NETIPC_CLIENT_READY,
     "connection_state is not READY (%s)",
     netipc_client_state_name(st.connection_state));
  ok(st.populated && st.generation == 3 && st.item_count == cur->count,
     "status still describes the old snapshot");
  ok(netipc_cache_ready(c), "still ready");
  ok(holds(c, cur), "old items still found");
  ok(!netipc_cache_refresh(c, 0, &err), "a second refresh fails too");
  fails++;
  is_uint(ch_status(c).refresh_failure_count, fails, "each failure counts");
  ok(holds(c, cur), "old items still found after two failures");

  /* ---- (b) server restarted with new data --------------------------- */
  diag("(b) provider restarted");
  serve(&srv, "e", 20, 7, &cur);
  ch_server_start(&srv);
  ok(netipc_cache_refresh(c, 0, &err), "refresh after the restart succeeds");
  wins++;
  ok(holds(c, cur), "the restarted provider's data is published");
  st = ch_status(c);
  is_int(st.connection_state, NETIPC_CLIENT_READY, "connection READY again");
  ok(st.refresh_success_count == wins && st.refresh_failure_count == fails,
     "counters: %u successes, %u failures", wins, fails);

  /* ---- (c) malformed responses (raw server) -------------------------- */
  diag("(c) malformed responses");
  ch_server_stop(&srv);
  if (!svc_raw_supported()) {
    skip(MALFORMED_TESTS, "the crafted-bytes server is raw AF_UNIX");
  } else {
    uint8_t good[4096], bad[4096];
    ch_table *f = mk("f", 30, 3);
    size_t flen = ch_table_encode(f, good, sizeof good);
    ch_raw_server raw;
    ch_raw_server_start(&raw, g_dir, SVC, good, flen);
    ok(netipc_cache_refresh(c, 0, &err), "raw server, valid bytes: published");
    wins++;
    ch_table_free(cur);
    cur = f;
    ok(holds(c, cur), "the raw server's snapshot is in the cache");
    int req0 = atomic_load(&raw.requests);

    static const char *const stage_b[] = {
        "name without its NUL", "overlapping name and path",
        "item layout_version 2"};
    for (int k = 0; k < 3; k++) {
      memcpy(bad, good, flen);
      ch_table *g2 = mk("g", 31, 3);
      size_t glen = ch_table_encode(g2, bad, sizeof bad);
      uint8_t *item = item_ptr(bad, g2->count, 1);
      if (k == 0) {
        item[32 + ld32(item + 20)] = 'X'; /* the name's NUL */
      } else if (k == 1) {
        st32(item + 24, ld32(item + 16)); /* path = name */
        st32(item + 28, ld32(item + 20));
      } else {
        st16(item, 2);
      }
      ch_raw_server_set_payload(&raw, bad, glen);
      err = NETIPC_OK;
      ok(!netipc_cache_refresh(c, 0, &err), "stage B (%s): refresh fails",
         stage_b[k]);
      fails++;
      ok(stage_b_error(err), "... with an item validation error (%s)",
         netipc_err_name(err));
      is_int(atomic_load(&raw.requests) - req0, 1,
             "... after exactly one request (no Level 2 retry)");
      req0 = atomic_load(&raw.requests);
      ok(holds(c, cur) && lacks(c, g2), "... the old cache is intact");
      is_uint(ch_status(c).refresh_failure_count, fails,
              "... failure count %u", fails);
      ch_table_free(g2);
    }

    static const char *const stage_a[] = {"snapshot layout_version 2",
                                          "misaligned directory entry"};
    for (int k = 0; k < 2; k++) {
      memcpy(bad, good, flen);
      if (k == 0)
        st16(bad, 2);
      else
        st32(bad + 24 + 8, ld32(bad + 24 + 8) + 4);
      ch_raw_server_set_payload(&raw, bad, flen);
      err = NETIPC_OK;
      ok(!netipc_cache_refresh(c, 0, &err), "stage A (%s): refresh fails",
         stage_a[k]);
      fails++;
      ok(err != NETIPC_OK, "... with an error (%s)", netipc_err_name(err));
      is_int(atomic_load(&raw.requests) - req0, 2,
             "... after two requests (Level 2 retries once)");
      req0 = atomic_load(&raw.requests);
      st = ch_status(c);
      is_int(st.connection_state, NETIPC_CLIENT_BROKEN, "... context BROKEN");
      ok(holds(c, cur) && st.refresh_failure_count == fails,
         "... the old cache is intact, failure counted");
    }
    ch_raw_server_stop(&raw);
    ok(!atomic_load(&raw.failed), "the raw server saw no handshake failure");

  }

  /* Back to a real provider. */
  serve(&srv, "h", 40, 5, &cur);
  ch_server_start(&srv);
  ok(netipc_cache_refresh(c, 0, &err), "a valid provider again: published");
  wins++;
  ok(holds(c, cur), "its data replaced the raw server's");

  /* ---- (d) timeout -------------------------------------------------- */
  diag("(d) timeout");
  ch_table *old = mk("h", 40, 5);
  serve(&srv, "i", 50, 4, &cur);
  atomic_store(&srv.sleep_ms, 3000);
  unsigned calls0 = atomic_load(&srv.calls);
  uint64_t t0 = tp_now_ms();
  err = NETIPC_OK;
  ok(!netipc_cache_refresh(c, 300, &err), "a 300 ms refresh of a slow "
                                          "provider fails");
  uint64_t took = tp_now_ms() - t0;
  fails++;
  is_err(err, NETIPC_ERR_TIMEOUT, "... with TIMEOUT");
  ok(took >= 250 && took < 2500, "... after about 300 ms (%llu)",
     (unsigned long long)took);
  ok(atomic_load(&srv.calls) == calls0 + 1,
     "... the request reached the handler once (no retry after TIMEOUT)");
  st = ch_status(c);
  ok(holds(c, old) && st.refresh_failure_count == fails &&
         st.refresh_success_count == wins,
     "... the old cache is intact, failure counted");
  is_int(st.connection_state, NETIPC_CLIENT_BROKEN, "... context BROKEN");

  /* The context default is the refresh timeout when 0 is passed. */
  netipc_client_config short_cfg;
  ch_client_config(&short_cfg, g_dir, SVC, 300);
  netipc_cache *c2 = ch_cache_new(&short_cfg);
  t0 = tp_now_ms();
  err = NETIPC_OK;
  ok(!netipc_cache_refresh(c2, 0, &err),
     "timeout 0 uses the context default (300 ms)");
  took = tp_now_ms() - t0;
  is_err(err, NETIPC_ERR_TIMEOUT, "... TIMEOUT");
  ok(took >= 250 && took < 2500, "... after about 300 ms (%llu)",
     (unsigned long long)took);
  ok(!netipc_cache_ready(c2), "... nothing published");
  netipc_cache_destroy(c2);

  atomic_store(&srv.sleep_ms, 0);
  ok(netipc_cache_refresh(c, 0, &err), "the provider is fast again: "
                                       "published");
  wins++;
  ok(holds(c, cur), "the new data is in the cache");

  /* ---- abort from another thread ----------------------------------- */
  diag("abort during a slow refresh");
  ch_table_free(old);
  old = mk("i", 50, 4);
  serve(&srv, "j", 60, 6, &cur);
  atomic_store(&srv.sleep_ms, 5000);
  calls0 = atomic_load(&srv.calls);
  refresh_job job = {.cache = c, .timeout_ms = 0, .err = NETIPC_OK};
  ch_task task;
  ch_task_start(&task, refresh_job_run, &job);
  ok(ch_server_wait_calls(&srv, calls0 + 1, 5000),
     "the refresh is waiting on the handler");
  tp_sleep_ms(50);
  netipc_cache_abort(c);
  ch_task_join(&task, 4000, "refresh after abort");
  ok(!job.result, "the aborted refresh returns false");
  fails++;
  is_err(job.err, NETIPC_ERR_ABORTED, "... with ABORTED");
  ok(job.elapsed_ms < 4000, "... long before the handler answers (%llu ms)",
     (unsigned long long)job.elapsed_ms);
  atomic_store(&srv.sleep_ms, 0);
  st = ch_status(c);
  ok(holds(c, old) && st.refresh_failure_count == fails,
     "... the old cache is intact, failure counted");
  is_int(st.connection_state, NETIPC_CLIENT_BROKEN, "... context BROKEN");

  err = NETIPC_OK;
  ok(!netipc_cache_refresh(c, 0, &err), "while the flag is set, refresh fails");
  fails++;
  is_err(err, NETIPC_ERR_ABORTED, "... with ABORTED");
  ok(holds(c, old), "... the old cache is intact");
  netipc_cache_clear_abort(c);
  ok(netipc_cache_refresh(c, 0, &err), "after clear_abort, refresh works");
  wins++;
  ok(holds(c, cur), "the new data is in the cache");
  st = ch_status(c);
  ok(st.refresh_success_count == wins && st.refresh_failure_count == fails,
     "final counters: %u successes, %u failures (got %u, %u)", wins, fails,
     st.refresh_success_count, st.refresh_failure_count);
  is_int(st.connection_state, NETIPC_CLIENT_READY, "context READY");

  netipc_cache_destroy(c);
  ch_table_free(cur);
  ch_table_free(old);
  ch_server_fini(&srv);
  tp_rundir_remove(g_dir);
  return exit_status();
}
