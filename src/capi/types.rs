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

