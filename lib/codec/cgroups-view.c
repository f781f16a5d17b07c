/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * CGROUPS_SNAPSHOT response view (codec.md 5.8): stage A validates the
 * header and directory once, stage B validates an item when it is read.
 */
#include "config.h"

#include "codec/codec-internal.h"
#include "codec/cgroups-internal.h"

/* Start of the packed item area for a view. */
static uint64_t
view_area(const netipc_cgroups_view *v)
{
  return NETIPC_CGROUPS_HDR_LEN + (uint64_t)NETIPC_DIR_ENTRY_LEN * v->item_count;
}

/* Stage A checks of directory entry i, returning its offset and length. */
static netipc_err
view_entry(const netipc_cgroups_view *v, uint32_t i, uint32_t *off,
           uint32_t *len)
{
  const uint8_t *e = v->payload + NETIPC_CGROUPS_HDR_LEN +
                     (size_t)i * NETIPC_DIR_ENTRY_LEN;
  *off = netipc__ld32(e + CG_DIR_OFFSET);
  *len = netipc__ld32(e + CG_DIR_LENGTH);
  netipc_err err =
      netipc__dir_entry_check(*off, *len, v->payload_len - view_area(v));
  if (err != NETIPC_OK)
    return err;
  if (*len < NETIPC_CGROUPS_ITEM_HDR_LEN)
    return NETIPC_ERR_TRUNCATED;
  return NETIPC_OK;
}

netipc_err
netipc_cgroups_view_decode(const void *payload, size_t len,
                           netipc_cgroups_view *out)
{
  if (payload == NULL || out == NULL)
    return NETIPC_ERR_INVALID_ARG;
  const uint8_t *p = payload;
  if (len < NETIPC_CGROUPS_HDR_LEN)
    return NETIPC_ERR_TRUNCATED;
  if (netipc__ld16(p + CG_HDR_LAYOUT) != NETIPC_LAYOUT_VERSION)
    return NETIPC_ERR_BAD_LAYOUT;
  if (netipc__ld16(p + CG_HDR_FLAGS) != 0)
    return NETIPC_ERR_BAD_FLAGS;
  if (netipc__ld32(p + CG_HDR_RESERVED) != 0)
    return NETIPC_ERR_RESERVED;

  netipc_cgroups_view v;
  v.payload = p;
  v.payload_len = len;
  v.item_count = netipc__ld32(p + CG_HDR_COUNT);
  v.systemd_enabled = netipc__ld32(p + CG_HDR_SYSTEMD);
  v.generation = netipc__ld64(p + CG_HDR_GENERATION);
  /* 8 * item_count cannot wrap in 64 bits. */
  if (view_area(&v) > len)
    return NETIPC_ERR_TRUNCATED;
  for (uint32_t i = 0; i < v.item_count; i++) {
    uint32_t off, item_len;
    netipc_err err = view_entry(&v, i, &off, &item_len);
    if (err != NETIPC_OK)
      return err;
  }
  *out = v;
  return NETIPC_OK;
}

/* One string of an item: bounds, start past the fixed part, NUL. */
static netipc_err
view_string(const uint8_t *item, uint32_t item_len, uint32_t off,
            uint32_t len, netipc_string_view *out)
{
  if (off < NETIPC_CGROUPS_ITEM_HDR_LEN)
    return NETIPC_ERR_OUT_OF_BOUNDS;
  if ((uint64_t)off + len + 1 > item_len)
    return NETIPC_ERR_OUT_OF_BOUNDS;
  if (item[(size_t)off + len] != 0)
    return NETIPC_ERR_MISSING_NUL;
  out->ptr = (const char *)item + off;
  out->len = len;
  return NETIPC_OK;
}

netipc_err
netipc_cgroups_view_item(const netipc_cgroups_view *v, uint32_t index,
                         netipc_cgroups_item_view *item)
{
  if (v == NULL || item == NULL || v->payload == NULL)
    return NETIPC_ERR_INVALID_ARG;
  if (index >= v->item_count)
    return NETIPC_ERR_OUT_OF_BOUNDS;
  uint32_t off, len;
  netipc_err err = view_entry(v, index, &off, &len);
  if (err != NETIPC_OK)
    return err;
  const uint8_t *p = v->payload + view_area(v) + off;
  if (netipc__ld16(p + CG_ITEM_LAYOUT) != NETIPC_LAYOUT_VERSION)
    return NETIPC_ERR_BAD_LAYOUT;
  if (netipc__ld16(p + CG_ITEM_FLAGS) != 0)
    return NETIPC_ERR_BAD_FLAGS;
  uint32_t name_off = netipc__ld32(p + CG_ITEM_NAME_OFF);
  uint32_t name_len = netipc__ld32(p + CG_ITEM_NAME_LEN);
  uint32_t path_off = netipc__ld32(p + CG_ITEM_PATH_OFF);
  uint32_t path_len = netipc__ld32(p + CG_ITEM_PATH_LEN);
  netipc_cgroups_item_view it;
  err = view_string(p, len, name_off, name_len, &it.name);
  if (err == NETIPC_OK)
    err = view_string(p, len, path_off, path_len, &it.path);
  if (err != NETIPC_OK)
    return err;
  /* Regions include their NULs; the sums fit because both passed bounds. */
  if (name_off < path_off + path_len + 1 && path_off < name_off + name_len + 1)
    return NETIPC_ERR_OVERLAP;
  it.hash = netipc__ld32(p + CG_ITEM_HASH);
  it.options = netipc__ld32(p + CG_ITEM_OPTIONS);
  it.enabled = netipc__ld32(p + CG_ITEM_ENABLED);
  *item = it;
  return NETIPC_OK;
}

netipc_err
netipc_cgroups_view_validate(const netipc_cgroups_view *v, uint32_t *bad_index)
{
  if (v == NULL)
    return NETIPC_ERR_INVALID_ARG;
  for (uint32_t i = 0; i < v->item_count; i++) {
    netipc_cgroups_item_view item;
    netipc_err err = netipc_cgroups_view_item(v, i, &item);
    if (err != NETIPC_OK) {
      if (bad_index != NULL)
        *bad_index = i;
      return err;
    }
  }
  return NETIPC_OK;
}
