/* Rate limits: configurations, per-bufferevent buckets, groups. Ticks are
 * an hour long, so no refill happens while the test runs. */
#include "bevt.h"

static struct event_base *base;

static void show(const char *what, struct bufferevent *b)
{
	printf("%s: limits r %zd w %zd, max to r %zd w %zd, pending R %d W %d\n", what, bufferevent_get_read_limit(b),
	    bufferevent_get_write_limit(b), bufferevent_get_max_to_read(b), bufferevent_get_max_to_write(b),
	    event_pending(&b->ev_read, EV_READ, NULL) != 0, event_pending(&b->ev_write, EV_WRITE, NULL) != 0);
}
static void gshow(const char *what, struct bufferevent_rate_limit_group *g)
{
	ev_uint64_t r = 7, w = 7;
	bufferevent_rate_limit_group_get_totals(g, &r, &w);
	printf("%s: group limits r %zd w %zd, totals r %llu w %llu\n", what, bufferevent_rate_limit_group_get_read_limit(g),
	    bufferevent_rate_limit_group_get_write_limit(g), (unsigned long long)r, (unsigned long long)w);
}

int main(void)
{
	struct timeval hour = { 3600, 0 };
	struct ev_token_bucket_cfg *cfg, *cfg2;
	struct bufferevent_rate_limit_group *g;
	struct bufferevent *a, *b;
	int fds[2], r;
	char buf[3000];

	t_init();
	base = event_base_new();
	memset(buf, 'r', sizeof(buf));

	printf("== configurations\n");
	printf("rate > burst: %s\n", ev_token_bucket_cfg_new(10, 5, 10, 10, &hour) ? "cfg" : "NULL");
	printf("write rate > burst: %s\n", ev_token_bucket_cfg_new(10, 10, 11, 10, &hour) ? "cfg" : "NULL");
	printf("above EV_RATE_LIMIT_MAX: %s\n", ev_token_bucket_cfg_new(10, (size_t)EV_RATE_LIMIT_MAX + 1, 10, 10, &hour) ? "cfg" : "NULL");
	cfg = ev_token_bucket_cfg_new(1000, 4000, 500, 2000, NULL);
	printf("default tick: %s\n", cfg ? "cfg" : "NULL");
	ev_token_bucket_cfg_free(cfg);
	cfg = ev_token_bucket_cfg_new(1000, 4000, 2000, 8000, &hour);
	cfg2 = ev_token_bucket_cfg_new(100, 100, 100, 100, &hour);

	printf("== one bufferevent\n");
	t_pair(fds);
	a = bufferevent_socket_new(base, fds[0], BEV_OPT_CLOSE_ON_FREE);
	b = bufferevent_socket_new(base, fds[1], BEV_OPT_CLOSE_ON_FREE);
	bufferevent_enable(a, EV_READ);
	show("no limit", a);
	r = bufferevent_set_rate_limit(a, cfg);
	printf("set: %d, cfg %d\n", r, bufferevent_get_token_bucket_cfg(a) == cfg);
	show("limited", a);
	bufferevent_set_max_single_read(a, 300);
	show("max single read 300", a);
	bufferevent_set_max_single_read(a, 0);
	printf("decrement read 400: %d\n", bufferevent_decrement_read_limit(a, 400));
	show("after", a);
	printf("decrement read 600: %d\n", bufferevent_decrement_read_limit(a, 600));
	show("empty", a);
	printf("decrement read -50: %d\n", bufferevent_decrement_read_limit(a, -50));
	show("refilled a little", a);
	printf("decrement write 2500: %d\n", bufferevent_decrement_write_limit(a, 2500));
	show("write overdrawn", a);
	printf("decrement write -2500: %d\n", bufferevent_decrement_write_limit(a, -2500));
	printf("same cfg again: %d\n", bufferevent_set_rate_limit(a, cfg));
	show("same", a);
	printf("another cfg: %d\n", bufferevent_set_rate_limit(a, cfg2));
	show("cfg2 (levels kept, cut to the new bursts)", a);
	printf("remove: %d\n", bufferevent_set_rate_limit(a, NULL));
	show("removed", a);
	printf("remove again: %d\n", bufferevent_set_rate_limit(a, NULL));

	printf("== reading under a limit\n");
	bufferevent_set_rate_limit(a, cfg2);
	write(fds[1], buf, 250);
	t_spin(base, 3);
	printf("read %zu\n", evbuffer_get_length(a->input));
	show("after reading", a);
	bufferevent_set_rate_limit(a, NULL);
	t_spin(base, 3);
	printf("unlimited: read %zu\n", evbuffer_get_length(a->input));
	evbuffer_drain(a->input, 1000);

	printf("== groups\n");
	g = bufferevent_rate_limit_group_new(base, cfg);
	gshow("new", g);
	printf("min share 10: %d, huge: %d\n", bufferevent_rate_limit_group_set_min_share(g, 10),
	    bufferevent_rate_limit_group_set_min_share(g, (size_t)EV_RATE_LIMIT_MAX + 1));
	printf("add a: %d, add b: %d\n", bufferevent_add_to_rate_limit_group(a, g), bufferevent_add_to_rate_limit_group(b, g));
	printf("add a again: %d\n", bufferevent_add_to_rate_limit_group(a, g));
	show("a in group", a);
	bufferevent_write(b, buf, 300);
	t_spin(base, 4);
	printf("a read %zu\n", evbuffer_get_length(a->input));
	gshow("after 300 bytes", g);
	show("a", a);
	printf("group decrement read 650: %d\n", bufferevent_rate_limit_group_decrement_read(g, 650));
	gshow("group empty", g);
	show("a", a);
	bufferevent_write(b, buf, 100);
	t_spin(base, 4);
	printf("a read %zu (total)\n", evbuffer_get_length(a->input));
	printf("group decrement read -1000: %d\n", bufferevent_rate_limit_group_decrement_read(g, -1000));
	t_spin(base, 4);
	printf("a read %zu (total)\n", evbuffer_get_length(a->input));
	gshow("refilled", g);
	printf("group decrement write 10: %d\n", bufferevent_rate_limit_group_decrement_write(g, 10));
	bufferevent_rate_limit_group_reset_totals(g);
	gshow("reset", g);
	printf("set_cfg: %d\n", bufferevent_rate_limit_group_set_cfg(g, cfg2));
	gshow("cfg2", g);
	show("a", a);
	printf("remove a: %d, remove a again: %d\n", bufferevent_remove_from_rate_limit_group(a),
	    bufferevent_remove_from_rate_limit_group(a));
	show("a alone", a);
	/* (libevent crashes on bufferevent_add_to_rate_limit_group(b, NULL)) */
	bufferevent_remove_from_rate_limit_group(b);
	bufferevent_rate_limit_group_free(g);
	printf("group freed\n");

	printf("== a group and an own limit\n");
	g = bufferevent_rate_limit_group_new(base, cfg);
	bufferevent_set_rate_limit(a, cfg2);
	bufferevent_add_to_rate_limit_group(a, g);
	show("both", a);
	bufferevent_free(a);
	t_spin(base, 2);
	bufferevent_rate_limit_group_free(g);
	bufferevent_free(b);
	t_spin(base, 2);
	ev_token_bucket_cfg_free(cfg);
	ev_token_bucket_cfg_free(cfg2);
	event_base_free(base);
	printf("done\n");
	return 0;
}
