//! The safe Rust API: [`Base`], [`Event`], [`Buffer`], [`BufferEvent`],
//! [`Listener`].
//!
//! These types are thin handles over the very same objects the C ABI
//! serves (`struct event_base`, `struct event`, `struct evbuffer`,
//! `struct bufferevent`, `struct evconnlistener`), so a Rust component and
//! a C program can share one loop: [`Base::from_raw`] wraps a base a C
//! program made, [`Base::as_raw`] hands ours to C code.
//!
//! # Ownership
//! * A [`Base`] made by [`Base::new`] or [`Base::builder`] owns its
//!   `event_base`; it is a cheap, clonable handle and the base is freed
//!   when the last clone (including those held by events, bufferevents and
//!   listeners made on it) goes away. [`Base::from_raw`] makes a
//!   non-owning handle.
//! * [`Event`], [`BufferEvent`] and [`Listener`] own their C object and the
//!   closures registered on it. Dropping the handle deletes and frees
//!   them — also from inside their own callback: the memory the running
//!   callback uses is released only after it returns.
//!
//! # Threads
//! Every handle is `!Send` and `!Sync` (it holds reference-counted state
//! shared with the loop's callbacks), except two: the owned [`Buffer`] is
//! `Send` (an evbuffer nobody else references may move between threads),
//! and a [`Trigger`] is `Send + Sync` (it activates an event of a base
//! built with [`Builder::threadsafe`] from any thread, and wakes its loop).
//! Callbacks run on the thread that runs the loop.
//!
//! # Errors
//! Fallible calls return [`Result`]; nothing panics on bad input.
//! [`Error`] converts into [`std::io::Error`].

#![warn(missing_docs)]

mod base;
mod buffer;
mod bufferevent;
mod error;
mod event;
mod listener;

pub use base::{Backend, Base, Builder, Features, LoopExit};
pub use buffer::{Buffer, BufferRef, EolStyle, Reservation};
pub use bufferevent::{BevEvent, BevOptions, BufferEvent, BufferEventRef, FilterResult, FlushMode};
pub use error::{Error, Result};
pub use event::{Event, EventRef, Interest, Ready, Trigger};
pub use listener::Listener;

use std::time::Duration;

/// A `timeval` for `d`, saturating at the largest one.
pub(crate) fn duration_to_tv(d: Duration) -> libc::timeval {
    let secs = d.as_secs().min(libc::time_t::MAX as u64) as libc::time_t;
    libc::timeval { tv_sec: secs, tv_usec: d.subsec_micros() as libc::suseconds_t }
}

/// `addr` as a C socket address and its length.
pub(crate) fn sockaddr_of(addr: &std::net::SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: all-zero is a valid sockaddr_storage.
    let mut ss: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = match addr {
        std::net::SocketAddr::V4(a) => {
            let sin = libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: a.port().to_be(),
                sin_addr: libc::in_addr { s_addr: u32::from_ne_bytes(a.ip().octets()) },
                sin_zero: [0; 8],
            };
            // SAFETY: sockaddr_storage is larger than and aligned for sockaddr_in.
            unsafe { std::ptr::write((&mut ss as *mut libc::sockaddr_storage).cast(), sin) };
            std::mem::size_of::<libc::sockaddr_in>()
        }
        std::net::SocketAddr::V6(a) => {
            let sin6 = libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: a.port().to_be(),
                sin6_flowinfo: a.flowinfo(),
                sin6_addr: libc::in6_addr { s6_addr: a.ip().octets() },
                sin6_scope_id: a.scope_id(),
            };
            // SAFETY: as above, for sockaddr_in6.
            unsafe { std::ptr::write((&mut ss as *mut libc::sockaddr_storage).cast(), sin6) };
            std::mem::size_of::<libc::sockaddr_in6>()
        }
    };
    (ss, len as libc::socklen_t)
}

/// The IPv4/IPv6 address in `sa[..len]`, if it is one.
///
/// # Safety
/// `sa` is null or readable for `len` bytes.
pub(crate) unsafe fn socketaddr_from(sa: *const libc::sockaddr, len: usize) -> Option<std::net::SocketAddr> {
    use std::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};
    if sa.is_null() || len < std::mem::size_of::<libc::sa_family_t>() {
        return None;
    }
    // SAFETY: (all reads) sa is readable for len bytes, checked against each
    // struct's size; read_unaligned since the caller's memory may be a byte buffer.
    unsafe {
        match (*sa).sa_family as libc::c_int {
            libc::AF_INET if len >= std::mem::size_of::<libc::sockaddr_in>() => {
                let sin = std::ptr::read_unaligned(sa.cast::<libc::sockaddr_in>());
                let ip = Ipv4Addr::from(sin.sin_addr.s_addr.to_ne_bytes());
                Some(SocketAddrV4::new(ip, u16::from_be(sin.sin_port)).into())
            }
            libc::AF_INET6 if len >= std::mem::size_of::<libc::sockaddr_in6>() => {
                let s = std::ptr::read_unaligned(sa.cast::<libc::sockaddr_in6>());
                let ip = Ipv6Addr::from(s.sin6_addr.s6_addr);
                Some(SocketAddrV6::new(ip, u16::from_be(s.sin6_port), s.sin6_flowinfo, s.sin6_scope_id).into())
            }
            _ => None,
        }
    }
}

/// Clears `errno`, so a failure that sets none is not blamed on an old one.
pub(crate) fn clear_errno() {
    // SAFETY: errno is this thread's own variable.
    unsafe { *libc::__errno_location() = 0 };
}
