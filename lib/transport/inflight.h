/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * inflight.h - the set of a client session's outstanding message ids
 * (posix-uds.md 10): open addressing with linear probing and backward-shift
 * deletion, so lookups stay O(1) however deep the pipeline is.
 */
#ifndef NETIPC_TRANSPORT_INFLIGHT_H
#define NETIPC_TRANSPORT_INFLIGHT_H

#include <netipc/common.h>

typedef struct netipc__inflight {
  uint64_t *ids;
  uint8_t *used;
  size_t cap; /* power of two, or 0 before the first insert */
  size_t count;
} netipc__inflight;

/* Empty set; allocates nothing. */
void netipc__inflight_init(netipc__inflight *set);

/* Free the storage. */
void netipc__inflight_fini(netipc__inflight *set);

/* Add id. Errors: NETIPC_ERR_DUPLICATE_ID, NETIPC_ERR_NOMEM. */
netipc_err netipc__inflight_add(netipc__inflight *set, uint64_t id);

/* Remove id; returns false if it was not present. */
bool netipc__inflight_remove(netipc__inflight *set, uint64_t id);

/* Forget every id (keeps the storage). */
void netipc__inflight_clear(netipc__inflight *set);

#endif /* NETIPC_TRANSPORT_INFLIGHT_H */
