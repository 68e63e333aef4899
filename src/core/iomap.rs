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
    nread: u32,
    nwrite: u32,
    nclose: u32,
    /// Whether the fd is watched edge-triggered: as with libevent's epoll,
    /// this follows the EV_ET of the last event whose add or delete changed
    /// the fd's interest.
    et: bool,
}

impl Default for FdSlot {
    fn default() -> Self {
        FdSlot { head: ptr::null_mut(), nread: 0, nwrite: 0, nclose: 0, et: false }
    }
}

impl FdSlot {
    /// The interest the backend must have for this fd.
    pub fn mask(&self) -> c_short {
        let mut m = 0;
        if self.nread > 0 {
            m |= EV_READ;
        }
        if self.nwrite > 0 {
            m |= EV_WRITE;
        }
        if self.nclose > 0 {
            m |= EV_CLOSED;
        }
        if m != 0 && self.et {
            m |= EV_ET;
        }
        m
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

const MAX_PER_KIND: u32 = 0xffff;

impl IoMap {
    pub fn slot(&self, fd: usize) -> Option<&FdSlot> {
        self.slots.get(fd)
    }

    fn slot_mut(&mut self, fd: usize) -> &mut FdSlot {
        if self.slots.len() <= fd {
            self.slots.resize((fd + 1).next_power_of_two().max(32), FdSlot::default());
        }
        &mut self.slots[fd]
    }

    /// Links `ev` under `key` and counts its interest. Returns the slot's
    /// interest before and after.
    ///
    /// # Safety
    /// `ev` is a live event not in any list.
    pub unsafe fn add(&mut self, key: usize, ev: *mut Event) -> Result<(c_short, c_short), AddError> {
        // SAFETY: the caller guarantees `ev` is live.
        let events = unsafe { (*ev).events };
        let s = self.slot_mut(key);
        let old = s.mask();
        if crate::core::debug::is_on() && !s.is_empty() && s.et != (events & EV_ET != 0) {
            return Err(AddError::MixedEdgeTriggered);
        }
        let inc = |n: u32, want: bool| n + want as u32;
        let (r, w, c) = (
            inc(s.nread, events & EV_READ != 0),
            inc(s.nwrite, events & EV_WRITE != 0),
            inc(s.nclose, events & EV_CLOSED != 0),
        );
        if r > MAX_PER_KIND || w > MAX_PER_KIND || c > MAX_PER_KIND {
            return Err(AddError::TooMany);
        }
        (s.nread, s.nwrite, s.nclose) = (r, w, c);
        if s.mask() & EV_IO_MASK != old & EV_IO_MASK {
            s.et = events & EV_ET != 0;
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
    /// `ev` is live and currently in `key`'s list.
    pub unsafe fn del(&mut self, key: usize, ev: *mut Event) -> (c_short, c_short) {
        let s = self.slot_mut(key);
        let old = s.mask();
        // SAFETY: the caller guarantees `ev` is live and linked here; its
        // neighbours are live by the list invariant.
        unsafe {
            let events = (*ev).events;
            s.nread -= (events & EV_READ != 0) as u32;
            s.nwrite -= (events & EV_WRITE != 0) as u32;
            s.nclose -= (events & EV_CLOSED != 0) as u32;
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
            if s.mask() & EV_IO_MASK != old & EV_IO_MASK {
                s.et = events & EV_ET != 0;
            }
        }
        (old, s.mask())
    }

    /// The events under `key`, head first. The list must not change while
    /// the returned pointers are followed.
    pub fn head(&self, key: usize) -> *mut Event {
        self.slots.get(key).map_or(ptr::null_mut(), |s| s.head)
    }

    /// Every key that has events.
    pub fn keys(&self) -> impl Iterator<Item = usize> + '_ {
        self.slots.iter().enumerate().filter(|(_, s)| !s.is_empty()).map(|(i, _)| i)
    }
}
