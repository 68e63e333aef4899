/* evbuffer_add_cb, evbuffer_remove_cb, evbuffer_remove_cb_entry,
 * evbuffer_cb_set_flags / clear_flags, evbuffer_setcb, the contents of
 * struct evbuffer_cb_info after each kind of change, and
 * evbuffer_defer_callbacks. */
#include "bt.h"

static void cb(struct evbuffer *b, const struct evbuffer_cb_info *i, void *arg)
{
	printf("  cb %s: orig=%zu added=%zu deleted=%zu len=%zu\n", (const char *)arg, i->orig_size,
	    i->n_added, i->n_deleted, evbuffer_get_length(b));
}

static void oldcb(struct evbuffer *b, size_t old_len, size_t new_len, void *arg)
{
	printf("  oldcb %s: %zu -> %zu\n", (const char *)arg, old_len, new_len);
}

static struct evbuffer_cb_entry *self_ent;
static void selfremove(struct evbuffer *b, const struct evbuffer_cb_info *i, void *arg)
{
	printf("  selfremove (added=%zu): remove -> %d\n", i->n_added, evbuffer_remove_cb_entry(b, self_ent));
}

static int depth;
static void recursive(struct evbuffer *b, const struct evbuffer_cb_info *i, void *arg)
{
	printf("  recursive depth=%d added=%zu deleted=%zu\n", depth, i->n_added, i->n_deleted);
	if (depth++ < 2)
		evbuffer_drain(b, 1);
	depth--;
}

static void cleanup(const void *data, size_t len, void *arg)
{
	printf("  cleanup %s len=%zu\n", (const char *)arg, len);
}

int main(void)
{
	struct evbuffer *a, *b;
	struct evbuffer_cb_entry *e1, *e2, *e3;
	struct evbuffer_iovec v[2];
	struct event_base *base;
	char tmp[100];
	char *line;
	int r, fds[2];

	t_init();
	a = evbuffer_new();
	b = evbuffer_new();
	e1 = evbuffer_add_cb(a, cb, "one");
	e2 = evbuffer_add_cb(a, cb, "two");
	printf("add\n");
	evbuffer_add(a, "hello world\n", 12);
	printf("add 0\n");
	evbuffer_add(a, "", 0);
	printf("prepend\n");
	evbuffer_prepend(a, ">>", 2);
	printf("drain\n");
	evbuffer_drain(a, 1);
	printf("drain 0\n");
	evbuffer_drain(a, 0);
	printf("remove\n");
	evbuffer_remove(a, tmp, 3);
	printf("copyout (no change)\n");
	evbuffer_copyout(a, tmp, 3);
	printf("pullup (no change)\n");
	evbuffer_pullup(a, -1);
	printf("readln\n");
	line = evbuffer_readln(a, NULL, EVBUFFER_EOL_LF);
	free(line);
	printf("printf\n");
	evbuffer_add_printf(a, "%d-%s", 42, "x");
	printf("reference\n");
	evbuffer_add_reference(a, "REF", 3, cleanup, "ref");
	printf("add_buffer (a <- b), b has cb three\n");
	e3 = evbuffer_add_cb(b, cb, "three");
	evbuffer_add(b, "bbb", 3);
	evbuffer_add_buffer(a, b);
	printf("prepend_buffer (a <- b)\n");
	evbuffer_add(b, "BB", 2);
	evbuffer_prepend_buffer(a, b);
	printf("remove_buffer (a -> b, 4)\n");
	evbuffer_remove_buffer(a, b, 4);
	printf("add_buffer_reference (a <- b)\n");
	evbuffer_add_buffer_reference(a, b);
	printf("reserve (no change)\n");
	evbuffer_reserve_space(a, 10, v, 2);
	printf("commit 2\n");
	memcpy(v[0].iov_base, "cc", 2);
	v[0].iov_len = 2;
	evbuffer_commit_space(a, v, 1);
	printf("add_iovec x2\n");
	v[0].iov_base = "i1";
	v[0].iov_len = 2;
	v[1].iov_base = "i22";
	v[1].iov_len = 3;
	evbuffer_add_iovec(a, v, 2);
	printf("expand (no change)\n");
	evbuffer_expand(a, 1000);

	printf("disable one\n");
	r = evbuffer_cb_clear_flags(a, e1, EVBUFFER_CB_ENABLED);
	printf("clear -> %d\n", r);
	evbuffer_add(a, "z", 1);
	printf("enable one\n");
	r = evbuffer_cb_set_flags(a, e1, EVBUFFER_CB_ENABLED);
	evbuffer_add(a, "z", 1);
	printf("remove two by entry -> %d\n", evbuffer_remove_cb_entry(a, e2));
	evbuffer_add(a, "z", 1);
	printf("remove two again by func -> %d\n", evbuffer_remove_cb(a, cb, "two"));
	printf("remove one by func -> %d\n", evbuffer_remove_cb(a, cb, "one"));
	printf("remove wrong arg -> %d\n", evbuffer_remove_cb(a, cb, "zzz"));
	evbuffer_add(a, "z", 1);
	printf("no callbacks left\n");

	/* Changes while no callback is enabled are not reported later. */
	e1 = evbuffer_add_cb(a, cb, "late");
	evbuffer_cb_clear_flags(a, e1, EVBUFFER_CB_ENABLED);
	evbuffer_add(a, "12345", 5);
	evbuffer_cb_set_flags(a, e1, EVBUFFER_CB_ENABLED);
	printf("drain after re-enable\n");
	evbuffer_drain(a, 2);
	evbuffer_remove_cb_entry(a, e1);

	/* setcb (old style) replaces all callbacks. */
	evbuffer_add_cb(a, cb, "new1");
	r = evbuffer_setcb(a, oldcb, "old");
	printf("setcb -> %d\n", r);
	evbuffer_add(a, "abc", 3);
	evbuffer_drain(a, 5);
	r = evbuffer_setcb(a, oldcb, "old2");
	evbuffer_add(a, "x", 1);
	r = evbuffer_setcb(a, NULL, NULL);
	printf("setcb NULL -> %d\n", r);
	evbuffer_add(a, "x", 1);
	printf("remove_cb on none -> %d\n", evbuffer_remove_cb(a, cb, "x"));

	/* A callback that removes itself; recursive changes. */
	self_ent = evbuffer_add_cb(a, selfremove, NULL);
	evbuffer_add(a, "s", 1);
	evbuffer_add(a, "s", 1);
	evbuffer_add_cb(a, recursive, NULL);
	evbuffer_add(a, "rrrr", 4);
	evbuffer_free(a);
	evbuffer_remove_cb_entry(b, e3);
	evbuffer_free(b);

	/* I/O reports too. */
	t_pair(fds);
	a = evbuffer_new();
	evbuffer_add_cb(a, cb, "io");
	evbuffer_add(a, "0123456789", 10);
	printf("write 4\n");
	r = evbuffer_write_atmost(a, fds[0], 4);
	printf("-> %d\nread\n", r);
	r = evbuffer_read(a, fds[1], -1);
	printf("-> %d\n", r);
	close(fds[0]);
	close(fds[1]);
	evbuffer_free(a);

	/* Deferred callbacks run from the loop, once, with the sum. */
	base = event_base_new();
	a = evbuffer_new();
	evbuffer_add_cb(a, cb, "deferred");
	r = evbuffer_defer_callbacks(a, base);
	printf("defer -> %d\n", r);
	evbuffer_add(a, "abc", 3);
	evbuffer_add(a, "defg", 4);
	evbuffer_drain(a, 2);
	printf("before loop\n");
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("after loop\n");
	evbuffer_add(a, "x", 1);
	printf("freeing with a deferred run pending\n");
	evbuffer_free(a);
	event_base_loop(base, EVLOOP_NONBLOCK);
	printf("after second loop\n");
	event_base_free(base);
	return 0;
}
