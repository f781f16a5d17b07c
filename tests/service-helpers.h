/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * service-helpers.h - shared pieces of the Level 2 tests (level2.md):
 * instrumented typed handlers, managed servers and client contexts built
 * from one run directory, raw UDS clients that speak to a managed server
 * byte by byte, and threads with bounded joins. Built on uds-helpers (run
 * directories, raw sockets).
 *
 * TAP output is not thread-safe: threads only record results, and the main
 * thread asserts on them after joining.
 */
#ifndef NETIPC_TESTS_SERVICE_HELPERS_H
#define NETIPC_TESTS_SERVICE_HELPERS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <netipc/service.h>

#include "uds-helpers.h"

/* The auth token of every test peer (the same as the Level 1 helpers'). */
#define SVC_TOKEN UDS_TOKEN

/* INCREMENT values with a meaning for svc_handler. */
#define SVC_FAIL_VALUE 0xFA11u   /* handler returns failure */
#define SVC_SLEEP_VALUE 0x51EEu  /* handler sleeps sleep_ms first */
/* STRING_REVERSE input that makes the handler fail. */
#define SVC_FAIL_STRING "fail"

/* Result of a raw receive that met end-of-file. */
#define SVC_RAW_EOF (-3)

/* alarm(120), 600 under valgrind (NETIPC_UNDER_VALGRIND). First in main. */
void svc_alarm(void);
/* 1 when running under valgrind (the environment variable is set). */
int svc_under_valgrind(void);

/*
 * State of the instrumented handlers. Zero-initialise; every field is
 * atomic so tests may change behaviour while servers run.
 */
typedef struct svc_handler {
  atomic_uint calls;     /* handler invocations, counted on entry */
  atomic_uint finished;  /* invocations that returned */
  atomic_uint fail_next; /* > 0: fail that many next calls */
  atomic_uint sleep_ms;  /* sleep for SVC_SLEEP_VALUE */
  /* CGROUPS_SNAPSHOT: items produced and the string lengths. */
  atomic_uint cg_items;
  atomic_uint cg_name_len; /* 0: 20 */
  atomic_uint cg_path_len; /* 0: 40 */
  atomic_uint cg_generation;
} svc_handler;

int svc_increment_handler(void *user, uint64_t value, uint64_t *result);
/* Reverses; an answer larger than cap is reported by *out_len = len. */
int svc_string_reverse_handler(void *user, netipc_string_view in, char *out,
                               size_t cap, size_t *out_len);
/* cg_items items; systemd_enabled 1, generation cg_generation. */
int svc_cgroups_handler(void *user, netipc_cgroups_builder *b);

/* The strings of snapshot item i (len bytes plus a NUL; cap > len). */
void svc_cg_name(uint32_t i, size_t len, char *buf, size_t cap);
void svc_cg_path(uint32_t i, size_t len, char *buf, size_t cap);
/* 1 when item i of the view is exactly what svc_cgroups_handler made. */
int svc_cg_item_ok(const netipc_cgroups_view *v, uint32_t i, size_t name_len,
                   size_t path_len);

/* Zeroed server config: run dir, service, method, every handler on h. */
void svc_server_config(netipc_server_config *cfg, const char *dir,
                       const char *svc, uint16_t method, svc_handler *h);
/* Create and start (acceptor thread) or bail out. */
netipc_server *svc_server_start(const netipc_server_config *cfg);

/* Zeroed client config: run dir, service, SVC_TOKEN, 10 s call timeout. */
void svc_client_config(netipc_client_config *cfg, const char *dir,
                       const char *svc);
/* Create or bail out. */
netipc_client *svc_client_new(const netipc_client_config *cfg,
                              uint16_t method);
/* Refresh until READY or timeout_ms; 1 when READY. */
int svc_client_connect(netipc_client *c, int timeout_ms);
/*
 * A READY client of svc in dir with the given request proposal and batch
 * items (0: defaults), or bail out.
 */
netipc_client *svc_connected_client(const char *dir, const char *svc,
                                    uint16_t method, uint32_t rq,
                                    uint32_t batch);
netipc_client_state svc_state(const netipc_client *c);
netipc_client_status svc_status(const netipc_client *c);

/* Wait until *counter >= n; 1 on success. */
int svc_wait_count(atomic_uint *counter, unsigned n, int timeout_ms);
/* Wait until the server has exactly n live sessions; 1 on success. */
int svc_wait_sessions(netipc_server *s, uint32_t n, int timeout_ms);

/* "<dir>/<svc>.sock" exists. */
int svc_sock_exists(const char *dir, const char *svc);
/* Number of entries in dir (no . and ..), -1 on error. */
int svc_dir_entries(const char *dir);
/* Number of entries in dir whose name ends with suffix, -1 on error. */
int svc_dir_count_suffix(const char *dir, const char *suffix);

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
ssize_t svc_raw_recv(int fd, netipc_header *h, uint8_t *buf, size_t cap,
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
  SVC_RAW_CLOSE         /* close without an answer */
} svc_raw_mode;

#define SVC_RAW_MAX_CONNS 32

typedef struct svc_raw_server {
  /* input */
  const char *dir;
  const char *svc;
  svc_raw_mode mode;
  uint16_t status;
  uint32_t select;
  uint32_t rsmax;
  /* output (atomic counters; hellos valid after stop) */
  atomic_int conns;
  atomic_int requests;
  netipc_hello hellos[SVC_RAW_MAX_CONNS];
  int failed; /* a handshake step failed; valid after stop */
  /* private */
  int lfd;
  atomic_int stop;
  pthread_t thread;
} svc_raw_server;

/*
 * Listen on "<dir>/<svc>.sock" and start the thread; bails out on error.
 * Zero *r first; select and rsmax may be set before the call.
 */
void svc_raw_server_start(svc_raw_server *r, const char *dir, const char *svc,
                          svc_raw_mode mode, uint16_t status);
/* Stop (within ~100 ms), join, close and remove the socket file. */
void svc_raw_server_stop(svc_raw_server *r);

/* ---------------------------------------------------------------- */
/* Threads with bounded joins                                        */
/* ---------------------------------------------------------------- */

typedef struct svc_task {
  void (*fn)(void *arg);
  void *arg;
  atomic_int done;
  pthread_t thread;
} svc_task;

void svc_task_start(svc_task *t, void (*fn)(void *arg), void *arg);
/* 1 when the task has finished (not joined yet). */
int svc_task_done(svc_task *t);
/*
 * Wait up to timeout_ms for the task, then join it. Returns 1 when it
 * finished in time; bails out otherwise (a hung thread cannot be joined).
 */
int svc_task_join(svc_task *t, int timeout_ms, const char *what);

#endif /* NETIPC_TESTS_SERVICE_HELPERS_H */
