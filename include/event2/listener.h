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

/*
 Accepts connections on the (non-blocking, bound) socket `fd`; `backlog`
 0 means it already listens, negative picks a default.
 */
EVENT2_EXPORT_SYMBOL struct evconnlistener *evconnlistener_new(struct event_base *base, evconnlistener_cb cb, void *ptr, unsigned int flags, int backlog, evutil_socket_t fd);

/*
 Makes, binds and listens on a socket for `sa`, then accepts on it.
 */
EVENT2_EXPORT_SYMBOL struct evconnlistener *evconnlistener_new_bind(struct event_base *base, evconnlistener_cb cb, void *ptr, unsigned int flags, int backlog, const struct sockaddr *sa, int socklen);

/*
 Stops accepting and frees the listener (closing the socket with
 LEV_OPT_CLOSE_ON_FREE); safe from inside its own callback.
 */
EVENT2_EXPORT_SYMBOL void evconnlistener_free(struct evconnlistener *lev);

/*
 Starts (again) accepting.
 */
EVENT2_EXPORT_SYMBOL int evconnlistener_enable(struct evconnlistener *lev);

/*
 Stops accepting for now.
 */
EVENT2_EXPORT_SYMBOL int evconnlistener_disable(struct evconnlistener *lev);

/*
 The listener's base.
 */
EVENT2_EXPORT_SYMBOL struct event_base *evconnlistener_get_base(struct evconnlistener *lev);

/*
 The listening socket.
 */
EVENT2_EXPORT_SYMBOL evutil_socket_t evconnlistener_get_fd(struct evconnlistener *lev);

/*
 Changes the accept callback and its argument.
 */
EVENT2_EXPORT_SYMBOL void evconnlistener_set_cb(struct evconnlistener *lev, evconnlistener_cb cb, void *arg);

/*
 Sets the callback for accept errors (it gets the accept callback's argument).
 */
EVENT2_EXPORT_SYMBOL void evconnlistener_set_error_cb(struct evconnlistener *lev, evconnlistener_errorcb errorcb);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_LISTENER_H_INCLUDED_ */
