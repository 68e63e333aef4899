/* stress: 4 threads add, delete and activate events on one base while its
 * loop runs in the main thread; then one breaks the loop. Bounded: each
 * thread does a fixed number of operations. Prints a summary that does not
 * depend on timing, exits 0 when every check holds. */
#include <event2/event.h>
#include <event2/thread.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define NTHREADS 4
#define NEVENTS 16
#define OPS 2000

static struct event_base *base;
static struct event *evs[NTHREADS][NEVENTS];
static int fired[NTHREADS];		/* written by the loop thread only */
static pthread_mutex_t fired_lock = PTHREAD_MUTEX_INITIALIZER;
static int done_threads;

static void cb(evutil_socket_t fd, short what, void *arg)
{
	int t = (int)(long)arg;
	(void)fd; (void)what;
	pthread_mutex_lock(&fired_lock);
	fired[t]++;
	pthread_mutex_unlock(&fired_lock);
}

static void keepalive(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
}

static void *worker(void *arg)
{
	int t = (int)(long)arg, i;
	unsigned seed = 1234u + (unsigned)t;
	for (i = 0; i < OPS; i++) {
		struct event *ev = evs[t][rand_r(&seed) % NEVENTS];
		struct timeval tv = { 0, (rand_r(&seed) % 2000) };
		switch (rand_r(&seed) % 4) {
		case 0: event_add(ev, &tv); break;
		case 1: event_del(ev); break;
		case 2: event_active(ev, EV_TIMEOUT, 1); break;
		case 3: event_add(ev, NULL); event_del(ev); break;
		}
	}
	/* The loop must run a callback activated from here: wait (bounded)
	 * until it has. */
	{
		int before, now, waited = 0;
		pthread_mutex_lock(&fired_lock);
		before = fired[t];
		pthread_mutex_unlock(&fired_lock);
		event_active(evs[t][0], EV_TIMEOUT, 1);
		do {
			struct timespec ms = { 0, 1000000 };
			nanosleep(&ms, NULL);
			pthread_mutex_lock(&fired_lock);
			now = fired[t];
			pthread_mutex_unlock(&fired_lock);
		} while (now == before && ++waited < 10000);
	}
	for (i = 0; i < NEVENTS; i++)
		event_del(evs[t][i]);
	pthread_mutex_lock(&fired_lock);
	if (++done_threads == NTHREADS)
		event_base_loopbreak(base);
	pthread_mutex_unlock(&fired_lock);
	return NULL;
}

int main(void)
{
	pthread_t th[NTHREADS];
	struct event *alive;
	struct timeval hour = { 3600, 0 };
	int t, i, total = 0, r;

	if (evthread_use_pthreads() != 0)
		return 2;
	base = event_base_new();
	for (t = 0; t < NTHREADS; t++)
		for (i = 0; i < NEVENTS; i++)
			evs[t][i] = event_new(base, -1, 0, cb, (void *)(long)t);
	/* Keeps the loop running until the workers break it. */
	alive = event_new(base, -1, EV_PERSIST, keepalive, NULL);
	event_add(alive, &hour);
	for (t = 0; t < NTHREADS; t++)
		pthread_create(&th[t], NULL, worker, (void *)(long)t);
	r = event_base_dispatch(base);
	for (t = 0; t < NTHREADS; t++)
		pthread_join(th[t], NULL);
	for (t = 0; t < NTHREADS; t++)
		total += fired[t];
	printf("loop returned %d, got_break=%d\n", r, event_base_got_break(base));
	printf("callbacks ran: %s\n", total >= NTHREADS ? "yes" : "no");
	printf("events left pending: %d\n",
	    event_base_get_num_events(base, EVENT_BASE_COUNT_ADDED | EVENT_BASE_COUNT_ACTIVE));
	for (t = 0; t < NTHREADS; t++)
		for (i = 0; i < NEVENTS; i++)
			event_free(evs[t][i]);
	event_free(alive);
	event_base_free(base);
	libevent_global_shutdown();
	return 0;
}
