/* SPDX-License-Identifier: GPL-3.0-or-later */
/* service-helpers.c - see service-helpers.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "service-helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
svc_under_valgrind(void)
{
  return tp_under_valgrind();
}

void
svc_alarm(void)
{
  tp_alarm(tp_under_valgrind() ? 600 : 120);
}

/* ---------------------------------------------------------------- */
/* Handlers                                                          */
/* ---------------------------------------------------------------- */

/* Consume one pending failure, if any. */
static int
handler_fail_next(svc_handler *h)
{
  unsigned n = atomic_load(&h->fail_next);
  while (n > 0)
    if (atomic_compare_exchange_weak(&h->fail_next, &n, n - 1))
      return 1;
  return 0;
}

int
svc_increment_handler(void *user, uint64_t value, uint64_t *result)
{
  svc_handler *h = user;
  atomic_fetch_add(&h->calls, 1);
  int rc = 0;
  if (value == SVC_SLEEP_VALUE)
    tp_sleep_ms(atomic_load(&h->sleep_ms));
  if (value == SVC_FAIL_VALUE || handler_fail_next(h))
    rc = -1;
  else
    *result = value + 1;
  atomic_fetch_add(&h->finished, 1);
  return rc;
}

int
svc_string_reverse_handler(void *user, netipc_string_view in, char *out,
                           size_t cap, size_t *out_len)
{
  svc_handler *h = user;
  atomic_fetch_add(&h->calls, 1);
  int rc = 0;
  if ((in.len == strlen(SVC_FAIL_STRING) &&
       memcmp(in.ptr, SVC_FAIL_STRING, in.len) == 0) ||
      handler_fail_next(h))
    rc = -1;
  else if (in.len > cap)
    *out_len = in.len; /* does not fit: the server must see it */
  else {
    for (uint32_t i = 0; i < in.len; i++)
      out[i] = in.ptr[in.len - 1 - i];
    *out_len = in.len;
  }
  atomic_fetch_add(&h->finished, 1);
  return rc;
}

static size_t
cg_name_len(svc_handler *h)
{
  unsigned n = atomic_load(&h->cg_name_len);
  return n != 0 ? n : 20;
}

static size_t
cg_path_len(svc_handler *h)
{
  unsigned n = atomic_load(&h->cg_path_len);
  return n != 0 ? n : 40;
}

/* "<prefix><i:05u>-" then `fill` up to len bytes. */
static void
cg_string(const char *prefix, char fill, uint32_t i, size_t len, char *buf,
          size_t cap)
{
  if (cap <= len)
    tp_bail("svc_cg string buffer too small");
  int n = snprintf(buf, cap, "%s%05u-", prefix, (unsigned)i);
  size_t used = n > 0 ? (size_t)n : 0;
  if (used > len)
    used = len;
  memset(buf + used, fill, len - used);
  buf[len] = '\0';
}

void
svc_cg_name(uint32_t i, size_t len, char *buf, size_t cap)
{
  cg_string("cg-", 'n', i, len, buf, cap);
}

void
svc_cg_path(uint32_t i, size_t len, char *buf, size_t cap)
{
  cg_string("/sys/fs/cgroup/cg-", 'p', i, len, buf, cap);
}

int
svc_cgroups_handler(void *user, netipc_cgroups_builder *b)
{
  svc_handler *h = user;
  atomic_fetch_add(&h->calls, 1);
  size_t nl = cg_name_len(h), pl = cg_path_len(h);
  char *name = malloc(nl + 1), *path = malloc(pl + 1);
  int rc = name != NULL && path != NULL ? 0 : -1;
  uint32_t items = atomic_load(&h->cg_items);
  for (uint32_t i = 0; rc == 0 && i < items; i++) {
    svc_cg_name(i, nl, name, nl + 1);
    svc_cg_path(i, pl, path, pl + 1);
    if (netipc_cgroups_builder_add(b, netipc_simple_hash(name, nl), i, i % 2,
                                   name, nl, path, pl) != NETIPC_OK)
      rc = -1; /* the builder remembers the overflow */
  }
  netipc_cgroups_builder_set_header(b, 1, atomic_load(&h->cg_generation));
  if (handler_fail_next(h))
    rc = -1;
  free(name);
  free(path);
  atomic_fetch_add(&h->finished, 1);
  return rc;
}

int
svc_cg_item_ok(const netipc_cgroups_view *v, uint32_t i, size_t name_len,
               size_t path_len)
{
  netipc_cgroups_item_view it;
  if (netipc_cgroups_view_item(v, i, &it) != NETIPC_OK)
    return 0;
  char *name = malloc(name_len + 1), *path = malloc(path_len + 1);
  int ok = name != NULL && path != NULL;
  if (ok) {
    svc_cg_name(i, name_len, name, name_len + 1);
    svc_cg_path(i, path_len, path, path_len + 1);
    ok = it.name.len == name_len && it.path.len == path_len &&
         memcmp(it.name.ptr, name, name_len) == 0 &&
         memcmp(it.path.ptr, path, path_len) == 0 &&
         it.name.ptr[name_len] == '\0' && it.path.ptr[path_len] == '\0' &&
         it.hash == netipc_simple_hash(name, name_len) && it.options == i &&
         it.enabled == i % 2;
  }
  free(name);
  free(path);
  return ok;
}

/* ---------------------------------------------------------------- */
/* Servers and clients                                               */
/* ---------------------------------------------------------------- */

void
svc_server_config(netipc_server_config *cfg, const char *dir, const char *svc,
                  uint16_t method, svc_handler *h)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->run_dir = dir;
  cfg->service_name = svc;
  cfg->method = method;
  cfg->increment = svc_increment_handler;
  cfg->string_reverse = svc_string_reverse_handler;
  cfg->cgroups_snapshot = svc_cgroups_handler;
  cfg->user = h;
  cfg->auth_token = SVC_TOKEN;
}

netipc_server *
svc_server_start(const netipc_server_config *cfg)
{
  netipc_server *s = NULL;
  netipc_err err = netipc_server_create(cfg, &s);
  if (err != NETIPC_OK) {
    printf("# netipc_server_create(%s): %s\n", cfg->service_name,
           netipc_err_name(err));
    tp_bail("cannot create a managed server");
  }
  err = netipc_server_start(s);
  if (err != NETIPC_OK) {
    printf("# netipc_server_start(%s): %s\n", cfg->service_name,
           netipc_err_name(err));
    tp_bail("cannot start a managed server");
  }
  return s;
}

void
svc_client_config(netipc_client_config *cfg, const char *dir, const char *svc)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->run_dir = dir;
  cfg->service_name = svc;
  cfg->auth_token = SVC_TOKEN;
  cfg->timeout_ms = 10000;
}

netipc_client *
svc_client_new(const netipc_client_config *cfg, uint16_t method)
{
  netipc_client *c = NULL;
  netipc_err err = netipc_client_create(cfg, method, &c);
  if (err != NETIPC_OK) {
    printf("# netipc_client_create(%s): %s\n", cfg->service_name,
           netipc_err_name(err));
    tp_bail("cannot create a client context");
  }
  return c;
}

int
svc_client_connect(netipc_client *c, int timeout_ms)
{
  uint64_t end = tp_now_ms() + (uint64_t)timeout_ms;
  for (;;) {
    (void)netipc_client_refresh(c);
    if (netipc_client_ready(c))
      return 1;
    if (tp_now_ms() >= end)
      return 0;
    tp_sleep_ms(10);
  }
}

netipc_client *
svc_connected_client(const char *dir, const char *svc, uint16_t method,
                     uint32_t rq, uint32_t batch)
{
  netipc_client_config cfg;
  svc_client_config(&cfg, dir, svc);
  cfg.max_request_payload_bytes = rq;
  cfg.max_request_batch_items = batch;
  netipc_client *c = svc_client_new(&cfg, method);
  if (!svc_client_connect(c, 5000))
    tp_bail("cannot connect a client");
  return c;
}

netipc_client_status
svc_status(const netipc_client *c)
{
  netipc_client_status st;
  memset(&st, 0, sizeof st);
  netipc_client_status_get(c, &st);
  return st;
}

netipc_client_state
svc_state(const netipc_client *c)
{
  return svc_status(c).state;
}

int
svc_wait_count(atomic_uint *counter, unsigned n, int timeout_ms)
{
  uint64_t end = tp_now_ms() + (uint64_t)timeout_ms;
  while (atomic_load(counter) < n) {
    if (tp_now_ms() >= end)
      return 0;
    tp_sleep_ms(2);
  }
  return 1;
}

int
svc_wait_sessions(netipc_server *s, uint32_t n, int timeout_ms)
{
  uint64_t end = tp_now_ms() + (uint64_t)timeout_ms;
  while (netipc_server_sessions(s) != n) {
    if (tp_now_ms() >= end)
      return 0;
    tp_sleep_ms(2);
  }
  return 1;
}

int
svc_sock_exists(const char *dir, const char *svc)
{
  char path[256];
  if ((size_t)snprintf(path, sizeof path, "%s/%s.sock", dir, svc) >=
      sizeof path)
    tp_bail("socket path too long");
  return tp_path_exists(path);
}

int
svc_dir_count_suffix(const char *dir, const char *suffix)
{
  return tp_dir_count_suffix(dir, suffix);
}

int
svc_dir_entries(const char *dir)
{
  return svc_dir_count_suffix(dir, "");
}

/* ---------------------------------------------------------------- */
/* Threads                                                           */
/* ---------------------------------------------------------------- */

void
svc_task_start(svc_task *t, void (*fn)(void *arg), void *arg)
{
  tp_task_start(t, fn, arg);
}

int
svc_task_done(svc_task *t)
{
  return tp_task_done(t);
}

int
svc_task_join(svc_task *t, int timeout_ms, const char *what)
{
  return tp_task_join(t, timeout_ms, what);
}
