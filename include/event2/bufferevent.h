/* event_rs: event2/bufferevent.h -- buffered I/O on sockets, pairs and
 * filters, with watermarks, timeouts and rate limits. */
#ifndef EVENT2_BUFFEREVENT_H_INCLUDED_
#define EVENT2_BUFFEREVENT_H_INCLUDED_

#include <event2/visibility.h>
#include <event2/event-config.h>
#include <sys/types.h>
#include <sys/time.h>
#include <event2/util.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bits of the 'what' argument of a bufferevent_event_cb. */
#define BEV_EVENT_READING	0x01
#define BEV_EVENT_WRITING	0x02
#define BEV_EVENT_EOF		0x10
#define BEV_EVENT_ERROR		0x20
#define BEV_EVENT_TIMEOUT	0x40
#define BEV_EVENT_CONNECTED	0x80

/* Public prefix laid out in event2/bufferevent_struct.h. */
struct bufferevent;
struct event_base;
struct evbuffer;
struct sockaddr;
struct evdns_base;
struct timeval;

typedef void (*bufferevent_data_cb)(struct bufferevent *bev, void *ctx);
typedef void (*bufferevent_event_cb)(struct bufferevent *bev, short what, void *ctx);

/* Options when creating a bufferevent. */
enum bufferevent_options {
	BEV_OPT_CLOSE_ON_FREE = (1<<0),
	BEV_OPT_THREADSAFE = (1<<1),
	BEV_OPT_DEFER_CALLBACKS = (1<<2),
	BEV_OPT_UNLOCK_CALLBACKS = (1<<3)
};

/* Modes for bufferevent_flush() and filters. */
enum bufferevent_flush_mode {
	BEV_NORMAL = 0,
	BEV_FLUSH = 1,
	BEV_FINISHED = 2
};

/* Options for bufferevent_trigger() / bufferevent_trigger_event(). */
enum bufferevent_trigger_options {
	BEV_TRIG_IGNORE_WATERMARKS = (1<<16),
	BEV_TRIG_DEFER_CALLBACKS = BEV_OPT_DEFER_CALLBACKS
};

/* Result of a bufferevent_filter_cb. */
enum bufferevent_filter_result {
	BEV_OK = 0,
	BEV_NEED_MORE = 1,
	BEV_ERROR = 2
};

typedef enum bufferevent_filter_result (*bufferevent_filter_cb)(
    struct evbuffer *src, struct evbuffer *dst, ev_ssize_t dst_limit,
    enum bufferevent_flush_mode mode, void *ctx);

/* Rate limiting. */
struct ev_token_bucket_cfg;
struct bufferevent_rate_limit_group;

#define EV_RATE_LIMIT_MAX EV_SSIZE_MAX


#ifdef __cplusplus
}
#endif

#endif /* EVENT2_BUFFEREVENT_H_INCLUDED_ */
