/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-shm-wake.c - the publisher's FUTEX_WAKE crosses processes
 * (posix-shm.md 8-9): a receiver in a forked child falls asleep in the
 * futex (checked in /proc: blocked in FUTEX_WAIT, shared, on the signal
 * word, not spinning), then the parent publishes; the child must have the
 * message within WAKE_MAX_MS. The futex slice is made far longer than
 * that (netipc__shm_wait_slice), so a wake that is missing, or that is
 * process-private (which can only reach waiters of the same process),
 * shows as a stall instead of being covered by the next slice. Both
 * directions, on plain (reference) and extended regions.
 */
#include "config.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/futex.h>

#include "tests/shm-helpers.h"
#include "tests/tap.h"
#include "tests/uds-helpers.h"
#include "transport/posix/posix-shm-internal.h"

#define CASE_TESTS 3
#define CASES 4
#define PLAN (CASES * CASE_TESTS + 1)
#define RQ 1024u
#define RS 4096u
#define FIRST_SID 11u
/* The receiver's slice and timeout: far beyond WAKE_MAX_MS, so only the
 * wake can end its sleep in time. */
#define WAKE_SLICE_MS 60000u
#define RECEIVE_TIMEOUT_MS 30000u
#define WAKE_MAX_MS 2000
#define WAKE_MAX_MS_VALGRIND 10000
#define ASLEEP_WAIT_MS 10000u
#define ASLEEP_POLL_MS 2u
#define READY_WAIT_MS 10000
#define REAP_MS 2000
#define MSG_PAYLOAD 24u
#define PROC_LINE 512

static char run_dir[64];
static const char *const SVC = "shm-wake";

typedef struct wake_case {
  bool to_server; /* the child receives requests (else responses) */
  bool extended;
  const char *what;
} wake_case;

/* What the child gets: its end of the region and the expected message. */
typedef struct child_args {
  netipc__shm *to;
  const uint8_t *msg;
  size_t len;
} child_args;

static void
child_receive(int out_fd, const void *arg)
{
  const child_args *a = arg;
  uint8_t buf[RS + NETIPC_HEADER_LEN];
  size_t len = 0;
  if (shm_pipe_signal(out_fd, 'R') != 0)
    _exit(2);
  netipc_err err = netipc__shm_receive(a->to, RECEIVE_TIMEOUT_MS, NULL, -1,
                                       buf, sizeof buf, &len);
  bool right = err == NETIPC_OK && len == a->len &&
               memcmp(buf, a->msg, len) == 0;
  (void)shm_pipe_signal(out_fd, right ? 'K' : 'F');
  _exit(0);
}

/* The first line of /proc/<pid>/<name> into line; 0 when unreadable. */
static int
proc_line(pid_t pid, const char *name, char *line, size_t cap)
{
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
  FILE *f = fopen(path, "r");
  if (f == NULL)
    return 0;
  int got = fgets(line, (int)cap, f) != NULL;
  fclose(f);
  return got;
}

/*
 * 1 when pid's only thread sleeps (state S) in futex(word, FUTEX_WAIT):
 * /proc/<pid>/syscall is "nr arg1 arg2 ..." while it blocks in a syscall
 * ("running" while it spins). Where the kernel has no syscall file, the
 * wait channel must name the futex wait instead (the word is not shown).
 */
static int
asleep_in_futex(pid_t pid, const void *word)
{
  char line[PROC_LINE];
  if (!proc_line(pid, "stat", line, sizeof line))
    return 0;
  const char *close_paren = strrchr(line, ')');
  if (close_paren == NULL || close_paren[1] != ' ' || close_paren[2] != 'S')
    return 0;
  if (!proc_line(pid, "syscall", line, sizeof line))
    return proc_line(pid, "wchan", line, sizeof line) &&
           strstr(line, "futex") != NULL;
  long nr = -1;
  unsigned long addr = 0, op = ~0ul;
  return sscanf(line, "%ld %lx %lx", &nr, &addr, &op) == 3 &&
         nr == SYS_futex && addr == (unsigned long)(uintptr_t)word &&
         op == FUTEX_WAIT;
}

static int
wait_asleep(pid_t pid, const void *word)
{
  uint64_t end = uds_now_ms() + ASLEEP_WAIT_MS;
  while (uds_now_ms() < end) {
    if (asleep_in_futex(pid, word))
      return 1;
    uds_sleep_ms(ASLEEP_POLL_MS);
  }
  return 0;
}

static void
run_case(const wake_case *k, uint64_t sid)
{
  netipc__shm *srv = NULL, *cli = NULL;
  if (netipc__shm_create(run_dir, SVC, sid, RQ, RS, k->extended, &srv) !=
          NETIPC_OK ||
      netipc__shm_attach(run_dir, SVC, sid, RQ, RS, k->extended, &cli) !=
          NETIPC_OK)
    bail_out("%s: cannot make the region", k->what);
  netipc__shm *from = k->to_server ? cli : srv;
  netipc__shm *to = k->to_server ? srv : cli;
  unsigned sig_off =
      k->to_server ? NETIPC__SHM_REQ_SIGNAL : NETIPC__SHM_RESP_SIGNAL;

  uint8_t msg[NETIPC_HEADER_LEN + MSG_PAYLOAD];
  netipc_header h;
  netipc_header_init(&h, k->to_server ? NETIPC_KIND_REQUEST
                                      : NETIPC_KIND_RESPONSE,
                     NETIPC_METHOD_INCREMENT, sid);
  h.payload_len = MSG_PAYLOAD;
  netipc_header_encode(&h, msg, NETIPC_HEADER_LEN);
  uds_fill(msg + NETIPC_HEADER_LEN, MSG_PAYLOAD, (uint32_t)sid);
  child_args a = {to, msg, sizeof msg};

  int in_fd = -1;
  pid_t pid = shm_fork_child(child_receive, &a, &in_fd);
  if (pid < 0)
    bail_out("%s: fork", k->what);
  if (shm_pipe_wait(in_fd, READY_WAIT_MS) != 'R')
    bail_out("%s: the child did not start", k->what);
  /* The child's mapping is inherited: the word is at the same address
   * there, in another address space (so a private futex cannot match). */
  ok(wait_asleep(pid, to->base + sig_off),
     "%s: the receiver (pid %d) sleeps in a shared FUTEX_WAIT on the "
     "signal word", k->what, (int)pid);
  int bound = getenv("NETIPC_UNDER_VALGRIND") ? WAKE_MAX_MS_VALGRIND
                                              : WAKE_MAX_MS;
  uint64_t start = uds_now_ms();
  netipc_err err = netipc__shm_publish(from, msg, msg + NETIPC_HEADER_LEN,
                                       MSG_PAYLOAD);
  int answer = shm_pipe_wait(in_fd, bound);
  uint64_t took = uds_now_ms() - start;
  ok(err == NETIPC_OK && answer == 'K',
     "%s: published (%s), the other process had it within %d ms (answer "
     "'%c' after %llu ms; a lost wake sleeps %u ms)",
     k->what, netipc_err_name(err), bound, answer > 0 ? answer : '-',
     (unsigned long long)took, RECEIVE_TIMEOUT_MS);
  int status = -1;
  int reaped = shm_reap(pid, REAP_MS, &status);
  ok(reaped && WIFEXITED(status) && WEXITSTATUS(status) == 0,
     "%s: the child exited cleanly", k->what);
  close(in_fd);
  netipc__shm_destroy(cli);
  netipc__shm_destroy(srv);
}

int
main(void)
{
  uds_safety_alarm();
  plan(PLAN);
  uds_rundir_make(run_dir, sizeof run_dir, "shm-wake");
  /* One spin round, then sleep in slices far longer than the bound. */
  netipc__shm_spin_policy(1, 0, 0);
  netipc__shm_wait_slice(WAKE_SLICE_MS);
  static const wake_case cases[CASES] = {
      {true, false, "plain, request to the server"},
      {false, false, "plain, response to the client"},
      {true, true, "extended, request to the server"},
      {false, true, "extended, response to the client"},
  };
  for (unsigned i = 0; i < CASES; i++)
    run_case(&cases[i], FIRST_SID + i);
  netipc__shm_wait_slice(0);
  netipc__shm_spin_policy(0, NETIPC__SHM_SPIN_MIN, NETIPC__SHM_SPIN_MAX);
  is_int(shm_count_regions(run_dir), 0, "every region file is gone");
  uds_rundir_remove(run_dir);
  return exit_status();
}
