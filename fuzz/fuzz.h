/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz.h - helpers shared by the libFuzzer harnesses in fuzz/. The same
 * sources also build as plain programs with fuzz/standalone-main.c for
 * corpus replay in `make check`.
 */
#ifndef NETIPC_FUZZ_H
#define NETIPC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netipc/codec.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Report a broken invariant and abort so the fuzzer saves the input. */
#define FUZZ_CHECK(cond)                                                     \
  do {                                                                       \
    if (!(cond)) {                                                           \
      fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__,   \
              #cond);                                                        \
      abort();                                                               \
    }                                                                        \
  } while (0)

/*
 * Copy the input into an exactly-sized heap block so ASan flags any read
 * past its end (libFuzzer's own buffer may have slack). Never NULL.
 */
static inline uint8_t *
fuzz_dup(const uint8_t *data, size_t size)
{
  /* calloc: the empty input's one spare byte is then defined too. */
  uint8_t *p = calloc(1, size != 0 ? size : 1);
  if (p == NULL)
    abort();
  if (size != 0)
    memcpy(p, data, size);
  return p;
}

/* An exactly-sized scratch buffer for encoders. Never NULL. */
static inline uint8_t *
fuzz_alloc(size_t size)
{
  uint8_t *p = malloc(size != 0 ? size : 1);
  if (p == NULL)
    abort();
  return p;
}

/* Read every byte of [p, p+len) so ASan sees out-of-bounds views. */
static inline uint32_t
fuzz_touch(const void *p, size_t len)
{
  const volatile uint8_t *b = p;
  uint32_t sum = 0;
  for (size_t i = 0; i < len; i++)
    sum += b[i];
  return sum;
}

/* Host-order loads from the fuzzer input (no alignment assumed). */
static inline uint16_t
fuzz_ld16(const uint8_t *p)
{
  uint16_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

static inline uint64_t
fuzz_ld64(const uint8_t *p)
{
  uint64_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

static inline uint32_t
fuzz_ld32(const uint8_t *p)
{
  uint32_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

/* Keeps computed sums alive so the compiler cannot drop the reads. */
extern volatile uint32_t fuzz_sink;

#endif /* NETIPC_FUZZ_H */
