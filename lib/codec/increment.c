/* SPDX-License-Identifier: GPL-3.0-or-later */
/* INCREMENT payload: one u64 (codec.md section 3). */
#include "config.h"

#include "codec/codec-internal.h"

netipc_err
netipc_increment_encode(uint64_t value, void *buf, size_t cap,
                        size_t *out_len)
{
  if (buf == NULL || out_len == NULL)
    return NETIPC_ERR_INVALID_ARG;
  if (cap < NETIPC_INCREMENT_LEN)
    return NETIPC_ERR_NOSPACE;
  netipc__st64(buf, value);
  *out_len = NETIPC_INCREMENT_LEN;
  return NETIPC_OK;
}

netipc_err
netipc_increment_decode(const void *payload, size_t len, uint64_t *value)
{
  if (payload == NULL || value == NULL)
    return NETIPC_ERR_INVALID_ARG;
  /* Longer payloads are accepted, as the reference decoder does. */
  if (len < NETIPC_INCREMENT_LEN)
    return NETIPC_ERR_TRUNCATED;
  *value = netipc__ld64(payload);
  return NETIPC_OK;
}
