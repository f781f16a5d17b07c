/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <netipc/common.h>

#define NETIPC_STR_(x) #x
#define NETIPC_XSTR_(x) NETIPC_STR_(x)

unsigned int
netipc_version(void)
{
  return NETIPC_VERSION_HEX;
}

const char *
netipc_version_string(void)
{
  return NETIPC_XSTR_(NETIPC_VERSION_MAJOR) "." NETIPC_XSTR_(
      NETIPC_VERSION_MINOR) "." NETIPC_XSTR_(NETIPC_VERSION_PATCH);
}
