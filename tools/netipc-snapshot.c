/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * `netipc snapshot [--json]`: fetch one CGROUPS_SNAPSHOT, validate every
 * item, print it as TSV (the --from-file format) or JSON.
 *
 * Fetching is isolated in snapshot_fetch()/snapshot_release(): today one
 * Level 2 refresh + call; the Level 3 cache replaces just those two.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netipc-tool.h"

typedef struct nt_snapshot {
  uint64_t generation;
  uint32_t systemd_enabled;
  uint32_t count;
  netipc_cgroups_item_view *items; /* views into the owner's buffer */
  netipc_client *client;           /* owns the buffer (Level 2) */
} nt_snapshot;

static void
snapshot_release(nt_snapshot *s)
{
  free(s->items);
  netipc_client_destroy(s->client);
  memset(s, 0, sizeof *s);
}

static int
snapshot_fetch(const nt_options *o, const char *service, nt_snapshot *out)
{
  memset(out, 0, sizeof *out);
  int rc = nt_client_open(o, service, NETIPC_METHOD_CGROUPS_SNAPSHOT, 0,
                          &out->client);
  if (rc != NT_EXIT_OK)
    return rc;
  uint64_t shown = 0;
  nt_client_verbose(o, service, out->client, &shown);
  netipc_cgroups_view view;
  netipc_err err = netipc_client_cgroups_snapshot(out->client, 0, &view);
  nt_client_verbose(o, service, out->client, &shown);
  if (err != NETIPC_OK) {
    rc = nt_client_fail(o, service, out->client, "snapshot", err);
    snapshot_release(out);
    return rc;
  }
  uint32_t bad = 0;
  if ((err = netipc_cgroups_view_validate(&view, &bad)) != NETIPC_OK) {
    rc = nt_error("service '%s' in %s: invalid snapshot item %u: %s",
                  service, o->run_dir, bad, netipc_strerror(err));
    snapshot_release(out);
    return rc;
  }
  out->generation = view.generation;
  out->systemd_enabled = view.systemd_enabled;
  out->count = view.item_count;
  if (view.item_count > 0) {
    out->items = calloc(view.item_count, sizeof *out->items);
    if (out->items == NULL) {
      snapshot_release(out);
      return nt_error("out of memory for %u items", view.item_count);
    }
  }
  for (uint32_t i = 0; i < view.item_count; i++) {
    if ((err = netipc_cgroups_view_item(&view, i, &out->items[i])) !=
        NETIPC_OK) {
      rc = nt_error("service '%s' in %s: invalid snapshot item %u: %s",
                    service, o->run_dir, i, netipc_strerror(err));
      snapshot_release(out);
      return rc;
    }
  }
  if (o->verbose)
    fprintf(stderr, "netipc: snapshot: %u items, %zu payload bytes\n",
            view.item_count, view.payload_len);
  return NT_EXIT_OK;
}

/* TSV: control bytes would break the line format, so they become \xHH. */
static void
tsv_string(netipc_string_view s)
{
  for (uint32_t i = 0; i < s.len; i++) {
    unsigned char c = (unsigned char)s.ptr[i];
    if (c < 0x20 || c == 0x7f)
      printf("\\x%02x", c);
    else
      putchar(c);
  }
}

static void
print_tsv(const nt_snapshot *s)
{
  printf("# generation=%llu systemd_enabled=%u items=%u\n",
         (unsigned long long)s->generation, s->systemd_enabled, s->count);
  for (uint32_t i = 0; i < s->count; i++) {
    const netipc_cgroups_item_view *it = &s->items[i];
    printf("%u\t%u\t%u\t", it->hash, it->options, it->enabled);
    tsv_string(it->name);
    putchar('\t');
    tsv_string(it->path);
    putchar('\n');
  }
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 if none. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
  unsigned char c = p[0];
  size_t len;
  uint32_t cp;
  if (c < 0x80)
    return 1;
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
    cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    cp = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (n < len)
    return 0;
  for (size_t i = 1; i < len; i++) {
    if ((p[i] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (p[i] & 0x3f);
  }
  if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
      (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
    return 0;
  return len;
}

/*
 * JSON string: quote, backslash and control characters escaped (\u00XX);
 * valid UTF-8 copied; any other byte is shown as \u00XX (its Latin-1
 * reading) so the output is always valid JSON.
 */
static void
json_string(netipc_string_view s)
{
  const unsigned char *p = (const unsigned char *)s.ptr;
  size_t n = s.len;
  putchar('"');
  for (size_t i = 0; i < n;) {
    unsigned char c = p[i];
    if (c == '"' || c == '\\') {
      putchar('\\');
      putchar(c);
      i++;
      continue;
    }
    if (c < 0x20) {
      printf("\\u%04x", c);
      i++;
      continue;
    }
    size_t len = utf8_len(p + i, n - i);
    if (len == 0) {
      printf("\\u%04x", c);
      i++;
      continue;
    }
    fwrite(p + i, 1, len, stdout);
    i += len;
  }
  putchar('"');
}

static void
print_json(const nt_snapshot *s)
{
  printf("{\"generation\":%llu,\"systemd_enabled\":%u,\"items\":[",
         (unsigned long long)s->generation, s->systemd_enabled);
  for (uint32_t i = 0; i < s->count; i++) {
    const netipc_cgroups_item_view *it = &s->items[i];
    printf("%s{\"hash\":%u,\"options\":%u,\"enabled\":%u,\"name\":",
           i ? "," : "", it->hash, it->options, it->enabled);
    json_string(it->name);
    fputs(",\"path\":", stdout);
    json_string(it->path);
    putchar('}');
  }
  fputs("]}\n", stdout);
}

int
nt_cmd_snapshot(const nt_options *o, int argc, char **argv)
{
  /* argv[0] is "snapshot". */
  bool json = false;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0)
      json = true;
    else if (argv[i][0] == '-')
      return nt_usage_error("snapshot: unknown option '%s'", argv[i]);
    else
      return nt_usage_error("snapshot: unexpected argument '%s'", argv[i]);
  }
  const char *service = o->service ? o->service : "cgroups-snapshot";
  nt_snapshot snap;
  int rc = snapshot_fetch(o, service, &snap);
  if (rc != NT_EXIT_OK)
    return rc;
  if (json)
    print_json(&snap);
  else
    print_tsv(&snap);
  snapshot_release(&snap);
  return nt_finish_stdout(NT_EXIT_OK);
}
