/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-shm-consumer.c - the SHM receive path of a real session
 * (netipc_session_receive -> netipc__shm_receive, posix-shm.md 9) over a
 * real region file whose bytes the fuzzer controls, before and while the
 * consumer reads. The fuzzer is the hostile peer: as a server's client it
 * overwrites the region the library created; as a client's server it
 * writes the region file the library attaches to.
 *
 * Changes between reads are deterministic: this file replaces the futex
 * wrappers of posix-futex.c (the same four functions; posix-shm-io.c is
 * untouched), and every futex wait the consumer makes applies the next
 * mutation of the script instead of sleeping. When the script is used up,
 * the wait times out and the peer reads as gone, so no input ever sleeps.
 *
 * Racing mode (flags bit 3) catches what waits cannot: a double fetch
 * inside one receive (load len, check it, load it again, copy). For the
 * length of each receive a second thread applies the mutations of the
 * script over and over (the peer rewriting seq, len and area while the
 * consumer reads), and the futex hook only yields to it, a bounded number
 * of times. The result is then not predictable: only safety is asserted
 * (an error the receive may return, or a message inside the area and the
 * session's buffer; ASan catches any access out of bounds).
 *
 * Input:
 *   u8  flags   bit 0: role (0 client, 1 server); bit 1: extended region
 *               (waiter words); bit 2: a client has a request in flight;
 *               bit 3: racing mode
 *   u16 rq      server: region request maximum; client: agreed request
 *               limit (each % AREA_SPAN)
 *   u16 rs      the same for responses
 *   u16 items   incoming batch item limit
 *   u8  id      the client's request id
 *   u16 image   length of the region image that follows
 *   image       server: written over the created region from offset 0;
 *               client: the whole region file (its size is the image's)
 *   mutations   each u8 where, u16 offset, u8 n, n bytes: written at
 *               offset from the base `where & 3` selects (0 region start,
 *               1 incoming seq word, 2 incoming len word, 3 incoming area),
 *               wrapped into the region; one per futex wait (racing:
 *               all of them in a loop, by the racing thread)
 *
 * After every receive, the outcome is compared with a model of
 * posix-shm.md 9 and posix-uds.md 9 evaluated on the region as the
 * consumer last saw it (nothing changes after its final read), and a
 * message must be a copy of the area.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "receive-check.h"
#include "transport/posix/posix-shm-internal.h"
#include "transport/session-internal.h"

#include <netipc/transport.h>

#define CFG_LEN 10u
#define AREA_SPAN 8192u
#define MUTATION_HDR_LEN 4u
#define RECEIVES_MAX 64u
/* No receive ever sleeps (see above); the timeout is a safety net. */
#define RECV_TIMEOUT_MS 1000u
#define SERVICE "fuzz"
#define FILE_MODE 0600
#define RUN_DIR_TEMPLATE "netipc-fuzz-shm-XXXXXX"
/* Region header fields attach checks before it would retry (posix-shm.md
 * 3.1). */
#define RG_VERSION 4u
#define RG_HEADER_LEN 6u
#define RG_REQ_OFF 16u
#define RG_REQ_CAP 20u
#define RG_RESP_OFF 24u
#define RG_RESP_CAP 28u
#define WHERE_BASES 4u
#define WHERE_EAGAIN 4u
#define FLAG_SERVER 1u
#define FLAG_EXTENDED 2u
#define FLAG_IN_FLIGHT 4u
#define FLAG_RACING 8u
/* Racing: futex waits of one receive that yield to the racer before the
 * peer reads as gone, a short timeout as the safety net, and fewer
 * receives (each starts a thread; a yield can take a time slice on a busy
 * machine), so an input stays well under a second. */
#define RACE_WAITS_MAX 64u
#define RACE_RECV_TIMEOUT_MS 10u
#define RACE_RECEIVES_MAX 16u

/* ------------------------------------------------------------------ */
/* The peer: its own mapping of the region and the mutation script.    */
/* ------------------------------------------------------------------ */

static struct peer {
  uint8_t *map; /* the peer's mapping (not the library's) */
  size_t size;
  size_t bases[WHERE_BASES];
  const uint8_t *script, *end;
} peer;

/* Apply the mutation at *at and step past it; false at the script's end.
 * Called by the main thread (deterministic) or the racer (racing). */
static bool
peer_apply(const uint8_t **at, const uint8_t *end)
{
  const uint8_t *p = *at;
  if ((size_t)(end - p) < MUTATION_HDR_LEN)
    return false;
  uint8_t where = p[0];
  size_t off = fuzz_ld16(p + 1);
  size_t n = p[3];
  p += MUTATION_HDR_LEN;
  if (n > (size_t)(end - p))
    n = (size_t)(end - p);
  size_t to = (peer.bases[where % WHERE_BASES] + off) % peer.size;
  size_t room = peer.size - to;
  memcpy(peer.map + to, p, n < room ? n : room);
  *at = p + n;
  return true;
}

static bool
peer_mutate(void)
{
  return peer_apply(&peer.script, peer.end);
}

/* Racing mode: the thread that rewrites the region during a receive. The
 * main thread alone touches the wait count. */
static struct racer {
  bool on;
  unsigned waits; /* futex waits of the current receive */
  pthread_t thread;
  atomic_bool stop;
  atomic_uint passes; /* whole passes over the script so far */
} racer;

static void *
racer_main(void *arg)
{
  (void)arg;
  const uint8_t *p = peer.script;
  while (!atomic_load_explicit(&racer.stop, memory_order_relaxed)) {
    if (!peer_apply(&p, peer.end)) {
      p = peer.script;
      atomic_fetch_add_explicit(&racer.passes, 1, memory_order_relaxed);
    }
  }
  return NULL;
}

/* Start the racer and wait for its first whole pass: a receive that finds
 * a message at once is over in a microsecond, before a new thread runs. */
static void
racer_start(void)
{
  racer.waits = 0;
  atomic_store(&racer.stop, false);
  atomic_store(&racer.passes, 0);
  FUZZ_CHECK(pthread_create(&racer.thread, NULL, racer_main, NULL) == 0);
  while (atomic_load_explicit(&racer.passes, memory_order_relaxed) == 0)
    sched_yield();
}

static void
racer_stop(void)
{
  atomic_store(&racer.stop, true);
  FUZZ_CHECK(pthread_join(racer.thread, NULL) == 0);
}

/* The futex wrappers of posix-futex.c, as the deterministic hook (or, when
 * racing, a yield to the racer). */
int
netipc__futex_wait(uint32_t *word, uint32_t expected, uint32_t timeout_ms)
{
  (void)word;
  (void)expected;
  (void)timeout_ms;
  if (racer.on) {
    sched_yield();
    return ++racer.waits < RACE_WAITS_MAX ? EAGAIN : ETIMEDOUT;
  }
  if (peer.script == NULL || !peer_mutate())
    return ETIMEDOUT;
  return (peer.script[-1] & WHERE_EAGAIN) ? EAGAIN : 0;
}

static uint64_t wakes;

void
netipc__futex_wake(uint32_t *word)
{
  (void)word;
  wakes++;
}

uint64_t
netipc__futex_wake_count(void)
{
  return wakes;
}

/* Gone once the script is used up: the wait ends instead of sleeping. */
bool
netipc__socket_peer_gone(int fd)
{
  (void)fd;
  if (racer.on)
    return racer.waits >= RACE_WAITS_MAX;
  return peer.script == NULL ||
         (size_t)(peer.end - peer.script) < MUTATION_HDR_LEN;
}

/* ------------------------------------------------------------------ */
/* Set-up: a region created by the library or attached to by it.       */
/* ------------------------------------------------------------------ */

static char run_dir[NETIPC__SHM_PATH_MAX / 2];
static uint64_t next_session_id;

/* A private run directory per input, empty again at its end (every
 * region file is unlinked by then), so no exit path leaves one behind. */
static void
run_dir_make(void)
{
  static bool policy_set;
  const char *tmp = getenv("TMPDIR");
  int n = snprintf(run_dir, sizeof run_dir, "%s/%s",
                   tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp",
                   RUN_DIR_TEMPLATE);
  FUZZ_CHECK(n > 0 && (size_t)n < sizeof run_dir);
  FUZZ_CHECK(mkdtemp(run_dir) != NULL);
  if (!policy_set) {
    /* One spin round: the consumer reaches its futex waits at once. */
    netipc__shm_spin_policy(1, 1, 1);
    policy_set = true;
  }
}

static void
run_dir_remove(void)
{
  FUZZ_CHECK(rmdir(run_dir) == 0);
}

static void
region_path(uint64_t sid, char *buf, size_t cap)
{
  int n = snprintf(buf, cap, "%s/%s-%016llx%s", run_dir, SERVICE,
                   (unsigned long long)sid, NETIPC__SHM_SUFFIX);
  FUZZ_CHECK(n > 0 && (size_t)n < cap);
}

static void
peer_map(const char *path)
{
  int fd = open(path, O_RDWR | O_CLOEXEC);
  FUZZ_CHECK(fd >= 0);
  struct stat st;
  FUZZ_CHECK(fstat(fd, &st) == 0 && st.st_size > 0);
  peer.size = (size_t)st.st_size;
  void *map =
      mmap(NULL, peer.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  FUZZ_CHECK(map != MAP_FAILED);
  close(fd);
  peer.map = map;
}

/* Would attach retry (posix-shm.md 6.1) on this file? It would for 5 s. */
static bool
attach_would_retry(const uint8_t *img, size_t len)
{
  if (len < NETIPC__SHM_HEADER_LEN || fuzz_ld32(img) != NETIPC__SHM_MAGIC)
    return true;
  if (fuzz_ld16(img + RG_VERSION) != NETIPC__SHM_VERSION ||
      fuzz_ld16(img + RG_HEADER_LEN) != NETIPC__SHM_HEADER_LEN)
    return false; /* fails at once */
  return fuzz_ld32(img + RG_REQ_OFF) < NETIPC__SHM_HEADER_LEN ||
         fuzz_ld32(img + RG_RESP_OFF) < NETIPC__SHM_HEADER_LEN ||
         fuzz_ld32(img + RG_REQ_CAP) == 0 || fuzz_ld32(img + RG_RESP_CAP) == 0;
}

/* Client: the peer writes the region file, the library attaches. */
static netipc__shm *
client_region(uint64_t sid, const uint8_t *img, size_t len, uint32_t rq,
              uint32_t rs, bool extended)
{
  if (attach_would_retry(img, len))
    return NULL;
  char path[NETIPC__SHM_PATH_MAX];
  region_path(sid, path, sizeof path);
  int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, FILE_MODE);
  FUZZ_CHECK(fd >= 0);
  FUZZ_CHECK(write(fd, img, len) == (ssize_t)len);
  close(fd);
  netipc__shm *shm = NULL;
  netipc_err err = netipc__shm_attach(run_dir, SERVICE, sid, rq, rs,
                                      extended, &shm);
  if (err == NETIPC_OK)
    peer_map(path);
  else
    FUZZ_CHECK(shm == NULL);
  /* A client never unlinks (posix-shm.md 13): the peer does, the mapping
   * stays valid. */
  unlink(path);
  return shm;
}

/* Server: the library creates the region, the peer overwrites it. */
static netipc__shm *
server_region(uint64_t sid, const uint8_t *img, size_t len, uint32_t rq,
              uint32_t rs, bool extended)
{
  netipc__shm *shm = NULL;
  FUZZ_CHECK(netipc__shm_create(run_dir, SERVICE, sid, rq, rs, extended,
                                &shm) == NETIPC_OK);
  char path[NETIPC__SHM_PATH_MAX];
  region_path(sid, path, sizeof path);
  peer_map(path);
  memcpy(peer.map, img, len < peer.size ? len : peer.size);
  return shm;
}

/* ------------------------------------------------------------------ */
/* The model and the receive loop.                                     */
/* ------------------------------------------------------------------ */

typedef struct model {
  netipc_role role;
  uint32_t limit, items;
  size_t seq_off, len_off, area_off, area_cap;
  uint64_t seen;
  bool in_flight;
  uint64_t id;
} model;

static uint64_t
peer_ld64(size_t off)
{
  return atomic_load_explicit((_Atomic uint64_t *)(void *)(peer.map + off),
                              memory_order_acquire);
}

static uint32_t
peer_ld32(size_t off)
{
  return atomic_load_explicit((_Atomic uint32_t *)(void *)(peer.map + off),
                              memory_order_acquire);
}

/* What receive must return for the message in the area now. */
static netipc_err
model_message(const model *m, netipc_header *h)
{
  memset(h, 0, sizeof *h);
  uint32_t n = peer_ld32(m->len_off);
  if (n == 0)
    return NETIPC_ERR_PROTOCOL;
  if (n > m->area_cap)
    return NETIPC_ERR_LIMIT_EXCEEDED; /* no header read */
  const uint8_t *msg = peer.map + m->area_off;
  if (netipc_header_decode(msg, n, h) != NETIPC_OK)
    return NETIPC_ERR_PROTOCOL;
  if (h->payload_len > m->limit || h->item_count > m->items)
    return NETIPC_ERR_LIMIT_EXCEEDED;
  if (m->role == NETIPC_ROLE_CLIENT && h->kind == NETIPC_KIND_RESPONSE &&
      !(m->in_flight && h->message_id == m->id))
    return NETIPC_ERR_UNKNOWN_ID;
  if (n != (uint64_t)NETIPC_HEADER_LEN + h->payload_len)
    return NETIPC_ERR_PROTOCOL;
  netipc_batch_view v;
  if (h->transport_status == NETIPC_STATUS_OK &&
      (h->flags & NETIPC_FLAG_BATCH) &&
      netipc_batch_decode(msg + NETIPC_HEADER_LEN, h->payload_len,
                          h->item_count, &v) != NETIPC_OK)
    return NETIPC_ERR_PROTOCOL;
  return NETIPC_OK;
}

/* One receive, judged by the model. False when the session is done. */
static bool
receive_one(netipc_session *s, model *m)
{
  netipc_header got, want;
  const void *payload = NULL;
  size_t len = 0;
  netipc_err err =
      netipc_session_receive(s, RECV_TIMEOUT_MS, NULL, &got, &payload, &len);
  fuzz_trace(err, len);
  /* u64 arithmetic as the consumer's: a baseline of UINT64_MAX makes
   * the next expected sequence 0, which every word satisfies. */
  uint64_t expected = m->seen + 1;
  if (peer_ld64(m->seq_off) < expected) {
    /* No publication: the script ran out and the peer reads as gone. */
    ERR_CHECK(err == NETIPC_ERR_DISCONNECTED, err, NETIPC_ERR_DISCONNECTED);
    FUZZ_CHECK(netipc__socket_peer_gone(-1));
    FUZZ_CHECK(netipc_session_is_broken(s));
    return false;
  }
  m->seen = expected; /* consumed even when rejected (posix-shm.md 9) */
  netipc_err expect = model_message(m, &want);
  ERR_CHECK(err == expect, err, expect);
  if (err == NETIPC_ERR_LIMIT_EXCEEDED) {
    FUZZ_CHECK(memcmp(&got, &want, sizeof got) == 0);
    FUZZ_CHECK(!netipc_session_is_broken(s));
    return true;
  }
  if (err != NETIPC_OK) {
    FUZZ_CHECK(netipc_session_is_broken(s));
    FUZZ_CHECK(netipc_session_inflight(s) == 0);
    return false;
  }
  FUZZ_CHECK(memcmp(&got, &want, sizeof got) == 0);
  FUZZ_CHECK(len == got.payload_len && payload != NULL);
  /* A copy: the library's buffer, not the area the peer can rewrite. */
  const uint8_t *area = peer.map + m->area_off + NETIPC_HEADER_LEN;
  FUZZ_CHECK(len == 0 || memcmp(payload, area, len) == 0);
  fuzz_sink += fuzz_touch(payload, len);
  if (m->role == NETIPC_ROLE_CLIENT && got.kind == NETIPC_KIND_RESPONSE)
    m->in_flight = false;
  FUZZ_CHECK(netipc_session_inflight(s) == (m->in_flight ? 1u : 0u));
  return true;
}

/* Racing: one receive with the racer running; only safety is judged.
 * False when the session is done. */
static bool
receive_racing(netipc_session *s, model *m)
{
  netipc_header got;
  const void *payload = NULL;
  size_t len = 0;
  racer_start();
  netipc_err err = netipc_session_receive(s, RACE_RECV_TIMEOUT_MS, NULL, &got,
                                          &payload, &len);
  racer_stop();
  fuzz_trace(err, len);
  if (err == NETIPC_ERR_LIMIT_EXCEEDED) {
    FUZZ_CHECK(!netipc_session_is_broken(s));
    return true;
  }
  if (err != NETIPC_OK) {
    ERR_CHECK(err == NETIPC_ERR_PROTOCOL || err == NETIPC_ERR_UNKNOWN_ID ||
                  err == NETIPC_ERR_DISCONNECTED || err == NETIPC_ERR_TIMEOUT,
              err, NETIPC_ERR_PROTOCOL);
    FUZZ_CHECK(netipc_session_is_broken(s));
    FUZZ_CHECK(netipc_session_inflight(s) == 0);
    return false;
  }
  /* The message: in the area and in the session's buffer, whole. */
  const netipc__session_core *c = netipc__session_core_of_const(s);
  FUZZ_CHECK(len == got.payload_len && len <= m->limit);
  FUZZ_CHECK(got.item_count <= m->items);
  FUZZ_CHECK((uint64_t)NETIPC_HEADER_LEN + len <= m->area_cap);
  FUZZ_CHECK((uint64_t)NETIPC_HEADER_LEN + len <= c->packet_cap);
  FUZZ_CHECK((const uint8_t *)payload == c->packet + NETIPC_HEADER_LEN);
  fuzz_sink += fuzz_touch(payload, len);
  /* Judged on the copy, so as predictable as without the race. */
  netipc_batch_view v;
  FUZZ_CHECK(got.transport_status != NETIPC_STATUS_OK ||
             !(got.flags & NETIPC_FLAG_BATCH) ||
             netipc_batch_decode(payload, len, got.item_count, &v) ==
                 NETIPC_OK);
  if (m->role == NETIPC_ROLE_CLIENT && got.kind == NETIPC_KIND_RESPONSE) {
    FUZZ_CHECK(m->in_flight && got.message_id == m->id);
    m->in_flight = false;
  }
  FUZZ_CHECK(netipc_session_inflight(s) == (m->in_flight ? 1u : 0u));
  return true;
}

static void
model_init(model *m, const uint8_t *cfg, const netipc__shm *shm,
           netipc_session_info *info)
{
  memset(m, 0, sizeof *m);
  memset(info, 0, sizeof *info);
  bool server = (cfg[0] & FLAG_SERVER) != 0;
  uint32_t rq = fuzz_ld16(cfg + 1) % AREA_SPAN;
  uint32_t rs = fuzz_ld16(cfg + 3) % AREA_SPAN;
  m->role = server ? NETIPC_ROLE_SERVER : NETIPC_ROLE_CLIENT;
  m->items = fuzz_ld16(cfg + 5);
  m->id = cfg[7];
  m->limit = server ? rq : rs;
  m->seq_off = server ? NETIPC__SHM_REQ_SEQ : NETIPC__SHM_RESP_SEQ;
  m->len_off = server ? NETIPC__SHM_REQ_LEN : NETIPC__SHM_RESP_LEN;
  m->area_off = server ? shm->req_off : shm->resp_off;
  m->area_cap = server ? shm->req_cap : shm->resp_cap;
  /* The server counts from 0, the client from the seq at attach. */
  m->seen = server ? 0 : shm->recv_seen;
  info->role = m->role;
  info->selected_profile = NETIPC_PROFILE_SHM_HYBRID;
  info->max_request_payload_bytes = rq;
  info->max_request_batch_items = server ? m->items : 1;
  info->max_response_payload_bytes = rs;
  info->max_response_batch_items = server ? 1 : m->items;
  info->packet_size = NETIPC_PACKET_SIZE_FALLBACK;
  info->session_id = next_session_id;
  peer.bases[0] = 0;
  peer.bases[1] = m->seq_off;
  peer.bases[2] = m->len_off;
  peer.bases[3] = m->area_off;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < CFG_LEN)
    return 0;
  run_dir_make();
  uint8_t *in = fuzz_dup(data, size);
  bool server = (in[0] & FLAG_SERVER) != 0;
  bool extended = (in[0] & FLAG_EXTENDED) != 0;
  uint32_t rq = fuzz_ld16(in + 1) % AREA_SPAN;
  uint32_t rs = fuzz_ld16(in + 3) % AREA_SPAN;
  size_t img_len = fuzz_ld16(in + 8);
  if (img_len > size - CFG_LEN)
    img_len = size - CFG_LEN;
  const uint8_t *img = in + CFG_LEN;
  uint64_t sid = ++next_session_id;
  memset(&peer, 0, sizeof peer);
  netipc__shm *shm =
      server ? server_region(sid, img, img_len, rq, rs, extended)
             : client_region(sid, img, img_len, rq, rs, extended);
  if (shm == NULL) {
    run_dir_remove();
    free(in);
    return 0;
  }
  model m;
  netipc_session_info info;
  model_init(&m, in, shm, &info);
  int sv[2];
  FUZZ_CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
  netipc_session *s = NULL;
  FUZZ_CHECK(netipc__session_new(sv[0], shm, &info, &s) == NETIPC_OK);
  if (!server && (in[0] & FLAG_IN_FLIGHT)) {
    netipc_header h;
    netipc_header_init(&h, NETIPC_KIND_REQUEST, 1, m.id);
    FUZZ_CHECK(netipc_session_send(s, &h, NULL, 0) == NETIPC_OK);
    m.in_flight = true;
  }
  peer.script = img + img_len;
  peer.end = in + size;
  /* Racing needs a mutation to loop over (else it would only spin). */
  racer.on = (in[0] & FLAG_RACING) != 0 &&
             (size_t)(peer.end - peer.script) >= MUTATION_HDR_LEN;
  size_t receives = racer.on ? RACE_RECEIVES_MAX : RECEIVES_MAX;
  for (size_t i = 0; i < receives &&
                     (racer.on ? receive_racing(s, &m) : receive_one(s, &m));
       i++)
    ;
  racer.on = false;
  peer.script = NULL;
  netipc_session_destroy(s);
  close(sv[1]);
  munmap(peer.map, peer.size);
  run_dir_remove();
  free(in);
  return 0;
}

volatile uint32_t fuzz_sink;
