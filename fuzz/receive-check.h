/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * receive-check.h - what the two receive-path harnesses (fuzz-uds-receive,
 * fuzz-shm-consumer) share: the per-receive trace and the check that names
 * both the library's and the model's error when they disagree.
 */
#ifndef NETIPC_FUZZ_RECEIVE_CHECK_H
#define NETIPC_FUZZ_RECEIVE_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#include <netipc/common.h>

#include "fuzz.h"

/* NETIPC_FUZZ_TRACE=1: one line per receive, to check what seeds reach. */
static inline void
fuzz_trace(netipc_err err, size_t len)
{
  static int on = -1;
  if (on < 0)
    on = getenv("NETIPC_FUZZ_TRACE") != NULL;
  if (on)
    fprintf(stderr, "receive: %s, %zu bytes\n", netipc_err_name(err), len);
}

/* FUZZ_CHECK on a receive result, naming both errors when it fails. */
#define ERR_CHECK(cond, err, expect)                                         \
  do {                                                                       \
    if (!(cond))                                                             \
      fprintf(stderr, "receive: %s, model: %s\n", netipc_err_name(err),     \
              netipc_err_name(expect));                                      \
    FUZZ_CHECK(cond);                                                        \
  } while (0)

#endif /* NETIPC_FUZZ_RECEIVE_CHECK_H */
