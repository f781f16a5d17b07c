/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The abort handle (posix-uds.md 11). Signalling sets an atomic flag (what
 * calls check on their hot path), shuts down the sockets of receives
 * blocked in recvmsg() under this handle, and writes a byte into a
 * non-blocking pipe that poll()-based waits watch. The abort stays in
 * effect until cleared. Everything signal does is async-signal-safe: no
 * lock, only atomics, shutdown() and write().
 *
 * A registered receive and a signal race as in Dekker's algorithm: the
 * receiver publishes its slot and then reads the flag; the signaller sets
 * the flag and then reads the slots (all sequentially consistent). At
 * least one of them sees the other, so a receive either sees the abort
 * before it blocks or has its socket shut down. A signaller marks a slot
 * BUSY while it calls shutdown(), and leave() waits for that to end, so
 * the descriptor cannot be closed and reused under the shutdown().
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/alloc.h"
#include "transport/posix/posix-internal.h"

/* Drain this many bytes per read when clearing. */
#define ABORT_DRAIN_CHUNK 64
/* A slot holds fd + 1; this bit marks a signaller at work on it. */
#define ABORT_SLOT_BUSY 0x80000000u

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
  atomic_init(&a->signalled, false);
  for (size_t i = 0; i < NETIPC__ABORT_SLOTS; i++)
    atomic_init(&a->slots[i], 0);
  *out = a;
  return NETIPC_OK;
}

void
netipc_abort_signal(netipc_abort *a)
{
  if (a == NULL)
    return;
  atomic_store(&a->signalled, true);
  for (size_t i = 0; i < NETIPC__ABORT_SLOTS; i++) {
    uint32_t v = atomic_load(&a->slots[i]);
    if (v == 0 || (v & ABORT_SLOT_BUSY) ||
        !atomic_compare_exchange_strong(&a->slots[i], &v, v | ABORT_SLOT_BUSY))
      continue; /* free, or another signaller has it */
    (void)shutdown((int)(v - 1), SHUT_RDWR);
    atomic_store(&a->slots[i], v);
  }
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
  atomic_store(&a->signalled, false);
  char sink[ABORT_DRAIN_CHUNK];
  ssize_t n;
  do
    n = read(a->read_fd, sink, sizeof sink);
  while (n > 0 || (n < 0 && errno == EINTR));
}

bool
netipc_abort_is_signalled(const netipc_abort *a)
{
  return a != NULL && atomic_load(&a->signalled);
}

int
netipc__abort_enter(const netipc_abort *ca, int fd)
{
  /* The slots are the handle's own mutable state, shared by receivers. */
  netipc_abort *a = (netipc_abort *)ca;
  if (fd < 0 || (uint32_t)fd + 1 >= ABORT_SLOT_BUSY)
    return -1; /* not representable in a slot: poll() instead */
  for (int i = 0; i < NETIPC__ABORT_SLOTS; i++) {
    uint32_t expected = 0;
    if (atomic_compare_exchange_strong(&a->slots[i], &expected,
                                       (uint32_t)fd + 1))
      return i;
  }
  return -1;
}

void
netipc__abort_leave(const netipc_abort *ca, int slot)
{
  netipc_abort *a = (netipc_abort *)ca;
  /* Wait out a signaller's shutdown() before the fd may be closed. */
  for (;;) {
    uint32_t v = atomic_load(&a->slots[slot]);
    if ((v & ABORT_SLOT_BUSY) == 0 &&
        atomic_compare_exchange_strong(&a->slots[slot], &v, 0))
      return;
    sched_yield(); /* one shutdown() call; let its thread finish it */
  }
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
