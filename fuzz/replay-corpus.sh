#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Replay the seed corpus of every fuzz harness through its standalone build
# (fuzz/standalone-main.c); one TAP line per harness. Run by `make check`,
# which exports NETIPC_TOP_SRCDIR and NETIPC_TOP_BUILDDIR, and in a MinGW
# build NETIPC_WINE (the command that runs a .exe; empty when native).

srcdir=${NETIPC_TOP_SRCDIR:-.}
builddir=${NETIPC_TOP_BUILDDIR:-.}
names="header batch hello cgroups string-reverse lookup-request
lookup-response uds-receive shm-consumer"
# Harnesses of a transport that a build may lack (MinGW, no SOCK_SEQPACKET,
# no futex): skipped when fuzz/Makemodule.am did not build them.
optional="uds-receive shm-consumer"

set -- $names
echo "1..$#"

n=0
for name in $names; do
  n=$((n + 1))
  corpus="$srcdir/fuzz/corpus/$name"
  bin="$builddir/fuzz/fuzz-$name"
  if test ! -x "$bin" && test -x "$bin.exe"; then
    bin="$bin.exe"
  fi
  if test ! -x "$bin"; then
    case " $optional " in
    *" $name "*)
      echo "ok $n - $name # SKIP transport not built in this configuration"
      continue ;;
    esac
    echo "not ok $n - $name: harness $bin not built"
    continue
  fi
  seeds=0
  for f in "$corpus"/*; do
    test -f "$f" && seeds=$((seeds + 1))
  done
  if test "$seeds" -eq 0; then
    echo "not ok $n - $name: no seeds in $corpus"
    continue
  fi
  # Windows programs end lines with CR LF: strip the CRs before matching.
  out=$(${NETIPC_WINE:-} "$bin" "$corpus" 2>&1)
  rc=$?
  out=$(printf '%s\n' "$out" | tr -d '\r')
  if test "$rc" -eq 0 && echo "$out" | grep -q "ran $seeds inputs\$"; then
    echo "ok $n - $name: $seeds seeds replayed"
  else
    echo "not ok $n - $name: exit status $rc"
    echo "$out" | sed 's/^/# /'
  fi
done
exit 0
