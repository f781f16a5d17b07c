/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-shm-region.c - the SHM region file itself (posix-shm.md 2-11):
 * creation errors, attach validation against corrupted headers, corrupted
 * lengths, sequences and messages at runtime, and stale region detection
 * by startup cleanup and by creation on EEXIST.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include "tp-atomic.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netipc/codec.h>
#include <netipc/transport.h>

#include "transport/posix/posix-shm-internal.h"

#include "shm-helpers.h"
#include "tap.h"

#define PLAN 118

#define RQ 1000u /* direct regions: request capacity 1088 */
#define RS 5000u /* direct regions: response capacity 5056 */
#define REQ_CAP 1088u
#define RESP_CAP 5056u
#define RESP_OFF (64u + REQ_CAP)
#define SIZE (RESP_OFF + RESP_CAP)

#define RT_RQMAX 4000u /* runtime listener: request area 4032 */
#define RT_RSMAX 4000u
#define RT_CLIENT_RQ 1000u /* agreed request limit, below the area */

/* A uid no test file belongs to (nobody): tests run as root and chown. */
#define FOREIGN_UID 65534

/* An attach failure without the 5 s retry loop is far below this. */
#define QUICK_MS 2500u
#define RETRY_MIN_MS 4000u

static char run_dir[64];

static const char *const SVC = "reg";
static const char *const SVC_RT = "rt";
static const char *const SVC_STALE = "stale";

/* ---------------------------------------------------------------- */
/* Creation                                                          */
/* ---------------------------------------------------------------- */

static void
test_create(void)
{
  netipc__shm *s = NULL;
  is_err(netipc__shm_create(run_dir, "bad/name", 1, RQ, RS, false, &s),
         NETIPC_ERR_BAD_NAME, "create: bad service name");
  char longname[251];
  memset(longname, 'n', sizeof longname - 1);
  longname[sizeof longname - 1] = '\0';
  is_err(netipc__shm_create(run_dir, longname, 1, RQ, RS, false, &s),
         NETIPC_ERR_PATH_TOO_LONG, "create: path of 256 bytes or more");
  is_err(netipc__shm_create(run_dir, SVC, 1, UINT32_MAX - 8u, RS, false, &s),
         NETIPC_ERR_INVALID_ARG, "create: capacity overflow");
  is_err(netipc__shm_create("/nonexistent/netipc-dir", SVC, 1, RQ, RS, false, &s),
         NETIPC_ERR_SYSTEM, "create: run_dir cannot be opened");
  is_int(shm_count_regions(run_dir), 0, "failed creations leave no file");
}

/* ---------------------------------------------------------------- */
/* Attach validation                                                 */
/* ---------------------------------------------------------------- */

static uint8_t saved_header[64];

static void
restore_header(const char *path)
{
  if (shm_patch(path, 0, saved_header, sizeof saved_header) != 0)
    bail_out("cannot restore the header of %s", path);
}

/* Attach once with the given limits; returns the error, *ms the time. */
static netipc_err
try_attach(uint32_t rq, uint32_t rs, uint64_t *ms)
{
  netipc__shm *a = NULL;
  uint64_t t0 = uds_now_ms();
  netipc_err err = netipc__shm_attach(run_dir, SVC, 1, rq, rs, false, &a);
  *ms = uds_now_ms() - t0;
  netipc__shm_destroy(a);
  return err;
}

static void
expect_quick_failure(const char *path, uint32_t rq, uint32_t rs,
                     const char *what)
{
  uint64_t ms = 0;
  is_err(try_attach(rq, rs, &ms), NETIPC_ERR_SHM_ATTACH, "attach: %s", what);
  ok(ms < QUICK_MS, "attach: %s fails at once (%llu ms, no retries)", what,
     (unsigned long long)ms);
  restore_header(path);
}

/* Attach through the client hook, as a session does: the owner is the
 * uid of conn's peer (SO_PEERCRED). */
static netipc_err
hook_attach(int conn, uint64_t *ms)
{
  netipc__shm_params p;
  memset(&p, 0, sizeof p);
  p.run_dir = run_dir;
  p.service = SVC;
  p.session_id = 1;
  p.request_limit = RQ;
  p.response_limit = RS;
  p.conn = conn;
  netipc__shm *a = NULL;
  uint64_t t0 = tp_now_ms();
  netipc_err err = netipc__shm_client_open(&p, &a);
  *ms = tp_now_ms() - t0;
  netipc__shm_destroy(a);
  return err;
}

/* The region must belong to the server's uid (the socket peer's). */
static void
test_attach_owner(const char *path)
{
  int sv[2], pfd[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0 ||
      pipe(pfd) != 0)
    bail_out("socketpair/pipe: %s", strerror(errno));
  uint64_t ms;
  is_err(hook_attach(sv[0], &ms), NETIPC_OK,
         "client hook: a region of the socket peer's uid attaches");
  is_err(hook_attach(pfd[0], &ms), NETIPC_ERR_SHM_ATTACH,
         "client hook: no peer credentials (not a socket): refused");
  if (geteuid() != 0) {
    /* Only root can plant another uid's file; as root a failed chown
     * fails below instead of skipping. */
    skip(5, "not root: cannot chown a region to another uid");
    close(sv[0]);
    close(sv[1]);
    close(pfd[0]);
    close(pfd[1]);
    return;
  }
  int chowned = chown(path, FOREIGN_UID, (gid_t)-1) == 0;
  ok(chowned, "region chown()ed to uid %d (%s)", FOREIGN_UID,
     chowned ? "done" : strerror(errno));
  uint64_t t0 = tp_now_ms();
  netipc__shm *cli = NULL;
  is_err(chowned ? netipc__shm_attach(run_dir, SVC, 1, RQ, RS, false, &cli)
                 : NETIPC_ERR_SYSTEM,
         NETIPC_ERR_SHM_ATTACH, "a region owned by another uid: refused");
  ok(tp_now_ms() - t0 < QUICK_MS, "...at once, not retried");
  is_err(chowned ? hook_attach(sv[0], &ms) : NETIPC_ERR_SYSTEM,
         NETIPC_ERR_SHM_ATTACH,
         "client hook: a region not owned by the socket peer: refused");
  /* The same file is fine for a server that runs as that uid. */
  is_err(chowned ? netipc__shm_attach_owned(run_dir, SVC, 1, RQ, RS, false,
                                            FOREIGN_UID, &cli)
                 : NETIPC_ERR_SYSTEM,
         NETIPC_OK, "expecting uid %d, the same file attaches", FOREIGN_UID);
  netipc__shm_destroy(cli);
  if (chown(path, geteuid(), (gid_t)-1) != 0)
    bail_out("cannot chown %s back", path);
  close(sv[0]);
  close(sv[1]);
  close(pfd[0]);
  close(pfd[1]);
}

/* Truncate or extend the region file; the test fails if it did not. */
static int
resize(const char *path, off_t size)
{
  int rc = truncate(path, size);
  ok(rc == 0, "region file resized to %lld bytes", (long long)size);
  return rc == 0;
}

/* The file must be exactly as long as its header says. The owner's
 * mapping is not touched while the file is short. */
static void
test_attach_size(const char *path)
{
  uint64_t ms = 0;
  is_err(resize(path, SIZE - NETIPC__SHM_ALIGN) ? try_attach(RQ, RS, &ms)
                                                 : NETIPC_ERR_SYSTEM,
         NETIPC_ERR_SHM_ATTACH, "a file shorter than its header says: refused");
  ok(ms < QUICK_MS, "...at once (%llu ms)", (unsigned long long)ms);
  is_err(resize(path, SIZE + NETIPC__SHM_ALIGN) ? try_attach(RQ, RS, &ms)
                                                 : NETIPC_ERR_SYSTEM,
         NETIPC_ERR_SHM_ATTACH, "a file longer than its header says: refused");
  ok(ms < QUICK_MS, "...at once (%llu ms)", (unsigned long long)ms);
  is_err(resize(path, SIZE) ? try_attach(RQ, RS, &ms) : NETIPC_ERR_SYSTEM,
         NETIPC_OK, "the exact size attaches again");
}

static void
test_attach(void)
{
  netipc__shm *srv = NULL;
  is_err(netipc__shm_create(run_dir, SVC, 1, RQ, RS, false, &srv), NETIPC_OK,
         "create region %s/1", SVC);
  if (srv == NULL)
    bail_out("cannot create the attach test region");
  ok(srv->owner && srv->req_off == 64 && srv->req_cap == REQ_CAP &&
         srv->resp_off == RESP_OFF && srv->resp_cap == RESP_CAP &&
         srv->size == SIZE,
     "created layout 64/%u/%u/%u, size %u", REQ_CAP, RESP_OFF, RESP_CAP,
     SIZE);
  char path[256];
  shm_region_path(run_dir, SVC, 1, path, sizeof path);
  if (shm_read_header(path, saved_header) != 0)
    bail_out("cannot read %s", path);

  netipc__shm *cli = NULL;
  netipc_err err = netipc__shm_attach(run_dir, SVC, 1, RQ, RS, false, &cli);
  ok(err == NETIPC_OK && cli != NULL && !cli->owner &&
         cli->role == NETIPC_ROLE_CLIENT && cli->req_off == 64 &&
         cli->req_cap == REQ_CAP && cli->resp_off == RESP_OFF &&
         cli->resp_cap == RESP_CAP && cli->size == SIZE,
     "attach to an intact region sees the same layout (%s)",
     tap_err_name(err));
  netipc__shm_destroy(cli);
  cli = NULL;
  ok(shm_exists(path), "destroying an attached region never unlinks it");

  /* What was planted or widened in place of a region is refused at once,
   * not retried for the attach budget. */
  char planted[256];
  shm_region_path(run_dir, SVC, 2, planted, sizeof planted);
  uint64_t t0 = tp_now_ms();
  is_err(symlink(path, planted) == 0
             ? netipc__shm_attach(run_dir, SVC, 2, RQ, RS, false, &cli)
             : NETIPC_ERR_SYSTEM,
         NETIPC_ERR_SHM_ATTACH, "a symlink to a good region: refused");
  ok(tp_now_ms() - t0 < NETIPC__SHM_ATTACH_TIMEOUT_MS / 2,
     "...at once, not retried");
  unlink(planted);
  is_err(chmod(path, 0640) == 0
             ? netipc__shm_attach(run_dir, SVC, 1, RQ, RS, false, &cli)
             : NETIPC_ERR_SYSTEM,
         NETIPC_ERR_SHM_ATTACH, "a region readable by its group: refused");
  chmod(path, 0600);
  is_err(netipc__shm_attach(run_dir, SVC, 1, RQ, RS, false, &cli), NETIPC_OK,
         "mode 0600 again: attached");
  netipc__shm_destroy(cli);
  cli = NULL;
  is_err(mkdir(planted, 0700) == 0
             ? netipc__shm_attach(run_dir, SVC, 2, RQ, RS, false, &cli)
             : NETIPC_ERR_SYSTEM,
         NETIPC_ERR_SHM_ATTACH, "a directory in place of a region: refused");
  rmdir(planted);
  /* A FIFO: neither the client's open nor the server's stale check of
   * the name may block on it (the alarm would end the test). */
  int fifo = mkfifo(planted, 0600);
  is_err(fifo == 0 ? netipc__shm_attach(run_dir, SVC, 2, RQ, RS, false, &cli)
                   : NETIPC_ERR_SYSTEM,
         NETIPC_ERR_SHM_ATTACH, "a FIFO in place of a region: refused");
  netipc__shm *fifo_srv = NULL;
  is_err(fifo == 0 ? netipc__shm_create(run_dir, SVC, 2, RQ, RS, false,
                                        &fifo_srv)
                   : NETIPC_ERR_SYSTEM,
         NETIPC_OK, "a FIFO under a new region's name is removed as junk");
  netipc__shm_destroy(fifo_srv);
  test_attach_owner(path);
  test_attach_size(path);

  uint64_t ms;
  is_err(try_attach(REQ_CAP - 32u, RESP_CAP - 32u, &ms), NETIPC_OK,
         "attach: limits filling the areas exactly are accepted");
  expect_quick_failure(path, REQ_CAP - 31u, RS,
                       "request area too small for the agreed limit");
  expect_quick_failure(path, RQ, RESP_CAP - 31u,
                       "response area too small for the agreed limit");

  shm_patch16(path, SHM_H_VERSION, 2);
  expect_quick_failure(path, RQ, RS, "version 2");
  shm_patch16(path, SHM_H_HEADER_LEN, 32);
  expect_quick_failure(path, RQ, RS, "header_len 32");
  /* Only the alignment rule is broken: the area stays inside the file and
   * covers the limits below. */
  shm_patch32(path, SHM_H_RESP_OFF, RESP_OFF + 32u);
  shm_patch32(path, SHM_H_RESP_CAP, RESP_CAP - 64u);
  expect_quick_failure(path, RQ, 4000, "misaligned response_offset");
  shm_patch32(path, SHM_H_REQ_CAP, REQ_CAP - 32u);
  expect_quick_failure(path, RQ, RS, "misaligned request_capacity");
  shm_patch32(path, SHM_H_RESP_OFF, REQ_CAP);
  expect_quick_failure(path, RQ, RS, "response area overlapping requests");
  shm_patch32(path, SHM_H_RESP_CAP, RESP_CAP + 64u);
  expect_quick_failure(path, RQ, RS, "response area beyond the file");
  shm_patch32(path, SHM_H_REQ_CAP, 0xFFFFFFC0u);
  expect_quick_failure(path, RQ, RS, "request_offset + capacity overflows");

  /* The one slow case: bad magic is retried for 5 s (posix-shm.md 6.1). */
  shm_patch32(path, SHM_H_MAGIC, 0x4E53484Eu);
  is_err(try_attach(RQ, RS, &ms), NETIPC_ERR_SHM_ATTACH, "attach: bad magic");
  ok(ms >= RETRY_MIN_MS, "attach: bad magic was retried (%llu ms)",
     (unsigned long long)ms);
  restore_header(path);

  is_err(try_attach(RQ, RS, &ms), NETIPC_OK,
         "the restored region attaches again");
  uint8_t now[64];
  ok(shm_read_header(path, now) == 0 && memcmp(now, saved_header, 64) == 0,
     "attach never writes the header");
  netipc__shm_destroy(srv);
  ok(!shm_exists(path), "destroying the owner unlinks the region");
}

/* ---------------------------------------------------------------- */
/* Direct publish / receive (posix-shm.md 6 step 9, 8, 9)            */
/* ---------------------------------------------------------------- */

static void
direct_msg(uint8_t *out, uint16_t kind, uint64_t id, uint8_t fill,
           uint32_t payload_len)
{
  netipc_header h;
  netipc_header_init(&h, kind, 99, id);
  h.payload_len = payload_len;
  netipc_header_encode(&h, out, 32);
  memset(out + 32, fill, payload_len);
}

static void
test_direct(void)
{
  netipc__shm *srv = NULL, *cli = NULL;
  uint8_t m[64], buf[256];
  size_t len = 0;
  if (netipc__shm_create(run_dir, SVC, 2, RQ, RS, false, &srv) != NETIPC_OK)
    bail_out("cannot create region %s/2", SVC);
  direct_msg(m, NETIPC_KIND_RESPONSE, 1, 'a', 16);
  is_err(netipc__shm_publish(srv, m, m + 32, 16), NETIPC_OK,
         "server publishes a response before the client attaches");
  if (netipc__shm_attach(run_dir, SVC, 2, RQ, RS, false, &cli) != NETIPC_OK)
    bail_out("cannot attach region %s/2", SVC);
  is_uint(cli->recv_seen, 1, "attach takes resp_seq as the baseline");
  is_err(netipc__shm_receive(cli, 200, NULL, -1, buf,
                             sizeof buf, &len),
         NETIPC_ERR_TIMEOUT, "a message older than the attach is not new");

  direct_msg(m, NETIPC_KIND_REQUEST, 2, 'b', 16);
  netipc__shm_publish(cli, m, m + 32, 16);
  len = 0;
  netipc_err err = netipc__shm_receive(srv, UDS_WAIT_MS,
                                       NULL, -1, buf, sizeof buf, &len);
  ok(err == NETIPC_OK && len == 48 && memcmp(buf, m, 48) == 0,
     "server receives the request bytes exactly (%s, %zu)",
     tap_err_name(err), len);

  uint8_t m2[64];
  direct_msg(m, NETIPC_KIND_RESPONSE, 3, 'c', 8);
  direct_msg(m2, NETIPC_KIND_RESPONSE, 4, 'd', 24);
  netipc__shm_publish(srv, m, m + 32, 8);
  netipc__shm_publish(srv, m2, m2 + 32, 24);
  len = 0;
  err = netipc__shm_receive(cli, UDS_WAIT_MS, NULL, -1, buf,
                            sizeof buf, &len);
  ok(err == NETIPC_OK && len == 56 && memcmp(buf, m2, 56) == 0,
     "two publications: the receiver reads the latest (%s, %zu)",
     tap_err_name(err), len);
  is_uint(cli->recv_seen, 2, "and its count advances by one");

  /* Receive buffer smaller than the message: too large, consumed. After
   * the double publication the client is one behind by design; catch up
   * first so the next receive waits for a new message. */
  cli->recv_seen = atomic_load(
      (_Atomic uint64_t *)(cli->base + NETIPC__SHM_RESP_SEQ));
  direct_msg(m, NETIPC_KIND_RESPONSE, 5, 'e', 16);
  netipc__shm_publish(srv, m, m + 32, 16);
  is_err(netipc__shm_receive(cli, UDS_WAIT_MS, NULL, -1,
                             buf, 16, &len),
         NETIPC_ERR_LIMIT_EXCEEDED, "message above the receive buffer");
  is_err(netipc__shm_receive(cli, 200, NULL, -1, buf,
                             sizeof buf, &len),
         NETIPC_ERR_TIMEOUT, "the oversized message was consumed");
  static uint8_t big[RESP_CAP];
  is_err(netipc__shm_publish(srv, m, big, RESP_CAP - 31u),
         NETIPC_ERR_LIMIT_EXCEEDED,
         "publish above the area capacity is refused");
  netipc__shm_destroy(cli);
  netipc__shm_destroy(srv);
}

/* ---------------------------------------------------------------- */
/* Runtime corruption                                                */
/* ---------------------------------------------------------------- */

static netipc_listener *rt_listener;

typedef struct rt {
  uds_pair p;
  uint64_t sid;
  uint8_t *map; /* our own mapping of the session's region */
  size_t size;
  uint32_t req_off, req_cap, resp_off, resp_cap;
  netipc__shm *view; /* a client-role attach, for netipc__shm_publish */
} rt;

static void
rt_open(rt *r)
{
  memset(r, 0, sizeof *r);
  netipc_transport_config c;
  shm_config(&c, run_dir, SVC_RT, SHM_PROFILES_BOTH, SHM_PREFERRED,
             RT_CLIENT_RQ, RT_RSMAX);
  uds_pair_open(&r->p, rt_listener, &c, 1);
  if (r->p.err != NETIPC_OK ||
      netipc_session_get_info(r->p.client)->selected_profile !=
          NETIPC_PROFILE_SHM_HYBRID)
    bail_out("no SHM session for the runtime tests: %s",
             netipc_err_name(r->p.err));
  r->sid = netipc_session_get_info(r->p.server)->session_id;
  char path[256];
  shm_region_path(run_dir, SVC_RT, r->sid, path, sizeof path);
  r->map = shm_map(path, &r->size);
  if (r->map == NULL)
    bail_out("cannot map %s", path);
  r->req_off = shm_ld32(r->map + SHM_H_REQ_OFF);
  r->req_cap = shm_ld32(r->map + SHM_H_REQ_CAP);
  r->resp_off = shm_ld32(r->map + SHM_H_RESP_OFF);
  r->resp_cap = shm_ld32(r->map + SHM_H_RESP_CAP);
  bool extended = (netipc_session_get_info(r->p.client)->extension_flags &
                   NETIPC_HELLO_FLAG_EXTENSIONS) != 0;
  if (netipc__shm_attach(run_dir, SVC_RT, r->sid, 0, 0, extended,
                         &r->view) != NETIPC_OK)
    bail_out("cannot attach a view of %s", path);
}

static void
rt_close(rt *r)
{
  netipc__shm_destroy(r->view);
  shm_unmap(r->map, r->size);
  uds_pair_close(&r->p);
}

/* Header bytes for a REQUEST or RESPONSE with the given payload_len. */
static void
rt_header(uint8_t out[32], uint16_t kind, uint64_t id, uint32_t payload_len)
{
  netipc_header h;
  netipc_header_init(&h, kind, 99, id);
  h.payload_len = payload_len;
  netipc_header_encode(&h, out, 32);
}

static netipc_err
rt_server_receive(rt *r, netipc_header *h)
{
  const void *p;
  size_t n;
  memset(h, 0, sizeof *h);
  return netipc_session_receive(r->p.server, UDS_WAIT_MS, NULL, h, &p, &n);
}

static netipc_err
rt_client_receive(rt *r)
{
  netipc_header h;
  const void *p;
  size_t n;
  return netipc_session_receive(r->p.client, UDS_WAIT_MS, NULL, &h, &p, &n);
}

/* A request from the client so that a response id 7 is expected. */
static void
rt_client_request(rt *r)
{
  netipc_header h;
  netipc_header_init(&h, NETIPC_KIND_REQUEST, 99, 7);
  if (netipc_session_send(r->p.client, &h, "12345678", 8) != NETIPC_OK)
    bail_out("client request failed");
}

/* Write a raw response (header + payload) and publish it with len. */
static void
rt_raw_response(rt *r, const uint8_t *msg, size_t msg_len, uint32_t len)
{
  memcpy(r->map + r->resp_off, msg, msg_len);
  shm_raw_publish(r->map, SHM_H_RESP_LEN, SHM_H_RESP_SEQ, SHM_H_RESP_SIGNAL,
                  len);
}

static void
test_runtime(void)
{
  netipc_transport_config sc;
  shm_config(&sc, run_dir, SVC_RT, SHM_PROFILES_BOTH, SHM_PREFERRED, RT_RQMAX,
             RT_RSMAX);
  if (netipc_listener_create(&sc, &rt_listener) != NETIPC_OK)
    bail_out("runtime listener");
  rt r;
  netipc_header h;
  uint8_t msg[64];
  static const uint8_t payload16[16] = "0123456789abcdef";

  /* Length 0 after a sequence advance: corruption (posix-shm.md 9). */
  rt_open(&r);
  shm_raw_publish(r.map, SHM_H_REQ_LEN, SHM_H_REQ_SEQ, SHM_H_REQ_SIGNAL, 0);
  is_err(rt_server_receive(&r, &h), NETIPC_ERR_PROTOCOL,
         "server: req_len 0 with req_seq bumped");
  ok(netipc_session_is_broken(r.p.server), "server: that session is broken");
  rt_close(&r);

  rt_open(&r);
  shm_raw_publish(r.map, SHM_H_RESP_LEN, SHM_H_RESP_SEQ, SHM_H_RESP_SIGNAL, 0);
  is_err(rt_client_receive(&r), NETIPC_ERR_PROTOCOL,
         "client: resp_len 0 with resp_seq bumped");
  rt_close(&r);

  /* Length above the area capacity: too large, consumed. */
  rt_open(&r);
  shm_raw_publish(r.map, SHM_H_REQ_LEN, SHM_H_REQ_SEQ, SHM_H_REQ_SIGNAL,
                  r.req_cap + 64u);
  {
    const void *p;
    size_t n;
    memset(&h, 0xab, sizeof h); /* what a caller's stack may hold */
    is_err(netipc_session_receive(r.p.server, UDS_WAIT_MS, NULL, &h, &p, &n),
           NETIPC_ERR_LIMIT_EXCEEDED,
           "server: req_len above the request capacity");
    ok(h.kind == 0 && h.message_id == 0,
       "server: no header read, so a zeroed one goes back");
  }
  /* The oversized message was consumed: the next one is read normally.
   * Published raw as well: the view's own counters never saw the raw
   * publish above (a publisher never reads its sequence back). */
  rt_header(msg, NETIPC_KIND_REQUEST, 8, 16);
  memcpy(r.map + r.req_off, msg, NETIPC_HEADER_LEN);
  memcpy(r.map + r.req_off + NETIPC_HEADER_LEN, payload16, sizeof payload16);
  shm_raw_publish(r.map, SHM_H_REQ_LEN, SHM_H_REQ_SEQ, SHM_H_REQ_SIGNAL,
                  NETIPC_HEADER_LEN + (uint32_t)sizeof payload16);
  ok(rt_server_receive(&r, &h) == NETIPC_OK && h.message_id == 8,
     "server: the next request after it is received");
  rt_close(&r);

  rt_open(&r);
  rt_client_request(&r);
  shm_raw_publish(r.map, SHM_H_RESP_LEN, SHM_H_RESP_SEQ, SHM_H_RESP_SIGNAL,
                  r.resp_cap + 1u);
  is_err(rt_client_receive(&r), NETIPC_ERR_LIMIT_EXCEEDED,
         "client: resp_len above the response capacity");
  rt_close(&r);

  /* Inside the area but above the agreed request limit (wire.md 11.2). */
  rt_open(&r);
  {
    static uint8_t big[RT_CLIENT_RQ + 8u];
    uds_fill(big, sizeof big, 3);
    rt_header(msg, NETIPC_KIND_REQUEST, 31337, sizeof big);
    is_err(netipc__shm_publish(r.view, msg, big, sizeof big), NETIPC_OK,
           "publish a request above the agreed limit, inside the area");
    is_err(rt_server_receive(&r, &h), NETIPC_ERR_LIMIT_EXCEEDED,
           "server: request above the agreed limit");
    ok(h.message_id == 31337 && h.payload_len == sizeof big,
       "server: the header is still returned (id %llu, len %u)",
       (unsigned long long)h.message_id, h.payload_len);
  }
  rt_close(&r);

  /* A peer rewriting the publisher's own words: the publisher counts in
   * its own memory, so it stores its next sequence, not the peer's + 1. */
  rt_open(&r);
  __atomic_store_n((uint64_t *)(void *)(r.map + SHM_H_REQ_SEQ), 1000u,
                   __ATOMIC_RELEASE);
  rt_header(msg, NETIPC_KIND_REQUEST, 9, 16);
  is_err(netipc__shm_publish(r.view, msg, payload16, 16), NETIPC_OK,
         "publish after the peer rewrote req_seq");
  is_int((int)__atomic_load_n((uint64_t *)(void *)(r.map + SHM_H_REQ_SEQ),
                              __ATOMIC_ACQUIRE),
         1, "req_seq is the client's own first sequence, not read back");
  rt_close(&r);

  /* payload_len disagreeing with the published length (posix-shm.md 7). */
  rt_open(&r);
  rt_header(msg, NETIPC_KIND_REQUEST, 1, 24);
  is_err(netipc__shm_publish(r.view, msg, payload16, 16), NETIPC_OK,
         "publish: header says 24 payload bytes, 16 published");
  is_err(rt_server_receive(&r, &h), NETIPC_ERR_PROTOCOL,
         "server: payload_len above the published length");
  rt_close(&r);

  rt_open(&r);
  rt_header(msg, NETIPC_KIND_REQUEST, 1, 8);
  is_err(netipc__shm_publish(r.view, msg, payload16, 16), NETIPC_OK,
         "publish: header says 8 payload bytes, 16 published");
  is_err(rt_server_receive(&r, &h), NETIPC_ERR_PROTOCOL,
         "server: payload_len below the published length");
  ok(netipc_session_is_broken(r.p.server), "server: that session is broken");
  rt_close(&r);

  rt_open(&r);
  rt_client_request(&r);
  rt_header(msg, NETIPC_KIND_RESPONSE, 7, 20);
  memcpy(msg + 32, payload16, 16);
  rt_raw_response(&r, msg, 48, 48);
  is_err(rt_client_receive(&r), NETIPC_ERR_PROTOCOL,
         "client: response payload_len 20 with 16 bytes published");
  ok(netipc_session_is_broken(r.p.client), "client: that session is broken");
  rt_close(&r);

  /* Garbage instead of a header. */
  rt_open(&r);
  uds_fill(msg, 32, 99);
  is_err(netipc__shm_publish(r.view, msg, payload16, 16), NETIPC_OK,
         "publish: 32 garbage header bytes");
  is_err(rt_server_receive(&r, &h), NETIPC_ERR_PROTOCOL,
         "server: garbage header");
  rt_close(&r);

  rt_open(&r);
  rt_client_request(&r);
  uds_fill(msg, 48, 98);
  rt_raw_response(&r, msg, 48, 48);
  is_err(rt_client_receive(&r), NETIPC_ERR_PROTOCOL, "client: garbage header");
  rt_close(&r);

  /* Sanity: the same crafting with consistent values is accepted. */
  rt_open(&r);
  rt_header(msg, NETIPC_KIND_REQUEST, 5, 16);
  netipc__shm_publish(r.view, msg, payload16, 16);
  is_err(rt_server_receive(&r, &h), NETIPC_OK,
         "server: a consistent crafted request is accepted");
  ok(h.message_id == 5 && h.payload_len == 16, "with its id and length");
  rt_client_request(&r);
  rt_header(msg, NETIPC_KIND_RESPONSE, 7, 16);
  memcpy(msg + 32, payload16, 16);
  rt_raw_response(&r, msg, 48, 48);
  is_err(rt_client_receive(&r), NETIPC_OK,
         "client: a consistent crafted response is accepted");
  rt_close(&r);

  netipc_listener_destroy(rt_listener);
  is_int(shm_count_regions(run_dir), 0, "every runtime region was removed");
}

/* ---------------------------------------------------------------- */
/* Stale regions                                                     */
/* ---------------------------------------------------------------- */

static void
stale_path(const char *name, char *buf, size_t cap)
{
  if ((size_t)snprintf(buf, cap, "%s/%s", run_dir, name) >= cap)
    bail_out("path too long");
}

static void
sid_path(const char *svc, uint64_t sid, char *buf, size_t cap)
{
  shm_region_path(run_dir, svc, sid, buf, cap);
}

/* A pid that is certainly dead: a child that created a real region. */
static pid_t
dead_owner_region(void)
{
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0)
    bail_out("fork");
  if (pid == 0) {
    netipc__shm *s = NULL;
    netipc_err err = netipc__shm_create(run_dir, SVC_STALE, 1, 64, 64, false, &s);
    if (s != NULL)
      s->owner = false; /* leave the file behind, like a crash would */
    netipc__shm_destroy(s);
    _exit(err == NETIPC_OK ? 0 : 1);
  }
  int status = 0;
  if (!shm_reap(pid, UDS_WAIT_MS, &status))
    bail_out("child did not exit");
  is_int(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0,
         "a child created region %s/1 and exited", SVC_STALE);
  return pid;
}

static void
test_stale(void)
{
  char p1[256], p2[256], p3[256], p4[256], p5[256], p6[256], p7[256],
      p9[256], longer[256], other_prefix[256], short_name[256],
      bad_suffix[256], other[256];
  pid_t dead = dead_owner_region();
  sid_path(SVC_STALE, 1, p1, sizeof p1);
  sid_path(SVC_STALE, 2, p2, sizeof p2);
  sid_path(SVC_STALE, 3, p3, sizeof p3);
  sid_path(SVC_STALE, 4, p4, sizeof p4);
  sid_path(SVC_STALE, 5, p5, sizeof p5);
  sid_path(SVC_STALE, 6, p6, sizeof p6);
  sid_path(SVC_STALE, 7, p7, sizeof p7);
  sid_path(SVC_STALE, 9, p9, sizeof p9);
  sid_path("stale-longer", 1, longer, sizeof longer);
  sid_path("stalex", 1, other_prefix, sizeof other_prefix);
  stale_path("stale-.ipcshm", short_name, sizeof short_name);
  stale_path("stale-0000000000000001.ipcshm.bak", bad_suffix,
             sizeof bad_suffix);
  sid_path("other", 1, other, sizeof other);

  uint8_t h[64];
  ok(shm_read_header(p1, h) == 0 &&
         (pid_t)(int32_t)shm_ld32(h + SHM_H_OWNER_PID) == dead,
     "the leftover region names the dead child as owner");

  const uint32_t magic = NETIPC__SHM_MAGIC;
  int setup = 0;
  setup |= shm_write_fake_region(p2, getpid(), 0, magic, 64, 64);
  setup |= shm_write_fake_region(p3, getpid(), 1, 0x12345678u, 64, 64);
  {
    FILE *f = fopen(p4, "w");
    setup |= f == NULL || fputs("too small", f) < 0;
    if (f != NULL)
      fclose(f);
  }
  setup |= mkdir(p5, 0700);
  setup |= shm_write_fake_region(p7, -1, 1, magic, 64, 64);
  setup |= shm_write_fake_region(longer, dead, 1, magic, 64, 64);
  setup |= shm_write_fake_region(other_prefix, dead, 1, magic, 64, 64);
  setup |= shm_write_fake_region(short_name, dead, 1, magic, 64, 64);
  setup |= shm_write_fake_region(bad_suffix, dead, 1, magic, 64, 64);
  setup |= shm_write_fake_region(other, dead, 1, magic, 64, 64);
  netipc__shm *live = NULL;
  setup |= netipc__shm_create(run_dir, SVC_STALE, 9, 64, 64, false, &live) !=
           NETIPC_OK;
  setup |= symlink(p9, p6);
  if (setup != 0)
    bail_out("stale test setup failed");
  uint8_t live_hdr[64];
  shm_read_header(p9, live_hdr);

  unsigned removed = netipc__shm_cleanup(run_dir, SVC_STALE);
  is_uint(removed, 8, "cleanup of '%s' removed 8 entries", SVC_STALE);
  ok(!shm_exists(p1), "removed: owner process dead");
  ok(!shm_exists(p2), "removed: owner alive but generation 0");
  ok(!shm_exists(p3), "removed: wrong magic");
  ok(!shm_exists(p4), "removed: smaller than 64 bytes");
  ok(!shm_exists(p5), "removed: a directory");
  ok(!shm_exists(p6), "removed: a symlink");
  ok(!shm_exists(p7), "removed: owner_pid -1");
  ok(!shm_exists(longer), "removed: dead region of 'stale-longer' (prefix)");
  uint8_t now[64];
  ok(shm_read_header(p9, now) == 0 && memcmp(now, live_hdr, 64) == 0,
     "kept unchanged: the live region (the symlink's target too)");
  ok(shm_exists(other_prefix), "not examined: 'stalex-...'");
  ok(shm_exists(short_name), "not examined: 'stale-.ipcshm' (too short)");
  ok(shm_exists(bad_suffix), "not examined: wrong suffix");
  ok(shm_exists(other), "not examined: another service");
  is_uint(netipc__shm_cleanup(run_dir, SVC_STALE), 0,
          "a second cleanup finds nothing");
  is_uint(netipc__shm_cleanup(run_dir, "stalex"), 1,
          "cleanup of 'stalex' removes its dead region");
  ok(!shm_exists(other_prefix), "'stalex-...' is gone");

  /* Creation on EEXIST runs the same check (posix-shm.md 5.2 step 4). */
  netipc__shm *s = NULL;
  is_err(netipc__shm_create(run_dir, SVC_STALE, 9, 64, 64, false, &s),
         NETIPC_ERR_ADDR_IN_USE, "create over a live region: address in use");
  ok(shm_read_header(p9, now) == 0 && memcmp(now, live_hdr, 64) == 0,
     "the live region is untouched");

  struct {
    const char *what;
    uint64_t sid;
    const char *path;
  } cases[] = {
      {"dead owner", 1, p1}, {"generation 0", 2, p2}, {"wrong magic", 3, p3},
      {"a directory", 5, p5}, {"a symlink", 6, p6},
  };
  /* Each case must really be planted, or its create passes vacuously. */
  setup = 0;
  setup |= shm_write_fake_region(p1, dead, 1, magic, 64, 64);
  setup |= shm_write_fake_region(p2, getpid(), 0, magic, 64, 64);
  setup |= shm_write_fake_region(p3, getpid(), 7, 0x0u, 64, 64);
  setup |= mkdir(p5, 0700);
  setup |= symlink(p9, p6);
  if (setup != 0)
    bail_out("create-over-junk setup failed: %s", strerror(errno));
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    s = NULL;
    netipc_err err =
        netipc__shm_create(run_dir, SVC_STALE, cases[i].sid, 64, 64, false, &s);
    struct stat st;
    int fresh = err == NETIPC_OK && lstat(cases[i].path, &st) == 0 &&
                S_ISREG(st.st_mode) && shm_read_header(cases[i].path, h) == 0 &&
                (pid_t)(int32_t)shm_ld32(h + SHM_H_OWNER_PID) == getpid() &&
                shm_ld32(h + SHM_H_OWNER_GEN) != 0;
    ok(fresh, "create over %s replaces it (%s)", cases[i].what,
       tap_err_name(err));
    netipc__shm_destroy(s);
  }
  ok(shm_read_header(p9, now) == 0 && memcmp(now, live_hdr, 64) == 0,
     "the symlink's live target survived");
  netipc__shm_destroy(live);
  ok(!shm_exists(p9), "the live region's owner unlinks it at destroy");
}

int
main(void)
{
  uds_safety_alarm();
  plan(PLAN);
  uds_rundir_make(run_dir, sizeof run_dir, "shm-region");
  test_create();
  test_attach();
  test_direct();
  test_runtime();
  test_stale();
  uds_rundir_remove(run_dir);
  return exit_status();
}
