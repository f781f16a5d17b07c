/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * CGROUPS_SNAPSHOT request and response builder (codec.md 5.1, 5.6, 5.7).
 * The builder reserves directory slots up front, appends items behind them
 * and compacts on finish, which yields the canonical layout byte for byte.
 */
#include "config.h"

#include "codec/codec-internal.h"
#include "codec/cgroups-internal.h"

netipc_err
netipc_cgroups_req_encode(void *buf, size_t cap, size_t *out_len)
{
  if (buf == NULL || out_len == NULL)
    return NETIPC_ERR_INVALID_ARG;
  if (cap < NETIPC_CGROUPS_REQ_LEN)
    return NETIPC_ERR_NOSPACE;
  netipc__st16(buf, NETIPC_LAYOUT_VERSION);
  netipc__st16((uint8_t *)buf + 2, 0);
  *out_len = NETIPC_CGROUPS_REQ_LEN;
  return NETIPC_OK;
}

netipc_err
netipc_cgroups_req_decode(const void *payload, size_t len)
{
  if (payload == NULL)
    return NETIPC_ERR_INVALID_ARG;
  if (len < NETIPC_CGROUPS_REQ_LEN)
    return NETIPC_ERR_TRUNCATED;
  const uint8_t *p = payload;
  if (netipc__ld16(p) != NETIPC_LAYOUT_VERSION || netipc__ld16(p + 2) != 0)
    return NETIPC_ERR_BAD_LAYOUT;
  return NETIPC_OK;
}

static uint32_t
cgroups_default_max_items(size_t cap)
{
  if (cap <= NETIPC_CGROUPS_HDR_LEN)
    return 0;
  size_t n = (cap - NETIPC_CGROUPS_HDR_LEN) / CG_MIN_ITEM_FOOTPRINT;
  return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

netipc_err
netipc_cgroups_builder_init(netipc_cgroups_builder *b, void *buf, size_t cap,
                            uint32_t max_items, uint32_t systemd_enabled,
                            uint64_t generation)
{
  if (b == NULL || buf == NULL)
    return NETIPC_ERR_INVALID_ARG;
  memset(b, 0, sizeof *b);
  b->buf = buf;
  b->cap = cap;
  b->max_items = max_items != 0 ? max_items : cgroups_default_max_items(cap);
  b->systemd_enabled = systemd_enabled;
  b->generation = generation;
  uint64_t start =
      NETIPC_CGROUPS_HDR_LEN + (uint64_t)NETIPC_DIR_ENTRY_LEN * b->max_items;
  if (start > cap) {
    b->error = NETIPC_ERR_OVERFLOW;
    return b->error;
  }
  b->data_end = (size_t)start;
  return NETIPC_OK;
}

void
netipc_cgroups_builder_set_header(netipc_cgroups_builder *b,
                                  uint32_t systemd_enabled,
                                  uint64_t generation)
{
  b->systemd_enabled = systemd_enabled;
  b->generation = generation;
}

/* Start of the packed item area while building (slots reserved). */
static size_t
builder_area(const netipc_cgroups_builder *b)
{
  return NETIPC_CGROUPS_HDR_LEN + (size_t)b->max_items * NETIPC_DIR_ENTRY_LEN;
}

/* Write the fixed part and both strings of one item at p. */
static void
builder_write_item(uint8_t *p, uint32_t hash, uint32_t options,
                   uint32_t enabled, const char *name, uint32_t name_len,
                   const char *path, uint32_t path_len)
{
  uint32_t name_off = NETIPC_CGROUPS_ITEM_HDR_LEN;
  uint32_t path_off = name_off + name_len + 1;
  netipc__st16(p + CG_ITEM_LAYOUT, NETIPC_LAYOUT_VERSION);
  netipc__st16(p + CG_ITEM_FLAGS, 0);
  netipc__st32(p + CG_ITEM_HASH, hash);
  netipc__st32(p + CG_ITEM_OPTIONS, options);
  netipc__st32(p + CG_ITEM_ENABLED, enabled);
  netipc__st32(p + CG_ITEM_NAME_OFF, name_off);
  netipc__st32(p + CG_ITEM_NAME_LEN, name_len);
  netipc__st32(p + CG_ITEM_PATH_OFF, path_off);
  netipc__st32(p + CG_ITEM_PATH_LEN, path_len);
  if (name_len != 0)
    memcpy(p + name_off, name, name_len);
  p[name_off + name_len] = '\0';
  if (path_len != 0)
    memcpy(p + path_off, path, path_len);
  p[path_off + path_len] = '\0';
}

netipc_err
netipc_cgroups_builder_add(netipc_cgroups_builder *b, uint32_t hash,
                           uint32_t options, uint32_t enabled,
                           const char *name, size_t name_len,
                           const char *path, size_t path_len)
{
  if (b == NULL || (name == NULL && name_len != 0) ||
      (path == NULL && path_len != 0))
    return NETIPC_ERR_INVALID_ARG;
  if (b->error != NETIPC_OK)
    return b->error;
  uint64_t item_len =
      (uint64_t)NETIPC_CGROUPS_ITEM_HDR_LEN + name_len + 1 + path_len + 1;
  uint64_t start = netipc__align8(b->data_end);
  size_t area = builder_area(b);
  if (b->count >= b->max_items || start + item_len > b->cap ||
      start + item_len - area > NETIPC_MAX_PAYLOAD_LEN) {
    b->error = NETIPC_ERR_OVERFLOW;
    return b->error;
  }
  memset(b->buf + b->data_end, 0, (size_t)start - b->data_end);
  builder_write_item(b->buf + start, hash, options, enabled, name,
                     (uint32_t)name_len, path, (uint32_t)path_len);
  uint8_t *slot =
      b->buf + NETIPC_CGROUPS_HDR_LEN + (size_t)b->count * NETIPC_DIR_ENTRY_LEN;
  netipc__st32(slot + CG_DIR_OFFSET, (uint32_t)(start - area));
  netipc__st32(slot + CG_DIR_LENGTH, (uint32_t)item_len);
  b->count++;
  b->data_end = (size_t)(start + item_len);
  return NETIPC_OK;
}

netipc_err
netipc_cgroups_builder_finish(netipc_cgroups_builder *b, size_t *out_len)
{
  if (b == NULL || out_len == NULL)
    return NETIPC_ERR_INVALID_ARG;
  if (b->error != NETIPC_OK)
    return b->error;
  uint8_t *p = b->buf;
  netipc__st16(p + CG_HDR_LAYOUT, NETIPC_LAYOUT_VERSION);
  netipc__st16(p + CG_HDR_FLAGS, 0);
  netipc__st32(p + CG_HDR_COUNT, b->count);
  netipc__st32(p + CG_HDR_SYSTEMD, b->systemd_enabled);
  netipc__st32(p + CG_HDR_RESERVED, 0);
  netipc__st64(p + CG_HDR_GENERATION, b->generation);
  /* Squeeze out unused slots; directory offsets are relative to the packed
   * area, so they need no rewrite. */
  size_t area = builder_area(b);
  size_t packed = NETIPC_CGROUPS_HDR_LEN + (size_t)b->count * NETIPC_DIR_ENTRY_LEN;
  size_t used = b->data_end - area;
  if (packed != area)
    memmove(p + packed, p + area, used);
  *out_len = packed + used;
  return NETIPC_OK;
}
