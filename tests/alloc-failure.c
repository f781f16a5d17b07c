/* SPDX-License-Identifier: GPL-3.0-or-later */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "alloc-failure.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/alloc.h"

#include "fd-count.h"
#include "test-platform.h"

#define AF_WHY_CAP 512
#define AF_SETTLE_MS 2000
#define AF_SETTLE_STEP_MS 5
#define AF_REAP_STEP_MS 5
#define AF_FAULTS_SHOWN 5
/* A forked peer that outlives its test is killed by this alarm. */
#define AF_CHILD_ALARM_S 300

static char af_why_buf[AF_WHY_CAP];
/* -1: not known yet in this run; else 0/1 from af_disarm(). */
static int af_fired_state = -1;

const char *
af_why(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(af_why_buf, sizeof af_why_buf, fmt, ap);
  va_end(ap);
  return af_why_buf;
}

int
af_fired(void)
{
  if (af_fired_state >= 0)
    return af_fired_state;
  return netipc__alloc_fail_pending() == 0;
}

int
af_disarm(void)
{
  if (af_fired_state < 0) {
    af_fired_state = netipc__alloc_fail_pending() == 0;
    netipc__alloc_fail_after(0);
  }
  return af_fired_state;
}

int
af_nomem(netipc_err err)
{
  return err == NETIPC_ERR_NOMEM && af_fired();
}

/* The count is back at before within AF_SETTLE_MS (threads closing). */
static int
af_fds_settle(int before)
{
  int now = fdc_count_or_bail();
  for (int waited = 0; now != before && waited < AF_SETTLE_MS;
       waited += AF_SETTLE_STEP_MS) {
    tp_sleep_ms(AF_SETTLE_STEP_MS);
    now = fdc_count_or_bail();
  }
  return now;
}

void
af_loop(const char *name, af_scenario fn, void *arg, af_result *res)
{
  memset(res, 0, sizeof *res);
  for (unsigned long n = 1; n <= AF_MAX_RUNS && res->completed == 0; n++) {
    int before = fdc_count_or_bail();
    af_fired_state = -1;
    netipc__alloc_fail_after(n);
    const char *why = fn(arg);
    int fired = af_disarm();
    int after = af_fds_settle(before);
    res->runs = n;
    res->last_clean = why == NULL && after == before;
    if (why != NULL || after != before) {
      if (res->faults++ < AF_FAULTS_SHOWN)
        printf("# %s, allocation %lu failing: %s (descriptors %d -> %d)\n",
               name, n, why != NULL ? why : "leaked a descriptor", before,
               after);
    }
    if (!fired)
      res->completed = n;
  }
  fflush(stdout);
}

/* ---- forked peers -------------------------------------------------- */

void
af_ready(int ready_fd)
{
  char c = 1;
  (void)!write(ready_fd, &c, 1);
}

pid_t
af_fork(int (*fn)(void *arg, int ready_fd), void *arg, int wait_ready,
        int timeout_ms)
{
  int p[2];
  if (pipe(p) != 0)
    tp_bail_errno("pipe");
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0)
    tp_bail_errno("fork");
  if (pid == 0) {
    netipc__alloc_fail_after(0);
    alarm(AF_CHILD_ALARM_S);
    close(p[0]);
    int rc = fn(arg, p[1]);
    close(p[1]);
    _exit(rc);
  }
  close(p[1]);
  if (wait_ready) {
    struct pollfd pfd = {.fd = p[0], .events = POLLIN};
    char c;
    if (poll(&pfd, 1, timeout_ms) != 1 || read(p[0], &c, 1) != 1) {
      af_kill(pid);
      tp_bail("a forked peer did not get ready");
    }
  }
  close(p[0]);
  return pid;
}

pid_t
af_fork_held(int (*fn)(void *arg, int ready_fd), void *arg, int *go_fd)
{
  int p[2];
  if (pipe(p) != 0)
    tp_bail_errno("pipe");
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0)
    tp_bail_errno("fork");
  if (pid == 0) {
    netipc__alloc_fail_after(0);
    alarm(AF_CHILD_ALARM_S);
    close(p[1]);
    char c = 0;
    ssize_t n;
    do
      n = read(p[0], &c, 1);
    while (n < 0 && errno == EINTR);
    close(p[0]);
    _exit(n == 1 ? fn(arg, -1) : 0);
  }
  close(p[0]);
  *go_fd = p[1];
  return pid;
}

void
af_go(int go_fd, int go)
{
  if (go)
    af_ready(go_fd);
  close(go_fd);
}

int
af_exited(pid_t pid, int *status)
{
  pid_t r;
  do
    r = waitpid(pid, status, WNOHANG);
  while (r < 0 && errno == EINTR);
  return r == pid;
}

int
af_reap(pid_t pid, int timeout_ms)
{
  int status = 0;
  for (int waited = 0; waited <= timeout_ms; waited += AF_REAP_STEP_MS) {
    if (af_exited(pid, &status))
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    tp_sleep_ms(AF_REAP_STEP_MS);
  }
  af_kill(pid);
  return -1;
}

void
af_kill(pid_t pid)
{
  int status;
  (void)kill(pid, SIGKILL);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
}
