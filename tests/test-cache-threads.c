/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-cache-threads - Level 3 cache under concurrency (level3.md 7):
 * readers on several threads take guards and look items up while another
 * thread refreshes in a loop with new data and a new generation each time,
 * a third kind of thread reads the status; every view must belong to the
 * guard's snapshot. Also: a refresh that meets a held guard waits for it
 * and the guard keeps seeing its own snapshot meanwhile. Meant to be run
 * under valgrind and ThreadSanitizer too.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netipc/cache.h>

#include "cache-helpers.h"
#include "tap.h"

#define READERS 4
#define MIN_REFRESHES 20u
#define RUN_MS 2000u
/*
 * The refresh loop must reach MIN_REFRESHES within this time while the
 * readers keep going (x3 under valgrind); then the readers are stopped
 * anyway, so a starved refresh fails the test instead of hanging it.
 */
#define MAX_RUN_MS 20000u

static char g_dir[128];

typedef struct shared {
  netipc_cache *cache;
  ch_server *server;
  atomic_int stop;
} shared;

/* ---- readers --------------------------------------------------------- */

typedef struct reader {
  shared *sh;
  uint32_t seed;
  bool yield; /* under valgrind: tp_yield after each guard */
  /* results, read after the join */
  uint64_t guards;        /* guards taken */
  uint64_t published;     /* guards that saw a snapshot */
  uint64_t lookups;       /* successful checked lookups */
  uint64_t copies;        /* copies checked after read_end */
  uint64_t generations;   /* generation changes seen */
  uint64_t bad;           /* inconsistencies */
  char first_bad[160];
} reader;

/* Count an inconsistency; the first one is kept for the diagnostics. */
static void
reader_note(reader *r, const char *what)
{
  if (r->bad++ == 0)
    snprintf(r->first_bad, sizeof r->first_bad, "%s", what);
}

static uint32_t
next_rand(uint32_t *s)
{
  *s = *s * 1103515245u + 12345u;
  return *s >> 8;
}

static void
reader_run(void *arg)
{
  reader *r = arg;
  uint64_t last_gen = 0;
  char why[160], name[96];
  while (!atomic_load(&r->sh->stop)) {
    netipc_cache_guard g;
    netipc_cache_item *copy = NULL;
    uint64_t copy_gen = 0;
    uint32_t copy_index = 0;
    netipc_cache_read_begin(r->sh->cache, &g);
    r->guards++;
    uint64_t gen = netipc_cache_generation(&g);
    uint32_t n = netipc_cache_count(&g);
    if (gen == 0) {
      if (n != 0 || netipc_cache_item_at(&g, 0) != NULL)
        reader_note(r, "a guard without a snapshot has items");
    } else {
      r->published++;
      if (gen < last_gen) {
        snprintf(why, sizeof why, "generation went back from %llu to %llu",
                 (unsigned long long)last_gen, (unsigned long long)gen);
        reader_note(r, why);
      }
      if (gen != last_gen)
        r->generations++;
      last_gen = gen;
      if (n != ch_gen_count(gen)) {
        snprintf(why, sizeof why, "generation %llu has %u items",
                 (unsigned long long)gen, n);
        reader_note(r, why);
      }
      if (netipc_cache_systemd_enabled(&g) != ch_gen_systemd(gen)) {
        snprintf(why, sizeof why, "generation %llu: systemd_enabled %u",
                 (unsigned long long)gen, netipc_cache_systemd_enabled(&g));
        reader_note(r, why);
      }
      for (int k = 0; k < 8 && n != 0; k++) {
        uint32_t i = next_rand(&r->seed) % n;
        ch_gen_name(gen, i, name, sizeof name);
        const netipc_cache_item *it =
            netipc_cache_lookup(&g, ch_gen_hash(name), name);
        if (!ch_gen_item_ok(it, gen, i, why, sizeof why)) {
          reader_note(r, why);
        } else if (it != netipc_cache_item_at(&g, i)) {
          snprintf(why, sizeof why,
                   "lookup of item %u (generation %llu) is not item_at", i,
                   (unsigned long long)gen);
          reader_note(r, why);
        } else {
          r->lookups++;
        }
        if (!ch_gen_item_ok(netipc_cache_item_at(&g, i), gen, i, why,
                            sizeof why))
          reader_note(r, why);
      }
      /* Names of the next generation are never in this snapshot. */
      ch_gen_name(gen + 1, 0, name, sizeof name);
      if (netipc_cache_lookup(&g, ch_gen_hash(name), name) != NULL) {
        snprintf(why, sizeof why, "a generation %llu guard found %s",
                 (unsigned long long)gen, name);
        reader_note(r, why);
      }
      if ((r->guards & 31u) == 0 && n != 0) {
        copy_index = next_rand(&r->seed) % n;
        copy = netipc_cache_item_copy(netipc_cache_item_at(&g, copy_index));
        copy_gen = gen;
      }
    }
    netipc_cache_read_end(&g);
    if (copy != NULL) {
      if (!ch_gen_item_ok(copy, copy_gen, copy_index, why, sizeof why))
        reader_note(r, why);
      r->copies++;
      netipc_cache_item_free(copy);
    }
    /* valgrind runs one thread at a time and switches rarely: let the
     * refresher and the server in, or the run measures the scheduler. */
    if (r->yield)
      tp_yield();
  }
}

/* ---- status poller --------------------------------------------------- */

typedef struct poller {
  shared *sh;
  uint64_t polls;
  uint64_t bad;
  char first_bad[160];
} poller;

static void
poller_run(void *arg)
{
  poller *p = arg;
  uint32_t last_success = 0;
  uint64_t last_ts = 0;
  while (!atomic_load(&p->sh->stop)) {
    netipc_cache_status st;
    netipc_cache_status_get(p->sh->cache, &st);
    p->polls++;
    const char *bad = NULL;
    if (st.populated && st.item_count != ch_gen_count(st.generation))
      bad = "item_count does not match generation";
    else if (st.populated && st.systemd_enabled != ch_gen_systemd(st.generation))
      bad = "systemd_enabled does not match generation";
    else if (st.populated != (st.refresh_success_count != 0))
      bad = "populated does not match the success count";
    else if (st.refresh_success_count < last_success)
      bad = "success count went back";
    else if (st.last_refresh_ms < last_ts)
      bad = "last_refresh_ms went back";
    else if (st.refresh_failure_count != 0)
      bad = "a refresh failed";
    if (bad != NULL && p->bad++ == 0)
      snprintf(p->first_bad, sizeof p->first_bad,
               "%s (generation %llu, items %u, successes %u)", bad,
               (unsigned long long)st.generation, st.item_count,
               st.refresh_success_count);
    last_success = st.refresh_success_count;
    last_ts = st.last_refresh_ms;
    tp_sleep_ms(1);
  }
}

/* ---- refresher ------------------------------------------------------- */

typedef struct refresher {
  shared *sh;
  uint64_t gen;        /* last generation served */
  uint32_t refreshes;  /* successful */
  uint32_t failures;
  netipc_err first_err;
} refresher;

static void
refresher_run(void *arg)
{
  refresher *w = arg;
  uint64_t start = tp_now_ms();
  for (;;) {
    uint64_t elapsed = tp_now_ms() - start;
    if ((elapsed >= RUN_MS && w->refreshes >= MIN_REFRESHES) ||
        atomic_load(&w->sh->stop))
      break;
    w->gen++;
    ch_server_set(w->sh->server, ch_gen_table(w->gen));
    netipc_err err = NETIPC_OK;
    if (netipc_cache_refresh(w->sh->cache, 0, &err)) {
      w->refreshes++;
    } else {
      if (w->failures++ == 0)
        w->first_err = err;
    }
  }
}

/* ---- a held guard delays the publication ----------------------------- */

typedef struct holder {
  netipc_cache *cache;
  atomic_int holding;
  uint64_t gen;           /* generation of the guard */
  uint64_t released_at;   /* monotonic ms of read_end */
  int stayed;             /* the guard's view never changed while held */
} holder;

static void
holder_run(void *arg)
{
  holder *h = arg;
  netipc_cache_guard g;
  netipc_cache_read_begin(h->cache, &g);
  h->gen = netipc_cache_generation(&g);
  char name[96];
  ch_gen_name(h->gen, 0, name, sizeof name);
  const netipc_cache_item *it = netipc_cache_lookup(&g, ch_gen_hash(name), name);
  h->stayed = ch_gen_item_ok(it, h->gen, 0, NULL, 0);
  atomic_store(&h->holding, 1);
  uint64_t until = tp_now_ms() + 400;
  while (tp_now_ms() < until) {
    /* The snapshot under the guard must not change or go away. */
    if (netipc_cache_generation(&g) != h->gen ||
        netipc_cache_count(&g) != ch_gen_count(h->gen) ||
        !ch_gen_item_ok(it, h->gen, 0, NULL, 0))
      h->stayed = 0;
    tp_sleep_ms(5);
  }
  h->released_at = tp_now_ms();
  netipc_cache_read_end(&g);
}

int
main(void)
{
  ch_alarm();
  plan(20);
  tp_rundir_make(g_dir, sizeof g_dir, "cache-threads");

  ch_server srv;
  ch_server_init(&srv, g_dir, "ct-main", 0, 0);
  ch_server_start(&srv);
  netipc_client_config cfg;
  ch_client_config(&cfg, g_dir, "ct-main", 10000);

  /* ---- readers vs a refresh loop ------------------------------------ */
  diag("%d readers and a status poller while a thread refreshes", READERS);
  shared sh = {.cache = ch_cache_new(&cfg), .server = &srv};
  reader rd[READERS];
  ch_task rt[READERS], pt, wt;
  poller pl;
  refresher wr;
  memset(rd, 0, sizeof rd);
  memset(&pl, 0, sizeof pl);
  memset(&wr, 0, sizeof wr);
  for (int i = 0; i < READERS; i++) {
    rd[i].sh = &sh;
    rd[i].seed = 0x9E3779B9u * (uint32_t)(i + 1);
    rd[i].yield = ch_under_valgrind();
    ch_task_start(&rt[i], reader_run, &rd[i]);
  }
  pl.sh = &sh;
  ch_task_start(&pt, poller_run, &pl);
  wr.sh = &sh;
  ch_task_start(&wt, refresher_run, &wr);
  uint64_t limit = (uint64_t)MAX_RUN_MS * (ch_under_valgrind() ? 3u : 1u);
  uint64_t t0 = tp_now_ms();
  while (!atomic_load(&wt.done) && tp_now_ms() - t0 < limit)
    tp_sleep_ms(10);
  int in_time = atomic_load(&wt.done);
  uint64_t loop_ms = tp_now_ms() - t0;
  /* Let the readers see the last snapshot for a moment. */
  tp_sleep_ms(20);
  atomic_store(&sh.stop, 1);
  for (int i = 0; i < READERS; i++)
    ch_task_join(&rt[i], 30000, "reader");
  ch_task_join(&pt, 30000, "status poller");
  ch_task_join(&wt, 30000, "refresher");

  diag("%u refreshes (last generation %llu), %u failures", wr.refreshes,
       (unsigned long long)wr.gen, wr.failures);
  ok(in_time, "the refresh loop finished while the readers ran (%llu ms; "
              "a refresh must not starve behind readers)",
     (unsigned long long)loop_ms);
  ok(wr.refreshes >= MIN_REFRESHES, "at least %u refreshes succeeded",
     MIN_REFRESHES);
  is_uint(wr.failures, 0, "no refresh failed");
  if (wr.failures != 0)
    diag("first failure: %s", netipc_err_name(wr.first_err));
  uint64_t bad = 0, lookups = 0, published = 0, copies = 0, gens = 0;
  int all_progress = 1, all_moved = 1;
  for (int i = 0; i < READERS; i++) {
    diag("reader %d: %llu guards, %llu with data, %llu lookups, %llu copies, "
         "%llu generation changes, %llu bad",
         i, (unsigned long long)rd[i].guards,
         (unsigned long long)rd[i].published,
         (unsigned long long)rd[i].lookups, (unsigned long long)rd[i].copies,
         (unsigned long long)rd[i].generations, (unsigned long long)rd[i].bad);
    if (rd[i].bad != 0)
      diag("reader %d first inconsistency: %s", i, rd[i].first_bad);
    bad += rd[i].bad;
    lookups += rd[i].lookups;
    published += rd[i].published;
    copies += rd[i].copies;
    gens += rd[i].generations;
    if (rd[i].lookups == 0)
      all_progress = 0;
    if (rd[i].generations < 2)
      all_moved = 0;
  }
  is_uint(bad, 0, "readers saw no inconsistency");
  ok(all_progress, "every reader made checked lookups (%llu in total)",
     (unsigned long long)lookups);
  ok(all_moved, "every reader saw the generation change");
  ok(copies > 0, "readers checked copies after releasing guards (%llu)",
     (unsigned long long)copies);
  ok(published > 0 && gens > 0, "guards saw published snapshots");
  is_uint(pl.bad, 0, "status records were consistent (%llu polls)",
          (unsigned long long)pl.polls);
  if (pl.bad != 0)
    diag("status: %s", pl.first_bad);
  ok(pl.polls > 0, "the status poller ran");

  netipc_cache_status st = ch_status(sh.cache);
  is_uint(st.refresh_success_count, wr.refreshes,
          "status success count equals the refreshes");
  is_uint(st.generation, wr.gen, "status has the last generation");
  {
    netipc_cache_guard g;
    netipc_cache_read_begin(sh.cache, &g);
    int all = netipc_cache_count(&g) == ch_gen_count(wr.gen);
    char name[96];
    for (uint32_t i = 0; all && i < ch_gen_count(wr.gen); i++) {
      ch_gen_name(wr.gen, i, name, sizeof name);
      all = ch_gen_item_ok(netipc_cache_lookup(&g, ch_gen_hash(name), name),
                           wr.gen, i, NULL, 0);
    }
    netipc_cache_read_end(&g);
    ok(all, "the final snapshot is complete and correct");
  }

  /* ---- a held guard delays the publication -------------------------- */
  diag("a refresh waits for a held guard");
  holder h;
  memset(&h, 0, sizeof h);
  h.cache = sh.cache;
  ch_task ht;
  ch_task_start(&ht, holder_run, &h);
  uint64_t end = tp_now_ms() + 10000;
  while (!atomic_load(&h.holding) && tp_now_ms() < end)
    tp_sleep_ms(1);
  ok(atomic_load(&h.holding), "another thread holds a guard");
  uint64_t next_gen = wr.gen + 1;
  ch_server_set(&srv, ch_gen_table(next_gen));
  netipc_err err = NETIPC_ERR_SYSTEM;
  bool refreshed = netipc_cache_refresh(sh.cache, 0, &err);
  uint64_t returned_at = tp_now_ms();
  ch_task_join(&ht, 10000, "guard holder");
  ok(refreshed && err == NETIPC_OK, "the refresh publishes (%s)",
     netipc_err_name(err));
  ok(returned_at >= h.released_at,
     "it returned only after the guard was released");
  is_uint(h.gen, wr.gen, "the held guard had the previous generation");
  ok(h.stayed, "the held guard's items stayed valid and unchanged");
  st = ch_status(sh.cache);
  ok(st.generation == next_gen && st.refresh_success_count == wr.refreshes + 1,
     "the new generation is published afterwards");
  {
    netipc_cache_guard g;
    netipc_cache_read_begin(sh.cache, &g);
    char name[96];
    ch_gen_name(next_gen, 3, name, sizeof name);
    ok(netipc_cache_generation(&g) == next_gen &&
           ch_gen_item_ok(netipc_cache_lookup(&g, ch_gen_hash(name), name),
                          next_gen, 3, NULL, 0),
       "a new guard sees the new snapshot");
    netipc_cache_read_end(&g);
  }

  netipc_cache_destroy(sh.cache);
  ch_server_fini(&srv);
  tp_rundir_remove(g_dir);
  return exit_status();
}
