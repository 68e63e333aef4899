/* add, prepend, drain, remove, copyout, pullup, expand, contiguous space,
 * add_buffer / prepend_buffer / remove_buffer, and the 1.x macros. */
#include "bt.h"

static unsigned char big[70000];

int main(void)
{
	struct evbuffer *a, *b;
	unsigned char out[100000];
	unsigned char *p;
	int i, r;
	size_t sizes[] = { 0, 1, 10, 975, 976, 977, 1000, 2000, 4000, 4096, 5000, 10000, 65536 };

	t_init();
	for (i = 0; i < (int)sizeof(big); i++)
		big[i] = (unsigned char)('a' + i % 26);

	/* Layout of a single add of each size, then a second small add. */
	for (i = 0; i < (int)(sizeof(sizes) / sizeof(sizes[0])); i++) {
		char tag[64];
		a = evbuffer_new();
		r = evbuffer_add(a, big, sizes[i]);
		snprintf(tag, sizeof tag, "add %zu r=%d", sizes[i], r);
		dump(tag, a);
		evbuffer_add(a, "xyz", 3);
		dump("  +3", a);
		evbuffer_add(a, big, 3000);
		dump("  +3000", a);
		evbuffer_free(a);
	}

	/* Many small adds: block growth. */
	a = evbuffer_new();
	for (i = 0; i < 3000; i++)
		evbuffer_add(a, big + (i % 26), 7);
	dump("3000x7", a);
	r = evbuffer_drain(a, 5000);
	dump("drain 5000", a);
	r = evbuffer_remove(a, out, 100);
	printf("remove 100 -> %d ", r);
	t_bytes(out, r, 100);
	putchar('\n');
	dump("after remove", a);
	r = (int)evbuffer_copyout(a, out, 20);
	printf("copyout 20 -> %d ", r);
	t_bytes(out, r, 20);
	putchar('\n');
	r = evbuffer_drain(a, 1000000);
	printf("drain all -> %d\n", r);
	dump("empty", a);
	r = evbuffer_remove(a, out, 10);
	printf("remove from empty -> %d\n", r);
	r = (int)evbuffer_copyout(a, out, 10);
	printf("copyout from empty -> %d\n", r);
	r = evbuffer_drain(a, 10);
	printf("drain empty -> %d\n", r);
	r = evbuffer_add(a, "", 0);
	printf("add 0 -> %d\n", r);
	dump("add 0", a);

	/* prepend */
	r = evbuffer_prepend(a, "world", 5);
	dump("prepend world", a);
	r = evbuffer_prepend(a, "hello ", 6);
	dump("prepend hello", a);
	evbuffer_add(a, "!", 1);
	dump("add !", a);
	evbuffer_prepend(a, big, 2000);
	dump("prepend 2000", a);
	evbuffer_drain(a, 1999);
	dump("drain 1999", a);
	evbuffer_prepend(a, ">>", 2);
	dump("prepend >>", a);
	evbuffer_free(a);

	a = evbuffer_new();
	evbuffer_add(a, "abc", 3);
	evbuffer_drain(a, 2);
	evbuffer_prepend(a, "12", 2);
	dump("prepend into drained room", a);
	evbuffer_prepend(a, "0", 1);
	dump("prepend 0", a);
	evbuffer_free(a);

	/* pullup */
	a = evbuffer_new();
	p = evbuffer_pullup(a, -1);
	printf("pullup(-1) empty: %s\n", p ? "ptr" : "NULL");
	p = evbuffer_pullup(a, 0);
	printf("pullup(0) empty: %s\n", p ? "ptr" : "NULL");
	for (i = 0; i < 5; i++)
		evbuffer_add(a, big + i * 1000, 1500);
	dump("5x1500", a);
	p = evbuffer_pullup(a, 10);
	printf("pullup 10: ");
	t_bytes(p, 10, 10);
	putchar('\n');
	dump("after pullup 10", a);
	p = evbuffer_pullup(a, 2000);
	printf("pullup 2000: %s\n", p && !memcmp(p, big, 1500) && !memcmp(p + 1500, big + 1000, 500) ? "ok" : "BAD");
	dump("after pullup 2000", a);
	p = evbuffer_pullup(a, 7501);
	printf("pullup 7501: %s\n", p ? "ptr" : "NULL");
	p = evbuffer_pullup(a, 0);
	printf("pullup 0: %s\n", p ? "ptr" : "NULL");
	p = EVBUFFER_DATA(a);
	printf("EVBUFFER_DATA: %s len=%zu\n", p && !memcmp(p + 6000, big + 4000, 1500) ? "ok" : "BAD",
	    (size_t)EVBUFFER_LENGTH(a));
	dump("after pullup -1", a);
	evbuffer_drain(a, 7000);
	dump("drained 7000", a);
	evbuffer_free(a);

	/* pullup within a first block with room */
	a = evbuffer_new();
	evbuffer_expand(a, 3000);
	evbuffer_add(a, "0123456789", 10);
	b = evbuffer_new();
	evbuffer_add(b, "abcdefghij", 10);
	evbuffer_add_buffer(a, b);
	evbuffer_add(a, "KLMNOP", 6);
	dump("before pullup", a);
	p = evbuffer_pullup(a, 15);
	t_bytes(p, 15, 15);
	putchar('\n');
	dump("after pullup 15", a);
	evbuffer_free(a);
	evbuffer_free(b);

	/* expand */
	a = evbuffer_new();
	r = evbuffer_expand(a, 20000);
	printf("expand 20000 -> %d\n", r);
	dump("expanded", a);
	evbuffer_add(a, big, 100);
	dump("+100", a);
	r = evbuffer_expand(a, 100);
	dump("expand 100", a);
	evbuffer_add(a, big, 30000);
	dump("+30000", a);
	r = evbuffer_expand(a, 5000);
	evbuffer_add(a, big, 5000);
	dump("expand+add 5000", a);
	evbuffer_free(a);

	a = evbuffer_new();
	evbuffer_add(a, big, 900);
	evbuffer_drain(a, 899);
	evbuffer_expand(a, 40);
	dump("expand realigns", a);
	evbuffer_add(a, big, 950);
	dump("+950", a);
	evbuffer_expand(a, 600);
	dump("expand 600", a);
	evbuffer_add(a, big, 600);
	dump("+600", a);
	evbuffer_free(a);

	/* add_buffer / prepend_buffer / remove_buffer */
	a = evbuffer_new();
	b = evbuffer_new();
	evbuffer_add(a, "AAAA", 4);
	evbuffer_add(b, "BBBBBB", 6);
	r = evbuffer_add_buffer(a, b);
	printf("add_buffer -> %d\n", r);
	dump("a", a);
	dump("b", b);
	r = evbuffer_add_buffer(a, b);
	printf("add_buffer empty -> %d\n", r);
	r = evbuffer_add_buffer(a, a);
	printf("add_buffer self -> %d\n", r);
	evbuffer_add(b, "CC", 2);
	r = evbuffer_prepend_buffer(a, b);
	printf("prepend_buffer -> %d\n", r);
	dump("a", a);
	dump("b", b);
	r = evbuffer_remove_buffer(a, b, 3);
	printf("remove_buffer 3 -> %d\n", r);
	dump("a", a);
	dump("b", b);
	r = evbuffer_remove_buffer(a, b, 4);
	printf("remove_buffer 4 -> %d\n", r);
	dump("a", a);
	dump("b", b);
	r = evbuffer_remove_buffer(a, b, 100);
	printf("remove_buffer 100 -> %d\n", r);
	dump("a", a);
	dump("b", b);
	r = evbuffer_remove_buffer(a, b, 100);
	printf("remove_buffer from empty -> %d\n", r);
	r = evbuffer_remove_buffer(b, b, 5);
	printf("remove_buffer self -> %d\n", r);
	evbuffer_free(a);
	evbuffer_free(b);

	/* Big moves keep blocks. */
	a = evbuffer_new();
	b = evbuffer_new();
	for (i = 0; i < 10; i++)
		evbuffer_add(a, big + i, 3000);
	dump("a 10x3000", a);
	r = evbuffer_remove_buffer(a, b, 10000);
	printf("remove_buffer 10000 -> %d\n", r);
	dump("a", a);
	dump("b", b);
	evbuffer_add(b, "tail", 4);
	dump("b+tail", b);
	r = evbuffer_prepend_buffer(b, a);
	dump("b prepend a", b);
	r = evbuffer_remove(b, out, sizeof(out));
	printf("remove all -> %d %s\n", r, (r == 30004 && !memcmp(out + 30000, "tail", 4)) ? "ok" : "BAD");
	evbuffer_free(a);
	evbuffer_free(b);
	return 0;
}
