/* event_rs: event2/rpc_struct.h -- structures behind the evrpc macros. */
#ifndef EVENT2_RPC_STRUCT_H_INCLUDED_
#define EVENT2_RPC_STRUCT_H_INCLUDED_

#ifdef __cplusplus
extern "C" {
#endif

/* <sys/queue.h>'s TAILQ_ENTRY when present, else a same-layout one. */
#ifndef TAILQ_ENTRY
#define EVENT_DEFINED_TQENTRY_
#define TAILQ_ENTRY(type)						\
struct {								\
	struct type *tqe_next;						\
	struct type **tqe_prev;						\
}
#endif

struct evbuffer;
struct evhttp_request;
struct evrpc_req_generic;
struct evrpc_base;

/* Outcome of an RPC, handed to the client callback. */
struct evrpc_status {
#define EVRPC_STATUS_ERR_NONE		0
#define EVRPC_STATUS_ERR_TIMEOUT	1
#define EVRPC_STATUS_ERR_BADPAYLOAD	2
#define EVRPC_STATUS_ERR_UNSTARTED	3
#define EVRPC_STATUS_ERR_HOOKABORTED	4
	int error;

	/* the HTTP request, for inspecting headers */
	struct evhttp_request *http_req;
};

/* One registered RPC: its URI and the hooks to build, parse and free its
 * request and reply messages. */
struct evrpc {
	TAILQ_ENTRY(evrpc) next;

	const char* uri;

	void *(*request_new)(void *);
	void *request_new_arg;
	void (*request_free)(void *);
	int (*request_unmarshal)(void *, struct evbuffer *);

	void *(*reply_new)(void *);
	void *reply_new_arg;
	void (*reply_free)(void *);
	int (*reply_complete)(void *);
	void (*reply_marshal)(struct evbuffer*, void *);

	void (*cb)(struct evrpc_req_generic *, void *);
	void *cb_arg;

	struct evrpc_base *base;
};

#ifdef EVENT_DEFINED_TQENTRY_
#undef TAILQ_ENTRY
#endif

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_RPC_STRUCT_H_INCLUDED_ */
