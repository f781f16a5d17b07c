/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-uds-stale.c - stale endpoint recovery and listener teardown
 * (posix-uds.md 3 and 4): dead sockets, files and empty directories are
 * reclaimed; a live server is never displaced; destroy unlinks the path
 * and leaves existing sessions alone; on both bind paths.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netipc/codec.h>
#include <netipc/transport.h>

#include "tap.h"
#include "transport/posix/posix-listen-hooks.h"
#include "uds-helpers.h"

#define PLAN 70

static char run_dir[64];

static int
is_socket_at(const char *svc)
{
  char path[256];
  struct stat st;
  uds_sock_path(run_dir, svc, path, sizeof path);
  return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

static int
exists_at(const char *svc)
{
  char path[256];
  struct stat st;
  uds_sock_path(run_dir, svc, path, sizeof path);
  return lstat(path, &st) == 0;
}

static void
pair_open(netipc_listener *l, const char *svc, int attempts, uds_pair *p)
{
  netipc_transport_config c;
  uds_config(&c, run_dir, svc);
  uds_pair_open(p, l, &c, attempts);
}

/* Reclaim whatever is at svc's path and check a client gets through. */
static void
check_reclaim(const char *svc, const char *what)
{
  netipc_transport_config c;
  netipc_listener *l = NULL;
  uds_pair p;
  uds_config(&c, run_dir, svc);
  is_err(netipc_listener_create(&c, &l), NETIPC_OK, "%s: listener created",
         what);
  ok(is_socket_at(svc), "%s: the path is now a socket", what);
  if (l == NULL) {
    skip(1, "no listener");
    return;
  }
  pair_open(l, svc, 1, &p);
  ok(p.err == NETIPC_OK && uds_pair_round_trip(&p, 5),
     "%s: a client connects and round-trips", what);
  uds_pair_close(&p);
  netipc_listener_destroy(l);
}

static void
test_reclaim(void)
{
  /* A socket bound and closed without unlink: nobody listens on it. */
  int fd = uds_raw_bind(run_dir, "dead");
  if (fd < 0)
    bail_out("cannot bind the dead socket");
  close(fd);
  ok(is_socket_at("dead"), "dead socket file is left behind");
  check_reclaim("dead", "dead socket");

  /* A listener that dies without cleanup (child process _exit). */
  pid_t pid = fork();
  if (pid < 0)
    bail_out("fork");
  if (pid == 0) {
    netipc_transport_config c;
    netipc_listener *l;
    uds_config(&c, run_dir, "crashed");
    _exit(netipc_listener_create(&c, &l) == NETIPC_OK ? 0 : 1);
  }
  int status = -1;
  waitpid(pid, &status, 0);
  ok(WIFEXITED(status) && WEXITSTATUS(status) == 0 && is_socket_at("crashed"),
     "a crashed server left its socket behind");
  check_reclaim("crashed", "crashed server's socket");

  /* A regular file. */
  char path[256];
  uds_sock_path(run_dir, "regular", path, sizeof path);
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || write(fd, "x", 1) != 1)
    bail_out("cannot create the regular file");
  close(fd);
  check_reclaim("regular", "regular file");

  /* An empty directory. */
  uds_sock_path(run_dir, "emptydir", path, sizeof path);
  if (mkdir(path, 0700) != 0)
    bail_out("mkdir");
  check_reclaim("emptydir", "empty directory");

  /* A non-empty directory cannot be removed: address in use. */
  char inner[300];
  uds_sock_path(run_dir, "fulldir", path, sizeof path);
  snprintf(inner, sizeof inner, "%s/keep", path);
  if (mkdir(path, 0700) != 0 || (fd = open(inner, O_WRONLY | O_CREAT, 0600)) < 0)
    bail_out("cannot create the non-empty directory");
  close(fd);
  netipc_transport_config c;
  netipc_listener *l = NULL;
  uds_config(&c, run_dir, "fulldir");
  is_err(netipc_listener_create(&c, &l), NETIPC_ERR_ADDR_IN_USE,
         "non-empty directory at the path: ADDR_IN_USE");
  ok(access(inner, F_OK) == 0, "non-empty directory left intact");
  unlink(inner);
  rmdir(path);
}

static void
test_live_server(void)
{
  netipc_transport_config c;
  netipc_listener *l1 = NULL, *l2 = NULL;
  uds_pair p, q;
  char path[256];
  struct stat st1, st2;

  uds_config(&c, run_dir, "live");
  is_err(netipc_listener_create(&c, &l1), NETIPC_OK, "first listener");
  if (l1 == NULL)
    bail_out("no first listener");
  uds_sock_path(run_dir, "live", path, sizeof path);
  memset(&st1, 0, sizeof st1);
  stat(path, &st1);
  is_err(netipc_listener_create(&c, &l2), NETIPC_ERR_ADDR_IN_USE,
         "second listener on a live name: ADDR_IN_USE");
  ok(l2 == NULL, "no second listener object");
  memset(&st2, 0, sizeof st2);
  ok(stat(path, &st2) == 0 && S_ISSOCK(st2.st_mode) &&
         st1.st_ino == st2.st_ino,
     "the live server's socket inode was not replaced");
  is_err(netipc_listener_create(&c, &l2), NETIPC_ERR_ADDR_IN_USE,
         "and again: ADDR_IN_USE");

  /* The two probes are connections that close without HELLO. */
  pair_open(l1, "live", 4, &p);
  is_err(p.err, NETIPC_OK, "the first server still accepts clients");
  is_int(p.failures, 2, "the two probe connections were dropped first");
  ok(p.client != NULL && uds_pair_round_trip(&p, 7),
     "round trip on the first server");

  /* Destroy: path gone, new clients not found, old sessions live on. */
  netipc_listener_destroy(l1);
  ok(!exists_at("live"), "listener_destroy unlinks the socket");
  netipc_session *s = NULL;
  is_err(netipc_session_connect(&c, 1000, NULL, &s), NETIPC_ERR_NOT_FOUND,
         "after destroy, connect gives NOT_FOUND");
  ok(p.client != NULL && uds_pair_round_trip(&p, 9),
     "an existing session still works after listener_destroy");
  uds_pair_close(&p);

  /* The name is free again. */
  is_err(netipc_listener_create(&c, &l1), NETIPC_OK,
         "a new listener takes the freed name");
  if (l1 != NULL) {
    pair_open(l1, "live", 1, &q);
    is_err(q.err, NETIPC_OK, "new listener: no probe, first accept is ours");
    uds_pair_close(&q);
  } else {
    skip(1, "no listener");
  }
  netipc_listener_destroy(l1);
  ok(!exists_at("live"), "second destroy unlinks too");
  netipc_listener_destroy(NULL);
}

static void
test_foreign_live_server(void)
{
  netipc_transport_config c;
  netipc_listener *l = NULL;
  int lfd = uds_raw_listen(run_dir, "foreign");
  if (lfd < 0)
    bail_out("raw listen");
  uds_config(&c, run_dir, "foreign");
  is_err(netipc_listener_create(&c, &l), NETIPC_ERR_ADDR_IN_USE,
         "a live raw server is not displaced");
  int probe = uds_raw_accept(lfd, UDS_WAIT_MS);
  ok(probe >= 0, "the raw server received the probe connection");
  ok(probe >= 0 && uds_raw_wait_eof(probe, UDS_WAIT_MS),
     "the probe closed without sending anything");
  if (probe >= 0)
    close(probe);
  int fd = uds_raw_connect(run_dir, "foreign");
  ok(fd >= 0, "the raw server's socket still takes connections");
  if (fd >= 0)
    close(fd);
  close(lfd);
  /* Listening stopped but the file is still there: now it is stale. */
  ok(is_socket_at("foreign"), "closed raw server leaves its socket");
  is_err(netipc_listener_create(&c, &l), NETIPC_OK,
         "its stale socket is reclaimed");
  netipc_listener_destroy(l);
}

static void
test_two_names(void)
{
  netipc_transport_config a, b;
  netipc_listener *la = NULL, *lb = NULL;
  uds_pair p;
  uds_config(&a, run_dir, "alpha");
  uds_config(&b, run_dir, "beta");
  is_err(netipc_listener_create(&a, &la), NETIPC_OK, "listener alpha");
  is_err(netipc_listener_create(&b, &lb), NETIPC_OK,
         "listener beta in the same run dir");
  if (la == NULL || lb == NULL)
    bail_out("listeners");
  pair_open(lb, "beta", 1, &p);
  ok(p.err == NETIPC_OK && uds_pair_round_trip(&p, 11),
     "beta serves its own clients");
  uds_pair_close(&p);
  netipc_listener_destroy(lb);
  ok(is_socket_at("alpha") && !exists_at("beta"),
     "destroying beta leaves alpha's socket");
  netipc_listener_destroy(la);
}

int
main(void)
{
  uds_safety_alarm();
  plan(PLAN);
  uds_rundir_make(run_dir, sizeof run_dir, "stale");
  test_reclaim();
  test_live_server();
  test_foreign_live_server();
  test_two_names();
  /* The same recovery rules on the portable bind path (a private
   * directory and link(), which Linux uses only when told to). */
  netipc__listen_bind_via_link(true);
  test_reclaim();
  test_live_server();
  netipc__listen_bind_via_link(false);
  uds_rundir_remove(run_dir);
  return exit_status();
}
