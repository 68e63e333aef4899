//! Tests of the reactor through the C API, the way programs use it.

use crate::capi::event::*;
use crate::capi::event_compat::event_set;
use crate::core::base::{EVLOOP_NONBLOCK, EVLOOP_ONCE};
use crate::core::event::*;
use libc::{c_int, c_short, c_void, timeval};
use std::sync::Mutex;

/// Signals are process-wide: tests that raise them take turns.
static SIGNAL_TESTS: Mutex<()> = Mutex::new(());

fn tv(ms: i64) -> timeval {
    timeval { tv_sec: ms / 1000, tv_usec: (ms % 1000) * 1000 }
}

/// Records callback runs as (tag, what) pairs.
#[derive(Default)]
struct Log(Vec<(usize, c_short)>);

unsafe extern "C" fn record(_fd: c_int, what: c_short, arg: *mut c_void) {
    // SAFETY: tests pass a (log, tag) pair that outlives the loop.
    let (log, tag) = unsafe { *(arg as *const (*mut Log, usize)) };
    unsafe { (*log).0.push((tag, what)) };
}

/// `n` callback arguments for `record`, all writing to `log`.
fn tags(log: &mut Log, n: usize) -> Vec<(*mut Log, usize)> {
    (0..n).map(|i| (log as *mut Log, i)).collect()
}

fn arg(t: &mut (*mut Log, usize)) -> *mut c_void {
    (t as *mut (*mut Log, usize)).cast()
}

// SAFETY (every test below): the C API is called as a C program would,
// with events and bases created here and callback arguments that outlive
// the loops that use them.

#[test]
fn timers_fire_in_expiry_order() {
    let mut log = Log::default();
    let mut t = tags(&mut log, 5);
    // Distinct deadlines: equal ones fire in heap order, as libevent's do
    // (checked against libevent by capi-tests/event/timers.c).
    let delays = [30, 10, 20, 11, 12];
    unsafe {
        let base = event_base_new();
        let evs: Vec<_> =
            (0..5).map(|i| event_new(base, -1, 0, Some(record), arg(&mut t[i]))).collect();
        for (i, ev) in evs.iter().enumerate() {
            assert_eq!(event_add(*ev, &tv(delays[i])), 0);
        }
        assert_eq!(event_base_dispatch(base), 1, "returns 1 when no events are left");
        for ev in evs {
            event_free(ev);
        }
        event_base_free(base);
    }
    let order: Vec<usize> = log.0.iter().map(|e| e.0).collect();
    assert_eq!(order, vec![1, 3, 4, 2, 0]);
    assert!(log.0.iter().all(|e| e.1 == EV_TIMEOUT));
}

#[test]
fn deleted_and_rescheduled_timers() {
    let mut log = Log::default();
    let mut t = tags(&mut log, 3);
    unsafe {
        let base = event_base_new();
        let a = event_new(base, -1, 0, Some(record), arg(&mut t[0]));
        let b = event_new(base, -1, 0, Some(record), arg(&mut t[1]));
        let c = event_new(base, -1, 0, Some(record), arg(&mut t[2]));
        event_add(a, &tv(10));
        event_add(b, &tv(20));
        event_add(c, &tv(30));
        event_del(b);
        event_add(a, &tv(40)); // reschedule a pending timer: it moves
        assert_eq!(event_pending(b, EV_TIMEOUT, std::ptr::null_mut()), 0);
        assert_eq!(event_pending(a, EV_TIMEOUT, std::ptr::null_mut()), EV_TIMEOUT as c_int);
        event_base_dispatch(base);
        for e in [a, b, c] {
            event_free(e);
        }
        event_base_free(base);
    }
    assert_eq!(log.0.iter().map(|e| e.0).collect::<Vec<_>>(), vec![2, 0]);
}

#[test]
fn io_persistent_and_one_shot() {
    let mut log = Log::default();
    let mut t = tags(&mut log, 2);
    let mut fds = [0; 2];
    unsafe {
        assert_eq!(libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0, fds.as_mut_ptr()), 0);
        let base = event_base_new();
        let persist = event_new(base, fds[0], EV_READ | EV_PERSIST, Some(record), arg(&mut t[0]));
        let once = event_new(base, fds[0], EV_READ, Some(record), arg(&mut t[1]));
        event_add(persist, std::ptr::null());
        event_add(once, std::ptr::null());
        assert_eq!(event_base_loop(base, EVLOOP_NONBLOCK), 0, "nothing readable yet");
        assert!(log.0.is_empty());
        libc::write(fds[1], b"x".as_ptr().cast(), 1);
        event_base_loop(base, EVLOOP_ONCE);
        // Both fire; events on one fd run newest first, as with libevent.
        assert_eq!(log.0, vec![(1, EV_READ), (0, EV_READ)]);
        event_base_loop(base, EVLOOP_ONCE);
        assert_eq!(log.0.len(), 3, "only the persistent event fires again");
        assert_eq!(event_pending(once, EV_READ, std::ptr::null_mut()), 0);
        assert_eq!(event_pending(persist, EV_READ, std::ptr::null_mut()), EV_READ as c_int);
        event_free(persist);
        event_free(once);
        event_base_free(base);
        libc::close(fds[0]);
        libc::close(fds[1]);
    }
}

#[test]
fn priorities_run_most_urgent_first() {
    let mut log = Log::default();
    let mut t = tags(&mut log, 3);
    unsafe {
        let base = event_base_new();
        assert_eq!(event_base_priority_init(base, 3), 0);
        let evs: Vec<_> =
            (0..3).map(|i| event_new(base, -1, 0, Some(record), arg(&mut t[i]))).collect();
        for (i, &p) in [2, 0, 1].iter().enumerate() {
            assert_eq!(event_priority_set(evs[i], p), 0);
        }
        assert_eq!(event_priority_set(evs[0], 3), -1, "out of range");
        for &e in &evs {
            event_active(e, EV_WRITE as c_int, 0);
        }
        assert_eq!(event_base_priority_init(base, 2), -1, "refused while callbacks are active");
        event_base_loop(base, EVLOOP_NONBLOCK);
        for e in evs {
            event_free(e);
        }
        event_base_free(base);
    }
    assert_eq!(log.0.iter().map(|e| e.0).collect::<Vec<_>>(), vec![1, 2, 0]);
}

unsafe extern "C" fn break_loop(_fd: c_int, _what: c_short, arg: *mut c_void) {
    // SAFETY: the test passes its base.
    unsafe { event_base_loopbreak(arg.cast()) };
}

#[test]
fn loopbreak_stops_after_the_running_callback() {
    let mut log = Log::default();
    let mut t = tags(&mut log, 1);
    unsafe {
        let base = event_base_new();
        let breaker = event_new(base, -1, 0, Some(break_loop), base.cast());
        let later = event_new(base, -1, 0, Some(record), arg(&mut t[0]));
        event_active(breaker, EV_TIMEOUT as c_int, 0);
        event_active(later, EV_TIMEOUT as c_int, 0);
        assert_eq!(event_base_dispatch(base), 0);
        assert_eq!(event_base_got_break(base), 1);
        assert!(log.0.is_empty(), "the second callback waits for the next loop");
        event_base_loop(base, EVLOOP_NONBLOCK);
        assert_eq!(log.0.len(), 1);
        assert_eq!(event_base_got_break(base), 0, "reset by the next loop");
        event_free(breaker);
        event_free(later);
        event_base_free(base);
    }
}

#[test]
fn common_timeouts_share_one_queue() {
    let mut log = Log::default();
    let mut t = tags(&mut log, 4);
    unsafe {
        let base = event_base_new();
        let common = event_base_init_common_timeout(base, &tv(20));
        assert!(!common.is_null());
        assert_eq!(event_base_init_common_timeout(base, &tv(20)), common, "same duration, same handle");
        let evs: Vec<_> =
            (0..4).map(|i| event_new(base, -1, 0, Some(record), arg(&mut t[i]))).collect();
        event_add(evs[0], common);
        event_add(evs[1], common);
        event_add(evs[2], &tv(5));
        event_add(evs[3], common);
        event_del(evs[1]);
        let mut when = timeval { tv_sec: 0, tv_usec: 0 };
        assert_eq!(event_pending(evs[0], EV_TIMEOUT, &mut when), EV_TIMEOUT as c_int);
        assert!(when.tv_usec < 1_000_000, "the tag is not reported");
        event_base_dispatch(base);
        for e in evs {
            event_free(e);
        }
        event_base_free(base);
    }
    assert_eq!(log.0.iter().map(|e| e.0).collect::<Vec<_>>(), vec![2, 0, 3]);
}

unsafe extern "C" fn count_signal(_sig: c_int, what: c_short, arg: *mut c_void) {
    assert_eq!(what, EV_SIGNAL);
    // SAFETY: the test passes a counter.
    unsafe { *arg.cast::<c_int>() += 1 };
}

#[test]
fn signals_are_delivered_and_the_old_handler_restored() {
    let _turn = SIGNAL_TESTS.lock().unwrap_or_else(|e| e.into_inner());
    let mut n: c_int = 0;
    unsafe {
        let base = event_base_new();
        let ev = event_new(base, libc::SIGUSR2, EV_SIGNAL | EV_PERSIST, Some(count_signal), (&mut n as *mut c_int).cast());
        assert_eq!(event_add(ev, std::ptr::null()), 0);
        libc::raise(libc::SIGUSR2);
        event_base_loop(base, EVLOOP_ONCE);
        assert_eq!(n, 1);
        event_del(ev);
        let mut sa: libc::sigaction = std::mem::zeroed();
        libc::sigaction(libc::SIGUSR2, std::ptr::null(), &mut sa);
        assert_eq!(sa.sa_sigaction, libc::SIG_DFL, "previous handler restored");
        event_free(ev);
        event_base_free(base);
    }
}

#[test]
fn assign_rejects_signal_with_io_and_event_set_uses_no_base() {
    unsafe {
        let mut ev: Event = std::mem::zeroed();
        let base = event_base_new();
        assert_eq!(event_assign(&mut ev, base, 3, EV_SIGNAL | EV_READ, None, std::ptr::null_mut()), -1);
        event_set(&mut ev, -1, 0, None, std::ptr::null_mut());
        assert!(ev.base.is_null(), "no current base: ev_base stays NULL until set");
        assert_eq!(event_add(&mut ev, &tv(1)), -1);
        ev.base = base; // what the articles' programs do
        assert_eq!(event_add(&mut ev, &tv(1)), 0);
        assert_eq!(event_initialized(&ev), 1);
        event_del(&mut ev);
        event_base_free(base);
    }
}

/// Rescheduling a pending timer (`event_add` on an event already waiting
/// with a timeout; `resched_leaf` when nothing else is needed), on both
/// timer structures: earlier and later, to and from a common timeout, for
/// one-shot and persistent events; the order they fire in and the expiry
/// `event_pending` reports agree with a fresh add.
#[test]
fn rescheduled_pending_timers() {
    use crate::core::base::EVENT_BASE_FLAG_RS_FAST_TIMERS;
    for flags in [0, EVENT_BASE_FLAG_RS_FAST_TIMERS] {
        let mut log = Log::default();
        let mut t = tags(&mut log, 6);
        unsafe {
            let cfg = event_config_new();
            assert_eq!(event_config_set_flag(cfg, flags), 0);
            let base = event_base_new_with_config(cfg);
            event_config_free(cfg);
            assert!(!base.is_null());
            let common = event_base_init_common_timeout(base, &tv(25));
            let evs: Vec<_> = (0..6)
                .map(|i| event_new(base, -1, if i == 5 { EV_PERSIST } else { 0 }, Some(record), arg(&mut t[i])))
                .collect();
            for (i, ev) in evs.iter().enumerate() {
                assert_eq!(event_add(*ev, &tv(100 + 10 * i as i64)), 0);
            }
            // Earlier, later, to a common timeout and back, and a persistent one.
            assert_eq!(event_add(evs[0], &tv(40)), 0);
            assert_eq!(event_add(evs[1], &tv(5)), 0);
            assert_eq!(event_add(evs[2], common), 0);
            assert_eq!(event_add(evs[3], common), 0);
            assert_eq!(event_add(evs[3], &tv(15)), 0);
            assert_eq!(event_add(evs[4], &tv(1000)), 0);
            assert_eq!(event_add(evs[4], &tv(30)), 0);
            assert_eq!(event_add(evs[5], &tv(200)), 0);
            assert_eq!(event_add(evs[5], &tv(35)), 0);
            let mut when = timeval { tv_sec: 0, tv_usec: 0 };
            let mut now = timeval { tv_sec: 0, tv_usec: 0 };
            assert_eq!(event_base_gettimeofday_cached(base, &mut now), 0);
            assert_eq!(event_pending(evs[4], EV_TIMEOUT, &mut when), EV_TIMEOUT as c_int);
            let d = (when.tv_sec - now.tv_sec) * 1_000_000 + (when.tv_usec - now.tv_usec);
            assert!(d < 1_000_000, "expiry {d} us from now: rescheduled from 1 s to 30 ms");
            assert!(when.tv_usec >= 0 && when.tv_usec < 1_000_000);
            assert_eq!(event_base_loop(base, EVLOOP_ONCE), 0);
            while log.0.len() < 6 {
                assert_eq!(event_base_loop(base, EVLOOP_ONCE), 0);
            }
            // The persistent one is still pending, for its last interval.
            assert_eq!(event_pending(evs[5], EV_TIMEOUT, std::ptr::null_mut()), EV_TIMEOUT as c_int);
            for e in evs {
                event_free(e);
            }
            event_base_free(base);
        }
        // The common timeout's event runs from its queue's internal timer,
        // so after the others due in the same pass: only its presence is
        // checked; the others run in the order of their expiries.
        let first: Vec<usize> = log.0.iter().map(|e| e.0).take(6).collect();
        assert!(first.contains(&2), "flags {flags:#x}: {first:?}");
        let order: Vec<usize> = first.into_iter().filter(|&i| i != 2).collect();
        assert_eq!(order, vec![1, 3, 4, 5, 0], "flags {flags:#x}");
    }
}
