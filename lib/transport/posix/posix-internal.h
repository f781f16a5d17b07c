/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * posix-internal.h - POSIX helpers shared by the transports: the monotonic
 * clock, deadline-aware readiness waits, the abort pipe and errno mapping.
 */
#ifndef NETIPC_TRANSPORT_POSIX_INTERNAL_H
#define NETIPC_TRANSPORT_POSIX_INTERNAL_H

#include <netipc/transport.h>

/* The abort handle: a non-blocking pipe; a byte in it means "aborted". */
struct netipc_abort {
  int read_fd;
  int write_fd;
};

/* Milliseconds on CLOCK_MONOTONIC. */
uint64_t netipc__now_ms(void);

/* Deadline for timeout_ms from now; 0 (no deadline) when timeout_ms is 0. */
uint64_t netipc__deadline(uint32_t timeout_ms);

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

#endif /* NETIPC_TRANSPORT_POSIX_INTERNAL_H */
