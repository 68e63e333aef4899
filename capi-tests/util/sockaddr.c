/* Socket addresses: evutil_sockaddr_cmp (exact values, families, ports),
 * evutil_format_sockaddr_port_ (all buffer sizes), and the predicates
 * evutil_sockaddr_is_loopback_, evutil_v4addr_is_local_,
 * evutil_v6addr_is_local_. */
#include "ut.h"

static struct sockaddr_storage
mk(const char *s)
{
	struct sockaddr_storage ss;
	int len = (int)sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	if (evutil_parse_sockaddr_port(s, (struct sockaddr *)&ss, &len) < 0)
		printf("cannot parse %s\n", s);
	return ss;
}

int
main(void)
{
	static const char *addrs[] = {
		"1.2.3.4:80", "1.2.3.4:81", "1.2.3.5:80", "2.0.0.0:1", "1.0.0.1:1", "0.0.0.1", "0.0.0.2",
		"1.2.3.4:256", "1.2.3.4:1", "255.255.255.255:65535", "[::1]:80", "[::2]:80", "[::5]:80",
		"[::1]:81", "[::1]:256", "[::1]:1", "[ff::]:1", "[1::]:1", "[fe80::1%1]:80", "[fe80::1%2]:80",
		"[::ffff:1.2.3.4]:80", NULL
	};
	static const char *v4[] = {
		"0.0.0.0", "0.0.0.1", "0.1.2.3", "1.0.0.0", "10.0.0.1", "127.0.0.0", "127.255.255.255",
		"126.255.255.255", "128.0.0.0", "169.253.255.255", "169.254.0.0", "169.254.255.255", "169.255.0.0",
		"170.0.0.0", "172.16.0.1", "192.168.1.1", "223.255.255.255", "224.0.0.0", "239.255.255.255",
		"240.0.0.0", "255.255.255.255", NULL
	};
	static const char *v6[] = {
		"::", "::1", "::2", "::1.2.3.4", "::ffff:1.2.3.4", "::ffff:0:1.2.3.4", "0:1::", "1::", "ff::", "100::",
		"64:ff9b::", "fb00::", "fc00::", "fcff::", "fd00::1", "fe00::", "fe7f::", "fe80::", "febf::",
		"fec0::", "feff::", "ff00::", "ff02::1", "2001::", "2001:db8::", "2001:4860:4802:32::1b", "::1:0:0:0",
		"0:0:0:1::", "0:0:0:0:1::", "0:0:0:0:0:1::", "::ffff:0:0:0", "::fffe:0:0", "::1:ffff:0:0",
		"0:0:0:1:0:ffff::", "::ffff:0:0:1", "::1234:5678:9abc:def0", NULL
	};
	struct sockaddr_storage a, b;
	char buf[64];
	int i, j;
	size_t n;

	for (i = 0; addrs[i]; i++) {
		for (j = 0; addrs[j]; j++) {
			a = mk(addrs[i]);
			b = mk(addrs[j]);
			printf("cmp %s %s: %d %d\n", addrs[i], addrs[j],
			    evutil_sockaddr_cmp((struct sockaddr *)&a, (struct sockaddr *)&b, 1),
			    evutil_sockaddr_cmp((struct sockaddr *)&a, (struct sockaddr *)&b, 0));
		}
	}
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.ss_family = b.ss_family = AF_UNIX;
	printf("cmp unix unix: %d\n", evutil_sockaddr_cmp((struct sockaddr *)&a, (struct sockaddr *)&b, 1));
	a.ss_family = b.ss_family = 99;
	((char *)&b)[5] = 1;
	printf("cmp 99 99: %d\n", evutil_sockaddr_cmp((struct sockaddr *)&a, (struct sockaddr *)&b, 0));
	a.ss_family = AF_UNIX;
	b = mk("1.2.3.4:5");
	printf("cmp unix inet: %d %d\n", evutil_sockaddr_cmp((struct sockaddr *)&a, (struct sockaddr *)&b, 1),
	    evutil_sockaddr_cmp((struct sockaddr *)&b, (struct sockaddr *)&a, 1));

	for (i = 0; addrs[i]; i++) {
		a = mk(addrs[i]);
		for (n = 0; n <= 32; n++) {
			const char *r;
			memset(buf, '#', sizeof(buf));
			buf[sizeof(buf) - 1] = 0;
			r = evutil_format_sockaddr_port_((struct sockaddr *)&a, buf, n);
			printf("format %s %zu: %s %s\n", addrs[i], n, r == buf ? "buf" : "OTHER", ut_q(buf));
		}
		printf("loopback %s: %d\n", addrs[i], evutil_sockaddr_is_loopback_((struct sockaddr *)&a));
	}
	for (i = 0; v4[i]; i++) {
		a = mk(v4[i]);
		printf("loopback %s: %d\n", v4[i], evutil_sockaddr_is_loopback_((struct sockaddr *)&a));
		printf("v4 local %s: %d\n", v4[i],
		    evutil_v4addr_is_local_(&((struct sockaddr_in *)&a)->sin_addr));
	}
	for (i = 0; v6[i]; i++) {
		a = mk(v6[i]);
		printf("loopback %s: %d\n", v6[i], evutil_sockaddr_is_loopback_((struct sockaddr *)&a));
		printf("v6 local %s: %d\n", v6[i],
		    evutil_v6addr_is_local_(&((struct sockaddr_in6 *)&a)->sin6_addr));
	}
	for (i = 0; i < 3000; i++) {
		struct in6_addr in6;
		struct in_addr in4;
		int k;
		for (k = 0; k < 16; k++)
			in6.s6_addr[k] = (ut_rand() % 3) ? 0 : (unsigned char)(ut_rand() >> 3);
		if (ut_rand() % 3 == 0)
			in6.s6_addr[0] = (unsigned char)(0xf8 | (ut_rand() & 7));
		in4.s_addr = (ev_uint32_t)ut_rand() << 17 ^ (ev_uint32_t)ut_rand();
		printf("local %s %d %s %d\n", ut_hex(&in6, 16), evutil_v6addr_is_local_(&in6), ut_hex(&in4, 4),
		    evutil_v4addr_is_local_(&in4));
	}
	memset(&a, 0, sizeof(a));
	a.ss_family = AF_UNIX;
	printf("format unix: %s\n", evutil_format_sockaddr_port_((struct sockaddr *)&a, buf, sizeof(buf)));
	a.ss_family = 99;
	printf("format 99: %s\n", evutil_format_sockaddr_port_((struct sockaddr *)&a, buf, sizeof(buf)));
	printf("loopback unix: %d\n", evutil_sockaddr_is_loopback_((struct sockaddr *)&a));
	return 0;
}
