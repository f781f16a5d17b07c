/* SPDX-License-Identifier: GPL-3.0-or-later */
/* transport-internal.h - portable helpers shared by every transport. */
#ifndef NETIPC_TRANSPORT_INTERNAL_H
#define NETIPC_TRANSPORT_INTERNAL_H

#include <netipc/transport.h>

/* Profiles this build can run and advertise (SHM_FUTEX is never offered;
 * on Windows bit 0x04 is SHM_BUSYWAIT, offered only when asked for). */
#if defined(NETIPC_OS_WINDOWS)
#define NETIPC__PROFILES_BUILT                                                \
  (NETIPC_PROFILE_NAMED_PIPE | NETIPC_PROFILE_SHM_HYBRID |                    \
   NETIPC_PROFILE_SHM_BUSYWAIT)
#elif defined(NETIPC_BUILD_SHM)
#define NETIPC__PROFILES_BUILT                                                \
  (NETIPC_PROFILE_UDS_SEQPACKET | NETIPC_PROFILE_SHM_HYBRID)
#else
#define NETIPC__PROFILES_BUILT NETIPC_PROFILE_UDS_SEQPACKET
#endif

/* The HELLO flags a configuration offers (client) or echoes (server). */
static inline uint16_t
netipc__extension_flags(const netipc_transport_config *cfg)
{
  return cfg->plain_protocol ? 0 : NETIPC_HELLO_FLAG_EXTENSIONS;
}

/* Largest handshake record read (the reference reads at most 128 bytes). */
#define NETIPC__HANDSHAKE_RECV_MAX 128u

/* A configuration with every zero field replaced by its default. */
typedef struct netipc__limits {
  uint32_t supported_profiles;
  uint32_t preferred_profiles;
  uint32_t max_request_payload_bytes;
  uint32_t max_request_batch_items;
  uint32_t max_response_payload_bytes;
  uint32_t max_response_batch_items;
} netipc__limits;

static inline uint32_t
netipc__or_default(uint32_t value, uint32_t fallback)
{
  return value != 0 ? value : fallback;
}

/* Resolve defaults (posix-uds.md 6.1) and drop profiles not built here. */
static inline void
netipc__limits_resolve(const netipc_transport_config *cfg, netipc__limits *l)
{
  l->supported_profiles =
      (netipc__or_default(cfg->supported_profiles, NETIPC_PROFILE_BASELINE) &
       NETIPC__PROFILES_BUILT) |
      NETIPC_PROFILE_BASELINE;
  l->preferred_profiles = cfg->preferred_profiles & l->supported_profiles;
  l->max_request_payload_bytes = netipc__or_default(
      cfg->max_request_payload_bytes, NETIPC_MAX_PAYLOAD_DEFAULT);
  l->max_request_batch_items = netipc__or_default(
      cfg->max_request_batch_items, NETIPC_BATCH_ITEMS_DEFAULT);
  l->max_response_payload_bytes = netipc__or_default(
      cfg->max_response_payload_bytes, NETIPC_MAX_PAYLOAD_DEFAULT);
  l->max_response_batch_items = netipc__or_default(
      cfg->max_response_batch_items, NETIPC_BATCH_ITEMS_DEFAULT);
}

/* The session values of a successful HELLO_ACK. */
static inline void
netipc__info_from_ack(const netipc_hello_ack *ack, netipc_role role,
                      netipc_session_info *info)
{
  info->role = role;
  info->selected_profile = ack->selected_profile;
  info->server_supported_profiles = ack->server_supported_profiles;
  info->intersection_profiles = ack->intersection_profiles;
  info->max_request_payload_bytes = ack->agreed_max_request_payload_bytes;
  info->max_request_batch_items = ack->agreed_max_request_batch_items;
  info->max_response_payload_bytes = ack->agreed_max_response_payload_bytes;
  info->max_response_batch_items = ack->agreed_max_response_batch_items;
  info->packet_size = ack->agreed_packet_size;
  info->session_id = ack->session_id;
  info->extension_flags = ack->flags;
}

#endif /* NETIPC_TRANSPORT_INTERNAL_H */
