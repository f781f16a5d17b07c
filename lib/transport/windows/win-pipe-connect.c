/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Named Pipe client: open the server's pipe in message mode, then the
 * portable client handshake (windows.md 3.2; transport/handshake.c).
 */
#include "config.h"

#include "transport/windows/win-pipe-internal.h"

/* How long, at most, a client waits in all for a free instance when
 * every one is connected. Our servers make the next instance right after
 * each connect, so "busy" is a short gap; past this, NOT_FOUND, and the
 * caller's retry policy decides (3.2: upstream retries 20 x 5 ms). */
#define CONNECT_BUSY_WAIT_MS 500u

/* Wait for an instance to free up, within both the busy budget and the
 * connect deadline. Returns false when neither leaves time, or on abort. */
static bool
connect_wait_busy(const wchar_t *name, uint64_t busy_deadline,
                  uint64_t deadline, const netipc_abort *abort)
{
  if (abort != NULL && netipc_abort_is_signalled(abort))
    return false;
  uint64_t until = deadline != 0 && deadline < busy_deadline ? deadline
                                                             : busy_deadline;
  uint32_t ms;
  if (netipc__deadline_left(until, &ms) != NETIPC_OK || ms == 0)
    return false;
  /* ms >= 1 here (0 would mean the server's default timeout). The
   * result does not matter: the open that follows decides. */
  (void)WaitNamedPipeW(name, ms);
  return true;
}

/* Open the pipe (3.2 step 1). Errors: NOT_FOUND (no server, or every
 * instance stayed busy; any other refusal too, as on POSIX). */
static netipc_err
connect_open(const wchar_t *name, uint64_t deadline,
             const netipc_abort *abort, HANDLE *out)
{
  uint64_t busy_deadline = netipc__deadline(CONNECT_BUSY_WAIT_MS);
  for (;;) {
    HANDLE h = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                           OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
    if (h != INVALID_HANDLE_VALUE) {
      *out = h;
      return NETIPC_OK;
    }
    if (GetLastError() != ERROR_PIPE_BUSY ||
        !connect_wait_busy(name, busy_deadline, deadline, abort))
      return NETIPC_ERR_NOT_FOUND;
  }
}

netipc_err
netipc_session_connect(const netipc_transport_config *cfg, uint32_t timeout_ms,
                       const netipc_abort *abort, netipc_session **out)
{
  if (cfg == NULL || out == NULL)
    return NETIPC_ERR_INVALID_ARG;
  uint64_t deadline = netipc__deadline(timeout_ms);
  wchar_t name[NETIPC__WIN_NAME_MAX + 1];
  netipc_err err = netipc__win_pipe_name(cfg->run_dir, cfg->service_name,
                                         NULL, name,
                                         sizeof name / sizeof name[0]);
  if (err != NETIPC_OK)
    return err;
  HANDLE h;
  if ((err = connect_open(name, deadline, abort, &h)) != NETIPC_OK)
    return err;
  /* A MUST: a byte-mode reader would merge messages (3.2 step 2). */
  DWORD mode = PIPE_READMODE_MESSAGE;
  if (!SetNamedPipeHandleState(h, &mode, NULL, NULL)) {
    CloseHandle(h);
    return NETIPC_ERR_SYSTEM;
  }
  netipc_session_info info;
  netipc__shm *shm;
  err = netipc__handshake_connect(netipc__os_handle(h), cfg, deadline, abort,
                                  &info, &shm);
  if (err != NETIPC_OK) {
    CloseHandle(h);
    return err;
  }
  return netipc__session_new(netipc__os_handle(h), shm, &info, out);
}
