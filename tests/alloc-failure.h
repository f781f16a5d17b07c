/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * alloc-failure.h - the out-of-memory loop of the test-alloc-failure-*
 * programs (issue 13, 6), after SQLite's OOM tests: run a scenario with
 * its 1st allocation failing, then its 2nd, ... (netipc__alloc_fail_after,
 * one failure per run) until a run completes without reaching the armed
 * allocation. Each run must report no fault and leave the descriptor count
 * as it found it; memory leaks are valgrind's (make check-valgrind).
 *
 * The library code under test runs in this process with the countdown
 * armed; its peer runs in a forked child, which disarms its copy first, so
 * the countdown only ever sees the allocations of the side under test.
 * POSIX only.
 */
#ifndef NETIPC_TESTS_ALLOC_FAILURE_H
#define NETIPC_TESTS_ALLOC_FAILURE_H

#include <sys/types.h>

#include <netipc/common.h>

#include "tap.h"

/* Runs beyond which a scenario counts as not converging. */
#define AF_MAX_RUNS 5000ul

/*
 * One run of a scenario with the countdown armed; NULL when every step
 * behaved (an injected failure reported cleanly, the object usable or
 * destroyed), else a description of the fault (a static string or
 * af_why()).
 */
typedef const char *(*af_scenario)(void *arg);

/* Format a fault description into a static buffer (for scenarios). */
const char *af_why(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/*
 * End of the armed part of a run: disarm and tell whether the failure
 * was injected (1) or not reached (0). A scenario calls it before its own
 * verification allocates; af_loop calls it anyway after the scenario.
 */
int af_disarm(void);
/* 1 when the run's failure has been injected so far (still armed). */
int af_fired(void);
/* The failure injection of the current run was an expected NOMEM: err is
 * NETIPC_ERR_NOMEM and the failure has fired. */
int af_nomem(netipc_err err);

typedef struct af_result {
  unsigned long runs;      /* runs made */
  unsigned long faults;    /* runs that reported a fault or leaked an fd */
  unsigned long completed; /* the run that did not reach its failure; 0 */
  int last_clean;          /* the last run had no fault */
} af_result;

/*
 * Run fn(arg) with the n-th allocation failing for n = 1, 2, ... until a
 * run does not reach it (at most AF_MAX_RUNS), printing the first faults
 * as TAP diagnostics.
 */
void af_loop(const char *name, af_scenario fn, void *arg, af_result *res);

/*
 * af_loop and its two TAP checks: every run clean (no fault, no fd
 * leaked), and the loop converged after at least one injected failure.
 * In the header, so the checks count in the test's own tap.h state.
 */
TAP_UNUSED static void
af_check(const char *name, af_scenario fn, void *arg)
{
  af_result r;
  af_loop(name, fn, arg, &r);
  if (!ok(r.faults == 0,
          "%s: %lu runs, every failed allocation handled cleanly", name,
          r.runs))
    diag("%lu faulty runs (the last run completed: %s)", r.faults,
         r.last_clean ? "cleanly" : "with a fault");
  ok(r.completed > 1, "%s: completed after %lu injected failures", name,
     r.completed > 0 ? r.completed - 1 : 0);
}

/* ---- forked peers -------------------------------------------------- */

/*
 * Fork a child that disarms the countdown and runs fn(arg, ready_fd),
 * exiting with its return value; fn writes one byte to ready_fd when it
 * is ready (af_ready). The parent gets the pid and waits for that byte
 * (up to timeout_ms) when wait_ready is set; bails out on failure.
 */
pid_t af_fork(int (*fn)(void *arg, int ready_fd), void *arg, int wait_ready,
              int timeout_ms);
/*
 * The same, but the child waits for af_go() before it runs fn (and exits
 * 0 at once when the parent closes *go_fd without it): fork while this
 * process has no other threads, start them, then let the child go. A
 * child forked from a multi-threaded process would inherit memory that
 * only another thread's stack pointed to, and valgrind would call it
 * lost.
 */
pid_t af_fork_held(int (*fn)(void *arg, int ready_fd), void *arg,
                   int *go_fd);
/* Let a held child run (go != 0) or exit (go == 0); closes go_fd. */
void af_go(int go_fd, int go);
/* Child side: tell the parent we are ready. */
void af_ready(int ready_fd);
/* The child's exit status within timeout_ms, or -1 (then it is killed). */
int af_reap(pid_t pid, int timeout_ms);
/* 1 when the child has exited (reaped into *status), 0 while it runs. */
int af_exited(pid_t pid, int *status);
/* Kill and reap a long-lived peer. */
void af_kill(pid_t pid);

#endif /* NETIPC_TESTS_ALLOC_FAILURE_H */
