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

fn errno() -> c_int {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

impl Evbuffer {
    /// `evbuffer_read`: one `readv` of up to `howmuch` bytes (negative: as
    /// many as are waiting, at most `MAX_READ`). Bytes read, 0 at end of
    /// file, -1 on error (errno set).
    pub fn read_fd(&mut self, fd: c_int, howmuch: c_int) -> Res<usize> {
        if self.freeze_end {
            return Err(());
        }
        let mut n: c_int = 0;
        // SAFETY: FIONREAD writes one int.
        let r = unsafe { libc::ioctl(fd, libc::FIONREAD, &mut n as *mut c_int) };
        let mut avail = if r < 0 || n <= 0 || n as usize > MAX_READ { MAX_READ } else { n as usize };
        if howmuch >= 0 && (howmuch as usize) < avail {
            avail = howmuch as usize;
        }
        self.expand_fast(avail, NUM_READ_IOVEC)?;
        let mut vecs = [iovec { iov_base: std::ptr::null_mut(), iov_len: 0 }; NUM_READ_IOVEC];
        let nv = self.space_vecs(avail, &mut vecs, true);
        // SAFETY: the extents are free space of our chains.
        let got = unsafe { libc::readv(fd, vecs.as_ptr(), nv as c_int) };
        if got < 0 {
            return Err(());
        }
        let got = got as usize;
        if got == 0 {
            return Ok(0);
        }
        // Commit `got` bytes into the chains the extents came from.
        let mut left = got;
        let mut c = self.first_space_chain();
        // SAFETY: the same chains space_vecs described, in order.
        unsafe {
            for v in &vecs[..nv] {
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
        Ok(got)
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
