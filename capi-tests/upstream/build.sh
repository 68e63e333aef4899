#!/usr/bin/env bash
# Build libevent 2.1.12's own test programs (regress, test-*) for the upstream
# conformance harness.  Nothing of upstream is committed: the source comes from
# the crates.io package libevent-sys 0.4.0 (fetched through cargo) and
# everything is built under target/upstream/.
#
# The test programs are linked by SONAME (libevent_core-2.1.so.7,
# libevent_extra-2.1.so.7, libevent_pthreads-2.1.so.7), without RPATH/RUNPATH,
# with lazy binding and --no-as-needed, so that LD_LIBRARY_PATH decides at run
# time which implementation they get.
#
# Idempotent: a second run only re-runs `make`, which does nothing when up to
# date.  Set FORCE=1 to wipe target/upstream/{src,build} and start over.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
UP="${UPSTREAM_DIR:-$ROOT/target/upstream}"
FETCH="$UP/fetch"
SRC="$UP/src"          # private, writable copy of libevent/ (regress.gen.c is generated into it)
BUILD="$UP/build"
JOBS="${JOBS:-2}"
LIBEVENT_SYS_VERSION="0.4.0"

log() { printf '[upstream/build] %s\n' "$*" >&2; }
die() { printf '[upstream/build] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- apt deps
APT_UPDATED=0
apt_install() {
    # apt_install pkg...   (we are root on CI; be quiet when already there)
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    log "apt-get install -y ${missing[*]}"
    if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}" >&2; then
        if [ $APT_UPDATED = 0 ]; then
            APT_UPDATED=1
            $sudo apt-get update >&2
            DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}" >&2
        else
            die "apt-get install ${missing[*]} failed"
        fi
    fi
}
need_python() {
    if command -v python3 >/dev/null; then return 0; fi
    apt_install python3
}

if command -v dpkg-query >/dev/null; then
    # cmake+make+gcc to build; zlib1g-dev for regress_zlib; libevent-dev gives the
    # system baseline libs (+ abi-symbols.sh); iproute2/util-linux for run.sh.
    apt_install cmake make gcc libc6-dev binutils zlib1g-dev libevent-dev \
        libevent-2.1-7 libevent-core-2.1-7 libevent-extra-2.1-7 libevent-pthreads-2.1-7 \
        iproute2 util-linux
fi
need_python
command -v cargo >/dev/null || die "cargo not found (needed to fetch libevent-sys $LIBEVENT_SYS_VERSION)"

mkdir -p "$UP"
if [ "${FORCE:-0}" = 1 ]; then
    log "FORCE=1: removing $SRC and $BUILD"
    rm -rf "$SRC" "$BUILD"
fi

# ---------------------------------------------------------------- fetch
# A throwaway cargo project that depends on libevent-sys; `cargo fetch` puts the
# crate into the cargo cache, `cargo metadata` tells us where.
if [ ! -f "$SRC/.copied-from" ]; then
    mkdir -p "$FETCH/src"
    cat > "$FETCH/Cargo.toml" <<TOML
[package]
name = "event-rs-upstream-fetch"
version = "0.0.0"
edition = "2021"
publish = false

[lib]
path = "src/lib.rs"

[dependencies]
libevent-sys = { version = "=$LIBEVENT_SYS_VERSION", default-features = false }

# Not a member of the event_rs workspace.
[workspace]
TOML
    : > "$FETCH/src/lib.rs"
    log "cargo fetch (libevent-sys =$LIBEVENT_SYS_VERSION)"
    ( cd "$FETCH" && cargo fetch --quiet ) || ( cd "$FETCH" && cargo fetch --offline --quiet ) \
        || die "cargo fetch failed"
    MANIFEST="$(cd "$FETCH" && cargo metadata --format-version 1 --offline 2>/dev/null | python3 -c '
import json, sys
m = json.load(sys.stdin)
for p in m["packages"]:
    if p["name"] == "libevent-sys":
        print(p["manifest_path"]); break
')"
    [ -n "$MANIFEST" ] || die "cargo metadata did not list libevent-sys"
    UPSRC="$(dirname "$MANIFEST")/libevent"
    [ -f "$UPSRC/test/regress.c" ] && [ -f "$UPSRC/CMakeLists.txt" ] \
        || die "$UPSRC does not look like a libevent source tree with tests"
    grep -q 'EVENT_NUMERIC_VERSION 0x02010c00' "$UPSRC/CMakeLists.txt" 2>/dev/null \
        || grep -q '2\.1\.12' "$UPSRC/CMakeLists.txt" \
        || die "$UPSRC is not libevent 2.1.12"
    log "copying $UPSRC -> $SRC"
    rm -rf "$SRC" "$BUILD"
    mkdir -p "$SRC"
    cp -a "$UPSRC/." "$SRC/"
    chmod -R u+w "$SRC"
    echo "$UPSRC" > "$SRC/.copied-from"
fi

# ---------------------------------------------------------------- configure
PYTHON3="$(command -v python3)"
CMAKE_ARGS=(
    -DCMAKE_BUILD_TYPE=Release
    -DEVENT__LIBRARY_TYPE=SHARED
    -DEVENT__DISABLE_OPENSSL=ON
    -DEVENT__DISABLE_TESTS=OFF
    -DEVENT__DISABLE_REGRESS=OFF
    -DEVENT__DISABLE_BENCHMARK=ON
    -DEVENT__DISABLE_SAMPLES=ON
    -DEVENT__DISABLE_THREAD_SUPPORT=OFF
    -DEVENT__DISABLE_DEBUG_MODE=OFF
    -DPYTHON_EXECUTABLE="$PYTHON3"
    # Link by SONAME only: no RPATH/RUNPATH in anything we build, lazy binding,
    # and keep every library on the link line in DT_NEEDED.
    -DCMAKE_SKIP_RPATH=ON
    "-DCMAKE_EXE_LINKER_FLAGS=-Wl,--no-as-needed -Wl,-z,lazy -Wl,--disable-new-dtags"
)
if grep -q 'EVENT__DISABLE_MBEDTLS' "$SRC/CMakeLists.txt"; then
    CMAKE_ARGS+=(-DEVENT__DISABLE_MBEDTLS=ON)
fi
STAMP="$(printf '%s\n' "${CMAKE_ARGS[@]}" | sha256sum | cut -c1-16)"
if [ ! -f "$BUILD/CMakeCache.txt" ] || [ "$(cat "$BUILD/.configure-stamp" 2>/dev/null)" != "$STAMP" ]; then
    log "cmake configure"
    rm -rf "$BUILD"
    mkdir -p "$BUILD"
    ( cd "$BUILD" && cmake "${CMAKE_ARGS[@]}" "$SRC" > "$BUILD/configure.log" 2>&1 ) \
        || { tail -40 "$BUILD/configure.log" >&2; die "cmake configure failed (see $BUILD/configure.log)"; }
    grep -q 'ZLIB' "$BUILD/CMakeCache.txt" || true
    echo "$STAMP" > "$BUILD/.configure-stamp"
fi

# ---------------------------------------------------------------- build
TESTPROGS="test-changelist test-eof test-closed test-fdleak test-init test-time test-weof test-dumpevents test-ratelim"
log "make -j$JOBS regress $TESTPROGS"
( cd "$BUILD" && make -j"$JOBS" regress $TESTPROGS > "$BUILD/make.log" 2>&1 ) \
    || { tail -60 "$BUILD/make.log" >&2; die "make failed (see $BUILD/make.log)"; }

# ---------------------------------------------------------------- verify
BIN="$BUILD/bin"
fail=0
for p in regress $TESTPROGS; do
    f="$BIN/$p"
    [ -x "$f" ] || { log "missing $f"; fail=1; continue; }
    dyn="$(readelf -d "$f")"
    if grep -Eq '\((RPATH|RUNPATH)\)' <<<"$dyn"; then
        log "$p has RPATH/RUNPATH"; fail=1
    fi
    if grep -q 'BIND_NOW\|FLAGS_1.*NOW' <<<"$dyn"; then
        log "$p is linked with -z now"; fail=1
    fi
    want="libevent_core-2.1.so.7 libevent_extra-2.1.so.7"
    [ "$p" = regress ] && want="$want libevent_pthreads-2.1.so.7"
    for so in $want; do
        grep -q "(NEEDED).*\[$so\]" <<<"$dyn" || { log "$p does not NEED $so"; fail=1; }
    done
    if grep -E '\(NEEDED\)' <<<"$dyn" | grep -E 'libevent' | grep -vq -- '-2\.1\.so\.7\]'; then
        log "$p NEEDs a libevent library not by SONAME:"; grep -E '\(NEEDED\).*libevent' <<<"$dyn" >&2; fail=1
    fi
done
# regress must have been built with zlib and thread support.
grep -q 'regress_zlib.c' "$BUILD/CMakeFiles/regress.dir/build.make" 2>/dev/null \
    || { log "regress built without zlib tests"; fail=1; }
grep -q 'regress_thread.c' "$BUILD/CMakeFiles/regress.dir/build.make" 2>/dev/null \
    || { log "regress built without thread tests"; fail=1; }
[ $fail = 0 ] || die "verification of the built test programs failed"

echo "$BIN" > "$UP/bindir"
log "ok: test programs in $BIN (upstream libs in $BUILD/lib)"
