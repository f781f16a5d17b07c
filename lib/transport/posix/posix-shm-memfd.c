/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Extension 2 (doc/extensions.md): the SHM region as a sealed memfd. The
 * server makes it, seals it against shrinking and growing (so no peer can
 * truncate it under the other: no SIGBUS to begin with) and passes it with
 * the HELLO_ACK; no region file ever exists in the run dir. The layout is
 * the file region's, header and extension block included.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/alloc.h"
#include "transport/posix/posix-shm-internal.h"

int
netipc__shm_region_fd(const netipc__shm *shm)
{
  return shm->fd;
}

#ifdef NETIPC_BUILD_SEALED_SHM

/* The name shows in /proc/<pid>/fd ("memfd:netipc-shm"), nowhere else. */
#define MEMFD_NAME "netipc-shm"
/* What the server applies, and what a client requires (SEAL only stops
 * further changes, which the client does not depend on). */
#define MEMFD_SEALS_SET (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)
#define MEMFD_SEALS_NEEDED (F_SEAL_SHRINK | F_SEAL_GROW)

/* A region struct with no name, owned by role. */
static netipc__shm *
memfd_region_new(netipc_role role)
{
  netipc__shm *shm = netipc__calloc(1, sizeof *shm);
  if (shm == NULL)
    return NULL;
  shm->fd = -1;
  shm->guard_slot = NETIPC__SHM_GUARD_NONE;
  shm->role = role;
  netipc__shm_spin_init(shm); /* owner stays false: nothing to unlink */
  return shm;
}

netipc_err
netipc__shm_memfd_create(uint32_t rq_max, uint32_t rs_max, bool extended,
                         netipc__shm **out)
{
  netipc__shm *shm = memfd_region_new(NETIPC_ROLE_SERVER);
  if (shm == NULL)
    return NETIPC_ERR_NOMEM;
  netipc_err err = netipc__shm_layout(shm, rq_max, rs_max, extended);
  if (err == NETIPC_OK) {
    shm->fd = memfd_create(MEMFD_NAME, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (shm->fd < 0 || ftruncate(shm->fd, (off_t)shm->size) != 0)
      err = NETIPC_ERR_SYSTEM;
  }
  /* Sealed before it is mapped or passed: from here its size is final. */
  if (err == NETIPC_OK &&
      fcntl(shm->fd, F_ADD_SEALS, MEMFD_SEALS_SET) != 0)
    err = NETIPC_ERR_SYSTEM;
  if (err == NETIPC_OK)
    err = netipc__shm_allocate(shm);
  if (err != NETIPC_OK) {
    netipc__shm_destroy(shm);
    return err;
  }
  netipc__shm_init_header(shm);
  *out = shm;
  return NETIPC_OK;
}

/* A descriptor the server may have sent: a regular file (a memfd is one)
 * whose size nobody can change any more. */
static bool
memfd_acceptable(int fd, off_t *size)
{
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      st.st_size < (off_t)NETIPC__SHM_HEADER_LEN)
    return false;
  int seals = fcntl(fd, F_GET_SEALS);
  if (seals < 0 || (seals & MEMFD_SEALS_NEEDED) != MEMFD_SEALS_NEEDED)
    return false;
  *size = st.st_size;
  return true;
}

netipc_err
netipc__shm_memfd_attach(int fd, uint32_t rq_limit, uint32_t rs_limit,
                         bool extended, netipc__shm **out)
{
  off_t size;
  if (fd < 0)
    return NETIPC_ERR_SHM_ATTACH; /* the bit was echoed, no region came */
  if (!memfd_acceptable(fd, &size)) {
    close(fd);
    return NETIPC_ERR_SHM_ATTACH;
  }
  netipc__shm *shm = memfd_region_new(NETIPC_ROLE_CLIENT);
  if (shm == NULL) {
    close(fd);
    return NETIPC_ERR_NOMEM;
  }
  shm->fd = fd;
  shm->size = (size_t)size;
  /* The server wrote the header before it sent the descriptor: anything
   * short of a valid region now is a failure, never a retry. */
  netipc_err err = netipc__shm_map(shm) == NETIPC_OK &&
                           netipc__shm_validate(shm, rq_limit, rs_limit,
                                                extended)
                       ? NETIPC_OK
                       : NETIPC_ERR_SHM_ATTACH;
  if (err != NETIPC_OK) {
    netipc__shm_destroy(shm);
    return err;
  }
  *out = shm;
  return NETIPC_OK;
}

#endif /* NETIPC_BUILD_SEALED_SHM */
