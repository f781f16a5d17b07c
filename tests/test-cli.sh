#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# TAP test of the netipc command-line tool: serve + call, snapshot (TSV and
# JSON, from a file and from a directory tree), cgroups-lookup and
# apps-lookup (from files with a TSV round trip, live from /sys/fs/cgroup
# and /proc, 32768 keys in one call), bad input, missing server, wrong
# token, shutdown by signal, baseline and SHM profiles, bench (ping-pong,
# batch, pipelined, paced, snapshot, lookups), usage errors.
#
# Needs NETIPC_TOP_BUILDDIR (tools/netipc) and NETIPC_TOP_SRCDIR
# (tests/data); falls back to the current and the script's directory.
# Writes only into a private temporary directory.
#
# A Windows build (NETIPC_EXEEXT=.exe, set by tools/Makemodule.am) runs
# tools/netipc.exe, through $NETIPC_WINE when cross-built (Wine turns a
# SIGINT into the Ctrl+C event that stops a server). What Windows cannot
# have (socket files, /sys/fs/cgroup and /proc) is a SKIP there; the live
# sources are checked to refuse with a clear error instead.

top_builddir=${NETIPC_TOP_BUILDDIR:-.}
top_srcdir=${NETIPC_TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
NETIPC="$top_builddir/tools/netipc${NETIPC_EXEEXT:-}"
DATA="$top_srcdir/tests/data"
READY_TIMEOUT=${NETIPC_CLI_READY_TIMEOUT:-30}
WINE=${NETIPC_WINE:-}

# What differs between the platforms: the baseline profile's --profile
# value, name and bench scenario part, and how a server is stopped.
if [ "${NETIPC_EXEEXT:-}" = .exe ]; then
  windows=1
  baseline=baseline
  base_name=NAMED_PIPE
  base_bench=pipe
  stop_sig=INT
  stop_how="Ctrl+C"
else
  windows=0
  baseline=uds
  base_name=UDS_SEQPACKET
  base_bench=uds
  stop_sig=TERM
  stop_how=SIGTERM
fi

plan=103
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
# netipc ARGS...: the tool in the foreground (through Wine if needed).
netipc() {
  $WINE "$NETIPC" "$@"
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
chmod 0700 "$run" # whatever the umask: the run dir contract refuses 0777
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
  # A plain command, not the function: $! must be the tool's own PID
  # (Wine's loader becomes the Windows process) for kill to reach it.
  $WINE "$NETIPC" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
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

# stop PID: SIGTERM (SIGINT, a Ctrl+C event, on Windows), wait; $stop_rc
# holds the exit status.
stop() {
  kill -"$stop_sig" "$1" 2>/dev/null
  # A server that ignores the request must fail the test, not hang it: a
  # watchdog kills it after READY_TIMEOUT unless the flag says it ended.
  # (kill -0 cannot tell: an unreaped child still exists.)
  flag="$tmp/stopped.$1"
  (
    ticks=0
    while [ ! -e "$flag" ] && [ "$ticks" -lt $((READY_TIMEOUT * 10)) ]; do
      nap
      ticks=$((ticks + 1))
    done
    [ -e "$flag" ] || kill -KILL "$1"
  ) >/dev/null 2>&1 &
  watchdog=$!
  wait "$1"
  stop_rc=$?
  : >"$flag"
  wait "$watchdog"
  rest=""
  for p in $pids; do
    [ "$p" = "$1" ] || rest="$rest $p"
  done
  pids=$rest
}

cli() { # cli ARGS...: run with global --run-dir, capture out/err/rc
  netipc --run-dir "$run" "$@" >"$tmp/cli.out" 2>"$tmp/cli.err"
  rc=$?
}

# --- usage, help, version -------------------------------------------------

netipc --help >"$tmp/help.out" 2>&1
rc=$?
grep -q '^Usage: netipc' "$tmp/help.out"
ok $(( rc != 0 || $? != 0 )) "--help prints usage and exits 0"

netipc --version >"$tmp/version.out" 2>&1
rc=$?
grep -Eq '^netipc [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/version.out"
ok $(( rc != 0 || $? != 0 )) "--version prints netipc X.Y.Z"

netipc >/dev/null 2>"$tmp/usage.err"
rc=$?
ok $(( rc != 2 )) "no command exits 2"

netipc --bogus call increment 1 >/dev/null 2>"$tmp/usage.err"
rc=$?
grep -q "unknown option '--bogus'" "$tmp/usage.err"
ok $(( rc != 2 || $? != 0 )) "unknown global option exits 2 with a message"

cli call increment 12abc
grep -q "invalid increment value '12abc'" "$tmp/cli.err"
ok $(( rc != 2 || $? != 0 )) "malformed number exits 2"

netipc --timeout 0 call increment 1 >/dev/null 2>&1
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

cli cgroups-lookup --frob /
grep -q "cgroups-lookup: unknown option '--frob'" "$tmp/cli.err"
ok $(( rc != 2 || $? != 0 )) "cgroups-lookup: unknown option exits 2"

cli apps-lookup 12x
grep -q "invalid PID '12x'" "$tmp/cli.err"
ok $(( rc != 2 || $? != 0 )) "apps-lookup: a malformed PID exits 2"

cli cgroups-lookup ''
ok $(( rc != 2 )) "cgroups-lookup: an empty path exits 2"

cli bench apps-lookup --duration 1
grep -q -- "--keys N or --keys-from FILE is required" "$tmp/cli.err"
ok $(( rc != 2 || $? != 0 )) "bench apps-lookup without keys exits 2"

cli cgroups-lookup /
grep -q "service 'cgroups-lookup' not found in $run" "$tmp/cli.err"
ok $(( rc != 1 || $? != 0 )) "cgroups-lookup without a server: exit 1, not found"

cli apps-lookup 1
grep -q "service 'apps-lookup' not found in $run" "$tmp/cli.err"
ok $(( rc != 1 || $? != 0 )) "apps-lookup without a server: exit 1, not found"

cli cgroups-lookup --keys-from "$tmp/no-such-file"
grep -q "cannot open" "$tmp/cli.err"
ok $(( rc != 1 || $? != 0 )) "cgroups-lookup --keys-from a missing file exits 1"

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

(NETIPC_RUN_DIR="$run" && export NETIPC_RUN_DIR &&
  netipc call increment 99 >"$tmp/env.out" 2>&1)
[ "$(cat "$tmp/env.out")" = 100 ]
ok $? "NETIPC_RUN_DIR selects the run directory"

# With nothing configured: the private ${TMPDIR:-/tmp}/netipc-<uid>, made
# 0700, never the shared directory; serve refuses it once widened.
fb_tmp="$tmp/fallback-tmp"
fb_dir="$fb_tmp/netipc-$(id -u)"
if [ "$windows" = 1 ] || [ -w /run/netipc ]; then
  skip "default run dir is a private 0700 per-user directory" \
    "POSIX only, and /run/netipc must not be writable here"
  skip "serve refuses a widened per-user directory" "as above"
  skip "a client command refuses it too (no token sent)" "as above"
else
  mkdir "$fb_tmp"
  (unset NETIPC_RUN_DIR XDG_RUNTIME_DIR; TMPDIR="$fb_tmp"; export TMPDIR
    netipc call increment 1 >/dev/null 2>&1)
  [ -d "$fb_dir" ] && [ ! -L "$fb_dir" ] &&
    [ "$(stat -c %a "$fb_dir")" = 700 ]
  ok $? "default run dir is a private 0700 per-user directory"
  chmod 0755 "$fb_dir"
  (unset NETIPC_RUN_DIR XDG_RUNTIME_DIR; TMPDIR="$fb_tmp"; export TMPDIR
    timeout "$READY_TIMEOUT" "$NETIPC" serve increment >"$tmp/fb.out" 2>"$tmp/fb.err")
  rc=$?
  grep -q "group or others have access" "$tmp/fb.err"
  ok $(( rc == 0 || $? != 0 )) "serve refuses a widened per-user directory"
  (unset NETIPC_RUN_DIR XDG_RUNTIME_DIR; TMPDIR="$fb_tmp"; export TMPDIR
    netipc call increment 1 >"$tmp/fb.out" 2>"$tmp/fb.err")
  rc=$?
  grep -q "cannot use run directory $fb_dir: group or others have access" "$tmp/fb.err"
  ok $(( rc == 0 || $? != 0 )) "a client command refuses it too (no token sent)"
fi

# The run directory contract (netipc_run_dir_check): the message names
# the directory and the rule it breaks.
if [ "$windows" = 1 ]; then
  for what in "serve refuses a 0777 run dir" "serve refuses a symlinked run dir" \
    "serve refuses a missing run dir" "a client refuses a 0777 run dir"; do
    skip "$what" "POSIX only: on Windows the run dir is only a name"
  done
else
  mkdir "$tmp/open" && chmod 0777 "$tmp/open"
  netipc --run-dir "$tmp/open" serve increment >"$tmp/rd.out" 2>"$tmp/rd.err"
  rc=$?
  grep -q "run directory $tmp/open is writable by other users and has no sticky bit" "$tmp/rd.err"
  ok $(( rc != 1 || $? != 0 )) "serve refuses a 0777 run dir"
  ln -s "$run" "$tmp/link"
  netipc --run-dir "$tmp/link" serve increment >"$tmp/rd.out" 2>"$tmp/rd.err"
  rc=$?
  grep -q "run directory $tmp/link is a symlink" "$tmp/rd.err"
  ok $(( rc != 1 || $? != 0 )) "serve refuses a symlinked run dir"
  netipc --run-dir "$tmp/none" serve increment >"$tmp/rd.out" 2>"$tmp/rd.err"
  rc=$?
  grep -q "run directory $tmp/none does not exist" "$tmp/rd.err"
  ok $(( rc != 1 || $? != 0 )) "serve refuses a missing run dir"
  netipc --run-dir "$tmp/open" call increment 1 >"$tmp/rd.out" 2>"$tmp/rd.err"
  rc=$?
  grep -q "in $tmp/open: .*writable by other users" "$tmp/rd.err"
  ok $(( rc != 1 || $? != 0 )) "a client refuses a 0777 run dir"
fi

cli --auth-token 0x1234 call increment 1
grep -q "authentication rejected" "$tmp/cli.err"
ok $(( rc == 0 || $? != 0 )) "wrong --auth-token: authentication rejected"

cli --profile baseline --verbose call increment 5
[ "$rc" -eq 0 ] && [ "$(cat "$tmp/cli.out")" = 6 ] &&
  grep -q "profile $base_name (offered $base_name)" "$tmp/cli.err"
ok $? "--profile baseline offers and negotiates $base_name alone"

cli bench ping-pong --duration 1
line=$(cat "$tmp/cli.out")
fields=$(echo "$line" | awk -F, '{ print NF }')
[ "$rc" -eq 0 ] && [ "$fields" = 6 ] && [ "$(wc -l <"$tmp/cli.out")" -eq 1 ]
ok $? "bench ping-pong prints one CSV line with 6 fields ($line)"
case $line in "ping-pong-$base_bench,"*) r=0 ;; *) r=1 ;; esac
ok $r "bench scenario is ping-pong-$base_bench"

cli bench ping-pong --duration 1 --batch 16 --rate 200
case $(cat "$tmp/cli.out") in "ping-pong-$base_bench-batch16-rate200,"*) r=$rc ;; *) r=1 ;; esac
ok $r "bench --batch 16 --rate 200 checks every item and names the scenario"

cli bench ping-pong --duration 1 --depth 4
case $(cat "$tmp/cli.out") in "ping-pong-$base_bench-depth4,"*) r=$rc ;; *) r=1 ;; esac
ok $r "bench --depth 4 pipelines on one session and names the scenario"

cli bench ping-pong --duration 1 --depth 4 --rate 2000
case $(cat "$tmp/cli.out") in "ping-pong-$base_bench-depth4-rate2000,"*) r=$rc ;; *) r=1 ;; esac
ok $r "bench --depth 4 --rate 2000 paces the pipeline"

if [ -n "$WINE" ]; then
  # A second server would get a pipe instance of its own and run.
  skip "a second server on a live endpoint fails" \
    "Wine does not enforce FILE_FLAG_FIRST_PIPE_INSTANCE"
else
  netipc --run-dir "$run" serve increment >"$tmp/dup.out" 2>"$tmp/dup.err"
  rc=$?
  grep -q "already owns" "$tmp/dup.err"
  ok $(( rc != 1 || $? != 0 )) "a second server on a live endpoint fails"
fi

cli call string-reverse abc --service increment
ok $(( rc != 2 )) "global option after the command is a usage error"

[ -S "$run/increment.sock" ]
sock_was_there=$?
stop "$inc_pid"
ok $stop_rc "$stop_how: serve exits 0"
if [ "$windows" -eq 1 ]; then
  skip "$stop_how: the .sock file is removed" "no socket files on Windows"
else
  [ "$sock_was_there" -eq 0 ] && [ ! -e "$run/increment.sock" ]
  ok $? "$stop_how: the .sock file is removed"
fi

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
ok $stop_rc "serve string-reverse exits 0 on $stop_how"

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
case $line in "snapshot-$base_bench-${items}items,"*) r=$rc ;; *) r=1 ;; esac
[ "$r" -eq 0 ] && [ "$(echo "$line" | awk -F, '{ print NF }')" = 6 ] &&
  grep -q "bytes per response" "$tmp/cli.err"
ok $? "bench snapshot checks every response and prints one CSV line ($line)"
stop "$cgf_pid"

netipc --run-dir "$run" serve cgroups-snapshot \
  --from-file "$DATA/cli-bad.tsv" >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
grep -q "cli-bad.tsv:4: invalid hash 'xyz'" "$tmp/bad.err" &&
  ! grep -q READY "$tmp/bad.out"
ok $(( rc != 1 || $? != 0 )) "bad TSV (hash): exit 1 naming file and line, no READY"

netipc --run-dir "$run" serve cgroups-snapshot \
  --from-file "$DATA/cli-bad-fields.tsv" >/dev/null 2>"$tmp/bad.err"
rc=$?
grep -q "cli-bad-fields.tsv:3: expected 5 tab-separated fields" "$tmp/bad.err"
ok $(( rc != 1 || $? != 0 )) "bad TSV (field count): exit 1 naming the line"

# --- cgroups-snapshot from a directory tree -------------------------------

if [ "$windows" -eq 1 ]; then
  # No cgroup file system: the live source refuses with a clear message
  # (and the directory tree source with it). Four assertions, as below.
  netipc --run-dir "$run" serve cgroups-snapshot --from-dir "$tmp" \
    >"$tmp/live.out" 2>"$tmp/live.err"
  rc=$?
  grep -q "serve cgroups-snapshot: .*use --from-file FILE" "$tmp/live.err" &&
    ! grep -q READY "$tmp/live.out"
  ok $(( rc != 1 || $? != 0 )) "Windows: serve cgroups-snapshot --from-dir: exit 1, use --from-file"
  netipc --run-dir "$run" serve cgroups-snapshot >"$tmp/live.out" 2>"$tmp/live.err"
  rc=$?
  grep -q "serve cgroups-snapshot: .*use --from-file FILE" "$tmp/live.err" &&
    ! grep -q READY "$tmp/live.out"
  ok $(( rc != 1 || $? != 0 )) "Windows: serve cgroups-snapshot without --from-file: exit 1, use --from-file"
  skip "the tree is re-read on every request (generation counts)" "no cgroup file system on Windows"
  skip "serve cgroups-snapshot exits 0 on $stop_how" "no cgroup file system on Windows"
else
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
ok $stop_rc "serve cgroups-snapshot exits 0 on $stop_how"
fi

# --- cgroups-lookup from a file --------------------------------------------

tab=$(printf '\t')
# compare EXPECTED ACTUAL: 0 when equal, else the diff as TAP comments.
compare() {
  cmp -s "$1" "$2" && return 0
  diff "$1" "$2" | sed 's/^/# /'
  return 1
}
# cglookup [OPTION...]: cgroups-lookup of the fixture's keys (every status,
# a tab and a backslash, a '#' and a '*' that must be escaped, a
# duplicate).
cglookup() {
  cli cgroups-lookup "$@" /system.slice/docker-0123456789abcdef.scope \
    /kubepods.slice/kubepods-pod42.slice \
    '/system.slice/system-systemd\x2dfsck.slice' /custom "/tab${tab}in\\path" \
    /empty-name /pending /gone /huge /unlisted '#hash' '*' \
    '/machine.slice/machine-qemu\x2d1\x2dvm.scope' /custom
}
json_parses() { # json_parses FILE DESCRIPTION
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import json,sys; json.load(sys.stdin)' <"$1"
    ok $? "$2"
  else
    skip "$2" "python3 not found"
  fi
}

start cgl --run-dir "$run" serve cgroups-lookup \
  --from-file "$DATA/cli-cgroups-lookup.tsv"
ok $? "serve cgroups-lookup --from-file prints READY"
cgl_pid=$pid
cg_expected="$DATA/cli-cgroups-lookup-expected.tsv"

cglookup
compare "$cg_expected" "$tmp/cli.out"
ok $(( rc != 0 || $? != 0 )) "cgroups-lookup prints the expected TSV (every status, labels, *)"

cglookup --json
compare "$DATA/cli-cgroups-lookup-expected.json" "$tmp/cli.out"
ok $(( rc != 0 || $? != 0 )) "cgroups-lookup --json prints the expected JSON"
json_parses "$tmp/cli.out" "cgroups-lookup --json output parses as JSON"

cli cgroups-lookup --keys-from "$cg_expected"
compare "$cg_expected" "$tmp/cli.out"
ok $(( rc != 0 || $? != 0 )) "cgroups-lookup --keys-from FILE (its first column, escapes decoded)"

netipc --run-dir "$run" cgroups-lookup --keys-from - <"$cg_expected" \
  >"$tmp/cli.out" 2>"$tmp/cli.err"
rc=$?
compare "$cg_expected" "$tmp/cli.out"
ok $(( rc != 0 || $? != 0 )) "cgroups-lookup --keys-from - reads standard input"

cli cgroups-lookup --keys-from "$cg_expected" /gone
{
  echo "# generation=1 items=15"
  grep "^/gone$tab" "$cg_expected"
  sed 1d "$cg_expected"
} >"$tmp/both.tsv"
compare "$tmp/both.tsv" "$tmp/cli.out"
ok $(( rc != 0 || $? != 0 )) "command-line keys come first, then the file's"

cp "$cg_expected" "$tmp/cg-rt.tsv"
if start cgrt --run-dir "$run" --service cg-rt serve cgroups-lookup \
  --from-file "$tmp/cg-rt.tsv"; then
  cli --service cg-rt cgroups-lookup --keys-from "$tmp/cg-rt.tsv"
  compare "$tmp/cg-rt.tsv" "$tmp/cli.out"
  r=$(( rc != 0 || $? != 0 ))
else
  r=1
fi
ok $r "TSV round trip: the output served with --from-file answers the same"
cgrt_pid=$pid
cli --service cg-rt cgroups-lookup /not-listed
grep -qx "/not-listed${tab}unknown-permanent${tab}unknown${tab}" "$tmp/cli.out"
ok $(( rc != 0 || $? != 0 )) "without a * line an unlisted path is unknown-permanent"
stop "$cgrt_pid"

# An acceptance criterion: 32768 keys in one logical call with the default
# limits (the client splits them into some 1300 exchanges). It takes well
# under a second, and the default 30 s timeout holds in the sanitizer
# builds too.
seq 1 32768 | awk '{ printf "/sys/fs/cgroup/bench/cg-%05d\n", $1 }' >"$tmp/keys32k"
cli cgroups-lookup --keys-from "$tmp/keys32k"
sed 1d "$tmp/cli.out" | cut -f1 >"$tmp/keys32k.out"
[ "$rc" -eq 0 ] && [ "$(head -n 1 "$tmp/cli.out")" = "# generation=1 items=32768" ] &&
  cmp -s "$tmp/keys32k" "$tmp/keys32k.out"
ok $? "a lookup of 32768 keys returns every item, in order"

cli bench cgroups-lookup --keys 100 --duration 1
line=$(cat "$tmp/cli.out")
case $line in cgroups-lookup-100,*) r=$rc ;; *) r=1 ;; esac
[ "$r" -eq 0 ] && [ "$(echo "$line" | awk -F, '{ print NF }')" = 6 ]
ok $? "bench cgroups-lookup --keys 100 prints one CSV line ($line)"

cli bench cgroups-lookup --keys-from "$tmp/keys32k" --keys 50 --duration 1 --rate 20
case $(cat "$tmp/cli.out") in cgroups-lookup-50-rate20,*) r=$rc ;; *) r=1 ;; esac
ok $r "bench cgroups-lookup --keys-from with --keys 50, paced"
stop "$cgl_pid"
ok $stop_rc "serve cgroups-lookup exits 0 on $stop_how"

netipc --run-dir "$run" serve cgroups-lookup \
  --from-file "$DATA/cli-cgroups-lookup-bad.tsv" >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
grep -q "cli-cgroups-lookup-bad.tsv:3: invalid status 'maybe'" "$tmp/bad.err" &&
  ! grep -q READY "$tmp/bad.out"
ok $(( rc != 1 || $? != 0 )) "bad cgroups-lookup TSV: exit 1 naming file and line"

# --- apps-lookup from a file ------------------------------------------------

app_keys="1 100 101 102 103 104 200 300 999 0 100 4294967295"
start apl --run-dir "$run" serve apps-lookup --from-file "$DATA/cli-apps-lookup.tsv"
ok $? "serve apps-lookup --from-file prints READY"
apl_pid=$pid
app_expected="$DATA/cli-apps-lookup-expected.tsv"

cli apps-lookup $app_keys
compare "$app_expected" "$tmp/cli.out"
ok $(( rc != 0 || $? != 0 )) "apps-lookup prints the expected TSV (statuses, uid -, labels, *)"

cli apps-lookup --json $app_keys
compare "$DATA/cli-apps-lookup-expected.json" "$tmp/cli.out"
ok $(( rc != 0 || $? != 0 )) "apps-lookup --json prints the expected JSON"
json_parses "$tmp/cli.out" "apps-lookup --json output parses as JSON"

cp "$app_expected" "$tmp/app-rt.tsv"
if start aprt --run-dir "$run" --service app-rt serve apps-lookup \
  --from-file "$tmp/app-rt.tsv" --generation 7; then
  cli --service app-rt apps-lookup --keys-from "$tmp/app-rt.tsv"
  sed 1d "$tmp/cli.out" >"$tmp/app-rt.out"
  sed 1d "$app_expected" >"$tmp/app-rt.expected"
  compare "$tmp/app-rt.expected" "$tmp/app-rt.out" &&
    [ "$(head -n 1 "$tmp/cli.out")" = "# generation=7 items=12" ]
  r=$(( rc != 0 || $? != 0 ))
else
  r=1
fi
ok $r "apps TSV round trip, with --generation 7"
aprt_pid=$pid
cli --service app-rt apps-lookup 5
grep -qx "5${tab}unknown${tab}known${tab}unknown${tab}0${tab}-${tab}0${tab}${tab}${tab}" "$tmp/cli.out"
ok $(( rc != 0 || $? != 0 )) "without a * line an unlisted PID is unknown"
stop "$aprt_pid"

cli bench apps-lookup --keys 20 --duration 1
line=$(cat "$tmp/cli.out")
case $line in apps-lookup-20,*) r=$rc ;; *) r=1 ;; esac
ok $r "bench apps-lookup --keys 20 prints one CSV line ($line)"
stop "$apl_pid"
ok $stop_rc "serve apps-lookup exits 0 on $stop_how"

netipc --run-dir "$run" serve apps-lookup \
  --from-file "$DATA/cli-apps-lookup-bad.tsv" >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
grep -q "cli-apps-lookup-bad.tsv:3: status unknown needs" "$tmp/bad.err" &&
  ! grep -q READY "$tmp/bad.out"
ok $(( rc != 1 || $? != 0 )) "bad apps-lookup TSV: exit 1 naming file and line"

# --- live lookups: /sys/fs/cgroup and /proc ----------------------------------

if [ "$windows" -eq 1 ]; then
  # Neither /sys/fs/cgroup nor /proc: both live sources refuse clearly.
  # Eight assertions, as below.
  for kind in cgroups-lookup apps-lookup; do
    netipc --run-dir "$run" serve $kind >"$tmp/live.out" 2>"$tmp/live.err"
    rc=$?
    grep -q "serve $kind: .*use --from-file FILE" "$tmp/live.err" &&
      ! grep -q READY "$tmp/live.out"
    ok $(( rc != 1 || $? != 0 )) "Windows: serve $kind without --from-file: exit 1, use --from-file"
  done
  for what in "live: / exists below /sys/fs/cgroup, known" \
    "live: a missing path, a .. path and a relative one are unknown-permanent" \
    "live: our shell is known, with its ppid and comm" \
    "live: a PID that does not exist is unknown" \
    "live: a PID that ends turns unknown and the generation rises" \
    "live serve apps-lookup exits 0 on $stop_how"; do
    skip "$what" "no /sys/fs/cgroup or /proc on Windows"
  done
else
start cglive --run-dir "$run" serve cgroups-lookup
ok $? "serve cgroups-lookup (live) prints READY"
cglive_pid=$pid
if [ -d /sys/fs/cgroup ]; then
  cli cgroups-lookup /
  [ "$rc" -eq 0 ] && grep -q "^/${tab}known${tab}" "$tmp/cli.out"
  ok $? "live: / exists below /sys/fs/cgroup, known"
else
  skip "live: / exists below /sys/fs/cgroup, known" "no /sys/fs/cgroup"
fi
cli cgroups-lookup /no-such-netipc-cgroup /../etc relative
printf '%s\tunknown-permanent\tunknown\t\n' /no-such-netipc-cgroup /../etc relative >"$tmp/perm.tsv"
sed 1d "$tmp/cli.out" >"$tmp/perm.out"
compare "$tmp/perm.tsv" "$tmp/perm.out"
ok $(( rc != 0 || $? != 0 )) "live: a missing path, a .. path and a relative one are unknown-permanent"
stop "$cglive_pid"

start aplive --run-dir "$run" serve apps-lookup
ok $? "serve apps-lookup (live) prints READY"
aplive_pid=$pid
if command -v ps >/dev/null 2>&1; then
  my_ppid=$(ps -o ppid= $$ | tr -d ' ')
else
  my_ppid=$(sed 's/.*) //' /proc/$$/stat | awk '{ print $2 }')
fi
my_comm=$(tr -d '\n' </proc/$$/comm | head -c 15)
cli apps-lookup $$ 4294967295
line=$(sed -n 2p "$tmp/cli.out")
[ "$rc" -eq 0 ] &&
  [ "$(echo "$line" | cut -f1-2,5)" = "$$${tab}known${tab}$my_ppid" ] &&
  [ "$(echo "$line" | cut -f8)" = "$my_comm" ]
ok $? "live: our shell is known, with its ppid and comm ($line)"
grep -q "^4294967295${tab}unknown${tab}" "$tmp/cli.out"
ok $? "live: a PID that does not exist is unknown"

sleep 60 &
sleeper=$!
cli apps-lookup $sleeper
gen1=$(sed -n '1s/^# generation=\([0-9]*\) .*/\1/p' "$tmp/cli.out")
grep -q "^$sleeper${tab}known${tab}" "$tmp/cli.out"
r=$?
kill "$sleeper"
wait "$sleeper" 2>/dev/null
cli apps-lookup $sleeper
gen2=$(sed -n '1s/^# generation=\([0-9]*\) .*/\1/p' "$tmp/cli.out")
[ "$r" -eq 0 ] && grep -q "^$sleeper${tab}unknown${tab}" "$tmp/cli.out" &&
  [ "$gen2" -eq $((gen1 + 1)) ]
ok $? "live: a PID that ends turns unknown and the generation rises ($gen1 -> $gen2)"
stop "$aplive_pid"
ok $stop_rc "live serve apps-lookup exits 0 on $stop_how"
fi

# --- SHM profiles ---------------------------------------------------------

# Windows always has its SHM transport; POSIX only with Linux SHM.
if [ "$windows" -eq 1 ] ||
  grep -q '^#define NETIPC_BUILD_SHM 1' "$top_builddir/config.h" 2>/dev/null; then
  start shm --run-dir "$run" --profile shm --verbose serve increment
  ok $? "serve --profile shm prints READY"
  shm_pid=$pid
  cli --profile shm --verbose call increment 7
  [ "$rc" -eq 0 ] && [ "$(cat "$tmp/cli.out")" = 8 ] &&
    grep -q "profile SHM_HYBRID" "$tmp/cli.err"
  ok $? "--profile shm round trip negotiates SHM_HYBRID"
  cli --profile "$baseline" --verbose call increment 8
  [ "$rc" -eq 0 ] && [ "$(cat "$tmp/cli.out")" = 9 ] &&
    grep -q "profile $base_name" "$tmp/cli.err"
  ok $? "a $baseline client of an shm server falls back to $base_name"
  cli --profile shm bench ping-pong --duration 1 --rate 1000
  case $(cat "$tmp/cli.out") in ping-pong-shm-rate1000,*) r=$rc ;; *) r=1 ;; esac
  ok $r "bench ping-pong over SHM, paced"
  cli --profile shm bench ping-pong --duration 1 --depth 2
  grep -q "needs the $base_name profile" "$tmp/cli.err"
  ok $(( rc != 1 || $? != 0 )) "bench --depth over SHM: exit 1, pipelining needs $base_name"
  stop "$shm_pid"
  if [ "$windows" -eq 1 ]; then
    ok "$stop_rc" "shm server exits 0 on $stop_how (no endpoint files on Windows)"
  else
    ls "$run" >"$tmp/ls.out"
    [ "$stop_rc" -eq 0 ] && [ ! -s "$tmp/ls.out" ]
    ok $? "shm server exits 0 and leaves no endpoint files"
  fi
else
  skip "serve --profile shm prints READY" "built without SHM"
  skip "--profile shm round trip negotiates SHM_HYBRID" "built without SHM"
  skip "a $baseline client of an shm server falls back to $base_name" "built without SHM"
  skip "bench ping-pong over SHM, paced" "built without SHM"
  skip "bench --depth over SHM: exit 1, pipelining needs $base_name" "built without SHM"
  skip "shm server exits 0 and leaves no endpoint files" "built without SHM"
fi

# SHM_BUSYWAIT (windows.md 1) is a Windows profile.
if [ "$windows" -eq 1 ]; then
  if start busy --run-dir "$run" --service busy --profile busywait serve increment; then
    busy_pid=$pid
    cli --service busy --profile busywait --verbose call increment 9
    [ "$rc" -eq 0 ] && [ "$(cat "$tmp/cli.out")" = 10 ] &&
      grep -q "profile SHM_BUSYWAIT (offered NAMED_PIPE|SHM_BUSYWAIT)" "$tmp/cli.err"
    r=$?
    stop "$busy_pid"
    [ "$r" -eq 0 ] && [ "$stop_rc" -eq 0 ]
    r=$?
  else
    r=1
  fi
  ok $r "--profile busywait: server and client negotiate SHM_BUSYWAIT"
else
  skip "--profile busywait: server and client negotiate SHM_BUSYWAIT" "a Windows profile"
fi

if [ "$n" -ne "$plan" ]; then
  echo "# planned $plan tests but ran $n"
  exit 1
fi
exit 0
