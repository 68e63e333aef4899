/* The variadic and va_list functions of the API. Stable Rust cannot define
 * them, so they live here; each is reached through a one-instruction Rust
 * trampoline (src/capi/varargs.rs) that carries the exported name. */
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>

int event_rs_impl_evutil_vsnprintf(char *buf, size_t buflen, const char *format, va_list ap)
{
	int r;
	/* libevent returns 0 for an empty buffer; a NULL buffer is one too,
	 * and a NULL format is an error (both crash libevent). */
	if (!buflen || !buf)
		return 0;
	if (!format) {
		buf[0] = '\0';
		return -1;
	}
	r = vsnprintf(buf, buflen, format, ap);
	/* Always NUL-terminate, whatever the C library did on truncation. */
	buf[buflen - 1] = '\0';
	return r;
}

int event_rs_impl_evutil_snprintf(char *buf, size_t buflen, const char *format, ...)
{
	int r;
	va_list ap;
	va_start(ap, format);
	r = event_rs_impl_evutil_vsnprintf(buf, buflen, format, ap);
	va_end(ap);
	return r;
}

/* evbuffer_add_vprintf / evbuffer_add_printf: format straight into the
 * buffer's free space (no intermediate copy), through helpers in
 * src/capi/buffer_internal.rs that hold the buffer's lock from begin to end. */
struct evbuffer;
int event_rs_evbuffer_fmt_begin(struct evbuffer *buf);
char *event_rs_evbuffer_fmt_space(struct evbuffer *buf, size_t want, size_t *space);
int event_rs_evbuffer_fmt_commit(struct evbuffer *buf, char *p, size_t n);
void event_rs_evbuffer_fmt_end(struct evbuffer *buf);

int event_rs_impl_evbuffer_add_vprintf(struct evbuffer *buf, const char *fmt, va_list ap)
{
	size_t want = 64, space = 0;
	int r = -1;
	if (!buf || !fmt || event_rs_evbuffer_fmt_begin(buf) < 0)
		return -1;
	for (;;) {
		va_list aq;
		int n;
		char *p = event_rs_evbuffer_fmt_space(buf, want, &space);
		if (!p)
			break;
		va_copy(aq, ap);
		n = vsnprintf(p, space, fmt, aq);
		va_end(aq);
		if (n < 0)
			break;
		if ((size_t)n < space) {
			if (event_rs_evbuffer_fmt_commit(buf, p, (size_t)n) == 0)
				r = n;
			break;
		}
		if (want > (size_t)n)
			break; /* cannot happen: the text did not fit in more room */
		want = (size_t)n + 1;
	}
	event_rs_evbuffer_fmt_end(buf);
	return r;
}

int event_rs_impl_evbuffer_add_printf(struct evbuffer *buf, const char *fmt, ...)
{
	int r;
	va_list ap;
	va_start(ap, fmt);
	r = event_rs_impl_evbuffer_add_vprintf(buf, fmt, ap);
	va_end(ap);
	return r;
}
