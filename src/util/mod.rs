//! evutil: the portability helpers of `event2/util.h` and the internal
//! `evutil_*_` helpers libevent's own programs call.
//!
//! Map for libevent users (`evutil.c`, `evutil_rand.c`, `evutil_time.c`):
//! - [`addr`]: `evutil_inet_pton`/`_scope`, `evutil_inet_ntop`,
//!   `evutil_parse_sockaddr_port`, `evutil_sockaddr_cmp`,
//!   `evutil_format_sockaddr_port_`, the loopback/"local" predicates;
//! - [`gai`]: `evutil_getaddrinfo` (numeric hosts answered here, names by the
//!   system resolver), `evutil_freeaddrinfo`, `evutil_gai_strerror`, and the
//!   building blocks evdns uses (`evutil_getaddrinfo_common_`, …);
//! - [`strings`]: `evutil_strtoll`, `evutil_ascii_str(n)casecmp`, the
//!   locale-independent `EVUTIL_IS*_`/`TO*_` character classes;
//! - [`time`]: the monotonic timer, `evutil_date_rfc1123`, `evutil_usleep_`;
//! - [`rng`]: `evutil_secure_rng_*` over the kernel's CSPRNG, `evutil_weakrand_*`;
//! - [`sock`]: sockets, pipes, eventfds, non-blocking connect, files.
//!
//! Everything here is safe Rust over plain values (`[u8; 4]`, [`addr::SockAddr`],
//! byte strings) except the few places that own raw C memory (the addrinfo
//! lists of [`gai`]), each of which states its invariants.

pub mod addr;
pub mod gai;
pub mod rng;
pub mod sock;
pub mod strings;
pub mod time;

use libc::c_int;

/// The calling thread's `errno`.
pub fn errno() -> c_int {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// Sets the calling thread's `errno`, as libevent's functions do on failure.
pub fn set_errno(e: c_int) {
    // SAFETY: __errno_location returns the calling thread's errno slot,
    // valid for writes for the thread's lifetime.
    unsafe { *libc::__errno_location() = e };
}
