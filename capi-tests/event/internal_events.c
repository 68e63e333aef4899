/* internal_events: libevent's own internal events as a program can see
 * them -- through event_base_foreach_event (flag EVLIST_INTERNAL) and the
 * " Internal" lines of event_base_dump_events -- after adding a signal
 * event (the signal-notification socketpair's read event), after
 * deleting it, and with a common timeout in use (its queue's timer).
 * Internal events never count in event_base_get_num_events.  Kept apart
 * from introspect.c because it pins down implementation details. */
#include "common.h"

static struct event_base *base;

static int visit_cb(const struct event_base *b, const struct event *e, void *arg)
{
	if (T_FLAGS(e) & EVLIST_INTERNAL)
		printf("  internal: events=%s flags=%s fd>=0:%d\n", t_evs(event_get_events(e)),
		    t_evlist(T_FLAGS(e)), event_get_fd(e) >= 0);
	else
		(*(int *)arg)++;
	return 0;
}

static void show(const char *when)
{
	FILE *f = tmpfile();
	char line[1024];
	int n = 0, internal_lines = 0;
	printf("%s:\n", when);
	event_base_foreach_event(base, visit_cb, &n);
	event_base_dump_events(base, f);
	rewind(f);
	while (fgets(line, sizeof line, f))
		if (strstr(line, "Internal"))
			internal_lines++;
	fclose(f);
	printf("  non-internal visited=%d, dump lines with Internal=%d, added=%d\n", n,
	    internal_lines, event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED));
}

static void cb(evutil_socket_t fd, short what, void *arg) { }

int main(void)
{
	struct event *sig, *tm;
	struct timeval d = t_tv(0, 20 * 1000);
	const struct timeval *ct;

	t_init();
	event_set_log_callback(t_log_cb);
	base = event_base_new();
	show("fresh base");
	sig = evsignal_new(base, SIGUSR1, cb, NULL);
	event_add(sig, NULL);
	show("signal added");
	event_del(sig);
	show("signal deleted");
	printf("loop(NONBLOCK) -> %d\n", event_base_loop(base, EVLOOP_NONBLOCK));
	ct = event_base_init_common_timeout(base, &d);
	show("common timeout initialised");
	tm = evtimer_new(base, cb, NULL);
	event_add(tm, ct);
	show("event on the common timeout");
	printf("dispatch -> %d\n", event_base_dispatch(base));
	show("after dispatch");
	event_free(tm);
	event_free(sig);
	event_base_free(base);
	return 0;
}
