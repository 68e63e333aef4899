/* priorities: event_base_priority_init limits and return values,
 * event_base_get_npriorities, default priority of new events (npri/2),
 * events created before a later priority_init keep their priority,
 * callback order across priorities, starvation of lower priorities by a
 * always-ready higher one, a higher-priority activation from inside a
 * lower-priority callback preempting the rest of that queue, priority of
 * an added-but-not-active event changed. */
#include "common.h"

static struct event_base *base;
static struct event *evs[8];
static char order[256];

static void rec_cb(evutil_socket_t fd, short what, void *arg)
{
	struct event *self = event_base_get_running_event(base);
	char s[32];
	snprintf(s, sizeof s, "%s(p%d) ", (const char *)arg, event_get_priority(self));
	strcat(order, s);
}

static int hot_count;
static void hot_cb(evutil_socket_t fd, short what, void *arg)
{
	struct event *self = event_base_get_running_event(base);
	strcat(order, "H ");
	if (++hot_count == 5)
		event_del(self);
}

static struct event *preempt_hi, *also_low;
static void low_activates_cb(evutil_socket_t fd, short what, void *arg)
{
	strcat(order, "A(p2) ");
	event_active(preempt_hi, EV_READ, 1);
	event_active(also_low, EV_READ, 1);
}

int main(void)
{
	int i, r, sp[2];
	struct event *pre, *post;

	t_init();
	event_set_log_callback(t_log_cb);
	base = event_base_new();
	t_socketpair(sp, 100);

	printf("== limits ==\n");
	printf("npriorities initially %d\n", event_base_get_npriorities(base));
	pre = event_new(base, -1, 0, rec_cb, "pre");
	printf("pre-existing event priority %d\n", event_get_priority(pre));
	r = event_base_priority_init(base, 0);
	printf("priority_init(0) -> %d npri=%d\n", r, event_base_get_npriorities(base));
	r = event_base_priority_init(base, -3);
	printf("priority_init(-3) -> %d npri=%d\n", r, event_base_get_npriorities(base));
	r = event_base_priority_init(base, EVENT_MAX_PRIORITIES);
	printf("priority_init(256) -> %d npri=%d\n", r, event_base_get_npriorities(base));
	r = event_base_priority_init(base, 255);
	printf("priority_init(255) -> %d npri=%d\n", r, event_base_get_npriorities(base));
	post = event_new(base, -1, 0, rec_cb, "post");
	printf("new event priority with 255 queues %d\n", event_get_priority(post));
	event_free(post);
	r = event_base_priority_init(base, 1);
	printf("priority_init(1) -> %d npri=%d\n", r, event_base_get_npriorities(base));
	event_add(pre, NULL);
	r = event_base_priority_init(base, 4);
	printf("priority_init(4) with an added event -> %d npri=%d\n", r, event_base_get_npriorities(base));
	printf("pre-existing event still priority %d\n", event_get_priority(pre));
	r = event_base_priority_init(base, 4);
	printf("priority_init(4) again -> %d\n", r);
	event_active(pre, EV_READ, 1);
	r = event_base_priority_init(base, 3);
	printf("priority_init(3) with an active event -> %d npri=%d\n", r, event_base_get_npriorities(base));
	order[0] = 0;
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("ran: %s\n", order);
	r = event_base_priority_init(base, 3);
	printf("priority_init(3) after the loop -> %d npri=%d\n", r, event_base_get_npriorities(base));
	post = event_new(base, -1, 0, rec_cb, "post");
	printf("new event priority with 3 queues %d\n", event_get_priority(post));
	event_free(post);

	printf("== order across priorities ==\n");
	{
		static const char *names[] = { "a", "b", "c", "d", "e", "f" };
		static const int pris[] = { 2, 0, 1, 0, 2, 1 };
		for (i = 0; i < 6; i++) {
			evs[i] = event_new(base, -1, 0, rec_cb, (void *)names[i]);
			event_priority_set(evs[i], pris[i]);
		}
		for (i = 0; i < 6; i++)
			event_active(evs[i], EV_READ, 1);
		order[0] = 0;
		r = event_base_loop(base, EVLOOP_ONCE);
		printf("loop(ONCE) -> %d order: %s\n", r, order);
		for (i = 5; i >= 0; i--)
			event_active(evs[i], EV_READ, 1);
		order[0] = 0;
		r = event_base_loop(base, EVLOOP_NONBLOCK);
		printf("reverse activation: loop(NONBLOCK) -> %d order: %s\n", r, order);
		for (i = 0; i < 6; i++)
			event_free(evs[i]);
	}

	printf("== starvation by an always-ready high-priority event ==\n");
	{
		struct event *hot = event_new(base, sp[0], EV_WRITE|EV_PERSIST, hot_cb, NULL);
		struct event *low = event_new(base, sp[0], EV_WRITE, rec_cb, "low");
		struct event *mid = event_new(base, -1, 0, rec_cb, "mid");
		event_priority_set(hot, 0);
		event_priority_set(low, 2);
		event_priority_set(mid, 1);
		event_add(hot, NULL);
		event_add(low, NULL);
		event_active(mid, EV_READ, 1);
		order[0] = 0;
		r = event_base_dispatch(base);
		printf("dispatch -> %d order: %s\n", r, order);
		event_free(hot); event_free(low); event_free(mid);
	}

	printf("== higher priority activated from a lower callback ==\n");
	{
		struct event *a = event_new(base, -1, 0, low_activates_cb, NULL);
		struct event *b = event_new(base, -1, 0, rec_cb, "B");
		struct event *c = event_new(base, -1, 0, rec_cb, "C");
		preempt_hi = event_new(base, -1, 0, rec_cb, "HI");
		also_low = event_new(base, -1, 0, rec_cb, "LOW2");
		event_priority_set(a, 2);
		event_priority_set(b, 2);
		event_priority_set(c, 1);
		event_priority_set(preempt_hi, 0);
		event_priority_set(also_low, 2);
		event_active(a, EV_READ, 1);
		event_active(b, EV_READ, 1);
		order[0] = 0;
		r = event_base_loop(base, EVLOOP_ONCE);
		printf("loop(ONCE) -> %d order: %s\n", r, order);
		/* same again with an equal-priority event queued behind */
		event_priority_set(preempt_hi, 2);
		event_active(a, EV_READ, 1);
		event_active(c, EV_READ, 1);
		order[0] = 0;
		r = event_base_loop(base, EVLOOP_ONCE);
		printf("loop(ONCE) -> %d order: %s\n", r, order);
		event_free(a); event_free(b); event_free(c);
		event_free(preempt_hi); event_free(also_low);
	}

	printf("== priority of an added event changed before it fires ==\n");
	{
		struct event *x = event_new(base, sp[0], EV_WRITE, rec_cb, "x");
		struct event *y = event_new(base, sp[0], EV_WRITE, rec_cb, "y");
		event_add(x, NULL);
		event_add(y, NULL);
		r = event_priority_set(x, 0);
		printf("set x to 0 while added -> %d\n", r);
		r = event_priority_set(y, 2);
		printf("set y to 2 while added -> %d\n", r);
		order[0] = 0;
		r = event_base_dispatch(base);
		printf("dispatch -> %d order: %s\n", r, order);
		event_free(x); event_free(y);
	}

	event_free(pre);
	event_base_free(base);
	t_close_pair(sp);
	return 0;
}
