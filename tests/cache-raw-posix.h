/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cache-raw-posix.h - the raw part of the Level 3 test helpers: a raw
 * server that answers every snapshot request with crafted bytes. Built on
 * the raw byte primitives of uds-helpers.h and service-raw-posix.h (AF_UNIX
 * on POSIX, a named pipe on Windows: raw-peers-win.c); only the tests that
 * need it include this.
 */
#ifndef NETIPC_TESTS_CACHE_RAW_POSIX_H
#define NETIPC_TESTS_CACHE_RAW_POSIX_H

#include "tp-atomic.h"
#include <stddef.h>
#include <stdint.h>

#include "cache-helpers.h"
#include "service-raw-posix.h"
#include "raw-peers.h"

/* ---------------------------------------------------------------- */
/* Raw server answering every snapshot request with crafted bytes    */
/* ---------------------------------------------------------------- */

#define CH_RAW_MAX_PAYLOAD 16384

typedef struct ch_raw_server {
  /* input (before start) */
  char dir[128];
  char svc[64];
  uint8_t payload[CH_RAW_MAX_PAYLOAD];
  size_t payload_len;
  uint16_t status; /* transport_status of the responses */
  /* output */
  atomic_int conns;    /* accepted sessions (HELLO answered) */
  atomic_int requests; /* requests received (counted before the answer) */
  atomic_int failed;   /* a handshake or send failed */
  /* private */
  netipc__mutex *lock; /* protects payload and payload_len */
  int lfd;
  atomic_int stop;
  tp_task task;
} ch_raw_server;

/* Listen on "<dir>/<svc>.sock" and serve payload; bails out on error. */
void ch_raw_server_start(ch_raw_server *r, const char *dir, const char *svc,
                         const void *payload, size_t len);
/* Answer the next requests with these bytes instead. */
void ch_raw_server_set_payload(ch_raw_server *r, const void *payload,
                               size_t len);
/* Stop (within ~100 ms), join, close, remove the socket file. */
void ch_raw_server_stop(ch_raw_server *r);

#endif /* NETIPC_TESTS_CACHE_RAW_POSIX_H */
