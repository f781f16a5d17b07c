/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The portable handshake: the client's HELLO and its HELLO_ACK, the
 * server's decision and answer, and the SHM upgrade either side makes
 * (posix-uds.md 6.1, 6.2; wire.md 9.1, 9.3 and 9.5). The connection's
 * record I/O and the SHM region are the platform's hooks.
 */
#include "config.h"

#include <string.h>

#include "common/alloc.h"
#include "transport/handshake-internal.h"
#include "transport/platform.h"

/* Extension 2 (doc/extensions.md) where the build has sealed memfds. */
#ifdef NETIPC_BUILD_SEALED_SHM
#include <unistd.h> /* Linux only: close() of a descriptor we do not keep */
#define HS_SEALED_BUILT NETIPC_HELLO_FLAG_SEALED_SHM
#else
#define HS_SEALED_BUILT 0u
#endif

/* What a client offers: the sealed region with the extensions unless
 * file_shm asks for the file, and never with plain_protocol (then no bit
 * at all, so a reference peer sees exactly the reference HELLO). */
static uint16_t
connect_flags(const netipc_transport_config *cfg)
{
  uint16_t f = netipc__extension_flags(cfg);
  if (f != 0 && !cfg->file_shm)
    f |= HS_SEALED_BUILT;
  return f;
}

/* What a server echoes: every extension it implements. */
static uint16_t
accept_flags(const netipc_transport_config *cfg)
{
  uint16_t f = netipc__extension_flags(cfg);
  return f != 0 ? (uint16_t)(f | HS_SEALED_BUILT) : 0;
}

/* Read the HELLO_ACK; where a sealed region can be agreed, also take the
 * descriptor that may come with it (else *fd stays -1). */
static netipc_err
connect_recv_ack(netipc_os_handle conn, uint64_t deadline,
                 const netipc_abort *abort, uint8_t *buf, size_t cap,
                 size_t *len, int *fd)
{
  bool truncated;
  *fd = -1;
#ifdef NETIPC_BUILD_SEALED_SHM
  return netipc__conn_recv_record_fd(conn, deadline, abort, buf, cap, len,
                                     &truncated, fd);
#else
  return netipc__conn_recv_record(conn, deadline, abort, buf, cap, len,
                                  &truncated);
#endif
}

/* A descriptor only belongs to an agreed sealed SHM session. */
static bool
connect_wants_fd(const netipc_session_info *info)
{
  return (info->extension_flags & NETIPC_HELLO_FLAG_SEALED_SHM) != 0 &&
         (info->selected_profile & NETIPC__SHM_PROFILES) != 0;
}

static void
hs_close_fd(int *fd)
{
#ifdef NETIPC_BUILD_SEALED_SHM
  if (*fd >= 0)
    close(*fd);
#endif
  *fd = -1;
}

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
  h->flags = connect_flags(cfg);
}

/* Send HELLO and process the HELLO_ACK on a connected conn; *fd is the
 * sealed region's descriptor when one is agreed and came, else -1. */
static netipc_err
connect_exchange(netipc_os_handle conn, const netipc_transport_config *cfg,
                 uint64_t deadline, const netipc_abort *abort,
                 netipc_session_info *info, int *fd)
{
  netipc__limits l;
  netipc__limits_resolve(cfg, &l);
  netipc_hello hello;
  connect_hello(cfg, &l, netipc__conn_packet_size(conn, cfg->packet_size),
                &hello);
  uint8_t buf[NETIPC__HANDSHAKE_RECV_MAX];
  netipc_hello_message_encode(&hello, buf, sizeof buf);
  netipc__iobuf iov = {buf, NETIPC_HELLO_MSG_LEN};
  netipc_err err = netipc__conn_send_record(conn, &iov, 1);
  if (err != NETIPC_OK)
    return err;
  size_t len;
  err = connect_recv_ack(conn, deadline, abort, buf, sizeof buf, &len, fd);
  if (err != NETIPC_OK)
    return err;
  netipc_hello_ack ack;
  err = netipc_hello_ack_process_flags(buf, len, l.supported_profiles,
                                       hello.flags, &ack);
  if (err != NETIPC_OK) {
    hs_close_fd(fd);
    return err;
  }
  netipc__info_from_ack(&ack, NETIPC_ROLE_CLIENT, info);
  if (!connect_wants_fd(info))
    hs_close_fd(fd); /* not asked for: ignored */
  return NETIPC_OK;
}

netipc_err
netipc__handshake_connect(netipc_os_handle conn,
                          const netipc_transport_config *cfg,
                          uint64_t deadline, const netipc_abort *abort,
                          netipc_session_info *info, netipc__shm **shm)
{
  *shm = NULL;
  int fd = -1;
  netipc_err err = connect_exchange(conn, cfg, deadline, abort, info, &fd);
  /* An SHM session never falls back to the socket: a failed attach ends
   * it, and the caller reconnects without SHM (posix-shm.md 6.1). */
  if (err == NETIPC_OK && (info->selected_profile & NETIPC__SHM_PROFILES)) {
    netipc__shm_params p = {
        .run_dir = cfg->run_dir,
        .service = cfg->service_name,
        .auth_token = cfg->auth_token,
        .profile = info->selected_profile,
        .session_id = info->session_id,
        .request_limit = info->max_request_payload_bytes,
        .response_limit = info->max_response_payload_bytes,
        .extended = (info->extension_flags & NETIPC_HELLO_FLAG_EXTENSIONS) != 0,
        .deadline = deadline,
        .abort = abort,
        .conn = conn,
        .sealed = connect_wants_fd(info),
        .region_fd = fd,
    };
    fd = -1; /* client_open owns it */
    err = netipc__shm_client_open(&p, shm);
  }
  hs_close_fd(&fd);
  return err;
}

netipc_err
netipc__listen_core_init(netipc__listen_core *c,
                         const netipc_transport_config *cfg)
{
  netipc__limits lim;
  netipc__limits_resolve(cfg, &lim);
  c->hello.supported_profiles = lim.supported_profiles;
  c->hello.preferred_profiles = lim.preferred_profiles;
  c->hello.max_request_payload_bytes = lim.max_request_payload_bytes;
  c->hello.max_response_payload_bytes = lim.max_response_payload_bytes;
  c->hello.auth_token = cfg->auth_token;
  c->hello.extension_flags = accept_flags(cfg);
  c->configured_packet_size = cfg->packet_size;
  c->handshake_timeout_ms = netipc__or_default(
      cfg->handshake_timeout_ms, NETIPC_HANDSHAKE_TIMEOUT_MS_DEFAULT);
  c->next_session_id = 1;
  c->run_dir = netipc__strdup(cfg->run_dir);
  c->service_name = netipc__strdup(cfg->service_name);
  return c->run_dir != NULL && c->service_name != NULL ? NETIPC_OK
                                                       : NETIPC_ERR_NOMEM;
}

void
netipc__listen_core_fini(netipc__listen_core *c)
{
  netipc__free(c->run_dir);
  netipc__free(c->service_name);
}

uint16_t
netipc_listener_last_status(const netipc_listener *l)
{
  return l != NULL ? (uint16_t)netipc__atomic_load32(
                         &netipc__listen_core_of_const(l)->last_status)
                   : 0;
}

/* Send a HELLO_ACK record; rejections are best-effort (wire.md 9.3). A
 * sealed region goes with the OK answer, whose bytes stay the same. */
static netipc_err
accept_send_ack(netipc_os_handle conn, const netipc_hello_ack *ack,
                uint16_t status, const netipc__shm *shm)
{
  uint8_t buf[NETIPC_HELLO_ACK_MSG_LEN];
  netipc_hello_ack_message_encode(ack, status, buf, sizeof buf);
  netipc__iobuf iov = {buf, sizeof buf};
#ifdef NETIPC_BUILD_SEALED_SHM
  if (shm != NULL && (ack->flags & NETIPC_HELLO_FLAG_SEALED_SHM) != 0)
    return netipc__conn_send_record_fd(conn, &iov, 1,
                                       netipc__shm_region_fd(shm));
#else
  (void)shm;
#endif
  return netipc__conn_send_record(conn, &iov, 1);
}

/*
 * Decide on a HELLO; when it selects SHM, create the region before the OK
 * HELLO_ACK can go out (posix-shm.md 5.1). If the region cannot be made,
 * SHM is withdrawn from this one handshake and the decision is taken again.
 */
static netipc_hello_action
accept_negotiate(const netipc__listen_core *l, netipc_server_hello_config *cfg,
                 const uint8_t *hello, size_t len, uint64_t session_id,
                 netipc_hello_ack *ack, uint16_t *status, netipc__shm **shm)
{
  netipc_hello_action action =
      netipc_hello_negotiate(hello, len, cfg, session_id, ack, status);
  if (action != NETIPC_HELLO_ACCEPT ||
      (ack->selected_profile & NETIPC__SHM_PROFILES) == 0)
    return action;
  /* The extension block only when the client asked for the extensions:
   * toward a reference client the file is the reference's, byte for byte. */
  netipc__shm_params p = {
      .run_dir = l->run_dir,
      .service = l->service_name,
      .auth_token = cfg->auth_token,
      .profile = ack->selected_profile,
      .session_id = session_id,
      .request_limit = cfg->max_request_payload_bytes,
      .response_limit = cfg->max_response_payload_bytes,
      .extended = (ack->flags & NETIPC_HELLO_FLAG_EXTENSIONS) != 0,
      .sealed = (ack->flags & NETIPC_HELLO_FLAG_SEALED_SHM) != 0,
      .region_fd = NETIPC_OS_HANDLE_INVALID,
  };
  if (netipc__shm_server_open(&p, shm) == NETIPC_OK)
    return action;
  if (p.sealed) {
    /* No memfd here (e.g. out of descriptors, or a sandbox forbids it):
     * withdraw the extension and offer the region file instead. */
    ack->flags &= (uint16_t)~NETIPC_HELLO_FLAG_SEALED_SHM;
    p.sealed = false;
    if (netipc__shm_server_open(&p, shm) == NETIPC_OK)
      return action;
  }
  cfg->supported_profiles &= ~NETIPC__SHM_PROFILES;
  cfg->preferred_profiles &= ~NETIPC__SHM_PROFILES;
  if (cfg->supported_profiles == 0)
    return NETIPC_HELLO_DROP;
  return netipc_hello_negotiate(hello, len, cfg, session_id, ack, status);
}

netipc_err
netipc__handshake_accept(netipc__listen_core *l, netipc_os_handle conn,
                         uint64_t session_id, uint32_t timeout_ms,
                         const netipc_abort *abort, netipc_session_info *info,
                         netipc__shm **shm)
{
  *shm = NULL;
  netipc_server_hello_config cfg = l->hello;
  cfg.packet_size = netipc__conn_packet_size(conn, l->configured_packet_size);
  uint8_t buf[NETIPC__HANDSHAKE_RECV_MAX];
  size_t len;
  bool truncated; /* like the reference, judge the first 128 bytes only */
  netipc__atomic_store32(&l->last_status, NETIPC_STATUS_OK);
  uint64_t deadline = netipc__deadline(
      timeout_ms != 0 ? timeout_ms : l->handshake_timeout_ms);
  netipc_err err = netipc__conn_recv_record(conn, deadline, abort, buf,
                                            sizeof buf, &len, &truncated);
  if (err != NETIPC_OK)
    return err == NETIPC_ERR_ABORTED ? err : NETIPC_ERR_HANDSHAKE;
  netipc_hello_ack ack;
  uint16_t status;
  netipc_hello_action action =
      accept_negotiate(l, &cfg, buf, len, session_id, &ack, &status, shm);
  if (action == NETIPC_HELLO_DROP)
    return NETIPC_ERR_HANDSHAKE;
  err = accept_send_ack(conn, &ack, status, *shm);
  if (action == NETIPC_HELLO_REJECT) {
    netipc__atomic_store32(&l->last_status, status);
    return NETIPC_ERR_HANDSHAKE;
  }
  if (err != NETIPC_OK) {
    netipc__shm_destroy(*shm);
    *shm = NULL;
    return NETIPC_ERR_HANDSHAKE;
  }
  netipc__info_from_ack(&ack, NETIPC_ROLE_SERVER, info);
  return NETIPC_OK;
}
