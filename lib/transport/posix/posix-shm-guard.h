/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * posix-shm-guard.h - the process-wide SIGBUS guard over SHM mappings
 * (posix-shm-guard.c, doc/shm.md "A peer that truncates the region").
 *
 * A peer can ftruncate() a region file under our MAP_SHARED mapping; the
 * next touch of a page past the new end raises SIGBUS, which by default
 * kills the whole process and every other session with it. While at least
 * one mapping is registered, a SIGBUS handler is installed: a fault inside
 * a registered mapping replaces the mapping with anonymous zero pages and
 * marks that entry faulted, so the access completes on harmless memory and
 * the SHM code fails that one session with NETIPC_ERR_SHM_FAULT. Any other
 * SIGBUS goes to the handler that was installed before.
 */
#ifndef NETIPC_TRANSPORT_POSIX_SHM_GUARD_H
#define NETIPC_TRANSPORT_POSIX_SHM_GUARD_H

#include <stdbool.h>
#include <stddef.h>

#include <netipc/transport.h>

/* Mappings the guard can watch at once: a fixed table, because the signal
 * handler may neither allocate nor lock. More concurrent SHM sessions than
 * this in one process fail their creation or attach (Level 2 then serves
 * or connects on the baseline). */
#define NETIPC__SHM_GUARD_SLOTS 4096

/* The slot of a mapping the guard does not watch (guard turned off). */
#define NETIPC__SHM_GUARD_NONE (-1)

/*
 * Watch [base, base + len), a MAP_SHARED mapping of a region file, from
 * now until netipc__shm_guard_remove; installs the handler with the first
 * watched mapping. *slot is NETIPC__SHM_GUARD_NONE when the embedding
 * program turned the guard off (netipc_shm_sigbus_guard).
 * Errors: NOSPACE (table full), SYSTEM (sigaction failed).
 */
netipc_err netipc__shm_guard_add(void *base, size_t len, int *slot);

/*
 * Stop watching slot (NONE: nothing to do); call it before munmap(). Waits
 * for a handler that is remapping that range on another thread to finish,
 * so the range is never remapped after it was given back. The last removal
 * restores the previous SIGBUS disposition, unless someone replaced ours.
 */
void netipc__shm_guard_remove(int slot);

/* True once a SIGBUS hit the mapping of slot (NONE: never). An atomic
 * load, cheap enough for the wait loops. */
bool netipc__shm_guard_faulted(int slot);

/* True while the handler is installed (tests). */
bool netipc__shm_guard_installed(void);

#endif /* NETIPC_TRANSPORT_POSIX_SHM_GUARD_H */
