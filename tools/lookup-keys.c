/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The keys of one logical lookup (`netipc cgroups-lookup`, `apps-lookup`
 * and their bench scenarios): from the command line, from a file, or made
 * up for the bench; the logical call itself; and the check that an answer
 * has one item per key, each echoing its key (lookups.md 8.3).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netipc-tool.h"

#define KEYS_INITIAL_CAP 64u
/* The keys `bench` makes: paths /sys/fs/cgroup/bench/cg-NNN, PIDs from
 * 1000 on (above the PIDs of early system processes). */
#define BENCH_PATH_FORMAT "/sys/fs/cgroup/bench/cg-%03zu"
#define BENCH_PATH_MAX 64
#define BENCH_FIRST_PID 1000u

void
nt_lookup_keys_init(nt_lookup_keys *k, uint16_t method)
{
  memset(k, 0, sizeof *k);
  k->method = method;
}

static bool
is_cgroups(const nt_lookup_keys *k)
{
  return k->method == NETIPC_METHOD_CGROUPS_LOOKUP;
}

static bool
grow(nt_lookup_keys *k)
{
  if (k->count < k->cap)
    return true;
  size_t cap = k->cap ? k->cap * 2 : KEYS_INITIAL_CAP;
  if (is_cgroups(k)) {
    netipc_string_view *p = realloc(k->paths, cap * sizeof *p);
    if (p == NULL)
      return false;
    k->paths = p;
  } else {
    uint32_t *p = realloc(k->pids, cap * sizeof *p);
    if (p == NULL)
      return false;
    k->pids = p;
  }
  k->cap = cap;
  return true;
}

/* Append a path (copied) or a PID. False when out of memory. */
static bool
push_path(nt_lookup_keys *k, const char *path, size_t len)
{
  char *copy = malloc(len + 1);
  if (copy == NULL || !grow(k)) {
    free(copy);
    return false;
  }
  memcpy(copy, path, len);
  copy[len] = '\0';
  k->paths[k->count].ptr = copy;
  k->paths[k->count].len = (uint32_t)len;
  k->count++;
  return true;
}

static bool
push_pid(nt_lookup_keys *k, uint32_t pid)
{
  if (!grow(k))
    return false;
  k->pids[k->count++] = pid;
  return true;
}

int
nt_lookup_keys_arg(nt_lookup_keys *k, const char *arg)
{
  uint64_t pid;
  if (is_cgroups(k)) {
    if (arg[0] == '\0')
      return nt_usage_error("cgroups-lookup: empty path (a path has at "
                            "least one byte)");
    if (!push_path(k, arg, strlen(arg)))
      return nt_error("out of memory");
  } else {
    if (!nt_parse_u64(arg, 0, UINT32_MAX, &pid))
      return nt_usage_error("apps-lookup: invalid PID '%s' (expected a "
                            "number up to %u)",
                            arg, UINT32_MAX);
    if (!push_pid(k, (uint32_t)pid))
      return nt_error("out of memory");
  }
  return NT_EXIT_OK;
}

/* One line: its first tab-separated field is the key. The analyzer
 * bracket: see netipc-tool.h (push_path's copy, in k->paths). */
NT_GCC_ANALYZER_REALLOC_FP_BEGIN
static int
key_line(nt_lookup_keys *k, const nt_tsv_reader *r, char *line)
{
  line[strcspn(line, "\t")] = '\0';
  size_t len = strlen(line);
  if (!nt_tsv_decode(line, &len))
    return nt_tsv_error(r, "NUL byte (\\x00) in the key");
  uint64_t pid;
  if (is_cgroups(k)) {
    if (len == 0)
      return nt_tsv_error(r, "empty path (a path has at least one byte)");
    if (!push_path(k, line, len))
      return nt_error("out of memory");
  } else {
    if (!nt_parse_u64(line, 0, UINT32_MAX, &pid))
      return nt_tsv_error(r, "invalid PID '%s' (expected a number up to "
                          "%u)",
                          line, UINT32_MAX);
    if (!push_pid(k, (uint32_t)pid))
      return nt_error("out of memory");
  }
  return NT_EXIT_OK;
}
NT_GCC_ANALYZER_REALLOC_FP_END

int
nt_lookup_keys_file(nt_lookup_keys *k, const char *file)
{
  nt_tsv_reader r;
  if (!nt_tsv_open(&r, file))
    return NT_EXIT_FAIL;
  int rc = NT_EXIT_OK, got;
  char *line;
  size_t len;
  while (rc == NT_EXIT_OK && (got = nt_tsv_next(&r, &line, &len)) > 0)
    rc = key_line(k, &r, line);
  if (rc == NT_EXIT_OK && got < 0)
    rc = NT_EXIT_FAIL;
  nt_tsv_close(&r);
  return rc;
}

NT_GCC_ANALYZER_REALLOC_FP_BEGIN /* as for key_line */
int
nt_lookup_keys_generate(nt_lookup_keys *k, size_t n)
{
  char path[BENCH_PATH_MAX];
  for (size_t i = 0; i < n; i++) {
    bool ok;
    if (is_cgroups(k)) {
      int len = snprintf(path, sizeof path, BENCH_PATH_FORMAT, i);
      ok = len > 0 && push_path(k, path, (size_t)len);
    } else {
      ok = push_pid(k, (uint32_t)(BENCH_FIRST_PID + i));
    }
    if (!ok)
      return nt_error("out of memory");
  }
  return NT_EXIT_OK;
}
NT_GCC_ANALYZER_REALLOC_FP_END

void
nt_lookup_keys_truncate(nt_lookup_keys *k, size_t n)
{
  for (size_t i = n; is_cgroups(k) && i < k->count; i++)
    free((void *)k->paths[i].ptr);
  k->count = n;
}

void
nt_lookup_keys_free(nt_lookup_keys *k)
{
  nt_lookup_keys_truncate(k, 0);
  free(k->paths);
  free(k->pids);
  memset(k, 0, sizeof *k);
}

/* ---- the call ----------------------------------------------------------- */

const char *
nt_lookup_service(const nt_options *o, uint16_t method)
{
  if (o->service != NULL)
    return o->service;
  return method == NETIPC_METHOD_CGROUPS_LOOKUP ? NETIPC_CGROUPS_LOOKUP_SERVICE
                                                : NETIPC_APPS_LOOKUP_SERVICE;
}

int
nt_lookup_call(const nt_options *o, netipc_client *c, const nt_lookup_keys *k,
               netipc_lookup_view *view)
{
  netipc_err err =
      is_cgroups(k)
          ? netipc_client_cgroups_lookup(c, k->paths, k->count, 0, view)
          : netipc_client_apps_lookup(c, k->pids, k->count, 0, view);
  if (err != NETIPC_OK)
    return nt_client_fail(o, nt_lookup_service(o, k->method), c, "lookup",
                          err);
  return NT_EXIT_OK;
}

/* Item i echoes key i. */
static bool
echoes(const nt_lookup_keys *k, const netipc_lookup_view *v, uint32_t i)
{
  if (is_cgroups(k)) {
    netipc_cgroups_lookup_item_view it;
    return netipc_cgroups_lookup_resp_item(v, i, &it) == NETIPC_OK &&
           it.path.len == k->paths[i].len &&
           memcmp(it.path.ptr, k->paths[i].ptr, it.path.len) == 0;
  }
  netipc_apps_lookup_item_view it;
  return netipc_apps_lookup_resp_item(v, i, &it) == NETIPC_OK &&
         it.pid == k->pids[i];
}

int
nt_lookup_check(const nt_lookup_keys *k, const netipc_lookup_view *v)
{
  if (v->item_count != k->count)
    return nt_error("bench: wrong answer: %u items for %zu keys",
                    v->item_count, k->count);
  for (uint32_t i = 0; i < v->item_count; i++)
    if (!echoes(k, v, i))
      return nt_error("bench: wrong answer: item %u does not echo its key",
                      i);
  return NT_EXIT_OK;
}
