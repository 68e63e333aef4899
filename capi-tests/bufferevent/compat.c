/* The libevent 1.x bufferevent API on the current base (event_init). */
#include "bevt.h"
#include <event.h>

static int got;

static void rcb(struct bufferevent *b, void *a)
{
	printf("  [%s] readcb EVBUFFER_LENGTH %zu data \"%.*s\"\n", (char *)a, EVBUFFER_LENGTH(EVBUFFER_INPUT(b)),
	    (int)EVBUFFER_LENGTH(b->input), (char *)EVBUFFER_DATA(b->input));
	evbuffer_drain(EVBUFFER_INPUT(b), EVBUFFER_LENGTH(EVBUFFER_INPUT(b)));
	got = 1;
}
static void wcb(struct bufferevent *b, void *a)
{
	printf("  [%s] writecb out %zu\n", (char *)a, EVBUFFER_LENGTH(EVBUFFER_OUTPUT(b)));
}
static void ecb(struct bufferevent *b, short w, void *a)
{
	(void)b;
	printf("  [%s] errorcb%s%s%s%s%s\n", (char *)a, w & EVBUFFER_READ ? " EVBUFFER_READ" : "",
	    w & EVBUFFER_WRITE ? " EVBUFFER_WRITE" : "", w & EVBUFFER_EOF ? " EVBUFFER_EOF" : "",
	    w & EVBUFFER_ERROR ? " EVBUFFER_ERROR" : "", w & EVBUFFER_TIMEOUT ? " EVBUFFER_TIMEOUT" : "");
	got = 1;
}

int main(void)
{
	struct event_base *base, *other;
	struct bufferevent *a, *b;
	int fds[2];
	evbuffercb r = rcb;
	everrorcb e = ecb;

	t_init();
	base = event_init();
	t_pair(fds);
	a = bufferevent_new(fds[0], r, wcb, e, "A");
	b = bufferevent_new(fds[1], rcb, wcb, ecb, "B");
	printf("ev_base NULL %d, get_base NULL %d, event base is current %d\n", a->ev_base == NULL,
	    bufferevent_get_base(a) == NULL, a->ev_read.ev_base == base);
	printf("enabled %s\n", t_en(bufferevent_get_enabled(a)));
	bufferevent_enable(b, EV_READ);
	bufferevent_write(a, "old school", 10);
	while (!got)
		event_loop(EVLOOP_ONCE);
	got = 0;
	bufferevent_settimeout(b, 1, 0);
	printf("timeout_read %ld\n", (long)b->timeout_read.tv_sec);
	bufferevent_settimeout(b, 0, 0);
	close(fds[0]);
	while (!got)
		event_loop(EVLOOP_ONCE);
	bufferevent_free(a);
	bufferevent_free(b);
	event_loop(EVLOOP_NONBLOCK);

	printf("== bufferevent_base_set\n");
	other = event_base_new();
	t_pair(fds);
	a = bufferevent_new(fds[0], rcb, wcb, ecb, "C");
	printf("base_set: %d,", bufferevent_base_set(other, a));
	printf(" ev_base other %d, event base other %d\n", a->ev_base == other, a->ev_read.ev_base == other);
	bufferevent_enable(a, EV_READ);
	write(fds[1], "moved", 5);
	got = 0;
	event_loop(EVLOOP_NONBLOCK);
	printf("current base loop: got %d\n", got);
	event_base_loop(other, EVLOOP_NONBLOCK);
	printf("other base loop: got %d\n", got);
	bufferevent_free(a);
	event_base_loop(other, EVLOOP_NONBLOCK);
	event_base_free(other);
	close(fds[0]);
	close(fds[1]);
	event_base_free(base);
	printf("done\n");
	return 0;
}
