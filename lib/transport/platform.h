/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * platform.h - the private contract every port supplies: the OS services
 * of common/os.h and what each platform's transports mean by a profile
 * bit. Level 2 uses only these, so it builds unchanged on every platform.
 */
#ifndef NETIPC_TRANSPORT_PLATFORM_H
#define NETIPC_TRANSPORT_PLATFORM_H

#include <netipc/codec.h>

#include "common/os.h"

/*
 * The profile bits this platform's shared-memory transports use (bit 0x04
 * is SHM_FUTEX on POSIX, SHM_BUSYWAIT on Windows): what a Level 2 client
 * withdraws after an SHM attach failure (level2.md 8).
 */
#ifdef NETIPC_OS_WINDOWS
#define NETIPC__SHM_PROFILES                                                  \
  (NETIPC_PROFILE_SHM_HYBRID | NETIPC_PROFILE_SHM_BUSYWAIT)
#else
#define NETIPC__SHM_PROFILES                                                  \
  (NETIPC_PROFILE_SHM_HYBRID | NETIPC_PROFILE_SHM_FUTEX)
#endif

#endif /* NETIPC_TRANSPORT_PLATFORM_H */
