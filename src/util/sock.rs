//! Sockets, pipes, eventfds and files: thin, checked wrappers over the
//! system calls, with the fallbacks libevent has for kernels that lack the
//! flag-taking variants (`SOCK_NONBLOCK`, `pipe2`, `accept4`, `EFD_*`).
//!
//! Every function here takes plain integers and returns -1 with `errno`
//! set on failure, as the C API does; errors are the kernel's.

use super::{errno, set_errno};
use crate::log;
use libc::{c_int, c_void};

/// Sets `flag` in the flags read by `get` and written by `set`.
pub fn set_fd_flag(fd: c_int, get: c_int, set: c_int, flag: c_int, what: &str) -> c_int {
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

/// `evutil_make_socket_nonblocking`.
pub fn make_nonblocking(fd: c_int) -> c_int {
    set_fd_flag(fd, libc::F_GETFL, libc::F_SETFL, libc::O_NONBLOCK, "F_GETFL")
}

/// `evutil_make_socket_closeonexec`.
pub fn make_closeonexec(fd: c_int) -> c_int {
    set_fd_flag(fd, libc::F_GETFD, libc::F_SETFD, libc::FD_CLOEXEC, "F_GETFD")
}

/// Sets an `int` socket option.
pub fn setsockopt_int(fd: c_int, level: c_int, opt: c_int, val: c_int) -> c_int {
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

fn close_keep_errno(fd: c_int) {
    let e = errno();
    // SAFETY: closing a descriptor this module opened.
    unsafe { libc::close(fd) };
    set_errno(e);
}

/// Applies `SOCK_NONBLOCK`/`SOCK_CLOEXEC`-style request bits with fcntl.
fn apply_flags(fd: c_int, nonblock: bool, cloexec: bool) -> bool {
    (!nonblock || make_nonblocking(fd) == 0) && (!cloexec || make_closeonexec(fd) == 0)
}

/// `evutil_socket_`: `socket(2)` where `type_` may carry `SOCK_NONBLOCK` and
/// `SOCK_CLOEXEC` (`EVUTIL_SOCK_*` are these values on Linux).
pub fn socket(domain: c_int, type_: c_int, protocol: c_int) -> c_int {
    let flags = type_ & (libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC);
    // SAFETY: socket(2) with arbitrary integers only fails.
    let fd = unsafe { libc::socket(domain, type_, protocol) };
    if fd >= 0 || flags == 0 || errno() != libc::EINVAL {
        return fd;
    }
    // A kernel that does not know the flag bits: set them afterwards.
    // SAFETY: as above.
    let fd = unsafe { libc::socket(domain, type_ & !flags, protocol) };
    if fd < 0 {
        return -1;
    }
    if !apply_flags(fd, flags & libc::SOCK_NONBLOCK != 0, flags & libc::SOCK_CLOEXEC != 0) {
        close_keep_errno(fd);
        return -1;
    }
    fd
}

/// `evutil_accept4_`: `accept4(2)`, emulated where the kernel lacks it.
///
/// # Safety
/// `addr`/`addrlen` are NULL or valid as for `accept(2)`.
pub unsafe fn accept4(fd: c_int, addr: *mut libc::sockaddr, addrlen: *mut libc::socklen_t, flags: c_int) -> c_int {
    // SAFETY: the caller's contract for addr/addrlen.
    let r = unsafe { libc::accept4(fd, addr, addrlen, flags) };
    if r >= 0 || (errno() != libc::ENOSYS && errno() != libc::EINVAL) || flags == 0 {
        return r;
    }
    // SAFETY: as above.
    let r = unsafe { libc::accept(fd, addr, addrlen) };
    if r < 0 {
        return -1;
    }
    if !apply_flags(r, flags & libc::SOCK_NONBLOCK != 0, flags & libc::SOCK_CLOEXEC != 0) {
        close_keep_errno(r);
        return -1;
    }
    r
}

/// `evutil_make_internal_pipe_`: a non-blocking, close-on-exec pipe (a
/// socket pair where pipes are unavailable), `[read end, write end]`.
pub fn internal_pipe() -> Option<[c_int; 2]> {
    let mut fds = [-1; 2];
    // SAFETY: fds has room for two descriptors.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } == 0 {
        return Some(fds);
    }
    // SAFETY: as above.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0
        // SAFETY: as above.
        && unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0, fds.as_mut_ptr()) } != 0
    {
        return None;
    }
    if fds.iter().all(|&fd| apply_flags(fd, true, true)) {
        return Some(fds);
    }
    close_keep_errno(fds[0]);
    close_keep_errno(fds[1]);
    None
}

/// `evutil_eventfd_`: `eventfd(2)`; `flags` are `EFD_NONBLOCK`/`EFD_CLOEXEC`.
pub fn eventfd(initval: u32, flags: c_int) -> c_int {
    // SAFETY: eventfd with arbitrary arguments only fails.
    let fd = unsafe { libc::eventfd(initval, flags) };
    if fd >= 0 || flags == 0 || errno() != libc::EINVAL {
        return fd;
    }
    // SAFETY: as above.
    let fd = unsafe { libc::eventfd(initval, 0) };
    if fd < 0 {
        return -1;
    }
    if !apply_flags(fd, flags & libc::EFD_NONBLOCK != 0, flags & libc::EFD_CLOEXEC != 0) {
        close_keep_errno(fd);
        return -1;
    }
    fd
}

/// `evutil_socket_connect_`: starts a connection on `*fd`, first creating a
/// non-blocking stream socket of the address's family if `*fd` is negative.
/// Returns 1 if connected at once, 0 if in progress, 2 if refused at once
/// (reported later by the caller, as bufferevents do), -1 on another error
/// — and then a socket created here is closed and `*fd` set back to -1.
///
/// # Safety
/// `sa` is valid for reads of `len` bytes and of its family field.
pub unsafe fn socket_connect(fd: &mut c_int, sa: *const libc::sockaddr, len: libc::socklen_t) -> c_int {
    let made = *fd < 0;
    if made {
        // SAFETY: sa is readable for its family field (caller).
        let family = unsafe { std::ptr::addr_of!((*sa).sa_family).read_unaligned() };
        // SAFETY: socket(2) with arbitrary integers only fails.
        let s = unsafe { libc::socket(c_int::from(family), libc::SOCK_STREAM, 0) };
        if s < 0 {
            return -1;
        }
        *fd = s;
        if make_nonblocking(s) < 0 {
            close_keep_errno(s);
            *fd = -1;
            return -1;
        }
    }
    // SAFETY: sa is valid for len bytes (caller).
    if unsafe { libc::connect(*fd, sa, len) } == 0 {
        return 1;
    }
    match errno() {
        libc::EINPROGRESS | libc::EINTR => 0,
        libc::ECONNREFUSED => 2,
        _ => {
            if made {
                close_keep_errno(*fd);
                *fd = -1;
            }
            -1
        }
    }
}

/// `evutil_socket_finished_connecting_`: 1 if the non-blocking connect on
/// `fd` succeeded, 0 if still in progress, -1 with `errno` set to the
/// connection's error if it failed.
pub fn socket_finished_connecting(fd: c_int) -> c_int {
    let mut e: c_int = 0;
    let mut len = std::mem::size_of::<c_int>() as libc::socklen_t;
    // SAFETY: e and len are valid out-pointers of the sizes given.
    if unsafe { libc::getsockopt(fd, libc::SOL_SOCKET, libc::SO_ERROR, (&mut e as *mut c_int).cast(), &mut len) } < 0 {
        return -1;
    }
    match e {
        0 => 1,
        libc::EINTR | libc::EINPROGRESS => 0,
        _ => {
            set_errno(e);
            -1
        }
    }
}

/// `evutil_ersatz_socketpair_`: a connected pair of TCP sockets over
/// 127.0.0.1 — libevent's socketpair for systems without AF_UNIX, also
/// exported on Linux. `family` must be AF_INET (or AF_UNIX, accepted and
/// treated alike) and `protocol` 0, else EAFNOSUPPORT; `type_` is passed
/// to `socket(2)` (SOCK_DGRAM fails with EOPNOTSUPP at listen).
/// Returns `[connecting end, accepted end]`.
pub fn ersatz_socketpair(family: c_int, type_: c_int, protocol: c_int) -> Result<[c_int; 2], c_int> {
    if (family != libc::AF_INET && family != libc::AF_UNIX) || protocol != 0 {
        return Err(libc::EAFNOSUPPORT);
    }
    let mut opened: Vec<c_int> = Vec::with_capacity(3);
    let result = (|| -> Result<[c_int; 2], c_int> {
        let fail = || Err(errno());
        // SAFETY: plain system calls on descriptors opened here, with
        // sockaddr buffers of the sizes passed.
        unsafe {
            let listener = libc::socket(libc::AF_INET, type_, 0);
            if listener < 0 {
                return fail();
            }
            opened.push(listener);
            let mut sin: libc::sockaddr_in = std::mem::zeroed();
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
            let sl = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
            if libc::bind(listener, (&sin as *const libc::sockaddr_in).cast(), sl) < 0 || libc::listen(listener, 1) < 0 {
                return fail();
            }
            let mut addr: libc::sockaddr_in = std::mem::zeroed();
            let mut len = sl;
            if libc::getsockname(listener, (&mut addr as *mut libc::sockaddr_in).cast(), &mut len) < 0 {
                return fail();
            }
            let connector = libc::socket(libc::AF_INET, type_, 0);
            if connector < 0 {
                return fail();
            }
            opened.push(connector);
            if libc::connect(connector, (&addr as *const libc::sockaddr_in).cast(), len) < 0 {
                return fail();
            }
            let mut peer: libc::sockaddr_in = std::mem::zeroed();
            let mut plen = sl;
            let acceptor = libc::accept(listener, (&mut peer as *mut libc::sockaddr_in).cast(), &mut plen);
            if acceptor < 0 {
                return fail();
            }
            opened.push(acceptor);
            // Make sure the accepted connection is ours, not a racing one.
            let mut mine: libc::sockaddr_in = std::mem::zeroed();
            let mut mlen = sl;
            if libc::getsockname(connector, (&mut mine as *mut libc::sockaddr_in).cast(), &mut mlen) < 0 {
                return fail();
            }
            if plen != mlen || peer.sin_port != mine.sin_port || peer.sin_addr.s_addr != mine.sin_addr.s_addr {
                return Err(libc::ECONNABORTED);
            }
            Ok([connector, acceptor])
        }
    })();
    let keep: &[c_int] = match &result {
        Ok(pair) => pair,
        Err(_) => &[],
    };
    for &fd in opened.iter().filter(|fd| !keep.contains(fd)) {
        close_keep_errno(fd);
    }
    result
}

/// `evutil_open_closeonexec_`: `open(2)` with `O_CLOEXEC` added.
pub fn open_closeonexec(path: &std::ffi::CStr, flags: c_int, mode: u32) -> c_int {
    // SAFETY: path is a valid C string; mode is passed as open's varargs int.
    unsafe { libc::open(path.as_ptr(), flags | libc::O_CLOEXEC, mode as libc::c_uint) }
}

/// Why `evutil_read_file_` failed: its return codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadFileError {
    /// -1: the file could not be opened.
    Open,
    /// -2: it could not be examined or read, or is too large.
    Read,
}

/// `evutil_read_file_`: the file's contents, as many bytes as `fstat`
/// reports (so /proc files read as empty, as with libevent), at most
/// `INT_MAX`.
pub fn read_file(path: &std::ffi::CStr) -> Result<Vec<u8>, ReadFileError> {
    let fd = open_closeonexec(path, libc::O_RDONLY, 0);
    if fd < 0 {
        return Err(ReadFileError::Open);
    }
    let result = (|| {
        // SAFETY: stat is plain data; fstat fills it.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: fd is open; st is a valid out-pointer.
        if unsafe { libc::fstat(fd, &mut st) } < 0 || st.st_size < 0 || st.st_size > i64::from(c_int::MAX) {
            return Err(ReadFileError::Read);
        }
        let size = st.st_size as usize;
        let mut buf = vec![0u8; size];
        let mut got = 0;
        while got < size {
            // SAFETY: buf[got..] is writable for size - got bytes.
            let n = unsafe { libc::read(fd, buf[got..].as_mut_ptr().cast(), size - got) };
            if n < 0 {
                if errno() == libc::EINTR {
                    continue;
                }
                return Err(ReadFileError::Read);
            }
            if n == 0 {
                break;
            }
            got += n as usize;
        }
        buf.truncate(got);
        Ok(buf)
    })();
    close_keep_errno(fd);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(fd: c_int) -> (bool, bool) {
        // SAFETY: fcntl queries on a descriptor the test owns.
        unsafe {
            (
                libc::fcntl(fd, libc::F_GETFL) & libc::O_NONBLOCK != 0,
                libc::fcntl(fd, libc::F_GETFD) & libc::FD_CLOEXEC != 0,
            )
        }
    }

    fn close(fd: c_int) {
        // SAFETY: closing a descriptor the test owns.
        unsafe { libc::close(fd) };
    }

    #[test]
    fn pipes_and_eventfds() {
        let p = internal_pipe().unwrap();
        assert_eq!(flags(p[0]), (true, true));
        assert_eq!(flags(p[1]), (true, true));
        close(p[0]);
        close(p[1]);
        let e = eventfd(3, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC);
        assert_eq!(flags(e), (true, true));
        let mut v = 0u64;
        // SAFETY: reading 8 bytes into a u64.
        assert_eq!(unsafe { libc::read(e, (&mut v as *mut u64).cast(), 8) }, 8);
        assert_eq!(v, 3);
        close(e);
        let s = socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_NONBLOCK, 0);
        assert_eq!(flags(s), (true, false));
        close(s);
        assert_eq!(socket(12345, libc::SOCK_STREAM, 0), -1);
    }

    #[test]
    fn ersatz_pair_talks() {
        assert_eq!(ersatz_socketpair(libc::AF_INET6, libc::SOCK_STREAM, 0), Err(libc::EAFNOSUPPORT));
        assert_eq!(ersatz_socketpair(libc::AF_INET, libc::SOCK_STREAM, 6), Err(libc::EAFNOSUPPORT));
        assert_eq!(ersatz_socketpair(libc::AF_INET, libc::SOCK_DGRAM, 0), Err(libc::EOPNOTSUPP));
        let Ok([a, b]) = ersatz_socketpair(libc::AF_INET, libc::SOCK_STREAM, 0) else {
            // No loopback in this sandbox: nothing more to check.
            return;
        };
        let mut c = 0u8;
        // SAFETY: one-byte writes and reads on the test's sockets.
        unsafe {
            assert_eq!(libc::write(a, b"x".as_ptr().cast(), 1), 1);
            assert_eq!(libc::read(b, (&mut c as *mut u8).cast(), 1), 1);
        }
        assert_eq!(c, b'x');
        close(a);
        close(b);
    }

    #[test]
    fn files() {
        let path = std::env::temp_dir().join(format!("event_rs_read_file_{}", std::process::id()));
        std::fs::write(&path, b"ab\0cd\n").unwrap();
        let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        assert_eq!(read_file(&c).unwrap(), b"ab\0cd\n");
        std::fs::remove_file(&path).unwrap();
        assert_eq!(read_file(&c), Err(ReadFileError::Open));
        assert_eq!(read_file(c"/"), Err(ReadFileError::Read));
        let fd = open_closeonexec(c"/dev/null", libc::O_RDONLY, 0);
        assert!(flags(fd).1);
        close(fd);
    }
}
