/* common_timeout: event_base_init_common_timeout (same duration -> same
 * pointer, encoded tv_usec value, normalisation of tv_usec >= 1000000,
 * a common timeval passed back in, the 256 limit and its warning),
 * events using common timeouts fire (FIFO within one duration, merged in
 * deadline order with heap timers), event_pending returns a plain
 * timeval, persistent events with a common timeout, del / remove_timer /
 * re-add with a normal timeout, counts. */
#include "common.h"

static struct event_base *base;
static char order[512];

static void rec_cb(evutil_socket_t fd, short what, void *arg)
{
	strcat(order, (const char *)arg);
	strcat(order, " ");
}

/* Durations are far apart (50 / 250 / 450ms) so that a loaded machine
 * cannot make two groups expire in the same loop pass. */
static const struct timeval *ct30, *ct60, *ct50, *ct450;
static struct event *evs[8];
static void add_from_cb(evutil_socket_t fd, short what, void *arg)
{
	struct timeval t250 = t_tv(0, 250 * 1000);
	struct timeval t50 = t_tv(0, 50 * 1000);
	event_add(evs[0], ct50);
	event_add(evs[1], ct450);
	event_add(evs[2], &t250);	/* heap timer between the two */
	event_add(evs[3], ct50);
	event_add(evs[4], &t50);	/* heap timer with the same deadline as ct50 */
	event_add(evs[5], ct50);
	event_add(evs[6], ct450);
}

static int pcount;
static void persist_cb(evutil_socket_t fd, short what, void *arg)
{
	struct event *ev = arg;
	struct timeval tv;
	pcount++;
	event_pending(ev, EV_TIMEOUT, &tv);
	printf("  persist #%d what=%s usec-plain=%d\n", pcount, t_evs(what),
	    tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	if (pcount == 3)
		event_del(ev);
}

static void show_ct(const char *label, const struct timeval *ct)
{
	if (!ct) {
		printf("%s: NULL\n", label);
		return;
	}
	printf("%s: tv_sec=%ld tv_usec=0x%08lx (magic=0x%lx idx=%ld usec=%ld)\n", label,
	    (long)ct->tv_sec, (unsigned long)ct->tv_usec,
	    ((unsigned long)ct->tv_usec & 0xf0000000ul),
	    ((long)ct->tv_usec & 0x0ff00000l) >> 20, (long)ct->tv_usec & 0xfffff);
}

int main(void)
{
	struct timeval d;
	const struct timeval *p, *q;
	struct event *e, *starter;
	int i, r;

	t_init();
	event_set_log_callback(t_log_cb);
	base = event_base_new();

	printf("== init_common_timeout ==\n");
	d = t_tv(0, 30 * 1000);
	ct30 = event_base_init_common_timeout(base, &d);
	show_ct("30ms", ct30);
	d = t_tv(0, 60 * 1000);
	ct60 = event_base_init_common_timeout(base, &d);
	show_ct("60ms", ct60);
	d = t_tv(0, 30 * 1000);
	p = event_base_init_common_timeout(base, &d);
	printf("30ms again: same pointer=%d\n", p == ct30);
	p = event_base_init_common_timeout(base, ct30);
	printf("common 30ms passed back: same pointer=%d\n", p == ct30);
	d = t_tv(0, 1500000);
	p = event_base_init_common_timeout(base, &d);
	show_ct("{0,1500000}", p);
	d = t_tv(1, 500000);
	q = event_base_init_common_timeout(base, &d);
	printf("{1,500000}: same as {0,1500000}=%d\n", p == q);
	d = t_tv(0, 1000000);
	p = event_base_init_common_timeout(base, &d);
	show_ct("{0,1000000} (not normalised)", p);
	d = t_tv(0, 0);
	p = event_base_init_common_timeout(base, &d);
	show_ct("{0,0}", p);
	d = t_tv(5, 0);
	p = event_base_init_common_timeout(base, &d);
	show_ct("{5,0}", p);

	printf("== firing order ==\n");
	d = t_tv(0, 50 * 1000);
	ct50 = event_base_init_common_timeout(base, &d);
	d = t_tv(0, 450 * 1000);
	ct450 = event_base_init_common_timeout(base, &d);
	for (i = 0; i < 7; i++) {
		static const char *names[] = { "c50a", "c450a", "h250", "c50b", "h50", "c50c", "c450b" };
		evs[i] = evtimer_new(base, rec_cb, (void *)names[i]);
	}
	starter = evtimer_new(base, add_from_cb, NULL);
	d = t_tv(0, 0);
	evtimer_add(starter, &d);
	order[0] = 0;
	r = event_base_dispatch(base);
	printf("dispatch -> %d order: %s\n", r, order);

	/* all on one common timeout: FIFO whatever the clock does */
	printf("== added outside the loop: FIFO per common timeout ==\n");
	for (i = 0; i < 5; i++)
		event_add(evs[i], ct50);
	printf("added=%d\n", event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED));
	event_del(evs[2]);
	event_add(evs[1], ct50);	/* re-add moves it to the end */
	order[0] = 0;
	r = event_base_dispatch(base);
	printf("dispatch -> %d order: %s\n", r, order);

	printf("== event_pending on a common-timeout event ==\n");
	{
		struct timeval now, got;
		d = t_tv(5, 0);
		p = event_base_init_common_timeout(base, &d);
		gettimeofday(&now, NULL);
		event_add(evs[0], p);
		r = event_pending(evs[0], EV_TIMEOUT, &got);
		long diff = (got.tv_sec - now.tv_sec) * 1000 + (got.tv_usec - now.tv_usec) / 1000;
		printf("pending -> %d usec<1e6=%d about 5s=%d\n", r, got.tv_usec < 1000000,
		    diff > 4500 && diff < 5500);
		printf("ev_timeout.tv_usec has magic=%d\n",
		    ((unsigned long)evs[0]->ev_timeout.tv_usec & 0xf0000000ul) == 0x50000000ul);
		r = event_remove_timer(evs[0]);
		printf("remove_timer -> %d pending=%d\n", r, evtimer_pending(evs[0], NULL));
		event_add(evs[0], p);
		d = t_tv(0, 10 * 1000);
		event_add(evs[0], &d);	/* now an ordinary timer */
		printf("re-added with a plain 10ms: magic=%d\n",
		    ((unsigned long)evs[0]->ev_timeout.tv_usec & 0xf0000000ul) == 0x50000000ul);
		order[0] = 0;
		r = event_base_dispatch(base);
		printf("dispatch -> %d order: %s\n", r, order);
	}

	printf("== persistent event with a common timeout ==\n");
	e = event_new(base, -1, EV_PERSIST, persist_cb, event_self_cbarg());
	d = t_tv(0, 20 * 1000);
	p = event_base_init_common_timeout(base, &d);
	event_add(e, p);
	r = event_base_dispatch(base);
	printf("dispatch -> %d count=%d\n", r, pcount);
	event_free(e);

	printf("== event_del of common-timeout events ==\n");
	event_add(evs[0], ct30);
	event_add(evs[1], ct30);
	event_add(evs[2], ct30);
	event_del(evs[0]);
	event_del(evs[1]);
	event_del(evs[2]);
	printf("added=%d\n", event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED));
	r = event_base_dispatch(base);
	printf("dispatch -> %d\n", r);

	printf("== the 256 limit ==\n");
	{
		int made = 0, null_at = -1;
		for (i = 0; i < 300; i++) {
			d = t_tv(100, i);
			p = event_base_init_common_timeout(base, &d);
			if (p)
				made++;
			else if (null_at < 0)
				null_at = i;
			if (!p && i > null_at)
				break;
		}
		printf("made=%d first NULL at i=%d\n", made, null_at);
		d = t_tv(0, 30 * 1000);
		p = event_base_init_common_timeout(base, &d);
		printf("existing 30ms still found: %d\n", p == ct30);
	}

	for (i = 0; i < 7; i++)
		event_free(evs[i]);
	event_free(starter);
	event_base_free(base);
	return 0;
}
