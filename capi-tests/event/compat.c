/* compat: the libevent 1.x API and its macros -- event_init (the current
 * base), event_get_method (compared, not printed), event_set (uses the
 * current base and its middle priority), event_priority_init,
 * event_dispatch, event_loop, event_loopexit, event_loopbreak, event_once,
 * timeout_* / signal_* / evtimer_set / evsignal_set, EVENT_FD /
 * EVENT_SIGNAL; NULL base meaning the current base (event_new,
 * event_assign, event_base_get_npriorities, event_base_free,
 * event_base_gettimeofday_cached, event_base_update_cache_time);
 * writing ev_base directly after event_set as old programs do. */
#include "common.h"

static struct event_base *cur, *other;
static char order[512];

static void rec_cb(evutil_socket_t fd, short what, void *arg)
{
	char s[128];
	snprintf(s, sizeof s, "%s[%s] ", (const char *)arg, t_evs(what));
	strcat(order, s);
	if (what & EV_READ)
		t_drain(fd);
}

static void break_cb(evutil_socket_t fd, short what, void *arg)
{
	strcat(order, "brk ");
	printf("  event_loopbreak -> %d\n", event_loopbreak());
}

static int sp[2];

int main(void)
{
	struct event ev, ev2, tev, sev;
	struct event *e;
	struct timeval tv;
	int r;

	t_init();
	event_set_log_callback(t_log_cb);
	t_socketpair(sp, 100);

	printf("== event_init ==\n");
	cur = event_init();
	printf("event_init -> %s\n", cur ? "base" : "NULL");
	printf("event_get_method matches event_base_get_method: %d\n",
	    strcmp(event_get_method(), event_base_get_method(cur)) == 0);
	printf("npriorities(NULL)=%d\n", event_base_get_npriorities(NULL));
	r = event_priority_init(3);
	printf("event_priority_init(3) -> %d npriorities=%d\n", r, event_base_get_npriorities(cur));
	printf("event_priority_init(0) -> %d\n", event_priority_init(0));

	printf("== event_set ==\n");
	event_set(&ev, sp[0], EV_READ, rec_cb, "ev");
	printf("ev_base is current: %d pri=%d fd ok: %d EVENT_FD ok: %d\n", ev.ev_base == cur,
	    event_get_priority(&ev), ev.ev_fd == sp[0], EVENT_FD(&ev) == sp[0]);
	printf("ev_events=%s flags=%s\n", t_evs(ev.ev_events), t_evlist(T_FLAGS(&ev)));
	event_add(&ev, NULL);
	t_write(sp[1], "a");
	order[0] = 0;
	r = event_dispatch();
	printf("event_dispatch -> %d order: %s\n", r, order);

	printf("== timeout_* macros ==\n");
	timeout_set(&tev, rec_cb, "timeout");
	printf("timeout_initialized=%d pending=%d\n", timeout_initialized(&tev), timeout_pending(&tev, NULL));
	tv = t_tv(0, 10 * 1000);
	timeout_add(&tev, &tv);
	printf("after timeout_add pending=%d\n", timeout_pending(&tev, NULL));
	timeout_del(&tev);
	printf("after timeout_del pending=%d\n", timeout_pending(&tev, NULL));
	timeout_add(&tev, &tv);
	order[0] = 0;
	r = event_loop(EVLOOP_ONCE);
	printf("event_loop(ONCE) -> %d order: %s\n", r, order);
	evtimer_set(&tev, rec_cb, "evtimer_set");
	evtimer_add(&tev, &tv);
	order[0] = 0;
	r = event_loop(0);
	printf("event_loop(0) -> %d order: %s\n", r, order);

	printf("== signal_* macros ==\n");
	signal_set(&sev, SIGUSR1, rec_cb, "signal");
	printf("signal_initialized=%d EVENT_SIGNAL is SIGUSR1: %d events=%s\n",
	    signal_initialized(&sev), EVENT_SIGNAL(&sev) == SIGUSR1, t_evs(sev.ev_events));
	signal_add(&sev, NULL);
	printf("signal_pending=%d\n", signal_pending(&sev, NULL));
	raise(SIGUSR1);
	order[0] = 0;
	r = event_loop(EVLOOP_ONCE);
	printf("event_loop(ONCE) -> %d order: %s\n", r, order);
	signal_del(&sev);
	printf("after signal_del pending=%d\n", signal_pending(&sev, NULL));
	evsignal_set(&sev, SIGUSR2, rec_cb, "evsignal_set");
	printf("evsignal_set events=%s\n", t_evs(sev.ev_events));

	printf("== event_loopexit / event_loopbreak ==\n");
	tv = t_tv(0, 30 * 1000);
	r = event_loopexit(&tv);
	printf("event_loopexit(30ms) -> %d\n", r);
	order[0] = 0;
	r = event_dispatch();
	printf("event_dispatch -> %d order: '%s' got_exit=%d\n", r, order, event_base_got_exit(cur));
	r = event_loopexit(NULL);
	printf("event_loopexit(NULL) -> %d\n", r);
	event_set(&ev, -1, 0, rec_cb, "ev");
	event_active(&ev, EV_WRITE, 1);
	order[0] = 0;
	r = event_dispatch();
	printf("event_dispatch -> %d order: %s\n", r, order);
	event_set(&ev, -1, 0, break_cb, NULL);
	event_set(&ev2, -1, 0, rec_cb, "after-break");
	event_active(&ev, EV_READ, 1);
	event_active(&ev2, EV_READ, 1);
	order[0] = 0;
	r = event_dispatch();
	printf("event_dispatch -> %d order: %s got_break=%d\n", r, order, event_base_got_break(cur));
	order[0] = 0;
	r = event_loop(EVLOOP_NONBLOCK);
	printf("event_loop(NONBLOCK) -> %d order: %s\n", r, order);

	printf("== event_once ==\n");
	r = event_once(-1, EV_TIMEOUT, rec_cb, "once-timeout", NULL);
	printf("event_once(TIMEOUT, NULL) -> %d\n", r);
	r = event_once(sp[0], EV_READ, rec_cb, "once-read", NULL);
	printf("event_once(READ) -> %d\n", r);
	r = event_once(SIGUSR1, EV_SIGNAL, rec_cb, "once-signal", NULL);
	printf("event_once(SIGNAL) -> %d\n", r);
	t_write(sp[1], "b");
	order[0] = 0;
	r = event_dispatch();
	printf("event_dispatch -> %d order: %s\n", r, order);

	printf("== NULL base means the current base ==\n");
	e = event_new(NULL, -1, 0, rec_cb, "new-null");
	printf("event_new(NULL) base is current: %d pri=%d\n", event_get_base(e) == cur,
	    event_get_priority(e));
	event_free(e);
	r = event_assign(&ev, NULL, -1, 0, rec_cb, "assign-null");
	printf("event_assign(NULL) -> %d base is current: %d\n", r, ev.ev_base == cur);
	r = event_base_gettimeofday_cached(NULL, &tv);
	printf("gettimeofday_cached(NULL) -> %d\n", r);
	r = event_base_update_cache_time(NULL);
	printf("update_cache_time(NULL) -> %d\n", r);

	printf("== ev_base written after event_set ==\n");
	/* event_set gives the event the current base's middle priority; with
	 * 3 queues that is 1, and activating it on a 1-queue base after
	 * writing ev_base fails libevent's assertion evcb_pri < nactivequeues
	 * (abort).  Go back to one queue first, as the seed programs have. */
	r = event_priority_init(1);
	printf("event_priority_init(1) -> %d\n", r);
	other = event_base_new();
	event_set(&ev, sp[0], EV_READ, rec_cb, "on-other");
	ev.ev_base = other;
	event_add(&ev, NULL);
	t_write(sp[1], "c");
	order[0] = 0;
	r = event_loop(EVLOOP_NONBLOCK);
	printf("current base loop(NONBLOCK) -> %d order: '%s'\n", r, order);
	r = event_base_loop(other, EVLOOP_NONBLOCK);
	printf("other base loop(NONBLOCK) -> %d order: %s\n", r, order);
	/* the pattern of the seed programs: a heap event re-set each time */
	e = event_new(other, sp[0], EV_WRITE, rec_cb, "x");
	event_set(e, sp[0], EV_WRITE, rec_cb, "heap-reset-write");
	printf("after event_set ev_base is current: %d\n", e->ev_base == cur);
	e->ev_base = other;
	event_add(e, NULL);
	order[0] = 0;
	r = event_base_dispatch(other);
	printf("other dispatch -> %d order: %s\n", r, order);
	event_set(e, sp[0], EV_READ, rec_cb, "heap-reset-read");
	e->ev_base = other;
	event_add(e, NULL);
	t_write(sp[1], "d");
	order[0] = 0;
	r = event_base_dispatch(other);
	printf("other dispatch -> %d order: %s\n", r, order);
	event_free(e);
	r = event_base_set(other, &ev);
	printf("event_base_set(other) on an idle event -> %d\n", r);
	event_base_free(other);

	printf("== second event_init replaces the current base ==\n");
	other = event_init();
	printf("new current differs: %d\n", other != cur);
	event_set(&ev, -1, 0, rec_cb, "ev");
	printf("event_set now uses the new base: %d\n", ev.ev_base == other);
	event_base_free(cur);
	event_base_free(NULL);	/* frees the current base, silently */
	printf("freed\n");
	t_close_pair(sp);
	return 0;
}
