/* finalize: EV_FINALIZE events, event_finalize / event_free_finalize
 * (finalizer runs from the loop, not at once; the event is deleted,
 * EVLIST_FINALIZING set, add / active / del on a finalizing event),
 * finalizing from inside the event's own callback, finalizers run by
 * event_base_free but not by event_base_free_nofinalize,
 * event_del_noblock / event_del_block return values, event_base_free with
 * pending (stack) events, event_free of a pending event. */
#include "common.h"

static struct event_base *base;
static char order[512];

static void rec_cb(evutil_socket_t fd, short what, void *arg)
{
	strcat(order, (const char *)arg);
	strcat(order, " ");
}

static void fin_cb(struct event *ev, void *arg)
{
	/* NOT TESTED: event_base_get_running_event() here crashes libevent
	 * (current_event is NULL while a finalizer runs). */
	printf("  finalizer(%s) flags=%s\n", (const char *)arg, t_evlist(T_FLAGS(ev)));
	strcat(order, "FIN(");
	strcat(order, (const char *)arg);
	strcat(order, ") ");
}

static void free_fin_cb(struct event *ev, void *arg)
{
	printf("  free-finalizer(%s)\n", (const char *)arg);
	strcat(order, "FREEFIN ");
}

static void finalize_self_cb(evutil_socket_t fd, short what, void *arg)
{
	struct event *self = event_base_get_running_event(base);
	int r;
	strcat(order, "self ");
	r = event_free_finalize(0, self, free_fin_cb);
	printf("  free_finalize from own callback -> %d\n", r);
}

int main(void)
{
	struct event *a, *b, *c, *e;
	struct event sa, sb, sc;
	struct event_config *cfg;
	int sp[2], r;
	struct timeval tv = t_tv(10, 0);

	t_init();
	event_set_log_callback(t_log_cb);
	base = event_base_new();
	t_socketpair(sp, 100);

	printf("== event_finalize on an added event ==\n");
	a = event_new(base, sp[0], EV_READ|EV_PERSIST|EV_FINALIZE, rec_cb, "a");
	printf("events=%s\n", t_evs(event_get_events(a)));
	event_add(a, &tv);
	r = event_finalize(0, a, fin_cb);
	printf("event_finalize -> %d flags=%s pending=%s\n", r, t_evlist(T_FLAGS(a)),
	    t_evs(event_pending(a, EV_READ|EV_TIMEOUT|EV_FINALIZE, NULL)));
	printf("res=%s callback is now the finalizer: %d\n", t_evs(a->ev_res),
	    (void *)event_get_callback(a) == (void *)fin_cb);
	printf("num active=%d added=%d\n", event_base_get_num_events(base, EVENT_BASE_COUNT_ACTIVE),
	    event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED));
	r = event_add(a, NULL);
	printf("event_add on finalizing -> %d\n", r);
	r = event_del(a);
	printf("event_del on finalizing -> %d flags=%s\n", r, t_evlist(T_FLAGS(a)));
	event_active(a, EV_READ, 1);
	printf("event_active on finalizing: res=%s\n", t_evs(a->ev_res));
	r = event_priority_set(a, 0);
	printf("priority_set on finalizing -> %d\n", r);
	t_write(sp[1], "x");
	order[0] = 0;
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK) -> %d order: %s\n", r, order);
	printf("flags after finalizer=%s\n", t_evlist(T_FLAGS(a)));
	t_drain(sp[0]);
	free(a);	/* finalized, not freed: the caller owns it */

	printf("== event_finalize on a non-added event, and with no base ==\n");
	event_assign(&sa, base, -1, 0, rec_cb, "sa");
	r = event_finalize(0, &sa, fin_cb);
	printf("finalize -> %d flags=%s\n", r, t_evlist(T_FLAGS(&sa)));
	order[0] = 0;
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK) -> %d order: %s\n", r, order);
	memset(&sb, 0, sizeof sb);
	event_set(&sb, -1, 0, rec_cb, "nobase");
	r = event_finalize(0, &sb, fin_cb);
	printf("finalize with no base -> %d\n", r);
	r = event_free_finalize(0, &sb, fin_cb);
	printf("free_finalize with no base -> %d\n", r);

	printf("== finalize an active event: callback dropped, finalizer runs ==\n");
	event_assign(&sa, base, -1, 0, rec_cb, "sa");
	event_active(&sa, EV_READ, 1);
	r = event_finalize(0, &sa, fin_cb);
	printf("finalize -> %d flags=%s\n", r, t_evlist(T_FLAGS(&sa)));
	order[0] = 0;
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK) -> %d order: %s\n", r, order);

	printf("== finalizer order with other active events ==\n");
	a = event_new(base, -1, 0, rec_cb, "A");
	b = event_new(base, -1, 0, rec_cb, "B");
	c = event_new(base, -1, 0, rec_cb, "C");
	event_active(a, EV_READ, 1);
	event_active(b, EV_READ, 1);
	event_finalize(0, b, fin_cb);
	event_active(c, EV_READ, 1);
	order[0] = 0;
	r = event_base_loop(base, EVLOOP_NONBLOCK);
	printf("loop(NONBLOCK) -> %d order: %s\n", r, order);
	event_free(a);
	free(b);
	event_free(c);

	printf("== event_free_finalize from the event's own callback ==\n");
	e = event_new(base, sp[0], EV_WRITE|EV_PERSIST, finalize_self_cb, "selfev");
	event_add(e, NULL);
	order[0] = 0;
	r = event_base_dispatch(base);
	printf("dispatch -> %d order: %s\n", r, order);

	printf("== finalizers pending at event_base_free run ==\n");
	event_assign(&sa, base, -1, 0, rec_cb, "sa");
	event_assign(&sb, base, -1, 0, rec_cb, "sb");
	event_add(&sa, &tv);
	event_finalize(0, &sa, fin_cb);
	e = event_new(base, -1, 0, rec_cb, "e");
	event_free_finalize(0, e, free_fin_cb);
	order[0] = 0;
	event_base_free(base);
	printf("after event_base_free: order: %s\n", order);

	printf("== event_base_free_nofinalize skips finalizers ==\n");
	base = event_base_new();
	event_assign(&sa, base, -1, 0, rec_cb, "sa");
	event_finalize(0, &sa, fin_cb);
	order[0] = 0;
	event_base_free_nofinalize(base);
	printf("after event_base_free_nofinalize: order: '%s' sa flags=%s\n", order,
	    t_evlist(T_FLAGS(&sa)));

	printf("== event_del_noblock / event_del_block ==\n");
	base = event_base_new();
	event_assign(&sa, base, sp[0], EV_READ, rec_cb, "sa");
	event_add(&sa, NULL);
	r = event_del_noblock(&sa);
	printf("del_noblock -> %d flags=%s\n", r, t_evlist(T_FLAGS(&sa)));
	r = event_del_noblock(&sa);
	printf("del_noblock again -> %d\n", r);
	event_add(&sa, &tv);
	r = event_del_block(&sa);
	printf("del_block -> %d flags=%s\n", r, t_evlist(T_FLAGS(&sa)));
	r = event_del_block(&sa);
	printf("del_block again -> %d\n", r);
	memset(&sb, 0, sizeof sb);
	event_set(&sb, -1, 0, rec_cb, "nobase");
	printf("del / del_block / del_noblock with no base -> %d %d %d\n",
	    event_del(&sb), event_del_block(&sb), event_del_noblock(&sb));

	printf("== event_base_free with pending stack events ==\n");
	event_assign(&sa, base, sp[0], EV_READ|EV_PERSIST, rec_cb, "sa");
	event_assign(&sb, base, -1, 0, rec_cb, "sb");
	event_assign(&sc, base, -1, 0, rec_cb, "sc");
	event_add(&sa, NULL);
	event_add(&sb, &tv);
	event_active(&sc, EV_READ, 1);
	printf("before: sa=%s sb=%s sc=%s\n", t_evlist(T_FLAGS(&sa)), t_evlist(T_FLAGS(&sb)),
	    t_evlist(T_FLAGS(&sc)));
	order[0] = 0;
	event_base_free(base);
	printf("after: sa=%s sb=%s sc=%s callbacks run: '%s'\n", t_evlist(T_FLAGS(&sa)),
	    t_evlist(T_FLAGS(&sb)), t_evlist(T_FLAGS(&sc)), order);

	printf("== event_free of a pending event ==\n");
	cfg = event_config_new();
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	e = event_new(base, sp[0], EV_READ, rec_cb, "e");
	event_add(e, &tv);
	event_active(e, EV_READ, 1);
	event_free(e);
	printf("added=%d active=%d\n", event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED),
	    event_base_get_num_events(base, EVENT_BASE_COUNT_ACTIVE));
	order[0] = 0;
	r = event_base_dispatch(base);
	printf("dispatch -> %d order: '%s'\n", r, order);
	event_base_free(base);
	t_close_pair(sp);
	return 0;
}
