/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * posix-shm-internal.h - the Linux SHM_HYBRID data plane (posix-shm.md):
 * one region file per session, one message per direction at a time,
 * published with release stores and awaited by spinning, then futex.
 */
#ifndef NETIPC_TRANSPORT_POSIX_SHM_INTERNAL_H
#define NETIPC_TRANSPORT_POSIX_SHM_INTERNAL_H

#include <netipc/transport.h>

#include <sys/types.h>

#include "transport/handshake-internal.h"
#include "transport/posix/posix-internal.h"
#include "transport/posix/posix-shm-guard.h"

#define NETIPC__SHM_MAGIC 0x4E53484Du
#define NETIPC__SHM_VERSION 3u
#define NETIPC__SHM_HEADER_LEN 64u
#define NETIPC__SHM_ALIGN 64u
#define NETIPC__SHM_SUFFIX ".ipcshm"
#define NETIPC__SHM_PATH_MAX 256u /* the reference's buffer, NUL included */
#define NETIPC__SHM_ATTACH_RETRY_MS 5u
#define NETIPC__SHM_ATTACH_TIMEOUT_MS 5000u
#define NETIPC__SHM_WAIT_SLICE_MS 100u
/* Adaptive spin bounds (rounds of CPU relax before sleeping in futex). */
#define NETIPC__SHM_SPIN_INITIAL 128u
#define NETIPC__SHM_SPIN_MIN 16u
#define NETIPC__SHM_SPIN_MAX 65536u
/* Never spin longer than this: past it a futex sleep and wake is cheaper. */
#define NETIPC__SHM_SPIN_MAX_NS 50000u

/* Offsets of the atomic words in the region header (posix-shm.md 3.1). */
#define NETIPC__SHM_REQ_SEQ 32u
#define NETIPC__SHM_RESP_SEQ 40u
#define NETIPC__SHM_REQ_LEN 48u
#define NETIPC__SHM_RESP_LEN 52u
#define NETIPC__SHM_REQ_SIGNAL 56u
#define NETIPC__SHM_RESP_SIGNAL 60u

/* The netipc extension block after the response area (doc/extensions.md):
 * a waiter word per direction, set by its receiver while it sleeps. */
#define NETIPC__SHM_EXT_LEN 64u
#define NETIPC__SHM_EXT_REQ_WAITER 0u  /* the server sleeps on requests */
#define NETIPC__SHM_EXT_RESP_WAITER 4u /* the client sleeps on responses */
/* Rounds of CPU relax timed once per region to turn spins into time. */
#define NETIPC__SHM_CALIBRATE_ROUNDS 1024u

/* The profiles served by this data plane are NETIPC__SHM_PROFILES
 * (transport/platform.h; 0x04 runs exactly like 0x02). */

/* One mapped region. Its create, attach and destroy are declared with the
 * handshake hooks (transport/handshake-internal.h). */
struct netipc__shm {
  uint8_t *base;
  size_t size;
  int fd;
  int guard_slot; /* the SIGBUS guard's entry for base (posix-shm-guard.h) */
  bool owner; /* the server: unlinks the file at teardown */
  netipc_role role;
  uint32_t req_off, req_cap, resp_off, resp_cap;
  uint64_t recv_seen; /* last consumed sequence of the incoming direction */
  /* This side's own sequence and signal words: it is their only writer,
   * so it counts here and only stores; a peer rewriting them in the
   * region cannot make this side read its counters back. */
  uint64_t send_seq;
  uint32_t send_signal;
  uint32_t spin_limit;
  uint32_t spin_min, spin_max; /* equal: a fixed budget */
  uint32_t spin_round_ps;      /* measured cost of one relax round */
  /* Extended session (both peers netipc): the waiter words, else NULL
   * and every publish wakes the peer as the reference protocol needs. */
  _Atomic uint32_t *ext;
  char path[NETIPC__SHM_PATH_MAX];
};

/*
 * Server: create the region of session_id (posix-shm.md 4, 5); with
 * `extended` the file also holds the extension block (doc/extensions.md).
 * The netipc__shm_server_open hook calls it. Errors: as that hook's.
 */
netipc_err netipc__shm_create(const char *run_dir, const char *service,
                              uint64_t session_id, uint32_t rq_max,
                              uint32_t rs_max, bool extended,
                              netipc__shm **out);

/*
 * Client: attach to the region of session_id, retrying while it is not
 * ready (posix-shm.md 6). Beyond the reference the file must be a regular
 * file owned by `owner` (the server's uid) with no group or other bits,
 * and exactly as long as its header (plus the extension block when
 * extended) says. The netipc__shm_client_open hook calls it with the uid
 * of the session socket's peer. Errors: SHM_ATTACH, NOMEM, BAD_NAME,
 * PATH_TOO_LONG.
 */
netipc_err netipc__shm_attach_owned(const char *run_dir, const char *service,
                                    uint64_t session_id, uint32_t rq_limit,
                                    uint32_t rs_limit, bool extended,
                                    uid_t owner, netipc__shm **out);

/* netipc__shm_attach_owned expecting a region of our own effective uid. */
netipc_err netipc__shm_attach(const char *run_dir, const char *service,
                              uint64_t session_id, uint32_t rq_limit,
                              uint32_t rs_limit, bool extended,
                              netipc__shm **out);

/* Set the offsets, capacities and size of a region for these limits
 * (posix-shm.md 4; + the extension block when extended). Errors:
 * INVALID_ARG (over UINT32_MAX). */
netipc_err netipc__shm_layout(netipc__shm *shm, uint32_t rq_max,
                              uint32_t rs_max, bool extended);

/* shm->fd sized: allocate every block and map it under the SIGBUS guard.
 * Errors: NOSPACE, SYSTEM. */
netipc_err netipc__shm_allocate(netipc__shm *shm);
/* shm->fd as long as shm->size: map it under the SIGBUS guard.
 * Errors: SYSTEM, NOSPACE (the guard is full). */
netipc_err netipc__shm_map(netipc__shm *shm);

/* Server: write the header of a freshly mapped region (and find the
 * extension block when the layout has one). */
void netipc__shm_init_header(netipc__shm *shm);

/* Client: shm->base/size mapped; check the header as an attach does
 * (posix-shm.md 6 steps 5-8, exact size) and take the sequence to start
 * from. False: not a region for these limits. */
bool netipc__shm_validate(netipc__shm *shm, uint32_t rq_limit,
                          uint32_t rs_limit, bool extended);

#ifdef NETIPC_BUILD_SEALED_SHM
/*
 * Extension 2 (doc/extensions.md, posix-shm-memfd.c). Server: a region
 * laid out as netipc__shm_create's, in a memfd sealed against shrinking,
 * growing and further sealing; no file, nothing to unlink. Errors:
 * INVALID_ARG, SYSTEM, NOSPACE, NOMEM.
 */
netipc_err netipc__shm_memfd_create(uint32_t rq_max, uint32_t rs_max,
                                    bool extended, netipc__shm **out);

/*
 * Client: attach to the region in fd (taken over: closed on failure),
 * which must be a regular file carrying at least the SHRINK and GROW seals
 * and exactly as long as its header says. Errors: SHM_ATTACH, NOMEM.
 */
netipc_err netipc__shm_memfd_attach(int fd, uint32_t rq_limit,
                                    uint32_t rs_limit, bool extended,
                                    netipc__shm **out);
#endif

/*
 * Remove dead or junk regions of service in run_dir (posix-shm.md 11);
 * live ones are never touched. Returns the number removed.
 */
unsigned netipc__shm_cleanup(const char *run_dir, const char *service);

/*
 * Publish one message (header bytes + payload) into the outgoing area
 * (posix-shm.md 8), then wake the peer: always toward a reference peer,
 * only when it announced itself asleep on an extended session (the
 * argument is in doc/shm.md). Errors: LIMIT_EXCEEDED (over the area
 * capacity; nothing published), SHM_FAULT (the peer truncated the region).
 */
netipc_err netipc__shm_publish(netipc__shm *shm, const uint8_t *hdr,
                               const void *payload, size_t payload_len);

/*
 * Wait for the next incoming message and copy it to buf[0..cap)
 * (posix-shm.md 9, 12): adaptive spin, then futex sleeps in slices;
 * between slices the abort handle and the liveness of sock_fd are checked.
 * timeout_ms (0: none) counts from when the spin turns to sleep, the only
 * place the clock is read.
 * Errors: TIMEOUT, ABORTED, DISCONNECTED, LIMIT_EXCEEDED (too large,
 * consumed), PROTOCOL (length 0, consumed), SHM_FAULT (the peer truncated
 * the region: every later call fails the same way), SYSTEM.
 */
netipc_err netipc__shm_receive(netipc__shm *shm, uint32_t timeout_ms,
                               const netipc_abort *abort, int sock_fd,
                               uint8_t *buf, size_t cap, size_t *len);

/*
 * Benchmark hook: the spin policy of regions created or attached from now
 * on in this process. fixed != 0 pins the spin budget to `fixed` rounds
 * (the reference uses 128); otherwise the adaptive budget stays within
 * [min, max]. Not thread-safe; set it before sessions start.
 */
void netipc__shm_spin_policy(uint32_t fixed, uint32_t min, uint32_t max);

/*
 * Test hook: the length of one futex sleep slice (default
 * NETIPC__SHM_WAIT_SLICE_MS). A long slice makes a lost wake-up show as a
 * stall instead of being covered by the next slice. Set it before
 * sessions start.
 */
void netipc__shm_wait_slice(uint32_t ms);

/* Set a new region's spin fields from the process-wide policy. */
void netipc__shm_spin_init(netipc__shm *shm);

/* Futex wrappers on a word shared between processes (non-private ops). */
int netipc__futex_wait(uint32_t *word, uint32_t expected, uint32_t timeout_ms);
void netipc__futex_wake(uint32_t *word);
/* FUTEX_WAKE calls made by this process so far (tests count them). */
uint64_t netipc__futex_wake_count(void);

/* True when the peer at the other end of the socket is gone. */
bool netipc__socket_peer_gone(int fd);

#endif /* NETIPC_TRANSPORT_POSIX_SHM_INTERNAL_H */
