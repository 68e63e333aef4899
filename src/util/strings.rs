//! Numbers and strings, locale-independent.
//!
//! [`scan_integer`] is the number reader of the C library's `strto*`
//! family (leading white space, a sign, `0x`/`0` prefixes by base); the
//! address parsers build on it because libevent's do (its IPv4 reader
//! behaves like `sscanf("%u.%u.%u.%u%c")`, its IPv6 group reader like
//! `strtol(…, 16)`, and its port reader like `atoi`).

use libc::c_int;

/// `isspace` in the C locale.
pub fn is_c_space(c: u8) -> bool {
    c == b' ' || (b'\t'..=b'\r').contains(&c)
}

/// The result of reading a number the way `strtol` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scan {
    /// A `-` sign was read.
    pub negative: bool,
    /// The magnitude, saturated at `u64::MAX`.
    pub magnitude: u64,
    /// The magnitude did not fit in 64 bits.
    pub overflow: bool,
    /// Bytes consumed; 0 when no digit was found (then nothing counts as read).
    pub end: usize,
}

fn digit_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'a'..=b'z' => Some(u32::from(c - b'a') + 10),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        _ => None,
    }
}

/// Reads an integer from the start of `s` as `strtol` would with `base`
/// (0, or 2 to 36). `None` for an invalid base.
pub fn scan_integer(s: &[u8], base: u32) -> Option<Scan> {
    if base == 1 || base > 36 {
        return None;
    }
    let mut i = 0;
    while i < s.len() && is_c_space(s[i]) {
        i += 1;
    }
    let mut negative = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        negative = s[i] == b'-';
        i += 1;
    }
    let mut base = base;
    let hex_prefix = i + 2 < s.len()
        && s[i] == b'0'
        && (s[i + 1] | 0x20) == b'x'
        && s[i + 2].is_ascii_hexdigit();
    if (base == 0 || base == 16) && hex_prefix {
        i += 2;
        base = 16;
    } else if base == 0 {
        base = if i < s.len() && s[i] == b'0' { 8 } else { 10 };
    }
    let start = i;
    let mut magnitude: u64 = 0;
    let mut overflow = false;
    while i < s.len() {
        let Some(d) = digit_value(s[i]).filter(|&d| d < base) else { break };
        match magnitude.checked_mul(u64::from(base)).and_then(|m| m.checked_add(u64::from(d))) {
            Some(m) => magnitude = m,
            None => {
                overflow = true;
                magnitude = u64::MAX;
            }
        }
        i += 1;
    }
    if i == start {
        return Some(Scan { negative: false, magnitude: 0, overflow: false, end: 0 });
    }
    Some(Scan { negative, magnitude, overflow, end: i })
}

/// Why a conversion set `errno`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumError {
    /// `EINVAL`: the base is not 0 or 2..=36.
    BadBase,
    /// `ERANGE`: the value was clamped.
    Range,
}

impl NumError {
    pub fn errno(self) -> c_int {
        match self {
            NumError::BadBase => libc::EINVAL,
            NumError::Range => libc::ERANGE,
        }
    }
}

/// `strtoll`: the value, the bytes consumed (0 when no number), and the
/// `errno` it would set. For a bad base nothing is consumed and the caller's
/// end pointer is left alone, as the C library does.
pub fn strtoll(s: &[u8], base: u32) -> (i64, usize, Option<NumError>) {
    let Some(sc) = scan_integer(s, base) else { return (0, 0, Some(NumError::BadBase)) };
    if sc.negative {
        if sc.overflow || sc.magnitude > 1u64 << 63 {
            (i64::MIN, sc.end, Some(NumError::Range))
        } else {
            (0i64.wrapping_sub_unsigned(sc.magnitude), sc.end, None)
        }
    } else if sc.overflow || sc.magnitude > i64::MAX as u64 {
        (i64::MAX, sc.end, Some(NumError::Range))
    } else {
        (sc.magnitude as i64, sc.end, None)
    }
}

/// `strtoul` (64-bit `unsigned long`): a leading `-` negates modulo 2^64.
pub fn strtoul(s: &[u8], base: u32) -> (u64, usize, Option<NumError>) {
    let Some(sc) = scan_integer(s, base) else { return (0, 0, Some(NumError::BadBase)) };
    if sc.overflow {
        (u64::MAX, sc.end, Some(NumError::Range))
    } else if sc.negative {
        (sc.magnitude.wrapping_neg(), sc.end, None)
    } else {
        (sc.magnitude, sc.end, None)
    }
}

/// `atoi`: `(int) strtol(s, NULL, 10)` — the long is clamped, then
/// truncated to 32 bits, exactly as the C library's `atoi` does.
pub fn atoi(s: &[u8]) -> i32 {
    strtoll(s, 10).0 as i32
}

/// One `%u` conversion of `sscanf`: white space skipped, a sign (a `-`
/// negates modulo 2^64, as `strtoul` does), at least one decimal digit; the
/// `unsigned long` value truncated to `unsigned int`. Returns the value and
/// the bytes consumed.
pub fn scanf_uint(s: &[u8]) -> Option<(u32, usize)> {
    let (v, end, _) = strtoul(s, 10);
    if end == 0 {
        return None;
    }
    Some((v as u32, end))
}

/// `EVUTIL_TOLOWER_`: ASCII only.
pub fn ascii_lower(c: u8) -> u8 {
    c.to_ascii_lowercase()
}

/// `evutil_ascii_strncasecmp` over NUL-terminated byte strings, `limit`
/// bytes at most: -1, 0 or 1. Bytes compare as C `char` (signed here), after
/// ASCII lowering; the end of either slice counts as its NUL.
pub fn ascii_strncasecmp(a: &[u8], b: &[u8], limit: usize) -> c_int {
    for i in 0..limit {
        let c1 = ascii_lower(a.get(i).copied().unwrap_or(0)) as i8;
        let c2 = ascii_lower(b.get(i).copied().unwrap_or(0)) as i8;
        if c1 < c2 {
            return -1;
        }
        if c1 > c2 {
            return 1;
        }
        if c1 == 0 {
            return 0;
        }
    }
    0
}

/// The locale-independent character classes of `EVUTIL_IS*_`.
#[derive(Debug, Clone, Copy)]
pub enum CharClass {
    Alpha,
    Alnum,
    Space,
    Digit,
    XDigit,
    Print,
    Lower,
    Upper,
}

pub fn char_is(class: CharClass, c: u8) -> bool {
    match class {
        CharClass::Alpha => c.is_ascii_alphabetic(),
        CharClass::Alnum => c.is_ascii_alphanumeric(),
        CharClass::Space => is_c_space(c),
        CharClass::Digit => c.is_ascii_digit(),
        CharClass::XDigit => c.is_ascii_hexdigit(),
        CharClass::Print => (0x20..0x7f).contains(&c),
        CharClass::Lower => c.is_ascii_lowercase(),
        CharClass::Upper => c.is_ascii_uppercase(),
    }
}

/// `evutil_hex_char_to_int_`: the value of a hex digit, or -1.
pub fn hex_char_to_int(c: u8) -> c_int {
    match c {
        b'0'..=b'9' => c_int::from(c - b'0'),
        b'a'..=b'f' => c_int::from(c - b'a') + 10,
        b'A'..=b'F' => c_int::from(c - b'A') + 10,
        _ => -1,
    }
}

/// `evutil_rtrim_lws_`: the length of `s` without its trailing spaces and tabs.
pub fn rtrim_lws_len(s: &[u8]) -> usize {
    let mut n = s.len();
    while n > 0 && (s[n - 1] == b' ' || s[n - 1] == b'\t') {
        n -= 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CString;

    fn libc_strtoll(s: &[u8], base: i32) -> (i64, usize, i32) {
        let c = CString::new(s).unwrap();
        let mut end: *mut libc::c_char = std::ptr::null_mut();
        // SAFETY: valid C string and out-pointer.
        unsafe {
            *libc::__errno_location() = 0;
            let v = libc::strtoll(c.as_ptr(), &mut end, base);
            let e = *libc::__errno_location();
            (v, end.offset_from(c.as_ptr()) as usize, e)
        }
    }

    fn libc_strtoul(s: &[u8], base: i32) -> (u64, usize, i32) {
        let c = CString::new(s).unwrap();
        let mut end: *mut libc::c_char = std::ptr::null_mut();
        // SAFETY: valid C string and out-pointer.
        unsafe {
            *libc::__errno_location() = 0;
            let v = libc::strtoul(c.as_ptr(), &mut end, base);
            let e = *libc::__errno_location();
            (v, end.offset_from(c.as_ptr()) as usize, e)
        }
    }

    /// A deterministic corpus of numeric-looking strings.
    fn corpus() -> Vec<Vec<u8>> {
        let mut v: Vec<Vec<u8>> = [
            "", " ", "0", "-0", "+0", "1", "-1", "+", "-", " +5", "\t\n-12x", "0x", "0x1g", "0X1F", "-0x10",
            "0x-1", "017", "08", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
            "-9223372036854775809", "18446744073709551615", "18446744073709551616",
            "99999999999999999999999", "zz", "Zz", "  99999stuff", "5000000000", "-5000000000", "foo", "1e5",
            " \x0b\x0c\r42", "0b101", "- 1", "+-1", "0000000000000000000000012",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
        let alphabet = b" \t+-0123456789abcdefxXzZ.";
        let mut seed: u32 = 12345;
        for _ in 0..4000 {
            let mut s = Vec::new();
            seed = seed.wrapping_mul(1103515245).wrapping_add(12345);
            let len = (seed >> 16) % 12;
            for _ in 0..len {
                seed = seed.wrapping_mul(1103515245).wrapping_add(12345);
                s.push(alphabet[((seed >> 16) as usize) % alphabet.len()]);
            }
            v.push(s);
        }
        v
    }

    #[test]
    fn strtoll_matches_the_c_library() {
        for s in corpus() {
            for base in [0, 2, 8, 10, 16, 36] {
                let (v, end, err) = strtoll(&s, base);
                let (cv, cend, cerr) = libc_strtoll(&s, base as i32);
                assert_eq!((v, end), (cv, cend), "strtoll({:?}, {base})", String::from_utf8_lossy(&s));
                assert_eq!(err.map_or(0, |e| e.errno()), cerr, "errno of {:?}", String::from_utf8_lossy(&s));
                let (u, uend, uerr) = strtoul(&s, base);
                let (cu, cuend, cuerr) = libc_strtoul(&s, base as i32);
                assert_eq!((u, uend), (cu, cuend), "strtoul({:?}, {base})", String::from_utf8_lossy(&s));
                assert_eq!(uerr.map_or(0, |e| e.errno()), cuerr);
            }
        }
        assert_eq!(strtoll(b"12", 1).2, Some(NumError::BadBase));
        assert_eq!(strtoll(b"12", 37).2, Some(NumError::BadBase));
    }

    #[test]
    fn atoi_truncates_like_c() {
        for s in corpus() {
            let c = CString::new(s.clone()).unwrap();
            // SAFETY: valid C string.
            let want = unsafe { libc::atoi(c.as_ptr()) };
            assert_eq!(atoi(&s), want, "{:?}", String::from_utf8_lossy(&s));
        }
        assert_eq!(atoi(b"4294967376"), 80);
    }

    #[test]
    fn casecmp() {
        assert_eq!(ascii_strncasecmp(b"ABC", b"abc", usize::MAX), 0);
        assert_eq!(ascii_strncasecmp(b"ABC", b"abcd", usize::MAX), -1);
        assert_eq!(ascii_strncasecmp(b"ABC", b"abb", usize::MAX), 1);
        assert_eq!(ascii_strncasecmp(b"Libevent", b"LibEXXXX", 4), 0);
        assert_eq!(ascii_strncasecmp(b"Lib", b"LibEvEnT", 4), -1);
        assert_eq!(ascii_strncasecmp(b"Z", b"qrst", 1), 1);
        // Bytes compare as signed char.
        assert_eq!(ascii_strncasecmp(b"\xff", b"a", 9), -1);
        assert_eq!(ascii_strncasecmp(b"a", b"b", 0), 0);
    }

    #[test]
    fn classes_match_c_locale() {
        for c in 0u8..=255 {
            // SAFETY: ctype functions accept any unsigned char value.
            let (sp, pr) = unsafe { (libc::isspace(c_int::from(c)) != 0, libc::isprint(c_int::from(c)) != 0) };
            if c < 128 {
                assert_eq!(char_is(CharClass::Space, c), sp, "{c}");
                assert_eq!(char_is(CharClass::Print, c), pr, "{c}");
            } else {
                assert!(!char_is(CharClass::Print, c));
            }
        }
        assert_eq!(hex_char_to_int(b'F'), 15);
        assert_eq!(hex_char_to_int(b'g'), -1);
        assert_eq!(rtrim_lws_len(b"abcdef  gH    \t  "), 10);
        assert_eq!(rtrim_lws_len(b" \t"), 0);
    }
}
