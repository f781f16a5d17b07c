/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-shm-truncate.c - a peer that truncates the SHM region must not kill
 * the other side (issue 13 section 3; posix-shm-guard.c):
 *
 * - regions made directly: publish and receive on a truncated region fail
 *   with NETIPC_ERR_SHM_FAULT, and keep failing;
 * - a client process truncates its session's region under a managed
 *   (Level 2) server with other sessions: the server lives, that session
 *   is closed, the other UDS and SHM clients work before and after; the
 *   same under a Level 1 server shows the server's error;
 * - a server process truncates under the client: the client's send and
 *   receive fail with SHM_FAULT, not SIGBUS;
 * - a SIGBUS that is not in a region reaches the handler installed before
 *   (SA_SIGINFO, plain, SIG_DFL, SIG_IGN), that handler is restored when
 *   the last region goes, and netipc_shm_sigbus_guard(false) leaves
 *   SIGBUS alone.
 * Without the guard the first truncation kills this program with SIGBUS.
 * Under valgrind, resuming after the faults needs
 * --vex-iropt-register-updates=allregs-at-mem-access (else stale registers).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netipc/codec.h>
#include <netipc/service.h>
#include <netipc/transport.h>

#include "transport/posix/posix-shm-internal.h"

#include "service-helpers.h"
#include "shm-helpers.h"
#include "tap.h"

#define PLAN 67

#define RQ 1000u
#define RS 5000u
#define L2_WORKERS 8u
/* Well above one 100 ms wait slice: when a faulted peer must be noticed. */
#define NOTICE_MS 5000
#define CHILD_MS 20000
#define PAGE_BYTES 4096
/* Exit codes of the signal-disposition children. */
#define CHILD_OK 0
#define CHILD_FAILED 1
#define CHILD_BAD 3

static char run_dir[64];

static const char *const SVC_DIRECT = "tr-direct";
static const char *const SVC_L2 = "tr-managed";
static const char *const SVC_L1 = "tr-level1";
static const char *const SVC_REV = "tr-reverse";
static const char *const SVC_SIG = "tr-signal";

/* ---------------------------------------------------------------- */
/* Small helpers                                                     */
/* ---------------------------------------------------------------- */

/* Truncate a region file to 0 bytes, as a hostile or buggy peer would. */
static int
truncate_region(const char *svc, uint64_t sid)
{
  char path[256];
  shm_region_path(run_dir, svc, sid, path, sizeof path);
  int fd = open(path, O_RDWR | O_CLOEXEC);
  int rc = fd >= 0 ? ftruncate(fd, 0) : -1;
  if (fd >= 0)
    close(fd);
  return rc;
}

static void
shm_cfg(netipc_transport_config *c, const char *svc)
{
  shm_config(c, run_dir, svc, SHM_PROFILES_BOTH, SHM_PREFERRED, RQ, RS);
}

/* Send one INCREMENT request with id = value on a Level 1 session. */
static netipc_err
send_increment(netipc_session *s, uint64_t value)
{
  uint8_t buf[8];
  size_t n;
  netipc_increment_encode(value, buf, sizeof buf, &n);
  netipc_header h;
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, value);
  return netipc_session_send(s, &h, buf, n);
}

/* Receive the answer to send_increment(value); 1 when it is value + 1. */
static int
recv_increment(netipc_session *s, uint64_t value)
{
  netipc_header h;
  const void *p;
  size_t n;
  uint64_t v = 0;
  return netipc_session_receive(s, UDS_WAIT_MS, NULL, &h, &p, &n) ==
             NETIPC_OK &&
         netipc_increment_decode(p, n, &v) == NETIPC_OK && v == value + 1 &&
         h.message_id == value;
}

/* 1 when the peer closes s within timeout_ms (EOF or hang-up). */
static int
wait_hangup(netipc_session *s, int timeout_ms)
{
  struct pollfd p = {.fd = netipc_session_fd(s), .events = POLLIN};
  if (poll(&p, 1, timeout_ms) != 1)
    return 0;
  char c;
  return (p.revents & POLLHUP) != 0 || recv(p.fd, &c, 1, MSG_DONTWAIT) == 0;
}

static int
child_exit_code(pid_t pid)
{
  int st = 0;
  if (pid < 0 || !shm_reap(pid, CHILD_MS, &st))
    return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ---------------------------------------------------------------- */
/* Directly made regions                                             */
/* ---------------------------------------------------------------- */

static void
test_direct(void)
{
  netipc__shm *srv = NULL, *cli = NULL;
  if (netipc__shm_create(run_dir, SVC_DIRECT, 1, RQ, RS, false, &srv) !=
          NETIPC_OK ||
      netipc__shm_attach(run_dir, SVC_DIRECT, 1, RQ, RS, false, &cli) !=
          NETIPC_OK)
    bail_out("cannot make the direct region pair");
  ok(netipc__shm_guard_installed(), "a mapped region installs the guard");
  uint8_t m[64], buf[RS + 64];
  size_t len = 0;
  netipc_header h;
  netipc_header_init(&h, NETIPC_KIND_REQUEST, 1, 1);
  netipc_header_encode(&h, m, 32);
  is_err(netipc__shm_publish(cli, m, NULL, 0), NETIPC_OK,
         "publish on an intact region");
  is_err(netipc__shm_receive(srv, UDS_WAIT_MS, NULL, -1, buf, sizeof buf,
                             &len),
         NETIPC_OK, "receive on an intact region");
  ok(truncate_region(SVC_DIRECT, 1) == 0, "region truncated to 0 bytes");
  is_err(netipc__shm_publish(cli, m, NULL, 0), NETIPC_ERR_SHM_FAULT,
         "client publish on the truncated region: SHM_FAULT");
  is_err(netipc__shm_publish(cli, m, NULL, 0), NETIPC_ERR_SHM_FAULT,
         "client publish again: still SHM_FAULT");
  uint64_t t0 = tp_now_ms();
  is_err(netipc__shm_receive(srv, 2 * NOTICE_MS, NULL, -1, buf, sizeof buf,
                             &len),
         NETIPC_ERR_SHM_FAULT, "server receive on the truncated region");
  ok(tp_now_ms() - t0 < NOTICE_MS, "...at once, not at its timeout");
  is_err(netipc__shm_receive(cli, UDS_WAIT_MS, NULL, -1, buf, sizeof buf,
                             &len),
         NETIPC_ERR_SHM_FAULT, "client receive: SHM_FAULT too");
  is_err(netipc__shm_publish(srv, m, NULL, 0), NETIPC_ERR_SHM_FAULT,
         "server publish: SHM_FAULT");
  netipc__shm_destroy(cli);
  ok(netipc__shm_guard_installed(), "the guard stays while a region is left");
  netipc__shm_destroy(srv);
  ok(!netipc__shm_guard_installed(), "the last region removes the guard");

  /* A full table refuses new regions instead of leaving them unguarded. */
  static int slots[NETIPC__SHM_GUARD_SLOTS];
  static uint8_t dummy[NETIPC__SHM_GUARD_SLOTS];
  int filled = 0;
  while (filled < NETIPC__SHM_GUARD_SLOTS &&
         netipc__shm_guard_add(dummy + filled, 1, &slots[filled]) == NETIPC_OK)
    filled++;
  is_int(filled, NETIPC__SHM_GUARD_SLOTS, "the guard watches %d mappings",
         NETIPC__SHM_GUARD_SLOTS);
  is_err(netipc__shm_create(run_dir, SVC_DIRECT, 2, RQ, RS, false, &srv),
         NETIPC_ERR_NOSPACE, "one more region: NOSPACE, not unguarded");
  for (int i = 0; i < filled; i++)
    netipc__shm_guard_remove(slots[i]);
  is_int(shm_count_regions(run_dir), 0, "no region file left behind");
  ok(!netipc__shm_guard_installed(), "and no guard");
}

/* ---------------------------------------------------------------- */
/* A client truncates under a managed server with other sessions     */
/* ---------------------------------------------------------------- */

/* Child: an SHM client of svc that truncates its own region. Reports
 * 'G' (a good round trip), 'T' (truncated), then its own send's fate ('F'
 * SHM_FAULT), then 'H' when the server hung up on it; lower case for each
 * failure. It is forked before the parent starts any thread and waits for
 * a byte on `go` (-1: none), so under valgrind it inherits no memory that
 * only a vanished thread pointed to. */
typedef struct client_args {
  const char *svc;
  int go;
} client_args;

static void
truncating_client(int out, const void *arg)
{
  const client_args *a = arg;
  const char *svc = a->svc;
  if (a->go >= 0 && shm_pipe_wait(a->go, CHILD_MS) < 0)
    _exit(2);
  netipc_transport_config c;
  shm_cfg(&c, svc);
  c.auth_token = SVC_TOKEN;
  netipc_session *s = NULL;
  if (netipc_session_connect(&c, UDS_WAIT_MS, NULL, &s) != NETIPC_OK ||
      netipc_session_get_info(s)->selected_profile !=
          NETIPC_PROFILE_SHM_HYBRID)
    _exit(2);
  /* One good round trip: the server is back in its wait when we strike. */
  int good = send_increment(s, 41) == NETIPC_OK && recv_increment(s, 41);
  shm_pipe_signal(out, good ? 'G' : 'g');
  uint64_t sid = netipc_session_get_info(s)->session_id;
  shm_pipe_signal(out, truncate_region(svc, sid) == 0 ? 'T' : 't');
  shm_pipe_signal(out, send_increment(s, 42) == NETIPC_ERR_SHM_FAULT ? 'F'
                                                                     : 'f');
  shm_pipe_signal(out, wait_hangup(s, NOTICE_MS) ? 'H' : 'h');
  netipc_session_destroy(s);
  _exit(0);
}

/* Expect the child's reports in order. */
static void
expect_reports(int in, const char *want, const char *what)
{
  for (const char *w = want; *w != '\0'; w++) {
    int got = shm_pipe_wait(in, CHILD_MS);
    is_int(got, *w, "%s: child reports '%c'", what, *w);
  }
}

static int
l2_call(netipc_client *c, uint64_t v)
{
  uint64_t r = 0;
  return netipc_client_increment(c, v, 0, &r) == NETIPC_OK && r == v + 1;
}

static void
test_client_truncates_managed(void)
{
  int go[2];
  if (shm_pipe(go) != 0)
    bail_out("pipe");
  client_args args = {.svc = SVC_L2, .go = go[0]};
  int in = -1;
  pid_t pid = shm_fork_child(truncating_client, &args, &in);
  close(go[0]);
  svc_handler hs;
  memset(&hs, 0, sizeof hs);
  netipc_server_config sc;
  svc_server_config(&sc, run_dir, SVC_L2, NETIPC_METHOD_INCREMENT, &hs);
  sc.supported_profiles = SHM_PROFILES_BOTH;
  sc.preferred_profiles = SHM_PREFERRED;
  sc.workers = L2_WORKERS;
  netipc_server *srv = svc_server_start(&sc);

  netipc_client_config cc;
  svc_client_config(&cc, run_dir, SVC_L2);
  netipc_client *uds = svc_client_new(&cc, NETIPC_METHOD_INCREMENT);
  cc.supported_profiles = SHM_PROFILES_BOTH;
  cc.preferred_profiles = SHM_PREFERRED;
  cc.file_shm = true; /* these cases truncate and count region files */
  netipc_client *shm = svc_client_new(&cc, NETIPC_METHOD_INCREMENT);
  if (!svc_client_connect(uds, UDS_WAIT_MS) ||
      !svc_client_connect(shm, UDS_WAIT_MS))
    bail_out("managed-server clients did not connect");
  is_uint(svc_status(shm).session.selected_profile, NETIPC_PROFILE_SHM_HYBRID,
          "managed: the second client is on SHM");
  ok(l2_call(uds, 1) && l2_call(shm, 2), "managed: both clients work before");
  if (shm_pipe_signal(go[1], 'g') != 0)
    bail_out("go pipe");
  close(go[1]);
  expect_reports(in, "GTFH", "managed");
  close(in);
  is_int(child_exit_code(pid), 0, "managed: the truncating child exited 0");
  ok(svc_wait_sessions(srv, 2, NOTICE_MS),
     "managed: the server closed that session (2 live)");
  ok(l2_call(uds, 3) && l2_call(shm, 4),
     "managed: the UDS and the SHM client still work after");
  netipc_client_status st = svc_status(shm);
  is_uint(st.reconnect_count, 0, "managed: the SHM client never reconnected");
  is_int(svc_dir_count_suffix(run_dir, ".ipcshm"), 1,
         "managed: only the healthy SHM session's region is left");
  netipc_client_destroy(uds);
  netipc_client_destroy(shm);
  netipc_server_destroy(srv);
}

/* The same under a Level 1 server: its receive names the fault. */
static void
test_client_truncates_level1(void)
{
  netipc_transport_config c;
  shm_cfg(&c, SVC_L1);
  c.auth_token = SVC_TOKEN;
  netipc_listener *l = NULL;
  if (netipc_listener_create(&c, &l) != NETIPC_OK)
    bail_out("level 1 listener");
  client_args args = {.svc = SVC_L1, .go = -1};
  int in = -1;
  pid_t pid = shm_fork_child(truncating_client, &args, &in);
  netipc_session *s = NULL;
  is_err(netipc_listener_accept(l, UDS_WAIT_MS, NULL, &s), NETIPC_OK,
         "level 1: accepted the truncating client");
  if (s == NULL)
    bail_out("no level 1 session");
  netipc_header h;
  const void *p;
  size_t n;
  int served = netipc_session_receive(s, UDS_WAIT_MS, NULL, &h, &p, &n) ==
                   NETIPC_OK &&
               uds_answer(s, &h, p, n) == NETIPC_OK;
  ok(served, "level 1: one request served");
  expect_reports(in, "GT", "level 1");
  uint64_t t0 = tp_now_ms();
  is_err(netipc_session_receive(s, 2 * NOTICE_MS, NULL, &h, &p, &n),
         NETIPC_ERR_SHM_FAULT, "level 1: the server's receive: SHM_FAULT");
  ok(tp_now_ms() - t0 < NOTICE_MS, "level 1: noticed within a wait slice");
  ok(netipc_session_is_broken(s), "level 1: that session is broken");
  netipc_session_destroy(s);
  expect_reports(in, "FH", "level 1");
  close(in);
  is_int(child_exit_code(pid), 0, "level 1: the child exited 0");
  is_int(shm_count_regions(run_dir), 0,
         "level 1: closing the session removed the truncated region");
  netipc_listener_destroy(l);
}

/* ---------------------------------------------------------------- */
/* A server truncates under the client                               */
/* ---------------------------------------------------------------- */

/* Child: a Level 1 server run by one-byte commands on a pipe:
 * a accept, r serve one request, w read one request without answering,
 * t truncate the current session's region, q quit. Each is acknowledged
 * with its upper case letter (lower case: failed). */
typedef struct rev_args {
  int cmd; /* read end of the parent's command pipe */
} rev_args;

static void
truncating_server(int out, const void *arg)
{
  const rev_args *a = arg;
  netipc_transport_config c;
  shm_cfg(&c, SVC_REV);
  c.auth_token = SVC_TOKEN;
  netipc_listener *l = NULL;
  if (netipc_listener_create(&c, &l) != NETIPC_OK)
    _exit(2);
  shm_pipe_signal(out, 'L');
  netipc_session *s = NULL;
  for (;;) {
    int cmd = shm_pipe_wait(a->cmd, CHILD_MS);
    netipc_header h;
    const void *p;
    size_t n;
    int good = 0;
    switch (cmd) {
    case 'a':
      netipc_session_destroy(s);
      s = NULL;
      good = netipc_listener_accept(l, UDS_WAIT_MS, NULL, &s) == NETIPC_OK;
      break;
    case 'r':
      good = netipc_session_receive(s, UDS_WAIT_MS, NULL, &h, &p, &n) ==
                 NETIPC_OK &&
             uds_answer(s, &h, p, n) == NETIPC_OK;
      break;
    case 'w':
      good = netipc_session_receive(s, UDS_WAIT_MS, NULL, &h, &p, &n) ==
             NETIPC_OK;
      break;
    case 't':
      good = s != NULL &&
             truncate_region(SVC_REV,
                             netipc_session_get_info(s)->session_id) == 0;
      break;
    default: /* 'q', or the parent is gone */
      netipc_session_destroy(s);
      netipc_listener_destroy(l);
      _exit(cmd == 'q' ? 0 : 1);
    }
    shm_pipe_signal(out, (char)(good ? cmd - 'a' + 'A' : cmd));
  }
}

/* Send cmd to the child and expect its acknowledgement. */
static int
command(int cmd_fd, int in, char cmd)
{
  return shm_pipe_signal(cmd_fd, cmd) == 0 &&
         shm_pipe_wait(in, CHILD_MS) == cmd - 'a' + 'A';
}

/* Connect to the child server (it accepts on command 'a'). */
static netipc_session *
rev_connect(int cmd_fd)
{
  netipc_transport_config c;
  shm_cfg(&c, SVC_REV);
  c.auth_token = SVC_TOKEN;
  if (shm_pipe_signal(cmd_fd, 'a') != 0)
    bail_out("command pipe");
  netipc_session *s = NULL;
  if (netipc_session_connect(&c, UDS_WAIT_MS, NULL, &s) != NETIPC_OK ||
      netipc_session_get_info(s)->selected_profile !=
          NETIPC_PROFILE_SHM_HYBRID)
    bail_out("no SHM session to the truncating server");
  return s;
}

/* The child server, forked before this process starts threads. */
typedef struct rev_child {
  pid_t pid;
  int cmd; /* write end: commands */
  int in;  /* read end: acknowledgements */
} rev_child;

static void
rev_fork(rev_child *r)
{
  int cmd[2];
  if (shm_pipe(cmd) != 0)
    bail_out("pipe");
  rev_args a = {.cmd = cmd[0]};
  r->pid = shm_fork_child(truncating_server, &a, &r->in);
  close(cmd[0]);
  r->cmd = cmd[1];
}

static void
test_server_truncates(const rev_child *r, netipc_client *other_uds,
                      netipc_client *other_shm)
{
  int cmd_fd = r->cmd;
  int in = r->in;
  pid_t pid = r->pid;
  is_int(shm_pipe_wait(in, CHILD_MS), 'L', "reverse: the child listens");

  netipc_session *s = rev_connect(cmd_fd);
  is_int(shm_pipe_wait(in, CHILD_MS), 'A', "reverse: session 1 accepted");
  ok(send_increment(s, 7) == NETIPC_OK && command(cmd_fd, in, 'r') &&
         recv_increment(s, 7),
     "reverse: a round trip before the truncation");
  ok(command(cmd_fd, in, 't'), "reverse: the server truncated its region");
  is_err(send_increment(s, 8), NETIPC_ERR_SHM_FAULT,
         "reverse: the client's send: SHM_FAULT");
  netipc_header h;
  const void *p;
  size_t n;
  is_err(netipc_session_receive(s, UDS_WAIT_MS, NULL, &h, &p, &n),
         NETIPC_ERR_SHM_FAULT, "reverse: and its receive");
  netipc_session_destroy(s);

  s = rev_connect(cmd_fd);
  is_int(shm_pipe_wait(in, CHILD_MS), 'A', "reverse: session 2 accepted");
  ok(send_increment(s, 9) == NETIPC_OK && command(cmd_fd, in, 'w'),
     "reverse: a request the server reads and never answers");
  ok(command(cmd_fd, in, 't'), "reverse: the server truncated that region");
  uint64_t t0 = tp_now_ms();
  is_err(netipc_session_receive(s, 2 * NOTICE_MS, NULL, &h, &p, &n),
         NETIPC_ERR_SHM_FAULT,
         "reverse: the client waiting for the answer: SHM_FAULT");
  ok(tp_now_ms() - t0 < NOTICE_MS, "reverse: noticed before the timeout");
  ok(netipc_session_is_broken(s), "reverse: that session is broken");
  netipc_session_destroy(s);

  ok(l2_call(other_uds, 10) && l2_call(other_shm, 11),
     "reverse: this process's other UDS and SHM sessions still work");
  ok(shm_pipe_signal(cmd_fd, 'q') == 0, "reverse: child told to quit");
  is_int(child_exit_code(pid), 0, "reverse: the child server exited 0");
  close(cmd_fd);
  close(in);
}

static void
test_server_truncates_with_others(void)
{
  rev_child child;
  rev_fork(&child);
  svc_handler hs;
  memset(&hs, 0, sizeof hs);
  netipc_server_config sc;
  svc_server_config(&sc, run_dir, SVC_L2, NETIPC_METHOD_INCREMENT, &hs);
  sc.supported_profiles = SHM_PROFILES_BOTH;
  sc.preferred_profiles = SHM_PREFERRED;
  netipc_server *srv = svc_server_start(&sc);
  netipc_client_config cc;
  svc_client_config(&cc, run_dir, SVC_L2);
  netipc_client *uds = svc_client_new(&cc, NETIPC_METHOD_INCREMENT);
  cc.supported_profiles = SHM_PROFILES_BOTH;
  cc.preferred_profiles = SHM_PREFERRED;
  cc.file_shm = true; /* these cases truncate and count region files */
  netipc_client *shm = svc_client_new(&cc, NETIPC_METHOD_INCREMENT);
  if (!svc_client_connect(uds, UDS_WAIT_MS) ||
      !svc_client_connect(shm, UDS_WAIT_MS))
    bail_out("reverse: other clients did not connect");
  test_server_truncates(&child, uds, shm);
  netipc_client_destroy(uds);
  netipc_client_destroy(shm);
  netipc_server_destroy(srv);
}

/* ---------------------------------------------------------------- */
/* SIGBUS outside any region                                         */
/* ---------------------------------------------------------------- */

static volatile sig_atomic_t seen_calls;
static volatile sig_atomic_t seen_code;
static void *volatile seen_addr;
static volatile sig_atomic_t jump_armed;
static sigjmp_buf jump_env;

static void
test_siginfo_handler(int sig, siginfo_t *info, void *ctx)
{
  (void)sig, (void)ctx;
  seen_calls++;
  seen_code = info->si_code;
  seen_addr = info->si_addr;
  if (jump_armed) {
    jump_armed = 0;
    siglongjmp(jump_env, 1); /* returning would fault again */
  }
}

static void
test_plain_handler(int sig)
{
  (void)sig;
  seen_calls++;
}

static void
set_handler(int siginfo)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sigemptyset(&sa.sa_mask);
  if (siginfo) {
    sa.sa_sigaction = test_siginfo_handler;
    sa.sa_flags = SA_SIGINFO;
  } else {
    sa.sa_handler = test_plain_handler;
  }
  if (sigaction(SIGBUS, &sa, NULL) != 0)
    bail_out("sigaction");
}

static void
set_disposition(void (*h)(int))
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sigemptyset(&sa.sa_mask);
  sa.sa_handler = h;
  sigaction(SIGBUS, &sa, NULL);
}

/* 1 when the current SIGBUS handler is test_siginfo_handler. */
static int
handler_is_test(void)
{
  struct sigaction now;
  return sigaction(SIGBUS, NULL, &now) == 0 && (now.sa_flags & SA_SIGINFO) &&
         now.sa_sigaction == test_siginfo_handler;
}

/* A page of a file the library knows nothing about, truncated under its
 * mapping: touching it is a genuine SIGBUS outside any region. */
static volatile uint8_t *
foreign_truncated_page(void)
{
  char path[128];
  snprintf(path, sizeof path, "%s/foreign.bin", run_dir);
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  void *m = MAP_FAILED;
  if (fd >= 0 && ftruncate(fd, PAGE_BYTES) == 0)
    m = mmap(NULL, PAGE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (fd < 0 || m == MAP_FAILED || ftruncate(fd, 0) != 0)
    bail_out("foreign mapping: %s", strerror(errno));
  close(fd);
  unlink(path);
  return m;
}

/* A pair of regions in this process, so the guard is installed. */
static void
region_pair(uint64_t sid, netipc__shm **srv, netipc__shm **cli)
{
  if (netipc__shm_create(run_dir, SVC_SIG, sid, RQ, RS, false, srv) !=
          NETIPC_OK ||
      netipc__shm_attach(run_dir, SVC_SIG, sid, RQ, RS, false, cli) !=
          NETIPC_OK)
    bail_out("signal test regions");
}

static void
test_chain_siginfo(void)
{
  set_handler(1);
  netipc__shm *srv = NULL, *cli = NULL;
  region_pair(1, &srv, &cli);
  ok(netipc__shm_guard_installed() && !handler_is_test(),
     "chain: the guard replaced the program's handler while regions exist");
  seen_calls = 0;
  raise(SIGBUS);
  ok(seen_calls == 1 && seen_code <= 0,
     "chain: a raised SIGBUS reaches the program's handler (code %d)",
     (int)seen_code);

  /* A sent signal may claim any address, even one inside a region: it is
   * still not a fault and must neither remap nor flag the region. */
  if (svc_under_valgrind()) {
    /* Valgrind queues a user-sent SIGBUS process-wide and delivers it
     * only at a later fault, which would also spoil the next case. */
    skip(1, "valgrind delivers a sent SIGBUS late");
  } else {
  siginfo_t forged;
  memset(&forged, 0, sizeof forged);
  forged.si_signo = SIGBUS;
  forged.si_code = SI_QUEUE;
  forged.si_addr = cli->base;
  seen_calls = 0;
  long rc = syscall(SYS_rt_tgsigqueueinfo, getpid(), (pid_t)syscall(SYS_gettid),
                    SIGBUS, &forged);
  /* Delivered at once natively; valgrind delivers at its next poll. */
  for (int i = 0; rc == 0 && seen_calls == 0 && i < NOTICE_MS; i++)
    tp_sleep_ms(1);
  ok(rc == 0 && seen_calls == 1 && !netipc__shm_guard_faulted(cli->guard_slot),
     "chain: a sent SIGBUS naming a region's address is passed on, the "
     "region stays intact (rc %ld, %d calls)", rc, (int)seen_calls);
  }

  volatile uint8_t *page = foreign_truncated_page();
  seen_calls = 0;
  seen_addr = NULL;
  if (sigsetjmp(jump_env, 1) == 0) {
    jump_armed = 1;
    (void)page[0];
    jump_armed = 0;
  }
  ok(seen_calls == 1 && seen_code == BUS_ADRERR &&
         seen_addr == (const void *)page,
     "chain: a fault in a mapping the library does not know reaches it, "
     "with its address (%d calls, code %d, %p for %p)", (int)seen_calls,
     (int)seen_code, seen_addr, (void *)page);
  munmap((void *)page, PAGE_BYTES);

  netipc__shm_destroy(cli);
  netipc__shm_destroy(srv);
  ok(!netipc__shm_guard_installed() && handler_is_test(),
     "chain: the last region restores the program's handler");

  /* A program that installs its own handler over ours keeps it. */
  region_pair(2, &srv, &cli);
  set_disposition(test_plain_handler);
  netipc__shm_destroy(cli);
  netipc__shm_destroy(srv);
  struct sigaction now;
  ok(sigaction(SIGBUS, NULL, &now) == 0 &&
         now.sa_handler == test_plain_handler,
     "chain: a handler installed over the guard is not undone");
  set_disposition(SIG_DFL);
}

static void
test_chain_plain(void)
{
  set_handler(0);
  netipc__shm *srv = NULL, *cli = NULL;
  region_pair(3, &srv, &cli);
  seen_calls = 0;
  raise(SIGBUS);
  ok(seen_calls == 1, "chain: a plain sa_handler is called too");
  netipc__shm_destroy(cli);
  netipc__shm_destroy(srv);
  set_disposition(SIG_DFL);
}

/* Children for the dispositions that end or ignore a process. */
typedef struct disposition_case {
  void (*previous)(int); /* SIG_DFL or SIG_IGN */
  int fault;             /* 1: touch a foreign truncated page; 0: raise */
  uint64_t sid;
} disposition_case;

static void
disposition_child(int out, const void *arg)
{
  const disposition_case *d = arg;
  (void)out;
  set_disposition(d->previous);
  netipc__shm *srv = NULL, *cli = NULL;
  region_pair(d->sid, &srv, &cli);
  if (d->fault) {
    volatile uint8_t *page = foreign_truncated_page();
    (void)page[0];
  } else {
    raise(SIGBUS);
  }
  netipc__shm_destroy(cli);
  netipc__shm_destroy(srv);
  _exit(CHILD_OK);
}

/* Run a disposition child; returns its raw wait status, or -1. */
static int
disposition_run(void (*previous)(int), int fault, uint64_t sid)
{
  disposition_case d = {previous, fault, sid};
  int in = -1, st = 0;
  pid_t pid = shm_fork_child(disposition_child, &d, &in);
  if (pid < 0)
    return -1;
  close(in);
  return shm_reap(pid, CHILD_MS, &st) ? st : -1;
}

static void
test_chain_default(void)
{
  int st = disposition_run(SIG_DFL, 0, 4);
  ok(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS,
     "chain: SIG_DFL before, a raised SIGBUS still kills (status %#x)", st);
  st = disposition_run(SIG_DFL, 1, 5);
  ok(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS,
     "chain: SIG_DFL before, a foreign fault still kills (status %#x)", st);
  st = disposition_run(SIG_IGN, 0, 6);
  ok(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == CHILD_OK,
     "chain: SIG_IGN before, a raised SIGBUS is still ignored (status %#x)",
     st);
  st = disposition_run(SIG_IGN, 1, 7);
  ok(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS,
     "chain: SIG_IGN before, a fault kills as the kernel would (status %#x)",
     st);
}

/* The previous handler runs as the kernel would have run it: under its
 * own sa_mask, and once only with SA_RESETHAND. */
static volatile sig_atomic_t seen_usr1_blocked;

static void
test_mask_handler(int sig)
{
  (void)sig;
  sigset_t cur;
  pthread_sigmask(SIG_BLOCK, NULL, &cur);
  seen_usr1_blocked = sigismember(&cur, SIGUSR1);
  seen_calls++;
}

static void
set_previous(int flags)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGUSR1);
  sa.sa_handler = test_mask_handler;
  sa.sa_flags = flags;
  if (sigaction(SIGBUS, &sa, NULL) != 0)
    bail_out("sigaction");
}

static void
resethand_child(int out, const void *arg)
{
  (void)arg;
  set_previous(SA_RESETHAND);
  netipc__shm *srv = NULL, *cli = NULL;
  region_pair(10, &srv, &cli);
  seen_calls = 0;
  raise(SIGBUS);
  char calls = (char)seen_calls;
  if (write(out, &calls, 1) != 1)
    _exit(CHILD_FAILED);
  raise(SIGBUS); /* reset to SIG_DFL by the first: this one kills */
  _exit(CHILD_OK);
}

static void
test_chain_flags(void)
{
  set_previous(0);
  netipc__shm *srv = NULL, *cli = NULL;
  region_pair(9, &srv, &cli);
  seen_calls = 0;
  seen_usr1_blocked = 0;
  raise(SIGBUS);
  sigset_t cur;
  pthread_sigmask(SIG_BLOCK, NULL, &cur);
  ok(seen_calls == 1 && seen_usr1_blocked == 1 && !sigismember(&cur, SIGUSR1),
     "chain: the previous handler runs under its own sa_mask, restored after");
  netipc__shm_destroy(cli);
  netipc__shm_destroy(srv);
  set_disposition(SIG_DFL);

  int in = -1, st = 0;
  char calls = 0;
  pid_t pid = shm_fork_child(resethand_child, NULL, &in);
  if (pid < 0)
    bail_out("fork");
  ssize_t n = read(in, &calls, 1);
  close(in);
  int reaped = shm_reap(pid, CHILD_MS, &st);
  ok(n == 1 && calls == 1 && reaped && WIFSIGNALED(st) &&
         WTERMSIG(st) == SIGBUS,
     "chain: an SA_RESETHAND handler runs once, the next SIGBUS kills "
     "(calls %d, status %#x)",
     calls, st);
}

/* Child: with the guard turned off, a truncated region faults into the
 * program's own handler and the library installs nothing. */
static void
opt_out_child(int out, const void *arg)
{
  (void)out, (void)arg;
  set_handler(1);
  netipc_shm_sigbus_guard(false);
  netipc__shm *srv = NULL, *cli = NULL;
  region_pair(8, &srv, &cli);
  int bits = 0;
  if (netipc__shm_guard_installed() || !handler_is_test())
    bits |= 1;
  if (truncate_region(SVC_SIG, 8) != 0)
    bits |= 2;
  /* Under valgrind this load of a truncated page did not fault at all;
   * only the first half (nothing installed) is checked there. */
  if (svc_under_valgrind()) {
    netipc__shm_destroy(cli);
    netipc__shm_destroy(srv);
    _exit(bits);
  }
  seen_calls = 0;
  if (sigsetjmp(jump_env, 1) == 0) {
    jump_armed = 1;
    (void)*(volatile uint8_t *)cli->base;
    jump_armed = 0;
  }
  if (seen_calls != 1)
    bits |= 4;
  if (seen_addr != (void *)cli->base)
    bits |= 8;
  netipc__shm_destroy(cli);
  netipc__shm_destroy(srv);
  _exit(bits);
}

static void
test_opt_out(void)
{
  int in = -1, st = 0;
  pid_t pid = shm_fork_child(opt_out_child, NULL, &in);
  if (pid >= 0)
    close(in);
  int reaped = pid >= 0 && shm_reap(pid, CHILD_MS, &st);
  is_int(reaped && WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0,
         "opt-out: no handler installed, and a truncated region's fault "
         "reaches the program's own handler");
}

/*
 * Valgrind grows the main thread's stack lazily and cannot grow it while
 * it pushes a signal frame, so the first SIGBUS on a shallow stack would
 * kill the program there ("Can't extend stack"). Touch some stack first.
 * (Resuming after a fault under valgrind also needs
 * --vex-iropt-register-updates=allregs-at-mem-access.)
 */
#define STACK_PREFAULT_BYTES 65536

static void
stack_prefault(void)
{
  volatile uint8_t pages[STACK_PREFAULT_BYTES];
  for (size_t i = 0; i < sizeof pages; i += PAGE_BYTES)
    pages[i] = 0;
}

int
main(void)
{
  svc_alarm();
  stack_prefault();
  plan(PLAN);
  uds_rundir_make(run_dir, sizeof run_dir, "shm-truncate");
  test_direct();
  test_client_truncates_managed();
  test_client_truncates_level1();
  test_server_truncates_with_others();
  test_chain_siginfo();
  test_chain_plain();
  test_chain_default();
  test_chain_flags();
  test_opt_out();
  uds_rundir_remove(run_dir);
  return exit_status();
}
