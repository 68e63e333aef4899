/* event_rs: event2/util.h -- portable types, socket helpers, evutil_*. */
#ifndef EVENT2_UTIL_H_INCLUDED_
#define EVENT2_UTIL_H_INCLUDED_

#include <event2/visibility.h>
#include <event2/event-config.h>

/* The same system headers libevent's util.h pulls in: programs rely on
 * getting struct timeval, sockaddr, addrinfo, htons... from here. */
#include <sys/time.h>
#include <stdint.h>
#include <sys/types.h>
#include <stddef.h>
#include <stdarg.h>
#include <netdb.h>
#include <errno.h>
#include <sys/socket.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(EVENT__SIZEOF_VOID__) && !defined(EVENT__SIZEOF_VOID_P)
#define EVENT__SIZEOF_VOID_P EVENT__SIZEOF_VOID__
#endif

/* Fixed-width integer names (macros, as in libevent). */
#define ev_uint64_t uint64_t
#define ev_int64_t int64_t
#define ev_uint32_t uint32_t
#define ev_int32_t int32_t
#define ev_uint16_t uint16_t
#define ev_int16_t int16_t
#define ev_uint8_t uint8_t
#define ev_int8_t int8_t
#define ev_uintptr_t uintptr_t
#define ev_intptr_t intptr_t

#ifdef EVENT__ssize_t
#define ev_ssize_t EVENT__ssize_t
#else
#define ev_ssize_t ssize_t
#endif

/* off_t is 64 bits here. */
#define ev_off_t ev_int64_t

/* Limits. */
#define EV_UINT64_MAX UINT64_MAX
#define EV_INT64_MAX INT64_MAX
#define EV_INT64_MIN INT64_MIN
#define EV_UINT32_MAX UINT32_MAX
#define EV_INT32_MAX INT32_MAX
#define EV_INT32_MIN INT32_MIN
#define EV_UINT16_MAX UINT16_MAX
#define EV_INT16_MIN INT16_MIN
#define EV_INT16_MAX INT16_MAX
#define EV_UINT8_MAX UINT8_MAX
#define EV_INT8_MAX INT8_MAX
#define EV_INT8_MIN INT8_MIN

/* size_t is 64 bits here. */
#define EV_SIZE_MAX EV_UINT64_MAX
#define EV_SSIZE_MAX EV_INT64_MAX
#define EV_SSIZE_MIN ((-EV_SSIZE_MAX) - 1)

#ifdef EVENT__socklen_t
#define ev_socklen_t EVENT__socklen_t
#else
#define ev_socklen_t socklen_t
#endif

/* A socket is a plain file descriptor. */
#define evutil_socket_t int

/* Opaque monotonic clock handle. */
struct evutil_monotonic_timer;

#define EV_MONOT_PRECISE 1
#define EV_MONOT_FALLBACK 2

/* struct evutil_addrinfo is the system's struct addrinfo. */
#define evutil_addrinfo addrinfo

/* getaddrinfo error codes: the system's where it has them, else
 * libevent's private numbers. */
#if defined(EAI_ADDRFAMILY) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_EAI_ADDRFAMILY EAI_ADDRFAMILY
#else
#define EVUTIL_EAI_ADDRFAMILY -901
#endif
#if defined(EAI_AGAIN) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_EAI_AGAIN EAI_AGAIN
#else
#define EVUTIL_EAI_AGAIN -902
#endif
#if defined(EAI_BADFLAGS) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_EAI_BADFLAGS EAI_BADFLAGS
#else
#define EVUTIL_EAI_BADFLAGS -903
#endif
#if defined(EAI_FAIL) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_EAI_FAIL EAI_FAIL
#else
#define EVUTIL_EAI_FAIL -904
#endif
#if defined(EAI_FAMILY) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_EAI_FAMILY EAI_FAMILY
#else
#define EVUTIL_EAI_FAMILY -905
#endif
#if defined(EAI_MEMORY) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_EAI_MEMORY EAI_MEMORY
#else
#define EVUTIL_EAI_MEMORY -906
#endif
#if defined(EAI_NODATA) && defined(EVENT__HAVE_GETADDRINFO) && (!defined(EAI_NONAME) || EAI_NODATA != EAI_NONAME)
#define EVUTIL_EAI_NODATA EAI_NODATA
#else
#define EVUTIL_EAI_NODATA -907
#endif
#if defined(EAI_NONAME) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_EAI_NONAME EAI_NONAME
#else
#define EVUTIL_EAI_NONAME -908
#endif
#if defined(EAI_SERVICE) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_EAI_SERVICE EAI_SERVICE
#else
#define EVUTIL_EAI_SERVICE -909
#endif
#if defined(EAI_SOCKTYPE) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_EAI_SOCKTYPE EAI_SOCKTYPE
#else
#define EVUTIL_EAI_SOCKTYPE -910
#endif
#if defined(EAI_SYSTEM) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_EAI_SYSTEM EAI_SYSTEM
#else
#define EVUTIL_EAI_SYSTEM -911
#endif
#define EVUTIL_EAI_CANCEL -90001

/* getaddrinfo hint flags, likewise. */
#if defined(AI_PASSIVE) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_AI_PASSIVE AI_PASSIVE
#else
#define EVUTIL_AI_PASSIVE 0x1000
#endif
#if defined(AI_CANONNAME) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_AI_CANONNAME AI_CANONNAME
#else
#define EVUTIL_AI_CANONNAME 0x2000
#endif
#if defined(AI_NUMERICHOST) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_AI_NUMERICHOST AI_NUMERICHOST
#else
#define EVUTIL_AI_NUMERICHOST 0x4000
#endif
#if defined(AI_NUMERICSERV) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_AI_NUMERICSERV AI_NUMERICSERV
#else
#define EVUTIL_AI_NUMERICSERV 0x8000
#endif
#if defined(AI_V4MAPPED) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_AI_V4MAPPED AI_V4MAPPED
#else
#define EVUTIL_AI_V4MAPPED 0x10000
#endif
#if defined(AI_ALL) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_AI_ALL AI_ALL
#else
#define EVUTIL_AI_ALL 0x20000
#endif
#if defined(AI_ADDRCONFIG) && defined(EVENT__HAVE_GETADDRINFO)
#define EVUTIL_AI_ADDRCONFIG AI_ADDRCONFIG
#else
#define EVUTIL_AI_ADDRCONFIG 0x40000
#endif

struct evutil_addrinfo;
struct sockaddr;
struct timeval;
struct tm;

/*
 Sets O_NONBLOCK on `fd`.
 */
EVENT2_EXPORT_SYMBOL int evutil_make_socket_nonblocking(evutil_socket_t fd);

/*
 Sets FD_CLOEXEC on `fd`.
 */
EVENT2_EXPORT_SYMBOL int evutil_make_socket_closeonexec(evutil_socket_t fd);

/*
 Sets SO_REUSEADDR so a listener can rebind right after a restart.
 */
EVENT2_EXPORT_SYMBOL int evutil_make_listen_socket_reuseable(evutil_socket_t sock);

/*
 Sets SO_REUSEPORT.
 */
EVENT2_EXPORT_SYMBOL int evutil_make_listen_socket_reuseable_port(evutil_socket_t sock);

/*
 Sets IPV6_V6ONLY.
 */
EVENT2_EXPORT_SYMBOL int evutil_make_listen_socket_ipv6only(evutil_socket_t sock);

/*
 Sets TCP_DEFER_ACCEPT (accept only once data arrives).
 */
EVENT2_EXPORT_SYMBOL int evutil_make_tcp_listen_socket_deferred(evutil_socket_t sock);

/*
 Closes a socket.
 */
EVENT2_EXPORT_SYMBOL int evutil_closesocket(evutil_socket_t sock);

/*
 `socketpair(2)`.
 */
EVENT2_EXPORT_SYMBOL int evutil_socketpair(int family, int type_, int protocol, evutil_socket_t *fd);

/*
 Parses a 64-bit integer as `strtoll` does (white space, sign, `0x`/`0`
 prefixes by base), setting `errno` to ERANGE on overflow and EINVAL for
 a bad base (then `*endptr` is left alone, as the C library leaves it).
 */
EVENT2_EXPORT_SYMBOL ev_int64_t evutil_strtoll(const char *s, char **endptr, int base);

/*
 Compares two strings case-insensitively in ASCII: -1, 0 or 1 (NULL
 reads as the empty string).
 */
EVENT2_EXPORT_SYMBOL int evutil_ascii_strcasecmp(const char *str1, const char *str2);

/*
 As `evutil_ascii_strcasecmp`, for at most `n` characters.
 */
EVENT2_EXPORT_SYMBOL int evutil_ascii_strncasecmp(const char *str1, const char *str2, size_t n);

/*
 Writes `tm` (or, if NULL, the current time) as an RFC 1123 date,
 `Thu, 01 Jan 1970 00:00:00 GMT`, into `date` as `snprintf` would
 (truncated, NUL-terminated). Returns the length of the full date, or 0
 when `datelen` is 0 (libevent's `evutil_snprintf` rule).
 */
EVENT2_EXPORT_SYMBOL int evutil_date_rfc1123(char *date, size_t datelen, const struct tm *tm);

/*
 Allocates a monotonic timer (zeroed: configure it before use).
 */
EVENT2_EXPORT_SYMBOL struct evutil_monotonic_timer *evutil_monotonic_timer_new(void);

/*
 Frees a timer from `evutil_monotonic_timer_new`.
 */
EVENT2_EXPORT_SYMBOL void evutil_monotonic_timer_free(struct evutil_monotonic_timer *timer);

/*
 Chooses the timer's clock: `EV_MONOT_PRECISE`, `EV_MONOT_FALLBACK`, or
 0 for the cheap coarse clock. 0 on success, -1 for a NULL timer.
 */
EVENT2_EXPORT_SYMBOL int evutil_configure_monotonic_time(struct evutil_monotonic_timer *timer, int flags);

/*
 Reads the timer's clock into `tp`: 0, or -1 on NULL arguments or a
 clock error.
 */
EVENT2_EXPORT_SYMBOL int evutil_gettime_monotonic(struct evutil_monotonic_timer *timer, struct timeval *tp);

/*
 Writes an IPv4 or IPv6 address as text (IPv6 as libevent writes it:
 `::a.b.c.d` only when both last groups are non-zero); `dst`, or NULL if
 `af` is another family or the text does not fit.
 */
EVENT2_EXPORT_SYMBOL const char *evutil_inet_ntop(int af, const void *src, char *dst, size_t len);

/*
 Reads an address as `evutil_inet_pton` does, optionally with an IPv6
 `%scope` (an interface name or number) stored in `*indexp` (0 without).
 1 on success, 0 for malformed text, -1 for another family.
 */
EVENT2_EXPORT_SYMBOL int evutil_inet_pton_scope(int af, const char *src, void *dst, unsigned int *indexp);

/*
 Reads an IPv4 or IPv6 address with libevent's lenient readers (IPv4 as
 `sscanf("%u.%u.%u.%u")` reads it, IPv6 groups as `strtol(..., 16)`).
 1 on success, 0 for malformed text (or NULL), -1 for another family.
 */
EVENT2_EXPORT_SYMBOL int evutil_inet_pton(int af, const char *src, void *dst);

/*
 Parses `1.2.3.4`, `1.2.3.4:80`, `[::1]:80`, `[::1]` or `::1` into `out`,
 which can hold `*outlen` bytes; on success sets `*outlen` to the size
 used. -1 for malformed text, a port outside 1..=65535, a too-small
 buffer, or NULL arguments. Never writes more than the address's own
 size, and never more than `*outlen` (CVE-2016-10196, libevent#1573).
 */
EVENT2_EXPORT_SYMBOL int evutil_parse_sockaddr_port(const char *str, struct sockaddr *out, int *outlen);

/*
 Compares two socket addresses: families first (their difference), then
 IPv4/IPv6 addresses (IPv4 as native-order words: -1 or 1; IPv6 as
 `memcmp`) and, if `include_port`, ports (the difference of their
 network-order values); 1 for two addresses of another same family. NULL
 sorts before anything.
 */
EVENT2_EXPORT_SYMBOL int evutil_sockaddr_cmp(const struct sockaddr *sa1, const struct sockaddr *sa2, int include_port);

/*
 Resolves `nodename`/`servname` as `getaddrinfo` does (numeric requests
 answered without the resolver); NULL `hints_in` means all-zero hints.
 0 with the list in `*res`, or an `EVUTIL_EAI_*` error with `*res` NULL.
 */
EVENT2_EXPORT_SYMBOL int evutil_getaddrinfo(const char *nodename, const char *servname, const struct evutil_addrinfo *hints_in, struct evutil_addrinfo **res);

/*
 Frees a list from `evutil_getaddrinfo` (or evdns's getaddrinfo).
 */
EVENT2_EXPORT_SYMBOL void evutil_freeaddrinfo(struct evutil_addrinfo *ai);

/*
 The text for an `EVUTIL_EAI_*` error.
 */
EVENT2_EXPORT_SYMBOL const char *evutil_gai_strerror(int err);

/*
 Fills `buf` with `n` bytes from the kernel's CSPRNG.
 */
EVENT2_EXPORT_SYMBOL void evutil_secure_rng_get_bytes(void *buf, size_t n);

/*
 0 if secure random bytes are available, else -1.
 */
EVENT2_EXPORT_SYMBOL int evutil_secure_rng_init(void);

/*
 -1: the generator is the kernel's and reads no device file (the system
 libevent, built over `arc4random`, answers the same).
 */
EVENT2_EXPORT_SYMBOL int evutil_secure_rng_set_urandom_device_file(char *fname);

/*
 Stirs `datlen` bytes into the kernel's entropy pool.
 */
EVENT2_EXPORT_SYMBOL void evutil_secure_rng_add_bytes(const char *dat, size_t datlen);
EVENT2_EXPORT_SYMBOL
int evutil_snprintf(char *buf, size_t buflen, const char *format, ...)
#ifdef __GNUC__
	__attribute__((format(printf, 3, 4)))
#endif
	;
EVENT2_EXPORT_SYMBOL
int evutil_vsnprintf(char *buf, size_t buflen, const char *format, va_list ap)
#ifdef __GNUC__
	__attribute__((format(printf, 3, 0)))
#endif
	;

/* Macros named like functions come after the prototypes so that a
 * generated declaration can never be rewritten by them. */
#define EVUTIL_CLOSESOCKET(s) evutil_closesocket(s)

#define EVUTIL_SOCKET_ERROR() (errno)
#define EVUTIL_SET_SOCKET_ERROR(errcode) \
	do { errno = (errcode); } while (0)
#define evutil_socket_geterror(sock) (errno)
#define evutil_socket_error_to_string(errcode) (strerror(errcode))
#define EVUTIL_INVALID_SOCKET -1

#define evutil_timeradd(tvp, uvp, vvp) timeradd((tvp), (uvp), (vvp))
#define evutil_timersub(tvp, uvp, vvp) timersub((tvp), (uvp), (vvp))
#define evutil_timerclear(tvp) timerclear(tvp)
#define evutil_timercmp(tvp, uvp, cmp) \
	(((tvp)->tv_sec == (uvp)->tv_sec) ? \
	 ((tvp)->tv_usec cmp (uvp)->tv_usec) : \
	 ((tvp)->tv_sec cmp (uvp)->tv_sec))
#define evutil_timerisset(tvp) timerisset(tvp)

#ifdef offsetof
#define evutil_offsetof(type, field) offsetof(type, field)
#else
#define evutil_offsetof(type, field) ((off_t)(&((type *)0)->field))
#endif

#define evutil_gettimeofday(tv, tz) gettimeofday((tv), (tz))

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_UTIL_H_INCLUDED_ */
