/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * cgroups-snapshot: encode a CGROUPS_SNAPSHOT response with the builder,
 * decode it with the zero-copy view and print it, one TSV line per item
 * (hash, options, enabled, name, path). Shows the codec round trip without
 * any transport.
 */
#include <stdio.h>
#include <string.h>

#include <netipc/netipc.h>

#define EXAMPLE_BUF_LEN 4096
#define EXAMPLE_GENERATION 1
#define EXAMPLE_SYSTEMD_ENABLED 1

struct sample {
  uint32_t options;
  uint32_t enabled;
  const char *name;
  const char *path;
};

static const struct sample samples[] = {
    {0, 1, "init.scope", "/sys/fs/cgroup/init.scope"},
    {0, 1, "system.slice/ssh.service", "/sys/fs/cgroup/system.slice/ssh.service"},
    {0x2, 0, "user.slice", "/sys/fs/cgroup/user.slice"},
};

static int
fail(const char *what, netipc_err err)
{
  fprintf(stderr, "cgroups-snapshot: %s: %s (%s)\n", what,
          netipc_strerror(err), netipc_err_name(err));
  return 1;
}

int
main(void)
{
  static uint8_t buf[EXAMPLE_BUF_LEN];
  netipc_cgroups_builder b;
  netipc_err err = netipc_cgroups_builder_init(
      &b, buf, sizeof buf, 0, EXAMPLE_SYSTEMD_ENABLED, EXAMPLE_GENERATION);
  if (err != NETIPC_OK)
    return fail("builder init", err);
  for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
    const struct sample *s = &samples[i];
    size_t name_len = strlen(s->name);
    err = netipc_cgroups_builder_add(&b, netipc_simple_hash(s->name, name_len),
                                     s->options, s->enabled, s->name, name_len,
                                     s->path, strlen(s->path));
    if (err != NETIPC_OK)
      return fail("builder add", err);
  }
  size_t len;
  if ((err = netipc_cgroups_builder_finish(&b, &len)) != NETIPC_OK)
    return fail("builder finish", err);

  netipc_cgroups_view view;
  if ((err = netipc_cgroups_view_decode(buf, len, &view)) != NETIPC_OK)
    return fail("decode", err);
  printf("# netipc %s: payload=%zu bytes generation=%llu systemd_enabled=%u "
         "items=%u\n",
         netipc_version_string(), len, (unsigned long long)view.generation,
         view.systemd_enabled, view.item_count);
  for (uint32_t i = 0; i < view.item_count; i++) {
    netipc_cgroups_item_view it;
    if ((err = netipc_cgroups_view_item(&view, i, &it)) != NETIPC_OK)
      return fail("item", err);
    printf("0x%08x\t%u\t%u\t%.*s\t%.*s\n", it.hash, it.options, it.enabled,
           (int)it.name.len, it.name.ptr, (int)it.path.len, it.path.ptr);
  }
  return 0;
}
