/* SPDX-License-Identifier: GPL-3.0-or-later */
/* service-helpers.c - see service-helpers.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "service-helpers.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static _Noreturn void
svc_bail(const char *what)
{
  /* Same wording as tap.h's bail_out, which this file cannot include. */
  printf("Bail out! %s\n", what);
  fflush(stdout);
  exit(1);
}

int
svc_under_valgrind(void)
{
  return getenv("NETIPC_UNDER_VALGRIND") != NULL;
}

void
svc_alarm(void)
{
  alarm(svc_under_valgrind() ? 600 : 120);
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
    uds_sleep_ms(atomic_load(&h->sleep_ms));
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
    svc_bail("svc_cg string buffer too small");
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
    svc_bail("cannot create a managed server");
  }
  err = netipc_server_start(s);
  if (err != NETIPC_OK) {
    printf("# netipc_server_start(%s): %s\n", cfg->service_name,
           netipc_err_name(err));
    svc_bail("cannot start a managed server");
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
    svc_bail("cannot create a client context");
  }
  return c;
}

int
svc_client_connect(netipc_client *c, int timeout_ms)
{
  uint64_t end = uds_now_ms() + (uint64_t)timeout_ms;
  for (;;) {
    (void)netipc_client_refresh(c);
    if (netipc_client_ready(c))
      return 1;
    if (uds_now_ms() >= end)
      return 0;
    uds_sleep_ms(10);
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
    svc_bail("cannot connect a client");
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
  uint64_t end = uds_now_ms() + (uint64_t)timeout_ms;
  while (atomic_load(counter) < n) {
    if (uds_now_ms() >= end)
      return 0;
    uds_sleep_ms(2);
  }
  return 1;
}

int
svc_wait_sessions(netipc_server *s, uint32_t n, int timeout_ms)
{
  uint64_t end = uds_now_ms() + (uint64_t)timeout_ms;
  while (netipc_server_sessions(s) != n) {
    if (uds_now_ms() >= end)
      return 0;
    uds_sleep_ms(2);
  }
  return 1;
}

int
svc_sock_exists(const char *dir, const char *svc)
{
  char path[256];
  struct stat st;
  uds_sock_path(dir, svc, path, sizeof path);
  return lstat(path, &st) == 0;
}

int
svc_dir_count_suffix(const char *dir, const char *suffix)
{
  DIR *d = opendir(dir);
  if (d == NULL)
    return -1;
  int n = 0;
  size_t sl = suffix != NULL ? strlen(suffix) : 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t nl = strlen(e->d_name);
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    if (nl >= sl && memcmp(e->d_name + nl - sl, suffix, sl) == 0)
      n++;
  }
  closedir(d);
  return n;
}

int
svc_dir_entries(const char *dir)
{
  return svc_dir_count_suffix(dir, "");
}

/* ---------------------------------------------------------------- */
/* Raw clients                                                       */
/* ---------------------------------------------------------------- */

int
svc_raw_open(const char *dir, const char *svc, uint32_t rq, uint32_t rs,
             uint32_t batch, netipc_hello_ack *ack)
{
  int fd = uds_raw_connect(dir, svc);
  if (fd < 0)
    return -1;
  netipc_hello h;
  uds_hello_default(&h);
  h.auth_token = SVC_TOKEN;
  h.max_request_payload_bytes = rq;
  h.max_response_payload_bytes = rs;
  h.max_request_batch_items = batch;
  h.max_response_batch_items = batch;
  uint8_t reply[256];
  ssize_t n = uds_raw_hello(fd, &h, reply, sizeof reply);
  netipc_hello_ack a;
  if (n <= 0 ||
      netipc_hello_ack_process(reply, (size_t)n, h.supported_profiles, &a) !=
          NETIPC_OK) {
    close(fd);
    return -1;
  }
  if (ack != NULL)
    *ack = a;
  return fd;
}

int
svc_raw_send(int fd, uint16_t kind, uint16_t code, uint16_t flags,
             uint32_t item_count, uint64_t id, const void *payload,
             size_t len)
{
  netipc_header h;
  netipc_header_init(&h, kind, code, id);
  h.flags = flags;
  h.item_count = item_count;
  return svc_raw_send_hdr(fd, &h, payload, len);
}

int
svc_raw_send_hdr(int fd, const netipc_header *hdr, const void *payload,
                 size_t len)
{
  netipc_header h = *hdr;
  h.payload_len = (uint32_t)len;
  size_t cap = NETIPC_HEADER_LEN + len;
  uint8_t *buf = malloc(cap);
  if (buf == NULL)
    return -1;
  size_t n = uds_msg_build(buf, cap, &h, payload, len);
  int rc = uds_raw_send(fd, buf, n);
  free(buf);
  return rc;
}

ssize_t
svc_raw_recv(int fd, netipc_header *h, uint8_t *buf, size_t cap,
             int timeout_ms)
{
  ssize_t n = uds_raw_recv(fd, buf, cap, timeout_ms);
  if (n == 0)
    return SVC_RAW_EOF;
  if (n < 0)
    return n == -2 ? -2 : -1;
  if (netipc_header_decode(buf, (size_t)n, h) != NETIPC_OK ||
      h->payload_len != (size_t)n - NETIPC_HEADER_LEN)
    return -1;
  return n - (ssize_t)NETIPC_HEADER_LEN;
}

/* ---------------------------------------------------------------- */
/* Scripted raw server                                               */
/* ---------------------------------------------------------------- */

#define RAW_BUF (1u << 16)
#define RAW_TICK_MS 50

static int
raw_stopped(svc_raw_server *r)
{
  return atomic_load(&r->stop) != 0;
}

/* Wait for a readable fd in ticks; 1 readable, 0 stopped or timed out. */
static int
raw_wait(svc_raw_server *r, int fd, int timeout_ms)
{
  uint64_t end = uds_now_ms() + (uint64_t)timeout_ms;
  while (!raw_stopped(r)) {
    if (uds_readable(fd, RAW_TICK_MS))
      return 1;
    if (timeout_ms >= 0 && uds_now_ms() >= end)
      return 0;
  }
  return 0;
}

/* Read HELLO and answer OK; 0 on success. */
static int
raw_handshake(svc_raw_server *r, int fd, int index, uint8_t *buf)
{
  netipc_header h;
  netipc_hello hello;
  if (!raw_wait(r, fd, UDS_WAIT_MS))
    return -1;
  ssize_t n = uds_raw_recv(fd, buf, RAW_BUF, 0);
  if (n < (ssize_t)NETIPC_HELLO_MSG_LEN ||
      netipc_header_decode(buf, (size_t)n, &h) != NETIPC_OK ||
      netipc_hello_decode(buf + NETIPC_HEADER_LEN,
                          (size_t)n - NETIPC_HEADER_LEN, &hello) != NETIPC_OK)
    return -1;
  if (index < SVC_RAW_MAX_CONNS)
    r->hellos[index] = hello;
  netipc_hello_ack a;
  memset(&a, 0, sizeof a);
  a.layout_version = NETIPC_LAYOUT_VERSION;
  a.server_supported_profiles = NETIPC_PROFILE_UDS_SEQPACKET | r->select;
  a.intersection_profiles =
      hello.supported_profiles & a.server_supported_profiles;
  a.selected_profile = (hello.supported_profiles & r->select) != 0
                           ? r->select
                           : NETIPC_PROFILE_UDS_SEQPACKET;
  a.agreed_max_request_payload_bytes = hello.max_request_payload_bytes;
  a.agreed_max_request_batch_items = hello.max_request_batch_items;
  a.agreed_max_response_payload_bytes =
      r->rsmax != 0 ? r->rsmax : hello.max_response_payload_bytes;
  a.agreed_max_response_batch_items = hello.max_request_batch_items;
  a.agreed_packet_size =
      hello.packet_size < RAW_BUF ? hello.packet_size : RAW_BUF;
  a.session_id = (uint64_t)index + 1;
  uint8_t ack[NETIPC_HELLO_ACK_MSG_LEN];
  if (netipc_hello_ack_message_encode(&a, NETIPC_STATUS_OK, ack, sizeof ack) !=
          NETIPC_OK ||
      uds_raw_send(fd, ack, sizeof ack) != 0)
    return -1;
  return 0;
}

/* Answer one request; 0 to go on, -1 to close the connection. */
static int
raw_answer(svc_raw_server *r, int fd, const netipc_header *req,
           const uint8_t *payload, size_t len)
{
  netipc_header h;
  netipc_header_init(&h, NETIPC_KIND_RESPONSE, req->code, req->message_id);
  uint8_t out[8];
  size_t out_len = 0;
  uint64_t v = 0;
  switch (r->mode) {
  case SVC_RAW_CLOSE:
    return -1;
  case SVC_RAW_STATUS_BATCH:
    h.flags = req->flags;
    h.item_count = req->item_count;
    /* fall through */
  case SVC_RAW_STATUS:
    h.transport_status = r->status;
    break;
  case SVC_RAW_ANSWER:
  case SVC_RAW_WRONG_CODE:
  case SVC_RAW_WRONG_ID:
    if (netipc_increment_decode(payload, len, &v) != NETIPC_OK)
      return -1;
    netipc_increment_encode(v + 1, out, sizeof out, &out_len);
    if (r->mode == SVC_RAW_WRONG_CODE)
      h.code = (uint16_t)(req->code + 1);
    if (r->mode == SVC_RAW_WRONG_ID)
      h.message_id += 1000;
    break;
  }
  if (svc_raw_send_hdr(fd, &h, out, out_len) != 0)
    return -1;
  /* Like a managed server: only OK and UNSUPPORTED keep the session. */
  return h.transport_status == NETIPC_STATUS_OK ||
                 h.transport_status == NETIPC_STATUS_UNSUPPORTED
             ? 0
             : -1;
}

static void
raw_connection(svc_raw_server *r, int fd, int index, uint8_t *buf)
{
  if (raw_handshake(r, fd, index, buf) != 0) {
    r->failed = 1;
    return;
  }
  while (raw_wait(r, fd, -1)) {
    ssize_t n = uds_raw_recv(fd, buf, RAW_BUF, 0);
    netipc_header h;
    if (n <= 0 || netipc_header_decode(buf, (size_t)n, &h) != NETIPC_OK)
      return;
    atomic_fetch_add(&r->requests, 1);
    if (raw_answer(r, fd, &h, buf + NETIPC_HEADER_LEN,
                   (size_t)n - NETIPC_HEADER_LEN) != 0)
      return;
  }
}

static void *
raw_server_main(void *arg)
{
  svc_raw_server *r = arg;
  uint8_t *buf = malloc(RAW_BUF);
  if (buf == NULL)
    svc_bail("out of memory");
  while (raw_wait(r, r->lfd, -1)) {
    int fd = accept(r->lfd, NULL, NULL);
    if (fd < 0)
      continue;
    int index = atomic_fetch_add(&r->conns, 1);
    raw_connection(r, fd, index, buf);
    close(fd);
  }
  free(buf);
  return NULL;
}

void
svc_raw_server_start(svc_raw_server *r, const char *dir, const char *svc,
                     svc_raw_mode mode, uint16_t status)
{
  /* Inputs other than these (select, rsmax) may be set before the call. */
  uint32_t select = r->select, rsmax = r->rsmax;
  memset(r, 0, sizeof *r);
  r->dir = dir;
  r->svc = svc;
  r->mode = mode;
  r->status = status;
  r->select = select;
  r->rsmax = rsmax;
  r->lfd = uds_raw_listen(dir, svc);
  if (r->lfd < 0)
    svc_bail("svc_raw_server_start: cannot listen");
  uds_thread_start(&r->thread, raw_server_main, r);
}

void
svc_raw_server_stop(svc_raw_server *r)
{
  char path[256];
  atomic_store(&r->stop, 1);
  uds_thread_join(r->thread);
  close(r->lfd);
  uds_sock_path(r->dir, r->svc, path, sizeof path);
  unlink(path);
}

/* ---------------------------------------------------------------- */
/* Threads                                                           */
/* ---------------------------------------------------------------- */

static void *
task_main(void *arg)
{
  svc_task *t = arg;
  t->fn(t->arg);
  atomic_store(&t->done, 1);
  return NULL;
}

void
svc_task_start(svc_task *t, void (*fn)(void *arg), void *arg)
{
  t->fn = fn;
  t->arg = arg;
  atomic_store(&t->done, 0);
  uds_thread_start(&t->thread, task_main, t);
}

int
svc_task_done(svc_task *t)
{
  return atomic_load(&t->done) != 0;
}

int
svc_task_join(svc_task *t, int timeout_ms, const char *what)
{
  uint64_t end = uds_now_ms() + (uint64_t)timeout_ms;
  while (!svc_task_done(t)) {
    if (uds_now_ms() >= end) {
      printf("# %s did not finish within %d ms\n", what, timeout_ms);
      svc_bail("a thread hangs");
    }
    uds_sleep_ms(2);
  }
  uds_thread_join(t->thread);
  return 1;
}
