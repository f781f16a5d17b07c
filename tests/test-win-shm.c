/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-win-shm.c - Windows SHM sessions through the public Level 1 API
 * (windows.md 1, 4, 5): SHM_HYBRID and SHM_BUSYWAIT round trips, profile
 * selection, the region header a server creates (4.1) and its counters,
 * which objects exist, timeouts, abort, peer close, the server falling
 * back to the pipe when its objects cannot be created (5.1), and the
 * client refusing regions it must not attach (4.3, 5.2).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "transport/windows/win-internal.h"

#include "bytes.h"
#include "tap.h"
#include "win-test-helpers.h"

#define RQMAX 4096u
#define RSMAX 65536u
#define CALLS 60
#define SHORT_MS 300u
#define SHORT_MIN_MS (SHORT_MS - 50u)
#define LATE_MS 5000u
#define ABORT_AFTER_MS 300u
/* The client retries a missing region for 5 s (5.2). */
#define ATTACH_RETRY_MIN_MS 4500u
#define ATTACH_RETRY_MAX_MS 30000u
#define NAME_CAP 256u
/* The spec's header values (4.1). */
#define SHM_MAGIC 0x4e535748u
#define SHM_VERSION 3u
#define SHM_HEADER_LEN 128u
#define SHM_SPIN_TRIES 1024u

static char run_dir[128];

static uint32_t
align64(uint32_t x)
{
  return (x + 63u) & ~63u;
}

static netipc_listener *
listen_on(const char *svc, uint32_t supported, uint32_t preferred)
{
  netipc_transport_config cfg;
  netipc_listener *l = NULL;
  wt_config(&cfg, run_dir, svc);
  cfg.supported_profiles = supported;
  cfg.preferred_profiles = preferred;
  cfg.max_request_payload_bytes = RQMAX;
  cfg.max_response_payload_bytes = RSMAX;
  cfg.handshake_timeout_ms = WT_WAIT_MS;
  if (netipc_listener_create(&cfg, &l) != NETIPC_OK)
    bail_out("listener_create failed");
  return l;
}

static void
client_cfg(netipc_transport_config *c, const char *svc, uint32_t supported,
           uint32_t preferred)
{
  wt_config(c, run_dir, svc);
  c->supported_profiles = supported;
  c->preferred_profiles = preferred;
  c->max_request_payload_bytes = RQMAX;
}

/* The name of one of a session's objects. */
static void
object_name(const char *svc, uint32_t profile, uint64_t sid,
            const char *suffix, wchar_t *w)
{
  netipc__shm_params p;
  memset(&p, 0, sizeof p);
  p.run_dir = run_dir;
  p.service = svc;
  p.auth_token = WT_TOKEN;
  p.profile = profile;
  p.session_id = sid;
  if (netipc__win_shm_name(&p, suffix, NULL, w, NAME_CAP) != NETIPC_OK)
    bail_out("SHM name derivation failed");
}

static int
mapping_exists(const char *svc, uint32_t profile, uint64_t sid)
{
  wchar_t w[NAME_CAP];
  object_name(svc, profile, sid, "mapping", w);
  HANDLE h = OpenFileMappingW(FILE_MAP_READ, FALSE, w);
  if (h == NULL)
    return 0;
  CloseHandle(h);
  return 1;
}

static int
event_exists(const char *svc, uint32_t profile, uint64_t sid,
             const char *suffix)
{
  wchar_t w[NAME_CAP];
  object_name(svc, profile, sid, suffix, w);
  HANDLE h = OpenEventW(SYNCHRONIZE, FALSE, w);
  if (h == NULL)
    return 0;
  CloseHandle(h);
  return 1;
}

/* ---------------------------------------------------------------- */

/* Round trips of varied sizes through the echo server. */
static int
round_trips(netipc_session *c, int calls, unsigned seed)
{
  uint8_t buf[RQMAX];
  int good = 0;
  for (int i = 0; i < calls; i++) {
    size_t n = (size_t)((i * 997u + seed) % (RQMAX + 1u));
    if (i == 0)
      n = 0;
    if (i == 1)
      n = RQMAX;
    wt_pattern(buf, n, seed + (unsigned)i);
    good += wt_echo_call(c, NETIPC_METHOD_INCREMENT, (uint64_t)i + 1, buf, n);
  }
  return good;
}

/* The header the server wrote, read from a view of the mapping. */
static void
check_region(const char *svc, uint32_t profile, uint64_t sid,
             uint64_t seq, const char *what)
{
  wchar_t w[NAME_CAP];
  object_name(svc, profile, sid, "mapping", w);
  HANDLE h = OpenFileMappingW(FILE_MAP_READ, FALSE, w);
  ok(h != NULL, "%s: the mapping Local\\...-p%u-s%016llx-mapping exists",
     what, profile, (unsigned long long)sid);
  const uint8_t *v =
      h != NULL ? MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0) : NULL;
  if (v == NULL) {
    ok(0, "%s: no view of the mapping", what);
    skip(6, "no region to look at");
    if (h != NULL)
      CloseHandle(h);
    return;
  }
  uint32_t req_cap = align64(NETIPC_HEADER_LEN + RQMAX);
  uint32_t resp_cap = align64(NETIPC_HEADER_LEN + RSMAX);
  uint32_t resp_off = align64(SHM_HEADER_LEN + req_cap);
  ok(get32(v, 0) == SHM_MAGIC && get32(v, 4) == SHM_VERSION &&
         get32(v, 8) == SHM_HEADER_LEN,
     "%s: magic 0x4e535748, version 3, header_len 128", what);
  is_uint(get32(v, 12), profile, "%s: profile %u", what, profile);
  ok(get32(v, 16) == SHM_HEADER_LEN && get32(v, 20) == req_cap,
     "%s: request area at 128, capacity align64(32 + 4096) = %u", what,
     req_cap);
  ok(get32(v, 24) == resp_off && get32(v, 28) == resp_cap,
     "%s: response area at %u, capacity align64(32 + 65536) = %u", what,
     resp_off, resp_cap);
  is_uint(get32(v, 32), SHM_SPIN_TRIES, "%s: spin_tries 1024", what);
  ok(get64(v, 64) == seq && get64(v, 72) == seq,
     "%s: req_seq and resp_seq count the %llu round trips", what,
     (unsigned long long)seq);
  MEMORY_BASIC_INFORMATION mbi;
  ok(VirtualQuery(v, &mbi, sizeof mbi) == sizeof mbi &&
         mbi.RegionSize >= (SIZE_T)resp_off + resp_cap,
     "%s: the view covers the response area (%u bytes)", what,
     resp_off + resp_cap);
  UnmapViewOfFile(v);
  CloseHandle(h);
}

static void
test_profile(const char *svc, uint32_t profile, uint32_t other)
{
  const char *what = profile == NETIPC_PROFILE_SHM_HYBRID ? "HYBRID"
                                                          : "BUSYWAIT";
  netipc_listener *l =
      listen_on(svc, NETIPC_PROFILE_NAMED_PIPE | profile, profile);
  netipc_transport_config c;
  wt_pair p;
  client_cfg(&c, svc, NETIPC_PROFILE_NAMED_PIPE | profile, profile);
  c.plain_protocol = true; /* the reference's region, byte for byte */
  wt_pair_open(&p, l, &c);
  is_err(p.connect_err, NETIPC_OK, "%s: connect", what);
  is_err(p.accept_err, NETIPC_OK, "%s: accept", what);
  if (p.client == NULL || p.server == NULL) {
    wt_pair_close(&p);
    netipc_listener_destroy(l);
    bail_out("SHM pair failed");
  }
  const netipc_session_info *ci = netipc_session_get_info(p.client);
  const netipc_session_info *si = netipc_session_get_info(p.server);
  is_uint(ci->selected_profile, profile, "%s: client selected %u", what,
          profile);
  is_uint(si->selected_profile, profile, "%s: server selected %u", what,
          profile);
  is_uint(ci->intersection_profiles, NETIPC_PROFILE_NAMED_PIPE | profile,
          "%s: intersection", what);
  uint64_t sid = ci->session_id;

  wt_echo e;
  wt_echo_start(&e, p.server, NULL);
  is_int(round_trips(p.client, CALLS, profile), CALLS,
         "%s: %d round trips of 0..4096 bytes, all intact", what, CALLS);
  check_region(svc, profile, sid, CALLS, what);
  if (profile == NETIPC_PROFILE_SHM_HYBRID)
    ok(event_exists(svc, profile, sid, "req_event") &&
           event_exists(svc, profile, sid, "resp_event"),
       "%s: req_event and resp_event exist", what);
  else
    ok(!event_exists(svc, profile, sid, "req_event") &&
           !event_exists(svc, profile, sid, "resp_event"),
       "%s: no events for BUSYWAIT", what);
  ok(!mapping_exists(svc, other, sid),
     "%s: no mapping is left for the profile not selected", what);

  netipc_header h;
  uint8_t *big = calloc(1, RQMAX + 1u);
  if (big == NULL)
    bail_out("calloc");
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 5000);
  is_err(netipc_session_send(p.client, &h, big, RQMAX + 1u),
         NETIPC_ERR_LIMIT_EXCEEDED, "%s: a request over 4096 is refused", what);
  ok(wt_echo_call(p.client, NETIPC_METHOD_INCREMENT, 5001, big, 16),
     "%s: the session works after the refused send", what);
  free(big);

  netipc_session_destroy(p.client);
  p.client = NULL;
  is_err(wt_echo_join(&e), NETIPC_ERR_DISCONNECTED,
         "%s: the client closes, the server's receive sees DISCONNECTED",
         what);
  is_uint(e.served, CALLS + 1, "%s: every request was served", what);
  wt_pair_close(&p);
  ok(!mapping_exists(svc, profile, sid),
     "%s: the objects vanish with both sessions", what);
  netipc_listener_destroy(l);
}

/* Which profile a handshake picks (windows.md 1). */
static void
test_selection(void)
{
  static const struct {
    uint32_t srv_sup, srv_pref, cli_sup, cli_pref, expect;
    const char *what;
  } cases[] = {
      {0x07, 0x00, 0x07, 0x00, 0x04, "no preferences: BUSYWAIT beats HYBRID"},
      {0x07, 0x00, 0x03, 0x00, 0x02, "client without BUSYWAIT: HYBRID"},
      {0x07, 0x02, 0x07, 0x02, 0x02, "both prefer HYBRID"},
      {0x07, 0x04, 0x07, 0x02, 0x04,
       "preferences disjoint: highest of the intersection"},
      {0x03, 0x02, 0x05, 0x04, 0x01, "no common SHM profile: the pipe"},
      {0x01, 0x00, 0x07, 0x06, 0x01, "pipe-only server: the pipe"},
  };
  char svc[32];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    snprintf(svc, sizeof svc, "shm-sel%u", (unsigned)i);
    netipc_listener *l = listen_on(svc, cases[i].srv_sup, cases[i].srv_pref);
    netipc_transport_config c;
    wt_pair p;
    client_cfg(&c, svc, cases[i].cli_sup, cases[i].cli_pref);
    wt_pair_open(&p, l, &c);
    is_uint(p.client != NULL
                ? netipc_session_get_info(p.client)->selected_profile
                : 0,
            cases[i].expect, "%s (%u)", cases[i].what, cases[i].expect);
    if (p.client != NULL && p.server != NULL) {
      wt_echo e;
      uint8_t b[64];
      wt_pattern(b, sizeof b, (unsigned)i);
      wt_echo_start(&e, p.server, NULL);
      ok(wt_echo_call(p.client, NETIPC_METHOD_INCREMENT, 1, b, sizeof b),
         "%s: a round trip", cases[i].what);
      netipc_session_destroy(p.client);
      p.client = NULL;
      wt_echo_join(&e);
    } else {
      ok(0, "%s: no pair", cases[i].what);
    }
    wt_pair_close(&p);
    netipc_listener_destroy(l);
  }
}

/* ---------------------------------------------------------------- */

static int
shm_pair(netipc_listener *l, const char *svc, uint32_t profile, wt_pair *p)
{
  netipc_transport_config c;
  client_cfg(&c, svc, NETIPC_PROFILE_NAMED_PIPE | profile, profile);
  wt_pair_open(p, l, &c);
  return p->client != NULL && p->server != NULL &&
         netipc_session_get_info(p->client)->selected_profile == profile;
}

/* Timeout, abort and peer close on one SHM profile. */
static void
test_waits(const char *svc, uint32_t profile)
{
  const char *what = profile == NETIPC_PROFILE_SHM_HYBRID ? "HYBRID"
                                                          : "BUSYWAIT";
  netipc_listener *l =
      listen_on(svc, NETIPC_PROFILE_NAMED_PIPE | profile, profile);
  netipc_header h;
  const void *rp;
  size_t rl;
  wt_pair p;

  ok(shm_pair(l, svc, profile, &p), "%s: pair for the timeout", what);
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 1);
  netipc_session_send(p.client, &h, "12345678", 8);
  uint64_t t0 = tp_now_ms();
  is_err(netipc_session_receive(p.client, SHORT_MS, NULL, &h, &rp, &rl),
         NETIPC_ERR_TIMEOUT, "%s: an unanswered request times out", what);
  uint64_t dt = tp_now_ms() - t0;
  ok(dt >= SHORT_MIN_MS && dt < LATE_MS, "%s: after about %u ms (%llu)",
     what, SHORT_MS, (unsigned long long)dt);
  is_err(netipc_session_receive(p.server, WT_WAIT_MS, NULL, &h, &rp, &rl),
         NETIPC_OK, "%s: the server still got the request", what);
  wt_pair_close(&p);

  netipc_abort *ab = NULL;
  if (netipc_abort_create(&ab) != NETIPC_OK)
    bail_out("abort_create");
  ok(shm_pair(l, svc, profile, &p), "%s: pair for the abort", what);
  wt_blocked_recv b;
  wt_blocked_recv_start(&b, p.server, 0, ab);
  tp_sleep_ms(ABORT_AFTER_MS);
  ok(!tp_task_done(&b.task), "%s: the server receive blocks", what);
  netipc_abort_signal(ab);
  wt_blocked_recv_join(&b);
  is_err(b.err, NETIPC_ERR_ABORTED, "%s: abort ends a blocked receive", what);
  ok(b.elapsed_ms < LATE_MS, "%s: soon after the signal (%llu ms)", what,
     (unsigned long long)b.elapsed_ms);
  netipc_abort_clear(ab);
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 2);
  netipc_session_send(p.client, &h, "12345678", 8);
  wt_blocked_recv_start(&b, p.client, 0, ab);
  tp_sleep_ms(ABORT_AFTER_MS);
  netipc_abort_signal(ab);
  wt_blocked_recv_join(&b);
  is_err(b.err, NETIPC_ERR_ABORTED,
         "%s: abort ends a client waiting for its response", what);
  wt_pair_close(&p);
  netipc_abort_destroy(ab);

  ok(shm_pair(l, svc, profile, &p), "%s: pair for the server close", what);
  wt_blocked_recv_start(&b, p.client, WT_WAIT_MS, NULL);
  tp_sleep_ms(ABORT_AFTER_MS);
  netipc_session_destroy(p.server);
  p.server = NULL;
  wt_blocked_recv_join(&b);
  is_err(b.err, NETIPC_ERR_DISCONNECTED,
         "%s: the server closes, a blocked client sees DISCONNECTED", what);
  ok(b.elapsed_ms < WT_WAIT_MS, "%s: before its timeout (%llu ms)", what,
     (unsigned long long)b.elapsed_ms);
  wt_pair_close(&p);

  /* A response published just before the close is still delivered. */
  ok(shm_pair(l, svc, profile, &p), "%s: pair for the last message", what);
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, 3);
  netipc_session_send(p.client, &h, "12345678", 8);
  netipc_session_receive(p.server, WT_WAIT_MS, NULL, &h, &rp, &rl);
  netipc_header_init(&h, NETIPC_KIND_RESPONSE, NETIPC_METHOD_INCREMENT, 3);
  is_err(netipc_session_send(p.server, &h, "87654321", 8), NETIPC_OK,
         "%s: the server answers", what);
  netipc_session_destroy(p.server);
  p.server = NULL;
  is_err(netipc_session_receive(p.client, WT_WAIT_MS, NULL, &h, &rp, &rl),
         NETIPC_OK, "%s: the answer sent before the close arrives", what);
  ok(rl == 8 && memcmp(rp, "87654321", 8) == 0 && h.message_id == 3,
     "%s: ...intact", what);
  wt_pair_close(&p);
  netipc_listener_destroy(l);
}

/* ---------------------------------------------------------------- */
/* Server-side fallback (5.1).                                        */

static HANDLE
squat_mapping(const char *svc, uint32_t profile, uint64_t sid)
{
  wchar_t w[NAME_CAP];
  object_name(svc, profile, sid, "mapping", w);
  return CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                            4096, w);
}

static HANDLE
squat_event(const char *svc, uint32_t profile, uint64_t sid,
            const char *suffix)
{
  wchar_t w[NAME_CAP];
  object_name(svc, profile, sid, suffix, w);
  return CreateEventW(NULL, FALSE, FALSE, w);
}

static void
fallback_round(netipc_listener *l, const char *svc, uint64_t sid,
               uint32_t expect, const char *what)
{
  wt_pair p;
  (void)shm_pair(l, svc, NETIPC_PROFILE_SHM_HYBRID, &p);
  ok(p.client != NULL && p.server != NULL, "%s: the client connects", what);
  const netipc_session_info *ci =
      p.client != NULL ? netipc_session_get_info(p.client) : NULL;
  is_uint(ci != NULL ? ci->selected_profile : 0, expect,
          "%s: profile %u selected", what, expect);
  is_uint(ci != NULL ? ci->session_id : 0, sid, "%s: session id %llu", what,
          (unsigned long long)sid);
  if (p.client != NULL && p.server != NULL) {
    wt_echo e;
    wt_echo_start(&e, p.server, NULL);
    is_int(round_trips(p.client, 10, (unsigned)sid), 10,
           "%s: round trips work", what);
    netipc_session_destroy(p.client);
    p.client = NULL;
    wt_echo_join(&e);
  } else {
    ok(0, "%s: no session", what);
  }
  wt_pair_close(&p);
}

static void
test_fallback(void)
{
  const char *svc = "shm-fb";
  netipc_listener *l =
      listen_on(svc, NETIPC_PROFILE_NAMED_PIPE | NETIPC_PROFILE_SHM_HYBRID,
                NETIPC_PROFILE_SHM_HYBRID);
  HANDLE m = squat_mapping(svc, NETIPC_PROFILE_SHM_HYBRID, 1);
  ok(m != NULL && GetLastError() != ERROR_ALREADY_EXISTS,
     "the mapping name of session 1 is taken beforehand");
  fallback_round(l, svc, 1, NETIPC_PROFILE_NAMED_PIPE,
                 "mapping name taken (ALREADY_EXISTS)");
  if (m != NULL)
    CloseHandle(m);
  fallback_round(l, svc, 2, NETIPC_PROFILE_SHM_HYBRID,
                 "the next accept tries SHM again");
  HANDLE ev = squat_event(svc, NETIPC_PROFILE_SHM_HYBRID, 3, "resp_event");
  ok(ev != NULL, "the resp_event name of session 3 is taken beforehand");
  fallback_round(l, svc, 3, NETIPC_PROFILE_NAMED_PIPE,
                 "event name taken (ALREADY_EXISTS)");
  ok(!mapping_exists(svc, NETIPC_PROFILE_SHM_HYBRID, 3),
     "the failed creation left no mapping behind");
  if (ev != NULL)
    CloseHandle(ev);
  /* An object of the same name that is not a mapping (another type). */
  HANDLE other = squat_event(svc, NETIPC_PROFILE_SHM_HYBRID, 4, "mapping");
  ok(other != NULL, "an event squats on the mapping name of session 4");
  fallback_round(l, svc, 4, NETIPC_PROFILE_NAMED_PIPE,
                 "a non-mapping object with the name");
  if (other != NULL)
    CloseHandle(other);
  fallback_round(l, svc, 5, NETIPC_PROFILE_SHM_HYBRID,
                 "SHM again once the names are free");
  netipc_listener_destroy(l);
}

/* ---------------------------------------------------------------- */
/* The client against regions made by hand (4.3).                     */

#define CRAFT_SID 77u
#define CRAFT_LIMIT 1024u
#define CRAFT_CAP 1088u /* align64(32 + 1024) */

typedef enum craft {
  CRAFT_GOOD,
  CRAFT_VERSION,
  CRAFT_HEADER_LEN,
  CRAFT_PROFILE,
  CRAFT_REQ_OFFSET_LOW,
  CRAFT_CAP_UNALIGNED,
  CRAFT_OVERLAP,
  CRAFT_CAP_SMALL,
  CRAFT_ZERO_CAP,
  CRAFT_MAGIC,
  CRAFT_NONE /* no mapping at all */
} craft;

static size_t
craft_ack(uint8_t *buf)
{
  netipc_hello_ack a;
  memset(&a, 0, sizeof a);
  a.layout_version = 1;
  a.server_supported_profiles = 0x05;
  a.intersection_profiles = 0x05;
  a.selected_profile = NETIPC_PROFILE_SHM_BUSYWAIT;
  a.agreed_max_request_payload_bytes = CRAFT_LIMIT;
  a.agreed_max_request_batch_items = 1;
  a.agreed_max_response_payload_bytes = CRAFT_LIMIT;
  a.agreed_max_response_batch_items = 1;
  a.agreed_packet_size = 65536;
  a.session_id = CRAFT_SID;
  if (netipc_hello_ack_message_encode(&a, NETIPC_STATUS_OK, buf,
                                      NETIPC_HELLO_ACK_MSG_LEN) != NETIPC_OK)
    bail_out("ack encode failed");
  return NETIPC_HELLO_ACK_MSG_LEN;
}

static HANDLE
craft_region(const char *svc, craft k)
{
  uint32_t req_off = SHM_HEADER_LEN, req_cap = CRAFT_CAP;
  uint32_t resp_off = SHM_HEADER_LEN + CRAFT_CAP, resp_cap = CRAFT_CAP;
  uint32_t size = resp_off + resp_cap + 4096u;
  if (k == CRAFT_NONE)
    return NULL;
  wchar_t w[NAME_CAP];
  object_name(svc, NETIPC_PROFILE_SHM_BUSYWAIT, CRAFT_SID, "mapping", w);
  HANDLE m = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                                size, w);
  uint8_t *v = m != NULL ? MapViewOfFile(m, FILE_MAP_ALL_ACCESS, 0, 0, 0)
                         : NULL;
  if (v == NULL)
    bail_out("cannot make a region by hand");
  memset(v, 0, size);
  switch (k) {
  case CRAFT_REQ_OFFSET_LOW: req_off = 64; break;
  case CRAFT_CAP_UNALIGNED: req_cap = CRAFT_CAP + 8; resp_off += 64; break;
  case CRAFT_OVERLAP: resp_off = SHM_HEADER_LEN + 64; break;
  case CRAFT_CAP_SMALL: resp_cap = 64; break;
  case CRAFT_ZERO_CAP: req_cap = 0; break;
  default: break;
  }
  put32(v, 0, k == CRAFT_MAGIC ? 0x12345678u : SHM_MAGIC);
  put32(v, 4, k == CRAFT_VERSION ? 2u : SHM_VERSION);
  put32(v, 8, k == CRAFT_HEADER_LEN ? 64u : SHM_HEADER_LEN);
  put32(v, 12, k == CRAFT_PROFILE ? NETIPC_PROFILE_SHM_HYBRID
                                  : NETIPC_PROFILE_SHM_BUSYWAIT);
  put32(v, 16, req_off);
  put32(v, 20, req_cap);
  put32(v, 24, resp_off);
  put32(v, 28, resp_cap);
  put32(v, 32, SHM_SPIN_TRIES);
  UnmapViewOfFile(v);
  return m;
}

static netipc_err client_vs_region_within(craft k, uint32_t timeout_ms,
                                          const netipc_abort *abort,
                                          uint64_t *ms);

static netipc_err
client_vs_region(craft k, uint64_t *ms)
{
  return client_vs_region_within(k, 3u * WT_WAIT_MS, NULL, ms);
}

static void
abort_later_main(void *arg)
{
  tp_sleep_ms(ABORT_AFTER_MS);
  netipc_abort_signal(arg);
}

/* Connect against region k with the given connect timeout and abort. */
static netipc_err
client_vs_region_within(craft k, uint32_t timeout_ms,
                        const netipc_abort *abort, uint64_t *ms)
{
  const char *svc = "shm-raw";
  uint8_t ack[NETIPC_HELLO_ACK_MSG_LEN];
  size_t n = craft_ack(ack);
  HANDLE m = craft_region(svc, k);
  wt_raw_server srv;
  if (!wt_raw_server_start(&srv, run_dir, svc, ack, n, 3u * WT_WAIT_MS))
    bail_out("raw server: CreateNamedPipeW failed");
  netipc_transport_config c;
  netipc_session *s = NULL;
  client_cfg(&c, svc, 0x05, NETIPC_PROFILE_SHM_BUSYWAIT);
  c.max_request_payload_bytes = CRAFT_LIMIT;
  c.plain_protocol = true;
  uint64_t t0 = tp_now_ms();
  netipc_err err = netipc_session_connect(&c, timeout_ms, abort, &s);
  *ms = tp_now_ms() - t0;
  if (s != NULL && k == CRAFT_GOOD)
    ok(netipc_session_get_info(s)->selected_profile ==
               NETIPC_PROFILE_SHM_BUSYWAIT &&
           netipc_session_get_info(s)->session_id == CRAFT_SID,
       "hand-made region: BUSYWAIT session %u", CRAFT_SID);
  netipc_session_destroy(s);
  wt_raw_server_join(&srv);
  if (m != NULL)
    CloseHandle(m);
  return err;
}

static void
test_client_attach(void)
{
  static const struct {
    craft k;
    const char *what;
  } bad[] = {
      {CRAFT_VERSION, "version 2"},
      {CRAFT_HEADER_LEN, "header_len 64"},
      {CRAFT_PROFILE, "profile 2 where 4 was selected"},
      {CRAFT_REQ_OFFSET_LOW, "request_offset 64 (< 128)"},
      {CRAFT_CAP_UNALIGNED, "request_capacity not a multiple of 64"},
      {CRAFT_OVERLAP, "response area inside the request area"},
      {CRAFT_CAP_SMALL, "response area smaller than 32 + the agreed limit"},
      {CRAFT_ZERO_CAP, "request_capacity 0"},
  };
  uint64_t ms;
  is_err(client_vs_region(CRAFT_GOOD, &ms), NETIPC_OK,
         "a region laid out by hand as the reference does is attached");
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    is_err(client_vs_region(bad[i].k, &ms), NETIPC_ERR_SHM_ATTACH,
           "region with %s: SHM_ATTACH", bad[i].what);
    ok(ms < ATTACH_RETRY_MIN_MS, "%s: refused without the 5 s retries "
                                 "(%llu ms)", bad[i].what,
       (unsigned long long)ms);
  }
  is_err(client_vs_region(CRAFT_NONE, &ms), NETIPC_ERR_SHM_ATTACH,
         "no region at all: SHM_ATTACH");
  ok(ms >= ATTACH_RETRY_MIN_MS && ms < ATTACH_RETRY_MAX_MS,
     "no region: given up after the 5 s of retries (%llu ms)",
     (unsigned long long)ms);
  /* The connect's own deadline and abort end the retries early. */
  is_err(client_vs_region_within(CRAFT_NONE, SHORT_MS * 2u, NULL, &ms),
         NETIPC_ERR_TIMEOUT, "no region, connect timeout %u ms: TIMEOUT",
         SHORT_MS * 2u);
  ok(ms < ATTACH_RETRY_MIN_MS, "the retries end at the connect deadline "
                               "(%llu ms)", (unsigned long long)ms);
  netipc_abort *ab = NULL;
  if (netipc_abort_create(&ab) != NETIPC_OK)
    bail_out("abort_create");
  tp_task t;
  tp_task_start(&t, abort_later_main, ab);
  is_err(client_vs_region_within(CRAFT_NONE, 3u * WT_WAIT_MS, ab, &ms),
         NETIPC_ERR_ABORTED, "no region, abort during the retries: ABORTED");
  ok(ms < ATTACH_RETRY_MIN_MS, "the abort ends the retries (%llu ms)",
     (unsigned long long)ms);
  tp_task_join(&t, WT_WAIT_MS, "abort thread");
  netipc_abort_destroy(ab);
  is_err(client_vs_region(CRAFT_MAGIC, &ms), NETIPC_ERR_SHM_ATTACH,
         "a region with the wrong magic: SHM_ATTACH");
  ok(ms >= ATTACH_RETRY_MIN_MS && ms < ATTACH_RETRY_MAX_MS,
     "wrong magic: retried like a region not ready yet (%llu ms)",
     (unsigned long long)ms);
}

/* ---------------------------------------------------------------- */
/* Across processes (windows.md 7): this program again, as the server. */

#define CHILD_FLAG "--child-server"
#define CHILD_FLAG_W L"--child-server"
#define CHILD_SVC "shm-xp"
#define CHILD_SESSIONS 2 /* one HYBRID, one BUSYWAIT */

/* The child: accept CHILD_SESSIONS sessions in turn and echo each until
 * its client leaves. Exit status 0 when both ended with DISCONNECTED. */
static int
child_server(const char *dir)
{
  wt_init("shm-child", run_dir, sizeof run_dir);
  snprintf(run_dir, sizeof run_dir, "%s", dir);
  netipc_listener *l = listen_on(CHILD_SVC, 0x07, 0x00);
  int good = 0;
  for (int i = 0; i < CHILD_SESSIONS; i++) {
    netipc_session *s = NULL;
    if (netipc_listener_accept(l, 3u * WT_WAIT_MS, NULL, &s) != NETIPC_OK)
      break;
    wt_echo e;
    wt_echo_start(&e, s, NULL);
    good += wt_echo_join(&e) == NETIPC_ERR_DISCONNECTED;
    netipc_session_destroy(s);
  }
  netipc_listener_destroy(l);
  return good == CHILD_SESSIONS ? 0 : 1;
}

static HANDLE
child_start(void)
{
  wchar_t self[MAX_PATH], cmd[2 * MAX_PATH + 64];
  DWORD n = GetModuleFileNameW(NULL, self, MAX_PATH);
  if (n == 0 || n >= MAX_PATH)
    return NULL;
  /* "<self>" --child-server <run_dir> (run_dir is ASCII, no spaces). */
  size_t len = 0;
  cmd[len++] = L'"';
  wcscpy(cmd + len, self);
  len += n;
  wcscpy(cmd + len, L"\" " CHILD_FLAG_W L" ");
  len = wcslen(cmd);
  for (size_t i = 0; run_dir[i] != '\0' && len + 1 < sizeof cmd / sizeof cmd[0];
       i++)
    cmd[len++] = (wchar_t)(unsigned char)run_dir[i];
  cmd[len] = L'\0';
  STARTUPINFOW si;
  PROCESS_INFORMATION pi;
  memset(&si, 0, sizeof si);
  si.cb = sizeof si;
  if (!CreateProcessW(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
    return NULL;
  CloseHandle(pi.hThread);
  return pi.hProcess;
}

/* Connect to the child, retrying while its listener is not up yet. */
static netipc_session *
child_connect(uint32_t profile)
{
  netipc_transport_config c;
  client_cfg(&c, CHILD_SVC, NETIPC_PROFILE_NAMED_PIPE | profile, profile);
  uint64_t end = tp_now_ms() + 3u * WT_WAIT_MS;
  for (;;) {
    netipc_session *s = NULL;
    netipc_err err = netipc_session_connect(&c, WT_WAIT_MS, NULL, &s);
    if (err == NETIPC_OK)
      return s;
    if (err != NETIPC_ERR_NOT_FOUND || tp_now_ms() >= end)
      return NULL;
    tp_sleep_ms(20);
  }
}

static void
test_cross_process(void)
{
  HANDLE child = child_start();
  ok(child != NULL, "a second process runs the server");
  if (child == NULL) {
    skip(6, "no child process");
    return;
  }
  static const uint32_t profiles[CHILD_SESSIONS] = {
      NETIPC_PROFILE_SHM_HYBRID, NETIPC_PROFILE_SHM_BUSYWAIT};
  for (int i = 0; i < CHILD_SESSIONS; i++) {
    const char *what = i == 0 ? "HYBRID" : "BUSYWAIT";
    netipc_session *s = child_connect(profiles[i]);
    is_uint(s != NULL ? netipc_session_get_info(s)->selected_profile : 0,
            profiles[i], "cross-process %s session", what);
    is_int(s != NULL ? round_trips(s, CALLS, 40u + (unsigned)i) : 0, CALLS,
           "cross-process %s: %d round trips intact", what, CALLS);
    netipc_session_destroy(s);
  }
  DWORD code = 1;
  ok(WaitForSingleObject(child, 3u * WT_WAIT_MS) == WAIT_OBJECT_0,
     "the server process ends once its clients are gone");
  GetExitCodeProcess(child, &code);
  is_uint(code, 0, "the server process saw both clients leave "
                   "(DISCONNECTED)");
  if (code == STILL_ACTIVE)
    TerminateProcess(child, 1);
  CloseHandle(child);
}

int
main(int argc, char **argv)
{
  if (argc == 3 && strcmp(argv[1], CHILD_FLAG) == 0)
    return child_server(argv[2]);
  wt_init("shm", run_dir, sizeof run_dir);
  test_profile("shm-h", NETIPC_PROFILE_SHM_HYBRID,
               NETIPC_PROFILE_SHM_BUSYWAIT);
  test_profile("shm-b", NETIPC_PROFILE_SHM_BUSYWAIT,
               NETIPC_PROFILE_SHM_HYBRID);
  test_selection();
  test_waits("shm-wh", NETIPC_PROFILE_SHM_HYBRID);
  test_waits("shm-wb", NETIPC_PROFILE_SHM_BUSYWAIT);
  test_fallback();
  test_client_attach();
  test_cross_process();
  return done_testing();
}
