/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Level 2 typed-call engine: one attempt (level2.md 4), the at-least-once
 * retry (5) and the overflow growth loop (6). Timeouts and aborts are final.
 */
#include "config.h"

#include <string.h>

#include "common/alloc.h"
#include "service/client-internal.h"
#include "transport/platform.h"

/* The four values whose growth lets an overflow round go on (6.4). */
typedef struct call_limits {
  uint32_t agreed_request;
  uint32_t agreed_response;
  uint32_t request_proposal;
  uint32_t response_proposal;
} call_limits;

static void
call_note(const netipc_client *c, call_limits *l)
{
  const netipc_session_info *info = netipc_session_get_info(c->session);
  l->agreed_request = info != NULL ? info->max_request_payload_bytes : 0;
  l->agreed_response = info != NULL ? info->max_response_payload_bytes : 0;
  l->request_proposal = c->tcfg.max_request_payload_bytes;
  l->response_proposal = c->tcfg.max_response_payload_bytes;
}

static bool
call_grew(const call_limits *before, const call_limits *after)
{
  return after->agreed_request > before->agreed_request ||
         after->agreed_response > before->agreed_response ||
         after->request_proposal > before->request_proposal ||
         after->response_proposal > before->response_proposal;
}

static void
call_grow(uint32_t *proposal, uint64_t wanted, uint32_t cap)
{
  uint32_t grown = netipc__next_pow2(wanted);
  if (grown > cap)
    grown = cap;
  if (grown > *proposal)
    *proposal = grown;
}

/* Encode and send; an oversized request grows the proposal (6.3). */
static netipc_err
call_send(netipc_client *c, const netipc__call *call, netipc_header *h)
{
  const netipc_session_info *info = netipc_session_get_info(c->session);
  size_t len = call->request_len(call);
  if (len > info->max_request_payload_bytes) {
    call_grow(&c->tcfg.max_request_payload_bytes, len, c->growth_cap_request);
    return NETIPC_ERR_OVERFLOW;
  }
  if (call->items > info->max_request_batch_items)
    return NETIPC_ERR_OVERFLOW; /* batch proposals never grow */
  netipc_err err = netipc__grow(&c->request, &c->request_cap, len);
  if (err == NETIPC_OK)
    err = call->encode(call, c->request, c->request_cap, &len);
  if (err != NETIPC_OK)
    return err;
  netipc_header_init(h, NETIPC_KIND_REQUEST, call->code, ++c->next_id);
  if (call->items > 1) {
    h->flags = NETIPC_FLAG_BATCH;
    h->item_count = call->items;
  }
  err = netipc_session_send(c->session, h, c->request, len);
  return err == NETIPC_ERR_LIMIT_EXCEEDED ? NETIPC_ERR_OVERFLOW : err;
}

/* Header and status checks of a response, in level2.md 4 steps 3-4 order. */
static netipc_err
call_check(netipc_client *c, const netipc__call *call,
           const netipc_header *sent, const netipc_header *got)
{
  if (got->kind != NETIPC_KIND_RESPONSE || got->code != sent->code ||
      got->message_id != sent->message_id)
    return NETIPC_ERR_PROTOCOL;
  if (got->transport_status == NETIPC_STATUS_LIMIT_EXCEEDED) {
    uint64_t doubled =
        2 * (uint64_t)netipc_session_get_info(c->session)
                ->max_response_payload_bytes;
    call_grow(&c->tcfg.max_response_payload_bytes, doubled,
              c->growth_cap_response);
    return NETIPC_ERR_OVERFLOW;
  }
  if (got->transport_status != NETIPC_STATUS_OK)
    return NETIPC_ERR_REMOTE_STATUS;
  uint32_t items = call->items > 1 ? call->items : 1;
  bool batch = (got->flags & NETIPC_FLAG_BATCH) != 0;
  if (got->item_count != items || batch != (call->items > 1))
    return NETIPC_ERR_PROTOCOL;
  return NETIPC_OK;
}

static netipc_err
call_attempt(netipc_client *c, const netipc__call *call, uint32_t timeout_ms)
{
  if (netipc_abort_is_signalled(c->abort))
    return NETIPC_ERR_ABORTED;
  netipc_header sent, got;
  netipc_err err = call_send(c, call, &sent);
  if (err != NETIPC_OK)
    return err;
  const void *payload;
  size_t len;
  err = netipc_session_receive(c->session, timeout_ms, c->abort, &got,
                               &payload, &len);
  if (err == NETIPC_ERR_LIMIT_EXCEEDED)
    return NETIPC_ERR_OVERFLOW; /* over the agreed limit: no growth */
  if (err == NETIPC_OK)
    err = call_check(c, call, &sent, &got);
  if (err == NETIPC_OK)
    err = call->decode(call, &got, payload, len);
  return err;
}

bool
netipc__client_reconnect(netipc_client *c)
{
  for (uint32_t i = 0; i < CLIENT_RECONNECT_ATTEMPTS; i++) {
    if (i != 0)
      netipc__sleep_ms(CLIENT_RECONNECT_SPACING_MS);
    netipc__client_connect(c);
    if (c->state == NETIPC_CLIENT_READY) {
      c->reconnect_count++;
      return true;
    }
    if (c->state == NETIPC_CLIENT_AUTH_FAILED ||
        c->state == NETIPC_CLIENT_INCOMPATIBLE)
      return false;
  }
  return false;
}

netipc_err
netipc__client_fail(netipc_client *c, netipc_err err, bool teardown)
{
  if (teardown)
    netipc__client_teardown(c, NETIPC_CLIENT_BROKEN);
  c->error_count++;
  return err;
}

/*
 * One pass of level2.md 5: an attempt and at most one ordinary retry.
 * *final says the error was already counted and ends the call as it is.
 */
static netipc_err
call_with_retry(netipc_client *c, const netipc__call *call,
                uint32_t timeout_ms, bool *final)
{
  *final = false;
  netipc_err err = call_attempt(c, call, timeout_ms);
  if (err == NETIPC_OK || err == NETIPC_ERR_OVERFLOW ||
      err == NETIPC_ERR_TIMEOUT || err == NETIPC_ERR_ABORTED)
    return err;
  *final = true;
  netipc__client_teardown(c, NETIPC_CLIENT_BROKEN);
  netipc__sleep_ms(CLIENT_FAILURE_PAUSE_MS); /* let the server notice */
  if (!netipc__client_reconnect(c))
    return netipc__client_fail(c, err, false);
  netipc__sleep_ms(CLIENT_AFTER_RECONNECT_MS);
  err = call_attempt(c, call, timeout_ms);
  /* Anything from the second attempt is final, overflow included. */
  return err == NETIPC_OK ? err : netipc__client_fail(c, err, true);
}

netipc_err
netipc__client_call(netipc_client *c, const netipc__call *call,
                    uint32_t timeout_ms)
{
  if (c->state != NETIPC_CLIENT_READY)
    return netipc__client_fail(c, NETIPC_ERR_NOT_READY, false);
  uint32_t effective = timeout_ms != 0 ? timeout_ms : c->timeout_ms;
  for (uint32_t round = 1;; round++) {
    call_limits before, after;
    call_note(c, &before);
    bool final;
    netipc_err err = call_with_retry(c, call, effective, &final);
    if (err == NETIPC_OK) {
      c->call_count++;
      return NETIPC_OK;
    }
    if (final)
      return err;
    if (err != NETIPC_ERR_OVERFLOW) /* TIMEOUT or ABORTED: never retried */
      return netipc__client_fail(c, err, true);
    netipc__client_teardown(c, NETIPC_CLIENT_BROKEN);
    if (!netipc__client_reconnect(c))
      return netipc__client_fail(c, err, false);
    call_note(c, &after);
    if (!call_grew(&before, &after) || round == CLIENT_OVERFLOW_ROUNDS)
      return netipc__client_fail(c, err, true);
    netipc__sleep_ms(CLIENT_AFTER_RECONNECT_MS);
  }
}
