/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Level 2 managed server: lifecycle and the acceptor loop (level2.md 9.1,
 * 9.2, 9.8). The acceptor only accepts; each handshake runs on its
 * session's thread, so a silent client never delays another.
 */
#include "config.h"

#include <string.h>

#include "common/alloc.h"
#include "service/server-internal.h"

static bool
server_handler_ok(const netipc_server_config *cfg)
{
  switch (cfg->method) {
  case NETIPC_METHOD_INCREMENT:
    return cfg->increment != NULL;
  case NETIPC_METHOD_STRING_REVERSE:
    return cfg->string_reverse != NULL;
  case NETIPC_METHOD_CGROUPS_SNAPSHOT:
    return cfg->cgroups_snapshot != NULL;
  case NETIPC_METHOD_CGROUPS_LOOKUP:
    return cfg->cgroups_lookup != NULL;
  case NETIPC_METHOD_APPS_LOOKUP:
    return cfg->apps_lookup != NULL;
  default:
    return false;
  }
}

static netipc_err
server_listen(netipc_server *s)
{
  netipc_transport_config t;
  memset(&t, 0, sizeof t);
  t.run_dir = s->run_dir;
  t.service_name = s->service_name;
  t.supported_profiles = s->cfg.supported_profiles;
  t.preferred_profiles = s->cfg.preferred_profiles;
  t.max_request_payload_bytes = s->cfg.max_request_payload_bytes;
  t.max_response_payload_bytes = s->cfg.max_response_payload_bytes;
  t.auth_token = s->cfg.auth_token;
  t.handshake_timeout_ms = s->cfg.handshake_timeout_ms;
  return netipc_listener_create(&t, &s->listener);
}

static void
server_defaults(netipc_server_config *cfg)
{
  if (cfg->max_request_payload_bytes == 0)
    cfg->max_request_payload_bytes = NETIPC_SERVER_REQUEST_DEFAULT;
  if (cfg->max_response_payload_bytes == 0)
    cfg->max_response_payload_bytes = NETIPC_SERVER_RESPONSE_DEFAULT;
  if (cfg->workers == 0)
    cfg->workers = NETIPC_SERVER_WORKERS_DEFAULT;
}

netipc_err
netipc_server_create(const netipc_server_config *cfg, netipc_server **out)
{
  if (cfg == NULL || out == NULL || cfg->run_dir == NULL ||
      !server_handler_ok(cfg))
    return NETIPC_ERR_INVALID_ARG;
  netipc_err err = netipc_service_name_check(cfg->service_name);
  if (err != NETIPC_OK)
    return err;
  netipc_server *s = netipc__calloc(1, sizeof *s);
  if (s == NULL)
    return NETIPC_ERR_NOMEM;
  s->cfg = *cfg;
  server_defaults(&s->cfg);
  s->run_dir = netipc__strdup(cfg->run_dir);
  s->service_name = netipc__strdup(cfg->service_name);
  s->cfg.run_dir = s->run_dir;
  s->cfg.service_name = s->service_name;
  s->nslots = s->cfg.workers;
  s->slots = netipc__calloc(s->nslots, sizeof *s->slots);
  err = s->run_dir && s->service_name && s->slots ? NETIPC_OK
                                                  : NETIPC_ERR_NOMEM;
  if (err == NETIPC_OK)
    err = netipc_abort_create(&s->accept_stop);
  if (err == NETIPC_OK)
    err = netipc_abort_create(&s->session_stop);
  if (err == NETIPC_OK)
    err = server_listen(s);
  if (err != NETIPC_OK) {
    netipc_server_destroy(s);
    return err;
  }
  for (uint32_t i = 0; i < s->nslots; i++)
    s->slots[i].server = s;
  *out = s;
  return NETIPC_OK;
}

/* Join finished session threads and return a free slot, or NULL. */
static server_slot *
server_reap(netipc_server *s)
{
  uint32_t free_i = s->nslots; /* an index: none found yet */
  for (uint32_t i = 0; i < s->nslots; i++) {
    server_slot *slot = &s->slots[i];
    if (netipc__atomic_load32(&slot->state) == SLOT_DONE) {
      netipc__thread_join(slot->thread);
      slot->thread = NULL;
      netipc__atomic_store32(&slot->state, SLOT_FREE);
    }
    if (free_i == s->nslots && netipc__atomic_load32(&slot->state) == SLOT_FREE)
      free_i = i;
  }
  return free_i < s->nslots ? &s->slots[free_i] : NULL;
}

/*
 * At capacity the connection is answered and then closed, as upstream
 * does (level2.md 9.2): the client sees READY and a failing first call.
 */
static void
server_refuse(netipc_server *s, netipc_pending *p)
{
  netipc_session *session = NULL;
  if (netipc_pending_handshake(p, SERVER_OVERLOAD_HANDSHAKE_MS,
                               s->accept_stop, &session) == NETIPC_OK)
    netipc_session_destroy(session);
}

static void
server_spawn(netipc_server *s, netipc_pending *p)
{
  server_slot *slot = server_reap(s);
  if (slot == NULL) {
    server_refuse(s, p);
    return;
  }
  slot->pending = p;
  netipc__atomic_store32(&slot->state, SLOT_BUSY);
  netipc__atomic_add32(&s->live, 1);
  netipc__atomic_add32(&s->handshaking, 1);
  if (netipc__thread_create(&slot->thread, netipc__server_session_main,
                            slot) != NETIPC_OK) {
    netipc_pending_destroy(p);
    slot->pending = NULL;
    netipc__atomic_add32(&s->handshaking, (uint32_t)-1);
    netipc__atomic_add32(&s->live, (uint32_t)-1);
    netipc__atomic_store32(&slot->state, SLOT_FREE);
  }
}

netipc_err
netipc_server_run(netipc_server *s)
{
  if (s == NULL || netipc__atomic_add32(&s->running, 1) != 1)
    return NETIPC_ERR_INVALID_ARG;
  while (!netipc_abort_is_signalled(s->accept_stop)) {
    netipc_pending *p;
    netipc_err err =
        netipc_listener_accept_pending(s->listener, 0, s->accept_stop, &p);
    if (err == NETIPC_ERR_ABORTED)
      break;
    if (err != NETIPC_OK) {
      netipc__sleep_ms(SERVER_ACCEPT_BACKOFF_MS);
      continue;
    }
    server_spawn(s, p);
  }
  return NETIPC_OK;
}

static void
server_acceptor_main(void *arg)
{
  (void)netipc_server_run(arg);
}

netipc_err
netipc_server_start(netipc_server *s)
{
  if (s == NULL || s->acceptor != NULL)
    return NETIPC_ERR_INVALID_ARG;
  return netipc__thread_create(&s->acceptor, server_acceptor_main, s);
}

void
netipc_server_stop(netipc_server *s)
{
  if (s == NULL)
    return;
  netipc_abort_signal(s->accept_stop);
  netipc_abort_signal(s->session_stop);
}

uint32_t
netipc_server_sessions(const netipc_server *s)
{
  return s != NULL ? netipc__atomic_load32(&s->live) : 0;
}

static void
server_join_all(netipc_server *s)
{
  netipc__thread_join(s->acceptor);
  s->acceptor = NULL;
  for (uint32_t i = 0; i < s->nslots; i++) {
    netipc__thread_join(s->slots[i].thread);
    s->slots[i].thread = NULL;
    s->slots[i].state = SLOT_FREE;
  }
}

bool
netipc_server_drain(netipc_server *s, uint32_t timeout_ms)
{
  if (s == NULL)
    return true;
  netipc_abort_signal(s->accept_stop);
  netipc__thread_join(s->acceptor);
  s->acceptor = NULL;
  uint64_t deadline = netipc__now_ms() + timeout_ms;
  /* Close the endpoint as soon as no handshake reads the listener any more
   * (they end by their own deadline; past ours they are aborted), so a
   * client does not sit in a handshake nobody will answer. Live sessions
   * keep their own connections. */
  while (netipc__atomic_load32(&s->handshaking) != 0 &&
         netipc__now_ms() < deadline)
    netipc__sleep_ms(SERVER_DRAIN_POLL_MS);
  if (netipc__atomic_load32(&s->handshaking) != 0)
    netipc_abort_signal(s->session_stop);
  while (netipc__atomic_load32(&s->handshaking) != 0)
    netipc__sleep_ms(SERVER_DRAIN_POLL_MS);
  netipc_listener_destroy(s->listener);
  s->listener = NULL;
  while (netipc_server_sessions(s) != 0 && netipc__now_ms() < deadline)
    netipc__sleep_ms(SERVER_DRAIN_POLL_MS);
  bool clean = netipc_server_sessions(s) == 0;
  netipc_abort_signal(s->session_stop);
  server_join_all(s);
  return clean;
}

void
netipc_server_destroy(netipc_server *s)
{
  if (s == NULL)
    return;
  netipc_server_stop(s);
  if (s->slots != NULL)
    server_join_all(s);
  netipc_listener_destroy(s->listener);
  netipc_abort_destroy(s->accept_stop);
  netipc_abort_destroy(s->session_stop);
  netipc__free(s->slots);
  netipc__free(s->run_dir);
  netipc__free(s->service_name);
  netipc__free(s);
}
