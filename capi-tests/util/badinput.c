/* ours-only (capi-expected: badinput.expected): bad input on which libevent 2.1.12 itself crashes (NULL
 * pointers, out-of-range fields), so there is no reference run; the
 * transcript is compared with badinput.expected. Every call must return
 * its error value and the program must reach the end. */
#include "ut.h"

static void
cb(int err, struct evutil_addrinfo *ai, void *arg)
{
	printf("callback err=%d ai=%s\n", err, ai ? "set" : "NULL");
	evutil_freeaddrinfo(ai);
}

int
main(void)
{
	struct sockaddr_storage ss;
	struct evutil_addrinfo hints, *ai = (struct evutil_addrinfo *)&ss;
	unsigned char a[16];
	char buf[64], *end = buf;
	int len = (int)sizeof(ss), r, port = -77;
	struct tm tm;
	time_t t0 = 0;
	struct evutil_weakrand_state st = { 5 };
	size_t n = 99;
	char *content = buf;

	evutil_freeaddrinfo(NULL);
	printf("freeaddrinfo(NULL): ok\n");
	printf("parse_sockaddr_port(NULL) -> %d\n", evutil_parse_sockaddr_port(NULL, (struct sockaddr *)&ss, &len));
	printf("parse_sockaddr_port(out NULL) -> %d\n", evutil_parse_sockaddr_port("1.2.3.4", NULL, &len));
	printf("parse_sockaddr_port(outlen NULL) -> %d\n", evutil_parse_sockaddr_port("1.2.3.4", (struct sockaddr *)&ss, NULL));
	printf("inet_pton(src NULL) -> %d\n", evutil_inet_pton(AF_INET, NULL, a));
	printf("inet_pton(dst NULL) -> %d %d\n", evutil_inet_pton(AF_INET, "1.2.3.4", NULL),
	    evutil_inet_pton(AF_INET6, "::1", NULL));
	printf("inet_pton_scope(index NULL) -> %d\n", evutil_inet_pton_scope(AF_INET6, "fe80::1%1", a, NULL));
	printf("inet_pton_scope(src NULL) -> %d\n", evutil_inet_pton_scope(AF_INET6, NULL, a, NULL));
	printf("inet_ntop(src NULL) -> %s\n", evutil_inet_ntop(AF_INET, NULL, buf, sizeof(buf)) ? "buf" : "NULL");
	printf("inet_ntop(dst NULL) -> %s\n", evutil_inet_ntop(AF_INET6, a, NULL, 64) ? "set" : "NULL");
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_INET;
	printf("sockaddr_cmp NULLs -> %d %d %d\n", evutil_sockaddr_cmp(NULL, NULL, 1),
	    evutil_sockaddr_cmp(NULL, (struct sockaddr *)&ss, 1), evutil_sockaddr_cmp((struct sockaddr *)&ss, NULL, 1));
	errno = 0;
	r = evutil_getaddrinfo("1.2.3.4", "80", NULL, NULL);
	printf("getaddrinfo(res NULL) -> %d errno=%d\n", r, errno);
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = EVUTIL_AI_NUMERICHOST;
	ai = (struct evutil_addrinfo *)&ss;
	r = evutil_getaddrinfo("www.example.com", "80", &hints, &ai);
	printf("getaddrinfo error -> %d, result %s\n", r, ai ? "left set" : "NULL");
	r = evutil_getaddrinfo_common_("1.2.3.4", "80", NULL, &ai, &port);
	printf("getaddrinfo_common_(hints NULL) -> %d\n", r);
	if (r == 0)
		evutil_freeaddrinfo(ai);
	errno = 0;
	r = evutil_getaddrinfo_common_("1.2.3.4", "80", &hints, NULL, &port);
	printf("getaddrinfo_common_(res NULL) -> %d\n", r);
	r = evutil_getaddrinfo_common_("name.example", "80", &hints, &ai, NULL);
	printf("getaddrinfo_common_(portnum NULL) -> %d\n", r);
	hints.ai_flags = 0;
	r = evutil_getaddrinfo_common_("name.example", "80", &hints, &ai, NULL);
	printf("getaddrinfo_common_(portnum NULL, a name) -> %d\n", r);
	{
		long long v;
		errno = 0;
		v = (long long)evutil_strtoll(NULL, &end, 10);
		printf("strtoll(NULL) -> %lld errno=%d end=%s\n", v, errno, end ? "set" : "NULL");
	}
	printf("strcasecmp NULLs -> %d %d %d %d\n", evutil_ascii_strcasecmp(NULL, "a"), evutil_ascii_strcasecmp("a", NULL),
	    evutil_ascii_strcasecmp(NULL, NULL), evutil_ascii_strncasecmp(NULL, "", 5));
	gmtime_r(&t0, &tm);
	printf("date_rfc1123(NULL, 30) -> %d\n", evutil_date_rfc1123(NULL, 30, &tm));
	tm.tm_wday = 7;
	tm.tm_mon = 12;
	r = evutil_date_rfc1123(buf, sizeof(buf), &tm);
	printf("date_rfc1123 out of range -> %d %s\n", r, buf);
	tm.tm_wday = -1;
	tm.tm_mon = -100;
	r = evutil_date_rfc1123(buf, sizeof(buf), &tm);
	printf("date_rfc1123 negative -> %d %s\n", r, buf);
	printf("monotonic NULLs -> %d %d %d\n", evutil_configure_monotonic_time(NULL, 0),
	    evutil_gettime_monotonic(NULL, NULL), evutil_gettime_monotonic_(NULL, NULL));
	{
		struct evutil_monotonic_timer *t = evutil_monotonic_timer_new();
		printf("gettime(tv NULL) -> %d\n", evutil_gettime_monotonic(t, NULL));
		evutil_monotonic_timer_free(t);
	}
	evutil_secure_rng_get_bytes(NULL, 10);
	evutil_secure_rng_add_bytes(NULL, 5);
	printf("secure_rng NULLs: ok, set_urandom_device_file(NULL) -> %d\n", evutil_secure_rng_set_urandom_device_file(NULL));
	errno = 0;
	r = evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, NULL);
	printf("socketpair(NULL) -> %d errno=%d\n", r, errno);
	errno = 0;
	r = evutil_make_internal_pipe_(NULL);
	printf("make_internal_pipe_(NULL) -> %d errno=%d\n", r, errno);
	printf("format_sockaddr_port_(NULL) -> %s\n", evutil_format_sockaddr_port_(NULL, buf, sizeof(buf)));
	printf("format_sockaddr_port_(out NULL) -> %s\n",
	    evutil_format_sockaddr_port_((struct sockaddr *)&ss, NULL, 10) ? "set" : "NULL");
	printf("predicates NULL -> %d %d %d\n", evutil_sockaddr_is_loopback_(NULL), evutil_v4addr_is_local_(NULL),
	    evutil_v6addr_is_local_(NULL));
	printf("tv_to_msec_(NULL) -> %ld\n", evutil_tv_to_msec_(NULL));
	evutil_usleep_(NULL);
	{
		struct timeval neg = { -1, -5 };
		evutil_usleep_(&neg);
	}
	printf("usleep_ NULL/negative: ok\n");
	printf("weakrand NULL -> %u %d %d\n", (unsigned)evutil_weakrand_seed_(NULL, 3), evutil_weakrand_(NULL),
	    evutil_weakrand_range_(NULL, 10));
	printf("weakrand_range_ 0/-5 -> %d %d\n", evutil_weakrand_range_(&st, 0), evutil_weakrand_range_(&st, -5));
	printf("getenv_(NULL) -> %s\n", evutil_getenv_(NULL) ? "set" : "NULL");
	r = evutil_read_file_(NULL, &content, &n, 0);
	printf("read_file_(NULL) -> %d content=%s len=%zu\n", r, content ? "set" : "NULL", n);
	printf("read_file_(outs NULL) -> %d\n", evutil_read_file_("/dev/null", NULL, NULL, 0));
	evutil_rtrim_lws_(NULL);
	printf("rtrim_lws_(NULL): ok\n");
	errno = 0;
	r = evutil_open_closeonexec_(NULL, O_RDONLY, 0);
	printf("open_closeonexec_(NULL) -> %d errno=%d\n", r, errno);
	errno = 0;
	r = evutil_socket_connect_(NULL, (struct sockaddr *)&ss, sizeof(struct sockaddr_in));
	printf("socket_connect_(NULL fd) -> %d errno=%d\n", r, errno);
	{
		int fd = -1;
		errno = 0;
		r = evutil_socket_connect_(&fd, NULL, 16);
		printf("socket_connect_(NULL sa) -> %d errno=%d fd=%d\n", r, errno, fd);
		errno = 0;
		r = evutil_socket_connect_(&fd, (struct sockaddr *)&ss, -1);
		printf("socket_connect_(negative length) -> %d errno=%d fd=%d\n", r, errno, fd);
	}
	printf("new_addrinfo_(NULL) -> %s\n", evutil_new_addrinfo_(NULL, 16, NULL) ? "set" : "NULL");
	{
		struct sockaddr_in sin;
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		ai = evutil_new_addrinfo_((struct sockaddr *)&sin, sizeof(sin), NULL);
		printf("new_addrinfo_(hints NULL) -> %s %s\n", ai ? "list" : "NULL", ai && ai->ai_next ? "of two" : "of one");
		evutil_freeaddrinfo(ai);
	}
	printf("addrinfo_append_(NULL, NULL) -> %s\n", evutil_addrinfo_append_(NULL, NULL) ? "set" : "NULL");
	evutil_adjust_hints_for_addrconfig_(NULL);
	printf("adjust_hints_for_addrconfig_(NULL): ok\n");
	printf("getaddrinfo_async_ -> %s\n", evutil_getaddrinfo_async_(NULL, "1.2.3.4", "80", NULL, cb, NULL) ? "set" : "NULL");
	printf("getaddrinfo_async_ (cb NULL) -> %s\n",
	    evutil_getaddrinfo_async_(NULL, "1.2.3.4", "80", NULL, NULL, NULL) ? "set" : "NULL");
	evutil_getaddrinfo_cancel_async_(NULL);
	evutil_memclear_(NULL, 5);
	printf("cancel_async_(NULL), memclear_(NULL): ok\n");
	printf("snprintf(NULL, 10) -> %d\n", evutil_snprintf(NULL, 10, "abc"));
	printf("the end\n");
	return 0;
}
