/* The floor for workload (1): the same work as bench_fds.c done by a
 * hand-written epoll loop, no libevent at all.
 *
 *   epoll_fds [-n pipes] [-a active] [-w writes] [-r rounds]   (bench.c work)
 *   epoll_fds -c [-n pipes] [-r rounds]                         (cascade work)
 *
 * Registration is done once (a raw loop has no reason to re-add every fd each
 * round); each round times the same section bench.c times: from the first
 * poll after the A initial writes until every write has been read. */
#include "bench_common.h"
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>

static long count, fired;
static int writes, failures;
static int *pipes;
static int num_pipes, num_active, num_writes, num_rounds = 25;
static int epfd;
static uint64_t *round_ns;
static long total_iters;
#define MAXEV 1024

static void read_cb(int idx)
{
	int widx = idx + 1;
	unsigned char ch;
	ssize_t n = recv(pipes[2 * idx], &ch, 1, 0);
	if (n >= 0)
		count += n;
	else
		failures++;
	if (writes) {
		if (widx >= num_pipes)
			widx -= num_pipes;
		if (send(pipes[2 * widx + 1], "e", 1, 0) != 1)
			failures++;
		writes--;
		fired++;
	}
}

static uint64_t run_once(void)
{
	struct epoll_event evs[MAXEV];
	long i, space;
	uint64_t ts, te;

	fired = 0;
	space = (num_pipes / num_active) * 2;
	for (i = 0; i < num_active; i++, fired++)
		(void)send(pipes[i * space + 1], "e", 1, 0);
	count = 0;
	writes = num_writes;
	ts = now_ns();
	do {
		int n = epoll_wait(epfd, evs, MAXEV, 0);
		for (int k = 0; k < n; k++)
			read_cb((int)evs[k].data.u32);
		total_iters++;
	} while (count != fired);
	te = now_ns();
	return te - ts;
}

static uint64_t cascade_once(void)
{
	struct epoll_event ev, evs[MAXEV];
	int i, done = 0;
	uint64_t ts, te;

	pipes = calloc(num_pipes * 2, sizeof(int));
	for (i = 0; i < num_pipes; i++)
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, pipes + 2 * i) == -1) {
			perror("socketpair");
			exit(1);
		}
	ts = now_ns();
	epfd = epoll_create1(EPOLL_CLOEXEC);
	for (i = 0; i < num_pipes; i++) {
		ev.events = EPOLLIN | EPOLLONESHOT;
		ev.data.u32 = i;
		epoll_ctl(epfd, EPOLL_CTL_ADD, pipes[2 * i], &ev);
	}
	if (send(pipes[1], "e", 1, 0) < 0)
		perror("send");
	while (done < num_pipes) {
		int n = epoll_wait(epfd, evs, MAXEV, 60000);
		for (int k = 0; k < n; k++) {
			int idx = evs[k].data.u32;
			char ch;
			(void)recv(pipes[2 * idx], &ch, 1, 0);
			if (idx < num_pipes - 1 && send(pipes[2 * idx + 3], "e", 1, 0) < 0)
				perror("send");
			done++;
		}
	}
	te = now_ns();
	close(epfd);
	for (i = 0; i < 2 * num_pipes; i++)
		close(pipes[i]);
	free(pipes);
	return te - ts;
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	int c, cascade = 0;

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
		default: return 1;
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
		for (int r = 0; r < num_rounds; r++)
			round_ns[r] = cascade_once();
	} else {
		struct epoll_event ev;
		pipes = calloc(num_pipes * 2, sizeof(int));
		epfd = epoll_create1(EPOLL_CLOEXEC);
		for (c = 0; c < num_pipes; c++) {
			if (socketpair(AF_UNIX, SOCK_STREAM, 0, pipes + 2 * c) == -1) {
				perror("socketpair");
				return 1;
			}
			fcntl(pipes[2 * c], F_SETFL, O_NONBLOCK);
			ev.events = EPOLLIN;
			ev.data.u32 = c;
			epoll_ctl(epfd, EPOLL_CTL_ADD, pipes[2 * c], &ev);
		}
		for (int r = 0; r < num_rounds; r++)
			round_ns[r] = run_once();
		RESULT("iters_per_round", "%.1f", (double)total_iters / num_rounds);
		RESULT("total_iters", "%ld", total_iters);
	}
	RESULT("method", "%s", "raw-epoll");
	RESULT("round_us", "%.2f", median_u64(round_ns, num_rounds) / 1000.0);
	RESULT("failures", "%d", failures);
	return failures ? 2 : 0;
}
