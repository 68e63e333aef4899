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
    #[inline]
    pub fn top(&self) -> Option<(Micros, *mut Event)> {
        self.v.first().map(|e| (e.key, e.ev))
    }
    pub fn get(&self, i: usize) -> *mut Event {
        self.v[i].ev
    }
    pub fn reserve(&mut self, n: usize) {
        self.v.reserve(n);
    }

    /// Writes `e` at `i` (< len) and tells its event where it is.
    ///
    /// # Safety
    /// `i < self.v.len()`.
    #[inline(always)]
    unsafe fn place(&mut self, i: usize, e: Entry) {
        debug_assert!(i < self.v.len());
        // SAFETY: every event in the heap is a live event owned by the
        // program; the base removes it from the heap before it may be freed.
        // `i` is in bounds (caller).
        unsafe {
            (*e.ev).timeout_pos.heap.idx = i as u32;
            *self.v.as_mut_ptr().add(i) = e;
        }
    }

    /// The key at `i`.
    ///
    /// # Safety
    /// `i < self.v.len()`.
    #[inline(always)]
    unsafe fn key(&self, i: usize) -> Micros {
        debug_assert!(i < self.v.len());
        // SAFETY: in bounds (caller).
        unsafe { (*self.v.as_ptr().add(i)).key }
    }

    /// # Safety
    /// `i < self.v.len()`.
    #[inline(always)]
    unsafe fn at(&self, i: usize) -> Entry {
        debug_assert!(i < self.v.len());
        // SAFETY: in bounds (caller).
        unsafe { *self.v.as_ptr().add(i) }
    }

    /// Moves `e` up from the hole at `i` (< len) to its place.
    ///
    /// # Safety
    /// `i < self.v.len()`.
    unsafe fn sift_up(&mut self, mut i: usize, e: Entry) {
        // SAFETY (whole body): `i` starts in bounds and only decreases to
        // parents, which are in bounds too.
        unsafe {
            while i > 0 {
                let parent = (i - 1) / 2;
                let p = self.at(parent);
                if p.key <= e.key {
                    break;
                }
                self.place(i, p);
                i = parent;
            }
            self.place(i, e);
        }
    }

    /// Moves `e` down from the hole at `i` (< len) to its place.
    ///
    /// The result is the classic sift-down's (libevent's): at each level
    /// take the earlier child (the right one on a tie), stop when `e` is
    /// not later than it. Done "bottom-up" to compare less: the hole first
    /// runs down the earlier-child path to a leaf, then `e` climbs back up
    /// that path past every entry not earlier than itself. Keys on the path
    /// never decrease, so it stops exactly where the classic one would.
    ///
    /// # Safety
    /// `i < self.v.len()`.
    unsafe fn sift_down(&mut self, mut i: usize, e: Entry) {
        let n = self.v.len();
        let start = i;
        // SAFETY (whole body): every index read is checked against `n`
        // (right < n, or right - 1 < n when right == n); `i` moves only to
        // such a child, and back up no higher than `start` (< n).
        unsafe {
            loop {
                let right = 2 * (i + 1);
                if right >= n {
                    if right == n {
                        // Only a left child.
                        self.place(i, self.at(right - 1));
                        i = right - 1;
                    }
                    break;
                }
                // Prefer the right child unless it is strictly later.
                let child = right - (self.key(right) > self.key(right - 1)) as usize;
                self.place(i, self.at(child));
                i = child;
            }
            while i > start {
                let parent = (i - 1) / 2;
                let p = self.at(parent);
                if p.key < e.key {
                    break;
                }
                self.place(i, p);
                i = parent;
            }
            self.place(i, e);
        }
    }

    /// Adds `ev`, which must not be in the heap.
    ///
    /// # Safety
    /// `ev` is live until it leaves the heap.
    #[inline]
    pub unsafe fn push(&mut self, ev: *mut Event, key: Micros) {
        let e = Entry { key, ev };
        self.v.push(e);
        let i = self.v.len() - 1;
        // SAFETY: `i` is the new last slot.
        unsafe { self.sift_up(i, e) };
    }

    /// Moves `ev` (already in the heap) to a new expiry.
    ///
    /// # Safety
    /// `ev` is live and in the heap.
    #[inline]
    pub unsafe fn update(&mut self, ev: *mut Event, key: Micros) {
        // SAFETY: `ev` is in the heap, hence live (see `place`), and its
        // index is in bounds.
        unsafe {
            let i = (*ev).timeout_pos.heap.idx as usize;
            debug_assert!(i < self.v.len() && self.v[i].ev == ev);
            self.reposition(i, Entry { key, ev });
        }
    }

    /// # Safety
    /// `i < self.v.len()`.
    #[inline]
    unsafe fn reposition(&mut self, i: usize, e: Entry) {
        // SAFETY: `i` and its parent are in bounds (caller).
        unsafe {
            if i > 0 && self.key((i - 1) / 2) > e.key {
                self.sift_up(i, e);
            } else {
                self.sift_down(i, e);
            }
        }
    }

    /// Removes `ev` from the heap; a no-op when it is not in it.
    ///
    /// # Safety
    /// `ev` is live, and in the heap or in no timeout queue.
    #[inline]
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
        let Some(last) = self.v.pop() else { return };
        if i < self.v.len() {
            // SAFETY: just checked.
            unsafe { self.reposition(i, last) };
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

    /// The classic binary heap of libevent's min_heap (strict compare going
    /// up; going down, the right child on a tie, stop when not later), on
    /// (key, id) pairs: the reference the bottom-up sift must match entry
    /// for entry, ties included.
    struct Reference(Vec<(i64, usize)>);

    impl Reference {
        fn up(&mut self, mut i: usize, e: (i64, usize)) {
            while i > 0 && self.0[(i - 1) / 2].0 > e.0 {
                self.0[i] = self.0[(i - 1) / 2];
                i = (i - 1) / 2;
            }
            self.0[i] = e;
        }
        fn down(&mut self, mut i: usize, e: (i64, usize)) {
            let n = self.0.len();
            loop {
                let mut c = 2 * (i + 1);
                if c > n {
                    break;
                }
                if c == n || self.0[c].0 > self.0[c - 1].0 {
                    c -= 1;
                }
                if e.0 <= self.0[c].0 {
                    break;
                }
                self.0[i] = self.0[c];
                i = c;
            }
            self.0[i] = e;
        }
        fn adjust(&mut self, i: usize, e: (i64, usize)) {
            if i > 0 && self.0[(i - 1) / 2].0 > e.0 {
                self.up(i, e);
            } else {
                self.down(i, e);
            }
        }
        fn push(&mut self, e: (i64, usize)) {
            self.0.push(e);
            self.up(self.0.len() - 1, e);
        }
        fn remove(&mut self, id: usize) {
            let i = self.0.iter().position(|x| x.1 == id).unwrap();
            let last = self.0.pop().unwrap();
            if i < self.0.len() {
                self.adjust(i, last);
            }
        }
        fn update(&mut self, id: usize, key: i64) {
            let i = self.0.iter().position(|x| x.1 == id).unwrap();
            self.adjust(i, (key, id));
        }
    }

    #[test]
    fn same_layout_as_the_classic_heap_with_ties() {
        let mut evs = new_events(300);
        let ptrs: Vec<*mut Event> = evs.iter_mut().map(|e| &mut **e as *mut Event).collect();
        let mut h = TimerHeap::default();
        let mut r = Reference(Vec::new());
        let mut inside = vec![false; ptrs.len()];
        let mut seed = 0x9e3779b97f4a7c15u64;
        let mut rnd = |m: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % m
        };
        for _ in 0..20_000 {
            let id = rnd(ptrs.len() as u64) as usize;
            // Few distinct keys, so ties are everywhere.
            let key = rnd(8) as i64;
            // SAFETY: the boxed events outlive the heap; `inside` tracks membership.
            unsafe {
                match (inside[id], rnd(3)) {
                    (false, _) => {
                        h.push(ptrs[id], key);
                        r.push((key, id));
                        inside[id] = true;
                    }
                    (true, 0) => {
                        h.remove(ptrs[id]);
                        r.remove(id);
                        inside[id] = false;
                    }
                    (true, _) => {
                        h.update(ptrs[id], key);
                        r.update(id, key);
                    }
                }
            }
            let ours: Vec<(i64, *mut Event)> = h.v.iter().map(|e| (e.key, e.ev)).collect();
            let theirs: Vec<(i64, *mut Event)> = r.0.iter().map(|&(k, id)| (k, ptrs[id])).collect();
            assert_eq!(ours, theirs);
            for (i, e) in h.v.iter().enumerate() {
                // SAFETY: heap members are live.
                assert_eq!(unsafe { (*e.ev).timeout_pos.heap.idx } as usize, i);
            }
        }
    }

}
