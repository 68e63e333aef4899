//! libevent's exported internal evutil helpers (names ending in `_`, and
//! the `EVUTIL_IS*_` character classes): declared by no public header, but
//! called by libevent's own test programs and by binaries built against
//! its internals. Prototypes as libevent's `util-internal.h` and
//! `time-internal.h` have them; meanings as observed on libevent 2.1.12.
//!
//! Each `unsafe extern "C"` function's safety contract is its C one: every
//! pointer argument is NULL (where the function documents what NULL does)
//! or valid for what libevent's documentation says the function reads or
//! writes through it.
#![allow(clippy::missing_safety_doc)]

use super::types::{evutil_addrinfo, evutil_monotonic_timer, sockaddr};
use super::util::{opt_cstr, write_bytes};
use super::{evutil_socket_t, timeval};
use crate::util::addr::{self, SockAddr};
use crate::util::gai::{self, Common, Hints};
use crate::util::rng::WeakRandState;
use crate::util::strings::{self, CharClass};
use crate::util::{set_errno, sock, time};
use libc::{c_char, c_int, c_long, c_uint, c_void, size_t};

/// `evutil_socket_`: `socket(2)`; `type_` may include `SOCK_NONBLOCK` and
/// `SOCK_CLOEXEC`.
#[no_mangle]
pub extern "C" fn evutil_socket_(domain: c_int, type_: c_int, protocol: c_int) -> evutil_socket_t {
    sock::socket(domain, type_, protocol)
}

/// `evutil_accept4_`: `accept4(2)`.
#[no_mangle]
pub unsafe extern "C" fn evutil_accept4_(
    sockfd: evutil_socket_t,
    addr: *mut sockaddr,
    addrlen: *mut libc::socklen_t,
    flags: c_int,
) -> evutil_socket_t {
    // SAFETY: addr/addrlen as for accept(2) (the program's contract).
    unsafe { sock::accept4(sockfd, addr, addrlen, flags) }
}

/// `evutil_make_internal_pipe_`: a non-blocking close-on-exec pipe in
/// `fd[0]` (read) and `fd[1]` (write); 0, or -1 with both set to -1.
#[no_mangle]
pub unsafe extern "C" fn evutil_make_internal_pipe_(fd: *mut evutil_socket_t) -> c_int {
    if fd.is_null() {
        set_errno(libc::EINVAL);
        return -1;
    }
    let (r, pair) = match sock::internal_pipe() {
        Some(p) => (0, p),
        None => (-1, [-1, -1]),
    };
    // SAFETY: fd points to two ints (the program's contract).
    unsafe { fd.cast::<[c_int; 2]>().write_unaligned(pair) };
    r
}

/// `evutil_eventfd_`: `eventfd(2)` with `EFD_NONBLOCK`/`EFD_CLOEXEC` flags.
#[no_mangle]
pub extern "C" fn evutil_eventfd_(initval: c_uint, flags: c_int) -> evutil_socket_t {
    sock::eventfd(initval, flags)
}

/// `evutil_ersatz_socketpair_`: a connected TCP pair over 127.0.0.1.
/// 0, or -1 with `errno` (EAFNOSUPPORT for a family other than AF_INET or
/// AF_UNIX or a non-zero protocol, EINVAL for NULL `fd`).
#[no_mangle]
pub unsafe extern "C" fn evutil_ersatz_socketpair_(
    family: c_int,
    type_: c_int,
    protocol: c_int,
    fd: *mut evutil_socket_t,
) -> c_int {
    if (family != libc::AF_INET && family != libc::AF_UNIX) || protocol != 0 {
        set_errno(libc::EAFNOSUPPORT);
        return -1;
    }
    if fd.is_null() {
        set_errno(libc::EINVAL);
        return -1;
    }
    match sock::ersatz_socketpair(family, type_, protocol) {
        Ok(pair) => {
            // SAFETY: fd points to two ints.
            unsafe { fd.cast::<[c_int; 2]>().write_unaligned(pair) };
            0
        }
        Err(e) => {
            set_errno(e);
            -1
        }
    }
}

/// `evutil_format_sockaddr_port_`: `1.2.3.4:80`, `[::1]:80`, or
/// `<addr with socktype N>` for other families, written into `out` as
/// `snprintf` would; returns `out`.
#[no_mangle]
pub unsafe extern "C" fn evutil_format_sockaddr_port_(
    sa: *const sockaddr,
    out: *mut c_char,
    outlen: size_t,
) -> *const c_char {
    if out.is_null() {
        return out;
    }
    let text = if sa.is_null() {
        addr::format_sockaddr_port(&Err(0))
    } else {
        // SAFETY: sa is a sockaddr of its family's size (the program's contract).
        addr::format_sockaddr_port(&unsafe { SockAddr::read(sa) })
    };
    // SAFETY: out has outlen bytes; c_truncated writes at most that many.
    unsafe { write_bytes(out, &addr::c_truncated(text.as_bytes(), outlen)) };
    out
}

/// `evutil_sockaddr_is_loopback_`: 1 for 127.0.0.0/8 and `::1`.
#[no_mangle]
pub unsafe extern "C" fn evutil_sockaddr_is_loopback_(sa: *const sockaddr) -> c_int {
    if sa.is_null() {
        return 0;
    }
    // SAFETY: as above.
    match unsafe { SockAddr::read(sa) } {
        Ok(s) => c_int::from(addr::is_loopback(&s)),
        Err(_) => 0,
    }
}

/// `evutil_v4addr_is_local_`: 1 for 0.0.0.0, loopback, link-local and
/// multicast addresses.
#[no_mangle]
pub unsafe extern "C" fn evutil_v4addr_is_local_(in_: *const libc::in_addr) -> c_int {
    if in_.is_null() {
        return 0;
    }
    // SAFETY: in_ is a readable in_addr (the program's contract).
    let a = unsafe { in_.read_unaligned() };
    c_int::from(addr::v4_is_local(a.s_addr.to_ne_bytes()))
}

/// `evutil_v6addr_is_local_`: 1 for ::/64-prefixed (unspecified, loopback,
/// IPv4-compatible/-mapped/-translated), unique-local, link- and
/// site-local, and multicast addresses.
#[no_mangle]
pub unsafe extern "C" fn evutil_v6addr_is_local_(in_: *const libc::in6_addr) -> c_int {
    if in_.is_null() {
        return 0;
    }
    // SAFETY: in_ is a readable in6_addr (the program's contract).
    let a = unsafe { in_.read_unaligned() };
    c_int::from(addr::v6_is_local(a.s6_addr))
}

/// `evutil_tv_to_msec_`: milliseconds (rounded up), or -1 if out of range.
#[no_mangle]
pub unsafe extern "C" fn evutil_tv_to_msec_(tv: *const timeval) -> c_long {
    // SAFETY: tv is NULL or readable.
    match unsafe { tv.as_ref() } {
        Some(tv) => time::tv_to_msec(tv),
        None => -1,
    }
}

/// `evutil_usleep_`: sleeps for `tv`.
#[no_mangle]
pub unsafe extern "C" fn evutil_usleep_(tv: *const timeval) {
    // SAFETY: tv is NULL or readable.
    if let Some(tv) = unsafe { tv.as_ref() } {
        time::sleep_for(tv);
    }
}

/// `evutil_configure_monotonic_time_`: as `evutil_configure_monotonic_time`,
/// on a timer in the caller's memory (libevent's tests keep one on the stack).
#[no_mangle]
pub unsafe extern "C" fn evutil_configure_monotonic_time_(mt: *mut evutil_monotonic_timer, flags: c_int) -> c_int {
    // SAFETY: forwarded under the same contract.
    unsafe { super::util::evutil_configure_monotonic_time(mt, flags) }
}

/// `evutil_gettime_monotonic_`: as `evutil_gettime_monotonic`.
#[no_mangle]
pub unsafe extern "C" fn evutil_gettime_monotonic_(mt: *mut evutil_monotonic_timer, tv: *mut timeval) -> c_int {
    // SAFETY: forwarded under the same contract.
    unsafe { super::util::evutil_gettime_monotonic(mt, tv) }
}

/// `evutil_weakrand_seed_`: seeds `state` (from time and pid if `seed` is
/// 0); returns the seed used.
#[no_mangle]
pub unsafe extern "C" fn evutil_weakrand_seed_(state: *mut WeakRandState, seed: u32) -> u32 {
    // SAFETY: state is NULL or writable.
    match unsafe { state.as_mut() } {
        Some(s) => s.seed(seed),
        None => 0,
    }
}

/// `evutil_weakrand_`: the next weak pseudo-random value, 0..=INT32_MAX.
#[no_mangle]
pub unsafe extern "C" fn evutil_weakrand_(state: *mut WeakRandState) -> i32 {
    // SAFETY: state is NULL or writable.
    match unsafe { state.as_mut() } {
        Some(s) => s.draw(),
        None => 0,
    }
}

/// `evutil_weakrand_range_`: a weak pseudo-random value in 0..`top`.
#[no_mangle]
pub unsafe extern "C" fn evutil_weakrand_range_(state: *mut WeakRandState, top: i32) -> i32 {
    // SAFETY: state is NULL or writable.
    match unsafe { state.as_mut() } {
        Some(s) => s.range(top),
        None => 0,
    }
}

/// `evutil_getenv_`: `getenv`, except NULL in set-user-ID or set-group-ID
/// processes (whose environment is the invoker's to control).
#[no_mangle]
pub unsafe extern "C" fn evutil_getenv_(name: *const c_char) -> *const c_char {
    if name.is_null() {
        return std::ptr::null();
    }
    // SAFETY: id queries have no preconditions.
    let setid = unsafe { libc::getuid() != libc::geteuid() || libc::getgid() != libc::getegid() };
    if setid {
        return std::ptr::null();
    }
    // SAFETY: name is a C string (the program's contract).
    unsafe { libc::getenv(name) }
}

/// `evutil_read_file_`: reads a whole file into a NUL-terminated buffer
/// from `mm_malloc` (`*content_out`, length in `*len_out`). 0, -1 if it
/// cannot be opened, -2 if it cannot be read. `is_binary` matters only on
/// Windows.
#[no_mangle]
pub unsafe extern "C" fn evutil_read_file_(
    filename: *const c_char,
    content_out: *mut *mut c_char,
    len_out: *mut size_t,
    _is_binary: c_int,
) -> c_int {
    if content_out.is_null() || len_out.is_null() {
        return -1;
    }
    // SAFETY: out-pointers are writable (the program's contract).
    unsafe {
        *content_out = std::ptr::null_mut();
        *len_out = 0;
    }
    // SAFETY: filename is NULL or a C string.
    let Some(path) = (unsafe { opt_cstr(filename) }) else {
        set_errno(libc::EINVAL);
        return -1;
    };
    let data = match sock::read_file(path) {
        Ok(d) => d,
        Err(sock::ReadFileError::Open) => return -1,
        Err(sock::ReadFileError::Read) => return -2,
    };
    let p = crate::mm::malloc(data.len() + 1).cast::<c_char>();
    if p.is_null() {
        return -2;
    }
    // SAFETY: p has data.len() + 1 bytes; the out-pointers are writable.
    unsafe {
        write_bytes(p, &data);
        *p.add(data.len()) = 0;
        *content_out = p;
        *len_out = data.len();
    }
    0
}

/// `evutil_rtrim_lws_`: removes trailing spaces and tabs in place.
#[no_mangle]
pub unsafe extern "C" fn evutil_rtrim_lws_(s: *mut c_char) {
    // SAFETY: s is NULL or a writable C string.
    let Some(text) = (unsafe { opt_cstr(s) }) else { return };
    let keep = strings::rtrim_lws_len(text.to_bytes());
    // SAFETY: keep is within the string.
    unsafe { *s.add(keep) = 0 };
}

/// `evutil_hex_char_to_int_`: 0..=15 for a hex digit, else -1.
#[no_mangle]
pub extern "C" fn evutil_hex_char_to_int_(c: c_char) -> c_int {
    strings::hex_char_to_int(c as u8)
}

/// `evutil_open_closeonexec_`: `open(2)` with `O_CLOEXEC`.
#[no_mangle]
pub unsafe extern "C" fn evutil_open_closeonexec_(pathname: *const c_char, flags: c_int, mode: c_uint) -> c_int {
    // SAFETY: pathname is NULL or a C string.
    match unsafe { opt_cstr(pathname) } {
        Some(p) => sock::open_closeonexec(p, flags, mode),
        None => {
            set_errno(libc::EFAULT);
            -1
        }
    }
}

/// `evutil_socket_connect_`: non-blocking connect, creating the socket if
/// `*fd_ptr` is negative. 1 connected, 0 in progress, 2 refused at once,
/// -1 on error (a socket created here is closed and `*fd_ptr` reset).
#[no_mangle]
pub unsafe extern "C" fn evutil_socket_connect_(fd_ptr: *mut evutil_socket_t, sa: *const sockaddr, socklen: c_int) -> c_int {
    if fd_ptr.is_null() || sa.is_null() || socklen < 0 {
        set_errno(libc::EINVAL);
        return -1;
    }
    // SAFETY: fd_ptr is writable; sa is readable for socklen bytes (the
    // program's contract).
    unsafe { sock::socket_connect(&mut *fd_ptr, sa, socklen as libc::socklen_t) }
}

/// `evutil_socket_finished_connecting_`: 1 connected, 0 still connecting,
/// -1 failed (`errno` is the connection's error).
#[no_mangle]
pub extern "C" fn evutil_socket_finished_connecting_(fd: evutil_socket_t) -> c_int {
    sock::socket_finished_connecting(fd)
}

/// `evutil_memset_volatile_`: `memset` called through a volatile pointer,
/// which the compiler cannot prove a dead store (libevent exports the
/// pointer itself; programs may replace it).
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static mut evutil_memset_volatile_: unsafe extern "C" fn(*mut c_void, c_int, size_t) -> *mut c_void = libc::memset;

/// `evutil_memclear_`: zeroes `len` bytes in a way that is not optimized away.
#[no_mangle]
pub unsafe extern "C" fn evutil_memclear_(mem: *mut c_void, len: size_t) {
    if mem.is_null() || len == 0 {
        return;
    }
    // SAFETY: a volatile read of the exported pointer; then a call of it on
    // mem, which is writable for len bytes (the program's contract).
    unsafe {
        let f = std::ptr::read_volatile(std::ptr::addr_of!(evutil_memset_volatile_));
        f(mem, 0, len);
    }
}

fn hints_from(p: *const evutil_addrinfo) -> Hints {
    // SAFETY: p is NULL or a readable addrinfo (the program's contract).
    unsafe { p.as_ref() }.map_or_else(Hints::default, Hints::from_c)
}

/// `evutil_new_addrinfo_`: a list node (two, TCP and UDP, if the hints give
/// neither socket type nor protocol) holding a copy of `sa`, from the
/// `event_set_mem_functions` allocator; NULL on failure.
#[no_mangle]
pub unsafe extern "C" fn evutil_new_addrinfo_(
    sa: *mut sockaddr,
    socklen: libc::socklen_t,
    hints: *const evutil_addrinfo,
) -> *mut evutil_addrinfo {
    if sa.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: sa is readable for socklen bytes and its family field.
    let (family, bytes) = unsafe {
        (
            c_int::from(std::ptr::addr_of!((*sa).sa_family).read_unaligned()),
            std::slice::from_raw_parts(sa.cast::<u8>(), socklen as usize),
        )
    };
    let entries = gai::new_addrinfo_entries(family, bytes, &hints_from(hints));
    gai::build_list(&entries, gai::Alloc::Libevent).unwrap_or(std::ptr::null_mut())
}

/// `evutil_addrinfo_append_`: `append` after the last node of `first`.
#[no_mangle]
pub unsafe extern "C" fn evutil_addrinfo_append_(
    first: *mut evutil_addrinfo,
    append: *mut evutil_addrinfo,
) -> *mut evutil_addrinfo {
    // SAFETY: NULL or valid lists (the program's contract).
    unsafe { gai::append(first, append) }
}

/// `evutil_adjust_hints_for_addrconfig_`: with `AI_ADDRCONFIG` and no
/// family, narrows the family to the only one this host has (non-local)
/// addresses of.
#[no_mangle]
pub unsafe extern "C" fn evutil_adjust_hints_for_addrconfig_(hints: *mut evutil_addrinfo) {
    // SAFETY: hints is NULL or a writable addrinfo.
    if let Some(h) = unsafe { hints.as_mut() } {
        let mut x = Hints::from_c(h);
        gai::adjust_hints_for_addrconfig(&mut x);
        h.ai_family = x.family;
    }
}

/// `evutil_getaddrinfo_common_`: the resolver-free part of getaddrinfo
/// (see `crate::util::gai::getaddrinfo_common`). 0 with `*res`, an
/// `EVUTIL_EAI_*` error, or `EVUTIL_EAI_NEED_RESOLVE` (-90002) with the
/// port in `*portnum`. Completes `hints`' socket type and protocol in place.
#[no_mangle]
pub unsafe extern "C" fn evutil_getaddrinfo_common_(
    nodename: *const c_char,
    servname: *const c_char,
    hints: *mut evutil_addrinfo,
    res: *mut *mut evutil_addrinfo,
    portnum: *mut c_int,
) -> c_int {
    // SAFETY: NULL or C strings (the program's contract).
    let (node, serv) = unsafe { (opt_cstr(nodename), opt_cstr(servname)) };
    let mut h = hints_from(hints);
    let outcome = gai::getaddrinfo_common(node.map(|c| c.to_bytes()), serv.map(|c| c.to_bytes()), &mut h);
    // SAFETY: hints is NULL or writable.
    if let Some(hp) = unsafe { hints.as_mut() } {
        hp.ai_socktype = h.socktype;
        hp.ai_protocol = h.protocol;
    }
    match outcome {
        Common::Error(e) => e,
        Common::NeedResolve(port) => {
            if !portnum.is_null() {
                // SAFETY: portnum is writable.
                unsafe { *portnum = c_int::from(port) };
            }
            gai::EVUTIL_EAI_NEED_RESOLVE
        }
        Common::Answer(entries) => {
            if res.is_null() {
                set_errno(libc::EINVAL);
                return gai::EVUTIL_EAI_SYSTEM;
            }
            match gai::build_list(&entries, gai::Alloc::Libevent) {
                Some(list) => {
                    // SAFETY: res is writable.
                    unsafe { *res = list };
                    0
                }
                None => gai::EVUTIL_EAI_MEMORY,
            }
        }
    }
}

/// `evutil_set_evdns_getaddrinfo_fn_`: evdns registers its asynchronous
/// getaddrinfo here (the first registration stays).
#[no_mangle]
pub extern "C" fn evutil_set_evdns_getaddrinfo_fn_(f: Option<gai::EvdnsGetaddrinfoFn>) {
    gai::set_evdns_getaddrinfo_fn(f);
}

/// `evutil_set_evdns_getaddrinfo_cancel_fn_`: and its cancel function.
#[no_mangle]
pub extern "C" fn evutil_set_evdns_getaddrinfo_cancel_fn_(f: Option<gai::EvdnsCancelFn>) {
    gai::set_evdns_cancel_fn(f);
}

/// `evutil_getaddrinfo_async_`: with a DNS base and evdns registered, its
/// asynchronous getaddrinfo (returning its request); otherwise a blocking
/// `evutil_getaddrinfo` whose result goes to `cb` at once (NULL returned).
#[no_mangle]
pub unsafe extern "C" fn evutil_getaddrinfo_async_(
    dns_base: *mut c_void,
    nodename: *const c_char,
    servname: *const c_char,
    hints_in: *const evutil_addrinfo,
    cb: Option<unsafe extern "C" fn(c_int, *mut evutil_addrinfo, *mut c_void)>,
    arg: *mut c_void,
) -> *mut c_void {
    if !dns_base.is_null() {
        if let Some(f) = gai::evdns_getaddrinfo_fn() {
            // SAFETY: evdns's registered function, called with the
            // program's arguments.
            return unsafe { f(dns_base, nodename, servname, hints_in, cb, arg) };
        }
    }
    let mut ai: *mut evutil_addrinfo = std::ptr::null_mut();
    // SAFETY: forwarded under the same contract; ai is a valid out-pointer.
    let err = unsafe { super::util::evutil_getaddrinfo(nodename, servname, hints_in, &mut ai) };
    match cb {
        // SAFETY: the program's callback, which takes ownership of ai.
        Some(cb) => unsafe { cb(err, ai, arg) },
        // SAFETY: nobody to hand the list to.
        None => unsafe { gai::free_list(ai) },
    }
    std::ptr::null_mut()
}

/// `evutil_getaddrinfo_cancel_async_`: cancels an evdns request.
#[no_mangle]
pub unsafe extern "C" fn evutil_getaddrinfo_cancel_async_(data: *mut c_void) {
    if data.is_null() {
        return;
    }
    if let Some(f) = gai::evdns_cancel_fn() {
        // SAFETY: evdns's registered cancel function on its own request.
        unsafe { f(data) };
    }
}

macro_rules! char_classes {
    ($($name:ident => $class:ident;)*) => {$(
        /// Locale-independent ASCII character class (1 or 0).
        #[no_mangle]
        #[allow(non_snake_case)]
        pub extern "C" fn $name(c: c_char) -> c_int {
            c_int::from(strings::char_is(CharClass::$class, c as u8))
        }
    )*};
}

char_classes! {
    EVUTIL_ISALPHA_ => Alpha;
    EVUTIL_ISALNUM_ => Alnum;
    EVUTIL_ISSPACE_ => Space;
    EVUTIL_ISDIGIT_ => Digit;
    EVUTIL_ISXDIGIT_ => XDigit;
    EVUTIL_ISPRINT_ => Print;
    EVUTIL_ISLOWER_ => Lower;
    EVUTIL_ISUPPER_ => Upper;
}

/// `EVUTIL_TOUPPER_`: ASCII upper case.
#[no_mangle]
#[allow(non_snake_case)]
pub extern "C" fn EVUTIL_TOUPPER_(c: c_char) -> c_char {
    (c as u8).to_ascii_uppercase() as c_char
}

/// `EVUTIL_TOLOWER_`: ASCII lower case.
#[no_mangle]
#[allow(non_snake_case)]
pub extern "C" fn EVUTIL_TOLOWER_(c: c_char) -> c_char {
    (c as u8).to_ascii_lowercase() as c_char
}
