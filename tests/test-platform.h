/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-platform.h - the portable base of the Level 2/3 test helpers:
 * bail-outs, clocks and sleeping, threads with bounded joins, mutexes, run
 * directories and the safety alarm. Everything here is built on the
 * library's platform layer (transport/platform.h) or plain C11, except the
 * functions marked "per OS": those live in test-platform-posix.c and
 * test-platform-win.c. Nothing here includes a POSIX header.
 *
 * Counters shared between threads use C11 <stdatomic.h>.
 */
#ifndef NETIPC_TESTS_TEST_PLATFORM_H
#define NETIPC_TESTS_TEST_PLATFORM_H

#include "tp-atomic.h"
#include <stddef.h>
#include <stdint.h>

#include <netipc/transport.h>

#include "transport/platform.h"

/* The auth token of every test peer. */
#define TP_TOKEN 0x0123456789ABCDEFull

/* "Bail out! what" (tap.h wording) and exit(1). */
_Noreturn void tp_bail(const char *what);
/* The same with " (<strerror(errno)>)" appended. */
_Noreturn void tp_bail_errno(const char *what);

/* 1 when running under valgrind (NETIPC_UNDER_VALGRIND is set). */
int tp_under_valgrind(void);

/* Milliseconds on a monotonic clock; sleeping. */
uint64_t tp_now_ms(void);
void tp_sleep_ms(unsigned ms);

/* Zeroed transport config with run_dir, service_name and TP_TOKEN. */
void tp_transport_config(netipc_transport_config *cfg, const char *dir,
                         const char *svc);

/* Deterministic pseudo-random bytes 1..255 (never 0) from seed. */
void tp_fill(uint8_t *buf, size_t len, uint32_t seed);

/* A mutex or bail out. */
netipc__mutex *tp_mutex_new(void);

/* ---- threads with bounded joins ------------------------------------- */

typedef struct tp_task {
  void (*fn)(void *arg);
  void *arg;
  atomic_int done;
  netipc__thread *thread;
} tp_task;

/* Start fn(arg) on a new thread or bail out. */
void tp_task_start(tp_task *t, void (*fn)(void *arg), void *arg);
/* 1 when the task has finished (not joined yet). */
int tp_task_done(tp_task *t);
/*
 * Wait up to timeout_ms for the task, then join it. Returns 1 when it
 * finished in time; bails out otherwise (a hung thread cannot be joined).
 */
int tp_task_join(tp_task *t, int timeout_ms, const char *what);

/* ---- per OS (test-platform-posix.c, test-platform-win.c) ------------ */

/* Kill the process after `seconds` (the safety net of a hung test). */
void tp_alarm(unsigned seconds);

/* 1 when this build has a shared-memory transport (SHM_HYBRID): on POSIX
 * when configure built Linux SHM, on Windows always. */
int tp_shm_built(void);

/*
 * The live SHM regions of run dir dir: POSIX counts its *.ipcshm files
 * (one per region); on Windows regions are named objects that cannot be
 * listed, so it tells whether the mapping of svc's session session_id
 * with this profile (and TP_TOKEN) exists: 0 or 1.
 */
int tp_shm_regions(const char *dir, const char *svc, uint32_t profile,
                   uint64_t session_id);

/* Give up the processor to another ready thread (sched_yield). */
void tp_yield(void);

/* A fresh private directory "<tmp>/netipc-<tag>-XXXXXX" into dir (cap >=
 * 64); bails out. */
void tp_rundir_make(char *dir, size_t cap, const char *tag);
/* Remove every entry of dir (one level, empty subdirs too), then dir. */
void tp_rundir_remove(const char *dir);

/* 1 when path names an existing file system entry (not followed). */
int tp_path_exists(const char *path);
/* Entries of dir (no . and ..) whose name ends with suffix; -1 on error. */
int tp_dir_count_suffix(const char *dir, const char *suffix);

#endif /* NETIPC_TESTS_TEST_PLATFORM_H */
