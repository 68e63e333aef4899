//! `event2/util.h`: sockets, addresses, getaddrinfo, numbers and strings,
//! time, random numbers. Thin: arguments checked and converted here, the
//! work done in [`crate::util`]. NULL pointers get the function's error
//! value (where libevent would crash).
//!
//! Each `unsafe extern "C"` function's safety contract is its C one: every
//! pointer argument is NULL (where the function documents what NULL does)
//! or valid for what libevent's documentation says the function reads or
//! writes through it.
#![allow(clippy::missing_safety_doc)]

use super::types::{ev_int64_t, evutil_addrinfo, evutil_monotonic_timer, sockaddr, tm};
use super::{evutil_socket_t, timeval};
use crate::util::addr::{self, SockAddr};
use crate::util::{gai, rng, sock, strings, time};
use libc::{c_char, c_int, c_uint, c_void, size_t};
use std::ffi::CStr;

/// Borrows an optional C string.
///
/// # Safety
/// `p` is NULL or a valid NUL-terminated string living for `'a`.
pub(crate) unsafe fn opt_cstr<'a>(p: *const c_char) -> Option<&'a CStr> {
    // SAFETY: caller's contract.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) })
}

/// Copies `bytes` to `dst` (nothing if empty).
///
/// # Safety
/// `dst` is valid for writes of `bytes.len()` bytes (the callers compute
/// `bytes` so that it never exceeds the capacity the program gave).
pub(crate) unsafe fn write_bytes(dst: *mut c_char, bytes: &[u8]) {
    if !bytes.is_empty() {
        // SAFETY: caller's contract.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), dst.cast::<u8>(), bytes.len()) };
    }
}

/// Sets O_NONBLOCK on `fd`.
#[no_mangle]
pub extern "C" fn evutil_make_socket_nonblocking(fd: evutil_socket_t) -> c_int {
    sock::make_nonblocking(fd)
}

/// Sets FD_CLOEXEC on `fd`.
#[no_mangle]
pub extern "C" fn evutil_make_socket_closeonexec(fd: evutil_socket_t) -> c_int {
    sock::make_closeonexec(fd)
}

/// Sets SO_REUSEADDR so a listener can rebind right after a restart.
#[no_mangle]
pub extern "C" fn evutil_make_listen_socket_reuseable(sock: evutil_socket_t) -> c_int {
    sock::setsockopt_int(sock, libc::SOL_SOCKET, libc::SO_REUSEADDR, 1)
}

/// Sets SO_REUSEPORT.
#[no_mangle]
pub extern "C" fn evutil_make_listen_socket_reuseable_port(sock: evutil_socket_t) -> c_int {
    sock::setsockopt_int(sock, libc::SOL_SOCKET, libc::SO_REUSEPORT, 1)
}

/// Sets IPV6_V6ONLY.
#[no_mangle]
pub extern "C" fn evutil_make_listen_socket_ipv6only(sock: evutil_socket_t) -> c_int {
    sock::setsockopt_int(sock, libc::IPPROTO_IPV6, libc::IPV6_V6ONLY, 1)
}

/// Sets TCP_DEFER_ACCEPT (accept only once data arrives).
#[no_mangle]
pub extern "C" fn evutil_make_tcp_listen_socket_deferred(sock: evutil_socket_t) -> c_int {
    sock::setsockopt_int(sock, libc::IPPROTO_TCP, libc::TCP_DEFER_ACCEPT, 1)
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
        crate::util::set_errno(libc::EINVAL);
        return -1;
    }
    // SAFETY: fd points to two writable ints (the program's contract).
    unsafe { libc::socketpair(family, type_, protocol, fd) }
}

/// Parses a 64-bit integer as `strtoll` does (white space, sign, `0x`/`0`
/// prefixes by base), setting `errno` to ERANGE on overflow and EINVAL for
/// a bad base (then `*endptr` is left alone, as the C library leaves it).
#[no_mangle]
pub unsafe extern "C" fn evutil_strtoll(s: *const c_char, endptr: *mut *mut c_char, base: c_int) -> ev_int64_t {
    // SAFETY: s is NULL or a C string (the program's contract).
    let Some(text) = (unsafe { opt_cstr(s) }) else {
        crate::util::set_errno(libc::EINVAL);
        if !endptr.is_null() {
            // SAFETY: endptr is writable (the program's contract).
            unsafe { *endptr = s.cast_mut() };
        }
        return 0;
    };
    let base = u32::try_from(base).unwrap_or(1);
    let (v, end, err) = strings::strtoll(text.to_bytes(), base);
    if let Some(e) = err {
        crate::util::set_errno(e.errno());
        if e == strings::NumError::BadBase {
            return 0;
        }
    }
    if !endptr.is_null() {
        // SAFETY: end is within the string; endptr is writable.
        unsafe { *endptr = s.add(end).cast_mut() };
    }
    v
}

/// Compares two strings case-insensitively in ASCII: -1, 0 or 1 (NULL
/// reads as the empty string).
#[no_mangle]
pub unsafe extern "C" fn evutil_ascii_strcasecmp(str1: *const c_char, str2: *const c_char) -> c_int {
    // SAFETY: NULL or C strings (the program's contract).
    let (a, b) = unsafe { (opt_cstr(str1), opt_cstr(str2)) };
    strings::ascii_strncasecmp(a.map_or(b"", CStr::to_bytes), b.map_or(b"", CStr::to_bytes), usize::MAX)
}

/// As `evutil_ascii_strcasecmp`, for at most `n` characters.
#[no_mangle]
pub unsafe extern "C" fn evutil_ascii_strncasecmp(str1: *const c_char, str2: *const c_char, n: size_t) -> c_int {
    if n == 0 {
        return 0;
    }
    // SAFETY: NULL or C strings (the program's contract).
    let (a, b) = unsafe { (opt_cstr(str1), opt_cstr(str2)) };
    strings::ascii_strncasecmp(a.map_or(b"", CStr::to_bytes), b.map_or(b"", CStr::to_bytes), n)
}

/// Writes `tm` (or, if NULL, the current time) as an RFC 1123 date,
/// `Thu, 01 Jan 1970 00:00:00 GMT`, into `date` as `snprintf` would
/// (truncated, NUL-terminated). Returns the length of the full date, or 0
/// when `datelen` is 0 (libevent's `evutil_snprintf` rule).
#[no_mangle]
pub unsafe extern "C" fn evutil_date_rfc1123(date: *mut c_char, datelen: size_t, tm: *const tm) -> c_int {
    // SAFETY: tm is NULL or a valid struct tm (the program's contract).
    let text = match unsafe { tm.as_ref() } {
        Some(t) => time::rfc1123(t),
        None => time::rfc1123(&time::gmtime_now()),
    };
    if date.is_null() || datelen == 0 {
        return 0;
    }
    // SAFETY: date has datelen bytes; c_truncated writes at most that many.
    unsafe { write_bytes(date, &addr::c_truncated(text.as_bytes(), datelen)) };
    text.len() as c_int
}

/// Allocates a monotonic timer (zeroed: configure it before use).
#[no_mangle]
pub extern "C" fn evutil_monotonic_timer_new() -> *mut evutil_monotonic_timer {
    crate::mm::calloc(1, std::mem::size_of::<evutil_monotonic_timer>()).cast()
}

/// Frees a timer from `evutil_monotonic_timer_new`.
#[no_mangle]
pub unsafe extern "C" fn evutil_monotonic_timer_free(timer: *mut evutil_monotonic_timer) {
    // SAFETY: the pointer came from this library's allocator and is dropped here.
    unsafe { crate::mm::free(timer.cast()) };
}

/// Chooses the timer's clock: `EV_MONOT_PRECISE`, `EV_MONOT_FALLBACK`, or
/// 0 for the cheap coarse clock. 0 on success, -1 for a NULL timer.
#[no_mangle]
pub unsafe extern "C" fn evutil_configure_monotonic_time(timer: *mut evutil_monotonic_timer, flags: c_int) -> c_int {
    // SAFETY: timer is NULL or a valid timer (the program's contract).
    match unsafe { timer.as_mut() } {
        Some(t) => t.configure(flags),
        None => -1,
    }
}

/// Reads the timer's clock into `tp`: 0, or -1 on NULL arguments or a
/// clock error.
#[no_mangle]
pub unsafe extern "C" fn evutil_gettime_monotonic(timer: *mut evutil_monotonic_timer, tp: *mut timeval) -> c_int {
    // SAFETY: NULL or valid pointers (the program's contract).
    let (Some(t), Some(out)) = (unsafe { timer.as_mut() }, unsafe { tp.as_mut() }) else { return -1 };
    match t.now() {
        Some(tv) => {
            *out = tv;
            0
        }
        None => -1,
    }
}

/// Writes an IPv4 or IPv6 address as text (IPv6 as libevent writes it:
/// `::a.b.c.d` only when both last groups are non-zero); `dst`, or NULL if
/// `af` is another family or the text does not fit.
#[no_mangle]
pub unsafe extern "C" fn evutil_inet_ntop(af: c_int, src: *const c_void, dst: *mut c_char, len: size_t) -> *const c_char {
    if src.is_null() || dst.is_null() {
        return std::ptr::null();
    }
    let text = match af {
        // SAFETY: an AF_INET source is a 4-byte in_addr (the program's contract).
        libc::AF_INET => addr::format_ipv4(unsafe { src.cast::<[u8; 4]>().read_unaligned() }),
        // SAFETY: an AF_INET6 source is a 16-byte in6_addr.
        libc::AF_INET6 => addr::format_ipv6(unsafe { src.cast::<[u8; 16]>().read_unaligned() }),
        _ => return std::ptr::null(),
    };
    let (bytes, ok) = addr::ntop_output(&text, len, af == libc::AF_INET6);
    // SAFETY: bytes never exceeds len, the size of dst.
    unsafe { write_bytes(dst, &bytes) };
    if ok {
        dst
    } else {
        std::ptr::null()
    }
}

/// Reads an address as `evutil_inet_pton` does, optionally with an IPv6
/// `%scope` (an interface name or number) stored in `*indexp` (0 without).
/// 1 on success, 0 for malformed text, -1 for another family.
#[no_mangle]
pub unsafe extern "C" fn evutil_inet_pton_scope(
    af: c_int,
    src: *const c_char,
    dst: *mut c_void,
    indexp: *mut c_uint,
) -> c_int {
    if !indexp.is_null() {
        // SAFETY: indexp is writable (the program's contract).
        unsafe { *indexp = 0 };
    }
    if af != libc::AF_INET6 {
        // SAFETY: forwarded under the same contract.
        return unsafe { evutil_inet_pton(af, src, dst) };
    }
    // SAFETY: src is NULL or a C string.
    let Some(text) = (unsafe { opt_cstr(src) }) else { return 0 };
    if dst.is_null() {
        return 0;
    }
    let (index, parsed) = addr::parse_ipv6_scope(text.to_bytes());
    if !indexp.is_null() {
        // SAFETY: as above.
        unsafe { *indexp = index };
    }
    match parsed {
        Some(a) => {
            // SAFETY: an AF_INET6 destination holds 16 bytes.
            unsafe { dst.cast::<[u8; 16]>().write_unaligned(a) };
            1
        }
        None => 0,
    }
}

/// Reads an IPv4 or IPv6 address with libevent's lenient readers (IPv4 as
/// `sscanf("%u.%u.%u.%u")` reads it, IPv6 groups as `strtol(..., 16)`).
/// 1 on success, 0 for malformed text (or NULL), -1 for another family.
#[no_mangle]
pub unsafe extern "C" fn evutil_inet_pton(af: c_int, src: *const c_char, dst: *mut c_void) -> c_int {
    if af != libc::AF_INET && af != libc::AF_INET6 {
        return -1;
    }
    // SAFETY: src is NULL or a C string.
    let Some(text) = (unsafe { opt_cstr(src) }) else { return 0 };
    if dst.is_null() {
        return 0;
    }
    if af == libc::AF_INET {
        match addr::parse_ipv4(text.to_bytes()) {
            Some(a) => {
                // SAFETY: an AF_INET destination holds 4 bytes.
                unsafe { dst.cast::<[u8; 4]>().write_unaligned(a) };
                1
            }
            None => 0,
        }
    } else {
        match addr::parse_ipv6(text.to_bytes()) {
            Some(a) => {
                // SAFETY: an AF_INET6 destination holds 16 bytes.
                unsafe { dst.cast::<[u8; 16]>().write_unaligned(a) };
                1
            }
            None => 0,
        }
    }
}

/// Parses `1.2.3.4`, `1.2.3.4:80`, `[::1]:80`, `[::1]` or `::1` into `out`,
/// which can hold `*outlen` bytes; on success sets `*outlen` to the size
/// used. -1 for malformed text, a port outside 1..=65535, a too-small
/// buffer, or NULL arguments. Never writes more than the address's own
/// size, and never more than `*outlen` (CVE-2016-10196, libevent#1573).
#[no_mangle]
pub unsafe extern "C" fn evutil_parse_sockaddr_port(str: *const c_char, out: *mut sockaddr, outlen: *mut c_int) -> c_int {
    // SAFETY: str is NULL or a C string.
    let Some(text) = (unsafe { opt_cstr(str) }) else { return -1 };
    if out.is_null() || outlen.is_null() {
        return -1;
    }
    let Some(sa) = addr::parse_sockaddr_port(text.to_bytes()) else { return -1 };
    let bytes = sa.to_c_bytes();
    // SAFETY: outlen is readable and writable (the program's contract).
    let cap = unsafe { *outlen };
    if usize::try_from(cap).map_or(true, |cap| cap < bytes.len()) {
        return -1;
    }
    // SAFETY: out holds at least *outlen >= bytes.len() bytes.
    unsafe {
        write_bytes(out.cast(), &bytes);
        *outlen = bytes.len() as c_int;
    }
    0
}

/// Compares two socket addresses: families first (their difference), then
/// IPv4/IPv6 addresses (IPv4 as native-order words: -1 or 1; IPv6 as
/// `memcmp`) and, if `include_port`, ports (the difference of their
/// network-order values); 1 for two addresses of another same family. NULL
/// sorts before anything.
#[no_mangle]
pub unsafe extern "C" fn evutil_sockaddr_cmp(sa1: *const sockaddr, sa2: *const sockaddr, include_port: c_int) -> c_int {
    match (sa1.is_null(), sa2.is_null()) {
        (true, true) => return 0,
        (true, false) => return -1,
        (false, true) => return 1,
        _ => {}
    }
    // SAFETY: non-null sockaddrs of their family's size (the program's contract).
    let (a, b) = unsafe { (SockAddr::read(sa1), SockAddr::read(sa2)) };
    match (a, b) {
        (Ok(x), Ok(y)) => addr::cmp_same_family(&x, &y, include_port != 0),
        (x, y) => {
            let fam = |r: &Result<SockAddr, libc::sa_family_t>| match r {
                Ok(s) => s.family(),
                Err(f) => c_int::from(*f),
            };
            let (f1, f2) = (fam(&x), fam(&y));
            if f1 != f2 {
                f1 - f2
            } else {
                1
            }
        }
    }
}

/// Resolves `nodename`/`servname` as `getaddrinfo` does (numeric requests
/// answered without the resolver); NULL `hints_in` means all-zero hints.
/// 0 with the list in `*res`, or an `EVUTIL_EAI_*` error with `*res` NULL.
#[no_mangle]
pub unsafe extern "C" fn evutil_getaddrinfo(
    nodename: *const c_char,
    servname: *const c_char,
    hints_in: *const evutil_addrinfo,
    res: *mut *mut evutil_addrinfo,
) -> c_int {
    if res.is_null() {
        crate::util::set_errno(libc::EINVAL);
        return gai::EVUTIL_EAI_SYSTEM;
    }
    // SAFETY: NULL or valid strings and hints (the program's contract).
    let (node, serv, hints) = unsafe { (opt_cstr(nodename), opt_cstr(servname), hints_in.as_ref()) };
    let (r, list) = match gai::getaddrinfo(node, serv, hints) {
        Ok(list) => (0, list),
        Err(e) => (e, std::ptr::null_mut()),
    };
    // SAFETY: res is writable.
    unsafe { *res = list };
    r
}

/// Frees a list from `evutil_getaddrinfo` (or evdns's getaddrinfo).
#[no_mangle]
pub unsafe extern "C" fn evutil_freeaddrinfo(ai: *mut evutil_addrinfo) {
    // SAFETY: ai is NULL or such a list (the program's contract).
    unsafe { gai::free_list(ai) }
}

/// The text for an `EVUTIL_EAI_*` error.
#[no_mangle]
pub extern "C" fn evutil_gai_strerror(err: c_int) -> *const c_char {
    gai::gai_strerror(err).as_ptr()
}

/// Fills `buf` with `n` bytes from the kernel's CSPRNG.
#[no_mangle]
pub unsafe extern "C" fn evutil_secure_rng_get_bytes(buf: *mut c_void, n: size_t) {
    if buf.is_null() || n == 0 {
        return;
    }
    // SAFETY: buf is writable for n bytes (the program's contract).
    rng::secure_fill(unsafe { std::slice::from_raw_parts_mut(buf.cast::<u8>(), n) });
}

/// 0 if secure random bytes are available, else -1.
#[no_mangle]
pub extern "C" fn evutil_secure_rng_init() -> c_int {
    rng::secure_init()
}

/// -1: the generator is the kernel's and reads no device file (the system
/// libevent, built over `arc4random`, answers the same).
#[no_mangle]
pub extern "C" fn evutil_secure_rng_set_urandom_device_file(fname: *mut c_char) -> c_int {
    let _ = fname;
    -1
}

/// Stirs `datlen` bytes into the kernel's entropy pool.
#[no_mangle]
pub unsafe extern "C" fn evutil_secure_rng_add_bytes(dat: *const c_char, datlen: size_t) {
    if dat.is_null() || datlen == 0 {
        return;
    }
    // SAFETY: dat is readable for datlen bytes (the program's contract).
    rng::secure_add(unsafe { std::slice::from_raw_parts(dat.cast::<u8>(), datlen) });
}
