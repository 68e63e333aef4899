/* evbuffer_read, evbuffer_write, evbuffer_write_atmost (partial writes,
 * EAGAIN, EOF, the per-call read limit), evbuffer_add_file, file segments
 * (mmap, read, sendfile), evbuffer_set_flags / clear_flags. */
#include "bt.h"

static unsigned char data[300000];

static void segcleanup(struct evbuffer_file_segment const *seg, int flags, void *arg)
{
	int fd = *(int *)arg;
	printf("  segment cleanup flags=%d fd %s\n", flags, fcntl(fd, F_GETFD) < 0 ? "closed" : "open");
}

/* Reads everything waiting on fd into a fresh buffer and checks it. */
static void drain_check(const char *tag, int fd, const unsigned char *want, size_t n)
{
	struct evbuffer *in = evbuffer_new();
	int r;
	while ((r = evbuffer_read(in, fd, -1)) > 0)
		;
	check(tag, in, want, n);
	evbuffer_free(in);
}

/* Writes all of b to fds[0], reading from fds[1] as it goes. */
static void pump(struct evbuffer *b, int fds[2], struct evbuffer *in)
{
	int r, rounds = 0;
	while (evbuffer_get_length(b) > 0 && rounds++ < 100000) {
		r = evbuffer_write(b, fds[0]);
		if (r < 0 && errno != EAGAIN) {
			printf("write error %d\n", errno);
			break;
		}
		while (evbuffer_read(in, fds[1], -1) > 0)
			;
	}
	while (evbuffer_read(in, fds[1], -1) > 0)
		;
}

static void file_case(const char *tag, int use_segment, unsigned flags, int drains, off_t off, off_t len,
    off_t seg_off, off_t seg_len, size_t filelen)
{
	int fd = t_tmpfile(data, filelen), fds[2], r;
	struct evbuffer *b = evbuffer_new(), *in = evbuffer_new();
	struct evbuffer_file_segment *seg = NULL;
	size_t want_off, want_len;
	printf("== %s\n", tag);
	if (drains)
		evbuffer_set_flags(b, EVBUFFER_FLAG_DRAINS_TO_FD);
	if (use_segment) {
		seg = evbuffer_file_segment_new(fd, off, len, flags);
		printf("segment_new -> %s\n", seg ? "ok" : "NULL");
		if (!seg)
			goto out;
		evbuffer_file_segment_add_cleanup_cb(seg, segcleanup, &fd);
		r = evbuffer_add_file_segment(b, seg, seg_off, seg_len);
		printf("add_file_segment -> %d len=%zu\n", r, evbuffer_get_length(b));
		r = evbuffer_add_file_segment(b, seg, seg_off, seg_len);
		printf("add again -> %d len=%zu\n", r, evbuffer_get_length(b));
		evbuffer_file_segment_free(seg);
		printf("segment freed (still used)\n");
	} else {
		r = evbuffer_add_file(b, fd, off, len);
		printf("add_file -> %d len=%zu\n", r, evbuffer_get_length(b));
	}
	want_off = off + (use_segment ? seg_off : 0);
	want_len = evbuffer_get_length(b);
	t_pair(fds);
	pump(b, fds, in);
	if (use_segment) {
		size_t one = want_len / 2;
		struct evbuffer *first = evbuffer_new();
		evbuffer_remove_buffer(in, first, one);
		check("sent", first, data + want_off, one);
		check("sent twice", in, data + want_off, one);
		evbuffer_free(first);
	} else {
		check("sent", in, data + want_off, want_len);
	}
	printf("src len=%zu\n", evbuffer_get_length(b));
	close(fds[0]);
	close(fds[1]);
out:
	printf("free buffer\n");
	evbuffer_free(b);
	evbuffer_free(in);
	printf("fd after: %s\n", fcntl(fd, F_GETFD) < 0 ? "closed" : "open");
	close(fd);
}

int main(void)
{
	struct evbuffer *b, *in;
	int fds[2], p[2], r, i;
	size_t total;

	t_init();
	for (i = 0; i < (int)sizeof(data); i++)
		data[i] = (unsigned char)(i * 7 + i / 251);

	/* read limits */
	t_pair(fds);
	b = evbuffer_new();
	write(fds[1], data, 10000);
	r = evbuffer_read(b, fds[0], -1);
	printf("read -1 of 10000 waiting -> %d\n", r);
	r = evbuffer_read(b, fds[0], 8000);
	printf("read 8000 -> %d\n", r);
	r = evbuffer_read(b, fds[0], 100);
	printf("read 100 -> %d\n", r);
	r = evbuffer_read(b, fds[0], 0);
	printf("read 0 -> %d\n", r);
	r = evbuffer_read(b, fds[0], 100000);
	printf("read 100000 -> %d\n", r);
	r = evbuffer_read(b, fds[0], -1);
	printf("read nothing waiting -> %d errno=%s\n", r, errno == EAGAIN ? "EAGAIN" : "other");
	dump("read", b);
	check("read data", b, data, 10000);

	/* write, write_atmost */
	r = evbuffer_write_atmost(b, fds[1], 10);
	printf("write_atmost 10 -> %d len=%zu\n", r, evbuffer_get_length(b));
	r = evbuffer_write_atmost(b, fds[1], 0);
	printf("write_atmost 0 -> %d len=%zu\n", r, evbuffer_get_length(b));
	r = evbuffer_write_atmost(b, fds[1], 5000);
	printf("write_atmost 5000 -> %d len=%zu\n", r, evbuffer_get_length(b));
	r = evbuffer_write(b, fds[1]);
	printf("write -> %d len=%zu\n", r, evbuffer_get_length(b));
	r = evbuffer_write(b, fds[1]);
	printf("write empty -> %d\n", r);
	drain_check("echoed", fds[0], data, 10000);

	/* Fill the socket until EAGAIN; nothing is lost. */
	evbuffer_add(b, data, sizeof data);
	total = 0;
	while ((r = evbuffer_write(b, fds[1])) > 0)
		total += r;
	printf("filled: last=%d errno=%s left+written=%zu\n", r, errno == EAGAIN ? "EAGAIN" : "other",
	    total + evbuffer_get_length(b));
	in = evbuffer_new();
	pump(b, (int[]){ fds[1], fds[0] }, in);
	check("after EAGAIN", in, data + total, sizeof(data) - total);
	evbuffer_free(in);

	/* EOF and errors */
	close(fds[1]);
	r = evbuffer_read(b, fds[0], -1);
	printf("read at EOF -> %d\n", r);
	evbuffer_add(b, "x", 1);
	r = evbuffer_write(b, fds[0]);
	printf("write to closed peer -> %d errno=%s\n", r, errno == EPIPE ? "EPIPE" : "other");
	close(fds[0]);
	r = evbuffer_read(b, -1, -1);
	printf("read bad fd -> %d errno=%s\n", r, errno == EBADF ? "EBADF" : "other");
	r = evbuffer_write(b, -1);
	printf("write bad fd -> %d len=%zu\n", r, evbuffer_get_length(b));
	evbuffer_free(b);

	/* A pipe: read everything in several calls. */
	pipe(p);
	b = evbuffer_new();
	write(p[1], data, 5000);
	close(p[1]);
	while ((r = evbuffer_read(b, p[0], 3000)) > 0)
		printf("pipe read -> %d\n", r);
	printf("pipe end -> %d\n", r);
	check("pipe", b, data, 5000);
	dump("pipe", b);
	close(p[0]);
	evbuffer_free(b);

	/* flags */
	b = evbuffer_new();
	printf("set_flags -> %d\n", evbuffer_set_flags(b, EVBUFFER_FLAG_DRAINS_TO_FD));
	printf("clear_flags -> %d\n", evbuffer_clear_flags(b, EVBUFFER_FLAG_DRAINS_TO_FD));
	printf("clear_flags again -> %d\n", evbuffer_clear_flags(b, EVBUFFER_FLAG_DRAINS_TO_FD));
	evbuffer_free(b);

	/* files */
	file_case("add_file whole", 0, 0, 0, 0, -1, 0, 0, 1000);
	file_case("add_file offset", 0, 0, 0, 100, 300, 0, 0, 1000);
	file_case("add_file drains", 0, 0, 1, 0, -1, 0, 0, 200000);
	/* (add_file / segment_new with an offset and length -1: libevent 2.1.12
	 * takes the whole file size as the length, past the end of the file;
	 * event_rs takes the rest of the file. Tested in Rust only.) */
	file_case("add_file offset, length", 0, 0, 1, 5000, 195000, 0, 0, 200000);
	file_case("segment default", 1, 0, 0, 10, 500, 20, 100, 1000);
	file_case("segment sendfile", 1, EVBUF_FS_DISABLE_MMAP, 1, 10, 500, 20, 100, 1000);
	file_case("segment mmap", 1, EVBUF_FS_DISABLE_SENDFILE, 0, 5000, 100000, 3, -1, 200000);
	file_case("segment linear", 1, EVBUF_FS_DISABLE_SENDFILE | EVBUF_FS_DISABLE_MMAP, 0, 7, 2000, 0, -1, 3000);
	file_case("segment linear whole", 1, EVBUF_FS_DISABLE_SENDFILE | EVBUF_FS_DISABLE_MMAP, 0, 0, -1, 10, -1, 3000);
	file_case("segment close", 1, EVBUF_FS_CLOSE_ON_FREE, 1, 0, 1000, 0, 1000, 1000);
	file_case("segment big sendfile", 1, 0, 1, 0, -1, 1000, -1, 300000);
	/* (A range past the segment's end fails; libevent 2.1.12 then also drops
	 * a reference it never took, freeing the segment under its creator, so
	 * that case is tested in Rust only.) */

	/* Reading a file segment's bytes directly */
	{
		int fd = t_tmpfile("0123456789abcdef", 16);
		struct evbuffer_file_segment *seg = evbuffer_file_segment_new(fd, 2, 10, EVBUF_FS_DISABLE_SENDFILE);
		char line[32];
		b = evbuffer_new();
		evbuffer_add(b, "<", 1);
		evbuffer_add_file_segment(b, seg, 1, 5);
		evbuffer_add(b, ">", 1);
		dump("segment bytes", b);
		r = evbuffer_remove(b, line, sizeof line);
		printf("remove -> %d\n", r);
		evbuffer_file_segment_free(seg);
		evbuffer_free(b);
		printf("segment_new negative offset: %s\n", evbuffer_file_segment_new(fd, -1, 3, 0) ? "ok" : "NULL");
		printf("segment_new bad fd: %s\n", evbuffer_file_segment_new(-1, 0, -1, 0) ? "ok" : "NULL");
		close(fd);
	}
	return 0;
}
