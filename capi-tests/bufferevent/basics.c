/* Defaults, accessors and argument checks of socket bufferevents. */
#include "bevt.h"
#include <stddef.h>

static void rcb(struct bufferevent *b, void *a) { (void)b; (void)a; }
static void wcb(struct bufferevent *b, void *a) { (void)b; (void)a; }
static void ecb(struct bufferevent *b, short w, void *a) { (void)b; (void)w; (void)a; }

int main(void)
{
	struct event_base *base;
	struct bufferevent *bev, *bev2;
	int fds[2];
	size_t lo = 7, hi = 7;
	bufferevent_data_cb r = rcb, w = wcb;
	bufferevent_event_cb e = ecb;
	void *arg = &r;
	int x;

	t_init();
	printf("sizeof struct bufferevent %zu\n", sizeof(struct bufferevent));
	printf("offsets: ev_read %zu ev_write %zu input %zu output %zu wm_read %zu readcb %zu enabled %zu\n",
	    offsetof(struct bufferevent, ev_read), offsetof(struct bufferevent, ev_write),
	    offsetof(struct bufferevent, input), offsetof(struct bufferevent, output),
	    offsetof(struct bufferevent, wm_read), offsetof(struct bufferevent, readcb),
	    offsetof(struct bufferevent, enabled));

	base = event_base_new();
	t_pair(fds);
	bev = bufferevent_socket_new(base, fds[0], 0);
	printf("new: %s\n", bev ? "ok" : "NULL");
	printf("ev_base is base: %d, get_base is base: %d\n", bev->ev_base == base, bufferevent_get_base(bev) == base);
	printf("input/output: %d %d distinct %d\n", bufferevent_get_input(bev) == bev->input,
	    bufferevent_get_output(bev) == bev->output, bev->input != bev->output);
	printf("enabled %s field %s\n", t_en(bufferevent_get_enabled(bev)), t_en(bev->enabled));
	printf("getfd is fd: %d\n", bufferevent_getfd(bev) == fds[0]);
	printf("ev_read fd %d events 0x%x, ev_write fd %d events 0x%x\n", bev->ev_read.ev_fd == fds[0],
	    bev->ev_read.ev_events, bev->ev_write.ev_fd == fds[0], bev->ev_write.ev_events);
	printf("ev_read pending %d ev_write pending %d\n", event_pending(&bev->ev_read, EV_READ|EV_TIMEOUT, NULL),
	    event_pending(&bev->ev_write, EV_WRITE|EV_TIMEOUT, NULL));
	printf("underlying %p partner %p\n", (void *)bufferevent_get_underlying(bev), (void *)bufferevent_pair_get_partner(bev));
	printf("priority %d\n", bufferevent_get_priority(bev));
	printf("max single read %zd write %zd\n", bufferevent_get_max_single_read(bev), bufferevent_get_max_single_write(bev));
	printf("max to read %zd write %zd\n", bufferevent_get_max_to_read(bev), bufferevent_get_max_to_write(bev));
	printf("read limit %zd write limit %zd cfg %p\n", bufferevent_get_read_limit(bev),
	    bufferevent_get_write_limit(bev), (void *)bufferevent_get_token_bucket_cfg(bev));
	printf("dns error %d\n", bufferevent_socket_get_dns_error(bev));

	bufferevent_getcb(bev, &r, &w, &e, &arg);
	printf("getcb fresh: %p %p %p %p\n", (void *)r, (void *)w, (void *)e, arg);
	bufferevent_setcb(bev, rcb, wcb, ecb, &x);
	bufferevent_getcb(bev, &r, &w, &e, &arg);
	printf("getcb set: %d %d %d %d\n", r == rcb, w == wcb, e == ecb, arg == &x);
	printf("fields: %d %d %d %d\n", bev->readcb == rcb, bev->writecb == wcb, bev->errorcb == ecb, bev->cbarg == &x);
	bufferevent_getcb(bev, NULL, NULL, NULL, NULL);

	x = bufferevent_getwatermark(bev, EV_READ, &lo, &hi);
	printf("getwatermark R: %d %zu %zu\n", x, lo, hi);
	printf("getwatermark RW: %d\n", bufferevent_getwatermark(bev, EV_READ|EV_WRITE, &lo, &hi));
	printf("getwatermark 0: %d\n", bufferevent_getwatermark(bev, 0, &lo, &hi));
	bufferevent_setwatermark(bev, EV_READ|EV_WRITE, 10, 100);
	bufferevent_getwatermark(bev, EV_WRITE, &lo, &hi);
	printf("setwatermark RW -> W %zu %zu", lo, hi);
	bufferevent_getwatermark(bev, EV_READ, &lo, NULL);
	printf(" R low %zu; fields %zu %zu %zu %zu\n", lo, bev->wm_read.low, bev->wm_read.high,
	    bev->wm_write.low, bev->wm_write.high);
	bufferevent_setwatermark(bev, EV_READ, 0, 0);

	x = bufferevent_set_max_single_read(bev, 100);
	printf("set max single read 100: %d -> %zd\n", x, bufferevent_get_max_single_read(bev));
	printf("max to read now %zd\n", bufferevent_get_max_to_read(bev));
	x = bufferevent_set_max_single_read(bev, 0);
	printf("set max single read 0: %d -> %zd\n", x, bufferevent_get_max_single_read(bev));
	x = bufferevent_set_max_single_write(bev, (size_t)-1);
	printf("set max single write huge: %d -> %zd\n", x, bufferevent_get_max_single_write(bev));

	x = bufferevent_enable(bev, EV_READ);
	printf("enable R: %d -> %s, pending R %d\n", x, t_en(bufferevent_get_enabled(bev)),
	    event_pending(&bev->ev_read, EV_READ, NULL) != 0);
	x = bufferevent_disable(bev, EV_WRITE);
	printf("disable W: %d -> %s\n", x, t_en(bufferevent_get_enabled(bev)));
	x = bufferevent_disable(bev, EV_READ|EV_WRITE);
	printf("disable RW: %d -> %s, pending R %d\n", x, t_en(bufferevent_get_enabled(bev)),
	    event_pending(&bev->ev_read, EV_READ, NULL) != 0);
	x = bufferevent_enable(bev, EV_WRITE);
	printf("enable W (nothing to write): %d pending W %d\n", x, event_pending(&bev->ev_write, EV_WRITE, NULL) != 0);

	/* The socket side of the buffers is frozen. */
	printf("add to input: %d\n", evbuffer_add(bev->input, "x", 1));
	x = bufferevent_write(bev, "hello", 5);
	printf("write: %d, output %zu, pending W %d\n", x, evbuffer_get_length(bev->output),
	    event_pending(&bev->ev_write, EV_WRITE, NULL) != 0);
	printf("drain output: %d\n", evbuffer_drain(bev->output, 1));
	printf("write 0 bytes: %d\n", bufferevent_write(bev, "", 0));
	{
		struct evbuffer *b = evbuffer_new();
		evbuffer_add(b, "abc", 3);
		x = bufferevent_write_buffer(bev, b);
		printf("write_buffer: %d, src %zu, output %zu\n", x, evbuffer_get_length(b), evbuffer_get_length(bev->output));
		evbuffer_free(b);
	}

	x = bufferevent_priority_set(bev, 0);
	printf("priority_set 0: %d; ", x);
	printf("1: %d\n", bufferevent_priority_set(bev, 1));
	bev2 = bufferevent_socket_new(base, -1, 0);
	printf("fd -1 bev getfd %d\n", bufferevent_getfd(bev2));
	x = bufferevent_setfd(bev2, fds[1]);
	printf("setfd: %d getfd is fd %d\n", x, bufferevent_getfd(bev2) == fds[1]);
	{
		struct event_base *b2 = event_base_new();
		struct bufferevent *b3 = bufferevent_socket_new(base, -1, 0);
		x = bufferevent_base_set(b2, b3);
		printf("base_set fresh: %d -> %d\n", x, bufferevent_get_base(b3) == b2);
		printf("base_set same: %d\n", bufferevent_base_set(b2, b3));
		bufferevent_free(b3);
		event_base_free(b2);
	}
	printf("flush socket: %d", bufferevent_flush(bev, EV_WRITE, BEV_NORMAL));
	printf(" %d", bufferevent_flush(bev, EV_WRITE, BEV_FLUSH));
	printf(" %d\n", bufferevent_flush(bev, EV_READ, BEV_FINISHED));
	printf("connect with NULL address on a socket: %d\n", bufferevent_socket_connect(bev2, NULL, 0));
	printf("connect_hostname bad family: %d\n", bufferevent_socket_connect_hostname(bev2, NULL, AF_UNIX, "localhost", 80));
	printf("connect_hostname port 0: %d,", bufferevent_socket_connect_hostname(bev2, NULL, AF_INET, "localhost", 0));
	printf(" 65536: %d\n", bufferevent_socket_connect_hostname(bev2, NULL, AF_INET, "localhost", 65536));
	printf("pair_get_partner of socket: %p\n", (void *)bufferevent_pair_get_partner(bev));
	printf("options: UNLOCK without DEFER: %p\n", (void *)bufferevent_socket_new(base, -1, BEV_OPT_UNLOCK_CALLBACKS));
	bufferevent_free(bev);
	bufferevent_free(bev2);
	t_spin(base, 2);
	printf("fds after free without CLOSE_ON_FREE: %d %d\n", t_open(fds[0]), t_open(fds[1]));
	event_base_free(base);
	close(fds[0]);
	close(fds[1]);
	return 0;
}
