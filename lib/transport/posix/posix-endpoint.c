/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The endpoint a POSIX client connects to: the socket path (posix-uds.md 2). */
#include "config.h"

#include "transport/posix/posix-internal.h"

netipc_err
netipc_endpoint_name(const char *run_dir, const char *service_name,
                     char *buf, size_t cap)
{
  return netipc_endpoint_path(run_dir, service_name, NETIPC__UDS_SUFFIX, buf,
                              cap);
}
