/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-uds-transcript.c - replay the reference UDS session transcript
 * (vectors/transcripts/uds_transcript_packet128.txt) against the netipc
 * server and check the netipc client against it, byte for byte.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netipc/codec.h>
#include <netipc/transport.h>

#include "tap.h"
#include "uds-helpers.h"

#define PLAN 77
#define HELLO_FLAGS_OFFSET 2

#define MAX_PKTS 32
#define MAX_PKT_LEN 4096
#define TRANSCRIPT "uds_transcript_packet128.txt"

typedef struct packet {
  int to_server; /* C>S */
  size_t len;
  uint8_t bytes[MAX_PKT_LEN];
} packet;

static packet pkts[MAX_PKTS];
static int npkts;
static char run_dir[64];

/* The 300-character string of the transcript: "abc...z" repeated. */
static char text[300];

static void
load_transcript(void)
{
  const char *vec = getenv("NETIPC_VECTORS");
  char path[1024];
  if (vec == NULL || *vec == '\0')
    bail_out("NETIPC_VECTORS is not set (run through make check)");
  if (strcmp(vec, "bundled") == 0) {
    const char *b = getenv("NETIPC_BUNDLED_VECTORS");
    if (b == NULL || *b == '\0')
      bail_out("NETIPC_VECTORS=bundled but NETIPC_BUNDLED_VECTORS is unset");
    snprintf(path, sizeof path, "%s/%s", b, TRANSCRIPT);
  } else {
    snprintf(path, sizeof path, "%s/transcripts/%s", vec, TRANSCRIPT);
  }
  FILE *f = fopen(path, "r");
  if (f == NULL)
    bail_out("cannot open transcript %s", path);
  static char line[3 * MAX_PKT_LEN];
  while (fgets(line, sizeof line, f) != NULL) {
    char dir[8], hex[2 * MAX_PKT_LEN + 2];
    unsigned len;
    if (line[0] == '\n' || line[0] == '#')
      continue;
    if (sscanf(line, "%7s %u %8193s", dir, &len, hex) != 3)
      bail_out("malformed transcript line: %s", line);
    if (npkts >= MAX_PKTS)
      bail_out("transcript has too many packets");
    packet *p = &pkts[npkts];
    if (strcmp(dir, "C>S") == 0)
      p->to_server = 1;
    else if (strcmp(dir, "S>C") == 0)
      p->to_server = 0;
    else
      bail_out("bad direction %s in transcript", dir);
    ssize_t n = uds_hex_decode(hex, strlen(hex), p->bytes, sizeof p->bytes);
    if (n < 0 || (size_t)n != len)
      bail_out("transcript packet %d: length %u does not match its hex",
               npkts + 1, len);
    p->len = len;
    npkts++;
  }
  fclose(f);
  if (npkts != 12)
    bail_out("expected 12 packets in %s, found %d", path, npkts);
}

static void
transcript_config(netipc_transport_config *cfg, const char *svc)
{
  uds_config(cfg, run_dir, svc);
  cfg->supported_profiles = 0x01;
  cfg->preferred_profiles = 0x01;
  cfg->max_request_payload_bytes = 4096;
  cfg->max_request_batch_items = 8;
  cfg->max_response_payload_bytes = 4096;
  cfg->max_response_batch_items = 8;
  cfg->auth_token = 0x0123456789ABCDEFull;
  cfg->packet_size = 128;
}

/* (a) The netipc server answers the recorded client packets. */
static void
test_server_replay(void)
{
  netipc_transport_config cfg;
  uds_server srv, snap;
  transcript_config(&cfg, "tr-server");
  if (uds_server_start(&srv, &cfg) != NETIPC_OK)
    bail_out("cannot start the netipc server");

  int fd = uds_raw_connect(run_dir, "tr-server");
  ok(fd >= 0, "server replay: raw client connected");
  int sends_ok = 1;
  for (int i = 0; i < npkts; i++) {
    packet *p = &pkts[i];
    if (p->to_server) {
      if (uds_raw_send(fd, p->bytes, p->len) != 0)
        sends_ok = 0;
      continue;
    }
    static uint8_t got[MAX_PKT_LEN];
    ssize_t n = uds_raw_recv(fd, got, sizeof got, UDS_WAIT_MS);
    is_int(n, (long long)p->len, "server replay: packet %d (S>C) length",
           i + 1);
    is_mem(n > 0 && (size_t)n == p->len ? got : NULL, p->bytes, p->len,
           "server replay: packet %d (S>C) bytes", i + 1);
  }
  ok(sends_ok, "server replay: every C>S packet was sent");
  ok(!uds_readable(fd, 100), "server replay: nothing more from the server");
  close(fd);

  ok(uds_server_wait(&srv, 1, 0, UDS_WAIT_MS),
     "server replay: server session ended after the client closed");
  uds_server_snapshot(&srv, &snap);
  is_int(snap.accepted, 1, "server replay: one session accepted");
  is_int(snap.failures, 0, "server replay: no handshake failure");
  is_uint(snap.session_id[0], 1, "server replay: server session_id is 1");
  is_uint(snap.served[0], 2, "server replay: two requests answered");
  is_err(snap.end_err[0], NETIPC_ERR_DISCONNECTED,
         "server replay: session ended by DISCONNECTED");
  uds_server_stop(&srv);
}

/* (b) A raw server replays the recorded server packets to the client. */
typedef struct replay_server {
  int lfd;
  int failed;
  size_t got_len[MAX_PKTS];
  uint8_t got[MAX_PKTS][MAX_PKT_LEN];
  int saw_eof;
} replay_server;

static void *
replay_server_main(void *arg)
{
  replay_server *r = arg;
  int fd = uds_raw_accept(r->lfd, UDS_WAIT_MS);
  if (fd < 0) {
    r->failed = 1;
    return NULL;
  }
  for (int i = 0; i < npkts; i++) {
    packet *p = &pkts[i];
    if (p->to_server) {
      ssize_t n = uds_raw_recv(fd, r->got[i], MAX_PKT_LEN, UDS_WAIT_MS);
      if (n <= 0) {
        r->failed = 1;
        break;
      }
      r->got_len[i] = (size_t)n;
    } else if (uds_raw_send(fd, p->bytes, p->len) != 0) {
      r->failed = 1;
      break;
    }
  }
  if (!r->failed)
    r->saw_eof = uds_raw_wait_eof(fd, UDS_WAIT_MS);
  close(fd);
  return NULL;
}

/*
 * (b) The netipc client against the recorded server bytes. With
 * offer_extensions the HELLO carries NETIPC_HELLO_FLAG_EXTENSIONS (the
 * one bit a netipc client adds, which reference servers ignore) and the
 * reference HELLO_ACK, which does not echo it, leaves the session plain;
 * without, every byte is the reference client's.
 */
static void
test_client_replay(bool offer_extensions)
{
  netipc_transport_config cfg;
  const char *svc = offer_extensions ? "tr-client-ext" : "tr-client";
  transcript_config(&cfg, svc);
  cfg.plain_protocol = !offer_extensions;
  /* The recorded bytes carry the file-region HELLO; by default a netipc
   * client also sets NETIPC_HELLO_FLAG_SEALED_SHM, which a reference
   * server ignores like the extension bit (test-shm-sealed checks that
   * this bit is the only difference). */
  cfg.file_shm = true;
  const char *mode = offer_extensions ? "extensions offered" : "plain";
  static replay_server r;
  memset(&r, 0, sizeof r);
  r.lfd = uds_raw_listen(run_dir, svc);
  if (r.lfd < 0)
    bail_out("cannot bind the raw replay server");
  pthread_t t;
  uds_thread_start(&t, replay_server_main, &r);

  netipc_session *s = NULL;
  netipc_err err = netipc_session_connect(&cfg, UDS_WAIT_MS, NULL, &s);
  is_err(err, NETIPC_OK, "client replay: connect and handshake");
  if (err != NETIPC_OK)
    bail_out("client replay: no session");
  const netipc_session_info *info = netipc_session_get_info(s);
  is_uint(info->session_id, 1, "client replay: session_id 1 from HELLO_ACK");
  is_uint(info->extension_flags, 0,
          "client replay (%s): a reference server leaves the session plain",
          mode);
  is_uint(info->packet_size, 128, "client replay: agreed packet size 128");
  is_uint(info->max_response_payload_bytes, 4096,
          "client replay: agreed response payload 4096");

  /* INCREMENT 41, message_id 1. */
  uint8_t payload[512];
  size_t plen;
  netipc_header h, rh;
  const void *rp;
  size_t rlen;
  netipc_increment_encode(41, payload, sizeof payload, &plen);
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 1);
  is_err(netipc_session_send(s, &h, payload, plen), NETIPC_OK,
         "client replay: send INCREMENT 41");
  err = netipc_session_receive(s, UDS_WAIT_MS, NULL, &rh, &rp, &rlen);
  is_err(err, NETIPC_OK, "client replay: receive INCREMENT response");
  uint64_t v = 0;
  if (err == NETIPC_OK)
    netipc_increment_decode(rp, rlen, &v);
  is_uint(v, 42, "client replay: INCREMENT answer is 42");
  is_uint(rh.message_id, 1, "client replay: response message_id 1");

  /* STRING_REVERSE of the 300-character string, message_id 2. */
  netipc_string_reverse_encode(text, sizeof text, payload, sizeof payload,
                               &plen);
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_STRING_REVERSE,
                     2);
  is_err(netipc_session_send(s, &h, payload, plen), NETIPC_OK,
         "client replay: send STRING_REVERSE (chunked)");
  err = netipc_session_receive(s, UDS_WAIT_MS, NULL, &rh, &rp, &rlen);
  is_err(err, NETIPC_OK, "client replay: receive chunked STRING_REVERSE");
  netipc_string_view sv = {NULL, 0};
  if (err == NETIPC_OK)
    err = netipc_string_reverse_decode(rp, rlen, &sv);
  char rev[300];
  for (size_t i = 0; i < sizeof text; i++)
    rev[i] = text[sizeof text - 1 - i];
  is_uint(sv.len, 300, "client replay: reversed string length 300");
  is_mem(sv.len == 300 ? sv.ptr : NULL, rev, 300,
         "client replay: reversed string bytes");
  is_uint(netipc_session_inflight(s), 0, "client replay: nothing in flight");
  netipc_session_destroy(s);
  uds_thread_join(t);
  close(r.lfd);

  ok(!r.failed, "client replay: raw server saw every expected packet");
  ok(r.saw_eof, "client replay: raw server saw the client close");
  for (int i = 0; i < npkts; i++) {
    packet *p = &pkts[i];
    if (!p->to_server)
      continue;
    uint8_t want[MAX_PKT_LEN];
    memcpy(want, p->bytes, p->len);
    /* The HELLO flags word (wire.md 9.1, offset 2, little-endian). */
    if (offer_extensions && i == 0)
      want[NETIPC_HEADER_LEN + HELLO_FLAGS_OFFSET] |=
          (uint8_t)NETIPC_HELLO_FLAG_EXTENSIONS;
    is_int(r.got_len[i], (long long)p->len,
           "client replay (%s): packet %d (C>S) length", mode, i + 1);
    is_mem(r.got_len[i] == p->len ? r.got[i] : NULL, want, p->len,
           "client replay (%s): packet %d (C>S) bytes", mode, i + 1);
  }
}

int
main(void)
{
  uds_safety_alarm();
  for (size_t i = 0; i < sizeof text; i++)
    text[i] = (char)('a' + i % 26);
  load_transcript();
  uds_rundir_make(run_dir, sizeof run_dir, "transcript");
  plan(PLAN);
  test_server_replay();
  test_client_replay(false);
  test_client_replay(true);
  uds_rundir_remove(run_dir);
  return exit_status();
}
