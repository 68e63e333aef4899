/* Read and write timeouts of socket bufferevents. */
#include "bevt.h"

static struct event_base *base;
static int events;

static void rcb(struct bufferevent *b, void *a)
{
	size_t n = evbuffer_get_length(b->input);
	evbuffer_drain(b->input, n);
	printf("  [%s] readcb %zu\n", (char *)a, n);
}
static void ecb(struct bufferevent *b, short w, void *a)
{
	events++;
	printf("  [%s] eventcb %s enabled=%s pendingR %d pendingW %d\n", (char *)a, t_what(w), t_en(bufferevent_get_enabled(b)),
	    event_pending(&b->ev_read, EV_READ|EV_TIMEOUT, NULL), event_pending(&b->ev_write, EV_WRITE|EV_TIMEOUT, NULL));
}
static void send_cb(evutil_socket_t fd, short w, void *a)
{
	(void)w; (void)fd;
	printf("  (peer sends: %d)\n", (int)write(*(int *)a, "data", 4));
}

int main(void)
{
	int fds[2];
	struct bufferevent *a, *b;
	struct timeval t50 = { 0, 50000 }, t150 = { 0, 150000 }, t10s = { 10, 0 };
	static char big[1 << 20];

	t_init();
	base = event_base_new();
	t_pair(fds);
	a = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(a, rcb, NULL, ecb, "A");

	printf("== read timeout\n");
	bufferevent_set_timeouts(a, &t50, NULL);
	printf("timeouts set, not enabled: pending %d\n", event_pending(&a->ev_read, EV_TIMEOUT, NULL));
	bufferevent_enable(a, EV_READ);
	printf("enabled: pending R|T %d\n", event_pending(&a->ev_read, EV_READ|EV_TIMEOUT, NULL));
	printf("timeout_read field %ld.%06ld\n", (long)a->timeout_read.tv_sec, (long)a->timeout_read.tv_usec);
	t_until(base, &events, 2000);
	events = 0;

	printf("== data in time resets the read timeout\n");
	bufferevent_set_timeouts(a, &t150, NULL);
	bufferevent_enable(a, EV_READ);
	event_base_once(base, -1, EV_TIMEOUT, send_cb, &fds[1], &t50);
	t_until(base, &events, 2000);
	events = 0;

	printf("== changing the timeout of a pending event\n");
	bufferevent_set_timeouts(a, &t10s, NULL);
	bufferevent_enable(a, EV_READ);
	bufferevent_set_timeouts(a, &t50, NULL);
	t_until(base, &events, 2000);
	events = 0;
	bufferevent_set_timeouts(a, NULL, NULL);
	bufferevent_enable(a, EV_READ);
	printf("cleared: pending R %d T %d\n", event_pending(&a->ev_read, EV_READ, NULL) != 0,
	    event_pending(&a->ev_read, EV_TIMEOUT, NULL) != 0);
	bufferevent_disable(a, EV_READ);

	printf("== write timeout (the peer does not read)\n");
	memset(big, 'w', sizeof(big));
	bufferevent_set_timeouts(a, NULL, &t50);
	bufferevent_write(a, big, sizeof(big));
	t_until(base, &events, 3000);
	events = 0;
	printf("output still holds data: %d\n", evbuffer_get_length(a->output) > 0);

	printf("== 1.x settimeout\n");
	bufferevent_settimeout(a, 0, 0);
	printf("fields %ld %ld\n", (long)a->timeout_read.tv_sec, (long)a->timeout_write.tv_sec);
	bufferevent_settimeout(a, 3, 4);
	printf("fields %ld %ld\n", (long)a->timeout_read.tv_sec, (long)a->timeout_write.tv_sec);
	bufferevent_free(a);

	printf("== timeouts with no socket\n");
	b = bufferevent_socket_new(base, -1, 0);
	bufferevent_setcb(b, rcb, NULL, ecb, "B");
	bufferevent_set_timeouts(b, &t50, &t150);
	bufferevent_enable(b, EV_READ|EV_WRITE);
	t_until(base, &events, 2000);
	events = 0;
	t_until(base, &events, 2000);
	events = 0;
	bufferevent_free(b);

	t_spin(base, 2);
	close(fds[1]);
	event_base_free(base);
	printf("done\n");
	return 0;
}
