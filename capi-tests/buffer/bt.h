/*
 * Helpers for the differential evbuffer tests in this directory.
 *
 * Each test prints a deterministic transcript on stdout (no pointers, no fd
 * numbers, no times); the same source built against the system libevent
 * and against event_rs must print the same (see run.sh). Besides contents
 * and lengths, dump() prints how the bytes are laid out in blocks
 * (evbuffer_peek extents, contiguous space), which is observable through
 * the API and which programs rely on for performance.
 */
#ifndef CAPI_TESTS_BUFFER_BT_H
#define CAPI_TESTS_BUFFER_BT_H

#define _GNU_SOURCE
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/buffer_compat.h>
#include <event2/util.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static inline void t_init(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
}

/* Prints bytes with C-style escapes, at most `max` of them. */
static inline void t_bytes(const unsigned char *p, size_t n, size_t max)
{
	size_t i;
	putchar('"');
	for (i = 0; i < n && i < max; i++) {
		unsigned char c = p[i];
		if (c == '\n') fputs("\\n", stdout);
		else if (c == '\r') fputs("\\r", stdout);
		else if (c == '\\') fputs("\\\\", stdout);
		else if (c == '"') fputs("\\\"", stdout);
		else if (c < 32 || c > 126) printf("\\x%02x", c);
		else putchar(c);
	}
	putchar('"');
	if (n > max)
		printf("...(%zu)", n);
}

/* Length, layout and (a prefix of the) contents of a buffer. */
static inline void dump(const char *tag, struct evbuffer *b)
{
	struct evbuffer_iovec v[64];
	int n, i;
	size_t len = evbuffer_get_length(b);
	unsigned char tmp[200];
	ev_ssize_t c;
	printf("%s: len=%zu contig=%zu", tag, len, evbuffer_get_contiguous_space(b));
	n = evbuffer_peek(b, -1, NULL, v, 64);
	printf(" extents=%d [", n);
	for (i = 0; i < n && i < 64; i++)
		printf("%s%zu", i ? "," : "", v[i].iov_len);
	printf("] ");
	c = evbuffer_copyout(b, tmp, sizeof(tmp));
	t_bytes(tmp, c < 0 ? 0 : (size_t)c, sizeof(tmp));
	if (len > sizeof(tmp))
		printf("...(%zu)", len);
	putchar('\n');
}

/* Checks contents against the expected bytes without printing them all. */
static inline void check(const char *tag, struct evbuffer *b, const unsigned char *want, size_t n)
{
	size_t len = evbuffer_get_length(b);
	unsigned char *p = malloc(len + 1);
	ev_ssize_t c = evbuffer_copyout(b, p, len);
	printf("%s: len=%zu copied=%zd %s\n", tag, len, c,
	    (len == n && (size_t)c == n && !memcmp(p, want, n)) ? "match" : "MISMATCH");
	free(p);
}

/* A socketpair with both ends non-blocking. */
static inline void t_pair(int fds[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0) {
		perror("socketpair");
		exit(1);
	}
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
}

/* A temporary file holding `data`, open for reading. */
static inline int t_tmpfile(const void *data, size_t n)
{
	char name[] = "/tmp/evbuf-test-XXXXXX";
	int fd = mkstemp(name);
	if (fd < 0) {
		perror("mkstemp");
		exit(1);
	}
	unlink(name);
	if (write(fd, data, n) != (ssize_t)n) {
		perror("write");
		exit(1);
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

#endif
