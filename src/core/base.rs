//! `struct event_base`: the reactor. Owns the backend, the fd and signal
//! maps, the timer heap and the active queues, and runs the loop.
//!
//! Borrowing discipline: the base is reached through a raw pointer because
//! user callbacks re-enter the API (adding, deleting, freeing events, even
//! breaking the loop) while the loop runs. A `&mut EventBase` is only ever
//! held for a stretch of code that calls no user callback; the loop drops it
//! before each callback and takes it again after.

use super::backend::{AnyBackend, Backend, Ready, METHODS};
use super::clock::{self, micros_to_tv, tv_to_micros, Micros, USEC_PER_SEC};
use super::event::*;
use super::iomap::{slot_add, slot_add_fits, slot_add_unchecked, slot_del, slot_mask_after_add, AddError, IoMap};
use super::signal::{self, SigState, NSIG};
use super::timer::TimerHeap;
use super::debug;
use crate::log;
use crate::thread;
use libc::{c_int, c_short, c_void, timeval};
use std::ffi::CStr;
use std::ptr;

// Base flags (`event_base_config_flag`).
pub const EVENT_BASE_FLAG_NOLOCK: c_int = 0x01;
pub const EVENT_BASE_FLAG_IGNORE_ENV: c_int = 0x02;
pub const EVENT_BASE_FLAG_STARTUP_IOCP: c_int = 0x04;
pub const EVENT_BASE_FLAG_NO_CACHE_TIME: c_int = 0x08;
pub const EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST: c_int = 0x10;
pub const EVENT_BASE_FLAG_PRECISE_TIMER: c_int = 0x20;
/// Ours: fast timers (see `timer::Fast`; ties may fire in another order).
/// libevent's `event_config_set_flag` keeps unknown bits, so a program
/// setting it still runs on libevent.
pub const EVENT_BASE_FLAG_RS_FAST_TIMERS: c_int = 0x1000_0000;

// Loop flags.
pub const EVLOOP_ONCE: c_int = 0x01;
pub const EVLOOP_NONBLOCK: c_int = 0x02;
pub const EVLOOP_NO_EXIT_ON_EMPTY: c_int = 0x04;

pub const EVENT_BASE_COUNT_ACTIVE: u32 = 1;
pub const EVENT_BASE_COUNT_VIRTUAL: u32 = 2;
pub const EVENT_BASE_COUNT_ADDED: u32 = 4;

pub const EVENT_MAX_PRIORITIES: c_int = 256;

/// `tv_usec` encoding of a common timeout, as libevent encodes it: a magic
/// nibble, an 8-bit index and 20 bits of microseconds.
pub const COMMON_TIMEOUT_MICROSECONDS_MASK: i64 = 0x000f_ffff;
const COMMON_TIMEOUT_IDX_MASK: i64 = 0x0ff0_0000;
const COMMON_TIMEOUT_IDX_SHIFT: u32 = 20;
const COMMON_TIMEOUT_MASK: i64 = 0xf000_0000;
const COMMON_TIMEOUT_MAGIC: i64 = 0x5000_0000;
const MAX_COMMON_TIMEOUTS: usize = 256;

/// How often the monotonic-to-wall-clock offset is refreshed.
const CLOCK_SYNC_INTERVAL: Micros = 5 * clock::USEC_PER_SEC;

/// `event_del` flavours.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum DelMode {
    /// Never wait for a running callback.
    NoBlock,
    /// Wait for a running callback in another thread.
    Block,
    /// Wait unless the event has EV_FINALIZE.
    AutoBlock,
    /// Delete even an event that is being finalized (base teardown).
    EvenIfFinalizing,
}

/// `struct event_config`.
pub struct EventConfig {
    pub avoid: Vec<Vec<u8>>,
    pub require_features: c_int,
    pub flags: c_int,
    pub n_cpus_hint: c_int,
    pub max_dispatch_interval: Option<Micros>,
    pub max_dispatch_callbacks: c_int,
    pub limit_callbacks_after_prio: c_int,
}

impl Default for EventConfig {
    fn default() -> Self {
        EventConfig {
            avoid: Vec::new(),
            require_features: 0,
            flags: 0,
            n_cpus_hint: 0,
            max_dispatch_interval: None,
            max_dispatch_callbacks: c_int::MAX,
            limit_callbacks_after_prio: 1,
        }
    }
}

/// An intrusive FIFO of callbacks, linked through `active_next/prev`.
#[derive(Clone, Copy)]
pub struct CbQueue {
    head: *mut EventCallback,
    tail: *mut EventCallback,
}

impl Default for CbQueue {
    fn default() -> Self {
        CbQueue { head: ptr::null_mut(), tail: ptr::null_mut() }
    }
}

impl CbQueue {
    fn is_empty(&self) -> bool {
        self.head.is_null()
    }
    /// # Safety
    /// `cb` is live and in no queue.
    #[inline]
    unsafe fn push_back(&mut self, cb: *mut EventCallback) {
        // SAFETY: `cb` and the tail are live (queue invariant).
        unsafe {
            (*cb).active_next = ptr::null_mut();
            (*cb).active_prev = self.tail;
            if self.tail.is_null() {
                self.head = cb;
            } else {
                (*self.tail).active_next = cb;
            }
        }
        self.tail = cb;
    }
    /// # Safety
    /// `cb` is live and in this queue.
    #[inline]
    unsafe fn remove(&mut self, cb: *mut EventCallback) {
        // SAFETY: `cb` and its neighbours are live (queue invariant).
        unsafe {
            let (p, n) = ((*cb).active_prev, (*cb).active_next);
            if p.is_null() {
                self.head = n;
            } else {
                (*p).active_next = n;
            }
            if n.is_null() {
                self.tail = p;
            } else {
                (*n).active_prev = p;
            }
            (*cb).active_next = ptr::null_mut();
            (*cb).active_prev = ptr::null_mut();
        }
    }
    fn iter(&self) -> CbIter {
        CbIter(self.head)
    }
}

struct CbIter(*mut EventCallback);
impl Iterator for CbIter {
    type Item = *mut EventCallback;
    fn next(&mut self) -> Option<*mut EventCallback> {
        if self.0.is_null() {
            return None;
        }
        let c = self.0;
        // SAFETY: queue members are live; callers do not mutate the queue
        // while iterating.
        self.0 = unsafe { (*c).active_next };
        Some(c)
    }
}

/// A one-shot event made by `event_base_once`: the event plus the program's
/// callback. Owned by the base until it fires or the base is freed.
#[repr(C)]
struct OnceEvent {
    ev: Event,
    cb: EventCallbackFn,
    arg: *mut c_void,
}

pub struct EventBase {
    backend: Option<AnyBackend>,
    /// "epoll (with changelist)" when a program asks for libevent's
    /// changelist: our epoll always batches changes, but the name reports
    /// what was asked, as libevent's does.
    method_name: &'static CStr,
    pub flags: c_int,

    io: IoMap,
    sig: SigState,
    /// The internal read event on the signal pipe.
    sig_ev: Box<Event>,
    timers: TimerHeap,
    ready: Vec<Ready>,
    /// How many events the epoll backend's last wait left in its buffer
    /// (read there directly rather than copied into `ready`).
    epoll_ready: usize,

    active: Vec<CbQueue>,
    active_later: CbQueue,
    running_priority: c_int,

    /// Non-internal events counted once per queue they are on (inserted,
    /// timeout, active), as libevent counts them.
    event_count: c_int,
    event_count_max: c_int,
    event_count_active: c_int,
    event_count_active_max: c_int,
    virtual_event_count: c_int,
    virtual_event_count_max: c_int,

    running_loop: bool,
    got_term: bool,
    got_break: bool,
    got_continue: bool,
    /// The callback running now, or null.
    pub current: *mut EventCallback,
    /// Remaining runs of the signal callback in progress; zeroed by
    /// `event_del` so a deleted signal event stops being called.
    current_ncalls: c_short,

    /// Cached monotonic time while the loop runs callbacks (0: none).
    tv_cache: Micros,
    /// Wall clock minus monotonic clock.
    clock_diff: Micros,
    clock_diff_updated: Micros,

    max_dispatch_time: Option<Micros>,
    max_dispatch_callbacks: c_int,
    limit_callbacks_after_prio: c_int,

    /// The queues of `event_base_init_common_timeout`, indexed by the tag
    /// in their duration's `tv_usec`.
    common_timeouts: Vec<Box<CommonTimeout>>,

    once_events: Vec<*mut OnceEvent>,
    /// The base's lock (null without threading), the condition that
    /// `event_del` waits on for a callback running in another thread, and
    /// how many wait.
    th_lock: *mut c_void,
    th_cond: *mut c_void,
    /// No lock, no condition, debug mode off when the base was made: the
    /// API's fast paths need test nothing else (debug mode cannot be turned
    /// on once a base exists; turned off, the general paths still serve).
    plain: bool,
    current_waiters: c_int,
    /// The thread running the loop (thread-id callback's value).
    owner_id: libc::c_ulong,
    /// eventfd that wakes the loop from other threads (-1: not notifiable),
    /// its internal read event, and whether a wake-up is already pending.
    notify_fd: c_int,
    notify_ev: Box<Event>,
    notify_pending: bool,
    /// Deferred callbacks queued this iteration (beyond a few, they wait
    /// for the next one so I/O is not starved).
    n_deferreds_queued: c_int,
}

/// Deferred callbacks beyond this many per iteration run on the next one.
const MAX_DEFERREDS_QUEUED: c_int = 32;

// ---- construction -------------------------------------------------------

fn env_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty())
}

impl EventBase {
    /// `event_base_new_with_config`. Logs and returns None when no backend fits.
    pub fn new(cfg: Option<&EventConfig>) -> Option<Box<EventBase>> {
        let default_cfg = EventConfig::default();
        let cfg = cfg.unwrap_or(&default_cfg);
        let check_env = cfg.flags & EVENT_BASE_FLAG_IGNORE_ENV == 0;
        let mut flags = cfg.flags;
        if check_env && env_set("EVENT_PRECISE_TIMER") {
            flags |= EVENT_BASE_FLAG_PRECISE_TIMER;
        }
        if check_env && std::env::var_os("EVENT_RS_FAST_TIMERS").is_some_and(|v| !v.is_empty() && v != "0") {
            flags |= EVENT_BASE_FLAG_RS_FAST_TIMERS;
        }
        let mut backend = None;
        for m in METHODS.iter() {
            let name = m.name.to_bytes();
            if cfg.avoid.iter().any(|a| a.as_slice() == name) {
                continue;
            }
            if m.features & cfg.require_features != cfg.require_features {
                continue;
            }
            if check_env {
                let var = format!("EVENT_NO{}", m.name.to_str().unwrap_or("").to_ascii_uppercase());
                if env_set(&var) {
                    continue;
                }
            }
            if let Some(b) = (m.new)() {
                backend = Some(b);
                break;
            }
        }
        let Some(mut backend) = backend else {
            log::warnx("event_base_new_with_config: no event mechanism available");
            return None;
        };
        backend.set_precise(flags & EVENT_BASE_FLAG_PRECISE_TIMER != 0);
        let changelist = flags & EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST != 0
            || (check_env && env_set("EVENT_EPOLL_USE_CHANGELIST"));
        let method_name = if changelist && backend.name() == c"epoll" { c"epoll (with changelist)" } else { backend.name() };
        if check_env && env_set("EVENT_SHOW_METHOD") {
            log::msgx(&format!("libevent using: {}", method_name.to_str().unwrap_or("")));
        }
        let mut limit_after = cfg.limit_callbacks_after_prio;
        let max_cbs = if cfg.max_dispatch_callbacks >= 0 { cfg.max_dispatch_callbacks } else { c_int::MAX };
        if max_cbs == c_int::MAX && cfg.max_dispatch_interval.is_none() {
            limit_after = c_int::MAX;
        }
        let now = clock::monotonic_now();
        let mut base = Box::new(EventBase {
            backend: Some(backend),
            method_name,
            flags,
            io: IoMap::default(),
            sig: SigState::default(),
            sig_ev: new_zeroed_event(),
            timers: TimerHeap::new(flags & EVENT_BASE_FLAG_RS_FAST_TIMERS != 0, now),
            ready: Vec::with_capacity(32),
            epoll_ready: 0,
            active: vec![CbQueue::default()],
            active_later: CbQueue::default(),
            running_priority: -1,
            event_count: 0,
            event_count_max: 0,
            event_count_active: 0,
            event_count_active_max: 0,
            virtual_event_count: 0,
            virtual_event_count_max: 0,
            running_loop: false,
            got_term: false,
            got_break: false,
            got_continue: false,
            current: ptr::null_mut(),
            current_ncalls: 0,
            tv_cache: 0,
            clock_diff: clock::wall_now() - now,
            clock_diff_updated: now,
            max_dispatch_time: cfg.max_dispatch_interval,
            max_dispatch_callbacks: max_cbs,
            limit_callbacks_after_prio: limit_after,
            common_timeouts: Vec::new(),
            once_events: Vec::new(),
            n_deferreds_queued: 0,
            th_lock: ptr::null_mut(),
            plain: false,
            th_cond: ptr::null_mut(),
            current_waiters: 0,
            owner_id: 0,
            notify_fd: -1,
            notify_ev: new_zeroed_event(),
            notify_pending: false,
        });
        let bp: *mut EventBase = &mut *base;
        let sig_ev: *mut Event = &mut *base.sig_ev;
        // SAFETY: sig_ev is a live, boxed event owned by the base.
        unsafe {
            assign(sig_ev, bp, -1, EV_READ | EV_PERSIST, Some(signal_wake_cb), bp.cast());
            (*sig_ev).callback.flags |= EVLIST_INTERNAL;
            (*sig_ev).callback.pri = 0;
        }
        if thread::locking_enabled() && cfg.flags & EVENT_BASE_FLAG_NOLOCK == 0 {
            base.th_lock = thread::alloc_lock(thread::LOCKTYPE_RECURSIVE);
            base.th_cond = thread::alloc_cond();
            if base.make_notifiable() < 0 {
                log::warnx("event_base_new_with_config: Unable to make base notifiable.");
                // SAFETY: a fresh base with no events and no running loop.
                unsafe { free(Box::into_raw(base), false) };
                return None;
            }
        }
        // As libevent: once a base exists, debug mode can no longer be
        // turned on (which `plain` relies on).
        debug::mark_too_late();
        base.plain = base.th_lock.is_null() && base.th_cond.is_null() && !debug::is_on();
        Some(base)
    }

    /// `evthread_make_base_notifiable`: an eventfd whose internal read
    /// event lets other threads wake the loop.
    pub fn make_notifiable(&mut self) -> c_int {
        if self.notify_fd >= 0 {
            return 0;
        }
        // SAFETY: plain syscall.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if fd < 0 {
            return -1;
        }
        self.notify_fd = fd;
        let me: *mut EventBase = self;
        let nev: *mut Event = &mut *self.notify_ev;
        // SAFETY: the base's own boxed event.
        unsafe {
            assign(nev, me, fd, EV_READ | EV_PERSIST, Some(notify_drain_cb), me.cast());
            (*nev).callback.flags |= EVLIST_INTERNAL;
            (*nev).callback.pri = 0;
            if self.add(nev, None, false) < 0 {
                return -1;
            }
        }
        0
    }

    /// Whether an API call on this thread must wake the loop: it runs in
    /// another thread (libevent's EVBASE_NEED_NOTIFY).
    fn need_notify(&self) -> bool {
        self.running_loop && thread::have_id_fn() && self.owner_id != thread::current_id()
    }

    /// Wakes the loop if another thread runs it.
    #[inline(always)]
    pub fn notify_if_needed(&mut self) {
        // Without threads the base has no eventfd: one branch.
        if self.notify_fd >= 0 && !self.notify_pending && self.need_notify() {
            self.notify_pending = true;
            let one: u64 = 1;
            // SAFETY: writing 8 bytes to our eventfd.
            unsafe { libc::write(self.notify_fd, (&one as *const u64).cast(), 8) };
        }
    }

    /// Whether the base has no lock (threading off): API calls may then skip
    /// `with_lock` and call the base directly.
    #[inline(always)]
    pub fn is_lockless(&self) -> bool {
        self.th_lock.is_null()
    }

    /// No lock, no threads' condition, debug mode off: the API may use the
    /// `*_plain` fast paths.
    #[inline(always)]
    pub fn is_plain(&self) -> bool {
        self.plain
    }

    /// Whether the caller is the thread running the loop (or threads are off).
    fn in_loop_thread(&self) -> bool {
        !thread::have_id_fn() || self.owner_id == thread::current_id()
    }

    /// The callback running in the loop, if the caller is the loop's thread.
    pub fn running_callback(&self) -> *mut EventCallback {
        if self.in_loop_thread() {
            self.current
        } else {
            ptr::null_mut()
        }
    }

    pub fn method_name(&self) -> &'static CStr {
        self.method_name
    }

    pub fn features(&self) -> c_int {
        self.backend.as_ref().map_or(0, |b| b.features())
    }

    pub fn npriorities(&self) -> c_int {
        self.active.len() as c_int
    }

    pub fn n_active_callbacks(&self) -> c_int {
        self.event_count_active
    }

    fn have_events(&self) -> bool {
        self.virtual_event_count > 0 || self.event_count > 0
    }

    pub fn is_running(&self) -> bool {
        self.running_loop
    }
}

pub fn new_zeroed_event() -> Box<Event> {
    // SAFETY: all-zero bytes are a valid Event (integers, null pointers,
    // `None` callbacks).
    let mut ev: Box<Event> = unsafe { Box::new(std::mem::zeroed()) };
    ev.timeout_pos = TimeoutPos::NONE;
    ev
}

// ---- time -----------------------------------------------------------------

impl EventBase {
    /// Monotonic "now": the cached value inside the loop, else the clock.
    #[inline(always)]
    pub fn now(&mut self) -> Micros {
        if self.tv_cache != 0 {
            return self.tv_cache;
        }
        let now = clock::monotonic_now();
        if self.clock_diff_updated + CLOCK_SYNC_INTERVAL < now {
            self.sync_clock_diff(now);
        }
        now
    }

    /// `now`'s periodic part: the offset of the wall clock.
    #[cold]
    #[inline(never)]
    fn sync_clock_diff(&mut self, now: Micros) {
        self.clock_diff = clock::wall_now() - now;
        self.clock_diff_updated = now;
    }

    fn clear_time_cache(&mut self) {
        self.tv_cache = 0;
    }

    pub fn update_time_cache(&mut self) {
        self.tv_cache = 0;
        if self.flags & EVENT_BASE_FLAG_NO_CACHE_TIME == 0 {
            self.tv_cache = self.now();
        }
    }

    /// `event_base_update_cache_time`: only meaningful while looping.
    pub fn refresh_cache_time(&mut self) {
        if self.running_loop {
            self.update_time_cache();
        }
    }

    /// The cached wall-clock time, if the loop has one.
    pub fn cached_wall_time(&self) -> Option<timeval> {
        (self.tv_cache != 0).then(|| micros_to_tv(self.tv_cache + self.clock_diff))
    }

    pub fn monotonic_tv(&mut self) -> timeval {
        micros_to_tv(clock::monotonic_now())
    }

    /// Monotonic microseconds as the wall clock would read them.
    pub fn to_wall(&self, mono: Micros) -> Micros {
        mono + self.clock_diff
    }
}

// ---- common timeouts -------------------------------------------------------

/// A common timeout: every event added with this duration waits in one FIFO
/// (their expiries are in order by construction), and only the head is
/// timed, by an internal timer in the heap — adding or removing such an
/// event is O(1) however many share the duration.
pub struct CommonTimeout {
    /// The tagged duration handed to the program (its address is the handle).
    duration: timeval,
    head: *mut Event,
    tail: *mut Event,
    /// Internal timer (priority 0) that fires when the head expires.
    timer: Box<Event>,
    base: *mut EventBase,
}

impl EventBase {
    /// The common-timeout queue `tv` names, if it carries this base's tag.
    fn common_index(&self, tv: &timeval) -> Option<usize> {
        let u = tv.tv_usec as i64;
        let idx = ((u & COMMON_TIMEOUT_IDX_MASK) >> COMMON_TIMEOUT_IDX_SHIFT) as usize;
        (u & COMMON_TIMEOUT_MASK == COMMON_TIMEOUT_MAGIC && idx < self.common_timeouts.len()).then_some(idx)
    }

    /// Whether `tv` is one of this base's common-timeout durations.
    pub fn is_common_timeout(&self, tv: &timeval) -> bool {
        self.common_index(tv).is_some()
    }

    /// `event_base_init_common_timeout`.
    pub fn init_common_timeout(&mut self, duration: &timeval) -> *const timeval {
        let mut d = *duration;
        if d.tv_usec > 1_000_000 {
            if self.is_common_timeout(&d) {
                d.tv_usec &= COMMON_TIMEOUT_MICROSECONDS_MASK as libc::suseconds_t;
            }
            d.tv_sec += d.tv_usec / 1_000_000;
            d.tv_usec %= 1_000_000;
        }
        for c in &self.common_timeouts {
            if c.duration.tv_sec == d.tv_sec
                && (c.duration.tv_usec as i64 & COMMON_TIMEOUT_MICROSECONDS_MASK) == d.tv_usec as i64
            {
                return &c.duration;
            }
        }
        if self.common_timeouts.len() == MAX_COMMON_TIMEOUTS {
            log::warnx(&format!(
                "event_base_init_common_timeout: Too many common timeouts already in use; we only support {MAX_COMMON_TIMEOUTS} per event_base"
            ));
            return ptr::null();
        }
        let i = self.common_timeouts.len();
        let base: *mut EventBase = self;
        let mut ct = Box::new(CommonTimeout {
            duration: timeval {
                tv_sec: d.tv_sec,
                tv_usec: (d.tv_usec as i64 | COMMON_TIMEOUT_MAGIC | ((i as i64) << COMMON_TIMEOUT_IDX_SHIFT))
                    as libc::suseconds_t,
            },
            head: ptr::null_mut(),
            tail: ptr::null_mut(),
            timer: new_zeroed_event(),
            base,
        });
        let arg: *mut CommonTimeout = &mut *ct;
        let timer: *mut Event = &mut *ct.timer;
        // SAFETY: the timer is a live boxed event owned by the queue.
        unsafe {
            assign(timer, base, -1, 0, Some(common_timeout_cb), arg.cast());
            (*timer).callback.flags |= EVLIST_INTERNAL;
            (*timer).callback.pri = 0;
        }
        self.common_timeouts.push(ct);
        &self.common_timeouts[i].duration
    }

    /// Links `ev` into its queue, keeping the queue ordered by expiry
    /// (searching from the tail: nearly always the right place at once),
    /// and times the queue if `ev` became its head.
    ///
    /// # Safety
    /// `ev` is live, its `timeout` carries queue `q`'s tag, in no queue.
    unsafe fn common_insert(&mut self, q: usize, ev: *mut Event) {
        // SAFETY: `ev` is live (caller).
        let key = strip_tag(unsafe { &(*ev).timeout });
        let ct = &mut *self.common_timeouts[q];
        // SAFETY: queue members are live; `ev` is not yet linked.
        unsafe {
            let mut after = ct.tail;
            while !after.is_null() && strip_tag(&(*after).timeout) > key {
                after = (*after).timeout_pos.list.prev;
            }
            let next = if after.is_null() { ct.head } else { (*after).timeout_pos.list.next };
            (*ev).timeout_pos = TimeoutPos { list: ListPos { next, prev: after } };
            if after.is_null() {
                ct.head = ev;
            } else {
                (*after).timeout_pos.list.next = ev;
            }
            if next.is_null() {
                ct.tail = ev;
            } else {
                (*next).timeout_pos.list.prev = ev;
            }
        }
        if ct.head == ev {
            self.schedule_common(q);
        }
    }

    /// # Safety
    /// `ev` is live and linked in queue `q`.
    unsafe fn common_remove(&mut self, q: usize, ev: *mut Event) {
        let ct = &mut *self.common_timeouts[q];
        // SAFETY: caller's contract; neighbours are live.
        unsafe {
            let ListPos { next, prev } = (*ev).timeout_pos.list;
            if prev.is_null() {
                ct.head = next;
            } else {
                (*prev).timeout_pos.list.next = next;
            }
            if next.is_null() {
                ct.tail = prev;
            } else {
                (*next).timeout_pos.list.prev = prev;
            }
            (*ev).timeout_pos = TimeoutPos::NONE;
        }
    }

    /// Times queue `q`'s internal timer for its head's expiry.
    fn schedule_common(&mut self, q: usize) {
        let ct = &mut *self.common_timeouts[q];
        if ct.head.is_null() {
            return;
        }
        // SAFETY: the head is live.
        let key = strip_tag(unsafe { &(*ct.head).timeout });
        let timer: *mut Event = &mut *ct.timer;
        let tv = micros_to_tv(key);
        // SAFETY: the queue's own live timer; an absolute, untagged time.
        unsafe { self.add(timer, Some(&tv), true) };
    }
}

/// A common-timeout queue's timer fired: activate every expired event at
/// its head, then time the queue for the next one.
unsafe extern "C" fn common_timeout_cb(_fd: EvutilSocket, _what: c_short, arg: *mut c_void) {
    let ct: *mut CommonTimeout = arg.cast();
    // SAFETY: `arg` is the queue owning this timer; its base is live, and
    // callbacks run unlocked, so take the lock.
    unsafe {
        with_lock((*ct).base, |b| {
            let q = b.common_index(&(*ct).duration).expect("own tag");
            let now = b.now();
            loop {
                let ev = b.common_timeouts[q].head;
                if ev.is_null() || strip_tag(&(*ev).timeout) > now {
                    break;
                }
                b.del(ev, DelMode::NoBlock);
                b.activate(ev, EV_TIMEOUT, 1);
            }
            b.schedule_common(q);
        })
    }
}

/// The microseconds of a timeval, without any common-timeout tag bits.
fn strip_tag(tv: &timeval) -> Micros {
    tv.tv_sec
        .saturating_mul(clock::USEC_PER_SEC)
        .saturating_add(tv.tv_usec as i64 & COMMON_TIMEOUT_MICROSECONDS_MASK)
}

// ---- counts ------------------------------------------------------------------

impl EventBase {
    #[inline(always)]
    fn incr_count(&mut self, flags: c_short) {
        if flags & EVLIST_INTERNAL == 0 {
            self.event_count += 1;
            if self.event_count > self.event_count_max {
                self.event_count_max = self.event_count;
            }
        }
    }
    #[inline]
    fn decr_count(&mut self, flags: c_short) {
        if flags & EVLIST_INTERNAL == 0 {
            self.event_count -= 1;
        }
    }

    /// `event_base_get_num_events`.
    pub fn num_events(&self, which: u32) -> c_int {
        let mut r = 0;
        if which & EVENT_BASE_COUNT_ACTIVE != 0 {
            r += self.event_count_active;
        }
        if which & EVENT_BASE_COUNT_VIRTUAL != 0 {
            r += self.virtual_event_count;
        }
        if which & EVENT_BASE_COUNT_ADDED != 0 {
            r += self.event_count;
        }
        r
    }

    /// `event_base_get_max_events`, optionally resetting the maxima.
    pub fn max_events(&mut self, which: u32, clear: bool) -> c_int {
        let mut r = 0;
        if which & EVENT_BASE_COUNT_ACTIVE != 0 {
            r += self.event_count_active_max;
            if clear {
                self.event_count_active_max = 0;
            }
        }
        if which & EVENT_BASE_COUNT_VIRTUAL != 0 {
            r += self.virtual_event_count_max;
            if clear {
                self.virtual_event_count_max = 0;
            }
        }
        if which & EVENT_BASE_COUNT_ADDED != 0 {
            r += self.event_count_max;
            if clear {
                self.event_count_max = 0;
            }
        }
        r
    }

    /// `event_base_add_virtual_`: keeps the loop alive without an event.
    pub fn add_virtual(&mut self) {
        self.virtual_event_count += 1;
        self.virtual_event_count_max = self.virtual_event_count_max.max(self.virtual_event_count);
    }

    /// `event_base_del_virtual_`.
    pub fn del_virtual(&mut self) {
        if self.virtual_event_count > 0 {
            self.virtual_event_count -= 1;
        }
    }
}

// ---- queues --------------------------------------------------------------------

impl EventBase {
    #[inline]
    fn queue_for(&mut self, cb: *mut EventCallback) -> &mut CbQueue {
        // SAFETY: `cb` is a live callback (caller's invariant).
        let pri = unsafe { (*cb).pri } as usize;
        // Events assigned before a later `event_base_priority_init` shrank
        // the queues keep their number; clamp rather than index out of range.
        let i = pri.min(self.active.len() - 1);
        &mut self.active[i]
    }

    /// # Safety
    /// `cb` is live and on no active queue.
    #[inline]
    unsafe fn insert_active(&mut self, cb: *mut EventCallback) {
        // SAFETY: `cb` is live (caller).
        let flags = unsafe { (*cb).flags };
        self.incr_count(flags);
        // SAFETY: as above.
        unsafe { (*cb).flags |= EVLIST_ACTIVE };
        self.event_count_active += 1;
        self.event_count_active_max = self.event_count_active_max.max(self.event_count_active);
        // SAFETY: `cb` is live and on no queue.
        unsafe { self.queue_for(cb).push_back(cb) };
    }

    /// # Safety
    /// `cb` is live and on its active queue.
    #[inline]
    unsafe fn remove_active(&mut self, cb: *mut EventCallback) {
        // SAFETY: `cb` is live and queued (caller).
        unsafe {
            self.decr_count((*cb).flags);
            (*cb).flags &= !EVLIST_ACTIVE;
            self.queue_for(cb).remove(cb);
        }
        self.event_count_active -= 1;
    }

    /// # Safety
    /// `cb` is live and on no queue.
    unsafe fn insert_active_later(&mut self, cb: *mut EventCallback) {
        // SAFETY: `cb` is live (caller).
        unsafe {
            self.incr_count((*cb).flags);
            (*cb).flags |= EVLIST_ACTIVE_LATER;
            self.active_later.push_back(cb);
        }
        self.event_count_active += 1;
        self.event_count_active_max = self.event_count_active_max.max(self.event_count_active);
    }

    /// # Safety
    /// `cb` is live and on the active-later queue.
    unsafe fn remove_active_later(&mut self, cb: *mut EventCallback) {
        // SAFETY: `cb` is live and queued (caller).
        unsafe {
            self.decr_count((*cb).flags);
            (*cb).flags &= !EVLIST_ACTIVE_LATER;
            self.active_later.remove(cb);
        }
        self.event_count_active -= 1;
    }

    /// Moves the callbacks activated "later" onto their active queues.
    fn make_later_events_active(&mut self) {
        while !self.active_later.is_empty() {
            let cb = self.active_later.head;
            // SAFETY: queue members are live.
            unsafe {
                self.active_later.remove(cb);
                (*cb).flags = ((*cb).flags & !EVLIST_ACTIVE_LATER) | EVLIST_ACTIVE;
                self.queue_for(cb).push_back(cb);
            }
        }
    }

    /// Queues `ev`'s timeout (its `timeout` field is already set): in the
    /// heap under `key` if given (an untagged expiry, in microseconds),
    /// else in the common-timeout FIFO its tag names.
    ///
    /// # Safety
    /// `ev` is live and its timeout is queued nowhere; `key` is None exactly
    /// when `ev.timeout` carries one of this base's common-timeout tags.
    #[inline]
    unsafe fn insert_timeout(&mut self, ev: *mut Event, key: Option<Micros>) {
        // SAFETY: `ev` is live (caller).
        unsafe {
            self.incr_count((*ev).callback.flags);
            (*ev).callback.flags |= EVLIST_TIMEOUT;
        }
        match key {
            // SAFETY: `ev` is live (caller) and stays until it leaves the heap.
            Some(key) => unsafe { self.timers.push(ev, key) },
            None => {
                // SAFETY: `ev` is live (caller).
                let q = self.common_index(unsafe { &(*ev).timeout }).expect("tagged timeout");
                // SAFETY: tagged for queue q, not linked anywhere.
                unsafe { self.common_insert(q, ev) }
            }
        }
    }

    /// # Safety
    /// `ev` is live and its timeout is queued (EVLIST_TIMEOUT).
    unsafe fn remove_timeout(&mut self, ev: *mut Event) {
        // SAFETY: `ev` is live (caller).
        let tv = unsafe {
            self.decr_count((*ev).callback.flags);
            (*ev).callback.flags &= !EVLIST_TIMEOUT;
            (*ev).timeout
        };
        match self.common_index(&tv) {
            // SAFETY: a tagged timeout is linked in its queue.
            Some(q) => unsafe { self.common_remove(q, ev) },
            // SAFETY: an untagged timeout is in the heap.
            None => unsafe { self.timers.remove(ev) },
        }
    }
}

// ---- add / del / activate --------------------------------------------------------

/// Stops the remaining runs of a signal callback in progress (`ev_pncalls`
/// points at the loop's count while it runs).
///
/// # Safety
/// `e` is a signal event.
unsafe fn stop_signal_calls(e: &mut Event) {
    // SAFETY: caller's contract; pncalls is null or the live loop counter.
    unsafe {
        let sc = e.links.extra.sig;
        if sc.ncalls != 0 && !sc.pncalls.is_null() {
            *sc.pncalls = 0;
        }
    }
}

#[cold]
fn signal_with_io() -> c_int {
    log::warnx("event_assign: EV_SIGNAL is not compatible with EV_READ, EV_WRITE or EV_CLOSED");
    -1
}

/// `event_assign` on raw memory. Returns -1 (logged) for invalid flags.
///
/// # Safety
/// `ev` points to writable memory of `size_of::<Event>()` bytes.
pub unsafe fn assign(
    ev: *mut Event,
    base: *mut EventBase,
    fd: EvutilSocket,
    events: c_short,
    cb: EventCallbackFn,
    arg: *mut c_void,
) -> c_int {
    // SAFETY: forwarded contract.
    let r = unsafe { assign_fields(ev, base, fd, events, cb, arg) };
    if r == 0 {
        debug::note_setup(ev);
    }
    r
}

/// `assign` without debug mode's bookkeeping (for callers that know debug
/// mode is off).
///
/// # Safety
/// As `assign`.
#[inline(always)]
pub unsafe fn assign_fields(
    ev: *mut Event,
    base: *mut EventBase,
    fd: EvutilSocket,
    events: c_short,
    cb: EventCallbackFn,
    arg: *mut c_void,
) -> c_int {
    let closure = if events & EV_SIGNAL != 0 {
        if events & EV_IO_MASK != 0 {
            return signal_with_io();
        }
        CLOSURE_EVENT_SIGNAL
    } else if events & EV_PERSIST != 0 {
        CLOSURE_EVENT_PERSIST
    } else {
        CLOSURE_EVENT
    };
    // SAFETY: caller guarantees `ev` is writable; `base`, if not null, is a
    // live base.
    unsafe {
        ptr::write_bytes(ev, 0, 1);
        (*ev).base = base;
        (*ev).callback.cb = CallbackUnion { event: cb };
        (*ev).callback.arg = arg;
        (*ev).callback.closure = closure;
        (*ev).callback.flags = EVLIST_INIT;
        (*ev).fd = fd;
        (*ev).events = events;
        (*ev).timeout_pos = TimeoutPos::NONE;
        if !base.is_null() {
            (*ev).callback.pri = ((*base).active.len() / 2) as u8;
        }
    }
    0
}

/// `resched_leaf` handles timevals with fewer seconds than this (2^40 s,
/// some 35,000 years) so that its arithmetic cannot overflow.
const RESCHED_SEC_MAX: u64 = 1 << 40;

impl EventBase {
/// `event_add_nolock_`: inserts `ev` in the fd or signal map unless it is
/// already inserted or active, and (re)schedules its timeout if `tv` is given.
///
/// # Safety
/// `ev` is live, assigned to this base, and not inside the base's memory.
#[inline(always)]
pub unsafe fn add(&mut self, ev: *mut Event, tv: Option<&timeval>, tv_is_absolute: bool) -> c_int {
    if tv.is_none() && !debug::is_on() {
        // SAFETY: forwarded contract.
        return unsafe { self.add_untimed(ev) };
    }
    // SAFETY: forwarded contract.
    unsafe { self.add_general(ev, tv, tv_is_absolute) }
}

/// `add` with no timeout, for callers that know debug mode is off. The
/// usual case (an I/O event on no queue) is inlined into the caller;
/// everything else goes to `add_general`.
///
/// # Safety
/// As `add`; debug mode is off.
#[inline(always)]
pub unsafe fn add_untimed(&mut self, ev: *mut Event) -> c_int {
    // SAFETY: caller's contract.
    let (flags, events) = unsafe { ((*ev).callback.flags, (*ev).events) };
    if flags & (EVLIST_FINALIZING | EVLIST_INSERTED | EVLIST_ACTIVE | EVLIST_ACTIVE_LATER) == 0
        && events & EV_SIGNAL == 0
        && events & EV_IO_MASK != 0
    {
        // What `add_general` does for such an event: `insert`, inlined.
        if self.io_add(ev, false) == -1 {
            return -1;
        }
        self.incr_count(flags);
        // SAFETY: caller's contract.
        unsafe { (*ev).callback.flags = flags | EVLIST_INSERTED };
        self.notify_if_needed();
        return 0;
    }
    // SAFETY: forwarded contract.
    unsafe { self.add_general(ev, None, false) }
}

/// The whole of `add_untimed` for an I/O event on no queue, on an epoll
/// base with no eventfd, when it needs no call at all (no syscall, no
/// growth of a table, no warning): then it is done and true is returned.
/// Otherwise nothing is touched and false is returned. A caller that only
/// tail-calls besides can so run without a stack frame.
///
/// # Safety
/// As `add`; debug mode is off (`is_plain`).
#[inline(always)]
pub unsafe fn add_leaf(&mut self, ev: *mut Event) -> bool {
    // SAFETY: caller's contract.
    let (flags, events, fd) = unsafe { ((*ev).callback.flags, (*ev).events, (*ev).fd) };
    if flags & (EVLIST_FINALIZING | EVLIST_INSERTED | EVLIST_ACTIVE | EVLIST_ACTIVE_LATER) != 0
        || events & EV_SIGNAL != 0
        || events & EV_IO_MASK == 0
        || self.notify_fd >= 0
        || fd < 0
        || fd as usize >= self.io.slots.len()
    {
        return false;
    }
    let Some(AnyBackend::Epoll(ep)) = &mut self.backend else { return false };
    // SAFETY: bounds checked above.
    let s = unsafe { self.io.slots.get_unchecked_mut(fd as usize) };
    if !slot_add_fits(s, events) {
        return false;
    }
    let new = slot_mask_after_add(s, events);
    if new != s.mask() && !ep.note_is_leaf(s) {
        return false;
    }
    // Nothing can fail from here: `add_untimed`'s steps (`slot_add`'s
    // without its checks, done above).
    let old = s.mask();
    // SAFETY: `ev` is live and in no list (not INSERTED); the counts fit.
    unsafe { slot_add_unchecked(s, ev, events, new) };
    if old != new {
        // SAFETY: `note_is_leaf` held and nothing changed since.
        unsafe { ep.note_leaf(fd, new, s) };
    }
    self.incr_count(flags);
    // SAFETY: caller's contract.
    unsafe { (*ev).callback.flags = flags | EVLIST_INSERTED };
    true
}

}

/// Whether `resched` can do the whole of `add` with the relative timeout
/// `tv` for `ev`: it already waits in the timer heap and needs nothing
/// else (no insertion, no active run to cancel, no common timeout before
/// or after, timevals small enough for plain arithmetic). Makes no call.
///
/// # Safety
/// `ev` is live.
#[inline(always)]
pub unsafe fn resched_fits(ev: *const Event, tv: &timeval) -> bool {
    // SAFETY: caller's contract.
    let e = unsafe { &*ev };
    let (flags, events) = (e.callback.flags, e.events);
    // A tagged (common) timeval has magic bits above the microseconds, so a
    // timeval with microseconds in [0, 1e6) is never one: that test stands
    // for `is_common_timeout` on both the new duration and the current
    // expiry (which, being in the heap, is normalised).
    flags & (EVLIST_FINALIZING | EVLIST_ACTIVE | EVLIST_TIMEOUT) == EVLIST_TIMEOUT
        && (events & (EV_IO_MASK | EV_SIGNAL) == 0 || flags & (EVLIST_INSERTED | EVLIST_ACTIVE_LATER) != 0)
        && (tv.tv_usec as u64) < USEC_PER_SEC as u64
        && (e.timeout.tv_usec as u64) < USEC_PER_SEC as u64
        && (tv.tv_sec as u64) < RESCHED_SEC_MAX
        && (e.timeout.tv_sec as u64) < RESCHED_SEC_MAX
}

impl EventBase {
/// The whole of `add` with the relative timeout `tv` for an event that
/// `resched_fits`: the usual rescheduling of a timer.
///
/// # Safety
/// As `add`; debug mode is off (`is_plain`); `resched_fits(ev, tv)`.
#[inline(always)]
pub unsafe fn resched(&mut self, ev: *mut Event, tv: &timeval) {
    // SAFETY: caller's contract.
    let e = unsafe { &mut *ev };
    // SAFETY: `ev` is live (caller's contract).
    debug_assert!(unsafe { resched_fits(ev, tv) });
    if e.callback.closure == CLOSURE_EVENT_PERSIST {
        e.links.extra.io_timeout = *tv;
    }
    let now = self.now();
    // Both timevals are normalised and small (`resched_fits`), so
    // `tv_to_micros` would not saturate: plain arithmetic gives the same.
    // (Computed after the clock read: fewer values live across the call.)
    let d = tv.tv_sec * USEC_PER_SEC + tv.tv_usec as i64;
    let old = e.timeout.tv_sec * USEC_PER_SEC + e.timeout.tv_usec as i64;
    // Neither `now` (a clock reading) nor `d` is negative, so the sum fits
    // in a u64: `saturating_add` is then this.
    debug_assert!(now >= 0 && d >= 0);
    let key = (now as u64 + d as u64).min(i64::MAX as u64) as i64;
    // SAFETY: it is live and in the heap (TIMEOUT, not a common timeout)
    // and `old` is its key; the heap may read the previous expiry, so
    // `timeout` after.
    unsafe { self.timers.update_from(ev, old, key) };
    // `key` is not negative: `micros_to_tv` with an unsigned division.
    let k = key as u64;
    e.timeout = timeval { tv_sec: (k / USEC_PER_SEC as u64) as libc::time_t, tv_usec: (k % USEC_PER_SEC as u64) as libc::suseconds_t };
    self.notify_if_needed();
}

/// The whole of `del_plain` for an inserted I/O event on no other queue,
/// on an epoll base with no eventfd, when it needs no call; as `add_leaf`.
///
/// # Safety
/// As `del`; debug mode is off and the base has no condition (`is_plain`).
#[inline(always)]
pub unsafe fn del_leaf(&mut self, ev: *mut Event) -> bool {
    // SAFETY: caller's contract.
    let (flags, events, fd) = unsafe { ((*ev).callback.flags, (*ev).events, (*ev).fd) };
    if flags & (EVLIST_FINALIZING | EVLIST_TIMEOUT | EVLIST_ACTIVE | EVLIST_ACTIVE_LATER | EVLIST_INSERTED)
        != EVLIST_INSERTED
        || events & EV_SIGNAL != 0
        || events & EV_IO_MASK == 0
        || self.notify_fd >= 0
        || fd < 0
    {
        return false;
    }
    let Some(AnyBackend::Epoll(ep)) = &mut self.backend else { return false };
    debug_assert!((fd as usize) < self.io.slots.len());
    // SAFETY: `ev` is linked under `fd` (INSERTED), which so has a slot.
    let s = unsafe { self.io.slots.get_unchecked_mut(fd as usize) };
    if !ep.note_is_leaf(s) {
        // A change would need a call (the queue grown, or a syscall).
        return false;
    }
    if flags & EVLIST_INTERNAL == 0 {
        self.event_count -= 1;
    }
    // SAFETY: caller's contract.
    unsafe { (*ev).callback.flags = flags & !EVLIST_INSERTED };
    // SAFETY: `ev` is linked in this slot.
    let (old, new) = unsafe { slot_del(s, ev) };
    if old != new {
        // SAFETY: `note_is_leaf` held and nothing changed since.
        unsafe { ep.note_leaf(fd, new, s) };
    }
    true
}

/// `add` for every case.
///
/// # Safety
/// As `add`.
#[inline(never)]
pub unsafe fn add_general(&mut self, ev: *mut Event, tv: Option<&timeval>, tv_is_absolute: bool) -> c_int {
    debug::assert_is_setup(ev);
    // SAFETY: caller's contract.
    let (flags, events) = unsafe { ((*ev).callback.flags, (*ev).events) };
    if flags & EVLIST_FINALIZING != 0 {
        return -1;
    }
    if events & (EV_IO_MASK | EV_SIGNAL) != 0
        && flags & (EVLIST_INSERTED | EVLIST_ACTIVE | EVLIST_ACTIVE_LATER) == 0
        && self.insert(ev) == -1
    {
        return -1;
    }
    if let Some(tv) = tv {
        // SAFETY: caller's contract.
        unsafe { self.add_timeout(ev, tv, tv_is_absolute) };
    }
    self.notify_if_needed();
    debug::note_add(ev);
    0
}

/// The timeout part of `add`: (re)schedules `ev` for `tv`.
///
/// # Safety
/// As `add`.
unsafe fn add_timeout(&mut self, ev: *mut Event, tv: &timeval, tv_is_absolute: bool) {
    let b = self;
    // SAFETY: caller's contract.
    let e = unsafe { &mut *ev };
    if e.callback.closure == CLOSURE_EVENT_PERSIST && !tv_is_absolute {
        e.links.extra.io_timeout = *tv;
    }
    // Rescheduling an event made active by its timeout cancels that run.
    if e.callback.flags & EVLIST_ACTIVE != 0 && e.res & EV_TIMEOUT != 0 {
        if e.events & EV_SIGNAL != 0 {
            // SAFETY: a signal event's extra is the call count.
            unsafe { stop_signal_calls(e) };
        }
        // SAFETY: the event is on its active queue.
        unsafe { b.remove_active(ev.cast()) };
    }
    // The expiry as a timeval (with the common-timeout tag, if any) and,
    // for the heap, as microseconds (`key`, None for a tagged one).
    let (abs_tv, key) = if tv_is_absolute {
        (*tv, (!b.is_common_timeout(tv)).then(|| strip_tag(tv)))
    } else if b.is_common_timeout(tv) {
        let now = b.now();
        let mut t = micros_to_tv(now.saturating_add(strip_tag(tv)));
        t.tv_usec |= (tv.tv_usec as i64 & !COMMON_TIMEOUT_MICROSECONDS_MASK) as libc::suseconds_t;
        (t, None)
    } else {
        let key = b.now().saturating_add(tv_to_micros(tv));
        (micros_to_tv(key), Some(key))
    };
    let was_heap = e.callback.flags & EVLIST_TIMEOUT != 0 && !b.is_common_timeout(&e.timeout);
    match key {
        Some(key) if was_heap => {
            // Heap to heap: move in place (as libevent's heap adjust);
            // the heap may read the previous expiry, so `timeout` after.
            // SAFETY: it is live and in the heap (was_heap).
            unsafe { b.timers.update(ev, key) };
            e.timeout = abs_tv;
        }
        _ => {
            if e.callback.flags & EVLIST_TIMEOUT != 0 {
                // SAFETY: its timeout is queued.
                unsafe { b.remove_timeout(ev) };
            }
            e.timeout = abs_tv;
            // SAFETY: the event is live and its timeout queued nowhere;
            // `key` is None exactly for a tagged `abs_tv`.
            unsafe { b.insert_timeout(ev, key) };
        }
    }
}

/// `event_del_nolock_`: takes `ev` off every queue of the base.
///
/// # Safety
/// `ev` is live and assigned to this base.
#[inline(always)]
pub unsafe fn del(&mut self, ev: *mut Event, mode: DelMode) -> c_int {
    if !debug::is_on() {
        // SAFETY: forwarded contract.
        return unsafe { self.del_nodebug(ev, mode) };
    }
    // SAFETY: forwarded contract.
    unsafe { self.del_general(ev, mode) }
}

/// `del` for callers that know debug mode is off.
///
/// # Safety
/// As `del`; debug mode is off.
#[inline(always)]
pub unsafe fn del_nodebug(&mut self, ev: *mut Event, mode: DelMode) -> c_int {
    if self.th_cond.is_null() {
        // SAFETY: forwarded contract; no condition, so no waiting.
        return unsafe { self.del_plain(ev, mode) };
    }
    // SAFETY: forwarded contract.
    unsafe { self.del_general(ev, mode) }
}

/// `del` for a base with no threads' condition (nothing to wait for) and
/// debug mode off (`is_plain`, or checked by the caller). The usual case
/// (an inserted I/O event on no other queue) is inlined into the caller;
/// everything else goes to `del_general`.
///
/// # Safety
/// As `del`; debug mode is off and the base has no condition.
#[inline(always)]
pub unsafe fn del_plain(&mut self, ev: *mut Event, mode: DelMode) -> c_int {
    debug_assert!(self.th_cond.is_null());
    // SAFETY: caller's contract.
    let (flags, events) = unsafe { ((*ev).callback.flags, (*ev).events) };
    if flags & (EVLIST_FINALIZING | EVLIST_TIMEOUT | EVLIST_ACTIVE | EVLIST_ACTIVE_LATER | EVLIST_INSERTED)
        == EVLIST_INSERTED
        && events & EV_SIGNAL == 0
        && events & EV_IO_MASK != 0
    {
        // What `del_general` does for such an event.
        self.decr_count(flags);
        // SAFETY: caller's contract.
        unsafe { (*ev).callback.flags = flags & !EVLIST_INSERTED };
        self.io_del(ev);
        self.notify_if_needed();
        return 0;
    }
    // SAFETY: forwarded contract.
    unsafe { self.del_general(ev, mode) }
}

/// `del` for every case.
///
/// # Safety
/// As `del`.
#[inline(never)]
pub unsafe fn del_general(&mut self, ev: *mut Event, mode: DelMode) -> c_int {
    let b = self;
    // SAFETY: caller's contract.
    let e = unsafe { &mut *ev };
    // Each step below clears only its own flag, so one snapshot serves all.
    let flags = e.callback.flags;
    if mode != DelMode::EvenIfFinalizing && flags & EVLIST_FINALIZING != 0 {
        return 0;
    }
    if e.events & EV_SIGNAL != 0 {
        // SAFETY: a signal event's extra is the call count.
        unsafe { stop_signal_calls(e) };
    }
    if flags & EVLIST_TIMEOUT != 0 {
        // SAFETY: the flag says it is in the heap.
        unsafe { b.remove_timeout(ev) };
    }
    if flags & EVLIST_ACTIVE != 0 {
        // SAFETY: the flag says it is queued.
        unsafe { b.remove_active(ev.cast()) };
    } else if flags & EVLIST_ACTIVE_LATER != 0 {
        // SAFETY: as above.
        unsafe { b.remove_active_later(ev.cast()) };
    }
    if flags & EVLIST_INSERTED != 0 {
        b.decr_count(flags);
        e.callback.flags &= !EVLIST_INSERTED;
        if e.events & EV_IO_MASK != 0 {
            b.io_del(ev);
        } else {
            b.signal_del(ev);
        }
        b.notify_if_needed();
    }
    debug::note_del(ev);
    // If the loop runs this event's callback in another thread, wait for it
    // to return (unless asked not to, or the event is EV_FINALIZE). Without
    // threads there is no condition: one branch.
    if !b.th_cond.is_null() && b.current == ev.cast() {
        let wait = match mode {
            DelMode::Block => true,
            DelMode::AutoBlock => e.events & EV_FINALIZE == 0,
            DelMode::NoBlock | DelMode::EvenIfFinalizing => false,
        };
        if wait && !b.in_loop_thread() {
            // The loop changes `current` while we wait (lock released): read
            // it afresh each time.
            // SAFETY: a plain field of the live base.
            while unsafe { ptr::read_volatile(&b.current) } == ev.cast() {
                b.current_waiters += 1;
                // SAFETY: the condition and lock came from our allocators; the lock is held.
                unsafe { thread::wait(b.th_cond, b.th_lock) };
            }
        }
    }
    0
}

/// `event_active_nolock_`.
///
/// # Safety
/// `ev` is live and assigned to this base.
#[inline(always)]
pub unsafe fn activate(&mut self, ev: *mut Event, res: c_short, ncalls: c_short) {
    let b = self;
    // SAFETY: caller's contract.
    let e = unsafe { &mut *ev };
    let f = e.callback.flags;
    if f & EVLIST_FINALIZING != 0 {
        return;
    }
    match f & (EVLIST_ACTIVE | EVLIST_ACTIVE_LATER) {
        EVLIST_ACTIVE => {
            e.res |= res;
            return;
        }
        EVLIST_ACTIVE_LATER => e.res |= res,
        _ => e.res = res,
    }
    if (e.callback.pri as c_int) < b.running_priority {
        b.got_continue = true;
    }
    if e.events & EV_SIGNAL != 0 {
        e.links.extra.sig = SigCalls { ncalls, pncalls: ptr::null_mut() };
    }
    // What `callback_activate` would do, without testing the flags again.
    if f & EVLIST_ACTIVE_LATER != 0 {
        // SAFETY: the flag says it is on the later queue.
        unsafe { b.remove_active_later(ev.cast()) };
    }
    // SAFETY: the callback is live and now on no queue.
    unsafe { b.insert_active(ev.cast()) };
    b.notify_if_needed();
}
}

impl EventBase {
/// `activate`, out of line.
///
/// # Safety
/// As `activate`.
#[inline(never)]
unsafe fn activate_general(&mut self, ev: *mut Event, res: c_short) {
    // SAFETY: forwarded contract.
    unsafe { self.activate(ev, res, 1) }
}
}

/// Puts a callback on its active queue (moving it from active-later).
/// Returns true if it was newly queued.
///
/// # Safety
/// `cb` is live.
pub unsafe fn callback_activate(b: &mut EventBase, cb: *mut EventCallback) -> bool {
    // SAFETY: `cb` is live (caller).
    let f = unsafe { (*cb).flags };
    if f & EVLIST_FINALIZING != 0 {
        return false;
    }
    match f & (EVLIST_ACTIVE | EVLIST_ACTIVE_LATER) {
        EVLIST_ACTIVE => return false,
        // SAFETY: the flag says it is on the later queue.
        EVLIST_ACTIVE_LATER => unsafe { b.remove_active_later(cb) },
        _ => {}
    }
    // SAFETY: `cb` is now on no queue.
    unsafe { b.insert_active(cb) };
    b.notify_if_needed();
    true
}

/// Queues a callback to run on the next loop iteration (not this one).
///
/// # Safety
/// `cb` is live.
pub unsafe fn callback_activate_later(b: &mut EventBase, cb: *mut EventCallback) -> bool {
    // SAFETY: `cb` is live (caller).
    if unsafe { (*cb).flags } & (EVLIST_ACTIVE | EVLIST_ACTIVE_LATER) != 0 {
        return false;
    }
    // SAFETY: on no queue (checked).
    unsafe { b.insert_active_later(cb) };
    b.notify_if_needed();
    true
}

/// Prepares a bare callback (`event_deferred_cb_init_`): it runs `f(cb, arg)`
/// from the loop at priority `pri` each time it is scheduled.
///
/// # Safety
/// `cb` points to writable memory for a `struct event_callback`.
pub unsafe fn deferred_init(cb: *mut EventCallback, pri: u8, f: SelfCallbackFn, arg: *mut c_void) {
    // SAFETY: caller's contract.
    unsafe {
        ptr::write_bytes(cb, 0, 1);
        (*cb).cb = CallbackUnion { selfcb: f };
        (*cb).arg = arg;
        (*cb).pri = pri;
        (*cb).closure = CLOSURE_CB_SELF;
    }
}

impl EventBase {
    /// `event_deferred_cb_schedule_`: queues a deferred callback; after
    /// MAX_DEFERREDS_QUEUED in one iteration, later ones wait a turn.
    /// Returns true if it was newly queued.
    ///
    /// # Safety
    /// `cb` is live (prepared by `deferred_init`) until it runs or is cancelled.
    pub unsafe fn deferred_schedule(&mut self, cb: *mut EventCallback) -> bool {
        if self.n_deferreds_queued > MAX_DEFERREDS_QUEUED {
            // SAFETY: caller's contract.
            unsafe { callback_activate_later(self, cb) }
        } else {
            // SAFETY: caller's contract.
            let r = unsafe { callback_activate(self, cb) };
            if r {
                self.n_deferreds_queued += 1;
            }
            r
        }
    }
}

/// `event_callback_cancel_nolock_`: takes a callback off whichever queue
/// it is on (an event is deleted). Finalizing ones stay unless
/// `even_if_finalizing`.
///
/// # Safety
/// `cb` is live.
pub unsafe fn callback_cancel(b: &mut EventBase, cb: *mut EventCallback, even_if_finalizing: bool) -> c_int {
    // SAFETY: `cb` is live (caller); flags tell which queue holds it.
    unsafe {
        let f = (*cb).flags;
        if f & EVLIST_FINALIZING != 0 && !even_if_finalizing {
            return 0;
        }
        if f & EVLIST_INIT != 0 {
            let mode = if even_if_finalizing { DelMode::EvenIfFinalizing } else { DelMode::AutoBlock };
            return b.del(Event::from_callback(cb), mode);
        }
        if f & EVLIST_ACTIVE != 0 {
            b.remove_active(cb);
        } else if f & EVLIST_ACTIVE_LATER != 0 {
            b.remove_active_later(cb);
        }
    }
    0
}

/// `event_callback_init_`: a bare callback at the lowest priority.
///
/// # Safety
/// `cb` points to writable memory for a `struct event_callback`.
pub unsafe fn callback_init(b: &EventBase, cb: *mut EventCallback) {
    // SAFETY: caller's contract.
    unsafe {
        ptr::write_bytes(cb, 0, 1);
        (*cb).pri = (b.active.len() - 1) as u8;
    }
}

/// `event_callback_finalize_nolock_`: cancels `cb` (deleting it if it is an
/// event) and queues `f(cb, arg)` to run from the loop.
///
/// # Safety
/// `cb` is live until the finalizer has run.
pub unsafe fn callback_finalize(
    b: &mut EventBase,
    cb: *mut EventCallback,
    f: Option<unsafe extern "C" fn(*mut EventCallback, *mut c_void)>,
) {
    // SAFETY: caller's contract.
    unsafe {
        if (*cb).flags & EVLIST_INIT != 0 {
            b.del(Event::from_callback(cb), DelMode::NoBlock);
        } else {
            callback_cancel(b, cb, false);
        }
        (*cb).closure = CLOSURE_CB_FINALIZE;
        (*cb).cb = CallbackUnion { cbfinalize: f };
        callback_activate(b, cb);
        (*cb).flags |= EVLIST_FINALIZING;
    }
}

impl EventBase {
    /// `event_active_later_nolock_`: like `activate`, but the callback runs
    /// on the next loop iteration.
    ///
    /// # Safety
    /// `ev` is live and assigned to this base.
    pub unsafe fn activate_later(&mut self, ev: *mut Event, res: c_short) {
        // SAFETY: caller's contract.
        let e = unsafe { &mut *ev };
        if e.callback.flags & (EVLIST_ACTIVE | EVLIST_ACTIVE_LATER) != 0 {
            e.res |= res;
            return;
        }
        e.res = res;
        // SAFETY: as above.
        unsafe { callback_activate_later(self, ev.cast()) };
    }

    /// The running callback (for `event_callback_finalize_many_`).
    pub fn current_callback(&self) -> *mut EventCallback {
        self.current
    }

    /// `event_base_assert_ok_`: checks every internal invariant (the heap
    /// order and indices, the common-timeout queues, the fd and signal
    /// lists and their counts, the active queues and their count); a
    /// violation is a fatal error naming it.
    pub fn check_invariants(&self) {
        let fail = |what: &str| log::errx(log::ERR_ABORT, &format!("event_base_assert_ok_: {what}"));
        if let Err(what) = self.timers.check() {
            fail(what);
        }
        for ev in self.timers.events() {
            // SAFETY: heap members are live.
            if unsafe { (*ev).callback.flags } & EVLIST_TIMEOUT == 0 {
                fail("event in the timer heap without EVLIST_TIMEOUT");
            }
        }
        for ct in &self.common_timeouts {
            let mut prev: *mut Event = ptr::null_mut();
            let mut ev = ct.head;
            while !ev.is_null() {
                // SAFETY: queue members are live.
                let e = unsafe { &*ev };
                if e.callback.flags & EVLIST_TIMEOUT == 0 || unsafe { e.timeout_pos.list.prev } != prev {
                    fail("common-timeout queue corrupt");
                }
                // SAFETY: as above; a queued event's position is its links.
                if !prev.is_null() && strip_tag(&unsafe { &*prev }.timeout) > strip_tag(&e.timeout) {
                    fail("common-timeout queue out of order");
                }
                prev = ev;
                // SAFETY: as above.
                ev = unsafe { e.timeout_pos.list.next };
            }
            if ct.tail != prev {
                fail("common-timeout queue tail wrong");
            }
        }
        for map in [&self.io, &self.sig.map] {
            for k in map.keys() {
                let mut ev = map.head(k);
                let mut prev: *mut Event = ptr::null_mut();
                while !ev.is_null() {
                    // SAFETY: list members are live.
                    let e = unsafe { &*ev };
                    if e.callback.flags & EVLIST_INSERTED == 0 || e.fd as usize != k || e.links.prev != prev {
                        fail("fd or signal list corrupt");
                    }
                    prev = ev;
                    ev = e.links.next;
                }
            }
        }
        let mut n_active = 0;
        for (i, q) in self.active.iter().enumerate() {
            for cb in q.iter() {
                // SAFETY: queue members are live.
                let c = unsafe { &*cb };
                if c.flags & EVLIST_ACTIVE == 0 || (c.pri as usize).min(self.active.len() - 1) != i {
                    fail("active queue corrupt");
                }
                n_active += 1;
            }
        }
        for cb in self.active_later.iter() {
            // SAFETY: queue members are live.
            if unsafe { (*cb).flags } & EVLIST_ACTIVE_LATER == 0 {
                fail("active-later queue corrupt");
            }
            n_active += 1;
        }
        if n_active != self.event_count_active {
            fail("active callback count wrong");
        }
    }
}

impl EventBase {
    /// Links an I/O or signal event into its map and marks it inserted.
    #[inline(never)]
    fn insert(&mut self, ev: *mut Event) -> c_int {
        // SAFETY: `ev` is live (callers).
        let e = unsafe { &mut *ev };
        let res = if e.events & EV_IO_MASK != 0 { self.io_add(ev, debug::is_on()) } else { self.signal_add(ev) };
        if res == -1 {
            return -1;
        }
        self.incr_count(e.callback.flags);
        e.callback.flags |= EVLIST_INSERTED;
        0
    }

    /// Links an I/O event under its fd and tells the backend if the fd's
    /// interest changed. `check_et`: refuse to mix edge- and
    /// level-triggered events on one fd (debug mode).
    #[inline(always)]
    fn io_add(&mut self, ev: *mut Event, check_et: bool) -> c_int {
        // SAFETY: `ev` is live (callers).
        let fd = unsafe { (*ev).fd };
        if fd < 0 {
            // As libevent: inserted, but there is nothing to watch.
            return 0;
        }
        if fd as usize >= self.io.slots.len() {
            if !fd_could_be_open(fd) {
                // No table for an fd that cannot exist (libevent's table
                // allocation fails the same way for such fds).
                return -1;
            }
            self.io.ensure(fd as usize);
        }
        // SAFETY: the index was just made valid.
        let s = unsafe { self.io.slots.get_unchecked_mut(fd as usize) };
        // SAFETY: `ev` is live and in no list (not INSERTED).
        match unsafe { slot_add(s, ev, check_et) } {
            Ok((old, new)) => {
                if old == new {
                    return 0;
                }
                let r = match &mut self.backend {
                    // Tested first: the usual backend, its update inlined.
                    Some(AnyBackend::Epoll(ep)) => ep.note(fd, new, s),
                    be => other_backend_update(be, fd, old, new, s),
                };
                if r.is_err() {
                    // Undo: the kernel refused the fd.
                    // SAFETY: `ev` was just linked in this slot.
                    unsafe { slot_del(s, ev) };
                    return -1;
                }
                1
            }
            Err(e) => io_add_refused(fd, e),
        }
    }

    #[inline(always)]
    fn io_del(&mut self, ev: *mut Event) {
        // SAFETY: `ev` is live and linked under its fd (INSERTED).
        let fd = unsafe { (*ev).fd };
        if fd < 0 {
            return;
        }
        debug_assert!((fd as usize) < self.io.slots.len());
        // SAFETY: `ev` is linked under `fd`, which therefore has a slot.
        let s = unsafe { self.io.slots.get_unchecked_mut(fd as usize) };
        // SAFETY: as above.
        let (old, new) = unsafe { slot_del(s, ev) };
        if old != new {
            let _ = match &mut self.backend {
                Some(AnyBackend::Epoll(ep)) => ep.note(fd, new, s),
                be => other_backend_update(be, fd, old, new, s),
            };
        }
    }

    fn signal_add(&mut self, ev: *mut Event) -> c_int {
        // SAFETY: `ev` is live (callers).
        let sig = unsafe { (*ev).fd };
        if sig <= 0 || sig as usize >= NSIG {
            return -1;
        }
        let s = sig as usize;
        let first = self.io_signal_empty(s);
        if first {
            if !self.sig.ensure_pipe() {
                return -1;
            }
            if !self.sig_ev_added() {
                let sev: *mut Event = &mut *self.sig_ev;
                // SAFETY: sig_ev is the base's own live I/O event, boxed
                // apart from the base.
                unsafe { (*sev).fd = self.sig.pipe[0] };
                if self.insert(sev) == -1 {
                    return -1;
                }
            }
            let me: *mut EventBase = self;
            if let Some(other) = self.sig.other_base_with_signals() {
                log::warnx(&format!(
                    "Added a signal to event base {me:p} with signals already added to event_base {other:p}.  Only one can have signals at a time with the {} backend.  The base with the most recently added signal or the most recent event_base_loop() call gets preference; do not rely on this behavior in future Libevent versions.",
                    self.method_name().to_str().unwrap_or("")
                ));
            }
            self.sig.take_ownership(me.cast());
            if !self.sig.install(s) {
                return -1;
            }
        }
        // SAFETY: `ev` is live and in no list.
        let _ = unsafe { self.sig.map.add(s, ev) };
        0
    }

    fn io_signal_empty(&self, s: usize) -> bool {
        self.sig.map.head(s).is_null()
    }

    fn sig_ev_added(&self) -> bool {
        self.sig_ev.callback.flags & EVLIST_INSERTED != 0
    }

    fn signal_del(&mut self, ev: *mut Event) {
        // SAFETY: `ev` is live and linked under its signal.
        let s = unsafe { (*ev).fd } as usize;
        unsafe { self.sig.map.del(s, ev) };
        if self.io_signal_empty(s) {
            self.sig.restore(s);
        }
    }
}

/// `Backend::update` through the base's backend, out of line: the hot
/// paths test for epoll and inline its update themselves.
#[inline(never)]
fn other_backend_update(be: &mut Option<AnyBackend>, fd: c_int, old: c_short, new: c_short, s: &mut super::iomap::FdSlot) -> Result<(), ()> {
    be.as_mut().expect("base has a backend").update(fd, old, new, s)
}

/// Logs why the fd map refused an event; returns -1.
#[cold]
fn io_add_refused(fd: c_int, e: AddError) -> c_int {
    match e {
        AddError::MixedEdgeTriggered => {
            log::warnx(&format!("Tried to mix edge-triggered and non-edge-triggered events on fd {fd}"))
        }
        AddError::TooMany => log::warnx(&format!("Too many events reading or writing on fd {fd}")),
    }
    -1
}

/// Whether `fd` is below the process's limit on open files (an fd at or
/// beyond it cannot be open, and must not size our fd-indexed tables).
fn fd_could_be_open(fd: c_int) -> bool {
    const SANITY_CAP: u64 = 1 << 24;
    let mut r = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: `r` is a valid out-parameter.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) } != 0 {
        return (fd as u64) < SANITY_CAP;
    }
    (fd as u64) < r.rlim_max.max(r.rlim_cur).min(SANITY_CAP)
}

/// The internal callback on the notify eventfd: just empties it.
unsafe extern "C" fn notify_drain_cb(fd: EvutilSocket, _what: c_short, arg: *mut c_void) {
    let mut buf = 0u64;
    // SAFETY: reading 8 bytes from our eventfd into a u64.
    unsafe { libc::read(fd, (&mut buf as *mut u64).cast(), 8) };
    // SAFETY: `arg` is the base; callbacks run unlocked, so take the lock.
    unsafe { with_lock(arg.cast(), |b| b.notify_pending = false) };
}

/// Runs `f` on the base with its lock held (if it has one).
///
/// # Safety
/// `base` is live and not borrowed by the caller.
#[inline(always)]
pub unsafe fn with_lock<R>(base: *mut EventBase, f: impl FnOnce(&mut EventBase) -> R) -> R {
    // SAFETY: caller's contract; the lock pointer never changes after creation.
    let lock = unsafe { (*base).th_lock };
    // SAFETY: the lock came from alloc_lock and lives as long as its owner.
    unsafe { thread::lock(lock, 0) };
    // SAFETY: the lock serialises every access to the base.
    let r = f(unsafe { &mut *base });
    // SAFETY: the lock came from alloc_lock and this thread holds it.
    unsafe { thread::unlock(lock, 0) };
    r
}

/// The internal callback on the signal pipe: turn counts into activations.
unsafe extern "C" fn signal_wake_cb(_fd: EvutilSocket, _what: c_short, arg: *mut c_void) {
    // SAFETY: `arg` is the base that owns this internal event; callbacks
    // run unlocked, so take the lock.
    unsafe {
        with_lock(arg.cast(), |b| {
            b.sig.drain();
            for s in 1..NSIG {
                if b.sig.map.head(s).is_null() {
                    continue;
                }
                let n = signal::take_caught(s);
                if n > 0 {
                    b.activate_signal(s, n.min(c_short::MAX as u32) as c_short);
                }
            }
        })
    }
}

impl EventBase {
    /// `evmap_signal_active_`: every event on `sig` runs `ncalls` times.
    pub fn activate_signal(&mut self, sig: usize, ncalls: c_short) {
        let mut ev = self.sig.map.head(sig);
        while !ev.is_null() {
            // SAFETY: list members are live; activation leaves lists as they are.
            unsafe {
                let next = (*ev).links.next;
                self.activate(ev, EV_SIGNAL, ncalls);
                ev = next;
            }
        }
    }

    /// `evmap_io_active_`: activates the events on `fd` that want `what`.
    #[inline]
    pub fn activate_fd(&mut self, fd: c_int, what: c_short) {
        if fd < 0 {
            return;
        }
        let mut ev = self.io.head(fd as usize);
        while !ev.is_null() {
            // SAFETY: list members are live; activation leaves lists as they are.
            unsafe {
                let next = (*ev).links.next;
                let evs = (*ev).events;
                if evs & what & EV_IO_MASK != 0 {
                    self.activate(ev, evs & what, 1);
                }
                ev = next;
            }
        }
    }

    /// `event_base_active_by_fd` with EV_TIMEOUT: activates the timers on `fd`.
    pub fn activate_timers_on_fd(&mut self, fd: c_int) {
        // SAFETY: heap members are live.
        let evs: Vec<*mut Event> = self.timers.events().filter(|&e| unsafe { (*e).fd } == fd).collect();
        for ev in evs {
            // SAFETY: as above; activation does not free anything.
            unsafe { self.activate(ev, EV_TIMEOUT, 1) };
        }
    }
}

// ---- priorities ---------------------------------------------------------------

impl EventBase {
    /// `event_base_priority_init`.
    pub fn priority_init(&mut self, n: c_int) -> c_int {
        if self.event_count_active > 0 || !(1..EVENT_MAX_PRIORITIES).contains(&n) {
            return -1;
        }
        self.active = vec![CbQueue::default(); n as usize];
        0
    }
}

// ---- the loop -------------------------------------------------------------------
//
// The loop holds the base's lock throughout, except while the backend waits
// and while a program callback runs (callbacks may call the API from this
// or another thread).

/// Runs a program callback with the base's lock released.
///
/// # Safety
/// The lock is held by this thread on entry.
#[inline(always)]
unsafe fn call_unlocked(base: *mut EventBase, f: impl FnOnce()) {
    // SAFETY: caller's contract; the lock pointer never changes.
    let lock = unsafe { (*base).th_lock };
    // SAFETY: the lock came from alloc_lock and this thread holds it.
    unsafe { thread::unlock(lock, 0) };
    f();
    // SAFETY: the lock came from alloc_lock and lives as long as its owner.
    unsafe { thread::lock(lock, 0) };
}

/// `event_base_loop`.
///
/// # Safety
/// `base` is live; it is not borrowed by the caller.
pub unsafe fn run_loop(base: *mut EventBase, flags: c_int) -> c_int {
    // SAFETY: caller's contract; the lock pointer never changes.
    let lock = unsafe { (*base).th_lock };
    // SAFETY: the lock came from alloc_lock and lives as long as its owner.
    unsafe { thread::lock(lock, 0) };
    // SAFETY: the lock is held; no other borrow is live.
    let retval = unsafe { run_loop_locked(base, flags) };
    // SAFETY: the lock came from alloc_lock and this thread holds it.
    unsafe { thread::unlock(lock, 0) };
    retval
}

/// # Safety
/// As `run_loop`, with the base's lock held.
unsafe fn run_loop_locked(base: *mut EventBase, flags: c_int) -> c_int {
    {
        // SAFETY: caller's contract.
        let b = unsafe { &mut *base };
        if b.running_loop {
            log::warnx("event_base_loop: reentrant invocation.  Only one event_base_loop can run on each event_base at once.");
            return -1;
        }
        b.running_loop = true;
        b.owner_id = thread::current_id();
        b.clear_time_cache();
        if b.sig.n_installed > 0 {
            b.sig.take_ownership(base.cast());
        }
        b.got_term = false;
        b.got_break = false;
    }
    let mut retval = 0;
    loop {
        // SAFETY: no other borrow is live here (callbacks have returned),
        // and `b` is not used across the dispatch below.
        let b = unsafe { &mut *base };
        b.got_continue = false;
        b.n_deferreds_queued = 0;
        if b.got_term || b.got_break {
            break;
        }
        let timeout = if b.event_count_active == 0 && flags & EVLOOP_NONBLOCK == 0 {
            b.timeout_next()
        } else {
            Some(0)
        };
        if flags & EVLOOP_NO_EXIT_ON_EMPTY == 0 && !b.have_events() && b.event_count_active == 0 {
            log::debug(|| "event_base_loop: no events registered.".into());
            retval = 1;
            break;
        }
        b.make_later_events_active();
        b.clear_time_cache();
        // SAFETY: the base is live; no borrow of it is held across the wait.
        if unsafe { dispatch(base, timeout) }.is_err() {
            log::debug(|| "event_base_loop: dispatch returned unsuccessfully.".into());
            retval = -1;
            break;
        }
        // SAFETY: the lock is held again; re-borrow after the wait.
        let b = unsafe { &mut *base };
        b.update_time_cache();
        b.process_ready();
        b.process_timeouts();
        if b.event_count_active > 0 {
            // SAFETY: base live, no borrow held across the call.
            let n = unsafe { process_active(base) };
            // SAFETY: callbacks returned.
            let b = unsafe { &mut *base };
            if flags & EVLOOP_ONCE != 0 && b.event_count_active == 0 && n != 0 {
                break;
            }
        } else if flags & EVLOOP_NONBLOCK != 0 {
            break;
        }
    }
    // SAFETY: callbacks returned; base live.
    let b = unsafe { &mut *base };
    b.clear_time_cache();
    b.running_loop = false;
    retval
}

impl EventBase {
    /// Time until the earliest timer, or None to wait forever.
    fn timeout_next(&mut self) -> Option<Micros> {
        let (key, _) = self.timers.top()?;
        let now = self.now();
        Some((key - now).max(0))
    }
}

/// Waits for I/O through the backend, which releases the base's lock only
/// around its syscall; ready fds land in `ready`.
///
/// # Safety
/// `base` is live, its lock held, and not borrowed by the caller.
unsafe fn dispatch(base: *mut EventBase, timeout: Option<Micros>) -> Result<(), ()> {
    // SAFETY: caller's contract. The backend is reached through a raw
    // pointer so no borrow of the base spans the unlocked wait; other
    // threads may meanwhile change the base (under its lock) and call the
    // backend's `update`, which never touches the buffers the wait uses.
    unsafe {
        let lock = (*base).th_lock;
        let be: *mut AnyBackend = (*base).backend.as_mut().expect("base has a backend");
        if let AnyBackend::Epoll(ep) = &mut *be {
            // The changes noted since the last wait, then the wait; the
            // events stay in epoll's buffer for `process_ready`.
            ep.flush(&mut (*base).io.slots);
            (*base).epoll_ready = 0;
            let n = ep.wait(timeout, lock)?;
            (*base).epoll_ready = n;
            return Ok(());
        }
        let mut ready = std::mem::take(&mut (*base).ready);
        ready.clear();
        let r = (*be).dispatch(timeout, &mut ready, lock);
        (*base).ready = ready;
        r
    }
}

impl EventBase {
    /// Activates the events of the fds the backend reported.
    fn process_ready(&mut self) {
        if let Some(AnyBackend::Epoll(ep)) = &mut self.backend {
            let n = std::mem::take(&mut self.epoll_ready);
            let evs = ep.events();
            debug_assert!(n <= evs.len());
            let evs = evs.as_ptr();
            // SAFETY: the wait filled the first `n` entries.
            unsafe { self.activate_epoll(evs, n) };
            if let Some(AnyBackend::Epoll(ep)) = &mut self.backend {
                ep.grow_if_full(n);
            }
            return;
        }
        // Taken out so activation may borrow the base; put back to keep
        // its capacity.
        let ready = std::mem::take(&mut self.ready);
        for r in &ready {
            self.activate_fd(r.fd, r.what);
        }
        self.ready = ready;
    }

    /// Activates every timer that is due.
    fn process_timeouts(&mut self) {
        if self.timers.is_empty() {
            return;
        }
        let now = self.now();
        while let Some((key, ev)) = self.timers.top() {
            if key > now {
                break;
            }
            // SAFETY: heap members are live.
            unsafe {
                self.del(ev, DelMode::NoBlock);
                self.activate(ev, EV_TIMEOUT, 1);
            }
        }
    }
}

impl EventBase {
/// `process_ready` for epoll: activates the events of the `n` ready fds in
/// epoll's buffer `evs`. Out of line, so its loop gets the registers.
///
/// # Safety
/// `evs` points to `n` initialised entries that activation does not touch.
#[inline(never)]
unsafe fn activate_epoll(&mut self, evs: *const libc::epoll_event, n: usize) {
    // Few values live across the (rare) call to `activate_general`, so the
    // loop needs no spills: the counts and queues are read from the base.
    let mut cur = evs;
    // SAFETY: caller's contract: `evs + n` is the end of the entries.
    let end = unsafe { evs.add(n) };
    while cur != end {
        // SAFETY: caller's contract; `cur` is before `end`.
        let e = unsafe { *cur };
        // SAFETY: as above.
        cur = unsafe { cur.add(1) };
        let what = super::backend::epoll::ready_bits(e.events);
        if what == 0 {
            continue;
        }
        // `activate_fd`, with the usual activation inlined.
        let Some(s) = self.io.slots.get(e.u64 as u32 as usize) else { continue };
        let mut ev = s.head;
        while !ev.is_null() {
            // SAFETY: list members are live; activation leaves the lists
            // as they are.
            unsafe {
                let next = (*ev).links.next;
                let f = (*ev).callback.flags;
                let evs = (*ev).events;
                let res = evs & what;
                if res & EV_IO_MASK != 0 {
                    if f & (EVLIST_FINALIZING | EVLIST_ACTIVE | EVLIST_ACTIVE_LATER) != 0 || evs & EV_SIGNAL != 0 {
                        self.activate_general(ev, res);
                    } else {
                        // `activate` + `insert_active` for an event on no
                        // queue, from the loop (no wake-up) and outside
                        // `process_active` (no priority is running); the
                        // maxima are updated after the batch.
                        debug_assert!(self.running_priority < 0);
                        (*ev).res = res;
                        self.event_count += (f & EVLIST_INTERNAL == 0) as c_int;
                        self.event_count_active += 1;
                        (*ev).callback.flags = f | EVLIST_ACTIVE;
                        // There is always a queue (priority_init refuses 0).
                        let i = ((*ev).callback.pri as usize).min(self.active.len() - 1);
                        self.active.get_unchecked_mut(i).push_back(Event::as_callback(ev));
                    }
                }
                ev = next;
            }
        }
    }
    // The counts only grew in this batch: their peaks are now.
    self.event_count_max = self.event_count_max.max(self.event_count);
    self.event_count_active_max = self.event_count_active_max.max(self.event_count_active);
}
}

/// Runs the active callbacks, highest priority first. Returns how many
/// non-internal callbacks ran, or -1 if the loop was broken.
///
/// # Safety
/// `base` is live, its lock held, and not borrowed elsewhere.
unsafe fn process_active(base: *mut EventBase) -> c_int {
    let mut count = 0;
    // SAFETY: caller's contract.
    let npri = unsafe { (*base).active.len() };
    for i in 0..npri {
        // SAFETY: as above; the number of queues only changes through
        // priority_init, which refuses while callbacks are active.
        let b = unsafe { &mut *base };
        if i >= b.active.len() || b.active[i].is_empty() {
            continue;
        }
        b.running_priority = i as c_int;
        let (max, end) = if (i as c_int) < b.limit_callbacks_after_prio {
            (c_int::MAX, None)
        } else {
            (b.max_dispatch_callbacks, b.max_dispatch_time.map(|d| b.now() + d))
        };
        // SAFETY: as above.
        count = unsafe { process_queue(base, i, max, end) };
        if count != 0 {
            break;
        }
    }
    // SAFETY: as above.
    unsafe { (*base).running_priority = -1 };
    count
}

/// Runs the callbacks of priority `pri`. Returns how many non-internal ones
/// ran, or -1 if the loop was broken.
///
/// # Safety
/// `base` is live, its lock held, and not borrowed elsewhere.
#[inline(never)]
unsafe fn process_queue(base: *mut EventBase, pri: usize, max: c_int, end: Option<Micros>) -> c_int {
    let mut count = 0;
    // Whether `max` or `end` can stop the run (not for the usual priorities).
    let limited = max != c_int::MAX || end.is_some();
    loop {
        // SAFETY: no borrow of the base outlives an iteration.
        let b = unsafe { &mut *base };
        let Some(&q) = b.active.get(pri) else { break };
        let cb = q.head;
        if cb.is_null() {
            break;
        }
        // SAFETY: queue members are live.
        let (flags, closure) = unsafe { ((*cb).flags, (*cb).closure) };
        // The usual callback: a persistent event (I/O or timer), which stays
        // added. What the general path below does, inlined: take it off the
        // queue (it is the head), run it, check the loop's state.
        // SAFETY: queue members are live.
        if unsafe { fast_persist_header(cb) } {
            let ev = Event::from_callback(cb);
            // SAFETY: `cb` is a live event at the head of queue `pri` (so
            // its `active_prev` is null), and its neighbour is live.
            unsafe {
                if (*ev).events & EV_PERSIST != 0 {
                    let next = (*cb).active_next;
                    let q = b.active.get_unchecked_mut(pri);
                    q.head = next;
                    if next.is_null() {
                        q.tail = ptr::null_mut();
                    } else {
                        (*next).active_prev = ptr::null_mut();
                    }
                    (*cb).active_next = ptr::null_mut();
                    (*cb).flags = flags & !EVLIST_ACTIVE;
                    if flags & EVLIST_INTERNAL == 0 {
                        b.event_count -= 1;
                        count += 1;
                    }
                    b.event_count_active -= 1;
                    b.current = cb;
                    let t = (*ev).links.extra.io_timeout;
                    if t.tv_sec != 0 || t.tv_usec != 0 {
                        b.persist_reschedule(ev);
                    }
                    let (f, fd, res, arg) = ((*cb).cb.event, (*ev).fd, (*ev).res, (*cb).arg);
                    if let Some(f) = f {
                        call_unlocked(base, || f(fd, res, arg));
                    }
                    // Callbacks returned; the lock is held again.
                    let b = &mut *base;
                    b.current = ptr::null_mut();
                    if b.current_waiters > 0 {
                        wake_waiters(b);
                    }
                    if b.got_break {
                        return -1;
                    }
                    if limited && limit_reached(b, count, max, end) {
                        return count;
                    }
                    if b.got_continue {
                        break;
                    }
                    continue;
                }
            }
        }
        if flags & EVLIST_INIT != 0 {
            let ev = Event::from_callback(cb);
            // SAFETY: `ev` is live.
            unsafe {
                if (*ev).events & EV_PERSIST != 0 || flags & EVLIST_FINALIZING != 0 {
                    b.remove_active(cb);
                } else {
                    b.del(ev, DelMode::NoBlock);
                }
            }
        } else {
            // SAFETY: a queued bare callback is live.
            unsafe { b.remove_active(cb) };
        }
        if flags & EVLIST_INTERNAL == 0 {
            count += 1;
        }
        b.current = cb;
        // SAFETY: `cb` is live until its callback returns (the program may
        // free it inside; we do not touch it afterwards).
        unsafe { run_callback(base, cb, closure) };
        // SAFETY: callbacks returned; the lock is held again.
        let b = unsafe { &mut *base };
        b.current = ptr::null_mut();
        if b.current_waiters > 0 {
            b.current_waiters = 0;
            // SAFETY: the condition came from alloc_cond.
            unsafe { thread::broadcast(b.th_cond) };
        }
        if b.got_break {
            return -1;
        }
        if count >= max {
            return count;
        }
        if let Some(end) = end {
            if count > 0 {
                b.update_time_cache();
                if b.now() >= end {
                    return count;
                }
            }
        }
        if b.got_continue {
            break;
        }
    }
    count
}

/// Whether `cb` is a persistent event (closure CLOSURE_EVENT_PERSIST, an
/// event: EVLIST_INIT) not being finalized: `flags`, `pri` and `closure`
/// are adjacent, so one 4-byte load and compare tell.
///
/// # Safety
/// `cb` is a live callback.
#[inline(always)]
unsafe fn fast_persist_header(cb: *mut EventCallback) -> bool {
    const _: () = {
        use std::mem::offset_of;
        assert!(offset_of!(EventCallback, pri) == offset_of!(EventCallback, flags) + 2);
        assert!(offset_of!(EventCallback, closure) == offset_of!(EventCallback, flags) + 3);
        assert!(cfg!(target_endian = "little"));
    };
    const MASK: u32 = (0xff << 24) | (EVLIST_INIT | EVLIST_FINALIZING) as u16 as u32;
    const WANT: u32 = ((CLOSURE_EVENT_PERSIST as u32) << 24) | EVLIST_INIT as u16 as u32;
    // SAFETY: the four bytes from `flags` are `flags`, `pri` and `closure`
    // of a live callback (offsets asserted above).
    let word = unsafe { ptr::read_unaligned(ptr::addr_of!((*cb).flags).cast::<u32>()) };
    word & MASK == WANT
}

/// Wakes the threads waiting in `event_del` for the callback that just ran.
#[cold]
#[inline(never)]
fn wake_waiters(b: &mut EventBase) {
    b.current_waiters = 0;
    // SAFETY: the condition came from alloc_cond.
    unsafe { thread::broadcast(b.th_cond) };
}

/// Whether a run of callbacks must stop after `count` of them: `max` run,
/// or past the time `end` (the cache refreshed to tell).
#[inline(never)]
fn limit_reached(b: &mut EventBase, count: c_int, max: c_int, end: Option<Micros>) -> bool {
    if count >= max {
        return true;
    }
    if let Some(end) = end {
        if count > 0 {
            b.update_time_cache();
            if b.now() >= end {
                return true;
            }
        }
    }
    false
}

/// Calls one callback according to its closure, with the base unlocked.
///
/// # Safety
/// `base` is live, its lock held, and not borrowed; `cb` is live.
unsafe fn run_callback(base: *mut EventBase, cb: *mut EventCallback, closure: u8) {
    // SAFETY (whole body): `cb` is live on entry; every field is read
    // before the program's callback runs, since it may free the memory.
    unsafe {
        let arg = (*cb).arg;
        match closure {
            CLOSURE_EVENT_SIGNAL => {
                // Runs `ncalls` times; `event_del` on this event zeroes the
                // count through `ev_pncalls`, so the event is never touched
                // after the program deleted or freed it.
                let ev = Event::from_callback(cb);
                let (f, fd, res) = ((*cb).cb.event, (*ev).fd, (*ev).res);
                let counter: *mut c_short = &mut (*base).current_ncalls;
                *counter = (*ev).links.extra.sig.ncalls;
                while *counter > 0 {
                    *counter -= 1;
                    let left = *counter;
                    (*ev).links.extra.sig =
                        SigCalls { ncalls: left, pncalls: if left > 0 { counter } else { ptr::null_mut() } };
                    if let Some(f) = f {
                        call_unlocked(base, || f(fd, res, arg));
                    }
                    if (*base).got_break {
                        if *counter != 0 {
                            (*ev).links.extra.sig.pncalls = ptr::null_mut();
                        }
                        *counter = 0;
                        return;
                    }
                }
            }
            CLOSURE_EVENT_PERSIST => {
                let ev = Event::from_callback(cb);
                (*base).persist_reschedule(ev);
                let (f, fd, res) = ((*cb).cb.event, (*ev).fd, (*ev).res);
                if let Some(f) = f {
                    call_unlocked(base, || f(fd, res, arg));
                }
            }
            CLOSURE_EVENT => {
                let ev = Event::from_callback(cb);
                let (f, fd, res) = ((*cb).cb.event, (*ev).fd, (*ev).res);
                if let Some(f) = f {
                    call_unlocked(base, || f(fd, res, arg));
                }
            }
            CLOSURE_CB_SELF => {
                if let Some(f) = (*cb).cb.selfcb {
                    call_unlocked(base, || f(cb, arg));
                }
            }
            CLOSURE_EVENT_FINALIZE | CLOSURE_EVENT_FINALIZE_FREE => {
                let ev = Event::from_callback(cb);
                let f = (*cb).cb.evfinalize;
                (*base).current = ptr::null_mut();
                debug::note_teardown(ev);
                call_unlocked(base, || {
                    if let Some(f) = f {
                        f(ev, arg);
                    }
                    if closure == CLOSURE_EVENT_FINALIZE_FREE {
                        crate::mm::free(ev.cast());
                    }
                });
            }
            CLOSURE_CB_FINALIZE => {
                (*base).current = ptr::null_mut();
                if let Some(f) = (*cb).cb.cbfinalize {
                    call_unlocked(base, || f(cb, arg));
                }
            }
            _ => {}
        }
    }
}

impl EventBase {
/// Re-arms the timeout of a persistent event before its callback runs:
/// from its previous expiry if it fired by timeout (keeping a steady
/// schedule), from now otherwise.
///
/// # Safety
/// `ev` is live and assigned to this base.
#[inline(never)]
unsafe fn persist_reschedule(&mut self, ev: *mut Event) {
    let b = self;
    // SAFETY: caller's contract.
    let e = unsafe { &mut *ev };
    // SAFETY: a persistent I/O event keeps its interval in `io_timeout`.
    let delay_tv = unsafe { e.links.extra.io_timeout };
    if delay_tv.tv_sec == 0 && delay_tv.tv_usec == 0 {
        return;
    }
    let now = b.now();
    let common = b.is_common_timeout(&e.timeout);
    let delay = strip_tag(&delay_tv);
    let relative_to = if e.res & EV_TIMEOUT != 0 { strip_tag(&e.timeout) } else { now };
    let mut run_at = relative_to.saturating_add(delay);
    if run_at < now {
        // Missed runs (a clock jump, a long callback): restart from now.
        run_at = now.saturating_add(delay);
    }
    let mut tv = micros_to_tv(run_at);
    if common {
        tv.tv_usec |= (delay_tv.tv_usec as i64 & !COMMON_TIMEOUT_MICROSECONDS_MASK) as libc::suseconds_t;
    }
    // SAFETY: the event is live; absolute timeout.
    unsafe { b.add(ev, Some(&tv), true) };
}
}

impl EventBase {
    /// `event_remove_timer`: drops the timeout, keeps the I/O or signal part.
    ///
    /// # Safety
    /// `ev` is live and assigned to this base.
    pub unsafe fn remove_timer(&mut self, ev: *mut Event) {
        // SAFETY: caller's contract.
        unsafe {
            if (*ev).callback.flags & EVLIST_TIMEOUT != 0 {
                self.remove_timeout(ev);
                if (*ev).events & EV_SIGNAL == 0 {
                    (*ev).links.extra.io_timeout = clock::ZERO_TV;
                }
            }
        }
    }

    /// `event_finalize`: deletes `ev` without waiting, then queues `cb` to
    /// run from the loop (and the event to be freed after it if `free`).
    ///
    /// # Safety
    /// `ev` is live and assigned to this base.
    pub unsafe fn finalize(&mut self, ev: *mut Event, cb: EventFinalizeFn, free: bool) {
        // SAFETY: caller's contract.
        unsafe {
            self.del(ev, DelMode::NoBlock);
            (*ev).callback.closure = if free { CLOSURE_EVENT_FINALIZE_FREE } else { CLOSURE_EVENT_FINALIZE };
            (*ev).callback.cb = CallbackUnion { evfinalize: cb };
            self.activate(ev, EV_FINALIZE, 1);
            (*ev).callback.flags |= EVLIST_FINALIZING;
        }
    }
}

// ---- loop control ---------------------------------------------------------------

impl EventBase {
    pub fn loopbreak(&mut self) {
        self.got_break = true;
        self.notify_if_needed();
    }
    pub fn loopcontinue(&mut self) {
        self.got_continue = true;
    }
    pub fn set_got_term(&mut self) {
        self.got_term = true;
    }
    pub fn got_break(&self) -> bool {
        self.got_break
    }
    pub fn got_exit(&self) -> bool {
        self.got_term
    }
}

// ---- once ------------------------------------------------------------------------

unsafe extern "C" fn once_trampoline(fd: EvutilSocket, what: c_short, arg: *mut c_void) {
    let once: *mut OnceEvent = arg.cast();
    // SAFETY: `arg` is the OnceEvent made by `once`, alive until freed here.
    unsafe {
        let base = (*once).ev.base;
        (*base).once_events.retain(|&o| o != once);
        if let Some(f) = (*once).cb {
            f(fd, what, (*once).arg);
        }
        debug::note_teardown(&(*once).ev);
        crate::mm::free(once.cast());
    }
}

impl EventBase {
/// `event_base_once`.
pub fn once(
    &mut self,
    fd: EvutilSocket,
    events: c_short,
    cb: EventCallbackFn,
    arg: *mut c_void,
    tv: Option<&timeval>,
) -> c_int {
    if events & (EV_SIGNAL | EV_PERSIST) != 0 {
        return -1;
    }
    let kinds = events & (EV_TIMEOUT | EV_SIGNAL | EV_READ | EV_WRITE | EV_CLOSED);
    let p = crate::mm::calloc(1, std::mem::size_of::<OnceEvent>()).cast::<OnceEvent>();
    if p.is_null() {
        return -1;
    }
    let base: *mut EventBase = self;
    // SAFETY: `p` is fresh zeroed memory of the right size.
    unsafe {
        (*p).cb = cb;
        (*p).arg = arg;
        let ev: *mut Event = &mut (*p).ev;
        let mut activate_now = false;
        if kinds == EV_TIMEOUT {
            assign(ev, base, -1, 0, Some(once_trampoline), p.cast());
            activate_now = tv.is_none_or(|t| t.tv_sec == 0 && t.tv_usec == 0);
        } else if kinds & EV_IO_MASK != 0 {
            assign(ev, base, fd, kinds & EV_IO_MASK, Some(once_trampoline), p.cast());
        } else {
            crate::mm::free(p.cast());
            return -1;
        }
        if activate_now {
            self.activate(ev, EV_TIMEOUT, 1);
        } else if self.add(ev, tv, false) != 0 {
            crate::mm::free(p.cast());
            return -1;
        }
        self.once_events.push(p);
    }
    0
}
}

// ---- inspection -------------------------------------------------------------------

impl EventBase {
    /// Every event the base knows, each once: inserted ones (fd and signal
    /// maps), then timers not inserted, then active ones neither inserted nor
    /// timed. Internal events are included, as libevent includes them.
    pub fn all_events(&self) -> Vec<*mut Event> {
        let mut v = Vec::new();
        let mut push_list = |map: &IoMap| {
            for k in map.keys() {
                let mut ev = map.head(k);
                while !ev.is_null() {
                    v.push(ev);
                    // SAFETY: list members are live.
                    ev = unsafe { (*ev).links.next };
                }
            }
        };
        push_list(&self.io);
        push_list(&self.sig.map);
        let queued = self.common_timeouts.iter().flat_map(|ct| {
            let mut ev = ct.head;
            std::iter::from_fn(move || {
                let cur = ev;
                // SAFETY: queue members are live.
                (!cur.is_null()).then(|| {
                    ev = unsafe { (*cur).timeout_pos.list.next };
                    cur
                })
            })
        });
        for ev in self.timers.events().chain(queued) {
            // SAFETY: heap and queue members are live.
            if unsafe { (*ev).callback.flags } & EVLIST_INSERTED == 0 {
                v.push(ev);
            }
        }
        for q in self.active.iter().chain(std::iter::once(&self.active_later)) {
            for cb in q.iter() {
                // SAFETY: queue members are live.
                let f = unsafe { (*cb).flags };
                if f & EVLIST_INIT != 0 && f & (EVLIST_INSERTED | EVLIST_TIMEOUT) == 0 {
                    v.push(Event::from_callback(cb));
                }
            }
        }
        v
    }

    /// The active events, for `event_base_dump_events`.
    pub fn active_events(&self) -> Vec<*mut Event> {
        let mut v = Vec::new();
        for q in self.active.iter().chain(std::iter::once(&self.active_later)) {
            for cb in q.iter() {
                // SAFETY: queue members are live.
                if unsafe { (*cb).flags } & EVLIST_INIT != 0 {
                    v.push(Event::from_callback(cb));
                }
            }
        }
        v
    }

    /// The wall-clock time a timeout expires at, for reporting.
    pub fn timeout_as_wall(&self, ev: &Event) -> timeval {
        micros_to_tv(self.to_wall(strip_tag(&ev.timeout)))
    }
}

// ---- fork and teardown ---------------------------------------------------------------

/// `event_reinit`: after `fork()`, a fresh backend and signal pipe, with every
/// inserted event registered again.
///
impl EventBase {
pub fn reinit(&mut self) -> c_int {
    let b = self;
    let had_sig = b.sig_ev_added();
    if had_sig {
        let sev: *mut Event = &mut *b.sig_ev;
        // SAFETY: the base's own event.
        unsafe { b.del(sev, DelMode::NoBlock) };
        b.sig.close_pipe();
    }
    // The eventfd is shared with the parent after fork: make a new one.
    if b.notify_fd >= 0 {
        let nev: *mut Event = &mut *b.notify_ev;
        // SAFETY: the base's own event.
        unsafe { b.del(nev, DelMode::NoBlock) };
        // SAFETY: our fd.
        unsafe { libc::close(b.notify_fd) };
        b.notify_fd = -1;
    }
    let renotify = !b.th_lock.is_null();
    let need_new = b.backend.as_ref().is_some_and(|be| be.need_reinit());
    if need_new {
        let name = b.backend.as_ref().expect("base has a backend").name();
        let m = METHODS.iter().find(|m| m.name == name).expect("known method");
        b.backend = None;
        match (m.new)() {
            Some(mut be) => {
                be.set_precise(b.flags & EVENT_BASE_FLAG_PRECISE_TIMER != 0);
                b.backend = Some(be);
                // The new backend knows no fd yet.
                for s in &mut b.io.slots {
                    s.ep = 0;
                }
            }
            None => {
                log::warnx("event_reinit: could not reinitialize event mechanism");
                return -1;
            }
        }
    }
    let mut res = 0;
    if had_sig || b.sig.n_installed > 0 {
        if !b.sig.ensure_pipe() {
            return -1;
        }
        let sev: *mut Event = &mut *b.sig_ev;
        // SAFETY: the base's own event.
        unsafe {
            (*sev).fd = b.sig.pipe[0];
            if b.add(sev, None, false) == -1 {
                res = -1;
            }
        }
        let me: *mut EventBase = b;
        b.sig.take_ownership(me.cast());
    }
    if need_new {
        let be = b.backend.as_mut().expect("just built");
        for fd in b.io.keys().collect::<Vec<_>>() {
            let s = &mut b.io.slots[fd];
            let m = s.mask();
            if be.update(fd as c_int, 0, m, s).is_err() {
                res = -1;
            }
        }
    }
    if renotify && b.make_notifiable() < 0 {
        res = -1;
    }
    res
}
}

/// `event_base_free`: deletes every event still in the base, runs pending
/// finalizers if `run_finalizers`, and releases everything.
///
/// # Safety
/// `base` came from `EventBase::new` (via Box::into_raw) and is not running
/// callbacks of its own loop on this stack.
pub unsafe fn free(base: *mut EventBase, run_finalizers: bool) {
    let mut n_deleted = 0;
    // SAFETY: caller's contract. Snapshots are taken because deleting
    // changes the structures.
    unsafe {
        let all = (*base).all_events();
        for ev in all {
            if (*ev).callback.flags & (EVLIST_INSERTED | EVLIST_TIMEOUT) != 0 {
                (*base).del(ev, DelMode::EvenIfFinalizing);
                n_deleted += 1;
            }
        }
        // Finalizers may queue more (a filter's releases what it wraps), so
        // the queues are emptied until nothing is left, as libevent does.
        loop {
            let queued: Vec<*mut EventCallback> = (*base)
                .active
                .iter()
                .chain(std::iter::once(&(*base).active_later))
                .flat_map(|q| q.iter())
                .filter(|&cb| (*cb).flags & EVLIST_INTERNAL == 0)
                .collect();
            if queued.is_empty() {
                break;
            }
            for cb in queued {
                let f = (*cb).flags;
                callback_cancel(&mut *base, cb, true);
                n_deleted += 1;
                if run_finalizers && f & EVLIST_FINALIZING != 0 {
                    match (*cb).closure {
                        CLOSURE_EVENT_FINALIZE | CLOSURE_EVENT_FINALIZE_FREE => {
                            let ev = Event::from_callback(cb);
                            if let Some(fin) = (*cb).cb.evfinalize {
                                fin(ev, (*cb).arg);
                            }
                            if (*cb).closure == CLOSURE_EVENT_FINALIZE_FREE {
                                crate::mm::free(ev.cast());
                            }
                        }
                        CLOSURE_CB_FINALIZE => {
                            if let Some(fin) = (*cb).cb.cbfinalize {
                                fin(cb, (*cb).arg);
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        if n_deleted > 0 {
            log::debug(|| format!("event_base_free_: {n_deleted} events were still set in base"));
        }
        let b = &mut *base;
        for o in std::mem::take(&mut b.once_events) {
            debug::note_teardown(&(*o).ev);
            crate::mm::free(o.cast());
        }
        if b.sig_ev_added() {
            let sev: *mut Event = &mut *b.sig_ev;
            b.del(sev, DelMode::EvenIfFinalizing);
        }
        // The internal events are forgotten by debug mode with the base.
        debug::note_teardown(&*b.sig_ev);
        debug::note_teardown(&*b.notify_ev);
        for ct in &b.common_timeouts {
            debug::note_teardown(&*ct.timer);
        }
        let b = &mut *base;
        for s in 1..NSIG {
            b.sig.restore(s);
        }
        b.sig.close_pipe();
        if b.notify_fd >= 0 {
            libc::close(b.notify_fd);
        }
        thread::free_cond(b.th_cond);
        thread::free_lock(b.th_lock, thread::LOCKTYPE_RECURSIVE);
        drop(Box::from_raw(base));
    }
}
