//! getaddrinfo, libevent's way.
//!
//! `evutil_getaddrinfo` on Linux is the C library's `getaddrinfo` with the
//! caller's hints (libevent adds nothing here: its `AI_ADDRCONFIG` and
//! service-name workarounds are for other systems). We answer the numeric
//! cases ourselves — a canonical IPv4/IPv6 literal, or no host with a
//! given family, with a numeric port — building the list exactly as the C
//! library would (same entries, order, flags and canonical name, and the
//! same memory layout, so `freeaddrinfo` can release it); everything else
//! (names, scoped or unusual literals, `AI_ADDRCONFIG`, `AI_V4MAPPED`, …)
//! goes to the C library.
//!
//! The lists libevent builds itself for evdns (`evutil_new_addrinfo_`,
//! `evutil_getaddrinfo_common_`) come from the `event_set_mem_functions`
//! allocator and carry the private flag [`AI_LIBEVENT_ALLOCATED`], by which
//! `evutil_freeaddrinfo` tells the two kinds apart.

use super::addr::{parse_ipv4, parse_ipv6_scope, parse_strict, SockAddr};
use super::strings::strtoll;
use crate::mm;
use libc::{addrinfo, c_char, c_int, c_void};
use std::ffi::CStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

pub const EVUTIL_AI_PASSIVE: c_int = libc::AI_PASSIVE;
pub const EVUTIL_AI_CANONNAME: c_int = libc::AI_CANONNAME;
pub const EVUTIL_AI_NUMERICHOST: c_int = libc::AI_NUMERICHOST;
pub const EVUTIL_AI_NUMERICSERV: c_int = libc::AI_NUMERICSERV;
pub const EVUTIL_AI_ADDRCONFIG: c_int = libc::AI_ADDRCONFIG;
/// The private flag on nodes libevent allocated itself.
pub const AI_LIBEVENT_ALLOCATED: c_int = 0x8000_0000_u32 as c_int;

pub const EVUTIL_EAI_ADDRFAMILY: c_int = -9; // EAI_ADDRFAMILY
pub const EVUTIL_EAI_AGAIN: c_int = libc::EAI_AGAIN;
pub const EVUTIL_EAI_BADFLAGS: c_int = libc::EAI_BADFLAGS;
pub const EVUTIL_EAI_FAIL: c_int = libc::EAI_FAIL;
pub const EVUTIL_EAI_FAMILY: c_int = libc::EAI_FAMILY;
pub const EVUTIL_EAI_MEMORY: c_int = libc::EAI_MEMORY;
pub const EVUTIL_EAI_NODATA: c_int = -5; // EAI_NODATA
pub const EVUTIL_EAI_NONAME: c_int = libc::EAI_NONAME;
pub const EVUTIL_EAI_SERVICE: c_int = libc::EAI_SERVICE;
pub const EVUTIL_EAI_SOCKTYPE: c_int = libc::EAI_SOCKTYPE;
pub const EVUTIL_EAI_SYSTEM: c_int = libc::EAI_SYSTEM;
pub const EVUTIL_EAI_CANCEL: c_int = -90001;
/// From `evutil_getaddrinfo_common_`: the host is a name; ask a resolver.
pub const EVUTIL_EAI_NEED_RESOLVE: c_int = -90002;

/// The four fields of `struct addrinfo` hints that mean something.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hints {
    pub flags: c_int,
    pub family: c_int,
    pub socktype: c_int,
    pub protocol: c_int,
}

impl Hints {
    pub fn from_c(ai: &addrinfo) -> Hints {
        Hints { flags: ai.ai_flags, family: ai.ai_family, socktype: ai.ai_socktype, protocol: ai.ai_protocol }
    }
}

/// One node of a list to build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub flags: c_int,
    pub family: c_int,
    pub socktype: c_int,
    pub protocol: c_int,
    /// The socket address's bytes (`ai_addrlen` of them).
    pub addr: Vec<u8>,
    pub canonname: Option<Vec<u8>>,
}

/// Which allocator a list comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alloc {
    /// `malloc`, laid out as the C library's getaddrinfo does (node and
    /// address in one block): `freeaddrinfo` can release it.
    System,
    /// The `event_set_mem_functions` allocator, flagged
    /// [`AI_LIBEVENT_ALLOCATED`] (what `evutil_new_addrinfo_` returns).
    Libevent,
}

/// Builds a C list from `entries`: null for an empty list; `None` if memory
/// ran out (nothing is leaked).
pub fn build_list(entries: &[Entry], alloc: Alloc) -> Option<*mut addrinfo> {
    let mut head: *mut addrinfo = std::ptr::null_mut();
    let mut tail: *mut addrinfo = std::ptr::null_mut();
    for e in entries {
        let node = alloc_node(e, alloc);
        if node.is_null() {
            // SAFETY: head is a list this function built.
            unsafe { free_list(head) };
            return None;
        }
        if tail.is_null() {
            head = node;
        } else {
            // SAFETY: tail is the last node built here, valid and unaliased.
            unsafe { (*tail).ai_next = node };
        }
        tail = node;
    }
    Some(head)
}

fn alloc_node(e: &Entry, alloc: Alloc) -> *mut addrinfo {
    let size = std::mem::size_of::<addrinfo>() + e.addr.len();
    let (p, canon) = match alloc {
        Alloc::System => {
            // SAFETY: plain malloc.
            let p = unsafe { libc::malloc(size) }.cast::<addrinfo>();
            let canon = match &e.canonname {
                Some(c) => {
                    // SAFETY: plain malloc.
                    let q = unsafe { libc::malloc(c.len() + 1) }.cast::<u8>();
                    if !q.is_null() {
                        // SAFETY: q has room for c and its NUL.
                        unsafe {
                            std::ptr::copy_nonoverlapping(c.as_ptr(), q, c.len());
                            *q.add(c.len()) = 0;
                        }
                    }
                    q.cast::<c_char>()
                }
                None => std::ptr::null_mut(),
            };
            (p, canon)
        }
        Alloc::Libevent => {
            let p = mm::calloc(1, size).cast::<addrinfo>();
            let canon = e.canonname.as_deref().map_or(std::ptr::null_mut(), mm::strdup);
            (p, canon)
        }
    };
    if p.is_null() || (e.canonname.is_some() && canon.is_null()) {
        let free: fn(*mut c_void) = match alloc {
            // SAFETY: freeing what malloc returned (or null).
            Alloc::System => |q| unsafe { libc::free(q) },
            // SAFETY: freeing what mm::malloc returned (or null).
            Alloc::Libevent => |q| unsafe { mm::free(q) },
        };
        free(p.cast());
        free(canon.cast());
        return std::ptr::null_mut();
    }
    // SAFETY: p has room for an addrinfo followed by e.addr.len() bytes;
    // malloc's alignment suits addrinfo; everything written is initialized.
    unsafe {
        let sa = p.add(1).cast::<u8>();
        std::ptr::copy_nonoverlapping(e.addr.as_ptr(), sa, e.addr.len());
        p.write(addrinfo {
            ai_flags: if alloc == Alloc::Libevent { AI_LIBEVENT_ALLOCATED } else { e.flags },
            ai_family: e.family,
            ai_socktype: e.socktype,
            ai_protocol: e.protocol,
            ai_addrlen: e.addr.len() as libc::socklen_t,
            ai_addr: sa.cast(),
            ai_canonname: canon,
            ai_next: std::ptr::null_mut(),
        });
    }
    p
}

/// `evutil_freeaddrinfo`: releases a list node by node, each the way it was
/// allocated (ours flagged [`AI_LIBEVENT_ALLOCATED`], else the C library's).
///
/// # Safety
/// `ai` is null or a list from `evutil_getaddrinfo`, `getaddrinfo` or
/// [`build_list`] (or lists of them joined by `evutil_addrinfo_append_`),
/// not used afterwards.
pub unsafe fn free_list(mut ai: *mut addrinfo) {
    while !ai.is_null() {
        // SAFETY: ai is a live node of the list (caller).
        unsafe {
            let next = (*ai).ai_next;
            if (*ai).ai_flags & AI_LIBEVENT_ALLOCATED != 0 {
                mm::free((*ai).ai_canonname.cast());
                mm::free(ai.cast());
            } else {
                // Detached, so the C library frees exactly this node.
                (*ai).ai_next = std::ptr::null_mut();
                libc::freeaddrinfo(ai);
            }
            ai = next;
        }
    }
}

/// `evutil_addrinfo_append_`: `append` linked after the last node of
/// `first`; the head of the joined list.
///
/// # Safety
/// Both are null or valid lists.
pub unsafe fn append(first: *mut addrinfo, append: *mut addrinfo) -> *mut addrinfo {
    if first.is_null() {
        return append;
    }
    let mut ai = first;
    // SAFETY: walking a valid list (caller).
    unsafe {
        while !(*ai).ai_next.is_null() {
            ai = (*ai).ai_next;
        }
        (*ai).ai_next = append;
    }
    first
}

/// The entries of `evutil_new_addrinfo_`: with neither socket type nor
/// protocol in the hints, a TCP stream entry and a UDP datagram entry;
/// otherwise one entry with the hints' type and protocol.
pub fn new_addrinfo_entries(family: c_int, addr: &[u8], hints: &Hints) -> Vec<Entry> {
    let entry = |socktype, protocol| Entry {
        flags: AI_LIBEVENT_ALLOCATED,
        family,
        socktype,
        protocol,
        addr: addr.to_vec(),
        canonname: None,
    };
    if hints.socktype == 0 && hints.protocol == 0 {
        vec![entry(libc::SOCK_STREAM, libc::IPPROTO_TCP), entry(libc::SOCK_DGRAM, libc::IPPROTO_UDP)]
    } else {
        vec![entry(hints.socktype, hints.protocol)]
    }
}

/// The answer for a numeric request, exactly as the C library would give
/// it, or `None` to ask the C library.
pub fn numeric_answer(node: Option<&[u8]>, serv: Option<&[u8]>, h: &Hints) -> Option<Vec<Entry>> {
    const HANDLED: c_int = EVUTIL_AI_PASSIVE | EVUTIL_AI_CANONNAME | EVUTIL_AI_NUMERICHOST | EVUTIL_AI_NUMERICSERV;
    if h.flags & !HANDLED != 0 || ![libc::AF_UNSPEC, libc::AF_INET, libc::AF_INET6].contains(&h.family) {
        return None;
    }
    use libc::{IPPROTO_TCP as TCP, IPPROTO_UDP as UDP, SOCK_DGRAM as DGRAM, SOCK_RAW as RAW, SOCK_STREAM as STREAM};
    let kinds: &[(c_int, c_int)] = match (h.socktype, h.protocol) {
        (0, 0) => &[(STREAM, TCP), (DGRAM, UDP), (RAW, 0)],
        (STREAM, 0) | (STREAM, TCP) | (0, TCP) => &[(STREAM, TCP)],
        (DGRAM, 0) | (DGRAM, UDP) | (0, UDP) => &[(DGRAM, UDP)],
        _ => return None,
    };
    let port = match serv {
        None => 0,
        Some(s) if (1..=5).contains(&s.len()) && s.iter().all(u8::is_ascii_digit) => {
            u16::try_from(s.iter().fold(0u32, |a, &d| a * 10 + u32::from(d - b'0'))).ok()?
        }
        Some(_) => return None,
    };
    let sa = match node {
        None => {
            if serv.is_none() || h.flags & EVUTIL_AI_CANONNAME != 0 {
                return None;
            }
            let passive = h.flags & EVUTIL_AI_PASSIVE != 0;
            match h.family {
                libc::AF_INET => SockAddr::V4 { addr: if passive { [0; 4] } else { [127, 0, 0, 1] }, port },
                libc::AF_INET6 => {
                    let a = if passive { std::net::Ipv6Addr::UNSPECIFIED } else { std::net::Ipv6Addr::LOCALHOST };
                    SockAddr::V6 { addr: a.octets(), port, flowinfo: 0, scope_id: 0 }
                }
                _ => return None,
            }
        }
        Some(n) => match (parse_strict(n)?, h.family) {
            (SockAddr::V4 { addr, .. }, libc::AF_UNSPEC | libc::AF_INET) => SockAddr::V4 { addr, port },
            (SockAddr::V6 { addr, .. }, libc::AF_UNSPEC | libc::AF_INET6) => {
                SockAddr::V6 { addr, port, flowinfo: 0, scope_id: 0 }
            }
            _ => return None,
        },
    };
    let bytes = sa.to_c_bytes();
    Some(
        kinds
            .iter()
            .enumerate()
            .map(|(k, &(socktype, protocol))| Entry {
                flags: h.flags,
                family: sa.family(),
                socktype,
                protocol,
                addr: bytes.clone(),
                canonname: (k == 0 && h.flags & EVUTIL_AI_CANONNAME != 0).then(|| node.unwrap_or_default().to_vec()),
            })
            .collect(),
    )
}

/// `evutil_getaddrinfo`. `hints` is the caller's structure, passed on to
/// the C library unchanged (libevent copies it as it is), or `None`, read as
/// all-zero hints (not the C library's defaults for a NULL pointer).
pub fn getaddrinfo(node: Option<&CStr>, serv: Option<&CStr>, hints: Option<&addrinfo>) -> Result<*mut addrinfo, c_int> {
    // SAFETY: addrinfo is plain data; all-zero is valid.
    let zero: addrinfo = unsafe { std::mem::zeroed() };
    let chints = hints.copied().unwrap_or(zero);
    let h = Hints::from_c(&chints);
    if let Some(entries) = numeric_answer(node.map(CStr::to_bytes), serv.map(CStr::to_bytes), &h) {
        return build_list(&entries, Alloc::System).ok_or(EVUTIL_EAI_MEMORY);
    }
    let mut res: *mut addrinfo = std::ptr::null_mut();
    // SAFETY: node/serv are NULL or valid C strings; chints and res are
    // valid for the call.
    let r = unsafe {
        libc::getaddrinfo(
            node.map_or(std::ptr::null(), CStr::as_ptr),
            serv.map_or(std::ptr::null(), CStr::as_ptr),
            &chints,
            &mut res,
        )
    };
    if r == 0 {
        Ok(res)
    } else {
        Err(r)
    }
}

/// `evutil_gai_strerror`: libevent's own texts for the codes it names,
/// the C library's for the rest.
pub fn gai_strerror(err: c_int) -> &'static CStr {
    match err {
        0 => c"No error",
        EVUTIL_EAI_ADDRFAMILY => c"address family for nodename not supported",
        EVUTIL_EAI_AGAIN => c"temporary failure in name resolution",
        EVUTIL_EAI_BADFLAGS => c"invalid value for ai_flags",
        EVUTIL_EAI_FAIL => c"non-recoverable failure in name resolution",
        EVUTIL_EAI_FAMILY => c"ai_family not supported",
        EVUTIL_EAI_MEMORY => c"memory allocation failure",
        EVUTIL_EAI_NODATA => c"no address associated with nodename",
        EVUTIL_EAI_NONAME => c"nodename nor servname provided, or not known",
        EVUTIL_EAI_SERVICE => c"servname not supported for ai_socktype",
        EVUTIL_EAI_SOCKTYPE => c"ai_socktype not supported",
        EVUTIL_EAI_SYSTEM => c"system error",
        EVUTIL_EAI_CANCEL => c"Request canceled",
        _ => {
            // SAFETY: gai_strerror returns a static string for any code.
            let p = unsafe { libc::gai_strerror(err) };
            if p.is_null() {
                c"Unknown error"
            } else {
                // SAFETY: p is a static NUL-terminated string.
                unsafe { CStr::from_ptr(p) }
            }
        }
    }
}

/// Whether this host has an IPv4 and an IPv6 address that is not "local"
/// (loopback, link-local, multicast, unspecified…; see
/// `evutil_v4addr_is_local_`), looked up once per process as libevent does.
pub fn host_has_addresses() -> (bool, bool) {
    static CACHE: OnceLock<(bool, bool)> = OnceLock::new();
    *CACHE.get_or_init(|| {
        let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
        let (mut v4, mut v6) = (false, false);
        // SAFETY: list is a valid out-pointer; walked and freed below.
        if unsafe { libc::getifaddrs(&mut list) } != 0 {
            return (false, false);
        }
        let mut p = list;
        while !p.is_null() {
            // SAFETY: p is a node of the list getifaddrs returned; ifa_addr
            // is null or a socket address of its family.
            unsafe {
                let sa = (*p).ifa_addr;
                if !sa.is_null() {
                    match SockAddr::read(sa) {
                        Ok(SockAddr::V4 { addr, .. }) => v4 |= !super::addr::v4_is_local(addr),
                        Ok(SockAddr::V6 { addr, .. }) => v6 |= !super::addr::v6_is_local(addr),
                        Err(_) => {}
                    }
                }
                p = (*p).ifa_next;
            }
        }
        // SAFETY: freeing the list getifaddrs returned.
        unsafe { libc::freeifaddrs(list) };
        (v4, v6)
    })
}

/// `evutil_adjust_hints_for_addrconfig_`: with `AI_ADDRCONFIG` and no
/// family, narrows the family to the only one this host has addresses of.
pub fn adjust_hints_for_addrconfig(h: &mut Hints) {
    if h.flags & EVUTIL_AI_ADDRCONFIG == 0 || h.family != libc::AF_UNSPEC {
        return;
    }
    match host_has_addresses() {
        (true, false) => h.family = libc::AF_INET,
        (false, true) => h.family = libc::AF_INET6,
        _ => {}
    }
}

extern "C" {
    fn getprotobynumber_r(
        proto: c_int,
        result_buf: *mut libc::protoent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::protoent,
    ) -> c_int;
    fn getservbyname_r(
        name: *const c_char,
        proto: *const c_char,
        result_buf: *mut libc::servent,
        buf: *mut c_char,
        buflen: libc::size_t,
        result: *mut *mut libc::servent,
    ) -> c_int;
}

/// The protocol's name for the services database: none for 0, else from
/// the protocols database (`tcp`, `udp`, `sctp`, `dccp`…), none if unknown.
fn protocol_name(protocol: c_int) -> Option<std::ffi::CString> {
    match protocol {
        0 => return None,
        libc::IPPROTO_TCP => return Some(c"tcp".into()),
        libc::IPPROTO_UDP => return Some(c"udp".into()),
        _ => {}
    }
    // SAFETY: protoent is plain data; getprotobynumber_r fills it using buf.
    let mut ent: libc::protoent = unsafe { std::mem::zeroed() };
    let mut buf = vec![0 as c_char; 1024];
    let mut out: *mut libc::protoent = std::ptr::null_mut();
    // SAFETY: all pointers are valid for the call; buf's length is given.
    let r = unsafe { getprotobynumber_r(protocol, &mut ent, buf.as_mut_ptr(), buf.len(), &mut out) };
    if r != 0 || out.is_null() || ent.p_name.is_null() {
        return None;
    }
    // SAFETY: p_name points into buf, NUL-terminated.
    Some(unsafe { CStr::from_ptr(ent.p_name) }.to_owned())
}

/// A service's port by name from the services database.
fn service_port(name: &[u8], proto: Option<&CStr>) -> Option<u16> {
    let name = std::ffi::CString::new(name).ok()?;
    // SAFETY: servent is plain data; getservbyname_r fills it using buf.
    let mut ent: libc::servent = unsafe { std::mem::zeroed() };
    let mut buf = vec![0 as c_char; 4096];
    let mut out: *mut libc::servent = std::ptr::null_mut();
    // SAFETY: all pointers are valid for the call; buf's length is given.
    let r = unsafe {
        getservbyname_r(
            name.as_ptr(),
            proto.map_or(std::ptr::null(), CStr::as_ptr),
            &mut ent,
            buf.as_mut_ptr(),
            buf.len(),
            &mut out,
        )
    };
    if r != 0 || out.is_null() {
        return None;
    }
    Some(u16::from_be(ent.s_port as u16))
}

/// The outcome of [`getaddrinfo_common`].
#[derive(Debug, PartialEq, Eq)]
pub enum Common {
    /// Answered without a resolver.
    Answer(Vec<Entry>),
    /// The host is a name: resolve it, using this port.
    NeedResolve(u16),
    /// An `EVUTIL_EAI_*` error.
    Error(c_int),
}

/// `evutil_getaddrinfo_common_`, the part of getaddrinfo evdns shares:
/// checks the request, completes the hints' socket type and protocol from
/// each other (in place, as libevent does), reads the service (a decimal
/// port read like `strtol` and truncated to `int`, 0..=65535, or a name
/// from the services database for the protocol's name unless
/// `AI_NUMERICSERV`), and answers for no
/// host (loopback, or the wildcard with `AI_PASSIVE`; IPv4 first) and for
/// literal hosts as libevent reads them (its lenient readers, IPv6 scopes
/// included). A name gets [`Common::NeedResolve`], or `EVUTIL_EAI_NONAME`
/// with `AI_NUMERICHOST`.
pub fn getaddrinfo_common(node: Option<&[u8]>, serv: Option<&[u8]>, h: &mut Hints) -> Common {
    if node.is_none() && serv.is_none() {
        return Common::Error(EVUTIL_EAI_NONAME);
    }
    if ![libc::AF_UNSPEC, libc::AF_INET, libc::AF_INET6].contains(&h.family) {
        return Common::Error(EVUTIL_EAI_FAMILY);
    }
    if h.socktype == 0 && h.protocol != 0 {
        h.socktype = match h.protocol {
            libc::IPPROTO_UDP => libc::SOCK_DGRAM,
            libc::IPPROTO_TCP | libc::IPPROTO_SCTP => libc::SOCK_STREAM,
            _ => 0,
        };
    } else if h.protocol == 0 && h.socktype != 0 {
        h.protocol = match h.socktype {
            libc::SOCK_STREAM => libc::IPPROTO_TCP,
            libc::SOCK_DGRAM => libc::IPPROTO_UDP,
            _ => 0,
        };
    }
    let port = match serv {
        None => 0,
        Some(s) => {
            let (v, end, _) = strtoll(s, 10);
            let v = v as i32;
            if end != 0 && end == s.len() && (0..=65535).contains(&v) {
                v as u16
            } else if h.flags & EVUTIL_AI_NUMERICSERV != 0 {
                return Common::Error(EVUTIL_EAI_NONAME);
            } else {
                let proto = protocol_name(h.protocol);
                match service_port(s, proto.as_deref()) {
                    Some(p) => p,
                    None => return Common::Error(EVUTIL_EAI_NONAME),
                }
            }
        }
    };
    let entries = |sa: SockAddr| new_addrinfo_entries(sa.family(), &sa.to_c_bytes(), h);
    match node {
        None => {
            let passive = h.flags & EVUTIL_AI_PASSIVE != 0;
            let mut out = Vec::new();
            if h.family != libc::AF_INET6 {
                let addr = if passive { [0; 4] } else { [127, 0, 0, 1] };
                out.extend(entries(SockAddr::V4 { addr, port }));
            }
            if h.family != libc::AF_INET {
                let a = if passive { std::net::Ipv6Addr::UNSPECIFIED } else { std::net::Ipv6Addr::LOCALHOST };
                out.extend(entries(SockAddr::V6 { addr: a.octets(), port, flowinfo: 0, scope_id: 0 }));
            }
            Common::Answer(out)
        }
        Some(n) => {
            if h.family != libc::AF_INET {
                if let (scope_id, Some(addr)) = parse_ipv6_scope(n) {
                    return Common::Answer(entries(SockAddr::V6 { addr, port, flowinfo: 0, scope_id }));
                }
            }
            if h.family != libc::AF_INET6 {
                if let Some(addr) = parse_ipv4(n) {
                    return Common::Answer(entries(SockAddr::V4 { addr, port }));
                }
            }
            if h.flags & EVUTIL_AI_NUMERICHOST != 0 {
                return Common::Error(EVUTIL_EAI_NONAME);
            }
            Common::NeedResolve(port)
        }
    }
}

/// evdns's asynchronous getaddrinfo, registered by evdns when it starts
/// (`evutil_set_evdns_getaddrinfo_fn_`), and its cancel function.
pub type EvdnsGetaddrinfoFn = unsafe extern "C" fn(
    *mut c_void,
    *const c_char,
    *const c_char,
    *const addrinfo,
    Option<unsafe extern "C" fn(c_int, *mut addrinfo, *mut c_void)>,
    *mut c_void,
) -> *mut c_void;
pub type EvdnsCancelFn = unsafe extern "C" fn(*mut c_void);

static EVDNS_GETADDRINFO: AtomicUsize = AtomicUsize::new(0);
static EVDNS_CANCEL: AtomicUsize = AtomicUsize::new(0);

/// Registers evdns's function; the first registration stays.
pub fn set_evdns_getaddrinfo_fn(f: Option<EvdnsGetaddrinfoFn>) {
    if let Some(f) = f {
        let _ = EVDNS_GETADDRINFO.compare_exchange(0, f as usize, Ordering::AcqRel, Ordering::Acquire);
    }
}

/// Registers evdns's cancel function; the first registration stays.
pub fn set_evdns_cancel_fn(f: Option<EvdnsCancelFn>) {
    if let Some(f) = f {
        let _ = EVDNS_CANCEL.compare_exchange(0, f as usize, Ordering::AcqRel, Ordering::Acquire);
    }
}

pub fn evdns_getaddrinfo_fn() -> Option<EvdnsGetaddrinfoFn> {
    let f = EVDNS_GETADDRINFO.load(Ordering::Acquire);
    // SAFETY: the slot holds 0 or an EvdnsGetaddrinfoFn (set above).
    (f != 0).then(|| unsafe { std::mem::transmute::<usize, EvdnsGetaddrinfoFn>(f) })
}

pub fn evdns_cancel_fn() -> Option<EvdnsCancelFn> {
    let f = EVDNS_CANCEL.load(Ordering::Acquire);
    // SAFETY: the slot holds 0 or an EvdnsCancelFn (set above).
    (f != 0).then(|| unsafe { std::mem::transmute::<usize, EvdnsCancelFn>(f) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CString;

    /// A list read back into entries.
    unsafe fn entries_of(mut ai: *mut addrinfo) -> Vec<Entry> {
        let mut v = Vec::new();
        while !ai.is_null() {
            // SAFETY: walking a valid list (caller).
            unsafe {
                let a = &*ai;
                v.push(Entry {
                    flags: a.ai_flags,
                    family: a.ai_family,
                    socktype: a.ai_socktype,
                    protocol: a.ai_protocol,
                    addr: std::slice::from_raw_parts(a.ai_addr.cast::<u8>(), a.ai_addrlen as usize).to_vec(),
                    canonname: (!a.ai_canonname.is_null())
                        .then(|| CStr::from_ptr(a.ai_canonname).to_bytes().to_vec()),
                });
                ai = a.ai_next;
            }
        }
        v
    }

    fn libc_gai(node: Option<&str>, serv: Option<&str>, h: &Hints) -> Result<Vec<Entry>, c_int> {
        let n = node.map(|s| CString::new(s).unwrap());
        let s = serv.map(|s| CString::new(s).unwrap());
        // SAFETY: zeroed plain struct.
        let mut ch: addrinfo = unsafe { std::mem::zeroed() };
        ch.ai_flags = h.flags;
        ch.ai_family = h.family;
        ch.ai_socktype = h.socktype;
        ch.ai_protocol = h.protocol;
        let mut res = std::ptr::null_mut();
        // SAFETY: valid strings and pointers.
        let r = unsafe {
            libc::getaddrinfo(
                n.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()),
                s.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()),
                &ch,
                &mut res,
            )
        };
        if r != 0 {
            return Err(r);
        }
        // SAFETY: res is the C library's list; freed right after.
        let v = unsafe { entries_of(res) };
        // SAFETY: as above.
        unsafe { libc::freeaddrinfo(res) };
        Ok(v)
    }

    /// Every numeric request we answer ourselves gets exactly the C
    /// library's answer, and our lists free cleanly with freeaddrinfo.
    #[test]
    fn numeric_answers_match_the_c_library() {
        let nodes = [
            None,
            Some("1.2.3.4"),
            Some("127.0.0.1"),
            Some("::1"),
            Some("1001:b0b::f00f"),
            Some("::ffff:1.2.3.4"),
            Some("0.0.0.0"),
            Some("::"),
        ];
        let servs = [None, Some("80"), Some("0"), Some("65535"), Some("080"), Some("9999")];
        let flag_sets = [0, EVUTIL_AI_PASSIVE, EVUTIL_AI_CANONNAME, EVUTIL_AI_NUMERICHOST | EVUTIL_AI_NUMERICSERV];
        let kinds = [(0, 0), (1, 0), (2, 0), (0, 6), (0, 17), (1, 6), (2, 17)];
        let mut answered = 0;
        for node in nodes {
            for serv in servs {
                for flags in flag_sets {
                    for family in [libc::AF_UNSPEC, libc::AF_INET, libc::AF_INET6] {
                        for (socktype, protocol) in kinds {
                            let h = Hints { flags, family, socktype, protocol };
                            let Some(ours) = numeric_answer(node.map(str::as_bytes), serv.map(str::as_bytes), &h)
                            else {
                                continue;
                            };
                            answered += 1;
                            let theirs = libc_gai(node, serv, &h);
                            assert_eq!(Ok(ours.clone()), theirs, "{node:?} {serv:?} {h:?}");
                            let list = build_list(&ours, Alloc::System).unwrap();
                            // SAFETY: a list built above, in the C library's layout.
                            unsafe {
                                assert_eq!(entries_of(list), ours);
                                libc::freeaddrinfo(list);
                            }
                        }
                    }
                }
            }
        }
        assert!(answered > 300, "{answered}");
    }

    #[test]
    fn delegated_cases() {
        let h = Hints { flags: EVUTIL_AI_NUMERICHOST, ..Hints::default() };
        assert_eq!(numeric_answer(Some(b"www.example.com"), Some(b"80"), &h), None);
        assert_eq!(
            getaddrinfo(Some(c"www.example.com"), Some(c"80"), Some(&{
                // SAFETY: zeroed plain struct.
                let mut a: addrinfo = unsafe { std::mem::zeroed() };
                a.ai_flags = EVUTIL_AI_NUMERICHOST;
                a
            })),
            Err(EVUTIL_EAI_NONAME)
        );
        // 127.1 is numeric to the C library, not to the strict reader.
        let r = getaddrinfo(Some(c"127.1"), Some(c"80"), None).unwrap();
        // SAFETY: a list returned above.
        let e = unsafe { entries_of(r) };
        // SAFETY: as above.
        unsafe { free_list(r) };
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].addr[4..8], [127, 0, 0, 1]);
    }

    #[test]
    fn common_path() {
        let mut h = Hints::default();
        let Common::Answer(v) = getaddrinfo_common(Some(b"1.2.3.4"), Some(b"80"), &mut h) else { panic!() };
        assert_eq!(v.len(), 2);
        assert_eq!((v[0].socktype, v[0].protocol, v[1].socktype, v[1].protocol), (1, 6, 2, 17));
        let mut h = Hints { protocol: 17, ..Hints::default() };
        let Common::Answer(v) = getaddrinfo_common(Some(b"01.2.3.4"), Some(b" 80"), &mut h) else { panic!() };
        assert_eq!((h.socktype, v.len()), (2, 1));
        let mut h = Hints { family: libc::AF_INET6, ..Hints::default() };
        assert_eq!(getaddrinfo_common(Some(b"1.2.3.4"), Some(b"80"), &mut h), Common::NeedResolve(80));
        let mut h = Hints::default();
        assert_eq!(getaddrinfo_common(None, None, &mut h), Common::Error(EVUTIL_EAI_NONAME));
        let mut h = Hints { family: 12345, ..Hints::default() };
        assert_eq!(getaddrinfo_common(Some(b"x"), None, &mut h), Common::Error(EVUTIL_EAI_FAMILY));
        let mut h = Hints { socktype: 1, ..Hints::default() };
        assert_eq!(getaddrinfo_common(Some(b"1.2.3.4"), Some(b"65536"), &mut h), Common::Error(EVUTIL_EAI_NONAME));
        let mut h = Hints { socktype: 1, ..Hints::default() };
        let Common::Answer(v) = getaddrinfo_common(Some(b"1.2.3.4"), Some(b"4294967376"), &mut h) else { panic!() };
        assert_eq!(u16::from_be_bytes([v[0].addr[2], v[0].addr[3]]), 80);
        let mut h = Hints { flags: EVUTIL_AI_PASSIVE, ..Hints::default() };
        let Common::Answer(v) = getaddrinfo_common(None, Some(b"80"), &mut h) else { panic!() };
        assert_eq!(v.iter().map(|e| e.family).collect::<Vec<_>>(), [2, 2, 10, 10]);
        let list = build_list(&v, Alloc::Libevent).unwrap();
        // SAFETY: a list built above.
        unsafe {
            assert_eq!((*list).ai_flags, AI_LIBEVENT_ALLOCATED);
            free_list(list);
        }
    }

    #[test]
    fn strerror_table() {
        assert_eq!(gai_strerror(0), c"No error");
        assert_eq!(gai_strerror(EVUTIL_EAI_CANCEL), c"Request canceled");
        assert_eq!(gai_strerror(-2), c"nodename nor servname provided, or not known");
        assert_eq!(gai_strerror(-101).to_bytes(), b"Request canceled");
        assert_eq!(gai_strerror(12345).to_bytes(), b"Unknown error");
    }
}
