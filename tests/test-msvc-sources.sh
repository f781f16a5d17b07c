#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# test-msvc-sources.sh - win32/Makefile.msvc builds what the MinGW-w64
# configuration of the autotools build builds: the same library sources,
# the same programs (CLI and check programs), each from the same .c files,
# and runs the same tests. One TAP assertion per file or program, named
# after it, so a missing or extra entry fails by name.
#
# Both sides come from the makefiles' text (win32/msvc-sources.awk), the
# automake side evaluated under the MinGW-w64 conditionals below, so the
# test gives the same answer on Linux as in a MinGW-w64 build.
set -u

srcdir=${NETIPC_TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
AWK=${AWK:-awk}
awk_script=$srcdir/win32/msvc-sources.awk

# configure.ac's AM_CONDITIONALs as a default MinGW-w64 configure sets
# them. A conditional missing from both lists fails the test: add it.
mingw_true="OS_WINDOWS BUILD_WINDOWS BUILD_TRANSPORT"
mingw_false="OS_LINUX BUILD_UDS BUILD_SHM HAVE_PTHREAD ENABLE_COVERAGE
  ENABLE_FUZZING"

# Built by the MinGW-w64 `make check` but deliberately not by MSVC (why:
# win32/Makefile.msvc). Reported as TAP comments, never as passes.
excluded_re='^fuzz/'

n=0
failures=0
ok() {                          # ok CONDITION-STATUS DESCRIPTION
  n=$((n + 1))
  if test "$1" -eq 0; then
    echo "ok $n - $2"
  else
    echo "not ok $n - $2"
    failures=$((failures + 1))
  fi
}

bail() {
  echo "Bail out! $*"
  exit 1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-msvc-sources.XXXXXX") ||
  bail "cannot make a temporary directory"
trap 'rm -rf "$tmp"' EXIT

$AWK -f "$awk_script" -v mode=automake -v top="$srcdir" \
  -v conds_true="$mingw_true" -v conds_false="$mingw_false" \
  -v file="$srcdir/Makefile.am" > "$tmp/am.all" ||
  bail "cannot evaluate $srcdir/Makefile.am"
$AWK -f "$awk_script" -v mode=msvc -v file="$srcdir/win32/Makefile.msvc" \
  > "$tmp/msvc.all" || bail "cannot read $srcdir/win32/Makefile.msvc"

# kind SIDE KIND [PROG]: the sorted values of one kind of fact.
facts() {
  if test $# -eq 3; then
    sed -n "s|^$2 $3 ||p" "$tmp/$1.all"
  else
    sed -n "s|^$2 ||p" "$tmp/$1.all"
  fi | grep -Ev "$excluded_re" | sort -u
}

# compare LABEL KIND [PROG]: one assertion per entry of either side.
compare() {
  label=$1
  shift
  facts am "$@" > "$tmp/a"
  facts msvc "$@" > "$tmp/m"
  for x in $(sort -u "$tmp/a" "$tmp/m"); do
    in_a=1
    in_m=1
    grep -qxF "$x" "$tmp/a" || in_a=0
    grep -qxF "$x" "$tmp/m" || in_m=0
    if test $in_a = 1 && test $in_m = 1; then
      ok 0 "$label $x: in both"
    elif test $in_a = 1; then
      ok 1 "$label $x: built by the MinGW-w64 configuration, missing from win32/Makefile.msvc"
    else
      ok 1 "$label $x: in win32/Makefile.msvc, not built by the MinGW-w64 configuration"
    fi
  done
}

# The evaluation itself: no conditional without a value, and the Windows
# branches taken (so an empty or POSIX list cannot pass as "equal").
for c in $(sed -n 's/^unknown-conditional //p' "$tmp/am.all"); do
  ok 1 "conditional $c has a MinGW-w64 value in tests/test-msvc-sources.sh"
done
st=0
grep -qx 'lib lib/transport/windows/win-names.c' "$tmp/am.all" || st=1
grep -q '^lib lib/transport/posix/' "$tmp/am.all" && st=1
ok $st "Makefile.am evaluated as MinGW-w64: Windows transport in, POSIX out"

compare "library source" lib

# cl /Fo<dir>\ names objects after the base name: no two may share one.
dups=$(facts msvc lib | sed 's|.*/||' | sort | uniq -d | tr '\n' ' ')
st=0
test -z "$dups" || st=1
ok $st "library sources have distinct base names${dups:+ (not: $dups)}"

compare "program" prog
for p in $(sort -u "$tmp/am.all" "$tmp/msvc.all" | sed -n 's/^prog //p' |
           grep -Ev "$excluded_re" | sort -u); do
  if grep -qx "prog $p" "$tmp/am.all" && grep -qx "prog $p" "$tmp/msvc.all"; then
    compare "$p source" src "$p"
  fi
done
compare "test run by check:" run

# A listed program must also be built, from its own list: NMake would
# stop at a program without a rule, and a rule naming another program's
# _SRCS would build the wrong thing with every list above still equal.
for p in $(facts msvc prog); do
  st=0
  grep -qx "rule $p 1" "$tmp/msvc.all" || st=1
  ok $st "win32/Makefile.msvc has a rule for $p that compiles its _SRCS"
done

for p in $(sed -n 's/^prog //p' "$tmp/am.all" | grep -E "$excluded_re"); do
  echo "# not in win32/Makefile.msvc by design: $p"
done

test "$n" -gt 0 || bail "nothing compared"
echo "1..$n"
test "$failures" -eq 0
