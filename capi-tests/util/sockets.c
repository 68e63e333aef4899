/* Sockets and files, loopback only: evutil_socketpair, the socket option
 * helpers, evutil_closesocket, evutil_make_internal_pipe_,
 * evutil_eventfd_, evutil_socket_, evutil_accept4_,
 * evutil_ersatz_socketpair_, evutil_socket_connect_ and
 * evutil_socket_finished_connecting_, evutil_read_file_,
 * evutil_open_closeonexec_, evutil_getenv_. */
#include "ut.h"
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>

static const char *
fl(int fd)
{
	static char b[128];
	int t = 0;
	socklen_t l = sizeof(t);
	struct stat st;
	if (fd < 0)
		return "no fd";
	fstat(fd, &st);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &t, &l) < 0)
		t = -1;
	snprintf(b, sizeof(b), "nonblock=%d cloexec=%d socktype=%d fifo=%d", !!(fcntl(fd, F_GETFL) & O_NONBLOCK),
	    !!(fcntl(fd, F_GETFD) & FD_CLOEXEC), t, S_ISFIFO(st.st_mode));
	return b;
}

static int
opt(int fd, int level, int name)
{
	int v = -1;
	socklen_t l = sizeof(v);
	getsockopt(fd, level, name, &v, &l);
	return v;
}

static const char *
talk(int a, int b)
{
	char c = 0;
	if (write(a, "x", 1) != 1 || read(b, &c, 1) != 1 || c != 'x')
		return "cannot talk";
	return "talk";
}

static void
wait_writable(int fd)
{
	struct pollfd p;
	p.fd = fd;
	p.events = POLLOUT;
	poll(&p, 1, 2000);
}

static int
listener(struct sockaddr_in *sin)
{
	socklen_t sl = sizeof(*sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(0x7f000001);
	if (bind(fd, (struct sockaddr *)sin, sizeof(*sin)) < 0 || listen(fd, 8) < 0 ||
	    getsockname(fd, (struct sockaddr *)sin, &sl) < 0) {
		printf("no loopback\n");
		exit(0);
	}
	return fd;
}

int
main(void)
{
	int sp[2], p[2], fd, fd2, r, e, lfd;
	struct sockaddr_in sin;
	struct sockaddr_storage ss;
	socklen_t sl;
	char *content;
	size_t len;
	FILE *f;
	char path[64], path2[64];
	static const int fams[] = { AF_INET, AF_INET6, AF_UNIX };
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_STREAM | SOCK_NONBLOCK, SOCK_STREAM | SOCK_CLOEXEC,
		SOCK_RAW, SOCK_SEQPACKET, 0 };
	size_t i, j, k;

	r = evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, sp);
	printf("socketpair -> %d %s %s\n", r, fl(sp[0]), talk(sp[0], sp[1]));
	r = evutil_make_socket_nonblocking(sp[0]);
	e = evutil_make_socket_closeonexec(sp[0]);
	printf("nonblocking -> %d, cloexec -> %d: %s\n", r, e, fl(sp[0]));
	r = evutil_make_socket_nonblocking(sp[0]);
	e = evutil_make_socket_closeonexec(sp[0]);
	printf("again -> %d %d: %s\n", r, e, fl(sp[0]));
	r = evutil_closesocket(sp[0]);
	e = evutil_closesocket(sp[1]);
	printf("closesocket -> %d %d\n", r, e);
	errno = 0;
	r = evutil_closesocket(sp[0]);
	e = errno;
	printf("closesocket again -> %d errno=%d\n", r, e);

	fd = socket(AF_INET6, SOCK_STREAM, 0);
	r = evutil_make_listen_socket_reuseable(fd);
	printf("reuseable -> %d (%d)\n", r, opt(fd, SOL_SOCKET, SO_REUSEADDR));
	r = evutil_make_listen_socket_reuseable_port(fd);
	printf("reuseable_port -> %d (%d)\n", r, opt(fd, SOL_SOCKET, SO_REUSEPORT));
	r = evutil_make_listen_socket_ipv6only(fd);
	printf("ipv6only -> %d (%d)\n", r, opt(fd, IPPROTO_IPV6, IPV6_V6ONLY));
	r = evutil_make_tcp_listen_socket_deferred(fd);
	printf("deferred -> %d (%d)\n", r, opt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT) > 0);
	close(fd);

	r = evutil_make_internal_pipe_(p);
	printf("internal pipe -> %d %s / %s %s\n", r, fl(p[0]), fl(p[1]), talk(p[1], p[0]));
	close(p[0]);
	close(p[1]);
	fd = evutil_eventfd_(3, 0);
	{
		ev_uint64_t v = 0;
		r = (int)read(fd, &v, 8);
		printf("eventfd(3, 0): %s read=%d value=%llu\n", fl(fd), r, (unsigned long long)v);
	}
	close(fd);
	fd = evutil_eventfd_(0, EFD_NONBLOCK | EFD_CLOEXEC);
	printf("eventfd(0, NONBLOCK|CLOEXEC): %s\n", fl(fd));
	close(fd);

	fd = evutil_socket_(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	printf("socket_ flags: %s\n", fl(fd));
	close(fd);
	fd = evutil_socket_(AF_INET, SOCK_DGRAM, 0);
	printf("socket_ plain: %s\n", fl(fd));
	close(fd);
	errno = 0;
	fd = evutil_socket_(12345, SOCK_STREAM, 0);
	e = errno;
	printf("socket_ bad family -> %d errno=%d\n", fd, e);

	for (i = 0; i < 3; i++)
		for (j = 0; j < sizeof(types) / sizeof(types[0]); j++)
			for (k = 0; k < 2; k++) {
				sp[0] = sp[1] = -5;
				errno = 0;
				r = evutil_ersatz_socketpair_(fams[i], types[j], k ? IPPROTO_TCP : 0, sp);
				e = errno;
				printf("ersatz family=%d type=%#x protocol=%d -> %d errno=%d", fams[i], types[j],
				    k ? IPPROTO_TCP : 0, r, r ? e : 0);
				if (r == 0) {
					printf(" %s; %s", fl(sp[0]), talk(sp[0], sp[1]));
					printf(" back %s", talk(sp[1], sp[0]));
					close(sp[0]);
					close(sp[1]);
				} else {
					printf(" fds untouched=%d", sp[0] == -5 && sp[1] == -5);
				}
				printf("\n");
			}
	errno = 0;
	r = evutil_ersatz_socketpair_(AF_INET, SOCK_STREAM, 0, NULL);
	e = errno;
	printf("ersatz NULL -> %d errno=%d\n", r, e);
	errno = 0;
	r = evutil_ersatz_socketpair_(AF_INET6, SOCK_STREAM, 0, NULL);
	e = errno;
	printf("ersatz NULL bad family -> %d errno=%d\n", r, e);

	lfd = listener(&sin);
	fd = -1;
	r = evutil_socket_connect_(&fd, (struct sockaddr *)&sin, sizeof(sin));
	printf("connect_ -> %d fd made=%d %s\n", r, fd >= 0, fl(fd));
	wait_writable(fd);
	printf("finished_connecting_ -> %d\n", evutil_socket_finished_connecting_(fd));
	sl = sizeof(ss);
	fd2 = evutil_accept4_(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
	printf("accept4_ -> fd=%d %s addrlen=%d %s\n", fd2 >= 0, fl(fd2), (int)sl, talk(fd, fd2));
	close(fd2);
	close(fd);
	fd = -1;
	r = evutil_socket_connect_(&fd, (struct sockaddr *)&sin, sizeof(sin));
	sl = sizeof(ss);
	fd2 = evutil_accept4_(lfd, NULL, NULL, 0);
	printf("accept4_ without address -> fd=%d %s\n", fd2 >= 0, fl(fd2));
	close(fd2);
	close(fd);
	close(lfd);

	/* now nobody listens there */
	fd = -1;
	errno = 0;
	r = evutil_socket_connect_(&fd, (struct sockaddr *)&sin, sizeof(sin));
	e = errno;
	printf("connect_ refused -> %d fd made=%d errno=%d\n", r, fd >= 0, r < 0 ? e : 0);
	if (fd >= 0) {
		wait_writable(fd);
		errno = 0;
		r = evutil_socket_finished_connecting_(fd);
		e = errno;
		printf("finished_connecting_ -> %d errno=%d\n", r, e);
		errno = 0;
		r = evutil_socket_finished_connecting_(fd);
		printf("finished_connecting_ again -> %d\n", r);
		close(fd);
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	fd2 = fd;
	errno = 0;
	r = evutil_socket_connect_(&fd, (struct sockaddr *)&sin, sizeof(sin));
	e = errno;
	printf("connect_ refused, blocking socket given -> %d same fd=%d errno=%d\n", r, fd == fd2, e);
	close(fd);
	fd = -1;
	errno = 0;
	r = evutil_socket_connect_(&fd, (struct sockaddr *)&sin, 3);
	e = errno;
	printf("connect_ short length -> %d fd=%d errno=%d\n", r, fd, e);
	{
		struct sockaddr_un {
			sa_family_t f;
			char path[108];
		} su;
		memset(&su, 0, sizeof(su));
		su.f = AF_UNIX;
		strcpy(su.path, "/nonexistent/socket");
		fd = -1;
		errno = 0;
		r = evutil_socket_connect_(&fd, (struct sockaddr *)&su, sizeof(su));
		e = errno;
		printf("connect_ unix nowhere -> %d fd=%d errno=%d\n", r, fd, e);
	}
	errno = 0;
	r = evutil_socket_finished_connecting_(9999);
	e = errno;
	printf("finished_connecting_ bad fd -> %d errno=%d\n", r, e);
	if (pipe(p) == 0) {
		errno = 0;
		r = evutil_socket_finished_connecting_(p[0]);
		e = errno;
		printf("finished_connecting_ pipe -> %d errno=%d\n", r, e);
		close(p[0]);
		close(p[1]);
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	printf("finished_connecting_ unconnected -> %d\n", evutil_socket_finished_connecting_(fd));
	close(fd);

	snprintf(path, sizeof(path), "/tmp/evutil-test-%d", (int)getpid());
	snprintf(path2, sizeof(path2), "/tmp/evutil-test-%d.new", (int)getpid());
	f = fopen(path, "w");
	fwrite("ab\0cd\n", 1, 6, f);
	fclose(f);
	content = (char *)1;
	len = 77;
	r = evutil_read_file_(path, &content, &len, 0);
	printf("read_file_ -> %d len=%zu nul=%d data=%s\n", r, len, content[len], ut_hex(content, len));
	free(content);
	r = evutil_read_file_(path, &content, &len, 1);
	printf("read_file_ binary -> %d len=%zu\n", r, len);
	free(content);
	f = fopen(path, "w");
	fclose(f);
	r = evutil_read_file_(path, &content, &len, 0);
	printf("read_file_ empty -> %d len=%zu buffer=%d nul=%d\n", r, len, content != NULL, content ? content[0] : -1);
	free(content);
	unlink(path);
	content = (char *)1;
	len = 77;
	errno = 0;
	r = evutil_read_file_(path, &content, &len, 0);
	printf("read_file_ missing -> %d len=%zu content=%s errno=%d\n", r, len,
	    content == (char *)1 ? "untouched" : content ? "set" : "NULL", errno);
	content = (char *)1;
	len = 77;
	errno = 0;
	r = evutil_read_file_("/", &content, &len, 0);
	printf("read_file_ directory -> %d len=%zu content=%s errno=%d\n", r, len,
	    content == (char *)1 ? "untouched" : content ? "set" : "NULL", errno);
	r = evutil_read_file_("/proc/self/status", &content, &len, 0);
	printf("read_file_ proc -> %d len=%zu\n", r, len);
	free(content);
	r = evutil_read_file_("/dev/null", &content, &len, 0);
	printf("read_file_ /dev/null -> %d len=%zu\n", r, len);
	free(content);

	umask(022);
	fd = evutil_open_closeonexec_(path2, O_WRONLY | O_CREAT | O_TRUNC, 0640);
	{
		struct stat st;
		fstat(fd, &st);
		printf("open_closeonexec_ create -> fd=%d %s mode=%o\n", fd >= 0, fl(fd), (unsigned)(st.st_mode & 0777));
	}
	close(fd);
	fd = evutil_open_closeonexec_(path2, O_RDONLY, 0);
	printf("open_closeonexec_ -> fd=%d %s\n", fd >= 0, fl(fd));
	close(fd);
	unlink(path2);
	errno = 0;
	fd = evutil_open_closeonexec_(path2, O_RDONLY, 0);
	e = errno;
	printf("open_closeonexec_ missing -> %d errno=%d\n", fd, e);

	setenv("EVUTIL_TEST_VAR", "value", 1);
	unsetenv("EVUTIL_TEST_UNSET");
	printf("getenv_ -> %s %s\n", ut_q(evutil_getenv_("EVUTIL_TEST_VAR")), ut_q(evutil_getenv_("EVUTIL_TEST_UNSET")));
	return 0;
}
