/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-win-names.c - Windows object names (windows.md 2): the FNV-1a 64
 * check values, the pipe and SHM name vectors of 2.5, the widened UTF-16
 * copies, bad service names (2.2) and the length limits (2.6).
 *
 * <K> == 0 (2.4) would need an FNV-1a preimage of 0 among valid names; no
 * such input is known, so that branch is not tested (and not counted).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include "transport/windows/win-internal.h"

#include "tap.h"

#define CAP (NETIPC__WIN_NAME_MAX + 1u)
#define RUN_DIR "/run/netdata"
#define SVC "cgroups-snapshot"
#define PIPE_VECTOR "\\\\.\\pipe\\netipc-efc07ed598ac339b-cgroups-snapshot"
#define SHM_VECTOR(k, sfx)                                                    \
  "Local\\netipc-" k "-cgroups-snapshot-p2-s0000000000000001-" sfx
#define TOKEN_12345_KEY "2095084fdb90921e"
#define SENTINEL 0x5a

static uint64_t
fnv(const char *s)
{
  return netipc__fnv1a64(NETIPC__FNV1A64_INIT, s, strlen(s));
}

/* True when wide holds exactly the bytes of ascii widened, NUL included. */
static int
widened(const char *ascii, const wchar_t *wide)
{
  size_t n = strlen(ascii);
  for (size_t i = 0; i <= n; i++)
    if (wide[i] != (wchar_t)(unsigned char)ascii[i])
      return 0;
  return 1;
}

static void
test_fnv(void)
{
  is_uint(fnv(""), 0xcbf29ce484222325ull, "FNV-1a 64 of the empty input");
  is_uint(fnv("a"), 0xaf63dc4c8601ec8cull, "FNV-1a 64 of \"a\"");
  is_uint(fnv("foobar"), 0x85944171f73967e8ull, "FNV-1a 64 of \"foobar\"");
  uint64_t h = netipc__fnv1a64(NETIPC__FNV1A64_INIT, "foo", 3);
  is_uint(netipc__fnv1a64(h, "bar", 3), 0x85944171f73967e8ull,
          "hashing continues across calls");
  is_uint(fnv(RUN_DIR), 0xefc07ed598ac339bull, "FNV-1a 64 of " RUN_DIR);
  static const unsigned char high[] = {0xff};
  is_uint(netipc__fnv1a64(NETIPC__FNV1A64_INIT, high, 1),
          0xaf64724c8602eb6eull, "a byte above 0x7f hashes as unsigned");
}

static void
test_pipe_vectors(void)
{
  char buf[CAP];
  wchar_t wbuf[CAP];
  is_err(netipc__win_pipe_name(RUN_DIR, SVC, buf, wbuf, CAP), NETIPC_OK,
         "pipe name of the 2.5 vector");
  ok(strcmp(buf, PIPE_VECTOR) == 0, "pipe name is %s", PIPE_VECTOR);
  ok(widened(buf, wbuf), "the UTF-16 pipe name is the ASCII one widened");

  memset(buf, 0, sizeof buf);
  is_err(netipc__win_pipe_name(RUN_DIR, SVC, buf, NULL, CAP), NETIPC_OK,
         "pipe name into the ASCII buffer only");
  ok(strcmp(buf, PIPE_VECTOR) == 0, "ASCII-only pipe name matches");
  wmemset(wbuf, 0, CAP);
  is_err(netipc__win_pipe_name(RUN_DIR, SVC, NULL, wbuf, CAP), NETIPC_OK,
         "pipe name into the UTF-16 buffer only");
  ok(widened(PIPE_VECTOR, wbuf), "UTF-16-only pipe name matches");

  /* The public name of the endpoint is the pipe name. */
  memset(buf, 0, sizeof buf);
  is_err(netipc_endpoint_name(RUN_DIR, SVC, buf, CAP), NETIPC_OK,
         "netipc_endpoint_name of the 2.5 vector");
  ok(strcmp(buf, PIPE_VECTOR) == 0, "netipc_endpoint_name is the pipe name");
  is_err(netipc_endpoint_name(RUN_DIR, "bad/name", buf, CAP),
         NETIPC_ERR_BAD_NAME, "netipc_endpoint_name checks the service name");
  is_err(netipc_endpoint_name(RUN_DIR, SVC, buf, sizeof PIPE_VECTOR - 1),
         NETIPC_ERR_PATH_TOO_LONG, "netipc_endpoint_name checks the capacity");

  /* run_dir is not normalised: case, slashes and trailing separators. */
  is_err(netipc__win_pipe_name("C:\\ProgramData\\netdata", "svc", buf, NULL,
                               CAP),
         NETIPC_OK, "pipe name for a Windows run_dir");
  ok(strcmp(buf, "\\\\.\\pipe\\netipc-039a2c9647792c17-svc") == 0,
     "Windows run_dir hashed byte for byte (%s)", buf);
  netipc__win_pipe_name("C:\\ProgramData\\netdata\\", "svc", buf, NULL, CAP);
  ok(strcmp(buf, "\\\\.\\pipe\\netipc-98260e5b72e64371-svc") == 0,
     "a trailing separator changes the hash (%s)", buf);
  netipc__win_pipe_name("c:\\programdata\\netdata", "svc", buf, NULL, CAP);
  ok(strcmp(buf, "\\\\.\\pipe\\netipc-ec9eece052011837-svc") == 0,
     "case changes the hash (%s)", buf);
  netipc__win_pipe_name(RUN_DIR, "AZaz09._-", buf, NULL, CAP);
  ok(strcmp(buf, "\\\\.\\pipe\\netipc-efc07ed598ac339b-AZaz09._-") == 0,
     "every allowed character kept verbatim, case too (%s)", buf);
  netipc__win_pipe_name("", "s", buf, NULL, CAP);
  ok(strcmp(buf, "\\\\.\\pipe\\netipc-cbf29ce484222325-s") == 0,
     "an empty run_dir hashes as the empty input (%s)", buf);
}

static void
shm_params(netipc__shm_params *p, uint64_t token, uint32_t profile,
           uint64_t session_id)
{
  memset(p, 0, sizeof *p);
  p->run_dir = RUN_DIR;
  p->service = SVC;
  p->auth_token = token;
  p->profile = profile;
  p->session_id = session_id;
}

static void
check_shm(uint64_t token, uint32_t profile, uint64_t sid, const char *sfx,
          const char *expect, const char *what)
{
  netipc__shm_params p;
  char buf[CAP];
  wchar_t wbuf[CAP];
  shm_params(&p, token, profile, sid);
  memset(buf, 0, sizeof buf);
  is_err(netipc__win_shm_name(&p, sfx, buf, wbuf, CAP), NETIPC_OK,
         "SHM name: %s", what);
  ok(strcmp(buf, expect) == 0, "%s is %s (got %s)", what, expect, buf);
  ok(widened(expect, wbuf), "%s: UTF-16 copy is the ASCII widened", what);
}

static void
test_shm_vectors(void)
{
  check_shm(12345, 2, 1, "mapping", SHM_VECTOR(TOKEN_12345_KEY, "mapping"),
            "token 12345 mapping");
  check_shm(0, 2, 1, "mapping", SHM_VECTOR("90a72e535d3026ed", "mapping"),
            "token 0 mapping");
  check_shm(UINT64_MAX, 2, 1, "mapping",
            SHM_VECTOR("1b62f6f37d90e926", "mapping"),
            "token 2^64-1 mapping");
  check_shm(12345, 2, 1, "req_event",
            SHM_VECTOR(TOKEN_12345_KEY, "req_event"), "token 12345 req_event");
  check_shm(12345, 2, 1, "resp_event",
            SHM_VECTOR(TOKEN_12345_KEY, "resp_event"),
            "token 12345 resp_event");
  check_shm(12345, 4, 1, "mapping",
            "Local\\netipc-" TOKEN_12345_KEY
            "-cgroups-snapshot-p4-s0000000000000001-mapping",
            "profile 4: only <P> changes, not <K>");
  check_shm(12345, 2, 0x1234abcdull, "mapping",
            "Local\\netipc-" TOKEN_12345_KEY
            "-cgroups-snapshot-p2-s000000001234abcd-mapping",
            "session id zero-padded lowercase hex");
  check_shm(12345, 2, UINT64_MAX, "mapping",
            "Local\\netipc-" TOKEN_12345_KEY
            "-cgroups-snapshot-p2-sffffffffffffffff-mapping",
            "largest session id");

  netipc__shm_params p;
  char buf[CAP];
  shm_params(&p, 0x0123456789ABCDEFull, 2, 7);
  p.run_dir = "C:\\ProgramData\\netdata";
  p.service = "Apps.Lookup_1";
  netipc__win_shm_name(&p, "mapping", buf, NULL, CAP);
  ok(strcmp(buf, "Local\\netipc-ac76f295f8032dc1-Apps.Lookup_1-p2-"
                 "s0000000000000007-mapping") == 0,
     "<K> over run_dir \\n service \\n decimal token (%s)", buf);
}

static void
test_bad_names(void)
{
  static const char *const bad[] = {"", ".", "..", "a/b", "a b", "a\\b",
                                    "a:b", "caf\xc3\xa9", "x\ty", "a*"};
  char buf[CAP];
  netipc__shm_params p;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    memset(buf, SENTINEL, sizeof buf);
    is_err(netipc__win_pipe_name(RUN_DIR, bad[i], buf, NULL, CAP),
           NETIPC_ERR_BAD_NAME, "pipe: service \"%s\" is BAD_NAME", bad[i]);
    shm_params(&p, 1, 2, 1);
    p.service = bad[i];
    is_err(netipc__win_shm_name(&p, "mapping", buf, NULL, CAP),
           NETIPC_ERR_BAD_NAME, "SHM: service \"%s\" is BAD_NAME", bad[i]);
    ok((unsigned char)buf[0] == SENTINEL,
       "service \"%s\": nothing written", bad[i]);
  }
  ok(netipc__win_pipe_name(RUN_DIR, "...", buf, NULL, CAP) == NETIPC_OK,
     "\"...\" is a valid service name (only . and .. are refused)");
  is_err2(netipc__win_pipe_name(RUN_DIR, NULL, buf, NULL, CAP),
          NETIPC_ERR_BAD_NAME, NETIPC_ERR_INVALID_ARG,
          "pipe: NULL service refused");
  is_err(netipc__win_pipe_name(NULL, SVC, buf, NULL, CAP),
         NETIPC_ERR_INVALID_ARG, "pipe: NULL run_dir is INVALID_ARG");
  shm_params(&p, 1, 2, 1);
  p.run_dir = NULL;
  is_err(netipc__win_shm_name(&p, "mapping", buf, NULL, CAP),
         NETIPC_ERR_INVALID_ARG, "SHM: NULL run_dir is INVALID_ARG");
  shm_params(&p, 1, 2, 1);
  is_err(netipc__win_shm_name(NULL, "mapping", buf, NULL, CAP),
         NETIPC_ERR_INVALID_ARG, "SHM: NULL params is INVALID_ARG");
  is_err(netipc__win_shm_name(&p, NULL, buf, NULL, CAP),
         NETIPC_ERR_INVALID_ARG, "SHM: NULL suffix is INVALID_ARG");
  static const uint32_t bad_profiles[] = {0, 1, 3, 6, 8};
  for (size_t i = 0; i < sizeof bad_profiles / sizeof bad_profiles[0]; i++) {
    p.profile = bad_profiles[i];
    is_err(netipc__win_shm_name(&p, "mapping", buf, NULL, CAP),
           NETIPC_ERR_INVALID_ARG, "SHM: profile %u is INVALID_ARG",
           (unsigned)bad_profiles[i]);
  }
}

/* A string of n copies of c in a static buffer. */
static const char *
repeat(char c, size_t n)
{
  static char s[2][512];
  static int which;
  which ^= 1;
  memset(s[which], c, n);
  s[which][n] = '\0';
  return s[which];
}

static void
test_limits(void)
{
  char buf[CAP];
  netipc__shm_params p;
  size_t svc_max = NETIPC__WIN_SERVICE_MAX, dir_max = NETIPC__WIN_RUN_DIR_MAX;

  is_uint(svc_max, 127, "service names are limited to 127 bytes (2.6)");
  is_uint(dir_max, 255, "run_dir is limited to 255 bytes (2.6)");
  is_err(netipc__win_pipe_name(RUN_DIR, repeat('s', svc_max), buf, NULL, CAP),
         NETIPC_OK, "pipe: a 127-byte service name works");
  is_uint(strlen(buf), strlen("\\\\.\\pipe\\netipc-") + 16 + 1 + svc_max,
          "pipe: the 127-byte name is complete");
  is_err(netipc__win_pipe_name(RUN_DIR, repeat('s', svc_max + 1), buf, NULL,
                               CAP),
         NETIPC_ERR_PATH_TOO_LONG, "pipe: a 128-byte service name refused");
  is_err(netipc__win_pipe_name(RUN_DIR, repeat('s', NETIPC_SERVICE_NAME_MAX),
                               buf, NULL, CAP),
         NETIPC_ERR_PATH_TOO_LONG,
         "pipe: a 255-byte service name (valid elsewhere) refused");
  is_err(netipc__win_pipe_name(repeat('d', dir_max), SVC, buf, NULL, CAP),
         NETIPC_OK, "pipe: a 255-byte run_dir works (it is only hashed)");
  is_err(netipc__win_pipe_name(repeat('d', dir_max + 1), SVC, buf, NULL, CAP),
         NETIPC_ERR_PATH_TOO_LONG, "pipe: a 256-byte run_dir refused");

  shm_params(&p, UINT64_MAX, 2, UINT64_MAX);
  p.service = repeat('s', svc_max);
  is_err(netipc__win_shm_name(&p, "resp_event", buf, NULL, CAP), NETIPC_OK,
         "SHM: the longest name (127-byte service, resp_event) works");
  ok(strlen(buf) <= NETIPC__WIN_NAME_MAX, "SHM: it fits 255 characters");
  p.service = repeat('s', svc_max + 1);
  is_err(netipc__win_shm_name(&p, "mapping", buf, NULL, CAP),
         NETIPC_ERR_PATH_TOO_LONG, "SHM: a 128-byte service name refused");
  p.service = SVC;
  p.run_dir = repeat('d', dir_max);
  is_err(netipc__win_shm_name(&p, "mapping", buf, NULL, CAP), NETIPC_OK,
         "SHM: a 255-byte run_dir works");
  p.run_dir = repeat('d', dir_max + 1);
  is_err(netipc__win_shm_name(&p, "mapping", buf, NULL, CAP),
         NETIPC_ERR_PATH_TOO_LONG, "SHM: a 256-byte run_dir refused");
}

static void
test_caps(void)
{
  char buf[CAP];
  wchar_t wbuf[CAP];
  size_t len = strlen(PIPE_VECTOR);
  memset(buf, SENTINEL, sizeof buf);
  wmemset(wbuf, (wchar_t)SENTINEL, CAP);
  is_err(netipc__win_pipe_name(RUN_DIR, SVC, buf, wbuf, len),
         NETIPC_ERR_PATH_TOO_LONG, "pipe: cap without room for the NUL");
  ok((unsigned char)buf[0] == SENTINEL && wbuf[0] == (wchar_t)SENTINEL,
     "pipe: nothing written on PATH_TOO_LONG");
  is_err(netipc__win_pipe_name(RUN_DIR, SVC, buf, wbuf, len + 1), NETIPC_OK,
         "pipe: cap of length + 1 is enough");
  ok(buf[len] == '\0' && wbuf[len] == 0 &&
         (unsigned char)buf[len + 1] == SENTINEL &&
         wbuf[len + 1] == (wchar_t)SENTINEL,
     "pipe: NUL-terminated, nothing written past it");
  is_err(netipc__win_pipe_name(RUN_DIR, SVC, buf, NULL, 0),
         NETIPC_ERR_PATH_TOO_LONG, "pipe: cap 0");

  netipc__shm_params p;
  shm_params(&p, 12345, 2, 1);
  size_t slen = strlen(SHM_VECTOR(TOKEN_12345_KEY, "mapping"));
  is_err(netipc__win_shm_name(&p, "mapping", buf, NULL, slen),
         NETIPC_ERR_PATH_TOO_LONG, "SHM: cap without room for the NUL");
  is_err(netipc__win_shm_name(&p, "mapping", buf, NULL, slen + 1), NETIPC_OK,
         "SHM: cap of length + 1 is enough");
  p.service = repeat('s', NETIPC__WIN_SERVICE_MAX);
  is_err(netipc__win_shm_name(&p, repeat('x', NETIPC__WIN_NAME_MAX), buf,
                              NULL, CAP),
         NETIPC_ERR_PATH_TOO_LONG,
         "SHM: a name over 255 characters is refused, not truncated");
}

int
main(void)
{
  test_fnv();
  test_pipe_vectors();
  test_shm_vectors();
  test_bad_names();
  test_limits();
  test_caps();
  return done_testing();
}
