//! Time: the monotonic clock the reactor runs on, in microseconds, and
//! conversions to and from `struct timeval`.

use libc::timeval;

/// Microseconds on the monotonic clock.
pub type Micros = i64;

pub const USEC_PER_SEC: i64 = 1_000_000;

/// Reads CLOCK_MONOTONIC (a vDSO call, no syscall).
#[inline]
pub fn monotonic_now() -> Micros {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    // tv_nsec is in [0, 1e9): an unsigned division is the same, and shorter.
    ts.tv_sec * USEC_PER_SEC + (ts.tv_nsec as u64 / 1000) as i64
}

/// Reads the wall clock (`gettimeofday`).
pub fn wall_now() -> Micros {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut ts) };
    ts.tv_sec * USEC_PER_SEC + ts.tv_nsec / 1000
}

/// A timeval as microseconds, saturating instead of overflowing on absurd
/// values (a program may pass `tv_sec = LONG_MAX`).
pub fn tv_to_micros(tv: &timeval) -> Micros {
    tv.tv_sec
        .saturating_mul(USEC_PER_SEC)
        .saturating_add(tv.tv_usec as i64)
}

pub fn micros_to_tv(us: Micros) -> timeval {
    timeval {
        tv_sec: us.div_euclid(USEC_PER_SEC),
        tv_usec: us.rem_euclid(USEC_PER_SEC) as libc::suseconds_t,
    }
}

pub const ZERO_TV: timeval = timeval { tv_sec: 0, tv_usec: 0 };

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn roundtrip() {
        for us in [0i64, 1, 999_999, 1_000_000, 1_234_567_890, -1, -1_500_000] {
            assert_eq!(tv_to_micros(&micros_to_tv(us)), us);
        }
        let big = timeval { tv_sec: i64::MAX, tv_usec: 5 };
        assert_eq!(tv_to_micros(&big), i64::MAX);
    }
    #[test]
    fn monotonic_moves_forward() {
        let a = monotonic_now();
        let b = monotonic_now();
        assert!(b >= a);
    }
}
