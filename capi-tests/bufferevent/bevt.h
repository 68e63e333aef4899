/*
 * Helpers for the differential bufferevent tests in this directory.
 *
 * Each test prints a deterministic transcript on stdout: no pointers, fd
 * numbers or times, only what happened and in which order. The same source
 * built against the system libevent and against event_rs must print the
 * same (see run.sh). Sockets are socketpairs or 127.0.0.1 only, and every
 * loop is bounded by a timer.
 */
#ifndef CAPI_TESTS_BUFFEREVENT_BEVT_H
#define CAPI_TESTS_BUFFEREVENT_BEVT_H

#define _GNU_SOURCE
#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_struct.h>
#include <event2/bufferevent_compat.h>
#include <event2/listener.h>
#include <event2/util.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static inline void t_init(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* libevent writes with writev(): a vanished peer would kill us. */
	signal(SIGPIPE, SIG_IGN);
}

/* The BEV_EVENT_* bits of `what`, by name. */
static inline const char *t_what(short what)
{
	static char buf[160];
	buf[0] = 0;
	if (what == (short)~0) return "ALL";
	if (what & BEV_EVENT_READING) strcat(buf, "READING|");
	if (what & BEV_EVENT_WRITING) strcat(buf, "WRITING|");
	if (what & BEV_EVENT_EOF) strcat(buf, "EOF|");
	if (what & BEV_EVENT_ERROR) strcat(buf, "ERROR|");
	if (what & BEV_EVENT_TIMEOUT) strcat(buf, "TIMEOUT|");
	if (what & BEV_EVENT_CONNECTED) strcat(buf, "CONNECTED|");
	if (what & ~(0x01|0x02|0x10|0x20|0x40|0x80)) sprintf(buf + strlen(buf), "0x%x|", what & ~0xf3);
	if (buf[0]) buf[strlen(buf) - 1] = 0; else strcpy(buf, "0");
	return buf;
}

static inline const char *t_en(short en)
{
	switch (en & (EV_READ|EV_WRITE)) {
	case 0: return "none";
	case EV_READ: return "R";
	case EV_WRITE: return "W";
	default: return "RW";
	}
}

/* A non-blocking socketpair. */
static inline void t_pair(int fds[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0) { perror("socketpair"); exit(2); }
	evutil_make_socket_nonblocking(fds[0]);
	evutil_make_socket_nonblocking(fds[1]);
}

/* Whether fd is still open. */
static inline int t_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

static int t_guard_fired;
static void t_guard_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	printf("guard: loop still running after the time limit\n");
	t_guard_fired = 1;
	event_base_loopbreak(arg);
}

/* Runs the loop until it has nothing left (or `ms` passed: a failure). */
static inline void t_dispatch(struct event_base *base, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	struct event *g = evtimer_new(base, t_guard_cb, base);
	event_add(g, &tv);
	/* the guard keeps the loop alive: stop when it is the only event */
	while (!event_base_got_break(base)) {
		if (event_base_loop(base, EVLOOP_ONCE) < 0) break;
		if (event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED|EVENT_BASE_COUNT_ACTIVE) <= 1 &&
		    event_pending(g, EV_TIMEOUT, NULL))
			break;
	}
	event_free(g);
}

/* Runs the loop until *flag becomes nonzero (or `ms` passed: a failure). */
static inline void t_until(struct event_base *base, volatile int *flag, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	struct event *g = evtimer_new(base, t_guard_cb, base);
	event_add(g, &tv);
	t_guard_fired = 0;
	while (!*flag && !t_guard_fired)
		if (event_base_loop(base, EVLOOP_ONCE) < 0) break;
	event_free(g);
}

/* Runs the loop for exactly `ms` milliseconds. */
static inline void t_run_for(struct event_base *base, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

/* Runs the loop for a few non-blocking iterations. */
static inline void t_spin(struct event_base *base, int n)
{
	while (n-- > 0)
		event_base_loop(base, EVLOOP_NONBLOCK);
}

#endif
