/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bytes.h - host-order byte access for the test programs that write or
 * patch wire bytes by hand (header-only; every function is static inline,
 * so a program that needs only some of them gets no unused warnings).
 */
#ifndef NETIPC_TESTS_BYTES_H
#define NETIPC_TESTS_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * put16, put32, put64: write v at p + off; get16, get32, get64: read the
 * value at p + off (no alignment needed).
 */
#define BYTES_ACCESSORS(bits)                                                \
  static inline void put##bits(uint8_t *p, size_t off, uint##bits##_t v)    \
  {                                                                          \
    memcpy(p + off, &v, sizeof v);                                           \
  }                                                                          \
  static inline uint##bits##_t get##bits(const uint8_t *p, size_t off)       \
  {                                                                          \
    uint##bits##_t v;                                                        \
    memcpy(&v, p + off, sizeof v);                                           \
    return v;                                                                \
  }

BYTES_ACCESSORS(16)
BYTES_ACCESSORS(32)
BYTES_ACCESSORS(64)

#undef BYTES_ACCESSORS

/* x rounded up to a multiple of 8. */
static inline uint64_t
align8(uint64_t x)
{
  return (x + 7) & ~(uint64_t)7;
}

/* Every one of the n bytes at p is v. */
static inline int
all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (p[i] != v)
      return 0;
  return 1;
}

static inline int
host_is_le(void)
{
  uint16_t x = 1;
  uint8_t b;
  memcpy(&b, &x, 1);
  return b == 1;
}

#endif /* NETIPC_TESTS_BYTES_H */
