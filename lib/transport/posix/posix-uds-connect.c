/* SPDX-License-Identifier: GPL-3.0-or-later */
/* UDS client: connect, then the portable client handshake (posix-uds.md
 * 6.1; transport/handshake.c). */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "transport/handshake-internal.h"
#include "transport/posix/posix-uds-internal.h"

netipc_err
netipc_session_connect(const netipc_transport_config *cfg, uint32_t timeout_ms,
                       const netipc_abort *abort, netipc_session **out)
{
  if (cfg == NULL || out == NULL)
    return NETIPC_ERR_INVALID_ARG;
  uint64_t deadline = netipc__deadline(timeout_ms);
  struct sockaddr_un addr;
  netipc_err err = netipc__uds_address(cfg->run_dir, cfg->service_name, &addr);
  if (err != NETIPC_OK)
    return err;
  int fd;
  if ((err = netipc__uds_socket(&fd)) != NETIPC_OK)
    return err;
  int rc;
  do
    rc = connect(fd, (const struct sockaddr *)&addr, sizeof addr);
  while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    close(fd);
    return NETIPC_ERR_NOT_FOUND;
  }
  netipc_session_info info;
  netipc__shm *shm;
  err = netipc__handshake_connect(fd, cfg, deadline, abort, &info, &shm);
  if (err != NETIPC_OK) {
    close(fd);
    return err;
  }
  return netipc__session_new(fd, shm, &info, out);
}
