/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * standalone-main.c - run a libFuzzer harness without libFuzzer: every
 * argument is a file, or a directory whose regular files (not recursing)
 * are each fed once to LLVMFuzzerTestOneInput. Used by `make check` to
 * replay the seed corpus with any compiler.
 *
 * Exit status: 0 when every input ran (a harness failure aborts), 1 when
 * an argument could not be read.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static unsigned long inputs_run;

/* Read a whole file and feed it to the harness. 0 on success. */
static int
run_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "%s: %s\n", path, strerror(errno));
    return -1;
  }
  size_t cap = 4096, len = 0;
  uint8_t *data = malloc(cap);
  if (data == NULL) {
    fclose(f);
    return -1;
  }
  for (;;) {
    if (len == cap) {
      uint8_t *bigger = realloc(data, cap * 2);
      if (bigger == NULL) {
        free(data);
        fclose(f);
        return -1;
      }
      data = bigger;
      cap *= 2;
    }
    size_t got = fread(data + len, 1, cap - len, f);
    len += got;
    if (got == 0)
      break;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    fprintf(stderr, "%s: read error\n", path);
    free(data);
    return -1;
  }
  (void)LLVMFuzzerTestOneInput(data, len);
  free(data);
  inputs_run++;
  return 0;
}

static int
cmp_names(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of a directory, in name order. 0 on success. */
static int
run_dir(const char *dir)
{
  DIR *d = opendir(dir);
  if (d == NULL) {
    fprintf(stderr, "%s: %s\n", dir, strerror(errno));
    return -1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 64;
      char **bigger = realloc(names, ncap * sizeof *names);
      if (bigger == NULL) {
        rc = -1;
        break;
      }
      names = bigger;
      cap = ncap;
    }
    size_t len = strlen(dir) + 1 + strlen(e->d_name) + 1;
    names[n] = malloc(len);
    if (names[n] == NULL) {
      rc = -1;
      break;
    }
    snprintf(names[n], len, "%s/%s", dir, e->d_name);
    n++;
  }
  closedir(d);
  if (n != 0)
    qsort(names, n, sizeof *names, cmp_names);
  for (size_t i = 0; i < n; i++) {
    struct stat st;
    if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode) &&
        run_file(names[i]) != 0)
      rc = -1;
    free(names[i]);
  }
  free(names);
  return rc;
}

int
main(int argc, char **argv)
{
  int rc = 0;
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
      rc = 1;
    } else if (S_ISDIR(st.st_mode)) {
      if (run_dir(argv[i]) != 0)
        rc = 1;
    } else if (run_file(argv[i]) != 0) {
      rc = 1;
    }
  }
  printf("%s: ran %lu inputs\n", argv[0], inputs_run);
  return rc;
}
