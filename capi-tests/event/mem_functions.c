/* mem_functions: event_set_mem_functions -- the library's allocations go
 * through the replacement functions (event_base_new, event_config_new and
 * avoid_method's copy of the name, event_new asking for exactly
 * sizeof(struct event), event_base_once), every allocation is released
 * through the replacement free (live count back to where it was after
 * event_free / event_config_free / event_base_free), and
 * libevent_global_shutdown.  Only yes/no and balances are printed: the
 * number of allocations is an implementation detail. */
#include "common.h"

static long live, n_malloc, n_realloc, n_free, n_128;

static void *my_malloc(size_t sz)
{
	size_t *p = malloc(sz + 16);
	if (!p)
		return NULL;
	p[0] = sz;
	live++;
	n_malloc++;
	if (sz == sizeof(struct event))
		n_128++;
	return (char *)p + 16;
}

static void *my_realloc(void *ptr, size_t sz)
{
	size_t *p;
	n_realloc++;
	if (!ptr)
		return my_malloc(sz);
	p = realloc((char *)ptr - 16, sz + 16);
	if (!p)
		return NULL;
	p[0] = sz;
	return (char *)p + 16;
}

static void my_free(void *ptr)
{
	if (!ptr)
		return;
	n_free++;
	live--;
	free((char *)ptr - 16);
}

static void cb(evutil_socket_t fd, short what, void *arg)
{
	printf("  callback %s\n", (const char *)arg);
}

int main(void)
{
	struct event_base *base;
	struct event_config *cfg;
	struct event *ev, sev;
	struct timeval tv = t_tv(0, 0);
	long before, m;
	int sp[2];

	t_init();
	event_set_mem_functions(my_malloc, my_realloc, my_free);
	event_set_log_callback(t_log_cb);
	t_socketpair(sp, 100);

	before = live;
	m = n_malloc;
	cfg = event_config_new();
	printf("event_config_new used malloc_fn: %s\n", n_malloc > m ? "yes" : "no");
	m = n_malloc;
	event_config_avoid_method(cfg, "kqueue");
	printf("event_config_avoid_method used malloc_fn: %s\n", n_malloc > m ? "yes" : "no");
	m = n_malloc;
	base = event_base_new_with_config(cfg);
	printf("event_base_new_with_config used malloc_fn: %s\n", n_malloc > m ? "yes" : "no");
	event_config_free(cfg);

	m = n_malloc;
	n_128 = 0;
	ev = event_new(base, sp[0], EV_READ|EV_PERSIST, cb, "ev");
	printf("event_new used malloc_fn: %s, for %d-byte blocks: %s\n", n_malloc > m ? "yes" : "no",
	    (int)sizeof(struct event), n_128 ? "yes" : "no");
	m = n_malloc;
	event_assign(&sev, base, sp[0], EV_WRITE, cb, "sev");
	printf("event_assign allocated: %s\n", n_malloc > m ? "yes" : "no");
	event_add(ev, NULL);
	event_add(&sev, NULL);
	m = n_malloc;
	event_base_once(base, -1, EV_TIMEOUT, cb, "once", &tv);
	printf("event_base_once used malloc_fn: %s\n", n_malloc > m ? "yes" : "no");
	t_write(sp[1], "x");
	printf("dispatch...\n");
	event_base_loop(base, EVLOOP_ONCE);
	t_drain(sp[0]);
	m = n_free;
	event_free(ev);
	printf("event_free used free_fn: %s\n", n_free > m ? "yes" : "no");
	event_base_free(base);
	printf("all released after event_base_free: %s\n", live == before ? "yes" : "NO");

	base = event_base_new();
	ev = evtimer_new(base, cb, "timer");
	event_add(ev, &tv);
	event_base_dispatch(base);
	event_free(ev);
	event_base_free(base);
	printf("all released again: %s\n", live == before ? "yes" : "NO");
	libevent_global_shutdown();
	printf("live after libevent_global_shutdown <= before: %s\n", live <= before ? "yes" : "NO");
	t_close_pair(sp);
	return 0;
}
