//! Random numbers.
//!
//! The secure generator is the kernel's: `getrandom(2)` (or /dev/urandom on
//! kernels without it). libevent 2.1.12 as Debian builds it also hands the
//! work to the C library's `arc4random`, which reads the same source, so
//! there is no user-space state to seed, lock, or re-seed after `fork`.
//! `evutil_secure_rng_add_bytes` mixes the caller's bytes into the kernel's
//! pool by writing them to /dev/urandom (no entropy is credited), and
//! `evutil_secure_rng_set_urandom_device_file` reports -1, as the system
//! libevent does: no device file is read.
//!
//! The weak generator is libevent's linear congruential one, bit for bit,
//! so programs that seed it get the sequences they always got.

use std::io::Write;

fn getrandom_fill(buf: &mut [u8]) -> bool {
    let mut done = 0;
    while done < buf.len() {
        let rest = &mut buf[done..];
        // SAFETY: rest is a valid writable region of rest.len() bytes.
        let n = unsafe { libc::getrandom(rest.as_mut_ptr().cast(), rest.len(), 0) };
        if n < 0 {
            if super::errno() == libc::EINTR {
                continue;
            }
            return false;
        }
        done += n as usize;
    }
    true
}

fn urandom_fill(buf: &mut [u8]) -> bool {
    use std::io::Read;
    std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(buf)).is_ok()
}

/// Fills `buf` from the kernel's CSPRNG. The kernel's generator cannot run
/// dry; if neither getrandom(2) nor /dev/urandom is usable the process
/// cannot get secure randomness at all, and stops (as `arc4random` does).
pub fn secure_fill(buf: &mut [u8]) {
    if buf.is_empty() || getrandom_fill(buf) || urandom_fill(buf) {
        return;
    }
    crate::log::errx(crate::log::ERR_ABORT, "evutil_secure_rng_get_bytes: no source of secure random bytes");
}

/// `evutil_secure_rng_init`: 0 if secure random bytes can be had.
pub fn secure_init() -> libc::c_int {
    let mut b = [0u8; 1];
    if getrandom_fill(&mut b) || urandom_fill(&mut b) {
        0
    } else {
        -1
    }
}

/// `evutil_secure_rng_add_bytes`: stirs `data` into the kernel's pool.
pub fn secure_add(data: &[u8]) {
    if data.is_empty() {
        return;
    }
    // Best effort: the pool is already seeded, this only adds to it.
    if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open("/dev/urandom") {
        let _ = f.write_all(data);
    }
}

/// `struct evutil_weakrand_state`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct WeakRandState {
    pub seed: u32,
}

/// `EVUTIL_WEAKRAND_MAX`.
pub const WEAKRAND_MAX: i32 = i32::MAX;

impl WeakRandState {
    /// `evutil_weakrand_seed_`: seeds with `seed`, or, if it is 0, with
    /// something that differs between processes and runs (time and pid).
    pub fn seed(&mut self, seed: u32) -> u32 {
        let seed = if seed == 0 {
            let mut tv = libc::timeval { tv_sec: 0, tv_usec: 0 };
            // SAFETY: valid out-pointer; NULL timezone.
            unsafe { libc::gettimeofday(&mut tv, std::ptr::null_mut()) };
            // SAFETY: getpid has no preconditions.
            let pid = unsafe { libc::getpid() } as u32;
            (tv.tv_sec as u32).wrapping_add(tv.tv_usec as u32).wrapping_add(pid)
        } else {
            seed
        };
        self.seed = seed;
        seed
    }

    /// `evutil_weakrand_`: the next value, 0..=`WEAKRAND_MAX`.
    pub fn draw(&mut self) -> i32 {
        self.seed = self.seed.wrapping_mul(1103515245).wrapping_add(12345) & 0x7fff_ffff;
        self.seed as i32
    }

    /// `evutil_weakrand_range_`: a value in 0..`top` (0 if `top` is not
    /// positive, where libevent would divide by zero).
    pub fn range(&mut self, top: i32) -> i32 {
        if top <= 0 {
            return 0;
        }
        let divisor = WEAKRAND_MAX / top;
        loop {
            let r = self.draw() / divisor;
            if r < top {
                return r;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weakrand_is_libevents_sequence() {
        let mut s = WeakRandState::default();
        assert_eq!(s.seed(1), 1);
        let got: Vec<i32> = (0..5).map(|_| s.draw()).collect();
        assert_eq!(got, [1103527590, 377401575, 662824084, 1147902781, 2035015474]);
        s.seed = 12345;
        let got: Vec<i32> = (0..5).map(|_| s.range(10)).collect();
        assert_eq!(got, [6, 3, 6, 1, 5]);
        assert_eq!(s.seed, 1109335178);
        s.seed = u32::MAX;
        assert_eq!(s.draw(), 1043980748);
        assert_eq!(s.range(0), 0);
        assert_ne!(s.seed(0), 0);
        for _ in 0..1000 {
            let r = s.range(9999);
            assert!((0..9999).contains(&r));
        }
    }

    #[test]
    fn secure_bytes_cover_the_buffer() {
        assert_eq!(secure_init(), 0);
        let mut acc = [0u8; 32];
        for _ in 0..8 {
            let mut b = [0u8; 32];
            secure_fill(&mut b[1..31]);
            assert_eq!((b[0], b[31]), (0, 0));
            for (a, x) in acc.iter_mut().zip(b) {
                *a |= x;
            }
        }
        assert!(acc[1..31].iter().all(|&x| x != 0));
        secure_add(b"some extra bytes");
    }
}
