/* Sizes near SIZE_MAX / SSIZE_MAX fail cleanly and leave the buffer as it
 * was (CVE-2014-6272 style overflows); locking without threads. */
#include "bt.h"
#include <stdint.h>
#include <limits.h>

int main(void)
{
	struct evbuffer *b = evbuffer_new();
	struct evbuffer_iovec v[2];
	struct evbuffer_ptr p;
	char x[16] = "0123456789";

	t_init();
	evbuffer_add(b, x, 10);
	printf("add SIZE_MAX -> %d\n", evbuffer_add(b, x, SIZE_MAX));
	printf("add SIZE_MAX-5 -> %d\n", evbuffer_add(b, x, SIZE_MAX - 5));
	printf("add SSIZE_MAX -> %d\n", evbuffer_add(b, x, SSIZE_MAX));
	printf("prepend SIZE_MAX -> %d\n", evbuffer_prepend(b, x, SIZE_MAX));
	printf("prepend SIZE_MAX-9 -> %d\n", evbuffer_prepend(b, x, SIZE_MAX - 9));
	printf("expand SIZE_MAX -> %d\n", evbuffer_expand(b, SIZE_MAX));
	printf("expand SIZE_MAX-10 -> %d\n", evbuffer_expand(b, SIZE_MAX - 10));
	printf("expand SSIZE_MAX -> %d\n", evbuffer_expand(b, SSIZE_MAX));
	printf("reserve SSIZE_MAX/1 -> %d\n", evbuffer_reserve_space(b, SSIZE_MAX, v, 1));
	printf("reserve SSIZE_MAX/2 -> %d\n", evbuffer_reserve_space(b, SSIZE_MAX, v, 2));
	printf("reserve SSIZE_MAX-8/2 -> %d\n", evbuffer_reserve_space(b, SSIZE_MAX - 8, v, 2));
	/* (add_reference of SIZE_MAX-5 bytes: libevent 2.1.12 accepts it and the
	 * length wraps around; event_rs refuses it. Tested in Rust only.) */
	printf("pullup SSIZE_MAX -> %s\n", evbuffer_pullup(b, SSIZE_MAX) ? "ptr" : "NULL");
	printf("drain SIZE_MAX -> %d\n", evbuffer_drain(b, 0));
	dump("intact", b);
	printf("ptr_set SIZE_MAX -> %d\n", evbuffer_ptr_set(b, &p, SIZE_MAX, EVBUFFER_PTR_SET));
	evbuffer_ptr_set(b, &p, 3, EVBUFFER_PTR_SET);
	printf("ptr add SSIZE_MAX -> %d pos=%zd\n", evbuffer_ptr_set(b, &p, SSIZE_MAX, EVBUFFER_PTR_ADD), (ssize_t)p.pos);
	printf("search huge len: %zd\n", (ssize_t)evbuffer_search(b, x, SIZE_MAX, NULL).pos);
	printf("copyout_from huge: %zd\n", evbuffer_copyout_from(b, NULL, x, 3));
	evbuffer_ptr_set(b, &p, 3, EVBUFFER_PTR_SET);
	printf("copyout_from SSIZE_MAX: %zd\n", evbuffer_copyout_from(b, &p, x, SSIZE_MAX));
	dump("intact", b);

	/* Locking: without threads, no lock can be made. */
	printf("enable_locking(NULL) -> %d\n", evbuffer_enable_locking(b, NULL));
	evbuffer_lock(b);
	evbuffer_add(b, "L", 1);
	evbuffer_unlock(b);
	dump("after lock/unlock", b);
	evbuffer_free(b);
	return 0;
}
