//! `struct evbuffer_file_segment`: a range of a file that buffers send
//! without copying it through user space when they can.
//!
//! A segment is created with one reference (its creator's, dropped by
//! `evbuffer_file_segment_free`); each chain over it holds another. Its bytes
//! are brought into memory lazily: not at all when a buffer that drains to a
//! file descriptor sends them with `sendfile`; otherwise with `mmap` (unless
//! `EVBUF_FS_DISABLE_MMAP`) or, failing that, by reading them into memory.

use super::chain::{self, Chain};
use super::ops::Res;
use super::{Evbuffer, FLAG_DRAINS_TO_FD};
use crate::{log, mm, thread};
use libc::{c_int, c_void, off_t};
use std::ptr;

pub const FS_CLOSE_ON_FREE: u32 = 0x01;
pub const FS_DISABLE_MMAP: u32 = 0x02;
pub const FS_DISABLE_SENDFILE: u32 = 0x04;
pub const FS_DISABLE_LOCKING: u32 = 0x08;

/// `evbuffer_file_segment_cleanup_cb`.
pub type SegCleanupFn = Option<unsafe extern "C" fn(*const FileSegment, c_int, *mut c_void)>;

/// The segment. Its first fields sit where libevent keeps them (the lock,
/// the reference count, the flags, the `can_sendfile` / `is_mapping` bits,
/// the descriptor), for programs that look inside.
#[repr(C)]
pub struct FileSegment {
    lock: *mut c_void,
    refcnt: c_int,
    flags: u32,
    /// Bit 0: not yet in memory, chains in draining buffers use sendfile.
    /// Bit 1: `contents` is inside an mmap `mapping`.
    bits: u32,
    fd: c_int,
    mapping: *mut c_void,
    mapping_len: usize,
    /// The segment's bytes once in memory (mapping or `mm::malloc`), else null.
    contents: *mut u8,
    file_offset: i64,
    length: i64,
    cleanup: SegCleanupFn,
    cleanup_arg: *mut c_void,
}

const BIT_CAN_SENDFILE: u32 = 1;
const BIT_IS_MAPPING: u32 = 2;

const _: () = {
    use std::mem::offset_of;
    assert!(offset_of!(FileSegment, refcnt) == 8);
    assert!(offset_of!(FileSegment, flags) == 12);
    assert!(offset_of!(FileSegment, bits) == 16);
    assert!(offset_of!(FileSegment, fd) == 20);
};

impl FileSegment {
    /// `evbuffer_file_segment_new`. Null on error (bad range, fstat, mmap
    /// and read both failing, out of memory).
    pub fn new(fd: c_int, offset: i64, length: i64, flags: u32) -> *mut FileSegment {
        let mut length = length;
        if offset < 0 || length < -1 {
            return ptr::null_mut();
        }
        if length == -1 {
            // SAFETY: st is a valid out-parameter.
            let mut st: libc::stat = unsafe { std::mem::zeroed() };
            // SAFETY: fstat on any integer is safe; it fails for a bad fd.
            if unsafe { libc::fstat(fd, &mut st) } < 0 {
                return ptr::null_mut();
            }
            length = st.st_size - offset;
            if length < 0 {
                return ptr::null_mut();
            }
        }
        if length as u64 > chain::CHAIN_MAX as u64 || offset.checked_add(length).is_none() {
            return ptr::null_mut();
        }
        let seg = Box::new(FileSegment {
            refcnt: 1,
            lock: ptr::null_mut(),
            fd,
            flags,
            file_offset: offset,
            length,
            bits: 0,
            mapping: ptr::null_mut(),
            mapping_len: 0,
            contents: ptr::null_mut(),
            cleanup: None,
            cleanup_arg: ptr::null_mut(),
        });
        let seg = Box::into_raw(seg);
        // SAFETY: seg is fresh and ours.
        unsafe {
            if flags & FS_DISABLE_SENDFILE == 0 {
                (*seg).bits |= BIT_CAN_SENDFILE;
            } else if (*seg).materialize().is_err() {
                drop(Box::from_raw(seg));
                return ptr::null_mut();
            }
            if flags & FS_DISABLE_LOCKING == 0 {
                (*seg).lock = thread::alloc_lock(0);
            }
        }
        seg
    }

    pub fn len(&self) -> i64 {
        self.length
    }

    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    fn can_sendfile(&self) -> bool {
        self.bits & BIT_CAN_SENDFILE != 0
    }

    /// Brings the bytes into memory (mmap, else read). Idempotent.
    fn materialize(&mut self) -> Res {
        if !self.contents.is_null() || self.length == 0 {
            self.bits &= !BIT_CAN_SENDFILE;
            return Ok(());
        }
        let len = self.length as usize;
        if self.flags & FS_DISABLE_MMAP == 0 {
            // SAFETY: sysconf is always safe.
            let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(1) as i64;
            let aligned = self.file_offset - self.file_offset % page;
            let lead = (self.file_offset - aligned) as usize;
            // SAFETY: a fresh private read-only mapping; the result is checked.
            let m = unsafe {
                libc::mmap(ptr::null_mut(), len + lead, libc::PROT_READ, libc::MAP_PRIVATE, self.fd, aligned as off_t)
            };
            if m == libc::MAP_FAILED {
                log::warn_errno(&format!(
                    "evbuffer_file_segment_materialize: mmap({}, {}, {}) failed",
                    self.fd,
                    aligned,
                    len + lead
                ));
            } else {
                self.mapping = m;
                self.mapping_len = len + lead;
                self.contents = m.cast::<u8>().wrapping_add(lead);
                self.bits = (self.bits & !BIT_CAN_SENDFILE) | BIT_IS_MAPPING;
                return Ok(());
            }
        }
        let mem = mm::malloc(len).cast::<u8>();
        if mem.is_null() {
            return Err(());
        }
        let mut done = 0usize;
        while done < len {
            // SAFETY: mem has len bytes; we read into the unfilled tail.
            let r = unsafe {
                libc::pread(self.fd, mem.add(done).cast(), len - done, (self.file_offset + done as i64) as off_t)
            };
            if r < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            if r <= 0 {
                // SAFETY: the pointer came from this library's allocator and is dropped here.
                unsafe { mm::free(mem.cast()) };
                return Err(());
            }
            done += r as usize;
        }
        self.contents = mem;
        self.bits &= !BIT_CAN_SENDFILE;
        Ok(())
    }

    /// # Safety
    /// `seg` is live.
    pub unsafe fn incref(seg: *mut FileSegment) {
        // SAFETY: caller's contract.
        unsafe {
            thread::lock((*seg).lock, 0);
            (*seg).refcnt += 1;
            thread::unlock((*seg).lock, 0);
        }
    }

    /// Drops a reference (`evbuffer_file_segment_free`); at zero releases
    /// the memory, closes the file if asked, then runs the cleanup callback.
    ///
    /// # Safety
    /// `seg` is live; the caller's reference ends here.
    pub unsafe fn decref(seg: *mut FileSegment) {
        // SAFETY: caller's contract.
        unsafe {
            thread::lock((*seg).lock, 0);
            (*seg).refcnt -= 1;
            let left = (*seg).refcnt;
            thread::unlock((*seg).lock, 0);
            if left > 0 {
                return;
            }
            let s = &mut *seg;
            if !s.mapping.is_null() {
                libc::munmap(s.mapping, s.mapping_len);
            } else if !s.contents.is_null() {
                mm::free(s.contents.cast());
            }
            if s.flags & FS_CLOSE_ON_FREE != 0 && s.fd >= 0 {
                libc::close(s.fd);
            }
            if let Some(f) = s.cleanup.take() {
                f(seg, s.flags as c_int, s.cleanup_arg);
            }
            thread::free_lock(s.lock, 0);
            drop(Box::from_raw(seg));
        }
    }

    /// `evbuffer_file_segment_add_cleanup_cb`.
    pub fn set_cleanup(&mut self, cb: SegCleanupFn, arg: *mut c_void) {
        self.cleanup = cb;
        self.cleanup_arg = arg;
    }

    /// Where the bytes of a sendfile chain come from: (fd, file offset of
    /// the chain's first data byte).
    ///
    /// # Safety
    /// `c` is a live file-segment chain.
    pub unsafe fn source(c: *const Chain) -> (c_int, i64) {
        // SAFETY: caller's contract.
        unsafe {
            let seg = Chain::segment(c);
            ((*seg).fd, (*seg).file_offset + (*c).misalign as i64)
        }
    }
}

impl Evbuffer {
    /// Whether some chain's bytes are not in memory (sendfile chains).
    pub(crate) fn has_sendfile(&self) -> bool {
        self.has_sendfile
    }

    pub(crate) fn set_has_sendfile(&mut self) {
        self.has_sendfile = true;
    }

    /// Brings every sendfile chain's bytes into memory (a program reading a
    /// buffer that holds them). Fails if some cannot be read.
    pub(crate) fn materialize_all(&mut self) -> Res {
        for c in self.chains() {
            // SAFETY: chains of the list are live; a sendfile chain has a segment.
            unsafe {
                if (*c).flags & chain::FLAG_SENDFILE != 0 {
                    let seg = Chain::segment(c);
                    thread::lock((*seg).lock, 0);
                    let r = (*seg).materialize();
                    thread::unlock((*seg).lock, 0);
                    r?;
                    (*c).buffer = (*seg).contents;
                    (*c).flags &= !chain::FLAG_SENDFILE;
                }
            }
        }
        self.has_sendfile = false;
        Ok(())
    }

    /// `evbuffer_add_file_segment`: bytes `[offset, offset+length)` of the
    /// segment (to its end for a negative length).
    ///
    /// # Safety
    /// `seg` is live.
    pub unsafe fn add_file_segment(&mut self, seg: *mut FileSegment, offset: i64, length: i64) -> Res {
        // SAFETY: caller's contract.
        let s = unsafe { &mut *seg };
        if offset < 0 || offset > s.length {
            return Err(());
        }
        let length = if length < 0 { s.length - offset } else { length };
        if length > s.length - offset || self.freeze_end {
            return Err(());
        }
        let length = length as usize;
        if length > usize::MAX - self.total_len {
            return Err(());
        }
        // SAFETY: the lock came from alloc_lock and lives as long as its owner.
        unsafe { thread::lock(s.lock, 0) };
        let sendfile = s.can_sendfile() && self.flags & FLAG_DRAINS_TO_FD != 0;
        if s.can_sendfile() && !sendfile && s.materialize().is_err() {
            // SAFETY: the lock came from alloc_lock and this thread holds it.
            unsafe { thread::unlock(s.lock, 0) };
            return Err(());
        }
        let data = if sendfile { ptr::null_mut() } else { s.contents };
        // SAFETY: the lock came from alloc_lock and this thread holds it.
        unsafe { thread::unlock(s.lock, 0) };
        // SAFETY: seg is live (caller).
        let c = unsafe { Chain::new_segment(seg, data, sendfile, offset as usize, length) };
        if c.is_null() {
            return Err(());
        }
        self.append_chain(c);
        if sendfile && length > 0 {
            self.has_sendfile = true;
        }
        self.n_add_for_cb += length;
        Ok(())
    }

    /// `evbuffer_add_file`: the file from `offset`, `length` bytes (to its
    /// end for -1); the buffer owns `fd` from now on and closes it.
    pub fn add_file(&mut self, fd: c_int, offset: i64, length: i64) -> Res {
        let seg = FileSegment::new(fd, offset, length, FS_CLOSE_ON_FREE);
        if seg.is_null() {
            return Err(());
        }
        // SAFETY: seg is live; we drop the creator's reference after adding.
        unsafe {
            let r = self.add_file_segment(seg, 0, -1);
            FileSegment::decref(seg);
            r
        }
    }
}
