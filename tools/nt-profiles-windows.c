/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The transport profiles of the tool on Windows (windows.md 1): the Named
 * Pipe is the baseline; shm prefers SHM_HYBRID, busywait SHM_BUSYWAIT,
 * each with the pipe as fallback. auto offers what the library defaults
 * to (windows.md 1: BUSYWAIT only when asked for).
 */
#include "config.h"

#include "netipc-tool.h"
#include "nt-platform.h"

#define BASELINE NETIPC_PROFILE_NAMED_PIPE

const nt_profile_choice nt_profile_choices[] = {
    {"baseline", BASELINE, 0}, /* the default */
    {"pipe", BASELINE, 0},
    {"shm", BASELINE | NETIPC_PROFILE_SHM_HYBRID, NETIPC_PROFILE_SHM_HYBRID},
    {"busywait", BASELINE | NETIPC_PROFILE_SHM_BUSYWAIT,
     NETIPC_PROFILE_SHM_BUSYWAIT},
    {"auto", BASELINE | NETIPC_PROFILE_SHM_HYBRID, 0},
};
const size_t nt_profile_choice_count =
    sizeof nt_profile_choices / sizeof nt_profile_choices[0];

const nt_profile_bit nt_profile_bits[] = {
    {NETIPC_PROFILE_NAMED_PIPE, "NAMED_PIPE", "pipe"},
    {NETIPC_PROFILE_SHM_HYBRID, "SHM_HYBRID", "shm"},
    {NETIPC_PROFILE_SHM_BUSYWAIT, "SHM_BUSYWAIT", "shm-busywait"},
    {NETIPC_PROFILE_SHM_WAITADDR, "SHM_WAITADDR", "unknown"},
};
const size_t nt_profile_bit_count =
    sizeof nt_profile_bits / sizeof nt_profile_bits[0];

const char nt_help_run_dir[] =
    "  --run-dir NAME           namespace: the string is hashed into the pipe\n"
    "                           and shared-memory names, no directory is used\n"
    "                           (default: $NETIPC_RUN_DIR, else /run/netipc)\n";
const char nt_help_profile[] =
    "  --profile baseline|pipe|shm|busywait|auto\n"
    "                           transport profiles (default: baseline, the\n"
    "                           named pipe; shm prefers SHM_HYBRID, busywait\n"
    "                           SHM_BUSYWAIT, both falling back to the pipe)\n";
const char nt_help_live[] =
    "        (on Windows, which has no /sys/fs/cgroup or /proc, the\n"
    "        three need --from-file FILE)\n";
const char nt_help_stop[] =
    "Ctrl+C, Ctrl+Break or\n        closing the console stop it";
