/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cache-helpers.c - see cache-helpers.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cache-helpers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void
ch_bail(const char *what)
{
  printf("Bail out! %s\n", what);
  fflush(stdout);
  exit(1);
}

int
ch_under_valgrind(void)
{
  return getenv("NETIPC_UNDER_VALGRIND") != NULL;
}

void
ch_alarm(void)
{
  alarm(ch_under_valgrind() ? 1800 : 180);
}

static void *
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
    uds_sleep_ms(10);
    slept += 10;
  }
  pthread_mutex_lock(&s->lock);
  netipc_err err = ch_table_build(s->table, b);
  pthread_mutex_unlock(&s->lock);
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
  if (pthread_mutex_init(&s->lock, NULL) != 0)
    ch_bail("pthread_mutex_init");
  s->max_response = max_response;
  s->max_items = max_items;
}

void
ch_server_set(ch_server *s, ch_table *t)
{
  pthread_mutex_lock(&s->lock);
  ch_table *old = s->table;
  s->table = t;
  pthread_mutex_unlock(&s->lock);
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
  pthread_mutex_destroy(&s->lock);
}

int
ch_server_wait_calls(ch_server *s, unsigned n, int timeout_ms)
{
  uint64_t end = uds_now_ms() + (uint64_t)timeout_ms;
  while (atomic_load(&s->calls) < n) {
    if (uds_now_ms() >= end)
      return 0;
    uds_sleep_ms(2);
  }
  return 1;
}

/* ---------------------------------------------------------------- */
/* Raw server                                                        */
/* ---------------------------------------------------------------- */

#define CH_RAW_BUF (65536 + 64)

/* Receive one record, polling the stop flag: >0, 0 EOF, -1 error/stop. */
static ssize_t
ch_raw_recv(ch_raw_server *r, int fd, uint8_t *buf, size_t cap)
{
  for (;;) {
    if (atomic_load(&r->stop))
      return -1;
    ssize_t n = uds_raw_recv(fd, buf, cap, 50);
    if (n != -2)
      return n;
  }
}

static void
ch_raw_session(ch_raw_server *r, int fd, uint8_t *buf, uint8_t *out)
{
  ssize_t n = ch_raw_recv(r, fd, buf, CH_RAW_BUF);
  if (n <= 0) {
    atomic_store(&r->failed, 1);
    return;
  }
  netipc_server_hello_config hc = {
      .supported_profiles = NETIPC_PROFILE_UDS_SEQPACKET,
      .preferred_profiles = NETIPC_PROFILE_UDS_SEQPACKET,
      .max_request_payload_bytes = 1024,
      .max_response_payload_bytes = 65536,
      .auth_token = CH_TOKEN,
      .packet_size = 65536,
  };
  netipc_hello_ack ack;
  uint16_t status = 0;
  netipc_hello_action action = netipc_hello_negotiate(
      buf, (size_t)n, &hc, (uint64_t)atomic_load(&r->conns) + 1, &ack,
      &status);
  uint8_t msg[NETIPC_HELLO_ACK_MSG_LEN];
  if (action != NETIPC_HELLO_ACCEPT ||
      netipc_hello_ack_message_encode(&ack, status, msg, sizeof msg) !=
          NETIPC_OK ||
      uds_raw_send(fd, msg, sizeof msg) != 0) {
    atomic_store(&r->failed, 1);
    return;
  }
  atomic_fetch_add(&r->conns, 1);
  for (;;) {
    n = ch_raw_recv(r, fd, buf, CH_RAW_BUF);
    if (n <= 0)
      return; /* EOF: the client left */
    netipc_header req;
    if (netipc_header_decode(buf, (size_t)n, &req) != NETIPC_OK ||
        req.kind != NETIPC_KIND_REQUEST)
      continue;
    /* Counted before the answer: when the client has it, so does this. */
    atomic_fetch_add(&r->requests, 1);
    netipc_header h;
    netipc_header_init(&h, NETIPC_KIND_RESPONSE, req.code, req.message_id);
    h.transport_status = r->status;
    pthread_mutex_lock(&r->lock);
    h.payload_len = (uint32_t)r->payload_len;
    size_t len = uds_msg_build(out, CH_RAW_BUF, &h, r->payload,
                               r->payload_len);
    pthread_mutex_unlock(&r->lock);
    if (uds_raw_send(fd, out, len) != 0) {
      atomic_store(&r->failed, 1);
      return;
    }
  }
}

static void *
ch_raw_main(void *arg)
{
  ch_raw_server *r = arg;
  uint8_t *buf = ch_xmalloc(CH_RAW_BUF), *out = ch_xmalloc(CH_RAW_BUF);
  while (!atomic_load(&r->stop)) {
    if (!uds_readable(r->lfd, 50))
      continue;
    int fd = accept(r->lfd, NULL, NULL);
    if (fd < 0)
      continue;
    ch_raw_session(r, fd, buf, out);
    close(fd);
  }
  free(buf);
  free(out);
  return NULL;
}

void
ch_raw_server_start(ch_raw_server *r, const char *dir, const char *svc,
                    const void *payload, size_t len)
{
  memset(r, 0, sizeof *r);
  if ((size_t)snprintf(r->dir, sizeof r->dir, "%s", dir) >= sizeof r->dir ||
      (size_t)snprintf(r->svc, sizeof r->svc, "%s", svc) >= sizeof r->svc ||
      len > sizeof r->payload)
    ch_bail("ch_raw_server_start: argument too long");
  memcpy(r->payload, payload, len);
  r->payload_len = len;
  if (pthread_mutex_init(&r->lock, NULL) != 0)
    ch_bail("pthread_mutex_init");
  r->lfd = uds_raw_listen(dir, svc);
  if (r->lfd < 0)
    ch_bail("ch_raw_server_start: cannot listen");
  uds_thread_start(&r->thread, ch_raw_main, r);
}

void
ch_raw_server_set_payload(ch_raw_server *r, const void *payload, size_t len)
{
  if (len > sizeof r->payload)
    ch_bail("ch_raw_server_set_payload: payload too long");
  pthread_mutex_lock(&r->lock);
  memcpy(r->payload, payload, len);
  r->payload_len = len;
  pthread_mutex_unlock(&r->lock);
}

void
ch_raw_server_stop(ch_raw_server *r)
{
  atomic_store(&r->stop, 1);
  uds_thread_join(r->thread);
  pthread_mutex_destroy(&r->lock);
  close(r->lfd);
  char path[256];
  uds_sock_path(r->dir, r->svc, path, sizeof path);
  (void)unlink(path);
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

static void *
ch_task_main(void *arg)
{
  ch_task *t = arg;
  t->fn(t->arg);
  atomic_store(&t->done, 1);
  return NULL;
}

void
ch_task_start(ch_task *t, void (*fn)(void *arg), void *arg)
{
  t->fn = fn;
  t->arg = arg;
  atomic_store(&t->done, 0);
  uds_thread_start(&t->thread, ch_task_main, t);
}

void
ch_task_join(ch_task *t, int timeout_ms, const char *what)
{
  uint64_t end = uds_now_ms() + (uint64_t)timeout_ms;
  while (!atomic_load(&t->done)) {
    if (uds_now_ms() >= end) {
      printf("# task did not finish: %s\n", what);
      ch_bail("a thread hung");
    }
    uds_sleep_ms(2);
  }
  uds_thread_join(t->thread);
}
