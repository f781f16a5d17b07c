/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-shm-boundary.c - the exact-fill boundary of the SHM areas
 * (posix-shm.md 4, 7-9, 14), in both directions. On the region: a message
 * exactly as long as the area is published and received whole; one byte
 * more is "too large" and nothing is published; a receive buffer one byte
 * short, or a peer that publishes a length above the area, is "too large"
 * and the message is consumed. On a Level 1 session whose limits make the
 * areas exactly 32 + limit bytes: a payload of exactly the agreed limit
 * travels, one byte more is LIMIT_EXCEEDED and the session stays usable.
 */
#include "config.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "tests/shm-helpers.h"
#include "tests/tap.h"
#include "tests/uds-helpers.h"
#include "transport/posix/posix-shm-internal.h"

#define PLAN 28
/* 32 + RQ and 32 + RS are multiples of 64: the areas hold exactly them. */
#define RQ 1056u
#define RS 4064u
#define REQ_AREA (NETIPC_HEADER_LEN + RQ)
#define RESP_AREA (NETIPC_HEADER_LEN + RS)
#define SID 5u
#define SMALL_PAYLOAD 8u
#define ROUND_TRIP_ID 77u

static char run_dir[64];
static const char *const SVC = "shm-edge";

/* A message of `total` bytes: a header whose payload_len says so, then a
 * pattern seeded by total. */
static void
make_message(uint8_t *buf, size_t total)
{
  netipc_header h;
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, total);
  h.payload_len = (uint32_t)(total - NETIPC_HEADER_LEN);
  netipc_header_encode(&h, buf, NETIPC_HEADER_LEN);
  uds_fill(buf + NETIPC_HEADER_LEN, total - NETIPC_HEADER_LEN,
           (uint32_t)total);
}

static uint64_t
seq_of(const netipc__shm *shm, bool requests)
{
  return atomic_load((_Atomic uint64_t *)(shm->base +
                                          (requests ? NETIPC__SHM_REQ_SEQ
                                                    : NETIPC__SHM_RESP_SEQ)));
}

/* One direction: `from` publishes into an area of `area` bytes, `to`
 * receives. */
static void
region_direction(netipc__shm *from, netipc__shm *to, uint32_t area,
                 const char *what)
{
  bool requests = from->role == NETIPC_ROLE_CLIENT;
  uint8_t *msg = malloc(area + 1), *buf = malloc(area + 1);
  if (msg == NULL || buf == NULL)
    bail_out("out of memory");
  size_t len = 0;

  /* Exactly the area: published and received whole. */
  make_message(msg, area);
  is_err(netipc__shm_publish(from, msg, msg + NETIPC_HEADER_LEN,
                             area - NETIPC_HEADER_LEN),
         NETIPC_OK, "%s: a %u-byte message fills the %u-byte area", what,
         area, area);
  memset(buf, 0, area + 1);
  netipc_err err =
      netipc__shm_receive(to, UDS_WAIT_MS, NULL, -1, buf, area, &len);
  ok(err == NETIPC_OK && len == area && memcmp(buf, msg, area) == 0,
     "%s: received whole into an area-sized buffer (%s, %zu bytes)", what,
     netipc_err_name(err), len);

  /* One byte more: too large, nothing published. */
  uint64_t before = seq_of(from, requests);
  make_message(msg, area + 1);
  is_err(netipc__shm_publish(from, msg, msg + NETIPC_HEADER_LEN,
                             area + 1 - NETIPC_HEADER_LEN),
         NETIPC_ERR_LIMIT_EXCEEDED, "%s: %u bytes are too large", what,
         area + 1);
  is_uint(seq_of(from, requests), before, "%s: and nothing was published",
          what);

  /* A buffer one byte short: too large, consumed. */
  make_message(msg, area);
  netipc__shm_publish(from, msg, msg + NETIPC_HEADER_LEN,
                      area - NETIPC_HEADER_LEN);
  is_err(netipc__shm_receive(to, UDS_WAIT_MS, NULL, -1, buf, area - 1, &len),
         NETIPC_ERR_LIMIT_EXCEEDED,
         "%s: a full area into a buffer one byte short is too large", what);
  make_message(msg, NETIPC_HEADER_LEN + SMALL_PAYLOAD);
  netipc__shm_publish(from, msg, msg + NETIPC_HEADER_LEN, SMALL_PAYLOAD);
  err = netipc__shm_receive(to, UDS_WAIT_MS, NULL, -1, buf, area, &len);
  ok(err == NETIPC_OK && len == NETIPC_HEADER_LEN + SMALL_PAYLOAD &&
         memcmp(buf, msg, len) == 0,
     "%s: the rejected message was consumed: the next one is read (%s)",
     what, netipc_err_name(err));

  /* A peer that publishes a length one above the area. */
  unsigned len_off = requests ? NETIPC__SHM_REQ_LEN : NETIPC__SHM_RESP_LEN;
  unsigned seq_off = requests ? NETIPC__SHM_REQ_SEQ : NETIPC__SHM_RESP_SEQ;
  unsigned sig_off = requests ? NETIPC__SHM_REQ_SIGNAL : NETIPC__SHM_RESP_SIGNAL;
  shm_raw_publish(from->base, len_off, seq_off, sig_off, area + 1);
  is_err(netipc__shm_receive(to, UDS_WAIT_MS, NULL, -1, buf, area + 1, &len),
         NETIPC_ERR_LIMIT_EXCEEDED,
         "%s: a published length of area + 1 is too large, even for a "
         "larger buffer", what);
  shm_raw_publish(from->base, len_off, seq_off, sig_off, area);
  err = netipc__shm_receive(to, UDS_WAIT_MS, NULL, -1, buf, area, &len);
  ok(err == NETIPC_OK && len == area,
     "%s: a published length of exactly the area is read (%s)", what,
     netipc_err_name(err));
  free(msg);
  free(buf);
}

static void
test_region(void)
{
  netipc__shm *srv = NULL, *cli = NULL;
  if (netipc__shm_create(run_dir, SVC, SID, RQ, RS, false, &srv) !=
          NETIPC_OK ||
      netipc__shm_attach(run_dir, SVC, SID, RQ, RS, false, &cli) != NETIPC_OK)
    bail_out("cannot make the region");
  ok(srv->req_cap == REQ_AREA && srv->resp_cap == RESP_AREA &&
         cli->req_cap == REQ_AREA && cli->resp_cap == RESP_AREA,
     "premise: the areas are exactly 32 + %u and 32 + %u bytes", RQ, RS);
  region_direction(cli, srv, REQ_AREA, "region request");
  region_direction(srv, cli, RESP_AREA, "region response");
  netipc__shm_destroy(cli);
  netipc__shm_destroy(srv);
}

/* Send `payload` bytes from `from`, receive them on `to`; the error of
 * the send, or of the receive when the send worked. */
static netipc_err
session_transfer(netipc_session *from, netipc_session *to, uint16_t kind,
                 size_t payload, uint64_t id)
{
  uint8_t *p = malloc(payload + 1);
  if (p == NULL)
    bail_out("out of memory");
  uds_fill(p, payload, (uint32_t)payload);
  netipc_header h, got;
  netipc_header_init(&h, kind, NETIPC_METHOD_INCREMENT, id);
  netipc_err err = netipc_session_send(from, &h, p, payload);
  if (err == NETIPC_OK) {
    const void *rp;
    size_t rlen = 0;
    err = netipc_session_receive(to, UDS_WAIT_MS, NULL, &got, &rp, &rlen);
    if (err == NETIPC_OK && (rlen != payload || memcmp(rp, p, payload) != 0 ||
                             got.message_id != id))
      err = NETIPC_ERR_PROTOCOL;
  }
  free(p);
  return err;
}

static void
test_session(void)
{
  netipc_transport_config c;
  shm_config(&c, run_dir, SVC, SHM_PROFILES_BOTH, SHM_PREFERRED, RQ, RS);
  netipc_listener *l = NULL;
  if (netipc_listener_create(&c, &l) != NETIPC_OK)
    bail_out("listener %s", SVC);
  uds_pair p;
  uds_pair_open(&p, l, &c, 1);
  if (p.err != NETIPC_OK)
    bail_out("SHM pair: %s", netipc_err_name(p.err));
  const netipc_session_info *ci = netipc_session_get_info(p.client);
  ok(ci->selected_profile == NETIPC_PROFILE_SHM_HYBRID &&
         ci->max_request_payload_bytes == RQ &&
         ci->max_response_payload_bytes == RS,
     "premise: an SHM session with limits %u / %u (got profile %u, %u / %u)",
     RQ, RS, ci->selected_profile, ci->max_request_payload_bytes,
     ci->max_response_payload_bytes);
  uint8_t h[64];
  char path[256];
  shm_region_path(run_dir, SVC, ci->session_id, path, sizeof path);
  ok(shm_read_header(path, h) == 0 && shm_ld32(h + SHM_H_REQ_CAP) == REQ_AREA &&
         shm_ld32(h + SHM_H_RESP_CAP) == RESP_AREA,
     "premise: its areas hold exactly 32 + limit bytes");

  uint64_t id = 1;
  is_err(session_transfer(p.client, p.server, NETIPC_KIND_REQUEST, RQ, id),
         NETIPC_OK, "session: a request of exactly %u payload bytes", RQ);
  is_err(session_transfer(p.server, p.client, NETIPC_KIND_RESPONSE, RS, id),
         NETIPC_OK, "session: a response of exactly %u payload bytes", RS);
  id++;
  is_err(session_transfer(p.client, p.server, NETIPC_KIND_REQUEST, RQ + 1, id),
         NETIPC_ERR_LIMIT_EXCEEDED, "session: a request of %u bytes is refused",
         RQ + 1);
  is_uint(netipc_session_inflight(p.client), 0,
          "session: and its id is not left in flight");
  is_err(session_transfer(p.client, p.server, NETIPC_KIND_REQUEST,
                          SMALL_PAYLOAD, id),
         NETIPC_OK, "session: the client can still send");
  is_err(session_transfer(p.server, p.client, NETIPC_KIND_RESPONSE, RS + 1,
                          id),
         NETIPC_ERR_LIMIT_EXCEEDED, "session: a response of %u bytes is refused",
         RS + 1);
  is_err(session_transfer(p.server, p.client, NETIPC_KIND_RESPONSE,
                          SMALL_PAYLOAD, id),
         NETIPC_OK, "session: the server can still answer");
  ok(uds_pair_round_trip(&p, ROUND_TRIP_ID),
     "session: an ordinary round trip after the refusals");
  uds_pair_close(&p);
  netipc_listener_destroy(l);
}

int
main(void)
{
  uds_safety_alarm();
  plan(PLAN);
  uds_rundir_make(run_dir, sizeof run_dir, "shm-edge");
  test_region();
  test_session();
  is_int(shm_count_regions(run_dir), 0, "every region file is gone");
  uds_rundir_remove(run_dir);
  return exit_status();
}
