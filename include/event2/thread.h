/* event_rs: event2/thread.h -- locking hooks (evthread_use_pthreads or
 * custom lock and condition callbacks). */
#ifndef EVENT2_THREAD_H_INCLUDED_
#define EVENT2_THREAD_H_INCLUDED_

#include <event2/visibility.h>
#include <event2/event-config.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Lock modes passed to the lock/unlock callbacks. */
#define EVTHREAD_WRITE	0x04
#define EVTHREAD_READ	0x08
#define EVTHREAD_TRY    0x10

/* Lock callbacks, as given to evthread_set_lock_callbacks(). */
#define EVTHREAD_LOCK_API_VERSION 1

/* Lock types a lock allocator may be asked for. */
#define EVTHREAD_LOCKTYPE_RECURSIVE 1
#define EVTHREAD_LOCKTYPE_READWRITE 2

struct evthread_lock_callbacks {
	/* EVTHREAD_LOCK_API_VERSION */
	int lock_api_version;
	/* EVTHREAD_LOCKTYPE_* bits the allocator supports */
	unsigned supported_locktypes;
	void *(*alloc)(unsigned locktype);
	void (*free)(void *lock, unsigned locktype);
	/* return 0 on success */
	int (*lock)(unsigned mode, void *lock);
	int (*unlock)(unsigned mode, void *lock);
};

/* Condition-variable callbacks (evthread_set_condition_callbacks). */
#define EVTHREAD_CONDITION_API_VERSION 1

struct timeval;

struct evthread_condition_callbacks {
	/* EVTHREAD_CONDITION_API_VERSION */
	int condition_api_version;
	void *(*alloc_condition)(unsigned condtype);
	void (*free_condition)(void *cond);
	/* wake one waiter, or all when broadcast is non-zero */
	int (*signal_condition)(void *cond, int broadcast);
	/* 0 when signalled, 1 on timeout, -1 on error */
	int (*wait_condition)(void *cond, void *lock,
	    const struct timeval *timeout);
};

/* evthread_use_pthreads() is available. */
#define EVTHREAD_USE_PTHREADS_IMPLEMENTED 1

struct event_base;

/*
 Installs lock functions (NULL removes them); they cannot be changed once set.
 */
EVENT2_EXPORT_SYMBOL int evthread_set_lock_callbacks(const struct evthread_lock_callbacks *cbs);

/*
 Installs condition-variable functions (NULL removes them).
 */
EVENT2_EXPORT_SYMBOL int evthread_set_condition_callbacks(const struct evthread_condition_callbacks *cbs);

/*
 Installs the function that names the calling thread.
 */
EVENT2_EXPORT_SYMBOL void evthread_set_id_callback(unsigned long (*id_fn)(void));

/*
 Uses pthreads for locks, condition variables and thread ids.
 */
EVENT2_EXPORT_SYMBOL int evthread_use_pthreads(void);

/*
 Makes every lock check that it is released by its holder, as often as taken.
 */
EVENT2_EXPORT_SYMBOL void evthread_enable_lock_debugging(void);

/*
 The old misspelt name of `evthread_enable_lock_debugging`.
 */
EVENT2_EXPORT_SYMBOL void evthread_enable_lock_debuging(void);

/*
 Lets other threads wake the base's loop; 0 on success.
 */
EVENT2_EXPORT_SYMBOL int evthread_make_base_notifiable(struct event_base *base);

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_THREAD_H_INCLUDED_ */
