/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UDS session: creation, destruction and the record hooks the portable
 * session (transport/session.c) sends and receives through, on the
 * SOCK_SEQPACKET socket or the SHM data plane (posix-uds.md 8-11).
 */
#include "config.h"

#include <unistd.h>

#include "common/alloc.h"
#include "transport/posix/posix-shm-internal.h"
#include "transport/posix/posix-uds-internal.h"

netipc_err
netipc__session_new(netipc_os_handle fd, netipc__shm *shm,
                        const netipc_session_info *info, netipc_session **out)
{
  netipc_session *s = netipc__calloc(1, sizeof *s);
  if (s == NULL) {
    netipc__shm_destroy(shm);
    close(fd);
    return NETIPC_ERR_NOMEM;
  }
  s->fd = fd;
  s->shm = shm;
  size_t shm_cap = 0;
  if (shm != NULL)
    shm_cap = info->role == NETIPC_ROLE_SERVER ? shm->req_cap : shm->resp_cap;
  if (netipc__session_core_init(&s->core, info, shm != NULL, shm_cap) !=
      NETIPC_OK) {
    netipc_session_destroy(s);
    return NETIPC_ERR_NOMEM;
  }
  *out = s;
  return NETIPC_OK;
}

netipc_os_handle
netipc_session_fd(const netipc_session *s)
{
  return s != NULL ? s->fd : -1;
}

void
netipc_session_destroy(netipc_session *s)
{
  if (s == NULL)
    return;
  /* Region first, then the socket (posix-shm.md 13). */
  netipc__shm_destroy(s->shm);
  if (s->fd >= 0)
    close(s->fd);
  netipc__session_core_fini(&s->core);
  netipc__free(s);
}

netipc_err
netipc__session_send_record(netipc_session *s, const netipc__iobuf *bufs,
                            int count)
{
  return netipc__conn_send_record(s->fd, bufs, count);
}

netipc_err
netipc__session_recv_record(netipc_session *s, uint32_t wait_ms,
                            uint64_t deadline, const netipc_abort *abort,
                            size_t *len, bool *truncated)
{
  return netipc__uds_recv_blocking(s->fd, &s->rcvtimeo_ms, wait_ms, deadline,
                                   abort, s->core.packet, s->core.packet_cap,
                                   len, truncated);
}

netipc_err
netipc__session_shm_publish(netipc_session *s, const uint8_t *hdr,
                            const void *payload, size_t len)
{
  return netipc__shm_publish(s->shm, hdr, payload, len);
}

netipc_err
netipc__session_shm_receive(netipc_session *s, uint32_t timeout_ms,
                            const netipc_abort *abort, size_t *len)
{
  return netipc__shm_receive(s->shm, timeout_ms, abort, s->fd, s->core.packet,
                             s->core.packet_cap, len);
}
