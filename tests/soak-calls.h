/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * soak-calls.h - one verified call of the soak: an INCREMENT (single or a
 * batch), a STRING_REVERSE of up to 1 MiB or a 5 000-item snapshot, with
 * the answer checked against what the server's handlers
 * (service-helpers.c) produce.
 */
#ifndef NETIPC_TESTS_SOAK_CALLS_H
#define NETIPC_TESTS_SOAK_CALLS_H

#include "soak-common.h"

/* How big a call is. */
typedef enum soak_size {
  SOAK_SIZE_RANDOM = 0, /* sizes drawn from the generator */
  SOAK_SIZE_MAX         /* a batch of 64, a 1 MiB string */
} soak_size;

/* SOAK_STRING_MAX pseudo-random bytes, none 0 (the reverse input). */
char *soak_text_new(uint32_t seed);

/* The outcome of a call. */
typedef struct soak_result {
  netipc_err err;   /* the call's error; NETIPC_OK with wrong == 1 ... */
  int wrong;        /* ... means an OK answer that was not the right one */
  const char *what; /* which call, for the error message */
} soak_result;

/*
 * One call of c's method (increment: single or batch at random) over
 * text; counts calls, bytes and items into ctx on success. 1 when the
 * answer was right.
 */
int soak_call(soak_ctx *ctx, netipc_client *c, uint16_t method, soak_rng *r,
              const char *text, soak_size size, uint32_t timeout_ms,
              soak_result *res);

#endif /* NETIPC_TESTS_SOAK_CALLS_H */
