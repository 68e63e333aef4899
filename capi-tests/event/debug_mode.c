/* debug_mode: event_enable_debug_mode catching misuse (adding or reading
 * a never-assigned / unassigned event, re-assigning an added event,
 * event_debug_unassign on an added event, enabling twice, enabling after
 * a base exists, mixing EV_ET and level-triggered events on one fd),
 * event_set_fatal_callback (the callback gets the error code; if it
 * returns, the process exits with that code; without one, EVENT_ERR_ABORT_
 * errors abort()), and normal use staying silent in debug mode.  Each
 * scenario runs in a forked child; the parent prints how it ended.
 *
 * NOT TESTED: in debug mode libevent asserts that non-signal fds are
 * non-blocking (event_assign on a blocking socket); the message carries
 * libevent's source file and line. */
#include "common.h"

static void fatal_exit0(int err)
{
	printf("  fatal callback: errcode=0x%x\n", (unsigned)err);
	fflush(stdout);
	_exit(0);
}

static void fatal_returns(int err)
{
	printf("  fatal callback (returns): errcode=0x%x\n", (unsigned)err);
	fflush(stdout);
}

static void cb(evutil_socket_t fd, short what, void *arg) { }

static int sp[2];

static void sc_uninitialized_add(void)
{
	struct event_base *base;
	struct event ev;
	event_enable_debug_mode();
	base = event_base_new();
	memset(&ev, 0, sizeof ev);
	ev.ev_base = base;
	event_add(&ev, NULL);
}

static void sc_unassigned_get_fd(void)
{
	struct event_base *base;
	struct event ev;
	event_enable_debug_mode();
	base = event_base_new();
	event_assign(&ev, base, -1, 0, cb, NULL);
	event_debug_unassign(&ev);
	printf("  initialized after unassign: %d\n", event_initialized(&ev));
	printf("  fd=%d\n", (int)event_get_fd(&ev));
}

static void sc_unassigned_pending(void)
{
	struct event_base *base;
	struct event ev;
	event_enable_debug_mode();
	base = event_base_new();
	event_assign(&ev, base, -1, 0, cb, NULL);
	event_debug_unassign(&ev);
	ev.ev_base = base;
	event_pending(&ev, EV_TIMEOUT, NULL);
}

static void sc_reassign_added(void)
{
	struct event_base *base;
	struct event ev;
	event_enable_debug_mode();
	base = event_base_new();
	event_assign(&ev, base, sp[0], EV_READ, cb, NULL);
	event_add(&ev, NULL);
	event_assign(&ev, base, sp[0], EV_WRITE, cb, NULL);
}

static void sc_unassign_added(void)
{
	struct event_base *base;
	struct event ev;
	struct timeval tv = t_tv(5, 0);
	event_enable_debug_mode();
	base = event_base_new();
	evtimer_assign(&ev, base, cb, NULL);
	evtimer_add(&ev, &tv);
	event_debug_unassign(&ev);
}

static void sc_twice(void)
{
	event_enable_debug_mode();
	event_enable_debug_mode();
}

static void sc_too_late(void)
{
	struct event_base *base = event_base_new();
	(void)base;
	event_enable_debug_mode();
}

static void sc_mix_et(void)
{
	struct event_base *base;
	struct event *a, *b;
	int r;
	event_enable_debug_mode();
	base = event_base_new();
	a = event_new(base, sp[0], EV_READ|EV_ET, cb, NULL);
	b = event_new(base, sp[0], EV_WRITE, cb, NULL);
	r = event_add(a, NULL);
	printf("  add ET -> %d\n", r);
	r = event_add(b, NULL);
	printf("  add level-triggered on the same fd -> %d\n", r);
	event_free(a);
	event_free(b);
	event_base_free(base);
}

static void sc_normal_use(void)
{
	struct event_base *base;
	struct event *e, ev;
	struct timeval tv = t_tv(0, 0);
	int r;
	event_enable_debug_mode();
	base = event_base_new();
	e = event_new(base, sp[0], EV_WRITE, cb, NULL);
	event_add(e, NULL);
	event_del(e);
	event_add(e, &tv);
	r = event_base_dispatch(base);
	printf("  dispatch -> %d\n", r);
	event_free(e);
	evtimer_assign(&ev, base, cb, NULL);
	evtimer_add(&ev, &tv);
	event_del(&ev);
	event_debug_unassign(&ev);
	evtimer_assign(&ev, base, cb, NULL);	/* re-assign after unassign is fine */
	event_base_once(base, -1, EV_TIMEOUT, cb, NULL, NULL);
	r = event_base_dispatch(base);
	printf("  dispatch -> %d\n", r);
	event_base_free(base);
	libevent_global_shutdown();
}

static void run(const char *name, void (*fn)(void), void (*fatal)(int))
{
	pid_t pid;
	int st;
	printf("== %s%s ==\n", name, fatal == fatal_exit0 ? "" :
	    fatal == fatal_returns ? " (fatal callback returns)" : " (no fatal callback)");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		event_set_log_callback(t_log_cb);
		event_set_fatal_callback(fatal);
		fn();
		printf("  returned normally\n");
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	if (WIFEXITED(st))
		printf("child exited with %d\n", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("child killed by signal %s\n", WTERMSIG(st) == SIGABRT ? "SIGABRT" : "other");
}

int main(void)
{
	t_init();
	t_socketpair(sp, 100);
	/* no core files from the abort() cases */
	signal(SIGABRT, SIG_DFL);
	run("add on a never-assigned event", sc_uninitialized_add, fatal_exit0);
	run("event_get_fd after event_debug_unassign", sc_unassigned_get_fd, fatal_exit0);
	run("event_pending after event_debug_unassign", sc_unassigned_pending, fatal_exit0);
	run("event_assign on an added event", sc_reassign_added, fatal_exit0);
	run("event_debug_unassign on an added event", sc_unassign_added, fatal_exit0);
	run("event_enable_debug_mode twice", sc_twice, fatal_exit0);
	run("event_enable_debug_mode after event_base_new", sc_too_late, fatal_exit0);
	run("mixing EV_ET and level-triggered on one fd", sc_mix_et, fatal_exit0);
	run("normal use", sc_normal_use, fatal_exit0);
	run("event_enable_debug_mode twice", sc_twice, NULL);
	run("add on a never-assigned event", sc_uninitialized_add, fatal_returns);
	run("event_enable_debug_mode twice", sc_twice, fatal_returns);
	run("add on a never-assigned event", sc_uninitialized_add, NULL);
	t_close_pair(sp);
	return 0;
}
