/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * win-shm-internal.h - the Windows SHM data plane as the session sees it
 * (windows.md 4): a region created by the server or attached by the
 * client (the handshake hooks netipc__shm_server_open / _client_open /
 * netipc__shm_destroy in win-shm-region.c), and one message each way
 * (win-shm-io.c).
 */
#ifndef NETIPC_TRANSPORT_WIN_SHM_INTERNAL_H
#define NETIPC_TRANSPORT_WIN_SHM_INTERNAL_H

#include "transport/windows/win-internal.h"

/* Bytes of the area this side reads from: the request area on the
 * server, the response area on the client. */
size_t netipc__win_shm_in_cap(const netipc__shm *shm);

/*
 * Publish one whole message (the 32 header bytes, then len - 32 payload
 * bytes) into this side's outgoing area and wake the peer if it sleeps
 * (4.4). Errors: LIMIT_EXCEEDED (over the area; nothing published).
 */
netipc_err netipc__win_shm_publish(netipc__shm *shm, const uint8_t *hdr,
                                   const void *payload, size_t len);

/*
 * Wait up to timeout_ms (0: forever) for the peer's next message and copy
 * it into buf (cap bytes) (4.5), in slices that notice abort and, through
 * pipe (the session's handle), a peer that died without closing (4.7).
 * Errors: TIMEOUT, ABORTED, DISCONNECTED, PROTOCOL (torn message),
 * LIMIT_EXCEEDED (larger than cap; *len says how large).
 */
netipc_err netipc__win_shm_receive(netipc__shm *shm, uint32_t timeout_ms,
                                   const netipc_abort *abort, HANDLE pipe,
                                   uint8_t *buf, size_t cap, size_t *len);

#endif /* NETIPC_TRANSPORT_WIN_SHM_INTERNAL_H */
