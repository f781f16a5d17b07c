/* SPDX-License-Identifier: GPL-3.0-or-later */
/* soak-common.c - see soak-common.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "soak-common.h"

#include <stdio.h>
#include <string.h>

#include "service-helpers.h"

/* How often a parked thread looks at the gate again. */
#define SOAK_GATE_POLL_MS 5
/* Errors printed in full; the rest are only counted. */
#define SOAK_ERRORS_SHOWN 20u

int
soak_gate_pass(soak_gate *g)
{
  if (atomic_load(&g->pause) && !atomic_load(&g->stop)) {
    atomic_fetch_add(&g->parked, 1);
    while (atomic_load(&g->pause) && !atomic_load(&g->stop))
      tp_sleep_ms(SOAK_GATE_POLL_MS);
    atomic_fetch_sub(&g->parked, 1);
  }
  return !atomic_load(&g->stop);
}

void
soak_error(soak_ctx *ctx, const char *what, netipc_err err)
{
  uint64_t n = atomic_fetch_add(&ctx->stats.errors, 1);
  if (n < SOAK_ERRORS_SHOWN)
    printf("# soak error %llu: %s: %s\n", (unsigned long long)n + 1, what,
           err == NETIPC_OK ? "wrong answer" : netipc_err_name(err));
}

void
soak_rng_seed(soak_rng *r, uint64_t seed, unsigned thread)
{
  /* splitmix64 of the pair, so neighbouring threads diverge at once and
   * the state is never 0. */
  uint64_t z = seed + 0x9E3779B97F4A7C15ull * ((uint64_t)thread + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  r->s = z != 0 ? z : 1;
}

uint64_t
soak_rng_next(soak_rng *r)
{
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return r->s * 0x2545F4914F6CDD1Dull;
}

uint32_t
soak_rng_below(soak_rng *r, uint32_t n)
{
  return (uint32_t)((soak_rng_next(r) >> 32) % n);
}

void
soak_client_config(const soak_ctx *ctx, const char *svc, int use_shm,
                   netipc_client_config *cfg)
{
  svc_client_config(cfg, ctx->dir, svc);
  if (use_shm && ctx->shm) {
    cfg->supported_profiles =
        NETIPC_PROFILE_BASELINE | NETIPC_PROFILE_SHM_HYBRID;
    cfg->preferred_profiles = NETIPC_PROFILE_SHM_HYBRID;
    cfg->file_shm = use_shm == SOAK_USE_SHM_FILE;
  }
  /* The full limits from the first HELLO: no call needs to grow them. */
  cfg->max_request_payload_bytes = SOAK_PAYLOAD_MAX;
  cfg->max_response_payload_bytes = SOAK_PAYLOAD_MAX;
  cfg->max_request_batch_items = SOAK_BATCH_MAX;
  cfg->timeout_ms = SOAK_CALL_TIMEOUT_MS;
}
