/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `netipc snapshot [--json]` and `netipc lookup --name NAME [--hash H]`:
 * one refresh of the Level 3 cache (which validates every item), then
 * print the snapshot as TSV (the --from-file format) or JSON, or the one
 * item found by (hash, name).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netipc/cache.h>

#include "netipc-tool.h"

typedef struct nt_snapshot {
  uint64_t generation;
  uint32_t systemd_enabled;
  uint32_t count;
  netipc_cgroups_item_view *items; /* views into the guarded snapshot */
  netipc_cache *cache;
  netipc_cache_guard guard;
} nt_snapshot;

static void
snapshot_release(nt_snapshot *s)
{
  free(s->items);
  netipc_cache_read_end(&s->guard);
  netipc_cache_destroy(s->cache);
  memset(s, 0, sizeof *s);
}

static netipc_cgroups_item_view
snapshot_view(const netipc_cache_item *it)
{
  netipc_cgroups_item_view v;
  v.hash = it->hash;
  v.options = it->options;
  v.enabled = it->enabled;
  v.name.ptr = it->name;
  v.name.len = it->name_len;
  v.path.ptr = it->path;
  v.path.len = it->path_len;
  return v;
}

/* Refresh the cache once and take a guard on what it published. */
static int
snapshot_fetch(const nt_options *o, const char *service, nt_snapshot *out)
{
  memset(out, 0, sizeof *out);
  netipc_client_config cfg;
  nt_client_config(o, service, 0, &cfg);
  netipc_err err = netipc_cache_create(&cfg, &out->cache);
  if (err != NETIPC_OK)
    return nt_error("service '%s' in %s: %s", service, o->run_dir,
                    netipc_strerror(err));
  uint64_t shown = 0;
  bool ok = netipc_cache_refresh(out->cache, 0, &err);
  nt_client_verbose(o, service, netipc_cache_client(out->cache), &shown);
  if (!ok) {
    int rc = nt_client_fail(o, service, netipc_cache_client(out->cache),
                            "snapshot", err);
    snapshot_release(out);
    return rc;
  }
  netipc_cache_read_begin(out->cache, &out->guard);
  out->generation = netipc_cache_generation(&out->guard);
  out->systemd_enabled = netipc_cache_systemd_enabled(&out->guard);
  out->count = netipc_cache_count(&out->guard);
  if (out->count > 0) {
    out->items = calloc(out->count, sizeof *out->items);
    if (out->items == NULL) {
      snapshot_release(out);
      return nt_error("out of memory for %u items", out->count);
    }
  }
  for (uint32_t i = 0; i < out->count; i++)
    out->items[i] = snapshot_view(netipc_cache_item_at(&out->guard, i));
  if (o->verbose)
    fprintf(stderr, "netipc: snapshot: %u items, generation %llu\n",
            out->count, (unsigned long long)out->generation);
  return NT_EXIT_OK;
}

static void
print_tsv_item(const netipc_cgroups_item_view *it)
{
  printf("%u\t%u\t%u\t", it->hash, it->options, it->enabled);
  nt_tsv_string(it->name, NT_TSV_PLAIN);
  putchar('\t');
  nt_tsv_string(it->path, NT_TSV_PLAIN);
  putchar('\n');
}

static void
print_tsv(const nt_snapshot *s)
{
  printf("# generation=%llu systemd_enabled=%u items=%u\n",
         (unsigned long long)s->generation, s->systemd_enabled, s->count);
  for (uint32_t i = 0; i < s->count; i++)
    print_tsv_item(&s->items[i]);
}

static void
print_json(const nt_snapshot *s)
{
  printf("{\"generation\":%llu,\"systemd_enabled\":%u,\"items\":[",
         (unsigned long long)s->generation, s->systemd_enabled);
  for (uint32_t i = 0; i < s->count; i++) {
    const netipc_cgroups_item_view *it = &s->items[i];
    printf("%s{\"hash\":%u,\"options\":%u,\"enabled\":%u,\"name\":",
           i ? "," : "", it->hash, it->options, it->enabled);
    nt_json_string(it->name);
    fputs(",\"path\":", stdout);
    nt_json_string(it->path);
    putchar('}');
  }
  fputs("]}\n", stdout);
}

int
nt_cmd_snapshot(const nt_options *o, int argc, char **argv)
{
  /* argv[0] is "snapshot". */
  bool json = false;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0)
      json = true;
    else if (argv[i][0] == '-')
      return nt_usage_error("snapshot: unknown option '%s'", argv[i]);
    else
      return nt_usage_error("snapshot: unexpected argument '%s'", argv[i]);
  }
  const char *service = o->service ? o->service : "cgroups-snapshot";
  nt_snapshot snap;
  int rc = snapshot_fetch(o, service, &snap);
  if (rc != NT_EXIT_OK)
    return rc;
  if (json)
    print_json(&snap);
  else
    print_tsv(&snap);
  snapshot_release(&snap);
  return nt_finish_stdout(NT_EXIT_OK);
}

int
nt_cmd_lookup(const nt_options *o, int argc, char **argv)
{
  /* argv[0] is "lookup". */
  const char *name = NULL;
  uint64_t hash = 0;
  bool have_hash = false;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--name") == 0 && i + 1 < argc) {
      name = argv[++i];
    } else if (strcmp(argv[i], "--hash") == 0 && i + 1 < argc) {
      if (!nt_parse_option_u64("--hash", argv[++i], 0, UINT32_MAX, &hash))
        return NT_EXIT_USAGE;
      have_hash = true;
    } else {
      return nt_usage_error("lookup: unexpected argument '%s'", argv[i]);
    }
  }
  if (name == NULL)
    return nt_usage_error("lookup: --name NAME is required");
  if (!have_hash)
    hash = netipc_simple_hash(name, strlen(name));
  const char *service = o->service ? o->service : "cgroups-snapshot";
  nt_snapshot snap;
  int rc = snapshot_fetch(o, service, &snap);
  if (rc != NT_EXIT_OK)
    return rc;
  const netipc_cache_item *it =
      netipc_cache_lookup(&snap.guard, (uint32_t)hash, name);
  if (it != NULL) {
    netipc_cgroups_item_view v = snapshot_view(it);
    print_tsv_item(&v);
  }
  snapshot_release(&snap);
  if (it == NULL)
    return nt_error("lookup: '%s' (hash %llu) not found", name,
                    (unsigned long long)hash);
  return nt_finish_stdout(NT_EXIT_OK);
}
