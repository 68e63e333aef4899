//! `struct event` and `struct event_callback`, byte for byte as libevent 2.1.12
//! lays them out on x86_64 (see `shared/abi/layout-x86_64.txt`).
//!
//! The struct lives in the caller's memory (stack, static, embedded, or from
//! `event_new`), so the core works on it through raw pointers. Fields that
//! libevent keeps private are reused for our own bookkeeping, within the same
//! bytes: the active-queue links, the timer-heap index, and the per-fd /
//! per-signal list links.

use libc::{c_int, c_short, c_void, timeval};

pub type EvutilSocket = c_int;
/// `event_callback_fn`.
pub type EventCallbackFn = Option<unsafe extern "C" fn(EvutilSocket, c_short, *mut c_void)>;
/// `event_finalize_callback_fn`.
pub type EventFinalizeFn = Option<unsafe extern "C" fn(*mut Event, *mut c_void)>;
/// Callback of a bare `struct event_callback` (deferred callbacks).
pub type SelfCallbackFn = Option<unsafe extern "C" fn(*mut EventCallback, *mut c_void)>;

// Event kinds (`ev_events`).
pub const EV_TIMEOUT: c_short = 0x01;
pub const EV_READ: c_short = 0x02;
pub const EV_WRITE: c_short = 0x04;
pub const EV_SIGNAL: c_short = 0x08;
pub const EV_PERSIST: c_short = 0x10;
pub const EV_ET: c_short = 0x20;
pub const EV_FINALIZE: c_short = 0x40;
pub const EV_CLOSED: c_short = 0x80;
pub const EV_IO_MASK: c_short = EV_READ | EV_WRITE | EV_CLOSED;

// Queue membership (`evcb_flags`), libevent's EVLIST_* values.
pub const EVLIST_TIMEOUT: c_short = 0x01;
pub const EVLIST_INSERTED: c_short = 0x02;
pub const EVLIST_SIGNAL: c_short = 0x04;
pub const EVLIST_ACTIVE: c_short = 0x08;
pub const EVLIST_INTERNAL: c_short = 0x10;
pub const EVLIST_ACTIVE_LATER: c_short = 0x20;
pub const EVLIST_FINALIZING: c_short = 0x40;
pub const EVLIST_INIT: c_short = 0x80;
pub const EVLIST_ALL: c_short = 0xff;

// How a callback is invoked (`evcb_closure`), libevent's values.
pub const CLOSURE_EVENT: u8 = 0;
pub const CLOSURE_EVENT_SIGNAL: u8 = 1;
pub const CLOSURE_EVENT_PERSIST: u8 = 2;
pub const CLOSURE_CB_SELF: u8 = 3;
pub const CLOSURE_CB_FINALIZE: u8 = 4;
pub const CLOSURE_EVENT_FINALIZE: u8 = 5;
pub const CLOSURE_EVENT_FINALIZE_FREE: u8 = 6;

/// `struct event_callback` (40 bytes).
#[repr(C)]
pub struct EventCallback {
    /// Active-queue links (libevent: `TAILQ_ENTRY evcb_active_next`).
    pub active_next: *mut EventCallback,
    pub active_prev: *mut EventCallback,
    pub flags: c_short,
    pub pri: u8,
    pub closure: u8,
    /// One of the four callback shapes; which one is told by `closure`.
    pub cb: CallbackUnion,
    pub arg: *mut c_void,
}

/// `evcb_cb_union`: every member is one function pointer.
#[repr(C)]
#[derive(Clone, Copy)]
pub union CallbackUnion {
    pub event: EventCallbackFn,
    pub selfcb: SelfCallbackFn,
    pub evfinalize: EventFinalizeFn,
    pub cbfinalize: Option<unsafe extern "C" fn(*mut EventCallback, *mut c_void)>,
}

/// `ev_timeout_pos` (16 bytes): where the event's timeout is queued — its
/// index in the timer heap, or its links in a common-timeout FIFO (which one
/// is told by whether `timeout` carries the common-timeout tag).
#[repr(C)]
#[derive(Clone, Copy)]
pub union TimeoutPos {
    pub heap: HeapPos,
    pub list: ListPos,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct HeapPos {
    /// libevent's `min_heap_idx`: -1 (HEAP_IDX_NONE) when not in the heap.
    pub idx: u32,
    _pad: u32,
    _unused: usize,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct ListPos {
    pub next: *mut Event,
    pub prev: *mut Event,
}

impl TimeoutPos {
    /// Not queued anywhere (heap index -1, as libevent initialises it).
    pub const NONE: TimeoutPos = TimeoutPos { heap: HeapPos { idx: HEAP_IDX_NONE, _pad: 0, _unused: 0 } };
}

/// `ev_` (32 bytes): the per-fd or per-signal list links, then the
/// relative timeout of a persistent I/O event or the pending signal count.
#[repr(C)]
pub struct EvLinks {
    pub next: *mut Event,
    pub prev: *mut Event,
    pub extra: EvExtra,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub union EvExtra {
    /// `ev_io_timeout`: the interval a persistent event is re-armed with.
    pub io_timeout: timeval,
    pub sig: SigCalls,
}

/// `ev_ncalls` / `ev_pncalls` of a signal event: how many more times its
/// callback runs, and (while it runs) where the loop keeps that count, so
/// `event_del` can stop it.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct SigCalls {
    pub ncalls: c_short,
    pub pncalls: *mut c_short,
}

/// `struct event` (128 bytes).
#[repr(C)]
pub struct Event {
    pub callback: EventCallback,
    pub timeout_pos: TimeoutPos,
    pub fd: EvutilSocket,
    pub base: *mut crate::core::base::EventBase,
    pub links: EvLinks,
    pub events: c_short,
    pub res: c_short,
    /// Absolute expiry (monotonic clock) while the event has a timeout.
    pub timeout: timeval,
}

pub const HEAP_IDX_NONE: u32 = u32::MAX;

const _: () = {
    use std::mem::{offset_of, size_of};
    assert!(size_of::<EventCallback>() == 40);
    assert!(offset_of!(EventCallback, flags) == 16);
    assert!(offset_of!(EventCallback, pri) == 18);
    assert!(offset_of!(EventCallback, closure) == 19);
    assert!(offset_of!(EventCallback, cb) == 24);
    assert!(offset_of!(EventCallback, arg) == 32);
    assert!(size_of::<Event>() == 128);
    assert!(offset_of!(Event, timeout_pos) == 40);
    assert!(offset_of!(Event, fd) == 56);
    assert!(offset_of!(Event, base) == 64);
    assert!(offset_of!(Event, links) == 72);
    assert!(offset_of!(Event, events) == 104);
    assert!(offset_of!(Event, res) == 106);
    assert!(offset_of!(Event, timeout) == 112);
    assert!(offset_of!(Event, links) + offset_of!(EvLinks, extra) + offset_of!(SigCalls, pncalls) == 96);
};

impl Event {
    /// The callback header, as the active queues see every event.
    #[inline]
    pub fn as_callback(ev: *mut Event) -> *mut EventCallback {
        ev.cast()
    }
    /// Inverse of `as_callback`, valid only for callbacks that are events
    /// (closure other than `CLOSURE_CB_SELF` / `CLOSURE_CB_FINALIZE`).
    #[inline]
    pub fn from_callback(cb: *mut EventCallback) -> *mut Event {
        cb.cast()
    }
}

#[inline]
pub fn closure_is_event(closure: u8) -> bool {
    !matches!(closure, CLOSURE_CB_SELF | CLOSURE_CB_FINALIZE)
}
