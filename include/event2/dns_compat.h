/* event_rs: event2/dns_compat.h -- the resolver API on an implicit global
 * evdns_base. */
#ifndef EVENT2_DNS_COMPAT_H_INCLUDED_
#define EVENT2_DNS_COMPAT_H_INCLUDED_

#include <event2/event-config.h>
#include <sys/types.h>
#include <sys/time.h>
#include <event2/util.h>
#include <event2/visibility.h>
/* for evdns_callback_type and evdns_request_callback_fn_type */
#include <event2/dns.h>

#ifdef __cplusplus
extern "C" {
#endif

struct evdns_base;
struct evdns_server_port;
struct in_addr;
struct in6_addr;


#ifdef __cplusplus
}
#endif

#endif /* EVENT2_DNS_COMPAT_H_INCLUDED_ */
