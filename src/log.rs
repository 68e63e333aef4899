//! Logging as libevent does it: messages go to the callback set with
//! `event_set_log_callback`, or to stderr as `[warn] message`; fatal errors
//! go to the callback set with `event_set_fatal_callback`, or end the process.

use libc::{c_char, c_int};
use std::ffi::CString;
use std::sync::atomic::{AtomicUsize, Ordering};

pub const EVENT_LOG_DEBUG: c_int = 0;
pub const EVENT_LOG_MSG: c_int = 1;
pub const EVENT_LOG_WARN: c_int = 2;
pub const EVENT_LOG_ERR: c_int = 3;

/// The exit code libevent uses for assertion-style failures (`EVENT_ERR_ABORT_`).
pub const ERR_ABORT: c_int = 0xdeaddead_u32 as c_int;

pub type LogCb = unsafe extern "C" fn(c_int, *const c_char);
pub type FatalCb = unsafe extern "C" fn(c_int);

static LOG_CB: AtomicUsize = AtomicUsize::new(0);
static FATAL_CB: AtomicUsize = AtomicUsize::new(0);

pub fn set_log_callback(cb: Option<LogCb>) {
    LOG_CB.store(cb.map_or(0, |f| f as usize), Ordering::Release);
}

pub fn set_fatal_callback(cb: Option<FatalCb>) {
    FATAL_CB.store(cb.map_or(0, |f| f as usize), Ordering::Release);
}

/// Delivers one message at `severity`.
pub fn log(severity: c_int, msg: &str) {
    let cb = LOG_CB.load(Ordering::Acquire);
    // Interior NULs cannot reach C; cut there as C formatting would.
    let msg = msg.split('\0').next().unwrap_or("");
    if cb != 0 {
        // SAFETY: LOG_CB only ever holds 0 or a `LogCb` stored by
        // `set_log_callback`.
        let f: LogCb = unsafe { std::mem::transmute::<usize, LogCb>(cb) };
        let c = CString::new(msg).unwrap_or_default();
        // SAFETY: calling the program's callback with a valid C string.
        unsafe { f(severity, c.as_ptr()) };
    } else {
        let tag = match severity {
            EVENT_LOG_DEBUG => "debug",
            EVENT_LOG_MSG => "msg",
            EVENT_LOG_WARN => "warn",
            EVENT_LOG_ERR => "err",
            _ => "???",
        };
        eprintln!("[{tag}] {msg}");
    }
}

pub fn warnx(msg: &str) {
    log(EVENT_LOG_WARN, msg);
}

/// A warning with the current `errno` appended, as libevent's `event_warn`.
pub fn warn_errno(msg: &str) {
    let e = std::io::Error::last_os_error();
    log(EVENT_LOG_WARN, &format!("{msg}: {}", strerror(e.raw_os_error().unwrap_or(0))));
}

pub fn msgx(msg: &str) {
    log(EVENT_LOG_MSG, msg);
}

/// The C library's text for an errno value (what libevent prints).
pub fn strerror(errno: c_int) -> String {
    // SAFETY: strerror returns a valid NUL-terminated string for any value.
    let p = unsafe { libc::strerror(errno) };
    if p.is_null() {
        return format!("Unknown error {errno}");
    }
    // SAFETY: p is a valid C string (above).
    unsafe { std::ffi::CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// Debug messages, sent only when debug logging is on (mask non-zero).
pub fn debug(msg: impl FnOnce() -> String) {
    if crate::capi::data::debug_logging_mask() != 0 {
        log(EVENT_LOG_DEBUG, &msg());
    }
}

/// A fatal error: log it, then leave (see `exit`).
pub fn errx(code: c_int, msg: &str) -> ! {
    log(EVENT_LOG_ERR, msg);
    exit(code)
}

/// Runs the fatal callback; if there is none, or it returns, leaves as
/// libevent does (`abort` for assertion failures, `exit(code)` otherwise).
pub fn exit(code: c_int) -> ! {
    let cb = FATAL_CB.load(Ordering::Acquire);
    if cb != 0 {
        // SAFETY: FATAL_CB only ever holds 0 or a `FatalCb`.
        let f: FatalCb = unsafe { std::mem::transmute::<usize, FatalCb>(cb) };
        // SAFETY: calling the program's fatal callback; if it returns,
        // libevent exits with the code (even for assertion failures).
        unsafe {
            f(code);
            libc::exit(code)
        }
    }
    if code == ERR_ABORT {
        std::process::abort();
    }
    // SAFETY: exit is always safe to call; it does not return.
    unsafe { libc::exit(code) }
}

/// The Rust end of the C logging functions in `capi/logv.c`.
#[no_mangle]
pub unsafe extern "C" fn event_rs_log_(severity: c_int, msg: *const c_char) {
    if msg.is_null() {
        return;
    }
    // SAFETY: logv.c passes a NUL-terminated buffer.
    let m = unsafe { std::ffi::CStr::from_ptr(msg) }.to_string_lossy();
    log(severity, &m);
}

/// The fatal end of `event_err`/`event_errx` in `capi/logv.c`.
#[no_mangle]
pub extern "C" fn event_rs_fatal_(code: c_int) -> ! {
    exit(code)
}
