//! Addresses: text to binary and back, socket addresses with ports.
//!
//! The readers accept exactly what libevent 2.1.12's own readers accept —
//! which is not what the C library's `inet_pton` accepts. Observed on the
//! system libevent and kept here (each case is in the tests):
//! - IPv4 is read like `sscanf(s, "%u.%u.%u.%u%c")`: white space before a
//!   number, a sign, and leading zeros are allowed (`" 1. 2.3.+4"`,
//!   `"01.2.3.4"`), each number is read as `strtoul` reads it (so `-0` is 0
//!   and `-4294967295` is 1 after truncation to 32 bits) and must then be
//!   0..=255, and nothing may follow the fourth number.
//! - IPv6 groups are read like `strtol(…, 16)` from a hex digit, so `0x1`
//!   is a group; a group takes at most four characters (prefix included);
//!   one trailing `:` is allowed (`"1::2:"`); an embedded IPv4 tail is read
//!   by the IPv4 reader above.
//! - IPv6 text is written as usual (longest run of two or more zero groups
//!   as `::`, the first on a tie, lower-case hex), except that the IPv4 form
//!   is used for `::ffff:a.b.c.d` always and for `::a.b.c.d` only when both
//!   of the last two groups are non-zero.

use super::strings::{atoi, scan_integer, scanf_uint, strtoul};
use std::ffi::CString;

/// An IPv4 or IPv6 socket address. Ports are in host byte order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SockAddr {
    V4 { addr: [u8; 4], port: u16 },
    V6 { addr: [u8; 16], port: u16, flowinfo: u32, scope_id: u32 },
}

impl SockAddr {
    pub fn port(&self) -> u16 {
        match *self {
            SockAddr::V4 { port, .. } | SockAddr::V6 { port, .. } => port,
        }
    }

    pub fn family(&self) -> libc::c_int {
        match self {
            SockAddr::V4 { .. } => libc::AF_INET,
            SockAddr::V6 { .. } => libc::AF_INET6,
        }
    }

    /// The size of the C structure (`sockaddr_in` or `sockaddr_in6`).
    pub fn c_len(&self) -> usize {
        match self {
            SockAddr::V4 { .. } => std::mem::size_of::<libc::sockaddr_in>(),
            SockAddr::V6 { .. } => std::mem::size_of::<libc::sockaddr_in6>(),
        }
    }

    /// The C structure's bytes, every byte defined (padding zeroed).
    pub fn to_c_bytes(&self) -> Vec<u8> {
        match *self {
            SockAddr::V4 { addr, port } => {
                // SAFETY: sockaddr_in is plain data; all-zero is valid.
                let mut sin: libc::sockaddr_in = unsafe { std::mem::zeroed() };
                sin.sin_family = libc::AF_INET as libc::sa_family_t;
                sin.sin_port = port.to_be();
                sin.sin_addr.s_addr = u32::from_ne_bytes(addr);
                // SAFETY: viewing a fully initialized plain struct as bytes.
                unsafe { struct_bytes(&sin) }
            }
            SockAddr::V6 { addr, port, flowinfo, scope_id } => {
                // SAFETY: sockaddr_in6 is plain data; all-zero is valid.
                let mut sin6: libc::sockaddr_in6 = unsafe { std::mem::zeroed() };
                sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
                sin6.sin6_port = port.to_be();
                sin6.sin6_flowinfo = flowinfo;
                sin6.sin6_addr.s6_addr = addr;
                sin6.sin6_scope_id = scope_id;
                // SAFETY: as above.
                unsafe { struct_bytes(&sin6) }
            }
        }
    }

    /// Reads a C socket address. `Err(family)` for families other than
    /// AF_INET and AF_INET6.
    ///
    /// # Safety
    /// `sa` points to a readable `sockaddr` whose memory extends to the size
    /// its family implies (`sockaddr_in` for AF_INET, `sockaddr_in6` for
    /// AF_INET6) — libevent's contract for every sockaddr argument.
    pub unsafe fn read(sa: *const libc::sockaddr) -> Result<SockAddr, libc::sa_family_t> {
        // SAFETY: sa is readable for at least the family field (caller).
        let family = unsafe { std::ptr::addr_of!((*sa).sa_family).read_unaligned() };
        match libc::c_int::from(family) {
            libc::AF_INET => {
                // SAFETY: an AF_INET address is a sockaddr_in (caller).
                let sin = unsafe { sa.cast::<libc::sockaddr_in>().read_unaligned() };
                Ok(SockAddr::V4 { addr: sin.sin_addr.s_addr.to_ne_bytes(), port: u16::from_be(sin.sin_port) })
            }
            libc::AF_INET6 => {
                // SAFETY: an AF_INET6 address is a sockaddr_in6 (caller).
                let sin6 = unsafe { sa.cast::<libc::sockaddr_in6>().read_unaligned() };
                Ok(SockAddr::V6 {
                    addr: sin6.sin6_addr.s6_addr,
                    port: u16::from_be(sin6.sin6_port),
                    flowinfo: sin6.sin6_flowinfo,
                    scope_id: sin6.sin6_scope_id,
                })
            }
            _ => Err(family),
        }
    }
}

/// The bytes of a plain C struct.
///
/// # Safety
/// `T` has no uninitialized bytes (the callers zero whole structs first).
unsafe fn struct_bytes<T>(v: &T) -> Vec<u8> {
    // SAFETY: v is a valid reference, read as size_of::<T>() initialized
    // bytes (caller's guarantee).
    unsafe { std::slice::from_raw_parts((v as *const T).cast::<u8>(), std::mem::size_of::<T>()) }.to_vec()
}

/// `evutil_inet_pton(AF_INET, …)`.
pub fn parse_ipv4(s: &[u8]) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut i = 0;
    for (k, slot) in out.iter_mut().enumerate() {
        if k > 0 {
            if s.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
        let (v, used) = scanf_uint(&s[i..])?;
        i += used;
        *slot = u8::try_from(v).ok()?;
    }
    (i == s.len()).then_some(out)
}

/// `evutil_inet_pton(AF_INET6, …)` (no scope suffix).
pub fn parse_ipv6(s: &[u8]) -> Option<[u8; 16]> {
    let mut words: [u16; 8] = [0; 8];
    let mut n = 0usize;
    let mut gap: Option<usize> = None;
    let mut i = 0usize;
    if s.first() == Some(&b':') {
        if s.get(1) != Some(&b':') {
            return None;
        }
        gap = Some(0);
        i = 2;
    }
    while i < s.len() {
        if !s[i].is_ascii_hexdigit() {
            return None;
        }
        let word_end = s[i..].iter().position(|&c| c == b':').map_or(s.len(), |p| i + p);
        if s[i..word_end].contains(&b'.') {
            // An IPv4 tail: the rest of the string, after at most six groups.
            if n > 6 {
                return None;
            }
            let v4 = parse_ipv4(&s[i..])?;
            words[n] = u16::from_be_bytes([v4[0], v4[1]]);
            words[n + 1] = u16::from_be_bytes([v4[2], v4[3]]);
            n += 2;
            break;
        }
        let sc = scan_integer(&s[i..], 16)?;
        if sc.end > 4 || i + sc.end != word_end || n == 8 {
            return None;
        }
        words[n] = sc.magnitude as u16;
        n += 1;
        i = word_end;
        if i < s.len() {
            // s[i] is ':'
            i += 1;
            if s.get(i) == Some(&b':') {
                if gap.is_some() {
                    return None;
                }
                gap = Some(n);
                i += 1;
            }
        }
    }
    let words = match gap {
        None if n == 8 => words,
        Some(at) if n <= 7 => {
            let mut full = [0u16; 8];
            full[..at].copy_from_slice(&words[..at]);
            let tail = n - at;
            full[8 - tail..].copy_from_slice(&words[at..n]);
            full
        }
        _ => return None,
    };
    let mut out = [0u8; 16];
    for (k, w) in words.iter().enumerate() {
        out[2 * k..2 * k + 2].copy_from_slice(&w.to_be_bytes());
    }
    Some(out)
}

/// Resolves the text after `%` in a scoped IPv6 address: an interface name,
/// else a decimal number read as `strtoul` (so `-1` is 4294967295 and
/// `4294967296` is 0) with nothing after it.
pub fn parse_scope(scope: &[u8]) -> Option<u32> {
    if let Ok(c) = CString::new(scope) {
        // SAFETY: c is a valid NUL-terminated string.
        let idx = unsafe { libc::if_nametoindex(c.as_ptr()) };
        if idx != 0 {
            return Some(idx);
        }
    }
    let (v, end, _) = strtoul(scope, 10);
    // Like `strtoul`'s end pointer: nothing read leaves it at the start, so
    // an empty scope reads as 0 with nothing left over.
    (end == scope.len()).then_some(v as u32)
}

/// `evutil_inet_pton_scope(AF_INET6, …)`: the scope index to store (0 when
/// there is no scope or it does not resolve) and the address, if valid. As
/// libevent does, a resolvable scope is stored even when the address part
/// turns out to be malformed.
pub fn parse_ipv6_scope(s: &[u8]) -> (u32, Option<[u8; 16]>) {
    match s.iter().position(|&c| c == b'%') {
        None => (0, parse_ipv6(s)),
        Some(p) => match parse_scope(&s[p + 1..]) {
            None => (0, None),
            Some(idx) => (idx, parse_ipv6(&s[..p])),
        },
    }
}

/// Dotted-quad text.
pub fn format_ipv4(a: [u8; 4]) -> String {
    format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])
}

/// IPv6 text as `evutil_inet_ntop` writes it (see the module comment).
pub fn format_ipv6(a: [u8; 16]) -> String {
    let w: Vec<u16> = a.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
    if w[..5].iter().all(|&x| x == 0) && ((w[5] == 0 && w[6] != 0 && w[7] != 0) || w[5] == 0xffff) {
        let prefix = if w[5] == 0xffff { "::ffff:" } else { "::" };
        return format!("{prefix}{}", format_ipv4([a[12], a[13], a[14], a[15]]));
    }
    // The longest run of at least two zero groups, the first on a tie.
    let (mut best_at, mut best_len) = (0usize, 0usize);
    let mut k = 0;
    while k < 8 {
        if w[k] == 0 {
            let start = k;
            while k < 8 && w[k] == 0 {
                k += 1;
            }
            if k - start > best_len {
                best_at = start;
                best_len = k - start;
            }
        } else {
            k += 1;
        }
    }
    let mut out = String::new();
    if best_len < 2 {
        let parts: Vec<String> = w.iter().map(|x| format!("{x:x}")).collect();
        return parts.join(":");
    }
    let head: Vec<String> = w[..best_at].iter().map(|x| format!("{x:x}")).collect();
    let tail: Vec<String> = w[best_at + best_len..].iter().map(|x| format!("{x:x}")).collect();
    out.push_str(&head.join(":"));
    out.push_str("::");
    out.push_str(&tail.join(":"));
    out
}

/// What `evutil_inet_ntop` stores in a buffer of `cap` bytes, and whether it
/// reports success. IPv4 text is written `snprintf`-style (truncated, NUL
/// terminated) and fails if it did not fit; IPv6 text is not written at all
/// if longer than `cap`, and is written truncated to `cap - 1` characters —
/// yet reported as success — when exactly `cap` long (libevent's behaviour).
pub fn ntop_output(text: &str, cap: usize, ipv6: bool) -> (Vec<u8>, bool) {
    let t = text.as_bytes();
    if ipv6 {
        if t.len() > cap {
            return (Vec::new(), false);
        }
        (c_truncated(t, cap), true)
    } else {
        (c_truncated(t, cap), t.len() < cap)
    }
}

/// `t` truncated to fit `cap` bytes with its NUL (nothing if `cap` is 0), as
/// `snprintf` and `strlcpy` store it.
pub fn c_truncated(t: &[u8], cap: usize) -> Vec<u8> {
    if cap == 0 {
        return Vec::new();
    }
    let n = t.len().min(cap - 1);
    let mut v = t[..n].to_vec();
    v.push(0);
    v
}

/// The longest address text libevent copies out of a `host:port` or
/// `[host]` string (its buffer is 128 bytes with the NUL).
const MAX_COPIED_ADDR: usize = 127;

/// `evutil_parse_sockaddr_port`: `[v6]:port`, `[v6]`, `v6`, `v4:port`,
/// `v4`. The port, when present, is read by `atoi` and must be 1..=65535;
/// text after `]` other than `:port` is ignored, as libevent does.
pub fn parse_sockaddr_port(s: &[u8]) -> Option<SockAddr> {
    let (host, port_text, bracketed) = if s.first() == Some(&b'[') {
        let close = s.iter().position(|&c| c == b']')?;
        let host = &s[1..close];
        let port = (s.get(close + 1) == Some(&b':')).then(|| &s[close + 2..]);
        if host.len() > MAX_COPIED_ADDR {
            return None;
        }
        (host, port, true)
    } else {
        match s.iter().position(|&c| c == b':') {
            Some(c) if !s[c + 1..].contains(&b':') => {
                if c > MAX_COPIED_ADDR {
                    return None;
                }
                (&s[..c], Some(&s[c + 1..]), false)
            }
            _ => (s, None, false),
        }
    };
    let port = match port_text {
        None => 0,
        Some(p) => {
            let v = atoi(p);
            if v <= 0 || v > 65535 {
                return None;
            }
            v as u16
        }
    };
    if let (scope_id, Some(addr)) = parse_ipv6_scope(host) {
        return Some(SockAddr::V6 { addr, port, flowinfo: 0, scope_id });
    }
    if bracketed {
        return None;
    }
    parse_ipv4(host).map(|addr| SockAddr::V4 { addr, port })
}

/// `evutil_sockaddr_cmp` for two addresses of the same family, as libevent
/// computes it: IPv4 addresses compare as their network-order 32-bit words
/// read natively (so -1/1), IPv6 addresses as `memcmp` (the difference of
/// the first differing bytes), then, if asked, ports as the difference of
/// their network-order 16-bit words read natively. Scope ids are ignored.
pub fn cmp_same_family(a: &SockAddr, b: &SockAddr, include_port: bool) -> libc::c_int {
    let raw_port = |p: u16| libc::c_int::from(p.to_be());
    match (a, b) {
        (SockAddr::V4 { addr: x, port: px }, SockAddr::V4 { addr: y, port: py }) => {
            let (rx, ry) = (u32::from_ne_bytes(*x), u32::from_ne_bytes(*y));
            if rx < ry {
                -1
            } else if rx > ry {
                1
            } else if include_port {
                raw_port(*px) - raw_port(*py)
            } else {
                0
            }
        }
        (SockAddr::V6 { addr: x, port: px, .. }, SockAddr::V6 { addr: y, port: py, .. }) => {
            if let Some(k) = (0..16).find(|&k| x[k] != y[k]) {
                return libc::c_int::from(x[k]) - libc::c_int::from(y[k]);
            }
            if include_port {
                raw_port(*px) - raw_port(*py)
            } else {
                0
            }
        }
        _ => a.family() - b.family(),
    }
}

/// `evutil_sockaddr_is_loopback_`: 127.0.0.0/8 or exactly `::1`.
pub fn is_loopback(sa: &SockAddr) -> bool {
    match sa {
        SockAddr::V4 { addr, .. } => addr[0] == 127,
        SockAddr::V6 { addr, .. } => *addr == std::net::Ipv6Addr::LOCALHOST.octets(),
    }
}

/// `evutil_v4addr_is_local_`: 0.0.0.0, 127/8, 169.254/16 or 224/4.
pub fn v4_is_local(a: [u8; 4]) -> bool {
    a == [0, 0, 0, 0] || a[0] == 127 || (a[0] == 169 && a[1] == 254) || (a[0] & 0xf0) == 0xe0
}

/// `evutil_v6addr_is_local_`: the first 64 bits zero (unspecified, loopback,
/// IPv4-compatible, -mapped, -translated), fc00::/7, fe80::/9 (link- and
/// site-local) or ff00::/8.
pub fn v6_is_local(a: [u8; 16]) -> bool {
    a[..8].iter().all(|&b| b == 0) || (a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && a[1] & 0x80 != 0) || a[0] == 0xff
}

/// `evutil_format_sockaddr_port_`'s text for an address (before truncation).
pub fn format_sockaddr_port(sa: &Result<SockAddr, libc::sa_family_t>) -> String {
    match sa {
        Ok(SockAddr::V4 { addr, port }) => format!("{}:{}", format_ipv4(*addr), port),
        Ok(SockAddr::V6 { addr, port, .. }) => format!("[{}]:{}", format_ipv6(*addr), port),
        Err(family) => format!("<addr with socktype {family}>"),
    }
}

/// A strictly canonical numeric host, as every resolver reads it the same
/// way: dotted decimal without signs, spaces or leading zeros; RFC 4291
/// IPv6 text without a scope. Used by getaddrinfo to answer numeric hosts
/// itself; anything else goes to the system's getaddrinfo.
pub fn parse_strict(s: &[u8]) -> Option<SockAddr> {
    if let Some(a) = strict_ipv4(s) {
        return Some(SockAddr::V4 { addr: a, port: 0 });
    }
    strict_ipv6(s).map(|addr| SockAddr::V6 { addr, port: 0, flowinfo: 0, scope_id: 0 })
}

fn strict_ipv4(s: &[u8]) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut parts = s.split(|&c| c == b'.');
    for slot in out.iter_mut() {
        let p = parts.next()?;
        if p.is_empty() || p.len() > 3 || !p.iter().all(u8::is_ascii_digit) || (p.len() > 1 && p[0] == b'0') {
            return None;
        }
        let v: u32 = p.iter().fold(0, |acc, &d| acc * 10 + u32::from(d - b'0'));
        *slot = u8::try_from(v).ok()?;
    }
    parts.next().is_none().then_some(out)
}

fn strict_ipv6(s: &[u8]) -> Option<[u8; 16]> {
    fn groups(part: &[u8], allow_v4_tail: bool) -> Option<Vec<u16>> {
        let mut out = Vec::new();
        if part.is_empty() {
            return Some(out);
        }
        let pieces: Vec<&[u8]> = part.split(|&c| c == b':').collect();
        for (k, p) in pieces.iter().enumerate() {
            if allow_v4_tail && k == pieces.len() - 1 && p.contains(&b'.') {
                let v4 = strict_ipv4(p)?;
                out.push(u16::from_be_bytes([v4[0], v4[1]]));
                out.push(u16::from_be_bytes([v4[2], v4[3]]));
            } else {
                if p.is_empty() || p.len() > 4 || !p.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                out.push(p.iter().fold(0u16, |acc, &d| (acc << 4) | hex(d)));
            }
        }
        Some(out)
    }
    fn hex(d: u8) -> u16 {
        u16::from(match d {
            b'0'..=b'9' => d - b'0',
            b'a'..=b'f' => d - b'a' + 10,
            _ => d - b'A' + 10,
        })
    }
    let words: Vec<u16> = match s.windows(2).position(|w| w == b"::") {
        Some(p) => {
            let (head, tail) = (&s[..p], &s[p + 2..]);
            if tail.windows(2).any(|w| w == b"::") {
                return None;
            }
            let h = groups(head, false)?;
            let t = groups(tail, true)?;
            if h.len() + t.len() > 7 {
                return None;
            }
            let mut w = h;
            w.resize(8 - t.len(), 0);
            w.extend(t);
            w
        }
        None => {
            let w = groups(s, true)?;
            if w.len() != 8 {
                return None;
            }
            w
        }
    };
    let mut out = [0u8; 16];
    for (k, w) in words.iter().enumerate() {
        out[2 * k..2 * k + 2].copy_from_slice(&w.to_be_bytes());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v6(s: &str) -> Option<String> {
        parse_ipv6(s.as_bytes()).map(|a| a.iter().map(|b| format!("{b:02x}")).collect())
    }

    #[test]
    fn ipv4_reader_is_libevents() {
        let ok: &[(&str, [u8; 4])] = &[
            ("1.2.3.4", [1, 2, 3, 4]),
            ("255.255.255.255", [255; 4]),
            ("1. 2.3.4", [1, 2, 3, 4]),
            ("+1.2.3.4", [1, 2, 3, 4]),
            ("-0.1.2.3", [0, 1, 2, 3]),
            (" \t1.2.3.+4", [1, 2, 3, 4]),
            ("4294967297.2.3.4", [1, 2, 3, 4]),
            ("00000000001.2.3.04", [1, 2, 3, 4]),
            ("1.2.3.-0", [1, 2, 3, 0]),
            ("-4294967295.1.1.1", [1, 1, 1, 1]),
        ];
        for (s, want) in ok {
            assert_eq!(parse_ipv4(s.as_bytes()), Some(*want), "{s}");
        }
        for s in [
            "1.2.3.4\n", "0x1.2.3.4", "1.2.3", "1 .2.3.4", "1.2.3.4 ", "255.255.255.256", "-1.2.3.4", "1..2.3", "",
            ".1.2.3", "1.2.3.4.", "9999999999999999999999.1.1.1", "-9999999999999999999999.1.1.1", "256.0.0.0", "ABC", "1.2.3.4.5",
        ] {
            assert_eq!(parse_ipv4(s.as_bytes()), None, "{s:?}");
        }
    }

    #[test]
    fn ipv6_reader_is_libevents() {
        let ok: &[(&str, &str)] = &[
            ("::", "00000000000000000000000000000000"),
            ("1:2:3:4:5:6:7::", "00010002000300040005000600070000"),
            ("0x1::", "00010000000000000000000000000000"),
            ("0X1::", "00010000000000000000000000000000"),
            ("::0x01", "00000000000000000000000000000001"),
            ("1::2:", "00010000000000000000000000000002"),
            ("::1:", "00000000000000000000000000000001"),
            ("1:2:3:4:5:6:7:8:", "00010002000300040005000600070008"),
            ("1:2:3:4:5:6:1.2.3.4", "00010002000300040005000601020304"),
            ("::01.2.3.4", "00000000000000000000000001020304"),
            ("::00001.2.3.4", "00000000000000000000000001020304"),
            ("::1. 2.3.4", "00000000000000000000000001020304"),
            ("::1:2.3.4.5", "00000000000000000000000102030405"),
            ("::ffff:", "0000000000000000000000000000ffff"),
            ("0102::1.2.3.4", "01020000000000000000000001020304"),
            ("::0:0:0:0:0:0:0", "00000000000000000000000000000000"),
        ];
        for (s, want) in ok {
            assert_eq!(v6(s).as_deref(), Some(*want), "{s}");
        }
        for s in [
            "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7", " 1::", "+1::", "-1::", "1:: ", "00001::",
            "g::", ":1::", "1:::", "1:2:3:4:5:6:7:1.2.3.4", "1.2.3.4::", "::1.2.3.4:1", "::+1.2.3.4", ":: 1.2.3.4",
            "1::1.2.3", "1:2:3:4:5:6::1.2.3.4", "::%1", "1:2:3:4:5:6:7:8:9", "::0:0:0:0:0:0:0:0", "1::2::3", ":",
            ":::", "1:2", "1", "::12345", "1x::", "0x::", "0x0001::", "0x001::", "0xffff::", "1:", "1:2:3:4:5:6:7:",
            "", "foobar", "fo:obar", "ffff", "fffff::", "::1.0.1.1000", "1:2:33333:4::", ":::1",
        ] {
            assert_eq!(v6(s), None, "{s:?}");
        }
    }

    #[test]
    fn scopes() {
        assert_eq!(parse_ipv6_scope(b"fe80::1%1").0, 1);
        assert_eq!(parse_ipv6_scope(b"fe80::1%").0, 0);
        assert!(parse_ipv6_scope(b"fe80::1%").1.is_some());
        assert_eq!(parse_ipv6_scope(b"fe80::1%-1").0, u32::MAX);
        assert_eq!(parse_ipv6_scope(b"fe80::1%4294967296").0, 0);
        assert_eq!(parse_ipv6_scope(b"fe80::1%99999999999999999999999").0, u32::MAX);
        assert_eq!(parse_ipv6_scope(b"fe80::1% 2"), (2, parse_ipv6(b"fe80::1")));
        assert_eq!(parse_ipv6_scope(b"fe80::1%2x"), (0, None));
        assert_eq!(parse_ipv6_scope(b"fe80::1%0x10"), (0, None));
        // The scope is kept even though the address is bad.
        assert_eq!(parse_ipv6_scope(b"%1"), (1, None));
        assert_eq!(parse_ipv6_scope(b"lo").1, None);
    }

    #[test]
    fn ipv6_writer_is_libevents() {
        for (s, want) in [
            ("::", "::"),
            ("::1", "::1"),
            ("::1.2.3.4", "::1.2.3.4"),
            ("::ffff:0:0", "::ffff:0.0.0.0"),
            ("::0.1.0.0", "::1:0"),
            ("::1.2.0.0", "::102:0"),
            ("::0.1.0.1", "::0.1.0.1"),
            ("::0.0.1.0", "::100"),
            ("1:0:0:1:0:0:0:1", "1:0:0:1::1"),
            ("1:0:0:2:0:0:3:4", "1::2:0:0:3:4"),
            ("1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0"),
            ("ABCD:EF::1", "abcd:ef::1"),
            ("0:0:0:0:ffff:0:1.2.3.4", "::ffff:0:102:304"),
            ("1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0"),
        ] {
            let a: std::net::Ipv6Addr = s.parse().unwrap();
            assert_eq!(format_ipv6(a.octets()), want, "{s}");
        }
    }

    #[test]
    fn ntop_buffers() {
        assert_eq!(ntop_output("1:2:3:4:5:6:7:8", 14, true), (Vec::new(), false));
        assert_eq!(ntop_output("1:2:3:4:5:6:7:8", 15, true), (b"1:2:3:4:5:6:7:\0".to_vec(), true));
        assert_eq!(ntop_output("1:2:3:4:5:6:7:8", 16, true), (b"1:2:3:4:5:6:7:8\0".to_vec(), true));
        // Exactly the length: truncated, yet a success (libevent's quirk).
        assert_eq!(ntop_output("::1", 3, true), (b"::\0".to_vec(), true));
        assert_eq!(ntop_output("1.2.3.4", 7, false), (b"1.2.3.\0".to_vec(), false));
        assert_eq!(ntop_output("1.2.3.4", 8, false), (b"1.2.3.4\0".to_vec(), true));
        assert_eq!(ntop_output("1.2.3.4", 0, false), (Vec::new(), false));
    }

    fn sp(s: &str) -> Option<String> {
        parse_sockaddr_port(s.as_bytes()).map(|sa| format_sockaddr_port(&Ok(sa)))
    }

    #[test]
    fn sockaddr_port_table() {
        for (s, want) in [
            ("1.2.3.4", Some("1.2.3.4:0")),
            ("1.2.3.4:80", Some("1.2.3.4:80")),
            ("[::1]:80", Some("[::1]:80")),
            ("::1", Some("[::1]:0")),
            ("[::1]", Some("[::1]:0")),
            ("[::1", None),
            ("[::1]x", Some("[::1]:0")),
            ("[::1]:", None),
            ("[::1]:80x", Some("[::1]:80")),
            ("1.2.3.4:", None),
            ("1.2.3.4:0", None),
            ("1.2.3.4:65535", Some("1.2.3.4:65535")),
            ("1.2.3.4:65536", None),
            (":80", None),
            ("[1.2.3.4]:80", None),
            ("1.2.3.4:80abc", Some("1.2.3.4:80")),
            ("1.2.3.4: 80", Some("1.2.3.4:80")),
            ("1.2.3.4:+80", Some("1.2.3.4:80")),
            ("1.2.3.4:-80", None),
            ("1.2.3.4:4294967376", Some("1.2.3.4:80")),
            ("1.2.3.4:99999999999999999999", None),
            ("[fe80::1%1]:80", Some("[fe80::1]:80")),
            ("[fe80::1%bogus]:8", None),
            ("1:2", None),
            ("", None),
            ("[]", None),
            ("127.1", None),
            ("::1:80", Some("[::0.1.0.128]:0")),
            ("1.2.3.4:80:90", None),
            ("[ffff::1]:65599", None),
            ("[ffff::1]:-1", None),
        ] {
            assert_eq!(sp(s).as_deref(), want, "{s:?}");
        }
        // 127 characters of address before the port are copied; 128 are not.
        let long = |n: usize| format!("{}1.2.3.4", "0".repeat(n - 7));
        assert!(sp(&format!("{}:80", long(127))).is_some());
        assert!(sp(&format!("{}:80", long(128))).is_none());
        assert!(sp(&long(300)).is_some());
        let scoped = |n: usize| format!("[::1%{}1]", "0".repeat(n - 5));
        assert!(sp(&scoped(127)).is_some());
        assert!(sp(&scoped(128)).is_none());
        assert_eq!(
            parse_sockaddr_port(b"[fe80::1%7]:1"),
            Some(SockAddr::V6 { addr: parse_ipv6(b"fe80::1").unwrap(), port: 1, flowinfo: 0, scope_id: 7 })
        );
    }

    #[test]
    fn cmp_and_predicates() {
        let p = |s: &str| parse_sockaddr_port(s.as_bytes()).unwrap();
        assert_eq!(cmp_same_family(&p("1.2.3.4:80"), &p("1.2.3.4:81"), true), -256);
        assert_eq!(cmp_same_family(&p("1.2.3.4:80"), &p("1.2.3.4:81"), false), 0);
        assert_eq!(cmp_same_family(&p("2.0.0.0:1"), &p("1.0.0.1:1"), true), -1);
        assert_eq!(cmp_same_family(&p("1.2.3.4:256"), &p("1.2.3.4:1"), true), -255);
        assert_eq!(cmp_same_family(&p("[::1]:80"), &p("[::5]:80"), true), -4);
        assert_eq!(cmp_same_family(&p("[ff::]:1"), &p("[1::]:1"), true), 254);
        assert_eq!(cmp_same_family(&p("1.2.3.4"), &p("[::1]"), true), -8);
        assert!(is_loopback(&p("127.3.2.1")));
        assert!(!is_loopback(&p("::ffff:127.0.0.1")));
        assert!(v4_is_local([0, 0, 0, 0]) && !v4_is_local([0, 0, 0, 1]));
        assert!(v4_is_local([169, 254, 0, 1]) && !v4_is_local([170, 0, 0, 0]));
        assert!(v4_is_local([239, 255, 255, 255]) && !v4_is_local([240, 0, 0, 0]));
        let l6 = |s: &str| v6_is_local(s.parse::<std::net::Ipv6Addr>().unwrap().octets());
        for s in ["::", "::1", "::ffff:0:0", "::ffff:0:0:0", "fe80::", "febf::", "fec0::", "ff00::", "fc00::", "::1:0:0:0"] {
            assert!(l6(s), "{s}");
        }
        for s in ["64:ff9b::", "2001::", "fe7f::", "0:0:0:1::", "100::", "fb00::"] {
            assert!(!l6(s), "{s}");
        }
    }

    extern "C" {
        fn inet_pton(af: libc::c_int, src: *const libc::c_char, dst: *mut libc::c_void) -> libc::c_int;
    }

    /// The strict reader never accepts what the C library's inet_pton (which
    /// the system getaddrinfo uses for numeric hosts) reads differently.
    #[test]
    fn strict_agrees_with_libc() {
        let mut seed: u32 = 99;
        let alphabet = b"0123456789abcdefABCDEF:.%x ";
        let mut inputs: Vec<Vec<u8>> =
            ["1.2.3.4", "01.2.3.4", "::", "::1", "1::2:", "::1.2.3.4", "1:2:3:4:5:6:7::", "::ffff:1.2.3.4"]
                .iter()
                .map(|s| s.as_bytes().to_vec())
                .collect();
        for _ in 0..20000 {
            seed = seed.wrapping_mul(1103515245).wrapping_add(12345);
            let len = (seed >> 16) % 20;
            let mut s = Vec::new();
            for _ in 0..len {
                seed = seed.wrapping_mul(1103515245).wrapping_add(12345);
                s.push(alphabet[((seed >> 16) as usize) % alphabet.len()]);
            }
            inputs.push(s);
        }
        for s in inputs {
            let c = CString::new(s.clone()).unwrap();
            let mut a4 = [0u8; 4];
            let mut a6 = [0u8; 16];
            // SAFETY: valid C string and destination buffers of the right size.
            let (r4, r6) = unsafe {
                (
                    inet_pton(libc::AF_INET, c.as_ptr(), a4.as_mut_ptr().cast()),
                    inet_pton(libc::AF_INET6, c.as_ptr(), a6.as_mut_ptr().cast()),
                )
            };
            match parse_strict(&s) {
                Some(SockAddr::V4 { addr, .. }) => assert!(r4 == 1 && addr == a4, "{:?}", String::from_utf8_lossy(&s)),
                Some(SockAddr::V6 { addr, .. }) => assert!(r6 == 1 && addr == a6, "{:?}", String::from_utf8_lossy(&s)),
                None => {}
            }
            if r6 == 1 && !s.contains(&b'.') {
                assert!(parse_strict(&s).is_some(), "strict rejects {:?}", String::from_utf8_lossy(&s));
            }
        }
    }
}
