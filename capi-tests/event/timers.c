/* timers: ordering of many timers with distinct timeouts, order of timers
 * with identical timeouts (added inside a callback, where the cached time
 * makes them exactly equal: libevent fires them in its min-heap order,
 * which is NOT insertion order), zero timeouts, persistent timers,
 * deleting / re-adding timers from callbacks, event_remove_timer,
 * rescheduling an active timer, evtimer_pending's tv.
 * capi-fast-timers: skip (prints the order of timers with equal deadlines) */
#include "common.h"

static struct event_base *base;
static struct event *tev[16];
static char order[256];

static void order_cb(evutil_socket_t fd, short what, void *arg)
{
	char s[16];
	snprintf(s, sizeof s, "%d ", (int)(long)arg);
	strcat(order, s);
	if (what != EV_TIMEOUT)
		printf("  unexpected what=%s\n", t_evs(what));
}

static const int distinct_ms[] = { 90, 10, 70, 30, 50, 20, 80, 40, 60, 100 };
static void add_distinct_cb(evutil_socket_t fd, short what, void *arg)
{
	int i;
	for (i = 0; i < 10; i++) {
		struct timeval tv = t_tv(0, distinct_ms[i] * 1000);
		evtimer_add(tev[i], &tv);
	}
}

static void add_equal_then_readd_cb(evutil_socket_t fd, short what, void *arg)
{
	int i;
	struct timeval tv = t_tv(0, 20 * 1000);
	for (i = 0; i < 8; i++)
		evtimer_add(tev[i], &tv);
	event_del(tev[0]);
	event_del(tev[3]);
	tv = t_tv(0, 30 * 1000);
	evtimer_add(tev[3], &tv);
	evtimer_add(tev[0], &tv);
}

static int n_equal;
static void add_equal_cb(evutil_socket_t fd, short what, void *arg)
{
	int i;
	struct timeval tv = t_tv(0, 20 * 1000);
	for (i = 0; i < n_equal; i++)
		evtimer_add(tev[i], &tv);
}

static const int mixed_ms[] = { 30, 20, 30, 20, 10, 30, 10, 20, 40, 10 };
static void add_mixed_cb(evutil_socket_t fd, short what, void *arg)
{
	int i;
	for (i = 0; i < 10; i++) {
		struct timeval tv = t_tv(0, mixed_ms[i] * 1000);
		evtimer_add(tev[i], &tv);
	}
}

static int pcount;
static long long pstart;
static void persist_cb(evutil_socket_t fd, short what, void *arg)
{
	struct event *ev = arg;
	pcount++;
	printf("  persist #%d what=%s pending=%s\n", pcount, t_evs(what),
	    t_evs(event_pending(ev, EV_TIMEOUT, NULL)));
	if (pcount == 4) {
		long long el = t_now_ms() - pstart;
		printf("  elapsed for 4 x 30ms: %s\n", el >= 100 ? ">=100ms" : "TOO SHORT");
		event_del(ev);
	}
}

static int readd_count;
static void readd_cb(evutil_socket_t fd, short what, void *arg)
{
	struct event *ev = arg;
	struct timeval tv = t_tv(0, 5 * 1000);
	readd_count++;
	printf("  readd #%d pending-before=%d\n", readd_count, evtimer_pending(ev, NULL));
	if (readd_count < 3) {
		evtimer_add(ev, &tv);
		printf("  readd #%d pending-after=%d\n", readd_count, evtimer_pending(ev, NULL));
	}
}

static struct event *victim;
static void killer_cb(evutil_socket_t fd, short what, void *arg)
{
	int p1 = evtimer_pending(victim, NULL);
	int r = event_del(victim);
	printf("  killer: victim pending=%d, del -> %d, pending=%d\n",
	    p1, r, evtimer_pending(victim, NULL));
}
static void victim_cb(evutil_socket_t fd, short what, void *arg)
{
	printf("  victim ran (should not)\n");
}

static void plain_cb(evutil_socket_t fd, short what, void *arg)
{
	printf("  %s what=%s\n", (const char *)arg, t_evs(what));
}

int main(void)
{
	int i, r;
	struct timeval tv;
	struct event *e, *starter;
	long long t0;

	t_init();
	event_set_log_callback(t_log_cb);
	base = event_base_new();
	for (i = 0; i < 16; i++)
		tev[i] = evtimer_new(base, order_cb, (void *)(long)i);

	/* All ordering cases add their timers from inside a callback: the
	 * loop's cached time makes every deadline exactly "cached now +
	 * duration", so the order depends on the durations only.  (Outside
	 * the loop libevent reads CLOCK_MONOTONIC_COARSE, so timers added in
	 * quick succession may or may not get equal deadlines.) */
	printf("== distinct timeouts 90,10,70,30,50,20,80,40,60,100 ==\n");
	starter = evtimer_new(base, add_distinct_cb, NULL);
	tv = t_tv(0, 0);
	evtimer_add(starter, &tv);
	order[0] = 0;
	t0 = t_now_ms();
	r = event_base_dispatch(base);
	printf("dispatch -> %d order: %s\n", r, order);
	printf("elapsed >= 90ms: %s\n", t_now_ms() - t0 >= 90 ? "yes" : "NO");
	event_free(starter);

	printf("== equal timeouts added inside a callback ==\n");
	for (n_equal = 1; n_equal <= 12; n_equal += (n_equal < 4 ? 1 : 4)) {
		starter = evtimer_new(base, add_equal_cb, NULL);
		tv = t_tv(0, 0);
		evtimer_add(starter, &tv);
		order[0] = 0;
		r = event_base_dispatch(base);
		printf("n=%d dispatch -> %d order: %s\n", n_equal, r, order);
		event_free(starter);
	}

	printf("== mixed timeouts 30,20,30,20,10,30,10,20,40,10 inside a callback ==\n");
	starter = evtimer_new(base, add_mixed_cb, NULL);
	tv = t_tv(0, 0);
	evtimer_add(starter, &tv);
	order[0] = 0;
	r = event_base_dispatch(base);
	printf("dispatch -> %d order: %s\n", r, order);
	event_free(starter);

	printf("== 8 equal timeouts, then 0 and 3 deleted and re-added (30ms) ==\n");
	starter = evtimer_new(base, add_equal_then_readd_cb, NULL);
	tv = t_tv(0, 0);
	evtimer_add(starter, &tv);
	order[0] = 0;
	r = event_base_dispatch(base);
	printf("dispatch -> %d order: %s\n", r, order);
	event_free(starter);

	printf("== zero timeout ==\n");
	e = evtimer_new(base, plain_cb, "zero");
	tv = t_tv(0, 0);
	r = evtimer_add(e, &tv);
	printf("add -> %d pending=%d\n", r, evtimer_pending(e, NULL));
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK) -> %d pending=%d\n", r, evtimer_pending(e, NULL));

	printf("== evtimer_pending tv ==\n");
	{
		struct timeval now, got;
		tv = t_tv(2, 500000);
		gettimeofday(&now, NULL);
		evtimer_add(e, &tv);
		r = evtimer_pending(e, &got);
		long d = (got.tv_sec - now.tv_sec) * 1000 + (got.tv_usec - now.tv_usec) / 1000;
		printf("pending -> %d, tv-now about 2500ms: %s\n", r, d > 2000 && d < 3000 ? "yes" : "NO");
		event_del(e);
	}

	printf("== rescheduling a timer that is active by timeout ==\n");
	event_active(e, EV_TIMEOUT, 1);
	printf("flags after active=%s\n", t_evlist(T_FLAGS(e)));
	tv = t_tv(0, 40 * 1000);
	evtimer_add(e, &tv);
	printf("flags after add=%s\n", t_evlist(T_FLAGS(e)));
	t0 = t_now_ms();
	r = event_base_dispatch(base);
	printf("dispatch -> %d waited>=30ms: %s\n", r, t_now_ms() - t0 >= 30 ? "yes" : "NO");

	printf("== adding a timeout to an event active for READ ==\n");
	event_active(e, EV_READ, 1);
	tv = t_tv(1, 0);
	evtimer_add(e, &tv);
	printf("flags=%s\n", t_evlist(T_FLAGS(e)));
	t0 = t_now_ms();
	r = event_base_dispatch(base);
	printf("dispatch -> %d quick: %s pending=%d\n", r, t_now_ms() - t0 < 500 ? "yes" : "NO",
	    evtimer_pending(e, NULL));
	event_free(e);

	printf("== persistent timer ==\n");
	e = event_new(base, -1, EV_PERSIST, persist_cb, event_self_cbarg());
	tv = t_tv(0, 30 * 1000);
	pstart = t_now_ms();
	event_add(e, &tv);
	r = event_base_dispatch(base);
	printf("dispatch -> %d count=%d\n", r, pcount);
	event_free(e);

	printf("== persistent event without timeout is not a timer ==\n");
	e = event_new(base, -1, EV_PERSIST, plain_cb, "persist-no-tv");
	printf("add(NULL) -> %d\n", event_add(e, NULL));
	printf("pending=%s flags=%s\n", t_evs(event_pending(e, EV_TIMEOUT|EV_READ, NULL)),
	    t_evlist(T_FLAGS(e)));
	printf("loop(NONBLOCK) -> %d\n", event_base_loop(base, EVLOOP_NONBLOCK));
	event_free(e);

	printf("== timer re-added from its own callback ==\n");
	e = evtimer_new(base, readd_cb, event_self_cbarg());
	tv = t_tv(0, 5 * 1000);
	evtimer_add(e, &tv);
	r = event_base_dispatch(base);
	printf("dispatch -> %d count=%d\n", r, readd_count);
	event_free(e);

	printf("== timer deleted by an earlier timer ==\n");
	e = evtimer_new(base, killer_cb, NULL);
	victim = evtimer_new(base, victim_cb, NULL);
	tv = t_tv(0, 10 * 1000);
	evtimer_add(e, &tv);
	tv = t_tv(0, 60 * 1000);
	evtimer_add(victim, &tv);
	r = event_base_dispatch(base);
	printf("dispatch -> %d\n", r);
	event_free(e);
	event_free(victim);

	printf("== event_remove_timer ==\n");
	{
		int sp[2];
		t_socketpair(sp, 100);
		e = event_new(base, sp[0], EV_READ, plain_cb, "io");
		tv = t_tv(0, 20 * 1000);
		event_add(e, &tv);
		printf("before: pending=%s\n", t_evs(event_pending(e, EV_READ|EV_TIMEOUT, NULL)));
		printf("remove_timer -> %d\n", event_remove_timer(e));
		printf("after: pending=%s flags=%s\n", t_evs(event_pending(e, EV_READ|EV_TIMEOUT, NULL)),
		    t_evlist(T_FLAGS(e)));
		printf("remove_timer again -> %d\n", event_remove_timer(e));
		t0 = t_now_ms();
		r = event_base_loop(base, EVLOOP_NONBLOCK);
		printf("loop(NONBLOCK) -> %d\n", r);
		t_write(sp[1], "x");
		r = event_base_dispatch(base);
		printf("dispatch -> %d\n", r);
		event_free(e);
		e = evtimer_new(base, plain_cb, "timer");
		tv = t_tv(0, 20 * 1000);
		evtimer_add(e, &tv);
		r = event_remove_timer(e);
		printf("timer remove_timer -> %d pending=%d flags=%s\n", r,
		    evtimer_pending(e, NULL), t_evlist(T_FLAGS(e)));
		printf("dispatch -> %d\n", event_base_dispatch(base));
		printf("remove_timer on never-added -> %d\n", event_remove_timer(e));
		event_free(e);
		t_close_pair(sp);
	}

	printf("== timer with a very long timeout does not block NONBLOCK ==\n");
	e = evtimer_new(base, plain_cb, "long");
	tv = t_tv(3600, 0);
	evtimer_add(e, &tv);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK) -> %d pending=%d\n", r, evtimer_pending(e, NULL));
	printf("loop(ONCE|NONBLOCK) -> %d\n", event_base_loop(base, EVLOOP_ONCE|EVLOOP_NONBLOCK));
	event_free(e);

	for (i = 0; i < 16; i++)
		event_free(tev[i]);
	event_base_free(base);
	return 0;
}
