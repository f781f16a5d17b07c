/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-uds-rundir.c - the run-directory contract (doc/transport.md "Run
 * directory"): netipc_run_dir_check's rules and messages, the listener
 * and the client refusing what it refuses, endpoint ownership in a
 * shared (sticky, other-writable) directory, and the portable bind in a
 * private directory linked into place (run here through the test hook).
 *
 * Foreign owners are made with chown() to FOREIGN_UID, which needs root:
 * as root a failed chown fails the test; otherwise those cases SKIP.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <netipc/transport.h>

#include "tap.h"
#include "transport/posix/posix-listen-hooks.h"
#include "uds-helpers.h"

/* nobody; when that is us, the uid below it. */
#define FOREIGN_ID 65534
#define FOREIGN_UID ((uid_t)(geteuid() == FOREIGN_ID ? FOREIGN_ID - 1 : FOREIGN_ID))
#define FOREIGN_GID ((gid_t)FOREIGN_UID)
#define SHARED_MODE 01777
#define OPEN_MODE 0777
#define GROUP_MODE 0770
#define PRIVATE_MODE 0700
#define LINK_DIR_MODE_WANT 0700u
#define SHORT_WAIT_MS 300
#define PATH_CAP 512
#define SVC "rd"

static char base[64];
static char msg[NETIPC_RUN_DIR_MSG_MAX];

static void
sub_path(char *buf, const char *name)
{
  if ((size_t)snprintf(buf, PATH_CAP, "%s/%s", base, name) >= PATH_CAP)
    bail_out("path too long");
}

static void
make_dir(char *buf, const char *name, mode_t mode)
{
  sub_path(buf, name);
  /* chmod after mkdir: the umask must not decide what is tested. */
  if (mkdir(buf, PRIVATE_MODE) != 0 || chmod(buf, mode) != 0)
    bail_out("cannot make %s: %s", buf, strerror(errno));
}

static bool
is_root(void)
{
  return geteuid() == 0;
}

/* chown to the foreign uid: true if done; a failure as root fails. */
static bool
make_foreign(const char *path, bool nofollow, const char *what)
{
  int rc = nofollow ? lchown(path, FOREIGN_UID, FOREIGN_GID)
                    : chown(path, FOREIGN_UID, FOREIGN_GID);
  if (rc == 0)
    return true;
  if (is_root())
    bail_out("%s: chown to %u failed as root: %s", what,
             (unsigned)FOREIGN_UID, strerror(errno));
  return false;
}

static bool
contains(const char *s, const char *part)
{
  return strstr(s, part) != NULL;
}

/* Both roles get err, and the message names dir and the rule. */
static void
check_refused(const char *dir, netipc_err err, const char *rule,
              const char *what)
{
  static const netipc_role roles[] = {NETIPC_ROLE_SERVER, NETIPC_ROLE_CLIENT};
  for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
    const char *who = roles[i] == NETIPC_ROLE_SERVER ? "server" : "client";
    strcpy(msg, "stale");
    is_err(netipc_run_dir_check(dir, roles[i], msg, sizeof msg), err,
           "%s: %s check", what, who);
    ok(contains(msg, dir) && contains(msg, rule),
       "%s: %s message names the directory and \"%s\" (%s)", what, who, rule,
       msg);
  }
  netipc_transport_config c;
  netipc_listener *l = NULL;
  netipc_session *s = NULL;
  uds_config(&c, dir, SVC);
  is_err(netipc_listener_create(&c, &l), err, "%s: listener_create", what);
  ok(l == NULL, "%s: no listener", what);
  is_err(netipc_session_connect(&c, SHORT_WAIT_MS, NULL, &s), err,
         "%s: session_connect", what);
  ok(s == NULL, "%s: no session", what);
}

/* A listener in dir serves a client: both roles accept the directory. */
static void
check_serves(const char *dir, const char *svc, const char *what)
{
  is_err(netipc_run_dir_check(dir, NETIPC_ROLE_SERVER, msg, sizeof msg),
         NETIPC_OK, "%s: server check OK", what);
  ok(msg[0] == '\0', "%s: no message on success", what);
  is_err(netipc_run_dir_check(dir, NETIPC_ROLE_CLIENT, NULL, 0), NETIPC_OK,
         "%s: client check OK", what);
  netipc_transport_config c;
  netipc_listener *l = NULL;
  uds_config(&c, dir, svc);
  is_err(netipc_listener_create(&c, &l), NETIPC_OK, "%s: listener", what);
  if (l == NULL) {
    skip(1, "no listener");
    return;
  }
  uds_pair p;
  uds_pair_open(&p, l, &c, 1);
  ok(p.err == NETIPC_OK && uds_pair_round_trip(&p, 3),
     "%s: a client connects and round-trips", what);
  uds_pair_close(&p);
  netipc_listener_destroy(l);
}

static void
test_args(void)
{
  char small[8];
  is_err(netipc_run_dir_check(NULL, NETIPC_ROLE_CLIENT, NULL, 0),
         NETIPC_ERR_INVALID_ARG, "NULL run dir: INVALID_ARG");
  is_err(netipc_run_dir_check(base, (netipc_role)0, NULL, 0),
         NETIPC_ERR_INVALID_ARG, "role 0: INVALID_ARG");
  memset(small, 'x', sizeof small);
  char missing[PATH_CAP];
  sub_path(missing, "missing");
  is_err(netipc_run_dir_check(missing, NETIPC_ROLE_CLIENT, small,
                              sizeof small),
         NETIPC_ERR_RUN_DIR_MISSING, "small buffer: still the error");
  ok(memchr(small, '\0', sizeof small) != NULL &&
         strncmp(small, "run dir", sizeof small - 1) == 0,
     "small buffer: the message is cut and NUL-terminated");
}

static void
test_rules(void)
{
  char path[PATH_CAP], good[PATH_CAP];

  sub_path(path, "missing");
  check_refused(path, NETIPC_ERR_RUN_DIR_MISSING, "does not exist",
                "missing dir");
  char below[PATH_CAP + 8];
  sub_path(path, "file");
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    bail_out("cannot create %s", path);
  close(fd);
  check_refused(path, NETIPC_ERR_RUN_DIR_NOT_DIR, "not a directory",
                "a file in place of the dir");
  snprintf(below, sizeof below, "%s/x", path);
  is_err(netipc_run_dir_check(below, NETIPC_ROLE_SERVER, NULL, 0),
         NETIPC_ERR_RUN_DIR_MISSING, "a path below a file: MISSING");

  make_dir(good, "good", PRIVATE_MODE);
  sub_path(path, "link");
  if (symlink(good, path) != 0)
    bail_out("symlink: %s", strerror(errno));
  check_refused(path, NETIPC_ERR_RUN_DIR_NOT_DIR, "symlink",
                "a symlink to a good dir");
  /* lstat("link/") and lstat("link/.") would follow the link. */
  char slashed[PATH_CAP + 8];
  snprintf(slashed, sizeof slashed, "%s//", path);
  check_refused(slashed, NETIPC_ERR_RUN_DIR_NOT_DIR, "symlink",
                "a symlink named with trailing slashes");
  snprintf(slashed, sizeof slashed, "%s/.", path);
  check_refused(slashed, NETIPC_ERR_RUN_DIR_NOT_DIR, "\".\"",
                "a symlink named with a trailing /.");
  snprintf(slashed, sizeof slashed, "%s/", good);
  is_err(netipc_run_dir_check(slashed, NETIPC_ROLE_SERVER, NULL, 0),
         NETIPC_OK, "a good dir with a trailing slash is accepted");
  check_serves(good, SVC, "the good dir itself");

  make_dir(path, "open", OPEN_MODE);
  check_refused(path, NETIPC_ERR_RUN_DIR_UNSAFE,
                "writable by other users and has no sticky bit",
                "mode 0777");

  make_dir(path, "group", GROUP_MODE);
  check_serves(path, SVC, "group-writable 0770");
}

static void
test_owner(void)
{
  char path[PATH_CAP];
  make_dir(path, "foreign", 0755);
  if (!make_foreign(path, false, "foreign dir")) {
    skip(6, "not root: cannot make a directory of another user");
    return;
  }
  char owner[64];
  snprintf(owner, sizeof owner, "owned by uid %u", (unsigned)FOREIGN_UID);
  is_err(netipc_run_dir_check(path, NETIPC_ROLE_SERVER, msg, sizeof msg),
         NETIPC_ERR_RUN_DIR_OWNER, "dir of uid %u: server OWNER",
         (unsigned)FOREIGN_UID);
  ok(contains(msg, path) && contains(msg, owner),
     "server message names the dir and its owner (%s)", msg);
  is_err(netipc_run_dir_check(path, NETIPC_ROLE_CLIENT, NULL, 0), NETIPC_OK,
         "dir of uid %u: a client may use it", (unsigned)FOREIGN_UID);
  netipc_transport_config c;
  netipc_listener *l = NULL;
  uds_config(&c, path, SVC);
  is_err(netipc_listener_create(&c, &l), NETIPC_ERR_RUN_DIR_OWNER,
         "listener in a foreign dir: OWNER");
  ok(l == NULL, "no listener in a foreign dir");
  char group[PATH_CAP];
  make_dir(group, "foreign-group", GROUP_MODE | S_ISVTX);
  if (!make_foreign(group, false, "foreign group dir"))
    bail_out("chown worked once");
  is_err(netipc_run_dir_check(group, NETIPC_ROLE_SERVER, NULL, 0),
         NETIPC_ERR_RUN_DIR_OWNER,
         "group-writable does not excuse a foreign owner");
}

/* ---------------------------------------------------------------- */
/* A shared directory: sticky, writable by others.                   */

static char shared[PATH_CAP];

static netipc_err
connect_shared(const char *svc, uint32_t timeout_ms)
{
  netipc_transport_config c;
  netipc_session *s = NULL;
  uds_config(&c, shared, svc);
  netipc_err err = netipc_session_connect(&c, timeout_ms, NULL, &s);
  netipc_session_destroy(s);
  return err;
}

/* A raw listener whose socket file is another user's: never connected. */
static void
test_shared_foreign_socket(void)
{
  char path[PATH_CAP];
  int lfd = uds_raw_listen(shared, "planted");
  if (lfd < 0)
    bail_out("raw listen in the shared dir");
  uds_sock_path(shared, "planted", path, sizeof path);
  if (!make_foreign(path, true, "planted socket")) {
    skip(4, "not root: cannot plant a socket of another user");
    close(lfd);
    return;
  }
  is_err(connect_shared("planted", SHORT_WAIT_MS), NETIPC_ERR_ENDPOINT_OWNER,
         "socket of uid %u in a shared dir: ENDPOINT_OWNER", (unsigned)FOREIGN_UID);
  ok(uds_raw_accept(lfd, 0) < 0, "and the planted server saw no connection");
  close(lfd);

  /* The same socket in a private dir: ownership is not asked there. */
  char priv[PATH_CAP];
  make_dir(priv, "private-planted", PRIVATE_MODE);
  lfd = uds_raw_listen(priv, "planted");
  uds_sock_path(priv, "planted", path, sizeof path);
  if (lfd < 0 || !make_foreign(path, true, "private planted socket"))
    bail_out("cannot plant in the private dir");
  netipc_transport_config c;
  netipc_session *s = NULL;
  uds_config(&c, priv, "planted");
  is_err(netipc_session_connect(&c, SHORT_WAIT_MS, NULL, &s),
         NETIPC_ERR_TIMEOUT,
         "in a private dir the owner is not checked (connects, then waits)");
  int conn = uds_raw_accept(lfd, 0);
  ok(conn >= 0, "the private dir's server got the connection");
  if (conn >= 0)
    close(conn);
  close(lfd);
}

/* A symlink at the endpoint, even to a good socket: refused. */
static void
test_shared_symlink(void)
{
  char target[PATH_CAP], path[PATH_CAP];
  int lfd = uds_raw_listen(shared, "real");
  if (lfd < 0)
    bail_out("raw listen");
  uds_sock_path(shared, "real", target, sizeof target);
  uds_sock_path(shared, "sym", path, sizeof path);
  if (symlink(target, path) != 0)
    bail_out("symlink: %s", strerror(errno));
  is_err(connect_shared("sym", SHORT_WAIT_MS), NETIPC_ERR_ENDPOINT_OWNER,
         "symlink endpoint in a shared dir: ENDPOINT_OWNER");
  ok(uds_raw_accept(lfd, 0) < 0, "nothing connected through the symlink");
  close(lfd);
}

/*
 * A socket file of root's, but listened on by a process of another user
 * (the file replaced between the client's lstat and connect looks like
 * this): the peer's credentials are checked after connect.
 */
static void
test_shared_foreign_peer(void)
{
#if defined(__linux__) || defined(__APPLE__) || defined(__FreeBSD__) || \
    defined(__OpenBSD__) || defined(__NetBSD__) || defined(__DragonFly__)
  if (!is_root()) {
    skip(2, "not root: cannot run a listener as another user");
    return;
  }
  int ready[2], done[2];
  if (pipe(ready) != 0 || pipe(done) != 0)
    bail_out("pipe");
  pid_t pid = fork();
  if (pid < 0)
    bail_out("fork");
  if (pid == 0) {
    int fd = uds_raw_bind(shared, "peer");
    char b = 0;
    /* listen() after setuid: the peer credentials are the new user's. */
    if (fd < 0 || setgid(FOREIGN_GID) != 0 || setuid(FOREIGN_UID) != 0 ||
        listen(fd, 4) != 0)
      _exit(1);
    if (write(ready[1], "r", 1) != 1 || read(done[0], &b, 1) < 0)
      _exit(1);
    _exit(0);
  }
  char b = 0;
  if (read(ready[0], &b, 1) != 1)
    bail_out("the foreign listener did not start");
  char path[PATH_CAP];
  struct stat st;
  uds_sock_path(shared, "peer", path, sizeof path);
  ok(lstat(path, &st) == 0 && st.st_uid == 0,
     "the socket file is root's, its listener uid %u",
     (unsigned)FOREIGN_UID);
  is_err(connect_shared("peer", SHORT_WAIT_MS), NETIPC_ERR_ENDPOINT_OWNER,
         "listener of uid %u behind a root-owned file: ENDPOINT_OWNER",
         (unsigned)FOREIGN_UID);
  if (write(done[1], "d", 1) != 1)
    bail_out("write");
  int status = -1;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    bail_out("the foreign listener failed");
  close(ready[0]);
  close(ready[1]);
  close(done[0]);
  close(done[1]);
#else
  skip(2, "no peer credentials on this system");
#endif
}

/* The server's stale recovery in a shared dir takes only its own. */
static void
test_shared_stale(void)
{
  char path[PATH_CAP];
  netipc_transport_config c;
  netipc_listener *l = NULL;
  int fd = uds_raw_bind(shared, "stale-foreign");
  if (fd < 0)
    bail_out("bind");
  close(fd);
  uds_sock_path(shared, "stale-foreign", path, sizeof path);
  if (!make_foreign(path, true, "foreign stale socket")) {
    skip(2, "not root: cannot leave a socket of another user");
  } else {
    uds_config(&c, shared, "stale-foreign");
    is_err(netipc_listener_create(&c, &l), NETIPC_ERR_ENDPOINT_OWNER,
           "dead socket of uid %u in a shared dir: ENDPOINT_OWNER",
           (unsigned)FOREIGN_UID);
    struct stat st;
    ok(lstat(path, &st) == 0 && st.st_uid == FOREIGN_UID,
       "and it is left in place");
    netipc_listener_destroy(l);
    l = NULL;
  }
  fd = uds_raw_bind(shared, "stale-own");
  if (fd < 0)
    bail_out("bind");
  close(fd);
  uds_config(&c, shared, "stale-own");
  is_err(netipc_listener_create(&c, &l), NETIPC_OK,
         "our own dead socket in a shared dir is reclaimed");
  netipc_listener_destroy(l);
}

static void
test_shared(void)
{
  make_dir(shared, "shared", SHARED_MODE);
  check_serves(shared, SVC, "sticky 01777");
  test_shared_foreign_socket();
  test_shared_symlink();
  test_shared_foreign_peer();
  test_shared_stale();
}

/* ---------------------------------------------------------------- */
/* The private-directory bind.                                      */

/* Entries of dir that start with ".bind-". */
static int
leftovers(const char *dir)
{
  DIR *d = opendir(dir);
  if (d == NULL)
    bail_out("opendir %s", dir);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    n += strncmp(e->d_name, ".bind-", strlen(".bind-")) == 0;
  closedir(d);
  return n;
}

static bool
socket_mode_0600(const char *dir, const char *svc)
{
  char path[PATH_CAP];
  struct stat st;
  uds_sock_path(dir, svc, path, sizeof path);
  return lstat(path, &st) == 0 && S_ISSOCK(st.st_mode) &&
         (st.st_mode & 07777) == 0600;
}

typedef struct hook_plan {
  netipc__link_step fail_at; /* NETIPC__LINK_STEPS: none */
  int calls[NETIPC__LINK_STEPS];
  const char *plant_dir; /* at LINK: a live raw server at the endpoint */
  int planted_fd;
  unsigned dir_mode; /* the private directory's mode at BIND */
} hook_plan;

static int
link_hook(netipc__link_step step, const char *dir, void *arg)
{
  hook_plan *h = arg;
  struct stat st;
  h->calls[step]++;
  if (step == NETIPC__LINK_BIND && lstat(dir, &st) == 0)
    h->dir_mode = st.st_mode & 07777;
  if (step == NETIPC__LINK_LINK && h->plant_dir != NULL)
    h->planted_fd = uds_raw_listen(h->plant_dir, SVC);
  return step == h->fail_at ? EIO : 0;
}

static void
hook_plan_init(hook_plan *h)
{
  memset(h, 0, sizeof *h);
  h->fail_at = NETIPC__LINK_STEPS;
  h->planted_fd = -1;
}

static void
test_link_bind(void)
{
  char dir[PATH_CAP];
  make_dir(dir, "linked", PRIVATE_MODE);
  netipc__listen_bind_via_link(true);
  hook_plan h;
  hook_plan_init(&h);
  netipc__listen_link_hook(link_hook, &h);

  mode_t old = umask(0);
  check_serves(dir, SVC, "linked bind");
  ok(h.calls[NETIPC__LINK_LINK] == 1 && h.calls[NETIPC__LINK_CLEANUP] == 1,
     "the listener went through the linked bind");
  ok(leftovers(dir) == 0, "no private directory left after success");
  netipc_transport_config c;
  netipc_listener *l = NULL;
  uds_config(&c, dir, SVC);
  static const mode_t masks[] = {0, 0277};
  for (size_t i = 0; i < sizeof masks / sizeof masks[0]; i++) {
    netipc_listener_destroy(l);
    hook_plan_init(&h);
    umask(masks[i]);
    l = NULL;
    is_err(netipc_listener_create(&c, &l), NETIPC_OK,
           "linked bind under umask %04o", (unsigned)masks[i]);
    umask(0);
    is_uint(h.dir_mode, LINK_DIR_MODE_WANT,
            "umask %04o: the private dir is exactly 0700 at bind",
            (unsigned)masks[i]);
    ok(socket_mode_0600(dir, SVC), "umask %04o: the socket is 0600",
       (unsigned)masks[i]);
    ok(leftovers(dir) == 0, "umask %04o: no private directory left",
       (unsigned)masks[i]);
  }

  /* A live server (l) is never displaced: the probe stops the second. */
  char path[PATH_CAP];
  struct stat st1, st2;
  uds_sock_path(dir, SVC, path, sizeof path);
  memset(&st1, 0, sizeof st1);
  memset(&st2, 0, sizeof st2);
  (void)lstat(path, &st1);
  netipc_listener *l2 = NULL;
  is_err(netipc_listener_create(&c, &l2), NETIPC_ERR_ADDR_IN_USE,
         "second linked listener on a live name: ADDR_IN_USE");
  ok(lstat(path, &st2) == 0 && st1.st_ino == st2.st_ino,
     "the live socket's inode is unchanged");
  netipc_listener_destroy(l2);
  netipc_listener_destroy(l);
  umask(old);

  /* A server that binds the name after the probe, before our link. */
  hook_plan_init(&h);
  h.plant_dir = dir;
  l = NULL;
  is_err(netipc_listener_create(&c, &l), NETIPC_ERR_ADDR_IN_USE,
         "a rival bound between probe and link: ADDR_IN_USE");
  ok(h.planted_fd >= 0, "the rival was planted");
  int conn = uds_raw_connect(dir, SVC);
  int got = h.planted_fd >= 0 ? uds_raw_accept(h.planted_fd, SHORT_WAIT_MS)
                              : -1;
  ok(conn >= 0 && got >= 0, "the rival still owns the name and accepts");
  ok(leftovers(dir) == 0, "no private directory left after the clash");
  if (conn >= 0)
    close(conn);
  if (got >= 0)
    close(got);
  if (h.planted_fd >= 0)
    close(h.planted_fd);
  unlink(path);

  /* Every step failing: an error, no directory, no endpoint. */
  for (int step = 0; step < NETIPC__LINK_STEPS; step++) {
    hook_plan_init(&h);
    h.fail_at = (netipc__link_step)step;
    l = NULL;
    netipc_err err = netipc_listener_create(&c, &l);
    is_err(err, NETIPC_ERR_SYSTEM, "step %d failing: SYSTEM", step);
    ok(h.calls[step] == 1 && l == NULL, "step %d: reached once, no listener",
       step);
    struct stat st;
    ok(leftovers(dir) == 0 && lstat(path, &st) != 0,
       "step %d: no private directory and no endpoint left", step);
    netipc_listener_destroy(l);
  }

  /* A run dir where the endpoint fits sun_path but the private path not. */
  char longdir[PATH_CAP];
  size_t sun = sizeof(((struct sockaddr_un *)0)->sun_path);
  size_t want = sun - strlen("/.bind-XXXXXX/s") - 1 + 1; /* one too long */
  size_t have = strlen(dir) + 1;
  if (want <= have || want - have >= PATH_CAP - strlen(dir) - 2)
    bail_out("cannot size the long dir");
  memcpy(longdir, dir, have - 1);
  longdir[have - 1] = '/';
  memset(longdir + have, 'd', want - have);
  longdir[want] = '\0';
  if (mkdir(longdir, PRIVATE_MODE) != 0)
    bail_out("mkdir long: %s", strerror(errno));
  hook_plan_init(&h);
  uds_config(&c, longdir, "s");
  is_err(netipc_listener_create(&c, &l), NETIPC_ERR_PATH_TOO_LONG,
         "private path over sun_path: PATH_TOO_LONG");
  ok(h.calls[NETIPC__LINK_MKDTEMP] == 0 && leftovers(longdir) == 0,
     "nothing was made");
#if defined(__linux__)
  netipc__listen_bind_via_link(false);
  is_err(netipc_listener_create(&c, &l), NETIPC_OK,
         "the same path binds directly (fchmod) on Linux");
  netipc_listener_destroy(l);
#endif
  rmdir(longdir);
  netipc__listen_link_hook(NULL, NULL);
}

/* Remove base and everything below it (two levels are made here). */
static void
remove_tree(const char *dir)
{
  DIR *d = opendir(dir);
  if (d == NULL)
    return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    char path[PATH_CAP * 2];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
      remove_tree(path);
    else
      unlink(path);
  }
  closedir(d);
  rmdir(dir);
}

int
main(void)
{
  uds_safety_alarm();
  uds_rundir_make(base, sizeof base, "rundir");
  test_args();
  test_rules();
  test_owner();
  test_shared();
  test_link_bind();
  remove_tree(base);
  return done_testing();
}
