/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cache-raw-posix.c - see cache-raw-posix.h. Portable despite the name:
 * built on the raw byte primitives (uds_readable, uds_raw_recv,
 * uds_raw_send) and the scripted server's listener (svc_raw_listen ...),
 * AF_UNIX on POSIX and a named pipe on Windows (raw-peers-win.c).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "cache-raw-posix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service-raw-posix.h"

/* ---------------------------------------------------------------- */
/* Raw server                                                        */
/* ---------------------------------------------------------------- */

#define CH_RAW_BUF (65536 + 64)
/* Poll interval of the stop flag. */
#define CH_RAW_TICK_MS 50
/* A stop is seen within a tick. */
#define CH_RAW_STOP_MS 20000

/* Receive one record, polling the stop flag: >0, 0 EOF, -1 error/stop. */
static long
ch_raw_recv(ch_raw_server *r, int fd, uint8_t *buf, size_t cap)
{
  for (;;) {
    if (atomic_load(&r->stop))
      return -1;
    long n = uds_raw_recv(fd, buf, cap, CH_RAW_TICK_MS);
    if (n != -2)
      return n;
  }
}

static void
ch_raw_session(ch_raw_server *r, int fd, uint8_t *buf, uint8_t *out)
{
  long n = ch_raw_recv(r, fd, buf, CH_RAW_BUF);
  if (n <= 0) {
    atomic_store(&r->failed, 1);
    return;
  }
  netipc_server_hello_config hc = {
      .supported_profiles = NETIPC_PROFILE_BASELINE,
      .preferred_profiles = NETIPC_PROFILE_BASELINE,
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
    netipc__mutex_lock(r->lock);
    h.payload_len = (uint32_t)r->payload_len;
    size_t len = NETIPC_HEADER_LEN + r->payload_len;
    int built = len <= CH_RAW_BUF &&
                netipc_header_encode(&h, out, CH_RAW_BUF) == NETIPC_OK;
    if (built)
      memcpy(out + NETIPC_HEADER_LEN, r->payload, r->payload_len);
    netipc__mutex_unlock(r->lock);
    if (!built || uds_raw_send(fd, out, len) != 0) {
      atomic_store(&r->failed, 1);
      return;
    }
  }
}

static void
ch_raw_main(void *arg)
{
  ch_raw_server *r = arg;
  uint8_t *buf = ch_xmalloc(CH_RAW_BUF), *out = ch_xmalloc(CH_RAW_BUF);
  while (!atomic_load(&r->stop)) {
    int fd = svc_raw_accept(r->lfd, CH_RAW_TICK_MS);
    if (fd < 0)
      continue;
    ch_raw_session(r, fd, buf, out);
    svc_raw_close(fd);
  }
  free(buf);
  free(out);
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
  r->lock = tp_mutex_new();
  r->lfd = svc_raw_listen(dir, svc);
  if (r->lfd < 0)
    ch_bail("ch_raw_server_start: cannot listen");
  tp_task_start(&r->task, ch_raw_main, r);
}

void
ch_raw_server_set_payload(ch_raw_server *r, const void *payload, size_t len)
{
  if (len > sizeof r->payload)
    ch_bail("ch_raw_server_set_payload: payload too long");
  netipc__mutex_lock(r->lock);
  memcpy(r->payload, payload, len);
  r->payload_len = len;
  netipc__mutex_unlock(r->lock);
}

void
ch_raw_server_stop(ch_raw_server *r)
{
  atomic_store(&r->stop, 1);
  tp_task_join(&r->task, CH_RAW_STOP_MS, "the crafted-bytes server");
  netipc__mutex_destroy(r->lock);
  svc_raw_unlisten(r->lfd, r->dir, r->svc);
}
