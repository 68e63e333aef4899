/* io_events: one-shot and persistent EV_READ/EV_WRITE over socketpairs and
 * pipes, EV_READ|EV_WRITE together, several events on one fd (callback
 * order), I/O events with timeouts (persistent ones re-armed), re-adding a
 * pending event, fd -1, EOF on a pipe, many fds at once (order across fds
 * is not deterministic on poll/select, so only counts are printed). */
#include "common.h"

static struct event_base *base;
static int calls;

static void oneshot_cb(evutil_socket_t fd, short what, void *arg)
{
	struct event *ev = arg;
	calls++;
	printf("  %s: what=%s pending=%s flags=%s read=%d\n", "oneshot", t_evs(what),
	    t_evs(event_pending(ev, EV_READ|EV_WRITE|EV_TIMEOUT, NULL)),
	    t_evlist(T_FLAGS(ev)), (what & EV_READ) ? t_drain(fd) : -1);
}

static int persist_left;
static void persist_cb(evutil_socket_t fd, short what, void *arg)
{
	struct event *ev = arg;
	char buf[16];
	ssize_t n = (what & EV_READ) ? read(fd, buf, sizeof(buf)) : -1;
	printf("  persist: what=%s n=%d pending=%s flags=%s\n", t_evs(what), (int)n,
	    t_evs(event_pending(ev, EV_READ|EV_WRITE|EV_TIMEOUT, NULL)),
	    t_evlist(T_FLAGS(ev)));
	if (--persist_left == 0) {
		printf("  persist: deleting -> %d\n", event_del(ev));
	}
}

static void named_cb(evutil_socket_t fd, short what, void *arg)
{
	printf("  %s what=%s\n", (const char *)arg, t_evs(what));
}

static int multi_seen[8];
static void multi_cb(evutil_socket_t fd, short what, void *arg)
{
	int i = (int)(long)arg;
	multi_seen[i] += 1;
	t_drain(fd);
}

static int to_count;
static int to_writer_fd;
static long long to_last_ms;
static void timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct event *ev = arg;
	long long now = t_now_ms();
	to_count++;
	printf("  io+timeout #%d what=%s", to_count, t_evs(what));
	if (what & EV_READ)
		printf(" read=%d", t_drain(fd));
	if (to_count == 4)
		printf(" (>=80ms after the read: %s)", now - to_last_ms >= 80 ? "yes" : "NO");
	printf(" pending=%s\n", t_evs(event_pending(ev, EV_READ|EV_TIMEOUT, NULL)));
	to_last_ms = now;
	if (to_count == 2)
		t_write(to_writer_fd, "late");
	if (to_count == 4)
		event_del(ev);
}

int main(void)
{
	int sp[2], pp[2];
	struct event *ev, *r1, *r2, *w1, *rw;
	struct timeval tv;
	int r, i;

	t_init();
	event_set_log_callback(t_log_cb);
	base = event_base_new();
	t_socketpair(sp, 100);

	printf("== one-shot read ==\n");
	ev = event_new(base, sp[0], EV_READ, oneshot_cb, event_self_cbarg());
	printf("add -> %d\n", event_add(ev, NULL));
	t_write(sp[1], "hello");
	r = event_base_dispatch(base);
	printf("dispatch -> %d calls=%d flags=%s\n", r, calls, t_evlist(T_FLAGS(ev)));
	printf("dispatch again (nothing added) -> %d\n", event_base_dispatch(base));

	printf("== one-shot write ==\n");
	event_assign(ev, base, sp[0], EV_WRITE, oneshot_cb, ev);
	event_add(ev, NULL);
	r = event_base_dispatch(base);
	printf("dispatch -> %d calls=%d\n", r, calls);

	printf("== read|write together ==\n");
	event_assign(ev, base, sp[0], EV_READ|EV_WRITE, oneshot_cb, ev);
	event_add(ev, NULL);
	t_write(sp[1], "x");
	r = event_base_dispatch(base);
	printf("dispatch -> %d calls=%d\n", r, calls);
	event_free(ev);

	printf("== persistent read, deleted on 3rd ==\n");
	ev = event_new(base, sp[0], EV_READ|EV_PERSIST, persist_cb, event_self_cbarg());
	event_add(ev, NULL);
	persist_left = 3;
	for (i = 0; i < 3; i++) {
		t_write(sp[1], "abc");
		r = event_base_loop(base, EVLOOP_ONCE);
		printf("loop(ONCE) -> %d\n", r);
	}
	printf("flags after=%s\n", t_evlist(T_FLAGS(ev)));
	event_free(ev);

	printf("== several events on one fd (order) ==\n");
	r1 = event_new(base, sp[0], EV_READ, named_cb, "r1 read");
	r2 = event_new(base, sp[0], EV_READ|EV_PERSIST, named_cb, "r2 read|persist");
	w1 = event_new(base, sp[0], EV_WRITE, named_cb, "w1 write");
	rw = event_new(base, sp[0], EV_READ|EV_WRITE, named_cb, "rw read|write");
	event_add(r1, NULL);
	event_add(r2, NULL);
	event_add(w1, NULL);
	event_add(rw, NULL);
	t_write(sp[1], "z");
	printf("loop(ONCE) -> %d\n", event_base_loop(base, EVLOOP_ONCE));
	printf("r1 pending=%s r2 pending=%s w1 pending=%s rw pending=%s\n",
	    t_evs(event_pending(r1, EV_READ|EV_WRITE, NULL)),
	    t_evs(event_pending(r2, EV_READ|EV_WRITE, NULL)),
	    t_evs(event_pending(w1, EV_READ|EV_WRITE, NULL)),
	    t_evs(event_pending(rw, EV_READ|EV_WRITE, NULL)));
	printf("re-add r1, w1 (order now r2, w1, r1?):\n");
	event_add(w1, NULL);
	event_add(r1, NULL);
	printf("loop(ONCE) -> %d\n", event_base_loop(base, EVLOOP_ONCE));
	t_drain(sp[0]);
	printf("nothing readable, loop(NONBLOCK) -> %d\n", event_base_loop(base, EVLOOP_NONBLOCK));
	event_del(r2);
	printf("all deleted, loop(NONBLOCK) -> %d\n", event_base_loop(base, EVLOOP_NONBLOCK));
	event_free(r1); event_free(r2); event_free(w1); event_free(rw);

	printf("== pipe EOF ==\n");
	t_pipe(pp, 110);
	ev = event_new(base, pp[0], EV_READ|EV_PERSIST, persist_cb, event_self_cbarg());
	event_add(ev, NULL);
	persist_left = 2;
	t_write(pp[1], "data");
	printf("loop(ONCE) -> %d\n", event_base_loop(base, EVLOOP_ONCE));
	close(pp[1]);
	printf("writer closed, dispatch -> %d\n", event_base_dispatch(base));
	event_free(ev);
	close(pp[0]);

	printf("== write end of a pipe ==\n");
	t_pipe(pp, 110);
	ev = event_new(base, pp[1], EV_WRITE, named_cb, "pipe write");
	event_add(ev, NULL);
	printf("dispatch -> %d\n", event_base_dispatch(base));
	event_free(ev);
	t_close_pair(pp);

	printf("== io with timeout (persistent) ==\n");
	/* #1, #2 time out (#2 writes data), #3 reads, #4 times out 100ms later */
	ev = event_new(base, sp[0], EV_READ|EV_PERSIST, timeout_cb, event_self_cbarg());
	tv = t_tv(0, 100 * 1000);
	to_writer_fd = sp[1];
	event_add(ev, &tv);
	r = event_base_dispatch(base);
	printf("dispatch -> %d count=%d\n", r, to_count);
	event_free(ev);

	printf("== one-shot io with timeout: data first ==\n");
	ev = event_new(base, sp[0], EV_READ, oneshot_cb, event_self_cbarg());
	tv = t_tv(5, 0);
	event_add(ev, &tv);
	t_write(sp[1], "q");
	r = event_base_dispatch(base);
	printf("dispatch -> %d pending=%s\n", r, t_evs(event_pending(ev, EV_READ|EV_TIMEOUT, NULL)));

	printf("== re-add a pending event changes its timeout ==\n");
	tv = t_tv(10, 0);
	event_add(ev, &tv);
	tv = t_tv(0, 30 * 1000);
	event_add(ev, &tv);
	{
		long long t0 = t_now_ms();
		r = event_base_dispatch(base);
		printf("dispatch -> %d elapsed<5s=%d\n", r, t_now_ms() - t0 < 5000);
	}
	event_add(ev, &tv);
	printf("re-add with NULL tv keeps the timeout: ");
	event_add(ev, NULL);
	printf("pending=%s\n", t_evs(event_pending(ev, EV_READ|EV_TIMEOUT, NULL)));
	event_del(ev);
	event_free(ev);

	printf("== fd -1 with EV_READ ==\n");
	ev = event_new(base, -1, EV_READ, named_cb, "fd -1");
	r = event_add(ev, NULL);
	printf("add -> %d pending=%s\n", r, t_evs(event_pending(ev, EV_READ, NULL)));
	printf("loop(NONBLOCK) -> %d\n", event_base_loop(base, EVLOOP_NONBLOCK));
	printf("del -> %d\n", event_del(ev));
	printf("del again -> %d\n", event_del(ev));
	event_free(ev);

	printf("== many fds ==\n");
	{
		int fds[5][2];
		struct event *evs[5];
		for (i = 0; i < 5; i++) {
			t_socketpair(fds[i], 120 + 2 * i);
			evs[i] = event_new(base, fds[i][0], EV_READ, multi_cb, (void *)(long)i);
			event_add(evs[i], NULL);
			t_write(fds[i][1], "m");
		}
		r = event_base_dispatch(base);
		printf("dispatch -> %d seen:", r);
		for (i = 0; i < 5; i++)
			printf(" %d", multi_seen[i]);
		printf("\n");
		for (i = 0; i < 5; i++) {
			event_free(evs[i]);
			t_close_pair(fds[i]);
		}
	}

	event_base_free(base);
	t_close_pair(sp);
	return 0;
}
