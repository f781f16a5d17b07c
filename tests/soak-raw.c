/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * soak-raw.c - the misbehaving byte-level clients of the soak: each round
 * one connection to one of the three services that breaks off somewhere
 * (before the HELLO, inside it, with a wrong token, after a request
 * header, after the first chunk of a chunked request, or after a whole
 * request whose answer it never reads), built on the raw peers of
 * raw-peers.h, uds-helpers.h and service-raw-posix.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "service-raw-posix.h"
#include "soak-clients.h"
#include "uds-helpers.h"

typedef enum raw_kind {
  RAW_CONNECT_CLOSE = 0, /* connect, close at once */
  RAW_SILENT,            /* connect, say nothing for a while, close */
  RAW_HALF_HELLO,        /* the first half of a HELLO record */
  RAW_BAD_TOKEN,         /* a HELLO with the wrong token */
  RAW_HEADER_ONLY,       /* a request header announcing a payload */
  RAW_FIRST_CHUNK,       /* the first chunk of a chunked request */
  RAW_NO_READ,           /* a whole request, answer never read */
  RAW_KINDS
} raw_kind;

/* Longest a misbehaver lingers before it hangs up. */
#define RAW_LINGER_MS 50u
/* Request limit a raw client proposes: room for a chunked request. */
#define RAW_REQUEST_LIMIT (256u << 10)
#define RAW_RESPONSE_LIMIT 4096u
/* The chunked request announces this many full packets of payload. */
#define RAW_CHUNKS 3u
/* A payload length the header-only request announces. */
#define RAW_ANNOUNCED 100u
#define RAW_REPLY_CAP 256u
#define RAW_REFUSED_NAP_MS 10u

/* The request payload of method m (small and valid) into buf. */
static size_t
raw_request(unsigned m, uint8_t *buf, size_t cap)
{
  size_t len = 0;
  switch (soak_methods[m]) {
  case NETIPC_METHOD_INCREMENT:
    (void)netipc_increment_encode(41, buf, cap, &len);
    break;
  case NETIPC_METHOD_STRING_REVERSE:
    (void)netipc_string_reverse_encode("soak", 4, buf, cap, &len);
    break;
  default:
    (void)netipc_cgroups_req_encode(buf, cap, &len);
    break;
  }
  return len;
}

/* A header announcing `announced` payload bytes plus `carried` of them. */
static int
raw_send_partial(int fd, unsigned m, uint32_t announced, size_t carried)
{
  size_t len = NETIPC_HEADER_LEN + carried;
  uint8_t *buf = calloc(1, len);
  if (buf == NULL)
    return -1;
  netipc_header h;
  netipc_header_init(&h, NETIPC_KIND_REQUEST, soak_methods[m], 1);
  h.payload_len = announced;
  int rc = -1;
  if (netipc_header_encode(&h, buf, len) == NETIPC_OK) {
    memset(buf + NETIPC_HEADER_LEN, 'x', carried);
    rc = uds_raw_send(fd, buf, len);
  }
  free(buf);
  return rc;
}

/* The HELLO a library client would send, into msg. */
static void
raw_hello(uint8_t *msg, size_t cap, uint64_t token)
{
  netipc_hello h;
  uds_hello_default(&h);
  h.auth_token = token;
  if (netipc_hello_message_encode(&h, msg, cap) != NETIPC_OK)
    tp_bail("soak: cannot encode a HELLO");
}

/* After the handshake: the kinds that break off inside a request. */
static void
raw_after_hello(raw_kind k, int fd, unsigned m, const netipc_hello_ack *ack)
{
  uint8_t req[64];
  size_t len;
  switch (k) {
  case RAW_HEADER_ONLY:
    (void)raw_send_partial(fd, m, RAW_ANNOUNCED, 0);
    break;
  case RAW_FIRST_CHUNK: {
    size_t first = ack->agreed_packet_size - NETIPC_HEADER_LEN;
    (void)raw_send_partial(fd, m, (uint32_t)(RAW_CHUNKS * first), first);
    break;
  }
  default: /* RAW_NO_READ */
    len = raw_request(m, req, sizeof req);
    (void)svc_raw_send(fd, NETIPC_KIND_REQUEST, soak_methods[m], 0, 1, 1, req,
                       len);
    break;
  }
}

/* One misbehaving connection; -1 when it could not even connect. */
static int
raw_round(raw_kind k, unsigned m, const char *dir, soak_rng *r)
{
  const char *svc = soak_services_of[m];
  uint8_t msg[NETIPC_HELLO_MSG_LEN], reply[RAW_REPLY_CAP];
  int fd;
  if (k >= RAW_HEADER_ONLY) {
    netipc_hello_ack ack;
    fd = svc_raw_open(dir, svc, RAW_REQUEST_LIMIT, RAW_RESPONSE_LIMIT, 1,
                      &ack);
    if (fd < 0)
      return -1;
    raw_after_hello(k, fd, m, &ack);
  } else {
    fd = uds_raw_connect(dir, svc);
    if (fd < 0)
      return -1;
    if (k == RAW_HALF_HELLO) {
      raw_hello(msg, sizeof msg, UDS_TOKEN);
      (void)uds_raw_send(fd, msg, sizeof msg / 2);
    } else if (k == RAW_BAD_TOKEN) {
      raw_hello(msg, sizeof msg, UDS_TOKEN ^ 1u);
      if (uds_raw_send(fd, msg, sizeof msg) == 0)
        (void)uds_raw_recv(fd, reply, sizeof reply, UDS_WAIT_MS);
    }
  }
  if (k != RAW_CONNECT_CLOSE)
    tp_sleep_ms(soak_rng_below(r, RAW_LINGER_MS));
  svc_raw_close(fd);
  return 0;
}

void
soak_raw_main(void *arg)
{
  soak_thread *t = arg;
  soak_ctx *ctx = t->ctx;
  soak_rng r;
  soak_rng_seed(&r, t->seed, t->index);
  while (soak_gate_pass(&ctx->gate)) {
    raw_kind k = (raw_kind)soak_rng_below(&r, RAW_KINDS);
    unsigned m = soak_rng_below(&r, SOAK_NMETHODS);
    atomic_fetch_add(&ctx->stats.misbehaving, 1);
    if (raw_round(k, m, ctx->dir, &r) != 0) {
      atomic_fetch_add(&ctx->stats.refused, 1);
      tp_sleep_ms(RAW_REFUSED_NAP_MS); /* no busy loop on a dead server */
    }
  }
}
