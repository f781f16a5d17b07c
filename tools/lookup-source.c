/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What `serve cgroups-lookup` and `serve apps-lookup` answer from, the
 * parts both kinds share: a TSV file read once (one entry per line, an
 * index from key to entry, the "*" line for every other key), or a live
 * source with its generation rule: the generation starts at 1 and rises
 * by one whenever the answer given for a key differs from the one given
 * before for the same key. The method-specific parts (line formats, what
 * a live answer is) are in cgroups-lookup-source.c and
 * apps-lookup-source.c.
 *
 * Handlers run concurrently on session threads: a file source is only
 * read after loading; a live source's record is behind one mutex.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netipc-tool.h"
#include "nt-platform.h"

/* Keys a live source remembers; past that the record starts again (and
 * the generation rises, since what was remembered is gone). */
#define LOOKUP_RECORD_MAX 262144u
#define LOOKUP_FIRST_GENERATION 1u
#define LOOKUP_INITIAL_ENTRIES 64u
#define LOOKUP_GEN_TEXT_MAX 64

struct nt_lookup_source {
  uint16_t method;
  char *file; /* NULL: live */
  bool fixed_generation;
  uint64_t generation; /* the fixed value, or the live counter */
  nt_mutex *lock;       /* live: answers and generation */
  nt_keymap answers;    /* live: key -> the last answer */
  nt_keymap index;      /* file: key -> entry */
  nt_lookup_entry *entries;
  size_t count, cap;
  bool has_wildcard;
  size_t wildcard;
};

static nt_lookup_source *
source_new(uint16_t method)
{
  nt_lookup_source *s = calloc(1, sizeof *s);
  if (s == NULL || (s->lock = nt_mutex_create()) == NULL) {
    free(s);
    nt_error("out of memory");
    return NULL;
  }
  s->method = method;
  s->generation = LOOKUP_FIRST_GENERATION;
  return s;
}

nt_lookup_source *
nt_lookup_source_live(uint16_t method)
{
  const char *kind = method == NETIPC_METHOD_CGROUPS_LOOKUP
                         ? NETIPC_CGROUPS_LOOKUP_SERVICE
                         : NETIPC_APPS_LOOKUP_SERVICE;
  return nt_live_available(kind) ? source_new(method) : NULL;
}

/* ---- file --------------------------------------------------------------- */

static void
entry_free(nt_lookup_entry *e)
{
  free(e->text);
  free(e->labels);
}

/* Index the entry just parsed: the first line of a key wins. The analyzer
 * bracket: see netipc-tool.h (load_line's e->text, in s->entries). */
NT_GCC_ANALYZER_REALLOC_FP_BEGIN
static bool
index_entry(nt_lookup_source *s, const nt_lookup_entry *e)
{
  if (e->wildcard) {
    if (!s->has_wildcard)
      s->wildcard = s->count;
    s->has_wildcard = true;
    return true;
  }
  bool added;
  uint64_t *v = nt_keymap_insert(&s->index, e->key, e->key_len, &added);
  if (v == NULL)
    return false;
  if (added)
    *v = s->count;
  return true;
}
NT_GCC_ANALYZER_REALLOC_FP_END

/* The line split at its tabs: an array as long as the line's fields. */
static char **
split_fields(char *text, size_t len, size_t *n)
{
  size_t tabs = 0;
  for (size_t i = 0; i < len; i++)
    tabs += text[i] == '\t';
  char **fields = malloc((tabs + 1) * sizeof *fields);
  if (fields != NULL)
    *n = nt_tsv_split(text, fields, tabs + 1);
  return fields;
}

static bool
load_line(nt_lookup_source *s, const nt_tsv_reader *r, const char *line,
          size_t len, nt_lookup_parse_fn parse)
{
  if (s->count == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : LOOKUP_INITIAL_ENTRIES;
    nt_lookup_entry *grown = realloc(s->entries, cap * sizeof *grown);
    if (grown == NULL) {
      nt_tsv_error(r, "out of memory");
      return false;
    }
    s->entries = grown;
    s->cap = cap;
  }
  nt_lookup_entry *e = &s->entries[s->count];
  memset(e, 0, sizeof *e);
  size_t n = 0;
  char **fields = NULL;
  if ((e->text = malloc(len + 1)) != NULL) {
    memcpy(e->text, line, len + 1);
    fields = split_fields(e->text, len, &n);
  }
  bool ok = fields != NULL && parse(r, fields, n, e);
  if (fields == NULL)
    nt_tsv_error(r, "out of memory");
  free(fields);
  if (ok && !index_entry(s, e)) {
    nt_tsv_error(r, "out of memory");
    ok = false;
  }
  if (!ok) {
    entry_free(e);
    return false;
  }
  s->count++;
  return true;
}

nt_lookup_source *
nt_lookup_source_file(uint16_t method, const char *file,
                      nt_lookup_parse_fn parse)
{
  nt_tsv_reader r;
  if (!nt_tsv_open(&r, file))
    return NULL;
  nt_lookup_source *s = source_new(method);
  bool ok = s != NULL && (s->file = strdup(file)) != NULL;
  if (s != NULL && !ok)
    nt_error("out of memory");
  int got = 0;
  while (ok) {
    char *line;
    size_t len;
    if ((got = nt_tsv_next(&r, &line, &len)) <= 0)
      break;
    ok = load_line(s, &r, line, len, parse);
  }
  nt_tsv_close(&r);
  if (!ok || got < 0) {
    nt_lookup_source_free(s);
    return NULL;
  }
  s->fixed_generation = true; /* a file never changes while served */
  return s;
}

const nt_lookup_entry *
nt_lookup_source_find(const nt_lookup_source *s, const void *key,
                      size_t len)
{
  const uint64_t *v = nt_keymap_find(&s->index, key, len);
  if (v != NULL)
    return &s->entries[*v];
  return s->has_wildcard ? &s->entries[s->wildcard] : NULL;
}

/* ---- fields ------------------------------------------------------------- */

bool
nt_lookup_decode_field(const nt_tsv_reader *r, char *f, const char *what,
                       size_t *len)
{
  *len = strlen(f);
  if (nt_tsv_decode(f, len))
    return true;
  nt_tsv_error(r, "NUL byte (\\x00) in %s", what);
  return false;
}

/* "key=value", split at the first '=' before decoding (an '=' inside the
 * key is written escaped). */
static bool
parse_label(const nt_tsv_reader *r, char *f, size_t column,
            netipc_lookup_label *out)
{
  char *eq = strchr(f, '=');
  if (eq == NULL || eq == f) {
    nt_tsv_error(r, "column %zu: expected a label key=value with a "
                 "non-empty key, found '%s'",
                 column, f);
    return false;
  }
  *eq = '\0';
  size_t klen, vlen;
  if (!nt_lookup_decode_field(r, f, "a label key", &klen) ||
      !nt_lookup_decode_field(r, eq + 1, "a label value", &vlen))
    return false;
  out->key.ptr = f;
  out->key.len = (uint32_t)klen;
  out->value.ptr = eq + 1;
  out->value.len = (uint32_t)vlen;
  return true;
}

bool
nt_lookup_parse_labels(const nt_tsv_reader *r, char **fields, size_t n,
                       size_t first, nt_lookup_entry *e, uint16_t *count)
{
  *count = 0;
  if (n <= first)
    return true;
  if (n - first > NETIPC_LOOKUP_MAX_LABELS) {
    nt_tsv_error(r, "%zu labels, at most %u fit in an item", n - first,
                 NETIPC_LOOKUP_MAX_LABELS);
    return false;
  }
  e->labels = calloc(n - first, sizeof *e->labels);
  if (e->labels == NULL) {
    nt_tsv_error(r, "out of memory");
    return false;
  }
  for (size_t i = first; i < n; i++)
    if (!parse_label(r, fields[i], i + 1, &e->labels[i - first]))
      return false;
  *count = (uint16_t)(n - first);
  return true;
}

/* ---- generation --------------------------------------------------------- */

void
nt_lookup_source_set_generation(nt_lookup_source *s, uint64_t gen)
{
  s->fixed_generation = true;
  s->generation = gen;
}

bool
nt_lookup_source_is_live(const nt_lookup_source *s)
{
  return s->file == NULL;
}

void
nt_lookup_source_note(nt_lookup_source *s, const void *key, size_t len,
                      uint64_t answer)
{
  if (s->fixed_generation)
    return; /* --generation: nothing to count */
  nt_mutex_lock(s->lock);
  if (s->answers.count >= LOOKUP_RECORD_MAX) {
    nt_keymap_clear(&s->answers);
    s->generation++;
  }
  bool added;
  uint64_t *v = nt_keymap_insert(&s->answers, key, len, &added);
  if (v == NULL) {
    /* Out of memory: forget everything, which counts as a change. */
    nt_keymap_clear(&s->answers);
    s->generation++;
  } else {
    s->generation += !added && *v != answer;
    *v = answer;
  }
  nt_mutex_unlock(s->lock);
}

uint64_t
nt_lookup_source_generation(nt_lookup_source *s)
{
  nt_mutex_lock(s->lock);
  uint64_t g = s->generation;
  nt_mutex_unlock(s->lock);
  return g;
}

int
nt_lookup_source_answer(nt_lookup_source *s,
                        const netipc_lookup_req_view *req,
                        netipc_lookup_builder *b, nt_lookup_add_fn add)
{
  for (uint32_t i = 0; i < req->item_count; i++) {
    nt_lookup_key key;
    memset(&key, 0, sizeof key);
    netipc_err err = s->method == NETIPC_METHOD_CGROUPS_LOOKUP
                         ? netipc_cgroups_lookup_req_path(req, i, &key.path)
                         : netipc_apps_lookup_req_pid(req, i, &key.pid);
    /* A failed add wrote nothing; the library then answers with the
     * error it recorded (LIMIT_EXCEEDED when not even a placeholder
     * fits, so that the client grows its limit). */
    if (err != NETIPC_OK || add(s, &key, b) != NETIPC_OK)
      return -1;
  }
  /* Set last, so that answers that changed during this request count. */
  netipc_lookup_builder_set_generation(b, nt_lookup_source_generation(s));
  return 0;
}

void
nt_lookup_source_describe(const nt_lookup_source *s, char *buf, size_t cap)
{
  bool cgroups = s->method == NETIPC_METHOD_CGROUPS_LOOKUP;
  /* (void): a description for a message; cut short it is still true. */
  char gen[LOOKUP_GEN_TEXT_MAX];
  if (s->fixed_generation)
    (void)snprintf(gen, sizeof gen, "%llu",
                   (unsigned long long)s->generation);
  else
    (void)snprintf(gen, sizeof gen, "from 1, +1 when a key's answer changes");
  if (s->file != NULL)
    (void)snprintf(buf, cap, "file %s (%zu lines%s), generation %s", s->file,
                   s->count, s->has_wildcard ? ", a * line" : "", gen);
  else
    (void)snprintf(buf, cap,
                   "live %s (looked up on every request), generation %s",
                   cgroups ? "directories below " NT_CGROUP_ROOT : "/proc/PID",
                   gen);
}

void
nt_lookup_source_free(nt_lookup_source *s)
{
  if (s == NULL)
    return;
  for (size_t i = 0; i < s->count; i++)
    entry_free(&s->entries[i]);
  free(s->entries);
  nt_keymap_clear(&s->index);
  nt_keymap_clear(&s->answers);
  nt_mutex_destroy(s->lock);
  free(s->file);
  free(s);
}
