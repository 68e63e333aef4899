/* The variadic and va_list functions of the API. Stable Rust cannot define
 * them, so they live here; each is reached through a one-instruction Rust
 * trampoline (src/capi/varargs.rs) that carries the exported name. */
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>

int event_rs_impl_evutil_vsnprintf(char *buf, size_t buflen, const char *format, va_list ap)
{
	int r;
	if (!buflen)
		return 0;
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
