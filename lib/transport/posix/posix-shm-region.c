/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * SHM region files: creation with O_EXCL + fallocate, client attach with
 * validation, stale detection and startup cleanup (posix-shm.md 2-6, 11).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "codec/codec-internal.h"
#include "common/alloc.h"
#include "transport/posix/posix-shm-internal.h"

/* Header field offsets (posix-shm.md 3.1). */
enum {
  RG_MAGIC = 0,
  RG_VERSION = 4,
  RG_HEADER_LEN = 6,
  RG_OWNER_PID = 8,
  RG_OWNER_GEN = 12,
  RG_REQ_OFF = 16,
  RG_REQ_CAP = 20,
  RG_RESP_OFF = 24,
  RG_RESP_CAP = 28
};

#define NS_TO_GENERATION_SHIFT 10
#define REGION_FILE_MODE 0600

static uint64_t
align64(uint64_t x)
{
  return (x + NETIPC__SHM_ALIGN - 1) & ~(uint64_t)(NETIPC__SHM_ALIGN - 1);
}

/* "<service>-<sid:016x>.ipcshm", the entry name inside run_dir. */
static netipc_err
region_entry(const char *run_dir, const char *service, uint64_t session_id,
             char *entry, size_t cap)
{
  netipc_err err = netipc_service_name_check(service);
  if (err != NETIPC_OK)
    return err;
  int n = snprintf(entry, cap, "%s-%016" PRIx64 "%s", service, session_id,
                   NETIPC__SHM_SUFFIX);
  if (n < 0 || (size_t)n >= cap ||
      strlen(run_dir) + 1 + (size_t)n >= NETIPC__SHM_PATH_MAX)
    return NETIPC_ERR_PATH_TOO_LONG;
  return NETIPC_OK;
}

/* Unlink entry if it is still the file we examined (dev/ino match). */
static bool
region_remove_if_same(int dir, const char *entry, const struct stat *st)
{
  struct stat now;
  if (fstatat(dir, entry, &now, AT_SYMLINK_NOFOLLOW) != 0)
    return errno == ENOENT;
  if (now.st_dev != st->st_dev || now.st_ino != st->st_ino)
    return false;
  int rc = unlinkat(dir, entry, 0);
  /* A directory opens fine with O_RDONLY and is junk too (step 3). */
  if (rc != 0 && errno == EISDIR)
    rc = unlinkat(dir, entry, AT_REMOVEDIR);
  return rc == 0 || errno == ENOENT;
}

/* Remove a name we could not open (posix-shm.md 11 step 1). */
static bool
region_remove_junk(int dir, const char *entry)
{
  int rc = unlinkat(dir, entry, 0);
  if (rc != 0 && errno == EISDIR)
    rc = unlinkat(dir, entry, AT_REMOVEDIR);
  return rc == 0 || errno == ENOENT;
}

static bool
region_owner_alive(const uint8_t *hdr)
{
  int32_t pid = (int32_t)netipc__ld32(hdr + RG_OWNER_PID);
  uint32_t generation = netipc__ld32(hdr + RG_OWNER_GEN);
  if (pid <= 0 || generation == 0)
    return false;
  return kill(pid, 0) == 0 || errno == EPERM;
}

/*
 * The stale check of posix-shm.md 11 on one entry. Returns true when the
 * name is free afterwards (nothing there, or removed), false when it is
 * (or must be treated as) live.
 */
static bool
region_reclaim(int dir, const char *entry)
{
  /* O_NONBLOCK: a FIFO planted under the name must not block open;
   * fstat below refuses it. */
  int fd = openat(dir, entry, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT)
      return true;
    if (errno == EMFILE || errno == ENFILE)
      return false;
    return region_remove_junk(dir, entry);
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    return false;
  }
  bool live = false;
  /* pread, not a mapping: a file someone truncates while we look at it
   * makes the read short instead of raising SIGBUS. */
  uint8_t hdr[NETIPC__SHM_HEADER_LEN];
  if (S_ISREG(st.st_mode) && st.st_size >= (off_t)NETIPC__SHM_HEADER_LEN &&
      pread(fd, hdr, sizeof hdr, 0) == (ssize_t)sizeof hdr)
    live = netipc__ld32(hdr + RG_MAGIC) == NETIPC__SHM_MAGIC &&
           region_owner_alive(hdr);
  close(fd);
  return !live && region_remove_if_same(dir, entry, &st);
}

unsigned
netipc__shm_cleanup(const char *run_dir, const char *service)
{
  if (run_dir == NULL || netipc_service_name_check(service) != NETIPC_OK)
    return 0;
  DIR *d = opendir(run_dir);
  if (d == NULL)
    return 0;
  size_t prefix = strlen(service), suffix = strlen(NETIPC__SHM_SUFFIX);
  unsigned removed = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t len = strlen(e->d_name);
    if (len <= prefix + 1 + suffix ||
        strncmp(e->d_name, service, prefix) != 0 || e->d_name[prefix] != '-' ||
        strcmp(e->d_name + len - suffix, NETIPC__SHM_SUFFIX) != 0)
      continue;
    int exists = faccessat(dirfd(d), e->d_name, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
    if (region_reclaim(dirfd(d), e->d_name) && exists)
      removed++;
  }
  closedir(d);
  return removed;
}

static uint32_t
region_generation(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  uint32_t g = (uint32_t)((uint64_t)ts.tv_sec ^
                          ((uint64_t)ts.tv_nsec >> NS_TO_GENERATION_SHIFT));
  return g != 0 ? g : 1; /* 0 would mark the region reclaimable */
}

static void
region_write_header(netipc__shm *shm)
{
  uint8_t *h = shm->base;
  memset(h, 0, shm->size);
  netipc__st32(h + RG_MAGIC, NETIPC__SHM_MAGIC);
  netipc__st16(h + RG_VERSION, NETIPC__SHM_VERSION);
  netipc__st16(h + RG_HEADER_LEN, NETIPC__SHM_HEADER_LEN);
  netipc__st32(h + RG_OWNER_PID, (uint32_t)getpid());
  netipc__st32(h + RG_OWNER_GEN, region_generation());
  netipc__st32(h + RG_REQ_OFF, shm->req_off);
  netipc__st32(h + RG_REQ_CAP, shm->req_cap);
  netipc__st32(h + RG_RESP_OFF, shm->resp_off);
  netipc__st32(h + RG_RESP_CAP, shm->resp_cap);
  atomic_thread_fence(memory_order_release);
}

/* openat O_EXCL, with one stale check and retry on EEXIST (5.2 step 4). */
static netipc_err
region_open_excl(int dir, const char *entry, int *fd)
{
  const int flags = O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  *fd = openat(dir, entry, flags, REGION_FILE_MODE);
  if (*fd < 0 && errno == EEXIST) {
    if (!region_reclaim(dir, entry))
      return NETIPC_ERR_ADDR_IN_USE;
    *fd = openat(dir, entry, flags, REGION_FILE_MODE);
  }
  return *fd >= 0 ? NETIPC_OK : NETIPC_ERR_SYSTEM;
}

/*
 * Map shm->size bytes of shm->fd shared, under the SIGBUS guard from the
 * first byte we touch: the peer may truncate the file at any moment, even
 * before we validated it. Errors: SYSTEM, NOSPACE (the guard is full).
 */
static netipc_err
region_map(netipc__shm *shm)
{
  void *map = mmap(NULL, shm->size, PROT_READ | PROT_WRITE, MAP_SHARED,
                   shm->fd, 0);
  if (map == MAP_FAILED)
    return NETIPC_ERR_SYSTEM;
  netipc_err err = netipc__shm_guard_add(map, shm->size, &shm->guard_slot);
  if (err != NETIPC_OK) {
    munmap(map, shm->size);
    return err;
  }
  shm->base = map;
  return NETIPC_OK;
}

/* Undo region_map: the guard lets go of the range before munmap does. */
static void
region_unmap(netipc__shm *shm)
{
  if (shm->base == NULL)
    return;
  netipc__shm_guard_remove(shm->guard_slot);
  munmap(shm->base, shm->size);
  shm->base = NULL;
  shm->guard_slot = NETIPC__SHM_GUARD_NONE;
}

/* Allocate every block (never sparse: no SIGBUS from a full filesystem
 * later) and map. */
static netipc_err
region_allocate(netipc__shm *shm)
{
  int rc;
  do
    rc = fallocate(shm->fd, 0, 0, (off_t)shm->size);
  while (rc != 0 && errno == EINTR);
  if (rc != 0)
    return NETIPC_ERR_NOSPACE;
  return region_map(shm);
}

static netipc_err
region_new(const char *run_dir, const char *service, uint64_t session_id,
           netipc__shm **out, char *entry, size_t entry_cap)
{
  netipc_err err = region_entry(run_dir, service, session_id, entry, entry_cap);
  if (err != NETIPC_OK)
    return err;
  netipc__shm *shm = netipc__calloc(1, sizeof *shm);
  if (shm == NULL)
    return NETIPC_ERR_NOMEM;
  shm->fd = -1;
  shm->guard_slot = NETIPC__SHM_GUARD_NONE;
  netipc__shm_spin_init(shm);
  int n = snprintf(shm->path, sizeof shm->path, "%s/%s", run_dir, entry);
  if (n < 0 || (size_t)n >= sizeof shm->path) {
    netipc__free(shm);
    return NETIPC_ERR_PATH_TOO_LONG;
  }
  *out = shm;
  return NETIPC_OK;
}

/* The extension block: right after the response area (doc/extensions.md). */
static _Atomic uint32_t *
region_ext(netipc__shm *shm)
{
  return (_Atomic uint32_t *)(shm->base + shm->resp_off + shm->resp_cap);
}

netipc_err
netipc__shm_layout(netipc__shm *shm, uint32_t rq_max, uint32_t rs_max,
                   bool extended)
{
  uint64_t req_cap = align64((uint64_t)NETIPC_HEADER_LEN + rq_max);
  uint64_t resp_cap = align64((uint64_t)NETIPC_HEADER_LEN + rs_max);
  uint64_t ext_len = extended ? NETIPC__SHM_EXT_LEN : 0;
  if (NETIPC__SHM_HEADER_LEN + req_cap + resp_cap + ext_len > UINT32_MAX)
    return NETIPC_ERR_INVALID_ARG;
  shm->req_off = NETIPC__SHM_HEADER_LEN;
  shm->req_cap = (uint32_t)req_cap;
  shm->resp_off = (uint32_t)(NETIPC__SHM_HEADER_LEN + req_cap);
  shm->resp_cap = (uint32_t)resp_cap;
  shm->size = (size_t)(NETIPC__SHM_HEADER_LEN + req_cap + resp_cap + ext_len);
  return NETIPC_OK;
}

netipc_err
netipc__shm_create(const char *run_dir, const char *service,
                   uint64_t session_id, uint32_t rq_max, uint32_t rs_max,
                   bool extended, netipc__shm **out)
{
  netipc__shm probe; /* the layout is checked before anything is made */
  if (run_dir == NULL || out == NULL ||
      netipc__shm_layout(&probe, rq_max, rs_max, extended) != NETIPC_OK)
    return NETIPC_ERR_INVALID_ARG;
  char entry[NETIPC__SHM_PATH_MAX];
  netipc__shm *shm;
  netipc_err err = region_new(run_dir, service, session_id, &shm, entry,
                              sizeof entry);
  if (err != NETIPC_OK)
    return err;
  shm->owner = true;
  shm->role = NETIPC_ROLE_SERVER;
  (void)netipc__shm_layout(shm, rq_max, rs_max, extended);

  int dir = open(run_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  err = dir < 0 ? NETIPC_ERR_SYSTEM : region_open_excl(dir, entry, &shm->fd);
  if (err == NETIPC_OK && (err = region_allocate(shm)) != NETIPC_OK)
    unlinkat(dir, entry, 0);
  if (dir >= 0)
    close(dir);
  if (err != NETIPC_OK) {
    shm->owner = false; /* the file is gone or was never ours */
    netipc__shm_destroy(shm);
    return err;
  }
  region_write_header(shm);
  if (extended)
    shm->ext = region_ext(shm);
  *out = shm;
  return NETIPC_OK;
}

void
netipc__shm_destroy(netipc__shm *shm)
{
  if (shm == NULL)
    return;
  region_unmap(shm);
  if (shm->fd >= 0)
    close(shm->fd);
  if (shm->owner)
    unlink(shm->path);
  netipc__free(shm);
}

/* Outcome of one attach attempt (posix-shm.md 6.1 decides what retries). */
typedef enum { ATTACH_OK, ATTACH_RETRY, ATTACH_FAIL } attach_result;

/* Steps 5-8 of posix-shm.md 6 on a mapped region, plus our own check that
 * the areas hold 32 + the agreed limits. */
static attach_result
attach_validate(netipc__shm *shm, uint32_t rq_limit, uint32_t rs_limit,
                bool extended)
{
  const uint8_t *h = shm->base;
  if (netipc__ld32(h + RG_MAGIC) != NETIPC__SHM_MAGIC)
    return ATTACH_RETRY;
  if (netipc__ld16(h + RG_VERSION) != NETIPC__SHM_VERSION ||
      netipc__ld16(h + RG_HEADER_LEN) != NETIPC__SHM_HEADER_LEN)
    return ATTACH_FAIL;
  shm->req_off = netipc__ld32(h + RG_REQ_OFF);
  shm->req_cap = netipc__ld32(h + RG_REQ_CAP);
  shm->resp_off = netipc__ld32(h + RG_RESP_OFF);
  shm->resp_cap = netipc__ld32(h + RG_RESP_CAP);
  if (shm->req_off < NETIPC__SHM_HEADER_LEN ||
      shm->resp_off < NETIPC__SHM_HEADER_LEN || shm->req_cap == 0 ||
      shm->resp_cap == 0)
    return ATTACH_RETRY;
  uint64_t req_end = (uint64_t)shm->req_off + shm->req_cap;
  uint64_t resp_end = (uint64_t)shm->resp_off + shm->resp_cap;
  if (req_end > UINT32_MAX || (shm->req_off | shm->req_cap | shm->resp_off |
                               shm->resp_cap) % NETIPC__SHM_ALIGN != 0 ||
      shm->resp_off < align64(req_end))
    return ATTACH_FAIL;
  /* Exactly the size the header describes (the reference layout ends with
   * the response area, an extended one with the extension block): a
   * shorter file was truncated, a longer one was not made by a server. */
  if (resp_end + (extended ? NETIPC__SHM_EXT_LEN : 0) != shm->size)
    return ATTACH_FAIL;
  if (shm->req_cap < (uint64_t)NETIPC_HEADER_LEN + rq_limit ||
      shm->resp_cap < (uint64_t)NETIPC_HEADER_LEN + rs_limit)
    return ATTACH_FAIL;
  return ATTACH_OK;
}

static attach_result
attach_once(int dir, const char *entry, netipc__shm *shm, uint32_t rq_limit,
            uint32_t rs_limit, bool extended, uid_t owner)
{
  /* Not there yet is the only reason to try again; a symlink (ELOOP) or a
   * file we may not open is never the server's region. */
  shm->fd = openat(dir, entry, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (shm->fd < 0)
    return errno == ENOENT ? ATTACH_RETRY : ATTACH_FAIL;
  struct stat st;
  /* The server makes a regular file 0600 (posix-shm.md 4) as the uid the
   * session socket's peer runs as: anything else was planted or widened
   * by someone else. */
  if (fstat(shm->fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      st.st_uid != owner || (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    return ATTACH_FAIL;
  if (st.st_size < (off_t)NETIPC__SHM_HEADER_LEN)
    return ATTACH_RETRY;
  shm->size = (size_t)st.st_size;
  if (region_map(shm) != NETIPC_OK)
    return ATTACH_FAIL;
  atomic_thread_fence(memory_order_acquire);
  return attach_validate(shm, rq_limit, rs_limit, extended);
}

/* Undo a failed attempt so the next one starts clean. */
static void
attach_reset(netipc__shm *shm)
{
  region_unmap(shm);
  if (shm->fd >= 0)
    close(shm->fd);
  shm->fd = -1;
}

/*
 * A client's counters, read once at attach: nothing published before
 * counts as new (posix-shm.md 6 step 9), and its own request sequence and
 * signal continue from what the region holds.
 */
static void
region_sync_counters(netipc__shm *shm)
{
  shm->recv_seen = atomic_load_explicit(
      (_Atomic uint64_t *)(shm->base + NETIPC__SHM_RESP_SEQ),
      memory_order_acquire);
  shm->send_seq = atomic_load_explicit(
      (_Atomic uint64_t *)(shm->base + NETIPC__SHM_REQ_SEQ),
      memory_order_relaxed);
  shm->send_signal = atomic_load_explicit(
      (_Atomic uint32_t *)(shm->base + NETIPC__SHM_REQ_SIGNAL),
      memory_order_relaxed);
}


netipc_err
netipc__shm_attach_owned(const char *run_dir, const char *service,
                         uint64_t session_id, uint32_t rq_limit,
                         uint32_t rs_limit, bool extended, uid_t owner,
                         netipc__shm **out)
{
  if (run_dir == NULL || out == NULL)
    return NETIPC_ERR_INVALID_ARG;
  char entry[NETIPC__SHM_PATH_MAX];
  netipc__shm *shm;
  netipc_err err = region_new(run_dir, service, session_id, &shm, entry,
                              sizeof entry);
  if (err != NETIPC_OK)
    return err;
  shm->role = NETIPC_ROLE_CLIENT;
  int dir = open(run_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  attach_result r = dir < 0 ? ATTACH_FAIL : ATTACH_RETRY;
  uint64_t deadline = netipc__deadline(NETIPC__SHM_ATTACH_TIMEOUT_MS);
  while (r == ATTACH_RETRY) {
    r = attach_once(dir, entry, shm, rq_limit, rs_limit, extended, owner);
    if (r == ATTACH_OK)
      break;
    attach_reset(shm);
    if (r == ATTACH_RETRY && netipc__now_ms() >= deadline)
      r = ATTACH_FAIL;
    if (r == ATTACH_RETRY)
      usleep(NETIPC__SHM_ATTACH_RETRY_MS * 1000u);
  }
  if (dir >= 0)
    close(dir);
  if (r != ATTACH_OK) {
    netipc__shm_destroy(shm);
    return NETIPC_ERR_SHM_ATTACH;
  }
  region_sync_counters(shm);
  if (extended)
    shm->ext = region_ext(shm);
  *out = shm;
  return NETIPC_OK;
}

netipc_err
netipc__shm_attach(const char *run_dir, const char *service,
                   uint64_t session_id, uint32_t rq_limit, uint32_t rs_limit,
                   bool extended, netipc__shm **out)
{
  return netipc__shm_attach_owned(run_dir, service, session_id, rq_limit,
                                  rs_limit, extended, geteuid(), out);
}

/* What posix-shm-memfd.c shares with the region files. */
netipc_err
netipc__shm_allocate(netipc__shm *shm)
{
  return region_allocate(shm);
}

netipc_err
netipc__shm_map(netipc__shm *shm)
{
  return region_map(shm);
}

void
netipc__shm_init_header(netipc__shm *shm)
{
  region_write_header(shm);
  if (shm->ext == NULL && shm->size > (size_t)shm->resp_off + shm->resp_cap)
    shm->ext = region_ext(shm);
}

bool
netipc__shm_validate(netipc__shm *shm, uint32_t rq_limit, uint32_t rs_limit,
                     bool extended)
{
  atomic_thread_fence(memory_order_acquire);
  if (attach_validate(shm, rq_limit, rs_limit, extended) != ATTACH_OK)
    return false;
  region_sync_counters(shm);
  if (extended)
    shm->ext = region_ext(shm);
  return true;
}

/* The handshake's hooks (transport/handshake-internal.h): POSIX regions
 * are named by run dir, service and session id only; a sealed one
 * (Extension 2) has no name at all. */
netipc_err
netipc__shm_server_open(const netipc__shm_params *p, netipc__shm **out)
{
#ifdef NETIPC_BUILD_SEALED_SHM
  if (p->sealed)
    return netipc__shm_memfd_create(p->request_limit, p->response_limit,
                                    p->extended, out);
#endif
  return netipc__shm_create(p->run_dir, p->service, p->session_id,
                            p->request_limit, p->response_limit, p->extended,
                            out);
}

netipc_err
netipc__shm_client_open(const netipc__shm_params *p, netipc__shm **out)
{
#ifdef NETIPC_BUILD_SEALED_SHM
  if (p->sealed)
    return netipc__shm_memfd_attach(p->region_fd, p->request_limit,
                                    p->response_limit, p->extended, out);
#endif
  if (p->region_fd >= 0)
    close(p->region_fd); /* not ours to use (the handshake drops these) */
  uid_t owner;
  if (netipc__socket_peer_uid(p->conn, &owner) != NETIPC_OK)
    return NETIPC_ERR_SHM_ATTACH;
  return netipc__shm_attach_owned(p->run_dir, p->service, p->session_id,
                                  p->request_limit, p->response_limit,
                                  p->extended, owner, out);
}
