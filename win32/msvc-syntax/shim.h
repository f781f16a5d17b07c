/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * msvc-syntax/shim.h - forced (-include) into every compile of
 * `make check-msvc-syntax` (win32/check-msvc-syntax.sh), which runs clang
 * as MSVC (--target=x86_64-pc-windows-msvc -fms-compatibility) on the
 * MinGW-w64 headers, there being no MSVC SDK on Linux. Never used by a
 * real build.
 *
 * Two jobs:
 *
 * 1. Make the MinGW-w64 10 headers usable by a compiler that is not GCC:
 *    - _mingw.h, seeing no __GNUC__, defines __attribute__(x) as nothing.
 *      That would swallow every __attribute__ in OUR code, i.e. hide
 *      exactly what this check looks for, and it breaks clang's own
 *      <intrin.h> family (its vector types lose their vector_size), so
 *      the definition is undone. clang itself understands the
 *      attributes the headers then use.
 *    - with _MSC_VER, __MINGW_ATTRIB_NORETURN is __declspec(noreturn),
 *      but stdlib.h and process.h put it AFTER the declarator
 *      (`void exit(int) __MINGW_ATTRIB_NORETURN;`), where only GCC's
 *      attribute syntax may stand; clang rejects it ("expected ';' after
 *      top level declarator"). __MINGW_ATTRIB_DEPRECATED(_MSG), i.e.
 *      __declspec(deprecated), has the same problem (stdlib.h's
 *      _seterrormode and others). The real MSVC headers write these in
 *      front, so the attributes are simply dropped here: they add
 *      nothing to a syntax check.
 *    Nothing less works: the NORETURN fix alone leaves <windows.h>
 *    failing in clang's mmintrin.h, and without the #undef our
 *    __attribute__ uses would pass. Command-line -D's cannot do it:
 *    _mingw.h (re)defines these macros unconditionally, so the fix has
 *    to come after it, from a forced include.
 *
 * 2. Make GCC-isms that clang accepts but MSVC does not fail: after the
 *    system headers the Windows sources use are in (their include guards
 *    make the sources' own #includes no-ops), the GCC-only spellings are
 *    poisoned, so any later use, i.e. one in our code, is an error
 *    ("attempt to use a poisoned identifier"). Statement expressions,
 *    case ranges, zero-length arrays and VLAs are caught by -pedantic
 *    -Wvla -Werror instead; typeof by -std=c11 (not a keyword there).
 *    POSIX headers MSVC lacks are stubbed by #error headers in this
 *    directory (passed with -I). A source that includes a system header
 *    not listed below fails inside that header with the poison error:
 *    add the header here.
 *    __clang__ and its version macros are then undefined, so that our
 *    code sees what cl.exe shows it: _MSC_VER and neither __GNUC__ nor
 *    __clang__ (`#if defined(__GNUC__) || defined(__clang__)` would
 *    otherwise take a GCC branch that clang-as-MSVC accepts and MSVC
 *    rejects). Likewise __MINGW_PRINTF_FORMAT/__MINGW_SCANF_FORMAT,
 *    which _mingw.h defines for any compiler and the SDK never does.
 *
 * 3. Declare what the Windows SDK's headers declare and MinGW-w64 10's
 *    do not, as the SDK declares it: ReadAcquire/ReadAcquire64 (winnt.h;
 *    windows.md 8) and the 64-bit _Interlocked* intrinsics, which the
 *    MinGW headers define only for GCC.
 */
#ifndef NETIPC_MSVC_SYNTAX_SHIM_H
#define NETIPC_MSVC_SYNTAX_SHIM_H

#include <_mingw.h>
#undef __attribute__
#undef __MINGW_ATTRIB_NORETURN
#define __MINGW_ATTRIB_NORETURN
#undef __MINGW_ATTRIB_DEPRECATED
#define __MINGW_ATTRIB_DEPRECATED
#undef __MINGW_ATTRIB_DEPRECATED_MSG
#define __MINGW_ATTRIB_DEPRECATED_MSG(x)

/* The C headers MSVC 19.28 has, and the CRT and SDK ones the Windows
 * sources use (a source including any other fails; see above). Not
 * <stdnoreturn.h>: its `noreturn` macro breaks windows.h's
 * __declspec(noreturn), with MSVC too, so it must not come first. */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>
#include <direct.h>
#include <fcntl.h>
#include <io.h>
#include <malloc.h>
#include <process.h>
#include <sys/stat.h>
#include <sys/types.h>
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN /* as lib/transport/windows/win-internal.h */
#define NETIPC_MSVC_SYNTAX_LEAN
#endif
#include <windows.h>
#ifdef NETIPC_MSVC_SYNTAX_LEAN
#undef WIN32_LEAN_AND_MEAN
#undef NETIPC_MSVC_SYNTAX_LEAN
#endif
#include <intrin.h>

LONG ReadAcquire(LONG const volatile *Source);
LONG64 ReadAcquire64(LONG64 const volatile *Source);
__int64 _InterlockedIncrement64(__int64 volatile *Addend);
__int64 _InterlockedDecrement64(__int64 volatile *Addend);
__int64 _InterlockedExchange64(__int64 volatile *Target, __int64 Value);
__int64 _InterlockedExchangeAdd64(__int64 volatile *Addend, __int64 Value);
__int64 _InterlockedCompareExchange64(__int64 volatile *Destination,
                                      __int64 ExChange, __int64 Comperand);

#undef __clang__
#undef __clang_major__
#undef __clang_minor__
#undef __clang_patchlevel__
#undef __clang_version__
#undef __MINGW_PRINTF_FORMAT
#undef __MINGW_SCANF_FORMAT

/* GCC attributes and inline assembly (MSVC x64 has none). */
#pragma GCC poison __attribute__ __attribute __asm__ __asm asm
/* GCC keywords with no MSVC meaning. */
#pragma GCC poison __typeof__ __typeof typeof __extension__ __label__
/* The GCC builtins a C programmer reaches for; MSVC has _BitScan*,
 * _byteswap_*, __assume and friends instead. */
#pragma GCC poison __builtin_expect __builtin_unreachable __builtin_trap
#pragma GCC poison __builtin_clz __builtin_clzl __builtin_clzll
#pragma GCC poison __builtin_ctz __builtin_ctzl __builtin_ctzll
#pragma GCC poison __builtin_popcount __builtin_popcountl __builtin_popcountll
#pragma GCC poison __builtin_bswap16 __builtin_bswap32 __builtin_bswap64
#pragma GCC poison __builtin_add_overflow __builtin_sub_overflow
#pragma GCC poison __builtin_mul_overflow __builtin_constant_p
#pragma GCC poison __builtin_prefetch __builtin_memcpy __builtin_memset
#pragma GCC poison __builtin_types_compatible_p __builtin_choose_expr
#pragma GCC poison __builtin_assume_aligned __builtin_alloca
#pragma GCC poison __builtin_offsetof __builtin_ia32_pause
/* GCC atomics (windows.md 8: Interlocked* instead). */
#pragma GCC poison __sync_synchronize __sync_fetch_and_add
#pragma GCC poison __sync_fetch_and_sub __sync_add_and_fetch
#pragma GCC poison __sync_sub_and_fetch __sync_val_compare_and_swap
#pragma GCC poison __sync_bool_compare_and_swap __sync_lock_test_and_set
#pragma GCC poison __sync_lock_release
#pragma GCC poison __atomic_load __atomic_load_n __atomic_store
#pragma GCC poison __atomic_store_n __atomic_exchange __atomic_exchange_n
#pragma GCC poison __atomic_compare_exchange __atomic_compare_exchange_n
#pragma GCC poison __atomic_fetch_add __atomic_fetch_sub __atomic_add_fetch
#pragma GCC poison __atomic_sub_fetch __atomic_thread_fence
#pragma GCC poison __atomic_signal_fence
/* MinGW typedefs it; MSVC has no ssize_t (windows.md 8). */
#pragma GCC poison ssize_t

#endif /* NETIPC_MSVC_SYNTAX_SHIM_H */
