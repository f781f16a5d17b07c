/* SPDX-License-Identifier: GPL-3.0-or-later */
/* win-test-helpers.c - see win-test-helpers.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "win-test-helpers.h"

#include <process.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WT_NAME_CAP 256u
#define WT_POLL_MS 1u
#define WT_JOIN_MS ((int)(2u * WT_WAIT_MS))
/* Echo receives wait without a deadline: the client's close ends them. */
#define WT_ECHO_RECV_MS 0u

/* ---- watchdog, run_dir, Wine ---------------------------------------- */

static unsigned __stdcall
watchdog_main(void *arg)
{
  (void)arg;
  Sleep(WT_WATCHDOG_S * 1000u);
  printf("Bail out! watchdog: the program ran for %u s\n", WT_WATCHDOG_S);
  fflush(stdout);
  ExitProcess(1);
  return 0;
}

void
wt_init(const char *tag, char *run_dir, size_t cap)
{
  uintptr_t t = _beginthreadex(NULL, 0, watchdog_main, NULL, 0, NULL);
  if (t == 0)
    tp_bail("cannot start the watchdog thread");
  CloseHandle((HANDLE)t);
  /* Only hashed into object names (windows.md 2.3), so it need not exist;
   * the pid and clock keep parallel and repeated runs apart. */
  int n = snprintf(run_dir, cap, "C:\\netipc-test\\%s-%lu-%llu", tag,
                   (unsigned long)GetCurrentProcessId(),
                   (unsigned long long)GetTickCount64());
  if (n < 0 || (size_t)n >= cap)
    tp_bail("run_dir does not fit");
}

int
wt_under_wine(void)
{
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  return ntdll != NULL && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

void
wt_config(netipc_transport_config *cfg, const char *run_dir, const char *svc)
{
  tp_transport_config(cfg, run_dir, svc);
}

/* ---- raw pipe client ------------------------------------------------ */

/* The pipe name, widened, as win-names.c derives it (tested there). */
static void
pipe_name(const char *run_dir, const char *svc, wchar_t *w)
{
  uint64_t h = 0xcbf29ce484222325ull;
  for (const unsigned char *p = (const unsigned char *)run_dir; *p; p++)
    h = (h ^ *p) * 0x00000100000001b3ull;
  char a[WT_NAME_CAP];
  int n = snprintf(a, sizeof a, "\\\\.\\pipe\\netipc-%016llx-%s",
                   (unsigned long long)h, svc);
  if (n < 0 || (size_t)n >= sizeof a)
    tp_bail("pipe name does not fit");
  for (int i = 0; i <= n; i++)
    w[i] = (wchar_t)(unsigned char)a[i];
}

HANDLE
wt_raw_connect(const char *run_dir, const char *svc)
{
  wchar_t name[WT_NAME_CAP];
  pipe_name(run_dir, svc, name);
  uint64_t end = tp_now_ms() + WT_WAIT_MS;
  for (;;) {
    HANDLE h = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                           OPEN_EXISTING, 0, NULL);
    if (h != INVALID_HANDLE_VALUE) {
      DWORD mode = PIPE_READMODE_MESSAGE;
      if (!SetNamedPipeHandleState(h, &mode, NULL, NULL)) {
        CloseHandle(h);
        return INVALID_HANDLE_VALUE;
      }
      return h;
    }
    if (tp_now_ms() >= end)
      return INVALID_HANDLE_VALUE;
    tp_sleep_ms(WT_POLL_MS);
  }
}

int
wt_raw_send(HANDLE h, const void *p, size_t n)
{
  DWORD done = 0;
  if (!WriteFile(h, p, (DWORD)n, &done, NULL))
    return -1;
  return done == n ? 0 : -1;
}

static int
gone_error(DWORD e)
{
  return e == ERROR_BROKEN_PIPE || e == ERROR_NO_DATA ||
         e == ERROR_PIPE_NOT_CONNECTED;
}

long
wt_raw_recv(HANDLE h, void *buf, size_t cap, uint32_t timeout_ms)
{
  uint64_t end = tp_now_ms() + timeout_ms;
  for (;;) {
    DWORD avail = 0;
    if (!PeekNamedPipe(h, NULL, 0, NULL, &avail, NULL))
      return gone_error(GetLastError()) ? WT_RECV_GONE : WT_RECV_ERROR;
    if (avail > 0) {
      DWORD n = 0;
      if (ReadFile(h, buf, (DWORD)cap, &n, NULL))
        return (long)n;
      DWORD e = GetLastError();
      if (e == ERROR_MORE_DATA)
        return WT_RECV_TOO_BIG;
      return gone_error(e) ? WT_RECV_GONE : WT_RECV_ERROR;
    }
    if (tp_now_ms() >= end)
      return WT_RECV_TIMEOUT;
    tp_sleep_ms(WT_POLL_MS);
  }
}

int
wt_raw_wait_gone(HANDLE h, uint32_t timeout_ms)
{
  uint8_t sink[1024];
  uint64_t end = tp_now_ms() + timeout_ms;
  for (;;) {
    uint64_t now = tp_now_ms();
    if (now >= end)
      return 0;
    long r = wt_raw_recv(h, sink, sizeof sink, (uint32_t)(end - now));
    if (r == WT_RECV_GONE)
      return 1;
    if (r == WT_RECV_TIMEOUT || r == WT_RECV_ERROR)
      return 0;
  }
}

void
wt_hello_default(netipc_hello *h)
{
  memset(h, 0, sizeof *h);
  h->layout_version = NETIPC_LAYOUT_VERSION;
  h->supported_profiles = NETIPC_PROFILE_NAMED_PIPE;
  h->preferred_profiles = NETIPC_PROFILE_NAMED_PIPE;
  h->max_request_payload_bytes = 4096;
  h->max_request_batch_items = 8;
  h->max_response_payload_bytes = 4096;
  h->max_response_batch_items = 8;
  h->auth_token = WT_TOKEN;
  h->packet_size = 65536;
}

size_t
wt_hello_msg(const netipc_hello *h, uint8_t *buf)
{
  if (netipc_hello_message_encode(h, buf, NETIPC_HELLO_MSG_LEN) != NETIPC_OK)
    tp_bail("HELLO encode failed");
  return NETIPC_HELLO_MSG_LEN;
}

/* ---- raw pipe server ------------------------------------------------ */

#define WT_RAW_BUFFER 65536u

static void
raw_server_main(void *arg)
{
  wt_raw_server *s = arg;
  if (!ConnectNamedPipe(s->pipe, NULL) &&
      GetLastError() != ERROR_PIPE_CONNECTED) {
    s->hello_len = WT_RECV_ERROR;
    return;
  }
  s->hello_len = wt_raw_recv(s->pipe, s->hello, sizeof s->hello, WT_WAIT_MS);
  if (s->hello_len > 0 && s->ack != NULL) {
    (void)wt_raw_send(s->pipe, s->ack, s->ack_len);
    FlushFileBuffers(s->pipe); /* the reply is read before we disconnect */
  }
  s->client_left = wt_raw_wait_gone(s->pipe, s->hold_ms);
  DisconnectNamedPipe(s->pipe);
}

int
wt_raw_server_start(wt_raw_server *s, const char *run_dir, const char *svc,
                    const uint8_t *ack, size_t ack_len, uint32_t hold_ms)
{
  wchar_t name[WT_NAME_CAP];
  memset(s, 0, sizeof *s);
  pipe_name(run_dir, svc, name);
  s->pipe = CreateNamedPipeW(
      name, PIPE_ACCESS_DUPLEX,
      PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT, 1, WT_RAW_BUFFER,
      WT_RAW_BUFFER, 0, NULL);
  if (s->pipe == INVALID_HANDLE_VALUE)
    return 0;
  s->ack = ack;
  s->ack_len = ack_len;
  s->hold_ms = hold_ms;
  tp_task_start(&s->task, raw_server_main, s);
  return 1;
}

void
wt_raw_server_join(wt_raw_server *s)
{
  tp_task_join(&s->task, (int)(3u * WT_WAIT_MS), "raw server thread");
  CloseHandle(s->pipe);
  s->pipe = INVALID_HANDLE_VALUE;
}

/* ---- accept threads and pairs ---------------------------------------- */

static void
accepter_main(void *arg)
{
  wt_accepter *a = arg;
  uint64_t t0 = tp_now_ms();
  a->err = netipc_listener_accept(a->listener, a->timeout_ms, a->abort,
                                  &a->session);
  a->elapsed_ms = tp_now_ms() - t0;
  a->last_status = netipc_listener_last_status(a->listener);
}

void
wt_accept_start(wt_accepter *a, netipc_listener *l, uint32_t timeout_ms,
                const netipc_abort *abort)
{
  memset(a, 0, sizeof *a);
  a->listener = l;
  a->timeout_ms = timeout_ms;
  a->abort = abort;
  a->err = NETIPC_ERR_SYSTEM;
  tp_task_start(&a->task, accepter_main, a);
}

netipc_err
wt_accept_join(wt_accepter *a)
{
  tp_task_join(&a->task, WT_JOIN_MS, "accept thread");
  return a->err;
}

void
wt_pair_open(wt_pair *p, netipc_listener *l,
             const netipc_transport_config *ccfg)
{
  wt_accepter a;
  memset(p, 0, sizeof *p);
  wt_accept_start(&a, l, WT_WAIT_MS, NULL);
  /* A client refused before it reaches the pipe leaves the accept to
   * time out: callers use pairs only for connects that reach it. */
  p->connect_err = netipc_session_connect(ccfg, WT_WAIT_MS, NULL, &p->client);
  wt_accept_join(&a);
  p->accept_err = a.err;
  p->server = a.session;
  p->last_status = a.last_status;
}

void
wt_pair_close(wt_pair *p)
{
  netipc_session_destroy(p->client);
  netipc_session_destroy(p->server);
  p->client = p->server = NULL;
}

/* ---- echo server ---------------------------------------------------- */

static void
echo_main(void *arg)
{
  wt_echo *e = arg;
  for (;;) {
    netipc_header h, r;
    const void *p = NULL;
    size_t n = 0;
    netipc_err err =
        netipc_session_receive(e->session, e->timeout_ms, e->abort, &h, &p, &n);
    if (err != NETIPC_OK) {
      e->end_err = err;
      return;
    }
    netipc_header_init(&r, NETIPC_KIND_RESPONSE, h.code, h.message_id);
    r.flags = h.flags;
    r.item_count = h.item_count;
    err = netipc_session_send(e->session, &r, p, n);
    if (err != NETIPC_OK) {
      e->end_err = err;
      return;
    }
    e->served++;
  }
}

void
wt_echo_start(wt_echo *e, netipc_session *s, const netipc_abort *abort)
{
  memset(e, 0, sizeof *e);
  e->session = s;
  e->abort = abort;
  e->timeout_ms = WT_ECHO_RECV_MS;
  tp_task_start(&e->task, echo_main, e);
}

netipc_err
wt_echo_join(wt_echo *e)
{
  tp_task_join(&e->task, WT_JOIN_MS, "echo thread");
  return e->end_err;
}

void
wt_pattern(uint8_t *p, size_t n, unsigned seed)
{
  for (size_t i = 0; i < n; i++)
    p[i] = (uint8_t)((i * 131u + seed * 7u + (i >> 8)) & 0xffu);
}

int
wt_echo_call(netipc_session *c, uint16_t code, uint64_t id,
             const void *payload, size_t len)
{
  netipc_header h, r;
  const void *rp = NULL;
  size_t rl = 0;
  netipc_header_init(&h, NETIPC_KIND_REQUEST, code, id);
  if (netipc_session_send(c, &h, payload, len) != NETIPC_OK)
    return 0;
  if (netipc_session_receive(c, WT_WAIT_MS, NULL, &r, &rp, &rl) != NETIPC_OK)
    return 0;
  return r.kind == NETIPC_KIND_RESPONSE && r.code == code &&
         r.message_id == id && r.transport_status == NETIPC_STATUS_OK &&
         rl == len && (len == 0 || memcmp(rp, payload, len) == 0);
}

static void
wt_blocked_recv_main(void *arg)
{
  wt_blocked_recv *b = arg;
  netipc_header h;
  const void *p;
  size_t n;
  uint64_t t0 = tp_now_ms();
  b->err = netipc_session_receive(b->s, b->timeout_ms, b->abort, &h, &p, &n);
  b->elapsed_ms = tp_now_ms() - t0;
}

void
wt_blocked_recv_start(wt_blocked_recv *b, netipc_session *s,
                      uint32_t timeout_ms, const netipc_abort *abort)
{
  memset(b, 0, sizeof *b);
  b->s = s;
  b->timeout_ms = timeout_ms;
  b->abort = abort;
  tp_task_start(&b->task, wt_blocked_recv_main, b);
}

void
wt_blocked_recv_join(wt_blocked_recv *b)
{
  tp_task_join(&b->task, (int)(2 * WT_WAIT_MS), "blocked receive");
}
