/* event_rs: event2/event_compat.h -- the libevent 1.x API (global base,
 * event_set, timeout_* and signal_* macros). */
#ifndef EVENT2_EVENT_COMPAT_H_INCLUDED_
#define EVENT2_EVENT_COMPAT_H_INCLUDED_

#include <event2/visibility.h>
#include <event2/event-config.h>
#include <sys/types.h>
#include <sys/time.h>
#include <event2/util.h>

#ifdef __cplusplus
extern "C" {
#endif

struct event_base;
struct event;
struct timeval;

/*
 Creates a base and makes it the current one.
 */
EVENT2_EXPORT_SYMBOL struct event_base *event_init(void);

/*
 `event_base_dispatch` on the current base.
 */
EVENT2_EXPORT_SYMBOL int event_dispatch(void);

/*
 `event_base_loop` on the current base.
 */
EVENT2_EXPORT_SYMBOL int event_loop(int flags);

/*
 `event_base_loopexit` on the current base.
 */
EVENT2_EXPORT_SYMBOL int event_loopexit(const struct timeval *tv);

/*
 `event_base_loopbreak` on the current base.
 */
EVENT2_EXPORT_SYMBOL int event_loopbreak(void);

/*
 `event_base_once` on the current base.
 */
EVENT2_EXPORT_SYMBOL int event_once(evutil_socket_t fd, short events, void (*callback)(evutil_socket_t, short, void*), void *arg, const struct timeval *tv);

/*
 The current base's backend name.
 */
EVENT2_EXPORT_SYMBOL const char *event_get_method(void);

/*
 `event_base_priority_init` on the current base.
 */
EVENT2_EXPORT_SYMBOL int event_priority_init(int npriorities);

/*
 `event_assign` on the current base (which may be NULL; the program can
 set `ev_base` or call `event_base_set` afterwards).
 */
EVENT2_EXPORT_SYMBOL void event_set(struct event *ev, evutil_socket_t fd, short events, void (*callback)(evutil_socket_t, short, void*), void *arg);

/* 1.x names built on event_set()/event_add()/event_del(). */
#define evtimer_set(ev, cb, arg)	event_set((ev), -1, 0, (cb), (arg))
#define evsignal_set(ev, x, cb, arg)	\
	event_set((ev), (x), EV_SIGNAL|EV_PERSIST, (cb), (arg))

#define timeout_add(ev, tv)		event_add((ev), (tv))
#define timeout_set(ev, cb, arg)	event_set((ev), -1, 0, (cb), (arg))
#define timeout_del(ev)			event_del(ev)
#define timeout_pending(ev, tv)		event_pending((ev), EV_TIMEOUT, (tv))
#define timeout_initialized(ev)		event_initialized(ev)

#define signal_add(ev, tv)		event_add((ev), (tv))
#define signal_set(ev, x, cb, arg)				\
	event_set((ev), (x), EV_SIGNAL|EV_PERSIST, (cb), (arg))
#define signal_del(ev)			event_del(ev)
#define signal_pending(ev, tv)		event_pending((ev), EV_SIGNAL, (tv))
#define signal_initialized(ev)		event_initialized(ev)

#ifndef EVENT_FD
/* Use event_get_fd() / event_get_signal() in new code. */
#define EVENT_FD(ev)		((int)event_get_fd(ev))
#define EVENT_SIGNAL(ev)	event_get_signal(ev)
#endif

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_EVENT_COMPAT_H_INCLUDED_ */
