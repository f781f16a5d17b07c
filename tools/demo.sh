#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's main job: serve this machine's own cgroups with the netipc
# CLI in the background, read them back through the client cache (TSV and
# JSON), look one item up, then stop the server. Run from the build tree.
set -eu
netipc=${NETIPC:-./tools/netipc}
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/netipc-demo.XXXXXX")
out="$run_dir/server.out"
server=

cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$run_dir"
}
trap cleanup EXIT INT TERM

"$netipc" --run-dir "$run_dir" serve cgroups-snapshot >"$out" &
server=$!
tries=0
until grep -q '^READY$' "$out" 2>/dev/null; do
  tries=$((tries + 1))
  if [ "$tries" -gt 100 ] || ! kill -0 "$server" 2>/dev/null; then
    echo "demo: the server did not start" >&2
    exit 1
  fi
  sleep 0.05
done

echo "== netipc snapshot (this machine's cgroups, via the client cache)"
"$netipc" --run-dir "$run_dir" --verbose snapshot
echo
echo "== netipc snapshot --json (first 300 bytes)"
"$netipc" --run-dir "$run_dir" snapshot --json | head -c 300
echo
first=$("$netipc" --run-dir "$run_dir" snapshot | sed -n '2p' | cut -f4)
if [ -n "$first" ] && "$netipc" --help | grep -q ' lookup '; then
  echo
  echo "== netipc lookup --name '$first'"
  "$netipc" --run-dir "$run_dir" lookup --name "$first"
fi
echo
echo "== netipc call increment 41"
kill "$server"; wait "$server" 2>/dev/null || true
server=
"$netipc" --run-dir "$run_dir" serve increment >"$out" &
server=$!
until grep -q '^READY$' "$out" 2>/dev/null; do sleep 0.05; done
"$netipc" --run-dir "$run_dir" call increment 41
