//! A Rust component inside a C program's event loop.
//!
//! Built as a static library (`cargo build --example mixed_component`) and
//! linked into `capi-tests/mixed/main.c`, which owns the `event_base` and
//! runs the loop with the C API; the component wraps that base with
//! `Base::from_raw` and registers its own Rust events on it. The static
//! library holds the whole of event_rs, so the C program and the component
//! call one copy of the library. `capi-tests/mixed/run.sh` builds and runs it.

use event_rs::{Base, Event, Interest};
use libc::c_int;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

/// What the C program holds (as an opaque pointer) between attach and detach.
pub struct Component {
    _echo: Event,
    _ticker: Event,
    ticks: Rc<Cell<c_int>>,
}

/// Registers on the C program's `base`: an echo of `fd` in upper case and a
/// 1 ms interval timer. Null if `base` is null or an event cannot be made.
///
/// # Safety
/// `base` is a live `event_base` that outlives the component; `fd` is an
/// open descriptor that outlives it too.
#[no_mangle]
pub unsafe extern "C" fn rust_component_attach(base: *mut event_rs::capi::event_base, fd: c_int) -> *mut Component {
    // SAFETY: caller's contract.
    let Ok(base) = (unsafe { Base::from_raw(base) }) else { return std::ptr::null_mut() };
    let echo = base.io(&fd, Interest::READ | Interest::PERSIST, move |_ev, _ready| {
        let mut buf = [0u8; 256];
        // SAFETY: reading into our own stack buffer from the caller's descriptor.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n > 0 {
            let up = buf[..n as usize].to_ascii_uppercase();
            // SAFETY: writing our own bytes to the caller's descriptor.
            unsafe { libc::write(fd, up.as_ptr().cast(), up.len()) };
        }
    });
    let ticks = Rc::new(Cell::new(0));
    let t = ticks.clone();
    let ticker = base.interval(move |_ev, _ready| t.set(t.get() + 1));
    match (echo, ticker) {
        (Ok(echo), Ok(ticker)) if echo.add().is_ok() && ticker.add_timeout(Duration::from_millis(1)).is_ok() => {
            Box::into_raw(Box::new(Component { _echo: echo, _ticker: ticker, ticks }))
        }
        _ => std::ptr::null_mut(),
    }
}

/// Deletes the component's events and frees it; the number of timer ticks
/// it saw, or -1 for a null component.
///
/// # Safety
/// `c` is null or came from `rust_component_attach` and is not used again.
#[no_mangle]
pub unsafe extern "C" fn rust_component_detach(c: *mut Component) -> c_int {
    if c.is_null() {
        return -1;
    }
    // SAFETY: caller's contract: ours, from Box::into_raw.
    let c = unsafe { Box::from_raw(c) };
    c.ticks.get()
}
