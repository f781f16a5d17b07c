/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `netipc cgroups-lookup [--json] [--keys-from FILE] PATH...` and
 * `netipc apps-lookup [--json] [--keys-from FILE] PID...`: one logical
 * lookup (lookups.md 8) of the command line's keys followed by the file's,
 * printed as `# generation=G items=N` and one TSV line per key in request
 * order, in the format `serve ... --from-file` reads (so the output can be
 * served again), or as one line of JSON. The exit status is 0 whenever the
 * call succeeded, whatever the items say.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "netipc-tool.h"

/* ---- printing ----------------------------------------------------------- */

/* A status or orchestrator: its name, or its number when it has none. */
static void
enum_tsv(nt_name_set set, uint16_t value)
{
  const char *name = nt_name_of(set, value);
  if (name != NULL)
    fputs(name, stdout);
  else
    printf("%u", value);
}

static void
enum_json(const char *field, nt_name_set set, uint16_t value)
{
  const char *name = nt_name_of(set, value);
  printf(",\"%s\":", field);
  if (name != NULL)
    printf("\"%s\"", name);
  else
    printf("%u", value);
}

static void
labels_tsv(const netipc_lookup_labels *l)
{
  for (uint16_t i = 0; i < l->count; i++) {
    netipc_lookup_label lab;
    if (netipc_lookup_label_get(l, i, &lab) != NETIPC_OK)
      continue; /* the decoder validated every label */
    putchar('\t');
    nt_tsv_string(lab.key, NT_TSV_LABEL_KEY);
    putchar('=');
    nt_tsv_string(lab.value, NT_TSV_PLAIN);
  }
  putchar('\n');
}

static void
labels_json(const netipc_lookup_labels *l)
{
  fputs(",\"labels\":[", stdout);
  for (uint16_t i = 0; i < l->count; i++) {
    netipc_lookup_label lab;
    if (netipc_lookup_label_get(l, i, &lab) != NETIPC_OK)
      continue;
    fputs(i ? ",[" : "[", stdout);
    nt_json_string(lab.key);
    putchar(',');
    nt_json_string(lab.value);
    putchar(']');
  }
  fputs("]}", stdout);
}

/* One TSV field after a tab. */
static void
tab_string(netipc_string_view s)
{
  putchar('\t');
  nt_tsv_string(s, NT_TSV_PLAIN);
}

static void
cgroups_tsv(const netipc_cgroups_lookup_item_view *it)
{
  nt_tsv_string(it->path, NT_TSV_LINE_START);
  putchar('\t');
  enum_tsv(NT_NAMES_CGROUPS_STATUS, it->status);
  putchar('\t');
  enum_tsv(NT_NAMES_ORCHESTRATOR, it->orchestrator);
  tab_string(it->name);
  labels_tsv(&it->labels);
}

static void
cgroups_json(const netipc_cgroups_lookup_item_view *it)
{
  fputs("{\"path\":", stdout);
  nt_json_string(it->path);
  enum_json("status", NT_NAMES_CGROUPS_STATUS, it->status);
  enum_json("orchestrator", NT_NAMES_ORCHESTRATOR, it->orchestrator);
  fputs(",\"name\":", stdout);
  nt_json_string(it->name);
  labels_json(&it->labels);
}

static void
apps_tsv(const netipc_apps_lookup_item_view *it)
{
  printf("%u\t", it->pid);
  enum_tsv(NT_NAMES_APPS_STATUS, it->status);
  putchar('\t');
  enum_tsv(NT_NAMES_APPS_CGROUP_STATUS, it->cgroup_status);
  putchar('\t');
  enum_tsv(NT_NAMES_ORCHESTRATOR, it->orchestrator);
  printf("\t%u\t", it->ppid);
  if (it->uid == NETIPC_APPS_LOOKUP_UID_UNSET)
    putchar('-');
  else
    printf("%u", it->uid);
  printf("\t%llu", (unsigned long long)it->starttime);
  tab_string(it->comm);
  tab_string(it->cgroup_path);
  tab_string(it->cgroup_name);
  labels_tsv(&it->labels);
}

static void
apps_json(const netipc_apps_lookup_item_view *it)
{
  printf("{\"pid\":%u", it->pid);
  enum_json("status", NT_NAMES_APPS_STATUS, it->status);
  enum_json("cgroup_status", NT_NAMES_APPS_CGROUP_STATUS, it->cgroup_status);
  enum_json("orchestrator", NT_NAMES_ORCHESTRATOR, it->orchestrator);
  printf(",\"ppid\":%u,\"uid\":", it->ppid);
  if (it->uid == NETIPC_APPS_LOOKUP_UID_UNSET)
    fputs("null", stdout);
  else
    printf("%u", it->uid);
  printf(",\"starttime\":%llu,\"comm\":", (unsigned long long)it->starttime);
  nt_json_string(it->comm);
  fputs(",\"cgroup_path\":", stdout);
  nt_json_string(it->cgroup_path);
  fputs(",\"cgroup_name\":", stdout);
  nt_json_string(it->cgroup_name);
  labels_json(&it->labels);
}

/* Item i in the chosen format; false if the view cannot give it (the
 * library validated the whole response, so this is not expected). */
static bool
print_item(const netipc_lookup_view *v, uint32_t i, bool json)
{
  netipc_cgroups_lookup_item_view cg;
  netipc_apps_lookup_item_view app;
  bool cgroups = v->method == NETIPC_METHOD_CGROUPS_LOOKUP;
  netipc_err err = cgroups ? netipc_cgroups_lookup_resp_item(v, i, &cg)
                           : netipc_apps_lookup_resp_item(v, i, &app);
  if (err != NETIPC_OK)
    return false;
  if (cgroups && json)
    cgroups_json(&cg);
  else if (cgroups)
    cgroups_tsv(&cg);
  else if (json)
    apps_json(&app);
  else
    apps_tsv(&app);
  return true;
}

static int
print_view(const netipc_lookup_view *v, bool json)
{
  if (json)
    printf("{\"generation\":%llu,\"items\":[",
           (unsigned long long)v->generation);
  else
    printf("# generation=%llu items=%u\n", (unsigned long long)v->generation,
           v->item_count);
  for (uint32_t i = 0; i < v->item_count; i++) {
    if (json && i > 0)
      putchar(',');
    if (!print_item(v, i, json))
      return nt_error("lookup: item %u cannot be read", i);
  }
  if (json)
    fputs("]}\n", stdout);
  return NT_EXIT_OK;
}

/* ---- the commands ------------------------------------------------------- */

typedef struct lookup_args {
  bool json;
  const char *keys_from;
} lookup_args;

/* Options and argv keys; "--" ends the options (for a path that starts
 * with '-'). */
static int
parse_args(int argc, char **argv, lookup_args *a, nt_lookup_keys *k)
{
  bool options = true;
  int i = 1;
  while (i < argc) {
    const char *arg = argv[i], *v;
    int m = options ? nt_match_value(argc, argv, &i, "--keys-from", &v) : 0;
    if (m < 0)
      return NT_EXIT_USAGE;
    if (m > 0 && a->keys_from != NULL)
      return nt_usage_error("%s: --keys-from given twice", argv[0]);
    if (m > 0) {
      a->keys_from = v;
      continue;
    }
    i++;
    if (options && strcmp(arg, "--json") == 0) {
      a->json = true;
    } else if (options && strcmp(arg, "--") == 0) {
      options = false;
    } else if (options && arg[0] == '-' && arg[1] != '\0') {
      return nt_usage_error("%s: unknown option '%s'", argv[0], arg);
    } else {
      int rc = nt_lookup_keys_arg(k, arg);
      if (rc != NT_EXIT_OK)
        return rc;
    }
  }
  return NT_EXIT_OK;
}

static int
lookup_run(const nt_options *o, const nt_lookup_keys *k, bool json)
{
  const char *service = nt_lookup_service(o, k->method);
  if (k->count > NETIPC_LOOKUP_MAX_ITEMS_DEFAULT)
    return nt_error("%zu keys: one lookup takes at most %u", k->count,
                    NETIPC_LOOKUP_MAX_ITEMS_DEFAULT);
  netipc_client *c = NULL;
  int rc = nt_client_open(o, service, k->method, 0, &c);
  if (rc != NT_EXIT_OK)
    return rc;
  uint64_t shown = 0;
  nt_client_verbose(o, service, c, &shown);
  netipc_lookup_view v;
  rc = nt_lookup_call(o, c, k, &v);
  nt_client_verbose(o, service, c, &shown);
  if (rc == NT_EXIT_OK && o->verbose)
    fprintf(stderr, "netipc: lookup: %u items, generation %llu, %zu bytes\n",
            v.item_count, (unsigned long long)v.generation, v.payload_len);
  if (rc == NT_EXIT_OK)
    rc = print_view(&v, json);
  netipc_client_destroy(c);
  return nt_finish_stdout(rc);
}

static int
lookup_command(const nt_options *o, int argc, char **argv, uint16_t method)
{
  lookup_args a = {false, NULL};
  nt_lookup_keys k;
  nt_lookup_keys_init(&k, method);
  int rc = parse_args(argc, argv, &a, &k);
  if (rc == NT_EXIT_OK && a.keys_from != NULL)
    rc = nt_lookup_keys_file(&k, a.keys_from);
  if (rc == NT_EXIT_OK)
    rc = lookup_run(o, &k, a.json);
  nt_lookup_keys_free(&k);
  return rc;
}

int
nt_cmd_cgroups_lookup(const nt_options *o, int argc, char **argv)
{
  return lookup_command(o, argc, argv, NETIPC_METHOD_CGROUPS_LOOKUP);
}

int
nt_cmd_apps_lookup(const nt_options *o, int argc, char **argv)
{
  return lookup_command(o, argc, argv, NETIPC_METHOD_APPS_LOOKUP);
}
