/* time_cache: event_base_gettimeofday_cached outside and inside the loop
 * (constant within a callback), event_base_update_cache_time (only inside
 * the loop; NULL base), EVENT_BASE_FLAG_NO_CACHE_TIME, timers added from a
 * callback count from the cached time, event_gettime_monotonic (argument
 * checks, monotonic, near CLOCK_MONOTONIC).  Only coarse buckets are
 * printed. */
#include "common.h"

static struct event_base *base;

static long ms_between(const struct timeval *a, const struct timeval *b)
{
	return (long)((b->tv_sec - a->tv_sec) * 1000 + (b->tv_usec - a->tv_usec) / 1000);
}

static void cache_cb(evutil_socket_t fd, short what, void *arg)
{
	struct timeval t1, t2, t3, real;
	int r1, r2, r3;
	r1 = event_base_gettimeofday_cached(base, &t1);
	usleep(100 * 1000);
	r2 = event_base_gettimeofday_cached(base, &t2);
	printf("  %s: cached twice across 100ms: r=%d,%d delta=%s\n", (const char *)arg, r1, r2,
	    ms_between(&t1, &t2) == 0 && t1.tv_usec == t2.tv_usec ? "0 (cached)" :
	    ms_between(&t1, &t2) >= 90 ? ">=90ms (not cached)" : "other");
	gettimeofday(&real, NULL);
	printf("  %s: second value lags real time by >=80ms: %s\n", (const char *)arg,
	    ms_between(&t2, &real) >= 80 ? "yes" : "no");
	r3 = event_base_update_cache_time(base);
	event_base_gettimeofday_cached(base, &t3);
	printf("  %s: update_cache_time -> %d, now %s\n", (const char *)arg, r3,
	    ms_between(&t1, &t3) >= 90 ? ">=90ms later" : "unchanged");
}

/* A callback sleeps 300ms, then adds timer A (400ms) and timer B (200ms).
 * Without event_base_update_cache_time both deadlines count from the
 * stale cached time, so B is already due; libevent computes the first
 * wait from the stale cache too (200ms), and when it wakes A (due at
 * cached+400 = real+100) is due as well: A fires ~200ms after it was
 * added.  With the update, A fires 400ms after it was added. */
static long long added_at;
static void fire_cb(evutil_socket_t fd, short what, void *arg)
{
	long long el = t_now_ms() - added_at;
	printf("  timer %s fired %s after event_add\n", (const char *)arg,
	    el < 100 ? "<100ms" : el < 300 ? "100..300ms" : ">=300ms");
}

static struct event *late_a, *late_b;
static void add_late_cb(evutil_socket_t fd, short what, void *arg)
{
	struct timeval ta = t_tv(0, 400 * 1000), tb = t_tv(0, 200 * 1000);
	usleep(300 * 1000);
	if (arg)
		event_base_update_cache_time(base);
	added_at = t_now_ms();
	evtimer_add(late_a, &ta);
	evtimer_add(late_b, &tb);
}

int main(void)
{
	struct timeval a, b, real;
	struct timespec ts;
	struct event *ev;
	struct event_config *cfg;
	int r;

	t_init();
	event_set_log_callback(t_log_cb);

	printf("== no base ==\n");
	r = event_base_gettimeofday_cached(NULL, &a);
	gettimeofday(&real, NULL);
	printf("gettimeofday_cached(NULL) -> %d close to real: %d\n", r, labs(ms_between(&a, &real)) < 1000);
	printf("update_cache_time(NULL) -> %d\n", event_base_update_cache_time(NULL));
	printf("gettime_monotonic(NULL, tv) -> %d\n", event_gettime_monotonic(NULL, &a));

	base = event_base_new();
	printf("== outside the loop ==\n");
	r = event_base_gettimeofday_cached(base, &a);
	gettimeofday(&real, NULL);
	printf("gettimeofday_cached -> %d close to real: %d\n", r, labs(ms_between(&a, &real)) < 1000);
	usleep(30 * 1000);
	event_base_gettimeofday_cached(base, &b);
	printf("outside the loop it moves: %s\n", ms_between(&a, &b) >= 25 ? "yes" : "no");
	printf("update_cache_time outside loop -> %d\n", event_base_update_cache_time(base));
	event_base_gettimeofday_cached(base, &a);
	usleep(30 * 1000);
	event_base_gettimeofday_cached(base, &b);
	printf("still uncached: %s\n", ms_between(&a, &b) >= 25 ? "yes" : "no");

	printf("== event_gettime_monotonic ==\n");
	printf("gettime_monotonic(base, NULL) -> %d\n", event_gettime_monotonic(base, NULL));
	r = event_gettime_monotonic(base, &a);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("gettime_monotonic -> %d, within 500ms of CLOCK_MONOTONIC: %d\n", r,
	    labs((long)(ts.tv_sec - a.tv_sec) * 1000 + (ts.tv_nsec / 1000000) - a.tv_usec / 1000) < 500);
	usleep(20 * 1000);
	event_gettime_monotonic(base, &b);
	printf("advances: %s\n", ms_between(&a, &b) >= 10 ? "yes" : "no");

	printf("== inside callbacks ==\n");
	ev = event_new(base, -1, 0, cache_cb, "default");
	event_active(ev, EV_READ, 1);
	event_base_dispatch(base);
	event_free(ev);
	event_base_free(base);

	cfg = event_config_new();
	event_config_set_flag(cfg, EVENT_BASE_FLAG_NO_CACHE_TIME);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	ev = event_new(base, -1, 0, cache_cb, "NO_CACHE_TIME");
	event_active(ev, EV_READ, 1);
	event_base_dispatch(base);
	event_free(ev);
	event_base_free(base);

	printf("== timers added in a callback after a 300ms sleep ==\n");
	base = event_base_new();
	late_a = evtimer_new(base, fire_cb, "A(400ms)");
	late_b = evtimer_new(base, fire_cb, "B(200ms)");
	ev = event_new(base, -1, 0, add_late_cb, NULL);
	event_active(ev, EV_READ, 1);
	printf("without update_cache_time:\n");
	event_base_dispatch(base);
	event_free(ev);
	ev = event_new(base, -1, 0, add_late_cb, "update");
	event_active(ev, EV_READ, 1);
	printf("with update_cache_time:\n");
	event_base_dispatch(base);
	event_free(ev);
	event_free(late_a);
	event_free(late_b);
	event_base_free(base);
	return 0;
}
