/* logging: event_set_log_callback (severity + exact message text of the
 * warnings libevent emits for bad input), the default logger's stderr
 * format "[warn] msg" (stderr captured into a file), event_set_log_callback
 * (NULL) restoring it, event_enable_debug_logging (EVENT_DBG_ALL /
 * EVENT_DBG_NONE; only the event_add / event_del debug lines are printed),
 * and bad input that libevent reports with a return value: operations on
 * an event without a base, a closed fd, a regular file, an fd closed
 * while registered, a negative timeout.  Transcripts differ by backend.
 *
 * Bad input NOT tested because libevent 2.1.12 crashes on it (ours should
 * fail cleanly): event_add/event_del/event_active/event_pending(NULL),
 * event_base_loop(NULL), event_base_get_method(NULL),
 * event_base_get_npriorities(NULL) without a current base,
 * event_config_avoid_method(NULL, ...), event_config_free(NULL),
 * event_base_init_common_timeout(base, NULL), event_new(NULL base) then
 * event_add, event_priority_set on an event without a base,
 * event_assign on an added event (corrupts the base), an
 * event whose ev_events has EV_SIGNAL and EV_READ set by hand. */
#include "common.h"

static int n_debug;
static int show_debug;
static void capture_cb(int sev, const char *msg)
{
	char buf[2048];
	if (sev == EVENT_LOG_DEBUG) {
		n_debug++;
		if (!show_debug)
			return;
		if (strncmp(msg, "event_add:", 10) && strncmp(msg, "event_del:", 10))
			return;
	}
	t_sanitize(msg, buf, sizeof buf);
	printf("  log[%s] %s\n", t_sevname(sev), buf);
}

static void cb(evutil_socket_t fd, short what, void *arg)
{
	printf("  callback %s what=%s\n", (const char *)arg, t_evs(what));
}

static void stop_cb(evutil_socket_t fd, short what, void *arg)
{
	event_base_loopbreak(arg);
}

/* Run the loop with a 100ms timer that breaks it; the timer is freed
 * afterwards, so nothing is left behind (a pending loopexit would be, and
 * whether two of them expire in the same pass depends on the clock). */
static int bounded_loop(struct event_base *base, int flags)
{
	struct event *t = evtimer_new(base, stop_cb, base);
	struct timeval tv = t_tv(0, 100 * 1000);
	int r;
	evtimer_add(t, &tv);
	r = event_base_loop(base, flags);
	event_free(t);
	return r;
}

int main(void)
{
	struct event_base *base;
	struct event ev, *e;
	struct timeval tv;
	int r, sp[2];

	t_init();
	event_set_log_callback(capture_cb);
	base = event_base_new();
	t_socketpair(sp, 100);

	printf("== event without a base ==\n");
	memset(&ev, 0, sizeof ev);
	event_set(&ev, -1, 0, cb, "nobase");
	printf("ev_base is NULL: %d\n", ev.ev_base == NULL);
	r = event_add(&ev, NULL);
	printf("event_add -> %d\n", r);
	r = event_del(&ev);
	printf("event_del -> %d\n", r);
	r = event_pending(&ev, EV_TIMEOUT, NULL);
	printf("event_pending -> %d\n", r);
	event_active(&ev, EV_READ, 1);
	printf("event_active done\n");
	r = event_remove_timer(&ev);
	printf("event_remove_timer -> %d\n", r);
	/* NOT TESTED: event_priority_set() on it crashes libevent */

	printf("== default logger writes to stderr ==\n");
	{
		FILE *f = tmpfile();
		int saved = dup(2);
		char line[512];
		fflush(stderr);
		dup2(fileno(f), 2);
		event_set_log_callback(NULL);
		event_add(&ev, NULL);
		event_base_free(NULL);
		fflush(stderr);
		dup2(saved, 2);
		close(saved);
		event_set_log_callback(capture_cb);
		rewind(f);
		while (fgets(line, sizeof line, f))
			printf("  stderr: %s", line);
		fclose(f);
	}

	printf("== debug logging ==\n");
	n_debug = 0;
	e = event_new(base, sp[0], EV_READ, cb, "dbg");
	event_add(e, NULL);
	event_del(e);
	printf("debug messages before enabling: %d\n", n_debug);
	event_enable_debug_logging(EVENT_DBG_ALL);
	show_debug = 1;
	tv = t_tv(1, 500000);
	event_add(e, &tv);
	event_del(e);
	show_debug = 0;
	printf("debug messages with EVENT_DBG_ALL: %s\n", n_debug > 0 ? "some" : "none");
	event_enable_debug_logging(EVENT_DBG_NONE);
	n_debug = 0;
	event_add(e, NULL);
	event_del(e);
	printf("debug messages after EVENT_DBG_NONE: %d\n", n_debug);
	event_free(e);

	printf("== closed fd ==\n");
	close(99);	/* below the fd-table size (we use 100+), so select() reports EBADF */
	e = event_new(base, 99, EV_READ, cb, "fd99");
	r = event_add(e, NULL);
	printf("event_add(closed fd 99) -> %d pending=%d\n", r, event_pending(e, EV_READ, NULL));
	r = bounded_loop(base, 0);
	printf("dispatch -> %d\n", r);
	event_free(e);

	printf("== regular file ==\n");
	{
		FILE *f = tmpfile();
		int fd = t_move_fd(dup(fileno(f)), 104);
		fclose(f);
		e = event_new(base, fd, EV_READ, cb, "file");
		r = event_add(e, NULL);
		printf("event_add(regular file) -> %d\n", r);
		r = bounded_loop(base, 0);
		printf("dispatch -> %d\n", r);
		event_free(e);
		close(fd);
	}

	printf("== fd closed while registered ==\n");
	{
		int p[2];
		t_socketpair(p, 106);
		e = event_new(base, p[0], EV_READ|EV_PERSIST, cb, "closed-while-added");
		event_add(e, NULL);
		close(p[0]);
		close(p[1]);
		r = bounded_loop(base, EVLOOP_ONCE);
		printf("loop(ONCE) -> %d\n", r);
		r = event_del(e);
		printf("event_del -> %d\n", r);
		event_free(e);
		r = event_base_dispatch(base);
		printf("dispatch with nothing left -> %d\n", r);
	}

	printf("== negative timeout ==\n");
	e = evtimer_new(base, cb, "negative");
	tv = t_tv(-1, 0);
	r = event_add(e, &tv);
	printf("event_add({-1,0}) -> %d\n", r);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK) -> %d\n", r);
	event_free(e);

	printf("== priority_init errors (no message) ==\n");
	printf("priority_init(0) -> %d\n", event_base_priority_init(base, 0));
	printf("priority_init(256) -> %d\n", event_base_priority_init(base, 256));

	event_base_free(base);
	t_close_pair(sp);
	return 0;
}
