/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The abort handle (posix-uds.md 11): the read end of a non-blocking pipe
 * is polled beside the socket; signalling writes a byte and the abort stays
 * in effect until cleared.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "common/alloc.h"
#include "transport/posix/posix-internal.h"

/* Drain this many bytes per read when clearing. */
#define ABORT_DRAIN_CHUNK 64

static int
abort_pipe(int fds[2])
{
#ifdef HAVE_PIPE2
  return pipe2(fds, O_NONBLOCK | O_CLOEXEC);
#else
  if (pipe(fds) != 0)
    return -1;
  for (int i = 0; i < 2; i++) {
    (void)fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    (void)fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
  }
  return 0;
#endif
}

netipc_err
netipc_abort_create(netipc_abort **out)
{
  if (out == NULL)
    return NETIPC_ERR_INVALID_ARG;
  netipc_abort *a = netipc__malloc(sizeof *a);
  if (a == NULL)
    return NETIPC_ERR_NOMEM;
  int fds[2];
  if (abort_pipe(fds) != 0) {
    netipc__free(a);
    return NETIPC_ERR_SYSTEM;
  }
  a->read_fd = fds[0];
  a->write_fd = fds[1];
  *out = a;
  return NETIPC_OK;
}

void
netipc_abort_signal(netipc_abort *a)
{
  if (a == NULL)
    return;
  const char byte = 1;
  ssize_t n;
  do
    n = write(a->write_fd, &byte, 1);
  while (n < 0 && errno == EINTR);
  /* EAGAIN means the pipe already holds bytes: still signalled. */
}

void
netipc_abort_clear(netipc_abort *a)
{
  if (a == NULL)
    return;
  char sink[ABORT_DRAIN_CHUNK];
  ssize_t n;
  do
    n = read(a->read_fd, sink, sizeof sink);
  while (n > 0 || (n < 0 && errno == EINTR));
}

bool
netipc_abort_is_signalled(const netipc_abort *a)
{
  if (a == NULL)
    return false;
  struct pollfd p = {.fd = a->read_fd, .events = POLLIN};
  int n;
  do
    n = poll(&p, 1, 0);
  while (n < 0 && errno == EINTR);
  return n > 0 && (p.revents & POLLIN);
}

void
netipc_abort_destroy(netipc_abort *a)
{
  if (a == NULL)
    return;
  close(a->read_fd);
  close(a->write_fd);
  netipc__free(a);
}
