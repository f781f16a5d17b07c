/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lookup-helpers.h - shared pieces of the lookup service tests
 * (lookups.md 5-8): test keys, the answer a test provider gives for each
 * key (derived from the key alone, so a result can be checked without
 * knowing how the call was split), an instrumented managed-server handler
 * that gives those answers and records every request it sees, and checkers
 * for the items of a result view.
 *
 * TAP output is not thread-safe: the handler only records, and the main
 * thread asserts after the calls.
 */
#ifndef NETIPC_TESTS_LOOKUP_HELPERS_H
#define NETIPC_TESTS_LOOKUP_HELPERS_H

#include "tp-atomic.h"
#include <stddef.h>
#include <stdint.h>

#include <netipc/service.h>

#include "test-platform.h"

/* Room for one derived string (name, comm, ...) including any padding. */
#define LKH_STR 4096u
/* Largest extra name padding a test may ask for. */
#define LKH_PAD_MAX 2048u
/* Requests whose shape the handler remembers. */
#define LKH_MAX_RECORD 64u
/* Bytes of a request's first path the record keeps. */
#define LKH_KEY_COPY 64u

/* ---- keys ----------------------------------------------------------- */

/*
 * Path i: "/sys/fs/cgroup/cg-%05u" followed by i % 7 'x' bytes, so the
 * keys have varying lengths and alignments. Returns its length.
 */
uint32_t lkh_path(uint32_t i, char *buf, size_t cap);

/* n paths in one allocation; free with lkh_paths_free. Bails out on ENOMEM. */
netipc_string_view *lkh_paths_new(uint32_t n);
void lkh_paths_free(netipc_string_view *paths, uint32_t n);

/* A path of len bytes: '/' then 'L's (len >= 1). Caller frees. */
char *lkh_long_path(uint32_t len);

/* ---- the derived answers --------------------------------------------- */

/*
 * CGROUPS_LOOKUP answer for a path: KNOWN, K8S, name "name-" + path +
 * pad 'x' bytes, labels {"len", decimal path length} and {"tag", ""}.
 */
typedef struct lkh_cg_answer {
  netipc_cgroups_lookup_item item;
  netipc_lookup_label labels[2];
  char name[LKH_STR];
  char len[16];
} lkh_cg_answer;

void lkh_cg_answer_make(lkh_cg_answer *a, netipc_string_view path,
                        uint32_t pad);

/*
 * APPS_LOOKUP answer for a PID: KNOWN, cgroup KNOWN, DOCKER, ppid pid/2,
 * uid pid % 65536, starttime pid * 1000003, comm "c<pid>", cgroup path
 * "/cg/<pid>", cgroup name "n-<pid>" + pad 'x' bytes, label
 * {"pid", decimal pid}.
 */
typedef struct lkh_apps_answer {
  netipc_apps_lookup_item item;
  netipc_lookup_label labels[1];
  char comm[16];
  char path[32];
  char name[LKH_STR];
  char pid[16];
} lkh_apps_answer;

void lkh_apps_answer_make(lkh_apps_answer *a, uint32_t pid, uint32_t pad);

/* The OVERSIZED_ITEM answer for a PID (every field empty, uid unset). */
void lkh_apps_oversized_make(netipc_apps_lookup_item *it, uint32_t pid);

/* ---- checkers -------------------------------------------------------- */

/*
 * 1 when item i of v is exactly the derived answer for key (with pad), or,
 * with oversized set, an OVERSIZED_ITEM placeholder echoing key.
 */
int lkh_cg_item_ok(const netipc_lookup_view *v, uint32_t i,
                   netipc_string_view key, uint32_t pad, int oversized);
int lkh_apps_item_ok(const netipc_lookup_view *v, uint32_t i, uint32_t pid,
                     uint32_t pad, int oversized);

/*
 * Index of the first item of v (n keys) that is not right, or n when all
 * are (oversized_at: the one key the provider marks OVERSIZED_ITEM, or
 * UINT32_MAX). v must hold exactly n items.
 */
uint32_t lkh_cg_first_bad(const netipc_lookup_view *v,
                          const netipc_string_view *keys, uint32_t n,
                          uint32_t pad, uint32_t oversized_at);
uint32_t lkh_apps_first_bad(const netipc_lookup_view *v, const uint32_t *pids,
                            uint32_t n, uint32_t pad, uint32_t oversized_at);

/* ---- the instrumented provider ---------------------------------------- */

/* What one handler invocation saw. */
typedef struct lkh_record {
  uint32_t count;              /* keys in the request */
  uint32_t first_pid;          /* APPS_LOOKUP: key 0 */
  char first_path[LKH_KEY_COPY + 1]; /* CGROUPS_LOOKUP: key 0 (cut) */
  uint32_t exceeded_at;        /* first PAYLOAD_EXCEEDED the builder wrote,
                                  or count */
} lkh_record;

/*
 * Handler state; zero it with lkh_state_init. Fields marked "set" may be
 * changed by a test between calls (they are atomic).
 */
typedef struct lkh_state {
  uint64_t generation;      /* set before the server starts */
  atomic_uint name_pad;     /* set: extra name bytes (<= LKH_PAD_MAX) */
  atomic_uint sleep_ms;     /* set: sleep at the start of every call */
  atomic_uint oversized_pid; /* set: this PID gets OVERSIZED_ITEM; 0 none */
  char oversized_path[LKH_KEY_COPY + 1]; /* set before use: "" none */
  atomic_int rendezvous;    /* set: wait (<= 3 s) until 2 calls began */
  /* results */
  atomic_uint calls;
  atomic_uint keys;         /* keys seen over all calls */
  atomic_uint inside;
  atomic_uint max_inside;   /* most calls running at once */
  atomic_uint rendezvous_missed; /* a rendezvous wait that timed out */
  netipc__mutex *lock;      /* guards nrec and rec */
  uint32_t nrec;
  lkh_record rec[LKH_MAX_RECORD];
} lkh_state;

void lkh_state_init(lkh_state *st, uint64_t generation);
void lkh_state_destroy(lkh_state *st);
/* Copy of record i under the lock (zeroed when i >= nrec). */
lkh_record lkh_record_get(lkh_state *st, uint32_t i);
uint32_t lkh_record_count(lkh_state *st);

/*
 * The handler (both methods; user is an lkh_state): every key gets its
 * derived answer through the request-backed add (CGROUPS_LOOKUP) or with
 * the key's PID, under st->generation. Returns -1 after a failed add.
 */
int lkh_handler(void *user, const netipc_lookup_req_view *req,
                netipc_lookup_builder *b);

/*
 * A managed server of method in dir/svc with lkh_handler on st and the
 * given request and response limits (0: defaults) and profiles (0:
 * baseline); bails out on error.
 */
netipc_server *lkh_server_start(const char *dir, const char *svc,
                                uint16_t method, lkh_state *st, uint32_t rq,
                                uint32_t rs, uint32_t profiles);

#endif /* NETIPC_TESTS_LOOKUP_HELPERS_H */
