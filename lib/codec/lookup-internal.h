/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lookup-internal.h - field offsets and the rules shared by the lookup
 * request codec, the response builder, the response views and the Level 2
 * client that makes placeholder items itself (lookups.md 2-5).
 */
#ifndef NETIPC_CODEC_LOOKUP_INTERNAL_H
#define NETIPC_CODEC_LOOKUP_INTERNAL_H

#include <netipc/lookup.h>

#include "codec/codec-internal.h"

/* Header fields, both methods (3.1, 4.1). */
#define LK_OFF_VERSION 0u
#define LK_OFF_FLAGS 2u
#define LK_OFF_COUNT 4u
#define LK_OFF_RESERVED0 8u  /* request */
#define LK_OFF_RESERVED1 12u /* request */
#define LK_OFF_GENERATION 8u /* response */

/* Directory entry (2.1) and label table entry (2.3). */
#define LK_DIR_OFFSET 0u
#define LK_DIR_LENGTH 4u
#define LK_LABEL_KEY_OFF 0u
#define LK_LABEL_KEY_LEN 4u
#define LK_LABEL_VALUE_OFF 8u
#define LK_LABEL_VALUE_LEN 12u

/* APPS_LOOKUP key (3.3). */
#define LK_APPS_KEY_PID 0u
#define LK_APPS_KEY_RESERVED 4u

/* CGROUPS_LOOKUP item header (4.3). */
#define CGL_VERSION 0u
#define CGL_STATUS 2u
#define CGL_ORCH 4u
#define CGL_RESERVED0 6u
#define CGL_PATH 8u /* offset, then length at +4 */
#define CGL_NAME 16u
#define CGL_LABELS 24u
#define CGL_RESERVED1 26u

/* APPS_LOOKUP item header (4.4). */
#define APL_VERSION 0u
#define APL_STATUS 2u
#define APL_ORCH 4u
#define APL_CGSTATUS 6u
#define APL_PID 8u
#define APL_PPID 12u
#define APL_UID 16u
#define APL_RESERVED0 20u
#define APL_STARTTIME 24u
#define APL_COMM 32u
#define APL_CGPATH 40u
#define APL_CGNAME 48u
#define APL_LABELS 56u
#define APL_RESERVED1 58u

/* A string field: offset and length inside its item. */
typedef struct lk_str {
  uint32_t off;
  uint32_t len;
} lk_str;

/* Status rules C2-C4 of 4.5 (also the builder's step 3 for them). */
netipc_err netipc__cgl_rules(uint16_t status, uint16_t orch, uint32_t path_len,
                             uint32_t name_len, uint16_t labels);

/* The scalar part of an APPS_LOOKUP item, for the rules A2-A4. */
typedef struct apl_fields {
  uint16_t status, cgroup_status, orchestrator;
  uint32_t ppid, uid;
  uint64_t starttime;
  uint32_t comm_len, path_len, name_len;
  uint16_t labels;
} apl_fields;

netipc_err netipc__apl_rules(const apl_fields *f);

/* Size of the canonical label area for strings ending at e (2.3). */
uint64_t netipc__lk_labels_size(uint64_t e, const netipc_lookup_label *labels,
                                uint16_t count);

/* Write the label table and strings after strings ending at e; returns
 * the item length. dst has room for netipc__lk_labels_size bytes. */
uint32_t netipc__lk_labels_write(uint8_t *item, uint32_t e,
                                 const netipc_lookup_label *labels,
                                 uint16_t count);

/* Canonical size of a CGROUPS_LOOKUP item with these contents (4.3). */
uint64_t netipc__cgl_item_size(const netipc_cgroups_lookup_item *it);

/* Write it at dst (room for its size); returns its length. */
uint32_t netipc__cgl_item_write(uint8_t *dst,
                                const netipc_cgroups_lookup_item *it);

/* The placeholder for path (status PAYLOAD_EXCEEDED or OVERSIZED_ITEM):
 * NETIPC_CGROUPS_LOOKUP_PLACEHOLDER_BASE + plen bytes at dst. */
uint32_t netipc__cgl_placeholder_write(uint8_t *dst, uint16_t status,
                                       const char *path, uint32_t plen);

uint64_t netipc__apl_item_size(const netipc_apps_lookup_item *it);
uint32_t netipc__apl_item_write(uint8_t *dst,
                                const netipc_apps_lookup_item *it);
uint32_t netipc__apl_placeholder_write(uint8_t *dst, uint16_t status,
                                       uint32_t pid);

/*
 * The checks both payloads start with: arguments, a u32 length, the
 * 16-byte header (TRUNCATED), layout_version and flags, for a request
 * also both reserved words (BAD_LAYOUT), and a directory of *n entries
 * that fits (TRUNCATED). *dir_end is where the packed area starts.
 */
netipc_err netipc__lk_header_check(const void *payload, size_t len,
                                   const void *out, bool request, uint32_t *n,
                                   uint64_t *dir_end);

/*
 * Q4 / V4: each directory entry in order, completely before the next:
 * 8-aligned offset (BAD_ALIGNMENT), a length in [min_len, max_len]
 * (BAD_LAYOUT), inside the packed area (OUT_OF_BOUNDS), not before the end
 * of the previous entry (BAD_LAYOUT).
 */
netipc_err netipc__lk_directory_check(const uint8_t *payload, uint32_t n,
                                      uint64_t area_len, uint32_t min_len,
                                      uint32_t max_len);

/* Entry i of a directory of n (already checked): where the key or item
 * starts, and its length. */
static inline const uint8_t *
netipc__lk_entry(const uint8_t *payload, uint32_t n, uint32_t i,
                 uint32_t *len)
{
  const uint8_t *dir =
      payload + NETIPC_LOOKUP_HDR_LEN + (uint64_t)NETIPC_DIR_ENTRY_LEN * i;
  *len = netipc__ld32(dir + LK_DIR_LENGTH);
  return payload + NETIPC_LOOKUP_HDR_LEN +
         (uint64_t)NETIPC_DIR_ENTRY_LEN * n + netipc__ld32(dir + LK_DIR_OFFSET);
}

/* True when the len bytes at p contain a NUL (p may be NULL if len 0). */
static inline bool
netipc__has_nul(const char *p, uint32_t len)
{
  return len != 0 && memchr(p, 0, len) != NULL;
}

#endif /* NETIPC_CODEC_LOOKUP_INTERNAL_H */
