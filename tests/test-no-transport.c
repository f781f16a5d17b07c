/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-no-transport.c - a POSIX host without SOCK_SEQPACKET (configure
 * netipc_cv_seqpacket=no): the library links with the same ABI, the
 * platform layer works, and every endpoint operation says NOT_SUPPORTED
 * instead of failing to link or pretending to connect.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <netipc/netipc.h>

#include "tap.h"
#include "transport/platform.h"

static int
inc(void *user, uint64_t value, uint64_t *result)
{
  (void)user;
  *result = value + 1;
  return 0;
}

static void
bump(void *arg)
{
  netipc__atomic_add32(arg, 1);
}

int
main(void)
{
  netipc_transport_config t;
  memset(&t, 0, sizeof t);
  t.run_dir = "/tmp";
  t.service_name = "no-transport";
  netipc_listener *l = NULL;
  is_err(netipc_listener_create(&t, &l), NETIPC_ERR_NOT_SUPPORTED,
         "listener_create: NOT_SUPPORTED");
  netipc_session *s = NULL;
  is_err(netipc_session_connect(&t, 100, NULL, &s), NETIPC_ERR_NOT_SUPPORTED,
         "session_connect: NOT_SUPPORTED");
  ok(l == NULL && s == NULL, "no object handed out");

  netipc_server_config sc;
  memset(&sc, 0, sizeof sc);
  sc.run_dir = "/tmp";
  sc.service_name = "no-transport";
  sc.method = NETIPC_METHOD_INCREMENT;
  sc.increment = inc;
  netipc_server *srv = NULL;
  is_err(netipc_server_create(&sc, &srv), NETIPC_ERR_NOT_SUPPORTED,
         "server_create: NOT_SUPPORTED");

  netipc_client_config cc;
  memset(&cc, 0, sizeof cc);
  cc.run_dir = "/tmp";
  cc.service_name = "no-transport";
  netipc_client *c = NULL;
  is_err(netipc_client_create(&cc, NETIPC_METHOD_INCREMENT, &c), NETIPC_OK,
         "client_create works (no I/O)");
  (void)netipc_client_refresh(c);
  ok(!netipc_client_ready(c), "refresh does not reach READY");
  uint64_t r = 0;
  is_err(netipc_client_increment(c, 1, 100, &r), NETIPC_ERR_NOT_READY,
         "a call: NOT_READY");
  netipc_client_destroy(c);

  netipc_abort *a = NULL;
  is_err(netipc_abort_create(&a), NETIPC_OK, "the abort handle works");
  netipc_abort_signal(a);
  ok(netipc_abort_is_signalled(a), "and is signalled");
  netipc_abort_destroy(a);

  uint32_t n = 0;
  netipc__thread *th = NULL;
  if (netipc__thread_create(&th, bump, &n) == NETIPC_OK)
    netipc__thread_join(th);
  is_uint(netipc__atomic_load32(&n), 1, "threads and atomics work");
  return done_testing();
}
