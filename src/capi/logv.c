/* libevent's internal logging functions (event_warn, event_errx, ...),
 * which its own test programs call. Variadic, so written in C; they format
 * the message and hand it to the Rust logger (src/log.rs). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define LOG_DEBUG 0
#define LOG_MSG 1
#define LOG_WARN 2
#define LOG_ERR 3

void event_rs_log_(int severity, const char *msg);
void event_rs_fatal_(int code) __attribute__((noreturn));

/* event_logv_: the message, then ": errstr" when given (libevent's format). */
void event_rs_impl_event_logv_(int severity, const char *errstr, const char *fmt, va_list ap)
{
	char buf[1024];
	size_t len;
	if (fmt)
		vsnprintf(buf, sizeof(buf), fmt, ap);
	else
		buf[0] = '\0';
	if (errstr) {
		len = strlen(buf);
		if (len < sizeof(buf) - 3)
			snprintf(buf + len, sizeof(buf) - len, ": %s", errstr);
	}
	event_rs_log_(severity, buf);
}

#define LOG_WITH(sev, errstr) do {				\
		va_list ap;					\
		va_start(ap, fmt);				\
		event_rs_impl_event_logv_(sev, errstr, fmt, ap);	\
		va_end(ap);					\
	} while (0)

void event_rs_impl_event_err(int eval, const char *fmt, ...)
{
	const char *e = strerror(errno);
	LOG_WITH(LOG_ERR, e);
	event_rs_fatal_(eval);
}

void event_rs_impl_event_warn(const char *fmt, ...)
{
	const char *e = strerror(errno);
	LOG_WITH(LOG_WARN, e);
}

void event_rs_impl_event_sock_err(int eval, int sock, const char *fmt, ...)
{
	const char *e = strerror(errno);
	(void)sock;
	LOG_WITH(LOG_ERR, e);
	event_rs_fatal_(eval);
}

void event_rs_impl_event_sock_warn(int sock, const char *fmt, ...)
{
	const char *e = strerror(errno);
	(void)sock;
	LOG_WITH(LOG_WARN, e);
}

void event_rs_impl_event_errx(int eval, const char *fmt, ...)
{
	LOG_WITH(LOG_ERR, NULL);
	event_rs_fatal_(eval);
}

void event_rs_impl_event_warnx(const char *fmt, ...)
{
	LOG_WITH(LOG_WARN, NULL);
}

void event_rs_impl_event_msgx(const char *fmt, ...)
{
	LOG_WITH(LOG_MSG, NULL);
}

void event_rs_impl_event_debugx_(const char *fmt, ...)
{
	LOG_WITH(LOG_DEBUG, NULL);
}
