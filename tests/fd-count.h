/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fd-count.h - count this process's open file descriptors, so a test can
 * assert that repeating an operation leaves the count unchanged (a leaked
 * socket per failed connect shows as growth). POSIX only.
 */
#ifndef NETIPC_TESTS_FD_COUNT_H
#define NETIPC_TESTS_FD_COUNT_H

#include <stddef.h>

/*
 * Open descriptors of the process: the entries of /proc/self/fd where
 * that exists (minus the one reading it), else an fcntl(F_GETFD) probe of
 * every descriptor below the limit. -1 when neither works.
 */
int fdc_count(void);

/* fdc_count() or bail out (a test that cannot count proves nothing). */
int fdc_count_or_bail(void);

/*
 * The open descriptors as "N:target N:target ..." into buf (readlink of
 * /proc/self/fd/N where available, else the numbers): the diagnostic of
 * a failed count check.
 */
void fdc_describe(char *buf, size_t cap);

#endif /* NETIPC_TESTS_FD_COUNT_H */
