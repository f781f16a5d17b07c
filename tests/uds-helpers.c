/* SPDX-License-Identifier: GPL-3.0-or-later */
/* uds-helpers.c - see uds-helpers.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "uds-helpers.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

static _Noreturn void
uds_bail(const char *what)
{
  tp_bail_errno(what);
}

void
uds_safety_alarm(void)
{
  tp_alarm(tp_under_valgrind() ? 600 : 60);
}

uint64_t
uds_now_ms(void)
{
  return tp_now_ms();
}

void
uds_sleep_ms(unsigned ms)
{
  tp_sleep_ms(ms);
}

/* ---------------------------------------------------------------- */
/* Run directories and paths                                         */
/* ---------------------------------------------------------------- */

void
uds_rundir_make(char *dir, size_t cap, const char *tag)
{
  tp_rundir_make(dir, cap, tag);
}

void
uds_rundir_remove(const char *dir)
{
  tp_rundir_remove(dir);
}

void
uds_sock_path(const char *dir, const char *svc, char *buf, size_t cap)
{
  if ((size_t)snprintf(buf, cap, "%s/%s.sock", dir, svc) >= cap)
    uds_bail("socket path too long");
}

void
uds_config(netipc_transport_config *cfg, const char *dir, const char *svc)
{
  tp_transport_config(cfg, dir, svc);
}

/* ---------------------------------------------------------------- */
/* Raw sockets                                                       */
/* ---------------------------------------------------------------- */

static int
uds_raw_addr(const char *dir, const char *svc, struct sockaddr_un *a)
{
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  return (size_t)snprintf(a->sun_path, sizeof a->sun_path, "%s/%s.sock", dir,
                          svc) < sizeof a->sun_path
             ? 0
             : -1;
}

/* A raw SOCK_SEQPACKET socket bound (or connected) to dir/svc.sock. */
static int
uds_raw_at(const char *dir, const char *svc, bool do_connect)
{
  struct sockaddr_un a;
  if (uds_raw_addr(dir, svc, &a) != 0)
    return -1;
  int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  if (fd < 0)
    return -1;
  int rc = do_connect ? connect(fd, (struct sockaddr *)&a, sizeof a)
                      : bind(fd, (struct sockaddr *)&a, sizeof a);
  if (rc != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

int
uds_raw_bind(const char *dir, const char *svc)
{
  return uds_raw_at(dir, svc, false);
}

int
uds_raw_listen(const char *dir, const char *svc)
{
  int fd = uds_raw_bind(dir, svc);
  if (fd >= 0 && listen(fd, 16) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

int
uds_readable(int fd, int timeout_ms)
{
  struct pollfd p = {.fd = fd, .events = POLLIN};
  int n;
  do
    n = poll(&p, 1, timeout_ms);
  while (n < 0 && errno == EINTR);
  return n > 0;
}

int
uds_raw_accept(int lfd, int timeout_ms)
{
  if (!uds_readable(lfd, timeout_ms))
    return -1;
  return accept(lfd, NULL, NULL);
}

int
uds_raw_connect(const char *dir, const char *svc)
{
  return uds_raw_at(dir, svc, true);
}

int
uds_raw_send(int fd, const void *buf, size_t len)
{
  ssize_t n;
  do
    n = send(fd, buf, len, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n >= 0 && (size_t)n == len ? 0 : -1;
}

long
uds_raw_recv(int fd, void *buf, size_t cap, int timeout_ms)
{
  if (!uds_readable(fd, timeout_ms))
    return -2;
  struct iovec iov = {.iov_base = buf, .iov_len = cap};
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  ssize_t n;
  do
    n = recvmsg(fd, &msg, MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  if (n > 0 && (msg.msg_flags & MSG_TRUNC))
    return -1;
  return n < 0 ? -1 : n;
}

int
uds_raw_wait_eof(int fd, int timeout_ms)
{
  uint8_t sink[4096];
  if (!uds_readable(fd, timeout_ms))
    return 0;
  ssize_t n;
  do
    n = recv(fd, sink, sizeof sink, MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  return n == 0 || (n < 0 && errno == ECONNRESET);
}

size_t
uds_msg_build(uint8_t *buf, size_t cap, const netipc_header *h,
              const void *payload, size_t len)
{
  if (cap < NETIPC_HEADER_LEN + len ||
      netipc_header_encode(h, buf, cap) != NETIPC_OK)
    uds_bail("uds_msg_build: buffer too small");
  /* memmove: callers may pass a payload that already sits inside buf. */
  if (len != 0)
    memmove(buf + NETIPC_HEADER_LEN, payload, len);
  return NETIPC_HEADER_LEN + len;
}

size_t
uds_chunk_build(uint8_t *buf, size_t cap, const netipc_chunk_header *c,
                const void *data, size_t len)
{
  if (cap < NETIPC_HEADER_LEN + len ||
      netipc_chunk_header_encode(c, buf, cap) != NETIPC_OK)
    uds_bail("uds_chunk_build: buffer too small");
  if (len != 0)
    memcpy(buf + NETIPC_HEADER_LEN, data, len);
  return NETIPC_HEADER_LEN + len;
}

void
uds_hello_default(netipc_hello *h)
{
  memset(h, 0, sizeof *h);
  h->layout_version = NETIPC_LAYOUT_VERSION;
  h->supported_profiles = NETIPC_PROFILE_UDS_SEQPACKET;
  h->preferred_profiles = NETIPC_PROFILE_UDS_SEQPACKET;
  h->max_request_payload_bytes = 4096;
  h->max_request_batch_items = 8;
  h->max_response_payload_bytes = 4096;
  h->max_response_batch_items = 8;
  h->auth_token = UDS_TOKEN;
  h->packet_size = 65536;
}

ssize_t
uds_raw_hello(int fd, const netipc_hello *h, uint8_t *reply, size_t cap)
{
  uint8_t msg[NETIPC_HELLO_MSG_LEN];
  if (netipc_hello_message_encode(h, msg, sizeof msg) != NETIPC_OK ||
      uds_raw_send(fd, msg, sizeof msg) != 0)
    return -1;
  return uds_raw_recv(fd, reply, cap, UDS_WAIT_MS);
}

static int
hex_nibble(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

ssize_t
uds_hex_decode(const char *hex, size_t hexlen, uint8_t *out, size_t cap)
{
  if (hexlen % 2 != 0 || hexlen / 2 > cap)
    return -1;
  for (size_t i = 0; i < hexlen / 2; i++) {
    int hi = hex_nibble(hex[2 * i]), lo = hex_nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return -1;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return (ssize_t)(hexlen / 2);
}

void
uds_fill(uint8_t *buf, size_t len, uint32_t seed)
{
  tp_fill(buf, len, seed);
}

/* ---------------------------------------------------------------- */
/* Pairs                                                             */
/* ---------------------------------------------------------------- */

void
uds_pair_open(uds_pair *p, netipc_listener *l,
              const netipc_transport_config *ccfg, int attempts)
{
  uds_accepter a;
  memset(p, 0, sizeof *p);
  uds_accept_start(&a, l, UDS_WAIT_MS, attempts);
  p->connect_err =
      netipc_session_connect(ccfg, UDS_WAIT_MS, NULL, &p->client);
  uds_accept_join(&a);
  p->accept_err = a.err;
  p->server = a.session;
  p->failures = a.failures;
  p->last_status = a.last_status;
  p->err = p->connect_err != NETIPC_OK ? p->connect_err : p->accept_err;
}

void
uds_pair_close(uds_pair *p)
{
  netipc_session_destroy(p->client);
  netipc_session_destroy(p->server);
  p->client = p->server = NULL;
}

int
uds_pair_round_trip(uds_pair *p, uint64_t value)
{
  uint8_t buf[8];
  size_t n;
  netipc_header h, rh;
  const void *rp;
  size_t rl;
  uint64_t v = 0;
  if (p->client == NULL || p->server == NULL)
    return 0;
  netipc_increment_encode(value, buf, sizeof buf, &n);
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, value);
  if (netipc_session_send(p->client, &h, buf, n) != NETIPC_OK ||
      netipc_session_receive(p->server, UDS_WAIT_MS, NULL, &rh, &rp, &rl) !=
          NETIPC_OK ||
      uds_answer(p->server, &rh, rp, rl) != NETIPC_OK ||
      netipc_session_receive(p->client, UDS_WAIT_MS, NULL, &rh, &rp, &rl) !=
          NETIPC_OK ||
      netipc_increment_decode(rp, rl, &v) != NETIPC_OK)
    return 0;
  return v == value + 1 && rh.message_id == value &&
         rh.kind == NETIPC_KIND_RESPONSE &&
         rh.code == NETIPC_METHOD_INCREMENT;
}

/* ---------------------------------------------------------------- */
/* Level 1 test server                                               */
/* ---------------------------------------------------------------- */

/* One method payload in, one out; returns a transport_status. */
static uint16_t
method_apply(uint16_t code, const void *in, size_t inlen, uint8_t *out,
             size_t cap, size_t *outlen)
{
  if (code == NETIPC_METHOD_INCREMENT) {
    uint64_t v;
    if (netipc_increment_decode(in, inlen, &v) != NETIPC_OK)
      return NETIPC_STATUS_BAD_ENVELOPE;
    return netipc_increment_encode(v + 1, out, cap, outlen) == NETIPC_OK
               ? NETIPC_STATUS_OK
               : NETIPC_STATUS_LIMIT_EXCEEDED;
  }
  if (code == NETIPC_METHOD_STRING_REVERSE) {
    netipc_string_view sv;
    if (netipc_string_reverse_decode(in, inlen, &sv) != NETIPC_OK)
      return NETIPC_STATUS_BAD_ENVELOPE;
    char *rev = malloc(sv.len + 1u);
    if (rev == NULL)
      return NETIPC_STATUS_INTERNAL_ERROR;
    for (uint32_t i = 0; i < sv.len; i++)
      rev[i] = sv.ptr[sv.len - 1 - i];
    netipc_err err = netipc_string_reverse_encode(rev, sv.len, out, cap,
                                                  outlen);
    free(rev);
    return err == NETIPC_OK ? NETIPC_STATUS_OK : NETIPC_STATUS_LIMIT_EXCEEDED;
  }
  return NETIPC_STATUS_UNSUPPORTED;
}

/* Build the whole response payload; returns its status. */
static uint16_t
answer_build(const netipc_header *req, const void *payload, size_t len,
             uint8_t *out, size_t cap, size_t *outlen, uint32_t *items)
{
  *items = 1;
  if (!(req->flags & NETIPC_FLAG_BATCH))
    return method_apply(req->code, payload, len, out, cap, outlen);
  netipc_batch_view v;
  if (netipc_batch_decode(payload, len, req->item_count, &v) != NETIPC_OK)
    return NETIPC_STATUS_BAD_ENVELOPE;
  uint8_t *tmp = malloc(cap ? cap : 1);
  if (tmp == NULL)
    return NETIPC_STATUS_INTERNAL_ERROR;
  netipc_batch_builder b;
  uint16_t status = NETIPC_STATUS_OK;
  if (netipc_batch_builder_init(&b, out, cap, v.item_count) != NETIPC_OK)
    status = NETIPC_STATUS_LIMIT_EXCEEDED;
  for (uint32_t i = 0; status == NETIPC_STATUS_OK && i < v.item_count; i++) {
    const void *item;
    uint32_t ilen;
    size_t olen = 0;
    if (netipc_batch_item(&v, i, &item, &ilen) != NETIPC_OK)
      status = NETIPC_STATUS_BAD_ENVELOPE;
    else
      status = method_apply(req->code, item, ilen, tmp, cap, &olen);
    if (status == NETIPC_STATUS_OK &&
        netipc_batch_builder_add(&b, tmp, olen) != NETIPC_OK)
      status = NETIPC_STATUS_LIMIT_EXCEEDED;
  }
  uint32_t plen = 0;
  if (status == NETIPC_STATUS_OK &&
      netipc_batch_builder_finish(&b, &plen, items) != NETIPC_OK)
    status = NETIPC_STATUS_LIMIT_EXCEEDED;
  *outlen = plen;
  free(tmp);
  return status;
}

/*
 * Returns the send error, or after a BAD_ENVELOPE / LIMIT_EXCEEDED /
 * INTERNAL_ERROR answer NETIPC_ERR_PROTOCOL / NETIPC_ERR_LIMIT_EXCEEDED /
 * NETIPC_ERR_SYSTEM so the caller closes (wire.md 5). UNSUPPORTED: OK.
 */
netipc_err
uds_answer(netipc_session *s, const netipc_header *req, const void *payload,
           size_t len)
{
  const netipc_session_info *info = netipc_session_get_info(s);
  size_t cap = info->max_response_payload_bytes;
  uint8_t *out = malloc(cap ? cap : 1);
  if (out == NULL)
    return NETIPC_ERR_NOMEM;
  size_t outlen = 0;
  uint32_t items = 1;
  uint16_t status = answer_build(req, payload, len, out, cap, &outlen, &items);
  netipc_header h;
  netipc_header_init(&h, NETIPC_KIND_RESPONSE, req->code, req->message_id);
  h.transport_status = status;
  if (status == NETIPC_STATUS_OK && (req->flags & NETIPC_FLAG_BATCH)) {
    h.flags = NETIPC_FLAG_BATCH;
    h.item_count = items;
  }
  if (status != NETIPC_STATUS_OK)
    outlen = 0;
  netipc_err err = netipc_session_send(s, &h, out, outlen);
  free(out);
  if (err != NETIPC_OK)
    return err;
  switch (status) {
  case NETIPC_STATUS_BAD_ENVELOPE:
    return NETIPC_ERR_PROTOCOL;
  case NETIPC_STATUS_LIMIT_EXCEEDED:
    return NETIPC_ERR_LIMIT_EXCEEDED;
  case NETIPC_STATUS_INTERNAL_ERROR:
    return NETIPC_ERR_SYSTEM;
  default:
    return NETIPC_OK;
  }
}

netipc_err
uds_serve(netipc_session *s, uint32_t timeout_ms, const netipc_abort *abort,
          unsigned *served)
{
  for (;;) {
    netipc_header h;
    const void *p = NULL;
    size_t n = 0;
    netipc_err err = netipc_session_receive(s, timeout_ms, abort, &h, &p, &n);
    if (err == NETIPC_ERR_LIMIT_EXCEEDED) {
      netipc_header r;
      netipc_header_init(&r, NETIPC_KIND_RESPONSE, h.code, h.message_id);
      r.transport_status = NETIPC_STATUS_LIMIT_EXCEEDED;
      (void)netipc_session_send(s, &r, NULL, 0);
      return err;
    }
    if (err != NETIPC_OK)
      return err;
    if (h.kind != NETIPC_KIND_REQUEST)
      return NETIPC_ERR_PROTOCOL;
    err = uds_answer(s, &h, p, n);
    if (err != NETIPC_OK)
      return err;
    if (served != NULL)
      (*served)++;
  }
}

typedef struct server_slot {
  uds_server *srv;
  netipc_session *session;
  int index;
} server_slot;

static void *
server_session_main(void *arg)
{
  server_slot *slot = arg;
  uds_server *srv = slot->srv;
  unsigned served = 0;
  netipc_err err = uds_serve(slot->session, 0, srv->abort, &served);
  netipc_session_destroy(slot->session);
  pthread_mutex_lock(&srv->lock);
  srv->end_err[slot->index] = err;
  srv->served[slot->index] = served;
  srv->ended++;
  pthread_mutex_unlock(&srv->lock);
  free(slot);
  return NULL;
}

static void *
server_accept_main(void *arg)
{
  uds_server *srv = arg;
  for (;;) {
    netipc_session *s = NULL;
    netipc_err err = netipc_listener_accept(srv->listener, 0, srv->abort, &s);
    if (err == NETIPC_ERR_ABORTED)
      break;
    if (err != NETIPC_OK) {
      pthread_mutex_lock(&srv->lock);
      srv->failures++;
      srv->last_failure = err;
      srv->last_status = netipc_listener_last_status(srv->listener);
      pthread_mutex_unlock(&srv->lock);
      if (netipc_abort_is_signalled(srv->abort))
        break;
      continue;
    }
    pthread_mutex_lock(&srv->lock);
    int index = srv->accepted;
    pthread_mutex_unlock(&srv->lock);
    server_slot *slot = malloc(sizeof *slot);
    if (index >= UDS_SERVER_MAX || slot == NULL) {
      free(slot);
      netipc_session_destroy(s);
      continue;
    }
    slot->srv = srv;
    slot->session = s;
    slot->index = index;
    pthread_mutex_lock(&srv->lock);
    srv->session_id[index] = netipc_session_get_info(s)->session_id;
    uds_thread_start(&srv->threads[index], server_session_main, slot);
    srv->accepted++;
    pthread_mutex_unlock(&srv->lock);
  }
  return NULL;
}

netipc_err
uds_server_start(uds_server *srv, const netipc_transport_config *cfg)
{
  memset(srv, 0, sizeof *srv);
  netipc_err err = netipc_listener_create(cfg, &srv->listener);
  if (err != NETIPC_OK)
    return err;
  if (netipc_abort_create(&srv->abort) != NETIPC_OK)
    uds_bail("netipc_abort_create");
  pthread_mutex_init(&srv->lock, NULL);
  srv->running = 1;
  uds_thread_start(&srv->accept_thread, server_accept_main, srv);
  return NETIPC_OK;
}

void
uds_server_stop(uds_server *srv)
{
  if (!srv->running)
    return;
  netipc_abort_signal(srv->abort);
  uds_thread_join(srv->accept_thread);
  for (int i = 0; i < srv->accepted; i++)
    uds_thread_join(srv->threads[i]);
  netipc_listener_destroy(srv->listener);
  netipc_abort_destroy(srv->abort);
  pthread_mutex_destroy(&srv->lock);
  srv->running = 0;
}

int
uds_server_wait(uds_server *srv, int n_ended, int n_failures, int timeout_ms)
{
  uint64_t end = uds_now_ms() + (uint64_t)timeout_ms;
  for (;;) {
    pthread_mutex_lock(&srv->lock);
    int done = srv->ended >= n_ended && srv->failures >= n_failures;
    pthread_mutex_unlock(&srv->lock);
    if (done)
      return 1;
    if (uds_now_ms() >= end)
      return 0;
    uds_sleep_ms(2);
  }
}

void
uds_server_snapshot(uds_server *srv, uds_server *out)
{
  /* Only the results: the lock and thread handles stay with srv. */
  memset(out, 0, sizeof *out);
  pthread_mutex_lock(&srv->lock);
  out->accepted = srv->accepted;
  out->failures = srv->failures;
  out->last_failure = srv->last_failure;
  out->last_status = srv->last_status;
  out->ended = srv->ended;
  memcpy(out->end_err, srv->end_err, sizeof out->end_err);
  memcpy(out->served, srv->served, sizeof out->served);
  memcpy(out->session_id, srv->session_id, sizeof out->session_id);
  pthread_mutex_unlock(&srv->lock);
}

/* ---------------------------------------------------------------- */
/* Threads                                                           */
/* ---------------------------------------------------------------- */

void
uds_thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
  int rc = pthread_create(t, NULL, fn, arg);
  if (rc != 0) {
    errno = rc;
    uds_bail("pthread_create");
  }
}

void
uds_thread_join(pthread_t t)
{
  int rc = pthread_join(t, NULL);
  if (rc != 0) {
    errno = rc;
    uds_bail("pthread_join");
  }
}

static void *
accepter_main(void *arg)
{
  uds_accepter *a = arg;
  int attempts = a->attempts > 0 ? a->attempts : 1;
  for (int i = 0; i < attempts; i++) {
    a->err = netipc_listener_accept(a->listener, a->timeout_ms, NULL,
                                    &a->session);
    a->last_status = netipc_listener_last_status(a->listener);
    if (a->err == NETIPC_OK || a->err == NETIPC_ERR_TIMEOUT)
      break;
    a->failures++;
  }
  return NULL;
}

void
uds_accept_start(uds_accepter *a, netipc_listener *l, uint32_t timeout_ms,
                 int attempts)
{
  memset(a, 0, sizeof *a);
  a->listener = l;
  a->timeout_ms = timeout_ms;
  a->attempts = attempts;
  uds_thread_start(&a->thread, accepter_main, a);
}

void
uds_accept_join(uds_accepter *a)
{
  uds_thread_join(a->thread);
}

static void *
connecter_main(void *arg)
{
  uds_connecter *c = arg;
  c->err = netipc_session_connect(c->cfg, c->timeout_ms, NULL, &c->session);
  return NULL;
}

void
uds_connect_start(uds_connecter *c, const netipc_transport_config *cfg,
                  uint32_t timeout_ms)
{
  memset(c, 0, sizeof *c);
  c->cfg = cfg;
  c->timeout_ms = timeout_ms;
  uds_thread_start(&c->thread, connecter_main, c);
}

void
uds_connect_join(uds_connecter *c)
{
  uds_thread_join(c->thread);
}

/* ---------------------------------------------------------------- */
/* Scripted raw server                                               */
/* ---------------------------------------------------------------- */

void
uds_raw_peer_init(uds_raw_peer *p, int lfd)
{
  memset(p, 0, sizeof *p);
  p->lfd = lfd;
}

void
uds_raw_peer_add(uds_raw_peer *p, const uint8_t *pkt, size_t len,
                 int delay_ms)
{
  if (p->npkt >= UDS_PEER_MAX_PKTS)
    uds_bail("uds_raw_peer_add: too many packets");
  p->pkt[p->npkt] = pkt;
  p->pkt_len[p->npkt] = len;
  p->pkt_delay_ms[p->npkt] = delay_ms;
  p->npkt++;
}

/* The OK HELLO_ACK a reference server would send for this HELLO. */
static size_t
raw_peer_ack(const uds_raw_peer *p, uint8_t *buf, size_t cap)
{
  uint32_t ps = p->packet_size ? p->packet_size : 65536;
  netipc_hello_ack a;
  memset(&a, 0, sizeof a);
  a.layout_version = NETIPC_LAYOUT_VERSION;
  a.server_supported_profiles = NETIPC_PROFILE_UDS_SEQPACKET;
  a.intersection_profiles =
      p->hello.supported_profiles & NETIPC_PROFILE_UDS_SEQPACKET;
  a.selected_profile = NETIPC_PROFILE_UDS_SEQPACKET;
  a.agreed_max_request_payload_bytes = p->hello.max_request_payload_bytes;
  a.agreed_max_request_batch_items = p->hello.max_request_batch_items;
  a.agreed_max_response_payload_bytes = p->rsmax ? p->rsmax : 4096;
  a.agreed_max_response_batch_items = p->hello.max_request_batch_items;
  a.agreed_packet_size =
      p->hello.packet_size < ps ? p->hello.packet_size : ps;
  a.session_id = 1;
  if (netipc_hello_ack_message_encode(&a, NETIPC_STATUS_OK, buf, cap) !=
      NETIPC_OK)
    return 0;
  return NETIPC_HELLO_ACK_MSG_LEN;
}

static void *
raw_peer_main(void *arg)
{
  uds_raw_peer *p = arg;
  uint8_t buf[1 << 16];
  int fd = uds_raw_accept(p->lfd, UDS_WAIT_MS);
  if (fd < 0) {
    p->failed = 1;
    return NULL;
  }
  ssize_t n = uds_raw_recv(fd, buf, sizeof buf, UDS_WAIT_MS);
  netipc_header h;
  if (n < (ssize_t)NETIPC_HELLO_MSG_LEN ||
      netipc_header_decode(buf, (size_t)n, &h) != NETIPC_OK ||
      netipc_hello_decode(buf + NETIPC_HEADER_LEN,
                          (size_t)n - NETIPC_HEADER_LEN,
                          &p->hello) != NETIPC_OK) {
    p->failed = 1;
    goto out;
  }
  uint8_t ack[NETIPC_HELLO_ACK_MSG_LEN];
  const uint8_t *ack_data = p->ack;
  size_t ack_len = p->ack_len;
  if (ack_data == NULL) {
    ack_len = raw_peer_ack(p, ack, sizeof ack);
    ack_data = ack;
  }
  if (uds_raw_send(fd, ack_data, ack_len) != 0) {
    p->failed = 1;
    goto out;
  }
  for (int i = 0; i < p->read_records; i++) {
    n = uds_raw_recv(fd, buf, sizeof buf, UDS_WAIT_MS);
    if (n <= 0) {
      p->failed = 1;
      goto out;
    }
    if (p->records < UDS_PEER_MAX_PKTS)
      p->rec_len[p->records] = (size_t)n;
    if (p->rec_buf != NULL && p->rec_used + (size_t)n <= p->rec_cap) {
      memcpy(p->rec_buf + p->rec_used, buf, (size_t)n);
      p->rec_used += (size_t)n;
    }
    p->records++;
  }
  for (int i = 0; i < p->npkt; i++) {
    if (p->pkt_delay_ms[i] > 0)
      uds_sleep_ms((unsigned)p->pkt_delay_ms[i]);
    if (uds_raw_send(fd, p->pkt[i], p->pkt_len[i]) != 0) {
      p->failed = 1;
      goto out;
    }
  }
  if (p->linger_ms > 0)
    p->saw_eof = uds_raw_wait_eof(fd, p->linger_ms);
out:
  close(fd);
  return NULL;
}

void
uds_raw_peer_start(uds_raw_peer *p)
{
  uds_thread_start(&p->thread, raw_peer_main, p);
}

void
uds_raw_peer_join(uds_raw_peer *p)
{
  uds_thread_join(p->thread);
}
