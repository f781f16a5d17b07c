/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * codec-internal.h - unaligned host-order loads and stores shared by the
 * codec sources. memcpy keeps them free of alignment and aliasing UB; the
 * compiler turns each into a single move.
 */
#ifndef NETIPC_CODEC_INTERNAL_H
#define NETIPC_CODEC_INTERNAL_H

#include <string.h>

#include <netipc/codec.h>

static inline uint16_t
netipc__ld16(const uint8_t *p)
{
  uint16_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

static inline uint32_t
netipc__ld32(const uint8_t *p)
{
  uint32_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

static inline uint64_t
netipc__ld64(const uint8_t *p)
{
  uint64_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

static inline void
netipc__st16(uint8_t *p, uint16_t v)
{
  memcpy(p, &v, sizeof v);
}

static inline void
netipc__st32(uint8_t *p, uint32_t v)
{
  memcpy(p, &v, sizeof v);
}

static inline void
netipc__st64(uint8_t *p, uint64_t v)
{
  memcpy(p, &v, sizeof v);
}

/* x rounded up to a multiple of NETIPC_ALIGNMENT; 64-bit so it cannot wrap. */
static inline uint64_t
netipc__align8(uint64_t x)
{
  return (x + (NETIPC_ALIGNMENT - 1)) & ~(uint64_t)(NETIPC_ALIGNMENT - 1);
}

/* True when v has exactly one bit set. */
static inline int
netipc__one_bit(uint32_t v)
{
  return v != 0 && (v & (v - 1)) == 0;
}

/*
 * Check a directory entry {offset, length} against a packed area of
 * area_len bytes (wire.md 7.2, codec.md 5.8): offset 8-aligned and
 * offset + length inside the area, summed in 64 bits.
 */
static inline netipc_err
netipc__dir_entry_check(uint32_t offset, uint32_t length, uint64_t area_len)
{
  if (offset % NETIPC_ALIGNMENT != 0)
    return NETIPC_ERR_BAD_ALIGNMENT;
  if ((uint64_t)offset + length > area_len)
    return NETIPC_ERR_OUT_OF_BOUNDS;
  return NETIPC_OK;
}

#endif /* NETIPC_CODEC_INTERNAL_H */
