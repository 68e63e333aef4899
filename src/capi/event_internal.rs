//! libevent's internal event functions that its own test programs (and some
//! binaries) call: memory wrappers, logging, virtual events, bare callbacks
//! and deferred callbacks, the base consistency check. Not in any public
//! header; prototypes as libevent declares them internally.

use super::types::{event, event_callback};
use super::{event_base, event_base_foreach_event_cb, opt_ref, timeval};
use crate::core::base::{self, DelMode, EventBase};
use libc::{c_char, c_int, c_short, c_uint, c_void, size_t};

type CbFinalize = Option<unsafe extern "C" fn(*mut event_callback, *mut c_void)>;

trampoline! {
    event_logv_ => event_rs_impl_event_logv_;
    event_err => event_rs_impl_event_err;
    event_warn => event_rs_impl_event_warn;
    event_sock_err => event_rs_impl_event_sock_err;
    event_sock_warn => event_rs_impl_event_sock_warn;
    event_errx => event_rs_impl_event_errx;
    event_warnx => event_rs_impl_event_warnx;
    event_msgx => event_rs_impl_event_msgx;
    event_debugx_ => event_rs_impl_event_debugx_;
}

// ---- memory: the functions set with event_set_mem_functions ----------------------

#[no_mangle]
pub extern "C" fn event_mm_malloc_(sz: size_t) -> *mut c_void {
    crate::mm::malloc(sz)
}

#[no_mangle]
pub extern "C" fn event_mm_calloc_(count: size_t, size: size_t) -> *mut c_void {
    crate::mm::calloc(count, size)
}

#[no_mangle]
pub unsafe extern "C" fn event_mm_strdup_(s: *const c_char) -> *mut c_char {
    if s.is_null() {
        // SAFETY: errno is thread-local.
        unsafe { *libc::__errno_location() = libc::EINVAL };
        return std::ptr::null_mut();
    }
    // SAFETY: a NUL-terminated string from the caller.
    crate::mm::strdup(unsafe { std::ffi::CStr::from_ptr(s) }.to_bytes())
}

#[no_mangle]
pub unsafe extern "C" fn event_mm_realloc_(p: *mut c_void, sz: size_t) -> *mut c_void {
    // SAFETY: the pointer came from this library's allocator.
    unsafe { crate::mm::realloc(p, sz) }
}

#[no_mangle]
pub unsafe extern "C" fn event_mm_free_(p: *mut c_void) {
    // SAFETY: the pointer came from this library's allocator and is dropped here.
    unsafe { crate::mm::free(p) }
}

/// strlcpy: copies at most `siz - 1` bytes, always NUL-terminates (if
/// `siz > 0`), returns the length of `src`.
#[no_mangle]
pub unsafe extern "C" fn event_strlcpy_(dst: *mut c_char, src: *const c_char, siz: size_t) -> size_t {
    if src.is_null() {
        return 0;
    }
    // SAFETY: src is NUL-terminated; dst has room for siz bytes.
    unsafe {
        let n = libc::strlen(src);
        if siz > 0 && !dst.is_null() {
            let k = n.min(siz - 1);
            std::ptr::copy_nonoverlapping(src, dst, k);
            *dst.add(k) = 0;
        }
        n
    }
}

// ---- bases ---------------------------------------------------------------------------

/// Runs `f` with the base locked; nothing for NULL.
unsafe fn locked<R: Default>(b: *mut event_base, f: impl FnOnce(&mut EventBase) -> R) -> R {
    if b.is_null() {
        return R::default();
    }
    // SAFETY: b is a live base (caller's contract).
    unsafe { base::with_lock(b, f) }
}

/// Keeps the loop running without any event (used by in-flight operations).
#[no_mangle]
pub unsafe extern "C" fn event_base_add_virtual_(b: *mut event_base) {
    // SAFETY: b is null or live.
    unsafe { locked(b, |b| b.add_virtual()) }
}

#[no_mangle]
pub unsafe extern "C" fn event_base_del_virtual_(b: *mut event_base) {
    // SAFETY: b is null or live.
    unsafe {
        locked(b, |b| {
            b.del_virtual();
            b.notify_if_needed();
        })
    }
}

/// Checks the base's internal invariants; a violation is fatal.
#[no_mangle]
pub unsafe extern "C" fn event_base_assert_ok_(b: *mut event_base) {
    // SAFETY: b is null or live.
    unsafe { locked(b, |b| b.check_invariants()) }
}

#[no_mangle]
pub unsafe extern "C" fn event_base_assert_ok_nolock_(b: *mut event_base) {
    // SAFETY: b is null or live; the caller holds its lock.
    if let Some(b) = unsafe { b.as_ref() } {
        b.check_invariants();
    }
}

/// IOCP exists only on Windows: -1 here, as libevent on Linux.
#[no_mangle]
pub extern "C" fn event_base_start_iocp_(_b: *mut event_base, _n_cpus: c_int) -> c_int {
    -1
}

/// IOCP exists only on Windows: nothing to stop here.
#[no_mangle]
pub extern "C" fn event_base_stop_iocp_(_b: *mut event_base) {}

#[no_mangle]
pub unsafe extern "C" fn event_base_foreach_event_nolock_(
    b: *mut event_base,
    f: event_base_foreach_event_cb,
    arg: *mut c_void,
) -> c_int {
    // SAFETY: b is null or live; the caller holds its lock.
    let (Some(bb), Some(f)) = (unsafe { b.as_ref() }, f) else { return -1 };
    for ev in bb.all_events() {
        // SAFETY: snapshot events are live while the callback runs.
        let r = unsafe { f(b, ev, arg) };
        if r != 0 {
            return r;
        }
    }
    0
}

// ---- events, without taking the lock (the caller holds it) -----------------------------

#[no_mangle]
pub unsafe extern "C" fn event_add_nolock_(ev: *mut event, tv: *const timeval, tv_is_absolute: c_int) -> c_int {
    // SAFETY: ev is a live event whose base is locked by the caller.
    match unsafe { ev.as_ref() }.map(|e| e.base) {
        Some(b) if !b.is_null() => unsafe { (*b).add(ev, opt_ref(tv), tv_is_absolute != 0) },
        _ => -1,
    }
}

#[no_mangle]
pub unsafe extern "C" fn event_del_nolock_(ev: *mut event, blocking: c_int) -> c_int {
    let mode = match blocking {
        0 => DelMode::Block,
        1 => DelMode::NoBlock,
        2 => DelMode::AutoBlock,
        _ => DelMode::EvenIfFinalizing,
    };
    // SAFETY: as event_add_nolock_.
    match unsafe { ev.as_ref() }.map(|e| e.base) {
        Some(b) if !b.is_null() => unsafe { (*b).del(ev, mode) },
        _ => -1,
    }
}

#[no_mangle]
pub unsafe extern "C" fn event_active_nolock_(ev: *mut event, res: c_int, ncalls: c_short) {
    // SAFETY: as event_add_nolock_.
    if let Some(b) = unsafe { ev.as_ref() }.map(|e| e.base).filter(|b| !b.is_null()) {
        unsafe { (*b).activate(ev, res as c_short, ncalls) }
    }
}

#[no_mangle]
pub unsafe extern "C" fn event_remove_timer_nolock_(ev: *mut event) -> c_int {
    // SAFETY: as event_add_nolock_.
    match unsafe { ev.as_ref() }.map(|e| e.base) {
        Some(b) if !b.is_null() => {
            unsafe { (*b).remove_timer(ev) };
            0
        }
        _ => -1,
    }
}

/// Activates `ev` for the next loop iteration rather than this one.
#[no_mangle]
pub unsafe extern "C" fn event_active_later_(ev: *mut event, res: c_int) {
    // SAFETY: ev is null or a live event with a live base.
    if let Some(b) = unsafe { ev.as_ref() }.map(|e| e.base).filter(|b| !b.is_null()) {
        unsafe { base::with_lock(b, |b| b.activate_later(ev, res as c_short)) }
    }
}

#[no_mangle]
pub unsafe extern "C" fn event_active_later_nolock_(ev: *mut event, res: c_int) {
    // SAFETY: as event_add_nolock_.
    if let Some(b) = unsafe { ev.as_ref() }.map(|e| e.base).filter(|b| !b.is_null()) {
        unsafe { (*b).activate_later(ev, res as c_short) }
    }
}

// ---- bare callbacks --------------------------------------------------------------------

/// Zeroes a callback and gives it the base's lowest priority.
#[no_mangle]
pub unsafe extern "C" fn event_callback_init_(b: *mut event_base, cb: *mut event_callback) {
    // SAFETY: b live; cb writable.
    if let (Some(b), false) = (unsafe { b.as_ref() }, cb.is_null()) {
        unsafe { base::callback_init(b, cb) }
    }
}

#[no_mangle]
pub unsafe extern "C" fn event_callback_activate_(b: *mut event_base, cb: *mut event_callback) -> c_int {
    // SAFETY: b null or live; cb live.
    unsafe { locked(b, |b| base::callback_activate(b, cb) as c_int) }
}

#[no_mangle]
pub unsafe extern "C" fn event_callback_activate_nolock_(b: *mut event_base, cb: *mut event_callback) -> c_int {
    // SAFETY: b null or live and locked by the caller; cb live.
    unsafe { b.as_mut() }.map_or(0, |b| unsafe { base::callback_activate(b, cb) } as c_int)
}

#[no_mangle]
pub unsafe extern "C" fn event_callback_activate_later_nolock_(b: *mut event_base, cb: *mut event_callback) -> c_int {
    // SAFETY: as above.
    unsafe { b.as_mut() }.map_or(0, |b| unsafe { base::callback_activate_later(b, cb) } as c_int)
}

#[no_mangle]
pub unsafe extern "C" fn event_callback_cancel_(b: *mut event_base, cb: *mut event_callback) -> c_int {
    // SAFETY: b null or live; cb live.
    unsafe { locked(b, |b| base::callback_cancel(b, cb, false)) }
}

#[no_mangle]
pub unsafe extern "C" fn event_callback_cancel_nolock_(
    b: *mut event_base,
    cb: *mut event_callback,
    even_if_finalizing: c_int,
) -> c_int {
    // SAFETY: b null or live and locked by the caller; cb live.
    unsafe { b.as_mut() }.map_or(0, |b| unsafe { base::callback_cancel(b, cb, even_if_finalizing != 0) })
}

/// Cancels `cb` and runs `f(cb, arg)` from the loop once it is safe.
#[no_mangle]
pub unsafe extern "C" fn event_callback_finalize_(b: *mut event_base, _flags: c_uint, cb: *mut event_callback, f: CbFinalize) {
    // SAFETY: b null or live; cb live until finalized.
    unsafe { locked(b, |b| base::callback_finalize(b, cb, f)) }
}

#[no_mangle]
pub unsafe extern "C" fn event_callback_finalize_nolock_(
    b: *mut event_base,
    _flags: c_uint,
    cb: *mut event_callback,
    f: CbFinalize,
) {
    // SAFETY: b null or live and locked by the caller; cb live.
    if let Some(b) = unsafe { b.as_mut() } {
        unsafe { base::callback_finalize(b, cb, f) }
    }
}

/// Finalizes several callbacks with one finalizer: it runs for the one
/// running now (if any), else for the first; the others are cancelled.
#[no_mangle]
pub unsafe extern "C" fn event_callback_finalize_many_(
    b: *mut event_base,
    n: c_int,
    cbs: *mut *mut event_callback,
    f: CbFinalize,
) -> c_int {
    if cbs.is_null() || n <= 0 {
        return 0;
    }
    // SAFETY: cbs holds n live callbacks; b null or live.
    unsafe {
        locked(b, |b| {
            let list = std::slice::from_raw_parts(cbs, n as usize);
            let mut pending = 0;
            for &cb in list {
                if cb == b.current_callback() {
                    base::callback_finalize(b, cb, f);
                    pending += 1;
                } else {
                    base::callback_cancel(b, cb, false);
                }
            }
            if pending == 0 {
                base::callback_finalize(b, list[0], f);
            }
            0
        })
    }
}

// ---- deferred callbacks ---------------------------------------------------------------------

type DeferredFn = Option<unsafe extern "C" fn(*mut event_callback, *mut c_void)>;

#[no_mangle]
pub unsafe extern "C" fn event_deferred_cb_init_(cb: *mut event_callback, pri: u8, f: DeferredFn, arg: *mut c_void) {
    if !cb.is_null() {
        // SAFETY: cb is writable.
        unsafe { base::deferred_init(cb, pri, f, arg) }
    }
}

#[no_mangle]
pub unsafe extern "C" fn event_deferred_cb_set_priority_(cb: *mut event_callback, pri: u8) {
    // SAFETY: cb null or a prepared callback.
    if let Some(c) = unsafe { cb.as_mut() } {
        c.pri = pri;
    }
}

fn base_or_current(b: *mut event_base) -> *mut event_base {
    if b.is_null() {
        super::data::current_base()
    } else {
        b
    }
}

/// Queues a deferred callback (NULL base: the current base).
#[no_mangle]
pub unsafe extern "C" fn event_deferred_cb_schedule_(b: *mut event_base, cb: *mut event_callback) -> c_int {
    // SAFETY: b null or live; cb prepared and live until it runs.
    unsafe { locked(base_or_current(b), |b| b.deferred_schedule(cb) as c_int) }
}

#[no_mangle]
pub unsafe extern "C" fn event_deferred_cb_cancel_(b: *mut event_base, cb: *mut event_callback) {
    // SAFETY: b null or live; cb live.
    unsafe {
        locked(base_or_current(b), |b| {
            base::callback_cancel(b, cb, true);
        })
    }
}
