/* SPDX-License-Identifier: GPL-3.0-or-later */
/* soak-server.c - see soak-server.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "soak-server.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "soak-common.h"
#include "service-helpers.h"

/* How often the child refreshes its published session count. */
#define SOAK_PUBLISH_MS 5
#define SOAK_READY_TIMEOUT_MS 10000
#define SOAK_WAIT_POLL_MS 10
/* Sessions each of the three servers may hold: the persistent clients,
 * the churners and the misbehavers with room to spare, so no connection
 * of the soak is ever refused for capacity. */
#define SOAK_SERVER_WORKERS 64u
/* Child exit codes. */
#define SOAK_CHILD_OK 0
#define SOAK_CHILD_START_FAILED 3

enum { SOAK_READY_WAITING = 0, SOAK_READY_UP = 1, SOAK_READY_FAILED = 2 };

static const struct {
  const char *svc;
  uint16_t method;
} soak_services[] = {
    {SOAK_SVC_INCREMENT, NETIPC_METHOD_INCREMENT},
    {SOAK_SVC_REVERSE, NETIPC_METHOD_STRING_REVERSE},
    {SOAK_SVC_SNAPSHOT, NETIPC_METHOD_CGROUPS_SNAPSHOT},
};
#define SOAK_NSERVICES (sizeof soak_services / sizeof soak_services[0])

/* Create and start one managed server; NULL on failure (reported). */
static netipc_server *
child_server(const char *dir, int shm, size_t i, svc_handler *h)
{
  netipc_server_config cfg;
  svc_server_config(&cfg, dir, soak_services[i].svc, soak_services[i].method,
                    h);
  if (shm) {
    cfg.supported_profiles =
        NETIPC_PROFILE_BASELINE | NETIPC_PROFILE_SHM_HYBRID;
    cfg.preferred_profiles = NETIPC_PROFILE_SHM_HYBRID;
  }
  cfg.max_request_payload_bytes = SOAK_PAYLOAD_MAX;
  cfg.max_response_payload_bytes = SOAK_PAYLOAD_MAX;
  cfg.workers = SOAK_SERVER_WORKERS;
  cfg.cgroups_max_items = SOAK_SNAPSHOT_ITEMS;
  netipc_server *s = NULL;
  netipc_err err = netipc_server_create(&cfg, &s);
  if (err == NETIPC_OK)
    err = netipc_server_start(s);
  if (err != NETIPC_OK) {
    (void)fprintf(stderr, "soak server: %s: %s\n", soak_services[i].svc,
                  netipc_err_name(err));
    netipc_server_destroy(s);
    return NULL;
  }
  return s;
}

/* Publish the session count until the control pipe closes. */
static void
child_serve(int ctl, soak_shared *sh, netipc_server **servers)
{
  for (;;) {
    unsigned live = 0;
    for (size_t i = 0; i < SOAK_NSERVICES; i++)
      live += netipc_server_sessions(servers[i]);
    atomic_store(&sh->sessions, live);
    struct pollfd p = {.fd = ctl, .events = POLLIN};
    int n = poll(&p, 1, SOAK_PUBLISH_MS);
    if (n > 0 || (n < 0 && errno != EINTR))
      return; /* EOF (or an error): the parent is done or gone */
  }
}

/*
 * glibc's allocator adapts its mmap threshold upwards after large frees,
 * keeps freed memory in per-thread arenas and creates arenas as threads
 * contend, which moves RSS by several percent with no leak at all. Fixed
 * settings make RSS follow the live memory: every block of
 * SOAK_MMAP_THRESHOLD or more is its own mapping (leaked, it stays
 * resident; freed, it is gone), heap tops above SOAK_TRIM_THRESHOLD go
 * back to the kernel, and one arena never grows a sibling halfway
 * through. This makes leaks easier to see, not harder; it only costs
 * allocator speed under contention, which the soak does not measure.
 */
#define SOAK_MMAP_THRESHOLD (64 * 1024)
#define SOAK_TRIM_THRESHOLD (128 * 1024)
#define SOAK_ARENA_MAX 1

static void
child_allocator(void)
{
#ifdef __GLIBC__
  if (mallopt(M_MMAP_THRESHOLD, SOAK_MMAP_THRESHOLD) != 1 ||
      mallopt(M_TRIM_THRESHOLD, SOAK_TRIM_THRESHOLD) != 1 ||
      mallopt(M_ARENA_MAX, SOAK_ARENA_MAX) != 1)
    (void)fprintf(stderr, "soak server: mallopt failed; RSS is noisier\n");
#endif
}

static _Noreturn void
child_main(int ctl, soak_shared *sh, const char *dir, int shm)
{
  static svc_handler h; /* the handlers' state; lives until _exit */
  child_allocator();
  atomic_store(&h.cg_items, SOAK_SNAPSHOT_ITEMS);
  atomic_store(&h.cg_generation, SOAK_GENERATION);
  netipc_server *servers[SOAK_NSERVICES] = {NULL};
  int ok = 1;
  for (size_t i = 0; ok && i < SOAK_NSERVICES; i++)
    ok = (servers[i] = child_server(dir, shm, i, &h)) != NULL;
  atomic_store(&sh->ready, ok ? SOAK_READY_UP : SOAK_READY_FAILED);
  if (ok)
    child_serve(ctl, sh, servers);
  for (size_t i = 0; i < SOAK_NSERVICES; i++)
    netipc_server_destroy(servers[i]);
  close(ctl);
  _exit(ok ? SOAK_CHILD_OK : SOAK_CHILD_START_FAILED);
}

void
soak_server_spawn(soak_server *s, const char *dir, int shm)
{
  memset(s, 0, sizeof *s);
  s->shared = mmap(NULL, sizeof *s->shared, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (s->shared == MAP_FAILED)
    tp_bail_errno("soak: mmap of the shared page");
  int p[2];
  if (pipe(p) != 0)
    tp_bail_errno("soak: pipe");
  (void)fflush(NULL); /* nothing buffered twice */
  s->pid = fork();
  if (s->pid < 0)
    tp_bail_errno("soak: fork");
  if (s->pid == 0) {
    close(p[1]);
    child_main(p[0], s->shared, dir, shm);
  }
  close(p[0]);
  s->ctl = p[1];
  uint64_t end = tp_now_ms() + SOAK_READY_TIMEOUT_MS;
  while (atomic_load(&s->shared->ready) == SOAK_READY_WAITING) {
    if (tp_now_ms() >= end)
      tp_bail("soak: the server process did not start listening");
    tp_sleep_ms(SOAK_WAIT_POLL_MS);
  }
  if (atomic_load(&s->shared->ready) != SOAK_READY_UP)
    tp_bail("soak: the server process could not create its servers");
}

unsigned
soak_server_sessions(const soak_server *s)
{
  return atomic_load(&s->shared->sessions);
}

/* waitpid until timeout_ms; 1 when reaped into *status. */
static int
server_reap(pid_t pid, int timeout_ms, int *status)
{
  uint64_t end = tp_now_ms() + (uint64_t)timeout_ms;
  for (;;) {
    pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid)
      return 1;
    if (r < 0 && errno != EINTR)
      return 0;
    if (tp_now_ms() >= end)
      return 0;
    tp_sleep_ms(SOAK_WAIT_POLL_MS);
  }
}

int
soak_server_stop(soak_server *s, int timeout_ms, char *why, size_t cap)
{
  close(s->ctl);
  s->ctl = -1;
  int status = 0, rc = -1;
  if (!server_reap(s->pid, timeout_ms, &status)) {
    kill(s->pid, SIGKILL); /* our own child, by its id */
    (void)server_reap(s->pid, timeout_ms, &status);
    (void)snprintf(why, cap, "did not exit within %d ms (killed)",
                   timeout_ms);
  } else if (WIFEXITED(status)) {
    (void)snprintf(why, cap, "exit status %d", WEXITSTATUS(status));
    rc = WEXITSTATUS(status) == SOAK_CHILD_OK ? 0 : -1;
  } else if (WIFSIGNALED(status))
    (void)snprintf(why, cap, "killed by signal %d", WTERMSIG(status));
  else
    (void)snprintf(why, cap, "wait status 0x%x", (unsigned)status);
  munmap(s->shared, sizeof *s->shared);
  s->shared = NULL;
  return rc;
}
