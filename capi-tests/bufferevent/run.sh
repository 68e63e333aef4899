#!/usr/bin/env bash
# Differential tests of event2/bufferevent.h, bufferevent_compat.h and
# listener.h: each NAME.c is built against the system libevent (the
# reference) and against event_rs (our headers and libevent_rs.so), and run
# on each backend (epoll; poll = EVENT_NOEPOLL=1; select = EVENT_NOEPOLL=1
# EVENT_NOPOLL=1). On a backend, the reference's transcript is what every
# mode must print, and every run must exit 0.
#
#   bash capi-tests/bufferevent/run.sh              # every test
#   ONLY="pair filter" bash capi-tests/bufferevent/run.sh
#
# Modes (MODES, default "ours swap"): ours = the build against include/ and
# libevent_rs; swap = the system build run with LD_LIBRARY_PATH=$LIBDIR (our
# SONAME shims in place of libevent).
# Environment: LIBDIR (default target/lib), INCDIR (default include),
# OUTDIR (default target/capi-tests/bufferevent), BACKENDS (default "epoll
# poll select"), CC, TIMEOUT (seconds per run, default 20).
# A test whose source names "capi-expected: FILE" (input libevent crashes
# on) is built against event_rs only and compared with FILE.
# Prints "PASS name [backend] [mode]" / "FAIL ..." (with a diff), then
# "N passed, N failed". Exits 1 if anything failed, 2 if it could not run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
LIBDIR=$(cd "$root" && realpath -m "${LIBDIR:-target/lib}")
INCDIR=$(cd "$root" && realpath -m "${INCDIR:-include}")
OUTDIR=$(cd "$root" && realpath -m "${OUTDIR:-target/capi-tests/bufferevent}")
CC=${CC:-gcc}
TIMEOUT=${TIMEOUT:-20}
MODES=${MODES:-ours swap}
BACKENDS=${BACKENDS:-epoll poll select}
mkdir -p "$OUTDIR"
if [ ! -e "$LIBDIR/libevent_rs.so" ]; then
	echo "run.sh: $LIBDIR/libevent_rs.so missing (make lib)" >&2
	exit 2
fi
if [ ! -e /usr/include/event2/bufferevent.h ]; then
	echo "run.sh: the system libevent headers are missing (apt-get install libevent-dev)" >&2
	exit 2
fi

backend_env() {
	case $1 in
	epoll) echo "" ;;
	poll) echo "EVENT_NOEPOLL=1" ;;
	select) echo "EVENT_NOEPOLL=1 EVENT_NOPOLL=1" ;;
	esac
}

# run OUT BIN [LD_LIBRARY_PATH] : runs BIN on the current backend; rc in $rc
run() {
	local out=$1 bin=$2 ldp=${3:-}
	# shellcheck disable=SC2046
	(cd "$OUTDIR" && env -u EVENT_NOEPOLL -u EVENT_NOPOLL -u EVENT_NOSELECT $(backend_env "$be") \
		${ldp:+LD_LIBRARY_PATH="$ldp"} timeout -k 5 "$TIMEOUT" "$bin" >"$out" 2>"$out.err")
	rc=$?
}

pass=0
fail=0
for src in "$here"/*.c; do
	name=$(basename "$src" .c)
	if [ -n "${ONLY:-}" ] && ! [[ " $ONLY " == *" $name "* ]]; then
		continue
	fi
	sys="$OUTDIR/$name.system"
	ours="$OUTDIR/$name.ours"
	expected=$(sed -n 's/.*capi-expected: *\([^ )]*\).*/\1/p' "$src" | head -1)
	if [ -n "$expected" ]; then
		# libevent crashes on this input: compare with the transcript kept here
		if ! $CC -Wall -O1 -pthread -I "$INCDIR" -o "$ours" "$src" -L "$LIBDIR" -levent_rs \
			-Wl,-rpath,"$LIBDIR" 2>"$ours.build"; then
			echo "FAIL $name (build against event_rs)"; sed -n 1,20p "$ours.build"; fail=$((fail + 1)); continue
		fi
		for be in $BACKENDS; do
			got="$OUTDIR/$name.$be.ours"
			run "$got" "$ours"
			if [ $rc -ne 0 ]; then
				echo "FAIL $name [$be] [expected] (exited $rc)"; tail -5 "$got.err"; fail=$((fail + 1))
			elif diff -u "$here/$expected" "$got" >"$got.diff"; then
				echo "PASS $name [$be] [expected]"; pass=$((pass + 1))
			else
				echo "FAIL $name [$be] [expected]"; sed -n 1,60p "$got.diff"; fail=$((fail + 1))
			fi
		done
		continue
	fi
	if ! $CC -Wall -O1 -pthread -o "$sys" "$src" -levent -levent_pthreads 2>"$sys.build"; then
		echo "FAIL $name (system build)"; sed -n 1,20p "$sys.build"; fail=$((fail + 1)); continue
	fi
	if ! $CC -Wall -O1 -pthread -I "$INCDIR" -o "$ours" "$src" -L "$LIBDIR" -levent_rs \
		-Wl,-rpath,"$LIBDIR" 2>"$ours.build"; then
		echo "FAIL $name (build against event_rs)"; sed -n 1,20p "$ours.build"; fail=$((fail + 1)); continue
	fi
	for be in $BACKENDS; do
		ref="$OUTDIR/$name.$be.ref"
		run "$ref" "$sys"
		if [ $rc -ne 0 ]; then
			echo "FAIL $name [$be] (reference exited $rc)"; tail -5 "$ref.err"; fail=$((fail + 1)); continue
		fi
		for mode in $MODES; do
			got="$OUTDIR/$name.$be.$mode"
			case $mode in
			ours) run "$got" "$ours" ;;
			swap) run "$got" "$sys" "$LIBDIR" ;;
			*) echo "run.sh: unknown mode $mode" >&2; exit 2 ;;
			esac
			if [ $rc -ne 0 ]; then
				echo "FAIL $name [$be] [$mode] (exited $rc)"; diff -u "$ref" "$got" | sed -n 1,40p; tail -5 "$got.err"
				fail=$((fail + 1))
			elif diff -u "$ref" "$got" >"$got.diff"; then
				echo "PASS $name [$be] [$mode]"; pass=$((pass + 1))
			else
				echo "FAIL $name [$be] [$mode]"; sed -n 1,60p "$got.diff"; fail=$((fail + 1))
			fi
		done
	done
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
