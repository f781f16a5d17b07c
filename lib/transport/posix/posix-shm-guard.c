/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The SIGBUS guard over SHM mappings (posix-shm-guard.h). What production
 * servers of shared-memory protocols do for peer-supplied memory
 * (libwayland-server's client pools): a fault inside a watched mapping is
 * answered by mapping anonymous zero pages over it with MAP_FIXED, so the
 * faulting access is re-executed on memory that exists, and the session
 * that owns the mapping learns from its faulted flag that the peer broke
 * the region. Built on every POSIX host (the opt-out switch is public API
 * even where SHM is not built).
 *
 * The handler runs on the faulting thread at any point, so it touches
 * only a fixed table through lock-free atomics and calls only mmap,
 * sigaction and raise. Registration and removal are serialised by a
 * mutex; removal waits until no handler is between its table lookup and
 * the end of its remap, so a range is never remapped after it was handed
 * back to munmap (the seq_cst order of `base` and `guard_active` is what
 * makes that exact: a handler either sees base 0 or is counted).
 */
#include "config.h"

#include <pthread.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "transport/posix/posix-shm-guard.h"

typedef struct guard_entry {
  _Atomic uintptr_t base; /* 0: a free slot */
  _Atomic size_t len;
  atomic_bool faulted;
} guard_entry;

static guard_entry guard_table[NETIPC__SHM_GUARD_SLOTS];
/* One past the highest slot ever used: the handler scans no further. */
static atomic_int guard_high;
/* Handlers between their table lookup and the end of their remap. */
static atomic_uint guard_active;
/* netipc_shm_sigbus_guard: whether new mappings are watched. */
static atomic_bool guard_enabled = true;
/* Whether guard_handler is ours to call (tests). */
static atomic_bool guard_on;

static pthread_mutex_t guard_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned guard_users; /* watched mappings, under guard_lock */
/* The disposition before ours: written before the handler is installed,
 * read by the handler to chain, restored when the last mapping goes. */
static struct sigaction guard_previous;

void
netipc_shm_sigbus_guard(bool enable)
{
  atomic_store(&guard_enabled, enable);
}

bool
netipc__shm_guard_installed(void)
{
  return atomic_load(&guard_on);
}

/* Replace the watched mapping holding addr with zero pages; true if addr
 * was in one. */
static bool
guard_remap(uintptr_t addr)
{
  bool hit = false;
  atomic_fetch_add(&guard_active, 1);
  int high = atomic_load(&guard_high);
  for (int i = 0; i < high; i++) {
    guard_entry *e = &guard_table[i];
    uintptr_t base = atomic_load(&e->base);
    size_t len = atomic_load(&e->len);
    if (base == 0 || addr < base || addr - base >= len)
      continue;
    /* Private anonymous pages: the peer can neither see nor truncate
     * them, and every read of a sequence or length now yields 0. */
    void *m = mmap((void *)base, len, PROT_READ | PROT_WRITE,
                   MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m != MAP_FAILED) {
      atomic_store(&e->faulted, true);
      hit = true;
    }
    break;
  }
  atomic_fetch_sub(&guard_active, 1);
  return hit;
}

/* Set when a previous SA_RESETHAND handler has run once: the kernel would
 * have reset it to SIG_DFL, so later SIGBUS get the default action. */
static atomic_bool guard_previous_spent;

/* Die of SIGBUS as without us. A fault is simply resumed under SIG_DFL:
 * the instruction faults again and the process dies with the real
 * siginfo (core, address). A sent signal is raised again; it stays
 * blocked until this handler returns and then takes the default action. */
static void
guard_default(int sig, bool sent)
{
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, NULL);
  if (sent)
    (void)raise(sig); /* cannot fail for a valid signal number */
}

/* Call the previous handler as the kernel would have: under its sa_mask,
 * with SIGBUS unblocked for SA_NODEFER, once for SA_RESETHAND. */
static void
guard_call_previous(const struct sigaction *p, int sig, siginfo_t *info,
                    void *ctx)
{
  sigset_t mask, old;
  mask = p->sa_mask;
  if ((p->sa_flags & SA_RESETHAND) != 0)
    atomic_store(&guard_previous_spent, true);
  pthread_sigmask(SIG_BLOCK, &mask, &old);
  if ((p->sa_flags & SA_NODEFER) != 0) {
    sigemptyset(&mask);
    sigaddset(&mask, sig);
    pthread_sigmask(SIG_UNBLOCK, &mask, NULL);
  }
  if ((p->sa_flags & SA_SIGINFO) != 0)
    p->sa_sigaction(sig, info, ctx);
  else
    p->sa_handler(sig);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* A SIGBUS that is not ours: what the program would have had without us. */
static void
guard_chain(int sig, siginfo_t *info, void *ctx)
{
  const struct sigaction *p = &guard_previous;
  /* The kernel never lets a fault be ignored; a sent signal may be. */
  bool sent = info == NULL || info->si_code <= 0;
  bool spent = atomic_load(&guard_previous_spent);
  if (!spent && (p->sa_flags & SA_SIGINFO) == 0 && p->sa_handler == SIG_IGN &&
      sent)
    return;
  if (spent || ((p->sa_flags & SA_SIGINFO) == 0 &&
                (p->sa_handler == SIG_DFL || p->sa_handler == SIG_IGN))) {
    guard_default(sig, sent);
    return;
  }
  guard_call_previous(p, sig, info, ctx);
}

static void
guard_handler(int sig, siginfo_t *info, void *ctx)
{
  int saved = errno;
  /* Only a fault (si_code > 0) names the address it hit; a SIGBUS sent by
   * kill or sigqueue is never taken for one. */
  bool ours = info != NULL && info->si_code > 0 &&
              guard_remap((uintptr_t)info->si_addr);
  errno = saved;
  if (!ours)
    guard_chain(sig, info, ctx);
}

/* Under guard_lock, with no mapping watched yet. */
static netipc_err
guard_install(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = guard_handler;
  sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  /* The previous action is read before ours goes in, so a SIGBUS on
   * another thread never chains to a half-written guard_previous. One
   * that is our own handler (a program restoring a saved pointer to it)
   * would recurse: it counts as the default. */
  struct sigaction prev;
  if (sigaction(SIGBUS, NULL, &prev) != 0)
    return NETIPC_ERR_SYSTEM;
  if ((prev.sa_flags & SA_SIGINFO) != 0 && prev.sa_sigaction == guard_handler) {
    memset(&prev, 0, sizeof prev);
    prev.sa_handler = SIG_DFL;
    sigemptyset(&prev.sa_mask);
  }
  guard_previous = prev;
  atomic_store(&guard_previous_spent, false);
  if (sigaction(SIGBUS, &sa, NULL) != 0)
    return NETIPC_ERR_SYSTEM;
  atomic_store(&guard_on, true);
  return NETIPC_OK;
}

/* Under guard_lock, when the last mapping went. A program that installed
 * its own handler over ours keeps it. */
static void
guard_uninstall(void)
{
  struct sigaction now;
  atomic_store(&guard_on, false);
  if (sigaction(SIGBUS, NULL, &now) == 0 && (now.sa_flags & SA_SIGINFO) &&
      now.sa_sigaction == guard_handler)
    sigaction(SIGBUS, &guard_previous, NULL);
}

netipc_err
netipc__shm_guard_add(void *base, size_t len, int *slot)
{
  *slot = NETIPC__SHM_GUARD_NONE;
  if (!atomic_load(&guard_enabled))
    return NETIPC_OK;
  pthread_mutex_lock(&guard_lock);
  int i = 0;
  while (i < NETIPC__SHM_GUARD_SLOTS && atomic_load(&guard_table[i].base) != 0)
    i++;
  netipc_err err = NETIPC_OK;
  if (i == NETIPC__SHM_GUARD_SLOTS)
    err = NETIPC_ERR_NOSPACE;
  else if (guard_users == 0)
    err = guard_install();
  if (err == NETIPC_OK) {
    guard_entry *e = &guard_table[i];
    atomic_store(&e->faulted, false);
    atomic_store(&e->len, len);
    if (i >= atomic_load(&guard_high))
      atomic_store(&guard_high, i + 1);
    atomic_store(&e->base, (uintptr_t)base); /* watched from here on */
    guard_users++;
    *slot = i;
  }
  pthread_mutex_unlock(&guard_lock);
  return err;
}

void
netipc__shm_guard_remove(int slot)
{
  if (slot < 0 || slot >= NETIPC__SHM_GUARD_SLOTS)
    return;
  pthread_mutex_lock(&guard_lock);
  if (atomic_load(&guard_table[slot].base) == 0) {
    pthread_mutex_unlock(&guard_lock); /* already removed: count it once */
    return;
  }
  atomic_store(&guard_table[slot].base, 0);
  while (atomic_load(&guard_active) != 0)
    sched_yield();
  if (--guard_users == 0)
    guard_uninstall();
  pthread_mutex_unlock(&guard_lock);
}

bool
netipc__shm_guard_faulted(int slot)
{
  return slot >= 0 && slot < NETIPC__SHM_GUARD_SLOTS &&
         atomic_load_explicit(&guard_table[slot].faulted,
                              memory_order_acquire);
}
