#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# valgrind-fds.sh - the LOG_COMPILER of `make check-valgrind`: run one test
# program under valgrind with --track-fds=yes and fail it when it exits
# holding a descriptor it opened itself.
#
# Usage: valgrind-fds.sh COMMAND... PROGRAM [ARGS...]
#   where COMMAND... is the valgrind command line (check-valgrind passes
#   "libtool --mode=execute valgrind <flags>"; both exec, so the pid of
#   the command is the pid of the test process).
#
# The rule: valgrind lists every descriptor still open at exit. One marked
# "<inherited from parent>" (the std streams, make's jobserver pipe, the
# harness's log) was never the program's to close; any other one was
# opened by the program and not closed: a leak, and the test fails with
# exit status 98. A test that must keep a descriptor to the end closes it
# before returning from main(); there is no allow-list. Only the test
# process itself is judged: a forked child exits with the descriptors it
# inherited from the test by fork, which are not its leaks. Memory errors
# and leaks of every process still fail through valgrind's
# --error-exitcode, and every process's report is copied to stderr (the
# test's .log file).
set -u

VGFD_LEAK_STATUS=98

tmp=$(mktemp -d "${TMPDIR:-/tmp}/netipc-vgfd-XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 143' HUP INT TERM

VALGRIND_OPTS="${VALGRIND_OPTS:+$VALGRIND_OPTS }--track-fds=yes --log-file=$tmp/vg.%p"
export VALGRIND_OPTS

# In the background so that $! is the test's pid; an asynchronous command
# gets /dev/null as stdin unless it is redirected explicitly.
"$@" <&0 &
pid=$!
wait "$pid"
rc=$?

for f in "$tmp"/vg.*; do
  test -s "$f" && cat "$f" >&2
done

main_log=$tmp/vg.$pid
if test ! -f "$main_log"; then
  echo "valgrind-fds.sh: no valgrind report for pid $pid" >&2
  exit 99
fi

# "==pid== Open <kind> N: <name>" starts an entry; the next line says
# "<inherited from parent>" or starts the stack of the opening call.
leaks=$(awk '
  /^==[0-9]+== Open .* [0-9]+:/ { pending = $0; next }
  pending != "" {
    if ($0 !~ /<inherited from parent>/) { n++; print pending > "/dev/stderr" }
    pending = ""
  }
  END { print n + 0 }' "$main_log")

if test "$leaks" -ne 0; then
  echo "valgrind-fds.sh: the test exited with $leaks descriptor(s) it opened still open (listed above)" >&2
  test "$rc" -ne 0 || rc=$VGFD_LEAK_STATUS
fi
exit "$rc"
