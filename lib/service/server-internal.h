/* SPDX-License-Identifier: GPL-3.0-or-later */
/* server-internal.h - the Level 2 managed server, shared by its files. */
#ifndef NETIPC_SERVICE_SERVER_INTERNAL_H
#define NETIPC_SERVICE_SERVER_INTERNAL_H

#include <netipc/service.h>

#include "transport/platform.h"

/* level2.md section 2. */
#define SERVER_ACCEPT_BACKOFF_MS 10u
#define SERVER_DRAIN_POLL_MS 5u
#define SERVER_MIN_SCRATCH 1024u
/* Handshake bound for a connection refused for capacity (it is answered,
 * then closed, on the acceptor thread: keep a silent one short). */
#define SERVER_OVERLOAD_HANDSHAKE_MS 250u

enum { SLOT_FREE = 0, SLOT_BUSY = 1, SLOT_DONE = 2 };

typedef struct server_slot {
  struct netipc_server *server;
  netipc__thread *thread;
  netipc_pending *pending;
  uint32_t state; /* SLOT_*, atomic */
} server_slot;

struct netipc_server {
  netipc_server_config cfg; /* strings point at our copies */
  char *run_dir;
  char *service_name;
  netipc_listener *listener;
  netipc_abort *accept_stop;  /* ends the acceptor loop */
  netipc_abort *session_stop; /* breaks every session's wait */
  server_slot *slots;
  uint32_t nslots;
  uint32_t live;    /* sessions running, atomic */
  uint32_t handshaking; /* of those, still in the handshake, atomic */
  uint32_t running; /* acceptor loop active, atomic */
  netipc__thread *acceptor;
};

/* The outcome of dispatching one request (level2.md 9.4 table). */
typedef struct netipc__reply {
  uint16_t status;
  uint16_t flags;
  uint32_t item_count;
  size_t payload_len;
  bool close_after;
} netipc__reply;

/*
 * Decode the request, call the handler and encode the answer into
 * out[0..cap). Never fails: every outcome is a reply.
 */
void netipc__server_dispatch(const netipc_server_config *cfg,
                             const netipc_header *h, const uint8_t *payload,
                             size_t len, uint8_t *out, size_t cap,
                             netipc__reply *reply);

/* A reply with this status and no payload; non-OK (but UNSUPPORTED)
 * statuses close the session after sending. */
void netipc__reply_status(netipc__reply *r, uint16_t status);

/* netipc__server_dispatch for CGROUPS_LOOKUP and APPS_LOOKUP. */
void netipc__server_dispatch_lookup(const netipc_server_config *cfg,
                                    const uint8_t *payload, size_t len,
                                    uint8_t *out, size_t cap,
                                    netipc__reply *reply);

/* The body of one session thread. */
void netipc__server_session_main(void *slot);

#endif /* NETIPC_SERVICE_SERVER_INTERNAL_H */
