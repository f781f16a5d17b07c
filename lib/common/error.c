/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Error names and descriptions, generated from NETIPC_ERRNO_MAP. */
#include "config.h"

#include <netipc/common.h>

const char *
netipc_strerror(int err)
{
  switch (err) {
#define NETIPC_ERR_TEXT_(name, value, text)                                   \
  case (value):                                                               \
    return text;
    NETIPC_ERRNO_MAP(NETIPC_ERR_TEXT_)
#undef NETIPC_ERR_TEXT_
  default:
    return "unknown error";
  }
}

const char *
netipc_err_name(int err)
{
  switch (err) {
#define NETIPC_ERR_NAME_(name, value, text)                                   \
  case (value):                                                               \
    return #name;
    NETIPC_ERRNO_MAP(NETIPC_ERR_NAME_)
#undef NETIPC_ERR_NAME_
  default:
    return NULL;
  }
}
