/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Windows SHM publication and consumption (windows.md 4.4-4.7). Each
 * direction holds one message: the sender copies it into its area, stores
 * the length and bumps the counter (both Interlocked, so full barriers),
 * and on HYBRID wakes the receiver if its waiting flag is up. The
 * receiver spins, then (HYBRID) raises its flag, re-checks and sleeps on
 * its event in slices, or (BUSYWAIT) keeps polling and yielding.
 *
 * No wake-up is lost on HYBRID: the receiver's flag store and re-check
 * are separated by a full barrier, and so are the sender's counter
 * increment and flag load. Either the re-check sees the new counter or
 * the sender sees the flag and signals the auto-reset event, which then
 * stays set until the receiver waits on it.
 */
#include "config.h"

#include <string.h>

#include "transport/windows/win-shm-internal.h"

/* The shared words and the area of one direction, as one side uses it. */
typedef struct shm_dir {
  volatile LONG *len;
  volatile LONG64 *seq;
  uint8_t *area;
  uint32_t cap;
  int64_t *local;       /* this side's count for the direction */
  volatile LONG *wait;  /* the receiver's waiting flag */
  HANDLE event;         /* the receiver sleeps on it (HYBRID), else NULL */
  volatile LONG *peer_closed; /* incoming only: the sender's closed flag */
} shm_dir;

static shm_dir
shm_requests(netipc__shm *shm)
{
  netipc__win_shm_header *h = shm->hdr;
  shm_dir d = {
      .len = &h->req_len,
      .seq = &h->req_seq,
      .area = (uint8_t *)h + shm->req_off,
      .cap = shm->req_cap,
      .local = &shm->req_local,
      .wait = &h->req_server_waiting,
      .event = shm->req_event,
      .peer_closed = &h->req_client_closed,
  };
  return d;
}

static shm_dir
shm_responses(netipc__shm *shm)
{
  netipc__win_shm_header *h = shm->hdr;
  shm_dir d = {
      .len = &h->resp_len,
      .seq = &h->resp_seq,
      .area = (uint8_t *)h + shm->resp_off,
      .cap = shm->resp_cap,
      .local = &shm->resp_local,
      .wait = &h->resp_client_waiting,
      .event = shm->resp_event,
      .peer_closed = &h->resp_server_closed,
  };
  return d;
}

/* The client sends requests and receives responses; the server the
 * other way round. */
static shm_dir
shm_outgoing(netipc__shm *shm)
{
  return shm->server ? shm_responses(shm) : shm_requests(shm);
}

static shm_dir
shm_incoming(netipc__shm *shm)
{
  return shm->server ? shm_requests(shm) : shm_responses(shm);
}

static bool
shm_hybrid(const netipc__shm *shm)
{
  return shm->profile == NETIPC_PROFILE_SHM_HYBRID;
}

/* The count after c. Unsigned, so a hostile baseline of INT64_MAX read at
 * attach wraps instead of overflowing (it can only confuse the session). */
static int64_t
seq_next(int64_t c)
{
  return (int64_t)((uint64_t)c + 1u);
}

netipc_err
netipc__win_shm_publish(netipc__shm *shm, const uint8_t *hdr,
                        const void *payload, size_t len)
{
  shm_dir d = shm_outgoing(shm);
  if (len == 0 || len > d.cap || len > NETIPC__WIN_SHM_MSG_MAX)
    return NETIPC_ERR_LIMIT_EXCEEDED;
  if (len < NETIPC_HEADER_LEN)
    return NETIPC_ERR_INVALID_ARG;
  memcpy(d.area, hdr, NETIPC_HEADER_LEN);
  if (len > NETIPC_HEADER_LEN)
    memcpy(d.area + NETIPC_HEADER_LEN, payload, len - NETIPC_HEADER_LEN);
  InterlockedExchange(d.len, (LONG)len);
  InterlockedIncrement64(d.seq); /* publishes; a full barrier */
  if (shm_hybrid(shm) && netipc__win_load_acquire32(d.wait) != 0)
    SetEvent(d.event);
  *d.local = seq_next(*d.local);
  return NETIPC_OK;
}

/*
 * One attempt to consume (4.5). Returns false when nothing has arrived;
 * true when a message was observed, with its outcome in *err. Everything
 * but a negative length is consumed, whatever the outcome.
 */
static bool
shm_attempt(const shm_dir *d, uint8_t *buf, size_t cap, size_t *len,
            netipc_err *err)
{
  int64_t expected = seq_next(*d->local);
  LONG64 seq = netipc__win_load_acquire64(d->seq);
  if (seq < expected)
    return false;
  LONG n = netipc__win_load_acquire32(d->len);
  if (n < 0) {
    *err = NETIPC_ERR_PROTOCOL; /* corrupt; left where it is */
    return true;
  }
  *d->local = expected;
  size_t limit = cap < d->cap ? cap : d->cap;
  *len = (size_t)n;
  if (n == 0) {
    *err = NETIPC_ERR_PROTOCOL;
    return true;
  }
  if ((size_t)n > limit) {
    *err = NETIPC_ERR_LIMIT_EXCEEDED;
    return true;
  }
  memcpy(buf, d->area, (size_t)n);
  /* The copy's loads must not drift past the re-check (an acquire load
   * orders only what follows it). */
  MemoryBarrier();
  bool torn = netipc__win_load_acquire32(d->len) != n ||
              netipc__win_load_acquire64(d->seq) != seq;
  *err = torn ? NETIPC_ERR_PROTOCOL : NETIPC_OK;
  return true;
}

/* The peer's closed flag is up and one last attempt found nothing:
 * a message published just before the close is still delivered. */
static bool
shm_peer_gone(const shm_dir *d, uint8_t *buf, size_t cap, size_t *len,
              netipc_err *err)
{
  if (netipc__win_load_acquire32(d->peer_closed) == 0)
    return false;
  if (!shm_attempt(d, buf, cap, len, err))
    *err = NETIPC_ERR_DISCONNECTED;
  return true;
}

/* 4.7 recommended: a peer that died without raising its flag still
 * breaks the session pipe. No pipe (NULL or invalid): nothing to ask. */
static bool
shm_pipe_broken(HANDLE pipe)
{
  if (pipe == NULL || pipe == INVALID_HANDLE_VALUE)
    return false;
  DWORD avail = 0;
  if (PeekNamedPipe(pipe, NULL, 0, NULL, &avail, NULL))
    return false;
  return netipc__win_error(GetLastError()) == NETIPC_ERR_DISCONNECTED;
}

static bool
shm_aborted(const netipc_abort *abort)
{
  return abort != NULL && netipc_abort_is_signalled(abort);
}

/* This receiver's waiting flag, with a full barrier after the store. */
static void
shm_set_waiting(const shm_dir *d, LONG v)
{
  InterlockedExchange(d->wait, v);
  MemoryBarrier();
}

/* The handles a HYBRID sleep waits on: its own event, then the abort's. */
enum { SLEEP_OWN_EVENT, SLEEP_ABORT_EVENT, SLEEP_HANDLES };

/* One kernel wait of at most one slice on the own event and the abort. */
static DWORD
shm_sleep(const shm_dir *d, uint64_t deadline, const netipc_abort *abort)
{
  uint32_t slice = NETIPC__WIN_SHM_WAIT_SLICE_MS, left;
  /* The caller found the deadline ahead; if it passed since, left is 0
   * and the wait only polls. */
  (void)netipc__deadline_left(deadline, &left);
  if (deadline != 0 && left < slice)
    slice = left;
  HANDLE handles[SLEEP_HANDLES];
  handles[SLEEP_OWN_EVENT] = d->event;
  handles[SLEEP_ABORT_EVENT] = netipc__abort_event(abort);
  DWORD count = handles[SLEEP_ABORT_EVENT] != NULL ? SLEEP_HANDLES
                                                   : SLEEP_ABORT_EVENT;
  return WaitForMultipleObjects(count, handles, FALSE, slice);
}

/*
 * HYBRID, before a sleep (4.5 steps 1-3): raise the waiting flag, then
 * look once more. True when the receive ends here, with *err (the flag is
 * down again); false with the flag up, to sleep.
 */
static bool
shm_hybrid_before(const shm_dir *d, uint64_t deadline, uint8_t *buf,
                  size_t cap, size_t *len, netipc_err *err)
{
  shm_set_waiting(d, 1);
  uint32_t left;
  bool done = shm_attempt(d, buf, cap, len, err);
  if (!done && netipc__deadline_left(deadline, &left) != NETIPC_OK) {
    *err = NETIPC_ERR_TIMEOUT;
    done = true;
  }
  /* Not in 4.5, which looks only after a wait, but free: a peer that
   * closed before this wait began is noticed without a slice. */
  if (!done)
    done = shm_peer_gone(d, buf, cap, len, err);
  if (done)
    shm_set_waiting(d, 0);
  return done;
}

/* HYBRID, after a sleep that returned rc (4.5 steps 4-5, 4.7). True when
 * the receive ends here, with *err. */
static bool
shm_hybrid_after(const shm_dir *d, DWORD rc, HANDLE pipe, uint8_t *buf,
                 size_t cap, size_t *len, netipc_err *err)
{
  shm_set_waiting(d, 0);
  if (rc == WAIT_OBJECT_0 + SLEEP_ABORT_EVENT) {
    *err = NETIPC_ERR_ABORTED;
    return true;
  }
  if (rc == WAIT_FAILED) {
    *err = NETIPC_ERR_SYSTEM;
    return true;
  }
  if (shm_attempt(d, buf, cap, len, err) ||
      shm_peer_gone(d, buf, cap, len, err))
    return true;
  if (rc == WAIT_TIMEOUT && shm_pipe_broken(pipe)) {
    *err = NETIPC_ERR_DISCONNECTED;
    return true;
  }
  return false; /* a stale signal of an earlier message, or a slice */
}

/* HYBRID after the spin (4.5): flag, re-check, sleep, re-check, loop. */
static netipc_err
shm_wait_hybrid(const shm_dir *d, uint64_t deadline,
                const netipc_abort *abort, HANDLE pipe, uint8_t *buf,
                size_t cap, size_t *len)
{
  netipc_err err;
  for (;;) {
    if (shm_hybrid_before(d, deadline, buf, cap, len, &err))
      return err;
    DWORD rc = shm_sleep(d, deadline, abort);
    if (shm_hybrid_after(d, rc, pipe, buf, cap, len, &err))
      return err;
  }
}

/* BUSYWAIT after the spin (4.5): poll, checking deadline, peer and abort
 * every time; yield to other threads every 1024 polls, and look at the
 * pipe there when a wait slice has passed since the last look. */
static netipc_err
shm_wait_busy(const shm_dir *d, uint64_t deadline, const netipc_abort *abort,
              HANDLE pipe, uint8_t *buf, size_t cap, size_t *len)
{
  netipc_err err;
  uint64_t pipe_checked = netipc__now_ms();
  for (uint32_t polls = 1;; polls++) {
    if (shm_attempt(d, buf, cap, len, &err))
      return err;
    uint32_t left;
    if (netipc__deadline_left(deadline, &left) != NETIPC_OK)
      return NETIPC_ERR_TIMEOUT;
    if (shm_peer_gone(d, buf, cap, len, &err))
      return err;
    if (shm_aborted(abort))
      return NETIPC_ERR_ABORTED;
    if ((polls & (NETIPC__WIN_SHM_BUSY_SWITCH_POLLS - 1u)) != 0) {
      YieldProcessor();
      continue;
    }
    SwitchToThread();
    uint64_t now = netipc__now_ms();
    if (now - pipe_checked >= NETIPC__WIN_SHM_WAIT_SLICE_MS) {
      pipe_checked = now;
      if (shm_pipe_broken(pipe))
        return NETIPC_ERR_DISCONNECTED;
    }
  }
}

netipc_err
netipc__win_shm_receive(netipc__shm *shm, uint32_t timeout_ms,
                        const netipc_abort *abort, HANDLE pipe, uint8_t *buf,
                        size_t cap, size_t *len)
{
  shm_dir d = shm_incoming(shm);
  netipc_err err;
  *len = 0;
  for (uint32_t i = 0; i < shm->spin_tries; i++) {
    if (shm_attempt(&d, buf, cap, len, &err))
      return err;
    YieldProcessor();
  }
  /* The clock is read only once the spin missed; 0 means no deadline. */
  uint64_t deadline = netipc__deadline(timeout_ms);
  if (shm_hybrid(shm))
    return shm_wait_hybrid(&d, deadline, abort, pipe, buf, cap, len);
  return shm_wait_busy(&d, deadline, abort, pipe, buf, cap, len);
}
