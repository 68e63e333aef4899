/* event_rs: event2/bufferevent_struct.h -- the public prefix of struct
 * bufferevent (392 bytes on x86_64).  Programs read ev_base, input, output
 * and enabled directly. */
#ifndef EVENT2_BUFFEREVENT_STRUCT_H_INCLUDED_
#define EVENT2_BUFFEREVENT_STRUCT_H_INCLUDED_

#include <event2/event-config.h>
#include <sys/types.h>
#include <sys/time.h>
#include <event2/util.h>
#include <event2/event_struct.h>
/* for bufferevent_data_cb / bufferevent_event_cb */
#include <event2/bufferevent.h>

#ifdef __cplusplus
extern "C" {
#endif

struct event_base;
struct evbuffer;
struct bufferevent_ops;

/* Low and high watermark of one direction. */
struct event_watermark {
	size_t low;
	size_t high;
};

struct bufferevent {
	struct event_base *ev_base;
	/* implementation (socket, pair, filter, ssl) */
	const struct bufferevent_ops *be_ops;

	struct event ev_read;
	struct event ev_write;

	struct evbuffer *input;
	struct evbuffer *output;

	struct event_watermark wm_read;
	struct event_watermark wm_write;

	bufferevent_data_cb readcb;
	bufferevent_data_cb writecb;
	/* the event callback, named errorcb for history's sake */
	bufferevent_event_cb errorcb;
	void *cbarg;

	struct timeval timeout_read;
	struct timeval timeout_write;

	/* EV_READ | EV_WRITE as enabled by bufferevent_enable() */
	short enabled;
};

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_BUFFEREVENT_STRUCT_H_INCLUDED_ */
