# SPDX-License-Identifier: GPL-3.0-or-later
# charts.gp: the charts of doc/benchmarks.md, called by bench/run-bench.sh:
#   gnuplot -e "thr='F'; lat='F'; lk='F'; lk_series=N; out='BASE'; floor_uds=N; floor_shm=N" charts.gp
# thr: "label"<TAB>transport<TAB>calls/s of every max-rate scenario;
# lat: "label"<TAB>transport<TAB>p50<TAB>p99 in microseconds;
# lk (optional): a quoted header line, then keys per call<TAB>keys/s of
# each of lk_series series (NaN: not measured).
# Writes BASE-throughput.{png,svg}, BASE-latency.{png,svg} and, with lk,
# BASE-lookups.{png,svg}.

width = 1100
height = 640
uds_bar = 0x4477aa
shm_bar = 0xee7733
p99_bar = 0xcc6677
uds_line = "#4477aa"
shm_line = "#ee7733"
bar_width = 0.7
half = bar_width / 2
value_lift = 1.35 # value labels sit this factor above their bar (log axis)

color(t) = (t eq "shm" ? shm_bar : uds_bar)

set termoption noenhanced
set datafile separator "\t"
set style fill solid 0.85 border -1
set logscale y
set format y "%.0s%c"
set grid ytics mytics
set xtics rotate by 40 right nomirror font ",9"
set key top left opaque
set bmargin 12
set lmargin 10
set offsets 0.6, 0.6, 0, 0

# The floors as horizontal lines across the throughput chart.
if (floor_uds > 0) {
  set arrow 1 from graph 0, first floor_uds to graph 1, first floor_uds nohead dt 2 lw 2 lc rgb uds_line front
  set label 1 "UDS SEQPACKET floor ".gprintf("%.2s%c/s", floor_uds) at graph 0.99, first floor_uds right offset 0, 0.7 tc rgb uds_line front
}
if (floor_shm > 0) {
  set arrow 2 from graph 0, first floor_shm to graph 1, first floor_shm nohead dt 2 lw 2 lc rgb shm_line front
  set label 2 "SHM pure-spin floor ".gprintf("%.2s%c/s", floor_shm) at graph 0.99, first floor_shm right offset 0, 0.7 tc rgb shm_line front
}

do for [fmt in "png svg"] {
  if (fmt eq "png") {
    set terminal pngcairo size width, height font "sans,10"
  } else {
    set terminal svg size width, height dynamic font "sans,10"
  }
  set output out . "-throughput." . fmt
  set title "netipc: calls per second at max rate (median of rounds; log scale; dashed: floors)"
  set ylabel "calls (round trips) per second"
  set boxwidth bar_width
  plot thr using 0:3:(color(strcol(2))):xtic(1) with boxes lc rgb variable notitle, \
       '' using 0:($3 * value_lift):(gprintf("%.1s%c", $3)) with labels font ",8" notitle, \
       NaN with boxes lc rgb uds_line title "UDS", \
       NaN with boxes lc rgb shm_line title "SHM"
  unset output
}

unset arrow 1
unset arrow 2
unset label 1
unset label 2
set format y "%g"

do for [fmt in "png svg"] {
  if (fmt eq "png") {
    set terminal pngcairo size width, height font "sans,10"
  } else {
    set terminal svg size width, height dynamic font "sans,10"
  }
  set output out . "-latency." . fmt
  set title "netipc: latency per call, p50 (transport colour) and p99 (median of rounds; log scale)"
  set ylabel "microseconds"
  set key top left
  set boxwidth half
  plot lat using ($0 - half / 2):3:(color(strcol(2))):xtic(1) with boxes lc rgb variable notitle, \
       '' using ($0 + half / 2):4 with boxes lc rgb p99_bar title "p99", \
       NaN with boxes lc rgb uds_line title "p50 UDS", \
       NaN with boxes lc rgb shm_line title "p50 SHM"
  unset output
}

# Lookups: keys per second by keys per logical call. lk has lk_series
# columns after the keys: per method, UDS, SHM and the codec benchmark
# (no transport); colour by transport, CGROUPS_LOOKUP solid, APPS dashed.
if (exists("lk")) {
  if (!exists("lk_series")) {
    lk_series = 6
  }
  per_method = 3
  series_colour(c) = word("#4477aa #ee7733 #228833", (c - 2) % per_method + 1)
  series_dash(c) = (c - 2) / per_method + 1
  series_point(c) = (c - 2) / per_method ? 5 : 7
  unset logscale
  set logscale xy
  set format x "%g"
  set format y "%.0s%c"
  set xtics rotate by 0 center nomirror font ",10" # at the key counts (xtic)
  set bmargin 4
  set offsets 0, 0, 0, 0
  set key inside top left opaque
  do for [fmt in "png svg"] {
    if (fmt eq "png") {
      set terminal pngcairo noenhanced size width, height font "sans,10"
    } else {
      set terminal svg noenhanced size width, height dynamic font "sans,10"
    }
    set output out . "-lookups." . fmt
    set title "netipc lookups: keys per second at max rate, mixed answers (median of rounds; log scales)"
    set xlabel "keys per logical call"
    set ylabel "keys per second"
    plot for [c=2:lk_series + 1] lk using 1:c:xtic(1) with linespoints title columnheader(c) \
         lw 2 pt series_point(c) dt series_dash(c) lc rgb series_colour(c)
    unset output
  }
}
