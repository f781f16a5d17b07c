/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * win-pipe-internal.h - the Named Pipe baseline (windows.md 3): overlapped
 * record I/O with deadline and abort (win-pipe-io.c), shared by the
 * session (win-session.c), the listener (win-pipe-listen.c) and the
 * client connect (win-pipe-connect.c).
 *
 * Every handle is opened with FILE_FLAG_OVERLAPPED, the spec's
 * recommended alternative to polling (3.7); peers cannot tell. Each
 * operation carries an OVERLAPPED with a manual-reset event; one that
 * completes at once costs no wait, one that pends waits on its event and
 * the abort event until the deadline, and is cancelled if that ends first.
 */
#ifndef NETIPC_TRANSPORT_WIN_PIPE_INTERNAL_H
#define NETIPC_TRANSPORT_WIN_PIPE_INTERNAL_H

#include "transport/windows/win-internal.h"

/* What both ends propose unless configured (3.5). */
#define NETIPC__PIPE_PACKET_SIZE_DEFAULT NETIPC_PACKET_SIZE_FALLBACK
/* Pipe buffers are never smaller than this (3.1). */
#define NETIPC__PIPE_BUFFER_MIN 65536u

/* A session: the portable core first, then the pipe and what its I/O
 * keeps for the session's lifetime (no per-call event on the hot path). */
struct netipc_session {
  netipc__session_core core; /* first: transport/session.c reaches it */
  HANDLE pipe;
  HANDLE read_event;  /* receives (one at a time) */
  HANDLE write_event; /* sends (one at a time, may overlap a receive) */
  uint8_t *send_buf;  /* a record's pieces joined: pipes have no gather */
  size_t send_cap;    /* the agreed packet size; 0 while SHM carries data */
  netipc__shm *shm;   /* SHM data plane, or NULL on the baseline */
};
NETIPC__STATIC_ASSERT(offsetof(struct netipc_session, core) == 0,
                      "the portable core must come first");

/* When a pending operation gives up: the earlier of now + wait_ms (when
 * non-zero) and deadline (when non-zero); abort (may be NULL) ends it too.
 * The clock is read only if the operation pends. */
typedef struct netipc__pipe_wait {
  uint32_t wait_ms;
  uint64_t deadline;
  const netipc_abort *abort;
} netipc__pipe_wait;

/*
 * Finish the overlapped operation ov (its hEvent set) that a call on h
 * started and that returned `done`; call it right after that call, with
 * its GetLastError() intact. A pending operation is waited for per w; on
 * timeout, abort or a failed wait it is cancelled and awaited, and still
 * counts if it completed meanwhile. On NETIPC_OK, *os_err is the
 * operation's own result (ERROR_SUCCESS, ERROR_MORE_DATA, ...) and *n its
 * byte count. Errors: TIMEOUT, ABORTED, SYSTEM (the operation was
 * cancelled; nothing happened).
 */
netipc_err netipc__pipe_complete(HANDLE h, OVERLAPPED *ov, BOOL done,
                                 const netipc__pipe_wait *w, DWORD *n,
                                 DWORD *os_err);

/*
 * Read one message into buf (cap bytes) with event for the OVERLAPPED.
 * An abort signalled before the call wins over data already there.
 * *truncated: the message was longer than cap (its first cap bytes are
 * in buf, the rest is still in the pipe). Errors: TIMEOUT, ABORTED,
 * DISCONNECTED (peer gone, or an empty message), SYSTEM.
 */
netipc_err netipc__pipe_read(HANDLE h, HANDLE event,
                             const netipc__pipe_wait *w, void *buf,
                             size_t cap, size_t *len, bool *truncated);

/* After a read that came back truncated: discard the rest of that
 * message, so the stream stays at a message boundary as a SEQPACKET
 * socket's does. Errors: those of netipc__pipe_read. */
netipc_err netipc__pipe_drain(HANDLE h, HANDLE event,
                              const netipc__pipe_wait *w);

/*
 * Send one record of count pieces as one message (one WriteFile), joined
 * in scratch (scratch_cap bytes) unless a single piece carries it all.
 * Errors: INVALID_ARG (does not fit scratch), DISCONNECTED, SYSTEM (also
 * a short write).
 */
netipc_err netipc__pipe_write_record(HANDLE h, HANDLE event,
                                     uint8_t *scratch, size_t scratch_cap,
                                     const netipc__iobuf *bufs, int count);

/*
 * Close a connected pipe handle, on either side, without blocking and
 * without losing what this side wrote. Upstream's server close (3.8) is
 * FlushFileBuffers, DisconnectNamedPipe, CloseHandle: the disconnect
 * discards unread data, so the flush must first wait until the client
 * has read everything, with no bound. A client that stops reading (or a
 * rejected one that never reads its HELLO_ACK) would then stall the
 * closing thread, an accept loop included, for as long as it likes. Only
 * the disconnect discards: after a plain CloseHandle the client still
 * reads what is queued, then ERROR_BROKEN_PIPE (3.8: "peer gone"). The
 * disconnect exists to reuse an instance, and we never reuse one (every
 * accept creates a fresh instance), so the plain close is all we need.
 */
void netipc__pipe_close(HANDLE h);

/* A manual-reset, unsignalled, unnamed event for one OVERLAPPED, or NULL. */
HANDLE netipc__pipe_event(void);

#endif /* NETIPC_TRANSPORT_WIN_PIPE_INTERNAL_H */
