//! One block of an evbuffer: `struct evbuffer_chain`.
//!
//! The header's first fields (`next`, `buffer_len`, `misalign`, `off`,
//! `flags`, `refcnt`, `buffer`) sit where libevent 2.1.12 keeps them, so the
//! few programs that look inside a buffer (libevent's own regress suite
//! validates chains that way) read sensible values.
//!
//! Four kinds of chain, told apart by `flags`:
//! - memory: header and data in one allocation (`buffer` points just past
//!   the header). The only kind that can be written into.
//! - reference (`FLAG_REFERENCE`): `buffer` is the program's memory; the
//!   cleanup callback and its argument follow the header.
//! - file segment (`FLAG_FILESEGMENT`): the segment follows the header;
//!   `buffer` points into the segment's mapping or copy, or is null when the
//!   bytes are sent with sendfile (`FLAG_SENDFILE`).
//! - multicast (`FLAG_MULTICAST`, from `evbuffer_add_buffer_reference`): the
//!   source chain follows the header, with one reference on it; `buffer` is
//!   the source's.
//!
//! Invariants: `misalign + off <= buffer_len`; bytes `[misalign,
//! misalign+off)` of `buffer` are the chain's data. A chain whose `refcnt`
//! is above 1 is shared with a multicast chain elsewhere, so its bytes and
//! its layout must not change: it is written into only when [`Chain::writable`].

use super::file::FileSegment;
use crate::mm;
use libc::{c_void, size_t};
use std::mem::size_of;
use std::ptr;

pub const FLAG_FILESEGMENT: u32 = 0x0001;
pub const FLAG_SENDFILE: u32 = 0x0002;
pub const FLAG_REFERENCE: u32 = 0x0004;
pub const FLAG_IMMUTABLE: u32 = 0x0008;
/// Pinned for reading / writing by an outstanding overlapped operation
/// (`evbuffer_chain_pin_`): the memory must stay where it is.
pub const MEM_PINNED_R: u32 = 0x0010;
pub const MEM_PINNED_W: u32 = 0x0020;
pub const MEM_PINNED_ANY: u32 = MEM_PINNED_R | MEM_PINNED_W;
/// Removed from its buffer while pinned: freed when unpinned.
pub const FLAG_DANGLING: u32 = 0x0040;
pub const FLAG_MULTICAST: u32 = 0x0080;

/// Smallest allocation for a memory chain, header included.
pub const MIN_BUFFER_SIZE: usize = 1024;
/// Largest chain `evbuffer_add` makes by doubling (bigger adds get their size).
pub const MAX_AUTO_SIZE: usize = 4096;
/// Largest chain: a chain's length must fit an `ev_ssize_t`.
pub const CHAIN_MAX: usize = isize::MAX as usize;

pub type RefCleanupFn = Option<unsafe extern "C" fn(*const c_void, size_t, *mut c_void)>;

/// `struct evbuffer_chain` (header; 48 bytes).
#[repr(C)]
pub struct Chain {
    pub next: *mut Chain,
    /// Usable bytes at `buffer`.
    pub buffer_len: usize,
    /// Unused bytes before the data.
    pub misalign: usize,
    /// Bytes of data.
    pub off: usize,
    pub flags: u32,
    /// Owners: the buffer holding it, plus each multicast chain on it.
    pub refcnt: i32,
    pub buffer: *mut u8,
}

pub const HDR: usize = size_of::<Chain>();

const _: () = {
    use std::mem::offset_of;
    assert!(HDR == 48);
    assert!(offset_of!(Chain, buffer_len) == 8);
    assert!(offset_of!(Chain, misalign) == 16);
    assert!(offset_of!(Chain, off) == 24);
    assert!(offset_of!(Chain, flags) == 32);
    assert!(offset_of!(Chain, refcnt) == 36);
    assert!(offset_of!(Chain, buffer) == 40);
};

#[repr(C)]
struct RefExtra {
    cleanup: RefCleanupFn,
    arg: *mut c_void,
}

#[repr(C)]
struct SegExtra {
    seg: *mut FileSegment,
}

#[repr(C)]
struct McastExtra {
    source: *mut Chain,
}

/// Allocates a header plus `extra` bytes; null on failure.
fn alloc_header(extra: usize, flags: u32) -> *mut Chain {
    let c = mm::malloc(HDR + extra).cast::<Chain>();
    if c.is_null() {
        return c;
    }
    // SAFETY: c points to HDR + extra fresh bytes, suitably aligned (malloc).
    unsafe {
        ptr::write(
            c,
            Chain {
                next: ptr::null_mut(),
                buffer_len: 0,
                misalign: 0,
                off: 0,
                flags,
                refcnt: 1,
                buffer: ptr::null_mut(),
            },
        );
    }
    c
}

/// The allocation size for a memory chain that must hold `size` bytes:
/// powers of two from `MIN_BUFFER_SIZE`, header included; exact for huge ones.
fn mem_alloc_size(size: usize) -> Option<usize> {
    if size > CHAIN_MAX - HDR {
        return None;
    }
    let need = size + HDR;
    if need < CHAIN_MAX / 2 {
        Some(need.next_power_of_two().max(MIN_BUFFER_SIZE))
    } else {
        Some(need)
    }
}

/// The usable capacity a new memory chain for `size` bytes would have.
pub fn mem_capacity_for(size: usize) -> Option<usize> {
    mem_alloc_size(size).map(|a| a - HDR)
}

impl Chain {
    /// A new, empty memory chain with room for at least `size` bytes.
    pub fn new_mem(size: usize) -> *mut Chain {
        let Some(total) = mem_alloc_size(size) else { return ptr::null_mut() };
        let c = alloc_header(total - HDR, 0);
        if !c.is_null() {
            // SAFETY: c is a fresh chain with total - HDR bytes after the header.
            unsafe {
                (*c).buffer_len = total - HDR;
                (*c).buffer = c.cast::<u8>().add(HDR);
            }
        }
        c
    }

    /// A reference chain over the program's `data[..len]`.
    pub fn new_reference(data: *const u8, len: usize, cleanup: RefCleanupFn, arg: *mut c_void) -> *mut Chain {
        let c = alloc_header(size_of::<RefExtra>(), FLAG_REFERENCE | FLAG_IMMUTABLE);
        if !c.is_null() {
            // SAFETY: c is fresh with room for the extra after the header.
            unsafe {
                (*c).buffer = data.cast_mut();
                (*c).buffer_len = len;
                (*c).off = len;
                ptr::write(c.cast::<u8>().add(HDR).cast::<RefExtra>(), RefExtra { cleanup, arg });
            }
        }
        c
    }

    /// A chain over `[offset, offset+len)` of a segment, taking one reference
    /// on it. `buffer` is the segment's bytes, or null for sendfile.
    ///
    /// # Safety
    /// `seg` is a live segment.
    pub unsafe fn new_segment(seg: *mut FileSegment, data: *mut u8, sendfile: bool, offset: usize, len: usize) -> *mut Chain {
        let flags = FLAG_FILESEGMENT | FLAG_IMMUTABLE | if sendfile { FLAG_SENDFILE } else { 0 };
        let c = alloc_header(size_of::<SegExtra>(), flags);
        if !c.is_null() {
            // SAFETY: c is fresh with room for the extra; seg is live (caller).
            unsafe {
                (*c).buffer = data;
                (*c).buffer_len = offset + len;
                (*c).misalign = offset;
                (*c).off = len;
                ptr::write(c.cast::<u8>().add(HDR).cast::<SegExtra>(), SegExtra { seg });
                FileSegment::incref(seg);
            }
        }
        c
    }

    /// A chain sharing the data of `source` (which gains a reference).
    ///
    /// # Safety
    /// `source` is a live chain that is not a file segment or multicast chain.
    pub unsafe fn new_multicast(source: *mut Chain) -> *mut Chain {
        let c = alloc_header(size_of::<McastExtra>(), FLAG_MULTICAST | FLAG_IMMUTABLE);
        if !c.is_null() {
            // SAFETY: c fresh; source live (caller).
            unsafe {
                (*c).buffer = (*source).buffer;
                (*c).buffer_len = (*source).buffer_len;
                (*c).misalign = (*source).misalign;
                (*c).off = (*source).off;
                (*source).refcnt += 1;
                ptr::write(c.cast::<u8>().add(HDR).cast::<McastExtra>(), McastExtra { source });
            }
        }
        c
    }

    /// The segment of a file-segment chain.
    ///
    /// # Safety
    /// `c` is a live chain with `FLAG_FILESEGMENT`.
    pub unsafe fn segment(c: *const Chain) -> *mut FileSegment {
        // SAFETY: caller's contract: the extra is a SegExtra.
        unsafe { (*c.cast::<u8>().add(HDR).cast::<SegExtra>()).seg }
    }

    /// Free bytes after the data.
    #[inline]
    pub fn space(&self) -> usize {
        self.buffer_len - self.misalign - self.off
    }

    /// Whether bytes may be written into this chain's free space or its
    /// data moved: a memory chain that nobody else shares.
    #[inline]
    pub fn writable(&self) -> bool {
        self.flags & FLAG_IMMUTABLE == 0 && self.refcnt <= 1
    }

    #[inline]
    pub fn pinned(&self) -> bool {
        self.flags & MEM_PINNED_ANY != 0
    }

    /// Pointer to the first data byte.
    #[inline]
    pub fn data(&self) -> *mut u8 {
        self.buffer.wrapping_add(self.misalign)
    }

    /// Pointer to the first free byte.
    #[inline]
    pub fn space_ptr(&self) -> *mut u8 {
        self.buffer.wrapping_add(self.misalign + self.off)
    }

    /// The data as a slice (empty for a sendfile chain, which holds no bytes
    /// in memory).
    ///
    /// # Safety
    /// The chain is live; the slice is used while it stays unchanged.
    #[inline]
    pub unsafe fn bytes<'a>(c: *const Chain) -> &'a [u8] {
        // SAFETY: caller's contract; data..data+off is the chain's data.
        unsafe {
            if (*c).off == 0 || (*c).buffer.is_null() {
                &[]
            } else {
                std::slice::from_raw_parts((*c).data(), (*c).off)
            }
        }
    }

    /// Moves the data to the start of the chain's memory.
    ///
    /// # Safety
    /// `c` is live and writable.
    pub unsafe fn realign(c: *mut Chain) {
        // SAFETY: caller's contract; both ranges are inside the chain.
        unsafe {
            if (*c).misalign != 0 {
                if (*c).off != 0 {
                    ptr::copy((*c).data(), (*c).buffer, (*c).off);
                }
                (*c).misalign = 0;
            }
        }
    }

    /// Drops one reference; at zero releases what the chain holds and its
    /// memory. A pinned chain is only marked dangling (freed at unpin).
    ///
    /// # Safety
    /// `c` is live and no longer linked into a buffer by the caller.
    pub unsafe fn release(c: *mut Chain) {
        // SAFETY: caller's contract.
        unsafe {
            if (*c).flags & MEM_PINNED_ANY != 0 {
                (*c).flags |= FLAG_DANGLING;
                return;
            }
            (*c).refcnt -= 1;
            if (*c).refcnt > 0 {
                return;
            }
            let extra = c.cast::<u8>().add(HDR);
            let flags = (*c).flags;
            if flags & FLAG_REFERENCE != 0 {
                let e = &*extra.cast::<RefExtra>();
                if let Some(f) = e.cleanup {
                    f((*c).buffer.cast_const().cast(), (*c).buffer_len, e.arg);
                }
            }
            if flags & FLAG_FILESEGMENT != 0 {
                FileSegment::decref((*extra.cast::<SegExtra>()).seg);
            }
            if flags & FLAG_MULTICAST != 0 {
                Chain::release((*extra.cast::<McastExtra>()).source);
            }
            mm::free(c.cast());
        }
    }
}
