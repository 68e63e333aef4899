#!/usr/bin/env bash
# Differential tests of event2/buffer.h and buffer_compat.h: each NAME.c is
# built against the system libevent (the reference) and against event_rs
# (our headers and libevent_rs.so); the two transcripts must be identical
# and both runs must exit 0.
#
#   bash capi-tests/buffer/run.sh            # every test
#   ONLY="basic search" bash capi-tests/buffer/run.sh
#
# Environment: LIBDIR (default target/lib), INCDIR (default include),
# OUTDIR (default target/capi-tests/buffer), CC, TIMEOUT (seconds, 20).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
LIBDIR=$(cd "$root" && realpath -m "${LIBDIR:-target/lib}")
INCDIR=$(cd "$root" && realpath -m "${INCDIR:-include}")
OUTDIR=$(cd "$root" && realpath -m "${OUTDIR:-target/capi-tests/buffer}")
CC=${CC:-gcc}
TIMEOUT=${TIMEOUT:-20}
mkdir -p "$OUTDIR"
if [ ! -e "$LIBDIR/libevent_rs.so" ]; then
	echo "run.sh: $LIBDIR/libevent_rs.so missing (make lib)" >&2
	exit 2
fi
if [ ! -e /usr/include/event2/buffer.h ]; then
	echo "run.sh: the system libevent headers are missing (apt-get install libevent-dev)" >&2
	exit 2
fi
pass=0
fail=0
for src in "$here"/*.c; do
	name=$(basename "$src" .c)
	if [ -n "${ONLY:-}" ] && ! [[ " $ONLY " == *" $name "* ]]; then
		continue
	fi
	sys="$OUTDIR/$name.system"
	ours="$OUTDIR/$name.ours"
	if ! $CC -Wall -O1 -pthread -o "$sys" "$src" -levent -levent_pthreads 2>"$sys.build"; then
		echo "FAIL $name (system build)"; sed -n 1,20p "$sys.build"; fail=$((fail + 1)); continue
	fi
	if ! $CC -Wall -O1 -pthread -I "$INCDIR" -o "$ours" "$src" -L "$LIBDIR" -levent_rs \
		-Wl,-rpath,"$LIBDIR" 2>"$ours.build"; then
		echo "FAIL $name (build against event_rs)"; sed -n 1,20p "$ours.build"; fail=$((fail + 1)); continue
	fi
	(cd "$OUTDIR" && timeout -k 5 "$TIMEOUT" "$sys" >"$sys.out" 2>"$sys.err"); src_rc=$?
	(cd "$OUTDIR" && timeout -k 5 "$TIMEOUT" "$ours" >"$ours.out" 2>"$ours.err"); our_rc=$?
	if [ $src_rc -ne 0 ]; then
		echo "FAIL $name (reference exited $src_rc)"; tail -5 "$sys.err"; fail=$((fail + 1)); continue
	fi
	if [ $our_rc -ne 0 ]; then
		echo "FAIL $name (exited $our_rc)"; diff -u "$sys.out" "$ours.out" | sed -n 1,40p; tail -5 "$ours.err"
		fail=$((fail + 1)); continue
	fi
	if diff -u "$sys.out" "$ours.out" >"$ours.diff"; then
		echo "PASS $name"; pass=$((pass + 1))
	else
		echo "FAIL $name"; sed -n 1,60p "$ours.diff"; fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
