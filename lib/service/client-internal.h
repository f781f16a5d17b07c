/* SPDX-License-Identifier: GPL-3.0-or-later */
/* client-internal.h - the Level 2 client context, shared by its files. */
#ifndef NETIPC_SERVICE_CLIENT_INTERNAL_H
#define NETIPC_SERVICE_CLIENT_INTERNAL_H

#include <netipc/service.h>

/* Retry and growth constants of level2.md section 2. */
#define CLIENT_RECONNECT_ATTEMPTS 20u
#define CLIENT_RECONNECT_SPACING_MS 5u
#define CLIENT_AFTER_RECONNECT_MS 5u
#define CLIENT_FAILURE_PAUSE_MS 150u
#define CLIENT_OVERFLOW_ROUNDS 8u
#define CLIENT_NEXT_POW2_MIN 16u

struct netipc_client {
  char *run_dir;
  char *service_name;
  uint16_t method;
  netipc_transport_config tcfg; /* proposals live here and grow */
  uint32_t growth_cap_request;  /* max(1 MiB, configured proposal) */
  uint32_t growth_cap_response;
  uint32_t timeout_ms;
  netipc_client_state state;
  netipc_session *session;
  netipc_abort *abort;
  uint32_t connect_count;
  uint32_t reconnect_count;
  uint32_t call_count;
  uint32_t error_count;
  uint64_t next_id;
  uint8_t *request; /* encoding buffer; grows */
  size_t request_cap;
  uint32_t lookup_max_items; /* logical lookup ceilings (lookups.md 7) */
  uint32_t lookup_max_subcalls;
  uint32_t lookup_max_bytes;
  uint8_t *lookup; /* the stitched lookup response; grows */
  size_t lookup_cap;
};

/*
 * One typed call: how big its request is, how to encode it, and how to
 * decode an OK response. items > 1 makes it a BATCH message.
 */
typedef struct netipc__call {
  uint16_t code;
  uint32_t items;
  size_t (*request_len)(const struct netipc__call *call);
  netipc_err (*encode)(const struct netipc__call *call, uint8_t *buf,
                       size_t cap, size_t *len);
  netipc_err (*decode)(const struct netipc__call *call,
                       const netipc_header *h, const uint8_t *payload,
                       size_t len);
  const void *in; /* method-specific request data */
  void *out;      /* method-specific results */
} netipc__call;

/* Run a call with the retry and overflow rules of level2.md 4-6. */
netipc_err netipc__client_call(netipc_client *c, const netipc__call *call,
                               uint32_t timeout_ms);

/*
 * The in-call reconnect loop (level2.md 5): up to 20 attempts, 5 ms apart,
 * stopping on a sticky state. True when READY.
 */
bool netipc__client_reconnect(netipc_client *c);

/* Count a failed call, tearing the session down (BROKEN) if asked. */
netipc_err netipc__client_fail(netipc_client *c, netipc_err err,
                               bool teardown);

/* A connect attempt from the current proposals (level2.md 3.2). */
void netipc__client_connect(netipc_client *c);

/* Close the session, if any, and set state. Never sends anything. */
void netipc__client_teardown(netipc_client *c, netipc_client_state state);

/* A typed call may run on this context: it exists and serves method. */
static inline bool
netipc__client_method_ok(const netipc_client *c, uint16_t method)
{
  return c != NULL && c->method == method;
}

/* Smallest power of two >= n (minimum 16), saturating at 2^31. */
uint32_t netipc__next_pow2(uint64_t n);

#endif /* NETIPC_SERVICE_CLIENT_INTERNAL_H */
