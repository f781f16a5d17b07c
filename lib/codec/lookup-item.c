/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Lookup response items (lookups.md 2.2-2.3, 4.3-4.4): the status rules
 * shared by the builder and the decoder, canonical sizes, and the writers
 * of items, labels and placeholders.
 */
#include "config.h"

#include "codec/lookup-internal.h"

netipc_err
netipc__lk_header_check(const void *payload, size_t len, const void *out,
                        bool request, uint32_t *n, uint64_t *dir_end)
{
  if (payload == NULL || out == NULL)
    return NETIPC_ERR_INVALID_ARG;
  if (len > UINT32_MAX)
    return NETIPC_ERR_TOO_LARGE; /* payload_len is a u32 on the wire */
  const uint8_t *p = payload;
  if (len < NETIPC_LOOKUP_HDR_LEN)
    return NETIPC_ERR_TRUNCATED;
  if (netipc__ld16(p + LK_OFF_VERSION) != NETIPC_LAYOUT_VERSION ||
      netipc__ld16(p + LK_OFF_FLAGS) != 0 ||
      (request && (netipc__ld32(p + LK_OFF_RESERVED0) != 0 ||
                   netipc__ld32(p + LK_OFF_RESERVED1) != 0)))
    return NETIPC_ERR_BAD_LAYOUT;
  *n = netipc__ld32(p + LK_OFF_COUNT);
  *dir_end = NETIPC_LOOKUP_HDR_LEN + (uint64_t)NETIPC_DIR_ENTRY_LEN * *n;
  return *dir_end > len ? NETIPC_ERR_TRUNCATED : NETIPC_OK;
}

netipc_err
netipc__lk_directory_check(const uint8_t *payload, uint32_t n,
                           uint64_t area_len, uint32_t min_len,
                           uint32_t max_len)
{
  uint64_t prev_end = 0;
  for (uint32_t i = 0; i < n; i++) {
    const uint8_t *dir =
        payload + NETIPC_LOOKUP_HDR_LEN + (uint64_t)NETIPC_DIR_ENTRY_LEN * i;
    uint32_t off = netipc__ld32(dir + LK_DIR_OFFSET);
    uint32_t len = netipc__ld32(dir + LK_DIR_LENGTH);
    if (off % NETIPC_ALIGNMENT != 0)
      return NETIPC_ERR_BAD_ALIGNMENT;
    if (len < min_len || len > max_len)
      return NETIPC_ERR_BAD_LAYOUT;
    if ((uint64_t)off + len > area_len)
      return NETIPC_ERR_OUT_OF_BOUNDS;
    if (i > 0 && off < prev_end)
      return NETIPC_ERR_BAD_LAYOUT;
    prev_end = (uint64_t)off + len;
  }
  return NETIPC_OK;
}

netipc_err
netipc__cgl_rules(uint16_t status, uint16_t orch, uint32_t path_len,
                  uint32_t name_len, uint16_t labels)
{
  if (status > NETIPC_CGROUPS_LOOKUP_STATUS_MAX || path_len == 0)
    return NETIPC_ERR_BAD_LAYOUT;
  if (status != NETIPC_CGROUPS_LOOKUP_KNOWN &&
      (orch != 0 || name_len != 0 || labels != 0))
    return NETIPC_ERR_BAD_LAYOUT;
  return NETIPC_OK;
}

/* The cgroup-status rows of 4.4 for a KNOWN PID. */
static bool
apl_cgroup_row_ok(const apl_fields *f)
{
  bool bare = f->orchestrator == 0 && f->name_len == 0 && f->labels == 0;
  switch (f->cgroup_status) {
  case NETIPC_APPS_CGROUP_KNOWN:
    return f->path_len != 0;
  case NETIPC_APPS_CGROUP_UNKNOWN_RETRY_LATER:
    return bare;
  case NETIPC_APPS_CGROUP_UNKNOWN_PERMANENT:
    return bare && f->path_len != 0;
  default: /* HOST_ROOT */
    return bare && f->path_len == 0;
  }
}

netipc_err
netipc__apl_rules(const apl_fields *f)
{
  if (f->status > NETIPC_APPS_LOOKUP_STATUS_MAX ||
      f->cgroup_status > NETIPC_APPS_CGROUP_STATUS_MAX ||
      f->comm_len > NETIPC_APPS_LOOKUP_COMM_MAX)
    return NETIPC_ERR_BAD_LAYOUT;
  if (f->status != NETIPC_APPS_LOOKUP_KNOWN)
    return f->orchestrator != 0 || f->cgroup_status != 0 || f->ppid != 0 ||
                   f->starttime != 0 || f->comm_len != 0 ||
                   f->path_len != 0 || f->name_len != 0 || f->labels != 0 ||
                   f->uid != NETIPC_APPS_LOOKUP_UID_UNSET
               ? NETIPC_ERR_BAD_LAYOUT
               : NETIPC_OK;
  if (f->comm_len == 0 || !apl_cgroup_row_ok(f))
    return NETIPC_ERR_BAD_LAYOUT;
  return NETIPC_OK;
}

uint64_t
netipc__lk_labels_size(uint64_t e, const netipc_lookup_label *labels,
                       uint16_t count)
{
  if (count == 0)
    return e;
  uint64_t size = netipc__align8(e) +
                  (uint64_t)NETIPC_LOOKUP_LABEL_ENTRY_LEN * count;
  for (uint16_t i = 0; i < count; i++)
    size += (uint64_t)labels[i].key.len + labels[i].value.len + 2;
  return size;
}

/* Copy one string and its NUL to item + at; returns the end. */
static uint32_t
lk_put_str(uint8_t *item, uint32_t at, netipc_string_view s)
{
  if (s.len != 0)
    memcpy(item + at, s.ptr, s.len);
  item[at + s.len] = 0;
  return at + s.len + 1;
}

/* Write the (offset, length) of a string field and the string itself. */
static uint32_t
lk_put_field(uint8_t *item, uint32_t field, uint32_t at, netipc_string_view s)
{
  netipc__st32(item + field, at);
  netipc__st32(item + field + 4, s.len);
  return lk_put_str(item, at, s);
}

uint32_t
netipc__lk_labels_write(uint8_t *item, uint32_t e,
                        const netipc_lookup_label *labels, uint16_t count)
{
  if (count == 0)
    return e;
  uint32_t table = (uint32_t)netipc__align8(e);
  memset(item + e, 0, table - e);
  uint32_t x = table + NETIPC_LOOKUP_LABEL_ENTRY_LEN * (uint32_t)count;
  for (uint16_t i = 0; i < count; i++) {
    uint32_t entry = table + NETIPC_LOOKUP_LABEL_ENTRY_LEN * (uint32_t)i;
    x = lk_put_field(item, entry + LK_LABEL_KEY_OFF, x, labels[i].key);
    x = lk_put_field(item, entry + LK_LABEL_VALUE_OFF, x, labels[i].value);
  }
  return x;
}

uint64_t
netipc__cgl_item_size(const netipc_cgroups_lookup_item *it)
{
  uint64_t e = NETIPC_CGROUPS_LOOKUP_PLACEHOLDER_BASE + (uint64_t)it->path.len +
               it->name.len;
  return netipc__lk_labels_size(e, it->labels, it->label_count);
}

uint32_t
netipc__cgl_item_write(uint8_t *dst, const netipc_cgroups_lookup_item *it)
{
  memset(dst, 0, NETIPC_CGROUPS_LOOKUP_ITEM_HDR_LEN);
  netipc__st16(dst + CGL_VERSION, NETIPC_LAYOUT_VERSION);
  netipc__st16(dst + CGL_STATUS, it->status);
  netipc__st16(dst + CGL_ORCH, it->orchestrator);
  netipc__st16(dst + CGL_LABELS, it->label_count);
  uint32_t at = lk_put_field(dst, CGL_PATH, NETIPC_CGROUPS_LOOKUP_ITEM_HDR_LEN,
                             it->path);
  at = lk_put_field(dst, CGL_NAME, at, it->name);
  return netipc__lk_labels_write(dst, at, it->labels, it->label_count);
}

uint32_t
netipc__cgl_placeholder_write(uint8_t *dst, uint16_t status, const char *path,
                              uint32_t plen)
{
  netipc_cgroups_lookup_item it;
  memset(&it, 0, sizeof it);
  it.status = status;
  it.path.ptr = path;
  it.path.len = plen;
  return netipc__cgl_item_write(dst, &it);
}

uint64_t
netipc__apl_item_size(const netipc_apps_lookup_item *it)
{
  uint64_t e = NETIPC_APPS_LOOKUP_PLACEHOLDER_LEN + (uint64_t)it->comm.len +
               it->cgroup_path.len + it->cgroup_name.len;
  return netipc__lk_labels_size(e, it->labels, it->label_count);
}

uint32_t
netipc__apl_item_write(uint8_t *dst, const netipc_apps_lookup_item *it)
{
  memset(dst, 0, NETIPC_APPS_LOOKUP_ITEM_HDR_LEN);
  netipc__st16(dst + APL_VERSION, NETIPC_LAYOUT_VERSION);
  netipc__st16(dst + APL_STATUS, it->status);
  netipc__st16(dst + APL_ORCH, it->orchestrator);
  netipc__st16(dst + APL_CGSTATUS, it->cgroup_status);
  netipc__st32(dst + APL_PID, it->pid);
  netipc__st32(dst + APL_PPID, it->ppid);
  netipc__st32(dst + APL_UID, it->uid);
  netipc__st64(dst + APL_STARTTIME, it->starttime);
  netipc__st16(dst + APL_LABELS, it->label_count);
  uint32_t at =
      lk_put_field(dst, APL_COMM, NETIPC_APPS_LOOKUP_ITEM_HDR_LEN, it->comm);
  at = lk_put_field(dst, APL_CGPATH, at, it->cgroup_path);
  at = lk_put_field(dst, APL_CGNAME, at, it->cgroup_name);
  return netipc__lk_labels_write(dst, at, it->labels, it->label_count);
}

uint32_t
netipc__apl_placeholder_write(uint8_t *dst, uint16_t status, uint32_t pid)
{
  netipc_apps_lookup_item it;
  memset(&it, 0, sizeof it);
  it.status = status;
  it.pid = pid;
  it.uid = NETIPC_APPS_LOOKUP_UID_UNSET;
  return netipc__apl_item_write(dst, &it);
}
