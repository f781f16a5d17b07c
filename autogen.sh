#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Generate configure and friends. On a fresh Debian machine, as root, it
# installs the autotools it needs; elsewhere it names the missing packages.
set -e
cd "$(dirname "$0")"

need=""
command -v autoreconf >/dev/null 2>&1 || need="$need autoconf"
command -v automake >/dev/null 2>&1 || need="$need automake"
command -v libtoolize >/dev/null 2>&1 || need="$need libtool"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
command -v make >/dev/null 2>&1 || need="$need make"
command -v cc >/dev/null 2>&1 || need="$need gcc"

if [ -n "$need" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "autogen.sh: installing:$need"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
  else
    echo "autogen.sh: missing tools; install the packages:$need" >&2
    exit 1
  fi
fi

autoreconf -fi
