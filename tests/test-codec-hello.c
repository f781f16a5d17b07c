/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-codec-hello.c - HELLO / HELLO_ACK payloads (wire.md 9.1, 9.2), the
 * server's decision procedure (9.3), profile selection (9.4) and the
 * client's HELLO_ACK processing (9.6).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <string.h>

#include <netipc/codec.h>

#include "bytes.h"
#include "tap.h"

#define PLAN 217

#define TOKEN 0x1122334455667788ull
#define SESSION 0x0000000100000002ull

/* wire.md 12: the 76-byte HELLO example (little-endian host). */
static const uint8_t hello_example_le[76] = {
    0x43, 0x50, 0x49, 0x4e, 0x01, 0x00, 0x20, 0x00, 0x03, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x03, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
    0x00, 0x40, 0x03, 0x00};

static void
make_header(uint8_t *b, uint16_t kind, uint16_t code, uint16_t status,
            uint32_t payload_len)
{
  memset(b, 0, 32);
  put32(b, 0, NETIPC_MAGIC);
  put16(b, 4, 1);
  put16(b, 6, 32);
  put16(b, 8, kind);
  put16(b, 12, code);
  put16(b, 14, status);
  put32(b, 16, payload_len);
  put32(b, 20, 1);
}

/* HELLO payload written by hand at the offsets of wire.md 9.1. */
static void
make_hello(uint8_t *p, const netipc_hello *h)
{
  memset(p, 0, 44);
  put16(p, 0, h->layout_version);
  put16(p, 2, h->flags);
  put32(p, 4, h->supported_profiles);
  put32(p, 8, h->preferred_profiles);
  put32(p, 12, h->max_request_payload_bytes);
  put32(p, 16, h->max_request_batch_items);
  put32(p, 20, h->max_response_payload_bytes);
  put32(p, 24, h->max_response_batch_items);
  put32(p, 28, h->reserved);
  put64(p, 32, h->auth_token);
  put32(p, 40, h->packet_size);
}

/* HELLO_ACK payload written by hand at the offsets of wire.md 9.2. */
static void
make_ack(uint8_t *p, const netipc_hello_ack *a)
{
  memset(p, 0, 48);
  put16(p, 0, a->layout_version);
  put16(p, 2, a->flags);
  put32(p, 4, a->server_supported_profiles);
  put32(p, 8, a->intersection_profiles);
  put32(p, 12, a->selected_profile);
  put32(p, 16, a->agreed_max_request_payload_bytes);
  put32(p, 20, a->agreed_max_request_batch_items);
  put32(p, 24, a->agreed_max_response_payload_bytes);
  put32(p, 28, a->agreed_max_response_batch_items);
  put32(p, 32, a->agreed_packet_size);
  put32(p, 36, a->reserved);
  put64(p, 40, a->session_id);
}

static int
ack_equal(const netipc_hello_ack *a, const netipc_hello_ack *b)
{
  return a->layout_version == b->layout_version && a->flags == b->flags &&
         a->server_supported_profiles == b->server_supported_profiles &&
         a->intersection_profiles == b->intersection_profiles &&
         a->selected_profile == b->selected_profile &&
         a->agreed_max_request_payload_bytes ==
             b->agreed_max_request_payload_bytes &&
         a->agreed_max_request_batch_items ==
             b->agreed_max_request_batch_items &&
         a->agreed_max_response_payload_bytes ==
             b->agreed_max_response_payload_bytes &&
         a->agreed_max_response_batch_items ==
             b->agreed_max_response_batch_items &&
         a->agreed_packet_size == b->agreed_packet_size &&
         a->reserved == b->reserved && a->session_id == b->session_id;
}

/* wire.md 9.2: a rejection is all zero except layout_version 1. */
static int
ack_is_rejection(const netipc_hello_ack *a)
{
  netipc_hello_ack z;
  memset(&z, 0, sizeof z);
  z.layout_version = 1;
  return ack_equal(a, &z);
}

/* ---- fixtures ---------------------------------------------------------- */

static netipc_hello
client_hello(void)
{
  netipc_hello h;
  memset(&h, 0, sizeof h);
  h.layout_version = 1;
  h.supported_profiles = 0x03;
  h.preferred_profiles = 0x02;
  h.max_request_payload_bytes = 2048;
  h.max_request_batch_items = 77;
  h.max_response_payload_bytes = 1234;
  h.max_response_batch_items = 5;
  h.auth_token = TOKEN;
  h.packet_size = 65536;
  return h;
}

static netipc_server_hello_config
server_cfg(void)
{
  netipc_server_hello_config c;
  memset(&c, 0, sizeof c);
  c.supported_profiles = 0x03;
  c.preferred_profiles = 0x02;
  c.max_request_payload_bytes = 4096;
  c.max_response_payload_bytes = 65536;
  c.auth_token = TOKEN;
  c.packet_size = 32768;
  return c;
}

/* A complete 76-byte HELLO packet, written by hand. */
static void
hello_packet(uint8_t *pkt, const netipc_hello *h)
{
  make_header(pkt, NETIPC_KIND_CONTROL, NETIPC_CONTROL_HELLO, 0, 44);
  make_hello(pkt + 32, h);
}

static netipc_hello_ack
good_ack(void)
{
  netipc_hello_ack a;
  memset(&a, 0, sizeof a);
  a.layout_version = 1;
  a.server_supported_profiles = 0x03;
  a.intersection_profiles = 0x03;
  a.selected_profile = 0x02;
  a.agreed_max_request_payload_bytes = 2048;
  a.agreed_max_request_batch_items = 77;
  a.agreed_max_response_payload_bytes = 65536;
  a.agreed_max_response_batch_items = 77;
  a.agreed_packet_size = 32768;
  a.session_id = 9;
  return a;
}

/* A complete 80-byte HELLO_ACK packet, written by hand. */
static void
ack_packet(uint8_t *pkt, uint16_t status, const netipc_hello_ack *a)
{
  make_header(pkt, NETIPC_KIND_CONTROL, NETIPC_CONTROL_HELLO_ACK, status, 48);
  make_ack(pkt + 32, a);
}

/* ---- HELLO / HELLO_ACK payloads --------------------------------------- */

static void
test_hello_payload(void)
{
  netipc_hello h, out;
  uint8_t buf[64], exp[44];

  h.layout_version = 1;
  h.flags = 0x0A0B;
  h.supported_profiles = 0x11111111u;
  h.preferred_profiles = 0x22222222u;
  h.max_request_payload_bytes = 0x33333333u;
  h.max_request_batch_items = 0x44444444u;
  h.max_response_payload_bytes = 0x55555555u;
  h.max_response_batch_items = 0x66666666u;
  h.reserved = 0x77777777u;
  h.auth_token = 0x8899AABBCCDDEEFFull;
  h.packet_size = 0x12345678u;
  make_hello(exp, &h);
  memset(buf, 0xA5, sizeof buf);
  is_err(netipc_hello_encode(&h, buf, sizeof buf), NETIPC_OK, "HELLO encode");
  is_mem(buf, exp, 44, "HELLO: every field at its wire.md 9.1 offset");
  ok(buf[44] == 0xA5, "HELLO encode writes 44 bytes, not sizeof 48");
  is_err(netipc_hello_encode(&h, buf, 43), NETIPC_ERR_NOSPACE,
         "HELLO encode cap 43: NOSPACE");
  is_err(netipc_hello_encode(&h, buf, 44), NETIPC_OK, "HELLO encode cap 44");
  is_err(netipc_hello_encode(NULL, buf, 44), NETIPC_ERR_INVALID_ARG,
         "HELLO encode NULL: INVALID_ARG");

  memset(&out, 0, sizeof out);
  is_err(netipc_hello_decode(exp, 44, &out), NETIPC_OK, "HELLO decode");
  is_uint(out.layout_version, 1, "HELLO decode: layout_version");
  is_uint(out.flags, 0x0A0B, "HELLO decode: flags (not judged)");
  is_uint(out.supported_profiles, 0x11111111u, "HELLO decode: supported");
  is_uint(out.preferred_profiles, 0x22222222u, "HELLO decode: preferred");
  is_uint(out.max_request_payload_bytes, 0x33333333u,
          "HELLO decode: max_request_payload_bytes");
  is_uint(out.max_request_batch_items, 0x44444444u,
          "HELLO decode: max_request_batch_items");
  is_uint(out.max_response_payload_bytes, 0x55555555u,
          "HELLO decode: max_response_payload_bytes");
  is_uint(out.max_response_batch_items, 0x66666666u,
          "HELLO decode: max_response_batch_items");
  is_uint(out.reserved, 0x77777777u, "HELLO decode: reserved (not judged)");
  is_uint(out.auth_token, 0x8899AABBCCDDEEFFull, "HELLO decode: auth_token");
  is_uint(out.packet_size, 0x12345678u, "HELLO decode: packet_size");
  is_err(netipc_hello_decode(exp, 43, &out), NETIPC_ERR_TRUNCATED,
         "HELLO decode 43 bytes: TRUNCATED");
  is_err(netipc_hello_decode(buf, sizeof buf, &out), NETIPC_OK,
         "HELLO decode ignores extra bytes");
  is_err(netipc_hello_decode(exp, 44, NULL), NETIPC_ERR_INVALID_ARG,
         "HELLO decode NULL out: INVALID_ARG");
}

static void
test_hello_ack_payload(void)
{
  netipc_hello_ack a, out;
  uint8_t buf[64], exp[48];

  a.layout_version = 1;
  a.flags = 0x0C0D;
  a.server_supported_profiles = 0x01010101u;
  a.intersection_profiles = 0x02020202u;
  a.selected_profile = 0x03030303u;
  a.agreed_max_request_payload_bytes = 0x04040404u;
  a.agreed_max_request_batch_items = 0x05050505u;
  a.agreed_max_response_payload_bytes = 0x06060606u;
  a.agreed_max_response_batch_items = 0x07070707u;
  a.agreed_packet_size = 0x08080808u;
  a.reserved = 0x09090909u;
  a.session_id = 0x0A0B0C0D0E0F1011ull;
  make_ack(exp, &a);
  memset(buf, 0xA5, sizeof buf);
  is_err(netipc_hello_ack_encode(&a, buf, sizeof buf), NETIPC_OK,
         "HELLO_ACK encode");
  is_mem(buf, exp, 48, "HELLO_ACK: every field at its wire.md 9.2 offset");
  ok(buf[48] == 0xA5, "HELLO_ACK encode writes 48 bytes");
  is_err(netipc_hello_ack_encode(&a, buf, 47), NETIPC_ERR_NOSPACE,
         "HELLO_ACK encode cap 47: NOSPACE");
  is_err(netipc_hello_ack_encode(NULL, buf, 48), NETIPC_ERR_INVALID_ARG,
         "HELLO_ACK encode NULL: INVALID_ARG");

  memset(&out, 0, sizeof out);
  is_err(netipc_hello_ack_decode(exp, 48, &out), NETIPC_OK,
         "HELLO_ACK decode");
  is_uint(out.layout_version, 1, "ACK decode: layout_version");
  is_uint(out.flags, 0x0C0D, "ACK decode: flags");
  is_uint(out.server_supported_profiles, 0x01010101u,
          "ACK decode: server_supported_profiles");
  is_uint(out.intersection_profiles, 0x02020202u,
          "ACK decode: intersection_profiles");
  is_uint(out.selected_profile, 0x03030303u, "ACK decode: selected_profile");
  is_uint(out.agreed_max_request_payload_bytes, 0x04040404u,
          "ACK decode: agreed request payload");
  is_uint(out.agreed_max_request_batch_items, 0x05050505u,
          "ACK decode: agreed request batch");
  is_uint(out.agreed_max_response_payload_bytes, 0x06060606u,
          "ACK decode: agreed response payload");
  is_uint(out.agreed_max_response_batch_items, 0x07070707u,
          "ACK decode: agreed response batch");
  is_uint(out.agreed_packet_size, 0x08080808u, "ACK decode: packet size");
  is_uint(out.reserved, 0x09090909u, "ACK decode: reserved");
  is_uint(out.session_id, 0x0A0B0C0D0E0F1011ull, "ACK decode: session_id");
  is_err(netipc_hello_ack_decode(exp, 47, &out), NETIPC_ERR_TRUNCATED,
         "HELLO_ACK decode 47 bytes: TRUNCATED");
  is_err(netipc_hello_ack_decode(NULL, 48, &out), NETIPC_ERR_INVALID_ARG,
         "HELLO_ACK decode NULL: INVALID_ARG");
}

static void
test_hello_message_example(void)
{
  netipc_hello h;
  uint8_t buf[96], exp[76];

  memset(&h, 0, sizeof h);
  h.layout_version = 1;
  h.supported_profiles = 0x03;
  h.preferred_profiles = 0x02;
  h.max_request_payload_bytes = 1024;
  h.max_request_batch_items = 1;
  h.max_response_payload_bytes = 65536;
  h.max_response_batch_items = 1;
  h.auth_token = TOKEN;
  h.packet_size = 212992;
  hello_packet(exp, &h);
  memset(buf, 0xA5, sizeof buf);
  is_err(netipc_hello_message_encode(&h, buf, sizeof buf), NETIPC_OK,
         "HELLO message encode");
  is_mem(buf, exp, 76, "HELLO message: header + payload in host order");
  if (host_is_le())
    is_mem(buf, hello_example_le, 76, "HELLO message equals wire.md 12 dump");
  else
    skip(1, "big-endian host");
  ok(buf[76] == 0xA5, "HELLO message is 76 bytes");
  is_err(netipc_hello_message_encode(&h, buf, 75), NETIPC_ERR_NOSPACE,
         "HELLO message cap 75: NOSPACE");
  is_err(netipc_hello_message_encode(NULL, buf, 76), NETIPC_ERR_INVALID_ARG,
         "HELLO message NULL: INVALID_ARG");
}

static void
test_hello_ack_message(void)
{
  netipc_hello_ack a = good_ack();
  uint8_t buf[96], exp[80];

  ack_packet(exp, NETIPC_STATUS_UNSUPPORTED, &a);
  memset(buf, 0xA5, sizeof buf);
  is_err(netipc_hello_ack_message_encode(&a, NETIPC_STATUS_UNSUPPORTED, buf,
                                         sizeof buf),
         NETIPC_OK, "HELLO_ACK message encode");
  is_mem(buf, exp, 80,
         "HELLO_ACK message: CONTROL/HELLO_ACK, status, payload_len 48, "
         "item_count 1, message_id 0");
  ok(buf[80] == 0xA5, "HELLO_ACK message is 80 bytes");
  is_err(netipc_hello_ack_message_encode(&a, 0, buf, 79), NETIPC_ERR_NOSPACE,
         "HELLO_ACK message cap 79: NOSPACE");
}

/* ---- server decision procedure (wire.md 9.3) -------------------------- */

static netipc_hello_action
run_negotiate(const uint8_t *pkt, size_t len,
              const netipc_server_hello_config *cfg, netipc_hello_ack *ack,
              uint16_t *status)
{
  memset(ack, 0xAA, sizeof *ack);
  *status = 0xBEEF;
  return netipc_hello_negotiate(pkt, len, cfg, SESSION, ack, status);
}

/* Three checks: REJECT, the status, and the all-zero rejection ack. */
static void
expect_reject(const uint8_t *pkt, size_t len,
              const netipc_server_hello_config *cfg, uint16_t want,
              const char *what)
{
  netipc_hello_ack ack;
  uint16_t status;
  netipc_hello_action act = run_negotiate(pkt, len, cfg, &ack, &status);
  is_int(act, NETIPC_HELLO_REJECT, "%s: REJECT", what);
  is_uint(status, want, "%s: status %u", what, (unsigned)want);
  ok(ack_is_rejection(&ack), "%s: ack is zero except layout_version 1",
     what);
}

static void
expect_drop(const uint8_t *pkt, size_t len,
            const netipc_server_hello_config *cfg, const char *what)
{
  netipc_hello_ack ack;
  uint16_t status;
  is_int(run_negotiate(pkt, len, cfg, &ack, &status), NETIPC_HELLO_DROP,
         "%s: DROP", what);
}

static void
expect_accept(const uint8_t *pkt, size_t len,
              const netipc_server_hello_config *cfg, netipc_hello_ack *ack,
              const char *what)
{
  uint16_t status;
  netipc_hello_action act = run_negotiate(pkt, len, cfg, ack, &status);
  ok(act == NETIPC_HELLO_ACCEPT && status == NETIPC_STATUS_OK,
     "%s: ACCEPT with status OK (got action %d status %u)", what, (int)act,
     (unsigned)status);
}

static void
test_negotiate_step2_version(void)
{
  netipc_server_hello_config cfg = server_cfg();
  netipc_hello h = client_hello();
  uint8_t pkt[76];

  hello_packet(pkt, &h);
  put16(pkt, 4, 2);
  expect_reject(pkt, 76, &cfg, NETIPC_STATUS_INCOMPATIBLE,
                "step 2: version 2 only");
  put16(pkt, 4, 0);
  expect_reject(pkt, 76, &cfg, NETIPC_STATUS_INCOMPATIBLE,
                "step 2: version 0 only");
  expect_reject(pkt, 32, &cfg, NETIPC_STATUS_INCOMPATIBLE,
                "step 2 before step 4: version 0, no payload");
  put32(pkt, 0, 0x4E495044u);
  expect_drop(pkt, 76, &cfg, "step 2: version and magic wrong");
  hello_packet(pkt, &h);
  put16(pkt, 4, 2);
  put16(pkt, 6, 31);
  expect_drop(pkt, 76, &cfg, "step 2: version and header_len wrong");
  hello_packet(pkt, &h);
  put16(pkt, 4, 2);
  put16(pkt, 8, NETIPC_KIND_REQUEST);
  expect_drop(pkt, 76, &cfg, "step 2: version wrong and kind REQUEST");
  hello_packet(pkt, &h);
  put16(pkt, 4, 2);
  put16(pkt, 12, NETIPC_CONTROL_HELLO_ACK);
  expect_drop(pkt, 76, &cfg, "step 2: version wrong and code HELLO_ACK");
}

static void
test_negotiate_step3_header(void)
{
  netipc_server_hello_config cfg = server_cfg();
  netipc_hello h = client_hello();
  uint8_t pkt[76];
  static const uint16_t bad_kinds[] = {0, 1, 2, 4};
  static const uint16_t bad_codes[] = {0, 2, 3};
  size_t i;

  hello_packet(pkt, &h);
  expect_drop(pkt, 31, &cfg, "step 3: 31-byte packet");
  expect_drop(pkt, 0, &cfg, "step 3: empty packet");
  put32(pkt, 0, NETIPC_CHUNK_MAGIC);
  expect_drop(pkt, 76, &cfg, "step 3: bad magic");
  hello_packet(pkt, &h);
  put16(pkt, 6, 33);
  expect_drop(pkt, 76, &cfg, "step 3: header_len 33");
  for (i = 0; i < sizeof bad_kinds / sizeof bad_kinds[0]; i++) {
    hello_packet(pkt, &h);
    put16(pkt, 8, bad_kinds[i]);
    expect_drop(pkt, 76, &cfg, bad_kinds[i] == 0   ? "step 3: kind 0"
                               : bad_kinds[i] == 1 ? "step 3: kind REQUEST"
                               : bad_kinds[i] == 2 ? "step 3: kind RESPONSE"
                                                   : "step 3: kind 4");
  }
  for (i = 0; i < sizeof bad_codes / sizeof bad_codes[0]; i++) {
    hello_packet(pkt, &h);
    put16(pkt, 12, bad_codes[i]);
    expect_drop(pkt, 76, &cfg, bad_codes[i] == 0   ? "step 3: code 0"
                               : bad_codes[i] == 2 ? "step 3: code HELLO_ACK"
                                                   : "step 3: code 3");
  }
}

static void
test_negotiate_step4_short(void)
{
  netipc_server_hello_config cfg = server_cfg();
  netipc_hello h = client_hello();
  netipc_hello_ack ack;
  uint8_t pkt[128];

  hello_packet(pkt, &h);
  expect_drop(pkt, 75, &cfg, "step 4: 43 payload bytes");
  expect_drop(pkt, 32, &cfg, "step 4: header only");
  h.layout_version = 2;
  hello_packet(pkt, &h);
  expect_drop(pkt, 75, &cfg, "step 4 before step 5: short and layout 2");
  h = client_hello();
  hello_packet(pkt, &h);
  put32(pkt, 16, 0);
  expect_accept(pkt, 76, &cfg, &ack,
                "payload_len field 0 with 44 bytes present (not checked)");
  hello_packet(pkt, &h);
  memset(pkt + 76, 0xEE, 52);
  expect_accept(pkt, 128, &cfg, &ack, "bytes after the HELLO payload");
}

static void
test_negotiate_step5_layout(void)
{
  netipc_server_hello_config cfg = server_cfg();
  netipc_hello h = client_hello();
  uint8_t pkt[76];

  h.layout_version = 2;
  hello_packet(pkt, &h);
  expect_reject(pkt, 76, &cfg, NETIPC_STATUS_INCOMPATIBLE, "step 5: layout 2");
  h.layout_version = 0;
  hello_packet(pkt, &h);
  expect_reject(pkt, 76, &cfg, NETIPC_STATUS_INCOMPATIBLE, "step 5: layout 0");
  h.layout_version = 2;
  h.reserved = 1;
  h.supported_profiles = 0;
  hello_packet(pkt, &h);
  expect_reject(pkt, 76, &cfg, NETIPC_STATUS_INCOMPATIBLE,
                "step 5 before step 6: layout 2 and reserved 1");
}

static void
test_negotiate_step6_reserved(void)
{
  netipc_server_hello_config cfg = server_cfg();
  netipc_hello h = client_hello();
  uint8_t pkt[76];

  h.reserved = 1;
  hello_packet(pkt, &h);
  expect_drop(pkt, 76, &cfg, "step 6: reserved 1");
  h.reserved = 0x80000000u;
  h.supported_profiles = 0x04;
  h.auth_token = 1;
  hello_packet(pkt, &h);
  expect_drop(pkt, 76, &cfg, "step 6 before step 7: reserved and no profile");
}

static void
test_negotiate_step7_profiles(void)
{
  netipc_server_hello_config cfg = server_cfg();
  netipc_hello h = client_hello();
  uint8_t pkt[76];

  h.supported_profiles = 0x04;
  hello_packet(pkt, &h);
  expect_reject(pkt, 76, &cfg, NETIPC_STATUS_UNSUPPORTED,
                "step 7: no common profile");
  h.supported_profiles = 0;
  hello_packet(pkt, &h);
  expect_reject(pkt, 76, &cfg, NETIPC_STATUS_UNSUPPORTED,
                "step 7: client supports nothing");
  h.supported_profiles = 0x08;
  h.auth_token = TOKEN ^ 1;
  hello_packet(pkt, &h);
  expect_reject(pkt, 76, &cfg, NETIPC_STATUS_UNSUPPORTED,
                "step 7 before step 8: no profile and wrong token");
  cfg.supported_profiles = 0;
  h = client_hello();
  h.supported_profiles = 0x02;
  hello_packet(pkt, &h);
  expect_reject(pkt, 76, &cfg, NETIPC_STATUS_UNSUPPORTED,
                "server set 0 means 0x01: client 0x02 has no common profile");
}

static void
test_negotiate_step8_auth(void)
{
  netipc_server_hello_config cfg = server_cfg();
  netipc_hello h = client_hello();
  uint8_t pkt[76];

  h.auth_token = TOKEN ^ 1;
  hello_packet(pkt, &h);
  expect_reject(pkt, 76, &cfg, NETIPC_STATUS_AUTH_FAILED,
                "step 8: token differs in bit 0");
  h.auth_token = TOKEN ^ 0x8000000000000000ull;
  hello_packet(pkt, &h);
  expect_reject(pkt, 76, &cfg, NETIPC_STATUS_AUTH_FAILED,
                "step 8: token differs in bit 63 (64-bit compare)");
  h.auth_token = TOKEN ^ 0x0000000100000000ull;
  h.max_request_payload_bytes = 0xFFFFFFFFu;
  h.packet_size = 0;
  hello_packet(pkt, &h);
  expect_reject(pkt, 76, &cfg, NETIPC_STATUS_AUTH_FAILED,
                "step 8 before steps 10-11: wrong token, limit, packet");
}

static void
test_negotiate_step10_limit(void)
{
  netipc_server_hello_config cfg = server_cfg();
  netipc_hello h = client_hello();
  netipc_hello_ack ack;
  uint8_t pkt[76];

  h.max_request_payload_bytes = 4097;
  hello_packet(pkt, &h);
  expect_reject(pkt, 76, &cfg, NETIPC_STATUS_LIMIT_EXCEEDED,
                "step 10: request payload 4097 > RQmax 4096");
  h.max_request_payload_bytes = 0xFFFFFFFFu;
  h.packet_size = 32;
  hello_packet(pkt, &h);
  expect_reject(pkt, 76, &cfg, NETIPC_STATUS_LIMIT_EXCEEDED,
                "step 10 before step 11: over limit and packet 32");
  h = client_hello();
  h.max_request_payload_bytes = 4096;
  hello_packet(pkt, &h);
  expect_accept(pkt, 76, &cfg, &ack, "request payload == RQmax");
  is_uint(ack.agreed_max_request_payload_bytes, 4096,
          "request payload == RQmax: agreed unchanged");
}

static void
test_negotiate_step11_packet(void)
{
  netipc_server_hello_config cfg = server_cfg();
  netipc_hello h = client_hello();
  netipc_hello_ack ack;
  uint8_t pkt[76];

  h.packet_size = 32;
  hello_packet(pkt, &h);
  expect_reject(pkt, 76, &cfg, NETIPC_STATUS_INCOMPATIBLE,
                "step 11: client packet 32");
  h.packet_size = 0;
  hello_packet(pkt, &h);
  expect_reject(pkt, 76, &cfg, NETIPC_STATUS_INCOMPATIBLE,
                "step 11: client packet 0");
  h.packet_size = 33;
  hello_packet(pkt, &h);
  expect_accept(pkt, 76, &cfg, &ack, "client packet 33");
  is_uint(ack.agreed_packet_size, 33, "client packet 33: agreed 33");
  h = client_hello();
  hello_packet(pkt, &h);
  cfg.packet_size = 32;
  expect_reject(pkt, 76, &cfg, NETIPC_STATUS_INCOMPATIBLE,
                "step 11: server packet 32");
}

static void
test_negotiate_success(void)
{
  netipc_server_hello_config cfg = server_cfg();
  netipc_hello h = client_hello();
  netipc_hello_ack ack;
  uint8_t pkt[76];

  hello_packet(pkt, &h);
  expect_accept(pkt, 76, &cfg, &ack, "good HELLO");
  is_uint(ack.layout_version, 1, "ok ack: layout_version 1");
  is_uint(ack.flags, 0, "ok ack: flags 0");
  is_uint(ack.server_supported_profiles, 0x03, "ok ack: S");
  is_uint(ack.intersection_profiles, 0x03, "ok ack: I");
  is_uint(ack.selected_profile, 0x02, "ok ack: selected per 9.4");
  is_uint(ack.agreed_max_request_payload_bytes, 2048,
          "ok ack: request payload = client proposal");
  is_uint(ack.agreed_max_request_batch_items, 77,
          "ok ack: request batch = client proposal");
  is_uint(ack.agreed_max_response_payload_bytes, 65536,
          "ok ack: response payload = RSmax, client hint ignored");
  is_uint(ack.agreed_max_response_batch_items, 77,
          "ok ack: response batch = client's request batch");
  is_uint(ack.agreed_packet_size, 32768, "ok ack: min(65536, Ps 32768)");
  is_uint(ack.reserved, 0, "ok ack: reserved 0");
  is_uint(ack.session_id, SESSION, "ok ack: session_id unchanged");

  h.packet_size = 4096;
  h.max_response_payload_bytes = 0xFFFFFFFFu;
  h.preferred_profiles = 0;
  cfg.preferred_profiles = 0;
  hello_packet(pkt, &h);
  expect_accept(pkt, 76, &cfg, &ack, "client packet below Ps");
  is_uint(ack.agreed_packet_size, 4096, "agreed packet = client's 4096");
  is_uint(ack.agreed_max_response_payload_bytes, 65536,
          "larger client response hint also ignored");
  is_uint(ack.selected_profile, 0x02, "no preference: highest common bit");

  h = client_hello();
  h.flags = 0xFFFF;
  hello_packet(pkt, &h);
  put16(pkt, 10, 0xFFFF);
  put16(pkt, 14, 9);
  put32(pkt, 20, 0);
  put64(pkt, 24, 55);
  expect_accept(pkt, 76, &cfg, &ack,
                "HELLO flags, header flags/status/item_count/message_id "
                "not checked");

  cfg = server_cfg();
  cfg.supported_profiles = 0;
  cfg.preferred_profiles = 0;
  h = client_hello();
  hello_packet(pkt, &h);
  expect_accept(pkt, 76, &cfg, &ack, "server supported 0");
  ok(ack.server_supported_profiles == 0x01 &&
         ack.intersection_profiles == 0x01 && ack.selected_profile == 0x01,
     "server supported 0 is treated as 0x01");
}

static void
test_profile_select(void)
{
  is_uint(netipc_profile_select(0x03, 0x02, 0x02), 0x02,
          "both prefer SHM: 0x02");
  is_uint(netipc_profile_select(0x03, 0, 0), 0x02,
          "no preference: highest bit of I (SHM wins)");
  is_uint(netipc_profile_select(0x03, 0x01, 0x01), 0x01,
          "both prefer UDS: 0x01");
  is_uint(netipc_profile_select(0x03, 0x01, 0x02), 0x02,
          "preferences disagree: highest bit of I");
  is_uint(netipc_profile_select(0x07, 0x05, 0x07), 0x04,
          "highest bit of I & CP & SP");
  is_uint(netipc_profile_select(0x01, 0x02, 0x02), 0x01,
          "preference outside I ignored");
  is_uint(netipc_profile_select(0x0F, 0x0F, 0x01), 0x01,
          "server preference restricts");
  is_uint(netipc_profile_select(0x80000001u, 0, 0), 0x80000000u,
          "bit 31 is the highest");
  is_uint(netipc_profile_select(0, 0xFF, 0xFF), 0, "empty I: 0");
}

/* ---- netipc extensions (doc/extensions.md) ---------------------------- */

/* The echo: HELLO flags AND what the server implements, on ACCEPT only. */
static void
test_negotiate_extension_echo(void)
{
  static const struct {
    uint16_t hello_flags, server_flags, want;
    const char *what;
  } cases[] = {
      {0x0000, NETIPC_HELLO_FLAG_EXTENSIONS, 0x0000, "reference client"},
      {NETIPC_HELLO_FLAG_EXTENSIONS, NETIPC_HELLO_FLAG_EXTENSIONS,
       NETIPC_HELLO_FLAG_EXTENSIONS, "netipc client, netipc server"},
      {NETIPC_HELLO_FLAG_EXTENSIONS, 0x0000, 0x0000, "plain server"},
      {0xFFFF, NETIPC_HELLO_FLAG_EXTENSIONS, NETIPC_HELLO_FLAG_EXTENSIONS,
       "unknown client bits are never echoed"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    netipc_server_hello_config cfg = server_cfg();
    cfg.extension_flags = cases[i].server_flags;
    netipc_hello h = client_hello();
    h.flags = cases[i].hello_flags;
    uint8_t pkt[76];
    netipc_hello_ack ack;
    hello_packet(pkt, &h);
    expect_accept(pkt, 76, &cfg, &ack, cases[i].what);
    is_uint(ack.flags, cases[i].want, "%s: HELLO_ACK flags 0x%x",
            cases[i].what, cases[i].want);
  }
}

/* The client accepts exactly the bits it offered. */
static void
test_ack_process_flags(void)
{
  uint8_t pkt[80];
  netipc_hello_ack a = good_ack(), out;
  a.flags = NETIPC_HELLO_FLAG_EXTENSIONS;
  ack_packet(pkt, 0, &a);
  is_err(netipc_hello_ack_process_flags(pkt, 80, 0x03,
                                        NETIPC_HELLO_FLAG_EXTENSIONS, &out),
         NETIPC_OK, "an echo of the offered bit is accepted");
  is_err(netipc_hello_ack_process(pkt, 80, 0x03, &out), NETIPC_ERR_PROTOCOL,
         "the same ack without an offer is PROTOCOL (wire.md 9.6)");
  a.flags = 0x0002;
  ack_packet(pkt, 0, &a);
  is_err(netipc_hello_ack_process_flags(pkt, 80, 0x03,
                                        NETIPC_HELLO_FLAG_EXTENSIONS, &out),
         NETIPC_ERR_PROTOCOL, "a bit that was not offered is PROTOCOL");
}

/* ---- client HELLO_ACK processing (wire.md 9.6) ------------------------ */

static netipc_err
process_patched(uint16_t status, size_t len, size_t off, int width,
                uint32_t value)
{
  uint8_t pkt[80];
  netipc_hello_ack a = good_ack(), out;
  ack_packet(pkt, status, &a);
  if (width == 16)
    put16(pkt, off, (uint16_t)value);
  else if (width == 32)
    put32(pkt, off, value);
  return netipc_hello_ack_process(pkt, len, 0x03, &out);
}

static void
test_ack_process_ok(void)
{
  uint8_t pkt[80];
  netipc_hello_ack a = good_ack(), out;

  ack_packet(pkt, 0, &a);
  memset(&out, 0, sizeof out);
  is_err(netipc_hello_ack_process(pkt, 80, 0x03, &out), NETIPC_OK,
         "good HELLO_ACK accepted");
  ok(ack_equal(&out, &a), "every agreed value returned");
  is_err(process_patched(0, 80, 32 + 36, 32, 0xFFFFFFFFu), NETIPC_OK,
         "reserved word at offset 36 not checked");
  is_err(process_patched(0, 80, 32 + 32, 32, 33), NETIPC_OK,
         "agreed_packet_size 33 accepted");
  is_err(process_patched(0, 80, 32 + 12, 32, 0x01), NETIPC_OK,
         "selected 0x01 (in supported 0x03) accepted");
  is_err(netipc_hello_ack_process(NULL, 80, 0x03, &out),
         NETIPC_ERR_INVALID_ARG, "NULL packet: INVALID_ARG");
}

static void
test_ack_process_status(void)
{
  is_err(process_patched(NETIPC_STATUS_AUTH_FAILED, 80, 0, 0, 0),
         NETIPC_ERR_AUTH_FAILED, "status AUTH_FAILED");
  is_err(process_patched(NETIPC_STATUS_UNSUPPORTED, 80, 0, 0, 0),
         NETIPC_ERR_NO_PROFILE, "status UNSUPPORTED: NO_PROFILE");
  is_err(process_patched(NETIPC_STATUS_INCOMPATIBLE, 80, 0, 0, 0),
         NETIPC_ERR_INCOMPATIBLE, "status INCOMPATIBLE");
  is_err(process_patched(NETIPC_STATUS_LIMIT_EXCEEDED, 80, 0, 0, 0),
         NETIPC_ERR_LIMIT_EXCEEDED, "status LIMIT_EXCEEDED");
  is_err(process_patched(NETIPC_STATUS_BAD_ENVELOPE, 80, 0, 0, 0),
         NETIPC_ERR_HANDSHAKE, "status BAD_ENVELOPE: HANDSHAKE");
  is_err(process_patched(NETIPC_STATUS_INTERNAL_ERROR, 80, 0, 0, 0),
         NETIPC_ERR_HANDSHAKE, "status INTERNAL_ERROR: HANDSHAKE");
  is_err(process_patched(0xFFFF, 80, 0, 0, 0), NETIPC_ERR_HANDSHAKE,
         "status 0xFFFF: HANDSHAKE");
  is_err(process_patched(NETIPC_STATUS_AUTH_FAILED, 32, 0, 0, 0),
         NETIPC_ERR_AUTH_FAILED, "status mapped before the payload (none)");
  is_err(process_patched(NETIPC_STATUS_LIMIT_EXCEEDED, 80, 32, 16, 2),
         NETIPC_ERR_LIMIT_EXCEEDED, "status mapped before layout check");
}

static void
test_ack_process_payload(void)
{
  is_err(process_patched(0, 79, 0, 0, 0), NETIPC_ERR_PROTOCOL,
         "47 payload bytes: PROTOCOL");
  is_err(process_patched(0, 32, 0, 0, 0), NETIPC_ERR_PROTOCOL,
         "OK status without payload: PROTOCOL");
  is_err(process_patched(0, 80, 32, 16, 2), NETIPC_ERR_INCOMPATIBLE,
         "layout_version 2: INCOMPATIBLE");
  is_err(process_patched(0, 80, 32, 16, 0), NETIPC_ERR_INCOMPATIBLE,
         "layout_version 0: INCOMPATIBLE");
  is_err(process_patched(0, 80, 34, 16, 1), NETIPC_ERR_PROTOCOL,
         "flags 1: PROTOCOL");
  {
    uint8_t pkt[80];
    netipc_hello_ack a = good_ack(), out;
    a.layout_version = 2;
    a.flags = 1;
    a.agreed_packet_size = 0;
    ack_packet(pkt, 0, &a);
    is_err(netipc_hello_ack_process(pkt, 80, 0x03, &out),
           NETIPC_ERR_INCOMPATIBLE, "layout checked before flags/packet");
  }
  is_err(process_patched(0, 80, 32 + 32, 32, 32), NETIPC_ERR_PROTOCOL,
         "agreed_packet_size 32: PROTOCOL");
  is_err(process_patched(0, 80, 32 + 32, 32, 0), NETIPC_ERR_PROTOCOL,
         "agreed_packet_size 0: PROTOCOL");
  ok(process_patched(0, 80, 32 + 12, 32, 0x03) != NETIPC_OK,
     "selected_profile with two bits rejected");
  ok(process_patched(0, 80, 32 + 12, 32, 0) != NETIPC_OK,
     "selected_profile 0 rejected");
  ok(process_patched(0, 80, 32 + 12, 32, 0x04) != NETIPC_OK,
     "selected_profile outside the client's set rejected");
}

static void
test_ack_process_header(void)
{
  is_err(process_patched(0, 80, 8, 16, NETIPC_KIND_REQUEST),
         NETIPC_ERR_PROTOCOL, "kind REQUEST: PROTOCOL");
  is_err(process_patched(0, 80, 8, 16, NETIPC_KIND_RESPONSE),
         NETIPC_ERR_PROTOCOL, "kind RESPONSE: PROTOCOL");
  is_err(process_patched(0, 80, 8, 16, 4), NETIPC_ERR_PROTOCOL,
         "kind 4: PROTOCOL");
  is_err(process_patched(0, 80, 12, 16, NETIPC_CONTROL_HELLO),
         NETIPC_ERR_PROTOCOL, "code HELLO: PROTOCOL");
  is_err(process_patched(0, 80, 4, 16, 2), NETIPC_ERR_INCOMPATIBLE,
         "version 2 with the right magic: INCOMPATIBLE");
  is_err(process_patched(NETIPC_STATUS_AUTH_FAILED, 80, 4, 16, 2),
         NETIPC_ERR_INCOMPATIBLE, "version checked before the status");
  is_err(process_patched(0, 80, 0, 32, NETIPC_CHUNK_MAGIC),
         NETIPC_ERR_PROTOCOL, "bad magic: PROTOCOL");
  is_err(process_patched(0, 80, 6, 16, 31), NETIPC_ERR_PROTOCOL,
         "header_len 31: PROTOCOL");
  is_err(process_patched(0, 31, 0, 0, 0), NETIPC_ERR_PROTOCOL,
         "31-byte packet: PROTOCOL");
}

/* negotiate -> ack message -> process, with the library on both sides. */
static void
round_trip(const netipc_hello *h, netipc_err want, const char *what)
{
  netipc_server_hello_config cfg = server_cfg();
  netipc_hello_ack ack, got;
  uint16_t status = 0xBEEF;
  uint8_t hello[NETIPC_HELLO_MSG_LEN], reply[NETIPC_HELLO_ACK_MSG_LEN];
  netipc_hello_action act;
  netipc_err e;

  netipc_hello_message_encode(h, hello, sizeof hello);
  act = netipc_hello_negotiate(hello, sizeof hello, &cfg, 42, &ack, &status);
  ok(act == (want == NETIPC_OK ? NETIPC_HELLO_ACCEPT : NETIPC_HELLO_REJECT),
     "%s: server action %d", what, (int)act);
  netipc_hello_ack_message_encode(&ack, status, reply, sizeof reply);
  memset(&got, 0, sizeof got);
  e = netipc_hello_ack_process(reply, sizeof reply, h->supported_profiles,
                               &got);
  is_err(e, want, "%s: client result", what);
  if (want == NETIPC_OK)
    ok(ack_equal(&got, &ack) && got.session_id == 42,
       "%s: client sees the server's values", what);
}

static void
test_round_trip(void)
{
  netipc_hello h = client_hello();
  round_trip(&h, NETIPC_OK, "round trip ok");
  h.auth_token = 0;
  round_trip(&h, NETIPC_ERR_AUTH_FAILED, "round trip wrong token");
  h = client_hello();
  h.supported_profiles = 0x04;
  round_trip(&h, NETIPC_ERR_NO_PROFILE, "round trip no profile");
  h = client_hello();
  h.max_request_payload_bytes = 1u << 20;
  round_trip(&h, NETIPC_ERR_LIMIT_EXCEEDED, "round trip over RQmax");
  h = client_hello();
  h.layout_version = 3;
  round_trip(&h, NETIPC_ERR_INCOMPATIBLE, "round trip layout 3");
}

int
main(void)
{
  plan(PLAN);
  test_negotiate_extension_echo();
  test_ack_process_flags();
  test_hello_payload();
  test_hello_ack_payload();
  test_hello_message_example();
  test_hello_ack_message();
  test_negotiate_step2_version();
  test_negotiate_step3_header();
  test_negotiate_step4_short();
  test_negotiate_step5_layout();
  test_negotiate_step6_reserved();
  test_negotiate_step7_profiles();
  test_negotiate_step8_auth();
  test_negotiate_step10_limit();
  test_negotiate_step11_packet();
  test_negotiate_success();
  test_profile_select();
  test_ack_process_ok();
  test_ack_process_status();
  test_ack_process_payload();
  test_ack_process_header();
  test_round_trip();
  return exit_status();
}
