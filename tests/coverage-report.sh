#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# make coverage / make coverage-check (top-level Makefile.am): read an lcov
# tracefile (already restricted to lib/) and
#
#   coverage-report.sh report INFO PREFIX
#       print one line per source file, worst line coverage first (ties:
#       worst branch coverage first), then the lib/ totals;
#   coverage-report.sh check INFO MIN_LINES MIN_BRANCHES
#       print the lib/ totals and exit 1 when lines % < MIN_LINES or
#       branches % < MIN_BRANCHES (both in percent, decimals allowed).
#
# The figures come from the tracefile's own LF/LH/BRF/BRH records, so they
# do not depend on the wording of `lcov --summary`, which differs between
# lcov 1.x and 2.x. A tracefile without lines (wrong capture directory, a
# build without --enable-coverage) is an error, never a pass.
set -eu

usage() {
  echo "usage: $0 report INFO PREFIX | check INFO MIN_LINES MIN_BRANCHES" >&2
  exit 2
}

[ $# -ge 2 ] || usage
mode=$1
info=$2
if [ ! -r "$info" ]; then
  echo "coverage: $info not found; run 'make coverage' first" >&2
  exit 1
fi

# One record per file: "path LH LF BRH BRF" (sums, so a file that appears
# in several records of the tracefile still counts once per line).
per_file() {
  awk '
    /^SF:/   { sf = substr($0, 4); files[sf] = 1 }
    /^LF:/   { lf[sf] += substr($0, 4) }
    /^LH:/   { lh[sf] += substr($0, 4) }
    /^BRF:/  { brf[sf] += substr($0, 5) }
    /^BRH:/  { brh[sf] += substr($0, 5) }
    END { for (f in files) printf "%s %d %d %d %d\n", f, lh[f], lf[f], brh[f], brf[f] }
  ' "$info"
}

# "pct" of hit/found; a file with no branches is 100 % covered in branches.
totals() {
  per_file | awk '
    { lh += $2; lf += $3; brh += $4; brf += $5 }
    END {
      lp = lf ? 100.0 * lh / lf : 0
      bp = brf ? 100.0 * brh / brf : 100
      printf "%d %d %.2f %d %d %.2f\n", lh, lf, lp, brh, brf, bp
    }'
}

case $mode in
report)
  [ $# -eq 3 ] || usage
  prefix=$3
  echo "coverage of lib/ per file (worst first):"
  printf '  %-46s %17s %17s\n' file lines branches
  per_file | awk -v prefix="$prefix" '
    {
      f = $1
      if (index(f, prefix) == 1) f = substr(f, length(prefix) + 1)
      lp = $3 ? 100.0 * $2 / $3 : 100
      bp = $5 ? 100.0 * $4 / $5 : 100
      printf "%08.3f %08.3f   %-46s %5d/%-5d %5.1f%% %5d/%-5d %5.1f%%\n", \
        lp, bp, f, $2, $3, lp, $4, $5, bp
    }' | sort | cut -c21- | sed 's/^/  /'
  set -- $(totals)
  printf '  %-46s %5d/%-5d %5.1f%% %5d/%-5d %5.1f%%\n' "lib/ total" \
    "$1" "$2" "$3" "$4" "$5" "$6"
  echo "coverage: lib/ lines $3 % ($1 of $2), branches $6 % ($4 of $5)"
  ;;
check)
  [ $# -eq 4 ] || usage
  min_lines=$3
  min_branches=$4
  set -- $(totals)
  if [ "$2" -eq 0 ]; then
    echo "coverage: $info has no lines of lib/" >&2
    exit 1
  fi
  echo "coverage: lib/ lines $3 % (goal $min_lines %), branches $6 % (goal $min_branches %)"
  status=0
  if awk -v v="$3" -v m="$min_lines" 'BEGIN { exit !(v < m) }'; then
    echo "coverage: FAIL: lib/ line coverage $3 % is below $min_lines %" >&2
    status=1
  fi
  if awk -v v="$6" -v m="$min_branches" 'BEGIN { exit !(v < m) }'; then
    echo "coverage: FAIL: lib/ branch coverage $6 % is below $min_branches %" >&2
    status=1
  fi
  exit $status
  ;;
*)
  usage
  ;;
esac
