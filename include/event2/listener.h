/* event_rs: event2/listener.h -- evconnlistener, accepting connections. */
#ifndef EVENT2_LISTENER_H_INCLUDED_
#define EVENT2_LISTENER_H_INCLUDED_

#include <event2/visibility.h>
#include <event2/event.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sockaddr;
struct evconnlistener;
struct event_base;

/* Called with each accepted socket and its peer address. */
typedef void (*evconnlistener_cb)(struct evconnlistener *, evutil_socket_t, struct sockaddr *, int socklen, void *);

/* Called when accept() fails. */
typedef void (*evconnlistener_errorcb)(struct evconnlistener *, void *);

/* Flags for evconnlistener_new() / evconnlistener_new_bind(). */
#define LEV_OPT_LEAVE_SOCKETS_BLOCKING	(1u<<0)
#define LEV_OPT_CLOSE_ON_FREE		(1u<<1)
#define LEV_OPT_CLOSE_ON_EXEC		(1u<<2)
#define LEV_OPT_REUSEABLE		(1u<<3)
#define LEV_OPT_THREADSAFE		(1u<<4)
#define LEV_OPT_DISABLED		(1u<<5)
#define LEV_OPT_DEFERRED_ACCEPT		(1u<<6)
#define LEV_OPT_REUSEABLE_PORT		(1u<<7)
#define LEV_OPT_BIND_IPV6ONLY		(1u<<8)


#ifdef __cplusplus
}
#endif

#endif /* EVENT2_LISTENER_H_INCLUDED_ */
