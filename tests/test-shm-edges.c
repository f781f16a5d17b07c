/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-shm-edges.c - SHM region edges (Linux): NULL arguments of the
 * region functions (nothing created), and hostile headers that the attach
 * treats as "not initialised yet" (posix-shm.md 6.1): an area offset
 * inside the header, a zero capacity, a file shorter than the header.
 * Each is retried until the attach timeout and then fails SHM_ATTACH.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netipc/transport.h>

#include "transport/posix/posix-shm-internal.h"

#include "shm-helpers.h"
#include "tap.h"
#include "uds-helpers.h"

#define RQ 1000u
#define RS 5000u
/* A retried attach takes the whole NETIPC__SHM_ATTACH_TIMEOUT_MS (5 s). */
#define RETRY_MIN_MS 4000u
#define SHORT_FILE_LEN 10

static char dir[128];
static const char *const SVC = "edges";

static void
test_null_args(void)
{
  netipc__shm *s = NULL;
  is_int((int)netipc__shm_cleanup(NULL, SVC), 0, "cleanup(run_dir NULL): 0");
  is_int((int)netipc__shm_cleanup(dir, "bad/name"), 0,
         "cleanup(bad name): 0");
  is_int((int)netipc__shm_cleanup("/nonexistent-netipc-shm-edges", SVC), 0,
         "cleanup(missing dir): 0");
  is_err(netipc__shm_create(NULL, SVC, 1, RQ, RS, false, &s),
         NETIPC_ERR_INVALID_ARG, "create(run_dir NULL) is INVALID_ARG");
  is_err(netipc__shm_create(dir, SVC, 1, RQ, RS, false, NULL),
         NETIPC_ERR_INVALID_ARG, "create(out NULL) is INVALID_ARG");
  is_err(netipc__shm_attach(NULL, SVC, 1, RQ, RS, false, &s),
         NETIPC_ERR_INVALID_ARG, "attach(run_dir NULL) is INVALID_ARG");
  is_err(netipc__shm_attach(dir, SVC, 1, RQ, RS, false, NULL),
         NETIPC_ERR_INVALID_ARG, "attach(out NULL) is INVALID_ARG");
  ok(s == NULL, "no region returned");
  is_int(shm_count_regions(dir), 0, "no region file made");
}

/* Attach must retry this header for the whole timeout, then fail. */
static void
expect_retried(const char *path, off_t off, uint32_t v, const char *what)
{
  uint8_t saved[64];
  if (shm_read_header(path, saved) != 0 || shm_patch32(path, off, v) != 0)
    bail_out("patch %s", what);
  netipc__shm *cli = NULL;
  uint64_t t0 = uds_now_ms();
  netipc_err err = netipc__shm_attach(dir, SVC, 1, RQ, RS, false, &cli);
  uint64_t ms = uds_now_ms() - t0;
  is_err(err, NETIPC_ERR_SHM_ATTACH, "attach: %s fails", what);
  ok(ms >= RETRY_MIN_MS, "attach: %s was retried (%llu ms)", what,
     (unsigned long long)ms);
  netipc__shm_destroy(cli);
  if (shm_patch(path, 0, saved, sizeof saved) != 0)
    bail_out("restore %s", what);
}

static void
test_hostile_headers(void)
{
  netipc__shm *srv = NULL;
  if (netipc__shm_create(dir, SVC, 1, RQ, RS, false, &srv) != NETIPC_OK)
    bail_out("shm_create");
  char path[256];
  shm_region_path(dir, SVC, 1, path, sizeof path);
  netipc__shm *cli = NULL;
  is_err(netipc__shm_attach(dir, SVC, 1, RQ, RS, false, &cli), NETIPC_OK,
         "the untouched region attaches (set-up)");
  netipc__shm_destroy(cli);
  expect_retried(path, SHM_H_REQ_OFF, 0, "request_offset inside the header");
  expect_retried(path, SHM_H_RESP_OFF, 32, "response_offset inside the "
                 "header");
  expect_retried(path, SHM_H_REQ_CAP, 0, "request_capacity 0");
  expect_retried(path, SHM_H_RESP_CAP, 0, "response_capacity 0");
  cli = NULL;
  is_err(netipc__shm_attach(dir, SVC, 1, RQ, RS, false, &cli), NETIPC_OK,
         "the restored region attaches again");
  netipc__shm_destroy(cli);
  netipc__shm_destroy(srv);
}

/* A file shorter than the header is still being made: retried. */
static void
test_short_file(void)
{
  char path[256];
  shm_region_path(dir, SVC, 2, path, sizeof path);
  static const uint8_t junk[SHORT_FILE_LEN];
  FILE *f = fopen(path, "wb");
  if (f == NULL || fwrite(junk, 1, sizeof junk, f) != sizeof junk ||
      fclose(f) != 0 || chmod(path, 0600) != 0)
    bail_out("short file");
  netipc__shm *cli = NULL;
  uint64_t t0 = uds_now_ms();
  netipc_err err = netipc__shm_attach(dir, SVC, 2, RQ, RS, false, &cli);
  uint64_t ms = uds_now_ms() - t0;
  is_err(err, NETIPC_ERR_SHM_ATTACH, "attach: a 10-byte file fails");
  ok(ms >= RETRY_MIN_MS, "attach: a 10-byte file was retried (%llu ms)",
     (unsigned long long)ms);
  ok(cli == NULL, "no region returned");
  unlink(path);
}

/*
 * A listener offering SHM that cannot make the region (out of
 * descriptors: the accepted socket takes the last one) withdraws SHM and
 * negotiates again over the baseline (handshake.c): a client offering
 * UDS too gets a UDS session, one offering only SHM is rejected with
 * UNSUPPORTED. With SEALED_SHM asked for, the memfd fails first and the
 * file region is tried next.
 * No region file is left either way and the listener stays usable.
 */
static void
test_no_region(uint16_t flags, uint32_t client_profiles, const char *what)
{
  static const char *const svc = "noreg";
  netipc_transport_config cfg;
  shm_config(&cfg, dir, svc, SHM_PROFILES_BOTH, NETIPC_PROFILE_SHM_HYBRID,
             RQ, RS);
  netipc_listener *l = NULL;
  if (netipc_listener_create(&cfg, &l) != NETIPC_OK)
    bail_out("listener_create");
  int fd = uds_raw_connect(dir, svc);
  netipc_hello hello;
  uds_hello_default(&hello);
  hello.flags = flags;
  hello.supported_profiles = client_profiles;
  hello.preferred_profiles = NETIPC_PROFILE_SHM_HYBRID;
  hello.max_request_payload_bytes = RQ;
  hello.max_response_payload_bytes = RQ;
  uint8_t msg[NETIPC_HELLO_MSG_LEN];
  if (fd < 0 || netipc_hello_message_encode(&hello, msg, sizeof msg) !=
                    NETIPC_OK || uds_raw_send(fd, msg, sizeof msg) != 0)
    bail_out("raw HELLO");
  struct rlimit old, low;
  int lowest = dup(0);
  if (lowest < 0 || getrlimit(RLIMIT_NOFILE, &old) != 0)
    bail_out("dup/getrlimit: %s", strerror(errno));
  close(lowest);
  low = old;
  low.rlim_cur = (rlim_t)lowest + 1; /* room for the accepted socket only */
  if (setrlimit(RLIMIT_NOFILE, &low) != 0)
    bail_out("setrlimit: %s", strerror(errno));
  netipc_session *s = NULL;
  netipc_err err = netipc_listener_accept(l, UDS_WAIT_MS, NULL, &s);
  if (setrlimit(RLIMIT_NOFILE, &old) != 0)
    bail_out("setrlimit restore: %s", strerror(errno));
  uint8_t reply[256];
  long n = uds_raw_recv(fd, reply, sizeof reply, UDS_WAIT_MS);
  netipc_header h;
  netipc_hello_ack ack;
  memset(&h, 0xff, sizeof h);
  memset(&ack, 0xff, sizeof ack);
  if (n == (long)NETIPC_HELLO_ACK_MSG_LEN) {
    (void)netipc_header_decode(reply, (size_t)n, &h);
    (void)netipc_hello_ack_decode(reply + NETIPC_HEADER_LEN,
                                  NETIPC_HELLO_ACK_LEN, &ack);
  }
  if (client_profiles & NETIPC_PROFILE_UDS_SEQPACKET) {
    is_err(err, NETIPC_OK, "no region (%s): the session is accepted", what);
    ok(s != NULL && netipc_session_get_info(s)->selected_profile ==
                        NETIPC_PROFILE_UDS_SEQPACKET,
       "... over UDS (%s)", what);
    /* The SEALED_SHM echo may stay: it means nothing off SHM
     * (doc/extensions.md, Extension 2). */
    ok(h.transport_status == NETIPC_STATUS_OK &&
           ack.selected_profile == NETIPC_PROFILE_UDS_SEQPACKET,
       "... the HELLO_ACK says UDS (%s)", what);
  } else {
    is_err(err, NETIPC_ERR_HANDSHAKE, "no region (%s): HANDSHAKE", what);
    ok(s == NULL && netipc_listener_last_status(l) ==
                        NETIPC_STATUS_UNSUPPORTED,
       "... no session, last status UNSUPPORTED (%s)", what);
    ok(h.transport_status == NETIPC_STATUS_UNSUPPORTED,
       "... the client is told UNSUPPORTED (%s)", what);
  }
  is_int(shm_count_regions(dir), 0, "... no region file left (%s)", what);
  netipc_session_destroy(s);
  close(fd);
  netipc_listener_destroy(l);
}

int
main(void)
{
  tp_alarm(tp_under_valgrind() ? 600 : 120);
  plan(30);
  uds_rundir_make(dir, sizeof dir, "shmedges");
  test_null_args();
  test_hostile_headers();
  test_short_file();
  if (tp_under_valgrind()) {
    skip(8, "valgrind manages the descriptor limit itself");
  } else {
    test_no_region(0, NETIPC_PROFILE_SHM_HYBRID, "file region, SHM only");
    test_no_region(NETIPC_HELLO_FLAG_EXTENSIONS | NETIPC_HELLO_FLAG_SEALED_SHM,
                   SHM_PROFILES_BOTH, "sealed then file region, UDS too");
  }
  uds_rundir_remove(dir);
  return exit_status();
}
