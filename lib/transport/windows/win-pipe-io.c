/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Named Pipe record I/O (windows.md 3.6-3.8): overlapped reads and writes
 * that a deadline or an abort cancels, the error mapping, and the record
 * hooks of a connection that is not yet a session (the handshake).
 */
#include "config.h"

#include <string.h>

#include "transport/windows/win-pipe-internal.h"

netipc_err
netipc__win_error(DWORD err)
{
  switch (err) {
  case ERROR_BROKEN_PIPE:        /* 109: the peer closed its end */
  case ERROR_NO_DATA:            /* 232: the pipe is being closed */
  case ERROR_PIPE_NOT_CONNECTED: /* 233: the server disconnected it */
    return NETIPC_ERR_DISCONNECTED;
  case ERROR_NOT_ENOUGH_MEMORY:
  case ERROR_OUTOFMEMORY:
    return NETIPC_ERR_NOMEM;
  default:
    return NETIPC_ERR_SYSTEM;
  }
}

void
netipc__pipe_close(HANDLE h)
{
  CloseHandle(h);
}

HANDLE
netipc__pipe_event(void)
{
  /* Manual reset, as overlapped I/O requires: each operation resets it
   * when it starts and the kernel sets it when the operation ends. */
  return CreateEventW(NULL, TRUE, FALSE, NULL);
}

/* The deadline of w: the earlier of its two bounds (0: none). */
static uint64_t
pipe_wait_deadline(const netipc__pipe_wait *w)
{
  uint64_t d = w->deadline;
  if (w->wait_ms != 0) {
    uint64_t mine = netipc__deadline(w->wait_ms);
    if (d == 0 || mine < d)
      d = mine;
  }
  return d;
}

/* Wait for a pending operation; on any failure of the wait, cancel it.
 * The OVERLAPPED lives on the caller's stack, so the operation must be
 * over before this returns, whatever happens. */
static netipc_err
pipe_wait_pending(HANDLE h, OVERLAPPED *ov, const netipc__pipe_wait *w,
                  DWORD *n, DWORD *os_err)
{
  netipc_err err = netipc__win_wait(ov->hEvent, pipe_wait_deadline(w),
                                    w->abort);
  if (err != NETIPC_OK)
    (void)CancelIoEx(h, ov);
  /* Signalled (or cancelled): this no longer blocks for long. */
  *os_err = GetOverlappedResult(h, ov, n, TRUE) ? ERROR_SUCCESS
                                                : GetLastError();
  /* A read that finished before the cancel took hold keeps its data. */
  if (err != NETIPC_OK && *os_err == ERROR_OPERATION_ABORTED)
    return err;
  return NETIPC_OK;
}

netipc_err
netipc__pipe_complete(HANDLE h, OVERLAPPED *ov, BOOL done,
                      const netipc__pipe_wait *w, DWORD *n, DWORD *os_err)
{
  *n = 0;
  if (!done) {
    DWORD e = GetLastError();
    if (e == ERROR_IO_PENDING)
      return pipe_wait_pending(h, ov, w, n, os_err);
    /* Failed at once. Only a warning (ERROR_MORE_DATA) fills the
     * OVERLAPPED's status and count; take other codes as they are. */
    if (e != ERROR_MORE_DATA) {
      *os_err = e;
      return NETIPC_OK;
    }
  }
  /* Completed at once (the fast path): no wait, no system call. */
  *os_err = GetOverlappedResult(h, ov, n, FALSE) ? ERROR_SUCCESS
                                                 : GetLastError();
  return NETIPC_OK;
}

netipc_err
netipc__pipe_read(HANDLE h, HANDLE event, const netipc__pipe_wait *w,
                  void *buf, size_t cap, size_t *len, bool *truncated)
{
  *truncated = false;
  /* Like POSIX (posix-uds.md 11): an abort already signalled wins. */
  if (w->abort != NULL && netipc_abort_is_signalled(w->abort))
    return NETIPC_ERR_ABORTED;
  OVERLAPPED ov;
  memset(&ov, 0, sizeof ov);
  ov.hEvent = event;
  DWORD want = cap > MAXDWORD ? MAXDWORD : (DWORD)cap;
  BOOL done = ReadFile(h, buf, want, NULL, &ov);
  DWORD n, os_err;
  netipc_err err = netipc__pipe_complete(h, &ov, done, w, &n, &os_err);
  if (err != NETIPC_OK)
    return err;
  /* Message mode: a message longer than the buffer fills it and keeps
   * its rest for the next read (3.7); the caller judges the record. */
  if (os_err == ERROR_MORE_DATA) {
    *truncated = true;
    os_err = ERROR_SUCCESS;
  }
  if (os_err != ERROR_SUCCESS)
    return netipc__win_error(os_err);
  /* Peers never send empty messages: a zero-byte read is the end (3.8). */
  if (n == 0)
    return NETIPC_ERR_DISCONNECTED;
  *len = n;
  return NETIPC_OK;
}

/* One WriteFile of one message, waited for without a bound, as a POSIX
 * sendmsg() blocks while the peer's buffer is full. */
static netipc_err
pipe_write(HANDLE h, HANDLE event, const void *buf, DWORD len)
{
  OVERLAPPED ov;
  memset(&ov, 0, sizeof ov);
  ov.hEvent = event;
  const netipc__pipe_wait forever = {0, 0, NULL};
  BOOL done = WriteFile(h, buf, len, NULL, &ov);
  DWORD n, os_err;
  netipc_err err = netipc__pipe_complete(h, &ov, done, &forever, &n, &os_err);
  if (err != NETIPC_OK)
    return err;
  if (os_err != ERROR_SUCCESS)
    return netipc__win_error(os_err);
  /* A message is atomic; a short one means the session is unusable. */
  return n == len ? NETIPC_OK : NETIPC_ERR_SYSTEM;
}

netipc_err
netipc__pipe_write_record(HANDLE h, HANDLE event, uint8_t *scratch,
                          size_t scratch_cap, const netipc__iobuf *bufs,
                          int count)
{
  if (count < 1 || count > (int)NETIPC__RECORD_PIECES_MAX)
    return NETIPC_ERR_INVALID_ARG;
  size_t total = 0;
  int last = 0; /* the only non-empty piece, when there is one */
  int pieces = 0;
  for (int i = 0; i < count; i++) {
    total += bufs[i].len;
    if (bufs[i].len != 0) {
      last = i;
      pieces++;
    }
  }
  if (total == 0 || total > MAXDWORD)
    return NETIPC_ERR_INVALID_ARG;
  if (pieces == 1) /* nothing to join: write the caller's bytes */
    return pipe_write(h, event, bufs[last].base, (DWORD)total);
  if (total > scratch_cap)
    return NETIPC_ERR_INVALID_ARG;
  size_t at = 0;
  for (int i = 0; i < count; i++) {
    memcpy(scratch + at, bufs[i].base, bufs[i].len);
    at += bufs[i].len;
  }
  return pipe_write(h, event, scratch, (DWORD)total);
}

/* ---- the handshake's record hooks (transport/handshake-internal.h) ---- */

/* The handshake reads and writes no more than this per record (3.4). */
#define CONN_RECORD_MAX NETIPC__HANDSHAKE_RECV_MAX

uint32_t
netipc__conn_packet_size(netipc_os_handle conn, uint32_t configured)
{
  (void)conn; /* nothing to probe on a pipe (3.5) */
  return configured != 0 ? configured : NETIPC__PIPE_PACKET_SIZE_DEFAULT;
}

netipc_err
netipc__conn_send_record(netipc_os_handle conn, const netipc__iobuf *bufs,
                         int count)
{
  uint8_t scratch[CONN_RECORD_MAX];
  HANDLE event = netipc__pipe_event();
  if (event == NULL)
    return NETIPC_ERR_SYSTEM;
  netipc_err err = netipc__pipe_write_record(netipc__win_handle(conn), event,
                                             scratch, sizeof scratch, bufs,
                                             count);
  CloseHandle(event);
  return err;
}

netipc_err
netipc__pipe_drain(HANDLE h, HANDLE event, const netipc__pipe_wait *w)
{
  uint8_t scratch[CONN_RECORD_MAX];
  bool more = true;
  while (more) {
    size_t len;
    netipc_err err =
        netipc__pipe_read(h, event, w, scratch, sizeof scratch, &len, &more);
    if (err != NETIPC_OK)
      return err;
  }
  return NETIPC_OK;
}

netipc_err
netipc__conn_recv_record(netipc_os_handle conn, uint64_t deadline,
                         const netipc_abort *abort, void *buf, size_t cap,
                         size_t *len, bool *truncated)
{
  HANDLE h = netipc__win_handle(conn);
  HANDLE event = netipc__pipe_event();
  if (event == NULL)
    return NETIPC_ERR_SYSTEM;
  const netipc__pipe_wait w = {0, deadline, abort};
  netipc_err err = netipc__pipe_read(h, event, &w, buf, cap, len, truncated);
  if (err == NETIPC_OK && *truncated)
    err = netipc__pipe_drain(h, event, &w);
  CloseHandle(event);
  return err;
}
