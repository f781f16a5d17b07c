/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `netipc serve KIND`: a Level 2 managed server in the foreground. Prints
 * READY once the endpoint accepts connections; SIGINT or SIGTERM stop it,
 * after which the endpoint files are removed and the exit status is 0.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "netipc-tool.h"

/* The signal handler's only job: netipc_server_stop (async-signal-safe). */
static _Atomic(netipc_server *) serve_server;
/* Handlers between their load of serve_server and the end of their stop
 * call; main waits for zero before destroying the server. */
static atomic_int serve_in_handler;
static volatile sig_atomic_t serve_stop_requested;

static void
serve_on_signal(int sig)
{
  (void)sig;
  serve_stop_requested = 1;
  atomic_fetch_add(&serve_in_handler, 1);
  netipc_server *s = atomic_load(&serve_server);
  if (s != NULL)
    netipc_server_stop(s);
  atomic_fetch_sub(&serve_in_handler, 1);
}

/* Detach the server from the handler; no handler uses it afterwards. */
static void
serve_detach(void)
{
  atomic_store(&serve_server, NULL);
  while (atomic_load(&serve_in_handler) != 0) {
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
  }
}

static bool
serve_install_signals(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = serve_on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  return sigaction(SIGINT, &sa, NULL) == 0 &&
         sigaction(SIGTERM, &sa, NULL) == 0;
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

static const char *
method_name(uint16_t method)
{
  switch (method) {
  case NETIPC_METHOD_INCREMENT:
    return "increment";
  case NETIPC_METHOD_STRING_REVERSE:
    return "string-reverse";
  default:
    return "cgroups-snapshot";
  }
}

static void
serve_describe(const nt_options *o, const netipc_server_config *cfg,
               const nt_cgroups_source *src)
{
  char path[4096], sup[96], pref[96];
  if (netipc_endpoint_path(cfg->run_dir, cfg->service_name, ".sock", path,
                           sizeof path) != NETIPC_OK)
    snprintf(path, sizeof path, "%s/%s.sock", cfg->run_dir,
             cfg->service_name);
  fprintf(stderr,
          "netipc: serving %s as service '%s' in %s (endpoint %s)\n"
          "netipc: profiles %s, preferred %s (--profile %s)\n"
          "netipc: limits: request %u bytes, response %u bytes; workers %u; "
          "handshake timeout %u ms; auth token %s\n",
          method_name(cfg->method), cfg->service_name, cfg->run_dir, path,
          nt_profile_mask(cfg->supported_profiles, sup, sizeof sup),
          nt_profile_mask(cfg->preferred_profiles, pref, sizeof pref),
          o->profile_name, cfg->max_request_payload_bytes,
          cfg->max_response_payload_bytes,
          cfg->workers ? cfg->workers : NETIPC_SERVER_WORKERS_DEFAULT,
          cfg->handshake_timeout_ms ? cfg->handshake_timeout_ms
                                    : NETIPC_HANDSHAKE_TIMEOUT_MS_DEFAULT,
          cfg->auth_token ? "set" : "0");
  if (src != NULL) {
    char what[4352];
    nt_cgroups_source_describe(src, what, sizeof what);
    fprintf(stderr, "netipc: cgroups source: %s\n", what);
  }
}

/* Options of `serve cgroups-snapshot`; builds the source. */
static int
serve_cgroups_options(int argc, char **argv, nt_cgroups_source **out)
{
  const char *from_dir = NULL, *from_file = NULL, *gen_text = NULL;
  const char *systemd_text = NULL;
  int i = 2;
  while (i < argc) {
    const char *v;
    int m;
    if ((m = nt_match_value(argc, argv, &i, "--from-dir", &v)) != 0)
      from_dir = v;
    else if ((m = nt_match_value(argc, argv, &i, "--from-file", &v)) != 0)
      from_file = v;
    else if ((m = nt_match_value(argc, argv, &i, "--generation", &v)) != 0)
      gen_text = v;
    else if ((m = nt_match_value(argc, argv, &i, "--systemd-enabled", &v)) !=
             0)
      systemd_text = v;
    else if (argv[i][0] == '-')
      return nt_usage_error("serve cgroups-snapshot: unknown option '%s'",
                            argv[i]);
    else
      return nt_usage_error("serve cgroups-snapshot: unexpected argument "
                            "'%s'",
                            argv[i]);
    if (m < 0)
      return NT_EXIT_USAGE;
  }
  if (from_dir != NULL && from_file != NULL)
    return nt_usage_error("serve cgroups-snapshot: --from-dir and "
                          "--from-file exclude each other");
  uint64_t generation = 0;
  uint32_t systemd = 0;
  if (gen_text != NULL &&
      !nt_parse_option_u64("--generation", gen_text, 0, UINT64_MAX,
                           &generation))
    return NT_EXIT_USAGE;
  if (systemd_text != NULL &&
      !nt_parse_option_u32("--systemd-enabled", systemd_text, 0, 1, &systemd))
    return NT_EXIT_USAGE;
  nt_cgroups_source *src = from_file != NULL
                               ? nt_cgroups_source_file(from_file)
                               : nt_cgroups_source_dir(from_dir);
  if (src == NULL)
    return NT_EXIT_FAIL;
  if (gen_text != NULL)
    nt_cgroups_source_set_generation(src, generation);
  if (systemd_text != NULL)
    nt_cgroups_source_set_systemd(src, systemd);
  *out = src;
  return NT_EXIT_OK;
}

int
nt_cmd_serve(const nt_options *o, int argc, char **argv)
{
  /* argv[0] is "serve". */
  if (argc < 2)
    return nt_usage_error("serve: missing service kind (increment, "
                          "string-reverse or cgroups-snapshot)");
  const char *kind = argv[1];
  netipc_server_config cfg;
  memset(&cfg, 0, sizeof cfg);
  nt_cgroups_source *src = NULL;
  if (strcmp(kind, "increment") == 0) {
    cfg.method = NETIPC_METHOD_INCREMENT;
    cfg.increment = serve_increment;
  } else if (strcmp(kind, "string-reverse") == 0) {
    cfg.method = NETIPC_METHOD_STRING_REVERSE;
    cfg.string_reverse = serve_string_reverse;
  } else if (strcmp(kind, "cgroups-snapshot") == 0) {
    cfg.method = NETIPC_METHOD_CGROUPS_SNAPSHOT;
    cfg.cgroups_snapshot = nt_cgroups_source_handler;
  } else {
    return nt_usage_error("serve: unknown service kind '%s' (increment, "
                          "string-reverse or cgroups-snapshot)",
                          kind);
  }
  if (cfg.method != NETIPC_METHOD_CGROUPS_SNAPSHOT && argc > 2)
    return nt_usage_error("serve %s: unexpected argument '%s'", kind,
                          argv[2]);
  if (cfg.method == NETIPC_METHOD_CGROUPS_SNAPSHOT) {
    int rc = serve_cgroups_options(argc, argv, &src);
    if (rc != NT_EXIT_OK)
      return rc;
    cfg.user = src;
  }

  cfg.run_dir = o->run_dir;
  cfg.service_name = o->service ? o->service : kind;
  cfg.supported_profiles = o->supported_profiles;
  cfg.preferred_profiles = o->preferred_profiles;
  cfg.max_request_payload_bytes =
      o->max_request ? o->max_request : NT_SERVER_REQUEST_DEFAULT;
  cfg.max_response_payload_bytes =
      o->max_response ? o->max_response : NT_SERVER_RESPONSE_DEFAULT;
  cfg.auth_token = o->auth_token;
  cfg.workers = o->workers;
  cfg.handshake_timeout_ms = o->timeout_ms;

  struct stat st;
  errno = 0;
  if (stat(cfg.run_dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
      access(cfg.run_dir, W_OK | X_OK) != 0) {
    int e = errno;
    nt_cgroups_source_free(src);
    return nt_error("cannot use run directory %s: %s", cfg.run_dir,
                    e != 0 ? strerror(e) : "not a directory");
  }
  if (!serve_install_signals()) {
    nt_cgroups_source_free(src);
    return nt_error("cannot install signal handlers");
  }
  if (o->verbose)
    serve_describe(o, &cfg, src);

  netipc_server *server = NULL;
  netipc_err err = netipc_server_create(&cfg, &server);
  if (err != NETIPC_OK) {
    nt_cgroups_source_free(src);
    if (err == NETIPC_ERR_ADDR_IN_USE)
      return nt_error("service '%s' in %s: a live server already owns the "
                      "endpoint",
                      cfg.service_name, cfg.run_dir);
    return nt_error("cannot serve '%s' in %s: %s", cfg.service_name,
                    cfg.run_dir, netipc_strerror(err));
  }
  atomic_store(&serve_server, server);
  if (serve_stop_requested) /* a signal before the store above */
    netipc_server_stop(server);

  int rc = NT_EXIT_OK;
  fputs("READY\n", stdout);
  if (fflush(stdout) != 0)
    rc = nt_error("cannot write READY to standard output");
  else if ((err = netipc_server_run(server)) != NETIPC_OK)
    rc = nt_error("server stopped: %s", netipc_strerror(err));

  serve_detach();
  netipc_server_destroy(server); /* joins sessions, removes the endpoint */
  nt_cgroups_source_free(src);
  if (o->verbose && rc == NT_EXIT_OK)
    fprintf(stderr, "netipc: service '%s' stopped\n", cfg.service_name);
  return rc;
}
