/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Byte offsets of the CGROUPS_SNAPSHOT layouts (codec.md 5.3-5.5). */
#ifndef NETIPC_CODEC_CGROUPS_INTERNAL_H
#define NETIPC_CODEC_CGROUPS_INTERNAL_H

/* Snapshot header. */
enum {
  CG_HDR_LAYOUT = 0,
  CG_HDR_FLAGS = 2,
  CG_HDR_COUNT = 4,
  CG_HDR_SYSTEMD = 8,
  CG_HDR_RESERVED = 12,
  CG_HDR_GENERATION = 16
};

/* Directory entry. */
enum { CG_DIR_OFFSET = 0, CG_DIR_LENGTH = 4 };

/* Item fixed part. */
enum {
  CG_ITEM_LAYOUT = 0,
  CG_ITEM_FLAGS = 2,
  CG_ITEM_HASH = 4,
  CG_ITEM_OPTIONS = 8,
  CG_ITEM_ENABLED = 12,
  CG_ITEM_NAME_OFF = 16,
  CG_ITEM_NAME_LEN = 20,
  CG_ITEM_PATH_OFF = 24,
  CG_ITEM_PATH_LEN = 28
};

/*
 * The default directory reservation divides the free space by one entry
 * plus the smallest aligned item: 8 + align8(32 + 2) = 48 (codec.md 5.7).
 */
#define CG_MIN_ITEM_FOOTPRINT 48u

#endif /* NETIPC_CODEC_CGROUPS_INTERNAL_H */
