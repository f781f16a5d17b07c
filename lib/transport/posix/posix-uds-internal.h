/* SPDX-License-Identifier: GPL-3.0-or-later */
/* posix-uds-internal.h - the UDS SOCK_SEQPACKET session and its helpers. */
#ifndef NETIPC_TRANSPORT_POSIX_UDS_INTERNAL_H
#define NETIPC_TRANSPORT_POSIX_UDS_INTERNAL_H

#include <sys/socket.h>
#include <sys/un.h>

#include "transport/handshake-internal.h"
#include "transport/session-internal.h"
#include "transport/transport-internal.h"
#include <stddef.h>

#include "transport/posix/posix-internal.h"

#define NETIPC__SUN_PATH_MAX sizeof(((struct sockaddr_un *)0)->sun_path)

struct netipc_session {
  netipc__session_core core; /* first: transport/session.c reaches it */
  int fd;
  netipc__shm *shm;     /* SHM data plane, or NULL on the baseline */
  uint32_t rcvtimeo_ms; /* SO_RCVTIMEO now set on fd; 0: none */
};
_Static_assert(offsetof(struct netipc_session, core) == 0,
               "the portable core must come first");

/*
 * Wrap a connected, handshaken descriptor (and its SHM region, if the
 * handshake selected SHM) in a session. Takes both; frees them on failure.
 * Errors: NOMEM.
 */
/* New SOCK_SEQPACKET socket with close-on-exec. Errors: SYSTEM. */
netipc_err netipc__uds_socket(int *fd);

/* sockaddr for "<run_dir>/<name>.sock". Errors: BAD_NAME, PATH_TOO_LONG. */
netipc_err netipc__uds_address(const char *run_dir, const char *name,
                               struct sockaddr_un *addr);

/*
 * The session hot path: read one record with one blocking recvmsg() and
 * nothing else. wait_ms (0: forever) goes into SO_RCVTIMEO, set only when
 * it differs from *rcvtimeo_ms; deadline (0: none) is where wait_ms ends,
 * used only after a signal interrupts the wait. An abort shuts fd down to
 * end the wait (posix-abort.c). With every abort slot taken it falls back
 * to netipc__conn_recv_record. Same results and errors as that function.
 */
netipc_err netipc__uds_recv_blocking(int fd, uint32_t *rcvtimeo_ms,
                                     uint32_t wait_ms, uint64_t deadline,
                                     const netipc_abort *abort, void *buf,
                                     size_t cap, size_t *len, bool *truncated);

#endif /* NETIPC_TRANSPORT_POSIX_UDS_INTERNAL_H */
