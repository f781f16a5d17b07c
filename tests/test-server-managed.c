/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-server-managed.c - the managed server (level2.md 9, 10): many
 * concurrent clients, batch dispatch in request order, the status table of
 * 9.4 seen byte by byte (handler failure, wrong method code, batch answer
 * over the limit), silent clients that must not block others and are
 * dropped after the handshake timeout, the session limit, drain, destroy
 * from another thread, and SHM (a working SHM session, and recovery of a
 * client whose SHM attach fails, level2.md 8).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netipc/service.h>

#include "service-helpers.h"
#include "service-raw-posix.h"
#include "tap.h"

#define PLAN 89

static char run_dir[64];

static netipc_server *
start_server(const char *svc, uint16_t method, svc_handler *h, uint32_t rq,
             uint32_t rs, uint32_t workers)
{
  netipc_server_config cfg;
  svc_server_config(&cfg, run_dir, svc, method, h);
  cfg.max_request_payload_bytes = rq;
  cfg.max_response_payload_bytes = rs;
  cfg.workers = workers;
  return svc_server_start(&cfg);
}

/* A raw client's session, or bail out: the byte checks need one. */
static int
raw_open_or_bail(const char *dir, const char *svc, uint32_t rq, uint32_t rs,
                 uint32_t batch)
{
  int fd = svc_raw_open(dir, svc, rq, rs, batch, NULL);
  if (fd < 0)
    bail_out("raw client handshake with %s", svc);
  return fd;
}

/* ---------------------------------------------------------------- */
/* Many clients                                                      */
/* ---------------------------------------------------------------- */

#define MC_THREADS 8
#define MC_CALLS 200

typedef struct mc_worker {
  int index;
  int connected;
  int good;      /* calls with the right answer */
  int bad;
  uint32_t call_count;
  svc_task task;
} mc_worker;

static void
mc_main(void *arg)
{
  mc_worker *w = arg;
  netipc_client_config cfg;
  svc_client_config(&cfg, run_dir, "mgd-multi");
  cfg.max_request_batch_items = 4;
  netipc_client *c = svc_client_new(&cfg, NETIPC_METHOD_INCREMENT);
  w->connected = svc_client_connect(c, 5000);
  for (int i = 0; w->connected && i < MC_CALLS; i++) {
    uint64_t base = (uint64_t)w->index * 1000000u + (uint64_t)i * 10u, r = 0;
    if (i % 20 == 19) {
      uint64_t in[4] = {base, base + 1, base + 2, base + 3}, out[4] = {0};
      if (netipc_client_increment_batch(c, in, 4, 0, out) == NETIPC_OK &&
          out[0] == base + 1 && out[1] == base + 2 && out[2] == base + 3 &&
          out[3] == base + 4)
        w->good++;
      else
        w->bad++;
    } else if (netipc_client_increment(c, base, 0, &r) == NETIPC_OK &&
               r == base + 1)
      w->good++;
    else
      w->bad++;
  }
  w->call_count = svc_status(c).call_count;
  netipc_client_destroy(c);
}

static void
test_many_clients(void)
{
  svc_handler h;
  memset(&h, 0, sizeof h);
  netipc_server *s =
      start_server("mgd-multi", NETIPC_METHOD_INCREMENT, &h, 0, 0, 0);
  mc_worker w[MC_THREADS];
  memset(w, 0, sizeof w);
  for (int i = 0; i < MC_THREADS; i++) {
    w[i].index = i;
    svc_task_start(&w[i].task, mc_main, &w[i]);
  }
  int connected = 0, good = 0, bad = 0, counted = 1;
  for (int i = 0; i < MC_THREADS; i++) {
    svc_task_join(&w[i].task, 60000, "a client thread");
    connected += w[i].connected;
    good += w[i].good;
    bad += w[i].bad;
    if (w[i].call_count != MC_CALLS)
      counted = 0;
  }
  is_int(connected, MC_THREADS, "%d concurrent clients connected",
         MC_THREADS);
  is_int(good, MC_THREADS * MC_CALLS, "every one of %d calls was right",
         MC_THREADS * MC_CALLS);
  is_int(bad, 0, "no call failed");
  ok(counted, "every context counted %d calls", MC_CALLS);
  /* 190 single calls and 10 batches of 4 per client. */
  is_uint(atomic_load(&h.calls), MC_THREADS * (190 + 10 * 4),
          "the handler ran once per value");
  ok(svc_wait_sessions(s, 0, 3000), "all sessions ended after the clients");
  netipc_server_destroy(s);
}

/* ---------------------------------------------------------------- */
/* Batches                                                           */
/* ---------------------------------------------------------------- */

static void
test_batches(void)
{
  svc_handler h;
  memset(&h, 0, sizeof h);
  netipc_server *s =
      start_server("mgd-batch", NETIPC_METHOD_INCREMENT, &h, 4096, 4096, 0);
  netipc_client *c =
      svc_connected_client(run_dir, "mgd-batch", NETIPC_METHOD_INCREMENT, 4096, 100);
  uint64_t in[100], out[100];
  for (int i = 0; i < 100; i++) {
    in[i] = (uint64_t)i * 7u + 3u;
    out[i] = 0;
  }
  is_err(netipc_client_increment_batch(c, in, 100, 0, out), NETIPC_OK,
         "a batch of 100 increments");
  int good = 1;
  for (int i = 0; i < 100; i++)
    if (out[i] != in[i] + 1)
      good = 0;
  ok(good, "answers in request order, each value + 1");
  is_uint(atomic_load(&h.calls), 100, "the handler ran once per item");
  is_err(netipc_client_increment_batch(c, in, 0, 0, out), NETIPC_OK,
         "a batch of 0 items");
  is_uint(atomic_load(&h.calls), 100, "made no I/O");
  out[0] = 0;
  ok(netipc_client_increment_batch(c, in + 5, 1, 0, out) == NETIPC_OK &&
         out[0] == in[5] + 1,
     "a batch of 1 item");
  netipc_client_destroy(c);
  netipc_server_destroy(s);

  memset(&h, 0, sizeof h);
  s = start_server("mgd-strbatch", NETIPC_METHOD_STRING_REVERSE, &h, 8192,
                   8192, 0);
  c = svc_connected_client(run_dir, "mgd-strbatch", NETIPC_METHOD_STRING_REVERSE, 8192, 8);
  char longstr[1500];
  tp_fill((uint8_t *)longstr, sizeof longstr, 3);
  netipc_string_view strs[6] = {{"", 0},       {"a", 1},
                                {"hello", 5},  {longstr, sizeof longstr},
                                {"", 0},       {"xy", 2}};
  netipc_string_view res[6];
  memset(res, 0, sizeof res);
  is_err(netipc_client_string_reverse_batch(c, strs, 6, 0, res), NETIPC_OK,
         "a string batch with empty and long strings");
  good = 1;
  for (int i = 0; i < 6; i++) {
    if (res[i].len != strs[i].len || res[i].ptr == NULL ||
        res[i].ptr[res[i].len] != '\0') {
      good = 0;
      continue;
    }
    for (uint32_t k = 0; k < strs[i].len; k++)
      if (res[i].ptr[k] != strs[i].ptr[strs[i].len - 1 - k])
        good = 0;
  }
  ok(good, "every string reversed, in order, NUL-terminated");
  is_uint(atomic_load(&h.calls), 6, "the handler ran once per string");
  netipc_string_view failing[3] = {{"ok", 2}, {SVC_FAIL_STRING, 4}, {"z", 1}};
  is_err(netipc_client_string_reverse_batch(c, failing, 3, 0, res),
         NETIPC_ERR_REMOTE_STATUS, "one failing item fails the whole batch");
  netipc_client_destroy(c);
  netipc_server_destroy(s);
}

/* ---------------------------------------------------------------- */
/* The status table, byte by byte                                    */
/* ---------------------------------------------------------------- */

/* The checks of test_raw_statuses and test_silent_clients; of the part
 * of test_drain_destroy after the first drain. */
#define RAW_STATUS_TESTS 17
#define SILENT_CLIENT_TESTS 7
#define DRAIN_RAW_TESTS 15

static void
test_raw_statuses(void)
{
  if (!svc_raw_supported()) {
    skip(RAW_STATUS_TESTS, "the byte-level clients are raw AF_UNIX");
    return;
  }
  const char *svc = "mgd-raw";
  svc_handler h;
  memset(&h, 0, sizeof h);
  netipc_server *s =
      start_server(svc, NETIPC_METHOD_INCREMENT, &h, 4096, 1024, 0);
  uint8_t p[2048], buf[4096];
  size_t len = 0;
  netipc_header rh;
  long n;

  /* A good request, then a handler failure: INTERNAL_ERROR, then EOF. */
  netipc_hello_ack ack;
  int fd = svc_raw_open(run_dir, svc, 1024, 1024, 1, &ack);
  ok(fd >= 0 && ack.agreed_max_response_payload_bytes == 1024,
     "raw handshake (agreed response limit 1024)");
  netipc_increment_encode(41, p, sizeof p, &len);
  svc_raw_send(fd, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 0, 1, 1, p,
               len);
  n = svc_raw_recv(fd, &rh, buf, sizeof buf, UDS_WAIT_MS);
  uint64_t v = 0;
  ok(n == 8 && rh.transport_status == NETIPC_STATUS_OK &&
         rh.message_id == 1 && rh.item_count == 1 && rh.flags == 0 &&
         netipc_increment_decode(buf + 32, 8, &v) == NETIPC_OK && v == 42,
     "OK answer 42");
  netipc_increment_encode(SVC_FAIL_VALUE, p, sizeof p, &len);
  svc_raw_send(fd, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 0, 1, 2, p,
               len);
  n = svc_raw_recv(fd, &rh, buf, sizeof buf, UDS_WAIT_MS);
  ok(n == 0 && rh.kind == NETIPC_KIND_RESPONSE &&
         rh.transport_status == NETIPC_STATUS_INTERNAL_ERROR &&
         rh.message_id == 2 && rh.code == NETIPC_METHOD_INCREMENT,
     "handler failure: empty RESPONSE with INTERNAL_ERROR (n=%ld)", n);
  ok(uds_raw_wait_eof(fd, UDS_WAIT_MS), "then the server closes the session");
  svc_raw_close(fd);

  /* Wrong method code, single and batch: UNSUPPORTED, session stays. */
  fd = raw_open_or_bail(run_dir, svc, 1024, 1024, 4);
  unsigned before = atomic_load(&h.calls);
  netipc_string_reverse_encode("abc", 3, p, sizeof p, &len);
  svc_raw_send(fd, NETIPC_KIND_REQUEST, NETIPC_METHOD_STRING_REVERSE, 0, 1, 9,
               p, len);
  n = svc_raw_recv(fd, &rh, buf, sizeof buf, UDS_WAIT_MS);
  ok(n == 0 && rh.transport_status == NETIPC_STATUS_UNSUPPORTED &&
         rh.code == NETIPC_METHOD_STRING_REVERSE && rh.message_id == 9 &&
         rh.item_count == 1 && rh.flags == 0,
     "wrong method code: empty UNSUPPORTED, code and id echoed");
  netipc_batch_builder b;
  uint32_t plen = 0, items = 0;
  netipc_batch_builder_init(&b, p, sizeof p, 2);
  uint8_t item[8];
  netipc_increment_encode(1, item, sizeof item, &len);
  netipc_batch_builder_add(&b, item, len);
  netipc_batch_builder_add(&b, item, len);
  netipc_batch_builder_finish(&b, &plen, &items);
  svc_raw_send(fd, NETIPC_KIND_REQUEST, NETIPC_METHOD_CGROUPS_SNAPSHOT,
               NETIPC_FLAG_BATCH, 2, 10, p, plen);
  n = svc_raw_recv(fd, &rh, buf, sizeof buf, UDS_WAIT_MS);
  ok(n == 0 && rh.transport_status == NETIPC_STATUS_UNSUPPORTED &&
         rh.message_id == 10 && rh.item_count == 1 && rh.flags == 0,
     "wrong code on a batch: UNSUPPORTED with item_count 1, flags 0");
  netipc_increment_encode(99, p, sizeof p, &len);
  svc_raw_send(fd, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 0, 1, 11, p,
               len);
  n = svc_raw_recv(fd, &rh, buf, sizeof buf, UDS_WAIT_MS);
  ok(n == 8 && rh.transport_status == NETIPC_STATUS_OK &&
         rh.message_id == 11 &&
         netipc_increment_decode(buf + 32, 8, &v) == NETIPC_OK && v == 100,
     "the session stayed open: the next request is answered");
  is_uint(atomic_load(&h.calls), before + 1,
          "the handler never saw the wrong codes");

  /* A malformed payload: BAD_ENVELOPE, then EOF. */
  svc_raw_send(fd, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 0, 1, 12, p,
               3);
  n = svc_raw_recv(fd, &rh, buf, sizeof buf, UDS_WAIT_MS);
  ok(n == 0 && rh.transport_status == NETIPC_STATUS_BAD_ENVELOPE &&
         rh.message_id == 12,
     "a 3-byte INCREMENT payload: BAD_ENVELOPE");
  ok(uds_raw_wait_eof(fd, UDS_WAIT_MS), "then the session closes");
  svc_raw_close(fd);

  /* A batch whose answers exceed the response limit: LIMIT_EXCEEDED. */
  fd = raw_open_or_bail(run_dir, svc, 4096, 1024, 100);
  netipc_batch_builder_init(&b, p, sizeof p, 100);
  for (int i = 0; i < 100; i++) {
    netipc_increment_encode((uint64_t)i, item, sizeof item, &len);
    netipc_batch_builder_add(&b, item, len);
  }
  is_err(netipc_batch_builder_finish(&b, &plen, &items), NETIPC_OK,
         "a 100-item request (%u bytes)", plen);
  svc_raw_send(fd, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT,
               NETIPC_FLAG_BATCH, 100, 13, p, plen);
  n = svc_raw_recv(fd, &rh, buf, sizeof buf, UDS_WAIT_MS);
  ok(n == 0 && rh.transport_status == NETIPC_STATUS_LIMIT_EXCEEDED &&
         rh.message_id == 13,
     "1600 bytes of answers over 1024: LIMIT_EXCEEDED, empty");
  ok(uds_raw_wait_eof(fd, UDS_WAIT_MS), "then the session closes");
  svc_raw_close(fd);

  /* A request over the agreed request limit: LIMIT_EXCEEDED, EOF. */
  fd = raw_open_or_bail(run_dir, svc, 1024, 1024, 1);
  memset(p, 'x', 1500);
  svc_raw_send(fd, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 0, 1, 14, p,
               1500);
  n = svc_raw_recv(fd, &rh, buf, sizeof buf, UDS_WAIT_MS);
  ok(n == 0 && rh.transport_status == NETIPC_STATUS_LIMIT_EXCEEDED &&
         rh.message_id == 14 && rh.item_count == 1 && rh.flags == 0,
     "1500 bytes over an agreed 1024: header-only LIMIT_EXCEEDED");
  ok(uds_raw_wait_eof(fd, UDS_WAIT_MS), "then the session closes");
  svc_raw_close(fd);

  /* A message that is not a REQUEST: closed without a reply. */
  fd = raw_open_or_bail(run_dir, svc, 1024, 1024, 1);
  netipc_increment_encode(5, p, sizeof p, &len);
  svc_raw_send(fd, NETIPC_KIND_RESPONSE, NETIPC_METHOD_INCREMENT, 0, 1, 15, p,
               len);
  ok(uds_raw_wait_eof(fd, UDS_WAIT_MS), "a RESPONSE from a client: EOF, no reply");
  svc_raw_close(fd);

  ok(svc_wait_sessions(s, 0, 3000), "no session left behind");
  netipc_server_destroy(s);
}

/* ---------------------------------------------------------------- */
/* Silent clients and the session limit                              */
/* ---------------------------------------------------------------- */

static void
test_silent_clients(void)
{
  if (!svc_raw_supported()) {
    skip(SILENT_CLIENT_TESTS, "the silent clients are raw AF_UNIX");
    return;
  }
  const char *svc = "mgd-silent";
  svc_handler h;
  memset(&h, 0, sizeof h);
  netipc_server_config cfg;
  svc_server_config(&cfg, run_dir, svc, NETIPC_METHOD_INCREMENT, &h);
  cfg.handshake_timeout_ms = 1000;
  netipc_server *s = svc_server_start(&cfg);

  uint64_t t0 = tp_now_ms();
  int silent[3];
  for (int i = 0; i < 3; i++)
    silent[i] = uds_raw_connect(run_dir, svc);
  ok(silent[0] >= 0 && silent[1] >= 0 && silent[2] >= 0,
     "three silent clients connected");

  netipc_client *c = svc_connected_client(run_dir, svc, NETIPC_METHOD_INCREMENT, 0, 0);
  int good = 1;
  for (uint64_t i = 0; i < 20; i++) {
    uint64_t r = 0;
    if (netipc_client_increment(c, i, 0, &r) != NETIPC_OK || r != i + 1)
      good = 0;
  }
  uint64_t busy = tp_now_ms() - t0;
  int none_dropped = 1;
  for (int i = 0; i < 3; i++)
    if (uds_readable(silent[i], 0))
      none_dropped = 0;
  ok(good, "another client connected and made 20 calls meanwhile");
  ok(none_dropped && busy < 1000,
     "... before the silent ones were dropped (%llu ms)",
     (unsigned long long)busy);

  int dropped = 1;
  for (int i = 0; i < 3; i++)
    if (!uds_raw_wait_eof(silent[i], 5000))
      dropped = 0;
  uint64_t after = tp_now_ms() - t0;
  ok(dropped, "the silent clients were dropped");
  ok(after >= 900 && after < 4000,
     "after the 1000 ms handshake timeout (%llu ms)",
     (unsigned long long)after);
  for (int i = 0; i < 3; i++)
    svc_raw_close(silent[i]);
  ok(svc_wait_sessions(s, 1, 3000), "only the real client's session is left");
  uint64_t r = 0;
  ok(netipc_client_increment(c, 7, 0, &r) == NETIPC_OK && r == 8,
     "the real client still works");
  netipc_client_destroy(c);
  netipc_server_destroy(s);
}

static void
test_session_limit(void)
{
  const char *svc = "mgd-limit";
  svc_handler h;
  memset(&h, 0, sizeof h);
  netipc_server *s = start_server(svc, NETIPC_METHOD_INCREMENT, &h, 0, 0, 2);
  netipc_client *c1 = svc_connected_client(run_dir, svc, NETIPC_METHOD_INCREMENT, 0, 0);
  netipc_client *c2 = svc_connected_client(run_dir, svc, NETIPC_METHOD_INCREMENT, 0, 0);
  uint64_t r1 = 0, r2 = 0, r3 = 0;
  ok(netipc_client_increment(c1, 1, 0, &r1) == NETIPC_OK &&
         netipc_client_increment(c2, 2, 0, &r2) == NETIPC_OK && r1 == 2 &&
         r2 == 3,
     "two clients fill the 2 sessions");
  ok(svc_wait_sessions(s, 2, 2000), "2 live sessions");

  netipc_client_config cfg;
  svc_client_config(&cfg, run_dir, svc);
  netipc_client *c3 = svc_client_new(&cfg, NETIPC_METHOD_INCREMENT);
  ok(netipc_client_refresh(c3) && netipc_client_ready(c3),
     "a third client completes the handshake (READY)");
  netipc_err err = netipc_client_increment(c3, 3, 0, &r3);
  ok(err != NETIPC_OK, "but its call fails (%s)", netipc_err_name(err));
  is_int(svc_state(c3), NETIPC_CLIENT_BROKEN, "the third client is BROKEN");
  is_uint(atomic_load(&h.calls), 2, "its request never reached a handler");

  if (svc_raw_supported()) {
    int raw = svc_raw_open(run_dir, svc, 1024, 1024, 1, NULL);
    ok(raw >= 0 && uds_raw_wait_eof(raw, UDS_WAIT_MS),
       "a raw third connection: HELLO_ACK, then closed");
    if (raw >= 0)
      svc_raw_close(raw);
  } else {
    skip(1, "the raw third connection is raw AF_UNIX");
  }
  ok(netipc_client_increment(c1, 10, 0, &r1) == NETIPC_OK &&
         netipc_client_increment(c2, 20, 0, &r2) == NETIPC_OK && r1 == 11 &&
         r2 == 21,
     "the first two keep working");

  netipc_client_destroy(c2);
  ok(svc_wait_sessions(s, 1, 3000), "a session ends when its client leaves");
  ok(netipc_client_refresh(c3) &&
         netipc_client_increment(c3, 30, 0, &r3) == NETIPC_OK && r3 == 31,
     "then the third client gets the free session");
  netipc_client_destroy(c1);
  netipc_client_destroy(c3);
  netipc_server_destroy(s);
}

/* ---------------------------------------------------------------- */
/* Drain and destroy                                                 */
/* ---------------------------------------------------------------- */

typedef struct drainer {
  netipc_server *s;
  uint32_t timeout_ms;
  bool result;
  uint64_t elapsed_ms;
} drainer;

static void
drain_main(void *arg)
{
  drainer *d = arg;
  uint64_t t0 = tp_now_ms();
  d->result = netipc_server_drain(d->s, d->timeout_ms);
  d->elapsed_ms = tp_now_ms() - t0;
}

static void
destroy_main(void *arg)
{
  netipc_server_destroy(arg);
}

typedef struct slow_caller {
  netipc_client *c;
  netipc_err err;
} slow_caller;

static void
slow_main(void *arg)
{
  slow_caller *sc = arg;
  uint64_t r;
  sc->err = netipc_client_increment(sc->c, SVC_SLEEP_VALUE, 0, &r);
}

static void
test_drain_destroy(void)
{
  const char *svc = "mgd-drain";
  svc_handler h;
  memset(&h, 0, sizeof h);
  netipc_server *s = start_server(svc, NETIPC_METHOD_INCREMENT, &h, 0, 0, 0);
  netipc_client *c1 = svc_connected_client(run_dir, svc, NETIPC_METHOD_INCREMENT, 0, 0);
  netipc_client *c2 = svc_connected_client(run_dir, svc, NETIPC_METHOD_INCREMENT, 0, 0);
  uint64_t r = 0;
  ok(netipc_client_increment(c1, 1, 0, &r) == NETIPC_OK &&
         netipc_client_increment(c2, 1, 0, &r) == NETIPC_OK,
     "two idle clients connected");

  drainer d = {s, 5000, false, 0};
  svc_task task;
  svc_task_start(&task, drain_main, &d);
  tp_sleep_ms(300);
  ok(!svc_task_done(&task), "drain waits for the idle sessions");
  netipc_client_destroy(c1);
  netipc_client_destroy(c2);
  svc_task_join(&task, 5000, "drain");
  ok(d.result, "drain returns true when the clients leave in time");
  ok(d.elapsed_ms >= 250 && d.elapsed_ms < 2000,
     "after the clients left (%llu ms)", (unsigned long long)d.elapsed_ms);
  is_int(netipc_server_sessions(s), 0, "no live session after drain");
  netipc_server_destroy(s);
  ok(!svc_sock_exists(run_dir, svc), "destroy removed the socket file");

  if (!svc_raw_supported()) {
    skip(DRAIN_RAW_TESTS, "the idle and silent peers are raw AF_UNIX");
    return;
  }
  /* Drain with a client that stays: false after the timeout. */
  s = start_server(svc, NETIPC_METHOD_INCREMENT, &h, 0, 0, 0);
  int stays = svc_raw_open(run_dir, svc, 1024, 1024, 1, NULL);
  ok(stays >= 0 && svc_wait_sessions(s, 1, 2000),
     "a client that will not leave");
  d.s = s;
  d.timeout_ms = 300;
  svc_task_start(&task, drain_main, &d);
  svc_task_join(&task, 5000, "drain with a client that stays");
  ok(!d.result, "drain returns false when a session outlives the timeout");
  ok(d.elapsed_ms >= 250 && d.elapsed_ms < 2000,
     "after about the timeout (%llu ms)", (unsigned long long)d.elapsed_ms);
  is_int(netipc_server_sessions(s), 0, "the remaining session was ended");
  ok(stays >= 0 && uds_raw_wait_eof(stays, UDS_WAIT_MS),
     "its connection was shut down");
  if (stays >= 0)
    svc_raw_close(stays);
  netipc_server_destroy(s);

  /* Drain while a connection is still in its handshake: the listener that
   * handshake reads stays until it is over, and its HELLO is answered. */
  s = start_server(svc, NETIPC_METHOD_INCREMENT, &h, 0, 0, 0);
  int late = uds_raw_connect(run_dir, svc);
  ok(late >= 0 && svc_wait_sessions(s, 1, 2000),
     "a connection in its handshake");
  d.s = s;
  d.timeout_ms = 5000;
  svc_task_start(&task, drain_main, &d);
  tp_sleep_ms(200);
  netipc_hello hello;
  memset(&hello, 0, sizeof hello);
  hello.layout_version = NETIPC_LAYOUT_VERSION;
  hello.supported_profiles = NETIPC_PROFILE_BASELINE;
  hello.max_request_payload_bytes = 1024;
  hello.max_request_batch_items = 1;
  hello.max_response_payload_bytes = 1024;
  hello.max_response_batch_items = 1;
  hello.packet_size = NETIPC_PACKET_SIZE_FALLBACK;
  hello.auth_token = SVC_TOKEN + 1; /* rejected: the status is observable */
  uint8_t msg[NETIPC_HELLO_ACK_MSG_LEN + NETIPC_HELLO_MSG_LEN];
  netipc_hello_message_encode(&hello, msg, sizeof msg);
  int sent = late >= 0 ? uds_raw_send(late, msg, NETIPC_HELLO_MSG_LEN) : -1;
  long got = sent == 0 ? uds_raw_recv(late, msg, sizeof msg, UDS_WAIT_MS)
                          : -1;
  netipc_header ack;
  ok(got == (long)NETIPC_HELLO_ACK_MSG_LEN &&
         netipc_header_decode(msg, (size_t)got, &ack) == NETIPC_OK &&
         ack.transport_status == NETIPC_STATUS_AUTH_FAILED,
     "its HELLO is still answered during the drain (AUTH_FAILED)");
  svc_task_join(&task, 10000, "drain with a handshake in progress");
  ok(d.result, "drain then completes cleanly");
  if (late >= 0)
    svc_raw_close(late);
  netipc_server_destroy(s);

  /* Destroy from another thread with clients connected and busy. */
  s = start_server(svc, NETIPC_METHOD_INCREMENT, &h, 0, 0, 0);
  netipc_client *cs[3];
  int good = 1;
  for (int i = 0; i < 3; i++) {
    cs[i] = svc_connected_client(run_dir, svc, NETIPC_METHOD_INCREMENT, 0, 0);
    if (netipc_client_increment(cs[i], 5, 0, &r) != NETIPC_OK)
      good = 0;
  }
  int silent = uds_raw_connect(run_dir, svc);
  ok(good && silent >= 0, "3 clients and a silent one connected");
  atomic_store(&h.sleep_ms, 300);
  unsigned before = atomic_load(&h.calls);
  slow_caller sc = {svc_connected_client(run_dir, svc, NETIPC_METHOD_INCREMENT, 0, 0),
                    NETIPC_OK};
  svc_task slow;
  svc_task_start(&slow, slow_main, &sc);
  ok(svc_wait_count(&h.calls, before + 1, 5000), "a handler is running");
  uint64_t t0 = tp_now_ms();
  svc_task_start(&task, destroy_main, s);
  svc_task_join(&task, 5000, "destroy from another thread");
  uint64_t took = tp_now_ms() - t0;
  svc_task_join(&slow, 15000, "the slow call");
  ok(took < 3000, "destroy from another thread returned (%llu ms)",
     (unsigned long long)took);
  is_uint(atomic_load(&h.finished), atomic_load(&h.calls),
          "the running handler finished before destroy returned");
  ok(!svc_sock_exists(run_dir, svc), "the socket file is gone");
  ok(silent >= 0 && uds_raw_wait_eof(silent, UDS_WAIT_MS),
     "the silent connection was closed");
  if (silent >= 0)
    svc_raw_close(silent);
  good = 1;
  for (int i = 0; i < 3; i++) {
    if (netipc_client_increment(cs[i], 5, 0, &r) == NETIPC_OK ||
        svc_state(cs[i]) != NETIPC_CLIENT_NOT_FOUND)
      good = 0;
    netipc_client_destroy(cs[i]);
  }
  ok(good, "the clients' next calls fail and leave NOT_FOUND");
  diag("the call in flight during destroy returned %s",
       netipc_err_name(sc.err));
  netipc_client_destroy(sc.c);
}

/* ---------------------------------------------------------------- */
/* SHM                                                               */
/* ---------------------------------------------------------------- */

#define SHM_TESTS 17

typedef struct refresher {
  netipc_client *c;
  bool changed;
  uint64_t elapsed_ms;
} refresher;

static void
refresh_main(void *arg)
{
  refresher *r = arg;
  uint64_t t0 = tp_now_ms();
  r->changed = netipc_client_refresh(r->c);
  r->elapsed_ms = tp_now_ms() - t0;
}

static void
test_shm(void)
{
  const uint32_t both = NETIPC_PROFILE_BASELINE | NETIPC_PROFILE_SHM_HYBRID;
  svc_handler h;
  memset(&h, 0, sizeof h);
  netipc_server_config scfg;
  svc_server_config(&scfg, run_dir, "mgd-shm", NETIPC_METHOD_INCREMENT, &h);
  scfg.supported_profiles = both;
  scfg.preferred_profiles = NETIPC_PROFILE_SHM_HYBRID;
  netipc_server *s = svc_server_start(&scfg);
  netipc_client_config cfg;
  svc_client_config(&cfg, run_dir, "mgd-shm");
  cfg.supported_profiles = both;
  cfg.preferred_profiles = NETIPC_PROFILE_SHM_HYBRID;
  cfg.max_request_batch_items = 8;
  cfg.file_shm = true; /* the region is checked by its file */
  netipc_client *c = svc_client_new(&cfg, NETIPC_METHOD_INCREMENT);
  ok(netipc_client_refresh(c) && netipc_client_ready(c),
     "SHM client connects");
  netipc_client_status st = svc_status(c);
  is_uint(st.session.selected_profile, NETIPC_PROFILE_SHM_HYBRID,
          "SHM_HYBRID selected");
  const uint64_t sid = st.session.session_id;
  ok(tp_shm_regions(run_dir, "mgd-shm", NETIPC_PROFILE_SHM_HYBRID, sid) == 1,
     "the session's region exists");
  int good = 1;
  for (uint64_t i = 0; i < 100; i++) {
    uint64_t r = 0;
    if (netipc_client_increment(c, i, 0, &r) != NETIPC_OK || r != i + 1)
      good = 0;
  }
  ok(good, "100 calls over SHM");
  uint64_t in[8] = {10, 20, 30, 40, 50, 60, 70, 80}, out[8] = {0};
  ok(netipc_client_increment_batch(c, in, 8, 0, out) == NETIPC_OK &&
         out[0] == 11 && out[7] == 81,
     "a batch over SHM");
  netipc_client_close(c);
  ok(svc_wait_sessions(s, 0, 3000), "the session ends when the client closes");
  is_int(tp_shm_regions(run_dir, "mgd-shm", NETIPC_PROFILE_SHM_HYBRID, sid), 0,
         "and its region is removed");
  netipc_client_destroy(c);
  netipc_server_destroy(s);

  /* An SHM profile selected, but no region: drop SHM, go on over UDS. */
  svc_raw_server srv;
  memset(&srv, 0, sizeof srv);
  srv.select = NETIPC_PROFILE_SHM_HYBRID;
  svc_raw_server_start(&srv, run_dir, "mgd-shmfail", SVC_RAW_ANSWER, 0);
  svc_client_config(&cfg, run_dir, "mgd-shmfail");
  cfg.supported_profiles = both;
  cfg.preferred_profiles = NETIPC_PROFILE_SHM_HYBRID;
  c = svc_client_new(&cfg, NETIPC_METHOD_INCREMENT);
  refresher rf = {c, false, 0};
  svc_task task;
  svc_task_start(&task, refresh_main, &rf);
  svc_task_join(&task, 30000, "refresh with a failing SHM attach");
  ok(rf.changed && netipc_client_ready(c),
     "refresh ends READY after the attach failed");
  ok(rf.elapsed_ms >= 4500 && rf.elapsed_ms < 15000,
     "after the ~5 s attach retry (%llu ms)",
     (unsigned long long)rf.elapsed_ms);
  st = svc_status(c);
  ok(st.supported_profiles == NETIPC_PROFILE_BASELINE &&
         st.session.selected_profile == NETIPC_PROFILE_BASELINE,
     "SHM dropped from the context; the session is baseline");
  is_uint(st.connect_count, 1, "one connect counted");
  uint64_t r = 0;
  ok(netipc_client_increment(c, 41, 0, &r) == NETIPC_OK && r == 42,
     "calls work over UDS");
  netipc_client_close(c);
  ok(netipc_client_refresh(c) && netipc_client_ready(c),
     "reconnect after close");
  netipc_client_destroy(c);
  tp_sleep_ms(100);
  svc_raw_server_stop(&srv);
  is_int(atomic_load(&srv.conns), 3, "three connections in all");
  ok(srv.hellos[0].supported_profiles == both &&
         srv.hellos[0].preferred_profiles == NETIPC_PROFILE_SHM_HYBRID,
     "the first HELLO offered SHM");
  ok(srv.hellos[1].supported_profiles == NETIPC_PROFILE_BASELINE &&
         srv.hellos[1].preferred_profiles == 0,
     "the immediate reconnect offered the baseline only");
  ok(srv.hellos[2].supported_profiles == NETIPC_PROFILE_BASELINE,
     "and so did the one after close (for the context's life)");
}

int
main(void)
{
  svc_alarm();
  tp_rundir_make(run_dir, sizeof run_dir, "l2-mgd");
  plan(PLAN);
  test_many_clients();
  test_batches();
  test_raw_statuses();
  test_silent_clients();
  test_session_limit();
  test_drain_destroy();
  if (tp_shm_built())
    test_shm();
  else
    skip(SHM_TESTS, "SHM transport not built");
  is_int(svc_dir_entries(run_dir), 0, "every server cleaned up its files");
  tp_rundir_remove(run_dir);
  return exit_status();
}
