/* evbuffer_add_printf / evbuffer_add_vprintf. */
#include "bt.h"
#include <stdarg.h>

static int vp(struct evbuffer *b, const char *fmt, ...)
{
	va_list ap;
	int r;
	va_start(ap, fmt);
	r = evbuffer_add_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

int main(void)
{
	struct evbuffer *b = evbuffer_new();
	char big[5000];
	int r, i;

	t_init();
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = 0;
	r = evbuffer_add_printf(b, "hello %s %d %5.2f|", "world", 42, 3.14159);
	printf("printf -> %d\n", r);
	dump("b", b);
	r = evbuffer_add_printf(b, "%s", "");
	printf("empty -> %d\n", r);
	r = evbuffer_add_printf(b, "%s", big);
	printf("big -> %d\n", r);
	dump("b", b);
	r = vp(b, "[%c%c%c]", 'a', 'b', 'c');
	printf("vprintf -> %d\n", r);
	for (i = 0; i < 200; i++)
		evbuffer_add_printf(b, "%d,", i);
	dump("b", b);
	r = evbuffer_add_printf(b, "%s%s%s", big, big, big);
	printf("bigger -> %d\n", r);
	dump("b", b);
	evbuffer_free(b);

	b = evbuffer_new();
	evbuffer_add(b, big, 950);
	r = evbuffer_add_printf(b, "%s", "0123456789012345678901234567890123456789");
	dump("near the end of a block", b);
	evbuffer_free(b);
	return 0;
}
