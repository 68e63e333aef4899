//! `event2/event.h`.

use super::data::{current_base, set_current_base, set_debug_logging_mask};
use super::types::event;
use super::{
    event_base, event_base_foreach_event_cb, event_callback_fn, event_config, event_fatal_cb,
    event_finalize_callback_fn, event_log_cb, evutil_socket_t, opt_ref, timeval,
};
use crate::core::base::{self, DelMode, EventBase};
use crate::core::clock::micros_to_tv;
use crate::core::debug;
use crate::core::event::*;
use crate::log;
use libc::{c_char, c_int, c_short, c_uint, c_void, size_t, FILE};
use std::ffi::CStr;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

/// `EVENT_FINALIZE_FREE_`: free the event after its finalizer.
const FINALIZE_FREE: c_uint = 0x10000;

/// The base to use for `base`, falling back to the 1.x current base.
fn base_or_current(base: *mut event_base) -> *mut event_base {
    if base.is_null() {
        current_base()
    } else {
        base
    }
}

/// Runs `f` on the base with its lock held; `none` for a NULL base.
///
/// # Safety
/// `base` is null or a live base not borrowed by the caller.
unsafe fn on_base<R>(base: *mut event_base, none: R, f: impl FnOnce(&mut EventBase) -> R) -> R {
    if base.is_null() {
        return none;
    }
    // SAFETY: caller's contract.
    unsafe { base::with_lock(base, f) }
}

/// Warns as libevent does when an event has no base; true if it has one.
///
/// # Safety
/// `ev` is null or points to a `struct event`.
#[inline(always)]
unsafe fn has_base(ev: *const event, func: &str) -> bool {
    // SAFETY: caller's contract.
    if !ev.is_null() && !unsafe { (*ev).base }.is_null() {
        return true;
    }
    no_base(ev, func);
    false
}

#[cold]
#[inline(never)]
fn no_base(ev: *const event, func: &str) {
    if ev.is_null() {
        log::warnx(&format!("{func}: called with a NULL event"));
    } else {
        log::warnx(&format!("{func}: event has no event_base set."));
    }
}

/// Whether debug logging is on (`event_enable_debug_logging`): the hot
/// entry points test this once and build their messages out of line.
///
/// The mask's address (the copy the symbol table resolves to) is looked up
/// once and kept here, so the test is two loads.
#[inline(always)]
fn debug_logging() -> bool {
    let mut p = DEBUG_MASK_AT.load(Ordering::Relaxed);
    if p.is_null() {
        p = debug_mask_at();
    }
    // SAFETY: the resolved address of the u32 mask, valid for the process.
    unsafe { p.read_volatile() != 0 }
}

/// `!debug_logging()` without a call: false also when the mask's address
/// is not looked up yet (the general paths, which call `debug_logging`, do
/// that).
#[inline(always)]
fn debug_logging_known_off() -> bool {
    let p = DEBUG_MASK_AT.load(Ordering::Relaxed);
    // SAFETY: the resolved address of the u32 mask, valid for the process.
    !p.is_null() && unsafe { p.read_volatile() } == 0
}

static DEBUG_MASK_AT: AtomicPtr<u32> = AtomicPtr::new(ptr::null_mut());

#[cold]
#[inline(never)]
fn debug_mask_at() -> *mut u32 {
    let p = super::data::debug_logging_mask_ptr();
    DEBUG_MASK_AT.store(p, Ordering::Relaxed);
    p
}

// ---- bases and configuration -------------------------------------------------

/// Creates a base with the default configuration.
#[no_mangle]
pub extern "C" fn event_base_new() -> *mut event_base {
    debug::mark_too_late();
    EventBase::new(None).map_or(ptr::null_mut(), Box::into_raw)
}

/// Creates a base following `cfg` (NULL: defaults); NULL if no backend fits.
#[no_mangle]
pub unsafe extern "C" fn event_base_new_with_config(cfg: *const event_config) -> *mut event_base {
    debug::mark_too_late();
    // SAFETY: cfg is null or a config from event_config_new.
    EventBase::new(unsafe { opt_ref(cfg) }).map_or(ptr::null_mut(), Box::into_raw)
}

unsafe fn base_free_common(base: *mut event_base, run_finalizers: bool) {
    let base = base_or_current(base);
    if base.is_null() {
        log::warnx("event_base_free_: no base to free");
        return;
    }
    // SAFETY: base is a live base from event_base_new*.
    if unsafe { (*base).is_running() } {
        log::warnx("event_base_free: the base's loop is running; refusing to free it from inside its own loop");
        return;
    }
    if base == current_base() {
        set_current_base(ptr::null_mut());
    }
    // SAFETY: as above; not running, so no callback of it is on the stack.
    unsafe { base::free(base, run_finalizers) };
}

/// Frees a base, deleting its events and running pending finalizers.
#[no_mangle]
pub unsafe extern "C" fn event_base_free(base: *mut event_base) {
    // SAFETY: forwarded contract.
    unsafe { base_free_common(base, true) }
}

/// Frees a base without running pending finalizers.
#[no_mangle]
pub unsafe extern "C" fn event_base_free_nofinalize(base: *mut event_base) {
    // SAFETY: forwarded contract.
    unsafe { base_free_common(base, false) }
}

/// Re-creates the backend and signal pipe after `fork()`.
#[no_mangle]
pub unsafe extern "C" fn event_reinit(base: *mut event_base) -> c_int {
    // SAFETY: base is null or live.
    unsafe { on_base(base, -1, |b| b.reinit()) }
}

/// The backend's name ("epoll", "poll", "select").
#[no_mangle]
pub unsafe extern "C" fn event_base_get_method(base: *const event_base) -> *const c_char {
    // SAFETY: base is null or live.
    unsafe { opt_ref(base) }.map_or(ptr::null(), |b| b.method_name().as_ptr())
}

struct MethodList([*const c_char; 4]);
// SAFETY: the pointers are to immutable 'static C strings.
unsafe impl Sync for MethodList {}
static METHOD_LIST: MethodList =
    MethodList([c"epoll".as_ptr(), c"poll".as_ptr(), c"select".as_ptr(), ptr::null()]);

/// The backends built in, in order of preference, NULL-terminated.
#[no_mangle]
pub extern "C" fn event_get_supported_methods() -> *mut *const c_char {
    METHOD_LIST.0.as_ptr().cast_mut()
}

/// The `EV_FEATURE_*` bits of the base's backend.
#[no_mangle]
pub unsafe extern "C" fn event_base_get_features(base: *const event_base) -> c_int {
    // SAFETY: base is null or live.
    unsafe { opt_ref(base) }.map_or(0, |b| b.features())
}

/// A new, default configuration.
#[no_mangle]
pub extern "C" fn event_config_new() -> *mut event_config {
    Box::into_raw(Box::default())
}

#[no_mangle]
pub unsafe extern "C" fn event_config_free(cfg: *mut event_config) {
    if !cfg.is_null() {
        // SAFETY: cfg came from event_config_new.
        drop(unsafe { Box::from_raw(cfg) });
    }
}

/// Skips the named backend when choosing one.
#[no_mangle]
pub unsafe extern "C" fn event_config_avoid_method(cfg: *mut event_config, method: *const c_char) -> c_int {
    // SAFETY: cfg is null or from event_config_new; method is null or a C string.
    let (Some(cfg), false) = (unsafe { cfg.as_mut() }, method.is_null()) else {
        return -1;
    };
    // SAFETY: checked non-null above.
    cfg.avoid.push(unsafe { CStr::from_ptr(method) }.to_bytes().to_vec());
    0
}

/// Requires every `EV_FEATURE_*` bit in `features` of the backend.
#[no_mangle]
pub unsafe extern "C" fn event_config_require_features(cfg: *mut event_config, features: c_int) -> c_int {
    // SAFETY: cfg is null or from event_config_new.
    let Some(cfg) = (unsafe { cfg.as_mut() }) else { return -1 };
    cfg.require_features = features;
    0
}

/// Adds an `EVENT_BASE_FLAG_*` flag.
#[no_mangle]
pub unsafe extern "C" fn event_config_set_flag(cfg: *mut event_config, flag: c_int) -> c_int {
    // SAFETY: cfg is null or from event_config_new.
    let Some(cfg) = (unsafe { cfg.as_mut() }) else { return -1 };
    cfg.flags |= flag;
    0
}

/// Records a CPU-count hint (used only by IOCP in libevent).
#[no_mangle]
pub unsafe extern "C" fn event_config_set_num_cpus_hint(cfg: *mut event_config, cpus: c_int) -> c_int {
    // SAFETY: cfg is null or from event_config_new.
    let Some(cfg) = (unsafe { cfg.as_mut() }) else { return -1 };
    cfg.n_cpus_hint = cpus;
    0
}

/// Limits how long / how many callbacks run before the loop checks for new
/// events, for priorities at or after `min_priority`.
#[no_mangle]
pub unsafe extern "C" fn event_config_set_max_dispatch_interval(
    cfg: *mut event_config,
    max_interval: *const timeval,
    max_callbacks: c_int,
    min_priority: c_int,
) -> c_int {
    // SAFETY: cfg is null or from event_config_new; max_interval null or valid.
    let Some(cfg) = (unsafe { cfg.as_mut() }) else { return -1 };
    cfg.max_dispatch_interval = unsafe { opt_ref(max_interval) }.map(crate::core::clock::tv_to_micros);
    cfg.max_dispatch_callbacks = if max_callbacks >= 0 { max_callbacks } else { c_int::MAX };
    cfg.limit_callbacks_after_prio = min_priority.max(0);
    0
}

// ---- priorities -------------------------------------------------------------------

/// Sets the number of priorities (1..256); fails while callbacks are active.
#[no_mangle]
pub unsafe extern "C" fn event_base_priority_init(base: *mut event_base, npriorities: c_int) -> c_int {
    // SAFETY: base is null or live.
    unsafe { on_base(base_or_current(base), -1, |b| b.priority_init(npriorities)) }
}

#[no_mangle]
pub unsafe extern "C" fn event_base_get_npriorities(base: *mut event_base) -> c_int {
    // SAFETY: base is null or live.
    unsafe { on_base(base_or_current(base), 0, |b| b.npriorities()) }
}

/// Sets an event's priority; fails while it is active or out of range.
#[no_mangle]
pub unsafe extern "C" fn event_priority_set(ev: *mut event, pri: c_int) -> c_int {
    // SAFETY: ev is null or an event; its base (if set) is live.
    let Some(e) = (unsafe { ev.as_mut() }) else { return -1 };
    debug::assert_is_setup(ev);
    if e.callback.flags & EVLIST_ACTIVE != 0 || e.base.is_null() {
        return -1;
    }
    // SAFETY: the event's base is live (program contract).
    if pri < 0 || pri >= unsafe { (*e.base).npriorities() } {
        return -1;
    }
    e.callback.pri = pri as u8;
    0
}

// ---- events ---------------------------------------------------------------------------

/// The value of `event_self_cbarg()`: passed as `arg`, it stands for the event itself.
static SELF_CBARG: u8 = 0;

/// A magic `arg` that makes the event its own callback argument.
#[no_mangle]
pub extern "C" fn event_self_cbarg() -> *mut c_void {
    ptr::addr_of!(SELF_CBARG).cast_mut().cast()
}

#[cold]
fn null_assign() -> c_int {
    log::warnx("event_assign: called with a NULL event");
    -1
}

/// Prepares caller-owned memory as an event. Allocates nothing.
#[no_mangle]
pub unsafe extern "C" fn event_assign(
    ev: *mut event,
    base: *mut event_base,
    fd: evutil_socket_t,
    events: c_short,
    callback: event_callback_fn,
    arg: *mut c_void,
) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { assign_impl(ev, base, fd, events, callback, arg) }
}

/// `event_assign`'s body, shared with `event_new` (which so avoids a call
/// through the PLT). The usual case (a base given, debug mode off) makes
/// no call at all.
///
/// # Safety
/// As `event_assign`.
#[inline(always)]
unsafe fn assign_impl(
    ev: *mut event,
    base: *mut event_base,
    fd: evutil_socket_t,
    events: c_short,
    callback: event_callback_fn,
    arg: *mut c_void,
) -> c_int {
    if ev.is_null() {
        return null_assign();
    }
    // A plain base (debug mode off, and too late to turn on since the base
    // exists) needs no bookkeeping.
    // SAFETY: a non-null base is live (caller's contract).
    if base.is_null() || !unsafe { (*base).is_plain() } {
        // SAFETY: forwarded contract.
        return unsafe { assign_general(ev, base, fd, events, callback, arg) };
    }
    let arg = if arg == event_self_cbarg() { ev.cast() } else { arg };
    // SAFETY: ev points to a struct event's worth of writable memory; base
    // is live. Debug mode is off, so there is nothing to note.
    unsafe { base::assign_fields(ev, base, fd, events, callback, arg) }
}

/// `event_assign` with the 1.x current base or debug mode.
///
/// # Safety
/// As `event_assign`, with `ev` not null.
#[inline(never)]
unsafe fn assign_general(
    ev: *mut event,
    base: *mut event_base,
    fd: evutil_socket_t,
    events: c_short,
    callback: event_callback_fn,
    arg: *mut c_void,
) -> c_int {
    debug::mark_too_late();
    let base = base_or_current(base);
    let arg = if arg == event_self_cbarg() { ev.cast() } else { arg };
    debug::assert_not_added(ev);
    // SAFETY: ev points to a struct event's worth of writable memory; base
    // is null or live.
    unsafe { base::assign(ev, base, fd, events, callback, arg) }
}

/// Allocates (with the configured malloc) and assigns an event.
#[no_mangle]
pub unsafe extern "C" fn event_new(
    base: *mut event_base,
    fd: evutil_socket_t,
    events: c_short,
    callback: event_callback_fn,
    arg: *mut c_void,
) -> *mut event {
    let ev = crate::mm::malloc(std::mem::size_of::<Event>()).cast::<Event>();
    if ev.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: ev is fresh memory of the right size.
    if unsafe { assign_impl(ev, base, fd, events, callback, arg) } < 0 {
        // SAFETY: the pointer came from this library's allocator and is dropped here.
        unsafe { crate::mm::free(ev.cast()) };
        return ptr::null_mut();
    }
    ev
}

/// Deletes and frees an event from `event_new`.
#[no_mangle]
pub unsafe extern "C" fn event_free(ev: *mut event) {
    if ev.is_null() {
        return;
    }
    // No setup check here, as libevent: a finalized event may be freed.
    // SAFETY: ev is an event from event_new.
    unsafe { event_del(ev) };
    debug::note_teardown(ev);
    // SAFETY: the pointer came from this library's allocator and is dropped here.
    unsafe { crate::mm::free(ev.cast()) };
}

/// Makes `ev` pending: for its I/O or signal, and for `tv` if given.
#[no_mangle]
pub unsafe extern "C" fn event_add(ev: *mut event, tv: *const timeval) -> c_int {
    // The usual case first: an event with a base, no timeout, no lock, no
    // debugging of any kind.
    // SAFETY: ev is null or an event; a non-null base is live.
    unsafe {
        if !tv.is_null() {
            // Only a pending timer may be rescheduled by `add_timed`.
            if !ev.is_null() && (*ev).callback.flags & EVLIST_TIMEOUT != 0 {
                return add_timed(ev, tv);
            }
            return add_general(ev, tv);
        }
        if !ev.is_null() {
            let base = (*ev).base;
            // `add_leaf` makes no call: with only the tail call below
            // besides, this needs no stack frame.
            if !base.is_null() && (*base).is_plain() && debug_logging_known_off() && (*base).add_leaf(ev) {
                return 0;
            }
        }
        add_general(ev, tv)
    }
}

/// `event_add` with a timeout: rescheduling a pending timer on a plain
/// base is done by `resched`, the rest by `add_general`. Only checks and
/// tail calls here, so a first add pays little for the test.
///
/// # Safety
/// As `event_add`; `ev` and `tv` are not null.
#[inline(never)]
unsafe fn add_timed(ev: *mut event, tv: *const timeval) -> c_int {
    // SAFETY: ev is an event; a non-null base is live; tv is valid.
    unsafe {
        if base::resched_fits(ev, &*tv) {
            let base = (*ev).base;
            if !base.is_null() && (*base).is_plain() && debug_logging_known_off() {
                return resched(base, ev, tv);
            }
        }
        add_general(ev, tv)
    }
}

/// `event_add` of a pending timer that `resched_fits`, on a plain base.
///
/// # Safety
/// As `EventBase::resched`; `base` is the event's.
#[inline(never)]
unsafe fn resched(base: *mut event_base, ev: *mut event, tv: *const timeval) -> c_int {
    // SAFETY: caller's contract.
    unsafe { (*base).resched(ev, &*tv) };
    0
}

/// `event_add` for every case.
///
/// # Safety
/// As `event_add`.
#[inline(never)]
unsafe fn add_general(ev: *mut event, tv: *const timeval) -> c_int {
    // SAFETY: ev is null or an event.
    if !unsafe { has_base(ev, "event_add") } {
        return -1;
    }
    debug::assert_is_setup(ev);
    // SAFETY: tv is null or valid; the event's base is live.
    let tv = unsafe { opt_ref(tv) };
    if debug_logging() {
        // SAFETY: ev is a live event (checked above).
        unsafe { log_add(ev, tv) };
    }
    // SAFETY: the event's base is live and not borrowed here.
    unsafe {
        let base = (*ev).base;
        if (*base).is_lockless() {
            return (*base).add(ev, tv, false);
        }
        base::with_lock(base, |b| b.add(ev, tv, false))
    }
}

/// event_add's debug-log lines.
///
/// # Safety
/// `ev` is a live event.
#[cold]
#[inline(never)]
unsafe fn log_add(ev: *mut event, tv: Option<&timeval>) {
    // SAFETY: caller's contract.
    let e = unsafe { &*ev };
    // SAFETY: every member of the callback union is one function pointer.
    let cb = unsafe { e.callback.cb.event }.map_or(ptr::null(), |f| f as *const c_void);
    log::debug(|| {
        format!(
            "event_add: event: {ev:p} (fd {}), {}{}{}{}call {cb:p}",
            e.fd,
            if e.events & EV_READ != 0 { "EV_READ " } else { " " },
            if e.events & EV_WRITE != 0 { "EV_WRITE " } else { " " },
            if e.events & EV_CLOSED != 0 { "EV_CLOSED " } else { " " },
            if tv.is_some() { "EV_TIMEOUT " } else { " " },
        )
    });
    if let Some(t) = tv {
        log::debug(|| {
            format!("event_add: event {ev:p}, timeout in {} seconds {} useconds, call {cb:p}", t.tv_sec, t.tv_usec)
        });
    }
}

#[inline(always)]
unsafe fn del_common(ev: *mut event, mode: DelMode) -> c_int {
    // SAFETY: ev is null or an event.
    if !unsafe { has_base(ev, "event_del_") } {
        return -1;
    }
    if debug_logging() {
        // SAFETY: ev is a live event (checked above).
        unsafe { log_del(ev) };
    }
    // SAFETY: as above. Without threads, an event on no queue needs nothing
    // from its base (which may already be freed); with threads, its
    // callback may be running in another thread, which `del` waits for.
    unsafe {
        if (*ev).callback.flags & (EVLIST_INSERTED | EVLIST_TIMEOUT | EVLIST_ACTIVE | EVLIST_ACTIVE_LATER) == 0
            && !crate::thread::have_id_fn()
        {
            0
        } else if (*(*ev).base).is_lockless() {
            (*(*ev).base).del(ev, mode)
        } else {
            base::with_lock((*ev).base, |b| b.del(ev, mode))
        }
    }
}

/// event_del's debug-log line.
///
/// # Safety
/// `ev` is a live event.
#[cold]
#[inline(never)]
unsafe fn log_del(ev: *mut event) {
    // SAFETY: caller's contract.
    let e = unsafe { &*ev };
    // SAFETY: every member of the callback union is one function pointer.
    let cb = unsafe { e.callback.cb.event }.map_or(ptr::null(), |f| f as *const c_void);
    log::debug(|| format!("event_del: {ev:p} (fd {}), callback {cb:p}", e.fd));
}

/// Makes `ev` non-pending and non-active.
#[no_mangle]
pub unsafe extern "C" fn event_del(ev: *mut event) -> c_int {
    // The usual cases first, as `del_common` does them: no debugging of any
    // kind, and an event on no queue (its base is not touched: it may be
    // freed already) or one whose base has no lock.
    // SAFETY: ev is null or an event; a non-null base is live while the
    // event is on one of its queues.
    unsafe {
        if !ev.is_null() && !(*ev).base.is_null() && debug_logging_known_off() {
            let base = (*ev).base;
            if (*ev).callback.flags & (EVLIST_INSERTED | EVLIST_TIMEOUT | EVLIST_ACTIVE | EVLIST_ACTIVE_LATER) == 0 {
                if !crate::thread::have_id_fn() {
                    return 0;
                }
            } else if (*base).is_plain() && (*base).del_leaf(ev) {
                // As `event_add`: no call, so no stack frame.
                return 0;
            }
        }
        del_slow(ev, DelMode::AutoBlock)
    }
}

/// `del_common`, out of line (the rare cases of `event_del`).
///
/// # Safety
/// As `event_del`.
#[inline(never)]
unsafe fn del_slow(ev: *mut event, mode: DelMode) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { del_common(ev, mode) }
}

/// `event_del` that never waits for a callback running in another thread.
#[no_mangle]
pub unsafe extern "C" fn event_del_noblock(ev: *mut event) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { del_common(ev, DelMode::NoBlock) }
}

/// `event_del` that always waits for a callback running in another thread.
#[no_mangle]
pub unsafe extern "C" fn event_del_block(ev: *mut event) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { del_common(ev, DelMode::Block) }
}

/// Removes only the timeout of a pending event.
#[no_mangle]
pub unsafe extern "C" fn event_remove_timer(ev: *mut event) -> c_int {
    // SAFETY: ev is null or an event with a live base.
    if !unsafe { has_base(ev, "event_remove_timer") } {
        return -1;
    }
    unsafe { base::with_lock((*ev).base, |b| b.remove_timer(ev)) };
    0
}

/// Makes `ev` active with `res` as if it had fired.
#[no_mangle]
pub unsafe extern "C" fn event_active(ev: *mut event, res: c_int, ncalls: c_short) {
    // SAFETY: ev is null or an event with a live base.
    if !unsafe { has_base(ev, "event_active") } {
        return;
    }
    debug::assert_is_setup(ev);
    log::debug(|| {
        // SAFETY: ev is a live event (checked above).
        let e = unsafe { &*ev };
        let cb = unsafe { e.callback.cb.event }.map_or(ptr::null(), |f| f as *const c_void);
        format!("event_active: {ev:p} (fd {}), res {res}, callback {cb:p}", e.fd)
    });
    unsafe { base::with_lock((*ev).base, |b| b.activate(ev, res as c_short, ncalls)) };
}

/// Which of `events` the event is pending or active for; the expiry (wall
/// clock) goes to `tv` when EV_TIMEOUT is asked and pending.
#[no_mangle]
pub unsafe extern "C" fn event_pending(ev: *const event, events: c_short, tv: *mut timeval) -> c_int {
    // SAFETY: ev is null or an event.
    if !unsafe { has_base(ev, "event_pending") } {
        return 0;
    }
    debug::assert_is_setup(ev);
    // SAFETY: as above; the flags are read under the base's lock, since the
    // loop (maybe in another thread) changes them.
    unsafe { base::with_lock((*ev).base, |b| pending_locked(b, &*ev, events, tv)) }
}

fn pending_locked(b: &EventBase, e: &Event, events: c_short, tv: *mut timeval) -> c_int {
    let f = e.callback.flags;
    let mut flags: c_short = 0;
    if f & EVLIST_INSERTED != 0 {
        flags |= e.events & (EV_IO_MASK | EV_SIGNAL);
    }
    if f & (EVLIST_ACTIVE | EVLIST_ACTIVE_LATER) != 0 {
        flags |= e.res;
    }
    if f & EVLIST_TIMEOUT != 0 {
        flags |= EV_TIMEOUT;
    }
    let events = events & (EV_TIMEOUT | EV_IO_MASK | EV_SIGNAL);
    if !tv.is_null() && flags & events & EV_TIMEOUT != 0 {
        // SAFETY: tv is writable (caller's contract).
        unsafe { *tv = b.timeout_as_wall(e) };
    }
    (flags & events) as c_int
}

/// Whether the memory holds an assigned event.
#[no_mangle]
pub unsafe extern "C" fn event_initialized(ev: *const event) -> c_int {
    // SAFETY: ev is null or an event.
    unsafe { ev.as_ref() }.is_some_and(|e| e.callback.flags & EVLIST_INIT != 0) as c_int
}

/// Forgets an event in debug mode, so its memory may be reused.
#[no_mangle]
pub unsafe extern "C" fn event_debug_unassign(ev: *mut event) {
    if !ev.is_null() {
        // SAFETY: the program passes an event it owns.
        unsafe { debug::unassign(ev) };
    }
}

#[no_mangle]
pub unsafe extern "C" fn event_get_fd(ev: *const event) -> evutil_socket_t {
    debug::assert_is_setup(ev);
    // SAFETY: ev is null or an event.
    unsafe { ev.as_ref() }.map_or(-1, |e| e.fd)
}

#[no_mangle]
pub unsafe extern "C" fn event_get_base(ev: *const event) -> *mut event_base {
    debug::assert_is_setup(ev);
    // SAFETY: ev is null or an event.
    unsafe { ev.as_ref() }.map_or(ptr::null_mut(), |e| e.base)
}

#[no_mangle]
pub unsafe extern "C" fn event_get_events(ev: *const event) -> c_short {
    debug::assert_is_setup(ev);
    // SAFETY: ev is null or an event.
    unsafe { ev.as_ref() }.map_or(0, |e| e.events)
}

#[no_mangle]
pub unsafe extern "C" fn event_get_callback(ev: *const event) -> event_callback_fn {
    debug::assert_is_setup(ev);
    // SAFETY: ev is null or an event; `event` is the union member events use.
    unsafe { ev.as_ref() }.and_then(|e| unsafe { e.callback.cb.event })
}

#[no_mangle]
pub unsafe extern "C" fn event_get_callback_arg(ev: *const event) -> *mut c_void {
    debug::assert_is_setup(ev);
    // SAFETY: ev is null or an event.
    unsafe { ev.as_ref() }.map_or(ptr::null_mut(), |e| e.callback.arg)
}

#[no_mangle]
pub unsafe extern "C" fn event_get_priority(ev: *const event) -> c_int {
    debug::assert_is_setup(ev);
    // SAFETY: ev is null or an event.
    unsafe { ev.as_ref() }.map_or(-1, |e| e.callback.pri as c_int)
}

/// Copies out everything `event_assign` was given; NULL outputs are skipped.
#[no_mangle]
pub unsafe extern "C" fn event_get_assignment(
    ev: *const event,
    base_out: *mut *mut event_base,
    fd_out: *mut evutil_socket_t,
    events_out: *mut c_short,
    callback_out: *mut event_callback_fn,
    arg_out: *mut *mut c_void,
) {
    debug::assert_is_setup(ev);
    // SAFETY: ev is null or an event; each output is null or writable.
    unsafe {
        let Some(e) = ev.as_ref() else { return };
        if !base_out.is_null() {
            *base_out = e.base;
        }
        if !fd_out.is_null() {
            *fd_out = e.fd;
        }
        if !events_out.is_null() {
            *events_out = e.events;
        }
        if !callback_out.is_null() {
            *callback_out = e.callback.cb.event;
        }
        if !arg_out.is_null() {
            *arg_out = e.callback.arg;
        }
    }
}

/// `sizeof(struct event)` as this library lays it out: 128.
#[no_mangle]
pub extern "C" fn event_get_struct_event_size() -> size_t {
    std::mem::size_of::<Event>()
}

/// Moves a freshly set event to `base`; fails once it was added.
#[no_mangle]
pub unsafe extern "C" fn event_base_set(base: *mut event_base, ev: *mut event) -> c_int {
    // SAFETY: base null or live; ev null or an event.
    let (Some(b), Some(e)) = (unsafe { base.as_ref() }, unsafe { ev.as_mut() }) else {
        return -1;
    };
    if e.callback.flags != EVLIST_INIT {
        return -1;
    }
    crate::core::debug::assert_is_setup(ev);
    e.base = base;
    e.callback.pri = (b.npriorities() / 2) as u8;
    0
}

// ---- finalizers -----------------------------------------------------------------------

unsafe fn finalize_common(flags: c_uint, ev: *mut event, cb: event_finalize_callback_fn) -> c_int {
    // SAFETY: ev is null or an event with a live base.
    if !unsafe { has_base(ev, "event_finalize_impl_") } {
        return -1;
    }
    unsafe { base::with_lock((*ev).base, |b| b.finalize(ev, cb, flags & FINALIZE_FREE != 0)) };
    0
}

/// Deletes `ev` without blocking and runs `cb` from the loop once it is safe.
#[no_mangle]
pub unsafe extern "C" fn event_finalize(flags: c_uint, ev: *mut event, cb: event_finalize_callback_fn) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { finalize_common(flags, ev, cb) }
}

/// As `event_finalize`, then frees the event.
#[no_mangle]
pub unsafe extern "C" fn event_free_finalize(flags: c_uint, ev: *mut event, cb: event_finalize_callback_fn) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { finalize_common(flags | FINALIZE_FREE, ev, cb) }
}

// ---- the loop -------------------------------------------------------------------------

/// Runs the loop until no events remain or it is told to stop.
#[no_mangle]
pub unsafe extern "C" fn event_base_dispatch(base: *mut event_base) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { event_base_loop(base, 0) }
}

/// Runs the loop with `EVLOOP_*` flags; 0 when stopped, 1 when no events
/// were left, -1 on error.
#[no_mangle]
pub unsafe extern "C" fn event_base_loop(base: *mut event_base, flags: c_int) -> c_int {
    if base.is_null() {
        log::warnx("event_base_loop: called with a NULL base");
        return -1;
    }
    // SAFETY: base is live; no borrow of it is held here.
    unsafe { base::run_loop(base, flags) }
}

unsafe extern "C" fn loopexit_cb(_fd: evutil_socket_t, _what: c_short, arg: *mut c_void) {
    // SAFETY: arg is the base that scheduled this callback.
    unsafe { (*arg.cast::<EventBase>()).set_got_term() };
}

/// Stops the loop after `tv` (or after this iteration's callbacks if NULL).
#[no_mangle]
pub unsafe extern "C" fn event_base_loopexit(base: *mut event_base, tv: *const timeval) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { event_base_once(base, -1, EV_TIMEOUT, Some(loopexit_cb), base.cast(), tv) }
}

/// Stops the loop right after the running callback.
#[no_mangle]
pub unsafe extern "C" fn event_base_loopbreak(base: *mut event_base) -> c_int {
    // SAFETY: base is null or live.
    unsafe {
        on_base(base, -1, |b| {
            b.loopbreak();
            0
        })
    }
}

/// Makes the loop look for new events before running more callbacks.
#[no_mangle]
pub unsafe extern "C" fn event_base_loopcontinue(base: *mut event_base) -> c_int {
    // SAFETY: base is null or live.
    unsafe {
        on_base(base, -1, |b| {
            b.loopcontinue();
            0
        })
    }
}

#[no_mangle]
pub unsafe extern "C" fn event_base_got_break(base: *mut event_base) -> c_int {
    // SAFETY: base is null or live.
    unsafe { on_base(base, 0, |b| b.got_break() as c_int) }
}

#[no_mangle]
pub unsafe extern "C" fn event_base_got_exit(base: *mut event_base) -> c_int {
    // SAFETY: base is null or live.
    unsafe { on_base(base, 0, |b| b.got_exit() as c_int) }
}

/// Runs `callback` once: on I/O readiness of `fd`, or after `tv`.
#[no_mangle]
pub unsafe extern "C" fn event_base_once(
    base: *mut event_base,
    fd: evutil_socket_t,
    events: c_short,
    callback: event_callback_fn,
    arg: *mut c_void,
    tv: *const timeval,
) -> c_int {
    // SAFETY: base is null or live; tv is null or valid.
    unsafe { on_base(base, -1, |b| b.once(fd, events, callback, arg, opt_ref(tv))) }
}

// ---- time -----------------------------------------------------------------------------

/// A timeout value that many events share cheaply (returned as a tagged timeval).
#[no_mangle]
pub unsafe extern "C" fn event_base_init_common_timeout(
    base: *mut event_base,
    duration: *const timeval,
) -> *const timeval {
    // SAFETY: base null or live; duration null or valid.
    let Some(d) = (unsafe { opt_ref(duration) }) else { return ptr::null() };
    unsafe { on_base(base, ptr::null(), |b| b.init_common_timeout(d)) }
}

/// The loop's cached wall-clock time, or the current time outside callbacks.
#[no_mangle]
pub unsafe extern "C" fn event_base_gettimeofday_cached(base: *mut event_base, tv: *mut timeval) -> c_int {
    if tv.is_null() {
        return -1;
    }
    let base = base_or_current(base);
    // SAFETY: base null or live; tv writable.
    let cached = unsafe { on_base(base, None, |b| b.cached_wall_time()) };
    unsafe { *tv = cached.unwrap_or_else(|| micros_to_tv(crate::core::clock::wall_now())) };
    0
}

/// Refreshes the loop's cached time (while it runs).
#[no_mangle]
pub unsafe extern "C" fn event_base_update_cache_time(base: *mut event_base) -> c_int {
    // SAFETY: base null or live.
    unsafe {
        on_base(base_or_current(base), -1, |b| {
            b.refresh_cache_time();
            0
        })
    }
}

/// The monotonic clock the base runs its timers on.
#[no_mangle]
pub unsafe extern "C" fn event_gettime_monotonic(base: *mut event_base, tv: *mut timeval) -> c_int {
    // SAFETY: base null or live; tv null or writable.
    match (unsafe { base.as_mut() }, tv.is_null()) {
        (Some(b), false) => {
            unsafe { *tv = b.monotonic_tv() };
            0
        }
        _ => -1,
    }
}

// ---- inspection and manual activation ----------------------------------------------------

/// Activates the events on `fd` for `events` (timers on `fd` for EV_TIMEOUT).
#[no_mangle]
pub unsafe extern "C" fn event_base_active_by_fd(base: *mut event_base, fd: evutil_socket_t, events: c_short) {
    // SAFETY: base null or live.
    unsafe {
        on_base(base, (), |b| {
            if events & EV_TIMEOUT == 0 {
                b.activate_fd(fd, events & EV_IO_MASK);
            } else {
                b.activate_timers_on_fd(fd);
            }
        })
    }
}

/// Activates the events on signal `sig` once.
#[no_mangle]
pub unsafe extern "C" fn event_base_active_by_signal(base: *mut event_base, sig: c_int) {
    // SAFETY: base null or live.
    if sig > 0 && (sig as usize) < crate::core::signal::NSIG {
        unsafe { on_base(base, (), |b| b.activate_signal(sig as usize, 1)) }
    }
}

/// Calls `fn_` for every event of the base until it returns non-zero.
#[no_mangle]
pub unsafe extern "C" fn event_base_foreach_event(
    base: *mut event_base,
    fn_: event_base_foreach_event_cb,
    arg: *mut c_void,
) -> c_int {
    // SAFETY: base null or live.
    let (false, Some(f)) = (base.is_null(), fn_) else { return -1 };
    // The callback runs with the base locked and must not change the base,
    // as libevent documents; the snapshot's events stay live meanwhile.
    unsafe {
        on_base(base, -1, |b| {
            for ev in b.all_events() {
                let r = f(base, ev, arg);
                if r != 0 {
                    return r;
                }
            }
            0
        })
    }
}

/// Writes a description of the base's events to `output`.
#[no_mangle]
pub unsafe extern "C" fn event_base_dump_events(base: *mut event_base, output: *mut FILE) {
    if base.is_null() || output.is_null() {
        return;
    }
    // SAFETY: base is live; output is the program's FILE*.
    unsafe { on_base(base, (), |b| dump_events(b, output)) }
}

fn dump_events(b: &EventBase, output: *mut FILE) {
    let mut s = String::from("Inserted events:\n");
    let all = b.all_events();
    for &ev in &all {
        // SAFETY: snapshot events are live.
        let e = unsafe { &*ev };
        let f = e.callback.flags;
        if f & (EVLIST_INSERTED | EVLIST_TIMEOUT) == 0 {
            continue;
        }
        let gloss = if e.events & EV_SIGNAL != 0 { "sig" } else { "fd " };
        s += &format!("  {:p} [{gloss} {}]", ev, e.fd);
        for (bit, name) in [(EV_READ, " Read"), (EV_WRITE, " Write"), (EV_CLOSED, " EOF"), (EV_SIGNAL, " Signal"), (EV_PERSIST, " Persist"), (EV_ET, " ET")] {
            if e.events & bit != 0 {
                s += name;
            }
        }
        if f & EVLIST_INTERNAL != 0 {
            s += " Internal";
        }
        if f & EVLIST_TIMEOUT != 0 {
            let tv = b.timeout_as_wall(e);
            s += &format!(" Timeout={}.{:06}", tv.tv_sec, tv.tv_usec);
        }
        s.push('\n');
    }
    s += "Active events:\n";
    for &ev in &all {
        // SAFETY: snapshot events are live.
        let e = unsafe { &*ev };
        let f = e.callback.flags;
        if f & (EVLIST_ACTIVE | EVLIST_ACTIVE_LATER) == 0 {
            continue;
        }
        let gloss = if e.events & EV_SIGNAL != 0 { "sig" } else { "fd " };
        s += &format!("  {:p} [{gloss} {}, priority={}]", ev, e.fd, e.callback.pri);
        for (bit, name) in [(EV_READ, " Read"), (EV_WRITE, " Write"), (EV_CLOSED, " EOF"), (EV_SIGNAL, " Signal"), (EV_TIMEOUT, " Timeout")] {
            if e.res & bit != 0 {
                s += name;
            }
        }
        s += " active";
        if f & EVLIST_INTERNAL != 0 {
            s += " [Internal]";
        }
        if f & EVLIST_ACTIVE_LATER != 0 {
            s += " [NextTime]";
        }
        s.push('\n');
    }
    // SAFETY: output is a valid FILE*; s is a valid buffer.
    unsafe { libc::fwrite(s.as_ptr().cast(), 1, s.len(), output) };
}

/// Counts of events of the kinds in `type_` (`EVENT_BASE_COUNT_*`).
#[no_mangle]
pub unsafe extern "C" fn event_base_get_num_events(base: *mut event_base, type_: c_uint) -> c_int {
    // SAFETY: base null or live.
    unsafe { on_base(base, 0, |b| b.num_events(type_)) }
}

/// The most events of the kinds in `type_` seen at once; `clear` resets.
#[no_mangle]
pub unsafe extern "C" fn event_base_get_max_events(base: *mut event_base, type_: c_uint, clear: c_int) -> c_int {
    // SAFETY: base null or live.
    unsafe { on_base(base, 0, |b| b.max_events(type_, clear != 0)) }
}

/// The event whose callback is running in this loop, or NULL.
#[no_mangle]
pub unsafe extern "C" fn event_base_get_running_event(base: *mut event_base) -> *mut event {
    // SAFETY: base null or live.
    let cb = unsafe { on_base(base, ptr::null_mut(), |b| b.running_callback()) };
    // SAFETY: the running callback is live.
    if !cb.is_null() && unsafe { (*cb).flags } & EVLIST_INIT != 0 {
        Event::from_callback(cb)
    } else {
        ptr::null_mut()
    }
}

// ---- global settings ----------------------------------------------------------------------

/// "2.1.12-stable": the API and behaviour this library provides.
#[no_mangle]
pub extern "C" fn event_get_version() -> *const c_char {
    c"2.1.12-stable".as_ptr()
}

/// 0x02010c00.
#[no_mangle]
pub extern "C" fn event_get_version_number() -> u32 {
    0x0201_0c00
}

/// Sends log messages to `cb` (NULL: to stderr).
#[no_mangle]
pub extern "C" fn event_set_log_callback(cb: event_log_cb) {
    log::set_log_callback(cb);
}

/// Calls `cb` on fatal errors instead of exiting.
#[no_mangle]
pub extern "C" fn event_set_fatal_callback(cb: event_fatal_cb) {
    log::set_fatal_callback(cb);
}

/// Turns debug-level log messages on (any non-zero mask) or off.
#[no_mangle]
pub extern "C" fn event_enable_debug_logging(which: u32) {
    set_debug_logging_mask(which);
}

/// Tracks events to catch misuse; must precede any base or event.
#[no_mangle]
pub extern "C" fn event_enable_debug_mode() {
    debug::enable();
}

/// Routes the library's allocations through the program's functions.
#[no_mangle]
pub extern "C" fn event_set_mem_functions(
    malloc_fn: Option<unsafe extern "C" fn(size_t) -> *mut c_void>,
    realloc_fn: Option<unsafe extern "C" fn(*mut c_void, size_t) -> *mut c_void>,
    free_fn: Option<unsafe extern "C" fn(*mut c_void)>,
) {
    crate::mm::set_functions(malloc_fn, realloc_fn, free_fn);
}

/// Releases the library's global state (debug-mode records).
#[no_mangle]
pub extern "C" fn libevent_global_shutdown() {
    debug::shutdown();
}
