/* event_rs: event2/buffer.h -- struct evbuffer, the byte queue. */
#ifndef EVENT2_BUFFER_H_INCLUDED_
#define EVENT2_BUFFER_H_INCLUDED_

#include <event2/visibility.h>
#include <event2/event-config.h>
#include <stdarg.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <event2/util.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque. */
struct evbuffer;

/* A position inside an evbuffer (see evbuffer_ptr_set, evbuffer_search). */
struct evbuffer_ptr {
	ev_ssize_t pos;

	/* private to the library */
	struct {
		void *chain;
		size_t pos_in_chain;
	} internal_;
};

/* struct evbuffer_iovec is the system's struct iovec. */
#define evbuffer_iovec iovec
/* Marks that evbuffer_iovec is the native type (internal use). */
#define EVBUFFER_IOVEC_IS_NATIVE_

/* For evbuffer_set_flags() / evbuffer_clear_flags(). */
#define EVBUFFER_FLAG_DRAINS_TO_FD 1

/* Line endings understood by evbuffer_readln() / evbuffer_search_eol(). */
enum evbuffer_eol_style {
	EVBUFFER_EOL_ANY,
	EVBUFFER_EOL_CRLF,
	EVBUFFER_EOL_CRLF_STRICT,
	EVBUFFER_EOL_LF,
	EVBUFFER_EOL_NUL
};

/* Releases memory added with evbuffer_add_reference(). */
typedef void (*evbuffer_ref_cleanup_cb)(const void *data,
    size_t datalen, void *extra);

/* File segments (evbuffer_file_segment_new). */
struct evbuffer_file_segment;

#define EVBUF_FS_CLOSE_ON_FREE    0x01
#define EVBUF_FS_DISABLE_MMAP     0x02
#define EVBUF_FS_DISABLE_SENDFILE 0x04
#define EVBUF_FS_DISABLE_LOCKING  0x08

typedef void (*evbuffer_file_segment_cleanup_cb)(
    struct evbuffer_file_segment const* seg, int flags, void* arg);

/* How evbuffer_ptr_set() moves a pointer. */
enum evbuffer_ptr_how {
	EVBUFFER_PTR_SET,
	EVBUFFER_PTR_ADD
};

/* What changed, as reported to an evbuffer_cb_func. */
struct evbuffer_cb_info {
	size_t orig_size;
	size_t n_added;
	size_t n_deleted;
};

typedef void (*evbuffer_cb_func)(struct evbuffer *buffer, const struct evbuffer_cb_info *info, void *arg);

/* Handle returned by evbuffer_add_cb(). */
struct evbuffer_cb_entry;

/* Callback flag for evbuffer_cb_set_flags(). */
#define EVBUFFER_CB_ENABLED 1

struct event_base;

EVENT2_EXPORT_SYMBOL
int evbuffer_add_printf(struct evbuffer *buf, const char *fmt, ...)
#ifdef __GNUC__
	__attribute__((format(printf, 2, 3)))
#endif
	;
EVENT2_EXPORT_SYMBOL
int evbuffer_add_vprintf(struct evbuffer *buf, const char *fmt, va_list ap)
#ifdef __GNUC__
	__attribute__((format(printf, 2, 0)))
#endif
	;

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_BUFFER_H_INCLUDED_ */
