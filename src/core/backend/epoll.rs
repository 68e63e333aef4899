//! epoll, with changes batched: a change to an fd the kernel already watches
//! is applied just before the next wait, so an interest that flips and flips
//! back within one loop iteration (a bufferevent toggling EV_WRITE, a one-shot
//! event re-added from its callback) costs no syscall. Adding a new fd is done
//! at once, so `event_add` on a bad fd fails at the call, as with libevent.

use super::{errno, ensure_len, Backend, Ready, EV_FEATURE_EARLY_CLOSE, EV_FEATURE_ET, EV_FEATURE_O1};
use crate::core::clock::Micros;
use crate::core::event::{EV_CLOSED, EV_ET, EV_READ, EV_WRITE};
use crate::log;
use libc::{c_int, c_short, c_void, epoll_event};
use std::ffi::CStr;

pub const FEATURES: c_int = EV_FEATURE_ET | EV_FEATURE_O1 | EV_FEATURE_EARLY_CLOSE;
const INITIAL_EVENTS: usize = 32;
const MAX_EVENTS: usize = 4096;
const DIRTY: u8 = 1;
const EMPTIED: u8 = 2;

pub struct Epoll {
    epfd: c_int,
    /// Per fd: what the kernel has and what we want (one table, so an
    /// update touches one entry).
    fds: Vec<FdState>,
    dirty: Vec<c_int>,
    events: Vec<epoll_event>,
    pid: libc::pid_t,
    /// Wait with epoll_pwait2's nanosecond timeout (until the kernel says
    /// it has none).
    precise: bool,
}

#[derive(Clone, Copy, Default)]
struct FdState {
    /// What the kernel has for the fd (0: not registered).
    kernel: c_short,
    /// What we want; differs from `kernel` only while the fd is in `dirty`.
    wanted: c_short,
    /// `DIRTY` while in `dirty`; `EMPTIED` if its interest dropped to none
    /// meanwhile (the fd may have been closed and its number reused, so the
    /// kernel must be told again even if the mask looks unchanged).
    state: u8,
}

#[inline]
fn to_epoll(ev: c_short) -> u32 {
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
    e
}

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
            fds: Vec::new(),
            dirty: Vec::new(),
            // SAFETY: epoll_event is plain data; zero is a valid value.
            events: vec![unsafe { std::mem::zeroed() }; INITIAL_EVENTS],
            // SAFETY: getpid has no preconditions.
            pid: unsafe { libc::getpid() },
            precise: false,
        }))
    }

    fn ctl(&self, op: c_int, fd: c_int, what: c_short) -> c_int {
        let mut ev = epoll_event { events: to_epoll(what), u64: fd as u32 as u64 };
        // SAFETY: `ev` is a valid epoll_event for the duration of the call.
        if unsafe { libc::epoll_ctl(self.epfd, op, fd, &mut ev) } == 0 {
            0
        } else {
            errno()
        }
    }

    /// Brings the kernel's view of `fd` to `want`. Returns false (after
    /// logging) when the kernel refused.
    #[inline]
    fn apply(&mut self, fd: c_int, want: c_short) -> bool {
        let have = self.fds[fd as usize].kernel;
        let op = match (have, want) {
            (0, 0) => return true,
            (_, 0) => libc::EPOLL_CTL_DEL,
            (0, _) => libc::EPOLL_CTL_ADD,
            _ => libc::EPOLL_CTL_MOD,
        };
        let mut ev = epoll_event { events: to_epoll(want), u64: fd as u32 as u64 };
        // SAFETY: `ev` is a valid epoll_event for the duration of the call.
        if unsafe { libc::epoll_ctl(self.epfd, op, fd, &mut ev) } == 0 {
            self.fds[fd as usize].kernel = want;
            return true;
        }
        self.apply_failed(fd, want, op)
    }

    /// The rest of `apply` when its first `epoll_ctl` failed: the fallbacks
    /// (re-register a reused fd, modify a dup'ed one) and the warnings.
    #[cold]
    #[inline(never)]
    fn apply_failed(&mut self, fd: c_int, want: c_short, op: c_int) -> bool {
        let e = errno();
        let ok = if op == libc::EPOLL_CTL_DEL {
            // ENOENT/EBADF: the fd was closed, so the kernel forgot it already.
            if e != libc::ENOENT && e != libc::EBADF && e != libc::EPERM {
                log::warnx(&format!("Epoll DEL on fd {fd} failed: {}", log::strerror(e)));
            }
            true
        } else if op == libc::EPOLL_CTL_ADD {
            match e {
                // Registered under an fd we thought gone (dup): modify instead.
                libc::EEXIST => self.ctl(libc::EPOLL_CTL_MOD, fd, want) == 0,
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
                libc::ENOENT => match self.ctl(libc::EPOLL_CTL_ADD, fd, want) {
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
        };
        self.fds[fd as usize].kernel = if ok { want } else { 0 };
        ok
    }

    /// `update` of an fd the kernel does not watch (and that is not queued):
    /// register it now, so a bad fd fails at `event_add`.
    #[inline(never)]
    fn update_new(&mut self, fd: c_int, new: c_short) -> Result<(), ()> {
        ensure_len(&mut self.fds, fd, FdState::default());
        self.fds[fd as usize].wanted = new;
        if new != 0 && !self.apply(fd, new) {
            self.fds[fd as usize].wanted = 0;
            return Err(());
        }
        Ok(())
    }

    fn flush_changes(&mut self) {
        while let Some(fd) = self.dirty.pop() {
            let f = &mut self.fds[fd as usize];
            let emptied = f.state & EMPTIED != 0;
            f.state = 0;
            let want = f.wanted;
            if want != f.kernel || (emptied && want != 0) {
                self.apply(fd, want);
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
    fn update(&mut self, fd: c_int, _old: c_short, new: c_short) -> Result<(), ()> {
        let i = fd as usize;
        if i < self.fds.len() {
            // SAFETY: bounds checked just above.
            let f = unsafe { self.fds.get_unchecked_mut(i) };
            if f.state != 0 {
                // Already queued: the flush will see the latest want.
                f.wanted = new;
                f.state |= if new == 0 { DIRTY | EMPTIED } else { DIRTY };
                return Ok(());
            }
            if f.kernel != 0 {
                f.wanted = new;
                f.state = if new == 0 { DIRTY | EMPTIED } else { DIRTY };
                self.dirty.push(fd);
                return Ok(());
            }
        }
        self.update_new(fd, new)
    }

    unsafe fn dispatch(&mut self, timeout: Option<Micros>, out: &mut Vec<Ready>, lock: *mut c_void) -> Result<(), ()> {
        self.flush_changes();
        let ms = super::timeout_ms(timeout);
        let (epfd, buf, len) = (self.epfd, self.events.as_mut_ptr(), self.events.len() as c_int);
        let n = match timeout {
            Some(us) if self.precise => {
                let ts = super::timeout_ts(us);
                // SAFETY: `events` has `len` writable slots and only dispatch
                // uses it; `ts` outlives the call; no signal mask; `lock` is
                // the base's lock, held (trait contract).
                let n = unsafe {
                    super::unlocked(lock, || {
                        libc::syscall(libc::SYS_epoll_pwait2, epfd, buf, len, &ts as *const libc::timespec, 0usize, 0usize)
                    })
                } as c_int;
                if n < 0 && errno() == libc::ENOSYS {
                    self.precise = false;
                    return Ok(());
                }
                n
            }
            // SAFETY: as above.
            _ => unsafe { super::unlocked(lock, || libc::epoll_wait(epfd, buf, len, ms)) },
        };
        if n < 0 {
            if errno() == libc::EINTR {
                return Ok(());
            }
            log::warn_errno("epoll_wait");
            return Err(());
        }
        out.reserve(n as usize);
        for e in &self.events[..n as usize] {
            let what = e.events;
            let fd = e.u64 as u32 as c_int;
            let mut ev: c_short = 0;
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
            if what & libc::EPOLLRDHUP as u32 != 0 {
                ev |= EV_CLOSED;
            }
            if ev != 0 {
                // Room was reserved above: no reallocation here.
                out.push(Ready { fd, what: ev | EV_ET });
            }
        }
        if n as usize == self.events.len() && self.events.len() < MAX_EVENTS {
            let len = self.events.len() * 2;
            // SAFETY: zeroed epoll_event is valid.
            self.events.resize(len, unsafe { std::mem::zeroed() });
        }
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
