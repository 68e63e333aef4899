/* event_rs: event2/bufferevent_compat.h -- the libevent 1.x bufferevent API. */
#ifndef EVENT2_BUFFEREVENT_COMPAT_H_INCLUDED_
#define EVENT2_BUFFEREVENT_COMPAT_H_INCLUDED_

#include <event2/visibility.h>
#include <event2/util.h>
/* for bufferevent_data_cb, bufferevent_event_cb and BEV_EVENT_* */
#include <event2/bufferevent.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 1.x callback type names. */
#define evbuffercb bufferevent_data_cb
#define everrorcb bufferevent_event_cb

struct bufferevent;

/*
 A socket bufferevent on the current base (the one `event_init` made)
 with its callbacks set; writing is enabled, reading is not.
 */
EVENT2_EXPORT_SYMBOL struct bufferevent *bufferevent_new(evutil_socket_t fd, bufferevent_data_cb readcb, bufferevent_data_cb writecb, bufferevent_event_cb errorcb, void *cbarg);

/*
 Read and write timeouts in whole seconds (0: none).
 */
EVENT2_EXPORT_SYMBOL void bufferevent_settimeout(struct bufferevent *bufev, int timeout_read, int timeout_write);

/* 1.x names of the BEV_EVENT_* bits. */
#define EVBUFFER_READ		BEV_EVENT_READING
#define EVBUFFER_WRITE		BEV_EVENT_WRITING
#define EVBUFFER_EOF		BEV_EVENT_EOF
#define EVBUFFER_ERROR		BEV_EVENT_ERROR
#define EVBUFFER_TIMEOUT	BEV_EVENT_TIMEOUT

/* The buffers of a bufferevent. */
#define EVBUFFER_INPUT(x)	bufferevent_get_input(x)
#define EVBUFFER_OUTPUT(x)	bufferevent_get_output(x)

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_BUFFEREVENT_COMPAT_H_INCLUDED_ */
