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

int
svc_raw_open(const char *dir, const char *svc, uint32_t rq, uint32_t rs,
             uint32_t batch, netipc_hello_ack *ack)
{
  int fd = uds_raw_connect(dir, svc);
  if (fd < 0)
    return -1;
  netipc_hello h;
  uds_hello_default(&h);
  h.auth_token = SVC_TOKEN;
  h.max_request_payload_bytes = rq;
  h.max_response_payload_bytes = rs;
  h.max_request_batch_items = batch;
  h.max_response_batch_items = batch;
  uint8_t reply[256];
  ssize_t n = uds_raw_hello(fd, &h, reply, sizeof reply);
  netipc_hello_ack a;
  if (n <= 0 ||
      netipc_hello_ack_process(reply, (size_t)n, h.supported_profiles, &a) !=
          NETIPC_OK) {
    close(fd);
    return -1;
  }
  if (ack != NULL)
    *ack = a;
  return fd;
}

int
svc_raw_send(int fd, uint16_t kind, uint16_t code, uint16_t flags,
             uint32_t item_count, uint64_t id, const void *payload,
             size_t len)
{
  netipc_header h;
  netipc_header_init(&h, kind, code, id);
  h.flags = flags;
  h.item_count = item_count;
  return svc_raw_send_hdr(fd, &h, payload, len);
}

int
svc_raw_send_hdr(int fd, const netipc_header *hdr, const void *payload,
                 size_t len)
{
  netipc_header h = *hdr;
  h.payload_len = (uint32_t)len;
  size_t cap = NETIPC_HEADER_LEN + len;
  uint8_t *buf = malloc(cap);
  if (buf == NULL)
    return -1;
  size_t n = uds_msg_build(buf, cap, &h, payload, len);
  int rc = uds_raw_send(fd, buf, n);
  free(buf);
  return rc;
}

long
svc_raw_recv(int fd, netipc_header *h, uint8_t *buf, size_t cap,
             int timeout_ms)
{
  long n = uds_raw_recv(fd, buf, cap, timeout_ms);
  if (n == 0)
    return SVC_RAW_EOF;
  if (n < 0)
    return n == -2 ? -2 : -1;
  if (netipc_header_decode(buf, (size_t)n, h) != NETIPC_OK ||
      h->payload_len != (size_t)n - NETIPC_HEADER_LEN)
    return -1;
  return n - (long)NETIPC_HEADER_LEN;
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
