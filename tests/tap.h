/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * tap.h - a tiny header-only TAP producer for the netipc test programs.
 *
 * Each test program includes it once. Checks never abort (no assert(), which
 * NDEBUG would remove); failures print the expected and actual values as '#'
 * diagnostics and main() returns exit_status().
 */
#ifndef NETIPC_TESTS_TAP_H
#define NETIPC_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netipc/common.h>

#if defined(__MINGW_PRINTF_FORMAT)
/* MinGW: the archetype of the printf in use (gnu_printf with
 * __USE_MINGW_ANSI_STDIO, which tests/windows.am sets, else ms_printf). */
#define TAP_PRINTF(f, a) __attribute__((format(__MINGW_PRINTF_FORMAT, f, a)))
#define TAP_UNUSED __attribute__((unused))
#elif defined(__GNUC__)
#define TAP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define TAP_UNUSED __attribute__((unused))
#else
#define TAP_PRINTF(f, a)
#define TAP_UNUSED
#endif

static int tap_planned = -1;
static int tap_run;
static int tap_failed;

/* Print "1..n" and remember it; exit_status() compares it with the count. */
TAP_UNUSED static void
plan(int n)
{
  tap_planned = n;
  printf("1..%d\n", n);
  fflush(stdout);
}

TAP_PRINTF(1, 2) TAP_UNUSED static void
diag(const char *fmt, ...)
{
  va_list ap;
  fputs("# ", stdout);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  fputc('\n', stdout);
  fflush(stdout);
}

TAP_PRINTF(1, 2) TAP_UNUSED static _Noreturn void
bail_out(const char *fmt, ...)
{
  va_list ap;
  fputs("Bail out! ", stdout);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  fputc('\n', stdout);
  fflush(stdout);
  exit(1);
}

/* The whole program does not apply here: "1..0 # SKIP reason", exit 0. */
TAP_UNUSED static _Noreturn void
skip_all(const char *reason)
{
  printf("1..0 # SKIP %s\n", reason);
  fflush(stdout);
  exit(0);
}

/* Count n planned checks as skipped (only after a failed precondition). */
TAP_UNUSED static void
skip(int n, const char *reason)
{
  while (n-- > 0)
    printf("ok %d # skip %s\n", ++tap_run, reason);
  fflush(stdout);
}

TAP_PRINTF(4, 0) TAP_UNUSED static int
tap_result_v(int cond, const char *file, int line, const char *fmt,
             va_list ap)
{
  ++tap_run;
  printf("%s %d - ", cond ? "ok" : "not ok", tap_run);
  vprintf(fmt, ap);
  fputc('\n', stdout);
  if (!cond) {
    ++tap_failed;
    printf("#   Failed test at %s line %d\n", file, line);
  }
  fflush(stdout);
  return cond;
}

#define TAP_RESULT_(cond, file, line, fmt, res)                               \
  do {                                                                        \
    va_list ap_;                                                              \
    va_start(ap_, fmt);                                                       \
    (res) = tap_result_v((cond), (file), (line), (fmt), ap_);                 \
    va_end(ap_);                                                              \
  } while (0)

TAP_PRINTF(4, 5) TAP_UNUSED static int
tap_ok_(int cond, const char *file, int line, const char *fmt, ...)
{
  int r;
  TAP_RESULT_(cond, file, line, fmt, r);
  return r;
}

TAP_PRINTF(5, 6) TAP_UNUSED static int
tap_is_int_(long long got, long long exp, const char *file, int line,
            const char *fmt, ...)
{
  int r;
  TAP_RESULT_(got == exp, file, line, fmt, r);
  if (!r)
    diag("       got: %lld\n#  expected: %lld", got, exp);
  return r;
}

TAP_PRINTF(5, 6) TAP_UNUSED static int
tap_is_uint_(unsigned long long got, unsigned long long exp, const char *file,
             int line, const char *fmt, ...)
{
  int r;
  TAP_RESULT_(got == exp, file, line, fmt, r);
  if (!r)
    diag("       got: %llu (0x%llx)\n#  expected: %llu (0x%llx)", got, got,
         exp, exp);
  return r;
}

TAP_UNUSED static const char *
tap_err_name(int err)
{
  const char *n = netipc_err_name(err);
  return n ? n : "(unknown)";
}

/* Passes when got is exp1 or exp2 (pass the same code twice for one). */
TAP_PRINTF(6, 7) TAP_UNUSED static int
tap_is_err_(int got, int exp1, int exp2, const char *file, int line,
            const char *fmt, ...)
{
  int r;
  TAP_RESULT_(got == exp1 || got == exp2, file, line, fmt, r);
  if (!r && exp1 == exp2)
    diag("       got: %d %s\n#  expected: %d %s", got, tap_err_name(got), exp1,
         tap_err_name(exp1));
  else if (!r)
    diag("       got: %d %s\n#  expected: %d %s or %d %s", got,
         tap_err_name(got), exp1, tap_err_name(exp1), exp2,
         tap_err_name(exp2));
  return r;
}

TAP_PRINTF(6, 7) TAP_UNUSED static int
tap_is_mem_(const void *got, const void *exp, size_t len, const char *file,
            int line, const char *fmt, ...)
{
  const unsigned char *g = got, *e = exp;
  size_t i = 0;
  int r;
  if (g != NULL && e != NULL)
    while (i < len && g[i] == e[i])
      i++;
  TAP_RESULT_(g != NULL && e != NULL && i == len, file, line, fmt, r);
  if (!r && (g == NULL || e == NULL))
    diag("    NULL pointer given (got %p, expected %p)", got, exp);
  else if (!r)
    diag("    first difference at offset %zu of %zu: got 0x%02x, expected "
         "0x%02x", i, len, g[i], e[i]);
  return r;
}

#define ok(cond, ...) tap_ok_((cond) ? 1 : 0, __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, exp, ...)                                                 \
  tap_is_int_((long long)(got), (long long)(exp), __FILE__, __LINE__,         \
              __VA_ARGS__)
#define is_uint(got, exp, ...)                                                \
  tap_is_uint_((unsigned long long)(got), (unsigned long long)(exp),          \
               __FILE__, __LINE__, __VA_ARGS__)
#define is_err(got, exp, ...)                                                 \
  tap_is_err_((int)(got), (int)(exp), (int)(exp), __FILE__, __LINE__,         \
              __VA_ARGS__)
/* Where the spec leaves the exact category open (codec.md 5.8). */
#define is_err2(got, exp1, exp2, ...)                                         \
  tap_is_err_((int)(got), (int)(exp1), (int)(exp2), __FILE__, __LINE__,       \
              __VA_ARGS__)
#define is_mem(got, exp, len, ...)                                            \
  tap_is_mem_((got), (exp), (len), __FILE__, __LINE__, __VA_ARGS__)

/* main()'s return value: non-zero on any failure or a count off the plan. */
TAP_UNUSED static int
exit_status(void)
{
  if (tap_planned >= 0 && tap_run != tap_planned) {
    diag("planned %d tests but ran %d", tap_planned, tap_run);
    return 1;
  }
  if (tap_failed > 0) {
    diag("failed %d of %d tests", tap_failed, tap_run);
    return 1;
  }
  return 0;
}

/*
 * For a program that made no plan(): print the trailing plan "1..n" for
 * the n checks it ran (TAP allows the plan last), so nobody counts checks
 * by hand; then return exit_status(). A program that ran no check fails:
 * an empty run proves nothing.
 */
TAP_UNUSED static int
done_testing(void)
{
  if (tap_planned < 0) {
    tap_planned = tap_run;
    printf("1..%d\n", tap_run);
    fflush(stdout);
    if (tap_run == 0) {
      diag("no test ran");
      return 1;
    }
  }
  return exit_status();
}

#endif /* NETIPC_TESTS_TAP_H */
