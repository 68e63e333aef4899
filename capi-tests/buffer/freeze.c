/* evbuffer_freeze / evbuffer_unfreeze: every operation at a frozen end fails
 * and changes nothing. */
#include "bt.h"

static void run(struct evbuffer *a, struct evbuffer *o, const char *what)
{
	char out[16];
	struct evbuffer_iovec v[2];
	struct evbuffer_ptr p;
	size_t n = 99;
	char *line;
	int fds[2];
	printf("== %s\n", what);
	printf("add %d\n", evbuffer_add(a, "x", 1));
	printf("add0 %d\n", evbuffer_add(a, "", 0));
	printf("prepend %d\n", evbuffer_prepend(a, "y", 1));
	printf("drain %d\n", evbuffer_drain(a, 1));
	printf("drain0 %d\n", evbuffer_drain(a, 0));
	printf("remove %d\n", evbuffer_remove(a, out, 2));
	printf("copyout %zd\n", evbuffer_copyout(a, out, 2));
	evbuffer_ptr_set(a, &p, 0, EVBUFFER_PTR_SET);
	printf("copyout_from %zd\n", evbuffer_copyout_from(a, &p, out, 2));
	line = evbuffer_readln(a, &n, EVBUFFER_EOL_LF);
	printf("readln %s n=%zu\n", line ? line : "NULL", n);
	free(line);
	printf("pullup %s\n", evbuffer_pullup(a, 2) ? "ptr" : "NULL");
	printf("expand %d\n", evbuffer_expand(a, 10));
	printf("reserve %d\n", evbuffer_reserve_space(a, 10, v, 2));
	v[0].iov_len = 0;
	printf("commit %d\n", evbuffer_commit_space(a, v, 1));
	printf("add_reference %d\n", evbuffer_add_reference(a, "r", 1, NULL, NULL));
	printf("printf %d\n", evbuffer_add_printf(a, "%d", 7));
	v[0].iov_base = "v";
	v[0].iov_len = 1;
	printf("add_iovec %zu\n", evbuffer_add_iovec(a, v, 1));
	evbuffer_add(o, "o", 1);
	printf("add_buffer to %d\n", evbuffer_add_buffer(a, o));
	printf("add_buffer from %d\n", evbuffer_add_buffer(o, a));
	evbuffer_add(o, "o", 1);
	printf("prepend_buffer to %d\n", evbuffer_prepend_buffer(a, o));
	printf("prepend_buffer from %d\n", evbuffer_prepend_buffer(o, a));
	printf("remove_buffer from %d\n", evbuffer_remove_buffer(a, o, 1));
	printf("remove_buffer to %d\n", evbuffer_remove_buffer(o, a, 1));
	printf("add_buffer_reference to %d\n", evbuffer_add_buffer_reference(a, o));
	printf("add_buffer_reference from %d\n", evbuffer_add_buffer_reference(o, a));
	t_pair(fds);
	write(fds[1], "io", 2);
	printf("read %d\n", evbuffer_read(a, fds[0], -1));
	printf("write %d\n", evbuffer_write(a, fds[1]));
	close(fds[0]);
	close(fds[1]);
	dump("a", a);
	evbuffer_drain(o, 1000);
}

int main(void)
{
	struct evbuffer *a = evbuffer_new(), *o = evbuffer_new();
	t_init();
	evbuffer_add(a, "abc\ndef\n", 8);
	printf("freeze start %d\n", evbuffer_freeze(a, 1));
	run(a, o, "front frozen");
	printf("unfreeze start %d\n", evbuffer_unfreeze(a, 1));
	printf("freeze end %d\n", evbuffer_freeze(a, 0));
	run(a, o, "end frozen");
	printf("freeze start too %d\n", evbuffer_freeze(a, 1));
	run(a, o, "both frozen");
	printf("unfreeze both %d %d\n", evbuffer_unfreeze(a, 0), evbuffer_unfreeze(a, 1));
	run(a, o, "thawed");
	evbuffer_free(a);
	evbuffer_free(o);
	return 0;
}
