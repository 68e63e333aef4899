//! `event2/bufferevent_compat.h`: the libevent 1.x bufferevent API.
//!
//! Safety of every export: pointers are NULL or what the C API says they are
//! (objects this library made and has not released, readable/writable memory
//! of the sizes given).

#![allow(clippy::missing_safety_doc)]

use super::bufferevent::{bufferevent_set_timeouts, bufferevent_setcb, bufferevent_socket_new, check};
use super::types::{bufferevent, bufferevent_data_cb, bufferevent_event_cb};
use super::{evutil_socket_t, timeval};
use libc::{c_int, c_void};
use std::ptr;

/// A socket bufferevent on the current base (the one `event_init` made)
/// with its callbacks set; writing is enabled, reading is not.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_new(
    fd: evutil_socket_t,
    readcb: bufferevent_data_cb,
    writecb: bufferevent_data_cb,
    errorcb: bufferevent_event_cb,
    cbarg: *mut c_void,
) -> *mut bufferevent {
    // SAFETY: a NULL base means the current one.
    unsafe {
        let bev = bufferevent_socket_new(ptr::null_mut(), fd, 0);
        if !bev.is_null() {
            bufferevent_setcb(bev, readcb, writecb, errorcb, cbarg);
        }
        bev
    }
}

/// Read and write timeouts in whole seconds (0: none).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_settimeout(bufev: *mut bufferevent, timeout_read: c_int, timeout_write: c_int) {
    let tr = timeval { tv_sec: timeout_read.into(), tv_usec: 0 };
    let tw = timeval { tv_sec: timeout_write.into(), tv_usec: 0 };
    // SAFETY: bufev null or ours.
    unsafe {
        if check(bufev, "bufferevent_settimeout") {
            bufferevent_set_timeouts(bufev, &tr, &tw);
        }
    }
}
