/* Shared helpers for the event_rs benchmark programs (capi-tests/bench).
 * Header-only; every program is built once against the system libevent
 * headers and linked by SONAME, so the same binary runs on either library. */
#ifndef EVENT_RS_BENCH_COMMON_H
#define EVENT_RS_BENCH_COMMON_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#define NOINLINE __attribute__((noinline, used))

static inline uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* CPU time of the whole process (user + system), in ns. */
static inline uint64_t cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* CPU time of the calling thread, in ns: on a shared machine it leaves out
 * the time other processes hold the CPU (it still counts our syscalls). */
static inline uint64_t thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Peak resident set size in KiB (VmHWM, falling back to getrusage). */
static inline long peak_rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	if (f) {
		while (fgets(line, sizeof line, f))
			if (!strncmp(line, "VmHWM:", 6)) { v = atol(line + 6); break; }
		fclose(f);
	}
	if (v < 0) {
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		v = ru.ru_maxrss;
	}
	return v;
}

static inline long cur_rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	if (f) {
		while (fgets(line, sizeof line, f))
			if (!strncmp(line, "VmRSS:", 6)) { v = atol(line + 6); break; }
		fclose(f);
	}
	return v;
}

/* Deterministic PRNG (xorshift64*), identical for both libraries. */
static uint64_t bench_rng_state = 0x9E3779B97F4A7C15ull;
static inline uint64_t bench_rand(void)
{
	uint64_t x = bench_rng_state;
	x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
	bench_rng_state = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static inline uint64_t median_u64(uint64_t *v, int n)
{
	qsort(v, n, sizeof *v, cmp_u64);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Which implementation this process really loaded, from /proc/self/maps:
 * "event_rs" when libevent_rs.so is mapped, else "libevent".  run.sh checks
 * it against the side it meant to run, on top of its ldd check. */
static inline const char *loaded_impl(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	const char *r = "libevent";
	if (!f)
		return "unknown";
	while (fgets(line, sizeof line, f))
		if (strstr(line, "libevent_rs.so")) { r = "event_rs"; break; }
	fclose(f);
	return r;
}

/* Results are printed one per line as "RESULT <key> <value>" for run.sh. */
#define RESULT(key, fmt, ...) printf("RESULT %s " fmt "\n", key, __VA_ARGS__)

#endif
