/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * posix-internal.h - POSIX helpers shared by the transports: deadline-aware
 * readiness waits, the abort pipe and errno mapping (the clock and the
 * deadlines they use are declared in transport/platform.h).
 */
#ifndef NETIPC_TRANSPORT_POSIX_INTERNAL_H
#define NETIPC_TRANSPORT_POSIX_INTERNAL_H

#include <netipc/transport.h>

#include <stdatomic.h>
#include <sys/types.h>

#include "transport/platform.h"

/* Blocked receives one abort handle can wake by shutdown() at once; more
 * concurrent receives fall back to poll() on the pipe. */
/* What a UDS endpoint's file name adds to the service name. */
#define NETIPC__UDS_SUFFIX ".sock"

#define NETIPC__ABORT_SLOTS 64

/*
 * The abort handle. `signalled` is what the hot path reads (an atomic
 * load, no syscall). The non-blocking pipe (a byte in it means "aborted")
 * serves poll()-based waits. A receive blocked in recvmsg() registers its
 * socket in a slot; signalling shuts registered sockets down, which ends
 * their recvmsg(). Slot values: 0 free, fd + 1 registered, with
 * ABORT_SLOT_BUSY while a signaller works on it (posix-abort.c).
 */
struct netipc_abort {
  int read_fd;
  int write_fd;
  atomic_bool signalled;
  _Atomic uint32_t slots[NETIPC__ABORT_SLOTS];
};

/*
 * Register fd for the blocking receive that follows. Returns the slot, or
 * -1 when every slot is taken (use netipc__wait_readable instead). The
 * caller checks netipc_abort_is_signalled() after this and before it
 * blocks; netipc__abort_leave() must follow before fd can be closed.
 */
int netipc__abort_enter(const netipc_abort *a, int fd);
void netipc__abort_leave(const netipc_abort *a, int slot);

/*
 * Wait until fd is readable (or hung up), the deadline (0 = none) passes,
 * or abort (may be NULL) fires; abort wins when both are ready
 * (posix-uds.md 11). EINTR retries with the remaining time.
 * Errors: TIMEOUT, ABORTED, SYSTEM.
 */
netipc_err netipc__wait_readable(int fd, uint64_t deadline,
                                 const netipc_abort *abort);

/* A netipc error for an errno from send/recv/connect. */
netipc_err netipc__errno_to_err(int err);

/*
 * netipc_run_dir_check, also telling (*shared, may be NULL) whether the
 * directory is writable by others (then sticky): there the endpoints in
 * it must belong to a trusted uid (posix-rundir.c, doc/transport.md).
 */
netipc_err netipc__run_dir_inspect(const char *run_dir, netipc_role role,
                                   bool *shared, char *msg, size_t cap);

/* Whether a file or peer owned by uid may be trusted: ours or root's. */
bool netipc__uid_trusted(uid_t uid);

/* The uid of a connected UNIX socket's peer (SO_PEERCRED, getpeereid).
 * Errors: SYSTEM, NOT_SUPPORTED where the kernel does not tell. */
netipc_err netipc__socket_peer_uid(int fd, uid_t *uid);

#endif /* NETIPC_TRANSPORT_POSIX_INTERNAL_H */
