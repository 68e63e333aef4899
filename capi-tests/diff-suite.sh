#!/usr/bin/env bash
# The differential runner shared by the per-header suites (buffer/, util/,
# bufferevent/): each DIR/NAME.c is built against the system libevent (the
# reference) and against event_rs (our headers and libevent_rs.so), and run
# on each backend (epoll; poll = EVENT_NOEPOLL=1; select = EVENT_NOEPOLL=1
# EVENT_NOPOLL=1). On a backend, the reference's transcript is what every
# mode must print, and every run must exit 0.
#
#   bash capi-tests/diff-suite.sh DIR
#
# Modes (MODES, default "ours swap"): ours = the build against include/ and
# libevent_rs; swap = the system build run with LD_LIBRARY_PATH=$LIBDIR (our
# SONAME shims in place of libevent).
# Environment: LIBDIR (default target/lib), INCDIR (default include),
# OUTDIR (default target/capi-tests/<suite>), BACKENDS (default "epoll poll
# select"), ONLY (test names), CC, TIMEOUT (seconds per run, default 20).
# A test whose source names "capi-expected: FILE" (input libevent crashes
# on) is built against event_rs only and compared with DIR/FILE.
# Prints "PASS name [backend] [mode]" / "FAIL ..." (with a diff), then
# "N passed, N failed". Exits 1 if anything failed, 2 if it could not run.
set -u
here=$(cd "${1:?usage: diff-suite.sh DIR}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
suite=$(basename "$here")
LIBDIR=$(cd "$root" && realpath -m "${LIBDIR:-target/lib}")
INCDIR=$(cd "$root" && realpath -m "${INCDIR:-include}")
OUTDIR=$(cd "$root" && realpath -m "${OUTDIR:-target/capi-tests/$suite}")
CC=${CC:-gcc}
TIMEOUT=${TIMEOUT:-20}
MODES=${MODES:-ours swap}
BACKENDS=${BACKENDS:-epoll poll select}
mkdir -p "$OUTDIR"
if [ ! -e "$LIBDIR/libevent_rs.so" ]; then
	echo "diff-suite.sh: $LIBDIR/libevent_rs.so missing (make lib)" >&2
	exit 2
fi
if [ ! -e /usr/include/event2/event.h ]; then
	echo "diff-suite.sh: the system libevent headers are missing (apt-get install libevent-dev)" >&2
	exit 2
fi

backend_env() {
	case $1 in
	epoll) echo "" ;;
	poll) echo "EVENT_NOEPOLL=1" ;;
	select) echo "EVENT_NOEPOLL=1 EVENT_NOPOLL=1" ;;
	esac
}

pass=0
fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1"; fail=$((fail + 1)); }

# run OUT BIN [LD_LIBRARY_PATH]: runs BIN on backend $be; status in $rc.
run() {
	local out=$1 bin=$2 ldp=${3:-}
	# shellcheck disable=SC2046
	(cd "$OUTDIR" && ulimit -c 0 && env -u EVENT_NOEPOLL -u EVENT_NOPOLL -u EVENT_NOSELECT \
		-u EVENT_PRECISE_TIMER $(backend_env "$be") ${ldp:+LD_LIBRARY_PATH="$ldp"} \
		timeout -k 5 "$TIMEOUT" "$bin" >"$out" 2>"$out.err")
	rc=$?
}

# check LABEL REFERENCE GOT: the run's status ($rc) and its transcript.
check() {
	local label=$1 ref=$2 got=$3
	if [ "$rc" -ne 0 ]; then
		ko "$label (exited $rc)"; diff -u "$ref" "$got" | sed -n 1,40p; tail -5 "$got.err"
	elif diff -u "$ref" "$got" >"$got.diff"; then
		ok "$label"
	else
		ko "$label"; sed -n 1,60p "$got.diff"
	fi
}

# build OUT SRC [ours]: the system build, or with "ours" the one against event_rs.
build() {
	local out=$1 src=$2
	if [ "${3:-}" = ours ]; then
		$CC -Wall -O1 -pthread -I "$INCDIR" -o "$out" "$src" -L "$LIBDIR" -levent_rs \
			-Wl,-rpath,"$LIBDIR" 2>"$out.build"
	else
		$CC -Wall -O1 -pthread -o "$out" "$src" -levent -levent_pthreads 2>"$out.build"
	fi || { ko "$(basename "$src" .c) (build${3:+ against event_rs})"; sed -n 1,20p "$out.build"; return 1; }
}

for src in "$here"/*.c; do
	name=$(basename "$src" .c)
	if [ -n "${ONLY:-}" ] && ! [[ " $ONLY " == *" $name "* ]]; then
		continue
	fi
	sys="$OUTDIR/$name.system"
	ours="$OUTDIR/$name.ours"
	build "$ours" "$src" ours || continue
	expected=$(sed -n 's/.*capi-expected: *\([^ )]*\).*/\1/p' "$src" | head -1)
	if [ -n "$expected" ]; then
		# libevent crashes on this input: compare with the transcript kept here.
		for be in $BACKENDS; do
			got="$OUTDIR/$name.$be.ours"
			run "$got" "$ours"
			check "$name [$be] [expected]" "$here/$expected" "$got"
		done
		continue
	fi
	build "$sys" "$src" || continue
	for be in $BACKENDS; do
		ref="$OUTDIR/$name.$be.ref"
		run "$ref" "$sys"
		if [ $rc -ne 0 ]; then
			ko "$name [$be] (reference exited $rc)"; tail -5 "$ref.err"; continue
		fi
		for mode in $MODES; do
			got="$OUTDIR/$name.$be.$mode"
			case $mode in
			ours) run "$got" "$ours" ;;
			swap) run "$got" "$sys" "$LIBDIR" ;;
			*) echo "diff-suite.sh: unknown mode $mode" >&2; exit 2 ;;
			esac
			check "$name [$be] [$mode]" "$ref" "$got"
		done
	done
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
