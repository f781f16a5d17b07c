/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-client-retry.c - the at-least-once retry of Level 2 calls
 * (level2.md 4, 5, 7, 9.6): an ordinary failure is resent exactly once on
 * a new session, TIMEOUT and ABORTED are never retried, the abort flag is
 * sticky until cleared, a wrong method code gets UNSUPPORTED while the
 * server session stays open, and transport_status is checked before the
 * batch framing.
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

#define PLAN 75
/* The byte-level checks of test_wrong_method; the checks per raw_case. */
#define WRONG_METHOD_RAW_TESTS 6
#define RAW_CASE_TESTS 3

static char run_dir[64];

/* ---------------------------------------------------------------- */
/* Handler failures against a managed server                         */
/* ---------------------------------------------------------------- */

typedef struct aborter {
  netipc_client *c;
  unsigned delay_ms;
} aborter;

static void
aborter_main(void *arg)
{
  aborter *a = arg;
  tp_sleep_ms(a->delay_ms);
  netipc_client_abort(a->c);
}

static void
test_managed_retry(void)
{
  const char *svc = "retry-inc";
  svc_handler h;
  memset(&h, 0, sizeof h);
  netipc_server_config scfg;
  svc_server_config(&scfg, run_dir, svc, NETIPC_METHOD_INCREMENT, &h);
  netipc_server *s = svc_server_start(&scfg);
  netipc_client *c =
      svc_connected_client(run_dir, svc, NETIPC_METHOD_INCREMENT, 0, 0);
  uint64_t r = 0;

  /* One handler failure: the resend on a new session succeeds. */
  atomic_store(&h.fail_next, 1);
  uint64_t t0 = tp_now_ms();
  netipc_err err = netipc_client_increment(c, 7, 0, &r);
  uint64_t elapsed = tp_now_ms() - t0;
  is_err(err, NETIPC_OK, "a call whose first attempt failed succeeds");
  is_uint(r, 8, "result of the resent request");
  is_uint(atomic_load(&h.calls), 2, "the handler ran twice (at-least-once)");
  netipc_client_status st = svc_status(c);
  ok(st.reconnect_count == 1 && st.call_count == 1 && st.error_count == 0,
     "one reconnect, one call, no error");
  is_int(st.state, NETIPC_CLIENT_READY, "READY after the retry");
  ok(elapsed >= 140, "the retry paused ~150 ms first (%llu ms)",
     (unsigned long long)elapsed);

  /* A handler that always fails: exactly two attempts, REMOTE_STATUS. */
  err = netipc_client_increment(c, SVC_FAIL_VALUE, 0, &r);
  is_err(err, NETIPC_ERR_REMOTE_STATUS,
         "a failing handler: REMOTE_STATUS (INTERNAL_ERROR)");
  svc_wait_count(&h.finished, 4, 2000);
  tp_sleep_ms(200);
  is_uint(atomic_load(&h.calls), 4, "the failing request ran exactly twice");
  st = svc_status(c);
  ok(st.reconnect_count == 2 && st.error_count == 1 && st.call_count == 1,
     "one more reconnect, one error");
  is_int(st.state, NETIPC_CLIENT_BROKEN, "a failed second attempt: BROKEN");
  ok(netipc_client_refresh(c) && netipc_client_ready(c),
     "refresh reconnects from BROKEN");

  /* TIMEOUT: never retried. */
  atomic_store(&h.sleep_ms, 600);
  unsigned before = atomic_load(&h.calls);
  t0 = tp_now_ms();
  err = netipc_client_increment(c, SVC_SLEEP_VALUE, 150, &r);
  elapsed = tp_now_ms() - t0;
  is_err(err, NETIPC_ERR_TIMEOUT, "a slow handler: TIMEOUT");
  ok(elapsed >= 140 && elapsed < 550, "after about 150 ms (%llu ms)",
     (unsigned long long)elapsed);
  st = svc_status(c);
  is_int(st.state, NETIPC_CLIENT_BROKEN, "TIMEOUT leaves BROKEN");
  ok(st.reconnect_count == 3 && st.error_count == 2,
     "no reconnect inside the call, one error");
  svc_wait_count(&h.finished, before + 1, 3000);
  tp_sleep_ms(300);
  is_uint(atomic_load(&h.calls), before + 1, "the timed-out request ran once");

  /* ABORTED from another thread while waiting: not retried. */
  ok(netipc_client_refresh(c) && netipc_client_ready(c),
     "refresh after the timeout");
  atomic_store(&h.sleep_ms, 1000);
  before = atomic_load(&h.calls);
  aborter ab = {c, 150};
  svc_task task;
  svc_task_start(&task, aborter_main, &ab);
  t0 = tp_now_ms();
  err = netipc_client_increment(c, SVC_SLEEP_VALUE, 5000, &r);
  elapsed = tp_now_ms() - t0;
  svc_task_join(&task, 5000, "the aborting thread");
  is_err(err, NETIPC_ERR_ABORTED, "abort from another thread: ABORTED");
  ok(elapsed >= 100 && elapsed < 900,
     "the wait woke up at the abort (%llu ms)", (unsigned long long)elapsed);
  st = svc_status(c);
  is_int(st.state, NETIPC_CLIENT_BROKEN, "ABORTED leaves BROKEN");
  ok(st.error_count == 3 && st.reconnect_count == 4,
     "one error, no reconnect inside the call");
  svc_wait_count(&h.finished, before + 1, 3000);
  is_uint(atomic_load(&h.calls), before + 1, "the aborted request ran once");

  /* The flag is sticky. */
  is_err(netipc_client_increment(c, 1, 0, &r), NETIPC_ERR_NOT_READY,
         "aborted and BROKEN: NOT_READY");
  ok(netipc_client_refresh(c), "refresh ignores the abort flag");
  is_int(svc_state(c), NETIPC_CLIENT_READY, "READY with the flag still set");
  before = atomic_load(&h.calls);
  is_err(netipc_client_increment(c, 1, 0, &r), NETIPC_ERR_ABORTED,
         "the flag stays set: ABORTED");
  is_uint(atomic_load(&h.calls), before, "nothing was sent");
  st = svc_status(c);
  ok(st.state == NETIPC_CLIENT_BROKEN && st.error_count == 5,
     "BROKEN again, every refusal counted as an error");
  netipc_client_clear_abort(c);
  ok(netipc_client_refresh(c) && netipc_client_ready(c),
     "refresh after clear_abort");
  is_err(netipc_client_increment(c, 1, 0, &r), NETIPC_OK,
         "clear_abort restores calls");
  is_uint(r, 2, "result 2");

  /* close also clears the flag. */
  netipc_client_abort(c);
  netipc_client_close(c);
  ok(netipc_client_refresh(c), "refresh after abort + close");
  is_err(netipc_client_increment(c, 2, 0, &r), NETIPC_OK,
         "close cleared the abort flag");

  netipc_client_destroy(c);
  netipc_server_destroy(s);
}

/* ---------------------------------------------------------------- */
/* Wrong method code (level2.md 9.6)                                 */
/* ---------------------------------------------------------------- */

static void
test_wrong_method(void)
{
  const char *svc = "retry-str";
  svc_handler h;
  memset(&h, 0, sizeof h);
  netipc_server_config scfg;
  svc_server_config(&scfg, run_dir, svc, NETIPC_METHOD_STRING_REVERSE, &h);
  netipc_server *s = svc_server_start(&scfg);
  netipc_client *c =
      svc_connected_client(run_dir, svc, NETIPC_METHOD_INCREMENT, 0, 0);

  uint64_t r = 0, t0 = tp_now_ms();
  netipc_err err = netipc_client_increment(c, 1, 0, &r);
  uint64_t elapsed = tp_now_ms() - t0;
  is_err(err, NETIPC_ERR_REMOTE_STATUS,
         "INCREMENT against a STRING_REVERSE server: REMOTE_STATUS");
  netipc_client_status st = svc_status(c);
  ok(st.reconnect_count == 1 && st.error_count == 1,
     "UNSUPPORTED is an ordinary failure: one retry");
  ok(elapsed >= 140, "after the failure pause (%llu ms)",
     (unsigned long long)elapsed);
  is_int(st.state, NETIPC_CLIENT_BROKEN, "BROKEN after the second attempt");
  is_uint(atomic_load(&h.calls), 0, "the handler never ran");

  /* Byte level: UNSUPPORTED, header-only, and the session stays open. */
  if (!svc_raw_supported()) {
    skip(WRONG_METHOD_RAW_TESTS, "the byte-level client is raw AF_UNIX");
    netipc_client_destroy(c);
    netipc_server_destroy(s);
    return;
  }
  int fd = svc_raw_open(run_dir, svc, 1024, 65536, 1, NULL);
  ok(fd >= 0, "raw client handshake");
  uint8_t payload[64], buf[256];
  size_t len = 0;
  netipc_header rh;
  netipc_increment_encode(1, payload, sizeof payload, &len);
  ok(svc_raw_send(fd, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 0, 1, 77,
                  payload, len) == 0,
     "raw INCREMENT request sent");
  long n = svc_raw_recv(fd, &rh, buf, sizeof buf, UDS_WAIT_MS);
  ok(n == 0 && rh.kind == NETIPC_KIND_RESPONSE &&
         rh.transport_status == NETIPC_STATUS_UNSUPPORTED,
     "answer: empty RESPONSE with UNSUPPORTED (n=%ld status=%u)", n,
     (unsigned)rh.transport_status);
  ok(rh.code == NETIPC_METHOD_INCREMENT && rh.message_id == 77 &&
         rh.item_count == 1 && rh.flags == 0,
     "code and id echoed, item_count 1, flags 0");
  netipc_string_reverse_encode("abc", 3, payload, sizeof payload, &len);
  ok(svc_raw_send(fd, NETIPC_KIND_REQUEST, NETIPC_METHOD_STRING_REVERSE, 0, 1,
                  78, payload, len) == 0,
     "a correct request on the same connection");
  n = svc_raw_recv(fd, &rh, buf, sizeof buf, UDS_WAIT_MS);
  netipc_string_view sv = {NULL, 0};
  ok(n > 0 && rh.transport_status == NETIPC_STATUS_OK &&
         rh.message_id == 78 &&
         netipc_string_reverse_decode(buf + NETIPC_HEADER_LEN, (size_t)n,
                                      &sv) == NETIPC_OK &&
         sv.len == 3 && memcmp(sv.ptr, "cba", 3) == 0,
     "the session stayed open and answers \"cba\"");
  if (fd >= 0)
    svc_raw_close(fd);

  netipc_client_destroy(c);
  netipc_server_destroy(s);
}

/* ---------------------------------------------------------------- */
/* Counting attempts with a scripted server                          */
/* ---------------------------------------------------------------- */

typedef struct raw_case {
  const char *svc;
  svc_raw_mode mode;
  uint16_t status;
  size_t batch;    /* 0: single INCREMENT */
  netipc_err exp1; /* accepted results */
  netipc_err exp2;
  int requests;    /* requests the server must see */
  int conns;       /* sessions it must see */
  netipc_client_state state;
  const char *what;
} raw_case;

static void
run_raw_case(const raw_case *k)
{
  svc_raw_server srv;
  memset(&srv, 0, sizeof srv);
  srv.rsmax = 65536; /* fixed, like a typed server */
  svc_raw_server_start(&srv, run_dir, k->svc, k->mode, k->status);
  netipc_client_config cfg;
  svc_client_config(&cfg, run_dir, k->svc);
  cfg.timeout_ms = 3000;
  cfg.max_request_batch_items = 8;
  netipc_client *c = svc_client_new(&cfg, NETIPC_METHOD_INCREMENT);
  if (!svc_client_connect(c, 5000))
    bail_out("cannot connect to %s", k->svc);
  uint64_t values[8] = {1, 2, 3, 4, 5, 6, 7, 8}, results[8];
  netipc_err err =
      k->batch == 0
          ? netipc_client_increment(c, 10, 0, results)
          : netipc_client_increment_batch(c, values, k->batch, 0, results);
  netipc_client_status st = svc_status(c);
  netipc_client_destroy(c);
  tp_sleep_ms(100); /* let the server see the last EOF */
  svc_raw_server_stop(&srv);
  is_err2(err, k->exp1, k->exp2, "%s: the call's error", k->what);
  is_int(atomic_load(&srv.requests), k->requests,
         "%s: %d request(s) reached the server", k->what, k->requests);
  ok(atomic_load(&srv.conns) == k->conns && st.state == k->state,
     "%s: %d session(s), final state %s (got %d sessions, %s)", k->what,
     k->conns, netipc_client_state_name(k->state),
     atomic_load(&srv.conns), netipc_client_state_name(st.state));
}

static void
test_raw_counts(void)
{
  static const raw_case cases[] = {
      {"retry-raw-internal", SVC_RAW_STATUS, NETIPC_STATUS_INTERNAL_ERROR, 0,
       NETIPC_ERR_REMOTE_STATUS, NETIPC_ERR_REMOTE_STATUS, 2, 2,
       NETIPC_CLIENT_BROKEN, "INTERNAL_ERROR"},
      {"retry-raw-unsupported", SVC_RAW_STATUS, NETIPC_STATUS_UNSUPPORTED, 0,
       NETIPC_ERR_REMOTE_STATUS, NETIPC_ERR_REMOTE_STATUS, 2, 2,
       NETIPC_CLIENT_BROKEN, "UNSUPPORTED"},
      {"retry-raw-envelope", SVC_RAW_STATUS, NETIPC_STATUS_BAD_ENVELOPE, 0,
       NETIPC_ERR_REMOTE_STATUS, NETIPC_ERR_REMOTE_STATUS, 2, 2,
       NETIPC_CLIENT_BROKEN, "BAD_ENVELOPE"},
      {"retry-raw-close", SVC_RAW_CLOSE, 0, 0, NETIPC_ERR_DISCONNECTED,
       NETIPC_ERR_SYSTEM, 2, 2,
       NETIPC_CLIENT_BROKEN, "peer closed"},
      {"retry-raw-code", SVC_RAW_WRONG_CODE, 0, 0, NETIPC_ERR_PROTOCOL,
       NETIPC_ERR_PROTOCOL, 2, 2,
       NETIPC_CLIENT_BROKEN, "code mismatch"},
      {"retry-raw-id", SVC_RAW_WRONG_ID, 0, 0, NETIPC_ERR_UNKNOWN_ID,
       NETIPC_ERR_PROTOCOL, 2, 2,
       NETIPC_CLIENT_BROKEN, "message_id mismatch"},
      /* Upstream echoes BATCH and N in error responses (level2.md 11). */
      {"retry-raw-batch", SVC_RAW_STATUS_BATCH, NETIPC_STATUS_INTERNAL_ERROR,
       3, NETIPC_ERR_REMOTE_STATUS, NETIPC_ERR_REMOTE_STATUS, 2, 2,
       NETIPC_CLIENT_BROKEN, "batch error with BATCH echoed"},
      {"retry-raw-batch-ok", SVC_RAW_STATUS_BATCH, NETIPC_STATUS_OK, 3,
       NETIPC_ERR_TRUNCATED, NETIPC_ERR_PROTOCOL, 2, 2,
       NETIPC_CLIENT_BROKEN,
       "OK batch with an empty payload"},
      {"retry-raw-limit", SVC_RAW_STATUS_BATCH, NETIPC_STATUS_LIMIT_EXCEEDED,
       3, NETIPC_ERR_OVERFLOW, NETIPC_ERR_OVERFLOW, 2, 3,
       NETIPC_CLIENT_BROKEN,
       "LIMIT_EXCEEDED with BATCH echoed"},
      {"retry-raw-ok", SVC_RAW_ANSWER, 0, 0, NETIPC_OK, NETIPC_OK, 1, 1,
       NETIPC_CLIENT_READY, "a correct answer"},
  };
  const size_t n = sizeof cases / sizeof cases[0];
  if (!svc_raw_supported()) {
    skip((int)(n * RAW_CASE_TESTS), "the scripted server is raw AF_UNIX");
    return;
  }
  for (size_t i = 0; i < n; i++)
    run_raw_case(&cases[i]);
}

int
main(void)
{
  svc_alarm();
  tp_rundir_make(run_dir, sizeof run_dir, "l2-retry");
  plan(PLAN);
  test_managed_retry();
  test_wrong_method();
  test_raw_counts();
  is_int(svc_dir_entries(run_dir), 0, "every server cleaned up its files");
  tp_rundir_remove(run_dir);
  return exit_status();
}
