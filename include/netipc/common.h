/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * netipc/common.h - export macro, version and error codes shared by every
 * netipc layer.
 */
#ifndef NETIPC_COMMON_H
#define NETIPC_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * NETIPC_API marks exported functions. Windows DLL builds export through
 * libtool's DLL_EXPORT or the MSVC project's NETIPC_BUILDING; ELF builds use
 * default visibility because the library is compiled with
 * -fvisibility=hidden.
 */
#if defined(_WIN32) || defined(__CYGWIN__)
#if defined(NETIPC_BUILDING) && defined(DLL_EXPORT)
#define NETIPC_API __declspec(dllexport)
#elif defined(NETIPC_BUILDING) || defined(NETIPC_STATIC)
#define NETIPC_API
#else
#define NETIPC_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#define NETIPC_API __attribute__((visibility("default")))
#else
#define NETIPC_API
#endif

#define NETIPC_VERSION_MAJOR 0
#define NETIPC_VERSION_MINOR 1
#define NETIPC_VERSION_PATCH 0
#define NETIPC_VERSION_HEX                                                    \
  ((NETIPC_VERSION_MAJOR << 16) | (NETIPC_VERSION_MINOR << 8) |              \
   NETIPC_VERSION_PATCH)

/*
 * Every error netipc can return: XX(NAME, value, description).
 *
 * Values are fixed on every OS and never a raw errno. Ranges by layer:
 * -1.. general, -100.. codec, -200.. transport, -300.. service.
 */
#define NETIPC_ERRNO_MAP(XX)                                                  \
  XX(OK, 0, "success")                                                        \
  XX(ERR_INVALID_ARG, -1, "invalid argument")                                 \
  XX(ERR_NOMEM, -2, "out of memory")                                          \
  XX(ERR_NOSPACE, -3, "output buffer too small")                              \
  XX(ERR_SYSTEM, -4, "operating system error")                                \
  XX(ERR_NOT_SUPPORTED, -5, "operation not supported on this platform")       \
  XX(ERR_TRUNCATED, -100, "input shorter than the layout requires")           \
  XX(ERR_BAD_LAYOUT, -101, "unknown layout version or non-zero flags")        \
  XX(ERR_OUT_OF_BOUNDS, -102, "offset or length points outside the data")     \
  XX(ERR_MISSING_NUL, -103, "string is not NUL-terminated")                   \
  XX(ERR_BAD_ALIGNMENT, -104, "offset is not 8-byte aligned")                 \
  XX(ERR_BAD_ITEM_COUNT, -105, "item count is impossible for the size")       \
  XX(ERR_OVERFLOW, -106, "builder ran out of space or item slots")            \
  XX(ERR_BAD_MAGIC, -107, "bad magic number")                                 \
  XX(ERR_BAD_VERSION, -108, "unsupported header version")                     \
  XX(ERR_BAD_HEADER_LEN, -109, "header_len is not 32")                        \
  XX(ERR_BAD_KIND, -110, "message kind is not 1..3")                          \
  XX(ERR_BAD_FLAGS, -111, "flags field must be zero")                         \
  XX(ERR_RESERVED, -112, "reserved field must be zero")                       \
  XX(ERR_OVERLAP, -113, "string regions overlap")                             \
  XX(ERR_TOO_LARGE, -114, "message would exceed the u32 size limit")          \
  XX(ERR_BAD_CHUNK, -115, "chunk header does not match the message")          \
  XX(ERR_TIMEOUT, -200, "operation timed out")                                \
  XX(ERR_ABORTED, -201, "operation aborted")                                  \
  XX(ERR_DISCONNECTED, -202, "peer closed the connection")                    \
  XX(ERR_AUTH_FAILED, -203, "authentication token rejected")                  \
  XX(ERR_NO_PROFILE, -204, "no transport profile in common")                  \
  XX(ERR_INCOMPATIBLE, -205, "peer protocol version or layout incompatible")  \
  XX(ERR_LIMIT_EXCEEDED, -206, "payload or item count over the agreed limit") \
  XX(ERR_PROTOCOL, -207, "peer violated the protocol")                        \
  XX(ERR_HANDSHAKE, -208, "handshake failed")                                 \
  XX(ERR_NOT_FOUND, -209, "service endpoint not found")                       \
  XX(ERR_ADDR_IN_USE, -210, "a live server already owns the endpoint")        \
  XX(ERR_BAD_NAME, -211, "invalid service name")                              \
  XX(ERR_PATH_TOO_LONG, -212, "endpoint path too long")                       \
  XX(ERR_DUPLICATE_ID, -213, "message id already in flight")                  \
  XX(ERR_UNKNOWN_ID, -214, "response for a message id not in flight")         \
  XX(ERR_SHM_ATTACH, -215, "could not attach the session's shared memory")    \
  XX(ERR_RUN_DIR_MISSING, -216, "run directory does not exist")                \
  XX(ERR_RUN_DIR_NOT_DIR, -217, "run directory is a symlink or not a directory") \
  XX(ERR_RUN_DIR_UNSAFE, -218,                                                 \
     "run directory is writable by other users and not sticky")               \
  XX(ERR_RUN_DIR_OWNER, -219, "run directory is owned by another user")       \
  XX(ERR_ENDPOINT_OWNER, -220, "endpoint file is owned by an unexpected user") \
  XX(ERR_SHM_FAULT, -221, "the peer truncated the shared memory region")      \
  XX(ERR_NOT_READY, -300, "client is not connected")                          \
  XX(ERR_REMOTE_STATUS, -301, "server answered with a non-OK status")

/* Error codes. Fallible calls return one of these; 0 means success. */
typedef enum netipc_err {
#define NETIPC_ERR_ENUM_(name, value, text) NETIPC_##name = (value),
  NETIPC_ERRNO_MAP(NETIPC_ERR_ENUM_)
#undef NETIPC_ERR_ENUM_
} netipc_err;

/*
 * Human-readable description of an error code. Never NULL; unknown codes
 * give "unknown error". Thread-safe; the string is static.
 */
NETIPC_API const char *netipc_strerror(int err);

/*
 * The symbolic name of an error code without the NETIPC_ prefix, e.g.
 * "ERR_TRUNCATED". NULL for an unknown code. Thread-safe.
 */
NETIPC_API const char *netipc_err_name(int err);

/* NETIPC_VERSION_HEX of the library actually linked. */
NETIPC_API unsigned int netipc_version(void);

/* "major.minor.patch" of the library actually linked. */
NETIPC_API const char *netipc_version_string(void);

#ifdef __cplusplus
}
#endif

#endif /* NETIPC_COMMON_H */
