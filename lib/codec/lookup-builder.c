/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The lookup response builder (lookups.md 5): the directory for every key
 * reserved up front, and the look-ahead that keeps room for a placeholder
 * for every later key, so that a response that cannot hold everything ends
 * in a PAYLOAD_EXCEEDED suffix the client asks for again.
 *
 * The reservation R_k (5.1 step 5) needs no table: for k < n-1,
 * R_{k+1} = R_k - align8(p_k), and R_n = 0.
 */
#include "config.h"

#include "codec/lookup-internal.h"

static bool
lk_method_ok(uint16_t method)
{
  return method == NETIPC_METHOD_CGROUPS_LOOKUP ||
         method == NETIPC_METHOD_APPS_LOOKUP;
}

/* p_i of 5.1 step 4: the placeholder size for request key i. */
static uint64_t
lk_placeholder_len(const netipc_lookup_builder *b, uint32_t i)
{
  if (b->method == NETIPC_METHOD_APPS_LOOKUP)
    return NETIPC_APPS_LOOKUP_PLACEHOLDER_LEN;
  netipc_string_view path;
  (void)netipc_cgroups_lookup_req_path(&b->req, i, &path);
  return NETIPC_CGROUPS_LOOKUP_PLACEHOLDER_BASE + (uint64_t)path.len;
}

/* R_{count+1}: what the keys after the current one need. */
static uint64_t
lk_reserve_next(const netipc_lookup_builder *b)
{
  if (b->req.payload == NULL || b->count + 1 >= b->n)
    return 0;
  return b->reserve - netipc__align8(lk_placeholder_len(b, b->count));
}

static netipc_err
lk_start(netipc_lookup_builder *b, uint16_t method, void *buf, size_t cap,
         uint32_t n)
{
  memset(b, 0, sizeof *b);
  b->buf = buf;
  /* Offsets and the payload length are u32 on the wire. */
  b->cap = cap > UINT32_MAX ? UINT32_MAX : cap;
  b->method = method;
  b->n = n;
  b->cursor = NETIPC_LOOKUP_HDR_LEN + (uint64_t)NETIPC_DIR_ENTRY_LEN * n;
  if (b->cursor > b->cap)
    b->error = NETIPC_ERR_OVERFLOW;
  return b->error;
}

netipc_err
netipc_lookup_builder_init(netipc_lookup_builder *b, void *buf, size_t cap,
                           const netipc_lookup_req_view *req)
{
  if (b == NULL || buf == NULL || req == NULL || req->payload == NULL ||
      !lk_method_ok(req->method))
    return NETIPC_ERR_INVALID_ARG;
  netipc_err err = lk_start(b, req->method, buf, cap, req->item_count);
  b->req = *req;
  for (uint32_t i = 0; i < b->n; i++) {
    uint64_t p = lk_placeholder_len(b, i);
    b->reserve += i + 1 < b->n ? netipc__align8(p) : p;
  }
  return err;
}

netipc_err
netipc_lookup_builder_init_slots(netipc_lookup_builder *b, uint16_t method,
                                 void *buf, size_t cap, uint32_t n)
{
  if (b == NULL || buf == NULL || !lk_method_ok(method))
    return NETIPC_ERR_INVALID_ARG;
  return lk_start(b, method, buf, cap, n);
}

void
netipc_lookup_builder_set_generation(netipc_lookup_builder *b,
                                     uint64_t generation)
{
  if (b != NULL)
    b->generation = generation;
}

static netipc_err
lk_fail(netipc_lookup_builder *b, netipc_err err)
{
  if (b->error == NETIPC_OK)
    b->error = err;
  return err;
}

/* What one add writes: an item, or a placeholder for its key. */
typedef struct lk_add {
  const netipc_cgroups_lookup_item *cgl;
  const netipc_apps_lookup_item *apl;
  netipc_string_view path; /* the echoed key (CGROUPS_LOOKUP) */
} lk_add;

/* Record the item just written at a: directory entry, cursor, count. */
static void
lk_commit(netipc_lookup_builder *b, uint64_t a, uint32_t len, uint64_t next)
{
  uint64_t dir_end = NETIPC_LOOKUP_HDR_LEN + (uint64_t)NETIPC_DIR_ENTRY_LEN * b->n;
  uint8_t *dir = b->buf + NETIPC_LOOKUP_HDR_LEN +
                 (uint64_t)NETIPC_DIR_ENTRY_LEN * b->count;
  memset(b->buf + b->cursor, 0, a - b->cursor);
  netipc__st32(dir + LK_DIR_OFFSET, (uint32_t)(a - dir_end));
  netipc__st32(dir + LK_DIR_LENGTH, len);
  b->cursor = a + len;
  b->count++;
  b->reserve = next;
}

/* Step P of 5.2: a placeholder, without the look-ahead. */
static netipc_err
lk_placeholder(netipc_lookup_builder *b, const lk_add *add, bool oversized)
{
  if (b->count >= b->n)
    return lk_fail(b, NETIPC_ERR_OVERFLOW);
  bool apps = b->method == NETIPC_METHOD_APPS_LOOKUP;
  uint64_t p = apps ? NETIPC_APPS_LOOKUP_PLACEHOLDER_LEN
                    : NETIPC_CGROUPS_LOOKUP_PLACEHOLDER_BASE +
                          (uint64_t)add->path.len;
  uint64_t a = netipc__align8(b->cursor);
  if (a + p > b->cap)
    return lk_fail(b, NETIPC_ERR_OVERFLOW);
  uint64_t next = lk_reserve_next(b);
  uint32_t len;
  if (apps)
    len = netipc__apl_placeholder_write(
        b->buf + a,
        oversized ? NETIPC_APPS_LOOKUP_OVERSIZED_ITEM
                  : NETIPC_APPS_LOOKUP_PAYLOAD_EXCEEDED,
        add->apl->pid);
  else
    len = netipc__cgl_placeholder_write(
        b->buf + a,
        oversized ? NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM
                  : NETIPC_CGROUPS_LOOKUP_PAYLOAD_EXCEEDED,
        add->path.ptr, add->path.len);
  lk_commit(b, a, len, next);
  return NETIPC_OK;
}

/* Step 3 for plain strings: no NUL, no NULL pointer with a length. */
static netipc_err
lk_strs_check(const netipc_string_view *strs, size_t nstrs)
{
  for (size_t i = 0; i < nstrs; i++) {
    if (strs[i].ptr == NULL && strs[i].len != 0)
      return NETIPC_ERR_INVALID_ARG;
    if (netipc__has_nul(strs[i].ptr, strs[i].len))
      return NETIPC_ERR_BAD_LAYOUT;
  }
  return NETIPC_OK;
}

/* Step 3: no NUL in any string, label keys non-empty. */
static netipc_err
lk_strings_check(const netipc_string_view *strs, size_t nstrs,
                 const netipc_lookup_label *labels, uint16_t count)
{
  if (count != 0 && labels == NULL)
    return NETIPC_ERR_INVALID_ARG;
  netipc_err err = lk_strs_check(strs, nstrs);
  for (uint16_t i = 0; i < count && err == NETIPC_OK; i++) {
    netipc_string_view pair[2] = {labels[i].key, labels[i].value};
    if (pair[0].len == 0)
      return NETIPC_ERR_BAD_LAYOUT;
    err = lk_strs_check(pair, 2);
  }
  return err;
}

static netipc_err
lk_validate(const lk_add *add)
{
  if (add->cgl != NULL) {
    const netipc_cgroups_lookup_item *it = add->cgl;
    netipc_string_view strs[2] = {add->path, it->name};
    netipc_err err = lk_strings_check(strs, 2, it->labels, it->label_count);
    return err != NETIPC_OK ? err
                            : netipc__cgl_rules(it->status, it->orchestrator,
                                                add->path.len, it->name.len,
                                                it->label_count);
  }
  const netipc_apps_lookup_item *it = add->apl;
  netipc_string_view strs[3] = {it->comm, it->cgroup_path, it->cgroup_name};
  netipc_err err = lk_strings_check(strs, 3, it->labels, it->label_count);
  apl_fields f = {it->status,     it->cgroup_status,   it->orchestrator,
                  it->ppid,       it->uid,             it->starttime,
                  it->comm.len,   it->cgroup_path.len, it->cgroup_name.len,
                  it->label_count};
  return err != NETIPC_OK ? err : netipc__apl_rules(&f);
}

/* Steps 1-7 of 5.2. */
static netipc_err
lk_add_item(netipc_lookup_builder *b, const lk_add *add)
{
  if (b->error != NETIPC_OK)
    return b->error;
  if (b->suffix)
    return lk_placeholder(b, add, false);
  if (b->count >= b->n)
    return lk_fail(b, NETIPC_ERR_OVERFLOW);
  netipc_err err = lk_validate(add);
  if (err != NETIPC_OK)
    return lk_fail(b, err);
  netipc_cgroups_lookup_item cgl;
  if (add->cgl != NULL) {
    cgl = *add->cgl;
    cgl.path = add->path;
  }
  uint64_t s = add->cgl != NULL ? netipc__cgl_item_size(&cgl)
                                : netipc__apl_item_size(add->apl);
  uint64_t a = netipc__align8(b->cursor), e = netipc__align8(a + s);
  uint64_t next = lk_reserve_next(b);
  if (s > UINT32_MAX || a + s > b->cap || e > b->cap || next > b->cap - e) {
    b->suffix = b->count != 0;
    return lk_placeholder(b, add, b->count == 0);
  }
  uint32_t len = add->cgl != NULL ? netipc__cgl_item_write(b->buf + a, &cgl)
                                  : netipc__apl_item_write(b->buf + a, add->apl);
  lk_commit(b, a, len, next);
  return NETIPC_OK;
}

netipc_err
netipc_cgroups_lookup_builder_add(netipc_lookup_builder *b,
                                  const netipc_cgroups_lookup_item *item)
{
  if (b == NULL || item == NULL || b->method != NETIPC_METHOD_CGROUPS_LOOKUP ||
      (item->path.ptr == NULL && item->path.len != 0))
    return NETIPC_ERR_INVALID_ARG;
  lk_add add = {item, NULL, item->path};
  return lk_add_item(b, &add);
}

netipc_err
netipc_cgroups_lookup_builder_add_key(netipc_lookup_builder *b,
                                      const netipc_cgroups_lookup_item *item)
{
  if (b == NULL || item == NULL || b->method != NETIPC_METHOD_CGROUPS_LOOKUP ||
      b->req.payload == NULL)
    return NETIPC_ERR_INVALID_ARG;
  if (b->error != NETIPC_OK)
    return b->error;
  lk_add add = {item, NULL, {NULL, 0}};
  if (netipc_cgroups_lookup_req_path(&b->req, b->count, &add.path) !=
      NETIPC_OK)
    return lk_fail(b, NETIPC_ERR_OVERFLOW); /* no key left: k >= n */
  return lk_add_item(b, &add);
}

netipc_err
netipc_apps_lookup_builder_add(netipc_lookup_builder *b,
                               const netipc_apps_lookup_item *item)
{
  if (b == NULL || item == NULL || b->method != NETIPC_METHOD_APPS_LOOKUP)
    return NETIPC_ERR_INVALID_ARG;
  lk_add add = {NULL, item, {NULL, 0}};
  return lk_add_item(b, &add);
}

netipc_err
netipc_lookup_builder_finish(netipc_lookup_builder *b, size_t *out_len)
{
  if (b == NULL || out_len == NULL)
    return NETIPC_ERR_INVALID_ARG;
  if (b->error != NETIPC_OK)
    return b->error;
  if (b->count != b->n)
    return NETIPC_ERR_BAD_ITEM_COUNT;
  netipc__st16(b->buf + LK_OFF_VERSION, NETIPC_LAYOUT_VERSION);
  netipc__st16(b->buf + LK_OFF_FLAGS, 0);
  netipc__st32(b->buf + LK_OFF_COUNT, b->n);
  netipc__st64(b->buf + LK_OFF_GENERATION, b->generation);
  *out_len = (size_t)b->cursor;
  return NETIPC_OK;
}
