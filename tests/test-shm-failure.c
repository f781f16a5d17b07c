/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-shm-failure.c - SHM sessions when things go wrong (posix-shm.md
 * 5.1, 5.2, 6.1, 12, 14): a peer process killed while the other side
 * waits, timeouts, abort from another thread, a client that cannot attach
 * (and reconnects on UDS), and a server whose region cannot be allocated.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include "tp-atomic.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netipc/codec.h>
#include <netipc/transport.h>

#include "transport/posix/posix-shm-internal.h"

#include "shm-helpers.h"
#include "tap.h"

#define PLAN 50

#define LONG_WAIT_MS 20000u /* a receive that must end long before this */
#define SHORT_MS 300u
#define KILL_DELAY_MS 200u

static char run_dir[64];

/* ---------------------------------------------------------------- */
/* fallocate override: the library in this program calls this one    */
/* ---------------------------------------------------------------- */

static atomic_int fallocate_fail;
static atomic_int fallocate_calls;

int
fallocate(int fd, int mode, off_t offset, off_t len)
{
  atomic_fetch_add(&fallocate_calls, 1);
  if (atomic_load(&fallocate_fail)) {
    errno = ENOSPC;
    return -1;
  }
  return (int)syscall(SYS_fallocate, fd, mode, offset, len);
}

/* ---------------------------------------------------------------- */

static void
shm_cfg(netipc_transport_config *c, const char *svc, uint32_t supported)
{
  shm_config(c, run_dir, svc, supported,
             supported & NETIPC_PROFILE_SHM_HYBRID, 1024, 1024);
}

static netipc_listener *
listener(const char *svc, uint32_t supported)
{
  netipc_transport_config c;
  shm_cfg(&c, svc, supported);
  netipc_listener *l = NULL;
  netipc_err err = netipc_listener_create(&c, &l);
  if (err != NETIPC_OK)
    bail_out("listener %s: %s", svc, netipc_err_name(err));
  return l;
}

static int
is_shm(netipc_session *s)
{
  return s != NULL && netipc_session_get_info(s)->selected_profile ==
                          NETIPC_PROFILE_SHM_HYBRID;
}

static netipc_err
send_increment(netipc_session *c, uint64_t id)
{
  uint8_t buf[8];
  size_t n;
  netipc_header h;
  netipc_increment_encode(id, buf, sizeof buf, &n);
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, id);
  return netipc_session_send(c, &h, buf, n);
}

static netipc_err
receive(netipc_session *s, uint32_t timeout_ms, const netipc_abort *abort,
        netipc_header *h, uint64_t *ms)
{
  const void *p;
  size_t n;
  netipc_header tmp;
  uint64_t t0 = uds_now_ms();
  netipc_err err = netipc_session_receive(s, timeout_ms, abort,
                                          h != NULL ? h : &tmp, &p, &n);
  if (ms != NULL)
    *ms = uds_now_ms() - t0;
  return err;
}

static int
killed_by_sigkill(int status)
{
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

/* ---------------------------------------------------------------- */
/* Peer killed while the other side waits (posix-shm.md 12)          */
/* ---------------------------------------------------------------- */

static void
open_shm_pair(uds_pair *p, netipc_listener *l, const char *svc)
{
  netipc_transport_config c;
  shm_cfg(&c, svc, SHM_PROFILES_BOTH);
  uds_pair_open(p, l, &c, 1);
  if (p->err != NETIPC_OK || !is_shm(p->client) || !is_shm(p->server))
    bail_out("no SHM pair for %s: %s", svc, netipc_err_name(p->err));
}

static uint64_t
pair_sid(const uds_pair *p)
{
  return p->server != NULL ? netipc_session_get_info(p->server)->session_id
                           : 0;
}

/*
 * A server restarted after a crash: startup cleanup removes the dead
 * instance's region, and session ids restart at 1, so creation meets
 * leftovers by name (posix-shm.md 11); a live region there withdraws SHM
 * for that one handshake (5.1, 5.2 step 4).
 */
static void
test_restart(const char *svc, pid_t dead, const char *leftover)
{
  netipc_listener *l = listener(svc, SHM_PROFILES_BOTH);
  ok(!shm_exists(leftover),
     "the restarted server's startup cleanup removed the leftover region");
  uds_pair p;
  open_shm_pair(&p, l, svc);
  ok(pair_sid(&p) == 1 && uds_pair_round_trip(&p, 1),
     "session 1 of the restarted server runs on SHM");
  uds_pair_close(&p);

  char path2[256], path3[256];
  uint8_t h[64];
  shm_region_path(run_dir, svc, 2, path2, sizeof path2);
  if (shm_write_fake_region(path2, dead, 1, NETIPC__SHM_MAGIC, 64, 64) != 0)
    bail_out("cannot write %s", path2);
  open_shm_pair(&p, l, svc);
  ok(pair_sid(&p) == 2 && uds_pair_round_trip(&p, 2) &&
         shm_read_header(path2, h) == 0 &&
         (pid_t)(int32_t)shm_ld32(h + SHM_H_OWNER_PID) == getpid(),
     "a dead leftover at session 2's name is replaced by a fresh region");
  uds_pair_close(&p);

  netipc__shm *live = NULL;
  if (netipc__shm_create(run_dir, svc, 3, 64, 64, false, &live) != NETIPC_OK)
    bail_out("cannot create a live region for session 3");
  uint8_t before[64];
  shm_region_path(run_dir, svc, 3, path3, sizeof path3);
  shm_read_header(path3, before);
  netipc_transport_config c;
  shm_cfg(&c, svc, SHM_PROFILES_BOTH);
  uds_pair_open(&p, l, &c, 1);
  ok(p.err == NETIPC_OK && pair_sid(&p) == 3 &&
         netipc_session_get_info(p.client)->selected_profile ==
             NETIPC_PROFILE_UDS_SEQPACKET &&
         uds_pair_round_trip(&p, 3),
     "a live region at session 3's name: that session runs on UDS (%s)",
     tap_err_name(p.err));
  ok(shm_read_header(path3, h) == 0 && memcmp(h, before, 64) == 0,
     "the live region was not touched");
  uds_pair_close(&p);
  ok(shm_exists(path3), "closing the UDS session left the live region");
  netipc__shm_destroy(live);
  netipc_listener_destroy(l);
}

static _Noreturn void
child_server(int out_fd, const void *arg)
{
  const char *svc = arg;
  alarm(30);
  netipc_transport_config c;
  shm_cfg(&c, svc, SHM_PROFILES_BOTH);
  netipc_listener *l = NULL;
  netipc_session *s = NULL;
  netipc_header h;
  if (netipc_listener_create(&c, &l) != NETIPC_OK) {
    shm_pipe_signal(out_fd, 'F');
    _exit(1);
  }
  shm_pipe_signal(out_fd, 'L');
  if (netipc_listener_accept(l, UDS_WAIT_MS, NULL, &s) != NETIPC_OK ||
      receive(s, UDS_WAIT_MS, NULL, &h, NULL) != NETIPC_OK) {
    shm_pipe_signal(out_fd, 'F');
    _exit(1);
  }
  shm_pipe_signal(out_fd, 'R'); /* holds the request, never answers */
  for (;;)
    pause();
}

static void
test_server_killed(void)
{
  const char *svc = "fail-srv-kill";
  int from_child;
  pid_t pid = shm_fork_child(child_server, svc, &from_child);
  if (pid < 0)
    bail_out("fork");
  if (shm_pipe_wait(from_child, UDS_WAIT_MS) != 'L')
    diag("the child server did not start");
  netipc_transport_config c;
  shm_cfg(&c, svc, SHM_PROFILES_BOTH);
  netipc_session *cs = NULL;
  netipc_err err = netipc_session_connect(&c, UDS_WAIT_MS, NULL, &cs);
  ok(err == NETIPC_OK && is_shm(cs),
     "client connected on SHM to a server process (%s)", tap_err_name(err));
  err = cs != NULL ? send_increment(cs, 1) : err;
  is_err(err, NETIPC_OK, "request published");
  is_int(shm_pipe_wait(from_child, UDS_WAIT_MS), 'R',
         "the server process holds the request");

  shm_delayed killer = {.delay_ms = KILL_DELAY_MS, .pid = pid};
  shm_delayed_start(&killer);
  err = cs != NULL ? receive(cs, LONG_WAIT_MS, NULL, NULL, NULL) : err;
  shm_delayed_join(&killer);
  is_err(err, NETIPC_ERR_DISCONNECTED,
         "client waiting for the response sees the killed server");
  ok(cs != NULL && netipc_session_is_broken(cs), "the client session is broken");
  int status = 0;
  ok(shm_reap(pid, UDS_WAIT_MS, &status) && killed_by_sigkill(status),
     "the server process died of SIGKILL");
  close(from_child);

  char path[256];
  shm_region_path(run_dir, svc, 1, path, sizeof path);
  ok(shm_exists(path), "the killed server left its region behind");
  netipc_session_destroy(cs);
  ok(shm_exists(path), "the client did not unlink it");
  test_restart(svc, pid, path);
}

static _Noreturn void
child_client(int out_fd, const void *arg)
{
  const char *svc = arg;
  alarm(30);
  netipc_transport_config c;
  shm_cfg(&c, svc, SHM_PROFILES_BOTH);
  netipc_session *s = NULL;
  netipc_err err = netipc_session_connect(&c, UDS_WAIT_MS, NULL, &s);
  shm_pipe_signal(out_fd, err == NETIPC_OK && is_shm(s) ? 'C' : 'F');
  for (;;)
    pause();
}

static void
test_client_killed(void)
{
  const char *svc = "fail-cli-kill";
  netipc_listener *l = listener(svc, SHM_PROFILES_BOTH);
  int from_child;
  pid_t pid = shm_fork_child(child_client, svc, &from_child);
  if (pid < 0)
    bail_out("fork");
  netipc_session *ss = NULL;
  netipc_err err = netipc_listener_accept(l, UDS_WAIT_MS, NULL, &ss);
  ok(err == NETIPC_OK && is_shm(ss), "server accepted an SHM client process");
  is_int(shm_pipe_wait(from_child, UDS_WAIT_MS), 'C',
         "the client process attached");
  char path[256] = "";
  if (ss != NULL)
    shm_region_path(run_dir, svc, netipc_session_get_info(ss)->session_id,
                    path, sizeof path);

  shm_delayed killer = {.delay_ms = KILL_DELAY_MS, .pid = pid};
  shm_delayed_start(&killer);
  err = ss != NULL ? receive(ss, LONG_WAIT_MS, NULL, NULL, NULL) : err;
  shm_delayed_join(&killer);
  is_err(err, NETIPC_ERR_DISCONNECTED,
         "server waiting for a request sees the killed client");
  int status = 0;
  ok(shm_reap(pid, UDS_WAIT_MS, &status) && killed_by_sigkill(status),
     "the client process died of SIGKILL");
  close(from_child);
  ok(shm_exists(path), "the region exists until the server session ends");
  netipc_session_destroy(ss);
  ok(!shm_exists(path), "destroying the server session unlinks it");
  netipc_listener_destroy(l);
}

/* ---------------------------------------------------------------- */
/* Timeout and abort                                                 */
/* ---------------------------------------------------------------- */

static void
test_timeout_abort(void)
{
  const char *svc = "fail-quiet";
  netipc_listener *l = listener(svc, SHM_PROFILES_BOTH);
  uds_pair p;
  uint64_t ms = 0;

  open_shm_pair(&p, l, svc);
  is_err(receive(p.server, SHORT_MS, NULL, NULL, &ms), NETIPC_ERR_TIMEOUT,
         "server: no request within %u ms", SHORT_MS);
  ok(ms + 5u >= SHORT_MS, "server: waited the whole timeout (%llu ms)",
     (unsigned long long)ms);
  is_err(send_increment(p.client, 3), NETIPC_OK, "client: request sent");
  is_err(receive(p.client, SHORT_MS, NULL, NULL, &ms), NETIPC_ERR_TIMEOUT,
         "client: silent server, no response within %u ms", SHORT_MS);
  ok(ms + 5u >= SHORT_MS, "client: waited the whole timeout (%llu ms)",
     (unsigned long long)ms);
  uds_pair_close(&p);

  netipc_abort *ab = NULL;
  if (netipc_abort_create(&ab) != NETIPC_OK)
    bail_out("abort handle");
  open_shm_pair(&p, l, svc);
  shm_delayed d = {.delay_ms = KILL_DELAY_MS, .abort = ab};
  shm_delayed_start(&d);
  netipc_err err = receive(p.server, LONG_WAIT_MS, ab, NULL, NULL);
  shm_delayed_join(&d);
  is_err(err, NETIPC_ERR_ABORTED, "server: abort from another thread");
  netipc_abort_clear(ab);

  is_err(send_increment(p.client, 4), NETIPC_OK, "client: request sent");
  d.abort = ab;
  shm_delayed_start(&d);
  err = receive(p.client, LONG_WAIT_MS, ab, NULL, NULL);
  shm_delayed_join(&d);
  is_err(err, NETIPC_ERR_ABORTED, "client: abort from another thread");
  uds_pair_close(&p);

  open_shm_pair(&p, l, svc);
  is_err(receive(p.server, LONG_WAIT_MS, ab, NULL, &ms), NETIPC_ERR_ABORTED,
         "a signalled abort ends the wait at once");
  netipc_abort_clear(ab);
  uds_pair_close(&p);

  /* A clean session still works after all that. */
  open_shm_pair(&p, l, svc);
  ok(uds_pair_round_trip(&p, 10), "a fresh SHM session works");
  uds_pair_close(&p);
  netipc_abort_destroy(ab);
  netipc_listener_destroy(l);
}

/* ---------------------------------------------------------------- */
/* Attach failure (posix-shm.md 6.1)                                 */
/* ---------------------------------------------------------------- */

static void
test_attach_failure(void)
{
  const char *svc = "fail-attach";
  const uint64_t sid = 77;
  /* The region for sid exists but its areas cannot hold the agreed 1024
   * bytes: attach fails at once, without the 5 s retries. */
  netipc__shm *small = NULL;
  if (netipc__shm_create(run_dir, svc, sid, 16, 16, false, &small) != NETIPC_OK)
    bail_out("cannot create the small region");
  int lfd = uds_raw_listen(run_dir, svc);
  if (lfd < 0)
    bail_out("raw listener");

  netipc_hello_ack a;
  memset(&a, 0, sizeof a);
  a.layout_version = NETIPC_LAYOUT_VERSION;
  a.server_supported_profiles = SHM_PROFILES_BOTH;
  a.intersection_profiles = SHM_PROFILES_BOTH;
  a.selected_profile = NETIPC_PROFILE_SHM_HYBRID;
  a.agreed_max_request_payload_bytes = 1024;
  a.agreed_max_request_batch_items = 1;
  a.agreed_max_response_payload_bytes = 1024;
  a.agreed_max_response_batch_items = 1;
  a.agreed_packet_size = 65536;
  a.session_id = sid;
  uint8_t ack[NETIPC_HELLO_ACK_MSG_LEN];
  netipc_hello_ack_message_encode(&a, NETIPC_STATUS_OK, ack, sizeof ack);

  uds_raw_peer peer;
  uds_raw_peer_init(&peer, lfd);
  peer.ack = ack;
  peer.ack_len = sizeof ack;
  peer.linger_ms = UDS_WAIT_MS;
  uds_raw_peer_start(&peer);
  netipc_transport_config c;
  shm_cfg(&c, svc, SHM_PROFILES_BOTH);
  netipc_session *cs = NULL;
  netipc_err err = netipc_session_connect(&c, UDS_WAIT_MS, NULL, &cs);
  uds_raw_peer_join(&peer);
  is_err(err, NETIPC_ERR_SHM_ATTACH, "client: OK ack for SHM, region unusable");
  ok(cs == NULL, "no session is returned");
  ok(!peer.failed && peer.saw_eof, "the client closed the socket");
  ok(peer.hello.supported_profiles == SHM_PROFILES_BOTH &&
         peer.hello.preferred_profiles == NETIPC_PROFILE_SHM_HYBRID,
     "the HELLO offered 0x03, preferred 0x02");
  char path[256];
  shm_region_path(run_dir, svc, sid, path, sizeof path);
  ok(shm_exists(path), "the client did not unlink the server's region");
  netipc_session_destroy(cs);

  /* Reconnect without SHM: the baseline serves (posix-shm.md 6.1). */
  uint8_t resp[NETIPC_HEADER_LEN + 8];
  uint8_t val[8];
  size_t n;
  netipc_increment_encode(6, val, sizeof val, &n);
  netipc_header rh;
  netipc_header_init(&rh, NETIPC_KIND_RESPONSE, NETIPC_METHOD_INCREMENT, 5);
  rh.payload_len = 8;
  uds_msg_build(resp, sizeof resp, &rh, val, n);
  uds_raw_peer_init(&peer, lfd);
  peer.rsmax = 1024;
  peer.read_records = 1;
  uds_raw_peer_add(&peer, resp, sizeof resp, 0);
  peer.linger_ms = UDS_WAIT_MS;
  uds_raw_peer_start(&peer);
  shm_cfg(&c, svc, NETIPC_PROFILE_UDS_SEQPACKET);
  err = netipc_session_connect(&c, UDS_WAIT_MS, NULL, &cs);
  ok(err == NETIPC_OK && cs != NULL &&
         netipc_session_get_info(cs)->selected_profile ==
             NETIPC_PROFILE_UDS_SEQPACKET,
     "reconnect with 0x01 only runs on UDS (%s)", tap_err_name(err));
  netipc_header h;
  uint64_t v = 0;
  const void *p = NULL;
  if (err == NETIPC_OK)
    err = send_increment(cs, 5);
  if (err == NETIPC_OK)
    err = netipc_session_receive(cs, UDS_WAIT_MS, NULL, &h, &p, &n);
  ok(err == NETIPC_OK && netipc_increment_decode(p, n, &v) == NETIPC_OK &&
         v == 6 && h.message_id == 5,
     "a round trip over the socket works (%s)", tap_err_name(err));
  netipc_session_destroy(cs);
  uds_raw_peer_join(&peer);
  ok(!peer.failed && peer.records == 1 &&
         peer.hello.supported_profiles == NETIPC_PROFILE_UDS_SEQPACKET,
     "the raw server saw a 0x01 HELLO and one request record");
  close(lfd);
  netipc__shm_destroy(small);
}

/* ---------------------------------------------------------------- */
/* Disk full at creation (posix-shm.md 5.2 step 5, 5.1)              */
/* ---------------------------------------------------------------- */

static void
test_nospace(void)
{
  const char *svc = "fail-nospace";
  netipc__shm *s = NULL;
  atomic_store(&fallocate_calls, 0);
  atomic_store(&fallocate_fail, 1);
  is_err(netipc__shm_create(run_dir, svc, 1, 1024, 1024, false, &s),
         NETIPC_ERR_NOSPACE, "create: fallocate ENOSPC is an allocation error");
  ok(atomic_load(&fallocate_calls) > 0, "the library called fallocate");
  is_int(shm_count_regions(run_dir), 0, "no region file left behind");
  atomic_store(&fallocate_fail, 0);

  /* The real fallocate failing with EFBIG under RLIMIT_FSIZE. */
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0)
    bail_out("fork");
  if (pid == 0) {
    alarm(30);
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl = {.rlim_cur = 4096, .rlim_max = 4096};
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
      _exit(2);
    netipc__shm *cs = NULL;
    netipc_err err = netipc__shm_create(run_dir, svc, 2, 65536, 65536, false, &cs);
    netipc__shm_destroy(cs);
    _exit(err == NETIPC_OK ? 3 : err == NETIPC_ERR_NOSPACE ? 0 : 4);
  }
  int status = 0;
  int reaped = shm_reap(pid, UDS_WAIT_MS, &status);
  is_int(reaped && WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0,
         "create under RLIMIT_FSIZE: NOSPACE (exit 0; 3 = created, 4 = other)");
  is_int(shm_count_regions(run_dir), 0, "still no region file");

  /* A server whose region fails withdraws SHM for that handshake. */
  netipc_listener *l = listener(svc, SHM_PROFILES_BOTH);
  netipc_transport_config c;
  shm_cfg(&c, svc, SHM_PROFILES_BOTH);
  uds_pair p;
  atomic_store(&fallocate_calls, 0);
  atomic_store(&fallocate_fail, 1);
  uds_pair_open(&p, l, &c, 1);
  atomic_store(&fallocate_fail, 0);
  ok(p.err == NETIPC_OK && atomic_load(&fallocate_calls) > 0,
     "server tried a region, the session still opened (%s)",
     tap_err_name(p.err));
  ok(p.client != NULL && p.server != NULL &&
         netipc_session_get_info(p.client)->selected_profile ==
             NETIPC_PROFILE_UDS_SEQPACKET &&
         netipc_session_get_info(p.server)->selected_profile ==
             NETIPC_PROFILE_UDS_SEQPACKET,
     "both sides fell back to UDS_SEQPACKET");
  ok(p.client != NULL &&
         netipc_session_get_info(p.client)->server_supported_profiles ==
             NETIPC_PROFILE_UDS_SEQPACKET,
     "the ack withdrew SHM from the server's profiles");
  is_int(shm_count_regions(run_dir), 0, "no region file");
  ok(uds_pair_round_trip(&p, 20) && uds_pair_round_trip(&p, 21),
     "round trips on UDS");
  uds_pair_close(&p);

  uds_pair_open(&p, l, &c, 1);
  ok(p.err == NETIPC_OK && is_shm(p.client) && is_shm(p.server) &&
         uds_pair_round_trip(&p, 22),
     "with fallocate working again the next session is on SHM");
  uds_pair_close(&p);
  netipc_listener_destroy(l);
}

int
main(void)
{
  uds_safety_alarm();
  plan(PLAN);
  uds_rundir_make(run_dir, sizeof run_dir, "shm-fail");
  test_server_killed();
  test_client_killed();
  test_timeout_abort();
  test_attach_failure();
  test_nospace();
  is_int(shm_count_regions(run_dir), 0, "no region file left at the end");
  uds_rundir_remove(run_dir);
  return exit_status();
}
