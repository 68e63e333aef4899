/* getaddrinfo: evutil_getaddrinfo over numeric hosts and services with
 * every flag, family and socket type (names only from /etc/hosts and
 * /etc/services, never DNS), evutil_gai_strerror, evutil_freeaddrinfo, and
 * the helpers evdns builds on: evutil_getaddrinfo_common_,
 * evutil_new_addrinfo_, evutil_addrinfo_append_,
 * evutil_adjust_hints_for_addrconfig_, evutil_getaddrinfo_async_. */
#include "ut.h"

static void
dump(struct evutil_addrinfo *ai)
{
	for (; ai; ai = ai->ai_next) {
		const size_t full = ai->ai_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
		printf("    flags=%#x family=%d socktype=%d protocol=%d addrlen=%d addr@%+ld canon=%s %s\n", ai->ai_flags,
		    ai->ai_family, ai->ai_socktype, ai->ai_protocol, (int)ai->ai_addrlen,
		    (long)((char *)ai->ai_addr - (char *)ai), ut_q(ai->ai_canonname),
		    !ai->ai_addr ? "no address" : ai->ai_addrlen < full ? ut_hex(ai->ai_addr, ai->ai_addrlen) : ut_sa(ai->ai_addr));
	}
}

static void
gai(const char *node, const char *serv, int flags, int family, int socktype, int protocol, int null_hints)
{
	struct evutil_addrinfo hints, *ai = NULL;
	int r;
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = flags;
	hints.ai_family = family;
	hints.ai_socktype = socktype;
	hints.ai_protocol = protocol;
	r = evutil_getaddrinfo(node, serv, null_hints ? NULL : &hints, &ai);
	printf("gai %s %s flags=%#x family=%d socktype=%d protocol=%d%s -> %d %s\n", ut_q(node), ut_q(serv), flags,
	    family, socktype, protocol, null_hints ? " (NULL hints)" : "", r, r ? evutil_gai_strerror(r) : "");
	if (r == 0) {
		dump(ai);
		evutil_freeaddrinfo(ai);
	} else if (ai) {
		printf("    result set on error\n");
	}
}

static void
common(const char *node, const char *serv, int flags, int family, int socktype, int protocol)
{
	struct evutil_addrinfo hints, *ai = NULL;
	int port = -77, r;
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = flags;
	hints.ai_family = family;
	hints.ai_socktype = socktype;
	hints.ai_protocol = protocol;
	r = evutil_getaddrinfo_common_(node, serv, &hints, &ai, &port);
	printf("common %s %s flags=%#x family=%d socktype=%d protocol=%d -> %d port=%d hints now %d/%d\n", ut_q(node),
	    ut_q(serv), flags, family, socktype, protocol, r, port, hints.ai_socktype, hints.ai_protocol);
	if (r == 0) {
		dump(ai);
		evutil_freeaddrinfo(ai);
	}
}

static int called;
static void
cb(int err, struct evutil_addrinfo *ai, void *arg)
{
	called++;
	printf("callback err=%d arg=%s\n", err, (const char *)arg);
	dump(ai);
	if (ai)
		evutil_freeaddrinfo(ai);
}

static struct evdns_getaddrinfo_request *
fake_evdns(struct evdns_base *base, const char *node, const char *serv, const struct evutil_addrinfo *hints,
    void (*c)(int, struct evutil_addrinfo *, void *), void *arg)
{
	printf("fake evdns getaddrinfo %s %s socktype=%d same-cb=%d arg=%s\n", ut_q(node), ut_q(serv),
	    hints ? hints->ai_socktype : -1, c == cb, (const char *)arg);
	return (struct evdns_getaddrinfo_request *)base;
}

static void
fake_cancel(struct evdns_getaddrinfo_request *req)
{
	printf("fake cancel %s\n", req == (void *)&called ? "the request" : "something else");
}

int
main(void)
{
	static const char *nodes[] = {
		NULL, "1.2.3.4", "127.0.0.1", "::1", "1001:b0b::f00f", "::ffff:1.2.3.4", "0.0.0.0", "::", "127.1",
		"01.2.3.4", "fe80::1%1", NULL
	};
	static const char *servs[] = {
		NULL, "80", "0", "65535", "65536", "99999", "http", "-1", "", "080", " 80", "domain",
		"no-such-service-here", NULL
	};
	static const int kinds[][2] = {
		{ 0, 0 }, { SOCK_STREAM, 0 }, { SOCK_DGRAM, 0 }, { SOCK_RAW, 0 }, { 0, IPPROTO_TCP },
		{ 0, IPPROTO_UDP }, { SOCK_STREAM, IPPROTO_TCP }, { SOCK_DGRAM, IPPROTO_UDP }, { SOCK_STREAM, IPPROTO_UDP },
		{ 99, 0 }, { SOCK_SEQPACKET, 0 }, { 0, IPPROTO_SCTP }, { 0, 33 }, { 0, 250 }, { SOCK_RAW, 250 }
	};
	static const int flag_sets[] = {
		0, EVUTIL_AI_PASSIVE, EVUTIL_AI_CANONNAME, EVUTIL_AI_NUMERICHOST, EVUTIL_AI_NUMERICSERV,
		EVUTIL_AI_ADDRCONFIG, EVUTIL_AI_V4MAPPED, EVUTIL_AI_V4MAPPED | EVUTIL_AI_ALL,
		EVUTIL_AI_PASSIVE | EVUTIL_AI_ADDRCONFIG, EVUTIL_AI_CANONNAME | EVUTIL_AI_NUMERICHOST, 0x4000000
	};
	static const int families[] = { AF_UNSPEC, AF_INET, AF_INET6, 12345 };
	const int nnodes = (int)(sizeof(nodes) / sizeof(nodes[0])) - 1;
	const int nservs = (int)(sizeof(servs) / sizeof(servs[0])) - 1;
	int i, j, k, f;
	struct evutil_addrinfo hints, *a, *b, *l;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	/* libevent's own test cases first */
	gai("1.2.3.4", "8080", 0, AF_UNSPEC, SOCK_STREAM, 0, 0);
	gai("1001:b0b::f00f", "4321", 0, AF_UNSPEC, 0, IPPROTO_UDP, 0);
	gai(NULL, "9999", EVUTIL_AI_PASSIVE, AF_INET, 0, IPPROTO_TCP, 0);
	gai(NULL, "9998", 0, AF_INET, 0, IPPROTO_TCP, 0);
	gai(NULL, "9997", 0, AF_INET6, 0, IPPROTO_TCP, 0);
	gai(NULL, "9996", EVUTIL_AI_PASSIVE, AF_INET6, 0, IPPROTO_TCP, 0);
	gai(NULL, "9996", EVUTIL_AI_PASSIVE, AF_UNSPEC, 0, IPPROTO_TCP, 0);
	gai("1.2.3.4", NULL, EVUTIL_AI_NUMERICHOST, AF_UNSPEC, 0, 0, 0);
	gai("www.google.com", "80", EVUTIL_AI_NUMERICHOST, AF_UNSPEC, 0, 0, 0);
	gai("1.2.3.4", "http", EVUTIL_AI_NUMERICSERV, AF_UNSPEC, SOCK_STREAM, 0, 0);
	gai("1.2.3.4", "http", 0, AF_UNSPEC, SOCK_STREAM, 0, 0);
	gai("127.0.0.1", "80", EVUTIL_AI_PASSIVE | EVUTIL_AI_ADDRCONFIG, AF_UNSPEC, SOCK_STREAM, 0, 0);
	gai("::1", "80", EVUTIL_AI_PASSIVE | EVUTIL_AI_ADDRCONFIG, AF_UNSPEC, SOCK_STREAM, 0, 0);
	gai("1.2.3.4", "80", 0, 0, 0, 0, 1);
	gai(NULL, NULL, 0, 0, 0, 0, 1);
	/* names only from /etc/hosts (IPv4), or refused by AI_NUMERICHOST */
	gai("localhost", "80", 0, AF_INET, SOCK_STREAM, 0, 0);
	gai("localhost", "80", EVUTIL_AI_CANONNAME, AF_INET, 0, 0, 0);
	gai("localhost", NULL, EVUTIL_AI_NUMERICHOST, AF_UNSPEC, 0, 0, 0);
	gai("", "80", EVUTIL_AI_NUMERICHOST, AF_UNSPEC, 0, 0, 0);

	for (i = 0; i < nnodes; i++)
		for (j = 0; j < nservs; j++)
			for (k = 0; k < (int)(sizeof(kinds) / sizeof(kinds[0])); k++)
				gai(nodes[i], servs[j], 0, AF_UNSPEC, kinds[k][0], kinds[k][1], 0);
	for (i = 0; i < nnodes; i++)
		for (f = 0; f < (int)(sizeof(flag_sets) / sizeof(flag_sets[0])); f++)
			for (k = 0; k < 4; k++) {
				const int fl = flag_sets[f];
				gai(nodes[i], "80", fl, families[k], SOCK_STREAM, 0, 0);
				gai(nodes[i], NULL, fl, families[k], 0, 0, 0);
			}

	for (i = -20; i <= 5; i++)
		printf("strerror %d: %s\n", i, evutil_gai_strerror(i));
	for (i = -106; i <= -99; i++)
		printf("strerror %d: %s\n", i, evutil_gai_strerror(i));
	for (i = -911; i <= -901; i++)
		printf("strerror %d: %s\n", i, evutil_gai_strerror(i));
	printf("strerror cancel: %s\n", evutil_gai_strerror(-90001));
	printf("strerror need-resolve: %s\n", evutil_gai_strerror(UT_EAI_NEED_RESOLVE));
	printf("strerror 12345: %s\n", evutil_gai_strerror(12345));

	/* evutil_getaddrinfo_common_ */
	for (i = 0; i < nnodes; i++)
		for (j = 0; j < nservs; j++)
			for (k = 0; k < (int)(sizeof(kinds) / sizeof(kinds[0])); k++)
				common(nodes[i], servs[j], 0, AF_UNSPEC, kinds[k][0], kinds[k][1]);
	for (i = 0; i < nnodes; i++)
		for (f = 0; f < (int)(sizeof(flag_sets) / sizeof(flag_sets[0])); f++)
			for (k = 0; k < 4; k++)
				common(nodes[i], "80", flag_sets[f], families[k], 0, 0);
	common("www.example.com", "80", 0, AF_UNSPEC, 0, 0);
	common("www.example.com", "4294967376", 0, AF_UNSPEC, 0, 0);
	common("1.2.3.4", "+80", 0, AF_UNSPEC, 1, 0);
	common("1.2.3.4", "0x50", 0, AF_UNSPEC, 1, 0);
	common("1.2.3.4", "80 ", 0, AF_UNSPEC, 1, 0);
	common(NULL, NULL, 0, 12345, 0, 0);

	/* evutil_new_addrinfo_ and evutil_addrinfo_append_ */
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(9);
	sin.sin_addr.s_addr = htonl(0x01020304);
	for (k = 0; k < (int)(sizeof(kinds) / sizeof(kinds[0])); k++) {
		memset(&hints, 0, sizeof(hints));
		hints.ai_socktype = kinds[k][0];
		hints.ai_protocol = kinds[k][1];
		hints.ai_flags = EVUTIL_AI_CANONNAME | EVUTIL_AI_PASSIVE;
		hints.ai_family = AF_INET6;
		a = evutil_new_addrinfo_((struct sockaddr *)&sin, sizeof(sin), &hints);
		printf("new_addrinfo socktype=%d protocol=%d:\n", kinds[k][0], kinds[k][1]);
		dump(a);
		evutil_freeaddrinfo(a);
	}
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(443);
	sin6.sin6_scope_id = 3;
	sin6.sin6_addr.s6_addr[15] = 1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	a = evutil_new_addrinfo_((struct sockaddr *)&sin6, sizeof(sin6), &hints);
	b = evutil_new_addrinfo_((struct sockaddr *)&sin, 8, &hints);
	l = evutil_addrinfo_append_(a, b);
	printf("append: head kept %d\n", l == a);
	dump(l);
	printf("append to NULL: %d, NULL appended: %d\n", evutil_addrinfo_append_(NULL, b) == b,
	    evutil_addrinfo_append_(b, NULL) == b);
	/* a list of the C library's kind joined to one of libevent's */
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	b = NULL;
	if (evutil_getaddrinfo("localhost", "53", &hints, &b) == 0) {
		l = evutil_addrinfo_append_(l, b);
		printf("appended a getaddrinfo list\n");
	}
	evutil_freeaddrinfo(l);

	/* evutil_adjust_hints_for_addrconfig_ (what it picks depends on this
	 * host's addresses; both libraries look at the same host) */
	for (f = 0; f < 3; f++)
		for (k = 0; k < 3; k++) {
			const int fl[] = { 0, EVUTIL_AI_ADDRCONFIG, EVUTIL_AI_ADDRCONFIG | EVUTIL_AI_PASSIVE };
			memset(&hints, 0x5a, sizeof(hints));
			hints.ai_flags = fl[f];
			hints.ai_family = families[k];
			hints.ai_socktype = SOCK_STREAM;
			hints.ai_protocol = 0;
			evutil_adjust_hints_for_addrconfig_(&hints);
			printf("adjust flags=%#x family=%d -> flags=%#x family=%d socktype=%d protocol=%d\n", fl[f],
			    families[k], hints.ai_flags, hints.ai_family, hints.ai_socktype, hints.ai_protocol);
		}

	/* evutil_getaddrinfo_async_: without evdns, a blocking lookup whose
	 * result goes to the callback at once */
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	printf("async -> %p\n", (void *)evutil_getaddrinfo_async_(NULL, "1.2.3.4", "80", &hints, cb, "one"));
	printf("async with base, no evdns -> %p\n",
	    (void *)evutil_getaddrinfo_async_((struct evdns_base *)&called, "::1", "81", &hints, cb, "two"));
	printf("async error -> %p\n", (void *)evutil_getaddrinfo_async_(NULL, NULL, NULL, &hints, cb, "three"));
	evutil_set_evdns_getaddrinfo_fn_(fake_evdns);
	evutil_set_evdns_getaddrinfo_cancel_fn_(fake_cancel);
	printf("async without base -> %p\n", (void *)evutil_getaddrinfo_async_(NULL, "1.2.3.4", "80", &hints, cb, "four"));
	printf("async with base: request is base %d\n",
	    (void *)evutil_getaddrinfo_async_((struct evdns_base *)&called, "x.example", "80", &hints, cb, "five") ==
		(void *)&called);
	evutil_getaddrinfo_cancel_async_((struct evdns_getaddrinfo_request *)&called);
	printf("callbacks: %d\n", called);
	return 0;
}
