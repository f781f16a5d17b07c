/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HELLO and HELLO_ACK payloads and messages (wire.md 9.1, 9.2). */
#include "config.h"

#include "codec/codec-internal.h"

enum {
  HELLO_LAYOUT = 0,
  HELLO_FLAGS = 2,
  HELLO_SUPPORTED = 4,
  HELLO_PREFERRED = 8,
  HELLO_RQ_PAYLOAD = 12,
  HELLO_RQ_BATCH = 16,
  HELLO_RS_PAYLOAD = 20,
  HELLO_RS_BATCH = 24,
  HELLO_RESERVED = 28,
  HELLO_AUTH = 32,
  HELLO_PACKET = 40
};

enum {
  ACK_LAYOUT = 0,
  ACK_FLAGS = 2,
  ACK_SUPPORTED = 4,
  ACK_INTERSECTION = 8,
  ACK_SELECTED = 12,
  ACK_RQ_PAYLOAD = 16,
  ACK_RQ_BATCH = 20,
  ACK_RS_PAYLOAD = 24,
  ACK_RS_BATCH = 28,
  ACK_PACKET = 32,
  ACK_RESERVED = 36,
  ACK_SESSION = 40
};

netipc_err
netipc_hello_encode(const netipc_hello *h, void *buf, size_t cap)
{
  if (h == NULL || buf == NULL)
    return NETIPC_ERR_INVALID_ARG;
  if (cap < NETIPC_HELLO_LEN)
    return NETIPC_ERR_NOSPACE;
  uint8_t *p = buf;
  netipc__st16(p + HELLO_LAYOUT, h->layout_version);
  netipc__st16(p + HELLO_FLAGS, h->flags);
  netipc__st32(p + HELLO_SUPPORTED, h->supported_profiles);
  netipc__st32(p + HELLO_PREFERRED, h->preferred_profiles);
  netipc__st32(p + HELLO_RQ_PAYLOAD, h->max_request_payload_bytes);
  netipc__st32(p + HELLO_RQ_BATCH, h->max_request_batch_items);
  netipc__st32(p + HELLO_RS_PAYLOAD, h->max_response_payload_bytes);
  netipc__st32(p + HELLO_RS_BATCH, h->max_response_batch_items);
  netipc__st32(p + HELLO_RESERVED, h->reserved);
  netipc__st64(p + HELLO_AUTH, h->auth_token);
  netipc__st32(p + HELLO_PACKET, h->packet_size);
  return NETIPC_OK;
}

netipc_err
netipc_hello_decode(const void *buf, size_t len, netipc_hello *out)
{
  if (buf == NULL || out == NULL)
    return NETIPC_ERR_INVALID_ARG;
  if (len < NETIPC_HELLO_LEN)
    return NETIPC_ERR_TRUNCATED;
  const uint8_t *p = buf;
  out->layout_version = netipc__ld16(p + HELLO_LAYOUT);
  out->flags = netipc__ld16(p + HELLO_FLAGS);
  out->supported_profiles = netipc__ld32(p + HELLO_SUPPORTED);
  out->preferred_profiles = netipc__ld32(p + HELLO_PREFERRED);
  out->max_request_payload_bytes = netipc__ld32(p + HELLO_RQ_PAYLOAD);
  out->max_request_batch_items = netipc__ld32(p + HELLO_RQ_BATCH);
  out->max_response_payload_bytes = netipc__ld32(p + HELLO_RS_PAYLOAD);
  out->max_response_batch_items = netipc__ld32(p + HELLO_RS_BATCH);
  out->reserved = netipc__ld32(p + HELLO_RESERVED);
  out->auth_token = netipc__ld64(p + HELLO_AUTH);
  out->packet_size = netipc__ld32(p + HELLO_PACKET);
  return NETIPC_OK;
}

netipc_err
netipc_hello_ack_encode(const netipc_hello_ack *a, void *buf, size_t cap)
{
  if (a == NULL || buf == NULL)
    return NETIPC_ERR_INVALID_ARG;
  if (cap < NETIPC_HELLO_ACK_LEN)
    return NETIPC_ERR_NOSPACE;
  uint8_t *p = buf;
  netipc__st16(p + ACK_LAYOUT, a->layout_version);
  netipc__st16(p + ACK_FLAGS, a->flags);
  netipc__st32(p + ACK_SUPPORTED, a->server_supported_profiles);
  netipc__st32(p + ACK_INTERSECTION, a->intersection_profiles);
  netipc__st32(p + ACK_SELECTED, a->selected_profile);
  netipc__st32(p + ACK_RQ_PAYLOAD, a->agreed_max_request_payload_bytes);
  netipc__st32(p + ACK_RQ_BATCH, a->agreed_max_request_batch_items);
  netipc__st32(p + ACK_RS_PAYLOAD, a->agreed_max_response_payload_bytes);
  netipc__st32(p + ACK_RS_BATCH, a->agreed_max_response_batch_items);
  netipc__st32(p + ACK_PACKET, a->agreed_packet_size);
  netipc__st32(p + ACK_RESERVED, a->reserved);
  netipc__st64(p + ACK_SESSION, a->session_id);
  return NETIPC_OK;
}

netipc_err
netipc_hello_ack_decode(const void *buf, size_t len, netipc_hello_ack *out)
{
  if (buf == NULL || out == NULL)
    return NETIPC_ERR_INVALID_ARG;
  if (len < NETIPC_HELLO_ACK_LEN)
    return NETIPC_ERR_TRUNCATED;
  const uint8_t *p = buf;
  out->layout_version = netipc__ld16(p + ACK_LAYOUT);
  out->flags = netipc__ld16(p + ACK_FLAGS);
  out->server_supported_profiles = netipc__ld32(p + ACK_SUPPORTED);
  out->intersection_profiles = netipc__ld32(p + ACK_INTERSECTION);
  out->selected_profile = netipc__ld32(p + ACK_SELECTED);
  out->agreed_max_request_payload_bytes = netipc__ld32(p + ACK_RQ_PAYLOAD);
  out->agreed_max_request_batch_items = netipc__ld32(p + ACK_RQ_BATCH);
  out->agreed_max_response_payload_bytes = netipc__ld32(p + ACK_RS_PAYLOAD);
  out->agreed_max_response_batch_items = netipc__ld32(p + ACK_RS_BATCH);
  out->agreed_packet_size = netipc__ld32(p + ACK_PACKET);
  out->reserved = netipc__ld32(p + ACK_RESERVED);
  out->session_id = netipc__ld64(p + ACK_SESSION);
  return NETIPC_OK;
}

/* Write the CONTROL header of a handshake message with payload_len bytes. */
static netipc_err
hello_control_header(uint16_t code, uint16_t status, uint32_t payload_len,
                     void *buf, size_t cap)
{
  if (cap < (size_t)NETIPC_HEADER_LEN + payload_len)
    return NETIPC_ERR_NOSPACE;
  netipc_header h;
  netipc_header_init(&h, NETIPC_KIND_CONTROL, code, 0);
  h.transport_status = status;
  h.payload_len = payload_len;
  return netipc_header_encode(&h, buf, cap);
}

netipc_err
netipc_hello_message_encode(const netipc_hello *h, void *buf, size_t cap)
{
  if (h == NULL || buf == NULL)
    return NETIPC_ERR_INVALID_ARG;
  netipc_err err = hello_control_header(NETIPC_CONTROL_HELLO, NETIPC_STATUS_OK,
                                        NETIPC_HELLO_LEN, buf, cap);
  if (err != NETIPC_OK)
    return err;
  return netipc_hello_encode(h, (uint8_t *)buf + NETIPC_HEADER_LEN,
                             cap - NETIPC_HEADER_LEN);
}

netipc_err
netipc_hello_ack_message_encode(const netipc_hello_ack *a,
                                uint16_t transport_status, void *buf,
                                size_t cap)
{
  if (a == NULL || buf == NULL)
    return NETIPC_ERR_INVALID_ARG;
  netipc_err err = hello_control_header(NETIPC_CONTROL_HELLO_ACK,
                                        transport_status,
                                        NETIPC_HELLO_ACK_LEN, buf, cap);
  if (err != NETIPC_OK)
    return err;
  return netipc_hello_ack_encode(a, (uint8_t *)buf + NETIPC_HEADER_LEN,
                                 cap - NETIPC_HEADER_LEN);
}
