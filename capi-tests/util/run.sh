#!/usr/bin/env bash
# Differential tests of event2/util.h and the exported internal evutil
# helpers: each NAME.c is built against the system libevent (the reference:
# gcc NAME.c -levent) and against event_rs (our headers, libevent_rs.so);
# both runs must exit 0 and print the same transcript. With the SONAME shims
# in LIBDIR, the system build is also run over them (swap).
#
# A test marked "ours-only" in its first lines (cases on which libevent
# itself crashes, e.g. NULL arguments) is built against event_rs only, and
# its transcript compared with NAME.expected.
#
#   bash capi-tests/util/run.sh                    # every test
#   ONLY="addr gai" bash capi-tests/util/run.sh
#   LIBDIR=target/h-util/release bash capi-tests/util/run.sh
#
# Environment: LIBDIR (default target/lib), INCDIR (default include; the
# system headers are used if include/event2/util.h is missing -- the ABI is
# the same), OUTDIR (default target/capi-tests/util), CC, TIMEOUT (s, 30).
# Prints PASS/FAIL per test and mode, then "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
LIBDIR=$(cd "$root" && realpath -m "${LIBDIR:-target/lib}")
INCDIR=$(cd "$root" && realpath -m "${INCDIR:-include}")
OUTDIR=$(cd "$root" && realpath -m "${OUTDIR:-target/capi-tests/util}")
CC=${CC:-gcc}
TIMEOUT=${TIMEOUT:-30}
mkdir -p "$OUTDIR"
if [ ! -e "$LIBDIR/libevent_rs.so" ]; then
	echo "run.sh: $LIBDIR/libevent_rs.so missing (make lib)" >&2
	exit 2
fi
if [ ! -e /usr/include/event2/util.h ]; then
	echo "run.sh: the system libevent headers are missing (apt-get install libevent-dev)" >&2
	exit 2
fi
inc=(-I "$INCDIR")
[ -e "$INCDIR/event2/util.h" ] || inc=()
swap=0
[ -e "$LIBDIR/libevent-2.1.so.7" ] && [ -e "$LIBDIR/libevent_core-2.1.so.7" ] && swap=1

pass=0
fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1"; fail=$((fail + 1)); }

# run BIN OUT [env...]: stdout to OUT.out, stderr to OUT.err; returns the status.
run() {
	local bin=$1 out=$2
	shift 2
	(cd "$OUTDIR" && ulimit -c 0 && env -u EVENT_NOEPOLL -u EVENT_NOPOLL -u EVENT_PRECISE_TIMER "$@" \
		timeout -k 5 "$TIMEOUT" "$bin" >"$out.out" 2>"$out.err")
}

compare() { # name mode reference actual-base
	local name=$1 mode=$2 ref=$3 got=$4 rc=$5
	if [ "$rc" -ne 0 ]; then
		ko "$name [$mode] (exited $rc)"
		diff -u "$ref" "$got.out" | sed -n 1,40p
		tail -5 "$got.err"
	elif diff -u "$ref" "$got.out" >"$got.diff"; then
		ok "$name [$mode]"
	else
		ko "$name [$mode]"
		sed -n 1,60p "$got.diff"
	fi
}

for src in "$here"/*.c; do
	name=$(basename "$src" .c)
	if [ -n "${ONLY:-}" ] && ! [[ " $ONLY " == *" $name "* ]]; then
		continue
	fi
	sys="$OUTDIR/$name.system"
	ours="$OUTDIR/$name.ours"
	if ! $CC -Wall -O1 "${inc[@]}" -o "$ours" "$src" -L "$LIBDIR" -levent_rs \
		-Wl,-rpath,"$LIBDIR" 2>"$ours.build"; then
		ko "$name [build against event_rs]"; sed -n 1,20p "$ours.build"; continue
	fi
	if head -n 5 "$src" | grep -q 'ours-only'; then
		run "$ours" "$ours"; rc=$?
		compare "$name" ours "$here/$name.expected" "$ours" $rc
		continue
	fi
	if ! $CC -Wall -O1 -o "$sys" "$src" -levent 2>"$sys.build"; then
		ko "$name [system build]"; sed -n 1,20p "$sys.build"; continue
	fi
	run "$sys" "$sys"; src_rc=$?
	if [ $src_rc -ne 0 ]; then
		ko "$name [reference exited $src_rc]"; tail -5 "$sys.err"; continue
	fi
	run "$ours" "$ours"; rc=$?
	compare "$name" ours "$sys.out" "$ours" $rc
	if [ $swap = 1 ]; then
		run "$sys" "$sys.swap" LD_LIBRARY_PATH="$LIBDIR"; rc=$?
		compare "$name" swap "$sys.out" "$sys.swap" $rc
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
