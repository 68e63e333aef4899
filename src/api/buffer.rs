//! [`Buffer`] (an owned evbuffer) and [`BufferRef`] (any evbuffer, e.g. a
//! bufferevent's input or output).

use super::error::{check, Error, Result};
use crate::buffer::search::{EvbufferPtr, PTR_SET};
use crate::capi::buffer as cbuf;
use crate::capi::types::evbuffer;
use std::fmt;
use std::io::{self, BufRead, Read, Write};
use std::marker::{PhantomData, PhantomPinned};
use std::ops::{Deref, DerefMut};
use std::os::fd::AsRawFd;
use std::ptr::{self, NonNull};

/// How [`BufferRef::readln`] finds the end of a line (`enum evbuffer_eol_style`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EolStyle {
    /// Any run of `\r` and `\n` (`EVBUFFER_EOL_ANY`).
    Any,
    /// `\n`, or `\r\n` (`EVBUFFER_EOL_CRLF`).
    Crlf,
    /// Exactly `\r\n` (`EVBUFFER_EOL_CRLF_STRICT`).
    CrlfStrict,
    /// Exactly `\n` (`EVBUFFER_EOL_LF`).
    Lf,
    /// A NUL byte (`EVBUFFER_EOL_NUL`).
    Nul,
}

impl EolStyle {
    fn to_c(self) -> libc::c_int {
        match self {
            EolStyle::Any => 0,
            EolStyle::Crlf => 1,
            EolStyle::CrlfStrict => 2,
            EolStyle::Lf => 3,
            EolStyle::Nul => 4,
        }
    }
}

/// An evbuffer, borrowed: what `&mut BufferRef` points at is the C
/// `struct evbuffer` itself. Every buffer operation lives here; an owned
/// [`Buffer`] and a bufferevent's [`input`](crate::BufferEventRef::input)
/// and [`output`](crate::BufferEventRef::output) all dereference to it.
///
/// ```
/// use event_rs::{Buffer, EolStyle};
/// use std::io::{BufRead, Write};
///
/// let mut buf = Buffer::new()?;
/// write!(buf, "GET / HTTP/1.0\r\nHost: x\r\n\r\n")?;
/// assert_eq!(buf.readln(EolStyle::CrlfStrict).as_deref(), Some(&b"GET / HTTP/1.0"[..]));
/// assert_eq!(buf.search(b"x", 0), Some(6));
/// let mut rest = String::new();
/// buf.read_line(&mut rest)?; // std's BufRead works too
/// assert_eq!(rest, "Host: x\r\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[repr(C)]
pub struct BufferRef {
    _opaque: [u8; 0],
    _not_send_sync: PhantomData<*mut u8>,
    _pinned: PhantomPinned,
}

/// An owned, empty-at-first evbuffer (`evbuffer_new`), freed on drop.
/// It is `Send`: nothing else refers to it.
///
/// ```
/// use event_rs::Buffer;
/// use std::io::{Read, Write};
/// let mut buf = Buffer::new()?;
/// buf.write_all(b"hello world")?;
/// let mut five = [0u8; 5];
/// buf.read_exact(&mut five)?;
/// assert_eq!(&five, b"hello");
/// assert_eq!(buf.to_vec(), b" world");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Buffer {
    raw: NonNull<evbuffer>,
}

// SAFETY: an owned evbuffer is referenced by nothing else (no bufferevent,
// no callbacks we registered), so moving it to another thread is sound.
unsafe impl Send for Buffer {}

impl Buffer {
    /// A new empty buffer.
    pub fn new() -> Result<Buffer> {
        NonNull::new(cbuf::evbuffer_new()).map(|raw| Buffer { raw }).ok_or(Error::Failed("evbuffer_new"))
    }

    /// Takes ownership of a buffer made by `evbuffer_new` (by C code, say):
    /// it is freed when the `Buffer` drops.
    ///
    /// # Safety
    /// `raw` is a live evbuffer that nothing else frees or uses while the
    /// `Buffer` lives, and not a bufferevent's buffer.
    pub unsafe fn from_raw(raw: *mut evbuffer) -> Result<Buffer> {
        NonNull::new(raw).map(|raw| Buffer { raw }).ok_or(Error::InvalidInput("null evbuffer"))
    }

    /// Gives up ownership: the caller frees the buffer with `evbuffer_free`.
    pub fn into_raw(self) -> *mut evbuffer {
        let raw = self.raw.as_ptr();
        std::mem::forget(self);
        raw
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        // SAFETY: we own this buffer; it is freed once.
        unsafe { cbuf::evbuffer_free(self.raw.as_ptr()) };
    }
}

impl Deref for Buffer {
    type Target = BufferRef;
    fn deref(&self) -> &BufferRef {
        // SAFETY: raw is a live evbuffer for as long as self is borrowed.
        unsafe { BufferRef::from_ptr(self.raw.as_ptr()) }
    }
}

impl DerefMut for Buffer {
    fn deref_mut(&mut self) -> &mut BufferRef {
        // SAFETY: as in deref; &mut self makes this the only Rust view.
        unsafe { BufferRef::from_ptr(self.raw.as_ptr()) }
    }
}

impl fmt::Debug for Buffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl fmt::Debug for BufferRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufferRef").field("raw", &self.as_raw()).field("len", &self.len()).finish()
    }
}

impl BufferRef {
    /// Borrows an evbuffer made elsewhere (a C program's, a bufferevent's).
    ///
    /// # Safety
    /// `raw` is non-null and a live evbuffer for `'a`, used by nothing else
    /// while the reference is (the loop does not run meanwhile).
    pub unsafe fn from_ptr<'a>(raw: *mut evbuffer) -> &'a mut BufferRef {
        // SAFETY: BufferRef is zero-sized, so the reference covers no bytes;
        // it only carries the address. Non-null per the caller.
        unsafe { &mut *raw.cast::<BufferRef>() }
    }

    /// The `struct evbuffer *`, for C code.
    pub fn as_raw(&self) -> *mut evbuffer {
        (self as *const BufferRef).cast_mut().cast()
    }

    /// The number of bytes stored.
    pub fn len(&self) -> usize {
        // SAFETY: self points at a live evbuffer (type invariant).
        unsafe { cbuf::evbuffer_get_length(self.as_raw()) }
    }

    /// Whether no bytes are stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a copy of `data`.
    pub fn extend_from_slice(&mut self, data: &[u8]) -> Result<()> {
        // SAFETY: live evbuffer; data is readable for its length.
        check(unsafe { cbuf::evbuffer_add(self.as_raw(), data.as_ptr().cast(), data.len()) }, "evbuffer_add")
    }

    /// Puts a copy of `data` in front.
    pub fn prepend(&mut self, data: &[u8]) -> Result<()> {
        // SAFETY: as in extend_from_slice.
        check(unsafe { cbuf::evbuffer_prepend(self.as_raw(), data.as_ptr().cast(), data.len()) }, "evbuffer_prepend")
    }

    /// Removes the first `n` bytes (all, if fewer are stored).
    pub fn drain(&mut self, n: usize) -> Result<()> {
        // SAFETY: live evbuffer.
        check(unsafe { cbuf::evbuffer_drain(self.as_raw(), n) }, "evbuffer_drain")
    }

    /// Copies the first bytes into `out` without removing them; how many.
    pub fn copy_to(&self, out: &mut [u8]) -> usize {
        // SAFETY: live evbuffer; out is writable for its length.
        let n = unsafe { cbuf::evbuffer_copyout(self.as_raw(), out.as_mut_ptr().cast(), out.len()) };
        n.max(0) as usize
    }

    /// A copy of the whole content.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut v = vec![0; self.len()];
        let n = self.copy_to(&mut v);
        v.truncate(n);
        v
    }

    /// Removes and returns the first line, without its end-of-line; `None`
    /// until a whole line is stored.
    ///
    /// ```
    /// use event_rs::{Buffer, EolStyle};
    /// let mut b = Buffer::new()?;
    /// b.extend_from_slice(b"one\ntwo")?;
    /// assert_eq!(b.readln(EolStyle::Lf), Some(b"one".to_vec()));
    /// assert_eq!(b.readln(EolStyle::Lf), None); // "two" has no end yet
    /// # Ok::<(), event_rs::Error>(())
    /// ```
    pub fn readln(&mut self, style: EolStyle) -> Option<Vec<u8>> {
        let mut n = 0usize;
        // SAFETY: live evbuffer; n is writable.
        let p = unsafe { cbuf::evbuffer_readln(self.as_raw(), &mut n, style.to_c()) };
        if p.is_null() {
            return None;
        }
        // SAFETY: p holds n bytes (plus a NUL) allocated by the library's
        // allocator; copied, then released with its free.
        unsafe {
            let v = std::slice::from_raw_parts(p.cast::<u8>(), n).to_vec();
            crate::mm::free(p.cast());
            Some(v)
        }
    }

    fn ptr_at(&self, pos: usize) -> Option<EvbufferPtr> {
        let mut p = EvbufferPtr::NOT_FOUND;
        // SAFETY: live evbuffer; p is writable.
        let rc = unsafe { cbuf::evbuffer_ptr_set(self.as_raw(), &mut p, pos, PTR_SET) };
        (rc == 0).then_some(p)
    }

    /// The offset of the first `needle` at or after `from`.
    pub fn search(&self, needle: &[u8], from: usize) -> Option<usize> {
        if from > self.len() {
            return None;
        }
        let start = self.ptr_at(from)?;
        // SAFETY: live evbuffer; needle readable; start is a position of
        // this buffer, unchanged since ptr_at.
        let p = unsafe { cbuf::evbuffer_search(self.as_raw(), needle.as_ptr().cast(), needle.len(), &start) };
        (p.pos >= 0).then_some(p.pos as usize)
    }

    /// The stored bytes as slices, in order, without copying.
    ///
    /// ```
    /// use event_rs::Buffer;
    /// let mut b = Buffer::new()?;
    /// b.extend_from_slice(b"ab")?;
    /// b.extend_from_slice(b"cd")?;
    /// assert_eq!(b.chunks().concat(), b"abcd");
    /// # Ok::<(), event_rs::Error>(())
    /// ```
    pub fn chunks(&self) -> Vec<&[u8]> {
        self.peek_upto(-1, usize::MAX)
    }

    fn peek_upto(&self, len: isize, max_vecs: usize) -> Vec<&[u8]> {
        // SAFETY: live evbuffer; with no vectors only the count is returned.
        let n = unsafe { cbuf::evbuffer_peek(self.as_raw(), len, ptr::null_mut(), ptr::null_mut(), 0) };
        let n = (n.max(0) as usize).min(max_vecs);
        let mut v = vec![libc::iovec { iov_base: ptr::null_mut(), iov_len: 0 }; n];
        // SAFETY: v holds n iovecs.
        let got = unsafe { cbuf::evbuffer_peek(self.as_raw(), len, ptr::null_mut(), v.as_mut_ptr(), n as i32) };
        let got = (got.max(0) as usize).min(n);
        v[..got]
            .iter()
            .filter(|e| e.iov_len > 0 && !e.iov_base.is_null())
            // SAFETY: each extent is stored data, unchanged while &self is
            // borrowed (changes need &mut self).
            .map(|e| unsafe { std::slice::from_raw_parts(e.iov_base.cast::<u8>().cast_const(), e.iov_len) })
            .collect()
    }

    /// Makes the first `n` bytes (all for `None`) contiguous and returns
    /// them; fails if fewer are stored.
    pub fn pullup(&mut self, n: Option<usize>) -> Result<&[u8]> {
        let want = match n {
            None => self.len(),
            Some(n) if n <= self.len() => n,
            Some(_) => return Err(Error::InvalidInput("pullup beyond the buffer's length")),
        };
        if want == 0 {
            return Ok(&[]);
        }
        // SAFETY: live evbuffer; want <= len fits isize.
        let p = unsafe { cbuf::evbuffer_pullup(self.as_raw(), want as isize) };
        if p.is_null() {
            return Err(Error::Failed("evbuffer_pullup"));
        }
        // SAFETY: p starts `want` contiguous stored bytes, valid until the
        // buffer changes, which needs &mut self again.
        Ok(unsafe { std::slice::from_raw_parts(p, want) })
    }

    /// Moves all of `other`'s bytes to the end of this buffer (no copy).
    pub fn append(&mut self, other: &mut BufferRef) -> Result<()> {
        // SAFETY: two live evbuffers (the same one is refused by the C side).
        check(unsafe { cbuf::evbuffer_add_buffer(self.as_raw(), other.as_raw()) }, "evbuffer_add_buffer")
    }

    /// Moves up to `n` bytes from the front of this buffer to the end of `dst`; how many.
    pub fn move_to(&mut self, dst: &mut BufferRef, n: usize) -> Result<usize> {
        // SAFETY: two live evbuffers.
        let r = unsafe { cbuf::evbuffer_remove_buffer(self.as_raw(), dst.as_raw(), n) };
        check(r, "evbuffer_remove_buffer").map(|_| r as usize)
    }

    /// Reserves at least `n` contiguous bytes at the end to fill in place;
    /// they become part of the buffer only with [`Reservation::commit`].
    ///
    /// ```
    /// use event_rs::Buffer;
    /// let mut b = Buffer::new()?;
    /// let mut space = b.reserve(4)?;
    /// space[..4].copy_from_slice(b"data");
    /// space.commit(4)?;
    /// assert_eq!(b.to_vec(), b"data");
    /// # Ok::<(), event_rs::Error>(())
    /// ```
    pub fn reserve(&mut self, n: usize) -> Result<Reservation<'_>> {
        if n > isize::MAX as usize {
            return Err(Error::InvalidInput("reservation too large"));
        }
        let mut iov = libc::iovec { iov_base: ptr::null_mut(), iov_len: 0 };
        // SAFETY: live evbuffer; one writable iovec.
        let k = unsafe { cbuf::evbuffer_reserve_space(self.as_raw(), n.max(1) as isize, &mut iov, 1) };
        if k != 1 || iov.iov_base.is_null() {
            return Err(Error::Failed("evbuffer_reserve_space"));
        }
        // SAFETY: the extent is iov_len writable bytes owned by the buffer
        // until commit or the next change; zeroed so it may be a &mut [u8].
        unsafe { ptr::write_bytes(iov.iov_base.cast::<u8>(), 0, iov.iov_len) };
        Ok(Reservation { buf: self, iov })
    }

    /// Reads from `fd` into the buffer: up to `max` bytes (`None`: what is
    /// waiting, bounded by the library). 0 means end of file.
    pub fn read_from(&mut self, fd: &impl AsRawFd, max: Option<usize>) -> io::Result<usize> {
        let howmuch = max.map_or(-1, |m| m.min(i32::MAX as usize) as i32);
        // SAFETY: live evbuffer; the fd is a descriptor (bad ones give EBADF).
        let n = unsafe { cbuf::evbuffer_read(self.as_raw(), fd.as_raw_fd(), howmuch) };
        if n < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(n as usize)
        }
    }

    /// Writes as much of the buffer to `fd` as it takes, draining what was written.
    pub fn write_to(&mut self, fd: &impl AsRawFd) -> io::Result<usize> {
        // SAFETY: as in read_from.
        let n = unsafe { cbuf::evbuffer_write(self.as_raw(), fd.as_raw_fd()) };
        if n < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(n as usize)
        }
    }
}

/// Space reserved by [`BufferRef::reserve`]: fill it through `&mut [u8]`,
/// then [`commit`](Reservation::commit) how many bytes are data. Dropping
/// it uncommitted adds nothing.
pub struct Reservation<'a> {
    buf: &'a mut BufferRef,
    iov: libc::iovec,
}

impl fmt::Debug for Reservation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reservation").field("len", &self.iov.iov_len).finish()
    }
}

impl Reservation<'_> {
    /// Adds the first `n` bytes of the space to the buffer.
    pub fn commit(mut self, n: usize) -> Result<()> {
        if n > self.iov.iov_len {
            return Err(Error::InvalidInput("commit beyond the reservation"));
        }
        self.iov.iov_len = n;
        // SAFETY: live evbuffer, unchanged since the reservation (we hold
        // its &mut); the iovec is the one reserve_space gave, shortened.
        check(unsafe { cbuf::evbuffer_commit_space(self.buf.as_raw(), &mut self.iov, 1) }, "evbuffer_commit_space")
    }
}

impl Deref for Reservation<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: iov_len initialized (zeroed) bytes reserved for us.
        unsafe { std::slice::from_raw_parts(self.iov.iov_base.cast::<u8>(), self.iov.iov_len) }
    }
}

impl DerefMut for Reservation<'_> {
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in deref, and only this reservation writes them.
        unsafe { std::slice::from_raw_parts_mut(self.iov.iov_base.cast::<u8>(), self.iov.iov_len) }
    }
}

impl Read for BufferRef {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        // SAFETY: live evbuffer; out writable for its length.
        let n = unsafe { cbuf::evbuffer_remove(self.as_raw(), out.as_mut_ptr().cast(), out.len()) };
        if n < 0 {
            Err(io::Error::other(Error::Failed("evbuffer_remove")))
        } else {
            Ok(n as usize)
        }
    }
}

impl Write for BufferRef {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.extend_from_slice(data)?;
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl BufRead for BufferRef {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        Ok(self.peek_upto(-1, 1).into_iter().next().unwrap_or(&[]))
    }
    fn consume(&mut self, amt: usize) {
        let _ = self.drain(amt);
    }
}

impl Read for Buffer {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        (**self).read(out)
    }
}

impl Write for Buffer {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        (**self).write(data)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl BufRead for Buffer {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.deref_mut().fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.deref_mut().consume(amt)
    }
}
