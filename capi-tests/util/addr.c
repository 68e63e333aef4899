/* Address text: evutil_inet_pton / _scope / ntop and
 * evutil_parse_sockaddr_port, on tables of well-formed and malformed input
 * and on a generated corpus (libevent's readers are not the C library's:
 * " 1.2.3.4", "0x1::", "1::2:" are addresses to them).
 * evutil_parse_sockaddr_port is CVE-2016-10196's function: it must reject
 * what it cannot parse and never write past the length it is given. */
#include "ut.h"

static void
pton4(const char *s)
{
	unsigned char a[4];
	int r;
	memset(a, 0xaa, sizeof(a));
	r = evutil_inet_pton(AF_INET, s, a);
	printf("pton4 %s -> %d %s\n", ut_q(s), r, r == 1 ? ut_hex(a, 4) : (memcmp(a, "\xaa\xaa\xaa\xaa", 4) ? "WRITTEN" : "-"));
}

static void
pton6(const char *s)
{
	unsigned char a[16], untouched[16];
	int r;
	memset(a, 0xaa, sizeof(a));
	memset(untouched, 0xaa, sizeof(untouched));
	r = evutil_inet_pton(AF_INET6, s, a);
	printf("pton6 %s -> %d %s\n", ut_q(s), r, r == 1 ? ut_hex(a, 16) : (memcmp(a, untouched, 16) ? "WRITTEN" : "-"));
}

static void
pton_scope(int af, const char *s)
{
	unsigned char a[16];
	unsigned idx = 777;
	int r;
	memset(a, 0xaa, sizeof(a));
	r = evutil_inet_pton_scope(af, s, a, &idx);
	printf("scope af=%d %s -> %d idx=%u %s\n", af, ut_q(s), r, idx, r == 1 ? ut_hex(a, af == AF_INET ? 4 : 16) : "-");
}

static void
ntop_all_sizes(int af, const char *text)
{
	unsigned char a[16];
	char buf[64];
	size_t n;
	inet_pton(af, text, a);
	for (n = 0; n <= strlen(text) + 2; n++) {
		const char *w;
		memset(buf, '#', sizeof(buf));
		buf[sizeof(buf) - 1] = 0;
		w = evutil_inet_ntop(af, a, buf, n);
		printf("ntop %s len=%zu -> %s buf=%s\n", text, n, w == buf ? "buf" : w ? "OTHER" : "NULL", ut_q(buf));
	}
}

static void
parse(const char *s)
{
	struct sockaddr_storage ss;
	int len = (int)sizeof(ss), r;
	memset(&ss, 0, sizeof(ss));
	r = evutil_parse_sockaddr_port(s, (struct sockaddr *)&ss, &len);
	if (r == 0)
		printf("parse %s -> 0 len=%d %s\n", ut_q(s), len, ut_sa((struct sockaddr *)&ss));
	else
		printf("parse %s -> %d len=%d\n", ut_q(s), r, len);
}

/* The CVE check: for each buffer length, nothing is written at or past it. */
static void
parse_small(const char *s)
{
	unsigned char buf[160];
	int lens[] = { -1, 0, 1, 2, 8, 15, 16, 17, 27, 28, 29, 64 };
	size_t i;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		int len = lens[i], r, last;
		memset(buf, 0xaa, sizeof(buf));
		r = evutil_parse_sockaddr_port(s, (struct sockaddr *)buf, &len);
		for (last = (int)sizeof(buf) - 1; last >= 0 && buf[last] == 0xaa; last--)
			;
		printf("parse %s into %d bytes -> %d len=%d %s\n", ut_q(s), lens[i], r, len,
		    last < (lens[i] > 0 ? lens[i] : 0) ? "in bounds" : "WROTE PAST THE LENGTH");
		if (r == 0)
			printf("    %s\n", ut_sa((struct sockaddr *)buf));
	}
}

int
main(void)
{
	static const char *v4[] = {
		"1.2.3.4", "255.255.255.255", "0.0.0.0", "256.0.0.0", "ABC", "1.2.3.4.5", "176.192.208.244",
		"1. 2.3.4", "+1.2.3.4", "-0.1.2.3", "1.2.3.+4", " 1.2.3.4", "\t1.2.3.4", "1.2.3.4\n",
		"0x1.2.3.4", "1.2.3", "4294967297.2.3.4", "1.2.3.4294967300", "00000000001.2.3.4", "1.2.3.04",
		"1 .2.3.4", "1.2.3. 4", "1.2.3.4 ", "255.255.255.256", "-1.2.3.4", "1.2.3.-0", "1..2.3", "",
		".1.2.3", "1.2.3.4.", "9999999999999999999999.1.1.1", "-9999999999999999999999.1.1.1",
		"-4294967295.1.1.1", "127.1", "1.2.3.4:80", NULL
	};
	static const char *v6[] = {
		"::", "0:0:0:0:0:0:0:0", "::1", "::1.2.3.4", "ffff:1::", "ffff:0000::", "ffff::1234",
		"0102::1.2.3.4", "::9:c0a8:1:1", "::ffff:1.2.3.4", "FFFF::", "foobar.", "foobar", "fo:obar", "ffff",
		"fffff::", "::1.0.1.1000", "1:2:33333:4::", "1:2:3:4:5:6:7:8:9", "1::2::3", ":::1",
		"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8",
		"1:2:3:4:5:6:7", "0x1::", " 1::", "+1::", "-1::", "1:: ", "::1 ", "00001::", "0001::", "fFfF::",
		"g::", ":1::", "1:::", "1::2:", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "1.2.3.4::",
		"::1.2.3.4:1", "::+1.2.3.4", ":: 1.2.3.4", "::01.2.3.4", "::00001.2.3.4", "1::1.2.3",
		"::1.2.3.4.5", "1:2:3:4:5::1.2.3.4", "1:2:3:4:5:6::1.2.3.4", "::%1", "1:: 2", "1:2:3:4:5:6:7:8:",
		"::0:0:0:0:0:0:0", "::0:0:0:0:0:0:0:0", "0:0:0:0:0:0:0::", ":", ":::", "1:2", "1", "::12345",
		"::0x1", "0X1::", "0x0001::", "0x001::", "0x01::", "0xffff::", "1x::", "::1x", "0x::", "1.2::",
		"::1. 2.3.4", "::1.2.3.+4", "::1:2.3.4.5", "::ffff:", "::0:", "1:", "1:2:3:4:5:6:7:", "", NULL
	};
	static const char *scoped[] = {
		"fe80::1", "fe80::1%1", "fe80::1%lo", "fe80::1%", "fe80::1%-1", "fe80::1% 2", "fe80::1%+2",
		"fe80::1%2x", "fe80::1%4294967296", "fe80::1%99999999999999999999999", "fe80::1%0x10",
		"fe80::1%1%2", "%1", "1.2.3.4%1", "fe80::1%lo%", "bad%1", "2001:DB8::%0",
		"2001:DB8::%does-not-exist", NULL
	};
	static const char *sp[] = {
		"[ffff::1]:1000", "[ffff::1]", "[ffff::1", "[ffff::1]:65599", "[ffff::1]:0", "[ffff::1]:-1", "::1",
		"1:2::1", "192.168.0.1:50", "1.2.3.4", "1.2.3.4:80", "[::1]:80", "[::1]", "[::1", "[::1]x",
		"[::1]:", "[::1]:80x", "1.2.3.4:", "1.2.3.4:0", "1.2.3.4:65535", "1.2.3.4:65536", ":80",
		"[1.2.3.4]:80", "[1.2.3.4]", "1.2.3.4:80abc", "1.2.3.4: 80", "1.2.3.4:+80", "1.2.3.4:-80",
		"1.2.3.4:4294967376", "1.2.3.4:99999999999999999999", "[fe80::1%1]:80", "[fe80::1%lo]:80",
		"fe80::1%lo", "fe80::1%2", "[fe80::1%]:80", "[fe80::1%bogus]:8", "1:2", "", "[]", "[]:80",
		"127.1", "01.2.3.4", " 1.2.3.4", "1.2.3.4 ", "[::ffff:1.2.3.4]:9", "::1:80", "localhost:80",
		"1.2.3.4:80:90", "[::1]:80]", "[", "]", "[]]", "[[::1]]:80", "[::1]:080", ":", "::", "[::]:1",
		NULL
	};
	static const char *ntops4[] = { "1.2.3.4", "255.255.255.255", "0.0.0.0", NULL };
	static const char *ntops6[] = {
		"::", "::1", "::2", "1::", "::1.2.3.4", "::ffff:1.2.3.4", "::ffff:0.0.0.1", "::ffff:0:1",
		"1:0:0:1:0:0:0:1", "1:0:0:1:0:0:1:1", "1:0:1:0:1:0:1:0", "1:2:3:4:5:6:7:8", "abcd::", "0:0:1::",
		"1::1", "::fffe:1.2.3.4", "::1:0:0", "0:1:0:0:0:0:0:0", "::ffff:0.1.2.3", "::0.0.1.0", "::0.1.0.0",
		"::ffff:0:0", "::ffff", "::1:ffff:1.2.3.4", "::1.2.0.0", "::0.1.0.1", "1:2:3:4:5:6:7:0",
		"1:0:0:2:0:0:3:4", "0:0:1:0:0:1:0:0", "ABCD:EF::1", "::1:0:0:0", "::0.0.255.255",
		"0:0:0:0:ffff:0:1.2.3.4", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", NULL
	};
	char big[400];
	int i;

	for (i = 0; v4[i]; i++)
		pton4(v4[i]);
	for (i = 0; v6[i]; i++)
		pton6(v6[i]);
	for (i = 0; scoped[i]; i++)
		pton_scope(AF_INET6, scoped[i]);
	pton_scope(AF_INET, "1.2.3.4");
	pton_scope(AF_INET, "1.2.3.4%1");
	{
		unsigned char a[16];
		printf("pton af=AF_UNIX -> %d\n", evutil_inet_pton(AF_UNIX, "1.2.3.4", a));
		printf("ntop af=AF_UNIX -> %s\n", evutil_inet_ntop(AF_UNIX, a, big, sizeof(big)) ? "buf" : "NULL");
	}
	for (i = 0; ntops4[i]; i++)
		ntop_all_sizes(AF_INET, ntops4[i]);
	for (i = 0; ntops6[i]; i++)
		ntop_all_sizes(AF_INET6, ntops6[i]);

	for (i = 0; sp[i]; i++)
		parse(sp[i]);
	parse_small("1.2.3.4:80");
	parse_small("[::1]:80");
	parse_small("[fe80::1%1]:8080");
	parse_small("bogus");

	/* Overlong input: 127 characters of address before ':' are read, 128
	 * are not; without a port there is no limit. */
	for (i = 120; i <= 135; i++) {
		memset(big, '0', (size_t)i);
		strcpy(big + i - 7, "1.2.3.4");
		parse(big);
		strcat(big, ":80");
		parse(big);
		strcpy(big, "[::1%");
		memset(big + 5, '0', (size_t)(i - 4));
		big[i] = '1';
		big[i + 1] = ']';
		big[i + 2] = 0;
		parse(big);
	}
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	parse(big);
	big[0] = '[';
	big[300] = ']';
	parse(big);

	/* A generated corpus. */
	for (i = 0; i < 1500; i++)
		pton4(ut_rand_str("0123456789.. +-x\t", 16));
	for (i = 0; i < 3000; i++)
		pton6(ut_rand_str("0123456789abcdefABCDEF::::..x ", 22));
	for (i = 0; i < 600; i++)
		pton_scope(AF_INET6, ut_rand_str("0123456789abcdef::::.%%%-+ lo", 18));
	for (i = 0; i < 3000; i++)
		parse(ut_rand_str("[]:::0123456789.af%x -+", 20));
	for (i = 0; i < 2000; i++) {
		unsigned char a[16];
		char buf[64];
		int k;
		for (k = 0; k < 16; k++) {
			unsigned r = ut_rand();
			/* mostly zeros, so that runs and IPv4 forms come up */
			a[k] = (r % 3) ? 0 : (unsigned char)(r >> 4);
		}
		if (ut_rand() % 4 == 0) {
			memset(a, 0, 10);
			a[10] = a[11] = 0xff;
		}
		printf("ntop6 %s -> %s\n", ut_hex(a, 16), evutil_inet_ntop(AF_INET6, a, buf, sizeof(buf)));
	}
	return 0;
}
