/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * win-shm-internal.h - the Windows SHM data plane as the session sees it
 * (windows.md 4): a region created by the server or attached by the
 * client (the handshake hooks netipc__shm_server_open / _client_open /
 * netipc__shm_destroy in win-shm-region.c), and one message each way
 * (win-shm-io.c). Below the session's interface: the region header and
 * the private state the two files share.
 */
#ifndef NETIPC_TRANSPORT_WIN_SHM_INTERNAL_H
#define NETIPC_TRANSPORT_WIN_SHM_INTERNAL_H

#include "transport/windows/win-internal.h"

/* Bytes of the area this side reads from: the request area on the
 * server, the response area on the client. */
size_t netipc__win_shm_in_cap(const netipc__shm *shm);

/*
 * Publish one whole message (the 32 header bytes, then len - 32 payload
 * bytes) into this side's outgoing area and wake the peer if it sleeps
 * (4.4). len is the whole message, header included: what the area's
 * length word holds. Errors: LIMIT_EXCEEDED (0, over the area or over
 * 0x7fffffff; nothing published), INVALID_ARG (1..31: shorter than the
 * header it must start with).
 */
netipc_err netipc__win_shm_publish(netipc__shm *shm, const uint8_t *hdr,
                                   const void *payload, size_t len);

/*
 * Wait up to timeout_ms (0: forever) for the peer's next message and copy
 * it into buf (cap bytes) (4.5), in slices that notice abort and, through
 * pipe (the session's handle), a peer that died without closing (4.7).
 * Errors: TIMEOUT, ABORTED, DISCONNECTED, PROTOCOL (torn message),
 * LIMIT_EXCEEDED (larger than cap; *len says how large).
 */
netipc_err netipc__win_shm_receive(netipc__shm *shm, uint32_t timeout_ms,
                                   const netipc_abort *abort, HANDLE pipe,
                                   uint8_t *buf, size_t cap, size_t *len);

/* ---- private to win-shm-region.c and win-shm-io.c -------------------- */

#define NETIPC__WIN_SHM_MAGIC 0x4e535748u /* "HWSN" */
#define NETIPC__WIN_SHM_VERSION 3u
#define NETIPC__WIN_SHM_HEADER_LEN 128u
#define NETIPC__WIN_SHM_ALIGN 64u
/* What a creating server writes into spin_tries, as the reference does. */
#define NETIPC__WIN_SHM_SPIN_TRIES 1024u
/*
 * The most spin attempts an attaching client takes from the header. The
 * field is the server's to write, so a hostile or broken one could make
 * every receive spin for minutes before it sleeps or checks a deadline;
 * larger values are clamped to this (64 times the reference's value).
 */
#define NETIPC__WIN_SHM_SPIN_TRIES_MAX 65536u
/* The longest message a length word can hold (it is an i32). */
#define NETIPC__WIN_SHM_MSG_MAX 0x7fffffffu
/* Attach retries while the objects are missing (windows.md 5.2). */
#define NETIPC__WIN_SHM_ATTACH_RETRY_MS 5u
#define NETIPC__WIN_SHM_ATTACH_TIMEOUT_MS 5000u
/* Longest kernel wait before abort, deadline and the pipe are checked. */
#define NETIPC__WIN_SHM_WAIT_SLICE_MS 100u
/* BUSYWAIT: polls between SwitchToThread calls (a power of two). */
#define NETIPC__WIN_SHM_BUSY_SWITCH_POLLS 1024u

/* Object name suffixes (windows.md 2.4). */
#define NETIPC__WIN_SHM_MAPPING "mapping"
#define NETIPC__WIN_SHM_REQ_EVENT "req_event"
#define NETIPC__WIN_SHM_RESP_EVENT "resp_event"

/*
 * The 128-byte region header (windows.md 4.1), naturally aligned so no
 * packing is needed. Offsets 0..35 are written once by the server before
 * any client can attach; the client copies them into netipc__shm once and
 * never reads them again, so a peer changing them later changes nothing.
 * The rest are shared words: stored with Interlocked* and loaded through
 * netipc__win_load_acquire32/64 (win-internal.h), real acquire loads
 * (4.6) rather than the reference's volatile reads.
 */
typedef struct netipc__win_shm_header {
  uint32_t magic;
  uint32_t version;
  uint32_t header_len;
  uint32_t profile;
  uint32_t request_offset;
  uint32_t request_capacity;
  uint32_t response_offset;
  uint32_t response_capacity;
  uint32_t spin_tries;
  volatile LONG req_len;
  volatile LONG resp_len;
  volatile LONG req_client_closed;
  volatile LONG req_server_waiting;
  volatile LONG resp_server_closed;
  volatile LONG resp_client_waiting;
  uint32_t reserved0;
  volatile LONG64 req_seq;
  volatile LONG64 resp_seq;
  uint8_t reserved1[48];
} netipc__win_shm_header;

#define NETIPC__WIN_SHM_AT(field, off)                                        \
  NETIPC__STATIC_ASSERT(offsetof(netipc__win_shm_header, field) == (off),     \
                        "windows.md 4.1: " #field " at " #off)
NETIPC__WIN_SHM_AT(magic, 0);
NETIPC__WIN_SHM_AT(version, 4);
NETIPC__WIN_SHM_AT(header_len, 8);
NETIPC__WIN_SHM_AT(profile, 12);
NETIPC__WIN_SHM_AT(request_offset, 16);
NETIPC__WIN_SHM_AT(request_capacity, 20);
NETIPC__WIN_SHM_AT(response_offset, 24);
NETIPC__WIN_SHM_AT(response_capacity, 28);
NETIPC__WIN_SHM_AT(spin_tries, 32);
NETIPC__WIN_SHM_AT(req_len, 36);
NETIPC__WIN_SHM_AT(resp_len, 40);
NETIPC__WIN_SHM_AT(req_client_closed, 44);
NETIPC__WIN_SHM_AT(req_server_waiting, 48);
NETIPC__WIN_SHM_AT(resp_server_closed, 52);
NETIPC__WIN_SHM_AT(resp_client_waiting, 56);
NETIPC__WIN_SHM_AT(reserved0, 60);
NETIPC__WIN_SHM_AT(req_seq, 64);
NETIPC__WIN_SHM_AT(resp_seq, 72);
NETIPC__WIN_SHM_AT(reserved1, 80);
NETIPC__STATIC_ASSERT(sizeof(netipc__win_shm_header) ==
                          NETIPC__WIN_SHM_HEADER_LEN,
                      "windows.md 4.1: the header is 128 bytes");
NETIPC__STATIC_ASSERT(sizeof(LONG) == 4 && sizeof(LONG64) == 8,
                      "the shared words are i32 and i64");
#undef NETIPC__WIN_SHM_AT

/* One side's view of one session's region. Everything but the view's
 * contents is this side's own, validated once at create or attach. */
struct netipc__shm {
  netipc__win_shm_header *hdr; /* the mapped view (NULL: not mapped) */
  HANDLE mapping;
  HANDLE req_event;  /* HYBRID: the server sleeps on it, else NULL */
  HANDLE resp_event; /* HYBRID: the client sleeps on it, else NULL */
  bool server;       /* created it (server) or attached (client) */
  uint32_t profile;  /* NETIPC_PROFILE_SHM_HYBRID or _BUSYWAIT */
  uint32_t req_off, req_cap, resp_off, resp_cap;
  uint32_t spin_tries; /* attempts before sleeping or yielding harder */
  /* Publications counted locally: the outgoing direction's are ours, the
   * incoming one's are the last we consumed (4.4 step 5, 4.5). */
  int64_t req_local, resp_local;
};

#endif /* NETIPC_TRANSPORT_WIN_SHM_INTERNAL_H */
