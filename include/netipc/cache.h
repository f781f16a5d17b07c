/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * netipc/cache.h - Level 3: a client-side cache of the CGROUPS_SNAPSHOT
 * service with cheap, guarded, I/O-free lookups (shared/spec/level3.md).
 *
 * The cache owns one Level 2 client context and never starts threads or
 * timers: the caller drives refresh. A failed refresh keeps the previous
 * snapshot; only destroy discards it.
 *
 * Thread safety, per function:
 * - refresh, status_get and destroy serialise on an internal mutex;
 *   destroy must not overlap any other call.
 * - read_begin / lookup / item_at / read_end may run on any number of
 *   threads at once, concurrently with refresh; readers never block each
 *   other. A refresh publishing its snapshot waits for open guards.
 * - A thread must not call refresh, status_get or destroy while it holds
 *   a guard, and should not hold two guards at once.
 * - abort / clear_abort are thread- and async-signal-safe.
 * - ready is lock-free.
 */
#ifndef NETIPC_CACHE_H
#define NETIPC_CACHE_H

#include <netipc/common.h>
#include <netipc/service.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One cached item. Borrowed from a snapshot: valid while its guard is. */
typedef struct netipc_cache_item {
  uint32_t hash;
  uint32_t options;
  uint32_t enabled;
  uint32_t name_len; /* bytes before name's first NUL */
  uint32_t path_len;
  const char *name; /* NUL-terminated */
  const char *path; /* NUL-terminated */
} netipc_cache_item;

typedef struct netipc_cache netipc_cache;
struct netipc_cache_snapshot; /* opaque: one published snapshot */

/* A read guard: caller-owned, lives on the reader's stack. */
typedef struct netipc_cache_guard {
  netipc_cache *cache;
  const struct netipc_cache_snapshot *snapshot; /* NULL: nothing published */
} netipc_cache_guard;

/* level3.md section 8. */
typedef struct netipc_cache_status {
  bool populated;
  uint32_t item_count;
  uint32_t systemd_enabled;
  uint64_t generation;
  uint32_t refresh_success_count;
  uint32_t refresh_failure_count;
  netipc_client_state connection_state;
  uint64_t last_refresh_ms; /* monotonic ms of the last publication; 0 */
} netipc_cache_status;

/*
 * Create a cache for the cgroups-snapshot service described by cfg (the
 * Level 2 client configuration and defaults). No I/O.
 * Errors: INVALID_ARG, BAD_NAME, NOMEM, SYSTEM.
 */
NETIPC_API netipc_err netipc_cache_create(const netipc_client_config *cfg,
                                          netipc_cache **out);

/*
 * Connect as needed, fetch the whole snapshot, validate every item, build a
 * new cache and publish it (level3.md 4). True only when a new snapshot was
 * published; on any failure the old one stays. timeout_ms 0: the context
 * default. *err (may be NULL) receives the failure.
 */
NETIPC_API bool netipc_cache_refresh(netipc_cache *c, uint32_t timeout_ms,
                                     netipc_err *err);

/* True once any snapshot (even an empty one) has been published. */
NETIPC_API bool netipc_cache_ready(const netipc_cache *c);

/* Take a read guard on the current snapshot; pair with read_end. */
NETIPC_API void netipc_cache_read_begin(netipc_cache *c,
                                        netipc_cache_guard *g);

/* Release the guard; every view obtained through it becomes invalid. */
NETIPC_API void netipc_cache_read_end(netipc_cache_guard *g);

/*
 * Find the first item, in snapshot order, whose hash equals `hash` and
 * whose name equals `name` (NUL-terminated) byte for byte. No I/O, no
 * allocation, no locks. NULL when not found.
 */
NETIPC_API const netipc_cache_item *netipc_cache_lookup(
    const netipc_cache_guard *g, uint32_t hash, const char *name);

/* The same with an explicit name length (name need not be terminated). */
NETIPC_API const netipc_cache_item *netipc_cache_lookup_n(
    const netipc_cache_guard *g, uint32_t hash, const char *name,
    size_t name_len);

/* Items in the guarded snapshot (0 if none), and item i in order. */
NETIPC_API uint32_t netipc_cache_count(const netipc_cache_guard *g);
NETIPC_API const netipc_cache_item *netipc_cache_item_at(
    const netipc_cache_guard *g, uint32_t index);

/* Header values of the guarded snapshot (0 if none). */
NETIPC_API uint64_t netipc_cache_generation(const netipc_cache_guard *g);
NETIPC_API uint32_t netipc_cache_systemd_enabled(const netipc_cache_guard *g);

/*
 * An owned copy of an item that outlives the guard; one allocation, free
 * with netipc_cache_item_free. NULL on allocation failure.
 */
NETIPC_API netipc_cache_item *netipc_cache_item_copy(
    const netipc_cache_item *item);
NETIPC_API void netipc_cache_item_free(netipc_cache_item *item);

/* A consistent status record (waits for a refresh in progress). */
NETIPC_API void netipc_cache_status_get(netipc_cache *c,
                                        netipc_cache_status *out);

/*
 * The embedded Level 2 context, for diagnostics only (status, negotiated
 * session). Do not call typed calls, refresh or close on it. Valid until
 * netipc_cache_destroy; same thread rules as netipc_cache_status_get.
 */
NETIPC_API const netipc_client *netipc_cache_client(const netipc_cache *c);

/* The Level 2 abort of the embedded context (level2.md 7). */
NETIPC_API void netipc_cache_abort(netipc_cache *c);
NETIPC_API void netipc_cache_clear_abort(netipc_cache *c);

/* Discard the snapshot, close the connection, free. NULL-safe. */
NETIPC_API void netipc_cache_destroy(netipc_cache *c);

#ifdef __cplusplus
}
#endif

#endif /* NETIPC_CACHE_H */
