//! Signals: a `sigaction` handler that counts each delivery and wakes the
//! base that owns signals through a non-blocking pipe; the base's internal
//! read event on that pipe turns the counts into `EV_SIGNAL` activations.
//! The handler a program had before is saved and restored when the last
//! event for that signal is deleted.
//!
//! As with libevent, one base at a time receives signals: the one that most
//! recently added a signal event or started its loop.

use super::iomap::IoMap;
use crate::log;
use libc::c_int;
use std::sync::atomic::{AtomicI32, AtomicU32, AtomicUsize, Ordering};

pub const NSIG: usize = 65;

/// The write end of the owning base's pipe, or -1.
static WAKE_FD: AtomicI32 = AtomicI32::new(-1);
/// How many signals the owning base has handlers for.
static OWNER_NSIG: AtomicUsize = AtomicUsize::new(0);
/// The owning base's address (only printed in a warning).
static OWNER: AtomicUsize = AtomicUsize::new(0);
/// Deliveries not yet seen by a base, per signal.
static CAUGHT: [AtomicU32; NSIG] = [const { AtomicU32::new(0) }; NSIG];

extern "C" fn on_signal(sig: c_int) {
    // SAFETY: errno is thread-local; saving and restoring it keeps the
    // interrupted code's errno intact. Only async-signal-safe calls follow.
    unsafe {
        let errp = libc::__errno_location();
        let saved = *errp;
        if (sig as usize) < NSIG {
            CAUGHT[sig as usize].fetch_add(1, Ordering::Relaxed);
        }
        let fd = WAKE_FD.load(Ordering::Relaxed);
        if fd >= 0 {
            let b = sig as u8;
            libc::write(fd, (&b as *const u8).cast(), 1);
        }
        *errp = saved;
    }
}

/// Takes the count of deliveries of `sig` since the last call.
pub fn take_caught(sig: usize) -> u32 {
    CAUGHT[sig].swap(0, Ordering::Relaxed)
}

/// Per-base signal state.
pub struct SigState {
    pub map: IoMap,
    /// The wake pipe, created with the first signal event; [-1, -1] before.
    pub pipe: [c_int; 2],
    old: Vec<Option<Box<libc::sigaction>>>,
    /// How many signals have our handler installed for this base.
    pub n_installed: usize,
}

impl Default for SigState {
    fn default() -> Self {
        SigState { map: IoMap::default(), pipe: [-1, -1], old: Vec::new(), n_installed: 0 }
    }
}

impl SigState {
    /// Creates the wake pipe if needed; false (logged) on failure.
    pub fn ensure_pipe(&mut self) -> bool {
        if self.pipe[0] >= 0 {
            return true;
        }
        let mut fds = [-1; 2];
        // SAFETY: fds is a valid 2-int array.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } != 0 {
            log::warn_errno("evsig_init_: socketpair");
            return false;
        }
        self.pipe = fds;
        true
    }

    pub fn close_pipe(&mut self) {
        for fd in &mut self.pipe {
            if *fd >= 0 {
                // Unpublish before closing, so the handler never writes to a
                // closed (or reused) fd.
                if WAKE_FD.load(Ordering::Relaxed) == *fd {
                    WAKE_FD.store(-1, Ordering::Relaxed);
                    OWNER_NSIG.store(0, Ordering::Relaxed);
                }
                // SAFETY: the fd is ours.
                unsafe { libc::close(*fd) };
                *fd = -1;
            }
        }
    }

    /// Makes this base the receiver of signals.
    pub fn take_ownership(&self, base: *const libc::c_void) {
        if self.pipe[1] >= 0 {
            WAKE_FD.store(self.pipe[1], Ordering::Relaxed);
            OWNER_NSIG.store(self.n_installed, Ordering::Relaxed);
            OWNER.store(base as usize, Ordering::Relaxed);
        }
    }

    /// The base holding signals if it is another one with signals added
    /// (libevent warns: one base at a time).
    pub fn other_base_with_signals(&self) -> Option<*const libc::c_void> {
        let fd = WAKE_FD.load(Ordering::Relaxed);
        (fd >= 0 && fd != self.pipe[1] && OWNER_NSIG.load(Ordering::Relaxed) > 0)
            .then(|| OWNER.load(Ordering::Relaxed) as *const libc::c_void)
    }

    fn publish_count(&self) {
        if self.owns_signals() {
            OWNER_NSIG.store(self.n_installed, Ordering::Relaxed);
        }
    }

    pub fn owns_signals(&self) -> bool {
        self.pipe[1] >= 0 && WAKE_FD.load(Ordering::Relaxed) == self.pipe[1]
    }

    /// Installs our handler for `sig`, keeping the old one.
    pub fn install(&mut self, sig: usize) -> bool {
        if self.old.len() <= sig {
            self.old.resize_with(sig + 1, || None);
        }
        // SAFETY: a zeroed sigaction is valid; the pointers are valid.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_signal as extern "C" fn(c_int) as usize;
            sa.sa_flags = libc::SA_RESTART;
            libc::sigfillset(&mut sa.sa_mask);
            let mut old: Box<libc::sigaction> = Box::new(std::mem::zeroed());
            if libc::sigaction(sig as c_int, &sa, &mut *old) == -1 {
                log::warn_errno("sigaction");
                return false;
            }
            self.old[sig] = Some(old);
        }
        self.n_installed += 1;
        self.publish_count();
        true
    }

    /// Puts back the handler `sig` had before `install`.
    pub fn restore(&mut self, sig: usize) {
        if let Some(old) = self.old.get_mut(sig).and_then(Option::take) {
            // SAFETY: `old` is the sigaction saved by `install`.
            if unsafe { libc::sigaction(sig as c_int, &*old, std::ptr::null_mut()) } == -1 {
                log::warn_errno("sigaction");
            }
            self.n_installed -= 1;
            self.publish_count();
        }
    }

    /// Empties the pipe (its bytes only wake us; the counts are in CAUGHT).
    pub fn drain(&self) {
        let mut buf = [0u8; 256];
        loop {
            // SAFETY: buf is writable for its length.
            let n = unsafe { libc::read(self.pipe[0], buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                break;
            }
        }
    }
}
