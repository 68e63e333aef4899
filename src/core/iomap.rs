//! fd -> events: an fd-indexed table (no hashing), each slot holding the
//! intrusive list of the events on that fd and how many want each kind of
//! readiness. Signals have the same shape, indexed by signal number.
//!
//! Lists are linked through `Event::links` and new events go to the head, so
//! events on one fd are activated newest first, as libevent does.
//!
//! A slot is 16 bytes and also carries the epoll backend's per-fd state
//! (`ep`), so one cache line serves an add or delete and its change to the
//! kernel's interest.

use super::event::{Event, EV_CLOSED, EV_ET, EV_IO_MASK, EV_READ, EV_WRITE};
use libc::c_short;
use std::ptr;

#[derive(Clone, Copy)]
#[repr(C)]
pub struct FdSlot {
    pub head: *mut Event,
    /// How many events want each kind (at most `MAX_PER_KIND`).
    nread: u16,
    nwrite: u16,
    nclose: u16,
    /// The interest the backend must have: the kinds some event wants
    /// (EV_READ/EV_WRITE/EV_CLOSED, kept in step with the counts) plus EV_ET
    /// if the fd is watched edge-triggered; 0 when no kind is wanted. As
    /// with libevent's epoll, EV_ET follows the last event whose add or
    /// delete changed the fd's interest. (All these bits fit in a byte.)
    state: u8,
    /// The epoll backend's state for the fd (see `backend::epoll`); other
    /// backends leave it 0.
    pub ep: u8,
}

const _: () = assert!(std::mem::size_of::<FdSlot>() == 16);

impl Default for FdSlot {
    fn default() -> Self {
        FdSlot { head: ptr::null_mut(), nread: 0, nwrite: 0, nclose: 0, state: 0, ep: 0 }
    }
}

impl FdSlot {
    /// The interest the backend must have for this fd.
    #[inline(always)]
    pub fn mask(&self) -> c_short {
        self.state as c_short
    }
    pub fn is_empty(&self) -> bool {
        self.head.is_null()
    }
}

pub enum AddError {
    TooMany,
    /// Only reported in debug mode, as libevent does.
    MixedEdgeTriggered,
}

/// Per-fd (or per-signal) lists.
#[derive(Default)]
pub struct IoMap {
    pub slots: Vec<FdSlot>,
}

const MAX_PER_KIND: u16 = 0xffff;

impl IoMap {
    pub fn slot(&self, fd: usize) -> Option<&FdSlot> {
        self.slots.get(fd)
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, fd: usize) {
        self.slots.resize((fd + 1).next_power_of_two().max(32), FdSlot::default());
    }

    /// Makes `key` a valid index.
    #[inline]
    pub fn ensure(&mut self, key: usize) {
        if key >= self.slots.len() {
            self.grow(key);
        }
    }

    /// Links `ev` under `key` and counts its interest. Returns the slot's
    /// interest before and after.
    ///
    /// # Safety
    /// `ev` is a live event not in any list.
    #[inline]
    pub unsafe fn add(&mut self, key: usize, ev: *mut Event) -> Result<(c_short, c_short), AddError> {
        self.ensure(key);
        // SAFETY: `ensure` made `key` a valid index; `ev` is live (caller).
        unsafe { slot_add(self.slots.get_unchecked_mut(key), ev, crate::core::debug::is_on()) }
    }

    /// Unlinks `ev` from `key`'s list. Returns the interest before and after.
    ///
    /// # Safety
    /// `ev` is live and currently in `key`'s list (so `key` has a slot).
    #[inline]
    pub unsafe fn del(&mut self, key: usize, ev: *mut Event) -> (c_short, c_short) {
        debug_assert!(key < self.slots.len());
        // SAFETY: `ev` is linked under `key`, which therefore has a slot.
        unsafe { slot_del(self.slots.get_unchecked_mut(key), ev) }
    }

    /// The events under `key`, head first. The list must not change while
    /// the returned pointers are followed.
    #[inline]
    pub fn head(&self, key: usize) -> *mut Event {
        self.slots.get(key).map_or(ptr::null_mut(), |s| s.head)
    }

    /// Every key that has events.
    pub fn keys(&self) -> impl Iterator<Item = usize> + '_ {
        self.slots.iter().enumerate().filter(|(_, s)| !s.is_empty()).map(|(i, _)| i)
    }
}

/// `IoMap::add` on one slot; `check_et` (debug mode) refuses to mix
/// edge-triggered and level-triggered events on the fd.
///
/// # Safety
/// `ev` is a live event not in any list.
#[inline(always)]
pub unsafe fn slot_add(s: &mut FdSlot, ev: *mut Event, check_et: bool) -> Result<(c_short, c_short), AddError> {
    // SAFETY: the caller guarantees `ev` is live.
    let events = unsafe { (*ev).events };
    let old = s.state;
    if check_et && !s.is_empty() && (old as c_short & EV_ET != 0) != (events & EV_ET != 0) {
        return Err(AddError::MixedEdgeTriggered);
    }
    // One test per kind; the counts only change once all are known to fit.
    let (r, w, c) = (events & EV_READ != 0, events & EV_WRITE != 0, events & EV_CLOSED != 0);
    if (r && s.nread == MAX_PER_KIND) || (w && s.nwrite == MAX_PER_KIND) || (c && s.nclose == MAX_PER_KIND) {
        return Err(AddError::TooMany);
    }
    if r {
        s.nread += 1;
    }
    if w {
        s.nwrite += 1;
    }
    if c {
        s.nclose += 1;
    }
    // Every kind the event wants is now wanted.
    let old_io = old & EV_IO_MASK as u8;
    let new_io = old_io | (events & EV_IO_MASK) as u8;
    if new_io != old_io {
        s.state = new_io | (events & EV_ET) as u8;
    }
    // SAFETY: `ev` and the current head are live events (list invariant).
    unsafe {
        (*ev).links.prev = ptr::null_mut();
        (*ev).links.next = s.head;
        if !s.head.is_null() {
            (*s.head).links.prev = ev;
        }
    }
    s.head = ev;
    Ok((old as c_short, s.state as c_short))
}

/// Whether `slot_add` of an event wanting `events` fits the counts.
#[inline(always)]
pub fn slot_add_fits(s: &FdSlot, events: c_short) -> bool {
    !((events & EV_READ != 0 && s.nread == MAX_PER_KIND)
        || (events & EV_WRITE != 0 && s.nwrite == MAX_PER_KIND)
        || (events & EV_CLOSED != 0 && s.nclose == MAX_PER_KIND))
}

/// The slot's mask after `slot_add` of an event wanting `events`.
#[inline(always)]
pub fn slot_mask_after_add(s: &FdSlot, events: c_short) -> c_short {
    let old_io = s.state & EV_IO_MASK as u8;
    let new_io = old_io | (events & EV_IO_MASK) as u8;
    if new_io != old_io {
        (new_io | (events & EV_ET) as u8) as c_short
    } else {
        s.state as c_short
    }
}

/// `slot_add` once `slot_add_fits` said the counts fit and
/// `slot_mask_after_add` gave `new`.
///
/// # Safety
/// `ev` is a live event not in any list, wanting `events`.
#[inline(always)]
pub unsafe fn slot_add_unchecked(s: &mut FdSlot, ev: *mut Event, events: c_short, new: c_short) {
    debug_assert!(slot_add_fits(s, events) && slot_mask_after_add(s, events) == new);
    // Branches, not arithmetic on the flags: one kind is the usual case.
    if events & EV_READ != 0 {
        s.nread += 1;
    }
    if events & EV_WRITE != 0 {
        s.nwrite += 1;
    }
    if events & EV_CLOSED != 0 {
        s.nclose += 1;
    }
    s.state = new as u8;
    // SAFETY: `ev` and the current head are live events (list invariant).
    unsafe {
        (*ev).links.prev = ptr::null_mut();
        (*ev).links.next = s.head;
        if !s.head.is_null() {
            (*s.head).links.prev = ev;
        }
    }
    s.head = ev;
}

/// `IoMap::del` on one slot.
///
/// # Safety
/// `ev` is live and linked in this slot's list.
#[inline(always)]
pub unsafe fn slot_del(s: &mut FdSlot, ev: *mut Event) -> (c_short, c_short) {
    let old = s.state;
    // SAFETY: the caller guarantees `ev` is live and linked here; its
    // neighbours are live by the list invariant.
    unsafe {
        let events = (*ev).events;
        // The kinds whose last event this was.
        let mut gone = 0u8;
        if events & EV_READ != 0 {
            s.nread -= 1;
            if s.nread == 0 {
                gone |= EV_READ as u8;
            }
        }
        if events & EV_WRITE != 0 {
            s.nwrite -= 1;
            if s.nwrite == 0 {
                gone |= EV_WRITE as u8;
            }
        }
        if events & EV_CLOSED != 0 {
            s.nclose -= 1;
            if s.nclose == 0 {
                gone |= EV_CLOSED as u8;
            }
        }
        if gone != 0 {
            let io = old & EV_IO_MASK as u8 & !gone;
            s.state = if io != 0 { io | (events & EV_ET) as u8 } else { 0 };
        }
        let (p, n) = ((*ev).links.prev, (*ev).links.next);
        if p.is_null() {
            s.head = n;
        } else {
            (*p).links.next = n;
        }
        if !n.is_null() {
            (*n).links.prev = p;
        }
        (*ev).links.next = ptr::null_mut();
        (*ev).links.prev = ptr::null_mut();
    }
    (old as c_short, s.state as c_short)
}
