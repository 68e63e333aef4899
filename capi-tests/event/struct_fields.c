/* struct_fields: the public struct event fields as programs read and
 * write them -- ev_fd, ev_events, ev_res (in and after the callback),
 * the flags word (EVLIST_* after assign / add / add with timeout /
 * active / del / callback), the priority byte, the closure byte, the
 * callback and argument slots, ev_timeout_pos.min_heap_idx (the timer
 * heap index lives in the event), the stored interval of persistent
 * events (ev_.ev_io.ev_timeout), ev_ncalls of signal events (the number
 * of calls still to come while the callback runs), ev_base
 * written directly, events embedded in a struct, static and on the
 * stack.
 * capi-fast-timers: skip (prints ev_timeout_pos.min_heap_idx) */
#include "common.h"

static struct event_base *base;

struct conn {
	int id;
	struct event rd;
	char tail[3];
};

static void show(const char *what, const struct event *ev)
{
	printf("%s: fd=%d events=%s res=%s flags=%s pri=%d closure=%d heap_idx=%d\n", what,
	    ev->ev_fd, t_evs(ev->ev_events), t_evs(ev->ev_res), t_evlist(T_FLAGS(ev)), T_PRI(ev),
	    ev->ev_evcallback.evcb_closure, ev->ev_timeout_pos.min_heap_idx);
}

static void field_cb(evutil_socket_t fd, short what, void *arg)
{
	struct event *ev = arg;
	printf("  callback: fd arg==ev_fd %d, what==ev_res %d, what=%s\n", fd == ev->ev_fd,
	    what == ev->ev_res, t_evs(what));
	show("  in callback", ev);
	if (what & EV_READ)
		t_drain(fd);
}

static void sig_cb(evutil_socket_t fd, short what, void *arg)
{
	struct event *ev = arg;
	/* ev_ncalls: calls still to come for this delivery batch (the
	 * ev_pncalls pointer next to it is libevent-internal: not printed) */
	printf("  signal callback: ev_ncalls=%d\n", ev->ev_.ev_signal.ev_ncalls);
}

static void conn_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	printf("  conn %d what=%s tail intact=%d\n", c->id, t_evs(what),
	    c->tail[0] == 'x' && c->tail[1] == 'y' && c->tail[2] == 'z');
	t_drain(fd);
}

static struct event static_ev;

int main(void)
{
	struct event ev, sig;
	struct event *tm[5];
	struct event_base *base2;
	struct conn *c;
	struct timeval tv;
	int sp[2], i;

	t_init();
	event_set_log_callback(t_log_cb);
	base = event_base_new();
	base2 = event_base_new();
	t_socketpair(sp, 100);

	printf("== life cycle of a stack event ==\n");
	memset(&ev, 0xee, sizeof ev);
	event_assign(&ev, base, sp[0], EV_READ|EV_PERSIST, field_cb, &ev);
	show("assigned", &ev);
	printf("callback slot ok=%d arg slot ok=%d base ok=%d\n",
	    ev.ev_evcallback.evcb_cb_union.evcb_callback == field_cb,
	    ev.ev_evcallback.evcb_arg == &ev, ev.ev_base == base);
	printf("persistent interval before add: {%ld,%ld}\n", (long)ev.ev_.ev_io.ev_timeout.tv_sec,
	    (long)ev.ev_.ev_io.ev_timeout.tv_usec);
	event_add(&ev, NULL);
	show("added", &ev);
	tv = t_tv(3, 250000);
	event_add(&ev, &tv);
	show("added with timeout", &ev);
	printf("persistent interval stored: {%ld,%ld}\n", (long)ev.ev_.ev_io.ev_timeout.tv_sec,
	    (long)ev.ev_.ev_io.ev_timeout.tv_usec);
	event_active(&ev, EV_WRITE, 1);
	show("activated", &ev);
	t_write(sp[1], "r");
	event_base_loop(base, EVLOOP_ONCE);
	show("after callback", &ev);
	event_del(&ev);
	show("deleted", &ev);

	printf("== one-shot event ==\n");
	event_assign(&ev, base, sp[0], EV_READ, field_cb, &ev);
	show("assigned", &ev);
	event_add(&ev, NULL);
	t_write(sp[1], "r");
	event_base_loop(base, EVLOOP_ONCE);
	show("after callback", &ev);

	printf("== timer heap index ==\n");
	for (i = 0; i < 5; i++) {
		tm[i] = evtimer_new(base, field_cb, NULL);
		tv = t_tv(10 + i, 0);
		evtimer_add(tm[i], &tv);
	}
	for (i = 0; i < 5; i++)
		printf("tm%d heap_idx=%d closure=%d\n", i, tm[i]->ev_timeout_pos.min_heap_idx,
		    tm[i]->ev_evcallback.evcb_closure);
	tv = t_tv(1, 0);
	evtimer_add(tm[4], &tv);
	printf("tm4 re-added earliest:");
	for (i = 0; i < 5; i++)
		printf(" tm%d=%d", i, tm[i]->ev_timeout_pos.min_heap_idx);
	printf("\n");
	event_del(tm[0]);
	printf("tm0 deleted:");
	for (i = 0; i < 5; i++)
		printf(" tm%d=%d", i, tm[i]->ev_timeout_pos.min_heap_idx);
	printf("\n");
	for (i = 0; i < 5; i++)
		event_free(tm[i]);

	printf("== signal event ==\n");
	evsignal_assign(&sig, base, SIGUSR1, sig_cb, &sig);
	show("assigned", &sig);
	event_add(&sig, NULL);
	show("added", &sig);
	raise(SIGUSR1);
	raise(SIGUSR1);
	event_base_loop(base, EVLOOP_ONCE);
	show("after", &sig);
	event_del(&sig);

	printf("== other closures ==\n");
	event_assign(&ev, base, -1, EV_PERSIST|EV_SIGNAL, field_cb, NULL);
	printf("SIGNAL|PERSIST closure=%d\n", ev.ev_evcallback.evcb_closure);
	event_assign(&ev, base, -1, EV_TIMEOUT, field_cb, NULL);
	printf("TIMEOUT closure=%d\n", ev.ev_evcallback.evcb_closure);
	event_assign(&ev, base, sp[0], EV_WRITE|EV_FINALIZE|EV_PERSIST, field_cb, NULL);
	printf("WRITE|FINALIZE|PERSIST closure=%d\n", ev.ev_evcallback.evcb_closure);

	printf("== ev_base written directly ==\n");
	event_assign(&ev, base, sp[0], EV_READ, field_cb, &ev);
	ev.ev_base = base2;
	event_add(&ev, NULL);
	t_write(sp[1], "q");
	printf("base loop(NONBLOCK) -> %d\n", event_base_loop(base, EVLOOP_NONBLOCK));
	printf("base2 loop(NONBLOCK) -> %d\n", event_base_loop(base2, EVLOOP_NONBLOCK));

	printf("== embedded, static ==\n");
	c = malloc(sizeof *c);
	c->id = 7;
	memcpy(c->tail, "xyz", 3);
	event_assign(&c->rd, base, sp[0], EV_READ, conn_cb, c);
	event_add(&c->rd, NULL);
	event_assign(&static_ev, base, sp[0], EV_WRITE, field_cb, &static_ev);
	event_add(&static_ev, NULL);
	t_write(sp[1], "e");
	printf("dispatch -> %d\n", event_base_dispatch(base));
	free(c);

	event_base_free(base);
	event_base_free(base2);
	t_close_pair(sp);
	return 0;
}
