/* event_rs: event2/dns.h -- asynchronous DNS resolver and DNS server. */
#ifndef EVENT2_DNS_H_INCLUDED_
#define EVENT2_DNS_H_INCLUDED_

#include <event2/visibility.h>
#include <event2/util.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Result codes handed to resolver callbacks. */
#define DNS_ERR_NONE 0
#define DNS_ERR_FORMAT 1
#define DNS_ERR_SERVERFAILED 2
#define DNS_ERR_NOTEXIST 3
#define DNS_ERR_NOTIMPL 4
#define DNS_ERR_REFUSED 5
#define DNS_ERR_TRUNCATED 65
#define DNS_ERR_UNKNOWN 66
#define DNS_ERR_TIMEOUT 67
#define DNS_ERR_SHUTDOWN 68
#define DNS_ERR_CANCEL 69
#define DNS_ERR_NODATA 70

/* Answer types ('type' argument of an evdns_callback_type). */
#define DNS_IPv4_A 1
#define DNS_PTR 2
#define DNS_IPv6_AAAA 3

/* Request flag: do not apply the search list. */
#define DNS_QUERY_NO_SEARCH 1

/* What evdns_base_resolv_conf_parse() applies. */
#define DNS_OPTION_SEARCH 1
#define DNS_OPTION_NAMESERVERS 2
#define DNS_OPTION_MISC 4
#define DNS_OPTION_HOSTSFILE 8
#define DNS_OPTIONS_ALL (	    \
    DNS_OPTION_SEARCH |	    \
    DNS_OPTION_NAMESERVERS |    \
    DNS_OPTION_MISC |	    \
    DNS_OPTION_HOSTSFILE |	    \
    0			    \
)
#define DNS_OPTION_NAMESERVERS_NO_DEFAULT 16

/* Old name. */
#define DNS_NO_SEARCH DNS_QUERY_NO_SEARCH

/* Resolver result callback. */
typedef void (*evdns_callback_type) (int result, char type, int count, int ttl, void *addresses, void *arg);

struct evdns_base;
struct event_base;
struct evdns_request;
struct evdns_server_port;
struct evdns_server_request;
struct evdns_server_question;
struct evdns_getaddrinfo_request;
struct evutil_addrinfo;
struct sockaddr;
struct in_addr;
struct in6_addr;

/* Flags for evdns_base_new(). */
#define EVDNS_BASE_INITIALIZE_NAMESERVERS 1
#define EVDNS_BASE_DISABLE_WHEN_INACTIVE 0x8000
#define EVDNS_BASE_NAMESERVERS_NO_DEFAULT 0x10000

/* Debug log hook (evdns_set_log_fn). */
typedef void (*evdns_debug_log_fn_type)(int is_warning, const char *msg);

/* DNS server: called for each incoming request. */
typedef void (*evdns_request_callback_fn_type)(struct evdns_server_request *, void *);

/* Reply sections. */
#define EVDNS_ANSWER_SECTION 0
#define EVDNS_AUTHORITY_SECTION 1
#define EVDNS_ADDITIONAL_SECTION 2

/* Record types and classes. */
#define EVDNS_TYPE_A	   1
#define EVDNS_TYPE_NS	   2
#define EVDNS_TYPE_CNAME   5
#define EVDNS_TYPE_SOA	   6
#define EVDNS_TYPE_PTR	  12
#define EVDNS_TYPE_MX	  15
#define EVDNS_TYPE_TXT	  16
#define EVDNS_TYPE_AAAA	  28

#define EVDNS_QTYPE_AXFR 252
#define EVDNS_QTYPE_ALL	 255

#define EVDNS_CLASS_INET   1

/* Header flags for evdns_server_request_set_flags(). */
#define EVDNS_FLAGS_AA	0x400
#define EVDNS_FLAGS_RD	0x080

/* Completion callback of evdns_getaddrinfo(). */
typedef void (*evdns_getaddrinfo_cb)(int result, struct evutil_addrinfo *res, void *arg);


#ifdef __cplusplus
}
#endif

#endif /* EVENT2_DNS_H_INCLUDED_ */
