/* bufferevent_set_max_single_read above 4096: libevent 2.1.12 accepts it but
 * still reads at most 4096 bytes a call; event_rs reads up to the value set
 * (docs/COMPATIBILITY.md). Without the call both read 4096 bytes a call.
 * Checked against large_reads.expected, event_rs only
 * (capi-expected: large_reads.expected). */
#include "bevt.h"

static char data[60000];

static void rcb(struct bufferevent *b, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(b);
	printf("  [%s] first read callback: %zu bytes\n", (char *)arg, evbuffer_get_length(in));
	bufferevent_disable(b, EV_READ);
	event_base_loopbreak(bufferevent_get_base(b));
}

static void one(struct event_base *base, size_t max, const char *tag)
{
	int fds[2];
	struct bufferevent *b;

	t_pair(fds);
	if (write(fds[1], data, sizeof data) != (ssize_t)sizeof data)
		printf("short write\n");
	b = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	if (max) {
		int r = bufferevent_set_max_single_read(b, max);
		printf("  [%s] set_max_single_read(%zu) -> %d, get -> %ld\n", tag, max, r,
		    (long)bufferevent_get_max_single_read(b));
	}
	bufferevent_setcb(b, rcb, NULL, NULL, (void *)tag);
	bufferevent_enable(b, EV_READ);
	event_base_dispatch(base);
	bufferevent_free(b);
	close(fds[1]);
}

int main(void)
{
	struct event_base *base;

	t_init();
	base = event_base_new();
	one(base, 0, "default");
	one(base, 4096, "4096");
	one(base, 1 << 20, "1 MiB");
	one(base, 16384, "16 KiB");
	one(base, 0, "default again");
	event_base_free(base);
	printf("done\n");
	return 0;
}
