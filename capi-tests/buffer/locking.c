/* evbuffer_enable_locking / evbuffer_lock / evbuffer_unlock with threads
 * enabled: buffers shared by several threads stay consistent. */
#include "bt.h"
#include <event2/thread.h>
#include <pthread.h>

static struct evbuffer *shared;
static size_t removed[2];

static void *adder(void *arg)
{
	int i;
	for (i = 0; i < 20000; i++)
		evbuffer_add(shared, "abcd", 4);
	return arg;
}

static void *remover(void *arg)
{
	size_t *out = arg;
	char tmp[64];
	int i, r;
	for (i = 0; i < 20000; i++) {
		r = evbuffer_remove(shared, tmp, sizeof tmp);
		if (r > 0)
			*out += r;
	}
	return NULL;
}

static int cbcount;
static void cb(struct evbuffer *b, const struct evbuffer_cb_info *i, void *arg)
{
	cbcount++;
}

int main(void)
{
	pthread_t t[4];
	struct evbuffer *b;
	int i;
	void *lock;

	t_init();
	b = evbuffer_new();
	printf("enable_locking before threads -> %d\n", evbuffer_enable_locking(b, NULL));
	evbuffer_free(b);
	printf("use_pthreads -> %d\n", evthread_use_pthreads());

	shared = evbuffer_new();
	printf("enable_locking -> %d\n", evbuffer_enable_locking(shared, NULL));
	printf("enable_locking again -> %d\n", evbuffer_enable_locking(shared, NULL));
	evbuffer_add_cb(shared, cb, NULL);
	pthread_create(&t[0], NULL, adder, NULL);
	pthread_create(&t[1], NULL, adder, NULL);
	pthread_create(&t[2], NULL, remover, &removed[0]);
	pthread_create(&t[3], NULL, remover, &removed[1]);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("added 160000, removed+left = %zu, callbacks>0: %d\n",
	    removed[0] + removed[1] + evbuffer_get_length(shared), cbcount > 0);

	evbuffer_lock(shared);
	evbuffer_lock(shared); /* recursive */
	evbuffer_add(shared, "x", 1);
	evbuffer_unlock(shared);
	evbuffer_unlock(shared);
	evbuffer_free(shared);

	/* A lock given by the program. */
	b = evbuffer_new();
	shared = evbuffer_new();
	evbuffer_enable_locking(shared, NULL);
	evbuffer_lock(shared);
	lock = NULL;
	printf("enable_locking with own lock -> %d\n", evbuffer_enable_locking(b, NULL) == 0);
	evbuffer_unlock(shared);
	evbuffer_add(b, "abc", 3);
	dump("b", b);
	evbuffer_free(b);
	evbuffer_free(shared);
	(void)lock;
	return 0;
}
