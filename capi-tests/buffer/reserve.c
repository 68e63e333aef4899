/* evbuffer_reserve_space / evbuffer_commit_space, evbuffer_peek,
 * evbuffer_add_iovec, evbuffer_expand. */
#include "bt.h"

static int avail = 8;
static void show(const char *tag, int n, struct evbuffer_iovec *v)
{
	int i;
	printf("%s -> %d [", tag, n);
	for (i = 0; i < n && i < avail; i++)
		printf("%s%zu", i ? "," : "", v[i].iov_len);
	printf("]\n");
}

int main(void)
{
	struct evbuffer *a;
	struct evbuffer_iovec v[8], w[8];
	struct evbuffer_ptr ptr;
	int n, r, i;
	char data[5000];

	t_init();
	memset(data, 'q', sizeof data);

	a = evbuffer_new();
	n = evbuffer_reserve_space(a, 100, v, 1);
	show("reserve 100/1", n, v);
	memcpy(v[0].iov_base, "hello", 5);
	v[0].iov_len = 5;
	r = evbuffer_commit_space(a, v, 1);
	printf("commit 5 -> %d\n", r);
	dump("a", a);
	n = evbuffer_reserve_space(a, 2000, v, 2);
	show("reserve 2000/2", n, v);
	memset(v[0].iov_base, 'x', v[0].iov_len);
	memset(v[1].iov_base, 'y', 10);
	v[1].iov_len = 10;
	r = evbuffer_commit_space(a, v, 2);
	printf("commit 2 -> %d\n", r);
	dump("a", a);
	n = evbuffer_reserve_space(a, 100, v, 2);
	show("reserve 100/2", n, v);
	/* Committing more than reserved fails, as do wrong pointers. */
	v[0].iov_len += 1000000;
	r = evbuffer_commit_space(a, v, 1);
	printf("commit too long -> %d\n", r);
	n = evbuffer_reserve_space(a, 100, v, 2);
	w[0] = v[0];
	w[0].iov_base = (char *)w[0].iov_base + 1;
	w[0].iov_len = 1;
	r = evbuffer_commit_space(a, w, 1);
	printf("commit wrong ptr -> %d\n", r);
	r = evbuffer_commit_space(a, v, 0);
	printf("commit 0 vecs -> %d\n", r);
	/* Reserve, then add: the reservation is stale. */
	n = evbuffer_reserve_space(a, 100, v, 2);
	evbuffer_add(a, "Z", 1);
	v[0].iov_len = 1;
	r = evbuffer_commit_space(a, v, 1);
	printf("commit after add -> %d\n", r);
	dump("a", a);
	n = evbuffer_reserve_space(a, 100, v, 0);
	printf("reserve 0 vecs -> %d\n", n);
	n = evbuffer_reserve_space(a, 0, v, 1);
	show("reserve 0 bytes", n, v);
	n = evbuffer_reserve_space(a, 0, v, 2);
	show("reserve 0 bytes/2", n, v);
	evbuffer_free(a);

	/* Many vectors. */
	for (i = 1; i <= 4; i++) {
		char tag[40];
		a = evbuffer_new();
		evbuffer_add(a, data, 900);
		avail = i;
		n = evbuffer_reserve_space(a, 4000, v, i);
		snprintf(tag, sizeof tag, "reserve 4000/%d", i);
		show(tag, n, v);
		for (r = 0; r < n; r++)
			memset(v[r].iov_base, '0' + r, v[r].iov_len);
		r = evbuffer_commit_space(a, v, n);
		printf("commit all -> %d\n", r);
		dump("a", a);
		n = evbuffer_reserve_space(a, 9000, v, i);
		show("again 9000", n, v);
		if (n > 1) {
			v[0].iov_len = 0;
			v[1].iov_len = 3;
			r = evbuffer_commit_space(a, v, 2);
			printf("commit 0+3 -> %d\n", r);
			dump("a", a);
		}
		evbuffer_add(a, "end", 3);
		dump("a+end", a);
		evbuffer_free(a);
	}
	avail = 8;

	/* Reservation that is never committed, then adds. */
	a = evbuffer_new();
	evbuffer_add(a, "a", 1);
	n = evbuffer_reserve_space(a, 1 << 12, v, 2);
	show("reserve 4096/2", n, v);
	v[0].iov_len = 1;
	*(char *)v[0].iov_base = 'b';
	r = evbuffer_commit_space(a, v, 1);
	printf("commit b -> %d\n", r);
	evbuffer_add(a, "c", 1);
	dump("abc", a);
	evbuffer_add(a, data, 3000);
	dump("+3000", a);
	evbuffer_free(a);

	/* peek */
	a = evbuffer_new();
	for (i = 0; i < 5; i++) {
		evbuffer_add_reference(a, "0123456789" + i, 10 - i, NULL, NULL);
	}
	dump("refs", a);
	n = evbuffer_peek(a, -1, NULL, NULL, 0);
	printf("peek all count -> %d\n", n);
	n = evbuffer_peek(a, 12, NULL, NULL, 0);
	printf("peek 12 count -> %d\n", n);
	n = evbuffer_peek(a, 12, NULL, v, 8);
	show("peek 12", n, v);
	n = evbuffer_peek(a, 10, NULL, v, 8);
	show("peek 10", n, v);
	n = evbuffer_peek(a, 0, NULL, v, 8);
	show("peek 0", n, v);
	n = evbuffer_peek(a, -1, NULL, v, 2);
	show("peek -1 into 2", n, v);
	n = evbuffer_peek(a, 30, NULL, v, 2);
	avail = 2;
	show("peek 30 into 2", n, v);
	avail = 8;
	evbuffer_ptr_set(a, &ptr, 13, EVBUFFER_PTR_SET);
	n = evbuffer_peek(a, -1, &ptr, v, 8);
	show("peek from 13", n, v);
	printf("first: ");
	t_bytes(v[0].iov_base, v[0].iov_len, 20);
	putchar('\n');
	n = evbuffer_peek(a, 3, &ptr, v, 8);
	show("peek 3 from 13", n, v);
	n = evbuffer_peek(a, 10, &ptr, v, 8);
	show("peek 10 from 13", n, v);
	n = evbuffer_peek(a, -1, &ptr, NULL, 0);
	printf("peek count from 13 -> %d\n", n);
	n = evbuffer_peek(a, 100, &ptr, NULL, 0);
	printf("peek 100 count from 13 -> %d\n", n);
	evbuffer_free(a);

	/* add_iovec */
	a = evbuffer_new();
	v[0].iov_base = "abc";
	v[0].iov_len = 3;
	v[1].iov_base = data;
	v[1].iov_len = 2000;
	v[2].iov_base = "xyz";
	v[2].iov_len = 3;
	printf("add_iovec -> %zu\n", evbuffer_add_iovec(a, v, 3));
	dump("iovec", a);
	printf("add_iovec again -> %zu\n", evbuffer_add_iovec(a, v, 3));
	dump("iovec", a);
	printf("add_iovec 0 -> %zu\n", evbuffer_add_iovec(a, v, 0));
	evbuffer_free(a);

	a = evbuffer_new();
	evbuffer_add(a, data, 4000);
	v[0].iov_base = data;
	v[0].iov_len = 100;
	printf("add_iovec small -> %zu\n", evbuffer_add_iovec(a, v, 1));
	dump("iovec", a);
	evbuffer_free(a);
	return 0;
}
