/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * soak-clients.h - the client threads of the soak (doc/soak.md):
 *  - workers: well-behaved and persistent, one context per method on UDS
 *    or SHM, mixed verified calls for the whole run;
 *  - churners: well-behaved, connect, make one to three verified calls,
 *    close, again;
 *  - impatient: connect and start a big call with a 1-5 ms timeout, then
 *    hang up whether it finished or not (mid-message on either transport);
 *  - raw: misbehaving byte-level peers (soak-raw.c).
 * Every thread passes the run's gate once a round.
 */
#ifndef NETIPC_TESTS_SOAK_CLIENTS_H
#define NETIPC_TESTS_SOAK_CLIENTS_H

#include "soak-common.h"
#include "test-platform.h"

typedef enum soak_role {
  SOAK_ROLE_WORKER = 0,
  SOAK_ROLE_CHURN,
  SOAK_ROLE_IMPATIENT,
  SOAK_ROLE_RAW
} soak_role;

typedef struct soak_thread {
  soak_ctx *ctx;
  soak_role role;
  int use_shm;   /* workers: SOAK_USE_* (SHM when built) */
  unsigned index;
  uint64_t seed;
  tp_task task;
} soak_thread;

/* The three methods of the soak and their services. */
#define SOAK_NMETHODS 3u
extern const uint16_t soak_methods[SOAK_NMETHODS];
extern const char *const soak_services_of[SOAK_NMETHODS];

/* Start t's role on a new thread (bails out on failure). */
void soak_thread_start(soak_thread *t);

/* The raw misbehavers' loop (soak-raw.c). */
void soak_raw_main(void *arg);

#endif /* NETIPC_TESTS_SOAK_CLIENTS_H */
