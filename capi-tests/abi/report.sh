#!/usr/bin/env bash
# capi-tests/abi/report.sh -- how much of libevent 2.1.12's binary interface
# target/lib/libevent_rs.so provides (`make abi-report`).
#
#  1. exports by SONAME: of the symbols in ABI_DIR/exports/<soname>.txt
#     (what Debian's libevent exports), how many `nm -D --defined-only` finds
#     in our library, and the missing ones
#  2. the 455 public functions of ABI_DIR/api-functions.tsv, by header
#  3. the data objects libevent exports, with their sizes next to Debian's
#     (`nm -D -S` on the system libraries); the four that libevent's own test
#     programs bind at load time are marked "required"
#  4. symbols exported under a libevent name with the wrong kind (function
#     vs data object)
#  5. the layout check: capi-tests/headers/layout_asserts.c (one
#     _Static_assert per number in ABI_DIR/layout-x86_64.txt) compiled
#     against include/ (C11, C11 after <sys/queue.h>, C++) and, as a sanity
#     check of the assertions, against the system headers
#  6. symbols we export that libevent does not (they may clash with other
#     libraries); our own event_rs_* helpers are listed apart
#
# Prints a summary and writes docs/ABI_STATUS.md (deterministic: sorted, no
# timestamps or absolute paths, so it changes only when the ABI does).
#
# Usage: capi-tests/abi/report.sh [-v] [--strict] [--no-write]
#   -v          also print every missing name on stdout
#   --strict    exit 1 if a layout check fails, a data object's size or a
#               symbol's kind differs from libevent's, or we export extra
#               (non event_rs_*) symbols; missing symbols never fail
#   --no-write  do not write docs/ABI_STATUS.md
# Environment:
#   ABI_DIR     default ../shared/abi beside the repo
#   LIB         default target/lib/libevent_rs.so (make lib)
#   SYS_LIBDIR  Debian's libevent libraries (default /usr/lib/x86_64-linux-gnu)
#   SYS_INC     system headers for the sanity check (default /usr/include)
#   OUT         default docs/ABI_STATUS.md
#   INC         our headers (default include/)
set -u
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ABI_DIR=${ABI_DIR:-$ROOT/../shared/abi}
LIB=${LIB:-$ROOT/target/lib/libevent_rs.so}
SYS_LIBDIR=${SYS_LIBDIR:-/usr/lib/x86_64-linux-gnu}
SYS_INC=${SYS_INC:-/usr/include}
OUT=${OUT:-$ROOT/docs/ABI_STATUS.md}
INC=${INC:-$ROOT/include}
CC=${CC:-gcc}
CXX=${CXX:-g++}
VERBOSE=0 STRICT=0 WRITE=1
for a in "$@"; do
	case "$a" in
	-v) VERBOSE=1 ;;
	--strict) STRICT=1 ;;
	--no-write) WRITE=0 ;;
	-h|--help) sed -n '2,37p' "$0"; exit 0 ;;
	*) echo "unknown argument: $a" >&2; exit 2 ;;
	esac
done

SONAMES="libevent_core-2.1.so.7 libevent_extra-2.1.so.7 libevent_pthreads-2.1.so.7 libevent_openssl-2.1.so.7 libevent-2.1.so.7"
REQUIRED_DATA="evthread_lock_fns_ evthread_cond_fns_ event_debug_logging_mask_ event_global_current_base_"
LAYOUT_SRC=$ROOT/capi-tests/headers/layout_asserts.c

[ -f "$LIB" ] || { echo "abi-report: $LIB not found (run 'make lib')" >&2; exit 2; }
for f in api-functions.tsv layout-x86_64.txt; do
	[ -f "$ABI_DIR/$f" ] || { echo "abi-report: missing $ABI_DIR/$f (set ABI_DIR)" >&2; exit 2; }
done
for so in $SONAMES; do
	[ -f "$ABI_DIR/exports/$so.txt" ] || { echo "abi-report: missing $ABI_DIR/exports/$so.txt" >&2; exit 2; }
done

T=$(mktemp -d "${TMPDIR:-/tmp}/evrs-abi.XXXXXX")
trap 'rm -rf "$T"' EXIT
PROBLEMS=0

rel() { # path relative to the repo when inside it
	case "$1" in "$ROOT"/*) echo "${1#"$ROOT"/}" ;; *) echo "$1" ;; esac
}

# name <TAB> F|D <TAB> size(decimal, data only) -- for one library
symtab() {
	nm -D -S --defined-only "$1" 2>/dev/null | awk '
		{ name = $NF; sub(/@.*/, "", name)
		  if (NF == 4) { type = $3; size = $2 } else { type = $2; size = "" }
		  if (type ~ /^[TtWwi]$/) { print name "\tF\t"; next }
		  if (type ~ /^[DdBbRrVvGgSsu]$/) {
			  n = 0; s = tolower(size)
			  for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			  print name "\tD\t" n
		  } }' | sort -t$'\t' -k1,1 -u
}
symtab "$LIB" > "$T/ours.tab"
cut -f1 "$T/ours.tab" > "$T/ours"

# Debian's libevent (for data sizes and kinds), first library wins.
HAVE_SYS=1
: > "$T/sys.tab.all"
for so in libevent_core-2.1.so.7 libevent_pthreads-2.1.so.7 libevent_extra-2.1.so.7 libevent_openssl-2.1.so.7; do
	if [ -f "$SYS_LIBDIR/$so" ]; then
		symtab "$SYS_LIBDIR/$so" | awk -v so="$so" '{ print $0 "\t" so }' >> "$T/sys.tab.all"
	elif [ "$so" = libevent_core-2.1.so.7 ]; then
		HAVE_SYS=0
	fi
done
awk -F'\t' '!seen[$1]++' "$T/sys.tab.all" | sort -t$'\t' -k1,1 > "$T/sys.tab"

# wrap NAMES... -> lines of at most ~96 columns
wrap() { tr ' ' '\n' | awk 'NF { if (len && len + length($0) + 1 > 96) { print line; line = ""; len = 0 }
	line = len ? line " " $0 : $0; len += length($0) + (len ? 1 : 0) } END { if (len) print line }'; }
md_names() { # NAMES on stdin -> `a`, `b`, ...
	awk 'NF { printf "%s`%s`", (n++ ? ", " : ""), $0 } END { if (n) print ""; }'
}

MD=$T/md
: > "$MD"
{
	echo "# ABI status"
	echo
	echo "Generated by \`make abi-report\` (\`capi-tests/abi/report.sh\`) from \`$(rel "$LIB")\`;"
	echo "do not edit. It compares the library's dynamic symbol table with libevent 2.1.12's"
	echo "(\`../shared/abi/exports/*.txt\`, \`../shared/abi/api-functions.tsv\`) and with Debian's"
	echo "libevent libraries, and compiles the layout assertions against \`include/\`."
	echo
} > "$T/md.head"

# ------------------------------------------------------------ 1. SONAMEs
echo "== exports by SONAME (symbols of Debian's libevent that $(rel "$LIB") defines)"
{
	echo "## Exports by SONAME"
	echo
	echo "Each SONAME shim in \`target/lib\` is empty and depends on \`libevent_rs.so\`, so a"
	echo "program linked to a SONAME needs that SONAME's symbols from \`libevent_rs.so\`."
	echo
	echo "| SONAME | exported | listed | missing | of which public API |"
	echo "|---|---:|---:|---:|---:|"
} >> "$MD"
awk -F'\t' '!/^#/ && NF >= 2 { print $2 }' "$ABI_DIR/api-functions.tsv" | sort -u > "$T/api"
: > "$T/md_missing"
for so in $SONAMES; do
	sort -u "$ABI_DIR/exports/$so.txt" | grep . > "$T/x.$so"
	comm -12 "$T/x.$so" "$T/ours" > "$T/have.$so"
	comm -23 "$T/x.$so" "$T/ours" > "$T/miss.$so"
	n=$(wc -l < "$T/x.$so"); h=$(wc -l < "$T/have.$so"); m=$(wc -l < "$T/miss.$so")
	mp=$(comm -12 "$T/miss.$so" "$T/api" | wc -l)
	printf '  %-28s %4d/%-4d  %4d missing (%d public API, %d internal)\n' "$so" "$h" "$n" "$m" "$mp" $((m - mp))
	echo "| \`$so\` | $h | $n | $m | $mp |" >> "$MD"
	[ $VERBOSE = 1 ] && [ "$m" -gt 0 ] && wrap < "$T/miss.$so" | sed 's/^/      /'
done
# libevent-2.1.so.7 is normally core + extra: say so instead of listing twice
cat "$T/x.libevent_core-2.1.so.7" "$T/x.libevent_extra-2.1.so.7" | sort -u > "$T/core+extra"
ALL_IS_UNION=0
cmp -s "$T/core+extra" "$T/x.libevent-2.1.so.7" && ALL_IS_UNION=1
{
	echo
	[ $ALL_IS_UNION = 1 ] && echo "\`libevent-2.1.so.7\` exports exactly the union of \`libevent_core\` and \`libevent_extra\`." && echo
	echo "### Missing, by SONAME"
	echo
	echo "\"Internal\" names are exported by libevent but declared in no public header"
	echo "(\`*_\` helpers used by libevent's own tests, \`EVUTIL_IS*_\` tables, backend ops tables...)."
	echo
	for so in $SONAMES; do
		[ $ALL_IS_UNION = 1 ] && [ "$so" = libevent-2.1.so.7 ] && continue
		m=$(wc -l < "$T/miss.$so")
		[ "$m" = 0 ] && { echo "- \`$so\`: none missing"; echo; continue; }
		comm -12 "$T/miss.$so" "$T/api" > "$T/mp"
		comm -23 "$T/miss.$so" "$T/api" > "$T/mi"
		echo "- \`$so\`: $m missing"
		echo
		if [ -s "$T/mp" ]; then
			echo "  public API ($(wc -l < "$T/mp")):"
			echo
			echo '  ```'; wrap < "$T/mp" | sed 's/^/  /'; echo '  ```'
			echo
		fi
		if [ -s "$T/mi" ]; then
			echo "  internal ($(wc -l < "$T/mi")):"
			echo
			echo '  ```'; wrap < "$T/mi" | sed 's/^/  /'; echo '  ```'
			echo
		fi
	done
} >> "$MD"

# ------------------------------------------------------------ 2. headers
echo "== public API functions by header (api-functions.tsv)"
{
	echo "## Public API functions by header"
	echo
	echo "The 455 functions that libevent 2.1.12's public headers declare"
	echo "(\`api-functions.tsv\`), and whether \`libevent_rs.so\` exports them."
	echo
	echo "| header | exported | total | missing |"
	echo "|---|---:|---:|---|"
} >> "$MD"
awk -F'\t' '!/^#/ && NF >= 2 { print $1 "\t" $2 }' "$ABI_DIR/api-functions.tsv" | sort -t$'\t' -k1,1 -k2,2 -u > "$T/api.by"
awk -F'\t' 'FNR == NR { have[$1] = 1; next }
	{ tot[$1]++; if ($2 in have) ex[$1]++; else miss[$1] = miss[$1] " " $2 }
	END { for (h in tot) print h "\t" ex[h] + 0 "\t" tot[h] "\t" miss[h] }' "$T/ours" "$T/api.by" \
	| sort -t$'\t' -k1,1 > "$T/hdr"
TE=0 TT=0
while IFS=$'\t' read -r h e t miss; do
	TE=$((TE + e)); TT=$((TT + t))
	printf '  %-30s %4d/%-4d%s\n' "event2/$h.h" "$e" "$t" "$([ "$e" = "$t" ] && echo "  complete")"
	[ $VERBOSE = 1 ] && [ "$e" != "$t" ] && echo "$miss" | wrap | sed 's/^/      /'
	if [ "$e" = "$t" ]; then cell="—"
	elif [ "$e" = 0 ]; then cell="all"
	else cell=$(echo "$miss" | tr ' ' '\n' | md_names); fi
	echo "| \`event2/$h.h\` | $e | $t | $cell |" >> "$MD"
done < "$T/hdr"
printf '  %-30s %4d/%-4d\n' "total" "$TE" "$TT"
echo "| **total** | **$TE** | **$TT** | |" >> "$MD"
echo >> "$MD"

# ------------------------------------------------------------ 3. data objects
echo "== data objects (sizes vs Debian's libevent)"
{
	echo "## Data objects"
	echo
	echo "Every data object Debian's libevent exports. The four marked *required* are bound at"
	echo "load time by libevent's own test programs (\`regress\` does not load without them), and"
	echo "the library must use the copy the symbol table resolves to. The others are internal"
	echo "(backend and bufferevent ops tables, debug flags)."
	echo
	echo "| symbol | required | Debian | ours | status |"
	echo "|---|---|---:|---:|---|"
} >> "$MD"
if [ $HAVE_SYS = 1 ]; then
	awk -F'\t' '$2 == "D" { print $1 }' "$T/sys.tab" > "$T/datanames"
else
	echo "  (Debian's libevent not found in $SYS_LIBDIR: sizes not compared; apt-get install libevent-dev)"
	: > "$T/datanames"
fi
printf '%s\n' $REQUIRED_DATA >> "$T/datanames"
sort -u "$T/datanames" -o "$T/datanames"
REQ_OK=0 REQ_N=0
while read -r s; do
	req=no; case " $REQUIRED_DATA " in *" $s "*) req=yes; REQ_N=$((REQ_N + 1)) ;; esac
	sys=$(awk -F'\t' -v s="$s" '$1 == s { print ($2 == "D" ? $3 : "function") }' "$T/sys.tab")
	[ -z "$sys" ] && sys="?"
	ours=$(awk -F'\t' -v s="$s" '$1 == s { print ($2 == "D" ? $3 : "function") }' "$T/ours.tab")
	if [ -z "$ours" ]; then ours="—"; st="missing"
	elif [ "$sys" = "?" ]; then st="present (not compared)"
	elif [ "$ours" = "$sys" ]; then st="ok"
	else st="DIFFERS"; PROBLEMS=$((PROBLEMS + 1)); fi
	[ $req = yes ] && [ "$st" = ok ] && REQ_OK=$((REQ_OK + 1))
	if [ $req = yes ] || [ "$ours" != "—" ] || [ $VERBOSE = 1 ]; then
		printf '  %-38s %-9s Debian %-8s ours %-8s %s\n' "$s" "$([ $req = yes ] && echo required || echo internal)" "$sys" "$ours" "$st"
	fi
	echo "| \`$s\` | $req | $sys | $ours | $st |" >> "$MD"
done < "$T/datanames"
ND=$(wc -l < "$T/datanames")
NDO=$(awk -F'\t' 'FNR == NR { d[$1] = 1; next } ($1 in d)' "$T/datanames" "$T/ours.tab" | wc -l)
echo "  required: $REQ_OK/$REQ_N present with Debian's size; all data objects: $NDO/$ND exported"
{
	echo
	echo "Required: $REQ_OK/$REQ_N present with Debian's size. All data objects: $NDO/$ND exported (sizes in bytes)."
	echo
} >> "$MD"

# ------------------------------------------------------------ 4. kinds
awk -F'\t' 'FNR == NR { k[$1] = $2; next } ($1 in k) && k[$1] != $2 {
	print $1 "\t" (k[$1] == "F" ? "function" : "data") "\t" ($2 == "F" ? "function" : "data") }' \
	"$T/sys.tab" "$T/ours.tab" > "$T/kinds"
NK=$(wc -l < "$T/kinds")
{
	echo "## Symbol kinds"
	echo
	if [ $HAVE_SYS = 0 ]; then
		echo "Not checked (Debian's libevent is not installed)."
	elif [ "$NK" = 0 ]; then
		echo "Every symbol we export under a libevent name has libevent's kind (function or data object)."
	else
		echo "| symbol | Debian | ours |"
		echo "|---|---|---|"
		awk -F'\t' '{ print "| `" $1 "` | " $2 " | " $3 " |" }' "$T/kinds"
	fi
	echo
} >> "$MD"
if [ $HAVE_SYS = 1 ]; then
	echo "== symbol kinds: $NK exported with a kind (function/data) other than libevent's"
	awk -F'\t' '{ print "  " $1 ": Debian " $2 ", ours " $3 }' "$T/kinds"
	PROBLEMS=$((PROBLEMS + NK))
fi

# ------------------------------------------------------------ 5. layout
echo "== layout (capi-tests/headers/layout_asserts.c)"
awk '/^sizeof\(|offsetof\(/' "$ABI_DIR/layout-x86_64.txt" > "$T/layout_nums"
NNUM=$(wc -l < "$T/layout_nums")
awk '
	/^sizeof\(/ { t = $0; sub(/^sizeof\(/, "", t); sub(/\) = .*/, "", t); print "sizeof(" t ") == " $NF; next }
	/offsetof\(/ { s = $0; sub(/^ *offsetof\(/, "", s); sub(/\) = .*/, "", s); split(s, a, ", ")
	               print "offsetof(" a[1] ", " a[2] ") == " $NF }' "$ABI_DIR/layout-x86_64.txt" > "$T/layout_want"
# numbers with their assertion
NCOV=$(while read -r l; do grep -qF "$l" "$LAYOUT_SRC" 2>/dev/null && echo x; done < "$T/layout_want" | wc -l)
{
	echo "## Struct layouts"
	echo
	echo "\`capi-tests/headers/layout_asserts.c\` holds a \`_Static_assert\` for each of the $NNUM"
	echo "sizes and offsets in \`layout-x86_64.txt\` ($NCOV covered). It is compiled here; the full"
	echo "header checks (every field of every public struct against the system headers) are in"
	echo "\`capi-tests/headers/check.sh\` and \`make test-layout\` (bindgen)."
	echo
	echo "| check | result |"
	echo "|---|---|"
	echo "| assertions cover layout-x86_64.txt | $NCOV/$NNUM |"
} >> "$MD"
printf '  %-52s %s\n' "assertions covering layout-x86_64.txt" "$NCOV/$NNUM"
[ "$NCOV" = "$NNUM" ] || PROBLEMS=$((PROBLEMS + 1))
LAYOUT_FAIL=0
layout_check() { # name incdir compiler flags...
	local name=$1 inc=$2 cc=$3 res; shift 3
	if [ ! -f "$LAYOUT_SRC" ]; then res="FAIL (no layout_asserts.c)"
	elif [ ! -f "$inc/event2/event.h" ]; then res="skipped (no headers in $(rel "$inc"))"
	elif $cc "$@" -I"$inc" -c "$LAYOUT_SRC" -o "$T/layout.o" > "$T/layout.log" 2>&1; then res=pass
	else res=FAIL; LAYOUT_FAIL=$((LAYOUT_FAIL + 1)); fi
	printf '  %-52s %s\n' "$name" "$res"
	[ "$res" = FAIL ] && grep -m3 'error' "$T/layout.log" | sed "s|$ROOT/||; s/^/      /"
	echo "| $name | $res |" >> "$MD"
}
layout_check "include/, C11 -Wall -Wextra -pedantic -Werror" "$INC" $CC -std=c11 -Wall -Wextra -pedantic -Werror
layout_check "include/, C11, sys/queue.h first" "$INC" $CC -std=c11 -Wall -Wextra -pedantic -Werror -DLAYOUT_WITH_SYS_QUEUE
layout_check "include/, C++ -Wall -Wextra -Werror" "$INC" $CXX -x c++ -Wall -Wextra -Werror
SAVE_FAIL=$LAYOUT_FAIL
layout_check "system headers (sanity of the assertions)" "$SYS_INC" $CC -std=c11 -Wall -Wextra
PROBLEMS=$((PROBLEMS + LAYOUT_FAIL))
echo >> "$MD"

# ------------------------------------------------------------ 6. extras
cat "$T"/x.* | sort -u > "$T/libevent_all"
comm -23 "$T/ours" "$T/libevent_all" > "$T/extra_all"
grep -E '^event_rs_' "$T/extra_all" > "$T/extra_own" || true
grep -Ev '^event_rs_' "$T/extra_all" > "$T/extra" || true
NX=$(wc -l < "$T/extra"); NO=$(wc -l < "$T/extra_own")
echo "== exports libevent does not have: $NX (plus $NO of our own event_rs_* helpers)"
wrap < "$T/extra" | sed 's/^/  /'
[ $VERBOSE = 1 ] && wrap < "$T/extra_own" | sed 's/^/  (own) /'
PROBLEMS=$((PROBLEMS + NX))
{
	echo "## Exports libevent does not have"
	echo
	echo "Symbols \`libevent_rs.so\` exports that no libevent 2.1.12 library exports. Such names"
	echo "could clash with other libraries in the same process; Rust's own symbols must not"
	echo "leak. Our \`event_rs_*\` helpers (glue between the C files of \`src/capi/\` for the varargs"
	echo "functions and the Rust core) are listed apart."
	echo
	if [ "$NX" = 0 ]; then echo "- other: none"
	else echo "- other ($NX): $(md_names < "$T/extra")"; fi
	if [ "$NO" = 0 ]; then echo "- \`event_rs_*\` helpers: none"
	else echo "- \`event_rs_*\` helpers ($NO): $(md_names < "$T/extra_own")"; fi
} >> "$MD"

# ------------------------------------------------------------ summary
TOTX=$(wc -l < "$T/libevent_all"); HAVEX=$(comm -12 "$T/libevent_all" "$T/ours" | wc -l)
echo "summary: $HAVEX/$TOTX libevent symbols exported, $TE/$TT public API functions," \
	"required data objects $REQ_OK/$REQ_N, layout $([ $SAVE_FAIL = 0 ] && echo pass || echo FAIL), $NX extra exports"
{
	cat "$T/md.head"
	echo "## Summary"
	echo
	echo "- libevent symbols exported (all SONAMEs): $HAVEX/$TOTX"
	echo "- public API functions exported: $TE/$TT"
	echo "- required data objects with libevent's size: $REQ_OK/$REQ_N"
	echo "- layout assertions against \`include/\`: $([ $SAVE_FAIL = 0 ] && echo pass || echo FAIL)"
	echo "- extra exports (not \`event_rs_*\`): $NX"
	echo
	cat "$MD"
} > "$T/md.full"
MD=$T/md.full
if [ $WRITE = 1 ]; then
	mkdir -p "$(dirname "$OUT")"
	if cmp -s "$MD" "$OUT"; then echo "$(rel "$OUT") is up to date"
	else cp "$MD" "$OUT"; echo "wrote $(rel "$OUT")"; fi
fi
if [ $STRICT = 1 ] && [ $PROBLEMS -gt 0 ]; then
	echo "abi-report --strict: $PROBLEMS problem(s)"
	exit 1
fi
exit 0
