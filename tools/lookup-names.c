/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The names of the lookup statuses and orchestrators (lookups.md 2.4-2.5)
 * that the lookup commands print and `serve ... --from-file` reads: one
 * table per enumeration, so printing and parsing cannot disagree.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "netipc-tool.h"

typedef struct nt_name {
  uint16_t value;
  const char *name;
} nt_name;

static const nt_name cgroups_status[] = {
    {NETIPC_CGROUPS_LOOKUP_KNOWN, "known"},
    {NETIPC_CGROUPS_LOOKUP_UNKNOWN_RETRY_LATER, "unknown-retry"},
    {NETIPC_CGROUPS_LOOKUP_UNKNOWN_PERMANENT, "unknown-permanent"},
    {NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM, "oversized-item"},
};

static const nt_name apps_status[] = {
    {NETIPC_APPS_LOOKUP_KNOWN, "known"},
    {NETIPC_APPS_LOOKUP_UNKNOWN, "unknown"},
    {NETIPC_APPS_LOOKUP_OVERSIZED_ITEM, "oversized-item"},
};

static const nt_name apps_cgroup_status[] = {
    {NETIPC_APPS_CGROUP_KNOWN, "known"},
    {NETIPC_APPS_CGROUP_UNKNOWN_RETRY_LATER, "unknown-retry"},
    {NETIPC_APPS_CGROUP_UNKNOWN_PERMANENT, "unknown-permanent"},
    {NETIPC_APPS_CGROUP_HOST_ROOT, "host-root"},
};

static const nt_name orchestrators[] = {
    {NETIPC_ORCHESTRATOR_UNKNOWN, "unknown"},
    {NETIPC_ORCHESTRATOR_SYSTEMD, "systemd"},
    {NETIPC_ORCHESTRATOR_DOCKER, "docker"},
    {NETIPC_ORCHESTRATOR_K8S, "k8s"},
    {NETIPC_ORCHESTRATOR_KVM, "kvm"},
    {NETIPC_ORCHESTRATOR_LXC, "lxc"},
    {NETIPC_ORCHESTRATOR_PODMAN, "podman"},
    {NETIPC_ORCHESTRATOR_NSPAWN, "nspawn"},
};

#define TABLE(t) {(t), sizeof(t) / sizeof((t)[0])}
/* Room for every name of a set, separated, and the number hint. */
#define NAMES_LIST_MAX 160

static const struct {
  const nt_name *names;
  size_t count;
} sets[] = {
    [NT_NAMES_CGROUPS_STATUS] = TABLE(cgroups_status),
    [NT_NAMES_APPS_STATUS] = TABLE(apps_status),
    [NT_NAMES_APPS_CGROUP_STATUS] = TABLE(apps_cgroup_status),
    [NT_NAMES_ORCHESTRATOR] = TABLE(orchestrators),
};

const char *
nt_name_of(nt_name_set set, uint16_t value)
{
  for (size_t i = 0; i < sets[set].count; i++)
    if (sets[set].names[i].value == value)
      return sets[set].names[i].name;
  return NULL;
}

bool
nt_value_of(nt_name_set set, const char *name, uint16_t *value)
{
  for (size_t i = 0; i < sets[set].count; i++) {
    if (strcmp(sets[set].names[i].name, name) == 0) {
      *value = sets[set].names[i].value;
      return true;
    }
  }
  uint64_t v;
  if (set != NT_NAMES_ORCHESTRATOR || !nt_parse_u64(name, 0, UINT16_MAX, &v))
    return false;
  *value = (uint16_t)v;
  return true;
}

/* "a, b, c or d" (plus " or a number up to 65535" for orchestrators). */
static void
list_names(nt_name_set set, char *buf, size_t cap)
{
  size_t used = 0, n = sets[set].count;
  bool numbers = set == NT_NAMES_ORCHESTRATOR;
  buf[0] = '\0';
  for (size_t i = 0; i < n && used < cap; i++) {
    const char *sep = i == 0 ? "" : (i + 1 == n && !numbers ? " or " : ", ");
    int w = snprintf(buf + used, cap - used, "%s%s", sep,
                     sets[set].names[i].name);
    used += w > 0 ? (size_t)w : 0;
  }
  if (numbers && used < cap) /* a hint for a message: may be cut short */
    (void)snprintf(buf + used, cap - used, " or a number up to %u",
                   UINT16_MAX);
}

bool
nt_value_of_field(const nt_tsv_reader *r, nt_name_set set,
                  const char *column, const char *text, uint16_t *value)
{
  if (nt_value_of(set, text, value))
    return true;
  char expected[NAMES_LIST_MAX];
  list_names(set, expected, sizeof expected);
  nt_tsv_error(r, "invalid %s '%s' (expected %s)", column, text, expected);
  return false;
}
