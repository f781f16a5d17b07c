/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The transport profiles of the tool on POSIX: UDS_SEQPACKET is the
 * baseline, SHM_HYBRID the shared-memory data plane (posix-shm.md).
 */
#include "config.h"

#include "netipc-tool.h"
#include "nt-platform.h"

#define BASELINE NETIPC_PROFILE_UDS_SEQPACKET

const nt_profile_choice nt_profile_choices[] = {
    {"uds", BASELINE, 0}, /* the default */
    {"baseline", BASELINE, 0},
    {"shm", BASELINE | NETIPC_PROFILE_SHM_HYBRID, NETIPC_PROFILE_SHM_HYBRID},
    /* Every profile this build can have on POSIX; the library masks what
     * it was built without. */
    {"auto", BASELINE | NETIPC_PROFILE_SHM_HYBRID, 0},
};
const size_t nt_profile_choice_count =
    sizeof nt_profile_choices / sizeof nt_profile_choices[0];

const nt_profile_bit nt_profile_bits[] = {
    {NETIPC_PROFILE_UDS_SEQPACKET, "UDS_SEQPACKET", "uds"},
    {NETIPC_PROFILE_SHM_HYBRID, "SHM_HYBRID", "shm"},
    {NETIPC_PROFILE_SHM_FUTEX, "SHM_FUTEX", "shm-futex"},
    {NETIPC_PROFILE_SHM_WAITADDR, "SHM_WAITADDR", "unknown"},
};
const size_t nt_profile_bit_count =
    sizeof nt_profile_bits / sizeof nt_profile_bits[0];

const char nt_help_run_dir[] =
    "  --run-dir DIR            endpoint directory (default: $NETIPC_RUN_DIR,\n"
    "                           else /run/netipc if writable, else\n"
    "                           $XDG_RUNTIME_DIR, else the private\n"
    "                           ${TMPDIR:-/tmp}/netipc-<uid>, made 0700)\n";
const char nt_help_profile[] =
    "  --profile uds|baseline|shm|auto\n"
    "                           transport profiles (default: uds; baseline\n"
    "                           is uds, shm prefers SHM_HYBRID with UDS as\n"
    "                           fallback)\n";
const char nt_help_live[] = "";
const char nt_help_stop[] = "SIGINT/SIGTERM stop it";
