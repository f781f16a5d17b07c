/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * lookup-answers.h - the handler answers behind the recorded lookup calls
 * of the shared/vectors/lookup/ "_call_" groups (vectors/README.md, lookup/),
 * for both CGROUPS_LOOKUP and APPS_LOOKUP, usable as a
 * netipc_lookup_handler and directly on a netipc_lookup_builder.
 */
#ifndef NETIPC_TESTS_LOOKUP_ANSWERS_H
#define NETIPC_TESTS_LOOKUP_ANSWERS_H

#include <stdint.h>

#include <netipc/lookup.h>

/* The 300-byte name of /cg/big. */
#define LOOKUP_ANSWERS_BIG_NAME_LEN 300u

/*
 * The generation every answer carries (0 until set). The recorded groups
 * use 77, 88, 99, 5 and 19 in README table order. Set it before the
 * server (or the builder) that uses the handler runs; it is a plain
 * variable, not synchronised with running handlers.
 */
void lookup_answers_set_generation(uint64_t g);

/*
 * Answer every key of *req into b, dispatching on req->method:
 * CGROUPS_LOOKUP through netipc_cgroups_lookup_builder_add_key, APPS_LOOKUP
 * through netipc_apps_lookup_builder_add. user is unused (may be NULL).
 * Returns 0 on success, non-zero when an add failed or the method is
 * neither lookup method.
 */
int lookup_answers_handler(void *user, const netipc_lookup_req_view *req,
                           netipc_lookup_builder *b);

#endif /* NETIPC_TESTS_LOOKUP_ANSWERS_H */
