/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * soak.c - `make soak` (doc/soak.md): SOAK_SECONDS (default 600) of mixed,
 * verified Level 2 traffic against one server process while other clients
 * churn, hang up mid-message and misbehave; the server's RSS, descriptors
 * and threads are sampled every second, and measured at rest after the
 * warm-up and at the end, where they must match (RSS within 1 %).
 * Not part of `make check`. Exit status 0 only when every rule held.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "soak-clients.h"
#include "soak-common.h"
#include "soak-proc.h"
#include "soak-server.h"

#define SOAK_SECONDS_DEFAULT 600u
#define SOAK_SECONDS_MIN 10u
/* Warm-up: the first SOAK_WARMUP_PERCENT of the run, at least
 * SOAK_WARMUP_MIN_S seconds. */
#define SOAK_WARMUP_PERCENT 10u
#define SOAK_WARMUP_MIN_S 5u
/* End RSS may exceed the warm-up RSS by at most this (percent). */
#define SOAK_RSS_TOLERANCE_PERCENT 1.0
/* The thread mix. Workers hold one session per method for the whole run. */
#define SOAK_WORKERS_UDS 2u
#define SOAK_WORKERS_SHM 2u
#define SOAK_CHURNERS 2u
#define SOAK_IMPATIENT 1u
#define SOAK_RAW 2u
#define SOAK_THREADS                                                          \
  (SOAK_WORKERS_UDS + SOAK_WORKERS_SHM + SOAK_CHURNERS + SOAK_IMPATIENT +     \
   SOAK_RAW)
/* Sampling and the measurement at rest. */
#define SOAK_SAMPLE_MS 1000u
#define SOAK_PROGRESS_EVERY 10u /* samples between progress lines */
#define SOAK_QUIESCE_MS 60000u  /* threads park, extra sessions end */
#define SOAK_WAIT_POLL_MS 5u
#define SOAK_SETTLE_POLL_MS 50u
#define SOAK_SETTLE_SAME 5      /* equal consecutive samples = at rest */
#define SOAK_SETTLE_MS 10000u
#define SOAK_JOIN_MS 60000
#define SOAK_SERVER_STOP_MS 30000
/* The alarm: the run plus room for the quiet points and the shutdown. */
#define SOAK_ALARM_SLACK_S 300u

/* The server at rest: what the rules compare. */
typedef struct soak_rest {
  soak_sample s;
  int regions; /* SHM region files in the run dir */
} soak_rest;

typedef struct soak_run {
  soak_ctx ctx;
  soak_server srv;
  soak_thread threads[SOAK_THREADS];
  unsigned persistent; /* sessions held by the workers */
  soak_range range;    /* the per-second samples */
  unsigned sample_failures;
  int failures;        /* rules broken */
  int rule;            /* TAP-style numbering of the rules */
} soak_run;

static unsigned
env_uint(const char *name, unsigned dflt)
{
  const char *v = getenv(name);
  if (v == NULL || *v == '\0')
    return dflt;
  char *end;
  unsigned long long n = strtoull(v, &end, 10);
  if (*end != '\0' || n == 0 || n > UINT32_MAX) {
    fprintf(stderr, "soak: %s must be a positive integer, not '%s'\n", name,
            v);
    exit(2);
  }
  return (unsigned)n;
}

static void
rule(soak_run *run, int ok, const char *what)
{
  printf("%s %d - %s\n", ok ? "ok" : "not ok", ++run->rule, what);
  if (!ok)
    run->failures++;
}

static void
start_threads(soak_run *run, uint64_t seed)
{
  unsigned i = 0;
  soak_role roles[SOAK_THREADS];
  int shm[SOAK_THREADS] = {0};
  for (unsigned k = 0; k < SOAK_WORKERS_UDS + SOAK_WORKERS_SHM; k++, i++) {
    roles[i] = SOAK_ROLE_WORKER;
    /* SHM workers alternate between the sealed and the file region,
     * so both are soaked and the region-file count stays meaningful. */
    shm[i] = k < SOAK_WORKERS_UDS                   ? SOAK_USE_UDS
             : (k - SOAK_WORKERS_UDS) % 2u == 0u ? SOAK_USE_SHM
                                                   : SOAK_USE_SHM_FILE;
  }
  for (unsigned k = 0; k < SOAK_CHURNERS; k++)
    roles[i++] = SOAK_ROLE_CHURN;
  for (unsigned k = 0; k < SOAK_IMPATIENT; k++)
    roles[i++] = SOAK_ROLE_IMPATIENT;
  for (unsigned k = 0; k < SOAK_RAW; k++)
    roles[i++] = SOAK_ROLE_RAW;
  run->persistent = (SOAK_WORKERS_UDS + SOAK_WORKERS_SHM) * SOAK_NMETHODS;
  for (i = 0; i < SOAK_THREADS; i++) {
    soak_thread *t = &run->threads[i];
    t->ctx = &run->ctx;
    t->role = roles[i];
    t->use_shm = shm[i];
    t->index = i;
    t->seed = seed;
    soak_thread_start(t);
  }
}

static void
stop_threads(soak_run *run)
{
  atomic_store(&run->ctx.gate.stop, 1);
  atomic_store(&run->ctx.gate.pause, 0);
  for (unsigned i = 0; i < SOAK_THREADS; i++)
    tp_task_join(&run->threads[i].task, SOAK_JOIN_MS, "a soak client thread");
}

/* Wait until cond(run) or timeout_ms; 1 when it held. */
static int
wait_for(soak_run *run, int (*cond)(soak_run *), unsigned timeout_ms)
{
  uint64_t end = tp_now_ms() + timeout_ms;
  while (!cond(run)) {
    if (tp_now_ms() >= end)
      return 0;
    tp_sleep_ms(SOAK_WAIT_POLL_MS);
  }
  return 1;
}

static int
all_parked(soak_run *run)
{
  return atomic_load(&run->ctx.gate.parked) == (int)SOAK_THREADS;
}

static int
only_persistent(soak_run *run)
{
  return soak_server_sessions(&run->srv) == run->persistent;
}

/* Sample until fds and threads stay put SOAK_SETTLE_SAME times in a row:
 * a session that just ended may still be closing its descriptors. */
static int
settle(soak_run *run, soak_sample *out)
{
  uint64_t end = tp_now_ms() + SOAK_SETTLE_MS;
  soak_sample prev = {-1, -1, -1, -1, -1, -1};
  int same = 0;
  while (tp_now_ms() < end) {
    soak_sample s;
    if (soak_proc_sample(run->srv.pid, &s) != 0)
      return 0;
    same = s.fds == prev.fds && s.threads == prev.threads ? same + 1 : 0;
    prev = s;
    if (same + 1 >= SOAK_SETTLE_SAME) {
      *out = s;
      return 1;
    }
    tp_sleep_ms(SOAK_SETTLE_POLL_MS);
  }
  return 0;
}

/* Park every client thread and wait for the server to be at rest (only
 * the workers' sessions live); NULL with *rest filled, else a reason. */
static const char *
quiesce(soak_run *run, soak_rest *rest)
{
  atomic_store(&run->ctx.gate.pause, 1);
  if (!wait_for(run, all_parked, SOAK_QUIESCE_MS))
    return "the client threads did not park";
  if (!wait_for(run, only_persistent, SOAK_QUIESCE_MS))
    return "sessions other than the workers' did not end";
  if (!settle(run, &rest->s))
    return "the server's descriptors and threads did not settle";
  rest->regions = tp_dir_count_suffix(run->ctx.dir, ".ipcshm");
  return NULL;
}

static void
progress(soak_run *run, unsigned t, const soak_sample *s)
{
  soak_stats *st = &run->ctx.stats;
  printf("# t=%us rss=%ld kB (anon %ld) fds=%d threads=%d calls=%llu "
         "errors=%llu reconnects=%llu misbehaving=%llu\n",
         t, s->rss_kb, s->anon_kb, s->fds, s->threads,
         (unsigned long long)atomic_load(&st->calls),
         (unsigned long long)atomic_load(&st->errors),
         (unsigned long long)atomic_load(&st->reconnects),
         (unsigned long long)atomic_load(&st->misbehaving));
  (void)fflush(stdout);
}

/* One sample a second for `seconds`, from second `from`; a sample that
 * cannot be taken (the server process went away) is counted. */
static void
sample_for(soak_run *run, unsigned from, unsigned seconds)
{
  uint64_t next = tp_now_ms();
  for (unsigned t = from; t < from + seconds; t++) {
    next += SOAK_SAMPLE_MS;
    uint64_t now = tp_now_ms();
    if (next > now)
      tp_sleep_ms((unsigned)(next - now));
    soak_sample s;
    if (soak_proc_sample(run->srv.pid, &s) != 0) {
      run->sample_failures++;
      continue;
    }
    soak_range_add(&run->range, &s);
    if ((t + 1) % SOAK_PROGRESS_EVERY == 0)
      progress(run, t + 1, &s);
  }
}

static const char *
measure(soak_run *run, const char *when, soak_rest *rest)
{
  const char *why = quiesce(run, rest);
  if (why != NULL)
    printf("# %s: %s\n", when, why);
  else
    printf("# %s at rest: rss=%ld kB (anon %ld, file %ld, shmem %ld) fds=%d "
           "threads=%d regions=%d\n",
           when, rest->s.rss_kb, rest->s.anon_kb, rest->s.file_kb,
           rest->s.shmem_kb, rest->s.fds, rest->s.threads, rest->regions);
  return why;
}

static void
rules(soak_run *run, const soak_rest *w, const soak_rest *e, int rested,
      int server_ok)
{
  soak_stats *st = &run->ctx.stats;
  char what[160];
  rule(run, atomic_load(&st->errors) == 0, "no well-behaved call failed");
  rule(run, atomic_load(&st->calls) > 0 && atomic_load(&st->reconnects) > 0 &&
                atomic_load(&st->misbehaving) > 0,
       "calls, reconnects and misbehaving connects all happened");
  rule(run, atomic_load(&st->refused) == 0,
       "the server never refused a connection");
  rule(run, run->sample_failures == 0, "every per-second sample was taken");
  rule(run, rested, "the server came to rest at both measurements");
  double limit = (double)w->s.rss_kb * (1.0 + SOAK_RSS_TOLERANCE_PERCENT / 100);
  (void)snprintf(what, sizeof what,
                 "RSS at the end within %.0f %% of the warm-up's",
                 SOAK_RSS_TOLERANCE_PERCENT);
  rule(run, rested && (double)e->s.rss_kb <= limit, what);
  rule(run, rested && e->s.fds == w->s.fds,
       "descriptors at the end equal the warm-up's");
  rule(run, rested && e->s.threads == w->s.threads,
       "threads at the end equal the warm-up's");
  rule(run, rested && e->regions == w->regions,
       "SHM region files at the end equal the warm-up's");
  rule(run, server_ok, "the server process exited cleanly");
}

static void
report(soak_run *run, unsigned secs, unsigned warm, const soak_rest *w,
       const soak_rest *e)
{
  soak_stats *st = &run->ctx.stats;
  long drss = e->s.rss_kb - w->s.rss_kb;
  double pct = w->s.rss_kb > 0 ? 100.0 * (double)drss / (double)w->s.rss_kb
                               : 0.0;
  printf("1..%d\n", run->rule);
  printf("soak: %us (warm-up %us): calls %llu, errors %llu, reconnects %llu, "
         "misbehaving connects %llu (refused %llu), "
         "RSS %ld -> %ld kB (%+ld kB, %+.2f %%), fds %d -> %d (%+d), "
         "threads %d -> %d, samples %u (RSS %ld..%ld kB, fds %d..%d): %s\n",
         secs, warm, (unsigned long long)atomic_load(&st->calls),
         (unsigned long long)atomic_load(&st->errors),
         (unsigned long long)atomic_load(&st->reconnects),
         (unsigned long long)atomic_load(&st->misbehaving),
         (unsigned long long)atomic_load(&st->refused), w->s.rss_kb,
         e->s.rss_kb, drss, pct, w->s.fds, e->s.fds, e->s.fds - w->s.fds,
         w->s.threads, e->s.threads, run->range.n, run->range.min.rss_kb,
         run->range.max.rss_kb, run->range.min.fds, run->range.max.fds,
         run->failures == 0 ? "PASS" : "FAIL");
}

int
main(void)
{
  static soak_run run; /* large; zero-initialised */
  /* Progress shows as it happens, also in a CI log. */
  (void)setvbuf(stdout, NULL, _IOLBF, 0);
  unsigned secs = env_uint("SOAK_SECONDS", SOAK_SECONDS_DEFAULT);
  if (secs < SOAK_SECONDS_MIN) {
    fprintf(stderr, "soak: SOAK_SECONDS must be at least %u\n",
            SOAK_SECONDS_MIN);
    return 2;
  }
  unsigned warm = secs * SOAK_WARMUP_PERCENT / 100;
  if (warm < SOAK_WARMUP_MIN_S)
    warm = SOAK_WARMUP_MIN_S;
  uint64_t seed = env_uint("SOAK_SEED", (unsigned)time(NULL));
  tp_alarm(secs + SOAK_ALARM_SLACK_S);
  char dir[128];
  tp_rundir_make(dir, sizeof dir, "soak");
  run.ctx.dir = dir;
  run.ctx.shm = tp_shm_built();
  printf("# soak: %u s, warm-up %u s, seed %llu (SOAK_SEED), run dir %s, "
         "clients on UDS%s\n",
         secs, warm, (unsigned long long)seed, dir,
         run.ctx.shm ? " and SHM" : " only (SHM not built)");
  soak_server_spawn(&run.srv, dir, run.ctx.shm); /* before any thread */
  printf("# server process %ld\n", (long)run.srv.pid);
  start_threads(&run, seed);

  soak_rest w, e;
  memset(&w, 0, sizeof w);
  memset(&e, 0, sizeof e);
  sample_for(&run, 0, warm);
  const char *why_w = measure(&run, "warm-up", &w);
  atomic_store(&run.ctx.gate.pause, 0);
  sample_for(&run, warm, secs - warm);
  const char *why_e = measure(&run, "end", &e);
  stop_threads(&run);

  char why[96];
  int server_ok = soak_server_stop(&run.srv, SOAK_SERVER_STOP_MS, why,
                                   sizeof why) == 0;
  printf("# server process: %s\n", why);
  tp_rundir_remove(dir);
  rules(&run, &w, &e, why_w == NULL && why_e == NULL, server_ok);
  report(&run, secs, warm, &w, &e);
  return run.failures == 0 ? 0 : 1;
}
