/* io_et_closed: EV_ET (edge-triggered on epoll; level-triggered on poll and
 * select, which ignore EV_ET), EV_CLOSED on shutdown()/close() of the peer
 * of a socketpair (reported by epoll and poll via RDHUP, never by select),
 * EV_READ|EV_CLOSED, and a write event on a socket whose peer is gone.
 * The transcript differs by backend; each backend is compared with the
 * system libevent on the same backend. */
#include "common.h"

static struct event_base *base;

static void show_cb(evutil_socket_t fd, short what, void *arg)
{
	printf("  %s what=%s\n", (const char *)arg, t_evs(what));
}

static int reads;
static void et_cb(evutil_socket_t fd, short what, void *arg)
{
	char c;
	reads++;
	/* read one byte only: the rest stays buffered */
	printf("  et what=%s read1=%d\n", t_evs(what), (int)read(fd, &c, 1));
}

/* One pass: EVLOOP_ONCE|EVLOOP_NONBLOCK runs the callbacks that are ready
 * now and returns.  (EVLOOP_NONBLOCK alone keeps iterating until a pass
 * finds nothing active, which never ends for a persistent event whose
 * condition stays true, e.g. EV_CLOSED after shutdown.) */
static void run_nonblock(const char *what)
{
	int r = event_base_loop(base, EVLOOP_ONCE|EVLOOP_NONBLOCK);
	printf("%s: loop(ONCE|NONBLOCK) -> %d\n", what, r);
}

static void run_nonblock_only(const char *what)
{
	int r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("%s: loop(NONBLOCK) -> %d\n", what, r);
}

int main(void)
{
	int sp[2];
	struct event *ev, *ev2;
	struct event_config *cfg;

	t_init();
	event_set_log_callback(t_log_cb);
	base = event_base_new();
	printf("features has ET=%d EARLY_CLOSE=%d\n",
	    !!(event_base_get_features(base) & EV_FEATURE_ET),
	    !!(event_base_get_features(base) & EV_FEATURE_EARLY_CLOSE));

	printf("== EV_ET|EV_READ|EV_PERSIST ==\n");
	t_socketpair(sp, 100);
	ev = event_new(base, sp[0], EV_READ|EV_PERSIST|EV_ET, et_cb, NULL);
	printf("add -> %d\n", event_add(ev, NULL));
	t_write(sp[1], "abcd");
	run_nonblock("after write of 4 bytes");
	run_nonblock("no new data");
	run_nonblock("no new data again");
	t_write(sp[1], "e");
	run_nonblock("after another write");
	printf("reads=%d\n", reads);
	event_free(ev);
	t_close_pair(sp);

	printf("== level-triggered for comparison ==\n");
	t_socketpair(sp, 100);
	reads = 0;
	ev = event_new(base, sp[0], EV_READ|EV_PERSIST, et_cb, NULL);
	event_add(ev, NULL);
	t_write(sp[1], "ab");
	run_nonblock("after write of 2 bytes");
	run_nonblock("1 byte left");
	run_nonblock("empty");
	t_write(sp[1], "cde");
	run_nonblock_only("3 bytes, NONBLOCK alone runs until nothing is ready");
	printf("reads=%d\n", reads);
	event_free(ev);
	t_close_pair(sp);

	printf("== EV_CLOSED alone, peer shutdown(SHUT_WR) ==\n");
	t_socketpair(sp, 100);
	ev = event_new(base, sp[0], EV_CLOSED|EV_PERSIST, show_cb, "closed");
	printf("add -> %d\n", event_add(ev, NULL));
	t_write(sp[1], "data");
	run_nonblock("data only");
	shutdown(sp[1], SHUT_WR);
	run_nonblock("after shutdown");
	event_del(ev);
	event_free(ev);
	t_close_pair(sp);

	printf("== EV_READ|EV_CLOSED, peer close() ==\n");
	t_socketpair(sp, 100);
	ev = event_new(base, sp[0], EV_READ|EV_CLOSED, show_cb, "read|closed");
	event_add(ev, NULL);
	close(sp[1]);
	run_nonblock("after close");
	printf("pending=%s\n", t_evs(event_pending(ev, EV_READ|EV_CLOSED, NULL)));
	event_free(ev);
	close(sp[0]);

	printf("== EV_READ and EV_CLOSED as two events on one fd ==\n");
	t_socketpair(sp, 100);
	ev = event_new(base, sp[0], EV_READ, show_cb, "read");
	ev2 = event_new(base, sp[0], EV_CLOSED, show_cb, "closed");
	event_add(ev, NULL);
	event_add(ev2, NULL);
	shutdown(sp[1], SHUT_WR);
	run_nonblock("after shutdown");
	event_free(ev);
	event_free(ev2);
	t_close_pair(sp);

	printf("== EV_ET|EV_CLOSED ==\n");
	t_socketpair(sp, 100);
	ev = event_new(base, sp[0], EV_CLOSED|EV_ET|EV_PERSIST, show_cb, "closed|et");
	event_add(ev, NULL);
	shutdown(sp[1], SHUT_WR);
	run_nonblock("after shutdown");
	run_nonblock("again");
	event_free(ev);
	t_close_pair(sp);

	printf("== write to a socket whose peer is closed ==\n");
	t_socketpair(sp, 100);
	close(sp[1]);
	ev = event_new(base, sp[0], EV_WRITE, show_cb, "write");
	event_add(ev, NULL);
	run_nonblock("peer closed");
	event_free(ev);
	close(sp[0]);

	printf("== require EARLY_CLOSE base (IGNORE_ENV) ==\n");
	cfg = event_config_new();
	event_config_set_flag(cfg, EVENT_BASE_FLAG_IGNORE_ENV);
	event_config_avoid_method(cfg, "epoll");
	event_config_require_features(cfg, EV_FEATURE_EARLY_CLOSE);
	event_base_free(base);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	printf("method=%s\n", base ? event_base_get_method(base) : "NULL");
	t_socketpair(sp, 100);
	ev = event_new(base, sp[0], EV_CLOSED, show_cb, "closed on poll");
	event_add(ev, NULL);
	shutdown(sp[1], SHUT_WR);
	run_nonblock("after shutdown");
	event_free(ev);
	t_close_pair(sp);

	event_base_free(base);
	return 0;
}
