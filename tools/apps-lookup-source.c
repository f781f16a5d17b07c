/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The answers of `netipc serve apps-lookup` (lookups.md 4.4, 6):
 *
 * - live (the default, POSIX only): /proc/PID, read by apps-proc-posix.c.
 *   A PID's answer for the generation rule is its start time (or
 *   "absent"), so the generation rises when a PID disappears, appears
 *   again or is reused.
 * - a TSV file, the output format of `netipc apps-lookup`: pid, status,
 *   cgroup_status, orchestrator, ppid, uid ("-" unset), starttime, comm,
 *   cgroup_path, cgroup_name[, key=value...]; the pid "*" answers every
 *   PID not listed, and without it such PIDs are UNKNOWN.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netipc-tool.h"
#include "nt-platform.h"

enum app_column {
  APP_PID,
  APP_STATUS,
  APP_CGROUP_STATUS,
  APP_ORCHESTRATOR,
  APP_PPID,
  APP_UID,
  APP_STARTTIME,
  APP_COMM,
  APP_CGROUP_PATH,
  APP_CGROUP_NAME,
  APP_LABELS
};

#define UID_UNSET_TEXT "-"

/* ---- file --------------------------------------------------------------- */

/* What each cgroup status allows beside comm (lookups.md 4.4). */
static bool
cgroup_rule_holds(const netipc_apps_lookup_item *it)
{
  bool plain = it->orchestrator == NETIPC_ORCHESTRATOR_UNKNOWN &&
               it->cgroup_name.len == 0 && it->label_count == 0;
  switch (it->cgroup_status) {
  case NETIPC_APPS_CGROUP_KNOWN:
    return it->cgroup_path.len > 0;
  case NETIPC_APPS_CGROUP_UNKNOWN_RETRY_LATER:
    return plain;
  case NETIPC_APPS_CGROUP_UNKNOWN_PERMANENT:
    return plain && it->cgroup_path.len > 0;
  default: /* HOST_ROOT */
    return plain && it->cgroup_path.len == 0;
  }
}

/* Items other than KNOWN carry nothing but the PID. */
static bool
empty_rule_holds(const netipc_apps_lookup_item *it)
{
  return it->cgroup_status == 0 &&
         it->orchestrator == NETIPC_ORCHESTRATOR_UNKNOWN && it->ppid == 0 &&
         it->uid == NETIPC_APPS_LOOKUP_UID_UNSET && it->starttime == 0 &&
         it->comm.len == 0 && it->cgroup_path.len == 0 &&
         it->cgroup_name.len == 0 && it->label_count == 0;
}

static bool
check_status_rules(const nt_tsv_reader *r, const netipc_apps_lookup_item *it)
{
  if (it->status != NETIPC_APPS_LOOKUP_KNOWN) {
    if (empty_rule_holds(it))
      return true;
    nt_tsv_error(r, "status %s needs cgroup_status known, orchestrator "
                 "unknown, ppid 0, uid -, starttime 0, empty comm, "
                 "cgroup_path and cgroup_name, and no labels",
                 nt_name_of(NT_NAMES_APPS_STATUS, it->status));
    return false;
  }
  if (it->comm.len == 0) {
    nt_tsv_error(r, "status known needs a comm of 1 to %u bytes",
                 NETIPC_APPS_LOOKUP_COMM_MAX);
    return false;
  }
  if (cgroup_rule_holds(it))
    return true;
  nt_tsv_error(r, "cgroup_status %s: known needs a cgroup_path; "
               "unknown-retry, unknown-permanent and host-root need "
               "orchestrator unknown, an empty cgroup_name and no labels; "
               "unknown-permanent needs a cgroup_path, host-root none",
               nt_name_of(NT_NAMES_APPS_CGROUP_STATUS, it->cgroup_status));
  return false;
}

static bool
parse_number(const nt_tsv_reader *r, const char *text, const char *what,
             uint64_t max, uint64_t *out)
{
  if (nt_parse_u64(text, 0, max, out))
    return true;
  nt_tsv_error(r, "invalid %s '%s' (expected a decimal or 0x-hex number up "
               "to %llu)",
               what, text, (unsigned long long)max);
  return false;
}

static bool
parse_numbers(const nt_tsv_reader *r, char **f, nt_lookup_entry *e)
{
  netipc_apps_lookup_item *it = &e->item.apps;
  uint64_t pid = 0, ppid, uid = NETIPC_APPS_LOOKUP_UID_UNSET;
  e->wildcard = strcmp(f[APP_PID], "*") == 0;
  if ((!e->wildcard &&
       !parse_number(r, f[APP_PID], "pid", UINT32_MAX, &pid)) ||
      !parse_number(r, f[APP_PPID], "ppid", UINT32_MAX, &ppid) ||
      (strcmp(f[APP_UID], UID_UNSET_TEXT) != 0 &&
       !parse_number(r, f[APP_UID], "uid", UINT32_MAX, &uid)) ||
      !parse_number(r, f[APP_STARTTIME], "starttime", UINT64_MAX,
                    &it->starttime))
    return false;
  it->pid = (uint32_t)pid;
  it->ppid = (uint32_t)ppid;
  it->uid = (uint32_t)uid;
  return true;
}

static bool
parse_enums(const nt_tsv_reader *r, char **f, netipc_apps_lookup_item *it)
{
  return nt_value_of_field(r, NT_NAMES_APPS_STATUS, "status", f[APP_STATUS],
                           &it->status) &&
         nt_value_of_field(r, NT_NAMES_APPS_CGROUP_STATUS, "cgroup_status",
                           f[APP_CGROUP_STATUS], &it->cgroup_status) &&
         nt_value_of_field(r, NT_NAMES_ORCHESTRATOR, "orchestrator",
                           f[APP_ORCHESTRATOR], &it->orchestrator);
}

/* comm, cgroup_path and cgroup_name, decoded. */
static bool
parse_strings(const nt_tsv_reader *r, char **f, netipc_apps_lookup_item *it)
{
  size_t comm, path, name;
  if (!nt_lookup_decode_field(r, f[APP_COMM], "comm", &comm) ||
      !nt_lookup_decode_field(r, f[APP_CGROUP_PATH], "cgroup_path", &path) ||
      !nt_lookup_decode_field(r, f[APP_CGROUP_NAME], "cgroup_name", &name))
    return false;
  if (comm > NETIPC_APPS_LOOKUP_COMM_MAX) {
    nt_tsv_error(r, "comm has %zu bytes, at most %u fit", comm,
                 NETIPC_APPS_LOOKUP_COMM_MAX);
    return false;
  }
  it->comm.ptr = f[APP_COMM];
  it->comm.len = (uint32_t)comm;
  it->cgroup_path.ptr = f[APP_CGROUP_PATH];
  it->cgroup_path.len = (uint32_t)path;
  it->cgroup_name.ptr = f[APP_CGROUP_NAME];
  it->cgroup_name.len = (uint32_t)name;
  return true;
}

static bool
parse_line(const nt_tsv_reader *r, char **f, size_t n, nt_lookup_entry *e)
{
  if (n < APP_LABELS) {
    nt_tsv_error(r, "expected at least %d tab-separated fields (pid, "
                 "status, cgroup_status, orchestrator, ppid, uid, starttime, "
                 "comm, cgroup_path, cgroup_name), found %zu",
                 APP_LABELS, n);
    return false;
  }
  netipc_apps_lookup_item *it = &e->item.apps;
  if (!parse_numbers(r, f, e) || !parse_enums(r, f, it) ||
      !parse_strings(r, f, it) ||
      !nt_lookup_parse_labels(r, f, n, APP_LABELS, e, &it->label_count))
    return false;
  it->labels = e->labels;
  e->key = &it->pid; /* copied by the index at once */
  e->key_len = sizeof it->pid;
  return check_status_rules(r, it);
}

nt_lookup_source *
nt_apps_lookup_source(const char *file)
{
  if (file == NULL)
    return nt_lookup_source_live(NETIPC_METHOD_APPS_LOOKUP);
  return nt_lookup_source_file(NETIPC_METHOD_APPS_LOOKUP, file, parse_line);
}

/* ---- live: /proc (apps-proc-posix.c; Windows needs --from-file) ------- */

/* What a PID that does not exist answers for the generation rule. */
#define ANSWER_ABSENT UINT64_MAX

/* An UNKNOWN item for pid (lookups.md 4.4: nothing but the PID). */
void
nt_apps_unknown_item(uint32_t pid, netipc_apps_lookup_item *it)
{
  memset(it, 0, sizeof *it);
  it->status = NETIPC_APPS_LOOKUP_UNKNOWN;
  it->pid = pid;
  it->uid = NETIPC_APPS_LOOKUP_UID_UNSET;
}

/* ---- answers ------------------------------------------------------------ */

static netipc_err
add_live(nt_lookup_source *s, netipc_lookup_builder *b, uint32_t pid)
{
  nt_proc_info p;
  memset(&p, 0, sizeof p);
  nt_proc_lookup(pid, &p);
  nt_lookup_source_note(s, &pid, sizeof pid,
                        p.item.status == NETIPC_APPS_LOOKUP_KNOWN
                            ? p.item.starttime
                            : ANSWER_ABSENT);
  netipc_err err = netipc_apps_lookup_builder_add(b, &p.item);
  free(p.cgroup_line);
  return err;
}

static netipc_err
add_from_file(const nt_lookup_source *s, netipc_lookup_builder *b,
              uint32_t pid)
{
  const nt_lookup_entry *e = nt_lookup_source_find(s, &pid, sizeof pid);
  netipc_apps_lookup_item it;
  if (e != NULL)
    it = e->item.apps;
  else
    nt_apps_unknown_item(pid, &it);
  it.pid = pid; /* the "*" line echoes every key */
  return netipc_apps_lookup_builder_add(b, &it);
}

/* The item for one key, from /proc or the file. */
static netipc_err
add_key(nt_lookup_source *s, const nt_lookup_key *key,
        netipc_lookup_builder *b)
{
  return nt_lookup_source_is_live(s) ? add_live(s, b, key->pid)
                                     : add_from_file(s, b, key->pid);
}

int
nt_apps_lookup_handler(void *user, const netipc_lookup_req_view *req,
                       netipc_lookup_builder *b)
{
  return nt_lookup_source_answer(user, req, b, add_key);
}
