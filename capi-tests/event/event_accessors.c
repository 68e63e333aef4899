/* event_accessors: event_new / event_assign / event_set / event_base_set /
 * event_free, every event_get_* accessor, event_get_assignment,
 * event_initialized, event_pending with each flag and a timeval,
 * event_priority_set / event_get_priority, event_self_cbarg,
 * event_debug_unassign (no debug mode), event_get_signal, evtimer_* /
 * evsignal_* / evuser_* macros. */
#include "common.h"

static void cb(evutil_socket_t fd, short what, void *arg) { (void)fd; (void)what; (void)arg; }
static void cb2(evutil_socket_t fd, short what, void *arg) { (void)fd; (void)what; (void)arg; }

static int marker;
static struct event_base *base, *base2;

static void show(const char *name, struct event *ev, int fd_expected)
{
	struct event_base *b = (struct event_base *)1;
	evutil_socket_t fd = -99;
	short events = -1;
	event_callback_fn fn = NULL;
	void *arg = (void *)1;
	event_get_assignment(ev, &b, &fd, &events, &fn, &arg);
	printf("%s: base=%s fd=%s events=%s cb=%s arg=%s pri=%d init=%d\n", name,
	    event_get_base(ev) == base ? "base" : event_get_base(ev) == base2 ? "base2" :
		event_get_base(ev) ? "other" : "NULL",
	    event_get_fd(ev) == fd_expected ? "ok" : "WRONG",
	    t_evs(event_get_events(ev)),
	    event_get_callback(ev) == cb ? "cb" : event_get_callback(ev) == cb2 ? "cb2" :
		event_get_callback(ev) ? "other" : "NULL",
	    event_get_callback_arg(ev) == &marker ? "marker" :
		event_get_callback_arg(ev) == ev ? "self" :
		event_get_callback_arg(ev) ? "other" : "NULL",
	    event_get_priority(ev), event_initialized(ev));
	if (b != event_get_base(ev) || fd != event_get_fd(ev) ||
	    events != event_get_events(ev) || fn != event_get_callback(ev) ||
	    arg != event_get_callback_arg(ev))
		printf("  event_get_assignment DISAGREES\n");
}

static void show_pending(const char *name, struct event *ev)
{
	static const short masks[] = { 0, EV_TIMEOUT, EV_READ, EV_WRITE, EV_SIGNAL,
		EV_CLOSED, EV_READ|EV_WRITE|EV_TIMEOUT|EV_CLOSED|EV_SIGNAL,
		EV_PERSIST|EV_ET|EV_READ, (short)0xffff };
	size_t i;
	printf("%s pending:", name);
	for (i = 0; i < sizeof(masks) / sizeof(masks[0]); i++)
		printf(" [%s]=%s", t_evs(masks[i]), t_evs(event_pending(ev, masks[i], NULL)));
	printf("\n");
}

int main(void)
{
	struct event *ev;
	struct event sev;
	int sp[2];
	struct timeval tv, now, got;
	int r;

	t_init();
	event_set_log_callback(t_log_cb);
	t_socketpair(sp, 100);
	base = event_base_new();
	base2 = event_base_new();

	printf("== event_new ==\n");
	ev = event_new(base, sp[0], EV_READ|EV_PERSIST, cb, &marker);
	show("new read|persist", ev, sp[0]);
	show_pending("fresh", ev);
	printf("flags=%s\n", t_evlist(T_FLAGS(ev)));
	event_free(ev);

	ev = event_new(base, -1, 0, NULL, NULL);
	show("new -1 0 NULL NULL", ev, -1);
	event_free(ev);

	ev = event_new(base, SIGUSR1, EV_SIGNAL|EV_PERSIST, cb, event_self_cbarg());
	show("new signal with self_cbarg", ev, SIGUSR1);
	printf("event_get_signal=%s\n", event_get_signal(ev) == SIGUSR1 ? "SIGUSR1" : "WRONG");
	event_free(ev);

	printf("event_new(EV_SIGNAL|EV_READ) -> %s\n",
	    event_new(base, SIGUSR1, EV_SIGNAL|EV_READ, cb, NULL) ? "event" : "NULL");
	printf("event_new(EV_SIGNAL|EV_CLOSED) -> %s\n",
	    event_new(base, SIGUSR1, EV_SIGNAL|EV_CLOSED, cb, NULL) ? "event" : "NULL");
	ev = event_new(base, sp[0], EV_READ|EV_WRITE|EV_CLOSED|EV_ET|EV_PERSIST|EV_TIMEOUT|EV_FINALIZE, cb, NULL);
	show("new all io flags", ev, sp[0]);
	event_free(ev);

	printf("== event_assign on a stack event ==\n");
	memset(&sev, 0xa5, sizeof(sev));
	r = event_assign(&sev, base, sp[1], EV_WRITE, cb2, &marker);
	printf("assign -> %d\n", r);
	show("assigned", &sev, sp[1]);
	printf("flags=%s res=%d\n", t_evlist(T_FLAGS(&sev)), sev.ev_res);
	r = event_assign(&sev, base, SIGUSR2, EV_SIGNAL|EV_WRITE, cb2, &marker);
	printf("assign(EV_SIGNAL|EV_WRITE) -> %d\n", r);
	r = event_assign(&sev, base2, -1, 0, cb, event_self_cbarg());
	printf("assign timer on base2 with self_cbarg -> %d\n", r);
	show("reassigned", &sev, -1);

	printf("== priorities ==\n");
	event_base_priority_init(base, 5);
	printf("npriorities=%d\n", event_base_get_npriorities(base));
	ev = event_new(base, -1, 0, cb, NULL);
	printf("default priority with 5 queues: %d\n", event_get_priority(ev));
	r = event_priority_set(ev, 4); printf("priority_set(4) -> %d now %d\n", r, event_get_priority(ev));
	r = event_priority_set(ev, 5); printf("priority_set(5) -> %d now %d\n", r, event_get_priority(ev));
	r = event_priority_set(ev, -1); printf("priority_set(-1) -> %d now %d\n", r, event_get_priority(ev));
	r = event_priority_set(ev, 0); printf("priority_set(0) -> %d now %d\n", r, event_get_priority(ev));
	event_active(ev, EV_TIMEOUT, 1);
	r = event_priority_set(ev, 2); printf("priority_set(2) while active -> %d now %d\n", r, event_get_priority(ev));
	event_del(ev);
	r = event_priority_set(ev, 2); printf("priority_set(2) after del -> %d now %d\n", r, event_get_priority(ev));
	event_free(ev);
	ev = event_new(base, -1, 0, cb, NULL);
	{ struct timeval ten = t_tv(10, 0); evtimer_add(ev, &ten); }
	r = event_priority_set(ev, 1); printf("priority_set(1) while pending timer -> %d now %d\n", r, event_get_priority(ev));
	event_free(ev);

	printf("== event_base_set ==\n");
	event_set(&sev, sp[0], EV_READ, cb, &marker);
	printf("after event_set (no current base): base=%s pri=%d\n",
	    event_get_base(&sev) ? "set" : "NULL", event_get_priority(&sev));
	printf("event_base_set(base) -> %d\n", event_base_set(base, &sev));
	printf("after base_set: base=%s pri=%d\n",
	    event_get_base(&sev) == base ? "base" : "other", event_get_priority(&sev));
	r = event_base_set(base2, &sev);
	printf("event_base_set(base2) -> %d pri=%d\n", r, event_get_priority(&sev));
	printf("add -> %d\n", event_add(&sev, NULL));
	r = event_base_set(base, &sev);
	printf("event_base_set while added -> %d base=%s\n", r,
	    event_get_base(&sev) == base2 ? "base2" : "other");
	event_del(&sev);
	r = event_base_set(base, &sev);
	printf("event_base_set after del -> %d base=%s\n", r,
	    event_get_base(&sev) == base ? "base" : "other");
	event_active(&sev, EV_READ, 1);
	printf("event_base_set while active -> %d\n", event_base_set(base2, &sev));
	event_del(&sev);

	printf("== event_pending ==\n");
	ev = event_new(base, sp[0], EV_READ|EV_WRITE|EV_PERSIST, cb, NULL);
	show_pending("not added", ev);
	event_add(ev, NULL);
	show_pending("added no tv", ev);
	tv = t_tv(5, 0);
	gettimeofday(&now, NULL);
	event_add(ev, &tv);
	show_pending("added tv=5s", ev);
	memset(&got, 0, sizeof(got));
	r = event_pending(ev, EV_TIMEOUT, &got);
	{
		long d = (got.tv_sec - now.tv_sec) * 1000 + (got.tv_usec - now.tv_usec) / 1000;
		printf("pending(EV_TIMEOUT,&tv) -> %s, tv - now is %s\n", t_evs(r),
		    d >= 4500 && d <= 5500 ? "about 5s" : "WRONG");
	}
	got = t_tv(123, 456);
	r = event_pending(ev, EV_READ, &got);
	printf("pending(EV_READ,&tv) -> %s, tv %s\n", t_evs(r),
	    got.tv_sec == 123 && got.tv_usec == 456 ? "untouched" : "written");
	event_active(ev, EV_WRITE, 1);
	show_pending("added+active(WRITE)", ev);
	event_active(ev, EV_CLOSED|EV_TIMEOUT, 1);
	show_pending("active(WRITE)+active(CLOSED|TIMEOUT)", ev);
	event_del(ev);
	show_pending("deleted", ev);
	event_active(ev, EV_READ, 1);
	show_pending("active only", ev);
	event_del(ev);
	event_free(ev);
	ev = evtimer_new(base, cb, NULL);
	evtimer_add(ev, &tv);
	printf("evtimer_pending -> %d\n", evtimer_pending(ev, NULL));
	printf("evuser_pending -> %d\n", evuser_pending(ev, NULL));
	evtimer_del(ev);
	printf("evtimer_pending after del -> %d\n", evtimer_pending(ev, NULL));
	event_free(ev);
	ev = evsignal_new(base, SIGUSR2, cb, NULL);
	evsignal_add(ev, NULL);
	printf("evsignal_pending -> %d\n", evsignal_pending(ev, NULL));
	show_pending("signal", ev);
	evsignal_del(ev);
	printf("evsignal_pending after del -> %d\n", evsignal_pending(ev, NULL));
	event_free(ev);

	printf("== evuser ==\n");
	ev = evuser_new(base, cb, NULL);
	evuser_trigger(ev);
	show_pending("user triggered", ev);
	printf("flags=%s res=%d\n", t_evlist(T_FLAGS(ev)), ev->ev_res);
	evuser_del(ev);
	printf("flags=%s\n", t_evlist(T_FLAGS(ev)));
	event_free(ev);

	printf("== event_debug_unassign / event_initialized ==\n");
	event_assign(&sev, base, -1, 0, cb, NULL);
	printf("initialized=%d\n", event_initialized(&sev));
	event_debug_unassign(&sev);
	printf("after debug_unassign initialized=%d flags=%s\n", event_initialized(&sev),
	    t_evlist(T_FLAGS(&sev)));

	event_base_free(base);
	event_base_free(base2);
	t_close_pair(sp);
	return 0;
}
