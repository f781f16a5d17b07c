/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lookup-helpers.c - see lookup-helpers.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "lookup-helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service-helpers.h"

static netipc_string_view
sv(const char *s, size_t len)
{
  netipc_string_view v = {s, (uint32_t)len};
  return v;
}

static int
sv_eq(netipc_string_view a, const char *b, size_t len)
{
  return a.ptr != NULL && a.len == len &&
         (len == 0 || memcmp(a.ptr, b, len) == 0) && a.ptr[len] == '\0';
}

/* ---------------------------------------------------------------- */
/* Keys                                                              */
/* ---------------------------------------------------------------- */

uint32_t
lkh_path(uint32_t i, char *buf, size_t cap)
{
  int n = snprintf(buf, cap, "/sys/fs/cgroup/cg-%05u", (unsigned)i);
  size_t len = n > 0 ? (size_t)n : 0;
  size_t extra = i % 7;
  if (len + extra + 1 > cap)
    tp_bail("lkh_path: buffer too small");
  memset(buf + len, 'x', extra);
  len += extra;
  buf[len] = '\0';
  return (uint32_t)len;
}

netipc_string_view *
lkh_paths_new(uint32_t n)
{
  netipc_string_view *v = calloc(n != 0 ? n : 1, sizeof *v);
  if (v == NULL)
    tp_bail("out of memory");
  for (uint32_t i = 0; i < n; i++) {
    char buf[64];
    uint32_t len = lkh_path(i, buf, sizeof buf);
    char *p = malloc(len + 1);
    if (p == NULL)
      tp_bail("out of memory");
    memcpy(p, buf, len + 1);
    v[i] = sv(p, len);
  }
  return v;
}

void
lkh_paths_free(netipc_string_view *paths, uint32_t n)
{
  if (paths == NULL)
    return;
  for (uint32_t i = 0; i < n; i++)
    free((void *)paths[i].ptr);
  free(paths);
}

char *
lkh_long_path(uint32_t len)
{
  char *p = malloc(len + 1);
  if (p == NULL)
    tp_bail("out of memory");
  memset(p, 'L', len);
  p[0] = '/';
  p[len] = '\0';
  return p;
}

/* ---------------------------------------------------------------- */
/* Derived answers                                                   */
/* ---------------------------------------------------------------- */

/* prefix + body + pad 'x' bytes into buf (LKH_STR); returns the length. */
static uint32_t
derive(char *buf, const char *prefix, netipc_string_view body, uint32_t pad)
{
  size_t pl = strlen(prefix);
  if (pad > LKH_PAD_MAX || pl + body.len + pad + 1 > LKH_STR)
    tp_bail("derived string too long");
  memcpy(buf, prefix, pl);
  if (body.len != 0)
    memcpy(buf + pl, body.ptr, body.len);
  memset(buf + pl + body.len, 'x', pad);
  buf[pl + body.len + pad] = '\0';
  return (uint32_t)(pl + body.len + pad);
}

void
lkh_cg_answer_make(lkh_cg_answer *a, netipc_string_view path, uint32_t pad)
{
  memset(&a->item, 0, sizeof a->item);
  uint32_t nl = derive(a->name, "name-", path, pad);
  int n = snprintf(a->len, sizeof a->len, "%u", (unsigned)path.len);
  a->labels[0].key = sv("len", 3);
  a->labels[0].value = sv(a->len, n > 0 ? (size_t)n : 0);
  a->labels[1].key = sv("tag", 3);
  a->labels[1].value = sv("", 0);
  a->item.status = NETIPC_CGROUPS_LOOKUP_KNOWN;
  a->item.orchestrator = NETIPC_ORCHESTRATOR_K8S;
  a->item.path = path;
  a->item.name = sv(a->name, nl);
  a->item.labels = a->labels;
  a->item.label_count = 2;
}

void
lkh_apps_answer_make(lkh_apps_answer *a, uint32_t pid, uint32_t pad)
{
  memset(&a->item, 0, sizeof a->item);
  int cl = snprintf(a->comm, sizeof a->comm, "c%u", (unsigned)pid);
  int pl = snprintf(a->path, sizeof a->path, "/cg/%u", (unsigned)pid);
  int dl = snprintf(a->pid, sizeof a->pid, "%u", (unsigned)pid);
  uint32_t nl = derive(a->name, "n-", sv(a->pid, (size_t)dl), pad);
  a->labels[0].key = sv("pid", 3);
  a->labels[0].value = sv(a->pid, (size_t)dl);
  a->item.status = NETIPC_APPS_LOOKUP_KNOWN;
  a->item.cgroup_status = NETIPC_APPS_CGROUP_KNOWN;
  a->item.orchestrator = NETIPC_ORCHESTRATOR_DOCKER;
  a->item.pid = pid;
  a->item.ppid = pid / 2;
  a->item.uid = pid % 65536;
  a->item.starttime = (uint64_t)pid * 1000003u;
  a->item.comm = sv(a->comm, (size_t)cl);
  a->item.cgroup_path = sv(a->path, (size_t)pl);
  a->item.cgroup_name = sv(a->name, nl);
  a->item.labels = a->labels;
  a->item.label_count = 1;
}

void
lkh_apps_oversized_make(netipc_apps_lookup_item *it, uint32_t pid)
{
  memset(it, 0, sizeof *it);
  it->status = NETIPC_APPS_LOOKUP_OVERSIZED_ITEM;
  it->pid = pid;
  it->uid = NETIPC_APPS_LOOKUP_UID_UNSET;
}

/* ---------------------------------------------------------------- */
/* Checkers                                                          */
/* ---------------------------------------------------------------- */

static int
labels_ok(const netipc_lookup_labels *l, const netipc_lookup_label *want,
          uint16_t count)
{
  if (l->count != count)
    return 0;
  for (uint16_t i = 0; i < count; i++) {
    netipc_lookup_label got;
    if (netipc_lookup_label_get(l, i, &got) != NETIPC_OK ||
        !sv_eq(got.key, want[i].key.ptr, want[i].key.len) ||
        !sv_eq(got.value, want[i].value.ptr, want[i].value.len))
      return 0;
  }
  return 1;
}

int
lkh_cg_item_ok(const netipc_lookup_view *v, uint32_t i,
               netipc_string_view key, uint32_t pad, int oversized)
{
  netipc_cgroups_lookup_item_view it;
  if (netipc_cgroups_lookup_resp_item(v, i, &it) != NETIPC_OK ||
      !sv_eq(it.path, key.ptr, key.len))
    return 0;
  if (oversized)
    return it.status == NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM &&
           it.orchestrator == 0 && it.name.len == 0 && it.labels.count == 0;
  static _Thread_local lkh_cg_answer a;
  lkh_cg_answer_make(&a, key, pad);
  return it.status == NETIPC_CGROUPS_LOOKUP_KNOWN &&
         it.orchestrator == a.item.orchestrator &&
         sv_eq(it.name, a.item.name.ptr, a.item.name.len) &&
         labels_ok(&it.labels, a.labels, a.item.label_count);
}

int
lkh_apps_item_ok(const netipc_lookup_view *v, uint32_t i, uint32_t pid,
                 uint32_t pad, int oversized)
{
  netipc_apps_lookup_item_view it;
  if (netipc_apps_lookup_resp_item(v, i, &it) != NETIPC_OK || it.pid != pid)
    return 0;
  if (oversized)
    return it.status == NETIPC_APPS_LOOKUP_OVERSIZED_ITEM &&
           it.cgroup_status == 0 && it.orchestrator == 0 && it.ppid == 0 &&
           it.uid == NETIPC_APPS_LOOKUP_UID_UNSET && it.starttime == 0 &&
           it.comm.len == 0 && it.cgroup_path.len == 0 &&
           it.cgroup_name.len == 0 && it.labels.count == 0;
  static _Thread_local lkh_apps_answer a;
  lkh_apps_answer_make(&a, pid, pad);
  const netipc_apps_lookup_item *w = &a.item;
  return it.status == w->status && it.cgroup_status == w->cgroup_status &&
         it.orchestrator == w->orchestrator && it.ppid == w->ppid &&
         it.uid == w->uid && it.starttime == w->starttime &&
         sv_eq(it.comm, w->comm.ptr, w->comm.len) &&
         sv_eq(it.cgroup_path, w->cgroup_path.ptr, w->cgroup_path.len) &&
         sv_eq(it.cgroup_name, w->cgroup_name.ptr, w->cgroup_name.len) &&
         labels_ok(&it.labels, a.labels, w->label_count);
}

/* Both first_bad checkers: the items against keys (CGROUPS_LOOKUP) or
   pids (apps). */
static uint32_t
first_bad(const netipc_lookup_view *v, int apps,
          const netipc_string_view *keys, const uint32_t *pids, uint32_t n,
          uint32_t pad, uint32_t oversized_at)
{
  if (v->item_count != n)
    return 0;
  for (uint32_t i = 0; i < n; i++)
    if (apps ? !lkh_apps_item_ok(v, i, pids[i], pad, i == oversized_at)
             : !lkh_cg_item_ok(v, i, keys[i], pad, i == oversized_at))
      return i;
  return n;
}

uint32_t
lkh_cg_first_bad(const netipc_lookup_view *v, const netipc_string_view *keys,
                 uint32_t n, uint32_t pad, uint32_t oversized_at)
{
  return first_bad(v, 0, keys, NULL, n, pad, oversized_at);
}

uint32_t
lkh_apps_first_bad(const netipc_lookup_view *v, const uint32_t *pids,
                   uint32_t n, uint32_t pad, uint32_t oversized_at)
{
  return first_bad(v, 1, NULL, pids, n, pad, oversized_at);
}

/* ---------------------------------------------------------------- */
/* The instrumented provider                                         */
/* ---------------------------------------------------------------- */

void
lkh_state_init(lkh_state *st, uint64_t generation)
{
  memset(st, 0, sizeof *st);
  st->generation = generation;
  st->lock = tp_mutex_new();
}

void
lkh_state_destroy(lkh_state *st)
{
  netipc__mutex_destroy(st->lock);
  st->lock = NULL;
}

lkh_record
lkh_record_get(lkh_state *st, uint32_t i)
{
  lkh_record r;
  memset(&r, 0, sizeof r);
  netipc__mutex_lock(st->lock);
  if (i < st->nrec)
    r = st->rec[i];
  netipc__mutex_unlock(st->lock);
  return r;
}

uint32_t
lkh_record_count(lkh_state *st)
{
  netipc__mutex_lock(st->lock);
  uint32_t n = st->nrec;
  netipc__mutex_unlock(st->lock);
  return n;
}

static void
enter(lkh_state *st)
{
  unsigned in = atomic_fetch_add(&st->inside, 1) + 1;
  unsigned max = atomic_load(&st->max_inside);
  while (in > max && !atomic_compare_exchange_weak(&st->max_inside, &max, in))
    ;
  if (atomic_load(&st->rendezvous)) {
    uint64_t end = tp_now_ms() + 3000;
    while (atomic_load(&st->calls) < 2 && tp_now_ms() < end)
      tp_sleep_ms(1);
    if (atomic_load(&st->calls) < 2)
      atomic_fetch_add(&st->rendezvous_missed, 1);
  }
  unsigned ms = atomic_load(&st->sleep_ms);
  if (ms != 0)
    tp_sleep_ms(ms);
}

static netipc_err
add_cg(lkh_state *st, const netipc_lookup_req_view *req, uint32_t i,
       netipc_lookup_builder *b, uint32_t pad, lkh_record *r)
{
  netipc_string_view path;
  netipc_err err = netipc_cgroups_lookup_req_path(req, i, &path);
  if (err != NETIPC_OK)
    return err;
  if (i == 0) {
    size_t n = path.len < LKH_KEY_COPY ? path.len : LKH_KEY_COPY;
    memcpy(r->first_path, path.ptr, n);
    r->first_path[n] = '\0';
  }
  if (st->oversized_path[0] != '\0' &&
      sv_eq(path, st->oversized_path, strlen(st->oversized_path))) {
    netipc_cgroups_lookup_item it;
    memset(&it, 0, sizeof it);
    it.status = NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM;
    return netipc_cgroups_lookup_builder_add_key(b, &it);
  }
  lkh_cg_answer *a = malloc(sizeof *a);
  if (a == NULL)
    return NETIPC_ERR_NOMEM;
  lkh_cg_answer_make(a, path, pad);
  err = netipc_cgroups_lookup_builder_add_key(b, &a->item);
  free(a);
  return err;
}

static netipc_err
add_apps(lkh_state *st, const netipc_lookup_req_view *req, uint32_t i,
         netipc_lookup_builder *b, uint32_t pad, lkh_record *r)
{
  uint32_t pid;
  netipc_err err = netipc_apps_lookup_req_pid(req, i, &pid);
  if (err != NETIPC_OK)
    return err;
  if (i == 0)
    r->first_pid = pid;
  unsigned over = atomic_load(&st->oversized_pid);
  if (over != 0 && pid == over) {
    netipc_apps_lookup_item it;
    lkh_apps_oversized_make(&it, pid);
    return netipc_apps_lookup_builder_add(b, &it);
  }
  lkh_apps_answer *a = malloc(sizeof *a);
  if (a == NULL)
    return NETIPC_ERR_NOMEM;
  lkh_apps_answer_make(a, pid, pad);
  err = netipc_apps_lookup_builder_add(b, &a->item);
  free(a);
  return err;
}

int
lkh_handler(void *user, const netipc_lookup_req_view *req,
            netipc_lookup_builder *b)
{
  lkh_state *st = user;
  atomic_fetch_add(&st->calls, 1);
  atomic_fetch_add(&st->keys, req->item_count);
  enter(st);
  lkh_record r;
  memset(&r, 0, sizeof r);
  r.count = req->item_count;
  r.exceeded_at = req->item_count;
  uint32_t pad = atomic_load(&st->name_pad);
  netipc_lookup_builder_set_generation(b, st->generation);
  int rc = 0;
  for (uint32_t i = 0; i < req->item_count; i++) {
    netipc_err err = req->method == NETIPC_METHOD_APPS_LOOKUP
                         ? add_apps(st, req, i, b, pad, &r)
                         : add_cg(st, req, i, b, pad, &r);
    if (err != NETIPC_OK) {
      rc = -1;
      break;
    }
    /* The builder switched to its PAYLOAD_EXCEEDED suffix at this key. */
    if (b->suffix && r.exceeded_at == req->item_count)
      r.exceeded_at = i;
  }
  netipc__mutex_lock(st->lock);
  if (st->nrec < LKH_MAX_RECORD)
    st->rec[st->nrec++] = r;
  netipc__mutex_unlock(st->lock);
  atomic_fetch_sub(&st->inside, 1);
  return rc;
}

netipc_server *
lkh_server_start(const char *dir, const char *svc, uint16_t method,
                 lkh_state *st, uint32_t rq, uint32_t rs, uint32_t profiles)
{
  netipc_server_config cfg;
  svc_server_config(&cfg, dir, svc, method, NULL);
  cfg.cgroups_lookup = lkh_handler;
  cfg.apps_lookup = lkh_handler;
  cfg.user = st;
  cfg.max_request_payload_bytes = rq;
  cfg.max_response_payload_bytes = rs;
  cfg.supported_profiles = profiles;
  if (profiles & NETIPC_PROFILE_SHM_HYBRID)
    cfg.preferred_profiles = NETIPC_PROFILE_SHM_HYBRID;
  return svc_server_start(&cfg);
}
