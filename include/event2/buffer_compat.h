/* event_rs: event2/buffer_compat.h -- older evbuffer names. */
#ifndef EVENT2_BUFFER_COMPAT_H_INCLUDED_
#define EVENT2_BUFFER_COMPAT_H_INCLUDED_

#include <event2/visibility.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct evbuffer;

/* Old-style buffer callback: lengths before and after the change. */
typedef void (*evbuffer_cb)(struct evbuffer *buffer, size_t old_len, size_t new_len, void *arg);

/*
 `evbuffer_readln(buffer, NULL, EVBUFFER_EOL_ANY)`.
 */
EVENT2_EXPORT_SYMBOL char *evbuffer_readline(struct evbuffer *buffer);

/*
 Replaces every callback of the buffer with `cb` (NULL: removes them all).
 0, or -1 if out of memory.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_setcb(struct evbuffer *buffer, evbuffer_cb cb, void *cbarg);

/*
 Finds `what[..len]`, makes the buffer contiguous up to its end and
 returns a pointer to it; NULL if absent.
 */
EVENT2_EXPORT_SYMBOL unsigned char *evbuffer_find(struct evbuffer *buffer, const unsigned char *what, size_t len);

/* Need event2/buffer.h for the functions these expand to. */
#define EVBUFFER_LENGTH(x)	evbuffer_get_length(x)
#define EVBUFFER_DATA(x)	evbuffer_pullup((x), -1)

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_BUFFER_COMPAT_H_INCLUDED_ */
