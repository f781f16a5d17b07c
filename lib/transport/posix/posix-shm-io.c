/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SHM publication and consumption (posix-shm.md 8-10, 12). The order
 * data -> length -> sequence -> signal -> wake is the contract; every word
 * is stored with release and loaded with acquire. On an extended session
 * (doc/extensions.md) the wake is skipped unless the receiver announced
 * itself asleep; doc/shm.md has the argument that no wake-up is lost.
 *
 * Waiting is adaptive: a receiver spins up to spin_limit rounds, then
 * sleeps in the futex. A message caught late in the spin raises the budget
 * to twice the rounds it took; after a spin that missed, a message that
 * came within a few spin-lengths doubles the budget (the peer is busy) and
 * a later one halves it (the peer is idle). Busy ping-pong settles at
 * cache-line latency; an idle waiter spins only spin_min rounds. Results
 * are in bench/ (bench-ping-pong), not asserted in tests.
 *
 * A peer may truncate the region file under us: the SIGBUS guard
 * (posix-shm-guard.c) then maps zero pages over the region and flags it.
 * Every path checks the flag after its last touch of the region and
 * before it trusts what it read, and fails with SHM_FAULT from then on.
 */
#include "config.h"

#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "transport/posix/posix-shm-internal.h"

#define NS_PER_SEC 1000000000ull
#define NS_PER_MS 1000000ull
#define PS_PER_NS 1000ull
/* Headroom over the measured wait when the spin budget grows: 3/2. */
#define SPIN_HEADROOM_NUM 3u
#define SPIN_HEADROOM_DEN 2u

/* The words and area of one direction of the region. */
typedef struct shm_dir {
  _Atomic uint64_t *seq;
  _Atomic uint32_t *len;
  _Atomic uint32_t *signal;
  uint8_t *area;
  uint32_t cap;
} shm_dir;

static shm_dir
shm_direction(netipc__shm *shm, bool requests)
{
  uint8_t *b = shm->base;
  shm_dir d;
  d.seq = (_Atomic uint64_t *)(b + (requests ? NETIPC__SHM_REQ_SEQ
                                             : NETIPC__SHM_RESP_SEQ));
  d.len = (_Atomic uint32_t *)(b + (requests ? NETIPC__SHM_REQ_LEN
                                             : NETIPC__SHM_RESP_LEN));
  d.signal = (_Atomic uint32_t *)(b + (requests ? NETIPC__SHM_REQ_SIGNAL
                                                : NETIPC__SHM_RESP_SIGNAL));
  d.area = b + (requests ? shm->req_off : shm->resp_off);
  d.cap = requests ? shm->req_cap : shm->resp_cap;
  return d;
}

static inline void
shm_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield" ::: "memory");
#else
  atomic_signal_fence(memory_order_seq_cst);
#endif
}

static uint64_t
shm_now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* The futex sleep slice (see netipc__shm_wait_slice). */
static uint32_t wait_slice_ms = NETIPC__SHM_WAIT_SLICE_MS;

void
netipc__shm_wait_slice(uint32_t ms)
{
  wait_slice_ms = ms != 0 ? ms : NETIPC__SHM_WAIT_SLICE_MS;
}

/* The process-wide spin policy (see netipc__shm_spin_policy). */
static uint32_t spin_fixed;
static uint32_t spin_min = NETIPC__SHM_SPIN_MIN;
static uint32_t spin_max = NETIPC__SHM_SPIN_MAX;

void
netipc__shm_spin_policy(uint32_t fixed, uint32_t min, uint32_t max)
{
  spin_fixed = fixed;
  spin_min = min;
  spin_max = max;
}

/* Time a few relax rounds so a spin's length is known without a clock
 * read on every receive. */
static uint32_t
shm_calibrate_round_ps(void)
{
  uint64_t start = shm_now_ns();
  for (uint32_t i = 0; i < NETIPC__SHM_CALIBRATE_ROUNDS; i++)
    shm_cpu_relax();
  uint64_t ps = (shm_now_ns() - start) * PS_PER_NS / NETIPC__SHM_CALIBRATE_ROUNDS;
  return ps == 0 ? 1 : ps > UINT32_MAX ? UINT32_MAX : (uint32_t)ps;
}

void
netipc__shm_spin_init(netipc__shm *shm)
{
  shm->spin_round_ps = shm_calibrate_round_ps();
  shm->spin_min = spin_fixed ? spin_fixed : spin_min;
  shm->spin_max = spin_fixed ? spin_fixed : spin_max;
  shm->spin_limit = spin_fixed ? spin_fixed : NETIPC__SHM_SPIN_INITIAL;
  if (shm->spin_limit < shm->spin_min)
    shm->spin_limit = shm->spin_min;
  if (shm->spin_limit > shm->spin_max)
    shm->spin_limit = shm->spin_max;
}

/* The waiter word of the receiver of one direction (extended only). */
static _Atomic uint32_t *
shm_waiter(const netipc__shm *shm, bool requests)
{
  return shm->ext + (requests ? NETIPC__SHM_EXT_REQ_WAITER
                              : NETIPC__SHM_EXT_RESP_WAITER) /
                        sizeof(uint32_t);
}

/* True once the peer truncated the region under our mapping. */
static bool
shm_faulted(const netipc__shm *shm)
{
  return netipc__shm_guard_faulted(shm->guard_slot);
}

static netipc_err
shm_publish(netipc__shm *shm, const uint8_t *hdr, const void *payload,
            size_t payload_len)
{
  bool requests = shm->role == NETIPC_ROLE_CLIENT;
  shm_dir d = shm_direction(shm, requests);
  uint64_t total = (uint64_t)NETIPC_HEADER_LEN + payload_len;
  if (total > d.cap)
    return NETIPC_ERR_LIMIT_EXCEEDED;
  memcpy(d.area, hdr, NETIPC_HEADER_LEN);
  if (payload_len != 0)
    memcpy(d.area + NETIPC_HEADER_LEN, payload, payload_len);
  atomic_store_explicit(d.len, (uint32_t)total, memory_order_release);
  /* This side is the only writer of its seq and signal words: the
   * reference's increments are stores of its own counters (never read
   * back from the region, which the peer can rewrite). */
  atomic_store_explicit(d.seq, ++shm->send_seq, memory_order_release);
  if (shm->ext != NULL) {
    /* Sequentially consistent store and load: with the receiver's
     * announce-then-recheck (shm_announce) either it sees the new signal
     * or this load sees its announcement (doc/shm.md). */
    atomic_store_explicit(d.signal, ++shm->send_signal, memory_order_seq_cst);
    if (atomic_load_explicit(shm_waiter(shm, requests),
                             memory_order_seq_cst) == 0)
      return NETIPC_OK;
  } else {
    atomic_store_explicit(d.signal, ++shm->send_signal, memory_order_release);
  }
  netipc__futex_wake((uint32_t *)d.signal);
  return NETIPC_OK;
}

netipc_err
netipc__shm_publish(netipc__shm *shm, const uint8_t *hdr, const void *payload,
                    size_t payload_len)
{
  if (shm_faulted(shm))
    return NETIPC_ERR_SHM_FAULT;
  netipc_err err = shm_publish(shm, hdr, payload, payload_len);
  /* A fault during the copy or the stores: the peer never got it. */
  return shm_faulted(shm) ? NETIPC_ERR_SHM_FAULT : err;
}

static void
shm_spin_set(netipc__shm *shm, uint64_t rounds)
{
  if (rounds < shm->spin_min)
    rounds = shm->spin_min;
  if (rounds > shm->spin_max)
    rounds = shm->spin_max;
  shm->spin_limit = (uint32_t)rounds;
}

/* Phase 1: spin up to the adaptive limit; true if a message arrived. */
static bool
shm_spin(netipc__shm *shm, const shm_dir *d, uint64_t expected)
{
  for (uint32_t round = 0; round < shm->spin_limit; round++) {
    if (atomic_load_explicit(d->seq, memory_order_acquire) >= expected) {
      /* Caught late in the budget: leave headroom for jitter. */
      if ((uint64_t)round * 2 > shm->spin_limit)
        shm_spin_set(shm, (uint64_t)round * 2);
      return true;
    }
    shm_cpu_relax();
  }
  return false;
}

/*
 * After a spin that found nothing, judge it by when the message came. If
 * it came within the longest worthwhile spin (past which a futex sleep
 * and wake is cheaper), the peer is busy: size the budget to cover that
 * wait with headroom, using the rounds-per-nanosecond just measured.
 * Otherwise the peer is idle or slow: halve, down to the floor that makes
 * idle waits nearly free.
 */
static void
shm_spin_learn(netipc__shm *shm, uint64_t spin_ns, uint64_t waited_ns)
{
  uint64_t total = spin_ns + waited_ns;
  if (waited_ns != UINT64_MAX && total <= NETIPC__SHM_SPIN_MAX_NS) {
    uint64_t per_round = spin_ns / shm->spin_limit;
    if (per_round == 0)
      per_round = 1;
    shm_spin_set(shm, total / per_round * SPIN_HEADROOM_NUM / SPIN_HEADROOM_DEN);
  } else {
    shm_spin_set(shm, shm->spin_limit / 2);
  }
}

/*
 * Announce (1) that this receiver is about to sleep on an extended
 * session, or withdraw (0). The store is sequentially consistent, like
 * the publisher's increment of the signal word and its load of this word;
 * the receiver then re-reads the signal word (seq_cst) before it sleeps,
 * so either it sees the publisher's increment or the publisher sees the
 * announcement (doc/shm.md).
 */
static void
shm_announce(_Atomic uint32_t *waiter, uint32_t value)
{
  if (waiter != NULL)
    atomic_store_explicit(waiter, value, memory_order_seq_cst);
}

/* Phase 2: futex sleeps in slices, checking deadline, abort and peer. */
static netipc_err
shm_sleep(const netipc__shm *shm, const shm_dir *d, _Atomic uint32_t *waiter,
          uint64_t expected, uint64_t deadline, const netipc_abort *abort,
          int sock_fd)
{
  for (;;) {
    uint32_t v = atomic_load_explicit(d->signal, memory_order_acquire);
    if (atomic_load_explicit(d->seq, memory_order_acquire) >= expected)
      return NETIPC_OK;
    bool published = false; /* a publish since v: look again, no sleep */
    if (waiter != NULL) {
      shm_announce(waiter, 1);
      published = atomic_load_explicit(d->signal, memory_order_seq_cst) != v;
    }
    uint32_t slice = wait_slice_ms, left;
    if (netipc__deadline_left(deadline, &left) != NETIPC_OK)
      return NETIPC_ERR_TIMEOUT;
    if (deadline != 0 && left < slice)
      slice = left;
    if (netipc_abort_is_signalled(abort))
      return NETIPC_ERR_ABORTED;
    if (published)
      continue;
    /* After a fault every word reads 0 and nothing would ever wake us. */
    if (shm_faulted(shm))
      return NETIPC_ERR_SHM_FAULT;
    int rc = netipc__futex_wait((uint32_t *)d->signal, v, slice);
    /* Truncated between our loads and the wait: the kernel cannot fault
     * the page in for the futex key. */
    if (rc == EFAULT)
      return NETIPC_ERR_SHM_FAULT;
    /* The peer probe (a poll()) only after a slice that timed out, as
     * posix-shm.md 12 has it: a woken receive makes no extra syscall. */
    if (rc == ETIMEDOUT && sock_fd >= 0 && netipc__socket_peer_gone(sock_fd))
      return NETIPC_ERR_DISCONNECTED;
    if (rc != 0 && rc != ETIMEDOUT && rc != EAGAIN && rc != EINTR)
      return NETIPC_ERR_SYSTEM;
  }
}

/*
 * The slow path: the spin missed. The clock is read here and only here:
 * the deadline starts now, and the wait's length teaches the spin budget.
 */
static netipc_err
shm_wait_asleep(netipc__shm *shm, const shm_dir *d, uint64_t expected,
                uint32_t timeout_ms, const netipc_abort *abort, int sock_fd)
{
  _Atomic uint32_t *waiter =
      shm->ext != NULL ? shm_waiter(shm, shm->role == NETIPC_ROLE_SERVER)
                       : NULL;
  uint64_t sleep_start = shm_now_ns();
  uint64_t deadline =
      timeout_ms != 0 ? sleep_start / NS_PER_MS + timeout_ms : 0;
  netipc_err err =
      shm_sleep(shm, d, waiter, expected, deadline, abort, sock_fd);
  shm_announce(waiter, 0);
  uint64_t spin_ns = (uint64_t)shm->spin_limit * shm->spin_round_ps / PS_PER_NS;
  shm_spin_learn(shm, spin_ns,
                 err == NETIPC_OK ? shm_now_ns() - sleep_start : UINT64_MAX);
  return err;
}

static netipc_err
shm_receive(netipc__shm *shm, uint32_t timeout_ms, const netipc_abort *abort,
            int sock_fd, uint8_t *buf, size_t cap, size_t *len)
{
  shm_dir d = shm_direction(shm, shm->role == NETIPC_ROLE_SERVER);
  uint64_t expected = shm->recv_seen + 1;
  /* Abort and peer liveness are checked when the wait turns to sleep. */
  if (!shm_spin(shm, &d, expected)) {
    netipc_err err =
        shm_wait_asleep(shm, &d, expected, timeout_ms, abort, sock_fd);
    if (err != NETIPC_OK)
      return err;
  }
  /* Consumed even when rejected below (posix-shm.md 9). */
  shm->recv_seen = expected;
  uint32_t n = atomic_load_explicit(d.len, memory_order_acquire);
  size_t limit = cap < d.cap ? cap : d.cap;
  if (n == 0)
    return NETIPC_ERR_PROTOCOL;
  if (n > limit)
    return NETIPC_ERR_LIMIT_EXCEEDED;
  /* Copy out at once: the peer may rewrite the area, our copy is stable. */
  memcpy(buf, d.area, n);
  *len = n;
  return NETIPC_OK;
}

netipc_err
netipc__shm_receive(netipc__shm *shm, uint32_t timeout_ms,
                    const netipc_abort *abort, int sock_fd, uint8_t *buf,
                    size_t cap, size_t *len)
{
  if (shm_faulted(shm))
    return NETIPC_ERR_SHM_FAULT;
  netipc_err err = shm_receive(shm, timeout_ms, abort, sock_fd, buf, cap, len);
  /* Whatever was read after a fault is zeros, not the peer's message. */
  return shm_faulted(shm) ? NETIPC_ERR_SHM_FAULT : err;
}
