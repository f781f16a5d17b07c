/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * uds-helpers.h - shared pieces of the Level 1 UDS tests: private run
 * directories, raw SOCK_SEQPACKET peers (for bytes the library would never
 * produce), a Level 1 test server (INCREMENT + STRING_REVERSE) and thread
 * helpers. Every blocking call here has a timeout.
 *
 * TAP output is not thread-safe: threads only record results, and the main
 * thread asserts on them after joining.
 */
#ifndef NETIPC_TESTS_UDS_HELPERS_H
#define NETIPC_TESTS_UDS_HELPERS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <netipc/codec.h>
#include <netipc/transport.h>

#include "raw-peers.h"
#include "test-platform.h"


/* alarm(): 60 s, longer under valgrind. Call first in main(). */
void uds_safety_alarm(void);

/* Milliseconds on a monotonic clock (tp_now_ms). */
uint64_t uds_now_ms(void);
void uds_sleep_ms(unsigned ms);

/* mkdtemp("/tmp/netipc-<tag>-XXXXXX") into dir (cap >= 64); bails out. */
void uds_rundir_make(char *dir, size_t cap, const char *tag);
/* Remove every entry of dir (one level, empty subdirs too), then dir. */
void uds_rundir_remove(const char *dir);

/* "<dir>/<svc>.sock" into buf. Bails out when it does not fit. */
void uds_sock_path(const char *dir, const char *svc, char *buf, size_t cap);

/* Zeroed config with run_dir, service_name and UDS_TOKEN. */
void uds_config(netipc_transport_config *cfg, const char *dir,
                const char *svc);

/* Raw sockets. All return -1 on failure. */
int uds_raw_bind(const char *dir, const char *svc);   /* bound, no listen */
int uds_raw_listen(const char *dir, const char *svc); /* bound + listening */
int uds_raw_accept(int lfd, int timeout_ms);

/* Header (encoded as given) + payload into buf; returns the length. */
size_t uds_msg_build(uint8_t *buf, size_t cap, const netipc_header *h,
                     const void *payload, size_t len);
/* Continuation header (as given) + data into buf; returns the length. */
size_t uds_chunk_build(uint8_t *buf, size_t cap, const netipc_chunk_header *c,
                       const void *data, size_t len);

/* A valid HELLO: profiles 0x01/0x01, 4096/8/4096/8, UDS_TOKEN, 65536. */
void uds_hello_default(netipc_hello *h);
/*
 * Send hello as a raw client (header from netipc_hello_message_encode) and
 * read the reply. Returns the reply length, 0 on EOF, <0 on error/timeout.
 */
ssize_t uds_raw_hello(int fd, const netipc_hello *h, uint8_t *reply,
                      size_t cap);

/* "hex digits" (even count) into out; returns the byte count or -1. */
ssize_t uds_hex_decode(const char *hex, size_t hexlen, uint8_t *out,
                       size_t cap);

/* 8-bit pseudo-random fill, never 0 (so strings stay NUL-free). */
void uds_fill(uint8_t *buf, size_t len, uint32_t seed);

/* ---------------------------------------------------------------- */
/* Client/server pairs driven from one thread                        */
/* ---------------------------------------------------------------- */

typedef struct uds_pair {
  netipc_session *client;
  netipc_session *server;
  netipc_err err;     /* connect error, else the accept error */
  netipc_err connect_err;
  netipc_err accept_err;
  int failures;       /* failed accepts before ours */
  uint16_t last_status;
} uds_pair;

/* Connect with ccfg while a thread accepts (up to `attempts` tries). */
void uds_pair_open(uds_pair *p, netipc_listener *l,
                   const netipc_transport_config *ccfg, int attempts);
void uds_pair_close(uds_pair *p);
/*
 * INCREMENT round trip with message_id = value: client sends, server
 * receives and answers, client receives. 1 when the answer is value + 1
 * with the right id.
 */
int uds_pair_round_trip(uds_pair *p, uint64_t value);

/* ---------------------------------------------------------------- */
/* Level 1 test server                                               */
/* ---------------------------------------------------------------- */

/*
 * Answer one request on a server session: INCREMENT (value + 1) and
 * STRING_REVERSE (byte reversal), single or BATCH; other codes get an
 * empty UNSUPPORTED response, undecodable payloads BAD_ENVELOPE. The
 * response copies code and message_id. Returns the send result.
 */
netipc_err uds_answer(netipc_session *s, const netipc_header *req,
                      const void *payload, size_t len);

/*
 * Receive and answer until an error; a LIMIT_EXCEEDED request is answered
 * with an empty LIMIT_EXCEEDED response first. *served counts answered
 * requests (may be NULL). Returns the error that ended the loop.
 */
netipc_err uds_serve(netipc_session *s, uint32_t timeout_ms,
                     const netipc_abort *abort, unsigned *served);

#define UDS_SERVER_MAX 64

/* Accept loop in a thread, one serving thread per session. */
typedef struct uds_server {
  netipc_listener *listener;
  netipc_abort *abort;
  pthread_t accept_thread;
  pthread_mutex_t lock;
  int running;
  /* results, under lock */
  int accepted;                       /* sessions handed to threads */
  int failures;                       /* failed accepts/handshakes */
  netipc_err last_failure;            /* error of the last failed accept */
  uint16_t last_status;               /* listener_last_status after it */
  int ended;                          /* sessions whose loop returned */
  netipc_err end_err[UDS_SERVER_MAX]; /* by acceptance order */
  unsigned served[UDS_SERVER_MAX];
  uint64_t session_id[UDS_SERVER_MAX];
  pthread_t threads[UDS_SERVER_MAX];
} uds_server;

/* Create the listener and start accepting. Returns the create error. */
netipc_err uds_server_start(uds_server *srv,
                            const netipc_transport_config *cfg);
/* Abort everything, join every thread, destroy the listener. */
void uds_server_stop(uds_server *srv);
/* Wait until ended >= n_ended and failures >= n_failures; 1 on success. */
int uds_server_wait(uds_server *srv, int n_ended, int n_failures,
                    int timeout_ms);
/* Snapshot of the results (copy taken under the lock). */
void uds_server_snapshot(uds_server *srv, uds_server *out);

/* ---------------------------------------------------------------- */
/* Threads                                                           */
/* ---------------------------------------------------------------- */

/* pthread_create or bail out. */
void uds_thread_start(pthread_t *t, void *(*fn)(void *), void *arg);
void uds_thread_join(pthread_t t);

/* One netipc_listener_accept in a thread (up to `attempts` tries). */
typedef struct uds_accepter {
  netipc_listener *listener;
  uint32_t timeout_ms;
  int attempts;           /* 0 means 1 */
  netipc_err err;         /* result of the last attempt */
  int failures;           /* failed attempts before it */
  uint16_t last_status;   /* netipc_listener_last_status after the last */
  netipc_session *session;
  pthread_t thread;
} uds_accepter;

void uds_accept_start(uds_accepter *a, netipc_listener *l,
                      uint32_t timeout_ms, int attempts);
void uds_accept_join(uds_accepter *a);

/* netipc_session_connect in a thread. */
typedef struct uds_connecter {
  const netipc_transport_config *cfg;
  uint32_t timeout_ms;
  netipc_err err;
  netipc_session *session;
  pthread_t thread;
} uds_connecter;

void uds_connect_start(uds_connecter *c, const netipc_transport_config *cfg,
                       uint32_t timeout_ms);
void uds_connect_join(uds_connecter *c);

/*
 * A scripted raw server for one connection: accept, read HELLO and answer
 * it (computed OK ack, or a given ack record), read `read_records` records,
 * send the packets (each after its delay), then either close at once or
 * wait for the client's EOF.
 */
#define UDS_PEER_MAX_PKTS 16

typedef struct uds_raw_peer {
  /* input */
  int lfd;
  uint32_t packet_size;  /* our Ps for the min(); 0: 65536 */
  uint32_t rsmax;        /* agreed response payload; 0: 4096 */
  const uint8_t *ack;    /* if set, sent verbatim instead */
  size_t ack_len;
  int read_records;
  uint8_t *rec_buf;      /* if set, the records are appended here */
  size_t rec_cap;
  const uint8_t *pkt[UDS_PEER_MAX_PKTS];
  size_t pkt_len[UDS_PEER_MAX_PKTS];
  int pkt_delay_ms[UDS_PEER_MAX_PKTS];
  int npkt;
  int linger_ms; /* 0: close right after sending */
  /* output */
  int failed;           /* a step failed (timeout, EOF, error) */
  int records;          /* request records read */
  size_t rec_len[UDS_PEER_MAX_PKTS];
  size_t rec_used;      /* bytes stored in rec_buf */
  netipc_hello hello;   /* the client's HELLO */
  int saw_eof;          /* client closed while lingering */
  pthread_t thread;
} uds_raw_peer;

/* Zero *p and set lfd; the caller fills the rest. */
void uds_raw_peer_init(uds_raw_peer *p, int lfd);
void uds_raw_peer_add(uds_raw_peer *p, const uint8_t *pkt, size_t len,
                      int delay_ms);
void uds_raw_peer_start(uds_raw_peer *p);
void uds_raw_peer_join(uds_raw_peer *p);

#endif /* NETIPC_TESTS_UDS_HELPERS_H */
