/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Level 2 client context: lifecycle, connect attempts, refresh and status
 * (level2.md 3). No threads: everything happens inside the caller's calls.
 */
#include "config.h"

#include <string.h>

#include "common/alloc.h"
#include "service/client-internal.h"
#include "transport/platform.h"

const char *
netipc_client_state_name(netipc_client_state state)
{
  static const char *const names[] = {
      "DISCONNECTED", "CONNECTING",   "READY", "NOT_FOUND",
      "AUTH_FAILED",  "INCOMPATIBLE", "BROKEN"};
  return (unsigned)state < sizeof names / sizeof names[0] ? names[state]
                                                          : "UNKNOWN";
}

uint32_t
netipc__next_pow2(uint64_t n)
{
  uint64_t p = CLIENT_NEXT_POW2_MIN;
  while (p < n && p < (UINT64_C(1) << 31))
    p <<= 1;
  return (uint32_t)p;
}

static uint32_t
client_or(uint32_t v, uint32_t fallback)
{
  return v != 0 ? v : fallback;
}

static void
client_configure(netipc_client *c, const netipc_client_config *cfg)
{
  netipc_transport_config *t = &c->tcfg;
  memset(t, 0, sizeof *t);
  t->run_dir = c->run_dir;
  t->service_name = c->service_name;
  t->supported_profiles = client_or(cfg->supported_profiles,
                                    NETIPC_PROFILE_BASELINE);
  t->preferred_profiles = cfg->preferred_profiles;
  t->max_request_payload_bytes =
      client_or(cfg->max_request_payload_bytes, NETIPC_CLIENT_REQUEST_DEFAULT);
  t->max_response_payload_bytes = client_or(cfg->max_response_payload_bytes,
                                            NETIPC_CLIENT_RESPONSE_DEFAULT);
  t->max_request_batch_items =
      client_or(cfg->max_request_batch_items, NETIPC_BATCH_ITEMS_DEFAULT);
  /* The response batch proposal always equals the request one. */
  t->max_response_batch_items = t->max_request_batch_items;
  t->auth_token = cfg->auth_token;
  t->file_shm = cfg->file_shm;
  c->growth_cap_request = t->max_request_payload_bytes > NETIPC_MAX_PAYLOAD_CAP
                              ? t->max_request_payload_bytes
                              : NETIPC_MAX_PAYLOAD_CAP;
  c->growth_cap_response =
      t->max_response_payload_bytes > NETIPC_MAX_PAYLOAD_CAP
          ? t->max_response_payload_bytes
          : NETIPC_MAX_PAYLOAD_CAP;
  c->timeout_ms = client_or(cfg->timeout_ms, NETIPC_CALL_TIMEOUT_MS_DEFAULT);
  c->lookup_max_items =
      client_or(cfg->max_lookup_items, NETIPC_LOOKUP_MAX_ITEMS_DEFAULT);
  c->lookup_max_subcalls =
      client_or(cfg->max_lookup_subcalls, NETIPC_LOOKUP_MAX_SUBCALLS_DEFAULT);
  c->lookup_max_bytes = client_or(cfg->max_lookup_response_bytes,
                                  NETIPC_LOOKUP_MAX_RESPONSE_DEFAULT);
}

netipc_err
netipc_client_create(const netipc_client_config *cfg, uint16_t method,
                     netipc_client **out)
{
  if (cfg == NULL || out == NULL || cfg->run_dir == NULL)
    return NETIPC_ERR_INVALID_ARG;
  netipc_err err = netipc_service_name_check(cfg->service_name);
  if (err != NETIPC_OK)
    return err;
  netipc_client *c = netipc__calloc(1, sizeof *c);
  if (c == NULL)
    return NETIPC_ERR_NOMEM;
  c->method = method;
  c->state = NETIPC_CLIENT_DISCONNECTED;
  c->run_dir = netipc__strdup(cfg->run_dir);
  c->service_name = netipc__strdup(cfg->service_name);
  err = c->run_dir && c->service_name ? netipc_abort_create(&c->abort)
                                      : NETIPC_ERR_NOMEM;
  if (err != NETIPC_OK) {
    netipc_client_destroy(c);
    return err;
  }
  client_configure(c, cfg);
  *out = c;
  return NETIPC_OK;
}

void
netipc__client_teardown(netipc_client *c, netipc_client_state state)
{
  netipc_session_destroy(c->session);
  c->session = NULL;
  c->state = state;
}

static netipc_client_state
client_state_for(netipc_err err)
{
  switch (err) {
  case NETIPC_OK:
    return NETIPC_CLIENT_READY;
  case NETIPC_ERR_NOT_FOUND:
  case NETIPC_ERR_RUN_DIR_MISSING: /* the server has not made it yet */
    return NETIPC_CLIENT_NOT_FOUND;
  case NETIPC_ERR_AUTH_FAILED:
    return NETIPC_CLIENT_AUTH_FAILED;
  case NETIPC_ERR_NO_PROFILE:
  case NETIPC_ERR_INCOMPATIBLE:
    return NETIPC_CLIENT_INCOMPATIBLE;
  default:
    return NETIPC_CLIENT_DISCONNECTED;
  }
}

void
netipc__client_connect(netipc_client *c)
{
  netipc__client_teardown(c, NETIPC_CLIENT_CONNECTING);
  netipc_err err =
      netipc_session_connect(&c->tcfg, c->timeout_ms, NULL, &c->session);
  if (err == NETIPC_ERR_SHM_ATTACH) {
    /* Never again SHM on this context; retry at once on what is left
     * (level2.md 8). The baseline always remains. */
    c->tcfg.supported_profiles &= ~NETIPC__SHM_PROFILES;
    c->tcfg.preferred_profiles &= ~NETIPC__SHM_PROFILES;
    err = c->tcfg.supported_profiles != 0
              ? netipc_session_connect(&c->tcfg, c->timeout_ms, NULL,
                                       &c->session)
              : NETIPC_ERR_DISCONNECTED;
  }
  if (err != NETIPC_OK)
    c->session = NULL;
  c->state = client_state_for(err);
}

bool
netipc_client_refresh(netipc_client *c)
{
  if (c == NULL)
    return false;
  netipc_client_state before = c->state;
  switch (before) {
  case NETIPC_CLIENT_DISCONNECTED:
  case NETIPC_CLIENT_NOT_FOUND:
    netipc__client_connect(c);
    if (c->state == NETIPC_CLIENT_READY)
      c->connect_count++;
    break;
  case NETIPC_CLIENT_BROKEN:
    netipc__client_connect(c);
    if (c->state == NETIPC_CLIENT_READY)
      c->reconnect_count++;
    break;
  default: /* READY, CONNECTING, and the sticky AUTH_FAILED/INCOMPATIBLE */
    break;
  }
  return c->state != before;
}

bool
netipc_client_ready(const netipc_client *c)
{
  return c != NULL && c->state == NETIPC_CLIENT_READY;
}

void
netipc_client_status_get(const netipc_client *c, netipc_client_status *out)
{
  if (c == NULL || out == NULL)
    return;
  memset(out, 0, sizeof *out);
  out->state = c->state;
  out->connect_count = c->connect_count;
  out->reconnect_count = c->reconnect_count;
  out->call_count = c->call_count;
  out->error_count = c->error_count;
  if (c->session != NULL)
    out->session = *netipc_session_get_info(c->session);
  out->request_proposal = c->tcfg.max_request_payload_bytes;
  out->response_proposal = c->tcfg.max_response_payload_bytes;
  out->supported_profiles = c->tcfg.supported_profiles;
}

void
netipc_client_set_timeout(netipc_client *c, uint32_t timeout_ms)
{
  if (c != NULL)
    c->timeout_ms = client_or(timeout_ms, NETIPC_CALL_TIMEOUT_MS_DEFAULT);
}

void
netipc_client_abort(netipc_client *c)
{
  if (c != NULL)
    netipc_abort_signal(c->abort);
}

void
netipc_client_clear_abort(netipc_client *c)
{
  if (c != NULL)
    netipc_abort_clear(c->abort);
}

void
netipc_client_close(netipc_client *c)
{
  if (c == NULL)
    return;
  netipc__client_teardown(c, NETIPC_CLIENT_DISCONNECTED);
  netipc_abort_clear(c->abort);
  netipc__free(c->request);
  c->request = NULL;
  c->request_cap = 0;
  netipc__free(c->lookup); /* views of the last lookup end here */
  c->lookup = NULL;
  c->lookup_cap = 0;
}

void
netipc_client_destroy(netipc_client *c)
{
  if (c == NULL)
    return;
  netipc_client_close(c);
  netipc_abort_destroy(c->abort);
  netipc__free(c->run_dir);
  netipc__free(c->service_name);
  netipc__free(c);
}
