/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One managed-server session thread (level2.md 9.3-9.4): the handshake
 * (off the acceptor, bounded), then receive, dispatch, reply until the
 * client leaves, a fatal status, or the server stops.
 */
#include "config.h"

#include "common/alloc.h"
#include "service/server-internal.h"

/* Header-only answer to a request over the agreed limits (level2.md 6.3). */
static void
session_refuse_oversized(netipc_session *s, const netipc_header *req)
{
  if (req->kind != NETIPC_KIND_REQUEST)
    return;
  netipc_header h;
  netipc_header_init(&h, NETIPC_KIND_RESPONSE, req->code, req->message_id);
  h.transport_status = NETIPC_STATUS_LIMIT_EXCEEDED;
  (void)netipc_session_send(s, &h, NULL, 0);
}

/* Serve requests until the session must end. */
static void
session_serve(netipc_server *srv, netipc_session *s, uint8_t *scratch,
              size_t cap)
{
  for (;;) {
    netipc_header req;
    const void *payload;
    size_t len;
    netipc_err err = netipc_session_receive(s, 0, srv->session_stop, &req,
                                            &payload, &len);
    if (err == NETIPC_ERR_LIMIT_EXCEEDED)
      session_refuse_oversized(s, &req);
    if (err != NETIPC_OK || req.kind != NETIPC_KIND_REQUEST)
      return;
    netipc__reply r;
    netipc__server_dispatch(&srv->cfg, &req, payload, len, scratch, cap, &r);
    netipc_header h;
    netipc_header_init(&h, NETIPC_KIND_RESPONSE, req.code, req.message_id);
    h.transport_status = r.status;
    h.flags = r.flags;
    h.item_count = r.item_count;
    if (netipc_session_send(s, &h, scratch, r.payload_len) != NETIPC_OK ||
        r.close_after)
      return;
  }
}

void
netipc__server_session_main(void *arg)
{
  server_slot *slot = arg;
  netipc_server *srv = slot->server;
  netipc_session *s = NULL;
  netipc_err err = netipc_pending_handshake(slot->pending, 0,
                                            srv->session_stop, &s);
  slot->pending = NULL; /* consumed either way */
  netipc__atomic_add32(&srv->handshaking, (uint32_t)-1);
  if (err == NETIPC_OK) {
    /* Responses are built against the agreed response limit. */
    size_t cap = netipc_session_get_info(s)->max_response_payload_bytes;
    uint8_t *scratch =
        netipc__malloc(cap > SERVER_MIN_SCRATCH ? cap : SERVER_MIN_SCRATCH);
    if (scratch != NULL)
      session_serve(srv, s, scratch, cap);
    netipc__free(scratch);
    netipc_session_destroy(s);
  }
  netipc__atomic_add32(&srv->live, (uint32_t)-1);
  netipc__atomic_store32(&slot->state, SLOT_DONE);
}
