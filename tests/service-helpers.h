/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * service-helpers.h - shared pieces of the Level 2 tests (level2.md):
 * instrumented typed handlers, managed servers and client contexts built
 * from one run directory, and threads with bounded joins. Portable: built
 * on test-platform.h and the public API only. The raw UDS clients and the
 * scripted raw server are in service-raw-posix.h.
 *
 * TAP output is not thread-safe: threads only record results, and the main
 * thread asserts on them after joining.
 */
#ifndef NETIPC_TESTS_SERVICE_HELPERS_H
#define NETIPC_TESTS_SERVICE_HELPERS_H

#include "tp-atomic.h"
#include <stddef.h>
#include <stdint.h>

#include <netipc/service.h>

#include "test-platform.h"

/* The auth token of every test peer (the same as the Level 1 helpers'). */
#define SVC_TOKEN TP_TOKEN

/* INCREMENT values with a meaning for svc_handler. */
#define SVC_FAIL_VALUE 0xFA11u   /* handler returns failure */
#define SVC_SLEEP_VALUE 0x51EEu  /* handler sleeps sleep_ms first */
/* STRING_REVERSE input that makes the handler fail. */
#define SVC_FAIL_STRING "fail"

/* tp_alarm(120), 600 under valgrind (NETIPC_UNDER_VALGRIND). First in main. */
void svc_alarm(void);
/* 1 when running under valgrind (the environment variable is set). */
int svc_under_valgrind(void);

/*
 * State of the instrumented handlers. Zero-initialise; every field is
 * atomic so tests may change behaviour while servers run.
 */
typedef struct svc_handler {
  atomic_uint calls;     /* handler invocations, counted on entry */
  atomic_uint finished;  /* invocations that returned */
  atomic_uint fail_next; /* > 0: fail that many next calls */
  atomic_uint sleep_ms;  /* sleep for SVC_SLEEP_VALUE */
  /* CGROUPS_SNAPSHOT: items produced and the string lengths. */
  atomic_uint cg_items;
  atomic_uint cg_name_len; /* 0: 20 */
  atomic_uint cg_path_len; /* 0: 40 */
  atomic_uint cg_generation;
} svc_handler;

int svc_increment_handler(void *user, uint64_t value, uint64_t *result);
/* Reverses; an answer larger than cap is reported by *out_len = len. */
int svc_string_reverse_handler(void *user, netipc_string_view in, char *out,
                               size_t cap, size_t *out_len);
/* cg_items items; systemd_enabled 1, generation cg_generation. */
int svc_cgroups_handler(void *user, netipc_cgroups_builder *b);

/* The strings of snapshot item i (len bytes plus a NUL; cap > len). */
void svc_cg_name(uint32_t i, size_t len, char *buf, size_t cap);
void svc_cg_path(uint32_t i, size_t len, char *buf, size_t cap);
/* 1 when item i of the view is exactly what svc_cgroups_handler made. */
int svc_cg_item_ok(const netipc_cgroups_view *v, uint32_t i, size_t name_len,
                   size_t path_len);

/* Zeroed server config: run dir, service, method, every handler on h. */
void svc_server_config(netipc_server_config *cfg, const char *dir,
                       const char *svc, uint16_t method, svc_handler *h);
/* Create and start (acceptor thread) or bail out. */
netipc_server *svc_server_start(const netipc_server_config *cfg);

/* Zeroed client config: run dir, service, SVC_TOKEN, 10 s call timeout. */
void svc_client_config(netipc_client_config *cfg, const char *dir,
                       const char *svc);
/* Create or bail out. */
netipc_client *svc_client_new(const netipc_client_config *cfg,
                              uint16_t method);
/* Refresh until READY or timeout_ms; 1 when READY. */
int svc_client_connect(netipc_client *c, int timeout_ms);
/*
 * A READY client of svc in dir with the given request proposal and batch
 * items (0: defaults), or bail out.
 */
netipc_client *svc_connected_client(const char *dir, const char *svc,
                                    uint16_t method, uint32_t rq,
                                    uint32_t batch);
netipc_client_state svc_state(const netipc_client *c);
netipc_client_status svc_status(const netipc_client *c);

/* Wait until *counter >= n; 1 on success. */
int svc_wait_count(atomic_uint *counter, unsigned n, int timeout_ms);
/* Wait until the server has exactly n live sessions; 1 on success. */
int svc_wait_sessions(netipc_server *s, uint32_t n, int timeout_ms);

/* "<dir>/<svc>.sock" exists. */
int svc_sock_exists(const char *dir, const char *svc);
/* Number of entries in dir (no . and ..), -1 on error. */
int svc_dir_entries(const char *dir);
/* Number of entries in dir whose name ends with suffix, -1 on error. */
int svc_dir_count_suffix(const char *dir, const char *suffix);

/* ---------------------------------------------------------------- */
/* Threads with bounded joins                                        */
/* ---------------------------------------------------------------- */

typedef tp_task svc_task;

void svc_task_start(svc_task *t, void (*fn)(void *arg), void *arg);
/* 1 when the task has finished (not joined yet). */
int svc_task_done(svc_task *t);
/*
 * Wait up to timeout_ms for the task, then join it. Returns 1 when it
 * finished in time; bails out otherwise (a hung thread cannot be joined).
 */
int svc_task_join(svc_task *t, int timeout_ms, const char *what);

#endif /* NETIPC_TESTS_SERVICE_HELPERS_H */
