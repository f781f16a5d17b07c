/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * netipc - command-line tool: run netipc services, call them, print a
 * cgroups snapshot, benchmark. This file holds main, the global options,
 * the command dispatch and the small helpers every command shares.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netipc-tool.h"

static const char usage_text[] =
    "Usage: netipc [GLOBAL OPTIONS] COMMAND [ARGS]\n"
    "\n"
    "Commands:\n"
    "  serve increment | string-reverse\n"
    "  serve cgroups-snapshot [--from-dir DIR | --from-file FILE]\n"
    "                         [--generation N] [--systemd-enabled 0|1]\n"
    "        run a managed server in the foreground; prints READY when\n"
    "        the endpoint accepts connections; SIGINT/SIGTERM stop it\n"
    "  call increment N         print N+1\n"
    "  call string-reverse TEXT print TEXT reversed (bytes)\n"
    "  snapshot [--json]        print the cgroups snapshot (TSV or JSON)\n"
    "  lookup --name NAME [--hash H]\n"
    "                           print one item of the snapshot (hash defaults\n"
    "                           to simple_hash(NAME)); exit 1 if not found\n"
    "  bench ping-pong [--duration S] [--rate R] [--batch N] [--depth D]\n"
    "        INCREMENT round trips against `serve increment` (--depth: D\n"
    "        requests in flight on one UDS session)\n"
    "  bench snapshot [--duration S] [--rate R]\n"
    "        CGROUPS_SNAPSHOT calls against `serve cgroups-snapshot`\n"
    "        (every item decoded); both bench commands check every answer\n"
    "        and print one line:\n"
    "        scenario,throughput_per_s,p50_us,p95_us,p99_us,client_cpu_pct\n"
    "\n"
    "Global options (before the command):\n"
    "  --run-dir DIR            endpoint directory (default: $NETIPC_RUN_DIR,\n"
    "                           else /run/netipc if writable, else\n"
    "                           $XDG_RUNTIME_DIR, else /tmp)\n"
    "  --service NAME           service name (default: the command's kind:\n"
    "                           increment, string-reverse, cgroups-snapshot)\n"
    "  --auth-token N           decimal or 0x-hex (default: $NETIPC_AUTH_TOKEN,\n"
    "                           else 0)\n"
    "  --profile uds|shm|auto   transport profiles (default: uds)\n"
    "  --timeout MS             client call timeout / server handshake timeout\n"
    "  --max-request-payload BYTES   server limit / client proposal\n"
    "  --max-response-payload BYTES  server limit / client proposal\n"
    "                           (server defaults: 65536 and 1048576)\n"
    "  --workers N              server: concurrent sessions (default 16)\n"
    "  --verbose                print configuration and session details to\n"
    "                           stderr\n"
    "  --help                   print this help and exit\n"
    "  --version                print the version and exit\n"
    "\n"
    "Exit status: 0 success, 1 failure, 2 usage error.\n";

int
nt_error(const char *fmt, ...)
{
  va_list ap;
  fputs("netipc: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return NT_EXIT_FAIL;
}

int
nt_usage_error(const char *fmt, ...)
{
  va_list ap;
  fputs("netipc: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs(" (try 'netipc --help')\n", stderr);
  return NT_EXIT_USAGE;
}

bool
nt_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
  if (s == NULL)
    return false;
  int base = 10;
  const char *digits = s;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    digits = s + 2;
  }
  /* strtoull accepts blanks, signs and a second "0x": refuse them. */
  bool hex = base == 16;
  if (*digits == '\0')
    return false;
  for (const char *p = digits; *p != '\0'; p++) {
    bool ok = (*p >= '0' && *p <= '9') ||
              (hex && ((*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')));
    if (!ok)
      return false;
  }
  errno = 0;
  char *end = NULL;
  unsigned long long v = strtoull(digits, &end, base);
  if (errno != 0 || end == digits || *end != '\0')
    return false;
  if ((uint64_t)v < min || (uint64_t)v > max)
    return false;
  *out = (uint64_t)v;
  return true;
}

bool
nt_parse_option_u64(const char *what, const char *s, uint64_t min,
                    uint64_t max, uint64_t *out)
{
  if (nt_parse_u64(s, min, max, out))
    return true;
  nt_usage_error("invalid %s '%s': expected a number from %llu to %llu "
                 "(decimal or 0x-hex)",
                 what, s, (unsigned long long)min, (unsigned long long)max);
  return false;
}

bool
nt_parse_option_u32(const char *what, const char *s, uint32_t min,
                    uint32_t max, uint32_t *out)
{
  uint64_t v;
  if (!nt_parse_option_u64(what, s, min, max, &v))
    return false;
  *out = (uint32_t)v;
  return true;
}

int
nt_match_value(int argc, char **argv, int *i, const char *name,
               const char **value)
{
  const char *arg = argv[*i];
  size_t n = strlen(name);
  if (strncmp(arg, name, n) != 0)
    return 0;
  if (arg[n] == '=') {
    *value = arg + n + 1;
    *i += 1;
    return 1;
  }
  if (arg[n] != '\0')
    return 0;
  if (*i + 1 >= argc) {
    nt_usage_error("option %s needs a value", name);
    return -1;
  }
  *value = argv[*i + 1];
  *i += 2;
  return 1;
}

const char *
nt_profile_name(uint32_t bit)
{
  switch (bit) {
  case NETIPC_PROFILE_UDS_SEQPACKET:
    return "UDS_SEQPACKET";
  case NETIPC_PROFILE_SHM_HYBRID:
    return "SHM_HYBRID";
  case NETIPC_PROFILE_SHM_FUTEX:
    return "SHM_FUTEX";
  case NETIPC_PROFILE_SHM_WAITADDR:
    return "SHM_WAITADDR";
  case 0:
    return "none";
  default:
    return "UNKNOWN";
  }
}

const char *
nt_profile_mask(uint32_t mask, char *buf, size_t cap)
{
  size_t used = 0;
  buf[0] = '\0';
  if (mask == 0) {
    snprintf(buf, cap, "none");
    return buf;
  }
  for (uint32_t bit = 1; bit != 0; bit <<= 1) {
    if ((mask & bit) == 0)
      continue;
    int n = snprintf(buf + used, cap - used, "%s%s", used ? "|" : "",
                     nt_profile_name(bit));
    if (n < 0 || (size_t)n >= cap - used)
      break;
    used += (size_t)n;
  }
  return buf;
}

int
nt_finish_stdout(int rc)
{
  if (fflush(stdout) != 0 || ferror(stdout)) {
    nt_error("error writing standard output: %s", strerror(errno));
    return NT_EXIT_FAIL;
  }
  return rc;
}

/* $NETIPC_RUN_DIR, /run/netipc if writable, $XDG_RUNTIME_DIR, /tmp. */
static const char *
default_run_dir(void)
{
  const char *env = getenv("NETIPC_RUN_DIR");
  if (env != NULL && env[0] != '\0')
    return env;
  if (access(NT_DEFAULT_RUN_DIR, W_OK | X_OK) == 0)
    return NT_DEFAULT_RUN_DIR;
  env = getenv("XDG_RUNTIME_DIR");
  if (env != NULL && env[0] != '\0')
    return env;
  return "/tmp";
}

static bool
set_profile(nt_options *o, const char *name)
{
  if (strcmp(name, "uds") == 0) {
    o->supported_profiles = NETIPC_PROFILE_UDS_SEQPACKET;
    o->preferred_profiles = 0;
  } else if (strcmp(name, "shm") == 0) {
    o->supported_profiles =
        NETIPC_PROFILE_UDS_SEQPACKET | NETIPC_PROFILE_SHM_HYBRID;
    o->preferred_profiles = NETIPC_PROFILE_SHM_HYBRID;
  } else if (strcmp(name, "auto") == 0) {
    /* Every profile this build can have on POSIX; the library masks what
     * it was built without. */
    o->supported_profiles =
        NETIPC_PROFILE_UDS_SEQPACKET | NETIPC_PROFILE_SHM_HYBRID;
    o->preferred_profiles = 0;
  } else {
    nt_usage_error("invalid --profile '%s': expected uds, shm or auto", name);
    return false;
  }
  o->profile_name = name;
  return true;
}

/* Returns -1 to continue, otherwise the exit code. *next: first argument
 * after the global options. */
static int
parse_globals(int argc, char **argv, nt_options *o, int *next)
{
  bool token_set = false;
  int i = 1;
  while (i < argc) {
    const char *arg = argv[i];
    const char *v = NULL;
    int m;
    if (strcmp(arg, "--") == 0) {
      i++;
      break;
    }
    if (arg[0] != '-' || arg[1] == '\0')
      break; /* the command */
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      fputs(usage_text, stdout);
      return nt_finish_stdout(NT_EXIT_OK);
    }
    if (strcmp(arg, "--version") == 0) {
      printf("netipc %s\n", netipc_version_string());
      return nt_finish_stdout(NT_EXIT_OK);
    }
    if (strcmp(arg, "--verbose") == 0 || strcmp(arg, "-v") == 0) {
      o->verbose = true;
      i++;
      continue;
    }
    if ((m = nt_match_value(argc, argv, &i, "--run-dir", &v)) != 0) {
      if (m < 0)
        return NT_EXIT_USAGE;
      if (v[0] == '\0')
        return nt_usage_error("--run-dir must not be empty");
      o->run_dir = v;
    } else if ((m = nt_match_value(argc, argv, &i, "--service", &v)) != 0) {
      if (m < 0)
        return NT_EXIT_USAGE;
      if (netipc_service_name_check(v) != NETIPC_OK)
        return nt_usage_error("invalid --service '%s': use 1-%u characters "
                              "of [A-Za-z0-9._-], not '.' or '..'",
                              v, NETIPC_SERVICE_NAME_MAX);
      o->service = v;
    } else if ((m = nt_match_value(argc, argv, &i, "--auth-token", &v)) !=
               0) {
      if (m < 0 || !nt_parse_option_u64("--auth-token", v, 0, UINT64_MAX,
                                        &o->auth_token))
        return NT_EXIT_USAGE;
      token_set = true;
    } else if ((m = nt_match_value(argc, argv, &i, "--profile", &v)) != 0) {
      if (m < 0 || !set_profile(o, v))
        return NT_EXIT_USAGE;
    } else if ((m = nt_match_value(argc, argv, &i, "--timeout", &v)) != 0) {
      if (m < 0 ||
          !nt_parse_option_u32("--timeout", v, 1, UINT32_MAX, &o->timeout_ms))
        return NT_EXIT_USAGE;
    } else if ((m = nt_match_value(argc, argv, &i, "--max-request-payload",
                                   &v)) != 0) {
      if (m < 0 || !nt_parse_option_u32("--max-request-payload", v, 1,
                                        NT_PAYLOAD_MAX, &o->max_request))
        return NT_EXIT_USAGE;
    } else if ((m = nt_match_value(argc, argv, &i, "--max-response-payload",
                                   &v)) != 0) {
      if (m < 0 || !nt_parse_option_u32("--max-response-payload", v, 1,
                                        NT_PAYLOAD_MAX, &o->max_response))
        return NT_EXIT_USAGE;
    } else if ((m = nt_match_value(argc, argv, &i, "--workers", &v)) != 0) {
      if (m < 0 || !nt_parse_option_u32("--workers", v, 1, NT_WORKERS_MAX,
                                        &o->workers))
        return NT_EXIT_USAGE;
    } else {
      return nt_usage_error("unknown option '%s'", arg);
    }
  }
  if (!token_set) {
    const char *env = getenv("NETIPC_AUTH_TOKEN");
    if (env != NULL && env[0] != '\0' &&
        !nt_parse_u64(env, 0, UINT64_MAX, &o->auth_token))
      return nt_usage_error("invalid NETIPC_AUTH_TOKEN '%s': expected a "
                            "decimal or 0x-hex 64-bit number",
                            env);
  }
  if (o->run_dir == NULL)
    o->run_dir = default_run_dir();
  *next = i;
  return -1;
}

int
main(int argc, char **argv)
{
  nt_options o;
  memset(&o, 0, sizeof o);
  (void)set_profile(&o, "uds");

  /* A vanished reader must give an error, not kill us. */
  signal(SIGPIPE, SIG_IGN);

  int next = 1;
  int rc = parse_globals(argc, argv, &o, &next);
  if (rc >= 0)
    return rc;
  if (next >= argc)
    return nt_usage_error("missing command");

  const char *cmd = argv[next];
  int cargc = argc - next;
  char **cargv = argv + next;
  if (strcmp(cmd, "serve") == 0)
    return nt_cmd_serve(&o, cargc, cargv);
  if (strcmp(cmd, "call") == 0)
    return nt_cmd_call(&o, cargc, cargv);
  if (strcmp(cmd, "snapshot") == 0)
    return nt_cmd_snapshot(&o, cargc, cargv);
  if (strcmp(cmd, "lookup") == 0)
    return nt_cmd_lookup(&o, cargc, cargv);
  if (strcmp(cmd, "bench") == 0)
    return nt_cmd_bench(&o, cargc, cargv);
  if (cmd[0] == '-')
    return nt_usage_error("unknown option '%s'", cmd);
  return nt_usage_error("unknown command '%s'", cmd);
}
