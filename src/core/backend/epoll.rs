//! epoll, with changes batched: a change to an fd the kernel already watches
//! is applied just before the next wait, so an interest that flips and flips
//! back within one loop iteration (a bufferevent toggling EV_WRITE, a one-shot
//! event re-added from its callback) costs no syscall. Adding a new fd is done
//! at once, so `event_add` on a bad fd fails at the call, as with libevent.

use super::{errno, Backend, Ready, EV_FEATURE_EARLY_CLOSE, EV_FEATURE_ET, EV_FEATURE_O1};
use crate::core::clock::Micros;
use crate::core::event::{EV_CLOSED, EV_ET, EV_READ, EV_WRITE};
use crate::core::iomap::FdSlot;
use crate::log;
use libc::{c_int, c_short, c_void, epoll_event};
use std::ffi::CStr;

pub const FEATURES: c_int = EV_FEATURE_ET | EV_FEATURE_O1 | EV_FEATURE_EARLY_CLOSE;
const INITIAL_EVENTS: usize = 32;
const MAX_EVENTS: usize = 4096;

// The per-fd state lives in the fd's `FdSlot::ep`: what the kernel has for
// the fd (its EV_READ/EV_WRITE/EV_CLOSED/EV_ET bits, 0: not registered),
// plus `DIRTY` while the fd is queued in `dirty` (what we want is then the
// slot's mask, read when the queue is flushed) and `EMPTIED` if its interest
// dropped to none meanwhile (the fd may have been closed and its number
// reused, so the kernel must be told again even if the mask looks unchanged).
const KERNEL: u8 = (EV_READ | EV_WRITE | EV_CLOSED | EV_ET) as u8;
const DIRTY: u8 = 0x01;
const EMPTIED: u8 = 0x08;
const _: () = assert!(KERNEL & (DIRTY | EMPTIED) == 0);

pub struct Epoll {
    epfd: c_int,
    /// fds whose interest changed since the last wait (marked `DIRTY`).
    dirty: Vec<c_int>,
    events: Vec<epoll_event>,
    pid: libc::pid_t,
    /// Wait with epoll_pwait2's nanosecond timeout (until the kernel says
    /// it has none).
    precise: bool,
}

/// The epoll bits of an interest (event bits), by table: one load.
#[inline(always)]
fn to_epoll(ev: c_short) -> u32 {
    TO_EPOLL[(ev as u16 & 0xff) as usize]
}

static TO_EPOLL: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let ev = i as c_short;
        let mut e = 0u32;
        if ev & EV_READ != 0 {
            e |= libc::EPOLLIN as u32;
        }
        if ev & EV_WRITE != 0 {
            e |= libc::EPOLLOUT as u32;
        }
        if ev & EV_CLOSED != 0 {
            e |= libc::EPOLLRDHUP as u32;
        }
        if ev & EV_ET != 0 {
            e |= libc::EPOLLET as u32;
        }
        t[i] = e;
        i += 1;
    }
    t
};

/// What a reported epoll event means in event bits (0: nothing we watch):
/// hang-up and error wake readers and writers alike. EV_ET is added, as
/// libevent's epoll does, so that an edge-triggered event sees it in `res`.
#[inline(always)]
pub fn ready_bits(what: u32) -> c_short {
    const _: () = assert!(libc::EPOLLRDHUP == 0x2000 && EV_CLOSED == 0x80);
    // The low five bits (IN, PRI, OUT, ERR, HUP) by table, RDHUP by shift.
    let ev = READY_LOW[(what & 0x1f) as usize] | ((what >> 6) & 0x80) as u8;
    if ev == 0 {
        0
    } else {
        (ev | EV_ET as u8) as c_short
    }
}

static READY_LOW: [u8; 32] = {
    let mut t = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        let what = i as u32;
        let mut ev = 0;
        if what & (libc::EPOLLHUP | libc::EPOLLERR) as u32 != 0 {
            ev = EV_READ | EV_WRITE;
        } else {
            if what & libc::EPOLLIN as u32 != 0 {
                ev |= EV_READ;
            }
            if what & libc::EPOLLOUT as u32 != 0 {
                ev |= EV_WRITE;
            }
        }
        t[i] = ev as u8;
        i += 1;
    }
    t
};

impl Epoll {
    pub fn new_any() -> Option<super::AnyBackend> {
        // SAFETY: plain syscall.
        let epfd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if epfd < 0 {
            let e = errno();
            if e != libc::ENOSYS {
                log::warn_errno("epoll_create");
            }
            return None;
        }
        Some(super::AnyBackend::Epoll(Epoll {
            epfd,
            dirty: Vec::new(),
            // SAFETY: epoll_event is plain data; zero is a valid value.
            events: vec![unsafe { std::mem::zeroed() }; INITIAL_EVENTS],
            // SAFETY: getpid has no preconditions.
            pid: unsafe { libc::getpid() },
            precise: false,
        }))
    }

    /// Brings the kernel's view of `fd` from `have` to `want`. Returns what
    /// the kernel has afterwards, and false (after logging) when it refused.
    #[inline]
    fn apply(&mut self, fd: c_int, have: c_short, want: c_short) -> (u8, bool) {
        let op = match (have, want) {
            (0, 0) => return (0, true),
            (_, 0) => libc::EPOLL_CTL_DEL,
            (0, _) => libc::EPOLL_CTL_ADD,
            _ => libc::EPOLL_CTL_MOD,
        };
        let mut ev = epoll_event { events: to_epoll(want), u64: fd as u32 as u64 };
        // SAFETY: `ev` is a valid epoll_event for the duration of the call.
        if unsafe { libc::epoll_ctl(self.epfd, op, fd, &mut ev) } == 0 {
            return (want as u8, true);
        }
        let ok = apply_failed(self.epfd, fd, want, op);
        (if ok { want as u8 } else { 0 }, ok)
    }

    /// The interest in `fd` (whose slot is `s`) changed to `new` (the
    /// slot's mask). A change to an fd the kernel watches waits for the
    /// next wait; a new fd is registered at once, so a bad fd fails at
    /// `event_add`. `Err` when the kernel refused.
    #[inline(always)]
    pub fn note(&mut self, fd: c_int, new: c_short, s: &mut FdSlot) -> Result<(), ()> {
        let ep = s.ep;
        if ep & DIRTY != 0 {
            // Already queued: the flush reads the slot's latest mask.
            if new == 0 {
                s.ep = ep | EMPTIED;
            }
            return Ok(());
        }
        if ep & KERNEL != 0 {
            s.ep = ep | if new == 0 { DIRTY | EMPTIED } else { DIRTY };
            self.dirty.push(fd);
            return Ok(());
        }
        self.note_new(fd, new, s)
    }

    /// Whether `note(fd, new, s)` would finish without a call (no syscall,
    /// no growth of the queue); `note_leaf` then does it.
    #[inline(always)]
    pub fn note_is_leaf(&self, s: &FdSlot) -> bool {
        s.ep & DIRTY != 0 || (s.ep & KERNEL != 0 && self.dirty.len() < self.dirty.capacity())
    }

    /// `note`, when `note_is_leaf` said so.
    ///
    /// # Safety
    /// `note_is_leaf(s)` is true (nothing changed since).
    #[inline(always)]
    pub unsafe fn note_leaf(&mut self, fd: c_int, new: c_short, s: &mut FdSlot) {
        let ep = s.ep;
        let empty = if new == 0 { EMPTIED } else { 0 };
        if ep & DIRTY != 0 {
            s.ep = ep | empty;
        } else {
            s.ep = ep | DIRTY | empty;
            let len = self.dirty.len();
            debug_assert!(len < self.dirty.capacity());
            // SAFETY: there is room (caller's contract), so this is `push`
            // without its growth path.
            unsafe {
                self.dirty.as_mut_ptr().add(len).write(fd);
                self.dirty.set_len(len + 1);
            }
        }
    }

    /// `note` for an fd the kernel does not watch: register it now.
    #[inline(never)]
    fn note_new(&mut self, fd: c_int, new: c_short, s: &mut FdSlot) -> Result<(), ()> {
        if new == 0 {
            return Ok(());
        }
        let (k, ok) = self.apply(fd, 0, new);
        s.ep = k;
        if ok { Ok(()) } else { Err(()) }
    }

    /// Applies the queued changes; `slots` is the fd map the changes were
    /// noted in. Called with the base's lock held, before each wait.
    #[inline(never)]
    pub fn flush(&mut self, slots: &mut [FdSlot]) {
        if self.dirty.is_empty() {
            return;
        }
        let epfd = self.epfd;
        // Latest first, as the queue always went.
        for &fd in self.dirty.iter().rev() {
            let Some(s) = slots.get_mut(fd as usize) else { continue };
            let ep = s.ep;
            let have = (ep & KERNEL) as c_short;
            let want = s.mask();
            s.ep = ep & KERNEL;
            if want != have || (ep & EMPTIED != 0 && want != 0) {
                let op = match (have, want) {
                    (_, 0) => libc::EPOLL_CTL_DEL,
                    (0, _) => libc::EPOLL_CTL_ADD,
                    _ => libc::EPOLL_CTL_MOD,
                };
                let mut ev = epoll_event { events: to_epoll(want), u64: fd as u32 as u64 };
                // SAFETY: `ev` is a valid epoll_event for the duration of the call.
                s.ep = if unsafe { libc::epoll_ctl(epfd, op, fd, &mut ev) } == 0 {
                    want as u8
                } else {
                    if apply_failed(epfd, fd, want, op) { want as u8 } else { 0 }
                };
            }
        }
        self.dirty.clear();
    }

    /// Waits at most `timeout` (forever if `None`); returns how many events
    /// `events()` holds (0 on EINTR). `Err` when the wait itself failed.
    ///
    /// # Safety
    /// `lock` is null or the base's lock, held by the calling thread (it is
    /// released around the syscall only).
    #[inline]
    pub unsafe fn wait(&mut self, timeout: Option<Micros>, lock: *mut c_void) -> Result<usize, ()> {
        let ms = super::timeout_ms(timeout);
        let (epfd, buf, len) = (self.epfd, self.events.as_mut_ptr(), self.events.len() as c_int);
        let n = match timeout {
            Some(us) if self.precise => {
                let ts = super::timeout_ts(us);
                // SAFETY: `events` has `len` writable slots and only the
                // wait uses it; `ts` outlives the call; no signal mask;
                // `lock` is the base's lock, held (caller's contract).
                let n = unsafe {
                    super::unlocked(lock, || {
                        libc::syscall(libc::SYS_epoll_pwait2, epfd, buf, len, &ts as *const libc::timespec, 0usize, 0usize)
                    })
                } as c_int;
                if n < 0 && errno() == libc::ENOSYS {
                    self.precise = false;
                    return Ok(0);
                }
                n
            }
            // SAFETY: as above.
            _ => unsafe { super::unlocked(lock, || libc::epoll_wait(epfd, buf, len, ms)) },
        };
        if n < 0 {
            if errno() == libc::EINTR {
                return Ok(0);
            }
            log::warn_errno("epoll_wait");
            return Err(());
        }
        Ok(n as usize)
    }

    /// The events of the last `wait` (the first `n` it returned).
    #[inline(always)]
    pub fn events(&self) -> &[epoll_event] {
        &self.events
    }

    /// After handling `n` events of a wait: a full buffer doubles, so a
    /// busy loop catches up in fewer waits.
    #[inline]
    pub fn grow_if_full(&mut self, n: usize) {
        if n == self.events.len() && self.events.len() < MAX_EVENTS {
            let len = self.events.len() * 2;
            // SAFETY: zeroed epoll_event is valid.
            self.events.resize(len, unsafe { std::mem::zeroed() });
        }
    }
}

fn ctl(epfd: c_int, op: c_int, fd: c_int, what: c_short) -> c_int {
    let mut ev = epoll_event { events: to_epoll(what), u64: fd as u32 as u64 };
    // SAFETY: `ev` is a valid epoll_event for the duration of the call.
    if unsafe { libc::epoll_ctl(epfd, op, fd, &mut ev) } == 0 {
        0
    } else {
        errno()
    }
}

/// The rest of `apply` when its first `epoll_ctl` failed: the fallbacks
/// (re-register a reused fd, modify a dup'ed one) and the warnings.
#[cold]
#[inline(never)]
fn apply_failed(epfd: c_int, fd: c_int, want: c_short, op: c_int) -> bool {
    let e = errno();
    if op == libc::EPOLL_CTL_DEL {
        // ENOENT/EBADF: the fd was closed, so the kernel forgot it already.
        if e != libc::ENOENT && e != libc::EBADF && e != libc::EPERM {
            log::warnx(&format!("Epoll DEL on fd {fd} failed: {}", log::strerror(e)));
        }
        true
    } else if op == libc::EPOLL_CTL_ADD {
        match e {
            // Registered under an fd we thought gone (dup): modify instead.
            libc::EEXIST => ctl(epfd, libc::EPOLL_CTL_MOD, fd, want) == 0,
            e => {
                // libevent's wording: each kind's change (1 add, 0 none,
                // with 0x20 for edge-triggered) and what it means.
                let et = if want & EV_ET != 0 { 0x20 } else { 0 };
                let change = |kind: c_short| {
                    if want & kind != 0 { (1 | et, "add") } else { (0, "none") }
                };
                let ((r, rs), (w, ws), (c, cs)) = (change(EV_READ), change(EV_WRITE), change(EV_CLOSED));
                log::warnx(&format!(
                    "Epoll ADD({}) on fd {fd} failed. Old events were 0; read change was {r} ({rs}); write change was {w} ({ws}); close change was {c} ({cs}): {}",
                    to_epoll(want), log::strerror(e)));
                false
            }
        }
    } else {
        match e {
            // The fd was closed and its number reused: register it anew.
            libc::ENOENT => match ctl(epfd, libc::EPOLL_CTL_ADD, fd, want) {
                0 => true,
                e => {
                    log::warnx(&format!("Epoll MOD({}) on fd {fd} failed: {}", to_epoll(want), log::strerror(e)));
                    false
                }
            },
            e => {
                log::warnx(&format!("Epoll MOD({}) on fd {fd} failed: {}", to_epoll(want), log::strerror(e)));
                false
            }
        }
    }
}

impl Drop for Epoll {
    fn drop(&mut self) {
        // SAFETY: epfd is ours and closed once.
        unsafe { libc::close(self.epfd) };
    }
}

impl Backend for Epoll {
    fn name(&self) -> &'static CStr {
        c"epoll"
    }
    fn features(&self) -> c_int {
        FEATURES
    }

    #[inline(always)]
    fn update(&mut self, fd: c_int, _old: c_short, new: c_short, slot: &mut FdSlot) -> Result<(), ()> {
        self.note(fd, new, slot)
    }

    /// The base flushes (`flush`) and reads the events (`wait`, `events`)
    /// itself; this is the same through the generic interface.
    unsafe fn dispatch(&mut self, timeout: Option<Micros>, out: &mut Vec<Ready>, lock: *mut c_void) -> Result<(), ()> {
        // SAFETY: forwarded contract.
        let n = unsafe { self.wait(timeout, lock) }?;
        for e in &self.events[..n] {
            let what = ready_bits(e.events);
            if what != 0 {
                out.push(Ready { fd: e.u64 as u32 as c_int, what });
            }
        }
        self.grow_if_full(n);
        Ok(())
    }

    fn set_precise(&mut self, on: bool) {
        self.precise = on;
    }

    fn need_reinit(&self) -> bool {
        // SAFETY: getpid has no preconditions.
        self.pid != unsafe { libc::getpid() }
    }
}
