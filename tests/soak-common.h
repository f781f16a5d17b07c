/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * soak-common.h - the pieces every part of the soak (tests/soak.c,
 * doc/soak.md) shares: the sizes the run exercises, the counters the
 * client threads keep, the gate that parks them for a measurement, and a
 * small per-thread random generator. POSIX only: the soak forks the server
 * and reads its /proc entries.
 */
#ifndef NETIPC_TESTS_SOAK_COMMON_H
#define NETIPC_TESTS_SOAK_COMMON_H

#include "tp-atomic.h"
#include <stddef.h>
#include <stdint.h>

#include <netipc/service.h>

/* The sizes the issue asks for: 1 MiB strings and 5 000-item snapshots. */
#define SOAK_STRING_MAX (1u << 20)
#define SOAK_SNAPSHOT_ITEMS 5000u
#define SOAK_GENERATION 0x50A4u
/* Payload limits of both sides: a 1 MiB string plus its 9-byte envelope,
 * and a snapshot of 5 000 items (about 0.5 MiB), with room to spare. */
#define SOAK_PAYLOAD_MAX (2u << 20)
#define SOAK_BATCH_MAX 64u
/* Per-call timeout of the well-behaved clients: generous, so a slow CI
 * machine does not turn into an "error". */
#define SOAK_CALL_TIMEOUT_MS 20000u
#define SOAK_CONNECT_TIMEOUT_MS 10000

/* The three services of the server process (one method each, level2.md:
 * a managed server serves exactly one method). */
#define SOAK_SVC_INCREMENT "soak-increment"
#define SOAK_SVC_REVERSE "soak-reverse"
#define SOAK_SVC_SNAPSHOT "soak-snapshot"

/* Counters of the whole run; every field is atomic (many threads add). */
typedef struct soak_stats {
  atomic_uint_least64_t calls;        /* verified well-behaved calls */
  atomic_uint_least64_t errors;       /* well-behaved failures: must be 0 */
  atomic_uint_least64_t reconnects;   /* churn clients created and closed */
  atomic_uint_least64_t misbehaving;  /* raw and impatient connects */
  atomic_uint_least64_t refused;      /* misbehaver could not even connect */
  atomic_uint_least64_t bytes;        /* string bytes reversed */
  atomic_uint_least64_t snapshot_items; /* snapshot items verified */
} soak_stats;

/*
 * Parks the client threads so the server can be measured at rest: every
 * loop passes the gate once per round; while `pause` is set it counts
 * itself in `parked` and waits.
 */
typedef struct soak_gate {
  atomic_int stop;
  atomic_int pause;
  atomic_int parked;
} soak_gate;

/* Wait while paused; 0 once the run is over (the loop must end). */
int soak_gate_pass(soak_gate *g);

/* A run's shared context, handed to every client thread. */
typedef struct soak_ctx {
  const char *dir;
  int shm;              /* 1: SHM_HYBRID is built and offered */
  soak_gate gate;
  soak_stats stats;
} soak_ctx;

/* One failure of a well-behaved client: counted, and the first few are
 * printed as TAP comments with what was being done. */
void soak_error(soak_ctx *ctx, const char *what, netipc_err err);

/* xorshift64*: per thread, seeded from the run's seed and the thread. */
typedef struct soak_rng {
  uint64_t s;
} soak_rng;

void soak_rng_seed(soak_rng *r, uint64_t seed, unsigned thread);
uint64_t soak_rng_next(soak_rng *r);
/* Uniform in [0, n) (n > 0). */
uint32_t soak_rng_below(soak_rng *r, uint32_t n);

/* use_shm values: UDS, SHM with the default (sealed memfd where built)
 * region, SHM with the region file (file_shm). */
#define SOAK_USE_UDS 0
#define SOAK_USE_SHM 1
#define SOAK_USE_SHM_FILE 2

/* Profiles a client offers: baseline, or baseline plus SHM preferred. */
void soak_client_config(const soak_ctx *ctx, const char *svc, int use_shm,
                        netipc_client_config *cfg);

#endif /* NETIPC_TESTS_SOAK_COMMON_H */
