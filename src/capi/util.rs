//! `event2/util.h`: socket helpers.

use super::evutil_socket_t;
use crate::log;
use libc::{c_int, c_void};

fn set_fd_flag(fd: c_int, get: c_int, set: c_int, flag: c_int, what: &str) -> c_int {
    // SAFETY: fcntl on an arbitrary fd only reports EBADF if it is not open.
    unsafe {
        let flags = libc::fcntl(fd, get, 0);
        if flags < 0 {
            log::warn_errno(&format!("fcntl({fd}, {what})"));
            return -1;
        }
        if flags & flag == 0 && libc::fcntl(fd, set, flags | flag) == -1 {
            log::warn_errno(&format!("fcntl({fd}, {what})"));
            return -1;
        }
    }
    0
}

/// Sets O_NONBLOCK on `fd`.
#[no_mangle]
pub extern "C" fn evutil_make_socket_nonblocking(fd: evutil_socket_t) -> c_int {
    set_fd_flag(fd, libc::F_GETFL, libc::F_SETFL, libc::O_NONBLOCK, "F_GETFL")
}

/// Sets FD_CLOEXEC on `fd`.
#[no_mangle]
pub extern "C" fn evutil_make_socket_closeonexec(fd: evutil_socket_t) -> c_int {
    set_fd_flag(fd, libc::F_GETFD, libc::F_SETFD, libc::FD_CLOEXEC, "F_GETFD")
}

fn setsockopt_int(fd: c_int, level: c_int, opt: c_int, val: c_int) -> c_int {
    // SAFETY: `val` outlives the call; the length matches.
    unsafe {
        libc::setsockopt(
            fd,
            level,
            opt,
            (&val as *const c_int).cast::<c_void>(),
            std::mem::size_of::<c_int>() as libc::socklen_t,
        )
    }
}

/// Sets SO_REUSEADDR so a listener can rebind right after a restart.
#[no_mangle]
pub extern "C" fn evutil_make_listen_socket_reuseable(sock: evutil_socket_t) -> c_int {
    setsockopt_int(sock, libc::SOL_SOCKET, libc::SO_REUSEADDR, 1)
}

/// Sets SO_REUSEPORT.
#[no_mangle]
pub extern "C" fn evutil_make_listen_socket_reuseable_port(sock: evutil_socket_t) -> c_int {
    setsockopt_int(sock, libc::SOL_SOCKET, libc::SO_REUSEPORT, 1)
}

/// Sets IPV6_V6ONLY.
#[no_mangle]
pub extern "C" fn evutil_make_listen_socket_ipv6only(sock: evutil_socket_t) -> c_int {
    setsockopt_int(sock, libc::IPPROTO_IPV6, libc::IPV6_V6ONLY, 1)
}

/// Sets TCP_DEFER_ACCEPT (accept only once data arrives).
#[no_mangle]
pub extern "C" fn evutil_make_tcp_listen_socket_deferred(sock: evutil_socket_t) -> c_int {
    setsockopt_int(sock, libc::IPPROTO_TCP, libc::TCP_DEFER_ACCEPT, 1)
}

/// Closes a socket.
#[no_mangle]
pub extern "C" fn evutil_closesocket(sock: evutil_socket_t) -> c_int {
    // SAFETY: close on any int is defined (EBADF at worst).
    unsafe { libc::close(sock) }
}

/// `socketpair(2)`.
#[no_mangle]
pub unsafe extern "C" fn evutil_socketpair(
    family: c_int,
    type_: c_int,
    protocol: c_int,
    fd: *mut evutil_socket_t,
) -> c_int {
    if fd.is_null() {
        return -1;
    }
    // SAFETY: fd points to two writable ints (the program's contract).
    unsafe { libc::socketpair(family, type_, protocol, fd) }
}
