/* event_rs: event2/rpc_compat.h -- old variable-argument EVTAG_* accessors. */
#ifndef EVENT2_RPC_COMPAT_H_INCLUDED_
#define EVENT2_RPC_COMPAT_H_INCLUDED_

#ifdef __cplusplus
extern "C" {
#endif


/* GNU C only: one macro for both the plain and the _WITH_LEN forms.
 * (libevent spells the variadic part 'args...'; __VA_ARGS__ with the
 * GNU comma paste means the same and keeps -pedantic quiet.) */
#if defined(__GNUC__) && !defined(__STRICT_ANSI__)
#undef EVTAG_ASSIGN
#undef EVTAG_GET
#undef EVTAG_ADD
/* quiet -pedantic under -std=gnu89 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wvariadic-macros"
#define EVTAG_ASSIGN(msg, member, ...) \
	(*(msg)->base->member##_assign)(msg, ## __VA_ARGS__)
#define EVTAG_GET(msg, member, ...) \
	(*(msg)->base->member##_get)(msg, ## __VA_ARGS__)
#define EVTAG_ADD(msg, member, ...) \
	(*(msg)->base->member##_add)(msg, ## __VA_ARGS__)
#pragma GCC diagnostic pop
#endif
#define EVTAG_LEN(msg, member) ((msg)->member##_length)

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_RPC_COMPAT_H_INCLUDED_ */
