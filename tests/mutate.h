/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * mutate.h - table-driven bad-input checks for the decoder tests: each
 * case starts from a fresh copy of a valid payload (a fixture), overwrites
 * a few fields, gives the decoder a length and expects one error category.
 * One row a case, so that each case's description, patches and expected
 * category stand together:
 *
 *   {"V2: layout_version 0: BAD_LAYOUT", CG, CG_LEN,
 *    {PUT16(H_VERSION, 0)}, NETIPC_ERR_BAD_LAYOUT},
 *
 * For test programs only: mut_run reports through tap.h.
 */
#ifndef NETIPC_TESTS_MUTATE_H
#define NETIPC_TESTS_MUTATE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <netipc/common.h>

#include "bytes.h"
#include "tap.h"

#define MUT_PATCHES 4 /* patches in one case at the most */

/* A patch's op: 1, 2, 4 or 8 writes value in that many bytes (host order). */
enum { MUT_END = 0, MUT_MOVE = 3, MUT_FILL = 5 };

typedef struct mut_patch {
  uint8_t op;     /* bytes written, MUT_MOVE, MUT_FILL or MUT_END (ends) */
  uint32_t off;   /* where */
  uint64_t value; /* the value written, the byte filled, or for MUT_MOVE
                     the source offset */
  uint32_t len;   /* for MUT_MOVE and MUT_FILL: how many bytes */
} mut_patch;

#define PUT8(off, v) {1, (off), (v), 0}
#define PUT16(off, v) {2, (off), (v), 0}
#define PUT32(off, v) {4, (off), (v), 0}
#define PUT64(off, v) {8, (off), (v), 0}
/* No patch: the fixture as it is. */
#define AS_IS {MUT_END, 0, 0, 0}
/* memmove(buf + to, buf + from, n) */
#define MOVE(to, from, n) {MUT_MOVE, (to), (from), (n)}
/* memset(buf + off, byte, n) */
#define FILL(off, byte, n) {MUT_FILL, (off), (byte), (n)}

typedef struct mut_case {
  const char *what; /* the TAP description */
  int fixture;      /* index into the fixtures given to mut_run */
  size_t len;       /* the payload length the decoder is given */
  mut_patch patch[MUT_PATCHES];
  netipc_err want; /* the one expected result */
} mut_case;

typedef struct mut_fixture {
  void (*reset)(uint8_t *buf, const void *arg); /* the valid payload */
  netipc_err (*decode)(const uint8_t *buf, size_t len);
  const void *arg; /* passed to reset */
} mut_fixture;

static inline void
mut_apply(uint8_t *buf, const mut_patch *p)
{
  size_t i;
  for (i = 0; i < MUT_PATCHES && p[i].op != MUT_END; i++) {
    switch (p[i].op) {
    case 1:
      buf[p[i].off] = (uint8_t)p[i].value;
      break;
    case 2:
      put16(buf, p[i].off, (uint16_t)p[i].value);
      break;
    case 4:
      put32(buf, p[i].off, (uint32_t)p[i].value);
      break;
    case 8:
      put64(buf, p[i].off, p[i].value);
      break;
    case MUT_MOVE:
      memmove(buf + p[i].off, buf + (size_t)p[i].value, p[i].len);
      break;
    case MUT_FILL:
      memset(buf + p[i].off, (int)p[i].value, p[i].len);
      break;
    default:
      bail_out("mut_apply: bad op %u", p[i].op);
    }
  }
}

/* One is_err check per case, in table order. */
static inline void
mut_run(const mut_fixture *fixtures, uint8_t *buf, const mut_case *cases,
        size_t n)
{
  size_t i;
  for (i = 0; i < n; i++) {
    const mut_fixture *f = &fixtures[cases[i].fixture];
    f->reset(buf, f->arg);
    mut_apply(buf, cases[i].patch);
    is_err(f->decode(buf, cases[i].len), cases[i].want, "%s", cases[i].what);
  }
}

#define MUT_RUN(fixtures, buf, cases)                                         \
  mut_run((fixtures), (buf), (cases), sizeof(cases) / sizeof((cases)[0]))

#endif /* NETIPC_TESTS_MUTATE_H */
