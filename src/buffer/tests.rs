//! Unit tests and the model-based property test of the evbuffer core.

use super::chain::Chain;
use super::search::{EolStyle, EvbufferPtr, PTR_ADD, PTR_SET};
use super::Evbuffer;
use libc::{c_void, iovec};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};

// Positions in these tests always come from the buffer they are used with,
// unchanged since; these wrappers state that once.
fn ps(b: &Evbuffer, p: &mut EvbufferPtr, pos: usize, how: i32) -> Result<(), ()> {
    // SAFETY: see above.
    unsafe { b.ptr_set(p, pos, how) }
}
fn sr(b: &mut Evbuffer, w: &[u8], s: Option<&EvbufferPtr>, e: Option<&EvbufferPtr>) -> EvbufferPtr {
    // SAFETY: see above.
    unsafe { b.search_range(w, s, e) }
}
fn se(b: &mut Evbuffer, s: Option<&EvbufferPtr>, st: Option<EolStyle>) -> (EvbufferPtr, usize) {
    // SAFETY: see above.
    unsafe { b.search_eol(s, st) }
}
fn pk(b: &mut Evbuffer, len: isize, s: Option<&EvbufferPtr>, v: &mut [iovec]) -> usize {
    // SAFETY: see above.
    unsafe { b.peek(len, s, v) }
}

/// A buffer freed on drop.
struct B(*mut Evbuffer);

impl B {
    fn new() -> B {
        B(Evbuffer::new())
    }
    #[allow(clippy::mut_from_ref)]
    fn get(&self) -> &mut Evbuffer {
        // SAFETY: the buffer lives as long as self; tests are single-threaded
        // and never hold two of these borrows at once.
        unsafe { &mut *self.0 }
    }
}

impl Drop for B {
    fn drop(&mut self) {
        // SAFETY: created by Evbuffer::new, freed once.
        unsafe { Evbuffer::free(self.0) }
    }
}

fn contents(b: &Evbuffer) -> Vec<u8> {
    let mut v = Vec::new();
    for c in b.chains() {
        // SAFETY: live chain.
        v.extend_from_slice(unsafe { Chain::bytes(c) });
    }
    v
}

/// The invariants documented in the module (and checked by libevent's own
/// regress suite on its buffers).
fn validate(b: &Evbuffer) {
    // SAFETY: walking the live list.
    unsafe {
        let first_slot = ptr::addr_of!(b.first) as *mut *mut Chain;
        if b.first.is_null() {
            assert!(b.last.is_null());
            assert_eq!(b.total_len, 0);
            assert_eq!(b.last_with_datap, first_slot);
        }
        let mut sum = 0;
        let mut found = b.last_with_datap == first_slot;
        let mut c = b.first;
        while !c.is_null() {
            if ptr::addr_of_mut!((*c).next) == b.last_with_datap {
                found = true;
            }
            assert!((*c).buffer_len >= (*c).misalign + (*c).off, "chain overflows");
            sum += (*c).off;
            if (*c).next.is_null() {
                assert_eq!(b.last, c);
            }
            c = (*c).next;
        }
        assert!(found, "last_with_datap points outside the list");
        assert_eq!(sum, b.total_len);
        let l = *b.last_with_datap;
        if !b.first.is_null() {
            assert!(!l.is_null());
            if (*l).off == 0 || b.total_len == 0 {
                assert_eq!((*l).off, 0);
                assert_eq!(l, b.first);
                assert_eq!(b.total_len, 0);
            }
            let mut c = (*l).next;
            while !c.is_null() {
                assert_eq!((*c).off, 0, "data after last_with_datap");
                c = (*c).next;
            }
        }
    }
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        // Mostly letters, with line ends and NULs sprinkled in.
        (0..n)
            .map(|_| match self.below(20) {
                0 => b'\n',
                1 => b'\r',
                2 => 0,
                _ => b'a' + self.below(4) as u8,
            })
            .collect()
    }
}

static REF_DATA: [u8; 8192] = {
    let mut a = [0u8; 8192];
    let mut i = 0;
    while i < a.len() {
        a[i] = b"0123456789\nabcdef\r\n"[i % 19];
        i += 1;
    }
    a
};
static REFS_ADDED: AtomicUsize = AtomicUsize::new(0);
static REFS_CLEANED: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn ref_cleanup(_d: *const c_void, _n: usize, _a: *mut c_void) {
    REFS_CLEANED.fetch_add(1, Ordering::SeqCst);
}

/// Compares without printing megabytes on failure.
#[track_caller]
fn same(a: &[u8], b: &[u8], what: &str) {
    if a != b {
        let i = a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
        panic!("{what}: lengths {} vs {}, first difference at {i}", a.len(), b.len());
    }
}

fn naive_find(hay: &[u8], from: usize, what: &[u8]) -> Option<usize> {
    if what.is_empty() {
        return Some(from);
    }
    (from..hay.len()).find(|&i| hay[i..].starts_with(what))
}

fn model_eol(m: &[u8], style: EolStyle) -> Option<(usize, usize)> {
    match style {
        EolStyle::Lf => m.iter().position(|&c| c == b'\n').map(|i| (i, 1)),
        EolStyle::Nul => m.iter().position(|&c| c == 0).map(|i| (i, 1)),
        EolStyle::Crlf => {
            m.iter().position(|&c| c == b'\n').map(|i| if i > 0 && m[i - 1] == b'\r' { (i - 1, 2) } else { (i, 1) })
        }
        EolStyle::CrlfStrict => m.windows(2).position(|w| w == b"\r\n").map(|i| (i, 2)),
        EolStyle::Any => m.iter().position(|&c| c == b'\r' || c == b'\n').map(|i| {
            let n = m[i..].iter().take_while(|&&c| c == b'\r' || c == b'\n').count();
            (i, n)
        }),
    }
}

/// Checks a position against the model: ptr_set agrees and copy_from
/// returns the model's bytes from there.
fn check_ptr(b: &mut Evbuffer, model: &[u8], pos: usize) {
    let mut p = EvbufferPtr::NOT_FOUND;
    let r = ps(b, &mut p, pos, PTR_SET);
    if pos > model.len() {
        assert!(r.is_err());
        assert_eq!(p.pos, -1);
        return;
    }
    assert!(r.is_ok());
    assert_eq!(p.pos as usize, pos);
    let mut out = vec![0u8; model.len() - pos + 3];
    // SAFETY: p came from this buffer, unchanged since.
    let n = unsafe { b.copy_from(p.chain.cast(), p.pos_in_chain, &mut out) };
    assert_eq!(&out[..n], &model[pos..]);
}

fn one_sequence(seed: u64, steps: usize) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let a = B::new();
    let other = B::new();
    let mut model: Vec<u8> = Vec::new();
    let mut omodel: Vec<u8> = Vec::new();
    for _ in 0..steps {
        let op = rng.below(22);
        let sz = match rng.below(4) {
            0 => rng.below(8),
            1 => rng.below(200),
            2 => rng.below(2000),
            _ => rng.below(9000),
        };
        let buf = a.get();
        match op {
            0 | 1 => {
                let d = rng.bytes(sz);
                // op 0 tries the C entry point's fast path first.
                if !(op == 0 && buf.add_unshared(&d)) {
                    buf.add(&d).unwrap();
                }
                model.extend_from_slice(&d);
            }
            2 => {
                let d = rng.bytes(sz);
                buf.prepend(&d).unwrap();
                model.splice(0..0, d);
            }
            3 => {
                if !(sz % 2 == 0 && buf.drain_unshared(sz)) {
                    buf.drain(sz).unwrap();
                }
                model.drain(..sz.min(model.len()));
            }
            4 => {
                let mut out = vec![0u8; sz];
                let n = buf.remove(&mut out).unwrap();
                assert_eq!(n, sz.min(model.len()));
                assert_eq!(&out[..n], &model[..n]);
                model.drain(..n);
            }
            5 => {
                let mut out = vec![0u8; sz];
                let n = buf.copyout(&mut out).unwrap();
                assert_eq!(&out[..n], &model[..n]);
            }
            6 => {
                let d = rng.bytes(sz);
                other.get().add(&d).unwrap();
                omodel.extend_from_slice(&d);
                if rng.below(2) == 0 {
                    buf.add_buffer(other.get()).unwrap();
                    model.append(&mut omodel);
                } else {
                    buf.prepend_buffer(other.get()).unwrap();
                    omodel.append(&mut model);
                    std::mem::swap(&mut model, &mut omodel);
                }
            }
            7 => {
                let n = buf.remove_buffer(other.get(), sz).unwrap();
                assert_eq!(n, sz.min(model.len()));
                omodel.extend(model.drain(..n));
            }
            8 => {
                let off = rng.below(REF_DATA.len());
                let n = sz.min(REF_DATA.len() - off);
                REFS_ADDED.fetch_add(1, Ordering::SeqCst);
                buf.add_reference(REF_DATA[off..].as_ptr(), n, Some(ref_cleanup), ptr::null_mut()).unwrap();
                model.extend_from_slice(&REF_DATA[off..off + n]);
            }
            9 => {
                // Share the other buffer's bytes, then change the other buffer.
                let d = rng.bytes(sz);
                other.get().add(&d).unwrap();
                omodel.extend_from_slice(&d);
                let shared = other.get().chains().any(|c| {
                    // SAFETY: live chain.
                    let f = unsafe { (*c).flags };
                    f & super::chain::FLAG_MULTICAST != 0
                });
                if buf.add_buffer_reference(other.get()).is_err() {
                    // Only a buffer holding shared chains itself is refused.
                    assert!(shared);
                } else {
                    assert!(!shared || omodel.is_empty());
                    model.extend_from_slice(&omodel);
                }
                let k = rng.below(omodel.len() + 1);
                other.get().drain(k).unwrap();
                omodel.drain(..k);
                let elen = rng.below(100);
                let e = rng.bytes(elen);
                other.get().add(&e).unwrap();
                other.get().prepend(b"<").unwrap();
                omodel.extend_from_slice(&e);
                omodel.insert(0, b'<');
            }
            10 => {
                let want = if rng.below(5) == 0 { -1 } else { sz as isize };
                let p = buf.pullup(want);
                let n = if want < 0 { model.len() } else { want as usize };
                if n == 0 || n > model.len() {
                    assert!(p.is_null());
                } else {
                    // SAFETY: pullup made n bytes contiguous at p.
                    assert_eq!(unsafe { std::slice::from_raw_parts(p, n) }, &model[..n]);
                    assert!(buf.contiguous_space() >= n);
                }
            }
            11 => {
                buf.expand(sz).unwrap();
            }
            12 | 13 => {
                let nvec = 1 + rng.below(4);
                let mut v = vec![iovec { iov_base: ptr::null_mut(), iov_len: 0 }; nvec];
                let n = buf.reserve_space(sz, &mut v).unwrap();
                assert!((n >= 1 || sz == 0) && n <= nvec);
                assert!(v[..n].iter().map(|x| x.iov_len).sum::<usize>() >= sz);
                // Fill some prefix of the extents and commit it.
                let mut left = rng.below(sz + 1);
                let mut used = 0;
                for x in v[..n].iter_mut() {
                    let k = x.iov_len.min(left);
                    let d = rng.bytes(k);
                    // SAFETY: the extent has iov_len writable bytes.
                    unsafe { ptr::copy_nonoverlapping(d.as_ptr(), x.iov_base.cast::<u8>(), k) };
                    model.extend_from_slice(&d);
                    x.iov_len = k;
                    left -= k;
                    used += 1;
                    if left == 0 {
                        break;
                    }
                }
                buf.commit_space(&v[..used]).unwrap();
            }
            14 | 15 => {
                let style =
                    [EolStyle::Any, EolStyle::Crlf, EolStyle::CrlfStrict, EolStyle::Lf, EolStyle::Nul][rng.below(5)];
                let want = model_eol(&model, style);
                match buf.readln(Some(style)) {
                    None => assert!(want.is_none()),
                    Some((line, n)) => {
                        let (at, eol) = want.expect("model has a line");
                        assert_eq!(n, at);
                        // SAFETY: readln returned n + 1 bytes from mm::malloc.
                        unsafe {
                            assert_eq!(std::slice::from_raw_parts(line, n), &model[..n]);
                            assert_eq!(*line.add(n), 0);
                        }
                        // SAFETY: readln allocated the line with mm::malloc.
                        unsafe { crate::mm::free(line.cast()) };
                        model.drain(..at + eol);
                    }
                }
            }
            16 => {
                // Search for a piece of the model (or something absent).
                let (what, from) = if !model.is_empty() && rng.below(4) != 0 {
                    let s = rng.below(model.len());
                    let l = 1 + rng.below((model.len() - s).min(12));
                    (model[s..s + l].to_vec(), rng.below(s + 1))
                } else {
                    (b"zzzq".to_vec(), 0)
                };
                let mut start = EvbufferPtr::NOT_FOUND;
                ps(buf, &mut start, from, PTR_SET).unwrap();
                let p = sr(buf, &what, Some(&start), None);
                match naive_find(&model, from, &what) {
                    Some(i) => {
                        assert_eq!(p.pos as usize, i);
                        check_ptr(buf, &model, i);
                    }
                    None => assert_eq!(p.pos, -1),
                }
                // search_range with an end.
                let endpos = rng.below(model.len() + 1);
                let mut end = EvbufferPtr::NOT_FOUND;
                ps(buf, &mut end, endpos, PTR_SET).unwrap();
                let p = sr(buf, &what, Some(&start), Some(&end));
                let lim = &model[..endpos.max(from)];
                match naive_find(lim, from, &what).filter(|&i| i + what.len() <= endpos) {
                    Some(i) => assert_eq!(p.pos as usize, i),
                    None => assert_eq!(p.pos, -1),
                }
            }
            17 => {
                // search_eol from a position.
                let from = rng.below(model.len() + 1);
                let style =
                    [EolStyle::Any, EolStyle::Crlf, EolStyle::CrlfStrict, EolStyle::Lf, EolStyle::Nul][rng.below(5)];
                let mut start = EvbufferPtr::NOT_FOUND;
                ps(buf, &mut start, from, PTR_SET).unwrap();
                let (p, n) = se(buf, Some(&start), Some(style));
                match model_eol(&model[from..], style) {
                    Some((i, l)) => {
                        assert_eq!(p.pos as usize, from + i);
                        assert_eq!(n, l);
                    }
                    None => {
                        assert_eq!(p.pos, -1);
                        assert_eq!(n, 0);
                    }
                }
            }
            18 => {
                // ptr_set SET and ADD agree with the model.
                let x = rng.below(model.len() + 2);
                check_ptr(buf, &model, x);
                let mut p = EvbufferPtr::NOT_FOUND;
                if x <= model.len() {
                    ps(buf, &mut p, x, PTR_SET).unwrap();
                    let y = rng.below(model.len() + 2);
                    let r = ps(buf, &mut p, y, PTR_ADD);
                    if x + y <= model.len() {
                        assert!(r.is_ok());
                        assert_eq!(p.pos as usize, x + y);
                        let mut out = [0u8; 1];
                        // SAFETY: position from this buffer.
                        let n = unsafe { buf.copy_from(p.chain.cast(), p.pos_in_chain, &mut out) };
                        assert_eq!(&out[..n], &model[x + y..(x + y + 1).min(model.len())]);
                    } else {
                        assert!(r.is_err());
                        assert_eq!(p.pos, -1);
                    }
                }
            }
            19 => {
                // peek covers the data in order.
                let mut v = vec![iovec { iov_base: ptr::null_mut(), iov_len: 0 }; 64];
                let n = pk(buf, -1, None, &mut v);
                let mut got = Vec::new();
                for x in &v[..n.min(64)] {
                    // SAFETY: extents describe live data.
                    got.extend_from_slice(unsafe { std::slice::from_raw_parts(x.iov_base.cast::<u8>(), x.iov_len) });
                }
                // With a negative length, peek stops when the vectors are full.
                if n < 64 {
                    same(&got, &model, &format!("peek seed {seed} n={n}"));
                } else {
                    same(&got[..], &model[..got.len()], "peek prefix");
                }
                // Counting stops once the data is covered (trailing empty
                // chains are not counted), as in libevent.
                let count = pk(buf, -1, None, &mut []);
                assert!(count <= n || n == 64);
                let mut v2 = vec![iovec { iov_base: ptr::null_mut(), iov_len: 0 }; count];
                let mut got2 = Vec::new();
                let m = pk(buf, model.len() as isize, None, &mut v2);
                assert_eq!(m, count);
                for x in &v2 {
                    // SAFETY: extents describe live data.
                    got2.extend_from_slice(unsafe { std::slice::from_raw_parts(x.iov_base.cast::<u8>(), x.iov_len) });
                }
                same(&got2, &model, "peek exact");
            }
            20 => {
                // Formatted add through the chain-space path.
                let d = rng.bytes(sz.min(300));
                let c = buf.expand_single(64);
                assert!(!c.is_null());
                let c = buf.expand_single(d.len() + 1);
                // SAFETY: c has at least d.len() + 1 free bytes.
                unsafe {
                    let sp = (*c).space_ptr();
                    ptr::copy_nonoverlapping(d.as_ptr(), sp, d.len());
                    buf.commit_at(sp, d.len()).unwrap();
                }
                model.extend_from_slice(&d);
            }
            _ => {
                // Drain the other buffer now and then.
                let k = rng.below(omodel.len() + 1);
                other.get().drain(k).unwrap();
                omodel.drain(..k);
            }
        }
        validate(a.get());
        validate(other.get());
        assert_eq!(a.get().len(), model.len());
        same(&contents(a.get()), &model, &format!("seed {seed}, op {op}"));
        same(&contents(other.get()), &omodel, &format!("seed {seed}, op {op} (other)"));
    }
}

#[test]
fn property_random_sequences_match_a_vec() {
    let before = REFS_ADDED.load(Ordering::SeqCst);
    let _ = before;
    for seed in 1..=3000u64 {
        one_sequence(seed, 40);
    }
    for seed in 10_001..=10_040u64 {
        one_sequence(seed, 400);
    }
}

#[test]
fn reference_cleanup_runs_exactly_once() {
    static N: AtomicUsize = AtomicUsize::new(0);
    unsafe extern "C" fn cl(_d: *const c_void, n: usize, a: *mut c_void) {
        assert_eq!(n, 5);
        assert_eq!(a as usize, 7);
        N.fetch_add(1, Ordering::SeqCst);
    }
    let data = b"hello";
    {
        let b = B::new();
        b.get().add_reference(data.as_ptr(), 5, Some(cl), 7 as *mut c_void).unwrap();
        b.get().drain(4).unwrap();
        assert_eq!(N.load(Ordering::SeqCst), 0);
        b.get().drain(1).unwrap();
        assert_eq!(N.load(Ordering::SeqCst), 1);
        b.get().add_reference(data.as_ptr(), 5, Some(cl), 7 as *mut c_void).unwrap();
        let c = B::new();
        c.get().add_buffer_reference(b.get()).unwrap();
        b.get().drain(5).unwrap();
        assert_eq!(N.load(Ordering::SeqCst), 1, "still shared by c");
        assert_eq!(contents(c.get()), b"hello");
    }
    assert_eq!(N.load(Ordering::SeqCst), 2);
    // A refused reference does not run the cleanup.
    let b = B::new();
    b.get().freeze(false);
    assert!(b.get().add_reference(data.as_ptr(), 5, Some(cl), 7 as *mut c_void).is_err());
    drop(b);
    assert_eq!(N.load(Ordering::SeqCst), 2);
}

#[test]
fn sizes_near_the_limits_fail_and_change_nothing() {
    let b = B::new();
    b.get().add(b"0123456789").unwrap();
    let x = b"abc";
    // add_reference whose length would wrap the total (libevent accepts it).
    assert!(b.get().add_reference(x.as_ptr(), usize::MAX - 5, None, ptr::null_mut()).is_err());
    assert!(b.get().add_reference(x.as_ptr(), isize::MAX as usize + 1, None, ptr::null_mut()).is_err());
    assert!(b.get().expand(usize::MAX).is_err());
    assert!(b.get().expand(usize::MAX - 10).is_err());
    assert!(b.get().expand_fast(usize::MAX - 3, 2).is_err());
    let mut v = [iovec { iov_base: ptr::null_mut(), iov_len: 0 }; 2];
    assert!(b.get().reserve_space(isize::MAX as usize, &mut v).is_err());
    assert!(b.get().reserve_space(usize::MAX, &mut v[..1]).is_err());
    assert!(b.get().pullup(isize::MAX).is_null());
    let mut p = EvbufferPtr::NOT_FOUND;
    assert!(ps(b.get(), &mut p, usize::MAX, PTR_SET).is_err());
    ps(b.get(), &mut p, 3, PTR_SET).unwrap();
    assert!(ps(b.get(), &mut p, isize::MAX as usize, PTR_ADD).is_err());
    validate(b.get());
    assert_eq!(contents(b.get()), b"0123456789");
}

#[test]
fn freeze_refuses_changes_at_the_frozen_end() {
    let b = B::new();
    b.get().add(b"abc\n").unwrap();
    b.get().freeze(true);
    assert!(b.get().drain(1).is_err());
    assert!(b.get().prepend(b"x").is_err());
    assert!(b.get().readln(Some(EolStyle::Lf)).is_none());
    assert!(b.get().add(b"d").is_ok());
    b.get().unfreeze(true);
    b.get().freeze(false);
    assert!(b.get().add(b"e").is_err());
    assert!(b.get().prepend(b"<").is_ok());
    assert_eq!(contents(b.get()), b"<abc\nd");
}

fn tmpfile(data: &[u8]) -> libc::c_int {
    let mut name = *b"/tmp/evbuf-unit-XXXXXX\0";
    // SAFETY: a writable NUL-terminated template; the file is unlinked at once.
    unsafe {
        let fd = libc::mkstemp(name.as_mut_ptr().cast());
        assert!(fd >= 0);
        libc::unlink(name.as_ptr().cast());
        assert_eq!(libc::write(fd, data.as_ptr().cast(), data.len()), data.len() as isize);
        fd
    }
}

#[test]
fn file_segments() {
    use super::file::{FileSegment, FS_DISABLE_MMAP, FS_DISABLE_SENDFILE};
    let data: Vec<u8> = (0..10000u32).map(|i| (i * 7) as u8).collect();
    for flags in [0, FS_DISABLE_MMAP, FS_DISABLE_SENDFILE, FS_DISABLE_MMAP | FS_DISABLE_SENDFILE] {
        let fd = tmpfile(&data);
        // Length -1 with an offset: the rest of the file.
        let seg = FileSegment::new(fd, 100, -1, flags);
        assert!(!seg.is_null());
        // SAFETY: seg is live until the last decref below.
        unsafe {
            assert_eq!((*seg).len(), 9900);
            let b = B::new();
            // A range past the end fails and keeps the caller's reference.
            assert!(b.get().add_file_segment(seg, 50, 9851).is_err());
            assert!(b.get().add_file_segment(seg, 9901, -1).is_err());
            b.get().add_file_segment(seg, 50, 1000).unwrap();
            b.get().add(b"|").unwrap();
            b.get().add_file_segment(seg, 9000, -1).unwrap();
            FileSegment::decref(seg);
            let mut want = data[150..1150].to_vec();
            want.push(b'|');
            want.extend_from_slice(&data[9100..]);
            let mut out = vec![0u8; want.len() + 10];
            let n = b.get().copyout(&mut out).unwrap();
            assert_eq!(&out[..n], &want[..]);
            validate(b.get());
        }
        // SAFETY: closing our temporary file.
        unsafe { libc::close(fd) };
    }
    // add_file with an offset and -1: the rest of the file, closed at the end.
    let fd = tmpfile(&data);
    {
        let b = B::new();
        b.get().add_file(fd, 5000, -1).unwrap();
        assert_eq!(b.get().len(), 5000);
        let p = b.get().pullup(-1);
        // SAFETY: 5000 contiguous bytes at p.
        assert_eq!(unsafe { std::slice::from_raw_parts(p, 5000) }, &data[5000..]);
    }
    // SAFETY: F_GETFD on a closed descriptor just fails.
    assert!(unsafe { libc::fcntl(fd, libc::F_GETFD) } < 0);
    assert!(FileSegment::new(-1, 0, -1, 0).is_null());
    assert!(FileSegment::new(0, -1, 5, 0).is_null());
}

#[test]
fn sendfile_chains_are_written_and_can_be_read() {
    use super::file::{FileSegment, FS_DISABLE_MMAP};
    let data: Vec<u8> = (0..70000u32).map(|i| (i % 251) as u8).collect();
    let fd = tmpfile(&data);
    let mut fds = [0; 2];
    // SAFETY: plain socketpair.
    assert_eq!(unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0, fds.as_mut_ptr()) }, 0);
    let seg = FileSegment::new(fd, 0, -1, FS_DISABLE_MMAP);
    let b = B::new();
    b.get().flags |= super::FLAG_DRAINS_TO_FD;
    // SAFETY: seg is live.
    unsafe {
        b.get().add_file_segment(seg, 0, 1000).unwrap();
        b.get().add_file_segment(seg, 1000, 1000).unwrap();
        FileSegment::decref(seg);
    }
    assert!(b.get().has_sendfile());
    let n = b.get().write_fd(fds[0], -1).unwrap();
    assert_eq!(n, 1000);
    // Reading what is left brings it into memory.
    let mut out = vec![0u8; 1000];
    assert_eq!(b.get().copyout(&mut out).unwrap(), 1000);
    assert_eq!(&out[..], &data[1000..2000]);
    let mut got = vec![0u8; 2000];
    // SAFETY: reading our socket.
    let r = unsafe { libc::read(fds[1], got.as_mut_ptr().cast(), 2000) };
    assert_eq!(&got[..r as usize], &data[..1000]);
    // SAFETY: closing our descriptors.
    unsafe {
        libc::close(fds[0]);
        libc::close(fds[1]);
        libc::close(fd);
    }
}

#[test]
fn read_and_write_lose_nothing() {
    let mut fds = [0; 2];
    // SAFETY: plain socketpair, made non-blocking.
    unsafe {
        assert_eq!(libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0, fds.as_mut_ptr()), 0);
        libc::fcntl(fds[0], libc::F_SETFL, libc::O_NONBLOCK);
        libc::fcntl(fds[1], libc::F_SETFL, libc::O_NONBLOCK);
    }
    let out = B::new();
    let inb = B::new();
    let data: Vec<u8> = (0..1_000_000u32).map(|i| (i * 13 % 256) as u8).collect();
    for piece in data.chunks(3333) {
        out.get().add(piece).unwrap();
    }
    let mut rounds = 0;
    while inb.get().len() < data.len() {
        rounds += 1;
        assert!(rounds < 100_000);
        match out.get().write_fd(fds[0], 7777) {
            Ok(_) => {}
            Err(()) => {
                let e = std::io::Error::last_os_error().raw_os_error();
                assert!(out.get().is_empty() || e == Some(libc::EAGAIN), "{e:?}");
            }
        }
        loop {
            match inb.get().read_fd(fds[1], -1) {
                Ok(0) => panic!("unexpected EOF"),
                Ok(_) => validate(inb.get()),
                Err(()) => break,
            }
        }
    }
    assert_eq!(contents(inb.get()), data);
    // SAFETY: closing our descriptors.
    unsafe {
        libc::close(fds[0]);
        libc::close(fds[1]);
    }
}

#[test]
fn callbacks_report_changes() {
    use super::CbInfo;
    static mut LOG: Vec<(usize, usize, usize)> = Vec::new();
    unsafe extern "C" fn cb(_b: *mut Evbuffer, i: *const CbInfo, _a: *mut c_void) {
        // SAFETY: single-threaded test; info is valid for the call.
        unsafe {
            let i = &*i;
            (*ptr::addr_of_mut!(LOG)).push((i.orig_size, i.n_added, i.n_deleted));
        }
    }
    let b = B::new();
    let e = b.get().add_cb(Some(cb), ptr::null_mut());
    // SAFETY: the buffer is live; the C-style wrappers run the callbacks.
    unsafe {
        Evbuffer::locked(b.0, |x| x.add(b"hello").unwrap());
        Evbuffer::locked(b.0, |x| x.drain(2).unwrap());
        Evbuffer::locked(b.0, |x| x.drain(0).unwrap());
        b.get().cb_change_flags(e, super::CB_ENABLED, false);
        Evbuffer::locked(b.0, |x| x.add(b"!").unwrap());
        b.get().cb_change_flags(e, super::CB_ENABLED, true);
        Evbuffer::locked(b.0, |x| x.add(b"?").unwrap());
        assert_eq!(b.get().remove_cb_entry(e), 0);
        assert_eq!(b.get().remove_cb_entry(e), -1);
        Evbuffer::locked(b.0, |x| x.add(b"x").unwrap());
        assert_eq!(*ptr::addr_of!(LOG), vec![(0, 5, 0), (5, 0, 2), (4, 1, 0)]);
    }
}
