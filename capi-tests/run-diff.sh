#!/usr/bin/env bash
# Differential C-API tests: every capi-tests/event/*.c is built twice --
# against the system libevent (headers from /usr/include, -levent
# -levent_pthreads) and against ours (-I $INCDIR, -levent_rs from $LIBDIR)
# -- and run on each backend (epoll, poll = EVENT_NOEPOLL=1,
# select = EVENT_NOEPOLL=1 EVENT_NOPOLL=1).  The system build's stdout on a
# backend is the reference; for that backend every mode must print the same
# transcript and exit 0.
#
# Modes (MODES, space separated; default "ours swap"):
#   system  only check that the system build runs and exits 0 (use this to
#           develop tests without our library)
#   stable  run the system build a second time and compare (flakiness check)
#   ours    the build against include/ and libevent_rs
#   swap    the system build run with LD_LIBRARY_PATH=$LIBDIR, i.e. with our
#           SONAME shims (libevent-2.1.so.7 ...) replacing libevent
#   fast    the ours build with EVENT_RS_FAST_TIMERS=1 (our opt-in fast
#           timers: same transcript, except the order of timers with equal
#           deadlines, the timer heap's internal order and indices; a test
#           printing those has a line "capi-fast-timers: skip (what)" and
#           is skipped in this mode)
#
# Environment:
#   LIBDIR    our libraries (default target/lib)
#   INCDIR    our headers (default include)
#   ONLY      test names to run (space or comma separated, no .c)
#   BACKENDS  subset of "epoll poll select" (default all three)
#   MODES     see above
#   OUTDIR    where binaries and transcripts go (default target/capi-tests)
#   TIMEOUT   seconds per run (default 20)
#   CC        compiler (default gcc)
#
# A test whose source has a line "capi-requires: SYMBOL..." is skipped in
# the ours and swap modes (one "SKIP" line) while libevent_rs does not
# export all of those symbols.
#
# Prints "PASS name [backend] [mode]" or "FAIL name [backend] [mode]" (with
# a unified diff), and finally "N passed, N failed" (", N skipped" added when
# something was skipped) on its own line.  Exits 1 if anything failed, 2 if
# it could not run at all.
set -u

cd "$(dirname "$0")/.." || exit 2
ROOT=$PWD

LIBDIR=${LIBDIR:-target/lib}
INCDIR=${INCDIR:-include}
MODES=${MODES:-ours swap}
BACKENDS=${BACKENDS:-epoll poll select}
OUTDIR=${OUTDIR:-target/capi-tests}
TIMEOUT=${TIMEOUT:-20}
CC=${CC:-gcc}
ONLY=${ONLY:-}

case $LIBDIR in /*) ;; *) LIBDIR=$ROOT/$LIBDIR ;; esac
case $INCDIR in /*) ;; *) INCDIR=$ROOT/$INCDIR ;; esac
case $OUTDIR in /*) ;; *) OUTDIR=$ROOT/$OUTDIR ;; esac

want_mode() { case " $MODES " in *" $1 "*) return 0 ;; esac; return 1; }

for m in $MODES; do
	case $m in system|stable|ours|swap|fast) ;;
	*) echo "run-diff.sh: unknown mode '$m' (system, stable, ours, swap, fast)" >&2; exit 2 ;;
	esac
done
for b in $BACKENDS; do
	case $b in epoll|poll|select) ;;
	*) echo "run-diff.sh: unknown backend '$b' (epoll, poll, select)" >&2; exit 2 ;;
	esac
done

if [ ! -e /usr/include/event2/event.h ]; then
	echo "run-diff.sh: the system libevent headers are missing: apt-get install -y libevent-dev" >&2
	exit 2
fi
if want_mode ours || want_mode swap || want_mode fast; then
	if [ ! -e "$LIBDIR/libevent_rs.so" ]; then
		echo "run-diff.sh: our library is not built: $LIBDIR/libevent_rs.so does not exist." >&2
		echo "run-diff.sh: build it first (make), or run MODES=system $0 to check the tests against the system libevent only." >&2
		exit 2
	fi
fi
if want_mode swap && [ ! -e "$LIBDIR/libevent-2.1.so.7" ]; then
	echo "run-diff.sh: the SONAME shim $LIBDIR/libevent-2.1.so.7 is missing; swap mode cannot run." >&2
	exit 2
fi

mkdir -p "$OUTDIR" || exit 2

tests=()
for src in capi-tests/event/*.c; do
	name=$(basename "$src" .c)
	if [ -n "$ONLY" ]; then
		case " $(echo "$ONLY" | tr ',' ' ') " in *" $name "*) ;; *) continue ;; esac
	fi
	tests+=("$name")
done
if [ ${#tests[@]} -eq 0 ]; then
	echo "run-diff.sh: no tests selected (ONLY='$ONLY')" >&2
	exit 2
fi

passed=0
failed=0
skipped=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

our_exports=
if want_mode ours || want_mode swap || want_mode fast; then
	our_exports=$(nm -D --defined-only "$LIBDIR/libevent_rs.so" 2>/dev/null | awk '{print $NF}')
fi
# missing_symbols SRC: the symbols of SRC's "capi-requires:" line that our
# library does not export
missing_symbols() {
	local sym missing=
	for sym in $(sed -n 's/.*capi-requires:\(.*\)/\1/p' "$1" | tr -d '*/'); do
		grep -qx "$sym" <<<"$our_exports" || missing="$missing $sym"
	done
	echo $missing
}

backend_env() {
	case $1 in
	epoll) echo "" ;;
	poll) echo "EVENT_NOEPOLL=1" ;;
	select) echo "EVENT_NOEPOLL=1 EVENT_NOPOLL=1" ;;
	esac
}

# run BIN OUTBASE BACKEND [VAR=VALUE...]: stdout to OUTBASE.out, stderr to
# OUTBASE.err, exit status to OUTBASE.rc.  The environment is cleaned of
# libevent's variables; output size and core dumps are limited.
run() {
	local bin=$1 out=$2 backend=$3
	shift 3
	(
		ulimit -c 0
		ulimit -f 20000	# 10 MB of output at most
		exec env -u EVENT_NOEPOLL -u EVENT_NOPOLL -u EVENT_NOSELECT \
			-u EVENT_SHOW_METHOD -u EVENT_PRECISE_TIMER \
			-u EVENT_EPOLL_USE_CHANGELIST -u EVENT_RS_FAST_TIMERS -u LD_PRELOAD \
			$(backend_env "$backend") "$@" \
			timeout -k 5 "$TIMEOUT" "$bin"
	) </dev/null >"$out.out" 2>"$out.err"
	echo $? >"$out.rc"
}

describe_rc() {
	local rc=$1
	case $rc in
	0) echo "exit 0" ;;
	124) echo "timed out after ${TIMEOUT}s" ;;
	137) echo "killed (SIGKILL) after timeout" ;;
	*) if [ "$rc" -gt 128 ]; then echo "killed by signal $((rc - 128))"; else echo "exit $rc"; fi ;;
	esac
}

show_failure() {
	local ref=$1 got=$2
	if [ "$(cat "$got.rc")" != 0 ]; then
		echo "    $(describe_rc "$(cat "$got.rc")")"
	fi
	diff -u --label reference --label actual "$ref.out" "$got.out" | head -n 80 | sed 's/^/    /'
	if [ -s "$got.err" ]; then
		echo "    stderr (first lines):"
		head -n 10 "$got.err" | sed 's/^/      /'
	fi
}

for name in "${tests[@]}"; do
	src=capi-tests/event/$name.c
	sysbin=$OUTDIR/$name.system
	ourbin=$OUTDIR/$name.ours
	have_sys=1
	have_ours=0
	skip_ours=
	if want_mode ours || want_mode swap || want_mode fast; then
		skip_ours=$(missing_symbols "$src")
		if [ -n "$skip_ours" ]; then
			echo "SKIP $name [all] [ours swap fast] (libevent_rs does not export: $skip_ours)"
			skipped=$((skipped + 1))
		fi
	fi
	skip_fast=
	if want_mode fast && [ -z "$skip_ours" ] && grep -q 'capi-fast-timers: skip' "$src"; then
		echo "SKIP $name [all] [fast] $(sed -n 's/.*capi-fast-timers: skip *\(.*)\).*/\1/p' "$src" | head -n 1)"
		skipped=$((skipped + 1))
		skip_fast=1
	fi

	if ! $CC -Wall -o "$sysbin" "$src" -levent -levent_pthreads >"$OUTDIR/$name.build-system.log" 2>&1; then
		fail "$name [build] [system]"
		sed 's/^/    /' "$OUTDIR/$name.build-system.log" | head -n 30
		have_sys=0
	fi
	if { want_mode ours || want_mode fast; } && [ -z "$skip_ours" ]; then
		if $CC -Wall -I "$INCDIR" -o "$ourbin" "$src" -L "$LIBDIR" -levent_rs \
			-Wl,-rpath,"$LIBDIR" >"$OUTDIR/$name.build-ours.log" 2>&1; then
			have_ours=1
		else
			fail "$name [build] [ours]"
			sed 's/^/    /' "$OUTDIR/$name.build-ours.log" | head -n 30
		fi
	fi
	[ $have_sys = 1 ] || continue

	swap_ok=0
	if want_mode swap && [ -z "$skip_ours" ]; then
		# make sure the shims really replace libevent for this binary
		if ! LD_LIBRARY_PATH=$LIBDIR ldd "$sysbin" 2>/dev/null | grep -q 'libevent_rs'; then
			fail "$name [all] [swap]"
			echo "    with LD_LIBRARY_PATH=$LIBDIR the binary does not load libevent_rs:"
			LD_LIBRARY_PATH=$LIBDIR ldd "$sysbin" 2>&1 | grep -i event | sed 's/^/      /'
		else
			swap_ok=1
		fi
	fi

	for backend in $BACKENDS; do
		ref=$OUTDIR/$name.$backend.system
		run "$sysbin" "$ref" "$backend"
		ref_rc=$(cat "$ref.rc")
		if [ "$ref_rc" != 0 ]; then
			fail "$name [$backend] [system]"
			echo "    the system libevent run failed: $(describe_rc "$ref_rc")"
			tail -n 20 "$ref.out" | sed 's/^/    | /'
			head -n 10 "$ref.err" | sed 's/^/    stderr: /'
			continue
		fi
		if want_mode system; then
			pass "$name [$backend] [system]"
		fi
		for mode in $MODES; do
			case $mode in
			system) continue ;;
			stable)
				got=$OUTDIR/$name.$backend.stable
				run "$sysbin" "$got" "$backend" ;;
			ours)
				[ $have_ours = 1 ] || continue
				got=$OUTDIR/$name.$backend.ours
				run "$ourbin" "$got" "$backend" ;;
			fast)
				[ $have_ours = 1 ] && [ -z "$skip_fast" ] || continue
				got=$OUTDIR/$name.$backend.fast
				run "$ourbin" "$got" "$backend" EVENT_RS_FAST_TIMERS=1 ;;
			swap)
				[ $swap_ok = 1 ] || continue
				got=$OUTDIR/$name.$backend.swap
				run "$sysbin" "$got" "$backend" LD_LIBRARY_PATH="$LIBDIR" ;;
			esac
			if [ "$(cat "$got.rc")" = 0 ] && cmp -s "$ref.out" "$got.out"; then
				pass "$name [$backend] [$mode]"
			else
				fail "$name [$backend] [$mode]"
				show_failure "$ref" "$got"
			fi
		done
	done
done

if [ $skipped -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ]
