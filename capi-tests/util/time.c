/* Time: evutil_date_rfc1123 (dates, small buffers, odd fields, NULL tm),
 * the monotonic timer API (public and the _ internals on a timer kept on
 * the stack, as libevent's tests do; the clock each flag picks; the
 * fallback clock never going back), evutil_tv_to_msec_, evutil_usleep_. */
#include "ut.h"

static long long
mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long long
tv_us(const struct timeval *tv)
{
	return (long long)tv->tv_sec * 1000000 + tv->tv_usec;
}

int
main(void)
{
	static const time_t stamps[] = {
		0, 946684799, 946684800, 981072000, 1015113600, 1049414400, 1083715200, 1118016000, 1152230400,
		1186531200, 1220918400, 1255132800, 1289433600, 1323648000, 4294967296LL, 253402300799LL,
		1456704000, 1435708800, 1481866376, 86399, 951782400, -1, -86401, 32503680000LL
	};
	struct timeval tvs[] = {
		{ 0, 0 }, { 0, 1 }, { 0, 999 }, { 0, 1000 }, { 0, 1001 }, { 1, 0 }, { 1, 999999 }, { 0, 1000000 },
		{ 0, 1000001 }, { 0, 1999999 }, { -1, 0 }, { 0, -1 }, { -1, 500000 }, { 0, -1000001 },
		{ 9223372036854775807L / 1000, 0 }, { 9223372036854775807L / 1000 - 1, 999999 },
		{ 9223372036854775807L / 1000 - 1, 1000000 }, { 9223372036854775807L, 0 }, { -9223372036854775807L, 0 },
		{ 0, 2000000 }, { 1234567, 890123 }
	};
	struct tm tm;
	char buf[64];
	size_t i, n;
	int r, flags;

	for (i = 0; i < sizeof(stamps) / sizeof(stamps[0]); i++) {
		gmtime_r(&stamps[i], &tm);
		r = evutil_date_rfc1123(buf, sizeof(buf), &tm);
		printf("date %lld -> %d %s\n", (long long)stamps[i], r, buf);
	}
	gmtime_r(&stamps[0], &tm);
	for (n = 0; n <= 31; n++) {
		memset(buf, '#', sizeof(buf));
		buf[sizeof(buf) - 1] = 0;
		r = evutil_date_rfc1123(buf, n, &tm);
		printf("date into %zu -> %d %s\n", n, r, ut_q(buf));
	}
	r = evutil_date_rfc1123(NULL, 0, &tm);
	printf("date NULL 0 -> %d\n", r);
	/* Fields as given, not recomputed. */
	tm.tm_wday = 3;
	evutil_date_rfc1123(buf, sizeof(buf), &tm);
	printf("wday 3: %s\n", buf);
	tm.tm_mon = 11;
	tm.tm_wday = 6;
	tm.tm_mday = 31;
	tm.tm_hour = 23;
	tm.tm_min = 59;
	tm.tm_sec = 60;
	evutil_date_rfc1123(buf, sizeof(buf), &tm);
	printf("leap second: %s\n", buf);
	tm.tm_year = -1905;
	tm.tm_mday = 123;
	tm.tm_hour = -1;
	r = evutil_date_rfc1123(buf, sizeof(buf), &tm);
	printf("odd fields: %d %s\n", r, buf);
	tm.tm_year = 100000;
	r = evutil_date_rfc1123(buf, sizeof(buf), &tm);
	printf("big year: %d %s\n", r, buf);
	{
		time_t now = time(NULL), then;
		struct tm got;
		char mon[4], wd[4];
		int d, y, h, mi, s;
		r = evutil_date_rfc1123(buf, sizeof(buf), NULL);
		if (sscanf(buf, "%3s, %d %3s %d %d:%d:%d GMT", wd, &d, mon, &y, &h, &mi, &s) == 7) {
			memset(&got, 0, sizeof(got));
			got.tm_year = y - 1900;
			got.tm_mday = d;
			got.tm_hour = h;
			got.tm_min = mi;
			got.tm_sec = s;
			got.tm_mon = (int)((strstr("JanFebMarAprMayJunJulAugSepOctNovDec", mon) -
			    "JanFebMarAprMayJunJulAugSepOctNovDec") / 3);
			then = timegm(&got);
			printf("NULL tm: %d chars, %s\n", r, (then - now) * (then - now) <= 4 ? "now" : "NOT NOW");
		} else {
			printf("NULL tm: unparsable %s\n", buf);
		}
	}

	/* Monotonic timers on the stack, libevent's layout. */
	for (flags = 0; flags < 4; flags++) {
		struct ut_monotonic_timer mt;
		struct timeval a, b;
		memset(&mt, 0x55, sizeof(mt));
		r = evutil_configure_monotonic_time_((struct evutil_monotonic_timer *)&mt, flags);
		printf("configure_ flags %d -> %d clock %d\n", flags, r, mt.monotonic_clock);
		r = evutil_gettime_monotonic_((struct evutil_monotonic_timer *)&mt, &a);
		evutil_gettime_monotonic_((struct evutil_monotonic_timer *)&mt, &b);
		printf("    gettime -> %d, %s\n", r, tv_us(&b) >= tv_us(&a) ? "non-decreasing" : "WENT BACK");
	}
	{
		struct ut_monotonic_timer mt;
		struct timeval a, b;
		long long ahead;
		memset(&mt, 0, sizeof(mt));
		evutil_configure_monotonic_time_((struct evutil_monotonic_timer *)&mt, EV_MONOT_FALLBACK);
		evutil_gettime_monotonic_((struct evutil_monotonic_timer *)&mt, &a);
		/* As if the wall clock had been set back by 100 s. */
		mt.last_time.tv_sec += 100;
		ahead = tv_us(&mt.last_time);
		evutil_gettime_monotonic_((struct evutil_monotonic_timer *)&mt, &b);
		printf("fallback after the clock went back: %s, adjustment %s\n",
		    tv_us(&b) >= ahead ? "held" : "WENT BACK",
		    mt.adjust_monotonic_clock.tv_sec >= 99 ? "grew" : "did not grow");
		evutil_gettime_monotonic_((struct evutil_monotonic_timer *)&mt, &a);
		printf("    next reading %s\n", tv_us(&a) >= tv_us(&b) ? "non-decreasing" : "WENT BACK");
	}
	{
		struct evutil_monotonic_timer *t = evutil_monotonic_timer_new();
		struct timeval a, wall;
		printf("timer_new: %s\n", t ? "ok" : "NULL");
		/* Unconfigured: clock 0, the wall clock. */
		r = evutil_gettime_monotonic(t, &a);
		gettimeofday(&wall, NULL);
		printf("gettime unconfigured -> %d, %s\n", r,
		    llabs(tv_us(&a) - tv_us(&wall)) < 2000000 ? "wall clock" : "not the wall clock");
		for (flags = 0; flags < 4; flags++) {
			long long m0, m1;
			r = evutil_configure_monotonic_time(t, flags);
			m0 = mono_us();
			evutil_gettime_monotonic(t, &a);
			m1 = mono_us();
			printf("configure %d -> %d; reads %s\n", flags, r,
			    flags & EV_MONOT_FALLBACK ? "(wall based)" :
			    (tv_us(&a) > m0 - 20000 && tv_us(&a) < m1 + 20000) ? "the monotonic clock" : "ANOTHER CLOCK");
		}
		evutil_monotonic_timer_free(t);
		evutil_monotonic_timer_free(NULL);
	}

	for (i = 0; i < sizeof(tvs) / sizeof(tvs[0]); i++)
		printf("msec %ld.%ld -> %ld\n", (long)tvs[i].tv_sec, (long)tvs[i].tv_usec, evutil_tv_to_msec_(&tvs[i]));

	{
		struct timeval q = { 0, 60000 };
		long long t0 = mono_us(), d;
		evutil_usleep_(&q);
		d = mono_us() - t0;
		printf("usleep 60 ms: %s\n", d >= 55000 && d < 1000000 ? "ok" : "WRONG");
		q.tv_sec = 0;
		q.tv_usec = 0;
		t0 = mono_us();
		evutil_usleep_(&q);
		printf("usleep 0: %s\n", mono_us() - t0 < 50000 ? "ok" : "WRONG");
	}
	return 0;
}
