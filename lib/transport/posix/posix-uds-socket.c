/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Socket-level helpers of the UDS transport (posix-uds.md 1, 2, 5). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include "transport/handshake-internal.h"
#include "transport/posix/posix-uds-internal.h"

#define MS_PER_SEC 1000u
#define US_PER_MS 1000u

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

/* The packet size hook: SO_SNDBUF - 32 so the kernel accepts every full
 * chunk (posix-uds.md 5), else the fallback. */
uint32_t
netipc__conn_packet_size(netipc_os_handle fd, uint32_t configured)
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

#ifndef MSG_CMSG_CLOEXEC
#define MSG_CMSG_CLOEXEC 0 /* then the descriptor is set FD_CLOEXEC below */
#define UDS_CLOEXEC_AFTER 1
#endif

/* Room for one passed descriptor (Extension 2 never sends more). */
typedef union uds_fd_cmsg {
  struct cmsghdr align;
  char buf[CMSG_SPACE(sizeof(int))];
} uds_fd_cmsg;

/* The send hook: one sendmsg with MSG_NOSIGNAL. */
netipc_err
netipc__conn_send_record(netipc_os_handle fd, const netipc__iobuf *bufs,
                         int count)
{
  return netipc__conn_send_record_fd(fd, bufs, count, -1);
}

/* The same with pass_fd (>= 0) in an SCM_RIGHTS control message. */
netipc_err
netipc__conn_send_record_fd(netipc_os_handle fd, const netipc__iobuf *bufs,
                            int count, int pass_fd)
{
  struct iovec iov[NETIPC__RECORD_PIECES_MAX];
  size_t want = 0;
  if (count < 1 || count > (int)NETIPC__RECORD_PIECES_MAX)
    return NETIPC_ERR_INVALID_ARG;
  for (int i = 0; i < count; i++) {
    iov[i].iov_base = (void *)bufs[i].base;
    iov[i].iov_len = bufs[i].len;
    want += bufs[i].len;
  }
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = iov;
  msg.msg_iovlen = (size_t)count;
  uds_fd_cmsg ctl;
  if (pass_fd >= 0) {
    memset(&ctl, 0, sizeof ctl);
    msg.msg_control = ctl.buf;
    msg.msg_controllen = sizeof ctl.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &pass_fd, sizeof pass_fd);
  }
  ssize_t n;
  do
    n = sendmsg(fd, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return netipc__errno_to_err(errno);
  /* A record is atomic; a short transfer means the session is unusable. */
  return (size_t)n == want ? NETIPC_OK : NETIPC_ERR_SYSTEM;
}

/* One recvmsg of a record (blocking unless the caller waited for it);
 * with retry_eintr false an EINTR comes back to the caller. */
static ssize_t
uds_recvmsg(int fd, void *buf, size_t cap, bool *truncated, bool retry_eintr)
{
  struct iovec iov = {.iov_base = buf, .iov_len = cap};
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  ssize_t n;
  do
    n = recvmsg(fd, &msg, 0);
  while (n < 0 && errno == EINTR && retry_eintr);
  *truncated = n > 0 && (msg.msg_flags & MSG_TRUNC) != 0;
  return n;
}

static netipc_err
uds_recv_result(ssize_t n, size_t *len)
{
  if (n == 0)
    return NETIPC_ERR_DISCONNECTED;
  if (n < 0)
    return netipc__errno_to_err(errno);
  *len = (size_t)n;
  return NETIPC_OK;
}

/* The receive hook: poll() for the deadline and abort, then recvmsg. */
netipc_err
netipc__conn_recv_record(netipc_os_handle fd, uint64_t deadline,
                         const netipc_abort *abort, void *buf, size_t cap,
                         size_t *len, bool *truncated)
{
  netipc_err err = netipc__wait_readable(fd, deadline, abort);
  if (err != NETIPC_OK)
    return err;
  return uds_recv_result(uds_recvmsg(fd, buf, cap, truncated, true), len);
}

/*
 * Keep the first descriptor of the SCM_RIGHTS messages in msg in *got_fd
 * and close every other one: a peer may pack several into our buffer
 * (CMSG_SPACE rounds up). Other control messages carry no descriptor.
 */
static void
uds_take_fds(struct msghdr *msg, int *got_fd)
{
  for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL;
       c = CMSG_NXTHDR(msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
        c->cmsg_len < CMSG_LEN(0))
      continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; i++) {
      int one;
      memcpy(&one, CMSG_DATA(c) + i * sizeof(int), sizeof one);
      if (*got_fd < 0)
        *got_fd = one;
      else
        close(one);
    }
  }
#ifdef UDS_CLOEXEC_AFTER
  if (*got_fd >= 0)
    (void)fcntl(*got_fd, F_SETFD, FD_CLOEXEC);
#endif
}

/* The receive hook with room for one descriptor (see the header). */
netipc_err
netipc__conn_recv_record_fd(netipc_os_handle fd, uint64_t deadline,
                            const netipc_abort *abort, void *buf, size_t cap,
                            size_t *len, bool *truncated, int *got_fd)
{
  *got_fd = -1;
  netipc_err err = netipc__wait_readable(fd, deadline, abort);
  if (err != NETIPC_OK)
    return err;
  struct iovec iov = {.iov_base = buf, .iov_len = cap};
  uds_fd_cmsg ctl;
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = ctl.buf;
  msg.msg_controllen = sizeof ctl.buf;
  ssize_t n;
  do
    n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  *truncated = n > 0 && (msg.msg_flags & MSG_TRUNC) != 0;
  if (n > 0)
    uds_take_fds(&msg, got_fd);
  /* More than fits was sent: the kernel dropped some, nothing we got can
   * be trusted to be what the peer meant. */
  if (n > 0 && (msg.msg_flags & MSG_CTRUNC) != 0) {
    if (*got_fd >= 0)
      close(*got_fd);
    *got_fd = -1;
    return NETIPC_ERR_PROTOCOL;
  }
  return uds_recv_result(n, len);
}

/* Put wait_ms into SO_RCVTIMEO unless it is there already. */
static netipc_err
uds_set_rcvtimeo(int fd, uint32_t *current, uint32_t wait_ms)
{
  if (*current == wait_ms)
    return NETIPC_OK;
  struct timeval tv = {.tv_sec = wait_ms / MS_PER_SEC,
                       .tv_usec = (suseconds_t)(wait_ms % MS_PER_SEC) *
                                  US_PER_MS};
  if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0)
    return NETIPC_ERR_SYSTEM;
  *current = wait_ms;
  return NETIPC_OK;
}

/*
 * Block in recvmsg until a record, the timeout or the abort. A signal
 * (EINTR) costs one clock read: the wait goes on with what is left of
 * the deadline, so periodic signals cannot postpone the timeout.
 */
static ssize_t
uds_recv_wait(int fd, uint32_t *rcvtimeo_ms, uint32_t wait_ms,
              uint64_t deadline, const netipc_abort *abort, void *buf,
              size_t cap, bool *truncated, netipc_err *err)
{
  for (;;) {
    if (netipc_abort_is_signalled(abort)) {
      *err = NETIPC_ERR_ABORTED;
      return -1;
    }
    if ((*err = uds_set_rcvtimeo(fd, rcvtimeo_ms, wait_ms)) != NETIPC_OK)
      return -1;
    ssize_t n = uds_recvmsg(fd, buf, cap, truncated, false);
    if (n >= 0 || errno != EINTR)
      return n;
    if (deadline != 0 &&
        (*err = netipc__deadline_left(deadline, &wait_ms)) != NETIPC_OK)
      return -1;
  }
}

netipc_err
netipc__uds_recv_blocking(int fd, uint32_t *rcvtimeo_ms, uint32_t wait_ms,
                          uint64_t deadline, const netipc_abort *abort,
                          void *buf, size_t cap, size_t *len, bool *truncated)
{
  int slot = abort != NULL ? netipc__abort_enter(abort, fd) : -1;
  if (abort != NULL && slot < 0) /* every slot taken: poll() instead */
    return netipc__conn_recv_record(fd, deadline, abort, buf, cap, len,
                                    truncated);
  netipc_err err = NETIPC_OK;
  ssize_t n = uds_recv_wait(fd, rcvtimeo_ms, wait_ms, deadline, abort, buf,
                            cap, truncated, &err);
  if (slot >= 0)
    netipc__abort_leave(abort, slot);
  if (err != NETIPC_OK)
    return err;
  /* A shutdown by the abort reads as EOF (or an error): report the abort. */
  if (n <= 0 && netipc_abort_is_signalled(abort))
    return NETIPC_ERR_ABORTED;
  return uds_recv_result(n, len);
}

