#!/usr/bin/env bash
# capi-tests/headers/check.sh -- checks the hand-kept header templates
# (src/capi/headers/**/*.h.in) against libevent 2.1.12's public API.
#
# It needs no Rust build: a throwaway generator turns the templates into
# headers, either with the '/* @cbindgen MODULE */' lines simply deleted
# ("bare") or replaced by libevent's own prototypes from
# abi/api-functions.tsv ("protos": proves every type a function names is
# declared before the marker and that our typedefs are compatible).
#
#  1. compile: every header together and each header alone, with
#     gcc -std=c99 -Wall -Wextra -pedantic -Werror, gcc -std=gnu11 (same
#     flags) and g++ -Wall -Wextra -Werror, also after <sys/queue.h> and
#     after <stdio.h> (so event-config.h's _GNU_SOURCE comes too late);
#     plus c89/gnu89/c++98/c++11/gnu++17 with -pedantic; and a check that
#     sockaddr_in/htons/addrinfo/FILE/errno work after event2/event.h alone
#  2. constants: abi/api-constants.tsv plus every enumerator, printed with
#     their C type from our headers and from the system's, diffed; values
#     also compared with the tsv
#  3. macros: every name in abi/api-macros.tsv is #defined by its header
#     (names libevent itself defines only on other platforms are listed
#     as such), and with the system headers present, every macro the
#     system header defines is defined by ours with the same body
#  4. layout: layout_asserts.c (_Static_assert for each number in
#     abi/layout-x86_64.txt) compiles against our headers, plus a diff of
#     sizeof/offsetof of every field of every public struct vs the system
#  5. markers: one '@cbindgen' line per API header, naming its module
#  6. when include/ has generated headers (GEN_INC, default include/):
#     they compile, layout_asserts.c holds, and every declared prototype
#     agrees with libevent's (missing ones are only counted)
#
# Usage: capi-tests/headers/check.sh [-v]
#   ABI_DIR   abi folder (default ../shared/abi beside the repo)
#   SYS_INC   include dir holding libevent's headers (default /usr/include);
#             comparisons with the system are skipped when it lacks them
#             (apt-get install libevent-dev provides them)
#   CC, CXX   compilers (gcc, g++)
# Prints "N passed, N failed"; exits non-zero on any failure.

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TPL=$ROOT/src/capi/headers
ABI_DIR=${ABI_DIR:-$ROOT/../shared/abi}
SYS_INC=${SYS_INC:-/usr/include}
CC=${CC:-gcc}
CXX=${CXX:-g++}
VERBOSE=0
[ "${1:-}" = "-v" ] && VERBOSE=1

T=$(mktemp -d "${TMPDIR:-/tmp}/evrs-headers.XXXXXX")
trap 'rm -rf "$T"' EXIT

PASS=0
FAIL=0
FAILED_NAMES=()
pass() { PASS=$((PASS + 1)); [ $VERBOSE = 1 ] && echo "ok   $1"; return 0; }
fail() {
	FAIL=$((FAIL + 1)); FAILED_NAMES+=("$1"); echo "FAIL $1"
	if [ -n "${2:-}" ] && [ -s "$2" ]; then sed 's/^/     | /' "$2" | head -40; fi
	return 0
}
note() { echo "note $*"; }

for f in api-constants.tsv api-macros.tsv api-functions.tsv layout-x86_64.txt; do
	[ -f "$ABI_DIR/$f" ] || { echo "missing $ABI_DIR/$f (set ABI_DIR)"; exit 2; }
done

HAVE_SYS=0
if [ -f "$SYS_INC/event2/event.h" ] && [ -f "$SYS_INC/event.h" ]; then
	HAVE_SYS=1
else
	note "no libevent headers in $SYS_INC: comparisons with the system are skipped"
fi

# ---------------------------------------------------------------- generator
# All templates, as paths relative to $TPL without .in
HEADERS=$(cd "$TPL" && find . -name '*.h.in' | sed 's|^\./||; s|\.in$||' | LC_ALL=C sort)
# The API headers: libevent's 26 event2 headers and the 5 legacy ones.
EXPECTED_HEADERS="event.h evutil.h evhttp.h evdns.h evrpc.h
event2/buffer.h event2/buffer_compat.h event2/bufferevent.h
event2/bufferevent_compat.h event2/bufferevent_ssl.h event2/bufferevent_struct.h
event2/dns.h event2/dns_compat.h event2/dns_struct.h event2/event.h
event2/event_compat.h event2/event_struct.h event2/event-config.h event2/http.h
event2/http_compat.h event2/http_struct.h event2/keyvalq_struct.h
event2/listener.h event2/rpc.h event2/rpc_compat.h event2/rpc_struct.h
event2/tag.h event2/tag_compat.h event2/thread.h event2/util.h
event2/visibility.h"
# Headers that declare functions in libevent and so carry a marker.
MARKED="event2/buffer.h event2/buffer_compat.h event2/bufferevent.h
event2/bufferevent_compat.h event2/bufferevent_ssl.h event2/dns.h
event2/dns_compat.h event2/event.h event2/event_compat.h event2/http.h
event2/http_compat.h event2/listener.h event2/rpc.h event2/rpc_compat.h
event2/tag.h event2/tag_compat.h event2/thread.h event2/util.h"

MARKER_RE='^/\* @cbindgen [a-z_]+ \*/$'

# Prototypes per module from api-functions.tsv, in a form that compiles.
mkdir -p "$T/protos.d"
awk -F'\t' -v d="$T/protos.d" '
	/^#/ { next }
	{
		p = $3
		sub(/^extern /, "EVENT2_EXPORT_SYMBOL ", p)
		gsub(/__va_list_tag \*/, "va_list", p)
		print p > (d "/" $1)
	}' "$ABI_DIR/api-functions.tsv"

gen() { # gen MODE OUTDIR ; MODE = bare | protos
	local mode=$1 out=$2 h
	for h in $HEADERS; do
		mkdir -p "$out/$(dirname "$h")"
		awk -v mode="$mode" -v d="$T/protos.d" '
			/^\/\* @cbindgen [a-z_]+ \*\/$/ {
				if (mode == "protos") {
					f = d "/" $3
					while ((getline line < f) > 0) print line
					close(f)
				}
				next
			}
			{ print }' "$TPL/$h.in" > "$out/$h"
	done
}
gen bare "$T/bare"
gen protos "$T/protos"
OURS_BARE=$T/bare
OURS_PROTOS=$T/protos

# ------------------------------------------------------------- 5. markers
for h in $EXPECTED_HEADERS; do
	if [ -f "$TPL/$h.in" ]; then pass "template exists: $h"
	else fail "template missing: src/capi/headers/$h.in"; fi
done
for h in $HEADERS; do
	case " $(echo $EXPECTED_HEADERS) " in *" $h "*) ;; *) note "extra template $h";; esac
done
for h in $HEADERS; do
	n=$(grep -Ec "$MARKER_RE" "$TPL/$h.in")
	anyn=$(grep -c '@cbindgen' "$TPL/$h.in")
	want_mod=$(basename "$h" .h | tr - _)
	case " $(echo $MARKED) " in
	*" $h "*)
		mod=$(grep -E "$MARKER_RE" "$TPL/$h.in" | awk '{print $3}')
		if [ "$n" = 1 ] && [ "$anyn" = 1 ] && [ "$mod" = "$want_mod" ]; then
			pass "marker: $h -> $mod"
		else
			fail "marker: $h needs exactly one '/* @cbindgen $want_mod */' (found $anyn)"
		fi ;;
	*)
		if [ "$anyn" = 0 ]; then pass "no marker: $h"
		else fail "marker: $h declares no functions and must not carry a marker"; fi ;;
	esac
done
# every module of api-functions.tsv has a marked header
for mod in $(ls "$T/protos.d"); do
	if grep -Eqx "/\* @cbindgen $mod \*/" $(find "$TPL" -name '*.h.in'); then
		pass "module $mod has a marker"
	else
		fail "module $mod (api-functions.tsv) has no marker in any template"
	fi
done

# ------------------------------------------------------------- 1. compile
ALL_TU=$T/all.c
{
	echo '/* every public header */'
	for h in $EXPECTED_HEADERS; do echo "#include <$h>"; done
	echo 'int evrs_headers_dummy(void);'
	echo 'int evrs_headers_dummy(void) { return 0; }'
} > "$ALL_TU"
{ echo '#include <sys/queue.h>'; cat "$ALL_TU"; } > "$T/all_queue.c"
{ echo '#include <stdio.h>'; echo '#include <string.h>'; cat "$ALL_TU"; } > "$T/all_stdio.c"

C99="-std=c99 -Wall -Wextra -pedantic -Werror"
GNU11="-std=gnu11 -Wall -Wextra -pedantic -Werror"
CXXF="-Wall -Wextra -Werror -x c++"

compile() { # compile NAME INCDIR SRC COMPILER FLAGS...
	local name=$1 inc=$2 src=$3 cc=$4; shift 4
	if $cc "$@" -I"$inc" -c "$src" -o "$T/out.o" > "$T/log" 2>&1; then pass "$name"
	else fail "$name" "$T/log"; fi
}

for variant in bare protos; do
	inc=$T/$variant
	for tu in all all_queue all_stdio; do
		compile "compile $variant $tu.c c99" "$inc" "$T/$tu.c" $CC $C99
		compile "compile $variant $tu.c gnu11" "$inc" "$T/$tu.c" $CC $GNU11
		compile "compile $variant $tu.c c++" "$inc" "$T/$tu.c" $CXX $CXXF
	done
	# older and newer dialects programs still use
	compile "compile $variant all.c c89 -pedantic" "$inc" "$T/all.c" $CC -std=c89 -Wall -Wextra -pedantic -Werror
	compile "compile $variant all.c gnu89 -pedantic" "$inc" "$T/all.c" $CC -std=gnu89 -Wall -Wextra -pedantic -Werror
	compile "compile $variant all.c c++98 -pedantic" "$inc" "$T/all.c" $CXX -std=c++98 -pedantic $CXXF
	compile "compile $variant all.c c++11 -pedantic" "$inc" "$T/all.c" $CXX -std=c++11 -pedantic $CXXF
	compile "compile $variant all.c gnu++17 -pedantic" "$inc" "$T/all.c" $CXX -std=gnu++17 -pedantic $CXXF
done
# each header on its own (with libevent's prototypes in place)
for h in $EXPECTED_HEADERS; do
	[ -f "$OURS_PROTOS/$h" ] || continue
	printf '#include <%s>\n#include <%s>\nint evrs_dummy;\n' "$h" "$h" > "$T/one.c"
	compile "standalone $h c99" "$OURS_PROTOS" "$T/one.c" $CC $C99
	compile "standalone $h c++" "$OURS_PROTOS" "$T/one.c" $CXX $CXXF
done
# sockaddr_in / htons / addrinfo / timeval usable after event2/event.h alone
cat > "$T/chain.c" <<'EOF'
#include <event2/event.h>
int evrs_chain(void);
int evrs_chain(void) {
	struct sockaddr_in sin;
	struct sockaddr_storage ss;
	struct addrinfo *ai = 0;
	struct timeval tv = {1, 0};
	struct evutil_addrinfo *eai = ai;
	va_list *ap = 0;
	int8_t i8 = 0; uint64_t u64 = 0; size_t sz = sizeof ss;
	FILE *fp = stdin;
	sin.sin_family = AF_INET;
	sin.sin_port = htons(80);
	(void)eai; (void)ap; (void)i8; (void)u64; (void)fp;
	return errno + (int)sz + (int)tv.tv_sec + sin.sin_port + EVUTIL_SOCKET_ERROR();
}
EOF
compile "include chain event2/event.h -> sockaddr_in, htons, addrinfo, FILE, errno" "$OURS_PROTOS" "$T/chain.c" $CC $C99

# ------------------------------------------------------------- 2. constants
# Enumerators: every 'enum X { A = .., B, ... }' in the templates (and in
# the system headers when present), so a missing or renumbered one shows.
extract_enums() { # comment-free text of the given headers -> enumerator names
	local f
	for f in "$@"; do $CC -fpreprocessed -dD -E -P -x c "$f" 2>/dev/null; done | awk '
		/enum[ \t]+[A-Za-z_0-9]+[ \t]*\{/ { inenum = 1; buf = "" }
		inenum { buf = buf " " $0 }
		inenum && /\}/ {
			sub(/^[^{]*\{/, "", buf); sub(/\}.*$/, "", buf)
			n = split(buf, parts, ",")
			for (i = 1; i <= n; i++) {
				if (match(parts[i], /[A-Za-z_][A-Za-z_0-9]*/))
					print substr(parts[i], RSTART, RLENGTH)
			}
			inenum = 0
		}'
}
{
	extract_enums $(cd "$TPL" && find . -name '*.h.in' | sed "s|^\./|$TPL/|")
	if [ $HAVE_SYS = 1 ]; then
		extract_enums "$SYS_INC"/event2/*.h
	fi
} | LC_ALL=C sort -u > "$T/enums.txt"

awk -F'\t' '!/^#/ && NF >= 2 { print $1 }' "$ABI_DIR/api-constants.tsv" > "$T/consts.txt"
{
	cat <<'EOF'
#include <stdio.h>
#include <event.h>
#include <evhttp.h>
#include <evdns.h>
#include <evrpc.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <event2/bufferevent_ssl.h>
static void pr_s(const char *s) { printf("\"%s\"", s); }
static void pr_i(long long v) { printf("%lld", v); }
static void pr_u(unsigned long long v) { printf("%llu", v); }
#define TYPE_OF(x) _Generic((x), \
	int: "int", unsigned int: "unsigned int", long: "long", \
	unsigned long: "unsigned long", long long: "long long", \
	unsigned long long: "unsigned long long", char *: "char *", \
	const char *: "const char *", default: "other")
#define PRINT_VAL(x) _Generic((x), char *: pr_s, const char *: pr_s, \
	unsigned int: pr_u, unsigned long: pr_u, unsigned long long: pr_u, \
	default: pr_i)(x)
/* what the tsv holds: the value as (long long); strings as text */
#define PRINT_LL(x) _Generic((x), char *: pr_s, const char *: pr_s, \
	default: pr_i)(_Generic((x), char *: (x), const char *: (x), \
	default: (long long)(x)))
#define C(x) do { printf("%s\t%s\t", #x, TYPE_OF(x)); PRINT_VAL(x); \
	printf("\t"); PRINT_LL(x); printf("\n"); } while (0)
int main(void) {
EOF
	while read -r c; do echo "	C($c);"; done < "$T/consts.txt"
	while read -r c; do echo "	C($c);"; done < "$T/enums.txt"
	echo '	return 0;'
	echo '}'
} > "$T/consts.c"

CONST_FLAGS="-std=gnu11 -Wall -Wno-unused-function"
if $CC $CONST_FLAGS -I"$OURS_BARE" "$T/consts.c" -o "$T/consts_ours" > "$T/log" 2>&1 \
	&& "$T/consts_ours" > "$T/consts_ours.txt"; then
	pass "constants program builds against our headers ($(wc -l < "$T/consts.txt") constants, $(wc -l < "$T/enums.txt") enumerators)"
	# compare with the tsv
	awk -F'\t' '
		FNR == NR { if ($0 !~ /^#/ && NF >= 2) want[$1] = $2; next }
		($1 in want) {
			got = $4
			if (got ~ /^"/) {
				# the tsv printed string macros as pointers; match by name
				if ($1 == "LIBEVENT_VERSION" && got == "\"2.1.12-stable\"") print "ok\t" $1
				else print "bad\t" $1 "\t" got "\t(tsv " want[$1] ")"
			} else if (got == want[$1]) print "ok\t" $1
			else print "bad\t" $1 "\t" got "\t(tsv " want[$1] ")"
		}' "$ABI_DIR/api-constants.tsv" "$T/consts_ours.txt" > "$T/const_cmp.txt"
	while IFS=$'\t' read -r st name rest; do
		if [ "$st" = ok ]; then pass "constant $name = tsv"
		else echo "$name $rest" > "$T/log"; fail "constant $name differs from api-constants.tsv" "$T/log"; fi
	done < "$T/const_cmp.txt"
	if [ $HAVE_SYS = 1 ]; then
		if $CC $CONST_FLAGS -I"$SYS_INC" "$T/consts.c" -o "$T/consts_sys" > "$T/log" 2>&1 \
			&& "$T/consts_sys" > "$T/consts_sys.txt"; then
			if diff "$T/consts_sys.txt" "$T/consts_ours.txt" > "$T/log"; then
				pass "constants and enumerators: same type and value as the system headers"
			else
				fail "constants differ from the system headers (< system, > ours)" "$T/log"
			fi
		else
			fail "constants program does not build against the system headers" "$T/log"
		fi
	fi
else
	fail "constants program does not build against our headers" "$T/log"
fi

# ------------------------------------------------------------- 3. macros
# Names libevent 2.1.12 defines only on other platforms or configurations;
# on x86_64 Linux its headers leave them undefined, and so do ours.
PLATFORM_ONLY="WIN32_LEAN_AND_MEAN EVTHREAD_USE_WINDOWS_THREADS_IMPLEMENTED
EVDNS_BASE_CONFIG_WINDOWS_NAMESERVERS_IMPLEMENTED
EVDNS_CONFIG_WINDOWS_NAMESERVERS_IMPLEMENTED ss_family"
# Queue helpers the *_struct.h headers define for their own use (unless
# <sys/queue.h> already did) and #undef again at their end, as libevent's do.
TRANSIENT="TAILQ_ENTRY TAILQ_HEAD LIST_ENTRY LIST_HEAD"

tsv_header_path() { # header column of api-macros.tsv -> include path
	case "$1" in
	event.h) echo event2/event.h ;;
	*) echo "event2/$1" ;;
	esac
}
# probe SRC-PREFIX INCDIR FLAGS... -> prints the names that are NOT defined
probe_undef() {
	local src=$1 inc=$2; shift 2
	"$@" -I"$inc" -E "$src" 2>/dev/null | grep -o 'EVRS_UNDEF [A-Za-z_0-9]*' | awk '{print $2}' | LC_ALL=C sort -u
}
awk -F'\t' '!/^#/ && NF >= 2 { n = $2; sub(/\($/, "", n); print $1 "\t" n }' \
	"$ABI_DIR/api-macros.tsv" > "$T/macros.txt"
for hdr in $(cut -f1 "$T/macros.txt" | LC_ALL=C sort -u); do
	path=$(tsv_header_path "$hdr")
	src=$T/probe_$(echo "$hdr" | tr -c 'a-zA-Z0-9_\n' _).c
	{
		echo "#include <$path>"
		awk -F'\t' -v h="$hdr" '$1 == h { print "#ifndef " $2 "\nEVRS_UNDEF " $2 "\n#endif" }' "$T/macros.txt"
	} > "$src"
	for mode in gnu11 c99; do
		probe_undef "$src" "$OURS_BARE" $CC -std=$mode > "$T/undef_ours_$mode"
		if [ $HAVE_SYS = 1 ]; then
			probe_undef "$src" "$SYS_INC" $CC -std=$mode > "$T/undef_sys_$mode"
		fi
	done
	for m in $(awk -F'\t' -v h="$hdr" '$1 == h { print $2 }' "$T/macros.txt"); do
		in_ours_gnu=1; grep -qx "$m" "$T/undef_ours_gnu11" && in_ours_gnu=0
		in_ours_c99=1; grep -qx "$m" "$T/undef_ours_c99" && in_ours_c99=0
		platform=0; case " $(echo $PLATFORM_ONLY) " in *" $m "*) platform=1;; esac
		if [ $HAVE_SYS = 1 ]; then
			in_sys_gnu=1; grep -qx "$m" "$T/undef_sys_gnu11" && in_sys_gnu=0
			in_sys_c99=1; grep -qx "$m" "$T/undef_sys_c99" && in_sys_c99=0
			if [ $in_sys_gnu != $in_ours_gnu ] || [ $in_sys_c99 != $in_ours_c99 ]; then
				echo "system gnu11/c99 defined=$in_sys_gnu/$in_sys_c99, ours=$in_ours_gnu/$in_ours_c99" > "$T/log"
				fail "macro $m ($path): defined under different conditions than libevent" "$T/log"
				continue
			fi
		fi
		if [ $in_ours_gnu = 1 ] || [ $in_ours_c99 = 1 ]; then
			if [ $in_ours_c99 = 0 ]; then
				pass "macro $m defined by $path (GNU C only, as in libevent)"
			else
				pass "macro $m defined by $path"
			fi
		elif case " $TRANSIENT " in *" $m "*) true;; *) false;; esac; then
			if grep -Eq "^#define $m\(" "$TPL/$path.in"; then
				pass "macro $m: defined by $path while it is read, #undef'd at its end (as libevent)"
			else
				fail "macro $m: $path.in does not define it"
			fi
		elif [ $platform = 1 ]; then
			pass "macro $m: not defined on Linux (libevent defines it only on Windows/old AIX)"
			PLATFORM_SEEN="${PLATFORM_SEEN:-} $m"
		else
			fail "macro $m not defined by $path"
		fi
	done
done
[ -n "${PLATFORM_SEEN:-}" ] && note "platform-only names in api-macros.tsv, left undefined as on Linux libevent:${PLATFORM_SEEN}"

# Every macro the system header defines, same body in ours.
# Deliberate differences:
#   EVENT2_EXPORT_SYMBOL  visibility("default") (libevent's is empty outside its build)
#   EVTAG_ASSIGN/GET/ADD  (rpc_compat.h, GNU C) '...'/__VA_ARGS__ instead of 'args...'
BODY_OK="EVENT2_EXPORT_SYMBOL EVTAG_ASSIGN EVTAG_GET EVTAG_ADD"
if [ $HAVE_SYS = 1 ]; then
	dm() { # dm INCDIR HEADER COMPILER FLAGS... -> "NAME<TAB>#define ..." lines
		local inc=$1 h=$2 cc=$3; shift 3
		printf '#include <%s>\n' "$h" | $cc "$@" -I"$inc" -E -dM - 2>/dev/null \
			| sed -E 's/^#define ([A-Za-z_0-9]+)/\1\t&/' | LC_ALL=C sort
	}
	: > "$T/extras.txt"
	for h in $EXPECTED_HEADERS; do
		for lang in c cxx; do
			if [ $lang = c ]; then set -- $CC -std=gnu11 -x c; else set -- $CXX -x c++; fi
			dm "$SYS_INC" "$h" "$@" > "$T/dm_sys"
			dm "$OURS_BARE" "$h" "$@" > "$T/dm_ours"
			awk -F'\t' '
				FNR == NR { sys[$1] = $2; next }
				{ ours[$1] = $2 }
				END {
					for (k in sys) {
						if (!(k in ours)) print "missing\t" k "\t" sys[k]
						else if (ours[k] != sys[k]) print "body\t" k "\t" sys[k] "\t" ours[k]
					}
					for (k in ours) if (!(k in sys)) print "extra\t" k
				}' "$T/dm_sys" "$T/dm_ours" | LC_ALL=C sort > "$T/dm_cmp"
			bad=$(awk -F'\t' -v ok=" $BODY_OK " '
				$1 == "missing" { print; next }
				$1 == "body" && index(ok, " " $2 " ") == 0 { print }' "$T/dm_cmp")
			if [ -z "$bad" ]; then
				pass "macro set and bodies of <$h> ($lang) match the system header"
			else
				printf '%s\n' "$bad" | sed 's/\t/  |  /g' > "$T/log"
				fail "macros of <$h> ($lang) differ from the system header" "$T/log"
			fi
			awk -F'\t' -v h="$h" -v l="$lang" '$1 == "extra" { print h " (" l "): " $2 }' "$T/dm_cmp" >> "$T/extras.txt"
		done
	done
	if [ -s "$T/extras.txt" ]; then
		note "macros our headers define beyond the system's (extra self-containing includes), by header:"
		awk -F': ' '{ split($1, a, " "); c[$1]++ } END { for (k in c) printf "       %s: %d\n", k, c[k] }' "$T/extras.txt" | LC_ALL=C sort
		[ $VERBOSE = 1 ] && sed 's/^/       /' "$T/extras.txt"
	fi
fi

# ------------------------------------------------------------- 4. layout
LAYOUT=$HERE/layout_asserts.c
# every number in layout-x86_64.txt has its assertion
awk '
	/^sizeof\(/ { t = $0; sub(/^sizeof\(/, "", t); sub(/\) = .*/, "", t); v = $NF
	              print "sizeof(" t ") == " v; cur = t; next }
	/offsetof\(/ { s = $0; sub(/^ *offsetof\(/, "", s); sub(/\) = .*/, "", s); v = $NF
	               split(s, a, ", "); print "offsetof(" a[1] ", " a[2] ") == " v }' \
	"$ABI_DIR/layout-x86_64.txt" > "$T/layout_want.txt"
missing=0
: > "$T/log"
while read -r line; do
	grep -Fq "$line" "$LAYOUT" || { echo "$line" >> "$T/log"; missing=$((missing + 1)); }
done < "$T/layout_want.txt"
if [ $missing = 0 ]; then pass "layout_asserts.c covers all $(wc -l < "$T/layout_want.txt") numbers of layout-x86_64.txt"
else fail "layout_asserts.c lacks $missing assertions" "$T/log"; fi

compile "layout_asserts.c vs our headers (c11)" "$OURS_BARE" "$LAYOUT" $CC -std=c11 -Wall -Wextra -pedantic -Werror
compile "layout_asserts.c vs our headers (c11, <sys/queue.h> first)" "$OURS_BARE" "$LAYOUT" $CC -std=c11 -Wall -Wextra -pedantic -Werror -DLAYOUT_WITH_SYS_QUEUE
compile "layout_asserts.c vs our headers (c++)" "$OURS_BARE" "$LAYOUT" $CXX $CXXF
if [ $HAVE_SYS = 1 ]; then
	compile "layout_asserts.c vs system headers (sanity of the asserts)" "$SYS_INC" "$LAYOUT" $CC -std=c11 -Wall -Wextra
fi

# Every field of every public struct, ours vs system.
if [ $HAVE_SYS = 1 ]; then
	cat > "$T/fields.txt" <<'EOF'
event ev_evcallback ev_evcallback.evcb_active_next ev_evcallback.evcb_flags ev_evcallback.evcb_pri ev_evcallback.evcb_closure ev_evcallback.evcb_cb_union ev_evcallback.evcb_arg ev_timeout_pos ev_timeout_pos.ev_next_with_common_timeout ev_timeout_pos.min_heap_idx ev_fd ev_base ev_ ev_.ev_io.ev_io_next ev_.ev_io.ev_timeout ev_.ev_signal.ev_signal_next ev_.ev_signal.ev_ncalls ev_.ev_signal.ev_pncalls ev_events ev_res ev_timeout
event_callback evcb_active_next evcb_active_next.tqe_next evcb_active_next.tqe_prev evcb_flags evcb_pri evcb_closure evcb_cb_union evcb_cb_union.evcb_callback evcb_cb_union.evcb_selfcb evcb_cb_union.evcb_evfinalize evcb_cb_union.evcb_cbfinalize evcb_arg
event_list tqh_first tqh_last
event_dlist lh_first
bufferevent ev_base be_ops ev_read ev_write input output wm_read wm_write readcb writecb errorcb cbarg timeout_read timeout_write enabled
event_watermark low high
evbuffer_ptr pos internal_ internal_.chain internal_.pos_in_chain
evbuffer_iovec iov_base iov_len
evbuffer_cb_info orig_size n_added n_deleted
evkeyval next next.tqe_next next.tqe_prev key value
evkeyvalq tqh_first tqh_last
evhttp_request next evcon flags input_headers output_headers remote_host remote_port host_cache kind type headers_size body_size uri uri_elems major minor response_code response_code_line input_buffer ntoread output_buffer cb cb_arg chunk_cb header_cb error_cb on_complete_cb on_complete_cb_arg
evutil_addrinfo ai_flags ai_family ai_socktype ai_protocol ai_addrlen ai_addr ai_canonname ai_next
evthread_lock_callbacks lock_api_version supported_locktypes alloc free lock unlock
evthread_condition_callbacks condition_api_version alloc_condition free_condition signal_condition wait_condition
evdns_server_request flags nquestions questions
evdns_server_question type dns_question_class name
evrpc_status error http_req
evrpc next uri request_new request_new_arg request_free request_unmarshal reply_new reply_new_arg reply_free reply_complete reply_marshal cb cb_arg base
EOF
	{
		echo '#include <stdio.h>'
		echo '#include <stddef.h>'
		for h in $EXPECTED_HEADERS; do echo "#include <$h>"; done
		echo '#define F(s, f) printf("%s.%s off=%zu size=%zu\n", #s, #f, offsetof(struct s, f), sizeof(((struct s *)0)->f))'
		echo '#define S(s) printf("%s size=%zu align=%zu\n", #s, sizeof(struct s), _Alignof(struct s))'
		echo 'int main(void) {'
		while read -r s fields; do
			echo "	S($s);"
			for f in $fields; do echo "	F($s, $f);"; done
		done < "$T/fields.txt"
		echo '	{ struct evhttp_request r = {0}; r.chunked = 1; r.userdone = 1;'
		echo '	  unsigned char *p = (unsigned char *)&r; size_t i; for (i = 0; i < sizeof r; i++) if (p[i]) printf("evhttp_request bitfields byte %zu = %u\n", i, p[i]); }'
		echo '	printf("evutil_socket_t %zu ev_ssize_t %zu ev_off_t %zu ev_socklen_t %zu ev_uint64_t %zu ev_uintptr_t %zu\n", sizeof(evutil_socket_t), sizeof(ev_ssize_t), sizeof(ev_off_t), sizeof(ev_socklen_t), sizeof(ev_uint64_t), sizeof(ev_uintptr_t));'
		echo '	return 0;'
		echo '}'
	} > "$T/fields.c"
	for q in "" "-DUSE_QUEUE"; do
		if [ -n "$q" ]; then { echo '#include <sys/queue.h>'; cat "$T/fields.c"; } > "$T/fields_q.c"; src=$T/fields_q.c; else src=$T/fields.c; fi
		if $CC -std=gnu11 -w -I"$OURS_BARE" "$src" -o "$T/fields_ours" > "$T/log" 2>&1 \
			&& $CC -std=gnu11 -w -I"$SYS_INC" "$src" -o "$T/fields_sys" >> "$T/log" 2>&1; then
			"$T/fields_ours" > "$T/fields_ours.txt"; "$T/fields_sys" > "$T/fields_sys.txt"
			if diff "$T/fields_sys.txt" "$T/fields_ours.txt" > "$T/log"; then
				pass "layout of every public struct field equals the system's ${q:+(after <sys/queue.h>) }($(wc -l < "$T/fields_ours.txt") lines)"
			else
				fail "struct layouts differ from the system's ${q:+(after <sys/queue.h>) }(< system, > ours)" "$T/log"
			fi
		else
			fail "field layout program does not build ${q:+(after <sys/queue.h>)}" "$T/log"
		fi
	done
fi

# ------------------------------------------------- 6. generated headers
# Once the real headers exist (include/, cbindgen output in place), check
# them too: they compile, and every prototype they declare agrees with
# libevent's (api-functions.tsv declarations added to the same translation
# unit make the compiler reject any conflict).  Functions not declared yet
# are only counted.
GEN_INC=${GEN_INC:-$ROOT/include}
if [ -f "$GEN_INC/event2/event.h" ]; then
	# a header missing there would silently come from the system instead
	for h in $EXPECTED_HEADERS; do
		if [ -f "$GEN_INC/$h" ]; then pass "generated include/: $h exists"
		else fail "generated include/: $h missing"; fi
	done
	for tu in all all_queue; do
		compile "generated include/: $tu.c c99" "$GEN_INC" "$T/$tu.c" $CC $C99
		compile "generated include/: $tu.c gnu11" "$GEN_INC" "$T/$tu.c" $CC $GNU11
		compile "generated include/: $tu.c c++" "$GEN_INC" "$T/$tu.c" $CXX $CXXF
	done
	compile "generated include/: layout_asserts.c" "$GEN_INC" "$LAYOUT" $CC -std=c11 -Wall -Wextra -pedantic -Werror
	# each alone, C and C++ (parameter names must not be C++ keywords or macros)
	for h in $EXPECTED_HEADERS; do
		[ -f "$GEN_INC/$h" ] || continue
		printf '#include <%s>\n#include <%s>\nint evrs_dummy;\n' "$h" "$h" > "$T/one.c"
		compile "generated include/: $h alone c99" "$GEN_INC" "$T/one.c" $CC $C99
		compile "generated include/: $h alone c++11 -pedantic" "$GEN_INC" "$T/one.c" $CXX -std=c++11 -pedantic $CXXF
	done
	declared=0; total=0; undeclared_list=""
	for mod in $(ls "$T/protos.d"); do
		h=""
		for cand in "event2/$mod.h" "event2/$(echo "$mod" | tr _ -).h"; do
			[ -f "$GEN_INC/$cand" ] && h=$cand && break
		done
		[ -n "$h" ] || { fail "generated include/: no header for module $mod"; continue; }
		{ echo "#include <$h>"; cat "$T/protos.d/$mod"; echo 'int evrs_dummy;'; } > "$T/agree.c"
		compile "generated include/: prototypes in <$h> agree with libevent's" "$GEN_INC" "$T/agree.c" $CC $C99
		{ echo "#include <$h>"; echo 'void evrs_refs(void);'; echo 'void evrs_refs(void) {'
		  awk '{ match($0, /[A-Za-z_0-9]+ \(/); print "\t(void)" substr($0, RSTART, RLENGTH - 2) ";" }' "$T/protos.d/$mod"
		  echo '}'; } > "$T/refs.c"
		n=$(wc -l < "$T/protos.d/$mod")
		$CC -std=gnu11 -fmax-errors=0 -I"$GEN_INC" -c "$T/refs.c" -o "$T/out.o" > "$T/log" 2>&1
		miss=$(grep -o "‘[A-Za-z_0-9]*’ undeclared\|'[A-Za-z_0-9]*' undeclared" "$T/log" | tr -d "‘’'" | awk '{print $1}' | LC_ALL=C sort -u)
		m=$(printf '%s' "$miss" | grep -c . || true)
		total=$((total + n)); declared=$((declared + n - m))
		[ "$m" != 0 ] && undeclared_list="$undeclared_list $mod:$m"
	done
	note "generated include/: $declared of $total libevent functions declared${undeclared_list:+ (missing per module:$undeclared_list)}"
else
	note "no generated headers in $GEN_INC yet: step 6 skipped"
fi

# ------------------------------------------------------------- summary
echo "$PASS passed, $FAIL failed"
[ $FAIL = 0 ]
