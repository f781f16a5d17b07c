/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * win-test-helpers.h - what the Windows transport tests share: a
 * watchdog, a per-run service run_dir, Wine detection, a raw Named Pipe
 * client that speaks bytes written by hand (windows.md 3.2: CreateFileW +
 * PIPE_READMODE_MESSAGE), client/server session pairs and an echo server
 * thread over the public Level 1 API.
 */
#ifndef NETIPC_TESTS_WIN_TEST_HELPERS_H
#define NETIPC_TESTS_WIN_TEST_HELPERS_H

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <stddef.h>
#include <stdint.h>

#include <netipc/codec.h>
#include <netipc/transport.h>

#include "test-platform.h"

/* Functional waits: far above anything Wine needs (windows.md 7). */
#define WT_WAIT_MS 10000u
/* A whole program gets this long before the watchdog ends it. */
#define WT_WATCHDOG_S 300u
#define WT_TOKEN TP_TOKEN

/* wt_raw_recv results besides a byte count (> 0). */
#define WT_RECV_GONE 0     /* the server closed or disconnected the pipe */
#define WT_RECV_TIMEOUT -1 /* nothing within the timeout */
#define WT_RECV_ERROR -2   /* any other failure */
#define WT_RECV_TOO_BIG -3 /* the message did not fit (ERROR_MORE_DATA) */

/* Start the watchdog and write a run_dir unique to this run and tag. */
void wt_init(const char *tag, char *run_dir, size_t cap);

/* 1 under Wine (ntdll exports wine_get_version; windows.md 7). */
int wt_under_wine(void);

/* tp_transport_config: zeroed, with run_dir, service and WT_TOKEN. */
void wt_config(netipc_transport_config *cfg, const char *run_dir,
               const char *svc);

/* ---- raw pipe client ------------------------------------------------ */

/* Open the service's pipe in message read mode, retrying while busy or
 * absent for WT_WAIT_MS; INVALID_HANDLE_VALUE when it never opens. */
HANDLE wt_raw_connect(const char *run_dir, const char *svc);
/* One WriteFile of n bytes; 0 when all were written. */
int wt_raw_send(HANDLE h, const void *p, size_t n);
/* One message within timeout_ms: its length, or a WT_RECV_* code. */
long wt_raw_recv(HANDLE h, void *buf, size_t cap, uint32_t timeout_ms);
/* 1 when the server ends the pipe within timeout_ms (data is dropped). */
int wt_raw_wait_gone(HANDLE h, uint32_t timeout_ms);
/* A valid HELLO: NAMED_PIPE only, limits 4096, batches 8, WT_TOKEN. */
void wt_hello_default(netipc_hello *h);
/* HELLO encoded into buf (NETIPC_HELLO_MSG_LEN bytes); its length. */
size_t wt_hello_msg(const netipc_hello *h, uint8_t *buf);

/* ---- raw pipe server ------------------------------------------------ */

/*
 * A one-instance pipe server on the service's name that reads one HELLO,
 * answers with ack (NULL: says nothing), then keeps the pipe until the
 * client leaves or hold_ms pass, and disconnects.
 */
typedef struct wt_raw_server {
  HANDLE pipe;
  const uint8_t *ack;
  size_t ack_len;
  uint32_t hold_ms;
  long hello_len; /* what the HELLO read returned */
  uint8_t hello[128];
  int client_left; /* the client closed within hold_ms */
  tp_task task;
} wt_raw_server;

/* Create the instance here (so a client finds it), serve in a thread.
 * Returns 0 when the pipe cannot be created. */
int wt_raw_server_start(wt_raw_server *s, const char *run_dir,
                        const char *svc, const uint8_t *ack, size_t ack_len,
                        uint32_t hold_ms);
void wt_raw_server_join(wt_raw_server *s);

/* ---- session pairs -------------------------------------------------- */

typedef struct wt_pair {
  netipc_session *client;
  netipc_session *server;
  netipc_err connect_err;
  netipc_err accept_err;
  uint16_t last_status; /* listener's, after the accept */
} wt_pair;

/* Accept on l in a thread while connecting with ccfg here. */
void wt_pair_open(wt_pair *p, netipc_listener *l,
                  const netipc_transport_config *ccfg);
void wt_pair_close(wt_pair *p);

/* An accept running in a thread (for raw clients and abort tests). */
typedef struct wt_accepter {
  netipc_listener *listener;
  uint32_t timeout_ms;
  const netipc_abort *abort;
  netipc_session *session;
  netipc_err err;
  uint16_t last_status;
  uint64_t elapsed_ms;
  tp_task task;
} wt_accepter;

void wt_accept_start(wt_accepter *a, netipc_listener *l, uint32_t timeout_ms,
                     const netipc_abort *abort);
/* Join (bails out after WT_WAIT_MS * 2); returns a->err. */
netipc_err wt_accept_join(wt_accepter *a);

/* ---- echo server ---------------------------------------------------- */

/*
 * Serves one session in a thread: every REQUEST is answered with a
 * RESPONSE carrying the same code, id, flags, item_count and payload
 * bytes, until receive fails (end_err), with `timeout_ms` per receive.
 */
typedef struct wt_echo {
  netipc_session *session;
  const netipc_abort *abort;
  uint32_t timeout_ms;
  netipc_err end_err;
  unsigned served;
  tp_task task;
} wt_echo;

void wt_echo_start(wt_echo *e, netipc_session *s, const netipc_abort *abort);
/* Join (bails out after WT_WAIT_MS * 2); returns e->end_err. */
netipc_err wt_echo_join(wt_echo *e);

/* Fill n bytes with a pattern that depends on seed and position. */
void wt_pattern(uint8_t *p, size_t n, unsigned seed);

/*
 * Send one REQUEST (code, id, payload) on the client and receive its
 * response within WT_WAIT_MS. Returns 1 when the response matches the
 * echo: kind RESPONSE, same code and id, status OK, identical payload.
 */
int wt_echo_call(netipc_session *c, uint16_t code, uint64_t id,
                 const void *payload, size_t len);

/* A receive on another thread, to block and be woken: its result and how
 * long it took. */
typedef struct wt_blocked_recv {
  netipc_session *s;
  uint32_t timeout_ms;
  const netipc_abort *abort;
  netipc_err err;
  uint64_t elapsed_ms;
  tp_task task;
} wt_blocked_recv;

void wt_blocked_recv_start(wt_blocked_recv *b, netipc_session *s,
                           uint32_t timeout_ms, const netipc_abort *abort);
/* Join it (bails out after 2 * WT_WAIT_MS). */
void wt_blocked_recv_join(wt_blocked_recv *b);

#endif /* NETIPC_TESTS_WIN_TEST_HELPERS_H */
