/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The answers of `netipc serve cgroups-lookup` (lookups.md 4.3, 6):
 *
 * - live (the default): a key is KNOWN when NT_CGROUP_ROOT followed by
 *   the key is a directory, with the orchestrator and name recognised
 *   from the key; any other key (one that does not start with '/' or has a
 *   ".." component included, which is never looked up) is
 *   UNKNOWN_PERMANENT. A key's answer for the generation rule is whether
 *   it exists.
 * - a TSV file `path<TAB>status<TAB>orchestrator<TAB>name[<TAB>key=value]`
 *   (the output format of `netipc cgroups-lookup`); the path "*" answers
 *   every key not listed, and without it such keys are UNKNOWN_PERMANENT.
 */
#include "config.h"

#include <string.h>

#include "netipc-tool.h"

enum cg_column { CG_PATH, CG_STATUS, CG_ORCHESTRATOR, CG_NAME, CG_LABELS };

/* The status rule of lookups.md 4.3 for items other than KNOWN. */
static bool
check_status_rule(const nt_tsv_reader *r, const netipc_cgroups_lookup_item *it)
{
  if (it->status == NETIPC_CGROUPS_LOOKUP_KNOWN ||
      (it->orchestrator == NETIPC_ORCHESTRATOR_UNKNOWN && it->name.len == 0 &&
       it->label_count == 0))
    return true;
  nt_tsv_error(r, "status %s needs orchestrator unknown, an empty name and "
               "no labels",
               nt_name_of(NT_NAMES_CGROUPS_STATUS, it->status));
  return false;
}

static bool
parse_enums(const nt_tsv_reader *r, char **fields,
            netipc_cgroups_lookup_item *it)
{
  return nt_value_of_field(r, NT_NAMES_CGROUPS_STATUS, "status",
                           fields[CG_STATUS], &it->status) &&
         nt_value_of_field(r, NT_NAMES_ORCHESTRATOR, "orchestrator",
                           fields[CG_ORCHESTRATOR], &it->orchestrator);
}

static bool
parse_line(const nt_tsv_reader *r, char **fields, size_t n,
           nt_lookup_entry *e)
{
  if (n < CG_LABELS) {
    nt_tsv_error(r, "expected at least %d tab-separated fields (path, "
                 "status, orchestrator, name), found %zu",
                 CG_LABELS, n);
    return false;
  }
  netipc_cgroups_lookup_item *it = &e->item.cgroups;
  size_t path_len = 0, name_len = 0;
  /* The wildcard is the field as written: an escaped \x2a is a path. */
  e->wildcard = strcmp(fields[CG_PATH], "*") == 0;
  if (!e->wildcard &&
      !nt_lookup_decode_field(r, fields[CG_PATH], "the path", &path_len))
    return false;
  if (!e->wildcard && path_len == 0) {
    nt_tsv_error(r, "empty path (a key has at least one byte)");
    return false;
  }
  if (!parse_enums(r, fields, it) ||
      !nt_lookup_decode_field(r, fields[CG_NAME], "the name", &name_len) ||
      !nt_lookup_parse_labels(r, fields, n, CG_LABELS, e, &it->label_count))
    return false;
  it->path.ptr = fields[CG_PATH];
  it->path.len = (uint32_t)path_len;
  it->name.ptr = fields[CG_NAME];
  it->name.len = (uint32_t)name_len;
  it->labels = e->labels;
  e->key = it->path.ptr;
  e->key_len = path_len;
  return check_status_rule(r, it);
}

nt_lookup_source *
nt_cgroups_lookup_source(const char *file)
{
  if (file == NULL)
    return nt_lookup_source_live(NETIPC_METHOD_CGROUPS_LOOKUP);
  return nt_lookup_source_file(NETIPC_METHOD_CGROUPS_LOOKUP, file,
                               parse_line);
}

/* ---- answers ------------------------------------------------------------ */

static void
live_item(nt_lookup_source *s, netipc_string_view path,
          netipc_cgroups_lookup_item *it)
{
  bool exists = nt_cgroup_exists(path.ptr, path.len);
  nt_lookup_source_note(s, path.ptr, path.len, exists);
  if (!exists) {
    it->status = NETIPC_CGROUPS_LOOKUP_UNKNOWN_PERMANENT;
    return;
  }
  nt_cgroup_class c;
  nt_cgroup_classify(path.ptr, path.len, &c);
  it->status = NETIPC_CGROUPS_LOOKUP_KNOWN;
  it->orchestrator = c.orchestrator;
  it->name = c.name; /* borrows the request, valid during the call */
}

static void
file_item(const nt_lookup_source *s, netipc_string_view path,
          netipc_cgroups_lookup_item *it)
{
  const nt_lookup_entry *e = nt_lookup_source_find(s, path.ptr, path.len);
  if (e != NULL)
    *it = e->item.cgroups; /* the path is the request's (add_key) */
  else
    it->status = NETIPC_CGROUPS_LOOKUP_UNKNOWN_PERMANENT;
}

/* The item for one key, from the live tree or the file. */
static netipc_err
add_key(nt_lookup_source *s, const nt_lookup_key *key,
        netipc_lookup_builder *b)
{
  netipc_cgroups_lookup_item it;
  memset(&it, 0, sizeof it);
  if (nt_lookup_source_is_live(s))
    live_item(s, key->path, &it);
  else
    file_item(s, key->path, &it);
  return netipc_cgroups_lookup_builder_add_key(b, &it);
}

int
nt_cgroups_lookup_handler(void *user, const netipc_lookup_req_view *req,
                          netipc_lookup_builder *b)
{
  return nt_lookup_source_answer(user, req, b, add_key);
}
