/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The portable accept paths: one accept with its handshake, or an accept
 * now and the handshake later on another thread (level2.md 10). Waiting
 * for a connection and making the session are the platform's hooks.
 */
#include "config.h"

#include "common/alloc.h"
#include "transport/handshake-internal.h"

struct netipc_pending {
  netipc_listener *listener;
  netipc_os_handle conn;
  uint64_t session_id;
};

/* Handshake an accepted conn into a session; closes conn on failure. */
static netipc_err
listen_finish(netipc_listener *l, netipc_os_handle conn, uint64_t session_id,
              uint32_t timeout_ms, const netipc_abort *abort,
              netipc_session **out)
{
  netipc_session_info info;
  netipc__shm *shm;
  netipc_err err = netipc__handshake_accept(netipc__listen_core_of(l), conn,
                                            session_id, timeout_ms, abort,
                                            &info, &shm);
  if (err != NETIPC_OK) {
    netipc__accepted_close(conn);
    return err;
  }
  return netipc__session_new(conn, shm, &info, out);
}

netipc_err
netipc_listener_accept(netipc_listener *l, uint32_t timeout_ms,
                       const netipc_abort *abort, netipc_session **out)
{
  if (l == NULL || out == NULL)
    return NETIPC_ERR_INVALID_ARG;
  netipc_os_handle conn;
  uint64_t session_id;
  netipc_err err =
      netipc__listen_accept_conn(l, timeout_ms, abort, &conn, &session_id);
  if (err != NETIPC_OK)
    return err;
  return listen_finish(l, conn, session_id, 0, abort, out);
}

netipc_err
netipc_listener_accept_pending(netipc_listener *l, uint32_t timeout_ms,
                               const netipc_abort *abort,
                               netipc_pending **out)
{
  if (l == NULL || out == NULL)
    return NETIPC_ERR_INVALID_ARG;
  netipc_pending *p = netipc__malloc(sizeof *p);
  if (p == NULL)
    return NETIPC_ERR_NOMEM;
  netipc_err err = netipc__listen_accept_conn(l, timeout_ms, abort, &p->conn,
                                              &p->session_id);
  if (err != NETIPC_OK) {
    netipc__free(p);
    return err;
  }
  p->listener = l;
  *out = p;
  return NETIPC_OK;
}

netipc_err
netipc_pending_handshake(netipc_pending *p, uint32_t timeout_ms,
                         const netipc_abort *abort, netipc_session **out)
{
  if (p == NULL)
    return NETIPC_ERR_INVALID_ARG;
  if (out == NULL) {
    netipc_pending_destroy(p);
    return NETIPC_ERR_INVALID_ARG;
  }
  netipc_pending copy = *p;
  netipc__free(p);
  return listen_finish(copy.listener, copy.conn, copy.session_id, timeout_ms,
                       abort, out);
}

void
netipc_pending_destroy(netipc_pending *p)
{
  if (p == NULL)
    return;
  netipc__accepted_close(p->conn);
  netipc__free(p);
}
