/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * raw-peers.h - raw client peers for bytes the library would never
 * produce, on every platform: AF_UNIX SOCK_SEQPACKET on POSIX
 * (uds-helpers.c), a message-mode named pipe behind a C runtime
 * descriptor on Windows (raw-peers-win.c). Every wait has a timeout.
 */
#ifndef NETIPC_TESTS_RAW_PEERS_H
#define NETIPC_TESTS_RAW_PEERS_H

#include <stddef.h>
#include <stdint.h>

#include <netipc/codec.h>

#include "test-platform.h"

/* Generous bound for any wait that should succeed. */
#define UDS_WAIT_MS 5000
#define UDS_TOKEN TP_TOKEN

/* Raw connections. All return -1 on failure. */
int uds_raw_connect(const char *dir, const char *svc);
/* One record with MSG_NOSIGNAL; 0 when all of it was sent. */
int uds_raw_send(int fd, const void *buf, size_t len);
/* One record: >0 length, 0 EOF, -1 error, -2 timeout. MSG_TRUNC is an error. */
long uds_raw_recv(int fd, void *buf, size_t cap, int timeout_ms);
/* 1 if EOF comes within timeout_ms with no data before it, else 0. */
int uds_raw_wait_eof(int fd, int timeout_ms);
/* 1 if fd becomes readable within timeout_ms. */
int uds_readable(int fd, int timeout_ms);

#endif /* NETIPC_TESTS_RAW_PEERS_H */
