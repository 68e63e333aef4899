/* `make bench-evbuffer`: evbuffer micro-benchmarks, each timed in one process
 * with clock_gettime(CLOCK_THREAD_CPUTIME_ID) -- CPU time, user and system,
 * so that other processes on a busy machine count less (set
 * BENCH_CLOCK=monotonic for wall-clock time).
 *
 *   bench_evbuffer [-c case[,case...]] [-s scale] [-b batches] [-l]
 *
 * Every case runs `batches` batches of a fixed number of operations (times
 * `scale`); the median batch is reported as ns per operation:
 *   "RESULT <case>_ns <value>".  Each case body is a non-inlined function
 * named case_<name>, so callgrind can count each case (its inclusive cost
 * minus that of its untimed_<name>_* helpers, divided by <name>_ops).  Built once against the system headers and
 * linked by SONAME (-levent_core); LD_LIBRARY_PATH picks the library. */
#include "bench_common.h"
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/socket.h>
#include <event2/buffer.h>
#include <event2/util.h>

static double scale = 1.0;
static int batches = 5;
static int failures;
static clockid_t bench_clock = CLOCK_THREAD_CPUTIME_ID;

static uint64_t tick(void)
{
	struct timespec ts;
	clock_gettime(bench_clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
static char *blob;          /* 1 MiB of pseudo-random lowercase text */
#define BLOB (1 << 20)

static long scaled(long n)
{
	long v = (long)(n * scale);
	return v < 1 ? 1 : v;
}

/* ---- add/drain of small pieces: 64 adds of 16 B, then 64 drains of 16 B ---- */
NOINLINE long case_add_drain_16(long iters)
{
	struct evbuffer *b = evbuffer_new();
	for (long i = 0; i < iters; i++) {
		for (int k = 0; k < 64; k++)
			evbuffer_add(b, blob + k * 16, 16);
		for (int k = 0; k < 64; k++)
			evbuffer_drain(b, 16);
	}
	if (evbuffer_get_length(b) != 0) failures++;
	evbuffer_free(b);
	return iters * 64; /* ops = add+drain pairs */
}

/* ---- add/drain of large pieces: 4 adds of 64 KiB, then 4 drains of 64 KiB ---- */
NOINLINE long case_add_drain_64k(long iters)
{
	struct evbuffer *b = evbuffer_new();
	for (long i = 0; i < iters; i++) {
		for (int k = 0; k < 4; k++)
			evbuffer_add(b, blob + k * 65536, 65536);
		for (int k = 0; k < 4; k++)
			evbuffer_drain(b, 65536);
	}
	if (evbuffer_get_length(b) != 0) failures++;
	evbuffer_free(b);
	return iters * 4;
}

/* ---- readln (CRLF) over many HTTP-header-like lines; only readln is timed ---- */
static char *lines_text;
static size_t lines_len;
static int lines_n = 4096;

static void make_lines(void)
{
	size_t cap = (size_t)lines_n * 64, off = 0;
	lines_text = malloc(cap);
	for (int i = 0; i < lines_n; i++)
		off += snprintf(lines_text + off, cap - off, "X-Header-%04d: value %08x%s\r\n", i,
				(unsigned)bench_rand(), (i & 3) ? "" : " and some more text");
	lines_len = off;
}

/* The untimed_* helpers build and free the buffers outside the timed part;
 * under callgrind their inclusive cost is subtracted from the case's. */
NOINLINE struct evbuffer *untimed_readln_setup(void)
{
	struct evbuffer *b = evbuffer_new();
	/* added in 1 KiB pieces, so lines straddle chains */
	for (size_t off = 0; off < lines_len; off += 1024)
		evbuffer_add(b, lines_text + off, lines_len - off < 1024 ? lines_len - off : 1024);
	return b;
}

NOINLINE void untimed_readln_free(struct evbuffer *b) { evbuffer_free(b); }

NOINLINE long case_readln(long iters, uint64_t *ns)
{
	long lines = 0;
	for (long i = 0; i < iters; i++) {
		struct evbuffer *b = untimed_readln_setup();
		uint64_t t = tick();
		char *l;
		size_t n;
		while ((l = evbuffer_readln(b, &n, EVBUFFER_EOL_CRLF)) != NULL) {
			lines++;
			free(l);
		}
		*ns += tick() - t;
		untimed_readln_free(b);
	}
	if (lines != iters * lines_n) failures++;
	return lines;
}

/* ---- search: 16-byte needle at the end of 1 MiB in 4 KiB adds ---- */
static const char needle[] = "zq-needle-0123zq";

NOINLINE struct evbuffer *untimed_search_setup(void)
{
	struct evbuffer *b = evbuffer_new();
	for (int off = 0; off < BLOB; off += 4096)
		evbuffer_add(b, blob + off, 4096);
	evbuffer_add(b, needle, 16);
	return b;
}

NOINLINE void untimed_search_free(struct evbuffer *b) { evbuffer_free(b); }

NOINLINE long case_search(long iters, uint64_t *ns)
{
	struct evbuffer *b = untimed_search_setup();
	uint64_t t = tick();
	for (long i = 0; i < iters; i++) {
		struct evbuffer_ptr p = evbuffer_search(b, needle, 16, NULL);
		if (p.pos != BLOB) failures++;
	}
	*ns += tick() - t;
	untimed_search_free(b);
	return iters;
}

/* ---- pullup(-1) of 256 KiB held in 64 chains of 4 KiB; only pullup is timed ---- */
NOINLINE struct evbuffer *untimed_pullup_setup(void)
{
	struct evbuffer *b = evbuffer_new();
	for (int k = 0; k < 64; k++)
		evbuffer_add(b, blob + k * 4096, 4096);
	return b;
}

NOINLINE void untimed_pullup_free(struct evbuffer *b) { evbuffer_free(b); }

NOINLINE long case_pullup(long iters, uint64_t *ns)
{
	for (long i = 0; i < iters; i++) {
		struct evbuffer *b = untimed_pullup_setup();
		uint64_t t = tick();
		unsigned char *p = evbuffer_pullup(b, -1);
		*ns += tick() - t;
		if (!p || p[4096] != (unsigned char)blob[4096]) failures++;
		untimed_pullup_free(b);
	}
	return iters;
}

/* ---- add_reference of 64 B pieces with a cleanup callback, then drain ---- */
static long cleanups;
static void ref_cleanup(const void *data, size_t len, void *arg)
{
	(void)data; (void)len; (void)arg;
	cleanups++;
}

NOINLINE long case_add_reference(long iters)
{
	struct evbuffer *b = evbuffer_new();
	cleanups = 0;
	for (long i = 0; i < iters; i++) {
		for (int k = 0; k < 64; k++)
			evbuffer_add_reference(b, blob + k * 64, 64, ref_cleanup, NULL);
		for (int k = 0; k < 64; k++)
			evbuffer_drain(b, 64);
	}
	evbuffer_free(b);
	if (cleanups != iters * 64) failures++;
	return iters * 64;
}

/* ---- evbuffer_write / evbuffer_read through a socketpair ---- */
static int sp[2] = { -1, -1 };

static long socket_pump(long iters, size_t piece)
{
	struct evbuffer *out = evbuffer_new(), *in = evbuffer_new();
	long moved = 0;
	for (long i = 0; i < iters; i++) {
		evbuffer_add(out, blob, piece);
		while (evbuffer_get_length(out) > 0 || evbuffer_get_length(in) < piece) {
			if (evbuffer_get_length(out) > 0 && evbuffer_write(out, sp[0]) < 0 &&
			    errno != EAGAIN) { failures++; goto done; }
			int r = evbuffer_read(in, sp[1], -1);
			if (r < 0 && errno != EAGAIN) { failures++; goto done; }
		}
		moved += evbuffer_get_length(in);
		evbuffer_drain(in, evbuffer_get_length(in));
	}
done:
	evbuffer_free(out);
	evbuffer_free(in);
	if (moved != iters * (long)piece) failures++;
	return iters;
}

NOINLINE long case_io_64k(long iters) { return socket_pump(iters, 65536); }
NOINLINE long case_io_256b(long iters) { return socket_pump(iters, 256); }

/* ---- driver ---- */
struct bcase {
	const char *name;
	long iters;       /* per batch at scale 1 */
	long (*plain)(long);
	long (*timed)(long, uint64_t *);
	const char *unit;
};

static const struct bcase cases[] = {
	{ "add_drain_16",  12000, case_add_drain_16, NULL, "16 B add+drain" },
	{ "add_drain_64k", 3000,  case_add_drain_64k, NULL, "64 KiB add+drain" },
	{ "readln",        40,    NULL, case_readln, "line (CRLF)" },
	{ "search",        60,    NULL, case_search, "search of 1 MiB" },
	{ "pullup",        600,   NULL, case_pullup, "pullup(-1) of 256 KiB" },
	{ "add_reference", 8000,  case_add_reference, NULL, "64 B add_reference+drain" },
	{ "io_64k",        600,   case_io_64k, NULL, "64 KiB write+read" },
	{ "io_256b",       20000, case_io_256b, NULL, "256 B write+read" },
};
#define NCASES (int)(sizeof cases / sizeof cases[0])

static int wanted(const char *list, const char *name)
{
	if (!list) return 1;
	size_t n = strlen(name);
	for (const char *p = list; (p = strstr(p, name)) != NULL; p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == 0))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	int c;
	while ((c = getopt(argc, argv, "c:s:b:l")) != -1) {
		switch (c) {
		case 'c': only = optarg; break;
		case 's': scale = atof(optarg); break;
		case 'b': batches = atoi(optarg); break;
		case 'l':
			for (int i = 0; i < NCASES; i++)
				printf("%s\t%s\n", cases[i].name, cases[i].unit);
			return 0;
		default:
			fprintf(stderr, "usage: %s [-c case,...] [-s scale] [-b batches] [-l]\n", argv[0]);
			return 1;
		}
	}
	if (batches < 1) batches = 1;
	if (getenv("BENCH_CLOCK") && !strcmp(getenv("BENCH_CLOCK"), "monotonic"))
		bench_clock = CLOCK_MONOTONIC;
	blob = malloc(BLOB + 64);
	for (int i = 0; i < BLOB + 64; i++)
		blob[i] = 'a' + (char)(bench_rand() % 26);
	make_lines();
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0) { perror("socketpair"); return 1; }
	evutil_make_socket_nonblocking(sp[0]);
	evutil_make_socket_nonblocking(sp[1]);

	uint64_t *v = calloc(batches, sizeof *v);
	for (int i = 0; i < NCASES; i++) {
		const struct bcase *bc = &cases[i];
		if (!wanted(only, bc->name))
			continue;
		long iters = scaled(bc->iters);
		long ops = 0;
		for (int k = 0; k < batches; k++) {
			uint64_t ns = 0, t = tick();
			ops = bc->plain ? bc->plain(iters) : bc->timed(iters, &ns);
			if (bc->plain)
				ns = tick() - t;
			v[k] = ops ? ns * 1000 / (uint64_t)ops : 0; /* ps per op */
		}
		char key[64];
		snprintf(key, sizeof key, "%s_ns", bc->name);
		RESULT(key, "%.2f", median_u64(v, batches) / 1000.0);
		snprintf(key, sizeof key, "%s_ops", bc->name);
		RESULT(key, "%ld", ops); /* per batch: callgrind divides by it */
	}
	RESULT("impl", "%s", loaded_impl());
	RESULT("failures", "%d", failures);
	return failures ? 2 : 0;
}
