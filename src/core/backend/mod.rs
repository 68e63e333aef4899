//! The I/O backends, chosen as libevent chooses them: epoll, then poll, then
//! select. Each is told the interest set of an fd when it changes and, in
//! `dispatch`, waits and reports which fds are ready.
//!
//! Interest bits are the event bits `EV_READ | EV_WRITE | EV_CLOSED`, plus
//! `EV_ET` for edge-triggered fds.

pub mod epoll;
pub mod poll;
pub mod select;

use super::clock::Micros;
use super::iomap::FdSlot;
use libc::{c_int, c_short, c_void};
use std::ffi::CStr;

pub const EV_FEATURE_ET: c_int = 0x01;
pub const EV_FEATURE_O1: c_int = 0x02;
pub const EV_FEATURE_FDS: c_int = 0x04;
pub const EV_FEATURE_EARLY_CLOSE: c_int = 0x08;

/// One ready fd and what it is ready for.
#[derive(Clone, Copy, Debug)]
pub struct Ready {
    pub fd: c_int,
    pub what: c_short,
}

pub trait Backend {
    fn name(&self) -> &'static CStr;
    fn features(&self) -> c_int;
    /// The interest in `fd` changes from `old` to `new`; `slot` is the fd's
    /// slot in the base's fd map, whose `ep` byte a backend may keep its own
    /// per-fd state in. Errors are logged here; `Err` tells the caller the
    /// change did not take.
    fn update(&mut self, fd: c_int, old: c_short, new: c_short, slot: &mut FdSlot) -> Result<(), ()>;
    /// Waits at most `timeout` (forever if `None`) and appends ready fds to
    /// `out`. `Err` when the wait itself failed (not on EINTR).
    ///
    /// `lock` (the base's lock, or null) is held on entry and on return;
    /// the backend releases it only around the blocking syscall, during
    /// which it touches nothing but buffers that `update` never touches —
    /// other threads may call `update` meanwhile.
    ///
    /// # Safety
    /// `lock` is null or the base's lock, held by the calling thread.
    unsafe fn dispatch(&mut self, timeout: Option<Micros>, out: &mut Vec<Ready>, lock: *mut c_void) -> Result<(), ()>;
    /// Whether the kernel object must be rebuilt after `fork()`.
    fn need_reinit(&self) -> bool;
    /// Wait with microsecond precision instead of whole milliseconds
    /// (`EVENT_BASE_FLAG_PRECISE_TIMER`); backends already precise ignore it.
    fn set_precise(&mut self, _on: bool) {}
}

/// One of the backends. An enum rather than a trait object, so the base's
/// calls are direct and the hot ones (epoll's `update`) can be inlined.
/// `repr(u8)`: telling the variants apart is one byte compare.
#[repr(u8)]
pub enum AnyBackend {
    Epoll(epoll::Epoll),
    Poll(poll::Poll),
    Select(select::Select),
}

macro_rules! each {
    ($self:expr, $b:ident => $e:expr) => {
        match $self {
            AnyBackend::Epoll($b) => $e,
            AnyBackend::Poll($b) => $e,
            AnyBackend::Select($b) => $e,
        }
    };
}

impl Backend for AnyBackend {
    fn name(&self) -> &'static CStr {
        each!(self, b => b.name())
    }
    fn features(&self) -> c_int {
        each!(self, b => b.features())
    }
    #[inline(always)]
    fn update(&mut self, fd: c_int, old: c_short, new: c_short, slot: &mut FdSlot) -> Result<(), ()> {
        each!(self, b => b.update(fd, old, new, slot))
    }
    unsafe fn dispatch(&mut self, timeout: Option<Micros>, out: &mut Vec<Ready>, lock: *mut c_void) -> Result<(), ()> {
        // SAFETY: forwarded contract.
        each!(self, b => unsafe { b.dispatch(timeout, out, lock) })
    }
    fn need_reinit(&self) -> bool {
        each!(self, b => b.need_reinit())
    }
    fn set_precise(&mut self, on: bool) {
        each!(self, b => b.set_precise(on))
    }
}

/// A constructor per method, in libevent's order of preference.
pub struct Method {
    pub name: &'static CStr,
    pub features: c_int,
    pub new: fn() -> Option<AnyBackend>,
}

pub const METHODS: [Method; 3] = [
    Method { name: c"epoll", features: epoll::FEATURES, new: epoll::Epoll::new_any },
    Method { name: c"poll", features: poll::FEATURES, new: poll::Poll::new_any },
    Method { name: c"select", features: select::FEATURES, new: select::Select::new_any },
];

/// Milliseconds for epoll_wait/poll, rounded up so a timer never fires early;
/// -1 waits forever. Clamped to what the kernel accepts.
pub fn timeout_ms(timeout: Option<Micros>) -> c_int {
    match timeout {
        None => -1,
        Some(us) if us <= 0 => 0,
        Some(us) => ((us + 999) / 1000).min(35 * 60 * 1000) as c_int,
    }
}

/// `errno` of the last failed call.
pub fn errno() -> c_int {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// A relative timeout as a timespec for the precise waits.
pub fn timeout_ts(us: Micros) -> libc::timespec {
    let us = us.max(0);
    libc::timespec { tv_sec: us / 1_000_000, tv_nsec: (us % 1_000_000) * 1000 }
}

/// Runs a blocking syscall with the base's lock released.
///
/// # Safety
/// `lock` is null or the base's lock, held by this thread.
pub unsafe fn unlocked<R>(lock: *mut c_void, f: impl FnOnce() -> R) -> R {
    // SAFETY: the lock came from alloc_lock and this thread holds it.
    unsafe { crate::thread::unlock(lock, 0) };
    let r = f();
    // SAFETY: the lock came from alloc_lock and lives as long as its owner.
    unsafe { crate::thread::lock(lock, 0) };
    r
}

/// Grows an fd-indexed table so that `fd` is a valid index.
pub fn ensure_len<T: Clone>(v: &mut Vec<T>, fd: c_int, fill: T) {
    let need = fd as usize + 1;
    if v.len() < need {
        v.resize(need.next_power_of_two().max(32), fill);
    }
}
