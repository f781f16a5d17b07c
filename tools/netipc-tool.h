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
#include <stdio.h>

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

#if defined(__MINGW_PRINTF_FORMAT)
/* MinGW: the C99 printf (__USE_MINGW_ANSI_STDIO, tools/Makemodule.am),
 * so %zu and %llu mean what they mean on POSIX. */
#define NT_PRINTF(f, a) __attribute__((format(__MINGW_PRINTF_FORMAT, f, a)))
#elif defined(__GNUC__)
#define NT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define NT_PRINTF(f, a)
#endif

/*
 * gcc 12's -fanalyzer (make static-analysis) loses a heap pointer stored
 * into an array that realloc grew in place and reports it as leaked in the
 * caller ("leak of '<unknown>'"), a false positive. These bracket the few
 * functions where it does; the clang analyzer, clang-tidy and
 * make check-valgrind still check them for leaks. -Wpragmas: a gcc built
 * without the analyzer does not know the option.
 */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 10
#define NT_GCC_ANALYZER_REALLOC_FP_BEGIN                                      \
  _Pragma("GCC diagnostic push")                                              \
      _Pragma("GCC diagnostic ignored \"-Wpragmas\"")                         \
          _Pragma("GCC diagnostic ignored \"-Wanalyzer-malloc-leak\"")
#define NT_GCC_ANALYZER_REALLOC_FP_END _Pragma("GCC diagnostic pop")
#else
#define NT_GCC_ANALYZER_REALLOC_FP_BEGIN
#define NT_GCC_ANALYZER_REALLOC_FP_END
#endif

/* Global options, parsed before the command. */
typedef struct nt_options {
  const char *run_dir;
  const char *service; /* NULL: the command's service kind name */
  uint64_t auth_token;
  const char *profile_name; /* a --profile value (nt-profiles-*.c) */
  uint32_t supported_profiles;
  uint32_t preferred_profiles;
  uint32_t timeout_ms;   /* 0: library default */
  uint32_t max_request;  /* 0: default for the role */
  uint32_t max_response; /* 0: default for the role */
  uint32_t workers;      /* 0: library default (16) */
  bool verbose;
} nt_options;

/* ---- nt-options.c: diagnostics and option parsing ---------------------- */

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

/* Name of one profile bit ("UDS_SEQPACKET", "NAMED_PIPE", "SHM_HYBRID",
 * ...; "none" for 0). */
const char *nt_profile_name(uint32_t bit);

/* The bit's part of bench scenario names ("uds", "pipe", "shm", ...). */
const char *nt_profile_bench_name(uint32_t bit);

/* The --profile value that selects the baseline alone (the default). */
const char *nt_profile_baseline_option(void);

/* "UDS_SEQPACKET|SHM_HYBRID" for a mask, in buf. */
const char *nt_profile_mask(uint32_t mask, char *buf, size_t cap);

/* The defaults: the platform's baseline profile, everything else unset. */
void nt_options_init(nt_options *o);

/*
 * Parse the global options of argv[1..] (--help calls `usage`, which
 * prints the help on stdout). Returns -1 to go on with the command at
 * argv[*next], otherwise the exit code.
 */
int nt_options_parse(int argc, char **argv, void (*usage)(void),
                     nt_options *o, int *next);

/* ---- nt-output.c: standard output, TSV and JSON writers ----------------- */

/* Flush stdout and report a write error. Returns rc or NT_EXIT_FAIL. */
int nt_finish_stdout(int rc);

/*
 * TSV escapes, written by nt_tsv_string and read back by nt_tsv_decode
 * (nt-input.c), so that every byte string survives a print and a
 * `--from-file` read: a byte is written as \xHH (lower-case hex) when it
 * is a control byte (below 0x20, or 0x7f: TAB and newline among them); a
 * backslash when the bytes from it on would otherwise read as such an
 * escape; with NT_TSV_LABEL_KEY an '='; with NT_TSV_LINE_START a '#' after
 * nothing but spaces and a field that is exactly "*". The reader decodes
 * \xHH only for those bytes (00-1f, 7f, 5c, 3d, 23, 2a; either case), so
 * every other backslash, like the \x2d of systemd unit names, is itself.
 */
#define NT_TSV_PLAIN 0u
#define NT_TSV_LABEL_KEY 1u  /* the reader splits key=value at the first = */
#define NT_TSV_LINE_START 2u /* the first field: comments and "*" lines */

void nt_tsv_string(netipc_string_view s, unsigned flags);

/*
 * JSON string: quote, backslash and control characters escaped (\u00XX);
 * valid UTF-8 copied; any other byte is shown as \u00XX (its Latin-1
 * reading) so the output is always valid JSON.
 */
void nt_json_string(netipc_string_view s);

/* ---- nt-input.c: reading TSV files -------------------------------------- */

typedef struct nt_tsv_reader {
  const char *name; /* for messages */
  FILE *f;
  char *line;
  size_t cap;
  unsigned long line_no;
} nt_tsv_reader;

/* Open a file ("-": standard input). Prints its error; false on failure. */
bool nt_tsv_open(nt_tsv_reader *r, const char *path);

/*
 * The next line that is neither blank (spaces and tabs) nor a comment
 * (first non-blank '#'), without its newline and a trailing CR; valid
 * until the next call. Returns 1, 0 at the end, -1 after an error line
 * (read error, NUL byte).
 */
int nt_tsv_next(nt_tsv_reader *r, char **line, size_t *len);

/* "netipc: FILE:LINE: <message>"; returns NT_EXIT_FAIL. */
int nt_tsv_error(const nt_tsv_reader *r, const char *fmt, ...)
    NT_PRINTF(2, 3);

void nt_tsv_close(nt_tsv_reader *r);

/*
 * Split a line in place at its tabs: fields[0..max) get the first fields
 * (each NUL-terminated). Returns the number of fields in the line, which
 * may exceed max.
 */
size_t nt_tsv_split(char *line, char **fields, size_t max);

/* Decode the escapes of a field in place (*len updated, NUL-terminated).
 * False when the result contains a NUL byte. */
bool nt_tsv_decode(char *field, size_t *len);

/* A control byte (below 0x20, or 0x7f). */
bool nt_tsv_control(unsigned char c);

/* Whether the n bytes at p start with an escape the reader decodes; if so
 * *byte is its value. */
bool nt_tsv_escape_at(const char *p, size_t n, unsigned char *byte);

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

/* A monotonic clock in ns (nt_os_now_ns). */
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

#define NT_BENCH_DURATION_DEFAULT 5u
#define NT_BENCH_DURATION_MAX 86400u
#define NT_BENCH_RATE_MAX 100000000u

/* One option of a bench scenario: a number within [min, max] into
 * *value, or (text not NULL) a string into *text. */
typedef struct nt_bench_option {
  const char *name;
  uint32_t min, max;
  uint32_t *value;
  const char **text;
} nt_bench_option;

/* Parse argv[2..] (argv[1] is the scenario) against opts[0..n). */
int nt_bench_parse(int argc, char **argv, const nt_bench_option *opts,
                   size_t n);

/* One checked call of a scenario; *ops gets what it counts. Returns
 * NT_EXIT_OK, or the exit code that ends the run. */
typedef int (*nt_bench_call_fn)(void *ctx, uint64_t *ops);

/* Call on the run's schedule until the window closes, timing every call. */
int nt_bench_loop(nt_bench_run *r, nt_bench_call_fn call, void *ctx);

/* ---- netipc-bench-lookup.c: `bench cgroups-lookup|apps-lookup` -------- */

/* argv[1] is the scenario, method its NETIPC_METHOD_*_LOOKUP. */
int nt_bench_lookup(const nt_options *o, int argc, char **argv,
                    uint16_t method);

/* ---- commands: netipc-serve.c, netipc-call.c, netipc-snapshot.c
 * (snapshot, lookup), netipc-lookups.c (cgroups-lookup, apps-lookup),
 * netipc-bench.c. argv[0] is the command's name. ------------------------ */

int nt_cmd_serve(const nt_options *o, int argc, char **argv);
int nt_cmd_call(const nt_options *o, int argc, char **argv);
int nt_cmd_snapshot(const nt_options *o, int argc, char **argv);
int nt_cmd_lookup(const nt_options *o, int argc, char **argv);
int nt_cmd_cgroups_lookup(const nt_options *o, int argc, char **argv);
int nt_cmd_apps_lookup(const nt_options *o, int argc, char **argv);
int nt_cmd_bench(const nt_options *o, int argc, char **argv);

/* ---- cgroups-source.c: where `serve cgroups-snapshot` gets its items --- */

typedef struct nt_cgroups_source nt_cgroups_source;

/*
 * A live directory tree (re-read on every request; dir NULL means
 * /sys/fs/cgroup; POSIX only) or a TSV file (parsed once, now). Prints its
 * own error line and returns NULL on failure.
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

/* ---- lookup-names.c: names of the lookup enumerations ---------------- */

/*
 * The words the lookup commands print and `--from-file` reads
 * (lookups.md 2.4-2.5): statuses known, unknown-retry, unknown-permanent,
 * oversized-item (CGROUPS_LOOKUP); known, unknown, oversized-item (the
 * APPS_LOOKUP PID status); known, unknown-retry, unknown-permanent,
 * host-root (the APPS_LOOKUP cgroup status); orchestrators unknown,
 * systemd, docker, k8s, kvm, lxc, podman, nspawn. PAYLOAD_EXCEEDED has no
 * name: a handler must not send it and a caller never sees it.
 */
typedef enum nt_name_set {
  NT_NAMES_CGROUPS_STATUS,
  NT_NAMES_APPS_STATUS,
  NT_NAMES_APPS_CGROUP_STATUS,
  NT_NAMES_ORCHESTRATOR
} nt_name_set;

/* The name of value, or NULL when it has none. */
const char *nt_name_of(nt_name_set set, uint16_t value);

/* The value named `name`; false when there is none. Orchestrators may
 * also be given as a number (0 to 65535, any value passes the wire). */
bool nt_value_of(nt_name_set set, const char *name, uint16_t *value);

/* nt_value_of for a column of a TSV line: on failure prints
 * "FILE:LINE: invalid COLUMN 'TEXT' (expected NAME, ... or NAME)". */
bool nt_value_of_field(const nt_tsv_reader *r, nt_name_set set,
                       const char *column, const char *text,
                       uint16_t *value);

/* ---- nt-keymap.c: byte-string keys to 64-bit values -------------------- */

typedef struct nt_keymap_slot nt_keymap_slot;

/* An open-addressing hash table; keys are copied. Not locked. */
typedef struct nt_keymap {
  nt_keymap_slot *slots;
  size_t cap; /* a power of two, or 0 */
  size_t count;
} nt_keymap;

/* The value of key, or NULL when absent. */
uint64_t *nt_keymap_find(const nt_keymap *m, const void *key, size_t len);

/* The value of key, inserted as 0 (*added true) when absent; NULL when
 * out of memory. The pointer is valid until the next insert. */
uint64_t *nt_keymap_insert(nt_keymap *m, const void *key, size_t len,
                           bool *added);

/* Remove every key and free the table; the map can be used again. */
void nt_keymap_clear(nt_keymap *m);

/* ---- cgroup-live.c: what this machine says about a cgroup path --------- */

/* The cgroup file system the live lookup sources look into. */
#define NT_CGROUP_ROOT "/sys/fs/cgroup"

/*
 * Whether the cgroup path (a key of CGROUPS_LOOKUP, or the path of
 * /proc/PID/cgroup) is a directory below NT_CGROUP_ROOT. A path that does
 * not start with '/' or has a ".." component is refused without touching
 * the file system (lookups.md 3.2: servers do not resolve paths); for the
 * others one stat of NT_CGROUP_ROOT followed by the path is the only
 * access.
 */
bool nt_cgroup_exists(const char *path, size_t len);

/* Orchestrator and short name recognised from the components of a path. */
typedef struct nt_cgroup_class {
  uint16_t orchestrator;
  netipc_string_view name; /* points into the path */
} nt_cgroup_class;

/*
 * kubepods -> k8s (name: the pod, "pod<uid>"); libpod -> podman and
 * docker -> docker (name: the first 12 characters of the container id);
 * systemd-nspawn@NAME.service -> nspawn; machine.slice/...qemu... -> kvm
 * (name: the machine); lxc -> lxc (the container); any other *.slice,
 * *.scope or *.service -> systemd (the last such unit); else unknown (the
 * last component, empty for "/").
 */
void nt_cgroup_classify(const char *path, size_t len, nt_cgroup_class *out);

/* ---- lookup-source.c: what `serve cgroups-lookup|apps-lookup` answers - */

/* One line of a --from-file source, its strings decoded in place. */
typedef struct nt_lookup_entry {
  char *text; /* the line: owns every string of the item */
  netipc_lookup_label *labels;
  bool wildcard; /* the "*" line: the answer for unlisted keys */
  const void *key;
  size_t key_len;
  union {
    netipc_cgroups_lookup_item cgroups;
    netipc_apps_lookup_item apps;
  } item;
} nt_lookup_entry;

typedef struct nt_lookup_source nt_lookup_source;

/* Parse the fields of one line into e (e->text holds them); prints the
 * error with the line number and returns false on a defect. */
typedef bool (*nt_lookup_parse_fn)(const nt_tsv_reader *r, char **fields,
                                   size_t n, nt_lookup_entry *e);

/* A live source of method (NETIPC_METHOD_*_LOOKUP); NULL when out of
 * memory or when the platform has no live source (nt_live_available;
 * both reported). */
nt_lookup_source *nt_lookup_source_live(uint16_t method);

/* A source read once from a TSV file, each line through parse; the first
 * line of a key wins. Prints its error and returns NULL on failure. */
nt_lookup_source *nt_lookup_source_file(uint16_t method, const char *file,
                                        nt_lookup_parse_fn parse);

/* A fixed generation (otherwise 1 for a file, the counter when live). */
void nt_lookup_source_set_generation(nt_lookup_source *s, uint64_t gen);

bool nt_lookup_source_is_live(const nt_lookup_source *s);

/* File: the entry for key, else the "*" entry, else NULL. */
const nt_lookup_entry *nt_lookup_source_find(const nt_lookup_source *s,
                                             const void *key, size_t len);

/*
 * Live: record the answer given for key (a value that identifies it, such
 * as "exists" or a start time). The generation rises by one when it
 * differs from the answer recorded before for the same key; when the
 * record is full it is emptied, which also counts as a change. Thread-safe.
 */
void nt_lookup_source_note(nt_lookup_source *s, const void *key, size_t len,
                           uint64_t answer);

/* The generation to answer with now. Thread-safe. */
uint64_t nt_lookup_source_generation(nt_lookup_source *s);

/* One request key: a path (CGROUPS_LOOKUP, borrowed from the request)
 * or a PID (APPS_LOOKUP). */
typedef struct nt_lookup_key {
  netipc_string_view path;
  uint32_t pid;
} nt_lookup_key;

/* Add the item for one key to b. */
typedef netipc_err (*nt_lookup_add_fn)(nt_lookup_source *s,
                                       const nt_lookup_key *key,
                                       netipc_lookup_builder *b);

/*
 * The body of a lookup handler (lookups.md 6): one add per key, in key
 * order, then the generation. Returns 0, or -1 after a failed add.
 */
int nt_lookup_source_answer(nt_lookup_source *s,
                            const netipc_lookup_req_view *req,
                            netipc_lookup_builder *b, nt_lookup_add_fn add);

/* Human description for --verbose. */
void nt_lookup_source_describe(const nt_lookup_source *s, char *buf,
                               size_t cap);

/*
 * Parse the trailing key=value columns fields[first..n) into e->labels
 * (split at the first '='; keys non-empty). Prints the error; false on a
 * defect.
 */
bool nt_lookup_parse_labels(const nt_tsv_reader *r, char **fields, size_t n,
                            size_t first, nt_lookup_entry *e,
                            uint16_t *count);

/* Decode field f of a line in place (nt_tsv_decode); a NUL is an error
 * naming `what`. *len gets the decoded length. */
bool nt_lookup_decode_field(const nt_tsv_reader *r, char *f,
                            const char *what, size_t *len);

void nt_lookup_source_free(nt_lookup_source *s);

/* ---- cgroups-lookup-source.c, apps-lookup-source.c: the two kinds ------ */

/*
 * CGROUPS_LOOKUP: live (file NULL: nt_cgroup_exists and
 * nt_cgroup_classify; a key's answer is whether it exists) or the TSV
 * path, status, orchestrator, name[, key=value...].
 */
nt_lookup_source *nt_cgroups_lookup_source(const char *file);

/*
 * APPS_LOOKUP: live (file NULL: /proc/PID; a PID's answer is its start
 * time, or "absent") or the TSV pid, status, cgroup_status, orchestrator,
 * ppid, uid, starttime, comm, cgroup_path, cgroup_name[, key=value...].
 */
nt_lookup_source *nt_apps_lookup_source(const char *file);

/* An UNKNOWN item for pid (lookups.md 4.4: nothing but the PID). */
void nt_apps_unknown_item(uint32_t pid, netipc_apps_lookup_item *it);

/* The netipc_lookup_handlers; user is the source. Thread-safe. */
int nt_cgroups_lookup_handler(void *user, const netipc_lookup_req_view *req,
                              netipc_lookup_builder *b);
int nt_apps_lookup_handler(void *user, const netipc_lookup_req_view *req,
                           netipc_lookup_builder *b);

/* ---- lookup-keys.c: the keys of one logical lookup, and the call ------ */

typedef struct nt_lookup_keys {
  uint16_t method;
  netipc_string_view *paths; /* CGROUPS_LOOKUP; each its own allocation */
  uint32_t *pids;            /* APPS_LOOKUP */
  size_t count, cap;
} nt_lookup_keys;

void nt_lookup_keys_init(nt_lookup_keys *k, uint16_t method);

/* A key from the command line (taken verbatim; a PID is a number).
 * Returns NT_EXIT_OK, NT_EXIT_USAGE (reported) or NT_EXIT_FAIL (memory). */
int nt_lookup_keys_arg(nt_lookup_keys *k, const char *arg);

/*
 * The keys of a file ("-": standard input): the first tab-separated field
 * of each line, in the TSV escape convention; blank and '#' lines are
 * skipped, so a lookup's TSV output is such a file. Returns NT_EXIT_OK or
 * NT_EXIT_FAIL (reported with the line number).
 */
int nt_lookup_keys_file(nt_lookup_keys *k, const char *file);

/* The bench keys 0..n-1: paths /sys/fs/cgroup/bench/cg-NNN (NNN = the
 * index, at least 3 digits) or PIDs 1000+i. NT_EXIT_OK or NT_EXIT_FAIL. */
int nt_lookup_keys_generate(nt_lookup_keys *k, size_t n);

/* Keep only the first n keys (n <= count). */
void nt_lookup_keys_truncate(nt_lookup_keys *k, size_t n);

void nt_lookup_keys_free(nt_lookup_keys *k);

/* The --service default for a lookup method: NETIPC_*_LOOKUP_SERVICE. */
const char *nt_lookup_service(const nt_options *o, uint16_t method);

/* One logical lookup of every key on c (opened for k->method). Errors are
 * reported; returns NT_EXIT_OK or NT_EXIT_FAIL. */
int nt_lookup_call(const nt_options *o, netipc_client *c,
                   const nt_lookup_keys *k, netipc_lookup_view *view);

/* What every bench answer must be: one item per key, each echoing its
 * key. Prints what is wrong; NT_EXIT_OK or NT_EXIT_FAIL. */
int nt_lookup_check(const nt_lookup_keys *k, const netipc_lookup_view *v);

#endif /* NETIPC_TOOL_H */
