#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# run-bench.sh: the benchmark matrix behind `make bench`. It starts
# `netipc serve ...` in a private run directory, drives it with
# `netipc bench ...` (the CLI anyone can point at a server), builds and
# runs the physical floors of ../shared/limits, the Level 3 lookup and the
# machine helpers, and writes bench/results.csv, doc/benchmarks.md (via
# bench/report.awk) and, with gnuplot, the charts (bench/charts.gp).
#
# Every point runs BENCH_ROUNDS rounds of BENCH_DURATION seconds; the
# report shows medians. A failed call or a wrong answer stops the run with
# exit status 1 and leaves the previous outputs untouched.
#
# The lookup methods (shared/spec/lookups.md 10) run on a plan of their
# own: the codec benchmark in one process (bench-lookup-codec) and logical
# lookup calls over UDS and SHM (`netipc bench cgroups-lookup|apps-lookup`
# against `netipc serve ... --from-file`), in fewer and shorter rounds
# (LK_* below; BENCH_LOOKUP_DURATION and BENCH_LOOKUP_ROUNDS change them,
# BENCH_ROUNDS caps the rounds).
#
# The Makefile passes: NETIPC, BENCH_LOOKUP, BENCH_CODEC, BENCH_MACHINE
# (programs),
# BENCH_LIMITS_DIR, BENCH_SRCDIR, BENCH_CC, BENCH_CFLAGS,
# BENCH_NETIPC_CFLAGS, BENCH_VERSION, BENCH_HAVE_SHM (yes/no).

set -u

NETIPC=${NETIPC:?NETIPC must name tools/netipc}
BENCH_LOOKUP=${BENCH_LOOKUP:?}
BENCH_CODEC=${BENCH_CODEC:?}
BENCH_MACHINE=${BENCH_MACHINE:?}
LIMITS_DIR=${BENCH_LIMITS_DIR:?}
SRCDIR=${BENCH_SRCDIR:?}
CC=${BENCH_CC:-cc}
HAVE_SHM=${BENCH_HAVE_SHM:-yes}
GNUPLOT=${BENCH_GNUPLOT:-gnuplot} # the charts are skipped without it

# ---- the plan (doc/benchmarks.md "Method" explains each choice) ---------
DURATION=${BENCH_DURATION:-2} # seconds per round
ROUNDS=${BENCH_ROUNDS:-5}     # rounds per point; medians are reported
PACES="100000 10000"          # paced calls/s, where the max rate allows
PACE_HEADROOM=1.2             # a pace applies when max >= pace * this
IDLE_RATE=100                 # calls/s of the idle point (waiting sides)
BATCH=16                      # items per batch request
DEPTH=16                      # requests in flight when pipelining
SNAP_SMALL=16                 # snapshot items (the reference's bench set)
SNAP_LARGE=5000
LOOKUP_SMALL=16               # Level 3 cache items
LOOKUP_LARGE=100000
MEMCPY_LARGE=67108864         # 64 MiB: larger than every cache
FLOOR_CFLAGS=-O2              # as ../shared/limits/README.md builds them
# Placement: every client (and a floor's parent) on CLIENT_CPU, every
# server (and a floor's forked peer) on SERVER_CPU. On this VM a cross-core
# wake-up costs ~20 us more than a same-core one, and unpinned runs land
# either way by chance, so a ratio to a floor means something only when
# both sides of it are placed alike. NETIPC_BENCH_PIN=no turns it off.
CLIENT_CPU=${BENCH_CLIENT_CPU:-0}
SERVER_CPU=${BENCH_SERVER_CPU:-1}
PIN=${NETIPC_BENCH_PIN:-yes}
FORK_WAIT_TICKS=500           # 1 ms ticks to find a floor's forked peer
READY_TICKS=300               # 0.1 s ticks to wait for a server's READY
CPU_DECIMALS=1
POINTS_ESTIMATE=32            # for the duration announced at the start
ROUND_OVERHEAD_DS=1           # 0.1 s per round: process start, connect

# Lookups (lookups.md 10): keys per logical call, the answers served, and
# a plan of their own, so that their 120 points fit in a few minutes.
LK_METHODS="cgroups apps"
LK_KEYS="16 256 8192 32768"
LK_KINDS="known unknown mixed"
LK_KEYS_MAX=32768             # the largest of LK_KEYS (the mixed files)
LK_BIG=8192                   # from this many keys a point is "big"
LK_DURATION=${BENCH_LOOKUP_DURATION:-1} # seconds per lookup round
LK_ROUNDS=${BENCH_LOOKUP_ROUNDS:-3}     # rounds of the 16- and 256-key points
LK_BIG_ROUNDS=1               # rounds of the big points (they only complete)
LK_PACE=10000                 # paced logical calls/s, run at every size
LK_POINTS_SMALL=60            # codec 12 + calls 48 points of 16/256 keys
LK_POINTS_BIG=60              # ... and as many of 8192/32768 keys
# The keys `netipc bench cgroups-lookup|apps-lookup --keys N` sends: key i
# is the path LK_PATH_FMT of i or the PID LK_PID_BASE + i. The served
# files (lookup_file) answer exactly those.
LK_PATH_FMT=/sys/fs/cgroup/bench/cg-%03d
LK_PID_BASE=1000
# What a known key answers: the items of the codec benchmark (lookups.md
# 10); labels are separated by blanks here. Unknown keys answer
# UNKNOWN_RETRY_LATER (cgroups) or UNKNOWN (apps).
LK_CG_ORCHESTRATOR=k8s
LK_CG_NAME=bench-pod
LK_CG_LABELS="namespace=bench image=bench:latest"
LK_APPS_ORCHESTRATOR=docker
LK_APPS_PPID=1
LK_APPS_UID=1000
LK_APPS_STARTTIME=42
LK_APPS_COMM=bench
LK_APPS_CGROUP_PATH=/sys/fs/cgroup/bench
LK_APPS_CGROUP_NAME=bench-container
LK_APPS_LABELS="image=bench:latest"

OUT_MD=$SRCDIR/doc/benchmarks.md
OUT_CSV=$SRCDIR/bench/results.csv
NOTES=$SRCDIR/bench/notes.md
CHART_BASE=$SRCDIR/doc/benchmarks

die() {
  echo "bench: $*" >&2
  exit 1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/netipc-bench.XXXXXX") ||
  die "cannot create a temporary directory"
run=$tmp/run
mkdir "$run" || die "cannot create $run"
pids=""
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null; done
  for p in $pids; do wait "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

[ "$LK_ROUNDS" -le "$ROUNDS" ] || LK_ROUNDS=$ROUNDS
[ "$LK_BIG_ROUNDS" -le "$LK_ROUNDS" ] || LK_BIG_ROUNDS=$LK_ROUNDS
# The plan of the points being defined (define); the lookups change it.
def_rounds=$ROUNDS
def_duration=$DURATION

CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
started=$(date +%s)
npoint=0

# ---- helpers ------------------------------------------------------------

if [ "$PIN" = yes ] && command -v taskset >/dev/null 2>&1 &&
  [ "$(nproc 2>/dev/null || echo 1)" -ge 2 ]; then
  # Prefixes, not functions: `$on_server cmd &` leaves $! the command's
  # own pid (taskset execs it), which server CPU accounting reads.
  on_client="taskset -c $CLIENT_CPU"
  on_server="taskset -c $SERVER_CPU"
  placement="client on CPU $CLIENT_CPU, servers and the floors' forked peers on CPU $SERVER_CPU"
else
  PIN=no
  on_client=""
  on_server=""
  placement="not pinned (the scheduler places both sides)"
fi

# children_of PID: the processes whose parent is PID (from /proc).
children_of() {
  # One awk over every stat file: quick, so the peer is moved within ms.
  awk -v p="$1" '{ sub(/^.*\) /, ""); if ($2 == p) { split(FILENAME, f, "/"); print f[3] } }' \
    /proc/[0-9]*/stat 2>/dev/null
}

# run_floor PROGRAM ARGS...: on the client CPU, its forked peer moved to
# the server CPU as soon as it exists.
run_floor() {
  if [ "$PIN" != yes ]; then
    "$@"
    return
  fi
  $on_client "$@" &
  fp=$!
  ticks=0
  child=""
  while [ -z "$child" ] && [ "$ticks" -lt "$FORK_WAIT_TICKS" ]; do
    child=$(children_of "$fp")
    [ -n "$child" ] || sleep 0.001
    ticks=$((ticks + 1))
  done
  for c in $child; do taskset -pc "$SERVER_CPU" "$c" >/dev/null 2>&1 || true; done
  wait "$fp"
}

build_floors() {
  for f in floor-uds floor-shm; do
    [ -f "$LIMITS_DIR/$f.c" ] ||
      die "$LIMITS_DIR/$f.c not found (the floors live in ../shared/limits beside the project)"
    $CC $FLOOR_CFLAGS -o "$tmp/$f" "$LIMITS_DIR/$f.c" 2>"$tmp/$f.log" || {
      cat "$tmp/$f.log" >&2
      die "cannot build $f"
    }
  done
}

# floor_csv NAME PROGRAM ARGS...: run a floor program and print its last
# line ("... N round trips/s (T us)") as a CSV line; T is the mean.
floor_csv() {
  name=$1
  shift
  run_floor "$@" >"$tmp/floor.out" || return 1
  awk -v name="$name" '
    /round trips\/s/ {
      for (i = 1; i <= NF; i++) if ($i == "round") thr = $(i - 1)
      us = $(NF - 1); gsub(/[()]/, "", us)
      line = name "," thr "," us ",,,"
    }
    END { if (line == "") exit 1; print line }' "$tmp/floor.out"
}

# bench_set N FILE: the reference's snapshot bench set as a --from-file TSV.
bench_set() {
  awk -v n="$1" 'BEGIN {
    for (i = 0; i < n; i++)
      printf "%d\t0\t%d\tcgroup-%d\t/sys/fs/cgroup/bench/cg-%d\n", 1000 + i, i % 2, i, i
  }' >"$2"
}

# start_server NAME ARGS...: `netipc --run-dir RUN ARGS` in the background;
# sets server_pid once it printed READY.
start_server() {
  name=$1
  shift
  $on_server "$NETIPC" --run-dir "$run" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  server_pid=$!
  pids="$pids $server_pid"
  ticks=0
  while [ "$(head -n 1 "$tmp/$name.out" 2>/dev/null)" != READY ]; do
    kill -0 "$server_pid" 2>/dev/null || {
      cat "$tmp/$name.err" >&2
      die "server $name exited"
    }
    ticks=$((ticks + 1))
    [ "$ticks" -lt "$READY_TICKS" ] || die "server $name never printed READY"
    sleep 0.1
  done
}

# server_ticks PID: user+system clock ticks of a process (all threads), or
# "-" when there is no server or no /proc.
server_ticks() {
  if [ "$1" = - ] || [ ! -r "/proc/$1/stat" ]; then
    echo -
    return
  fi
  sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

cpu_pct() { # T0 T1 SECONDS: server CPU % over one round
  awk -v a="$1" -v b="$2" -v hz="$CLK_TCK" -v d="$3" -v p="$CPU_DECIMALS" \
    'BEGIN { if (a != "-" && b != "-") printf "%." p "f", 100 * (b - a) / hz / d }'
}

# median_of ID: the medians of one point's rounds (throughput, its min and
# max, p50, p95, p99, client and server CPU) as CSV.
median_of() {
  awk -F, -v id="$1" '
    function median(c,   i, j, t, a) {
      for (i = 1; i <= n; i++) { a[i] = v[c, i]; if (a[i] == "") return "" }
      for (i = 2; i <= n; i++)
        for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
      lo = a[1]; hi = a[n]
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    $1 == id { n++; for (c = 3; c <= 8; c++) v[c, n] = $c }
    END {
      thr = median(3); tlo = lo; thi = hi
      out = thr "," tlo "," thi
      for (c = 4; c <= 8; c++) out = out "," median(c)
      print out
    }' "$tmp/rounds.csv"
}

progress() { # ID LABEL RATE UNIT
  awk -F, -v id="$1" -v label="$2" -v rate="$3" -v unit="$4" -v n="$npoint" \
    -v t="$(($(date +%s) - started))" '
    function num(x) { return x == "" ? "-" : sprintf("%.3g", x) }
    function cpu(x) { return x == "" ? "-" : sprintf("%.1f", x) }
    $1 == id {
      printf "bench: [%2d %3ds] %-36s %-8s %12.0f %-14s p50 %8s us  p99 %8s us  CPU client %5s %% server %5s %%\n",
        n, t, label, rate == 0 ? "max" : rate "/s", $9, unit, num($12), num($14), cpu($15), cpu($16)
    }' "$tmp/points.csv"
}

# expect_line LINE PREFIX: the CLI names what it measured (transport,
# items); anything else means the setup is not what the point claims.
expect_line() {
  case $1 in
  "$2"*) return 0 ;;
  *) die "expected a '$2...' result, got '$1'" ;;
  esac
}

# logged PROGRAM ARGS...: run it, remembering the command for an error.
logged() {
  echo "$*" >"$tmp/last-command"
  "$@"
}

# A point is defined once and measured in rounds. Its command (FUNC, a
# function name and its words) gets "--rate RATE" when RATE is not 0. It
# takes the plan current when it is defined: def_rounds rounds of
# def_duration seconds (FUNC must run for that duration).
# define ID LABEL GROUP TRANSPORT RATE PER_CALL UNIT SERVER PREFIX FUNC
define() {
  case "$*" in *'|'*) die "a point definition must not hold '|': $*" ;; esac
  case $2 in *,*) die "a label must not hold a comma: '$2'" ;; esac
  echo "$1|$2|$3|$4|$5|$6|$7|$8|$9|${10}|$def_rounds|$def_duration" >>"$tmp/defs"
}

load() { # ID: the definition into d_* variables
  d_line=$(grep "^$1|" "$tmp/defs") || die "no point '$1'"
  IFS='|' read -r d_id d_label d_group d_transport d_rate d_per_call d_unit \
    d_server d_prefix d_func d_rounds d_duration <<EOF
$d_line
EOF
}

# one_round ID ROUND: run the command once; its CSV line and the server's
# CPU go to rounds.csv, the payload size and extension flags it reports
# (--verbose) to extra.ID.
one_round() {
  load "$1"
  o_round=$2
  [ "$o_round" -le "$d_rounds" ] || return 0
  # shellcheck disable=SC2086 # FUNC is a function name and its words
  set -- $d_func
  [ "$d_rate" = 0 ] || set -- "$@" --rate "$d_rate"
  t0=$(server_ticks "$d_server")
  if ! "$@" >"$tmp/round.out" 2>"$tmp/round.err"; then
    cat "$tmp/round.err" >&2
    die "$d_label (round $o_round) failed: $(cat "$tmp/last-command")"
  fi
  t1=$(server_ticks "$d_server")
  line=$(tail -n 1 "$tmp/round.out")
  expect_line "$line" "$d_prefix"
  [ "$(echo "$line" | awk -F, '{ print NF }')" = 6 ] ||
    die "$d_label: not a result line: '$line'"
  # The lookup lines do not name the transport; --verbose does.
  if [ "$d_group" = lookup-call ]; then
    pr=$(sed -n "s/^netipc: service .*: profile \([A-Z_]*\) (offered .*/\1/p" "$tmp/round.err" | head -n 1)
    case "$d_transport:$pr" in
    uds:UDS_* | shm:SHM_*) ;;
    *) die "$d_label: the session's profile is '$pr', not $d_transport" ;;
    esac
  fi
  b=$(sed -n 's/.* \([0-9][0-9]*\) bytes per response$/\1/p' "$tmp/round.err")
  e=$(sed -n 's/^netipc: bench: profile .*, extensions \(0x[0-9a-f]*\)$/\1/p' "$tmp/round.err")
  [ -z "$b$e" ] || echo "$b,$e" >"$tmp/extra.$d_id"
  echo "$d_id,$o_round,${line#*,},$(cpu_pct "$t0" "$t1" "$d_duration")" >>"$tmp/rounds.csv"
}

point_done() { # ID: medians into points.csv, one progress line
  load "$1"
  extra=$(cat "$tmp/extra.$d_id" 2>/dev/null || echo ,)
  echo "$d_id,$d_label,$d_group,$d_transport,$d_rate,$d_per_call,$d_unit,${extra%,*},$(median_of "$d_id"),${extra#*,},$d_rounds,$d_duration" \
    >>"$tmp/points.csv"
  npoint=$((npoint + 1))
  progress "$d_id" "$d_label" "$d_rate" "$d_unit"
}

# measure ID...: rounds, each running every listed point once in turn, so
# points compared by a goal see the same machine; a point with fewer
# rounds than another sits out the later ones.
measure() {
  m_rounds=0
  for id; do
    load "$id"
    [ "$d_rounds" -le "$m_rounds" ] || m_rounds=$d_rounds
  done
  m_round=1
  while [ "$m_round" -le "$m_rounds" ]; do
    for id; do one_round "$id" "$m_round"; done
    m_round=$((m_round + 1))
  done
  for id; do point_done "$id"; done
}

calls_of() { # ID: median calls/s of a point
  awk -F, -v id="$1" '$1 == id { print $9 / $6 }' "$tmp/points.csv"
}

# paced ID...: after the max-rate points, each pace of PACES that their
# max rate allows.
paced() {
  for base; do
    load "$base"
    p_def="$d_label|$d_group|$d_transport"
    p_rest="$d_per_call|$d_unit|$d_server|$d_prefix|$d_func|$d_rounds|$d_duration"
    p_max=$(calls_of "$base")
    for pace in $PACES; do
      awk -v m="$p_max" -v p="$pace" -v h="$PACE_HEADROOM" \
        'BEGIN { exit !(m >= p * h) }' || continue
      echo "$base-r$pace|$p_def|$pace|$p_rest" >>"$tmp/defs"
      measure "$base-r$pace"
    done
  done
}

# ---- the commands ---------------------------------------------------------

nt() { # PROFILE ARGS...: the CLI against the private run directory
  n_profile=$1
  shift
  logged $on_client "$NETIPC" --run-dir "$run" --profile "$n_profile" --verbose "$@"
}

cmd_floor() { # uds|shm
  if [ "$1" = uds ]; then
    logged floor_csv floor-uds "$tmp/floor-uds" "$DURATION"
  else
    logged floor_csv floor-shm "$tmp/floor-shm" 0 "$DURATION"
  fi
}

cmd_pp() { # TRANSPORT [OPTIONS]: bench ping-pong
  c_tr=$1
  shift
  nt "$c_tr" bench ping-pong --duration "$DURATION" "$@"
}

cmd_snap() { # TRANSPORT ITEMS [OPTIONS]: bench snapshot
  c_tr=$1 c_n=$2
  shift 2
  nt "$c_tr" --service "snap$c_n" bench snapshot --duration "$DURATION" "$@"
}

cmd_lookup() { # ITEMS hit|miss
  logged "$BENCH_LOOKUP" "$1" "$2" "$DURATION"
}

cmd_codec() { # METHOD KEYS KIND: the lookup codec and dispatch, no transport
  logged $on_client "$BENCH_CODEC" "$1" "$2" "$3" "$LK_DURATION"
}

cmd_lk() { # TRANSPORT METHOD KIND KEYS [OPTIONS]: logical lookups
  c_tr=$1 c_m=$2 c_kind=$3 c_keys=$4
  shift 4
  nt "$c_tr" --service "lk-$c_m-$c_kind" bench "$c_m-lookup" --keys "$c_keys" \
    --duration "$LK_DURATION" "$@"
}

cmd_memcpy() { # BYTES
  logged "$BENCH_MACHINE" memcpy "$1" "$DURATION"
}

cmd_pacer() { # --rate R
  logged "$BENCH_MACHINE" pacer "$2" "$DURATION"
}

upper() { echo "$1" | tr '[:lower:]' '[:upper:]'; }

transports() { # the transports this build has
  if [ "$HAVE_SHM" = yes ]; then echo uds shm; else echo uds; fi
}

# ---- the matrix -----------------------------------------------------------

# The goals compare UDS ping-pong and snapshot refresh with the UDS floor,
# SHM ping-pong with the spin floor: their rounds interleave.
# goal_points uds|shm FLOOR_LABEL: a transport's floor, ping-pong and
# small snapshot, interleaved, then their paced runs.
goal_points() {
  t=$1
  T=$(echo "$t" | tr '[:lower:]' '[:upper:]')
  define "floor-$t" "$2" floor "$t" 0 1 "round trips/s" - \
    "floor-$t" "cmd_floor $t"
  define "pp-$t" "$T ping-pong" ping-pong "$t" 0 1 "calls/s" "$inc" \
    "ping-pong-$t" "cmd_pp $t"
  define "snap$SNAP_SMALL-$t" "$T snapshot refresh ($SNAP_SMALL items)" \
    snapshot "$t" 0 1 "snapshots/s" "$snap_small" \
    "snapshot-$t-${SNAP_SMALL}items" "cmd_snap $t $SNAP_SMALL"
  measure "floor-$t" "pp-$t" "snap$SNAP_SMALL-$t"
  paced "pp-$t" "snap$SNAP_SMALL-$t"
}

run_goal_points() {
  goal_points uds "UDS SEQPACKET floor"
  [ "$HAVE_SHM" = yes ] || return 0
  goal_points shm "SHM pure-spin floor"
  define idle-shm "SHM ping-pong idle" idle shm "$IDLE_RATE" 1 "calls/s" \
    "$inc" ping-pong-shm "cmd_pp shm"
  measure idle-shm
}

run_batch_and_pipeline() {
  for tr in $(transports); do
    define "batch-$tr" "$(upper "$tr") batch ping-pong ($BATCH items)" batch \
      "$tr" 0 "$BATCH" "items/s" "$inc" "ping-pong-$tr-batch$BATCH" \
      "cmd_pp $tr --batch $BATCH"
    measure "batch-$tr"
    paced "batch-$tr"
  done
  define pipe-uds "UDS pipelining ($DEPTH in flight)" pipeline uds 0 1 \
    "calls/s" "$inc" "ping-pong-uds-depth$DEPTH" "cmd_pp uds --depth $DEPTH"
  measure pipe-uds
  paced pipe-uds
}

run_large_snapshots() {
  for tr in $(transports); do
    define "snap$SNAP_LARGE-$tr" \
      "$(upper "$tr") snapshot refresh ($SNAP_LARGE items)" snapshot "$tr" 0 \
      1 "snapshots/s" "$snap_large" "snapshot-$tr-${SNAP_LARGE}items" \
      "cmd_snap $tr $SNAP_LARGE"
    measure "snap$SNAP_LARGE-$tr"
    paced "snap$SNAP_LARGE-$tr"
  done
}

run_lookups() {
  for n in "$LOOKUP_SMALL" "$LOOKUP_LARGE"; do
    for kind in hit miss; do
      define "lookup$n-$kind" "L3 cache lookup ($n items $kind)" lookup \
        local 0 1 "lookups/s" - "cache-lookup-$n-$kind" "cmd_lookup $n $kind"
      measure "lookup$n-$kind"
    done
  done
}

# ---- the lookup methods (lookups.md 10) -----------------------------------

lk_plan() { # KEYS: the lookup plan for points of KEYS keys
  def_duration=$LK_DURATION
  if [ "$1" -ge "$LK_BIG" ]; then def_rounds=$LK_BIG_ROUNDS; else def_rounds=$LK_ROUNDS; fi
}

lk_plan_end() {
  def_rounds=$ROUNDS
  def_duration=$DURATION
}

# lookup_file cgroups|apps known|unknown|mixed FILE: the --from-file
# answers for the bench keys. known and unknown are one "*" line; mixed
# lists the even keys below LK_KEYS_MAX as known, then "*" unknown. An
# unknown item carries the empty values lookups.md 4.3/4.4 require
# (orchestrator unknown, ppid 0, uid unset "-", starttime 0, no strings).
lookup_file() {
  awk -v m="$1" -v kind="$2" -v max="$LK_KEYS_MAX" -v fmt="$LK_PATH_FMT" \
    -v base="$LK_PID_BASE" -v cg_orch="$LK_CG_ORCHESTRATOR" \
    -v cg_name="$LK_CG_NAME" -v cg_labels="$LK_CG_LABELS" \
    -v a_orch="$LK_APPS_ORCHESTRATOR" -v a_ppid="$LK_APPS_PPID" \
    -v a_uid="$LK_APPS_UID" -v a_start="$LK_APPS_STARTTIME" \
    -v a_comm="$LK_APPS_COMM" -v a_path="$LK_APPS_CGROUP_PATH" \
    -v a_name="$LK_APPS_CGROUP_NAME" -v a_labels="$LK_APPS_LABELS" '
    function tabs(list) { gsub(/ +/, "\t", list); return list }
    BEGIN {
      if (m == "cgroups") {
        known = "known\t" cg_orch "\t" cg_name "\t" tabs(cg_labels)
        unknown = "unknown-retry\tunknown\t"
      } else {
        known = "known\tknown\t" a_orch "\t" a_ppid "\t" a_uid "\t" a_start \
          "\t" a_comm "\t" a_path "\t" a_name "\t" tabs(a_labels)
        unknown = "unknown\tknown\tunknown\t0\t-\t0\t\t\t"
      }
      if (kind == "mixed")
        for (i = 0; i < max; i += 2)
          print (m == "cgroups" ? sprintf(fmt, i) : base + i) "\t" known
      print "*\t" (kind == "known" ? known : unknown)
    }' >"$3"
}

# One server per method and kind, started for the lookup points only.
lk_start_servers() {
  sp=uds
  [ "$HAVE_SHM" = yes ] && sp=shm
  lk_servers=""
  for m in $LK_METHODS; do
    for kind in $LK_KINDS; do
      lookup_file "$m" "$kind" "$tmp/lk-$m-$kind.tsv"
      start_server "lk-$m-$kind" --profile "$sp" --service "lk-$m-$kind" \
        serve "$m-lookup" --from-file "$tmp/lk-$m-$kind.tsv"
      eval "lk_server_${m}_$kind=$server_pid"
      lk_servers="$lk_servers $server_pid"
    done
  done
}

lk_stop_servers() {
  for p in $lk_servers; do kill "$p" 2>/dev/null; done
  for p in $lk_servers; do wait "$p" 2>/dev/null; done
}

run_lookup_codec() {
  for m in $LK_METHODS; do
    for n in $LK_KEYS; do
      lk_plan "$n"
      for kind in $LK_KINDS; do
        define "codec-$m-$n-$kind" \
          "$(upper "$m")_LOOKUP codec ($n keys $kind)" lookup-codec local 0 \
          1 "requests/s" - "lookup-codec-$m-$n-$kind" "cmd_codec $m $n $kind"
        measure "codec-$m-$n-$kind"
      done
    done
  done
  lk_plan_end
}

# Every call point at max rate, then paced at LK_PACE calls/s whatever
# the max rate was: a point whose calls take longer than the pacing
# interval shows what it achieved.
run_lookup_calls() {
  lk_start_servers
  for m in $LK_METHODS; do
    for tr in $(transports); do
      for n in $LK_KEYS; do
        lk_plan "$n"
        for kind in $LK_KINDS; do
          lk_base="lk-$m-$tr-$n-$kind"
          srv=$(eval echo "\$lk_server_${m}_$kind")
          for rate in 0 "$LK_PACE"; do
            # The CLI names the keys and the pace it ran, not the transport
            # (one_round checks that through --verbose).
            lk_id=$lk_base scenario="$m-lookup-$n"
            [ "$rate" = 0 ] || lk_id="$lk_base-r$rate" scenario="$scenario-rate$rate"
            define "$lk_id" "$(upper "$tr") $(upper "$m")_LOOKUP ($n keys $kind)" \
              lookup-call "$tr" "$rate" "$n" "keys/s" "$srv" "$scenario," \
              "cmd_lk $tr $m $kind $n"
            measure "$lk_id"
          done
        done
      done
    done
  done
  lk_plan_end
  lk_stop_servers
}

run_machine() {
  snap_bytes=$(awk -F, -v id="snap$SNAP_LARGE-uds" '$1 == id { print $8 }' "$tmp/points.csv")
  [ -n "$snap_bytes" ] || die "no payload size for the $SNAP_LARGE-item snapshot"
  define memcpy-snap "memcpy of one $SNAP_LARGE-item payload" machine local \
    0 "$snap_bytes" "bytes/s" - memcpy- "cmd_memcpy $snap_bytes"
  define memcpy-large "memcpy of 64 MiB" machine local 0 "$MEMCPY_LARGE" \
    "bytes/s" - memcpy- "cmd_memcpy $MEMCPY_LARGE"
  measure memcpy-snap memcpy-large
  for rate in $PACES "$IDLE_RATE"; do
    define "pacer-r$rate" "pacer alone (no call)" machine local "$rate" 1 \
      "wake-ups/s" - pacer- cmd_pacer
    measure "pacer-r$rate"
  done
}

start_servers() {
  bench_set "$SNAP_SMALL" "$tmp/snap$SNAP_SMALL.tsv"
  bench_set "$SNAP_LARGE" "$tmp/snap$SNAP_LARGE.tsv"
  sp=uds
  [ "$HAVE_SHM" = yes ] && sp=shm
  start_server increment --profile "$sp" serve increment
  inc=$server_pid
  for n in "$SNAP_SMALL" "$SNAP_LARGE"; do
    start_server "snap$n" --profile "$sp" --service "snap$n" serve \
      cgroups-snapshot --from-file "$tmp/snap$n.tsv"
    if [ "$n" = "$SNAP_SMALL" ]; then snap_small=$server_pid; else snap_large=$server_pid; fi
  done
}

# ---- outputs --------------------------------------------------------------

rounds_of() { # N: "N round(s)"
  if [ "$1" = 1 ]; then echo "1 round"; else echo "$1 rounds"; fi
}

meta() { # the run's description, one "key: value" line each
  commit=unknown
  if command -v git >/dev/null 2>&1 &&
    c=$(git -C "$SRCDIR" rev-parse --short HEAD 2>/dev/null); then
    commit=$c
    git -C "$SRCDIR" diff --quiet HEAD -- lib include tools 2>/dev/null ||
      commit="$c (with uncommitted changes in lib/, include/ or tools/)"
  fi
  model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
  echo "machine: $(uname -srm), $(nproc 2>/dev/null || echo '?') cores, ${model:-unknown CPU}"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $commit"
  echo "version: ${BENCH_VERSION:-unknown}"
  echo "compiler: $($CC --version 2>/dev/null | head -n 1)"
  echo "cflags: ${BENCH_CFLAGS:-} ${BENCH_NETIPC_CFLAGS:-}"
  echo "floors: floor-uds.c and floor-shm.c of $(cd "$LIMITS_DIR" && pwd -P), built with $CC $FLOOR_CFLAGS"
  echo "plan: $ROUNDS rounds of $DURATION s"
  echo "lookup plan: $(rounds_of "$LK_ROUNDS") of $LK_DURATION s per point below $LK_BIG keys, $(rounds_of "$LK_BIG_ROUNDS") from $LK_BIG keys; every call point also paced at $LK_PACE calls/s"
  echo "placement: $placement"
  echo "duration: $(($(date +%s) - started)) s"
}

# results.csv: the points plus what follows from them (calls/s, CPU per
# call, ratio to the floor of the same transport, MB/s).
write_results() {
  {
    meta | sed 's/^/# /'
    echo "id,scenario,group,transport,rate_target_per_s,items_per_call,unit,rounds,duration_s,throughput_per_s,throughput_min,throughput_max,calls_per_s,p50_us,p95_us,p99_us,client_cpu_pct,server_cpu_pct,client_cpu_us_per_call,server_cpu_us_per_call,floor_ratio,bytes_per_call,mb_per_s,extensions"
    awk -F, '
      function per_call(cpu) { return cpu == "" || calls <= 0 ? "" : sprintf("%.4g", cpu / 100 / calls * 1e6) }
      { row[NR] = $0; if ($3 == "floor") floor[$4] = $9 }
      END {
        for (i = 1; i <= NR; i++) {
          split(row[i], f, ",")
          calls = f[9] / f[6]
          ratio = ""
          if (f[5] == 0 && f[3] != "floor" && (f[4] in floor) && floor[f[4]] > 0)
            ratio = sprintf("%.3f", calls / floor[f[4]])
          mb = ""
          if (f[8] != "") mb = sprintf("%.1f", f[9] * f[8] / 1e6)
          if (f[7] == "bytes/s") mb = sprintf("%.1f", f[9] / 1e6)
          bytes = f[7] == "bytes/s" ? f[6] : f[8]
          printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%.0f,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n",
            f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[18], f[19], f[9], f[10], f[11],
            calls, f[12], f[13], f[14], f[15], f[16], per_call(f[15]), per_call(f[16]),
            ratio, bytes, mb, f[17]
        }
      }' "$tmp/points.csv"
  } >"$tmp/results.csv"
}

# lk_chart_data: keys/s at max rate by keys per call, mixed answers: one
# row per key count; per method a column for UDS, SHM and the codec
# (requests/s times keys); headers quoted, "NaN" where nothing ran.
lk_chart_data() {
  awk -F, -v keys="$LK_KEYS" -v methods="$LK_METHODS" -v trs="uds shm" '
    !/^#/ && $1 != "id" && $5 == 0 {
      split($1, f, "-")
      if ($3 == "lookup-codec" && f[4] == "mixed") v[f[2], "codec", f[3]] = $10 * f[3]
      if ($3 == "lookup-call" && f[5] == "mixed") v[f[2], f[3], f[4]] = $10
    }
    END {
      nk = split(keys, k, " "); nm = split(methods, m, " "); nt = split(trs, t, " ")
      t[++nt] = "codec"
      line = "\"keys\""
      for (i = 1; i <= nm; i++)
        for (j = 1; j <= nt; j++)
          line = line "\t\"" toupper(m[i]) "_LOOKUP " (t[j] == "codec" ? "codec, no transport" : toupper(t[j])) "\""
      print line
      for (r = 1; r <= nk; r++) {
        line = k[r]
        for (i = 1; i <= nm; i++)
          for (j = 1; j <= nt; j++)
            line = line "\t" (((m[i], t[j], k[r]) in v) ? v[m[i], t[j], k[r]] : "NaN")
        print line
      }
    }' "$tmp/results.csv"
}

# The chart data (tab-separated, labels quoted) and the charts.
write_charts() {
  command -v "$GNUPLOT" >/dev/null 2>&1 || return 0
  awk -F, '
    function short(r) { return r % 1000 ? r : r / 1000 "k" }
    !/^#/ && $1 != "id" {
      label = $2; if ($5 > 0) label = label " " short($5) "/s"
      ipc = $3 != "floor" && $3 !~ /^lookup/ && $3 != "machine"
      if (ipc && $5 == 0)
        printf "\"%s\"\t%s\t%s\n", label, $4, $13 > thr
      if (ipc)
        printf "\"%s\"\t%s\t%s\t%s\n", label, $4, $14, $16 > lat
      if ($1 == "floor-uds") print $13 > uds
      if ($1 == "floor-shm") print $13 > shm
    }' thr="$tmp/thr.dat" lat="$tmp/lat.dat" uds="$tmp/floor-uds.val" \
    shm="$tmp/floor-shm.val" "$tmp/results.csv"
  fu=$(cat "$tmp/floor-uds.val" 2>/dev/null || echo 0)
  fs=$(cat "$tmp/floor-shm.val" 2>/dev/null || echo 0)
  lk_chart_data >"$tmp/lookups.dat"
  lk_series=$(awk -F'\t' 'NR == 1 { print NF - 1 }' "$tmp/lookups.dat")
  "$GNUPLOT" -e "thr='$tmp/thr.dat'; lat='$tmp/lat.dat'; lk='$tmp/lookups.dat'; lk_series=$lk_series; out='$tmp/benchmarks'; floor_uds=$fu; floor_shm=$fs" \
    "$SRCDIR/bench/charts.gp" 2>"$tmp/gnuplot.err" || {
    cat "$tmp/gnuplot.err" >&2
    die "gnuplot failed"
  }
}

write_report() {
  prev=$tmp/previous.csv
  [ -f "$OUT_CSV" ] && cp "$OUT_CSV" "$prev"
  meta >"$tmp/meta.txt"
  charts=no
  [ -f "$tmp/benchmarks-throughput.png" ] && charts=yes
  lk_chart=no
  [ -f "$tmp/benchmarks-lookups.png" ] && lk_chart=yes
  awk -f "$SRCDIR/bench/report.awk" -v meta="$tmp/meta.txt" \
    -v notes="$NOTES" -v previous="$prev" -v charts="$charts" \
    -v lk_chart="$lk_chart" \
    -v have_shm="$HAVE_SHM" "$tmp/results.csv" >"$tmp/benchmarks.md" ||
    die "report generation failed"
}

# Only a complete run replaces the outputs; charts of an older run go.
install_outputs() {
  for c in throughput latency lookups; do
    drawn=$charts
    [ "$c" != lookups ] || drawn=$lk_chart
    for f in png svg; do
      rm -f "$CHART_BASE-$c.$f"
      [ "$drawn" = no ] || cp "$tmp/benchmarks-$c.$f" "$CHART_BASE-$c.$f" ||
        die "cannot write $CHART_BASE-$c.$f"
    done
  done
  cp "$tmp/results.csv" "$OUT_CSV" && cp "$tmp/benchmarks.md" "$OUT_MD" ||
    die "cannot write $OUT_CSV or $OUT_MD"
}

# ---- main -----------------------------------------------------------------

lk_rounds=$((LK_POINTS_SMALL * LK_ROUNDS + LK_POINTS_BIG * LK_BIG_ROUNDS))
echo "bench: $ROUNDS rounds of $DURATION s per point, about $POINTS_ESTIMATE points," \
  "and $lk_rounds lookup rounds of $LK_DURATION s:" \
  "$(((POINTS_ESTIMATE * ROUNDS * (DURATION * 10 + ROUND_OVERHEAD_DS) + lk_rounds * (LK_DURATION * 10 + ROUND_OVERHEAD_DS) + 599) / 600)) minutes"
build_floors
start_servers
: >"$tmp/rounds.csv"
: >"$tmp/points.csv"
: >"$tmp/defs"
run_goal_points
run_batch_and_pipeline
run_large_snapshots
run_lookups
run_lookup_codec
run_lookup_calls
run_machine
write_results
write_charts
write_report
install_outputs
echo "bench: $npoint points in $(($(date +%s) - started)) s; wrote $OUT_MD and $OUT_CSV"
if [ "$charts" = yes ]; then
  echo "bench: charts $CHART_BASE-throughput.{png,svg}, $CHART_BASE-latency.{png,svg}," \
    "$CHART_BASE-lookups.{png,svg}"
else
  echo "bench: $GNUPLOT not found, no charts: install gnuplot (apt-get install gnuplot-nox) and re-run make bench"
fi
exit 0
