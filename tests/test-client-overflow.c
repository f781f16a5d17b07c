/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-client-overflow.c - overflow detection and growth end to end
 * (level2.md 6): a large snapshot within the server's limit, a snapshot
 * that cannot fit (two attempts, 6.4's example), growth rounds against a
 * server that follows the proposal (powers of two, the 1 MiB cap, at most
 * 8 attempts), requests larger than the agreed limit (proposal growth,
 * handshake rejection), and batch limits on both sides.
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

#define PLAN 54
/* The checks of one growth_rounds call. */
#define GROWTH_ROUND_TESTS 5

#define MIB 1048576u
#define CG_ITEMS 800u
#define CG_NAME 100u
#define CG_PATH 100u

static char run_dir[64];

/* ---------------------------------------------------------------- */
/* Response overflow with typed servers                              */
/* ---------------------------------------------------------------- */

static void
test_snapshot_fits(void)
{
  const char *svc = "ovf-big";
  svc_handler h;
  memset(&h, 0, sizeof h);
  atomic_store(&h.cg_items, CG_ITEMS);
  atomic_store(&h.cg_name_len, CG_NAME);
  atomic_store(&h.cg_path_len, CG_PATH);
  atomic_store(&h.cg_generation, 42);
  netipc_server_config scfg;
  svc_server_config(&scfg, run_dir, svc, NETIPC_METHOD_CGROUPS_SNAPSHOT, &h);
  scfg.max_response_payload_bytes = MIB;
  netipc_server *s = svc_server_start(&scfg);
  netipc_client *c =
      svc_connected_client(run_dir, svc, NETIPC_METHOD_CGROUPS_SNAPSHOT, 0, 0);

  netipc_client_status st = svc_status(c);
  ok(st.session.max_response_payload_bytes == MIB &&
         st.response_proposal == 65536,
     "agreed response limit is the server's 1 MiB (proposal 65536)");
  netipc_cgroups_view v;
  memset(&v, 0, sizeof v);
  is_err(netipc_client_cgroups_snapshot(c, 0, &v), NETIPC_OK,
         "a ~200 KiB snapshot arrives at once");
  ok(v.payload_len > 150000 && v.payload_len < MIB,
     "payload is %zu bytes (chunked on the socket)", v.payload_len);
  ok(v.item_count == CG_ITEMS && v.generation == 42 &&
         v.systemd_enabled == 1,
     "header: %u items, generation 42, systemd_enabled 1", v.item_count);
  uint32_t bad = 0;
  is_err(netipc_cgroups_view_validate(&v, &bad), NETIPC_OK,
         "every item validates");
  int good = 1;
  for (uint32_t i = 0; i < v.item_count; i++)
    if (!svc_cg_item_ok(&v, i, CG_NAME, CG_PATH))
      good = 0;
  ok(good, "every item carries the handler's values");
  st = svc_status(c);
  ok(st.call_count == 1 && st.reconnect_count == 0 && st.error_count == 0,
     "one call, no reconnect");
  is_uint(atomic_load(&h.calls), 1, "the handler ran once");

  atomic_store(&h.cg_generation, 43);
  is_err(netipc_client_cgroups_snapshot(c, 0, &v), NETIPC_OK,
         "a second snapshot on the same context");
  ok(v.generation == 43 && v.item_count == CG_ITEMS &&
         svc_cg_item_ok(&v, CG_ITEMS - 1, CG_NAME, CG_PATH),
     "the view shows the new snapshot");
  netipc_client_destroy(c);
  netipc_server_destroy(s);
}

static void
test_snapshot_too_big(void)
{
  const char *svc = "ovf-small";
  svc_handler h;
  memset(&h, 0, sizeof h);
  atomic_store(&h.cg_items, CG_ITEMS);
  atomic_store(&h.cg_name_len, CG_NAME);
  atomic_store(&h.cg_path_len, CG_PATH);
  netipc_server_config scfg;
  svc_server_config(&scfg, run_dir, svc, NETIPC_METHOD_CGROUPS_SNAPSHOT, &h);
  netipc_server *s = svc_server_start(&scfg); /* response limit 64 KiB */
  netipc_client *c =
      svc_connected_client(run_dir, svc, NETIPC_METHOD_CGROUPS_SNAPSHOT, 0, 0);

  netipc_cgroups_view v;
  is_err(netipc_client_cgroups_snapshot(c, 0, &v), NETIPC_ERR_OVERFLOW,
         "a snapshot over a fixed 64 KiB limit: OVERFLOW");
  svc_wait_count(&h.finished, 2, 2000);
  tp_sleep_ms(100);
  is_uint(atomic_load(&h.calls), 2,
          "two attempts (the proposal grew once)");
  netipc_client_status st = svc_status(c);
  is_uint(st.response_proposal, 131072,
          "response proposal grew to next_pow2(2 x 65536)");
  ok(st.state == NETIPC_CLIENT_BROKEN && st.error_count == 1 &&
         st.call_count == 0,
     "BROKEN, one error");
  is_uint(st.reconnect_count, 2, "reconnected after each overflow");

  atomic_store(&h.cg_items, 10);
  ok(netipc_client_refresh(c) && netipc_client_ready(c),
     "refresh after the overflow");
  st = svc_status(c);
  is_uint(st.session.max_response_payload_bytes, 65536,
          "the server still agrees 64 KiB (its fixed limit)");
  is_err(netipc_client_cgroups_snapshot(c, 0, &v), NETIPC_OK,
         "a small snapshot works");
  ok(v.item_count == 10 && svc_cg_item_ok(&v, 9, CG_NAME, CG_PATH),
     "with 10 correct items");
  netipc_client_destroy(c);
  netipc_server_destroy(s);
}

/* ---------------------------------------------------------------- */
/* Growth rounds against a server that agrees to the proposal        */
/* ---------------------------------------------------------------- */

static void
growth_rounds(const char *svc, uint32_t start, int attempts,
              const uint32_t *expect, int nexpect)
{
  if (!svc_raw_supported()) {
    skip(GROWTH_ROUND_TESTS, "the scripted server is raw AF_UNIX");
    return;
  }
  svc_raw_server srv;
  memset(&srv, 0, sizeof srv);
  svc_raw_server_start(&srv, run_dir, svc, SVC_RAW_STATUS,
                       NETIPC_STATUS_LIMIT_EXCEEDED);
  netipc_client_config cfg;
  svc_client_config(&cfg, run_dir, svc);
  cfg.max_response_payload_bytes = start;
  netipc_client *c = svc_client_new(&cfg, NETIPC_METHOD_INCREMENT);
  if (!svc_client_connect(c, 5000))
    bail_out("cannot connect to %s", svc);
  uint64_t r;
  netipc_err err = netipc_client_increment(c, 1, 0, &r);
  netipc_client_status st = svc_status(c);
  netipc_client_destroy(c);
  tp_sleep_ms(100);
  svc_raw_server_stop(&srv);

  is_err(err, NETIPC_ERR_OVERFLOW, "%s: OVERFLOW in the end", svc);
  is_int(atomic_load(&srv.requests), attempts, "%s: %d attempts", svc,
         attempts);
  is_int(atomic_load(&srv.conns), nexpect, "%s: %d sessions", svc, nexpect);
  int good = atomic_load(&srv.conns) == nexpect;
  for (int i = 0; good && i < nexpect; i++)
    if (srv.hellos[i].max_response_payload_bytes != expect[i]) {
      diag("session %d proposed %u, expected %u", i,
           srv.hellos[i].max_response_payload_bytes, expect[i]);
      good = 0;
    }
  ok(good, "%s: response proposals double in powers of two", svc);
  ok(st.state == NETIPC_CLIENT_BROKEN && st.error_count == 1 &&
         st.response_proposal == expect[nexpect - 1],
     "%s: BROKEN, one error, proposal %u", svc, expect[nexpect - 1]);
}

static void
test_growth_rounds(void)
{
  /* From 16: every round grows; the 8th overflow ends the call. */
  static const uint32_t from16[] = {16, 32, 64, 128, 256, 512, 1024, 2048,
                                    4096};
  growth_rounds("ovf-rounds", 16, 8, from16, 9);
  /* From 64 KiB: capped at 1 MiB, then nothing grows. */
  static const uint32_t from64k[] = {65536, 131072, 262144, 524288, MIB, MIB};
  growth_rounds("ovf-cap", 65536, 5, from64k, 6);
}

/* ---------------------------------------------------------------- */
/* Requests larger than the agreed limit (6.3)                       */
/* ---------------------------------------------------------------- */

static void
test_request_growth(void)
{
  size_t big = 3000;
  char *text = malloc(2 * MIB), *rev = malloc(big);
  if (text == NULL || rev == NULL)
    bail_out("out of memory");
  tp_fill((uint8_t *)text, 2 * MIB, 7);
  for (size_t i = 0; i < big; i++)
    rev[i] = text[big - 1 - i];

  /* Server request limit 8192: the proposal grows to 4096, then fits. */
  svc_handler h;
  memset(&h, 0, sizeof h);
  netipc_server_config scfg;
  svc_server_config(&scfg, run_dir, "ovf-req", NETIPC_METHOD_STRING_REVERSE,
                    &h);
  scfg.max_request_payload_bytes = 8192;
  netipc_server *s = svc_server_start(&scfg);
  netipc_client *c =
      svc_connected_client(run_dir, "ovf-req", NETIPC_METHOD_STRING_REVERSE, 0, 0);
  netipc_client_status st = svc_status(c);
  ok(st.request_proposal == 1024 &&
         st.session.max_request_payload_bytes == 1024,
     "request proposal and agreed limit start at 1024");
  netipc_string_view out = {NULL, 0};
  is_err(netipc_client_string_reverse(c, text, big, 0, &out), NETIPC_OK,
         "a 3000-byte string over the agreed 1024 still succeeds");
  ok(out.len == big && out.ptr != NULL && memcmp(out.ptr, rev, big) == 0 &&
         out.ptr[big] == '\0',
     "and is reversed");
  st = svc_status(c);
  ok(st.request_proposal == 4096 &&
         st.session.max_request_payload_bytes == 4096,
     "proposal grew to next_pow2(3009) = 4096 and was agreed");
  ok(st.reconnect_count == 1 && st.call_count == 1 && st.error_count == 0,
     "one reconnect, one call, no error");
  is_uint(atomic_load(&h.calls), 1,
          "the oversized request was never sent: the handler ran once");
  netipc_client_destroy(c);

  /* Over the 1 MiB growth cap: never sent. */
  scfg.max_request_payload_bytes = 2 * MIB;
  scfg.max_response_payload_bytes = 2 * MIB;
  netipc_server_destroy(s);
  scfg.service_name = "ovf-req-cap";
  s = svc_server_start(&scfg);
  c = svc_connected_client(run_dir, "ovf-req-cap", NETIPC_METHOD_STRING_REVERSE, 0, 0);
  is_err(netipc_client_string_reverse(c, text, 2 * MIB - 100, 0, &out),
         NETIPC_ERR_OVERFLOW, "a request over the 1 MiB growth cap: OVERFLOW");
  st = svc_status(c);
  ok(st.request_proposal == MIB && st.state == NETIPC_CLIENT_BROKEN,
     "proposal capped at 1 MiB, BROKEN");
  is_uint(atomic_load(&h.calls), 1, "nothing reached the handler");
  ok(netipc_client_refresh(c) &&
         netipc_client_string_reverse(c, text, 100000, 0, &out) ==
             NETIPC_OK &&
         out.len == 100000,
     "a 100 KB string fits the grown limit");
  netipc_client_destroy(c);
  netipc_server_destroy(s);

  /* Server request limit 1024: the grown HELLO is rejected. */
  memset(&h, 0, sizeof h);
  svc_server_config(&scfg, run_dir, "ovf-req-small",
                    NETIPC_METHOD_STRING_REVERSE, &h);
  s = svc_server_start(&scfg);
  c = svc_connected_client(run_dir, "ovf-req-small", NETIPC_METHOD_STRING_REVERSE, 0, 0);
  uint64_t t0 = tp_now_ms();
  netipc_err err = netipc_client_string_reverse(c, text, big, 0, &out);
  uint64_t elapsed = tp_now_ms() - t0;
  is_err(err, NETIPC_ERR_OVERFLOW,
         "against a 1024-byte request limit: OVERFLOW");
  st = svc_status(c);
  ok(st.request_proposal == 4096 && st.state == NETIPC_CLIENT_DISCONNECTED,
     "proposal 4096, the rejected reconnects leave DISCONNECTED (%s)",
     netipc_client_state_name(st.state));
  ok(st.error_count == 1 && st.reconnect_count == 0,
     "one error, no reconnect");
  ok(elapsed >= 90, "20 reconnect attempts 5 ms apart (%llu ms)",
     (unsigned long long)elapsed);
  is_uint(atomic_load(&h.calls), 0, "nothing reached the handler");
  ok(!netipc_client_refresh(c) &&
         svc_state(c) == NETIPC_CLIENT_DISCONNECTED,
     "refresh keeps being rejected: DISCONNECTED, no change");
  netipc_client_destroy(c);
  netipc_server_destroy(s);
  free(text);
  free(rev);
}

/* ---------------------------------------------------------------- */
/* Batch limits                                                      */
/* ---------------------------------------------------------------- */

static void
test_batch_limits(void)
{
  svc_handler h;
  memset(&h, 0, sizeof h);
  netipc_server_config scfg;
  svc_server_config(&scfg, run_dir, "ovf-batch", NETIPC_METHOD_INCREMENT, &h);
  scfg.max_request_payload_bytes = 4096;
  scfg.max_response_payload_bytes = 1024;
  netipc_server *s = svc_server_start(&scfg);
  uint64_t values[100], results[100];
  for (uint64_t i = 0; i < 100; i++)
    values[i] = 1000 + i;

  /* More items than the agreed batch limit: never sent, no growth. */
  netipc_client *c = svc_connected_client(run_dir, "ovf-batch", NETIPC_METHOD_INCREMENT,
                                      4096, 4);
  is_err(netipc_client_increment_batch(c, values, 5, 0, results),
         NETIPC_ERR_OVERFLOW, "5 items over a batch limit of 4: OVERFLOW");
  netipc_client_status st = svc_status(c);
  ok(st.state == NETIPC_CLIENT_BROKEN && st.error_count == 1,
     "BROKEN, one error");
  is_uint(atomic_load(&h.calls), 0, "nothing was sent");
  ok(netipc_client_refresh(c) &&
         netipc_client_increment_batch(c, values, 4, 0, results) ==
             NETIPC_OK &&
         results[0] == 1001 && results[3] == 1004,
     "4 items work");
  netipc_client_destroy(c);

  /* A batch answer over the server's 1024-byte response limit. */
  c = svc_connected_client(run_dir, "ovf-batch", NETIPC_METHOD_INCREMENT, 4096, 100);
  unsigned before = atomic_load(&h.calls);
  is_err(netipc_client_increment_batch(c, values, 100, 0, results),
         NETIPC_ERR_OVERFLOW,
         "100 answers (1600 bytes) over a 1024-byte limit: OVERFLOW");
  st = svc_status(c);
  ok(st.response_proposal == 65536 && st.reconnect_count == 1 &&
         st.state == NETIPC_CLIENT_BROKEN,
     "nothing could grow: one attempt, BROKEN");
  unsigned ran = atomic_load(&h.calls) - before;
  ok(ran > 0 && ran < 100, "the server stopped at the limit (%u items)", ran);
  ok(netipc_client_refresh(c) &&
         netipc_client_increment_batch(c, values, 50, 0, results) ==
             NETIPC_OK &&
         results[0] == 1001 && results[49] == 1050,
     "50 answers (800 bytes) fit");
  netipc_client_destroy(c);
  netipc_server_destroy(s);
}

int
main(void)
{
  svc_alarm();
  tp_rundir_make(run_dir, sizeof run_dir, "l2-ovf");
  plan(PLAN);
  test_snapshot_fits();
  test_snapshot_too_big();
  test_growth_rounds();
  test_request_growth();
  test_batch_limits();
  is_int(svc_dir_entries(run_dir), 0, "every server cleaned up its files");
  tp_rundir_remove(run_dir);
  return exit_status();
}
