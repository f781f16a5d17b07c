/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * win-internal.h - what the Windows transport files share: the Win32
 * headers with the API level they need, the abort handle, waits that an
 * abort or a deadline ends, error mapping, object names, and the session
 * and listener layouts around the portable cores (windows.md 2, 3, 8).
 */
#ifndef NETIPC_TRANSPORT_WIN_INTERNAL_H
#define NETIPC_TRANSPORT_WIN_INTERNAL_H

/* GetTickCount64, CancelIoEx and CancelSynchronousIo (windows.md 8);
 * older MinGW-w64 headers default lower. */
#if !defined(_WIN32_WINNT) || _WIN32_WINNT < 0x0600
#undef _WIN32_WINNT
#define _WIN32_WINNT 0x0600
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <stddef.h>

#include <netipc/transport.h>

#include "common/compiler.h"
#include "transport/handshake-internal.h"
#include "transport/platform.h"
#include "transport/session-internal.h"

/* ---- handles ---------------------------------------------------------- */

static inline HANDLE
netipc__win_handle(netipc_os_handle h)
{
  return (HANDLE)h;
}

static inline netipc_os_handle
netipc__os_handle(HANDLE h)
{
  return (netipc_os_handle)h;
}

/* ---- acquire loads (windows.md 8) -------------------------------------- */

/*
 * The one place acquire loads are spelled. MSVC has ReadAcquire and
 * ReadAcquire64; MinGW-w64 10 headers lack them, so GCC uses its own
 * builtins. Stores go through Interlocked* (full barriers), so a store
 * followed by one of these loads is ordered too.
 */
#if defined(_MSC_VER)
static inline LONG
netipc__win_load_acquire32(const volatile LONG *p)
{
  return ReadAcquire(p);
}

static inline LONG64
netipc__win_load_acquire64(const volatile LONG64 *p)
{
  return ReadAcquire64(p);
}
#else
static inline LONG
netipc__win_load_acquire32(const volatile LONG *p)
{
  return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline LONG64
netipc__win_load_acquire64(const volatile LONG64 *p)
{
  return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}
#endif

/* ---- abort (win-abort.c) ---------------------------------------------- */

/* A manual-reset event plus a flag: signal sets both, clear resets both
 * (windows.md 3.7). */
struct netipc_abort {
  HANDLE event;
  volatile LONG signalled;
};

/* The event a wait adds to its handles, or NULL without an abort. */
static inline HANDLE
netipc__abort_event(const netipc_abort *a)
{
  return a != NULL ? a->event : NULL;
}

/*
 * Wait until h is signalled, abort fires or deadline (0: none) passes.
 * An abort signalled before the call wins. Errors: ABORTED, TIMEOUT,
 * SYSTEM.
 */
netipc_err netipc__win_wait(HANDLE h, uint64_t deadline,
                            const netipc_abort *abort);

/* The timeout in ms a Win32 wait takes for deadline (INFINITE for 0).
 * Errors: TIMEOUT when it has passed. */
netipc_err netipc__win_wait_ms(uint64_t deadline, DWORD *ms);

/* ---- errors (win-pipe-io.c) ------------------------------------------- */

/* GetLastError() values to netipc errors: the "peer is gone" family
 * (windows.md 3.8) is DISCONNECTED, the rest SYSTEM. */
netipc_err netipc__win_error(DWORD err);

/* ---- names (win-names.c; windows.md 2) -------------------------------- */

#define NETIPC__FNV1A64_INIT 0xcbf29ce484222325ull
#define NETIPC__FNV1A64_PRIME 0x00000100000001b3ull

/* Longest object name, NUL excluded, a peer derives (windows.md 2.6). */
#define NETIPC__WIN_NAME_MAX 255u
/* Longest run_dir a truncating reference service layer keeps. */
#define NETIPC__WIN_RUN_DIR_MAX 255u
/* Longest service name a truncating reference service layer keeps. */
#define NETIPC__WIN_SERVICE_MAX 127u

/* Continue an FNV-1a 64 hash h over n bytes of p. */
uint64_t netipc__fnv1a64(uint64_t h, const void *p, size_t n);

/*
 * The pipe name \\.\pipe\netipc-<H>-<service> (2.3), as ASCII into buf
 * and widened into wbuf (either may be NULL), each of cap units with the
 * NUL. Errors: INVALID_ARG, BAD_NAME, PATH_TOO_LONG.
 */
netipc_err netipc__win_pipe_name(const char *run_dir, const char *service,
                                 char *buf, wchar_t *wbuf, size_t cap);

/*
 * The SHM object name Local\netipc-<K>-<service>-p<P>-s<S>-<suffix> (2.4)
 * for p's run dir, service, auth token, profile and session id.
 * Errors: INVALID_ARG (K == 0 or a profile other than 2/4), BAD_NAME,
 * PATH_TOO_LONG.
 */
netipc_err netipc__win_shm_name(const netipc__shm_params *p,
                                const char *suffix, char *buf, wchar_t *wbuf,
                                size_t cap);

#endif /* NETIPC_TRANSPORT_WIN_INTERNAL_H */
