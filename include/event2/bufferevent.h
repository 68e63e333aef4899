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

/*
 A bufferevent on socket `fd` (-1: none yet, see `bufferevent_socket_connect`).
 */
EVENT2_EXPORT_SYMBOL struct bufferevent *bufferevent_socket_new(struct event_base *base, evutil_socket_t fd, int options);

/*
 Starts connecting to `address` (creating the socket if there is none).
 0 if under way; the result comes to the event callback.
 */
EVENT2_EXPORT_SYMBOL int bufferevent_socket_connect(struct bufferevent *bufev, const struct sockaddr *address, int addrlen);

/*
 Resolves `hostname` and connects to it. `evdns_base` is not used yet:
 resolution is the blocking system resolver's.
 */
EVENT2_EXPORT_SYMBOL int bufferevent_socket_connect_hostname(struct bufferevent *bufev, struct evdns_base *evdns_base, int family, const char *hostname, int port);

/*
 The resolver's error of the last `bufferevent_socket_connect_hostname` (0: none).
 */
EVENT2_EXPORT_SYMBOL int bufferevent_socket_get_dns_error(struct bufferevent *bev);

/*
 A bufferevent filtering `underlying` through `input_filter` /
 `output_filter` (NULL: pass bytes through).
 */
EVENT2_EXPORT_SYMBOL struct bufferevent *bufferevent_filter_new(struct bufferevent *underlying, bufferevent_filter_cb input_filter, bufferevent_filter_cb output_filter, int options, void (*free_context)(void*), void *ctx);

/*
 Two bufferevents joined to each other, in `pair[0]` and `pair[1]`.
 */
EVENT2_EXPORT_SYMBOL int bufferevent_pair_new(struct event_base *base, int options, struct bufferevent **pair);

/*
 The other half of a pair, or NULL (not a pair, or the other half is freed).
 */
EVENT2_EXPORT_SYMBOL struct bufferevent *bufferevent_pair_get_partner(struct bufferevent *bev);

/*
 Moves a bufferevent whose events are not pending to `base`.
 */
EVENT2_EXPORT_SYMBOL int bufferevent_base_set(struct event_base *base, struct bufferevent *bufev);

/*
 The base the bufferevent was made with.
 */
EVENT2_EXPORT_SYMBOL struct event_base *bufferevent_get_base(struct bufferevent *bev);

/*
 Sets the priority of the bufferevent's events and callbacks.
 */
EVENT2_EXPORT_SYMBOL int bufferevent_priority_set(struct bufferevent *bufev, int pri);

/*
 The priority of the bufferevent's events.
 */
EVENT2_EXPORT_SYMBOL int bufferevent_get_priority(const struct bufferevent *bufev);

/*
 Drops the program's reference: the bufferevent goes once no callback of
 it runs (its socket is closed then, with `BEV_OPT_CLOSE_ON_FREE`).
 */
EVENT2_EXPORT_SYMBOL void bufferevent_free(struct bufferevent *bufev);

/*
 Takes an extra reference.
 */
EVENT2_EXPORT_SYMBOL void bufferevent_incref(struct bufferevent *bufev);

/*
 Drops a reference; 1 if that was the last one, else 0.
 */
EVENT2_EXPORT_SYMBOL int bufferevent_decref(struct bufferevent *bufev);

/*
 Takes the bufferevent's lock (nothing without `BEV_OPT_THREADSAFE`).
 */
EVENT2_EXPORT_SYMBOL void bufferevent_lock(struct bufferevent *bufev);

/*
 Releases the bufferevent's lock.
 */
EVENT2_EXPORT_SYMBOL void bufferevent_unlock(struct bufferevent *bufev);

/*
 Sets the read, write and event callbacks and their argument.
 */
EVENT2_EXPORT_SYMBOL void bufferevent_setcb(struct bufferevent *bufev, bufferevent_data_cb readcb, bufferevent_data_cb writecb, bufferevent_event_cb eventcb, void *cbarg);

/*
 Reads back the callbacks (each out-pointer may be NULL).
 */
EVENT2_EXPORT_SYMBOL void bufferevent_getcb(struct bufferevent *bufev, bufferevent_data_cb *readcb_ptr, bufferevent_data_cb *writecb_ptr, bufferevent_event_cb *eventcb_ptr, void **cbarg_ptr);

/*
 Changes the socket (socket and filter bufferevents); -1 for others.
 */
EVENT2_EXPORT_SYMBOL int bufferevent_setfd(struct bufferevent *bufev, evutil_socket_t fd);

/*
 The socket, or -1 if there is none.
 */
EVENT2_EXPORT_SYMBOL evutil_socket_t bufferevent_getfd(struct bufferevent *bufev);

/*
 The bufferevent a filter works on, else NULL.
 */
EVENT2_EXPORT_SYMBOL struct bufferevent *bufferevent_get_underlying(struct bufferevent *bufev);

/*
 Appends `size` bytes to the output. 0, or -1.
 */
EVENT2_EXPORT_SYMBOL int bufferevent_write(struct bufferevent *bufev, const void *data, size_t size);

/*
 Moves all of `buf` to the output. 0, or -1.
 */
EVENT2_EXPORT_SYMBOL int bufferevent_write_buffer(struct bufferevent *bufev, struct evbuffer *buf);

/*
 Removes up to `size` bytes from the input into `data`; how many.
 */
EVENT2_EXPORT_SYMBOL size_t bufferevent_read(struct bufferevent *bufev, void *data, size_t size);

/*
 Moves all of the input to `buf`. 0, or -1.
 */
EVENT2_EXPORT_SYMBOL int bufferevent_read_buffer(struct bufferevent *bufev, struct evbuffer *buf);

/*
 The input buffer.
 */
EVENT2_EXPORT_SYMBOL struct evbuffer *bufferevent_get_input(struct bufferevent *bufev);

/*
 The output buffer.
 */
EVENT2_EXPORT_SYMBOL struct evbuffer *bufferevent_get_output(struct bufferevent *bufev);

/*
 Enables reading and/or writing (EV_READ, EV_WRITE).
 */
EVENT2_EXPORT_SYMBOL int bufferevent_enable(struct bufferevent *bufev, short event);

/*
 Disables reading and/or writing.
 */
EVENT2_EXPORT_SYMBOL int bufferevent_disable(struct bufferevent *bufev, short event);

/*
 What the program has enabled (EV_READ, EV_WRITE).
 */
EVENT2_EXPORT_SYMBOL short bufferevent_get_enabled(struct bufferevent *bufev);

/*
 Sets the read and write timeouts (NULL: none).
 */
EVENT2_EXPORT_SYMBOL int bufferevent_set_timeouts(struct bufferevent *bufev, const struct timeval *timeout_read, const struct timeval *timeout_write);

/*
 Sets the low and high watermarks of EV_READ and/or EV_WRITE.
 */
EVENT2_EXPORT_SYMBOL void bufferevent_setwatermark(struct bufferevent *bufev, short events, size_t lowmark, size_t highmark);

/*
 Reads the watermarks of exactly one of EV_READ or EV_WRITE; -1 otherwise.
 */
EVENT2_EXPORT_SYMBOL int bufferevent_getwatermark(struct bufferevent *bufev, short events, size_t *lowmark, size_t *highmark);

/*
 Forces data through (pairs and filters; a no-op for sockets).
 */
EVENT2_EXPORT_SYMBOL int bufferevent_flush(struct bufferevent *bufev, short iotype, enum bufferevent_flush_mode mode);

/*
 Runs the read and/or write callback as if data had come or gone.
 */
EVENT2_EXPORT_SYMBOL void bufferevent_trigger(struct bufferevent *bufev, short iotype, int options);

/*
 Runs the event callback with `what`.
 */
EVENT2_EXPORT_SYMBOL void bufferevent_trigger_event(struct bufferevent *bufev, short what, int options);

/*
 The most one read may take (0 or more than EV_SSIZE_MAX: the default, 16384).
 */
EVENT2_EXPORT_SYMBOL int bufferevent_set_max_single_read(struct bufferevent *bev, size_t size);

/*
 The most one write may send (0 or more than EV_SSIZE_MAX: the default, 16384).
 */
EVENT2_EXPORT_SYMBOL int bufferevent_set_max_single_write(struct bufferevent *bev, size_t size);

EVENT2_EXPORT_SYMBOL ev_ssize_t bufferevent_get_max_single_read(struct bufferevent *bev);

EVENT2_EXPORT_SYMBOL ev_ssize_t bufferevent_get_max_single_write(struct bufferevent *bev);

/*
 How much the next read may take (the per-read maximum and the rate limits).
 */
EVENT2_EXPORT_SYMBOL ev_ssize_t bufferevent_get_max_to_read(struct bufferevent *bev);

/*
 How much the next write may send.
 */
EVENT2_EXPORT_SYMBOL ev_ssize_t bufferevent_get_max_to_write(struct bufferevent *bev);

/*
 A token-bucket configuration: `*_rate` bytes per tick on average, at
 most `*_burst` in one tick; `tick_len` NULL means one second. NULL for
 a rate above its burst, a zero rate, or a value above EV_RATE_LIMIT_MAX.
 */
EVENT2_EXPORT_SYMBOL struct ev_token_bucket_cfg *ev_token_bucket_cfg_new(size_t read_rate, size_t read_burst, size_t write_rate, size_t write_burst, const struct timeval *tick_len);

/*
 Frees a configuration (no bufferevent or group may still use it).
 */
EVENT2_EXPORT_SYMBOL void ev_token_bucket_cfg_free(struct ev_token_bucket_cfg *cfg);

/*
 Limits the bufferevent's own reading and writing (NULL: no own limit).
 */
EVENT2_EXPORT_SYMBOL int bufferevent_set_rate_limit(struct bufferevent *bev, struct ev_token_bucket_cfg *cfg);

/*
 The configuration of the bufferevent's own limit, or NULL.
 */
EVENT2_EXPORT_SYMBOL const struct ev_token_bucket_cfg *bufferevent_get_token_bucket_cfg(const struct bufferevent *bev);

/*
 The bufferevent's own read bucket (EV_SSIZE_MAX without an own limit).
 */
EVENT2_EXPORT_SYMBOL ev_ssize_t bufferevent_get_read_limit(struct bufferevent *bev);

/*
 The bufferevent's own write bucket (EV_SSIZE_MAX without an own limit).
 */
EVENT2_EXPORT_SYMBOL ev_ssize_t bufferevent_get_write_limit(struct bufferevent *bev);

/*
 Takes `decr` bytes from the own read bucket (negative: adds); -1
 without an own limit.
 */
EVENT2_EXPORT_SYMBOL int bufferevent_decrement_read_limit(struct bufferevent *bev, ev_ssize_t decr);

/*
 Takes `decr` bytes from the own write bucket; -1 without an own limit.
 */
EVENT2_EXPORT_SYMBOL int bufferevent_decrement_write_limit(struct bufferevent *bev, ev_ssize_t decr);

/*
 A rate-limit group on `base` (NULL: the current base) with `cfg`.
 */
EVENT2_EXPORT_SYMBOL struct bufferevent_rate_limit_group *bufferevent_rate_limit_group_new(struct event_base *base, const struct ev_token_bucket_cfg *cfg);

/*
 Changes a group's limits. 0, or -1 for NULL arguments.
 */
EVENT2_EXPORT_SYMBOL int bufferevent_rate_limit_group_set_cfg(struct bufferevent_rate_limit_group *g, const struct ev_token_bucket_cfg *cfg);

/*
 The smallest amount one member may move at a time (default 64, never
 more than one tick's rate).
 */
EVENT2_EXPORT_SYMBOL int bufferevent_rate_limit_group_set_min_share(struct bufferevent_rate_limit_group *g, size_t share);

/*
 Frees a group that has no members left.
 */
EVENT2_EXPORT_SYMBOL void bufferevent_rate_limit_group_free(struct bufferevent_rate_limit_group *g);

/*
 Puts `bev` in group `g` (leaving its old group); NULL `g` just leaves.
 */
EVENT2_EXPORT_SYMBOL int bufferevent_add_to_rate_limit_group(struct bufferevent *bev, struct bufferevent_rate_limit_group *g);

/*
 Takes `bev` out of its group, if any.
 */
EVENT2_EXPORT_SYMBOL int bufferevent_remove_from_rate_limit_group(struct bufferevent *bev);

/*
 The group's read bucket (may be negative).
 */
EVENT2_EXPORT_SYMBOL ev_ssize_t bufferevent_rate_limit_group_get_read_limit(struct bufferevent_rate_limit_group *g);

/*
 The group's write bucket (may be negative).
 */
EVENT2_EXPORT_SYMBOL ev_ssize_t bufferevent_rate_limit_group_get_write_limit(struct bufferevent_rate_limit_group *g);

/*
 Takes `decr` bytes from the group's read bucket (negative: adds).
 */
EVENT2_EXPORT_SYMBOL int bufferevent_rate_limit_group_decrement_read(struct bufferevent_rate_limit_group *g, ev_ssize_t decr);

/*
 Takes `decr` bytes from the group's write bucket (negative: adds).
 */
EVENT2_EXPORT_SYMBOL int bufferevent_rate_limit_group_decrement_write(struct bufferevent_rate_limit_group *g, ev_ssize_t decr);

/*
 Bytes ever read and written by the group's members (each out-pointer may be NULL).
 */
EVENT2_EXPORT_SYMBOL void bufferevent_rate_limit_group_get_totals(struct bufferevent_rate_limit_group *grp, ev_uint64_t *total_read_out, ev_uint64_t *total_written_out);

/*
 Sets the group's totals back to zero.
 */
EVENT2_EXPORT_SYMBOL void bufferevent_rate_limit_group_reset_totals(struct bufferevent_rate_limit_group *grp);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_BUFFEREVENT_H_INCLUDED_ */
