/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-lookup-replay.c - the five recorded logical lookup calls of
 * shared/vectors/lookup/ (the _call_ groups) replayed in both roles (lookups.md 8):
 *
 * - client: a netipc client talks to a scripted Level 1 server that
 *   answers with the recorded sub-responses; it must send exactly the
 *   recorded sub-requests (payload, code, message_id, no BATCH) and return
 *   exactly the recorded final payload;
 * - server: a netipc managed server whose handler gives the README's
 *   answers must send exactly the recorded sub-responses for the recorded
 *   sub-requests (raw client, byte for byte);
 * - both: a netipc client against that managed server returns the final.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>

#include <netipc/service.h>

#include "lookup-answers.h"
#include "service-helpers.h"
#include "service-raw-posix.h"
#include "tap.h"
#include "vectors.h"

#define MAX_SUBS 2
#define MAX_KEYS 4
#define LONG_KEY_LEN 200
#define RECV_TIMEOUT_MS 5000
#define ACCEPT_TIMEOUT_MS 10000
#define CONNECT_TIMEOUT_MS 5000

/* One recorded call (vectors/README.md, logical-call table). */
typedef struct group {
  const char *name;
  uint16_t method;
  uint32_t request_limit;  /* agreed request limit */
  uint32_t response_limit; /* agreed response limit */
  uint64_t generation;     /* what the recorded server answered */
  int subs;                /* exchanges */
  size_t nkeys;
  const char *paths[MAX_KEYS]; /* NULL entry: the 200-byte long key */
  uint32_t pids[MAX_KEYS];
} group;

static const group groups[] = {
    {"cgroups_lookup_call_oversized_middle", NETIPC_METHOD_CGROUPS_LOOKUP,
     1024, 256, 77, 2, 3, {"/cg/a", "/cg/big", "/cg/c"}, {0}},
    {"cgroups_lookup_call_long_key", NETIPC_METHOD_CGROUPS_LOOKUP, 128,
     65536, 88, 2, 3, {"/cg/a", "/cg/c", NULL}, {0}},
    {"apps_lookup_call_split", NETIPC_METHOD_APPS_LOOKUP, 1024, 320, 99, 2, 4,
     {NULL}, {2001, 2002, 2003, 2004}},
    {"apps_lookup_call_first_oversized", NETIPC_METHOD_APPS_LOOKUP, 1024,
     160, 5, 2, 2, {NULL}, {2001, 2002}},
    {"apps_lookup_call_mixed", NETIPC_METHOD_APPS_LOOKUP, 1024, 65536, 19, 1, 4,
     {NULL}, {1001, 1002, 1003, 1004}},
};
#define NGROUPS (sizeof groups / sizeof groups[0])

/* The recorded bytes of one group. */
typedef struct recording {
  vectors_blob req[MAX_SUBS], resp[MAX_SUBS], final;
} recording;

static char long_key[LONG_KEY_LEN + 1];
static vectors_dirs dirs;

/* The file <group>_<suffix>.bin of the bundled copies. */
static void
read_vector(const char *name, const char *suffix, vectors_blob *b)
{
  char file[256];
  snprintf(file, sizeof file, "%s_%s.bin", name, suffix);
  vectors_load(&dirs, file, b);
}

static void
load(const group *g, recording *r)
{
  char suffix[32];
  for (int i = 0; i < g->subs; i++) {
    snprintf(suffix, sizeof suffix, "sub%d_req", i + 1);
    read_vector(g->name, suffix, &r->req[i]);
    snprintf(suffix, sizeof suffix, "sub%d_resp", i + 1);
    read_vector(g->name, suffix, &r->resp[i]);
  }
  read_vector(g->name, "final", &r->final);
}

static void
group_paths(const group *g, netipc_string_view *paths)
{
  for (size_t i = 0; i < g->nkeys; i++) {
    const char *p = g->paths[i] != NULL ? g->paths[i] : long_key;
    paths[i].ptr = p;
    paths[i].len = (uint32_t)strlen(p);
  }
}

/* ---- client role: a scripted Level 1 server ------------------------- */

typedef struct script {
  netipc_listener *listener;
  const group *g;
  const recording *r;
  int matched;      /* sub-requests equal to the recording */
  int received;     /* requests seen */
  char why[256];    /* first mismatch */
} script;

static void
script_note(script *s, const char *what, int sub)
{
  if (s->why[0] == '\0')
    snprintf(s->why, sizeof s->why, "exchange %d: %s", sub, what);
}

static void
script_main(void *arg)
{
  script *s = arg;
  netipc_session *ss = NULL;
  if (netipc_listener_accept(s->listener, ACCEPT_TIMEOUT_MS, NULL, &ss) !=
      NETIPC_OK) {
    script_note(s, "accept failed", 0);
    return;
  }
  for (int i = 0; i < s->g->subs; i++) {
    netipc_header h;
    const void *payload;
    size_t len;
    if (netipc_session_receive(ss, RECV_TIMEOUT_MS, NULL, &h, &payload,
                               &len) != NETIPC_OK) {
      script_note(s, "no request", i + 1);
      break;
    }
    s->received++;
    const vectors_blob *want = &s->r->req[i];
    if (h.kind != NETIPC_KIND_REQUEST || h.code != s->g->method ||
        h.message_id != (uint64_t)i + 1 || (h.flags & NETIPC_FLAG_BATCH) ||
        h.item_count != 1)
      script_note(s, "wrong request header", i + 1);
    else if (len != want->len || memcmp(payload, want->data, len) != 0)
      script_note(s, "request payload differs from the recording", i + 1);
    else
      s->matched++;
    netipc_header out;
    netipc_header_init(&out, NETIPC_KIND_RESPONSE, h.code, h.message_id);
    if (netipc_session_send(ss, &out, s->r->resp[i].data, s->r->resp[i].len) !=
        NETIPC_OK)
      break;
  }
  /* Wait for the client to leave, so no request goes unnoticed. */
  netipc_header h;
  const void *payload;
  size_t len;
  if (netipc_session_receive(ss, RECV_TIMEOUT_MS, NULL, &h, &payload, &len) ==
      NETIPC_OK) {
    s->received++;
    script_note(s, "an extra request", s->g->subs + 1);
  }
  netipc_session_destroy(ss);
}

static netipc_client *
lookup_client(const char *dir, const char *svc, const group *g)
{
  netipc_client_config cfg;
  svc_client_config(&cfg, dir, svc);
  cfg.max_request_payload_bytes = g->request_limit;
  netipc_client *c = svc_client_new(&cfg, g->method);
  if (!svc_client_connect(c, CONNECT_TIMEOUT_MS))
    bail_out("%s: client did not connect", g->name);
  return c;
}

static netipc_err
lookup_call(netipc_client *c, const group *g, netipc_lookup_view *v)
{
  if (g->method == NETIPC_METHOD_APPS_LOOKUP)
    return netipc_client_apps_lookup(c, g->pids, g->nkeys, 0, v);
  netipc_string_view paths[MAX_KEYS];
  group_paths(g, paths);
  return netipc_client_cgroups_lookup(c, paths, g->nkeys, 0, v);
}

static void
check_final(const group *g, const recording *r, netipc_err err,
            const netipc_lookup_view *v, const char *role)
{
  is_err(err, NETIPC_OK, "%s %s: the logical call succeeds", role, g->name);
  ok(err == NETIPC_OK && v->payload_len == r->final.len &&
         memcmp(v->payload, r->final.data, r->final.len) == 0,
     "%s %s: the result is the recorded final, byte for byte", role,
     g->name);
}

static void
replay_client(const char *dir, const group *g, const recording *r)
{
  netipc_transport_config t;
  tp_transport_config(&t, dir, g->name);
  t.service_name = "replay-client";
  t.max_request_payload_bytes = g->request_limit;
  t.max_response_payload_bytes = g->response_limit;
  script s;
  memset(&s, 0, sizeof s);
  s.g = g;
  s.r = r;
  if (netipc_listener_create(&t, &s.listener) != NETIPC_OK)
    bail_out("%s: listener", g->name);
  svc_task task;
  svc_task_start(&task, script_main, &s);
  netipc_client *c = lookup_client(dir, "replay-client", g);
  netipc_lookup_view v;
  netipc_err err = lookup_call(c, g, &v);
  check_final(g, r, err, &v, "client");
  netipc_client_status st = svc_status(c);
  is_uint(st.call_count, (unsigned)g->subs,
          "client %s: %d exchanges counted", g->name, g->subs);
  netipc_client_destroy(c);
  svc_task_join(&task, ACCEPT_TIMEOUT_MS, "replay script");
  netipc_listener_destroy(s.listener);
  if (s.why[0] != '\0')
    diag("%s", s.why);
  ok(s.matched == g->subs && s.received == g->subs,
     "client %s: sent exactly the %d recorded sub-requests", g->name,
     g->subs);
}

/* ---- server role: the managed server against the recording ----------- */

static netipc_server *
answers_server(const char *dir, const char *svc, const group *g)
{
  netipc_server_config cfg;
  svc_server_config(&cfg, dir, svc, g->method, NULL);
  cfg.cgroups_lookup = lookup_answers_handler;
  cfg.apps_lookup = lookup_answers_handler;
  cfg.user = NULL;
  cfg.max_request_payload_bytes = g->request_limit;
  cfg.max_response_payload_bytes = g->response_limit;
  return svc_server_start(&cfg);
}

/* Send the recorded sub-requests byte for byte from a raw client. */
static void
replay_raw(const char *dir, const group *g, const recording *r)
{
  /* The raw client proposes the limits the recording agreed on. */
  int fd = svc_raw_open(dir, "replay-server", g->request_limit,
                        g->response_limit, 1, NULL);
  if (fd < 0)
    bail_out("%s: raw client did not connect", g->name);
  int same = 0;
  for (int i = 0; i < g->subs; i++) {
    static uint8_t buf[NETIPC_HEADER_LEN + VECTORS_MAX];
    netipc_header h;
    if (svc_raw_send(fd, NETIPC_KIND_REQUEST, g->method, 0, 1,
                     (uint64_t)i + 1, r->req[i].data, r->req[i].len) != 0)
      break;
    long n = svc_raw_recv(fd, &h, buf, sizeof buf, RECV_TIMEOUT_MS);
    if (n >= 0 && h.transport_status == NETIPC_STATUS_OK &&
        (size_t)n == r->resp[i].len &&
        memcmp(buf + NETIPC_HEADER_LEN, r->resp[i].data, (size_t)n) == 0)
      same++;
    else
      diag("%s: response %d differs (len %ld, status %u)", g->name, i + 1, n,
           (unsigned)h.transport_status);
  }
  svc_raw_close(fd);
  is_int(same, g->subs, "server %s: every recorded sub-response, byte for "
                        "byte", g->name);
}

static void
replay_server(const char *dir, const group *g, const recording *r)
{
  lookup_answers_set_generation(g->generation);
  netipc_server *srv = answers_server(dir, "replay-server", g);
  if (svc_raw_supported())
    replay_raw(dir, g, r);
  else
    skip(1, "the byte-level client is raw AF_UNIX");
  /* Both roles netipc: the same final. */
  netipc_client *c = lookup_client(dir, "replay-server", g);
  netipc_lookup_view v;
  netipc_err err = lookup_call(c, g, &v);
  check_final(g, r, err, &v, "both");
  netipc_client_destroy(c);
  netipc_server_destroy(srv);
}

int
main(void)
{
  svc_alarm();
  memset(long_key, 'L', LONG_KEY_LEN);
  long_key[0] = '/';
  vectors_resolve_bundled(&dirs, "lookup",
                          "the bundled copies are tests/data/lookup/");
  char dir[256];
  tp_rundir_make(dir, sizeof dir, "lookup-replay");
  for (size_t i = 0; i < NGROUPS; i++) {
    static recording r;
    load(&groups[i], &r);
    replay_client(dir, &groups[i], &r);
    replay_server(dir, &groups[i], &r);
  }
  tp_rundir_remove(dir);
  return done_testing();
}
