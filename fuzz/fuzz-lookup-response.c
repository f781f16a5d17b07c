/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz the CGROUPS_LOOKUP / APPS_LOOKUP response decoders (lookups.md 4.5).
 * Input byte 0 selects the method (even: CGROUPS_LOOKUP, odd: APPS_LOOKUP),
 * the rest is the response payload. The decoder's verdict must be that of
 * the spec model in lookup-model.h; an accepted response is walked item by
 * item (views, item bytes, every label) and rebuilt with
 * netipc_lookup_builder_init_slots, which must give the canonical layout
 * with the same content.
 */
#include "config.h"

#include "lookup-model.h"

volatile uint32_t fuzz_sink;

/* Rebuilds larger than this are skipped. */
#define REBUILD_MAX ((uint64_t)16 << 20)

/* One decoded item, whichever the method. */
typedef struct item {
  const uint8_t *bytes;
  uint32_t len;
  netipc_cgroups_lookup_item_view cg;
  netipc_apps_lookup_item_view apps;
  netipc_lookup_label *labels; /* labels.count entries */
  uint16_t label_count;
  uint64_t canon_size;
  int canon_strings; /* the fixed strings are at their canonical offsets */
} item;

static uint32_t
str_off(const item *it, netipc_string_view s)
{
  return (uint32_t)((const uint8_t *)s.ptr - it->bytes);
}

/* The labels of one item: get each, check the 2.3 packing, touch it. */
static uint32_t
walk_labels(item *it, const netipc_lookup_labels *l, uint64_t e)
{
  const uint8_t *lo = it->bytes, *hi = it->bytes + it->len;
  uint32_t sum = 0;
  FUZZ_CHECK(l->item == it->bytes);
  FUZZ_CHECK(l->count == it->label_count);
  if (l->count != 0)
    FUZZ_CHECK(l->table == fl_align8(e));
  uint64_t x =
      fl_align8(e) + NETIPC_LOOKUP_LABEL_ENTRY_LEN * (uint64_t)l->count;
  for (uint32_t j = 0; j < l->count; j++) {
    netipc_lookup_label lab;
    FUZZ_CHECK(netipc_lookup_label_get(l, (uint16_t)j, &lab) == NETIPC_OK);
    FUZZ_CHECK(lab.key.len >= 1);
    sum += fl_check_str(lab.key, lo, hi) + fl_check_str(lab.value, lo, hi);
    /* Packed without gaps in table order (2.3). */
    FUZZ_CHECK((const uint8_t *)lab.key.ptr == it->bytes + x);
    x += (uint64_t)lab.key.len + 1;
    FUZZ_CHECK((const uint8_t *)lab.value.ptr == it->bytes + x);
    x += (uint64_t)lab.value.len + 1;
    it->labels[j] = lab;
  }
  FUZZ_CHECK(l->count == 0 ? e == it->len : x == it->len);
  netipc_lookup_label lab;
  FUZZ_CHECK(netipc_lookup_label_get(l, l->count, &lab) ==
             NETIPC_ERR_OUT_OF_BOUNDS);
  return sum;
}

static uint32_t
check_cgroups_item(item *it)
{
  const netipc_cgroups_lookup_item_view *c = &it->cg;
  const uint8_t *b = it->bytes, *lo = b, *hi = b + it->len;
  /* The view reads the header fields as they are on the wire. */
  FUZZ_CHECK(c->status == fuzz_ld16(b + 2) && c->orchestrator == fuzz_ld16(b + 4));
  FUZZ_CHECK(c->status <= NETIPC_CGROUPS_LOOKUP_STATUS_MAX);
  FUZZ_CHECK(c->path.len >= 1);
  uint32_t sum = fl_check_str(c->path, lo, hi) + fl_check_str(c->name, lo, hi);
  FUZZ_CHECK(str_off(it, c->path) == fuzz_ld32(b + 8) &&
             c->path.len == fuzz_ld32(b + 12));
  FUZZ_CHECK(str_off(it, c->name) == fuzz_ld32(b + 16) &&
             c->name.len == fuzz_ld32(b + 20));
  FUZZ_CHECK(str_off(it, c->path) >= NETIPC_CGROUPS_LOOKUP_ITEM_HDR_LEN &&
             str_off(it, c->name) >= NETIPC_CGROUPS_LOOKUP_ITEM_HDR_LEN);
  FUZZ_CHECK(!fl_overlap(str_off(it, c->path), c->path.len,
                         str_off(it, c->name), c->name.len));
  if (c->status != NETIPC_CGROUPS_LOOKUP_KNOWN)
    FUZZ_CHECK(c->orchestrator == 0 && c->name.len == 0 &&
               c->labels.count == 0);
  it->label_count = c->labels.count;
  uint64_t e = fl_str_end(str_off(it, c->path), c->path.len);
  if (fl_str_end(str_off(it, c->name), c->name.len) > e)
    e = fl_str_end(str_off(it, c->name), c->name.len);
  it->labels = malloc(sizeof *it->labels * (it->label_count + 1u));
  FUZZ_CHECK(it->labels != NULL);
  sum += walk_labels(it, &c->labels, e);
  it->canon_size = fl_cgroups_item_size(c->path.len, c->name.len, it->labels,
                                        it->label_count);
  it->canon_strings =
      str_off(it, c->path) == NETIPC_CGROUPS_LOOKUP_ITEM_HDR_LEN &&
      str_off(it, c->name) ==
          NETIPC_CGROUPS_LOOKUP_ITEM_HDR_LEN + c->path.len + 1;
  return sum;
}

static uint32_t
check_apps_item(item *it)
{
  const netipc_apps_lookup_item_view *a = &it->apps;
  const uint8_t *b = it->bytes, *lo = b, *hi = b + it->len;
  FUZZ_CHECK(a->status == fuzz_ld16(b + 2) && a->orchestrator == fuzz_ld16(b + 4) &&
             a->cgroup_status == fuzz_ld16(b + 6));
  FUZZ_CHECK(a->pid == fuzz_ld32(b + 8) && a->ppid == fuzz_ld32(b + 12) &&
             a->uid == fuzz_ld32(b + 16) && a->starttime == fuzz_ld64(b + 24));
  FUZZ_CHECK(a->status <= NETIPC_APPS_LOOKUP_STATUS_MAX &&
             a->cgroup_status <= NETIPC_APPS_CGROUP_STATUS_MAX);
  FUZZ_CHECK(a->comm.len <= NETIPC_APPS_LOOKUP_COMM_MAX);
  const netipc_string_view *s[3] = {&a->comm, &a->cgroup_path,
                                    &a->cgroup_name};
  uint32_t sum = 0;
  uint64_t e = 0;
  for (int i = 0; i < 3; i++) {
    sum += fl_check_str(*s[i], lo, hi);
    FUZZ_CHECK(str_off(it, *s[i]) == fuzz_ld32(b + 32 + 8 * i) &&
               s[i]->len == fuzz_ld32(b + 36 + 8 * i));
    FUZZ_CHECK(str_off(it, *s[i]) >= NETIPC_APPS_LOOKUP_ITEM_HDR_LEN);
    if (fl_str_end(str_off(it, *s[i]), s[i]->len) > e)
      e = fl_str_end(str_off(it, *s[i]), s[i]->len);
    for (int j = 0; j < i; j++)
      FUZZ_CHECK(!fl_overlap(str_off(it, *s[i]), s[i]->len,
                             str_off(it, *s[j]), s[j]->len));
  }
  if (a->status != NETIPC_APPS_LOOKUP_KNOWN) {
    FUZZ_CHECK(a->cgroup_status == 0 && a->orchestrator == 0 &&
               a->ppid == 0 && a->starttime == 0 &&
               a->uid == NETIPC_APPS_LOOKUP_UID_UNSET && a->comm.len == 0 &&
               a->cgroup_path.len == 0 && a->cgroup_name.len == 0 &&
               a->labels.count == 0);
  } else {
    FUZZ_CHECK(a->comm.len >= 1);
    if (a->cgroup_status != NETIPC_APPS_CGROUP_KNOWN)
      FUZZ_CHECK(a->orchestrator == 0 && a->cgroup_name.len == 0 &&
                 a->labels.count == 0);
  }
  it->label_count = a->labels.count;
  it->labels = malloc(sizeof *it->labels * (it->label_count + 1u));
  FUZZ_CHECK(it->labels != NULL);
  sum += walk_labels(it, &a->labels, e);
  it->canon_size =
      fl_apps_item_size(a->comm.len, a->cgroup_path.len, a->cgroup_name.len,
                        it->labels, it->label_count);
  uint32_t h = NETIPC_APPS_LOOKUP_ITEM_HDR_LEN;
  it->canon_strings =
      str_off(it, a->comm) == h &&
      str_off(it, a->cgroup_path) == h + a->comm.len + 1 &&
      str_off(it, a->cgroup_name) ==
          h + a->comm.len + 1 + a->cgroup_path.len + 1;
  return sum;
}

static int
same_labels(netipc_lookup_labels l, const item *it)
{
  if (l.count != it->label_count)
    return 0;
  for (uint32_t j = 0; j < l.count; j++) {
    netipc_lookup_label lab;
    if (netipc_lookup_label_get(&l, (uint16_t)j, &lab) != NETIPC_OK ||
        !fl_same(lab.key, it->labels[j].key.ptr, it->labels[j].key.len) ||
        !fl_same(lab.value, it->labels[j].value.ptr, it->labels[j].value.len))
      return 0;
  }
  return 1;
}

/*
 * Rebuild the response with the slots builder (no look-ahead) into an
 * 8-rounded canonical capacity; the result must be the canonical layout of
 * the same content, and byte-identical where the input was canonical.
 */
static void
rebuild(const netipc_lookup_view *v, const uint8_t *in, size_t in_len,
        const item *items)
{
  uint32_t n = v->item_count;
  uint64_t pa = NETIPC_LOOKUP_HDR_LEN + 8 * (uint64_t)n, end = 0;
  for (uint32_t i = 0; i < n; i++)
    end = (i == 0 ? 0 : fl_align8(end)) + items[i].canon_size;
  uint64_t total = pa + end;
  if (total > REBUILD_MAX)
    return;
  size_t cap = (size_t)fl_align8(total);
  uint8_t *out = fuzz_alloc(cap);
  memset(out, 0xA5, cap); /* gaps the builder forgets to zero show */

  netipc_lookup_builder b;
  FUZZ_CHECK(netipc_lookup_builder_init_slots(&b, v->method, out, cap, n) ==
             NETIPC_OK);
  netipc_lookup_builder_set_generation(&b, v->generation);
  for (uint32_t i = 0; i < n; i++) {
    const item *it = &items[i];
    if (v->method == NETIPC_METHOD_CGROUPS_LOOKUP) {
      netipc_cgroups_lookup_item ci = {
          .status = it->cg.status,
          .orchestrator = it->cg.orchestrator,
          .path = it->cg.path,
          .name = it->cg.name,
          .labels = it->labels,
          .label_count = it->label_count,
      };
      FUZZ_CHECK(netipc_cgroups_lookup_builder_add(&b, &ci) == NETIPC_OK);
    } else {
      netipc_apps_lookup_item ai = {
          .status = it->apps.status,
          .cgroup_status = it->apps.cgroup_status,
          .orchestrator = it->apps.orchestrator,
          .pid = it->apps.pid,
          .ppid = it->apps.ppid,
          .uid = it->apps.uid,
          .starttime = it->apps.starttime,
          .comm = it->apps.comm,
          .cgroup_path = it->apps.cgroup_path,
          .cgroup_name = it->apps.cgroup_name,
          .labels = it->labels,
          .label_count = it->label_count,
      };
      FUZZ_CHECK(netipc_apps_lookup_builder_add(&b, &ai) == NETIPC_OK);
    }
  }
  size_t out_len = 0;
  FUZZ_CHECK(netipc_lookup_builder_finish(&b, &out_len) == NETIPC_OK);
  FUZZ_CHECK(out_len == total);
  FL_CHECK_ERR(fl_model_resp(v->method, out, out_len), NETIPC_OK);

  netipc_lookup_view w;
  FUZZ_CHECK((v->method == NETIPC_METHOD_CGROUPS_LOOKUP
                  ? netipc_cgroups_lookup_resp_decode(out, out_len, &w)
                  : netipc_apps_lookup_resp_decode(out, out_len, &w)) ==
             NETIPC_OK);
  FUZZ_CHECK(w.item_count == n && w.generation == v->generation &&
             w.method == v->method);

  int canonical = in_len == total;
  uint64_t prev_end = 0;
  for (uint32_t i = 0; i < n; i++) {
    const item *it = &items[i];
    const void *ib;
    uint32_t il;
    FUZZ_CHECK(netipc_lookup_resp_item_bytes(&w, i, &ib, &il) == NETIPC_OK);
    FUZZ_CHECK(il == it->canon_size);
    uint64_t off = (const uint8_t *)ib - out - pa;
    FUZZ_CHECK(off == (i == 0 ? 0 : fl_align8(prev_end)));
    for (uint64_t g = prev_end; g < off; g++)
      FUZZ_CHECK(out[pa + g] == 0);
    /* An item whose strings were canonical comes back byte for byte. */
    if (it->canon_strings) {
      FUZZ_CHECK(il == it->len && memcmp(ib, it->bytes, il) == 0);
    } else {
      canonical = 0;
    }
    if ((uint64_t)(it->bytes - in) != pa + off)
      canonical = 0;
    for (uint64_t g = prev_end; g < off && canonical; g++)
      if (in[pa + g] != 0)
        canonical = 0;
    prev_end = off + il;

    if (v->method == NETIPC_METHOD_CGROUPS_LOOKUP) {
      netipc_cgroups_lookup_item_view c;
      FUZZ_CHECK(netipc_cgroups_lookup_resp_item(&w, i, &c) == NETIPC_OK);
      FUZZ_CHECK(c.status == it->cg.status &&
                 c.orchestrator == it->cg.orchestrator);
      FUZZ_CHECK(fl_same(c.path, it->cg.path.ptr, it->cg.path.len));
      FUZZ_CHECK(fl_same(c.name, it->cg.name.ptr, it->cg.name.len));
      FUZZ_CHECK(same_labels(c.labels, it));
    } else {
      netipc_apps_lookup_item_view a;
      FUZZ_CHECK(netipc_apps_lookup_resp_item(&w, i, &a) == NETIPC_OK);
      FUZZ_CHECK(a.status == it->apps.status &&
                 a.cgroup_status == it->apps.cgroup_status &&
                 a.orchestrator == it->apps.orchestrator &&
                 a.pid == it->apps.pid && a.ppid == it->apps.ppid &&
                 a.uid == it->apps.uid &&
                 a.starttime == it->apps.starttime);
      FUZZ_CHECK(fl_same(a.comm, it->apps.comm.ptr, it->apps.comm.len));
      FUZZ_CHECK(fl_same(a.cgroup_path, it->apps.cgroup_path.ptr,
                         it->apps.cgroup_path.len));
      FUZZ_CHECK(fl_same(a.cgroup_name, it->apps.cgroup_name.ptr,
                         it->apps.cgroup_name.len));
      FUZZ_CHECK(same_labels(a.labels, it));
    }
  }
  /* A canonical input (every reference response is) is reproduced. */
  if (canonical)
    FUZZ_CHECK(memcmp(out, in, total) == 0);
  free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size == 0)
    return 0;
  uint16_t method = fl_method(data[0]);
  int cg = method == NETIPC_METHOD_CGROUPS_LOOKUP;
  size_t len = size - 1;
  uint8_t *buf = fuzz_dup(data + 1, len);

  netipc_lookup_view v;
  netipc_err err = cg ? netipc_cgroups_lookup_resp_decode(buf, len, &v)
                      : netipc_apps_lookup_resp_decode(buf, len, &v);
  FL_CHECK_ERR(err, fl_model_resp(method, buf, len));
  if (err != NETIPC_OK) {
    free(buf);
    return 0;
  }
  FUZZ_CHECK(v.payload == buf && v.payload_len == len && v.method == method);
  FUZZ_CHECK(v.item_count == fuzz_ld32(buf + 4) &&
             v.generation == fuzz_ld64(buf + 8));
  uint64_t pa = NETIPC_LOOKUP_HDR_LEN + 8 * (uint64_t)v.item_count;
  FUZZ_CHECK(pa <= len);

  item *items = calloc(v.item_count + 1u, sizeof *items);
  FUZZ_CHECK(items != NULL);
  uint32_t sum = 0;
  for (uint32_t i = 0; i < v.item_count; i++) {
    item *it = &items[i];
    const void *ib = NULL;
    uint32_t il = 0;
    FUZZ_CHECK(netipc_lookup_resp_item_bytes(&v, i, &ib, &il) == NETIPC_OK);
    it->bytes = ib;
    it->len = il;
    /* Exactly as the directory entry delimits it. */
    FUZZ_CHECK(it->bytes == buf + pa + fuzz_ld32(buf + 16 + 8 * (size_t)i));
    FUZZ_CHECK(il == fuzz_ld32(buf + 20 + 8 * (size_t)i));
    FUZZ_CHECK((uint64_t)(it->bytes - buf) + il <= len);
    FUZZ_CHECK(il >= (cg ? NETIPC_CGROUPS_LOOKUP_ITEM_HDR_LEN
                         : NETIPC_APPS_LOOKUP_ITEM_HDR_LEN));
    sum += fuzz_touch(it->bytes, il);
    if (cg) {
      netipc_apps_lookup_item_view wrong;
      FUZZ_CHECK(netipc_apps_lookup_resp_item(&v, i, &wrong) ==
                 NETIPC_ERR_INVALID_ARG);
      FUZZ_CHECK(netipc_cgroups_lookup_resp_item(&v, i, &it->cg) ==
                 NETIPC_OK);
      sum += check_cgroups_item(it);
    } else {
      netipc_cgroups_lookup_item_view wrong;
      FUZZ_CHECK(netipc_cgroups_lookup_resp_item(&v, i, &wrong) ==
                 NETIPC_ERR_INVALID_ARG);
      FUZZ_CHECK(netipc_apps_lookup_resp_item(&v, i, &it->apps) == NETIPC_OK);
      sum += check_apps_item(it);
    }
  }
  fuzz_sink += sum;
  const void *ib;
  uint32_t il;
  FUZZ_CHECK(netipc_lookup_resp_item_bytes(&v, v.item_count, &ib, &il) ==
             NETIPC_ERR_OUT_OF_BOUNDS);
  if (cg) {
    netipc_cgroups_lookup_item_view c;
    FUZZ_CHECK(netipc_cgroups_lookup_resp_item(&v, v.item_count, &c) ==
               NETIPC_ERR_OUT_OF_BOUNDS);
  } else {
    netipc_apps_lookup_item_view a;
    FUZZ_CHECK(netipc_apps_lookup_resp_item(&v, v.item_count, &a) ==
               NETIPC_ERR_OUT_OF_BOUNDS);
  }

  rebuild(&v, buf, len, items);
  for (uint32_t i = 0; i < v.item_count; i++)
    free(items[i].labels);
  free(items);
  free(buf);
  return 0;
}
