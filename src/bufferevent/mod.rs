//! Bufferevents: an input and an output [`Evbuffer`] joined to something
//! that moves bytes — a socket ([`socket`]), the other half of a pair
//! ([`pair`]), or another bufferevent through filter functions ([`filter`]) —
//! with watermarks, timeouts, rate limits ([`ratelimit`]) and callbacks.
//!
//! Map for libevent users: `bufferevent.c` → this module (what every kind
//! shares), `bufferevent_sock.c` → [`socket`], `bufferevent_pair.c` →
//! [`pair`], `bufferevent_filter.c` → [`filter`], `bufferevent_ratelim.c` →
//! [`ratelimit`]; the C API is [`crate::capi::bufferevent`].
//!
//! # Memory and lifetime
//! A [`Bufferevent`] is allocated here; its first 392 bytes are the public
//! `struct bufferevent` of `bufferevent_struct.h` (programs read `input`,
//! `output`, `ev_base`, `enabled`, the callbacks…), our own state follows.
//! It is reference counted: the program holds one reference until
//! `bufferevent_free`, and every piece of code that may run a program
//! callback holds another meanwhile, so a callback may free the bufferevent
//! it was called for. When the count reaches zero the bufferevent is
//! unlinked from its partner or underlying bufferevent at once, and its two
//! events are finalized: the memory, the buffers, the lock and (with
//! `BEV_OPT_CLOSE_ON_FREE`) the socket are released from the loop once no
//! callback of it can still be running — as libevent does, so a socket is
//! closed by the next loop iteration, not inside `bufferevent_free`.
//!
//! # Locking
//! With `BEV_OPT_THREADSAFE` a bufferevent has a recursive lock, shared
//! with its buffers (and with its pair partner, or with the bufferevent a
//! filter wraps). Every field below the public prefix is read and written
//! with that lock held; lock order is bufferevent before base. Program
//! callbacks run with the lock held, except deferred ones with
//! `BEV_OPT_UNLOCK_CALLBACKS`.
//!
//! All functions here take `*mut Bufferevent` and touch fields through the
//! raw pointer for no longer than a statement, since a program callback may
//! re-enter the library with the same pointer at any call.

pub mod filter;
pub mod pair;
pub mod ratelimit;
pub mod socket;

use crate::buffer::{CbEntry, CbInfo, Evbuffer, CB_ENABLED, CB_NODEFER};
use crate::capi::buffer as cbuf;
use crate::capi::event as cev;
use crate::core::base::{self, EventBase};
use crate::core::event::*;
use crate::{log, mm, thread};
use libc::{c_char, c_int, c_short, c_void, size_t, timeval};
use std::ptr::{self, addr_of_mut};
use std::sync::atomic::{AtomicUsize, Ordering};

// ---- constants of event2/bufferevent.h ---------------------------------------------

pub const BEV_EVENT_READING: c_short = 0x01;
pub const BEV_EVENT_WRITING: c_short = 0x02;
pub const BEV_EVENT_EOF: c_short = 0x10;
pub const BEV_EVENT_ERROR: c_short = 0x20;
pub const BEV_EVENT_TIMEOUT: c_short = 0x40;
pub const BEV_EVENT_CONNECTED: c_short = 0x80;

pub const BEV_OPT_CLOSE_ON_FREE: c_int = 1 << 0;
pub const BEV_OPT_THREADSAFE: c_int = 1 << 1;
pub const BEV_OPT_DEFER_CALLBACKS: c_int = 1 << 2;
pub const BEV_OPT_UNLOCK_CALLBACKS: c_int = 1 << 3;

pub const BEV_TRIG_IGNORE_WATERMARKS: c_int = 1 << 16;
pub const BEV_TRIG_DEFER_CALLBACKS: c_int = BEV_OPT_DEFER_CALLBACKS;

/// `enum bufferevent_flush_mode`.
pub const BEV_NORMAL: c_int = 0;
pub const BEV_FLUSH: c_int = 1;
pub const BEV_FINISHED: c_int = 2;

/// `enum bufferevent_filter_result`.
pub const BEV_OK: c_int = 0;
pub const BEV_NEED_MORE: c_int = 1;
pub const BEV_ERROR: c_int = 2;

/// Why reading or writing is held back, apart from the program's
/// enable/disable: a bit per reason, the direction runs only when none is set.
/// Why reading or writing is suspended: a set of `SUSPEND_*` reasons.
pub type Suspend = u8;
pub const SUSPEND_WM: Suspend = 0x01;
pub const SUSPEND_BW: Suspend = 0x02;
pub const SUSPEND_BW_GROUP: Suspend = 0x04;
pub const SUSPEND_LOOKUP: Suspend = 0x08;
pub const SUSPEND_FILT_READ: Suspend = 0x10;

/// libevent 2.1's defaults for one read or write.
pub const DEFAULT_MAX_SINGLE_READ: isize = 16384;
pub const DEFAULT_MAX_SINGLE_WRITE: isize = 16384;

const MAGIC_LIVE: u32 = 0x6265_7672; // "bevr"
const MAGIC_FREED: u32 = 0x6465_6164; // "dead"

/// `bufferevent_data_cb`.
pub type DataCb = Option<unsafe extern "C" fn(*mut Bufferevent, *mut c_void)>;
/// `bufferevent_event_cb`.
pub type EventCb = Option<unsafe extern "C" fn(*mut Bufferevent, c_short, *mut c_void)>;

/// `struct event_watermark`.
#[repr(C)]
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Watermark {
    pub low: size_t,
    pub high: size_t,
}

/// What `bev->be_ops` points at: libevent's ops tables start with the kind's
/// name, which is all a program could look at.
#[repr(C)]
pub struct Ops {
    pub type_name: *const c_char,
}
// SAFETY: the tables are immutable and point at static strings.
unsafe impl Sync for Ops {}

pub static OPS_SOCKET: Ops = Ops { type_name: c"socket".as_ptr() };
pub static OPS_PAIR: Ops = Ops { type_name: c"pair_elt".as_ptr() };
pub static OPS_FILTER: Ops = Ops { type_name: c"filter".as_ptr() };

/// Which implementation moves the bytes.
#[repr(u8)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Socket = 0,
    Pair = 1,
    Filter = 2,
}

/// A lock shared by bufferevents (pair partners, a filter and what it
/// wraps); freed when the last of them is.
pub struct LockShare {
    lock: *mut c_void,
    refs: AtomicUsize,
}

/// `struct bufferevent`, then our state. The public part is laid out exactly
/// as `bufferevent_struct.h` (392 bytes on x86_64).
#[repr(C)]
pub struct Bufferevent {
    pub ev_base: *mut EventBase,
    pub be_ops: *const Ops,
    /// Socket kind: the read event on the fd. Others: the read-timeout timer.
    pub ev_read: Event,
    /// Socket kind: the write event on the fd. Others: the write-timeout timer.
    pub ev_write: Event,
    pub input: *mut Evbuffer,
    pub output: *mut Evbuffer,
    pub wm_read: Watermark,
    pub wm_write: Watermark,
    pub readcb: DataCb,
    pub writecb: DataCb,
    pub errorcb: EventCb,
    pub cbarg: *mut c_void,
    pub timeout_read: timeval,
    pub timeout_write: timeval,
    pub enabled: c_short,
    /// Everything below is private.
    pub p: Private,
}

const _: () = {
    use std::mem::offset_of;
    assert!(offset_of!(Bufferevent, ev_base) == 0);
    assert!(offset_of!(Bufferevent, be_ops) == 8);
    assert!(offset_of!(Bufferevent, ev_read) == 16);
    assert!(offset_of!(Bufferevent, ev_write) == 144);
    assert!(offset_of!(Bufferevent, input) == 272);
    assert!(offset_of!(Bufferevent, output) == 280);
    assert!(offset_of!(Bufferevent, wm_read) == 288);
    assert!(offset_of!(Bufferevent, wm_write) == 304);
    assert!(offset_of!(Bufferevent, readcb) == 320);
    assert!(offset_of!(Bufferevent, writecb) == 328);
    assert!(offset_of!(Bufferevent, errorcb) == 336);
    assert!(offset_of!(Bufferevent, cbarg) == 344);
    assert!(offset_of!(Bufferevent, timeout_read) == 352);
    assert!(offset_of!(Bufferevent, timeout_write) == 368);
    assert!(offset_of!(Bufferevent, enabled) == 384);
    assert!(offset_of!(Bufferevent, p) == 392);
    // One per connection: keep it in a 496-byte malloc chunk.
    assert!(std::mem::size_of::<Bufferevent>() <= 488);
};

/// The private state (every field valid when all-zero, as allocated).
pub struct Private {
    magic: u32,
    pub kind: Kind,
    pub options: c_int,
    refcnt: c_int,
    /// The lock and who else shares it (null without `BEV_OPT_THREADSAFE`).
    share: *mut LockShare,
    pub read_suspended: Suspend,
    pub write_suspended: Suspend,
    /// Callbacks waiting for the deferred run (`BEV_OPT_DEFER_CALLBACKS`).
    readcb_pending: bool,
    writecb_pending: bool,
    eventcb_pending: c_short,
    errno_pending: c_int,
    /// The deferred run of the callbacks: allocated with the bufferevent
    /// when it defers callbacks, else on first need (most never need it).
    deferred: *mut EventCallback,
    /// The priority of that run (also the bufferevent's events' priority).
    pub deferred_pri: u8,
    /// Our callback on `input` that applies the read high-water mark.
    inbuf_wm_cb: *mut CbEntry,
    /// Our callback on `output` (socket: start writing; pair: hand over;
    /// filter: run the output filter).
    pub outbuf_cb: *mut CbEntry,
    pub max_single_read: isize,
    pub max_single_write: isize,
    pub rate: *mut ratelimit::BevRate,
    // socket
    pub dns_error: c_int,
    pub connecting: bool,
    pub connection_refused: bool,
    /// The fd is not a socket: write with writev, not sendmsg.
    pub not_socket: bool,
    /// The program raised the single-read maximum above libevent's 4096
    /// bytes a read: reads may take up to it.
    pub large_reads: bool,
    /// By kind: a pair's partner (`*mut Bufferevent`, null once unlinked), a
    /// filter's state (`*mut filter::Filter`); null for a socket.
    pub link: *mut c_void,
}

// ---- small helpers ----------------------------------------------------------------

pub fn timerisset(tv: &timeval) -> bool {
    tv.tv_sec != 0 || tv.tv_usec != 0
}

pub fn errno() -> c_int {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

pub fn set_errno(e: c_int) {
    // SAFETY: errno is thread-local and always writable.
    unsafe { *libc::__errno_location() = e };
}

/// Whether `bev` looks like a live bufferevent of ours (best effort: it
/// catches NULL and one freed by the program but not yet released).
///
/// # Safety
/// `bev` is null or points to memory that held a bufferevent.
pub unsafe fn is_live(bev: *const Bufferevent) -> bool {
    // SAFETY: caller's contract.
    !bev.is_null() && unsafe { (*bev).p.magic } == MAGIC_LIVE
}

/// The base the bufferevent's events and deferred callbacks run on (its
/// `ev_base`, or the current base when it was made with a NULL base).
///
/// # Safety
/// `bev` is live.
#[inline]
pub unsafe fn ebase(bev: *mut Bufferevent) -> *mut EventBase {
    // SAFETY: caller's contract.
    unsafe { (*bev).ev_read.base }
}

/// # Safety
/// `buf` is a live evbuffer.
#[inline]
pub unsafe fn buflen(buf: *mut Evbuffer) -> usize {
    // SAFETY: caller's contract; a plain read (the lock, if any, is ours).
    unsafe { (*buf).total_len }
}

// ---- locking and references ----------------------------------------------------------

/// # Safety
/// `bev` is live.
#[inline]
pub unsafe fn lock(bev: *mut Bufferevent) {
    // SAFETY: caller's contract.
    let l = unsafe { lock_ptr(bev) };
    if !l.is_null() {
        // SAFETY: the lock came from alloc_lock and lives as long as its owner.
        unsafe { thread::lock(l, 0) };
    }
}

/// # Safety
/// `bev` is live and locked by this thread.
#[inline]
pub unsafe fn unlock(bev: *mut Bufferevent) {
    // SAFETY: caller's contract.
    let l = unsafe { lock_ptr(bev) };
    if !l.is_null() {
        // SAFETY: the lock came from alloc_lock and this thread holds it.
        unsafe { thread::unlock(l, 0) };
    }
}

/// # Safety
/// `bev` is live.
pub unsafe fn incref_and_lock(bev: *mut Bufferevent) {
    // SAFETY: caller's contract; the count is guarded by the lock.
    unsafe {
        lock(bev);
        (*bev).p.refcnt += 1;
    }
}

/// # Safety
/// `bev` is live.
pub unsafe fn incref(bev: *mut Bufferevent) {
    // SAFETY: caller's contract.
    unsafe {
        incref_and_lock(bev);
        unlock(bev);
    }
}

/// Drops a reference and the lock; at zero, tears the bufferevent down.
/// Returns 1 if it was the last reference, else 0.
///
/// # Safety
/// `bev` is live, locked by this thread, and the caller holds a reference.
pub unsafe fn decref_and_unlock(bev: *mut Bufferevent) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        (*bev).p.refcnt -= 1;
        if (*bev).p.refcnt > 0 {
            unlock(bev);
            return 0;
        }
        destroy(bev);
    }
    1
}

/// Makes `bev` (and its buffers) use `share`'s lock, or a new one.
///
/// # Safety
/// `bev` is live and has no lock yet; `share` is null or a live share.
pub unsafe fn enable_locking(bev: *mut Bufferevent, share: *mut LockShare) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        if !(*bev).p.share.is_null() {
            return -1;
        }
        let share = if share.is_null() {
            let l = thread::alloc_lock(thread::LOCKTYPE_RECURSIVE);
            if l.is_null() {
                return -1;
            }
            Box::into_raw(Box::new(LockShare { lock: l, refs: AtomicUsize::new(1) }))
        } else {
            (*share).refs.fetch_add(1, Ordering::AcqRel);
            share
        };
        (*bev).p.share = share;
        cbuf::evbuffer_enable_locking((*bev).input, (*share).lock);
        cbuf::evbuffer_enable_locking((*bev).output, (*share).lock);
    }
    0
}

/// The lock of `bev` (null without `BEV_OPT_THREADSAFE`).
///
/// # Safety
/// `bev` is live.
#[inline]
pub unsafe fn lock_ptr(bev: *const Bufferevent) -> *mut c_void {
    // SAFETY: caller's contract; a share lives as long as its bufferevents.
    unsafe {
        let s = (*bev).p.share;
        if s.is_null() { ptr::null_mut() } else { (*s).lock }
    }
}

/// The lock share of `bev` (null without a lock).
///
/// # Safety
/// `bev` is live.
pub unsafe fn lock_share(bev: *mut Bufferevent) -> *mut LockShare {
    // SAFETY: caller's contract.
    unsafe { (*bev).p.share }
}

// ---- construction ------------------------------------------------------------------

/// What every kind shares: buffers, defaults (`EV_WRITE` enabled), the lock,
/// the deferred callback, the read-watermark callback. The kind's events are
/// assigned by the caller. Null on failure.
///
/// # Safety
/// `base` is null or a live base.
pub unsafe fn new_common(base: *mut EventBase, kind: Kind, ops: &'static Ops, options: c_int) -> *mut Bufferevent {
    if options & BEV_OPT_UNLOCK_CALLBACKS != 0 && options & BEV_OPT_DEFER_CALLBACKS == 0 {
        log::warnx("UNLOCK_CALLBACKS requires DEFER_CALLBACKS");
        return ptr::null_mut();
    }
    let bev = mm::calloc(1, std::mem::size_of::<Bufferevent>()).cast::<Bufferevent>();
    if bev.is_null() {
        return bev;
    }
    let input = cbuf::evbuffer_new();
    let output = cbuf::evbuffer_new();
    // SAFETY: bev is fresh zeroed memory sized for a Bufferevent, and zero is
    // a valid value of every field; the buffers are fresh.
    unsafe {
        if input.is_null() || output.is_null() {
            return discard_partial(bev, input, output);
        }
        let b = &mut *bev;
        b.ev_base = base;
        b.be_ops = ops;
        b.input = input;
        b.output = output;
        b.enabled = EV_WRITE;
        b.p.magic = MAGIC_LIVE;
        b.p.kind = kind;
        b.p.options = options;
        b.p.refcnt = 1;
        b.p.max_single_read = DEFAULT_MAX_SINGLE_READ;
        b.p.max_single_write = DEFAULT_MAX_SINGLE_WRITE;
        if options & BEV_OPT_THREADSAFE != 0 && enable_locking(bev, ptr::null_mut()) < 0 {
            return discard_partial(bev, input, output);
        }
        let eff = if base.is_null() { crate::capi::data::current_base() } else { base };
        let pri = if eff.is_null() { 0 } else { base::with_lock(eff, |q| q.npriorities() / 2) };
        (*bev).p.deferred_pri = pri.clamp(0, 255) as u8;
        if options & BEV_OPT_DEFER_CALLBACKS != 0 && deferred_callback(bev).is_null() {
            return discard_partial(bev, input, output);
        }
        Evbuffer::locked_quiet(input, |x| x.set_parent(bev.cast()));
        Evbuffer::locked_quiet(output, |x| x.set_parent(bev.cast()));
        install_parent_hooks();
        // The watermark callback on `input` comes with the first high-water
        // mark (as in libevent), so an idle connection does not pay for it.
    }
    bev
}

/// Undoes a bufferevent `new_common` could not finish (its buffers, lock
/// share and memory); null, for the caller to return.
///
/// # Safety
/// `bev` came from `new_common`'s allocation and was never handed out; the
/// buffers are null or its own.
unsafe fn discard_partial(bev: *mut Bufferevent, input: *mut Evbuffer, output: *mut Evbuffer) -> *mut Bufferevent {
    // SAFETY: caller's contract.
    unsafe {
        for buf in [input, output] {
            if !buf.is_null() {
                cbuf::evbuffer_free(buf);
            }
        }
        release_share((*bev).p.share);
        mm::free(bev.cast());
    }
    ptr::null_mut()
}

/// Drops one bufferevent's hold on a lock share (null: none); the last
/// frees the lock.
///
/// # Safety
/// `share` is null or live, and the caller's bufferevent held it.
unsafe fn release_share(share: *mut LockShare) {
    // SAFETY: caller's contract.
    unsafe {
        if !share.is_null() && (*share).refs.fetch_sub(1, Ordering::AcqRel) == 1 {
            thread::free_lock((*share).lock, thread::LOCKTYPE_RECURSIVE);
            drop(Box::from_raw(share));
        }
    }
}

/// Lets a buffer's deferred callbacks keep its bufferevent alive.
fn install_parent_hooks() {
    unsafe fn inc(p: *mut c_void) {
        // SAFETY: the buffer's parent is a live bufferevent (set in new_common).
        unsafe { incref(p.cast()) }
    }
    unsafe fn dec(p: *mut c_void) {
        // SAFETY: as above, and the reference was taken by `inc`.
        unsafe {
            lock(p.cast());
            decref_and_unlock(p.cast());
        }
    }
    crate::buffer::set_parent_hooks(crate::buffer::ParentHooks { incref: inc, decref: dec });
}

/// Assigns the two events as plain timers (pair, filter): a timeout of the
/// read or write side disables that side and reports it.
///
/// # Safety
/// `bev` is live and its events are not added.
pub unsafe fn init_generic_timeouts(bev: *mut Bufferevent) {
    // SAFETY: caller's contract; the events live inside bev.
    unsafe {
        let base = (*bev).ev_base;
        cev::event_assign(addr_of_mut!((*bev).ev_read), base, -1, EV_FINALIZE, Some(generic_read_timeout_cb), bev.cast());
        cev::event_assign(addr_of_mut!((*bev).ev_write), base, -1, EV_FINALIZE, Some(generic_write_timeout_cb), bev.cast());
    }
}

unsafe extern "C" fn generic_read_timeout_cb(_fd: c_int, _what: c_short, arg: *mut c_void) {
    let bev = arg.cast::<Bufferevent>();
    // SAFETY: the timer belongs to a live bufferevent (finalized before it goes).
    unsafe {
        incref_and_lock(bev);
        disable_locked(bev, EV_READ);
        run_eventcb(bev, BEV_EVENT_READING | BEV_EVENT_TIMEOUT, 0);
        decref_and_unlock(bev);
    }
}

unsafe extern "C" fn generic_write_timeout_cb(_fd: c_int, _what: c_short, arg: *mut c_void) {
    let bev = arg.cast::<Bufferevent>();
    // SAFETY: as above.
    unsafe {
        incref_and_lock(bev);
        disable_locked(bev, EV_WRITE);
        run_eventcb(bev, BEV_EVENT_WRITING | BEV_EVENT_TIMEOUT, 0);
        decref_and_unlock(bev);
    }
}

/// (Re)starts the read-timeout timer if a read timeout is set.
///
/// # Safety
/// `bev` is live and locked; its events are generic timers.
pub unsafe fn reset_read_timeout(bev: *mut Bufferevent) {
    // SAFETY: caller's contract.
    unsafe {
        if timerisset(&(*bev).timeout_read) {
            cev::event_add(addr_of_mut!((*bev).ev_read), addr_of_mut!((*bev).timeout_read));
        }
    }
}

/// # Safety
/// As [`reset_read_timeout`].
pub unsafe fn reset_write_timeout(bev: *mut Bufferevent) {
    // SAFETY: caller's contract.
    unsafe {
        if timerisset(&(*bev).timeout_write) {
            cev::event_add(addr_of_mut!((*bev).ev_write), addr_of_mut!((*bev).timeout_write));
        }
    }
}

/// # Safety
/// As [`reset_read_timeout`].
pub unsafe fn del_read_timeout(bev: *mut Bufferevent) {
    // SAFETY: caller's contract.
    unsafe { cev::event_del(addr_of_mut!((*bev).ev_read)) };
}

/// # Safety
/// As [`reset_read_timeout`].
pub unsafe fn del_write_timeout(bev: *mut Bufferevent) {
    // SAFETY: caller's contract.
    unsafe { cev::event_del(addr_of_mut!((*bev).ev_write)) };
}

/// `bufferevent_set_timeouts` on a kind whose events are timers: a timer
/// that runs now restarts with the new duration (or stops if cleared).
///
/// # Safety
/// As [`reset_read_timeout`].
pub unsafe fn adj_generic_timeouts(bev: *mut Bufferevent) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        if cev::event_pending(addr_of_mut!((*bev).ev_read), EV_TIMEOUT, ptr::null_mut()) != 0 {
            if timerisset(&(*bev).timeout_read) {
                reset_read_timeout(bev);
            } else {
                del_read_timeout(bev);
            }
        }
        if cev::event_pending(addr_of_mut!((*bev).ev_write), EV_TIMEOUT, ptr::null_mut()) != 0 {
            if timerisset(&(*bev).timeout_write) {
                reset_write_timeout(bev);
            } else {
                del_write_timeout(bev);
            }
        }
    }
    0
}

// ---- dispatch to the kind ---------------------------------------------------------------

/// # Safety
/// `bev` is live and locked.
unsafe fn k_enable(bev: *mut Bufferevent, what: c_short) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        match (*bev).p.kind {
            Kind::Socket => socket::enable(bev, what),
            Kind::Pair => pair::enable(bev, what),
            Kind::Filter => filter::enable(bev, what),
        }
    }
}

/// # Safety
/// `bev` is live and locked.
unsafe fn k_disable(bev: *mut Bufferevent, what: c_short) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        match (*bev).p.kind {
            Kind::Socket => socket::disable(bev, what),
            Kind::Pair => pair::disable(bev, what),
            Kind::Filter => filter::disable(bev, what),
        }
    }
}

// ---- enabling, suspending ------------------------------------------------------------

/// `bufferevent_enable` with the lock held.
///
/// # Safety
/// `bev` is live and locked.
pub unsafe fn enable_locked(bev: *mut Bufferevent, what: c_short) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        let mut impl_ev = what;
        if (*bev).p.read_suspended != 0 {
            impl_ev &= !EV_READ;
        }
        if (*bev).p.write_suspended != 0 {
            impl_ev &= !EV_WRITE;
        }
        (*bev).enabled |= what;
        if impl_ev != 0 && k_enable(bev, impl_ev) < 0 {
            return -1;
        }
    }
    0
}

/// `bufferevent_disable` with the lock held.
///
/// # Safety
/// `bev` is live and locked.
pub unsafe fn disable_locked(bev: *mut Bufferevent, what: c_short) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        (*bev).enabled &= !what;
        k_disable(bev, what)
    }
}

/// Holds reading back for `why` (one of the SUSPEND_* bits).
///
/// # Safety
/// `bev` is live.
pub unsafe fn suspend_read(bev: *mut Bufferevent, why: Suspend) {
    // SAFETY: caller's contract.
    unsafe {
        lock(bev);
        if (*bev).p.read_suspended == 0 {
            k_disable(bev, EV_READ);
        }
        (*bev).p.read_suspended |= why;
        unlock(bev);
    }
}

/// Drops `why`; reading resumes (is re-armed) when no reason is left and
/// the program has it enabled.
///
/// # Safety
/// `bev` is live.
pub unsafe fn unsuspend_read(bev: *mut Bufferevent, why: Suspend) {
    // SAFETY: caller's contract.
    unsafe {
        lock(bev);
        (*bev).p.read_suspended &= !why;
        if (*bev).p.read_suspended == 0 && (*bev).enabled & EV_READ != 0 {
            k_enable(bev, EV_READ);
        }
        unlock(bev);
    }
}

/// # Safety
/// `bev` is live.
pub unsafe fn suspend_write(bev: *mut Bufferevent, why: Suspend) {
    // SAFETY: caller's contract.
    unsafe {
        lock(bev);
        if (*bev).p.write_suspended == 0 {
            k_disable(bev, EV_WRITE);
        }
        (*bev).p.write_suspended |= why;
        unlock(bev);
    }
}

/// # Safety
/// `bev` is live.
pub unsafe fn unsuspend_write(bev: *mut Bufferevent, why: Suspend) {
    // SAFETY: caller's contract.
    unsafe {
        lock(bev);
        (*bev).p.write_suspended &= !why;
        if (*bev).p.write_suspended == 0 && (*bev).enabled & EV_WRITE != 0 {
            k_enable(bev, EV_WRITE);
        }
        unlock(bev);
    }
}

/// The callback on `input` while a read high-water mark is set: reading
/// stops when the buffer reaches the mark and resumes below it.
unsafe extern "C" fn inbuf_wm_cb(buf: *mut Evbuffer, _info: *const CbInfo, arg: *mut c_void) {
    let bev = arg.cast::<Bufferevent>();
    // SAFETY: the callback is removed before the bufferevent is released.
    unsafe {
        let high = (*bev).wm_read.high;
        let len = cbuf::evbuffer_get_length(buf);
        if high != 0 && len >= high {
            suspend_read(bev, SUSPEND_WM);
        } else {
            unsuspend_read(bev, SUSPEND_WM);
        }
    }
}

// ---- watermarks -----------------------------------------------------------------

/// `bufferevent_setwatermark`.
///
/// # Safety
/// `bev` is live.
pub unsafe fn setwatermark(bev: *mut Bufferevent, events: c_short, low: size_t, high: size_t) {
    // SAFETY: caller's contract.
    unsafe {
        incref_and_lock(bev);
        if events & EV_WRITE != 0 {
            (*bev).wm_write = Watermark { low, high };
        }
        if events & EV_READ != 0 {
            (*bev).wm_read = Watermark { low, high };
            let input = (*bev).input;
            let mut e = (*bev).p.inbuf_wm_cb;
            if high != 0 {
                if e.is_null() {
                    e = cbuf::evbuffer_add_cb(input, Some(inbuf_wm_cb), bev.cast());
                    (*bev).p.inbuf_wm_cb = e;
                }
                if !e.is_null() {
                    Evbuffer::locked_quiet(input, |x| {
                        x.cb_change_flags(e, CB_ENABLED, true);
                        x.cb_set_internal_flags(e, CB_NODEFER);
                    });
                }
                if buflen(input) >= high {
                    suspend_read(bev, SUSPEND_WM);
                } else {
                    unsuspend_read(bev, SUSPEND_WM);
                }
            } else {
                if !e.is_null() {
                    Evbuffer::locked_quiet(input, |x| x.cb_change_flags(e, CB_ENABLED, false));
                }
                unsuspend_read(bev, SUSPEND_WM);
            }
        }
        decref_and_unlock(bev);
    }
}

// ---- running the program's callbacks ---------------------------------------------------

/// The deferred callback of `bev`, allocated on first use; null if out of
/// memory.
///
/// # Safety
/// `bev` is live and locked (or not yet shared).
unsafe fn deferred_callback(bev: *mut Bufferevent) -> *mut EventCallback {
    // SAFETY: caller's contract; the allocation is zeroed, sized and aligned
    // for an EventCallback, and initialised before use.
    unsafe {
        if (*bev).p.deferred.is_null() {
            let cb = mm::calloc(1, std::mem::size_of::<EventCallback>()).cast::<EventCallback>();
            if cb.is_null() {
                log::warnx("bufferevent: out of memory for the deferred callback");
                return cb;
            }
            base::deferred_init(cb, (*bev).p.deferred_pri, Some(deferred_cb), bev.cast());
            (*bev).p.deferred = cb;
        }
        (*bev).p.deferred
    }
}

/// Queues the deferred run (taking a reference until it ran).
///
/// # Safety
/// `bev` is live and locked.
unsafe fn schedule_deferred(bev: *mut Bufferevent) {
    // SAFETY: caller's contract; the deferred callback lives as long as bev,
    // which the reference keeps alive until it ran.
    unsafe {
        let base = ebase(bev);
        if base.is_null() {
            return;
        }
        // Out of memory (only possible for a bufferevent created without
        // BEV_OPT_DEFER_CALLBACKS): the pending flags stay set and the
        // callbacks run with the next deferred run.
        let cb = deferred_callback(bev);
        if cb.is_null() {
            return;
        }
        if base::with_lock(base, |b| b.deferred_schedule(cb)) {
            (*bev).p.refcnt += 1;
        }
    }
}

/// After the read callback: if reading is enabled and the input is still at
/// the read high-water mark (so no more data will come), the callback is
/// queued to run again — libevent 2.1's guard against data stuck below a
/// high-water mark. A callback that never drains is thus called on every
/// loop iteration, as with libevent.
///
/// # Safety
/// `bev` is live and locked; the caller holds a reference.
unsafe fn inbuf_wm_check(bev: *mut Bufferevent) {
    // SAFETY: caller's contract.
    unsafe {
        let high = (*bev).wm_read.high;
        if high != 0 && (*bev).enabled & EV_READ != 0 && buflen((*bev).input) >= high {
            trigger_locked(bev, EV_READ, BEV_OPT_DEFER_CALLBACKS);
        }
    }
}

/// Runs (or, deferring, queues) the read callback.
///
/// # Safety
/// `bev` is live and locked; the caller holds a reference.
pub unsafe fn run_readcb(bev: *mut Bufferevent, options: c_int) {
    // SAFETY: caller's contract.
    unsafe {
        let Some(f) = (*bev).readcb else { return };
        if (options | (*bev).p.options) & BEV_OPT_DEFER_CALLBACKS != 0 {
            (*bev).p.readcb_pending = true;
            schedule_deferred(bev);
        } else {
            f(bev, (*bev).cbarg);
            inbuf_wm_check(bev);
        }
    }
}

/// # Safety
/// As [`run_readcb`].
pub unsafe fn run_writecb(bev: *mut Bufferevent, options: c_int) {
    // SAFETY: caller's contract.
    unsafe {
        let Some(f) = (*bev).writecb else { return };
        if (options | (*bev).p.options) & BEV_OPT_DEFER_CALLBACKS != 0 {
            (*bev).p.writecb_pending = true;
            schedule_deferred(bev);
        } else {
            f(bev, (*bev).cbarg);
        }
    }
}

/// Runs (or queues) the event callback with `what`; a deferred run sees
/// the `errno` of now.
///
/// # Safety
/// As [`run_readcb`].
pub unsafe fn run_eventcb(bev: *mut Bufferevent, what: c_short, options: c_int) {
    // SAFETY: caller's contract.
    unsafe {
        let Some(f) = (*bev).errorcb else { return };
        if (options | (*bev).p.options) & BEV_OPT_DEFER_CALLBACKS != 0 {
            (*bev).p.eventcb_pending |= what;
            (*bev).p.errno_pending = errno();
            schedule_deferred(bev);
        } else {
            f(bev, what, (*bev).cbarg);
        }
    }
}

/// The deferred run: "connected" first (it happened before any data), then
/// read, write, and the other events, each with the callbacks set now.
unsafe extern "C" fn deferred_cb(_cb: *mut EventCallback, arg: *mut c_void) {
    let bev = arg.cast::<Bufferevent>();
    // SAFETY: scheduled with a reference (schedule_deferred), so bev is live.
    unsafe {
        lock(bev);
        let unlocked = (*bev).p.options & BEV_OPT_UNLOCK_CALLBACKS != 0;
        let call = move |f: &dyn Fn()| {
            if unlocked {
                unlock(bev);
                f();
                lock(bev);
            } else {
                f();
            }
        };
        if (*bev).p.eventcb_pending & BEV_EVENT_CONNECTED != 0 {
            (*bev).p.eventcb_pending &= !BEV_EVENT_CONNECTED;
            if let Some(f) = (*bev).errorcb {
                let a = (*bev).cbarg;
                call(&|| f(bev, BEV_EVENT_CONNECTED, a));
            }
        }
        if (*bev).p.readcb_pending {
            if let Some(f) = (*bev).readcb {
                (*bev).p.readcb_pending = false;
                let a = (*bev).cbarg;
                call(&|| f(bev, a));
                inbuf_wm_check(bev);
            }
        }
        if (*bev).p.writecb_pending {
            if let Some(f) = (*bev).writecb {
                (*bev).p.writecb_pending = false;
                let a = (*bev).cbarg;
                call(&|| f(bev, a));
            }
        }
        if (*bev).p.eventcb_pending != 0 {
            if let Some(f) = (*bev).errorcb {
                let what = (*bev).p.eventcb_pending;
                let err = (*bev).p.errno_pending;
                (*bev).p.eventcb_pending = 0;
                (*bev).p.errno_pending = 0;
                let a = (*bev).cbarg;
                set_errno(err);
                call(&|| f(bev, what, a));
            }
        }
        decref_and_unlock(bev);
    }
}

/// `bufferevent_trigger_nolock_`: the read callback if the input holds at
/// least the low-water mark, the write callback if the output is down to
/// its low-water mark (or either regardless, with
/// `BEV_TRIG_IGNORE_WATERMARKS`).
///
/// # Safety
/// As [`run_readcb`].
pub unsafe fn trigger_locked(bev: *mut Bufferevent, iotype: c_short, options: c_int) {
    // SAFETY: caller's contract.
    unsafe {
        let ignore = options & BEV_TRIG_IGNORE_WATERMARKS != 0;
        if iotype & EV_READ != 0 && (ignore || buflen((*bev).input) >= (*bev).wm_read.low) {
            run_readcb(bev, options);
        }
        if iotype & EV_WRITE != 0 && (ignore || buflen((*bev).output) <= (*bev).wm_write.low) {
            run_writecb(bev, options);
        }
    }
}

// ---- the public operations (locking wrappers) ----------------------------------------------

/// # Safety
/// `bev` is live.
pub unsafe fn setcb(bev: *mut Bufferevent, r: DataCb, w: DataCb, e: EventCb, arg: *mut c_void) {
    // SAFETY: caller's contract.
    unsafe {
        lock(bev);
        (*bev).readcb = r;
        (*bev).writecb = w;
        (*bev).errorcb = e;
        (*bev).cbarg = arg;
        unlock(bev);
    }
}

/// # Safety
/// `bev` is live.
pub unsafe fn enable(bev: *mut Bufferevent, what: c_short) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        incref_and_lock(bev);
        let r = enable_locked(bev, what);
        decref_and_unlock(bev);
        r
    }
}

/// # Safety
/// `bev` is live.
pub unsafe fn disable(bev: *mut Bufferevent, what: c_short) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        lock(bev);
        let r = disable_locked(bev, what);
        unlock(bev);
        r
    }
}

/// `bufferevent_set_timeouts`.
///
/// # Safety
/// `bev` is live; the timevals are null or readable.
pub unsafe fn set_timeouts(bev: *mut Bufferevent, tv_read: *const timeval, tv_write: *const timeval) -> c_int {
    const ZERO: timeval = timeval { tv_sec: 0, tv_usec: 0 };
    // SAFETY: caller's contract.
    unsafe {
        lock(bev);
        (*bev).timeout_read = tv_read.as_ref().copied().unwrap_or(ZERO);
        (*bev).timeout_write = tv_write.as_ref().copied().unwrap_or(ZERO);
        let r = match (*bev).p.kind {
            Kind::Socket => socket::adj_timeouts(bev),
            Kind::Pair | Kind::Filter => adj_generic_timeouts(bev),
        };
        unlock(bev);
        r
    }
}

/// `bufferevent_flush`.
///
/// # Safety
/// `bev` is live.
pub unsafe fn flush(bev: *mut Bufferevent, iotype: c_short, mode: c_int) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        incref_and_lock(bev);
        let r = match (*bev).p.kind {
            Kind::Socket => 0,
            Kind::Pair => pair::flush(bev, iotype, mode),
            Kind::Filter => filter::flush(bev, iotype, mode),
        };
        decref_and_unlock(bev);
        r
    }
}

/// `bufferevent_trigger`.
///
/// # Safety
/// `bev` is live.
pub unsafe fn trigger(bev: *mut Bufferevent, iotype: c_short, options: c_int) {
    // SAFETY: caller's contract.
    unsafe {
        incref_and_lock(bev);
        trigger_locked(bev, iotype, options);
        decref_and_unlock(bev);
    }
}

/// `bufferevent_trigger_event`.
///
/// # Safety
/// `bev` is live.
pub unsafe fn trigger_event(bev: *mut Bufferevent, what: c_short, options: c_int) {
    // SAFETY: caller's contract.
    unsafe {
        incref_and_lock(bev);
        run_eventcb(bev, what, options);
        decref_and_unlock(bev);
    }
}

/// `bufferevent_free`: forgets the callbacks and drops the program's reference.
///
/// # Safety
/// `bev` is live and the program's reference has not been dropped yet.
pub unsafe fn free(bev: *mut Bufferevent) {
    // SAFETY: caller's contract.
    unsafe {
        lock(bev);
        (*bev).readcb = None;
        (*bev).writecb = None;
        (*bev).errorcb = None;
        (*bev).cbarg = ptr::null_mut();
        decref_and_unlock(bev);
    }
}

/// `bufferevent_priority_set`.
///
/// # Safety
/// `bev` is live.
pub unsafe fn priority_set(bev: *mut Bufferevent, pri: c_int) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        lock(bev);
        let mut r = 0;
        if cev::event_priority_set(addr_of_mut!((*bev).ev_read), pri) < 0
            || cev::event_priority_set(addr_of_mut!((*bev).ev_write), pri) < 0
        {
            r = -1;
        } else {
            set_deferred_pri(bev, pri as u8);
        }
        unlock(bev);
        r
    }
}

/// Sets the priority of the deferred run.
///
/// # Safety
/// `bev` is live and locked.
unsafe fn set_deferred_pri(bev: *mut Bufferevent, pri: u8) {
    // SAFETY: caller's contract; `deferred` is null or ours.
    unsafe {
        (*bev).p.deferred_pri = pri;
        if !(*bev).p.deferred.is_null() {
            (*(*bev).p.deferred).pri = pri;
        }
    }
}

/// `bufferevent_base_set`: moves a bufferevent whose events are not added
/// to another base.
///
/// # Safety
/// `bev` is live; `base` is null or live.
pub unsafe fn base_set(base: *mut EventBase, bev: *mut Bufferevent) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        lock(bev);
        let mut r = 0;
        if (*bev).ev_base != base {
            (*bev).ev_base = base;
            r = cev::event_base_set(base, addr_of_mut!((*bev).ev_read));
            if r == 0 {
                r = cev::event_base_set(base, addr_of_mut!((*bev).ev_write));
            }
            if r == 0 && !base.is_null() {
                set_deferred_pri(bev, (base::with_lock(base, |b| b.npriorities()) / 2).clamp(0, 255) as u8);
            }
        }
        unlock(bev);
        r
    }
}

/// `bufferevent_getfd`: the socket (a filter's is its underlying one's), or -1.
///
/// # Safety
/// `bev` is live.
pub unsafe fn getfd(bev: *mut Bufferevent) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        lock(bev);
        let r = match (*bev).p.kind {
            Kind::Socket => (*bev).ev_read.fd,
            Kind::Pair => -1,
            Kind::Filter => {
                let u = filter::underlying(bev);
                if u.is_null() {
                    -1
                } else {
                    getfd(u)
                }
            }
        };
        unlock(bev);
        r
    }
}

/// `bufferevent_setfd`: 0, or -1 for kinds without a socket.
///
/// # Safety
/// `bev` is live.
pub unsafe fn setfd(bev: *mut Bufferevent, fd: c_int) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        lock(bev);
        let r = match (*bev).p.kind {
            Kind::Socket => {
                socket::setfd(bev, fd);
                0
            }
            Kind::Pair => -1,
            Kind::Filter => {
                let u = filter::underlying(bev);
                if u.is_null() {
                    -1
                } else {
                    setfd(u, fd)
                }
            }
        };
        unlock(bev);
        r
    }
}

/// `bufferevent_get_underlying`.
///
/// # Safety
/// `bev` is live.
pub unsafe fn get_underlying(bev: *mut Bufferevent) -> *mut Bufferevent {
    // SAFETY: caller's contract.
    unsafe {
        lock(bev);
        let r = if (*bev).p.kind == Kind::Filter { filter::underlying(bev) } else { ptr::null_mut() };
        unlock(bev);
        r
    }
}

// ---- teardown -------------------------------------------------------------------

/// The last reference is gone: unlink from partner/underlying now, release
/// the rest once the events are finalized.
///
/// # Safety
/// `bev` is live, locked by this thread, with a zero count.
unsafe fn destroy(bev: *mut Bufferevent) {
    // SAFETY: caller's contract; nothing else can reach bev any more except
    // a callback of it the loop may be running right now (finalization
    // waits for that).
    unsafe {
        match (*bev).p.kind {
            Kind::Socket => {}
            Kind::Pair => pair::unlink(bev),
            Kind::Filter => filter::unlink(bev),
        }
        ratelimit::unlink(bev);
        (*bev).p.magic = MAGIC_FREED;
        let base = ebase(bev);
        unlock(bev);
        if base.is_null() {
            release(bev);
            return;
        }
        let r = addr_of_mut!((*bev).ev_read).cast::<EventCallback>();
        let w = addr_of_mut!((*bev).ev_write).cast::<EventCallback>();
        base::with_lock(base, |b| {
            let (fin, other) = if b.current_callback() == w { (w, r) } else { (r, w) };
            base::callback_cancel(b, other, false);
            base::callback_finalize(b, fin, Some(finalize_cb));
        });
    }
}

unsafe extern "C" fn finalize_cb(_cb: *mut EventCallback, arg: *mut c_void) {
    // SAFETY: arg is the event's argument, the bufferevent being released;
    // finalization guarantees none of its callbacks runs any more.
    unsafe { release(arg.cast()) }
}

/// Frees what is left: the kind's resources (the socket with
/// `BEV_OPT_CLOSE_ON_FREE`, a filter's context and reference on the
/// underlying bufferevent), the buffers, the lock, the memory.
///
/// # Safety
/// `bev` was destroyed and no callback of it can run.
unsafe fn release(bev: *mut Bufferevent) {
    // SAFETY: caller's contract.
    unsafe {
        match (*bev).p.kind {
            Kind::Socket => socket::destruct(bev),
            Kind::Pair => {}
            Kind::Filter => filter::destruct(bev),
        }
        ratelimit::release(bev);
        let (input, output) = ((*bev).input, (*bev).output);
        let e = (*bev).p.inbuf_wm_cb;
        if !e.is_null() {
            cbuf::evbuffer_remove_cb_entry(input, e);
        }
        let e = (*bev).p.outbuf_cb;
        if !e.is_null() {
            cbuf::evbuffer_remove_cb_entry(output, e);
        }
        Evbuffer::locked_quiet(input, |x| x.set_parent(ptr::null_mut()));
        Evbuffer::locked_quiet(output, |x| x.set_parent(ptr::null_mut()));
        cbuf::evbuffer_free(input);
        cbuf::evbuffer_free(output);
        crate::core::debug::note_teardown(addr_of_mut!((*bev).ev_read));
        crate::core::debug::note_teardown(addr_of_mut!((*bev).ev_write));
        release_share((*bev).p.share);
        // Not queued: a queued run holds a reference.
        if !(*bev).p.deferred.is_null() {
            mm::free((*bev).p.deferred.cast());
        }
        mm::free(bev.cast());
    }
}
