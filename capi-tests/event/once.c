/* once: event_base_once with EV_TIMEOUT and NULL / zero / positive tv
 * (immediate ones run in the order scheduled, before timers), I/O once
 * events with and without timeouts, invalid combinations (EV_SIGNAL,
 * EV_PERSIST, 0, NULL base) returning -1, EV_ET dropped from once events,
 * once events counted as added events, and freed unrun by
 * event_base_free. */
#include "common.h"

static struct event_base *base;
static int sp_fd;
static char order[512];

static void once_cb(evutil_socket_t fd, short what, void *arg)
{
	char s[128];
	snprintf(s, sizeof s, "%s[%s,%s] ", (const char *)arg, t_evs(what),
	    fd == -1 ? "fd=-1" : fd == sp_fd ? "fd=ok" : "fd=?");
	strcat(order, s);
	if (what & EV_READ)
		t_drain(fd);
}

static void nested_cb(evutil_socket_t fd, short what, void *arg)
{
	int r = event_base_once(base, -1, EV_TIMEOUT, once_cb, "inner", NULL);
	strcat(order, "outer ");
	(void)r;
}

#define TRY(args, label) do { \
	int r_ = event_base_once args; \
	printf("%-44s -> %d\n", label, r_); \
} while (0)

int main(void)
{
	int sp[2], r;
	struct timeval zero = t_tv(0, 0), t20 = t_tv(0, 20 * 1000), t40 = t_tv(0, 40 * 1000);
	long long t0;

	t_init();
	event_set_log_callback(t_log_cb);
	base = event_base_new();
	t_socketpair(sp, 100);
	sp_fd = sp[0];

	printf("== timeouts ==\n");
	TRY((base, -1, EV_TIMEOUT, once_cb, "t40", &t40), "once(TIMEOUT, 40ms)");
	TRY((base, -1, EV_TIMEOUT, once_cb, "t20", &t20), "once(TIMEOUT, 20ms)");
	TRY((base, -1, EV_TIMEOUT, once_cb, "null1", NULL), "once(TIMEOUT, NULL)");
	TRY((base, -1, EV_TIMEOUT, once_cb, "zero", &zero), "once(TIMEOUT, 0)");
	TRY((base, -1, EV_TIMEOUT, once_cb, "null2", NULL), "once(TIMEOUT, NULL)");
	TRY((base, 77, EV_TIMEOUT, once_cb, "fd77", NULL), "once(fd 77, TIMEOUT, NULL)");
	printf("added=%d active=%d\n", event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED),
	    event_base_get_num_events(base, EVENT_BASE_COUNT_ACTIVE));
	order[0] = 0;
	t0 = t_now_ms();
	r = event_base_dispatch(base);
	printf("dispatch -> %d order: %s\n", r, order);
	printf("waited>=30ms: %s\n", t_now_ms() - t0 >= 30 ? "yes" : "NO");
	printf("added=%d\n", event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED));

	printf("== once scheduled from a once callback ==\n");
	event_base_once(base, -1, EV_TIMEOUT, nested_cb, NULL, NULL);
	order[0] = 0;
	r = event_base_dispatch(base);
	printf("dispatch -> %d order: %s\n", r, order);

	printf("== I/O ==\n");
	TRY((base, sp[0], EV_READ, once_cb, "read", NULL), "once(READ)");
	TRY((base, sp[0], EV_READ, once_cb, "read-tv", &t20), "once(READ, 20ms)");
	TRY((base, sp[0], EV_WRITE|EV_TIMEOUT, once_cb, "write", NULL), "once(WRITE|TIMEOUT)");
	order[0] = 0;
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE) -> %d order: %s\n", r, order);
	order[0] = 0;
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE) -> %d order: %s\n", r, order);
	t_write(sp[1], "x");
	order[0] = 0;
	r = event_base_dispatch(base);
	printf("after write: dispatch -> %d order: %s\n", r, order);
	TRY((base, sp[0], EV_READ|EV_ET|EV_CLOSED, once_cb, "read-et", NULL), "once(READ|ET|CLOSED)");
	t_write(sp[1], "y");
	order[0] = 0;
	r = event_base_dispatch(base);
	printf("dispatch -> %d order: %s\n", r, order);

	printf("== invalid ==\n");
	TRY((base, SIGUSR1, EV_SIGNAL, once_cb, "sig", NULL), "once(SIGNAL)");
	TRY((base, sp[0], EV_READ|EV_PERSIST, once_cb, "p", NULL), "once(READ|PERSIST)");
	TRY((base, -1, EV_TIMEOUT|EV_PERSIST, once_cb, "p", NULL), "once(TIMEOUT|PERSIST)");
	TRY((base, -1, 0, once_cb, "zero-events", NULL), "once(0)");
	TRY((base, -1, EV_ET, once_cb, "et", NULL), "once(ET)");
	TRY((base, -1, EV_FINALIZE, once_cb, "fin", NULL), "once(FINALIZE)");
	TRY((NULL, -1, EV_TIMEOUT, once_cb, "nobase", NULL), "once(NULL base)");
	printf("added=%d active=%d\n", event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED),
	    event_base_get_num_events(base, EVENT_BASE_COUNT_ACTIVE));

	printf("== pending once events at event_base_free ==\n");
	event_base_once(base, -1, EV_TIMEOUT, once_cb, "never1", &t40);
	event_base_once(base, sp[0], EV_READ, once_cb, "never2", NULL);
	event_base_once(base, -1, EV_TIMEOUT, once_cb, "never3", NULL);
	order[0] = 0;
	event_base_free(base);
	printf("freed; callbacks run: '%s'\n", order);
	t_close_pair(sp);
	return 0;
}
