/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Windows side of nt-platform.h: binary standard streams, console
 * control events as stop requests, QueryPerformanceCounter,
 * GetProcessTimes, SRW locks, and a run directory that is only a name
 * (windows.md 2.3: it is hashed into the pipe and SHM object names, so
 * nothing needs to exist).
 */
#include "config.h"

#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0600
#endif
#include <windows.h>

#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>

#include "netipc-tool.h"
#include "nt-platform.h"

#define NS_PER_SEC 1000000000u
#define NS_PER_MS 1000000u
/* FILETIME counts 100 ns ticks. */
#define FILETIME_TICKS_PER_SEC 10000000.0
/* How long a close, logoff or shutdown event waits for the server to end
 * before Windows itself ends the process (it allows about 5 s). */
#define STOP_CLOSE_GRACE_MS 5000u
/* Sleep() may oversleep by a timer tick; the last 2 ms are yields. */
#define SLEEP_SPIN_MS 2u

void
nt_os_init(void)
{
  /* Text mode would write CR LF and stop reading at a ^Z byte: the TSV
   * and JSON streams are the same bytes as on POSIX. */
  (void)_setmode(_fileno(stdin), _O_BINARY);
  (void)_setmode(_fileno(stdout), _O_BINARY);
  (void)_setmode(_fileno(stderr), _O_BINARY);
}

static void (*stop_fn)(void);

/* Runs on a thread of its own, started by the console (or by Wine for
 * SIGINT). */
static BOOL WINAPI
on_console_event(DWORD event)
{
  switch (event) {
  case CTRL_C_EVENT:
  case CTRL_BREAK_EVENT:
    stop_fn();
    return TRUE;
  case CTRL_CLOSE_EVENT:
  case CTRL_LOGOFF_EVENT:
  case CTRL_SHUTDOWN_EVENT:
    /* The process ends when this returns: give main the time to stop
     * the server and exit first (ExitProcess ends this thread). */
    stop_fn();
    Sleep(STOP_CLOSE_GRACE_MS);
    return TRUE;
  default:
    return FALSE;
  }
}

bool
nt_os_on_stop_request(void (*stop)(void))
{
  stop_fn = stop;
  return SetConsoleCtrlHandler(on_console_event, TRUE) != 0;
}

uint64_t
nt_os_now_ns(void)
{
  LARGE_INTEGER freq, now;
  QueryPerformanceFrequency(&freq); /* never fails since Windows XP */
  QueryPerformanceCounter(&now);
  uint64_t f = (uint64_t)freq.QuadPart, c = (uint64_t)now.QuadPart;
  return c / f * NS_PER_SEC + c % f * NS_PER_SEC / f;
}

void
nt_os_sleep_until_ns(uint64_t due)
{
  for (;;) {
    uint64_t now = nt_os_now_ns();
    if (due <= now)
      return;
    uint64_t left_ms = (due - now) / NS_PER_MS;
    if (left_ms > SLEEP_SPIN_MS)
      Sleep((DWORD)(left_ms - SLEEP_SPIN_MS));
    else
      SwitchToThread();
  }
}

static double
filetime_seconds(const FILETIME *t)
{
  ULARGE_INTEGER u;
  u.LowPart = t->dwLowDateTime;
  u.HighPart = t->dwHighDateTime;
  return (double)u.QuadPart / FILETIME_TICKS_PER_SEC;
}

double
nt_os_cpu_seconds(void)
{
  FILETIME created, ended, kernel, user;
  if (!GetProcessTimes(GetCurrentProcess(), &created, &ended, &kernel,
                       &user))
    return 0;
  return filetime_seconds(&kernel) + filetime_seconds(&user);
}

void
nt_os_precise_sleeps(void)
{
  /* Nothing to ask for: nt_os_sleep_until_ns yields through the last
   * milliseconds instead (timeBeginPeriod would need winmm). */
}

/* The Interlocked functions take non-const pointers; loads are a
 * compare-exchange that never changes the value. */
uint32_t
nt_atomic_load32(const uint32_t *p)
{
  return (uint32_t)InterlockedCompareExchange((LONG volatile *)(uintptr_t)p,
                                              0, 0);
}

void
nt_atomic_store32(uint32_t *p, uint32_t v)
{
  (void)InterlockedExchange((LONG volatile *)p, (LONG)v);
}

uint32_t
nt_atomic_add32(uint32_t *p, uint32_t delta)
{
  return (uint32_t)InterlockedExchangeAdd((LONG volatile *)p, (LONG)delta) +
         delta;
}

uint64_t
nt_atomic_add64(uint64_t *p, uint64_t delta)
{
  return (uint64_t)InterlockedExchangeAdd64((LONG64 volatile *)p,
                                            (LONG64)delta) +
         delta;
}

void *
nt_atomic_load_ptr(void *const *p)
{
  return InterlockedCompareExchangePointer(
      (PVOID volatile *)(uintptr_t)p, NULL, NULL);
}

void
nt_atomic_store_ptr(void **p, void *v)
{
  (void)InterlockedExchangePointer((PVOID volatile *)p, v);
}

struct nt_mutex {
  SRWLOCK lock;
};

nt_mutex *
nt_mutex_create(void)
{
  nt_mutex *m = malloc(sizeof *m);
  if (m != NULL)
    InitializeSRWLock(&m->lock);
  return m;
}

void
nt_mutex_lock(nt_mutex *m)
{
  AcquireSRWLockExclusive(&m->lock);
}

void
nt_mutex_unlock(nt_mutex *m)
{
  ReleaseSRWLockExclusive(&m->lock);
}

void
nt_mutex_destroy(nt_mutex *m)
{
  free(m); /* an SRW lock needs no clean-up */
}

const char *
nt_os_default_run_dir(void)
{
  const char *env = getenv("NETIPC_RUN_DIR");
  if (env != NULL && env[0] != '\0')
    return env;
  return NT_DEFAULT_RUN_DIR;
}

int
nt_os_check_run_dir(const char *run_dir)
{
  (void)run_dir; /* a name, hashed: any non-empty string will do */
  return NT_EXIT_OK;
}

bool
nt_os_is_directory(const char *path)
{
  DWORD a = GetFileAttributesA(path);
  return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY) != 0;
}

bool
nt_live_available(const char *kind)
{
  nt_error("serve %s: Windows has no cgroup file system or /proc to "
           "answer from; use --from-file FILE",
           kind);
  return false;
}
