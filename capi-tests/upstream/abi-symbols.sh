#!/usr/bin/env bash
# Print the libevent symbols that the upstream test programs (regress, test-*,
# as built by build.sh) import: `nm -D --undefined-only`, filtered to symbols
# that Debian's libevent libraries export.  Functions and data objects are
# listed separately; each line is
#
#   <symbol> <TAB> public|internal <TAB> <exporting SONAME> <TAB> <importing programs>
#
# "internal" = not declared in any public header (include/event2/*.h, include/*.h
# of the upstream source); these are the ones event_rs must export although no
# program outside libevent's own tests should use them.
#
#   capi-tests/upstream/abi-symbols.sh              # full report
#   capi-tests/upstream/abi-symbols.sh --internal   # internal symbols only
#   capi-tests/upstream/abi-symbols.sh --names      # bare names, no sections
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
UP="${UPSTREAM_DIR:-$ROOT/target/upstream}"
BIN="$UP/build/bin"
SRC="$UP/src"
ONLY_INTERNAL=0 NAMES=0
for a in "$@"; do
    case "$a" in
        --internal) ONLY_INTERNAL=1 ;;
        --names) NAMES=1 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "unknown argument $a" >&2; exit 2 ;;
    esac
done

[ -x "$BIN/regress" ] || bash "$HERE/build.sh" >&2

PROGS="regress test-changelist test-closed test-dumpevents test-eof test-fdleak test-init test-ratelim test-time test-weof"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# Debian's exports: name <TAB> F|D <TAB> soname
: > "$TMP/exports"
for so in libevent_core-2.1.so.7 libevent_extra-2.1.so.7 libevent_pthreads-2.1.so.7 \
          libevent-2.1.so.7 libevent_openssl-2.1.so.7; do
    p="$(ldconfig -p | awk -v so="$so" '$1 == so && /x86-64/ { print $NF; exit }')"
    [ -n "$p" ] || { [ "$so" = libevent_openssl-2.1.so.7 ] && continue; echo "system $so not found (apt-get install libevent-dev)" >&2; exit 1; }
    nm -DS --defined-only "$p" | awk -v so="$so" '
        NF == 4 && $3 ~ /^[TtWi]$/      { print $4 "\tF\t" so }
        NF == 4 && $3 ~ /^[DdBbRrVGS]$/ { sz = $2; sub(/^0+/, "", sz); printf "%s\tD\t%s (0x%s bytes)\n", $4, so, sz }'
done | sort -t$'\t' -k1,1 -u > "$TMP/exports"   # first SONAME wins (core before libevent)

# Imports: name <TAB> program.  Undefined dynamic symbols, plus the data objects
# the executable imports through copy relocations: those show up as *defined*
# in the executable (in its .bss, R_X86_64_COPY), and that copy is the one the
# whole process, libevent included, must use through the symbol table.
for p in $PROGS; do
    nm -D --undefined-only "$BIN/$p" | awk -v p="$p" '{ print $NF "\t" p }'
    readelf -rW "$BIN/$p" | awk -v p="$p" '$3 == "R_X86_64_COPY" { print $5 "\t" p }'
done | sed 's/@[^\t]*\t/\t/' | sort -u > "$TMP/imports"

# Names declared in the public headers (comments stripped).
find "$SRC/include" -name '*.h' -print0 | xargs -0 cat \
    | sed -e 's://.*$::' | perl -0pe 's:/\*.*?\*/::gs' \
    | grep -oE '[A-Za-z_][A-Za-z0-9_]*' | sort -u > "$TMP/public"

join -t$'\t' "$TMP/imports" "$TMP/exports" \
    | awk -F'\t' '{ if ($1 in kind) progs[$1] = progs[$1] "," $2; else progs[$1] = $2; kind[$1] = $3; so[$1] = $4 }
                  END { for (s in kind) print s "\t" kind[s] "\t" so[s] "\t" progs[s] }' \
    | sort > "$TMP/joined"
while IFS=$'\t' read -r s k so progs; do
    if grep -qxF "$s" "$TMP/public"; then vis=public; else vis=internal; fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$s" "$k" "$vis" "$so" "$progs"
done < "$TMP/joined" > "$TMP/all"

section() {  # kind title
    local rows
    rows="$(awk -F'\t' -v k="$1" -v oi="$ONLY_INTERNAL" '$2 == k && (oi == 0 || $3 == "internal")' "$TMP/all")"
    local n=0 ni=0
    [ -n "$rows" ] && n=$(printf '%s\n' "$rows" | wc -l) && ni=$(printf '%s\n' "$rows" | awk -F'\t' '$3 == "internal"' | wc -l)
    if [ $NAMES = 1 ]; then
        [ -n "$rows" ] && printf '%s\n' "$rows" | cut -f1
        return
    fi
    echo "# $2: $n ($ni internal)"
    [ -n "$rows" ] && printf '%s\n' "$rows" | awk -F'\t' '{ printf "%-40s %-8s %-38s %s\n", $1, $3, $4, $5 }'
    echo
}
section F "functions"
section D "data objects"

# Imports of libevent-looking symbols that Debian does not export (should be none).
grep -E '^(ev|event_|bufferevent|evbuffer|evhttp|evdns|evrpc|evtag|evutil|evthread|evconnlistener|libevent)' "$TMP/imports" \
    | cut -f1 | sort -u | join -v1 - <(cut -f1 "$TMP/exports") > "$TMP/unknown" || true
if [ -s "$TMP/unknown" ] && [ $NAMES = 0 ]; then
    echo "# imported but not exported by Debian's libevent:"
    cat "$TMP/unknown"
fi
