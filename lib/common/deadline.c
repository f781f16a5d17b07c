/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Deadlines on the port's monotonic clock (common/os.h). Portable. */
#include "config.h"

#include "common/os.h"

uint64_t
netipc__deadline(uint32_t timeout_ms)
{
  return timeout_ms == 0 ? 0 : netipc__now_ms() + timeout_ms;
}

netipc_err
netipc__deadline_left(uint64_t deadline, uint32_t *ms)
{
  *ms = 0;
  if (deadline == 0)
    return NETIPC_OK;
  uint64_t now = netipc__now_ms();
  if (now >= deadline)
    return NETIPC_ERR_TIMEOUT;
  uint64_t left = deadline - now;
  *ms = left > UINT32_MAX ? UINT32_MAX : (uint32_t)left;
  return NETIPC_OK;
}
