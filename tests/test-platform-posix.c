/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-platform-posix.c - the per-OS half of test-platform.h for POSIX
 * systems. A Windows port supplies the same functions in
 * test-platform-win.c (a watchdog thread for the alarm, SwitchToThread,
 * GetTempPath + CreateDirectory, GetFileAttributes, FindFirstFile).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "test-platform.h"

#include <dirent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void
tp_alarm(unsigned seconds)
{
  alarm(seconds);
}

int
tp_shm_built(void)
{
#ifdef NETIPC_BUILD_SHM
  return 1;
#else
  return 0;
#endif
}

int
tp_shm_regions(const char *dir, const char *svc, uint32_t profile,
               uint64_t session_id)
{
  (void)svc, (void)profile, (void)session_id; /* all regions are files */
  return tp_dir_count_suffix(dir, ".ipcshm");
}

void
tp_yield(void)
{
  (void)sched_yield();
}

void
tp_rundir_make(char *dir, size_t cap, const char *tag)
{
  if ((size_t)snprintf(dir, cap, "/tmp/netipc-%s-XXXXXX", tag) >= cap)
    tp_bail_errno("run dir template too long");
  if (mkdtemp(dir) == NULL)
    tp_bail_errno("mkdtemp");
}

void
tp_rundir_remove(const char *dir)
{
  DIR *d = opendir(dir);
  if (d != NULL) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
        continue;
      char path[512];
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      if (unlink(path) != 0)
        (void)rmdir(path);
    }
    closedir(d);
  }
  (void)rmdir(dir);
}

int
tp_path_exists(const char *path)
{
  struct stat st;
  return lstat(path, &st) == 0;
}

int
tp_dir_count_suffix(const char *dir, const char *suffix)
{
  DIR *d = opendir(dir);
  if (d == NULL)
    return -1;
  int n = 0;
  size_t sl = suffix != NULL ? strlen(suffix) : 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t nl = strlen(e->d_name);
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    if (nl >= sl && memcmp(e->d_name + nl - sl, suffix, sl) == 0)
      n++;
  }
  closedir(d);
  return n;
}
