/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * session-internal.h - the seam between the portable Level 1 session
 * (session.c: limits, message ids, chunking and reassembly, wire.md 8 and
 * posix-uds.md 8-10) and the platform that moves its records. A port
 * defines struct netipc_session with a netipc__session_core as its first
 * member, implements the hooks below, and owns creation and destruction.
 */
#ifndef NETIPC_TRANSPORT_SESSION_INTERNAL_H
#define NETIPC_TRANSPORT_SESSION_INTERNAL_H

#include "transport/inflight.h"
#include "transport/transport-internal.h"

/* The platform-independent state of a session. */
typedef struct netipc__session_core {
  bool broken;
  bool shm; /* messages travel whole through an SHM data plane */
  netipc_session_info info;
  netipc__inflight inflight; /* client: outstanding request ids */
  uint8_t *packet;           /* one received record */
  size_t packet_cap;
  uint8_t *message; /* reassembly of a chunked message */
  size_t message_cap;
} netipc__session_core;

/* Most pieces a record is sent from: header and payload. */
#define NETIPC__RECORD_PIECES_MAX 2

/* One piece of a record to send (the portable spelling of an iovec). */
typedef struct netipc__iobuf {
  const void *base;
  size_t len;
} netipc__iobuf;

/* The core of any platform's session: it is the first member (C11
 * 6.7.2.1p15 makes the cast exact). */
static inline netipc__session_core *
netipc__session_core_of(netipc_session *s)
{
  return (netipc__session_core *)(void *)s;
}

static inline const netipc__session_core *
netipc__session_core_of_const(const netipc_session *s)
{
  return (const netipc__session_core *)(const void *)s;
}

/*
 * Fill the core for a handshaken session. With shm, messages are read
 * whole from an incoming area of shm_cap bytes; without, records carry
 * chunks. Errors: NOMEM (the caller destroys the session, which calls
 * _fini).
 */
netipc_err netipc__session_core_init(netipc__session_core *c,
                                     const netipc_session_info *info,
                                     bool shm, size_t shm_cap);

/* Free what _init allocated (safe on a zeroed core). */
void netipc__session_core_fini(netipc__session_core *c);

/* Platform hooks. */

/* Send one record of count (1..NETIPC__RECORD_PIECES_MAX) pieces in full.
 * Errors: DISCONNECTED, SYSTEM. */
netipc_err netipc__session_send_record(netipc_session *s,
                                       const netipc__iobuf *bufs, int count);

/*
 * Read one record into the core's packet buffer: wait_ms (0: forever)
 * bounds the wait, deadline (0: none) is where it ends, for a wait that a
 * signal interrupts. *truncated is set when the record did not fit.
 * Errors: TIMEOUT, ABORTED, DISCONNECTED, SYSTEM.
 */
netipc_err netipc__session_recv_record(netipc_session *s, uint32_t wait_ms,
                                       uint64_t deadline,
                                       const netipc_abort *abort, size_t *len,
                                       bool *truncated);

/* Publish one whole message (encoded header + payload) on the SHM plane. */
netipc_err netipc__session_shm_publish(netipc_session *s, const uint8_t *hdr,
                                       const void *payload, size_t len);

/* Wait for one whole message on the SHM plane into the packet buffer. */
netipc_err netipc__session_shm_receive(netipc_session *s, uint32_t timeout_ms,
                                       const netipc_abort *abort, size_t *len);

#endif /* NETIPC_TRANSPORT_SESSION_INTERNAL_H */
