//! `event2/buffer_compat.h`: the 1.x names (`EVBUFFER_LENGTH`/`EVBUFFER_DATA`
//! are macros over evbuffer_get_length / evbuffer_pullup in the header).

use super::types::{evbuffer, evbuffer_cb};
use crate::buffer::search::EolStyle;
use crate::buffer::Evbuffer;
use libc::{c_char, c_int, c_uchar, c_void, size_t};
use std::ptr;

/// `evbuffer_readln(buffer, NULL, EVBUFFER_EOL_ANY)`.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_readline(buffer: *mut evbuffer) -> *mut c_char {
    if buffer.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: live buffer (caller).
    match unsafe { Evbuffer::readln_locked(buffer, Some(EolStyle::Any)) } {
        Some((line, _)) => line.cast(),
        None => ptr::null_mut(),
    }
}

/// Replaces every callback of the buffer with `cb` (NULL: removes them all).
/// 0, or -1 if out of memory.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_setcb(buffer: *mut evbuffer, cb: evbuffer_cb, cbarg: *mut c_void) -> c_int {
    if buffer.is_null() {
        return -1;
    }
    // SAFETY: live buffer (caller).
    unsafe { Evbuffer::locked_quiet(buffer, |b| b.setcb(cb, cbarg)) }
}

/// Finds `what[..len]`, makes the buffer contiguous up to its end and
/// returns a pointer to it; NULL if absent.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_find(buffer: *mut evbuffer, what: *const c_uchar, len: size_t) -> *mut c_uchar {
    if buffer.is_null() || (what.is_null() && len > 0) || len > isize::MAX as usize {
        return ptr::null_mut();
    }
    let w: &[u8] = if len == 0 {
        &[]
    } else {
        // SAFETY: what holds len bytes (caller).
        unsafe { std::slice::from_raw_parts(what, len) }
    };
    // SAFETY: live buffer (caller).
    unsafe { Evbuffer::locked_quiet(buffer, |b| b.find(w)) }
}
