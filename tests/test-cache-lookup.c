/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-cache-lookup - Level 3 cache: creation without a provider, the first
 * publication, lookup rules (level3.md 5-6), snapshot order, duplicates,
 * hash collisions, empty snapshots and names, inner NULs, copies that
 * outlive their guard, and a 100 000-item snapshot with long strings.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netipc/cache.h>

#include "cache-helpers.h"
#include "service-raw-posix.h"
#include "tap.h"

static char g_dir[128];

/* The fixed snapshot of the lookup rules (systemd 1, generation 77). */
enum {
  IX_ALPHA = 0,
  IX_BETA,
  IX_EMPTY,
  IX_DUP_FIRST,
  IX_GAMMA,
  IX_DUP_SECOND,
  IX_DUP_OTHER_HASH,
  IX_SHARED_A,
  IX_SHARED_B,
  IX_INNER_NUL,
  IX_COUNT
};

#define H_EMPTY 0x1234u
#define H_DUP 42u
#define H_SHARED 0xCAFEu
#define H_INNER 0xABCu

static uint32_t
hash_of(const char *s)
{
  return netipc_simple_hash(s, strlen(s));
}

static ch_table *
rules_table(void)
{
  ch_table *t = ch_table_new(1, 77);
  ch_table_add_str(t, hash_of("alpha"), 0x11, 1, "alpha",
                   "/sys/fs/cgroup/alpha");
  ch_table_add_str(t, hash_of("beta"), 0x22, 0, "beta",
                   "/sys/fs/cgroup/beta");
  ch_table_add_str(t, H_EMPTY, 0x33, 1, "", "/sys/fs/cgroup");
  ch_table_add_str(t, H_DUP, 0x44, 1, "dup", "/first");
  ch_table_add_str(t, hash_of("gamma"), 0x55, 7, "gamma",
                   "/sys/fs/cgroup/gamma.slice/gamma");
  ch_table_add_str(t, H_DUP, 0x66, 0, "dup", "/second");
  ch_table_add_str(t, H_DUP + 1, 0x77, 1, "dup", "/other-hash");
  ch_table_add_str(t, H_SHARED, 0x88, 1, "shared-a", "/shared/a");
  ch_table_add_str(t, H_SHARED, 0x99, 0, "shared-b", "/shared/b");
  ch_table_add(t, H_INNER, 0xAA, 1, "abc\0def", 7, "/inner", 6);
  return t;
}

/* 1 when the cached item equals table item i (name up to its first NUL). */
static int
item_matches(const netipc_cache_item *it, const ch_item *want)
{
  size_t name_len = strlen(want->name);
  return it != NULL && it->hash == want->hash &&
         it->options == want->options && it->enabled == want->enabled &&
         it->name_len == name_len && strcmp(it->name, want->name) == 0 &&
         it->path_len == want->path_len &&
         memcmp(it->path, want->path, want->path_len + 1) == 0;
}

static void
test_create_without_server(void)
{
  diag("create: no provider, no I/O, nothing published");
  /* A listener nobody accepts on: any connection attempt would show. */
  int lfd = svc_raw_listen(g_dir, "cl-quiet");
  if (lfd < 0)
    bail_out("cannot listen on cl-quiet");
  netipc_client_config cfg;
  ch_client_config(&cfg, g_dir, "cl-quiet", 5000);
  netipc_cache *c = NULL;
  is_err(netipc_cache_create(&cfg, &c), NETIPC_OK, "create succeeds");
  if (c == NULL)
    bail_out("no cache");
  ok(!netipc_cache_ready(c), "not ready before any refresh");

  netipc_cache_status st = ch_status(c);
  ok(!st.populated && st.item_count == 0 && st.systemd_enabled == 0 &&
         st.generation == 0,
     "status: not populated, header values 0");
  ok(st.refresh_success_count == 0 && st.refresh_failure_count == 0 &&
         st.last_refresh_ms == 0,
     "status: counters and last_refresh_ms 0");
  is_int(st.connection_state, NETIPC_CLIENT_DISCONNECTED,
         "status: context DISCONNECTED");

  netipc_cache_guard g;
  netipc_cache_read_begin(c, &g);
  ok(netipc_cache_lookup(&g, hash_of("alpha"), "alpha") == NULL,
     "lookup on an unpublished cache: NULL");
  ok(netipc_cache_lookup_n(&g, 0, "", 0) == NULL,
     "lookup_n on an unpublished cache: NULL");
  ok(netipc_cache_count(&g) == 0 && netipc_cache_item_at(&g, 0) == NULL &&
         netipc_cache_generation(&g) == 0 &&
         netipc_cache_systemd_enabled(&g) == 0,
     "count 0, item_at NULL, header values 0");
  netipc_cache_read_end(&g);

  int fd = svc_raw_accept(lfd, 200);
  ok(fd < 0, "create, status and reads made no connection");
  if (fd >= 0)
    svc_raw_close(fd);
  svc_raw_unlisten(lfd, g_dir, "cl-quiet");
  netipc_cache_destroy(c);

  /* A refresh with no provider at all fails and publishes nothing. */
  ch_client_config(&cfg, g_dir, "cl-absent", 5000);
  c = ch_cache_new(&cfg);
  netipc_err err = NETIPC_OK;
  ok(!netipc_cache_refresh(c, 0, &err), "refresh without a provider fails");
  is_err(err, NETIPC_ERR_NOT_READY, "... with NOT_READY");
  st = ch_status(c);
  ok(!netipc_cache_ready(c) && !st.populated,
     "still not ready, not populated");
  ok(st.refresh_failure_count == 1 && st.refresh_success_count == 0,
     "failure counted (1), no success");
  ok(st.connection_state == NETIPC_CLIENT_NOT_FOUND ||
         st.connection_state == NETIPC_CLIENT_DISCONNECTED,
     "context NOT_FOUND or DISCONNECTED (%s)",
     netipc_client_state_name(st.connection_state));
  netipc_cache_destroy(c);
}

static void
test_rules(ch_server *srv)
{
  diag("first refresh and the lookup rules");
  netipc_client_config cfg;
  ch_client_config(&cfg, g_dir, srv->svc, 10000);
  netipc_cache *c = ch_cache_new(&cfg);
  ch_table *want = rules_table();
  ch_server_set(srv, rules_table());

  uint64_t before = tp_now_ms();
  netipc_err err = NETIPC_ERR_SYSTEM;
  ok(netipc_cache_refresh(c, 0, &err), "first refresh publishes");
  uint64_t after = tp_now_ms();
  is_err(err, NETIPC_OK, "... and reports OK");
  ok(netipc_cache_ready(c), "ready after the first refresh");

  netipc_cache_status st = ch_status(c);
  ok(st.populated, "status populated");
  is_uint(st.item_count, IX_COUNT, "status item_count");
  is_uint(st.generation, 77, "status generation");
  is_uint(st.systemd_enabled, 1, "status systemd_enabled");
  is_uint(st.refresh_success_count, 1, "status refresh_success_count 1");
  is_uint(st.refresh_failure_count, 0, "status refresh_failure_count 0");
  is_int(st.connection_state, NETIPC_CLIENT_READY, "status context READY");
  ok(st.last_refresh_ms != 0 && st.last_refresh_ms >= before &&
         st.last_refresh_ms <= after,
     "last_refresh_ms is the monotonic time of the publication (%llu in "
     "[%llu, %llu])",
     (unsigned long long)st.last_refresh_ms, (unsigned long long)before,
     (unsigned long long)after);

  netipc_cache_guard g;
  netipc_cache_read_begin(c, &g);
  is_uint(netipc_cache_count(&g), IX_COUNT, "guard count");
  is_uint(netipc_cache_generation(&g), 77, "guard generation");
  is_uint(netipc_cache_systemd_enabled(&g), 1, "guard systemd_enabled");

  uint32_t bad = UINT32_MAX;
  for (uint32_t i = 0; i < IX_COUNT && bad == UINT32_MAX; i++)
    if (!item_matches(netipc_cache_item_at(&g, i), &want->items[i]))
      bad = i;
  ok(bad == UINT32_MAX, "item_at(i) is item i of the snapshot, every field");
  if (bad != UINT32_MAX)
    diag("first mismatch at %u", bad);
  ok(netipc_cache_item_at(&g, IX_COUNT) == NULL, "item_at(count) is NULL");

  const netipc_cache_item *it;
  static const int unique[] = {IX_ALPHA, IX_BETA, IX_GAMMA};
  for (size_t k = 0; k < sizeof unique / sizeof unique[0]; k++) {
    const ch_item *w = &want->items[unique[k]];
    it = netipc_cache_lookup(&g, w->hash, w->name);
    ok(it == netipc_cache_item_at(&g, (uint32_t)unique[k]) &&
           item_matches(it, w),
       "lookup(%s): right item, options/enabled/path", w->name);
  }
  it = netipc_cache_lookup(&g, hash_of("alpha"), "alpha");
  ok(it != NULL && strcmp(it->path, "/sys/fs/cgroup/alpha") == 0 &&
         it->options == 0x11 && it->enabled == 1,
     "alpha: path, options 0x11, enabled 1");
  ok(netipc_cache_lookup(&g, hash_of("alpha") + 1, "alpha") == NULL,
     "right name, wrong hash: NULL");
  ok(netipc_cache_lookup(&g, hash_of("alpha"), "beta") == NULL,
     "right hash, wrong name: NULL");
  ok(netipc_cache_lookup(&g, hash_of("alpha"), "alph") == NULL &&
         netipc_cache_lookup(&g, hash_of("alpha"), "alphaX") == NULL,
     "a prefix or an extension of the name: NULL");
  ok(netipc_cache_lookup(&g, hash_of("alpha"), NULL) == NULL,
     "NULL name: NULL");
  ok(netipc_cache_lookup(NULL, hash_of("alpha"), "alpha") == NULL,
     "NULL guard: NULL");

  /* lookup_n: the name is the first name_len bytes, nothing more. */
  it = netipc_cache_lookup_n(&g, hash_of("alpha"), "alphaXYZ", 5);
  ok(it == netipc_cache_item_at(&g, IX_ALPHA),
     "lookup_n with trailing bytes after the name finds it");
  static const char raw[5] = {'a', 'l', 'p', 'h', 'a'}; /* no NUL */
  ok(netipc_cache_lookup_n(&g, hash_of("alpha"), raw, sizeof raw) ==
         netipc_cache_item_at(&g, IX_ALPHA),
     "lookup_n with an unterminated name finds it");
  ok(netipc_cache_lookup_n(&g, hash_of("alpha"), "alpha", 4) == NULL,
     "lookup_n with a shorter length: NULL");
  ok(netipc_cache_lookup_n(&g, hash_of("beta"), "beta", 4) ==
         netipc_cache_item_at(&g, IX_BETA),
     "lookup_n without trailing bytes finds it");

  /* Empty name. */
  ok(netipc_cache_lookup(&g, H_EMPTY, "") ==
         netipc_cache_item_at(&g, IX_EMPTY),
     "empty name \"\" is found");
  ok(netipc_cache_lookup_n(&g, H_EMPTY, "xyz", 0) ==
         netipc_cache_item_at(&g, IX_EMPTY),
     "lookup_n with length 0 finds the empty name");
  ok(netipc_cache_lookup(&g, H_EMPTY + 1, "") == NULL,
     "empty name with another hash: NULL");
  ok(netipc_cache_lookup(&g, H_EMPTY, "x") == NULL,
     "non-empty name with the empty name's hash: NULL");

  /* Duplicates: the first in snapshot order. */
  it = netipc_cache_lookup(&g, H_DUP, "dup");
  ok(it == netipc_cache_item_at(&g, IX_DUP_FIRST) && it != NULL &&
         strcmp(it->path, "/first") == 0 && it->options == 0x44,
     "duplicate (hash, name): the first in snapshot order");
  it = netipc_cache_lookup(&g, H_DUP + 1, "dup");
  ok(it == netipc_cache_item_at(&g, IX_DUP_OTHER_HASH) && it != NULL &&
         strcmp(it->path, "/other-hash") == 0,
     "same name, other hash: its own item");

  /* Same hash, different names. */
  ok(netipc_cache_lookup(&g, H_SHARED, "shared-a") ==
         netipc_cache_item_at(&g, IX_SHARED_A),
     "shared hash: shared-a found");
  ok(netipc_cache_lookup(&g, H_SHARED, "shared-b") ==
         netipc_cache_item_at(&g, IX_SHARED_B),
     "shared hash: shared-b found");
  ok(netipc_cache_lookup(&g, H_SHARED, "shared-c") == NULL,
     "shared hash, unknown name: NULL");

  /* A name with an inner NUL matches up to the NUL (level3.md 6). */
  it = netipc_cache_item_at(&g, IX_INNER_NUL);
  ok(it != NULL && it->name_len == 3 && strcmp(it->name, "abc") == 0 &&
         it->path_len == 6 && strcmp(it->path, "/inner") == 0,
     "inner NUL: the cached name reads \"abc\", the path is intact");
  ok(netipc_cache_lookup(&g, H_INNER, "abc") == it && it != NULL,
     "inner NUL: lookup(\"abc\") finds it");
  ok(netipc_cache_lookup_n(&g, H_INNER, "abcXYZ", 3) == it && it != NULL,
     "inner NUL: lookup_n(\"abc\", 3) finds it");
  ok(netipc_cache_lookup(&g, H_INNER, "abcdef") == NULL,
     "inner NUL: the bytes after the NUL do not match");

  /* A copy outlives its guard and later refreshes. */
  netipc_cache_item *copy =
      netipc_cache_item_copy(netipc_cache_lookup(&g, hash_of("alpha"), "alpha"));
  netipc_cache_item *copy_inner = netipc_cache_item_copy(it);
  netipc_cache_read_end(&g);
  ok(copy != NULL && copy_inner != NULL, "item_copy returns copies");
  ok(netipc_cache_item_copy(NULL) == NULL, "item_copy(NULL) is NULL");

  ch_table *next = ch_table_new(2, 78);
  ch_table_add_str(next, hash_of("alpha"), 0x1111, 0, "alpha", "/changed");
  ch_table_add_str(next, hash_of("delta"), 0x2222, 1, "delta", "/delta");
  ch_server_set(srv, next);
  ok(netipc_cache_refresh(c, 0, NULL), "refresh with different data");
  if (copy != NULL && copy_inner != NULL) {
    ok(copy->hash == hash_of("alpha") && copy->options == 0x11 &&
           copy->enabled == 1 && copy->name_len == 5 &&
           strcmp(copy->name, "alpha") == 0 &&
           copy->path_len == strlen("/sys/fs/cgroup/alpha") &&
           strcmp(copy->path, "/sys/fs/cgroup/alpha") == 0,
       "the copy still holds the old values");
    ok(copy_inner->name_len == 3 && strcmp(copy_inner->name, "abc") == 0 &&
           strcmp(copy_inner->path, "/inner") == 0 &&
           copy_inner->options == 0xAA,
       "the copy of the inner-NUL item is intact");
  } else {
    skip(2, "no copies");
  }
  netipc_cache_item_free(copy);
  netipc_cache_item_free(copy_inner);
  netipc_cache_item_free(NULL);

  netipc_cache_read_begin(c, &g);
  it = netipc_cache_lookup(&g, hash_of("alpha"), "alpha");
  ok(it != NULL && strcmp(it->path, "/changed") == 0 && it->options == 0x1111,
     "the cache itself now has the new values");
  ok(netipc_cache_lookup(&g, hash_of("beta"), "beta") == NULL &&
         netipc_cache_lookup(&g, H_DUP, "dup") == NULL,
     "items of the old snapshot are gone");
  ok(netipc_cache_count(&g) == 2 && netipc_cache_generation(&g) == 78 &&
         netipc_cache_systemd_enabled(&g) == 2,
     "new count, generation, systemd_enabled");
  netipc_cache_read_end(&g);

  ch_table_free(want);
  netipc_cache_destroy(c);
}

static void
test_collisions(ch_server *srv)
{
  diag("1000 items with hash 0, plus same names under hash 1");
  netipc_client_config cfg;
  ch_client_config(&cfg, g_dir, srv->svc, 10000);
  netipc_cache *c = ch_cache_new(&cfg);
  ch_table *t = ch_table_new(0, 100);
  char name[32], path[32];
  for (uint32_t i = 0; i < 1000; i++) {
    snprintf(name, sizeof name, "col-%u", i);
    snprintf(path, sizeof path, "/p/%u", i);
    ch_table_add_str(t, 0, i, i & 1, name, path);
  }
  ch_table_add_str(t, 0, 9999, 0, "col-500", "/dup"); /* index 1000 */
  for (uint32_t i = 0; i < 10; i++) {
    snprintf(name, sizeof name, "col-%u", i);
    snprintf(path, sizeof path, "/h1/%u", i);
    ch_table_add_str(t, 1, 5000 + i, 1, name, path);
  }
  ch_server_set(srv, t);
  ok(netipc_cache_refresh(c, 0, NULL), "refresh with 1011 colliding items");

  netipc_cache_guard g;
  netipc_cache_read_begin(c, &g);
  is_uint(netipc_cache_count(&g), 1011, "count 1011");
  uint32_t bad = UINT32_MAX;
  for (uint32_t i = 0; i < 1000 && bad == UINT32_MAX; i++) {
    snprintf(name, sizeof name, "col-%u", i);
    snprintf(path, sizeof path, "/p/%u", i);
    const netipc_cache_item *it = netipc_cache_lookup(&g, 0, name);
    if (it != netipc_cache_item_at(&g, i) || it == NULL ||
        it->options != i || strcmp(it->path, path) != 0)
      bad = i;
  }
  ok(bad == UINT32_MAX, "every hash-0 item found, the right one");
  if (bad != UINT32_MAX)
    diag("first wrong: col-%u", bad);
  const netipc_cache_item *dup = netipc_cache_lookup(&g, 0, "col-500");
  ok(dup != NULL && strcmp(dup->path, "/p/500") == 0 && dup->options == 500,
     "duplicate among collisions: the first in snapshot order");
  bad = UINT32_MAX;
  for (uint32_t i = 0; i < 10 && bad == UINT32_MAX; i++) {
    snprintf(name, sizeof name, "col-%u", i);
    const netipc_cache_item *it = netipc_cache_lookup(&g, 1, name);
    if (it != netipc_cache_item_at(&g, 1001 + i) || it == NULL ||
        it->options != 5000 + i)
      bad = i;
  }
  ok(bad == UINT32_MAX, "the same names under hash 1 are separate items");
  ok(netipc_cache_lookup(&g, 0, "col-1000") == NULL &&
         netipc_cache_lookup(&g, 1, "col-10") == NULL &&
         netipc_cache_lookup(&g, 2, "col-0") == NULL,
     "misses among collisions: NULL");
  netipc_cache_read_end(&g);
  netipc_cache_destroy(c);
}

static void
test_empty(ch_server *srv)
{
  diag("empty snapshot");
  netipc_client_config cfg;
  ch_client_config(&cfg, g_dir, srv->svc, 10000);
  netipc_cache *c = ch_cache_new(&cfg);
  ch_server_set(srv, ch_table_new(3, 5));
  ok(netipc_cache_refresh(c, 0, NULL), "refresh with zero items publishes");
  ok(netipc_cache_ready(c), "an empty snapshot makes the cache ready");
  netipc_cache_status st = ch_status(c);
  ok(st.populated && st.item_count == 0 && st.generation == 5 &&
         st.systemd_enabled == 3 && st.refresh_success_count == 1,
     "status: populated, 0 items, generation 5, systemd 3, 1 success");
  netipc_cache_guard g;
  netipc_cache_read_begin(c, &g);
  ok(netipc_cache_count(&g) == 0 && netipc_cache_item_at(&g, 0) == NULL,
     "count 0, item_at(0) NULL");
  ok(netipc_cache_generation(&g) == 5, "guard generation 5");
  ok(netipc_cache_lookup(&g, hash_of("alpha"), "alpha") == NULL &&
         netipc_cache_lookup(&g, 0, "") == NULL &&
         netipc_cache_lookup_n(&g, 0, "x", 0) == NULL,
     "every lookup is NULL");
  netipc_cache_read_end(&g);
  netipc_cache_destroy(c);
}

/* ---- 100 000 items with long strings -------------------------------- */

#define BIG_ITEMS 100000u
#define BIG_NAME_LEN 200u
#define BIG_PATH_LEN 400u

static void
big_name(uint32_t i, char *buf)
{
  int n = snprintf(buf, BIG_NAME_LEN + 1, "big-%06u-", i);
  for (uint32_t k = (uint32_t)n; k < BIG_NAME_LEN; k++)
    buf[k] = (char)('a' + (i * 31u + k) % 26u);
  buf[BIG_NAME_LEN] = '\0';
}

static void
big_path(const char *name, uint32_t i, char *buf)
{
  int n = snprintf(buf, BIG_PATH_LEN + 1, "/sys/fs/cgroup/%s/", name);
  for (uint32_t k = (uint32_t)n; k < BIG_PATH_LEN; k++)
    buf[k] = (char)('A' + (i * 7u + k) % 26u);
  buf[BIG_PATH_LEN] = '\0';
}

static void
test_big(void)
{
  diag("100000 items, names of %u bytes, paths of %u bytes", BIG_NAME_LEN,
       BIG_PATH_LEN);
  ch_server srv;
  /* The whole snapshot is ~65 MB: raise the server's response limit. */
  ch_server_init(&srv, g_dir, "cl-big", 96u << 20, BIG_ITEMS);
  ch_table *t = ch_table_new(1, 123456789012345ull);
  char name[BIG_NAME_LEN + 1], path[BIG_PATH_LEN + 1];
  for (uint32_t i = 0; i < BIG_ITEMS; i++) {
    big_name(i, name);
    big_path(name, i, path);
    ch_table_add_str(t, netipc_simple_hash(name, BIG_NAME_LEN), i, i % 2,
                     name, path);
  }
  ch_server_set(&srv, t);
  ch_server_start(&srv);

  netipc_client_config cfg;
  ch_client_config(&cfg, g_dir, "cl-big", ch_under_valgrind() ? 900000 : 120000);
  netipc_cache *c = ch_cache_new(&cfg);
  uint64_t t0 = tp_now_ms();
  netipc_err err = NETIPC_OK;
  ok(netipc_cache_refresh(c, 0, &err), "refresh of 100000 items succeeds");
  if (err != NETIPC_OK)
    diag("refresh: %s", netipc_err_name(err));
  diag("refresh took %llu ms", (unsigned long long)(tp_now_ms() - t0));
  netipc_cache_status st = ch_status(c);
  ok(st.item_count == BIG_ITEMS && st.generation == 123456789012345ull,
     "status: 100000 items, 64-bit generation verbatim");

  netipc_cache_guard g;
  netipc_cache_read_begin(c, &g);
  is_uint(netipc_cache_count(&g), BIG_ITEMS, "guard count 100000");
  uint32_t bad = UINT32_MAX;
  t0 = tp_now_ms();
  for (uint32_t i = 0; i < BIG_ITEMS && bad == UINT32_MAX; i++) {
    big_name(i, name);
    big_path(name, i, path);
    const netipc_cache_item *it =
        netipc_cache_lookup(&g, netipc_simple_hash(name, BIG_NAME_LEN), name);
    if (it == NULL || it != netipc_cache_item_at(&g, i) || it->options != i ||
        it->enabled != i % 2 || it->name_len != BIG_NAME_LEN ||
        it->path_len != BIG_PATH_LEN || strcmp(it->path, path) != 0)
      bad = i;
  }
  ok(bad == UINT32_MAX, "all 100000 items found with the right data");
  if (bad != UINT32_MAX)
    diag("first wrong item: %u", bad);
  diag("100000 lookups took %llu ms", (unsigned long long)(tp_now_ms() - t0));
  big_name(BIG_ITEMS, name); /* not in the snapshot */
  ok(netipc_cache_lookup(&g, netipc_simple_hash(name, BIG_NAME_LEN), name) ==
         NULL,
     "a name that is not there: NULL");
  big_name(17, name);
  ok(netipc_cache_lookup(&g, netipc_simple_hash(name, BIG_NAME_LEN) ^ 1u,
                         name) == NULL,
     "a present name with a wrong hash: NULL");
  netipc_cache_read_end(&g);

  netipc_cache_destroy(c);
  ch_server_fini(&srv);
}

int
main(void)
{
  ch_alarm();
  plan(82);
  tp_rundir_make(g_dir, sizeof g_dir, "cache-lookup");

  test_create_without_server();

  ch_server srv;
  ch_server_init(&srv, g_dir, "cl-main", 0, 0);
  ch_server_start(&srv);
  test_rules(&srv);
  test_collisions(&srv);
  test_empty(&srv);
  ch_server_fini(&srv);

  test_big();

  tp_rundir_remove(g_dir);
  return exit_status();
}
