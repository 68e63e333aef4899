/* loop_control: event_base_loop flags (EVLOOP_ONCE, EVLOOP_NONBLOCK,
 * EVLOOP_NO_EXIT_ON_EMPTY) and return values (0, 1 when no events, -1 on
 * reentrant invocation), event_base_dispatch, event_base_loopexit with
 * and without a timeout (before and inside the loop; a pending loopexit
 * survives into the next loop), event_base_loopbreak (rest of the queue
 * left active), event_base_loopcontinue (re-polls before the rest of the
 * queue), event_base_got_exit / event_base_got_break and their reset when
 * a loop starts, NULL-base error returns. */
#include "common.h"

static struct event_base *base;
static char order[512];

static void rec_cb(evutil_socket_t fd, short what, void *arg)
{
	strcat(order, (const char *)arg);
	strcat(order, " ");
}

static void break_cb(evutil_socket_t fd, short what, void *arg)
{
	int r;
	strcat(order, "BRK ");
	r = event_base_loopbreak(base);
	printf("  loopbreak in cb -> %d got_break=%d\n", r, event_base_got_break(base));
}

static void exit_cb(evutil_socket_t fd, short what, void *arg)
{
	int r;
	strcat(order, "EXIT ");
	r = event_base_loopexit(base, NULL);
	printf("  loopexit(NULL) in cb -> %d got_exit=%d\n", r, event_base_got_exit(base));
}

static int cont_fd;
static void cont_cb(evutil_socket_t fd, short what, void *arg)
{
	strcat(order, "CONT ");
	t_write(cont_fd, "x");
	if (arg)
		printf("  loopcontinue in cb -> %d\n", event_base_loopcontinue(base));
}

static void read_rec_cb(evutil_socket_t fd, short what, void *arg)
{
	t_drain(fd);
	rec_cb(fd, what, arg);
}

static void reentrant_cb(evutil_socket_t fd, short what, void *arg)
{
	int r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("  nested event_base_loop -> %d\n", r);
	r = event_base_dispatch(base);
	printf("  nested event_base_dispatch -> %d\n", r);
}

static int tick_count;
static void tick_cb(evutil_socket_t fd, short what, void *arg)
{
	tick_count++;
}

static void show_flags(const char *when)
{
	printf("%s: got_exit=%d got_break=%d\n", when, event_base_got_exit(base),
	    event_base_got_break(base));
}

int main(void)
{
	int r, sp[2];
	struct event *a, *b, *c, *tick, *t;
	struct timeval tv;
	long long t0;

	t_init();
	event_set_log_callback(t_log_cb);
	base = event_base_new();
	t_socketpair(sp, 100);

	printf("== empty base ==\n");
	printf("dispatch -> %d\n", event_base_dispatch(base));
	printf("loop(0) -> %d\n", event_base_loop(base, 0));
	printf("loop(ONCE) -> %d\n", event_base_loop(base, EVLOOP_ONCE));
	printf("loop(NONBLOCK) -> %d\n", event_base_loop(base, EVLOOP_NONBLOCK));
	printf("loop(ONCE|NONBLOCK) -> %d\n", event_base_loop(base, EVLOOP_ONCE|EVLOOP_NONBLOCK));
	printf("loop(NO_EXIT_ON_EMPTY|NONBLOCK) -> %d\n",
	    event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY|EVLOOP_NONBLOCK));
	show_flags("initially");

	printf("== NO_EXIT_ON_EMPTY ends by loopexit(tv) ==\n");
	tv = t_tv(0, 50 * 1000);
	printf("loopexit(50ms) -> %d\n", event_base_loopexit(base, &tv));
	t0 = t_now_ms();
	r = event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY);
	printf("loop(NO_EXIT_ON_EMPTY) -> %d waited>=40ms: %s\n", r, t_now_ms() - t0 >= 40 ? "yes" : "NO");
	show_flags("after");
	printf("loop(NONBLOCK) -> %d\n", event_base_loop(base, EVLOOP_NONBLOCK));
	show_flags("after a new loop");

	printf("== loopexit(tv) on an empty base keeps dispatch running ==\n");
	tv = t_tv(0, 40 * 1000);
	event_base_loopexit(base, &tv);
	t0 = t_now_ms();
	r = event_base_dispatch(base);
	printf("dispatch -> %d waited>=30ms: %s\n", r, t_now_ms() - t0 >= 30 ? "yes" : "NO");
	show_flags("after");

	printf("== loopexit(NULL) before the loop: the current pass completes ==\n");
	a = event_new(base, -1, 0, rec_cb, "a");
	b = event_new(base, -1, 0, rec_cb, "b");
	c = event_new(base, -1, 0, rec_cb, "c");
	event_active(a, EV_READ, 1);
	printf("loopexit(NULL) -> %d\n", event_base_loopexit(base, NULL));
	event_active(b, EV_READ, 1);
	show_flags("before loop");
	order[0] = 0;
	r = event_base_dispatch(base);
	printf("dispatch -> %d order: %s\n", r, order);
	show_flags("after");

	printf("== loopexit(NULL) inside a callback ==\n");
	tick = event_new(base, sp[0], EV_WRITE|EV_PERSIST, tick_cb, NULL);
	event_add(tick, NULL);
	t = event_new(base, -1, 0, exit_cb, NULL);
	event_active(a, EV_READ, 1);
	event_active(t, EV_READ, 1);
	event_active(b, EV_READ, 1);
	order[0] = 0;
	r = event_base_dispatch(base);
	printf("dispatch -> %d order: %s\n", r, order);
	show_flags("after");

	printf("== loopbreak inside a callback: the rest stays active ==\n");
	event_free(t);
	t = event_new(base, -1, 0, break_cb, NULL);
	event_active(a, EV_READ, 1);
	event_active(t, EV_READ, 1);
	event_active(b, EV_READ, 1);
	event_active(c, EV_READ, 1);
	order[0] = 0;
	r = event_base_dispatch(base);
	printf("dispatch -> %d order: %s\n", r, order);
	show_flags("after");
	printf("b flags=%s c flags=%s\n", t_evlist(T_FLAGS(b)), t_evlist(T_FLAGS(c)));
	order[0] = 0;
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE) -> %d order: %s\n", r, order);
	show_flags("after");

	printf("== loopbreak before the loop is forgotten ==\n");
	printf("loopbreak -> %d\n", event_base_loopbreak(base));
	show_flags("before loop");
	event_active(a, EV_READ, 1);
	order[0] = 0;
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE) -> %d order: %s\n", r, order);
	show_flags("after");
	printf("loopcontinue outside the loop -> %d\n", event_base_loopcontinue(base));
	event_del(tick);

	printf("== loopcontinue: re-poll before the rest of the queue ==\n");
	event_base_priority_init(base, 2);
	{
		struct event *rd = event_new(base, sp[0], EV_READ, read_rec_cb, "READ");
		struct event *k1 = event_new(base, -1, 0, cont_cb, NULL);
		struct event *k2 = event_new(base, -1, 0, cont_cb, "continue");
		struct event *x = event_new(base, -1, 0, rec_cb, "X");
		cont_fd = sp[1];
		event_priority_set(rd, 0);
		event_priority_set(k1, 1);
		event_priority_set(k2, 1);
		event_priority_set(x, 1);
		/* EVLOOP_NONBLOCK: keeps going until a pass finds nothing */
		event_add(rd, NULL);
		event_active(k1, EV_READ, 1);
		event_active(x, EV_READ, 1);
		order[0] = 0;
		r = event_base_loop(base, EVLOOP_NONBLOCK);
		printf("without loopcontinue: loop(NONBLOCK) -> %d order: %s\n", r, order);
		t_drain(sp[0]);
		event_add(rd, NULL);
		event_active(k2, EV_READ, 1);
		event_active(x, EV_READ, 1);
		order[0] = 0;
		r = event_base_loop(base, EVLOOP_NONBLOCK);
		printf("with loopcontinue: loop(NONBLOCK) -> %d order: %s\n", r, order);
		t_drain(sp[0]);
		/* EVLOOP_ONCE stops after the pass that ran X: READ waits */
		event_add(rd, NULL);
		event_active(k1, EV_READ, 1);
		event_active(x, EV_READ, 1);
		order[0] = 0;
		r = event_base_loop(base, EVLOOP_ONCE);
		printf("without loopcontinue: loop(ONCE) -> %d order: %s\n", r, order);
		event_del(rd);
		t_drain(sp[0]);
		event_add(rd, NULL);
		event_active(k2, EV_READ, 1);
		event_active(x, EV_READ, 1);
		order[0] = 0;
		r = event_base_loop(base, EVLOOP_ONCE);
		printf("with loopcontinue: loop(ONCE) -> %d order: %s\n", r, order);
		event_del(rd);
		t_drain(sp[0]);
		event_free(rd); event_free(k1); event_free(k2); event_free(x);
	}

	printf("== reentrant loop ==\n");
	t = event_new(base, -1, 0, reentrant_cb, NULL);
	event_active(t, EV_READ, 1);
	r = event_base_dispatch(base);
	printf("outer dispatch -> %d\n", r);
	event_free(t);

	printf("== ONCE waits for the first event, NONBLOCK does not ==\n");
	t = evtimer_new(base, rec_cb, "timer");
	tv = t_tv(0, 30 * 1000);
	evtimer_add(t, &tv);
	order[0] = 0;
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK) -> %d order: %s\n", r, order);
	t0 = t_now_ms();
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE) -> %d order: %s waited>=20ms: %s\n", r, order,
	    t_now_ms() - t0 >= 20 ? "yes" : "NO");
	event_free(t);

	printf("== a pending loopexit(tv) outlives an earlier loop ==\n");
	tv = t_tv(0, 150 * 1000);
	event_base_loopexit(base, &tv);
	t = event_new(base, -1, 0, break_cb, NULL);
	event_active(t, EV_READ, 1);
	order[0] = 0;
	r = event_base_dispatch(base);
	printf("first dispatch (break) -> %d order: %s\n", r, order);
	tick_count = 0;
	tick = event_new(base, -1, EV_PERSIST, tick_cb, NULL);
	tv = t_tv(0, 20 * 1000);
	event_add(tick, &tv);
	t0 = t_now_ms();
	r = event_base_dispatch(base);
	printf("second dispatch (persistent timer, ends by the old loopexit) -> %d ticked: %s\n",
	    r, tick_count >= 1 ? "yes" : "NO");
	show_flags("after");
	event_free(tick);
	event_free(t);

	printf("== two loopexits ==\n");
	event_base_loopexit(base, NULL);
	event_base_loopexit(base, NULL);
	event_active(a, EV_READ, 1);
	order[0] = 0;
	r = event_base_dispatch(base);
	printf("dispatch -> %d order: %s\n", r, order);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK) -> %d (second loopexit already consumed?)\n", r);

	printf("== NULL base ==\n");
	printf("loopbreak(NULL) -> %d\n", event_base_loopbreak(NULL));
	printf("loopcontinue(NULL) -> %d\n", event_base_loopcontinue(NULL));
	printf("loopexit(NULL base) -> %d\n", event_base_loopexit(NULL, NULL));

	event_free(a); event_free(b); event_free(c);
	event_base_free(base);
	t_close_pair(sp);
	return 0;
}
