/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What this machine says about a cgroup path, for the live sources of
 * `serve cgroups-lookup` and `serve apps-lookup` (POSIX: on Windows they
 * need --from-file): whether the directory exists below /sys/fs/cgroup
 * (one stat, and none at all for a path that could leave that tree), and
 * the orchestrator and short name recognised from the path's components
 * the way container runtimes and systemd name their cgroups.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "netipc-tool.h"
#include "nt-platform.h"

/* Room for NT_CGROUP_ROOT and a key; a longer key is no cgroup here. */
#define CG_FULL_PATH_MAX 4096

/* `docker ps` shows container ids by their first 12 characters. */
#define SHORT_ID_LEN 12u

typedef netipc_string_view comp;

/* The next '/'-separated component at or after *pos (empty ones skipped);
 * false at the end. */
static bool
next_component(const char *path, size_t len, size_t *pos, comp *out)
{
  size_t i = *pos;
  while (i < len && path[i] == '/')
    i++;
  if (i >= len)
    return false;
  size_t start = i;
  while (i < len && path[i] != '/')
    i++;
  out->ptr = path + start;
  out->len = (uint32_t)(i - start);
  *pos = i;
  return true;
}

static bool
comp_is(comp c, const char *s)
{
  return c.len == strlen(s) && memcmp(c.ptr, s, c.len) == 0;
}

static bool
has_prefix(comp c, const char *s)
{
  size_t n = strlen(s);
  return c.len >= n && memcmp(c.ptr, s, n) == 0;
}

static bool
has_suffix(comp c, const char *s)
{
  size_t n = strlen(s);
  return c.len >= n && memcmp(c.ptr + c.len - n, s, n) == 0;
}

/* c without the prefix or the suffix s, when it has it. */
static comp
strip_prefix(comp c, const char *s)
{
  if (!has_prefix(c, s))
    return c;
  size_t n = strlen(s);
  comp r = {c.ptr + n, (uint32_t)(c.len - n)};
  return r;
}

static comp
strip_suffix(comp c, const char *s)
{
  if (has_suffix(c, s))
    c.len -= (uint32_t)strlen(s);
  return c;
}

static bool
contains(comp c, const char *s)
{
  size_t n = strlen(s);
  for (size_t i = 0; i + n <= c.len; i++)
    if (memcmp(c.ptr + i, s, n) == 0)
      return true;
  return false;
}

static comp
short_id(comp c)
{
  if (c.len > SHORT_ID_LEN)
    c.len = SHORT_ID_LEN;
  return c;
}

bool
nt_cgroup_exists(const char *path, size_t len)
{
  if (len == 0 || path[0] != '/')
    return false;
  size_t pos = 0;
  comp c;
  while (next_component(path, len, &pos, &c))
    if (comp_is(c, ".."))
      return false;
  char full[CG_FULL_PATH_MAX];
  int n = snprintf(full, sizeof full, "%s%.*s", NT_CGROUP_ROOT, (int)len,
                   path);
  if (n < 0 || (size_t)n >= sizeof full)
    return false;
  return nt_os_is_directory(full);
}

/* ---- recognition ------------------------------------------------------- */

/* What the components seen so far say, strongest orchestrator first. */
typedef struct classify_state {
  bool kubepods, in_docker, in_lxc, in_machine;
  comp pod, podman, docker, nspawn, kvm, lxc, unit, last;
} classify_state;

/* "machine-qemu\x2d1\x2dvm.scope" or "qemu-1-vm.libvirt-qemu": "vm". */
static comp
kvm_name(comp c)
{
  c = strip_suffix(strip_suffix(strip_prefix(c, "machine-"), ".scope"),
                   ".libvirt-qemu");
  const char *sep = has_prefix(c, "qemu\\x2d") ? "\\x2d" : "-";
  comp rest = strip_prefix(strip_prefix(c, "qemu"), sep);
  if (rest.len == c.len)
    return c;
  size_t digits = 0;
  while (digits < rest.len && rest.ptr[digits] >= '0' && rest.ptr[digits] <= '9')
    digits++;
  comp after = {rest.ptr + digits, (uint32_t)(rest.len - digits)};
  comp name = strip_prefix(after, sep);
  return digits > 0 && name.len < after.len ? name : c;
}

static bool
is_unit(comp c)
{
  return has_suffix(c, ".slice") || has_suffix(c, ".scope") ||
         has_suffix(c, ".service");
}

/* "pod<uid>" (cgroupfs driver) or "kubepods-<qos>-pod<uid>.slice"
 * (systemd driver): "pod<uid>"; otherwise no name. */
static comp
pod_name(comp c)
{
  static const char marker[] = "-pod";
  comp none = {NULL, 0};
  if (has_prefix(c, "pod"))
    return strip_suffix(c, ".slice");
  if (!has_prefix(c, "kubepods"))
    return none;
  for (size_t i = c.len; i-- > 0;) {
    comp tail = {c.ptr + i, (uint32_t)(c.len - i)};
    if (has_prefix(tail, marker))
      return strip_suffix(strip_prefix(tail, "-"), ".slice");
  }
  return none;
}

/* Containers and pods. */
static void
classify_runtime(classify_state *s, comp c)
{
  if (has_prefix(c, "kubepods"))
    s->kubepods = true;
  if (s->kubepods && s->pod.ptr == NULL)
    s->pod = pod_name(c);
  if (has_prefix(c, "libpod-") && s->podman.ptr == NULL)
    s->podman = short_id(strip_suffix(
        strip_prefix(strip_prefix(c, "libpod-"), "conmon-"), ".scope"));
  if (s->docker.ptr == NULL && has_prefix(c, "docker-") &&
      has_suffix(c, ".scope"))
    s->docker = short_id(strip_suffix(strip_prefix(c, "docker-"), ".scope"));
  else if (s->docker.ptr == NULL && s->in_docker)
    s->docker = short_id(c);
  s->in_docker = comp_is(c, "docker");
}

/* Machines, system containers and systemd units. */
static void
classify_system(classify_state *s, comp c)
{
  if (has_prefix(c, "systemd-nspawn@") && has_suffix(c, ".service"))
    s->nspawn =
        strip_suffix(strip_prefix(c, "systemd-nspawn@"), ".service");
  if (s->in_machine && contains(c, "qemu") && s->kvm.ptr == NULL)
    s->kvm = kvm_name(c);
  s->in_machine = s->in_machine || comp_is(c, "machine.slice") ||
                  comp_is(c, "machine");
  if (s->lxc.ptr == NULL && s->in_lxc)
    s->lxc = c;
  else if (s->lxc.ptr == NULL && has_prefix(c, "lxc.payload."))
    s->lxc = strip_prefix(c, "lxc.payload.");
  else if (s->lxc.ptr == NULL && has_prefix(c, "lxc.monitor."))
    s->lxc = strip_prefix(c, "lxc.monitor.");
  s->in_lxc = comp_is(c, "lxc");
  if (is_unit(c))
    s->unit = c;
  s->last = c;
}

void
nt_cgroup_classify(const char *path, size_t len, nt_cgroup_class *out)
{
  classify_state s;
  memset(&s, 0, sizeof s);
  size_t pos = 0;
  comp c;
  while (next_component(path, len, &pos, &c)) {
    classify_runtime(&s, c);
    classify_system(&s, c);
  }
  const struct {
    bool match;
    uint16_t orchestrator;
    comp name;
  } rules[] = {
      {s.kubepods, NETIPC_ORCHESTRATOR_K8S, s.pod.ptr ? s.pod : s.last},
      {s.podman.ptr != NULL, NETIPC_ORCHESTRATOR_PODMAN, s.podman},
      {s.docker.ptr != NULL, NETIPC_ORCHESTRATOR_DOCKER, s.docker},
      {s.nspawn.ptr != NULL, NETIPC_ORCHESTRATOR_NSPAWN, s.nspawn},
      {s.kvm.ptr != NULL, NETIPC_ORCHESTRATOR_KVM, s.kvm},
      {s.lxc.ptr != NULL, NETIPC_ORCHESTRATOR_LXC, s.lxc},
      {s.unit.ptr != NULL, NETIPC_ORCHESTRATOR_SYSTEMD, s.unit},
  };
  out->orchestrator = NETIPC_ORCHESTRATOR_UNKNOWN;
  out->name = s.last;
  for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
    if (rules[i].match) {
      out->orchestrator = rules[i].orchestrator;
      out->name = rules[i].name;
      return;
    }
  }
}
