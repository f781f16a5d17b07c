/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * netipc/codec.h - the netipc wire codec: pure bytes, no I/O.
 *
 * Layouts follow shared/spec/wire.md (framing, handshake) and codec.md
 * (method payloads). All integers are in host byte order. Decoders never
 * allocate or copy: a view borrows the caller's buffer and is valid only
 * while that buffer is unchanged. Every function here is thread-safe as long
 * as two threads do not write the same builder or output buffer.
 */
#ifndef NETIPC_CODEC_H
#define NETIPC_CODEC_H

#include <netipc/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Constants (wire.md sections 2-10)                                   */
/* ------------------------------------------------------------------ */

#define NETIPC_MAGIC 0x4E495043u       /* outer header, "CPIN" in memory */
#define NETIPC_CHUNK_MAGIC 0x4E43484Bu /* continuation, "KHCN" in memory */
#define NETIPC_PROTOCOL_VERSION 1u
#define NETIPC_HEADER_LEN 32u
#define NETIPC_ALIGNMENT 8u
#define NETIPC_LAYOUT_VERSION 1u

#define NETIPC_KIND_REQUEST 1u
#define NETIPC_KIND_RESPONSE 2u
#define NETIPC_KIND_CONTROL 3u

#define NETIPC_FLAG_BATCH 0x0001u

#define NETIPC_CONTROL_HELLO 1u
#define NETIPC_CONTROL_HELLO_ACK 2u

#define NETIPC_METHOD_INCREMENT 1u
#define NETIPC_METHOD_CGROUPS_SNAPSHOT 2u
#define NETIPC_METHOD_STRING_REVERSE 3u
#define NETIPC_METHOD_CGROUPS_LOOKUP 4u /* netipc/lookup.h */
#define NETIPC_METHOD_APPS_LOOKUP 5u    /* netipc/lookup.h */

/* transport_status values (wire.md section 5). */
#define NETIPC_STATUS_OK 0u
#define NETIPC_STATUS_BAD_ENVELOPE 1u
#define NETIPC_STATUS_AUTH_FAILED 2u
#define NETIPC_STATUS_INCOMPATIBLE 3u
#define NETIPC_STATUS_UNSUPPORTED 4u
#define NETIPC_STATUS_LIMIT_EXCEEDED 5u
#define NETIPC_STATUS_INTERNAL_ERROR 6u

/* Profile bits (wire.md section 9.4). */
#define NETIPC_PROFILE_UDS_SEQPACKET 0x01u /* POSIX baseline */
#define NETIPC_PROFILE_NAMED_PIPE 0x01u /* Windows baseline (windows.md 1) */
#define NETIPC_PROFILE_SHM_HYBRID 0x02u
#define NETIPC_PROFILE_SHM_FUTEX 0x04u /* POSIX; reserved: never advertise */
#define NETIPC_PROFILE_SHM_BUSYWAIT 0x04u /* Windows: spin only (windows.md 1) */
#define NETIPC_PROFILE_SHM_WAITADDR 0x08u /* Windows only */
#define NETIPC_PROFILE_BASELINE NETIPC_PROFILE_UDS_SEQPACKET

#define NETIPC_HELLO_LEN 44u
#define NETIPC_HELLO_ACK_LEN 48u
#define NETIPC_HELLO_MSG_LEN (NETIPC_HEADER_LEN + NETIPC_HELLO_LEN)
#define NETIPC_HELLO_ACK_MSG_LEN (NETIPC_HEADER_LEN + NETIPC_HELLO_ACK_LEN)

/* Named defaults (wire.md section 10). Policy, not protocol maxima. */
#define NETIPC_MAX_PAYLOAD_DEFAULT 1024u
#define NETIPC_MAX_PAYLOAD_CAP 1048576u
#define NETIPC_BATCH_ITEMS_DEFAULT 1u
#define NETIPC_SERVICE_RESPONSE_DEFAULT 65536u

/* Largest payload whose message length (32 + payload) still fits a u32. */
#define NETIPC_MAX_PAYLOAD_LEN (UINT32_MAX - NETIPC_HEADER_LEN)

/* Method payload sizes (codec.md). */
#define NETIPC_INCREMENT_LEN 8u
#define NETIPC_STRING_REVERSE_HDR_LEN 8u
#define NETIPC_STRING_REVERSE_MIN_LEN 9u
#define NETIPC_CGROUPS_REQ_LEN 4u
#define NETIPC_CGROUPS_HDR_LEN 24u
#define NETIPC_CGROUPS_ITEM_HDR_LEN 32u
#define NETIPC_DIR_ENTRY_LEN 8u

/* ------------------------------------------------------------------ */
/* Outer header (wire.md section 2)                                    */
/* ------------------------------------------------------------------ */

/* The 32-byte outer header, field for field. */
typedef struct netipc_header {
  uint32_t magic;
  uint16_t version;
  uint16_t header_len;
  uint16_t kind;
  uint16_t flags;
  uint16_t code;
  uint16_t transport_status;
  uint32_t payload_len;
  uint32_t item_count;
  uint64_t message_id;
} netipc_header;

/*
 * Fill *h for a new message: magic, version 1, header_len 32, item_count 1,
 * everything else as given or zero. Never fails.
 */
NETIPC_API void netipc_header_init(netipc_header *h, uint16_t kind,
                                   uint16_t code, uint64_t message_id);

/*
 * Write the 32 header bytes of *h into buf exactly as given (no
 * validation, so tests can build bad headers).
 * Errors: NETIPC_ERR_INVALID_ARG (NULL), NETIPC_ERR_NOSPACE (cap < 32).
 */
NETIPC_API netipc_err netipc_header_encode(const netipc_header *h, void *buf,
                                           size_t cap);

/*
 * Read and validate a header from the first 32 bytes of buf. Checks, in
 * order: length, magic, version, header_len, 1 <= kind <= 3 (what a
 * reference receiver checks; unknown flag bits are ignored).
 * Whenever len >= 32, *out holds the raw fields even if validation fails,
 * so a caller can tell a version-only mismatch (wire.md 9.3 step 2).
 * Errors: NETIPC_ERR_TRUNCATED, NETIPC_ERR_BAD_MAGIC,
 * NETIPC_ERR_BAD_VERSION, NETIPC_ERR_BAD_HEADER_LEN, NETIPC_ERR_BAD_KIND,
 * NETIPC_ERR_INVALID_ARG.
 */
NETIPC_API netipc_err netipc_header_decode(const void *buf, size_t len,
                                           netipc_header *out);

/* ------------------------------------------------------------------ */
/* Chunk continuation header (wire.md section 8)                       */
/* ------------------------------------------------------------------ */

typedef struct netipc_chunk_header {
  uint32_t magic;
  uint16_t version;
  uint16_t flags;
  uint64_t message_id;
  uint32_t total_message_len;
  uint32_t chunk_index;
  uint32_t chunk_count;
  uint32_t chunk_payload_len;
} netipc_chunk_header;

/* Fill *c with magic, version 1, flags 0 and the given fields. */
NETIPC_API void netipc_chunk_header_init(netipc_chunk_header *c,
                                         uint64_t message_id,
                                         uint32_t total_message_len,
                                         uint32_t chunk_index,
                                         uint32_t chunk_count,
                                         uint32_t chunk_payload_len);

/* Write the 32 bytes of *c. Errors: INVALID_ARG, NOSPACE. */
NETIPC_API netipc_err netipc_chunk_header_encode(const netipc_chunk_header *c,
                                                 void *buf, size_t cap);

/*
 * Read and check one continuation header on its own: length >= 32, magic,
 * version 1, flags 0, chunk_payload_len != 0. *out is filled whenever
 * len >= 32. Matching it against its message is netipc_chunk_check's job.
 * Errors: TRUNCATED, BAD_MAGIC, BAD_VERSION, BAD_FLAGS, BAD_CHUNK,
 * INVALID_ARG.
 */
NETIPC_API netipc_err netipc_chunk_header_decode(const void *buf, size_t len,
                                                 netipc_chunk_header *out);

/*
 * Number of packets a message with this payload needs at packet size P
 * (sender's splitting rule): 1 if 32 + payload_len <= P, otherwise
 * 1 + ceil((payload_len - B) / B) with B = P - 32. Returns 0 if
 * packet_size <= 32.
 */
NETIPC_API uint32_t netipc_chunk_count(uint32_t payload_len,
                                       uint32_t packet_size);

/*
 * Receiver check of continuation number `index` of a message whose first
 * packet had outer header *first and `first_payload` payload bytes, at
 * packet size P, given the continuation's header *c and the total packet
 * length. `assembled` is the payload bytes received so far. Applies every
 * rule of wire.md section 8.
 * Errors: NETIPC_ERR_BAD_CHUNK (any mismatch), NETIPC_ERR_INVALID_ARG.
 */
NETIPC_API netipc_err netipc_chunk_check(const netipc_header *first,
                                         uint32_t first_payload,
                                         uint32_t packet_size,
                                         const netipc_chunk_header *c,
                                         uint32_t index, size_t packet_len,
                                         uint32_t assembled);

/* ------------------------------------------------------------------ */
/* Batch directory (wire.md section 7.2)                               */
/* ------------------------------------------------------------------ */

/*
 * Builds a batch payload in a caller buffer: directory of item_count
 * entries followed by the 8-aligned packed items and trailing padding.
 * Directory space for max_items is reserved up front; finish() moves the
 * items down when fewer were added. Failures are sticky.
 */
typedef struct netipc_batch_builder {
  uint8_t *buf;
  size_t cap;
  uint32_t max_items;
  uint32_t count;
  size_t data_start;  /* 8 * max_items */
  size_t data_end;    /* end of the last item, relative to buf */
  size_t pending_at;  /* reserve(): where the item starts */
  size_t pending_max; /* reserve(): room promised to the caller */
  bool pending;       /* a reserve() awaits its commit() */
  netipc_err error;
} netipc_batch_builder;

/*
 * Start a batch of at most max_items (>= 1) items in buf[0..cap).
 * Errors: INVALID_ARG, NETIPC_ERR_OVERFLOW (directory alone does not fit).
 */
NETIPC_API netipc_err netipc_batch_builder_init(netipc_batch_builder *b,
                                                void *buf, size_t cap,
                                                uint32_t max_items);

/*
 * Append one item by copying len bytes (len may be 0; item may then be
 * NULL). On failure nothing is written and the error sticks.
 * Errors: NETIPC_ERR_OVERFLOW (no slot or no room), INVALID_ARG.
 */
NETIPC_API netipc_err netipc_batch_builder_add(netipc_batch_builder *b,
                                               const void *item, size_t len);

/*
 * Reserve room for one item of up to max_len bytes and return where to
 * write it; commit it with netipc_batch_builder_commit(b, actual_len).
 * Lets a method encoder write straight into the batch with no copy.
 * Errors: as netipc_batch_builder_add.
 */
NETIPC_API netipc_err netipc_batch_builder_reserve(netipc_batch_builder *b,
                                                   size_t max_len,
                                                   void **where);

/*
 * The largest item (payload bytes) the next add or reserve can take, 0 when
 * the builder is full or failed.
 */
NETIPC_API size_t netipc_batch_builder_room(const netipc_batch_builder *b);

/*
 * Commit the item started by reserve with its real length (<= max_len).
 * Errors: INVALID_ARG (no reserve pending), OVERFLOW (len > max_len).
 */
NETIPC_API netipc_err netipc_batch_builder_commit(netipc_batch_builder *b,
                                                  size_t len);

/*
 * Close the batch: compact, pad the last item to 8 and store the payload
 * length (8*count + align8(end)) in *payload_len and the count in
 * *item_count. Returns the sticky error if any add failed (the payload
 * must not be sent then), NETIPC_ERR_BAD_ITEM_COUNT when no item was
 * added (a batch has at least one item) and INVALID_ARG when a reserve()
 * was never committed.
 */
NETIPC_API netipc_err netipc_batch_builder_finish(netipc_batch_builder *b,
                                                  uint32_t *payload_len,
                                                  uint32_t *item_count);

/* Validated, zero-copy view of a batch payload. */
typedef struct netipc_batch_view {
  const uint8_t *payload;
  uint32_t payload_len;
  uint32_t item_count;
} netipc_batch_view;

/*
 * Validate a batch payload with item_count entries (the outer header's
 * count): the directory fits, every offset is 8-aligned and every item lies
 * inside the packed area. Trailing padding is not required.
 * Errors: INVALID_ARG, BAD_ITEM_COUNT (0 items), TRUNCATED (directory does
 * not fit), BAD_ALIGNMENT, OUT_OF_BOUNDS.
 */
NETIPC_API netipc_err netipc_batch_decode(const void *payload,
                                          size_t payload_len,
                                          uint32_t item_count,
                                          netipc_batch_view *out);

/*
 * Item `index` of a decoded batch: *item points into the payload and is
 * valid as long as it is; *len may be 0.
 * Errors: OUT_OF_BOUNDS (index >= item_count), INVALID_ARG.
 */
NETIPC_API netipc_err netipc_batch_item(const netipc_batch_view *v,
                                        uint32_t index, const void **item,
                                        uint32_t *len);

/* ------------------------------------------------------------------ */
/* Handshake (wire.md section 9)                                       */
/* ------------------------------------------------------------------ */

/*
 * netipc extensions (doc/extensions.md): a netipc client sets this HELLO
 * flags bit; a netipc server echoes it in HELLO_ACK flags only when the
 * client set it. Reference servers ignore HELLO flags and reference
 * clients never set it, so they never see a non-zero HELLO_ACK flags.
 */
#define NETIPC_HELLO_FLAG_EXTENSIONS 0x0001u
/*
 * Extension 2 (doc/extensions.md): an SHM session's region is a sealed
 * memfd passed with the HELLO_ACK (SCM_RIGHTS) instead of a file in the
 * run dir. Offered and echoed only between netipc peers, only where the
 * build has memfd_create and file seals (Linux).
 */
#define NETIPC_HELLO_FLAG_SEALED_SHM 0x0002u

/* HELLO payload, 44 bytes on the wire. */
typedef struct netipc_hello {
  uint16_t layout_version;
  uint16_t flags;
  uint32_t supported_profiles;
  uint32_t preferred_profiles;
  uint32_t max_request_payload_bytes;
  uint32_t max_request_batch_items;
  uint32_t max_response_payload_bytes;
  uint32_t max_response_batch_items;
  uint32_t reserved;
  uint64_t auth_token;
  uint32_t packet_size;
} netipc_hello;

/* HELLO_ACK payload, 48 bytes on the wire. */
typedef struct netipc_hello_ack {
  uint16_t layout_version;
  uint16_t flags;
  uint32_t server_supported_profiles;
  uint32_t intersection_profiles;
  uint32_t selected_profile;
  uint32_t agreed_max_request_payload_bytes;
  uint32_t agreed_max_request_batch_items;
  uint32_t agreed_max_response_payload_bytes;
  uint32_t agreed_max_response_batch_items;
  uint32_t agreed_packet_size;
  uint32_t reserved;
  uint64_t session_id;
} netipc_hello_ack;

/* Write the 44 HELLO bytes as given. Errors: INVALID_ARG, NOSPACE. */
NETIPC_API netipc_err netipc_hello_encode(const netipc_hello *h, void *buf,
                                          size_t cap);

/*
 * Read the 44 HELLO bytes without judging them (the negotiation decides).
 * Extra bytes are ignored. Errors: INVALID_ARG, TRUNCATED.
 */
NETIPC_API netipc_err netipc_hello_decode(const void *buf, size_t len,
                                          netipc_hello *out);

/* Write the 48 HELLO_ACK bytes as given. Errors: INVALID_ARG, NOSPACE. */
NETIPC_API netipc_err netipc_hello_ack_encode(const netipc_hello_ack *a,
                                              void *buf, size_t cap);

/* Read the 48 HELLO_ACK bytes without judging them. INVALID_ARG, TRUNCATED. */
NETIPC_API netipc_err netipc_hello_ack_decode(const void *buf, size_t len,
                                              netipc_hello_ack *out);

/*
 * Write a complete HELLO message (header + payload, 76 bytes): kind
 * CONTROL, code HELLO, item_count 1, message_id 0, status 0.
 * Errors: INVALID_ARG, NOSPACE.
 */
NETIPC_API netipc_err netipc_hello_message_encode(const netipc_hello *h,
                                                  void *buf, size_t cap);

/*
 * Write a complete HELLO_ACK message (80 bytes) with the given
 * transport_status. Errors: INVALID_ARG, NOSPACE.
 */
NETIPC_API netipc_err netipc_hello_ack_message_encode(
    const netipc_hello_ack *a, uint16_t transport_status, void *buf,
    size_t cap);

/* A server's side of the negotiation (wire.md 9.3). */
typedef struct netipc_server_hello_config {
  uint32_t supported_profiles; /* 0 means baseline only */
  uint32_t preferred_profiles;
  uint32_t max_request_payload_bytes;  /* RQmax */
  uint32_t max_response_payload_bytes; /* RSmax */
  uint64_t auth_token;
  uint32_t packet_size; /* the server's own packet size Ps */
  /* HELLO flags this server implements and echoes (0: the reference
   * behaviour, HELLO_ACK flags always 0). */
  uint16_t extension_flags;
} netipc_server_hello_config;

/* What a server does with a HELLO packet. */
typedef enum netipc_hello_action {
  NETIPC_HELLO_ACCEPT = 0, /* send the OK HELLO_ACK, session starts */
  NETIPC_HELLO_REJECT = 1, /* send the rejection HELLO_ACK, then close */
  NETIPC_HELLO_DROP = 2    /* close without any reply */
} netipc_hello_action;

/*
 * The server's decision procedure of wire.md 9.3 steps 2-11, as a pure
 * function of the first packet's bytes and the server config. Fills *ack
 * (the success values, or a rejection with only layout_version = 1) and
 * *status (the transport_status to send). session_id goes into a
 * successful ack unchanged.
 */
NETIPC_API netipc_hello_action netipc_hello_negotiate(
    const void *packet, size_t packet_len,
    const netipc_server_hello_config *cfg, uint64_t session_id,
    netipc_hello_ack *ack, uint16_t *status);

/*
 * netipc_hello_ack_process for a client that sent HELLO flags
 * `hello_flags`: HELLO_ACK flags may hold those bits (the server's echo of
 * the extensions both implement); any other bit is PROTOCOL, as is any
 * non-zero flags word when hello_flags is 0 (wire.md 9.6 step 4).
 */
NETIPC_API netipc_err netipc_hello_ack_process_flags(const void *packet,
                                                     size_t packet_len,
                                                     uint32_t client_supported,
                                                     uint16_t hello_flags,
                                                     netipc_hello_ack *ack);

/*
 * Profile selection (wire.md 9.4): the highest bit of
 * intersection & client_preferred & server_preferred if non-zero, else the
 * highest bit of intersection; 0 if intersection is 0.
 */
NETIPC_API uint32_t netipc_profile_select(uint32_t intersection,
                                          uint32_t client_preferred,
                                          uint32_t server_preferred);

/*
 * The client's processing of the HELLO_ACK packet (wire.md 9.6), plus the
 * recommended check that selected_profile is one bit of client_supported.
 * On success *ack holds the agreed values.
 * Errors: INVALID_ARG, NETIPC_ERR_INCOMPATIBLE, NETIPC_ERR_AUTH_FAILED,
 * NETIPC_ERR_NO_PROFILE, NETIPC_ERR_LIMIT_EXCEEDED, NETIPC_ERR_HANDSHAKE
 * (another non-zero status), NETIPC_ERR_PROTOCOL (any other defect).
 */
NETIPC_API netipc_err netipc_hello_ack_process(const void *packet,
                                               size_t packet_len,
                                               uint32_t client_supported,
                                               netipc_hello_ack *ack);

/* ------------------------------------------------------------------ */
/* INCREMENT (codec.md section 3)                                      */
/* ------------------------------------------------------------------ */

/*
 * Write the 8-byte payload; *out_len = 8. Nothing is written when cap < 8.
 * Errors: INVALID_ARG, NOSPACE.
 */
NETIPC_API netipc_err netipc_increment_encode(uint64_t value, void *buf,
                                              size_t cap, size_t *out_len);

/* Read the value; longer payloads are accepted. Errors: INVALID_ARG, TRUNCATED. */
NETIPC_API netipc_err netipc_increment_decode(const void *payload, size_t len,
                                              uint64_t *value);

/* ------------------------------------------------------------------ */
/* STRING_REVERSE (codec.md section 4)                                 */
/* ------------------------------------------------------------------ */

/* Zero-copy view of a STRING_REVERSE payload. */
typedef struct netipc_string_view {
  const char *ptr; /* points into the payload; ptr[len] == '\0' */
  uint32_t len;
} netipc_string_view;

/*
 * Write {8, len, bytes, NUL}; *out_len = 9 + len. Nothing is written when
 * the buffer is too small. str may be NULL when len is 0, and may point at
 * buf + 8 when the string was already written in place.
 * Errors: INVALID_ARG, NOSPACE, TOO_LARGE.
 */
NETIPC_API netipc_err netipc_string_reverse_encode(const char *str,
                                                   size_t len, void *buf,
                                                   size_t cap,
                                                   size_t *out_len);

/*
 * Validate and view. Checks in codec.md 4.3 order.
 * Errors: INVALID_ARG, TRUNCATED, BAD_LAYOUT, OUT_OF_BOUNDS, MISSING_NUL.
 */
NETIPC_API netipc_err netipc_string_reverse_decode(const void *payload,
                                                   size_t len,
                                                   netipc_string_view *out);

/* ------------------------------------------------------------------ */
/* CGROUPS_SNAPSHOT (codec.md section 5)                               */
/* ------------------------------------------------------------------ */

/* Write the 4-byte request {1, 0}. Errors: INVALID_ARG, NOSPACE. */
NETIPC_API netipc_err netipc_cgroups_req_encode(void *buf, size_t cap,
                                                size_t *out_len);

/*
 * Validate a request: length >= 4, layout_version 1, flags 0.
 * Errors: INVALID_ARG, TRUNCATED, BAD_LAYOUT.
 */
NETIPC_API netipc_err netipc_cgroups_req_decode(const void *payload,
                                                size_t len);

/*
 * Response builder. The caller adds items; offsets, alignment, padding and
 * NULs are the builder's business. It reserves max_items directory slots up
 * front (codec.md 5.7) and compacts on finish. Failures are sticky.
 */
typedef struct netipc_cgroups_builder {
  uint8_t *buf;
  size_t cap;
  uint32_t max_items;
  uint32_t count;
  uint32_t systemd_enabled;
  uint64_t generation;
  size_t data_end; /* end of the last item, relative to buf */
  netipc_err error;
} netipc_cgroups_builder;

/*
 * Start a snapshot response in buf[0..cap). max_items 0 means the default
 * floor((cap - 24) / 48). Errors: INVALID_ARG, OVERFLOW (the reserved
 * directory does not fit).
 */
NETIPC_API netipc_err netipc_cgroups_builder_init(netipc_cgroups_builder *b,
                                                  void *buf, size_t cap,
                                                  uint32_t max_items,
                                                  uint32_t systemd_enabled,
                                                  uint64_t generation);

/* Change the header values before finish (handlers often learn them late). */
NETIPC_API void netipc_cgroups_builder_set_header(netipc_cgroups_builder *b,
                                                  uint32_t systemd_enabled,
                                                  uint64_t generation);

/*
 * Append one item. name/path may be NULL when their length is 0; the
 * bytes are copied and NUL-terminated. On failure nothing is written and
 * the error sticks. Errors: INVALID_ARG, OVERFLOW.
 */
NETIPC_API netipc_err netipc_cgroups_builder_add(
    netipc_cgroups_builder *b, uint32_t hash, uint32_t options,
    uint32_t enabled, const char *name, size_t name_len, const char *path,
    size_t path_len);

/*
 * Finish: write the header with the real count, move items down to the
 * canonical position and set *out_len. Returns the sticky error, if any
 * add failed (the payload must not be sent: answer LIMIT_EXCEEDED).
 */
NETIPC_API netipc_err netipc_cgroups_builder_finish(netipc_cgroups_builder *b,
                                                    size_t *out_len);

/* One snapshot item, borrowed from the payload. */
typedef struct netipc_cgroups_item_view {
  uint32_t hash;
  uint32_t options;
  uint32_t enabled;
  netipc_string_view name;
  netipc_string_view path;
} netipc_cgroups_item_view;

/* Zero-copy view of a snapshot response after stage A validation. */
typedef struct netipc_cgroups_view {
  const uint8_t *payload;
  size_t payload_len;
  uint32_t item_count;
  uint32_t systemd_enabled;
  uint64_t generation;
} netipc_cgroups_view;

/*
 * Stage A (codec.md 5.8): header and every directory entry.
 * Errors: INVALID_ARG, TRUNCATED, BAD_LAYOUT, BAD_FLAGS, RESERVED,
 * BAD_ITEM_COUNT, BAD_ALIGNMENT, OUT_OF_BOUNDS.
 */
NETIPC_API netipc_err netipc_cgroups_view_decode(const void *payload,
                                                 size_t len,
                                                 netipc_cgroups_view *out);

/*
 * Stage B for item `index`: fills *item with views into the payload.
 * Errors: INVALID_ARG, OUT_OF_BOUNDS, BAD_ALIGNMENT, TRUNCATED, BAD_LAYOUT,
 * BAD_FLAGS, MISSING_NUL, OVERLAP.
 */
NETIPC_API netipc_err netipc_cgroups_view_item(const netipc_cgroups_view *v,
                                               uint32_t index,
                                               netipc_cgroups_item_view *item);

/*
 * Stage B on every item (what a consumer that keeps the snapshot must do).
 * On failure *bad_index (if not NULL) names the first bad item.
 */
NETIPC_API netipc_err netipc_cgroups_view_validate(const netipc_cgroups_view *v,
                                                   uint32_t *bad_index);

/*
 * Netdata's simple_hash (32-bit FNV-1a, codec.md 5.9) of len bytes.
 * The codec never calls it; producers and the cache may.
 */
NETIPC_API uint32_t netipc_simple_hash(const void *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* NETIPC_CODEC_H */
