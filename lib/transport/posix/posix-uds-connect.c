/* SPDX-License-Identifier: GPL-3.0-or-later */
/* UDS client: the run-directory contract, connect, then the portable
 * client handshake (posix-uds.md 6.1; transport/handshake.c;
 * doc/transport.md "Run directory"). */
#include "config.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "transport/handshake-internal.h"
#include "transport/posix/posix-uds-internal.h"

/*
 * In a directory others may write (sticky, like /tmp) anyone can create
 * an endpoint under our name: only a socket file of ours or root's is
 * worth a connect. A symlink is refused whoever owns it. An absent or
 * non-socket file is left to connect() (NOT_FOUND).
 */
static netipc_err
connect_check_endpoint(const char *path)
{
  struct stat st;
  if (lstat(path, &st) != 0)
    return errno == ENOENT ? NETIPC_ERR_NOT_FOUND : NETIPC_ERR_SYSTEM;
  if (S_ISLNK(st.st_mode) || !netipc__uid_trusted(st.st_uid))
    return NETIPC_ERR_ENDPOINT_OWNER;
  return NETIPC_OK;
}

/*
 * The file can be replaced between lstat and connect (a server of ours
 * exits and unlinks, another user binds the name): where the kernel
 * tells, the listening process's uid must be trusted too (SO_PEERCRED
 * holds its credentials from listen()). Elsewhere only the file check.
 */
static netipc_err
connect_check_peer(int fd)
{
  uid_t uid;
  netipc_err err = netipc__socket_peer_uid(fd, &uid);
  if (err == NETIPC_ERR_NOT_SUPPORTED)
    return NETIPC_OK;
  if (err != NETIPC_OK)
    return err;
  return netipc__uid_trusted(uid) ? NETIPC_OK : NETIPC_ERR_ENDPOINT_OWNER;
}

/* Connect fd to addr, checking the endpoint's owner in a shared dir. */
static netipc_err
connect_socket(int fd, const struct sockaddr_un *addr, bool shared)
{
  netipc_err err;
  if (shared && (err = connect_check_endpoint(addr->sun_path)) != NETIPC_OK)
    return err;
  int rc;
  do
    rc = connect(fd, (const struct sockaddr *)addr, sizeof *addr);
  while (rc != 0 && errno == EINTR);
  if (rc != 0)
    return NETIPC_ERR_NOT_FOUND;
  return shared ? connect_check_peer(fd) : NETIPC_OK;
}

netipc_err
netipc_session_connect(const netipc_transport_config *cfg, uint32_t timeout_ms,
                       const netipc_abort *abort, netipc_session **out)
{
  if (cfg == NULL || out == NULL)
    return NETIPC_ERR_INVALID_ARG;
  uint64_t deadline = netipc__deadline(timeout_ms);
  struct sockaddr_un addr;
  netipc_err err = netipc__uds_address(cfg->run_dir, cfg->service_name, &addr);
  bool shared = false;
  if (err == NETIPC_OK)
    err = netipc__run_dir_inspect(cfg->run_dir, NETIPC_ROLE_CLIENT, &shared,
                                  NULL, 0);
  if (err != NETIPC_OK)
    return err;
  int fd;
  if ((err = netipc__uds_socket(&fd)) != NETIPC_OK)
    return err;
  if ((err = connect_socket(fd, &addr, shared)) != NETIPC_OK) {
    close(fd);
    return err;
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
