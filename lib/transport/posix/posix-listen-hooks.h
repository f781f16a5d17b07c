/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * posix-listen-hooks.h - test hooks of the UDS listener (not API): run
 * the bind-in-a-private-directory path on Linux too, and step into it.
 */
#ifndef NETIPC_TRANSPORT_POSIX_LISTEN_HOOKS_H
#define NETIPC_TRANSPORT_POSIX_LISTEN_HOOKS_H

#include <stdbool.h>

/* The steps of the private-directory bind (posix-uds-listen.c), in order. */
typedef enum netipc__link_step {
  NETIPC__LINK_MKDTEMP,    /* make <run_dir>/.bind-XXXXXX */
  NETIPC__LINK_CHMOD_DIR,  /* make it exactly 0700 */
  NETIPC__LINK_BIND,       /* bind <dir>/s */
  NETIPC__LINK_CHMOD_SOCK, /* make the socket 0600 */
  NETIPC__LINK_LINK,       /* link it to the endpoint path */
  NETIPC__LINK_CLEANUP,    /* unlink <dir>/s, rmdir <dir> */
  NETIPC__LINK_STEPS
} netipc__link_step;

/*
 * Called before each step with the private directory's path (the
 * template before MKDTEMP). A non-zero return makes the step fail with
 * that errno (CLEANUP still cleans up, then fails the bind).
 */
typedef int (*netipc__link_hook_fn)(netipc__link_step step, const char *dir,
                                    void *arg);

/* true: listeners bind through the private directory and link(); false:
 * the platform default (Linux: fchmod before bind). Not thread-safe with
 * listeners being created. */
void netipc__listen_bind_via_link(bool on);

/* Install (fn NULL: remove) the step hook. Same thread-safety. */
void netipc__listen_link_hook(netipc__link_hook_fn fn, void *arg);

#endif /* NETIPC_TRANSPORT_POSIX_LISTEN_HOOKS_H */
