/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The abort handle on Windows (windows.md 3.7): an unnamed manual-reset
 * event that waits add to their handles, plus a flag that polling loops
 * read without a system call. Signal sets both, clear resets both; the
 * abort stays in effect until cleared. Also the waits that an abort or a
 * deadline ends.
 */
#include "config.h"

#include "common/alloc.h"
#include "transport/windows/win-internal.h"

/* CreateEventW arguments: a manual-reset event, created unsignalled. */
#define ABORT_MANUAL_RESET TRUE
#define ABORT_INITIALLY_SET FALSE
/* The abort event, when there is one, comes first: when both are set
 * the lowest index is reported, so an abort always wins over data. */
#define WAIT_INDEX_ABORT 0u
#define WAIT_HANDLES 2u

netipc_err
netipc_abort_create(netipc_abort **out)
{
  if (out == NULL)
    return NETIPC_ERR_INVALID_ARG;
  netipc_abort *a = netipc__malloc(sizeof *a);
  if (a == NULL)
    return NETIPC_ERR_NOMEM;
  a->event = CreateEventW(NULL, ABORT_MANUAL_RESET, ABORT_INITIALLY_SET, NULL);
  if (a->event == NULL) {
    netipc__free(a);
    return NETIPC_ERR_SYSTEM;
  }
  (void)InterlockedExchange(&a->signalled, 0);
  *out = a;
  return NETIPC_OK;
}

/* Flag first, then the event: whoever wakes on the event sees the flag. */
void
netipc_abort_signal(netipc_abort *a)
{
  if (a == NULL)
    return;
  (void)InterlockedExchange(&a->signalled, 1);
  (void)SetEvent(a->event);
}

void
netipc_abort_clear(netipc_abort *a)
{
  if (a == NULL)
    return;
  (void)InterlockedExchange(&a->signalled, 0);
  (void)ResetEvent(a->event);
}

bool
netipc_abort_is_signalled(const netipc_abort *a)
{
  return a != NULL && netipc__win_load_acquire32(&a->signalled) != 0;
}

void
netipc_abort_destroy(netipc_abort *a)
{
  if (a == NULL)
    return;
  CloseHandle(a->event);
  netipc__free(a);
}

netipc_err
netipc__win_wait_ms(uint64_t deadline, DWORD *ms)
{
  uint32_t left;
  netipc_err err = netipc__deadline_left(deadline, &left);
  if (err != NETIPC_OK)
    return err;
  if (deadline == 0) {
    *ms = INFINITE;
    return NETIPC_OK;
  }
  /* A finite deadline never becomes INFINITE; a capped wait re-checks. */
  *ms = left >= INFINITE ? INFINITE - 1 : (DWORD)left;
  return NETIPC_OK;
}

netipc_err
netipc__win_wait(HANDLE h, uint64_t deadline, const netipc_abort *abort)
{
  HANDLE hs[WAIT_HANDLES];
  DWORD n = 0;
  HANDLE abort_event = netipc__abort_event(abort);
  if (abort_event != NULL)
    hs[n++] = abort_event;
  const DWORD h_index = n;
  hs[n++] = h;
  for (;;) {
    if (netipc_abort_is_signalled(abort))
      return NETIPC_ERR_ABORTED;
    DWORD ms;
    netipc_err err = netipc__win_wait_ms(deadline, &ms);
    if (err != NETIPC_OK)
      return err;
    DWORD rc = WaitForMultipleObjects(n, hs, FALSE, ms);
    if (rc == WAIT_OBJECT_0 + h_index)
      return NETIPC_OK;
    if (abort_event != NULL && rc == WAIT_OBJECT_0 + WAIT_INDEX_ABORT)
      return NETIPC_ERR_ABORTED;
    if (rc != WAIT_TIMEOUT)
      return NETIPC_ERR_SYSTEM; /* WAIT_FAILED or an abandoned mutex */
    /* Timed out: the deadline check at the top decides. */
  }
}
