/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-uds-edges.c - Level 1 argument and state edges that need a real
 * listener or session (POSIX UDS): NULL out pointers of accept, a pending
 * connection handed to a handshake without an out pointer, sends with
 * bad arguments or on a broken session, and accept() failing with EMFILE.
 * Each case checks the exact error and the state after (nothing sent,
 * nothing registered in flight, the listener still usable).
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <netipc/transport.h>

#include "tap.h"
#include "uds-helpers.h"

#define EDGE_SVC "edges"
#define EDGE_SHORT_MS 200u

static char dir[128];

static netipc_listener *
edge_listener(void)
{
  netipc_transport_config cfg;
  uds_config(&cfg, dir, EDGE_SVC);
  netipc_listener *l = NULL;
  netipc_err err = netipc_listener_create(&cfg, &l);
  if (err != NETIPC_OK)
    bail_out("listener_create: %d", err);
  return l;
}

/* accept and accept_pending check out before taking a connection. */
static void
test_accept_out_null(netipc_listener *l)
{
  int fd = uds_raw_connect(dir, EDGE_SVC);
  ok(fd >= 0, "a raw client connects");
  is_err(netipc_listener_accept(l, EDGE_SHORT_MS, NULL, NULL),
         NETIPC_ERR_INVALID_ARG, "listener_accept(out NULL) is INVALID_ARG");
  is_err(netipc_listener_accept_pending(l, EDGE_SHORT_MS, NULL, NULL),
         NETIPC_ERR_INVALID_ARG,
         "listener_accept_pending(out NULL) is INVALID_ARG");
  /* The connection was not consumed: it is still there to accept. */
  netipc_pending *p = NULL;
  is_err(netipc_listener_accept_pending(l, EDGE_SHORT_MS, NULL, &p),
         NETIPC_OK, "the queued connection is still accepted afterwards");
  ok(!uds_readable(fd, 50), "the raw client got nothing (not closed)");
  /* A pending handed over without an out pointer is consumed: closed. */
  is_err(netipc_pending_handshake(p, EDGE_SHORT_MS, NULL, NULL),
         NETIPC_ERR_INVALID_ARG,
         "pending_handshake(out NULL) is INVALID_ARG");
  ok(uds_raw_wait_eof(fd, UDS_WAIT_MS),
     "... and the pending connection was closed (client sees EOF)");
  close(fd);
}

/* Bad arguments of send and receive; a broken session refuses both. */
static void
test_session_args(netipc_listener *l)
{
  netipc_transport_config ccfg;
  uds_config(&ccfg, dir, EDGE_SVC);
  uds_pair p;
  uds_pair_open(&p, l, &ccfg, 1);
  if (p.err != NETIPC_OK)
    bail_out("pair: %d", p.err);
  netipc_header h, rh;
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 1);
  const void *payload = NULL;
  size_t len = 0;

  is_err(netipc_session_send(p.client, NULL, NULL, 0), NETIPC_ERR_INVALID_ARG,
         "send(hdr NULL) is INVALID_ARG");
  is_err(netipc_session_send(p.client, &h, NULL, 1), NETIPC_ERR_INVALID_ARG,
         "send(payload NULL, len 1) is INVALID_ARG");
  is_int((int)netipc_session_inflight(p.client), 0,
         "nothing registered in flight by the refused sends");
  ok(!netipc_session_is_broken(p.client), "bad arguments do not break it");
  is_err(netipc_session_receive(p.server, EDGE_SHORT_MS, NULL, NULL, &payload,
                                &len),
         NETIPC_ERR_INVALID_ARG, "receive(hdr NULL) is INVALID_ARG");
  is_err(netipc_session_receive(p.server, EDGE_SHORT_MS, NULL, &rh, NULL,
                                &len),
         NETIPC_ERR_INVALID_ARG, "receive(payload NULL) is INVALID_ARG");
  is_err(netipc_session_receive(p.server, EDGE_SHORT_MS, NULL, &rh, &payload,
                                NULL),
         NETIPC_ERR_INVALID_ARG, "receive(len NULL) is INVALID_ARG");
  /* Nothing was sent by the refused sends: the server times out. */
  is_err(netipc_session_receive(p.server, EDGE_SHORT_MS, NULL, &rh, &payload,
                                &len),
         NETIPC_ERR_TIMEOUT, "the server received nothing");

  /* Break the client: its peer goes away. */
  netipc_session_destroy(p.server);
  p.server = NULL;
  is_err(netipc_session_receive(p.client, UDS_WAIT_MS, NULL, &rh, &payload,
                                &len),
         NETIPC_ERR_DISCONNECTED, "the client sees the server leave");
  ok(netipc_session_is_broken(p.client), "the client session is broken");
  is_err(netipc_session_send(p.client, &h, NULL, 0), NETIPC_ERR_INVALID_ARG,
         "send on a broken session is INVALID_ARG (header: bad args or "
         "session broken)");
  is_int((int)netipc_session_inflight(p.client), 0,
         "... and registers nothing in flight");
  is_err(netipc_session_receive(p.client, EDGE_SHORT_MS, NULL, &rh, &payload,
                                &len),
         NETIPC_ERR_INVALID_ARG, "receive on a broken session is "
         "INVALID_ARG");
  uds_pair_close(&p);
}

/* accept() failing with EMFILE is SYSTEM; the connection stays queued. */
static void
test_accept_emfile(netipc_listener *l)
{
  if (tp_under_valgrind()) {
    skip(5, "valgrind manages the descriptor limit itself");
    return;
  }
  int fd = uds_raw_connect(dir, EDGE_SVC);
  ok(fd >= 0, "a raw client connects");
  struct rlimit old, low;
  int lowest = dup(0); /* the lowest free descriptor */
  if (lowest < 0 || getrlimit(RLIMIT_NOFILE, &old) != 0)
    bail_out("dup/getrlimit: %s", strerror(errno));
  close(lowest);
  low = old;
  low.rlim_cur = (rlim_t)lowest; /* no new descriptor can be made */
  if (setrlimit(RLIMIT_NOFILE, &low) != 0)
    bail_out("setrlimit: %s", strerror(errno));
  netipc_session *s = NULL;
  netipc_err err = netipc_listener_accept(l, UDS_WAIT_MS, NULL, &s);
  int probe = dup(0);
  int probe_errno = errno;
  if (setrlimit(RLIMIT_NOFILE, &old) != 0)
    bail_out("setrlimit restore: %s", strerror(errno));
  ok(probe < 0 && probe_errno == EMFILE,
     "the lowered limit really refuses new descriptors (set-up)");
  if (probe >= 0)
    close(probe);
  is_err(err, NETIPC_ERR_SYSTEM, "accept under EMFILE is SYSTEM");
  ok(s == NULL, "no session made");
  /* The connection is still queued and the listener usable. */
  netipc_pending *p = NULL;
  err = netipc_listener_accept_pending(l, UDS_WAIT_MS, NULL, &p);
  ok(err == NETIPC_OK && p != NULL, "the listener accepts it afterwards");
  netipc_pending_destroy(p);
  close(fd);
}

int
main(void)
{
  uds_safety_alarm();
  plan(25);
  uds_rundir_make(dir, sizeof dir, "edges");
  netipc_listener *l = edge_listener();
  test_accept_out_null(l);
  test_session_args(l);
  test_accept_emfile(l);
  netipc_listener_destroy(l);
  uds_rundir_remove(dir);
  return exit_status();
}
