/* A C program that owns the event loop and hosts a Rust component
 * (examples/mixed_component.rs, linked as a static library): the C side
 * makes the base, its own events and runs event_base_dispatch; the Rust
 * side registers its events on the same base through Base::from_raw.
 *
 * The C side writes "hello mixed" into one end of a socketpair; the Rust
 * component echoes it back in upper case from the other end; the C read
 * event prints the reply, detaches the component and ends the loop. */
#include <event2/event.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct component;
struct component *rust_component_attach(struct event_base *base, int fd);
int rust_component_detach(struct component *c);

static struct component *comp;
static struct event_base *base;
static int ticks = -2;

static void on_reply(evutil_socket_t fd, short what, void *arg)
{
	char buf[64];
	ssize_t n = read(fd, buf, sizeof buf - 1);
	(void)what; (void)arg;
	if (n <= 0)
		return;
	buf[n] = '\0';
	printf("C got: %s\n", buf);
	ticks = rust_component_detach(comp);
	comp = NULL;
	event_base_loopexit(base, NULL);
}

static void on_start(evutil_socket_t fd, short what, void *arg)
{
	(void)what; (void)arg;
	/* after a few milliseconds, so the Rust timer has ticked */
	if (write(fd, "hello mixed", 11) != 11)
		perror("write");
}

int main(void)
{
	int sp[2];
	struct timeval start = { 0, 20000 }, limit = { 5, 0 };
	struct event *reply, *start_ev;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0)
		return 1;
	base = event_base_new();
	comp = rust_component_attach(base, sp[1]);
	if (!base || !comp) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	reply = event_new(base, sp[0], EV_READ | EV_PERSIST, on_reply, NULL);
	start_ev = event_new(base, sp[0], 0, on_start, NULL); /* a timer on sp[0] */
	event_add(reply, NULL);
	event_add(start_ev, &start);
	event_base_loopexit(base, &limit); /* bounded */
	event_base_dispatch(base);
	printf("rust ticks seen: %s\n", ticks > 0 ? "some" : "none");
	printf("component detached: %s\n", comp == NULL ? "yes" : "no");
	if (comp)
		rust_component_detach(comp);
	event_free(reply);
	event_free(start_ev);
	event_base_free(base);
	return 0;
}
