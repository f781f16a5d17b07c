/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The netipc SHM extension (doc/extensions.md): negotiation through the
 * HELLO flags bit in every pairing of netipc and plain peers, the region's
 * extension block, publication that skips FUTEX_WAKE unless the receiver
 * announced itself asleep, and a hammer of round trips with the receiver
 * falling asleep between them: a lost wake-up would stall a round trip
 * for a whole (deliberately long) sleep slice.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "tests/shm-helpers.h"
#include "tests/tap.h"
#include "tests/uds-helpers.h"
#include "transport/posix/posix-shm-internal.h"

#define PLAN 38
#define RQ 1024u
#define RS 4096u
#define SID_EXT 7u
#define SID_PLAIN 8u
#define HAMMER_ROUNDS 4000u
#define HAMMER_ROUNDS_VALGRIND 200u
/* Long enough that a lost wake-up cannot hide behind the next slice. */
#define HAMMER_SLICE_MS 30000u
#define HAMMER_MAX_RTT_MS 5000u
#define HAMMER_PAUSE_MAX_US 64u
#define HAMMER_BUSY_MAX 4096u
#define NS_PER_US 1000L
#define LCG_MUL 1103515245u
#define LCG_ADD 12345u

static char run_dir[64];
static const char *const SVC = "shm-ext";

/* ---------------------------------------------------------------- */
/* Publication and the waiter words, on directly made regions         */
/* ---------------------------------------------------------------- */

static void
region_pair(uint64_t sid, bool extended, netipc__shm **srv, netipc__shm **cli)
{
  if (netipc__shm_create(run_dir, SVC, sid, RQ, RS, extended, srv) !=
          NETIPC_OK ||
      netipc__shm_attach(run_dir, SVC, sid, RQ, RS, extended, cli) !=
          NETIPC_OK)
    bail_out("cannot make the %s region %llu",
             extended ? "extended" : "plain", (unsigned long long)sid);
}

/* Publish a 32-byte message; 1 when exactly `wakes` FUTEX_WAKEs followed. */
static int
publish_counting(netipc__shm *from, uint64_t wakes)
{
  uint8_t m[NETIPC_HEADER_LEN];
  memset(m, 0, sizeof m);
  uint64_t before = netipc__futex_wake_count();
  if (netipc__shm_publish(from, m, NULL, 0) != NETIPC_OK)
    return 0;
  return netipc__futex_wake_count() - before == wakes;
}

static int
consume(netipc__shm *to)
{
  uint8_t buf[RS + NETIPC_HEADER_LEN];
  size_t len = 0;
  return netipc__shm_receive(to, UDS_WAIT_MS, NULL, -1, buf, sizeof buf,
                             &len) == NETIPC_OK &&
         len == NETIPC_HEADER_LEN;
}

static uint64_t
file_size(uint64_t sid)
{
  char path[256];
  struct stat st;
  shm_region_path(run_dir, SVC, sid, path, sizeof path);
  return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static void
test_extended_region(void)
{
  netipc__shm *srv = NULL, *cli = NULL;
  region_pair(SID_EXT, true, &srv, &cli);
  uint64_t plain_size =
      64u + shm_align64(32u + RQ) + shm_align64(32u + RS);
  is_uint(file_size(SID_EXT), plain_size + NETIPC__SHM_EXT_LEN,
          "an extended region ends with the 64-byte extension block");
  ok(srv->ext != NULL && cli->ext != NULL &&
         srv->ext == (_Atomic uint32_t *)(srv->base + plain_size),
     "both sides use the block right after the response area");
  ok(srv->ext[0] == 0 && srv->ext[1] == 0, "the waiter words start at 0");

  ok(publish_counting(cli, 0),
     "request with the server not asleep: no FUTEX_WAKE");
  ok(consume(srv), "the server still gets the request");
  atomic_store(&srv->ext[NETIPC__SHM_EXT_REQ_WAITER / 4], 1);
  ok(publish_counting(cli, 1), "request with the server announced: one wake");
  ok(consume(srv), "and it is delivered");
  ok(atomic_load(&srv->ext[NETIPC__SHM_EXT_REQ_WAITER / 4]) == 1,
     "a receive that did not sleep leaves a foreign announcement alone");
  atomic_store(&srv->ext[NETIPC__SHM_EXT_REQ_WAITER / 4], 0);

  ok(publish_counting(srv, 0),
     "response with the client not asleep: no FUTEX_WAKE");
  ok(consume(cli), "the client still gets the response");
  atomic_store(&cli->ext[NETIPC__SHM_EXT_RESP_WAITER / 4], 1);
  ok(publish_counting(srv, 1), "response with the client announced: one wake");
  ok(consume(cli), "and it is delivered");
  atomic_store(&cli->ext[NETIPC__SHM_EXT_RESP_WAITER / 4], 0);
  netipc__shm_destroy(cli);
  netipc__shm_destroy(srv);
}

static void
test_plain_region(void)
{
  netipc__shm *srv = NULL, *cli = NULL;
  region_pair(SID_PLAIN, false, &srv, &cli);
  is_uint(file_size(SID_PLAIN),
          64u + shm_align64(32u + RQ) + shm_align64(32u + RS),
          "a plain region is exactly the reference layout");
  ok(srv->ext == NULL && cli->ext == NULL, "no extension block in use");
  ok(publish_counting(cli, 1), "plain request: FUTEX_WAKE every time");
  ok(consume(srv), "plain request delivered");
  ok(publish_counting(srv, 1), "plain response: FUTEX_WAKE every time");
  ok(consume(cli), "plain response delivered");
  netipc__shm *ext_cli = NULL;
  is_err(netipc__shm_attach(run_dir, SVC, SID_PLAIN, RQ, RS, true, &ext_cli),
         NETIPC_ERR_SHM_ATTACH,
         "an extended attach refuses a region without the block");
  netipc__shm_destroy(cli);
  netipc__shm_destroy(srv);
}

/* ---------------------------------------------------------------- */
/* Negotiation between netipc and plain peers                         */
/* ---------------------------------------------------------------- */

/* A listener and one SHM session on it, each side plain or not. */
static netipc_listener *
ext_pair_open(uds_pair *p, bool server_plain, bool client_plain,
              const char *what)
{
  netipc_transport_config sc, cc;
  shm_config(&sc, run_dir, SVC, SHM_PROFILES_BOTH, SHM_PREFERRED, RQ, RS);
  sc.plain_protocol = server_plain;
  cc = sc;
  cc.plain_protocol = client_plain;
  netipc_listener *l = NULL;
  if (netipc_listener_create(&sc, &l) != NETIPC_OK)
    bail_out("listener %s", SVC);
  uds_pair_open(p, l, &cc, 1);
  if (p->err != NETIPC_OK)
    bail_out("%s: %s", what, netipc_err_name(p->err));
  return l;
}

static void
negotiate(bool server_plain, bool client_plain, uint16_t want, const char *what)
{
  uds_pair p;
  netipc_listener *l = ext_pair_open(&p, server_plain, client_plain, what);
  const netipc_session_info *ci = netipc_session_get_info(p.client);
  const netipc_session_info *si = netipc_session_get_info(p.server);
  ok(ci->extension_flags == want && si->extension_flags == want,
     "%s: extension_flags %u on both sides", what, want);
  ok(ci->selected_profile == NETIPC_PROFILE_SHM_HYBRID,
     "%s: the session runs on SHM", what);
  uint64_t base = 64u + shm_align64(32u + RQ) + shm_align64(32u + RS);
  is_uint(file_size(si->session_id), want ? base + NETIPC__SHM_EXT_LEN : base,
          "%s: region size", what);
  ok(uds_pair_round_trip(&p, 41) && uds_pair_round_trip(&p, 1000),
     "%s: round trips work", what);
  uds_pair_close(&p);
  netipc_listener_destroy(l);
}

static void
test_negotiation(void)
{
  negotiate(false, false, NETIPC_HELLO_FLAG_EXTENSIONS, "netipc <-> netipc");
  negotiate(false, true, 0, "plain client -> netipc server");
  negotiate(true, false, 0, "netipc client -> plain server");
}

/* ---------------------------------------------------------------- */
/* Sleep/wake hammer                                                  */
/* ---------------------------------------------------------------- */

typedef struct hammer_server {
  netipc_session *s;
  unsigned rounds;
  unsigned served;
} hammer_server;

static void *
hammer_serve(void *arg)
{
  hammer_server *h = arg;
  for (h->served = 0; h->served < h->rounds; h->served++) {
    netipc_header req;
    const void *payload;
    size_t len;
    if (netipc_session_receive(h->s, 0, NULL, &req, &payload, &len) !=
            NETIPC_OK ||
        uds_answer(h->s, &req, payload, len) != NETIPC_OK)
      break;
  }
  return NULL;
}

/* A pause of a few microseconds, sometimes asleep, sometimes spinning, so
 * the server is caught in every phase of its wait. */
static void
hammer_pause(uint32_t *rng)
{
  *rng = *rng * LCG_MUL + LCG_ADD;
  uint32_t r = *rng >> 8;
  if (r & 1) {
    struct timespec ts = {0, (long)(r % HAMMER_PAUSE_MAX_US) * NS_PER_US};
    nanosleep(&ts, NULL);
  } else {
    for (volatile uint32_t i = 0; i < r % HAMMER_BUSY_MAX; i++)
      ;
  }
}

static void
test_hammer(bool plain)
{
  const char *what = plain ? "plain" : "extended";
  unsigned rounds = getenv("NETIPC_UNDER_VALGRIND") ? HAMMER_ROUNDS_VALGRIND
                                                    : HAMMER_ROUNDS;
  /* One spin round: nearly every wait goes to sleep, where races live. */
  netipc__shm_spin_policy(1, 0, 0);
  netipc__shm_wait_slice(HAMMER_SLICE_MS);
  uds_pair p;
  netipc_listener *l = ext_pair_open(&p, plain, plain, what);
  hammer_server h = {p.server, rounds, 0};
  pthread_t t;
  uds_thread_start(&t, hammer_serve, &h);

  uint32_t rng = plain ? 1u : 2u;
  unsigned right = 0;
  uint64_t worst = 0;
  for (unsigned i = 0; i < rounds; i++) {
    hammer_pause(&rng);
    uint64_t start = uds_now_ms();
    uint8_t req[16];
    size_t len;
    netipc_increment_encode(i, req, sizeof req, &len);
    netipc_header hdr, rh;
    netipc_header_init(&hdr, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT,
                       i + 1);
    const void *rp;
    size_t rlen;
    uint64_t v = 0;
    if (netipc_session_send(p.client, &hdr, req, len) != NETIPC_OK ||
        netipc_session_receive(p.client, 0, NULL, &rh, &rp, &rlen) !=
            NETIPC_OK ||
        netipc_increment_decode(rp, rlen, &v) != NETIPC_OK)
      break;
    uint64_t rtt = uds_now_ms() - start;
    worst = rtt > worst ? rtt : worst;
    right += v == (uint64_t)i + 1 && rh.message_id == i + 1;
  }
  uds_thread_join(t);
  is_uint(right, rounds, "%s hammer: %u round trips, every answer right",
          what, rounds);
  is_uint(h.served, rounds, "%s hammer: the server answered every one",
          what);
  ok(worst < HAMMER_MAX_RTT_MS,
     "%s hammer: worst round trip %llu ms (a lost wake-up stalls %u ms)",
     what, (unsigned long long)worst, HAMMER_SLICE_MS);
  uds_pair_close(&p);
  netipc_listener_destroy(l);
  netipc__shm_wait_slice(0);
  netipc__shm_spin_policy(0, NETIPC__SHM_SPIN_MIN, NETIPC__SHM_SPIN_MAX);
}

int
main(void)
{
  uds_safety_alarm();
  plan(PLAN);
  uds_rundir_make(run_dir, sizeof run_dir, "shm-ext");
  test_extended_region();
  test_plain_region();
  test_negotiation();
  test_hammer(false);
  test_hammer(true);
  is_int(shm_count_regions(run_dir), 0, "every region file is gone");
  uds_rundir_remove(run_dir);
  return exit_status();
}
