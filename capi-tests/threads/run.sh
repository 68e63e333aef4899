#!/usr/bin/env bash
# Thread stress test: built against our headers and library, run natively
# (several times, against Debian's libevent too, for the expected output)
# and under valgrind's DRD (data races). Prints PASS/FAIL lines and
# `N passed, N failed`.
set -u
cd "$(dirname "$0")/../.."
LIBDIR=${LIBDIR:-$PWD/target/lib}
OUT=target/capi-tests/threads
mkdir -p "$OUT"
pass=0; fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
ko() { echo "FAIL $1"; fail=$((fail + 1)); }
expected=$'loop returned 0, got_break=1\ncallbacks ran: yes\nevents left pending: 1'

gcc -O1 -g -Wall -pthread -I include capi-tests/threads/stress.c -o "$OUT/stress.ours" \
	-L"$LIBDIR" -levent_rs -Wl,-rpath,"$LIBDIR" || { ko "stress [build]"; echo "$pass passed, $fail failed"; exit 1; }
gcc -O1 -g -Wall -pthread capi-tests/threads/stress.c -o "$OUT/stress.system" -levent -levent_pthreads

[ "$(timeout 60 "$OUT/stress.system")" = "$expected" ] && ok "stress [system libevent]" || ko "stress [system libevent]"
for i in 1 2 3 4 5; do
	got=$(timeout 60 "$OUT/stress.ours" 2>&1)
	if [ "$got" != "$expected" ]; then ko "stress [run $i]"; printf '%s\n' "$got" | sed 's/^/    /'; continue; fi
	ok "stress [run $i]"
done
if command -v valgrind >/dev/null; then
	# DRD: every data race it finds in our library fails the test.
	if timeout 600 valgrind --tool=drd --error-exitcode=9 --quiet \
		"$OUT/stress.ours" >"$OUT/drd.out" 2>"$OUT/drd.err"; then
		ok "stress [drd: no data race]"
	else
		ko "stress [drd]"; head -n 40 "$OUT/drd.err" | sed 's/^/    /'
	fi
else
	echo "SKIP stress [drd]: valgrind not installed"
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
