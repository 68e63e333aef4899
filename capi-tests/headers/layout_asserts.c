/* capi-tests/headers/layout_asserts.c
 *
 * Compile-time proof that the public structs of our headers have
 * libevent 2.1.12's x86_64 layout: one assertion per number in
 * shared/abi/layout-x86_64.txt (check.sh verifies none is missing), plus
 * the constants listed at its end.  Build with -I<our include dir>; it
 * also builds against the system's libevent headers, which keeps the
 * numbers honest.  -DLAYOUT_WITH_SYS_QUEUE includes <sys/queue.h> first,
 * so the TAILQ/LIST macros come from the C library instead of ours. */
#ifdef LAYOUT_WITH_SYS_QUEUE
#include <sys/queue.h>
#endif
#include <stddef.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_struct.h>
#include <event2/keyvalq_struct.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/dns.h>
#include <event2/dns_struct.h>
#include <event2/util.h>

#ifdef __cplusplus
#define LAYOUT_ASSERT(cond) static_assert(cond, #cond)
#else
#define LAYOUT_ASSERT(cond) _Static_assert(cond, #cond)
#endif


LAYOUT_ASSERT(sizeof(struct event) == 128);
LAYOUT_ASSERT(offsetof(struct event, ev_evcallback) == 0);
LAYOUT_ASSERT(offsetof(struct event, ev_timeout_pos) == 40);
LAYOUT_ASSERT(offsetof(struct event, ev_fd) == 56);
LAYOUT_ASSERT(offsetof(struct event, ev_base) == 64);
LAYOUT_ASSERT(offsetof(struct event, ev_) == 72);
LAYOUT_ASSERT(offsetof(struct event, ev_events) == 104);
LAYOUT_ASSERT(offsetof(struct event, ev_res) == 106);
LAYOUT_ASSERT(offsetof(struct event, ev_timeout) == 112);

LAYOUT_ASSERT(sizeof(struct event_callback) == 40);
LAYOUT_ASSERT(offsetof(struct event_callback, evcb_flags) == 16);
LAYOUT_ASSERT(offsetof(struct event_callback, evcb_pri) == 18);
LAYOUT_ASSERT(offsetof(struct event_callback, evcb_closure) == 19);
LAYOUT_ASSERT(offsetof(struct event_callback, evcb_cb_union) == 24);
LAYOUT_ASSERT(offsetof(struct event_callback, evcb_arg) == 32);

LAYOUT_ASSERT(sizeof(struct bufferevent) == 392);
LAYOUT_ASSERT(offsetof(struct bufferevent, ev_base) == 0);
LAYOUT_ASSERT(offsetof(struct bufferevent, be_ops) == 8);
LAYOUT_ASSERT(offsetof(struct bufferevent, ev_read) == 16);
LAYOUT_ASSERT(offsetof(struct bufferevent, ev_write) == 144);
LAYOUT_ASSERT(offsetof(struct bufferevent, input) == 272);
LAYOUT_ASSERT(offsetof(struct bufferevent, output) == 280);
LAYOUT_ASSERT(offsetof(struct bufferevent, wm_read) == 288);
LAYOUT_ASSERT(offsetof(struct bufferevent, wm_write) == 304);
LAYOUT_ASSERT(offsetof(struct bufferevent, readcb) == 320);
LAYOUT_ASSERT(offsetof(struct bufferevent, writecb) == 328);
LAYOUT_ASSERT(offsetof(struct bufferevent, errorcb) == 336);
LAYOUT_ASSERT(offsetof(struct bufferevent, cbarg) == 344);
LAYOUT_ASSERT(offsetof(struct bufferevent, timeout_read) == 352);
LAYOUT_ASSERT(offsetof(struct bufferevent, timeout_write) == 368);
LAYOUT_ASSERT(offsetof(struct bufferevent, enabled) == 384);

LAYOUT_ASSERT(sizeof(struct evbuffer_iovec) == 16);

LAYOUT_ASSERT(sizeof(struct evbuffer_ptr) == 24);

LAYOUT_ASSERT(sizeof(struct evbuffer_cb_info) == 24);

LAYOUT_ASSERT(sizeof(struct evkeyval) == 32);

LAYOUT_ASSERT(sizeof(struct evkeyvalq) == 16);

LAYOUT_ASSERT(sizeof(struct evhttp_request) == 216);
LAYOUT_ASSERT(offsetof(struct evhttp_request, evcon) == 16);
LAYOUT_ASSERT(offsetof(struct evhttp_request, input_headers) == 32);
LAYOUT_ASSERT(offsetof(struct evhttp_request, output_headers) == 40);
LAYOUT_ASSERT(offsetof(struct evhttp_request, remote_host) == 48);
LAYOUT_ASSERT(offsetof(struct evhttp_request, kind) == 72);
LAYOUT_ASSERT(offsetof(struct evhttp_request, type) == 76);
LAYOUT_ASSERT(offsetof(struct evhttp_request, uri) == 96);
LAYOUT_ASSERT(offsetof(struct evhttp_request, response_code) == 116);
LAYOUT_ASSERT(offsetof(struct evhttp_request, input_buffer) == 128);
LAYOUT_ASSERT(offsetof(struct evhttp_request, output_buffer) == 152);
LAYOUT_ASSERT(offsetof(struct evhttp_request, cb) == 160);
LAYOUT_ASSERT(offsetof(struct evhttp_request, cb_arg) == 168);

LAYOUT_ASSERT(sizeof(struct evutil_addrinfo) == 48);

LAYOUT_ASSERT(sizeof(struct evdns_server_request) == 16);

LAYOUT_ASSERT(sizeof(struct evdns_server_question) == 12);

LAYOUT_ASSERT(sizeof(evutil_socket_t) == 4);

LAYOUT_ASSERT(sizeof(ev_ssize_t) == 8);

LAYOUT_ASSERT(sizeof(ev_off_t) == 8);

/* Constants quoted at the end of layout-x86_64.txt. */
LAYOUT_ASSERT(EV_TIMEOUT == 1);
LAYOUT_ASSERT(EV_READ == 2);
LAYOUT_ASSERT(EV_WRITE == 4);
LAYOUT_ASSERT(EV_SIGNAL == 8);
LAYOUT_ASSERT(EV_PERSIST == 16);
LAYOUT_ASSERT(EV_ET == 32);
LAYOUT_ASSERT(EV_FINALIZE == 64);
LAYOUT_ASSERT(EV_CLOSED == 128);
LAYOUT_ASSERT(BEV_EVENT_READING == 1);
LAYOUT_ASSERT(BEV_EVENT_WRITING == 2);
LAYOUT_ASSERT(BEV_EVENT_EOF == 16);
LAYOUT_ASSERT(BEV_EVENT_ERROR == 32);
LAYOUT_ASSERT(BEV_EVENT_TIMEOUT == 64);
LAYOUT_ASSERT(BEV_EVENT_CONNECTED == 128);
LAYOUT_ASSERT(LIBEVENT_VERSION_NUMBER == 0x02010c00);
LAYOUT_ASSERT(sizeof(LIBEVENT_VERSION) == sizeof("2.1.12-stable"));

/* Not in the text file, but relied on by the struct sizes above. */
LAYOUT_ASSERT(sizeof(struct timeval) == 16);
LAYOUT_ASSERT(sizeof(struct event_watermark) == 16);
LAYOUT_ASSERT(offsetof(struct evbuffer_ptr, internal_) == 8);
LAYOUT_ASSERT(offsetof(struct evkeyval, key) == 16);
LAYOUT_ASSERT(offsetof(struct evkeyval, value) == 24);
LAYOUT_ASSERT(offsetof(struct evdns_server_request, questions) == 8);
LAYOUT_ASSERT(offsetof(struct evdns_server_question, name) == 8);

/* keep -pedantic happy: a translation unit must declare something */
extern int evrs_layout_asserts_dummy;
