/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Socket-level helpers of the UDS transport (posix-uds.md 1, 2, 5). */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "transport/posix/posix-uds-internal.h"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0 /* platforms without it use SO_NOSIGPIPE below */
#endif

netipc_err
netipc__uds_socket(int *fd)
{
#ifdef SOCK_CLOEXEC
  int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
#else
  int s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
#endif
  if (s < 0)
    return NETIPC_ERR_SYSTEM;
#ifdef SO_NOSIGPIPE
  int one = 1;
  (void)setsockopt(s, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
  *fd = s;
  return NETIPC_OK;
}

netipc_err
netipc__uds_address(const char *run_dir, const char *name,
                    struct sockaddr_un *addr)
{
  memset(addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  return netipc_endpoint_path(run_dir, name, NETIPC__UDS_SUFFIX,
                              addr->sun_path, NETIPC__SUN_PATH_MAX);
}

uint32_t
netipc__uds_packet_size(int fd, uint32_t configured)
{
  if (configured != 0)
    return configured;
  int sndbuf = 0;
  socklen_t len = sizeof sndbuf;
  if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &len) != 0 ||
      sndbuf <= (int)NETIPC_HEADER_LEN)
    return NETIPC_PACKET_SIZE_FALLBACK;
  return (uint32_t)sndbuf - NETIPC_HEADER_LEN;
}

netipc_err
netipc__uds_send_record(int fd, const struct iovec *iov, int iovcnt)
{
  size_t want = 0;
  for (int i = 0; i < iovcnt; i++)
    want += iov[i].iov_len;
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = (struct iovec *)iov;
  msg.msg_iovlen = (size_t)iovcnt;
  ssize_t n;
  do
    n = sendmsg(fd, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return netipc__errno_to_err(errno);
  /* A record is atomic; a short transfer means the session is unusable. */
  return (size_t)n == want ? NETIPC_OK : NETIPC_ERR_SYSTEM;
}

netipc_err
netipc__uds_recv_record(int fd, uint64_t deadline, const netipc_abort *abort,
                        void *buf, size_t cap, size_t *len, bool *truncated)
{
  netipc_err err = netipc__wait_readable(fd, deadline, abort);
  if (err != NETIPC_OK)
    return err;
  struct iovec iov = {.iov_base = buf, .iov_len = cap};
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  ssize_t n;
  do
    n = recvmsg(fd, &msg, 0);
  while (n < 0 && errno == EINTR);
  if (n == 0)
    return NETIPC_ERR_DISCONNECTED;
  if (n < 0)
    return netipc__errno_to_err(errno);
  *len = (size_t)n;
  *truncated = (msg.msg_flags & MSG_TRUNC) != 0;
  return NETIPC_OK;
}
