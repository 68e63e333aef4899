//! Memory: every allocation the library makes goes through the functions a
//! program set with `event_set_mem_functions` (or `malloc`/`realloc`/`free`),
//! so memory a program frees with its own `free` matches, and a program that
//! counts allocations sees all of ours.
//!
//! Rust's own containers are routed here too by the global allocator below
//! (feature `c-allocator`, on by default; a Rust program that wants its own
//! global allocator turns it off).

use libc::{c_void, size_t};
use std::sync::atomic::{AtomicUsize, Ordering};

pub type MallocFn = unsafe extern "C" fn(size_t) -> *mut c_void;
pub type ReallocFn = unsafe extern "C" fn(*mut c_void, size_t) -> *mut c_void;
pub type FreeFn = unsafe extern "C" fn(*mut c_void);

static MALLOC: AtomicUsize = AtomicUsize::new(0);
static REALLOC: AtomicUsize = AtomicUsize::new(0);
static FREE: AtomicUsize = AtomicUsize::new(0);

/// Installs the program's functions; any `None` restores the C library's.
pub fn set_functions(m: Option<MallocFn>, r: Option<ReallocFn>, f: Option<FreeFn>) {
    MALLOC.store(m.map_or(0, |p| p as usize), Ordering::Release);
    REALLOC.store(r.map_or(0, |p| p as usize), Ordering::Release);
    FREE.store(f.map_or(0, |p| p as usize), Ordering::Release);
}

/// `mm_malloc`: NULL for a zero size, as libevent's.
pub fn malloc(n: usize) -> *mut c_void {
    if n == 0 {
        return std::ptr::null_mut();
    }
    raw_malloc(n)
}

fn raw_malloc(n: usize) -> *mut c_void {
    let m = MALLOC.load(Ordering::Acquire);
    if m != 0 {
        // SAFETY: MALLOC holds 0 or a MallocFn (set_functions).
        unsafe { std::mem::transmute::<usize, MallocFn>(m)(n) }
    } else {
        // SAFETY: plain libc malloc.
        unsafe { libc::malloc(n) }
    }
}

fn set_errno(e: libc::c_int) {
    // SAFETY: errno is thread-local and always writable.
    unsafe { *libc::__errno_location() = e };
}

/// `mm_calloc`: zeroed; NULL for a zero count or size; NULL with ENOMEM
/// when the multiplication would overflow.
pub fn calloc(count: usize, size: usize) -> *mut c_void {
    if count == 0 || size == 0 {
        return std::ptr::null_mut();
    }
    let Some(n) = count.checked_mul(size) else {
        set_errno(libc::ENOMEM);
        return std::ptr::null_mut();
    };
    let p = malloc(n);
    if !p.is_null() {
        // SAFETY: p points to n writable bytes.
        unsafe { std::ptr::write_bytes(p.cast::<u8>(), 0, n) };
    }
    p
}

/// # Safety
/// `p` is null or came from this module's allocation functions.
pub unsafe fn realloc(p: *mut c_void, n: usize) -> *mut c_void {
    let r = REALLOC.load(Ordering::Acquire);
    if r != 0 {
        // SAFETY: REALLOC holds 0 or a ReallocFn.
        unsafe { std::mem::transmute::<usize, ReallocFn>(r)(p, n) }
    } else {
        // SAFETY: p came from malloc/realloc (the caller's contract).
        unsafe { libc::realloc(p, n) }
    }
}

/// # Safety
/// `p` is null or came from this module's allocation functions, and is not
/// used afterwards.
pub unsafe fn free(p: *mut c_void) {
    if p.is_null() {
        return;
    }
    let f = FREE.load(Ordering::Acquire);
    if f != 0 {
        // SAFETY: FREE holds 0 or a FreeFn.
        unsafe { std::mem::transmute::<usize, FreeFn>(f)(p) }
    } else {
        // SAFETY: p came from malloc (the caller's contract).
        unsafe { libc::free(p) }
    }
}

/// `mm_strdup`.
pub fn strdup(s: &[u8]) -> *mut libc::c_char {
    let p = malloc(s.len() + 1).cast::<u8>();
    if !p.is_null() {
        // SAFETY: p has room for s plus the NUL.
        unsafe {
            std::ptr::copy_nonoverlapping(s.as_ptr(), p, s.len());
            *p.add(s.len()) = 0;
        }
    }
    p.cast()
}

/// The global allocator: the program's functions for ordinary alignments,
/// `posix_memalign` for the rare over-aligned type (malloc guarantees 16).
#[cfg(feature = "c-allocator")]
pub struct CAllocator;

#[cfg(feature = "c-allocator")]
const MALLOC_ALIGN: usize = 16;

#[cfg(feature = "c-allocator")]
// SAFETY: returns memory of at least `layout.size()` bytes aligned to
// `layout.align()`, or null; frees with the matching function by alignment.
unsafe impl std::alloc::GlobalAlloc for CAllocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.align() <= MALLOC_ALIGN {
            raw_malloc(layout.size().max(1)).cast()
        } else {
            let mut p = std::ptr::null_mut();
            // SAFETY: valid out-pointer; align is a power of two >= 16.
            if unsafe { libc::posix_memalign(&mut p, layout.align(), layout.size()) } != 0 {
                return std::ptr::null_mut();
            }
            p.cast()
        }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        if layout.align() <= MALLOC_ALIGN {
            // SAFETY: the pointer came from this library's allocator and is dropped here.
            unsafe { free(ptr.cast()) };
        } else {
            // SAFETY: over-aligned blocks come from posix_memalign.
            unsafe { libc::free(ptr.cast()) }
        }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new: usize) -> *mut u8 {
        if layout.align() <= MALLOC_ALIGN {
            // SAFETY: the pointer came from this library's allocator.
            unsafe { realloc(ptr.cast(), new.max(1)) }.cast()
        } else {
            // SAFETY: the layout built from the old one is valid for `new`.
            unsafe {
                let nl = std::alloc::Layout::from_size_align_unchecked(new, layout.align());
                let p = self.alloc(nl);
                if !p.is_null() {
                    std::ptr::copy_nonoverlapping(ptr, p, layout.size().min(new));
                    self.dealloc(ptr, layout);
                }
                p
            }
        }
    }
}
