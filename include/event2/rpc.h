/* event_rs: event2/rpc.h -- RPC over HTTP for event_rpcgen messages. */
#ifndef EVENT2_RPC_H_INCLUDED_
#define EVENT2_RPC_H_INCLUDED_

#include <event2/util.h>
#include <event2/visibility.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Accessors for generated message structs. */
#define EVTAG_HAS(msg, member) \
	((msg)->member##_set == 1)

#ifndef EVENT2_RPC_COMPAT_H_INCLUDED_
#define EVTAG_ASSIGN(msg, member, value) \
	(*(msg)->base->member##_assign)((msg), (value))
#define EVTAG_ASSIGN_WITH_LEN(msg, member, value, len) \
	(*(msg)->base->member##_assign)((msg), (value), (len))
#define EVTAG_GET(msg, member, pvalue) \
	(*(msg)->base->member##_get)((msg), (pvalue))
#define EVTAG_GET_WITH_LEN(msg, member, pvalue, plen) \
	(*(msg)->base->member##_get)((msg), (pvalue), (plen))
#endif /* EVENT2_RPC_COMPAT_H_INCLUDED_ */

/* Array members. */
#define EVTAG_ARRAY_ADD_VALUE(msg, member, value) \
	(*(msg)->base->member##_add)((msg), (value))
#define EVTAG_ARRAY_ADD(msg, member) \
	(*(msg)->base->member##_add)(msg)
#define EVTAG_ARRAY_GET(msg, member, offset, pvalue) \
	(*(msg)->base->member##_get)((msg), (offset), (pvalue))
#define EVTAG_ARRAY_LEN(msg, member) ((msg)->member##_length)

struct evbuffer;
struct event_base;
struct evrpc_req_generic;
struct evrpc_request_wrapper;
struct evrpc;
struct evhttp_request;
struct evrpc_status;
struct evrpc_hook_meta;
struct evrpc_pool;
struct evrpc_base;
struct evhttp;
struct evhttp_connection;

/* The per-call server-side struct of RPC 'rpcname'. */
#define EVRPC_STRUCT(rpcname) struct evrpc_req__##rpcname

/* Declares the struct and the client stub of an RPC (in a header). */
#define EVRPC_HEADER(rpcname, reqstruct, rplystruct) \
EVRPC_STRUCT(rpcname) { \
	struct evrpc_hook_meta *hook_meta; \
	struct reqstruct* request; \
	struct rplystruct* reply; \
	struct evrpc* rpc; \
	struct evhttp_request* http_req; \
	struct evbuffer* rpc_data; \
}; \
EVENT2_EXPORT_SYMBOL \
int evrpc_send_request_##rpcname(struct evrpc_pool *, \
    struct reqstruct *, struct rplystruct *, \
    void (*)(struct evrpc_status *, \
	struct reqstruct *, struct rplystruct *, void *cbarg), \
    void *);

/* Builds a request context by hand (EVRPC_GENERATE is the usual way). */
#define EVRPC_MAKE_CTX(rpcname, reqstruct, rplystruct, \
    pool, request, reply, cb, cbarg) \
	evrpc_make_request_ctx(pool, request, reply, \
	    #rpcname, \
	    (void (*)(struct evbuffer *, void *))reqstruct##_marshal, \
	    (void (*)(void *))rplystruct##_clear, \
	    (int (*)(void *, struct evbuffer *))rplystruct##_unmarshal, \
	    (void (*)(struct evrpc_status *, void *, void *, void *))cb, \
	    cbarg)

/* Defines the client stub declared by EVRPC_HEADER (in one .c file). */
#define EVRPC_GENERATE(rpcname, reqstruct, rplystruct) \
	int evrpc_send_request_##rpcname(struct evrpc_pool *pool, \
	    struct reqstruct *request, struct rplystruct *reply, \
	    void (*cb)(struct evrpc_status *, \
		struct reqstruct *, struct rplystruct *, void *cbarg), \
	    void *cbarg) { \
	return evrpc_send_request_generic(pool, request, reply, \
	    (void (*)(struct evrpc_status *, void *, void *, void *))cb, \
	    cbarg, \
	    #rpcname, \
	    (void (*)(struct evbuffer *, void *))reqstruct##_marshal, \
	    (void (*)(void *))rplystruct##_clear, \
	    (int (*)(void *, struct evbuffer *))rplystruct##_unmarshal); \
}

/* The HTTP request under a server-side RPC. */
#define EVRPC_REQUEST_HTTP(rpc_req) (rpc_req)->http_req

/* Sends the reply of a server-side RPC. */
#define EVRPC_REQUEST_DONE(rpc_req) do { \
  struct evrpc_req_generic *req_ = (struct evrpc_req_generic *)(rpc_req); \
  evrpc_request_done(req_); \
} while (0)

/* Registers / unregisters a server-side RPC. */
#define EVRPC_REGISTER(base, name, request, reply, callback, cbarg) \
	evrpc_register_generic(base, #name, \
	    (void (*)(struct evrpc_req_generic *, void *))callback, cbarg, \
	    (void *(*)(void *))request##_new_with_arg, NULL, \
	    (void (*)(void *))request##_free, \
	    (int (*)(void *, struct evbuffer *))request##_unmarshal, \
	    (void *(*)(void *))reply##_new_with_arg, NULL, \
	    (void (*)(void *))reply##_free, \
	    (int (*)(void *))reply##_complete, \
	    (void (*)(struct evbuffer *, void *))reply##_marshal)

#define EVRPC_UNREGISTER(base, name) evrpc_unregister_rpc((base), #name)

/* Client call: evrpc_send_request_<name>(...). */
#define EVRPC_MAKE_REQUEST(name, pool, request, reply, cb, cbarg) \
	evrpc_send_request_##name((pool), (request), (reply), (cb), (cbarg))

/* Where a hook runs. */
enum EVRPC_HOOK_TYPE {
	EVRPC_INPUT,
	EVRPC_OUTPUT
};

/* Deprecated short names. */
#define INPUT EVRPC_INPUT
#define OUTPUT EVRPC_OUTPUT

/* What a hook returns. */
enum EVRPC_HOOK_RESULT {
	EVRPC_TERMINATE = -1,
	EVRPC_CONTINUE = 0,
	EVRPC_PAUSE = 1
};


#ifdef __cplusplus
}
#endif

#endif /* EVENT2_RPC_H_INCLUDED_ */
