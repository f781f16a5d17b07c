/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The answers of `netipc serve apps-lookup` (lookups.md 4.4, 6):
 *
 * - live (the default): /proc/PID. ppid and starttime from `stat`
 *   (fields 4 and 22, counted after the last ')' since comm may hold
 *   blanks and parentheses), the real uid from the first number of the
 *   Uid: line of `status`, `comm` (at most 15 bytes on the wire), and the
 *   cgroup from `cgroup` (the cgroup v2 "0::" line, else the first line):
 *   "/" is HOST_ROOT; a path whose directory exists below NT_CGROUP_ROOT is
 *   KNOWN with the orchestrator and name recognised from it; any other
 *   is UNKNOWN_PERMANENT; an unreadable `cgroup` is UNKNOWN_RETRY_LATER
 *   without a path. A PID without /proc/PID is UNKNOWN. A PID's answer
 *   for the generation rule is its start time (or "absent"), so the
 *   generation rises when a PID disappears, appears again or is reused.
 * - a TSV file, the output format of `netipc apps-lookup`: pid, status,
 *   cgroup_status, orchestrator, ppid, uid ("-" unset), starttime, comm,
 *   cgroup_path, cgroup_name[, key=value...]; the pid "*" answers every
 *   PID not listed, and without it such PIDs are UNKNOWN.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netipc-tool.h"

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

/* ---- /proc -------------------------------------------------------------- */

#define PROC_ROOT "/proc"
/* Room for "/proc/4294967295/cgroup". */
#define PROC_PATH_MAX 64
/* /proc/PID/stat is one line of about 300 bytes; the Uid: line is among
 * the first lines of status. */
#define PROC_READ_MAX 4096
/* Fields of /proc/PID/stat (proc(5)), numbered from 1; field 3, the
 * state, is the first after the comm's closing parenthesis. */
#define STAT_FIELD_AFTER_COMM 3
#define STAT_FIELD_PPID 4
#define STAT_FIELD_STARTTIME 22
#define DECIMAL 10
/* /proc/PID/comm shows up to 64 bytes for some kernel threads. */
#define PROC_COMM_READ_MAX 64
/* The cgroup v2 line of /proc/PID/cgroup. */
#define CGROUP_V2_PREFIX "0::"
/* What a PID that does not exist answers for the generation rule. */
#define ANSWER_ABSENT UINT64_MAX

typedef struct proc_info {
  netipc_apps_lookup_item item;
  char comm[NETIPC_APPS_LOOKUP_COMM_MAX + 1];
  char *cgroup_line; /* owns the cgroup path */
  size_t cgroup_cap;
} proc_info;

/* Up to cap-1 bytes of /proc/PID/NAME, NUL-terminated; -1 if unreadable. */
static ssize_t
proc_read(uint32_t pid, const char *name, char *buf, size_t cap)
{
  char path[PROC_PATH_MAX];
  snprintf(path, sizeof path, PROC_ROOT "/%u/%s", pid, name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  size_t len = 0;
  while (len + 1 < cap) {
    ssize_t got = read(fd, buf + len, cap - 1 - len);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) { /* ESRCH: the process ended while we read */
      close(fd);
      return -1;
    }
    if (got == 0)
      break;
    len += (size_t)got;
  }
  close(fd);
  buf[len] = '\0';
  return (ssize_t)len;
}

/* Field `field` (>= 3) of a stat line, counted after the last ')'. */
static bool
stat_field(const char *stat, int field, uint64_t *out)
{
  const char *p = strrchr(stat, ')');
  if (p == NULL)
    return false;
  p++;
  for (int f = STAT_FIELD_AFTER_COMM; f < field && *p != '\0'; f++) {
    while (*p == ' ')
      p++;
    while (*p != ' ' && *p != '\0')
      p++;
  }
  while (*p == ' ')
    p++;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(p, &end, DECIMAL);
  if (end == p || errno != 0)
    return false;
  *out = v;
  return true;
}

/* The real uid: the first number of the Uid: line. */
static uint32_t
status_uid(const char *status)
{
  const char *p = strstr(status, "\nUid:");
  if (p == NULL)
    return NETIPC_APPS_LOOKUP_UID_UNSET;
  char *end;
  errno = 0;
  unsigned long v = strtoul(p + strlen("\nUid:"), &end, DECIMAL);
  if (end == p + strlen("\nUid:") || errno != 0 ||
      v >= NETIPC_APPS_LOOKUP_UID_UNSET)
    return NETIPC_APPS_LOOKUP_UID_UNSET;
  return (uint32_t)v;
}

/* comm without its newline, cut to what the wire carries. */
static bool
read_comm(uint32_t pid, proc_info *p)
{
  char buf[PROC_COMM_READ_MAX];
  ssize_t n = proc_read(pid, "comm", buf, sizeof buf);
  if (n > 0 && buf[n - 1] == '\n')
    n--;
  if (n <= 0)
    return false; /* gone, or nothing a KNOWN item may carry */
  size_t len = (size_t)n < NETIPC_APPS_LOOKUP_COMM_MAX
                   ? (size_t)n
                   : NETIPC_APPS_LOOKUP_COMM_MAX;
  memcpy(p->comm, buf, len);
  p->comm[len] = '\0';
  p->item.comm.ptr = p->comm;
  p->item.comm.len = (uint32_t)len;
  return true;
}

/* The path of the cgroup v2 line, else of the first line ("ID:list:path");
 * NUL-terminated in place. NULL when there is none. */
static char *
cgroup_path_of(char *text)
{
  char *line = strncmp(text, CGROUP_V2_PREFIX, strlen(CGROUP_V2_PREFIX)) == 0
                   ? text
                   : strstr(text, "\n" CGROUP_V2_PREFIX);
  char *path;
  if (line != NULL) {
    path = line + (line == text ? 0 : 1) + strlen(CGROUP_V2_PREFIX);
  } else {
    char *colon = strchr(text, ':');
    path = colon != NULL ? strchr(colon + 1, ':') : NULL;
    if (path == NULL)
      return NULL;
    path++;
  }
  path[strcspn(path, "\n")] = '\0';
  return path;
}

/* The cgroup status, path, orchestrator and name (lookups.md 4.4). */
static void
read_cgroup(uint32_t pid, proc_info *p)
{
  netipc_apps_lookup_item *it = &p->item;
  it->cgroup_status = NETIPC_APPS_CGROUP_UNKNOWN_RETRY_LATER;
  char path[PROC_PATH_MAX];
  snprintf(path, sizeof path, PROC_ROOT "/%u/cgroup", pid);
  FILE *f = fopen(path, "re");
  if (f == NULL)
    return;
  /* No NUL in the file: one getdelim reads all of it. */
  ssize_t got = getdelim(&p->cgroup_line, &p->cgroup_cap, '\0', f);
  fclose(f);
  char *cg = got > 0 ? cgroup_path_of(p->cgroup_line) : NULL;
  size_t len = cg != NULL ? strlen(cg) : 0;
  if (len == 0)
    return;
  if (strcmp(cg, "/") == 0) {
    it->cgroup_status = NETIPC_APPS_CGROUP_HOST_ROOT;
    return;
  }
  it->cgroup_path.ptr = cg;
  it->cgroup_path.len = (uint32_t)len;
  if (!nt_cgroup_exists(cg, len)) {
    it->cgroup_status = NETIPC_APPS_CGROUP_UNKNOWN_PERMANENT;
    return;
  }
  nt_cgroup_class c;
  nt_cgroup_classify(cg, len, &c);
  it->cgroup_status = NETIPC_APPS_CGROUP_KNOWN;
  it->orchestrator = c.orchestrator;
  it->cgroup_name = c.name;
}

/* An UNKNOWN item for pid (lookups.md 4.4: nothing but the PID). */
static void
unknown_item(uint32_t pid, netipc_apps_lookup_item *it)
{
  memset(it, 0, sizeof *it);
  it->status = NETIPC_APPS_LOOKUP_UNKNOWN;
  it->pid = pid;
  it->uid = NETIPC_APPS_LOOKUP_UID_UNSET;
}

/* Everything /proc says about pid; UNKNOWN when it has no stat or comm. */
static void
proc_lookup(uint32_t pid, proc_info *p)
{
  netipc_apps_lookup_item *it = &p->item;
  unknown_item(pid, it);
  char buf[PROC_READ_MAX];
  uint64_t ppid, starttime;
  if (proc_read(pid, "stat", buf, sizeof buf) < 0 ||
      !stat_field(buf, STAT_FIELD_PPID, &ppid) || ppid > UINT32_MAX ||
      !stat_field(buf, STAT_FIELD_STARTTIME, &starttime) ||
      !read_comm(pid, p)) {
    unknown_item(pid, it);
    return;
  }
  it->status = NETIPC_APPS_LOOKUP_KNOWN;
  it->ppid = (uint32_t)ppid;
  it->starttime = starttime;
  if (proc_read(pid, "status", buf, sizeof buf) >= 0)
    it->uid = status_uid(buf);
  read_cgroup(pid, p);
}

/* ---- answers ------------------------------------------------------------ */

static netipc_err
add_live(nt_lookup_source *s, netipc_lookup_builder *b, uint32_t pid)
{
  proc_info p;
  memset(&p, 0, sizeof p);
  proc_lookup(pid, &p);
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
    unknown_item(pid, &it);
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
