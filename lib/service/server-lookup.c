/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Managed-server dispatch of the lookup methods (lookups.md 5-6): decode
 * the request, hand it and a look-ahead builder to the typed handler, and
 * map the outcome to a transport_status exactly as the reference does
 * (5.3): the builder's recorded error wins over the handler's verdict.
 */
#include "config.h"

#include "service/server-internal.h"

static uint16_t
lookup_status(netipc_err recorded)
{
  return recorded == NETIPC_ERR_OVERFLOW ? NETIPC_STATUS_LIMIT_EXCEEDED
                                         : NETIPC_STATUS_BAD_ENVELOPE;
}

void
netipc__server_dispatch_lookup(const netipc_server_config *cfg,
                               const uint8_t *payload, size_t len,
                               uint8_t *out, size_t cap, netipc__reply *r)
{
  bool apps = cfg->method == NETIPC_METHOD_APPS_LOOKUP;
  netipc_lookup_handler handler = apps ? cfg->apps_lookup : cfg->cgroups_lookup;
  netipc_lookup_req_view req;
  /* A BATCH flag is not split: the whole payload is one lookup request. */
  netipc_err err = apps ? netipc_apps_lookup_req_decode(payload, len, &req)
                        : netipc_cgroups_lookup_req_decode(payload, len, &req);
  if (err != NETIPC_OK) {
    netipc__reply_status(r, NETIPC_STATUS_BAD_ENVELOPE);
    return;
  }
  if (handler == NULL) {
    netipc__reply_status(r, NETIPC_STATUS_INTERNAL_ERROR);
    return;
  }
  netipc_lookup_builder b;
  (void)netipc_lookup_builder_init(&b, out, cap, &req); /* recorded in b */
  int failed = handler(cfg->user, &req, &b);
  size_t out_len = 0;
  if (b.error != NETIPC_OK)
    netipc__reply_status(r, lookup_status(b.error));
  else if (failed)
    netipc__reply_status(r, NETIPC_STATUS_INTERNAL_ERROR);
  else if (netipc_lookup_builder_finish(&b, &out_len) != NETIPC_OK)
    netipc__reply_status(r, NETIPC_STATUS_BAD_ENVELOPE); /* k != n */
  else {
    netipc__reply_status(r, NETIPC_STATUS_OK);
    r->payload_len = out_len;
  }
}
