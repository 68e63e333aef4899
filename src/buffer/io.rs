//! Reading into and writing out of a buffer: `readv` straight into the
//! chains' free space, `writev` straight from the chains, `sendfile` for
//! file segments. Nothing is copied through an intermediate buffer, and
//! bytes are committed or drained only for what the system call reports, so
//! a short read or write, `EAGAIN` or `EINTR` loses and duplicates nothing.

use super::chain::{self, Chain};
use super::file::FileSegment;
use super::ops::Res;
use super::Evbuffer;
use libc::{c_int, iovec};

/// At most this much is read per `evbuffer_read` (libevent 2.1's value).
pub const MAX_READ: usize = 4096;
/// Extents per `readv`.
pub const NUM_READ_IOVEC: usize = 4;
/// Extents per `writev`.
pub const NUM_WRITE_IOVEC: usize = 128;

/// Bytes waiting on `fd` (`FIONREAD`; 0 if unknown).
fn waiting(fd: c_int) -> usize {
    let mut n: c_int = 0;
    // SAFETY: FIONREAD writes one int.
    let r = unsafe { libc::ioctl(fd, libc::FIONREAD, &mut n as *mut c_int) };
    if r < 0 || n < 0 {
        0
    } else {
        n as usize
    }
}

fn errno() -> c_int {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

impl Evbuffer {
    /// `evbuffer_read`: one `readv` of up to `howmuch` bytes (negative: as
    /// many as are waiting, at most `MAX_READ`), sized by `FIONREAD` as
    /// libevent's (so the chains come out the same). Bytes read, 0 at end of
    /// file, -1 on error (errno set).
    pub fn read_fd(&mut self, fd: c_int, howmuch: c_int) -> Res<usize> {
        if self.freeze_end {
            return Err(());
        }
        let waiting = waiting(fd);
        let mut avail = if waiting == 0 || waiting > MAX_READ { MAX_READ } else { waiting };
        if howmuch >= 0 && (howmuch as usize) < avail {
            avail = howmuch as usize;
        }
        self.read_into_chains(fd, avail)
    }

    /// A socket bufferevent's read: at most `limit` bytes.
    ///
    /// Up to `MAX_READ` no `FIONREAD` is asked (it only sizes the read, and
    /// a read of min(waiting, limit) returns the same bytes either way): the
    /// read fills the free space the buffer already has, and what does not
    /// fit lands on the stack and is then added, so a new chain is sized by
    /// what arrived. Above `MAX_READ` (the program raised the bufferevent's
    /// single-read maximum) the waiting count sizes the space.
    pub fn read_fd_upto(&mut self, fd: c_int, limit: usize) -> Res<usize> {
        if self.freeze_end {
            return Err(());
        }
        if limit <= MAX_READ {
            return self.read_small(fd, limit);
        }
        let avail = waiting(fd).clamp(MAX_READ, limit);
        self.read_into_chains(fd, avail)
    }

    /// One `readv` of up to `avail` bytes straight into the chains' space.
    fn read_into_chains(&mut self, fd: c_int, avail: usize) -> Res<usize> {
        self.expand_fast(avail, NUM_READ_IOVEC)?;
        let mut vecs = [iovec { iov_base: std::ptr::null_mut(), iov_len: 0 }; NUM_READ_IOVEC];
        let nv = self.space_vecs(avail, &mut vecs, true);
        // SAFETY: the extents are free space of our chains.
        let got = unsafe { libc::readv(fd, vecs.as_ptr(), nv as c_int) };
        if got < 0 {
            return Err(());
        }
        self.commit_read(&vecs[..nv], got as usize);
        Ok(got as usize)
    }

    /// `read_fd_upto` for at most `MAX_READ` bytes: the buffer's free space,
    /// then a stack overflow area.
    fn read_small(&mut self, fd: c_int, limit: usize) -> Res<usize> {
        let mut vecs = [iovec { iov_base: std::ptr::null_mut(), iov_len: 0 }; NUM_READ_IOVEC + 1];
        let last = self.last;
        // SAFETY: `last` is null or a live chain of this buffer.
        let mut nv = if last.is_null() || unsafe { (*last).pinned() } {
            0
        } else {
            self.space_vecs(limit, &mut vecs[..NUM_READ_IOVEC], true)
        };
        let have: usize = vecs[..nv].iter().map(|v| v.iov_len).sum();
        let mut spill = std::mem::MaybeUninit::<[u8; MAX_READ]>::uninit();
        if have < limit {
            vecs[nv] = iovec { iov_base: spill.as_mut_ptr().cast(), iov_len: limit - have };
            nv += 1;
        }
        // SAFETY: the extents are free space of our chains and `spill`.
        let got = unsafe { libc::readv(fd, vecs.as_ptr(), nv as c_int) };
        if got < 0 {
            return Err(());
        }
        let got = got as usize;
        let in_place = got.min(have);
        self.commit_read(&vecs[..nv], in_place);
        if got > have {
            // SAFETY: readv wrote `got - have` bytes at the start of `spill`.
            let extra = unsafe { std::slice::from_raw_parts(spill.as_ptr().cast::<u8>(), got - have) };
            if self.add(extra).is_err() {
                // Out of memory after the bytes left the socket: they are
                // lost, as libevent's would be if its expand had failed later.
                return Err(());
            }
        }
        Ok(got)
    }

    /// Makes `got` bytes read into `vecs` (free space of our chains, in
    /// order) part of the data.
    fn commit_read(&mut self, vecs: &[iovec], got: usize) {
        if got == 0 {
            return;
        }
        let mut left = got;
        let mut c = self.first_space_chain();
        // SAFETY: the same chains space_vecs described, in order.
        unsafe {
            for v in vecs {
                let k = v.iov_len.min(left);
                (*c).off += k;
                left -= k;
                if left == 0 {
                    break;
                }
                c = (*c).next;
            }
        }
        self.total_len += got;
        self.n_add_for_cb += got;
        self.advance_lwd();
    }

    /// `evbuffer_write_atmost`: one `writev` (or `sendfile` when the first
    /// chain is a file segment sent that way) of up to `howmuch` bytes
    /// (negative: all), draining what was written. -1 on error, and (as in
    /// libevent) when there is nothing to write.
    pub fn write_fd(&mut self, fd: c_int, howmuch: isize) -> Res<usize> {
        if self.freeze_start {
            return Err(());
        }
        let howmuch = if howmuch < 0 || howmuch as usize > self.total_len { self.total_len } else { howmuch as usize };
        if howmuch == 0 {
            // Nothing to write (empty buffer, or asked for 0): libevent's -1.
            return Err(());
        }
        let first = self.first;
        // SAFETY: first is live (howmuch > 0 means there is data).
        let n = if unsafe { (*first).flags } & chain::FLAG_SENDFILE != 0 {
            self.write_sendfile(fd, howmuch)?
        } else {
            self.write_iovec(fd, howmuch)?
        };
        if n > 0 {
            self.drain(n)?;
        }
        Ok(n)
    }

    fn write_iovec(&mut self, fd: c_int, howmuch: usize) -> Res<usize> {
        // Uninitialised: only the first `i` extents are filled and passed
        // (zeroing all 128 would cost more than a small write itself).
        let mut vecs = [std::mem::MaybeUninit::<iovec>::uninit(); NUM_WRITE_IOVEC];
        let mut i = 0;
        let mut left = howmuch;
        for c in self.chains() {
            if i == NUM_WRITE_IOVEC || left == 0 {
                break;
            }
            // SAFETY: chains of the list are live.
            unsafe {
                if (*c).flags & chain::FLAG_SENDFILE != 0 {
                    break;
                }
                if (*c).off == 0 {
                    continue;
                }
                let k = (*c).off.min(left);
                vecs[i].write(iovec { iov_base: (*c).data().cast(), iov_len: k });
                left -= k;
                i += 1;
            }
        }
        // SAFETY: vecs[..i] are initialised and describe our chains' data.
        let r = unsafe { libc::writev(fd, vecs.as_ptr().cast::<iovec>(), i as c_int) };
        if r < 0 {
            Err(())
        } else {
            Ok(r as usize)
        }
    }

    fn write_sendfile(&mut self, fd: c_int, howmuch: usize) -> Res<usize> {
        let c: *mut Chain = self.first;
        // SAFETY: c is the live first chain, a sendfile chain.
        let (src, off, len) = unsafe {
            let (src, off) = FileSegment::source(c);
            (src, off, (*c).off.min(howmuch))
        };
        let mut offset = off as libc::off_t;
        // SAFETY: sendfile between two descriptors; offset is a valid out-param.
        let r = unsafe { libc::sendfile(fd, src, &mut offset, len) };
        if r < 0 {
            let e = errno();
            if e == libc::EAGAIN || e == libc::EINTR || e == libc::EWOULDBLOCK {
                return Ok(0);
            }
            return Err(());
        }
        Ok(r as usize)
    }
}
