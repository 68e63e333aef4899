/* timers_fast: a base created with EVENT_BASE_FLAG_RS_FAST_TIMERS (our
 * opt-in fast timers; libevent's event_config_set_flag keeps the unknown
 * bit and ignores it, so the transcript is the same) running timers whose
 * deadlines are all distinct: many timers added, deleted, moved later
 * (event_rs leaves their heap keys stale) and earlier, then fired in
 * deadline order; evtimer_pending's tv after a move; common timeouts mixed
 * with heap timers; event_active(EV_TIMEOUT) on a pending timer; a
 * persistent timer; event_base_loopexit with a timeout; event_base_free
 * with timers still pending.  run-diff.sh's "fast" mode runs every test
 * with EVENT_RS_FAST_TIMERS=1 as well. */
#include "common.h"

#ifndef EVENT_BASE_FLAG_RS_FAST_TIMERS
#define EVENT_BASE_FLAG_RS_FAST_TIMERS 0x10000000
#endif

#define N 120

static struct event_base *base;
static struct event *tev[N];
static int deadline_ms[N]; /* relative to the starter's cached time; -1: none */
static int fired[N], n_fired;
static struct event static_evs[8];

static void fire_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	int i = (int)(long)arg;
	if (what != EV_TIMEOUT)
		printf("  timer %d what=%d\n", i, what);
	fired[n_fired++] = i;
}

static unsigned rng = 12345;
static unsigned next_rand(void)
{
	rng = rng * 1103515245u + 12345u;
	return (rng >> 16) & 0x7fff;
}

/* Deadlines 2..2+3N ms, all distinct (a permutation of multiples of 3). */
static int perm[N];
static void make_perm(void)
{
	int i, j, t;
	for (i = 0; i < N; i++)
		perm[i] = i;
	for (i = N - 1; i > 0; i--) {
		j = next_rand() % (i + 1);
		t = perm[i], perm[i] = perm[j], perm[j] = t;
	}
}

static void set_ms(int i, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	evtimer_add(tev[i], &tv);
	deadline_ms[i] = ms;
}

static void churn_cb(evutil_socket_t fd, short what, void *arg)
{
	int i, moved_later = 0, moved_earlier = 0, deleted = 0;
	(void)fd, (void)what, (void)arg;
	make_perm();
	for (i = 0; i < N; i++)
		set_ms(i, 2 + 3 * perm[i]);
	/* Every third deleted, every third moved to a fresh distinct slot
	 * (3k+1 ms: never equal to a 3k+2 one), later or earlier. */
	make_perm();
	for (i = 0; i < N; i++) {
		if (i % 3 == 0) {
			evtimer_del(tev[i]);
			deadline_ms[i] = -1;
			deleted++;
		} else if (i % 3 == 1) {
			int ms = 1 + 3 * perm[i];
			if (ms > deadline_ms[i])
				moved_later++;
			else
				moved_earlier++;
			set_ms(i, ms);
		}
	}
	/* Moved twice: later, then a bit earlier but still later than first. */
	for (i = 1; i < N; i += 9) {
		set_ms(i, deadline_ms[i] + 3 * N + 3);
		set_ms(i, deadline_ms[i] - 1);
	}
	printf("added %d, deleted %d, moved later %d, earlier %d\n", N, deleted, moved_later,
	       moved_earlier > 0 ? 1 : 0);
}

static int by_deadline(const void *a, const void *b)
{
	int x = deadline_ms[*(const int *)a], y = deadline_ms[*(const int *)b];
	return (x > y) - (x < y);
}

static void churn(void)
{
	struct event *starter = evtimer_new(base, churn_cb, NULL);
	struct timeval tv = { 0, 0 };
	int i, n = 0, expect[N], ok = 1;
	evtimer_add(starter, &tv);
	n_fired = 0;
	printf("dispatch -> %d\n", event_base_dispatch(base));
	for (i = 0; i < N; i++)
		if (deadline_ms[i] >= 0)
			expect[n++] = i;
	qsort(expect, n, sizeof expect[0], by_deadline);
	printf("fired %d of %d\n", n_fired, n);
	for (i = 0; i < n && i < n_fired; i++)
		if (fired[i] != expect[i])
			ok = 0;
	printf("in deadline order: %s\n", ok && n == n_fired ? "yes" : "NO");
	printf("first ten:");
	for (i = 0; i < 10 && i < n_fired; i++)
		printf(" %d", fired[i]);
	printf("\n");
	event_free(starter);
}

/* evtimer_pending's tv after moving a pending timer later and earlier. */
static void pending_tv(void)
{
	struct timeval tv, now, d;
	int i, ms[] = { 500, 900, 200, 700 };
	for (i = 0; i < 4; i++) {
		set_ms(0, ms[i]);
		evutil_gettimeofday(&now, NULL);
		printf("pending after %dms add: %d", ms[i], evtimer_pending(tev[0], &tv) != 0);
		evutil_timersub(&tv, &now, &d);
		long left = d.tv_sec * 1000 + d.tv_usec / 1000;
		printf(", left %s\n", left > ms[i] - 50 && left <= ms[i] + 20 ? "as set" : "WRONG");
	}
	evtimer_del(tev[0]);
	printf("pending after del: %d\n", evtimer_pending(tev[0], NULL) != 0);
}

static const struct timeval *common;
static void mixed_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what, (void)arg;
	struct timeval tv = { 0, 5000 };
	int i;
	/* Heap timers at 5, 20, 35 ms, later moved; common ones at 30 ms. */
	for (i = 0; i < 3; i++)
		set_ms(i, 5 + 15 * i);
	for (i = 3; i < 6; i++) {
		event_add(tev[i], common);
		deadline_ms[i] = 30;
	}
	set_ms(0, 40);  /* later: past the common ones */
	set_ms(2, 12);  /* earlier */
	evtimer_add(tev[6], &tv); /* 5 ms, then moved into the common queue */
	event_add(tev[6], common);
}

static void mixed(void)
{
	struct timeval d = { 0, 30000 };
	struct event *starter = evtimer_new(base, mixed_cb, NULL);
	struct timeval tv = { 0, 0 };
	int i;
	common = event_base_init_common_timeout(base, &d);
	printf("common timeout: %s\n", common ? "ok" : "NULL");
	evtimer_add(starter, &tv);
	n_fired = 0;
	printf("dispatch -> %d order:", event_base_dispatch(base));
	for (i = 0; i < n_fired; i++)
		printf(" %d", fired[i]);
	printf("\n");
	event_free(starter);
}

static int n_persist;
static struct event *persist;
static void persist_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)arg;
	printf("  persist what=%d n=%d\n", what, ++n_persist);
	if (n_persist == 4)
		event_del(persist);
}

int main(void)
{
	struct event_config *cfg;
	struct timeval tv;
	int i;

	t_init();
	event_set_log_callback(t_log_cb);
	cfg = event_config_new();
	printf("set flag: %d\n", event_config_set_flag(cfg, EVENT_BASE_FLAG_RS_FAST_TIMERS));
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	printf("base: %s\n", base ? "ok" : "NULL");
	for (i = 0; i < N; i++)
		tev[i] = evtimer_new(base, fire_cb, (void *)(long)i);

	printf("== churn ==\n");
	churn();
	printf("== pending tv ==\n");
	pending_tv();
	printf("== heap and common timeouts ==\n");
	mixed();

	printf("== event_active(EV_TIMEOUT) on a pending timer ==\n");
	set_ms(7, 30);
	event_active(tev[7], EV_TIMEOUT, 1);
	n_fired = 0;
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("ran %d, still pending: %d\n", n_fired, evtimer_pending(tev[7], NULL) != 0);
	evtimer_del(tev[7]);

	printf("== persistent timer ==\n");
	persist = event_new(base, -1, EV_PERSIST, persist_cb, NULL);
	tv.tv_sec = 0, tv.tv_usec = 7000;
	event_add(persist, &tv);
	set_ms(8, 100); /* later than every run */
	event_base_loop(base, EVLOOP_ONCE);
	event_base_loop(base, EVLOOP_ONCE);
	set_ms(8, 150); /* moved later while pending */
	n_fired = 0;
	printf("dispatch -> %d\n", event_base_dispatch(base));
	printf("fired after persist: %d (timer %d)\n", n_fired, n_fired ? fired[0] : -1);

	printf("== loopexit with timers pending ==\n");
	set_ms(9, 10);
	set_ms(10, 20);
	set_ms(11, 60);
	set_ms(10, 40); /* later */
	tv.tv_sec = 0, tv.tv_usec = 30000;
	event_base_loopexit(base, &tv);
	n_fired = 0;
	i = event_base_dispatch(base);
	printf("dispatch -> %d, fired %d (timer %d)\n", i, n_fired, fired[0]);
	printf("pending: 10:%d 11:%d\n", evtimer_pending(tev[10], NULL) != 0, evtimer_pending(tev[11], NULL) != 0);

	printf("== free the base with timers pending ==\n");
	for (i = 0; i < N; i++)
		event_free(tev[i]);
	event_free(persist);
	for (i = 0; i < 8; i++) {
		tv.tv_sec = 1, tv.tv_usec = 1000 * (7 - i);
		event_assign(&static_evs[i], base, -1, 0, fire_cb, (void *)(long)i);
		event_add(&static_evs[i], &tv);
	}
	event_add(&static_evs[3], &tv); /* moved later */
	event_base_free(base);
	printf("done\n");
	return 0;
}
