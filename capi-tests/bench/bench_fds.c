/* Workload (1): many fds, few active -- the algorithm of libevent's
 * test/bench.c, written here -- and the cascade chain of bench_cascade.c.
 *
 *   bench_fds [-n pipes] [-a active] [-w writes] [-r rounds]      (bench.c)
 *   bench_fds -c [-n pipes] [-r rounds]                            (cascade)
 *
 * Built once against the system headers and linked by SONAME (-levent); the
 * library is chosen at run time by LD_LIBRARY_PATH.  Prints
 * "RESULT key value" lines; run_rounds() is the region callgrind counts. */
#include "bench_common.h"
#include <errno.h>
#include <unistd.h>
#include <sys/socket.h>
#include <event2/event.h>
#include <event2/event_compat.h>
#include <event2/event_struct.h>
#include <event2/util.h>

static long count, fired;
static int writes, failures;
static evutil_socket_t *pipes;
static int num_pipes, num_active, num_writes, num_rounds = 25;
static struct event *events;
static struct event_base *base;
static uint64_t *round_ns;
static long total_iters;

static void read_cb(evutil_socket_t fd, short which, void *arg)
{
	intptr_t idx = (intptr_t)arg, widx = idx + 1;
	unsigned char ch;
	ssize_t n;
	(void)which;

	n = recv(fd, (char *)&ch, sizeof(ch), 0);
	if (n >= 0)
		count += n;
	else
		failures++;
	if (writes) {
		if (widx >= num_pipes)
			widx -= num_pipes;
		n = send(pipes[2 * widx + 1], "e", 1, 0);
		if (n != 1)
			failures++;
		writes--;
		fired++;
	}
}

static uint64_t run_once(void)
{
	evutil_socket_t *cp;
	long i, space;
	uint64_t ts, te;

	for (cp = pipes, i = 0; i < num_pipes; i++, cp += 2) {
		if (event_initialized(&events[i]))
			event_del(&events[i]);
		event_assign(&events[i], base, cp[0], EV_READ | EV_PERSIST, read_cb,
			     (void *)(intptr_t)i);
		event_add(&events[i], NULL);
	}
	event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);

	fired = 0;
	space = num_pipes / num_active;
	space = space * 2;
	for (i = 0; i < num_active; i++, fired++)
		(void)send(pipes[i * space + 1], "e", 1, 0);

	count = 0;
	writes = num_writes;
	ts = now_ns();
	do {
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
		total_iters++;
	} while (count != fired);
	te = now_ns();
	return te - ts;
}

NOINLINE void run_rounds(void)
{
	for (int r = 0; r < num_rounds; r++)
		round_ns[r] = run_once();
}

/* ---- cascade (bench_cascade.c) ---- */
static int cfired;

static void cascade_cb(evutil_socket_t fd, short which, void *arg)
{
	char ch;
	evutil_socket_t sock = (evutil_socket_t)(intptr_t)arg;
	(void)which;
	(void)recv(fd, &ch, sizeof(ch), 0);
	if (sock >= 0 && send(sock, "e", 1, 0) < 0)
		perror("send");
	cfired++;
}

static uint64_t cascade_once(void)
{
	evutil_socket_t *cp;
	int i;
	uint64_t ts, te;
	struct timeval tv_timeout = { 60, 0 };

	events = calloc(num_pipes, sizeof(struct event));
	pipes = calloc(num_pipes * 2, sizeof(evutil_socket_t));
	for (cp = pipes, i = 0; i < num_pipes; i++, cp += 2)
		if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, cp) == -1) {
			perror("socketpair");
			exit(1);
		}
	ts = now_ns(); /* measurement includes event setup, as upstream */
	for (cp = pipes, i = 0; i < num_pipes; i++, cp += 2) {
		evutil_socket_t fd = i < num_pipes - 1 ? cp[3] : -1;
		event_set(&events[i], cp[0], EV_READ, cascade_cb, (void *)(intptr_t)fd);
		event_add(&events[i], &tv_timeout);
	}
	cfired = 0;
	if (send(pipes[1], "e", 1, 0) < 0)
		perror("send");
	event_dispatch();
	te = now_ns();
	if (cfired != num_pipes)
		failures++;
	for (cp = pipes, i = 0; i < num_pipes; i++, cp += 2) {
		event_del(&events[i]);
		evutil_closesocket(cp[0]);
		evutil_closesocket(cp[1]);
	}
	free(pipes);
	free(events);
	return te - ts;
}

NOINLINE void run_cascade_rounds(void)
{
	for (int r = 0; r < num_rounds; r++)
		round_ns[r] = cascade_once();
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	int c, cascade = 0;
	uint64_t med;

	num_pipes = 100;
	num_active = 1;
	num_writes = -1;
	while ((c = getopt(argc, argv, "n:a:w:r:c")) != -1) {
		switch (c) {
		case 'n': num_pipes = atoi(optarg); break;
		case 'a': num_active = atoi(optarg); break;
		case 'w': num_writes = atoi(optarg); break;
		case 'r': num_rounds = atoi(optarg); break;
		case 'c': cascade = 1; break;
		default: fprintf(stderr, "usage: %s [-c] [-n N] [-a A] [-w W] [-r R]\n", argv[0]); return 1;
		}
	}
	if (num_writes < 0)
		num_writes = num_pipes;
	/* Like upstream, but fall back to raising only the soft limit (valgrind
	 * refuses any change of the hard limit; a hard limit below 2n+50 is fine
	 * as long as it is above the fds we use). */
	rl.rlim_cur = rl.rlim_max = num_pipes * 2 + 50;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
		getrlimit(RLIMIT_NOFILE, &rl);
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur < (rlim_t)num_pipes * 2 + 20) {
			fprintf(stderr, "RLIMIT_NOFILE too low for %d pipes\n", num_pipes);
			return 1;
		}
	}
	round_ns = calloc(num_rounds, sizeof *round_ns);

	if (cascade) {
		base = event_init();
		run_cascade_rounds();
	} else {
		evutil_socket_t *cp;
		events = calloc(num_pipes, sizeof(struct event));
		pipes = calloc(num_pipes * 2, sizeof(evutil_socket_t));
		base = event_base_new();
		for (cp = pipes, c = 0; c < num_pipes; c++, cp += 2)
			if (evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, cp) == -1) {
				perror("socketpair");
				return 1;
			}
		run_rounds();
		RESULT("iters_per_round", "%.1f", (double)total_iters / num_rounds);
		RESULT("total_iters", "%ld", total_iters);
	}
	med = median_u64(round_ns, num_rounds);
	RESULT("method", "%s", event_base_get_method(base));
	RESULT("round_us", "%.2f", med / 1000.0);
	RESULT("impl", "%s", loaded_impl());
	RESULT("failures", "%d", failures);
	return failures ? 2 : 0;
}
