/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "fd-count.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FDC_PROC_DIR "/proc/self/fd"
/* The probe's upper bound where the limit is huge or unknown. */
#define FDC_PROBE_MAX 65536L

static long
fdc_probe_limit(void)
{
  long max = sysconf(_SC_OPEN_MAX);
  return max <= 0 || max > FDC_PROBE_MAX ? FDC_PROBE_MAX : max;
}

/* 1 when name is a descriptor entry (digits only) other than skip. */
static int
fdc_entry(const char *name, int skip)
{
  if (name[0] < '0' || name[0] > '9')
    return 0;
  char *end = NULL;
  long fd = strtol(name, &end, 10);
  return *end == '\0' && fd != skip;
}

static int
fdc_count_proc(void)
{
  DIR *d = opendir(FDC_PROC_DIR);
  if (d == NULL)
    return -1;
  int self = dirfd(d), n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    n += fdc_entry(e->d_name, self);
  closedir(d);
  return n;
}

static int
fdc_count_probe(void)
{
  int n = 0;
  for (long fd = 0, max = fdc_probe_limit(); fd < max; fd++)
    if (fcntl((int)fd, F_GETFD) != -1 || errno != EBADF)
      n++;
  return n;
}

int
fdc_count(void)
{
  int n = fdc_count_proc();
  return n >= 0 ? n : fdc_count_probe();
}

int
fdc_count_or_bail(void)
{
  int n = fdc_count();
  if (n < 0) {
    printf("Bail out! cannot count open descriptors\n");
    fflush(stdout);
    exit(1);
  }
  return n;
}

/* Append "fd:target " (or "fd ") to buf at *used. */
static void
fdc_append(char *buf, size_t cap, size_t *used, long fd)
{
  char link[64], target[128];
  snprintf(link, sizeof link, FDC_PROC_DIR "/%ld", fd);
  ssize_t len = readlink(link, target, sizeof target - 1);
  target[len > 0 ? len : 0] = '\0';
  int w = len > 0 ? snprintf(buf + *used, cap - *used, "%ld:%s ", fd, target)
                  : snprintf(buf + *used, cap - *used, "%ld ", fd);
  if (w > 0)
    *used += (size_t)w < cap - *used ? (size_t)w : cap - *used - 1;
}

void
fdc_describe(char *buf, size_t cap)
{
  size_t used = 0;
  if (cap == 0)
    return;
  buf[0] = '\0';
  for (long fd = 0, max = fdc_probe_limit(); fd < max && used + 1 < cap; fd++)
    if (fcntl((int)fd, F_GETFD) != -1)
      fdc_append(buf, cap, &used, fd);
}
