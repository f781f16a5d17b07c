#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# win-run.sh - the LOG_COMPILER of a Windows build (tests/windows.am): run
# one test program, through Wine when the first argument names it, and
# pass its TAP output to the driver without carriage returns. A MinGW
# program's stdout is in text mode, so every line ends in CR LF, and the
# TAP driver would not recognise "1..n\r" as a plan. The program's exit
# status is kept (the driver fails a test that exits non-zero).
#
# Usage: win-run.sh [wine] program.exe [args...]
exec 3>&1
status=$( { { "$@"; echo $? >&4; } | tr -d '\r' >&3; } 4>&1 )
exec 3>&-
exit "${status:-1}"
