/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-ping-pong: Level 1 round trips between two processes (the server
 * is a forked child) over UDS and over SHM with several wait strategies:
 * the adaptive spin, the reference's fixed 128 spins, and no spin (futex
 * only). Also measures what an idle waiter costs. Prints CSV:
 * scenario,round_trips_per_s,p50_us,p99_us,client_cpu_pct,idle_wait_cpu_pct
 * The spin design is judged from this output, never from tests.
 */
#include "config.h"

#include <signal.h>
#include <sys/wait.h>

#include <netipc/netipc.h>

#include "bench-common.h"
#include "transport/posix/posix-shm-internal.h"

#define ROUND_TRIPS 100000
#define IDLE_WAIT_MS 1000u
#define SERVICE "bench"

typedef struct policy {
  const char *name;
  uint32_t profiles;
  uint32_t fixed, min, max;
  uint32_t work_ns; /* server busy time per request */
} policy;

/* Burn about ns nanoseconds, as a handler doing real work would. */
static void
busy(uint32_t ns)
{
  double until = bench_now() + ns / 1e9;
  while (bench_now() < until)
    ;
}

/* Child: accept one session, echo value + 1 until the client leaves. */
static void
server_child(const policy *pol, netipc_listener *l)
{
  netipc_session *s;
  if (netipc_listener_accept(l, 10000, NULL, &s) != NETIPC_OK)
    _exit(1);
  for (;;) {
    netipc_header h;
    const void *p;
    size_t n;
    uint64_t v;
    uint8_t out[NETIPC_INCREMENT_LEN];
    size_t out_len;
    if (netipc_session_receive(s, 0, NULL, &h, &p, &n) != NETIPC_OK ||
        netipc_increment_decode(p, n, &v) != NETIPC_OK)
      break;
    busy(pol->work_ns);
    netipc_increment_encode(v + 1, out, sizeof out, &out_len);
    h.kind = NETIPC_KIND_RESPONSE;
    if (netipc_session_send(s, &h, out, out_len) != NETIPC_OK)
      break;
  }
  netipc_session_destroy(s);
  _exit(0);
}

static uint64_t
round_trip(netipc_session *c, uint64_t id, uint64_t v)
{
  netipc_header h;
  netipc_header_init(&h, NETIPC_KIND_REQUEST, NETIPC_METHOD_INCREMENT, id);
  uint8_t b[NETIPC_INCREMENT_LEN];
  size_t bl;
  netipc_increment_encode(v, b, sizeof b, &bl);
  const void *p;
  size_t n;
  uint64_t r = 0;
  if (netipc_session_send(c, &h, b, bl) != NETIPC_OK ||
      netipc_session_receive(c, 10000, NULL, &h, &p, &n) != NETIPC_OK ||
      netipc_increment_decode(p, n, &r) != NETIPC_OK || r != v + 1) {
    fprintf(stderr, "bench-ping-pong: round trip %llu failed\n",
            (unsigned long long)id);
    exit(1);
  }
  return r;
}

static void
scenario(const policy *pol)
{
  char dir[64];
  bench_rundir(dir, sizeof dir);
  netipc_transport_config cfg = {0};
  cfg.run_dir = dir;
  cfg.service_name = SERVICE;
  cfg.supported_profiles = pol->profiles;
  cfg.preferred_profiles = pol->profiles & NETIPC_PROFILE_SHM_HYBRID;
  netipc__shm_spin_policy(pol->fixed, pol->min, pol->max);
  netipc_listener *l;
  if (netipc_listener_create(&cfg, &l) != NETIPC_OK) {
    fprintf(stderr, "bench-ping-pong: listen failed\n");
    exit(1);
  }
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0)
    server_child(pol, l);
  netipc_session *c;
  if (netipc_session_connect(&cfg, 10000, NULL, &c) != NETIPC_OK) {
    fprintf(stderr, "bench-ping-pong: connect failed\n");
    exit(1);
  }
  double *lat = malloc(sizeof(double) * ROUND_TRIPS);
  uint64_t v = 0;
  double cpu0 = bench_cpu(), t0 = bench_now();
  for (int i = 0; i < ROUND_TRIPS; i++) {
    double s = bench_now();
    v = round_trip(c, (uint64_t)i + 1, v);
    lat[i] = (bench_now() - s) * 1e6;
  }
  double secs = bench_now() - t0, cpu = bench_cpu() - cpu0;
  /* Idle cost: a receive that waits with nothing coming. */
  netipc_header h;
  netipc_header_init(&h, NETIPC_KIND_REQUEST, 0, 0);
  double idle0 = bench_cpu();
  const void *p;
  size_t n;
  (void)netipc_session_receive(c, IDLE_WAIT_MS, NULL, &h, &p, &n);
  double idle_cpu = bench_cpu() - idle0;
  netipc_session_destroy(c);
  int status;
  waitpid(pid, &status, 0);
  netipc_listener_destroy(l);
  qsort(lat, ROUND_TRIPS, sizeof *lat, bench_cmp_double);
  printf("%s,%.0f,%.2f,%.2f,%.1f,%.2f\n", pol->name, ROUND_TRIPS / secs,
         bench_quantile(lat, ROUND_TRIPS, 0.50),
         bench_quantile(lat, ROUND_TRIPS, 0.99), 100.0 * cpu / secs,
         100.0 * idle_cpu / (IDLE_WAIT_MS / 1000.0));
  fflush(stdout);
  free(lat);
  bench_rundir_remove(dir);
}

int
main(void)
{
  static const policy policies[] = {
      {"uds", NETIPC_PROFILE_UDS_SEQPACKET, 0, 0, 0, 0},
#ifdef NETIPC_BUILD_SHM
      {"shm-adaptive", 0x03, 0, NETIPC__SHM_SPIN_MIN, NETIPC__SHM_SPIN_MAX, 0},
      {"shm-fixed128", 0x03, 128, 128, 128, 0},
      {"shm-nospin", 0x03, 1, 1, 1, 0},
      {"shm-adaptive-work10us", 0x03, 0, NETIPC__SHM_SPIN_MIN,
       NETIPC__SHM_SPIN_MAX, 10000},
      {"shm-fixed128-work10us", 0x03, 128, 128, 128, 10000},
      {"uds-work10us", NETIPC_PROFILE_UDS_SEQPACKET, 0, 0, 0, 10000},
#endif
  };
  signal(SIGPIPE, SIG_IGN);
  printf("scenario,round_trips_per_s,p50_us,p99_us,client_cpu_pct,"
         "idle_wait_cpu_pct\n");
  for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++)
    scenario(&policies[i]);
  return 0;
}
