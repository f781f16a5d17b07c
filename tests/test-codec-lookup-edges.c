/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-codec-lookup-edges.c - argument checks and sticky errors of the
 * lookup codecs (codec.md 5) that test-codec-lookup-request/-response do
 * not reach: NULL arguments and a method that does not match (a missing
 * check crashes or mis-parses, so each is a real check), a payload length
 * beyond the u32 of the wire, the request-backed add past the last key,
 * invalid item content and a suffix of placeholders past the last slot.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdint.h>
#include <string.h>

#include <netipc/codec.h>
#include <netipc/lookup.h>

#include "tap.h"

#define PLAN 61

#define BUF_LEN 512
/* A status value past NETIPC_CGROUPS_LOOKUP_STATUS_MAX. */
#define BAD_STATUS (NETIPC_CGROUPS_LOOKUP_STATUS_MAX + 1u)

static uint8_t g_req[BUF_LEN];

/* A decoded CGROUPS_LOOKUP request for the one path "/a". */
static void
one_key_request(netipc_lookup_req_view *req)
{
  netipc_string_view path = {"/a", 2};
  size_t len = 0;
  if (netipc_cgroups_lookup_req_encode(&path, 1, g_req, sizeof g_req, &len) !=
          NETIPC_OK ||
      netipc_cgroups_lookup_req_decode(g_req, len, req) != NETIPC_OK)
    bail_out("cannot build the one-key request");
}

static netipc_cgroups_lookup_item
known_item(const char *name)
{
  netipc_cgroups_lookup_item it;
  memset(&it, 0, sizeof it);
  it.status = NETIPC_CGROUPS_LOOKUP_KNOWN;
  it.path.ptr = "/a";
  it.path.len = 2;
  it.name.ptr = name;
  it.name.len = strlen(name);
  return it;
}

static void
test_requests(void)
{
  uint8_t buf[BUF_LEN];
  size_t len = 0;
  netipc_string_view bad = {NULL, 3};
  netipc_lookup_req_view req, apps;
  netipc_string_view path;
  uint32_t pid = 1;

  is_err(netipc_cgroups_lookup_req_encode(&bad, 1, buf, sizeof buf, &len),
         NETIPC_ERR_INVALID_ARG, "request: NULL path with a length");
  one_key_request(&req);
  is_err(netipc_apps_lookup_req_encode(&pid, 1, buf, sizeof buf, &len),
         NETIPC_OK, "apps request");
  is_err(netipc_apps_lookup_req_decode(buf, len, &apps), NETIPC_OK,
         "apps request decodes");
  is_err(netipc_cgroups_lookup_req_path(NULL, 0, &path),
         NETIPC_ERR_INVALID_ARG, "req_path: NULL view");
  is_err(netipc_cgroups_lookup_req_path(&apps, 0, &path),
         NETIPC_ERR_INVALID_ARG, "req_path of an apps request");
  netipc_lookup_req_view empty = req;
  empty.payload = NULL;
  is_err(netipc_cgroups_lookup_req_path(&empty, 0, &path),
         NETIPC_ERR_INVALID_ARG, "req_path: view without payload");
  is_err(netipc_cgroups_lookup_req_path(&req, 0, &path), NETIPC_OK,
         "req_path 0");
  ok(path.len == 2 && memcmp(path.ptr, "/a", 2) == 0, "key 0 is /a");
  netipc_lookup_view v;
  is_err(netipc_cgroups_lookup_resp_decode(buf, (size_t)UINT32_MAX + 1, &v),
         NETIPC_ERR_TOO_LARGE, "response over the u32 length: TOO_LARGE");
}

static void
test_builder_args(void)
{
  uint8_t buf[BUF_LEN];
  netipc_lookup_builder b;
  netipc_lookup_req_view req;
  netipc_cgroups_lookup_item it = known_item("n");

  one_key_request(&req);
  is_err(netipc_lookup_builder_init(NULL, buf, sizeof buf, &req),
         NETIPC_ERR_INVALID_ARG, "init: NULL builder");
  is_err(netipc_lookup_builder_init(&b, NULL, sizeof buf, &req),
         NETIPC_ERR_INVALID_ARG, "init: NULL buffer");
  is_err(netipc_lookup_builder_init(&b, buf, sizeof buf, NULL),
         NETIPC_ERR_INVALID_ARG, "init: NULL request");
  netipc_lookup_req_view broken = req;
  broken.payload = NULL;
  is_err(netipc_lookup_builder_init(&b, buf, sizeof buf, &broken),
         NETIPC_ERR_INVALID_ARG, "init: request without payload");
  broken = req;
  broken.method = NETIPC_METHOD_CGROUPS_SNAPSHOT;
  is_err(netipc_lookup_builder_init(&b, buf, sizeof buf, &broken),
         NETIPC_ERR_INVALID_ARG, "init: request of another method");

  is_err(netipc_lookup_builder_init(&b, buf, sizeof buf, &req), NETIPC_OK,
         "init on the one-key request");
  is_err(netipc_cgroups_lookup_builder_add(NULL, &it), NETIPC_ERR_INVALID_ARG,
         "add: NULL builder");
  is_err(netipc_cgroups_lookup_builder_add(&b, NULL), NETIPC_ERR_INVALID_ARG,
         "add: NULL item");
  netipc_cgroups_lookup_item nullpath = it;
  nullpath.path.ptr = NULL;
  is_err(netipc_cgroups_lookup_builder_add(&b, &nullpath),
         NETIPC_ERR_INVALID_ARG, "add: NULL path with a length");
  is_err(netipc_cgroups_lookup_builder_add_key(NULL, &it),
         NETIPC_ERR_INVALID_ARG, "add_key: NULL builder");
  is_err(netipc_cgroups_lookup_builder_add_key(&b, NULL),
         NETIPC_ERR_INVALID_ARG, "add_key: NULL item");
  is_uint(b.count, 0, "nothing added by the refused calls");
  is_err(b.error, NETIPC_OK, "refused calls leave no sticky error");

  netipc_lookup_builder nb;
  is_err(netipc_lookup_builder_init_slots(NULL, NETIPC_METHOD_CGROUPS_LOOKUP,
                                          buf, sizeof buf, 1),
         NETIPC_ERR_INVALID_ARG, "init_slots: NULL builder");
  is_err(netipc_lookup_builder_init_slots(&nb, NETIPC_METHOD_CGROUPS_LOOKUP,
                                          NULL, sizeof buf, 1),
         NETIPC_ERR_INVALID_ARG, "init_slots: NULL buffer");
  is_err(netipc_lookup_builder_init_slots(&nb, NETIPC_METHOD_CGROUPS_SNAPSHOT,
                                          buf, sizeof buf, 1),
         NETIPC_ERR_INVALID_ARG, "init_slots: not a lookup method");
  netipc_apps_lookup_item apl;
  memset(&apl, 0, sizeof apl);
  is_err(netipc_apps_lookup_builder_add(NULL, &apl), NETIPC_ERR_INVALID_ARG,
         "apps add: NULL builder");
  is_err(netipc_apps_lookup_builder_add(&b, NULL), NETIPC_ERR_INVALID_ARG,
         "apps add: NULL item");
  is_err(netipc_apps_lookup_builder_add(&b, &apl), NETIPC_ERR_INVALID_ARG,
         "apps add on a cgroups builder");

  /* The request-backed add past the last key: OVERFLOW, remembered. */
  is_err(netipc_cgroups_lookup_builder_add_key(&b, &it), NETIPC_OK,
         "add_key for key 0");
  is_err(netipc_cgroups_lookup_builder_add_key(&b, &it), NETIPC_ERR_OVERFLOW,
         "add_key with no key left: OVERFLOW");
  is_err(netipc_cgroups_lookup_builder_add_key(&b, &it), NETIPC_ERR_OVERFLOW,
         "the error is sticky");
  size_t out_len = 0;
  is_err(netipc_lookup_builder_finish(&b, &out_len), NETIPC_ERR_OVERFLOW,
         "finish returns the sticky error");

  /* Without a request there are no keys to add by. */
  is_err(netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_CGROUPS_LOOKUP,
                                          buf, sizeof buf, 1),
         NETIPC_OK, "init_slots, one slot");
  is_err(netipc_cgroups_lookup_builder_add_key(&b, &it),
         NETIPC_ERR_INVALID_ARG, "add_key without a request: INVALID_ARG");
  is_err(netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_APPS_LOOKUP, buf,
                                          sizeof buf, 1),
         NETIPC_OK, "init_slots for apps");
  is_err(netipc_cgroups_lookup_builder_add(&b, &it), NETIPC_ERR_INVALID_ARG,
         "cgroups add on an apps builder");
  is_err(netipc_cgroups_lookup_builder_add_key(&b, &it),
         NETIPC_ERR_INVALID_ARG, "cgroups add_key on an apps builder");
}

static void
test_builder_content(void)
{
  uint8_t buf[BUF_LEN];
  netipc_lookup_builder b;
  netipc_cgroups_lookup_item it = known_item("n");

  is_err(netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_CGROUPS_LOOKUP,
                                          buf, sizeof buf, 2),
         NETIPC_OK, "init_slots, two slots");
  netipc_cgroups_lookup_item bad = it;
  bad.name.ptr = NULL;
  is_err(netipc_cgroups_lookup_builder_add(&b, &bad), NETIPC_ERR_INVALID_ARG,
         "add: NULL name with a length");
  is_err(b.error, NETIPC_ERR_INVALID_ARG, "content errors are sticky");

  is_err(netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_CGROUPS_LOOKUP,
                                          buf, sizeof buf, 2),
         NETIPC_OK, "init_slots again");
  bad = it;
  bad.status = BAD_STATUS;
  is_err(netipc_cgroups_lookup_builder_add(&b, &bad), NETIPC_ERR_BAD_LAYOUT,
         "add: status out of range: BAD_LAYOUT");
  is_uint(b.count, 0, "the bad item was not added");

  /* A NUL inside the first label's key stops the label checks there. */
  netipc_lookup_label labels[2] = {{{"k\0y", 3}, {"v", 1}},
                                   {{"k2", 2}, {"v2", 2}}};
  is_err(netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_CGROUPS_LOOKUP,
                                          buf, sizeof buf, 1),
         NETIPC_OK, "init_slots for the labels");
  bad = it;
  bad.labels = labels;
  bad.label_count = 2;
  is_err(netipc_cgroups_lookup_builder_add(&b, &bad), NETIPC_ERR_BAD_LAYOUT,
         "a label key with a NUL: BAD_LAYOUT");

  /* Slots for two items, room for one: the second becomes a placeholder
   * (success), a third add finds no slot: OVERFLOW. */
  size_t one_item = 0;
  is_err(netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_CGROUPS_LOOKUP,
                                          buf, sizeof buf, 1),
         NETIPC_OK, "measure: one slot");
  if (netipc_cgroups_lookup_builder_add(&b, &it) != NETIPC_OK ||
      netipc_lookup_builder_finish(&b, &one_item) != NETIPC_OK)
    bail_out("cannot build a one-item response");
  netipc_cgroups_lookup_item big = known_item(
      "a-name-long-enough-that-the-item-does-not-fit-the-rest");
  is_err(netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_CGROUPS_LOOKUP,
                                          buf, one_item + 48, 2),
         NETIPC_OK, "two slots in a small buffer");
  is_err(netipc_cgroups_lookup_builder_add(&b, &it), NETIPC_OK,
         "the first item fits");
  is_err(netipc_cgroups_lookup_builder_add(&b, &big), NETIPC_OK,
         "the second is too big: a placeholder");
  ok(b.suffix && b.count == 2, "suffix mode, two items");
  is_err(netipc_cgroups_lookup_builder_add(&b, &it), NETIPC_ERR_OVERFLOW,
         "a third item in suffix mode: no slot, OVERFLOW");
}

static void
test_views(void)
{
  uint8_t buf[BUF_LEN];
  netipc_lookup_builder b;
  netipc_cgroups_lookup_item it = known_item("n");
  netipc_lookup_view v;
  size_t len = 0;
  const void *item = NULL;
  uint32_t item_len = 0;

  if (netipc_lookup_builder_init_slots(&b, NETIPC_METHOD_CGROUPS_LOOKUP, buf,
                                       sizeof buf, 1) != NETIPC_OK ||
      netipc_cgroups_lookup_builder_add(&b, &it) != NETIPC_OK ||
      netipc_lookup_builder_finish(&b, &len) != NETIPC_OK ||
      netipc_cgroups_lookup_resp_decode(buf, len, &v) != NETIPC_OK)
    bail_out("cannot build and decode a one-item response");
  is_err(netipc_lookup_resp_item_bytes(NULL, 0, &item, &item_len),
         NETIPC_ERR_INVALID_ARG, "item_bytes: NULL view");
  is_err(netipc_lookup_resp_item_bytes(&v, 0, NULL, &item_len),
         NETIPC_ERR_INVALID_ARG, "item_bytes: NULL item");
  is_err(netipc_lookup_resp_item_bytes(&v, 0, &item, NULL),
         NETIPC_ERR_INVALID_ARG, "item_bytes: NULL len");
  netipc_lookup_view empty = v;
  empty.payload = NULL;
  is_err(netipc_lookup_resp_item_bytes(&empty, 0, &item, &item_len),
         NETIPC_ERR_INVALID_ARG, "item_bytes: view without payload");
  is_err(netipc_lookup_resp_item_bytes(&v, 0, &item, &item_len), NETIPC_OK,
         "item_bytes of item 0");
  ok(item != NULL && (const uint8_t *)item > buf &&
         (const uint8_t *)item + item_len <= buf + len,
     "item 0 lies inside the payload");

  netipc_lookup_labels labels;
  netipc_lookup_label label;
  memset(&labels, 0, sizeof labels);
  is_err(netipc_lookup_label_get(NULL, 0, &label), NETIPC_ERR_INVALID_ARG,
         "label_get: NULL labels");
  is_err(netipc_lookup_label_get(&labels, 0, NULL), NETIPC_ERR_INVALID_ARG,
         "label_get: NULL out");
  is_err(netipc_lookup_label_get(&labels, 0, &label),
         NETIPC_ERR_OUT_OF_BOUNDS, "label_get on no labels: OUT_OF_BOUNDS");
  labels.count = 1;
  is_err(netipc_lookup_label_get(&labels, 0, &label), NETIPC_ERR_INVALID_ARG,
         "label_get: a count without an item");
}

int
main(void)
{
  plan(PLAN);
  test_requests();
  test_builder_args();
  test_builder_content();
  test_views();
  return exit_status();
}
