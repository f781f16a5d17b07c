/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * soak-proc.h - what the soak measures of the server process, from
 * Linux's /proc: resident memory (VmRSS of /proc/<pid>/status), open
 * descriptors (the entries of /proc/<pid>/fd) and threads (Threads:).
 */
#ifndef NETIPC_TESTS_SOAK_PROC_H
#define NETIPC_TESTS_SOAK_PROC_H

#include <sys/types.h>

typedef struct soak_sample {
  long rss_kb;
  /* Its parts (diagnostics): private memory, mapped files (the SHM
   * regions live in files), shared memory. -1 when the kernel lacks them. */
  long anon_kb, file_kb, shmem_kb;
  int fds;
  int threads;
} soak_sample;

/* 0 with *out filled, -1 when the process or /proc is not there. */
int soak_proc_sample(pid_t pid, soak_sample *out);

/* Running extremes of the per-second samples. */
typedef struct soak_range {
  soak_sample min, max;
  unsigned n;
} soak_range;

void soak_range_add(soak_range *r, const soak_sample *s);

#endif /* NETIPC_TESTS_SOAK_PROC_H */
