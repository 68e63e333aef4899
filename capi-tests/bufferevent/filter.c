/* Filtering bufferevents over socket and pair bufferevents: transforms,
 * limits, NEED_MORE/ERROR, flush modes, freeing, events passed through. */
#include "bevt.h"
#include <ctype.h>

static struct event_base *base;
static int verbose_filters = 1;

static void rcb(struct bufferevent *b, void *a)
{
	char buf[128];
	size_t n = bufferevent_read(b, buf, sizeof(buf) - 1);
	buf[n] = 0;
	printf("  [%s] readcb got %zu \"%s\"\n", (char *)a, n, buf);
}
static void wcb(struct bufferevent *b, void *a)
{
	printf("  [%s] writecb out=%zu\n", (char *)a, evbuffer_get_length(b->output));
}
static void ecb(struct bufferevent *b, short w, void *a)
{
	printf("  [%s] eventcb %s enabled=%s\n", (char *)a, t_what(w), t_en(bufferevent_get_enabled(b)));
}
static const char *mode_name(enum bufferevent_flush_mode m)
{
	return m == BEV_NORMAL ? "NORMAL" : m == BEV_FLUSH ? "FLUSH" : m == BEV_FINISHED ? "FINISHED" : "?";
}

/* Upper-cases everything. */
static enum bufferevent_filter_result
upper(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t lim, enum bufferevent_flush_mode mode, void *ctx)
{
	size_t n = evbuffer_get_length(src);
	unsigned char *p;
	size_t i;
	if (verbose_filters)
		printf("    upper(%s) src=%zu lim=%zd mode=%s\n", (char *)ctx, n, lim, mode_name(mode));
	if (lim >= 0 && (size_t)lim < n)
		n = lim;
	p = evbuffer_pullup(src, n);
	for (i = 0; i < n; i++)
		p[i] = toupper(p[i]);
	evbuffer_remove_buffer(src, dst, n);
	return BEV_OK;
}

/* Passes complete lines only. */
static enum bufferevent_filter_result
lines(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t lim, enum bufferevent_flush_mode mode, void *ctx)
{
	size_t n;
	char *line = evbuffer_readln(src, &n, EVBUFFER_EOL_LF);
	(void)lim; (void)ctx;
	if (!line) {
		printf("    lines(%s): need more (src=%zu)\n", mode_name(mode), evbuffer_get_length(src));
		if (mode == BEV_FINISHED && evbuffer_get_length(src)) {
			evbuffer_add_buffer(dst, src);
			return BEV_OK;
		}
		return BEV_NEED_MORE;
	}
	printf("    lines(%s): \"%s\"\n", mode_name(mode), line);
	evbuffer_add_printf(dst, "<%s>", line);
	free(line);
	return BEV_OK;
}

/* Fails on a '!'. */
static enum bufferevent_filter_result
picky(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t lim, enum bufferevent_flush_mode mode, void *ctx)
{
	struct evbuffer_ptr p = evbuffer_search(src, "!", 1, NULL);
	(void)lim; (void)mode; (void)ctx;
	if (p.pos >= 0) {
		printf("    picky: error\n");
		return BEV_ERROR;
	}
	evbuffer_add_buffer(dst, src);
	return BEV_OK;
}

static void free_ctx(void *ctx)
{
	printf("    free_context(%s)\n", (char *)ctx);
}

int main(void)
{
	int fds[2];
	struct bufferevent *u1, *u2, *f1, *f2, *p[2];
	int r;

	t_init();
	base = event_base_new();

	printf("== filters over sockets\n");
	t_pair(fds);
	u1 = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	u2 = bufferevent_socket_new(base, fds[1], BEV_OPT_CLOSE_ON_FREE);
	f1 = bufferevent_filter_new(u1, NULL, upper, BEV_OPT_CLOSE_ON_FREE, free_ctx, "f1");
	f2 = bufferevent_filter_new(u2, lines, NULL, BEV_OPT_CLOSE_ON_FREE, free_ctx, "f2");
	printf("filter_new(NULL): %p\n", (void *)bufferevent_filter_new(NULL, NULL, NULL, 0, NULL, NULL));
	printf("underlying %d %d, getfd same %d, base same %d\n", bufferevent_get_underlying(f1) == u1,
	    bufferevent_get_underlying(f2) == u2, bufferevent_getfd(f1) == fds[0], bufferevent_get_base(f1) == base);
	printf("enabled: f1 %s u1 %s\n", t_en(bufferevent_get_enabled(f1)), t_en(bufferevent_get_enabled(u1)));
	{
		bufferevent_data_cb r_, w_;
		bufferevent_event_cb e_;
		void *arg;
		bufferevent_getcb(u1, &r_, &w_, &e_, &arg);
		printf("underlying callbacks set: %d %d %d arg is filter %d\n", r_ != NULL, w_ != NULL, e_ != NULL, arg == f1);
	}
	bufferevent_setcb(f1, rcb, wcb, ecb, "F1");
	bufferevent_setcb(f2, rcb, wcb, ecb, "F2");
	bufferevent_enable(f2, EV_READ);
	printf("write to f1\n");
	bufferevent_write(f1, "hello\nwor", 9);
	printf("f1 out=%zu u1 out=%zu\n", evbuffer_get_length(f1->output), evbuffer_get_length(u1->output));
	t_spin(base, 4);
	printf("f2 in=%zu u2 in=%zu\n", evbuffer_get_length(f2->input), evbuffer_get_length(u2->input));
	bufferevent_write(f1, "ld\nbye", 6);
	t_spin(base, 4);
	printf("flush f2 read FINISHED: ");
	r = bufferevent_flush(f2, EV_READ, BEV_FINISHED);
	printf("%d, f2 in=%zu\n", r, evbuffer_get_length(f2->input));
	t_spin(base, 2);
	evbuffer_drain(f2->input, 100);
	printf("flush f1 write FLUSH: %d\n", bufferevent_flush(f1, EV_WRITE, BEV_FLUSH));
	printf("flush f1 write NORMAL: %d\n", bufferevent_flush(f1, EV_WRITE, BEV_NORMAL));
	t_spin(base, 2);

	printf("== write-side disable\n");
	bufferevent_disable(f1, EV_WRITE);
	bufferevent_write(f1, "held\n", 5);
	printf("f1 out=%zu u1 out=%zu\n", evbuffer_get_length(f1->output), evbuffer_get_length(u1->output));
	bufferevent_enable(f1, EV_WRITE);
	printf("after enable: f1 out=%zu u1 out=%zu\n", evbuffer_get_length(f1->output), evbuffer_get_length(u1->output));
	bufferevent_write(f1, "", 0);
	printf("after empty write: f1 out=%zu\n", evbuffer_get_length(f1->output));
	t_spin(base, 4);

	printf("== underlying write high-water mark 4\n");
	/* (the receiving side waits, so that only one socket is ready at a time) */
	bufferevent_disable(f2, EV_READ);
	bufferevent_setwatermark(u1, EV_WRITE, 0, 4);
	bufferevent_write(f1, "abcdefghij\n", 11);
	printf("f1 out=%zu u1 out=%zu\n", evbuffer_get_length(f1->output), evbuffer_get_length(u1->output));
	t_spin(base, 6);
	printf("f1 out=%zu\n", evbuffer_get_length(f1->output));
	bufferevent_setwatermark(u1, EV_WRITE, 0, 0);
	bufferevent_enable(f2, EV_READ);
	t_spin(base, 4);

	printf("== EOF passes through\n");
	bufferevent_free(f1);
	printf("f1 freed: u1's fd open %d\n", t_open(fds[0]));
	t_spin(base, 1);
	printf("after a loop: %d\n", t_open(fds[0]));
	t_spin(base, 4);
	bufferevent_free(f2);
	t_spin(base, 2);
	printf("u2's fd open %d\n", t_open(fds[1]));

	printf("== without CLOSE_ON_FREE the underlying stays\n");
	t_pair(fds);
	u1 = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	f1 = bufferevent_filter_new(u1, picky, picky, 0, free_ctx, "f3");
	bufferevent_setcb(f1, rcb, wcb, ecb, "F3");
	bufferevent_enable(f1, EV_READ);
	write(fds[1], "fine", 4);
	t_spin(base, 3);
	write(fds[1], "bad!", 4);
	t_spin(base, 3);
	printf("u1 in=%zu f3 in=%zu\n", evbuffer_get_length(u1->input), evbuffer_get_length(f1->input));
	printf("write with error: %d\n", bufferevent_write(f1, "no!", 3));
	printf("f3 out=%zu\n", evbuffer_get_length(f1->output));
	t_spin(base, 3);
	bufferevent_free(f1);
	t_spin(base, 2);
	{
		bufferevent_data_cb r_, w_;
		bufferevent_event_cb e_;
		void *arg;
		bufferevent_getcb(u1, &r_, &w_, &e_, &arg);
		printf("u1 after the filter: callbacks %d %d %d, fd open %d, enabled %s\n", r_ != NULL, w_ != NULL,
		    e_ != NULL, t_open(fds[0]), t_en(bufferevent_get_enabled(u1)));
	}
	bufferevent_free(u1);
	t_spin(base, 2);
	close(fds[1]);

	printf("== filters over a pair, with read high-water marks\n");
	bufferevent_pair_new(base, 0, p);
	f1 = bufferevent_filter_new(p[0], NULL, upper, 0, NULL, "pf1");
	f2 = bufferevent_filter_new(p[1], upper, NULL, BEV_OPT_DEFER_CALLBACKS, NULL, "pf2");
	bufferevent_setcb(f1, rcb, wcb, ecb, "PF1");
	bufferevent_setcb(f2, rcb, wcb, ecb, "PF2");
	bufferevent_setwatermark(f2, EV_READ, 0, 5);
	bufferevent_enable(f2, EV_READ);
	bufferevent_write(f1, "abcdefghijkl", 12);
	printf("pf2 in=%zu pair1 in=%zu\n", evbuffer_get_length(f2->input), evbuffer_get_length(p[1]->input));
	t_spin(base, 6);
	printf("pf2 in=%zu pair1 in=%zu\n", evbuffer_get_length(f2->input), evbuffer_get_length(p[1]->input));
	printf("flush pf1 FINISHED: %d\n", bufferevent_flush(f1, EV_WRITE, BEV_FINISHED));
	t_spin(base, 4);
	bufferevent_free(f1);
	bufferevent_free(f2);
	bufferevent_free(p[0]);
	bufferevent_free(p[1]);
	t_spin(base, 2);

	printf("== timeouts on a filter\n");
	verbose_filters = 0;
	u1 = bufferevent_socket_new(base, -1, 0);
	f1 = bufferevent_filter_new(u1, NULL, NULL, BEV_OPT_CLOSE_ON_FREE, NULL, NULL);
	bufferevent_setcb(f1, rcb, wcb, ecb, "TF");
	{
		struct timeval tr = { 0, 50000 }, tw = { 0, 100000 };
		bufferevent_set_timeouts(f1, &tr, &tw);
		printf("timers after set_timeouts: %d %d\n", event_pending(&f1->ev_read, EV_TIMEOUT, NULL) != 0,
		    event_pending(&f1->ev_write, EV_TIMEOUT, NULL) != 0);
		bufferevent_enable(f1, EV_READ | EV_WRITE);
		printf("timers after enable: %d %d\n", event_pending(&f1->ev_read, EV_TIMEOUT, NULL) != 0,
		    event_pending(&f1->ev_write, EV_TIMEOUT, NULL) != 0);
		t_dispatch(base, 2000);
		printf("enabled %s\n", t_en(bufferevent_get_enabled(f1)));
	}
	bufferevent_free(f1);
	t_spin(base, 2);

	event_base_free(base);
	printf("done\n");
	return 0;
}
