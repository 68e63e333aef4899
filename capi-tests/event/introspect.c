/* introspect: event_base_foreach_event (which events are visited, in
 * what order, early stop, NULL arguments), event_base_get_num_events /
 * event_base_get_max_events with every EVENT_BASE_COUNT_* and clear
 * (libevent counts an event once per queue it is on: inserted, timeout,
 * active), event_base_dump_events (sanitized: pointers and absolute
 * times replaced; lines of internal events dropped -- internal_events.c
 * covers those).  Fixed fd numbers (100+) are used, so fds are printed.
 * capi-fast-timers: skip (prints the order event_base_foreach_event visits timers in) */
#include "common.h"

static struct event_base *base;

static int visit_cb(const struct event_base *b, const struct event *e, void *arg)
{
	int *n = arg;
	if (T_FLAGS(e) & EVLIST_INTERNAL)
		return 0;
	(*n)++;
	printf("  visit %s fd=%d events=%s flags=%s\n", (const char *)event_get_callback_arg(e),
	    (int)event_get_fd(e), t_evs(event_get_events(e)), t_evlist(T_FLAGS(e)));
	return 0;
}

static int stop_cb(const struct event_base *b, const struct event *e, void *arg)
{
	int *n = arg;
	if (T_FLAGS(e) & EVLIST_INTERNAL)
		return 0;
	if (++(*n) == 3)
		return 42;
	return 0;
}

static void cb(evutil_socket_t fd, short what, void *arg) { }

static void counts(const char *when)
{
	printf("%s: active=%d virtual=%d added=%d active|added=%d all=%d\n", when,
	    event_base_get_num_events(base, EVENT_BASE_COUNT_ACTIVE),
	    event_base_get_num_events(base, EVENT_BASE_COUNT_VIRTUAL),
	    event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED),
	    event_base_get_num_events(base, EVENT_BASE_COUNT_ACTIVE|EVENT_BASE_COUNT_ADDED),
	    event_base_get_num_events(base, EVENT_BASE_COUNT_ACTIVE|EVENT_BASE_COUNT_VIRTUAL|
		EVENT_BASE_COUNT_ADDED));
}

static void maxes(const char *when)
{
	printf("%s: max active=%d virtual=%d added=%d none=%d\n", when,
	    event_base_get_max_events(base, EVENT_BASE_COUNT_ACTIVE, 0),
	    event_base_get_max_events(base, EVENT_BASE_COUNT_VIRTUAL, 0),
	    event_base_get_max_events(base, EVENT_BASE_COUNT_ADDED, 0),
	    event_base_get_max_events(base, 0, 0));
}

static void dump(void)
{
	FILE *f = tmpfile();
	char line[1024], out[1100];
	int internal = 0;
	event_base_dump_events(base, f);
	rewind(f);
	while (fgets(line, sizeof line, f)) {
		char *t;
		if (strstr(line, "Internal")) {
			internal++;
			continue;
		}
		t_sanitize(line, out, sizeof out);
		/* " Timeout=<sec>.<usec>" is wall-clock time */
		if ((t = strstr(out, "Timeout=")) != NULL)
			strcpy(t, "Timeout=T\n");
		printf("  | %s", out);
	}
	fclose(f);
}

int main(void)
{
	int sp[2], sp2[2], n, r;
	struct event *rd, *wr, *rdto, *tm1, *tm2, *sig, *act, *ctev, *persist;
	struct timeval t1 = t_tv(10, 0), t2 = t_tv(20, 0), t3 = t_tv(5, 0);
	const struct timeval *ct;

	t_init();
	event_set_log_callback(t_log_cb);
	base = event_base_new();
	t_socketpair(sp, 100);
	t_socketpair(sp2, 102);

	printf("== empty base ==\n");
	counts("empty");
	maxes("empty");
	n = 0;
	r = event_base_foreach_event(base, visit_cb, &n);
	printf("foreach -> %d visited=%d\n", r, n);
	printf("foreach(NULL fn) -> %d\n", event_base_foreach_event(base, NULL, &n));
	printf("foreach(NULL base) -> %d\n", event_base_foreach_event(NULL, visit_cb, &n));
	dump();

	printf("== one of each ==\n");
	rd = event_new(base, sp[0], EV_READ|EV_PERSIST, cb, "rd");
	wr = event_new(base, sp2[0], EV_WRITE, cb, "wr");
	rdto = event_new(base, sp[0], EV_READ|EV_CLOSED, cb, "rdto");
	tm1 = evtimer_new(base, cb, "tm1");
	tm2 = evtimer_new(base, cb, "tm2");
	sig = evsignal_new(base, SIGUSR1, cb, "sig");
	act = event_new(base, -1, 0, cb, "act");
	ctev = evtimer_new(base, cb, "ctev");
	persist = event_new(base, sp2[0], EV_READ|EV_ET, cb, "et");
	event_add(rd, NULL);
	counts("rd added");
	event_add(wr, NULL);
	event_add(rdto, &t1);
	counts("rdto added with timeout");
	event_add(tm2, &t2);
	event_add(tm1, &t1);
	event_add(sig, NULL);
	event_active(act, EV_WRITE, 1);
	counts("act activated");
	ct = event_base_init_common_timeout(base, &t3);
	event_add(ctev, ct);
	event_add(persist, NULL);
	event_active(rd, EV_READ, 1);
	counts("all");
	maxes("all");
	n = 0;
	r = event_base_foreach_event(base, visit_cb, &n);
	printf("foreach -> %d visited=%d\n", r, n);
	n = 0;
	r = event_base_foreach_event(base, stop_cb, &n);
	printf("foreach stopping at the 3rd -> %d visited=%d\n", r, n);
	dump();

	printf("== after deleting some ==\n");
	event_del(rdto);
	event_del(tm1);
	event_del(act);
	counts("deleted rdto tm1 act");
	maxes("max unchanged");
	printf("max added with clear -> %d\n", event_base_get_max_events(base, EVENT_BASE_COUNT_ADDED, 1));
	maxes("after clear of added");
	printf("max active|added with clear -> %d\n",
	    event_base_get_max_events(base, EVENT_BASE_COUNT_ACTIVE|EVENT_BASE_COUNT_ADDED, 1));
	maxes("after clear of both");

	printf("== running the loop ==\n");
	r = event_base_loop(base, EVLOOP_ONCE|EVLOOP_NONBLOCK);
	printf("loop -> %d\n", r);
	counts("after loop");
	maxes("after loop");
	dump();

	event_free(rd); event_free(wr); event_free(rdto); event_free(tm1); event_free(tm2);
	event_free(sig); event_free(act); event_free(ctev); event_free(persist);
	counts("all freed");
	maxes("all freed");
	event_base_free(base);
	t_close_pair(sp);
	t_close_pair(sp2);
	return 0;
}
