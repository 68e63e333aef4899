//! `evconnlistener` (`listener.c`): a persistent read event on a listening
//! socket that accepts every waiting connection and hands each to the
//! program's callback.
//!
//! The listener is reference counted like a bufferevent: the accept loop
//! holds a reference while the callback runs (without the listener's
//! lock), so the callback may free or disable the listener; the loop stops
//! at once when it does.
//!
//! When `accept` fails for lack of descriptors or memory (`EMFILE`,
//! `ENFILE`, `ENOBUFS`, `ENOMEM`), the error callback runs (or a warning is
//! logged) and the listener then pauses for a short while instead of
//! spinning on a socket that stays readable; it resumes by itself. libevent
//! keeps retrying at once (a busy loop) — see docs/COMPATIBILITY.md.

use crate::capi::event as cev;
use crate::core::base::EventBase;
use crate::core::event::*;
use crate::{log, mm, thread};
use libc::{c_int, c_short, c_uint, c_void};
use std::ptr::{self, addr_of_mut};

pub const LEV_OPT_LEAVE_SOCKETS_BLOCKING: c_uint = 1 << 0;
pub const LEV_OPT_CLOSE_ON_FREE: c_uint = 1 << 1;
pub const LEV_OPT_CLOSE_ON_EXEC: c_uint = 1 << 2;
pub const LEV_OPT_REUSEABLE: c_uint = 1 << 3;
pub const LEV_OPT_THREADSAFE: c_uint = 1 << 4;
pub const LEV_OPT_DISABLED: c_uint = 1 << 5;
pub const LEV_OPT_DEFERRED_ACCEPT: c_uint = 1 << 6;
pub const LEV_OPT_REUSEABLE_PORT: c_uint = 1 << 7;
pub const LEV_OPT_BIND_IPV6ONLY: c_uint = 1 << 8;

/// The backlog `evconnlistener_new` uses when given a negative one.
const DEFAULT_BACKLOG: c_int = 128;
/// How long accepting pauses after running out of descriptors.
const RESOURCE_PAUSE: libc::timeval = libc::timeval { tv_sec: 0, tv_usec: 100_000 };

const MAGIC_LIVE: u32 = 0x6c69_7374; // "list"

/// `evconnlistener_cb`.
pub type ListenerCb = Option<unsafe extern "C" fn(*mut Listener, c_int, *mut libc::sockaddr, c_int, *mut c_void)>;
/// `evconnlistener_errorcb`.
pub type ListenerErrCb = Option<unsafe extern "C" fn(*mut Listener, *mut c_void)>;

/// `struct evconnlistener` (opaque to programs).
pub struct Listener {
    /// The read event on the listening socket.
    ev: Event,
    /// The timer that ends a pause after a resource error.
    retry: Event,
    magic: u32,
    cb: ListenerCb,
    errorcb: ListenerErrCb,
    user_data: *mut c_void,
    flags: c_uint,
    accept4_flags: c_int,
    lock: *mut c_void,
    refcnt: c_int,
    enabled: bool,
    paused: bool,
}

/// # Safety
/// `lev` is null or points to memory that held a listener.
pub unsafe fn is_live(lev: *const Listener) -> bool {
    // SAFETY: caller's contract.
    !lev.is_null() && unsafe { (*lev).magic } == MAGIC_LIVE
}

/// # Safety
/// `lev` is live.
unsafe fn lock(lev: *mut Listener) {
    // SAFETY: caller's contract.
    let l = unsafe { (*lev).lock };
    if !l.is_null() {
        // SAFETY: the lock came from alloc_lock and lives as long as its owner.
        unsafe { thread::lock(l, 0) };
    }
}

/// # Safety
/// `lev` is live and locked.
unsafe fn unlock(lev: *mut Listener) {
    // SAFETY: caller's contract.
    let l = unsafe { (*lev).lock };
    if !l.is_null() {
        // SAFETY: the lock came from alloc_lock and this thread holds it.
        unsafe { thread::unlock(l, 0) };
    }
}

/// `evconnlistener_new`: listens on `fd` (unless `backlog` is 0: already
/// listening; negative: a default backlog) and accepts from the loop.
///
/// # Safety
/// `base` is null or live.
pub unsafe fn new(
    base: *mut EventBase,
    cb: ListenerCb,
    ptr_: *mut c_void,
    flags: c_uint,
    backlog: c_int,
    fd: c_int,
) -> *mut Listener {
    if backlog != 0 {
        let b = if backlog > 0 { backlog } else { DEFAULT_BACKLOG };
        // SAFETY: listen(2) on any integer only fails.
        if unsafe { libc::listen(fd, b) } < 0 {
            return ptr::null_mut();
        }
    }
    let lev = mm::calloc(1, std::mem::size_of::<Listener>()).cast::<Listener>();
    if lev.is_null() {
        return lev;
    }
    // SAFETY: lev is fresh zeroed memory sized for a Listener; zero is valid
    // for every field.
    unsafe {
        let l = &mut *lev;
        l.magic = MAGIC_LIVE;
        l.cb = cb;
        l.user_data = ptr_;
        l.flags = flags;
        l.refcnt = 1;
        l.accept4_flags = 0;
        if flags & LEV_OPT_LEAVE_SOCKETS_BLOCKING == 0 {
            l.accept4_flags |= libc::SOCK_NONBLOCK;
        }
        if flags & LEV_OPT_CLOSE_ON_EXEC != 0 {
            l.accept4_flags |= libc::SOCK_CLOEXEC;
        }
        if flags & LEV_OPT_THREADSAFE != 0 {
            l.lock = thread::alloc_lock(thread::LOCKTYPE_RECURSIVE);
        }
        cev::event_assign(addr_of_mut!((*lev).ev), base, fd, EV_READ | EV_PERSIST, Some(accept_cb), lev.cast());
        cev::event_assign(addr_of_mut!((*lev).retry), base, -1, 0, Some(retry_cb), lev.cast());
        if flags & LEV_OPT_DISABLED == 0 {
            enable(lev);
        }
    }
    lev
}

/// `evconnlistener_new_bind`: a new non-blocking stream socket for `sa`'s
/// family, with `SO_KEEPALIVE` and the options `flags` ask for, bound to
/// `sa` and listening. NULL (the socket closed) on any failure.
///
/// # Safety
/// `base` is null or live; `sa` is null or readable for `socklen` bytes.
pub unsafe fn new_bind(
    base: *mut EventBase,
    cb: ListenerCb,
    ptr_: *mut c_void,
    flags: c_uint,
    backlog: c_int,
    sa: *const libc::sockaddr,
    socklen: c_int,
) -> *mut Listener {
    if backlog == 0 {
        return ptr::null_mut();
    }
    use crate::util::sock::setsockopt_int;
    let family = if sa.is_null() {
        libc::AF_UNSPEC
    } else {
        // SAFETY: sa is readable for its family field (caller).
        c_int::from(unsafe { ptr::addr_of!((*sa).sa_family).read_unaligned() })
    };
    let mut socktype = libc::SOCK_STREAM | libc::SOCK_NONBLOCK;
    if flags & LEV_OPT_CLOSE_ON_EXEC != 0 {
        socktype |= libc::SOCK_CLOEXEC;
    }
    let fd = crate::util::sock::socket(family, socktype, 0);
    if fd < 0 {
        return ptr::null_mut();
    }
    let ok = 'setup: {
        if setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE, 1) < 0 {
            break 'setup false;
        }
        if flags & LEV_OPT_REUSEABLE != 0 && setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_REUSEADDR, 1) < 0 {
            break 'setup false;
        }
        if flags & LEV_OPT_REUSEABLE_PORT != 0 && setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_REUSEPORT, 1) < 0 {
            break 'setup false;
        }
        if flags & LEV_OPT_DEFERRED_ACCEPT != 0
            && setsockopt_int(fd, libc::IPPROTO_TCP, libc::TCP_DEFER_ACCEPT, 1) < 0
        {
            break 'setup false;
        }
        if flags & LEV_OPT_BIND_IPV6ONLY != 0 && setsockopt_int(fd, libc::IPPROTO_IPV6, libc::IPV6_V6ONLY, 1) < 0 {
            break 'setup false;
        }
        // SAFETY: sa is readable for socklen bytes (caller).
        if !sa.is_null() && unsafe { libc::bind(fd, sa, socklen.max(0) as libc::socklen_t) } < 0 {
            break 'setup false;
        }
        true
    };
    if ok {
        // SAFETY: base null or live (caller).
        let lev = unsafe { new(base, cb, ptr_, flags, backlog, fd) };
        if !lev.is_null() {
            return lev;
        }
    }
    let e = crate::bufferevent::errno();
    // SAFETY: fd is ours.
    unsafe { libc::close(fd) };
    crate::bufferevent::set_errno(e);
    ptr::null_mut()
}

/// Drops a reference and the lock; at zero stops listening, closes the
/// socket with `LEV_OPT_CLOSE_ON_FREE` and frees the listener.
///
/// # Safety
/// `lev` is live and locked by this thread; the caller holds a reference.
unsafe fn decref_and_unlock(lev: *mut Listener) {
    // SAFETY: caller's contract.
    unsafe {
        (*lev).refcnt -= 1;
        if (*lev).refcnt > 0 {
            unlock(lev);
            return;
        }
        cev::event_del(addr_of_mut!((*lev).ev));
        cev::event_del(addr_of_mut!((*lev).retry));
        let fd = (*lev).ev.fd;
        if (*lev).flags & LEV_OPT_CLOSE_ON_FREE != 0 && fd >= 0 {
            libc::close(fd);
        }
        crate::core::debug::note_teardown(addr_of_mut!((*lev).ev));
        crate::core::debug::note_teardown(addr_of_mut!((*lev).retry));
        (*lev).magic = 0;
        let l = (*lev).lock;
        unlock(lev);
        if !l.is_null() {
            thread::free_lock(l, thread::LOCKTYPE_RECURSIVE);
        }
        mm::free(lev.cast());
    }
}

/// `evconnlistener_free`.
///
/// # Safety
/// `lev` is live and the program's reference has not been dropped.
pub unsafe fn free(lev: *mut Listener) {
    // SAFETY: caller's contract.
    unsafe {
        lock(lev);
        (*lev).cb = None;
        (*lev).errorcb = None;
        (*lev).enabled = false;
        cev::event_del(addr_of_mut!((*lev).ev));
        decref_and_unlock(lev);
    }
}

/// `evconnlistener_enable`: accepting starts (once there is a callback).
///
/// # Safety
/// `lev` is live.
pub unsafe fn enable(lev: *mut Listener) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        lock(lev);
        (*lev).enabled = true;
        let r = if (*lev).cb.is_some() && !(*lev).paused { cev::event_add(addr_of_mut!((*lev).ev), ptr::null()) } else { 0 };
        unlock(lev);
        r
    }
}

/// `evconnlistener_disable`.
///
/// # Safety
/// `lev` is live.
pub unsafe fn disable(lev: *mut Listener) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        lock(lev);
        (*lev).enabled = false;
        (*lev).paused = false;
        cev::event_del(addr_of_mut!((*lev).retry));
        let r = cev::event_del(addr_of_mut!((*lev).ev));
        unlock(lev);
        r
    }
}

/// The base the listener's event is on.
///
/// # Safety
/// `lev` is live.
pub unsafe fn base(lev: *mut Listener) -> *mut EventBase {
    // SAFETY: caller's contract.
    unsafe {
        lock(lev);
        let b = (*lev).ev.base;
        unlock(lev);
        b
    }
}

/// The listening socket.
///
/// # Safety
/// `lev` is live.
pub unsafe fn fd(lev: *mut Listener) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        lock(lev);
        let f = (*lev).ev.fd;
        unlock(lev);
        f
    }
}

/// `evconnlistener_set_cb`: a listener enabled without a callback starts
/// accepting when it gets one.
///
/// # Safety
/// `lev` is live.
pub unsafe fn set_cb(lev: *mut Listener, cb: ListenerCb, arg: *mut c_void) {
    // SAFETY: caller's contract.
    unsafe {
        lock(lev);
        let start = (*lev).enabled && (*lev).cb.is_none();
        (*lev).cb = cb;
        (*lev).user_data = arg;
        if start {
            enable(lev);
        }
        unlock(lev);
    }
}

/// `evconnlistener_set_error_cb`.
///
/// # Safety
/// `lev` is live.
pub unsafe fn set_error_cb(lev: *mut Listener, cb: ListenerErrCb) {
    // SAFETY: caller's contract.
    unsafe {
        lock(lev);
        (*lev).errorcb = cb;
        unlock(lev);
    }
}

fn resource_error(e: c_int) -> bool {
    matches!(e, libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM)
}

/// The listening socket is readable: accept until it would block.
unsafe extern "C" fn accept_cb(fd: c_int, _what: c_short, arg: *mut c_void) {
    let lev = arg.cast::<Listener>();
    // SAFETY: the event goes with the listener; references keep it alive
    // across the program's callbacks.
    unsafe {
        lock(lev);
        loop {
            let mut ss: libc::sockaddr_storage = std::mem::zeroed();
            let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
            let new_fd =
                crate::util::sock::accept4(fd, addr_of_mut!(ss).cast(), &mut len, (*lev).accept4_flags);
            if new_fd < 0 {
                break;
            }
            if len == 0 {
                // Seen from old kernels answering port scans: no peer.
                libc::close(new_fd);
                continue;
            }
            let Some(cb) = (*lev).cb else {
                libc::close(new_fd);
                unlock(lev);
                return;
            };
            (*lev).refcnt += 1;
            let user = (*lev).user_data;
            unlock(lev);
            cb(lev, new_fd, addr_of_mut!(ss).cast(), len as c_int, user);
            lock(lev);
            if (*lev).refcnt == 1 {
                // Freed by the callback.
                decref_and_unlock(lev);
                return;
            }
            (*lev).refcnt -= 1;
            if !(*lev).enabled {
                unlock(lev);
                return;
            }
        }
        let err = crate::bufferevent::errno();
        if err == libc::EAGAIN || err == libc::EWOULDBLOCK || err == libc::EINTR || err == libc::ECONNABORTED {
            unlock(lev);
            return;
        }
        if let Some(ecb) = (*lev).errorcb {
            (*lev).refcnt += 1;
            let user = (*lev).user_data;
            unlock(lev);
            crate::bufferevent::set_errno(err);
            ecb(lev, user);
            lock(lev);
            if (*lev).refcnt == 1 {
                decref_and_unlock(lev);
                return;
            }
            (*lev).refcnt -= 1;
        } else {
            log::warnx(&format!("Error from accept() call: {}", log::strerror(err)));
        }
        if resource_error(err) && (*lev).enabled && !(*lev).paused {
            (*lev).paused = true;
            cev::event_del(addr_of_mut!((*lev).ev));
            cev::event_add(addr_of_mut!((*lev).retry), &RESOURCE_PAUSE);
        }
        unlock(lev);
    }
}

/// The pause after a resource error is over.
unsafe extern "C" fn retry_cb(_fd: c_int, _what: c_short, arg: *mut c_void) {
    let lev = arg.cast::<Listener>();
    // SAFETY: the timer goes with the listener (deleted before it is freed).
    unsafe {
        lock(lev);
        if (*lev).paused {
            (*lev).paused = false;
            if (*lev).enabled && (*lev).cb.is_some() {
                cev::event_add(addr_of_mut!((*lev).ev), ptr::null());
            }
        }
        unlock(lev);
    }
}
