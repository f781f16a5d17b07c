/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Reading the tab-separated files of `serve ... --from-file` and
 * `--keys-from`: lines with their numbers (blank and '#' lines skipped, a
 * trailing CR dropped), fields split at tabs, and the decoding of the
 * \xHH escapes the printing commands write (nt-output.c).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netipc-tool.h"

#define HEX_DIGIT_BITS 4
#define HEX_LETTER_VALUE 10 /* the value of 'a' */
#define DEL_BYTE 0x7fu
/* "\xHH" */
#define ESCAPE_LEN 4u
/* Room for one formatted message after the "file:line: " prefix. */
#define TSV_MESSAGE_MAX 1024
/* The first line buffer; it doubles as longer lines come. */
#define TSV_LINE_INITIAL 256u

bool
nt_tsv_control(unsigned char c)
{
  return c < ' ' || c == DEL_BYTE;
}

static int
hex_value(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + HEX_LETTER_VALUE;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + HEX_LETTER_VALUE;
  return -1;
}

bool
nt_tsv_escape_at(const char *p, size_t n, unsigned char *byte)
{
  if (n < ESCAPE_LEN || p[0] != '\\' || p[1] != 'x')
    return false;
  int hi = hex_value(p[2]), lo = hex_value(p[3]);
  if (hi < 0 || lo < 0)
    return false;
  unsigned char c = (unsigned char)((hi << HEX_DIGIT_BITS) | lo);
  /* Only what the writer must escape is decoded, so that the \x2d of
   * systemd unit names and any other backslash stay as they are. */
  if (!nt_tsv_control(c) && c != '\\' && c != '=' && c != '#' && c != '*')
    return false;
  *byte = c;
  return true;
}

bool
nt_tsv_decode(char *field, size_t *len)
{
  size_t in = 0, out = 0, n = *len;
  bool nul = false;
  while (in < n) {
    unsigned char c;
    if (nt_tsv_escape_at(field + in, n - in, &c)) {
      in += ESCAPE_LEN;
    } else {
      c = (unsigned char)field[in++];
    }
    nul = nul || c == '\0';
    field[out++] = (char)c;
  }
  field[out] = '\0';
  *len = out;
  return !nul;
}

size_t
nt_tsv_split(char *line, char **fields, size_t max)
{
  size_t n = 0;
  char *start = line;
  for (char *p = line;; p++) {
    if (*p != '\t' && *p != '\0')
      continue;
    bool end = *p == '\0';
    if (n < max)
      fields[n] = start;
    n++;
    *p = '\0';
    start = p + 1;
    if (end)
      return n;
  }
}

/* ---- lines ---------------------------------------------------------------- */

bool
nt_tsv_open(nt_tsv_reader *r, const char *path)
{
  memset(r, 0, sizeof *r);
  r->name = path;
  if (strcmp(path, "-") == 0) {
    r->f = stdin;
    r->name = "(standard input)";
    return true;
  }
  /* Binary: the same bytes on every platform (a Windows text stream would
   * end at a ^Z byte); a CR before the newline is dropped below. */
  r->f = fopen(path, "rb");
  if (r->f == NULL) {
    nt_error("cannot open %s: %s", path, strerror(errno));
    return false;
  }
  return true;
}

/* Only blanks (spaces, tabs), or a '#' after them. */
static bool
skipped_line(const char *line, size_t len)
{
  size_t i = 0;
  while (i < len && (line[i] == ' ' || line[i] == '\t'))
    i++;
  return i == len || line[i] == '#';
}

/* Room for at least need bytes in r->line. */
static bool
line_room(nt_tsv_reader *r, size_t need)
{
  if (need <= r->cap)
    return true;
  size_t cap = r->cap ? r->cap : TSV_LINE_INITIAL;
  while (cap < need) {
    if (cap > SIZE_MAX / 2)
      return false;
    cap *= 2;
  }
  char *nl = realloc(r->line, cap);
  if (nl == NULL)
    return false;
  r->line = nl;
  r->cap = cap;
  return true;
}

/*
 * The next line with its newline (if any) into r->line, NUL-terminated,
 * as getline does (which not every C library has). *n gets its length;
 * returns 1, 0 at the end, -1 on a read error (errno set) or when out of
 * memory (errno ENOMEM).
 */
static int
read_line(nt_tsv_reader *r, size_t *n)
{
  size_t len = 0;
  int c;
  while ((c = getc(r->f)) != EOF) {
    if (!line_room(r, len + 2)) {
      errno = ENOMEM;
      return -1;
    }
    r->line[len++] = (char)c;
    if (c == '\n')
      break;
  }
  if (c == EOF && ferror(r->f))
    return -1;
  if (len == 0)
    return 0;
  r->line[len] = '\0';
  *n = len;
  return 1;
}

int
nt_tsv_next(nt_tsv_reader *r, char **line, size_t *len)
{
  for (;;) {
    errno = 0;
    size_t n = 0;
    int got = read_line(r, &n);
    if (got == 0)
      return 0;
    if (got < 0) {
      nt_error("cannot read %s: %s", r->name, strerror(errno));
      return -1;
    }
    r->line_no++;
    if (n > 0 && r->line[n - 1] == '\n')
      r->line[--n] = '\0';
    if (n > 0 && r->line[n - 1] == '\r')
      r->line[--n] = '\0';
    if (memchr(r->line, '\0', n) != NULL) {
      nt_tsv_error(r, "NUL byte in line");
      return -1;
    }
    if (skipped_line(r->line, n))
      continue;
    *line = r->line;
    *len = n;
    return 1;
  }
}

int
nt_tsv_error(const nt_tsv_reader *r, const char *fmt, ...)
{
  char msg[TSV_MESSAGE_MAX];
  va_list ap;
  va_start(ap, fmt);
  (void)vsnprintf(msg, sizeof msg, fmt, ap); /* a message: may be cut */
  va_end(ap);
  return nt_error("%s:%lu: %s", r->name, r->line_no, msg);
}

void
nt_tsv_close(nt_tsv_reader *r)
{
  free(r->line);
  if (r->f != NULL && r->f != stdin)
    (void)fclose(r->f); /* read only: nothing is lost if it fails */
  memset(r, 0, sizeof *r);
}
