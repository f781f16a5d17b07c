/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * handshake-internal.h - the portable HELLO / HELLO_ACK orchestration
 * (handshake.c; posix-uds.md 6, wire.md 9) and the hooks a platform
 * supplies for it: record I/O on a connected, not yet handshaken
 * connection, and the SHM region a handshake may select. Connecting,
 * accepting and the endpoint itself stay with the platform.
 */
#ifndef NETIPC_TRANSPORT_HANDSHAKE_INTERNAL_H
#define NETIPC_TRANSPORT_HANDSHAKE_INTERNAL_H

#include "transport/session-internal.h"
#include "transport/transport-internal.h"

typedef struct netipc__shm netipc__shm; /* a platform's SHM data plane */

/* The portable state of a listener: what its handshakes answer with. A
 * port's struct netipc_listener holds it as its first member. */
typedef struct netipc__listen_core {
  char *run_dir;      /* for SHM region files */
  char *service_name; /* for SHM region files */
  netipc_server_hello_config hello; /* packet_size set per connection */
  uint32_t configured_packet_size;
  uint32_t handshake_timeout_ms;
  uint64_t next_session_id;
  uint32_t last_status; /* atomic: handshakes may run on many threads */
} netipc__listen_core;

/* The core of any platform's listener: it is the first member. */
static inline netipc__listen_core *
netipc__listen_core_of(netipc_listener *l)
{
  return (netipc__listen_core *)(void *)l;
}

static inline const netipc__listen_core *
netipc__listen_core_of_const(const netipc_listener *l)
{
  return (const netipc__listen_core *)(const void *)l;
}

/* Resolve cfg into the core. Errors: NOMEM (call _fini all the same). */
netipc_err netipc__listen_core_init(netipc__listen_core *c,
                                    const netipc_transport_config *cfg);

/* Free what _init allocated (safe on a zeroed core). */
void netipc__listen_core_fini(netipc__listen_core *c);

/*
 * Client handshake on a connected conn: HELLO from cfg, HELLO_ACK within
 * deadline, then the SHM attach when SHM was selected (*shm, else NULL).
 * Errors: those of the hooks and of netipc_hello_ack_process_flags.
 */
netipc_err netipc__handshake_connect(netipc_os_handle conn,
                                     const netipc_transport_config *cfg,
                                     uint64_t deadline,
                                     const netipc_abort *abort,
                                     netipc_session_info *info,
                                     netipc__shm **shm);

/*
 * Server handshake on an accepted conn: read HELLO within timeout_ms (0:
 * the listener's handshake timeout), decide, create the SHM region if
 * selected (*shm, else NULL), answer. conn stays open for the caller.
 * Errors: HANDSHAKE, ABORTED.
 */
netipc_err netipc__handshake_accept(netipc__listen_core *c,
                                    netipc_os_handle conn, uint64_t session_id,
                                    uint32_t timeout_ms,
                                    const netipc_abort *abort,
                                    netipc_session_info *info,
                                    netipc__shm **shm);

/* Platform hooks: accepting, and turning a connection into a session
 * (the portable accept paths are in transport/listen.c). */

/*
 * Wait up to timeout_ms (0: forever) unless abort fires, for one client
 * connection, taking its session id from the core first, as the
 * reference does (wire.md 9.5). Errors: TIMEOUT, ABORTED, SYSTEM.
 */
netipc_err netipc__listen_accept_conn(netipc_listener *l, uint32_t timeout_ms,
                                      const netipc_abort *abort,
                                      netipc_os_handle *conn,
                                      uint64_t *session_id);

/* Close an accepted connection that did not become a session. */
void netipc__accepted_close(netipc_os_handle conn);

/*
 * Make a session of a handshaken conn and its SHM plane (NULL: none),
 * owning both from here on: on failure both are closed.
 * Errors: NOMEM.
 */
netipc_err netipc__session_new(netipc_os_handle conn, netipc__shm *shm,
                               const netipc_session_info *info,
                               netipc_session **out);

/* Platform hooks: record I/O on a connection. */

/* Send one record of count (1..NETIPC__RECORD_PIECES_MAX) pieces in full
 * (POSIX: with MSG_NOSIGNAL). Errors: DISCONNECTED, SYSTEM. */
netipc_err netipc__conn_send_record(netipc_os_handle conn,
                                    const netipc__iobuf *bufs, int count);

/*
 * Wait (deadline, abort) and read one record into buf; *truncated is set
 * when it did not fit. Errors: TIMEOUT, ABORTED, DISCONNECTED, SYSTEM.
 */
netipc_err netipc__conn_recv_record(netipc_os_handle conn, uint64_t deadline,
                                    const netipc_abort *abort, void *buf,
                                    size_t cap, size_t *len, bool *truncated);

/*
 * The same hooks carrying one descriptor beside the record (POSIX:
 * SCM_RIGHTS), for the sealed region of Extension 2. pass_fd < 0 sends
 * none. The receiver takes at most one: extra descriptors and other
 * control messages are closed or ignored, *got_fd is -1 when none came,
 * and a truncated control part (MSG_CTRUNC) fails with PROTOCOL.
 */
netipc_err netipc__conn_send_record_fd(netipc_os_handle conn,
                                       const netipc__iobuf *bufs, int count,
                                       int pass_fd);
netipc_err netipc__conn_recv_record_fd(netipc_os_handle conn,
                                       uint64_t deadline,
                                       const netipc_abort *abort, void *buf,
                                       size_t cap, size_t *len,
                                       bool *truncated, int *got_fd);

/* The packet size conn offers: the configured value, else what the OS
 * accepts in one record (posix-uds.md 5). */
uint32_t netipc__conn_packet_size(netipc_os_handle conn, uint32_t configured);

/* Platform hooks: the SHM region (stand-ins fail where SHM is not built). */

/* What names and sizes one session's SHM region. */
typedef struct netipc__shm_params {
  const char *run_dir;
  const char *service;
  uint64_t auth_token; /* part of the Windows object names (windows.md 2.4) */
  uint32_t profile;    /* the selected SHM profile */
  uint64_t session_id;
  uint32_t request_limit;  /* server: its ceiling; client: the agreed limit */
  uint32_t response_limit; /* likewise for responses */
  bool extended; /* netipc extensions agreed (doc/extensions.md) */
  /* Client: the connect's deadline (0: none) and abort (may be NULL),
   * which also end the attach retries where the platform honours them. */
  uint64_t deadline;
  const netipc_abort *abort;
  /* Client: the handshaken connection (POSIX: the region file must be
   * owned by the uid of its peer, the server). */
  netipc_os_handle conn;
  /* Extension 2 (doc/extensions.md) agreed: the server makes a sealed
   * memfd instead of a file; the client attaches from region_fd, the
   * descriptor that came with the HELLO_ACK (NETIPC_OS_HANDLE_INVALID:
   * none came), which client_open always takes over. */
  bool sealed;
  netipc_os_handle region_fd;
} netipc__shm_params;

/*
 * Server: create and initialise the region of p->session_id with
 * capacities align64(32 + request_limit) / align64(32 + response_limit)
 * (posix-shm.md 4, 5; windows.md 4.2). Errors: BAD_NAME, PATH_TOO_LONG,
 * INVALID_ARG (capacity overflow), ADDR_IN_USE (a live region holds the
 * name), SYSTEM, NOSPACE, NOMEM, NOT_SUPPORTED.
 */
netipc_err netipc__shm_server_open(const netipc__shm_params *p,
                                   netipc__shm **out);

/*
 * Client: attach to the region of p->session_id, retrying while it is not
 * ready (posix-shm.md 6, windows.md 5.2), and check the areas cover 32 +
 * the agreed limits. Errors: NETIPC_ERR_SHM_ATTACH, NOMEM, BAD_NAME,
 * PATH_TOO_LONG, TIMEOUT and ABORTED (Windows: p->deadline, p->abort).
 */
netipc_err netipc__shm_client_open(const netipc__shm_params *p,
                                   netipc__shm **out);

/* Server, sealed region: the descriptor to pass with the HELLO_ACK (the
 * region keeps it). */
int netipc__shm_region_fd(const netipc__shm *shm);

/* Unmap and close; the owner also unlinks the file. NULL-safe. */
void netipc__shm_destroy(netipc__shm *shm);

#endif /* NETIPC_TRANSPORT_HANDSHAKE_INTERNAL_H */
