/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Service names and endpoint paths (posix-uds.md 2). Portable. */
#include "config.h"

#include <string.h>

#include <netipc/transport.h>

static bool
name_char_ok(char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

netipc_err
netipc_service_name_check(const char *name)
{
  if (name == NULL)
    return NETIPC_ERR_BAD_NAME;
  size_t len = 0;
  for (; name[len] != '\0'; len++) {
    if (len >= NETIPC_SERVICE_NAME_MAX || !name_char_ok(name[len]))
      return NETIPC_ERR_BAD_NAME;
  }
  if (len == 0 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
    return NETIPC_ERR_BAD_NAME;
  return NETIPC_OK;
}

netipc_err
netipc_endpoint_path(const char *run_dir, const char *service_name,
                     const char *suffix, char *buf, size_t cap)
{
  if (run_dir == NULL || buf == NULL)
    return NETIPC_ERR_INVALID_ARG;
  netipc_err err = netipc_service_name_check(service_name);
  if (err != NETIPC_OK)
    return err;
  if (suffix == NULL)
    suffix = "";
  size_t dir_len = strlen(run_dir), name_len = strlen(service_name);
  size_t suffix_len = strlen(suffix);
  /* run_dir + '/' + name + suffix + NUL, each term bounded by the input. */
  if (dir_len >= cap || cap - dir_len < 2 + name_len + suffix_len)
    return NETIPC_ERR_PATH_TOO_LONG;
  /* The parts are copied without their NULs; the suffix's own NUL ends
   * the path, which clang-tidy cannot see across the three copies. */
  // NOLINTBEGIN(bugprone-not-null-terminated-result)
  memcpy(buf, run_dir, dir_len);
  buf[dir_len] = '/';
  memcpy(buf + dir_len + 1, service_name, name_len);
  memcpy(buf + dir_len + 1 + name_len, suffix, suffix_len + 1);
  // NOLINTEND(bugprone-not-null-terminated-result)
  return NETIPC_OK;
}
