/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Windows stand-ins for the live sources of cgroups-tree-posix.c and
 * apps-proc-posix.c: Windows has neither /sys/fs/cgroup nor /proc, so
 * `serve cgroups-snapshot`, `serve cgroups-lookup` and `serve apps-lookup`
 * need --from-file there. nt_live_available (nt-os-windows.c) refuses the
 * live sources before any of these is reached; they still answer safely.
 */
#include "config.h"

#include <string.h>

#include "netipc-tool.h"
#include "nt-platform.h"

struct nt_cgroups_tree {
  int unused; /* never created */
};

nt_cgroups_tree *
nt_cgroups_tree_open(const char *dir)
{
  nt_error("serve cgroups-snapshot: cannot walk %s on Windows (no cgroup "
           "file system); use --from-file FILE",
           dir != NULL ? dir : NT_CGROUP_ROOT);
  return NULL;
}

int
nt_cgroups_tree_walk(const nt_cgroups_tree *t, netipc_cgroups_builder *b)
{
  (void)t;
  (void)b;
  return -1;
}

const char *
nt_cgroups_tree_root(const nt_cgroups_tree *t)
{
  (void)t;
  return NT_CGROUP_ROOT;
}

uint32_t
nt_cgroups_tree_systemd(const nt_cgroups_tree *t)
{
  (void)t;
  return 0;
}

void
nt_cgroups_tree_free(nt_cgroups_tree *t)
{
  (void)t;
}

void
nt_proc_lookup(uint32_t pid, nt_proc_info *p)
{
  memset(p, 0, sizeof *p);
  nt_apps_unknown_item(pid, &p->item);
}
