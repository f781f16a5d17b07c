/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz the CGROUPS_SNAPSHOT response view (codec.md 5.8): stage A on the
 * whole input, stage B on every item. Accepted items are rebuilt with
 * netipc_cgroups_builder; the result must validate and read back the same.
 */
#include "config.h"

#include "fuzz.h"

volatile uint32_t fuzz_sink;

/* Rebuilds larger than this are skipped (overlapping items can blow up). */
#define REBUILD_MAX ((uint64_t)16 << 20)

static uint64_t
align8(uint64_t x)
{
  return (x + 7) & ~(uint64_t)7;
}

static int
same_string(netipc_string_view a, netipc_string_view b)
{
  return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* Touch every byte of one string view including its NUL. */
static uint32_t
touch_string(netipc_string_view s)
{
  uint32_t sum = fuzz_touch(s.ptr, (size_t)s.len + 1);
  FUZZ_CHECK(s.ptr[s.len] == '\0');
  return sum;
}

static void
rebuild(const netipc_cgroups_view *v, const netipc_cgroups_item_view *items,
        uint32_t n)
{
  /* Canonical size: header, n entries, items at 8-aligned offsets, no
   * padding after the last one. */
  uint64_t end = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint64_t len = (uint64_t)NETIPC_CGROUPS_ITEM_HDR_LEN + items[i].name.len +
                   1 + items[i].path.len + 1;
    end = align8(end) + len;
  }
  uint64_t need = NETIPC_CGROUPS_HDR_LEN + 8 * (uint64_t)n + end;
  if (need > REBUILD_MAX)
    return;

  uint8_t *out = fuzz_alloc((size_t)need);
  netipc_cgroups_builder b;
  FUZZ_CHECK(netipc_cgroups_builder_init(&b, out, (size_t)need, n, 0, 0) ==
             NETIPC_OK);
  netipc_cgroups_builder_set_header(&b, v->systemd_enabled, v->generation);
  for (uint32_t i = 0; i < n; i++)
    FUZZ_CHECK(netipc_cgroups_builder_add(
                   &b, items[i].hash, items[i].options, items[i].enabled,
                   items[i].name.ptr, items[i].name.len, items[i].path.ptr,
                   items[i].path.len) == NETIPC_OK);
  size_t out_len = 0;
  FUZZ_CHECK(netipc_cgroups_builder_finish(&b, &out_len) == NETIPC_OK);
  FUZZ_CHECK(out_len == need);

  netipc_cgroups_view w;
  FUZZ_CHECK(netipc_cgroups_view_decode(out, out_len, &w) == NETIPC_OK);
  FUZZ_CHECK(w.item_count == n);
  FUZZ_CHECK(w.systemd_enabled == v->systemd_enabled);
  FUZZ_CHECK(w.generation == v->generation);
  uint32_t bad = UINT32_MAX;
  FUZZ_CHECK(netipc_cgroups_view_validate(&w, &bad) == NETIPC_OK);
  for (uint32_t i = 0; i < n; i++) {
    netipc_cgroups_item_view it;
    FUZZ_CHECK(netipc_cgroups_view_item(&w, i, &it) == NETIPC_OK);
    FUZZ_CHECK(it.hash == items[i].hash && it.options == items[i].options &&
               it.enabled == items[i].enabled);
    FUZZ_CHECK(same_string(it.name, items[i].name));
    FUZZ_CHECK(same_string(it.path, items[i].path));
    /* Canonical string placement (codec.md 5.6). */
    const uint8_t *base = (const uint8_t *)it.name.ptr - 32;
    FUZZ_CHECK((const uint8_t *)it.path.ptr == base + 32 + it.name.len + 1);
  }
  free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint8_t *buf = fuzz_dup(data, size);
  netipc_cgroups_view v;
  netipc_err err = netipc_cgroups_view_decode(buf, size, &v);
  if (err != NETIPC_OK) {
    free(buf);
    return 0;
  }
  FUZZ_CHECK(v.payload == buf && v.payload_len == size);
  FUZZ_CHECK(NETIPC_CGROUPS_HDR_LEN + 8 * (uint64_t)v.item_count <= size);

  netipc_cgroups_item_view *items =
      malloc(sizeof *items * (v.item_count != 0 ? v.item_count : 1));
  FUZZ_CHECK(items != NULL);
  uint32_t n = 0, first_bad = UINT32_MAX;
  uint32_t sum = 0;
  for (uint32_t i = 0; i < v.item_count; i++) {
    netipc_cgroups_item_view it;
    err = netipc_cgroups_view_item(&v, i, &it);
    if (err != NETIPC_OK) {
      if (first_bad == UINT32_MAX)
        first_bad = i;
      continue;
    }
    const uint8_t *end = buf + size;
    FUZZ_CHECK((const uint8_t *)it.name.ptr >= buf &&
               (const uint8_t *)it.name.ptr + it.name.len < end);
    FUZZ_CHECK((const uint8_t *)it.path.ptr >= buf &&
               (const uint8_t *)it.path.ptr + it.path.len < end);
    sum += touch_string(it.name) + touch_string(it.path);
    /* The regions, NULs included, do not overlap. */
    FUZZ_CHECK(it.name.ptr + it.name.len < it.path.ptr ||
               it.path.ptr + it.path.len < it.name.ptr);
    items[n++] = it;
  }
  fuzz_sink += sum;
  netipc_cgroups_item_view it;
  FUZZ_CHECK(netipc_cgroups_view_item(&v, v.item_count, &it) ==
             NETIPC_ERR_OUT_OF_BOUNDS);

  /* validate() agrees with the item-by-item walk. */
  uint32_t bad = UINT32_MAX;
  err = netipc_cgroups_view_validate(&v, &bad);
  if (first_bad == UINT32_MAX) {
    FUZZ_CHECK(err == NETIPC_OK);
  } else {
    FUZZ_CHECK(err != NETIPC_OK && bad == first_bad);
  }

  rebuild(&v, items, n);
  free(items);
  free(buf);
  return 0;
}
