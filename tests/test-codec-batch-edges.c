/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-codec-batch-edges.c - the argument checks and size bounds of the
 * batch, cgroups, chunk and handshake codecs that the topic tests do not
 * reach: NULL arguments (a missing check would crash the test, so each
 * one is a real check), sticky errors, and the 4 GiB payload bound, which
 * is tested with a capacity the buffer does not really have: the codec
 * must refuse before it touches the bytes past the real buffer.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <string.h>

#include <netipc/codec.h>
#include <netipc/lookup.h>

#include "bytes.h"
#include "tap.h"

#define PLAN 99

/* A capacity far larger than any real buffer (see the file comment). */
#define HUGE_CAP SIZE_MAX
/* One past the largest payload an outer header can carry. */
#define OVER_PAYLOAD ((size_t)NETIPC_MAX_PAYLOAD_LEN + 1)

static void
test_batch_args(void)
{
  uint8_t buf[64];
  netipc_batch_builder b;
  void *where = NULL;
  uint32_t plen = 0, count = 0;

  is_err(netipc_batch_builder_init(&b, buf, sizeof buf, 2), NETIPC_OK,
         "batch init");
  is_err(netipc_batch_builder_add(NULL, "x", 1), NETIPC_ERR_INVALID_ARG,
         "add: NULL builder");
  is_err(netipc_batch_builder_add(&b, NULL, 1), NETIPC_ERR_INVALID_ARG,
         "add: NULL item with a length");
  is_err(netipc_batch_builder_reserve(NULL, 8, &where),
         NETIPC_ERR_INVALID_ARG, "reserve: NULL builder");
  is_err(netipc_batch_builder_reserve(&b, 8, NULL), NETIPC_ERR_INVALID_ARG,
         "reserve: NULL where");
  is_err(netipc_batch_builder_commit(NULL, 0), NETIPC_ERR_INVALID_ARG,
         "commit: NULL builder");
  is_err(netipc_batch_builder_finish(NULL, &plen, &count),
         NETIPC_ERR_INVALID_ARG, "finish: NULL builder");
  is_err(netipc_batch_builder_finish(&b, NULL, &count),
         NETIPC_ERR_INVALID_ARG, "finish: NULL payload_len");
  is_err(netipc_batch_builder_finish(&b, &plen, NULL),
         NETIPC_ERR_INVALID_ARG, "finish: NULL item_count");
  is_uint(netipc_batch_builder_room(NULL), 0, "room of NULL is 0");

  /* A pending reserve blocks add, room and finish until committed. */
  is_err(netipc_batch_builder_reserve(&b, 8, &where), NETIPC_OK, "reserve");
  is_uint(netipc_batch_builder_room(&b), 0, "no room while pending");
  is_err(netipc_batch_builder_add(&b, "x", 1), NETIPC_ERR_INVALID_ARG,
         "add while pending");
  is_err(netipc_batch_builder_finish(&b, &plen, &count),
         NETIPC_ERR_INVALID_ARG, "finish while pending");
  is_err(netipc_batch_builder_commit(&b, 3), NETIPC_OK, "commit 3");
  ok(netipc_batch_builder_room(&b) > 0, "room again after the commit");

  /* Full directory: no room, and the next add overflows (sticky). */
  is_err(netipc_batch_builder_add(&b, "yz", 2), NETIPC_OK, "second item");
  is_uint(netipc_batch_builder_room(&b), 0, "no room with all slots used");
  is_err(netipc_batch_builder_add(&b, "w", 1), NETIPC_ERR_OVERFLOW,
         "third item of two: OVERFLOW");
  is_uint(netipc_batch_builder_room(&b), 0, "no room after an error");
  is_err(netipc_batch_builder_reserve(&b, 1, &where), NETIPC_ERR_OVERFLOW,
         "the error is sticky for reserve");
}

/* The used area is measured in 64 bits: a 4 GiB item is TOO_LARGE. */
static void
test_batch_too_large(void)
{
  uint8_t buf[NETIPC_DIR_ENTRY_LEN];
  netipc_batch_builder b;
  void *where = NULL;
  uint32_t plen = 0, count = 0;

  memset(buf, 0xA5, sizeof buf);
  is_err(netipc_batch_builder_init(&b, buf, HUGE_CAP, 1), NETIPC_OK,
         "init with a huge capacity");
  is_err(netipc_batch_builder_reserve(&b, UINT32_MAX, &where), NETIPC_OK,
         "reserve 4 GiB - 1");
  is_err(netipc_batch_builder_commit(&b, UINT32_MAX), NETIPC_OK,
         "commit 4 GiB - 1");
  is_err(netipc_batch_builder_finish(&b, &plen, &count),
         NETIPC_ERR_TOO_LARGE, "finish: directory + item over the limit");
  is_uint(plen, 0, "finish: payload_len untouched");

  netipc_batch_view v;
  is_err(netipc_batch_decode(buf, OVER_PAYLOAD, 1, &v), NETIPC_ERR_TOO_LARGE,
         "decode: payload_len over the limit");
}

static void
test_batch_view_args(void)
{
  uint8_t buf[32] = {0};
  netipc_batch_view v;
  const void *item = NULL;
  uint32_t len = 0;

  put32(buf, 0, 0);
  put32(buf, 4, 1);
  is_err(netipc_batch_decode(buf, 16, 1, &v), NETIPC_OK, "decode one item");
  is_err(netipc_batch_item(NULL, 0, &item, &len), NETIPC_ERR_INVALID_ARG,
         "item: NULL view");
  is_err(netipc_batch_item(&v, 0, NULL, &len), NETIPC_ERR_INVALID_ARG,
         "item: NULL item");
  is_err(netipc_batch_item(&v, 0, &item, NULL), NETIPC_ERR_INVALID_ARG,
         "item: NULL len");
  is_err(netipc_batch_item(&v, 0, &item, &len), NETIPC_OK, "item 0");
  ok(item == buf + 8 && len == 1, "item 0 is the byte after the directory");
}

static void
test_cgroups_edges(void)
{
  uint8_t buf[256];
  netipc_cgroups_builder b;
  size_t n = 7;

  is_err(netipc_cgroups_req_encode(buf, sizeof buf, NULL),
         NETIPC_ERR_INVALID_ARG, "req_encode: NULL out_len");
  is_err(netipc_cgroups_req_encode(NULL, sizeof buf, &n),
         NETIPC_ERR_INVALID_ARG, "req_encode: NULL buffer");

  is_err(netipc_cgroups_builder_init(&b, buf, sizeof buf, 2, 0, 1), NETIPC_OK,
         "cgroups init");
  is_err(netipc_cgroups_builder_add(&b, 1, 0, 1, "a", 1, NULL, 1),
         NETIPC_ERR_INVALID_ARG, "add: NULL path with a length");
  is_err(netipc_cgroups_builder_add(&b, 1, 0, 1, NULL, 1, "p", 1),
         NETIPC_ERR_INVALID_ARG, "add: NULL name with a length");
  is_err(netipc_cgroups_builder_add(NULL, 1, 0, 1, "a", 1, "p", 1),
         NETIPC_ERR_INVALID_ARG, "add: NULL builder");
  is_err(netipc_cgroups_builder_finish(&b, NULL), NETIPC_ERR_INVALID_ARG,
         "finish: NULL out_len");
  is_err(netipc_cgroups_builder_finish(NULL, &n), NETIPC_ERR_INVALID_ARG,
         "finish: NULL builder");
  is_err(netipc_cgroups_builder_add(&b, 1, 0, 1, "a", 1, NULL, 0), NETIPC_OK,
         "add with an empty NULL path");
  is_err(netipc_cgroups_builder_finish(&b, &n), NETIPC_OK, "finish");

  /* Default max_items from a huge capacity saturates at UINT32_MAX. */
  is_err(netipc_cgroups_builder_init(&b, buf, HUGE_CAP, 0, 0, 1), NETIPC_OK,
         "init: default max_items, huge capacity");
  is_uint(b.max_items, UINT32_MAX, "default max_items saturates");

  /* A 4 GiB name: the item would not fit a payload; OVERFLOW before any
   * byte of the (short) name is read. */
  static const char shortname[] = "n";
  is_err(netipc_cgroups_builder_init(&b, buf, HUGE_CAP, 1, 0, 1), NETIPC_OK,
         "init: one item, huge capacity");
  is_err(netipc_cgroups_builder_add(&b, 1, 0, 1, shortname,
                                    (size_t)UINT32_MAX + 1, "p", 1),
         NETIPC_ERR_OVERFLOW, "add: item over the 4 GiB payload bound");
  is_uint(b.count, 0, "nothing added");
  is_err(netipc_cgroups_builder_finish(&b, &n), NETIPC_ERR_OVERFLOW,
         "the overflow is sticky for finish");

  netipc_cgroups_view v = {0};
  netipc_cgroups_item_view it;
  v.item_count = 1;
  is_err(netipc_cgroups_view_item(&v, 0, &it), NETIPC_ERR_INVALID_ARG,
         "view_item: view without payload");
  is_err(netipc_cgroups_view_item(NULL, 0, &it), NETIPC_ERR_INVALID_ARG,
         "view_item: NULL view");
}

static void
test_chunk_edges(void)
{
  enum { PACKET = 64, PER_CHUNK = PACKET - NETIPC_HEADER_LEN };
  netipc_header first;
  netipc_chunk_header c;
  uint32_t payload = 2 * PER_CHUNK;

  netipc_header_init(&first, NETIPC_KIND_REQUEST, 1, 9);
  first.payload_len = payload;
  netipc_chunk_header_init(&c, 9, NETIPC_HEADER_LEN + payload, 1,
                           netipc_chunk_count(payload, PACKET), PER_CHUNK);
  is_err(netipc_chunk_check(&first, PER_CHUNK, PACKET, &c, 1,
                            NETIPC_HEADER_LEN + PER_CHUNK, PER_CHUNK),
         NETIPC_OK, "a valid continuation passes");
  is_err(netipc_chunk_check(NULL, PER_CHUNK, PACKET, &c, 1, PACKET, 0),
         NETIPC_ERR_INVALID_ARG, "NULL first header");
  is_err(netipc_chunk_check(&first, PER_CHUNK, PACKET, NULL, 1, PACKET, 0),
         NETIPC_ERR_INVALID_ARG, "NULL chunk header");
  is_err(netipc_chunk_check(&first, PER_CHUNK, NETIPC_HEADER_LEN, &c, 1,
                            PACKET, 0),
         NETIPC_ERR_INVALID_ARG, "packet size of a bare header");
  is_err(netipc_chunk_check(&first, payload, PACKET, &c, 1,
                            NETIPC_HEADER_LEN + PER_CHUNK, PER_CHUNK),
         NETIPC_ERR_BAD_CHUNK, "a message whole in its first packet");
  is_err(netipc_chunk_check(&first, PER_CHUNK, PACKET, &c, 0,
                            NETIPC_HEADER_LEN + PER_CHUNK, PER_CHUNK),
         NETIPC_ERR_BAD_CHUNK, "index 0 is never a continuation");
  c.chunk_payload_len = PER_CHUNK + 1;
  is_err(netipc_chunk_check(&first, PER_CHUNK, PACKET, &c, 1,
                            NETIPC_HEADER_LEN + PER_CHUNK + 1, PER_CHUNK),
         NETIPC_ERR_BAD_CHUNK, "chunk payload over the packet size");
  c.chunk_payload_len = 0;
  is_err(netipc_chunk_check(&first, PER_CHUNK, PACKET, &c, 1,
                            NETIPC_HEADER_LEN, PER_CHUNK),
         NETIPC_ERR_BAD_CHUNK, "empty chunk payload");
}

static void
test_hello_edges(void)
{
  uint8_t buf[NETIPC_HEADER_LEN + NETIPC_HELLO_ACK_LEN];
  netipc_hello_ack ack;
  netipc_server_hello_config cfg;
  uint16_t status = 0;

  memset(&ack, 0, sizeof ack);
  memset(&cfg, 0, sizeof cfg);
  is_err(netipc_hello_ack_message_encode(NULL, 0, buf, sizeof buf),
         NETIPC_ERR_INVALID_ARG, "ack message: NULL ack");
  is_err(netipc_hello_ack_message_encode(&ack, 0, NULL, sizeof buf),
         NETIPC_ERR_INVALID_ARG, "ack message: NULL buffer");

  memset(buf, 0, sizeof buf);
  is_int(netipc_hello_negotiate(buf, sizeof buf, &cfg, 1, NULL, &status),
         NETIPC_HELLO_DROP, "negotiate: NULL ack drops");
  is_int(netipc_hello_negotiate(buf, sizeof buf, &cfg, 1, &ack, NULL),
         NETIPC_HELLO_DROP, "negotiate: NULL status drops");
  status = 0xFFFF;
  is_int(netipc_hello_negotiate(NULL, sizeof buf, &cfg, 1, &ack, &status),
         NETIPC_HELLO_DROP, "negotiate: NULL packet drops");
  is_uint(status, NETIPC_STATUS_OK, "status reset before the drop");
  is_int(netipc_hello_negotiate(buf, sizeof buf, NULL, 1, &ack, &status),
         NETIPC_HELLO_DROP, "negotiate: NULL config drops");
  is_uint(ack.layout_version, NETIPC_LAYOUT_VERSION,
          "the ack is reset to layout 1 before the drop");

  /* Highest common bit of both preferences, else of the intersection. */
  is_uint(netipc_profile_select(0, 0, 0), 0, "empty intersection: none");
  is_uint(netipc_profile_select(0x5, 0x2, 0x2), 0x4,
          "no preferred in the intersection: its highest bit");
  is_uint(netipc_profile_select(0x7, 0x3, 0x6), 0x2,
          "the highest bit both prefer");
}

/* The NULL checks of every encoder and decoder not covered above. */
static void
test_null_args(void)
{
  uint8_t buf[128];
  size_t n = 0;
  netipc_batch_view bv;
  netipc_cgroups_builder cb;
  netipc_cgroups_view cv;
  netipc_chunk_header ch;
  netipc_hello hello;
  netipc_hello_ack ack;

  memset(buf, 0, sizeof buf);
  memset(&ch, 0, sizeof ch);
  memset(&hello, 0, sizeof hello);
  memset(&ack, 0, sizeof ack);
  is_err(netipc_batch_decode(NULL, 16, 1, &bv), NETIPC_ERR_INVALID_ARG,
         "batch_decode: NULL payload");
  is_err(netipc_batch_decode(buf, 16, 1, NULL), NETIPC_ERR_INVALID_ARG,
         "batch_decode: NULL out");
  is_err(netipc_cgroups_builder_init(NULL, buf, sizeof buf, 1, 0, 0),
         NETIPC_ERR_INVALID_ARG, "cgroups init: NULL builder");
  is_err(netipc_cgroups_builder_init(&cb, NULL, sizeof buf, 1, 0, 0),
         NETIPC_ERR_INVALID_ARG, "cgroups init: NULL buffer");
  is_err(netipc_cgroups_view_decode(NULL, sizeof buf, &cv),
         NETIPC_ERR_INVALID_ARG, "cgroups view_decode: NULL payload");
  is_err(netipc_cgroups_view_decode(buf, sizeof buf, NULL),
         NETIPC_ERR_INVALID_ARG, "cgroups view_decode: NULL out");
  cv.payload = buf;
  cv.payload_len = sizeof buf;
  cv.item_count = 1;
  is_err(netipc_cgroups_view_item(&cv, 0, NULL), NETIPC_ERR_INVALID_ARG,
         "cgroups view_item: NULL item");
  is_err(netipc_chunk_header_encode(NULL, buf, sizeof buf),
         NETIPC_ERR_INVALID_ARG, "chunk encode: NULL header");
  is_err(netipc_chunk_header_encode(&ch, NULL, sizeof buf),
         NETIPC_ERR_INVALID_ARG, "chunk encode: NULL buffer");
  is_err(netipc_chunk_header_decode(NULL, sizeof buf, &ch),
         NETIPC_ERR_INVALID_ARG, "chunk decode: NULL buffer");
  is_err(netipc_chunk_header_decode(buf, sizeof buf, NULL),
         NETIPC_ERR_INVALID_ARG, "chunk decode: NULL out");
  is_err(netipc_hello_encode(NULL, buf, sizeof buf), NETIPC_ERR_INVALID_ARG,
         "hello encode: NULL hello");
  is_err(netipc_hello_encode(&hello, NULL, sizeof buf),
         NETIPC_ERR_INVALID_ARG, "hello encode: NULL buffer");
  is_err(netipc_hello_decode(NULL, sizeof buf, &hello),
         NETIPC_ERR_INVALID_ARG, "hello decode: NULL buffer");
  is_err(netipc_hello_decode(buf, sizeof buf, NULL), NETIPC_ERR_INVALID_ARG,
         "hello decode: NULL out");
  is_err(netipc_hello_ack_encode(NULL, buf, sizeof buf),
         NETIPC_ERR_INVALID_ARG, "ack encode: NULL ack");
  is_err(netipc_hello_ack_encode(&ack, NULL, sizeof buf),
         NETIPC_ERR_INVALID_ARG, "ack encode: NULL buffer");
  is_err(netipc_hello_ack_decode(NULL, sizeof buf, &ack),
         NETIPC_ERR_INVALID_ARG, "ack decode: NULL buffer");
  is_err(netipc_hello_ack_decode(buf, sizeof buf, NULL),
         NETIPC_ERR_INVALID_ARG, "ack decode: NULL out");
  is_err(netipc_hello_message_encode(NULL, buf, sizeof buf),
         NETIPC_ERR_INVALID_ARG, "hello message: NULL hello");
  is_err(netipc_hello_message_encode(&hello, NULL, sizeof buf),
         NETIPC_ERR_INVALID_ARG, "hello message: NULL buffer");
  is_err(netipc_hello_ack_process_flags(NULL, sizeof buf, 1, 0, &ack),
         NETIPC_ERR_INVALID_ARG, "ack process: NULL packet");
  is_err(netipc_hello_ack_process_flags(buf, sizeof buf, 1, 0, NULL),
         NETIPC_ERR_INVALID_ARG, "ack process: NULL ack");
  is_err(netipc_increment_encode(1, NULL, sizeof buf, &n),
         NETIPC_ERR_INVALID_ARG, "increment: NULL buffer");
  is_err(netipc_increment_encode(1, buf, sizeof buf, NULL),
         NETIPC_ERR_INVALID_ARG, "increment: NULL out_len");
  is_err(netipc_string_reverse_encode("ab", 2, NULL, sizeof buf, &n),
         NETIPC_ERR_INVALID_ARG, "string_reverse: NULL buffer");
  is_err(netipc_string_reverse_encode("ab", 2, buf, sizeof buf, NULL),
         NETIPC_ERR_INVALID_ARG, "string_reverse: NULL out_len");
  is_err(netipc_string_reverse_encode(NULL, 2, buf, sizeof buf, &n),
         NETIPC_ERR_INVALID_ARG, "string_reverse: NULL string with a length");

  /* A key count beyond the u32 of the wire; no key is read. */
  uint32_t pid = 1;
  is_err(netipc_apps_lookup_req_encode(&pid, (size_t)UINT32_MAX + 1, buf,
                                       sizeof buf, &n),
         NETIPC_ERR_TOO_LARGE, "apps request of 2^32 keys: TOO_LARGE");
}

int
main(void)
{
  plan(PLAN);
  test_batch_args();
  test_batch_too_large();
  test_batch_view_args();
  test_cgroups_edges();
  test_chunk_edges();
  test_hello_edges();
  test_null_args();
  return exit_status();
}
