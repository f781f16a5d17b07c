/* SPDX-License-Identifier: GPL-3.0-or-later */
/* soak-clients.c - see soak-clients.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "soak-clients.h"

#include <stdio.h>
#include <stdlib.h>

#include "service-helpers.h"
#include "soak-calls.h"

/* Increments are the cheap call: pick them as often as the other two
 * together (out of SOAK_PICK_RANGE: 0-1 increment, 2 reverse, 3 snapshot). */
#define SOAK_PICK_RANGE 4u
/* Churners: calls per connection (1..N) and the pause between them. */
#define SOAK_CHURN_CALLS 3u
#define SOAK_CHURN_NAP_MS 20u
/* Impatient clients: the call's timeout is 1..N ms. */
#define SOAK_IMPATIENT_MS 5u

const uint16_t soak_methods[SOAK_NMETHODS] = {
    NETIPC_METHOD_INCREMENT, NETIPC_METHOD_STRING_REVERSE,
    NETIPC_METHOD_CGROUPS_SNAPSHOT};
const char *const soak_services_of[SOAK_NMETHODS] = {
    SOAK_SVC_INCREMENT, SOAK_SVC_REVERSE, SOAK_SVC_SNAPSHOT};

static unsigned
pick_method(soak_rng *r)
{
  unsigned k = soak_rng_below(r, SOAK_PICK_RANGE);
  return k < 2 ? 0 : k - 1;
}

/* A context for method m; connected unless the server is not there. */
static netipc_client *
client_open(soak_ctx *ctx, unsigned m, int use_shm, int *ready)
{
  netipc_client_config cfg;
  soak_client_config(ctx, soak_services_of[m], use_shm, &cfg);
  netipc_client *c = svc_client_new(&cfg, soak_methods[m]);
  *ready = svc_client_connect(c, SOAK_CONNECT_TIMEOUT_MS);
  return c;
}

/* One verified call; a failure is an error, and a lost connection is
 * made again so the next call can go on. */
static void
checked_call(soak_ctx *ctx, netipc_client *c, unsigned m, soak_rng *r,
             const char *text, soak_size size)
{
  soak_result res;
  if (soak_call(ctx, c, soak_methods[m], r, text, size, 0, &res))
    return;
  soak_error(ctx, res.what, res.err);
  if (!netipc_client_ready(c) &&
      !svc_client_connect(c, SOAK_CONNECT_TIMEOUT_MS))
    soak_error(ctx, "reconnect after a failed call", NETIPC_ERR_NOT_READY);
}

/* ---- persistent workers ------------------------------------------- */

static void
worker_check_session(soak_ctx *ctx, netipc_client *c, int use_shm)
{
  netipc_client_status st = svc_status(c);
  uint32_t want = use_shm && ctx->shm ? NETIPC_PROFILE_SHM_HYBRID
                                      : NETIPC_PROFILE_BASELINE;
  if (st.state == NETIPC_CLIENT_READY && st.session.selected_profile != want)
    soak_error(ctx, "worker session on the wrong profile", NETIPC_ERR_PROTOCOL);
}

static void
worker_main(void *arg)
{
  soak_thread *t = arg;
  soak_ctx *ctx = t->ctx;
  soak_rng r;
  soak_rng_seed(&r, t->seed, t->index);
  char *text = soak_text_new((uint32_t)soak_rng_next(&r));
  netipc_client *c[SOAK_NMETHODS];
  for (unsigned m = 0; m < SOAK_NMETHODS; m++) {
    int ready;
    c[m] = client_open(ctx, m, t->use_shm, &ready);
    if (!ready)
      soak_error(ctx, "worker connect", NETIPC_ERR_NOT_READY);
    worker_check_session(ctx, c[m], t->use_shm);
    /* Full size first, so the warm-up sees every buffer at its largest. */
    checked_call(ctx, c[m], m, &r, text, SOAK_SIZE_MAX);
  }
  while (soak_gate_pass(&ctx->gate)) {
    unsigned m = pick_method(&r);
    checked_call(ctx, c[m], m, &r, text, SOAK_SIZE_RANDOM);
  }
  for (unsigned m = 0; m < SOAK_NMETHODS; m++) {
    /* A retried call can hide a lost session: a persistent one must have
     * lived through the whole run. */
    if (svc_status(c[m]).reconnect_count != 0)
      soak_error(ctx, "a persistent session was reconnected",
                 NETIPC_ERR_DISCONNECTED);
    netipc_client_destroy(c[m]);
  }
  free(text);
}

/* ---- churners --------------------------------------------------------- */

static void
churn_main(void *arg)
{
  soak_thread *t = arg;
  soak_ctx *ctx = t->ctx;
  soak_rng r;
  soak_rng_seed(&r, t->seed, t->index);
  char *text = soak_text_new((uint32_t)soak_rng_next(&r));
  while (soak_gate_pass(&ctx->gate)) {
    unsigned m = pick_method(&r);
    int ready;
    netipc_client *c = client_open(ctx, m, (int)soak_rng_below(&r, 2), &ready);
    if (!ready)
      soak_error(ctx, "churn connect", NETIPC_ERR_NOT_READY);
    unsigned calls = 1 + soak_rng_below(&r, SOAK_CHURN_CALLS);
    for (unsigned i = 0; ready && i < calls; i++)
      checked_call(ctx, c, m, &r, text, SOAK_SIZE_RANDOM);
    netipc_client_destroy(c);
    atomic_fetch_add(&ctx->stats.reconnects, 1);
    tp_sleep_ms(soak_rng_below(&r, SOAK_CHURN_NAP_MS));
  }
  free(text);
}

/* ---- impatient clients ------------------------------------------------- */

static void
impatient_main(void *arg)
{
  soak_thread *t = arg;
  soak_ctx *ctx = t->ctx;
  soak_rng r;
  soak_rng_seed(&r, t->seed, t->index);
  char *text = soak_text_new((uint32_t)soak_rng_next(&r));
  while (soak_gate_pass(&ctx->gate)) {
    /* Only the big calls: they take long enough to be cut off. */
    unsigned m = 1 + soak_rng_below(&r, SOAK_NMETHODS - 1);
    int ready;
    netipc_client *c = client_open(ctx, m, (int)soak_rng_below(&r, 2), &ready);
    atomic_fetch_add(&ctx->stats.misbehaving, 1);
    if (!ready)
      atomic_fetch_add(&ctx->stats.refused, 1);
    soak_result res;
    uint32_t ms = 1 + soak_rng_below(&r, SOAK_IMPATIENT_MS);
    if (ready &&
        !soak_call(ctx, c, soak_methods[m], &r, text, SOAK_SIZE_MAX, ms,
                   &res) &&
        (res.wrong || res.err != NETIPC_ERR_TIMEOUT))
      soak_error(ctx, "impatient call (OK or TIMEOUT expected)", res.err);
    netipc_client_destroy(c); /* hang up, answered or not */
  }
  free(text);
}

void
soak_thread_start(soak_thread *t)
{
  static void (*const mains[])(void *) = {
      [SOAK_ROLE_WORKER] = worker_main,
      [SOAK_ROLE_CHURN] = churn_main,
      [SOAK_ROLE_IMPATIENT] = impatient_main,
      [SOAK_ROLE_RAW] = soak_raw_main,
  };
  tp_task_start(&t->task, mains[t->role], t);
}
