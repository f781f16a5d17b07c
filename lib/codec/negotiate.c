/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The handshake decisions as pure functions: the server's procedure of
 * wire.md 9.3 and the client's processing of HELLO_ACK in 9.6. The order of
 * the checks is part of the contract: it decides which status a peer sees.
 */
#include "config.h"

#include "codec/codec-internal.h"

static uint32_t
highest_bit(uint32_t v)
{
  uint32_t bit = 0;
  while (v != 0) {
    bit = v & (~v + 1); /* lowest set bit */
    v &= v - 1;
  }
  return bit;
}

uint32_t
netipc_profile_select(uint32_t intersection, uint32_t client_preferred,
                      uint32_t server_preferred)
{
  uint32_t preferred = intersection & client_preferred & server_preferred;
  return highest_bit(preferred != 0 ? preferred : intersection);
}

/* Steps 2-3: a version-only mismatch is answered, anything else dropped. */
static netipc_hello_action
negotiate_header(const void *packet, size_t packet_len, uint16_t *status)
{
  netipc_header h = {0};
  netipc_err err = netipc_header_decode(packet, packet_len, &h);
  int hello_shaped = h.header_len == NETIPC_HEADER_LEN &&
                     h.kind == NETIPC_KIND_CONTROL &&
                     h.code == NETIPC_CONTROL_HELLO;
  if (err == NETIPC_ERR_BAD_VERSION && hello_shaped) {
    *status = NETIPC_STATUS_INCOMPATIBLE;
    return NETIPC_HELLO_REJECT;
  }
  if (err != NETIPC_OK || !hello_shaped)
    return NETIPC_HELLO_DROP;
  return NETIPC_HELLO_ACCEPT;
}

/* Steps 5-11 on a decoded HELLO; fills the agreed values as it goes. */
static netipc_hello_action
negotiate_hello(const netipc_hello *hello,
                const netipc_server_hello_config *cfg, netipc_hello_ack *ack,
                uint16_t *status)
{
  if (hello->layout_version != NETIPC_LAYOUT_VERSION) {
    *status = NETIPC_STATUS_INCOMPATIBLE;
    return NETIPC_HELLO_REJECT;
  }
  if (hello->reserved != 0)
    return NETIPC_HELLO_DROP;
  uint32_t server_set = cfg->supported_profiles != 0
                            ? cfg->supported_profiles
                            : NETIPC_PROFILE_BASELINE;
  uint32_t intersection = hello->supported_profiles & server_set;
  if (intersection == 0) {
    *status = NETIPC_STATUS_UNSUPPORTED;
    return NETIPC_HELLO_REJECT;
  }
  if (hello->auth_token != cfg->auth_token) {
    *status = NETIPC_STATUS_AUTH_FAILED;
    return NETIPC_HELLO_REJECT;
  }
  if (hello->max_request_payload_bytes > cfg->max_request_payload_bytes) {
    *status = NETIPC_STATUS_LIMIT_EXCEEDED;
    return NETIPC_HELLO_REJECT;
  }
  uint32_t packet = hello->packet_size < cfg->packet_size ? hello->packet_size
                                                          : cfg->packet_size;
  if (packet <= NETIPC_HEADER_LEN) {
    *status = NETIPC_STATUS_INCOMPATIBLE;
    return NETIPC_HELLO_REJECT;
  }
  ack->server_supported_profiles = server_set;
  ack->intersection_profiles = intersection;
  ack->selected_profile = netipc_profile_select(
      intersection, hello->preferred_profiles, cfg->preferred_profiles);
  ack->agreed_max_request_payload_bytes = hello->max_request_payload_bytes;
  ack->agreed_max_request_batch_items = hello->max_request_batch_items;
  ack->agreed_max_response_payload_bytes = cfg->max_response_payload_bytes;
  ack->agreed_max_response_batch_items = hello->max_request_batch_items;
  ack->agreed_packet_size = packet;
  /* Echo only what both implement (doc/extensions.md); reference clients
   * send flags 0 and so always get 0 back. */
  ack->flags = hello->flags & cfg->extension_flags;
  return NETIPC_HELLO_ACCEPT;
}

netipc_hello_action
netipc_hello_negotiate(const void *packet, size_t packet_len,
                       const netipc_server_hello_config *cfg,
                       uint64_t session_id, netipc_hello_ack *ack,
                       uint16_t *status)
{
  if (ack == NULL || status == NULL)
    return NETIPC_HELLO_DROP;
  memset(ack, 0, sizeof *ack);
  ack->layout_version = NETIPC_LAYOUT_VERSION;
  *status = NETIPC_STATUS_OK;
  if (packet == NULL || cfg == NULL)
    return NETIPC_HELLO_DROP;

  netipc_hello_action action = negotiate_header(packet, packet_len, status);
  if (action != NETIPC_HELLO_ACCEPT)
    return action;
  netipc_hello hello;
  if (netipc_hello_decode((const uint8_t *)packet + NETIPC_HEADER_LEN,
                          packet_len - NETIPC_HEADER_LEN,
                          &hello) != NETIPC_OK)
    return NETIPC_HELLO_DROP;
  action = negotiate_hello(&hello, cfg, ack, status);
  if (action == NETIPC_HELLO_ACCEPT)
    ack->session_id = session_id;
  return action;
}

/* Step 3 of wire.md 9.6: the status is mapped before the payload is read. */
static netipc_err
ack_status_error(uint16_t status)
{
  switch (status) {
  case NETIPC_STATUS_OK:
    return NETIPC_OK;
  case NETIPC_STATUS_AUTH_FAILED:
    return NETIPC_ERR_AUTH_FAILED;
  case NETIPC_STATUS_UNSUPPORTED:
    return NETIPC_ERR_NO_PROFILE;
  case NETIPC_STATUS_INCOMPATIBLE:
    return NETIPC_ERR_INCOMPATIBLE;
  case NETIPC_STATUS_LIMIT_EXCEEDED:
    return NETIPC_ERR_LIMIT_EXCEEDED;
  default:
    return NETIPC_ERR_HANDSHAKE;
  }
}

netipc_err
netipc_hello_ack_process(const void *packet, size_t packet_len,
                         uint32_t client_supported, netipc_hello_ack *ack)
{
  return netipc_hello_ack_process_flags(packet, packet_len, client_supported,
                                        0, ack);
}

netipc_err
netipc_hello_ack_process_flags(const void *packet, size_t packet_len,
                               uint32_t client_supported, uint16_t hello_flags,
                               netipc_hello_ack *ack)
{
  if (packet == NULL || ack == NULL)
    return NETIPC_ERR_INVALID_ARG;
  netipc_header h;
  netipc_err err = netipc_header_decode(packet, packet_len, &h);
  if (err == NETIPC_ERR_BAD_VERSION)
    return NETIPC_ERR_INCOMPATIBLE;
  if (err != NETIPC_OK || h.kind != NETIPC_KIND_CONTROL ||
      h.code != NETIPC_CONTROL_HELLO_ACK)
    return NETIPC_ERR_PROTOCOL;
  err = ack_status_error(h.transport_status);
  if (err != NETIPC_OK)
    return err;
  if (netipc_hello_ack_decode((const uint8_t *)packet + NETIPC_HEADER_LEN,
                              packet_len - NETIPC_HEADER_LEN,
                              ack) != NETIPC_OK)
    return NETIPC_ERR_PROTOCOL;
  if (ack->layout_version != NETIPC_LAYOUT_VERSION)
    return NETIPC_ERR_INCOMPATIBLE;
  if ((ack->flags & ~hello_flags) != 0 ||
      ack->agreed_packet_size <= NETIPC_HEADER_LEN)
    return NETIPC_ERR_PROTOCOL;
  if (!netipc__one_bit(ack->selected_profile) ||
      (ack->selected_profile & client_supported) == 0)
    return NETIPC_ERR_PROTOCOL;
  return NETIPC_OK;
}
