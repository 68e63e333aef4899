/* Helpers for the evutil differential tests, and the prototypes of the
 * internal evutil helpers libevent exports (as its util-internal.h and
 * time-internal.h declare them; no public header does). */
#ifndef UT_H
#define UT_H

#include <event2/event.h>
#include <event2/util.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct evutil_weakrand_state {
	ev_uint32_t seed;
};
/* libevent's layout on Linux (time-internal.h); tests keep one on the stack. */
struct ut_monotonic_timer {
	int monotonic_clock;
	struct timeval adjust_monotonic_clock;
	struct timeval last_time;
};
struct evdns_base;
struct evdns_getaddrinfo_request;

#define UT_EAI_NEED_RESOLVE (-90002)
#define UT_AI_LIBEVENT_ALLOCATED ((int)0x80000000)

evutil_socket_t evutil_socket_(int domain, int type, int protocol);
evutil_socket_t evutil_accept4_(evutil_socket_t sockfd, struct sockaddr *addr, ev_socklen_t *addrlen, int flags);
int evutil_make_internal_pipe_(evutil_socket_t fd[2]);
evutil_socket_t evutil_eventfd_(unsigned initval, int flags);
int evutil_ersatz_socketpair_(int, int, int, evutil_socket_t[]);
const char *evutil_format_sockaddr_port_(const struct sockaddr *sa, char *out, size_t outlen);
int evutil_sockaddr_is_loopback_(const struct sockaddr *sa);
int evutil_v4addr_is_local_(const struct in_addr *in);
int evutil_v6addr_is_local_(const struct in6_addr *in);
long evutil_tv_to_msec_(const struct timeval *tv);
void evutil_usleep_(const struct timeval *tv);
int evutil_configure_monotonic_time_(struct evutil_monotonic_timer *mt, int flags);
int evutil_gettime_monotonic_(struct evutil_monotonic_timer *mt, struct timeval *tv);
ev_uint32_t evutil_weakrand_seed_(struct evutil_weakrand_state *state, ev_uint32_t seed);
ev_int32_t evutil_weakrand_(struct evutil_weakrand_state *seed);
ev_int32_t evutil_weakrand_range_(struct evutil_weakrand_state *seed, ev_int32_t top);
const char *evutil_getenv_(const char *name);
int evutil_read_file_(const char *filename, char **content_out, size_t *len_out, int is_binary);
void evutil_rtrim_lws_(char *);
int evutil_hex_char_to_int_(char c);
int evutil_open_closeonexec_(const char *pathname, int flags, unsigned mode);
int evutil_socket_connect_(evutil_socket_t *fd_ptr, const struct sockaddr *sa, int socklen);
int evutil_socket_finished_connecting_(evutil_socket_t fd);
void evutil_memclear_(void *mem, size_t len);
struct evutil_addrinfo *evutil_new_addrinfo_(struct sockaddr *sa, ev_socklen_t socklen,
    const struct evutil_addrinfo *hints);
struct evutil_addrinfo *evutil_addrinfo_append_(struct evutil_addrinfo *first, struct evutil_addrinfo *append);
void evutil_adjust_hints_for_addrconfig_(struct evutil_addrinfo *hints);
int evutil_getaddrinfo_common_(const char *nodename, const char *servname, struct evutil_addrinfo *hints,
    struct evutil_addrinfo **res, int *portnum);
typedef struct evdns_getaddrinfo_request *(*evdns_getaddrinfo_fn)(struct evdns_base *base,
    const char *nodename, const char *servname, const struct evutil_addrinfo *hints_in,
    void (*cb)(int, struct evutil_addrinfo *, void *), void *arg);
typedef void (*evdns_getaddrinfo_cancel_fn)(struct evdns_getaddrinfo_request *req);
void evutil_set_evdns_getaddrinfo_fn_(evdns_getaddrinfo_fn fn);
void evutil_set_evdns_getaddrinfo_cancel_fn_(evdns_getaddrinfo_cancel_fn fn);
struct evdns_getaddrinfo_request *evutil_getaddrinfo_async_(struct evdns_base *dns_base,
    const char *nodename, const char *servname, const struct evutil_addrinfo *hints_in,
    void (*cb)(int, struct evutil_addrinfo *, void *), void *arg);
void evutil_getaddrinfo_cancel_async_(struct evdns_getaddrinfo_request *data);
int EVUTIL_ISALPHA_(char c);
int EVUTIL_ISALNUM_(char c);
int EVUTIL_ISSPACE_(char c);
int EVUTIL_ISDIGIT_(char c);
int EVUTIL_ISXDIGIT_(char c);
int EVUTIL_ISPRINT_(char c);
int EVUTIL_ISLOWER_(char c);
int EVUTIL_ISUPPER_(char c);
char EVUTIL_TOUPPER_(char c);
char EVUTIL_TOLOWER_(char c);

/* A C string shown with escapes, in a rotating static buffer. */
static __attribute__((unused)) const char *
ut_q(const char *s)
{
	static char bufs[4][2048];
	static int k;
	char *b = bufs[k++ & 3], *p = b;
	if (!s)
		return "(null)";
	*p++ = '"';
	for (; *s && p < b + sizeof(bufs[0]) - 8; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			p += sprintf(p, "\\x%02x", c);
		else
			*p++ = (char)c;
	}
	*p++ = '"';
	*p = 0;
	return b;
}

static __attribute__((unused)) const char *
ut_hex(const void *v, size_t n)
{
	static char bufs[4][512];
	static int k;
	char *b = bufs[k++ & 3], *p = b;
	const unsigned char *u = v;
	size_t i;
	for (i = 0; i < n && i < 250; i++)
		p += sprintf(p, "%02x", u[i]);
	*p = 0;
	return b;
}

/* A deterministic generator for test corpora. */
static unsigned ut_seed = 20261123u;
static __attribute__((unused)) unsigned
ut_rand(void)
{
	ut_seed = ut_seed * 1103515245u + 12345u;
	return (ut_seed >> 16) & 0x7fff;
}

/* A random string of up to maxlen characters from alphabet. */
static __attribute__((unused)) const char *
ut_rand_str(const char *alphabet, int maxlen)
{
	static char buf[256];
	int n = (int)(ut_rand() % (unsigned)(maxlen + 1)), i;
	size_t a = strlen(alphabet);
	for (i = 0; i < n; i++)
		buf[i] = alphabet[ut_rand() % a];
	buf[n] = 0;
	return buf;
}

/* A socket address as text, without calling the library under test. */
static __attribute__((unused)) const char *
ut_sa(const struct sockaddr *sa)
{
	static char bufs[4][128];
	static int k;
	char *b = bufs[k++ & 3], a[64];
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)sa;
		inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a));
		snprintf(b, 128, "%s:%d zero=%s", a, ntohs(sin->sin_port), ut_hex(sin->sin_zero, 8));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;
		inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a));
		snprintf(b, 128, "[%s]:%d flow=%u scope=%u", a, ntohs(sin6->sin6_port),
		    (unsigned)sin6->sin6_flowinfo, (unsigned)sin6->sin6_scope_id);
	} else {
		snprintf(b, 128, "family %d", sa->sa_family);
	}
	return b;
}

#endif
