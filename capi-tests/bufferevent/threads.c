/* BEV_OPT_THREADSAFE: writing to a bufferevent from another thread while
 * the loop runs; locking; deferred callbacks with unlocked callbacks. */
#include "bevt.h"
#include <event2/thread.h>
#include <pthread.h>

static struct event_base *base;
static struct bufferevent *a, *b;
static size_t received;
static volatile int done;

static void rcb(struct bufferevent *bev, void *arg)
{
	(void)arg;
	received += evbuffer_get_length(bev->input);
	evbuffer_drain(bev->input, evbuffer_get_length(bev->input));
	if (received == 100 * 10) {
		done = 1;
		event_base_loopbreak(base);
	}
}

static void *writer(void *arg)
{
	int i;
	(void)arg;
	for (i = 0; i < 100; i++) {
		bufferevent_lock(a);
		bufferevent_write(a, "0123456789", 10);
		bufferevent_unlock(a);
		if (i % 10 == 0)
			usleep(1000);
	}
	return NULL;
}

static void guard(evutil_socket_t fd, short w, void *arg)
{
	(void)fd; (void)w; (void)arg;
	printf("guard fired\n");
	event_base_loopbreak(base);
}

int main(void)
{
	int fds[2], i;
	pthread_t th;
	struct timeval tv = { 10, 0 };

	t_init();
	printf("use_pthreads: %d\n", evthread_use_pthreads());
	base = event_base_new();
	printf("make notifiable: %d\n", evthread_make_base_notifiable(base));
	for (i = 0; i < 2; i++) {
		int opts = BEV_OPT_CLOSE_ON_FREE | BEV_OPT_THREADSAFE | (i ? BEV_OPT_DEFER_CALLBACKS | BEV_OPT_UNLOCK_CALLBACKS : 0);
		received = 0;
		done = 0;
		t_pair(fds);
		a = bufferevent_socket_new(base, fds[0], opts);
		b = bufferevent_socket_new(base, fds[1], opts);
		bufferevent_setcb(b, rcb, NULL, NULL, NULL);
		bufferevent_enable(b, EV_READ);
		event_base_once(base, -1, EV_TIMEOUT, guard, NULL, &tv);
		pthread_create(&th, NULL, writer, NULL);
		event_base_dispatch(base);
		pthread_join(th, NULL);
		printf("round %d: received %zu done %d\n", i, received, done);
		bufferevent_free(a);
		bufferevent_free(b);
		event_base_loop(base, EVLOOP_NONBLOCK);
	}
	{
		struct bufferevent *p[2];
		bufferevent_pair_new(base, BEV_OPT_THREADSAFE, p);
		bufferevent_lock(p[0]);
		bufferevent_lock(p[1]);
		bufferevent_unlock(p[1]);
		bufferevent_unlock(p[0]);
		bufferevent_free(p[1]);
		bufferevent_free(p[0]);
		printf("pair with a shared lock freed\n");
	}
	event_base_free(base);
	printf("done\n");
	return 0;
}
