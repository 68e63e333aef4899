//! Adding and removing bytes: add, prepend, drain, copyout, remove, moving
//! chains between buffers, references, pullup, expand, reserve/commit.
//!
//! Every function here keeps the invariants listed in the module docs of
//! [`super`]; the C layer wraps them in [`Evbuffer::locked`].

use super::chain::{self, Chain, RefCleanupFn};
use super::Evbuffer;
use libc::{c_void, iovec};
use std::ptr;

/// Errors are all libevent's `-1`.
pub type Res<T = ()> = Result<T, ()>;

/// Data at most this long is moved inside its chain rather than copied to a
/// new one when that makes room.
const MAX_TO_REALIGN: usize = 2048;
/// `evbuffer_expand` copies at most this much into a bigger chain.
const MAX_TO_COPY_IN_EXPAND: usize = 4096;

/// Whether moving `c`'s data to its start is worth it to fit `n` more bytes:
/// it makes enough room, and moves little (less than half the chain, at most
/// `MAX_TO_REALIGN` bytes).
fn worth_realigning(c: &Chain, n: usize) -> bool {
    c.buffer_len - c.off >= n && c.off < c.buffer_len / 2 && c.off <= MAX_TO_REALIGN
}

/// Free space a writer may use in `c` (none in a chain that is not writable).
#[inline]
pub(crate) fn wspace(c: &Chain) -> usize {
    if c.writable() {
        c.space()
    } else {
        0
    }
}

/// Up to this many bytes an add is copied inline, without calling `memcpy`.
pub const SMALL_COPY: usize = 32;

/// `copy_nonoverlapping` that copies up to [`SMALL_COPY`] bytes inline
/// (two possibly overlapping loads and stores of the widest word that fits),
/// where a call to `memcpy` would cost more than the copy: small adds are
/// the common case of protocol code.
///
/// # Safety
/// As for `ptr::copy_nonoverlapping(src, dst, len)`.
#[inline(always)]
unsafe fn copy_bytes(src: *const u8, dst: *mut u8, len: usize) {
    // SAFETY: caller's contract; every access stays within src[..len] and
    // dst[..len], and the two ranges do not overlap.
    unsafe {
        match len {
            0 => {}
            1..=3 => {
                *dst = *src;
                *dst.add(len / 2) = *src.add(len / 2);
                *dst.add(len - 1) = *src.add(len - 1);
            }
            4..=7 => {
                let (a, b) = (ptr::read_unaligned(src.cast::<u32>()), ptr::read_unaligned(src.add(len - 4).cast::<u32>()));
                ptr::write_unaligned(dst.cast::<u32>(), a);
                ptr::write_unaligned(dst.add(len - 4).cast::<u32>(), b);
            }
            8..=15 => {
                let (a, b) = (ptr::read_unaligned(src.cast::<u64>()), ptr::read_unaligned(src.add(len - 8).cast::<u64>()));
                ptr::write_unaligned(dst.cast::<u64>(), a);
                ptr::write_unaligned(dst.add(len - 8).cast::<u64>(), b);
            }
            16..=SMALL_COPY => {
                let (a, b) = (ptr::read_unaligned(src.cast::<u128>()), ptr::read_unaligned(src.add(len - 16).cast::<u128>()));
                ptr::write_unaligned(dst.cast::<u128>(), a);
                ptr::write_unaligned(dst.add(len - 16).cast::<u128>(), b);
            }
            _ => ptr::copy_nonoverlapping(src, dst, len),
        }
    }
}

impl Evbuffer {
    // ---- the chain list ---------------------------------------------------

    /// The chain designated by `last_with_datap`.
    #[inline]
    pub(crate) fn lwd(&self) -> *mut Chain {
        // SAFETY: invariant 3: last_with_datap points at a live slot.
        unsafe { *self.last_with_datap }
    }

    /// Frees the empty chains after the last one holding data (pinned ones
    /// stay), and returns the slot a new chain goes into; `last` is updated.
    fn trailing_slot(&mut self) -> *mut *mut Chain {
        // SAFETY: invariants 1 and 3; `next` is the first field of a chain,
        // so a slot that is not `&first` is the chain owning it.
        unsafe {
            let mut slot = self.last_with_datap;
            while !(*slot).is_null() && ((**slot).off != 0 || (**slot).pinned()) {
                slot = ptr::addr_of_mut!((**slot).next);
            }
            let mut c = *slot;
            while !c.is_null() {
                let n = (*c).next;
                Chain::release(c);
                c = n;
            }
            *slot = ptr::null_mut();
            self.last = if slot == ptr::addr_of_mut!(self.first) { ptr::null_mut() } else { slot.cast::<Chain>() };
            slot
        }
    }

    /// Links `c` (unlinked, possibly holding data) at the end, in place of
    /// any trailing empty chains; counts its bytes in `total_len`.
    pub(crate) fn append_chain(&mut self, c: *mut Chain) {
        let slot = self.trailing_slot();
        // SAFETY: slot is a live slot at the end of the list; c is ours.
        unsafe {
            (*c).next = ptr::null_mut();
            *slot = c;
            self.last = c;
            if (*c).off > 0 {
                self.last_with_datap = slot;
            }
            self.total_len += (*c).off;
        }
    }

    /// Links the list `head..=tail` (holding `nbytes`) at the end, in place
    /// of trailing empty chains.
    pub(crate) fn append_list(&mut self, head: *mut Chain, tail: *mut Chain, nbytes: usize) {
        if head.is_null() {
            return;
        }
        let slot = self.trailing_slot();
        // SAFETY: slot is the live end slot; head..tail is a valid list we own.
        unsafe {
            *slot = head;
            (*tail).next = ptr::null_mut();
            self.last = tail;
            self.total_len += nbytes;
            if nbytes > 0 {
                // Find the slot of the last chain with data in the new part.
                let mut p = slot;
                let mut q = slot;
                while !(*q).is_null() {
                    if (**q).off > 0 {
                        p = q;
                    }
                    q = ptr::addr_of_mut!((**q).next);
                }
                self.last_with_datap = p;
            }
        }
    }

    /// Appends an empty chain without touching trailing empty chains.
    fn push_empty(&mut self, c: *mut Chain) {
        // SAFETY: c is a fresh chain; last (if any) is live.
        unsafe {
            (*c).next = ptr::null_mut();
            if self.last.is_null() {
                self.first = c;
                self.last_with_datap = ptr::addr_of_mut!(self.first);
            } else {
                (*self.last).next = c;
            }
        }
        self.last = c;
    }

    /// Moves `last_with_datap` forward to the last chain holding data, after
    /// bytes were written into chains after it.
    pub(crate) fn advance_lwd(&mut self) {
        // SAFETY: invariants 1 and 3 (walking live slots to the end).
        unsafe {
            let mut p = self.last_with_datap;
            let mut q = p;
            while !(*q).is_null() {
                if (**q).off > 0 {
                    p = q;
                }
                q = ptr::addr_of_mut!((**q).next);
            }
            self.last_with_datap = p;
        }
    }

    /// Walks the chains, first to last.
    pub(crate) fn chains(&self) -> impl Iterator<Item = *mut Chain> {
        let mut c = self.first;
        std::iter::from_fn(move || {
            if c.is_null() {
                None
            } else {
                let r = c;
                // SAFETY: chains of the list are live.
                c = unsafe { (*c).next };
                Some(r)
            }
        })
    }

    // ---- adding -----------------------------------------------------------

    /// `evbuffer_add`.
    /// No lock and no callbacks: a change needs neither locking nor
    /// callback bookkeeping (the `*_unshared` fast paths).
    #[inline(always)]
    fn unshared(&self) -> bool {
        self.lock_ptr().is_null() && !self.has_callbacks()
    }

    /// The common case of `add` on a buffer without lock or callbacks (so no
    /// locking and no callback bookkeeping is needed): the bytes fit in the
    /// last chain with data. False, with nothing changed, in any other case.
    #[inline(always)]
    pub fn add_unshared(&mut self, data: &[u8]) -> bool {
        let last = self.lwd();
        if last.is_null() || self.freeze_end || !self.unshared() {
            return false;
        }
        // SAFETY: invariant 3: `last` is a live chain of this buffer.
        let l = unsafe { &mut *last };
        let len = data.len();
        if !l.writable() || l.space() < len || len > usize::MAX - self.total_len {
            return false;
        }
        // SAFETY: the chain has `len` bytes of free space after its data.
        unsafe { copy_bytes(data.as_ptr(), l.space_ptr(), len) };
        l.off += len;
        self.total_len += len;
        // What running the (absent) callbacks would do.
        self.n_add_for_cb = 0;
        self.n_del_for_cb = 0;
        true
    }

    pub fn add(&mut self, data: &[u8]) -> Res {
        if self.freeze_end {
            return Err(());
        }
        let len = data.len();
        if len > usize::MAX - self.total_len {
            return Err(());
        }
        // Bytes go after the last chain holding data (trailing empty chains,
        // left by reserve or expand, are dropped if a new chain is needed).
        let mut last = self.lwd();
        if last.is_null() {
            // No chain at all: one sized for the data (even for none).
            let c = Chain::new_mem(len);
            if c.is_null() {
                return Err(());
            }
            self.append_chain(c);
            last = c;
        }
        if len == 0 {
            return Ok(());
        }
        // SAFETY: last is a live chain of this buffer; copies stay in its
        // free space (checked) or in a fresh chain sized for the rest.
        unsafe {
            let l = &mut *last;
            let mut room = 0;
            if l.writable() {
                room = l.space();
                if room < len && !l.pinned() && worth_realigning(l, len) {
                    Chain::realign(last);
                    room = l.space();
                }
                if room >= len {
                    // `last` is the last chain with data (or the first chain
                    // of an empty buffer), so `last_with_datap` stays right.
                    ptr::copy_nonoverlapping(data.as_ptr(), l.space_ptr(), len);
                    l.off += len;
                    self.total_len += len;
                    self.n_add_for_cb += len;
                    return Ok(());
                }
            }
            // A new chain: double the last one (up to MAX_AUTO_SIZE), or the
            // whole length if bigger; what fits goes into the old one first.
            let mut size = l.buffer_len;
            if size <= chain::MAX_AUTO_SIZE / 2 {
                size <<= 1;
            }
            size = size.max(len);
            let c = Chain::new_mem(size);
            if c.is_null() {
                return Err(());
            }
            if room > 0 {
                ptr::copy_nonoverlapping(data.as_ptr(), l.space_ptr(), room);
                l.off += room;
                self.total_len += room;
            }
            ptr::copy_nonoverlapping(data.as_ptr().add(room), (*c).buffer, len - room);
            (*c).off = len - room;
            self.append_chain(c);
            self.n_add_for_cb += len;
        }
        Ok(())
    }

    /// `evbuffer_prepend`.
    pub fn prepend(&mut self, data: &[u8]) -> Res {
        if self.freeze_start {
            return Err(());
        }
        let len = data.len();
        if len > usize::MAX - self.total_len {
            return Err(());
        }
        if len == 0 {
            return Ok(());
        }
        let mut rest = len;
        let first = self.first;
        // SAFETY: first (if any) is a live chain; writes stay inside its
        // misalign area (checked) or inside the fresh chain.
        unsafe {
            if !first.is_null() && (*first).writable() && !(*first).pinned() {
                let f = &mut *first;
                if f.off == 0 {
                    // Empty: put the bytes at its end, leaving room in front.
                    f.misalign = f.buffer_len;
                }
                let n = f.misalign.min(rest);
                if n > 0 {
                    rest -= n;
                    let was_empty = f.off == 0;
                    ptr::copy_nonoverlapping(data.as_ptr().add(rest), f.buffer.add(f.misalign - n), n);
                    f.misalign -= n;
                    f.off += n;
                    self.total_len += n;
                    if was_empty {
                        self.advance_lwd();
                    }
                }
            }
            if rest > 0 {
                let c = Chain::new_mem(rest);
                if c.is_null() {
                    // Nothing half-done is visible: undo the part placed.
                    if rest != len {
                        let f = &mut *first;
                        f.misalign += len - rest;
                        f.off -= len - rest;
                        self.total_len -= len - rest;
                        if f.off == 0 {
                            self.last_with_datap = ptr::addr_of_mut!(self.first);
                            self.advance_lwd();
                        }
                    }
                    return Err(());
                }
                let cr = &mut *c;
                cr.misalign = cr.buffer_len - rest;
                cr.off = rest;
                ptr::copy_nonoverlapping(data.as_ptr(), cr.data(), rest);
                self.link_first(c);
            }
        }
        self.n_add_for_cb += len;
        Ok(())
    }

    /// Links the data-holding chain `c` in front of the list.
    fn link_first(&mut self, c: *mut Chain) {
        // SAFETY: c is ours and holds data; first (if any) is live.
        unsafe {
            let old = self.first;
            (*c).next = old;
            self.first = c;
            self.total_len += (*c).off;
            if old.is_null() {
                self.last = c;
                self.last_with_datap = ptr::addr_of_mut!(self.first);
            } else if self.last_with_datap == ptr::addr_of_mut!(self.first) {
                // The old first was the last data chain, or there was no data.
                if (*old).off > 0 {
                    self.last_with_datap = ptr::addr_of_mut!((*c).next);
                }
            }
        }
    }

    /// `evbuffer_add_reference`. On failure the cleanup function is not run.
    pub fn add_reference(&mut self, data: *const u8, len: usize, cleanup: RefCleanupFn, arg: *mut c_void) -> Res {
        if self.freeze_end || len > usize::MAX - self.total_len || len > chain::CHAIN_MAX {
            return Err(());
        }
        let c = Chain::new_reference(data, len, cleanup, arg);
        if c.is_null() {
            return Err(());
        }
        self.append_chain(c);
        self.n_add_for_cb += len;
        Ok(())
    }

    // ---- removing ---------------------------------------------------------

    /// `evbuffer_drain`: removes `len` bytes (all if more).
    /// The common case of `drain` on a buffer without lock or callbacks:
    /// fewer bytes than the first chain holds. False, with nothing changed,
    /// in any other case.
    #[inline(always)]
    pub fn drain_unshared(&mut self, len: usize) -> bool {
        let first = self.first;
        if first.is_null() || self.freeze_start || !self.unshared() {
            return false;
        }
        // SAFETY: invariant 1: `first` is a live chain of this buffer.
        let f = unsafe { &mut *first };
        if len >= f.off {
            return false;
        }
        f.misalign += len;
        f.off -= len;
        self.total_len -= len;
        self.n_add_for_cb = 0;
        self.n_del_for_cb = 0;
        true
    }

    pub fn drain(&mut self, len: usize) -> Res {
        // libevent's order: an empty buffer drains fine even when frozen.
        if self.total_len == 0 {
            return Ok(());
        }
        if self.freeze_start {
            return Err(());
        }
        if len == 0 {
            return Ok(());
        }
        if len >= self.total_len {
            let n = self.total_len;
            self.clear_chains();
            self.n_del_for_cb += n;
            return Ok(());
        }
        self.drain_front(len);
        self.n_del_for_cb += len;
        Ok(())
    }

    /// Removes `len < total_len` bytes from the front (no callback counts).
    fn drain_front(&mut self, len: usize) {
        let mut rest = len;
        // SAFETY: invariants; since rest < total_len the loop stops on a
        // chain with data, so `c` never runs off the list.
        unsafe {
            let mut c = self.first;
            while rest >= (*c).off {
                rest -= (*c).off;
                let n = (*c).next;
                if self.last_with_datap == ptr::addr_of_mut!((*c).next) {
                    self.last_with_datap = ptr::addr_of_mut!(self.first);
                }
                Chain::release(c);
                c = n;
                self.first = c;
            }
            (*c).misalign += rest;
            (*c).off -= rest;
            self.total_len -= len;
        }
    }

    /// Copies up to `out.len()` bytes from position `start` (chain, offset
    /// inside it) without removing them; the number copied.
    ///
    /// # Safety
    /// `start` is null or a chain of this buffer with `pos_in_chain <= off`.
    pub unsafe fn copy_from(&mut self, start: *mut Chain, pos_in_chain: usize, out: &mut [u8]) -> usize {
        if self.has_sendfile() && self.materialize_all().is_err() {
            return 0;
        }
        let mut done = 0;
        let mut c = start;
        let mut skip = pos_in_chain;
        // SAFETY: caller's contract for `start`; chains are live; copies stay
        // within each chain's data and `out`.
        unsafe {
            while done < out.len() && !c.is_null() {
                let b = Chain::bytes(c);
                let avail = b.len().saturating_sub(skip);
                let n = avail.min(out.len() - done);
                if n > 0 {
                    out[done..done + n].copy_from_slice(&b[skip..skip + n]);
                    done += n;
                }
                skip = 0;
                c = (*c).next;
            }
        }
        done
    }

    /// `evbuffer_copyout`.
    pub fn copyout(&mut self, out: &mut [u8]) -> Res<usize> {
        if out.is_empty() || self.total_len == 0 {
            return Ok(0);
        }
        if self.freeze_start {
            return Err(());
        }
        let first = self.first;
        // SAFETY: the first chain, offset 0.
        Ok(unsafe { self.copy_from(first, 0, out) })
    }

    /// `evbuffer_remove`: copies out and drains what was copied.
    pub fn remove(&mut self, out: &mut [u8]) -> Res<usize> {
        let n = self.copyout(out)?;
        if n > 0 {
            self.drain(n)?;
        }
        Ok(n)
    }

    // ---- moving between buffers ------------------------------------------

    /// Takes every chain out of `self`: (head, tail, bytes), leaving it empty.
    fn take_all(&mut self) -> (*mut Chain, *mut Chain, usize) {
        let r = (self.first, self.last, self.total_len);
        self.first = ptr::null_mut();
        self.last = ptr::null_mut();
        self.last_with_datap = ptr::addr_of_mut!(self.first);
        self.total_len = 0;
        self.has_sendfile = false;
        r
    }

    /// `evbuffer_add_buffer`: moves all of `src` to the end of `self`.
    pub fn add_buffer(&mut self, src: &mut Evbuffer) -> Res {
        let n = src.total_len;
        if n == 0 {
            return Ok(());
        }
        if self.freeze_end || src.freeze_start || n > usize::MAX - self.total_len {
            return Err(());
        }
        let sendfile = src.has_sendfile();
        let (h, t, n) = src.take_all();
        self.append_list(h, t, n);
        if sendfile {
            self.set_has_sendfile();
        }
        src.n_del_for_cb += n;
        self.n_add_for_cb += n;
        Ok(())
    }

    /// `evbuffer_prepend_buffer`: moves all of `src` to the front of `self`.
    pub fn prepend_buffer(&mut self, src: &mut Evbuffer) -> Res {
        let n = src.total_len;
        if n == 0 {
            return Ok(());
        }
        if self.freeze_start || src.freeze_start || n > usize::MAX - self.total_len {
            return Err(());
        }
        let sendfile = src.has_sendfile();
        if self.first.is_null() {
            let (h, t, n) = src.take_all();
            self.append_list(h, t, n);
        } else {
            // Drop src's trailing empty chains so its last chain holds data.
            src.trailing_slot();
            let (h, t, n) = src.take_all();
            // SAFETY: h..t is a list we own whose last chain holds data; our
            // first chain is live.
            unsafe {
                let old = self.first;
                (*t).next = old;
                self.first = h;
                self.total_len += n;
                if self.last_with_datap == ptr::addr_of_mut!(self.first) {
                    if (*old).off > 0 {
                        self.last_with_datap = ptr::addr_of_mut!((*t).next);
                    } else {
                        // We held no data: the last data chain is src's.
                        self.advance_lwd();
                    }
                }
            }
        }
        if sendfile {
            self.set_has_sendfile();
        }
        src.n_del_for_cb += n;
        self.n_add_for_cb += n;
        Ok(())
    }

    /// `evbuffer_remove_buffer`: moves up to `len` bytes from the front of
    /// `self` to the end of `dst`, whole chains where possible. The number moved.
    pub fn remove_buffer(&mut self, dst: &mut Evbuffer, len: usize) -> Res<usize> {
        if dst.freeze_end || self.freeze_start {
            return Err(());
        }
        if len == 0 || self.total_len == 0 {
            return Ok(0);
        }
        if len >= self.total_len {
            let n = self.total_len;
            dst.add_buffer(self)?;
            return Ok(n);
        }
        if len > usize::MAX - dst.total_len {
            return Err(());
        }
        let mut rest = len;
        let mut moved = 0;
        let head = self.first;
        let mut tail: *mut Chain = ptr::null_mut();
        // SAFETY: invariants; rest < total_len, so the walk stops on a chain
        // of the list with more data than `rest`.
        unsafe {
            let mut c = self.first;
            while (*c).off <= rest {
                rest -= (*c).off;
                moved += (*c).off;
                if self.last_with_datap == ptr::addr_of_mut!((*c).next) {
                    self.last_with_datap = ptr::addr_of_mut!(self.first);
                }
                tail = c;
                c = (*c).next;
            }
            self.first = c;
            self.total_len -= moved;
            if !tail.is_null() {
                if self.has_sendfile() {
                    dst.set_has_sendfile();
                }
                dst.append_list(head, tail, moved);
            }
            self.n_del_for_cb += moved;
            dst.n_add_for_cb += moved;
            if rest > 0 {
                if (*c).buffer.is_null() && self.materialize_all().is_err() {
                    // A sendfile chain whose bytes cannot be brought in.
                    return Ok(moved);
                }
                let part = std::slice::from_raw_parts((*c).data(), rest);
                if dst.add(part).is_err() {
                    return Ok(moved);
                }
                (*c).misalign += rest;
                (*c).off -= rest;
                self.total_len -= rest;
                self.n_del_for_cb += rest;
            }
        }
        Ok(len)
    }

    /// `evbuffer_add_buffer_reference`: adds `src`'s bytes to `self` without
    /// copying (chains that share `src`'s memory). Fails if `src` holds file
    /// segments or shared chains itself.
    pub fn add_buffer_reference(&mut self, src: &mut Evbuffer) -> Res {
        if self.freeze_end {
            return Err(());
        }
        let n = src.total_len;
        for c in src.chains() {
            // SAFETY: chains of src are live.
            if unsafe { (*c).flags } & (chain::FLAG_FILESEGMENT | chain::FLAG_SENDFILE | chain::FLAG_MULTICAST) != 0 {
                return Err(());
            }
        }
        if n == 0 {
            return Ok(());
        }
        if n > usize::MAX - self.total_len {
            return Err(());
        }
        let (mut head, mut tail): (*mut Chain, *mut Chain) = (ptr::null_mut(), ptr::null_mut());
        for c in src.chains() {
            // SAFETY: c is a live chain of src with data; the new chain is ours.
            unsafe {
                if (*c).off == 0 {
                    continue;
                }
                let m = Chain::new_multicast(c);
                if m.is_null() {
                    let mut x = head;
                    while !x.is_null() {
                        let nx = (*x).next;
                        Chain::release(x);
                        x = nx;
                    }
                    return Err(());
                }
                if tail.is_null() {
                    head = m;
                } else {
                    (*tail).next = m;
                }
                tail = m;
            }
        }
        self.append_list(head, tail, n);
        self.n_add_for_cb += n;
        Ok(())
    }

    // ---- contiguity, space ------------------------------------------------

    /// `evbuffer_get_contiguous_space`: the data bytes in the first chain.
    pub fn contiguous_space(&self) -> usize {
        // SAFETY: first is null or live.
        unsafe { self.first.as_ref().map_or(0, |c| c.off) }
    }

    /// `evbuffer_pullup`: makes the first `size` bytes (all for a negative
    /// size) contiguous; null when there are fewer, or none asked.
    pub fn pullup(&mut self, size: isize) -> *mut u8 {
        let size = if size < 0 { self.total_len } else { size as usize };
        if size == 0 || size > self.total_len {
            return ptr::null_mut();
        }
        if self.has_sendfile() && self.materialize_all().is_err() {
            return ptr::null_mut();
        }
        // SAFETY: invariants; size <= total_len, so the chains consumed
        // below hold at least `size` bytes; copies stay in the target chain.
        unsafe {
            let first = self.first;
            if (*first).off >= size {
                return (*first).data();
            }
            let old_last_data = self.lwd();
            let target;
            let mut have;
            let mut c;
            let f = &mut *first;
            if f.writable() && !f.pinned() && f.buffer_len - f.misalign >= size {
                target = first;
                have = f.off;
                c = f.next;
            } else {
                target = Chain::new_mem(size);
                if target.is_null() {
                    return ptr::null_mut();
                }
                have = 0;
                c = first;
            }
            let dst = (*target).data();
            let mut freed_last_data = false;
            while have < size {
                let take = (*c).off.min(size - have);
                ptr::copy_nonoverlapping((*c).data(), dst.add(have), take);
                have += take;
                if take == (*c).off {
                    let n = (*c).next;
                    if c == old_last_data {
                        freed_last_data = true;
                    }
                    if c == self.last {
                        self.last = target;
                    }
                    Chain::release(c);
                    c = n;
                } else {
                    (*c).misalign += take;
                    (*c).off -= take;
                }
            }
            (*target).off = size;
            (*target).next = c;
            self.first = target;
            if c.is_null() {
                self.last = target;
            }
            if freed_last_data {
                self.last_with_datap = ptr::addr_of_mut!(self.first);
            } else if old_last_data == c {
                self.last_with_datap = ptr::addr_of_mut!((*target).next);
            }
            (*target).data()
        }
    }

    /// The chain with at least `n` free contiguous bytes where appended data
    /// goes next, made if need be (`evbuffer_expand`). Null if out of memory.
    pub(crate) fn expand_single(&mut self, n: usize) -> *mut Chain {
        if n > chain::CHAIN_MAX || n > usize::MAX - self.total_len {
            return ptr::null_mut();
        }
        // SAFETY: invariants; every chain touched is live.
        unsafe {
            let mut slot = self.last_with_datap;
            if !(*slot).is_null() && wspace(&**slot) == 0 {
                slot = ptr::addr_of_mut!((**slot).next);
            }
            let c = *slot;
            if c.is_null() || !(*c).writable() || (*c).pinned() || (*c).off == 0 {
                if !c.is_null() && (*c).writable() && !(*c).pinned() && (*c).space() >= n {
                    return c;
                }
                return self.append_new(n);
            }
            let cr = &mut *c;
            if cr.space() >= n {
                return c;
            }
            if worth_realigning(cr, n) {
                Chain::realign(c);
                return c;
            }
            if cr.space() < cr.buffer_len / 8 || cr.off > MAX_TO_COPY_IN_EXPAND || n >= chain::CHAIN_MAX - cr.off {
                // Not worth growing this one: use the next chain if it fits,
                // or a new one.
                let nx = cr.next;
                if !nx.is_null() && wspace(&*nx) >= n {
                    return nx;
                }
                return self.append_new(n);
            }
            // Grow: a bigger chain replaces this one.
            let g = Chain::new_mem(cr.off + n);
            if g.is_null() {
                return g;
            }
            ptr::copy_nonoverlapping(cr.data(), (*g).buffer, cr.off);
            (*g).off = cr.off;
            (*g).next = cr.next;
            *slot = g;
            if self.last == c {
                self.last = g;
            }
            if self.last_with_datap == ptr::addr_of_mut!(cr.next) {
                self.last_with_datap = ptr::addr_of_mut!((*g).next);
            }
            Chain::release(c);
            g
        }
    }

    /// Appends a new empty chain for `n` bytes (dropping trailing empty ones).
    fn append_new(&mut self, n: usize) -> *mut Chain {
        let c = Chain::new_mem(n);
        if !c.is_null() {
            self.append_chain(c);
        }
        c
    }

    /// `evbuffer_expand`.
    pub fn expand(&mut self, n: usize) -> Res {
        if self.expand_single(n).is_null() {
            Err(())
        } else {
            Ok(())
        }
    }

    /// The first chain appended data may go into: the last data chain if it
    /// has writable room, else the one after it.
    pub(crate) fn first_space_chain(&self) -> *mut Chain {
        let l = self.lwd();
        if l.is_null() {
            return l;
        }
        // SAFETY: l is live.
        unsafe {
            if wspace(&*l) == 0 {
                (*l).next
            } else {
                l
            }
        }
    }

    /// `evbuffer_expand_fast_`: makes sure `n` free bytes are available in
    /// at most `nvec` chains from the first with room.
    pub fn expand_fast(&mut self, n: usize, nvec: usize) -> Res {
        if n > chain::CHAIN_MAX || n > usize::MAX - self.total_len {
            return Err(());
        }
        let last = self.last;
        // SAFETY: invariants; chains walked are live.
        unsafe {
            if last.is_null() || !(*last).writable() || (*last).pinned() {
                return if self.append_new(n).is_null() { Err(()) } else { Ok(()) };
            }
            let mut avail = 0usize;
            let mut used = 0usize;
            let mut c = self.first_space_chain();
            while !c.is_null() && used < nvec {
                avail += wspace(&*c);
                used += 1;
                if avail >= n {
                    return Ok(());
                }
                c = (*c).next;
            }
            if used < nvec {
                // Room for one more chain.
                let nc = Chain::new_mem(n - avail);
                if nc.is_null() {
                    return Err(());
                }
                self.push_empty(nc);
                return Ok(());
            }
            // Too many small chains: keep the last data chain's room and
            // replace the empty chains after it by one big enough.
            let l = self.lwd();
            let keep = if !l.is_null() && (*l).off > 0 { wspace(&*l) } else { 0 };
            let need = if nvec >= 2 { n - keep } else { n };
            let nc = Chain::new_mem(need);
            if nc.is_null() {
                return Err(());
            }
            self.append_chain(nc);
            Ok(())
        }
    }

    /// `evbuffer_reserve_space`: fills `vec` with free extents totalling at
    /// least `size` bytes; the number used.
    pub fn reserve_space(&mut self, size: usize, vec: &mut [iovec]) -> Res<usize> {
        if vec.is_empty() || self.freeze_end {
            return Err(());
        }
        if vec.len() == 1 {
            let c = self.expand_single(size);
            if c.is_null() {
                return Err(());
            }
            // SAFETY: c is a live writable chain.
            unsafe {
                vec[0] = iovec { iov_base: (*c).space_ptr().cast(), iov_len: (*c).space() };
            }
            return Ok(1);
        }
        self.expand_fast(size, vec.len())?;
        Ok(self.space_vecs(size, vec, false))
    }

    /// `evbuffer_read_setup_vecs_`: describes the free space from the first
    /// chain with room, up to `howmuch` bytes (each extent whole, or trimmed
    /// to `howmuch` when `exact`).
    pub fn space_vecs(&self, howmuch: usize, vec: &mut [iovec], exact: bool) -> usize {
        let mut c = self.first_space_chain();
        let mut so_far = 0usize;
        let mut i = 0;
        // SAFETY: chains walked are live.
        unsafe {
            while i < vec.len() && so_far < howmuch && !c.is_null() {
                let mut avail = wspace(&*c);
                if exact && avail > howmuch - so_far {
                    avail = howmuch - so_far;
                }
                vec[i] = iovec { iov_base: (*c).space_ptr().cast(), iov_len: avail };
                so_far += avail;
                i += 1;
                c = (*c).next;
            }
        }
        i
    }

    /// `evbuffer_commit_space`: makes the reserved bytes written into `vec`
    /// part of the data; -1 if the extents are not the reserved ones.
    pub fn commit_space(&mut self, vec: &[iovec]) -> Res {
        if self.freeze_end {
            return Err(());
        }
        if vec.is_empty() {
            return Ok(());
        }
        // SAFETY: chains walked are live; lengths are checked against each
        // chain's writable space before any is changed.
        unsafe {
            let last = self.last;
            if vec.len() == 1 && !last.is_null() && (*last).writable() && vec[0].iov_base == (*last).space_ptr().cast()
            {
                let n = vec[0].iov_len;
                if n > (*last).space() {
                    return Err(());
                }
                (*last).off += n;
                self.total_len += n;
                self.n_add_for_cb += n;
                if n > 0 {
                    self.advance_lwd();
                }
                return Ok(());
            }
            let start = self.first_space_chain();
            let mut c = start;
            for v in vec {
                if c.is_null() || v.iov_base != (*c).space_ptr().cast::<c_void>() || v.iov_len > wspace(&*c) {
                    return Err(());
                }
                c = (*c).next;
            }
            let mut c = start;
            let mut added = 0;
            for v in vec {
                (*c).off += v.iov_len;
                added += v.iov_len;
                c = (*c).next;
            }
            self.total_len += added;
            self.n_add_for_cb += added;
            if added > 0 {
                self.advance_lwd();
            }
        }
        Ok(())
    }

    /// Makes `n` bytes written at `p`, the free space of one of the chains
    /// from the first with room on, part of the data (a formatted add).
    pub fn commit_at(&mut self, p: *mut u8, n: usize) -> Res {
        if self.freeze_end || n > usize::MAX - self.total_len {
            return Err(());
        }
        let mut c = self.first_space_chain();
        // SAFETY: chains walked are live.
        unsafe {
            while !c.is_null() {
                if (*c).writable() && (*c).space_ptr() == p {
                    if n > (*c).space() {
                        return Err(());
                    }
                    (*c).off += n;
                    self.total_len += n;
                    self.n_add_for_cb += n;
                    if n > 0 {
                        self.advance_lwd();
                    }
                    return Ok(());
                }
                c = (*c).next;
            }
        }
        Err(())
    }
}
