/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What /proc says about a PID, for the live `netipc serve apps-lookup` on
 * POSIX (lookups.md 4.4): ppid and starttime from `stat` (fields 4 and
 * 22, counted after the last ')' since comm may hold blanks and
 * parentheses), the real uid from the first number of the Uid: line of
 * `status`, `comm` (at most 15 bytes on the wire), and the cgroup from
 * `cgroup` (the cgroup v2 "0::" line, else the first line): "/" is
 * HOST_ROOT; a path whose directory exists below NT_CGROUP_ROOT is KNOWN
 * with the orchestrator and name recognised from it; any other is
 * UNKNOWN_PERMANENT; an unreadable `cgroup` is UNKNOWN_RETRY_LATER without
 * a path. A PID without /proc/PID is UNKNOWN.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netipc-tool.h"
#include "nt-platform.h"

#define PROC_ROOT "/proc"
/* Room for "/proc/4294967295/cgroup", the longest path built here (the
 * names are this file's constants), so the snprintf never truncates. */
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

/* Up to cap-1 bytes of /proc/PID/NAME, NUL-terminated; -1 if unreadable. */
static ssize_t
proc_read(uint32_t pid, const char *name, char *buf, size_t cap)
{
  char path[PROC_PATH_MAX];
  (void)snprintf(path, sizeof path, PROC_ROOT "/%u/%s", pid, name);
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
read_comm(uint32_t pid, nt_proc_info *p)
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
read_cgroup(uint32_t pid, nt_proc_info *p)
{
  netipc_apps_lookup_item *it = &p->item;
  it->cgroup_status = NETIPC_APPS_CGROUP_UNKNOWN_RETRY_LATER;
  char path[PROC_PATH_MAX];
  (void)snprintf(path, sizeof path, PROC_ROOT "/%u/cgroup", pid);
  FILE *f = fopen(path, "re");
  if (f == NULL)
    return;
  /* No NUL in the file: one getdelim reads all of it. */
  ssize_t got = getdelim(&p->cgroup_line, &p->cgroup_cap, '\0', f);
  (void)fclose(f); /* read only: nothing is lost if it fails */
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

/* Everything /proc says about pid; UNKNOWN when it has no stat or comm. */
void
nt_proc_lookup(uint32_t pid, nt_proc_info *p)
{
  netipc_apps_lookup_item *it = &p->item;
  nt_apps_unknown_item(pid, it);
  char buf[PROC_READ_MAX];
  uint64_t ppid, starttime;
  if (proc_read(pid, "stat", buf, sizeof buf) < 0 ||
      !stat_field(buf, STAT_FIELD_PPID, &ppid) || ppid > UINT32_MAX ||
      !stat_field(buf, STAT_FIELD_STARTTIME, &starttime) ||
      !read_comm(pid, p)) {
    nt_apps_unknown_item(pid, it);
    return;
  }
  it->status = NETIPC_APPS_LOOKUP_KNOWN;
  it->ppid = (uint32_t)ppid;
  it->starttime = starttime;
  if (proc_read(pid, "status", buf, sizeof buf) >= 0)
    it->uid = status_uid(buf);
  read_cgroup(pid, p);
}

