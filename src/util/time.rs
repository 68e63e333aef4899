//! Time: the monotonic timer of `event2/util.h`, `evutil_date_rfc1123`,
//! `evutil_tv_to_msec_`, `evutil_usleep_`.

use libc::{c_int, c_long, timeval};

/// `EV_MONOT_PRECISE`: use the precise clock even where a coarse one exists.
pub const EV_MONOT_PRECISE: c_int = 1;
/// `EV_MONOT_FALLBACK`: use the wall clock, made monotonic by adjustment.
pub const EV_MONOT_FALLBACK: c_int = 2;

/// `struct evutil_monotonic_timer` with libevent's layout on Linux (40
/// bytes): libevent's own programs keep one on the stack and hand it to
/// `evutil_configure_monotonic_time_`, so the size must not grow.
///
/// `clock` is the POSIX clock read, or -1 for the adjusted wall clock; a
/// zeroed timer (as `evutil_monotonic_timer_new` returns it) reads clock 0,
/// CLOCK_REALTIME, until configured — as libevent's does.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct MonotonicTimer {
    pub clock: c_int,
    pub adjust: timeval,
    pub last: timeval,
}

const _: () = assert!(std::mem::size_of::<MonotonicTimer>() == 40);

const USEC: i64 = 1_000_000;

fn tv_micros(tv: &timeval) -> i64 {
    tv.tv_sec.saturating_mul(USEC).saturating_add(tv.tv_usec)
}

fn micros_tv(us: i64) -> timeval {
    timeval { tv_sec: us.div_euclid(USEC), tv_usec: us.rem_euclid(USEC) }
}

fn clock_works(clock: libc::clockid_t) -> bool {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: ts is a valid out-pointer.
    unsafe { libc::clock_gettime(clock, &mut ts) == 0 }
}

impl MonotonicTimer {
    pub const fn zeroed() -> MonotonicTimer {
        let z = timeval { tv_sec: 0, tv_usec: 0 };
        MonotonicTimer { clock: 0, adjust: z, last: z }
    }

    /// `evutil_configure_monotonic_time`: picks the clock for `flags`.
    /// Without flags the coarse monotonic clock (a few milliseconds of
    /// resolution, no system call), with `EV_MONOT_PRECISE` the precise one,
    /// with `EV_MONOT_FALLBACK` the wall clock kept monotonic by
    /// adjustment. Always succeeds, as libevent's does.
    pub fn configure(&mut self, flags: c_int) -> c_int {
        let precise = flags & EV_MONOT_PRECISE != 0;
        let fallback = flags & EV_MONOT_FALLBACK != 0;
        self.adjust = timeval { tv_sec: 0, tv_usec: 0 };
        self.last = self.adjust;
        self.clock = if fallback {
            -1
        } else if !precise && clock_works(libc::CLOCK_MONOTONIC_COARSE) {
            libc::CLOCK_MONOTONIC_COARSE
        } else if clock_works(libc::CLOCK_MONOTONIC) {
            libc::CLOCK_MONOTONIC
        } else {
            -1
        };
        0
    }

    /// `evutil_gettime_monotonic`: the time on this timer's clock.
    pub fn now(&mut self) -> Option<timeval> {
        if self.clock >= 0 {
            let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
            // SAFETY: ts is a valid out-pointer; a bad clock id fails cleanly.
            if unsafe { libc::clock_gettime(self.clock, &mut ts) } != 0 {
                return None;
            }
            return Some(timeval { tv_sec: ts.tv_sec, tv_usec: ts.tv_nsec / 1000 });
        }
        let mut tv = timeval { tv_sec: 0, tv_usec: 0 };
        // SAFETY: tv is a valid out-pointer; the timezone may be NULL.
        if unsafe { libc::gettimeofday(&mut tv, std::ptr::null_mut()) } != 0 {
            return None;
        }
        // The wall clock plus the accumulated adjustment; if that is behind
        // the last reading (the clock was set back), grow the adjustment so
        // time stands still instead of going backwards.
        let mut now = tv_micros(&tv).saturating_add(tv_micros(&self.adjust));
        let last = tv_micros(&self.last);
        if now < last {
            self.adjust = micros_tv(tv_micros(&self.adjust).saturating_add(last - now));
            now = last;
        }
        self.last = micros_tv(now);
        Some(self.last)
    }
}

/// `evutil_tv_to_msec_`: milliseconds, rounding microseconds up; -1 when
/// `tv_usec` exceeds a second or `tv_sec` is too large to convert (negative
/// values are converted with C's wrapping arithmetic, as libevent does).
pub fn tv_to_msec(tv: &timeval) -> c_long {
    if tv.tv_usec > USEC || tv.tv_sec > (c_long::MAX - 1000) / 1000 {
        return -1;
    }
    tv.tv_sec.wrapping_mul(1000).wrapping_add(tv.tv_usec.wrapping_add(999) / 1000)
}

/// `evutil_usleep_`: sleeps for `tv` (resuming after signals).
pub fn sleep_for(tv: &timeval) {
    if tv.tv_sec < 0 || tv.tv_usec < 0 || (tv.tv_sec == 0 && tv.tv_usec == 0) {
        return;
    }
    let total = tv_micros(tv);
    let mut req = libc::timespec { tv_sec: total / USEC, tv_nsec: (total % USEC) * 1000 };
    loop {
        let mut rem = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: both pointers are valid timespecs.
        if unsafe { libc::nanosleep(&req, &mut rem) } == 0 || super::errno() != libc::EINTR {
            return;
        }
        req = rem;
    }
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// The text of `evutil_date_rfc1123` for a broken-down time (weekday and
/// month names from `tm_wday`/`tm_mon` as given; out-of-range ones, which
/// libevent would read past its tables for, print as `???`).
pub fn rfc1123(tm: &libc::tm) -> String {
    let name = |table: &[&'static str], i: c_int| usize::try_from(i).ok().and_then(|i| table.get(i).copied());
    format!(
        "{}, {:02} {} {:4} {:02}:{:02}:{:02} GMT",
        name(&DAYS, tm.tm_wday).unwrap_or("???"),
        tm.tm_mday,
        name(&MONTHS, tm.tm_mon).unwrap_or("???"),
        i64::from(tm.tm_year) + 1900,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec
    )
}

/// The current time, broken down in UTC.
pub fn gmtime_now() -> libc::tm {
    // SAFETY: time(NULL) is always valid; tm is plain data, zero is valid,
    // and gmtime_r writes into it.
    unsafe {
        let t = libc::time(std::ptr::null_mut());
        let mut tm: libc::tm = std::mem::zeroed();
        libc::gmtime_r(&t, &mut tm);
        tm
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gm(t: i64) -> libc::tm {
        // SAFETY: as in gmtime_now.
        unsafe {
            let mut tm: libc::tm = std::mem::zeroed();
            libc::gmtime_r(&t, &mut tm);
            tm
        }
    }

    #[test]
    fn dates() {
        for (t, want) in [
            (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
            (946684799, "Fri, 31 Dec 1999 23:59:59 GMT"),
            (4294967296, "Sun, 07 Feb 2106 06:28:16 GMT"),
            (253402300799, "Fri, 31 Dec 9999 23:59:59 GMT"),
            (1456704000, "Mon, 29 Feb 2016 00:00:00 GMT"),
        ] {
            assert_eq!(rfc1123(&gm(t)), want);
        }
        let mut tm = gm(0);
        tm.tm_year = -1905;
        tm.tm_mday = 123;
        tm.tm_hour = -1;
        tm.tm_wday = 3;
        assert_eq!(rfc1123(&tm), "Wed, 123 Jan   -5 -1:00:00 GMT");
        tm.tm_wday = 9;
        tm.tm_mon = -1;
        assert!(rfc1123(&tm).starts_with("???, 123 ???"));
    }

    #[test]
    fn msec() {
        let tv = |s, u| timeval { tv_sec: s, tv_usec: u };
        assert_eq!(tv_to_msec(&tv(0, 1)), 1);
        assert_eq!(tv_to_msec(&tv(0, 1000)), 1);
        assert_eq!(tv_to_msec(&tv(0, 1001)), 2);
        assert_eq!(tv_to_msec(&tv(0, 1_000_000)), 1000);
        assert_eq!(tv_to_msec(&tv(0, 1_000_001)), -1);
        assert_eq!(tv_to_msec(&tv(-1, 500_000)), -500);
        assert_eq!(tv_to_msec(&tv(0, -1)), 0);
        assert_eq!(tv_to_msec(&tv(9223372036854774, 999_999)), 9223372036854775000);
        assert_eq!(tv_to_msec(&tv(9223372036854775, 0)), -1);
        assert_eq!(tv_to_msec(&tv(-9223372036854775807, 0)), 1000);
    }

    #[test]
    fn monotonic() {
        for flags in [0, EV_MONOT_PRECISE, EV_MONOT_FALLBACK] {
            let mut t = MonotonicTimer::zeroed();
            assert_eq!(t.configure(flags), 0);
            let a = tv_micros(&t.now().unwrap());
            let b = tv_micros(&t.now().unwrap());
            assert!(b >= a);
        }
        let mut t = MonotonicTimer::zeroed();
        t.configure(EV_MONOT_FALLBACK);
        let first = t.now().unwrap();
        // Pretend the last reading was 100 s ahead: time must not go back.
        t.last.tv_sec += 100;
        let ahead = t.last;
        let next = t.now().unwrap();
        assert!(tv_micros(&next) >= tv_micros(&ahead));
        assert!(t.adjust.tv_sec >= 99);
        assert!(tv_micros(&next) > tv_micros(&first));
    }
}
