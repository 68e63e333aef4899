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

/*
 Allocates an empty buffer; NULL if out of memory.
 */
EVENT2_EXPORT_SYMBOL struct evbuffer *evbuffer_new(void);

/*
 Frees a buffer (once callbacks deferred on a base have run), with its
 data: reference cleanup callbacks run, file segments are released.
 */
EVENT2_EXPORT_SYMBOL void evbuffer_free(struct evbuffer *buf);

/*
 Makes the buffer lockable with `lock` (NULL: allocate a recursive lock,
 which needs threading enabled). 0 on success, -1 on failure.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_enable_locking(struct evbuffer *buf, void *lock);

/*
 Takes the buffer's lock (no-op without locking).
 */
EVENT2_EXPORT_SYMBOL void evbuffer_lock(struct evbuffer *buf);

/*
 Releases the buffer's lock (no-op without locking).
 */
EVENT2_EXPORT_SYMBOL void evbuffer_unlock(struct evbuffer *buf);

/*
 Adds EVBUFFER_FLAG_* flags. 0, or -1 for a NULL buffer.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_set_flags(struct evbuffer *buf, ev_uint64_t flags);

/*
 Removes EVBUFFER_FLAG_* flags. 0, or -1 for a NULL buffer.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_clear_flags(struct evbuffer *buf, ev_uint64_t flags);

/*
 The number of bytes in the buffer.
 */
EVENT2_EXPORT_SYMBOL size_t evbuffer_get_length(const struct evbuffer *buf);

/*
 The number of bytes in the first chain (readable without pullup).
 */
EVENT2_EXPORT_SYMBOL size_t evbuffer_get_contiguous_space(const struct evbuffer *buf);

/*
 Makes room for `datlen` more bytes in one block. 0 or -1.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_expand(struct evbuffer *buf, size_t datlen);

/*
 Reserves at least `size` bytes of free space, described in up to
 `n_vec` extents; the number of extents, or -1.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_reserve_space(struct evbuffer *buf, ev_ssize_t size, struct evbuffer_iovec *vec, int n_vec);

/*
 Makes the bytes written into reserved extents part of the buffer. 0 or -1.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_commit_space(struct evbuffer *buf, struct evbuffer_iovec *vec, int n_vecs);

/*
 Appends a copy of `data[..datlen]`. 0 or -1.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_add(struct evbuffer *buf, const void *data, size_t datlen);

/*
 Moves up to `datlen` bytes from the front into `data`; the number moved
 (at most INT_MAX), or -1.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_remove(struct evbuffer *buf, void *data, size_t datlen);

/*
 Copies up to `datlen` bytes from the front into `data_out`, leaving them;
 the number copied, or -1.
 */
EVENT2_EXPORT_SYMBOL ev_ssize_t evbuffer_copyout(struct evbuffer *buf, void *data_out, size_t datlen);

/*
 Copies up to `datlen` bytes starting at `pos` (NULL: the front); the
 number copied, or -1.
 */
EVENT2_EXPORT_SYMBOL ev_ssize_t evbuffer_copyout_from(struct evbuffer *buf, const struct evbuffer_ptr *pos, void *data_out, size_t datlen);

/*
 Moves up to `datlen` bytes from the front of `src` to the end of `dst`,
 without copying whole blocks; the number moved, or -1.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_remove_buffer(struct evbuffer *src, struct evbuffer *dst, size_t datlen);

/*
 Removes the first line (ended as `eol_style` says) and returns it,
 NUL-terminated, in memory the caller frees; its length in `*n_read_out`.
 NULL if there is no complete line.
 */
EVENT2_EXPORT_SYMBOL char *evbuffer_readln(struct evbuffer *buffer, size_t *n_read_out, enum evbuffer_eol_style eol_style);

/*
 Moves all of `inbuf` to the end of `outbuf` without copying. 0 or -1.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_add_buffer(struct evbuffer *outbuf, struct evbuffer *inbuf);

/*
 Adds `inbuf`'s bytes to `outbuf` without copying and without removing
 them from `inbuf`. -1 if `inbuf` holds file segments or such references.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_add_buffer_reference(struct evbuffer *outbuf, struct evbuffer *inbuf);

/*
 Appends the caller's memory without copying; `cleanupfn(data, datlen,
 cleanupfn_arg)` runs once when the buffer no longer needs it.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_add_reference(struct evbuffer *outbuf, const void *data, size_t datlen, evbuffer_ref_cleanup_cb cleanupfn, void *cleanupfn_arg);

/*
 Appends `length` bytes (-1: to the end) of the file from `offset`; the
 buffer owns and closes `fd`. 0 or -1.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_add_file(struct evbuffer *outbuf, int fd, ev_off_t offset, ev_off_t length);

/*
 A segment of `length` bytes (-1: to the end) of the file from `offset`,
 with EVBUF_FS_* `flags`; NULL on failure.
 */
EVENT2_EXPORT_SYMBOL struct evbuffer_file_segment *evbuffer_file_segment_new(int fd, ev_off_t offset, ev_off_t length, unsigned int flags);

/*
 Drops the creator's reference; the segment goes when no buffer uses it.
 */
EVENT2_EXPORT_SYMBOL void evbuffer_file_segment_free(struct evbuffer_file_segment *seg);

/*
 Sets the function called when the segment is finally released.
 */
EVENT2_EXPORT_SYMBOL void evbuffer_file_segment_add_cleanup_cb(struct evbuffer_file_segment *seg, evbuffer_file_segment_cleanup_cb cb, void *arg);

/*
 Appends bytes `[offset, offset+length)` of a segment (-1: to its end). 0 or -1.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_add_file_segment(struct evbuffer *buf, struct evbuffer_file_segment *seg, ev_off_t offset, ev_off_t length);

/*
 Removes `len` bytes from the front (all if fewer). 0 or -1.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_drain(struct evbuffer *buf, size_t len);

/*
 Writes as much as one system call takes, draining it; bytes written or -1.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_write(struct evbuffer *buffer, evutil_socket_t fd);

/*
 Writes at most `howmuch` bytes (-1: all), draining them; bytes written or -1.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_write_atmost(struct evbuffer *buffer, evutil_socket_t fd, ev_ssize_t howmuch);

/*
 Reads up to `howmuch` bytes (negative: what is waiting, at most 4096);
 bytes read, 0 at end of file, or -1.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_read(struct evbuffer *buffer, evutil_socket_t fd, int howmuch);

/*
 The first occurrence of `what[..len]` at or after `start` (NULL: the
 front); `pos` is -1 if there is none.
 */
EVENT2_EXPORT_SYMBOL struct evbuffer_ptr evbuffer_search(struct evbuffer *buffer, const char *what, size_t len, const struct evbuffer_ptr *start);

/*
 As evbuffer_search, for an occurrence ending at or before `end` (NULL:
 the buffer's end).
 */
EVENT2_EXPORT_SYMBOL struct evbuffer_ptr evbuffer_search_range(struct evbuffer *buffer, const char *what, size_t len, const struct evbuffer_ptr *start, const struct evbuffer_ptr *end);

/*
 Sets (`EVBUFFER_PTR_SET`) or advances (`EVBUFFER_PTR_ADD`) a position.
 0, or -1 (past the end: `pos` becomes -1).
 */
EVENT2_EXPORT_SYMBOL int evbuffer_ptr_set(struct evbuffer *buffer, struct evbuffer_ptr *ptr, size_t position, enum evbuffer_ptr_how how);

/*
 The first end of line at or after `start`; its length in `*eol_len_out`.
 */
EVENT2_EXPORT_SYMBOL struct evbuffer_ptr evbuffer_search_eol(struct evbuffer *buffer, struct evbuffer_ptr *start, size_t *eol_len_out, enum evbuffer_eol_style eol_style);

/*
 Describes up to `len` bytes (negative: all) from `start_at` in
 `vec_out`; the number of extents needed.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_peek(struct evbuffer *buffer, ev_ssize_t len, struct evbuffer_ptr *start_at, struct evbuffer_iovec *vec_out, int n_vec);

/*
 Adds a change callback; its handle, or NULL.
 */
EVENT2_EXPORT_SYMBOL struct evbuffer_cb_entry *evbuffer_add_cb(struct evbuffer *buffer, evbuffer_cb_func cb, void *cbarg);

/*
 Removes a callback by handle. 0, or -1 if it is not this buffer's.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_remove_cb_entry(struct evbuffer *buffer, struct evbuffer_cb_entry *ent);

/*
 Removes the (newest) callback with this function and argument. 0 or -1.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_remove_cb(struct evbuffer *buffer, evbuffer_cb_func cb, void *cbarg);

/*
 Sets flags (EVBUFFER_CB_ENABLED) on a callback. 0 or -1.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_cb_set_flags(struct evbuffer *buffer, struct evbuffer_cb_entry *cb, ev_uint32_t flags);

/*
 Clears flags (EVBUFFER_CB_ENABLED) on a callback. 0 or -1.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_cb_clear_flags(struct evbuffer *buffer, struct evbuffer_cb_entry *cb, ev_uint32_t flags);

/*
 Makes the first `size` bytes (-1: all) contiguous and returns them;
 NULL if the buffer holds fewer, or for 0.
 */
EVENT2_EXPORT_SYMBOL unsigned char *evbuffer_pullup(struct evbuffer *buf, ev_ssize_t size);

/*
 Inserts a copy of `data[..size]` at the front. 0 or -1.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_prepend(struct evbuffer *buf, const void *data, size_t size);

/*
 Moves all of `src` to the front of `dst`. 0 or -1.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_prepend_buffer(struct evbuffer *dst, struct evbuffer *src);

/*
 Refuses changes at the front (`at_front`) or the end. 0, or -1 for NULL.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_freeze(struct evbuffer *buf, int at_front);

/*
 Allows changes at the front (`at_front`) or the end again. 0, or -1 for NULL.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_unfreeze(struct evbuffer *buf, int at_front);

/*
 Runs the buffer's callbacks from `base`'s loop instead of at each change.
 */
EVENT2_EXPORT_SYMBOL int evbuffer_defer_callbacks(struct evbuffer *buffer, struct event_base *base);

/*
 Appends the bytes of `n_vec` extents, after making room for all of them;
 the number of bytes added.
 */
EVENT2_EXPORT_SYMBOL size_t evbuffer_add_iovec(struct evbuffer *buffer, struct evbuffer_iovec *vec, int n_vec);
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
