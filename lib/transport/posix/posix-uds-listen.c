/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UDS server: listener with stale-endpoint recovery and a 0600 socket,
 * accepting connections for the portable server handshake
 * (transport/handshake.c; posix-uds.md 3, 4, 6.2; wire.md 9.5).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"
#include "transport/platform.h"
#include "transport/posix/posix-shm-internal.h"
#include "transport/posix/posix-uds-internal.h"

/* Only the owner may touch the socket inode (posix-uds.md 3 step 4). */
#define LISTEN_BIND_UMASK 0177
#define LISTEN_SOCKET_MODE 0600

struct netipc_listener {
  netipc__listen_core core; /* first: transport/handshake.c reaches it */
  int fd;
  struct sockaddr_un addr;
};
_Static_assert(offsetof(struct netipc_listener, core) == 0,
               "the portable core must come first");


/* Remove a dead endpoint entry relative to run_dir (posix-uds.md 4). */
static netipc_err
listen_remove_stale(const char *run_dir, const char *entry)
{
  int dir = open(run_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    return NETIPC_ERR_ADDR_IN_USE;
  int rc = unlinkat(dir, entry, 0);
  if (rc != 0 && errno == EISDIR)
    rc = unlinkat(dir, entry, AT_REMOVEDIR);
  int saved = errno;
  close(dir);
  return rc == 0 || saved == ENOENT ? NETIPC_OK : NETIPC_ERR_ADDR_IN_USE;
}

/* Probe the path: a live server keeps it, anything else is reclaimed. */
static netipc_err
listen_reclaim(const netipc_transport_config *cfg,
               const struct sockaddr_un *addr)
{
  int probe;
  if (netipc__uds_socket(&probe) != NETIPC_OK)
    return NETIPC_ERR_ADDR_IN_USE; /* liveness cannot be tested */
  int rc = connect(probe, (const struct sockaddr *)addr, sizeof *addr);
  int saved = errno;
  close(probe);
  if (rc == 0)
    return NETIPC_ERR_ADDR_IN_USE;
  if (saved == ENOENT)
    return NETIPC_OK;
  /* The name was validated when the address was built. */
  char entry[NETIPC_SERVICE_NAME_MAX + sizeof NETIPC__UDS_SUFFIX];
  snprintf(entry, sizeof entry, "%s%s", cfg->service_name, NETIPC__UDS_SUFFIX);
  return listen_remove_stale(cfg->run_dir, entry);
}

#if defined(__linux__)
/*
 * Linux gives the socket file the mode of the socket's own inode less the
 * umask (unix_bind), so fchmod() before bind() makes it 0600 or narrower
 * without touching the process-wide umask, and chmod() after bind() only
 * restores owner bits a strict umask took away: at no moment is the file
 * wider than 0600, and no other thread's files change mode.
 */
static netipc_err
listen_bind(int fd, const struct sockaddr_un *addr)
{
  if (fchmod(fd, LISTEN_SOCKET_MODE) != 0)
    return NETIPC_ERR_SYSTEM;
  if (bind(fd, (const struct sockaddr *)addr, sizeof *addr) != 0)
    return errno == EADDRINUSE ? NETIPC_ERR_ADDR_IN_USE : NETIPC_ERR_SYSTEM;
  if (chmod(addr->sun_path, LISTEN_SOCKET_MODE) != 0) {
    unlink(addr->sun_path);
    return NETIPC_ERR_SYSTEM;
  }
  return NETIPC_OK;
}
#else
/* Elsewhere the umask decides the file's mode: change it around bind()
 * under a library lock. Other threads' file creation in that window is
 * not protected (see doc/transport.md). */
static pthread_mutex_t listen_umask_lock = PTHREAD_MUTEX_INITIALIZER;

static netipc_err
listen_bind(int fd, const struct sockaddr_un *addr)
{
  pthread_mutex_lock(&listen_umask_lock);
  mode_t old = umask(LISTEN_BIND_UMASK);
  int rc = bind(fd, (const struct sockaddr *)addr, sizeof *addr);
  int saved = errno;
  umask(old);
  pthread_mutex_unlock(&listen_umask_lock);
  if (rc == 0)
    return NETIPC_OK;
  return saved == EADDRINUSE ? NETIPC_ERR_ADDR_IN_USE : NETIPC_ERR_SYSTEM;
}
#endif

static void
listen_free(netipc_listener *l)
{
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
  l->fd = -1;
  netipc_err err = netipc__uds_address(cfg->run_dir, cfg->service_name,
                                       &l->addr);
  if (err == NETIPC_OK)
    err = netipc__listen_core_init(&l->core, cfg);
  /* Regions left by a crashed instance go before we listen (posix-shm 11). */
  if (err == NETIPC_OK &&
      (l->core.hello.supported_profiles & NETIPC__SHM_PROFILES))
    netipc__shm_cleanup(cfg->run_dir, cfg->service_name);
  if (err == NETIPC_OK)
    err = listen_reclaim(cfg, &l->addr);
  if (err == NETIPC_OK)
    err = netipc__uds_socket(&l->fd);
  if (err == NETIPC_OK)
    err = listen_bind(l->fd, &l->addr);
  if (err != NETIPC_OK)
    goto fail;
  int backlog = cfg->backlog > 0 ? cfg->backlog : NETIPC_LISTEN_BACKLOG_DEFAULT;
  /* Non-blocking, so a connection that vanishes between poll and accept
   * cannot stall the accept loop. */
  if (listen(l->fd, backlog) != 0 ||
      fcntl(l->fd, F_SETFL, fcntl(l->fd, F_GETFL) | O_NONBLOCK) != 0) {
    unlink(l->addr.sun_path);
    err = NETIPC_ERR_SYSTEM;
    goto fail;
  }
  *out = l;
  return NETIPC_OK;
fail:
  if (l->fd >= 0)
    close(l->fd);
  listen_free(l);
  return err;
}

netipc_os_handle
netipc_listener_fd(const netipc_listener *l)
{
  return l != NULL ? l->fd : -1;
}

void
netipc_listener_destroy(netipc_listener *l)
{
  if (l == NULL)
    return;
  close(l->fd);
  unlink(l->addr.sun_path);
  listen_free(l);
}

/* accept() a connection, close-on-exec and blocking. */
static int
listen_accept_fd(int listen_fd)
{
#ifdef HAVE_ACCEPT4
  return accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
#else
  int fd = accept(listen_fd, NULL, NULL);
  if (fd >= 0) {
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    (void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  }
  return fd;
#endif
}

/* The accept hook: wait for and accept one connection. */
netipc_err
netipc__listen_accept_conn(netipc_listener *l, uint32_t timeout_ms,
                           const netipc_abort *abort, netipc_os_handle *fd,
                           uint64_t *session_id)
{
  uint64_t deadline = netipc__deadline(timeout_ms);
  *fd = -1;
  while (*fd < 0) {
    netipc_err err = netipc__wait_readable(l->fd, deadline, abort);
    if (err != NETIPC_OK)
      return err;
    /* The id is taken before accept, as the reference does (wire.md 9.5). */
    *session_id = l->core.next_session_id++;
    *fd = listen_accept_fd(l->fd);
    if (*fd < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
        errno != EINTR && errno != ECONNABORTED)
      return NETIPC_ERR_SYSTEM;
  }
  return NETIPC_OK;
}

void
netipc__accepted_close(netipc_os_handle conn)
{
  close(conn);
}
