/* timer: a persistent 100 ms timer that stops the loop after 5 ticks, and a
 * one-shot timer that fires once in between. Built against event_rs:
 *   make -C c-examples && ./c-examples/bin/timer */
#include <event2/event.h>
#include <stdio.h>

static int ticks;

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct event *self = arg;
	(void)fd;
	printf("tick %d (what=0x%x)\n", ++ticks, what);
	if (ticks == 5) {
		event_del(self);	/* no events left: the loop returns */
	}
}

static void on_once(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	printf("one-shot timer: %s\n", (const char *)arg);
}

int main(void)
{
	struct event_base *base = event_base_new();
	struct timeval every = { 0, 100 * 1000 }, once = { 0, 250 * 1000 };
	struct event *tick = event_new(base, -1, EV_PERSIST, on_tick, event_self_cbarg());

	event_add(tick, &every);
	event_base_once(base, -1, EV_TIMEOUT, on_once, "after 250 ms", &once);
	printf("running on %s\n", event_base_get_method(base));
	printf("loop returned %d\n", event_base_dispatch(base));
	event_free(tick);
	event_base_free(base);
	return 0;
}
