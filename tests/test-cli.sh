#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# TAP test of the netipc command-line tool: serve + call, snapshot (TSV and
# JSON, from a file and from a directory tree), bad input, missing server,
# wrong token, shutdown by signal, SHM profile, bench (ping-pong, batch,
# pipelined, paced, snapshot), usage errors.
#
# Needs NETIPC_TOP_BUILDDIR (tools/netipc) and NETIPC_TOP_SRCDIR
# (tests/data); falls back to the current and the script's directory.
# Writes only into a private temporary directory.

top_builddir=${NETIPC_TOP_BUILDDIR:-.}
top_srcdir=${NETIPC_TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
NETIPC="$top_builddir/tools/netipc"
DATA="$top_srcdir/tests/data"
READY_TIMEOUT=${NETIPC_CLI_READY_TIMEOUT:-30}

plan=56
echo "1..$plan"

n=0
failed=0
ok() { # ok CONDITION-RESULT DESCRIPTION
  n=$((n + 1))
  if [ "$1" -eq 0 ]; then
    echo "ok $n - $2"
  else
    echo "not ok $n - $2"
    failed=$((failed + 1))
  fi
}
skip() {
  n=$((n + 1))
  echo "ok $n - $1 # SKIP $2"
}
diag() {
  sed 's/^/# /' "$@"
}

if [ ! -x "$NETIPC" ]; then
  echo "Bail out! $NETIPC not built"
  exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/netipc-cli.XXXXXX") || {
  echo "Bail out! mktemp failed"
  exit 1
}
# Resolve symlinks so paths printed by the server compare exactly.
tmp=$(cd "$tmp" && pwd -P)
run="$tmp/run"
mkdir "$run"
pids=""

cleanup() {
  for p in $pids; do
    kill "$p" 2>/dev/null
  done
  for p in $pids; do
    wait "$p" 2>/dev/null
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

nap() {
  sleep 0.1 2>/dev/null || sleep 1
}

# start NAME ARGS...: run `netipc ARGS` in the background with stdout in
# $tmp/NAME.out, stderr in $tmp/NAME.err; sets $pid. Returns 0 once the
# first line is READY, 1 if the server exits or times out.
start() {
  name=$1
  shift
  "$NETIPC" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pid=$!
  pids="$pids $pid"
  ticks=0
  while [ "$ticks" -lt $((READY_TIMEOUT * 10)) ]; do
    if [ "$(head -n 1 "$tmp/$name.out" 2>/dev/null)" = READY ]; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      diag "$tmp/$name.err"
      return 1
    fi
    nap
    ticks=$((ticks + 1))
  done
  diag "$tmp/$name.err"
  return 1
}

# stop PID: SIGTERM, wait; $stop_rc holds the exit status.
stop() {
  kill -TERM "$1" 2>/dev/null
  wait "$1"
  stop_rc=$?
  rest=""
  for p in $pids; do
    [ "$p" = "$1" ] || rest="$rest $p"
  done
  pids=$rest
}

cli() { # cli ARGS...: run with global --run-dir, capture out/err/rc
  "$NETIPC" --run-dir "$run" "$@" >"$tmp/cli.out" 2>"$tmp/cli.err"
  rc=$?
}

# --- usage, help, version -------------------------------------------------

"$NETIPC" --help >"$tmp/help.out" 2>&1
rc=$?
grep -q '^Usage: netipc' "$tmp/help.out"
ok $(( rc != 0 || $? != 0 )) "--help prints usage and exits 0"

"$NETIPC" --version >"$tmp/version.out" 2>&1
rc=$?
grep -Eq '^netipc [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/version.out"
ok $(( rc != 0 || $? != 0 )) "--version prints netipc X.Y.Z"

"$NETIPC" >/dev/null 2>"$tmp/usage.err"
rc=$?
ok $(( rc != 2 )) "no command exits 2"

"$NETIPC" --bogus call increment 1 >/dev/null 2>"$tmp/usage.err"
rc=$?
grep -q "unknown option '--bogus'" "$tmp/usage.err"
ok $(( rc != 2 || $? != 0 )) "unknown global option exits 2 with a message"

cli call increment 12abc
grep -q "invalid increment value '12abc'" "$tmp/cli.err"
ok $(( rc != 2 || $? != 0 )) "malformed number exits 2"

"$NETIPC" --timeout 0 call increment 1 >/dev/null 2>&1
ok $(( $? != 2 )) "--timeout 0 is out of range (exit 2)"

cli serve frobnicate
ok $(( rc != 2 )) "unknown service kind exits 2"

cli bench ping-pong --batch 0
ok $(( rc != 2 )) "bench --batch 0 exits 2"

cli bench ping-pong --depth 0
ok $(( rc != 2 )) "bench --depth 0 exits 2"

cli bench ping-pong --depth 4 --batch 2
grep -q "cannot be combined" "$tmp/cli.err"
ok $(( rc != 2 || $? != 0 )) "bench --depth with --batch is a usage error"

cli bench snapshot --batch 4
grep -q "bench snapshot: unknown option '--batch'" "$tmp/cli.err"
ok $(( rc != 2 || $? != 0 )) "bench snapshot takes no --batch"

cli bench frobnicate
ok $(( rc != 2 )) "unknown bench scenario exits 2"

# --- increment ------------------------------------------------------------

start inc --run-dir "$run" serve increment
ok $? "serve increment prints READY"
inc_pid=$pid

cli call increment 41
ok $(( rc != 0 )) "call increment 41 exits 0"
[ "$(cat "$tmp/cli.out")" = 42 ]
ok $? "call increment 41 prints 42"

cli call increment 0xffffffffffffffff
[ "$rc" -eq 0 ] && [ "$(cat "$tmp/cli.out")" = 0 ]
ok $? "increment wraps modulo 2^64"

NETIPC_RUN_DIR="$run" "$NETIPC" call increment 99 >"$tmp/env.out" 2>&1
[ "$(cat "$tmp/env.out")" = 100 ]
ok $? "NETIPC_RUN_DIR selects the run directory"

cli --auth-token 0x1234 call increment 1
grep -q "authentication rejected" "$tmp/cli.err"
ok $(( rc == 0 || $? != 0 )) "wrong --auth-token: authentication rejected"

cli bench ping-pong --duration 1
line=$(cat "$tmp/cli.out")
fields=$(echo "$line" | awk -F, '{ print NF }')
[ "$rc" -eq 0 ] && [ "$fields" = 6 ] && [ "$(wc -l <"$tmp/cli.out")" -eq 1 ]
ok $? "bench ping-pong prints one CSV line with 6 fields ($line)"
case $line in ping-pong-uds,*) r=0 ;; *) r=1 ;; esac
ok $r "bench scenario is ping-pong-uds"

cli bench ping-pong --duration 1 --batch 16 --rate 200
case $(cat "$tmp/cli.out") in ping-pong-uds-batch16-rate200,*) r=$rc ;; *) r=1 ;; esac
ok $r "bench --batch 16 --rate 200 checks every item and names the scenario"

cli bench ping-pong --duration 1 --depth 4
case $(cat "$tmp/cli.out") in ping-pong-uds-depth4,*) r=$rc ;; *) r=1 ;; esac
ok $r "bench --depth 4 pipelines on one session and names the scenario"

cli bench ping-pong --duration 1 --depth 4 --rate 2000
case $(cat "$tmp/cli.out") in ping-pong-uds-depth4-rate2000,*) r=$rc ;; *) r=1 ;; esac
ok $r "bench --depth 4 --rate 2000 paces the pipeline"

"$NETIPC" --run-dir "$run" serve increment >"$tmp/dup.out" 2>"$tmp/dup.err"
rc=$?
grep -q "already owns" "$tmp/dup.err"
ok $(( rc != 1 || $? != 0 )) "a second server on a live endpoint fails"

cli call string-reverse abc --service increment
ok $(( rc != 2 )) "global option after the command is a usage error"

[ -S "$run/increment.sock" ]
sock_was_there=$?
stop "$inc_pid"
ok $stop_rc "SIGTERM: serve exits 0"
[ "$sock_was_there" -eq 0 ] && [ ! -e "$run/increment.sock" ]
ok $? "SIGTERM: the .sock file is removed"

cli call increment 1
grep -q "service 'increment' not found in $run" "$tmp/cli.err"
ok $(( rc == 0 || $? != 0 )) "missing server: non-zero exit and 'not found'"

# --- string-reverse -------------------------------------------------------

if start rev --run-dir "$run" --auth-token 77 serve string-reverse; then r=0; else r=1; fi
ok $r "serve string-reverse prints READY"
rev_pid=$pid
cli --auth-token 77 call string-reverse 'Hello, netipc!'
[ "$rc" -eq 0 ] && [ "$(cat "$tmp/cli.out")" = '!cpiten ,olleH' ]
ok $? "call string-reverse reverses the text"
cli --auth-token 77 call string-reverse ''
[ "$rc" -eq 0 ] && [ "$(cat "$tmp/cli.out")" = '' ]
ok $? "call string-reverse of the empty string"
cli --auth-token 77 --service string-reverse bench ping-pong --duration 1
ok $(( rc != 1 )) "bench ping-pong against a string-reverse server exits 1"
cli --auth-token 77 --service string-reverse bench snapshot --duration 1
ok $(( rc != 1 )) "bench snapshot against a string-reverse server exits 1"
stop "$rev_pid"
ok $stop_rc "serve string-reverse exits 0 on SIGTERM"

# --- cgroups-snapshot from a file -----------------------------------------

start cgf --run-dir "$run" serve cgroups-snapshot \
  --from-file "$DATA/cgroups-sample.tsv"
ok $? "serve cgroups-snapshot --from-file prints READY"
cgf_pid=$pid

cli snapshot
cmp -s "$tmp/cli.out" "$DATA/cli-snapshot.tsv"
r=$?
[ $r -ne 0 ] && diff "$DATA/cli-snapshot.tsv" "$tmp/cli.out" | sed 's/^/# /'
ok $(( rc != 0 || r != 0 )) "snapshot prints the expected TSV"

cli snapshot --json
cmp -s "$tmp/cli.out" "$DATA/cli-snapshot.json"
r=$?
[ $r -ne 0 ] && diff "$DATA/cli-snapshot.json" "$tmp/cli.out" | sed 's/^/# /'
ok $(( rc != 0 || r != 0 )) "snapshot --json prints the expected JSON"

if command -v python3 >/dev/null 2>&1; then
  python3 -c 'import json,sys; json.load(sys.stdin)' <"$tmp/cli.out"
  ok $? "snapshot --json output parses as JSON"
else
  skip "snapshot --json output parses as JSON" "python3 not found"
fi

cli lookup --name init.scope
grep -qx "$(printf '1288464613\t0\t1\tinit.scope\t/sys/fs/cgroup/init.scope')" "$tmp/cli.out"
ok $(( rc != 0 || $? != 0 )) "lookup --name (hash = simple_hash) prints the TSV line"

cli lookup --name user.slice --hash 3215621727
grep -qx "$(printf '3215621727\t2\t0\tuser.slice\t/sys/fs/cgroup/user.slice')" "$tmp/cli.out"
ok $(( rc != 0 || $? != 0 )) "lookup --name --hash finds a producer-hashed item"

cli lookup --name user.slice --hash 12345
grep -q "not found" "$tmp/cli.err"
ok $(( rc != 1 || $? != 0 )) "lookup with the wrong --hash: exit 1, not found"

cli lookup --name no-such.scope
grep -q "not found" "$tmp/cli.err"
ok $(( rc != 1 || $? != 0 )) "lookup of a missing name: exit 1, not found"

cli lookup
ok $(( rc != 2 )) "lookup without --name is a usage error"

items=$(sed -n '1s/.* items=//p' "$DATA/cli-snapshot.tsv")
cli --verbose bench snapshot --duration 1
line=$(cat "$tmp/cli.out")
case $line in "snapshot-uds-${items}items,"*) r=$rc ;; *) r=1 ;; esac
[ "$r" -eq 0 ] && [ "$(echo "$line" | awk -F, '{ print NF }')" = 6 ] &&
  grep -q "bytes per response" "$tmp/cli.err"
ok $? "bench snapshot checks every response and prints one CSV line ($line)"
stop "$cgf_pid"

"$NETIPC" --run-dir "$run" serve cgroups-snapshot \
  --from-file "$DATA/cli-bad.tsv" >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
grep -q "cli-bad.tsv:4: invalid hash 'xyz'" "$tmp/bad.err" &&
  ! grep -q READY "$tmp/bad.out"
ok $(( rc != 1 || $? != 0 )) "bad TSV (hash): exit 1 naming file and line, no READY"

"$NETIPC" --run-dir "$run" serve cgroups-snapshot \
  --from-file "$DATA/cli-bad-fields.tsv" >/dev/null 2>"$tmp/bad.err"
rc=$?
grep -q "cli-bad-fields.tsv:3: expected 5 tab-separated fields" "$tmp/bad.err"
ok $(( rc != 1 || $? != 0 )) "bad TSV (field count): exit 1 naming the line"

# --- cgroups-snapshot from a directory tree -------------------------------

tree="$tmp/tree"
mkdir -p "$tree/system.slice/ssh.service" "$tree/init.scope" "$tree/user.slice"
: >"$tree/cgroup.procs" # files are not cgroups
start cgd --run-dir "$run" --service cg-tree serve cgroups-snapshot \
  --from-dir "$tree" --systemd-enabled 1
ok $? "serve cgroups-snapshot --from-dir prints READY"
cgd_pid=$pid

# simple_hash (FNV-1a) of the names, computed independently.
cat >"$tmp/tree1.tsv" <<EOF
# generation=1 systemd_enabled=1 items=4
1288464613	0	1	init.scope	$tree/init.scope
2276664212	0	1	system.slice	$tree/system.slice
3495852720	0	1	system.slice/ssh.service	$tree/system.slice/ssh.service
3877748814	0	1	user.slice	$tree/user.slice
EOF
cli --service cg-tree snapshot
cmp -s "$tmp/cli.out" "$tmp/tree1.tsv"
r=$?
[ $r -ne 0 ] && diff "$tmp/tree1.tsv" "$tmp/cli.out" | sed 's/^/# /'
ok $(( rc != 0 || r != 0 )) "snapshot of a directory tree (names relative, paths absolute)"

rmdir "$tree/user.slice"
mkdir "$tree/a"
cat >"$tmp/tree2.tsv" <<EOF
# generation=2 systemd_enabled=1 items=4
3826002220	0	1	a	$tree/a
1288464613	0	1	init.scope	$tree/init.scope
2276664212	0	1	system.slice	$tree/system.slice
3495852720	0	1	system.slice/ssh.service	$tree/system.slice/ssh.service
EOF
cli --service cg-tree snapshot
cmp -s "$tmp/cli.out" "$tmp/tree2.tsv"
r=$?
[ $r -ne 0 ] && diff "$tmp/tree2.tsv" "$tmp/cli.out" | sed 's/^/# /'
ok $(( rc != 0 || r != 0 )) "the tree is re-read on every request (generation counts)"
stop "$cgd_pid"
ok $stop_rc "serve cgroups-snapshot exits 0 on SIGTERM"

# --- SHM profile ----------------------------------------------------------

if grep -q '^#define NETIPC_BUILD_SHM 1' "$top_builddir/config.h" 2>/dev/null; then
  start shm --run-dir "$run" --profile shm --verbose serve increment
  ok $? "serve --profile shm prints READY"
  shm_pid=$pid
  cli --profile shm --verbose call increment 7
  [ "$rc" -eq 0 ] && [ "$(cat "$tmp/cli.out")" = 8 ] &&
    grep -q "profile SHM_HYBRID" "$tmp/cli.err"
  ok $? "--profile shm round trip negotiates SHM_HYBRID"
  cli --profile uds --verbose call increment 8
  [ "$rc" -eq 0 ] && [ "$(cat "$tmp/cli.out")" = 9 ] &&
    grep -q "profile UDS_SEQPACKET" "$tmp/cli.err"
  ok $? "a uds client of an shm server falls back to UDS_SEQPACKET"
  cli --profile shm bench ping-pong --duration 1 --rate 1000
  case $(cat "$tmp/cli.out") in ping-pong-shm-rate1000,*) r=$rc ;; *) r=1 ;; esac
  ok $r "bench ping-pong over SHM, paced"
  cli --profile shm bench ping-pong --duration 1 --depth 2
  grep -q "needs the UDS_SEQPACKET profile" "$tmp/cli.err"
  ok $(( rc != 1 || $? != 0 )) "bench --depth over SHM: exit 1, pipelining needs UDS"
  stop "$shm_pid"
  ls "$run" >"$tmp/ls.out"
  [ "$stop_rc" -eq 0 ] && [ ! -s "$tmp/ls.out" ]
  ok $? "shm server exits 0 and leaves no endpoint files"
else
  skip "serve --profile shm prints READY" "built without SHM"
  skip "--profile shm round trip negotiates SHM_HYBRID" "built without SHM"
  skip "a uds client of an shm server falls back to UDS_SEQPACKET" "built without SHM"
  skip "bench ping-pong over SHM, paced" "built without SHM"
  skip "bench --depth over SHM: exit 1, pipelining needs UDS" "built without SHM"
  skip "shm server exits 0 and leaves no endpoint files" "built without SHM"
fi

if [ "$n" -ne "$plan" ]; then
  echo "# planned $plan tests but ran $n"
  exit 1
fi
exit 0
