/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * netipc_run_dir_check on Windows. The run directory is only a string
 * hashed into the pipe and SHM object names (windows.md 2.3); nothing is
 * created in, or read from, a directory of that name, so there is no
 * directory to check and the contract holds trivially: OK, so portable
 * callers need no special case. What protects a Windows endpoint is the
 * pipe's security descriptor and FILE_FLAG_FIRST_PIPE_INSTANCE.
 */
#include "config.h"

#include <netipc/transport.h>

netipc_err
netipc_run_dir_check(const char *run_dir, netipc_role role, char *msg,
                     size_t cap)
{
  if (msg != NULL && cap > 0)
    msg[0] = '\0';
  if (run_dir == NULL ||
      (role != NETIPC_ROLE_CLIENT && role != NETIPC_ROLE_SERVER))
    return NETIPC_ERR_INVALID_ARG;
  return NETIPC_OK;
}
