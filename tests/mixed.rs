//! A C main loop with a Rust component, and a Rust loop with a C
//! component: both share one `event_base` through `Base::from_raw` /
//! `Base::as_raw`. The C side is driven through the exported `extern "C"`
//! functions exactly as a C program calls them.

use event_rs::capi::bufferevent as cbev;
use event_rs::capi::event as cev;
use event_rs::{Base, BevOptions, BufferEvent, Interest};
use libc::{c_int, c_short, c_void};
use std::cell::RefCell;
use std::io::{Read, Write};
use std::rc::Rc;
use std::time::Duration;

/// The "C" side's state: a plain counter reached through `void *arg`.
#[repr(C)]
struct CCounter {
    ticks: c_int,
    ev: *mut event_rs::capi::event_t,
}

unsafe extern "C" fn c_tick(_fd: c_int, _what: c_short, arg: *mut c_void) {
    // SAFETY: arg is the CCounter the "C program" registered.
    let c = unsafe { &mut *arg.cast::<CCounter>() };
    c.ticks += 1;
    if c.ticks == 3 {
        // SAFETY: its own live event.
        unsafe { cev::event_del(c.ev) };
    }
}

/// The Rust component: registers its events on whatever base it is given.
struct Component {
    log: Rc<RefCell<Vec<String>>>,
    _timer: event_rs::Event,
    _pair: (BufferEvent, BufferEvent),
}

impl Component {
    fn register(base: &Base) -> Component {
        let log: Rc<RefCell<Vec<String>>> = Rc::default();
        let l = log.clone();
        let timer = base.timer(move |_ev, _what| l.borrow_mut().push("rust timer".into())).unwrap();
        timer.add_timeout(Duration::from_millis(5)).unwrap();
        let (mut a, mut b) = BufferEvent::pair(base, BevOptions::default()).unwrap();
        let l = log.clone();
        b.on_read(move |bev| {
            let mut s = String::new();
            bev.read_to_string(&mut s).unwrap();
            l.borrow_mut().push(format!("rust pair got {s}"));
        });
        b.enable(Interest::READ).unwrap();
        a.write_all(b"hi").unwrap();
        Component { log, _timer: timer, _pair: (a, b) }
    }
}

#[test]
fn c_main_loop_with_rust_component() {
    // --- what a C program does: event_base_new, its own event, dispatch.
    let raw = cev::event_base_new();
    assert!(!raw.is_null());
    let mut counter = CCounter { ticks: 0, ev: std::ptr::null_mut() };
    let tv = libc::timeval { tv_sec: 0, tv_usec: 2000 };
    // SAFETY: the C API with valid arguments; counter outlives the event.
    unsafe {
        counter.ev = cev::event_new(
            raw,
            -1,
            event_rs::core::event::EV_PERSIST,
            Some(c_tick),
            (&mut counter as *mut CCounter).cast(),
        );
        assert_eq!(cev::event_add(counter.ev, &tv), 0);
    }

    // --- the Rust component plugs into the C program's base.
    // SAFETY: raw stays live until event_base_free below, after `component`
    // and `base` are dropped.
    let base = unsafe { Base::from_raw(raw) }.unwrap();
    assert!(!base.is_owned());
    let component = Component::register(&base);

    // SAFETY: the C program's loop.
    let rc = unsafe { cev::event_base_dispatch(raw) };
    assert_eq!(rc, 1, "the loop ends when no events are left");
    assert_eq!(counter.ticks, 3);
    assert_eq!(*component.log.borrow(), ["rust pair got hi", "rust timer"]);

    drop(component);
    drop(base); // non-owning: the base stays
                // SAFETY: the C program tears down its own objects.
    unsafe {
        cev::event_free(counter.ev);
        cev::event_base_free(raw);
    }
}

unsafe extern "C" fn c_readcb(bev: *mut event_rs::capi::types::bufferevent, arg: *mut c_void) {
    let mut buf = [0u8; 16];
    // SAFETY: the library calls this with a live bufferevent; arg is the Vec below.
    unsafe {
        let n = cbev::bufferevent_read(bev, buf.as_mut_ptr().cast(), buf.len());
        (*arg.cast::<Vec<u8>>()).extend_from_slice(&buf[..n]);
    }
}

#[test]
fn rust_loop_with_c_component() {
    // A Rust-owned base; C code registers a bufferevent on `as_raw()`.
    let base = Base::new().unwrap();
    let mut got: Vec<u8> = Vec::new();
    let mut pair = [std::ptr::null_mut(); 2];
    // SAFETY: the C API on a live base; `got` outlives the bufferevents.
    unsafe {
        assert_eq!(cbev::bufferevent_pair_new(base.as_raw(), 0, pair.as_mut_ptr()), 0);
        cbev::bufferevent_setcb(pair[1], Some(c_readcb), None, None, (&mut got as *mut Vec<u8>).cast());
        cbev::bufferevent_enable(pair[1], event_rs::core::event::EV_READ);
    }
    // The Rust side writes through the C object it was handed (taking it over).
    // SAFETY: pair[0]'s reference passes to the handle.
    let mut writer = unsafe { BufferEvent::from_raw(pair[0]) }.unwrap();
    writer.write_all(b"from rust").unwrap();
    base.run().unwrap();
    assert_eq!(got, b"from rust");
    drop(writer);
    // SAFETY: the C side frees its own half.
    unsafe { cbev::bufferevent_free(pair[1]) };
}
