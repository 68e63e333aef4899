/* event_rs: event2/dns_struct.h -- public fields of DNS server requests. */
#ifndef EVENT2_DNS_STRUCT_H_INCLUDED_
#define EVENT2_DNS_STRUCT_H_INCLUDED_

#include <event2/event-config.h>
#include <sys/types.h>
#include <sys/time.h>
#include <event2/util.h>

#ifdef __cplusplus
extern "C" {
#endif

struct evdns_server_question;

/* An incoming request as a DNS server callback sees it. */
struct evdns_server_request {
	int flags;
	int nquestions;
	struct evdns_server_question **questions;
};

/* One question; name is a NUL-terminated string stored past the struct. */
struct evdns_server_question {
	int type;
#ifdef __cplusplus
	int dns_question_class;
#else
	/* 'class' is a C++ keyword; dns_question_class works in both. */
	int class;
#define dns_question_class class
#endif
	char name[1];
};

#ifdef __cplusplus
}
#endif

#endif /* EVENT2_DNS_STRUCT_H_INCLUDED_ */
