/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Netdata's simple_hash: 32-bit FNV-1a (codec.md 5.9). */
#include "config.h"

#include <netipc/codec.h>

#define FNV1A_OFFSET_BASIS 0x811C9DC5u
#define FNV1A_PRIME 0x01000193u

uint32_t
netipc_simple_hash(const void *data, size_t len)
{
  const unsigned char *p = data;
  uint32_t h = FNV1A_OFFSET_BASIS;
  for (size_t i = 0; i < len; i++) {
    h ^= p[i];
    h *= FNV1A_PRIME;
  }
  return h;
}
