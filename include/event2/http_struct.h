/* event_rs: event2/http_struct.h -- the layout of struct evhttp_request
 * (216 bytes on x86_64).  Prefer the evhttp_request_get_* accessors. */
#ifndef EVENT2_HTTP_STRUCT_H_INCLUDED_
#define EVENT2_HTTP_STRUCT_H_INCLUDED_

#include <event2/event-config.h>
#include <sys/types.h>
#include <sys/time.h>
#include <event2/util.h>
/* for enum evhttp_request_kind, evhttp_cmd_type, evhttp_request_error */
#include <event2/http.h>

#ifdef __cplusplus
extern "C" {
#endif

struct evhttp_connection;
struct evkeyvalq;
struct evhttp_uri;
struct evbuffer;

struct evhttp_request {
#if defined(TAILQ_ENTRY)
	TAILQ_ENTRY(evhttp_request) next;
#else
	struct {
		struct evhttp_request *tqe_next;
		struct evhttp_request **tqe_prev;
	}       next;
#endif

	/* the connection carrying this request */
	struct evhttp_connection *evcon;
	int flags;
/* Bits of flags. */
#define EVHTTP_REQ_OWN_CONNECTION	0x0001
#define EVHTTP_PROXY_REQUEST		0x0002
#define EVHTTP_USER_OWNED		0x0004
#define EVHTTP_REQ_DEFER_FREE		0x0008
#define EVHTTP_REQ_NEEDS_FREE		0x0010

	struct evkeyvalq *input_headers;
	struct evkeyvalq *output_headers;

	/* peer address */
	char *remote_host;
	ev_uint16_t remote_port;

	/* Host: of the request, once looked up */
	char *host_cache;

	enum evhttp_request_kind kind;
	enum evhttp_cmd_type type;

	size_t headers_size;
	size_t body_size;

	char *uri;
	struct evhttp_uri *uri_elems;

	/* HTTP version */
	char major;
	char minor;

	int response_code;
	char *response_code_line;

	struct evbuffer *input_buffer;
	ev_int64_t ntoread;
	unsigned chunked:1,
	    userdone:1;

	struct evbuffer *output_buffer;

	/* completion callback and argument */
	void (*cb)(struct evhttp_request *, void *);
	void *cb_arg;

	/* per-chunk, on-headers and on-error callbacks */
	void (*chunk_cb)(struct evhttp_request *, void *);
	int (*header_cb)(struct evhttp_request *, void *);
	void (*error_cb)(enum evhttp_request_error, void *);

	/* called after the request is fully done */
	void (*on_complete_cb)(struct evhttp_request *, void *);
	void *on_complete_cb_arg;
};

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_HTTP_STRUCT_H_INCLUDED_ */
