//! The `extern "C"` layer: one file per public header, each function thin —
//! check the arguments, convert, call the core. Types are named here with
//! their C names so cbindgen writes prototypes exactly as libevent's headers
//! have them (see cbindgen.toml's renames).

#![allow(non_camel_case_types)]

// The trampoline macro (varargs.rs) serves the modules declared after it.
#[macro_use]
mod varargs;
pub mod buffer;
pub mod buffer_compat;
mod buffer_internal;
pub mod bufferevent;
pub mod bufferevent_compat;
pub mod data;
pub mod event;
pub mod event_compat;
pub mod listener;
mod event_internal;
pub mod thread;
mod thread_internal;
pub mod types;
pub mod util;
mod util_internal;

pub use types::{
    event_base_foreach_event_cb, event_callback_fn, event_config, event_fatal_cb, event_finalize_callback_fn,
    event_log_cb, evutil_socket_t, timeval,
};
pub use types::{event as event_t, event_base};

/// Borrows an optional C pointer as a reference.
///
/// # Safety
/// `p` is null or valid for reads for the returned lifetime.
pub unsafe fn opt_ref<'a, T>(p: *const T) -> Option<&'a T> {
    // SAFETY: caller's contract.
    unsafe { p.as_ref() }
}
