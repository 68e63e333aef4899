/* Bufferevent pairs: hand-over, watermarks, flush modes, freeing one side,
 * timeouts, ping-pong, locking. */
#include "bevt.h"
#include <event2/thread.h>

static struct event_base *base;
static int pingpong;
static size_t drain_n; /* the read callback drains this much (0: nothing) */

static void rcb(struct bufferevent *b, void *a)
{
	size_t n = evbuffer_get_length(b->input);
	printf("  [%s] readcb in=%zu\n", (char *)a, n);
	if (drain_n) {
		evbuffer_drain(b->input, drain_n);
		printf("  [%s] drained to %zu\n", (char *)a, evbuffer_get_length(b->input));
	}
	if (pingpong > 0 && n) {
		char buf[32];
		size_t k = bufferevent_read(b, buf, sizeof(buf) - 1);
		buf[k] = 0;
		printf("  [%s] got \"%s\", answering\n", (char *)a, buf);
		pingpong--;
		bufferevent_write(b, buf, k);
	}
}
static void wcb(struct bufferevent *b, void *a)
{
	printf("  [%s] writecb out=%zu\n", (char *)a, evbuffer_get_length(b->output));
}
static void ecb(struct bufferevent *b, short w, void *a)
{
	printf("  [%s] eventcb %s enabled=%s\n", (char *)a, t_what(w), t_en(bufferevent_get_enabled(b)));
}

static void mk(struct bufferevent **p, int opts)
{
	if (bufferevent_pair_new(base, opts, p) != 0) {
		printf("pair_new failed\n");
		exit(1);
	}
	bufferevent_setcb(p[0], rcb, wcb, ecb, "A");
	bufferevent_setcb(p[1], rcb, wcb, ecb, "B");
}

static void lens(struct bufferevent **p)
{
	printf("A in=%zu out=%zu, B in=%zu out=%zu\n", evbuffer_get_length(p[0]->input), evbuffer_get_length(p[0]->output),
	    evbuffer_get_length(p[1]->input), evbuffer_get_length(p[1]->output));
}

int main(void)
{
	struct bufferevent *p[2];
	int r;

	t_init();
	evthread_use_pthreads();
	base = event_base_new();

	printf("== basics\n");
	mk(p, 0);
	printf("partners %d %d, getfd %d, underlying %p\n", bufferevent_pair_get_partner(p[0]) == p[1],
	    bufferevent_pair_get_partner(p[1]) == p[0], bufferevent_getfd(p[0]), (void *)bufferevent_get_underlying(p[0]));
	printf("setfd: %d\n", bufferevent_setfd(p[0], 0));
	printf("enabled A %s B %s\n", t_en(bufferevent_get_enabled(p[0])), t_en(bufferevent_get_enabled(p[1])));
	printf("ev_read events 0x%x pending %d\n", p[0]->ev_read.ev_events, event_pending(&p[0]->ev_read, EV_TIMEOUT, NULL));

	printf("== hand-over waits for the reader\n");
	bufferevent_write(p[0], "hello", 5);
	lens(p);
	bufferevent_enable(p[1], EV_READ);
	printf("B enabled reading\n");
	lens(p);
	t_spin(base, 2);
	evbuffer_drain(p[1]->input, 5);

	printf("== writes go straight over, callbacks later\n");
	bufferevent_write(p[0], "abc", 3);
	bufferevent_write(p[0], "def", 3);
	lens(p);
	printf("before loop\n");
	t_spin(base, 2);
	evbuffer_drain(p[1]->input, 6);

	printf("== reader's high-water mark 4, low 2\n");
	/* (a read callback that leaves the input at the high-water mark is
	 * called again on every loop iteration, so this one drains) */
	bufferevent_setwatermark(p[1], EV_READ, 2, 4);
	drain_n = 3;
	bufferevent_write(p[0], "0123456789", 10);
	lens(p);
	t_spin(base, 2);
	lens(p);
	bufferevent_disable(p[1], EV_READ);
	bufferevent_write(p[0], "0123456789", 10);
	evbuffer_drain(p[1]->input, 3);
	printf("B drained 3 with reading disabled\n");
	lens(p);
	bufferevent_enable(p[1], EV_READ);
	lens(p);
	t_spin(base, 2);
	lens(p);
	drain_n = 0;
	bufferevent_setwatermark(p[1], EV_READ, 0, 0);
	evbuffer_drain(p[1]->input, 100);

	printf("== writer's low-water mark 3\n");
	bufferevent_setwatermark(p[0], EV_WRITE, 3, 0);
	bufferevent_disable(p[1], EV_READ);
	bufferevent_write(p[0], "xxxxxxxx", 8);
	t_spin(base, 2);
	bufferevent_setwatermark(p[1], EV_READ, 0, 6);
	drain_n = 100;
	bufferevent_enable(p[1], EV_READ);
	lens(p);
	t_spin(base, 2);
	lens(p);
	drain_n = 0;
	bufferevent_setwatermark(p[0], EV_WRITE, 0, 0);
	bufferevent_setwatermark(p[1], EV_READ, 0, 0);
	evbuffer_drain(p[1]->input, 100);

	printf("== flush\n");
	bufferevent_disable(p[1], EV_READ);
	bufferevent_write(p[0], "flushme", 7);
	r = bufferevent_flush(p[0], EV_WRITE, BEV_NORMAL);
	printf("NORMAL: %d\n", r);
	lens(p);
	r = bufferevent_flush(p[0], EV_WRITE, BEV_FLUSH);
	printf("FLUSH: %d\n", r);
	lens(p);
	t_spin(base, 2);
	bufferevent_write(p[1], "back", 4);
	r = bufferevent_flush(p[0], EV_READ, BEV_FINISHED);
	printf("FINISHED (read side): %d\n", r);
	lens(p);
	t_spin(base, 2);
	r = bufferevent_flush(p[0], EV_READ|EV_WRITE, BEV_FINISHED);
	printf("FINISHED (both): %d\n", r);
	t_spin(base, 2);
	evbuffer_drain(p[0]->input, 100);
	evbuffer_drain(p[1]->input, 100);

	printf("== ping-pong\n");
	bufferevent_enable(p[0], EV_READ);
	bufferevent_enable(p[1], EV_READ);
	pingpong = 4;
	bufferevent_write(p[0], "ball", 4);
	t_spin(base, 10);
	pingpong = 0;
	evbuffer_drain(p[0]->input, 100);
	evbuffer_drain(p[1]->input, 100);

	printf("== freeing one side\n");
	bufferevent_free(p[1]);
	printf("partner of A: %p\n", (void *)bufferevent_pair_get_partner(p[0]));
	r = bufferevent_write(p[0], "alone", 5);
	printf("write: %d\n", r);
	lens(p);
	printf("flush: %d\n", bufferevent_flush(p[0], EV_WRITE, BEV_FINISHED));
	t_spin(base, 2);
	bufferevent_free(p[0]);
	t_spin(base, 2);

	printf("== timeouts\n");
	mk(p, 0);
	{
		struct timeval tr = { 0, 50000 }, tw = { 0, 100000 };
		bufferevent_set_timeouts(p[1], &tr, NULL);
		bufferevent_enable(p[1], EV_READ);
		bufferevent_set_timeouts(p[0], NULL, &tw);
		bufferevent_disable(p[1], EV_READ);
		bufferevent_write(p[0], "stuck", 5);
		bufferevent_enable(p[0], EV_WRITE);
		printf("A write timer pending %d, B read timer pending %d\n",
		    event_pending(&p[0]->ev_write, EV_TIMEOUT, NULL) != 0, event_pending(&p[1]->ev_read, EV_TIMEOUT, NULL) != 0);
		bufferevent_enable(p[1], EV_READ);
		printf("after B reads: A write timer %d, B read timer %d\n",
		    event_pending(&p[0]->ev_write, EV_TIMEOUT, NULL) != 0, event_pending(&p[1]->ev_read, EV_TIMEOUT, NULL) != 0);
		t_dispatch(base, 2000);
		printf("enabled A %s B %s\n", t_en(bufferevent_get_enabled(p[0])), t_en(bufferevent_get_enabled(p[1])));
		bufferevent_set_timeouts(p[0], &tr, &tr);
		bufferevent_enable(p[0], EV_READ);
		printf("A read timer %d write timer %d\n", event_pending(&p[0]->ev_read, EV_TIMEOUT, NULL) != 0,
		    event_pending(&p[0]->ev_write, EV_TIMEOUT, NULL) != 0);
		bufferevent_set_timeouts(p[0], NULL, NULL);
		printf("cleared: A read timer %d\n", event_pending(&p[0]->ev_read, EV_TIMEOUT, NULL) != 0);
	}
	bufferevent_free(p[0]);
	bufferevent_free(p[1]);
	t_spin(base, 2);

	printf("== threadsafe, deferred, unlocked callbacks\n");
	mk(p, BEV_OPT_THREADSAFE | BEV_OPT_UNLOCK_CALLBACKS);
	bufferevent_lock(p[0]);
	bufferevent_lock(p[1]);
	bufferevent_enable(p[1], EV_READ);
	bufferevent_write(p[0], "locked", 6);
	bufferevent_unlock(p[1]);
	bufferevent_unlock(p[0]);
	lens(p);
	t_spin(base, 2);
	bufferevent_free(p[0]);
	printf("B partner %p\n", (void *)bufferevent_pair_get_partner(p[1]));
	bufferevent_free(p[1]);
	t_spin(base, 2);

	event_base_free(base);
	printf("done\n");
	return 0;
}
