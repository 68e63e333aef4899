/* Workloads (3)-(4): the floor -- the same echo server as net_server.c with
 * no library, a hand-written epoll loop.
 *
 *   net_server_raw [-t seconds] [-b backlog] [-x]
 *
 * Level-triggered epoll; each readable connection is read once (up to 1 MiB
 * into one shared buffer) and the bytes are written straight back.  What a
 * full socket does not take waits in a per-connection buffer, the
 * connection then waits for EPOLLOUT instead of EPOLLIN until it is flushed.
 * So a ping-pong round trip is one read, one write and a share of one
 * epoll_wait: the least any event loop can do.  Same output protocol as
 * net_server.c ("PORT <n>", "RESULT ..."), with "RESULT impl raw". */
#include "bench_common.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#define RBUF (1 << 20)

struct conn {
	char *pend;          /* bytes read but not yet written back */
	size_t len, off;
};

static struct conn *conns;
static int nconns_max;
static char *rbuf;
static long active, accepted, failures;

static void set_mask(int ep, int fd, uint32_t mask)
{
	struct epoll_event e = { .events = mask, .data.fd = fd };
	if (epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e) < 0)
		failures++;
}

static void drop(int ep, int fd)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
	free(conns[fd].pend);
	conns[fd] = (struct conn){ 0 };
	active--;
}

/* Writes [p, p+n) to fd until done or EAGAIN; bytes left, or -1 if the
 * connection is gone. */
static ssize_t put(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? (ssize_t)n : -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Echoes what was just read; keeps what the socket does not take. */
static int echo(int ep, int fd, size_t n)
{
	ssize_t left = put(fd, rbuf, n);
	if (left <= 0)
		return (int)left;
	struct conn *c = &conns[fd];
	c->pend = malloc((size_t)left);
	if (!c->pend)
		return -1;
	memcpy(c->pend, rbuf + (n - (size_t)left), (size_t)left);
	c->off = 0;
	c->len = (size_t)left;
	set_mask(ep, fd, EPOLLOUT);
	return 0;
}

/* Writable again: flush the kept bytes, then go back to reading. */
static int flush(int ep, int fd)
{
	struct conn *c = &conns[fd];
	ssize_t left = put(fd, c->pend + c->off, c->len - c->off);
	if (left < 0)
		return -1;
	c->off = c->len - (size_t)left;
	if (left == 0) {
		free(c->pend);
		c->pend = NULL;
		set_mask(ep, fd, EPOLLIN);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof sin;
	struct rlimit rl;
	int c, timeout_s = 120, backlog = 4096, exit_when_idle = 0, one = 1, lfd, ep;
	struct epoll_event evs[256], e;

	while ((c = getopt(argc, argv, "t:b:r:x")) != -1) {
		switch (c) {
		case 't': timeout_s = atoi(optarg); break;
		case 'b': backlog = atoi(optarg); break;
		case 'r': break;                   /* accepted for net_server.c's sake */
		case 'x': exit_when_idle = 1; break;
		default:
			fprintf(stderr, "usage: %s [-t seconds] [-b backlog] [-x]\n", argv[0]);
			return 2;
		}
	}
	alarm(timeout_s);
	signal(SIGPIPE, SIG_IGN);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	getrlimit(RLIMIT_NOFILE, &rl);
	nconns_max = (int)rl.rlim_cur;
	conns = calloc((size_t)nconns_max, sizeof *conns);
	rbuf = malloc(RBUF);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (!conns || !rbuf || lfd < 0 || ep < 0) {
		perror("setup");
		return 1;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(lfd, backlog) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &slen) < 0) {
		perror("listen");
		return 1;
	}
	e = (struct epoll_event){ .events = EPOLLIN, .data.fd = lfd };
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &e);
	printf("PORT %d\n", ntohs(sin.sin_port));
	printf("RESULT impl raw\n");
	printf("RESULT method epoll\n");
	fflush(stdout);

	for (;;) {
		int n = epoll_wait(ep, evs, 256, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("epoll_wait");
			return 1;
		}
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			if (fd == lfd) {
				int cfd;
				while ((cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
					if (cfd >= nconns_max) {
						close(cfd);
						continue;
					}
					setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
					e = (struct epoll_event){ .events = EPOLLIN, .data.fd = cfd };
					if (epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &e) < 0) {
						close(cfd);
						failures++;
						continue;
					}
					active++;
					accepted++;
				}
				continue;
			}
			struct conn *cn = &conns[fd];
			int gone = 0;
			if (cn->pend) {
				gone = flush(ep, fd) < 0;
			} else {
				ssize_t r = read(fd, rbuf, RBUF);
				if (r > 0)
					gone = echo(ep, fd, (size_t)r) < 0;
				else if (r == 0 || (errno != EAGAIN && errno != EINTR))
					gone = 1;
			}
			if (gone) {
				drop(ep, fd);
				if (active == 0 && exit_when_idle)
					goto out;
			}
		}
	}
out:
	RESULT("accepted", "%ld", accepted);
	RESULT("accept_errors", "%d", 0);
	RESULT("failures", "%ld", failures);
	RESULT("server_cpu_s", "%.3f", cpu_ns() / 1e9);
	RESULT("server_peak_rss_kib", "%ld", peak_rss_kib());
	fflush(stdout);
	return 0;
}
