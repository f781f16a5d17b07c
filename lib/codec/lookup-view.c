/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Lookup response views (lookups.md 4.5): the whole response is validated
 * at decode time, every item included (V1-V5, C1-C7 / A1-A7, S1-S4,
 * L1-L6, in that order), so item and label access afterwards only read.
 */
#include "config.h"

#include "codec/lookup-internal.h"

/* A string field with its NUL: [off, end). */
typedef struct lk_region {
  uint64_t off, end;
} lk_region;

static lk_str
lk_field(const uint8_t *item, uint32_t field)
{
  lk_str s = {netipc__ld32(item + field), netipc__ld32(item + field + 4)};
  return s;
}

/* S1-S4 for one string of an item of length m with an h-byte header. */
static netipc_err
lk_str_check(const uint8_t *item, uint32_t m, uint32_t h, lk_str s)
{
  if (s.off < h || (uint64_t)s.off + s.len + 1 > m)
    return NETIPC_ERR_OUT_OF_BOUNDS;
  if (item[s.off + s.len] != 0)
    return NETIPC_ERR_MISSING_NUL;
  if (netipc__has_nul((const char *)item + s.off, s.len))
    return NETIPC_ERR_BAD_LAYOUT;
  return NETIPC_OK;
}

/* S1-S4 on each fixed string in order, then the overlap rule (C6, A6). */
static netipc_err
lk_strings_check(const uint8_t *item, uint32_t m, uint32_t h,
                 const lk_str *strs, size_t n, uint64_t *e)
{
  lk_region r[3];
  *e = 0;
  for (size_t i = 0; i < n; i++) {
    netipc_err err = lk_str_check(item, m, h, strs[i]);
    if (err != NETIPC_OK)
      return err;
    r[i].off = strs[i].off;
    r[i].end = (uint64_t)strs[i].off + strs[i].len + 1;
    if (r[i].end > *e)
      *e = r[i].end;
  }
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++)
      if (r[i].off < r[j].end && r[j].off < r[i].end)
        return NETIPC_ERR_BAD_LAYOUT;
  return NETIPC_OK;
}

/* L5 for one string of a label: at x exactly, then S1-S4. */
static netipc_err
lk_label_str(const uint8_t *item, uint32_t m, uint32_t h, lk_str s,
             uint64_t *x)
{
  if (s.off != *x)
    return NETIPC_ERR_BAD_LAYOUT;
  netipc_err err = lk_str_check(item, m, h, s);
  *x = (uint64_t)s.off + s.len + 1;
  return err;
}

/* L1-L6: the label table and strings after the fixed strings ending at e. */
static netipc_err
lk_labels_check(const uint8_t *item, uint32_t m, uint32_t h, uint64_t e,
                uint16_t count)
{
  if (count == 0)
    return e != m ? NETIPC_ERR_BAD_LAYOUT : NETIPC_OK;
  uint64_t t = netipc__align8(e);
  if (t > m)
    return NETIPC_ERR_OUT_OF_BOUNDS;
  for (uint64_t i = e; i < t; i++)
    if (item[i] != 0)
      return NETIPC_ERR_BAD_LAYOUT;
  uint64_t x = t + (uint64_t)NETIPC_LOOKUP_LABEL_ENTRY_LEN * count;
  if (x > m)
    return NETIPC_ERR_OUT_OF_BOUNDS;
  for (uint16_t i = 0; i < count; i++) {
    const uint8_t *entry = item + t + (size_t)NETIPC_LOOKUP_LABEL_ENTRY_LEN * i;
    lk_str key = lk_field(entry, LK_LABEL_KEY_OFF);
    lk_str value = lk_field(entry, LK_LABEL_VALUE_OFF);
    if (key.len == 0)
      return NETIPC_ERR_BAD_LAYOUT;
    netipc_err err = lk_label_str(item, m, h, key, &x);
    if (err == NETIPC_OK)
      err = lk_label_str(item, m, h, value, &x);
    if (err != NETIPC_OK)
      return err;
  }
  return x != m ? NETIPC_ERR_BAD_LAYOUT : NETIPC_OK;
}

/* C1-C7. */
static netipc_err
cgl_item_check(const uint8_t *item, uint32_t m)
{
  if (netipc__ld16(item + CGL_VERSION) != NETIPC_LAYOUT_VERSION ||
      netipc__ld16(item + CGL_RESERVED0) != 0 ||
      netipc__ld16(item + CGL_RESERVED1) != 0)
    return NETIPC_ERR_BAD_LAYOUT;
  lk_str strs[2] = {lk_field(item, CGL_PATH), lk_field(item, CGL_NAME)};
  uint16_t labels = netipc__ld16(item + CGL_LABELS);
  netipc_err err = netipc__cgl_rules(netipc__ld16(item + CGL_STATUS),
                                     netipc__ld16(item + CGL_ORCH),
                                     strs[0].len, strs[1].len, labels);
  uint64_t e;
  if (err == NETIPC_OK)
    err = lk_strings_check(item, m, NETIPC_CGROUPS_LOOKUP_ITEM_HDR_LEN, strs,
                           2, &e);
  if (err == NETIPC_OK)
    err = lk_labels_check(item, m, NETIPC_CGROUPS_LOOKUP_ITEM_HDR_LEN, e,
                          labels);
  return err;
}

/* A1-A7. */
static netipc_err
apl_item_check(const uint8_t *item, uint32_t m)
{
  if (netipc__ld16(item + APL_VERSION) != NETIPC_LAYOUT_VERSION ||
      netipc__ld32(item + APL_RESERVED0) != 0 ||
      netipc__ld16(item + APL_RESERVED1) != 0)
    return NETIPC_ERR_BAD_LAYOUT;
  lk_str strs[3] = {lk_field(item, APL_COMM), lk_field(item, APL_CGPATH),
                    lk_field(item, APL_CGNAME)};
  apl_fields f = {netipc__ld16(item + APL_STATUS),
                  netipc__ld16(item + APL_CGSTATUS),
                  netipc__ld16(item + APL_ORCH),
                  netipc__ld32(item + APL_PPID),
                  netipc__ld32(item + APL_UID),
                  netipc__ld64(item + APL_STARTTIME),
                  strs[0].len,
                  strs[1].len,
                  strs[2].len,
                  netipc__ld16(item + APL_LABELS)};
  netipc_err err = netipc__apl_rules(&f);
  uint64_t e;
  if (err == NETIPC_OK)
    err = lk_strings_check(item, m, NETIPC_APPS_LOOKUP_ITEM_HDR_LEN, strs, 3,
                           &e);
  if (err == NETIPC_OK)
    err = lk_labels_check(item, m, NETIPC_APPS_LOOKUP_ITEM_HDR_LEN, e,
                          f.labels);
  return err;
}

static netipc_err
resp_decode(uint16_t method, const void *payload, size_t len,
            netipc_lookup_view *out)
{
  uint32_t n;
  uint64_t dir_end;
  netipc_err err = netipc__lk_header_check(payload, len, out, false, &n,
                                           &dir_end);
  if (err != NETIPC_OK)
    return err;
  const uint8_t *p = payload;
  bool apps = method == NETIPC_METHOD_APPS_LOOKUP;
  uint32_t h = apps ? NETIPC_APPS_LOOKUP_ITEM_HDR_LEN
                    : NETIPC_CGROUPS_LOOKUP_ITEM_HDR_LEN;
  err = netipc__lk_directory_check(p, n, len - dir_end, h, UINT32_MAX);
  for (uint32_t i = 0; err == NETIPC_OK && i < n; i++) {
    uint32_t m;
    const uint8_t *item = netipc__lk_entry(p, n, i, &m);
    err = apps ? apl_item_check(item, m) : cgl_item_check(item, m);
  }
  if (err != NETIPC_OK)
    return err;
  out->payload = p;
  out->payload_len = len;
  out->method = method;
  out->item_count = n;
  out->generation = netipc__ld64(p + LK_OFF_GENERATION);
  return NETIPC_OK;
}

netipc_err
netipc_cgroups_lookup_resp_decode(const void *payload, size_t len,
                                  netipc_lookup_view *out)
{
  return resp_decode(NETIPC_METHOD_CGROUPS_LOOKUP, payload, len, out);
}

netipc_err
netipc_apps_lookup_resp_decode(const void *payload, size_t len,
                               netipc_lookup_view *out)
{
  return resp_decode(NETIPC_METHOD_APPS_LOOKUP, payload, len, out);
}

netipc_err
netipc_lookup_resp_item_bytes(const netipc_lookup_view *v, uint32_t index,
                              const void **item, uint32_t *len)
{
  if (v == NULL || v->payload == NULL || item == NULL || len == NULL)
    return NETIPC_ERR_INVALID_ARG;
  if (index >= v->item_count)
    return NETIPC_ERR_OUT_OF_BOUNDS;
  *item = netipc__lk_entry(v->payload, v->item_count, index, len);
  return NETIPC_OK;
}

static const uint8_t *
lk_item(const netipc_lookup_view *v, uint16_t method, uint32_t index,
        netipc_err *err)
{
  const void *item = NULL;
  uint32_t len;
  *err = v == NULL || v->method != method
             ? NETIPC_ERR_INVALID_ARG
             : netipc_lookup_resp_item_bytes(v, index, &item, &len);
  return item;
}

static netipc_string_view
lk_view(const uint8_t *item, uint32_t field)
{
  lk_str s = lk_field(item, field);
  netipc_string_view v = {(const char *)item + s.off, s.len};
  return v;
}

/* The label table of a validated item whose fixed strings end at e. */
static netipc_lookup_labels
lk_labels(const uint8_t *item, uint64_t e, uint16_t count)
{
  netipc_lookup_labels l = {item, (uint32_t)netipc__align8(e), count};
  return l;
}

static uint64_t
lk_end(netipc_string_view s, const uint8_t *item, uint64_t e)
{
  uint64_t end = (uint64_t)(s.ptr - (const char *)item) + s.len + 1;
  return end > e ? end : e;
}

netipc_err
netipc_cgroups_lookup_resp_item(const netipc_lookup_view *v, uint32_t index,
                                netipc_cgroups_lookup_item_view *out)
{
  netipc_err err;
  const uint8_t *item = lk_item(v, NETIPC_METHOD_CGROUPS_LOOKUP, index, &err);
  if (err != NETIPC_OK || out == NULL)
    return err != NETIPC_OK ? err : NETIPC_ERR_INVALID_ARG;
  out->status = netipc__ld16(item + CGL_STATUS);
  out->orchestrator = netipc__ld16(item + CGL_ORCH);
  out->path = lk_view(item, CGL_PATH);
  out->name = lk_view(item, CGL_NAME);
  uint64_t e = lk_end(out->name, item, lk_end(out->path, item, 0));
  out->labels = lk_labels(item, e, netipc__ld16(item + CGL_LABELS));
  return NETIPC_OK;
}

netipc_err
netipc_apps_lookup_resp_item(const netipc_lookup_view *v, uint32_t index,
                             netipc_apps_lookup_item_view *out)
{
  netipc_err err;
  const uint8_t *item = lk_item(v, NETIPC_METHOD_APPS_LOOKUP, index, &err);
  if (err != NETIPC_OK || out == NULL)
    return err != NETIPC_OK ? err : NETIPC_ERR_INVALID_ARG;
  out->status = netipc__ld16(item + APL_STATUS);
  out->cgroup_status = netipc__ld16(item + APL_CGSTATUS);
  out->orchestrator = netipc__ld16(item + APL_ORCH);
  out->pid = netipc__ld32(item + APL_PID);
  out->ppid = netipc__ld32(item + APL_PPID);
  out->uid = netipc__ld32(item + APL_UID);
  out->starttime = netipc__ld64(item + APL_STARTTIME);
  out->comm = lk_view(item, APL_COMM);
  out->cgroup_path = lk_view(item, APL_CGPATH);
  out->cgroup_name = lk_view(item, APL_CGNAME);
  uint64_t e = lk_end(out->cgroup_name, item,
                      lk_end(out->cgroup_path, item,
                             lk_end(out->comm, item, 0)));
  out->labels = lk_labels(item, e, netipc__ld16(item + APL_LABELS));
  return NETIPC_OK;
}

netipc_err
netipc_lookup_label_get(const netipc_lookup_labels *l, uint16_t index,
                        netipc_lookup_label *out)
{
  if (l == NULL || out == NULL || (l->count != 0 && l->item == NULL))
    return NETIPC_ERR_INVALID_ARG;
  if (index >= l->count)
    return NETIPC_ERR_OUT_OF_BOUNDS;
  uint32_t entry = l->table + NETIPC_LOOKUP_LABEL_ENTRY_LEN * (uint32_t)index;
  out->key = lk_view(l->item, entry + LK_LABEL_KEY_OFF);
  out->value = lk_view(l->item, entry + LK_LABEL_VALUE_OFF);
  return NETIPC_OK;
}
