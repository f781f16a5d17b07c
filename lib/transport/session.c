/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The portable Level 1 session: sending with transparent chunking and
 * receiving with reassembly, limits, id matching and one deadline per
 * message (posix-uds.md 8-11, wire.md 8 and 11). The platform moves the
 * records through the hooks of session-internal.h.
 */
#include "config.h"

#include <string.h>

#include "common/alloc.h"
#include "transport/platform.h"
#include "transport/session-internal.h"

/* Payload limits for messages this side receives / sends. */
static void
session_limits(const netipc__session_core *c, bool incoming,
               uint32_t *payload, uint32_t *items)
{
  bool requests = (c->info.role == NETIPC_ROLE_SERVER) == incoming;
  *payload = requests ? c->info.max_request_payload_bytes
                      : c->info.max_response_payload_bytes;
  *items = requests ? c->info.max_request_batch_items
                    : c->info.max_response_batch_items;
}

netipc_err
netipc__session_core_init(netipc__session_core *c,
                          const netipc_session_info *info, bool shm,
                          size_t shm_cap)
{
  c->shm = shm;
  c->info = *info;
  netipc__inflight_init(&c->inflight);
  /* On UDS every record fits min(packet size, 32 + incoming limit): a
   * larger message is chunked, a smaller limit makes larger records
   * illegal. On SHM the buffer takes a whole incoming area, so an
   * over-limit message is still read and its header handed back. */
  uint32_t limit, items;
  session_limits(c, true, &limit, &items);
  uint64_t cap = (uint64_t)NETIPC_HEADER_LEN + limit;
  if (!c->shm && cap > info->packet_size)
    cap = info->packet_size;
  if (c->shm)
    cap = shm_cap;
  c->packet_cap = (size_t)cap;
  c->packet = netipc__malloc(c->packet_cap);
  return c->packet != NULL ? NETIPC_OK : NETIPC_ERR_NOMEM;
}

void
netipc__session_core_fini(netipc__session_core *c)
{
  netipc__inflight_fini(&c->inflight);
  netipc__free(c->packet);
  netipc__free(c->message);
}

const netipc_session_info *
netipc_session_get_info(const netipc_session *s)
{
  return s != NULL ? &netipc__session_core_of_const(s)->info : NULL;
}

size_t
netipc_session_inflight(const netipc_session *s)
{
  return s != NULL ? netipc__session_core_of_const(s)->inflight.count : 0;
}

bool
netipc_session_is_broken(const netipc_session *s)
{
  return s == NULL || netipc__session_core_of_const(s)->broken;
}

/* Mark the session dead; every in-flight request fails with it. */
static netipc_err
session_break(netipc__session_core *c, netipc_err err)
{
  c->broken = true;
  netipc__inflight_clear(&c->inflight);
  return err;
}

/* Send header + payload as one record or as chunks (wire.md 8). */
static netipc_err
session_send_records(netipc_session *s, const uint8_t *hdr,
                     const netipc_header *h, const uint8_t *payload)
{
  uint32_t packet = netipc__session_core_of(s)->info.packet_size;
  uint32_t per_chunk = packet - NETIPC_HEADER_LEN;
  uint32_t count = netipc_chunk_count(h->payload_len, packet);
  uint32_t first = count == 1 ? h->payload_len : per_chunk;
  netipc__iobuf iov[NETIPC__RECORD_PIECES_MAX] = {{hdr, NETIPC_HEADER_LEN},
                                               {payload, first}};
  netipc_err err = netipc__session_send_record(s, iov, first ? 2 : 1);
  uint32_t sent = first;
  uint8_t chunk_bytes[NETIPC_HEADER_LEN];
  for (uint32_t i = 1; err == NETIPC_OK && i < count; i++) {
    uint32_t n = h->payload_len - sent < per_chunk ? h->payload_len - sent
                                                   : per_chunk;
    netipc_chunk_header c;
    netipc_chunk_header_init(&c, h->message_id,
                             NETIPC_HEADER_LEN + h->payload_len, i, count, n);
    netipc_chunk_header_encode(&c, chunk_bytes, sizeof chunk_bytes);
    iov[0].base = chunk_bytes;
    iov[1].base = payload + sent;
    iov[1].len = n;
    err = netipc__session_send_record(s, iov, 2);
    sent += n;
  }
  return err;
}

netipc_err
netipc_session_send(netipc_session *s, const netipc_header *hdr,
                    const void *payload, size_t len)
{
  netipc__session_core *c = s != NULL ? netipc__session_core_of(s) : NULL;
  if (c == NULL || hdr == NULL || c->broken || (payload == NULL && len != 0))
    return NETIPC_ERR_INVALID_ARG;
  if (len > NETIPC_MAX_PAYLOAD_LEN)
    return NETIPC_ERR_TOO_LARGE;
  bool track = c->info.role == NETIPC_ROLE_CLIENT &&
               hdr->kind == NETIPC_KIND_REQUEST;
  /* SHM carries one message per direction at a time (posix-shm.md 10). */
  if (track && c->shm && c->inflight.count != 0)
    return NETIPC_ERR_NOT_SUPPORTED;
  /* The id goes in first and comes back out on a limit failure, in the
   * order of posix-uds.md 8. */
  if (track) {
    netipc_err err = netipc__inflight_add(&c->inflight, hdr->message_id);
    if (err != NETIPC_OK)
      return err;
  }
  uint32_t limit, items;
  session_limits(c, false, &limit, &items);
  if (len > limit || hdr->item_count > items) {
    if (track)
      netipc__inflight_remove(&c->inflight, hdr->message_id);
    return NETIPC_ERR_LIMIT_EXCEEDED;
  }
  netipc_header h = *hdr;
  h.magic = NETIPC_MAGIC;
  h.version = NETIPC_PROTOCOL_VERSION;
  h.header_len = NETIPC_HEADER_LEN;
  h.payload_len = (uint32_t)len;
  uint8_t hdr_bytes[NETIPC_HEADER_LEN];
  netipc_header_encode(&h, hdr_bytes, sizeof hdr_bytes);
  if (c->shm) {
    netipc_err err = netipc__session_shm_publish(s, hdr_bytes, payload, len);
    if (err != NETIPC_OK && track)
      netipc__inflight_remove(&c->inflight, hdr->message_id);
    return err;
  }
  netipc_err err = session_send_records(s, hdr_bytes, &h, payload);
  return err == NETIPC_OK ? NETIPC_OK : session_break(c, err);
}

/* Read one continuation into the packet buffer and check it. */
static netipc_err
session_recv_chunk(netipc_session *s, const netipc_header *h, uint32_t first,
                   uint32_t index, uint32_t have, uint64_t deadline,
                   const netipc_abort *abort, netipc_chunk_header *chunk)
{
  const netipc__session_core *c = netipc__session_core_of(s);
  size_t len;
  bool truncated;
  uint32_t wait_ms;
  netipc_err err = netipc__deadline_left(deadline, &wait_ms);
  if (err == NETIPC_OK)
    err = netipc__session_recv_record(s, wait_ms, deadline, abort, &len,
                                      &truncated);
  if (err != NETIPC_OK)
    return err;
  if (truncated ||
      netipc_chunk_header_decode(c->packet, len, chunk) != NETIPC_OK ||
      netipc_chunk_check(h, first, c->info.packet_size, chunk, index, len,
                         have) != NETIPC_OK)
    return NETIPC_ERR_BAD_CHUNK;
  return NETIPC_OK;
}

/* Read continuations 1..n of a chunked message into the message buffer. */
static netipc_err
session_reassemble(netipc_session *s, const netipc_header *h, size_t first,
                   uint64_t deadline, const netipc_abort *abort)
{
  netipc__session_core *c = netipc__session_core_of(s);
  /* payload_len is within the agreed limit, and so is the buffer. */
  uint32_t limit, items;
  session_limits(c, true, &limit, &items);
  netipc_err err =
      netipc__grow_max(&c->message, &c->message_cap, h->payload_len, limit);
  if (err != NETIPC_OK)
    return err;
  memcpy(c->message, c->packet + NETIPC_HEADER_LEN, first);
  uint32_t have = (uint32_t)first;
  for (uint32_t index = 1; have < h->payload_len; index++) {
    netipc_chunk_header chunk;
    err = session_recv_chunk(s, h, (uint32_t)first, index, have, deadline,
                             abort, &chunk);
    if (err != NETIPC_OK)
      return err;
    memcpy(c->message + have, c->packet + NETIPC_HEADER_LEN,
           chunk.chunk_payload_len);
    have += chunk.chunk_payload_len;
  }
  return NETIPC_OK;
}

/* Header, limit and id checks of a first record (posix-uds.md 9, 3-6). */
static netipc_err
session_check_first(netipc__session_core *c, size_t len, bool truncated,
                    netipc_header *h)
{
  if (netipc_header_decode(c->packet, len, h) != NETIPC_OK)
    return NETIPC_ERR_PROTOCOL;
  uint32_t limit, items;
  session_limits(c, true, &limit, &items);
  if (h->payload_len > limit || h->item_count > items)
    return NETIPC_ERR_LIMIT_EXCEEDED;
  if (c->info.role == NETIPC_ROLE_CLIENT && h->kind == NETIPC_KIND_RESPONSE &&
      !netipc__inflight_remove(&c->inflight, h->message_id))
    return NETIPC_ERR_UNKNOWN_ID;
  if (truncated || len > (uint64_t)NETIPC_HEADER_LEN + h->payload_len)
    return NETIPC_ERR_PROTOCOL;
  return NETIPC_OK;
}

/*
 * Receive one message without judging its batch directory. The clock is
 * read only where the deadline is needed: once here for a UDS message
 * (its continuations share the deadline), and by the SHM wait only when
 * its spin turns to sleep.
 */
static netipc_err
session_receive_message(netipc_session *s, uint32_t timeout_ms,
                        const netipc_abort *abort, netipc_header *h,
                        const uint8_t **payload)
{
  netipc__session_core *c = netipc__session_core_of(s);
  size_t len;
  bool truncated = false;
  uint64_t deadline = 0;
  netipc_err err;
  if (c->shm) {
    err = netipc__session_shm_receive(s, timeout_ms, abort, &len);
    /* Too large for the area: consumed, but no header was read, so none
     * goes back (a zero kind: a server has nothing to refuse by id). */
    if (err == NETIPC_ERR_LIMIT_EXCEEDED)
      memset(h, 0, sizeof *h);
  } else {
    deadline = netipc__deadline(timeout_ms);
    err = netipc__session_recv_record(s, timeout_ms, deadline, abort, &len,
                                      &truncated);
  }
  if (err == NETIPC_OK)
    err = session_check_first(c, len, truncated, h);
  if (err != NETIPC_OK)
    return err;
  size_t first = len - NETIPC_HEADER_LEN;
  /* An SHM message is whole: payload_len must match what was published. */
  if (c->shm && first != h->payload_len)
    return NETIPC_ERR_PROTOCOL;
  if (first == h->payload_len) {
    *payload = c->packet + NETIPC_HEADER_LEN;
    return NETIPC_OK;
  }
  err = session_reassemble(s, h, first, deadline, abort);
  *payload = c->message;
  return err;
}

netipc_err
netipc_session_receive(netipc_session *s, uint32_t timeout_ms,
                       const netipc_abort *abort, netipc_header *hdr,
                       const void **payload, size_t *len)
{
  if (s == NULL || hdr == NULL || payload == NULL || len == NULL ||
      netipc__session_core_of(s)->broken)
    return NETIPC_ERR_INVALID_ARG;
  const uint8_t *data = NULL;
  netipc_err err = session_receive_message(s, timeout_ms, abort, hdr, &data);
  /* The header goes back and the session stays usable for sending, so a
   * server can answer LIMIT_EXCEEDED before it closes (posix-uds.md 12). */
  if (err == NETIPC_ERR_LIMIT_EXCEEDED)
    return err;
  if (err == NETIPC_OK && hdr->transport_status == NETIPC_STATUS_OK &&
      (hdr->flags & NETIPC_FLAG_BATCH)) {
    netipc_batch_view v;
    if (netipc_batch_decode(data, hdr->payload_len, hdr->item_count, &v) !=
        NETIPC_OK)
      err = NETIPC_ERR_PROTOCOL;
  }
  if (err != NETIPC_OK)
    return session_break(netipc__session_core_of(s), err);
  *payload = data;
  *len = hdr->payload_len;
  return NETIPC_OK;
}
