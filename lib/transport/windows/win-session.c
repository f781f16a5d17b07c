/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Named Pipe session: creation, destruction and the record hooks the
 * portable session (transport/session.c) sends and receives through, on
 * the pipe or on the Windows SHM data plane (windows.md 3.6-3.8, 4, 5.2).
 */
#include "config.h"

#include "common/alloc.h"
#include "transport/windows/win-pipe-internal.h"
#include "transport/windows/win-shm-internal.h"

/* Either side only closes its handle, the server too: see
 * netipc__pipe_close (win-pipe-internal.h) for why not Flush + Disconnect. */
static void
session_close_pipe(HANDLE pipe)
{
  if (pipe != NULL && pipe != INVALID_HANDLE_VALUE)
    netipc__pipe_close(pipe);
}

static void
session_close_event(HANDLE event)
{
  if (event != NULL)
    CloseHandle(event);
}

/* Events and the send buffer; the baseline needs the buffer, SHM not
 * (the pipe carries nothing once SHM is selected, 3.4). */
static netipc_err
session_alloc_io(netipc_session *s)
{
  s->read_event = netipc__pipe_event();
  s->write_event = netipc__pipe_event();
  if (s->read_event == NULL || s->write_event == NULL)
    return NETIPC_ERR_SYSTEM;
  if (s->shm != NULL)
    return NETIPC_OK;
  s->send_cap = s->core.info.packet_size;
  s->send_buf = netipc__malloc(s->send_cap);
  return s->send_buf != NULL ? NETIPC_OK : NETIPC_ERR_NOMEM;
}

netipc_err
netipc__session_new(netipc_os_handle conn, netipc__shm *shm,
                    const netipc_session_info *info, netipc_session **out)
{
  HANDLE pipe = netipc__win_handle(conn);
  netipc_session *s = netipc__calloc(1, sizeof *s);
  if (s == NULL) {
    netipc__shm_destroy(shm);
    session_close_pipe(pipe);
    return NETIPC_ERR_NOMEM;
  }
  s->pipe = pipe;
  s->shm = shm;
  size_t shm_cap = shm != NULL ? netipc__win_shm_in_cap(shm) : 0;
  netipc_err err =
      netipc__session_core_init(&s->core, info, shm != NULL, shm_cap);
  if (err == NETIPC_OK)
    err = session_alloc_io(s);
  if (err != NETIPC_OK) {
    netipc_session_destroy(s);
    return err;
  }
  *out = s;
  return NETIPC_OK;
}

netipc_os_handle
netipc_session_fd(const netipc_session *s)
{
  return s != NULL ? netipc__os_handle(s->pipe) : NETIPC_OS_HANDLE_INVALID;
}

void
netipc_session_destroy(netipc_session *s)
{
  if (s == NULL)
    return;
  /* SHM first, then the pipe (5.2). */
  netipc__shm_destroy(s->shm);
  session_close_pipe(s->pipe);
  session_close_event(s->read_event);
  session_close_event(s->write_event);
  netipc__free(s->send_buf);
  netipc__session_core_fini(&s->core);
  netipc__free(s);
}

netipc_err
netipc__session_send_record(netipc_session *s, const netipc__iobuf *bufs,
                            int count)
{
  return netipc__pipe_write_record(s->pipe, s->write_event, s->send_buf,
                                   s->send_cap, bufs, count);
}

netipc_err
netipc__session_recv_record(netipc_session *s, uint32_t wait_ms,
                            uint64_t deadline, const netipc_abort *abort,
                            size_t *len, bool *truncated)
{
  const netipc__pipe_wait w = {wait_ms, deadline, abort};
  netipc_err err = netipc__pipe_read(s->pipe, s->read_event, &w,
                                     s->core.packet, s->core.packet_cap, len,
                                     truncated);
  if (err == NETIPC_OK && *truncated)
    err = netipc__pipe_drain(s->pipe, s->read_event, &w);
  return err;
}

netipc_err
netipc__session_shm_publish(netipc_session *s, const uint8_t *hdr,
                            const void *payload, size_t len)
{
  /* The area's length word counts the whole message, header included;
   * len is the payload's, at most NETIPC_MAX_PAYLOAD_LEN (session.c). */
  return netipc__win_shm_publish(s->shm, hdr, payload,
                                 (size_t)NETIPC_HEADER_LEN + len);
}

netipc_err
netipc__session_shm_receive(netipc_session *s, uint32_t timeout_ms,
                            const netipc_abort *abort, size_t *len)
{
  return netipc__win_shm_receive(s->shm, timeout_ms, abort, s->pipe,
                                 s->core.packet, s->core.packet_cap, len);
}
