/* echo_events: an echo server on raw events (the articles' first flow):
 * a listening socket with a persistent read event, one persistent read
 * event per client that echoes what arrives. Usage: echo_events [port] */
#include <event2/event.h>
#include <event2/util.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void on_client(evutil_socket_t fd, short what, void *arg)
{
	struct event *self = arg;
	char buf[4096];
	ssize_t n = recv(fd, buf, sizeof buf, 0);
	(void)what;
	if (n <= 0) {
		printf("client fd closed\n");
		event_free(self);
		evutil_closesocket(fd);
		return;
	}
	send(fd, buf, (size_t)n, 0);
	printf("echoed %zd bytes\n", n);
	fflush(stdout);
}

static void on_accept(evutil_socket_t listener, short what, void *arg)
{
	struct event_base *base = arg;
	int fd = accept(listener, NULL, NULL);
	struct event *ev;
	(void)what;
	if (fd < 0)
		return;
	evutil_make_socket_nonblocking(fd);
	ev = event_new(base, fd, EV_READ | EV_PERSIST, on_client, event_self_cbarg());
	event_add(ev, NULL);
	printf("client accepted\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 9998;
	struct sockaddr_in sin;
	struct event_base *base = event_base_new();
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	struct event *accept_ev;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	evutil_make_listen_socket_reuseable(listener);
	if (bind(listener, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(listener, 16) < 0) {
		perror("bind/listen");
		return 1;
	}
	evutil_make_socket_nonblocking(listener);
	accept_ev = event_new(base, listener, EV_READ | EV_PERSIST, on_accept, base);
	event_add(accept_ev, NULL);
	printf("listening on 127.0.0.1:%d\n", port);
	fflush(stdout);
	event_base_dispatch(base);
	return 0;
}
