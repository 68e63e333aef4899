//! Positions (`struct evbuffer_ptr`), search, end-of-line search, readln
//! and peek.
//!
//! A position is the byte offset `pos` plus, for speed, the chain holding
//! that byte and the offset inside it. A position always names a chain byte
//! (`pos_in_chain < off`) or is the end of the buffer (chain null); as in
//! libevent it is valid only until the buffer changes.

use super::chain::Chain;
use super::ops::Res;
use super::Evbuffer;
use libc::{c_void, iovec};
use std::ptr;

/// `struct evbuffer_ptr`: `pos`, then libevent's `internal_` (`chain`,
/// `pos_in_chain`), same layout.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EvbufferPtr {
    pub pos: isize,
    pub chain: *mut c_void,
    pub pos_in_chain: usize,
}

impl EvbufferPtr {
    /// The "not found" value: `pos == -1`.
    pub const NOT_FOUND: EvbufferPtr = EvbufferPtr { pos: -1, chain: ptr::null_mut(), pos_in_chain: 0 };

    fn chain(&self) -> *mut Chain {
        self.chain.cast()
    }
}

/// `enum evbuffer_eol_style`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EolStyle {
    Any,
    Crlf,
    CrlfStrict,
    Lf,
    Nul,
}

impl EolStyle {
    pub fn from_c(v: i32) -> Option<EolStyle> {
        Some(match v {
            0 => EolStyle::Any,
            1 => EolStyle::Crlf,
            2 => EolStyle::CrlfStrict,
            3 => EolStyle::Lf,
            4 => EolStyle::Nul,
            _ => return None,
        })
    }
}

/// `EVBUFFER_PTR_SET` / `EVBUFFER_PTR_ADD`.
pub const PTR_SET: i32 = 0;
pub const PTR_ADD: i32 = 1;

/// First index of `b` in `hay`.
#[inline]
fn memchr(b: u8, hay: &[u8]) -> Option<usize> {
    if hay.is_empty() {
        return None;
    }
    // SAFETY: hay is a valid slice; memchr reads at most hay.len() bytes.
    let p = unsafe { libc::memchr(hay.as_ptr().cast(), b as i32, hay.len()) };
    if p.is_null() {
        None
    } else {
        Some(p as usize - hay.as_ptr() as usize)
    }
}

/// First index of `a` or `b` in `hay`.
#[inline]
fn memchr2(a: u8, b: u8, hay: &[u8]) -> Option<usize> {
    match memchr(a, hay) {
        Some(i) => Some(memchr(b, &hay[..i]).unwrap_or(i)),
        None => memchr(b, hay),
    }
}

impl Evbuffer {
    /// The start of the buffer as a position.
    fn start_ptr(&self) -> EvbufferPtr {
        let mut p = EvbufferPtr { pos: 0, chain: self.first.cast(), pos_in_chain: 0 };
        self.normalize(&mut p);
        p
    }

    /// Moves a position that sits at the end of its chain to the start of
    /// the next chain with data (or to the end: chain null).
    fn normalize(&self, p: &mut EvbufferPtr) {
        let mut c = p.chain();
        // SAFETY: c is null or a live chain of this buffer.
        unsafe {
            while !c.is_null() && p.pos_in_chain >= (*c).off {
                p.pos_in_chain -= (*c).off;
                c = (*c).next;
            }
        }
        p.chain = c.cast();
        if c.is_null() {
            p.pos_in_chain = 0;
        }
    }

    /// `evbuffer_ptr_set`.
    ///
    /// # Safety
    /// Positions passed in came from this buffer (`ptr_set`, a search), and
    /// the buffer has not changed since (as libevent requires).
    pub unsafe fn ptr_set(&self, p: &mut EvbufferPtr, position: usize, how: i32) -> Res {
        let (mut c, mut at);
        let mut left;
        match how {
            PTR_SET => {
                if position > isize::MAX as usize {
                    *p = EvbufferPtr::NOT_FOUND;
                    return Err(());
                }
                p.pos = position as isize;
                c = self.first;
                at = 0usize;
                left = position;
            }
            PTR_ADD => {
                if p.pos < 0 || position > isize::MAX as usize - p.pos as usize {
                    return Err(());
                }
                p.pos += position as isize;
                c = p.chain();
                at = p.pos_in_chain;
                left = position;
            }
            _ => return Err(()),
        }
        // SAFETY: c is null or a live chain of this buffer (the pointer came
        // from this buffer, unchanged since: the caller's contract).
        unsafe {
            while !c.is_null() && at + left >= (*c).off {
                left -= (*c).off - at;
                c = (*c).next;
                at = 0;
            }
        }
        if !c.is_null() {
            p.chain = c.cast();
            p.pos_in_chain = at + left;
            Ok(())
        } else if left == 0 {
            p.chain = ptr::null_mut();
            p.pos_in_chain = 0;
            Ok(())
        } else {
            *p = EvbufferPtr::NOT_FOUND;
            Err(())
        }
    }

    /// Whether `what` is at position (c, at); false if the buffer ends first.
    fn matches_at(mut c: *mut Chain, mut at: usize, what: &[u8]) -> bool {
        let mut done = 0;
        // SAFETY: c is null or a live chain; slices stay within data.
        unsafe {
            while done < what.len() {
                if c.is_null() {
                    return false;
                }
                let b = Chain::bytes(c);
                let n = (b.len() - at.min(b.len())).min(what.len() - done);
                if b[at..at + n] != what[done..done + n] {
                    return false;
                }
                done += n;
                c = (*c).next;
                at = 0;
            }
        }
        true
    }

    /// `evbuffer_search_range`: the first occurrence of `what` at or after
    /// `start` that ends at or before `end` (positions; None: buffer bounds).
    ///
    /// # Safety
    /// Positions passed in came from this buffer (`ptr_set`, a search), and
    /// the buffer has not changed since (as libevent requires).
    pub unsafe fn search_range(&mut self, what: &[u8], start: Option<&EvbufferPtr>, end: Option<&EvbufferPtr>) -> EvbufferPtr {
        let mut p = match start {
            Some(s) => *s,
            None => self.start_ptr(),
        };
        if what.is_empty() || what.len() > isize::MAX as usize {
            return p;
        }
        if p.pos < 0 {
            return EvbufferPtr::NOT_FOUND;
        }
        if self.has_sendfile() && self.materialize_all().is_err() {
            return EvbufferPtr::NOT_FOUND;
        }
        let limit = match end {
            Some(e) => e.pos.max(-1),
            None => self.total_len as isize,
        };
        self.normalize(&mut p);
        let mut c = p.chain();
        let mut at = p.pos_in_chain;
        let mut pos = p.pos;
        // SAFETY: c is null or a live chain of this buffer.
        unsafe {
            while !c.is_null() {
                if pos + what.len() as isize > limit {
                    break;
                }
                let b = Chain::bytes(c);
                match memchr(what[0], &b[at.min(b.len())..]) {
                    Some(i) => {
                        pos += i as isize;
                        at += i;
                        if pos + what.len() as isize > limit {
                            break;
                        }
                        let n = what.len();
                        let hit = if at + n <= b.len() {
                            // Within this chain: the last byte first, a cheap
                            // way to reject most candidates.
                            b[at + n - 1] == what[n - 1] && b[at..at + n] == *what
                        } else {
                            Self::matches_at(c, at, what)
                        };
                        if hit {
                            return EvbufferPtr { pos, chain: c.cast(), pos_in_chain: at };
                        }
                        pos += 1;
                        at += 1;
                        if at >= (*c).off {
                            c = (*c).next;
                            at = 0;
                        }
                    }
                    None => {
                        pos += (b.len() - at.min(b.len())) as isize;
                        c = (*c).next;
                        at = 0;
                    }
                }
            }
        }
        EvbufferPtr::NOT_FOUND
    }

    /// Position of the first byte at or after `p` for which `find` (given a
    /// chain's remaining bytes) returns an index.
    fn scan(&self, p: &EvbufferPtr, find: impl Fn(&[u8]) -> Option<usize>) -> Option<EvbufferPtr> {
        let mut c = p.chain();
        let mut at = p.pos_in_chain;
        let mut pos = p.pos;
        // SAFETY: c is null or a live chain of this buffer.
        unsafe {
            while !c.is_null() {
                let b = Chain::bytes(c);
                let rest = &b[at.min(b.len())..];
                if let Some(i) = find(rest) {
                    return Some(EvbufferPtr { pos: pos + i as isize, chain: c.cast(), pos_in_chain: at + i });
                }
                pos += rest.len() as isize;
                c = (*c).next;
                at = 0;
            }
        }
        None
    }

    /// The byte at `p` and the position after it.
    fn byte_at(&self, p: &EvbufferPtr) -> Option<u8> {
        let c = p.chain();
        if c.is_null() {
            return None;
        }
        // SAFETY: live chain of this buffer.
        unsafe { Chain::bytes(c).get(p.pos_in_chain).copied() }
    }

    fn step(&self, p: &mut EvbufferPtr) {
        p.pos += 1;
        p.pos_in_chain += 1;
        self.normalize(p);
    }

    /// `evbuffer_search_eol`: where the first end of line at or after
    /// `start` begins, and its length; `(NOT_FOUND, 0)` if there is none.
    ///
    /// # Safety
    /// Positions passed in came from this buffer (`ptr_set`, a search), and
    /// the buffer has not changed since (as libevent requires).
    pub unsafe fn search_eol(&mut self, start: Option<&EvbufferPtr>, style: Option<EolStyle>) -> (EvbufferPtr, usize) {
        let mut p = match start {
            Some(s) => *s,
            None => self.start_ptr(),
        };
        let Some(style) = style else { return (EvbufferPtr::NOT_FOUND, 0) };
        if p.pos < 0 {
            return (EvbufferPtr::NOT_FOUND, 0);
        }
        if self.has_sendfile() && self.materialize_all().is_err() {
            return (EvbufferPtr::NOT_FOUND, 0);
        }
        self.normalize(&mut p);
        let found = match style {
            EolStyle::Any => self.scan(&p, |b| memchr2(b'\r', b'\n', b)).map(|s| {
                let mut q = s;
                let mut n = 0;
                while let Some(b'\r' | b'\n') = self.byte_at(&q) {
                    n += 1;
                    self.step(&mut q);
                }
                (s, n)
            }),
            EolStyle::Crlf => self.scan(&p, |b| memchr(b'\n', b)).map(|s| {
                if s.pos > p.pos {
                    let mut q = p;
                    // SAFETY: q is p, a position of this buffer.
                    if unsafe { self.ptr_set(&mut q, (s.pos - 1 - p.pos) as usize, PTR_ADD) }.is_ok()
                        && self.byte_at(&q) == Some(b'\r')
                    {
                        return (q, 2);
                    }
                }
                (s, 1)
            }),
            EolStyle::CrlfStrict => {
                let mut from = p;
                loop {
                    match self.scan(&from, |b| memchr(b'\r', b)) {
                        None => break None,
                        Some(s) => {
                            let mut q = s;
                            self.step(&mut q);
                            if self.byte_at(&q) == Some(b'\n') {
                                break Some((s, 2));
                            }
                            from = q;
                        }
                    }
                }
            }
            EolStyle::Lf => self.scan(&p, |b| memchr(b'\n', b)).map(|s| (s, 1)),
            EolStyle::Nul => self.scan(&p, |b| memchr(0, b)).map(|s| (s, 1)),
        };
        found.unwrap_or((EvbufferPtr::NOT_FOUND, 0))
    }

    /// `evbuffer_readln`, first half: finds the first line, copies it out
    /// (into memory from `mm::malloc`, NUL-terminated) and drains it. Returns
    /// the line, its length and the length of its end of line, which the
    /// caller drains next (libevent drains the two separately, and callbacks
    /// see two changes). None if there is no complete line or the front is
    /// frozen.
    pub fn readln_take(&mut self, style: Option<EolStyle>) -> Option<(*mut u8, usize, usize)> {
        if self.freeze_start {
            return None;
        }
        // SAFETY: no position passed in.
        let (p, eol) = unsafe { self.search_eol(None, style) };
        if p.pos < 0 {
            return None;
        }
        let n = p.pos as usize;
        let line = crate::mm::malloc(n + 1).cast::<u8>();
        if line.is_null() {
            return None;
        }
        // SAFETY: line has n + 1 bytes.
        let out = unsafe { std::slice::from_raw_parts_mut(line, n) };
        let first = self.first;
        // SAFETY: the first chain, offset 0.
        unsafe {
            self.copy_from(first, 0, out);
            *line.add(n) = 0;
        }
        let _ = self.drain(n);
        Some((line, n, eol))
    }

    /// `evbuffer_readln` without callbacks between the two drains.
    pub fn readln(&mut self, style: Option<EolStyle>) -> Option<(*mut u8, usize)> {
        let (line, n, eol) = self.readln_take(style)?;
        let _ = self.drain(eol);
        Some((line, n))
    }

    /// `evbuffer_readln` with the callbacks libevent runs (after the line is
    /// drained, then after its end of line is).
    ///
    /// # Safety
    /// `buf` is live.
    pub unsafe fn readln_locked(buf: *mut Evbuffer, style: Option<EolStyle>) -> Option<(*mut u8, usize)> {
        // SAFETY: caller's contract; no &mut is held across callbacks.
        unsafe {
            Evbuffer::lock_raw(buf);
            let r = (*buf).readln_take(style);
            Evbuffer::invoke_callbacks(buf);
            if let Some((_, _, eol)) = r {
                let _ = (*buf).drain(eol);
                Evbuffer::invoke_callbacks(buf);
            }
            Evbuffer::unlock_raw(buf);
            r.map(|(l, n, _)| (l, n))
        }
    }

    /// `evbuffer_peek`: describes up to `len` bytes (all for negative) from
    /// `start` in `vec`; the number of extents needed (may exceed vec.len()).
    ///
    /// # Safety
    /// Positions passed in came from this buffer (`ptr_set`, a search), and
    /// the buffer has not changed since (as libevent requires).
    pub unsafe fn peek(&mut self, len: isize, start: Option<&EvbufferPtr>, vec: &mut [iovec]) -> usize {
        if self.has_sendfile() && self.materialize_all().is_err() {
            return 0;
        }
        let mut len = len;
        let mut idx = 0usize;
        let mut so_far: isize = 0;
        let mut c;
        // SAFETY: chains are live; start came from this buffer (caller).
        unsafe {
            match start {
                Some(s) => {
                    let mut p = *s;
                    if p.pos < 0 {
                        return 0;
                    }
                    self.normalize(&mut p);
                    c = p.chain();
                    if c.is_null() {
                        return 0;
                    }
                    let n = (*c).off - p.pos_in_chain;
                    if let Some(v) = vec.first_mut() {
                        *v = iovec { iov_base: (*c).data().add(p.pos_in_chain).cast(), iov_len: n };
                    }
                    so_far = n as isize;
                    idx = 1;
                    c = (*c).next;
                }
                None => c = self.first,
            }
            if vec.is_empty() && len < 0 {
                len = self.total_len as isize - start.map_or(0, |s| s.pos);
            }
            while !c.is_null() {
                if len >= 0 && so_far >= len {
                    break;
                }
                if idx < vec.len() {
                    vec[idx] = iovec { iov_base: (*c).data().cast(), iov_len: (*c).off };
                } else if len < 0 {
                    break;
                }
                idx += 1;
                so_far += (*c).off as isize;
                c = (*c).next;
            }
        }
        idx
    }

    /// `evbuffer_find` (1.x): makes the buffer contiguous up to the end of
    /// the first occurrence of `what` and returns a pointer to it, or null.
    pub fn find(&mut self, what: &[u8]) -> *mut u8 {
        // SAFETY: no position passed in.
        let p = unsafe { self.search_range(what, None, None) };
        if p.pos < 0 {
            return ptr::null_mut();
        }
        let base = self.pullup(p.pos + what.len() as isize);
        if base.is_null() {
            return base;
        }
        base.wrapping_add(p.pos as usize)
    }
}
