/* evbuffer_ptr_set, evbuffer_search, evbuffer_search_range,
 * evbuffer_search_eol, evbuffer_readln, evbuffer_readline, evbuffer_find,
 * evbuffer_copyout_from. */
#include "bt.h"

static void pp(const char *tag, struct evbuffer_ptr p)
{
	printf("%s: pos=%zd\n", tag, (ssize_t)p.pos);
}

/* A buffer with the given text split into blocks at '|'. */
static struct evbuffer *mk(const char *s)
{
	struct evbuffer *b = evbuffer_new();
	struct evbuffer *t;
	while (1) {
		const char *e = strchr(s, '|');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		t = evbuffer_new();
		evbuffer_add(t, s, n);
		evbuffer_add_buffer(b, t);
		evbuffer_free(t);
		if (!e)
			break;
		s = e + 1;
	}
	return b;
}

static const char *styles[] = { "ANY", "CRLF", "CRLF_STRICT", "LF", "NUL", "bad5" };

static void lines(const char *tag, const char *text, size_t textlen, int style)
{
	struct evbuffer *b = evbuffer_new();
	char *line;
	size_t n;
	evbuffer_add(b, text, textlen);
	printf("%s %s:", tag, styles[style]);
	for (;;) {
		n = 12345;
		line = evbuffer_readln(b, &n, (enum evbuffer_eol_style)style);
		if (!line) {
			printf(" NULL(n=%zu)", n);
			break;
		}
		printf(" [%zu]", n);
		t_bytes((unsigned char *)line, n, 40);
		free(line);
	}
	printf(" left=%zu\n", evbuffer_get_length(b));
	evbuffer_free(b);
}

int main(void)
{
	struct evbuffer *b;
	struct evbuffer_ptr p, q, e;
	size_t eol;
	int r, s;
	char out[64];
	ev_ssize_t c;
	unsigned char *f;
	char *line;
	static const char t1[] = "line1\r\nline2\nline3\r\r\nline4\n\rline5\r\n\r\nx\ry\0z\0tail";

	t_init();

	b = mk("hello |wor|ld, hel|lo again|");
	dump("b", b);
	r = evbuffer_ptr_set(b, &p, 0, EVBUFFER_PTR_SET);
	printf("set 0 -> %d ", r); pp("p", p);
	r = evbuffer_ptr_set(b, &p, 6, EVBUFFER_PTR_SET);
	printf("set 6 -> %d ", r); pp("p", p);
	c = evbuffer_copyout_from(b, &p, out, 5);
	printf("copyout_from 6: %zd ", c); t_bytes((unsigned char *)out, c, 10); putchar('\n');
	r = evbuffer_ptr_set(b, &p, 3, EVBUFFER_PTR_ADD);
	printf("add 3 -> %d ", r); pp("p", p);
	c = evbuffer_copyout_from(b, &p, out, 100);
	printf("copyout_from 9: %zd ", c); t_bytes((unsigned char *)out, c, 64); putchar('\n');
	r = evbuffer_ptr_set(b, &p, 15, EVBUFFER_PTR_ADD);
	printf("add 15 -> %d ", r); pp("p", p);
	c = evbuffer_copyout_from(b, &p, out, 100);
	printf("copyout_from end: %zd\n", c);
	r = evbuffer_ptr_set(b, &p, 1, EVBUFFER_PTR_ADD);
	printf("add 1 past end -> %d ", r); pp("p", p);
	r = evbuffer_ptr_set(b, &p, 0, EVBUFFER_PTR_ADD);
	printf("add 0 to invalid -> %d ", r); pp("p", p);
	r = evbuffer_ptr_set(b, &p, 25, EVBUFFER_PTR_SET);
	printf("set 25 -> %d ", r); pp("p", p);
	r = evbuffer_ptr_set(b, &p, 24, EVBUFFER_PTR_SET);
	printf("set 24 (end) -> %d ", r); pp("p", p);
	c = evbuffer_copyout_from(b, &p, out, 100);
	printf("copyout_from end: %zd\n", c);
	r = evbuffer_ptr_set(b, &p, 0, EVBUFFER_PTR_ADD);
	printf("add 0 at end -> %d ", r); pp("p", p);
	r = evbuffer_ptr_set(b, &p, (size_t)-1, EVBUFFER_PTR_SET);
	printf("set huge -> %d ", r); pp("p", p);
	evbuffer_ptr_set(b, &p, 5, EVBUFFER_PTR_SET);
	r = evbuffer_ptr_set(b, &p, (size_t)-1, EVBUFFER_PTR_ADD);
	printf("add huge -> %d ", r); pp("p", p);

	p = evbuffer_search(b, "hel", 3, NULL);
	pp("search hel", p);
	c = evbuffer_copyout_from(b, &p, out, 8);
	printf("  at: "); t_bytes((unsigned char *)out, c, 10); putchar('\n');
	evbuffer_ptr_set(b, &p, 1, EVBUFFER_PTR_ADD);
	p = evbuffer_search(b, "hel", 3, &p);
	pp("search hel again", p);
	evbuffer_ptr_set(b, &p, 1, EVBUFFER_PTR_ADD);
	q = evbuffer_search(b, "hel", 3, &p);
	pp("search hel third", q);
	pp("search world", evbuffer_search(b, "world", 5, NULL));
	pp("search lo ag", evbuffer_search(b, "lo ag", 5, NULL));
	pp("search again|", evbuffer_search(b, "again!", 6, NULL));
	pp("search empty", evbuffer_search(b, "", 0, NULL));
	evbuffer_ptr_set(b, &p, 7, EVBUFFER_PTR_SET);
	pp("search empty from 7", evbuffer_search(b, "x", 0, &p));
	pp("search long", evbuffer_search(b, "hello world, hello again and more", 33, NULL));
	pp("search all", evbuffer_search(b, "hello world, hello again", 24, NULL));
	evbuffer_ptr_set(b, &p, 0, EVBUFFER_PTR_SET);
	evbuffer_ptr_set(b, &e, 16, EVBUFFER_PTR_SET);
	pp("range hel [0,16)", evbuffer_search_range(b, "hel", 3, &p, &e));
	evbuffer_ptr_set(b, &e, 15, EVBUFFER_PTR_SET);
	pp("range hel [0,15) 2", evbuffer_search_range(b, "ello", 4, NULL, &e));
	evbuffer_ptr_set(b, &p, 2, EVBUFFER_PTR_SET);
	evbuffer_ptr_set(b, &e, 17, EVBUFFER_PTR_SET);
	pp("range hel [2,17)", evbuffer_search_range(b, "hel", 3, &p, &e));
	evbuffer_ptr_set(b, &e, 16, EVBUFFER_PTR_SET);
	pp("range hel [2,16)", evbuffer_search_range(b, "hel", 3, &p, &e));
	evbuffer_ptr_set(b, &e, 24, EVBUFFER_PTR_SET);
	pp("range to end", evbuffer_search_range(b, "again", 5, NULL, &e));
	evbuffer_ptr_set(b, &e, 0, EVBUFFER_PTR_SET);
	pp("range empty", evbuffer_search_range(b, "h", 1, NULL, &e));
	f = evbuffer_find(b, (const unsigned char *)"ld, ", 4);
	printf("find: %s\n", f ? (char *)"found" : "NULL");
	if (f) { t_bytes(f, 4, 4); putchar('\n'); }
	dump("after find", b);
	printf("find missing: %s\n", evbuffer_find(b, (const unsigned char *)"zzz", 3) ? "found" : "NULL");
	printf("find empty: %s\n", evbuffer_find(b, (const unsigned char *)"", 0) ? "found" : "NULL");
	evbuffer_free(b);

	/* search_eol, every style, across blocks. */
	b = mk("ab\r|\ncd\n|\r\ref|\r\n|gh\0|i\r\n");
	for (s = 0; s < 6; s++) {
		struct evbuffer_ptr st;
		printf("eol %s:", styles[s]);
		evbuffer_ptr_set(b, &st, 0, EVBUFFER_PTR_SET);
		for (;;) {
			eol = 999;
			p = evbuffer_search_eol(b, &st, &eol, (enum evbuffer_eol_style)s);
			printf(" %zd/%zu", (ssize_t)p.pos, eol);
			if (p.pos < 0)
				break;
			st = p;
			if (evbuffer_ptr_set(b, &st, eol ? eol : 1, EVBUFFER_PTR_ADD) < 0)
				break;
		}
		putchar('\n');
	}
	eol = 7;
	p = evbuffer_search_eol(b, NULL, &eol, EVBUFFER_EOL_LF);
	printf("eol NULL start: %zd/%zu\n", (ssize_t)p.pos, eol);
	p = evbuffer_search_eol(b, NULL, NULL, EVBUFFER_EOL_CRLF);
	printf("eol no len out: %zd\n", (ssize_t)p.pos);
	evbuffer_ptr_set(b, &q, 1, EVBUFFER_PTR_SET);
	p = evbuffer_search_eol(b, &q, &eol, EVBUFFER_EOL_CRLF);
	printf("eol crlf from 1: %zd/%zu\n", (ssize_t)p.pos, eol);
	evbuffer_ptr_set(b, &q, 3, EVBUFFER_PTR_SET);
	p = evbuffer_search_eol(b, &q, &eol, EVBUFFER_EOL_CRLF);
	printf("eol crlf from 3: %zd/%zu\n", (ssize_t)p.pos, eol);
	evbuffer_free(b);

	for (s = 0; s < 6; s++)
		lines("readln", t1, sizeof(t1) - 1, s);
	lines("trailing cr", "abc\r", 4, 0);
	lines("trailing cr", "abc\r", 4, 1);
	lines("trailing cr", "abc\r", 4, 2);
	lines("crcrlf", "a\r\r\nb\r\n", 7, 1);
	lines("crcrlf", "a\r\r\nb\r\n", 7, 2);
	lines("empty lines", "\n\n\nx\n", 5, 3);
	lines("empty", "", 0, 0);

	b = mk("one\r|\ntwo|\n\nthree");
	while ((line = evbuffer_readline(b)) != NULL) {
		printf("readline: \"%s\"\n", line);
		free(line);
	}
	dump("readline left", b);
	line = evbuffer_readln(b, NULL, EVBUFFER_EOL_ANY);
	printf("readln no nl: %s\n", line ? line : "NULL");
	evbuffer_add(b, "\n", 1);
	line = evbuffer_readln(b, NULL, EVBUFFER_EOL_ANY);
	printf("readln NULL n_read: %s\n", line ? line : "NULL");
	free(line);
	evbuffer_free(b);
	return 0;
}
