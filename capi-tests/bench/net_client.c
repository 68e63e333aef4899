/* Workloads (3)-(5): the load client -- raw epoll, no libevent, so it is the
 * same code whichever library the server (net_server.c) runs on.
 *
 *   net_client -m pingpong -p PORT -P SERVER_PID [-c 1000] [-s 64] [-w warm_ms] [-d ms] [-k n]
 *   net_client -m bulk     -p PORT -P SERVER_PID [-c 4] [-l window] [-w warm_ms] [-d ms]
 *   net_client -m idle     -p PORT -P SERVER_PID [-c 10000] [-W warm_conns]
 *
 * pingpong (3): c connections to 127.0.0.1:PORT, each with one s-byte message
 *   in flight: when the whole echo is back, it sends the next one.  After a
 *   warm-up of warm_ms, round trips are counted for d ms; the server's CPU time
 *   over the same window comes from clock_getcpuclockid(SERVER_PID).  With
 *   -k n, each connection does exactly n round trips instead (for strace).
 * bulk (4): c connections, each keeping up to `window` bytes in flight
 *   (written as fast as the socket takes them, read back as they come);
 *   echoed bytes are counted over d ms after the warm-up; the echoed bytes are
 *   checked against what was sent.
 * idle (5): W connections are made and echo one byte each (one-off growth:
 *   epoll and fd tables, malloc arenas), then the server's VmRSS is read; then
 *   c more connections are made, without traffic; once the server holds all
 *   their fds (counted in /proc/SERVER_PID/fd) and after a 200 ms pause, its
 *   VmRSS again: bytes per idle connection = delta / c.  Then each of the c
 *   connections echoes one byte (proving every one has a working bufferevent),
 *   and after another 200 ms VmRSS is read a third time ("after one echo").
 *
 * Everything is bounded: alarm(60) kills the client, and each phase has a
 * deadline.  At the end every connection is closed, which lets a server
 * started with -x exit.  Prints "RESULT key value" lines. */
#include "bench_common.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <dirent.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

struct conn {
	int fd;
	int out_on;             /* EPOLLOUT registered */
	uint32_t got;           /* pingpong: bytes of the current echo received */
	uint64_t tx, rx;        /* bulk: bytes sent / received */
	long rts;               /* pingpong: round trips done */
};

static int port, server_pid, nconn, msg = 64, warm_ms = 300, dur_ms = 2000, per_conn_k;
static long window = 1 << 21;
static int warm_conns = 64;
static struct conn *conns;
static int ep;
static unsigned char *txbuf, *rxbuf;
#define BUFSZ (256 * 1024)

static void die(const char *what)
{
	fprintf(stderr, "net_client: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* CPU time (user + system) of the server process, in ns. */
static clockid_t server_clock;
static int have_server_clock;
static uint64_t server_cpu_ns(void)
{
	struct timespec ts;
	if (have_server_clock && clock_gettime(server_clock, &ts) == 0)
		return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	/* fall back to /proc/PID/stat (clock ticks) */
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", server_pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	unsigned long ut = 0, st = 0;
	if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) == 2)
		return (uint64_t)(ut + st) * (1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK));
	return 0;
}

static long server_rss_kib(void)
{
	char path[64], line[256];
	long v = -1;
	snprintf(path, sizeof path, "/proc/%d/status", server_pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "VmRSS:", 6)) { v = atol(line + 6); break; }
	fclose(f);
	return v;
}

static long server_fd_count(void)
{
	char path[64];
	long n = 0;
	struct dirent *d;
	snprintf(path, sizeof path, "/proc/%d/fd", server_pid);
	DIR *dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

static int connect_one(void)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	if (fd < 0)
		die("socket");
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0)   /* blocking; loopback */
		die("connect");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

static void ep_set(int i, int out)
{
	struct epoll_event ev = { .events = EPOLLIN | (out ? EPOLLOUT : 0), .data.u32 = (uint32_t)i };
	if (epoll_ctl(ep, conns[i].out_on == -1 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, conns[i].fd, &ev) < 0)
		die("epoll_ctl");
	conns[i].out_on = out;
}

static void open_conns(int from, int to)
{
	for (int i = from; i < to; i++) {
		conns[i].fd = connect_one();
		conns[i].out_on = -1;
		ep_set(i, 0);
	}
}

static void close_conns(int n)
{
	for (int i = 0; i < n; i++)
		if (conns[i].fd >= 0) {
			close(conns[i].fd);
			conns[i].fd = -1;
		}
}

static void send_all(int fd, const void *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			die("write");   /* a 64-byte message always fits */
		}
		p = (const char *)p + w;
		n -= (size_t)w;
	}
}

/* ------------------------------------------------------------ (3) */
static int run_pingpong(void)
{
	struct epoll_event evs[1024];
	uint64_t t0, t_warm, t_end, tm0 = 0, tm1 = 0, c0 = 0, c1 = 0;
	long total = 0, m0 = 0, m1 = 0, done = 0, wakeups = 0, w0 = 0, w1 = 0;
	int measuring = 0, finished = 0;

	open_conns(0, nconn);
	t0 = now_ns();
	for (int i = 0; i < nconn; i++)
		send_all(conns[i].fd, txbuf, msg);
	t_warm = t0 + (uint64_t)warm_ms * 1000000ull;
	t_end = t_warm + (uint64_t)dur_ms * 1000000ull;
	while (!finished) {
		int n = epoll_wait(ep, evs, 1024, 100);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("epoll_wait");
		}
		wakeups++;
		for (int e = 0; e < n; e++) {
			struct conn *c = &conns[evs[e].data.u32];
			ssize_t r = read(c->fd, rxbuf, msg - c->got);
			if (r <= 0) {
				if (r < 0 && (errno == EAGAIN || errno == EINTR))
					continue;
				fprintf(stderr, "net_client: server closed a connection (%zd: %s)\n", r,
					r < 0 ? strerror(errno) : "EOF");
				return 1;
			}
			c->got += (uint32_t)r;
			if (c->got < (uint32_t)msg)
				continue;
			c->got = 0;
			c->rts++;
			total++;
			if (per_conn_k && c->rts >= per_conn_k) {
				if (++done == nconn)
					finished = 1;
				continue;
			}
			send_all(c->fd, txbuf, msg);
		}
		if (!per_conn_k) {
			uint64_t t = now_ns();
			if (!measuring && t >= t_warm) {
				measuring = 1;
				tm0 = t; m0 = total; c0 = server_cpu_ns(); w0 = wakeups;
			} else if (measuring && t >= t_end) {
				tm1 = t; m1 = total; c1 = server_cpu_ns(); w1 = wakeups;
				finished = 1;
			}
		}
		if (now_ns() - t0 > 50000000000ull) {
			fprintf(stderr, "net_client: pingpong did not finish in 50 s\n");
			return 1;
		}
	}
	if (per_conn_k) {
		RESULT("round_trips", "%ld", total);
	} else {
		double secs = (tm1 - tm0) / 1e9, rts = (double)(m1 - m0);
		if (rts <= 0) {
			fprintf(stderr, "net_client: no round trips in the window\n");
			return 1;
		}
		RESULT("round_trips", "%.0f", rts);
		RESULT("rt_per_s", "%.1f", rts / secs);
		RESULT("ns_per_rt", "%.2f", (tm1 - tm0) / rts);
		RESULT("server_cpu_ns_per_rt", "%.2f", (double)(c1 - c0) / rts);
		RESULT("server_cpu_share", "%.3f", (double)(c1 - c0) / (double)(tm1 - tm0));
		RESULT("client_rts_per_wakeup", "%.2f", rts / (double)(w1 - w0));
	}
	close_conns(nconn);
	return 0;
}

/* ------------------------------------------------------------ (4) */
static int bulk_write(int i)
{
	struct conn *c = &conns[i];
	while ((long)(c->tx - c->rx) < window) {
		size_t want = (size_t)(window - (long)(c->tx - c->rx));
		size_t off = c->tx % BUFSZ;
		if (want > BUFSZ - off)
			want = BUFSZ - off;
		ssize_t w = write(c->fd, txbuf + off, want);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				if (!c->out_on)
					ep_set(i, 1);
				return 0;
			}
			die("write");
		}
		c->tx += (uint64_t)w;
	}
	if (c->out_on)
		ep_set(i, 0);
	return 0;
}

static int run_bulk(void)
{
	struct epoll_event evs[64];
	uint64_t t0, t_warm, t_end, tm0 = 0, tm1 = 0, c0 = 0, c1 = 0, rx = 0, r0 = 0, r1 = 0;
	int measuring = 0, finished = 0;
	long bad = 0;

	for (int i = 0; i < BUFSZ; i++)
		txbuf[i] = (unsigned char)(i * 7 + (i >> 8));
	open_conns(0, nconn);
	t0 = now_ns();
	for (int i = 0; i < nconn; i++)
		bulk_write(i);
	t_warm = t0 + (uint64_t)warm_ms * 1000000ull;
	t_end = t_warm + (uint64_t)dur_ms * 1000000ull;
	while (!finished) {
		int n = epoll_wait(ep, evs, 64, 100);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("epoll_wait");
		}
		for (int e = 0; e < n; e++) {
			int i = (int)evs[e].data.u32;
			struct conn *c = &conns[i];
			if (evs[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
				for (;;) {
					ssize_t r = read(c->fd, rxbuf, BUFSZ);
					if (r < 0 && errno == EINTR)
						continue;
					if (r < 0 && errno == EAGAIN)
						break;
					if (r <= 0) {
						fprintf(stderr, "net_client: server closed a connection\n");
						return 1;
					}
					/* spot-check the echo: first and last byte of the read */
					if (rxbuf[0] != txbuf[c->rx % BUFSZ] ||
					    rxbuf[r - 1] != txbuf[(c->rx + (uint64_t)r - 1) % BUFSZ])
						bad++;
					c->rx += (uint64_t)r;
					rx += (uint64_t)r;
					if (c->rx > c->tx) {
						fprintf(stderr, "net_client: more bytes echoed than sent\n");
						return 1;
					}
					if (r < BUFSZ)
						break;
				}
			}
			bulk_write(i);
		}
		uint64_t t = now_ns();
		if (!measuring && t >= t_warm) {
			measuring = 1;
			tm0 = t; r0 = rx; c0 = server_cpu_ns();
		} else if (measuring && t >= t_end) {
			tm1 = t; r1 = rx; c1 = server_cpu_ns();
			finished = 1;
		}
		if (t - t0 > 50000000000ull) {
			fprintf(stderr, "net_client: bulk did not finish in 50 s\n");
			return 1;
		}
	}
	double secs = (tm1 - tm0) / 1e9, mb = (double)(r1 - r0) / 1e6;
	if (mb <= 0) {
		fprintf(stderr, "net_client: no bytes echoed in the window\n");
		return 1;
	}
	RESULT("bulk_mb_per_s", "%.1f", mb / secs);
	RESULT("bulk_ms_per_mb", "%.5f", secs * 1e3 / mb);
	RESULT("server_cpu_s_per_gb", "%.4f", (double)(c1 - c0) / 1e9 / (mb / 1e3));
	RESULT("server_cpu_share", "%.3f", (double)(c1 - c0) / (double)(tm1 - tm0));
	RESULT("echo_mismatches", "%ld", bad);
	RESULT("failures", "%ld", bad);
	close_conns(nconn);
	return 0;
}

/* ------------------------------------------------------------ (5) */
/* Each connection in [from, to) sends one byte; wait until every echo is back. */
static int echo_one_byte(int from, int to)
{
	struct epoll_event evs[1024];
	int pending = to - from;
	uint64_t deadline = now_ns() + 30000000000ull;
	for (int i = from; i < to; i++)
		send_all(conns[i].fd, "i", 1);
	while (pending > 0) {
		int n = epoll_wait(ep, evs, 1024, 100);
		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		for (int e = 0; e < n; e++) {
			int i = (int)evs[e].data.u32;
			if (i < from || i >= to)
				continue;
			ssize_t r = read(conns[i].fd, rxbuf, 16);
			if (r == 1) {
				pending--;
			} else if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
				fprintf(stderr, "net_client: idle connection %d closed by the server\n", i);
				return 1;
			}
		}
		if (now_ns() > deadline) {
			fprintf(stderr, "net_client: %d echoes missing after 30 s\n", pending);
			return 1;
		}
	}
	return 0;
}

static int run_idle(void)
{
	long rss0, rss1, rss2, fds0, fds;
	int total = warm_conns + nconn;
	struct timespec pause = { 0, 200000000 }, tick = { 0, 5000000 };
	uint64_t deadline;

	open_conns(0, warm_conns);
	if (echo_one_byte(0, warm_conns))
		return 1;
	nanosleep(&pause, NULL);
	rss0 = server_rss_kib();
	fds0 = server_fd_count();
	open_conns(warm_conns, total);
	deadline = now_ns() + 30000000000ull;
	while ((fds = server_fd_count()) >= 0 && fds < fds0 + nconn) {
		if (now_ns() > deadline) {
			fprintf(stderr, "net_client: the server holds %ld of %ld fds after 30 s\n",
				fds, fds0 + nconn);
			return 1;
		}
		nanosleep(&tick, NULL);
	}
	nanosleep(&pause, NULL);
	rss1 = server_rss_kib();
	if (echo_one_byte(warm_conns, total))
		return 1;
	nanosleep(&pause, NULL);
	rss2 = server_rss_kib();
	if (rss0 < 0 || rss1 < 0 || rss2 < 0 || fds < 0) {
		fprintf(stderr, "net_client: cannot read the server's VmRSS\n");
		return 1;
	}
	RESULT("idle_conns", "%d", nconn);
	RESULT("server_rss_before_kib", "%ld", rss0);
	RESULT("server_rss_after_kib", "%ld", rss1);
	RESULT("server_rss_echoed_kib", "%ld", rss2);
	RESULT("bytes_per_idle_conn", "%.1f", (rss1 - rss0) * 1024.0 / nconn);
	RESULT("bytes_per_conn_after_echo", "%.1f", (rss2 - rss0) * 1024.0 / nconn);
	close_conns(total);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = NULL;
	struct rlimit rl;
	int c;

	while ((c = getopt(argc, argv, "m:p:P:c:s:w:d:k:l:W:")) != -1) {
		switch (c) {
		case 'm': mode = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'P': server_pid = atoi(optarg); break;
		case 'c': nconn = atoi(optarg); break;
		case 's': msg = atoi(optarg); break;
		case 'w': warm_ms = atoi(optarg); break;
		case 'd': dur_ms = atoi(optarg); break;
		case 'k': per_conn_k = atoi(optarg); break;
		case 'l': window = atol(optarg); break;
		case 'W': warm_conns = atoi(optarg); break;
		default: goto usage;
		}
	}
	if (!mode || !port || !server_pid || msg <= 0 || msg > BUFSZ)
		goto usage;
	alarm(60);
	signal(SIGPIPE, SIG_IGN);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	have_server_clock = clock_getcpuclockid(server_pid, &server_clock) == 0;
	txbuf = calloc(1, BUFSZ);
	rxbuf = calloc(1, BUFSZ);
	ep = epoll_create1(0);
	if (ep < 0 || !txbuf || !rxbuf)
		die("setup");
	if (!strcmp(mode, "pingpong")) {
		if (!nconn) nconn = 1000;
		conns = calloc(nconn, sizeof *conns);
		return run_pingpong();
	}
	if (!strcmp(mode, "bulk")) {
		if (!nconn) nconn = 4;
		conns = calloc(nconn, sizeof *conns);
		return run_bulk();
	}
	if (!strcmp(mode, "idle")) {
		if (!nconn) nconn = 10000;
		conns = calloc(nconn + warm_conns, sizeof *conns);
		return run_idle();
	}
usage:
	fprintf(stderr, "usage: %s -m pingpong|bulk|idle -p PORT -P SERVER_PID [options]\n", argv[0]);
	return 2;
}
