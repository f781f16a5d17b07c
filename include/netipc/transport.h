/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * netipc/transport.h - Level 1: sessions between one client and one
 * server, with the handshake, chunking, batching, pipelining, timeouts and
 * abort. On POSIX the baseline transport is UDS SOCK_SEQPACKET
 * (shared/spec/posix-uds.md).
 *
 * Objects are opaque and library-allocated. A listener or session is
 * single-owner: one thread at a time calls into it (a caller that shares
 * one between threads must serialise whole sends and whole receives). Any
 * error on one session leaves the listener and every other session intact.
 */
#ifndef NETIPC_TRANSPORT_H
#define NETIPC_TRANSPORT_H

#include <netipc/common.h>
#include <netipc/codec.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Named defaults. */
#define NETIPC_LISTEN_BACKLOG_DEFAULT 16
#define NETIPC_HANDSHAKE_TIMEOUT_MS_DEFAULT 5000u
#define NETIPC_PACKET_SIZE_FALLBACK 65536u
/* Longest service name accepted ([A-Za-z0-9._-]+, not "." or ".."). */
#define NETIPC_SERVICE_NAME_MAX 255u

/*
 * Configuration of one endpoint, for either side. Zero fields take the
 * transport defaults of posix-uds.md 6.1: profiles 0x01, payload limits
 * 1024, batch limits 1, packet size measured from the socket.
 * For a server the max_* fields are its limits (RQmax, RSmax); for a client
 * they are its HELLO proposals. The strings are copied.
 */
typedef struct netipc_transport_config {
  const char *run_dir;
  const char *service_name;
  uint32_t supported_profiles;
  uint32_t preferred_profiles;
  uint32_t max_request_payload_bytes;
  uint32_t max_request_batch_items;
  uint32_t max_response_payload_bytes;
  uint32_t max_response_batch_items;
  uint64_t auth_token;
  uint32_t packet_size;          /* 0: SO_SNDBUF - 32 (posix-uds.md 5) */
  int backlog;                   /* server; 0: 16 */
  uint32_t handshake_timeout_ms; /* server HELLO read; 0: 5000 */
  /* true: speak exactly the reference protocol, never offering or
   * echoing the netipc extensions (doc/extensions.md). */
  bool plain_protocol;
  /* Client: true asks for the file region even when both peers could use
   * a sealed memfd (doc/extensions.md, Extension 2). Default false: a
   * netipc client offers the sealed region whenever it offers the
   * extensions (not plain_protocol) and the build supports it (Linux);
   * only a netipc server that echoes it uses it, so a reference peer still
   * gets the file region. A netipc server always offers it where built,
   * so this switch only matters on the client. Ignored on Windows. */
  bool file_shm;
} netipc_transport_config;

/* Which end of a session this process is. */
typedef enum netipc_role {
  NETIPC_ROLE_CLIENT = 1,
  NETIPC_ROLE_SERVER = 2
} netipc_role;

/* The values agreed in the handshake; the only limits a session uses. */
typedef struct netipc_session_info {
  netipc_role role;
  uint32_t selected_profile;
  uint32_t server_supported_profiles;
  uint32_t intersection_profiles;
  uint32_t max_request_payload_bytes;
  uint32_t max_request_batch_items;
  uint32_t max_response_payload_bytes;
  uint32_t max_response_batch_items;
  uint32_t packet_size;
  uint64_t session_id;
  /* netipc extensions in effect (the HELLO_ACK flags; 0 with a
   * reference peer): NETIPC_HELLO_FLAG_EXTENSIONS,
   * NETIPC_HELLO_FLAG_SEALED_SHM. */
  uint16_t extension_flags;
} netipc_session_info;

typedef struct netipc_listener netipc_listener;
typedef struct netipc_session netipc_session;
typedef struct netipc_pending netipc_pending;

/*
 * What an endpoint waits on, for the caller's own event loop: a file
 * descriptor on POSIX, the bits of a HANDLE on Windows.
 */
#if defined(_WIN32) || defined(__CYGWIN__)
typedef intptr_t netipc_os_handle;
#define NETIPC_OS_HANDLE_INVALID ((netipc_os_handle)-1)
#else
typedef int netipc_os_handle;
#define NETIPC_OS_HANDLE_INVALID (-1)
#endif
typedef struct netipc_abort netipc_abort;

/*
 * Check a service name: 1..NETIPC_SERVICE_NAME_MAX bytes of
 * [A-Za-z0-9._-], not "." or "..". Errors: NETIPC_ERR_BAD_NAME.
 */
NETIPC_API netipc_err netipc_service_name_check(const char *name);

/*
 * Write "<run_dir>/<service_name><suffix>" into buf (with its NUL).
 * Errors: INVALID_ARG, BAD_NAME, PATH_TOO_LONG (does not fit cap).
 */
NETIPC_API netipc_err netipc_endpoint_path(const char *run_dir,
                                           const char *service_name,
                                           const char *suffix, char *buf,
                                           size_t cap);

/*
 * Write the name a client of service_name in run_dir connects to, for
 * messages and logs: the socket path "<run_dir>/<service_name>.sock" on
 * POSIX, the pipe name "\\.\pipe\netipc-<H>-<service_name>" on Windows
 * (windows.md 2.3). Errors: INVALID_ARG, BAD_NAME, PATH_TOO_LONG.
 */
NETIPC_API netipc_err netipc_endpoint_name(const char *run_dir,
                                           const char *service_name,
                                           char *buf, size_t cap);

/* ------------------------------------------------------------------ */
/* Run directory                                                       */
/* ------------------------------------------------------------------ */

/* Room for any message of netipc_run_dir_check: the path plus the rule. */
#define NETIPC_RUN_DIR_MSG_MAX 4352u

/*
 * Check that run_dir may hold endpoints for role (doc/transport.md, "Run
 * directory"), as netipc_listener_create (SERVER) and
 * netipc_session_connect (CLIENT) do before anything else. The last
 * component of the path must exist and be a directory, not a symlink; it
 * must not be writable by others unless it has the sticky bit (as /tmp
 * does); a SERVER also needs it owned by its effective uid or by root.
 * Group-writable is allowed. When msg is not NULL, a one-line message
 * naming the directory and the rule it breaks is written into msg (cap
 * bytes, truncated, always NUL-terminated; "" on success).
 * On Windows the run directory only names the pipe and SHM objects
 * (windows.md 2.3) and no file is made in it: the check returns OK.
 * Errors: INVALID_ARG (run_dir NULL, bad role), RUN_DIR_MISSING,
 * RUN_DIR_NOT_DIR, RUN_DIR_UNSAFE, RUN_DIR_OWNER, SYSTEM (lstat failed,
 * e.g. no search permission on a parent).
 */
NETIPC_API netipc_err netipc_run_dir_check(const char *run_dir,
                                           netipc_role role, char *msg,
                                           size_t cap);

/* ------------------------------------------------------------------ */
/* Abort handle                                                        */
/* ------------------------------------------------------------------ */

/*
 * A sticky abort signal that wakes receives in other threads. Signal and
 * clear are thread-safe and async-signal-safe on POSIX.
 * Errors: NOMEM, SYSTEM.
 */
NETIPC_API netipc_err netipc_abort_create(netipc_abort **out);
NETIPC_API void netipc_abort_signal(netipc_abort *a);
NETIPC_API void netipc_abort_clear(netipc_abort *a);
NETIPC_API bool netipc_abort_is_signalled(const netipc_abort *a);
NETIPC_API void netipc_abort_destroy(netipc_abort *a);

/* ------------------------------------------------------------------ */
/* Server side                                                         */
/* ------------------------------------------------------------------ */

/*
 * Validate the name, check the run directory as a SERVER
 * (netipc_run_dir_check), recover a stale endpoint, bind with mode 0600
 * and listen (posix-uds.md 3-4). A live server is never displaced; in a
 * shared (sticky, other-writable) run dir only a dead endpoint of our own
 * uid is reclaimed.
 * Errors: INVALID_ARG, BAD_NAME, PATH_TOO_LONG, RUN_DIR_MISSING,
 * RUN_DIR_NOT_DIR, RUN_DIR_UNSAFE, RUN_DIR_OWNER, ENDPOINT_OWNER (a dead
 * endpoint of another user in a shared run dir), ADDR_IN_USE, NOMEM,
 * SYSTEM.
 */
NETIPC_API netipc_err netipc_listener_create(
    const netipc_transport_config *cfg, netipc_listener **out);

/* The listening handle, for the caller's poll loop (readable = accept). */
NETIPC_API netipc_os_handle netipc_listener_fd(const netipc_listener *l);

/*
 * Accept one connection and run the server handshake (wire.md 9.3) with
 * the handshake timeout. Waits up to timeout_ms for a connection (0: wait
 * forever) unless abort fires. A rejected or failed handshake closes that
 * connection and returns its error; the listener stays usable.
 * Errors: TIMEOUT (no connection), ABORTED, HANDSHAKE (connection dropped
 * or rejected; see netipc_listener_last_status), NOMEM, SYSTEM.
 */
NETIPC_API netipc_err netipc_listener_accept(netipc_listener *l,
                                             uint32_t timeout_ms,
                                             const netipc_abort *abort,
                                             netipc_session **out);

/*
 * Accept one connection without the handshake, so the handshake can run on
 * another thread (level2.md 10). The session id is assigned now. The
 * pending connection belongs to the caller until netipc_pending_handshake
 * or netipc_pending_destroy. Thread-safety: like netipc_listener_accept;
 * the pending object itself may move to any one thread.
 * Errors: TIMEOUT, ABORTED, NOMEM, SYSTEM.
 */
NETIPC_API netipc_err netipc_listener_accept_pending(netipc_listener *l,
                                                     uint32_t timeout_ms,
                                                     const netipc_abort *abort,
                                                     netipc_pending **out);

/*
 * Run the server handshake of a pending connection, waiting at most
 * timeout_ms for HELLO (0: the listener's handshake timeout). Always
 * consumes p. The listener must outlive this call.
 * Errors: as netipc_listener_accept (HANDSHAKE, ABORTED, NOMEM, ...).
 */
NETIPC_API netipc_err netipc_pending_handshake(netipc_pending *p,
                                               uint32_t timeout_ms,
                                               const netipc_abort *abort,
                                               netipc_session **out);

/* Close a pending connection without a handshake. NULL-safe. */
NETIPC_API void netipc_pending_destroy(netipc_pending *p);

/*
 * transport_status of the last rejected handshake (0 when the connection
 * was dropped without a reply), for diagnostics and tests.
 */
NETIPC_API uint16_t netipc_listener_last_status(const netipc_listener *l);

/* Close the descriptor and unlink the socket. Sessions live on. NULL-safe. */
NETIPC_API void netipc_listener_destroy(netipc_listener *l);

/* ------------------------------------------------------------------ */
/* Client side                                                         */
/* ------------------------------------------------------------------ */

/*
 * Check the run directory as a CLIENT (netipc_run_dir_check), connect and
 * run the client handshake (wire.md 9.6), waiting at most timeout_ms (0:
 * forever) for the HELLO_ACK. In a shared (sticky, other-writable) run
 * dir the socket file and the listening process must belong to this
 * process's effective uid or root (doc/transport.md, "Run directory").
 * Errors: INVALID_ARG, BAD_NAME, PATH_TOO_LONG, RUN_DIR_MISSING,
 * RUN_DIR_NOT_DIR, RUN_DIR_UNSAFE, ENDPOINT_OWNER, NOT_FOUND (connect failed),
 * AUTH_FAILED, NO_PROFILE, INCOMPATIBLE, LIMIT_EXCEEDED, HANDSHAKE,
 * PROTOCOL, DISCONNECTED, TIMEOUT, ABORTED, NOMEM, SYSTEM.
 */
NETIPC_API netipc_err netipc_session_connect(const netipc_transport_config *cfg,
                                             uint32_t timeout_ms,
                                             const netipc_abort *abort,
                                             netipc_session **out);

/* ------------------------------------------------------------------ */
/* Both sides                                                          */
/* ------------------------------------------------------------------ */

/* Agreed values. Valid for the session's lifetime. */
NETIPC_API const netipc_session_info *netipc_session_get_info(
    const netipc_session *s);

/* The session handle, for the caller's poll loop (readable = data). */
NETIPC_API netipc_os_handle netipc_session_fd(const netipc_session *s);

/*
 * Send one logical message. From *hdr the transport takes kind, flags,
 * code, transport_status, item_count and message_id and fills the rest;
 * payload_len is len. Chunks transparently when the message exceeds the
 * packet size, gathering the caller's payload without copying it.
 * A client REQUEST registers message_id as in flight first.
 * Errors: INVALID_ARG (bad args or session broken), DUPLICATE_ID (nothing
 * sent), LIMIT_EXCEEDED (over the agreed limits for this role, nothing
 * sent), TOO_LARGE, DISCONNECTED / SYSTEM (send failed: session broken,
 * every in-flight id dropped).
 */
NETIPC_API netipc_err netipc_session_send(netipc_session *s,
                                          const netipc_header *hdr,
                                          const void *payload, size_t len);

/*
 * Receive one logical message, reassembling chunks, within one deadline of
 * timeout_ms (0: forever) for all of its packets; abort (may be NULL)
 * interrupts the wait. *payload points into a session buffer valid until
 * the next receive or destroy. A client matches the RESPONSE id against
 * its in-flight set.
 * Errors: TIMEOUT, ABORTED, DISCONNECTED (peer closed), PROTOCOL (bad
 * header, oversized record, bad batch directory), BAD_CHUNK, UNKNOWN_ID,
 * LIMIT_EXCEEDED (*hdr is still filled so a server can answer), NOMEM,
 * SYSTEM. Every error but LIMIT_EXCEEDED marks the session broken; after
 * TIMEOUT or ABORTED the stream may be mid-message, so close it.
 */
NETIPC_API netipc_err netipc_session_receive(netipc_session *s,
                                             uint32_t timeout_ms,
                                             const netipc_abort *abort,
                                             netipc_header *hdr,
                                             const void **payload,
                                             size_t *len);

/* Number of client requests sent and not yet answered. */
NETIPC_API size_t netipc_session_inflight(const netipc_session *s);

/* True once a send or receive error has broken the session. */
NETIPC_API bool netipc_session_is_broken(const netipc_session *s);

/* Close the socket and free the session. NULL-safe. */
NETIPC_API void netipc_session_destroy(netipc_session *s);

/* ------------------------------------------------------------------ */
/* Shared memory: the process-wide SIGBUS guard (Linux SHM)            */
/* ------------------------------------------------------------------ */

/*
 * A peer may ftruncate() the region file of an SHM session; touching the
 * region afterwards raises SIGBUS, which would kill this process and every
 * other session in it. By default (enable = true) the library therefore
 * installs a process-wide SIGBUS handler (sigaction, SA_SIGINFO) while at
 * least one SHM region is mapped, server or client: a fault inside a
 * region maps zero pages over that region, and its session fails with
 * NETIPC_ERR_SHM_FAULT (a Level 2 server closes it, a Level 2 client
 * reconnects) while every other session goes on. Any other SIGBUS is
 * passed to the handler that was installed before (SIG_DFL: the process
 * dies of it as before); that handler is restored when the last region is
 * unmapped, unless the program has replaced ours meanwhile.
 *
 * enable = false: regions mapped from now on are not guarded and the
 * embedding program owns SIGBUS (a truncating peer then kills the
 * process). Call it before any session exists; regions already mapped
 * keep their guard. Thread-safe. Windows has no such fault (a mapped file
 * cannot be truncated) and ignores the call.
 */
NETIPC_API void netipc_shm_sigbus_guard(bool enable);

#ifdef __cplusplus
}
#endif

#endif /* NETIPC_TRANSPORT_H */
