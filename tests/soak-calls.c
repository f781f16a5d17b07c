/* SPDX-License-Identifier: GPL-3.0-or-later */
/* soak-calls.c - see soak-calls.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "soak-calls.h"

#include <stdlib.h>
#include <string.h>

#include "service-helpers.h"

/* One in this many random strings is exactly SOAK_STRING_MAX long, the
 * rest are uniform below it. */
#define SOAK_MAX_STRING_ONE_IN 4u
/* One in this many INCREMENT calls is a batch. */
#define SOAK_BATCH_ONE_IN 3u

char *
soak_text_new(uint32_t seed)
{
  char *t = malloc(SOAK_STRING_MAX);
  if (t == NULL)
    tp_bail("soak: out of memory");
  tp_fill((uint8_t *)t, SOAK_STRING_MAX, seed);
  return t;
}

/* A value the handler answers with value + 1 (svc_handler gives two
 * values a meaning of their own: failure and sleep). */
static uint64_t
plain_value(soak_rng *r)
{
  uint64_t v;
  do
    v = soak_rng_next(r);
  while (v == SVC_FAIL_VALUE || v == SVC_SLEEP_VALUE);
  return v;
}

static int
call_increment(netipc_client *c, soak_rng *r, soak_size size,
               uint32_t timeout_ms, soak_result *res)
{
  uint64_t in[SOAK_BATCH_MAX], out[SOAK_BATCH_MAX];
  size_t n = 1;
  if (size == SOAK_SIZE_MAX)
    n = SOAK_BATCH_MAX;
  else if (soak_rng_below(r, SOAK_BATCH_ONE_IN) == 0)
    n = 2 + soak_rng_below(r, SOAK_BATCH_MAX - 1);
  for (size_t i = 0; i < n; i++)
    in[i] = plain_value(r);
  res->what = n == 1 ? "increment" : "increment batch";
  res->err = n == 1 ? netipc_client_increment(c, in[0], timeout_ms, out)
                    : netipc_client_increment_batch(c, in, n, timeout_ms, out);
  if (res->err != NETIPC_OK)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (out[i] != in[i] + 1) {
      res->wrong = 1;
      return 0;
    }
  return 1;
}

static int
call_reverse(soak_ctx *ctx, netipc_client *c, soak_rng *r, const char *text,
             soak_size size, uint32_t timeout_ms, soak_result *res)
{
  uint32_t len = SOAK_STRING_MAX;
  if (size == SOAK_SIZE_RANDOM &&
      soak_rng_below(r, SOAK_MAX_STRING_ONE_IN) != 0)
    len = soak_rng_below(r, SOAK_STRING_MAX);
  /* Start anywhere the length allows, so no two calls look alike. */
  uint32_t start = soak_rng_below(r, SOAK_STRING_MAX - len + 1);
  const char *in = text + start;
  netipc_string_view out;
  res->what = "string-reverse";
  res->err = netipc_client_string_reverse(c, in, len, timeout_ms, &out);
  if (res->err != NETIPC_OK)
    return 0;
  int right = out.len == len && out.ptr[len] == '\0';
  for (uint32_t i = 0; right && i < len; i++)
    right = out.ptr[i] == in[len - 1 - i];
  res->wrong = !right;
  if (right)
    atomic_fetch_add(&ctx->stats.bytes, len);
  return right;
}

static int
call_snapshot(soak_ctx *ctx, netipc_client *c, uint32_t timeout_ms,
              soak_result *res)
{
  netipc_cgroups_view v;
  /* The lengths svc_cgroups_handler uses when none are configured. */
  const size_t name_len = 20, path_len = 40;
  res->what = "cgroups snapshot";
  res->err = netipc_client_cgroups_snapshot(c, timeout_ms, &v);
  if (res->err != NETIPC_OK)
    return 0;
  int right = v.item_count == SOAK_SNAPSHOT_ITEMS && v.systemd_enabled == 1 &&
              v.generation == SOAK_GENERATION;
  for (uint32_t i = 0; right && i < v.item_count; i++)
    right = svc_cg_item_ok(&v, i, name_len, path_len);
  res->wrong = !right;
  if (right)
    atomic_fetch_add(&ctx->stats.snapshot_items, v.item_count);
  return right;
}

int
soak_call(soak_ctx *ctx, netipc_client *c, uint16_t method, soak_rng *r,
          const char *text, soak_size size, uint32_t timeout_ms,
          soak_result *res)
{
  memset(res, 0, sizeof *res);
  int right = 0;
  switch (method) {
  case NETIPC_METHOD_INCREMENT:
    right = call_increment(c, r, size, timeout_ms, res);
    break;
  case NETIPC_METHOD_STRING_REVERSE:
    right = call_reverse(ctx, c, r, text, size, timeout_ms, res);
    break;
  case NETIPC_METHOD_CGROUPS_SNAPSHOT:
    right = call_snapshot(ctx, c, timeout_ms, res);
    break;
  default:
    tp_bail("soak_call: not a soak method");
  }
  if (right)
    atomic_fetch_add(&ctx->stats.calls, 1);
  return right;
}
