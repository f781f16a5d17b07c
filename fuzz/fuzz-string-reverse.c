/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz the small fixed payload decoders: STRING_REVERSE (codec.md 4),
 * INCREMENT (3) and the CGROUPS_SNAPSHOT request (5.1). Whatever decodes
 * must encode back to the same leading bytes.
 */
#include "config.h"

#include "fuzz.h"

volatile uint32_t fuzz_sink;

static void
string_reverse(const uint8_t *buf, size_t size)
{
  netipc_string_view s;
  netipc_err err = netipc_string_reverse_decode(buf, size, &s);
  if (err != NETIPC_OK) {
    FUZZ_CHECK(err == NETIPC_ERR_TRUNCATED || err == NETIPC_ERR_BAD_LAYOUT ||
               err == NETIPC_ERR_OUT_OF_BOUNDS ||
               err == NETIPC_ERR_MISSING_NUL);
    return;
  }
  FUZZ_CHECK((const uint8_t *)s.ptr == buf + NETIPC_STRING_REVERSE_HDR_LEN);
  FUZZ_CHECK((uint64_t)s.len + NETIPC_STRING_REVERSE_MIN_LEN <= size);
  fuzz_sink += fuzz_touch(s.ptr, (size_t)s.len + 1);
  FUZZ_CHECK(s.ptr[s.len] == '\0');

  size_t total = (size_t)s.len + NETIPC_STRING_REVERSE_MIN_LEN;
  uint8_t *out = fuzz_alloc(total);
  size_t out_len = 0;
  /* One byte short: nothing is written. */
  FUZZ_CHECK(netipc_string_reverse_encode(s.ptr, s.len, out, total - 1,
                                          &out_len) == NETIPC_ERR_NOSPACE);
  FUZZ_CHECK(out_len == 0);
  FUZZ_CHECK(netipc_string_reverse_encode(s.len ? s.ptr : NULL, s.len, out,
                                          total, &out_len) == NETIPC_OK);
  FUZZ_CHECK(out_len == total);
  FUZZ_CHECK(memcmp(out, buf, total) == 0);
  netipc_string_view back;
  FUZZ_CHECK(netipc_string_reverse_decode(out, out_len, &back) == NETIPC_OK);
  FUZZ_CHECK(back.len == s.len &&
             (s.len == 0 || memcmp(back.ptr, s.ptr, s.len) == 0));
  free(out);
}

static void
increment(const uint8_t *buf, size_t size)
{
  uint64_t value = 0;
  netipc_err err = netipc_increment_decode(buf, size, &value);
  if (size < NETIPC_INCREMENT_LEN) {
    FUZZ_CHECK(err == NETIPC_ERR_TRUNCATED);
    return;
  }
  FUZZ_CHECK(err == NETIPC_OK);
  uint8_t *out = fuzz_alloc(NETIPC_INCREMENT_LEN);
  size_t out_len = 0;
  FUZZ_CHECK(netipc_increment_encode(value, out, NETIPC_INCREMENT_LEN,
                                     &out_len) == NETIPC_OK);
  FUZZ_CHECK(out_len == NETIPC_INCREMENT_LEN);
  FUZZ_CHECK(memcmp(out, buf, NETIPC_INCREMENT_LEN) == 0);
  free(out);
}

static void
cgroups_req(const uint8_t *buf, size_t size)
{
  netipc_err err = netipc_cgroups_req_decode(buf, size);
  if (err != NETIPC_OK) {
    FUZZ_CHECK(err == NETIPC_ERR_TRUNCATED || err == NETIPC_ERR_BAD_LAYOUT);
    return;
  }
  FUZZ_CHECK(size >= NETIPC_CGROUPS_REQ_LEN);
  uint8_t *out = fuzz_alloc(NETIPC_CGROUPS_REQ_LEN);
  size_t out_len = 0;
  FUZZ_CHECK(netipc_cgroups_req_encode(out, NETIPC_CGROUPS_REQ_LEN,
                                       &out_len) == NETIPC_OK);
  FUZZ_CHECK(out_len == NETIPC_CGROUPS_REQ_LEN);
  FUZZ_CHECK(memcmp(out, buf, NETIPC_CGROUPS_REQ_LEN) == 0);
  free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint8_t *buf = fuzz_dup(data, size);
  string_reverse(buf, size);
  increment(buf, size);
  cgroups_req(buf, size);
  free(buf);
  return 0;
}
