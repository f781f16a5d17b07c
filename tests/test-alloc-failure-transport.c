/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-alloc-failure-transport.c - Level 1 under injected allocation
 * failures (issue 13, 6; alloc-failure.h): listener create + accept +
 * session receive/send, and connect + send/receive, each on UDS and on
 * SHM, with the n-th allocation of the side under test failing for every
 * n until the scenario completes. Every failure must come back as
 * NETIPC_ERR_NOMEM (or, for a session that cannot go on, end it), leak no
 * descriptor, and leave the listener usable; the peer, a forked child,
 * must see a clean error and succeed on its next attempt.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netipc/codec.h>
#include <netipc/transport.h>

#include "alloc-failure.h"
#include "uds-helpers.h"
#include "tap.h"

/* Small packets, so the long message is chunked and reassembled. */
#define AFT_PACKET 4096u
#define AFT_LIMIT 65536u
#define AFT_LONG_LEN 20000u
#define AFT_ENCODED (AFT_LONG_LEN + 64u)
#define AFT_SHORT_MS 10
/* Connect attempts of a peer whose first sessions die of injected OOM. */
#define AFT_ATTEMPTS 4
#define AFT_PROFILES_SHM (NETIPC_PROFILE_BASELINE | NETIPC_PROFILE_SHM_HYBRID)

static char run_dir[64];

typedef struct aft_case {
  const char *svc;
  uint32_t profiles;
} aft_case;

static void
aft_config(netipc_transport_config *cfg, const aft_case *k)
{
  uds_config(cfg, run_dir, k->svc);
  cfg->supported_profiles = k->profiles;
  cfg->preferred_profiles = k->profiles & NETIPC_PROFILE_SHM_HYBRID;
  cfg->packet_size = AFT_PACKET;
  cfg->max_request_payload_bytes = AFT_LIMIT;
  cfg->max_response_payload_bytes = AFT_LIMIT;
}

/* One request and its answer; NETIPC_OK when the answer is right. */
static netipc_err
aft_round_trip(netipc_session *s, uint16_t code, const void *req, size_t len,
               uint64_t id, const void *want, size_t want_len)
{
  netipc_header h, r;
  netipc_header_init(&h, NETIPC_KIND_REQUEST, code, id);
  netipc_err err = netipc_session_send(s, &h, req, len);
  const void *p = NULL;
  size_t n = 0;
  if (err == NETIPC_OK)
    err = netipc_session_receive(s, UDS_WAIT_MS, NULL, &r, &p, &n);
  if (err == NETIPC_OK &&
      (r.message_id != id || r.transport_status != NETIPC_STATUS_OK ||
       n != want_len || memcmp(p, want, n) != 0))
    err = NETIPC_ERR_PROTOCOL;
  return err;
}

/* INCREMENT, then a chunked STRING_REVERSE, as a client. */
static netipc_err
aft_exchange(netipc_session *s)
{
  uint8_t req[8], want[8];
  size_t n;
  netipc_increment_encode(41, req, sizeof req, &n);
  netipc_increment_encode(42, want, sizeof want, &n);
  netipc_err err = aft_round_trip(s, NETIPC_METHOD_INCREMENT, req, n, 1, want, n);
  char *str = malloc(AFT_LONG_LEN), *rev = malloc(AFT_LONG_LEN);
  uint8_t *q = malloc(AFT_ENCODED), *a = malloc(AFT_ENCODED);
  if (str == NULL || rev == NULL || q == NULL || a == NULL)
    tp_bail("out of memory");
  uds_fill((uint8_t *)str, AFT_LONG_LEN, 7);
  for (size_t i = 0; i < AFT_LONG_LEN; i++)
    rev[i] = str[AFT_LONG_LEN - 1 - i];
  size_t ql = 0, al = 0;
  if (netipc_string_reverse_encode(str, AFT_LONG_LEN, q, AFT_ENCODED, &ql) !=
          NETIPC_OK ||
      netipc_string_reverse_encode(rev, AFT_LONG_LEN, a, AFT_ENCODED, &al) !=
          NETIPC_OK)
    tp_bail("string_reverse_encode");
  if (err == NETIPC_OK)
    err = aft_round_trip(s, NETIPC_METHOD_STRING_REVERSE, q, ql, 2, a, al);
  free(str);
  free(rev);
  free(q);
  free(a);
  return err;
}

/* ---------------------------------------------------------------- */
/* The listener side under test, a forked client                     */
/* ---------------------------------------------------------------- */

/* Child: connect and exchange until one attempt completes; 0 then. */
static int
aft_client_child(void *arg, int ready_fd)
{
  netipc_transport_config cfg;
  aft_config(&cfg, arg);
  (void)ready_fd;
  for (int i = 0; i < AFT_ATTEMPTS; i++) {
    netipc_session *s = NULL;
    netipc_err err = netipc_session_connect(&cfg, UDS_WAIT_MS, NULL, &s);
    if (err == NETIPC_OK)
      err = aft_exchange(s);
    netipc_session_destroy(s);
    if (err == NETIPC_OK)
      return 0;
  }
  return 1;
}

/* Serve sessions until the child has exited; NULL when all was clean. */
static const char *
aft_serve_child(netipc_listener *l, pid_t pid, int *status)
{
  const char *why = NULL;
  for (int sessions = 0;;) {
    if (af_exited(pid, status))
      return why;
    if (!uds_readable(netipc_listener_fd(l), AFT_SHORT_MS))
      continue;
    if (sessions++ == AFT_ATTEMPTS)
      return "the client connected more often than it should";
    netipc_session *s = NULL;
    netipc_err err = netipc_listener_accept(l, UDS_WAIT_MS, NULL, &s);
    if (err != NETIPC_OK) {
      if (!af_nomem(err) && why == NULL)
        why = af_why("accept: %s", netipc_err_name(err));
      continue;
    }
    err = uds_serve(s, UDS_WAIT_MS, NULL, NULL);
    netipc_session_destroy(s);
    if (err != NETIPC_ERR_DISCONNECTED && !af_nomem(err) && why == NULL)
      why = af_why("serve: %s", netipc_err_name(err));
  }
}

static const char *
aft_listener_run(void *arg)
{
  const aft_case *k = arg;
  netipc_transport_config cfg;
  aft_config(&cfg, k);
  netipc_listener *l = NULL;
  netipc_err err = netipc_listener_create(&cfg, &l);
  if (err != NETIPC_OK) {
    char sock[256];
    uds_sock_path(run_dir, k->svc, sock, sizeof sock);
    if (!af_nomem(err) || l != NULL)
      return af_why("listener_create: %s", netipc_err_name(err));
    return tp_path_exists(sock) ? "a failed create left its socket file" : NULL;
  }
  pid_t pid = af_fork(aft_client_child, arg, 0, 0);
  int status = -1;
  const char *why = aft_serve_child(l, pid, &status);
  af_disarm();
  netipc_listener_destroy(l);
  if (why == NULL && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
    why = af_why("the client did not complete (status 0x%x)", status);
  return why;
}

/* ---------------------------------------------------------------- */
/* The client side under test, a forked server                       */
/* ---------------------------------------------------------------- */

/* Child: listen and serve sessions one after another until killed. */
static int
aft_server_child(void *arg, int ready_fd)
{
  netipc_transport_config cfg;
  aft_config(&cfg, arg);
  netipc_listener *l = NULL;
  if (netipc_listener_create(&cfg, &l) != NETIPC_OK)
    return 1;
  af_ready(ready_fd);
  for (;;) {
    netipc_session *s = NULL;
    if (netipc_listener_accept(l, UDS_WAIT_MS, NULL, &s) != NETIPC_OK)
      continue;
    (void)uds_serve(s, UDS_WAIT_MS, NULL, NULL);
    netipc_session_destroy(s);
  }
}

static const char *
aft_client_run(void *arg)
{
  netipc_transport_config cfg;
  aft_config(&cfg, arg);
  const char *why = NULL;
  netipc_err err = NETIPC_ERR_NOMEM;
  /* An injected failure ends an attempt; the next must succeed. */
  for (int i = 0; i < 2 && err != NETIPC_OK; i++) {
    netipc_session *s = NULL;
    err = netipc_session_connect(&cfg, UDS_WAIT_MS, NULL, &s);
    if (err == NETIPC_OK)
      err = aft_exchange(s);
    netipc_session_destroy(s);
    if (err != NETIPC_OK && !af_nomem(err) && why == NULL)
      why = af_why("attempt %d: %s", i + 1, netipc_err_name(err));
  }
  if (why == NULL && err != NETIPC_OK)
    why = af_why("no attempt completed: %s", netipc_err_name(err));
  return why;
}

static void
aft_client_side(aft_case *k, const char *name)
{
  pid_t pid = af_fork(aft_server_child, k, 1, UDS_WAIT_MS);
  af_check(name, aft_client_run, k);
  af_kill(pid);
}

int
main(void)
{
  uds_safety_alarm();
  uds_rundir_make(run_dir, sizeof run_dir, "oom-l1");
  aft_case uds_l = {"oom-listen", NETIPC_PROFILE_BASELINE};
  aft_case shm_l = {"oom-listen-shm", AFT_PROFILES_SHM};
  aft_case uds_c = {"oom-connect", NETIPC_PROFILE_BASELINE};
  aft_case shm_c = {"oom-connect-shm", AFT_PROFILES_SHM};
  af_check("listener, accept, serve (UDS)", aft_listener_run, &uds_l);
  aft_client_side(&uds_c, "connect, send, receive (UDS)");
  if (tp_shm_built()) {
    af_check("listener, accept, serve (SHM)", aft_listener_run, &shm_l);
    aft_client_side(&shm_c, "connect, send, receive (SHM)");
  } else {
    skip(4, "no SHM transport in this build");
  }
  uds_rundir_remove(run_dir);
  return done_testing();
}
