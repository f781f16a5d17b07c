/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The run-directory contract (doc/transport.md, "Run directory"): what a
 * directory must be before a server puts endpoints in it or a client
 * trusts the endpoints it finds there.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "transport/posix/posix-internal.h"

/* Write one formatted line into msg (may be NULL), return err. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static netipc_err
rundir_say(netipc_err err, char *msg, size_t cap, const char *fmt, ...)
{
  if (msg == NULL || cap == 0)
    return err;
  va_list ap;
  va_start(ap, fmt);
  (void)vsnprintf(msg, cap, fmt, ap);
  va_end(ap);
  return err;
}

bool
netipc__uid_trusted(uid_t uid)
{
  return uid == geteuid() || uid == 0;
}

netipc_err
netipc__socket_peer_uid(int fd, uid_t *uid)
{
#if defined(__linux__)
  struct ucred cred;
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
      len != sizeof cred)
    return NETIPC_ERR_SYSTEM;
  *uid = cred.uid;
  return NETIPC_OK;
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || \
    defined(__NetBSD__) || defined(__DragonFly__)
  /* Not SO_PEERCRED: OpenBSD defines it with another struct. */
  gid_t gid;
  return getpeereid(fd, uid, &gid) == 0 ? NETIPC_OK : NETIPC_ERR_SYSTEM;
#else
  (void)fd;
  (void)uid;
  return NETIPC_ERR_NOT_SUPPORTED;
#endif
}

/* lstat's failure as a contract error: absent, or not examinable. */
static netipc_err
rundir_lstat_error(const char *run_dir, int e, char *msg, size_t cap)
{
  /* ENOTDIR: a leading component is a file, so no such directory. */
  if (e == ENOENT || e == ENOTDIR)
    return rundir_say(NETIPC_ERR_RUN_DIR_MISSING, msg, cap,
                      "run directory %s does not exist", run_dir);
  return rundir_say(NETIPC_ERR_SYSTEM, msg, cap,
                    "run directory %s cannot be examined: %s", run_dir,
                    strerror(e));
}

/* The longest run directory judged (the endpoints need far less). */
#define RUNDIR_NAME_MAX 4096

netipc_err
netipc__run_dir_inspect(const char *run_dir, netipc_role role, bool *shared,
                        char *msg, size_t cap)
{
  if (msg != NULL && cap > 0)
    msg[0] = '\0';
  if (run_dir == NULL || (role != NETIPC_ROLE_CLIENT &&
                          role != NETIPC_ROLE_SERVER))
    return rundir_say(NETIPC_ERR_INVALID_ARG, msg, cap,
                      "no run directory or no role given");
  /* lstat follows a symlink named with a trailing "/" or "/.": judge
   * the name without its trailing slashes, and refuse "." and "..". */
  char name[RUNDIR_NAME_MAX];
  size_t len = strlen(run_dir);
  while (len > 1 && run_dir[len - 1] == '/')
    len--;
  if (len >= sizeof name)
    return rundir_say(NETIPC_ERR_PATH_TOO_LONG, msg, cap,
                      "run directory %s is too long", run_dir);
  memcpy(name, run_dir, len);
  name[len] = '\0';
  const char *last = strrchr(name, '/');
  last = last != NULL ? last + 1 : name;
  if (strcmp(last, ".") == 0 || strcmp(last, "..") == 0)
    return rundir_say(NETIPC_ERR_RUN_DIR_NOT_DIR, msg, cap,
                      "run directory %s must end in the directory's own "
                      "name, not \"%s\"",
                      run_dir, last);
  struct stat st;
  /* lstat: a symlink in the last component is refused, never followed
   * (someone who could write its parent may have pointed it anywhere). */
  if (lstat(name, &st) != 0)
    return rundir_lstat_error(run_dir, errno, msg, cap);
  if (S_ISLNK(st.st_mode))
    return rundir_say(NETIPC_ERR_RUN_DIR_NOT_DIR, msg, cap,
                      "run directory %s is a symlink (a real directory is "
                      "required)",
                      run_dir);
  if (!S_ISDIR(st.st_mode))
    return rundir_say(NETIPC_ERR_RUN_DIR_NOT_DIR, msg, cap,
                      "run directory %s is not a directory", run_dir);
  bool other_writable = (st.st_mode & S_IWOTH) != 0;
  /* Without the sticky bit anyone may remove or replace our endpoints. */
  if (other_writable && (st.st_mode & S_ISVTX) == 0)
    return rundir_say(NETIPC_ERR_RUN_DIR_UNSAFE, msg, cap,
                      "run directory %s is writable by other users and has "
                      "no sticky bit",
                      run_dir);
  /* Whoever owns the directory can swap its entries: a server accepts
   * only itself or root there. Group-writable is a deployment choice. */
  if (role == NETIPC_ROLE_SERVER && !netipc__uid_trusted(st.st_uid))
    return rundir_say(NETIPC_ERR_RUN_DIR_OWNER, msg, cap,
                      "run directory %s is owned by uid %lu, not by this "
                      "server's uid %lu or root",
                      run_dir, (unsigned long)st.st_uid,
                      (unsigned long)geteuid());
  if (shared != NULL)
    *shared = other_writable;
  return NETIPC_OK;
}

netipc_err
netipc_run_dir_check(const char *run_dir, netipc_role role, char *msg,
                     size_t cap)
{
  return netipc__run_dir_inspect(run_dir, role, NULL, msg, cap);
}
