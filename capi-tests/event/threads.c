/* threads: the event API across threads after evthread_use_pthreads() --
 * event_active, event_add of an earlier timer, event_base_loopbreak and
 * event_base_loopexit from another thread wake a loop blocked in
 * dispatch; event_del_block waits for a running callback to finish,
 * event_del_noblock does not, event_del waits unless the event has
 * EV_FINALIZE; event_base_get_running_event from another thread is NULL.
 * Only the main thread prints, after joining.
 *
 * capi-requires: evthread_use_pthreads
 */
#include "common.h"
#include <event2/thread.h>
#include <pthread.h>

static struct event_base *base;
static int ready_pipe[2];

static void wait_ready(void)
{
	char c;
	while (read(ready_pipe[0], &c, 1) < 0 && errno == EINTR)
		;
}
static void signal_ready(void)
{
	if (write(ready_pipe[1], "r", 1) != 1)
		exit(99);
}

/* --- waking a blocked loop ---------------------------------------------- */
static struct event *target, *keepalive, *early;
static const char *wake_kind;
static void *waker(void *arg)
{
	struct timeval tv = t_tv(0, 10 * 1000);
	wait_ready();		/* the loop is running */
	usleep(50 * 1000);	/* and most likely blocked in the backend */
	if (!strcmp(wake_kind, "active"))
		event_active(target, EV_READ, 1);
	else if (!strcmp(wake_kind, "loopbreak"))
		event_base_loopbreak(base);
	else if (!strcmp(wake_kind, "loopexit"))
		event_base_loopexit(base, NULL);
	else if (!strcmp(wake_kind, "add-timer"))
		evtimer_add(early, &tv);
	return NULL;
}
static void target_cb(evutil_socket_t fd, short what, void *arg)
{
	printf("  %s ran in the loop thread what=%s\n", (const char *)arg, t_evs(what));
	event_base_loopbreak(base);
}
static void in_loop_cb(evutil_socket_t fd, short what, void *arg)
{
	signal_ready();
}
static void keepalive_cb(evutil_socket_t fd, short what, void *arg)
{
	printf("  keepalive fired (should not)\n");
}

static void wake(const char *kind)
{
	pthread_t th;
	long long t0;
	int r;
	struct timeval ten = t_tv(10, 0);
	wake_kind = kind;
	evtimer_add(keepalive, &ten);
	event_base_once(base, -1, EV_TIMEOUT, in_loop_cb, NULL, NULL);
	pthread_create(&th, NULL, waker, NULL);
	t0 = t_now_ms();
	r = event_base_dispatch(base);
	pthread_join(th, NULL);
	printf("%s from another thread: dispatch -> %d woke early: %s got_break=%d got_exit=%d\n",
	    kind, r, t_now_ms() - t0 < 5000 ? "yes" : "NO", event_base_got_break(base),
	    event_base_got_exit(base));
	event_del(keepalive);
}

/* --- deleting a running event from another thread ------------------------ */
static volatile int cb_finished;
static struct event *slow;
static const char *del_kind;
static int del_rc, del_after_finish;
static struct event *running_seen_by_other;
static void *deleter(void *arg)
{
	wait_ready();
	running_seen_by_other = event_base_get_running_event(base);
	if (!strcmp(del_kind, "event_del_block"))
		del_rc = event_del_block(slow);
	else if (!strcmp(del_kind, "event_del_noblock"))
		del_rc = event_del_noblock(slow);
	else
		del_rc = event_del(slow);
	del_after_finish = cb_finished;
	return NULL;
}
static void slow_cb(evutil_socket_t fd, short what, void *arg)
{
	cb_finished = 0;
	signal_ready();
	usleep(300 * 1000);
	cb_finished = 1;
}

static void del_running(const char *kind, short extra)
{
	pthread_t th;
	int r;
	del_kind = kind;
	slow = event_new(base, -1, EV_PERSIST | extra, slow_cb, NULL);
	event_active(slow, EV_READ, 1);
	pthread_create(&th, NULL, deleter, NULL);
	r = event_base_loop(base, EVLOOP_ONCE);
	pthread_join(th, NULL);
	printf("%s%s on the running event: -> %d, returned after the callback finished: %s;"
	    " running event seen from the other thread: %s; loop -> %d\n", kind,
	    extra ? " (EV_FINALIZE event)" : "", del_rc, del_after_finish ? "yes" : "no",
	    running_seen_by_other ? "non-NULL" : "NULL", r);
	event_free(slow);
}

int main(void)
{
	int r;

	t_init();
	event_set_log_callback(t_log_cb);
	if (pipe(ready_pipe) < 0)
		return 99;
	r = evthread_use_pthreads();
	printf("evthread_use_pthreads -> %d\n", r);
	base = event_base_new();
	target = event_new(base, -1, 0, target_cb, "activated event");
	early = evtimer_new(base, target_cb, "early timer");
	keepalive = evtimer_new(base, keepalive_cb, NULL);

	printf("== waking a loop blocked in dispatch ==\n");
	wake("active");
	wake("loopbreak");
	wake("loopexit");
	wake("add-timer");

	printf("== deleting an event whose callback runs in the loop thread ==\n");
	del_running("event_del_block", 0);
	del_running("event_del_noblock", 0);
	del_running("event_del", 0);
	del_running("event_del", EV_FINALIZE);

	event_free(target);
	event_free(early);
	event_free(keepalive);
	event_base_free(base);
	return 0;
}
