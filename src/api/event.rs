//! [`Event`]: an owned `struct event` with a closure — I/O readiness,
//! timers, signals, manual activation.

use super::base::Base;
use super::error::{check, Error, Result};
use crate::capi::event as cev;
use crate::capi::event_t;
use crate::core::event::{EV_CLOSED, EV_ET, EV_PERSIST, EV_READ, EV_SIGNAL, EV_TIMEOUT, EV_WRITE};
use libc::{c_short, c_void};
use std::cell::{Cell, OnceCell, RefCell};
use std::fmt;
use std::ops::BitOr;
use std::os::fd::{AsRawFd, RawFd};
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What an I/O event waits for, and how (`EV_READ`, `EV_WRITE`,
/// `EV_CLOSED`, `EV_PERSIST`, `EV_ET`), combined with `|`.
///
/// ```
/// use event_rs::Interest;
/// let i = Interest::READ | Interest::PERSIST;
/// assert!(i.contains(Interest::READ) && !i.contains(Interest::WRITE));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Interest(c_short);

impl Interest {
    /// The descriptor is readable.
    pub const READ: Interest = Interest(EV_READ);
    /// The descriptor is writable.
    pub const WRITE: Interest = Interest(EV_WRITE);
    /// The peer closed the connection (needs [`crate::Features::EARLY_CLOSE`]).
    pub const CLOSED: Interest = Interest(EV_CLOSED);
    /// Stay added after firing (otherwise the event fires once).
    pub const PERSIST: Interest = Interest(EV_PERSIST);
    /// Edge-triggered (needs [`crate::Features::ET`]).
    pub const EDGE: Interest = Interest(EV_ET);

    /// Nothing.
    pub const fn empty() -> Interest {
        Interest(0)
    }
    /// Whether all of `other` is in `self`.
    pub const fn contains(self, other: Interest) -> bool {
        self.0 & other.0 == other.0
    }
    /// The `EV_*` bits.
    pub const fn bits(self) -> i16 {
        self.0
    }
}

impl BitOr for Interest {
    type Output = Interest;
    fn bitor(self, rhs: Interest) -> Interest {
        Interest(self.0 | rhs.0)
    }
}

/// Why a callback runs (`EV_TIMEOUT`, `EV_READ`, `EV_WRITE`, `EV_SIGNAL`, `EV_CLOSED`).
///
/// ```
/// use event_rs::Ready;
/// let r = Ready::READ | Ready::TIMEOUT;
/// assert!(r.is_readable() && r.is_timeout() && !r.is_writable());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Ready(c_short);

impl Ready {
    /// The timeout expired.
    pub const TIMEOUT: Ready = Ready(EV_TIMEOUT);
    /// The descriptor is readable.
    pub const READ: Ready = Ready(EV_READ);
    /// The descriptor is writable.
    pub const WRITE: Ready = Ready(EV_WRITE);
    /// The signal arrived.
    pub const SIGNAL: Ready = Ready(EV_SIGNAL);
    /// The peer closed.
    pub const CLOSED: Ready = Ready(EV_CLOSED);

    /// Readable.
    pub const fn is_readable(self) -> bool {
        self.0 & EV_READ != 0
    }
    /// Writable.
    pub const fn is_writable(self) -> bool {
        self.0 & EV_WRITE != 0
    }
    /// The timeout expired.
    pub const fn is_timeout(self) -> bool {
        self.0 & EV_TIMEOUT != 0
    }
    /// The signal arrived.
    pub const fn is_signal(self) -> bool {
        self.0 & EV_SIGNAL != 0
    }
    /// The peer closed.
    pub const fn is_closed(self) -> bool {
        self.0 & EV_CLOSED != 0
    }
    /// The `EV_*` bits.
    pub const fn bits(self) -> i16 {
        self.0
    }
}

impl BitOr for Ready {
    type Output = Ready;
    fn bitor(self, rhs: Ready) -> Ready {
        Ready(self.0 | rhs.0)
    }
}

type Callback = Box<dyn FnMut(&EventRef, Ready)>;

/// An event as its callback sees it: it can re-add, delete or activate
/// itself. [`Event`] dereferences to it, so these methods are also the
/// handle's.
///
/// ```
/// use event_rs::Base;
/// use std::time::Duration;
/// let base = Base::new()?;
/// let mut left = 3;
/// // A one-shot timer that reschedules itself twice.
/// let t = base.timer(move |ev, _what| {
///     left -= 1;
///     if left > 0 {
///         ev.add_timeout(Duration::from_millis(5)).unwrap();
///     }
/// })?;
/// t.add_timeout(Duration::from_millis(5))?;
/// base.run()?;
/// assert!(!t.is_pending());
/// # Ok::<(), event_rs::Error>(())
/// ```
pub struct EventRef {
    /// The `struct event` (from `event_new`); null once freed.
    raw: Cell<*mut event_t>,
    cb: RefCell<Option<Callback>>,
    /// How many calls of the callback are on the stack.
    running: Cell<u32>,
    /// The handle was dropped while the callback ran: free on return.
    doomed: Cell<bool>,
    /// Shared with [`Trigger`]s: the event's address, 0 once it is gone.
    remote: OnceCell<Arc<Mutex<usize>>>,
    base: Base,
}

/// An owned event: a `struct event` and its closure. Made by
/// [`Base::io`], [`Base::timer`], [`Base::interval`], [`Base::signal`] or
/// [`Base::user_event`]; it waits only once added ([`EventRef::add`],
/// [`EventRef::add_timeout`]).
///
/// Dropping it deletes and frees the event — safe from inside its own
/// callback, and from inside other events' callbacks.
///
/// ```
/// use event_rs::{Base, Interest};
/// use std::{cell::RefCell, io::Write, os::unix::net::UnixStream, rc::Rc};
///
/// let base = Base::new()?;
/// let (mut a, b) = UnixStream::pair()?;
/// let slot: Rc<RefCell<Option<event_rs::Event>>> = Rc::default();
/// let s = slot.clone();
/// let ev = base.io(&b, Interest::READ | Interest::PERSIST, move |_ev, what| {
///     assert!(what.is_readable());
///     s.borrow_mut().take(); // drops this very event, from its callback
/// })?;
/// ev.add()?;
/// *slot.borrow_mut() = Some(ev);
/// a.write_all(b"x")?;
/// base.run()?; // no events left after the drop
/// assert!(slot.borrow().is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Event {
    inner: Rc<EventRef>,
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event").field("raw", &self.inner.raw.get()).finish()
    }
}

impl fmt::Debug for EventRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventRef").field("raw", &self.raw.get()).finish()
    }
}

impl std::ops::Deref for Event {
    type Target = EventRef;
    fn deref(&self) -> &EventRef {
        &self.inner
    }
}

/// The C callback of every Rust event; `arg` is the event's [`EventRef`].
unsafe extern "C" fn trampoline(_fd: libc::c_int, what: c_short, arg: *mut c_void) {
    let p = arg.cast_const().cast::<EventRef>();
    // SAFETY: `arg` is `Rc::as_ptr` of the EventRef of a live event: an
    // event fires only while not freed, and it is freed only by the
    // handle's drop (the handle holds the Rc) or below by a frame that
    // holds its own Rc. Taking another strong count keeps it alive for
    // this call even if the closure drops the handle.
    let me = unsafe {
        Rc::increment_strong_count(p);
        Rc::from_raw(p)
    };
    me.running.set(me.running.get() + 1);
    // Taken out for the call, so a nested run cannot alias it.
    let cb = me.cb.borrow_mut().take();
    if let Some(mut f) = cb {
        f(&me, Ready(what));
        if !me.doomed.get() {
            *me.cb.borrow_mut() = Some(f);
        }
    }
    me.running.set(me.running.get() - 1);
    if me.running.get() == 0 && me.doomed.get() {
        me.free_now();
    }
}

impl EventRef {
    /// Tells the triggers the event is gone; after this returns none of
    /// them is inside `event_active` on it any more.
    fn cut_triggers(&self) {
        if let Some(m) = self.remote.get() {
            *m.lock().unwrap_or_else(|e| e.into_inner()) = 0;
        }
    }

    /// Frees the C event (once).
    fn free_now(&self) {
        self.cut_triggers();
        let raw = self.raw.replace(std::ptr::null_mut());
        if !raw.is_null() {
            // SAFETY: raw came from event_new and is freed once (replaced
            // by null); none of its callbacks is running (running == 0), and
            // the loop does not touch an event after its callback returned.
            unsafe { cev::event_free(raw) };
        }
    }

    fn live(&self) -> Result<*mut event_t> {
        let raw = self.raw.get();
        if raw.is_null() || self.doomed.get() {
            Err(Error::Gone)
        } else {
            Ok(raw)
        }
    }

    /// Makes the event pending without a timeout (I/O and signal events
    /// wait for their descriptor or signal).
    pub fn add(&self) -> Result<()> {
        let raw = self.live()?;
        // SAFETY: raw is a live event from event_new, its base alive (we hold a Base).
        check(unsafe { cev::event_add(raw, std::ptr::null()) }, "event_add")
    }

    /// Makes the event pending with a timeout of `timeout` from now; a
    /// pending event is rescheduled.
    pub fn add_timeout(&self, timeout: Duration) -> Result<()> {
        let raw = self.live()?;
        let tv = super::duration_to_tv(timeout);
        // SAFETY: as in `add`; tv outlives the call.
        check(unsafe { cev::event_add(raw, &tv) }, "event_add")
    }

    /// Makes the event non-pending and non-active (`event_del`).
    pub fn del(&self) -> Result<()> {
        let raw = self.live()?;
        // SAFETY: as in `add`.
        check(unsafe { cev::event_del(raw) }, "event_del")
    }

    /// Removes only the timeout of a pending event.
    pub fn remove_timer(&self) -> Result<()> {
        let raw = self.live()?;
        // SAFETY: as in `add`.
        check(unsafe { cev::event_remove_timer(raw) }, "event_remove_timer")
    }

    /// Makes the event active as if `why` had happened; its callback runs
    /// in the loop's next pass. Works whether or not it is added.
    pub fn activate(&self, why: Ready) -> Result<()> {
        let raw = self.live()?;
        // SAFETY: as in `add`.
        unsafe { cev::event_active(raw, why.0 as libc::c_int, 1) };
        Ok(())
    }

    /// Whether the event is pending or active for anything.
    pub fn is_pending(&self) -> bool {
        self.pending_for(Ready::READ | Ready::WRITE | Ready::SIGNAL | Ready::TIMEOUT | Ready::CLOSED)
    }

    /// Whether the event is pending (or active) for any of `what`.
    pub fn pending_for(&self, what: Ready) -> bool {
        match self.live() {
            // SAFETY: as in `add`; no timeval wanted.
            Ok(raw) => unsafe { cev::event_pending(raw, what.0, std::ptr::null_mut()) != 0 },
            Err(_) => false,
        }
    }

    /// Sets the priority (0 first, below [`Base::priorities`]); fails while
    /// the event is active.
    pub fn set_priority(&self, priority: usize) -> Result<()> {
        let raw = self.live()?;
        if priority >= self.base.priorities() {
            return Err(Error::InvalidInput("priority out of range"));
        }
        // SAFETY: as in `add`.
        check(unsafe { cev::event_priority_set(raw, priority as i32) }, "event_priority_set")
    }

    /// The event's priority.
    pub fn priority(&self) -> usize {
        // SAFETY: as in `add`.
        self.live().map_or(0, |raw| unsafe { cev::event_get_priority(raw) }.max(0) as usize)
    }

    /// The descriptor (or signal number); `None` for timers and user events.
    pub fn fd(&self) -> Option<RawFd> {
        // SAFETY: as in `add`.
        let fd = self.live().map_or(-1, |raw| unsafe { cev::event_get_fd(raw) });
        (fd >= 0).then_some(fd)
    }

    /// The base the event belongs to.
    pub fn base(&self) -> &Base {
        &self.base
    }

    /// A [`Trigger`]: a `Send + Sync` handle that activates this event from
    /// any thread. Needs a base built with [`Builder::threadsafe`](crate::Builder::threadsafe).
    ///
    /// ```
    /// use event_rs::{Base, Ready};
    /// let base = Base::builder().threadsafe().build()?;
    /// let b = base.clone();
    /// let ev = base.user_event(move |_ev, what| {
    ///     assert!(what.is_readable());
    ///     b.break_loop().unwrap();
    /// })?;
    /// let trigger = ev.trigger()?;
    /// let t = std::thread::spawn(move || trigger.activate(Ready::READ));
    /// base.run_forever()?; // woken by the other thread
    /// t.join().unwrap()?;
    /// # Ok::<(), event_rs::Error>(())
    /// ```
    pub fn trigger(&self) -> Result<Trigger> {
        let raw = self.live()?;
        if !self.base.is_threadsafe() {
            return Err(Error::InvalidInput("the base is not threadsafe (Builder::threadsafe)"));
        }
        let m = self.remote.get_or_init(|| Arc::new(Mutex::new(raw as usize)));
        Ok(Trigger { ev: m.clone() })
    }

    /// The `struct event *`, for C code; valid while the handle lives.
    pub fn as_raw(&self) -> *mut event_t {
        self.raw.get()
    }
}

impl Drop for Event {
    fn drop(&mut self) {
        let me = &self.inner;
        if me.running.get() > 0 {
            // Inside its own callback: stop it now, free it on return.
            if !me.doomed.replace(true) {
                me.cut_triggers();
                let raw = me.raw.get();
                // SAFETY: raw is live (freed only when running drops to 0).
                unsafe { cev::event_del(raw) };
            }
        } else {
            me.free_now();
        }
    }
}

impl Base {
    fn new_event(&self, fd: RawFd, events: c_short, cb: Callback) -> Result<Event> {
        let inner = Rc::new(EventRef {
            raw: Cell::new(std::ptr::null_mut()),
            cb: RefCell::new(Some(cb)),
            running: Cell::new(0),
            doomed: Cell::new(false),
            remote: OnceCell::new(),
            base: self.clone(),
        });
        let arg = Rc::as_ptr(&inner).cast_mut().cast::<c_void>();
        // SAFETY: the base is live; arg outlives the event (see trampoline).
        let raw = unsafe { cev::event_new(self.as_raw(), fd, events, Some(trampoline), arg) };
        if raw.is_null() {
            return Err(Error::Failed("event_new"));
        }
        inner.raw.set(raw);
        Ok(Event { inner })
    }

    /// An I/O event on `fd` for `interest` (read/write/closed, and
    /// [`Interest::PERSIST`] / [`Interest::EDGE`]). The descriptor must
    /// stay open while the event is added.
    ///
    /// ```
    /// use event_rs::{Base, Interest};
    /// use std::os::unix::net::UnixStream;
    /// let base = Base::new()?;
    /// let (a, _b) = UnixStream::pair()?;
    /// let ev = base.io(&a, Interest::WRITE, |_ev, what| assert!(what.is_writable()))?;
    /// ev.add()?;
    /// base.run()?; // one-shot: fires once, then nothing is left
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn io<F>(&self, fd: &impl AsRawFd, interest: Interest, cb: F) -> Result<Event>
    where
        F: FnMut(&EventRef, Ready) + 'static,
    {
        let fd = fd.as_raw_fd();
        if fd < 0 {
            return Err(Error::InvalidInput("negative file descriptor"));
        }
        let allowed = EV_READ | EV_WRITE | EV_CLOSED | EV_PERSIST | EV_ET;
        if interest.0 & !allowed != 0 || interest.0 & (EV_READ | EV_WRITE | EV_CLOSED) == 0 {
            return Err(Error::InvalidInput("I/O interest needs READ, WRITE or CLOSED"));
        }
        self.new_event(fd, interest.0, Box::new(cb))
    }

    /// A one-shot timer: arm it with [`EventRef::add_timeout`], again to
    /// reschedule.
    pub fn timer<F>(&self, cb: F) -> Result<Event>
    where
        F: FnMut(&EventRef, Ready) + 'static,
    {
        self.new_event(-1, 0, Box::new(cb))
    }

    /// A repeating timer: [`EventRef::add_timeout`] sets its period.
    ///
    /// ```
    /// use event_rs::Base;
    /// use std::time::Duration;
    /// let base = Base::new()?;
    /// let mut n = 0;
    /// let tick = base.interval(move |ev, _what| {
    ///     n += 1;
    ///     if n == 3 {
    ///         ev.del().unwrap();
    ///     }
    /// })?;
    /// tick.add_timeout(Duration::from_millis(5))?;
    /// base.run()?;
    /// # Ok::<(), event_rs::Error>(())
    /// ```
    pub fn interval<F>(&self, cb: F) -> Result<Event>
    where
        F: FnMut(&EventRef, Ready) + 'static,
    {
        self.new_event(-1, EV_PERSIST, Box::new(cb))
    }

    /// A persistent event for signal `signum` (e.g. `libc::SIGINT`);
    /// it catches the signal once added.
    ///
    /// ```
    /// use event_rs::Base;
    /// let base = Base::new()?;
    /// let ev = base.signal(libc::SIGUSR1, |ev, what| {
    ///     assert!(what.is_signal());
    ///     ev.del().unwrap();
    /// })?;
    /// ev.add()?;
    /// unsafe { libc::raise(libc::SIGUSR1) };
    /// base.run()?;
    /// # Ok::<(), event_rs::Error>(())
    /// ```
    pub fn signal<F>(&self, signum: i32, cb: F) -> Result<Event>
    where
        F: FnMut(&EventRef, Ready) + 'static,
    {
        if !(1..65).contains(&signum) {
            return Err(Error::InvalidInput("signal number out of range"));
        }
        self.new_event(signum, EV_SIGNAL | EV_PERSIST, Box::new(cb))
    }

    /// An event that only runs when activated ([`EventRef::activate`]).
    pub fn user_event<F>(&self, cb: F) -> Result<Event>
    where
        F: FnMut(&EventRef, Ready) + 'static,
    {
        self.new_event(-1, 0, Box::new(cb))
    }
}

/// Activates an [`Event`] from any thread (see [`EventRef::trigger`]).
/// Once the event is dropped, [`Trigger::activate`] returns
/// [`Error::Gone`]. The callback still runs on the loop's thread.
#[derive(Clone, Debug)]
pub struct Trigger {
    /// The event's address; 0 once the event is gone. Its owner clears it
    /// under the lock before freeing the event, so an activation either
    /// finishes first or sees 0.
    ev: Arc<Mutex<usize>>,
}

impl Trigger {
    /// Makes the event active as if `why` had happened, and wakes the loop.
    pub fn activate(&self, why: Ready) -> Result<()> {
        let guard = self.ev.lock().unwrap_or_else(|e| e.into_inner());
        if *guard == 0 {
            return Err(Error::Gone);
        }
        // SAFETY: the event is live while the address is non-zero and we
        // hold the lock (see the field); its base is locked and notifiable
        // (trigger() requires a threadsafe base), so this is allowed from
        // any thread.
        unsafe { cev::event_active(*guard as *mut event_t, why.0 as libc::c_int, 1) };
        Ok(())
    }
}
