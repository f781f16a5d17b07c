/* SPDX-License-Identifier: GPL-3.0-or-later */
/* service-raw-posix.c - see service-raw-posix.h: the raw clients and the
 * scripted server's listener over AF_UNIX. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "service-raw-posix.h"
#include "uds-helpers.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---------------------------------------------------------------- */
/* Raw clients                                                       */
/* ---------------------------------------------------------------- */

int
svc_raw_supported(void)
{
  return 1;
}

/* ---------------------------------------------------------------- */
/* The scripted server's listener                                    */
/* ---------------------------------------------------------------- */

int
svc_raw_listen(const char *dir, const char *svc)
{
  return uds_raw_listen(dir, svc);
}

int
svc_raw_accept(int lfd, int timeout_ms)
{
  return uds_raw_accept(lfd, timeout_ms);
}

void
svc_raw_close(int fd)
{
  close(fd);
}

void
svc_raw_unlisten(int lfd, const char *dir, const char *svc)
{
  char path[256];
  close(lfd);
  uds_sock_path(dir, svc, path, sizeof path);
  unlink(path);
}
