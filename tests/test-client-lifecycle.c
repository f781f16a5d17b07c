/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-client-lifecycle.c - the Level 2 client context (level2.md 3):
 * create without a server, refresh and its return value, every state,
 * counters, reconnect after a server restart inside a call, the sticky
 * AUTH_FAILED and INCOMPATIBLE states, BROKEN after a timeout, the call
 * timeout default, close and reuse, and the state names.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <netipc/service.h>

#include "service-helpers.h"
#include "service-raw-posix.h"
#include "tap.h"

#define PLAN 102
#define LONG_RUN_DIR 300

static char run_dir[64];

static netipc_server *
start_increment(const char *svc, svc_handler *h, uint64_t token)
{
  netipc_server_config cfg;
  svc_server_config(&cfg, run_dir, svc, NETIPC_METHOD_INCREMENT, h);
  cfg.auth_token = token;
  return svc_server_start(&cfg);
}

/* ---------------------------------------------------------------- */

static void
test_without_server(void)
{
  netipc_client_config cfg;
  netipc_client *c = NULL;
  uint64_t r = 0;

  svc_client_config(&cfg, run_dir, "life-bad/name");
  is_err(netipc_client_create(&cfg, NETIPC_METHOD_INCREMENT, &c),
         NETIPC_ERR_BAD_NAME, "create: an invalid service name is refused");
  svc_client_config(&cfg, NULL, "life-none");
  is_err(netipc_client_create(&cfg, NETIPC_METHOD_INCREMENT, &c),
         NETIPC_ERR_INVALID_ARG, "create: a missing run dir is refused");

  svc_client_config(&cfg, run_dir, "life-none");
  is_err(netipc_client_create(&cfg, NETIPC_METHOD_INCREMENT, &c), NETIPC_OK,
         "create succeeds although no server exists");
  if (c == NULL)
    bail_out("no client context");
  netipc_client_status st = svc_status(c);
  is_int(st.state, NETIPC_CLIENT_DISCONNECTED, "initial state DISCONNECTED");
  ok(!netipc_client_ready(c), "not ready after create");
  ok(st.connect_count == 0 && st.reconnect_count == 0 && st.call_count == 0 &&
         st.error_count == 0,
     "counters start at zero");
  ok(st.request_proposal == 1024 && st.response_proposal == 65536 &&
         st.supported_profiles == NETIPC_PROFILE_BASELINE,
     "defaults: proposals 1024/65536, baseline profile only");
  is_int(svc_dir_entries(run_dir), 0, "create did no I/O in the run dir");

  netipc_string_view sv;
  is_err(netipc_client_string_reverse(c, "x", 1, 0, &sv),
         NETIPC_ERR_INVALID_ARG, "a call of another method is refused");

  is_err(netipc_client_increment(c, 1, 0, &r), NETIPC_ERR_NOT_READY,
         "a call before refresh fails NOT_READY");
  st = svc_status(c);
  ok(st.error_count == 1 && st.call_count == 0,
     "the refused call counts one error");
  is_int(st.state, NETIPC_CLIENT_DISCONNECTED, "still DISCONNECTED");

  ok(netipc_client_refresh(c), "refresh without a server changes the state");
  is_int(svc_state(c), NETIPC_CLIENT_NOT_FOUND, "state NOT_FOUND");
  ok(!netipc_client_refresh(c), "a second refresh reports no change");
  st = svc_status(c);
  ok(st.state == NETIPC_CLIENT_NOT_FOUND && st.connect_count == 0,
     "still NOT_FOUND, no connect counted");

  netipc_client_close(c);
  is_int(svc_state(c), NETIPC_CLIENT_DISCONNECTED,
         "close of a never-connected context: DISCONNECTED");
  netipc_client_destroy(c);
  netipc_client_destroy(NULL);

  /* A local problem (the endpoint name does not fit) is DISCONNECTED.
   * LONG_RUN_DIR is over both a UDS sun_path and the longest run dir the
   * Windows names take (windows.md 2.6). */
  char longdir[LONG_RUN_DIR];
  memset(longdir, 'd', sizeof longdir - 1);
  longdir[0] = '/';
  longdir[sizeof longdir - 1] = '\0';
  svc_client_config(&cfg, longdir, "life-long");
  c = svc_client_new(&cfg, NETIPC_METHOD_INCREMENT);
  ok(!netipc_client_refresh(c), "over-long endpoint path: refresh, no change");
  is_int(svc_state(c), NETIPC_CLIENT_DISCONNECTED,
         "a local error leaves DISCONNECTED, not NOT_FOUND");
  netipc_client_destroy(c);

  /* A run dir the server has not made yet is a server not there yet. */
  svc_client_config(&cfg, "/nonexistent-netipc-run-dir", "life-nodir");
  c = svc_client_new(&cfg, NETIPC_METHOD_INCREMENT);
  ok(netipc_client_refresh(c), "missing run dir: refresh changes the state");
  is_int(svc_state(c), NETIPC_CLIENT_NOT_FOUND,
         "a missing run dir is NOT_FOUND, retried on refresh");
  netipc_client_destroy(c);
}

/* ---------------------------------------------------------------- */

typedef struct slow_call {
  netipc_client *c;
  uint32_t timeout_ms;
  netipc_err err;
  uint64_t result;
  uint64_t elapsed_ms;
} slow_call;

static void
do_slow_call(slow_call *s)
{
  uint64_t t0 = tp_now_ms();
  s->err = netipc_client_increment(s->c, SVC_SLEEP_VALUE, s->timeout_ms,
                                   &s->result);
  s->elapsed_ms = tp_now_ms() - t0;
}

static void
test_connect_restart(void)
{
  const char *svc = "life-inc";
  svc_handler h1, h2, h3;
  memset(&h1, 0, sizeof h1);
  memset(&h2, 0, sizeof h2);
  memset(&h3, 0, sizeof h3);
  netipc_client_config cfg;
  svc_client_config(&cfg, run_dir, svc);
  netipc_client *c = svc_client_new(&cfg, NETIPC_METHOD_INCREMENT);
  uint64_t r = 0;

  netipc_server *s1 = start_increment(svc, &h1, SVC_TOKEN);
  ok(netipc_client_refresh(c), "refresh with a server changes the state");
  netipc_client_status st = svc_status(c);
  is_int(st.state, NETIPC_CLIENT_READY, "state READY");
  ok(netipc_client_ready(c), "ready() is true");
  ok(st.connect_count == 1 && st.reconnect_count == 0,
     "connect_count 1, reconnect_count 0");
  ok(st.session.selected_profile == NETIPC_PROFILE_BASELINE &&
         st.session.max_request_payload_bytes == 1024 &&
         st.session.max_response_payload_bytes == 65536 &&
         st.session.max_request_batch_items == 1,
     "session: baseline profile, agreed 1024/65536, batch 1");
  ok(!netipc_client_refresh(c), "refresh in READY changes nothing");

  int good = 1;
  for (uint64_t v = 0; v < 10; v++)
    if (netipc_client_increment(c, v * 1000, 0, &r) != NETIPC_OK ||
        r != v * 1000 + 1)
      good = 0;
  ok(good, "10 calls return value + 1");
  st = svc_status(c);
  ok(st.call_count == 10 && st.error_count == 0, "call_count 10, no errors");
  is_uint(atomic_load(&h1.calls), 10, "the handler ran 10 times");

  /* Server restart: the next call fails once and reconnects inside. */
  netipc_server_destroy(s1);
  ok(!svc_sock_exists(run_dir, svc), "destroyed server removed its socket");
  netipc_server *s2 = start_increment(svc, &h2, SVC_TOKEN);
  uint64_t t0 = tp_now_ms();
  netipc_err err = netipc_client_increment(c, 100, 0, &r);
  uint64_t elapsed = tp_now_ms() - t0;
  is_err(err, NETIPC_OK, "call after a server restart succeeds");
  is_uint(r, 101, "with the right result");
  st = svc_status(c);
  ok(st.reconnect_count == 1 && st.connect_count == 1,
     "the in-call reconnect counts reconnect_count");
  ok(st.call_count == 11 && st.error_count == 0,
     "counted as one successful call");
  is_uint(atomic_load(&h2.calls), 1, "the new server saw the request once");
  ok(elapsed >= 140, "the retry waited the failure pause (%llu ms)",
     (unsigned long long)elapsed);
  is_int(st.state, NETIPC_CLIENT_READY, "READY after the retry");

  /* No server at all: the retry cannot reconnect. */
  netipc_server_destroy(s2);
  err = netipc_client_increment(c, 5, 0, &r);
  ok(err != NETIPC_OK && err != NETIPC_ERR_NOT_READY,
     "a call with the server gone fails (%s)", netipc_err_name(err));
  st = svc_status(c);
  is_int(st.state, NETIPC_CLIENT_NOT_FOUND,
         "the failed reconnect leaves NOT_FOUND");
  ok(st.error_count == 1 && st.reconnect_count == 1,
     "one error, no reconnect counted");
  ok(!netipc_client_refresh(c), "refresh without a server: no change");

  netipc_server *s3 = start_increment(svc, &h3, SVC_TOKEN);
  ok(netipc_client_refresh(c), "refresh after the server came back");
  st = svc_status(c);
  ok(st.state == NETIPC_CLIENT_READY && st.connect_count == 2,
     "READY; refresh from NOT_FOUND counts connect_count");
  is_err(netipc_client_increment(c, 7, 0, &r), NETIPC_OK, "calls work again");
  is_uint(r, 8, "result 8");

  /* Timeout: BROKEN, no retry; refresh reconnects. */
  atomic_store(&h3.sleep_ms, 600);
  slow_call sc = {c, 100, NETIPC_OK, 0, 0};
  do_slow_call(&sc);
  is_err(sc.err, NETIPC_ERR_TIMEOUT, "a call slower than its timeout: TIMEOUT");
  ok(sc.elapsed_ms < 500, "returned near the deadline (%llu ms)",
     (unsigned long long)sc.elapsed_ms);
  st = svc_status(c);
  is_int(st.state, NETIPC_CLIENT_BROKEN, "state BROKEN after the timeout");
  ok(!netipc_client_ready(c) && st.error_count == 2,
     "not ready, the timeout counted an error");
  svc_wait_count(&h3.finished, 2, 5000);
  is_uint(atomic_load(&h3.calls), 2, "the timed-out request ran once");
  ok(netipc_client_refresh(c), "refresh from BROKEN changes the state");
  st = svc_status(c);
  ok(st.state == NETIPC_CLIENT_READY && st.reconnect_count == 2 &&
         st.connect_count == 2,
     "READY; refresh from BROKEN counts reconnect_count");

  /* The context default timeout applies to calls with 0. */
  netipc_client_set_timeout(c, 100);
  sc.timeout_ms = 0;
  do_slow_call(&sc);
  is_err(sc.err, NETIPC_ERR_TIMEOUT, "set_timeout(100): a 0 call times out");
  ok(sc.elapsed_ms < 500, "within the context default (%llu ms)",
     (unsigned long long)sc.elapsed_ms);
  svc_wait_count(&h3.finished, 3, 5000);
  netipc_client_set_timeout(c, 0);
  atomic_store(&h3.sleep_ms, 300);
  ok(netipc_client_refresh(c), "refresh after the second timeout");
  do_slow_call(&sc);
  is_err(sc.err, NETIPC_OK, "set_timeout(0) restores the long default");
  is_uint(sc.result, SVC_SLEEP_VALUE + 1, "the slow call's result");
  sc.timeout_ms = 2000;
  do_slow_call(&sc);
  is_err(sc.err, NETIPC_OK, "a per-call timeout overrides the default");

  /* close: DISCONNECTED, reusable. */
  netipc_client_close(c);
  st = svc_status(c);
  ok(st.state == NETIPC_CLIENT_DISCONNECTED && !netipc_client_ready(c),
     "close: DISCONNECTED, not ready");
  is_err(netipc_client_increment(c, 1, 0, &r), NETIPC_ERR_NOT_READY,
         "a call after close: NOT_READY");
  ok(netipc_client_refresh(c), "refresh after close reconnects");
  st = svc_status(c);
  ok(st.state == NETIPC_CLIENT_READY && st.connect_count == 3,
     "READY again; connect_count 3");
  is_err(netipc_client_increment(c, 41, 0, &r), NETIPC_OK,
         "the closed context is reusable");
  is_uint(r, 42, "result 42");
  netipc_client_close(c);
  netipc_client_close(c);
  is_int(svc_state(c), NETIPC_CLIENT_DISCONNECTED, "close twice is harmless");

  /* AUTH_FAILED on reconnect inside a call stops the retry loop. */
  ok(netipc_client_refresh(c), "reconnect for the auth test");
  netipc_server_destroy(s3);
  svc_handler h4;
  memset(&h4, 0, sizeof h4);
  netipc_server *s4 = start_increment(svc, &h4, SVC_TOKEN ^ 0xFFu);
  t0 = tp_now_ms();
  err = netipc_client_increment(c, 1, 0, &r);
  ok(err != NETIPC_OK, "a call against a server with another token fails");
  st = svc_status(c);
  is_int(st.state, NETIPC_CLIENT_AUTH_FAILED,
         "the in-call reconnect ends in AUTH_FAILED");
  ok(!netipc_client_refresh(c), "AUTH_FAILED is sticky for refresh");
  is_int(svc_state(c), NETIPC_CLIENT_AUTH_FAILED, "still AUTH_FAILED");
  is_uint(atomic_load(&h4.calls), 0, "the rejecting server ran no handler");
  netipc_server_destroy(s4);
  netipc_client_destroy(c);
}

/* ---------------------------------------------------------------- */

static void
test_auth_failed(void)
{
  const char *svc = "life-auth";
  svc_handler h;
  memset(&h, 0, sizeof h);
  netipc_server *s = start_increment(svc, &h, SVC_TOKEN);
  netipc_client_config cfg;
  svc_client_config(&cfg, run_dir, svc);
  cfg.auth_token = 0; /* 0 is an ordinary token: not the server's */
  netipc_client *c = svc_client_new(&cfg, NETIPC_METHOD_INCREMENT);
  uint64_t r = 0;

  ok(netipc_client_refresh(c), "refresh with a wrong token changes state");
  is_int(svc_state(c), NETIPC_CLIENT_AUTH_FAILED, "state AUTH_FAILED");
  ok(!netipc_client_refresh(c), "refresh in AUTH_FAILED: no change");
  is_int(svc_state(c), NETIPC_CLIENT_AUTH_FAILED, "still AUTH_FAILED");
  is_err(netipc_client_increment(c, 1, 0, &r), NETIPC_ERR_NOT_READY,
         "calls in AUTH_FAILED: NOT_READY");
  netipc_client_status st = svc_status(c);
  ok(st.error_count == 1 && st.connect_count == 0, "one error, no connect");
  netipc_client_close(c);
  is_int(svc_state(c), NETIPC_CLIENT_DISCONNECTED, "close leaves AUTH_FAILED");
  ok(netipc_client_refresh(c) &&
         svc_state(c) == NETIPC_CLIENT_AUTH_FAILED,
     "after close refresh tries again (and is rejected again)");
  is_uint(atomic_load(&h.calls), 0, "no handler ran");
  netipc_client_destroy(c);

  /* The right token on a new context works. */
  svc_client_config(&cfg, run_dir, svc);
  c = svc_client_new(&cfg, NETIPC_METHOD_INCREMENT);
  ok(netipc_client_refresh(c) && netipc_client_ready(c),
     "a context with the right token connects");
  netipc_client_destroy(c);
  netipc_server_destroy(s);
}

/* ---------------------------------------------------------------- */

/* A raw server for one connection that answers the HELLO with a
 * header-only rejection, on the portable raw primitives. */
typedef struct rejecting {
  int lfd;
  uint8_t ack[NETIPC_HELLO_ACK_MSG_LEN];
  netipc_hello hello; /* the client's HELLO */
  int failed;         /* a step failed (timeout, EOF, error) */
  svc_task task;
} rejecting;

static void
rejecting_main(void *arg)
{
  rejecting *r = arg;
  static uint8_t buf[NETIPC_HELLO_MSG_LEN + NETIPC_HEADER_LEN];
  int fd = svc_raw_accept(r->lfd, UDS_WAIT_MS);
  if (fd < 0) {
    r->failed = 1;
    return;
  }
  long n = uds_raw_recv(fd, buf, sizeof buf, UDS_WAIT_MS);
  netipc_header h;
  if (n < (long)NETIPC_HELLO_MSG_LEN ||
      netipc_header_decode(buf, (size_t)n, &h) != NETIPC_OK ||
      netipc_hello_decode(buf + NETIPC_HEADER_LEN,
                          (size_t)n - NETIPC_HEADER_LEN,
                          &r->hello) != NETIPC_OK ||
      uds_raw_send(fd, r->ack, sizeof r->ack) != 0)
    r->failed = 1;
  svc_raw_close(fd);
}

static void
rejecting_start(rejecting *r, const char *svc, uint16_t status)
{
  memset(r, 0, sizeof *r);
  r->lfd = svc_raw_listen(run_dir, svc);
  if (r->lfd < 0)
    bail_out("cannot listen on %s", svc);
  netipc_hello_ack a;
  memset(&a, 0, sizeof a);
  a.layout_version = NETIPC_LAYOUT_VERSION;
  if (netipc_hello_ack_message_encode(&a, status, r->ack, sizeof r->ack) !=
      NETIPC_OK)
    bail_out("cannot encode a HELLO_ACK");
  svc_task_start(&r->task, rejecting_main, r);
}

static void
rejecting_join(rejecting *r)
{
  svc_task_join(&r->task, 2 * UDS_WAIT_MS, "the rejecting server");
}

/* No connection arrives within timeout_ms. */
static int
rejecting_quiet(rejecting *r, int timeout_ms)
{
  int fd = svc_raw_accept(r->lfd, timeout_ms);
  if (fd < 0)
    return 1;
  svc_raw_close(fd);
  return 0;
}

/* Close the listener and remove its endpoint. */
static void
rejecting_close(rejecting *r, const char *svc)
{
  svc_raw_unlisten(r->lfd, run_dir, svc);
}

/* The checks of test_rejections. */
#define REJECTION_TESTS 10

static void
test_rejections(void)
{
  if (!svc_raw_supported()) {
    skip(REJECTION_TESTS, "no raw server on this platform");
    return;
  }
  netipc_client_config cfg;
  rejecting rj;

  /* HELLO_ACK UNSUPPORTED (no common profile): INCOMPATIBLE, sticky. */
  rejecting_start(&rj, "life-noprofile", NETIPC_STATUS_UNSUPPORTED);
  svc_client_config(&cfg, run_dir, "life-noprofile");
  cfg.timeout_ms = 2000;
  netipc_client *c = svc_client_new(&cfg, NETIPC_METHOD_INCREMENT);
  ok(netipc_client_refresh(c), "refresh against a no-profile server");
  is_int(svc_state(c), NETIPC_CLIENT_INCOMPATIBLE,
         "UNSUPPORTED HELLO_ACK: INCOMPATIBLE");
  rejecting_join(&rj);
  ok(!rj.failed && rj.hello.supported_profiles ==
                            NETIPC_PROFILE_BASELINE,
     "the server saw a baseline-only HELLO");
  ok(!netipc_client_refresh(c), "INCOMPATIBLE is sticky for refresh");
  ok(rejecting_quiet(&rj, 50), "the sticky refresh did not even connect");
  rejecting_close(&rj, "life-noprofile");
  uint64_t r = 0;
  is_err(netipc_client_increment(c, 1, 0, &r), NETIPC_ERR_NOT_READY,
         "calls in INCOMPATIBLE: NOT_READY");
  netipc_client_destroy(c);

  /* HELLO_ACK INCOMPATIBLE: INCOMPATIBLE. */
  rejecting_start(&rj, "life-incompat", NETIPC_STATUS_INCOMPATIBLE);
  svc_client_config(&cfg, run_dir, "life-incompat");
  cfg.timeout_ms = 2000;
  c = svc_client_new(&cfg, NETIPC_METHOD_INCREMENT);
  ok(netipc_client_refresh(c) &&
         svc_state(c) == NETIPC_CLIENT_INCOMPATIBLE,
     "INCOMPATIBLE HELLO_ACK: INCOMPATIBLE");
  rejecting_join(&rj);
  rejecting_close(&rj, "life-incompat");
  netipc_client_destroy(c);

  /* HELLO_ACK LIMIT_EXCEEDED: DISCONNECTED (retryable, level2.md 3.2). */
  rejecting_start(&rj, "life-limit", NETIPC_STATUS_LIMIT_EXCEEDED);
  svc_client_config(&cfg, run_dir, "life-limit");
  cfg.timeout_ms = 2000;
  c = svc_client_new(&cfg, NETIPC_METHOD_INCREMENT);
  ok(!netipc_client_refresh(c),
     "LIMIT_EXCEEDED rejection: DISCONNECTED -> DISCONNECTED is no change");
  is_int(svc_state(c), NETIPC_CLIENT_DISCONNECTED, "state DISCONNECTED");
  rejecting_join(&rj);
  rejecting_close(&rj, "life-limit");
  ok(!rj.failed && rj.hello.max_request_payload_bytes == 1024,
     "the server did get the HELLO (request proposal 1024)");
  netipc_client_destroy(c);
}

/* ---------------------------------------------------------------- */

static void
test_state_names(void)
{
  static const struct {
    netipc_client_state s;
    const char *name;
  } names[] = {{NETIPC_CLIENT_DISCONNECTED, "DISCONNECTED"},
               {NETIPC_CLIENT_CONNECTING, "CONNECTING"},
               {NETIPC_CLIENT_READY, "READY"},
               {NETIPC_CLIENT_NOT_FOUND, "NOT_FOUND"},
               {NETIPC_CLIENT_AUTH_FAILED, "AUTH_FAILED"},
               {NETIPC_CLIENT_INCOMPATIBLE, "INCOMPATIBLE"},
               {NETIPC_CLIENT_BROKEN, "BROKEN"}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    const char *got = netipc_client_state_name(names[i].s);
    ok(got != NULL && strcmp(got, names[i].name) == 0, "state %d is %s (%s)",
       (int)names[i].s, names[i].name, got ? got : "NULL");
  }
  ok(netipc_client_state_name((netipc_client_state)99) != NULL,
     "an unknown state still has a name");
  ok(!netipc_client_ready(NULL) && !netipc_client_refresh(NULL),
     "NULL context: not ready, refresh false");
}

int
main(void)
{
  svc_alarm();
  tp_rundir_make(run_dir, sizeof run_dir, "l2-life");
  plan(PLAN);
  test_without_server();
  test_connect_restart();
  test_auth_failed();
  test_rejections();
  test_state_names();
  is_int(svc_dir_entries(run_dir), 0, "every server cleaned up its files");
  tp_rundir_remove(run_dir);
  return exit_status();
}
