/* Random numbers: evutil_secure_rng_* (every byte asked for is set, none
 * outside; init; set_urandom_device_file's answer; add_bytes), and the weak
 * generator's exact sequences (evutil_weakrand_seed_ / _ / range_). */
#include "ut.h"
#include <sys/wait.h>

int
main(void)
{
	struct evutil_weakrand_state st;
	unsigned char buf1[40], buf2[40];
	int i, j, k, ok = 1;
	char dev[] = "/nonexistent/urandom";

	printf("init -> %d\n", evutil_secure_rng_init());
	printf("init again -> %d\n", evutil_secure_rng_init());
	printf("set_urandom_device_file -> %d\n", evutil_secure_rng_set_urandom_device_file(dev));
	printf("init after -> %d\n", evutil_secure_rng_init());
	evutil_secure_rng_add_bytes("some more entropy", 17);
	evutil_secure_rng_add_bytes("", 0);

	/* As libevent's util/rand test: various start and end points, every
	 * byte in range set at least once over 8 runs, none outside. */
	st.seed = 12346789u;
	for (k = 0; k < 32; k++) {
		int start = evutil_weakrand_(&st) % 4, end = 40 - (evutil_weakrand_(&st) % 4);
		memset(buf2, 0, sizeof(buf2));
		for (i = 0; i < 8; i++) {
			memset(buf1, 0, sizeof(buf1));
			evutil_secure_rng_get_bytes(buf1 + start, (size_t)(end - start));
			for (j = 0; j < 40; j++) {
				if (j >= start && j < end)
					buf2[j] |= buf1[j];
				else if (buf1[j])
					ok = 0;
			}
		}
		for (j = start; j < end; j++)
			if (!buf2[j])
				ok = 0;
	}
	printf("secure bytes: %s\n", ok ? "ok" : "WRONG");
	evutil_secure_rng_get_bytes(buf1, 0);
	{
		/* parent and child of a fork do not share a stream */
		int p[2];
		pid_t pid;
		unsigned char c[16];
		if (pipe(p) == 0 && (pid = fork()) >= 0) {
			if (pid == 0) {
				evutil_secure_rng_get_bytes(c, sizeof(c));
				if (write(p[1], c, sizeof(c)) != (ssize_t)sizeof(c))
					_exit(1);
				_exit(0);
			}
			evutil_secure_rng_get_bytes(buf1, sizeof(c));
			waitpid(pid, NULL, 0);
			printf("fork: %s\n", read(p[0], c, sizeof(c)) == (ssize_t)sizeof(c) && memcmp(c, buf1, sizeof(c))
				? "different streams" : "SAME BYTES");
		}
	}

	for (i = 1; i <= 4; i++) {
		ev_uint32_t r = evutil_weakrand_seed_(&st, (ev_uint32_t)i * 7919u);
		printf("seed %u -> %u state %u:", (unsigned)i * 7919u, (unsigned)r, (unsigned)st.seed);
		for (j = 0; j < 8; j++)
			printf(" %d", evutil_weakrand_(&st));
		printf("\n");
	}
	st.seed = 0xffffffffu;
	printf("seed max: %d", evutil_weakrand_(&st));
	printf(" then state %u\n", (unsigned)st.seed);
	for (k = 1; k <= 100000; k *= 7) {
		st.seed = 12345;
		printf("range %d:", k);
		for (j = 0; j < 12; j++)
			printf(" %d", evutil_weakrand_range_(&st, k));
		printf(" state %u\n", (unsigned)st.seed);
	}
	st.seed = 12345;
	printf("range max: %d %d\n", evutil_weakrand_range_(&st, 2147483647), evutil_weakrand_range_(&st, 2147483647));
	evutil_weakrand_seed_(&st, 0);
	ok = 1;
	for (i = 0; i < 10000; i++) {
		ev_int32_t r = evutil_weakrand_range_(&st, 9999);
		if (r < 0 || r >= 9999)
			ok = 0;
	}
	printf("seeded from the clock: %s\n", ok && st.seed != 0 ? "ok" : "WRONG");
	return 0;
}
