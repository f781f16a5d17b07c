/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * netipc/service.h - Level 2: a typed client context and a managed,
 * multi-threaded server (shared/spec/level2.md).
 *
 * A client context talks to one service and sends one method. It never
 * creates threads: all connection work happens inside refresh and the typed
 * calls. A managed server serves exactly one method with one typed handler,
 * one thread per session.
 */
#ifndef NETIPC_SERVICE_H
#define NETIPC_SERVICE_H

#include <netipc/common.h>
#include <netipc/codec.h>
#include <netipc/lookup.h>
#include <netipc/transport.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Named defaults (level2.md section 2). */
#define NETIPC_CALL_TIMEOUT_MS_DEFAULT 30000u
#define NETIPC_CLIENT_REQUEST_DEFAULT 1024u
#define NETIPC_CLIENT_RESPONSE_DEFAULT 65536u
#define NETIPC_SERVER_REQUEST_DEFAULT 1024u
#define NETIPC_SERVER_RESPONSE_DEFAULT 65536u
#define NETIPC_SERVER_WORKERS_DEFAULT 16u

/* Ceilings of one logical lookup call (lookups.md 7). */
#define NETIPC_LOOKUP_MAX_ITEMS_DEFAULT 65536u
#define NETIPC_LOOKUP_MAX_SUBCALLS_DEFAULT 4096u
#define NETIPC_LOOKUP_MAX_RESPONSE_DEFAULT 67108864u /* 64 MiB */

/* Default service names of the lookup providers (lookups.md 1). */
#define NETIPC_CGROUPS_LOOKUP_SERVICE "cgroups-lookup"
#define NETIPC_APPS_LOOKUP_SERVICE "apps-lookup"

/* ------------------------------------------------------------------ */
/* Client context                                                      */
/* ------------------------------------------------------------------ */

typedef enum netipc_client_state {
  NETIPC_CLIENT_DISCONNECTED = 0,
  NETIPC_CLIENT_CONNECTING = 1,
  NETIPC_CLIENT_READY = 2,
  NETIPC_CLIENT_NOT_FOUND = 3,
  NETIPC_CLIENT_AUTH_FAILED = 4,
  NETIPC_CLIENT_INCOMPATIBLE = 5,
  NETIPC_CLIENT_BROKEN = 6
} netipc_client_state;

/*
 * Client configuration; zero fields take the defaults of level2.md 2.
 * The strings are copied.
 */
typedef struct netipc_client_config {
  const char *run_dir;
  const char *service_name;
  uint32_t supported_profiles; /* 0: baseline only */
  uint32_t preferred_profiles;
  uint32_t max_request_payload_bytes;  /* proposal; 0: 1024, grows */
  uint32_t max_response_payload_bytes; /* proposal; 0: 65536, grows */
  uint32_t max_request_batch_items;    /* 0: 1 */
  uint64_t auth_token;
  uint32_t timeout_ms; /* per-call default; 0: 30000 */
  /* Logical lookup ceilings; 0 takes NETIPC_LOOKUP_MAX_*_DEFAULT. */
  uint32_t max_lookup_items;
  uint32_t max_lookup_subcalls;
  uint32_t max_lookup_response_bytes;
  /* true: ask for the SHM region file even toward a netipc server that
   * could pass a sealed memfd (doc/extensions.md, Extension 2;
   * netipc_transport_config.file_shm). Default false: sealed where built. */
  bool file_shm;
} netipc_client_config;

/* Diagnostics of a client context (level2.md 3.3). */
typedef struct netipc_client_status {
  netipc_client_state state;
  uint32_t connect_count;
  uint32_t reconnect_count;
  uint32_t call_count;
  uint32_t error_count;
  netipc_session_info session; /* valid in READY */
  uint32_t request_proposal;   /* current HELLO proposals */
  uint32_t response_proposal;
  uint32_t supported_profiles; /* after any SHM withdrawal */
} netipc_client_status;

typedef struct netipc_client netipc_client;

/* Name of a state ("READY", ...). Never NULL. */
NETIPC_API const char *netipc_client_state_name(netipc_client_state state);

/*
 * Create a context for one service and one method (NETIPC_METHOD_*). No
 * I/O: the server need not exist. Errors: INVALID_ARG, BAD_NAME, NOMEM,
 * SYSTEM.
 */
NETIPC_API netipc_err netipc_client_create(const netipc_client_config *cfg,
                                           uint16_t method,
                                           netipc_client **out);

/*
 * Connect or reconnect as the state requires (level2.md 3.1). Returns true
 * exactly when the state changed. Not thread-safe with other calls on the
 * same context.
 */
NETIPC_API bool netipc_client_refresh(netipc_client *c);

/* True only in READY. Cached: no I/O, no system calls. */
NETIPC_API bool netipc_client_ready(const netipc_client *c);

/* Copy of the state and counters. */
NETIPC_API void netipc_client_status_get(const netipc_client *c,
                                         netipc_client_status *out);

/* Change the default call timeout; 0 restores 30000 ms. */
NETIPC_API void netipc_client_set_timeout(netipc_client *c,
                                          uint32_t timeout_ms);

/*
 * Sticky abort: calls fail with ABORTED (or NOT_READY) until cleared.
 * Thread-safe and async-signal-safe; wakes a call blocked in a wait.
 */
NETIPC_API void netipc_client_abort(netipc_client *c);
NETIPC_API void netipc_client_clear_abort(netipc_client *c);

/* Tear down the connection, clear the abort, state DISCONNECTED. */
NETIPC_API void netipc_client_close(netipc_client *c);

/* Close and free. NULL-safe. */
NETIPC_API void netipc_client_destroy(netipc_client *c);

/*
 * Typed calls. timeout_ms 0 means the context default. Every call retries
 * once after an ordinary failure and grows limits after an overflow
 * (level2.md 5-6); TIMEOUT and ABORTED are never retried.
 * Errors: NOT_READY, TIMEOUT, ABORTED, OVERFLOW, INVALID_ARG (wrong method
 * for this context), and the failure of the last attempt (DISCONNECTED,
 * PROTOCOL, REMOTE_STATUS, a codec error, ...).
 */
NETIPC_API netipc_err netipc_client_increment(netipc_client *c,
                                              uint64_t value,
                                              uint32_t timeout_ms,
                                              uint64_t *result);

/* n values in one batch; n == 0 does no I/O; n == 1 is a plain call. */
NETIPC_API netipc_err netipc_client_increment_batch(netipc_client *c,
                                                    const uint64_t *values,
                                                    size_t n,
                                                    uint32_t timeout_ms,
                                                    uint64_t *results);

/*
 * *result points into the context's response buffer and is valid until the
 * next call on this context or close.
 */
NETIPC_API netipc_err netipc_client_string_reverse(
    netipc_client *c, const char *str, size_t len, uint32_t timeout_ms,
    netipc_string_view *result);

/* n strings in one batch; results[i] as for the single call. */
NETIPC_API netipc_err netipc_client_string_reverse_batch(
    netipc_client *c, const netipc_string_view *strs, size_t n,
    uint32_t timeout_ms, netipc_string_view *results);

/*
 * The whole snapshot. *view (stage A validated) borrows the context's
 * response buffer and is valid until the next call or close.
 */
NETIPC_API netipc_err netipc_client_cgroups_snapshot(netipc_client *c,
                                                     uint32_t timeout_ms,
                                                     netipc_cgroups_view *view);

/*
 * One logical lookup of n keys (lookups.md 8): the call is split into as
 * many exchanges as the agreed limits need and stitched back under one
 * generation, so *view holds exactly n items in key order and never a
 * PAYLOAD_EXCEEDED one. A path too long for any request becomes an
 * OVERSIZED_ITEM made here. One deadline (timeout_ms, 0: the context
 * default) covers every exchange. *view borrows the context's buffer and
 * is valid until the next call or close; on failure nothing is returned.
 * Every path is checked before any I/O (BAD_LAYOUT: empty or with a NUL).
 * Errors: those of the typed calls, plus OVERFLOW (a ceiling of
 * lookups.md 7, no progress possible), BAD_LAYOUT and BAD_ITEM_COUNT (the
 * server's answers broke lookups.md 8.3; that session is closed), and the
 * codec errors of a malformed answer.
 */
NETIPC_API netipc_err netipc_client_cgroups_lookup(
    netipc_client *c, const netipc_string_view *paths, size_t n,
    uint32_t timeout_ms, netipc_lookup_view *view);

NETIPC_API netipc_err netipc_client_apps_lookup(netipc_client *c,
                                                const uint32_t *pids,
                                                size_t n, uint32_t timeout_ms,
                                                netipc_lookup_view *view);

/* ------------------------------------------------------------------ */
/* Managed server                                                      */
/* ------------------------------------------------------------------ */

/*
 * Typed handlers. They run concurrently on session threads and must be
 * thread-safe. Returning non-zero makes the server answer INTERNAL_ERROR
 * and close that session (LIMIT_EXCEEDED if a builder overflowed).
 */
typedef int (*netipc_increment_handler)(void *user, uint64_t value,
                                        uint64_t *result);

/*
 * Write the answer for `in` into out[0..cap) and set *out_len. The request
 * view is valid only during the call.
 */
typedef int (*netipc_string_reverse_handler)(void *user,
                                             netipc_string_view in, char *out,
                                             size_t cap, size_t *out_len);

/*
 * Add the snapshot's items to *b and set its header values with
 * netipc_cgroups_builder_set_header. The builder is valid only during the
 * call.
 */
typedef int (*netipc_cgroups_handler)(void *user, netipc_cgroups_builder *b);

/*
 * Lookup handler (lookups.md 6): set the generation and add exactly one
 * item per key of *req, in key order (for CGROUPS_LOOKUP preferably with
 * netipc_cgroups_lookup_builder_add_key). "Not found" is an item status,
 * not a failure; return non-zero after an add failed. The builder may
 * replace items by placeholders on its own. Both are valid only during
 * the call.
 */
typedef int (*netipc_lookup_handler)(void *user,
                                     const netipc_lookup_req_view *req,
                                     netipc_lookup_builder *b);

typedef struct netipc_server_config {
  const char *run_dir;
  const char *service_name;
  uint16_t method; /* NETIPC_METHOD_*: the one method served */
  netipc_increment_handler increment;
  netipc_string_reverse_handler string_reverse;
  netipc_cgroups_handler cgroups_snapshot;
  netipc_lookup_handler cgroups_lookup;
  netipc_lookup_handler apps_lookup;
  void *user;
  uint32_t supported_profiles; /* 0: baseline only */
  uint32_t preferred_profiles;
  uint32_t max_request_payload_bytes;  /* 0: 1024 */
  uint32_t max_response_payload_bytes; /* 0: 65536 */
  uint64_t auth_token;
  uint32_t workers;              /* concurrent sessions; 0: 16 */
  uint32_t handshake_timeout_ms; /* 0: 5000 */
  uint32_t cgroups_max_items;    /* builder slot hint; 0: codec default */
} netipc_server_config;

typedef struct netipc_server netipc_server;

/*
 * Validate the configuration, remove stale SHM regions and start
 * listening (the endpoint accepts connections when this returns).
 * Errors: INVALID_ARG (no handler for the method), BAD_NAME,
 * PATH_TOO_LONG, ADDR_IN_USE, NOMEM, SYSTEM.
 */
NETIPC_API netipc_err netipc_server_create(const netipc_server_config *cfg,
                                           netipc_server **out);

/*
 * Run the acceptor loop on the calling thread until netipc_server_stop.
 * Errors: INVALID_ARG (already running), SYSTEM.
 */
NETIPC_API netipc_err netipc_server_run(netipc_server *s);

/* Run the acceptor loop on a new thread. Errors: INVALID_ARG, SYSTEM. */
NETIPC_API netipc_err netipc_server_start(netipc_server *s);

/* Ask the acceptor and every session to finish. Thread- and signal-safe. */
NETIPC_API void netipc_server_stop(netipc_server *s);

/*
 * Stop accepting and remove the endpoint (new clients see "not found"),
 * wait up to timeout_ms for sessions to end, then break the rest and join
 * every thread. True if all ended in time. Only destroy may follow.
 */
NETIPC_API bool netipc_server_drain(netipc_server *s, uint32_t timeout_ms);

/* Number of live sessions (diagnostics). */
NETIPC_API uint32_t netipc_server_sessions(const netipc_server *s);

/*
 * Stop, join every thread, close the listener, remove the endpoint and
 * SHM files, free. NULL-safe.
 */
NETIPC_API void netipc_server_destroy(netipc_server *s);

#ifdef __cplusplus
}
#endif

#endif /* NETIPC_SERVICE_H */
