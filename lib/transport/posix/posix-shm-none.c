/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Stand-ins for the SHM data plane on hosts without futex or fallocate:
 * SHM is never advertised there, so a session never holds a region.
 */
#include "config.h"

#include "transport/posix/posix-shm-internal.h"

void
netipc__shm_destroy(netipc__shm *shm)
{
  (void)shm;
}

unsigned
netipc__shm_cleanup(const char *run_dir, const char *service)
{
  (void)run_dir, (void)service;
  return 0;
}

netipc_err
netipc__shm_publish(netipc__shm *shm, const uint8_t *hdr, const void *payload,
                    size_t payload_len)
{
  (void)shm, (void)hdr, (void)payload, (void)payload_len;
  return NETIPC_ERR_NOT_SUPPORTED;
}

netipc_err
netipc__shm_receive(netipc__shm *shm, uint32_t timeout_ms,
                    const netipc_abort *abort, int sock_fd, uint8_t *buf,
                    size_t cap, size_t *len)
{
  (void)shm, (void)timeout_ms, (void)abort, (void)sock_fd, (void)buf, (void)cap;
  (void)len;
  return NETIPC_ERR_NOT_SUPPORTED;
}

void
netipc__shm_spin_policy(uint32_t fixed, uint32_t min, uint32_t max)
{
  (void)fixed, (void)min, (void)max;
}

/* The handshake's hooks: never reached, as SHM is never negotiated. */
netipc_err
netipc__shm_server_open(const netipc__shm_params *p, netipc__shm **out)
{
  (void)p, (void)out;
  return NETIPC_ERR_NOT_SUPPORTED;
}

netipc_err
netipc__shm_client_open(const netipc__shm_params *p, netipc__shm **out)
{
  (void)p, (void)out;
  return NETIPC_ERR_SHM_ATTACH;
}
