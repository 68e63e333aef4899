/* Workloads (3)-(5): the server side -- a plain libevent echo server.
 *
 *   net_server [-t seconds] [-b backlog] [-r bytes] [-x]
 *
 * An evconnlistener on 127.0.0.1 (ephemeral port) accepts connections; each
 * gets a socket bufferevent (BEV_OPT_CLOSE_ON_FREE, TCP_NODELAY) whose read
 * callback moves its whole input buffer to its output buffer -- the canonical
 * libevent echo server.  EOF or an error frees the bufferevent.  -r sets each
 * bufferevent's single-read and single-write maxima (bulk echo uses it).
 *
 * It prints "PORT <n>" (flushed) once listening, so the harness can start the
 * load client (net_client.c, raw epoll, no libevent), and "RESULT ..." lines
 * when it exits.  With -x it leaves the loop when the last connection closes
 * after at least one was accepted (so that `strace -c` sees a clean exit).
 * Every run is bounded: alarm(-t seconds, default 120) kills it.
 *
 * Built once against the system headers and linked by SONAME (-levent); the
 * library is chosen at run time by LD_LIBRARY_PATH. */
#include "bench_common.h"
#include <errno.h>
#include <signal.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <event2/util.h>

static struct event_base *base;
static long active, accepted, accept_errors, bev_failures;
static int exit_when_idle;
static long max_single;      /* -r: bufferevent_set_max_single_read/write */

static void read_cb(struct bufferevent *bev, void *arg)
{
	(void)arg;
	evbuffer_add_buffer(bufferevent_get_output(bev), bufferevent_get_input(bev));
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		bufferevent_free(bev);
		if (--active == 0 && exit_when_idle)
			event_base_loopexit(base, NULL);
	}
}

static void accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
		      int socklen, void *arg)
{
	struct bufferevent *bev;
	int one = 1;
	(void)l; (void)sa; (void)socklen; (void)arg;

	bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!bev) {
		bev_failures++;
		evutil_closesocket(fd);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (max_single > 0 &&
	    (bufferevent_set_max_single_read(bev, (size_t)max_single) < 0 ||
	     bufferevent_set_max_single_write(bev, (size_t)max_single) < 0))
		bev_failures++;
	bufferevent_setcb(bev, read_cb, NULL, event_cb, NULL);
	if (bufferevent_enable(bev, EV_READ | EV_WRITE) < 0)
		bev_failures++;
	active++;
	accepted++;
}

static void accept_error_cb(struct evconnlistener *l, void *arg)
{
	(void)l; (void)arg;
	/* EMFILE and friends: counted; the listener keeps going. */
	accept_errors++;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof sin;
	struct evconnlistener *lev;
	struct rlimit rl;
	int c, timeout_s = 120, backlog = 4096;

	while ((c = getopt(argc, argv, "t:b:r:x")) != -1) {
		switch (c) {
		case 't': timeout_s = atoi(optarg); break;
		case 'b': backlog = atoi(optarg); break;
		case 'r': max_single = atol(optarg); break;
		case 'x': exit_when_idle = 1; break;
		default:
			fprintf(stderr, "usage: %s [-t seconds] [-b backlog] [-r max_single_read_write] [-x]\n", argv[0]);
			return 2;
		}
	}
	alarm(timeout_s);           /* bounded, whatever the client does */
	signal(SIGPIPE, SIG_IGN);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	base = event_base_new();
	if (!base) {
		fprintf(stderr, "event_base_new failed\n");
		return 1;
	}
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0;
	lev = evconnlistener_new_bind(base, accept_cb, NULL,
				      LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, backlog,
				      (struct sockaddr *)&sin, sizeof sin);
	if (!lev) {
		perror("evconnlistener_new_bind");
		return 1;
	}
	evconnlistener_set_error_cb(lev, accept_error_cb);
	if (getsockname(evconnlistener_get_fd(lev), (struct sockaddr *)&sin, &slen) < 0) {
		perror("getsockname");
		return 1;
	}
	printf("PORT %d\n", ntohs(sin.sin_port));
	printf("RESULT impl %s\n", loaded_impl());
	printf("RESULT method %s\n", event_base_get_method(base));
	fflush(stdout);

	event_base_dispatch(base);

	RESULT("accepted", "%ld", accepted);
	RESULT("accept_errors", "%ld", accept_errors);
	RESULT("failures", "%ld", bev_failures);
	RESULT("server_cpu_s", "%.3f", cpu_ns() / 1e9);
	RESULT("server_peak_rss_kib", "%ld", peak_rss_kib());
	fflush(stdout);
	evconnlistener_free(lev);
	event_base_free(base);
	return 0;
}
