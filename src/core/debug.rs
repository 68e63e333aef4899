//! `event_enable_debug_mode`: remembers every event that was set up and
//! whether it is added, to catch the classic misuses (re-assigning a pending
//! event, using an event never set up or already freed) as libevent does —
//! with a fatal error naming the function. Costs nothing when off: each
//! entry point is an inlined test of `is_on` in front of a cold body.

use super::event::{Event, EVLIST_INIT};
use crate::log;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

static ON: AtomicBool = AtomicBool::new(false);
static TOO_LATE: AtomicBool = AtomicBool::new(false);
/// Event address -> added.
static MAP: Mutex<Option<HashMap<usize, bool>>> = Mutex::new(None);

#[inline(always)]
pub fn is_on() -> bool {
    ON.load(Ordering::Relaxed)
}

/// Called when the first base or event is made: enabling later is an error.
pub fn mark_too_late() {
    TOO_LATE.store(true, Ordering::Relaxed);
}

pub fn enable() {
    if ON.load(Ordering::Relaxed) {
        log::errx(1, "event_enable_debug_mode was called twice!");
    }
    if TOO_LATE.load(Ordering::Relaxed) {
        log::errx(1, "event_enable_debug_mode must be called *before* creating any events or event_bases");
    }
    *MAP.lock().unwrap_or_else(|e| e.into_inner()) = Some(HashMap::new());
    ON.store(true, Ordering::Relaxed);
}

/// Forgets every event (libevent_global_shutdown).
pub fn shutdown() {
    *MAP.lock().unwrap_or_else(|e| e.into_inner()) = None;
    ON.store(false, Ordering::Relaxed);
}

fn with_map<R>(f: impl FnOnce(&mut HashMap<usize, bool>) -> R) -> Option<R> {
    if !is_on() {
        return None;
    }
    MAP.lock().unwrap_or_else(|e| e.into_inner()).as_mut().map(f)
}

fn describe(ev: *const Event) -> String {
    // SAFETY: only called with a pointer the program handed us as an event;
    // in debug mode we read its header as libevent does in its message.
    let (events, fd, flags) = unsafe { ((*ev).events, (*ev).fd, (*ev).callback.flags) };
    format!("{ev:p} (events: 0x{:x}, fd: {fd}, flags: 0x{:x})", events as u16, flags as u16)
}

#[inline(always)]
pub fn note_setup(ev: *const Event) {
    // Debug mode off (the usual case): one load and one branch.
    if is_on() {
        note_setup_slow(ev);
    }
}

#[cold]
#[inline(never)]
fn note_setup_slow(ev: *const Event) {
    with_map(|m| {
        m.insert(ev as usize, false);
    });
}

#[inline(always)]
pub fn note_teardown(ev: *const Event) {
    if is_on() {
        note_teardown_slow(ev);
    }
}

#[cold]
#[inline(never)]
fn note_teardown_slow(ev: *const Event) {
    with_map(|m| {
        m.remove(&(ev as usize));
    });
}

// The messages name libevent's internal checking functions, as its own do.

#[inline(always)]
pub fn note_add(ev: *const Event) {
    if is_on() {
        note_add_slow(ev);
    }
}

#[cold]
#[inline(never)]
fn note_add_slow(ev: *const Event) {
    note_added(ev, "event_debug_note_add_", true);
}

#[inline(always)]
pub fn note_del(ev: *const Event) {
    if is_on() {
        note_del_slow(ev);
    }
}

#[cold]
#[inline(never)]
fn note_del_slow(ev: *const Event) {
    note_added(ev, "event_debug_note_del_", false);
}

fn note_added(ev: *const Event, func: &str, added: bool) {
    let known = with_map(|m| m.get_mut(&(ev as usize)).map(|a| *a = added).is_some());
    if known == Some(false) {
        log::errx(
            log::ERR_ABORT,
            &format!("{func}: noting an {} on a non-setup event {}", if added { "add" } else { "del" }, describe(ev)),
        );
    }
}

/// Fatal if `ev` was never set up (or was freed) while debug mode is on.
#[inline(always)]
pub fn assert_is_setup(ev: *const Event) {
    if is_on() {
        assert_is_setup_slow(ev);
    }
}

#[cold]
#[inline(never)]
fn assert_is_setup_slow(ev: *const Event) {
    if with_map(|m| m.contains_key(&(ev as usize))) == Some(false) {
        log::errx(
            log::ERR_ABORT,
            &format!("event_debug_assert_is_setup_ called on a non-initialized event {}", describe(ev)),
        );
    }
}

/// Fatal if `ev` is currently added while debug mode is on.
#[inline(always)]
pub fn assert_not_added(ev: *const Event) {
    if is_on() {
        assert_not_added_slow(ev);
    }
}

#[cold]
#[inline(never)]
fn assert_not_added_slow(ev: *const Event) {
    if with_map(|m| m.get(&(ev as usize)).copied().unwrap_or(false)) == Some(true) {
        log::errx(
            log::ERR_ABORT,
            &format!("event_debug_assert_not_added_ called on an already added event {}", describe(ev)),
        );
    }
}

/// `event_debug_unassign`.
///
/// # Safety
/// `ev` points to an event the program owns.
pub unsafe fn unassign(ev: *mut Event) {
    assert_not_added(ev);
    note_teardown(ev);
    // SAFETY: the program passes an event it owns.
    unsafe { (*ev).callback.flags &= !EVLIST_INIT };
}
