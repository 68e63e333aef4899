/* bufferevent_socket_connect and _connect_hostname against a local
 * listener; refused connections; unix sockets. */
#include "bevt.h"

static struct event_base *base;
static struct bufferevent *server;
static int done;

static void srv_rcb(struct bufferevent *b, void *a)
{
	char buf[64];
	size_t n = bufferevent_read(b, buf, sizeof(buf) - 1);
	(void)a;
	buf[n] = 0;
	bufferevent_write(b, buf, n);
}
static void srv_ecb(struct bufferevent *b, short w, void *a)
{
	(void)a; (void)w;
	bufferevent_free(b);
	server = NULL;
}
static void acb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int socklen, void *arg)
{
	(void)l; (void)sa; (void)socklen; (void)arg;
	server = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(server, srv_rcb, NULL, srv_ecb, NULL);
	bufferevent_enable(server, EV_READ);
}

static void rcb(struct bufferevent *b, void *a)
{
	char buf[64];
	size_t n = bufferevent_read(b, buf, sizeof(buf) - 1);
	buf[n] = 0;
	printf("  [%s] readcb \"%s\"\n", (char *)a, buf);
	bufferevent_free(b);
	done = 1;
}
static void wcb(struct bufferevent *b, void *a)
{
	printf("  [%s] writecb out=%zu\n", (char *)a, evbuffer_get_length(b->output));
}
static void ecb(struct bufferevent *b, short w, void *a)
{
	int e = errno;
	printf("  [%s] eventcb %s", (char *)a, t_what(w));
	if ((w & BEV_EVENT_ERROR) && bufferevent_socket_get_dns_error(b))
		printf(" dns_error=%d", bufferevent_socket_get_dns_error(b));
	else if (w & BEV_EVENT_ERROR)
		printf(" errno=%s", strerror(e));
	printf(" enabled=%s fd %s\n", t_en(bufferevent_get_enabled(b)), bufferevent_getfd(b) >= 0 ? "set" : "-1");
	if ((w & BEV_EVENT_CONNECTED) && !(bufferevent_get_enabled(b) & EV_WRITE)) {
		printf("  [%s] writing is disabled: done\n", (char *)a);
		bufferevent_free(b);
		done = 1;
	} else if (w & BEV_EVENT_CONNECTED)
		bufferevent_write(b, "ping", 4);
	if (w & (BEV_EVENT_ERROR|BEV_EVENT_EOF)) {
		bufferevent_free(b);
		done = 1;
	}
}

static struct bufferevent *mk(int fd, int opts, const char *name, int enable)
{
	struct bufferevent *b = bufferevent_socket_new(base, fd, opts);
	bufferevent_setcb(b, rcb, wcb, ecb, (void *)name);
	if (enable)
		bufferevent_enable(b, enable);
	return b;
}

int main(void)
{
	struct evconnlistener *l;
	struct sockaddr_in sin;
	struct sockaddr_storage ss;
	socklen_t slen = sizeof(ss);
	struct bufferevent *b;
	int port, r, refused_fd;

	t_init();
	base = event_base_new();
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000001);
	l = evconnlistener_new_bind(base, acb, NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, -1,
	    (struct sockaddr *)&sin, sizeof(sin));
	getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&ss, &slen);
	port = ntohs(((struct sockaddr_in *)&ss)->sin_port);

	printf("== connect, fd -1, reading enabled first\n");
	b = mk(-1, BEV_OPT_CLOSE_ON_FREE, "C1", EV_READ);
	r = bufferevent_socket_connect(b, (struct sockaddr *)&ss, slen);
	printf("connect: %d, fd %s, enabled %s, pending W %d\n", r, bufferevent_getfd(b) >= 0 ? "set" : "-1",
	    t_en(bufferevent_get_enabled(b)), event_pending(&b->ev_write, EV_WRITE, NULL) != 0);
	t_until(base, &done, 3000);
	done = 0;

	printf("== connect with data queued before, deferred callbacks\n");
	b = mk(-1, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS, "C2", EV_READ);
	bufferevent_setwatermark(b, EV_READ, 9, 0); /* the two writes may come back separately */
	bufferevent_write(b, "early", 5);
	r = bufferevent_socket_connect(b, (struct sockaddr *)&ss, slen);
	printf("connect: %d\n", r);
	t_until(base, &done, 3000);
	done = 0;

	printf("== connect on an existing socket, writing disabled\n");
	{
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		evutil_make_socket_nonblocking(fd);
		b = mk(fd, BEV_OPT_CLOSE_ON_FREE, "C3", EV_READ);
		bufferevent_disable(b, EV_WRITE);
		r = bufferevent_socket_connect(b, (struct sockaddr *)&ss, slen);
		printf("connect: %d, same fd %d, enabled %s\n", r, bufferevent_getfd(b) == fd, t_en(bufferevent_get_enabled(b)));
		t_until(base, &done, 3000);
	done = 0;
	}

	printf("== connect_hostname\n");
	b = mk(-1, BEV_OPT_CLOSE_ON_FREE, "H1", EV_READ);
	r = bufferevent_socket_connect_hostname(b, NULL, AF_INET, "127.0.0.1", port);
	printf("connect_hostname 127.0.0.1: %d\n", r);
	t_until(base, &done, 3000);
	done = 0;
	b = mk(-1, BEV_OPT_CLOSE_ON_FREE, "H2", EV_READ);
	r = bufferevent_socket_connect_hostname(b, NULL, AF_UNSPEC, "localhost", port);
	printf("connect_hostname localhost: %d\n", r);
	t_until(base, &done, 3000);
	done = 0;
	b = mk(-1, BEV_OPT_CLOSE_ON_FREE, "H3", EV_READ);
	r = bufferevent_socket_connect_hostname(b, NULL, AF_INET6, "127.0.0.1", port);
	printf("connect_hostname with a family that does not match: %d\n", r);
	t_until(base, &done, 3000);
	done = 0;

	printf("== refused\n");
	{
		struct sockaddr_in rs = sin;
		socklen_t rl = sizeof(rs);
		refused_fd = socket(AF_INET, SOCK_STREAM, 0);
		bind(refused_fd, (struct sockaddr *)&rs, sizeof(rs));
		getsockname(refused_fd, (struct sockaddr *)&rs, &rl);
		b = mk(-1, BEV_OPT_CLOSE_ON_FREE, "R1", EV_READ|EV_WRITE);
		r = bufferevent_socket_connect(b, (struct sockaddr *)&rs, rl);
		printf("connect: %d\n", r);
		t_until(base, &done, 3000);
	done = 0;
		b = mk(-1, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS, "R2", EV_READ);
		r = bufferevent_socket_connect(b, (struct sockaddr *)&rs, rl);
		printf("connect: %d\n", r);
		t_until(base, &done, 3000);
	done = 0;
		close(refused_fd);
	}

	printf("== unix socket\n");
	{
		struct sockaddr_un un;
		int ufd = socket(AF_UNIX, SOCK_STREAM, 0);
		memset(&un, 0, sizeof(un));
		un.sun_family = AF_UNIX;
		snprintf(un.sun_path, sizeof(un.sun_path), "/tmp/event_rs_con_%d", (int)getpid());
		unlink(un.sun_path);
		bind(ufd, (struct sockaddr *)&un, sizeof(un));
		listen(ufd, 5);
		b = mk(-1, BEV_OPT_CLOSE_ON_FREE, "U1", 0);
		r = bufferevent_socket_connect(b, (struct sockaddr *)&un, sizeof(un));
		printf("connect: %d\n", r);
		t_spin(base, 3);
		bufferevent_free(b);
		t_spin(base, 1);
		close(ufd);
		unlink(un.sun_path);
		b = mk(-1, BEV_OPT_CLOSE_ON_FREE, "U2", 0);
		r = bufferevent_socket_connect(b, (struct sockaddr *)&un, sizeof(un));
		printf("connect to a missing path: %d, fd %s\n", r, bufferevent_getfd(b) >= 0 ? "set" : "-1");
		bufferevent_free(b);
		t_spin(base, 1);
	}

	evconnlistener_free(l);
	if (server)
		bufferevent_free(server);
	event_base_free(base);
	printf("done\n");
	return 0;
}
