/* SPDX-License-Identifier: GPL-3.0-or-later */
/* shm-helpers.c - see shm-helpers.h. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "shm-helpers.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include "tp-atomic.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static _Noreturn void
shm_bail(const char *what)
{
  printf("Bail out! %s (%s)\n", what, strerror(errno));
  fflush(stdout);
  exit(1);
}

uint64_t
shm_align64(uint64_t x)
{
  return (x + 63u) & ~(uint64_t)63u;
}

void
shm_config(netipc_transport_config *cfg, const char *dir, const char *svc,
           uint32_t supported, uint32_t preferred, uint32_t rq, uint32_t rs)
{
  uds_config(cfg, dir, svc);
  cfg->supported_profiles = supported;
  cfg->preferred_profiles = preferred;
  cfg->max_request_payload_bytes = rq;
  cfg->max_response_payload_bytes = rs;
  /* These tests open, map, patch or count the region file by path, so
   * they ask for it instead of the default sealed memfd (test-shm-sealed
   * sets this back). */
  cfg->file_shm = true;
}

void
shm_region_path(const char *dir, const char *svc, uint64_t sid, char *buf,
                size_t cap)
{
  if ((size_t)snprintf(buf, cap, "%s/%s-%016" PRIx64 ".ipcshm", dir, svc,
                       sid) >= cap)
    shm_bail("region path too long");
}

int
shm_count_regions(const char *dir)
{
  DIR *d = opendir(dir);
  if (d == NULL)
    return -1;
  int n = 0;
  struct dirent *e;
  const size_t sl = strlen(".ipcshm");
  while ((e = readdir(d)) != NULL) {
    size_t len = strlen(e->d_name);
    if (len >= sl && strcmp(e->d_name + len - sl, ".ipcshm") == 0)
      n++;
  }
  closedir(d);
  return n;
}

int
shm_exists(const char *path)
{
  struct stat st;
  return lstat(path, &st) == 0;
}

int
shm_read_header(const char *path, uint8_t hdr[64])
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n = pread(fd, hdr, 64, 0);
  close(fd);
  return n == 64 ? 0 : -1;
}

int
shm_patch(const char *path, off_t off, const void *data, size_t len)
{
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n = pwrite(fd, data, len, off);
  close(fd);
  return n >= 0 && (size_t)n == len ? 0 : -1;
}

int
shm_patch16(const char *path, off_t off, uint16_t v)
{
  return shm_patch(path, off, &v, sizeof v);
}

int
shm_patch32(const char *path, off_t off, uint32_t v)
{
  return shm_patch(path, off, &v, sizeof v);
}

uint16_t
shm_ld16(const uint8_t *p)
{
  uint16_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

uint32_t
shm_ld32(const uint8_t *p)
{
  uint32_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

uint64_t
shm_ld64(const uint8_t *p)
{
  uint64_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

int
shm_write_fake_region(const char *path, int32_t pid, uint32_t gen,
                      uint32_t magic, uint32_t rq, uint32_t rs)
{
  uint32_t req_cap = (uint32_t)shm_align64(32u + (uint64_t)rq);
  uint32_t resp_cap = (uint32_t)shm_align64(32u + (uint64_t)rs);
  size_t size = 64u + req_cap + resp_cap;
  uint8_t *buf = calloc(1, size);
  if (buf == NULL)
    return -1;
  uint16_t version = 3, header_len = 64;
  uint32_t req_off = 64, resp_off = 64 + req_cap;
  memcpy(buf + SHM_H_MAGIC, &magic, 4);
  memcpy(buf + SHM_H_VERSION, &version, 2);
  memcpy(buf + SHM_H_HEADER_LEN, &header_len, 2);
  memcpy(buf + SHM_H_OWNER_PID, &pid, 4);
  memcpy(buf + SHM_H_OWNER_GEN, &gen, 4);
  memcpy(buf + SHM_H_REQ_OFF, &req_off, 4);
  memcpy(buf + SHM_H_REQ_CAP, &req_cap, 4);
  memcpy(buf + SHM_H_RESP_OFF, &resp_off, 4);
  memcpy(buf + SHM_H_RESP_CAP, &resp_cap, 4);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ssize_t n = fd >= 0 ? write(fd, buf, size) : -1;
  if (fd >= 0)
    close(fd);
  free(buf);
  return n >= 0 && (size_t)n == size ? 0 : -1;
}

uint8_t *
shm_map(const char *path, size_t *size)
{
  int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  struct stat st;
  void *m = MAP_FAILED;
  if (fstat(fd, &st) == 0 && st.st_size >= 64)
    m = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED,
             fd, 0);
  close(fd);
  if (m == MAP_FAILED)
    return NULL;
  *size = (size_t)st.st_size;
  return m;
}

void
shm_unmap(uint8_t *base, size_t size)
{
  if (base != NULL)
    munmap(base, size);
}

void
shm_raw_publish(uint8_t *base, unsigned len_off, unsigned seq_off,
                unsigned signal_off, uint32_t len)
{
  atomic_store_explicit((_Atomic uint32_t *)(base + len_off), len,
                        memory_order_release);
  atomic_fetch_add_explicit((_Atomic uint64_t *)(base + seq_off), 1,
                            memory_order_release);
  atomic_fetch_add_explicit((_Atomic uint32_t *)(base + signal_off), 1,
                            memory_order_release);
  (void)syscall(SYS_futex, base + signal_off, FUTEX_WAKE, 1, NULL, NULL, 0);
}

int
shm_pipe(int fds[2])
{
  return pipe2(fds, O_CLOEXEC);
}

pid_t
shm_fork_child(void (*child)(int out_fd, const void *arg), const void *arg,
               int *in_fd)
{
  int fds[2];
  if (shm_pipe(fds) != 0)
    return -1;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    child(fds[1], arg);
    _exit(1); /* children do not return; be safe if one does */
  }
  close(fds[1]);
  if (pid < 0)
    close(fds[0]);
  else
    *in_fd = fds[0];
  return pid;
}

int
shm_pipe_signal(int fd, char c)
{
  ssize_t n;
  do
    n = write(fd, &c, 1);
  while (n < 0 && errno == EINTR);
  return n == 1 ? 0 : -1;
}

int
shm_pipe_wait(int fd, int timeout_ms)
{
  if (!uds_readable(fd, timeout_ms))
    return -1;
  unsigned char c;
  ssize_t n;
  do
    n = read(fd, &c, 1);
  while (n < 0 && errno == EINTR);
  return n == 1 ? c : -1;
}

int
shm_reap(pid_t pid, int timeout_ms, int *status)
{
  uint64_t end = uds_now_ms() + (uint64_t)timeout_ms;
  int st = 0;
  for (;;) {
    pid_t r = waitpid(pid, &st, WNOHANG);
    if (r == pid) {
      if (status != NULL)
        *status = st;
      return 1;
    }
    if (r < 0 && errno != EINTR)
      return 0;
    if (uds_now_ms() >= end)
      break;
    uds_sleep_ms(5);
  }
  kill(pid, SIGKILL);
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
    ;
  return 0;
}

static void *
delayed_main(void *arg)
{
  shm_delayed *d = arg;
  uds_sleep_ms(d->delay_ms);
  if (d->pid > 0)
    kill(d->pid, SIGKILL);
  else if (d->abort != NULL)
    netipc_abort_signal(d->abort);
  return NULL;
}

void
shm_delayed_start(shm_delayed *d)
{
  uds_thread_start(&d->thread, delayed_main, d);
}

void
shm_delayed_join(shm_delayed *d)
{
  uds_thread_join(d->thread);
}
