/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Item sources for `netipc serve cgroups-snapshot`:
 *
 * - a live directory tree (by default /sys/fs/cgroup), walked again on
 *   every request: one item per directory below the root, name = path
 *   relative to the root, path = absolute path, hash = simple_hash(name),
 *   options 0, enabled 1; children in byte order, depth first;
 * - a TSV file `hash<TAB>options<TAB>enabled<TAB>name<TAB>path`, parsed
 *   once at start-up.
 *
 * The request handler runs concurrently on session threads: it only reads
 * the source (plus one atomic counter) and keeps its walk state on its own
 * stack and heap.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netipc-tool.h"

#define CG_DEFAULT_ROOT "/sys/fs/cgroup"
#define CG_SYSTEMD_MARKER "/run/systemd/system"
/* Bind mounts can make a tree endless; the builder also stops a walk. */
#define CG_MAX_DEPTH 256

typedef struct cg_item {
  uint32_t hash;
  uint32_t options;
  uint32_t enabled;
  char *name; /* one allocation: name NUL path NUL */
  size_t name_len;
  const char *path;
  size_t path_len;
} cg_item;

struct nt_cgroups_source {
  bool live;
  char *root; /* live: absolute, no trailing '/' ("" for "/") */
  char *file;
  cg_item *items;
  size_t count;
  bool fixed_generation;
  uint64_t generation;
  atomic_uint_fast64_t requests;
  uint32_t systemd_enabled;
};

/* ---- live directory tree ------------------------------------------- */

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
    size_t cap = p->cap ? p->cap : 256;
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

/* Depth-first walk below p (which holds the directory's absolute path). */
static int
walk(netipc_cgroups_builder *b, cg_path *p, size_t root_len, int depth)
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

static int
live_handler(nt_cgroups_source *s, netipc_cgroups_builder *b)
{
  cg_path p = {NULL, 0, 0};
  size_t root_len = strlen(s->root);
  p.cap = root_len + 256;
  if ((p.buf = malloc(p.cap)) == NULL)
    return -1;
  memcpy(p.buf, s->root, root_len + 1);
  p.len = root_len;
  int rc = walk(b, &p, root_len, 0);
  free(p.buf);
  return rc;
}

nt_cgroups_source *
nt_cgroups_source_dir(const char *dir)
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
  nt_cgroups_source *s = calloc(1, sizeof *s);
  if (s == NULL) {
    free(abs);
    nt_error("out of memory");
    return NULL;
  }
  if (strcmp(abs, "/") == 0)
    abs[0] = '\0';
  s->live = true;
  s->root = abs;
  atomic_init(&s->requests, 0);
  s->systemd_enabled =
      dir == NULL && access(CG_SYSTEMD_MARKER, F_OK) == 0 ? 1 : 0;
  return s;
}

/* ---- TSV file ------------------------------------------------------------ */

static bool
parse_u32_field(const char *file, unsigned long line, const char *what,
                const char *text, uint32_t *out)
{
  uint64_t v;
  if (nt_parse_u64(text, 0, UINT32_MAX, &v)) {
    *out = (uint32_t)v;
    return true;
  }
  nt_error("%s:%lu: invalid %s '%s' (expected a decimal or 0x-hex 32-bit "
           "number%s)",
           file, line, what, text, strcmp(what, "hash") == 0 ? " or auto" : "");
  return false;
}

/* The five fields of a data line. */
#define CG_FILE_FIELDS 5

/* One data line, split in place. */
static bool
parse_line(const nt_tsv_reader *r, char *text, cg_item *item)
{
  const char *file = r->name;
  unsigned long line = r->line_no;
  char *field[CG_FILE_FIELDS];
  size_t nfields = nt_tsv_split(text, field, CG_FILE_FIELDS);
  if (nfields != CG_FILE_FIELDS) {
    nt_tsv_error(r, "expected %d tab-separated fields (hash, options, "
                 "enabled, name, path), found %zu",
                 CG_FILE_FIELDS, nfields);
    return false;
  }
  size_t name_len = strlen(field[3]), path_len = strlen(field[4]);
  if (strcmp(field[0], "auto") == 0)
    item->hash = netipc_simple_hash(field[3], name_len);
  else if (!parse_u32_field(file, line, "hash", field[0], &item->hash))
    return false;
  if (!parse_u32_field(file, line, "options", field[1], &item->options) ||
      !parse_u32_field(file, line, "enabled", field[2], &item->enabled))
    return false;
  item->name = malloc(name_len + 1 + path_len + 1);
  if (item->name == NULL) {
    nt_tsv_error(r, "out of memory");
    return false;
  }
  memcpy(item->name, field[3], name_len + 1);
  memcpy(item->name + name_len + 1, field[4], path_len + 1);
  item->name_len = name_len;
  item->path = item->name + name_len + 1;
  item->path_len = path_len;
  return true;
}

/* Room for one more item. */
static bool
grow_items(nt_cgroups_source *s, size_t *cap)
{
  if (s->count < *cap)
    return true;
  size_t ncap = *cap ? *cap * 2 : 64;
  cg_item *ni = realloc(s->items, ncap * sizeof *ni);
  if (ni == NULL)
    return false;
  s->items = ni;
  *cap = ncap;
  return true;
}

static bool
read_items(nt_cgroups_source *s, nt_tsv_reader *r)
{
  size_t cap = 0;
  for (;;) {
    char *line;
    size_t len;
    int got = nt_tsv_next(r, &line, &len);
    if (got <= 0)
      return got == 0;
    if (!grow_items(s, &cap)) {
      nt_error("out of memory");
      return false;
    }
    if (!parse_line(r, line, &s->items[s->count]))
      return false;
    s->count++;
  }
}

nt_cgroups_source *
nt_cgroups_source_file(const char *file)
{
  nt_tsv_reader r;
  if (!nt_tsv_open(&r, file))
    return NULL;
  nt_cgroups_source *s = calloc(1, sizeof *s);
  bool ok = s != NULL && (s->file = strdup(file)) != NULL;
  if (!ok)
    nt_error("out of memory");
  ok = ok && read_items(s, &r);
  nt_tsv_close(&r);
  if (!ok) {
    nt_cgroups_source_free(s);
    return NULL;
  }
  s->live = false;
  s->fixed_generation = true;
  s->generation = 1;
  atomic_init(&s->requests, 0);
  return s;
}

static int
file_handler(const nt_cgroups_source *s, netipc_cgroups_builder *b)
{
  for (size_t i = 0; i < s->count && b->error == NETIPC_OK; i++) {
    const cg_item *it = &s->items[i];
    (void)netipc_cgroups_builder_add(b, it->hash, it->options, it->enabled,
                                     it->name, it->name_len, it->path,
                                     it->path_len);
  }
  return 0;
}

/* ---- common ------------------------------------------------------------ */

void
nt_cgroups_source_set_generation(nt_cgroups_source *s, uint64_t gen)
{
  s->fixed_generation = true;
  s->generation = gen;
}

void
nt_cgroups_source_set_systemd(nt_cgroups_source *s, uint32_t enabled)
{
  s->systemd_enabled = enabled;
}

void
nt_cgroups_source_describe(const nt_cgroups_source *s, char *buf, size_t cap)
{
  char gen[64];
  if (s->fixed_generation)
    snprintf(gen, sizeof gen, "%llu", (unsigned long long)s->generation);
  else
    snprintf(gen, sizeof gen, "request counter");
  if (s->live)
    snprintf(buf, cap,
             "directory %s (re-read on every request), generation %s, "
             "systemd_enabled %u",
             s->root[0] ? s->root : "/", gen, s->systemd_enabled);
  else
    snprintf(buf, cap, "file %s (%zu items), generation %s, systemd_enabled %u",
             s->file, s->count, gen, s->systemd_enabled);
}

int
nt_cgroups_source_handler(void *user, netipc_cgroups_builder *b)
{
  nt_cgroups_source *s = user;
  uint64_t n = atomic_fetch_add(&s->requests, 1) + 1;
  netipc_cgroups_builder_set_header(b, s->systemd_enabled,
                                    s->fixed_generation ? s->generation : n);
  return s->live ? live_handler(s, b) : file_handler(s, b);
}

void
nt_cgroups_source_free(nt_cgroups_source *s)
{
  if (s == NULL)
    return;
  for (size_t i = 0; i < s->count; i++)
    free(s->items[i].name);
  free(s->items);
  free(s->root);
  free(s->file);
  free(s);
}
