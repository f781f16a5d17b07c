/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * netipc - command-line tool: run netipc services, call them, print a
 * cgroups snapshot, look up cgroups and processes, benchmark. This file
 * holds main, the usage text and the command table; the global options
 * are parsed in nt-options.c.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "netipc-tool.h"
#include "nt-platform.h"

/* The help, around the platform's lines (nt-profiles-*.c). */
static const char usage_commands[] =
    "Usage: netipc [GLOBAL OPTIONS] COMMAND [ARGS]\n"
    "\n"
    "Commands:\n"
    "  serve increment | string-reverse\n"
    "  serve cgroups-snapshot [--from-dir DIR | --from-file FILE]\n"
    "                         [--generation N] [--systemd-enabled 0|1]\n"
    "  serve cgroups-lookup [--from-file FILE] [--generation N]\n"
    "        (default: PATH is known when /sys/fs/cgroup/PATH is a\n"
    "        directory; a PATH not starting with / or with a .. component\n"
    "        is unknown-permanent without looking)\n"
    "  serve apps-lookup [--from-file FILE] [--generation N]\n"
    "        (default: answers from /proc/PID)\n";
static const char usage_serve[] =
    "        run a managed server in the foreground; prints READY when\n"
    "        the endpoint accepts connections; ";
static const char usage_requests[] =
    "\n"
    "  call increment N         print N+1\n"
    "  call string-reverse TEXT print TEXT reversed (bytes)\n"
    "  snapshot [--json]        print the cgroups snapshot (TSV or JSON)\n"
    "  lookup --name NAME [--hash H]\n"
    "                           print one item of the snapshot (hash defaults\n"
    "                           to simple_hash(NAME)); exit 1 if not found\n"
    "  cgroups-lookup [--json] [--keys-from FILE] PATH...\n"
    "  apps-lookup [--json] [--keys-from FILE] PID...\n"
    "        one logical lookup of the keys given, then of those in FILE\n"
    "        (one per line, - for standard input); prints\n"
    "        '# generation=G items=N' and one line per key in the\n"
    "        --from-file format, or JSON; exit 0 whatever the items say\n"
    "  bench ping-pong [--duration S] [--rate R] [--batch N] [--depth D]\n"
    "        INCREMENT round trips against `serve increment` (--depth: D\n"
    "        requests in flight on one baseline session)\n"
    "  bench snapshot [--duration S] [--rate R]\n"
    "        CGROUPS_SNAPSHOT calls against `serve cgroups-snapshot`\n"
    "        (every item decoded)\n"
    "  bench cgroups-lookup | apps-lookup (--keys N | --keys-from FILE)\n"
    "        [--duration S] [--rate R]\n"
    "        logical lookups of N keys (/sys/fs/cgroup/bench/cg-NNN or PIDs\n"
    "        1000+i, or the first N of FILE); every bench command checks\n"
    "        every answer and prints one line:\n"
    "        scenario,throughput_per_s,p50_us,p95_us,p99_us,client_cpu_pct\n"
    "\n"
    "Global options (before the command):\n";
static const char usage_service[] =
    "  --service NAME           service name (default: the command's kind:\n"
    "                           increment, string-reverse, cgroups-snapshot,\n"
    "                           cgroups-lookup, apps-lookup)\n"
    "  --auth-token N           decimal or 0x-hex (default: $NETIPC_AUTH_TOKEN,\n"
    "                           else 0)\n";
static const char usage_limits[] =
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

static void
usage(void)
{
  fputs(usage_commands, stdout);
  fputs(nt_help_live, stdout);
  fputs(usage_serve, stdout);
  fputs(nt_help_stop, stdout);
  fputs(usage_requests, stdout);
  fputs(nt_help_run_dir, stdout);
  fputs(usage_service, stdout);
  fputs(nt_help_profile, stdout);
  fputs(usage_limits, stdout);
}

typedef struct nt_command {
  const char *name;
  int (*run)(const nt_options *o, int argc, char **argv);
} nt_command;

static const nt_command commands[] = {
    {"serve", nt_cmd_serve},
    {"call", nt_cmd_call},
    {"snapshot", nt_cmd_snapshot},
    {"lookup", nt_cmd_lookup},
    {"cgroups-lookup", nt_cmd_cgroups_lookup},
    {"apps-lookup", nt_cmd_apps_lookup},
    {"bench", nt_cmd_bench},
};

int
main(int argc, char **argv)
{
  nt_options o;
  nt_options_init(&o);

  nt_os_init();

  int next = 1;
  int rc = nt_options_parse(argc, argv, usage, &o, &next);
  if (rc >= 0)
    return rc;
  if (next >= argc)
    return nt_usage_error("missing command");

  const char *cmd = argv[next];
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(cmd, commands[i].name) == 0)
      return commands[i].run(&o, argc - next, argv + next);
  if (cmd[0] == '-')
    return nt_usage_error("unknown option '%s'", cmd);
  return nt_usage_error("unknown command '%s'", cmd);
}
