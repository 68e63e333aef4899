/* event_rs: event.h -- the libevent 1.x umbrella header.  Pulls in the core
 * event2 headers together with their *_struct.h and *_compat.h companions,
 * so 1.x programs (event_set, bufferevent_new, EVBUFFER_DATA...) build
 * unchanged.  New code should include the event2/ headers it needs. */
#ifndef EVENT1_EVENT_H_INCLUDED_
#define EVENT1_EVENT_H_INCLUDED_

#include <event2/event-config.h>
#include <sys/types.h>
#include <sys/time.h>
#include <stdint.h>
#include <stdarg.h>

/* evutil.h: event2/util.h */
#include <evutil.h>

#include <event2/event_struct.h>
#include <event2/event.h>
#include <event2/event_compat.h>
#include <event2/buffer.h>
#include <event2/buffer_compat.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_struct.h>
#include <event2/bufferevent_compat.h>
#include <event2/tag.h>
#include <event2/tag_compat.h>

#endif /* EVENT1_EVENT_H_INCLUDED_ */
