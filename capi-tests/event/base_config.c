/* base_config: event_base_new / event_base_new_with_config and every
 * event_config_* call; event_get_supported_methods; event_base_get_method
 * (deterministic here: most bases ignore the environment or avoid
 * methods); event_base_get_features; event_base_get_npriorities;
 * event_base_free / event_base_free_nofinalize / event_config_free;
 * event_config_set_max_dispatch_interval's effect on callback order. */
#include "common.h"

static void show_base(const char *what, struct event_base *b)
{
	if (!b) {
		printf("%s: NULL\n", what);
		return;
	}
	printf("%s: method=%s features=0x%x npri=%d\n", what,
	    event_base_get_method(b), event_base_get_features(b),
	    event_base_get_npriorities(b));
}

static struct event_base *base_avoiding(int flags, const char *a1,
    const char *a2, const char *a3, int feat)
{
	struct event_config *cfg = event_config_new();
	struct event_base *b;
	if (flags) event_config_set_flag(cfg, flags);
	if (a1) printf("  avoid %s -> %d\n", a1, event_config_avoid_method(cfg, a1));
	if (a2) printf("  avoid %s -> %d\n", a2, event_config_avoid_method(cfg, a2));
	if (a3) printf("  avoid %s -> %d\n", a3, event_config_avoid_method(cfg, a3));
	if (feat) printf("  require 0x%x -> %d\n", feat, event_config_require_features(cfg, feat));
	b = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return b;
}

/* --- max dispatch interval -------------------------------------------- */
static struct event_base *mdbase;
static void slow_cb(evutil_socket_t fd, short what, void *arg)
{
	printf("  cb %s\n", (const char *)arg);
	usleep(40 * 1000);	/* longer than the timer below */
}
static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	printf("  cb %s (%s)\n", (const char *)arg, t_evs(what));
}

static void dispatch_order(const char *title, const struct timeval *maxtv,
    int maxcb, int minprio)
{
	struct event_config *cfg = event_config_new();
	struct event *a, *b, *c, *t;
	struct timeval tv = t_tv(0, 20 * 1000);
	printf("%s\n", title);
	if (maxtv || maxcb >= 0 || minprio)
		printf("  set_max_dispatch_interval -> %d\n",
		    event_config_set_max_dispatch_interval(cfg, maxtv, maxcb, minprio));
	mdbase = event_base_new_with_config(cfg);
	event_config_free(cfg);
	event_base_priority_init(mdbase, 2);
	a = event_new(mdbase, -1, 0, slow_cb, "A");
	b = event_new(mdbase, -1, 0, slow_cb, "B");
	c = event_new(mdbase, -1, 0, slow_cb, "C");
	t = evtimer_new(mdbase, timer_cb, "T");
	event_priority_set(a, 1);
	event_priority_set(b, 1);
	event_priority_set(c, 1);
	event_priority_set(t, 0);
	evtimer_add(t, &tv);
	event_active(a, EV_READ, 1);
	event_active(b, EV_READ, 1);
	event_active(c, EV_READ, 1);
	printf("  loop -> %d\n", event_base_loop(mdbase, 0));
	event_free(a); event_free(b); event_free(c); event_free(t);
	event_base_free(mdbase);
}

int main(void)
{
	const char **m;
	int i, n;
	struct event_config *cfg;
	struct event_base *b;
	const char **m2;

	t_init();
	event_set_log_callback(t_log_cb);

	printf("== supported methods ==\n");
	m = event_get_supported_methods();
	for (n = 0; m && m[n]; n++)
		printf("  [%d] %s\n", n, m[n]);
	printf("  count=%d\n", n);
	m2 = event_get_supported_methods();
	for (i = 0; m2 && m2[i]; i++)
		;
	printf("  second call count=%d\n", i);

	printf("== default base (depends on EVENT_NO* env) ==\n");
	b = event_base_new();
	show_base("event_base_new", b);
	event_base_free(b);
	b = event_base_new_with_config(NULL);
	show_base("new_with_config(NULL)", b);
	event_base_free(b);

	printf("== config setters ==\n");
	cfg = event_config_new();
	printf("config_new -> %s\n", cfg ? "ok" : "NULL");
	printf("set_flag(NOLOCK) -> %d\n", event_config_set_flag(cfg, EVENT_BASE_FLAG_NOLOCK));
	printf("set_flag(0) -> %d\n", event_config_set_flag(cfg, 0));
	printf("set_flag(NULL cfg) -> %d\n", event_config_set_flag(NULL, EVENT_BASE_FLAG_NOLOCK));
	printf("require_features(0) -> %d\n", event_config_require_features(cfg, 0));
	printf("require_features(NULL cfg) -> %d\n", event_config_require_features(NULL, EV_FEATURE_O1));
	printf("set_num_cpus_hint(4) -> %d\n", event_config_set_num_cpus_hint(cfg, 4));
	printf("set_num_cpus_hint(NULL cfg) -> %d\n", event_config_set_num_cpus_hint(NULL, 4));
	{
		struct timeval tv = t_tv(0, 5000);
		printf("set_max_dispatch_interval(tv,10,1) -> %d\n",
		    event_config_set_max_dispatch_interval(cfg, &tv, 10, 1));
		printf("set_max_dispatch_interval(NULL,-1,-5) -> %d\n",
		    event_config_set_max_dispatch_interval(cfg, NULL, -1, -5));
	}
	printf("avoid_method(kqueue) -> %d\n", event_config_avoid_method(cfg, "kqueue"));
	printf("avoid_method(\"\") -> %d\n", event_config_avoid_method(cfg, ""));
	b = event_base_new_with_config(cfg);
	show_base("NOLOCK base (env applies)", b);
	event_base_free(b);
	event_config_free(cfg);

	printf("== IGNORE_ENV: choice independent of EVENT_NO* ==\n");
	b = base_avoiding(EVENT_BASE_FLAG_IGNORE_ENV, NULL, NULL, NULL, 0);
	show_base("ignore env", b); event_base_free(b);
	b = base_avoiding(EVENT_BASE_FLAG_IGNORE_ENV, "epoll", NULL, NULL, 0);
	show_base("avoid epoll", b); event_base_free(b);
	b = base_avoiding(EVENT_BASE_FLAG_IGNORE_ENV, "epoll", "poll", NULL, 0);
	show_base("avoid epoll,poll", b); event_base_free(b);
	b = base_avoiding(EVENT_BASE_FLAG_IGNORE_ENV, "poll", NULL, NULL, 0);
	show_base("avoid poll", b); event_base_free(b);
	b = base_avoiding(EVENT_BASE_FLAG_IGNORE_ENV, "EPOLL", NULL, NULL, 0);
	show_base("avoid EPOLL (case matters)", b); event_base_free(b);
	b = base_avoiding(EVENT_BASE_FLAG_IGNORE_ENV, "epoll", "poll", "select", 0);
	show_base("avoid all", b);
	if (b) event_base_free(b);
	b = base_avoiding(EVENT_BASE_FLAG_IGNORE_ENV, NULL, NULL, NULL, EV_FEATURE_ET);
	show_base("require ET", b); event_base_free(b);
	b = base_avoiding(EVENT_BASE_FLAG_IGNORE_ENV, NULL, NULL, NULL, EV_FEATURE_O1);
	show_base("require O1", b); event_base_free(b);
	b = base_avoiding(EVENT_BASE_FLAG_IGNORE_ENV, NULL, NULL, NULL, EV_FEATURE_FDS);
	show_base("require FDS", b); event_base_free(b);
	b = base_avoiding(EVENT_BASE_FLAG_IGNORE_ENV, NULL, NULL, NULL, EV_FEATURE_EARLY_CLOSE);
	show_base("require EARLY_CLOSE", b); event_base_free(b);
	b = base_avoiding(EVENT_BASE_FLAG_IGNORE_ENV, NULL, NULL, NULL,
	    EV_FEATURE_FDS | EV_FEATURE_EARLY_CLOSE);
	show_base("require FDS|EARLY_CLOSE", b); event_base_free(b);
	b = base_avoiding(EVENT_BASE_FLAG_IGNORE_ENV, "poll", NULL, NULL, EV_FEATURE_FDS);
	show_base("avoid poll, require FDS", b); event_base_free(b);
	b = base_avoiding(EVENT_BASE_FLAG_IGNORE_ENV, NULL, NULL, NULL,
	    EV_FEATURE_O1 | EV_FEATURE_FDS);
	show_base("require O1|FDS", b);
	if (b) event_base_free(b);
	b = base_avoiding(EVENT_BASE_FLAG_IGNORE_ENV, NULL, NULL, NULL, 0x10);
	show_base("require unknown feature 0x10", b);
	if (b) event_base_free(b);
	b = base_avoiding(EVENT_BASE_FLAG_IGNORE_ENV | EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST,
	    NULL, NULL, NULL, 0);
	show_base("EPOLL_USE_CHANGELIST", b); event_base_free(b);
	b = base_avoiding(EVENT_BASE_FLAG_IGNORE_ENV | EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST,
	    "epoll", NULL, NULL, 0);
	show_base("EPOLL_USE_CHANGELIST, avoid epoll", b); event_base_free(b);
	b = base_avoiding(EVENT_BASE_FLAG_IGNORE_ENV | EVENT_BASE_FLAG_PRECISE_TIMER |
	    EVENT_BASE_FLAG_NO_CACHE_TIME | EVENT_BASE_FLAG_STARTUP_IOCP |
	    EVENT_BASE_FLAG_NOLOCK, NULL, NULL, NULL, 0);
	show_base("all other flags", b); event_base_free(b);

	printf("== environment honoured without IGNORE_ENV ==\n");
	b = base_avoiding(0, NULL, NULL, NULL, EV_FEATURE_ET);
	show_base("require ET (NULL under EVENT_NOEPOLL)", b);
	if (b) event_base_free(b);
	b = base_avoiding(0, "select", NULL, NULL, 0);
	show_base("avoid select", b);
	if (b) event_base_free(b);

	printf("== free variants ==\n");
	b = event_base_new();
	event_base_free_nofinalize(b);
	printf("event_base_free_nofinalize done\n");
	printf("event_base_free(NULL) without current_base:\n");
	event_base_free(NULL);

	printf("== max dispatch interval ==\n");
	dispatch_order("no limit: A B C then timer", NULL, -1, 0);
	dispatch_order("max 1 callback from prio 0: timer after A", NULL, 1, 0);
	dispatch_order("max 1 callback from prio 2 (none limited)", NULL, 1, 2);
	{
		struct timeval tv = t_tv(0, 10 * 1000);
		dispatch_order("max 10ms: timer after A", &tv, -1, 0);
	}
	return 0;
}
