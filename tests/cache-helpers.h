/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cache-helpers.h - shared pieces of the Level 3 cache tests (level3.md):
 * snapshot tables the test controls, a managed CGROUPS_SNAPSHOT server that
 * serves the current table, the generation-tagged data of the thread
 * tests, and small utilities. Portable: built on test-platform.h and the
 * public API only; the raw server that answers with crafted bytes is in
 * cache-raw-posix.h. Every wait here is bounded.
 *
 * TAP output is not thread-safe: threads only record results, and the main
 * thread asserts on them after joining.
 */
#ifndef NETIPC_TESTS_CACHE_HELPERS_H
#define NETIPC_TESTS_CACHE_HELPERS_H

#include "tp-atomic.h"
#include <stddef.h>
#include <stdint.h>

#include <netipc/cache.h>
#include <netipc/service.h>

#include "test-platform.h"

#define CH_TOKEN TP_TOKEN

/* tp_alarm(180), 1800 under valgrind (NETIPC_UNDER_VALGRIND). First in
 * main. */
void ch_alarm(void);
/* 1 when running under valgrind (the environment variable is set). */
int ch_under_valgrind(void);
/* Fatal setup failure: "Bail out! ..." and exit(1). */
_Noreturn void ch_bail(const char *what);
/* malloc (at least 1 byte) or bail out. */
void *ch_xmalloc(size_t n);

/* ---------------------------------------------------------------- */
/* Snapshot tables                                                   */
/* ---------------------------------------------------------------- */

typedef struct ch_item {
  uint32_t hash;
  uint32_t options;
  uint32_t enabled;
  uint32_t name_len; /* wire length: may include inner NULs */
  uint32_t path_len;
  char *name; /* owned, name_len bytes + NUL */
  char *path;
} ch_item;

typedef struct ch_table {
  uint32_t count;
  uint32_t cap;
  uint32_t systemd_enabled;
  uint64_t generation;
  ch_item *items;
} ch_table;

/* An empty table with these header values (bails out on OOM). */
ch_table *ch_table_new(uint32_t systemd_enabled, uint64_t generation);
/* Append a copy of the item (explicit lengths: inner NULs allowed). */
void ch_table_add(ch_table *t, uint32_t hash, uint32_t options,
                  uint32_t enabled, const char *name, size_t name_len,
                  const char *path, size_t path_len);
/* The same with C strings. */
void ch_table_add_str(ch_table *t, uint32_t hash, uint32_t options,
                      uint32_t enabled, const char *name, const char *path);
void ch_table_free(ch_table *t);

/*
 * Encode the table as a canonical snapshot payload into buf (builder with
 * exactly count directory slots). Returns the length; bails out on error.
 */
size_t ch_table_encode(const ch_table *t, uint8_t *buf, size_t cap);

/* ---------------------------------------------------------------- */
/* Managed server serving a swappable table                          */
/* ---------------------------------------------------------------- */

typedef struct ch_server {
  netipc_server *server; /* NULL while stopped */
  netipc__mutex *lock;   /* protects table */
  ch_table *table;       /* owned; NULL: empty snapshot, generation 0 */
  atomic_uint calls;     /* handler entries */
  atomic_uint finished;  /* handler returns */
  atomic_uint sleep_ms;  /* handler sleeps this long before answering */
  atomic_int stopping;   /* cuts a sleep short while stopping */
  char dir[128];
  char svc[64];
  uint32_t max_response; /* 0: default */
  uint32_t max_items;    /* cgroups_max_items; 0: codec default */
} ch_server;

void ch_server_init(ch_server *s, const char *dir, const char *svc,
                    uint32_t max_response, uint32_t max_items);
/* Take ownership of t and serve it from now on; the old table is freed. */
void ch_server_set(ch_server *s, ch_table *t);
/* Create and start the netipc server (bails out on error). */
void ch_server_start(ch_server *s);
/* Destroy the netipc server (endpoint removed); the table stays. */
void ch_server_stop(ch_server *s);
/* Stop if running, free the table, destroy the lock. */
void ch_server_fini(ch_server *s);
/* Wait until calls >= n; 1 on success. */
int ch_server_wait_calls(ch_server *s, unsigned n, int timeout_ms);

/* ---------------------------------------------------------------- */
/* Generation-tagged data (thread tests)                             */
/* ---------------------------------------------------------------- */

/*
 * Generation g has ch_gen_count(g) items; item i has name ch_gen_name(g, i),
 * hash ch_gen_hash(name) (few distinct values: chains are exercised),
 * options (uint32_t)g, enabled (g + i) & 1, path "/sys/fs/cgroup/" + name.
 * The header has systemd_enabled ch_gen_systemd(g) and generation g.
 */
#define CH_CGROUP_PREFIX "/sys/fs/cgroup/"
uint32_t ch_gen_count(uint64_t g);
uint32_t ch_gen_systemd(uint64_t g);
void ch_gen_name(uint64_t g, uint32_t i, char *buf, size_t cap);
uint32_t ch_gen_hash(const char *name);
ch_table *ch_gen_table(uint64_t g);
/*
 * 1 when item (from a guard of generation g) is exactly item i of
 * generation g; otherwise 0 and a description in why.
 */
int ch_gen_item_ok(const netipc_cache_item *item, uint64_t g, uint32_t i,
                   char *why, size_t cap);

/* ---------------------------------------------------------------- */
/* Caches and threads                                                */
/* ---------------------------------------------------------------- */

/* Client config: run dir, service, CH_TOKEN, the given call timeout. */
void ch_client_config(netipc_client_config *cfg, const char *dir,
                      const char *svc, uint32_t timeout_ms);
/* netipc_cache_create or bail out. */
netipc_cache *ch_cache_new(const netipc_client_config *cfg);
netipc_cache_status ch_status(netipc_cache *c);

typedef tp_task ch_task;

void ch_task_start(ch_task *t, void (*fn)(void *arg), void *arg);
/* Wait up to timeout_ms for the task, then join it; bails out if hung. */
void ch_task_join(ch_task *t, int timeout_ms, const char *what);

#endif /* NETIPC_TESTS_CACHE_HELPERS_H */
