/* Numbers and strings: evutil_strtoll (values, end pointers, errno, every
 * base), evutil_snprintf / evutil_vsnprintf truncation,
 * evutil_ascii_strcasecmp / strncasecmp (exact results), the EVUTIL_IS*_ /
 * TO*_ classes over all 256 bytes, evutil_hex_char_to_int_,
 * evutil_rtrim_lws_, evutil_memclear_. */
#include "ut.h"
#include <stdarg.h>

static void
ll(const char *s, int base)
{
	char *end = (char *)"untouched";
	ev_int64_t v;
	errno = 0;
	v = evutil_strtoll(s, &end, base);
	printf("strtoll %s base %d -> %lld errno=%d end=%s\n", ut_q(s), base, (long long)v, errno,
	    !strcmp(end, "untouched") ? "untouched" : end >= s && end <= s + strlen(s) ? "" : "ELSEWHERE");
	if (end >= s && end <= s + strlen(s))
		printf("    end at %d\n", (int)(end - s));
}

static int
vsn(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int r;
	va_start(ap, fmt);
	r = evutil_vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return r;
}

int
main(void)
{
	static const char *nums[] = {
		"5000000000", "-5000000000", " 99999stuff", "foo", "", " ", "0", "-0", "+0", "1", "-1", "+", "-",
		" +5", "\t\n-12x", "0x", "0x1g", "0X1F", "-0x10", "0x-1", "017", "08", "9223372036854775807",
		"9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
		"99999999999999999999999", "zz", "Zz", "1e5", " \x0b\x0c\r42", "0b101", "- 1", "+-1",
		"0000000000000000000000012", NULL
	};
	static const int bases[] = { 0, 2, 8, 10, 16, 36, 1, 37, -1 };
	static const char *pairs[][2] = {
		{ "ABC", "ABC" }, { "ABC", "abc" }, { "ABC", "abcd" }, { "ABC", "abb" }, { "ABCd", "abc" },
		{ "Libevent", "LibEvEnT" }, { "Libevent", "LibEXXXX" }, { "Libevent", "LibE" }, { "Libe", "LibEvEnT" },
		{ "Lib", "LibEvEnT" }, { "abc", "def" }, { "Z", "qrst" }, { "a", "c" }, { "c", "a" }, { "A", "b" },
		{ "\xff", "a" }, { "a", "\xff" }, { "", "a" }, { "a", "" }, { "", "" }, { "[", "a" }, { "_", "A" },
		{ "@", "`" }, { "\xc4", "\xe4" }, { "\x80", "\x7f" }, { NULL, NULL }
	};
	static const char *trims[] = {
		"", "a", "abcdef ghi", " ", "  ", "a ", "abcdef  gH       ", "\t\t", " \t", "\t", "a \t", "a\t ",
		"a\t", "abcdef  gH    \t  ", "\t\na\n \t", "x\r ", " x", NULL
	};
	char buf[64];
	int i, j;
	size_t n;

	for (i = 0; nums[i]; i++)
		for (j = 0; j < (int)(sizeof(bases) / sizeof(bases[0])); j++)
			ll(nums[i], bases[j]);
	for (i = 0; i < 3000; i++) {
		char s[32];
		strcpy(s, ut_rand_str(" \t+-0123456789abcdefxXzZ.", 24));
		ll(s, bases[ut_rand() % 6]);
	}
	ll("12", 10);
	{
		ev_int64_t v = evutil_strtoll("0x7fffffffffffffff", NULL, 16);
		printf("strtoll NULL endptr -> %lld\n", (long long)v);
	}

	for (n = 0; n <= 20; n++) {
		int r;
		memset(buf, '#', sizeof(buf));
		buf[sizeof(buf) - 1] = 0;
		r = evutil_snprintf(buf, n, "longish %d", 1234567890);
		printf("snprintf %zu -> %d %s\n", n, r, ut_q(buf));
		memset(buf, '#', sizeof(buf));
		buf[sizeof(buf) - 1] = 0;
		r = vsn(buf, n, "%s|%c|%5.2f", "ab", 'z', 3.14159);
		printf("vsnprintf %zu -> %d %s\n", n, r, ut_q(buf));
	}
	printf("snprintf NULL 0 -> %d\n", evutil_snprintf(NULL, 0, "abc"));
	printf("snprintf u64 -> %d %s\n", evutil_snprintf(buf, sizeof(buf), "%llu %lld %zu %zd",
	    (unsigned long long)200000000000ULL, (long long)-200000000000LL, (size_t)8000, (ssize_t)-9000), buf);

	for (i = 0; pairs[i][0]; i++) {
		printf("casecmp %s %s -> %d", ut_q(pairs[i][0]), ut_q(pairs[i][1]),
		    evutil_ascii_strcasecmp(pairs[i][0], pairs[i][1]));
		for (n = 0; n <= 5; n++)
			printf(" n%zu:%d", n, evutil_ascii_strncasecmp(pairs[i][0], pairs[i][1], n));
		printf(" n100:%d\n", evutil_ascii_strncasecmp(pairs[i][0], pairs[i][1], 100));
	}
	for (i = 0; i < 1000; i++) {
		char a[16], b[16];
		strcpy(a, ut_rand_str("aAbBzZ[]@`_\x80\xff", 6));
		strcpy(b, ut_rand_str("aAbBzZ[]@`_\x80\xff", 6));
		printf("casecmp %s %s -> %d %d\n", ut_q(a), ut_q(b), evutil_ascii_strcasecmp(a, b),
		    evutil_ascii_strncasecmp(a, b, 3));
	}

	for (i = 0; i < 256; i++) {
		const char c = (char)i;
		printf("char %3d: alpha=%d alnum=%d space=%d digit=%d xdigit=%d print=%d lower=%d upper=%d "
		       "toupper=%d tolower=%d hex=%d\n",
		    i, EVUTIL_ISALPHA_(c), EVUTIL_ISALNUM_(c), EVUTIL_ISSPACE_(c), EVUTIL_ISDIGIT_(c),
		    EVUTIL_ISXDIGIT_(c), EVUTIL_ISPRINT_(c), EVUTIL_ISLOWER_(c), EVUTIL_ISUPPER_(c),
		    (unsigned char)EVUTIL_TOUPPER_(c), (unsigned char)EVUTIL_TOLOWER_(c), evutil_hex_char_to_int_(c));
	}

	for (i = 0; trims[i]; i++) {
		strcpy(buf, trims[i]);
		evutil_rtrim_lws_(buf);
		printf("rtrim %s -> %s\n", ut_q(trims[i]), ut_q(buf));
	}

	strcpy(buf, "abcdefg");
	evutil_memclear_(buf + 1, 3);
	printf("memclear: %d %d %d %d %d %c\n", buf[0] == 'a', buf[1], buf[2], buf[3], buf[4] == 'e', buf[5]);
	evutil_memclear_(buf, 0);
	printf("memclear 0: %c\n", buf[0]);
	return 0;
}
