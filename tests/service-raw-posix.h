/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * service-raw-posix.h - the raw part of the Level 2 test helpers: raw
 * clients that speak to a managed server byte by byte, and a scripted raw
 * server (service-raw-server.c, portable). The byte transport is per OS:
 * AF_UNIX on POSIX (uds-helpers.c, service-raw-posix.c), a named pipe on
 * Windows (raw-peers-win.c); the name stays from the POSIX-only days.
 * Only the tests that need raw peers include this.
 */
#ifndef NETIPC_TESTS_SERVICE_RAW_POSIX_H
#define NETIPC_TESTS_SERVICE_RAW_POSIX_H

#include "tp-atomic.h"
#include <stddef.h>
#include <stdint.h>

#include <netipc/service.h>

#include "service-helpers.h"
#include "raw-peers.h"

/*
 * 1 where the raw clients and the scripted server below (and
 * uds_raw_connect, uds_readable, uds_raw_recv, uds_raw_send and
 * uds_raw_wait_eof on their descriptors) exist: POSIX over AF_UNIX, and
 * Windows over a named pipe (raw-peers-win.c). A port without them makes
 * it 0 and the tests report those cases as skipped.
 */
int svc_raw_supported(void);

/* Result of a raw receive that met end-of-file. */
#define SVC_RAW_EOF (-3)

/* ---------------------------------------------------------------- */
/* Raw clients                                                       */
/* ---------------------------------------------------------------- */

/*
 * Connect, send a HELLO (profile 0x01, SVC_TOKEN, the given proposals,
 * packet size 65536) and require an OK HELLO_ACK. Returns the socket or
 * -1; *ack (may be NULL) receives the HELLO_ACK.
 */
int svc_raw_open(const char *dir, const char *svc, uint32_t rq, uint32_t rs,
                 uint32_t batch, netipc_hello_ack *ack);

/* Send one single-packet message; 0 on success. */
int svc_raw_send(int fd, uint16_t kind, uint16_t code, uint16_t flags,
                 uint32_t item_count, uint64_t id, const void *payload,
                 size_t len);

/* Send *h as given (payload_len set from len) plus the payload. */
int svc_raw_send_hdr(int fd, const netipc_header *h, const void *payload,
                     size_t len);

/*
 * Receive one single-packet message within timeout_ms into buf: returns the
 * payload length (payload at buf + 32) and fills *h, or SVC_RAW_EOF, -2 on
 * timeout, -1 on any other error (also a bad header).
 */
long svc_raw_recv(int fd, netipc_header *h, uint8_t *buf, size_t cap,
                     int timeout_ms);

/*
 * A scripted raw server: accepts connections one after another on its own
 * listening socket, answers each HELLO with an OK HELLO_ACK (the client's
 * proposals agreed, response limit rsmax or the client's proposal,
 * selected_profile `select` when the client offers it, else 0x01), then
 * answers every request as `mode` says until the client leaves.
 */
typedef enum svc_raw_mode {
  SVC_RAW_ANSWER = 0,   /* INCREMENT (single): value + 1 */
  SVC_RAW_STATUS,       /* header-only, transport_status = status */
  SVC_RAW_STATUS_BATCH, /* same, echoing BATCH and item_count (spec 11) */
  SVC_RAW_WRONG_CODE,   /* OK answer with code + 1 */
  SVC_RAW_WRONG_ID,     /* OK answer with message_id + 1000 */
  SVC_RAW_CLOSE,        /* close without an answer */
  SVC_RAW_SCRIPT        /* script() answers (any bytes, any records) */
} svc_raw_mode;

/*
 * The answer of SVC_RAW_SCRIPT to one request: write whatever records the
 * case needs on fd. Returns 0 to keep the connection, -1 to close it.
 */
typedef int (*svc_raw_script)(int fd, const netipc_header *req,
                              const uint8_t *payload, size_t len, void *arg);

#define SVC_RAW_MAX_CONNS 32

typedef struct svc_raw_server {
  /* input */
  const char *dir;
  const char *svc;
  svc_raw_mode mode;
  uint16_t status;
  uint32_t select;
  uint32_t rsmax;
  uint32_t packet; /* != 0: the agreed packet size (if below the client's) */
  svc_raw_script script; /* SVC_RAW_SCRIPT */
  void *script_arg;
  /* output (atomic counters; hellos valid after stop) */
  atomic_int conns;
  atomic_int requests;
  netipc_hello hellos[SVC_RAW_MAX_CONNS];
  int failed; /* a handshake step failed; valid after stop */
  /* private */
  int lfd;
  atomic_int stop;
  tp_task task;
} svc_raw_server;

/*
 * Listen on "<dir>/<svc>.sock" and start the thread; bails out on error.
 * Zero *r first; select, rsmax, packet, script and script_arg may be set
 * before the call.
 */
void svc_raw_server_start(svc_raw_server *r, const char *dir, const char *svc,
                          svc_raw_mode mode, uint16_t status);
/* Stop (within ~100 ms), join, close and remove the socket file. */
void svc_raw_server_stop(svc_raw_server *r);

/* The server's per-OS listener (service-raw-posix.c, raw-peers-win.c):
 * listen on svc's endpoint; the next connection within timeout_ms, or -1;
 * close a connection; close the listener and remove its endpoint. */
int svc_raw_listen(const char *dir, const char *svc);
int svc_raw_accept(int lfd, int timeout_ms);
void svc_raw_close(int fd);
void svc_raw_unlisten(int lfd, const char *dir, const char *svc);

#endif /* NETIPC_TESTS_SERVICE_RAW_POSIX_H */
