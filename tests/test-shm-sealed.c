/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Extension 2 (doc/extensions.md): the sealed memfd region, the default
 * between two netipc peers. A default session runs on SHM with no region
 * file in the run dir, both at Level 1 and Level 2; nobody can ftruncate
 * the region (EPERM) and the session goes on; with file_shm, or with
 * plain_protocol, it gets a region file, and the HELLO differs from a
 * default one only in that flags bit, and the HELLO_ACK only in its echo. Raw servers that echo the bit and send no descriptor, an
 * unsealed memfd, a memfd of the wrong size or too many descriptors make
 * the attach (or the handshake) fail, and a Level 2 client falls back to
 * the UDS baseline.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/service-helpers.h"
#include "tests/shm-helpers.h"
#include "tests/tap.h"
#include "tests/uds-helpers.h"
#include "transport/posix/posix-shm-internal.h"

#define PLAN 44
#define RQ 1024u
#define RS 4096u
#define SEALED_FLAGS                                                          \
  (NETIPC_HELLO_FLAG_EXTENSIONS | NETIPC_HELLO_FLAG_SEALED_SHM)
#define MEMFD_LINK "/memfd:netipc-shm"
#define FD_LINK_MAX 256
#define HELLO_FLAGS_AT (NETIPC_HEADER_LEN + 2u) /* wire.md 9.1 offset 2 */
#define ACK_SESSION_AT (NETIPC_HEADER_LEN + 40u) /* wire.md 9.2 offset 40 */
#define ACK_SESSION_LEN 8u
#define RAW_FDS_MAX 3
#define L2_CONNECT_MS 5000
#define L2_CALL_MS 5000u

static char run_dir[64];

#ifdef NETIPC_BUILD_SEALED_SHM

/* ---------------------------------------------------------------- */
/* Descriptors of this process                                        */
/* ---------------------------------------------------------------- */

/* Open descriptors of this process (-1 on error). */
static int
fd_count(void)
{
  DIR *d = opendir("/proc/self/fd");
  if (d == NULL)
    return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    n += e->d_name[0] != '.';
  closedir(d);
  return n - 1; /* the DIR's own descriptor */
}

/* Up to cap descriptors of this process that are our sealed regions. */
static int
memfd_fds(int *fds, int cap)
{
  DIR *d = opendir("/proc/self/fd");
  if (d == NULL)
    return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < cap) {
    char path[sizeof "/proc/self/fd/" + FD_LINK_MAX], link[FD_LINK_MAX];
    snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
    ssize_t len = readlink(path, link, sizeof link - 1);
    if (len <= 0)
      continue;
    link[len] = '\0';
    if (strncmp(link, MEMFD_LINK, strlen(MEMFD_LINK)) == 0)
      fds[n++] = atoi(e->d_name);
  }
  closedir(d);
  return n;
}

/* 1 when ftruncate of every sealed region of this process (at least
 * `want` of them) to 0 and to twice its size fails with EPERM. */
static int
truncation_refused(int want)
{
  int fds[8];
  int n = memfd_fds(fds, 8);
  if (n < want) {
    diag("%d sealed regions open, want %d", n, want);
    return 0;
  }
  for (int i = 0; i < n; i++) {
    off_t size = lseek(fds[i], 0, SEEK_END);
    errno = 0;
    int shrink = ftruncate(fds[i], 0);
    int shrink_errno = errno;
    errno = 0;
    int grow = ftruncate(fds[i], size * 2);
    if (shrink == 0 || shrink_errno != EPERM || grow == 0 || errno != EPERM) {
      diag("fd %d: ftruncate shrink %d (%d) grow %d (%d)", fds[i], shrink,
           shrink_errno, grow, errno);
      return 0;
    }
  }
  return 1;
}

/* ---------------------------------------------------------------- */
/* Level 1                                                            */
/* ---------------------------------------------------------------- */

/* sealed: the default configuration; else file_shm asks for the file. */
static void
sealed_config(netipc_transport_config *cfg, const char *svc, bool sealed)
{
  shm_config(cfg, run_dir, svc, SHM_PROFILES_BOTH, SHM_PREFERRED, RQ, RS);
  cfg->file_shm = !sealed;
}

static void
test_level1(void)
{
  const char *svc = "sealed-l1";
  netipc_transport_config sc, cc;
  sealed_config(&sc, svc, true);
  sealed_config(&cc, svc, true);
  netipc_listener *l = NULL;
  if (netipc_listener_create(&sc, &l) != NETIPC_OK)
    bail_out("listener %s", svc);
  int before = fd_count();
  uds_pair p;
  uds_pair_open(&p, l, &cc, 1);
  is_err(p.err, NETIPC_OK, "L1 default: sealed session established");
  if (p.err != NETIPC_OK)
    bail_out("no sealed session");
  const netipc_session_info *ci = netipc_session_get_info(p.client);
  const netipc_session_info *si = netipc_session_get_info(p.server);
  is_uint(ci->extension_flags, SEALED_FLAGS, "L1 sealed: client flags");
  is_uint(si->extension_flags, SEALED_FLAGS, "L1 sealed: server flags");
  is_uint(ci->selected_profile, NETIPC_PROFILE_SHM_HYBRID,
          "L1 sealed: the session runs on SHM");
  is_int(shm_count_regions(run_dir), 0, "L1 sealed: no region file");
  int fds[4];
  is_int(memfd_fds(fds, 4), 2, "L1 sealed: one memfd per side");
  ok(uds_pair_round_trip(&p, 41) && uds_pair_round_trip(&p, 1000),
     "L1 sealed: round trips both ways");
  ok(truncation_refused(2), "L1 sealed: ftruncate fails with EPERM");
  ok(uds_pair_round_trip(&p, 77) && !netipc_session_is_broken(p.client) &&
         !netipc_session_is_broken(p.server),
     "L1 sealed: the session goes on after the attempts");
  uds_pair_close(&p);
  is_int(fd_count(), before, "L1 sealed: no descriptor left behind");

  /* file_shm: the file region, as toward a reference peer. */
  sealed_config(&cc, svc, false);
  uds_pair_open(&p, l, &cc, 1);
  ok(p.err == NETIPC_OK &&
         netipc_session_get_info(p.client)->extension_flags ==
             NETIPC_HELLO_FLAG_EXTENSIONS &&
         shm_count_regions(run_dir) == 1 && uds_pair_round_trip(&p, 5),
     "L1 file_shm: extension 1 only, a region file");
  uds_pair_close(&p);
  /* plain_protocol: the reference HELLO, so the file region. */
  sealed_config(&cc, svc, true);
  cc.plain_protocol = true;
  uds_pair_open(&p, l, &cc, 1);
  ok(p.err == NETIPC_OK &&
         netipc_session_get_info(p.client)->extension_flags == 0 &&
         shm_count_regions(run_dir) == 1 && uds_pair_round_trip(&p, 6),
     "L1 plain_protocol: no flags, a region file");
  uds_pair_close(&p);
  netipc_listener_destroy(l);
}

/* ---------------------------------------------------------------- */
/* HELLO and HELLO_ACK bytes                                          */
/* ---------------------------------------------------------------- */

/* The HELLO record a client with cfg sends (to a raw listener). */
static long
hello_bytes(const netipc_transport_config *cfg, uint8_t *buf, size_t cap)
{
  int lfd = uds_raw_listen(run_dir, cfg->service_name);
  if (lfd < 0)
    bail_out("raw listener");
  uds_connecter c;
  uds_connect_start(&c, cfg, 1000);
  int fd = uds_raw_accept(lfd, UDS_WAIT_MS);
  long n = fd >= 0 ? uds_raw_recv(fd, buf, cap, UDS_WAIT_MS) : -1;
  if (fd >= 0)
    close(fd);
  uds_connect_join(&c);
  if (c.session != NULL)
    netipc_session_destroy(c.session);
  close(lfd);
  char path[128];
  uds_sock_path(run_dir, cfg->service_name, path, sizeof path);
  unlink(path);
  return n;
}

/* The HELLO_ACK a netipc listener answers to a raw HELLO with flags. */
static long
ack_bytes(netipc_listener *l, const char *svc, uint16_t flags, uint8_t *buf,
          size_t cap)
{
  netipc_hello h;
  uds_hello_default(&h);
  h.supported_profiles = SHM_PROFILES_BOTH;
  h.preferred_profiles = SHM_PREFERRED;
  h.max_request_payload_bytes = RQ;
  h.max_response_payload_bytes = RS;
  h.flags = flags;
  uds_accepter a;
  uds_accept_start(&a, l, UDS_WAIT_MS, 1);
  int fd = uds_raw_connect(run_dir, svc);
  long n = fd >= 0 ? (long)uds_raw_hello(fd, &h, buf, cap) : -1;
  if (fd >= 0)
    close(fd);
  uds_accept_join(&a);
  if (a.session != NULL)
    netipc_session_destroy(a.session);
  netipc_header hdr;
  if (n > 0 && (netipc_header_decode(buf, (size_t)n, &hdr) != NETIPC_OK ||
                hdr.transport_status != NETIPC_STATUS_OK))
    return -1; /* only OK answers carry flags */
  return n;
}

/* 1 when a and b (len bytes) differ only in the bits `mask` at `at`
 * (u16, host order) and, when skip_len != 0, in [skip, skip + skip_len). */
static int
differ_only(const uint8_t *a, const uint8_t *b, size_t len, size_t at,
            uint16_t mask, size_t skip, size_t skip_len)
{
  for (size_t i = 0; i < len; i++) {
    if (i == at || i == at + 1 || (i >= skip && i < skip + skip_len))
      continue;
    if (a[i] != b[i]) {
      diag("byte %zu differs: %02x %02x", i, a[i], b[i]);
      return 0;
    }
  }
  uint16_t fa, fb;
  memcpy(&fa, a + at, sizeof fa);
  memcpy(&fb, b + at, sizeof fb);
  if ((uint16_t)(fa ^ fb) != mask)
    diag("flags %#x and %#x, want them to differ by %#x", fa, fb, mask);
  return (uint16_t)(fa ^ fb) == mask;
}

static void
test_bytes(void)
{
  const char *svc = "sealed-bytes";
  netipc_transport_config cc;
  uint8_t sealed[128], ext[128], plain[128];
  sealed_config(&cc, svc, true);
  long ns = hello_bytes(&cc, sealed, sizeof sealed);
  sealed_config(&cc, svc, false);
  long ne = hello_bytes(&cc, ext, sizeof ext);
  sealed_config(&cc, svc, true);
  cc.plain_protocol = true;
  long np = hello_bytes(&cc, plain, sizeof plain);
  ok(ns == NETIPC_HELLO_MSG_LEN && ne == ns && np == ns,
     "HELLO: three records of %u bytes", NETIPC_HELLO_MSG_LEN);
  ok(differ_only(sealed, ext, (size_t)ns, HELLO_FLAGS_AT,
                 NETIPC_HELLO_FLAG_SEALED_SHM, 0, 0),
     "HELLO: default and file_shm differ only in the sealed bit");
  ok(differ_only(sealed, plain, (size_t)ns, HELLO_FLAGS_AT, SEALED_FLAGS, 0,
                 0),
     "HELLO: plain_protocol clears both bits and nothing else");

  netipc_transport_config sc;
  sealed_config(&sc, svc, true);
  netipc_listener *l = NULL;
  if (netipc_listener_create(&sc, &l) != NETIPC_OK)
    bail_out("listener %s", svc);
  uint8_t as[128], ae[128], ap[128];
  long nas = ack_bytes(l, svc, SEALED_FLAGS, as, sizeof as);
  long nae = ack_bytes(l, svc, NETIPC_HELLO_FLAG_EXTENSIONS, ae, sizeof ae);
  long nap = ack_bytes(l, svc, 0, ap, sizeof ap);
  ok(nas == NETIPC_HELLO_ACK_MSG_LEN && nae == nas && nap == nas,
     "HELLO_ACK: three records of %u bytes", NETIPC_HELLO_ACK_MSG_LEN);
  ok(differ_only(as, ae, (size_t)nas, HELLO_FLAGS_AT,
                 NETIPC_HELLO_FLAG_SEALED_SHM, ACK_SESSION_AT, ACK_SESSION_LEN),
     "HELLO_ACK: sealed and extension-1 echo differ in the bit only");
  uint16_t pf;
  memcpy(&pf, ap + HELLO_FLAGS_AT, sizeof pf);
  is_uint(pf, 0, "HELLO_ACK: a reference client's HELLO gets flags 0");
  ok(differ_only(as, ap, (size_t)nas, HELLO_FLAGS_AT, SEALED_FLAGS,
                 ACK_SESSION_AT, ACK_SESSION_LEN),
     "HELLO_ACK: toward a reference client only the flags differ");
  is_int(shm_count_regions(run_dir), 0, "HELLO_ACK: no region left behind");
  netipc_listener_destroy(l);
}

/* ---------------------------------------------------------------- */
/* Raw servers: what a hostile or broken server may send              */
/* ---------------------------------------------------------------- */

typedef enum raw_fd_mode {
  RAW_NO_FD,     /* echo the bit, send nothing */
  RAW_GOOD,      /* a correct sealed region */
  RAW_UNSEALED,  /* a correct region in an unsealed memfd */
  RAW_BIG,       /* sealed, but 64 bytes longer than the header says */
  RAW_TWO,       /* a correct region plus a second descriptor */
  RAW_THREE,     /* three descriptors: more than the client takes */
  RAW_NO_ECHO    /* UDS selected, bit not echoed, a descriptor anyway */
} raw_fd_mode;

typedef struct raw_server {
  int lfd;
  raw_fd_mode mode[2]; /* per connection; the second answers plainly */
  int conns;           /* connections to serve */
  uint32_t hello_profiles[2];
  int failed;
  pthread_t thread;
} raw_server;

/* A memfd holding a copy of the region bytes of src, extra bytes longer,
 * sealed or not. */
static int
region_copy(const netipc__shm *src, size_t extra, bool seal)
{
  int fd = memfd_create("netipc-test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0 || ftruncate(fd, (off_t)(src->size + extra)) != 0 ||
      pwrite(fd, src->base, src->size, 0) != (ssize_t)src->size ||
      (seal && fcntl(fd, F_ADD_SEALS,
                     F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0))
    bail_out("cannot make a test memfd");
  return fd;
}

/* sendmsg of rec with n descriptors. */
static int
send_with_fds(int fd, const uint8_t *rec, size_t len, const int *fds, int n)
{
  struct iovec iov = {.iov_base = (void *)rec, .iov_len = len};
  union {
    struct cmsghdr align;
    char buf[CMSG_SPACE(sizeof(int) * RAW_FDS_MAX)];
  } ctl;
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  memset(&ctl, 0, sizeof ctl);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (n > 0) {
    msg.msg_control = ctl.buf;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n);
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)n);
  }
  return sendmsg(fd, &msg, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/* Answer one connection's HELLO as mode says; 0 on success. */
static int
raw_answer(int fd, raw_fd_mode mode, uint32_t *profiles)
{
  uint8_t hello[128];
  long n = uds_raw_recv(fd, hello, sizeof hello, UDS_WAIT_MS);
  netipc_hello h;
  if (n < (long)NETIPC_HELLO_MSG_LEN ||
      netipc_hello_decode(hello + NETIPC_HEADER_LEN,
                          (size_t)n - NETIPC_HEADER_LEN, &h) != NETIPC_OK)
    return -1;
  *profiles = h.supported_profiles;
  netipc_server_hello_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.supported_profiles = mode == RAW_NO_ECHO ? NETIPC_PROFILE_UDS_SEQPACKET
                                               : SHM_PROFILES_BOTH;
  cfg.preferred_profiles = cfg.supported_profiles & SHM_PREFERRED;
  cfg.max_request_payload_bytes = RQ;
  cfg.max_response_payload_bytes = RS;
  cfg.auth_token = h.auth_token;
  cfg.packet_size = NETIPC_PACKET_SIZE_FALLBACK;
  cfg.extension_flags =
      mode == RAW_NO_ECHO ? NETIPC_HELLO_FLAG_EXTENSIONS : SEALED_FLAGS;
  netipc_hello_ack ack;
  uint16_t status;
  if (netipc_hello_negotiate(hello, (size_t)n, &cfg, 1, &ack, &status) !=
      NETIPC_HELLO_ACCEPT)
    return -1;
  uint8_t rec[NETIPC_HELLO_ACK_MSG_LEN];
  netipc_hello_ack_message_encode(&ack, status, rec, sizeof rec);
  netipc__shm *good = NULL;
  bool extended = (ack.flags & NETIPC_HELLO_FLAG_EXTENSIONS) != 0;
  if (netipc__shm_memfd_create(RQ, RS, extended, &good) != NETIPC_OK)
    return -1;
  int fds[RAW_FDS_MAX] = {netipc__shm_region_fd(good), -1, -1}, nfd = 1;
  int own[RAW_FDS_MAX] = {-1, -1, -1}; /* the copies this answer made */
  switch (mode) {
  case RAW_NO_FD:
    nfd = 0;
    break;
  case RAW_UNSEALED:
    fds[0] = own[0] = region_copy(good, 0, false);
    break;
  case RAW_BIG:
    fds[0] = own[0] = region_copy(good, NETIPC__SHM_ALIGN, true);
    break;
  case RAW_TWO:
    fds[1] = own[1] = region_copy(good, 0, true);
    nfd = 2;
    break;
  case RAW_THREE:
    fds[1] = own[1] = region_copy(good, 0, true);
    fds[2] = own[2] = region_copy(good, 0, true);
    nfd = 3;
    break;
  case RAW_GOOD:
  case RAW_NO_ECHO:
    break;
  }
  int rc = send_with_fds(fd, rec, sizeof rec, fds, nfd);
  /* Hold the session until the client hangs up. */
  if (rc == 0)
    (void)uds_raw_wait_eof(fd, UDS_WAIT_MS);
  for (int i = 0; i < RAW_FDS_MAX; i++)
    if (own[i] >= 0)
      close(own[i]);
  netipc__shm_destroy(good);
  return rc;
}

static void *
raw_server_main(void *arg)
{
  raw_server *r = arg;
  for (int i = 0; i < r->conns; i++) {
    int fd = uds_raw_accept(r->lfd, UDS_WAIT_MS);
    if (fd < 0 || raw_answer(fd, r->mode[i], &r->hello_profiles[i]) != 0)
      r->failed = 1;
    if (fd >= 0)
      close(fd);
  }
  return NULL;
}

static void
raw_server_start(raw_server *r, const char *svc, raw_fd_mode first,
                 raw_fd_mode second, int conns)
{
  memset(r, 0, sizeof *r);
  r->lfd = uds_raw_listen(run_dir, svc);
  if (r->lfd < 0)
    bail_out("raw listener %s", svc);
  r->mode[0] = first;
  r->mode[1] = second;
  r->conns = conns;
  uds_thread_start(&r->thread, raw_server_main, r);
}

static void
raw_server_stop(raw_server *r, const char *svc)
{
  uds_thread_join(r->thread);
  close(r->lfd);
  char path[128];
  uds_sock_path(run_dir, svc, path, sizeof path);
  unlink(path);
}

/* One Level 1 connect to a raw server in mode; the connect's result. */
static netipc_err
raw_connect(raw_fd_mode mode, int *fds_left)
{
  const char *svc = "sealed-raw";
  int before = fd_count();
  raw_server r;
  raw_server_start(&r, svc, mode, mode, 1);
  netipc_transport_config cc;
  sealed_config(&cc, svc, true);
  netipc_session *s = NULL;
  netipc_err err = netipc_session_connect(&cc, UDS_WAIT_MS, NULL, &s);
  if (s != NULL)
    netipc_session_destroy(s);
  raw_server_stop(&r, svc);
  if (r.failed)
    bail_out("raw server (mode %d) failed", (int)mode);
  *fds_left = fd_count() - before;
  return err;
}

static void
test_raw_level1(void)
{
  int left;
  is_err(raw_connect(RAW_GOOD, &left), NETIPC_OK,
         "raw: a correct sealed region is accepted");
  is_int(left, 0, "raw: ... and nothing leaks");
  is_err(raw_connect(RAW_NO_FD, &left), NETIPC_ERR_SHM_ATTACH,
         "raw: bit echoed but no descriptor: attach fails");
  is_int(left, 0, "raw: ... and nothing leaks");
  is_err(raw_connect(RAW_UNSEALED, &left), NETIPC_ERR_SHM_ATTACH,
         "raw: an unsealed memfd is refused");
  is_int(left, 0, "raw: ... and closed");
  is_err(raw_connect(RAW_BIG, &left), NETIPC_ERR_SHM_ATTACH,
         "raw: a memfd longer than its header says is refused");
  is_int(left, 0, "raw: ... and closed");
  is_err(raw_connect(RAW_TWO, &left), NETIPC_OK,
         "raw: a second descriptor is ignored");
  is_int(left, 0, "raw: ... and closed");
  is_err(raw_connect(RAW_THREE, &left), NETIPC_ERR_PROTOCOL,
         "raw: a truncated control message (MSG_CTRUNC) fails the handshake");
  is_int(left, 0, "raw: ... and what came is closed");
  is_err(raw_connect(RAW_NO_ECHO, &left), NETIPC_OK,
         "raw: a descriptor without the echo is ignored");
  is_int(left, 0, "raw: ... and closed");
}

/* ---------------------------------------------------------------- */
/* Level 2                                                            */
/* ---------------------------------------------------------------- */

static void
l2_client_config(netipc_client_config *cfg, const char *svc)
{
  svc_client_config(cfg, run_dir, svc);
  cfg->supported_profiles = SHM_PROFILES_BOTH;
  cfg->preferred_profiles = SHM_PREFERRED;
}

static void
test_level2(void)
{
  const char *svc = "sealed-l2";
  svc_handler h;
  memset(&h, 0, sizeof h);
  netipc_server_config scfg;
  svc_server_config(&scfg, run_dir, svc, NETIPC_METHOD_INCREMENT, &h);
  scfg.supported_profiles = SHM_PROFILES_BOTH;
  scfg.preferred_profiles = SHM_PREFERRED;
  netipc_server *s = svc_server_start(&scfg);
  netipc_client_config ccfg;
  l2_client_config(&ccfg, svc);
  netipc_client *c = svc_client_new(&ccfg, NETIPC_METHOD_INCREMENT);
  ok(svc_client_connect(c, L2_CONNECT_MS), "L2 sealed: client READY");
  netipc_client_status st = svc_status(c);
  ok(st.session.selected_profile == NETIPC_PROFILE_SHM_HYBRID &&
         st.session.extension_flags == SEALED_FLAGS,
     "L2 sealed: SHM with the sealed region");
  uint64_t r = 0;
  ok(netipc_client_increment(c, 41, L2_CALL_MS, &r) == NETIPC_OK && r == 42,
     "L2 sealed: a call works");
  is_int(shm_count_regions(run_dir), 0, "L2 sealed: no region file");
  ok(truncation_refused(2), "L2 sealed: ftruncate fails with EPERM");
  ok(netipc_client_increment(c, 99, L2_CALL_MS, &r) == NETIPC_OK &&
         r == 100 && svc_status(c).reconnect_count == 0,
     "L2 sealed: calls go on, same session");
  netipc_client_destroy(c);

  /* file_shm on the same server: extension 1 and a region file. */
  ccfg.file_shm = true;
  c = svc_client_new(&ccfg, NETIPC_METHOD_INCREMENT);
  ok(svc_client_connect(c, L2_CONNECT_MS) &&
         svc_status(c).session.selected_profile ==
             NETIPC_PROFILE_SHM_HYBRID &&
         svc_status(c).session.extension_flags ==
             NETIPC_HELLO_FLAG_EXTENSIONS,
     "L2 file_shm: SHM with extension 1 only");
  ok(netipc_client_increment(c, 7, L2_CALL_MS, &r) == NETIPC_OK && r == 8 &&
         shm_count_regions(run_dir) == 1,
     "L2 file_shm: a call works over a region file");
  netipc_client_destroy(c);
  netipc_server_destroy(s);
}

/* A Level 2 client against a raw server whose first answer is bad. */
static void
l2_fallback(raw_fd_mode mode, const char *what)
{
  const char *svc = "sealed-l2raw";
  raw_server r;
  raw_server_start(&r, svc, mode, RAW_NO_ECHO, 2);
  netipc_client_config ccfg;
  l2_client_config(&ccfg, svc);
  netipc_client *c = svc_client_new(&ccfg, NETIPC_METHOD_INCREMENT);
  int ready = svc_client_connect(c, L2_CONNECT_MS);
  netipc_client_status st = svc_status(c);
  netipc_client_destroy(c);
  raw_server_stop(&r, svc);
  ok(ready && st.session.selected_profile == NETIPC_PROFILE_UDS_SEQPACKET &&
         r.hello_profiles[0] == SHM_PROFILES_BOTH &&
         r.hello_profiles[1] == NETIPC_PROFILE_UDS_SEQPACKET && !r.failed,
     "L2 %s: falls back to UDS (HELLO profiles %u then %u)", what,
     r.hello_profiles[0], r.hello_profiles[1]);
}

#endif /* NETIPC_BUILD_SEALED_SHM */

int
main(void)
{
#ifndef NETIPC_BUILD_SEALED_SHM
  skip_all("built without memfd_create and file seals");
#else
  svc_alarm();
  plan(PLAN);
  uds_rundir_make(run_dir, sizeof run_dir, "shm-sealed");
  test_level1();
  test_bytes();
  test_raw_level1();
  test_level2();
  l2_fallback(RAW_NO_FD, "echo without a descriptor");
  l2_fallback(RAW_UNSEALED, "unsealed memfd");
  uds_rundir_remove(run_dir);
  return exit_status();
#endif
}
