/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Named Pipe server: the listener always owns exactly one unconnected
 * pipe instance; an accept connects it, makes it the session's handle and
 * creates the next one before the handshake runs (windows.md 3.1, 3.3;
 * the handshake is transport/handshake.c, the accept paths listen.c).
 */
#include "config.h"

#include <string.h>

#include "common/alloc.h"
#include "transport/windows/win-pipe-internal.h"

#define LISTEN_OPEN_MODE (PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED)
/* Message type is a MUST: framing relies on one write being one message. */
#define LISTEN_PIPE_MODE (PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT)
#define LISTEN_DEFAULT_TIMEOUT_MS 0u /* 3.1: upstream passes 0 */

struct netipc_listener {
  netipc__listen_core core; /* first: transport/handshake.c reaches it */
  HANDLE instance; /* unconnected; INVALID_HANDLE_VALUE after a failure */
  HANDLE event;    /* the overlapped ConnectNamedPipe's */
  DWORD buffer_size;
  wchar_t name[NETIPC__WIN_NAME_MAX + 1];
};
NETIPC__STATIC_ASSERT(offsetof(struct netipc_listener, core) == 0,
                      "the portable core must come first");

/* Both buffers: the configured packet size, never below 64 KiB (3.1). */
static DWORD
listen_buffer_size(uint32_t configured)
{
  uint32_t size = configured != 0 ? configured
                                  : NETIPC__PIPE_PACKET_SIZE_DEFAULT;
  return size > NETIPC__PIPE_BUFFER_MIN ? size : NETIPC__PIPE_BUFFER_MIN;
}

/* One more instance of the listener's pipe (3.1); the first claims the
 * name. Errors: ADDR_IN_USE (first only: another server has it), SYSTEM. */
static netipc_err
listen_instance(netipc_listener *l, bool first)
{
  DWORD open_mode =
      LISTEN_OPEN_MODE | (first ? FILE_FLAG_FIRST_PIPE_INSTANCE : 0);
  HANDLE h = CreateNamedPipeW(l->name, open_mode, LISTEN_PIPE_MODE,
                              PIPE_UNLIMITED_INSTANCES, l->buffer_size,
                              l->buffer_size, LISTEN_DEFAULT_TIMEOUT_MS, NULL);
  if (h == INVALID_HANDLE_VALUE) {
    DWORD e = GetLastError();
    if (first && (e == ERROR_ACCESS_DENIED || e == ERROR_PIPE_BUSY))
      return NETIPC_ERR_ADDR_IN_USE;
    return NETIPC_ERR_SYSTEM;
  }
  l->instance = h;
  return NETIPC_OK;
}

static void
listen_free(netipc_listener *l)
{
  if (l->instance != INVALID_HANDLE_VALUE)
    CloseHandle(l->instance);
  if (l->event != NULL)
    CloseHandle(l->event);
  netipc__listen_core_fini(&l->core);
  netipc__free(l);
}

netipc_err
netipc_listener_create(const netipc_transport_config *cfg,
                       netipc_listener **out)
{
  if (cfg == NULL || out == NULL)
    return NETIPC_ERR_INVALID_ARG;
  netipc_listener *l = netipc__calloc(1, sizeof *l);
  if (l == NULL)
    return NETIPC_ERR_NOMEM;
  l->instance = INVALID_HANDLE_VALUE;
  l->buffer_size = listen_buffer_size(cfg->packet_size);
  netipc_err err = netipc__win_pipe_name(cfg->run_dir, cfg->service_name,
                                         NULL, l->name,
                                         sizeof l->name / sizeof l->name[0]);
  if (err == NETIPC_OK)
    err = netipc__listen_core_init(&l->core, cfg);
  if (err == NETIPC_OK && (l->event = netipc__pipe_event()) == NULL)
    err = NETIPC_ERR_SYSTEM;
  if (err == NETIPC_OK)
    err = listen_instance(l, true);
  if (err != NETIPC_OK) {
    listen_free(l);
    return err;
  }
  *out = l;
  return NETIPC_OK;
}

/* The current unconnected instance. It changes on every accept (that
 * instance becomes the session's handle), so fetch it again after each. */
netipc_os_handle
netipc_listener_fd(const netipc_listener *l)
{
  return l != NULL ? netipc__os_handle(l->instance)
                   : NETIPC_OS_HANDLE_INVALID;
}

/* Closes the unconnected instance; accepted sessions own their handles. */
void
netipc_listener_destroy(netipc_listener *l)
{
  if (l == NULL)
    return;
  listen_free(l);
}

/* Outcome of one ConnectNamedPipe on the instance. */
typedef enum listen_connect {
  LISTEN_ATTACHED, /* a client is on the instance */
  LISTEN_GONE,     /* a client came and went: disconnect, try again */
  LISTEN_FAILED    /* *err says why (TIMEOUT, ABORTED, SYSTEM) */
} listen_connect;

static listen_connect
listen_connect_once(netipc_listener *l, const netipc__pipe_wait *w,
                    netipc_err *err)
{
  OVERLAPPED ov;
  memset(&ov, 0, sizeof ov);
  ov.hEvent = l->event;
  BOOL done = ConnectNamedPipe(l->instance, &ov);
  DWORD n, os_err;
  *err = netipc__pipe_complete(l->instance, &ov, done, w, &n, &os_err);
  if (*err != NETIPC_OK)
    return LISTEN_FAILED;
  /* ERROR_PIPE_CONNECTED: the client came between create and connect. */
  if (os_err == ERROR_SUCCESS || os_err == ERROR_PIPE_CONNECTED)
    return LISTEN_ATTACHED;
  if (os_err == ERROR_NO_DATA) /* 3.3, recommended */
    return LISTEN_GONE;
  *err = NETIPC_ERR_SYSTEM;
  return LISTEN_FAILED;
}

/* Connect the instance to a client, taking a session id for every client
 * found (failed attempts included) before anything else happens to it
 * (wire.md 9.5), as the POSIX accept takes one per accept() after its
 * wait. Errors: TIMEOUT, ABORTED (the instance keeps listening), SYSTEM
 * (the instance is dropped; the next accept makes a new one). */
static netipc_err
listen_wait_client(netipc_listener *l, const netipc__pipe_wait *w,
                   uint64_t *session_id)
{
  for (;;) {
    netipc_err err;
    listen_connect r = listen_connect_once(l, w, &err);
    if (r == LISTEN_FAILED) {
      if (err == NETIPC_ERR_SYSTEM) {
        CloseHandle(l->instance);
        l->instance = INVALID_HANDLE_VALUE;
      }
      return err;
    }
    *session_id = l->core.next_session_id++;
    if (r == LISTEN_ATTACHED)
      return NETIPC_OK;
    /* Reuse it for the next client; a stream of clients that come and go
     * must not keep the accept from its deadline or its abort. */
    uint32_t left;
    if (!DisconnectNamedPipe(l->instance)) {
      CloseHandle(l->instance);
      l->instance = INVALID_HANDLE_VALUE;
      return NETIPC_ERR_SYSTEM;
    }
    if (netipc_abort_is_signalled(w->abort))
      return NETIPC_ERR_ABORTED;
    if (netipc__deadline_left(w->deadline, &left) != NETIPC_OK)
      return NETIPC_ERR_TIMEOUT;
  }
}

/* The accept hook: connect the instance, hand it out, make the next. */
netipc_err
netipc__listen_accept_conn(netipc_listener *l, uint32_t timeout_ms,
                           const netipc_abort *abort, netipc_os_handle *conn,
                           uint64_t *session_id)
{
  /* A failed accept may have left the listener without an instance. */
  if (l->instance == INVALID_HANDLE_VALUE &&
      listen_instance(l, false) != NETIPC_OK)
    return NETIPC_ERR_SYSTEM;
  const netipc__pipe_wait w = {0, netipc__deadline(timeout_ms), abort};
  netipc_err err = listen_wait_client(l, &w, session_id);
  if (err != NETIPC_OK)
    return err;
  HANDLE attached = l->instance;
  l->instance = INVALID_HANDLE_VALUE;
  /* Before the handshake, so the next client finds an instance (3.3). */
  if (listen_instance(l, false) != NETIPC_OK) {
    netipc__pipe_close(attached); /* the client sees the pipe break */
    return NETIPC_ERR_SYSTEM;
  }
  *conn = netipc__os_handle(attached);
  return NETIPC_OK;
}

/* A connection that did not become a session. A rejection's HELLO_ACK
 * still reaches the client (3.4 recommends making sure of that), and a
 * client that never reads it cannot stall the accept: netipc__pipe_close
 * (win-pipe-internal.h) says why no flush and no disconnect. */
void
netipc__accepted_close(netipc_os_handle conn)
{
  netipc__pipe_close(netipc__win_handle(conn));
}
