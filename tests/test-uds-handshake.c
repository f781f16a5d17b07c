/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-uds-handshake.c - the UDS handshake end to end (wire.md 9,
 * posix-uds.md 2-6): agreed values, session ids, every rejection on both
 * sides, silent drops, names, path lengths and the socket mode.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <netipc/codec.h>
#include <netipc/transport.h>

#include "bytes.h"
#include "tap.h"
#include "tp-atomic.h"
#include "transport/posix/posix-listen-hooks.h"
#include "uds-helpers.h"

#define PLAN 157

#define SVC "hs"
#define RAW_SVC "hs-raw"

static char run_dir[64];
static netipc_transport_config srv_cfg;
static netipc_listener *listener;
static int raw_lfd = -1;

static void
server_config(netipc_transport_config *cfg)
{
  uds_config(cfg, run_dir, SVC);
  cfg->supported_profiles = 0x01;
  cfg->preferred_profiles = 0x01;
  cfg->max_request_payload_bytes = 4096; /* RQmax */
  cfg->max_request_batch_items = 4;      /* not consulted */
  cfg->max_response_payload_bytes = 2048; /* RSmax */
  cfg->max_response_batch_items = 3;      /* not consulted */
  cfg->packet_size = 1024;
  cfg->handshake_timeout_ms = 300;
}

/* Connect a netipc client while a thread accepts one connection. */
static netipc_err
connect_pair(const netipc_transport_config *ccfg, uds_pair *p)
{
  uds_pair_open(p, listener, ccfg, 1);
  return p->connect_err;
}

/* ---------------------------------------------------------------- */

static void
test_agreed_values(void)
{
  netipc_transport_config c;
  uds_pair p1, p2, p3;

  uds_config(&c, run_dir, SVC);
  c.max_request_payload_bytes = 1000;
  c.max_request_batch_items = 5;
  c.max_response_payload_bytes = 100; /* a hint the server ignores */
  c.max_response_batch_items = 2;     /* ignored too */
  c.packet_size = 512;
  is_err(connect_pair(&c, &p1), NETIPC_OK, "connect 1 succeeds");
  is_err(p1.accept_err, NETIPC_OK, "accept 1 succeeds");
  if (p1.client == NULL || p1.server == NULL)
    bail_out("first handshake failed");
  const netipc_session_info *ci = netipc_session_get_info(p1.client);
  const netipc_session_info *si = netipc_session_get_info(p1.server);
  is_int(ci->role, NETIPC_ROLE_CLIENT, "client info role CLIENT");
  is_int(si->role, NETIPC_ROLE_SERVER, "server info role SERVER");
  is_uint(ci->max_request_payload_bytes, 1000,
          "request payload = client proposal");
  is_uint(ci->max_request_batch_items, 5, "request batch = client proposal");
  is_uint(ci->max_response_payload_bytes, 2048,
          "response payload = server RSmax (hint ignored)");
  is_uint(ci->max_response_batch_items, 5,
          "response batch = client's request batch");
  is_uint(ci->packet_size, 512, "packet size = min(512, 1024)");
  is_uint(ci->selected_profile, 0x01, "selected profile 0x01");
  is_uint(ci->server_supported_profiles, 0x01, "server supported 0x01");
  is_uint(ci->intersection_profiles, 0x01, "intersection 0x01");
  is_uint(ci->session_id, 1, "first session_id is 1");
  is_uint(si->max_request_payload_bytes, 1000, "server: request payload");
  is_uint(si->max_request_batch_items, 5, "server: request batch");
  is_uint(si->max_response_payload_bytes, 2048, "server: response payload");
  is_uint(si->max_response_batch_items, 5, "server: response batch");
  is_uint(si->packet_size, 512, "server: packet size");
  is_uint(si->session_id, 1, "server: session_id 1");

  uds_config(&c, run_dir, SVC);
  c.packet_size = 4096;
  is_err(connect_pair(&c, &p2), NETIPC_OK, "connect 2 succeeds");
  if (p2.client == NULL || p2.server == NULL)
    bail_out("second handshake failed");
  ci = netipc_session_get_info(p2.client);
  is_uint(ci->packet_size, 1024, "packet size = min(4096, server 1024)");
  is_uint(ci->max_request_payload_bytes, 1024,
          "unset proposal: default request payload 1024");
  is_uint(ci->max_request_batch_items, 1, "unset proposal: request batch 1");
  is_uint(ci->max_response_batch_items, 1, "unset: response batch 1");
  is_uint(ci->session_id, 2, "second session_id is 2");

  uds_config(&c, run_dir, SVC);
  is_err(connect_pair(&c, &p3), NETIPC_OK, "connect 3 succeeds");
  if (p3.client == NULL || p3.server == NULL)
    bail_out("third handshake failed");
  ci = netipc_session_get_info(p3.client);
  is_uint(ci->packet_size, 1024,
          "measured client packet size, min with server 1024");
  is_uint(ci->session_id, 3, "third session_id is 3");
  is_uint(netipc_session_get_info(p3.server)->session_id, 3,
          "server agrees on session_id 3");

  uds_pair_close(&p1);
  uds_pair_close(&p2);
  uds_pair_close(&p3);
}

/* ---------------------------------------------------------------- */
/* Raw clients against the netipc listener (accept runs in this thread: the
 * HELLO is already queued when it starts). */

typedef struct attempt {
  netipc_err accept_err;
  uint16_t status;
  ssize_t reply_len;
  uint8_t reply[256];
  int eof; /* the connection was closed after the reply (or instead) */
  uint64_t accept_ms;
} attempt;

#define SEND_NOTHING ((size_t)-1)
#define CLOSE_FIRST ((size_t)-2)

static void
raw_attempt(const void *msg, size_t len, attempt *a)
{
  memset(a, 0, sizeof *a);
  int fd = uds_raw_connect(run_dir, SVC);
  if (fd < 0)
    bail_out("raw connect to the listener failed");
  if (len == CLOSE_FIRST) {
    close(fd);
    fd = -1;
  } else if (len != SEND_NOTHING && uds_raw_send(fd, msg, len) != 0) {
    bail_out("raw send failed");
  }
  netipc_session *s = NULL;
  uint64_t t0 = uds_now_ms();
  a->accept_err = netipc_listener_accept(listener, UDS_WAIT_MS, NULL, &s);
  a->accept_ms = uds_now_ms() - t0;
  a->status = netipc_listener_last_status(listener);
  netipc_session_destroy(s);
  if (fd < 0)
    return;
  a->reply_len = uds_raw_recv(fd, a->reply, sizeof a->reply, UDS_WAIT_MS);
  if (a->reply_len == 0) {
    a->eof = 1;
  } else if (a->reply_len > 0) {
    uint8_t more[256];
    a->eof = uds_raw_recv(fd, more, sizeof more, UDS_WAIT_MS) == 0;
  }
  close(fd);
}

static size_t
hello_msg(const netipc_hello *h, uint8_t *buf)
{
  if (netipc_hello_message_encode(h, buf, NETIPC_HELLO_MSG_LEN) != NETIPC_OK)
    bail_out("hello encode failed");
  return NETIPC_HELLO_MSG_LEN;
}

/* A rejection: status in the reply, layout_version 1, all else zero. */
static void
check_rejection(const attempt *a, uint16_t status, const char *what)
{
  netipc_header h;
  memset(&h, 0, sizeof h);
  is_int(a->reply_len, NETIPC_HELLO_ACK_MSG_LEN, "%s: one 80-byte reply",
         what);
  if (a->reply_len >= (ssize_t)NETIPC_HEADER_LEN)
    netipc_header_decode(a->reply, (size_t)a->reply_len, &h);
  is_uint(h.transport_status, status, "%s: reply status %u", what, status);
  uint8_t zero_ack[NETIPC_HELLO_ACK_LEN] = {0};
  put16(zero_ack, 0, 1);
  is_mem(a->reply_len == NETIPC_HELLO_ACK_MSG_LEN
             ? a->reply + NETIPC_HEADER_LEN
             : NULL,
         zero_ack, sizeof zero_ack,
         "%s: payload is layout_version 1, rest zero", what);
  ok(a->eof, "%s: connection closed after the reply", what);
  is_err(a->accept_err, NETIPC_ERR_HANDSHAKE, "%s: accept returns HANDSHAKE",
         what);
  is_uint(a->status, status, "%s: listener_last_status %u", what, status);
}

static void
check_drop(const attempt *a, const char *what)
{
  ok(a->reply_len == 0 && a->eof, "%s: no reply, connection closed", what);
  is_err(a->accept_err, NETIPC_ERR_HANDSHAKE, "%s: accept returns HANDSHAKE",
         what);
  is_uint(a->status, 0, "%s: listener_last_status 0", what);
}

static void
test_raw_ok_ack(void)
{
  netipc_hello h;
  uint8_t msg[NETIPC_HELLO_MSG_LEN];
  attempt a;
  uds_hello_default(&h);
  h.supported_profiles = 0x0B; /* includes bits the server lacks */
  h.preferred_profiles = 0x0A;
  h.max_response_payload_bytes = 1;
  h.packet_size = 777;
  raw_attempt(msg, hello_msg(&h, msg), &a);
  is_err(a.accept_err, NETIPC_OK, "raw HELLO 0x0B: accepted");
  is_int(a.reply_len, NETIPC_HELLO_ACK_MSG_LEN, "raw HELLO 0x0B: 80 bytes");
  netipc_header hdr;
  netipc_hello_ack ack;
  memset(&hdr, 0xFF, sizeof hdr);
  memset(&ack, 0xFF, sizeof ack);
  if (a.reply_len == NETIPC_HELLO_ACK_MSG_LEN) {
    netipc_header_decode(a.reply, NETIPC_HELLO_ACK_MSG_LEN, &hdr);
    netipc_hello_ack_decode(a.reply + NETIPC_HEADER_LEN, NETIPC_HELLO_ACK_LEN,
                            &ack);
  }
  ok(hdr.kind == NETIPC_KIND_CONTROL && hdr.code == NETIPC_CONTROL_HELLO_ACK &&
         hdr.flags == 0 && hdr.item_count == 1 && hdr.message_id == 0 &&
         hdr.payload_len == NETIPC_HELLO_ACK_LEN,
     "raw HELLO 0x0B: CONTROL/HELLO_ACK header, item_count 1, id 0");
  is_uint(hdr.transport_status, 0, "raw HELLO 0x0B: status OK");
  ok(ack.layout_version == 1 && ack.flags == 0 && ack.reserved == 0,
     "raw HELLO 0x0B: layout 1, flags 0, reserved 0");
  is_uint(ack.server_supported_profiles, 0x01, "ack server profiles 0x01");
  is_uint(ack.intersection_profiles, 0x01, "ack intersection 0x0B & 0x01");
  is_uint(ack.selected_profile, 0x01, "ack selects the only common profile");
  is_uint(ack.agreed_max_request_payload_bytes, 4096,
          "ack request payload = proposal");
  is_uint(ack.agreed_max_request_batch_items, 8, "ack request batch");
  is_uint(ack.agreed_max_response_payload_bytes, 2048,
          "ack response payload = RSmax even for hint 1");
  is_uint(ack.agreed_max_response_batch_items, 8,
          "ack response batch = request batch");
  is_uint(ack.agreed_packet_size, 777, "ack packet size min(777, 1024)");
  is_uint(ack.session_id, 4, "ack session_id 4 (after 1..3)");
}

static void
test_raw_rejections(void)
{
  netipc_hello h;
  uint8_t msg[NETIPC_HELLO_MSG_LEN];
  attempt a;

  uds_hello_default(&h);
  h.supported_profiles = 0x08;
  h.preferred_profiles = 0x08;
  raw_attempt(msg, hello_msg(&h, msg), &a);
  check_rejection(&a, NETIPC_STATUS_UNSUPPORTED, "supported 0x08");

  /* A drop right after a rejection: last_status must go back to 0. */
  uds_hello_default(&h);
  h.reserved = 1;
  raw_attempt(msg, hello_msg(&h, msg), &a);
  check_drop(&a, "HELLO reserved word 1");

  uds_hello_default(&h);
  h.layout_version = 2;
  raw_attempt(msg, hello_msg(&h, msg), &a);
  check_rejection(&a, NETIPC_STATUS_INCOMPATIBLE, "HELLO layout_version 2");

  uds_hello_default(&h);
  hello_msg(&h, msg);
  put16(msg, 4, 2); /* header version */
  raw_attempt(msg, sizeof msg, &a);
  check_rejection(&a, NETIPC_STATUS_INCOMPATIBLE, "header version 2");

  uds_hello_default(&h);
  h.auth_token = UDS_TOKEN ^ 1;
  raw_attempt(msg, hello_msg(&h, msg), &a);
  check_rejection(&a, NETIPC_STATUS_AUTH_FAILED, "raw wrong token");

  uds_hello_default(&h);
  hello_msg(&h, msg);
  put16(msg, 8, NETIPC_KIND_REQUEST);
  raw_attempt(msg, sizeof msg, &a);
  check_drop(&a, "kind REQUEST instead of CONTROL");

  uds_hello_default(&h);
  h.max_request_payload_bytes = 4097;
  raw_attempt(msg, hello_msg(&h, msg), &a);
  check_rejection(&a, NETIPC_STATUS_LIMIT_EXCEEDED, "raw request 4097");

  uds_hello_default(&h);
  hello_msg(&h, msg);
  put32(msg, 16, 40);
  raw_attempt(msg, NETIPC_HEADER_LEN + 40, &a);
  check_drop(&a, "HELLO payload 40 bytes");

  uds_hello_default(&h);
  hello_msg(&h, msg);
  put16(msg, 12, NETIPC_CONTROL_HELLO_ACK);
  raw_attempt(msg, sizeof msg, &a);
  check_drop(&a, "CONTROL code HELLO_ACK from a client");

  static const uint8_t garbage[10] = "garbage!!";
  raw_attempt(garbage, sizeof garbage, &a);
  check_drop(&a, "10 garbage bytes");

  raw_attempt(NULL, CLOSE_FIRST, &a);
  is_err(a.accept_err, NETIPC_ERR_HANDSHAKE,
         "connect and close (probe): accept returns HANDSHAKE");
  is_uint(a.status, 0, "connect and close: last_status 0");

  raw_attempt(NULL, SEND_NOTHING, &a);
  check_drop(&a, "silent client");
  ok(a.accept_ms >= 250 && a.accept_ms < 3000,
     "silent client: dropped after the 300 ms handshake timeout (%llu ms)",
     (unsigned long long)a.accept_ms);
}

static void
test_client_rejections(void)
{
  netipc_transport_config c;
  uds_pair p;

  uds_config(&c, run_dir, SVC);
  c.auth_token = UDS_TOKEN + 1;
  is_err(connect_pair(&c, &p), NETIPC_ERR_AUTH_FAILED,
         "client: wrong token gives AUTH_FAILED");
  is_err(p.accept_err, NETIPC_ERR_HANDSHAKE,
         "server: AUTH_FAILED is HANDSHAKE");
  is_uint(p.last_status, NETIPC_STATUS_AUTH_FAILED, "server: last_status 2");
  ok(p.client == NULL && p.server == NULL, "no session on either side");

  uds_config(&c, run_dir, SVC);
  c.max_request_payload_bytes = 4097;
  is_err(connect_pair(&c, &p), NETIPC_ERR_LIMIT_EXCEEDED,
         "client: request payload 4097 > RQmax gives LIMIT_EXCEEDED");
  is_uint(p.last_status, NETIPC_STATUS_LIMIT_EXCEEDED,
          "server: last_status 5");

  uds_config(&c, run_dir, SVC);
  c.max_request_payload_bytes = 4096;
  is_err(connect_pair(&c, &p), NETIPC_OK,
         "client: request payload = RQmax is accepted");
  uds_pair_close(&p);

  uds_config(&c, run_dir, SVC);
  c.packet_size = 32;
  is_err(connect_pair(&c, &p), NETIPC_ERR_INCOMPATIBLE,
         "client: packet size 32 gives INCOMPATIBLE");
  is_uint(p.last_status, NETIPC_STATUS_INCOMPATIBLE, "server: last_status 3");

  uds_config(&c, run_dir, SVC);
  c.packet_size = 33;
  is_err(connect_pair(&c, &p), NETIPC_OK, "client: packet size 33 works");
  is_uint(p.client != NULL ? netipc_session_get_info(p.client)->packet_size
                           : 0,
          33, "packet size 33 agreed");
  ok(uds_pair_round_trip(&p, 9),
     "packet size 33: INCREMENT round trip in 9-packet messages");
  uds_pair_close(&p);
}

/* The netipc client against a raw server sending a given HELLO_ACK. */
static netipc_err
client_vs_ack(const uint8_t *ack, size_t len, uint32_t timeout_ms,
              int *peer_ok)
{
  uds_raw_peer p;
  netipc_transport_config c;
  netipc_session *s = NULL;
  uds_raw_peer_init(&p, raw_lfd);
  p.ack = ack;
  p.ack_len = len;
  p.linger_ms = UDS_WAIT_MS;
  uds_raw_peer_start(&p);
  uds_config(&c, run_dir, RAW_SVC);
  netipc_err err = netipc_session_connect(&c, timeout_ms, NULL, &s);
  netipc_session_destroy(s);
  uds_raw_peer_join(&p);
  *peer_ok = !p.failed && p.saw_eof;
  return err;
}

static size_t
ack_msg(uint16_t status, uint8_t *buf)
{
  netipc_hello_ack a;
  memset(&a, 0, sizeof a);
  a.layout_version = 1;
  if (status == NETIPC_STATUS_OK) {
    a.server_supported_profiles = 1;
    a.intersection_profiles = 1;
    a.selected_profile = 1;
    a.agreed_max_request_payload_bytes = 1024;
    a.agreed_max_request_batch_items = 1;
    a.agreed_max_response_payload_bytes = 1024;
    a.agreed_max_response_batch_items = 1;
    a.agreed_packet_size = 4096;
    a.session_id = 1;
  }
  if (netipc_hello_ack_message_encode(&a, status, buf,
                                      NETIPC_HELLO_ACK_MSG_LEN) != NETIPC_OK)
    bail_out("ack encode failed");
  return NETIPC_HELLO_ACK_MSG_LEN;
}

static void
test_client_ack_mapping(void)
{
  static const struct {
    uint16_t status;
    netipc_err expect;
    const char *what;
  } map[] = {
      {NETIPC_STATUS_AUTH_FAILED, NETIPC_ERR_AUTH_FAILED, "AUTH_FAILED"},
      {NETIPC_STATUS_UNSUPPORTED, NETIPC_ERR_NO_PROFILE, "UNSUPPORTED"},
      {NETIPC_STATUS_INCOMPATIBLE, NETIPC_ERR_INCOMPATIBLE, "INCOMPATIBLE"},
      {NETIPC_STATUS_LIMIT_EXCEEDED, NETIPC_ERR_LIMIT_EXCEEDED,
       "LIMIT_EXCEEDED"},
      {NETIPC_STATUS_INTERNAL_ERROR, NETIPC_ERR_HANDSHAKE, "status 6"},
      {NETIPC_STATUS_OK, NETIPC_OK, "OK"},
  };
  uint8_t ack[NETIPC_HELLO_ACK_MSG_LEN + 8];
  int peer_ok;
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
    size_t n = ack_msg(map[i].status, ack);
    is_err(client_vs_ack(ack, n, UDS_WAIT_MS, &peer_ok), map[i].expect,
           "client maps ack status %s", map[i].what);
  }
  ok(peer_ok, "raw server saw HELLO and the client's close");

  size_t n = ack_msg(NETIPC_STATUS_OK, ack);
  put32(ack, NETIPC_HEADER_LEN + 32, 32); /* agreed_packet_size */
  is_err(client_vs_ack(ack, n, UDS_WAIT_MS, &peer_ok), NETIPC_ERR_PROTOCOL,
         "OK ack with packet size 32: PROTOCOL");
  n = ack_msg(NETIPC_STATUS_OK, ack);
  put16(ack, 4, 2);
  is_err(client_vs_ack(ack, n, UDS_WAIT_MS, &peer_ok),
         NETIPC_ERR_INCOMPATIBLE, "ack header version 2: INCOMPATIBLE");
  n = ack_msg(NETIPC_STATUS_OK, ack);
  put16(ack, NETIPC_HEADER_LEN, 2);
  is_err(client_vs_ack(ack, n, UDS_WAIT_MS, &peer_ok),
         NETIPC_ERR_INCOMPATIBLE, "ack layout_version 2: INCOMPATIBLE");
  n = ack_msg(NETIPC_STATUS_OK, ack);
  put16(ack, 12, NETIPC_CONTROL_HELLO);
  is_err(client_vs_ack(ack, n, UDS_WAIT_MS, &peer_ok), NETIPC_ERR_PROTOCOL,
         "ack with code HELLO: PROTOCOL");
  n = ack_msg(NETIPC_STATUS_OK, ack);
  put32(ack, NETIPC_HEADER_LEN + 12, 0x02); /* selected_profile */
  is_err(client_vs_ack(ack, n, UDS_WAIT_MS, &peer_ok), NETIPC_ERR_PROTOCOL,
         "ack selecting a profile the client lacks: PROTOCOL");
  n = ack_msg(NETIPC_STATUS_OK, ack);
  put32(ack, 16, 40);
  is_err(client_vs_ack(ack, NETIPC_HEADER_LEN + 40, UDS_WAIT_MS, &peer_ok),
         NETIPC_ERR_PROTOCOL, "40-byte ack payload: PROTOCOL");
  is_err(client_vs_ack(ack, 20, UDS_WAIT_MS, &peer_ok), NETIPC_ERR_PROTOCOL,
         "20-byte ack record: PROTOCOL");

  /* A server that never answers: the connect timeout bounds the wait. */
  netipc_transport_config c;
  uds_config(&c, run_dir, RAW_SVC);
  {
    /* Accept by hand and say nothing. */
    uint64_t t0 = uds_now_ms();
    uds_connecter cn;
    uds_connect_start(&cn, &c, 300);
    int fd = uds_raw_accept(raw_lfd, UDS_WAIT_MS);
    uds_connect_join(&cn);
    netipc_err err = cn.err;
    uint64_t ms = uds_now_ms() - t0;
    netipc_session_destroy(cn.session);
    is_err(err, NETIPC_ERR_TIMEOUT, "silent server: connect TIMEOUT");
    ok(ms >= 250 && ms < 3000, "silent server: after ~300 ms (%llu ms)",
       (unsigned long long)ms);
    if (fd >= 0)
      close(fd);
  }
  {
    /* A server that closes without answering. */
    uds_connecter cn;
    uds_connect_start(&cn, &c, UDS_WAIT_MS);
    int fd = uds_raw_accept(raw_lfd, UDS_WAIT_MS);
    uint8_t hello[256];
    ssize_t hn = fd >= 0 ? uds_raw_recv(fd, hello, sizeof hello, UDS_WAIT_MS)
                         : -1;
    if (fd >= 0)
      close(fd);
    uds_connect_join(&cn);
    netipc_session_destroy(cn.session);
    is_int(hn, NETIPC_HELLO_MSG_LEN, "closing server got a 76-byte HELLO");
    is_err(cn.err, NETIPC_ERR_DISCONNECTED,
           "server closes instead of answering: DISCONNECTED");
  }
}

static void
test_listener_survives(void)
{
  netipc_transport_config c;
  uds_pair p;
  uds_config(&c, run_dir, SVC);
  is_err(connect_pair(&c, &p), NETIPC_OK,
         "after every failure the listener still accepts");
  uint64_t id =
      p.client != NULL ? netipc_session_get_info(p.client)->session_id : 0;
  ok(id > 4, "failed handshakes consumed session ids (now %llu)",
     (unsigned long long)id);
  is_uint(p.server != NULL ? netipc_session_get_info(p.server)->session_id
                           : 0,
          id, "server and client agree on the session_id");
  ok(uds_pair_round_trip(&p, 100), "and the session round-trips");
  uds_pair_close(&p);

  /* No connection: accept times out; abort interrupts it. */
  netipc_session *none = NULL;
  uint64_t t0 = uds_now_ms();
  is_err(netipc_listener_accept(listener, 100, NULL, &none),
         NETIPC_ERR_TIMEOUT, "accept with nobody connecting: TIMEOUT");
  uint64_t ms = uds_now_ms() - t0;
  ok(ms >= 90 && ms < 3000, "accept timeout after ~100 ms (%llu ms)",
     (unsigned long long)ms);
  netipc_abort *ab;
  if (netipc_abort_create(&ab) != NETIPC_OK)
    bail_out("abort create");
  netipc_abort_signal(ab);
  is_err(netipc_listener_accept(listener, UDS_WAIT_MS, ab, &none),
         NETIPC_ERR_ABORTED, "accept with abort signalled: ABORTED");
  netipc_abort_destroy(ab);
}

/* ---------------------------------------------------------------- */

static void
test_names(void)
{
  static const char *bad[] = {"", ".", "..", "a/b", "a b"};
  netipc_transport_config c;
  netipc_session *s = NULL;
  netipc_listener *l = NULL;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    uds_config(&c, run_dir, bad[i]);
    is_err(netipc_session_connect(&c, 1000, NULL, &s), NETIPC_ERR_BAD_NAME,
           "connect to \"%s\": BAD_NAME", bad[i]);
    is_err(netipc_listener_create(&c, &l), NETIPC_ERR_BAD_NAME,
           "listen on \"%s\": BAD_NAME", bad[i]);
  }
  char longname[NETIPC_SERVICE_NAME_MAX + 2];
  memset(longname, 'n', sizeof longname - 1);
  longname[sizeof longname - 1] = '\0';
  uds_config(&c, run_dir, longname);
  is_err(netipc_listener_create(&c, &l), NETIPC_ERR_BAD_NAME,
         "256-byte name: BAD_NAME");
  longname[NETIPC_SERVICE_NAME_MAX] = '\0';
  is_err(netipc_listener_create(&c, &l), NETIPC_ERR_PATH_TOO_LONG,
         "255-byte name is valid but the path is too long");

  uds_config(&c, run_dir, "nobody-listens");
  is_err(netipc_session_connect(&c, 1000, NULL, &s), NETIPC_ERR_NOT_FOUND,
         "connect with no server: NOT_FOUND");

  /* "<dir>/s.sock" exactly filling sun_path (with its NUL) still works. */
  const size_t sun = sizeof(((struct sockaddr_un *)0)->sun_path);
  char dir[256];
  size_t k = sun - 1 - strlen("/tmp/") - strlen("/s.sock");
  memcpy(dir, "/tmp/", 5);
  memset(dir + 5, 'x', k);
  dir[5 + k] = '\0';
  uds_config(&c, dir, "s");
  is_err(netipc_session_connect(&c, 1000, NULL, &s),
         NETIPC_ERR_RUN_DIR_MISSING,
         "path of %zu bytes + NUL fits: on to the run dir check (MISSING)",
         sun - 1);
  dir[5 + k] = 'x';
  dir[6 + k] = '\0';
  is_err(netipc_session_connect(&c, 1000, NULL, &s),
         NETIPC_ERR_PATH_TOO_LONG, "path of %zu bytes: connect PATH_TOO_LONG",
         sun);
  is_err(netipc_listener_create(&c, &l), NETIPC_ERR_PATH_TOO_LONG,
         "path of %zu bytes: listen PATH_TOO_LONG", sun);
}

static void
test_socket_mode(void)
{
  char path[256];
  struct stat st;
  uds_sock_path(run_dir, SVC, path, sizeof path);
  memset(&st, 0, sizeof st);
  is_int(stat(path, &st), 0, "socket file exists");
  ok(S_ISSOCK(st.st_mode), "it is a socket");
  is_uint(st.st_mode & 07777, 0600, "mode 0600 although the umask is 0");
  mode_t m = umask(0);
  is_uint(m, 0, "the process umask is restored after bind");
}

/* Listeners started while another thread creates files: how many of its
 * files came out with another mode than it asked for (umask 0). */
#define MODE_LISTENERS 600
/* Files the other thread makes while listeners start, as a target (the
 * window the old umask dance opened is short: more files, more chances). */
#define MODE_FILES_MIN 500
#define MODE_FILE 0666
/* Time allowed to reach both counts (the loop ends as soon as it has
 * them; the bound is for valgrind and sanitizer builds on a busy host). */
#define MODE_WAIT_MS 20000

typedef struct mode_race {
  atomic_int stop;
  atomic_int created;
  atomic_int wrong;
} mode_race;

static void *
mode_race_main(void *arg)
{
  mode_race *r = arg;
  char path[300];
  for (int i = 0; !atomic_load(&r->stop); i++) {
    snprintf(path, sizeof path, "%s/mode-%d", run_dir, i % 64);
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, MODE_FILE);
    struct stat st;
    if (fd < 0)
      continue;
    if (fstat(fd, &st) == 0 && (st.st_mode & 07777) != MODE_FILE)
      atomic_fetch_add(&r->wrong, 1);
    atomic_fetch_add(&r->created, 1);
    close(fd);
  }
  for (int i = 0; i < 64; i++) {
    snprintf(path, sizeof path, "%s/mode-%d", run_dir, i);
    unlink(path);
  }
  return NULL;
}

static void
test_umask_untouched(const char *bind_path)
{
  mode_race r;
  atomic_init(&r.stop, 0);
  atomic_init(&r.created, 0);
  atomic_init(&r.wrong, 0);
  pthread_t t;
  if (pthread_create(&t, NULL, mode_race_main, &r) != 0)
    bail_out("pthread_create");
  netipc_transport_config c;
  uds_config(&c, run_dir, "mode-race");
  int bad_mode = 0, failed = 0;
  char path[256];
  uds_sock_path(run_dir, "mode-race", path, sizeof path);
  /* Overlap for real: the other thread is creating before the first
   * listener, and goes on until enough of its files met our binds. */
  uint64_t until = uds_now_ms() + MODE_WAIT_MS;
  while (atomic_load(&r.created) == 0 && uds_now_ms() < until)
    uds_sleep_ms(1);
  int base = atomic_load(&r.created), started = 0;
  for (int i = 0; (i < MODE_LISTENERS ||
                   atomic_load(&r.created) - base < MODE_FILES_MIN) &&
                  uds_now_ms() < until;
       i++) {
    netipc_listener *l = NULL;
    struct stat st;
    if (netipc_listener_create(&c, &l) != NETIPC_OK) {
      failed++;
      continue;
    }
    started++;
    if (stat(path, &st) != 0 || (st.st_mode & 07777) != 0600)
      bad_mode++;
    netipc_listener_destroy(l);
  }
  atomic_store(&r.stop, 1);
  pthread_join(t, NULL);
  ok(failed == 0 && bad_mode == 0 && started >= MODE_LISTENERS,
     "%s: %d listeners (at least %d), each socket 0600", bind_path, started,
     MODE_LISTENERS);
  ok(atomic_load(&r.created) - base >= MODE_FILES_MIN &&
         atomic_load(&r.wrong) == 0,
     "%s: meanwhile %d files of another thread (at least %d), none with a "
     "changed mode",
     bind_path, atomic_load(&r.created) - base, MODE_FILES_MIN);

  /* A umask that takes owner bits: the socket is still exactly 0600. */
  mode_t old = umask(0277);
  netipc_listener *l = NULL;
  struct stat st;
  ok(netipc_listener_create(&c, &l) == NETIPC_OK && stat(path, &st) == 0 &&
         (st.st_mode & 07777) == 0600,
     "%s: under umask 0277 the socket is 0600 too", bind_path);
  netipc_listener_destroy(l);
  umask(old);
}

int
main(void)
{
  uds_safety_alarm();
  plan(PLAN);
  uds_rundir_make(run_dir, sizeof run_dir, "handshake");
  mode_t old_mask = umask(0);
  server_config(&srv_cfg);
  if (netipc_listener_create(&srv_cfg, &listener) != NETIPC_OK)
    bail_out("cannot create the listener");
  raw_lfd = uds_raw_listen(run_dir, RAW_SVC);
  if (raw_lfd < 0)
    bail_out("cannot create the raw listener");

  test_socket_mode();
  test_agreed_values();
  test_raw_ok_ack();
  test_raw_rejections();
  test_client_rejections();
  test_client_ack_mapping();
  test_listener_survives();
  test_names();
  test_umask_untouched("default bind");
  /* The portable path (bind in a private directory, link into place),
   * which Linux does not use unless told to. */
  netipc__listen_bind_via_link(true);
  test_umask_untouched("private-dir bind");
  netipc__listen_bind_via_link(false);

  netipc_listener_destroy(listener);
  close(raw_lfd);
  umask(old_mask);
  uds_rundir_remove(run_dir);
  return exit_status();
}
