/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Windows object names (windows.md 2): the pipe name hashed from the run
 * directory, and the SHM mapping and event names hashed from run
 * directory, service and auth token. Digits are written here, not with
 * printf, so no C runtime's %llx decides a name (windows.md 8).
 */
#include "config.h"

#include <string.h>

#include "transport/windows/win-internal.h"

#define PIPE_PREFIX "\\\\.\\pipe\\netipc-"
#define SHM_PREFIX "Local\\netipc-"
#define HEX_DIGITS 16u /* a u64 in hex, zero-padded */
#define DEC_DIGITS_MAX 20u /* 18446744073709551615 */

uint64_t
netipc__fnv1a64(uint64_t h, const void *p, size_t n)
{
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++)
    h = (h ^ b[i]) * NETIPC__FNV1A64_PRIME;
  return h;
}

/* A name under construction: every append is bounded by cap. */
typedef struct name_buf {
  char s[NETIPC__WIN_NAME_MAX + 1];
  size_t len;
  bool overflow;
} name_buf;

static void
name_put(name_buf *n, const char *s, size_t len)
{
  if (n->overflow || len > NETIPC__WIN_NAME_MAX - n->len) {
    n->overflow = true;
    return;
  }
  memcpy(n->s + n->len, s, len);
  n->len += len;
}

static void
name_str(name_buf *n, const char *s)
{
  name_put(n, s, strlen(s));
}

static void
name_hex(name_buf *n, uint64_t v)
{
  static const char digits[] = "0123456789abcdef";
  char out[HEX_DIGITS];
  for (unsigned i = 0; i < HEX_DIGITS; i++)
    out[i] = digits[(v >> (4u * (HEX_DIGITS - 1u - i))) & 0xfu];
  name_put(n, out, sizeof out);
}

/* Unsigned decimal, no sign or padding (0 is "0"); returns its length. */
static size_t
dec_u64(uint64_t v, char out[DEC_DIGITS_MAX])
{
  char rev[DEC_DIGITS_MAX];
  size_t len = 0;
  do {
    rev[len++] = (char)('0' + v % 10u);
    v /= 10u;
  } while (v != 0);
  for (size_t i = 0; i < len; i++)
    out[i] = rev[len - 1u - i];
  return len;
}

/* The checks both names make (2.2, 2.6): names a truncating reference
 * service layer would shorten are refused, never derived. */
static netipc_err
names_check(const char *run_dir, const char *service)
{
  if (run_dir == NULL)
    return NETIPC_ERR_INVALID_ARG;
  netipc_err err = netipc_service_name_check(service);
  if (err != NETIPC_OK)
    return err;
  if (strlen(service) > NETIPC__WIN_SERVICE_MAX ||
      strlen(run_dir) > NETIPC__WIN_RUN_DIR_MAX)
    return NETIPC_ERR_PATH_TOO_LONG;
  return NETIPC_OK;
}

/* Copy a finished name out as ASCII and/or widened to UTF-16 (2.3). */
static netipc_err
name_emit(const name_buf *n, char *buf, wchar_t *wbuf, size_t cap)
{
  if (n->overflow || n->len >= cap)
    return NETIPC_ERR_PATH_TOO_LONG;
  for (size_t i = 0; i <= n->len; i++) {
    char c = i < n->len ? n->s[i] : '\0';
    if (buf != NULL)
      buf[i] = c;
    if (wbuf != NULL)
      wbuf[i] = (wchar_t)(unsigned char)c;
  }
  return NETIPC_OK;
}

netipc_err
netipc__win_pipe_name(const char *run_dir, const char *service, char *buf,
                      wchar_t *wbuf, size_t cap)
{
  netipc_err err = names_check(run_dir, service);
  if (err != NETIPC_OK)
    return err;
  name_buf n = {.len = 0, .overflow = false};
  name_str(&n, PIPE_PREFIX);
  name_hex(&n, netipc__fnv1a64(NETIPC__FNV1A64_INIT, run_dir,
                               strlen(run_dir)));
  name_str(&n, "-");
  name_str(&n, service);
  return name_emit(&n, buf, wbuf, cap);
}

/* <K>: run_dir \n service \n token-in-decimal (2.4). */
static uint64_t
shm_key(const netipc__shm_params *p)
{
  char dec[DEC_DIGITS_MAX];
  size_t dec_len = dec_u64(p->auth_token, dec);
  uint64_t h = netipc__fnv1a64(NETIPC__FNV1A64_INIT, p->run_dir,
                               strlen(p->run_dir));
  h = netipc__fnv1a64(h, "\n", 1);
  h = netipc__fnv1a64(h, p->service, strlen(p->service));
  h = netipc__fnv1a64(h, "\n", 1);
  return netipc__fnv1a64(h, dec, dec_len);
}

netipc_err
netipc__win_shm_name(const netipc__shm_params *p, const char *suffix,
                     char *buf, wchar_t *wbuf, size_t cap)
{
  if (p == NULL || suffix == NULL)
    return NETIPC_ERR_INVALID_ARG;
  netipc_err err = names_check(p->run_dir, p->service);
  if (err != NETIPC_OK)
    return err;
  if (p->profile != NETIPC_PROFILE_SHM_HYBRID &&
      p->profile != NETIPC_PROFILE_SHM_BUSYWAIT)
    return NETIPC_ERR_INVALID_ARG;
  uint64_t key = shm_key(p);
  if (key == 0) /* the reference refuses it; so do we */
    return NETIPC_ERR_INVALID_ARG;
  char dec[DEC_DIGITS_MAX];
  name_buf n = {.len = 0, .overflow = false};
  name_str(&n, SHM_PREFIX);
  name_hex(&n, key);
  name_str(&n, "-");
  name_str(&n, p->service);
  name_str(&n, "-p");
  name_put(&n, dec, dec_u64(p->profile, dec));
  name_str(&n, "-s");
  name_hex(&n, p->session_id);
  name_str(&n, "-");
  name_str(&n, suffix);
  return name_emit(&n, buf, wbuf, cap);
}

netipc_err
netipc_endpoint_name(const char *run_dir, const char *service_name,
                     char *buf, size_t cap)
{
  if (buf == NULL)
    return NETIPC_ERR_INVALID_ARG;
  return netipc__win_pipe_name(run_dir, service_name, buf, NULL, cap);
}
