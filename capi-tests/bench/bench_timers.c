/* Workload (2): timer churn.
 *
 *   bench_timers [-n timers] [-t max_timeout_ms]
 *
 * N timers are created with event_new and added with random timeouts in
 * [0, T) ms; half of them (every other one) are deleted, the other half are
 * rescheduled while pending (event_add again with a new random timeout); then
 * the loop is dispatched until every remaining timer has fired.  Each phase
 * runs in its own non-inlined function (so callgrind can count it) and is
 * timed with the process CPU clock; ns/op per phase, total CPU and peak RSS
 * (VmHWM) are printed as "RESULT key value". */
#include "bench_common.h"
#include <unistd.h>
#include <event2/event.h>

static struct event_base *base;
static struct event **evs;
static long n_timers = 1000000, max_ms = 1000;
static long n_fired;

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	n_fired++;
}

static struct timeval rand_tv(void)
{
	uint64_t us = bench_rand() % (uint64_t)(max_ms * 1000);
	struct timeval tv = { (time_t)(us / 1000000), (suseconds_t)(us % 1000000) };
	return tv;
}

NOINLINE void phase_new(void)
{
	for (long i = 0; i < n_timers; i++)
		evs[i] = event_new(base, -1, 0, timer_cb, NULL);
}

NOINLINE void phase_add(void)
{
	for (long i = 0; i < n_timers; i++) {
		struct timeval tv = rand_tv();
		event_add(evs[i], &tv);
	}
}

NOINLINE void phase_del(void)
{
	for (long i = 0; i < n_timers; i += 2)
		event_del(evs[i]);
}

NOINLINE void phase_resched(void)
{
	for (long i = 1; i < n_timers; i += 2) {
		struct timeval tv = rand_tv();
		event_add(evs[i], &tv);
	}
}

NOINLINE void phase_dispatch(void)
{
	event_base_dispatch(base);
}

NOINLINE void phase_free(void)
{
	for (long i = 0; i < n_timers; i++)
		event_free(evs[i]);
}

int main(int argc, char **argv)
{
	int c;
	uint64_t t0, t1, t2, t3, t4, t5, t6;
	long rss0;

	while ((c = getopt(argc, argv, "n:t:")) != -1) {
		switch (c) {
		case 'n': n_timers = atol(optarg); break;
		case 't': max_ms = atol(optarg); break;
		default: fprintf(stderr, "usage: %s [-n timers] [-t max_timeout_ms]\n", argv[0]); return 1;
		}
	}
	if (max_ms < 1)
		max_ms = 1;
	evs = calloc(n_timers, sizeof *evs);
	memset(evs, 0, n_timers * sizeof *evs); /* touch it: not the library's memory */
	base = event_base_new();
	rss0 = cur_rss_kib();

	t0 = cpu_ns();
	phase_new();
	t1 = cpu_ns();
	phase_add();
	t2 = cpu_ns();
	phase_del();
	t3 = cpu_ns();
	phase_resched();
	t4 = cpu_ns();
	phase_dispatch();
	t5 = cpu_ns();
	long peak = peak_rss_kib();
	phase_free();
	t6 = cpu_ns();

	long half = n_timers / 2, other = n_timers - half;
	RESULT("new_ns", "%.1f", (double)(t1 - t0) / n_timers);
	RESULT("add_ns", "%.1f", (double)(t2 - t1) / n_timers);
	RESULT("del_ns", "%.1f", (double)(t3 - t2) / other);
	RESULT("resched_ns", "%.1f", (double)(t4 - t3) / half);
	RESULT("dispatch_ns", "%.1f", (double)(t5 - t4) / (half ? half : 1));
	RESULT("free_ns", "%.1f", (double)(t6 - t5) / n_timers);
	RESULT("total_cpu_s", "%.4f", (double)(t6 - t0) / 1e9);
	RESULT("peak_rss_kib", "%ld", peak);
	RESULT("rss_growth_kib", "%ld", peak - rss0);
	RESULT("fired", "%ld", n_fired);
	RESULT("impl", "%s", loaded_impl());
	event_base_free(base);
	return n_fired == half ? 0 : 2;
}
