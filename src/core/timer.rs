//! The timer min-heap. Entries carry their key, so comparisons never touch
//! the events; each event keeps its own heap index (in `ev_timeout_pos`), so
//! removal and rescheduling are O(log n) with no search.
//!
//! Ties are broken the way libevent's binary heap breaks them (strict
//! comparisons when moving up, the right child preferred when moving down),
//! so timers with equal expiry fire in the same order as with libevent.

use super::clock::Micros;
use super::event::{Event, HEAP_IDX_NONE};

#[derive(Clone, Copy)]
struct Entry {
    key: Micros,
    ev: *mut Event,
}

#[derive(Default)]
pub struct TimerHeap {
    v: Vec<Entry>,
}

impl TimerHeap {
    pub fn len(&self) -> usize {
        self.v.len()
    }
    pub fn is_empty(&self) -> bool {
        self.v.is_empty()
    }
    /// The earliest timer.
    pub fn top(&self) -> Option<(Micros, *mut Event)> {
        self.v.first().map(|e| (e.key, e.ev))
    }
    pub fn get(&self, i: usize) -> *mut Event {
        self.v[i].ev
    }
    pub fn reserve(&mut self, n: usize) {
        self.v.reserve(n);
    }

    #[inline]
    fn place(&mut self, i: usize, e: Entry) {
        // SAFETY: every event in the heap is a live event owned by the
        // program; the base removes it from the heap before it may be freed.
        unsafe { (*e.ev).timeout_pos.heap.idx = i as u32 };
        self.v[i] = e;
    }

    fn sift_up(&mut self, mut i: usize, e: Entry) {
        while i > 0 {
            let parent = (i - 1) / 2;
            if self.v[parent].key <= e.key {
                break;
            }
            let p = self.v[parent];
            self.place(i, p);
            i = parent;
        }
        self.place(i, e);
    }

    fn sift_down(&mut self, mut i: usize, e: Entry) {
        let n = self.v.len();
        loop {
            let right = 2 * (i + 1);
            if right > n {
                break;
            }
            // Prefer the right child unless it is missing or strictly later.
            let child = if right == n || self.v[right].key > self.v[right - 1].key {
                right - 1
            } else {
                right
            };
            if e.key <= self.v[child].key {
                break;
            }
            let c = self.v[child];
            self.place(i, c);
            i = child;
        }
        self.place(i, e);
    }

    /// Adds `ev`, which must not be in the heap.
    ///
    /// # Safety
    /// `ev` is live until it leaves the heap.
    pub unsafe fn push(&mut self, ev: *mut Event, key: Micros) {
        let e = Entry { key, ev };
        self.v.push(e);
        let i = self.v.len() - 1;
        self.sift_up(i, e);
    }

    /// Moves `ev` (already in the heap) to a new expiry.
    ///
    /// # Safety
    /// `ev` is live and in the heap.
    pub unsafe fn update(&mut self, ev: *mut Event, key: Micros) {
        // SAFETY: `ev` is in the heap, hence live (see `place`).
        let i = unsafe { (*ev).timeout_pos.heap.idx } as usize;
        debug_assert!(i < self.v.len() && self.v[i].ev == ev);
        let e = Entry { key, ev };
        self.reposition(i, e);
    }

    fn reposition(&mut self, i: usize, e: Entry) {
        if i > 0 && self.v[(i - 1) / 2].key > e.key {
            self.sift_up(i, e);
        } else {
            self.sift_down(i, e);
        }
    }

    /// Removes `ev` from the heap; a no-op when it is not in it.
    ///
    /// # Safety
    /// `ev` is live, and in the heap or in no timeout queue.
    pub unsafe fn remove(&mut self, ev: *mut Event) {
        // SAFETY: the caller passes a live event that is in the heap or in
        // no timeout queue (heap index NONE).
        let idx = unsafe { (*ev).timeout_pos.heap.idx };
        if idx == HEAP_IDX_NONE {
            return;
        }
        let i = idx as usize;
        debug_assert!(i < self.v.len() && self.v[i].ev == ev);
        // SAFETY: as above.
        unsafe { (*ev).timeout_pos = crate::core::event::TimeoutPos::NONE };
        let last = self.v.pop().expect("heap holds ev");
        if i < self.v.len() {
            self.reposition(i, last);
        }
    }

    /// Every event in the heap, in heap order (for iteration and teardown).
    pub fn events(&self) -> impl Iterator<Item = *mut Event> + '_ {
        self.v.iter().map(|e| e.ev)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::MaybeUninit;

    fn new_events(n: usize) -> Vec<Box<Event>> {
        (0..n)
            .map(|_| {
                // SAFETY: an all-zero Event is a valid value (ints and nulls).
                let mut e: Box<Event> = unsafe { Box::new(MaybeUninit::zeroed().assume_init()) };
                e.timeout_pos = crate::core::event::TimeoutPos::NONE;
                e
            })
            .collect()
    }

    #[test]
    fn pops_in_order_with_removals_and_updates() {
        let mut evs = new_events(500);
        let mut h = TimerHeap::default();
        let mut seed = 12345u64;
        let mut rnd = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % 1000) as i64
        };
        let mut keys = vec![0i64; evs.len()];
        for (i, e) in evs.iter_mut().enumerate() {
            keys[i] = rnd();
            // SAFETY: the boxed events outlive the heap.
            unsafe { h.push(&mut **e as *mut Event, keys[i]) };
        }
        for (i, e) in evs.iter_mut().enumerate().step_by(3) {
            // SAFETY: as above; each is in the heap.
            unsafe { h.remove(&mut **e as *mut Event) };
            keys[i] = -1;
        }
        for (i, e) in evs.iter_mut().enumerate().skip(1).step_by(3) {
            keys[i] = rnd();
            // SAFETY: as above.
            unsafe { h.update(&mut **e as *mut Event, keys[i]) };
        }
        let mut last = i64::MIN;
        let mut n = 0;
        while let Some((k, ev)) = h.top() {
            assert!(k >= last);
            last = k;
            let i = evs.iter().position(|e| std::ptr::eq(&**e, ev)).unwrap();
            assert_eq!(keys[i], k);
            // SAFETY: `ev` is the live top of the heap.
            unsafe { h.remove(ev) };
            n += 1;
        }
        assert_eq!(n, keys.iter().filter(|&&k| k >= 0).count());
    }
}
