/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * netipc-tool.h - shared declarations of the netipc command-line tool.
 *
 * Exit codes: 0 success, 1 runtime failure, 2 usage error. Every error is
 * one line on stderr starting with "netipc: ".
 */
#ifndef NETIPC_TOOL_H
#define NETIPC_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netipc/service.h>

#define NT_EXIT_OK 0
#define NT_EXIT_FAIL 1
#define NT_EXIT_USAGE 2

/* CLI server defaults (accept what other implementations commonly propose). */
#define NT_SERVER_REQUEST_DEFAULT 65536u
#define NT_SERVER_RESPONSE_DEFAULT 1048576u
/* Upper bound for the payload options: large, but still allocatable. */
#define NT_PAYLOAD_MAX 1073741824u
#define NT_WORKERS_MAX 4096u

#define NT_DEFAULT_RUN_DIR "/run/netipc"

#if defined(__GNUC__)
#define NT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define NT_PRINTF(f, a)
#endif

/* Global options, parsed before the command. */
typedef struct nt_options {
  const char *run_dir;
  const char *service; /* NULL: the command's service kind name */
  uint64_t auth_token;
  const char *profile_name; /* "uds", "shm" or "auto" */
  uint32_t supported_profiles;
  uint32_t preferred_profiles;
  uint32_t timeout_ms;   /* 0: library default */
  uint32_t max_request;  /* 0: default for the role */
  uint32_t max_response; /* 0: default for the role */
  uint32_t workers;      /* 0: library default (16) */
  bool verbose;
} nt_options;

/* ---- netipc.c: diagnostics and parsing ------------------------------ */

/* "netipc: <message>" on stderr; returns NT_EXIT_FAIL. */
int nt_error(const char *fmt, ...) NT_PRINTF(1, 2);

/* "netipc: <message>" plus a hint to --help on stderr; returns 2. */
int nt_usage_error(const char *fmt, ...) NT_PRINTF(1, 2);

/*
 * Parse an unsigned number, decimal or 0x-hex, the whole string, within
 * [min, max]. No sign, no blanks. Returns false on any defect.
 */
bool nt_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* As nt_parse_u64, reporting a usage error for option `what`. */
bool nt_parse_option_u64(const char *what, const char *s, uint64_t min,
                         uint64_t max, uint64_t *out);
bool nt_parse_option_u32(const char *what, const char *s, uint32_t min,
                         uint32_t max, uint32_t *out);

/*
 * Option matching for command arguments: "--name VALUE" or "--name=VALUE".
 * On a match stores the value, advances *i past what was consumed and
 * returns 1; returns 0 when argv[*i] is another option and -1 (after a
 * usage error message) when the value is missing.
 */
int nt_match_value(int argc, char **argv, int *i, const char *name,
                   const char **value);

/* Name of one profile bit ("UDS_SEQPACKET", "SHM_HYBRID", ...). */
const char *nt_profile_name(uint32_t bit);

/* "UDS_SEQPACKET|SHM_HYBRID" for a mask, in buf. */
const char *nt_profile_mask(uint32_t mask, char *buf, size_t cap);

/* ---- netipc-client.c: client helpers --------------------------------- */

/*
 * Create a client for `method` from the global options, refresh once and
 * report why it is not READY. On success *out is ready to call.
 */
int nt_client_open(const nt_options *o, const char *service, uint16_t method,
                   uint32_t batch_items, netipc_client **out);

/* Report a failed call on c (one line) and return NT_EXIT_FAIL. */
int nt_client_fail(const nt_options *o, const char *service,
                   const netipc_client *c, const char *what, netipc_err err);

/* The Level 2 client configuration the global options describe. */
void nt_client_config(const nt_options *o, const char *service,
                      uint32_t batch_items, netipc_client_config *cfg);

/* With --verbose: the negotiated session, if it changed since *last_id. */
void nt_client_verbose(const nt_options *o, const char *service,
                       const netipc_client *c, uint64_t *last_id);

/* ---- netipc-bench-run.c: one measured run of `netipc bench` ---------- */

struct nt_bench_hist;

/* The window, its CPU time and what it counted. */
typedef struct nt_bench_run {
  struct nt_bench_hist *hist; /* per-call latency */
  uint64_t start, end;        /* planned window, monotonic ns */
  uint64_t interval;          /* ns between call starts; 0: unpaced */
  uint64_t paced;             /* calls started on the schedule so far */
  uint64_t calls, ops;        /* calls made; ops counted (items, snapshots) */
  uint64_t elapsed;           /* actual window, ns */
  double cpu0, cpu;           /* process CPU seconds: at start, used */
} nt_bench_run;

/* CLOCK_MONOTONIC in ns. */
uint64_t nt_bench_now_ns(void);

/* Start a window of duration_s seconds at rate calls/s (0: unpaced).
 * False when out of memory. */
bool nt_bench_begin(nt_bench_run *r, uint32_t duration_s, uint32_t rate);

/* Close the window: elapsed time and CPU used. */
void nt_bench_finish(nt_bench_run *r);

/* Paced: sleep until the next call of the schedule is due; false once it
 * lies past the window. Unpaced: true at once. */
bool nt_bench_pace(nt_bench_run *r);

/* Sleep until `due` (monotonic ns) unless it has passed. */
void nt_bench_sleep_until(uint64_t due);

/* Whether call number `call` is timed (every call when paced, a sample
 * otherwise, so that clock reads do not slow the fastest calls). */
bool nt_bench_timed(const nt_bench_run *r, uint64_t call);

/* Add one call's latency. */
void nt_bench_record(nt_bench_run *r, uint64_t ns);

/* Print the CSV line (and, with --verbose, the counts on stderr). */
void nt_bench_print(const nt_options *o, const char *scenario,
                    const nt_bench_run *r);

/* Free the histogram. Safe on a zeroed run. */
void nt_bench_free(nt_bench_run *r);

/* ---- commands ----------------------------------------------------------- */

int nt_cmd_serve(const nt_options *o, int argc, char **argv);
int nt_cmd_call(const nt_options *o, int argc, char **argv);
int nt_cmd_snapshot(const nt_options *o, int argc, char **argv);
int nt_cmd_lookup(const nt_options *o, int argc, char **argv);
int nt_cmd_bench(const nt_options *o, int argc, char **argv);

/* Flush stdout and report a write error. Returns rc or NT_EXIT_FAIL. */
int nt_finish_stdout(int rc);

/* ---- cgroups-source.c: where `serve cgroups-snapshot` gets its items --- */

typedef struct nt_cgroups_source nt_cgroups_source;

/*
 * A live directory tree (re-read on every request; dir NULL means
 * /sys/fs/cgroup) or a TSV file (parsed once, now). Prints its own error
 * line and returns NULL on failure.
 */
nt_cgroups_source *nt_cgroups_source_dir(const char *dir);
nt_cgroups_source *nt_cgroups_source_file(const char *file);

/* Header values: fixed generation (otherwise the source's default). */
void nt_cgroups_source_set_generation(nt_cgroups_source *s, uint64_t gen);
void nt_cgroups_source_set_systemd(nt_cgroups_source *s, uint32_t enabled);

/* Human description for --verbose ("directory /sys/fs/cgroup (live)"). */
void nt_cgroups_source_describe(const nt_cgroups_source *s, char *buf,
                                size_t cap);

/* The netipc_cgroups_handler; user is the source. Thread-safe. */
int nt_cgroups_source_handler(void *user, netipc_cgroups_builder *b);

void nt_cgroups_source_free(nt_cgroups_source *s);

#endif /* NETIPC_TOOL_H */
