//! `event2/event_compat.h`: the libevent 1.x API, working on the current
//! base that `event_init` sets.

use super::data::{current_base, set_current_base};
use super::event::{
    event_assign, event_base_loop, event_base_loopbreak, event_base_loopexit, event_base_new,
    event_base_once, event_base_priority_init,
};
use super::types::event;
use super::{event_base, evutil_socket_t, timeval};
use crate::log;
use libc::{c_char, c_int, c_short, c_void};
use std::ptr;

/// Creates a base and makes it the current one.
#[no_mangle]
pub extern "C" fn event_init() -> *mut event_base {
    let base = event_base_new();
    if base.is_null() {
        log::errx(1, "event_init: Unable to construct event_base");
    }
    set_current_base(base);
    base
}

/// `event_base_dispatch` on the current base.
#[no_mangle]
pub extern "C" fn event_dispatch() -> c_int {
    // SAFETY: the current base is null or live.
    unsafe { event_base_loop(current_base(), 0) }
}

/// `event_base_loop` on the current base.
#[no_mangle]
pub extern "C" fn event_loop(flags: c_int) -> c_int {
    // SAFETY: the current base is null or live.
    unsafe { event_base_loop(current_base(), flags) }
}

/// `event_base_loopexit` on the current base.
#[no_mangle]
pub unsafe extern "C" fn event_loopexit(tv: *const timeval) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { event_base_loopexit(current_base(), tv) }
}

/// `event_base_loopbreak` on the current base.
#[no_mangle]
pub extern "C" fn event_loopbreak() -> c_int {
    // SAFETY: the current base is null or live.
    unsafe { event_base_loopbreak(current_base()) }
}

/// `event_base_once` on the current base.
#[no_mangle]
pub unsafe extern "C" fn event_once(
    fd: evutil_socket_t,
    events: c_short,
    callback: Option<unsafe extern "C" fn(evutil_socket_t, c_short, *mut c_void)>,
    arg: *mut c_void,
    tv: *const timeval,
) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { event_base_once(current_base(), fd, events, callback, arg, tv) }
}

/// The current base's backend name.
#[no_mangle]
pub extern "C" fn event_get_method() -> *const c_char {
    let b = current_base();
    if b.is_null() {
        return ptr::null();
    }
    // SAFETY: the current base is live.
    unsafe { (*b).method_name().as_ptr() }
}

/// `event_base_priority_init` on the current base.
#[no_mangle]
pub extern "C" fn event_priority_init(npriorities: c_int) -> c_int {
    // SAFETY: the current base is null or live.
    unsafe { event_base_priority_init(current_base(), npriorities) }
}

/// `event_assign` on the current base (which may be NULL; the program can
/// set `ev_base` or call `event_base_set` afterwards).
#[no_mangle]
pub unsafe extern "C" fn event_set(
    ev: *mut event,
    fd: evutil_socket_t,
    events: c_short,
    callback: Option<unsafe extern "C" fn(evutil_socket_t, c_short, *mut c_void)>,
    arg: *mut c_void,
) {
    // SAFETY: forwarded contract.
    unsafe { event_assign(ev, current_base(), fd, events, callback, arg) };
}
