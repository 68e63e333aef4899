#!/usr/bin/env bash
# capi-tests/realworld/run.sh -- real programs over event_rs (`make realworld`).
#
# Debian's memcached and tmux binaries, unchanged, run with our SONAME shims
# in LD_LIBRARY_PATH so that they load target/lib/libevent_rs.so instead of
# libevent, and are driven by real clients on loopback:
#
#   memcached-load      ldd resolves every libevent SONAME into target/lib;
#                       memcached (-l 127.0.0.1, private port, -U 0, -t 2)
#                       answers, and /proc/PID/maps shows libevent_rs.so and
#                       no system libevent
#   memcached-ops       memcached_client.py: CONNS connections in parallel x
#                       OPS commands (set/get/gets/cas/add/replace/append/
#                       prepend/incr/decr/delete/multi-get), every reply
#                       checked against a model, then every key read back
#   memcached-stats     "stats": the counters equal what the client did
#   memcached-shutdown  "shutdown graceful": the server leaves its event loop
#                       and exits 0 within 10 s
#   tmux-load           ldd, then a server on a private socket
#                       (tmux -S DIR/sock -f /dev/null new-session -d), maps
#   tmux-windows        new-window, rename-window, split-window, kill-window,
#                       list-windows/list-panes/list-sessions, second session
#   tmux-send-keys      send-keys 'echo hello-from-tmux-$((6*7))' Enter and
#                       capture-pane shows hello-from-tmux-42; 3000 lines of
#                       `seq` through the pty; a second pane
#   tmux-kill-server    kill-server: the server exits, has-session fails
#
# A program that cannot load (a libevent symbol we do not export yet) fails
# its -load scenario with the missing symbol named; the scenarios after it
# fail as "not run".  Before running, the libevent symbols each binary
# imports that libevent_rs.so lacks are listed.
#
# Prints "PASS name" / "FAIL name: reason" per scenario, then
# "N passed, N failed"; exits 1 if any failed.  Every wait has a timeout,
# servers listen on 127.0.0.1 or a private unix socket only, and every
# process started here is killed on exit.
#
# Environment:
#   LIBEVENT=system   run the same scenarios on Debian's libevent (baseline)
#   LIBDIR            our library directory (default target/lib; make lib)
#   ONLY              scenarios groups to run (default "memcached tmux")
#   MEMCACHED_PORT    default 21211 (another free port is used if it is busy)
#   CONNS, OPS        memcached workload (default 50 x 200)
#   KEEP=1            keep the work directory (logs) under /tmp
set -u
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
LIBEVENT=${LIBEVENT:-ours}
LIBDIR=${LIBDIR:-$ROOT/target/lib}
ONLY=${ONLY:-memcached tmux}
MEMCACHED_PORT=${MEMCACHED_PORT:-21211}
CONNS=${CONNS:-50}
OPS=${OPS:-200}
CLIENT=$HERE/memcached_client.py
SYS_LIBDIR=${SYS_LIBDIR:-/usr/lib/x86_64-linux-gnu}

case "$LIBEVENT" in
ours|"") LIBEVENT=ours ;;
system) ;;
*) echo "realworld: LIBEVENT must be 'system' or unset (got '$LIBEVENT')" >&2; exit 2 ;;
esac

# ------------------------------------------------------------ setup
need=()
for p in memcached:memcached tmux:tmux python3:python3 nm:binutils timeout:coreutils; do
	command -v "${p%%:*}" > /dev/null 2>&1 || need+=("${p#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
	echo "realworld: installing ${need[*]}"
	SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
	export DEBIAN_FRONTEND=noninteractive
	timeout 600 $SUDO apt-get install -y -qq "${need[@]}" > /dev/null 2>&1 ||
		{ timeout 300 $SUDO apt-get update -qq > /dev/null 2>&1 &&
		  timeout 600 $SUDO apt-get install -y -qq "${need[@]}" > /dev/null 2>&1; } ||
		{ echo "realworld: could not install ${need[*]}" >&2; exit 2; }
fi
MEMCACHED=$(command -v memcached)
TMUX_BIN=$(command -v tmux)

if [ "$LIBEVENT" = ours ]; then
	[ -f "$LIBDIR/libevent_rs.so" ] || { echo "realworld: $LIBDIR/libevent_rs.so not found (run 'make lib')" >&2; exit 2; }
	LIBDIR=$(cd "$LIBDIR" && pwd -P)
	RUNENV=(env -u TMUX -u TMUX_PANE "LD_LIBRARY_PATH=$LIBDIR")
	echo "realworld: event_rs (LD_LIBRARY_PATH=$LIBDIR)"
else
	RUNENV=(env -u TMUX -u TMUX_PANE -u LD_LIBRARY_PATH)
	echo "realworld: LIBEVENT=system (Debian's libevent, the baseline)"
fi
# the cleanup uses Debian's libevent: it must work whatever ours does
SYSENV=(env -u TMUX -u TMUX_PANE -u LD_LIBRARY_PATH)

T=$(mktemp -d "${TMPDIR:-/tmp}/evrs-realworld.XXXXXX")
chmod 700 "$T"
MC_PID=""
TMUX_PID=""
TSOCK=$T/tmux/sock
cleanup() {
	if [ -n "$MC_PID" ] && kill -0 "$MC_PID" 2> /dev/null; then
		kill -TERM "$MC_PID" 2> /dev/null
		wait_gone "$MC_PID" 2 || kill -KILL "$MC_PID" 2> /dev/null
		wait "$MC_PID" 2> /dev/null
	fi
	if [ -S "$TSOCK" ]; then
		timeout 5 "${SYSENV[@]}" "$TMUX_BIN" -S "$TSOCK" -f /dev/null kill-server > /dev/null 2>&1
	fi
	if [ -n "$TMUX_PID" ] && kill -0 "$TMUX_PID" 2> /dev/null; then
		kill -TERM "$TMUX_PID" 2> /dev/null
		wait_gone "$TMUX_PID" 2 || kill -KILL "$TMUX_PID" 2> /dev/null
	fi
	if [ "${KEEP:-0}" = 1 ]; then echo "realworld: logs kept in $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "PASS $1"; shift; local l; for l in "$@"; do echo "     $l"; done; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $1: $2"; }
detail() { [ -s "$1" ] && sed -n "1,${2:-8}p" "$1" | sed 's/^/     | /'; return 0; }

rel() { case "$1" in "$ROOT"/*) echo "${1#"$ROOT"/}" ;; *) echo "$1" ;; esac; }

# ldd_check BIN -> empty on success, else the reason
ldd_check() {
	local out
	out=$("${RUNENV[@]}" ldd "$1" 2>&1) || { echo "ldd failed: $out"; return; }
	local lines
	lines=$(printf '%s\n' "$out" | grep -E '^[[:space:]]*libevent' || true)
	[ -n "$lines" ] || { echo "ldd shows no libevent library"; return; }
	if printf '%s\n' "$lines" | grep -q 'not found'; then
		echo "ldd: $(printf '%s\n' "$lines" | grep 'not found' | head -1 | xargs)"; return
	fi
	local name path
	while read -r name _ path _; do
		path=$(readlink -f "$path")
		if [ "$LIBEVENT" = ours ]; then
			[ "$(dirname "$path")" = "$LIBDIR" ] || { echo "ldd: $name resolves to $path, not into $(rel "$LIBDIR") (it would load the system's libevent)"; return; }
		else
			case "$name" in libevent_rs*) echo "ldd: libevent_rs.so in the system run ($path)"; return ;; esac
			[ "$(dirname "$path")" != "$LIBDIR" ] || { echo "ldd: $name resolves into $LIBDIR in the system run"; return; }
		fi
	done <<< "$lines"
	if [ "$LIBEVENT" = ours ] && ! printf '%s\n' "$lines" | grep -q '^[[:space:]]*libevent_rs\.so '; then
		echo "ldd: libevent_rs.so is not among the dependencies"; return
	fi
}

# ldd_summary BIN -> "libevent-2.1.so.7 -> target/lib/libevent-2.1.so.7, ..."
ldd_summary() {
	"${RUNENV[@]}" ldd "$1" 2>/dev/null | awk '$1 ~ /^libevent/ { print $1 " -> " $3 }' |
		sed "s|$ROOT/||g" | paste -sd, - | sed 's/,/, /g'
}

# maps_check PID -> empty on success, else the reason
maps_check() {
	local maps
	maps=$(awk '$6 ~ /libevent/ { print $6 }' "/proc/$1/maps" 2> /dev/null | sort -u)
	[ -n "$maps" ] || { echo "/proc/$1/maps: no libevent library mapped"; return; }
	local p
	if [ "$LIBEVENT" = ours ]; then
		printf '%s\n' "$maps" | grep -qx "$LIBDIR/libevent_rs.so" || { echo "/proc/$1/maps: libevent_rs.so not mapped"; return; }
		while read -r p; do
			[ "$(dirname "$(readlink -f "$p")")" = "$LIBDIR" ] || { echo "/proc/$1/maps: the system's $p is mapped too"; return; }
		done <<< "$maps"
	else
		! printf '%s\n' "$maps" | grep -q libevent_rs || { echo "/proc/$1/maps: libevent_rs.so mapped in the system run"; return; }
	fi
}
maps_summary() {
	awk '$6 ~ /libevent/ { print $6 }' "/proc/$1/maps" 2> /dev/null | sort -u | sed "s|$ROOT/||" | xargs -r -n1 basename | paste -sd, - | sed 's/,/, /g'
}

# load_error STDERR_FILE -> why a program did not start, from the dynamic loader's message
load_error() {
	local sym
	sym=$(grep -o 'undefined symbol: [A-Za-z_0-9]*' "$1" | head -1 | sed 's/undefined symbol: //')
	if [ -n "$sym" ]; then
		echo "does not load: undefined symbol $sym (symbol lookup error)"
	elif grep -q 'error while loading shared libraries' "$1"; then
		echo "does not load: $(grep -m1 'error while loading shared libraries' "$1" | sed 's/.*error while loading shared libraries: //')"
	fi
}

# Libevent symbols BIN imports that libevent_rs.so does not export.
LIBEVENT_NAMES=$T/libevent_names
for so in libevent_core-2.1.so.7 libevent_extra-2.1.so.7 libevent_pthreads-2.1.so.7 libevent_openssl-2.1.so.7; do
	[ -f "$SYS_LIBDIR/$so" ] && nm -D --defined-only "$SYS_LIBDIR/$so" | awk '{ print $NF }'
done | sed 's/@.*//' | sort -u > "$LIBEVENT_NAMES"
missing_imports() { # BIN -> "N M names..." (imports, missing, names)
	nm -D --undefined-only "$1" | awk '{ print $NF }' | sed 's/@.*//' | sort -u | comm -12 - "$LIBEVENT_NAMES" > "$T/imports"
	local n m names=""
	n=$(wc -l < "$T/imports")
	if [ "$LIBEVENT" = ours ]; then
		nm -D --defined-only "$LIBDIR/libevent_rs.so" | awk '{ print $NF }' | sed 's/@.*//' | sort -u > "$T/ours"
		comm -23 "$T/imports" "$T/ours" > "$T/missing"
	else
		: > "$T/missing"
	fi
	m=$(wc -l < "$T/missing")
	names=$(paste -sd' ' "$T/missing")
	echo "$n $m $names"
}
report_imports() { # LABEL BIN
	local n m names
	read -r n m names <<< "$(missing_imports "$2")"
	if [ "$LIBEVENT" = system ]; then
		echo "note: $1 imports $n libevent symbols"
	elif [ "$m" = 0 ]; then
		echo "note: $1 imports $n libevent symbols; libevent_rs.so exports all of them"
	else
		echo "note: $1 imports $n libevent symbols; libevent_rs.so lacks $m: $names"
	fi
}

proc_gone() { # PID -> true once it has exited (zombies count)
	local st
	st=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$1/stat" 2> /dev/null) || return 0
	[ -z "$st" ] || [ "$st" = Z ] || [ "$st" = X ]
}
wait_gone() { # PID SECONDS
	local i
	for ((i = 0; i < $2 * 10; i++)); do proc_gone "$1" && return 0; sleep 0.1; done
	return 1
}

# ------------------------------------------------------------ memcached
free_port() { # PORT -> PORT if free on 127.0.0.1, else one the kernel picks
	python3 - "$1" <<'EOF'
import socket, sys
p = int(sys.argv[1])
for want in (p, 0):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as memcached does
    try:
        s.bind(("127.0.0.1", want))
        print(s.getsockname()[1])
        break
    except OSError:
        pass
    finally:
        s.close()
EOF
}

run_memcached() {
	local rest="memcached-ops memcached-stats memcached-shutdown" why n
	report_imports memcached "$MEMCACHED"
	why=$(ldd_check "$MEMCACHED")
	if [ -n "$why" ]; then
		fail memcached-load "$why"
		for n in $rest; do fail "$n" "not run (memcached-load failed)"; done
		return
	fi
	local port user=()
	port=$(free_port "$MEMCACHED_PORT")
	[ "$(id -u)" = 0 ] && user=(-u root)
	"${RUNENV[@]}" "$MEMCACHED" -U 0 -l 127.0.0.1 -p "$port" -t 2 -c 1024 -m 128 -A "${user[@]}" \
		> "$T/memcached.out" 2> "$T/memcached.err" < /dev/null &
	MC_PID=$!
	python3 "$CLIENT" wait --port "$port" --pid "$MC_PID" --timeout 10 > "$T/mc_wait" 2>&1
	local rc=$?
	if [ $rc != 0 ]; then
		if wait_gone "$MC_PID" 1; then
			wait "$MC_PID" 2> /dev/null; local st=$?
			why=$(load_error "$T/memcached.err")
			[ -n "$why" ] || why="exited with status $st before answering on 127.0.0.1:$port"
		else
			why="$(cat "$T/mc_wait")"
		fi
		fail memcached-load "$why"
		detail "$T/memcached.err" 4
		for n in $rest; do fail "$n" "not run (memcached-load failed)"; done
		return
	fi
	why=$(maps_check "$MC_PID")
	if [ -n "$why" ]; then
		fail memcached-load "$why"
		for n in $rest; do fail "$n" "not run (memcached-load failed)"; done
		return
	fi
	pass memcached-load "memcached $("$MEMCACHED" -V 2>/dev/null | awk '{print $2}') on 127.0.0.1:$port (pid $MC_PID)" \
		"ldd: $(ldd_summary "$MEMCACHED")" "mapped: $(maps_summary "$MC_PID")"

	local state=$T/mc_state.json ops_ok=1
	if timeout 120 python3 "$CLIENT" ops --port "$port" --conns "$CONNS" --ops "$OPS" \
		--state "$state" --timeout 10 --deadline 90 > "$T/mc_ops" 2>&1; then
		pass memcached-ops "$(sed 's/^ok //' "$T/mc_ops")"
	else
		ops_ok=0
		fail memcached-ops "$(tail -1 "$T/mc_ops" | sed 's/^error: //')"
		proc_gone "$MC_PID" && echo "     | memcached exited" && detail "$T/memcached.err" 4
	fi
	if [ $ops_ok = 0 ]; then
		fail memcached-stats "not run (memcached-ops failed)"
	elif timeout 30 python3 "$CLIENT" stats --port "$port" --state "$state" > "$T/mc_stats" 2>&1; then
		pass memcached-stats "$(sed 's/^ok //' "$T/mc_stats")"
	else
		fail memcached-stats "$(tail -1 "$T/mc_stats" | sed 's/^error: //')"
	fi
	if proc_gone "$MC_PID"; then
		fail memcached-shutdown "memcached had already exited"
		detail "$T/memcached.err" 4
	elif ! timeout 30 python3 "$CLIENT" shutdown --port "$port" > "$T/mc_shut" 2>&1; then
		fail memcached-shutdown "$(tail -1 "$T/mc_shut" | sed 's/^error: //')"
	elif ! wait_gone "$MC_PID" 10; then
		fail memcached-shutdown "still running 10 s after 'shutdown graceful'"
	else
		wait "$MC_PID" 2> /dev/null; local st=$?
		if [ $st = 0 ]; then
			pass memcached-shutdown "'shutdown graceful': left its event loop, exit status 0"
		else
			fail memcached-shutdown "exit status $st after 'shutdown graceful'"
			detail "$T/memcached.err" 4
		fi
	fi
	MC_PID=""
}

# ------------------------------------------------------------ tmux
tm() { # tmux command on our private server, bounded, stderr into $T/tm.err
	timeout 10 "${RUNENV[@]}" SHELL=/bin/sh TERM=xterm-256color \
		"$TMUX_BIN" -S "$TSOCK" -f /dev/null "$@" 2> "$T/tm.err"
}
tm_fail() { # NAME WHAT
	local why
	why=$(load_error "$T/tm.err")
	[ -n "$why" ] || why="$2$([ -s "$T/tm.err" ] && echo ": $(head -1 "$T/tm.err")")"
	fail "$1" "$why"
}
# wait_pane TARGET SECONDS AWK-PROGRAM -> true once the awk program (over
# capture-pane -p) exits 0; the pane text ends in $T/pane
wait_pane() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		tm capture-pane -p -t "$1" > "$T/pane" || return 1
		awk "$3" "$T/pane" && return 0
		sleep 0.1
	done
	return 1
}

run_tmux() {
	local rest="tmux-windows tmux-send-keys tmux-kill-server" why n out
	report_imports tmux "$TMUX_BIN"
	why=$(ldd_check "$TMUX_BIN")
	if [ -n "$why" ]; then
		fail tmux-load "$why"
		for n in $rest; do fail "$n" "not run (tmux-load failed)"; done
		return
	fi
	mkdir -m 700 "$T/tmux"
	if ! tm new-session -d -s rw -n first -x 100 -y 30; then
		tm_fail tmux-load "new-session failed (status $?)"
		for n in $rest; do fail "$n" "not run (tmux-load failed)"; done
		return
	fi
	TMUX_PID=$(tm display-message -p -t rw '#{pid}')
	if ! [[ "$TMUX_PID" =~ ^[0-9]+$ ]]; then
		TMUX_PID=""
		tm_fail tmux-load "display-message '#{pid}' gave no server pid"
		for n in $rest; do fail "$n" "not run (tmux-load failed)"; done
		return
	fi
	why=$(maps_check "$TMUX_PID")
	if [ -n "$why" ]; then
		fail tmux-load "$why"
		for n in $rest; do fail "$n" "not run (tmux-load failed)"; done
		return
	fi
	pass tmux-load "tmux $("$TMUX_BIN" -V 2>/dev/null | awk '{print $2}'), server pid $TMUX_PID on a private socket" \
		"ldd: $(ldd_summary "$TMUX_BIN")" "mapped (server): $(maps_summary "$TMUX_PID")"

	# windows, panes, sessions
	why=""
	{ tm new-window -d -t rw: -n second && tm new-window -t rw: -n third &&
	  tm rename-window -t rw:third renamed; } || why="new-window/rename-window failed"
	if [ -z "$why" ]; then
		out=$(tm list-windows -t rw -F '#{window_index}:#{window_name}' | paste -sd' ' -)
		[ "$out" = "0:first 1:second 2:renamed" ] || why="list-windows: '$out', expected '0:first 1:second 2:renamed'"
	fi
	if [ -z "$why" ]; then
		tm split-window -d -t rw:second || why="split-window failed"
	fi
	if [ -z "$why" ]; then
		out=$(tm list-panes -t rw:second -F '#{pane_index}' | paste -sd' ' -)
		[ "$out" = "0 1" ] || why="list-panes after split-window: '$out', expected '0 1'"
	fi
	if [ -z "$why" ]; then
		tm kill-window -t rw:renamed || why="kill-window failed"
		out=$(tm list-windows -t rw -F '#{window_index}:#{window_name}' | paste -sd' ' -)
		[ -n "$why" ] || [ "$out" = "0:first 1:second" ] || why="list-windows after kill-window: '$out'"
	fi
	if [ -z "$why" ]; then
		tm new-session -d -s rw2 -x 80 -y 24 || why="second new-session failed"
		out=$(tm list-sessions -F '#{session_name}:#{session_windows}' | paste -sd' ' -)
		[ -n "$why" ] || [ "$out" = "rw:2 rw2:1" ] || why="list-sessions: '$out', expected 'rw:2 rw2:1'"
	fi
	if [ -z "$why" ]; then
		tm kill-session -t rw2 || why="kill-session failed"
		[ -n "$why" ] || ! tm has-session -t rw2 || why="has-session rw2 succeeds after kill-session"
	fi
	if [ -z "$why" ]; then
		pass tmux-windows "new-window x2, rename-window, split-window, kill-window, second session," \
			"list-windows/list-panes/list-sessions all as expected"
	else
		tm_fail tmux-windows "$why"
	fi

	# keys in, pty output back
	why=""
	tm send-keys -t rw:first 'echo hello-from-tmux-$((6*7))' Enter || why="send-keys failed"
	if [ -z "$why" ] && ! wait_pane rw:first 10 '$0 == "hello-from-tmux-42" { f = 1 } END { exit !f }'; then
		why="capture-pane never showed hello-from-tmux-42 (pane: $(grep -v '^$' "$T/pane" | tail -2 | paste -sd'|' -))"
	fi
	if [ -z "$why" ]; then
		tm send-keys -t rw:first 'seq 1 3000; echo seq-done-$((40+2))' Enter || why="send-keys (seq) failed"
	fi
	if [ -z "$why" ] && ! wait_pane rw:first 15 '
			$0 == "seq-done-42" { f = (p2 == "2999" && p1 == "3000") } { p2 = p1; p1 = $0 } END { exit !f }'; then
		why="after 'seq 1 3000' capture-pane did not end in 2999, 3000, seq-done-42 (pane: $(grep -v '^$' "$T/pane" | tail -3 | paste -sd'|' -))"
	fi
	if [ -z "$why" ]; then
		tm send-keys -t rw:second.1 'echo pane-two-$((1+1))' Enter || why="send-keys to the second pane failed"
		[ -n "$why" ] || wait_pane rw:second.1 10 '$0 == "pane-two-2" { f = 1 } END { exit !f }' ||
			why="capture-pane of the split pane never showed pane-two-2"
	fi
	if [ -z "$why" ]; then
		pass tmux-send-keys "echo hello-from-tmux-\$((6*7)) -> hello-from-tmux-42; seq 1 3000 through the pty;" \
			"second pane answers"
	else
		tm_fail tmux-send-keys "$why"
	fi

	# kill-server
	if ! tm kill-server; then
		tm_fail tmux-kill-server "kill-server failed"
	elif ! wait_gone "$TMUX_PID" 10; then
		fail tmux-kill-server "server pid $TMUX_PID still running 10 s after kill-server"
	elif tm has-session 2> /dev/null; then
		fail tmux-kill-server "has-session still succeeds"
	else
		pass tmux-kill-server "server exited; has-session: $(head -1 "$T/tm.err")"
		TMUX_PID=""
	fi
}

for g in $ONLY; do
	case "$g" in
	memcached) run_memcached ;;
	tmux) run_tmux ;;
	*) echo "realworld: unknown group '$g' (memcached, tmux)" >&2; exit 2 ;;
	esac
done
echo "$PASSED passed, $FAILED failed"
[ $FAILED = 0 ]
