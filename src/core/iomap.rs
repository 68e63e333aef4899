//! fd -> events: an fd-indexed table (no hashing), each slot holding the
//! intrusive list of the events on that fd and how many want each kind of
//! readiness. Signals have the same shape, indexed by signal number.
//!
//! Lists are linked through `Event::links` and new events go to the head, so
//! events on one fd are activated newest first, as libevent does.

use super::event::{Event, EV_CLOSED, EV_ET, EV_IO_MASK, EV_READ, EV_WRITE};
use libc::c_short;
use std::ptr;

#[derive(Clone, Copy)]
pub struct FdSlot {
    pub head: *mut Event,
    /// How many events want each kind (at most `MAX_PER_KIND`).
    nread: u16,
    nwrite: u16,
    nclose: u16,
    /// The kinds some event wants (EV_READ/EV_WRITE/EV_CLOSED, kept in step
    /// with the counts), plus EV_ET if the fd is watched edge-triggered: as
    /// with libevent's epoll, that follows the EV_ET of the last event whose
    /// add or delete changed the fd's interest.
    state: c_short,
}

impl Default for FdSlot {
    fn default() -> Self {
        FdSlot { head: ptr::null_mut(), nread: 0, nwrite: 0, nclose: 0, state: 0 }
    }
}

impl FdSlot {
    /// The interest the backend must have for this fd.
    #[inline]
    pub fn mask(&self) -> c_short {
        if self.state & EV_IO_MASK != 0 {
            self.state
        } else {
            0
        }
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

    /// Links `ev` under `key` and counts its interest. Returns the slot's
    /// interest before and after.
    ///
    /// # Safety
    /// `ev` is a live event not in any list.
    #[inline]
    pub unsafe fn add(&mut self, key: usize, ev: *mut Event) -> Result<(c_short, c_short), AddError> {
        // SAFETY: the caller guarantees `ev` is live.
        let events = unsafe { (*ev).events };
        if key >= self.slots.len() {
            self.grow(key);
        }
        // SAFETY: `grow` made `key` a valid index.
        let s = unsafe { self.slots.get_unchecked_mut(key) };
        let old = s.mask();
        if crate::core::debug::is_on() && !s.is_empty() && (s.state & EV_ET != 0) != (events & EV_ET != 0) {
            return Err(AddError::MixedEdgeTriggered);
        }
        let kinds = events & EV_IO_MASK;
        let (r, w, c) = (kinds & EV_READ != 0, kinds & EV_WRITE != 0, kinds & EV_CLOSED != 0);
        if (r && s.nread == MAX_PER_KIND) || (w && s.nwrite == MAX_PER_KIND) || (c && s.nclose == MAX_PER_KIND) {
            return Err(AddError::TooMany);
        }
        s.nread += r as u16;
        s.nwrite += w as u16;
        s.nclose += c as u16;
        // Every kind the event wants is now wanted.
        let old_io = s.state & EV_IO_MASK;
        let new_io = old_io | kinds;
        if new_io != old_io {
            s.state = new_io | (events & EV_ET);
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
        Ok((old, s.mask()))
    }

    /// Unlinks `ev` from `key`'s list. Returns the interest before and after.
    ///
    /// # Safety
    /// `ev` is live and currently in `key`'s list (so `key` has a slot).
    #[inline]
    pub unsafe fn del(&mut self, key: usize, ev: *mut Event) -> (c_short, c_short) {
        debug_assert!(key < self.slots.len());
        // SAFETY: `ev` is linked under `key`, which therefore has a slot.
        let s = unsafe { self.slots.get_unchecked_mut(key) };
        let old = s.mask();
        // SAFETY: the caller guarantees `ev` is live and linked here; its
        // neighbours are live by the list invariant.
        unsafe {
            let events = (*ev).events;
            // The kinds whose last event this was.
            let mut gone = 0;
            if events & EV_READ != 0 {
                s.nread -= 1;
                gone |= (s.nread == 0) as c_short * EV_READ;
            }
            if events & EV_WRITE != 0 {
                s.nwrite -= 1;
                gone |= (s.nwrite == 0) as c_short * EV_WRITE;
            }
            if events & EV_CLOSED != 0 {
                s.nclose -= 1;
                gone |= (s.nclose == 0) as c_short * EV_CLOSED;
            }
            if gone != 0 {
                s.state = (s.state & EV_IO_MASK & !gone) | (events & EV_ET);
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
        (old, s.mask())
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
