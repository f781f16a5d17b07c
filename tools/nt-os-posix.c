/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The POSIX side of nt-platform.h: SIGPIPE ignored, SIGINT and SIGTERM as
 * stop requests, CLOCK_MONOTONIC, getrusage, pthread mutexes, and a run
 * directory that meets the library's contract (netipc_run_dir_check).
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

#include "netipc-tool.h"
#include "nt-platform.h"

#define NS_PER_SEC 1000000000u
#define US_PER_SEC 1000000.0
/* Paced sleeps of ~10 us need a timer slack far below Linux's 50 us. */
#define PRECISE_TIMER_SLACK_NS 1ul
/* Where the endpoint files go when neither option nor environment says. */
/* The last default: a private per-user directory under $TMPDIR (or /tmp),
 * as tmux and ssh-agent do, never the shared directory itself. */
#define FALLBACK_TMP_DIR "/tmp"
#define FALLBACK_PREFIX "netipc-"
#define FALLBACK_MODE 0700
#define FALLBACK_PATH_MAX 4096

void
nt_os_init(void)
{
  /* A vanished reader must give an error, not kill us. */
  (void)signal(SIGPIPE, SIG_IGN); /* cannot fail for SIGPIPE */
}

static void (*stop_fn)(void);

static void
on_signal(int sig)
{
  (void)sig;
  stop_fn();
}

bool
nt_os_on_stop_request(void (*stop)(void))
{
  stop_fn = stop;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  return sigaction(SIGINT, &sa, NULL) == 0 &&
         sigaction(SIGTERM, &sa, NULL) == 0;
}

uint64_t
nt_os_now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

void
nt_os_sleep_until_ns(uint64_t due)
{
  if (due <= nt_os_now_ns())
    return;
  struct timespec ts;
  ts.tv_sec = (time_t)(due / NS_PER_SEC);
  ts.tv_nsec = (long)(due % NS_PER_SEC);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
    ;
}

double
nt_os_cpu_seconds(void)
{
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0)
    return 0;
  double user = (double)ru.ru_utime.tv_usec / US_PER_SEC;
  double sys = (double)ru.ru_stime.tv_usec / US_PER_SEC;
  return (double)ru.ru_utime.tv_sec + user + (double)ru.ru_stime.tv_sec + sys;
}

void
nt_os_precise_sleeps(void)
{
#if defined(__linux__) && defined(PR_SET_TIMERSLACK)
  (void)prctl(PR_SET_TIMERSLACK, PRECISE_TIMER_SLACK_NS, 0, 0, 0);
#endif
}

uint32_t
nt_atomic_load32(const uint32_t *p)
{
  return atomic_load((const _Atomic uint32_t *)p);
}

void
nt_atomic_store32(uint32_t *p, uint32_t v)
{
  atomic_store((_Atomic uint32_t *)p, v);
}

uint32_t
nt_atomic_add32(uint32_t *p, uint32_t delta)
{
  return atomic_fetch_add((_Atomic uint32_t *)p, delta) + delta;
}

uint64_t
nt_atomic_add64(uint64_t *p, uint64_t delta)
{
  return atomic_fetch_add((_Atomic uint64_t *)p, delta) + delta;
}

void *
nt_atomic_load_ptr(void *const *p)
{
  return atomic_load((void *_Atomic const *)p);
}

void
nt_atomic_store_ptr(void **p, void *v)
{
  atomic_store((void *_Atomic *)p, v);
}

struct nt_mutex {
  pthread_mutex_t m;
};

nt_mutex *
nt_mutex_create(void)
{
  nt_mutex *m = malloc(sizeof *m);
  if (m != NULL && pthread_mutex_init(&m->m, NULL) != 0) {
    free(m);
    m = NULL;
  }
  return m;
}

void
nt_mutex_lock(nt_mutex *m)
{
  pthread_mutex_lock(&m->m);
}

void
nt_mutex_unlock(nt_mutex *m)
{
  pthread_mutex_unlock(&m->m);
}

void
nt_mutex_destroy(nt_mutex *m)
{
  if (m == NULL)
    return;
  pthread_mutex_destroy(&m->m);
  free(m);
}

/* The fallback's path in buf; false when it does not fit. */
static bool
fallback_path(char *buf, size_t cap)
{
  const char *tmp = getenv("TMPDIR");
  if (tmp == NULL || tmp[0] == '\0')
    tmp = FALLBACK_TMP_DIR;
  int n = snprintf(buf, cap, "%s/" FALLBACK_PREFIX "%lu", tmp,
                   (unsigned long)geteuid());
  return n >= 0 && (size_t)n < cap;
}

/*
 * ${TMPDIR:-/tmp}/netipc-<uid>: created 0700 when absent; when present it
 * must be a real directory (not a symlink) of ours with no group or other
 * access, else someone else may have made it to catch our endpoints.
 * NULL (after a message) when it is refused or its name does not fit;
 * when only mkdir failed, the library's check then reports the path.
 */
static const char *fallback_refusal(const char *dir);

static const char *
fallback_run_dir(void)
{
  static char path[FALLBACK_PATH_MAX];
  if (!fallback_path(path, sizeof path)) {
    nt_error("TMPDIR is too long for a run directory (over %d bytes)",
             FALLBACK_PATH_MAX - 1);
    return NULL;
  }
  if (mkdir(path, FALLBACK_MODE) != 0 && errno != EEXIST)
    nt_error("cannot create run directory %s: %s", path, strerror(errno));
  /* Every command, not only serve: a client must not send its token to
   * whatever another user prepared under our name. */
  const char *why = fallback_refusal(path);
  if (why != NULL) {
    nt_error("cannot use run directory %s: %s", path, why);
    return NULL;
  }
  return path;
}

/*
 * What the private fallback directory needs beyond the library's run
 * directory contract (netipc_run_dir_check), or NULL: it is ours alone,
 * so it must be owned by us (not even root) with no group or other access.
 */
static const char *
fallback_refusal(const char *dir)
{
  char expect[FALLBACK_PATH_MAX];
  struct stat st;
  if (!fallback_path(expect, sizeof expect) || strcmp(dir, expect) != 0 ||
      lstat(dir, &st) != 0)
    return NULL;
  if (st.st_uid != geteuid())
    return "owned by another user";
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    return "group or others have access (want 0700)";
  return NULL;
}

const char *
nt_os_default_run_dir(void)
{
  const char *env = getenv("NETIPC_RUN_DIR");
  if (env != NULL && env[0] != '\0')
    return env;
  if (access(NT_DEFAULT_RUN_DIR, W_OK | X_OK) == 0)
    return NT_DEFAULT_RUN_DIR;
  env = getenv("XDG_RUNTIME_DIR");
  if (env != NULL && env[0] != '\0')
    return env;
  return fallback_run_dir();
}

int
nt_os_check_run_dir(const char *dir)
{
  char msg[NETIPC_RUN_DIR_MSG_MAX];
  if (netipc_run_dir_check(dir, NETIPC_ROLE_SERVER, msg, sizeof msg) !=
      NETIPC_OK)
    return nt_error("%s", msg);
  const char *why = fallback_refusal(dir);
  if (why != NULL)
    return nt_error("cannot use run directory %s: %s", dir, why);
  if (access(dir, W_OK | X_OK) != 0)
    return nt_error("cannot use run directory %s: %s", dir, strerror(errno));
  return NT_EXIT_OK;
}

bool
nt_os_is_directory(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool
nt_live_available(const char *kind)
{
  (void)kind; /* /sys/fs/cgroup and /proc are looked at when used */
  return true;
}
