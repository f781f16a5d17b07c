/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `netipc call increment N` and `netipc call string-reverse TEXT`: one
 * typed Level 2 call, the answer on stdout.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "netipc-tool.h"

static int
call_increment(const nt_options *o, const char *arg)
{
  uint64_t value, result = 0;
  if (!nt_parse_option_u64("increment value", arg, 0, UINT64_MAX, &value))
    return NT_EXIT_USAGE;
  const char *service = o->service ? o->service : "increment";
  netipc_client *c = NULL;
  int rc = nt_client_open(o, service, NETIPC_METHOD_INCREMENT, 0, &c);
  if (rc != NT_EXIT_OK)
    return rc;
  uint64_t shown = 0;
  nt_client_verbose(o, service, c, &shown);
  netipc_err err = netipc_client_increment(c, value, 0, &result);
  nt_client_verbose(o, service, c, &shown);
  if (err != NETIPC_OK)
    rc = nt_client_fail(o, service, c, "increment", err);
  else
    printf("%llu\n", (unsigned long long)result);
  netipc_client_destroy(c);
  return nt_finish_stdout(rc);
}

static int
call_string_reverse(const nt_options *o, const char *text)
{
  const char *service = o->service ? o->service : "string-reverse";
  size_t len = strlen(text);
  if (len > NETIPC_MAX_PAYLOAD_LEN - NETIPC_STRING_REVERSE_MIN_LEN)
    return nt_usage_error("string-reverse text too long");
  netipc_client *c = NULL;
  int rc = nt_client_open(o, service, NETIPC_METHOD_STRING_REVERSE, 0, &c);
  if (rc != NT_EXIT_OK)
    return rc;
  uint64_t shown = 0;
  nt_client_verbose(o, service, c, &shown);
  netipc_string_view result;
  netipc_err err = netipc_client_string_reverse(c, text, len, 0, &result);
  nt_client_verbose(o, service, c, &shown);
  if (err != NETIPC_OK) {
    rc = nt_client_fail(o, service, c, "string-reverse", err);
  } else {
    fwrite(result.ptr, 1, result.len, stdout);
    fputc('\n', stdout);
  }
  netipc_client_destroy(c);
  return nt_finish_stdout(rc);
}

int
nt_cmd_call(const nt_options *o, int argc, char **argv)
{
  /* argv[0] is "call". */
  if (argc < 2)
    return nt_usage_error("call: missing method (increment or "
                          "string-reverse)");
  const char *method = argv[1];
  bool inc = strcmp(method, "increment") == 0;
  if (!inc && strcmp(method, "string-reverse") != 0)
    return nt_usage_error("call: unknown method '%s' (increment or "
                          "string-reverse)",
                          method);
  if (argc < 3)
    return nt_usage_error("call %s: missing %s", method,
                          inc ? "number" : "text");
  if (argc > 3)
    return nt_usage_error("call %s: unexpected argument '%s'", method,
                          argv[3]);
  return inc ? call_increment(o, argv[2]) : call_string_reverse(o, argv[2]);
}
