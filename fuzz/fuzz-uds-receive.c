/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-uds-receive.c - the UDS receive and reassembly state machine
 * (netipc_session_receive, posix-uds.md 9, wire.md 8) of a real session on
 * one end of a SOCK_SEQPACKET socketpair; the fuzzer is the peer and
 * writes every record through the other end, then hangs up.
 *
 * Input:
 *   u8  flags     bit 0: role (0 client, 1 server); bits 1-3: how many
 *                 requests a client has in flight (ids id_base + 0..n-1)
 *   u16 packet    agreed_packet_size = 33 + packet % PACKET_SPAN
 *   u32 limit     incoming payload limit = limit % LIMIT_SPAN
 *   u16 items     incoming batch item limit
 *   u8  id_base
 *   then records: u16 length, then that many bytes (cut at the input's end)
 *
 * A model of posix-uds.md 9 and wire.md 8 predicts each receive's exact
 * outcome from the records that follow (for a chunked message, every
 * continuation is judged with netipc_chunk_check and the reassembled
 * payload compared with the records it came from): the library must
 * agree.
 */
#include "config.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "receive-check.h"
#include "transport/handshake-internal.h"

#include <netipc/transport.h>

#define CFG_LEN 10u
#define PACKET_SPAN 4096u
#define LIMIT_SPAN 65536u
#define RECORDS_MAX 64u
#define RECORD_LEN_BYTES 2u
#define INFLIGHT_BITS_SHIFT 1u
#define INFLIGHT_BITS_MASK 7u
/* Nothing ever waits (the peer hangs up after writing): a safety net,
 * long enough that a descheduled harness on a loaded machine does not
 * time out in the middle of a reassembly. */
#define RECV_TIMEOUT_MS 1000u
#define OUT_LIMIT 4096u

typedef struct record {
  const uint8_t *p;
  size_t len;
} record;

typedef struct model {
  netipc_role role;
  uint32_t packet_size;
  uint32_t limit, items;
  size_t packet_cap;
  uint64_t ids[INFLIGHT_BITS_MASK + 1];
  size_t n_ids;
  record rec[RECORDS_MAX];
  size_t n_rec; /* records the socket accepted */
  size_t next;  /* first record not yet consumed */
} model;

static bool
model_take_id(model *m, uint64_t id)
{
  for (size_t i = 0; i < m->n_ids; i++)
    if (m->ids[i] == id) {
      m->ids[i] = m->ids[--m->n_ids];
      return true;
    }
  return false;
}

static bool
model_has_id(const model *m, uint64_t id)
{
  for (size_t i = 0; i < m->n_ids; i++)
    if (m->ids[i] == id)
      return true;
  return false;
}

/* The receive outcome posix-uds.md 9 demands for the next record (steps
 * 2-6); for a chunked message, NETIPC_OK stands for "OK, BAD_CHUNK or
 * DISCONNECTED" and reassembly is judged separately. */
static netipc_err
model_first(const model *m, netipc_header *h, bool *chunked)
{
  *chunked = false;
  if (m->next >= m->n_rec || m->rec[m->next].len == 0)
    return NETIPC_ERR_DISCONNECTED; /* EOF, or a 0-byte record reads so */
  const record *r = &m->rec[m->next];
  if (netipc_header_decode(r->p, r->len, h) != NETIPC_OK)
    return NETIPC_ERR_PROTOCOL;
  if (h->payload_len > m->limit || h->item_count > m->items)
    return NETIPC_ERR_LIMIT_EXCEEDED;
  if (m->role == NETIPC_ROLE_CLIENT && h->kind == NETIPC_KIND_RESPONSE &&
      !model_has_id(m, h->message_id))
    return NETIPC_ERR_UNKNOWN_ID;
  if (r->len > m->packet_cap ||
      r->len > (uint64_t)NETIPC_HEADER_LEN + h->payload_len)
    return NETIPC_ERR_PROTOCOL;
  *chunked = r->len < (uint64_t)NETIPC_HEADER_LEN + h->payload_len;
  return NETIPC_OK;
}

static bool
batch_ok(const netipc_header *h, const uint8_t *payload)
{
  netipc_batch_view v;
  return h->transport_status != NETIPC_STATUS_OK ||
         !(h->flags & NETIPC_FLAG_BATCH) ||
         netipc_batch_decode(payload, h->payload_len, h->item_count, &v) ==
             NETIPC_OK;
}

/*
 * The outcome of reading the continuations of a chunked message that
 * starts at the next record (wire.md 8, posix-uds.md 9 step 6): OK,
 * DISCONNECTED (the records ran out, or a 0-byte one reads as EOF) or
 * BAD_CHUNK (truncated, undecodable or mismatched).
 */
static netipc_err
model_continuations(const model *m, const netipc_header *h)
{
  uint32_t first = (uint32_t)(m->rec[m->next].len - NETIPC_HEADER_LEN);
  uint32_t have = first;
  for (uint32_t index = 1; have < h->payload_len; index++) {
    size_t at = m->next + index;
    if (at >= m->n_rec || m->rec[at].len == 0)
      return NETIPC_ERR_DISCONNECTED;
    const record *r = &m->rec[at];
    netipc_chunk_header c;
    if (r->len > m->packet_cap ||
        netipc_chunk_header_decode(r->p, r->len, &c) != NETIPC_OK ||
        netipc_chunk_check(h, first, m->packet_size, &c, index, r->len,
                           have) != NETIPC_OK)
      return NETIPC_ERR_BAD_CHUNK;
    have += c.chunk_payload_len;
  }
  return NETIPC_OK;
}

/* A reassembled payload must be the records' payloads, in order, with
 * exactly payload_len bytes; returns the number of records it took. */
static size_t
check_reassembly(const model *m, const netipc_header *h, const uint8_t *got)
{
  size_t have = 0, used = 0;
  while (have < h->payload_len) {
    FUZZ_CHECK(m->next + used < m->n_rec);
    const record *r = &m->rec[m->next + used];
    /* A first record may carry no payload; a continuation must. */
    FUZZ_CHECK(r->len >= NETIPC_HEADER_LEN + (used != 0) &&
               r->len <= m->packet_cap);
    size_t n = r->len - NETIPC_HEADER_LEN;
    FUZZ_CHECK(have + n <= h->payload_len);
    FUZZ_CHECK(memcmp(got + have, r->p + NETIPC_HEADER_LEN, n) == 0);
    have += n;
    used++;
  }
  return used;
}

/* One receive, judged by the model. Returns false when the session is
 * done (broken). */
static bool
receive_one(netipc_session *s, model *m)
{
  netipc_header want, got;
  bool chunked;
  netipc_err expect = model_first(m, &want, &chunked);
  const void *payload = NULL;
  size_t len = 0;
  netipc_err err =
      netipc_session_receive(s, RECV_TIMEOUT_MS, NULL, &got, &payload, &len);
  fuzz_trace(err, len);
  if (expect == NETIPC_ERR_LIMIT_EXCEEDED) {
    /* The header comes back and the session stays usable (posix-uds.md
     * 12); only the first record was read. */
    ERR_CHECK(err == expect, err, expect);
    FUZZ_CHECK(memcmp(&got, &want, sizeof got) == 0);
    FUZZ_CHECK(!netipc_session_is_broken(s));
    m->next++;
    return true;
  }
  if (expect != NETIPC_OK || err != NETIPC_OK) {
    if (expect == NETIPC_OK && chunked) {
      netipc_err cont = model_continuations(m, &want);
      /* Whole but with a bad batch directory: a protocol error. */
      ERR_CHECK(err == (cont != NETIPC_OK ? cont : NETIPC_ERR_PROTOCOL),
                err, cont);
    } else if (expect == NETIPC_OK)
      ERR_CHECK(err == NETIPC_ERR_PROTOCOL &&
                    !batch_ok(&want, m->rec[m->next].p + NETIPC_HEADER_LEN),
                err, expect);
    else
      ERR_CHECK(err == expect, err, expect);
    FUZZ_CHECK(netipc_session_is_broken(s));
    FUZZ_CHECK(netipc_session_inflight(s) == 0);
    return false;
  }
  FUZZ_CHECK(memcmp(&got, &want, sizeof got) == 0);
  FUZZ_CHECK(len == got.payload_len && (len == 0 || payload != NULL));
  fuzz_sink += fuzz_touch(payload, len);
  FUZZ_CHECK(batch_ok(&got, payload));
  if (chunked) {
    FUZZ_CHECK(model_continuations(m, &got) == NETIPC_OK);
    m->next += check_reassembly(m, &got, payload);
  } else {
    FUZZ_CHECK(len == 0 || memcmp(payload, m->rec[m->next].p +
                                               NETIPC_HEADER_LEN,
                                  len) == 0);
    m->next++;
  }
  if (m->role == NETIPC_ROLE_CLIENT && got.kind == NETIPC_KIND_RESPONSE)
    FUZZ_CHECK(model_take_id(m, got.message_id));
  FUZZ_CHECK(netipc_session_inflight(s) == m->n_ids);
  return true;
}

/* Session values as a handshake would agree them, limits from the input. */
static void
model_config(model *m, const uint8_t *cfg, netipc_session_info *info)
{
  memset(m, 0, sizeof *m);
  memset(info, 0, sizeof *info);
  m->role = (cfg[0] & 1u) ? NETIPC_ROLE_SERVER : NETIPC_ROLE_CLIENT;
  m->packet_size = NETIPC_HEADER_LEN + 1 + fuzz_ld16(cfg + 1) % PACKET_SPAN;
  m->limit = fuzz_ld32(cfg + 3) % LIMIT_SPAN;
  m->items = fuzz_ld16(cfg + 7);
  uint64_t cap = (uint64_t)NETIPC_HEADER_LEN + m->limit;
  m->packet_cap = cap < m->packet_size ? (size_t)cap : m->packet_size;
  info->role = m->role;
  info->selected_profile = NETIPC_PROFILE_UDS_SEQPACKET;
  info->packet_size = m->packet_size;
  bool server = m->role == NETIPC_ROLE_SERVER;
  info->max_request_payload_bytes = server ? m->limit : OUT_LIMIT;
  info->max_request_batch_items = server ? m->items : 1;
  info->max_response_payload_bytes = server ? OUT_LIMIT : m->limit;
  info->max_response_batch_items = server ? 1 : m->items;
  info->session_id = 1;
}

/* A client's requests in flight, sent for real (the peer never reads). */
static void
send_requests(netipc_session *s, model *m, const uint8_t *cfg)
{
  if (m->role != NETIPC_ROLE_CLIENT)
    return;
  size_t n = (cfg[0] >> INFLIGHT_BITS_SHIFT) & INFLIGHT_BITS_MASK;
  for (size_t i = 0; i < n; i++) {
    netipc_header h;
    netipc_header_init(&h, NETIPC_KIND_REQUEST, 1, (uint64_t)cfg[9] + i);
    FUZZ_CHECK(netipc_session_send(s, &h, NULL, 0) == NETIPC_OK);
    m->ids[m->n_ids++] = h.message_id;
  }
  FUZZ_CHECK(netipc_session_inflight(s) == m->n_ids);
}

/* Read what the session sent: a socket closed with unread records makes
 * its peer's next recv fail with ECONNRESET instead of reading the queue
 * (Linux unix_release_sock). */
static void
drain(int peer)
{
  uint8_t buf[NETIPC_HEADER_LEN];
  while (recv(peer, buf, sizeof buf, MSG_DONTWAIT) >= 0)
    ;
  FUZZ_CHECK(errno == EAGAIN || errno == EWOULDBLOCK);
}

/* Queue the records on the peer end until the input or the socket
 * buffer ends; the model knows only the records that went out. */
static void
send_records(int peer, model *m, const uint8_t *data, size_t size)
{
  size_t at = 0;
  while (m->n_rec < RECORDS_MAX && size - at >= RECORD_LEN_BYTES) {
    size_t len = fuzz_ld16(data + at);
    at += RECORD_LEN_BYTES;
    if (len > size - at)
      len = size - at;
    ssize_t n = send(peer, data + at, len, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0)
      break; /* EAGAIN or EMSGSIZE: nothing of it was queued */
    FUZZ_CHECK((size_t)n == len);
    m->rec[m->n_rec].p = data + at;
    m->rec[m->n_rec].len = len;
    m->n_rec++;
    at += len;
  }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < CFG_LEN)
    return 0;
  uint8_t *in = fuzz_dup(data, size);
  model m;
  netipc_session_info info;
  model_config(&m, in, &info);
  int sv[2];
  FUZZ_CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
  netipc_session *s = NULL;
  FUZZ_CHECK(netipc__session_new(sv[0], NULL, &info, &s) == NETIPC_OK);
  send_requests(s, &m, in);
  send_records(sv[1], &m, in + CFG_LEN, size - CFG_LEN);
  drain(sv[1]);
  close(sv[1]); /* what is queued stays readable, then EOF */
  /* Each receive consumes at least one record, or breaks the session. */
  for (size_t i = 0; i <= RECORDS_MAX && receive_one(s, &m); i++)
    ;
  FUZZ_CHECK(netipc_session_is_broken(s));
  netipc_header h;
  const void *p;
  size_t len;
  FUZZ_CHECK(netipc_session_receive(s, RECV_TIMEOUT_MS, NULL, &h, &p, &len) ==
             NETIPC_ERR_INVALID_ARG);
  netipc_session_destroy(s);
  free(in);
  return 0;
}

volatile uint32_t fuzz_sink;
