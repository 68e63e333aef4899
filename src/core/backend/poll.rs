//! poll(2): a dense `pollfd` array, with an fd-indexed table of positions so
//! changes are O(1).

use super::{errno, ensure_len, Backend, Ready, EV_FEATURE_EARLY_CLOSE, EV_FEATURE_FDS};
use crate::core::iomap::FdSlot;
use crate::core::clock::Micros;
use crate::core::event::{EV_CLOSED, EV_READ, EV_WRITE};
use crate::log;
use libc::{c_int, c_short, c_void, pollfd};
use std::ffi::CStr;

pub const FEATURES: c_int = EV_FEATURE_FDS | EV_FEATURE_EARLY_CLOSE;
const NONE: u32 = u32::MAX;

pub struct Poll {
    fds: Vec<pollfd>,
    /// Position in `fds` of each fd, or NONE.
    pos: Vec<u32>,
    /// Per position: set when the fd reported POLLNVAL (closed while
    /// registered) and nothing changed since.
    nval: Vec<bool>,
    /// fds that reported POLLNVAL in the last wait.
    nval_seen: Vec<c_int>,
    /// The copy handed to poll(2).
    polled: Vec<pollfd>,
    /// Wait with ppoll's nanosecond timeout.
    precise: bool,
}

fn to_poll(ev: c_short) -> c_short {
    let mut e = 0;
    if ev & EV_READ != 0 {
        e |= libc::POLLIN;
    }
    if ev & EV_WRITE != 0 {
        e |= libc::POLLOUT;
    }
    if ev & EV_CLOSED != 0 {
        e |= libc::POLLRDHUP;
    }
    e
}

impl Poll {
    pub fn new_any() -> Option<super::AnyBackend> {
        Some(super::AnyBackend::Poll(Poll { fds: Vec::new(), pos: Vec::new(), nval: Vec::new(), nval_seen: Vec::new(), polled: Vec::new(), precise: false }))
    }
}

impl Backend for Poll {
    fn name(&self) -> &'static CStr {
        c"poll"
    }
    fn features(&self) -> c_int {
        FEATURES
    }

    fn update(&mut self, fd: c_int, _old: c_short, new: c_short, _slot: &mut FdSlot) -> Result<(), ()> {
        ensure_len(&mut self.pos, fd, NONE);
        let p = self.pos[fd as usize];
        let want = to_poll(new);
        if want == 0 {
            if p != NONE {
                self.fds.swap_remove(p as usize);
                self.nval.swap_remove(p as usize);
                if let Some(moved) = self.fds.get(p as usize) {
                    let mfd = if moved.fd < 0 { -moved.fd - 1 } else { moved.fd };
                    self.pos[mfd as usize] = p;
                }
                self.pos[fd as usize] = NONE;
            }
        } else if p == NONE {
            self.pos[fd as usize] = self.fds.len() as u32;
            self.fds.push(pollfd { fd, events: want, revents: 0 });
            self.nval.push(false);
        } else {
            // Also revives an fd parked after POLLNVAL.
            self.fds[p as usize] = pollfd { fd, events: want, revents: 0 };
            self.nval[p as usize] = false;
        }
        Ok(())
    }

    unsafe fn dispatch(&mut self, timeout: Option<Micros>, out: &mut Vec<Ready>, lock: *mut c_void) -> Result<(), ()> {
        // fds that reported POLLNVAL last time: a second time with nothing
        // changed parks them (see below).
        for fd in std::mem::take(&mut self.nval_seen) {
            let p = self.pos.get(fd as usize).copied().unwrap_or(NONE);
            if p == NONE {
                continue;
            }
            let p = p as usize;
            if self.nval[p] {
                log::warnx(&format!(
                    "poll: fd {fd} is closed but still has events; they will not fire until it is re-added"
                ));
                self.fds[p].fd = -fd - 1;
            } else {
                self.nval[p] = true;
            }
        }
        // Poll a private copy, so other threads may change `fds` meanwhile.
        self.polled.clear();
        self.polled.extend_from_slice(&self.fds);
        let ms = super::timeout_ms(timeout);
        let (buf, len) = (self.polled.as_mut_ptr(), self.polled.len() as libc::nfds_t);
        let n = match timeout {
            Some(us) if self.precise => {
                let ts = super::timeout_ts(us);
                // SAFETY: `polled` is a valid array of `len` pollfds used only
                // here; `ts` outlives the call; `lock` is the base's, held.
                unsafe { super::unlocked(lock, || libc::ppoll(buf, len, &ts, std::ptr::null())) }
            }
            // SAFETY: as above.
            _ => unsafe { super::unlocked(lock, || libc::poll(buf, len, ms)) },
        };
        if n < 0 {
            if errno() == libc::EINTR {
                return Ok(());
            }
            log::warn_errno("poll");
            return Err(());
        }
        if n == 0 {
            return Ok(());
        }
        for p in &self.polled {
            let mut what = p.revents;
            if what == 0 {
                continue;
            }
            if what & libc::POLLNVAL != 0 {
                // A closed fd left registered: its events fire (as with
                // libevent) so the program can notice; if it ignores that
                // and nothing changes, the fd is parked (poll skips negative
                // fds) rather than spun on.
                self.nval_seen.push(p.fd);
            }
            if what & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
                what |= libc::POLLIN | libc::POLLOUT;
            }
            let mut ev: c_short = 0;
            if what & libc::POLLIN != 0 {
                ev |= EV_READ;
            }
            if what & libc::POLLOUT != 0 {
                ev |= EV_WRITE;
            }
            if what & libc::POLLRDHUP != 0 {
                ev |= EV_CLOSED;
            }
            if ev != 0 {
                out.push(Ready { fd: p.fd, what: ev });
            }
        }
        Ok(())
    }

    fn set_precise(&mut self, on: bool) {
        self.precise = on;
    }

    fn need_reinit(&self) -> bool {
        false
    }
}
