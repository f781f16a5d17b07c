/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Fuzz the handshake (wire.md 9): the input is one packet, fed both to the
 * server's negotiation (as a HELLO) and to the client's HELLO_ACK
 * processing. Whatever the server decides, the client must read its reply
 * the same way: an accepted session must be accepted with the same values,
 * a rejection must map to the matching error.
 */
#include "config.h"

#include "fuzz.h"

volatile uint32_t fuzz_sink;

/* Matches the golden hello.bin so the seed reaches the accept path. */
static const netipc_server_hello_config server_cfg = {
    .supported_profiles = NETIPC_PROFILE_UDS_SEQPACKET |
                          NETIPC_PROFILE_SHM_HYBRID |
                          NETIPC_PROFILE_SHM_FUTEX,
    .preferred_profiles = NETIPC_PROFILE_SHM_HYBRID,
    .max_request_payload_bytes = 4096,
    .max_response_payload_bytes = 65536,
    .auth_token = 0xAABBCCDDEEFF0011ull,
    .packet_size = 32768,
};

#define SESSION_ID 0x0123456789ABCDEFull
#define CLIENT_SUPPORTED 0x07u

static netipc_err
status_error(uint16_t status)
{
  switch (status) {
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

static int
one_bit(uint32_t v)
{
  return v != 0 && (v & (v - 1)) == 0;
}

/* The server side, then the client reading the server's reply. */
static void
server_then_client(const uint8_t *buf, size_t size)
{
  netipc_hello_ack ack;
  uint16_t status = 0xFFFF;
  netipc_hello_action action = netipc_hello_negotiate(
      buf, size, &server_cfg, SESSION_ID, &ack, &status);
  if (action == NETIPC_HELLO_DROP)
    return;

  uint8_t *msg = fuzz_alloc(NETIPC_HELLO_ACK_MSG_LEN);
  FUZZ_CHECK(netipc_hello_ack_message_encode(&ack, status, msg,
                                             NETIPC_HELLO_ACK_MSG_LEN) ==
             NETIPC_OK);
  netipc_hello_ack got;
  if (action == NETIPC_HELLO_ACCEPT) {
    FUZZ_CHECK(status == NETIPC_STATUS_OK);
    FUZZ_CHECK(size >= NETIPC_HELLO_MSG_LEN);
    netipc_hello hello;
    FUZZ_CHECK(netipc_hello_decode(buf + NETIPC_HEADER_LEN,
                                   size - NETIPC_HEADER_LEN,
                                   &hello) == NETIPC_OK);
    FUZZ_CHECK(ack.session_id == SESSION_ID);
    FUZZ_CHECK(one_bit(ack.selected_profile));
    FUZZ_CHECK((ack.selected_profile & ack.intersection_profiles) != 0);
    FUZZ_CHECK(ack.intersection_profiles ==
               (hello.supported_profiles & server_cfg.supported_profiles));
    FUZZ_CHECK(ack.agreed_max_request_payload_bytes <=
               server_cfg.max_request_payload_bytes);
    FUZZ_CHECK(ack.agreed_packet_size > NETIPC_HEADER_LEN &&
               ack.agreed_packet_size <= server_cfg.packet_size);
    netipc_err err = netipc_hello_ack_process(
        msg, NETIPC_HELLO_ACK_MSG_LEN, hello.supported_profiles, &got);
    if (err != NETIPC_OK) {
      fprintf(stderr, "client rejected an accepted session: %s\n",
              netipc_err_name(err));
      abort();
    }
    FUZZ_CHECK(got.layout_version == ack.layout_version);
    FUZZ_CHECK(got.flags == ack.flags);
    FUZZ_CHECK(got.server_supported_profiles == ack.server_supported_profiles);
    FUZZ_CHECK(got.intersection_profiles == ack.intersection_profiles);
    FUZZ_CHECK(got.selected_profile == ack.selected_profile);
    FUZZ_CHECK(got.agreed_max_request_payload_bytes ==
               ack.agreed_max_request_payload_bytes);
    FUZZ_CHECK(got.agreed_max_request_batch_items ==
               ack.agreed_max_request_batch_items);
    FUZZ_CHECK(got.agreed_max_response_payload_bytes ==
               ack.agreed_max_response_payload_bytes);
    FUZZ_CHECK(got.agreed_max_response_batch_items ==
               ack.agreed_max_response_batch_items);
    FUZZ_CHECK(got.agreed_packet_size == ack.agreed_packet_size);
    FUZZ_CHECK(got.session_id == ack.session_id);
  } else {
    FUZZ_CHECK(action == NETIPC_HELLO_REJECT);
    FUZZ_CHECK(status != NETIPC_STATUS_OK);
    /* A rejection ack is all zero except layout_version. */
    FUZZ_CHECK(ack.layout_version == NETIPC_LAYOUT_VERSION);
    FUZZ_CHECK(ack.flags == 0 && ack.server_supported_profiles == 0 &&
               ack.intersection_profiles == 0 && ack.selected_profile == 0 &&
               ack.agreed_max_request_payload_bytes == 0 &&
               ack.agreed_max_request_batch_items == 0 &&
               ack.agreed_max_response_payload_bytes == 0 &&
               ack.agreed_max_response_batch_items == 0 &&
               ack.agreed_packet_size == 0 && ack.reserved == 0 &&
               ack.session_id == 0);
    FUZZ_CHECK(netipc_hello_ack_process(msg, NETIPC_HELLO_ACK_MSG_LEN,
                                        CLIENT_SUPPORTED,
                                        &got) == status_error(status));
  }
  free(msg);
}

/* The client side on the raw input. */
static void
client(const uint8_t *buf, size_t size)
{
  netipc_hello_ack ack;
  netipc_err err = netipc_hello_ack_process(buf, size, CLIENT_SUPPORTED, &ack);
  if (err != NETIPC_OK)
    return;
  FUZZ_CHECK(size >= NETIPC_HELLO_ACK_MSG_LEN);
  netipc_header h;
  FUZZ_CHECK(netipc_header_decode(buf, size, &h) == NETIPC_OK);
  FUZZ_CHECK(h.kind == NETIPC_KIND_CONTROL &&
             h.code == NETIPC_CONTROL_HELLO_ACK &&
             h.transport_status == NETIPC_STATUS_OK);
  FUZZ_CHECK(ack.layout_version == NETIPC_LAYOUT_VERSION && ack.flags == 0);
  FUZZ_CHECK(ack.agreed_packet_size > NETIPC_HEADER_LEN);
  FUZZ_CHECK(one_bit(ack.selected_profile) &&
             (ack.selected_profile & CLIENT_SUPPORTED) != 0);
  /* The payload decoder and encoder agree byte for byte. */
  uint8_t *out = fuzz_alloc(NETIPC_HELLO_ACK_LEN);
  FUZZ_CHECK(netipc_hello_ack_encode(&ack, out, NETIPC_HELLO_ACK_LEN) ==
             NETIPC_OK);
  FUZZ_CHECK(memcmp(out, buf + NETIPC_HEADER_LEN, NETIPC_HELLO_ACK_LEN) == 0);
  free(out);
}

/* Raw payload codecs: decode then encode gives the same bytes. */
static void
payload_round_trip(const uint8_t *buf, size_t size)
{
  netipc_hello hello;
  netipc_err err = netipc_hello_decode(buf, size, &hello);
  if (size < NETIPC_HELLO_LEN) {
    FUZZ_CHECK(err == NETIPC_ERR_TRUNCATED);
  } else {
    FUZZ_CHECK(err == NETIPC_OK);
    uint8_t *out = fuzz_alloc(NETIPC_HELLO_LEN);
    FUZZ_CHECK(netipc_hello_encode(&hello, out, NETIPC_HELLO_LEN) ==
               NETIPC_OK);
    FUZZ_CHECK(memcmp(out, buf, NETIPC_HELLO_LEN) == 0);
    free(out);
  }
  netipc_hello_ack ack;
  err = netipc_hello_ack_decode(buf, size, &ack);
  if (size < NETIPC_HELLO_ACK_LEN) {
    FUZZ_CHECK(err == NETIPC_ERR_TRUNCATED);
  } else {
    FUZZ_CHECK(err == NETIPC_OK);
    uint8_t *out = fuzz_alloc(NETIPC_HELLO_ACK_LEN);
    FUZZ_CHECK(netipc_hello_ack_encode(&ack, out, NETIPC_HELLO_ACK_LEN) ==
               NETIPC_OK);
    FUZZ_CHECK(memcmp(out, buf, NETIPC_HELLO_ACK_LEN) == 0);
    free(out);
  }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint8_t *buf = fuzz_dup(data, size);
  server_then_client(buf, size);
  client(buf, size);
  payload_round_trip(buf, size);
  free(buf);
  return 0;
}
