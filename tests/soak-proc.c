/* SPDX-License-Identifier: GPL-3.0-or-later */
/* soak-proc.c - see soak-proc.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "soak-proc.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SOAK_PROC_PATH 64
#define SOAK_PROC_LINE 256

/* The numeric value of the "<key>:" line of /proc/<pid>/status, or -1. */
static long
status_field(FILE *f, const char *key)
{
  char line[SOAK_PROC_LINE];
  size_t kl = strlen(key);
  rewind(f);
  while (fgets(line, sizeof line, f) != NULL) {
    if (strncmp(line, key, kl) != 0 || line[kl] != ':')
      continue;
    char *end;
    long v = strtol(line + kl + 1, &end, 10);
    return end != line + kl + 1 ? v : -1;
  }
  return -1;
}

/* Entries of /proc/<pid>/fd (the descriptor opendir uses is its own
 * process's, not the server's, so it is not counted). */
static int
fd_count(pid_t pid)
{
  char path[SOAK_PROC_PATH];
  (void)snprintf(path, sizeof path, "/proc/%ld/fd", (long)pid);
  DIR *d = opendir(path);
  if (d == NULL)
    return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
      n++;
  closedir(d);
  return n;
}

int
soak_proc_sample(pid_t pid, soak_sample *out)
{
  char path[SOAK_PROC_PATH];
  (void)snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
  FILE *f = fopen(path, "r");
  if (f == NULL)
    return -1;
  out->rss_kb = status_field(f, "VmRSS");
  out->anon_kb = status_field(f, "RssAnon");
  out->file_kb = status_field(f, "RssFile");
  out->shmem_kb = status_field(f, "RssShmem");
  out->threads = (int)status_field(f, "Threads");
  (void)fclose(f);
  out->fds = fd_count(pid);
  return out->rss_kb >= 0 && out->threads >= 0 && out->fds >= 0 ? 0 : -1;
}

void
soak_range_add(soak_range *r, const soak_sample *s)
{
  if (r->n == 0) {
    r->min = r->max = *s;
  } else {
    if (s->rss_kb < r->min.rss_kb)
      r->min.rss_kb = s->rss_kb;
    if (s->rss_kb > r->max.rss_kb)
      r->max.rss_kb = s->rss_kb;
    if (s->fds < r->min.fds)
      r->min.fds = s->fds;
    if (s->fds > r->max.fds)
      r->max.fds = s->fds;
    if (s->threads < r->min.threads)
      r->min.threads = s->threads;
    if (s->threads > r->max.threads)
      r->max.threads = s->threads;
  }
  r->n++;
}
