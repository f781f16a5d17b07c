#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# make static-analysis (tests/static-analysis.am): four analysers over the
# library and tool sources of this (Linux) build, with the configured
# config.h and compiler flags; exits non-zero on any finding.
#
#   scan-build     the clang static analyzer over a compile of every
#                  source (objects in a scratch directory), --status-bugs
#   gcc-analyzer   gcc -fanalyzer -Werror, one compile per source
#   cppcheck       --enable=warning,portability --error-exitcode=1, with
#                  the compiler's predefined macros so it sees this
#                  configuration (false positives: inline suppressions
#                  in the code, each with a comment saying why)
#   clang-tidy     the checked-in .clang-tidy (WarningsAsErrors: '*') on
#                  a compile_commands.json generated here from the flags
#
# Every analyser runs even when an earlier one failed, so one run lists
# every finding; logs are in $SA_OUTDIR/<analyser>.log.
#
# Environment (the make rule sets all but the optional ones):
#   SA_SRCDIR    absolute top source directory
#   SA_BUILDDIR  absolute top build directory (flags are relative to it)
#   SA_OUTDIR    scratch directory, removed and recreated
#   SA_CC        the configured compiler
#   SA_CPPFLAGS  $(DEFS) $(DEFAULT_INCLUDES) $(INCLUDES) $(AM_CPPFLAGS) ...
#   SA_CFLAGS    $(AM_CFLAGS) $(CFLAGS) $(PTHREAD_CFLAGS)
#   SA_SOURCES   source files relative to SA_SRCDIR (headers are skipped;
#                they are analysed through the sources that include them)
#   SA_JOBS      parallel jobs (optional, default: nproc)
#   SA_TOOLS     subset to run (optional, default: all four)
#   SA_GCC       gcc for -fanalyzer (optional, default: gcc)
#   SCAN_BUILD, CPPCHECK, CLANG_TIDY  program names (optional)
set -u

ALL_TOOLS="scan-build gcc-analyzer cppcheck clang-tidy"
: "${SA_TOOLS:=$ALL_TOOLS}"
: "${SA_GCC:=gcc}"
: "${SCAN_BUILD:=scan-build}"
: "${CPPCHECK:=cppcheck}"
: "${CLANG_TIDY:=clang-tidy}"
: "${SA_JOBS:=$(nproc 2>/dev/null || echo 2)}"

die() { echo "static-analysis: $*" >&2; exit 2; }

for v in SA_SRCDIR SA_BUILDDIR SA_OUTDIR SA_CC SA_CPPFLAGS SA_CFLAGS \
	SA_SOURCES; do
	[ -n "${!v+set}" ] || die "$v is not set (run it through 'make static-analysis')"
done
[ -f "$SA_BUILDDIR/config.h" ] || die "no config.h in $SA_BUILDDIR: run configure first"
[ -f "$SA_SRCDIR/.clang-tidy" ] || die "$SA_SRCDIR/.clang-tidy is missing"

# The program each analyser needs, and the Debian package providing it.
need() { # tool program package
	command -v "$2" >/dev/null 2>&1 ||
		die "$1 needs '$2', which is not installed (Debian package: $3)"
}
for t in $SA_TOOLS; do
	case $t in
	scan-build) need "$t" "$SCAN_BUILD" clang-tools; need "$t" clang clang ;;
	gcc-analyzer) need "$t" "$SA_GCC" gcc ;;
	cppcheck) need "$t" "$CPPCHECK" cppcheck ;;
	clang-tidy) need "$t" "$CLANG_TIDY" clang-tidy ;;
	*) die "unknown analyser '$t' (known: $ALL_TOOLS)" ;;
	esac
done

SA_SRCDIR=$(cd "$SA_SRCDIR" && pwd) || die "no source directory $SA_SRCDIR"
cd "$SA_BUILDDIR" || die "cannot enter $SA_BUILDDIR"
rm -rf "$SA_OUTDIR" && mkdir -p "$SA_OUTDIR/obj" || die "cannot create $SA_OUTDIR"

# The flags as make would pass them to the shell (quotes honoured).
eval "CPPFLAGS_ARR=($SA_CPPFLAGS)"
eval "CFLAGS_ARR=($SA_CFLAGS)"
SOURCES=()
for f in $SA_SOURCES; do
	case $f in *.c) SOURCES+=("$SA_SRCDIR/$f") ;; esac
done
[ ${#SOURCES[@]} -gt 0 ] || die "SA_SOURCES lists no .c file"
export SA_CPPFLAGS SA_CFLAGS SA_OUTDIR

# Run "$@ FILE" for every source, SA_JOBS at a time; the exit status is
# non-zero when any run failed.
each_source() {
	printf '%s\0' "${SOURCES[@]}" | xargs -0 -n 1 -P "$SA_JOBS" "$@"
}

# One compile of FILE with the configured flags by ${CC} (scan-build puts
# its analyzer there) plus extra flags; the object goes to the scratch dir.
# Used through xargs, so it re-splits the flags itself.
compile_one() { # extra-flags... file
	local file=${!#} obj
	obj=$SA_OUTDIR/obj/$(printf '%s' "$file" | tr '/' '_').o
	eval "set -- ${*:1:$#-1} $SA_CPPFLAGS $SA_CFLAGS"
	${CC:?} "$@" -c "$file" -o "$obj"
}
export -f compile_one

run_scan_build() {
	# --status-bugs: exit 1 when the analyzer reports anything.
	"$SCAN_BUILD" --status-bugs --use-cc="$SA_CC" -o "$SA_OUTDIR/scan-build" \
		bash -c 'printf "%s\0" "$@" | xargs -0 -n 1 -P "$0" bash -c '\''compile_one "$0"'\''' \
		"$SA_JOBS" "${SOURCES[@]}"
}

run_gcc_analyzer() {
	(export CC="$SA_GCC"; each_source bash -c 'compile_one -fanalyzer -Werror "$0"')
}

run_cppcheck() {
	# cppcheck does not read system headers (its --library files model
	# them), so it is told the compiler's predefined macros (__linux__,
	# __GNUC__, __STDC_VERSION__, ...) and the -D/-I flags of the build; it
	# then checks exactly this configuration.
	# tests/static-analysis-cppcheck.cfg corrects a wrong model of
	# posix.cfg (mmap) and models accept4 in place of gnu.cfg, which is
	# not loaded: it marks accept4's addrlen not-null, and a later file can
	# add constraints to a function but not remove them.
	# readdirCalled is off: it recommends readdir_r, which POSIX.1-2024
	# made obsolescent and glibc deprecates (2.24); readdir is safe on a
	# stream no other thread uses, as in every caller here.
	local predef=$SA_OUTDIR/predefined.h args=() a
	"$SA_CC" "${CFLAGS_ARR[@]}" -dM -E -x c /dev/null >"$predef" || return 1
	for a in "${CPPFLAGS_ARR[@]}"; do
		case $a in -D* | -I* | -U*) args+=("$a") ;; esac
	done
	"$CPPCHECK" --quiet --error-exitcode=1 --inline-suppr \
		--enable=warning,portability --std=c11 --platform=unix64 \
		--library=posix \
		--library="$SA_SRCDIR/tests/static-analysis-cppcheck.cfg" \
		-j "$SA_JOBS" \
		--include="$predef" "${args[@]}" \
		--suppress=missingIncludeSystem \
		--suppress=readdirCalled \
		--template='{file}:{line}:{column}: {severity}: {message} [{id}]' \
		"${SOURCES[@]}"
}

# compile_commands.json: one entry per source with the flags make uses.
write_compile_commands() {
	local out=$SA_OUTDIR/compile_commands.json sep='' f a cmd
	json() { # JSON string literal of $1
		local s=${1//\\/\\\\}
		s=${s//\"/\\\"}
		printf '"%s"' "$s"
	}
	{
		echo '['
		for f in "${SOURCES[@]}"; do
			cmd=()
			for a in "$SA_CC" "${CPPFLAGS_ARR[@]}" "${CFLAGS_ARR[@]}" \
				-c "$f" -o /dev/null; do
				cmd+=("$(json "$a")")
			done
			printf '%s {"directory": %s, "file": %s,\n  "arguments": [%s]}' \
				"$sep" "$(json "$SA_BUILDDIR")" "$(json "$f")" \
				"$(IFS=,; echo "${cmd[*]}")"
			sep=$',\n'
		done
		printf '\n]\n'
	} >"$out"
}

run_clang_tidy() {
	write_compile_commands || return 1
	# The .clang-tidy of the source tree applies (clang-tidy looks for it
	# from each source upwards). -Wno-unknown-warning-option: the flags
	# were chosen for $SA_CC, which may be gcc.
	each_source "$CLANG_TIDY" --quiet -p "$SA_OUTDIR" \
		--header-filter="^$SA_SRCDIR/(include/netipc|lib|tools)/.*\.h\$" \
		--extra-arg=-Wno-unknown-warning-option
}

failed=()
for t in $SA_TOOLS; do
	log=$SA_OUTDIR/$t.log
	start=$(date +%s)
	printf 'static-analysis: %-12s ... ' "$t"
	case $t in
	scan-build) run_scan_build ;;
	gcc-analyzer) run_gcc_analyzer ;;
	cppcheck) run_cppcheck ;;
	clang-tidy) run_clang_tidy ;;
	esac >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	if [ $rc -eq 0 ]; then
		echo "ok (${secs}s)"
	else
		echo "FAILED (${secs}s, exit $rc)"
		failed+=("$t")
	fi
done

for t in "${failed[@]}"; do
	echo
	echo "===== $t findings ($SA_OUTDIR/$t.log) ====="
	cat "$SA_OUTDIR/$t.log"
done
if [ ${#failed[@]} -gt 0 ]; then
	echo
	echo "static-analysis: FAILED: ${failed[*]}"
	exit 1
fi
echo "static-analysis: no findings (${#SOURCES[@]} sources; $SA_TOOLS)"
