/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * shm-helpers.h - shared pieces of the Linux SHM transport tests
 * (posix-shm.md): SHM-enabled configs, region file paths, reading and
 * patching region headers from outside, forked children and pipes with
 * bounded waits. Built on uds-helpers (run dirs, pairs, test server).
 */
#ifndef NETIPC_TESTS_SHM_HELPERS_H
#define NETIPC_TESTS_SHM_HELPERS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <netipc/transport.h>

#include "uds-helpers.h"

/* Region header field offsets (posix-shm.md 3.1). */
enum {
  SHM_H_MAGIC = 0,
  SHM_H_VERSION = 4,
  SHM_H_HEADER_LEN = 6,
  SHM_H_OWNER_PID = 8,
  SHM_H_OWNER_GEN = 12,
  SHM_H_REQ_OFF = 16,
  SHM_H_REQ_CAP = 20,
  SHM_H_RESP_OFF = 24,
  SHM_H_RESP_CAP = 28,
  SHM_H_REQ_SEQ = 32,
  SHM_H_RESP_SEQ = 40,
  SHM_H_REQ_LEN = 48,
  SHM_H_RESP_LEN = 52,
  SHM_H_REQ_SIGNAL = 56,
  SHM_H_RESP_SIGNAL = 60
};

#define SHM_PROFILES_BOTH 0x03u
#define SHM_PREFERRED 0x02u

/* align64 of posix-shm.md 4. */
uint64_t shm_align64(uint64_t x);

/* uds_config plus supported/preferred profiles and payload limits. */
void shm_config(netipc_transport_config *cfg, const char *dir,
                const char *svc, uint32_t supported, uint32_t preferred,
                uint32_t rq, uint32_t rs);

/* "<dir>/<svc>-<sid:016x>.ipcshm" into buf; bails out if it does not fit. */
void shm_region_path(const char *dir, const char *svc, uint64_t sid,
                     char *buf, size_t cap);

/* Number of entries in dir whose name ends with ".ipcshm" (-1 on error). */
int shm_count_regions(const char *dir);

/* 1 if path exists (lstat), else 0. */
int shm_exists(const char *path);

/* Read the first 64 bytes of a region file; 0 on success. */
int shm_read_header(const char *path, uint8_t hdr[64]);
/* Write len bytes at off of a file (pwrite); 0 on success. */
int shm_patch(const char *path, off_t off, const void *data, size_t len);
int shm_patch16(const char *path, off_t off, uint16_t v);
int shm_patch32(const char *path, off_t off, uint32_t v);

/* Host-order loads from a byte buffer. */
uint16_t shm_ld16(const uint8_t *p);
uint32_t shm_ld32(const uint8_t *p);
uint64_t shm_ld64(const uint8_t *p);

/*
 * A region header with the given fields (owner_pid, generation, areas of
 * the reference layout for rq/rs), written as a whole new file of the
 * matching size. Returns 0 on success.
 */
int shm_write_fake_region(const char *path, int32_t pid, uint32_t gen,
                          uint32_t magic, uint32_t rq, uint32_t rs);

/* Map a region file read/write (whole file); NULL on failure. */
uint8_t *shm_map(const char *path, size_t *size);
void shm_unmap(uint8_t *base, size_t size);

/*
 * Publish by hand on a raw mapping: store len at len_off, add 1 to the
 * sequence at seq_off and to the signal word, then futex-wake it.
 */
void shm_raw_publish(uint8_t *base, unsigned len_off, unsigned seq_off,
                     unsigned signal_off, uint32_t len);

/* Pipes between parent and a forked child. */
int shm_pipe(int fds[2]);
/* Write one byte; 0 on success. */
int shm_pipe_signal(int fd, char c);
/* Read one byte within timeout_ms; returns it, or -1 (timeout/EOF/error). */
int shm_pipe_wait(int fd, int timeout_ms);

/*
 * Fork a child that runs child(out_fd, arg) and never returns; the parent
 * gets the pid and, in *in_fd, the read end of the child's pipe. stdout is
 * flushed first so TAP output is not duplicated. -1 on failure.
 */
pid_t shm_fork_child(void (*child)(int out_fd, const void *arg),
                     const void *arg, int *in_fd);

/*
 * waitpid with a bound: returns 1 and *status when the child was reaped
 * within timeout_ms, else 0 (the child is then SIGKILLed and reaped).
 */
int shm_reap(pid_t pid, int timeout_ms, int *status);

/* A thread that sleeps delay_ms, then SIGKILLs pid or signals an abort. */
typedef struct shm_delayed {
  unsigned delay_ms;
  pid_t pid;                 /* > 0: kill(pid, SIGKILL) */
  netipc_abort *abort;       /* else: netipc_abort_signal(abort) */
  pthread_t thread;
} shm_delayed;

void shm_delayed_start(shm_delayed *d);
void shm_delayed_join(shm_delayed *d);

#endif /* NETIPC_TESTS_SHM_HELPERS_H */
