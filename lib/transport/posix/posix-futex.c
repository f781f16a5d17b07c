/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Futex wait/wake on words that live in a file mapped by two processes.
 * The shared (non-private) opcodes are mandatory: the processes map the
 * region at different addresses (posix-shm.md 8).
 */
#include "config.h"

#include <errno.h>
#include <stdatomic.h>
#include <linux/futex.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "transport/posix/posix-shm-internal.h"

#define MS_PER_SEC 1000u
#define NS_PER_MS 1000000L

int
netipc__futex_wait(uint32_t *word, uint32_t expected, uint32_t timeout_ms)
{
  struct timespec ts = {.tv_sec = timeout_ms / MS_PER_SEC,
                        .tv_nsec = (long)(timeout_ms % MS_PER_SEC) * NS_PER_MS};
  long rc = syscall(SYS_futex, word, FUTEX_WAIT, expected, &ts, NULL, 0);
  return rc == 0 ? 0 : errno;
}

/* Counted only where a syscall is made anyway: free next to it. */
static atomic_uint_fast64_t wake_calls;

void
netipc__futex_wake(uint32_t *word)
{
  atomic_fetch_add_explicit(&wake_calls, 1, memory_order_relaxed);
  (void)syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

uint64_t
netipc__futex_wake_count(void)
{
  return atomic_load_explicit(&wake_calls, memory_order_relaxed);
}

bool
netipc__socket_peer_gone(int fd)
{
  short gone = POLLHUP | POLLERR | POLLNVAL;
#ifdef POLLRDHUP
  gone |= POLLRDHUP;
#endif
  struct pollfd p = {.fd = fd, .events = POLLIN | gone};
  int n;
  do
    n = poll(&p, 1, 0);
  while (n < 0 && errno == EINTR);
  if (n <= 0)
    return n < 0;
  if (p.revents & gone)
    return true;
  /* Readable on a silent SHM socket: either EOF or a misbehaving peer. */
  char byte;
  ssize_t r = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}
