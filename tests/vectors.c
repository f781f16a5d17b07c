/* SPDX-License-Identifier: GPL-3.0-or-later */
/* vectors.c - see vectors.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vectors.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "Bail out! what; hint" (tap.h's wording, which this file cannot include). */
static _Noreturn void
vectors_bail(const char *what, const char *hint)
{
  printf("Bail out! %s; %s\n", what, hint);
  fflush(stdout);
  exit(1);
}

static void
set_bundled(vectors_dirs *d, const char *bundled_sub)
{
  const char *bundled = getenv("NETIPC_BUNDLED_VECTORS");
  if (bundled == NULL || *bundled == '\0')
    vectors_bail("NETIPC_BUNDLED_VECTORS is not set (run through 'make "
                 "check')",
                 d->hint);
  if (*bundled_sub == '\0')
    snprintf(d->bundled, sizeof d->bundled, "%s", bundled);
  else
    snprintf(d->bundled, sizeof d->bundled, "%s/%s", bundled, bundled_sub);
}

void
vectors_resolve(vectors_dirs *d, const char *sub, const char *bundled_sub,
                const char *hint)
{
  const char *v = getenv("NETIPC_VECTORS");
  memset(d, 0, sizeof *d);
  d->hint = hint;
  if (v == NULL || *v == '\0')
    vectors_bail("NETIPC_VECTORS is not set (run through 'make check')", hint);
  set_bundled(d, bundled_sub);
  if (strcmp(v, "bundled") == 0) {
    d->using_bundled = 1;
    snprintf(d->dir, sizeof d->dir, "%s", d->bundled);
  } else {
    snprintf(d->dir, sizeof d->dir, "%s/%s", v, sub);
  }
}

void
vectors_resolve_bundled(vectors_dirs *d, const char *bundled_sub,
                        const char *hint)
{
  memset(d, 0, sizeof *d);
  d->hint = hint;
  set_bundled(d, bundled_sub);
  d->using_bundled = 1;
  snprintf(d->dir, sizeof d->dir, "%s", d->bundled);
}

int
vectors_read(const char *dir, const char *name, uint8_t *buf, size_t cap,
             size_t *len, char *err, size_t err_cap)
{
  char path[1200];
  FILE *f;
  size_t n;

  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "rb");
  if (f == NULL) {
    snprintf(err, err_cap, "cannot open golden vector %s: %s", path,
             strerror(errno));
    return -1;
  }
  n = fread(buf, 1, cap, f);
  if (n == cap && fgetc(f) != EOF) {
    fclose(f);
    snprintf(err, err_cap, "golden vector %s is larger than %zu bytes", path,
             cap);
    return -1;
  }
  if (ferror(f)) {
    fclose(f);
    snprintf(err, err_cap, "cannot read golden vector %s", path);
    return -1;
  }
  fclose(f);
  *len = n;
  return 0;
}

void
vectors_load(const vectors_dirs *d, const char *name, vectors_blob *b)
{
  char err[1400];
  if (vectors_read(d->dir, name, b->data, sizeof b->data, &b->len, err,
                   sizeof err) != 0)
    vectors_bail(err, d->hint);
}

int
vectors_bundled_same(const vectors_dirs *d, const char *name,
                     const vectors_blob *b, char *err, size_t err_cap)
{
  static vectors_blob copy;
  if (vectors_read(d->bundled, name, copy.data, sizeof copy.data, &copy.len,
                   err, err_cap) != 0)
    return -1;
  return copy.len == b->len && memcmp(copy.data, b->data, b->len) == 0;
}
