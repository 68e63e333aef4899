/* signal: SIGUSR1 handled by a persistent signal event, raised three times
 * by a timer; the previous handler is restored when the event is deleted. */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>

static int caught;

static void on_usr1(evutil_socket_t sig, short what, void *arg)
{
	struct event *self = arg;
	(void)what;
	printf("caught signal %d (%d so far)\n", (int)sig, ++caught);
	if (caught == 3)
		event_del(self);
}

static void raise_usr1(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what; (void)arg;
	raise(SIGUSR1);
}

int main(void)
{
	struct event_base *base = event_base_new();
	struct event *sig = evsignal_new(base, SIGUSR1, on_usr1, event_self_cbarg());
	struct event *timer = event_new(base, -1, EV_PERSIST, raise_usr1, NULL);
	struct timeval tv = { 0, 50 * 1000 };
	struct sigaction sa;

	evsignal_add(sig, NULL);
	event_add(timer, &tv);
	while (caught < 3)
		event_base_loop(base, EVLOOP_ONCE);
	event_free(timer);
	sigaction(SIGUSR1, NULL, &sa);
	printf("handler restored to default: %s\n", sa.sa_handler == SIG_DFL ? "yes" : "no");
	event_free(sig);
	event_base_free(base);
	return 0;
}
