/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vectors.h - finding and reading the golden vector files for the test
 * programs (no TAP output of its own: setup failures "Bail out!").
 *
 * make check sets NETIPC_VECTORS to the directory that holds the shared
 * vectors (one subdirectory per kind: codec/, lookup/) or to "bundled",
 * and NETIPC_BUNDLED_VECTORS to tests/data, the bundled copies.
 */
#ifndef NETIPC_TESTS_VECTORS_H
#define NETIPC_TESTS_VECTORS_H

#include <stddef.h>
#include <stdint.h>

/* Every vector file is far smaller. */
#define VECTORS_MAX 4096

/* The bytes of one vector file. */
typedef struct vectors_blob {
  uint8_t data[VECTORS_MAX];
  size_t len;
} vectors_blob;

typedef struct vectors_dirs {
  char dir[1024];     /* where the vectors under test are read */
  char bundled[1024]; /* the bundled copies */
  int using_bundled;  /* NETIPC_VECTORS is "bundled": dir is bundled */
  const char *hint;   /* added to every bail-out: where vectors must be */
} vectors_dirs;

/*
 * The directories of one kind of vectors: NETIPC_VECTORS/sub, and
 * NETIPC_BUNDLED_VECTORS/bundled_sub (bundled_sub "" for tests/data
 * itself). Bails out (adding hint, which must not be NULL) when either
 * variable is unset.
 */
void vectors_resolve(vectors_dirs *d, const char *sub, const char *bundled_sub,
                     const char *hint);

/* Only the bundled copies: dir is NETIPC_BUNDLED_VECTORS/bundled_sub. */
void vectors_resolve_bundled(vectors_dirs *d, const char *bundled_sub,
                             const char *hint);

/*
 * Read dir/name into buf (at most cap bytes). Returns 0 on success, or -1
 * with a message in err when the file cannot be opened, read, or is larger
 * than cap.
 */
int vectors_read(const char *dir, const char *name, uint8_t *buf, size_t cap,
                 size_t *len, char *err, size_t err_cap);

/* vectors_read of d->dir/name into b, or bail out with the error and hint. */
void vectors_load(const vectors_dirs *d, const char *name, vectors_blob *b);

/*
 * The bundled copy of name equals b: 1 if it does, 0 if it differs, -1
 * with a message in err when it cannot be read.
 */
int vectors_bundled_same(const vectors_dirs *d, const char *name,
                         const vectors_blob *b, char *err, size_t err_cap);

#ifdef NETIPC_TESTS_TAP_H
/*
 * For test programs that include tap.h first: n checks, one per file
 * name(i), that its bundled copy equals blobs[i]; all n skipped when the
 * bundled copies are the ones under test.
 */
static inline void
vectors_check_bundled(const vectors_dirs *d, const vectors_blob *blobs,
                      int n, const char *(*name)(int i))
{
  char err[1400];
  int i;

  if (d->using_bundled) {
    skip(n, "running on the bundled copies themselves");
    return;
  }
  for (i = 0; i < n; i++) {
    int same = vectors_bundled_same(d, name(i), &blobs[i], err, sizeof err);
    ok(same == 1, "bundled copy of %s matches shared/", name(i));
    if (same < 0)
      diag("%s", err);
  }
}
#endif

#endif /* NETIPC_TESTS_VECTORS_H */
