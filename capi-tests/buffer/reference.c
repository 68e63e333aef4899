/* evbuffer_add_reference (cleanup exactly once), evbuffer_add_buffer_reference
 * (shared blocks), and how they mix with draining, moving and freeing. */
#include "bt.h"

static void cleanup(const void *data, size_t len, void *arg)
{
	printf("  cleanup %s len=%zu data=", (const char *)arg, len);
	t_bytes(data, len, 20);
	putchar('\n');
}

int main(void)
{
	struct evbuffer *a, *b, *c;
	char out[100];
	int r;
	static const char big[3000] = "BIG";

	t_init();
	a = evbuffer_new();
	r = evbuffer_add_reference(a, "first ", 6, cleanup, "r1");
	printf("add_reference -> %d\n", r);
	evbuffer_add_reference(a, "second ", 7, cleanup, "r2");
	evbuffer_add(a, "copied", 6);
	evbuffer_add_reference(a, "third", 5, cleanup, "r3");
	dump("a", a);
	printf("drain 3\n");
	evbuffer_drain(a, 3);
	printf("drain 3 more\n");
	evbuffer_drain(a, 3);
	dump("a", a);
	printf("remove 10\n");
	r = evbuffer_remove(a, out, 10);
	printf("-> %d\n", r);
	printf("move to b\n");
	b = evbuffer_new();
	evbuffer_add_buffer(b, a);
	dump("b", b);
	printf("pullup b\n");
	evbuffer_pullup(b, -1);
	dump("b", b);
	printf("free b\n");
	evbuffer_free(b);

	/* Empty references. */
	evbuffer_add_reference(a, "", 0, cleanup, "empty1");
	dump("a with empty ref", a);
	evbuffer_prepend(a, "foo", 3);
	dump("prepend foo", a);
	evbuffer_add(a, "bar", 3);
	dump("add bar", a);
	evbuffer_add_reference(a, "", 0, cleanup, "empty2");
	evbuffer_add_reference(a, "baz", 3, cleanup, "baz");
	dump("a", a);
	printf("free a\n");
	evbuffer_free(a);

	/* Buffer references share the bytes. */
	a = evbuffer_new();
	b = evbuffer_new();
	c = evbuffer_new();
	evbuffer_add(a, "shared ", 7);
	evbuffer_add_reference(a, "refd ", 5, cleanup, "shared-ref");
	evbuffer_add(a, big, sizeof big);
	r = evbuffer_add_buffer_reference(b, a);
	printf("add_buffer_reference -> %d\n", r);
	dump("a", a);
	dump("b", b);
	r = evbuffer_add_buffer_reference(c, a);
	dump("c", c);
	printf("drain a all\n");
	evbuffer_drain(a, 100000);
	evbuffer_add(a, "new", 3);
	dump("a", a);
	dump("b", b);
	printf("free b\n");
	evbuffer_free(b);
	printf("drain c 10\n");
	evbuffer_drain(c, 10);
	dump("c", c);
	r = evbuffer_add_buffer_reference(a, c);
	printf("reference of a reference -> %d\n", r);
	r = evbuffer_add_buffer_reference(a, a);
	printf("self reference -> %d\n", r);
	b = evbuffer_new();
	r = evbuffer_add_buffer_reference(a, b);
	printf("empty reference -> %d\n", r);
	evbuffer_prepend(c, "pre", 3);
	evbuffer_add(c, "post", 4);
	dump("c", c);
	r = evbuffer_remove(c, out, 12);
	printf("remove c 12 -> %d ", r);
	t_bytes((unsigned char *)out, r, 20);
	putchar('\n');
	printf("free c\n");
	evbuffer_free(c);
	printf("free a\n");
	evbuffer_free(a);
	evbuffer_free(b);
	return 0;
}
