//! The timer heap.
//!
//! By default one binary min-heap of (key, event) entries (`Binary`): the
//! entries carry their key, so comparisons never touch the events; each
//! event keeps its own heap index (in `ev_timeout_pos`), so removal and
//! rescheduling are O(log n) with no search. Ties are broken the way
//! libevent's binary heap breaks them (strict comparisons when moving up, the
//! right child preferred when moving down), so timers with equal expiry fire
//! in the same order as with libevent.
//!
//! With "fast timers" (opt-in: `EVENT_BASE_FLAG_RS_FAST_TIMERS` or
//! `EVENT_RS_FAST_TIMERS=1`, see `Fast`) timers still fire in deadline
//! order, but timers with equal deadlines may fire in another order.
//!
//! An event's `timeout_pos.heap.idx` says where it is: its index, with the
//! structure in the top two bits (`IN_*`), or `HEAP_IDX_NONE`.

use super::clock::{tv_to_micros, Micros};
use super::event::{Event, TimeoutPos, HEAP_IDX_NONE};

const WHERE_SHIFT: u32 = 30;
const IDX_MASK: u32 = (1 << WHERE_SHIFT) - 1;
/// In the classic binary heap (the index is the plain index, as before).
const IN_CLASSIC: u32 = 0;
/// In the fast mode's coarse 8-ary heap.
const IN_COARSE: u32 = 1 << WHERE_SHIFT;
/// In the fast mode's stage (an exact binary heap).
const IN_STAGE: u32 = 2 << WHERE_SHIFT;
const _: () = assert!(HEAP_IDX_NONE >> WHERE_SHIFT == 3);

/// The expiry an event in the heap carries (its `timeout`, untagged: events
/// with a common-timeout tag are never in the heap).
///
/// # Safety
/// `ev` is live.
#[inline(always)]
unsafe fn ev_key(ev: *mut Event) -> Micros {
    // SAFETY: caller's contract.
    tv_to_micros(unsafe { &(*ev).timeout })
}

#[derive(Clone, Copy)]
struct Entry {
    key: Micros,
    ev: *mut Event,
}

/// A binary min-heap of (key, event), libevent's shape and tie order; the
/// events' indices carry `TAG`.
#[derive(Default)]
struct Binary<const TAG: u32> {
    v: Vec<Entry>,
}

impl<const TAG: u32> Binary<TAG> {
    #[inline(always)]
    fn top(&self) -> Option<(Micros, *mut Event)> {
        self.v.first().map(|e| (e.key, e.ev))
    }

    /// Writes `e` at `i` (< len) and tells its event where it is.
    ///
    /// # Safety
    /// `i < self.v.len()`.
    #[inline(always)]
    unsafe fn place(&mut self, i: usize, e: Entry) {
        debug_assert!(i < self.v.len() && i <= IDX_MASK as usize);
        // SAFETY: every event in the heap is a live event owned by the
        // program; the base removes it from the heap before it may be freed.
        // `i` is in bounds (caller).
        unsafe {
            (*e.ev).timeout_pos.heap.idx = i as u32 | TAG;
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

    /// Adds `ev`, which must not be in any heap.
    ///
    /// # Safety
    /// `ev` is live until it leaves the heap.
    #[inline]
    unsafe fn push(&mut self, ev: *mut Event, key: Micros) {
        let e = Entry { key, ev };
        self.v.push(e);
        let i = self.v.len() - 1;
        // SAFETY: `i` is the new last slot.
        unsafe { self.sift_up(i, e) };
    }

    /// Gives `ev`, the entry at `i`, a new key (as libevent's heap adjust).
    ///
    /// # Safety
    /// `i < self.v.len()`.
    #[inline]
    unsafe fn update_at(&mut self, i: usize, ev: *mut Event, key: Micros) {
        debug_assert!(self.v[i].ev == ev);
        // SAFETY: in bounds (caller).
        unsafe { self.reposition(i, Entry { key, ev }) };
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

    /// Removes the entry at `i` (its event's index is left to the caller).
    ///
    /// # Safety
    /// `i < self.v.len()`.
    #[inline]
    unsafe fn remove_at(&mut self, i: usize) {
        let Some(last) = self.v.pop() else { return };
        if i < self.v.len() {
            // SAFETY: just checked.
            unsafe { self.reposition(i, last) };
        }
    }
}

/// The timers of a base: the classic heap, plus the fast structure in fast
/// mode (where the classic heap keeps only events whose address cannot be
/// packed into a fast entry, which does not happen on Linux x86_64).
#[derive(Default)]
pub struct TimerHeap {
    classic: Binary<IN_CLASSIC>,
    fast: Option<Box<Fast>>,
}

impl TimerHeap {
    /// An empty heap; with `fast`, in fast-timers mode (`now` is the clock's
    /// current time, where the coarse keys start).
    pub fn new(fast: bool, now: Micros) -> TimerHeap {
        TimerHeap { classic: Binary::default(), fast: fast.then(|| Box::new(Fast::new(now))) }
    }
    pub fn is_fast(&self) -> bool {
        self.fast.is_some()
    }
    pub fn len(&self) -> usize {
        self.classic.v.len() + self.fast.as_ref().map_or(0, |f| f.len())
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The earliest timer.
    #[inline]
    pub fn top(&mut self) -> Option<(Micros, *mut Event)> {
        let c = self.classic.top();
        let Some(f) = self.fast.as_deref_mut() else { return c };
        match (c, f.top()) {
            (Some(a), Some(b)) => Some(if b.0 < a.0 { b } else { a }),
            (a, b) => a.or(b),
        }
    }

    /// Adds `ev`, which must not be in the heap.
    ///
    /// # Safety
    /// `ev` is live until it leaves the heap.
    #[inline]
    pub unsafe fn push(&mut self, ev: *mut Event, key: Micros) {
        if let Some(f) = self.fast.as_deref_mut() {
            // SAFETY: forwarded contract.
            if unsafe { f.push(ev, key) } {
                return;
            }
        }
        // SAFETY: forwarded contract.
        unsafe { self.classic.push(ev, key) };
    }

    /// Moves `ev` (already in the heap) to a new expiry. Its `timeout` must
    /// still hold the previous expiry (fast mode reads it).
    ///
    /// # Safety
    /// `ev` is live and in the heap.
    #[inline]
    pub unsafe fn update(&mut self, ev: *mut Event, key: Micros) {
        // SAFETY: `ev` is in the heap, hence live (see `place`), and its
        // index is in bounds of the structure it names.
        unsafe {
            let idx = (*ev).timeout_pos.heap.idx;
            if idx < IN_COARSE {
                debug_assert!((idx as usize) < self.classic.v.len() && self.classic.v[idx as usize].ev == ev);
                self.classic.update_at(idx as usize, ev, key);
            } else if let Some(f) = self.fast.as_deref_mut() {
                f.update(ev, idx, ev_key(ev), key);
            }
        }
    }

    /// `update` for a caller that knows the event's previous expiry as
    /// microseconds (`old`, what `tv_to_micros` makes of its `timeout`).
    ///
    /// # Safety
    /// As `update`; `old` is the event's current key.
    #[inline(always)]
    pub unsafe fn update_from(&mut self, ev: *mut Event, old: Micros, key: Micros) {
        // SAFETY: as `update`.
        unsafe {
            debug_assert!(old == ev_key(ev));
            let idx = (*ev).timeout_pos.heap.idx;
            if idx < IN_COARSE {
                debug_assert!((idx as usize) < self.classic.v.len() && self.classic.v[idx as usize].ev == ev);
                self.classic.update_at(idx as usize, ev, key);
            } else if idx & !IDX_MASK == IN_COARSE && key >= old {
                // Fast mode, a coarse entry made later (or the same): its
                // hint stays a lower bound, nothing moves (as `Fast::update`).
            } else if let Some(f) = self.fast.as_deref_mut() {
                f.update(ev, idx, old, key);
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
        // SAFETY: as above.
        unsafe { (*ev).timeout_pos = TimeoutPos::NONE };
        if idx < IN_COARSE {
            debug_assert!((idx as usize) < self.classic.v.len() && self.classic.v[idx as usize].ev == ev);
            // SAFETY: the index of an event in the heap is in bounds.
            unsafe { self.classic.remove_at(idx as usize) };
        } else if let Some(f) = self.fast.as_deref_mut() {
            // SAFETY: as above.
            unsafe { f.remove(idx) };
        }
    }

    /// Every event in the heap (for iteration and teardown).
    pub fn events(&self) -> impl Iterator<Item = *mut Event> + '_ {
        self.classic.v.iter().map(|e| e.ev).chain(self.fast.iter().flat_map(|f| f.events()))
    }

    /// `event_base_assert_ok_`'s part: every event's index, the heap
    /// orders, and (fast mode) the coarse keys against the events' expiries.
    pub fn check(&self) -> Result<(), &'static str> {
        for (i, e) in self.classic.v.iter().enumerate() {
            // SAFETY: heap members are live.
            if unsafe { (*e.ev).timeout_pos.heap.idx } != i as u32 | IN_CLASSIC {
                return Err("timer heap index out of place");
            }
            // SAFETY: as above.
            if i > 0 && unsafe { ev_key(self.classic.v[(i - 1) / 2].ev) > ev_key(e.ev) } {
                return Err("timer heap out of order");
            }
        }
        self.fast.as_ref().map_or(Ok(()), |f| f.check())
    }
}

// ---- fast timers -----------------------------------------------------------------

/// Children per node of the coarse heap: one 64-byte line of entries.
const LANES: usize = 8;
/// Bits of a packed event address: 47-bit user addresses, 8-byte aligned.
const PTR_BITS: u32 = 44;
const PTR_MASK: u64 = (1 << PTR_BITS) - 1;
/// A coarse key ("hint") counts units of 2^HINT_SHIFT µs (1.024 ms) from the
/// epoch, in the 20 bits above the address.
const HINT_SHIFT: u32 = 10;
const HINT_MAX: u64 = (1 << (64 - PTR_BITS)) - 1;
/// Re-base (re-key everything from a new epoch) once the earliest coarse
/// key passes half the range (every 9 minutes of a running program, the
/// range being 17.9 minutes; keys beyond it are clamped).
const REBASE_AT: u64 = 1 << (64 - PTR_BITS - 1);
/// The stage is split again when it has grown past this and doubled since
/// it was loaded.
const SPLIT_MIN: usize = 256;

/// Fast timers: a coarse heap of 8-byte entries that never reads the
/// events, and an exact stage for the earliest coarse key.
///
/// * Coarse: an 8-ary heap, ordered by hint, of `hint << 44 | address >> 3`, where the hint
///   is the expiry in 1.024 ms units from `epoch` (clamped to 20 bits): 8
///   bytes per timer, as libevent's heap of pointers, and a node's 8
///   children share one cache line (the root sits at the slot that aligns
///   them), so a sift runs through about a third of the binary heap's
///   levels. The array grows by `realloc` (no copy for large ones, so no
///   transient double), as libevent's.
/// * Stage: an exact binary heap (key, event) holding every timer whose
///   hint is at most `h`; every coarse entry's hint is above `h`. The
///   earliest timer is the stage's top; when the stage is empty the
///   coarse heap's earliest hint is loaded into it (re-reading each
///   event's real expiry).
/// * Lazy rescheduling: a coarse entry's hint may be earlier than its
///   event's expiry (never later). Moving a timer later leaves its entry
///   as it is; when the stale entry reaches the top its hint is renewed
///   and it sinks. Moving it earlier lowers the hint (a sift up) only when
///   the hint changes.
///
/// Order: a timer fires only after every timer with an earlier expiry
/// (hints are monotonic in the expiry, the stage is exact); timers with
/// equal expiries may fire in any order.
struct Fast {
    /// The coarse heap: entry `i` at `slots[r + i]`.
    slots: Vec<u64>,
    /// The root's slot, chosen so that every node's children (`8i+1 ..=
    /// 8i+8`) share a 64-byte line; recomputed when the array moves.
    r: usize,
    /// Entries in the coarse heap.
    n: usize,
    stage: Binary<IN_STAGE>,
    /// The stage's hint bound (-1: none yet).
    h: i64,
    /// Stage size when it was last loaded or split.
    staged_at_load: usize,
    epoch: Micros,
    /// Tests: addresses to treat as unpackable.
    #[cfg(test)]
    refuse: fn(usize) -> bool,
}

/// Asks for the cache line at `p` (no effect on correctness; `p` need not
/// be valid).
#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast())
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// The packed address of `ev`, if it fits.
#[inline(always)]
fn pack(ev: *mut Event) -> Option<u64> {
    let a = ev as usize as u64;
    (a & 7 == 0 && a >> (PTR_BITS + 3) == 0).then_some(a >> 3)
}

#[inline(always)]
fn unpack(e: u64) -> *mut Event {
    ((e & PTR_MASK) << 3) as usize as *mut Event
}

impl Fast {
    fn new(now: Micros) -> Fast {
        Fast {
            slots: Vec::new(),
            r: 0,
            n: 0,
            stage: Binary::default(),
            h: -1,
            staged_at_load: 0,
            epoch: now,
            #[cfg(test)]
            refuse: |_| false,
        }
    }

    fn len(&self) -> usize {
        self.n + self.stage.v.len()
    }

    #[inline(always)]
    fn hint(&self, key: Micros) -> u64 {
        let d = key.saturating_sub(self.epoch);
        if d <= 0 {
            0
        } else {
            ((d as u64) >> HINT_SHIFT).min(HINT_MAX)
        }
    }

    #[inline(always)]
    fn pack(&self, ev: *mut Event) -> Option<u64> {
        #[cfg(test)]
        if (self.refuse)(ev as usize) {
            return None;
        }
        pack(ev)
    }

    /// The coarse entry at `i`.
    ///
    /// # Safety
    /// `i < self.n`.
    #[inline(always)]
    unsafe fn at(&self, i: usize) -> u64 {
        debug_assert!(i < self.n);
        // SAFETY: slot `r + i` is inside `slots` for every i < n.
        unsafe { *self.slots.as_ptr().add(self.r + i) }
    }

    /// Writes `e` at coarse index `i` and tells its event where it is.
    ///
    /// # Safety
    /// `i < self.n`, `e` packs a live event.
    #[inline(always)]
    unsafe fn place(&mut self, i: usize, e: u64) {
        debug_assert!(i < self.n && i <= IDX_MASK as usize);
        // SAFETY: in bounds (caller); the event is live (heap members are).
        unsafe {
            *self.slots.as_mut_ptr().add(self.r + i) = e;
            (*unpack(e)).timeout_pos.heap.idx = i as u32 | IN_COARSE;
        }
    }

    /// Moves `e` up from the hole at `i`.
    ///
    /// # Safety
    /// `i < self.n`.
    unsafe fn sift_up(&mut self, mut i: usize, e: u64) {
        // SAFETY (whole body): `i` only decreases to parents.
        unsafe {
            while i > 0 {
                let p = (i - 1) / LANES;
                let pe = self.at(p);
                if pe >> PTR_BITS <= e >> PTR_BITS {
                    break;
                }
                self.place(i, pe);
                i = p;
            }
            self.place(i, e);
        }
    }

    /// The least of the children of `i`, which has at least one.
    ///
    /// # Safety
    /// `LANES * i + 1 < self.n`.
    #[inline(always)]
    unsafe fn min_child(&self, i: usize) -> usize {
        let first = LANES * i + 1;
        // SAFETY: a full line is read only when all its children exist.
        unsafe {
            if first + LANES <= self.n {
                let c = &*self.slots.as_ptr().add(self.r + first).cast::<[u64; LANES]>();
                // A tournament: three levels of independent compares.
                let m = |a: usize, b: usize| if c[b] < c[a] { b } else { a };
                let (a, b, x, y) = (m(0, 1), m(2, 3), m(4, 5), m(6, 7));
                let (a, x) = (m(a, b), m(x, y));
                first + m(a, x)
            } else {
                let mut best = first;
                for j in first + 1..self.n {
                    if self.at(j) < self.at(best) {
                        best = j;
                    }
                }
                best
            }
        }
    }

    /// Moves `e` down from the hole at `i`, bottom-up (the hole runs down
    /// the least-child path to a leaf, then `e` climbs back).
    ///
    /// # Safety
    /// `i < self.n`.
    unsafe fn sift_down(&mut self, mut i: usize, e: u64) {
        let start = i;
        // SAFETY (whole body): children are read only when they exist;
        // `i` climbs back no higher than `start`.
        unsafe {
            while LANES * i + 1 < self.n {
                // The grandchildren: the next level's line, whichever child
                // wins, is then on its way while this one is compared (they
                // are 8 consecutive lines).
                if LANES * LANES * i + LANES + 1 < self.n {
                    let g = self.slots.as_ptr().add(self.r + LANES * LANES * i + LANES + 1);
                    for k in 0..LANES {
                        prefetch(g.wrapping_add(k * LANES));
                    }
                }
                let c = self.min_child(i);
                let ce = self.at(c);
                if i == 0 {
                    // The new earliest entry: `top` reads its expiry next.
                    prefetch(std::ptr::addr_of!((*unpack(ce)).timeout));
                }
                self.place(i, ce);
                i = c;
            }
            while i > start {
                let p = (i - 1) / LANES;
                let pe = self.at(p);
                if pe >> PTR_BITS <= e >> PTR_BITS {
                    break;
                }
                self.place(i, pe);
                i = p;
            }
            self.place(i, e);
        }
    }

    /// # Safety
    /// `e` packs a live event in no heap.
    unsafe fn coarse_push(&mut self, e: u64) {
        if self.r + self.n == self.slots.len() {
            if self.slots.len() == self.slots.capacity() {
                // Room for the shift too (r moves by at most 7).
                self.slots.reserve(LANES);
                self.realign();
            }
            self.slots.push(0);
        }
        self.n += 1;
        // SAFETY: the new last index; its slot was just made to exist.
        unsafe { self.sift_up(self.n - 1, e) };
    }

    /// Puts the root at the slot that aligns the children lines for the
    /// array's current address (entries keep their indices). The capacity
    /// holds `n + 8` slots.
    fn realign(&mut self) {
        let base = self.slots.as_ptr() as usize;
        let r = (64 - (base + 8) % 64) % 64 / 8;
        if r != self.r {
            let len = r + self.n;
            debug_assert!(len < self.slots.capacity());
            if len > self.slots.len() {
                self.slots.resize(len, 0);
            }
            self.slots.copy_within(self.r..self.r + self.n, r);
            self.slots.truncate(len);
            self.r = r;
        }
    }

    /// Removes the coarse entry at `i`.
    ///
    /// # Safety
    /// `i < self.n`.
    unsafe fn coarse_remove_at(&mut self, i: usize) {
        self.n -= 1;
        if i == self.n {
            return;
        }
        // SAFETY: `n` (the old last) and `i` are below the old count; the
        // parent of `i` is below `i`.
        unsafe {
            let last = *self.slots.as_ptr().add(self.r + self.n);
            if i > 0 && self.at((i - 1) / LANES) >> PTR_BITS > last >> PTR_BITS {
                self.sift_up(i, last);
            } else {
                self.sift_down(i, last);
            }
        }
    }

    /// Adds `ev`; false if its address cannot be packed (the caller then
    /// keeps it in the classic heap).
    ///
    /// # Safety
    /// `ev` is live until it leaves the heap, and in no heap.
    #[inline]
    unsafe fn push(&mut self, ev: *mut Event, key: Micros) -> bool {
        let Some(p) = self.pack(ev) else { return false };
        let hk = self.hint(key);
        // SAFETY: forwarded contract.
        unsafe {
            if hk as i64 <= self.h {
                self.stage.push(ev, key);
            } else {
                self.coarse_push(hk << PTR_BITS | p);
            }
        }
        true
    }

    /// Moves `ev` (at `idx`, a fast index) to `key`; its `timeout` still
    /// holds the previous expiry.
    ///
    /// # Safety
    /// `ev` is live and at `idx`.
    #[inline]
    unsafe fn update(&mut self, ev: *mut Event, idx: u32, old: Micros, key: Micros) {
        let i = (idx & IDX_MASK) as usize;
        // SAFETY: `ev` is at `i` of the structure its index names (caller),
        // so it packs and is live.
        unsafe {
            if idx & !IDX_MASK == IN_STAGE {
                let hk = self.hint(key);
                debug_assert!(self.stage.v[i].ev == ev);
                if hk as i64 <= self.h {
                    self.stage.update_at(i, ev, key);
                } else {
                    self.stage.remove_at(i);
                    self.coarse_push(hk << PTR_BITS | (ev as usize as u64 >> 3));
                }
                return;
            }
            debug_assert!(unpack(self.at(i)) == ev);
            // Later (or the same): the entry's hint is not above the old
            // expiry's, so not above the new one's either.
            if key >= old {
                return;
            }
            let hk = self.hint(key);
            if hk as i64 <= self.h {
                self.coarse_remove_at(i);
                self.stage.push(ev, key);
            } else {
                let e = self.at(i);
                if hk < e >> PTR_BITS {
                    self.sift_up(i, hk << PTR_BITS | (e & PTR_MASK));
                }
            }
        }
    }

    /// Removes the entry at `idx` (a fast index).
    ///
    /// # Safety
    /// `idx` names an entry.
    #[inline]
    unsafe fn remove(&mut self, idx: u32) {
        let i = (idx & IDX_MASK) as usize;
        // SAFETY: caller's contract.
        unsafe {
            if idx & !IDX_MASK == IN_STAGE {
                self.stage.remove_at(i);
            } else {
                self.coarse_remove_at(i);
            }
        }
    }

    /// The earliest timer: the stage's top, after loading the stage if it
    /// is empty.
    fn top(&mut self) -> Option<(Micros, *mut Event)> {
        loop {
            if let Some(t) = self.stage.top() {
                if self.stage.v.len() > SPLIT_MIN && self.stage.v.len() > 2 * self.staged_at_load {
                    self.split();
                    return self.stage.top();
                }
                return Some(t);
            }
            if self.n == 0 {
                return None;
            }
            // SAFETY: n > 0.
            let hmin = unsafe { self.at(0) } >> PTR_BITS;
            if hmin >= REBASE_AT {
                self.rebase();
                continue;
            }
            self.h = hmin as i64;
            // SAFETY: every index read is below n; coarse events are live.
            unsafe {
                while self.n > 0 {
                    let e = self.at(0);
                    if e >> PTR_BITS != hmin {
                        break;
                    }
                    let ev = unpack(e);
                    let key = ev_key(ev);
                    let hk = self.hint(key);
                    debug_assert!(hk >= hmin, "coarse key later than its event");
                    if hk <= hmin {
                        self.coarse_remove_at(0);
                        self.stage.push(ev, key);
                    } else {
                        // Stale (moved later): renew and let it sink.
                        self.sift_down(0, hk << PTR_BITS | (e & PTR_MASK));
                    }
                }
            }
            self.staged_at_load = self.stage.v.len();
        }
    }

    /// The stage has grown (timers added earlier than its bound): bound it
    /// at its earliest timer's hint again, moving the rest back to the
    /// coarse heap.
    fn split(&mut self) {
        let Some((k0, _)) = self.stage.top() else { return };
        let h0 = self.hint(k0) as i64;
        if h0 < self.h {
            self.h = h0;
            let old = std::mem::take(&mut self.stage.v);
            for e in old {
                let hk = self.hint(e.key);
                // SAFETY: the stage's events are live and pack (they were
                // in the fast structure); each is now in no heap.
                unsafe {
                    if hk as i64 <= h0 {
                        self.stage.push(e.ev, e.key);
                    } else {
                        self.coarse_push(hk << PTR_BITS | (e.ev as usize as u64 >> 3));
                    }
                }
            }
        }
        self.staged_at_load = self.stage.v.len();
    }

    /// Re-keys every coarse entry from a new epoch (the earliest expiry),
    /// renewing stale keys, and restores the heap order. The stage is
    /// empty.
    fn rebase(&mut self) {
        debug_assert!(self.stage.v.is_empty());
        let n = self.n;
        // SAFETY: indices below n; coarse events are live.
        unsafe {
            self.epoch = (0..n).map(|i| ev_key(unpack(self.at(i)))).min().unwrap_or(self.epoch);
            self.h = -1;
            let slots = self.slots.as_mut_ptr().add(self.r);
            for i in 0..n {
                let e = *slots.add(i);
                *slots.add(i) = self.hint(ev_key(unpack(e))) << PTR_BITS | (e & PTR_MASK);
            }
            if n > 1 {
                for i in (0..=(n - 2) / LANES).rev() {
                    self.sift_down(i, self.at(i));
                }
            }
        }
    }

    fn events(&self) -> impl Iterator<Item = *mut Event> + '_ {
        // SAFETY: indices below n.
        self.stage.v.iter().map(|e| e.ev).chain((0..self.n).map(|i| unpack(unsafe { self.at(i) })))
    }

    fn check(&self) -> Result<(), &'static str> {
        for (i, e) in self.stage.v.iter().enumerate() {
            // SAFETY: heap members are live.
            unsafe {
                if (*e.ev).timeout_pos.heap.idx != i as u32 | IN_STAGE {
                    return Err("timer stage index out of place");
                }
                if ev_key(e.ev) != e.key || self.hint(e.key) as i64 > self.h {
                    return Err("timer stage key wrong");
                }
            }
            if i > 0 && self.stage.v[(i - 1) / 2].key > e.key {
                return Err("timer stage out of order");
            }
        }
        if self.n > 0 && (self.slots.as_ptr() as usize + 8 * (self.r + 1)) % 64 != 0 {
            return Err("timer heap lines misaligned");
        }
        for i in 0..self.n {
            // SAFETY: indices below n; heap members are live.
            unsafe {
                let e = self.at(i);
                let ev = unpack(e);
                if (*ev).timeout_pos.heap.idx != i as u32 | IN_COARSE {
                    return Err("timer heap index out of place");
                }
                let hk = e >> PTR_BITS;
                if hk as i64 <= self.h || hk > self.hint(ev_key(ev)) {
                    return Err("timer heap key wrong");
                }
                if i > 0 && self.at((i - 1) / LANES) >> PTR_BITS > hk {
                    return Err("timer heap out of order");
                }
            }
        }
        Ok(())
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
            let ours: Vec<(i64, *mut Event)> = h.classic.v.iter().map(|e| (e.key, e.ev)).collect();
            let theirs: Vec<(i64, *mut Event)> = r.0.iter().map(|&(k, id)| (k, ptrs[id])).collect();
            assert_eq!(ours, theirs);
            for (i, e) in h.classic.v.iter().enumerate() {
                // SAFETY: heap members are live.
                assert_eq!(unsafe { (*e.ev).timeout_pos.heap.idx } as usize, i);
            }
        }
    }

    /// Drives a fast-mode heap with random adds, reschedules (earlier and
    /// later, so coarse keys go stale), removals, clock steps (some far
    /// enough to re-base) and firings, against a model of the expiries:
    /// every timer that fires is one of the earliest, at its own expiry.
    fn fast_against_model(seed: u64, refuse: fn(usize) -> bool) {
        use crate::core::clock::micros_to_tv;
        let mut evs = new_events(400);
        let ptrs: Vec<*mut Event> = evs.iter_mut().map(|e| &mut **e as *mut Event).collect();
        let start: Micros = 5_000_000_000;
        let mut h = TimerHeap::new(true, start);
        h.fast.as_mut().unwrap().refuse = refuse;
        let mut model: Vec<Option<Micros>> = vec![None; ptrs.len()];
        let mut now = start;
        let mut seed = seed;
        let mut rnd = |m: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % m
        };
        let (mut fired, mut stale, mut rebases) = (0, 0, 0);
        for step in 0..60_000 {
            // Key spreads: ties within a few µs, within a hint, within a
            // second, and past the coarse range (clamped, then re-based).
            let spread = [4, 3_000, 1_000_000, 3_000_000_000][(step / 2000) % 4];
            let id = rnd(ptrs.len() as u64) as usize;
            let key = match rnd(20) {
                0 => now - rnd(5_000) as i64,
                1 => now,
                _ => now + rnd(spread) as i64,
            };
            // SAFETY: the boxed events outlive the heap; the model tracks membership.
            unsafe {
                match (model[id], rnd(8)) {
                    (None, _) => {
                        (*{ ptrs[id] }).timeout = micros_to_tv(key);
                        h.push(ptrs[id], key);
                        model[id] = Some(key);
                    }
                    (Some(_), 0) => {
                        h.remove(ptrs[id]);
                        assert_eq!((*ptrs[id]).timeout_pos.heap.idx, HEAP_IDX_NONE);
                        model[id] = None;
                    }
                    (Some(old), 1..=4) => {
                        if key > old && (*ptrs[id]).timeout_pos.heap.idx & !IDX_MASK == IN_COARSE {
                            stale += 1;
                        }
                        h.update(ptrs[id], key);
                        (*{ ptrs[id] }).timeout = micros_to_tv(key);
                        model[id] = Some(key);
                    }
                    (Some(_), _) => {
                        // Fire what is due, as the loop does.
                        let epoch = h.fast.as_ref().unwrap().epoch;
                        while let Some((k, ev)) = h.top() {
                            let min = model.iter().flatten().min().copied();
                            assert_eq!(Some(k), min, "top is not the earliest timer");
                            let j = ptrs.iter().position(|&p| p == ev).unwrap();
                            assert_eq!(model[j], Some(k), "top's key is not its event's expiry");
                            if k > now {
                                break;
                            }
                            h.remove(ev);
                            model[j] = None;
                            fired += 1;
                        }
                        rebases += (h.fast.as_ref().unwrap().epoch != epoch) as u32;
                        now += [0, 100, 5_000, 700_000_000][rnd(4) as usize] as i64;
                    }
                }
            }
            if let Err(what) = h.check() {
                panic!("step {step}: {what}");
            }
            assert_eq!(h.len(), model.iter().flatten().count());
        }
        assert!(fired > 1000 && stale > 1000 && rebases > 0, "{fired} {stale} {rebases}");
        // Drain: strictly in expiry order.
        let mut last = Micros::MIN;
        while let Some((k, ev)) = h.top() {
            assert!(k >= last);
            last = k;
            // SAFETY: the top is live and in the heap.
            unsafe { h.remove(ev) };
        }
        assert_eq!(h.len(), 0);
    }

    #[test]
    fn fast_mode_fires_in_deadline_order() {
        fast_against_model(0x243f6a8885a308d3, |_| false);
        fast_against_model(0x13198a2e03707344, |_| false);
    }

    #[test]
    fn fast_mode_with_unpackable_events_in_the_classic_heap() {
        fast_against_model(0xa4093822299f31d0, |a| (a >> 7) % 3 == 0);
    }

    /// Many timers due before the stage's bound: the stage is split again
    /// instead of growing into a full exact heap; order holds throughout.
    #[test]
    fn fast_mode_stage_split() {
        use crate::core::clock::micros_to_tv;
        let mut evs = new_events(2000);
        let ptrs: Vec<*mut Event> = evs.iter_mut().map(|e| &mut **e as *mut Event).collect();
        let mut h = TimerHeap::new(true, 0);
        // SAFETY (whole body): the boxed events outlive the heap; each is
        // pushed once and removed once.
        unsafe {
            // One far timer loads the stage with a far bound.
            (*{ ptrs[0] }).timeout = micros_to_tv(60_000_000);
            h.push(ptrs[0], 60_000_000);
            assert_eq!(h.top().map(|t| t.0), Some(60_000_000));
            for (i, &p) in ptrs.iter().enumerate().skip(1) {
                let key = ((i * 7919) % 50_000_000) as Micros;
                (*p).timeout = micros_to_tv(key);
                h.push(p, key);
            }
            h.top();
            h.check().unwrap();
            assert!(h.fast.as_ref().unwrap().stage.v.len() < 1000);
            let mut last = Micros::MIN;
            while let Some((k, ev)) = h.top() {
                assert!(k >= last);
                last = k;
                h.remove(ev);
                h.check().unwrap();
            }
        }
    }
}
