/* Socket bufferevents: data flow, watermarks, EOF, errors, triggers,
 * deferred callbacks, freeing from callbacks. */
#include "bevt.h"

static struct event_base *base;
static int drain_in_readcb = 1;
static int free_in_eventcb = 0;

static void rcb(struct bufferevent *b, void *a)
{
	size_t n = evbuffer_get_length(b->input);
	printf("  [%s] readcb in=%zu", (char *)a, n);
	if (drain_in_readcb == 2 && n >= 10) {
		/* as a program reading fixed-size records would */
		evbuffer_drain(b->input, 8);
		printf(" drained 8");
	} else if (drain_in_readcb == 1 && n) {
		char buf[64];
		size_t k = n < sizeof(buf) - 1 ? n : sizeof(buf) - 1;
		size_t got = bufferevent_read(b, buf, k);
		buf[got] = 0;
		printf(" read %zu \"%s\"", got, got < 40 ? buf : "...");
	}
	printf("\n");
}
static void wcb(struct bufferevent *b, void *a)
{
	printf("  [%s] writecb out=%zu\n", (char *)a, evbuffer_get_length(b->output));
}
static void ecb(struct bufferevent *b, short w, void *a)
{
	int e = errno;
	printf("  [%s] eventcb %s", (char *)a, t_what(w));
	if (w & BEV_EVENT_ERROR)
		printf(" errno=%s", strerror(e));
	printf(" enabled=%s\n", t_en(bufferevent_get_enabled(b)));
	if (free_in_eventcb)
		bufferevent_free(b);
}

static struct bufferevent *mk(int fd, int opts, const char *name)
{
	struct bufferevent *b = bufferevent_socket_new(base, fd, opts);
	bufferevent_setcb(b, rcb, wcb, ecb, (void *)name);
	return b;
}

int main(void)
{
	int fds[2];
	struct bufferevent *a, *b;
	char big[5000];

	t_init();
	base = event_base_new();
	memset(big, 'z', sizeof(big));

	printf("== simple transfer\n");
	t_pair(fds);
	a = mk(fds[0], BEV_OPT_CLOSE_ON_FREE, "A");
	b = mk(fds[1], BEV_OPT_CLOSE_ON_FREE, "B");
	bufferevent_enable(b, EV_READ);
	bufferevent_write(a, "hello", 5);
	printf("after write: A out=%zu\n", evbuffer_get_length(a->output));
	t_spin(base, 3);
	printf("A->B again, B->A\n");
	bufferevent_write(a, "one", 3);
	t_spin(base, 3);
	bufferevent_enable(a, EV_READ);
	bufferevent_write(b, "two", 3);
	t_spin(base, 3);

	printf("== read watermarks B low=5 high=10\n");
	/* (A read callback that leaves the input at the high-water mark is
	 * called again and again by libevent without returning to the loop;
	 * event_rs stops reading until the input is drained. Not tested.) */
	drain_in_readcb = 0;
	bufferevent_setwatermark(b, EV_READ, 5, 10);
	bufferevent_write(a, "abc", 3);
	t_spin(base, 3);
	printf("B in=%zu\n", evbuffer_get_length(b->input));
	bufferevent_write(a, "defg", 4);
	t_spin(base, 3);
	printf("B in=%zu\n", evbuffer_get_length(b->input));
	drain_in_readcb = 2;
	bufferevent_write(a, "0123456789ABCDEFGHIJ", 20);
	t_spin(base, 1);
	printf("B in=%zu, pending R %d\n", evbuffer_get_length(b->input), event_pending(&b->ev_read, EV_READ, NULL) != 0);
	t_spin(base, 1);
	printf("B in=%zu, pending R %d\n", evbuffer_get_length(b->input), event_pending(&b->ev_read, EV_READ, NULL) != 0);
	t_spin(base, 4);
	printf("B in=%zu, pending R %d\n", evbuffer_get_length(b->input), event_pending(&b->ev_read, EV_READ, NULL) != 0);
	bufferevent_disable(b, EV_READ);
	bufferevent_write(a, "0123456789ABCDEFGHIJ", 20);
	t_spin(base, 1);
	printf("disabled: B in=%zu\n", evbuffer_get_length(b->input));
	evbuffer_drain(b->input, 2);
	printf("drained while disabled: pending R %d\n", event_pending(&b->ev_read, EV_READ, NULL) != 0);
	bufferevent_enable(b, EV_READ);
	t_spin(base, 1);
	printf("B in=%zu\n", evbuffer_get_length(b->input));
	drain_in_readcb = 0;
	bufferevent_setwatermark(b, EV_READ, 0, 0);
	evbuffer_drain(b->input, evbuffer_get_length(b->input));
	drain_in_readcb = 1;

	printf("== write low watermark A low=1000\n");
	bufferevent_setwatermark(a, EV_WRITE, 1000, 0);
	bufferevent_disable(b, EV_READ);
	bufferevent_write(a, big, sizeof(big));
	t_spin(base, 2);
	printf("A out=%zu\n", evbuffer_get_length(a->output));
	bufferevent_setwatermark(a, EV_WRITE, 0, 0);
	{
		/* B reads it all, quietly */
		bufferevent_setcb(b, NULL, NULL, ecb, "B");
		bufferevent_enable(b, EV_READ);
		t_spin(base, 6);
		printf("B in=%zu\n", evbuffer_get_length(b->input));
		evbuffer_drain(b->input, evbuffer_get_length(b->input));
		bufferevent_setcb(b, rcb, wcb, ecb, "B");
	}

	printf("== trigger\n");
	bufferevent_setwatermark(b, EV_READ, 3, 0);
	bufferevent_trigger(b, EV_READ, 0);
	printf("trigger R below low-water mark done\n");
	bufferevent_trigger(b, EV_READ, BEV_TRIG_IGNORE_WATERMARKS);
	printf("trigger R ignoring watermarks done\n");
	bufferevent_trigger(b, EV_WRITE, 0);
	printf("trigger W done\n");
	bufferevent_trigger(b, EV_READ|EV_WRITE, BEV_TRIG_IGNORE_WATERMARKS|BEV_TRIG_DEFER_CALLBACKS);
	printf("trigger RW deferred done\n");
	bufferevent_trigger_event(b, BEV_EVENT_EOF|BEV_EVENT_READING, 0);
	bufferevent_trigger_event(b, ~0, BEV_TRIG_DEFER_CALLBACKS);
	printf("trigger_event done\n");
	t_spin(base, 2);
	bufferevent_setwatermark(b, EV_READ, 0, 0);

	printf("== EOF\n");
	bufferevent_free(a);
	printf("A freed: fd open %d\n", t_open(fds[0]));
	t_spin(base, 1);
	printf("after a loop: fd open %d\n", t_open(fds[0]));
	t_spin(base, 3);
	printf("B enabled=%s\n", t_en(bufferevent_get_enabled(b)));

	printf("== write to a closed peer\n");
	bufferevent_write(b, "lost", 4);
	t_spin(base, 3);
	printf("B enabled=%s out=%zu\n", t_en(bufferevent_get_enabled(b)), evbuffer_get_length(b->output));
	bufferevent_free(b);
	t_spin(base, 1);

	printf("== data then EOF, deferred and not\n");
	{
		int i;
		for (i = 0; i < 2; i++) {
			int opts = BEV_OPT_CLOSE_ON_FREE | (i ? BEV_OPT_DEFER_CALLBACKS : 0);
			t_pair(fds);
			b = mk(fds[1], opts, i ? "Bdefer" : "B");
			bufferevent_enable(b, EV_READ);
			write(fds[0], "bye", 3);
			close(fds[0]);
			t_spin(base, 4);
			bufferevent_free(b);
			t_spin(base, 1);
		}
	}

	printf("== deferred callbacks run later\n");
	t_pair(fds);
	a = mk(fds[0], BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS, "Ad");
	b = mk(fds[1], BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS, "Bd");
	bufferevent_enable(b, EV_READ);
	bufferevent_write(a, "x", 1);
	bufferevent_trigger(a, EV_WRITE, 0);
	printf("before loop\n");
	t_spin(base, 4);

	printf("== free from the event callback\n");
	free_in_eventcb = 1;
	bufferevent_free(a);
	t_spin(base, 4);
	printf("B fd open %d\n", t_open(fds[1]));
	free_in_eventcb = 0;

	printf("== incref/decref\n");
	t_pair(fds);
	a = mk(fds[0], BEV_OPT_CLOSE_ON_FREE, "A");
	bufferevent_incref(a);
	bufferevent_free(a);
	t_spin(base, 1);
	printf("after free with an extra ref: fd open %d\n", t_open(fds[0]));
	printf("decref: %d\n", bufferevent_decref(a));
	t_spin(base, 1);
	printf("fd open %d\n", t_open(fds[0]));
	close(fds[1]);

	event_base_free(base);
	return 0;
}
