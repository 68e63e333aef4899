//! `event2/listener.h`. Thin: check the arguments, then call [`crate::listener`].
//!
//! Safety of every export: pointers are NULL or what the C API says they are
//! (objects this library made and has not released, readable/writable memory
//! of the sizes given).

#![allow(clippy::missing_safety_doc)]

use super::types::{evconnlistener, evconnlistener_cb, evconnlistener_errorcb, sockaddr};
use super::{event_base, evutil_socket_t};
use crate::listener as lis;
use crate::log;
use libc::{c_int, c_uint, c_void};
use std::ptr;

/// # Safety
/// `lev` is null or points to memory that held a listener.
unsafe fn check(lev: *const evconnlistener, func: &str) -> bool {
    // SAFETY: caller's contract.
    if unsafe { lis::is_live(lev) } {
        true
    } else {
        log::warnx(&format!("{func}: called with a NULL or freed evconnlistener"));
        false
    }
}

/// Accepts connections on the (non-blocking, bound) socket `fd`; `backlog`
/// 0 means it already listens, negative picks a default.
#[no_mangle]
pub unsafe extern "C" fn evconnlistener_new(
    base: *mut event_base,
    cb: evconnlistener_cb,
    ptr: *mut c_void,
    flags: c_uint,
    backlog: c_int,
    fd: evutil_socket_t,
) -> *mut evconnlistener {
    // SAFETY: base null or live (program's contract).
    unsafe { lis::new(base, cb, ptr, flags, backlog, fd) }
}

/// Makes, binds and listens on a socket for `sa`, then accepts on it.
#[no_mangle]
pub unsafe extern "C" fn evconnlistener_new_bind(
    base: *mut event_base,
    cb: evconnlistener_cb,
    ptr: *mut c_void,
    flags: c_uint,
    backlog: c_int,
    sa: *const sockaddr,
    socklen: c_int,
) -> *mut evconnlistener {
    // SAFETY: base null or live; sa null or readable for socklen.
    unsafe { lis::new_bind(base, cb, ptr, flags, backlog, sa, socklen) }
}

/// Stops accepting and frees the listener (closing the socket with
/// LEV_OPT_CLOSE_ON_FREE); safe from inside its own callback.
#[no_mangle]
pub unsafe extern "C" fn evconnlistener_free(lev: *mut evconnlistener) {
    // SAFETY: lev null or ours.
    unsafe {
        if check(lev, "evconnlistener_free") {
            lis::free(lev)
        }
    }
}

/// Starts (again) accepting.
#[no_mangle]
pub unsafe extern "C" fn evconnlistener_enable(lev: *mut evconnlistener) -> c_int {
    // SAFETY: lev null or ours.
    unsafe {
        if !check(lev, "evconnlistener_enable") {
            return -1;
        }
        lis::enable(lev)
    }
}

/// Stops accepting for now.
#[no_mangle]
pub unsafe extern "C" fn evconnlistener_disable(lev: *mut evconnlistener) -> c_int {
    // SAFETY: lev null or ours.
    unsafe {
        if !check(lev, "evconnlistener_disable") {
            return -1;
        }
        lis::disable(lev)
    }
}

/// The listener's base.
#[no_mangle]
pub unsafe extern "C" fn evconnlistener_get_base(lev: *mut evconnlistener) -> *mut event_base {
    // SAFETY: lev null or ours.
    unsafe {
        if !check(lev, "evconnlistener_get_base") {
            return ptr::null_mut();
        }
        lis::base(lev)
    }
}

/// The listening socket.
#[no_mangle]
pub unsafe extern "C" fn evconnlistener_get_fd(lev: *mut evconnlistener) -> evutil_socket_t {
    // SAFETY: lev null or ours.
    unsafe {
        if !check(lev, "evconnlistener_get_fd") {
            return -1;
        }
        lis::fd(lev)
    }
}

/// Changes the accept callback and its argument.
#[no_mangle]
pub unsafe extern "C" fn evconnlistener_set_cb(lev: *mut evconnlistener, cb: evconnlistener_cb, arg: *mut c_void) {
    // SAFETY: lev null or ours.
    unsafe {
        if check(lev, "evconnlistener_set_cb") {
            lis::set_cb(lev, cb, arg)
        }
    }
}

/// Sets the callback for accept errors (it gets the accept callback's argument).
#[no_mangle]
pub unsafe extern "C" fn evconnlistener_set_error_cb(lev: *mut evconnlistener, errorcb: evconnlistener_errorcb) {
    // SAFETY: lev null or ours.
    unsafe {
        if check(lev, "evconnlistener_set_error_cb") {
            lis::set_error_cb(lev, errorcb)
        }
    }
}
