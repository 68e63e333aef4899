//! `event2/buffer.h`. Thin: check the arguments (NULL, sizes), then run the
//! core operation under the buffer's lock with its callbacks
//! ([`Evbuffer::locked`]). `evbuffer_add_printf` / `evbuffer_add_vprintf`
//! are C (`varargs.c`) over the helpers at the end of this file.

use super::types::{
    ev_off_t, ev_ssize_t, ev_uint32_t, ev_uint64_t, evbuffer, evbuffer_cb_entry, evbuffer_cb_func, evbuffer_eol_style,
    evbuffer_file_segment, evbuffer_file_segment_cleanup_cb, evbuffer_iovec, evbuffer_ptr, evbuffer_ptr_how,
    evbuffer_ref_cleanup_cb,
};
use super::{event_base, evutil_socket_t};
use crate::buffer::file::FileSegment;
use crate::buffer::search::{EolStyle, EvbufferPtr};
use crate::buffer::ops::SMALL_COPY;
use crate::buffer::Evbuffer;
use libc::{c_char, c_int, c_uchar, c_uint, c_void, size_t};
use std::ptr;

/// A slice over C memory; empty when `len` is 0 (any pointer, even null).
///
/// # Safety
/// `p` is valid for `len` bytes when `len > 0`.
unsafe fn bytes<'a>(p: *const c_void, len: usize) -> &'a [u8] {
    if len == 0 {
        &[]
    } else {
        // SAFETY: caller's contract.
        unsafe { std::slice::from_raw_parts(p.cast(), len) }
    }
}

/// # Safety
/// `p` is valid for writing `len` bytes when `len > 0`.
unsafe fn bytes_mut<'a>(p: *mut c_void, len: usize) -> &'a mut [u8] {
    if len == 0 {
        &mut []
    } else {
        // SAFETY: caller's contract.
        unsafe { std::slice::from_raw_parts_mut(p.cast(), len) }
    }
}

/// # Safety
/// `v` is valid for `n` iovecs when `n > 0`.
unsafe fn vecs_mut<'a>(v: *mut evbuffer_iovec, n: c_int) -> &'a mut [evbuffer_iovec] {
    if n <= 0 || v.is_null() {
        &mut []
    } else {
        // SAFETY: caller's contract.
        unsafe { std::slice::from_raw_parts_mut(v, n as usize) }
    }
}

fn rc(r: Result<(), ()>) -> c_int {
    if r.is_ok() {
        0
    } else {
        -1
    }
}

// ---- life cycle, locking, flags ----------------------------------------------

/// Allocates an empty buffer; NULL if out of memory.
#[no_mangle]
pub extern "C" fn evbuffer_new() -> *mut evbuffer {
    Evbuffer::new()
}

/// Frees a buffer (once callbacks deferred on a base have run), with its
/// data: reference cleanup callbacks run, file segments are released.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_free(buf: *mut evbuffer) {
    if buf.is_null() {
        return;
    }
    // SAFETY: buf is a live buffer from evbuffer_new (the caller's contract).
    unsafe { Evbuffer::free(buf) }
}

/// Makes the buffer lockable with `lock` (NULL: allocate a recursive lock,
/// which needs threading enabled). 0 on success, -1 on failure.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_enable_locking(buf: *mut evbuffer, lock: *mut c_void) -> c_int {
    if buf.is_null() {
        return -1;
    }
    // SAFETY: live buffer (caller).
    unsafe { (*buf).enable_locking(lock) }
}

/// Takes the buffer's lock (no-op without locking).
#[no_mangle]
pub unsafe extern "C" fn evbuffer_lock(buf: *mut evbuffer) {
    if !buf.is_null() {
        // SAFETY: live buffer (caller).
        unsafe { Evbuffer::lock_raw(buf) }
    }
}

/// Releases the buffer's lock (no-op without locking).
#[no_mangle]
pub unsafe extern "C" fn evbuffer_unlock(buf: *mut evbuffer) {
    if !buf.is_null() {
        // SAFETY: live buffer (caller).
        unsafe { Evbuffer::unlock_raw(buf) }
    }
}

/// Adds EVBUFFER_FLAG_* flags. 0, or -1 for a NULL buffer.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_set_flags(buf: *mut evbuffer, flags: ev_uint64_t) -> c_int {
    if buf.is_null() {
        return -1;
    }
    // SAFETY: live buffer (caller).
    unsafe { Evbuffer::locked_quiet(buf, |b| b.flags |= flags as u32) };
    0
}

/// Removes EVBUFFER_FLAG_* flags. 0, or -1 for a NULL buffer.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_clear_flags(buf: *mut evbuffer, flags: ev_uint64_t) -> c_int {
    if buf.is_null() {
        return -1;
    }
    // SAFETY: live buffer (caller).
    unsafe { Evbuffer::locked_quiet(buf, |b| b.flags &= !(flags as u32)) };
    0
}

/// The number of bytes in the buffer.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_get_length(buf: *const evbuffer) -> size_t {
    if buf.is_null() {
        return 0;
    }
    // SAFETY: live buffer (caller); read-only.
    unsafe { Evbuffer::locked_quiet(buf.cast_mut(), |b| b.len()) }
}

/// The number of bytes in the first chain (readable without pullup).
#[no_mangle]
pub unsafe extern "C" fn evbuffer_get_contiguous_space(buf: *const evbuffer) -> size_t {
    if buf.is_null() {
        return 0;
    }
    // SAFETY: live buffer (caller); read-only.
    unsafe { Evbuffer::locked_quiet(buf.cast_mut(), |b| b.contiguous_space()) }
}

// ---- adding and removing ---------------------------------------------------------

/// Makes room for `datlen` more bytes in one block. 0 or -1.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_expand(buf: *mut evbuffer, datlen: size_t) -> c_int {
    if buf.is_null() {
        return -1;
    }
    // SAFETY: live buffer (caller).
    rc(unsafe { Evbuffer::locked_quiet(buf, |b| b.expand(datlen)) })
}

/// Reserves at least `size` bytes of free space, described in up to
/// `n_vec` extents; the number of extents, or -1.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_reserve_space(
    buf: *mut evbuffer,
    size: ev_ssize_t,
    vec: *mut evbuffer_iovec,
    n_vec: c_int,
) -> c_int {
    if buf.is_null() || vec.is_null() || n_vec < 1 || size < 0 {
        return -1;
    }
    // SAFETY: vec holds n_vec iovecs (caller).
    let v = unsafe { vecs_mut(vec, n_vec) };
    // SAFETY: live buffer (caller).
    match unsafe { Evbuffer::locked_quiet(buf, |b| b.reserve_space(size as usize, v)) } {
        Ok(n) => n as c_int,
        Err(()) => -1,
    }
}

/// Makes the bytes written into reserved extents part of the buffer. 0 or -1.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_commit_space(buf: *mut evbuffer, vec: *mut evbuffer_iovec, n_vecs: c_int) -> c_int {
    if buf.is_null() || n_vecs < 0 || (n_vecs > 0 && vec.is_null()) {
        return -1;
    }
    // SAFETY: vec holds n_vecs iovecs (caller).
    let v = unsafe { vecs_mut(vec, n_vecs) };
    // SAFETY: live buffer (caller).
    rc(unsafe { Evbuffer::locked(buf, |b| b.commit_space(v)) })
}

/// Appends a copy of `data[..datlen]`. 0 or -1.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_add(buf: *mut evbuffer, data: *const c_void, datlen: size_t) -> c_int {
    if buf.is_null() || (data.is_null() && datlen > 0) || datlen > isize::MAX as usize {
        return -1;
    }
    // Small pieces: copied inline, with no call (so no register spills).
    // SAFETY: data holds datlen bytes (caller); live buffer (caller).
    if datlen <= SMALL_COPY && unsafe { (*buf).add_unshared(bytes(data, datlen)) } {
        return 0;
    }
    // SAFETY: as above.
    unsafe { add_general(buf, bytes(data, datlen)) }
}

/// `evbuffer_add` for the rest (out of line so the small path stays lean).
///
/// # Safety
/// `buf` is live.
#[inline(never)]
unsafe fn add_general(buf: *mut evbuffer, d: &[u8]) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        if (*buf).add_unshared(d) {
            return 0;
        }
        rc(Evbuffer::locked(buf, |b| b.add(d)))
    }
}

/// Moves up to `datlen` bytes from the front into `data`; the number moved
/// (at most INT_MAX), or -1.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_remove(buf: *mut evbuffer, data: *mut c_void, datlen: size_t) -> c_int {
    if buf.is_null() || (data.is_null() && datlen > 0) {
        return -1;
    }
    let datlen = datlen.min(c_int::MAX as usize);
    // SAFETY: data holds datlen writable bytes (caller).
    let d = unsafe { bytes_mut(data, datlen) };
    // SAFETY: live buffer (caller).
    match unsafe { Evbuffer::locked(buf, |b| b.remove(d)) } {
        Ok(n) => n as c_int,
        Err(()) => -1,
    }
}

/// Copies up to `datlen` bytes from the front into `data_out`, leaving them;
/// the number copied, or -1.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_copyout(buf: *mut evbuffer, data_out: *mut c_void, datlen: size_t) -> ev_ssize_t {
    if buf.is_null() || (data_out.is_null() && datlen > 0) {
        return -1;
    }
    let datlen = datlen.min(isize::MAX as usize);
    // SAFETY: data_out holds datlen writable bytes (caller).
    let d = unsafe { bytes_mut(data_out, datlen) };
    // SAFETY: live buffer (caller).
    match unsafe { Evbuffer::locked_quiet(buf, |b| b.copyout(d)) } {
        Ok(n) => n as ev_ssize_t,
        Err(()) => -1,
    }
}

/// Copies up to `datlen` bytes starting at `pos` (NULL: the front); the
/// number copied, or -1.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_copyout_from(
    buf: *mut evbuffer,
    pos: *const evbuffer_ptr,
    data_out: *mut c_void,
    datlen: size_t,
) -> ev_ssize_t {
    if buf.is_null() || (data_out.is_null() && datlen > 0) {
        return -1;
    }
    // SAFETY: pos is null or a valid evbuffer_ptr of this buffer (caller).
    let pos = unsafe { pos.as_ref() }.copied();
    // SAFETY: live buffer (caller).
    let r = unsafe {
        Evbuffer::locked_quiet(buf, |b| {
            let (chain, at, mut n) = match pos {
                None => (b.first, 0, datlen),
                Some(p) => {
                    if p.pos < 0 || datlen > (isize::MAX - p.pos) as usize {
                        return Err(());
                    }
                    let left = b.len().saturating_sub(p.pos as usize);
                    (p.chain.cast(), p.pos_in_chain, datlen.min(left))
                }
            };
            n = n.min(isize::MAX as usize);
            if n == 0 {
                return Ok(0);
            }
            if b.freeze_start {
                return Err(());
            }
            let d = bytes_mut(data_out, n);
            Ok(b.copy_from(chain, at, d))
        })
    };
    match r {
        Ok(n) => n as ev_ssize_t,
        Err(()) => -1,
    }
}

/// Moves up to `datlen` bytes from the front of `src` to the end of `dst`,
/// without copying whole blocks; the number moved, or -1.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_remove_buffer(src: *mut evbuffer, dst: *mut evbuffer, datlen: size_t) -> c_int {
    if src.is_null() || dst.is_null() {
        return -1;
    }
    if src == dst {
        return 0;
    }
    let datlen = datlen.min(c_int::MAX as usize);
    // SAFETY: two distinct live buffers (caller).
    match unsafe { Evbuffer::locked2(src, dst, |s, d| s.remove_buffer(d, datlen), false) } {
        Ok(n) => n as c_int,
        Err(()) => -1,
    }
}

/// Removes the first line (ended as `eol_style` says) and returns it,
/// NUL-terminated, in memory the caller frees; its length in `*n_read_out`.
/// NULL if there is no complete line.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_readln(
    buffer: *mut evbuffer,
    n_read_out: *mut size_t,
    eol_style: evbuffer_eol_style,
) -> *mut c_char {
    if buffer.is_null() {
        return ptr::null_mut();
    }
    let style = EolStyle::from_c(eol_style);
    // SAFETY: live buffer (caller).
    match unsafe { Evbuffer::readln_locked(buffer, style) } {
        Some((line, n)) => {
            if !n_read_out.is_null() {
                // SAFETY: writable size_t (caller).
                unsafe { *n_read_out = n };
            }
            line.cast()
        }
        None => {
            if !n_read_out.is_null() {
                // SAFETY: writable size_t (caller).
                unsafe { *n_read_out = 0 };
            }
            ptr::null_mut()
        }
    }
}

/// Moves all of `inbuf` to the end of `outbuf` without copying. 0 or -1.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_add_buffer(outbuf: *mut evbuffer, inbuf: *mut evbuffer) -> c_int {
    if outbuf.is_null() || inbuf.is_null() {
        return -1;
    }
    if outbuf == inbuf {
        return 0;
    }
    // SAFETY: two distinct live buffers (caller).
    rc(unsafe { Evbuffer::locked2(outbuf, inbuf, |o, i| o.add_buffer(i), false) })
}

/// Adds `inbuf`'s bytes to `outbuf` without copying and without removing
/// them from `inbuf`. -1 if `inbuf` holds file segments or such references.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_add_buffer_reference(outbuf: *mut evbuffer, inbuf: *mut evbuffer) -> c_int {
    if outbuf.is_null() || inbuf.is_null() || outbuf == inbuf {
        return -1;
    }
    // SAFETY: two distinct live buffers (caller). Only outbuf changes, so
    // only its callbacks have anything to report.
    rc(unsafe { Evbuffer::locked2(outbuf, inbuf, |o, i| o.add_buffer_reference(i), true) })
}

/// Appends the caller's memory without copying; `cleanupfn(data, datlen,
/// cleanupfn_arg)` runs once when the buffer no longer needs it.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_add_reference(
    outbuf: *mut evbuffer,
    data: *const c_void,
    datlen: size_t,
    cleanupfn: evbuffer_ref_cleanup_cb,
    cleanupfn_arg: *mut c_void,
) -> c_int {
    if outbuf.is_null() || (data.is_null() && datlen > 0) {
        return -1;
    }
    // SAFETY: live buffer (caller); data stays valid until cleanup (caller).
    rc(unsafe { Evbuffer::locked(outbuf, |b| b.add_reference(data.cast(), datlen, cleanupfn, cleanupfn_arg)) })
}

/// Appends `length` bytes (-1: to the end) of the file from `offset`; the
/// buffer owns and closes `fd`. 0 or -1.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_add_file(
    outbuf: *mut evbuffer,
    fd: c_int,
    offset: ev_off_t,
    length: ev_off_t,
) -> c_int {
    if outbuf.is_null() {
        return -1;
    }
    // SAFETY: live buffer (caller).
    rc(unsafe { Evbuffer::locked(outbuf, |b| b.add_file(fd, offset, length)) })
}

/// A segment of `length` bytes (-1: to the end) of the file from `offset`,
/// with EVBUF_FS_* `flags`; NULL on failure.
#[no_mangle]
pub extern "C" fn evbuffer_file_segment_new(
    fd: c_int,
    offset: ev_off_t,
    length: ev_off_t,
    flags: c_uint,
) -> *mut evbuffer_file_segment {
    FileSegment::new(fd, offset, length, flags)
}

/// Drops the creator's reference; the segment goes when no buffer uses it.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_file_segment_free(seg: *mut evbuffer_file_segment) {
    if !seg.is_null() {
        // SAFETY: live segment (caller).
        unsafe { FileSegment::decref(seg) }
    }
}

/// Sets the function called when the segment is finally released.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_file_segment_add_cleanup_cb(
    seg: *mut evbuffer_file_segment,
    cb: evbuffer_file_segment_cleanup_cb,
    arg: *mut c_void,
) {
    if !seg.is_null() {
        // SAFETY: live segment (caller).
        unsafe { (*seg).set_cleanup(cb, arg) }
    }
}

/// Appends bytes `[offset, offset+length)` of a segment (-1: to its end). 0 or -1.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_add_file_segment(
    buf: *mut evbuffer,
    seg: *mut evbuffer_file_segment,
    offset: ev_off_t,
    length: ev_off_t,
) -> c_int {
    if buf.is_null() || seg.is_null() {
        return -1;
    }
    // SAFETY: live buffer and segment (caller).
    rc(unsafe { Evbuffer::locked(buf, |b| b.add_file_segment(seg, offset, length)) })
}

/// Removes `len` bytes from the front (all if fewer). 0 or -1.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_drain(buf: *mut evbuffer, len: size_t) -> c_int {
    if buf.is_null() {
        return -1;
    }
    // SAFETY: live buffer (caller).
    if unsafe { (*buf).drain_unshared(len) } {
        return 0;
    }
    // SAFETY: as above.
    unsafe { drain_locked(buf, len) }
}

/// `evbuffer_drain` in general (out of line, as `add_locked`).
///
/// # Safety
/// `buf` is live.
#[inline(never)]
unsafe fn drain_locked(buf: *mut evbuffer, len: size_t) -> c_int {
    // SAFETY: caller's contract.
    rc(unsafe { Evbuffer::locked(buf, |b| b.drain(len)) })
}

// ---- I/O ----------------------------------------------------------------------------

/// Writes as much as one system call takes, draining it; bytes written or -1.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_write(buffer: *mut evbuffer, fd: evutil_socket_t) -> c_int {
    // SAFETY: forwarded.
    unsafe { evbuffer_write_atmost(buffer, fd, -1) }
}

/// Writes at most `howmuch` bytes (-1: all), draining them; bytes written or -1.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_write_atmost(
    buffer: *mut evbuffer,
    fd: evutil_socket_t,
    howmuch: ev_ssize_t,
) -> c_int {
    if buffer.is_null() {
        return -1;
    }
    let howmuch = if howmuch > c_int::MAX as isize { c_int::MAX as isize } else { howmuch };
    // SAFETY: live buffer (caller).
    match unsafe { Evbuffer::locked(buffer, |b| b.write_fd(fd, howmuch)) } {
        Ok(n) => n as c_int,
        Err(()) => -1,
    }
}

/// Reads up to `howmuch` bytes (negative: what is waiting, at most 4096);
/// bytes read, 0 at end of file, or -1.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_read(buffer: *mut evbuffer, fd: evutil_socket_t, howmuch: c_int) -> c_int {
    if buffer.is_null() {
        return -1;
    }
    // SAFETY: live buffer (caller).
    match unsafe { Evbuffer::locked(buffer, |b| b.read_fd(fd, howmuch)) } {
        Ok(n) => n as c_int,
        Err(()) => -1,
    }
}

// ---- positions, search, peek ------------------------------------------------------

/// The first occurrence of `what[..len]` at or after `start` (NULL: the
/// front); `pos` is -1 if there is none.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_search(
    buffer: *mut evbuffer,
    what: *const c_char,
    len: size_t,
    start: *const evbuffer_ptr,
) -> evbuffer_ptr {
    // SAFETY: forwarded.
    unsafe { evbuffer_search_range(buffer, what, len, start, ptr::null()) }
}

/// As evbuffer_search, for an occurrence ending at or before `end` (NULL:
/// the buffer's end).
#[no_mangle]
pub unsafe extern "C" fn evbuffer_search_range(
    buffer: *mut evbuffer,
    what: *const c_char,
    len: size_t,
    start: *const evbuffer_ptr,
    end: *const evbuffer_ptr,
) -> evbuffer_ptr {
    if buffer.is_null() || (what.is_null() && len > 0) {
        return EvbufferPtr::NOT_FOUND;
    }
    // A length no memory can have finds, as an empty one, the start (libevent).
    let len = if len > isize::MAX as usize { 0 } else { len };
    // SAFETY: what holds len bytes; start/end are null or positions of this
    // buffer, which has not changed since (the caller's contract, as in libevent).
    unsafe {
        let w = bytes(what.cast(), len);
        let (s, e) = (start.as_ref().copied(), end.as_ref().copied());
        Evbuffer::locked_quiet(buffer, |b| b.search_range(w, s.as_ref(), e.as_ref()))
    }
}

/// Sets (`EVBUFFER_PTR_SET`) or advances (`EVBUFFER_PTR_ADD`) a position.
/// 0, or -1 (past the end: `pos` becomes -1).
#[no_mangle]
pub unsafe extern "C" fn evbuffer_ptr_set(
    buffer: *mut evbuffer,
    ptr: *mut evbuffer_ptr,
    position: size_t,
    how: evbuffer_ptr_how,
) -> c_int {
    if buffer.is_null() || ptr.is_null() {
        return -1;
    }
    // SAFETY: live buffer; ptr is writable and, for EVBUFFER_PTR_ADD, a
    // position of this unchanged buffer (caller).
    rc(unsafe { Evbuffer::locked_quiet(buffer, |b| b.ptr_set(&mut *ptr, position, how)) })
}

/// The first end of line at or after `start`; its length in `*eol_len_out`.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_search_eol(
    buffer: *mut evbuffer,
    start: *mut evbuffer_ptr,
    eol_len_out: *mut size_t,
    eol_style: evbuffer_eol_style,
) -> evbuffer_ptr {
    if buffer.is_null() {
        return EvbufferPtr::NOT_FOUND;
    }
    // SAFETY: start is null or a position (caller).
    let s = unsafe { start.as_ref() }.copied();
    let style = EolStyle::from_c(eol_style);
    // SAFETY: live buffer; start is null or a position of it, unchanged
    // since (caller).
    let (p, n) = unsafe { Evbuffer::locked_quiet(buffer, |b| b.search_eol(s.as_ref(), style)) };
    if !eol_len_out.is_null() {
        // SAFETY: writable (caller).
        unsafe { *eol_len_out = n };
    }
    p
}

/// Describes up to `len` bytes (negative: all) from `start_at` in
/// `vec_out`; the number of extents needed.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_peek(
    buffer: *mut evbuffer,
    len: ev_ssize_t,
    start_at: *mut evbuffer_ptr,
    vec_out: *mut evbuffer_iovec,
    n_vec: c_int,
) -> c_int {
    if buffer.is_null() || n_vec < 0 || (n_vec > 0 && vec_out.is_null()) {
        return -1;
    }
    // SAFETY: vec_out holds n_vec iovecs; start_at is null or a position of
    // this unchanged buffer (caller).
    unsafe {
        let v = vecs_mut(vec_out, n_vec);
        let s = start_at.as_ref().copied();
        let n = Evbuffer::locked_quiet(buffer, |b| b.peek(len, s.as_ref(), v));
        n.min(c_int::MAX as usize) as c_int
    }
}

// ---- callbacks ---------------------------------------------------------------------

/// Adds a change callback; its handle, or NULL.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_add_cb(
    buffer: *mut evbuffer,
    cb: evbuffer_cb_func,
    cbarg: *mut c_void,
) -> *mut evbuffer_cb_entry {
    if buffer.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: live buffer (caller).
    unsafe { Evbuffer::locked_quiet(buffer, |b| b.add_cb(cb, cbarg)) }
}

/// Removes a callback by handle. 0, or -1 if it is not this buffer's.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_remove_cb_entry(buffer: *mut evbuffer, ent: *mut evbuffer_cb_entry) -> c_int {
    if buffer.is_null() {
        return -1;
    }
    // SAFETY: live buffer (caller).
    unsafe { Evbuffer::locked_quiet(buffer, |b| b.remove_cb_entry(ent)) }
}

/// Removes the (newest) callback with this function and argument. 0 or -1.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_remove_cb(buffer: *mut evbuffer, cb: evbuffer_cb_func, cbarg: *mut c_void) -> c_int {
    if buffer.is_null() {
        return -1;
    }
    // SAFETY: live buffer (caller).
    unsafe { Evbuffer::locked_quiet(buffer, |b| b.remove_cb(cb, cbarg)) }
}

/// Sets flags (EVBUFFER_CB_ENABLED) on a callback. 0 or -1.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_cb_set_flags(
    buffer: *mut evbuffer,
    cb: *mut evbuffer_cb_entry,
    flags: ev_uint32_t,
) -> c_int {
    if buffer.is_null() {
        return -1;
    }
    // SAFETY: live buffer (caller).
    unsafe { Evbuffer::locked_quiet(buffer, |b| b.cb_change_flags(cb, flags, true)) }
}

/// Clears flags (EVBUFFER_CB_ENABLED) on a callback. 0 or -1.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_cb_clear_flags(
    buffer: *mut evbuffer,
    cb: *mut evbuffer_cb_entry,
    flags: ev_uint32_t,
) -> c_int {
    if buffer.is_null() {
        return -1;
    }
    // SAFETY: live buffer (caller).
    unsafe { Evbuffer::locked_quiet(buffer, |b| b.cb_change_flags(cb, flags, false)) }
}

// ---- layout --------------------------------------------------------------------------

/// Makes the first `size` bytes (-1: all) contiguous and returns them;
/// NULL if the buffer holds fewer, or for 0.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_pullup(buf: *mut evbuffer, size: ev_ssize_t) -> *mut c_uchar {
    if buf.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: live buffer (caller).
    unsafe { Evbuffer::locked_quiet(buf, |b| b.pullup(size)) }
}

/// Inserts a copy of `data[..size]` at the front. 0 or -1.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_prepend(buf: *mut evbuffer, data: *const c_void, size: size_t) -> c_int {
    if buf.is_null() || (data.is_null() && size > 0) || size > isize::MAX as usize {
        return -1;
    }
    // SAFETY: data holds size bytes (caller).
    let d = unsafe { bytes(data, size) };
    // SAFETY: live buffer (caller).
    rc(unsafe { Evbuffer::locked(buf, |b| b.prepend(d)) })
}

/// Moves all of `src` to the front of `dst`. 0 or -1.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_prepend_buffer(dst: *mut evbuffer, src: *mut evbuffer) -> c_int {
    if dst.is_null() || src.is_null() {
        return -1;
    }
    if dst == src {
        return 0;
    }
    // SAFETY: two distinct live buffers (caller).
    rc(unsafe { Evbuffer::locked2(dst, src, |d, s| d.prepend_buffer(s), false) })
}

/// Refuses changes at the front (`at_front`) or the end. 0, or -1 for NULL.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_freeze(buf: *mut evbuffer, at_front: c_int) -> c_int {
    if buf.is_null() {
        return -1;
    }
    // SAFETY: live buffer (caller).
    unsafe { Evbuffer::locked_quiet(buf, |b| b.freeze(at_front != 0)) };
    0
}

/// Allows changes at the front (`at_front`) or the end again. 0, or -1 for NULL.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_unfreeze(buf: *mut evbuffer, at_front: c_int) -> c_int {
    if buf.is_null() {
        return -1;
    }
    // SAFETY: live buffer (caller).
    unsafe { Evbuffer::locked_quiet(buf, |b| b.unfreeze(at_front != 0)) };
    0
}

/// Runs the buffer's callbacks from `base`'s loop instead of at each change.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_defer_callbacks(buffer: *mut evbuffer, base: *mut event_base) -> c_int {
    if buffer.is_null() || base.is_null() {
        return -1;
    }
    // SAFETY: live buffer and base (caller).
    unsafe { Evbuffer::defer_callbacks(buffer, base) }
}

/// Appends the bytes of `n_vec` extents, after making room for all of them;
/// the number of bytes added.
#[no_mangle]
pub unsafe extern "C" fn evbuffer_add_iovec(buffer: *mut evbuffer, vec: *mut evbuffer_iovec, n_vec: c_int) -> size_t {
    if buffer.is_null() || vec.is_null() || n_vec <= 0 {
        return 0;
    }
    // SAFETY: vec holds n_vec iovecs (caller).
    let v = unsafe { vecs_mut(vec, n_vec) };
    let mut total = 0usize;
    for e in v.iter() {
        if e.iov_base.is_null() && e.iov_len > 0 {
            return 0;
        }
        let Some(t) = total.checked_add(e.iov_len) else { return 0 };
        total = t;
    }
    // SAFETY: live buffer (caller); each extent holds iov_len bytes (caller).
    unsafe {
        Evbuffer::lock_raw(buffer);
        let mut added = 0;
        if (*buffer).expand_fast(total, 2).is_ok() {
            for e in v.iter() {
                let r = (*buffer).add(bytes(e.iov_base, e.iov_len));
                Evbuffer::invoke_callbacks(buffer);
                if r.is_err() {
                    break;
                }
                added += e.iov_len;
            }
        }
        Evbuffer::unlock_raw(buffer);
        added
    }
}
