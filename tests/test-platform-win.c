/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-platform-win.c - the per-OS half of test-platform.h for Windows: a
 * watchdog thread for the alarm, SwitchToThread, GetTempPath +
 * CreateDirectory run directories, GetFileAttributes and FindFirstFile.
 * On Windows a run directory is only a namespace hashed into the pipe and
 * SHM names (windows.md 2), but tests still get a real, private one for
 * their files.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "test-platform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Windows headers with the library's API level, and the SHM names. */
#include "transport/windows/win-internal.h"
#include "transport/windows/win-shm-internal.h"

/* How often the watchdog looks at its deadline. */
#define ALARM_POLL_MS 100u
#define MS_PER_SEC 1000u
/* Exit status of a process the watchdog ends (alarm()'s SIGALRM would
 * also be a failure to the TAP driver). */
#define ALARM_EXIT_CODE 1u
/* Attempts at a unique run directory name before giving up. */
#define RUNDIR_TRIES 100u
#define PATH_CAP 512u
/* Low bits of the tick count in a run dir name: other runs of the same
 * process id (a reused one) pick other names. */
#define RUNDIR_TICK_MASK 0xffffu

/* 0: no alarm armed; else the tp_now_ms() at which the process ends. */
static atomic_uint_least64_t alarm_deadline;
static atomic_int alarm_started;

static DWORD WINAPI
alarm_watchdog(LPVOID unused)
{
  (void)unused;
  for (;;) {
    Sleep(ALARM_POLL_MS);
    uint64_t end = atomic_load(&alarm_deadline);
    if (end != 0 && tp_now_ms() >= end) {
      printf("Bail out! watchdog: the test took too long\n");
      fflush(stdout);
      ExitProcess(ALARM_EXIT_CODE);
    }
  }
}

/* As alarm(): a later call replaces the earlier one, 0 cancels. */
void
tp_alarm(unsigned seconds)
{
  atomic_store(&alarm_deadline,
               seconds == 0 ? 0
                            : tp_now_ms() + (uint64_t)seconds * MS_PER_SEC);
  if (seconds == 0 || atomic_exchange(&alarm_started, 1) != 0)
    return;
  HANDLE h = CreateThread(NULL, 0, alarm_watchdog, NULL, 0, NULL);
  if (h == NULL)
    tp_bail("cannot start the watchdog thread");
  CloseHandle(h); /* it runs until the process ends */
}

int
tp_shm_built(void)
{
  return 1; /* win-shm-*.c are part of every Windows build */
}

int
tp_shm_regions(const char *dir, const char *svc, uint32_t profile,
               uint64_t session_id)
{
  netipc__shm_params p;
  memset(&p, 0, sizeof p);
  p.run_dir = dir;
  p.service = svc;
  p.auth_token = TP_TOKEN;
  p.profile = profile;
  p.session_id = session_id;
  wchar_t name[NETIPC__WIN_NAME_MAX + 1];
  if (netipc__win_shm_name(&p, NETIPC__WIN_SHM_MAPPING, NULL, name,
                           sizeof name / sizeof *name) != NETIPC_OK)
    tp_bail("cannot derive an SHM mapping name");
  HANDLE h = OpenFileMappingW(FILE_MAP_READ, FALSE, name);
  if (h == NULL)
    return 0;
  CloseHandle(h);
  return 1;
}

void
tp_yield(void)
{
  (void)SwitchToThread();
}

void
tp_rundir_make(char *dir, size_t cap, const char *tag)
{
  char tmp[MAX_PATH + 1];
  DWORD n = GetTempPathA(sizeof tmp, tmp);
  if (n == 0 || n >= sizeof tmp)
    tp_bail("GetTempPathA failed");
  static atomic_uint counter;
  for (unsigned i = 0; i < RUNDIR_TRIES; i++) {
    unsigned seq = atomic_fetch_add(&counter, 1);
    if ((size_t)snprintf(dir, cap, "%snetipc-%s-%lu-%u-%lu", tmp, tag,
                         (unsigned long)GetCurrentProcessId(), seq,
                         (unsigned long)(GetTickCount64() & RUNDIR_TICK_MASK)) >= cap)
      tp_bail("run dir name too long");
    if (CreateDirectoryA(dir, NULL))
      return;
    if (GetLastError() != ERROR_ALREADY_EXISTS)
      tp_bail("CreateDirectoryA failed");
  }
  tp_bail("no unique run dir name");
}

/* Calls fn(path, data, ctx) for each entry of dir but . and ..; 0 when
 * the directory cannot be listed. */
static int
for_each_entry(const char *dir,
               void (*fn)(const char *path, const WIN32_FIND_DATAA *d,
                          void *ctx),
               void *ctx)
{
  char pattern[PATH_CAP];
  if ((size_t)snprintf(pattern, sizeof pattern, "%s\\*", dir) >=
      sizeof pattern)
    return 0;
  WIN32_FIND_DATAA d;
  HANDLE h = FindFirstFileA(pattern, &d);
  if (h == INVALID_HANDLE_VALUE)
    return 0;
  do {
    if (strcmp(d.cFileName, ".") == 0 || strcmp(d.cFileName, "..") == 0)
      continue;
    char path[PATH_CAP];
    snprintf(path, sizeof path, "%s\\%s", dir, d.cFileName);
    fn(path, &d, ctx);
  } while (FindNextFileA(h, &d));
  FindClose(h);
  return 1;
}

static void
remove_entry(const char *path, const WIN32_FIND_DATAA *d, void *ctx)
{
  (void)ctx;
  if (d->dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
    (void)RemoveDirectoryA(path);
  else
    (void)DeleteFileA(path);
}

void
tp_rundir_remove(const char *dir)
{
  (void)for_each_entry(dir, remove_entry, NULL);
  (void)RemoveDirectoryA(dir);
}

int
tp_path_exists(const char *path)
{
  return GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES;
}

typedef struct suffix_count {
  const char *suffix;
  size_t suffix_len;
  int n;
} suffix_count;

static void
count_entry(const char *path, const WIN32_FIND_DATAA *d, void *ctx)
{
  (void)path;
  suffix_count *c = ctx;
  size_t nl = strlen(d->cFileName);
  if (nl >= c->suffix_len &&
      memcmp(d->cFileName + nl - c->suffix_len, c->suffix, c->suffix_len) == 0)
    c->n++;
}

int
tp_dir_count_suffix(const char *dir, const char *suffix)
{
  suffix_count c = {suffix != NULL ? suffix : "",
                    suffix != NULL ? strlen(suffix) : 0, 0};
  if (GetFileAttributesA(dir) == INVALID_FILE_ATTRIBUTES)
    return -1;
  (void)for_each_entry(dir, count_entry, &c);
  return c.n;
}
