/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SHM publication and consumption (posix-shm.md 8-10, 12). The order
 * data -> length -> sequence -> signal -> wake is the contract; every word
 * is stored with release and loaded with acquire.
 *
 * Waiting is adaptive: a receiver spins for spin_limit rounds before it
 * sleeps in the futex. A message that shows up while spinning raises the
 * limit to twice the rounds it took; a spin that finds nothing halves it.
 * Busy ping-pong therefore converges on spinning just long enough to catch
 * the reply at cache-line latency, and an idle peer costs a few rounds.
 */
#include "config.h"

#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include "transport/posix/posix-shm-internal.h"

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

netipc_err
netipc__shm_publish(netipc__shm *shm, const uint8_t *hdr, const void *payload,
                    size_t payload_len)
{
  shm_dir d = shm_direction(shm, shm->role == NETIPC_ROLE_CLIENT);
  uint64_t total = (uint64_t)NETIPC_HEADER_LEN + payload_len;
  if (total > d.cap)
    return NETIPC_ERR_LIMIT_EXCEEDED;
  memcpy(d.area, hdr, NETIPC_HEADER_LEN);
  if (payload_len != 0)
    memcpy(d.area + NETIPC_HEADER_LEN, payload, payload_len);
  atomic_store_explicit(d.len, (uint32_t)total, memory_order_release);
  atomic_fetch_add_explicit(d.seq, 1, memory_order_release);
  atomic_fetch_add_explicit(d.signal, 1, memory_order_release);
  netipc__futex_wake((uint32_t *)d.signal);
  return NETIPC_OK;
}

/* Phase 1: spin up to the adaptive limit; true if a message arrived. */
static bool
shm_spin(netipc__shm *shm, const shm_dir *d, uint64_t expected)
{
  for (uint32_t round = 0; round < shm->spin_limit; round++) {
    if (atomic_load_explicit(d->seq, memory_order_acquire) >= expected) {
      uint32_t wanted = round * 2;
      if (wanted > shm->spin_limit)
        shm->spin_limit =
            wanted < NETIPC__SHM_SPIN_MAX ? wanted : NETIPC__SHM_SPIN_MAX;
      return true;
    }
    shm_cpu_relax();
  }
  uint32_t halved = shm->spin_limit / 2;
  shm->spin_limit = halved > NETIPC__SHM_SPIN_MIN ? halved : NETIPC__SHM_SPIN_MIN;
  return false;
}

/* Phase 2: futex sleeps in slices, checking deadline, abort and peer. */
static netipc_err
shm_sleep(const shm_dir *d, uint64_t expected, uint64_t deadline,
          const netipc_abort *abort, int sock_fd)
{
  for (;;) {
    uint32_t v = atomic_load_explicit(d->signal, memory_order_acquire);
    if (atomic_load_explicit(d->seq, memory_order_acquire) >= expected)
      return NETIPC_OK;
    uint32_t slice = NETIPC__SHM_WAIT_SLICE_MS;
    if (deadline != 0) {
      uint64_t now = netipc__now_ms();
      if (now >= deadline)
        return NETIPC_ERR_TIMEOUT;
      if (deadline - now < slice)
        slice = (uint32_t)(deadline - now);
    }
    if (netipc_abort_is_signalled(abort))
      return NETIPC_ERR_ABORTED;
    if (sock_fd >= 0 && netipc__socket_peer_gone(sock_fd))
      return NETIPC_ERR_DISCONNECTED;
    int rc = netipc__futex_wait((uint32_t *)d->signal, v, slice);
    if (rc != 0 && rc != ETIMEDOUT && rc != EAGAIN && rc != EINTR)
      return NETIPC_ERR_SYSTEM;
  }
}

netipc_err
netipc__shm_receive(netipc__shm *shm, uint64_t deadline,
                    const netipc_abort *abort, int sock_fd, uint8_t *buf,
                    size_t cap, size_t *len)
{
  shm_dir d = shm_direction(shm, shm->role == NETIPC_ROLE_SERVER);
  uint64_t expected = shm->recv_seen + 1;
  if (netipc_abort_is_signalled(abort))
    return NETIPC_ERR_ABORTED;
  if (!shm_spin(shm, &d, expected)) {
    netipc_err err = shm_sleep(&d, expected, deadline, abort, sock_fd);
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
