/* layout: struct event / struct event_callback layout, public constants,
 * version API.  Expected numbers come from shared/abi/layout-x86_64.txt;
 * both builds print them, so a difference shows in the diff, and a
 * mismatch with the ABI file also prints "MISMATCH". */
#include "common.h"
#include <stddef.h>

static int bad;

#define SHOW(expr, want) do { \
	long v_ = (long)(expr); \
	printf("%s = %ld%s\n", #expr, v_, v_ == (long)(want) ? "" : "  MISMATCH"); \
	if (v_ != (long)(want)) bad++; \
} while (0)

#define CONST(name) printf("%s = 0x%lx\n", #name, (unsigned long)(name))

int main(void)
{
	struct event ev;
	t_init();

	printf("== struct event ==\n");
	SHOW(sizeof(struct event), 128);
	SHOW(offsetof(struct event, ev_evcallback), 0);
	SHOW(offsetof(struct event, ev_timeout_pos), 40);
	SHOW(offsetof(struct event, ev_fd), 56);
	SHOW(offsetof(struct event, ev_base), 64);
	SHOW(offsetof(struct event, ev_), 72);
	SHOW(offsetof(struct event, ev_events), 104);
	SHOW(offsetof(struct event, ev_res), 106);
	SHOW(offsetof(struct event, ev_timeout), 112);
	/* members inside the unions, as libevent's internal macros name them */
	SHOW(offsetof(struct event, ev_timeout_pos.min_heap_idx), 40);
	SHOW(offsetof(struct event, ev_timeout_pos.ev_next_with_common_timeout), 40);
	SHOW(offsetof(struct event, ev_.ev_io.ev_io_next), 72);
	SHOW(offsetof(struct event, ev_.ev_io.ev_timeout), 88);
	SHOW(offsetof(struct event, ev_.ev_signal.ev_signal_next), 72);
	SHOW(offsetof(struct event, ev_.ev_signal.ev_ncalls), 88);
	SHOW(offsetof(struct event, ev_.ev_signal.ev_pncalls), 96);
	SHOW(sizeof(ev.ev_fd), 4);
	SHOW(sizeof(ev.ev_events), 2);
	SHOW(sizeof(ev.ev_res), 2);
	SHOW(sizeof(ev.ev_timeout), 16);
	SHOW(sizeof(ev.ev_), 32);

	printf("== struct event_callback ==\n");
	SHOW(sizeof(struct event_callback), 40);
	SHOW(offsetof(struct event_callback, evcb_active_next), 0);
	SHOW(offsetof(struct event_callback, evcb_flags), 16);
	SHOW(offsetof(struct event_callback, evcb_pri), 18);
	SHOW(offsetof(struct event_callback, evcb_closure), 19);
	SHOW(offsetof(struct event_callback, evcb_cb_union), 24);
	SHOW(offsetof(struct event_callback, evcb_cb_union.evcb_callback), 24);
	SHOW(offsetof(struct event_callback, evcb_cb_union.evcb_selfcb), 24);
	SHOW(offsetof(struct event_callback, evcb_cb_union.evcb_evfinalize), 24);
	SHOW(offsetof(struct event_callback, evcb_cb_union.evcb_cbfinalize), 24);
	SHOW(offsetof(struct event_callback, evcb_arg), 32);
	SHOW(sizeof(((struct event_callback *)0)->evcb_flags), 2);
	SHOW(sizeof(((struct event_callback *)0)->evcb_pri), 1);
	SHOW(sizeof(((struct event_callback *)0)->evcb_closure), 1);
	SHOW(sizeof(evutil_socket_t), 4);

	printf("== runtime ==\n");
	SHOW(event_get_struct_event_size(), 128);
	printf("event_get_version() = %s\n", event_get_version());
	printf("event_get_version_number() = 0x%08x\n", (unsigned)event_get_version_number());
	printf("LIBEVENT_VERSION = %s\n", LIBEVENT_VERSION);
	printf("LIBEVENT_VERSION_NUMBER = 0x%08x\n", (unsigned)LIBEVENT_VERSION_NUMBER);
	SHOW(event_get_version_number() == LIBEVENT_VERSION_NUMBER, 1);
	SHOW(strcmp(event_get_version(), LIBEVENT_VERSION) == 0, 1);

	printf("== constants ==\n");
	CONST(EV_TIMEOUT); CONST(EV_READ); CONST(EV_WRITE); CONST(EV_SIGNAL);
	CONST(EV_PERSIST); CONST(EV_ET); CONST(EV_FINALIZE); CONST(EV_CLOSED);
	CONST(EVLIST_TIMEOUT); CONST(EVLIST_INSERTED); CONST(EVLIST_SIGNAL);
	CONST(EVLIST_ACTIVE); CONST(EVLIST_INTERNAL); CONST(EVLIST_ACTIVE_LATER);
	CONST(EVLIST_FINALIZING); CONST(EVLIST_INIT); CONST(EVLIST_ALL);
	CONST(EVLOOP_ONCE); CONST(EVLOOP_NONBLOCK); CONST(EVLOOP_NO_EXIT_ON_EMPTY);
	CONST(EVENT_BASE_COUNT_ACTIVE); CONST(EVENT_BASE_COUNT_VIRTUAL);
	CONST(EVENT_BASE_COUNT_ADDED);
	CONST(EV_FEATURE_ET); CONST(EV_FEATURE_O1); CONST(EV_FEATURE_FDS);
	CONST(EV_FEATURE_EARLY_CLOSE);
	CONST(EVENT_BASE_FLAG_NOLOCK); CONST(EVENT_BASE_FLAG_IGNORE_ENV);
	CONST(EVENT_BASE_FLAG_STARTUP_IOCP); CONST(EVENT_BASE_FLAG_NO_CACHE_TIME);
	CONST(EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	CONST(EVENT_BASE_FLAG_PRECISE_TIMER);
	CONST(EVENT_LOG_DEBUG); CONST(EVENT_LOG_MSG); CONST(EVENT_LOG_WARN);
	CONST(EVENT_LOG_ERR);
	CONST(_EVENT_LOG_DEBUG); CONST(_EVENT_LOG_MSG); CONST(_EVENT_LOG_WARN);
	CONST(_EVENT_LOG_ERR);
	CONST(EVENT_DBG_ALL); CONST(EVENT_DBG_NONE);
	CONST(EVENT_MAX_PRIORITIES);
#ifdef EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED
	printf("EVENT_SET_MEM_FUNCTIONS_IMPLEMENTED defined\n");
#endif
	printf("EV_MONOT_PRECISE? ");
#ifdef EV_MONOT_PRECISE
	printf("defined\n");
#else
	printf("no\n");
#endif

	printf("== macros on a stack event ==\n");
	memset(&ev, 0, sizeof(ev));
	printf("event_initialized(zeroed) = %d\n", event_initialized(&ev));
	printf("evtimer_initialized(zeroed) = %d\n", evtimer_initialized(&ev));
	printf("evsignal_initialized(zeroed) = %d\n", evsignal_initialized(&ev));
	printf("evuser_initialized(zeroed) = %d\n", evuser_initialized(&ev));
	printf("timeout_initialized(zeroed) = %d\n", timeout_initialized(&ev));
	printf("signal_initialized(zeroed) = %d\n", signal_initialized(&ev));

	printf("%s\n", bad ? "LAYOUT MISMATCHES" : "layout ok");
	return bad ? 1 : 0;
}
