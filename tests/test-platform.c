/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-platform.c - the portable half of test-platform.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "test-platform.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Noreturn void
tp_bail(const char *what)
{
  /* Same wording as tap.h's bail_out, which helpers cannot include. */
  printf("Bail out! %s\n", what);
  fflush(stdout);
  exit(1);
}

_Noreturn void
tp_bail_errno(const char *what)
{
  printf("Bail out! %s (%s)\n", what, strerror(errno));
  fflush(stdout);
  exit(1);
}

int
tp_under_valgrind(void)
{
  return getenv("NETIPC_UNDER_VALGRIND") != NULL;
}

uint64_t
tp_now_ms(void)
{
  return netipc__now_ms();
}

void
tp_sleep_ms(unsigned ms)
{
  netipc__sleep_ms(ms);
}

void
tp_transport_config(netipc_transport_config *cfg, const char *dir,
                    const char *svc)
{
  memset(cfg, 0, sizeof *cfg);
  cfg->run_dir = dir;
  cfg->service_name = svc;
  cfg->auth_token = TP_TOKEN;
}

/* Knuth's multiplicative hash spreads nearby seeds; then the classic C
 * library LCG, whose high bits are the better ones. */
#define FILL_SEED_MUL 2654435761u
#define FILL_LCG_MUL 1103515245u
#define FILL_LCG_ADD 12345u
#define FILL_HIGH_SHIFT 16
#define FILL_NONZERO_VALUES 255u

void
tp_fill(uint8_t *buf, size_t len, uint32_t seed)
{
  uint32_t x = seed * FILL_SEED_MUL + 1u;
  for (size_t i = 0; i < len; i++) {
    x = x * FILL_LCG_MUL + FILL_LCG_ADD;
    buf[i] = (uint8_t)(1 + (x >> FILL_HIGH_SHIFT) % FILL_NONZERO_VALUES);
  }
}

netipc__mutex *
tp_mutex_new(void)
{
  netipc__mutex *m = NULL;
  if (netipc__mutex_create(&m) != NETIPC_OK)
    tp_bail("cannot create a mutex");
  return m;
}

/* ---------------------------------------------------------------- */
/* Threads                                                           */
/* ---------------------------------------------------------------- */

static void
task_main(void *arg)
{
  tp_task *t = arg;
  t->fn(t->arg);
  atomic_store(&t->done, 1);
}

void
tp_task_start(tp_task *t, void (*fn)(void *arg), void *arg)
{
  t->fn = fn;
  t->arg = arg;
  atomic_store(&t->done, 0);
  if (netipc__thread_create(&t->thread, task_main, t) != NETIPC_OK)
    tp_bail("cannot start a thread");
}

int
tp_task_done(tp_task *t)
{
  return atomic_load(&t->done) != 0;
}

int
tp_task_join(tp_task *t, int timeout_ms, const char *what)
{
  uint64_t end = tp_now_ms() + (uint64_t)timeout_ms;
  while (!tp_task_done(t)) {
    if (tp_now_ms() >= end) {
      printf("# %s did not finish within %d ms\n", what, timeout_ms);
      tp_bail("a thread hangs");
    }
    tp_sleep_ms(2);
  }
  netipc__thread_join(t->thread);
  t->thread = NULL;
  return 1;
}
