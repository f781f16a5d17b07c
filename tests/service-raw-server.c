/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * service-raw-server.c - the scripted raw server and the raw clients of
 * service-raw-posix.h.
 * Portable: built on the raw byte primitives (uds_readable, uds_raw_recv,
 * uds_raw_send, svc_raw_listen/accept/unlisten), which are AF_UNIX on
 * POSIX (uds-helpers.c, service-raw-posix.c) and a named pipe on Windows
 * (raw-peers-win.c).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "service-raw-posix.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- */
/* Scripted raw server                                               */
/* ---------------------------------------------------------------- */

#define RAW_BUF (1u << 16)
#define RAW_TICK_MS 50
/* A stop is seen within a tick; a connection being served may take up
 * to its own waits (UDS_WAIT_MS) first. */
#define RAW_STOP_MS (4 * UDS_WAIT_MS)

static int
raw_stopped(svc_raw_server *r)
{
  return atomic_load(&r->stop) != 0;
}

/* Wait for a readable fd in ticks; 1 readable, 0 stopped or timed out. */
static int
raw_wait(svc_raw_server *r, int fd, int timeout_ms)
{
  uint64_t end = tp_now_ms() + (uint64_t)timeout_ms;
  while (!raw_stopped(r)) {
    if (uds_readable(fd, RAW_TICK_MS))
      return 1;
    if (timeout_ms >= 0 && tp_now_ms() >= end)
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
  long n = uds_raw_recv(fd, buf, RAW_BUF, 0);
  if (n < (long)NETIPC_HELLO_MSG_LEN ||
      netipc_header_decode(buf, (size_t)n, &h) != NETIPC_OK ||
      netipc_hello_decode(buf + NETIPC_HEADER_LEN,
                          (size_t)n - NETIPC_HEADER_LEN, &hello) != NETIPC_OK)
    return -1;
  if (index < SVC_RAW_MAX_CONNS)
    r->hellos[index] = hello;
  netipc_hello_ack a;
  memset(&a, 0, sizeof a);
  a.layout_version = NETIPC_LAYOUT_VERSION;
  a.server_supported_profiles = NETIPC_PROFILE_BASELINE | r->select;
  a.intersection_profiles =
      hello.supported_profiles & a.server_supported_profiles;
  a.selected_profile = (hello.supported_profiles & r->select) != 0
                           ? r->select
                           : NETIPC_PROFILE_BASELINE;
  a.agreed_max_request_payload_bytes = hello.max_request_payload_bytes;
  a.agreed_max_request_batch_items = hello.max_request_batch_items;
  a.agreed_max_response_payload_bytes =
      r->rsmax != 0 ? r->rsmax : hello.max_response_payload_bytes;
  a.agreed_max_response_batch_items = hello.max_request_batch_items;
  uint32_t packet = r->packet != 0 ? r->packet : RAW_BUF;
  a.agreed_packet_size =
      hello.packet_size < packet ? hello.packet_size : packet;
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
  case SVC_RAW_SCRIPT:
    return r->script(fd, req, payload, len, r->script_arg);
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
    long n = uds_raw_recv(fd, buf, RAW_BUF, 0);
    netipc_header h;
    if (n <= 0 || netipc_header_decode(buf, (size_t)n, &h) != NETIPC_OK)
      return;
    atomic_fetch_add(&r->requests, 1);
    if (raw_answer(r, fd, &h, buf + NETIPC_HEADER_LEN,
                   (size_t)n - NETIPC_HEADER_LEN) != 0)
      return;
  }
}

static void
raw_server_main(void *arg)
{
  svc_raw_server *r = arg;
  uint8_t *buf = malloc(RAW_BUF);
  if (buf == NULL)
    tp_bail("out of memory");
  while (!raw_stopped(r)) {
    int fd = svc_raw_accept(r->lfd, RAW_TICK_MS);
    if (fd < 0)
      continue; /* none within the tick: look at the stop flag again */
    int index = atomic_fetch_add(&r->conns, 1);
    raw_connection(r, fd, index, buf);
    svc_raw_close(fd);
  }
  free(buf);
}

void
svc_raw_server_start(svc_raw_server *r, const char *dir, const char *svc,
                     svc_raw_mode mode, uint16_t status)
{
  /* Inputs other than these (select, rsmax, packet, script) may be set
   * before the call. */
  *r = (svc_raw_server){.dir = dir,
                        .svc = svc,
                        .mode = mode,
                        .status = status,
                        .select = r->select,
                        .rsmax = r->rsmax,
                        .packet = r->packet,
                        .script = r->script,
                        .script_arg = r->script_arg};
  if (mode == SVC_RAW_SCRIPT && r->script == NULL)
    tp_bail("svc_raw_server_start: SVC_RAW_SCRIPT without a script");
  r->lfd = svc_raw_listen(dir, svc);
  if (r->lfd < 0)
    tp_bail("svc_raw_server_start: cannot listen");
  tp_task_start(&r->task, raw_server_main, r);
}

void
svc_raw_server_stop(svc_raw_server *r)
{
  atomic_store(&r->stop, 1);
  tp_task_join(&r->task, RAW_STOP_MS, "the scripted raw server");
  svc_raw_unlisten(r->lfd, r->dir, r->svc);
}

/* ---- raw clients, over the platform's raw peers (raw-peers.h) ---- */

int
svc_raw_open(const char *dir, const char *svc, uint32_t rq, uint32_t rs,
             uint32_t batch, netipc_hello_ack *ack)
{
  int fd = uds_raw_connect(dir, svc);
  if (fd < 0)
    return -1;
  netipc_hello h;
  memset(&h, 0, sizeof h);
  h.layout_version = NETIPC_LAYOUT_VERSION;
  h.supported_profiles = NETIPC_PROFILE_BASELINE;
  h.preferred_profiles = NETIPC_PROFILE_BASELINE;
  h.auth_token = SVC_TOKEN;
  h.max_request_payload_bytes = rq;
  h.max_response_payload_bytes = rs;
  h.max_request_batch_items = batch;
  h.max_response_batch_items = batch;
  h.packet_size = NETIPC_PACKET_SIZE_FALLBACK;
  uint8_t msg[NETIPC_HELLO_MSG_LEN], reply[256];
  netipc_hello_ack a;
  long n = -1;
  if (netipc_hello_message_encode(&h, msg, sizeof msg) == NETIPC_OK &&
      uds_raw_send(fd, msg, sizeof msg) == 0)
    n = uds_raw_recv(fd, reply, sizeof reply, UDS_WAIT_MS);
  if (n <= 0 ||
      netipc_hello_ack_process(reply, (size_t)n, h.supported_profiles, &a) !=
          NETIPC_OK) {
    svc_raw_close(fd);
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
  int rc = -1;
  if (netipc_header_encode(&h, buf, cap) == NETIPC_OK) {
    if (len != 0)
      memcpy(buf + NETIPC_HEADER_LEN, payload, len);
    rc = uds_raw_send(fd, buf, cap);
  }
  free(buf);
  return rc;
}

long
svc_raw_recv(int fd, netipc_header *h, uint8_t *buf, size_t cap,
             int timeout_ms)
{
  long n = uds_raw_recv(fd, buf, cap, timeout_ms);
  if (n == 0)
    return SVC_RAW_EOF;
  if (n < 0)
    return n == -2 ? -2 : -1;
  if (netipc_header_decode(buf, (size_t)n, h) != NETIPC_OK ||
      h->payload_len != (size_t)n - NETIPC_HEADER_LEN)
    return -1;
  return n - (long)NETIPC_HEADER_LEN;
}
