#!/usr/bin/env bash
# Side-by-side benchmarks of event_rs against the system libevent 2.1.12.
#
#   capi-tests/bench/run.sh              # `make bench`: everything; writes
#                                        #   docs/BENCHMARKS.md and docs/benchmarks.svg
#   capi-tests/bench/run.sh --evbuffer   # `make bench-evbuffer`: evbuffer cases only;
#                                        #   writes target/bench/evbuffer.{md,svg}
#   capi-tests/bench/run.sh --net        # `make bench-net`: network workloads (3)-(5)
#                                        #   only (echo server net_server.c against the
#                                        #   raw-epoll client net_client.c, on 127.0.0.1);
#                                        #   writes target/bench/net.{md,svg}
#
# Environment:
#   QUICK=1            fewer runs and smaller sizes (about a minute; --net: under one)
#   EVENT_RS_LIBDIR    our shim directory (default target/lib; `make lib` builds it)
#   BENCH_OUT          work directory (default target/bench)
#   BENCH_MD/BENCH_SVG where to write the table and the chart
#   NO_CALLGRIND=1, NO_STRACE=1   skip those parts
#
# Every program is built ONCE against the system headers (/usr/include/event2)
# and linked by SONAME (-levent -> NEEDED libevent-2.1.so.7, -levent_core ->
# libevent_core-2.1.so.7), without RPATH.  The same binary is then run against
# the system libevent (LD_LIBRARY_PATH unset) and against event_rs
# (LD_LIBRARY_PATH=<snapshot of target/lib>: libevent_rs.so plus the SONAME
# shims), which ldd verifies below before anything is measured.  The library
# directory is copied to target/bench/lib first, so that a concurrent
# `make lib` cannot swap the library in the middle of a run.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
MODE=all
case "${1:-}" in
    --evbuffer|evbuffer) MODE=evbuffer ;;
    --net|net) MODE=net ;;
    ""|--all|all) MODE=all ;;
    *) echo "usage: $0 [--evbuffer | --net]" >&2; exit 2 ;;
esac
case "${QUICK:-0}" in ""|0|no|false) QUICK=0 ;; *) QUICK=1 ;; esac
LIBSRC="${EVENT_RS_LIBDIR:-$ROOT/target/lib}"
OUT="${BENCH_OUT:-$ROOT/target/bench}"
BIN="$OUT/bin"
SNAP="$OUT/lib"
if [ "$MODE" = all ]; then
    MD="${BENCH_MD:-$ROOT/docs/BENCHMARKS.md}"
    SVG="${BENCH_SVG:-$ROOT/docs/benchmarks.svg}"
else
    MD="${BENCH_MD:-$OUT/$MODE.md}"
    SVG="${BENCH_SVG:-$OUT/$MODE.svg}"
fi

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------ tools
need=()
command -v gcc >/dev/null || need+=(gcc)
command -v python3 >/dev/null || need+=(python3)
[ -f /usr/include/event2/event.h ] || need+=(libevent-dev)
if [ -z "${NO_CALLGRIND:-}" ]; then command -v valgrind >/dev/null || need+=(valgrind); fi
if [ -z "${NO_STRACE:-}" ] && [ "$MODE" != evbuffer ]; then command -v strace >/dev/null || need+=(strace); fi
if [ ${#need[@]} -gt 0 ]; then
    command -v apt-get >/dev/null || die "missing: ${need[*]}"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    log "apt-get install ${need[*]}"
    $SUDO apt-get update -qq >&2 || true
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >&2 \
        || die "could not install ${need[*]}"
fi

# ------------------------------------------------------------ our library
[ -f "$LIBSRC/libevent_rs.so" ] && [ -f "$LIBSRC/libevent-2.1.so.7" ] \
    || die "$LIBSRC has no libevent_rs.so and SONAME shims; run 'make lib' first"
rm -rf "$SNAP"
mkdir -p "$SNAP" "$BIN" "$OUT"
cp -L "$LIBSRC/libevent_rs.so" "$SNAP/"
for s in "$LIBSRC"/lib*-2.1.so.7; do cp -L "$s" "$SNAP/"; done
log "library snapshot: $SNAP ($(sha256sum "$SNAP/libevent_rs.so" | cut -c1-12))"

# ------------------------------------------------------------ build, once
CFLAGS=(-O2 -g -Wall -Wextra -I"$HERE")
LINK=(-Wl,--no-as-needed -Wl,--disable-new-dtags)
build() {   # build <name> <source> <libs...>
    local name="$1" src="$2"; shift 2
    gcc "${CFLAGS[@]}" -o "$BIN/$name" "$src" "${LINK[@]}" "$@" || die "build of $name failed"
}
build bench_fds      "$HERE/bench_fds.c"      -levent
build epoll_fds      "$HERE/epoll_fds.c"
build bench_timers   "$HERE/bench_timers.c"   -levent
build bench_evbuffer "$HERE/bench_evbuffer.c" -levent_core
build net_server     "$HERE/net_server.c"     -levent   # (3)-(5): libevent echo server
build net_client     "$HERE/net_client.c"               # (3)-(5): raw epoll load client
build net_server_raw "$HERE/net_server_raw.c"           # (3)-(4): the floor, no library

# libevent's own test/bench.c and bench_cascade.c, unmodified, when the
# libevent-sys 0.4.0 source is at hand (never committed; see upstream/build.sh).
rm -f "$BIN/upstream_bench" "$BIN/upstream_cascade"
if [ "$MODE" = all ]; then
    UPSRC=""
    for d in "$ROOT/target/upstream/src" "$HOME"/.cargo/registry/src/*/libevent-sys-0.4.0/libevent; do
        [ -f "$d/test/bench.c" ] && [ -f "$d/util-internal.h" ] && { UPSRC="$d"; break; }
    done
    if [ -z "$UPSRC" ] && command -v cargo >/dev/null; then
        FETCH="$OUT/fetch"; mkdir -p "$FETCH/src"; : > "$FETCH/src/lib.rs"
        cat > "$FETCH/Cargo.toml" <<'TOML'
[package]
name = "event-rs-bench-fetch"
version = "0.0.0"
edition = "2021"
publish = false
[lib]
path = "src/lib.rs"
[dependencies]
libevent-sys = { version = "=0.4.0", default-features = false }
[workspace]
TOML
        if (cd "$FETCH" && (cargo fetch --quiet || cargo fetch --offline --quiet)) 2>/dev/null; then
            for d in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/libevent-sys-0.4.0/libevent; do
                [ -f "$d/test/bench.c" ] && { UPSRC="$d"; break; }
            done
        fi
    fi
    if [ -n "$UPSRC" ]; then
        # bench.c includes ../util-internal.h, which wants the configure-generated
        # evconfig-private.h; on Linux its whole content is _GNU_SOURCE.
        mkdir -p "$OUT/upstream-include"
        printf '#ifndef EVCONFIG_PRIVATE_H_INCLUDED_\n#define EVCONFIG_PRIVATE_H_INCLUDED_\n#ifndef _GNU_SOURCE\n#define _GNU_SOURCE 1\n#endif\n#endif\n' \
            > "$OUT/upstream-include/evconfig-private.h"
        if gcc -O2 -w -I"$OUT/upstream-include" -o "$BIN/upstream_bench" "$UPSRC/test/bench.c" "${LINK[@]}" -levent &&
           gcc -O2 -w -I"$OUT/upstream-include" -o "$BIN/upstream_cascade" "$UPSRC/test/bench_cascade.c" "${LINK[@]}" -levent; then
            log "built upstream bench.c and bench_cascade.c from $UPSRC"
        else
            log "could not build upstream bench.c/bench_cascade.c; skipping those rows"
            rm -f "$BIN/upstream_bench" "$BIN/upstream_cascade"
        fi
    else
        log "libevent-sys 0.4.0 source not found; skipping the upstream bench.c rows"
    fi
fi

# ------------------------------------------------------------ verify the swap
SYSLIB=""
for b in "$BIN"/bench_fds "$BIN"/bench_timers "$BIN"/bench_evbuffer "$BIN"/net_server "$BIN"/upstream_bench "$BIN"/upstream_cascade; do
    [ -x "$b" ] || continue
    if readelf -d "$b" | grep -Eq '\((RPATH|RUNPATH)\)'; then die "$b has an RPATH/RUNPATH"; fi
    soname="$(readelf -d "$b" | sed -n 's/.*NEEDED.*\[\(libevent[a-z_]*-2\.1\.so\.7\)\].*/\1/p' | head -1)"
    [ -n "$soname" ] || die "$b is not linked against a libevent SONAME"
    sys_ldd="$(env -u LD_LIBRARY_PATH -u LD_PRELOAD ldd "$b")"
    rs_ldd="$(env -u LD_PRELOAD LD_LIBRARY_PATH="$SNAP" ldd "$b")"
    echo "$sys_ldd" | grep -q 'libevent_rs' && die "$b loads libevent_rs.so without LD_LIBRARY_PATH"
    echo "$sys_ldd" | grep -Eq "$soname => /(usr/)?lib/" || die "$b: system $soname not found: $sys_ldd"
    echo "$rs_ldd" | grep -q "$soname => $SNAP/$soname" || die "$b: LD_LIBRARY_PATH does not swap $soname: $rs_ldd"
    echo "$rs_ldd" | grep -q "libevent_rs.so => $SNAP/libevent_rs.so" || die "$b: libevent_rs.so not loaded: $rs_ldd"
    echo "$rs_ldd" | grep -E 'libevent' | grep -vq "$SNAP" && die "$b: a system libevent is still loaded with the swap: $rs_ldd"
    [ -n "$SYSLIB" ] || SYSLIB="$(echo "$sys_ldd" | sed -n "s/.*$soname => \([^ ]*\).*/\1/p")"
    log "ldd ok: $(basename "$b") ($soname): system -> $(echo "$sys_ldd" | sed -n "s/.*$soname => \([^ ]*\).*/\1/p"), swapped -> $SNAP/libevent_rs.so"
done

# ------------------------------------------------------------ facts for the report
HARD="$(ulimit -Hn)"; [ "$HARD" = unlimited ] && HARD=1048576
BIG_N=$(( (HARD - 64) / 2 )); [ "$BIG_N" -gt 10000 ] && BIG_N=10000
ulimit -Sn "$HARD" 2>/dev/null || true
GIT="$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(cd "$ROOT" && git status --porcelain -- src Cargo.toml build.rs 2>/dev/null)" ]; then GIT="$GIT + uncommitted changes in src/"; fi
export META_DATE="$(date -u '+%Y-%m-%d %H:%M UTC')" META_GIT="$GIT" \
    META_SHA="$(sha256sum "$SNAP/libevent_rs.so" | cut -c1-16)" META_LIBSRC="$LIBSRC" \
    META_SYSVER="$(dpkg-query -W -f='${Version}' libevent-2.1-7 2>/dev/null || echo '?')" \
    META_SYSLIB="$(readlink -f "$SYSLIB" 2>/dev/null || echo "$SYSLIB")" \
    META_CPU="$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)" META_NCPU="$(nproc)" \
    META_LOAD="$(cut -d' ' -f1-3 /proc/loadavg)" META_HARD="$HARD" META_BIGN="$BIG_N"
python3 - "$OUT/meta.json" <<'PY'
import json, os, sys
e = os.environ
json.dump({"date": e["META_DATE"], "git": e["META_GIT"], "lib_sha": e["META_SHA"],
           "libsrc": e["META_LIBSRC"], "sysver": e["META_SYSVER"], "syslib": e["META_SYSLIB"],
           "cpu": e["META_CPU"], "ncpu": e["META_NCPU"], "load0": e["META_LOAD"],
           "hardlimit": int(e["META_HARD"]), "big_n": int(e["META_BIGN"])}, open(sys.argv[1], "w"))
PY

ARGS=("$MODE" --libdir "$SNAP" --bindir "$BIN" --outdir "$OUT" --md "$MD" --svg "$SVG" --meta "$OUT/meta.json")
[ "$QUICK" = 1 ] && ARGS+=(--quick)
[ -n "${NO_CALLGRIND:-}" ] && ARGS+=(--no-callgrind)
[ -n "${NO_STRACE:-}" ] && ARGS+=(--no-strace)
log "measuring ($MODE$([ "$QUICK" = 1 ] && echo ', QUICK'))"
exec python3 "$HERE/harness.py" "${ARGS[@]}"
