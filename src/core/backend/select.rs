//! select(2) with fd sets sized to the highest fd (not limited to
//! FD_SETSIZE), as libevent's select backend does on Linux.

use super::{errno, Backend, Ready, EV_FEATURE_FDS};
use crate::core::iomap::FdSlot;
use crate::core::clock::{micros_to_tv, Micros};
use crate::core::event::{EV_READ, EV_WRITE};
use crate::log;
use libc::{c_int, c_short, c_void};
use std::ffi::CStr;

pub const FEATURES: c_int = EV_FEATURE_FDS;
const BITS: usize = 64;

#[derive(Default)]
pub struct Select {
    read: Vec<u64>,
    write: Vec<u64>,
    out_read: Vec<u64>,
    out_write: Vec<u64>,
    /// Highest fd with interest, or -1.
    max_fd: c_int,
}

fn set(v: &mut Vec<u64>, fd: c_int, on: bool) {
    let (w, b) = (fd as usize / BITS, fd as usize % BITS);
    if v.len() <= w {
        if !on {
            return;
        }
        v.resize(w + 1, 0);
    }
    if on {
        v[w] |= 1 << b;
    } else {
        v[w] &= !(1 << b);
    }
}

fn isset(v: &[u64], fd: usize) -> bool {
    v.get(fd / BITS).is_some_and(|w| w & (1 << (fd % BITS)) != 0)
}

impl Select {
    pub fn new_any() -> Option<super::AnyBackend> {
        Some(super::AnyBackend::Select(Select { max_fd: -1, ..Default::default() }))
    }

    fn recompute_max(&mut self) {
        let words = self.read.len().max(self.write.len());
        for w in (0..words).rev() {
            let bits = self.read.get(w).copied().unwrap_or(0) | self.write.get(w).copied().unwrap_or(0);
            if bits != 0 {
                self.max_fd = (w * BITS + 63 - bits.leading_zeros() as usize) as c_int;
                return;
            }
        }
        self.max_fd = -1;
    }

}

impl Backend for Select {
    fn name(&self) -> &'static CStr {
        c"select"
    }
    fn features(&self) -> c_int {
        FEATURES
    }

    fn update(&mut self, fd: c_int, _old: c_short, new: c_short, _slot: &mut FdSlot) -> Result<(), ()> {
        set(&mut self.read, fd, new & EV_READ != 0);
        set(&mut self.write, fd, new & EV_WRITE != 0);
        if new & (EV_READ | EV_WRITE) != 0 {
            self.max_fd = self.max_fd.max(fd);
        } else if fd == self.max_fd {
            self.recompute_max();
        }
        Ok(())
    }

    unsafe fn dispatch(&mut self, timeout: Option<Micros>, out: &mut Vec<Ready>, lock: *mut c_void) -> Result<(), ()> {
        // A closed fd left registered makes select fail with EBADF: the loop
        // returns -1 with a warning, as with libevent.
        {
            // max_fd + 1 bits; max_fd is -1 with no fd registered (only timers).
            let words = ((self.max_fd + 1).max(0) as usize).div_ceil(BITS);
            self.out_read.clear();
            self.out_read.extend_from_slice(&self.read[..words.min(self.read.len())]);
            self.out_read.resize(words.max(1), 0);
            self.out_write.clear();
            self.out_write.extend_from_slice(&self.write[..words.min(self.write.len())]);
            self.out_write.resize(words.max(1), 0);
            let mut tv = timeout.map(|us| micros_to_tv(us.max(0)));
            let tvp = tv.as_mut().map_or(std::ptr::null_mut(), |t| t as *mut libc::timeval);
            let (nfds, rd, wr) = (self.max_fd + 1, self.out_read.as_mut_ptr(), self.out_write.as_mut_ptr());
            // SAFETY: the private copies hold at least max_fd+1 bits, which
            // is all the kernel reads or writes for nfds = max_fd + 1;
            // `lock` is the base's, held (trait contract).
            let n = unsafe {
                super::unlocked(lock, || libc::select(nfds, rd.cast(), wr.cast(), std::ptr::null_mut(), tvp))
            };
            if n < 0 {
                match errno() {
                    libc::EINTR => return Ok(()),
                    _ => {
                        log::warn_errno("select");
                        return Err(());
                    }
                }
            }
            if n > 0 {
                for fd in 0..nfds as usize {
                    let mut ev = 0;
                    if isset(&self.out_read, fd) {
                        ev |= EV_READ;
                    }
                    if isset(&self.out_write, fd) {
                        ev |= EV_WRITE;
                    }
                    if ev != 0 {
                        out.push(Ready { fd: fd as c_int, what: ev });
                    }
                }
            }
        }
        Ok(())
    }

    fn need_reinit(&self) -> bool {
        false
    }
}
