//! `event2/bufferevent.h`. Thin: check the arguments, then call
//! [`crate::bufferevent`]. A NULL (or freed) bufferevent gets the error
//! return (-1, NULL, 0) with a warning instead of a crash.
//!
//! Safety of every export: pointers are NULL or what the C API says they are
//! (objects this library made and has not released, readable/writable memory
//! of the sizes given).

#![allow(clippy::missing_safety_doc)]

use super::types::{
    bufferevent, bufferevent_data_cb, bufferevent_event_cb, bufferevent_filter_cb, bufferevent_flush_mode,
    ev_ssize_t, evbuffer, evdns_base, sockaddr,
};
use super::{event_base, evutil_socket_t, timeval};
use crate::bufferevent::{self as bev_core, filter, pair, socket, Kind};
use crate::capi::buffer as cbuf;
use crate::log;
use libc::{c_char, c_int, c_short, c_void, size_t};
use std::ptr;

/// True if `bev` may be used; warns (naming `func`) if not.
///
/// # Safety
/// `bev` is null or points to memory that held a bufferevent.
pub(crate) unsafe fn check(bev: *const bufferevent, func: &str) -> bool {
    // SAFETY: caller's contract.
    if unsafe { bev_core::is_live(bev) } {
        true
    } else {
        if bev.is_null() {
            log::warnx(&format!("{func}: called with a NULL bufferevent"));
        } else {
            log::warnx(&format!("{func}: called with a bufferevent that was freed"));
        }
        false
    }
}

// ---- creation ----------------------------------------------------------------------

/// A bufferevent on socket `fd` (-1: none yet, see `bufferevent_socket_connect`).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_socket_new(
    base: *mut event_base,
    fd: evutil_socket_t,
    options: c_int,
) -> *mut bufferevent {
    // SAFETY: base is null or live (program's contract).
    unsafe { socket::new(base, fd, options) }
}

/// Starts connecting to `address` (creating the socket if there is none).
/// 0 if under way; the result comes to the event callback.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_socket_connect(
    bufev: *mut bufferevent,
    address: *const sockaddr,
    addrlen: c_int,
) -> c_int {
    // SAFETY: bufev null or ours; address null or readable for addrlen.
    unsafe {
        if !check(bufev, "bufferevent_socket_connect") || (*bufev).p.kind != Kind::Socket {
            return -1;
        }
        socket::connect(bufev, address, addrlen)
    }
}

/// Resolves `hostname` and connects to it. `evdns_base` is not used yet:
/// resolution is the blocking system resolver's.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_socket_connect_hostname(
    bufev: *mut bufferevent,
    evdns_base: *mut evdns_base,
    family: c_int,
    hostname: *const c_char,
    port: c_int,
) -> c_int {
    let _ = evdns_base;
    // SAFETY: bufev null or ours; hostname null or a C string.
    unsafe {
        if !check(bufev, "bufferevent_socket_connect_hostname") || (*bufev).p.kind != Kind::Socket {
            return -1;
        }
        socket::connect_hostname(bufev, family, hostname, port)
    }
}

/// The resolver's error of the last `bufferevent_socket_connect_hostname` (0: none).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_socket_get_dns_error(bev: *mut bufferevent) -> c_int {
    // SAFETY: bev null or ours.
    unsafe {
        if !check(bev, "bufferevent_socket_get_dns_error") {
            return -1;
        }
        bev_core::lock(bev);
        let r = (*bev).p.dns_error;
        bev_core::unlock(bev);
        r
    }
}

/// A bufferevent filtering `underlying` through `input_filter` /
/// `output_filter` (NULL: pass bytes through).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_filter_new(
    underlying: *mut bufferevent,
    input_filter: bufferevent_filter_cb,
    output_filter: bufferevent_filter_cb,
    options: c_int,
    free_context: Option<unsafe extern "C" fn(*mut c_void)>,
    ctx: *mut c_void,
) -> *mut bufferevent {
    // SAFETY: underlying null or ours.
    unsafe {
        if !check(underlying, "bufferevent_filter_new") {
            return ptr::null_mut();
        }
        filter::new(underlying, input_filter, output_filter, options, free_context, ctx)
    }
}

/// Two bufferevents joined to each other, in `pair[0]` and `pair[1]`.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_pair_new(base: *mut event_base, options: c_int, pair: *mut *mut bufferevent) -> c_int {
    if pair.is_null() {
        log::warnx("bufferevent_pair_new: called with a NULL pair array");
        return -1;
    }
    // SAFETY: base null or live; pair writable for two pointers.
    unsafe { pair::new(base, options, pair) }
}

/// The other half of a pair, or NULL (not a pair, or the other half is freed).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_pair_get_partner(bev: *mut bufferevent) -> *mut bufferevent {
    // SAFETY: bev null or ours.
    unsafe {
        if !check(bev, "bufferevent_pair_get_partner") {
            return ptr::null_mut();
        }
        pair::partner(bev)
    }
}

// ---- base, priority, life ------------------------------------------------------------

/// Moves a bufferevent whose events are not pending to `base`.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_base_set(base: *mut event_base, bufev: *mut bufferevent) -> c_int {
    // SAFETY: bufev null or ours; base null or live.
    unsafe {
        if !check(bufev, "bufferevent_base_set") {
            return -1;
        }
        bev_core::base_set(base, bufev)
    }
}

/// The base the bufferevent was made with.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_get_base(bev: *mut bufferevent) -> *mut event_base {
    // SAFETY: bev null or ours.
    unsafe {
        if !check(bev, "bufferevent_get_base") {
            return ptr::null_mut();
        }
        (*bev).ev_base
    }
}

/// Sets the priority of the bufferevent's events and callbacks.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_priority_set(bufev: *mut bufferevent, pri: c_int) -> c_int {
    // SAFETY: bufev null or ours.
    unsafe {
        if !check(bufev, "bufferevent_priority_set") {
            return -1;
        }
        bev_core::priority_set(bufev, pri)
    }
}

/// The priority of the bufferevent's events.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_get_priority(bufev: *const bufferevent) -> c_int {
    // SAFETY: bufev null or ours.
    unsafe {
        if !check(bufev, "bufferevent_get_priority") {
            return -1;
        }
        crate::capi::event::event_get_priority(ptr::addr_of!((*bufev).ev_read))
    }
}

/// Drops the program's reference: the bufferevent goes once no callback of
/// it runs (its socket is closed then, with `BEV_OPT_CLOSE_ON_FREE`).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_free(bufev: *mut bufferevent) {
    // SAFETY: bufev null or ours.
    unsafe {
        if !check(bufev, "bufferevent_free") {
            return;
        }
        bev_core::free(bufev)
    }
}

/// Takes an extra reference.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_incref(bufev: *mut bufferevent) {
    // SAFETY: bufev null or ours.
    unsafe {
        if check(bufev, "bufferevent_incref") {
            bev_core::incref(bufev)
        }
    }
}

/// Drops a reference; 1 if that was the last one, else 0.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_decref(bufev: *mut bufferevent) -> c_int {
    // SAFETY: bufev null or ours.
    unsafe {
        if !check(bufev, "bufferevent_decref") {
            return -1;
        }
        bev_core::lock(bufev);
        bev_core::decref_and_unlock(bufev)
    }
}

/// Takes the bufferevent's lock (nothing without `BEV_OPT_THREADSAFE`).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_lock(bufev: *mut bufferevent) {
    // SAFETY: bufev null or ours.
    unsafe {
        if check(bufev, "bufferevent_lock") {
            bev_core::lock(bufev)
        }
    }
}

/// Releases the bufferevent's lock.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_unlock(bufev: *mut bufferevent) {
    // SAFETY: bufev null or ours.
    unsafe {
        if check(bufev, "bufferevent_unlock") {
            bev_core::unlock(bufev)
        }
    }
}

// ---- callbacks ---------------------------------------------------------------------

/// Sets the read, write and event callbacks and their argument.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_setcb(
    bufev: *mut bufferevent,
    readcb: bufferevent_data_cb,
    writecb: bufferevent_data_cb,
    eventcb: bufferevent_event_cb,
    cbarg: *mut c_void,
) {
    // SAFETY: bufev null or ours.
    unsafe {
        if check(bufev, "bufferevent_setcb") {
            bev_core::setcb(bufev, readcb, writecb, eventcb, cbarg)
        }
    }
}

/// Reads back the callbacks (each out-pointer may be NULL).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_getcb(
    bufev: *mut bufferevent,
    readcb_ptr: *mut bufferevent_data_cb,
    writecb_ptr: *mut bufferevent_data_cb,
    eventcb_ptr: *mut bufferevent_event_cb,
    cbarg_ptr: *mut *mut c_void,
) {
    // SAFETY: bufev null or ours; out-pointers null or writable.
    unsafe {
        if !check(bufev, "bufferevent_getcb") {
            return;
        }
        bev_core::lock(bufev);
        if !readcb_ptr.is_null() {
            *readcb_ptr = (*bufev).readcb;
        }
        if !writecb_ptr.is_null() {
            *writecb_ptr = (*bufev).writecb;
        }
        if !eventcb_ptr.is_null() {
            *eventcb_ptr = (*bufev).errorcb;
        }
        if !cbarg_ptr.is_null() {
            *cbarg_ptr = (*bufev).cbarg;
        }
        bev_core::unlock(bufev);
    }
}

// ---- the socket ----------------------------------------------------------------------

/// Changes the socket (socket and filter bufferevents); -1 for others.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_setfd(bufev: *mut bufferevent, fd: evutil_socket_t) -> c_int {
    // SAFETY: bufev null or ours.
    unsafe {
        if !check(bufev, "bufferevent_setfd") {
            return -1;
        }
        bev_core::setfd(bufev, fd)
    }
}

/// The socket, or -1 if there is none.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_getfd(bufev: *mut bufferevent) -> evutil_socket_t {
    // SAFETY: bufev null or ours.
    unsafe {
        if !check(bufev, "bufferevent_getfd") {
            return -1;
        }
        bev_core::getfd(bufev)
    }
}

/// The bufferevent a filter works on, else NULL.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_get_underlying(bufev: *mut bufferevent) -> *mut bufferevent {
    // SAFETY: bufev null or ours.
    unsafe {
        if !check(bufev, "bufferevent_get_underlying") {
            return ptr::null_mut();
        }
        bev_core::get_underlying(bufev)
    }
}

// ---- data ----------------------------------------------------------------------

/// Appends `size` bytes to the output. 0, or -1.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_write(bufev: *mut bufferevent, data: *const c_void, size: size_t) -> c_int {
    // SAFETY: bufev null or ours; data readable for size (program's contract).
    unsafe {
        if !check(bufev, "bufferevent_write") {
            return -1;
        }
        if cbuf::evbuffer_add((*bufev).output, data, size) == -1 {
            -1
        } else {
            0
        }
    }
}

/// Moves all of `buf` to the output. 0, or -1.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_write_buffer(bufev: *mut bufferevent, buf: *mut evbuffer) -> c_int {
    // SAFETY: bufev null or ours; buf null or live.
    unsafe {
        if !check(bufev, "bufferevent_write_buffer") || buf.is_null() {
            return -1;
        }
        if cbuf::evbuffer_add_buffer((*bufev).output, buf) == -1 {
            -1
        } else {
            0
        }
    }
}

/// Removes up to `size` bytes from the input into `data`; how many.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_read(bufev: *mut bufferevent, data: *mut c_void, size: size_t) -> size_t {
    // SAFETY: bufev null or ours; data writable for size.
    unsafe {
        if !check(bufev, "bufferevent_read") {
            return 0;
        }
        // libevent returns evbuffer_remove's int as a size_t, -1 included.
        cbuf::evbuffer_remove((*bufev).input, data, size) as isize as size_t
    }
}

/// Moves all of the input to `buf`. 0, or -1.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_read_buffer(bufev: *mut bufferevent, buf: *mut evbuffer) -> c_int {
    // SAFETY: bufev null or ours; buf null or live.
    unsafe {
        if !check(bufev, "bufferevent_read_buffer") || buf.is_null() {
            return -1;
        }
        cbuf::evbuffer_add_buffer(buf, (*bufev).input)
    }
}

/// The input buffer.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_get_input(bufev: *mut bufferevent) -> *mut evbuffer {
    // SAFETY: bufev null or ours.
    unsafe {
        if !check(bufev, "bufferevent_get_input") {
            return ptr::null_mut();
        }
        (*bufev).input
    }
}

/// The output buffer.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_get_output(bufev: *mut bufferevent) -> *mut evbuffer {
    // SAFETY: bufev null or ours.
    unsafe {
        if !check(bufev, "bufferevent_get_output") {
            return ptr::null_mut();
        }
        (*bufev).output
    }
}

// ---- enabling, timeouts, watermarks -------------------------------------------------------

/// Enables reading and/or writing (EV_READ, EV_WRITE).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_enable(bufev: *mut bufferevent, event: c_short) -> c_int {
    // SAFETY: bufev null or ours.
    unsafe {
        if !check(bufev, "bufferevent_enable") {
            return -1;
        }
        bev_core::enable(bufev, event)
    }
}

/// Disables reading and/or writing.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_disable(bufev: *mut bufferevent, event: c_short) -> c_int {
    // SAFETY: bufev null or ours.
    unsafe {
        if !check(bufev, "bufferevent_disable") {
            return -1;
        }
        bev_core::disable(bufev, event)
    }
}

/// What the program has enabled (EV_READ, EV_WRITE).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_get_enabled(bufev: *mut bufferevent) -> c_short {
    // SAFETY: bufev null or ours.
    unsafe {
        if !check(bufev, "bufferevent_get_enabled") {
            return 0;
        }
        bev_core::lock(bufev);
        let r = (*bufev).enabled;
        bev_core::unlock(bufev);
        r
    }
}

/// Sets the read and write timeouts (NULL: none).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_set_timeouts(
    bufev: *mut bufferevent,
    timeout_read: *const timeval,
    timeout_write: *const timeval,
) -> c_int {
    // SAFETY: bufev null or ours; the timevals null or readable.
    unsafe {
        if !check(bufev, "bufferevent_set_timeouts") {
            return -1;
        }
        bev_core::set_timeouts(bufev, timeout_read, timeout_write)
    }
}

/// Sets the low and high watermarks of EV_READ and/or EV_WRITE.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_setwatermark(bufev: *mut bufferevent, events: c_short, lowmark: size_t, highmark: size_t) {
    // SAFETY: bufev null or ours.
    unsafe {
        if check(bufev, "bufferevent_setwatermark") {
            bev_core::setwatermark(bufev, events, lowmark, highmark)
        }
    }
}

/// Reads the watermarks of exactly one of EV_READ or EV_WRITE; -1 otherwise.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_getwatermark(
    bufev: *mut bufferevent,
    events: c_short,
    lowmark: *mut size_t,
    highmark: *mut size_t,
) -> c_int {
    // SAFETY: bufev null or ours; out-pointers null or writable.
    unsafe {
        if !check(bufev, "bufferevent_getwatermark") {
            return -1;
        }
        let wm = if events == crate::core::event::EV_WRITE {
            (*bufev).wm_write
        } else if events == crate::core::event::EV_READ {
            (*bufev).wm_read
        } else {
            return -1;
        };
        if !lowmark.is_null() {
            *lowmark = wm.low;
        }
        if !highmark.is_null() {
            *highmark = wm.high;
        }
        0
    }
}

/// Forces data through (pairs and filters; a no-op for sockets).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_flush(bufev: *mut bufferevent, iotype: c_short, mode: bufferevent_flush_mode) -> c_int {
    // SAFETY: bufev null or ours.
    unsafe {
        if !check(bufev, "bufferevent_flush") {
            return -1;
        }
        bev_core::flush(bufev, iotype, mode)
    }
}

/// Runs the read and/or write callback as if data had come or gone.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_trigger(bufev: *mut bufferevent, iotype: c_short, options: c_int) {
    // SAFETY: bufev null or ours.
    unsafe {
        if check(bufev, "bufferevent_trigger") {
            bev_core::trigger(bufev, iotype, options)
        }
    }
}

/// Runs the event callback with `what`.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_trigger_event(bufev: *mut bufferevent, what: c_short, options: c_int) {
    // SAFETY: bufev null or ours.
    unsafe {
        if check(bufev, "bufferevent_trigger_event") {
            bev_core::trigger_event(bufev, what, options)
        }
    }
}

// ---- per-operation maxima -----------------------------------------------------------------

/// The most one read may take (0 or more than EV_SSIZE_MAX: the default, 16384).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_set_max_single_read(bev: *mut bufferevent, size: size_t) -> c_int {
    // SAFETY: bev null or ours.
    unsafe {
        if !check(bev, "bufferevent_set_max_single_read") {
            return -1;
        }
        bev_core::lock(bev);
        (*bev).p.max_single_read = if size == 0 || size > isize::MAX as size_t {
            bev_core::DEFAULT_MAX_SINGLE_READ
        } else {
            size as isize
        };
        (*bev).p.large_reads = size != 0 && size <= isize::MAX as size_t && size > crate::buffer::io::MAX_READ;
        bev_core::unlock(bev);
        0
    }
}

/// The most one write may send (0 or more than EV_SSIZE_MAX: the default, 16384).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_set_max_single_write(bev: *mut bufferevent, size: size_t) -> c_int {
    // SAFETY: bev null or ours.
    unsafe {
        if !check(bev, "bufferevent_set_max_single_write") {
            return -1;
        }
        bev_core::lock(bev);
        (*bev).p.max_single_write = if size == 0 || size > isize::MAX as size_t {
            bev_core::DEFAULT_MAX_SINGLE_WRITE
        } else {
            size as isize
        };
        bev_core::unlock(bev);
        0
    }
}

#[no_mangle]
pub unsafe extern "C" fn bufferevent_get_max_single_read(bev: *mut bufferevent) -> ev_ssize_t {
    // SAFETY: bev null or ours.
    unsafe {
        if !check(bev, "bufferevent_get_max_single_read") {
            return -1;
        }
        bev_core::lock(bev);
        let r = (*bev).p.max_single_read;
        bev_core::unlock(bev);
        r
    }
}

#[no_mangle]
pub unsafe extern "C" fn bufferevent_get_max_single_write(bev: *mut bufferevent) -> ev_ssize_t {
    // SAFETY: bev null or ours.
    unsafe {
        if !check(bev, "bufferevent_get_max_single_write") {
            return -1;
        }
        bev_core::lock(bev);
        let r = (*bev).p.max_single_write;
        bev_core::unlock(bev);
        r
    }
}

/// How much the next read may take (the per-read maximum and the rate limits).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_get_max_to_read(bev: *mut bufferevent) -> ev_ssize_t {
    // SAFETY: bev null or ours.
    unsafe {
        if !check(bev, "bufferevent_get_max_to_read") {
            return -1;
        }
        bev_core::lock(bev);
        let r = crate::bufferevent::ratelimit::read_max(bev);
        bev_core::unlock(bev);
        r
    }
}

/// How much the next write may send.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_get_max_to_write(bev: *mut bufferevent) -> ev_ssize_t {
    // SAFETY: bev null or ours.
    unsafe {
        if !check(bev, "bufferevent_get_max_to_write") {
            return -1;
        }
        bev_core::lock(bev);
        let r = crate::bufferevent::ratelimit::write_max(bev);
        bev_core::unlock(bev);
        r
    }
}

// ---- rate limits --------------------------------------------------------------------

use super::types::{bufferevent_rate_limit_group, ev_token_bucket_cfg, ev_uint64_t};
use crate::bufferevent::ratelimit::{self as rl, TokenBucketCfg};

/// A token-bucket configuration: `*_rate` bytes per tick on average, at
/// most `*_burst` in one tick; `tick_len` NULL means one second. NULL for
/// a rate above its burst, a zero rate, or a value above EV_RATE_LIMIT_MAX.
#[no_mangle]
pub unsafe extern "C" fn ev_token_bucket_cfg_new(
    read_rate: size_t,
    read_burst: size_t,
    write_rate: size_t,
    write_burst: size_t,
    tick_len: *const timeval,
) -> *mut ev_token_bucket_cfg {
    // SAFETY: tick_len null or readable.
    let tick = unsafe { tick_len.as_ref() };
    match TokenBucketCfg::new(read_rate, read_burst, write_rate, write_burst, tick) {
        Some(c) => Box::into_raw(Box::new(c)),
        None => ptr::null_mut(),
    }
}

/// Frees a configuration (no bufferevent or group may still use it).
#[no_mangle]
pub unsafe extern "C" fn ev_token_bucket_cfg_free(cfg: *mut ev_token_bucket_cfg) {
    if !cfg.is_null() {
        // SAFETY: cfg came from ev_token_bucket_cfg_new.
        drop(unsafe { Box::from_raw(cfg) });
    }
}

/// Limits the bufferevent's own reading and writing (NULL: no own limit).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_set_rate_limit(bev: *mut bufferevent, cfg: *mut ev_token_bucket_cfg) -> c_int {
    // SAFETY: bev null or ours; cfg null or live.
    unsafe {
        if !check(bev, "bufferevent_set_rate_limit") {
            return -1;
        }
        rl::set_rate_limit(bev, cfg)
    }
}

/// The configuration of the bufferevent's own limit, or NULL.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_get_token_bucket_cfg(bev: *const bufferevent) -> *const ev_token_bucket_cfg {
    // SAFETY: bev null or ours.
    unsafe {
        if !check(bev, "bufferevent_get_token_bucket_cfg") {
            return ptr::null();
        }
        rl::token_bucket_cfg(bev.cast_mut())
    }
}

/// The bufferevent's own read bucket (EV_SSIZE_MAX without an own limit).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_get_read_limit(bev: *mut bufferevent) -> ev_ssize_t {
    // SAFETY: bev null or ours.
    unsafe {
        if !check(bev, "bufferevent_get_read_limit") {
            return -1;
        }
        rl::own_limit(bev, false)
    }
}

/// The bufferevent's own write bucket (EV_SSIZE_MAX without an own limit).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_get_write_limit(bev: *mut bufferevent) -> ev_ssize_t {
    // SAFETY: bev null or ours.
    unsafe {
        if !check(bev, "bufferevent_get_write_limit") {
            return -1;
        }
        rl::own_limit(bev, true)
    }
}

/// Takes `decr` bytes from the own read bucket (negative: adds); -1
/// without an own limit.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_decrement_read_limit(bev: *mut bufferevent, decr: ev_ssize_t) -> c_int {
    // SAFETY: bev null or ours.
    unsafe {
        if !check(bev, "bufferevent_decrement_read_limit") {
            return -1;
        }
        rl::decrement_own(bev, decr, false)
    }
}

/// Takes `decr` bytes from the own write bucket; -1 without an own limit.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_decrement_write_limit(bev: *mut bufferevent, decr: ev_ssize_t) -> c_int {
    // SAFETY: bev null or ours.
    unsafe {
        if !check(bev, "bufferevent_decrement_write_limit") {
            return -1;
        }
        rl::decrement_own(bev, decr, true)
    }
}

/// A rate-limit group on `base` (NULL: the current base) with `cfg`.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_rate_limit_group_new(
    base: *mut event_base,
    cfg: *const ev_token_bucket_cfg,
) -> *mut bufferevent_rate_limit_group {
    // SAFETY: cfg null or live; base null or live.
    unsafe {
        let Some(c) = cfg.as_ref() else {
            log::warnx("bufferevent_rate_limit_group_new: called with a NULL configuration");
            return ptr::null_mut();
        };
        rl::group_new(base, c)
    }
}

/// Changes a group's limits. 0, or -1 for NULL arguments.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_rate_limit_group_set_cfg(
    g: *mut bufferevent_rate_limit_group,
    cfg: *const ev_token_bucket_cfg,
) -> c_int {
    // SAFETY: g null or ours; cfg null or live.
    unsafe {
        match cfg.as_ref() {
            Some(c) if !g.is_null() => rl::group_set_cfg(g, c),
            _ => -1,
        }
    }
}

/// The smallest amount one member may move at a time (default 64, never
/// more than one tick's rate).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_rate_limit_group_set_min_share(
    g: *mut bufferevent_rate_limit_group,
    share: size_t,
) -> c_int {
    if g.is_null() {
        return -1;
    }
    // SAFETY: g is ours.
    unsafe { rl::group_set_min_share(g, share) }
}

/// Frees a group that has no members left.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_rate_limit_group_free(g: *mut bufferevent_rate_limit_group) {
    if !g.is_null() {
        // SAFETY: g is ours.
        unsafe { rl::group_free(g) }
    }
}

/// Puts `bev` in group `g` (leaving its old group); NULL `g` just leaves.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_add_to_rate_limit_group(
    bev: *mut bufferevent,
    g: *mut bufferevent_rate_limit_group,
) -> c_int {
    // SAFETY: bev null or ours; g null or ours.
    unsafe {
        if !check(bev, "bufferevent_add_to_rate_limit_group") {
            return -1;
        }
        rl::add_to_group(bev, g)
    }
}

/// Takes `bev` out of its group, if any.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_remove_from_rate_limit_group(bev: *mut bufferevent) -> c_int {
    // SAFETY: bev null or ours.
    unsafe {
        if !check(bev, "bufferevent_remove_from_rate_limit_group") {
            return -1;
        }
        rl::remove_from_group(bev, true)
    }
}

/// The group's read bucket (may be negative).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_rate_limit_group_get_read_limit(g: *mut bufferevent_rate_limit_group) -> ev_ssize_t {
    if g.is_null() {
        return -1;
    }
    // SAFETY: g is ours.
    unsafe { rl::group_limit(g, false) }
}

/// The group's write bucket (may be negative).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_rate_limit_group_get_write_limit(g: *mut bufferevent_rate_limit_group) -> ev_ssize_t {
    if g.is_null() {
        return -1;
    }
    // SAFETY: g is ours.
    unsafe { rl::group_limit(g, true) }
}

/// Takes `decr` bytes from the group's read bucket (negative: adds).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_rate_limit_group_decrement_read(
    g: *mut bufferevent_rate_limit_group,
    decr: ev_ssize_t,
) -> c_int {
    if g.is_null() {
        return -1;
    }
    // SAFETY: g is ours.
    unsafe { rl::group_decrement(g, decr, false) }
}

/// Takes `decr` bytes from the group's write bucket (negative: adds).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_rate_limit_group_decrement_write(
    g: *mut bufferevent_rate_limit_group,
    decr: ev_ssize_t,
) -> c_int {
    if g.is_null() {
        return -1;
    }
    // SAFETY: g is ours.
    unsafe { rl::group_decrement(g, decr, true) }
}

/// Bytes ever read and written by the group's members (each out-pointer may be NULL).
#[no_mangle]
pub unsafe extern "C" fn bufferevent_rate_limit_group_get_totals(
    grp: *mut bufferevent_rate_limit_group,
    total_read_out: *mut ev_uint64_t,
    total_written_out: *mut ev_uint64_t,
) {
    if grp.is_null() {
        return;
    }
    // SAFETY: grp is ours; out-pointers null or writable.
    unsafe {
        let (r, w) = rl::group_totals(grp);
        if !total_read_out.is_null() {
            *total_read_out = r;
        }
        if !total_written_out.is_null() {
            *total_written_out = w;
        }
    }
}

/// Sets the group's totals back to zero.
#[no_mangle]
pub unsafe extern "C" fn bufferevent_rate_limit_group_reset_totals(grp: *mut bufferevent_rate_limit_group) {
    if !grp.is_null() {
        // SAFETY: grp is ours.
        unsafe { rl::group_reset_totals(grp) }
    }
}
