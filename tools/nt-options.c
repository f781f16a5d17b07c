/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Diagnostics and option parsing shared by every netipc command: the
 * "netipc: " error lines, strict number parsing, "--name VALUE" matching,
 * profile names, and the global options that come before the command.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netipc-tool.h"
#include "nt-platform.h"

/* Room for the list of --profile values in a message. */
#define PROFILE_LIST_MAX 128

/* "netipc: <message><tail>" on stderr. */
static void report(const char *tail, const char *fmt, va_list ap)
    NT_PRINTF(2, 0);

static void
report(const char *tail, const char *fmt, va_list ap)
{
  fputs("netipc: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputs(tail, stderr);
}

int
nt_error(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  report("\n", fmt, ap);
  va_end(ap);
  return NT_EXIT_FAIL;
}

int
nt_usage_error(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  report(" (try 'netipc --help')\n", fmt, ap);
  va_end(ap);
  return NT_EXIT_USAGE;
}

/* Every byte of digits is a digit of the base (strtoull alone accepts
 * blanks, signs and a second "0x"). */
static bool
all_digits(const char *digits, bool hex)
{
  if (*digits == '\0')
    return false;
  for (const char *p = digits; *p != '\0'; p++) {
    bool ok = (*p >= '0' && *p <= '9') ||
              (hex && ((*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')));
    if (!ok)
      return false;
  }
  return true;
}

bool
nt_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
  if (s == NULL)
    return false;
  bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  const char *digits = hex ? s + 2 : s;
  if (!all_digits(digits, hex))
    return false;
  errno = 0;
  char *end = NULL;
  unsigned long long v = strtoull(digits, &end, hex ? 16 : 10);
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

/* The platform's entry for one bit (nt-profiles-*.c), or NULL. */
static const nt_profile_bit *
profile_bit(uint32_t bit)
{
  for (size_t i = 0; i < nt_profile_bit_count; i++)
    if (nt_profile_bits[i].bit == bit)
      return &nt_profile_bits[i];
  return NULL;
}

const char *
nt_profile_name(uint32_t bit)
{
  if (bit == 0)
    return "none";
  const nt_profile_bit *b = profile_bit(bit);
  return b != NULL ? b->name : "UNKNOWN";
}

const char *
nt_profile_bench_name(uint32_t bit)
{
  const nt_profile_bit *b = profile_bit(bit);
  return b != NULL ? b->bench : "unknown";
}

const char *
nt_profile_baseline_option(void)
{
  return nt_profile_choices[0].name;
}

const char *
nt_profile_mask(uint32_t mask, char *buf, size_t cap)
{
  size_t used = 0;
  buf[0] = '\0';
  if (mask == 0) {
    (void)snprintf(buf, cap, "none"); /* cut short, as the names below */
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

/* ---- global options ---------------------------------------------------- */

/* "a, b, c or d": the --profile values, for a message. */
static const char *
profile_list(char *buf, size_t cap)
{
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < nt_profile_choice_count; i++) {
    const char *sep = i == 0 ? "" : i + 1 < nt_profile_choice_count ? ", "
                                                                    : " or ";
    int n = snprintf(buf + used, cap - used, "%s%s", sep,
                     nt_profile_choices[i].name);
    if (n < 0 || (size_t)n >= cap - used)
      break;
    used += (size_t)n;
  }
  return buf;
}

static bool
set_profile(nt_options *o, const char *name)
{
  for (size_t i = 0; i < nt_profile_choice_count; i++) {
    const nt_profile_choice *c = &nt_profile_choices[i];
    if (strcmp(name, c->name) == 0) {
      o->supported_profiles = c->supported;
      o->preferred_profiles = c->preferred;
      o->profile_name = c->name;
      return true;
    }
  }
  char list[PROFILE_LIST_MAX];
  nt_usage_error("invalid --profile '%s': expected %s", name,
                 profile_list(list, sizeof list));
  return false;
}

void
nt_options_init(nt_options *o)
{
  memset(o, 0, sizeof *o);
  (void)set_profile(o, nt_profile_choices[0].name);
}

/* The numeric global options, each a uint32_t field of nt_options. */
typedef struct u32_option {
  const char *name;
  uint32_t min, max;
  size_t offset;
} u32_option;

static const u32_option u32_options[] = {
    {"--timeout", 1, UINT32_MAX, offsetof(nt_options, timeout_ms)},
    {"--max-request-payload", 1, NT_PAYLOAD_MAX,
     offsetof(nt_options, max_request)},
    {"--max-response-payload", 1, NT_PAYLOAD_MAX,
     offsetof(nt_options, max_response)},
    {"--workers", 1, NT_WORKERS_MAX, offsetof(nt_options, workers)},
};

/* The global options whose values are checked by set_text_option. */
enum text_option { OPT_RUN_DIR, OPT_SERVICE, OPT_AUTH_TOKEN, OPT_PROFILE };
static const char *const text_options[] = {"--run-dir", "--service",
                                           "--auth-token", "--profile"};

static bool
set_text_option(nt_options *o, enum text_option which, const char *v,
                bool *token_set)
{
  switch (which) {
  case OPT_RUN_DIR:
    if (v[0] == '\0') {
      nt_usage_error("--run-dir must not be empty");
      return false;
    }
    o->run_dir = v;
    return true;
  case OPT_SERVICE:
    if (netipc_service_name_check(v) != NETIPC_OK) {
      nt_usage_error("invalid --service '%s': use 1-%u characters of "
                     "[A-Za-z0-9._-], not '.' or '..'",
                     v, NETIPC_SERVICE_NAME_MAX);
      return false;
    }
    o->service = v;
    return true;
  case OPT_AUTH_TOKEN:
    *token_set = true;
    return nt_parse_option_u64("--auth-token", v, 0, UINT64_MAX,
                               &o->auth_token);
  default:
    return set_profile(o, v);
  }
}

/* One option that takes a value: 1 matched and stored, 0 not such an
 * option, -1 usage error (reported). */
static int
parse_valued(int argc, char **argv, int *i, nt_options *o, bool *token_set)
{
  const char *v; /* set by nt_match_value whenever it matches */
  for (size_t k = 0; k < sizeof u32_options / sizeof u32_options[0]; k++) {
    const u32_option *u = &u32_options[k];
    int m = nt_match_value(argc, argv, i, u->name, &v);
    if (m == 0)
      continue;
    uint32_t *field = (uint32_t *)(void *)((char *)o + u->offset);
    return m > 0 && nt_parse_option_u32(u->name, v, u->min, u->max, field)
               ? 1
               : -1;
  }
  for (size_t k = 0; k < sizeof text_options / sizeof text_options[0]; k++) {
    int m = nt_match_value(argc, argv, i, text_options[k], &v);
    if (m == 0)
      continue;
    return m > 0 && set_text_option(o, (enum text_option)k, v, token_set)
               ? 1
               : -1;
  }
  return 0;
}

/* The environment's token, unless --auth-token gave one. */
static int
token_from_env(nt_options *o)
{
  const char *env = getenv("NETIPC_AUTH_TOKEN");
  if (env != NULL && env[0] != '\0' &&
      !nt_parse_u64(env, 0, UINT64_MAX, &o->auth_token))
    return nt_usage_error("invalid NETIPC_AUTH_TOKEN '%s': expected a "
                          "decimal or 0x-hex 64-bit number",
                          env);
  return NT_EXIT_OK;
}

int
nt_options_parse(int argc, char **argv, void (*usage)(void), nt_options *o,
                 int *next)
{
  bool token_set = false;
  int i = 1;
  while (i < argc) {
    const char *arg = argv[i];
    if (strcmp(arg, "--") == 0) {
      i++;
      break;
    }
    if (arg[0] != '-' || arg[1] == '\0')
      break; /* the command */
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      usage();
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
    int m = parse_valued(argc, argv, &i, o, &token_set);
    if (m < 0)
      return NT_EXIT_USAGE;
    if (m == 0)
      return nt_usage_error("unknown option '%s'", arg);
  }
  if (!token_set && token_from_env(o) != NT_EXIT_OK)
    return NT_EXIT_USAGE;
  if (o->run_dir == NULL && (o->run_dir = nt_os_default_run_dir()) == NULL)
    return NT_EXIT_FAIL; /* the refusal was reported */
  *next = i;
  return -1;
}
