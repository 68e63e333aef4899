//! [`Base`]: the event loop, and [`Builder`] for its configuration.

use super::error::{check, Error, Result};
use crate::capi::event as cev;
use crate::capi::event_base;
use crate::core::base::{
    EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST, EVENT_BASE_FLAG_IGNORE_ENV, EVENT_BASE_FLAG_NOLOCK,
    EVENT_BASE_FLAG_NO_CACHE_TIME, EVENT_BASE_FLAG_PRECISE_TIMER, EVENT_BASE_FLAG_RS_FAST_TIMERS,
    EVLOOP_NONBLOCK, EVLOOP_NO_EXIT_ON_EMPTY, EVLOOP_ONCE,
};
use std::ffi::{CStr, CString};
use std::fmt;
use std::ops::BitOr;
use std::ptr::{self, NonNull};
use std::rc::Rc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The owner of one `event_base` pointer; shared by every clone of a [`Base`].
struct BaseInner {
    raw: NonNull<event_base>,
    owned: bool,
    /// Made with locking on and notifiable: other threads may activate its events.
    threadsafe: bool,
}

impl Drop for BaseInner {
    fn drop(&mut self) {
        if self.owned {
            // SAFETY: we made this base and this is the last handle to it;
            // every Rust object on it holds a handle, so none is left, and
            // its loop is not running (running it borrows a handle).
            unsafe { cev::event_base_free(self.raw.as_ptr()) };
        }
    }
}

/// An event loop (`struct event_base`).
///
/// Clones are handles to the same loop. A base made here is freed when the
/// last handle goes; events, bufferevents and listeners made on it hold a
/// handle, so they never outlive it.
///
/// ```
/// use event_rs::Base;
/// use std::time::Duration;
///
/// let base = Base::new()?;
/// let t = base.timer(|_ev, _what| println!("250 ms later"))?;
/// t.add_timeout(Duration::from_millis(250))?;
/// base.run()?; // returns when no events are left
/// # Ok::<(), event_rs::Error>(())
/// ```
#[derive(Clone)]
pub struct Base {
    inner: Rc<BaseInner>,
}

impl fmt::Debug for Base {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Base").field("raw", &self.inner.raw).field("owned", &self.inner.owned).finish()
    }
}

/// How a run of the loop ended.
///
/// ```
/// use event_rs::{Base, LoopExit};
/// let base = Base::new()?;
/// assert_eq!(base.run()?, LoopExit::NoEvents);
/// # Ok::<(), event_rs::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoopExit {
    /// The loop ended because of [`Base::exit`], [`Base::exit_after`] or
    /// [`Base::break_loop`], or after its one pass ([`Base::run_once`],
    /// [`Base::run_nonblock`]).
    Stopped,
    /// No events were pending or active any more.
    NoEvents,
}

/// A backend (the OS mechanism the loop waits with).
///
/// ```
/// use event_rs::{Backend, Base};
/// let base = Base::builder().backend(Backend::Poll).build()?;
/// assert_eq!(base.backend(), Some(Backend::Poll));
/// assert!(Base::supported_backends().contains(&Backend::Select));
/// # Ok::<(), event_rs::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backend {
    /// `epoll(7)`: the default on Linux.
    Epoll,
    /// `poll(2)`.
    Poll,
    /// `select(2)`.
    Select,
}

impl Backend {
    const ALL: [Backend; 3] = [Backend::Epoll, Backend::Poll, Backend::Select];

    /// The name libevent gives it (`"epoll"`, `"poll"`, `"select"`).
    ///
    /// ```
    /// assert_eq!(event_rs::Backend::Epoll.name(), "epoll");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Backend::Epoll => "epoll",
            Backend::Poll => "poll",
            Backend::Select => "select",
        }
    }

    fn from_name(name: &str) -> Option<Backend> {
        Backend::ALL.into_iter().find(|b| b.name() == name)
    }
}

/// Backend features (`EV_FEATURE_*`), combined with `|`.
///
/// ```
/// use event_rs::{Base, Features};
/// let base = Base::builder().require_features(Features::ET | Features::O1).build()?;
/// assert!(base.features().contains(Features::ET));
/// # Ok::<(), event_rs::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Features(i32);

impl Features {
    /// Edge-triggered I/O (`EV_FEATURE_ET`).
    pub const ET: Features = Features(0x01);
    /// O(1) event addition and dispatch (`EV_FEATURE_O1`).
    pub const O1: Features = Features(0x02);
    /// Any kind of file descriptor, not only sockets (`EV_FEATURE_FDS`).
    pub const FDS: Features = Features(0x04);
    /// Reports a peer's close without reading (`EV_FEATURE_EARLY_CLOSE`), see [`crate::Interest::CLOSED`].
    pub const EARLY_CLOSE: Features = Features(0x08);

    /// No feature.
    pub const fn empty() -> Features {
        Features(0)
    }
    /// Whether every feature of `other` is in `self`.
    pub const fn contains(self, other: Features) -> bool {
        self.0 & other.0 == other.0
    }
    /// The `EV_FEATURE_*` bits.
    pub const fn bits(self) -> i32 {
        self.0
    }
}

impl BitOr for Features {
    type Output = Features;
    fn bitor(self, rhs: Features) -> Features {
        Features(self.0 | rhs.0)
    }
}

/// Configuration for a new [`Base`] (`struct event_config`).
///
/// ```
/// use event_rs::{Backend, Base};
/// let base = Base::builder()
///     .avoid(Backend::Epoll)
///     .priorities(3)
///     .no_cache_time()
///     .build()?;
/// assert_ne!(base.backend(), Some(Backend::Epoll));
/// assert_eq!(base.priorities(), 3);
/// # Ok::<(), event_rs::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct Builder {
    avoid: Vec<Backend>,
    features: Features,
    flags: i32,
    priorities: Option<usize>,
    dispatch: Option<(Option<Duration>, Option<usize>, usize)>,
    threadsafe: bool,
}

impl Builder {
    /// Never use `backend`.
    pub fn avoid(mut self, backend: Backend) -> Builder {
        self.avoid.push(backend);
        self
    }
    /// Use `backend` (by avoiding all the others).
    pub fn backend(mut self, backend: Backend) -> Builder {
        self.avoid.extend(Backend::ALL.into_iter().filter(|b| *b != backend));
        self
    }
    /// Only accept backends that have all of `features`.
    pub fn require_features(mut self, features: Features) -> Builder {
        self.features = self.features | features;
        self
    }
    /// No lock even when threads are enabled (`EVENT_BASE_FLAG_NOLOCK`).
    pub fn no_lock(mut self) -> Builder {
        self.flags |= EVENT_BASE_FLAG_NOLOCK;
        self
    }
    /// Ignore the `EVENT_*` environment variables (`EVENT_BASE_FLAG_IGNORE_ENV`).
    pub fn ignore_env(mut self) -> Builder {
        self.flags |= EVENT_BASE_FLAG_IGNORE_ENV;
        self
    }
    /// Read the clock for every timeout instead of once per loop
    /// iteration (`EVENT_BASE_FLAG_NO_CACHE_TIME`).
    pub fn no_cache_time(mut self) -> Builder {
        self.flags |= EVENT_BASE_FLAG_NO_CACHE_TIME;
        self
    }
    /// Batch epoll changes (`EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST`).
    pub fn epoll_changelist(mut self) -> Builder {
        self.flags |= EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST;
        self
    }
    /// Use the most precise clock available (`EVENT_BASE_FLAG_PRECISE_TIMER`).
    pub fn precise_timer(mut self) -> Builder {
        self.flags |= EVENT_BASE_FLAG_PRECISE_TIMER;
        self
    }
    /// Fast timers (`EVENT_BASE_FLAG_RS_FAST_TIMERS`, event_rs only): timers
    /// still fire in deadline order, but timers with equal deadlines may
    /// fire in another order than libevent's (see docs/COMPATIBILITY.md).
    pub fn fast_timers(mut self) -> Builder {
        self.flags |= EVENT_BASE_FLAG_RS_FAST_TIMERS;
        self
    }
    /// Lets other threads activate this base's events through a
    /// [`Trigger`](crate::Trigger): turns on the library's pthreads locking
    /// for the whole process (`evthread_use_pthreads`, once), then makes
    /// the base locked and wakeable. Conflicts with [`Builder::no_lock`].
    pub fn threadsafe(mut self) -> Builder {
        self.threadsafe = true;
        self
    }
    /// Number of callback priorities, 1 to 256 (default 1); see [`Base::set_priorities`].
    pub fn priorities(mut self, n: usize) -> Builder {
        self.priorities = Some(n);
        self
    }
    /// After `max_interval` or `max_callbacks` callbacks of priority
    /// `min_priority` or later, look for new events before running more.
    pub fn max_dispatch_interval(
        mut self,
        max_interval: Option<Duration>,
        max_callbacks: Option<usize>,
        min_priority: usize,
    ) -> Builder {
        self.dispatch = Some((max_interval, max_callbacks, min_priority));
        self
    }

    /// Makes the base; fails if no backend fits.
    pub fn build(self) -> Result<Base> {
        if self.threadsafe {
            if self.flags & EVENT_BASE_FLAG_NOLOCK != 0 {
                return Err(Error::InvalidInput("threadsafe and no_lock together"));
            }
            check(crate::capi::thread::evthread_use_pthreads(), "evthread_use_pthreads")?;
        }
        // A fresh config, freed below on every path.
        let cfg = cev::event_config_new();
        if cfg.is_null() {
            return Err(Error::Failed("event_config_new"));
        }
        let raw = (|| {
            for b in &self.avoid {
                let name = CString::new(b.name()).map_err(|_| Error::InvalidInput("backend name"))?;
                // SAFETY: cfg is live; name is a C string.
                check(unsafe { cev::event_config_avoid_method(cfg, name.as_ptr()) }, "event_config_avoid_method")?;
            }
            // SAFETY: cfg is live.
            unsafe {
                check(cev::event_config_require_features(cfg, self.features.0), "event_config_require_features")?;
                check(cev::event_config_set_flag(cfg, self.flags), "event_config_set_flag")?;
            }
            if let Some((iv, n, pri)) = self.dispatch {
                let tv = iv.map(super::duration_to_tv);
                let tvp = tv.as_ref().map_or(ptr::null(), |t| t as *const libc::timeval);
                let n = n.map_or(-1, |n| n.min(i32::MAX as usize) as i32);
                let pri = pri.min(i32::MAX as usize) as i32;
                // SAFETY: cfg is live; tvp is null or points at tv, alive here.
                let rc = unsafe { cev::event_config_set_max_dispatch_interval(cfg, tvp, n, pri) };
                check(rc, "event_config_set_max_dispatch_interval")?;
            }
            // SAFETY: cfg is live.
            let raw = unsafe { cev::event_base_new_with_config(cfg) };
            NonNull::new(raw).ok_or(Error::Failed("event_base_new_with_config: no backend fits"))
        })();
        // SAFETY: cfg came from event_config_new and is used no more.
        unsafe { cev::event_config_free(cfg) };
        let base = Base { inner: Rc::new(BaseInner { raw: raw?, owned: true, threadsafe: self.threadsafe }) };
        if let Some(n) = self.priorities {
            base.set_priorities(n)?;
        }
        if self.threadsafe {
            // SAFETY: a live base of ours.
            let rc = unsafe { crate::capi::thread::evthread_make_base_notifiable(base.as_raw()) };
            check(rc, "evthread_make_base_notifiable")?;
        }
        Ok(base)
    }
}

impl Base {
    /// A base with the default configuration.
    pub fn new() -> Result<Base> {
        Builder::default().build()
    }

    /// A [`Builder`] to configure a base.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// A non-owning handle to a base made elsewhere (by a C program, say):
    /// dropping it does not free the base.
    ///
    /// # Safety
    /// `raw` is a live `event_base`, and stays live as long as this handle,
    /// its clones, or any event, bufferevent or listener made through it
    /// exist.
    ///
    /// ```
    /// use event_rs::Base;
    /// let owner = Base::new()?;
    /// // SAFETY: `owner` keeps the base alive longer than `view`.
    /// let view = unsafe { Base::from_raw(owner.as_raw()) }?;
    /// assert_eq!(view.as_raw(), owner.as_raw());
    /// # Ok::<(), event_rs::Error>(())
    /// ```
    pub unsafe fn from_raw(raw: *mut event_base) -> Result<Base> {
        let raw = NonNull::new(raw).ok_or(Error::InvalidInput("null event_base"))?;
        Ok(Base { inner: Rc::new(BaseInner { raw, owned: false, threadsafe: false }) })
    }

    /// The `struct event_base *` for C code. It stays valid while this
    /// handle (or a clone) lives.
    pub fn as_raw(&self) -> *mut event_base {
        self.inner.raw.as_ptr()
    }

    /// Whether this handle frees the base (false for [`Base::from_raw`]).
    pub fn is_owned(&self) -> bool {
        self.inner.owned
    }

    /// Whether it was built with [`Builder::threadsafe`].
    pub fn is_threadsafe(&self) -> bool {
        self.inner.threadsafe
    }

    fn run_flags(&self, flags: i32) -> Result<LoopExit> {
        // SAFETY: the base is live (we hold a handle); the C side refuses a
        // re-entrant run from a callback with -1.
        match unsafe { cev::event_base_loop(self.as_raw(), flags) } {
            0 => Ok(LoopExit::Stopped),
            1 => Ok(LoopExit::NoEvents),
            _ => Err(Error::Failed("event_base_loop")),
        }
    }

    /// Runs the loop until no events are left or it is stopped
    /// (`event_base_dispatch`). Fails if the loop is already running.
    pub fn run(&self) -> Result<LoopExit> {
        self.run_flags(0)
    }

    /// Runs the loop until it is stopped, even while no events are pending
    /// (`EVLOOP_NO_EXIT_ON_EMPTY`): for loops fed by other threads through
    /// [`Trigger`](crate::Trigger)s.
    pub fn run_forever(&self) -> Result<LoopExit> {
        self.run_flags(EVLOOP_NO_EXIT_ON_EMPTY)
    }

    /// Waits for events once, runs their callbacks, then returns (`EVLOOP_ONCE`).
    pub fn run_once(&self) -> Result<LoopExit> {
        self.run_flags(EVLOOP_ONCE)
    }

    /// Runs the callbacks of events that are ready now, without waiting (`EVLOOP_NONBLOCK`).
    ///
    /// ```
    /// use event_rs::{Base, Ready};
    /// use std::{cell::Cell, rc::Rc};
    /// let base = Base::new()?;
    /// let hits = Rc::new(Cell::new(0));
    /// let h = hits.clone();
    /// let ev = base.user_event(move |_ev, _what| h.set(h.get() + 1))?;
    /// ev.activate(Ready::TIMEOUT)?;
    /// base.run_nonblock()?;
    /// assert_eq!(hits.get(), 1);
    /// # Ok::<(), event_rs::Error>(())
    /// ```
    pub fn run_nonblock(&self) -> Result<LoopExit> {
        self.run_flags(EVLOOP_NONBLOCK)
    }

    /// Stops the loop after `delay` (`event_base_loopexit`): the callbacks
    /// ready by then still run.
    ///
    /// ```
    /// use event_rs::{Base, LoopExit};
    /// use std::time::Duration;
    /// let base = Base::new()?;
    /// let tick = base.interval(|_ev, _what| {})?;
    /// tick.add_timeout(Duration::from_millis(10))?;
    /// base.exit_after(Duration::from_millis(50))?;
    /// assert_eq!(base.run()?, LoopExit::Stopped);
    /// assert!(base.got_exit());
    /// # Ok::<(), event_rs::Error>(())
    /// ```
    pub fn exit_after(&self, delay: Duration) -> Result<()> {
        let tv = super::duration_to_tv(delay);
        // SAFETY: live base; tv outlives the call.
        check(unsafe { cev::event_base_loopexit(self.as_raw(), &tv) }, "event_base_loopexit")
    }

    /// Stops the loop once the callbacks ready now have run (`event_base_loopexit(base, NULL)`).
    pub fn exit(&self) -> Result<()> {
        // SAFETY: live base.
        check(unsafe { cev::event_base_loopexit(self.as_raw(), ptr::null()) }, "event_base_loopexit")
    }

    /// Stops the loop right after the running callback (`event_base_loopbreak`).
    pub fn break_loop(&self) -> Result<()> {
        // SAFETY: live base.
        check(unsafe { cev::event_base_loopbreak(self.as_raw()) }, "event_base_loopbreak")
    }

    /// Whether the last run ended through [`Base::exit`] or [`Base::exit_after`].
    pub fn got_exit(&self) -> bool {
        // SAFETY: live base.
        unsafe { cev::event_base_got_exit(self.as_raw()) != 0 }
    }

    /// Whether the last run ended through [`Base::break_loop`].
    pub fn got_break(&self) -> bool {
        // SAFETY: live base.
        unsafe { cev::event_base_got_break(self.as_raw()) != 0 }
    }

    /// The backend's name (`"epoll"`, `"poll"`, `"select"`).
    pub fn method(&self) -> &'static str {
        // SAFETY: live base; the name is a static C string.
        let p = unsafe { cev::event_base_get_method(self.as_raw()) };
        if p.is_null() {
            return "";
        }
        // SAFETY: non-null names are static NUL-terminated ASCII.
        unsafe { CStr::from_ptr::<'static>(p) }.to_str().unwrap_or("")
    }

    /// The backend as a [`Backend`].
    pub fn backend(&self) -> Option<Backend> {
        Backend::from_name(self.method())
    }

    /// The backends this build supports, preferred first.
    pub fn supported_backends() -> Vec<Backend> {
        let list = cev::event_get_supported_methods();
        let mut out = Vec::new();
        if list.is_null() {
            return out;
        }
        for i in 0.. {
            // SAFETY: a NULL-terminated static array of static C strings.
            let p = unsafe { *list.add(i) };
            if p.is_null() {
                break;
            }
            // SAFETY: as above.
            if let Some(b) = unsafe { CStr::from_ptr(p) }.to_str().ok().and_then(Backend::from_name) {
                out.push(b);
            }
        }
        out
    }

    /// The features of the backend in use.
    pub fn features(&self) -> Features {
        // SAFETY: live base.
        Features(unsafe { cev::event_base_get_features(self.as_raw()) })
    }

    /// The number of priorities (priority 0 runs first).
    pub fn priorities(&self) -> usize {
        // SAFETY: live base.
        unsafe { cev::event_base_get_npriorities(self.as_raw()) }.max(0) as usize
    }

    /// Sets the number of priorities, 1 to 256. Fails while callbacks are active.
    pub fn set_priorities(&self, n: usize) -> Result<()> {
        if n == 0 || n > 256 {
            return Err(Error::InvalidInput("priorities must be 1 to 256"));
        }
        // SAFETY: live base.
        check(unsafe { cev::event_base_priority_init(self.as_raw(), n as i32) }, "event_base_priority_init")
    }

    /// The wall-clock time cached at the start of this loop iteration (or
    /// the current time when the loop is not running callbacks).
    ///
    /// ```
    /// let base = event_rs::Base::new()?;
    /// assert!(base.cached_time()? > std::time::UNIX_EPOCH);
    /// # Ok::<(), event_rs::Error>(())
    /// ```
    pub fn cached_time(&self) -> Result<SystemTime> {
        let mut tv = libc::timeval { tv_sec: 0, tv_usec: 0 };
        // SAFETY: live base; tv is writable.
        check(
            unsafe { cev::event_base_gettimeofday_cached(self.as_raw(), &mut tv) },
            "event_base_gettimeofday_cached",
        )?;
        let d = Duration::new(tv.tv_sec.max(0) as u64, (tv.tv_usec.clamp(0, 999_999) as u32) * 1000);
        Ok(UNIX_EPOCH + d)
    }

    /// Refreshes the cached time (useful in a long callback).
    pub fn update_cache_time(&self) -> Result<()> {
        // SAFETY: live base.
        check(unsafe { cev::event_base_update_cache_time(self.as_raw()) }, "event_base_update_cache_time")
    }

    /// The monotonic clock the base's timers run on.
    pub fn monotonic_now(&self) -> Result<Duration> {
        let mut tv = libc::timeval { tv_sec: 0, tv_usec: 0 };
        // SAFETY: live base; tv is writable.
        check(unsafe { cev::event_gettime_monotonic(self.as_raw(), &mut tv) }, "event_gettime_monotonic")?;
        Ok(Duration::new(tv.tv_sec.max(0) as u64, (tv.tv_usec.clamp(0, 999_999) as u32) * 1000))
    }

    /// The number of events added to the base (not counting internal ones).
    pub fn num_events(&self) -> usize {
        // SAFETY: live base.
        unsafe { cev::event_base_get_num_events(self.as_raw(), crate::core::base::EVENT_BASE_COUNT_ADDED) }.max(0)
            as usize
    }
}
