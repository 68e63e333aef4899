/* thread_api: the thread.h functions with the program's own lock,
 * condition and id callbacks -- installing them, refusing to change them,
 * removing them (with libevent's warning), lock debugging on top, a base
 * made notifiable, and a loop woken from another thread through them.
 * Counts are printed only as "used"/"unused" (how often a library locks
 * is not part of the contract).
 */
#include "common.h"
#include <event2/thread.h>
#include <pthread.h>

static int n_alloc, n_free, n_lock, n_unlock, n_cond_alloc, n_wait, n_signal, n_id;

static void *my_alloc(unsigned locktype)
{
	pthread_mutexattr_t a;
	pthread_mutex_t *m = malloc(sizeof *m);
	__sync_fetch_and_add(&n_alloc, 1);
	pthread_mutexattr_init(&a);
	if (locktype & EVTHREAD_LOCKTYPE_RECURSIVE)
		pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(m, &a);
	return m;
}
static void my_free(void *l, unsigned locktype)
{
	(void)locktype;
	__sync_fetch_and_add(&n_free, 1);
	pthread_mutex_destroy(l);
	free(l);
}
static int my_lock(unsigned mode, void *l)
{
	__sync_fetch_and_add(&n_lock, 1);
	return (mode & EVTHREAD_TRY) ? pthread_mutex_trylock(l) : pthread_mutex_lock(l);
}
static int my_unlock(unsigned mode, void *l)
{
	(void)mode;
	__sync_fetch_and_add(&n_unlock, 1);
	return pthread_mutex_unlock(l);
}
static void *my_cond_alloc(unsigned flags)
{
	pthread_cond_t *c = malloc(sizeof *c);
	(void)flags;
	__sync_fetch_and_add(&n_cond_alloc, 1);
	pthread_cond_init(c, NULL);
	return c;
}
static void my_cond_free(void *c)
{
	pthread_cond_destroy(c);
	free(c);
}
static int my_cond_signal(void *c, int broadcast)
{
	__sync_fetch_and_add(&n_signal, 1);
	return broadcast ? pthread_cond_broadcast(c) : pthread_cond_signal(c);
}
static int my_cond_wait(void *c, void *l, const struct timeval *tv)
{
	(void)tv;
	__sync_fetch_and_add(&n_wait, 1);
	return pthread_cond_wait(c, l) ? -1 : 0;
}
static unsigned long my_id(void)
{
	__sync_fetch_and_add(&n_id, 1);
	return (unsigned long)pthread_self();
}

static void logcb(int sev, const char *msg)
{
	printf("  log[%d] %s\n", sev, msg);
}

static struct event_base *base;
static int fired;

static void cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	fired++;
	event_base_loopbreak(base);
}

static void *activator(void *arg)
{
	struct timespec ms = { 0, 50 * 1000 * 1000 };
	nanosleep(&ms, NULL);	/* let the loop block first */
	event_active(arg, EV_READ, 1);
	return NULL;
}

static const char *used(int n) { return n > 0 ? "used" : "unused"; }

int main(void)
{
	struct evthread_lock_callbacks locks = {
		EVTHREAD_LOCK_API_VERSION, EVTHREAD_LOCKTYPE_RECURSIVE,
		my_alloc, my_free, my_lock, my_unlock
	};
	struct evthread_lock_callbacks other = locks;
	struct evthread_lock_callbacks incomplete = locks;
	struct evthread_condition_callbacks conds = {
		EVTHREAD_CONDITION_API_VERSION, my_cond_alloc, my_cond_free, my_cond_signal, my_cond_wait
	};
	struct event *ev;
	struct timeval hour = { 3600, 0 };
	pthread_t th;
	int r;

	t_init();
	event_set_log_callback(logcb);
	incomplete.unlock = NULL;
	printf("set incomplete lock callbacks -> %d\n", evthread_set_lock_callbacks(&incomplete));
	printf("set lock callbacks -> %d\n", evthread_set_lock_callbacks(&locks));
	printf("set the same again -> %d\n", evthread_set_lock_callbacks(&locks));
	other.lock = my_unlock;
	printf("change them -> %d\n", evthread_set_lock_callbacks(&other));
	printf("set condition callbacks -> %d\n", evthread_set_condition_callbacks(&conds));
	evthread_set_id_callback(my_id);
	evthread_enable_lock_debugging();
	evthread_enable_lock_debuging();	/* the old spelling; twice is harmless */

	base = event_base_new();
	printf("base: %s, locks %s\n", base ? "made" : "NULL", used(n_alloc));
	printf("make_base_notifiable -> %d\n", evthread_make_base_notifiable(base));
	printf("make_base_notifiable(NULL) -> %d\n", evthread_make_base_notifiable(NULL));

	ev = event_new(base, -1, EV_PERSIST, cb, NULL);
	event_add(ev, &hour);
	pthread_create(&th, NULL, activator, ev);
	r = event_base_dispatch(base);
	pthread_join(th, NULL);
	printf("woken from another thread: dispatch -> %d, fired=%d\n", r, fired);
	printf("lock %s, unlock %s, balanced %s, id %s, condition alloc %s\n",
	    used(n_lock), used(n_unlock), n_lock == n_unlock ? "yes" : "no", used(n_id), used(n_cond_alloc));
	event_free(ev);
	event_base_free(base);
	printf("locks freed: %s\n", used(n_free));
	printf("remove lock callbacks -> %d\n", evthread_set_lock_callbacks(NULL));
	printf("remove condition callbacks -> %d\n", evthread_set_condition_callbacks(NULL));
	return 0;
}
