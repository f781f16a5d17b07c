/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Writers shared by the printing commands (snapshot, lookup,
 * cgroups-lookup, apps-lookup): TSV fields in the escape convention that
 * nt-input.c reads back, JSON strings that are always valid JSON, and the
 * final flush of standard output.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netipc-tool.h"

/* The largest code points of the 1-, 2- and 3-byte UTF-8 forms, and the
 * surrogate range, which UTF-8 must not encode (RFC 3629). */
#define UTF8_MAX_1 0x7fu
#define UTF8_MAX_2 0x7ffu
#define UTF8_MAX_3 0xffffu
#define UTF8_MAX 0x10ffffu
#define UTF8_SURROGATE_FIRST 0xd800u
#define UTF8_SURROGATE_LAST 0xdfffu

int
nt_finish_stdout(int rc)
{
  if (fflush(stdout) != 0 || ferror(stdout)) {
    nt_error("error writing standard output: %s", strerror(errno));
    return NT_EXIT_FAIL;
  }
  return rc;
}

/* ---- TSV ------------------------------------------------------------------ */

/* Whether byte i of s must be written as \xHH (netipc-tool.h, "TSV
 * escapes"): control bytes always; a backslash that would otherwise start
 * an escape the reader decodes; '=' in a label key (the reader splits at
 * the first one); at the start of a line a '#' after blanks (a comment)
 * and a field that is exactly "*" (the wildcard line). */
static bool
tsv_must_escape(netipc_string_view s, uint32_t i, unsigned flags,
                bool leading)
{
  unsigned char c = (unsigned char)s.ptr[i];
  unsigned char decoded;
  if (nt_tsv_control(c))
    return true;
  if (c == '\\')
    return nt_tsv_escape_at(s.ptr + i, s.len - i, &decoded);
  if (c == '=')
    return (flags & NT_TSV_LABEL_KEY) != 0;
  if ((flags & NT_TSV_LINE_START) == 0)
    return false;
  return (c == '#' && leading) || (c == '*' && s.len == 1);
}

void
nt_tsv_string(netipc_string_view s, unsigned flags)
{
  bool leading = true; /* only blanks so far */
  for (uint32_t i = 0; i < s.len; i++) {
    unsigned char c = (unsigned char)s.ptr[i];
    if (tsv_must_escape(s, i, flags, leading))
      printf("\\x%02x", c);
    else
      putchar(c);
    leading = leading && c == ' ';
  }
}

/* ---- JSON ----------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 if none. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
  unsigned char c = p[0];
  size_t len;
  uint32_t cp;
  if (c <= UTF8_MAX_1)
    return 1;
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
    cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    cp = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (n < len)
    return 0;
  for (size_t i = 1; i < len; i++) {
    if ((p[i] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (p[i] & 0x3f);
  }
  if ((len == 3 && (cp <= UTF8_MAX_2 || (cp >= UTF8_SURROGATE_FIRST &&
                                         cp <= UTF8_SURROGATE_LAST))) ||
      (len == 4 && (cp <= UTF8_MAX_3 || cp > UTF8_MAX)))
    return 0;
  return len;
}

void
nt_json_string(netipc_string_view s)
{
  const unsigned char *p = (const unsigned char *)s.ptr;
  size_t n = s.len;
  putchar('"');
  for (size_t i = 0; i < n;) {
    unsigned char c = p[i];
    if (c == '"' || c == '\\') {
      putchar('\\');
      putchar(c);
      i++;
      continue;
    }
    size_t len = c < ' ' ? 0 : utf8_len(p + i, n - i);
    if (len == 0) {
      printf("\\u%04x", c); /* a control byte, or its Latin-1 reading */
      i++;
      continue;
    }
    fwrite(p + i, 1, len, stdout);
    i += len;
  }
  putchar('"');
}
