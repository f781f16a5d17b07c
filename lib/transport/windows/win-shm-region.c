/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Windows SHM regions (windows.md 4.1-4.3, 4.7, 5.2): the server creates
 * a pagefile-backed mapping and, for HYBRID, two auto-reset events, all
 * named after the session; the client attaches, checks the header and
 * copies what it needs once; either side closes by raising its closed
 * flag and waking the peer.
 *
 * The `extended` parameter (the POSIX netipc extension block,
 * doc/extensions.md) is ignored here: a Windows region always has the
 * reference layout, whoever the peer is.
 */
#include "config.h"

#include <string.h>

#include "common/alloc.h"
#include "transport/windows/win-shm-internal.h"

/* A name buffer: the longest name a peer derives, plus the NUL. */
#define NAME_CAP (NETIPC__WIN_NAME_MAX + 1u)
/* Access the client asks for on the events: set (wake) and wait. */
#define EVENT_ACCESS (EVENT_MODIFY_STATE | SYNCHRONIZE)

static uint64_t
align64(uint64_t x)
{
  return (x + NETIPC__WIN_SHM_ALIGN - 1u) &
         ~(uint64_t)(NETIPC__WIN_SHM_ALIGN - 1u);
}

static bool
is_aligned64(uint32_t x)
{
  return x % NETIPC__WIN_SHM_ALIGN == 0;
}

static bool
profile_ok(uint32_t profile)
{
  return profile == NETIPC_PROFILE_SHM_HYBRID ||
         profile == NETIPC_PROFILE_SHM_BUSYWAIT;
}

static void
close_handle(HANDLE *h)
{
  if (*h != NULL)
    CloseHandle(*h);
  *h = NULL;
}

/* Unmap and close without telling the peer: undoing a failed create or
 * attach, and the end of netipc__shm_destroy. */
static void
region_release(netipc__shm *shm)
{
  if (shm->hdr != NULL)
    UnmapViewOfFile(shm->hdr);
  shm->hdr = NULL;
  close_handle(&shm->req_event);
  close_handle(&shm->resp_event);
  close_handle(&shm->mapping);
}

void
netipc__shm_destroy(netipc__shm *shm)
{
  if (shm == NULL)
    return;
  if (shm->hdr != NULL) {
    /* 4.7: the flag first, then a fence, then the wake, so a peer woken
     * (or timing out a slice) sees the flag when it re-checks. */
    netipc__win_shm_header *h = shm->hdr;
    InterlockedExchange(shm->server ? &h->resp_server_closed
                                    : &h->req_client_closed,
                        1);
    MemoryBarrier();
    HANDLE peer_sleeps_on = shm->server ? shm->resp_event : shm->req_event;
    if (peer_sleeps_on != NULL)
      SetEvent(peer_sleeps_on);
  }
  region_release(shm);
  netipc__free(shm);
}

size_t
netipc__win_shm_in_cap(const netipc__shm *shm)
{
  return shm->server ? shm->req_cap : shm->resp_cap;
}

/* The wide name of one of the session's objects (windows.md 2.4). */
static netipc_err
object_name(const netipc__shm_params *p, const char *suffix, wchar_t *name)
{
  return netipc__win_shm_name(p, suffix, NULL, name, NAME_CAP);
}

/* ---- creation (server, 4.2) ------------------------------------------- */

/* The layout for the server's ceilings; INVALID_ARG when the mapping would
 * not fit 32 bits, so the handshake falls back to the pipe (5.1 step 2). */
static netipc_err
layout_plan(netipc__shm *shm, const netipc__shm_params *p, uint64_t *size)
{
  uint64_t req_cap = align64((uint64_t)NETIPC_HEADER_LEN + p->request_limit);
  uint64_t resp_cap = align64((uint64_t)NETIPC_HEADER_LEN + p->response_limit);
  uint64_t req_off = NETIPC__WIN_SHM_HEADER_LEN;
  uint64_t resp_off = align64(req_off + req_cap);
  *size = resp_off + resp_cap;
  if (*size > UINT32_MAX)
    return NETIPC_ERR_INVALID_ARG;
  shm->req_off = (uint32_t)req_off;
  shm->req_cap = (uint32_t)req_cap;
  shm->resp_off = (uint32_t)resp_off;
  shm->resp_cap = (uint32_t)resp_cap;
  return NETIPC_OK;
}

static netipc_err
create_error(DWORD err)
{
  /* Someone else's object has the name: ours (ALREADY_EXISTS), one we may
   * not open (ACCESS_DENIED), or one of another type (INVALID_HANDLE). */
  if (err == ERROR_ALREADY_EXISTS || err == ERROR_ACCESS_DENIED ||
      err == ERROR_INVALID_HANDLE)
    return NETIPC_ERR_ADDR_IN_USE;
  if (err == ERROR_NOT_ENOUGH_MEMORY || err == ERROR_COMMITMENT_LIMIT ||
      err == ERROR_DISK_FULL)
    return NETIPC_ERR_NOSPACE;
  return NETIPC_ERR_SYSTEM;
}

/* 4.2 step 2: a new mapping or nothing; an existing one is never adopted
 * (a stale client of a restarted server may still hold it). */
static netipc_err
create_mapping(netipc__shm *shm, const netipc__shm_params *p, uint64_t size)
{
  wchar_t name[NAME_CAP];
  netipc_err err = object_name(p, NETIPC__WIN_SHM_MAPPING, name);
  if (err != NETIPC_OK)
    return err;
  SetLastError(0);
  shm->mapping = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL,
                                    PAGE_READWRITE, (DWORD)(size >> 32),
                                    (DWORD)size, name);
  DWORD last = GetLastError();
  if (shm->mapping != NULL && last == ERROR_ALREADY_EXISTS)
    close_handle(&shm->mapping);
  return shm->mapping != NULL ? NETIPC_OK : create_error(last);
}

/* 4.2 step 3: zero everything, write the static fields, then a fence so
 * they are visible before the HELLO_ACK that lets a client attach. */
static netipc_err
create_view(netipc__shm *shm, uint64_t size)
{
  void *view = MapViewOfFile(shm->mapping, FILE_MAP_ALL_ACCESS, 0, 0,
                             (SIZE_T)size);
  if (view == NULL)
    return create_error(GetLastError());
  shm->hdr = view;
  memset(view, 0, (size_t)size);
  netipc__win_shm_header *h = shm->hdr;
  h->magic = NETIPC__WIN_SHM_MAGIC;
  h->version = NETIPC__WIN_SHM_VERSION;
  h->header_len = NETIPC__WIN_SHM_HEADER_LEN;
  h->profile = shm->profile;
  h->request_offset = shm->req_off;
  h->request_capacity = shm->req_cap;
  h->response_offset = shm->resp_off;
  h->response_capacity = shm->resp_cap;
  h->spin_tries = shm->spin_tries;
  MemoryBarrier();
  return NETIPC_OK;
}

/* 4.2 step 4: an auto-reset, initially clear event; a name already taken
 * is a failure, as for the mapping. */
static netipc_err
create_event(const netipc__shm_params *p, const char *suffix, HANDLE *out)
{
  wchar_t name[NAME_CAP];
  netipc_err err = object_name(p, suffix, name);
  if (err != NETIPC_OK)
    return err;
  SetLastError(0);
  *out = CreateEventW(NULL, FALSE, FALSE, name);
  DWORD last = GetLastError();
  if (*out != NULL && last == ERROR_ALREADY_EXISTS)
    close_handle(out);
  return *out != NULL ? NETIPC_OK : create_error(last);
}

static netipc_err
create_objects(netipc__shm *shm, const netipc__shm_params *p)
{
  uint64_t size;
  netipc_err err = layout_plan(shm, p, &size);
  if (err == NETIPC_OK)
    err = create_mapping(shm, p, size);
  if (err == NETIPC_OK)
    err = create_view(shm, size);
  if (err == NETIPC_OK && shm->profile == NETIPC_PROFILE_SHM_HYBRID)
    err = create_event(p, NETIPC__WIN_SHM_REQ_EVENT, &shm->req_event);
  if (err == NETIPC_OK && shm->profile == NETIPC_PROFILE_SHM_HYBRID)
    err = create_event(p, NETIPC__WIN_SHM_RESP_EVENT, &shm->resp_event);
  return err;
}

netipc_err
netipc__shm_server_open(const netipc__shm_params *p, netipc__shm **out)
{
  if (p == NULL || out == NULL)
    return NETIPC_ERR_INVALID_ARG;
  *out = NULL;
  if (!profile_ok(p->profile))
    return NETIPC_ERR_INVALID_ARG;
  netipc__shm *shm = netipc__calloc(1, sizeof *shm);
  if (shm == NULL)
    return NETIPC_ERR_NOMEM;
  shm->server = true;
  shm->profile = p->profile;
  shm->spin_tries = NETIPC__WIN_SHM_SPIN_TRIES;
  netipc_err err = create_objects(shm, p);
  if (err != NETIPC_OK) {
    region_release(shm); /* nobody can be attached: no close flag */
    netipc__free(shm);
    return err;
  }
  *out = shm;
  return NETIPC_OK;
}

/* ---- attach (client, 4.3, 5.2) ---------------------------------------- */

/* Outcome of one attach attempt: 5.2 says which failures are retried. */
typedef enum { ATTACH_OK, ATTACH_RETRY, ATTACH_FAIL } attach_result;

static attach_result
open_error(DWORD err)
{
  return err == ERROR_FILE_NOT_FOUND ? ATTACH_RETRY : ATTACH_FAIL;
}

/* Bytes of the view the kernel says are mapped from its base. */
static size_t
view_size(const void *view)
{
  MEMORY_BASIC_INFORMATION mbi;
  if (VirtualQuery(view, &mbi, sizeof mbi) != sizeof mbi ||
      mbi.BaseAddress != view || mbi.State != MEM_COMMIT)
    return 0;
  return mbi.RegionSize;
}

/* 4.3 step 3 on fields read once into shm, plus the view coverage check
 * and ours that each area holds 32 + the agreed limit of its direction. */
static attach_result
attach_check_layout(const netipc__shm *shm, const netipc__shm_params *p,
                    size_t mapped)
{
  if (shm->req_off == 0 || shm->req_cap == 0 || shm->resp_off == 0 ||
      shm->resp_cap == 0 || shm->req_off < NETIPC__WIN_SHM_HEADER_LEN ||
      shm->resp_off < NETIPC__WIN_SHM_HEADER_LEN)
    return ATTACH_FAIL;
  if (!is_aligned64(shm->req_off) || !is_aligned64(shm->req_cap) ||
      !is_aligned64(shm->resp_off) || !is_aligned64(shm->resp_cap))
    return ATTACH_FAIL;
  uint64_t req_end = (uint64_t)shm->req_off + shm->req_cap;
  uint64_t resp_end = (uint64_t)shm->resp_off + shm->resp_cap;
  if (req_end > UINT32_MAX || resp_end > UINT32_MAX ||
      shm->resp_off < req_end || resp_end > mapped)
    return ATTACH_FAIL;
  if (shm->req_cap < (uint64_t)NETIPC_HEADER_LEN + p->request_limit ||
      shm->resp_cap < (uint64_t)NETIPC_HEADER_LEN + p->response_limit)
    return ATTACH_FAIL;
  return ATTACH_OK;
}

/* Copy the static fields out of the view once and judge them. */
static attach_result
attach_header(netipc__shm *shm, const netipc__shm_params *p, size_t mapped)
{
  if (mapped < NETIPC__WIN_SHM_HEADER_LEN)
    return ATTACH_FAIL;
  /* volatile: each field is read exactly once, into shm, and only the
   * copies are checked and used. */
  const volatile netipc__win_shm_header *h = shm->hdr;
  /* Not yet written: the server may still be initialising (5.2). */
  if (h->magic != NETIPC__WIN_SHM_MAGIC)
    return ATTACH_RETRY;
  if (h->version != NETIPC__WIN_SHM_VERSION ||
      h->header_len != NETIPC__WIN_SHM_HEADER_LEN || h->profile != p->profile)
    return ATTACH_FAIL;
  shm->req_off = h->request_offset;
  shm->req_cap = h->request_capacity;
  shm->resp_off = h->response_offset;
  shm->resp_cap = h->response_capacity;
  uint32_t spin = h->spin_tries;
  shm->spin_tries = spin < NETIPC__WIN_SHM_SPIN_TRIES_MAX
                        ? spin
                        : NETIPC__WIN_SHM_SPIN_TRIES_MAX;
  return attach_check_layout(shm, p, mapped);
}

static attach_result
attach_event(const netipc__shm_params *p, const char *suffix, HANDLE *out)
{
  wchar_t name[NAME_CAP];
  if (object_name(p, suffix, name) != NETIPC_OK)
    return ATTACH_FAIL; /* the mapping's name was fine: cannot happen */
  *out = OpenEventW(EVENT_ACCESS, FALSE, name);
  return *out != NULL ? ATTACH_OK : open_error(GetLastError());
}

static attach_result
attach_once(netipc__shm *shm, const netipc__shm_params *p,
            const wchar_t *mapping_name)
{
  shm->mapping = OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, mapping_name);
  if (shm->mapping == NULL)
    return open_error(GetLastError());
  shm->hdr = MapViewOfFile(shm->mapping, FILE_MAP_ALL_ACCESS, 0, 0, 0);
  if (shm->hdr == NULL)
    return ATTACH_FAIL;
  MemoryBarrier(); /* pairs with the server's after the static fields */
  attach_result r = attach_header(shm, p, view_size(shm->hdr));
  if (r == ATTACH_OK && p->profile == NETIPC_PROFILE_SHM_HYBRID)
    r = attach_event(p, NETIPC__WIN_SHM_REQ_EVENT, &shm->req_event);
  if (r == ATTACH_OK && p->profile == NETIPC_PROFILE_SHM_HYBRID)
    r = attach_event(p, NETIPC__WIN_SHM_RESP_EVENT, &shm->resp_event);
  return r;
}

/* Retry every 5 ms for up to 5 s while the objects are not there yet
 * (5.2), ending early at the connect's own deadline or abort.
 * Errors: SHM_ATTACH, TIMEOUT, ABORTED. */
static netipc_err
attach_retrying(netipc__shm *shm, const netipc__shm_params *p,
                const wchar_t *mapping_name)
{
  uint64_t budget = netipc__deadline(NETIPC__WIN_SHM_ATTACH_TIMEOUT_MS);
  for (;;) {
    attach_result r = attach_once(shm, p, mapping_name);
    if (r == ATTACH_OK)
      return NETIPC_OK;
    region_release(shm);
    uint32_t left;
    if (r == ATTACH_FAIL || netipc__deadline_left(budget, &left) != NETIPC_OK)
      return NETIPC_ERR_SHM_ATTACH;
    if (netipc__deadline_left(p->deadline, &left) != NETIPC_OK)
      return NETIPC_ERR_TIMEOUT;
    /* The abort's event, when there is one, ends the pause at once. */
    HANDLE ev = netipc__abort_event(p->abort);
    if (ev == NULL)
      Sleep(NETIPC__WIN_SHM_ATTACH_RETRY_MS);
    else if (WaitForSingleObject(ev, NETIPC__WIN_SHM_ATTACH_RETRY_MS) !=
             WAIT_TIMEOUT)
      return NETIPC_ERR_ABORTED;
  }
}

netipc_err
netipc__shm_client_open(const netipc__shm_params *p, netipc__shm **out)
{
  if (p == NULL || out == NULL)
    return NETIPC_ERR_INVALID_ARG;
  *out = NULL;
  if (!profile_ok(p->profile))
    return NETIPC_ERR_SHM_ATTACH;
  wchar_t mapping_name[NAME_CAP];
  netipc_err err = object_name(p, NETIPC__WIN_SHM_MAPPING, mapping_name);
  if (err != NETIPC_OK)
    return err == NETIPC_ERR_INVALID_ARG ? NETIPC_ERR_SHM_ATTACH : err;
  netipc__shm *shm = netipc__calloc(1, sizeof *shm);
  if (shm == NULL)
    return NETIPC_ERR_NOMEM;
  shm->server = false;
  shm->profile = p->profile;
  err = attach_retrying(shm, p, mapping_name);
  if (err != NETIPC_OK) {
    netipc__free(shm); /* attach_retrying released everything */
    return err;
  }
  /* 4.3 step 4: what was published before we came is not ours to read. */
  shm->req_local = netipc__win_load_acquire64(&shm->hdr->req_seq);
  shm->resp_local = netipc__win_load_acquire64(&shm->hdr->resp_seq);
  *out = shm;
  return NETIPC_OK;
}

/* A section backed by the paging file cannot be truncated under a view, so
 * no peer can make a mapped region fault: there is no guard to switch. */
void
netipc_shm_sigbus_guard(bool enable)
{
  (void)enable;
}
