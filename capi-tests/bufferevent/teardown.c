/* Freeing at teardown: bufferevents (filters over pairs, sockets) freed with
 * no loop pass before event_base_free must release everything, the
 * underlying bufferevent of a BEV_OPT_CLOSE_ON_FREE filter included (its
 * release is queued by the filter's own finalizer). Counted through
 * event_set_mem_functions: the allocations still outstanding after
 * event_base_free must be none. */
#include "bevt.h"

static long outstanding;

static void *count_malloc(size_t n)
{
	void *p = malloc(n);
	if (p)
		outstanding++;
	return p;
}

static void *count_realloc(void *p, size_t n)
{
	void *q = realloc(p, n);
	if (!p && q)
		outstanding++;
	return q;
}

static void count_free(void *p)
{
	if (p)
		outstanding--;
	free(p);
}

static enum bufferevent_filter_result pass(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t lim,
					   enum bufferevent_flush_mode mode, void *ctx)
{
	(void)lim; (void)mode; (void)ctx;
	evbuffer_add_buffer(dst, src);
	return BEV_OK;
}

static void run(const char *what, int loop_pass, int defer)
{
	struct event_base *base;
	struct bufferevent *pair[2], *f, *s;
	int fds[2];
	long before = outstanding;

	base = event_base_new();
	bufferevent_pair_new(base, defer, pair);
	f = bufferevent_filter_new(pair[0], pass, pass, BEV_OPT_CLOSE_ON_FREE | defer, NULL, NULL);
	bufferevent_enable(f, EV_READ | EV_WRITE);
	bufferevent_write(f, "data", 4);
	socketpair(AF_UNIX, SOCK_STREAM, 0, fds);
	s = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE | defer);
	bufferevent_enable(s, EV_READ);
	if (loop_pass)
		event_base_loop(base, EVLOOP_NONBLOCK);
	bufferevent_free(f);
	bufferevent_free(pair[1]);
	bufferevent_free(s);
	event_base_free(base);
	close(fds[1]);
	printf("%s: allocations left after event_base_free: %ld\n", what, outstanding - before);
}

int main(void)
{
	t_init();
	event_set_mem_functions(count_malloc, count_realloc, count_free);
	run("no loop pass", 0, 0);
	run("one loop pass", 1, 0);
	run("deferred callbacks, no loop pass", 0, BEV_OPT_DEFER_CALLBACKS);
	run("deferred callbacks, one loop pass", 1, BEV_OPT_DEFER_CALLBACKS);
	return 0;
}
