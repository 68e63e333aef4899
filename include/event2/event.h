/* event_rs: event2/event.h -- event bases, events, the loop. */
#ifndef EVENT2_EVENT_H_INCLUDED_
#define EVENT2_EVENT_H_INCLUDED_

#include <event2/visibility.h>
#include <event2/event-config.h>
#include <sys/types.h>
#include <sys/time.h>
#include <stdio.h>
#include <event2/util.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque to programs (struct event is laid out in event_struct.h). */
struct event_base;
struct event;
struct event_config;

/* Flags for event_base_get_num_events() / event_base_get_max_events(). */
#define EVENT_BASE_COUNT_ACTIVE 1U
#define EVENT_BASE_COUNT_VIRTUAL 2U
#define EVENT_BASE_COUNT_ADDED 4U

/* Backend features (event_config_require_features, event_base_get_features). */
enum event_method_feature {
	EV_FEATURE_ET = 0x01,
	EV_FEATURE_O1 = 0x02,
	EV_FEATURE_FDS = 0x04,
	EV_FEATURE_EARLY_CLOSE = 0x08
};

/* Flags for event_config_set_flag(). */
enum event_base_config_flag {
	EVENT_BASE_FLAG_NOLOCK = 0x01,
	EVENT_BASE_FLAG_IGNORE_ENV = 0x02,
	EVENT_BASE_FLAG_STARTUP_IOCP = 0x04,
	EVENT_BASE_FLAG_NO_CACHE_TIME = 0x08,
	EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST = 0x10,
	EVENT_BASE_FLAG_PRECISE_TIMER = 0x20
};
/* event_rs only (libevent's event_config_set_flag keeps the bit and ignores
 * it): fast timers. Timers still fire in deadline order, but timers with
 * equal deadlines may fire in another order than libevent's. The same as
 * EVENT_RS_FAST_TIMERS=1 in the environment. See docs/COMPATIBILITY.md. */
#define EVENT_BASE_FLAG_RS_FAST_TIMERS 0x10000000

/* Log severities passed to an event_log_cb. */
#define EVENT_LOG_DEBUG 0
#define EVENT_LOG_MSG 1
#define EVENT_LOG_WARN 2
#define EVENT_LOG_ERR 3

/* Old spellings. */
#define _EVENT_LOG_DEBUG EVENT_LOG_DEBUG
#define _EVENT_LOG_MSG EVENT_LOG_MSG
#define _EVENT_LOG_WARN EVENT_LOG_WARN
#define _EVENT_LOG_ERR EVENT_LOG_ERR

typedef void (*event_log_cb)(int severity, const char *msg);
typedef void (*event_fatal_cb)(int err);

/* Arguments for event_enable_debug_logging(). */
#define EVENT_DBG_ALL 0xffffffffu
#define EVENT_DBG_NONE 0

/* Flags for event_base_loop(). */
#define EVLOOP_ONCE 0x01
#define EVLOOP_NONBLOCK 0x02
#define EVLOOP_NO_EXIT_ON_EMPTY 0x04

/* Event kinds and options. */
#define EV_TIMEOUT 0x01
#define EV_READ 0x02
#define EV_WRITE 0x04
#define EV_SIGNAL 0x08
#define EV_PERSIST 0x10
#define EV_ET 0x20
#define EV_FINALIZE 0x40
#define EV_CLOSED 0x80

/* Event callback: (fd or signal, what happened, user argument). */
typedef void (*event_callback_fn)(evutil_socket_t, short, void *);

/* Called once an event is finalized (event_finalize, event_free_finalize). */
typedef void (*event_finalize_callback_fn)(struct event *, void *);

/* Visitor for event_base_foreach_event(); non-zero stops the walk. */
typedef int (*event_base_foreach_event_cb)(const struct event_base *, const struct event *, void *);

#define LIBEVENT_VERSION EVENT__VERSION
#define LIBEVENT_VERSION_NUMBER EVENT__NUMERIC_VERSION

#define EVENT_MAX_PRIORITIES 256

/* event_set_mem_functions() is available. */
#define EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED

/*
 Creates a base with the default configuration.
 */
EVENT2_EXPORT_SYMBOL struct event_base *event_base_new(void);

/*
 Creates a base following `cfg` (NULL: defaults); NULL if no backend fits.
 */
EVENT2_EXPORT_SYMBOL struct event_base *event_base_new_with_config(const struct event_config *cfg);

/*
 Frees a base, deleting its events and running pending finalizers.
 */
EVENT2_EXPORT_SYMBOL void event_base_free(struct event_base *base);

/*
 Frees a base without running pending finalizers.
 */
EVENT2_EXPORT_SYMBOL void event_base_free_nofinalize(struct event_base *base);

/*
 Re-creates the backend and signal pipe after `fork()`.
 */
EVENT2_EXPORT_SYMBOL int event_reinit(struct event_base *base);

/*
 The backend's name ("epoll", "poll", "select").
 */
EVENT2_EXPORT_SYMBOL const char *event_base_get_method(const struct event_base *base);

/*
 The backends built in, in order of preference, NULL-terminated.
 */
EVENT2_EXPORT_SYMBOL const char **event_get_supported_methods(void);

/*
 The `EV_FEATURE_*` bits of the base's backend.
 */
EVENT2_EXPORT_SYMBOL int event_base_get_features(const struct event_base *base);

/*
 A new, default configuration.
 */
EVENT2_EXPORT_SYMBOL struct event_config *event_config_new(void);

EVENT2_EXPORT_SYMBOL void event_config_free(struct event_config *cfg);

/*
 Skips the named backend when choosing one.
 */
EVENT2_EXPORT_SYMBOL int event_config_avoid_method(struct event_config *cfg, const char *method);

/*
 Requires every `EV_FEATURE_*` bit in `features` of the backend.
 */
EVENT2_EXPORT_SYMBOL int event_config_require_features(struct event_config *cfg, int features);

/*
 Adds an `EVENT_BASE_FLAG_*` flag.
 */
EVENT2_EXPORT_SYMBOL int event_config_set_flag(struct event_config *cfg, int flag);

/*
 Records a CPU-count hint (used only by IOCP in libevent).
 */
EVENT2_EXPORT_SYMBOL int event_config_set_num_cpus_hint(struct event_config *cfg, int cpus);

/*
 Limits how long / how many callbacks run before the loop checks for new
 events, for priorities at or after `min_priority`.
 */
EVENT2_EXPORT_SYMBOL int event_config_set_max_dispatch_interval(struct event_config *cfg, const struct timeval *max_interval, int max_callbacks, int min_priority);

/*
 Sets the number of priorities (1..256); fails while callbacks are active.
 */
EVENT2_EXPORT_SYMBOL int event_base_priority_init(struct event_base *base, int npriorities);

EVENT2_EXPORT_SYMBOL int event_base_get_npriorities(struct event_base *base);

/*
 Sets an event's priority; fails while it is active or out of range.
 */
EVENT2_EXPORT_SYMBOL int event_priority_set(struct event *ev, int pri);

/*
 A magic `arg` that makes the event its own callback argument.
 */
EVENT2_EXPORT_SYMBOL void *event_self_cbarg(void);

/*
 Prepares caller-owned memory as an event. Allocates nothing.
 */
EVENT2_EXPORT_SYMBOL int event_assign(struct event *ev, struct event_base *base, evutil_socket_t fd, short events, event_callback_fn callback, void *arg);

/*
 Allocates (with the configured malloc) and assigns an event.
 */
EVENT2_EXPORT_SYMBOL struct event *event_new(struct event_base *base, evutil_socket_t fd, short events, event_callback_fn callback, void *arg);

/*
 Deletes and frees an event from `event_new`.
 */
EVENT2_EXPORT_SYMBOL void event_free(struct event *ev);

/*
 Makes `ev` pending: for its I/O or signal, and for `tv` if given.
 */
EVENT2_EXPORT_SYMBOL int event_add(struct event *ev, const struct timeval *tv);

/*
 Makes `ev` non-pending and non-active.
 */
EVENT2_EXPORT_SYMBOL int event_del(struct event *ev);

/*
 `event_del` that never waits for a callback running in another thread.
 */
EVENT2_EXPORT_SYMBOL int event_del_noblock(struct event *ev);

/*
 `event_del` that always waits for a callback running in another thread.
 */
EVENT2_EXPORT_SYMBOL int event_del_block(struct event *ev);

/*
 Removes only the timeout of a pending event.
 */
EVENT2_EXPORT_SYMBOL int event_remove_timer(struct event *ev);

/*
 Makes `ev` active with `res` as if it had fired.
 */
EVENT2_EXPORT_SYMBOL void event_active(struct event *ev, int res, short ncalls);

/*
 Which of `events` the event is pending or active for; the expiry (wall
 clock) goes to `tv` when EV_TIMEOUT is asked and pending.
 */
EVENT2_EXPORT_SYMBOL int event_pending(const struct event *ev, short events, struct timeval *tv);

/*
 Whether the memory holds an assigned event.
 */
EVENT2_EXPORT_SYMBOL int event_initialized(const struct event *ev);

/*
 Forgets an event in debug mode, so its memory may be reused.
 */
EVENT2_EXPORT_SYMBOL void event_debug_unassign(struct event *ev);

EVENT2_EXPORT_SYMBOL evutil_socket_t event_get_fd(const struct event *ev);

EVENT2_EXPORT_SYMBOL struct event_base *event_get_base(const struct event *ev);

EVENT2_EXPORT_SYMBOL short event_get_events(const struct event *ev);

EVENT2_EXPORT_SYMBOL event_callback_fn event_get_callback(const struct event *ev);

EVENT2_EXPORT_SYMBOL void *event_get_callback_arg(const struct event *ev);

EVENT2_EXPORT_SYMBOL int event_get_priority(const struct event *ev);

/*
 Copies out everything `event_assign` was given; NULL outputs are skipped.
 */
EVENT2_EXPORT_SYMBOL void event_get_assignment(const struct event *ev, struct event_base **base_out, evutil_socket_t *fd_out, short *events_out, event_callback_fn *callback_out, void **arg_out);

/*
 `sizeof(struct event)` as this library lays it out: 128.
 */
EVENT2_EXPORT_SYMBOL size_t event_get_struct_event_size(void);

/*
 Moves a freshly set event to `base`; fails once it was added.
 */
EVENT2_EXPORT_SYMBOL int event_base_set(struct event_base *base, struct event *ev);

/*
 Deletes `ev` without blocking and runs `cb` from the loop once it is safe.
 */
EVENT2_EXPORT_SYMBOL int event_finalize(unsigned int flags, struct event *ev, event_finalize_callback_fn cb);

/*
 As `event_finalize`, then frees the event.
 */
EVENT2_EXPORT_SYMBOL int event_free_finalize(unsigned int flags, struct event *ev, event_finalize_callback_fn cb);

/*
 Runs the loop until no events remain or it is told to stop.
 */
EVENT2_EXPORT_SYMBOL int event_base_dispatch(struct event_base *base);

/*
 Runs the loop with `EVLOOP_*` flags; 0 when stopped, 1 when no events
 were left, -1 on error.
 */
EVENT2_EXPORT_SYMBOL int event_base_loop(struct event_base *base, int flags);

/*
 Stops the loop after `tv` (or after this iteration's callbacks if NULL).
 */
EVENT2_EXPORT_SYMBOL int event_base_loopexit(struct event_base *base, const struct timeval *tv);

/*
 Stops the loop right after the running callback.
 */
EVENT2_EXPORT_SYMBOL int event_base_loopbreak(struct event_base *base);

/*
 Makes the loop look for new events before running more callbacks.
 */
EVENT2_EXPORT_SYMBOL int event_base_loopcontinue(struct event_base *base);

EVENT2_EXPORT_SYMBOL int event_base_got_break(struct event_base *base);

EVENT2_EXPORT_SYMBOL int event_base_got_exit(struct event_base *base);

/*
 Runs `callback` once: on I/O readiness of `fd`, or after `tv`.
 */
EVENT2_EXPORT_SYMBOL int event_base_once(struct event_base *base, evutil_socket_t fd, short events, event_callback_fn callback, void *arg, const struct timeval *tv);

/*
 A timeout value that many events share cheaply (returned as a tagged timeval).
 */
EVENT2_EXPORT_SYMBOL const struct timeval *event_base_init_common_timeout(struct event_base *base, const struct timeval *duration);

/*
 The loop's cached wall-clock time, or the current time outside callbacks.
 */
EVENT2_EXPORT_SYMBOL int event_base_gettimeofday_cached(struct event_base *base, struct timeval *tv);

/*
 Refreshes the loop's cached time (while it runs).
 */
EVENT2_EXPORT_SYMBOL int event_base_update_cache_time(struct event_base *base);

/*
 The monotonic clock the base runs its timers on.
 */
EVENT2_EXPORT_SYMBOL int event_gettime_monotonic(struct event_base *base, struct timeval *tv);

/*
 Activates the events on `fd` for `events` (timers on `fd` for EV_TIMEOUT).
 */
EVENT2_EXPORT_SYMBOL void event_base_active_by_fd(struct event_base *base, evutil_socket_t fd, short events);

/*
 Activates the events on signal `sig` once.
 */
EVENT2_EXPORT_SYMBOL void event_base_active_by_signal(struct event_base *base, int sig);

/*
 Calls `fn_` for every event of the base until it returns non-zero.
 */
EVENT2_EXPORT_SYMBOL int event_base_foreach_event(struct event_base *base, event_base_foreach_event_cb fn_, void *arg);

/*
 Writes a description of the base's events to `output`.
 */
EVENT2_EXPORT_SYMBOL void event_base_dump_events(struct event_base *base, FILE *output);

/*
 Counts of events of the kinds in `type_` (`EVENT_BASE_COUNT_*`).
 */
EVENT2_EXPORT_SYMBOL int event_base_get_num_events(struct event_base *base, unsigned int type_);

/*
 The most events of the kinds in `type_` seen at once; `clear` resets.
 */
EVENT2_EXPORT_SYMBOL int event_base_get_max_events(struct event_base *base, unsigned int type_, int clear);

/*
 The event whose callback is running in this loop, or NULL.
 */
EVENT2_EXPORT_SYMBOL struct event *event_base_get_running_event(struct event_base *base);

/*
 "2.1.12-stable": the API and behaviour this library provides.
 */
EVENT2_EXPORT_SYMBOL const char *event_get_version(void);

/*
 0x02010c00.
 */
EVENT2_EXPORT_SYMBOL uint32_t event_get_version_number(void);

/*
 Sends log messages to `cb` (NULL: to stderr).
 */
EVENT2_EXPORT_SYMBOL void event_set_log_callback(event_log_cb cb);

/*
 Calls `cb` on fatal errors instead of exiting.
 */
EVENT2_EXPORT_SYMBOL void event_set_fatal_callback(event_fatal_cb cb);

/*
 Turns debug-level log messages on (any non-zero mask) or off.
 */
EVENT2_EXPORT_SYMBOL void event_enable_debug_logging(uint32_t which);

/*
 Tracks events to catch misuse; must precede any base or event.
 */
EVENT2_EXPORT_SYMBOL void event_enable_debug_mode(void);

/*
 Routes the library's allocations through the program's functions.
 */
EVENT2_EXPORT_SYMBOL void event_set_mem_functions(void *(*malloc_fn)(size_t), void *(*realloc_fn)(void*, size_t), void (*free_fn)(void*));

/*
 Releases the library's global state (debug-mode records).
 */
EVENT2_EXPORT_SYMBOL void libevent_global_shutdown(void);

/* Timer, signal and user-event shorthands. */
#define evtimer_assign(ev, b, cb, arg) \
	event_assign((ev), (b), -1, 0, (cb), (arg))
#define evtimer_new(b, cb, arg) event_new((b), -1, 0, (cb), (arg))
#define evtimer_add(ev, tv) event_add((ev), (tv))
#define evtimer_del(ev) event_del(ev)
#define evtimer_pending(ev, tv) event_pending((ev), EV_TIMEOUT, (tv))
#define evtimer_initialized(ev) event_initialized(ev)

#define evsignal_add(ev, tv) event_add((ev), (tv))
#define evsignal_assign(ev, b, x, cb, arg) \
	event_assign((ev), (b), (x), EV_SIGNAL|EV_PERSIST, cb, (arg))
#define evsignal_new(b, x, cb, arg) \
	event_new((b), (x), EV_SIGNAL|EV_PERSIST, (cb), (arg))
#define evsignal_del(ev) event_del(ev)
#define evsignal_pending(ev, tv) event_pending((ev), EV_SIGNAL, (tv))
#define evsignal_initialized(ev) event_initialized(ev)

#define evuser_new(b, cb, arg) event_new((b), -1, 0, (cb), (arg))
#define evuser_del(ev) event_del(ev)
#define evuser_pending(ev, tv) event_pending((ev), 0, (tv))
#define evuser_initialized(ev) event_initialized(ev)
#define evuser_trigger(ev) event_active((ev), 0, 0)

#define event_get_signal(ev) ((int)event_get_fd(ev))

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_EVENT_H_INCLUDED_ */
