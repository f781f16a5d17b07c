/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cache-helpers.c - see cache-helpers.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cache-helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
ch_bail(const char *what)
{
  tp_bail(what);
}

int
ch_under_valgrind(void)
{
  return tp_under_valgrind();
}

void
ch_alarm(void)
{
  tp_alarm(tp_under_valgrind() ? 1800 : 180);
}

void *
ch_xmalloc(size_t n)
{
  void *p = malloc(n != 0 ? n : 1);
  if (p == NULL)
    ch_bail("out of memory");
  return p;
}

/* ---------------------------------------------------------------- */
/* Tables                                                            */
/* ---------------------------------------------------------------- */

ch_table *
ch_table_new(uint32_t systemd_enabled, uint64_t generation)
{
  ch_table *t = ch_xmalloc(sizeof *t);
  memset(t, 0, sizeof *t);
  t->systemd_enabled = systemd_enabled;
  t->generation = generation;
  return t;
}

static char *
ch_copy_bytes(const char *s, size_t len)
{
  char *p = ch_xmalloc(len + 1);
  if (len != 0)
    memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

void
ch_table_add(ch_table *t, uint32_t hash, uint32_t options, uint32_t enabled,
             const char *name, size_t name_len, const char *path,
             size_t path_len)
{
  if (t->count == t->cap) {
    uint32_t cap = t->cap != 0 ? t->cap * 2 : 16;
    ch_item *items = realloc(t->items, (size_t)cap * sizeof *items);
    if (items == NULL)
      ch_bail("out of memory");
    t->items = items;
    t->cap = cap;
  }
  ch_item *it = &t->items[t->count++];
  it->hash = hash;
  it->options = options;
  it->enabled = enabled;
  it->name_len = (uint32_t)name_len;
  it->path_len = (uint32_t)path_len;
  it->name = ch_copy_bytes(name, name_len);
  it->path = ch_copy_bytes(path, path_len);
}

void
ch_table_add_str(ch_table *t, uint32_t hash, uint32_t options,
                 uint32_t enabled, const char *name, const char *path)
{
  ch_table_add(t, hash, options, enabled, name, strlen(name), path,
               strlen(path));
}

void
ch_table_free(ch_table *t)
{
  if (t == NULL)
    return;
  for (uint32_t i = 0; i < t->count; i++) {
    free(t->items[i].name);
    free(t->items[i].path);
  }
  free(t->items);
  free(t);
}

/* Add every item of t (may be NULL) to the builder. */
static netipc_err
ch_table_build(const ch_table *t, netipc_cgroups_builder *b)
{
  netipc_err err = NETIPC_OK;
  if (t == NULL) {
    netipc_cgroups_builder_set_header(b, 0, 0);
    return err;
  }
  for (uint32_t i = 0; err == NETIPC_OK && i < t->count; i++) {
    const ch_item *it = &t->items[i];
    err = netipc_cgroups_builder_add(b, it->hash, it->options, it->enabled,
                                     it->name, it->name_len, it->path,
                                     it->path_len);
  }
  netipc_cgroups_builder_set_header(b, t->systemd_enabled, t->generation);
  return err;
}

size_t
ch_table_encode(const ch_table *t, uint8_t *buf, size_t cap)
{
  netipc_cgroups_builder b;
  size_t len = 0;
  if (netipc_cgroups_builder_init(&b, buf, cap, t->count ? t->count : 1,
                                  t->systemd_enabled,
                                  t->generation) != NETIPC_OK ||
      ch_table_build(t, &b) != NETIPC_OK ||
      netipc_cgroups_builder_finish(&b, &len) != NETIPC_OK)
    ch_bail("ch_table_encode: the table does not fit");
  return len;
}

/* ---------------------------------------------------------------- */
/* Managed server                                                    */
/* ---------------------------------------------------------------- */

static int
ch_handler(void *user, netipc_cgroups_builder *b)
{
  ch_server *s = user;
  atomic_fetch_add(&s->calls, 1);
  /* sleep_ms is re-read: setting it to 0 ends a sleep early. */
  unsigned slept = 0;
  while (slept < atomic_load(&s->sleep_ms) && !atomic_load(&s->stopping)) {
    tp_sleep_ms(10);
    slept += 10;
  }
  netipc__mutex_lock(s->lock);
  netipc_err err = ch_table_build(s->table, b);
  netipc__mutex_unlock(s->lock);
  atomic_fetch_add(&s->finished, 1);
  return err == NETIPC_OK ? 0 : -1;
}

void
ch_server_init(ch_server *s, const char *dir, const char *svc,
               uint32_t max_response, uint32_t max_items)
{
  memset(s, 0, sizeof *s);
  if ((size_t)snprintf(s->dir, sizeof s->dir, "%s", dir) >= sizeof s->dir ||
      (size_t)snprintf(s->svc, sizeof s->svc, "%s", svc) >= sizeof s->svc)
    ch_bail("ch_server_init: name too long");
  s->lock = tp_mutex_new();
  s->max_response = max_response;
  s->max_items = max_items;
}

void
ch_server_set(ch_server *s, ch_table *t)
{
  netipc__mutex_lock(s->lock);
  ch_table *old = s->table;
  s->table = t;
  netipc__mutex_unlock(s->lock);
  ch_table_free(old);
}

void
ch_server_start(ch_server *s)
{
  netipc_server_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.run_dir = s->dir;
  cfg.service_name = s->svc;
  cfg.method = NETIPC_METHOD_CGROUPS_SNAPSHOT;
  cfg.cgroups_snapshot = ch_handler;
  cfg.user = s;
  cfg.auth_token = CH_TOKEN;
  cfg.max_response_payload_bytes = s->max_response;
  cfg.cgroups_max_items = s->max_items;
  atomic_store(&s->stopping, 0);
  netipc_err err = netipc_server_create(&cfg, &s->server);
  if (err == NETIPC_OK)
    err = netipc_server_start(s->server);
  if (err != NETIPC_OK) {
    printf("# managed server %s: %s\n", s->svc, netipc_err_name(err));
    ch_bail("cannot start the managed server");
  }
}

void
ch_server_stop(ch_server *s)
{
  if (s->server == NULL)
    return;
  atomic_store(&s->stopping, 1);
  netipc_server_destroy(s->server);
  s->server = NULL;
  atomic_store(&s->stopping, 0);
}

void
ch_server_fini(ch_server *s)
{
  ch_server_stop(s);
  ch_table_free(s->table);
  s->table = NULL;
  netipc__mutex_destroy(s->lock);
  s->lock = NULL;
}

int
ch_server_wait_calls(ch_server *s, unsigned n, int timeout_ms)
{
  uint64_t end = tp_now_ms() + (uint64_t)timeout_ms;
  while (atomic_load(&s->calls) < n) {
    if (tp_now_ms() >= end)
      return 0;
    tp_sleep_ms(2);
  }
  return 1;
}

/* ---------------------------------------------------------------- */
/* Generation-tagged data                                            */
/* ---------------------------------------------------------------- */

uint32_t
ch_gen_count(uint64_t g)
{
  return 40u + (uint32_t)(g % 41u);
}

uint32_t
ch_gen_systemd(uint64_t g)
{
  return (uint32_t)(g % 3u);
}

void
ch_gen_name(uint64_t g, uint32_t i, char *buf, size_t cap)
{
  int n = snprintf(buf, cap, "g%llu-cg%u-", (unsigned long long)g, i);
  if (n < 0 || (size_t)n >= cap)
    ch_bail("ch_gen_name: buffer too small");
  size_t fill = (size_t)((i * 7u + (uint32_t)g) % 23u);
  if ((size_t)n + fill >= cap)
    fill = cap - (size_t)n - 1;
  for (size_t k = 0; k < fill; k++)
    buf[(size_t)n + k] = (char)('a' + (k + i) % 26);
  buf[(size_t)n + fill] = '\0';
}

uint32_t
ch_gen_hash(const char *name)
{
  return netipc_simple_hash(name, strlen(name)) & 7u;
}

ch_table *
ch_gen_table(uint64_t g)
{
  ch_table *t = ch_table_new(ch_gen_systemd(g), g);
  uint32_t n = ch_gen_count(g);
  char name[96], path[128];
  for (uint32_t i = 0; i < n; i++) {
    ch_gen_name(g, i, name, sizeof name);
    snprintf(path, sizeof path, "%s%s", CH_CGROUP_PREFIX, name);
    ch_table_add_str(t, ch_gen_hash(name), (uint32_t)g,
                     (uint32_t)((g + i) & 1u), name, path);
  }
  return t;
}

int
ch_gen_item_ok(const netipc_cache_item *item, uint64_t g, uint32_t i,
               char *why, size_t cap)
{
  char name[96], path[128];
  ch_gen_name(g, i, name, sizeof name);
  snprintf(path, sizeof path, "%s%s", CH_CGROUP_PREFIX, name);
  const char *bad = NULL;
  if (item == NULL)
    bad = "not found";
  else if (item->name == NULL || strcmp(item->name, name) != 0)
    bad = "wrong name";
  else if (item->name_len != strlen(name))
    bad = "wrong name_len";
  else if (item->hash != ch_gen_hash(name))
    bad = "wrong hash";
  else if (item->options != (uint32_t)g)
    bad = "options tag is not the guard's generation";
  else if (item->enabled != (uint32_t)((g + i) & 1u))
    bad = "wrong enabled";
  else if (item->path == NULL || strcmp(item->path, path) != 0)
    bad = "path is not " CH_CGROUP_PREFIX " + name";
  else if (item->path_len != strlen(path))
    bad = "wrong path_len";
  if (bad != NULL && why != NULL)
    snprintf(why, cap, "generation %llu item %u: %s",
             (unsigned long long)g, i, bad);
  return bad == NULL;
}

/* ---------------------------------------------------------------- */
/* Caches and threads                                                */
/* ---------------------------------------------------------------- */

void
ch_client_config(netipc_client_config *cfg, const char *dir, const char *svc,
                 uint32_t timeout_ms)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->run_dir = dir;
  cfg->service_name = svc;
  cfg->auth_token = CH_TOKEN;
  cfg->timeout_ms = timeout_ms;
}

netipc_cache *
ch_cache_new(const netipc_client_config *cfg)
{
  netipc_cache *c = NULL;
  netipc_err err = netipc_cache_create(cfg, &c);
  if (err != NETIPC_OK || c == NULL) {
    printf("# netipc_cache_create: %s\n", netipc_err_name(err));
    ch_bail("cannot create a cache");
  }
  return c;
}

netipc_cache_status
ch_status(netipc_cache *c)
{
  netipc_cache_status st;
  memset(&st, 0xA5, sizeof st); /* status_get must fill every field */
  netipc_cache_status_get(c, &st);
  return st;
}

void
ch_task_start(ch_task *t, void (*fn)(void *arg), void *arg)
{
  tp_task_start(t, fn, arg);
}

void
ch_task_join(ch_task *t, int timeout_ms, const char *what)
{
  (void)tp_task_join(t, timeout_ms, what);
}
