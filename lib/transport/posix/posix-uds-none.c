/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Stand-ins for the Level 1 API on POSIX hosts without AF_UNIX
 * SOCK_SEQPACKET: the library keeps one ABI everywhere, the codec, Level 2
 * and Level 3 build, and every endpoint operation reports NOT_SUPPORTED
 * (a Level 2 client then stays DISCONNECTED, a server fails to create).
 * No listener or session object can exist, so the accessors never see one.
 */
#include "config.h"

#include <netipc/transport.h>

netipc_err
netipc_listener_create(const netipc_transport_config *cfg,
                       netipc_listener **out)
{
  (void)cfg, (void)out;
  return NETIPC_ERR_NOT_SUPPORTED;
}

netipc_os_handle
netipc_listener_fd(const netipc_listener *l)
{
  (void)l;
  return NETIPC_OS_HANDLE_INVALID;
}

netipc_err
netipc_listener_accept(netipc_listener *l, uint32_t timeout_ms,
                       const netipc_abort *abort, netipc_session **out)
{
  (void)l, (void)timeout_ms, (void)abort, (void)out;
  return NETIPC_ERR_NOT_SUPPORTED;
}

netipc_err
netipc_listener_accept_pending(netipc_listener *l, uint32_t timeout_ms,
                               const netipc_abort *abort,
                               netipc_pending **out)
{
  (void)l, (void)timeout_ms, (void)abort, (void)out;
  return NETIPC_ERR_NOT_SUPPORTED;
}

netipc_err
netipc_pending_handshake(netipc_pending *p, uint32_t timeout_ms,
                         const netipc_abort *abort, netipc_session **out)
{
  (void)p, (void)timeout_ms, (void)abort, (void)out;
  return NETIPC_ERR_NOT_SUPPORTED;
}

void
netipc_pending_destroy(netipc_pending *p)
{
  (void)p;
}

uint16_t
netipc_listener_last_status(const netipc_listener *l)
{
  (void)l;
  return 0;
}

void
netipc_listener_destroy(netipc_listener *l)
{
  (void)l;
}

netipc_err
netipc_session_connect(const netipc_transport_config *cfg,
                       uint32_t timeout_ms, const netipc_abort *abort,
                       netipc_session **out)
{
  (void)cfg, (void)timeout_ms, (void)abort, (void)out;
  return NETIPC_ERR_NOT_SUPPORTED;
}

const netipc_session_info *
netipc_session_get_info(const netipc_session *s)
{
  (void)s;
  return NULL;
}

netipc_os_handle
netipc_session_fd(const netipc_session *s)
{
  (void)s;
  return NETIPC_OS_HANDLE_INVALID;
}

netipc_err
netipc_session_send(netipc_session *s, const netipc_header *hdr,
                    const void *payload, size_t len)
{
  (void)s, (void)hdr, (void)payload, (void)len;
  return NETIPC_ERR_NOT_SUPPORTED;
}

netipc_err
netipc_session_receive(netipc_session *s, uint32_t timeout_ms,
                       const netipc_abort *abort, netipc_header *hdr,
                       const void **payload, size_t *len)
{
  (void)s, (void)timeout_ms, (void)abort, (void)hdr, (void)payload;
  (void)len;
  return NETIPC_ERR_NOT_SUPPORTED;
}

size_t
netipc_session_inflight(const netipc_session *s)
{
  (void)s;
  return 0;
}

bool
netipc_session_is_broken(const netipc_session *s)
{
  (void)s;
  return true;
}

void
netipc_session_destroy(netipc_session *s)
{
  (void)s;
}
