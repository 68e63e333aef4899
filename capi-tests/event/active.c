/* active: event_active on added / non-added / already-active events (res
 * bits OR together, one callback), ncalls for signal events (callback runs
 * ncalls times; event_del inside stops the rest), activation order (FIFO
 * within a priority), event_active from inside callbacks (runs in the same
 * loop pass), event_base_active_by_fd / event_base_active_by_signal,
 * event_base_get_running_event, event_del / event_add / event_free of an
 * event from inside its own callback. */
#include "common.h"

static struct event_base *base;

static void named_cb(evutil_socket_t fd, short what, void *arg)
{
	struct event *running = event_base_get_running_event(base);
	printf("  %s what=%s running=%s\n", (const char *)arg, t_evs(what),
	    running ? (const char *)event_get_callback_arg(running) : "NULL");
}

static int sig_calls;
static void sig_cb(evutil_socket_t fd, short what, void *arg)
{
	struct event *ev = arg;
	sig_calls++;
	printf("  sig call #%d what=%s\n", sig_calls, t_evs(what));
	if (sig_calls == 3) {
		printf("  sig: event_del in 3rd call -> %d\n", event_del(ev));
	}
}

static struct event *chain[4];
static void chain_cb(evutil_socket_t fd, short what, void *arg)
{
	int i = (int)(long)event_get_callback_arg(event_base_get_running_event(base));
	(void)arg;
	printf("  chain %d what=%s\n", i, t_evs(what));
	if (i < 3)
		event_active(chain[i + 1], EV_WRITE, 1);
}

static int self_count;
static void self_readd_cb(evutil_socket_t fd, short what, void *arg)
{
	struct event *ev = arg;
	int r;
	self_count++;
	printf("  self #%d what=%s flags-in-cb=%s\n", self_count, t_evs(what), t_evlist(T_FLAGS(ev)));
	if (self_count < 3) {
		r = event_add(ev, NULL);
		printf("  self: re-add -> %d flags=%s\n", r, t_evlist(T_FLAGS(ev)));
		event_active(ev, EV_READ, 1);
	}
}

static int persist_count;
static void persist_del_cb(evutil_socket_t fd, short what, void *arg)
{
	struct event *ev = arg;
	int r;
	persist_count++;
	printf("  persist #%d flags-in-cb=%s\n", persist_count, t_evlist(T_FLAGS(ev)));
	r = event_del(ev);
	printf("  persist: del -> %d flags=%s\n", r, t_evlist(T_FLAGS(ev)));
	r = event_del(ev);
	printf("  persist: del again -> %d\n", r);
}

static void free_self_cb(evutil_socket_t fd, short what, void *arg)
{
	struct event *ev = arg;
	printf("  free_self what=%s running-is-self=%d\n", t_evs(what),
	    event_base_get_running_event(base) == ev);
	event_free(ev);
	/* NOT TESTED: event_base_get_running_event() now would read the freed
	 * event in libevent (use after free). */
	printf("  free_self: freed\n");
}

int main(void)
{
	struct event *a, *b, *c, *s1, *s2, *ev;
	int sp[2], i, r;

	t_init();
	event_set_log_callback(t_log_cb);
	base = event_base_new();
	t_socketpair(sp, 100);

	/* NOT TESTED (libevent crashes): event_base_get_running_event() outside
	 * the loop dereferences base->current_event, which is NULL there, when
	 * threading is not enabled.  Ours should return NULL. */

	printf("== activate non-added events, FIFO order ==\n");
	a = event_new(base, -1, 0, named_cb, "a");
	b = event_new(base, sp[0], EV_READ, named_cb, "b");
	c = event_new(base, sp[0], EV_WRITE|EV_PERSIST, named_cb, "c");
	event_active(b, EV_READ, 1);
	event_active(a, EV_TIMEOUT, 1);
	event_active(c, EV_WRITE, 1);
	event_active(b, EV_WRITE, 1);	/* OR-ed into b's res, no second call */
	event_active(a, EV_SIGNAL, 5);
	event_active(c, 0, 1);
	printf("flags a=%s b=%s c=%s\n", t_evlist(T_FLAGS(a)), t_evlist(T_FLAGS(b)), t_evlist(T_FLAGS(c)));
	printf("res a=%s b=%s c=%s\n", t_evs(a->ev_res), t_evs(b->ev_res), t_evs(c->ev_res));
	printf("pending(a, all)=%s\n", t_evs(event_pending(a, EV_TIMEOUT|EV_READ|EV_WRITE|EV_SIGNAL, NULL)));
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK) -> %d\n", r);
	printf("flags after a=%s b=%s c=%s\n", t_evlist(T_FLAGS(a)), t_evlist(T_FLAGS(b)), t_evlist(T_FLAGS(c)));
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK) again -> %d\n", r);

	printf("== dispatch with only an active event ==\n");
	event_active(a, EV_READ, 1);
	r = event_base_dispatch(base);
	printf("dispatch -> %d\n", r);

	printf("== active then del before the loop ==\n");
	event_active(a, EV_READ, 1);
	printf("del -> %d flags=%s\n", event_del(a), t_evlist(T_FLAGS(a)));
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK) -> %d\n", r);

	printf("== active on an added (not ready) event ==\n");
	event_add(b, NULL);
	event_active(b, EV_TIMEOUT, 1);
	printf("flags b=%s\n", t_evlist(T_FLAGS(b)));
	r = event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	printf("loop(ONCE|NONBLOCK) -> %d flags b=%s\n", r, t_evlist(T_FLAGS(b)));
	event_add(c, NULL);
	event_active(c, EV_TIMEOUT, 1);
	r = event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	printf("persistent: loop(ONCE|NONBLOCK) -> %d flags c=%s\n", r, t_evlist(T_FLAGS(c)));
	event_del(c);

	printf("== ncalls on a signal event ==\n");
	s1 = evsignal_new(base, SIGUSR1, sig_cb, event_self_cbarg());
	event_active(s1, EV_SIGNAL, 2);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("ncalls=2 not added: loop -> %d calls=%d\n", r, sig_calls);
	sig_calls = 0;
	event_add(s1, NULL);
	event_active(s1, EV_SIGNAL, 5);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("ncalls=5 del in 3rd: loop -> %d calls=%d pending=%d\n", r, sig_calls,
	    evsignal_pending(s1, NULL));
	sig_calls = 0;
	event_active(s1, EV_SIGNAL, 0);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("ncalls=0: loop -> %d calls=%d\n", r, sig_calls);
	sig_calls = 10;
	event_active(s1, EV_SIGNAL, 2);
	event_active(s1, EV_SIGNAL, 4);	/* already active: ncalls not changed */
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("ncalls=2 then 4: loop -> %d calls=%d\n", r, sig_calls - 10);
	sig_calls = 10;
	event_active(a, EV_TIMEOUT, 3);	/* ncalls ignored for non-signal events */
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("non-signal ncalls=3: loop -> %d\n", r);

	printf("== activation chain inside callbacks (same pass) ==\n");
	for (i = 0; i < 4; i++)
		chain[i] = event_new(base, -1, 0, chain_cb, (void *)(long)i);
	event_active(chain[0], EV_READ, 1);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE) -> %d\n", r);
	for (i = 0; i < 4; i++)
		event_free(chain[i]);

	printf("== event_base_active_by_fd ==\n");
	{
		/* on the read end of an empty pipe nothing is ever ready, so
		 * only the activations below make callbacks run */
		int pp[2];
		t_pipe(pp, 110);
		struct event *r1 = event_new(base, pp[0], EV_READ, named_cb, "r1");
		struct event *w1 = event_new(base, pp[0], EV_WRITE, named_cb, "w1");
		struct event *rw = event_new(base, pp[0], EV_READ|EV_WRITE|EV_PERSIST, named_cb, "rw");
		struct event *cl = event_new(base, pp[0], EV_CLOSED, named_cb, "cl");
		struct event *other = event_new(base, pp[1], EV_READ, named_cb, "other-fd");
		struct event *notadded = event_new(base, pp[0], EV_READ, named_cb, "not-added");
		struct event *tm = event_new(base, pp[0], 0, named_cb, "timer-on-fd");
		struct event *tm2 = event_new(base, pp[1], 0, named_cb, "timer-on-other-fd");
		struct timeval tv = t_tv(10, 0);
		event_add(r1, NULL); event_add(w1, NULL); event_add(rw, NULL);
		event_add(cl, NULL); event_add(other, NULL);
		event_add(tm, &tv); event_add(tm2, &tv);
		printf("active_by_fd(READ):\n");
		event_base_active_by_fd(base, pp[0], EV_READ);
		event_base_loop(base, EVLOOP_ONCE|EVLOOP_NONBLOCK);
		printf("active_by_fd(WRITE|CLOSED):\n");
		event_base_active_by_fd(base, pp[0], EV_WRITE|EV_CLOSED);
		event_base_loop(base, EVLOOP_ONCE|EVLOOP_NONBLOCK);
		printf("active_by_fd(TIMEOUT|READ) (timers on that fd only):\n");
		event_add(r1, NULL);
		event_base_active_by_fd(base, pp[0], EV_TIMEOUT|EV_READ);
		event_base_loop(base, EVLOOP_ONCE|EVLOOP_NONBLOCK);
		printf("active_by_fd(ET) and (0):\n");
		event_base_active_by_fd(base, pp[0], EV_ET);
		event_base_active_by_fd(base, pp[0], 0);
		event_base_loop(base, EVLOOP_ONCE|EVLOOP_NONBLOCK);
		printf("active_by_fd on an fd with no events, and on -1, and 5000:\n");
		event_base_active_by_fd(base, 90, EV_READ);
		event_base_active_by_fd(base, -1, EV_READ);
		event_base_active_by_fd(base, 5000, EV_READ|EV_WRITE);
		r = event_base_loop(base, EVLOOP_ONCE|EVLOOP_NONBLOCK);
		printf("loop -> %d\n", r);
		event_free(r1); event_free(w1); event_free(rw); event_free(cl);
		event_free(other); event_free(notadded); event_free(tm); event_free(tm2);
		t_close_pair(pp);
	}

	printf("== event_base_active_by_signal ==\n");
	s2 = evsignal_new(base, SIGUSR1, named_cb, "s2");
	event_add(s2, NULL);
	event_add(s1, NULL);
	sig_calls = 0;
	event_base_active_by_signal(base, SIGUSR1);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop -> %d sig_calls=%d\n", r, sig_calls);
	event_del(s1);
	event_base_active_by_signal(base, SIGUSR1);
	event_base_active_by_signal(base, SIGUSR2);
	event_base_active_by_signal(base, 1000);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop -> %d\n", r);
	event_free(s2);
	event_free(s1);

	printf("== event_del + event_add of a one-shot event in its own callback ==\n");
	ev = event_new(base, -1, 0, self_readd_cb, event_self_cbarg());
	event_active(ev, EV_TIMEOUT, 1);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop -> %d count=%d flags=%s\n", r, self_count, t_evlist(T_FLAGS(ev)));
	event_free(ev);

	printf("== event_del of a persistent event in its own callback ==\n");
	ev = event_new(base, sp[0], EV_WRITE|EV_PERSIST, persist_del_cb, event_self_cbarg());
	event_add(ev, NULL);
	r = event_base_dispatch(base);
	printf("dispatch -> %d count=%d\n", r, persist_count);
	event_free(ev);

	printf("== event_free inside its own callback ==\n");
	ev = event_new(base, sp[0], EV_WRITE|EV_PERSIST, free_self_cb, event_self_cbarg());
	event_add(ev, NULL);
	r = event_base_dispatch(base);
	printf("dispatch -> %d\n", r);
	ev = event_new(base, -1, 0, free_self_cb, event_self_cbarg());
	event_active(ev, EV_READ, 1);
	r = event_base_dispatch(base);
	printf("dispatch (active only) -> %d\n", r);

	event_free(a); event_free(b); event_free(c);
	event_base_free(base);
	t_close_pair(sp);
	return 0;
}
