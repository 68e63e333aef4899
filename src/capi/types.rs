//! C names for the types the prototypes use, so cbindgen emits them as
//! libevent's headers spell them (`struct event *`, `evutil_socket_t`, …).

#![allow(non_camel_case_types)]

pub type event = crate::core::event::Event;
pub type event_callback = crate::core::event::EventCallback;
pub type event_base = crate::core::base::EventBase;
pub type event_config = crate::core::base::EventConfig;
pub type evutil_socket_t = libc::c_int;
pub type event_callback_fn = crate::core::event::EventCallbackFn;
pub type event_finalize_callback_fn = crate::core::event::EventFinalizeFn;
pub type event_log_cb = Option<crate::log::LogCb>;
pub type event_fatal_cb = Option<crate::log::FatalCb>;
pub type event_base_foreach_event_cb =
    Option<unsafe extern "C" fn(*const event_base, *const event, *mut libc::c_void) -> libc::c_int>;
pub type timeval = libc::timeval;

pub type evthread_lock_callbacks = super::data::EvthreadLockCallbacks;
pub type evthread_condition_callbacks = super::data::EvthreadConditionCallbacks;

// evbuffer (event2/buffer.h, buffer_compat.h).
pub type evbuffer = crate::buffer::Evbuffer;
pub type evbuffer_ptr = crate::buffer::search::EvbufferPtr;
/// `struct evbuffer_iovec` is `struct iovec` (`#define evbuffer_iovec iovec`).
pub type evbuffer_iovec = libc::iovec;
pub type evbuffer_cb_entry = crate::buffer::CbEntry;
pub type evbuffer_cb_info = crate::buffer::CbInfo;
pub type evbuffer_cb_func = crate::buffer::CbFunc;
pub type evbuffer_cb = crate::buffer::CbObsolete;
pub type evbuffer_ref_cleanup_cb = crate::buffer::chain::RefCleanupFn;
pub type evbuffer_file_segment = crate::buffer::file::FileSegment;
pub type evbuffer_file_segment_cleanup_cb = crate::buffer::file::SegCleanupFn;
/// `enum evbuffer_eol_style` (an int-sized C enum).
pub type evbuffer_eol_style = libc::c_int;
/// `enum evbuffer_ptr_how` (an int-sized C enum).
pub type evbuffer_ptr_how = libc::c_int;
pub type ev_ssize_t = libc::ssize_t;
pub type ev_off_t = i64;
pub type ev_uint64_t = u64;
pub type ev_uint32_t = u32;

// evutil (event2/util.h).
pub type sockaddr = libc::sockaddr;
/// `struct evutil_addrinfo` is `struct addrinfo` (`#define evutil_addrinfo addrinfo`).
pub type evutil_addrinfo = libc::addrinfo;
pub type evutil_monotonic_timer = crate::util::time::MonotonicTimer;
pub type tm = libc::tm;
pub type ev_int64_t = i64;

// bufferevent (event2/bufferevent.h, bufferevent_struct.h, bufferevent_compat.h).
pub type bufferevent = crate::bufferevent::Bufferevent;
pub type bufferevent_data_cb = crate::bufferevent::DataCb;
pub type bufferevent_event_cb = crate::bufferevent::EventCb;
pub type bufferevent_filter_cb = crate::bufferevent::filter::FilterCb;
/// `enum bufferevent_flush_mode` (an int-sized C enum).
pub type bufferevent_flush_mode = libc::c_int;
pub type ev_token_bucket_cfg = crate::bufferevent::ratelimit::TokenBucketCfg;
pub type bufferevent_rate_limit_group = crate::bufferevent::ratelimit::Group;
/// `struct evdns_base`: opaque here (no evdns yet).
pub enum evdns_base {}

// evconnlistener (event2/listener.h).
pub type evconnlistener = crate::listener::Listener;
pub type evconnlistener_cb = crate::listener::ListenerCb;
pub type evconnlistener_errorcb = crate::listener::ListenerErrCb;
