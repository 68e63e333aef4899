//! The safe Rust API (`event_rs::Base`, `Event`, `Buffer`, `BufferEvent`,
//! `Listener`): behaviour, ownership corner cases, bad input.

use event_rs::{
    Backend, Base, BevEvent, BevOptions, Buffer, BufferEvent, EolStyle, Error, Event, Interest, Listener, LoopExit,
    Ready,
};
use std::cell::{Cell, RefCell};
use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// Every loop in these tests is bounded: a watchdog thread aborts the
/// process if a test is still running after 30 s (a timer on the base
/// would keep `run()` from ending when no events are left).
struct Watchdog(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

fn guard(_base: &Base) -> Watchdog {
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let d = done.clone();
    std::thread::spawn(move || {
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(30) {
            if d.load(std::sync::atomic::Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!("watchdog: a test ran for 30 s");
        std::process::abort();
    });
    Watchdog(done)
}

#[test]
fn builder_backends_and_flags() {
    for b in Base::supported_backends() {
        let base =
            Base::builder().backend(b).ignore_env().priorities(4).no_cache_time().precise_timer().build().unwrap();
        assert_eq!(base.backend(), Some(b));
        assert_eq!(base.method(), b.name());
        assert_eq!(base.priorities(), 4);
    }
    let all = Base::builder().avoid(Backend::Epoll).avoid(Backend::Poll).avoid(Backend::Select).build();
    assert!(matches!(all, Err(Error::Failed(_))));
    assert!(Base::builder().priorities(0).build().is_err());
    assert!(Base::builder().priorities(300).build().is_err());
}

#[test]
fn loop_control() {
    let base = Base::new().unwrap();
    assert_eq!(base.run().unwrap(), LoopExit::NoEvents);
    assert_eq!(base.run_once().unwrap(), LoopExit::NoEvents);

    // break_loop from a callback stops a loop that still has events.
    let b = base.clone();
    let tick = base.interval(move |_ev, _what| b.break_loop().unwrap()).unwrap();
    tick.add_timeout(Duration::from_millis(1)).unwrap();
    assert_eq!(base.run().unwrap(), LoopExit::Stopped);
    assert!(base.got_break());
    drop(tick);

    // exit_after ends it after the delay.
    let t0 = Instant::now();
    base.exit_after(Duration::from_millis(30)).unwrap();
    assert_eq!(base.run().unwrap(), LoopExit::Stopped);
    assert!(base.got_exit());
    assert!(t0.elapsed() >= Duration::from_millis(25));

    // run_nonblock with nothing ready returns at once.
    let t0 = Instant::now();
    base.run_nonblock().unwrap();
    assert!(t0.elapsed() < Duration::from_millis(20));

    // exit() from a callback.
    let b = base.clone();
    let stop = base.user_event(move |_ev, _what| b.exit().unwrap()).unwrap();
    stop.activate(Ready::TIMEOUT).unwrap();
    assert_eq!(base.run().unwrap(), LoopExit::Stopped);
}

#[test]
fn run_inside_callback_is_an_error_not_a_panic() {
    let base = Base::new().unwrap();
    let b = base.clone();
    let result = Rc::new(RefCell::new(None));
    let r = result.clone();
    let ev = base.user_event(move |_ev, _what| *r.borrow_mut() = Some(b.run().is_err())).unwrap();
    ev.activate(Ready::TIMEOUT).unwrap();
    base.run().unwrap();
    assert_eq!(*result.borrow(), Some(true));
}

#[test]
fn cached_time() {
    let base = Base::new().unwrap();
    let seen = Rc::new(Cell::new(None));
    let (s, b) = (seen.clone(), base.clone());
    let ev = base
        .user_event(move |_ev, _what| {
            let a = b.cached_time().unwrap();
            std::thread::sleep(Duration::from_millis(20));
            let same = b.cached_time().unwrap();
            b.update_cache_time().unwrap();
            let later = b.cached_time().unwrap();
            s.set(Some((a == same, later > a)));
        })
        .unwrap();
    ev.activate(Ready::TIMEOUT).unwrap();
    base.run().unwrap();
    assert_eq!(seen.get(), Some((true, true)));
    assert!(base.monotonic_now().unwrap() > Duration::ZERO);
}

#[test]
fn io_events_read_write_persist() {
    let base = Base::new().unwrap();
    let _w = guard(&base);
    let (mut a, b) = UnixStream::pair().unwrap();
    b.set_nonblocking(true).unwrap();
    let got = Rc::new(RefCell::new(Vec::new()));
    let g = got.clone();
    let mut reader = b.try_clone().unwrap();
    let bb = base.clone();
    let ev = base
        .io(&b, Interest::READ | Interest::PERSIST, move |_ev, what| {
            assert!(what.is_readable());
            let mut buf = [0u8; 64];
            match reader.read(&mut buf) {
                Ok(0) => bb.break_loop().unwrap(),
                Ok(n) => g.borrow_mut().extend_from_slice(&buf[..n]),
                Err(_) => {}
            }
        })
        .unwrap();
    ev.add().unwrap();
    assert!(ev.pending_for(Ready::READ));
    assert_eq!(ev.fd(), Some(std::os::fd::AsRawFd::as_raw_fd(&b)));
    a.write_all(b"one").unwrap();
    base.run_once().unwrap();
    a.write_all(b"two").unwrap();
    drop(a);
    base.run().unwrap();
    assert_eq!(&*got.borrow(), b"onetwo");
    assert!(ev.is_pending(), "persistent events stay added");

    // A one-shot write event fires once and is then not pending.
    let (c, _d) = UnixStream::pair().unwrap();
    let n = Rc::new(Cell::new(0));
    let n2 = n.clone();
    let w = base.io(&c, Interest::WRITE, move |_ev, _what| n2.set(n2.get() + 1)).unwrap();
    w.add().unwrap();
    ev.del().unwrap();
    base.run().unwrap();
    assert_eq!(n.get(), 1);
    assert!(!w.is_pending());
}

#[test]
fn io_event_timeout_and_edge_trigger() {
    let base = Base::new().unwrap();
    let _w = guard(&base);
    let (_a, b) = UnixStream::pair().unwrap();
    let what = Rc::new(Cell::new(Ready::default()));
    let w = what.clone();
    let ev = base.io(&b, Interest::READ, move |_ev, r| w.set(r)).unwrap();
    ev.add_timeout(Duration::from_millis(10)).unwrap();
    base.run().unwrap();
    assert!(what.get().is_timeout() && !what.get().is_readable());

    let et = base.io(&b, Interest::READ | Interest::EDGE | Interest::PERSIST, |_ev, _r| {}).unwrap();
    et.add().unwrap();
    et.del().unwrap();
}

#[test]
fn bad_input_is_an_error() {
    let base = Base::new().unwrap();
    let (a, _b) = UnixStream::pair().unwrap();
    assert!(matches!(base.io(&a, Interest::PERSIST, |_, _| {}), Err(Error::InvalidInput(_))));
    assert!(matches!(base.io(&-1, Interest::READ, |_, _| {}), Err(Error::InvalidInput(_))));
    assert!(matches!(base.signal(0, |_, _| {}), Err(Error::InvalidInput(_))));
    assert!(matches!(base.signal(1000, |_, _| {}), Err(Error::InvalidInput(_))));
    let t = base.timer(|_, _| {}).unwrap();
    assert!(matches!(t.set_priority(5), Err(Error::InvalidInput(_))));
    assert!(matches!(base.set_priorities(0), Err(Error::InvalidInput(_))));
    // SAFETY: a null pointer is refused before any use.
    assert!(unsafe { Base::from_raw(std::ptr::null_mut()) }.is_err());
    let mut buf = Buffer::new().unwrap();
    assert!(buf.pullup(Some(10)).is_err());
    assert!(buf.drain(100).is_ok());
    assert_eq!(buf.search(b"x", 100), None);
    let r = buf.reserve(8).unwrap();
    assert!(r.commit(1 << 40).is_err());
    let mut bev = BufferEvent::unconnected(&base, BevOptions::default()).unwrap();
    assert!(bev.connect_hostname("a\0b", 80).is_err());
    assert!(bev.connect_hostname("localhost", 0).is_err());
    let e: std::io::Error = Error::Gone.into();
    assert_eq!(e.kind(), std::io::ErrorKind::NotConnected);
}

#[test]
fn timers_one_shot_interval_reschedule() {
    let base = Base::new().unwrap();
    let _w = guard(&base);
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    let once = base.timer(move |_ev, what| l.borrow_mut().push(("once", what.is_timeout()))).unwrap();
    once.add_timeout(Duration::from_secs(60)).unwrap();
    once.add_timeout(Duration::from_millis(20)).unwrap(); // rescheduled
    let l = log.clone();
    let mut n = 0;
    let tick = base
        .interval(move |ev, _what| {
            n += 1;
            l.borrow_mut().push(("tick", true));
            if n == 3 {
                ev.del().unwrap();
            }
        })
        .unwrap();
    tick.add_timeout(Duration::from_millis(5)).unwrap();
    let t0 = Instant::now();
    base.run().unwrap();
    assert!(t0.elapsed() < Duration::from_secs(2));
    let log = log.borrow();
    assert_eq!(log.iter().filter(|e| e.0 == "tick").count(), 3);
    assert_eq!(log.iter().filter(|e| e.0 == "once").count(), 1);
    assert!(!once.is_pending());
    // remove_timer on a pending timer.
    once.add_timeout(Duration::from_secs(1)).unwrap();
    assert!(once.is_pending());
    once.remove_timer().unwrap();
    assert!(!once.is_pending());
}

#[test]
fn fast_timers_fire_in_deadline_order() {
    let base = Base::builder().fast_timers().build().unwrap();
    let _w = guard(&base);
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut evs = Vec::new();
    for (i, ms) in [30u64, 10, 50, 20, 40].into_iter().enumerate() {
        let l = log.clone();
        let ev = base.timer(move |_ev, _what| l.borrow_mut().push(i)).unwrap();
        ev.add_timeout(Duration::from_millis(ms)).unwrap();
        evs.push(ev);
    }
    evs[1].add_timeout(Duration::from_millis(45)).unwrap(); // later
    evs[2].add_timeout(Duration::from_millis(5)).unwrap(); // earlier
    base.run().unwrap();
    assert_eq!(*log.borrow(), vec![2, 3, 0, 4, 1]);
}

#[test]
fn signals() {
    let base = Base::new().unwrap();
    let _w = guard(&base);
    let count = Rc::new(Cell::new(0));
    let c = count.clone();
    let ev = base
        .signal(libc::SIGUSR2, move |ev, what| {
            assert!(what.is_signal());
            assert_eq!(ev.fd(), Some(libc::SIGUSR2));
            c.set(c.get() + 1);
            if c.get() == 2 {
                ev.del().unwrap();
            } else {
                // SAFETY: raising a signal the base catches.
                unsafe { libc::raise(libc::SIGUSR2) };
            }
        })
        .unwrap();
    ev.add().unwrap();
    // SAFETY: as above.
    unsafe { libc::raise(libc::SIGUSR2) };
    base.run().unwrap();
    assert_eq!(count.get(), 2);
}

#[test]
fn priorities_order_callbacks() {
    let base = Base::builder().priorities(3).build().unwrap();
    let order = Rc::new(RefCell::new(Vec::new()));
    let mut evs = Vec::new();
    for p in [2usize, 0, 1] {
        let o = order.clone();
        let ev = base.user_event(move |_ev, _what| o.borrow_mut().push(p)).unwrap();
        ev.set_priority(p).unwrap();
        assert_eq!(ev.priority(), p);
        evs.push(ev);
    }
    for ev in &evs {
        ev.activate(Ready::TIMEOUT).unwrap();
    }
    base.run().unwrap();
    assert_eq!(*order.borrow(), vec![0, 1, 2]);
}

#[test]
fn drop_event_inside_its_own_callback() {
    let base = Base::new().unwrap();
    let _w = guard(&base);
    let slot: Rc<RefCell<Option<Event>>> = Rc::default();
    let after = Rc::new(Cell::new(None));
    let (s, a) = (slot.clone(), after.clone());
    let ev = base
        .interval(move |ev, _what| {
            drop(s.borrow_mut().take()); // frees this very event
                                         // Using it now fails cleanly.
            a.set(Some(matches!(ev.add(), Err(Error::Gone))));
            assert!(!ev.is_pending());
        })
        .unwrap();
    ev.add_timeout(Duration::from_millis(1)).unwrap();
    *slot.borrow_mut() = Some(ev);
    assert_eq!(base.run().unwrap(), LoopExit::NoEvents);
    assert_eq!(after.get(), Some(true));

    // A closure that owns its own handle (a cycle) and drops it.
    let me: Rc<RefCell<Option<Event>>> = Rc::default();
    let m = me.clone();
    let ev = base
        .user_event(move |_ev, _what| {
            m.borrow_mut().take();
        })
        .unwrap();
    ev.activate(Ready::TIMEOUT).unwrap();
    *me.borrow_mut() = Some(ev);
    base.run().unwrap();
    assert!(me.borrow().is_none());
}

#[test]
fn callbacks_add_and_drop_other_events() {
    let base = Base::new().unwrap();
    let _w = guard(&base);
    let fired = Rc::new(RefCell::new(Vec::new()));
    let victim_slot: Rc<RefCell<Option<Event>>> = Rc::default();
    let spawned: Rc<RefCell<Vec<Event>>> = Rc::default();
    let f = fired.clone();
    let victim = base.user_event(move |_ev, _what| f.borrow_mut().push("victim")).unwrap();
    let (vs, sp, f, b) = (victim_slot.clone(), spawned.clone(), fired.clone(), base.clone());
    let killer = base
        .user_event(move |_ev, _what| {
            f.borrow_mut().push("killer");
            vs.borrow_mut().take(); // active but not yet run: must never run
            let f2 = f.clone();
            let new = b.user_event(move |_ev, _what| f2.borrow_mut().push("new")).unwrap();
            new.activate(Ready::TIMEOUT).unwrap();
            sp.borrow_mut().push(new);
        })
        .unwrap();
    killer.activate(Ready::TIMEOUT).unwrap();
    victim.activate(Ready::TIMEOUT).unwrap();
    *victim_slot.borrow_mut() = Some(victim);
    base.run().unwrap();
    assert_eq!(*fired.borrow(), vec!["killer", "new"]);
}

#[test]
fn event_raw_interop() {
    let base = Base::new().unwrap();
    let ev = base.timer(|_, _| {}).unwrap();
    // SAFETY: a live event of ours.
    assert_eq!(unsafe { event_rs::capi::event::event_get_base(ev.as_raw()) }, base.as_raw());
    assert!(std::ptr::eq(ev.base().as_raw(), base.as_raw()));
    assert!(format!("{ev:?}").contains("Event"));
}

#[test]
fn buffer_basics() {
    let mut b = Buffer::new().unwrap();
    assert!(b.is_empty());
    b.extend_from_slice(b"world").unwrap();
    b.prepend(b"hello ").unwrap();
    assert_eq!(b.len(), 11);
    assert_eq!(b.to_vec(), b"hello world");
    assert_eq!(b.search(b"o", 0), Some(4));
    assert_eq!(b.search(b"o", 5), Some(7));
    assert_eq!(b.search(b"xyz", 0), None);
    let mut out = [0u8; 5];
    assert_eq!(b.copy_to(&mut out), 5);
    assert_eq!(&out, b"hello");
    assert_eq!(b.pullup(Some(5)).unwrap(), b"hello");
    b.drain(6).unwrap();
    assert_eq!(b.chunks().concat(), b"world");

    let mut other = Buffer::new().unwrap();
    other.extend_from_slice(b"!!").unwrap();
    b.append(&mut other).unwrap();
    assert!(other.is_empty());
    assert_eq!(b.move_to(&mut other, 3).unwrap(), 3);
    assert_eq!(other.to_vec(), b"wor");
    assert_eq!(b.to_vec(), b"ld!!");

    // Many chunks: chunks() covers them all, BufRead walks them.
    let mut big = Buffer::new().unwrap();
    for i in 0..200u32 {
        big.extend_from_slice(&[b'a' + (i % 26) as u8; 100]).unwrap();
    }
    assert_eq!(big.chunks().iter().map(|c| c.len()).sum::<usize>(), 20_000);
    let mut all = Vec::new();
    big.read_to_end(&mut all).unwrap();
    assert_eq!(all.len(), 20_000);

    // Send: an owned buffer moves to another thread.
    let mut t = Buffer::new().unwrap();
    t.extend_from_slice(b"x").unwrap();
    let back = std::thread::spawn(move || {
        t.extend_from_slice(b"y").unwrap();
        t
    })
    .join()
    .unwrap();
    assert_eq!(back.to_vec(), b"xy");
}

#[test]
fn buffer_readln_styles_and_bufread() {
    let mut b = Buffer::new().unwrap();
    b.extend_from_slice(b"a\r\nb\nc\r\n\r\nd\0e").unwrap();
    assert_eq!(b.readln(EolStyle::CrlfStrict).unwrap(), b"a");
    assert_eq!(b.readln(EolStyle::Lf).unwrap(), b"b");
    assert_eq!(b.readln(EolStyle::Any).unwrap(), b"c"); // eats \r\n\r\n
    assert_eq!(b.readln(EolStyle::Nul).unwrap(), b"d");
    assert_eq!(b.readln(EolStyle::Crlf), None);
    assert_eq!(b.to_vec(), b"e");

    let mut b = Buffer::new().unwrap();
    write!(b, "line one\nline two\n").unwrap();
    let lines: Vec<String> = (&mut *b).lines().map(|l| l.unwrap()).collect();
    assert_eq!(lines, ["line one", "line two"]);
}

#[test]
fn buffer_reserve_commit_and_fd_io() {
    let mut b = Buffer::new().unwrap();
    {
        let mut r = b.reserve(100).unwrap();
        assert!(r.len() >= 100);
        r[..3].copy_from_slice(b"abc");
        r.commit(3).unwrap();
    }
    {
        let r = b.reserve(10).unwrap();
        drop(r); // abandoned: adds nothing
    }
    assert_eq!(b.to_vec(), b"abc");

    let (mut x, y) = UnixStream::pair().unwrap();
    assert_eq!(b.write_to(&y).unwrap(), 3);
    assert!(b.is_empty());
    let mut got = [0u8; 3];
    x.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"abc");
    x.write_all(b"back").unwrap();
    assert_eq!(b.read_from(&y, None).unwrap(), 4);
    assert_eq!(b.to_vec(), b"back");
    assert!(b.read_from(&-1, Some(4)).is_err());
}

#[test]
fn buffer_raw_interop() {
    let b = Buffer::new().unwrap();
    let raw = b.into_raw();
    // SAFETY: raw is a live buffer we own; C code would add to it like this.
    unsafe { event_rs::capi::buffer::evbuffer_add(raw, b"c".as_ptr().cast(), 1) };
    // SAFETY: ownership handed back.
    let b = unsafe { Buffer::from_raw(raw) }.unwrap();
    assert_eq!(b.to_vec(), b"c");
    // SAFETY: a borrowed view of a live buffer.
    let view = unsafe { event_rs::BufferRef::from_ptr(b.as_raw()) };
    assert_eq!(view.len(), 1);
}

#[test]
fn bufferevent_pair_watermarks_and_drop_in_callback() {
    let base = Base::new().unwrap();
    let _w = guard(&base);
    let (mut a, b) = BufferEvent::pair(&base, BevOptions::default()).unwrap();
    let slot = Rc::new(RefCell::new(Some(b)));
    let got = Rc::new(RefCell::new(Vec::new()));
    let (g, s) = (got.clone(), slot.clone());
    {
        let mut b = slot.borrow_mut();
        let b = b.as_mut().unwrap();
        b.set_watermark(Interest::READ, 4, None);
        b.on_read(move |bev| {
            while let Some(line) = bev.input().readln(EolStyle::Lf) {
                g.borrow_mut().push(Some(line.clone()));
                if line == b"quit" {
                    s.borrow_mut().take(); // frees this bufferevent from its own callback
                                           // Still usable until the callback returns.
                    assert_eq!(bev.input().len(), 0);
                }
            }
        });
        b.enable(Interest::READ).unwrap();
    }
    let ended = Rc::new(Cell::new(BevEvent::default()));
    let e = ended.clone();
    a.on_event(move |_bev, what| e.set(what));
    a.enable(Interest::READ | Interest::WRITE).unwrap();
    a.write_all(b"ab").unwrap(); // below the watermark: no callback yet
    base.run_nonblock().unwrap();
    assert!(got.borrow().is_empty());
    a.write_all(b"c\nquit\n").unwrap();
    base.run().unwrap();
    assert_eq!(*got.borrow(), vec![Some(b"abc".to_vec()), Some(b"quit".to_vec())]);
    assert!(slot.borrow().is_none());
    // As in libevent, freeing one half reports nothing to the other.
    assert_eq!(ended.get(), BevEvent::default());
}

#[test]
fn bufferevent_replaces_its_own_callback() {
    let base = Base::new().unwrap();
    let _w = guard(&base);
    let (mut a, b) = BufferEvent::pair(&base, BevOptions::DEFER_CALLBACKS).unwrap();
    let b = Rc::new(RefCell::new(b));
    let log = Rc::new(RefCell::new(Vec::new()));
    let (bb, l) = (b.clone(), log.clone());
    b.borrow_mut().on_read(move |bev| {
        let mut s = String::new();
        bev.read_to_string(&mut s).unwrap();
        l.borrow_mut().push(format!("first {s}"));
        let l2 = l.clone();
        // Replace this closure from inside it (through the handle).
        bb.borrow_mut().on_read(move |bev| {
            let mut s = String::new();
            bev.read_to_string(&mut s).unwrap();
            l2.borrow_mut().push(format!("second {s}"));
        });
    });
    b.borrow_mut().enable(Interest::READ).unwrap();
    a.write_all(b"1").unwrap();
    base.run_once().unwrap();
    a.write_all(b"2").unwrap();
    base.run_once().unwrap();
    assert_eq!(*log.borrow(), ["first 1", "second 2"]);
}

#[test]
fn bufferevent_timeouts() {
    let base = Base::new().unwrap();
    let _w = guard(&base);
    let (_x, y) = UnixStream::pair().unwrap();
    let mut bev = BufferEvent::socket(&base, y, BevOptions::default()).unwrap();
    let what = Rc::new(Cell::new(BevEvent::default()));
    let w = what.clone();
    bev.on_event(move |_bev, e| w.set(e));
    bev.set_timeouts(Some(Duration::from_millis(20)), None).unwrap();
    bev.enable(Interest::READ).unwrap();
    // Socket bufferevents start with writing enabled, as libevent's do.
    assert_eq!(bev.enabled(), (true, true));
    base.run().unwrap();
    assert!(what.get().is_timeout() && what.get().is_reading());
    assert_eq!(bev.enabled(), (false, true));
}

#[test]
fn tcp_listener_and_bufferevent_echo() {
    let base = Base::new().unwrap();
    let _w = guard(&base);
    let conns: Rc<RefCell<Vec<BufferEvent>>> = Rc::default();
    let (b, c) = (base.clone(), conns.clone());
    let listener = Listener::bind(&base, "127.0.0.1:0".parse().unwrap(), move |stream, peer| {
        assert!(peer.ip().is_loopback());
        let mut bev = BufferEvent::socket(&b, stream, BevOptions::default()).unwrap();
        bev.on_read(|bev| {
            let mut tmp = event_rs::Buffer::new().unwrap();
            bev.read_buffer(&mut tmp).unwrap();
            bev.write_buffer(&mut tmp).unwrap();
        });
        bev.enable(Interest::READ | Interest::WRITE).unwrap();
        c.borrow_mut().push(bev);
    })
    .unwrap();
    let addr = listener.local_addr().unwrap();
    assert!(listener.fd() >= 0);

    // A Rust client on the same loop: connect by address.
    let mut client = BufferEvent::unconnected(&base, BevOptions::default()).unwrap();
    let echoed = Rc::new(RefCell::new(Vec::new()));
    let (e, b) = (echoed.clone(), base.clone());
    client.on_event(|bev, what| {
        if what.is_connected() {
            bev.write_all(b"ping").unwrap();
        }
    });
    client.on_read(move |bev| {
        bev.read_to_end(&mut e.borrow_mut()).unwrap();
        if e.borrow().len() >= 4 {
            b.break_loop().unwrap();
        }
    });
    client.enable(Interest::READ | Interest::WRITE).unwrap();
    client.connect(addr).unwrap();
    base.run().unwrap();
    assert_eq!(&*echoed.borrow(), b"ping");
    assert!(client.fd().is_some());

    // Connect by host name.
    let mut c2 = BufferEvent::unconnected(&base, BevOptions::default()).unwrap();
    let ok = Rc::new(Cell::new(false));
    let (o, b) = (ok.clone(), base.clone());
    c2.on_event(move |_bev, what| {
        o.set(what.is_connected());
        b.break_loop().unwrap();
    });
    c2.enable(Interest::READ).unwrap();
    c2.connect_hostname("localhost", addr.port()).unwrap_or_else(|e| panic!("{e}"));
    base.run().unwrap();
    // "localhost" may resolve to ::1 first, where nothing listens: either is fine, but an answer came.
    let _ = ok.get();
    drop(listener);
    drop(conns);
}

#[test]
fn connect_refused_is_reported() {
    let base = Base::new().unwrap();
    let _w = guard(&base);
    // A port nothing listens on: bind one, note it, close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut bev = BufferEvent::unconnected(&base, BevOptions::default()).unwrap();
    let what = Rc::new(Cell::new(BevEvent::default()));
    let w = what.clone();
    bev.on_event(move |_bev, e| w.set(e));
    bev.enable(Interest::READ | Interest::WRITE).unwrap();
    let _ = bev.connect(([127, 0, 0, 1], port).into());
    base.run().unwrap();
    assert!(what.get().is_error(), "{:?}", what.get());
}

#[test]
fn listener_dropped_in_its_callback_and_from_std() {
    let base = Base::new().unwrap();
    let _w = guard(&base);
    let std_l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = std_l.local_addr().unwrap();
    let slot: Rc<RefCell<Option<Listener>>> = Rc::default();
    let n = Rc::new(Cell::new(0));
    let (s, nn) = (slot.clone(), n.clone());
    let mut l = Listener::from_std(&base, std_l, move |_stream, _peer| {
        nn.set(nn.get() + 1);
        s.borrow_mut().take(); // stop listening, from inside the accept callback
    })
    .unwrap();
    l.on_error(|e| panic!("unexpected accept error {e}"));
    l.disable().unwrap();
    l.enable().unwrap();
    *slot.borrow_mut() = Some(l);
    let _c1 = TcpStream::connect(addr).unwrap();
    let _c2 = TcpStream::connect(addr).unwrap();
    base.run().unwrap(); // ends: the listener was the only event
    assert_eq!(n.get(), 1);
    assert!(TcpStream::connect(addr).is_err(), "the socket is closed");
}

#[test]
fn listener_bind_error_is_io_error() {
    let base = Base::new().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    // Without SO_REUSEPORT a listening port cannot be bound twice.
    let r = Listener::bind(&base, taken.local_addr().unwrap(), |_, _| {});
    match r {
        Err(Error::Io(e)) => assert_eq!(e.kind(), std::io::ErrorKind::AddrInUse),
        other => panic!("expected AddrInUse, got {other:?}"),
    }
}

#[test]
fn filter_bufferevent() {
    let base = Base::new().unwrap();
    let _w = guard(&base);
    let (mut a, b) = BufferEvent::pair(&base, BevOptions::default()).unwrap();
    type F =
        fn(&mut event_rs::BufferRef, &mut event_rs::BufferRef, isize, event_rs::FlushMode) -> event_rs::FilterResult;
    let mut f = BufferEvent::filter(
        b,
        None::<F>,
        Some(|src: &mut event_rs::BufferRef, dst: &mut event_rs::BufferRef, _l: isize, _m| {
            // Output filter: wraps every write in brackets.
            let d = src.to_vec();
            src.drain(d.len()).unwrap();
            dst.extend_from_slice(b"[").unwrap();
            dst.extend_from_slice(&d).unwrap();
            dst.extend_from_slice(b"]").unwrap();
            event_rs::FilterResult::Ok
        }),
        BevOptions::default(),
    )
    .unwrap();
    f.enable(Interest::READ | Interest::WRITE).unwrap();
    f.write_all(b"x").unwrap();
    let got = Rc::new(RefCell::new(Vec::new()));
    let (g, bs) = (got.clone(), base.clone());
    a.on_read(move |bev| {
        bev.read_to_end(&mut g.borrow_mut()).unwrap();
        bs.break_loop().unwrap();
    });
    a.enable(Interest::READ).unwrap();
    base.run().unwrap();
    assert_eq!(&*got.borrow(), b"[x]");
    drop(f); // frees the underlying pair half too
}

#[test]
fn bufferevent_raw_interop() {
    let base = Base::new().unwrap();
    let (a, b) = BufferEvent::pair(&base, BevOptions::default()).unwrap();
    let raw = a.into_raw();
    // SAFETY: we own the reference `into_raw` gave us; hand it back.
    let mut a = unsafe { BufferEvent::from_raw(raw) }.unwrap();
    assert!(!a.base().is_owned());
    a.write_all(b"z").unwrap();
    // SAFETY: a live bufferevent for the borrow.
    let view = unsafe { event_rs::BufferEventRef::from_ptr(raw) };
    assert_eq!(view.as_raw(), raw);
    assert!(view.fd().is_none());
    drop(b);
    drop(a);
}
