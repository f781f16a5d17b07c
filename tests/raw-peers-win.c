/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * raw-peers-win.c - the raw byte transport of the Level 2/3 test peers on
 * Windows: a message-mode named pipe where POSIX has AF_UNIX. Raw clients
 * (svc_raw_open/send/recv, uds_raw_connect, uds_readable, uds_raw_recv,
 * uds_raw_send, uds_raw_wait_eof) and the listener of the scripted servers
 * (svc_raw_listen/accept/close/unlisten, used by service-raw-server.c and
 * cache-raw-posix.c). Each pipe handle is wrapped in a C runtime
 * descriptor (_open_osfhandle), so the tests' close(fd) works. The other
 * raw peers of uds-helpers.h serve only the Level 1 UDS tests.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

/* First, so windows.h comes with the library's API level. */
#include "transport/windows/win-internal.h"

#include <fcntl.h>
#include <io.h>
#include <stdlib.h>
#include <string.h>

#include "service-raw-posix.h"
#include "raw-peers.h"

/* How long a connect retries a busy pipe (all instances taken). */
#define RAW_CONNECT_MS 5000u
#define RAW_BUSY_WAIT_MS 100u
/* Poll interval of a wait for pipe data (PeekNamedPipe has no wait). */
#define RAW_POLL_MS 1u
/* What uds_raw_wait_eof reads (and drops) to tell data from the end. */
#define RAW_SINK_LEN 4096u

int
svc_raw_supported(void)
{
  return 1;
}

/* ---- raw clients over a named pipe -------------------------------- */

static HANDLE
fd_handle(int fd)
{
  return fd < 0 ? INVALID_HANDLE_VALUE : (HANDLE)_get_osfhandle(fd);
}

/* The pipe's end is gone: what a socket's EOF is. */
static int
peer_gone(DWORD err)
{
  return err == ERROR_BROKEN_PIPE || err == ERROR_NO_DATA ||
         err == ERROR_PIPE_NOT_CONNECTED;
}

int
uds_raw_connect(const char *dir, const char *svc)
{
  wchar_t name[NETIPC__WIN_NAME_MAX + 1];
  if (netipc__win_pipe_name(dir, svc, NULL, name, sizeof name / sizeof *name) !=
      NETIPC_OK)
    return -1;
  uint64_t end = tp_now_ms() + RAW_CONNECT_MS;
  HANDLE h;
  for (;;) {
    h = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                    OPEN_EXISTING, 0, NULL);
    if (h != INVALID_HANDLE_VALUE)
      break;
    if (GetLastError() != ERROR_PIPE_BUSY || tp_now_ms() >= end)
      return -1;
    (void)WaitNamedPipeW(name, RAW_BUSY_WAIT_MS);
  }
  DWORD mode = PIPE_READMODE_MESSAGE;
  int fd = -1;
  if (SetNamedPipeHandleState(h, &mode, NULL, NULL))
    fd = _open_osfhandle((intptr_t)h, _O_BINARY);
  if (fd < 0)
    CloseHandle(h);
  return fd;
}

int
uds_readable(int fd, int timeout_ms)
{
  HANDLE h = fd_handle(fd);
  uint64_t end = tp_now_ms() + (uint64_t)(timeout_ms > 0 ? timeout_ms : 0);
  for (;;) {
    DWORD avail = 0;
    if (!PeekNamedPipe(h, NULL, 0, NULL, &avail, NULL) || avail > 0)
      return 1; /* data, or the end (a read reports which) */
    if (tp_now_ms() >= end)
      return 0;
    Sleep(RAW_POLL_MS);
  }
}

/*
 * One ReadFile or WriteFile to its end. The scripted server's pipes are
 * overlapped (its accept waits with a timeout), and an OVERLAPPED works
 * on the clients' plain handles too, so every transfer passes one.
 */
static BOOL
raw_io(HANDLE h, int write, void *buf, size_t len, DWORD *n)
{
  OVERLAPPED ov;
  memset(&ov, 0, sizeof ov);
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  if (ov.hEvent == NULL)
    return FALSE;
  BOOL ok = write ? WriteFile(h, buf, (DWORD)len, NULL, &ov)
                  : ReadFile(h, buf, (DWORD)len, NULL, &ov);
  DWORD err = ok ? ERROR_SUCCESS : GetLastError();
  if (ok || err == ERROR_IO_PENDING) {
    ok = GetOverlappedResult(h, &ov, n, TRUE);
    err = ok ? ERROR_SUCCESS : GetLastError();
  }
  CloseHandle(ov.hEvent);
  SetLastError(err);
  return ok;
}

/* One message into buf: its length, 0 at the end, -1 on an error (also a
 * message longer than cap). */
static long
raw_read(HANDLE h, void *buf, size_t cap)
{
  DWORD n = 0;
  if (raw_io(h, 0, buf, cap, &n))
    return (long)n;
  return peer_gone(GetLastError()) ? 0 : -1;
}

int
uds_raw_send(int fd, const void *buf, size_t len)
{
  DWORD n = 0;
  return raw_io(fd_handle(fd), 1, (void *)buf, len, &n) && n == len ? 0 : -1;
}

long
uds_raw_recv(int fd, void *buf, size_t cap, int timeout_ms)
{
  if (!uds_readable(fd, timeout_ms))
    return -2;
  return raw_read(fd_handle(fd), buf, cap);
}

int
uds_raw_wait_eof(int fd, int timeout_ms)
{
  uint8_t sink[RAW_SINK_LEN];
  if (!uds_readable(fd, timeout_ms))
    return 0;
  return raw_read(fd_handle(fd), sink, sizeof sink) == 0;
}

/* ---- the scripted server's listener -------------------------------- */

/* A listener is a pending pipe instance with an overlapped connect, so
 * accept can wait with a timeout. Few live at once. */
#define RAW_MAX_LISTENERS 8
#define RAW_PIPE_BUF 65536u

typedef struct raw_listener {
  volatile LONG used;
  wchar_t name[NETIPC__WIN_NAME_MAX + 1];
  HANDLE pending;
  OVERLAPPED ov;
} raw_listener;

static raw_listener listeners[RAW_MAX_LISTENERS];

/* A new instance, its connect started; 0 on success. */
static int
listener_arm(raw_listener *l)
{
  l->pending = CreateNamedPipeW(
      l->name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
      PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT,
      PIPE_UNLIMITED_INSTANCES, RAW_PIPE_BUF, RAW_PIPE_BUF, 0, NULL);
  if (l->pending == INVALID_HANDLE_VALUE)
    return -1;
  (void)ResetEvent(l->ov.hEvent);
  if (ConnectNamedPipe(l->pending, &l->ov))
    return 0; /* already connected: the event is set */
  DWORD err = GetLastError();
  if (err == ERROR_PIPE_CONNECTED) {
    (void)SetEvent(l->ov.hEvent);
    return 0;
  }
  return err == ERROR_IO_PENDING ? 0 : -1;
}

int
svc_raw_listen(const char *dir, const char *svc)
{
  for (int i = 0; i < RAW_MAX_LISTENERS; i++) {
    raw_listener *l = &listeners[i];
    if (InterlockedCompareExchange(&l->used, 1, 0) != 0)
      continue;
    memset(&l->ov, 0, sizeof l->ov);
    l->ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (l->ov.hEvent != NULL &&
        netipc__win_pipe_name(dir, svc, NULL, l->name,
                              sizeof l->name / sizeof *l->name) ==
            NETIPC_OK &&
        listener_arm(l) == 0)
      return i;
    if (l->ov.hEvent != NULL)
      CloseHandle(l->ov.hEvent);
    (void)InterlockedExchange(&l->used, 0);
    return -1;
  }
  return -1;
}

int
svc_raw_accept(int lfd, int timeout_ms)
{
  raw_listener *l = &listeners[lfd];
  if (WaitForSingleObject(l->ov.hEvent, (DWORD)timeout_ms) != WAIT_OBJECT_0)
    return -1;
  DWORD n = 0;
  HANDLE h = l->pending;
  BOOL connected = GetOverlappedResult(h, &l->ov, &n, FALSE) ||
                   GetLastError() == ERROR_PIPE_CONNECTED;
  /* The next instance first, so the next client finds one. */
  if (listener_arm(l) != 0)
    l->pending = INVALID_HANDLE_VALUE;
  int fd = connected ? _open_osfhandle((intptr_t)h, _O_BINARY) : -1;
  if (fd < 0)
    CloseHandle(h);
  return fd;
}

void
svc_raw_close(int fd)
{
  close(fd); /* the peer still reads what was sent, then the end */
}

void
svc_raw_unlisten(int lfd, const char *dir, const char *svc)
{
  (void)dir, (void)svc; /* a pipe has no file to remove */
  raw_listener *l = &listeners[lfd];
  if (l->pending != INVALID_HANDLE_VALUE) {
    DWORD n = 0;
    (void)CancelIoEx(l->pending, &l->ov);
    (void)GetOverlappedResult(l->pending, &l->ov, &n, TRUE);
    CloseHandle(l->pending);
  }
  CloseHandle(l->ov.hEvent);
  (void)InterlockedExchange(&l->used, 0);
}
