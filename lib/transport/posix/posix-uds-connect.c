/* SPDX-License-Identifier: GPL-3.0-or-later */
/* UDS client: connect and the client handshake (posix-uds.md 6.1). */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "transport/posix/posix-shm-internal.h"
#include "transport/posix/posix-uds-internal.h"

/* HELLO from the resolved configuration (wire.md 9.1). */
static void
connect_hello(const netipc_transport_config *cfg, const netipc__limits *l,
              uint32_t packet_size, netipc_hello *h)
{
  memset(h, 0, sizeof *h);
  h->layout_version = NETIPC_LAYOUT_VERSION;
  h->supported_profiles = l->supported_profiles;
  h->preferred_profiles = l->preferred_profiles;
  h->max_request_payload_bytes = l->max_request_payload_bytes;
  h->max_request_batch_items = l->max_request_batch_items;
  h->max_response_payload_bytes = l->max_response_payload_bytes;
  h->max_response_batch_items = l->max_response_batch_items;
  h->auth_token = cfg->auth_token;
  h->packet_size = packet_size;
  h->flags = netipc__extension_flags(cfg);
}

/* Send HELLO and process the HELLO_ACK on a connected socket. */
static netipc_err
connect_handshake(int fd, const netipc_transport_config *cfg,
                  uint64_t deadline, const netipc_abort *abort,
                  netipc_session_info *info)
{
  netipc__limits l;
  netipc__limits_resolve(cfg, &l);
  netipc_hello hello;
  connect_hello(cfg, &l, netipc__uds_packet_size(fd, cfg->packet_size),
                &hello);
  uint8_t buf[NETIPC__HANDSHAKE_RECV_MAX];
  netipc_hello_message_encode(&hello, buf, sizeof buf);
  struct iovec iov = {.iov_base = buf, .iov_len = NETIPC_HELLO_MSG_LEN};
  netipc_err err = netipc__uds_send_record(fd, &iov, 1);
  if (err != NETIPC_OK)
    return err;
  size_t len;
  bool truncated;
  err = netipc__uds_recv_record(fd, deadline, abort, buf, sizeof buf, &len,
                                &truncated);
  if (err != NETIPC_OK)
    return err;
  netipc_hello_ack ack;
  err = netipc_hello_ack_process_flags(buf, len, l.supported_profiles,
                                       hello.flags, &ack);
  if (err != NETIPC_OK)
    return err;
  netipc__info_from_ack(&ack, NETIPC_ROLE_CLIENT, info);
  return NETIPC_OK;
}

netipc_err
netipc_session_connect(const netipc_transport_config *cfg, uint32_t timeout_ms,
                       const netipc_abort *abort, netipc_session **out)
{
  if (cfg == NULL || out == NULL)
    return NETIPC_ERR_INVALID_ARG;
  uint64_t deadline = netipc__deadline(timeout_ms);
  struct sockaddr_un addr;
  netipc_err err = netipc__uds_address(cfg->run_dir, cfg->service_name, &addr);
  if (err != NETIPC_OK)
    return err;
  int fd;
  if ((err = netipc__uds_socket(&fd)) != NETIPC_OK)
    return err;
  int rc;
  do
    rc = connect(fd, (const struct sockaddr *)&addr, sizeof addr);
  while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    close(fd);
    return NETIPC_ERR_NOT_FOUND;
  }
  netipc_session_info info;
  err = connect_handshake(fd, cfg, deadline, abort, &info);
  netipc__shm *shm = NULL;
  /* An SHM session never falls back to the socket: a failed attach ends
   * it, and the caller reconnects without SHM (posix-shm.md 6.1). */
  if (err == NETIPC_OK && (info.selected_profile & NETIPC__SHM_PROFILES))
    err = netipc__shm_attach(cfg->run_dir, cfg->service_name, info.session_id,
                             info.max_request_payload_bytes,
                             info.max_response_payload_bytes,
                             (info.extension_flags &
                              NETIPC_HELLO_FLAG_EXTENSIONS) != 0,
                             &shm);
  if (err != NETIPC_OK) {
    close(fd);
    return err;
  }
  return netipc__uds_session_new(fd, shm, &info, out);
}
