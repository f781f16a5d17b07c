/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Client side helpers shared by call, snapshot and bench: build the Level 2
 * context from the global options, connect once, and turn every failure
 * into one clear line.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "netipc-tool.h"

/*
 * The context only keeps the state of a failed connect attempt. When that
 * state is plain DISCONNECTED, repeat the attempt on the transport to learn
 * why (timeout, rejected limits, ...). Error path only.
 */
static netipc_err
diagnose_connect(const nt_options *o, const char *service,
                 uint32_t batch_items)
{
  netipc_transport_config t;
  memset(&t, 0, sizeof t);
  t.run_dir = o->run_dir;
  t.service_name = service;
  t.supported_profiles = o->supported_profiles;
  t.preferred_profiles = o->preferred_profiles;
  t.max_request_payload_bytes =
      o->max_request ? o->max_request : NETIPC_CLIENT_REQUEST_DEFAULT;
  t.max_response_payload_bytes =
      o->max_response ? o->max_response : NETIPC_CLIENT_RESPONSE_DEFAULT;
  t.max_request_batch_items = batch_items;
  t.max_response_batch_items = batch_items;
  t.auth_token = o->auth_token;
  netipc_session *s = NULL;
  netipc_err err = netipc_session_connect(
      &t, o->timeout_ms ? o->timeout_ms : NETIPC_CALL_TIMEOUT_MS_DEFAULT, NULL,
      &s);
  netipc_session_destroy(s);
  return err;
}

/* The message for a state that is not READY; false if the state says
 * nothing (DISCONNECTED, BROKEN, READY). */
static bool
report_state(const nt_options *o, const char *service,
             netipc_client_state state)
{
  switch (state) {
  case NETIPC_CLIENT_NOT_FOUND:
    nt_error("service '%s' not found in %s", service, o->run_dir);
    return true;
  case NETIPC_CLIENT_AUTH_FAILED:
    nt_error("service '%s' in %s: authentication rejected (check "
             "--auth-token)",
             service, o->run_dir);
    return true;
  case NETIPC_CLIENT_INCOMPATIBLE:
    nt_error("service '%s' in %s: incompatible server (no common profile, "
             "protocol version or layout)",
             service, o->run_dir);
    return true;
  default:
    return false;
  }
}

static const char *
err_text(netipc_err err)
{
  switch (err) {
  case NETIPC_ERR_TIMEOUT:
    return "timed out";
  case NETIPC_ERR_AUTH_FAILED:
    return "authentication rejected";
  case NETIPC_ERR_INCOMPATIBLE:
  case NETIPC_ERR_NO_PROFILE:
    return "incompatible server";
  case NETIPC_ERR_NOT_FOUND:
    return "not found";
  case NETIPC_ERR_OVERFLOW:
    return "message larger than the agreed limits (raise the server's "
           "--max-request-payload / --max-response-payload)";
  case NETIPC_ERR_REMOTE_STATUS:
    return "the server answered with an error status (wrong service kind, "
           "or the server failed)";
  default:
    return netipc_strerror(err);
  }
}

int
nt_client_open(const nt_options *o, const char *service, uint16_t method,
               uint32_t batch_items, netipc_client **out)
{
  netipc_client_config cfg;
  nt_client_config(o, service, batch_items, &cfg);
  netipc_client *c = NULL;
  netipc_err err = netipc_client_create(&cfg, method, &c);
  if (err != NETIPC_OK)
    return nt_error("service '%s' in %s: %s", service, o->run_dir,
                    netipc_strerror(err));
  (void)netipc_client_refresh(c);
  netipc_client_status st;
  netipc_client_status_get(c, &st);
  if (st.state == NETIPC_CLIENT_READY) {
    *out = c;
    return NT_EXIT_OK;
  }
  netipc_client_destroy(c);
  if (report_state(o, service, st.state))
    return NT_EXIT_FAIL;
  err = diagnose_connect(o, service, batch_items);
  if (err == NETIPC_ERR_NOT_FOUND)
    return nt_error("service '%s' not found in %s", service, o->run_dir);
  return nt_error("service '%s' in %s: connection failed: %s", service,
                  o->run_dir,
                  err != NETIPC_OK ? err_text(err) : "transient failure");
}

int
nt_client_fail(const nt_options *o, const char *service,
               const netipc_client *c, const char *what, netipc_err err)
{
  netipc_client_status st;
  netipc_client_status_get(c, &st);
  if (err != NETIPC_ERR_TIMEOUT && report_state(o, service, st.state))
    return NT_EXIT_FAIL;
  if (err == NETIPC_ERR_NOT_READY) {
    /* Never connected: say why, as nt_client_open does. */
    netipc_err why = diagnose_connect(o, service, 0);
    if (why == NETIPC_ERR_NOT_FOUND)
      return nt_error("service '%s' not found in %s", service, o->run_dir);
    return nt_error("service '%s' in %s: connection failed: %s", service,
                    o->run_dir,
                    why != NETIPC_OK ? err_text(why) : "transient failure");
  }
  return nt_error("service '%s' in %s: %s: %s", service, o->run_dir, what,
                  err_text(err));
}

void
nt_client_config(const nt_options *o, const char *service,
                 uint32_t batch_items, netipc_client_config *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->run_dir = o->run_dir;
  cfg->service_name = service;
  cfg->supported_profiles = o->supported_profiles;
  cfg->preferred_profiles = o->preferred_profiles;
  cfg->max_request_payload_bytes = o->max_request;
  cfg->max_response_payload_bytes = o->max_response;
  cfg->max_request_batch_items = batch_items;
  cfg->auth_token = o->auth_token;
  cfg->timeout_ms = o->timeout_ms;
}

void
nt_client_verbose(const nt_options *o, const char *service,
                  const netipc_client *c, uint64_t *last_id)
{
  if (!o->verbose)
    return;
  netipc_client_status st;
  netipc_client_status_get(c, &st);
  if (st.state != NETIPC_CLIENT_READY || st.session.session_id == *last_id)
    return;
  *last_id = st.session.session_id;
  const netipc_session_info *i = &st.session;
  char sup[96];
  fprintf(stderr,
          "netipc: service '%s' in %s: profile %s (offered %s), session %llu, "
          "request limit %u bytes x %u items, response limit %u bytes x %u "
          "items, packet size %u\n",
          service, o->run_dir, nt_profile_name(i->selected_profile),
          nt_profile_mask(st.supported_profiles, sup, sizeof sup),
          (unsigned long long)i->session_id, i->max_request_payload_bytes,
          i->max_request_batch_items, i->max_response_payload_bytes,
          i->max_response_batch_items, i->packet_size);
}
