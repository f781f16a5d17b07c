/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `netipc serve KIND`: a Level 2 managed server in the foreground. Prints
 * READY once the endpoint accepts connections; a stop request (SIGINT or
 * SIGTERM, a console control event on Windows: nt-os-*.c) stops it, after
 * which the endpoint files are removed and the exit status is 0.
 * The kinds: increment and string-reverse (answered here),
 * cgroups-snapshot (cgroups-source.c), cgroups-lookup and apps-lookup
 * (cgroups-lookup-source.c, apps-lookup-source.c).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "netipc-tool.h"
#include "nt-platform.h"

/* How often main looks whether the stop handlers are done with the
 * server. */
#define SERVE_DETACH_POLL_NS 1000000u

/* The stop handler's only job: netipc_server_stop (async-signal-safe).
 * All three through nt_atomic_* (nt-platform.h). The server, or NULL: */
static void *serve_server;
/* Handlers between their load of serve_server and the end of their stop
 * call; main waits for zero before destroying the server. */
static uint32_t serve_in_handler;
static uint32_t serve_stop_requested;

static void
serve_on_stop_request(void)
{
  nt_atomic_store32(&serve_stop_requested, 1);
  nt_atomic_add32(&serve_in_handler, 1);
  netipc_server *s = nt_atomic_load_ptr(&serve_server);
  if (s != NULL)
    netipc_server_stop(s);
  nt_atomic_add32(&serve_in_handler, UINT32_MAX); /* minus one */
}

/* Detach the server from the handler; no handler uses it afterwards. */
static void
serve_detach(void)
{
  nt_atomic_store_ptr(&serve_server, NULL);
  while (nt_atomic_load32(&serve_in_handler) != 0)
    nt_os_sleep_until_ns(nt_os_now_ns() + SERVE_DETACH_POLL_NS);
}

static int
serve_increment(void *user, uint64_t value, uint64_t *result)
{
  (void)user;
  *result = value + 1; /* modulo 2^64, as the reference handler */
  return 0;
}

static int
serve_string_reverse(void *user, netipc_string_view in, char *out, size_t cap,
                     size_t *out_len)
{
  (void)user;
  if (in.len > cap)
    return -1;
  for (uint32_t i = 0; i < in.len; i++)
    out[i] = in.ptr[in.len - 1 - i];
  *out_len = in.len;
  return 0;
}

/* The options a kind of service takes after its name. */
#define SERVE_OPT_FROM_DIR 1u
#define SERVE_OPT_FROM_FILE 2u
#define SERVE_OPT_GENERATION 4u
#define SERVE_OPT_SYSTEMD 8u
/* Room for a source's description (a file name and some words). */
#define SERVE_DESCRIBE_MAX 4352
#define SERVE_PATH_MAX 4096
#define SERVE_MASK_TEXT_MAX 96

typedef struct serve_kind {
  const char *name; /* also the default service name */
  uint16_t method;
  unsigned options; /* SERVE_OPT_* */
} serve_kind;

static const serve_kind serve_kinds[] = {
    {"increment", NETIPC_METHOD_INCREMENT, 0},
    {"string-reverse", NETIPC_METHOD_STRING_REVERSE, 0},
    {"cgroups-snapshot", NETIPC_METHOD_CGROUPS_SNAPSHOT,
     SERVE_OPT_FROM_DIR | SERVE_OPT_FROM_FILE | SERVE_OPT_GENERATION |
         SERVE_OPT_SYSTEMD},
    {NETIPC_CGROUPS_LOOKUP_SERVICE, NETIPC_METHOD_CGROUPS_LOOKUP,
     SERVE_OPT_FROM_FILE | SERVE_OPT_GENERATION},
    {NETIPC_APPS_LOOKUP_SERVICE, NETIPC_METHOD_APPS_LOOKUP,
     SERVE_OPT_FROM_FILE | SERVE_OPT_GENERATION},
};

#define SERVE_KINDS_TEXT                                                      \
  "increment, string-reverse, cgroups-snapshot, cgroups-lookup or "           \
  "apps-lookup"

/* Where the answers of a kind come from (none for the first two). */
typedef struct serve_source {
  nt_cgroups_source *snapshot;
  nt_lookup_source *lookup;
} serve_source;

static void
serve_source_free(serve_source *src)
{
  nt_cgroups_source_free(src->snapshot);
  nt_lookup_source_free(src->lookup);
  memset(src, 0, sizeof *src);
}

static void
serve_describe(const nt_options *o, const serve_kind *kind,
               const netipc_server_config *cfg, const serve_source *src)
{
  char path[SERVE_PATH_MAX], sup[SERVE_MASK_TEXT_MAX];
  char pref[SERVE_MASK_TEXT_MAX];
  if (netipc_endpoint_name(cfg->run_dir, cfg->service_name, path,
                           sizeof path) != NETIPC_OK)
    (void)snprintf(path, sizeof path, /* a message: may be cut short */
                   "(no endpoint name for '%s')", cfg->service_name);
  fprintf(stderr,
          "netipc: serving %s as service '%s' in %s (endpoint %s)\n"
          "netipc: profiles %s, preferred %s (--profile %s)\n"
          "netipc: limits: request %u bytes, response %u bytes; workers %u; "
          "handshake timeout %u ms; auth token %s\n",
          kind->name, cfg->service_name, cfg->run_dir, path,
          nt_profile_mask(cfg->supported_profiles, sup, sizeof sup),
          nt_profile_mask(cfg->preferred_profiles, pref, sizeof pref),
          o->profile_name, cfg->max_request_payload_bytes,
          cfg->max_response_payload_bytes,
          cfg->workers ? cfg->workers : NETIPC_SERVER_WORKERS_DEFAULT,
          cfg->handshake_timeout_ms ? cfg->handshake_timeout_ms
                                    : NETIPC_HANDSHAKE_TIMEOUT_MS_DEFAULT,
          cfg->auth_token ? "set" : "0");
  char what[SERVE_DESCRIBE_MAX];
  if (src->snapshot != NULL) {
    nt_cgroups_source_describe(src->snapshot, what, sizeof what);
    fprintf(stderr, "netipc: cgroups source: %s\n", what);
  } else if (src->lookup != NULL) {
    nt_lookup_source_describe(src->lookup, what, sizeof what);
    fprintf(stderr, "netipc: %s source: %s\n", kind->name, what);
  }
}

/* The values of the kind's options (NULL: not given). */
typedef struct serve_args {
  const char *from_dir, *from_file, *generation, *systemd;
} serve_args;

static int
serve_parse(const serve_kind *kind, int argc, char **argv, serve_args *a)
{
  const struct {
    unsigned bit;
    const char *name;
    const char **value;
  } opts[] = {
      {SERVE_OPT_FROM_DIR, "--from-dir", &a->from_dir},
      {SERVE_OPT_FROM_FILE, "--from-file", &a->from_file},
      {SERVE_OPT_GENERATION, "--generation", &a->generation},
      {SERVE_OPT_SYSTEMD, "--systemd-enabled", &a->systemd},
  };
  int i = 2;
  while (i < argc) {
    int m = 0;
    for (size_t k = 0; k < sizeof opts / sizeof opts[0] && m == 0; k++)
      if (kind->options & opts[k].bit)
        m = nt_match_value(argc, argv, &i, opts[k].name, opts[k].value);
    if (m < 0)
      return NT_EXIT_USAGE;
    if (m == 0)
      return argv[i][0] == '-'
                 ? nt_usage_error("serve %s: unknown option '%s'",
                                  kind->name, argv[i])
                 : nt_usage_error("serve %s: unexpected argument '%s'",
                                  kind->name, argv[i]);
  }
  if (a->from_dir != NULL && a->from_file != NULL)
    return nt_usage_error("serve %s: --from-dir and --from-file exclude "
                          "each other",
                          kind->name);
  return NT_EXIT_OK;
}

/* Build the source of `serve cgroups-snapshot`. */
static int
serve_snapshot_source(const serve_args *a, uint64_t generation,
                      serve_source *src)
{
  uint32_t systemd = 0;
  if (a->systemd != NULL &&
      !nt_parse_option_u32("--systemd-enabled", a->systemd, 0, 1, &systemd))
    return NT_EXIT_USAGE;
  src->snapshot = a->from_file != NULL ? nt_cgroups_source_file(a->from_file)
                                       : nt_cgroups_source_dir(a->from_dir);
  if (src->snapshot == NULL)
    return NT_EXIT_FAIL;
  if (a->generation != NULL)
    nt_cgroups_source_set_generation(src->snapshot, generation);
  if (a->systemd != NULL)
    nt_cgroups_source_set_systemd(src->snapshot, systemd);
  return NT_EXIT_OK;
}

/* Parse the kind's options, build its source and install its handler. */
static int
serve_setup(const serve_kind *kind, int argc, char **argv,
            netipc_server_config *cfg, serve_source *src)
{
  serve_args a = {NULL, NULL, NULL, NULL};
  int rc = serve_parse(kind, argc, argv, &a);
  uint64_t generation = 0;
  if (rc == NT_EXIT_OK && a.generation != NULL &&
      !nt_parse_option_u64("--generation", a.generation, 0, UINT64_MAX,
                           &generation))
    rc = NT_EXIT_USAGE;
  if (rc != NT_EXIT_OK)
    return rc;
  cfg->method = kind->method;
  switch (kind->method) {
  case NETIPC_METHOD_INCREMENT:
    cfg->increment = serve_increment;
    return NT_EXIT_OK;
  case NETIPC_METHOD_STRING_REVERSE:
    cfg->string_reverse = serve_string_reverse;
    return NT_EXIT_OK;
  case NETIPC_METHOD_CGROUPS_SNAPSHOT:
    cfg->cgroups_snapshot = nt_cgroups_source_handler;
    rc = serve_snapshot_source(&a, generation, src);
    cfg->user = src->snapshot;
    return rc;
  case NETIPC_METHOD_CGROUPS_LOOKUP:
    cfg->cgroups_lookup = nt_cgroups_lookup_handler;
    src->lookup = nt_cgroups_lookup_source(a.from_file);
    break;
  default:
    cfg->apps_lookup = nt_apps_lookup_handler;
    src->lookup = nt_apps_lookup_source(a.from_file);
    break;
  }
  if (src->lookup == NULL)
    return NT_EXIT_FAIL;
  if (a.generation != NULL)
    nt_lookup_source_set_generation(src->lookup, generation);
  cfg->user = src->lookup;
  return NT_EXIT_OK;
}

/* The configuration every kind shares, from the global options. */
static void
serve_common_config(const nt_options *o, const serve_kind *kind,
                    netipc_server_config *cfg)
{
  cfg->run_dir = o->run_dir;
  cfg->service_name = o->service ? o->service : kind->name;
  cfg->supported_profiles = o->supported_profiles;
  cfg->preferred_profiles = o->preferred_profiles;
  cfg->max_request_payload_bytes =
      o->max_request ? o->max_request : NT_SERVER_REQUEST_DEFAULT;
  cfg->max_response_payload_bytes =
      o->max_response ? o->max_response : NT_SERVER_RESPONSE_DEFAULT;
  cfg->auth_token = o->auth_token;
  cfg->workers = o->workers;
  cfg->handshake_timeout_ms = o->timeout_ms;
}

/* Create the server, print READY, run until a stop request ends it. */
static int
serve_run(const nt_options *o, const netipc_server_config *cfg)
{
  netipc_server *server = NULL;
  netipc_err err = netipc_server_create(cfg, &server);
  if (err == NETIPC_ERR_ADDR_IN_USE)
    return nt_error("service '%s' in %s: a live server already owns the "
                    "endpoint",
                    cfg->service_name, cfg->run_dir);
  if (err != NETIPC_OK)
    return nt_error("cannot serve '%s' in %s: %s", cfg->service_name,
                    cfg->run_dir, netipc_strerror(err));
  nt_atomic_store_ptr(&serve_server, server);
  if (nt_atomic_load32(&serve_stop_requested)) /* a stop before the store */
    netipc_server_stop(server);

  int rc = NT_EXIT_OK;
  fputs("READY\n", stdout);
  if (fflush(stdout) != 0)
    rc = nt_error("cannot write READY to standard output");
  else if ((err = netipc_server_run(server)) != NETIPC_OK)
    rc = nt_error("server stopped: %s", netipc_strerror(err));

  serve_detach();
  netipc_server_destroy(server); /* joins sessions, removes the endpoint */
  if (o->verbose && rc == NT_EXIT_OK)
    fprintf(stderr, "netipc: service '%s' stopped\n", cfg->service_name);
  return rc;
}

int
nt_cmd_serve(const nt_options *o, int argc, char **argv)
{
  /* argv[0] is "serve". */
  if (argc < 2)
    return nt_usage_error("serve: missing service kind (" SERVE_KINDS_TEXT
                          ")");
  const serve_kind *kind = NULL;
  for (size_t i = 0; i < sizeof serve_kinds / sizeof serve_kinds[0]; i++)
    if (strcmp(argv[1], serve_kinds[i].name) == 0)
      kind = &serve_kinds[i];
  if (kind == NULL)
    return nt_usage_error("serve: unknown service kind '%s' (" SERVE_KINDS_TEXT
                          ")",
                          argv[1]);
  netipc_server_config cfg;
  memset(&cfg, 0, sizeof cfg);
  serve_source src = {NULL, NULL};
  int rc = serve_setup(kind, argc, argv, &cfg, &src);
  if (rc == NT_EXIT_OK) {
    serve_common_config(o, kind, &cfg);
    rc = nt_os_check_run_dir(cfg.run_dir);
  }
  if (rc == NT_EXIT_OK && !nt_os_on_stop_request(serve_on_stop_request))
    rc = nt_error("cannot install the stop handlers");
  if (rc == NT_EXIT_OK && o->verbose)
    serve_describe(o, kind, &cfg, &src);
  if (rc == NT_EXIT_OK)
    rc = serve_run(o, &cfg);
  serve_source_free(&src);
  return rc;
}
