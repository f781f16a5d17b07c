/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The live directory tree of `netipc serve cgroups-snapshot` on POSIX (by
 * default /sys/fs/cgroup), walked again on every request: one item per
 * directory below the root, name = path relative to the root, path =
 * absolute path, hash = simple_hash(name), options 0, enabled 1; children
 * in byte order, depth first. Windows has no such tree (live-windows.c).
 *
 * Walks run concurrently on session threads: the tree is only read, and
 * each walk keeps its state on its own stack and heap.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netipc-tool.h"
#include "nt-platform.h"

#define CG_DEFAULT_ROOT NT_CGROUP_ROOT
#define CG_SYSTEMD_MARKER "/run/systemd/system"
/* Bind mounts can make a tree endless; the builder also stops a walk. */
#define CG_MAX_DEPTH 256
/* The first path buffer of a walk: the root and some components. */
#define CG_PATH_INITIAL 256u

struct nt_cgroups_tree {
  char *root; /* absolute, no trailing '/' ("" for "/") */
  uint32_t systemd_enabled;
};

typedef struct cg_path {
  char *buf;
  size_t len;
  size_t cap;
} cg_path;

static bool
path_append(cg_path *p, const char *name)
{
  size_t n = strlen(name);
  size_t need = p->len + 1 + n + 1;
  if (need > p->cap) {
    size_t cap = p->cap ? p->cap : CG_PATH_INITIAL;
    while (cap < need)
      cap *= 2;
    char *nb = realloc(p->buf, cap);
    if (nb == NULL)
      return false;
    p->buf = nb;
    p->cap = cap;
  }
  p->buf[p->len++] = '/';
  memcpy(p->buf + p->len, name, n + 1);
  p->len += n;
  return true;
}

static int
name_cmp(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
free_names(char **names, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
}

/*
 * The subdirectory names of the directory at `path` (symbolic links are
 * not followed), sorted. Returns 0, or an errno value.
 */
static int
list_subdirs(const char *path, char ***out, size_t *out_n)
{
  *out = NULL;
  *out_n = 0;
  DIR *d = opendir(path[0] != '\0' ? path : "/");
  if (d == NULL)
    return errno;
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  for (;;) {
    errno = 0;
    struct dirent *e = readdir(d);
    if (e == NULL) {
      rc = errno;
      break;
    }
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    bool is_dir = false;
#ifdef DT_DIR
    if (e->d_type == DT_DIR)
      is_dir = true;
    else if (e->d_type == DT_UNKNOWN)
#endif
    {
      struct stat st;
      is_dir = fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
               S_ISDIR(st.st_mode);
    }
    if (!is_dir)
      continue;
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 16;
      char **nn = realloc(names, ncap * sizeof *nn);
      if (nn == NULL) {
        rc = ENOMEM;
        break;
      }
      names = nn;
      cap = ncap;
    }
    if ((names[n] = strdup(e->d_name)) == NULL) {
      rc = ENOMEM;
      break;
    }
    n++;
  }
  closedir(d);
  if (rc != 0) {
    free_names(names, n);
    return rc;
  }
  if (n > 1)
    qsort(names, n, sizeof *names, name_cmp);
  *out = names;
  *out_n = n;
  return 0;
}

/* Depth-first walk below p (which holds the directory's absolute path).
 * Recursive on purpose (hence the NOLINT): CG_MAX_DEPTH bounds the depth. */
static int
walk(netipc_cgroups_builder *b, /* NOLINT(misc-no-recursion) */
     cg_path *p, size_t root_len, int depth)
{
  char **names;
  size_t n;
  int rc = list_subdirs(p->buf, &names, &n);
  if (rc != 0) {
    if (depth == 0) {
      nt_error("cannot read %s: %s", p->buf[0] ? p->buf : "/", strerror(rc));
      return -1;
    }
    /* A cgroup removed under us, or one we may not list: its item is
     * already in; just skip its children. */
    return rc == ENOMEM ? -1 : 0;
  }
  int result = 0;
  size_t len = p->len;
  for (size_t i = 0; i < n && result == 0; i++) {
    if (!path_append(p, names[i])) {
      result = -1;
      break;
    }
    const char *name = p->buf + root_len + 1;
    (void)netipc_cgroups_builder_add(b, netipc_simple_hash(name, strlen(name)),
                                     0, 1, name, strlen(name), p->buf,
                                     p->len);
    /* A full builder ends the walk: the library answers LIMIT_EXCEEDED and
     * the client grows its limit. */
    if (b->error != NETIPC_OK)
      break;
    if (depth + 1 < CG_MAX_DEPTH)
      result = walk(b, p, root_len, depth + 1);
    p->len = len;
    p->buf[len] = '\0';
  }
  free_names(names, n);
  return result;
}

int
nt_cgroups_tree_walk(const nt_cgroups_tree *t, netipc_cgroups_builder *b)
{
  cg_path p = {NULL, 0, 0};
  size_t root_len = strlen(t->root);
  p.cap = root_len + CG_PATH_INITIAL;
  if ((p.buf = malloc(p.cap)) == NULL)
    return -1;
  memcpy(p.buf, t->root, root_len + 1);
  p.len = root_len;
  int rc = walk(b, &p, root_len, 0);
  free(p.buf);
  return rc;
}

nt_cgroups_tree *
nt_cgroups_tree_open(const char *dir)
{
  const char *given = dir != NULL ? dir : CG_DEFAULT_ROOT;
  char *abs = realpath(given, NULL);
  if (abs == NULL) {
    nt_error("cannot use %s: %s", given, strerror(errno));
    return NULL;
  }
  struct stat st;
  if (stat(abs, &st) != 0 || !S_ISDIR(st.st_mode)) {
    nt_error("cannot use %s: not a directory", given);
    free(abs);
    return NULL;
  }
  char **names;
  size_t n;
  int rc = list_subdirs(abs, &names, &n);
  if (rc != 0) {
    nt_error("cannot read %s: %s", given, strerror(rc));
    free(abs);
    return NULL;
  }
  free_names(names, n);
  nt_cgroups_tree *t = calloc(1, sizeof *t);
  if (t == NULL) {
    free(abs);
    nt_error("out of memory");
    return NULL;
  }
  if (strcmp(abs, "/") == 0)
    abs[0] = '\0';
  t->root = abs;
  t->systemd_enabled =
      dir == NULL && access(CG_SYSTEMD_MARKER, F_OK) == 0 ? 1 : 0;
  return t;
}

const char *
nt_cgroups_tree_root(const nt_cgroups_tree *t)
{
  return t->root[0] ? t->root : "/";
}

uint32_t
nt_cgroups_tree_systemd(const nt_cgroups_tree *t)
{
  return t->systemd_enabled;
}

void
nt_cgroups_tree_free(nt_cgroups_tree *t)
{
  if (t == NULL)
    return;
  free(t->root);
  free(t);
}
