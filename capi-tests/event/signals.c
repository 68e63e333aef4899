/* signals: EV_SIGNAL|EV_PERSIST with raise() and kill(getpid()), several
 * deliveries before the loop runs (one callback per delivery), one-shot
 * signal events, several events per signal (order), deleting the last
 * event restores the previous disposition (custom handler, SIG_IGN,
 * SIG_DFL; checked with sigaction), a signal raised inside its own
 * callback, signals that cannot be caught (SIGKILL) or are out of range,
 * a second base adding a signal (warning), signal events counted. */
#include "common.h"

static struct event_base *base;
static int custom_hits;
static void custom_handler(int sig) { custom_hits++; }

static void show_disposition(const char *when, int sig)
{
	struct sigaction sa;
	sigaction(sig, NULL, &sa);
	printf("%s: handler=%s\n", when,
	    sa.sa_handler == SIG_DFL ? "SIG_DFL" : sa.sa_handler == SIG_IGN ? "SIG_IGN" :
	    sa.sa_handler == custom_handler ? "custom" : "other (libevent's)");
}

static int calls;
static void sig_cb(evutil_socket_t fd, short what, void *arg)
{
	calls++;
	printf("  %s: fd=%s what=%s\n", (const char *)arg,
	    fd == SIGUSR1 ? "SIGUSR1" : fd == SIGUSR2 ? "SIGUSR2" : "?", t_evs(what));
}

static int self_raise_count;
static void self_raise_cb(evutil_socket_t fd, short what, void *arg)
{
	struct event *ev = arg;
	self_raise_count++;
	printf("  self-raise #%d\n", self_raise_count);
	if (self_raise_count < 3)
		raise(SIGUSR2);
	else
		event_del(ev);
}

int main(void)
{
	struct event *s1, *s2, *s3, *e;
	struct event_base *base2;
	struct sigaction sa;
	int r;

	t_init();
	event_set_log_callback(t_log_cb);
	base = event_base_new();

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = custom_handler;
	sigaction(SIGUSR1, &sa, NULL);
	show_disposition("SIGUSR1 before", SIGUSR1);

	printf("== persistent signal event ==\n");
	s1 = evsignal_new(base, SIGUSR1, sig_cb, "s1");	/* EV_SIGNAL|EV_PERSIST */
	printf("evsignal_new events=%s\n", t_evs(event_get_events(s1)));
	r = event_add(s1, NULL);
	printf("add -> %d\n", r);
	show_disposition("SIGUSR1 while added", SIGUSR1);
	printf("num_events(ADDED)=%d\n", event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED));
	raise(SIGUSR1);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("raise once: loop(ONCE) -> %d calls=%d custom_hits=%d\n", r, calls, custom_hits);
	calls = 0;
	raise(SIGUSR1);
	raise(SIGUSR1);
	kill(getpid(), SIGUSR1);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("3 deliveries: loop(ONCE) -> %d calls=%d\n", r, calls);
	calls = 0;
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("nothing pending: loop(NONBLOCK) -> %d calls=%d\n", r, calls);

	printf("== several events on one signal ==\n");
	s2 = evsignal_new(base, SIGUSR1, sig_cb, "s2");
	s3 = event_new(base, SIGUSR1, EV_SIGNAL, sig_cb, "s3 (one-shot)");
	event_add(s2, NULL);
	event_add(s3, NULL);
	calls = 0;
	raise(SIGUSR1);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE) -> %d calls=%d s3 pending=%d\n", r, calls, evsignal_pending(s3, NULL));
	event_add(s3, NULL);
	calls = 0;
	raise(SIGUSR1);
	raise(SIGUSR1);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("two deliveries: loop(ONCE) -> %d calls=%d s3 pending=%d\n", r, calls,
	    evsignal_pending(s3, NULL));

	printf("== deleting restores the previous handler ==\n");
	event_del(s1);
	show_disposition("after deleting s1 (s2 left)", SIGUSR1);
	event_del(s2);
	show_disposition("after deleting s2 (last)", SIGUSR1);
	custom_hits = 0;
	raise(SIGUSR1);
	printf("custom handler runs again: %d\n", custom_hits);
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK) -> %d calls unchanged\n", r);

	signal(SIGUSR2, SIG_IGN);
	e = evsignal_new(base, SIGUSR2, sig_cb, "usr2");
	event_add(e, NULL);
	show_disposition("SIGUSR2 (was SIG_IGN) while added", SIGUSR2);
	calls = 0;
	kill(getpid(), SIGUSR2);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("SIG_IGN'd signal still delivered to the event: loop -> %d calls=%d\n", r, calls);
	event_free(e);
	show_disposition("SIGUSR2 after event_free", SIGUSR2);
	signal(SIGUSR2, SIG_DFL);
	e = evsignal_new(base, SIGUSR2, sig_cb, "usr2");
	event_add(e, NULL);
	event_del(e);
	show_disposition("SIGUSR2 (was SIG_DFL) after del", SIGUSR2);
	event_add(e, NULL);
	event_add(e, NULL);	/* adding twice does not stack handlers */
	event_del(e);
	show_disposition("SIGUSR2 after add, add, del", SIGUSR2);
	event_free(e);

	printf("== signal raised inside its own callback ==\n");
	e = event_new(base, SIGUSR2, EV_SIGNAL|EV_PERSIST, self_raise_cb, event_self_cbarg());
	event_add(e, NULL);
	raise(SIGUSR2);
	r = event_base_dispatch(base);
	printf("dispatch -> %d count=%d\n", r, self_raise_count);
	event_free(e);

	printf("== signals that cannot be used ==\n");
	e = evsignal_new(base, SIGKILL, sig_cb, "kill");
	r = event_add(e, NULL);
	printf("add(SIGKILL) -> %d pending=%d\n", r, evsignal_pending(e, NULL));
	event_free(e);
	e = evsignal_new(base, 1000, sig_cb, "1000");
	r = event_add(e, NULL);
	printf("add(signal 1000) -> %d\n", r);
	event_free(e);
	e = evsignal_new(base, -1, sig_cb, "-1");
	r = event_add(e, NULL);
	printf("add(signal -1) -> %d\n", r);
	event_free(e);
	printf("num_events(ADDED)=%d\n", event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED));

	printf("== a second base adds a signal ==\n");
	base2 = event_base_new();
	s2 = evsignal_new(base, SIGUSR1, sig_cb, "base1-usr1");
	e = evsignal_new(base2, SIGUSR2, sig_cb, "base2-usr2");
	event_add(s2, NULL);
	r = event_add(e, NULL);
	printf("add on base2 -> %d\n", r);
	calls = 0;
	raise(SIGUSR2);
	r = event_base_loop(base2, EVLOOP_ONCE);
	printf("base2 loop(ONCE) -> %d calls=%d\n", r, calls);
	/* Free both events before base2: libevent's global signal bookkeeping
	 * goes negative when an event of a base that lost the "signal base"
	 * role is deleted after the other base was freed, and then warns with
	 * "event_base (nil)" on the next add; not worth imitating. */
	event_free(e);
	event_free(s2);
	event_base_free(base2);

	printf("== event_base_free with a signal event added restores the handler ==\n");
	sigaction(SIGUSR1, &sa, NULL);
	s2 = evsignal_new(base, SIGUSR1, sig_cb, "left-added");
	event_add(s2, NULL);
	show_disposition("SIGUSR1 while added", SIGUSR1);
	event_base_free(base);
	show_disposition("SIGUSR1 after event_base_free", SIGUSR1);
	printf("s2 flags after base free=%s\n", t_evlist(T_FLAGS(s2)));
	/* the base is gone: release the events' memory directly (event_new
	 * memory comes from malloc) */
	free(s2);
	free(s3);
	free(s1);
	return 0;
}
