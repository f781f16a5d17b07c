/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-win-pipe-handshake.c - the Named Pipe handshake (windows.md 3.2-3.5,
 * wire.md 9): agreed values, session ids counted over every accept attempt,
 * every rejection the server sends (checked with a raw client writing
 * HELLO bytes by hand), the check order of 3.4, HELLOs dropped without a
 * reply, the server's HELLO deadline, and the client's view of each
 * rejection through the public API.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "tap.h"
#include "win-test-helpers.h"

#define SVC "hs"
#define RAW_SVC "hs-raw"
#define SILENT_CONNECT_MS 500u
#define RQMAX 4096u
#define RSMAX 2048u
#define SERVER_PACKET 1024u
#define HELLO_TIMEOUT_MS 1000u
/* The silent client is dropped after the HELLO deadline, not long after. */
#define SILENT_MIN_MS (HELLO_TIMEOUT_MS - 100u)
#define SILENT_MAX_MS (HELLO_TIMEOUT_MS + 4000u)
#define REPLY_CAP 256u

static char run_dir[128];
static netipc_listener *listener;
/* Accept attempts so far: the session id the latest one was given. */
static uint64_t attempts;

static void
server_config(netipc_transport_config *cfg)
{
  wt_config(cfg, run_dir, SVC);
  cfg->supported_profiles = NETIPC_PROFILE_NAMED_PIPE;
  cfg->preferred_profiles = NETIPC_PROFILE_NAMED_PIPE;
  cfg->max_request_payload_bytes = RQMAX;
  cfg->max_response_payload_bytes = RSMAX;
  cfg->packet_size = SERVER_PACKET;
  cfg->handshake_timeout_ms = HELLO_TIMEOUT_MS;
}

static void
pair(const netipc_transport_config *c, wt_pair *p)
{
  wt_pair_open(p, listener, c);
  attempts++;
}

/* ---------------------------------------------------------------- */

static void
test_agreed_values(void)
{
  netipc_transport_config c;
  wt_pair p1, p2;

  wt_config(&c, run_dir, SVC);
  c.max_request_payload_bytes = 1000;
  c.max_request_batch_items = 5;
  c.max_response_payload_bytes = 100; /* a hint the server ignores */
  c.packet_size = 512;
  pair(&c, &p1);
  is_err(p1.connect_err, NETIPC_OK, "connect 1 succeeds");
  is_err(p1.accept_err, NETIPC_OK, "accept 1 succeeds");
  if (p1.client == NULL || p1.server == NULL)
    bail_out("first handshake failed");
  const netipc_session_info *ci = netipc_session_get_info(p1.client);
  const netipc_session_info *si = netipc_session_get_info(p1.server);
  is_int(ci->role, NETIPC_ROLE_CLIENT, "client info role CLIENT");
  is_int(si->role, NETIPC_ROLE_SERVER, "server info role SERVER");
  is_uint(ci->selected_profile, NETIPC_PROFILE_NAMED_PIPE,
          "selected profile NAMED_PIPE");
  is_uint(ci->server_supported_profiles, 0x01, "server supported 0x01");
  is_uint(ci->intersection_profiles, 0x01, "intersection 0x01");
  is_uint(ci->max_request_payload_bytes, 1000,
          "request payload = client proposal");
  is_uint(ci->max_request_batch_items, 5, "request batch = client proposal");
  is_uint(ci->max_response_payload_bytes, RSMAX,
          "response payload = server RSmax (hint ignored)");
  is_uint(ci->max_response_batch_items, 5,
          "response batch = client's request batch");
  is_uint(ci->packet_size, 512, "packet size = min(512, 1024)");
  is_uint(ci->session_id, 1, "first session_id is 1");
  is_uint(si->max_request_payload_bytes, 1000, "server: request payload");
  is_uint(si->max_response_payload_bytes, RSMAX, "server: response payload");
  is_uint(si->packet_size, 512, "server: packet size");
  is_uint(si->session_id, 1, "server: session_id 1");
  ok(netipc_session_fd(p1.client) != NETIPC_OS_HANDLE_INVALID &&
         netipc_session_fd(p1.server) != NETIPC_OS_HANDLE_INVALID,
     "both sessions expose a handle");

  wt_config(&c, run_dir, SVC);
  pair(&c, &p2);
  is_err(p2.connect_err, NETIPC_OK, "connect 2 (defaults) succeeds");
  if (p2.client == NULL || p2.server == NULL)
    bail_out("second handshake failed");
  ci = netipc_session_get_info(p2.client);
  is_uint(ci->packet_size, SERVER_PACKET,
          "default client proposal 65536, min with server 1024");
  is_uint(ci->max_request_payload_bytes, 1024,
          "unset proposal: default request payload 1024");
  is_uint(ci->max_request_batch_items, 1, "unset proposal: request batch 1");
  is_uint(ci->session_id, 2, "second session_id is 2");
  is_uint(netipc_session_get_info(p2.server)->session_id, 2,
          "server agrees on session_id 2");
  wt_pair_close(&p1);
  wt_pair_close(&p2);
}

/* ---------------------------------------------------------------- */
/* Raw clients: HELLO bytes written by hand, the reply read raw.      */

typedef struct attempt {
  netipc_err accept_err;
  uint16_t status;
  long reply_len;
  uint8_t reply[REPLY_CAP];
  int gone; /* the server ended the pipe after the reply (or instead) */
  uint64_t accept_ms;
} attempt;

#define SEND_NOTHING ((size_t)-1)

static void
raw_attempt(const void *msg, size_t len, attempt *a)
{
  memset(a, 0, sizeof *a);
  HANDLE h = wt_raw_connect(run_dir, SVC);
  if (h == INVALID_HANDLE_VALUE)
    bail_out("raw connect to the listener failed");
  if (len != SEND_NOTHING && wt_raw_send(h, msg, len) != 0)
    bail_out("raw send failed");
  /* The accept runs in a thread: a server that flushes before it
   * disconnects (3.4) waits for this thread to read the reply. */
  wt_accepter acc;
  wt_accept_start(&acc, listener, WT_WAIT_MS, NULL);
  attempts++;
  a->reply_len = wt_raw_recv(h, a->reply, sizeof a->reply, WT_WAIT_MS);
  if (a->reply_len > 0) {
    netipc_header hdr;
    int rejected = netipc_header_decode(a->reply, (size_t)a->reply_len,
                                        &hdr) == NETIPC_OK &&
                   hdr.transport_status != NETIPC_STATUS_OK;
    if (rejected)
      a->gone = wt_raw_wait_gone(h, WT_WAIT_MS);
  } else {
    a->gone = a->reply_len == WT_RECV_GONE;
  }
  wt_accept_join(&acc);
  a->accept_err = acc.err;
  a->status = acc.last_status;
  a->accept_ms = acc.elapsed_ms;
  netipc_session_destroy(acc.session);
  CloseHandle(h);
}

/* A rejection: status in the reply, layout_version 1, all else zero. */
static void
check_rejection(const attempt *a, uint16_t status, const char *what)
{
  netipc_header h;
  memset(&h, 0, sizeof h);
  is_int(a->reply_len, NETIPC_HELLO_ACK_MSG_LEN,
         "%s: one 80-byte reply message", what);
  if (a->reply_len >= (long)NETIPC_HEADER_LEN)
    netipc_header_decode(a->reply, (size_t)a->reply_len, &h);
  ok(h.kind == NETIPC_KIND_CONTROL && h.code == NETIPC_CONTROL_HELLO_ACK,
     "%s: CONTROL / HELLO_ACK", what);
  is_uint(h.transport_status, status, "%s: reply status %u", what, status);
  uint8_t zero_ack[NETIPC_HELLO_ACK_LEN] = {0};
  put16(zero_ack, 0, 1);
  is_mem(a->reply_len == (long)NETIPC_HELLO_ACK_MSG_LEN
             ? a->reply + NETIPC_HEADER_LEN
             : NULL,
         zero_ack, sizeof zero_ack,
         "%s: payload is layout_version 1, rest zero", what);
  ok(a->gone, "%s: the pipe is closed after the reply", what);
  is_err(a->accept_err, NETIPC_ERR_HANDSHAKE, "%s: accept returns HANDSHAKE",
         what);
  is_uint(a->status, status, "%s: listener_last_status %u", what, status);
}

static void
check_drop(const attempt *a, const char *what)
{
  ok(a->reply_len == WT_RECV_GONE && a->gone,
     "%s: no reply, the pipe is closed (recv %ld)", what, a->reply_len);
  is_err(a->accept_err, NETIPC_ERR_HANDSHAKE, "%s: accept returns HANDSHAKE",
         what);
  is_uint(a->status, 0, "%s: listener_last_status 0", what);
}

static void
test_raw_ok(void)
{
  netipc_hello h;
  uint8_t msg[NETIPC_HELLO_MSG_LEN];
  attempt a;
  wt_hello_default(&h);
  h.supported_profiles = 0x07; /* includes SHM bits the server lacks */
  h.preferred_profiles = 0x06;
  h.max_response_payload_bytes = 1;
  h.packet_size = 777;
  raw_attempt(msg, wt_hello_msg(&h, msg), &a);
  is_err(a.accept_err, NETIPC_OK, "raw HELLO 0x07: accepted");
  is_int(a.reply_len, NETIPC_HELLO_ACK_MSG_LEN,
         "raw HELLO 0x07: one 80-byte HELLO_ACK message");
  netipc_header hdr;
  netipc_hello_ack ack;
  memset(&hdr, 0xFF, sizeof hdr);
  memset(&ack, 0xFF, sizeof ack);
  if (a.reply_len == (long)NETIPC_HELLO_ACK_MSG_LEN) {
    netipc_header_decode(a.reply, NETIPC_HELLO_ACK_MSG_LEN, &hdr);
    netipc_hello_ack_decode(a.reply + NETIPC_HEADER_LEN, NETIPC_HELLO_ACK_LEN,
                            &ack);
  }
  ok(hdr.kind == NETIPC_KIND_CONTROL && hdr.code == NETIPC_CONTROL_HELLO_ACK &&
         hdr.flags == 0 && hdr.item_count == 1 && hdr.message_id == 0 &&
         hdr.payload_len == NETIPC_HELLO_ACK_LEN,
     "raw HELLO_ACK header: CONTROL, item_count 1, id 0, payload 48");
  is_uint(hdr.transport_status, 0, "raw HELLO_ACK status OK");
  ok(ack.layout_version == 1 && ack.reserved == 0,
     "raw HELLO_ACK layout 1, reserved 0");
  is_uint(ack.flags, 0, "no extension flags toward a client without them");
  is_uint(ack.server_supported_profiles, 0x01, "ack server profiles 0x01");
  is_uint(ack.intersection_profiles, 0x01, "ack intersection 0x07 & 0x01");
  is_uint(ack.selected_profile, 0x01, "ack selects the only common profile");
  is_uint(ack.agreed_max_request_payload_bytes, 4096,
          "ack request payload = proposal");
  is_uint(ack.agreed_max_request_batch_items, 8, "ack request batch");
  is_uint(ack.agreed_max_response_payload_bytes, RSMAX,
          "ack response payload = RSmax even for hint 1");
  is_uint(ack.agreed_max_response_batch_items, 8,
          "ack response batch = request batch");
  is_uint(ack.agreed_packet_size, 777, "ack packet size min(777, 1024)");
  is_uint(ack.session_id, attempts, "ack session_id %llu (one per attempt)",
          (unsigned long long)attempts);

  wt_hello_default(&h);
  h.packet_size = 33;
  raw_attempt(msg, wt_hello_msg(&h, msg), &a);
  is_err(a.accept_err, NETIPC_OK, "raw packet size 33: accepted");
  is_uint(a.reply_len == (long)NETIPC_HELLO_ACK_MSG_LEN
              ? get32(a.reply, NETIPC_HEADER_LEN + 32)
              : 0,
          33, "raw packet size 33 agreed");
}

static void
test_raw_rejections(void)
{
  netipc_hello h;
  uint8_t msg[NETIPC_HELLO_MSG_LEN];
  attempt a;

  wt_hello_default(&h);
  h.supported_profiles = NETIPC_PROFILE_SHM_BUSYWAIT;
  h.preferred_profiles = NETIPC_PROFILE_SHM_BUSYWAIT;
  raw_attempt(msg, wt_hello_msg(&h, msg), &a);
  check_rejection(&a, NETIPC_STATUS_UNSUPPORTED, "no common profile");

  /* A drop right after a rejection: last_status goes back to 0. */
  wt_hello_default(&h);
  h.reserved = 1;
  raw_attempt(msg, wt_hello_msg(&h, msg), &a);
  check_drop(&a, "HELLO reserved word 1");

  wt_hello_default(&h);
  h.layout_version = 2;
  raw_attempt(msg, wt_hello_msg(&h, msg), &a);
  check_rejection(&a, NETIPC_STATUS_INCOMPATIBLE, "HELLO layout_version 2");

  wt_hello_default(&h);
  wt_hello_msg(&h, msg);
  put16(msg, 4, 2); /* header version */
  raw_attempt(msg, sizeof msg, &a);
  check_rejection(&a, NETIPC_STATUS_INCOMPATIBLE, "header version 2");

  wt_hello_default(&h);
  h.auth_token = WT_TOKEN ^ 1;
  raw_attempt(msg, wt_hello_msg(&h, msg), &a);
  check_rejection(&a, NETIPC_STATUS_AUTH_FAILED, "wrong auth token");

  wt_hello_default(&h);
  h.max_request_payload_bytes = RQMAX + 1;
  raw_attempt(msg, wt_hello_msg(&h, msg), &a);
  check_rejection(&a, NETIPC_STATUS_LIMIT_EXCEEDED, "request payload 4097");

  wt_hello_default(&h);
  h.packet_size = 32;
  raw_attempt(msg, wt_hello_msg(&h, msg), &a);
  check_rejection(&a, NETIPC_STATUS_INCOMPATIBLE, "packet size 32");

  wt_hello_default(&h);
  h.packet_size = 1;
  raw_attempt(msg, wt_hello_msg(&h, msg), &a);
  check_rejection(&a, NETIPC_STATUS_INCOMPATIBLE, "packet size 1");

  /* The order of 3.4: profiles, then auth, then limits, then size. */
  wt_hello_default(&h);
  h.supported_profiles = NETIPC_PROFILE_SHM_HYBRID;
  h.preferred_profiles = NETIPC_PROFILE_SHM_HYBRID;
  h.auth_token = 0;
  raw_attempt(msg, wt_hello_msg(&h, msg), &a);
  check_rejection(&a, NETIPC_STATUS_UNSUPPORTED,
                  "no profile and wrong token: UNSUPPORTED wins");

  wt_hello_default(&h);
  h.auth_token = 0;
  h.max_request_payload_bytes = RQMAX + 1;
  h.packet_size = 32;
  raw_attempt(msg, wt_hello_msg(&h, msg), &a);
  check_rejection(&a, NETIPC_STATUS_AUTH_FAILED,
                  "wrong token, over limit, packet 32: AUTH_FAILED wins");

  wt_hello_default(&h);
  h.max_request_payload_bytes = RQMAX + 1;
  h.packet_size = 32;
  raw_attempt(msg, wt_hello_msg(&h, msg), &a);
  check_rejection(&a, NETIPC_STATUS_LIMIT_EXCEEDED,
                  "over limit and packet 32: LIMIT_EXCEEDED wins");
}

static void
test_raw_drops(void)
{
  netipc_hello h;
  uint8_t msg[NETIPC_HELLO_MSG_LEN];
  attempt a;

  wt_hello_default(&h);
  wt_hello_msg(&h, msg);
  put16(msg, 8, NETIPC_KIND_REQUEST);
  raw_attempt(msg, sizeof msg, &a);
  check_drop(&a, "kind REQUEST instead of CONTROL");

  wt_hello_default(&h);
  wt_hello_msg(&h, msg);
  put32(msg, 16, 40);
  raw_attempt(msg, NETIPC_HEADER_LEN + 40, &a);
  check_drop(&a, "HELLO payload 40 bytes");

  wt_hello_default(&h);
  wt_hello_msg(&h, msg);
  put16(msg, 12, NETIPC_CONTROL_HELLO_ACK);
  raw_attempt(msg, sizeof msg, &a);
  check_drop(&a, "CONTROL code HELLO_ACK from a client");

  wt_hello_default(&h);
  wt_hello_msg(&h, msg);
  put32(msg, 0, 0x12345678u);
  raw_attempt(msg, sizeof msg, &a);
  check_drop(&a, "bad magic");

  static const uint8_t garbage[10] = "garbage!!";
  raw_attempt(garbage, sizeof garbage, &a);
  check_drop(&a, "10 garbage bytes");

  raw_attempt(NULL, SEND_NOTHING, &a);
  check_drop(&a, "silent client");
  ok(a.accept_ms >= SILENT_MIN_MS && a.accept_ms < SILENT_MAX_MS,
     "silent client: dropped at the %u ms HELLO deadline (%llu ms)",
     HELLO_TIMEOUT_MS, (unsigned long long)a.accept_ms);

  /* After all of that, an ordinary client: the id counts every attempt. */
  netipc_transport_config c;
  wt_pair p;
  wt_config(&c, run_dir, SVC);
  pair(&c, &p);
  is_err(p.connect_err, NETIPC_OK, "connect after the failed attempts");
  is_uint(p.client != NULL ? netipc_session_get_info(p.client)->session_id
                           : 0,
          attempts, "session_id %llu: failed attempts took ids too",
          (unsigned long long)attempts);
  wt_pair_close(&p);
}

/* A client that opens the pipe and closes it before the server looks. */
static void
test_probe(void)
{
  HANDLE h = wt_raw_connect(run_dir, SVC);
  ok(h != INVALID_HANDLE_VALUE, "probe: the pipe opens");
  if (h != INVALID_HANDLE_VALUE)
    CloseHandle(h);
  netipc_session *s = NULL;
  netipc_err err = netipc_listener_accept(listener, 2000, NULL, &s);
  /* ERROR_NO_DATA: retrying (3.3) leaves nothing to accept; reporting the
   * dead client is an ordinary failed handshake. */
  is_err2(err, NETIPC_ERR_TIMEOUT, NETIPC_ERR_HANDSHAKE,
          "probe: accept times out or fails the handshake");
  netipc_session_destroy(s);
  uint64_t before = attempts;
  netipc_transport_config c;
  wt_pair p;
  wt_config(&c, run_dir, SVC);
  wt_pair_open(&p, listener, &c);
  is_err(p.accept_err, NETIPC_OK, "after a probe the next client is served");
  ok(p.client != NULL &&
         netipc_session_get_info(p.client)->session_id > before,
     "after a probe the session id still grows");
  wt_pair_close(&p);
}

/* ---------------------------------------------------------------- */
/* The public client against each rejection.                        */

static void
test_client_rejections(void)
{
  netipc_transport_config c;
  wt_pair p;

  wt_config(&c, run_dir, SVC);
  c.auth_token = WT_TOKEN + 1;
  pair(&c, &p);
  is_err(p.connect_err, NETIPC_ERR_AUTH_FAILED,
         "client: wrong token gives AUTH_FAILED");
  is_err(p.accept_err, NETIPC_ERR_HANDSHAKE, "server: AUTH_FAILED is HANDSHAKE");
  is_uint(p.last_status, NETIPC_STATUS_AUTH_FAILED, "server: last_status 2");
  ok(p.client == NULL && p.server == NULL, "no session on either side");

  wt_config(&c, run_dir, SVC);
  c.supported_profiles = NETIPC_PROFILE_SHM_BUSYWAIT;
  c.preferred_profiles = NETIPC_PROFILE_SHM_BUSYWAIT;
  pair(&c, &p);
  /* The baseline is always offered (transport-internal.h), so a client
   * asking for BUSYWAIT alone still meets a pipe-only server. */
  is_err(p.connect_err, NETIPC_OK,
         "client: BUSYWAIT only still connects (baseline always offered)");
  is_uint(p.client != NULL
              ? netipc_session_get_info(p.client)->selected_profile
              : 0,
          NETIPC_PROFILE_NAMED_PIPE, "client: the pipe is selected");
  wt_pair_close(&p);

  wt_config(&c, run_dir, SVC);
  c.max_request_payload_bytes = RQMAX + 1;
  pair(&c, &p);
  is_err(p.connect_err, NETIPC_ERR_LIMIT_EXCEEDED,
         "client: request payload 4097 > RQmax gives LIMIT_EXCEEDED");
  is_uint(p.last_status, NETIPC_STATUS_LIMIT_EXCEEDED,
          "server: last_status 5");

  wt_config(&c, run_dir, SVC);
  c.max_request_payload_bytes = RQMAX;
  pair(&c, &p);
  is_err(p.connect_err, NETIPC_OK, "client: request payload = RQmax works");
  wt_pair_close(&p);

  wt_config(&c, run_dir, SVC);
  c.packet_size = 32;
  pair(&c, &p);
  is_err(p.connect_err, NETIPC_ERR_INCOMPATIBLE,
         "client: packet size 32 gives INCOMPATIBLE");
  is_uint(p.last_status, NETIPC_STATUS_INCOMPATIBLE, "server: last_status 3");

  wt_config(&c, run_dir, SVC);
  c.packet_size = 33;
  pair(&c, &p);
  is_err(p.connect_err, NETIPC_OK, "client: packet size 33 works");
  is_uint(p.client != NULL ? netipc_session_get_info(p.client)->packet_size
                           : 0,
          33, "packet size 33 agreed");
  if (p.client != NULL && p.server != NULL) {
    wt_echo e;
    uint8_t payload[100];
    wt_pattern(payload, sizeof payload, 33);
    wt_echo_start(&e, p.server, NULL);
    ok(wt_echo_call(p.client, NETIPC_METHOD_INCREMENT, 9, payload,
                    sizeof payload),
       "packet size 33: a 100-byte payload in 1-byte chunks, both ways");
    netipc_session_destroy(p.client);
    p.client = NULL;
    is_err(wt_echo_join(&e), NETIPC_ERR_DISCONNECTED,
           "server sees DISCONNECTED when the client closes");
  } else {
    ok(0, "packet size 33: no pair");
    ok(0, "packet size 33: no pair");
  }
  wt_pair_close(&p);
}

/* ---------------------------------------------------------------- */
/* The public client against a raw server's HELLO_ACK.               */

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
    a.agreed_max_response_payload_bytes = 3000;
    a.agreed_max_response_batch_items = 1;
    a.agreed_packet_size = 4096;
    a.session_id = 77;
  }
  if (netipc_hello_ack_message_encode(&a, status, buf,
                                      NETIPC_HELLO_ACK_MSG_LEN) != NETIPC_OK)
    bail_out("ack encode failed");
  return NETIPC_HELLO_ACK_MSG_LEN;
}

/* The HELLO the raw server read last. */
static uint8_t last_hello[128];

/* Connect to a raw server answering ack; *hello_len: what it read. */
static netipc_err
client_vs_ack(const uint8_t *ack, size_t len, uint32_t timeout_ms,
              long *hello_len, netipc_session_info *info)
{
  wt_raw_server srv;
  netipc_transport_config c;
  netipc_session *s = NULL;
  if (!wt_raw_server_start(&srv, run_dir, RAW_SVC, ack, len, WT_WAIT_MS))
    bail_out("raw server: CreateNamedPipeW failed");
  wt_config(&c, run_dir, RAW_SVC);
  netipc_err err = netipc_session_connect(&c, timeout_ms, NULL, &s);
  if (s != NULL && info != NULL)
    *info = *netipc_session_get_info(s);
  netipc_session_destroy(s);
  wt_raw_server_join(&srv);
  *hello_len = srv.hello_len;
  memcpy(last_hello, srv.hello, sizeof last_hello);
  return err;
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
  };
  uint8_t ack[NETIPC_HELLO_ACK_MSG_LEN];
  long hello_len;
  netipc_session_info info;
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
    size_t n = ack_msg(map[i].status, ack);
    is_err(client_vs_ack(ack, n, WT_WAIT_MS, &hello_len, NULL),
           map[i].expect, "client maps HELLO_ACK status %s", map[i].what);
  }
  is_int(hello_len, NETIPC_HELLO_MSG_LEN,
         "the client's HELLO is one 76-byte message (3.4)");
  netipc_hello hello;
  memset(&hello, 0, sizeof hello);
  netipc_header hh;
  ok(netipc_header_decode(last_hello, NETIPC_HEADER_LEN, &hh) ==
             NETIPC_OK &&
         hh.kind == NETIPC_KIND_CONTROL && hh.code == NETIPC_CONTROL_HELLO &&
         hh.payload_len == NETIPC_HELLO_LEN && hh.message_id == 0,
     "HELLO header: CONTROL / HELLO, payload 44, id 0");
  ok(netipc_hello_decode(last_hello + NETIPC_HEADER_LEN,
                         NETIPC_HELLO_LEN, &hello) == NETIPC_OK &&
         hello.auth_token == WT_TOKEN &&
         hello.packet_size == NETIPC_PACKET_SIZE_FALLBACK,
     "HELLO carries the token and proposes packet size 65536 (3.5)");

  size_t n = ack_msg(NETIPC_STATUS_OK, ack);
  memset(&info, 0, sizeof info);
  is_err(client_vs_ack(ack, n, WT_WAIT_MS, &hello_len, &info), NETIPC_OK,
         "an OK HELLO_ACK from a raw server: connected");
  ok(info.session_id == 77 && info.packet_size == 4096 &&
         info.max_response_payload_bytes == 3000 &&
         info.selected_profile == NETIPC_PROFILE_NAMED_PIPE,
     "the client takes the server's agreed values and session id");

  n = ack_msg(NETIPC_STATUS_OK, ack);
  put32(ack, NETIPC_HEADER_LEN + 32, 32); /* agreed_packet_size */
  is_err2(client_vs_ack(ack, n, WT_WAIT_MS, &hello_len, NULL),
          NETIPC_ERR_PROTOCOL, NETIPC_ERR_INCOMPATIBLE,
          "OK ack with packet size 32 refused");
  n = ack_msg(NETIPC_STATUS_OK, ack);
  put16(ack, NETIPC_HEADER_LEN, 2);
  is_err(client_vs_ack(ack, n, WT_WAIT_MS, &hello_len, NULL),
         NETIPC_ERR_INCOMPATIBLE, "ack layout_version 2: INCOMPATIBLE");
  n = ack_msg(NETIPC_STATUS_OK, ack);
  put16(ack, 12, NETIPC_CONTROL_HELLO);
  is_err(client_vs_ack(ack, n, WT_WAIT_MS, &hello_len, NULL),
         NETIPC_ERR_PROTOCOL, "ack with code HELLO: PROTOCOL");
  n = ack_msg(NETIPC_STATUS_OK, ack);
  put32(ack, NETIPC_HEADER_LEN + 12, NETIPC_PROFILE_SHM_BUSYWAIT);
  is_err(client_vs_ack(ack, n, WT_WAIT_MS, &hello_len, NULL),
         NETIPC_ERR_PROTOCOL, "ack selecting a profile never offered: "
                              "PROTOCOL");
  is_err(client_vs_ack(ack, 20, WT_WAIT_MS, &hello_len, NULL),
         NETIPC_ERR_PROTOCOL, "20-byte ack message: PROTOCOL");

  uint64_t t0 = tp_now_ms();
  is_err(client_vs_ack(NULL, 0, SILENT_CONNECT_MS, &hello_len, NULL),
         NETIPC_ERR_TIMEOUT, "a server that never answers: TIMEOUT");
  uint64_t dt = tp_now_ms() - t0;
  ok(dt >= SILENT_CONNECT_MS - 50 && dt < WT_WAIT_MS,
     "...after about %u ms (%llu)", SILENT_CONNECT_MS,
     (unsigned long long)dt);
}

/* A server that disconnects instead of answering (3.4: an ordinary
 * connect failure for the client). */
static void
test_client_vs_closing_server(void)
{
  wt_raw_server srv;
  if (!wt_raw_server_start(&srv, run_dir, RAW_SVC, NULL, 0, 0))
    bail_out("raw server: CreateNamedPipeW failed");
  netipc_transport_config c;
  netipc_session *s = NULL;
  wt_config(&c, run_dir, RAW_SVC);
  netipc_err err = netipc_session_connect(&c, WT_WAIT_MS, NULL, &s);
  netipc_session_destroy(s);
  wt_raw_server_join(&srv);
  is_int(srv.hello_len, NETIPC_HELLO_MSG_LEN, "closing server got the HELLO");
  is_err2(err, NETIPC_ERR_DISCONNECTED, NETIPC_ERR_HANDSHAKE,
          "server disconnects instead of answering: connect fails");
}

/* ---------------------------------------------------------------- */
/* Names, endpoints and a second server.                             */

static void
test_endpoints(void)
{
  netipc_transport_config c;
  netipc_listener *l = NULL;
  netipc_session *s = NULL;

  wt_config(&c, run_dir, "bad/name");
  is_err(netipc_listener_create(&c, &l), NETIPC_ERR_BAD_NAME,
         "listener: bad service name");
  ok(l == NULL, "listener: no object on BAD_NAME");
  wt_config(&c, run_dir, "..");
  is_err(netipc_listener_create(&c, &l), NETIPC_ERR_BAD_NAME,
         "listener: service \"..\"");
  static char longname[200];
  memset(longname, 'n', 128);
  longname[128] = '\0';
  wt_config(&c, run_dir, longname);
  is_err(netipc_listener_create(&c, &l), NETIPC_ERR_PATH_TOO_LONG,
         "listener: 128-byte service name (2.6)");
  is_err(netipc_session_connect(&c, WT_WAIT_MS, NULL, &s),
         NETIPC_ERR_PATH_TOO_LONG, "client: 128-byte service name (2.6)");
  wt_config(&c, run_dir, "a b");
  is_err(netipc_session_connect(&c, WT_WAIT_MS, NULL, &s),
         NETIPC_ERR_BAD_NAME, "client: bad service name");
  ok(s == NULL, "client: no session on BAD_NAME");

  wt_config(&c, run_dir, "nobody-listens");
  uint64_t t0 = tp_now_ms();
  is_err(netipc_session_connect(&c, WT_WAIT_MS, NULL, &s),
         NETIPC_ERR_NOT_FOUND, "client: no server gives NOT_FOUND");
  ok(tp_now_ms() - t0 < WT_WAIT_MS,
     "client: NOT_FOUND without waiting out the timeout");

  wt_config(&c, run_dir, "second");
  netipc_listener *first = NULL;
  is_err(netipc_listener_create(&c, &first), NETIPC_OK, "first server");
  if (wt_under_wine()) {
    skip(1, "Wine does not enforce FILE_FLAG_FIRST_PIPE_INSTANCE (7)");
  } else {
    is_err(netipc_listener_create(&c, &l), NETIPC_ERR_ADDR_IN_USE,
           "a second server on the name gets ADDR_IN_USE (3.1)");
    netipc_listener_destroy(l);
    l = NULL;
  }
  netipc_listener_destroy(first);
  is_err(netipc_session_connect(&c, WT_WAIT_MS, NULL, &s),
         NETIPC_ERR_NOT_FOUND, "client: NOT_FOUND once the server is gone");
  is_err(netipc_listener_create(&c, &first), NETIPC_OK,
         "the name is free again after destroy");
  netipc_listener_destroy(first);
}

int
main(void)
{
  netipc_transport_config cfg;
  wt_init("hs", run_dir, sizeof run_dir);
  server_config(&cfg);
  if (netipc_listener_create(&cfg, &listener) != NETIPC_OK)
    bail_out("listener_create failed");
  ok(netipc_listener_fd(listener) != NETIPC_OS_HANDLE_INVALID,
     "the listener exposes a handle");
  test_agreed_values();
  test_raw_ok();
  test_raw_rejections();
  test_raw_drops();
  test_client_rejections();
  test_probe();
  test_client_ack_mapping();
  test_client_vs_closing_server();
  test_endpoints();
  netipc_listener_destroy(listener);
  return done_testing();
}
