/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * nt-platform.h - what the netipc tool needs from the operating system,
 * each implemented once per platform and picked by tools/Makemodule.am
 * (`if OS_WINDOWS`), so that the command code has no #ifdef:
 *
 *   nt-os-posix.c        nt-os-windows.c        process set-up, stop
 *                                               requests, clocks, mutex,
 *                                               run directory, whether
 *                                               live sources exist
 *   nt-profiles-posix.c  nt-profiles-windows.c  --profile names, profile
 *                                               bit names, help lines
 *   cgroups-tree-posix.c live-windows.c         what /sys/fs/cgroup and
 *   apps-proc-posix.c                           /proc say (Windows has
 *                                               neither: --from-file)
 *
 * The tools use only the public library API (its internals are hidden
 * from programs linked with the shared library), hence their own pair.
 */
#ifndef NT_PLATFORM_H
#define NT_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netipc/service.h>

/* ---- nt-os-*.c ---------------------------------------------------------- */

/*
 * Once, at the start of main. POSIX: a vanished reader gives EPIPE, not
 * SIGPIPE. Windows: standard input, output and error in binary mode, so
 * the TSV and JSON bytes are the same as on POSIX (no CR LF).
 */
void nt_os_init(void);

/*
 * Call stop() when the user asks the process to end: SIGINT or SIGTERM
 * on POSIX, a console control event (Ctrl+C, Ctrl+Break, close, logoff,
 * shutdown) on Windows. stop() must be async-signal-safe. False when the
 * handlers cannot be installed.
 */
bool nt_os_on_stop_request(void (*stop)(void));

/* A monotonic clock in nanoseconds. */
uint64_t nt_os_now_ns(void);

/* Sleep until `due` (nt_os_now_ns time) unless it has passed. */
void nt_os_sleep_until_ns(uint64_t due);

/* Process CPU time (user + system) in seconds; 0 when unknown. */
double nt_os_cpu_seconds(void);

/* Before a paced benchmark: ask for precise sleeps where that is an
 * option (Linux timer slack). */
void nt_os_precise_sleeps(void);

/*
 * Sequentially consistent atomics on naturally aligned words, safe in a
 * signal handler (C11 atomics on POSIX, Interlocked* on Windows, whose
 * oldest supported MSVC has no <stdatomic.h>). Adds return the new value.
 */
uint32_t nt_atomic_load32(const uint32_t *p);
void nt_atomic_store32(uint32_t *p, uint32_t v);
uint32_t nt_atomic_add32(uint32_t *p, uint32_t delta);
uint64_t nt_atomic_add64(uint64_t *p, uint64_t delta);
void *nt_atomic_load_ptr(void *const *p);
void nt_atomic_store_ptr(void **p, void *v);

/* A non-recursive mutex; create returns NULL when out of resources. */
typedef struct nt_mutex nt_mutex;
nt_mutex *nt_mutex_create(void);
void nt_mutex_lock(nt_mutex *m);
void nt_mutex_unlock(nt_mutex *m);
void nt_mutex_destroy(nt_mutex *m);

/*
 * The --run-dir default when the option is not given (POSIX:
 * $NETIPC_RUN_DIR, /run/netipc if writable, $XDG_RUNTIME_DIR, else the
 * private ${TMPDIR:-/tmp}/netipc-<uid>; Windows: $NETIPC_RUN_DIR, else
 * /run/netipc, a name only). NULL, after a message, when the private
 * directory is refused (not ours, or open to group or others).
 */
const char *nt_os_default_run_dir(void);

/*
 * Whether a server can use run_dir; prints the reason and returns
 * NT_EXIT_FAIL when not. POSIX: a writable directory. Windows: always,
 * since run_dir is only hashed into the object names.
 */
int nt_os_check_run_dir(const char *run_dir);

/* Whether path names a directory (symbolic links followed). */
bool nt_os_is_directory(const char *path);

/*
 * Whether `serve KIND` can answer live (without --from-file) here.
 * Windows: prints that KIND needs --from-file and returns false.
 */
bool nt_live_available(const char *kind);

/* ---- nt-profiles-*.c ---------------------------------------------------- */

/* One value of --profile. */
typedef struct nt_profile_choice {
  const char *name;
  uint32_t supported;
  uint32_t preferred; /* 0: no preference */
} nt_profile_choice;

/* One profile bit: its name in messages and in bench scenario names. */
typedef struct nt_profile_bit {
  uint32_t bit;
  const char *name;  /* "UDS_SEQPACKET", "NAMED_PIPE", ... */
  const char *bench; /* "uds", "pipe", "shm", ... */
} nt_profile_bit;

/* The --profile values; the first is the default and the baseline alone. */
extern const nt_profile_choice nt_profile_choices[];
extern const size_t nt_profile_choice_count;

/* The bits this platform names. */
extern const nt_profile_bit nt_profile_bits[];
extern const size_t nt_profile_bit_count;

/* Help text: the --run-dir and --profile lines of the global options,
 * what the live sources need (lines after the serve kinds, may be empty)
 * and how a server is stopped (completes "...; "). */
extern const char nt_help_live[];
extern const char nt_help_run_dir[];
extern const char nt_help_profile[];
extern const char nt_help_stop[];

/* ---- cgroups-tree-posix.c, apps-proc-posix.c (live-windows.c) -------- */

/*
 * The live directory tree of `serve cgroups-snapshot` (dir NULL:
 * /sys/fs/cgroup). Open prints its error and returns NULL on failure.
 * Walk adds one item per directory below the root (names relative,
 * paths absolute, children in byte order, depth first); it returns 0, or
 * -1 after a failure (reported when the root cannot be read).
 */
typedef struct nt_cgroups_tree nt_cgroups_tree;
nt_cgroups_tree *nt_cgroups_tree_open(const char *dir);
int nt_cgroups_tree_walk(const nt_cgroups_tree *t, netipc_cgroups_builder *b);
/* The root ("/" for the file system root). */
const char *nt_cgroups_tree_root(const nt_cgroups_tree *t);
/* The systemd_enabled default: 1 for /sys/fs/cgroup under systemd. */
uint32_t nt_cgroups_tree_systemd(const nt_cgroups_tree *t);
void nt_cgroups_tree_free(nt_cgroups_tree *t);

/* What the process table says about pid (apps-proc-posix.c). */
typedef struct nt_proc_info {
  netipc_apps_lookup_item item;
  char comm[NETIPC_APPS_LOOKUP_COMM_MAX + 1];
  char *cgroup_line; /* owns the cgroup path; free() it */
  size_t cgroup_cap;
} nt_proc_info;

/* The item for pid: KNOWN with what /proc says, else UNKNOWN. */
void nt_proc_lookup(uint32_t pid, nt_proc_info *p);

#endif /* NT_PLATFORM_H */
