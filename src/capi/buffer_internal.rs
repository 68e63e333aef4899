//! The internal evbuffer helpers libevent exports (names ending in `_`),
//! for bufferevents and programs built against libevent's private headers,
//! plus the helpers `varargs.c` uses for `evbuffer_add_vprintf`. Not part
//! of any public header.

use super::types::{evbuffer, evbuffer_cb_entry, evbuffer_iovec};
use crate::buffer::chain::{self, Chain};
use crate::buffer::Evbuffer;
use libc::{c_char, c_int, c_void, size_t};
use std::ptr;

fn rc(r: Result<(), ()>) -> c_int {
    if r.is_ok() {
        0
    } else {
        -1
    }
}

/// `evbuffer_incref_`: one more reference (freed at the last decref).
#[no_mangle]
pub unsafe extern "C" fn evbuffer_incref_(buf: *mut evbuffer) {
    if !buf.is_null() {
        // SAFETY: live buffer (caller).
        unsafe { Evbuffer::incref(buf) }
    }
}

/// `evbuffer_incref_and_lock_`: a reference, and the lock (kept).
#[no_mangle]
pub unsafe extern "C" fn evbuffer_incref_and_lock_(buf: *mut evbuffer) {
    if !buf.is_null() {
        // SAFETY: live buffer (caller).
        unsafe {
            Evbuffer::lock_raw(buf);
            Evbuffer::incref(buf);
        }
    }
}

/// `evbuffer_decref_and_unlock_`: drops a reference taken with the lock
/// held and unlocks; frees the buffer at the last one.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_decref_and_unlock_(buf: *mut evbuffer) {
    if !buf.is_null() {
        // SAFETY: live, locked buffer (caller).
        unsafe { Evbuffer::decref_and_unlock(buf) }
    }
}

/// `evbuffer_invoke_callbacks_`: reports the changes since the last report
/// (now, or from the loop for deferred callbacks). Lock held by the caller.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_invoke_callbacks_(buf: *mut evbuffer) {
    if !buf.is_null() {
        // SAFETY: live buffer, locked by the caller.
        unsafe { Evbuffer::invoke_callbacks(buf) }
    }
}

/// `evbuffer_set_parent_`: the bufferevent this buffer belongs to.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_set_parent_(buf: *mut evbuffer, bev: *mut c_void) {
    if !buf.is_null() {
        // SAFETY: live buffer (caller).
        unsafe { Evbuffer::locked_quiet(buf, |b| b.set_parent(bev)) }
    }
}

/// `evbuffer_get_callbacks_`: up to `max_cbs` callback handles into `cbs`;
/// how many were stored.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_get_callbacks_(
    buf: *mut evbuffer,
    cbs: *mut *mut evbuffer_cb_entry,
    max_cbs: c_int,
) -> c_int {
    if buf.is_null() || cbs.is_null() || max_cbs <= 0 {
        return 0;
    }
    // SAFETY: live buffer; cbs holds max_cbs slots (caller).
    unsafe {
        Evbuffer::locked_quiet(buf, |b| {
            let mut n = 0;
            for e in b.callbacks().take(max_cbs as usize) {
                *cbs.add(n) = e;
                n += 1;
            }
            n as c_int
        })
    }
}

/// `evbuffer_expand_fast_`: room for `datlen` bytes in at most `n` chains.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_expand_fast_(buf: *mut evbuffer, datlen: size_t, n: c_int) -> c_int {
    if buf.is_null() || n < 1 {
        return -1;
    }
    // SAFETY: live buffer, locked by the caller (as in libevent).
    rc(unsafe { (*buf).expand_fast(datlen, n as usize) })
}

/// `evbuffer_read_setup_vecs_`: the free space for reading `howmuch` bytes,
/// in up to `n_vecs_avail` extents (trimmed to `howmuch` when `exact`); the
/// slot of the first chain they start in goes to `*chainp`. The number of
/// extents.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_read_setup_vecs_(
    buf: *mut evbuffer,
    howmuch: isize,
    vecs: *mut evbuffer_iovec,
    n_vecs_avail: c_int,
    chainp: *mut *mut *mut Chain,
    exact: c_int,
) -> c_int {
    if buf.is_null() || vecs.is_null() || n_vecs_avail <= 0 || howmuch < 0 {
        return 0;
    }
    // SAFETY: live buffer, locked by the caller; vecs holds n_vecs_avail.
    unsafe {
        let b = &mut *buf;
        let v = std::slice::from_raw_parts_mut(vecs, n_vecs_avail as usize);
        let n = b.space_vecs(howmuch as usize, v, exact != 0);
        if !chainp.is_null() {
            let mut slot = b.last_with_datap;
            if !(*slot).is_null() && crate::buffer::ops::wspace(&**slot) == 0 {
                slot = ptr::addr_of_mut!((**slot).next);
            }
            *chainp = slot;
        }
        n as c_int
    }
}

/// `evbuffer_chain_pin_`: keeps a chain's memory in place (an overlapped
/// operation uses it) even if it is drained meanwhile.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_chain_pin_(chain: *mut Chain, flag: c_int) {
    if !chain.is_null() {
        // SAFETY: a live chain (caller).
        unsafe { (*chain).flags |= flag as u32 & chain::MEM_PINNED_ANY }
    }
}

/// `evbuffer_chain_unpin_`: ends a pin; a chain drained while pinned is
/// freed now.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_chain_unpin_(chain: *mut Chain, flag: c_int) {
    if chain.is_null() {
        return;
    }
    // SAFETY: a live chain (caller); a dangling chain is no buffer's any more.
    unsafe {
        (*chain).flags &= !(flag as u32 & chain::MEM_PINNED_ANY);
        if (*chain).flags & chain::FLAG_DANGLING != 0 && !(*chain).pinned() {
            (*chain).flags &= !chain::FLAG_DANGLING;
            Chain::release(chain);
        }
    }
}

// ---- helpers for evbuffer_add_vprintf (varargs.c) ----

/// Locks the buffer for a formatted add; -1 (unlocked) if it cannot take one.
#[no_mangle]
pub unsafe extern "C" fn event_rs_evbuffer_fmt_begin(buf: *mut evbuffer) -> c_int {
    if buf.is_null() {
        return -1;
    }
    // SAFETY: live buffer (caller).
    unsafe {
        Evbuffer::lock_raw(buf);
        if (*buf).freeze_end {
            Evbuffer::unlock_raw(buf);
            return -1;
        }
    }
    0
}

/// Free space of at least `want` bytes in one block; its size in `*space`.
#[no_mangle]
pub unsafe extern "C" fn event_rs_evbuffer_fmt_space(
    buf: *mut evbuffer,
    want: size_t,
    space: *mut size_t,
) -> *mut c_char {
    // SAFETY: live, locked buffer (fmt_begin); space writable.
    unsafe {
        let c = (*buf).expand_single(want);
        if c.is_null() {
            return ptr::null_mut();
        }
        *space = (*c).space();
        (*c).space_ptr().cast()
    }
}

/// Makes `n` bytes written at `p` (from fmt_space) part of the buffer.
#[no_mangle]
pub unsafe extern "C" fn event_rs_evbuffer_fmt_commit(buf: *mut evbuffer, p: *mut c_char, n: size_t) -> c_int {
    // SAFETY: live, locked buffer (fmt_begin).
    rc(unsafe { (*buf).commit_at(p.cast(), n) })
}

/// Runs the callbacks and unlocks (after fmt_begin succeeded).
#[no_mangle]
pub unsafe extern "C" fn event_rs_evbuffer_fmt_end(buf: *mut evbuffer) {
    // SAFETY: live, locked buffer (fmt_begin).
    unsafe {
        Evbuffer::invoke_callbacks(buf);
        Evbuffer::unlock_raw(buf);
    }
}
