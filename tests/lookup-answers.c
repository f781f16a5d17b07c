/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lookup-answers.c - the README's handler answers for the recorded lookup
 * calls (vectors/README.md, "Logical-call vectors").
 *
 * CGROUPS_LOOKUP: /cg/a KNOWN, K8S, name pod-a, label k=v; /cg/big KNOWN,
 * DOCKER, a 300-byte name of 'x'; /cg/c KNOWN, SYSTEMD, name pod-c; any
 * other path UNKNOWN_PERMANENT.
 *
 * APPS_LOOKUP: 1001 KNOWN (cgroup KNOWN, DOCKER, nginx, /docker/abc, web,
 * role=api); 1002 KNOWN (HOST_ROOT, sshd); 1003 UNKNOWN; 1004 KNOWN
 * (cgroup UNKNOWN_RETRY_LATER, worker, /pending); any other PID KNOWN
 * (cgroup KNOWN, SYSTEMD, starttime 5000 + pid, proc, /cg/x, n).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "lookup-answers.h"
#include "strview.h"

#define OTHER_STARTTIME_BASE 5000u

static uint64_t answers_generation;

void
lookup_answers_set_generation(uint64_t g)
{
  answers_generation = g;
}

static int
path_is(netipc_string_view p, const char *s)
{
  size_t n = strlen(s);
  return p.len == n && memcmp(p.ptr, s, n) == 0;
}

/* ---- CGROUPS_LOOKUP ---------------------------------------------------- */

/* big_name: LOOKUP_ANSWERS_BIG_NAME_LEN bytes of 'x', owned by the caller. */
static void
cgroups_answer(netipc_string_view path, const char *big_name,
               netipc_cgroups_lookup_item *it, netipc_lookup_label *label)
{
  memset(it, 0, sizeof *it);
  it->path = path; /* the request-backed add ignores it */
  if (path_is(path, "/cg/a")) {
    it->status = NETIPC_CGROUPS_LOOKUP_KNOWN;
    it->orchestrator = NETIPC_ORCHESTRATOR_K8S;
    it->name = sv("pod-a");
    label->key = sv("k");
    label->value = sv("v");
    it->labels = label;
    it->label_count = 1;
  } else if (path_is(path, "/cg/big")) {
    it->status = NETIPC_CGROUPS_LOOKUP_KNOWN;
    it->orchestrator = NETIPC_ORCHESTRATOR_DOCKER;
    it->name.ptr = big_name;
    it->name.len = LOOKUP_ANSWERS_BIG_NAME_LEN;
  } else if (path_is(path, "/cg/c")) {
    it->status = NETIPC_CGROUPS_LOOKUP_KNOWN;
    it->orchestrator = NETIPC_ORCHESTRATOR_SYSTEMD;
    it->name = sv("pod-c");
  } else {
    it->status = NETIPC_CGROUPS_LOOKUP_UNKNOWN_PERMANENT;
  }
}

/* ---- APPS_LOOKUP ------------------------------------------------------- */

static void
apps_answer(uint32_t pid, netipc_apps_lookup_item *it,
            netipc_lookup_label *label)
{
  memset(it, 0, sizeof *it);
  it->pid = pid;
  it->status = NETIPC_APPS_LOOKUP_KNOWN;
  it->ppid = 1;
  switch (pid) {
  case 1001:
    it->cgroup_status = NETIPC_APPS_CGROUP_KNOWN;
    it->orchestrator = NETIPC_ORCHESTRATOR_DOCKER;
    it->uid = 1000;
    it->starttime = 4242;
    it->comm = sv("nginx");
    it->cgroup_path = sv("/docker/abc");
    it->cgroup_name = sv("web");
    label->key = sv("role");
    label->value = sv("api");
    it->labels = label;
    it->label_count = 1;
    break;
  case 1002:
    it->cgroup_status = NETIPC_APPS_CGROUP_HOST_ROOT;
    it->uid = 0;
    it->starttime = 4343;
    it->comm = sv("sshd");
    break;
  case 1003:
    it->status = NETIPC_APPS_LOOKUP_UNKNOWN;
    it->ppid = 0;
    it->uid = NETIPC_APPS_LOOKUP_UID_UNSET;
    break;
  case 1004:
    it->cgroup_status = NETIPC_APPS_CGROUP_UNKNOWN_RETRY_LATER;
    it->uid = 1001;
    it->starttime = 4444;
    it->comm = sv("worker");
    it->cgroup_path = sv("/pending");
    break;
  default:
    it->cgroup_status = NETIPC_APPS_CGROUP_KNOWN;
    it->orchestrator = NETIPC_ORCHESTRATOR_SYSTEMD;
    it->uid = 1000;
    it->starttime = OTHER_STARTTIME_BASE + (uint64_t)pid;
    it->comm = sv("proc");
    it->cgroup_path = sv("/cg/x");
    it->cgroup_name = sv("n");
    break;
  }
}

/* ---- both --------------------------------------------------------------- */

/* Add the answer to every key of *req (either method) to b. */
static int
answer_keys(const netipc_lookup_req_view *req, netipc_lookup_builder *b)
{
  char big_name[LOOKUP_ANSWERS_BIG_NAME_LEN]; /* per call: handlers run
                                                 concurrently */
  memset(big_name, 'x', sizeof big_name);
  for (uint32_t i = 0; i < req->item_count; i++) {
    netipc_lookup_label label;
    netipc_err err;
    if (req->method == NETIPC_METHOD_APPS_LOOKUP) {
      uint32_t pid;
      netipc_apps_lookup_item it;
      if (netipc_apps_lookup_req_pid(req, i, &pid) != NETIPC_OK)
        return -1;
      apps_answer(pid, &it, &label);
      err = netipc_apps_lookup_builder_add(b, &it);
    } else {
      netipc_string_view path;
      netipc_cgroups_lookup_item it;
      if (netipc_cgroups_lookup_req_path(req, i, &path) != NETIPC_OK)
        return -1;
      cgroups_answer(path, big_name, &it, &label);
      err = netipc_cgroups_lookup_builder_add_key(b, &it);
    }
    if (err != NETIPC_OK)
      return -1;
  }
  return 0;
}

int
lookup_answers_handler(void *user, const netipc_lookup_req_view *req,
                       netipc_lookup_builder *b)
{
  (void)user;
  if (req == NULL || b == NULL)
    return -1;
  netipc_lookup_builder_set_generation(b, answers_generation);
  if (req->method != NETIPC_METHOD_CGROUPS_LOOKUP &&
      req->method != NETIPC_METHOD_APPS_LOOKUP)
    return -1;
  return answer_keys(req, b);
}
