/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lookup-model.h - shared by fuzz-lookup-request.c and fuzz-lookup-response.c:
 * an independent model of the CGROUPS_LOOKUP / APPS_LOOKUP validation rules
 * (shared/spec/lookups.md 3.4 and 4.5), written from the spec and not from
 * lib/codec, so the harnesses can check the decoders' verdict (accept or
 * the error category, in the spec's order) on every input.
 */
#ifndef NETIPC_FUZZ_LOOKUP_MODEL_H
#define NETIPC_FUZZ_LOOKUP_MODEL_H

#include "fuzz.h"

#include <netipc/lookup.h>

/* Input byte 0, bit 0: the method (even CGROUPS_LOOKUP, odd APPS_LOOKUP). */
static inline uint16_t
fl_method(uint8_t select)
{
  return (select & 1) ? NETIPC_METHOD_APPS_LOOKUP
                      : NETIPC_METHOD_CGROUPS_LOOKUP;
}

static inline uint64_t
fl_align8(uint64_t x)
{
  return (x + 7) & ~(uint64_t)7;
}

static inline int
fl_same(netipc_string_view a, const char *ptr, uint32_t len)
{
  return a.len == len && (len == 0 || memcmp(a.ptr, ptr, len) == 0);
}

/* A decoder's verdict must be the model's (same category, same order). */
#define FL_CHECK_ERR(got, want)                                              \
  do {                                                                       \
    netipc_err fl_got_ = (got), fl_want_ = (want);                           \
    if (fl_got_ != fl_want_) {                                               \
      fprintf(stderr, "%s:%d: %s returned %d, lookups.md says %d\n",        \
              __FILE__, __LINE__, #got, (int)fl_got_, (int)fl_want_);        \
      abort();                                                               \
    }                                                                        \
  } while (0)

/* ------------------------------------------------------------------ */
/* Requests: Q1-Q5 (lookups.md 3.4)                                    */
/* ------------------------------------------------------------------ */

static inline netipc_err
fl_model_req(uint16_t method, const uint8_t *p, size_t len)
{
  int cg = method == NETIPC_METHOD_CGROUPS_LOOKUP;
  if (len < NETIPC_LOOKUP_HDR_LEN)
    return NETIPC_ERR_TRUNCATED; /* Q1 */
  if (fuzz_ld16(p) != 1 || fuzz_ld16(p + 2) != 0 || fuzz_ld32(p + 8) != 0 ||
      fuzz_ld32(p + 12) != 0)
    return NETIPC_ERR_BAD_LAYOUT; /* Q2 */
  uint64_t n = fuzz_ld32(p + 4);
  uint64_t k = NETIPC_LOOKUP_HDR_LEN + 8 * n;
  if (k > len)
    return NETIPC_ERR_TRUNCATED; /* Q3 */
  uint64_t area = len - k, prev_end = 0;
  for (uint64_t i = 0; i < n; i++) { /* Q4 */
    uint64_t off = fuzz_ld32(p + 16 + 8 * i);
    uint64_t l = fuzz_ld32(p + 20 + 8 * i);
    if (off % 8 != 0)
      return NETIPC_ERR_BAD_ALIGNMENT;
    if (cg ? l < NETIPC_CGROUPS_LOOKUP_MIN_KEY_LEN
           : l != NETIPC_APPS_LOOKUP_KEY_LEN)
      return NETIPC_ERR_BAD_LAYOUT;
    if (off + l > area)
      return NETIPC_ERR_OUT_OF_BOUNDS;
    if (i > 0 && off < prev_end)
      return NETIPC_ERR_BAD_LAYOUT;
    prev_end = off + l;
  }
  for (uint64_t i = 0; i < n; i++) { /* Q5 */
    const uint8_t *key = p + k + fuzz_ld32(p + 16 + 8 * i);
    uint32_t l = fuzz_ld32(p + 20 + 8 * i);
    if (cg) {
      if (key[l - 1] != 0)
        return NETIPC_ERR_MISSING_NUL;
      if (memchr(key, 0, l - 1) != NULL)
        return NETIPC_ERR_BAD_LAYOUT;
    } else if (fuzz_ld32(key + 4) != 0) {
      return NETIPC_ERR_BAD_LAYOUT;
    }
  }
  return NETIPC_OK;
}

/* ------------------------------------------------------------------ */
/* Responses: V1-V5, C1-C7, A1-A7, S1-S4, L1-L6 (lookups.md 4.5)       */
/* ------------------------------------------------------------------ */

/* S1-S4 for the string (off, len) of an item of m bytes, header h. */
static inline netipc_err
fl_model_str(const uint8_t *item, uint64_t m, uint32_t h, uint32_t off,
             uint32_t len)
{
  if (off < h)
    return NETIPC_ERR_OUT_OF_BOUNDS;
  if ((uint64_t)off + len + 1 > m)
    return NETIPC_ERR_OUT_OF_BOUNDS;
  if (item[(uint64_t)off + len] != 0)
    return NETIPC_ERR_MISSING_NUL;
  if (len != 0 && memchr(item + off, 0, len) != NULL)
    return NETIPC_ERR_BAD_LAYOUT;
  return NETIPC_OK;
}

/* Do two string regions, each with its NUL, overlap? */
static inline int
fl_overlap(uint32_t off1, uint32_t len1, uint32_t off2, uint32_t len2)
{
  uint64_t end1 = (uint64_t)off1 + len1 + 1, end2 = (uint64_t)off2 + len2 + 1;
  return off1 < end2 && off2 < end1;
}

static inline uint64_t
fl_str_end(uint32_t off, uint32_t len)
{
  return (uint64_t)off + len + 1;
}

/* L1-L6 with e = the end of the fixed strings. */
static inline netipc_err
fl_model_labels(const uint8_t *item, uint64_t m, uint32_t h, uint64_t e,
                uint16_t count)
{
  if (count == 0)
    return e != m ? NETIPC_ERR_BAD_LAYOUT : NETIPC_OK; /* L1 */
  uint64_t t = fl_align8(e);
  if (t > m)
    return NETIPC_ERR_OUT_OF_BOUNDS; /* L2 */
  for (uint64_t i = e; i < t; i++)
    if (item[i] != 0)
      return NETIPC_ERR_BAD_LAYOUT; /* L3 */
  if (t + NETIPC_LOOKUP_LABEL_ENTRY_LEN * (uint64_t)count > m)
    return NETIPC_ERR_OUT_OF_BOUNDS; /* L4 */
  uint64_t x = t + NETIPC_LOOKUP_LABEL_ENTRY_LEN * (uint64_t)count;
  for (uint32_t j = 0; j < count; j++) { /* L5 */
    const uint8_t *ent = item + t + NETIPC_LOOKUP_LABEL_ENTRY_LEN * j;
    uint32_t ko = fuzz_ld32(ent), kl = fuzz_ld32(ent + 4);
    uint32_t vo = fuzz_ld32(ent + 8), vl = fuzz_ld32(ent + 12);
    if (kl == 0 || ko != x)
      return NETIPC_ERR_BAD_LAYOUT;
    netipc_err err = fl_model_str(item, m, h, ko, kl);
    if (err != NETIPC_OK)
      return err;
    x = fl_str_end(ko, kl);
    if (vo != x)
      return NETIPC_ERR_BAD_LAYOUT;
    err = fl_model_str(item, m, h, vo, vl);
    if (err != NETIPC_OK)
      return err;
    x = fl_str_end(vo, vl);
  }
  return x != m ? NETIPC_ERR_BAD_LAYOUT : NETIPC_OK; /* L6 */
}

static inline netipc_err
fl_model_cgroups_item(const uint8_t *it, uint64_t m)
{
  const uint32_t h = NETIPC_CGROUPS_LOOKUP_ITEM_HDR_LEN;
  uint16_t status = fuzz_ld16(it + 2), orch = fuzz_ld16(it + 4);
  uint32_t po = fuzz_ld32(it + 8), pl = fuzz_ld32(it + 12);
  uint32_t no = fuzz_ld32(it + 16), nl = fuzz_ld32(it + 20);
  uint16_t lc = fuzz_ld16(it + 24);
  if (fuzz_ld16(it) != 1 || fuzz_ld16(it + 6) != 0 || fuzz_ld16(it + 26) != 0)
    return NETIPC_ERR_BAD_LAYOUT; /* C1 */
  if (status > NETIPC_CGROUPS_LOOKUP_STATUS_MAX)
    return NETIPC_ERR_BAD_LAYOUT; /* C2 */
  if (pl == 0)
    return NETIPC_ERR_BAD_LAYOUT; /* C3 */
  if (status != NETIPC_CGROUPS_LOOKUP_KNOWN &&
      (orch != 0 || nl != 0 || lc != 0))
    return NETIPC_ERR_BAD_LAYOUT; /* C4 */
  netipc_err err = fl_model_str(it, m, h, po, pl); /* C5 */
  if (err == NETIPC_OK)
    err = fl_model_str(it, m, h, no, nl);
  if (err != NETIPC_OK)
    return err;
  if (fl_overlap(po, pl, no, nl))
    return NETIPC_ERR_BAD_LAYOUT; /* C6 */
  uint64_t e = fl_str_end(po, pl);
  if (fl_str_end(no, nl) > e)
    e = fl_str_end(no, nl);
  return fl_model_labels(it, m, h, e, lc); /* C7 */
}

static inline netipc_err
fl_model_apps_item(const uint8_t *it, uint64_t m)
{
  const uint32_t h = NETIPC_APPS_LOOKUP_ITEM_HDR_LEN;
  uint16_t status = fuzz_ld16(it + 2), orch = fuzz_ld16(it + 4);
  uint16_t cgs = fuzz_ld16(it + 6);
  uint32_t ppid = fuzz_ld32(it + 12), uid = fuzz_ld32(it + 16);
  uint64_t start = fuzz_ld64(it + 24);
  uint32_t so[3], sl[3];
  for (int i = 0; i < 3; i++) {
    so[i] = fuzz_ld32(it + 32 + 8 * i);
    sl[i] = fuzz_ld32(it + 36 + 8 * i);
  }
  uint16_t lc = fuzz_ld16(it + 56);
  if (fuzz_ld16(it) != 1 || fuzz_ld32(it + 20) != 0 || fuzz_ld16(it + 58) != 0)
    return NETIPC_ERR_BAD_LAYOUT; /* A1 */
  if (status > NETIPC_APPS_LOOKUP_STATUS_MAX ||
      cgs > NETIPC_APPS_CGROUP_STATUS_MAX ||
      sl[0] > NETIPC_APPS_LOOKUP_COMM_MAX)
    return NETIPC_ERR_BAD_LAYOUT; /* A2 */
  if (status != NETIPC_APPS_LOOKUP_KNOWN) { /* A3 */
    if (orch != 0 || cgs != 0 || ppid != 0 || start != 0 || sl[0] != 0 ||
        sl[1] != 0 || sl[2] != 0 || lc != 0 ||
        uid != NETIPC_APPS_LOOKUP_UID_UNSET)
      return NETIPC_ERR_BAD_LAYOUT;
  } else { /* A4 */
    int bad = sl[0] == 0;
    switch (cgs) {
    case NETIPC_APPS_CGROUP_KNOWN:
      bad |= sl[1] == 0;
      break;
    case NETIPC_APPS_CGROUP_UNKNOWN_RETRY_LATER:
      bad |= orch != 0 || sl[2] != 0 || lc != 0;
      break;
    case NETIPC_APPS_CGROUP_UNKNOWN_PERMANENT:
      bad |= sl[1] == 0 || orch != 0 || sl[2] != 0 || lc != 0;
      break;
    default: /* HOST_ROOT */
      bad |= orch != 0 || sl[1] != 0 || sl[2] != 0 || lc != 0;
      break;
    }
    if (bad)
      return NETIPC_ERR_BAD_LAYOUT;
  }
  for (int i = 0; i < 3; i++) { /* A5 */
    netipc_err err = fl_model_str(it, m, h, so[i], sl[i]);
    if (err != NETIPC_OK)
      return err;
  }
  if (fl_overlap(so[0], sl[0], so[1], sl[1]) ||
      fl_overlap(so[0], sl[0], so[2], sl[2]) ||
      fl_overlap(so[1], sl[1], so[2], sl[2]))
    return NETIPC_ERR_BAD_LAYOUT; /* A6 */
  uint64_t e = 0;
  for (int i = 0; i < 3; i++)
    if (fl_str_end(so[i], sl[i]) > e)
      e = fl_str_end(so[i], sl[i]);
  return fl_model_labels(it, m, h, e, lc); /* A7 */
}

static inline netipc_err
fl_model_resp(uint16_t method, const uint8_t *p, size_t len)
{
  int cg = method == NETIPC_METHOD_CGROUPS_LOOKUP;
  uint32_t h = cg ? NETIPC_CGROUPS_LOOKUP_ITEM_HDR_LEN
                  : NETIPC_APPS_LOOKUP_ITEM_HDR_LEN;
  if (len < NETIPC_LOOKUP_HDR_LEN)
    return NETIPC_ERR_TRUNCATED; /* V1 */
  if (fuzz_ld16(p) != 1 || fuzz_ld16(p + 2) != 0)
    return NETIPC_ERR_BAD_LAYOUT; /* V2 */
  uint64_t n = fuzz_ld32(p + 4);
  uint64_t pa = NETIPC_LOOKUP_HDR_LEN + 8 * n;
  if (pa > len)
    return NETIPC_ERR_TRUNCATED; /* V3 */
  uint64_t area = len - pa, prev_end = 0;
  for (uint64_t i = 0; i < n; i++) { /* V4 */
    uint64_t off = fuzz_ld32(p + 16 + 8 * i);
    uint64_t l = fuzz_ld32(p + 20 + 8 * i);
    if (off % 8 != 0)
      return NETIPC_ERR_BAD_ALIGNMENT;
    if (l < h)
      return NETIPC_ERR_BAD_LAYOUT;
    if (off + l > area)
      return NETIPC_ERR_OUT_OF_BOUNDS;
    if (i > 0 && off < prev_end)
      return NETIPC_ERR_BAD_LAYOUT;
    prev_end = off + l;
  }
  for (uint64_t i = 0; i < n; i++) { /* V5 */
    const uint8_t *it = p + pa + fuzz_ld32(p + 16 + 8 * i);
    uint32_t m = fuzz_ld32(p + 20 + 8 * i);
    netipc_err err =
        cg ? fl_model_cgroups_item(it, m) : fl_model_apps_item(it, m);
    if (err != NETIPC_OK)
      return err;
  }
  return NETIPC_OK;
}

/* ------------------------------------------------------------------ */
/* Canonical item sizes (lookups.md 2.3, 4.3, 4.4)                     */
/* ------------------------------------------------------------------ */

static inline uint64_t
fl_labels_size(uint64_t e, const netipc_lookup_label *labels, uint16_t count)
{
  if (count == 0)
    return e;
  uint64_t x = fl_align8(e) + NETIPC_LOOKUP_LABEL_ENTRY_LEN * (uint64_t)count;
  for (uint32_t j = 0; j < count; j++)
    x += (uint64_t)labels[j].key.len + 1 + labels[j].value.len + 1;
  return x;
}

static inline uint64_t
fl_cgroups_item_size(uint32_t path_len, uint32_t name_len,
                     const netipc_lookup_label *labels, uint16_t count)
{
  return fl_labels_size(
      (uint64_t)NETIPC_CGROUPS_LOOKUP_ITEM_HDR_LEN + path_len + 1 + name_len +
          1,
      labels, count);
}

static inline uint64_t
fl_apps_item_size(uint32_t comm_len, uint32_t path_len, uint32_t name_len,
                  const netipc_lookup_label *labels, uint16_t count)
{
  return fl_labels_size((uint64_t)NETIPC_APPS_LOOKUP_ITEM_HDR_LEN + comm_len +
                            1 + path_len + 1 + name_len + 1,
                        labels, count);
}

/*
 * Check a decoded string view: inside [lo, hi) with its NUL, no NUL inside,
 * and every byte read. Returns the byte sum.
 */
static inline uint32_t
fl_check_str(netipc_string_view s, const uint8_t *lo, const uint8_t *hi)
{
  FUZZ_CHECK(s.ptr != NULL);
  const uint8_t *p = (const uint8_t *)s.ptr;
  FUZZ_CHECK(p >= lo && p < hi && (uint64_t)(hi - p) > s.len);
  uint32_t sum = fuzz_touch(p, (size_t)s.len + 1);
  FUZZ_CHECK(p[s.len] == 0);
  FUZZ_CHECK(s.len == 0 || memchr(p, 0, s.len) == NULL);
  return sum;
}

#endif /* NETIPC_FUZZ_LOOKUP_MODEL_H */
