/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * soak-server.h - the server side of the soak: a fork()ed child process
 * running the three managed servers (INCREMENT, STRING_REVERSE and
 * CGROUPS_SNAPSHOT; a managed server serves one method), so that its
 * /proc/<pid>/status and /proc/<pid>/fd are the server's own. The child
 * publishes its live session count in a shared page; closing the control
 * pipe (or the parent dying) makes it destroy the servers and exit.
 */
#ifndef NETIPC_TESTS_SOAK_SERVER_H
#define NETIPC_TESTS_SOAK_SERVER_H

#include "tp-atomic.h"
#include <stddef.h>
#include <sys/types.h>

/* What the child publishes (a MAP_SHARED page). */
typedef struct soak_shared {
  atomic_uint ready;    /* 1: listening; 2: start-up failed */
  atomic_uint sessions; /* live sessions of the three servers */
} soak_shared;

typedef struct soak_server {
  pid_t pid;
  int ctl;              /* write end of the control pipe */
  soak_shared *shared;
} soak_server;

/*
 * Fork the server process for run directory dir (SHM offered when shm is
 * 1) and wait until it listens. Call before the parent starts any thread.
 * Bails out when the child cannot start.
 */
void soak_server_spawn(soak_server *s, const char *dir, int shm);

/* Live sessions of the server process (refreshed every few ms). */
unsigned soak_server_sessions(const soak_server *s);

/*
 * Tell the child to stop, wait up to timeout_ms for it (then SIGKILL it)
 * and return its wait status text into why (cap bytes): 0 when it exited
 * with status 0, -1 otherwise.
 */
int soak_server_stop(soak_server *s, int timeout_ms, char *why, size_t cap);

#endif /* NETIPC_TESTS_SOAK_SERVER_H */
