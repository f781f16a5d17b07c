#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Generate configure and friends. On a fresh Debian machine, as root, it
# installs the packages a build from git needs (the autotools, the
# autoconf-archive macros, a C compiler, make, pkg-config); elsewhere it
# names the missing packages and exits 1.
set -e
cd "$(dirname "$0")"

# The autoconf-archive macros configure.ac and m4/netipc-*.m4 use. They are
# not copied into the repository: the package is a build dependency.
ARCHIVE_MACROS="AX_PTHREAD AX_APPEND_COMPILE_FLAGS AX_CHECK_COMPILE_FLAG
AX_APPEND_FLAG AX_REQUIRE_DEFINED"

# Succeeds when aclocal can find every macro in $ARCHIVE_MACROS: its system
# directory, the directories in its dirlist file and ACLOCAL_PATH.
have_archive_macros() {
  command -v aclocal >/dev/null 2>&1 || return 1
  acdir=$(aclocal --print-ac-dir) || return 1
  dirs="$acdir"
  if [ -r "$acdir/dirlist" ]; then
    dirs="$dirs $(cat "$acdir/dirlist")"
  fi
  dirs="$dirs $(printf '%s' "${ACLOCAL_PATH:-}" | tr ':' ' ')"
  for macro in $ARCHIVE_MACROS; do
    found=no
    for dir in $dirs; do
      [ -d "$dir" ] || continue
      if grep -qs "^AC_DEFUN(\[$macro\]" "$dir"/*.m4; then
        found=yes
        break
      fi
    done
    [ "$found" = yes ] || return 1
  done
  return 0
}

need=""
command -v autoreconf >/dev/null 2>&1 || need="$need autoconf"
command -v automake >/dev/null 2>&1 || need="$need automake"
command -v libtoolize >/dev/null 2>&1 || need="$need libtool"
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
command -v make >/dev/null 2>&1 || need="$need make"
command -v cc >/dev/null 2>&1 || need="$need gcc"
have_archive_macros || need="$need autoconf-archive"

if [ -n "$need" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "autogen.sh: installing:$need"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
    if ! have_archive_macros; then
      echo "autogen.sh: aclocal still cannot find the macros:" \
        "$ARCHIVE_MACROS" >&2
      exit 1
    fi
  else
    echo "autogen.sh: missing tools; install the packages:$need" >&2
    exit 1
  fi
fi

autoreconf -fi
