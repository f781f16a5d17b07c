/* SPDX-License-Identifier: GPL-3.0-or-later */
/* STRING_REVERSE payload: {offset 8, length, bytes, NUL} (codec.md 4). */
#include "config.h"

#include "codec/codec-internal.h"

enum { SR_OFFSET = 0, SR_LENGTH = 4 };

netipc_err
netipc_string_reverse_encode(const char *str, size_t len, void *buf,
                             size_t cap, size_t *out_len)
{
  if (buf == NULL || out_len == NULL || (str == NULL && len != 0))
    return NETIPC_ERR_INVALID_ARG;
  if ((uint64_t)len + NETIPC_STRING_REVERSE_MIN_LEN > NETIPC_MAX_PAYLOAD_LEN)
    return NETIPC_ERR_TOO_LARGE;
  size_t total = len + NETIPC_STRING_REVERSE_MIN_LEN;
  if (cap < total)
    return NETIPC_ERR_NOSPACE;
  uint8_t *p = buf;
  netipc__st32(p + SR_OFFSET, NETIPC_STRING_REVERSE_HDR_LEN);
  netipc__st32(p + SR_LENGTH, (uint32_t)len);
  /* memmove: the string may already sit in place at buf + 8. */
  if (len != 0)
    memmove(p + NETIPC_STRING_REVERSE_HDR_LEN, str, len);
  p[NETIPC_STRING_REVERSE_HDR_LEN + len] = '\0';
  *out_len = total;
  return NETIPC_OK;
}

netipc_err
netipc_string_reverse_decode(const void *payload, size_t len,
                             netipc_string_view *out)
{
  if (payload == NULL || out == NULL)
    return NETIPC_ERR_INVALID_ARG;
  const uint8_t *p = payload;
  if (len < NETIPC_STRING_REVERSE_HDR_LEN)
    return NETIPC_ERR_TRUNCATED;
  if (netipc__ld32(p + SR_OFFSET) != NETIPC_STRING_REVERSE_HDR_LEN)
    return NETIPC_ERR_BAD_LAYOUT;
  uint32_t str_len = netipc__ld32(p + SR_LENGTH);
  if ((uint64_t)NETIPC_STRING_REVERSE_MIN_LEN + str_len > len)
    return NETIPC_ERR_OUT_OF_BOUNDS;
  if (p[NETIPC_STRING_REVERSE_HDR_LEN + (size_t)str_len] != 0)
    return NETIPC_ERR_MISSING_NUL;
  out->ptr = (const char *)p + NETIPC_STRING_REVERSE_HDR_LEN;
  out->len = str_len;
  return NETIPC_OK;
}
