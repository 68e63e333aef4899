/* reinit_fork: event_reinit on an idle base and on one with I/O, timer
 * and signal events pending (they stay pending and keep working), and
 * after fork(): the child re-initialises its base and its I/O and signal
 * events fire there; the parent's base is unaffected. */
#include "common.h"

static struct event_base *base;
static const char *who = "parent";

static void rd_cb(evutil_socket_t fd, short what, void *arg)
{
	printf("  [%s] read cb what=%s got=%d\n", who, t_evs(what), t_drain(fd));
}
static void sig_cb(evutil_socket_t fd, short what, void *arg)
{
	printf("  [%s] signal cb what=%s\n", who, t_evs(what));
}
static void tm_cb(evutil_socket_t fd, short what, void *arg)
{
	printf("  [%s] timer cb what=%s\n", who, t_evs(what));
}

int main(void)
{
	struct event *rd, *sig, *tm;
	struct timeval tv;
	int sp[2], r, st;
	pid_t pid;

	t_init();
	event_set_log_callback(t_log_cb);
	base = event_base_new();
	t_socketpair(sp, 100);

	printf("== idle base ==\n");
	printf("event_reinit -> %d\n", event_reinit(base));

	printf("== with events ==\n");
	rd = event_new(base, sp[0], EV_READ|EV_PERSIST, rd_cb, NULL);
	sig = evsignal_new(base, SIGUSR1, sig_cb, NULL);
	tm = evtimer_new(base, tm_cb, NULL);
	event_add(rd, NULL);
	event_add(sig, NULL);
	tv = t_tv(10, 0);
	event_add(tm, &tv);
	r = event_reinit(base);
	printf("event_reinit -> %d pending rd=%s sig=%s tm=%s\n", r,
	    t_evs(event_pending(rd, EV_READ, NULL)), t_evs(event_pending(sig, EV_SIGNAL, NULL)),
	    t_evs(event_pending(tm, EV_TIMEOUT, NULL)));
	printf("added=%d\n", event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED));
	t_write(sp[1], "abc");
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE) -> %d\n", r);
	raise(SIGUSR1);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE) -> %d\n", r);
	tv = t_tv(0, 20 * 1000);
	event_add(tm, &tv);	/* reschedule the pending timer */
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE) (timer) -> %d\n", r);

	printf("== fork ==\n");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		who = "child";
		r = event_reinit(base);
		printf("  [child] event_reinit -> %d\n", r);
		t_write(sp[1], "child");
		r = event_base_loop(base, EVLOOP_ONCE);
		printf("  [child] loop(ONCE) -> %d\n", r);
		raise(SIGUSR1);
		r = event_base_loop(base, EVLOOP_ONCE);
		printf("  [child] loop(ONCE) -> %d\n", r);
		event_free(rd);
		event_free(sig);
		event_free(tm);
		event_base_free(base);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	printf("child exited: %d status %d\n", WIFEXITED(st), WEXITSTATUS(st));
	t_write(sp[1], "parent");
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE) -> %d\n", r);
	raise(SIGUSR1);
	r = event_base_loop(base, EVLOOP_ONCE);
	printf("loop(ONCE) -> %d\n", r);
	event_free(rd);
	event_free(sig);
	event_free(tm);
	event_base_free(base);
	t_close_pair(sp);
	return 0;
}
