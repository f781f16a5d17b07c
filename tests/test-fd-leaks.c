/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-fd-leaks.c - no failure path leaks a descriptor (issue 13, 6):
 * every operation below fails (or tears down) many times in a row, and
 * the process's open descriptor count must come back to what it was
 * before. Level 1: connects with no server, a stale socket, a wrong auth
 * token, a server refusing as INCOMPATIBLE, a silent server (timeout), a server that
 * hangs up mid-handshake; the listener's side of a silent, a vanishing,
 * a truncated, a profile-less and a wrong-token HELLO; listener creation in a missing or non-directory
 * run dir and next to a live server; SHM attach failures. Level 2:
 * client close/destroy, server stop/destroy with sessions open, server
 * creation next to a live one. Level 3: cache refreshes that fail.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <netipc/cache.h>
#include <netipc/codec.h>
#include <netipc/service.h>
#include <netipc/transport.h>

#include "transport/posix/posix-shm-internal.h"

#include "fd-count.h"
#include "service-helpers.h"
#include "service-raw-posix.h"
#include "uds-helpers.h"
#include "tap.h"

/* Repetitions of each failing operation (fewer under valgrind). */
#define REPEAT 16
#define REPEAT_VALGRIND 4
/* Server threads close their side asynchronously: how long a count may
 * take to settle (a real leak never does). */
#define SETTLE_MS 2000
#define SETTLE_STEP_MS 10
/* A handshake that must time out, and the server's HELLO wait. */
#define SHORT_TIMEOUT_MS 50u
#define DESCRIBE_CAP 4096
#define SHM_ATTACH_SID 77u
#define SHM_SMALL_AREA 16u
#define SHM_AGREED 1024u
#define HALF_HELLO 10u
#define CLIENTS_PER_SERVER 3

static char run_dir[64];

static int
repeat(void)
{
  return tp_under_valgrind() ? REPEAT_VALGRIND : REPEAT;
}

/* The count is back at `before` within SETTLE_MS; lists the fds if not. */
static void
fds_same(int before, const char *what)
{
  int now = fdc_count_or_bail();
  for (int waited = 0; now != before && waited < SETTLE_MS;
       waited += SETTLE_STEP_MS) {
    tp_sleep_ms(SETTLE_STEP_MS);
    now = fdc_count_or_bail();
  }
  if (!is_int(now, before, "%s: descriptor count unchanged", what)) {
    char buf[DESCRIBE_CAP];
    fdc_describe(buf, sizeof buf);
    diag("open now: %s", buf);
  }
}

/* Connect n times with cfg; every attempt must fail with want. */
static void
connect_fails(const netipc_transport_config *cfg, uint32_t timeout_ms,
              netipc_err want, const char *what)
{
  int before = fdc_count_or_bail(), n = repeat(), failed = 0;
  netipc_err last = NETIPC_OK;
  for (int i = 0; i < n; i++) {
    netipc_session *s = NULL;
    last = netipc_session_connect(cfg, timeout_ms, NULL, &s);
    failed += last != NETIPC_OK && s == NULL;
    netipc_session_destroy(s);
  }
  is_int(failed, n, "%s: %d connects failed", what, n);
  is_err(last, want, "%s: with the expected error", what);
  fds_same(before, what);
}

/* ---------------------------------------------------------------- */
/* Level 1 client                                                    */
/* ---------------------------------------------------------------- */

static void
test_connect_no_server(void)
{
  netipc_transport_config c;
  uds_config(&c, run_dir, "fd-none");
  connect_fails(&c, UDS_WAIT_MS, NETIPC_ERR_NOT_FOUND, "connect, no endpoint");

  /* A socket file nobody listens on (a crashed server's leftover). */
  int bound = uds_raw_bind(run_dir, "fd-stale");
  if (bound < 0)
    bail_out("cannot bind the stale socket");
  uds_config(&c, run_dir, "fd-stale");
  connect_fails(&c, UDS_WAIT_MS, NETIPC_ERR_NOT_FOUND, "connect, stale socket");
  close(bound);
}

/* A Level 1 test server configured by cfg; connects by ccfg must fail. */
static void
connect_refused(const netipc_transport_config *scfg,
                const netipc_transport_config *ccfg, netipc_err want,
                const char *what)
{
  uds_server srv;
  if (uds_server_start(&srv, scfg) != NETIPC_OK)
    bail_out("cannot start the Level 1 server");
  int before = fdc_count_or_bail(), n = repeat(), failed = 0;
  netipc_err last = NETIPC_OK;
  for (int i = 0; i < n; i++) {
    netipc_session *s = NULL;
    last = netipc_session_connect(ccfg, UDS_WAIT_MS, NULL, &s);
    failed += last != NETIPC_OK && s == NULL;
    netipc_session_destroy(s);
  }
  /* Also the server's side of each refused handshake is closed. */
  ok(uds_server_wait(&srv, 0, n, UDS_WAIT_MS),
     "%s: the server saw %d failed handshakes", what, n);
  is_int(failed, n, "%s: %d connects failed", what, n);
  is_err(last, want, "%s: with the expected error", what);
  fds_same(before, what);
  uds_server_stop(&srv);
}

static void
test_connect_refused(void)
{
  netipc_transport_config s, c;
  uds_config(&s, run_dir, "fd-token");
  uds_config(&c, run_dir, "fd-token");
  c.auth_token = UDS_TOKEN + 1;
  connect_refused(&s, &c, NETIPC_ERR_AUTH_FAILED, "connect, wrong token");
}

/* Connects to a raw server that answers every HELLO with `ack`. */
static void
connect_acked(const char *svc, const uint8_t *ack, size_t ack_len,
              const netipc_transport_config *c, netipc_err want,
              const char *what)
{
  int lfd = uds_raw_listen(run_dir, svc);
  if (lfd < 0)
    bail_out("raw listener");
  int before = fdc_count_or_bail(), n = repeat(), failed = 0, closed = 0;
  netipc_err last = NETIPC_OK;
  for (int i = 0; i < n; i++) {
    uds_raw_peer peer;
    uds_raw_peer_init(&peer, lfd);
    peer.ack = ack;
    peer.ack_len = ack_len;
    peer.linger_ms = UDS_WAIT_MS;
    uds_raw_peer_start(&peer);
    netipc_session *s = NULL;
    last = netipc_session_connect(c, UDS_WAIT_MS, NULL, &s);
    uds_raw_peer_join(&peer);
    failed += last != NETIPC_OK && s == NULL;
    closed += !peer.failed && peer.saw_eof;
    netipc_session_destroy(s);
  }
  is_int(failed, n, "%s: %d connects failed", what, n);
  is_err(last, want, "%s: with the expected error", what);
  is_int(closed, n, "%s: the client closed its socket each time", what);
  fds_same(before, what);
  close(lfd);
}

/* A HELLO_ACK record of status st (no profile selected). */
static void
refusal_ack(uint16_t st, uint8_t *ack, size_t cap)
{
  netipc_hello_ack a;
  memset(&a, 0, sizeof a);
  a.layout_version = NETIPC_LAYOUT_VERSION;
  a.server_supported_profiles = NETIPC_PROFILE_SHM_HYBRID;
  netipc_hello_ack_message_encode(&a, st, ack, cap);
}

static void
test_connect_incompatible(void)
{
  uint8_t ack[NETIPC_HELLO_ACK_MSG_LEN];
  netipc_transport_config c;
  refusal_ack(NETIPC_STATUS_INCOMPATIBLE, ack, sizeof ack);
  uds_config(&c, run_dir, "fd-incompat");
  connect_acked("fd-incompat", ack, sizeof ack, &c, NETIPC_ERR_INCOMPATIBLE,
                "connect, server answers INCOMPATIBLE");
}

/* A server that accepts but never answers the HELLO. */
static void
test_connect_timeout(void)
{
  int lfd = uds_raw_listen(run_dir, "fd-silent");
  if (lfd < 0)
    bail_out("raw listener");
  netipc_transport_config c;
  uds_config(&c, run_dir, "fd-silent");
  int before = fdc_count_or_bail(), n = repeat(), failed = 0;
  netipc_err last = NETIPC_OK;
  for (int i = 0; i < n; i++) {
    netipc_session *s = NULL;
    last = netipc_session_connect(&c, SHORT_TIMEOUT_MS, NULL, &s);
    failed += last != NETIPC_OK && s == NULL;
    netipc_session_destroy(s);
    /* Take the queued connection off the backlog. */
    int fd = uds_raw_accept(lfd, UDS_WAIT_MS);
    if (fd < 0)
      bail_out("the client's connection never arrived");
    close(fd);
  }
  is_int(failed, n, "connect, silent server: %d connects failed", n);
  is_err(last, NETIPC_ERR_TIMEOUT, "connect, silent server: TIMEOUT");
  fds_same(before, "connect, silent server");
  close(lfd);
}

/* A server that reads the HELLO, then answers with `reply` bytes of a
 * HELLO_ACK (0: nothing) and hangs up. */
static void
connect_hangup(size_t reply, netipc_err want, const char *what)
{
  char svc[32];
  snprintf(svc, sizeof svc, "fd-hangup-%zu", reply);
  int lfd = uds_raw_listen(run_dir, svc);
  if (lfd < 0)
    bail_out("raw listener");
  netipc_transport_config c;
  uds_config(&c, run_dir, svc);
  uint8_t ack[NETIPC_HELLO_ACK_MSG_LEN], rec[NETIPC_HELLO_ACK_MSG_LEN * 4];
  memset(ack, 0, sizeof ack);
  int before = fdc_count_or_bail(), n = repeat(), failed = 0, heard = 0;
  netipc_err last = NETIPC_OK;
  for (int i = 0; i < n; i++) {
    uds_connecter cn;
    uds_connect_start(&cn, &c, UDS_WAIT_MS);
    int fd = uds_raw_accept(lfd, UDS_WAIT_MS);
    if (fd < 0)
      bail_out("the client's connection never arrived");
    heard += uds_raw_recv(fd, rec, sizeof rec, UDS_WAIT_MS) > 0;
    if (reply > 0)
      (void)uds_raw_send(fd, ack, reply);
    close(fd);
    uds_connect_join(&cn);
    last = cn.err;
    failed += cn.err != NETIPC_OK && cn.session == NULL;
    netipc_session_destroy(cn.session);
  }
  is_int(heard, n, "%s: the server read %d HELLOs", what, n);
  is_int(failed, n, "%s: %d connects failed", what, n);
  is_err(last, want, "%s: with the expected error", what);
  fds_same(before, what);
  close(lfd);
}

static void
test_connect_hangup(void)
{
  connect_hangup(0, NETIPC_ERR_DISCONNECTED, "connect, hang-up after HELLO");
  connect_hangup(HALF_HELLO, NETIPC_ERR_PROTOCOL,
                 "connect, half a HELLO_ACK then hang-up");
}

/* ---------------------------------------------------------------- */
/* Level 1 listener                                                  */
/* ---------------------------------------------------------------- */

/* What the raw client does before the listener's accept. */
typedef enum {
  RAW_SILENT,     /* connects, sends nothing */
  RAW_HANGUP,     /* connects and closes */
  RAW_HALF_HELLO, /* a truncated HELLO, then closes */
  RAW_NO_PROFILE, /* a HELLO offering only SHM: refused, then closes */
  RAW_BAD_TOKEN   /* a HELLO with the wrong token: refused, then closes */
} raw_act;

/* Send a HELLO refused for act's reason and read the refusal. */
static void
raw_refused_hello(int fd, raw_act act)
{
  netipc_hello h;
  uint8_t reply[NETIPC_HELLO_ACK_MSG_LEN * 2];
  uds_hello_default(&h);
  if (act == RAW_NO_PROFILE)
    h.supported_profiles = h.preferred_profiles = NETIPC_PROFILE_SHM_HYBRID;
  else
    h.auth_token = UDS_TOKEN + 1;
  (void)uds_raw_hello(fd, &h, reply, sizeof reply);
}

static void
accept_fails(raw_act act, const char *what)
{
  netipc_transport_config cfg;
  uds_config(&cfg, run_dir, "fd-accept");
  cfg.handshake_timeout_ms = SHORT_TIMEOUT_MS;
  netipc_listener *l = NULL;
  if (netipc_listener_create(&cfg, &l) != NETIPC_OK)
    bail_out("listener");
  uint8_t half[HALF_HELLO];
  memset(half, 0, sizeof half);
  int before = fdc_count_or_bail(), n = repeat(), failed = 0;
  for (int i = 0; i < n; i++) {
    int fd = uds_raw_connect(run_dir, "fd-accept");
    if (fd < 0)
      bail_out("raw connect");
    if (act == RAW_HALF_HELLO && uds_raw_send(fd, half, sizeof half) != 0)
      bail_out("raw send");
    if (act == RAW_HANGUP || act == RAW_HALF_HELLO)
      close(fd);
    uds_accepter a;
    uds_accept_start(&a, l, UDS_WAIT_MS, 1);
    if (act == RAW_NO_PROFILE || act == RAW_BAD_TOKEN)
      raw_refused_hello(fd, act);
    uds_accept_join(&a);
    failed += a.err != NETIPC_OK && a.session == NULL;
    netipc_session_destroy(a.session);
    if (act != RAW_HANGUP && act != RAW_HALF_HELLO)
      close(fd);
  }
  is_int(failed, n, "%s: %d accepts failed", what, n);
  fds_same(before, what);
  netipc_listener_destroy(l);
}

static void
test_accept_failures(void)
{
  accept_fails(RAW_SILENT, "accept, client silent past the HELLO timeout");
  accept_fails(RAW_HANGUP, "accept, client gone before its HELLO");
  accept_fails(RAW_HALF_HELLO, "accept, half a HELLO then hang-up");
  accept_fails(RAW_NO_PROFILE, "accept, HELLO with no common profile");
  accept_fails(RAW_BAD_TOKEN, "accept, HELLO with a wrong token");
}

static void
listen_fails(const char *dir, const char *svc, netipc_err want,
             const char *what)
{
  netipc_transport_config cfg;
  uds_config(&cfg, dir, svc);
  int before = fdc_count_or_bail(), n = repeat(), failed = 0;
  netipc_err last = NETIPC_OK;
  for (int i = 0; i < n; i++) {
    netipc_listener *l = NULL;
    last = netipc_listener_create(&cfg, &l);
    failed += last != NETIPC_OK && l == NULL;
    netipc_listener_destroy(l);
  }
  is_int(failed, n, "%s: %d creates failed", what, n);
  if (want != NETIPC_OK)
    is_err(last, want, "%s: with the expected error", what);
  else
    ok(last != NETIPC_OK, "%s: with an error (%s)", what, tap_err_name(last));
  fds_same(before, what);
}

static void
test_listen_failures(void)
{
  char path[128];
  snprintf(path, sizeof path, "%s/missing", run_dir);
  /* The run-dir contract's own errors are tested elsewhere: any error. */
  listen_fails(path, "fd-listen", NETIPC_OK, "listen, missing run dir");
  snprintf(path, sizeof path, "%s/a-file", run_dir);
  int fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0600);
  if (fd < 0)
    bail_out("cannot create the plain file");
  close(fd);
  listen_fails(path, "fd-listen", NETIPC_OK, "listen, run dir is a file");

  netipc_transport_config cfg;
  uds_config(&cfg, run_dir, "fd-live");
  netipc_listener *live = NULL;
  if (netipc_listener_create(&cfg, &live) != NETIPC_OK)
    bail_out("listener");
  listen_fails(run_dir, "fd-live", NETIPC_ERR_ADDR_IN_USE,
               "listen, a live server owns the endpoint");
  netipc_listener_destroy(live);
}

/* ---------------------------------------------------------------- */
/* SHM attach failure (posix-shm.md 6.1)                             */
/* ---------------------------------------------------------------- */

/* The raw server acks SHM for a session whose region is too small. */
static void
test_shm_attach(void)
{
#ifndef NETIPC_BUILD_SHM
  skip(2, "no SHM transport in this build");
#else
  const char *svc = "fd-attach";
  netipc__shm *small = NULL;
  if (netipc__shm_create(run_dir, svc, SHM_ATTACH_SID, SHM_SMALL_AREA,
                         SHM_SMALL_AREA, false, &small) != NETIPC_OK)
    bail_out("cannot create the small region");
  int lfd = uds_raw_listen(run_dir, svc);
  if (lfd < 0)
    bail_out("raw listener");
  netipc_hello_ack a;
  memset(&a, 0, sizeof a);
  a.layout_version = NETIPC_LAYOUT_VERSION;
  a.server_supported_profiles = NETIPC_PROFILE_BASELINE | NETIPC_PROFILE_SHM_HYBRID;
  a.intersection_profiles = a.server_supported_profiles;
  a.selected_profile = NETIPC_PROFILE_SHM_HYBRID;
  a.agreed_max_request_payload_bytes = SHM_AGREED;
  a.agreed_max_request_batch_items = 1;
  a.agreed_max_response_payload_bytes = SHM_AGREED;
  a.agreed_max_response_batch_items = 1;
  a.agreed_packet_size = NETIPC_PACKET_SIZE_FALLBACK;
  a.session_id = SHM_ATTACH_SID;
  uint8_t ack[NETIPC_HELLO_ACK_MSG_LEN];
  netipc_hello_ack_message_encode(&a, NETIPC_STATUS_OK, ack, sizeof ack);

  netipc_transport_config c;
  uds_config(&c, run_dir, svc);
  c.supported_profiles = a.server_supported_profiles;
  c.preferred_profiles = NETIPC_PROFILE_SHM_HYBRID;
  int before = fdc_count_or_bail(), n = repeat(), failed = 0;
  for (int i = 0; i < n; i++) {
    uds_raw_peer peer;
    uds_raw_peer_init(&peer, lfd);
    peer.ack = ack;
    peer.ack_len = sizeof ack;
    peer.linger_ms = UDS_WAIT_MS;
    uds_raw_peer_start(&peer);
    netipc_session *s = NULL;
    netipc_err err = netipc_session_connect(&c, UDS_WAIT_MS, NULL, &s);
    uds_raw_peer_join(&peer);
    failed += err == NETIPC_ERR_SHM_ATTACH && s == NULL && peer.saw_eof;
    netipc_session_destroy(s);
  }
  is_int(failed, n, "SHM attach: %d connects failed SHM_ATTACH", n);
  fds_same(before, "SHM attach failure");
  close(lfd);
  netipc__shm_destroy(small);
#endif
}

/* ---------------------------------------------------------------- */
/* Level 2                                                           */
/* ---------------------------------------------------------------- */

static netipc_server *
increment_server(const char *svc, uint32_t profiles, svc_handler *h)
{
  netipc_server_config cfg;
  svc_server_config(&cfg, run_dir, svc, NETIPC_METHOD_INCREMENT, h);
  cfg.supported_profiles = profiles;
  cfg.preferred_profiles = profiles & NETIPC_PROFILE_SHM_HYBRID;
  return svc_server_start(&cfg);
}

static netipc_client *
increment_client(const char *svc, uint32_t profiles)
{
  netipc_client_config cfg;
  svc_client_config(&cfg, run_dir, svc);
  cfg.supported_profiles = profiles;
  cfg.preferred_profiles = profiles & NETIPC_PROFILE_SHM_HYBRID;
  return svc_client_new(&cfg, NETIPC_METHOD_INCREMENT);
}

/* 1 when c answers one INCREMENT right. */
static int
call_ok(netipc_client *c, uint64_t v)
{
  uint64_t r = 0;
  return netipc_client_increment(c, v, 0, &r) == NETIPC_OK && r == v + 1;
}

static void
client_cycles(uint32_t profiles, const char *what)
{
  svc_handler h;
  memset(&h, 0, sizeof h);
  netipc_server *srv = increment_server("fd-client", profiles, &h);
  int before = fdc_count_or_bail(), n = repeat(), good = 0;
  for (int i = 0; i < n; i++) {
    netipc_client *c = increment_client("fd-client", profiles);
    int ok1 = svc_client_connect(c, UDS_WAIT_MS) && call_ok(c, (uint64_t)i);
    netipc_client_close(c);
    int ok2 = svc_client_connect(c, UDS_WAIT_MS) && call_ok(c, (uint64_t)i);
    netipc_client_destroy(c);
    good += ok1 && ok2;
  }
  is_int(good, n, "%s: %d clients called, closed, reconnected", what, n);
  ok(svc_wait_sessions(srv, 0, UDS_WAIT_MS), "%s: the server ended them", what);
  fds_same(before, what);
  netipc_server_destroy(srv);
}

static void
test_client_close(void)
{
  client_cycles(NETIPC_PROFILE_BASELINE, "client close/destroy (UDS)");
  if (tp_shm_built())
    client_cycles(NETIPC_PROFILE_BASELINE | NETIPC_PROFILE_SHM_HYBRID,
                  "client close/destroy (SHM)");
  else
    skip(3, "no SHM transport in this build");
}

/* Servers stopped (odd rounds: stop, then destroy) under live sessions. */
static void
server_cycles(uint32_t profiles, const char *what)
{
  int before = fdc_count_or_bail(), n = repeat(), good = 0;
  for (int i = 0; i < n; i++) {
    svc_handler h;
    memset(&h, 0, sizeof h);
    netipc_server *srv = increment_server("fd-server", profiles, &h);
    netipc_client *c[CLIENTS_PER_SERVER];
    int all = 1;
    for (int k = 0; k < CLIENTS_PER_SERVER; k++) {
      c[k] = increment_client("fd-server", profiles);
      all &= svc_client_connect(c[k], UDS_WAIT_MS) && call_ok(c[k], 1);
    }
    good += all && svc_wait_sessions(srv, CLIENTS_PER_SERVER, UDS_WAIT_MS);
    if (i % 2)
      netipc_server_stop(srv);
    netipc_server_destroy(srv);
    /* The clients' sockets stay open until they are destroyed (a call
     * would only find out, slowly, through the reconnect attempts). */
    for (int k = 0; k < CLIENTS_PER_SERVER; k++)
      netipc_client_destroy(c[k]);
  }
  is_int(good, n, "%s: %d servers had %d live sessions", what, n,
         CLIENTS_PER_SERVER);
  fds_same(before, what);
}

static void
test_server_destroy(void)
{
  server_cycles(NETIPC_PROFILE_BASELINE, "server stop/destroy (UDS)");
  if (tp_shm_built())
    server_cycles(NETIPC_PROFILE_BASELINE | NETIPC_PROFILE_SHM_HYBRID,
                  "server stop/destroy (SHM)");
  else
    skip(2, "no SHM transport in this build");
}

static void
test_server_create_live(void)
{
  svc_handler h;
  memset(&h, 0, sizeof h);
  netipc_server *live = increment_server("fd-live2", NETIPC_PROFILE_BASELINE, &h);
  netipc_server_config cfg;
  svc_server_config(&cfg, run_dir, "fd-live2", NETIPC_METHOD_INCREMENT, &h);
  int before = fdc_count_or_bail(), n = repeat(), failed = 0;
  netipc_err last = NETIPC_OK;
  for (int i = 0; i < n; i++) {
    netipc_server *s = NULL;
    last = netipc_server_create(&cfg, &s);
    failed += last != NETIPC_OK && s == NULL;
    netipc_server_destroy(s);
  }
  is_int(failed, n, "server create next to a live one: %d failed", n);
  is_err(last, NETIPC_ERR_ADDR_IN_USE, "... with ADDR_IN_USE");
  fds_same(before, "server create next to a live one");
  netipc_server_destroy(live);
}

/* ---------------------------------------------------------------- */
/* Level 3                                                           */
/* ---------------------------------------------------------------- */

static void
cache_fails(const char *svc, uint64_t token, const char *what)
{
  netipc_client_config cfg;
  svc_client_config(&cfg, run_dir, svc);
  cfg.auth_token = token;
  int before = fdc_count_or_bail(), n = repeat(), failed = 0;
  netipc_cache *c = NULL;
  if (netipc_cache_create(&cfg, &c) != NETIPC_OK)
    bail_out("cache create");
  for (int i = 0; i < n; i++) {
    netipc_err err = NETIPC_OK;
    failed += !netipc_cache_refresh(c, UDS_WAIT_MS, &err) && err != NETIPC_OK;
  }
  netipc_cache_destroy(c);
  is_int(failed, n, "%s: %d refreshes failed", what, n);
  fds_same(before, what);
}

static void
test_cache_failures(void)
{
  cache_fails("fd-cache-none", SVC_TOKEN, "cache refresh, no server");

  svc_handler h;
  memset(&h, 0, sizeof h);
  netipc_server_config cfg;
  svc_server_config(&cfg, run_dir, "fd-cache", NETIPC_METHOD_CGROUPS_SNAPSHOT,
                    &h);
  netipc_server *srv = svc_server_start(&cfg);
  cache_fails("fd-cache", SVC_TOKEN + 1, "cache refresh, wrong token");
  netipc_server_destroy(srv);

  svc_raw_server raw;
  memset(&raw, 0, sizeof raw);
  svc_raw_server_start(&raw, run_dir, "fd-cache-close", SVC_RAW_CLOSE, 0);
  cache_fails("fd-cache-close", SVC_TOKEN, "cache refresh, server hangs up");
  svc_raw_server_stop(&raw);

  memset(&raw, 0, sizeof raw);
  svc_raw_server_start(&raw, run_dir, "fd-cache-status", SVC_RAW_STATUS,
                       NETIPC_STATUS_INTERNAL_ERROR);
  cache_fails("fd-cache-status", SVC_TOKEN, "cache refresh, INTERNAL_ERROR");
  svc_raw_server_stop(&raw);
}

int
main(void)
{
  svc_alarm();
  uds_rundir_make(run_dir, sizeof run_dir, "fdleak");
  test_connect_no_server();
  test_connect_refused();
  test_connect_incompatible();
  test_connect_timeout();
  test_connect_hangup();
  test_accept_failures();
  test_listen_failures();
  test_shm_attach();
  test_client_close();
  test_server_destroy();
  test_server_create_live();
  test_cache_failures();
  uds_rundir_remove(run_dir);
  return done_testing();
}
