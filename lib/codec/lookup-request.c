/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Lookup requests (lookups.md 3): canonical encoders for both methods and
 * the server-side validation Q1-Q5, in the reference's order.
 */
#include "config.h"

#include "codec/lookup-internal.h"

uint64_t
netipc_cgroups_lookup_req_size(const netipc_string_view *paths, size_t n)
{
  if (n != 0 && paths == NULL)
    return UINT64_MAX;
  uint64_t end = 0; /* end of the last key in the packed area */
  for (size_t i = 0; i < n; i++)
    end = netipc__align8(end) + (uint64_t)paths[i].len + 1;
  return NETIPC_LOOKUP_HDR_LEN + (uint64_t)NETIPC_DIR_ENTRY_LEN * n + end;
}

uint64_t
netipc_apps_lookup_req_size(size_t n)
{
  return NETIPC_LOOKUP_HDR_LEN +
         (uint64_t)(NETIPC_DIR_ENTRY_LEN + NETIPC_APPS_LOOKUP_KEY_LEN) * n;
}

static void
req_header_write(uint8_t *p, uint32_t n)
{
  memset(p, 0, NETIPC_LOOKUP_HDR_LEN);
  netipc__st16(p + LK_OFF_VERSION, NETIPC_LAYOUT_VERSION);
  netipc__st32(p + LK_OFF_COUNT, n);
}

/* Common argument and size checks of both encoders. */
static netipc_err
req_room(const void *keys, size_t n, const void *buf, const size_t *out_len,
         uint64_t size, size_t cap)
{
  if ((n != 0 && keys == NULL) || buf == NULL || out_len == NULL)
    return NETIPC_ERR_INVALID_ARG;
  if (n > UINT32_MAX || size > UINT32_MAX)
    return NETIPC_ERR_TOO_LARGE;
  return size > cap ? NETIPC_ERR_NOSPACE : NETIPC_OK;
}

netipc_err
netipc_cgroups_lookup_req_encode(const netipc_string_view *paths, size_t n,
                                 void *buf, size_t cap, size_t *out_len)
{
  for (size_t i = 0; paths != NULL && i < n; i++) {
    if (paths[i].ptr == NULL && paths[i].len != 0)
      return NETIPC_ERR_INVALID_ARG;
    if (paths[i].len == 0 || netipc__has_nul(paths[i].ptr, paths[i].len))
      return NETIPC_ERR_BAD_LAYOUT;
  }
  uint64_t size = netipc_cgroups_lookup_req_size(paths, n);
  netipc_err err = req_room(paths, n, buf, out_len, size, cap);
  if (err != NETIPC_OK)
    return err;
  uint8_t *p = buf;
  req_header_write(p, (uint32_t)n);
  uint8_t *area = p + NETIPC_LOOKUP_HDR_LEN + NETIPC_DIR_ENTRY_LEN * n;
  uint32_t end = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t at = (uint32_t)netipc__align8(end), len = paths[i].len + 1;
    memset(area + end, 0, at - end);
    memcpy(area + at, paths[i].ptr, paths[i].len);
    area[at + paths[i].len] = 0;
    uint8_t *dir = p + NETIPC_LOOKUP_HDR_LEN + NETIPC_DIR_ENTRY_LEN * i;
    netipc__st32(dir + LK_DIR_OFFSET, at);
    netipc__st32(dir + LK_DIR_LENGTH, len);
    end = at + len;
  }
  *out_len = (size_t)size;
  return NETIPC_OK;
}

netipc_err
netipc_apps_lookup_req_encode(const uint32_t *pids, size_t n, void *buf,
                              size_t cap, size_t *out_len)
{
  uint64_t size = netipc_apps_lookup_req_size(n);
  netipc_err err = req_room(pids, n, buf, out_len, size, cap);
  if (err != NETIPC_OK)
    return err;
  uint8_t *p = buf;
  req_header_write(p, (uint32_t)n);
  uint8_t *area = p + NETIPC_LOOKUP_HDR_LEN + NETIPC_DIR_ENTRY_LEN * n;
  for (size_t i = 0; i < n; i++) {
    uint32_t at = (uint32_t)(NETIPC_APPS_LOOKUP_KEY_LEN * i);
    uint8_t *dir = p + NETIPC_LOOKUP_HDR_LEN + NETIPC_DIR_ENTRY_LEN * i;
    netipc__st32(dir + LK_DIR_OFFSET, at);
    netipc__st32(dir + LK_DIR_LENGTH, NETIPC_APPS_LOOKUP_KEY_LEN);
    netipc__st32(area + at + LK_APPS_KEY_PID, pids[i]);
    netipc__st32(area + at + LK_APPS_KEY_RESERVED, 0);
  }
  *out_len = (size_t)size;
  return NETIPC_OK;
}

/* Q5: the key bytes themselves. */
static netipc_err
req_keys_check(uint16_t method, const uint8_t *p, uint32_t n)
{
  for (uint32_t i = 0; i < n; i++) {
    uint32_t len;
    const uint8_t *key = netipc__lk_entry(p, n, i, &len);
    if (method == NETIPC_METHOD_APPS_LOOKUP) {
      if (netipc__ld32(key + LK_APPS_KEY_RESERVED) != 0)
        return NETIPC_ERR_BAD_LAYOUT;
    } else if (key[len - 1] != 0) {
      return NETIPC_ERR_MISSING_NUL;
    } else if (netipc__has_nul((const char *)key, len - 1)) {
      return NETIPC_ERR_BAD_LAYOUT;
    }
  }
  return NETIPC_OK;
}

static netipc_err
req_decode(uint16_t method, const void *payload, size_t len,
           netipc_lookup_req_view *out)
{
  uint32_t n;
  uint64_t dir_end;
  netipc_err err = netipc__lk_header_check(payload, len, out, true, &n,
                                           &dir_end);
  if (err != NETIPC_OK)
    return err;
  const uint8_t *p = payload;
  bool apps = method == NETIPC_METHOD_APPS_LOOKUP;
  err = netipc__lk_directory_check(
      p, n, len - dir_end,
      apps ? NETIPC_APPS_LOOKUP_KEY_LEN : NETIPC_CGROUPS_LOOKUP_MIN_KEY_LEN,
      apps ? NETIPC_APPS_LOOKUP_KEY_LEN : UINT32_MAX);
  if (err == NETIPC_OK)
    err = req_keys_check(method, p, n);
  if (err != NETIPC_OK)
    return err;
  out->payload = p;
  out->payload_len = (uint32_t)len;
  out->item_count = n;
  out->method = method;
  return NETIPC_OK;
}

netipc_err
netipc_cgroups_lookup_req_decode(const void *payload, size_t len,
                                 netipc_lookup_req_view *out)
{
  return req_decode(NETIPC_METHOD_CGROUPS_LOOKUP, payload, len, out);
}

netipc_err
netipc_apps_lookup_req_decode(const void *payload, size_t len,
                              netipc_lookup_req_view *out)
{
  return req_decode(NETIPC_METHOD_APPS_LOOKUP, payload, len, out);
}

/* Start of key `index` (validated by the decoder) and its length. */
static netipc_err
req_key(const netipc_lookup_req_view *v, uint16_t method, uint32_t index,
        const uint8_t **key, uint32_t *len)
{
  if (v == NULL || v->payload == NULL || v->method != method)
    return NETIPC_ERR_INVALID_ARG;
  if (index >= v->item_count)
    return NETIPC_ERR_OUT_OF_BOUNDS;
  *key = netipc__lk_entry(v->payload, v->item_count, index, len);
  return NETIPC_OK;
}

netipc_err
netipc_cgroups_lookup_req_path(const netipc_lookup_req_view *v,
                               uint32_t index, netipc_string_view *path)
{
  const uint8_t *key;
  uint32_t len;
  if (path == NULL)
    return NETIPC_ERR_INVALID_ARG;
  netipc_err err = req_key(v, NETIPC_METHOD_CGROUPS_LOOKUP, index, &key, &len);
  if (err != NETIPC_OK)
    return err;
  path->ptr = (const char *)key;
  path->len = len - 1; /* the directory length counts the NUL */
  return NETIPC_OK;
}

netipc_err
netipc_apps_lookup_req_pid(const netipc_lookup_req_view *v, uint32_t index,
                           uint32_t *pid)
{
  const uint8_t *key;
  uint32_t len;
  if (pid == NULL)
    return NETIPC_ERR_INVALID_ARG;
  netipc_err err = req_key(v, NETIPC_METHOD_APPS_LOOKUP, index, &key, &len);
  if (err == NETIPC_OK)
    *pid = netipc__ld32(key + LK_APPS_KEY_PID);
  return err;
}
