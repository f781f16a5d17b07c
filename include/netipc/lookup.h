/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * netipc/lookup.h - payloads of the lookup methods CGROUPS_LOOKUP (4) and
 * APPS_LOOKUP (5) (shared/spec/lookups.md): request encoders and views, the
 * server's response builder with the look-ahead of lookups.md 5, and fully
 * validated response views with label iteration. Pure bytes, no I/O.
 *
 * Views borrow the caller's buffer and are valid while it is unchanged.
 * Integers are in host byte order. Error categories are those lookups.md
 * names for each check, reported in the spec's order.
 */
#ifndef NETIPC_LOOKUP_H
#define NETIPC_LOOKUP_H

#include <netipc/codec.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Layout sizes (lookups.md 2-4). */
#define NETIPC_LOOKUP_HDR_LEN 16u          /* request and response header */
#define NETIPC_LOOKUP_LABEL_ENTRY_LEN 16u  /* one label table entry */
#define NETIPC_LOOKUP_MAX_LABELS 65535u    /* u16 label_count */
#define NETIPC_CGROUPS_LOOKUP_ITEM_HDR_LEN 28u
#define NETIPC_APPS_LOOKUP_ITEM_HDR_LEN 60u
#define NETIPC_CGROUPS_LOOKUP_MIN_KEY_LEN 2u /* one path byte and its NUL */
#define NETIPC_APPS_LOOKUP_KEY_LEN 8u
#define NETIPC_APPS_LOOKUP_COMM_MAX 15u
#define NETIPC_APPS_LOOKUP_UID_UNSET 0xFFFFFFFFu
/* A placeholder item: 28 + path + NUL + empty name's NUL; apps 60 + 3 NULs. */
#define NETIPC_CGROUPS_LOOKUP_PLACEHOLDER_BASE 30u
#define NETIPC_APPS_LOOKUP_PLACEHOLDER_LEN 63u
/* A one-key request: 16 + 8 + path + NUL; apps 16 + 8 + 8. */
#define NETIPC_CGROUPS_LOOKUP_ONE_KEY_BASE 25u
#define NETIPC_APPS_LOOKUP_ONE_KEY_LEN 32u

/* Orchestrator (lookups.md 2.4); decoders pass any other value on. */
#define NETIPC_ORCHESTRATOR_UNKNOWN 0u
#define NETIPC_ORCHESTRATOR_SYSTEMD 1u
#define NETIPC_ORCHESTRATOR_DOCKER 2u
#define NETIPC_ORCHESTRATOR_K8S 3u
#define NETIPC_ORCHESTRATOR_KVM 4u
#define NETIPC_ORCHESTRATOR_LXC 5u
#define NETIPC_ORCHESTRATOR_PODMAN 6u
#define NETIPC_ORCHESTRATOR_NSPAWN 7u

/* CGROUPS_LOOKUP item status (lookups.md 2.5). */
#define NETIPC_CGROUPS_LOOKUP_KNOWN 0u
#define NETIPC_CGROUPS_LOOKUP_UNKNOWN_RETRY_LATER 1u
#define NETIPC_CGROUPS_LOOKUP_UNKNOWN_PERMANENT 2u
#define NETIPC_CGROUPS_LOOKUP_PAYLOAD_EXCEEDED 3u /* never seen by callers */
#define NETIPC_CGROUPS_LOOKUP_OVERSIZED_ITEM 4u
#define NETIPC_CGROUPS_LOOKUP_STATUS_MAX 4u

/* APPS_LOOKUP PID status. */
#define NETIPC_APPS_LOOKUP_KNOWN 0u
#define NETIPC_APPS_LOOKUP_UNKNOWN 1u
#define NETIPC_APPS_LOOKUP_PAYLOAD_EXCEEDED 2u /* never seen by callers */
#define NETIPC_APPS_LOOKUP_OVERSIZED_ITEM 3u
#define NETIPC_APPS_LOOKUP_STATUS_MAX 3u

/* APPS_LOOKUP cgroup status (meaningful when the PID status is KNOWN). */
#define NETIPC_APPS_CGROUP_KNOWN 0u
#define NETIPC_APPS_CGROUP_UNKNOWN_RETRY_LATER 1u
#define NETIPC_APPS_CGROUP_UNKNOWN_PERMANENT 2u
#define NETIPC_APPS_CGROUP_HOST_ROOT 3u
#define NETIPC_APPS_CGROUP_STATUS_MAX 3u

/* ------------------------------------------------------------------ */
/* Requests (lookups.md 3)                                             */
/* ------------------------------------------------------------------ */

/*
 * Size of the canonical CGROUPS_LOOKUP request for paths[0..n), in 64 bits
 * so it cannot wrap: 16 when n is 0. The paths are not judged here.
 */
NETIPC_API uint64_t netipc_cgroups_lookup_req_size(
    const netipc_string_view *paths, size_t n);

/*
 * Write the canonical request (3.2). paths[i] is the path without a NUL;
 * it must be non-empty and contain no NUL. Nothing is written on failure.
 * Errors: INVALID_ARG (NULL), BAD_LAYOUT (an empty path or a NUL in one),
 * TOO_LARGE (n or the size above u32), NOSPACE (cap too small).
 */
NETIPC_API netipc_err netipc_cgroups_lookup_req_encode(
    const netipc_string_view *paths, size_t n, void *buf, size_t cap,
    size_t *out_len);

/* Size of an APPS_LOOKUP request of n PIDs: 16 + 16n. */
NETIPC_API uint64_t netipc_apps_lookup_req_size(size_t n);

/*
 * Write the canonical request (3.3): any PID, duplicates allowed.
 * Errors: INVALID_ARG, TOO_LARGE, NOSPACE.
 */
NETIPC_API netipc_err netipc_apps_lookup_req_encode(const uint32_t *pids,
                                                    size_t n, void *buf,
                                                    size_t cap,
                                                    size_t *out_len);

/* A validated request: the keys stay in the payload. */
typedef struct netipc_lookup_req_view {
  const uint8_t *payload;
  uint32_t payload_len;
  uint32_t item_count;
  uint16_t method; /* NETIPC_METHOD_CGROUPS_LOOKUP or _APPS_LOOKUP */
} netipc_lookup_req_view;

/*
 * Validate a request with checks Q1-Q5 of lookups.md 3.4, in that order.
 * Errors: INVALID_ARG, TRUNCATED, BAD_LAYOUT, BAD_ALIGNMENT,
 * OUT_OF_BOUNDS, MISSING_NUL.
 */
NETIPC_API netipc_err netipc_cgroups_lookup_req_decode(
    const void *payload, size_t len, netipc_lookup_req_view *out);
NETIPC_API netipc_err netipc_apps_lookup_req_decode(
    const void *payload, size_t len, netipc_lookup_req_view *out);

/*
 * Key `index` of a decoded request: the path without its NUL (path.ptr
 * [path.len] is the NUL), or the PID. Errors: INVALID_ARG (NULL or a view
 * of the other method), OUT_OF_BOUNDS (index >= item_count).
 */
NETIPC_API netipc_err netipc_cgroups_lookup_req_path(
    const netipc_lookup_req_view *v, uint32_t index,
    netipc_string_view *path);
NETIPC_API netipc_err netipc_apps_lookup_req_pid(
    const netipc_lookup_req_view *v, uint32_t index, uint32_t *pid);

/* ------------------------------------------------------------------ */
/* Items                                                               */
/* ------------------------------------------------------------------ */

/* One label: the key is non-empty; neither contains a NUL. */
typedef struct netipc_lookup_label {
  netipc_string_view key;
  netipc_string_view value;
} netipc_lookup_label;

/* The labels of a decoded item, borrowed from its payload. */
typedef struct netipc_lookup_labels {
  const uint8_t *item; /* first byte of the item */
  uint32_t table;      /* offset of the label table inside the item */
  uint16_t count;
} netipc_lookup_labels;

/*
 * Label `index` of a decoded item (already validated by the response
 * decoder). Errors: INVALID_ARG, OUT_OF_BOUNDS (index >= count).
 */
NETIPC_API netipc_err netipc_lookup_label_get(const netipc_lookup_labels *l,
                                              uint16_t index,
                                              netipc_lookup_label *out);

/*
 * What a handler adds for one CGROUPS_LOOKUP key (4.3). Statuses other
 * than KNOWN carry orchestrator 0, an empty name and no labels. labels
 * may be NULL when label_count is 0. Strings may be NULL when empty.
 */
typedef struct netipc_cgroups_lookup_item {
  uint16_t status;
  uint16_t orchestrator;
  netipc_string_view path; /* ignored by the request-backed add */
  netipc_string_view name;
  const netipc_lookup_label *labels;
  uint16_t label_count;
} netipc_cgroups_lookup_item;

/* A decoded CGROUPS_LOOKUP item. */
typedef struct netipc_cgroups_lookup_item_view {
  uint16_t status;
  uint16_t orchestrator;
  netipc_string_view path;
  netipc_string_view name;
  netipc_lookup_labels labels;
} netipc_cgroups_lookup_item_view;

/* What a handler adds for one APPS_LOOKUP key (4.4 status rules). */
typedef struct netipc_apps_lookup_item {
  uint16_t status;
  uint16_t cgroup_status;
  uint16_t orchestrator;
  uint32_t pid; /* echoes the request key */
  uint32_t ppid;
  uint32_t uid; /* NETIPC_APPS_LOOKUP_UID_UNSET when unset */
  uint64_t starttime;
  netipc_string_view comm; /* 1..15 bytes when KNOWN */
  netipc_string_view cgroup_path;
  netipc_string_view cgroup_name;
  const netipc_lookup_label *labels;
  uint16_t label_count;
} netipc_apps_lookup_item;

/* A decoded APPS_LOOKUP item. */
typedef struct netipc_apps_lookup_item_view {
  uint16_t status;
  uint16_t cgroup_status;
  uint16_t orchestrator;
  uint32_t pid;
  uint32_t ppid;
  uint32_t uid;
  uint64_t starttime;
  netipc_string_view comm;
  netipc_string_view cgroup_path;
  netipc_string_view cgroup_name;
  netipc_lookup_labels labels;
} netipc_apps_lookup_item_view;

/* ------------------------------------------------------------------ */
/* Response builder (lookups.md 5)                                     */
/* ------------------------------------------------------------------ */

/*
 * Builds one response in buf[0..cap): the directory for every request key
 * is reserved up front, each add either writes the item, or a placeholder
 * when it does not fit together with the placeholders of the later keys
 * (OVERSIZED_ITEM for the first item, PAYLOAD_EXCEEDED from then on). The
 * first failure is remembered; later adds return it and write nothing.
 */
typedef struct netipc_lookup_builder {
  uint8_t *buf;
  size_t cap;
  netipc_lookup_req_view req; /* payload NULL: no look-ahead */
  uint16_t method;
  uint32_t n;        /* directory slots: the request's key count */
  uint32_t count;    /* items added */
  uint64_t cursor;   /* D: end of the last item, from buf */
  uint64_t reserve;  /* R_count: placeholders for keys count..n-1 */
  uint64_t generation;
  bool suffix;       /* PAYLOAD_EXCEEDED from here on */
  netipc_err error;
} netipc_lookup_builder;

/*
 * Start the answer to a decoded request (5.1), with the look-ahead that
 * keeps room for a placeholder for every later key. Errors: INVALID_ARG,
 * OVERFLOW (the directory alone does not fit; remembered).
 */
NETIPC_API netipc_err netipc_lookup_builder_init(
    netipc_lookup_builder *b, void *buf, size_t cap,
    const netipc_lookup_req_view *req);

/*
 * Start a response of n items without a request and so without the
 * look-ahead (how the reference wrote the single-payload vectors). The
 * request-backed add is not available. Errors: as above.
 */
NETIPC_API netipc_err netipc_lookup_builder_init_slots(
    netipc_lookup_builder *b, uint16_t method, void *buf, size_t cap,
    uint32_t n);

/* The provider's generation (0 when never set). */
NETIPC_API void netipc_lookup_builder_set_generation(netipc_lookup_builder *b,
                                                     uint64_t generation);

/*
 * Add the item for the next key (5.2). Success also when the builder
 * wrote a placeholder instead. Errors: INVALID_ARG (NULL, wrong method),
 * BAD_LAYOUT (content breaks the status rules or has a NUL), OVERFLOW (no
 * slot left, or not even the placeholder fits), or the remembered error.
 */
NETIPC_API netipc_err netipc_cgroups_lookup_builder_add(
    netipc_lookup_builder *b, const netipc_cgroups_lookup_item *item);

/* The same, echoing the request's key: item->path is ignored. */
NETIPC_API netipc_err netipc_cgroups_lookup_builder_add_key(
    netipc_lookup_builder *b, const netipc_cgroups_lookup_item *item);

NETIPC_API netipc_err netipc_apps_lookup_builder_add(
    netipc_lookup_builder *b, const netipc_apps_lookup_item *item);

/*
 * Write the header and set *out_len (the packed area ends at the last
 * item). Errors: the remembered error; BAD_ITEM_COUNT when fewer items
 * than keys were added (the response must not be sent then).
 */
NETIPC_API netipc_err netipc_lookup_builder_finish(netipc_lookup_builder *b,
                                                   size_t *out_len);

/* ------------------------------------------------------------------ */
/* Response views (lookups.md 4.5)                                     */
/* ------------------------------------------------------------------ */

typedef struct netipc_lookup_view {
  const uint8_t *payload;
  size_t payload_len;
  uint16_t method;
  uint32_t item_count;
  uint64_t generation;
} netipc_lookup_view;

/*
 * Validate a whole response, every item included (checks V1-V5 with
 * C1-C7 or A1-A7, S1-S4 and L1-L6, in the spec's order).
 * Errors: INVALID_ARG, TRUNCATED, BAD_LAYOUT, BAD_ALIGNMENT,
 * OUT_OF_BOUNDS, MISSING_NUL.
 */
NETIPC_API netipc_err netipc_cgroups_lookup_resp_decode(
    const void *payload, size_t len, netipc_lookup_view *out);
NETIPC_API netipc_err netipc_apps_lookup_resp_decode(
    const void *payload, size_t len, netipc_lookup_view *out);

/*
 * Item `index` of a decoded response. Errors: INVALID_ARG (NULL, other
 * method), OUT_OF_BOUNDS (index >= item_count).
 */
NETIPC_API netipc_err netipc_cgroups_lookup_resp_item(
    const netipc_lookup_view *v, uint32_t index,
    netipc_cgroups_lookup_item_view *out);
NETIPC_API netipc_err netipc_apps_lookup_resp_item(
    const netipc_lookup_view *v, uint32_t index,
    netipc_apps_lookup_item_view *out);

/*
 * The bytes of item `index` exactly as its directory entry delimits them.
 * Errors: INVALID_ARG, OUT_OF_BOUNDS.
 */
NETIPC_API netipc_err netipc_lookup_resp_item_bytes(
    const netipc_lookup_view *v, uint32_t index, const void **item,
    uint32_t *len);

#ifdef __cplusplus
}
#endif

#endif /* NETIPC_LOOKUP_H */
