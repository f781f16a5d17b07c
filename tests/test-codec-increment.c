/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-codec-increment.c - the INCREMENT payload (codec.md section 3).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <string.h>

#include <netipc/codec.h>

#include "bytes.h"
#include "tap.h"

#define PLAN 25

static void
test_encode(void)
{
  uint8_t buf[16], exp[8];
  uint64_t v = 41;
  size_t n = 0;

  memcpy(exp, &v, sizeof v);
  memset(buf, 0xA5, sizeof buf);
  is_err(netipc_increment_encode(41, buf, sizeof buf, &n), NETIPC_OK,
         "encode 41");
  is_uint(n, 8, "out_len is 8");
  is_mem(buf, exp, 8, "payload is the u64 in host order");
  ok(all_bytes(buf + 8, 8, 0xA5), "nothing written after the 8 bytes");
  if (exp[0] == 41) {
    static const uint8_t le[8] = {0x29, 0, 0, 0, 0, 0, 0, 0};
    is_mem(buf, le, 8, "little-endian bytes 29 00 .. 00");
  } else {
    skip(1, "big-endian host");
  }
  is_err(netipc_increment_encode(41, buf, 8, &n), NETIPC_OK,
         "cap exactly 8 is enough");
}

static void
test_encode_nospace(void)
{
  uint8_t buf[16];
  size_t n = 1234;

  memset(buf, 0xA5, sizeof buf);
  is_err(netipc_increment_encode(41, buf, 7, &n), NETIPC_ERR_NOSPACE,
         "cap 7: NOSPACE");
  ok(all_bytes(buf, sizeof buf, 0xA5), "cap 7: nothing written");
  is_err(netipc_increment_encode(41, buf, 0, &n), NETIPC_ERR_NOSPACE,
         "cap 0: NOSPACE");
  ok(all_bytes(buf, sizeof buf, 0xA5), "cap 0: nothing written");
  is_err(netipc_increment_encode(41, NULL, 8, &n), NETIPC_ERR_INVALID_ARG,
         "NULL buffer: INVALID_ARG");
}

static void
test_decode(void)
{
  uint8_t buf[32];
  uint64_t v = 0x0102030405060708ull, out = 0;

  memset(buf, 0xEE, sizeof buf);
  memcpy(buf, &v, sizeof v);
  is_err(netipc_increment_decode(buf, 8, &out), NETIPC_OK, "decode 8 bytes");
  is_uint(out, v, "decoded value");
  out = 0;
  is_err(netipc_increment_decode(buf, 32, &out), NETIPC_OK,
         "longer payload (32 bytes) accepted");
  is_uint(out, v, "longer payload: first 8 bytes read");
  is_err(netipc_increment_decode(buf, 7, &out), NETIPC_ERR_TRUNCATED,
         "7 bytes: TRUNCATED");
  is_err(netipc_increment_decode(buf, 0, &out), NETIPC_ERR_TRUNCATED,
         "0 bytes: TRUNCATED");
  is_err(netipc_increment_decode(NULL, 8, &out), NETIPC_ERR_INVALID_ARG,
         "NULL payload: INVALID_ARG");
  is_err(netipc_increment_decode(buf, 8, NULL), NETIPC_ERR_INVALID_ARG,
         "NULL out: INVALID_ARG");
}

static void
test_round_trip_extremes(void)
{
  static const uint64_t values[] = {0, 1, 0x8000000000000000ull,
                                    0xFFFFFFFFFFFFFFFFull};
  uint8_t buf[8];
  size_t i, n;
  uint64_t out;

  for (i = 0; i < sizeof values / sizeof values[0]; i++) {
    out = ~values[i];
    n = 0;
    ok(netipc_increment_encode(values[i], buf, sizeof buf, &n) == NETIPC_OK &&
           n == 8 &&
           netipc_increment_decode(buf, n, &out) == NETIPC_OK &&
           out == values[i],
       "round trip 0x%016llx", (unsigned long long)values[i]);
  }
  /* codec.md 3.4: the answer to 0xFF..FF is 0 (modulo 2^64). */
  netipc_increment_encode(0xFFFFFFFFFFFFFFFFull + 1u, buf, sizeof buf, &n);
  netipc_increment_decode(buf, n, &out);
  is_uint(out, 0, "0xFFFFFFFFFFFFFFFF + 1 travels as 0");
  ok(all_bytes(buf, 8, 0), "and is eight zero bytes");
}

int
main(void)
{
  plan(PLAN);
  test_encode();
  test_encode_nospace();
  test_decode();
  test_round_trip_extremes();
  return exit_status();
}
