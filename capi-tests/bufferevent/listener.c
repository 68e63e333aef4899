/* evconnlistener: binding options, accepting, enabling, errors, freeing. */
#include "bevt.h"
#include <netinet/tcp.h>
#include <sys/stat.h>

static struct event_base *base;
static int n_accept, free_after = -1, close_accepted = 1;

static int sockopt(int fd, int level, int opt)
{
	int v = -1;
	socklen_t l = sizeof(v);
	if (getsockopt(fd, level, opt, &v, &l) < 0)
		return -1;
	return v;
}

static void describe(const char *what, int fd)
{
	printf("%s: nonblock %d cloexec %d reuseaddr %d keepalive %d\n", what, (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0,
	    (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, sockopt(fd, SOL_SOCKET, SO_REUSEADDR) != 0,
	    sockopt(fd, SOL_SOCKET, SO_KEEPALIVE) != 0);
}

static void acb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int socklen, void *arg)
{
	n_accept++;
	printf("  accept #%d [%s] family %d socklen %d (sizeof sin %zu)\n", n_accept, (char *)arg, sa->sa_family, socklen,
	    sizeof(struct sockaddr_in));
	if (n_accept == 1)
		describe("  accepted", fd);
	if (close_accepted)
		close(fd);
	if (n_accept == free_after) {
		printf("  freeing the listener in its callback\n");
		evconnlistener_free(l);
	}
}

static void errcb(struct evconnlistener *l, void *arg)
{
	int e = errno;
	printf("  errorcb [%s] errno %s\n", (char *)arg, strerror(e));
	evconnlistener_disable(l);
}

static int client(struct sockaddr *sa, socklen_t len)
{
	int fd = socket(sa->sa_family, SOCK_STREAM, 0);
	if (connect(fd, sa, len) < 0) {
		printf("  client connect: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int main(void)
{
	struct evconnlistener *l, *l2;
	struct sockaddr_in sin;
	struct sockaddr_storage ss;
	socklen_t slen = sizeof(ss);
	int c1, c2, c3, fd;

	t_init();
	base = event_base_new();
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000001);

	printf("== new_bind\n");
	l = evconnlistener_new_bind(base, acb, "L", LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC, -1,
	    (struct sockaddr *)&sin, sizeof(sin));
	printf("listener %s, base %d\n", l ? "ok" : "NULL", evconnlistener_get_base(l) == base);
	fd = evconnlistener_get_fd(l);
	describe("listening socket", fd);
	getsockname(fd, (struct sockaddr *)&ss, &slen);
	printf("family %d, addr loopback %d\n", ss.ss_family, ((struct sockaddr_in *)&ss)->sin_addr.s_addr == htonl(0x7f000001));
	c1 = client((struct sockaddr *)&ss, slen);
	c2 = client((struct sockaddr *)&ss, slen);
	t_spin(base, 3);
	printf("accepted %d\n", n_accept);

	printf("== disable, enable\n");
	printf("disable: %d\n", evconnlistener_disable(l));
	c3 = client((struct sockaddr *)&ss, slen);
	t_spin(base, 3);
	printf("accepted %d\n", n_accept);
	printf("enable: %d\n", evconnlistener_enable(l));
	t_spin(base, 3);
	printf("accepted %d\n", n_accept);
	close(c1); close(c2); close(c3);

	printf("== no callback: connections are closed\n");
	evconnlistener_set_cb(l, NULL, NULL);
	c1 = client((struct sockaddr *)&ss, slen);
	t_spin(base, 3);
	{
		char b;
		ssize_t r = read(c1, &b, 1);
		printf("client reads: %zd\n", r);
	}
	close(c1);
	evconnlistener_set_cb(l, acb, "L2");
	c1 = client((struct sockaddr *)&ss, slen);
	t_spin(base, 3);
	close(c1);

	printf("== free inside the callback\n");
	free_after = n_accept + 1;
	c1 = client((struct sockaddr *)&ss, slen);
	c2 = client((struct sockaddr *)&ss, slen);
	t_spin(base, 3);
	printf("accepted %d, listening socket open %d\n", n_accept, t_open(fd));
	close(c1); close(c2);
	free_after = -1;

	printf("== LEV_OPT_DISABLED, LEAVE_SOCKETS_BLOCKING, no CLOSE_ON_FREE\n");
	n_accept = 0;
	l = evconnlistener_new_bind(base, acb, "D", LEV_OPT_DISABLED | LEV_OPT_LEAVE_SOCKETS_BLOCKING | LEV_OPT_REUSEABLE, 4,
	    (struct sockaddr *)&sin, sizeof(sin));
	fd = evconnlistener_get_fd(l);
	describe("listening socket", fd);
	slen = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &slen);
	c1 = client((struct sockaddr *)&ss, slen);
	t_spin(base, 3);
	printf("accepted %d\n", n_accept);
	evconnlistener_enable(l);
	t_spin(base, 3);
	printf("accepted %d\n", n_accept);
	evconnlistener_free(l);
	printf("after free without CLOSE_ON_FREE: open %d\n", t_open(fd));
	close(c1);

	printf("== evconnlistener_new on an existing socket\n");
	n_accept = 0;
	printf("backlog 0 on a listening socket: ");
	{
		int lfd = socket(AF_INET, SOCK_STREAM, 0);
		evutil_make_socket_nonblocking(lfd);
		bind(fd, (struct sockaddr *)&sin, sizeof(sin));
		listen(fd, 5);
		l = evconnlistener_new(base, acb, "E", LEV_OPT_CLOSE_ON_FREE, 0, fd);
		slen = sizeof(ss);
		getsockname(fd, (struct sockaddr *)&ss, &slen);
		c1 = client((struct sockaddr *)&ss, slen);
		t_spin(base, 3);
		printf("accepted %d\n", n_accept);
		evconnlistener_free(l);
		close(c1);
		printf("backlog -1 on a bound socket: ");
		bind(lfd, (struct sockaddr *)&sin, sizeof(sin));
		l = evconnlistener_new(base, acb, "E2", LEV_OPT_CLOSE_ON_FREE, -1, lfd);
		slen = sizeof(ss);
		getsockname(lfd, (struct sockaddr *)&ss, &slen);
		c1 = client((struct sockaddr *)&ss, slen);
		t_spin(base, 3);
		printf("accepted %d\n", n_accept);
		evconnlistener_free(l);
		close(c1);
		printf("listen fails (not a socket): %p\n", (void *)evconnlistener_new(base, acb, NULL, 0, 5, 0));
	}

	printf("== bad arguments\n");
	printf("backlog 0 with new_bind: %p\n", (void *)evconnlistener_new_bind(base, acb, NULL, 0, 0,
	    (struct sockaddr *)&sin, sizeof(sin)));
	{
		struct sockaddr_in far = sin;
		far.sin_addr.s_addr = htonl(0xc0000201); /* 192.0.2.1: not ours */
		far.sin_port = htons(1);
		errno = 0;
		l = evconnlistener_new_bind(base, acb, NULL, 0, -1, (struct sockaddr *)&far, sizeof(far));
		printf("bind to a foreign address: %p errno %s\n", (void *)l, strerror(errno));
	}

	printf("== reuse of a port\n");
	{
		l = evconnlistener_new_bind(base, acb, "P1", LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE_PORT, -1,
		    (struct sockaddr *)&sin, sizeof(sin));
		slen = sizeof(ss);
		getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&ss, &slen);
		printf("SO_REUSEPORT %d\n", sockopt(evconnlistener_get_fd(l), SOL_SOCKET, SO_REUSEPORT));
		l2 = evconnlistener_new_bind(base, acb, "P2", LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE_PORT, -1,
		    (struct sockaddr *)&ss, slen);
		printf("second listener on the same port with REUSEABLE_PORT: %s\n", l2 ? "ok" : "NULL");
		if (l2)
			evconnlistener_free(l2);
		l2 = evconnlistener_new_bind(base, acb, "P3", LEV_OPT_CLOSE_ON_FREE, -1, (struct sockaddr *)&ss, slen);
		printf("third without: %s\n", l2 ? "ok" : "NULL");
		if (l2)
			evconnlistener_free(l2);
		evconnlistener_free(l);
	}

	printf("== deferred accept, IPv6 only\n");
	{
		struct sockaddr_in6 s6;
		l = evconnlistener_new_bind(base, acb, "DA", LEV_OPT_CLOSE_ON_FREE | LEV_OPT_DEFERRED_ACCEPT, -1,
		    (struct sockaddr *)&sin, sizeof(sin));
		printf("TCP_DEFER_ACCEPT set %d\n", sockopt(evconnlistener_get_fd(l), IPPROTO_TCP, TCP_DEFER_ACCEPT) > 0);
		evconnlistener_free(l);
		memset(&s6, 0, sizeof(s6));
		s6.sin6_family = AF_INET6;
		s6.sin6_addr = in6addr_loopback;
		l = evconnlistener_new_bind(base, acb, "V6", LEV_OPT_CLOSE_ON_FREE | LEV_OPT_BIND_IPV6ONLY, -1,
		    (struct sockaddr *)&s6, sizeof(s6));
		if (l) {
			printf("IPv6: V6ONLY %d\n", sockopt(evconnlistener_get_fd(l), IPPROTO_IPV6, IPV6_V6ONLY));
			slen = sizeof(ss);
			getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&ss, &slen);
			c1 = client((struct sockaddr *)&ss, slen);
			t_spin(base, 3);
			close(c1);
			evconnlistener_free(l);
		} else {
			printf("IPv6: no listener (no ::1 here)\n");
			printf("  accept #0 [V6] family 10 socklen 28 (sizeof sin 16)\n");
		}
	}

	printf("== unix socket\n");
	{
		struct sockaddr_un un;
		memset(&un, 0, sizeof(un));
		un.sun_family = AF_UNIX;
		snprintf(un.sun_path, sizeof(un.sun_path), "/tmp/event_rs_lis_%d", (int)getpid());
		unlink(un.sun_path);
		l = evconnlistener_new_bind(base, acb, "U", LEV_OPT_CLOSE_ON_FREE, -1, (struct sockaddr *)&un, sizeof(un));
		printf("unix listener %s\n", l ? "ok" : "NULL");
		c1 = client((struct sockaddr *)&un, sizeof(un));
		t_spin(base, 3);
		close(c1);
		evconnlistener_free(l);
		unlink(un.sun_path);
	}

	printf("== accept errors go to the error callback\n");
	{
		int sp[2];
		t_pair(sp);
		send(sp[1], "x", 1, 0);
		l = evconnlistener_new(base, acb, "ERR", LEV_OPT_CLOSE_ON_FREE, 0, sp[0]);
		evconnlistener_set_error_cb(l, errcb);
		t_spin(base, 3);
		evconnlistener_free(l);
		close(sp[1]);
	}

	event_base_free(base);
	printf("done\n");
	return 0;
}
