/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-client-edges.c - Level 2 state edges against a real managed
 * server (POSIX): starting or running a server twice, an over-limit
 * message of the wrong kind sent to a server (it must not be answered),
 * the run-directory check's message and lstat failures, and a batch
 * answer too tight for its last item. Each case
 * checks the exact error and that the server still serves afterwards.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <netipc/service.h>

#include "service-helpers.h"
#include "tap.h"
#include "uds-helpers.h"

#define EDGE_SVC "cedges"
/* Over the server's default request limit (NETIPC_SERVER_REQUEST_DEFAULT). */
#define EDGE_OVER_LIMIT (NETIPC_SERVER_REQUEST_DEFAULT + 1u)

static char dir[128];

/* A second start or run of a server already running is refused. */
static void
test_start_twice(netipc_server *s, netipc_client *c)
{
  is_err(netipc_server_start(s), NETIPC_ERR_INVALID_ARG,
         "server_start on a started server is INVALID_ARG");
  is_err(netipc_server_run(s), NETIPC_ERR_INVALID_ARG,
         "server_run while the acceptor runs is INVALID_ARG (returns at "
         "once)");
  uint64_t r = 0;
  is_err(netipc_client_increment(c, 41, 0, &r), NETIPC_OK,
         "the server still answers");
  is_uint(r, 42, "... correctly");
}

/* posix-uds.md 12: only a REQUEST over the limit gets a LIMIT_EXCEEDED
 * answer; a RESPONSE sent to a server is dropped with the session. */
static void
test_oversized_response_to_server(void)
{
  int fd = uds_raw_connect(dir, EDGE_SVC);
  ok(fd >= 0, "a raw client connects");
  netipc_hello hello;
  uds_hello_default(&hello);
  /* Within the server's limits, so the handshake is accepted. */
  hello.max_request_payload_bytes = NETIPC_SERVER_REQUEST_DEFAULT;
  hello.max_request_batch_items = 1;
  hello.max_response_batch_items = 1;
  uint8_t reply[256];
  ssize_t n = uds_raw_hello(fd, &hello, reply, sizeof reply);
  netipc_header ah;
  memset(&ah, 0, sizeof ah);
  ok(n == (ssize_t)NETIPC_HELLO_ACK_MSG_LEN &&
         netipc_header_decode(reply, (size_t)n, &ah) == NETIPC_OK &&
         ah.transport_status == NETIPC_STATUS_OK,
     "the raw client's handshake is accepted (set-up)");
  if (ah.transport_status != NETIPC_STATUS_OK || n <= 0)
    diag("reply %ld bytes, status %u", (long)n, ah.transport_status);
  static uint8_t msg[NETIPC_HEADER_LEN + EDGE_OVER_LIMIT];
  static uint8_t payload[EDGE_OVER_LIMIT];
  netipc_header h;
  netipc_header_init(&h, NETIPC_KIND_RESPONSE, NETIPC_METHOD_INCREMENT, 7);
  h.payload_len = EDGE_OVER_LIMIT;
  size_t len = uds_msg_build(msg, sizeof msg, &h, payload, sizeof payload);
  ok(uds_raw_send(fd, msg, len) == 0, "an over-limit RESPONSE is sent");
  ok(uds_raw_wait_eof(fd, UDS_WAIT_MS),
     "the server closes without answering it");
  close(fd);
}

static void
test_run_dir_check_edges(void)
{
  char msg[NETIPC_RUN_DIR_MSG_MAX];
  memset(msg, 'x', sizeof msg);
  is_err(netipc_run_dir_check(dir, NETIPC_ROLE_SERVER, NULL, 0), NETIPC_OK,
         "run_dir_check with no message buffer");
  is_err(netipc_run_dir_check("/nonexistent-netipc-edges",
                              NETIPC_ROLE_CLIENT, msg, 0),
         NETIPC_ERR_RUN_DIR_MISSING, "cap 0: the error still comes back");
  ok(msg[0] == 'x', "... and cap 0 writes nothing");
  /* lstat fails with ELOOP (a parent is a symlink to itself): neither
   * missing nor examinable. */
  char loop[sizeof dir + 16], below[sizeof dir + 32];
  snprintf(loop, sizeof loop, "%s/loop", dir);
  snprintf(below, sizeof below, "%s/x", loop);
  ok(symlink("loop", loop) == 0, "a self-referencing symlink (set-up)");
  is_err(netipc_run_dir_check(below, NETIPC_ROLE_CLIENT, msg, sizeof msg),
         NETIPC_ERR_SYSTEM, "an lstat failure other than ENOENT is SYSTEM");
  ok(strstr(msg, "/loop/x") != NULL, "the message names the directory");
  unlink(loop);
  is_err(netipc_run_dir_check(dir, (netipc_role)0, msg, sizeof msg),
         NETIPC_ERR_INVALID_ARG, "a bad role is INVALID_ARG");
}

/*
 * A STRING_REVERSE batch whose answer nearly fills the response limit:
 * the last item gets less room than any answer needs (8-byte prefix plus
 * NUL) for some lengths of the first. Every call either answers exactly
 * or fails OVERFLOW (the server's LIMIT_EXCEEDED, which growing cannot
 * fix), after which a refresh makes the context READY again.
 */
#define EDGE_SR_SVC "cedges-sr"
#define EDGE_SR_RESPONSE 96u
#define EDGE_SR_MAX_LEN 80u

static void
test_string_reverse_tight(void)
{
  svc_handler hs;
  memset(&hs, 0, sizeof hs);
  netipc_server_config scfg;
  svc_server_config(&scfg, dir, EDGE_SR_SVC, NETIPC_METHOD_STRING_REVERSE,
                    &hs);
  scfg.max_response_payload_bytes = EDGE_SR_RESPONSE;
  netipc_server *s = svc_server_start(&scfg);
  netipc_client *c = svc_connected_client(dir, EDGE_SR_SVC,
                                          NETIPC_METHOD_STRING_REVERSE, 0, 2);
  static char a[EDGE_SR_MAX_LEN + 1];
  unsigned answered = 0, overflowed = 0, wrong = 0;
  for (uint32_t len = 0; len <= EDGE_SR_MAX_LEN; len++) {
    memset(a, 'a', len);
    if (len > 0)
      a[0] = 'z';
    netipc_string_view in[2] = {{a, len}, {"xy", 2}}, out[2];
    memset(out, 0, sizeof out);
    netipc_err err = netipc_client_string_reverse_batch(c, in, 2, 0, out);
    if (err == NETIPC_OK) {
      answered++;
      if (out[0].len != len || (len > 0 && out[0].ptr[len - 1] != 'z') ||
          out[1].len != 2 || memcmp(out[1].ptr, "yx", 2) != 0)
        wrong++;
    } else if (err == NETIPC_ERR_OVERFLOW) {
      overflowed++;
      /* The session that could not grow is gone: connect again. */
      if (!netipc_client_ready(c) && !svc_client_connect(c, UDS_WAIT_MS))
        wrong++;
    } else {
      diag("len %u: %s", len, netipc_err_name(err));
      wrong++;
    }
  }
  ok(answered > 0 && overflowed > 0,
     "tight batches: %u answered, %u OVERFLOW (both seen)", answered,
     overflowed);
  is_int((int)wrong, 0, "no wrong answer and no other error");
  netipc_string_view in = {"abc", 3}, out;
  is_err(netipc_client_string_reverse_batch(c, &in, 1, 0, &out), NETIPC_OK,
         "the context still works");
  netipc_client_destroy(c);
  netipc_server_destroy(s);
}

int
main(void)
{
  svc_alarm();
  plan(18);
  uds_rundir_make(dir, sizeof dir, "cedges");
  svc_handler hs;
  memset(&hs, 0, sizeof hs);
  netipc_server_config scfg;
  svc_server_config(&scfg, dir, EDGE_SVC, NETIPC_METHOD_INCREMENT, &hs);
  netipc_server *s = svc_server_start(&scfg);
  netipc_client *c = svc_connected_client(dir, EDGE_SVC,
                                          NETIPC_METHOD_INCREMENT, 0, 0);
  test_start_twice(s, c);
  test_oversized_response_to_server();
  test_run_dir_check_edges();
  test_string_reverse_tight();
  netipc_client_destroy(c);
  netipc_server_destroy(s);
  uds_rundir_remove(dir);
  return exit_status();
}
