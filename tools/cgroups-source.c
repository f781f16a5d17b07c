/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Item sources for `netipc serve cgroups-snapshot`:
 *
 * - a live directory tree (by default /sys/fs/cgroup), walked again on
 *   every request (cgroups-tree-posix.c; Windows has none and needs
 *   --from-file);
 * - a TSV file `hash<TAB>options<TAB>enabled<TAB>name<TAB>path`, parsed
 *   once at start-up.
 *
 * The request handler runs concurrently on session threads: it only reads
 * the source (plus one atomic counter) and keeps its walk state on its own
 * stack and heap.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netipc-tool.h"
#include "nt-platform.h"

/* Room for a generation number or the words that replace it. */
#define CG_GEN_TEXT_MAX 64

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
  nt_cgroups_tree *tree; /* live */
  char *file;
  cg_item *items;
  size_t count;
  bool fixed_generation;
  uint64_t generation;
  uint64_t requests; /* nt_atomic_add64: handlers run concurrently */
  uint32_t systemd_enabled;
};

/* ---- live directory tree (cgroups-tree-posix.c, live-windows.c) -------- */

nt_cgroups_source *
nt_cgroups_source_dir(const char *dir)
{
  if (!nt_live_available("cgroups-snapshot"))
    return NULL;
  nt_cgroups_tree *t = nt_cgroups_tree_open(dir);
  if (t == NULL)
    return NULL;
  nt_cgroups_source *s = calloc(1, sizeof *s);
  if (s == NULL) {
    nt_cgroups_tree_free(t);
    nt_error("out of memory");
    return NULL;
  }
  s->live = true;
  s->tree = t;
  s->systemd_enabled = nt_cgroups_tree_systemd(t);
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
  /* (void): a description for a message; cut short it is still true. */
  char gen[CG_GEN_TEXT_MAX];
  if (s->fixed_generation)
    (void)snprintf(gen, sizeof gen, "%llu",
                   (unsigned long long)s->generation);
  else
    (void)snprintf(gen, sizeof gen, "request counter");
  if (s->live)
    (void)snprintf(buf, cap,
             "directory %s (re-read on every request), generation %s, "
             "systemd_enabled %u",
             nt_cgroups_tree_root(s->tree), gen, s->systemd_enabled);
  else
    (void)snprintf(buf, cap,
                   "file %s (%zu items), generation %s, systemd_enabled %u",
                   s->file, s->count, gen, s->systemd_enabled);
}

int
nt_cgroups_source_handler(void *user, netipc_cgroups_builder *b)
{
  nt_cgroups_source *s = user;
  uint64_t n = nt_atomic_add64(&s->requests, 1);
  netipc_cgroups_builder_set_header(b, s->systemd_enabled,
                                    s->fixed_generation ? s->generation : n);
  return s->live ? nt_cgroups_tree_walk(s->tree, b) : file_handler(s, b);
}

void
nt_cgroups_source_free(nt_cgroups_source *s)
{
  if (s == NULL)
    return;
  for (size_t i = 0; i < s->count; i++)
    free(s->items[i].name);
  free(s->items);
  nt_cgroups_tree_free(s->tree);
  free(s->file);
  free(s);
}
