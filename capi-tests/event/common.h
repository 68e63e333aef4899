/*
 * Helpers shared by the differential event-API tests in this directory.
 *
 * Every test prints a deterministic transcript on stdout: no fd numbers
 * that depend on what the library opened, no pointers, no wall-clock
 * values.  Durations are printed only as coarse buckets.  The same source
 * is built against the system libevent and against event_rs; the
 * transcripts must be equal (see ../run-diff.sh).
 */
#ifndef CAPI_TESTS_EVENT_COMMON_H
#define CAPI_TESTS_EVENT_COMMON_H

#define _GNU_SOURCE
#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/event_compat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Line-buffered stdout, so output survives fork() and crashes in order. */
static inline void t_init(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* SIGPIPE would kill us on a write to a closed socketpair. */
	signal(SIGPIPE, SIG_IGN);
}

/* Copy `in` to `out`, replacing pointer-looking hex numbers (0x followed by
 * six or more hex digits, as %p prints heap and stack addresses) with
 * "0xPTR".  Short hex numbers (flags such as 0x82) are kept. */
static inline void t_sanitize(const char *in, char *out, size_t outsz)
{
	size_t o = 0;
	while (*in && o + 8 < outsz) {
		if (in[0] == '0' && in[1] == 'x') {
			size_t n = 0;
			while (in[2 + n] && strchr("0123456789abcdefABCDEF", in[2 + n]))
				n++;
			if (n >= 6) {
				memcpy(out + o, "0xPTR", 5);
				o += 5;
				in += 2 + n;
				continue;
			}
		}
		out[o++] = *in++;
	}
	out[o] = '\0';
}

static inline const char *t_sevname(int sev)
{
	switch (sev) {
	case EVENT_LOG_DEBUG: return "debug";
	case EVENT_LOG_MSG: return "msg";
	case EVENT_LOG_WARN: return "warn";
	case EVENT_LOG_ERR: return "err";
	default: return "???";
	}
}

/* A log callback that prints every non-debug message, sanitized. */
static inline void t_log_cb(int sev, const char *msg)
{
	char buf[2048];
	if (sev == EVENT_LOG_DEBUG)
		return;
	t_sanitize(msg, buf, sizeof(buf));
	printf("  log[%s] %s\n", t_sevname(sev), buf);
}

/* Move fd to the fixed number `want` (so fd numbers are the same whatever
 * the library itself opened) and make it non-blocking. */
static inline int t_move_fd(int fd, int want)
{
	if (fd != want) {
		if (dup2(fd, want) < 0) {
			perror("dup2");
			exit(99);
		}
		close(fd);
	}
	fcntl(want, F_SETFL, fcntl(want, F_GETFL) | O_NONBLOCK);
	fcntl(want, F_SETFD, FD_CLOEXEC);
	return want;
}

/* A non-blocking AF_UNIX stream socketpair placed at fds at, at+1. */
static inline void t_socketpair(int fds[2], int at)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		perror("socketpair");
		exit(99);
	}
	fds[0] = t_move_fd(sv[0], at);
	fds[1] = t_move_fd(sv[1], at + 1);
}

/* A non-blocking pipe placed at fds at (read end), at+1 (write end). */
static inline void t_pipe(int fds[2], int at)
{
	int p[2];
	if (pipe(p) < 0) {
		perror("pipe");
		exit(99);
	}
	fds[0] = t_move_fd(p[0], at);
	fds[1] = t_move_fd(p[1], at + 1);
}

static inline void t_close_pair(int fds[2])
{
	close(fds[0]);
	close(fds[1]);
}

static inline void t_write(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s)) {
		perror("write");
		exit(99);
	}
}

/* Read and discard everything available on a non-blocking fd; return the
 * number of bytes read. */
static inline int t_drain(int fd)
{
	char buf[4096];
	int total = 0;
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		total += (int)n;
	return total;
}

static inline long long t_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline struct timeval t_tv(long sec, long usec)
{
	struct timeval tv;
	tv.tv_sec = sec;
	tv.tv_usec = usec;
	return tv;
}

/* Names of EV_* bits in a short, e.g. "READ|WRITE", or "0". */
static inline const char *t_evs(short what)
{
	static char bufs[4][128];
	static int which;
	char *b = bufs[which++ & 3];
	b[0] = '\0';
	if (what & EV_TIMEOUT) strcat(b, "|TIMEOUT");
	if (what & EV_READ) strcat(b, "|READ");
	if (what & EV_WRITE) strcat(b, "|WRITE");
	if (what & EV_SIGNAL) strcat(b, "|SIGNAL");
	if (what & EV_PERSIST) strcat(b, "|PERSIST");
	if (what & EV_ET) strcat(b, "|ET");
	if (what & EV_FINALIZE) strcat(b, "|FINALIZE");
	if (what & EV_CLOSED) strcat(b, "|CLOSED");
	if (what & ~0xff) sprintf(b + strlen(b), "|0x%x", (unsigned)(what & ~0xff) & 0xffff);
	if (!b[0])
		return "0";
	return b + 1;
}

/* Names of EVLIST_* bits. */
static inline const char *t_evlist(int flags)
{
	static char bufs[4][160];
	static int which;
	char *b = bufs[which++ & 3];
	b[0] = '\0';
	if (flags & EVLIST_TIMEOUT) strcat(b, "|TIMEOUT");
	if (flags & EVLIST_INSERTED) strcat(b, "|INSERTED");
	if (flags & EVLIST_SIGNAL) strcat(b, "|SIGNAL");
	if (flags & EVLIST_ACTIVE) strcat(b, "|ACTIVE");
	if (flags & EVLIST_INTERNAL) strcat(b, "|INTERNAL");
	if (flags & EVLIST_ACTIVE_LATER) strcat(b, "|ACTIVE_LATER");
	if (flags & EVLIST_FINALIZING) strcat(b, "|FINALIZING");
	if (flags & EVLIST_INIT) strcat(b, "|INIT");
	if (flags & ~0xff) sprintf(b + strlen(b), "|0x%x", (unsigned)flags & ~0xffu);
	if (!b[0])
		return "0";
	return b + 1;
}

/* struct event's public flags word (libevent's internal ev_flags). */
#define T_FLAGS(ev) ((ev)->ev_evcallback.evcb_flags)
#define T_PRI(ev) ((ev)->ev_evcallback.evcb_pri)

#endif
