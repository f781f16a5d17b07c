/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Level 2 logical lookup call (lookups.md 8): split the keys into
 * requests that fit the agreed request limit, send each as an ordinary
 * typed call (retry and overflow rules included), check every answer,
 * ask again from the first PAYLOAD_EXCEEDED key, and stitch the kept
 * items into one canonical response under one generation.
 */
#include "config.h"

#include <string.h>

#include "codec/lookup-internal.h"
#include "common/alloc.h"
#include "service/client-internal.h"
#include "transport/platform.h"

/* One logical call: the keys, the current chunk and the stitched result. */
typedef struct lk_call {
  uint16_t method;
  const netipc_string_view *paths; /* CGROUPS_LOOKUP keys */
  const uint32_t *pids;            /* APPS_LOOKUP keys */
  size_t n;
  size_t start, m; /* the chunk in flight: keys [start, start + m) */
  const uint8_t *resp; /* its answer, in the session's buffer */
  size_t resp_len;
  bool have_gen;
  uint64_t generation;
  uint64_t size;     /* stitched payload size so far */
  bool over_ceiling; /* size passed the ceiling: stop copying, fail at end */
} lk_call;

static bool
lk_apps(const lk_call *lc)
{
  return lc->method == NETIPC_METHOD_APPS_LOOKUP;
}

/* ---- one exchange as a typed call ----------------------------------- */

static size_t
lk_request_len(const netipc__call *call)
{
  const lk_call *lc = call->in;
  uint64_t len = lk_apps(lc)
                     ? netipc_apps_lookup_req_size(lc->m)
                     : netipc_cgroups_lookup_req_size(lc->paths + lc->start,
                                                      lc->m);
  return len > SIZE_MAX ? SIZE_MAX : (size_t)len;
}

static netipc_err
lk_encode(const netipc__call *call, uint8_t *buf, size_t cap, size_t *len)
{
  const lk_call *lc = call->in;
  if (lk_apps(lc))
    return netipc_apps_lookup_req_encode(lc->pids + lc->start, lc->m, buf,
                                         cap, len);
  return netipc_cgroups_lookup_req_encode(lc->paths + lc->start, lc->m, buf,
                                          cap, len);
}

/* The answer is judged after the call (8.1 step 8), so it is never
 * retried: only remember where it is. */
static netipc_err
lk_capture(const netipc__call *call, const netipc_header *h,
           const uint8_t *payload, size_t len)
{
  (void)h;
  lk_call *lc = call->out;
  lc->resp = payload;
  lc->resp_len = len;
  return NETIPC_OK;
}

/* ---- chunking (8.1 step 5.2) ------------------------------------------ */

/* The largest m whose request for keys [start, start + m) fits in limit. */
static size_t
lk_chunk(const lk_call *lc, uint32_t limit)
{
  size_t left = lc->n - lc->start;
  if (lk_apps(lc)) {
    if (limit < NETIPC_APPS_LOOKUP_ONE_KEY_LEN)
      return 0;
    size_t fit = (limit - NETIPC_LOOKUP_HDR_LEN) /
                 (NETIPC_DIR_ENTRY_LEN + NETIPC_APPS_LOOKUP_KEY_LEN);
    return fit < left ? fit : left;
  }
  uint64_t end = 0;
  size_t m = 0;
  while (m < left && m < UINT32_MAX) {
    uint64_t next_end = netipc__align8(end) + lc->paths[lc->start + m].len + 1;
    uint64_t size = NETIPC_LOOKUP_HDR_LEN +
                    (uint64_t)NETIPC_DIR_ENTRY_LEN * (m + 1) + next_end;
    if (size > limit)
      break;
    end = next_end;
    m++;
  }
  return m;
}

/* ---- stitching (8.5) --------------------------------------------------- */

static uint64_t
lk_dir_end(size_t n)
{
  return NETIPC_LOOKUP_HDR_LEN + (uint64_t)NETIPC_DIR_ENTRY_LEN * n;
}

/* Room for the item of key start (len bytes) at the next aligned offset;
 * items are stitched in key order, so start is also its directory slot. */
static netipc_err
lk_reserve(netipc_client *c, lk_call *lc, uint32_t len, uint8_t **dst)
{
  uint64_t at = netipc__align8(lc->size); /* the directory ends aligned */
  uint64_t end = at + len;
  *dst = NULL;
  if (lc->over_ceiling || end > c->lookup_max_bytes) {
    lc->over_ceiling = true; /* judged when every exchange is done */
  } else {
    netipc_err err = netipc__grow_max(&c->lookup, &c->lookup_cap, (size_t)end,
                                      c->lookup_max_bytes);
    if (err != NETIPC_OK)
      return NETIPC_ERR_OVERFLOW; /* a local allocation failure (8.6) */
    memset(c->lookup + lc->size, 0, (size_t)(at - lc->size));
    *dst = c->lookup + at;
    uint8_t *dir = c->lookup + NETIPC_LOOKUP_HDR_LEN +
                   (uint64_t)NETIPC_DIR_ENTRY_LEN * lc->start;
    netipc__st32(dir + LK_DIR_OFFSET, (uint32_t)(at - lk_dir_end(lc->n)));
    netipc__st32(dir + LK_DIR_LENGTH, len);
  }
  lc->size = end;
  return NETIPC_OK;
}

static netipc_err
lk_keep(netipc_client *c, lk_call *lc, const void *item, uint32_t len)
{
  uint8_t *dst;
  netipc_err err = lk_reserve(c, lc, len, &dst);
  if (err == NETIPC_OK && dst != NULL)
    memcpy(dst, item, len);
  return err;
}

/* 8.2: the OVERSIZED_ITEM placeholder for a path no request can carry. */
static netipc_err
lk_keep_local(netipc_client *c, lk_call *lc)
{
  netipc_string_view path = lc->paths[lc->start];
  uint64_t len = NETIPC_CGROUPS_LOOKUP_PLACEHOLDER_BASE + (uint64_t)path.len;
  if (len > UINT32_MAX)
    return NETIPC_ERR_OVERFLOW;
  uint8_t *dst;
  netipc_err err = lk_reserve(c, lc, (uint32_t)len, &dst);
  if (err == NETIPC_OK && dst != NULL)
    (void)netipc__cgl_placeholder_write(dst, NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM,
                                        path.ptr, path.len);
  lc->start++;
  return err;
}

/* ---- checks on each answer (8.3) --------------------------------------- */

/* Whether item i of the answer echoes key start + i; *exceeded tells if it
 * is a PAYLOAD_EXCEEDED placeholder. */
static bool
lk_echoes(const lk_call *lc, const netipc_lookup_view *v, uint32_t i,
          bool *exceeded)
{
  if (lk_apps(lc)) {
    netipc_apps_lookup_item_view it;
    (void)netipc_apps_lookup_resp_item(v, i, &it);
    *exceeded = it.status == NETIPC_APPS_LOOKUP_PAYLOAD_EXCEEDED;
    return it.pid == lc->pids[lc->start + i];
  }
  netipc_cgroups_lookup_item_view it;
  (void)netipc_cgroups_lookup_resp_item(v, i, &it);
  netipc_string_view key = lc->paths[lc->start + i];
  *exceeded = it.status == NETIPC_CGROUPS_LOOKUP_PAYLOAD_EXCEEDED;
  return it.path.len == key.len && memcmp(it.path.ptr, key.ptr, key.len) == 0;
}

/* Decode and check the answer; *x is the first PAYLOAD_EXCEEDED or m. */
static netipc_err
lk_check(lk_call *lc, netipc_lookup_view *v, size_t *x)
{
  netipc_err err =
      lk_apps(lc) ? netipc_apps_lookup_resp_decode(lc->resp, lc->resp_len, v)
                  : netipc_cgroups_lookup_resp_decode(lc->resp, lc->resp_len, v);
  if (err != NETIPC_OK)
    return err;
  if (lc->have_gen && v->generation != lc->generation)
    return NETIPC_ERR_BAD_LAYOUT;
  lc->have_gen = true;
  lc->generation = v->generation;
  if (v->item_count != lc->m)
    return NETIPC_ERR_BAD_ITEM_COUNT;
  *x = lc->m;
  for (uint32_t i = 0; i < lc->m; i++) {
    bool exceeded;
    if (!lk_echoes(lc, v, i, &exceeded))
      return NETIPC_ERR_BAD_LAYOUT;
    if (exceeded && *x == lc->m)
      *x = i;
    else if (!exceeded && *x != lc->m)
      return NETIPC_ERR_BAD_LAYOUT; /* the suffix must be unbroken */
  }
  /* PAYLOAD_EXCEEDED on the first item: no progress is possible. */
  return *x == 0 && lc->m != 0 ? NETIPC_ERR_OVERFLOW : NETIPC_OK;
}

/* Keep items [0, x) of a checked answer and move past them. */
static netipc_err
lk_take(netipc_client *c, lk_call *lc, const netipc_lookup_view *v, size_t x)
{
  for (uint32_t i = 0; i < x; i++) {
    const void *item;
    uint32_t len;
    (void)netipc_lookup_resp_item_bytes(v, i, &item, &len);
    netipc_err err = lk_keep(c, lc, item, len);
    if (err != NETIPC_OK)
      return err;
    lc->start++;
  }
  return NETIPC_OK;
}

/* ---- the logical call (8.1) ---------------------------------------------- */

static uint32_t
lk_agreed_request(const netipc_client *c)
{
  const netipc_session_info *info = netipc_session_get_info(c->session);
  return info != NULL ? info->max_request_payload_bytes : 0;
}

/* 8.2 when the proposal could carry the key: reconnect for a larger
 * agreed request limit. */
static netipc_err
lk_grow_request(netipc_client *c, uint64_t q)
{
  if (c->state != NETIPC_CLIENT_READY)
    return netipc__client_fail(c, NETIPC_ERR_NOT_READY, false);
  if (netipc_abort_is_signalled(c->abort))
    return netipc__client_fail(c, NETIPC_ERR_ABORTED, true);
  uint32_t before = lk_agreed_request(c);
  if (before >= q)
    return NETIPC_OK;
  netipc__client_teardown(c, NETIPC_CLIENT_BROKEN);
  netipc__sleep_ms(CLIENT_FAILURE_PAUSE_MS);
  if (!netipc__client_reconnect(c))
    return netipc__client_fail(c, NETIPC_ERR_OVERFLOW, false);
  uint32_t after = lk_agreed_request(c);
  if (after <= before || after < q)
    return netipc__client_fail(c, NETIPC_ERR_OVERFLOW, true);
  return NETIPC_OK;
}

/* 8.2: no key fits alone. */
static netipc_err
lk_key_too_large(netipc_client *c, lk_call *lc)
{
  /* The one-key request size, from the formula the chunking uses. */
  uint64_t q = lk_apps(lc)
                   ? netipc_apps_lookup_req_size(1)
                   : netipc_cgroups_lookup_req_size(lc->paths + lc->start, 1);
  if (c->tcfg.max_request_payload_bytes >= q)
    return lk_grow_request(c, q);
  if (lk_apps(lc))
    return netipc__client_fail(c, NETIPC_ERR_OVERFLOW, false);
  netipc_err err = lk_keep_local(c, lc);
  return err != NETIPC_OK ? netipc__client_fail(c, err, false) : err;
}

/* Steps 5.4-5.11 for one chunk: send, check, keep. */
static netipc_err
lk_exchange(netipc_client *c, lk_call *lc, uint64_t deadline,
            uint32_t *subcalls)
{
  if (++*subcalls > c->lookup_max_subcalls)
    return netipc__client_fail(c, NETIPC_ERR_OVERFLOW, false);
  if (netipc_abort_is_signalled(c->abort))
    return netipc__client_fail(c, NETIPC_ERR_ABORTED, false);
  uint64_t now = netipc__now_ms();
  if (now >= deadline)
    return netipc__client_fail(c, NETIPC_ERR_TIMEOUT, false);
  uint64_t left = deadline - now;
  netipc__call call = {lc->method, 1,  lk_request_len, lk_encode,
                       lk_capture, lc, lc};
  netipc_err err = netipc__client_call(
      c, &call, left > UINT32_MAX ? UINT32_MAX : (uint32_t)left);
  if (err != NETIPC_OK)
    return err; /* counted by the typed call */
  netipc_lookup_view v;
  size_t x;
  err = lk_check(lc, &v, &x);
  if (err == NETIPC_OK)
    err = lk_take(c, lc, &v, x);
  /* A broken answer ends that session (a protocol violation). */
  if (err != NETIPC_OK)
    return netipc__client_fail(c, err, err != NETIPC_ERR_OVERFLOW);
  return NETIPC_OK;
}

/* Steps 6-7: header, re-validation, the view. */
static netipc_err
lk_finish(netipc_client *c, lk_call *lc, netipc_lookup_view *view)
{
  /* Step 6 holds by construction: the loop ends with start == n. */
  if (lc->over_ceiling || lc->size > c->lookup_max_bytes)
    return netipc__client_fail(c, NETIPC_ERR_OVERFLOW, false);
  uint8_t *p = c->lookup;
  netipc__st16(p + LK_OFF_VERSION, NETIPC_LAYOUT_VERSION);
  netipc__st16(p + LK_OFF_FLAGS, 0);
  netipc__st32(p + LK_OFF_COUNT, (uint32_t)lc->n);
  netipc__st64(p + LK_OFF_GENERATION, lc->generation);
  netipc_err err =
      lk_apps(lc) ? netipc_apps_lookup_resp_decode(p, (size_t)lc->size, view)
                  : netipc_cgroups_lookup_resp_decode(p, (size_t)lc->size, view);
  return err != NETIPC_OK ? netipc__client_fail(c, err, false) : err;
}

static netipc_err
lk_run(netipc_client *c, lk_call *lc, uint32_t timeout_ms,
       netipc_lookup_view *view)
{
  if (c->state != NETIPC_CLIENT_READY)
    return netipc__client_fail(c, NETIPC_ERR_NOT_READY, false);
  if (lc->n > c->lookup_max_items)
    return netipc__client_fail(c, NETIPC_ERR_OVERFLOW, false);
  /* Every key is judged before any I/O: no partial call for a bad path. */
  for (size_t i = 0; !lk_apps(lc) && i < lc->n; i++)
    if (lc->paths[i].len == 0 ||
        netipc__has_nul(lc->paths[i].ptr, lc->paths[i].len))
      return netipc__client_fail(c, NETIPC_ERR_BAD_LAYOUT, false);
  uint64_t deadline =
      netipc__now_ms() + (timeout_ms != 0 ? timeout_ms : c->timeout_ms);
  lc->size = lk_dir_end(lc->n);
  if (lc->size > SIZE_MAX ||
      netipc__grow_max(&c->lookup, &c->lookup_cap, (size_t)lc->size,
                       c->lookup_max_bytes) != NETIPC_OK)
    return netipc__client_fail(c, NETIPC_ERR_OVERFLOW, false);
  uint32_t subcalls = 0;
  for (;;) {
    if (netipc_abort_is_signalled(c->abort))
      return netipc__client_fail(c, NETIPC_ERR_ABORTED, false);
    lc->m = lc->start < lc->n ? lk_chunk(lc, lk_agreed_request(c)) : 0;
    bool send = lc->start >= lc->n || lc->m != 0;
    netipc_err err = send ? lk_exchange(c, lc, deadline, &subcalls)
                          : lk_key_too_large(c, lc);
    if (err != NETIPC_OK)
      return err;
    /* The loop ends only after an answer, so the generation always comes
     * from the server: keys made locally at the end cost an empty request. */
    if (send && lc->start >= lc->n)
      break;
  }
  return lk_finish(c, lc, view);
}

/* ---- public calls ---------------------------------------------------------- */

static bool
lk_args_ok(const netipc_client *c, uint16_t method, const void *keys, size_t n,
           const netipc_lookup_view *view)
{
  return netipc__client_method_ok(c, method) && view != NULL &&
         (n == 0 || keys != NULL);
}

netipc_err
netipc_client_cgroups_lookup(netipc_client *c, const netipc_string_view *paths,
                             size_t n, uint32_t timeout_ms,
                             netipc_lookup_view *view)
{
  if (!lk_args_ok(c, NETIPC_METHOD_CGROUPS_LOOKUP, paths, n, view))
    return NETIPC_ERR_INVALID_ARG;
  for (size_t i = 0; i < n; i++)
    if (paths[i].ptr == NULL && paths[i].len != 0)
      return NETIPC_ERR_INVALID_ARG;
  lk_call lc;
  memset(&lc, 0, sizeof lc);
  lc.method = NETIPC_METHOD_CGROUPS_LOOKUP;
  lc.paths = paths;
  lc.n = n;
  return lk_run(c, &lc, timeout_ms, view);
}

netipc_err
netipc_client_apps_lookup(netipc_client *c, const uint32_t *pids, size_t n,
                          uint32_t timeout_ms, netipc_lookup_view *view)
{
  if (!lk_args_ok(c, NETIPC_METHOD_APPS_LOOKUP, pids, n, view))
    return NETIPC_ERR_INVALID_ARG;
  lk_call lc;
  memset(&lc, 0, sizeof lc);
  lc.method = NETIPC_METHOD_APPS_LOOKUP;
  lc.pids = pids;
  lc.n = n;
  return lk_run(c, &lc, timeout_ms, view);
}
