/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Clock, readiness waits and errno mapping for the POSIX transports. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <time.h>

#include "transport/posix/posix-internal.h"

#define MS_PER_SEC 1000u
#define NS_PER_MS 1000000u

uint64_t
netipc__now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * MS_PER_SEC + (uint64_t)ts.tv_nsec / NS_PER_MS;
}

/* Milliseconds left for poll(), or -1 to wait forever; 0 when expired. */
static int
wait_remaining(uint64_t deadline)
{
  uint32_t left;
  if (netipc__deadline_left(deadline, &left) != NETIPC_OK)
    return 0;
  if (deadline == 0)
    return -1;
  return left > INT_MAX ? INT_MAX : (int)left;
}

netipc_err
netipc__wait_readable(int fd, uint64_t deadline, const netipc_abort *abort)
{
  const short abort_events = POLLIN | POLLHUP | POLLERR;
  for (;;) {
    int remaining = wait_remaining(deadline);
    if (remaining == 0)
      return NETIPC_ERR_TIMEOUT;
    struct pollfd fds[2] = {
        {.fd = fd, .events = POLLIN},
        {.fd = abort != NULL ? abort->read_fd : -1, .events = POLLIN},
    };
    int n = poll(fds, 2, remaining);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return NETIPC_ERR_SYSTEM;
    if (n == 0)
      continue; /* re-evaluated against the deadline above */
    if (fds[1].revents & abort_events)
      return NETIPC_ERR_ABORTED;
    if (fds[0].revents != 0)
      return NETIPC_OK;
  }
}

netipc_err
netipc__errno_to_err(int err)
{
  switch (err) {
  case EPIPE:
  case ECONNRESET:
  case ENOTCONN:
    return NETIPC_ERR_DISCONNECTED;
  case ENOMEM:
  case ENOBUFS:
    return NETIPC_ERR_NOMEM;
  case ETIMEDOUT:
  case EAGAIN:
    return NETIPC_ERR_TIMEOUT;
  default:
    return NETIPC_ERR_SYSTEM;
  }
}
