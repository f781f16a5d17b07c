/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * UDS server: listener with the run-directory contract, stale-endpoint
 * recovery and a 0600 socket made without touching the umask, accepting
 * connections for the portable server handshake (transport/handshake.c;
 * posix-uds.md 3, 4, 6.2; wire.md 9.5; doc/transport.md "Run directory").
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"
#include "transport/platform.h"
#include "transport/posix/posix-listen-hooks.h"
#include "transport/posix/posix-shm-internal.h"
#include "transport/posix/posix-uds-internal.h"

/* Only the owner may touch the socket inode (posix-uds.md 3 step 4). */
#define LISTEN_SOCKET_MODE 0600
#define LISTEN_MODE_BITS 07777 /* permission, set-id and sticky bits */
/* The private directory the portable bind makes the socket in. */
#define LINK_DIR_TEMPLATE "/.bind-XXXXXX"
#define LINK_DIR_MODE 0700
#define LINK_SOCKET_NAME "/s"

struct netipc_listener {
  netipc__listen_core core; /* first: transport/handshake.c reaches it */
  int fd;
  struct sockaddr_un addr;
};
_Static_assert(offsetof(struct netipc_listener, core) == 0,
               "the portable core must come first");

#if defined(__linux__)
#define LISTEN_VIA_LINK_DEFAULT false
#else
#define LISTEN_VIA_LINK_DEFAULT true
#endif
static atomic_bool listen_via_link = LISTEN_VIA_LINK_DEFAULT;
static netipc__link_hook_fn link_hook;
static void *link_hook_arg;

void
netipc__listen_bind_via_link(bool on)
{
  atomic_store(&listen_via_link, on);
}

void
netipc__listen_link_hook(netipc__link_hook_fn fn, void *arg)
{
  link_hook = fn;
  link_hook_arg = arg;
}

/* Remove a dead endpoint entry relative to run_dir (posix-uds.md 4). */
static netipc_err
listen_remove_stale(const char *run_dir, const char *entry)
{
  int dir = open(run_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir < 0)
    return NETIPC_ERR_ADDR_IN_USE;
  int rc = unlinkat(dir, entry, 0);
  if (rc != 0 && errno == EISDIR)
    rc = unlinkat(dir, entry, AT_REMOVEDIR);
  int saved = errno;
  close(dir);
  return rc == 0 || saved == ENOENT ? NETIPC_OK : NETIPC_ERR_ADDR_IN_USE;
}

/*
 * In a directory others may write, a dead entry that is not ours may be
 * another user's endpoint (or bait): leave it, even as root.
 */
static netipc_err
listen_stale_owner(const char *path)
{
  struct stat st;
  if (lstat(path, &st) != 0)
    return errno == ENOENT ? NETIPC_OK : NETIPC_ERR_ADDR_IN_USE;
  return st.st_uid == geteuid() ? NETIPC_OK : NETIPC_ERR_ENDPOINT_OWNER;
}

/* Probe the path: a live server keeps it, anything else is reclaimed. */
static netipc_err
listen_reclaim(const netipc_transport_config *cfg,
               const struct sockaddr_un *addr, bool shared)
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
  netipc_err err;
  if (shared && (err = listen_stale_owner(addr->sun_path)) != NETIPC_OK)
    return err;
  /* The name was validated when the address was built. */
  char entry[NETIPC_SERVICE_NAME_MAX + sizeof NETIPC__UDS_SUFFIX];
  (void)snprintf(entry, sizeof entry, "%s%s", cfg->service_name,
                 NETIPC__UDS_SUFFIX); /* sized to fit: cannot truncate */
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
/*
 * After bind: the path must still be our socket (in a group-writable run
 * dir a member could have swapped a symlink in, and a chmod that follows
 * it would change another file). Only a mode a strict umask narrowed is
 * fixed, and never through a symlink.
 */
static netipc_err
listen_fix_mode(const char *path)
{
  struct stat st;
  if (lstat(path, &st) != 0 || !S_ISSOCK(st.st_mode) ||
      st.st_uid != geteuid())
    return NETIPC_ERR_SYSTEM;
  if ((st.st_mode & LISTEN_MODE_BITS) == LISTEN_SOCKET_MODE)
    return NETIPC_OK;
  return fchmodat(AT_FDCWD, path, LISTEN_SOCKET_MODE, AT_SYMLINK_NOFOLLOW) == 0
             ? NETIPC_OK
             : NETIPC_ERR_SYSTEM;
}

static netipc_err
listen_bind_fchmod(int fd, const struct sockaddr_un *addr)
{
  if (fchmod(fd, LISTEN_SOCKET_MODE) != 0)
    return NETIPC_ERR_SYSTEM;
  if (bind(fd, (const struct sockaddr *)addr, sizeof *addr) != 0)
    return errno == EADDRINUSE ? NETIPC_ERR_ADDR_IN_USE : NETIPC_ERR_SYSTEM;
  if (listen_fix_mode(addr->sun_path) != NETIPC_OK) {
    unlink(addr->sun_path); /* unlink never follows a symlink */
    return NETIPC_ERR_SYSTEM;
  }
  return NETIPC_OK;
}
#endif

/* Whether the test hook fails this step (errno is then its value). */
static bool
link_step_fails(netipc__link_step step, const char *dir)
{
  int e = link_hook != NULL ? link_hook(step, dir, link_hook_arg) : 0;
  if (e != 0)
    errno = e;
  return e != 0;
}

/* chmod the fresh private directory through a descriptor: the name sits
 * in the run dir, where a group member could swap in a symlink. */
static bool
link_dir_chmod(const char *dir)
{
  int d = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (d < 0)
    return false;
  bool ok = fchmod(d, LINK_DIR_MODE) == 0;
  close(d);
  return ok;
}

/* Bind <dir>/s, make it 0600, link it to the endpoint path. */
static netipc_err
link_in_dir(int fd, const char *dir, const struct sockaddr_un *tmp,
            const struct sockaddr_un *addr)
{
  /* mkdtemp's mode is 0700 less the umask: a strict umask would leave a
   * directory we cannot bind in. chmod touches only this directory. */
  if (link_step_fails(NETIPC__LINK_CHMOD_DIR, dir) || !link_dir_chmod(dir))
    return NETIPC_ERR_SYSTEM;
  if (link_step_fails(NETIPC__LINK_BIND, dir) ||
      bind(fd, (const struct sockaddr *)tmp, sizeof *tmp) != 0)
    return NETIPC_ERR_SYSTEM;
  /* The umask decided the mode; nobody else can reach it in here. */
  if (link_step_fails(NETIPC__LINK_CHMOD_SOCK, dir) ||
      chmod(tmp->sun_path, LISTEN_SOCKET_MODE) != 0)
    return NETIPC_ERR_SYSTEM;
  /* link(), not rename(): rename would replace a server that bound the
   * name since the liveness probe; link fails with EEXIST instead. */
  if (link_step_fails(NETIPC__LINK_LINK, dir) ||
      link(tmp->sun_path, addr->sun_path) != 0)
    return errno == EEXIST ? NETIPC_ERR_ADDR_IN_USE : NETIPC_ERR_SYSTEM;
  return NETIPC_OK;
}

/* Remove the private directory and whatever bind left in it. */
static bool
link_cleanup(const char *dir, const struct sockaddr_un *tmp)
{
  bool injected = link_step_fails(NETIPC__LINK_CLEANUP, dir);
  bool ok = (unlink(tmp->sun_path) == 0 || errno == ENOENT) &&
            rmdir(dir) == 0;
  return ok && !injected;
}

/*
 * Portable 0600 without the umask: bind in a fresh 0700 directory of the
 * run dir, where the umask-given mode cannot be used by anyone else,
 * chmod 0600, and link the socket into place (the inode, and so the
 * bound socket, is the same under both names).
 */
static netipc_err
listen_bind_via_link(int fd, const char *run_dir,
                     const struct sockaddr_un *addr)
{
  char dir[NETIPC__SUN_PATH_MAX];
  struct sockaddr_un tmp;
  memset(&tmp, 0, sizeof tmp);
  tmp.sun_family = AF_UNIX;
  size_t len = strlen(run_dir);
  if (len + sizeof LINK_DIR_TEMPLATE - 1 + sizeof LINK_SOCKET_NAME >
      sizeof tmp.sun_path)
    return NETIPC_ERR_PATH_TOO_LONG;
  size_t dir_len = len + sizeof LINK_DIR_TEMPLATE - 1;
  /* The template's own NUL ends the path (clang-tidy sees only the
   * first copy). */
  // NOLINTBEGIN(bugprone-not-null-terminated-result)
  memcpy(dir, run_dir, len);
  memcpy(dir + len, LINK_DIR_TEMPLATE, sizeof LINK_DIR_TEMPLATE);
  // NOLINTEND(bugprone-not-null-terminated-result)
  if (link_step_fails(NETIPC__LINK_MKDTEMP, dir) || mkdtemp(dir) == NULL)
    return NETIPC_ERR_SYSTEM;
  memcpy(tmp.sun_path, dir, dir_len);
  memcpy(tmp.sun_path + dir_len, LINK_SOCKET_NAME, sizeof LINK_SOCKET_NAME);
  netipc_err err = link_in_dir(fd, dir, &tmp, addr);
  if (!link_cleanup(dir, &tmp) && err == NETIPC_OK) {
    unlink(addr->sun_path);
    err = NETIPC_ERR_SYSTEM;
  }
  return err;
}

static netipc_err
listen_bind(int fd, const char *run_dir, const struct sockaddr_un *addr)
{
#if defined(__linux__)
  if (!atomic_load(&listen_via_link))
    return listen_bind_fchmod(fd, addr);
#endif
  return listen_bind_via_link(fd, run_dir, addr);
}

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
  bool shared = false;
  if (err == NETIPC_OK)
    err = netipc__run_dir_inspect(cfg->run_dir, NETIPC_ROLE_SERVER, &shared,
                                  NULL, 0);
  if (err == NETIPC_OK)
    err = netipc__listen_core_init(&l->core, cfg);
  /* Regions left by a crashed instance go before we listen (posix-shm 11). */
  if (err == NETIPC_OK &&
      (l->core.hello.supported_profiles & NETIPC__SHM_PROFILES))
    netipc__shm_cleanup(cfg->run_dir, cfg->service_name);
  if (err == NETIPC_OK)
    err = listen_reclaim(cfg, &l->addr, shared);
  if (err == NETIPC_OK)
    err = netipc__uds_socket(&l->fd);
  if (err == NETIPC_OK)
    err = listen_bind(l->fd, cfg->run_dir, &l->addr);
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
