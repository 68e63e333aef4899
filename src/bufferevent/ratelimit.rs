//! Rate limits (`bufferevent_ratelim.c`): token buckets per bufferevent
//! (`bufferevent_set_rate_limit`) and per group of bufferevents
//! (`bufferevent_rate_limit_group_*`). Only socket bufferevents read and
//! write through them, as in libevent.
//!
//! A bucket holds how many bytes may still be read (written); it refills by
//! `rate` bytes per tick, up to `burst`, counted in whole ticks of the
//! base's cached wall clock. Reading (writing) is suspended when a bucket
//! runs empty and resumes when a refill brings it above zero: a per-event
//! timer for a bufferevent's own bucket, a persistent per-tick timer for a
//! group. A group shares its bucket among its members: one read or write
//! may take the group's bucket divided by the number of members, but at
//! least the group's minimum share.
//!
//! Group locking: a group has its own lock, taken after a member's. To
//! suspend or resume every member the group only *tries* each member's
//! lock; a member it could not lock notices the group's state on its next
//! read or write (and a resumption is retried on the next tick).

use super::*;
use crate::capi::data::lock_fns_ptr;

/// `EV_RATE_LIMIT_MAX` (`EV_SSIZE_MAX`).
pub const RATE_LIMIT_MAX: usize = isize::MAX as usize;
/// The default minimum share of a group.
const DEFAULT_MIN_SHARE: usize = 64;

/// `struct ev_token_bucket_cfg`.
#[derive(Clone, Copy)]
pub struct TokenBucketCfg {
    read_rate: usize,
    read_maximum: usize,
    write_rate: usize,
    write_maximum: usize,
    tick_timeout: timeval,
    msec_per_tick: u32,
}

/// A pair of buckets and the tick they were last refilled at.
#[derive(Clone, Copy, Default)]
struct Bucket {
    read_limit: i64,
    write_limit: i64,
    last_updated: u32,
}

impl TokenBucketCfg {
    /// `ev_token_bucket_cfg_new`: None for rates above their bursts, zero
    /// rates, values above `EV_RATE_LIMIT_MAX`, or a tick shorter than 1 ms.
    pub fn new(rr: usize, rb: usize, wr: usize, wb: usize, tick: Option<&timeval>) -> Option<TokenBucketCfg> {
        if rr > rb || wr > wb || rr < 1 || wr < 1 {
            return None;
        }
        if rr > RATE_LIMIT_MAX || wr > RATE_LIMIT_MAX || rb > RATE_LIMIT_MAX || wb > RATE_LIMIT_MAX {
            return None;
        }
        let tick = tick.copied().unwrap_or(timeval { tv_sec: 1, tv_usec: 0 });
        if tick.tv_sec < 0 || tick.tv_usec < 0 {
            return None;
        }
        // Fractions of a millisecond are ignored (the common-timeout tag too).
        let usec = tick.tv_usec & crate::core::base::COMMON_TIMEOUT_MICROSECONDS_MASK;
        let msec = tick.tv_sec.saturating_mul(1000).saturating_add(usec / 1000);
        if msec < 1 || msec > u32::MAX as i64 {
            return None;
        }
        Some(TokenBucketCfg {
            read_rate: rr,
            read_maximum: rb,
            write_rate: wr,
            write_maximum: wb,
            tick_timeout: tick,
            msec_per_tick: msec as u32,
        })
    }

    /// The tick number `tv` falls in.
    fn tick_of(&self, tv: &timeval) -> u32 {
        let msec = (tv.tv_sec as u64).wrapping_mul(1000).wrapping_add(tv.tv_usec as u64 / 1000);
        (msec / u64::from(self.msec_per_tick)) as u32
    }
}

impl Bucket {
    /// A bucket as a configuration starts it: one tick's worth. With
    /// `keep`, the current levels stay, cut down to the new bursts.
    fn init(&mut self, cfg: &TokenBucketCfg, tick: u32, keep: bool) {
        if keep {
            self.read_limit = self.read_limit.min(cfg.read_maximum as i64);
            self.write_limit = self.write_limit.min(cfg.write_maximum as i64);
        } else {
            self.read_limit = cfg.read_rate as i64;
            self.write_limit = cfg.write_rate as i64;
            self.last_updated = tick;
        }
    }

    /// Adds the ticks elapsed since the last refill (capped at the bursts).
    fn update(&mut self, cfg: &TokenBucketCfg, tick: u32) {
        let n = tick.wrapping_sub(self.last_updated);
        if n == 0 || n > i32::MAX as u32 {
            return;
        }
        let n = i64::from(n);
        let refill = |limit: i64, rate: usize, max: usize| -> i64 {
            let room = max as i64 - limit;
            if room / n < rate as i64 {
                max as i64
            } else {
                limit + n * rate as i64
            }
        };
        self.read_limit = refill(self.read_limit, cfg.read_rate, cfg.read_maximum);
        self.write_limit = refill(self.write_limit, cfg.write_rate, cfg.write_maximum);
        self.last_updated = tick;
    }
}

/// A bufferevent's rate-limit state.
pub struct BevRate {
    /// Its own bucket's configuration (the program's; null: none).
    cfg: *const TokenBucketCfg,
    bucket: Bucket,
    /// Ends a suspension of the own bucket at the next tick.
    refill: Event,
    refill_assigned: bool,
    group: *mut Group,
}

/// `struct bufferevent_rate_limit_group`.
pub struct Group {
    members: Vec<*mut Bufferevent>,
    read_suspended: bool,
    write_suspended: bool,
    pending_unsuspend_read: bool,
    pending_unsuspend_write: bool,
    bucket: Bucket,
    cfg: TokenBucketCfg,
    configured_min_share: usize,
    min_share: usize,
    total_read: u64,
    total_written: u64,
    refill: Event,
    base: *mut EventBase,
    lock: *mut c_void,
    rng: u32,
}

/// The cached wall-clock time of `base`.
///
/// # Safety
/// `base` is null or live.
unsafe fn now(base: *mut EventBase) -> timeval {
    let mut tv = timeval { tv_sec: 0, tv_usec: 0 };
    // SAFETY: caller's contract; tv is writable.
    unsafe { cev::event_base_gettimeofday_cached(base, &mut tv) };
    tv
}

fn glock(g: *mut Group) {
    // SAFETY: g is a live group.
    let l = unsafe { (*g).lock };
    if !l.is_null() {
        // SAFETY: the lock came from alloc_lock and lives as long as its owner.
        unsafe { thread::lock(l, 0) };
    }
}

fn gunlock(g: *mut Group) {
    // SAFETY: g is a live group.
    let l = unsafe { (*g).lock };
    if !l.is_null() {
        // SAFETY: the lock came from alloc_lock and this thread holds it.
        unsafe { thread::unlock(l, 0) };
    }
}

/// Tries to take a bufferevent's lock without waiting (always succeeds
/// without locking).
///
/// # Safety
/// `bev` is live.
unsafe fn try_lock(bev: *mut Bufferevent) -> bool {
    // SAFETY: caller's contract; the table is the active lock table.
    unsafe {
        let l = super::lock_ptr(bev);
        if l.is_null() {
            return true;
        }
        match (*lock_fns_ptr()).lock {
            Some(f) => f(thread::EVTHREAD_TRY, l) == 0,
            None => true,
        }
    }
}

// ---- per-bufferevent limits -------------------------------------------------------------

/// # Safety
/// `bev` is live and locked.
unsafe fn rate(bev: *mut Bufferevent) -> *mut BevRate {
    // SAFETY: caller's contract.
    unsafe { (*bev).p.rate }
}

/// The rate state, made on first use.
///
/// # Safety
/// `bev` is live and locked.
unsafe fn rate_mut(bev: *mut Bufferevent) -> *mut BevRate {
    // SAFETY: caller's contract.
    unsafe {
        if (*bev).p.rate.is_null() {
            let r = Box::new(BevRate {
                cfg: ptr::null(),
                bucket: Bucket::default(),
                refill: std::mem::zeroed(),
                refill_assigned: false,
                group: ptr::null_mut(),
            });
            (*bev).p.rate = Box::into_raw(r);
        }
        (*bev).p.rate
    }
}

/// Refills the bufferevent's own bucket for the ticks gone by.
///
/// # Safety
/// `bev` is live and locked; its rate state has a configuration.
unsafe fn update_own(bev: *mut Bufferevent) {
    // SAFETY: caller's contract.
    unsafe {
        let r = rate(bev);
        let cfg = &*(*r).cfg;
        let tick = cfg.tick_of(&now(ebase(bev)));
        (*r).bucket.update(cfg, tick);
    }
}

/// How much one read (`write`: write) may move now: the own bucket if
/// there is one (it replaces the per-operation maximum, as in libevent),
/// else the per-operation maximum; then at most the member's share of the
/// group's bucket.
///
/// # Safety
/// `bev` is live and locked.
unsafe fn max_for(bev: *mut Bufferevent, write: bool) -> isize {
    // SAFETY: caller's contract.
    unsafe {
        let mut max = if write { (*bev).p.max_single_write } else { (*bev).p.max_single_read };
        let r = rate(bev);
        if r.is_null() {
            return max;
        }
        if !(*r).cfg.is_null() {
            update_own(bev);
            // As libevent: an own bucket replaces the per-operation maximum.
            let lim = if write { (*r).bucket.write_limit } else { (*r).bucket.read_limit };
            max = lim.clamp(isize::MIN as i64, isize::MAX as i64) as isize;
        }
        let g = (*r).group;
        if !g.is_null() {
            glock(g);
            let suspended = if write { (*g).write_suspended } else { (*g).read_suspended };
            let share = if suspended {
                0
            } else {
                let lim = if write { (*g).bucket.write_limit } else { (*g).bucket.read_limit };
                let n = (*g).members.len().max(1) as i64;
                let mut s = lim.max(0) / n;
                if s < (*g).min_share as i64 {
                    s = (*g).min_share as i64;
                }
                s.min(isize::MAX as i64) as isize
            };
            gunlock(g);
            if suspended {
                if write {
                    suspend_write(bev, SUSPEND_BW_GROUP);
                } else {
                    suspend_read(bev, SUSPEND_BW_GROUP);
                }
            }
            max = max.min(share);
        }
        max.max(0)
    }
}

/// How much one read may take now.
///
/// # Safety
/// `bev` is live and locked.
pub unsafe fn read_max(bev: *mut Bufferevent) -> isize {
    // SAFETY: caller's contract.
    unsafe { max_for(bev, false) }
}

/// How much one write may send now.
///
/// # Safety
/// `bev` is live and locked.
pub unsafe fn write_max(bev: *mut Bufferevent) -> isize {
    // SAFETY: caller's contract.
    unsafe { max_for(bev, true) }
}

/// Starts the refill timer of the own bucket (to the next tick).
///
/// # Safety
/// `bev` is live and locked; its rate state has a configuration.
unsafe fn schedule_refill(bev: *mut Bufferevent) {
    // SAFETY: caller's contract.
    unsafe {
        let r = rate(bev);
        if !(*r).refill_assigned {
            return;
        }
        let tv = (*(*r).cfg).tick_timeout;
        cev::event_add(addr_of_mut!((*r).refill), &tv);
    }
}

/// Takes `n` bytes out of the own and group read buckets; suspends
/// reading where a bucket ran out.
///
/// # Safety
/// `bev` is live and locked.
pub unsafe fn note_read(bev: *mut Bufferevent, n: isize) {
    // SAFETY: caller's contract.
    unsafe {
        let r = rate(bev);
        if r.is_null() {
            return;
        }
        if !(*r).cfg.is_null() {
            (*r).bucket.read_limit -= n as i64;
            if (*r).bucket.read_limit <= 0 {
                suspend_read(bev, SUSPEND_BW);
                schedule_refill(bev);
            }
        }
        let g = (*r).group;
        if !g.is_null() {
            glock(g);
            (*g).bucket.read_limit -= n as i64;
            (*g).total_read += n as u64;
            if (*g).bucket.read_limit <= 0 && !(*g).read_suspended {
                group_suspend(g, false);
            }
            gunlock(g);
        }
    }
}

/// As [`note_read`], for writing.
///
/// # Safety
/// `bev` is live and locked.
pub unsafe fn note_write(bev: *mut Bufferevent, n: isize) {
    // SAFETY: caller's contract.
    unsafe {
        let r = rate(bev);
        if r.is_null() {
            return;
        }
        if !(*r).cfg.is_null() {
            (*r).bucket.write_limit -= n as i64;
            if (*r).bucket.write_limit <= 0 {
                suspend_write(bev, SUSPEND_BW);
                schedule_refill(bev);
            }
        }
        let g = (*r).group;
        if !g.is_null() {
            glock(g);
            (*g).bucket.write_limit -= n as i64;
            (*g).total_written += n as u64;
            if (*g).bucket.write_limit <= 0 && !(*g).write_suspended {
                group_suspend(g, true);
            }
            gunlock(g);
        }
    }
}

/// The own bucket's refill timer: resume what has tokens again, wait
/// another tick for the rest.
unsafe extern "C" fn refill_cb(_fd: c_int, _what: c_short, arg: *mut c_void) {
    let bev = arg.cast::<Bufferevent>();
    // SAFETY: the timer is deleted before the bufferevent is released; a
    // bufferevent being torn down is left alone.
    unsafe {
        if !is_live(bev) {
            return;
        }
        incref_and_lock(bev);
        let r = rate(bev);
        if !r.is_null() && !(*r).cfg.is_null() {
            update_own(bev);
            let mut again = false;
            if (*bev).p.read_suspended & SUSPEND_BW != 0 {
                if (*r).bucket.read_limit > 0 {
                    unsuspend_read(bev, SUSPEND_BW);
                } else {
                    again = true;
                }
            }
            if (*bev).p.write_suspended & SUSPEND_BW != 0 {
                if (*r).bucket.write_limit > 0 {
                    unsuspend_write(bev, SUSPEND_BW);
                } else {
                    again = true;
                }
            }
            if again {
                schedule_refill(bev);
            }
        }
        decref_and_unlock(bev);
    }
}

/// `bufferevent_set_rate_limit`: NULL removes the own limit.
///
/// # Safety
/// `bev` is live; `cfg` is null or a live configuration that outlives its use.
pub unsafe fn set_rate_limit(bev: *mut Bufferevent, cfg: *const TokenBucketCfg) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        lock(bev);
        if cfg.is_null() {
            let r = rate(bev);
            if !r.is_null() && !(*r).cfg.is_null() {
                (*r).cfg = ptr::null();
                if (*r).refill_assigned {
                    cev::event_del(addr_of_mut!((*r).refill));
                }
                unsuspend_read(bev, SUSPEND_BW);
                unsuspend_write(bev, SUSPEND_BW);
            }
            unlock(bev);
            return 0;
        }
        let r = rate_mut(bev);
        if (*r).cfg == cfg {
            unlock(bev);
            return 0;
        }
        let keep = !(*r).cfg.is_null();
        (*r).cfg = cfg;
        let tick = (*cfg).tick_of(&now(ebase(bev)));
        (*r).bucket.init(&*cfg, tick, keep);
        if !(*r).refill_assigned {
            cev::event_assign(addr_of_mut!((*r).refill), (*bev).ev_base, -1, EV_FINALIZE, Some(refill_cb), bev.cast());
            let pri = (*bev).p.deferred_pri as c_int;
            if pri != 0 {
                cev::event_priority_set(addr_of_mut!((*r).refill), pri);
            }
            (*r).refill_assigned = true;
        }
        let mut need_refill = false;
        if (*r).bucket.read_limit > 0 {
            unsuspend_read(bev, SUSPEND_BW);
        } else {
            suspend_read(bev, SUSPEND_BW);
            need_refill = true;
        }
        if (*r).bucket.write_limit > 0 {
            unsuspend_write(bev, SUSPEND_BW);
        } else {
            suspend_write(bev, SUSPEND_BW);
            need_refill = true;
        }
        if need_refill {
            schedule_refill(bev);
        }
        unlock(bev);
        0
    }
}

/// The own configuration, or null.
///
/// # Safety
/// `bev` is live.
pub unsafe fn token_bucket_cfg(bev: *mut Bufferevent) -> *const TokenBucketCfg {
    // SAFETY: caller's contract.
    unsafe {
        lock(bev);
        let r = rate(bev);
        let c = if r.is_null() { ptr::null() } else { (*r).cfg };
        unlock(bev);
        c
    }
}

/// `bufferevent_get_read_limit` / `_write_limit`: the own bucket, or
/// `EV_SSIZE_MAX` without one.
///
/// # Safety
/// `bev` is live.
pub unsafe fn own_limit(bev: *mut Bufferevent, write: bool) -> isize {
    // SAFETY: caller's contract.
    unsafe {
        lock(bev);
        let r = rate(bev);
        let v = if r.is_null() || (*r).cfg.is_null() {
            isize::MAX
        } else {
            update_own(bev);
            let l = if write { (*r).bucket.write_limit } else { (*r).bucket.read_limit };
            l.clamp(isize::MIN as i64, isize::MAX as i64) as isize
        };
        unlock(bev);
        v
    }
}

/// `bufferevent_decrement_read_limit` / `_write_limit`: -1 without an own limit.
///
/// # Safety
/// `bev` is live.
pub unsafe fn decrement_own(bev: *mut Bufferevent, decr: isize, write: bool) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        lock(bev);
        let r = rate(bev);
        if r.is_null() || (*r).cfg.is_null() {
            unlock(bev);
            return -1;
        }
        let lim = if write { &mut (*r).bucket.write_limit } else { &mut (*r).bucket.read_limit };
        let old = *lim;
        *lim = old.saturating_sub(decr as i64);
        let new = *lim;
        if old > 0 && new <= 0 {
            if write {
                suspend_write(bev, SUSPEND_BW);
            } else {
                suspend_read(bev, SUSPEND_BW);
            }
            schedule_refill(bev);
        } else if old <= 0 && new > 0 {
            let other_empty = if write { (*r).bucket.read_limit <= 0 } else { (*r).bucket.write_limit <= 0 };
            if !other_empty && (*r).refill_assigned {
                cev::event_del(addr_of_mut!((*r).refill));
            }
            if write {
                unsuspend_write(bev, SUSPEND_BW);
            } else {
                unsuspend_read(bev, SUSPEND_BW);
            }
        }
        unlock(bev);
        0
    }
}

// ---- groups ---------------------------------------------------------------------

/// Suspends reading (`write`: writing) of every member the group can lock now.
///
/// # Safety
/// `g` is live and locked.
unsafe fn group_suspend(g: *mut Group, write: bool) {
    // SAFETY: caller's contract; members are live (they leave the group
    // before they go).
    unsafe {
        if write {
            (*g).write_suspended = true;
            (*g).pending_unsuspend_write = false;
        } else {
            (*g).read_suspended = true;
            (*g).pending_unsuspend_read = false;
        }
        for i in 0..(*g).members.len() {
            let bev = (&(*g).members)[i];
            if try_lock(bev) {
                if write {
                    suspend_write(bev, SUSPEND_BW_GROUP);
                } else {
                    suspend_read(bev, SUSPEND_BW_GROUP);
                }
                unlock(bev);
            }
        }
    }
}

/// Resumes every member the group can lock now, starting at a random one
/// so no member is always first; the rest are retried on the next tick.
///
/// # Safety
/// `g` is live and locked.
unsafe fn group_unsuspend(g: *mut Group, write: bool) {
    // SAFETY: as group_suspend.
    unsafe {
        if write {
            (*g).write_suspended = false;
        } else {
            (*g).read_suspended = false;
        }
        let n = (*g).members.len();
        let mut again = false;
        if n > 0 {
            (*g).rng = (*g).rng.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let start = ((*g).rng >> 8) as usize % n;
            for k in 0..n {
                let bev = (&(*g).members)[(start + k) % n];
                if try_lock(bev) {
                    if write {
                        unsuspend_write(bev, SUSPEND_BW_GROUP);
                    } else {
                        unsuspend_read(bev, SUSPEND_BW_GROUP);
                    }
                    unlock(bev);
                } else {
                    again = true;
                }
            }
        }
        if write {
            (*g).pending_unsuspend_write = again;
        } else {
            (*g).pending_unsuspend_read = again;
        }
    }
}

/// The group's tick: refill, and resume members when there is at least a
/// minimum share to go round.
unsafe extern "C" fn group_refill_cb(_fd: c_int, _what: c_short, arg: *mut c_void) {
    let g = arg.cast::<Group>();
    // SAFETY: the timer is deleted before the group is freed.
    unsafe {
        glock(g);
        let tick = (*g).cfg.tick_of(&now((*g).base));
        let cfg = (*g).cfg;
        (*g).bucket.update(&cfg, tick);
        let ms = (*g).min_share as i64;
        if (*g).pending_unsuspend_read || ((*g).read_suspended && (*g).bucket.read_limit >= ms) {
            group_unsuspend(g, false);
        }
        if (*g).pending_unsuspend_write || ((*g).write_suspended && (*g).bucket.write_limit >= ms) {
            group_unsuspend(g, true);
        }
        gunlock(g);
    }
}

/// `bufferevent_rate_limit_group_new`.
///
/// # Safety
/// `base` is null or live; `cfg` is live.
pub unsafe fn group_new(base: *mut EventBase, cfg: &TokenBucketCfg) -> *mut Group {
    // SAFETY: caller's contract; g is fresh and never moves (boxed).
    unsafe {
        let base = if base.is_null() { crate::capi::data::current_base() } else { base };
        let tick = cfg.tick_of(&now(base));
        let mut bucket = Bucket::default();
        bucket.init(cfg, tick, false);
        let g = Box::into_raw(Box::new(Group {
            members: Vec::new(),
            read_suspended: false,
            write_suspended: false,
            pending_unsuspend_read: false,
            pending_unsuspend_write: false,
            bucket,
            cfg: *cfg,
            configured_min_share: 0,
            min_share: 0,
            total_read: 0,
            total_written: 0,
            refill: std::mem::zeroed(),
            base,
            lock: thread::alloc_lock(thread::LOCKTYPE_RECURSIVE),
            rng: (g_seed() as u32) | 1,
        }));
        cev::event_assign(addr_of_mut!((*g).refill), base, -1, EV_PERSIST | EV_FINALIZE, Some(group_refill_cb), g.cast());
        let tv = cfg.tick_timeout;
        cev::event_add(addr_of_mut!((*g).refill), &tv);
        group_set_min_share(g, DEFAULT_MIN_SHARE);
        g
    }
}

fn g_seed() -> usize {
    let x = 0u8;
    (&x as *const u8 as usize) ^ (std::process::id() as usize)
}

/// `bufferevent_rate_limit_group_set_cfg`.
///
/// # Safety
/// `g` is live.
pub unsafe fn group_set_cfg(g: *mut Group, cfg: &TokenBucketCfg) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        glock(g);
        let t = (*g).cfg.tick_timeout;
        let same_tick = t.tv_sec == cfg.tick_timeout.tv_sec && t.tv_usec == cfg.tick_timeout.tv_usec;
        (*g).cfg = *cfg;
        (*g).bucket.read_limit = (*g).bucket.read_limit.min(cfg.read_maximum as i64);
        (*g).bucket.write_limit = (*g).bucket.write_limit.min(cfg.write_maximum as i64);
        if !same_tick {
            let tv = cfg.tick_timeout;
            cev::event_add(addr_of_mut!((*g).refill), &tv);
        }
        let share = (*g).configured_min_share;
        group_set_min_share(g, share);
        gunlock(g);
    }
    0
}

/// `bufferevent_rate_limit_group_set_min_share`: never more than one
/// tick's rate, so at least one member can go each tick.
///
/// # Safety
/// `g` is live.
pub unsafe fn group_set_min_share(g: *mut Group, share: usize) -> c_int {
    if share > RATE_LIMIT_MAX {
        return -1;
    }
    // SAFETY: caller's contract.
    unsafe {
        glock(g);
        (*g).configured_min_share = share;
        (*g).min_share = share.min((*g).cfg.read_rate).min((*g).cfg.write_rate);
        gunlock(g);
    }
    0
}

/// `bufferevent_rate_limit_group_free`: the group must have no members.
///
/// # Safety
/// `g` is live.
pub unsafe fn group_free(g: *mut Group) {
    // SAFETY: caller's contract.
    unsafe {
        glock(g);
        if !(*g).members.is_empty() {
            gunlock(g);
            log::warnx("bufferevent_rate_limit_group_free: the group still has members; not freed");
            return;
        }
        cev::event_del(addr_of_mut!((*g).refill));
        crate::core::debug::note_teardown(addr_of_mut!((*g).refill));
        let l = (*g).lock;
        gunlock(g);
        if !l.is_null() {
            thread::free_lock(l, thread::LOCKTYPE_RECURSIVE);
        }
        drop(Box::from_raw(g));
    }
}

/// `bufferevent_add_to_rate_limit_group` (NULL: leave the current group).
///
/// # Safety
/// `bev` is live; `g` is null or live.
pub unsafe fn add_to_group(bev: *mut Bufferevent, g: *mut Group) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        if g.is_null() {
            return remove_from_group(bev, true);
        }
        lock(bev);
        let r = rate_mut(bev);
        if (*r).group == g {
            unlock(bev);
            return 0;
        }
        if !(*r).group.is_null() {
            remove_from_group(bev, true);
        }
        glock(g);
        (*r).group = g;
        (*g).members.push(bev);
        let (rs, ws) = ((*g).read_suspended, (*g).write_suspended);
        gunlock(g);
        if rs {
            suspend_read(bev, SUSPEND_BW_GROUP);
        }
        if ws {
            suspend_write(bev, SUSPEND_BW_GROUP);
        }
        unlock(bev);
        0
    }
}

/// Leaves the group (resuming what the group held back if `unsuspend`).
///
/// # Safety
/// `bev` is live.
pub unsafe fn remove_from_group(bev: *mut Bufferevent, unsuspend: bool) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        lock(bev);
        let r = rate(bev);
        if !r.is_null() && !(*r).group.is_null() {
            let g = (*r).group;
            glock(g);
            (*r).group = ptr::null_mut();
            (*g).members.retain(|&m| m != bev);
            gunlock(g);
            if unsuspend {
                unsuspend_read(bev, SUSPEND_BW_GROUP);
                unsuspend_write(bev, SUSPEND_BW_GROUP);
            }
        }
        unlock(bev);
    }
    0
}

/// The group's bucket (may be negative).
///
/// # Safety
/// `g` is live.
pub unsafe fn group_limit(g: *mut Group, write: bool) -> isize {
    glock(g);
    // SAFETY: caller's contract.
    let l = unsafe { if write { (*g).bucket.write_limit } else { (*g).bucket.read_limit } };
    gunlock(g);
    l.clamp(isize::MIN as i64, isize::MAX as i64) as isize
}

/// `bufferevent_rate_limit_group_decrement_read` / `_write`.
///
/// # Safety
/// `g` is live.
pub unsafe fn group_decrement(g: *mut Group, decr: isize, write: bool) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        glock(g);
        let lim = if write { &mut (*g).bucket.write_limit } else { &mut (*g).bucket.read_limit };
        let old = *lim;
        *lim = old.saturating_sub(decr as i64);
        let new = *lim;
        if old > 0 && new <= 0 {
            group_suspend(g, write);
        } else if old <= 0 && new > 0 {
            group_unsuspend(g, write);
        }
        gunlock(g);
    }
    0
}

/// Bytes ever read and written by the group's members.
///
/// # Safety
/// `g` is live.
pub unsafe fn group_totals(g: *mut Group) -> (u64, u64) {
    glock(g);
    // SAFETY: caller's contract.
    let t = unsafe { ((*g).total_read, (*g).total_written) };
    gunlock(g);
    t
}

/// # Safety
/// `g` is live.
pub unsafe fn group_reset_totals(g: *mut Group) {
    glock(g);
    // SAFETY: caller's contract.
    unsafe {
        (*g).total_read = 0;
        (*g).total_written = 0;
    }
    gunlock(g);
}

// ---- teardown -------------------------------------------------------------------

/// The bufferevent's last reference is gone: it leaves its group.
///
/// # Safety
/// `bev` is live and locked.
pub unsafe fn unlink(bev: *mut Bufferevent) {
    // SAFETY: caller's contract.
    unsafe {
        if !rate(bev).is_null() {
            remove_from_group(bev, false);
        }
    }
}

/// Frees the rate state (its refill timer stopped).
///
/// # Safety
/// `bev` is being released.
pub unsafe fn release(bev: *mut Bufferevent) {
    // SAFETY: caller's contract.
    unsafe {
        let r = rate(bev);
        if r.is_null() {
            return;
        }
        if (*r).refill_assigned {
            cev::event_del(addr_of_mut!((*r).refill));
            crate::core::debug::note_teardown(addr_of_mut!((*r).refill));
        }
        (*bev).p.rate = ptr::null_mut();
        drop(Box::from_raw(r));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tv(s: i64, us: i64) -> timeval {
        timeval { tv_sec: s as libc::time_t, tv_usec: us as libc::suseconds_t }
    }

    #[test]
    fn cfg_validation() {
        assert!(TokenBucketCfg::new(10, 5, 1, 1, None).is_none(), "rate above burst");
        assert!(TokenBucketCfg::new(1, 1, 10, 5, None).is_none(), "write rate above burst");
        assert!(TokenBucketCfg::new(0, 5, 1, 1, None).is_none(), "zero rate");
        assert!(TokenBucketCfg::new(1, RATE_LIMIT_MAX + 1, 1, 1, None).is_none(), "burst too big");
        assert!(TokenBucketCfg::new(1, 1, 1, 1, Some(&tv(0, 500))).is_none(), "tick under 1 ms");
        let c = TokenBucketCfg::new(1, 1, 1, 1, None).expect("valid");
        assert_eq!(c.msec_per_tick, 1000);
        let c = TokenBucketCfg::new(1, 1, 1, 1, Some(&tv(0, 250_700))).expect("valid");
        assert_eq!(c.msec_per_tick, 250, "fractions of a millisecond are ignored");
    }

    #[test]
    fn ticks_and_refills() {
        let c = TokenBucketCfg::new(100, 250, 10, 10, Some(&tv(0, 100_000))).expect("valid");
        assert_eq!(c.tick_of(&tv(1, 250_000)), 12);
        let mut b = Bucket::default();
        b.init(&c, 12, false);
        assert_eq!((b.read_limit, b.write_limit), (100, 10));
        b.read_limit -= 180;
        b.update(&c, 12);
        assert_eq!(b.read_limit, -80, "no refill within a tick");
        b.update(&c, 13);
        assert_eq!(b.read_limit, 20);
        b.update(&c, 20);
        assert_eq!(b.read_limit, 250, "capped at the burst");
        assert_eq!(b.write_limit, 10);
        b.read_limit = 400;
        b.init(&c, 20, true);
        assert_eq!(b.read_limit, 250, "kept levels are cut to the burst");
    }
}
