#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The clean-root stage of .ci/run: proves on a pristine Debian that
#  1. the README's two Quick start commands, taken from README.md as
#     printed, pass on a minimal system that has nothing else installed;
#  2. debian/ builds with dpkg-buildpackage from the release tarball after
#     installing only the Build-Depends, and lintian finds no error or
#     warning in the result;
#  3. the built packages install with apt-get and pass debian/tests
#     (autopkgtest) on a system that has nothing else installed.
# Each step runs in its own copy of one debootstrap --variant=minbase root
# made under the build tree; nothing is cached between runs and everything
# is removed at the end. Needs root, debootstrap and ../shared.
#
# Usage: .ci/clean-root.sh [WORKDIR]   (default: _build-root in the project)
# WORKDIR must not exist yet or be one this script made (it holds
# $marker); it is removed at the end. NETIPC_CI_MIRROR overrides the
# Debian mirror that apt on this machine uses.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd -P)
work=$(realpath -m -- "${1:-$top/_build-root}")
marker=.netipc-clean-root
suite=bookworm
shared=$top/../shared
# Inside every root: the project and ../shared beside it, as in a checkout.
inroot_dir=/build
inroot_src=$inroot_dir/netipc
root_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

step() { printf -- '--- %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }
die() { echo "clean-root: $*" >&2; exit 1; }

# The Debian mirror this machine's apt uses for $suite, as apt itself
# reports it (needs the lists of an 'apt-get update'); a mirror+file: or
# mirror: URI is not understood by debootstrap, so it is resolved to the
# first mirror the list names.
apt_mirror() {
  local uri
  uri=$(apt-get indextargets --format '$(REPO_URI)' 'Origin: Debian' \
    "Codename: $suite" 'Created-By: Packages' 2>/dev/null | sed -n 1p)
  [ -n "$uri" ] || uri=$(apt_sources_mirror | sed -n 1p)
  case "$uri" in
    mirror+file:*) sed -n '/^[a-z]*:/{s/[[:space:]].*//;p;q}' "${uri#mirror+file:}" ;;
    *) printf '%s\n' "$uri" ;;
  esac
}

# Fallback when apt has no lists yet: the first URI of an enabled deb822
# stanza (sources.list.d/*.sources) or one-line entry (sources.list,
# sources.list.d/*.list) whose suites include $suite.
apt_sources_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    awk -v suite="$suite" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") &&
            enabled != "no" && uris != "" && !done) { split(uris, u, " "); print u[1]; done = 1 }
        types = suites = uris = ""; enabled = "yes"
      }
      BEGIN { enabled = "yes" }
      /^#/ { next }
      /^[ \t]*$/ { flush(); next }
      { key = tolower($1); $1 = ""; sub(/^ +/, "")
        if (key == "types:") types = $0
        else if (key == "suites:") suites = $0
        else if (key == "uris:") uris = $0
        else if (key == "enabled:") enabled = ($0 ~ /^(no|false)$/) ? "no" : "yes" }
      END { flush() }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -r "$f" ] || continue
    awk -v suite="$suite" '
      $1 == "deb" { i = 2; if ($i ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
                    if ($(i + 1) == suite) { print $i; exit } }' "$f"
  done
}

# Kills the processes whose root directory lies inside $1 (a server left
# behind), again until none is left (one may fork while we scan).
kill_inside() {
  local p r found pass
  for pass in 1 2 3 4 5 6 7 8 9 10; do
    found=no
    for p in /proc/[0-9]*; do
      r=$(readlink "$p/root" 2>/dev/null) || continue
      case "$r" in
        "$1" | "$1"/*) kill -9 "${p#/proc/}" 2>/dev/null || true; found=yes ;;
      esac
    done
    [ "$found" = yes ] || return 0
    sleep 0.2
  done
}

mount_root() {
  local r=$1
  mount -t proc proc "$r/proc"
  mount --rbind /sys "$r/sys"
  mount --make-rslave "$r/sys"
  mount -t tmpfs -o mode=1777 tmpfs "$r/dev/shm"
  mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$r/dev/pts"
  cp -L /etc/resolv.conf "$r/etc/resolv.conf" 2>/dev/null || true
}

# Unmounts everything below $1, deepest first; fails if anything stays.
unmount_below() {
  local r=$1 m
  kill_inside "$r"
  awk -v r="$r" '$5 == r || index($5, r "/") == 1 { print $5 }' \
    /proc/self/mountinfo | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
  if awk -v r="$r" '$5 == r || index($5, r "/") == 1 { f = 1 } END { exit !f }' \
    /proc/self/mountinfo; then
    die "still mounted below $r; not removing it"
  fi
}

cleanup() {
  [ -d "$work" ] || return 0
  [ -e "$work/$marker" ] || die "$work was not made by this script; not removing it"
  unmount_below "$work"
  rm -rf --one-file-system "$work"
}

# Runs a shell command in root $1 with a clean environment (but for the
# proxy variables, so apt reaches the mirror the way it does out here).
in_root() {
  local r=$1 v
  local -a pass=()
  shift
  for v in http_proxy https_proxy no_proxy; do
    [ -z "${!v:-}" ] || pass+=("$v=${!v}")
  done
  chroot "$r" /usr/bin/env -i PATH="$root_path" HOME=/root LANG=C.UTF-8 \
    TERM=dumb DEBIAN_FRONTEND=noninteractive "${pass[@]}" /bin/sh -ec "$*"
}

# A copy of the base root, mounted, with the checkout and ../shared in it.
new_root() {
  local r=$work/$1
  cp -a "$work/base" "$r"
  mount_root "$r"
  mkdir -p "$r$inroot_src"
  # The tracked files as they are in the work tree (a fresh clone in CI).
  (cd "$top" && git ls-files -z |
    xargs -0 sh -c 'for f; do [ ! -e "$f" ] || printf "%s\0" "$f"; done' sh |
    tar --null -T - -cf -) | tar -C "$r$inroot_src" -xf -
  mkdir -p "$r$inroot_dir/shared"
  cp -a "$shared/." "$r$inroot_dir/shared/"
}

# The README's Quick start commands: the indented lines of that section,
# exactly two (the main job, then the tests).
readme_commands() {
  awk '/^## / { inside = ($0 == "## Quick start") ; next }
       inside && /^    [^ ]/ { sub(/^    /, ""); print }' "$top/README.md"
}

# configure.ac, the public header, NEWS and debian/changelog name the
# same upstream version.
check_versions() {
  local ac hdr news deb
  ac=$(sed -n 's/^AC_INIT(\[netipc\], \[\([^]]*\)\].*/\1/p' "$top/configure.ac")
  hdr=$(for part in MAJOR MINOR PATCH; do
    sed -n "s/^#define NETIPC_VERSION_$part \\([0-9]*\\)$/\\1/p" \
      "$top/include/netipc/common.h"
  done | paste -sd.)
  news=$(sed -n 's/^\* Noteworthy changes in release \([^ ]*\).*/\1/p' \
    "$top/NEWS" | head -n 1)
  deb=$(sed -n '1s/^netipc (\([^)-]*\)-[^)]*).*/\1/p' "$top/debian/changelog")
  echo "versions: configure.ac $ac, common.h $hdr, NEWS $news," \
    "debian/changelog $deb"
  [ -n "$ac" ] && [ "$ac" = "$hdr" ] && [ "$ac" = "$news" ] &&
    [ "$ac" = "$deb" ] ||
    die "configure.ac, common.h, NEWS and debian/changelog disagree on the version"
}

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, mount, chroot)"
case "$work" in
  / | "$top" | *[[:space:]]*) die "refusing work directory '$work'" ;;
  "$top"/*) ;;
  *) case "$top/" in "$work"/*) die "refusing work directory '$work'" ;; esac ;;
esac
command -v debootstrap >/dev/null || die "needs debootstrap"
[ -d "$shared" ] || die "needs $shared beside the project"
check_versions

mapfile -t commands < <(readme_commands)
[ "${#commands[@]}" = 2 ] ||
  die "README.md's Quick start should show two commands, found ${#commands[@]}"

mirror=${NETIPC_CI_MIRROR:-$(apt_mirror | sed -n 1p)}
[ -n "$mirror" ] || die "no $suite mirror in this machine's apt sources"

cleanup
trap cleanup EXIT
mkdir -p "$work"
: >"$work/$marker"

step "debootstrap --variant=minbase $suite"
debootstrap --variant=minbase "$suite" "$work/base" "$mirror" \
  >"$work/debootstrap.log" 2>&1 || { cat "$work/debootstrap.log"; exit 1; }
# No package may start a service inside the roots (invoke-rc.d asks this).
printf '#!/bin/sh\nexit 101\n' >"$work/base/usr/sbin/policy-rc.d"
chmod 0755 "$work/base/usr/sbin/policy-rc.d"

# 1. The README, as a new user on a fresh machine runs it.
new_root readme
for c in "${commands[@]}"; do
  step "README: $c"
  in_root "$work/readme" "cd $inroot_src && $c"
done
step "make dist (the release tarball)"
in_root "$work/readme" "cd $inroot_src && make dist >/dev/null && ls netipc-*.tar.gz"
tarball=$(cd "$work/readme$inroot_src" && ls netipc-*.tar.gz)
version=${tarball#netipc-}
version=${version%.tar.gz}

# 2. The Debian source package, built with its Build-Depends only.
new_root pkg
pkgdir=$inroot_dir/pkg
mkdir -p "$work/pkg$pkgdir"
cp "$work/readme$inroot_src/$tarball" "$work/pkg$pkgdir/netipc_$version.orig.tar.gz"
step "dpkg-buildpackage -us -uc"
in_root "$work/pkg" "
  cd $pkgdir && tar -xzf netipc_$version.orig.tar.gz
  cp -a $inroot_src/debian netipc-$version/
  cd netipc-$version
  apt-get update -qq
  apt-get build-dep -y -qq ./ >/dev/null
  dpkg-buildpackage -us -uc"
step "lintian"
in_root "$work/pkg" "
  apt-get install -y -qq --no-install-recommends lintian >/dev/null
  cd $pkgdir && lintian --version
  lintian --fail-on error,warning --display-info --info netipc_*.changes"

# 3. On a fresh system: the release tarball builds and passes its tests
#    with a compiler and make only (README, Requirements); then the
#    packages installed with apt-get, and debian/tests run by autopkgtest
#    itself (its null runner: on this system, as installed; -B: test the
#    installed packages, never build them) from the source tree. Exit 0
#    only: a skipped or failed test fails the stage.
new_root test
mkdir -p "$work/test$pkgdir"
for deb in "$work/pkg$pkgdir"/*.deb; do
  case "$deb" in *-dbgsym_*) ;; *) cp "$deb" "$work/test$pkgdir/" ;; esac
done
cp "$work/readme$inroot_src/$tarball" "$work/test$pkgdir/"
step "the release tarball with build-essential only: configure && make check"
in_root "$work/test" "
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends build-essential >/dev/null
  cd $pkgdir && tar -xzf $tarball && cd netipc-$version
  ./configure --with-vectors=bundled >/dev/null
  make check >/dev/null || { cat test-suite.log; exit 1; }
  grep -E '^# (TOTAL|PASS|SKIP|FAIL):' test-suite.log"
# A pristine source tree for autopkgtest: the tarball plus debian/.
in_root "$work/test" "cd $pkgdir && rm -rf netipc-$version && tar -xzf $tarball"
cp -a "$work/pkg$pkgdir/netipc-$version/debian" "$work/test$pkgdir/netipc-$version/"
step "apt-get install ./*.deb"
in_root "$work/test" "
  cd $pkgdir && apt-get update -qq
  apt-get install -y -qq ./*.deb >/dev/null
  dpkg -l 'libnetipc*' netipc-tools | tail -n 3"
step "autopkgtest (debian/tests)"
in_root "$work/test" "
  apt-get install -y -qq --no-install-recommends autopkgtest >/dev/null
  cd $pkgdir && autopkgtest -B --output-dir /tmp/autopkgtest netipc-$version/ -- null"
step "clean-root stage passed"
