/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-alloc-failure-service.c - Levels 2 and 3 under injected allocation
 * failures (issue 13, 6; alloc-failure.h). The n-th allocation of the
 * side under test fails, for every n until the scenario completes:
 * - a client context: create, connect, every call of its method (single,
 *   batch, a request that outgrows the proposal, a snapshot, lookups
 *   split into sub-calls), close, reconnect; on UDS and SHM;
 * - a managed server: create, start, two clients' sessions (forked);
 * - a cache: create, refresh, lookups, item copies, a second refresh.
 * Every failure must surface as NETIPC_ERR_NOMEM, leak no descriptor, and
 * leave the object usable: the same call succeeds when repeated, and a
 * server goes on serving its clients. Leaks of memory are valgrind's
 * (make check-valgrind). The peers run in forked children.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netipc/cache.h>
#include <netipc/service.h>

#include "alloc-failure.h"
#include "lookup-helpers.h"
#include "service-helpers.h"
#include "tap.h"

#define AFS_WAIT_MS 5000
#define AFS_CHILD_MS 60000
#define AFS_BATCH 5u
#define AFS_ITEMS 40u
#define AFS_NAME_LEN 20u /* svc_cgroups_handler's defaults */
#define AFS_PATH_LEN 40u
/* Longer than the default request proposal (1024): the call grows it. */
#define AFS_LONG_LEN 3000u
#define AFS_STR_CAP 64u
/* The servers take it (their default, 1024, would refuse the growth). */
#define AFS_SERVER_REQUEST 65536u
#define AFS_SLEEP_MS 1000u
#define AFS_CLIENTS 2
/* Lookup keys, and a response limit that splits them into sub-calls
 * whose answers the client gathers in a growing buffer. */
#define AFS_KEYS 200u
#define AFS_LOOKUP_RS 4096u
#define AFS_LOOKUP_GEN 7u
#define AFS_CALLS 3
#define AFS_PROFILES_SHM (NETIPC_PROFILE_BASELINE | NETIPC_PROFILE_SHM_HYBRID)

static char run_dir[64];

typedef struct afs_case {
  const char *svc;
  uint16_t method;
  uint32_t profiles;
} afs_case;

static const afs_case afs_cases[] = {
    {"oom-inc", NETIPC_METHOD_INCREMENT, NETIPC_PROFILE_BASELINE},
    {"oom-rev", NETIPC_METHOD_STRING_REVERSE, NETIPC_PROFILE_BASELINE},
    {"oom-cg", NETIPC_METHOD_CGROUPS_SNAPSHOT, NETIPC_PROFILE_BASELINE},
    {"oom-inc-shm", NETIPC_METHOD_INCREMENT, AFS_PROFILES_SHM},
    {"oom-rev-shm", NETIPC_METHOD_STRING_REVERSE, AFS_PROFILES_SHM},
    {"oom-cg-shm", NETIPC_METHOD_CGROUPS_SNAPSHOT, AFS_PROFILES_SHM},
    {"oom-cgl", NETIPC_METHOD_CGROUPS_LOOKUP, NETIPC_PROFILE_BASELINE},
    {"oom-apps", NETIPC_METHOD_APPS_LOOKUP, NETIPC_PROFILE_BASELINE},
};
#define AFS_NCASES (sizeof afs_cases / sizeof afs_cases[0])

static void
afs_client_config(netipc_client_config *cfg, const afs_case *k)
{
  svc_client_config(cfg, run_dir, k->svc);
  cfg->supported_profiles = k->profiles;
  cfg->preferred_profiles = k->profiles & NETIPC_PROFILE_SHM_HYBRID;
  cfg->max_request_batch_items = AFS_BATCH;
}

/* ---------------------------------------------------------------- */
/* The forked servers of the client and cache scenarios              */
/* ---------------------------------------------------------------- */

static int
afs_servers_child(void *arg, int ready_fd)
{
  (void)arg;
  static svc_handler h;
  atomic_store(&h.cg_items, AFS_ITEMS);
  netipc_server *s[AFS_NCASES] = {NULL};
  for (size_t i = 0; i < AFS_NCASES; i++) {
    if (afs_cases[i].profiles != NETIPC_PROFILE_BASELINE && !tp_shm_built())
      continue;
    if (afs_cases[i].method == NETIPC_METHOD_CGROUPS_LOOKUP ||
        afs_cases[i].method == NETIPC_METHOD_APPS_LOOKUP)
      continue; /* below */
    netipc_server_config cfg;
    svc_server_config(&cfg, run_dir, afs_cases[i].svc, afs_cases[i].method,
                      &h);
    cfg.supported_profiles = afs_cases[i].profiles;
    cfg.preferred_profiles = afs_cases[i].profiles & NETIPC_PROFILE_SHM_HYBRID;
    cfg.max_request_payload_bytes = AFS_SERVER_REQUEST;
    s[i] = svc_server_start(&cfg);
  }
  static lkh_state st;
  lkh_state_init(&st, AFS_LOOKUP_GEN);
  for (size_t i = 0; i < AFS_NCASES; i++)
    if (afs_cases[i].method == NETIPC_METHOD_CGROUPS_LOOKUP ||
        afs_cases[i].method == NETIPC_METHOD_APPS_LOOKUP)
      s[i] = lkh_server_start(run_dir, afs_cases[i].svc, afs_cases[i].method,
                              &st, AFS_SERVER_REQUEST,
                              afs_cases[i].method == NETIPC_METHOD_APPS_LOOKUP
                                  ? 0
                                  : AFS_LOOKUP_RS,
                              afs_cases[i].profiles);
  af_ready(ready_fd);
  /* Until the parent kills us (the alarm of af_fork is the backstop). */
  while (s[0] != NULL)
    tp_sleep_ms(AFS_SLEEP_MS);
  return 1;
}

/* ---------------------------------------------------------------- */
/* Client calls                                                      */
/* ---------------------------------------------------------------- */

/*
 * A call's result under test: OK, or after the injected failure its
 * documented error (oom: NOMEM, or OVERFLOW for lookups, lookups.md
 * 8.6), after which the same call must succeed (the caller's second try).
 */
#define AFS_TRY_AS(why, call, oom, what)                                      \
  do {                                                                        \
    netipc_err e_ = (call);                                                   \
    if (e_ != NETIPC_OK && e_ == (oom) && af_fired())                         \
      e_ = (call);                                                            \
    if (e_ != NETIPC_OK && (why) == NULL)                                     \
      (why) = af_why("%s: %s", (what), netipc_err_name(e_));                  \
  } while (0)
#define AFS_TRY(why, call, what)                                              \
  AFS_TRY_AS(why, call, NETIPC_ERR_NOMEM, what)

static const char *
afs_increment_calls(netipc_client *c)
{
  const char *why = NULL;
  uint64_t r = 0, v[AFS_BATCH], out[AFS_BATCH];
  AFS_TRY(why, netipc_client_increment(c, 41, 0, &r), "increment");
  if (why == NULL && r != 42)
    why = "increment: a wrong answer";
  for (uint32_t i = 0; i < AFS_BATCH; i++)
    v[i] = 100 + i;
  memset(out, 0, sizeof out);
  AFS_TRY(why, netipc_client_increment_batch(c, v, AFS_BATCH, 0, out),
          "increment_batch");
  for (uint32_t i = 0; why == NULL && i < AFS_BATCH; i++)
    if (out[i] != v[i] + 1)
      why = "increment_batch: a wrong answer";
  return why;
}

/* 1 when got is the byte reversal of want (len bytes). */
static int
afs_reversed(const netipc_string_view *got, const char *want, size_t len)
{
  if (got->ptr == NULL || got->len != len)
    return 0;
  for (size_t i = 0; i < len; i++)
    if (got->ptr[i] != want[len - 1 - i])
      return 0;
  return 1;
}

static const char *
afs_reverse_calls(netipc_client *c)
{
  const char *why = NULL;
  static char longstr[AFS_LONG_LEN + 1];
  tp_fill((uint8_t *)longstr, AFS_LONG_LEN, 3);
  netipc_string_view r;
  memset(&r, 0, sizeof r);
  AFS_TRY(why, netipc_client_string_reverse(c, longstr, AFS_LONG_LEN, 0, &r),
          "string_reverse (grows the request)");
  if (why == NULL && !afs_reversed(&r, longstr, AFS_LONG_LEN))
    why = "string_reverse: a wrong answer";
  char strs[AFS_BATCH][AFS_STR_CAP];
  netipc_string_view in[AFS_BATCH], out[AFS_BATCH];
  for (uint32_t i = 0; i < AFS_BATCH; i++) {
    snprintf(strs[i], sizeof strs[i], "batch item %u", i);
    in[i].ptr = strs[i];
    in[i].len = (uint32_t)strlen(strs[i]);
  }
  memset(out, 0, sizeof out);
  AFS_TRY(why, netipc_client_string_reverse_batch(c, in, AFS_BATCH, 0, out),
          "string_reverse_batch");
  for (uint32_t i = 0; why == NULL && i < AFS_BATCH; i++)
    if (!afs_reversed(&out[i], strs[i], in[i].len))
      why = "string_reverse_batch: a wrong answer";
  return why;
}

static const char *
afs_snapshot_calls(netipc_client *c)
{
  const char *why = NULL;
  netipc_cgroups_view v;
  memset(&v, 0, sizeof v);
  AFS_TRY(why, netipc_client_cgroups_snapshot(c, 0, &v), "cgroups_snapshot");
  if (why == NULL && v.item_count != AFS_ITEMS)
    why = af_why("cgroups_snapshot: %u items", v.item_count);
  for (uint32_t i = 0; why == NULL && i < AFS_ITEMS; i++)
    if (!svc_cg_item_ok(&v, i, AFS_NAME_LEN, AFS_PATH_LEN))
      why = af_why("cgroups_snapshot: item %u is wrong", i);
  return why;
}

static const char *
afs_lookup_calls(netipc_client *c, uint16_t method)
{
  const char *why = NULL;
  static uint32_t pids[AFS_KEYS];
  netipc_string_view *paths = lkh_paths_new(AFS_KEYS);
  for (uint32_t i = 0; i < AFS_KEYS; i++)
    pids[i] = 1000 + i;
  netipc_lookup_view v;
  memset(&v, 0, sizeof v);
  uint32_t good = 0;
  if (method == NETIPC_METHOD_APPS_LOOKUP) {
    AFS_TRY_AS(why, netipc_client_apps_lookup(c, pids, AFS_KEYS, 0, &v),
               NETIPC_ERR_OVERFLOW, "apps_lookup");
    if (why == NULL)
      good = lkh_apps_first_bad(&v, pids, AFS_KEYS, 0, UINT32_MAX);
  } else {
    AFS_TRY_AS(why, netipc_client_cgroups_lookup(c, paths, AFS_KEYS, 0, &v),
               NETIPC_ERR_OVERFLOW, "cgroups_lookup");
    if (why == NULL)
      good = lkh_cg_first_bad(&v, paths, AFS_KEYS, 0, UINT32_MAX);
  }
  if (why == NULL && good != AFS_KEYS)
    why = af_why("lookup: item %u is wrong", good);
  lkh_paths_free(paths, AFS_KEYS);
  return why;
}

static const char *
afs_calls(netipc_client *c, uint16_t method)
{
  switch (method) {
  case NETIPC_METHOD_INCREMENT:
    return afs_increment_calls(c);
  case NETIPC_METHOD_STRING_REVERSE:
    return afs_reverse_calls(c);
  case NETIPC_METHOD_CGROUPS_SNAPSHOT:
    return afs_snapshot_calls(c);
  default:
    return afs_lookup_calls(c, method);
  }
}

/* Refresh to READY; an injected failure may cost one refresh. */
static const char *
afs_connect(netipc_client *c)
{
  (void)netipc_client_refresh(c);
  if (netipc_client_ready(c))
    return NULL;
  netipc_client_state st = svc_state(c);
  if (st != NETIPC_CLIENT_DISCONNECTED || !af_fired())
    return af_why("refresh: state %s", netipc_client_state_name(st));
  (void)netipc_client_refresh(c);
  return netipc_client_ready(c) ? NULL : "not READY after a second refresh";
}

static const char *
afs_client_run(void *arg)
{
  const afs_case *k = arg;
  netipc_client_config cfg;
  afs_client_config(&cfg, k);
  netipc_client *c = NULL;
  netipc_err err = netipc_client_create(&cfg, k->method, &c);
  if (err != NETIPC_OK)
    return af_nomem(err) && c == NULL
               ? NULL
               : af_why("client_create: %s", netipc_err_name(err));
  const char *why = NULL;
  for (int round = 0; round < 2 && why == NULL; round++) {
    why = afs_connect(c);
    if (why == NULL)
      why = afs_calls(c, k->method);
    netipc_client_close(c);
  }
  netipc_client_destroy(c);
  return why;
}

/* ---------------------------------------------------------------- */
/* Cache                                                             */
/* ---------------------------------------------------------------- */

/* Every item is found, by C string and by length; copies work. */
static const char *
afs_cache_verify(netipc_cache *c)
{
  const char *why = NULL;
  netipc_cache_guard g;
  netipc_cache_read_begin(c, &g);
  if (netipc_cache_count(&g) != AFS_ITEMS)
    why = af_why("cache: %u items", netipc_cache_count(&g));
  char name[AFS_NAME_LEN + 1];
  for (uint32_t i = 0; why == NULL && i < AFS_ITEMS; i++) {
    svc_cg_name(i, AFS_NAME_LEN, name, sizeof name);
    uint32_t hash = netipc_simple_hash(name, AFS_NAME_LEN);
    const netipc_cache_item *it = netipc_cache_lookup(&g, hash, name);
    if (it == NULL || it != netipc_cache_lookup_n(&g, hash, name, AFS_NAME_LEN)
        || it->options != i)
      why = af_why("cache: item %u not found", i);
  }
  const netipc_cache_item *first = netipc_cache_item_at(&g, 0);
  netipc_cache_item *copy = first != NULL ? netipc_cache_item_copy(first) : NULL;
  if (why == NULL && copy == NULL && first != NULL && af_fired())
    copy = netipc_cache_item_copy(first); /* the injected failure */
  if (why == NULL && (copy == NULL || strcmp(copy->name, first->name) != 0 ||
                      strcmp(copy->path, first->path) != 0))
    why = "cache: item_copy failed";
  netipc_cache_item_free(copy);
  netipc_cache_read_end(&g);
  return why;
}

static const char *
afs_cache_run(void *arg)
{
  const afs_case *k = arg;
  netipc_client_config cfg;
  afs_client_config(&cfg, k);
  netipc_cache *c = NULL;
  netipc_err err = netipc_cache_create(&cfg, &c);
  if (err != NETIPC_OK)
    return af_nomem(err) && c == NULL
               ? NULL
               : af_why("cache_create: %s", netipc_err_name(err));
  const char *why = NULL;
  for (int round = 0; round < 2 && why == NULL; round++) {
    err = NETIPC_OK;
    /* A failed connect is NOT_READY at Level 3 (the refresh's call
     * finds no session), whatever made it fail. */
    if (!netipc_cache_refresh(c, AFS_WAIT_MS, &err) &&
        (!(af_nomem(err) || (err == NETIPC_ERR_NOT_READY && af_fired())) ||
         !netipc_cache_refresh(c, AFS_WAIT_MS, &err)))
      why = af_why("refresh %d: %s", round + 1, netipc_err_name(err));
    if (why == NULL)
      why = afs_cache_verify(c);
  }
  netipc_cache_destroy(c);
  return why;
}

/* ---------------------------------------------------------------- */
/* Managed server under test, forked clients                         */
/* ---------------------------------------------------------------- */

static const afs_case afs_srv_uds = {"oom-server", NETIPC_METHOD_INCREMENT,
                                     NETIPC_PROFILE_BASELINE};
static const afs_case afs_srv_shm = {"oom-server-shm", NETIPC_METHOD_INCREMENT,
                                     AFS_PROFILES_SHM};

/* Child: AFS_CLIENTS clients one after another, each READY and every
 * call answered; 0 when all were. */
static int
afs_clients_child(void *arg, int ready_fd)
{
  const afs_case *k = arg;
  (void)ready_fd;
  netipc_client_config cfg;
  afs_client_config(&cfg, k);
  for (int i = 0; i < AFS_CLIENTS; i++) {
    netipc_client *c = svc_client_new(&cfg, k->method);
    int good = svc_client_connect(c, AFS_WAIT_MS);
    for (int n = 0; good && n < AFS_CALLS; n++)
      good = afs_increment_calls(c) == NULL;
    netipc_client_destroy(c);
    if (!good)
      return 1 + i;
  }
  return 0;
}

static const char *
afs_server_run(void *arg)
{
  const afs_case *k = arg;
  static svc_handler h;
  memset(&h, 0, sizeof h);
  netipc_server_config cfg;
  svc_server_config(&cfg, run_dir, k->svc, k->method, &h);
  cfg.supported_profiles = k->profiles;
  cfg.preferred_profiles = k->profiles & NETIPC_PROFILE_SHM_HYBRID;
  /* Forked now, while no server thread exists; it runs after start. */
  int go_fd;
  pid_t pid = af_fork_held(afs_clients_child, arg, &go_fd);
  netipc_server *s = NULL;
  netipc_err err = netipc_server_create(&cfg, &s);
  if (err != NETIPC_OK) {
    af_go(go_fd, 0);
    (void)af_reap(pid, AFS_CHILD_MS);
    if (!af_nomem(err) || s != NULL)
      return af_why("server_create: %s", netipc_err_name(err));
    return svc_sock_exists(run_dir, k->svc) ? "create left its socket" : NULL;
  }
  const char *why = NULL;
  err = netipc_server_start(s);
  if (err != NETIPC_OK && !af_nomem(err))
    why = af_why("server_start: %s", netipc_err_name(err));
  af_go(go_fd, err == NETIPC_OK);
  if (err != NETIPC_OK) {
    (void)af_reap(pid, AFS_CHILD_MS);
  } else {
    int status = af_reap(pid, AFS_CHILD_MS);
    af_disarm();
    if (status != 0)
      why = af_why("the clients failed (child status %d)", status);
    else if (!svc_wait_sessions(s, 0, AFS_WAIT_MS))
      why = "the server did not end its sessions";
  }
  netipc_server_destroy(s);
  return why;
}

int
main(void)
{
  svc_alarm();
  tp_rundir_make(run_dir, sizeof run_dir, "oom-l2");
  pid_t pid = af_fork(afs_servers_child, NULL, 1, AFS_WAIT_MS);
  char name[96];
  for (size_t i = 0; i < AFS_NCASES; i++) {
    const afs_case *k = &afs_cases[i];
    const char *tr = k->profiles != NETIPC_PROFILE_BASELINE ? "SHM" : "UDS";
    if (k->profiles != NETIPC_PROFILE_BASELINE && !tp_shm_built()) {
      skip(2, "no SHM transport in this build");
      continue;
    }
    snprintf(name, sizeof name, "client %s (%s)", k->svc, tr);
    af_check(name, afs_client_run, (void *)k);
    if (k->method == NETIPC_METHOD_CGROUPS_SNAPSHOT) {
      snprintf(name, sizeof name, "cache %s (%s)", k->svc, tr);
      af_check(name, afs_cache_run, (void *)k);
    }
  }
  af_kill(pid);
  af_check("managed server (UDS)", afs_server_run, (void *)&afs_srv_uds);
  if (tp_shm_built())
    af_check("managed server (SHM)", afs_server_run, (void *)&afs_srv_shm);
  else
    skip(2, "no SHM transport in this build");
  tp_rundir_remove(run_dir);
  return done_testing();
}
