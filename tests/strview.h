/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * strview.h - netipc_string_view from and against C strings, for the test
 * programs and their helpers (header-only, static inline).
 */
#ifndef NETIPC_TESTS_STRVIEW_H
#define NETIPC_TESTS_STRVIEW_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <netipc/codec.h>

/* The view of the C string s without its NUL; NULL gives {NULL, 0}. */
static inline netipc_string_view
sv(const char *s)
{
  netipc_string_view v;
  v.ptr = s;
  v.len = s != NULL ? (uint32_t)strlen(s) : 0;
  return v;
}

/* v is exactly the C string s, NUL-terminated in place. */
static inline int
sv_is(netipc_string_view v, const char *s)
{
  size_t n = strlen(s);
  return v.ptr != NULL && v.len == n && memcmp(v.ptr, s, n) == 0 &&
         v.ptr[n] == '\0';
}

#endif /* NETIPC_TESTS_STRVIEW_H */
