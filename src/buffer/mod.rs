//! `struct evbuffer`: a byte queue kept as a chain of blocks (see [`chain`]).
//!
//! Map for libevent users: `buffer.c` → this module ([`ops`] for adding and
//! removing bytes, [`search`] for `evbuffer_ptr`, search, readln and peek,
//! [`io`] for read/write/sendfile, [`mod@file`] for file segments); the C API is
//! [`crate::capi::buffer`].
//!
//! # Invariants of [`Evbuffer`]
//! 1. `first .. last` is a singly linked list through `next`; `first` is null
//!    exactly when `last` is.
//! 2. `total_len` is the sum of the chains' `off`.
//! 3. `last_with_datap` points at `first` or at the `next` field of a chain
//!    of the list, and `*last_with_datap` is the last chain holding data; when
//!    no chain holds data it is `first` (null for an empty list). Every chain
//!    after it is empty (`off == 0`).
//! 4. The struct never moves (it is always behind a pointer from [`Evbuffer::new`]),
//!    since `last_with_datap` may point into it.
//!
//! These are the invariants libevent's buffers keep too, and the first four
//! fields are where libevent has them.
//!
//! # Locking and callbacks
//! Every operation of the C API runs as [`Evbuffer::locked`]: take the lock
//! (if locking was enabled), do the work on `&mut Evbuffer`, then run the
//! change callbacks with the lock still held (as libevent does), through the
//! raw pointer, so a callback may use the buffer again.

// Errors are libevent's bare -1: `Result<_, ()>` says exactly that.
#![allow(clippy::result_unit_err)]

pub mod chain;
pub mod file;
pub mod io;
pub mod ops;
pub mod search;
#[cfg(test)]
mod tests;

use crate::core::base::{self, EventBase};
use crate::core::event::{EventCallback, SelfCallbackFn};
use crate::thread;
use chain::Chain;
use libc::{c_int, c_void, size_t};
use std::ptr;

/// `EVBUFFER_FLAG_DRAINS_TO_FD`.
pub const FLAG_DRAINS_TO_FD: u32 = 1;

/// `EVBUFFER_CB_ENABLED`.
pub const CB_ENABLED: u32 = 1;
/// Internal: run this callback at once even when the buffer defers callbacks
/// (bufferevents use it to learn of changes synchronously).
pub const CB_NODEFER: u32 = 2;
/// Internal: an `evbuffer_setcb` callback (old signature).
pub const CB_OBSOLETE: u32 = 0x0004_0000;
/// Flags a program may not set or clear.
pub const CB_INTERNAL_FLAGS: u32 = 0xffff_0000;

/// `struct evbuffer_cb_info`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CbInfo {
    pub orig_size: size_t,
    pub n_added: size_t,
    pub n_deleted: size_t,
}

/// `evbuffer_cb_func`.
pub type CbFunc = Option<unsafe extern "C" fn(*mut Evbuffer, *const CbInfo, *mut c_void)>;
/// `evbuffer_cb` (buffer_compat.h).
pub type CbObsolete = Option<unsafe extern "C" fn(*mut Evbuffer, size_t, size_t, *mut c_void)>;

/// `struct evbuffer_cb_entry`: one registered callback; the handle a
/// program gets from `evbuffer_add_cb`. Kept on a doubly linked list, the
/// newest first (the order callbacks run in, as in libevent).
#[repr(C)]
pub struct CbEntry {
    next: *mut CbEntry,
    prev: *mut CbEntry,
    func: CbFn,
    pub arg: *mut c_void,
    pub flags: u32,
}

/// The function of a [`CbEntry`]: which one is set is told by `CB_OBSOLETE`
/// in the entry's flags (one pointer, so an entry fits a 48-byte chunk).
#[derive(Clone, Copy)]
#[repr(C)]
union CbFn {
    current: CbFunc,
    obsolete: CbObsolete,
}

/// Hooks a bufferevent installs so a buffer's deferred callbacks hold a
/// reference on (and the lock of) the bufferevent that owns the buffer
/// (`evbuffer_set_parent_`).
#[derive(Clone, Copy)]
pub struct ParentHooks {
    /// Takes a reference on the parent (when deferred callbacks are queued).
    pub incref: unsafe fn(*mut c_void),
    /// Drops it again (after they ran).
    pub decref: unsafe fn(*mut c_void),
}

static PARENT_HOOKS: std::sync::OnceLock<ParentHooks> = std::sync::OnceLock::new();

/// Installs the parent hooks (once; later calls are ignored).
pub fn set_parent_hooks(h: ParentHooks) {
    let _ = PARENT_HOOKS.set(h);
}

/// `struct evbuffer`.
#[repr(C)]
pub struct Evbuffer {
    pub first: *mut Chain,
    pub last: *mut Chain,
    pub last_with_datap: *mut *mut Chain,
    pub total_len: usize,
    /// Bytes added / removed since callbacks last ran.
    pub n_add_for_cb: usize,
    pub n_del_for_cb: usize,
    /// The lock and the deferral, or null for a buffer with neither.
    extras: *mut Extras,
    callbacks: *mut CbEntry,
    /// The bufferevent this buffer belongs to, or null.
    pub parent: *mut c_void,
    refcnt: c_int,
    pub flags: u32,
    pub freeze_start: bool,
    pub freeze_end: bool,
    /// Some chain is a sendfile chain (its bytes are not in memory).
    has_sendfile: bool,
}

/// What only some buffers need, allocated on first use so that the common
/// buffer (two per connection) stays small.
struct Extras {
    /// `evbuffer_enable_locking`'s lock, or null.
    lock: *mut c_void,
    /// We allocated `lock` (and free it with the buffer).
    own_lock: bool,
    /// `evbuffer_defer_callbacks`' base, or null: callbacks run at once.
    cb_queue: *mut EventBase,
    /// The deferred callback (initialised while `cb_queue` is set).
    deferred: EventCallback,
}

// Two buffers per connection: keep the struct in a 96-byte malloc chunk.
const _: () = assert!(std::mem::size_of::<Evbuffer>() <= 88);

impl Evbuffer {
    /// `evbuffer_new`: an empty buffer with one reference; null if out of memory.
    pub fn new() -> *mut Evbuffer {
        let p = crate::mm::calloc(1, std::mem::size_of::<Evbuffer>()).cast::<Evbuffer>();
        if p.is_null() {
            return p;
        }
        // SAFETY: p is fresh, zeroed, sized and aligned (malloc) for an Evbuffer;
        // all-zero is a valid bit pattern for every field, then we fix the rest.
        unsafe {
            (*p).last_with_datap = ptr::addr_of_mut!((*p).first);
            (*p).refcnt = 1;
        }
        p
    }

    // ---- references and freeing -------------------------------------------

    /// `evbuffer_incref_`.
    ///
    /// # Safety
    /// `buf` is live.
    pub unsafe fn incref(buf: *mut Evbuffer) {
        // SAFETY: caller's contract.
        unsafe {
            Self::lock_raw(buf);
            (*buf).refcnt += 1;
            Self::unlock_raw(buf);
        }
    }

    /// `evbuffer_decref_and_unlock_`: drops a reference with the lock held,
    /// releasing the lock; at zero frees the buffer, its chains, callbacks,
    /// pending deferred callback and (if owned) lock.
    ///
    /// # Safety
    /// `buf` is live and locked by the caller (when it has a lock).
    pub unsafe fn decref_and_unlock(buf: *mut Evbuffer) {
        // SAFETY: caller's contract.
        unsafe {
            debug_assert!((*buf).refcnt > 0);
            (*buf).refcnt -= 1;
            if (*buf).refcnt > 0 {
                Self::unlock_raw(buf);
                return;
            }
            let b = &mut *buf;
            b.clear_chains();
            let mut e = b.callbacks;
            while !e.is_null() {
                let n = (*e).next;
                crate::mm::free(e.cast());
                e = n;
            }
            b.callbacks = ptr::null_mut();
            let x = b.extras;
            if !x.is_null() {
                if !(*x).cb_queue.is_null() {
                    base::callback_cancel(&mut *(*x).cb_queue, &mut (*x).deferred, true);
                }
                let lock = (*x).lock;
                thread::unlock(lock, 0);
                if (*x).own_lock {
                    thread::free_lock(lock, thread::LOCKTYPE_RECURSIVE);
                }
                crate::mm::free(x.cast());
            }
            crate::mm::free(buf.cast());
        }
    }

    /// `evbuffer_free`.
    ///
    /// # Safety
    /// `buf` is live; the caller's reference ends here.
    pub unsafe fn free(buf: *mut Evbuffer) {
        // SAFETY: caller's contract.
        unsafe {
            Self::lock_raw(buf);
            Self::decref_and_unlock(buf);
        }
    }

    /// Frees every chain (pinned ones are left dangling, freed at unpin).
    fn clear_chains(&mut self) {
        let mut c = self.first;
        while !c.is_null() {
            // SAFETY: c is a live chain of this buffer; we unlink all of them.
            unsafe {
                let n = (*c).next;
                Chain::release(c);
                c = n;
            }
        }
        self.first = ptr::null_mut();
        self.last = ptr::null_mut();
        self.last_with_datap = ptr::addr_of_mut!(self.first);
        self.total_len = 0;
        self.has_sendfile = false;
    }

    // ---- locking ----------------------------------------------------------

    /// `evbuffer_enable_locking`: -1 if already locked-enabled, or if no lock
    /// was given and none can be allocated (threading off).
    pub fn enable_locking(&mut self, lock: *mut c_void) -> c_int {
        if !self.lock_ptr().is_null() {
            return -1;
        }
        let (lock, own) = if lock.is_null() {
            let l = thread::alloc_lock(thread::LOCKTYPE_RECURSIVE);
            if l.is_null() {
                return -1;
            }
            (l, true)
        } else {
            (lock, false)
        };
        let x = self.extras();
        if x.is_null() {
            if own {
                // SAFETY: allocated just above, never shared.
                unsafe { thread::free_lock(lock, thread::LOCKTYPE_RECURSIVE) };
            }
            return -1;
        }
        // SAFETY: x is our live Extras.
        unsafe {
            (*x).lock = lock;
            (*x).own_lock = own;
        }
        0
    }

    /// The buffer's [`Extras`], allocated (zeroed) on first use; null if out
    /// of memory.
    fn extras(&mut self) -> *mut Extras {
        if self.extras.is_null() {
            // All-zero is a valid Extras: no lock, no deferral.
            self.extras = crate::mm::calloc(1, std::mem::size_of::<Extras>()).cast();
        }
        self.extras
    }

    /// The buffer's lock (null when locking is not enabled).
    #[inline(always)]
    pub fn lock_ptr(&self) -> *mut c_void {
        let x = self.extras;
        // SAFETY: extras is null or our live Extras.
        if x.is_null() { ptr::null_mut() } else { unsafe { (*x).lock } }
    }

    /// Whether callbacks are deferred to a base's loop.
    fn defers_callbacks(&self) -> bool {
        let x = self.extras;
        // SAFETY: extras is null or our live Extras.
        !x.is_null() && unsafe { !(*x).cb_queue.is_null() }
    }

    /// # Safety
    /// `buf` is live.
    #[inline(always)]
    pub unsafe fn lock_raw(buf: *mut Evbuffer) {
        // SAFETY: caller's contract.
        let l = unsafe { (*buf).lock_ptr() };
        // Most buffers have no lock: keep that case to one branch.
        if !l.is_null() {
            // SAFETY: the lock came from alloc_lock and lives as long as its owner.
            unsafe { thread::lock(l, 0) };
        }
    }

    /// # Safety
    /// `buf` is live.
    #[inline(always)]
    pub unsafe fn unlock_raw(buf: *mut Evbuffer) {
        // SAFETY: caller's contract.
        let l = unsafe { (*buf).lock_ptr() };
        if !l.is_null() {
            // SAFETY: the lock came from alloc_lock and this thread holds it.
            unsafe { thread::unlock(l, 0) };
        }
    }

    /// Runs `f` on the buffer with its lock held, then its callbacks if
    /// anything changed, then unlocks.
    ///
    /// # Safety
    /// `buf` is live.
    #[inline(always)]
    pub unsafe fn locked<R>(buf: *mut Evbuffer, f: impl FnOnce(&mut Evbuffer) -> R) -> R {
        // SAFETY: caller's contract; the &mut ends before callbacks run.
        unsafe {
            Self::lock_raw(buf);
            let r = f(&mut *buf);
            Self::invoke_callbacks(buf);
            Self::unlock_raw(buf);
            r
        }
    }

    /// Runs `f` with the lock held, without callbacks (read-only operations,
    /// or ones that change no length).
    ///
    /// # Safety
    /// `buf` is live.
    #[inline(always)]
    pub unsafe fn locked_quiet<R>(buf: *mut Evbuffer, f: impl FnOnce(&mut Evbuffer) -> R) -> R {
        // SAFETY: caller's contract.
        unsafe {
            Self::lock_raw(buf);
            let r = f(&mut *buf);
            Self::unlock_raw(buf);
            r
        }
    }

    /// Runs `f` on two buffers, locked in address order; then the callbacks
    /// of `a` and `b` (those of `b` first unless `cb_first_a`).
    ///
    /// # Safety
    /// Both are live and distinct.
    pub unsafe fn locked2<R>(
        a: *mut Evbuffer,
        b: *mut Evbuffer,
        f: impl FnOnce(&mut Evbuffer, &mut Evbuffer) -> R,
        cb_first_a: bool,
    ) -> R {
        // SAFETY: caller's contract; a != b so the two &mut do not alias.
        unsafe {
            let (l1, l2) = if (a as usize) < (b as usize) { (a, b) } else { (b, a) };
            Self::lock_raw(l1);
            Self::lock_raw(l2);
            let r = f(&mut *a, &mut *b);
            if cb_first_a {
                Self::invoke_callbacks(a);
                Self::invoke_callbacks(b);
            } else {
                Self::invoke_callbacks(b);
                Self::invoke_callbacks(a);
            }
            Self::unlock_raw(l2);
            Self::unlock_raw(l1);
            r
        }
    }

    // ---- freezing and flags ----------------------------------------------

    pub fn freeze(&mut self, at_front: bool) {
        if at_front {
            self.freeze_start = true;
        } else {
            self.freeze_end = true;
        }
    }

    pub fn unfreeze(&mut self, at_front: bool) {
        if at_front {
            self.freeze_start = false;
        } else {
            self.freeze_end = false;
        }
    }

    pub fn len(&self) -> usize {
        self.total_len
    }

    pub fn is_empty(&self) -> bool {
        self.total_len == 0
    }

    // ---- callbacks --------------------------------------------------------

    /// Whether any callback is registered.
    #[inline(always)]
    pub fn has_callbacks(&self) -> bool {
        !self.callbacks.is_null()
    }

    /// `evbuffer_add_cb`: the new entry (run first from now on), or null.
    pub fn add_cb(&mut self, func: CbFunc, arg: *mut c_void) -> *mut CbEntry {
        self.push_cb(CbEntry {
            next: ptr::null_mut(),
            prev: ptr::null_mut(),
            func: CbFn { current: func },
            arg,
            flags: CB_ENABLED,
        })
    }

    fn push_cb(&mut self, e: CbEntry) -> *mut CbEntry {
        let p = crate::mm::malloc(std::mem::size_of::<CbEntry>()).cast::<CbEntry>();
        if p.is_null() {
            return p;
        }
        // SAFETY: p is fresh and sized for a CbEntry; the head (if any) is live.
        unsafe {
            ptr::write(p, e);
            (*p).next = self.callbacks;
            if !self.callbacks.is_null() {
                (*self.callbacks).prev = p;
            }
        }
        self.callbacks = p;
        p
    }

    /// Whether `e` is one of this buffer's entries.
    fn has_cb(&self, e: *mut CbEntry) -> bool {
        let mut c = self.callbacks;
        while !c.is_null() {
            if c == e {
                return true;
            }
            // SAFETY: entries on the list are live.
            c = unsafe { (*c).next };
        }
        false
    }

    /// Unlinks and frees `e`, which is on the list.
    fn unlink_cb(&mut self, e: *mut CbEntry) {
        // SAFETY: e and its neighbours are live entries of this list.
        unsafe {
            let (n, p) = ((*e).next, (*e).prev);
            if p.is_null() {
                self.callbacks = n;
            } else {
                (*p).next = n;
            }
            if !n.is_null() {
                (*n).prev = p;
            }
        }
        // SAFETY: the pointer came from this library's allocator and is dropped here.
        unsafe { crate::mm::free(e.cast()) };
    }

    /// `evbuffer_remove_cb_entry`.
    pub fn remove_cb_entry(&mut self, e: *mut CbEntry) -> c_int {
        if e.is_null() || !self.has_cb(e) {
            return -1;
        }
        self.unlink_cb(e);
        0
    }

    /// `evbuffer_remove_cb`: the newest entry with this function and argument.
    pub fn remove_cb(&mut self, func: CbFunc, arg: *mut c_void) -> c_int {
        let want = func.map(|f| f as usize);
        let mut c = self.callbacks;
        while !c.is_null() {
            // SAFETY: entries on the list are live.
            unsafe {
                // SAFETY (union): without CB_OBSOLETE the entry holds `current`.
                if (*c).flags & CB_OBSOLETE == 0 && (*c).func.current.map(|f| f as usize) == want && (*c).arg == arg {
                    self.unlink_cb(c);
                    return 0;
                }
                c = (*c).next;
            }
        }
        -1
    }

    /// `evbuffer_setcb`: drops every callback, then adds `cb` (if any).
    pub fn setcb(&mut self, cb: CbObsolete, arg: *mut c_void) -> c_int {
        while !self.callbacks.is_null() {
            self.unlink_cb(self.callbacks);
        }
        if cb.is_some() {
            let e = self.push_cb(CbEntry {
                next: ptr::null_mut(),
                prev: ptr::null_mut(),
                func: CbFn { obsolete: cb },
                arg,
                flags: CB_ENABLED | CB_OBSOLETE,
            });
            if e.is_null() {
                return -1;
            }
        }
        0
    }

    /// `evbuffer_cb_set_flags` / `evbuffer_cb_clear_flags`.
    #[allow(clippy::not_unsafe_ptr_arg_deref)] // `e` is checked to be on our list first
    pub fn cb_change_flags(&mut self, e: *mut CbEntry, flags: u32, set: bool) -> c_int {
        if e.is_null() || !self.has_cb(e) {
            return -1;
        }
        let flags = flags & !CB_INTERNAL_FLAGS;
        // SAFETY: e is on the list (checked).
        unsafe {
            if set {
                (*e).flags |= flags;
            } else {
                (*e).flags &= !flags;
            }
        }
        0
    }

    /// Sets internal flags (bufferevents: `CB_NODEFER`).
    #[allow(clippy::not_unsafe_ptr_arg_deref)] // `e` is checked to be on our list first
    pub fn cb_set_internal_flags(&mut self, e: *mut CbEntry, flags: u32) -> c_int {
        if e.is_null() || !self.has_cb(e) {
            return -1;
        }
        // SAFETY: e is on the list (checked).
        unsafe { (*e).flags |= flags };
        0
    }

    /// The first registered entry (newest), for `evbuffer_get_callbacks_`.
    pub fn callbacks(&self) -> impl Iterator<Item = *mut CbEntry> + '_ {
        let mut c = self.callbacks;
        std::iter::from_fn(move || {
            if c.is_null() {
                None
            } else {
                let r = c;
                // SAFETY: entries on the list are live.
                c = unsafe { (*c).next };
                Some(r)
            }
        })
    }

    /// `evbuffer_defer_callbacks`: from now on callbacks run from `base`'s
    /// loop (at its middle priority) instead of inside the changing call.
    ///
    /// # Safety
    /// `buf` is live; `base` is a live base that outlives the deferral.
    pub unsafe fn defer_callbacks(buf: *mut Evbuffer, base: *mut EventBase) -> c_int {
        // SAFETY: caller's contract.
        unsafe {
            Self::lock_raw(buf);
            let x = (*buf).extras();
            if x.is_null() {
                Self::unlock_raw(buf);
                return -1;
            }
            if !(*x).cb_queue.is_null() {
                base::callback_cancel(&mut *(*x).cb_queue, &mut (*x).deferred, true);
            }
            (*x).cb_queue = base;
            let pri = base::with_lock(base, |q| q.npriorities() / 2).clamp(0, 255) as u8;
            let f: SelfCallbackFn = Some(deferred_trampoline);
            base::deferred_init(&mut (*x).deferred, pri, f, buf.cast());
            Self::unlock_raw(buf);
        }
        0
    }

    /// `evbuffer_invoke_callbacks_`: after a change, schedules the deferred
    /// run (if deferring) and runs the callbacks due now.
    ///
    /// # Safety
    /// `buf` is live and locked by the caller (when it has a lock).
    #[inline(always)]
    pub unsafe fn invoke_callbacks(buf: *mut Evbuffer) {
        // SAFETY: caller's contract.
        unsafe {
            // The common case, no callbacks: inline and cheap.
            if (*buf).callbacks.is_null() {
                (*buf).n_add_for_cb = 0;
                (*buf).n_del_for_cb = 0;
            } else {
                Self::invoke_registered_callbacks(buf);
            }
        }
    }

    /// [`Self::invoke_callbacks`] for a buffer with callbacks.
    ///
    /// # Safety
    /// As for [`Self::invoke_callbacks`].
    #[inline(never)]
    unsafe fn invoke_registered_callbacks(buf: *mut Evbuffer) {
        // SAFETY: caller's contract.
        unsafe {
            let x = (*buf).extras;
            if !x.is_null() && !(*x).cb_queue.is_null() {
                let d = ptr::addr_of_mut!((*x).deferred);
                let queued = base::with_lock((*x).cb_queue, |q| {
                    let r = q.deferred_schedule(d);
                    if r {
                        q.notify_if_needed();
                    }
                    r
                });
                if queued {
                    (*buf).refcnt += 1;
                    let parent = (*buf).parent;
                    if !parent.is_null() {
                        if let Some(h) = PARENT_HOOKS.get() {
                            (h.incref)(parent);
                        }
                    }
                }
            }
            Self::run_callbacks(buf, false);
        }
    }

    /// Runs the callbacks due: all enabled ones normally; with deferral on,
    /// only `CB_NODEFER` ones now and the others from the loop.
    ///
    /// # Safety
    /// `buf` is live and locked.
    unsafe fn run_callbacks(buf: *mut Evbuffer, running_deferred: bool) {
        // SAFETY: caller's contract. No reference into *buf is held while a
        // callback runs; `next` is read before the call (a callback may remove
        // itself, and entries it adds go to the head and are not run now).
        unsafe {
            if (*buf).callbacks.is_null() {
                (*buf).n_add_for_cb = 0;
                (*buf).n_del_for_cb = 0;
                return;
            }
            let (added, deleted) = ((*buf).n_add_for_cb, (*buf).n_del_for_cb);
            if added == 0 && deleted == 0 {
                return;
            }
            let new_size = (*buf).total_len;
            let info = CbInfo {
                orig_size: new_size.wrapping_add(deleted).wrapping_sub(added),
                n_added: added,
                n_deleted: deleted,
            };
            let (mask, want) = if running_deferred {
                (CB_NODEFER | CB_ENABLED, CB_ENABLED)
            } else if (*buf).defers_callbacks() {
                (CB_NODEFER | CB_ENABLED, CB_NODEFER | CB_ENABLED)
            } else {
                (CB_ENABLED, CB_ENABLED)
            };
            // With deferral, the counts stay for the deferred run unless this is it.
            if running_deferred || !(*buf).defers_callbacks() {
                (*buf).n_add_for_cb = 0;
                (*buf).n_del_for_cb = 0;
            }
            let mut e = (*buf).callbacks;
            while !e.is_null() {
                let next = (*e).next;
                let flags = (*e).flags;
                if flags & mask == want {
                    // SAFETY (union): CB_OBSOLETE tells which function is set.
                    if flags & CB_OBSOLETE != 0 {
                        if let Some(f) = (*e).func.obsolete {
                            f(buf, info.orig_size, new_size, (*e).arg);
                        }
                    } else if let Some(f) = (*e).func.current {
                        f(buf, &info, (*e).arg);
                    }
                }
                e = next;
            }
        }
    }

    /// `evbuffer_set_parent_`.
    pub fn set_parent(&mut self, parent: *mut c_void) {
        self.parent = parent;
    }
}

/// The deferred callback: runs the buffer's callbacks from the loop, then
/// drops the reference taken when it was scheduled.
unsafe extern "C" fn deferred_trampoline(_cb: *mut EventCallback, arg: *mut c_void) {
    let buf = arg.cast::<Evbuffer>();
    // SAFETY: scheduled with a reference on `buf` (invoke_callbacks), so it is live.
    unsafe {
        Evbuffer::lock_raw(buf);
        let parent = (*buf).parent;
        Evbuffer::run_callbacks(buf, true);
        Evbuffer::decref_and_unlock(buf);
        if !parent.is_null() {
            if let Some(h) = PARENT_HOOKS.get() {
                (h.decref)(parent);
            }
        }
    }
}
