//! Threads: the lock, condition and thread-id functions a program installs
//! (`evthread_use_pthreads`, `evthread_set_*_callbacks`), kept in libevent's
//! exported tables `evthread_lock_fns_` / `evthread_cond_fns_`, and the
//! checking wrappers of `evthread_enable_lock_debugging`.
//!
//! Until a program installs lock functions, every lock is null and locking
//! costs one branch.

use crate::capi::data::{cond_fns_ptr, lock_fns_ptr, EvthreadConditionCallbacks, EvthreadLockCallbacks};
use crate::log;
use libc::{c_int, c_uint, c_ulong, c_void, timeval};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

pub const LOCKTYPE_RECURSIVE: c_uint = 1;
pub const LOCKTYPE_READWRITE: c_uint = 2;
pub const EVTHREAD_WRITE: c_uint = 0x04;
pub const EVTHREAD_READ: c_uint = 0x08;
pub const EVTHREAD_TRY: c_uint = 0x10;
pub const LOCK_API_VERSION: c_int = 1;
pub const CONDITION_API_VERSION: c_int = 1;

pub type IdFn = unsafe extern "C" fn() -> c_ulong;

/// `evthread_set_id_callback`'s function (0: none).
static ID_FN: AtomicUsize = AtomicUsize::new(0);
static DEBUGGING: AtomicBool = AtomicBool::new(false);

/// The real functions under the debugging wrappers.
struct Originals {
    lock: EvthreadLockCallbacks,
    cond: EvthreadConditionCallbacks,
}
// SAFETY: plain function pointers, written only under the mutex.
unsafe impl Send for Originals {}
static ORIGINALS: Mutex<Originals> = Mutex::new(Originals {
    lock: EvthreadLockCallbacks::EMPTY,
    cond: EvthreadConditionCallbacks::EMPTY,
});

fn originals() -> std::sync::MutexGuard<'static, Originals> {
    ORIGINALS.lock().unwrap_or_else(|e| e.into_inner())
}

fn lock_table() -> &'static mut EvthreadLockCallbacks {
    // SAFETY: the resolved address of the exported table; it is written
    // only while a program configures threading, before threads use it.
    unsafe { &mut *lock_fns_ptr() }
}

fn cond_table() -> &'static mut EvthreadConditionCallbacks {
    // SAFETY: as above.
    unsafe { &mut *cond_fns_ptr() }
}

// ---- the program-facing configuration -------------------------------------------

/// `evthread_set_lock_callbacks`: installs (or with NULL, removes) lock
/// functions; once installed they may not be changed.
pub fn set_lock_callbacks(cbs: Option<&EvthreadLockCallbacks>) -> c_int {
    let mut orig = originals();
    let debugging = DEBUGGING.load(Ordering::Acquire);
    let target: &mut EvthreadLockCallbacks = if debugging { &mut orig.lock } else { lock_table() };
    let Some(cbs) = cbs else {
        if target.alloc.is_some() {
            log::warnx("Trying to disable lock functions after they have been set up will probaby not work.");
        }
        *target = EvthreadLockCallbacks::EMPTY;
        return 0;
    };
    if target.alloc.is_some() {
        if target.same_as(cbs) {
            return 0;
        }
        log::warnx("Can't change lock callbacks once they have been initialized.");
        return -1;
    }
    if cbs.alloc.is_some() && cbs.free.is_some() && cbs.lock.is_some() && cbs.unlock.is_some() {
        *target = cbs.copy();
        0
    } else {
        -1
    }
}

/// `evthread_set_condition_callbacks`.
pub fn set_condition_callbacks(cbs: Option<&EvthreadConditionCallbacks>) -> c_int {
    let mut orig = originals();
    let debugging = DEBUGGING.load(Ordering::Acquire);
    let target: &mut EvthreadConditionCallbacks = if debugging { &mut orig.cond } else { cond_table() };
    let Some(cbs) = cbs else {
        if target.alloc_condition.is_some() {
            log::warnx("Trying to disable condition functions after they have been set up will probaby not work.");
        }
        *target = EvthreadConditionCallbacks::EMPTY;
        return 0;
    };
    if target.alloc_condition.is_some() {
        if target.same_as(cbs) {
            return 0;
        }
        log::warnx("Can't change condition callbacks once they have been initialized.");
        return -1;
    }
    if cbs.alloc_condition.is_some()
        && cbs.free_condition.is_some()
        && cbs.signal_condition.is_some()
        && cbs.wait_condition.is_some()
    {
        *target = cbs.copy();
    }
    if debugging {
        // The visible table keeps the debugging wait, and forwards the rest.
        let t = cond_table();
        t.alloc_condition = cbs.alloc_condition;
        t.free_condition = cbs.free_condition;
        t.signal_condition = cbs.signal_condition;
    }
    0
}

pub fn set_id_callback(f: Option<IdFn>) {
    ID_FN.store(f.map_or(0, |f| f as usize), Ordering::Release);
}

/// The calling thread's id per the installed callback (0 without one).
pub fn current_id() -> c_ulong {
    match ID_FN.load(Ordering::Acquire) {
        0 => 0,
        // SAFETY: ID_FN holds 0 or an IdFn.
        f => unsafe { std::mem::transmute::<usize, IdFn>(f)() },
    }
}

#[inline]
pub fn have_id_fn() -> bool {
    ID_FN.load(Ordering::Acquire) != 0
}

/// The table programs should see through `evthread_get_lock_callbacks`:
/// the real functions when debugging wraps them.
pub fn visible_lock_callbacks() -> *mut EvthreadLockCallbacks {
    if DEBUGGING.load(Ordering::Acquire) {
        // The originals live in a static mutex; the pointer stays valid.
        let mut g = originals();
        &mut g.lock as *mut EvthreadLockCallbacks
    } else {
        lock_fns_ptr()
    }
}

pub fn visible_condition_callbacks() -> *mut EvthreadConditionCallbacks {
    if DEBUGGING.load(Ordering::Acquire) {
        let mut g = originals();
        &mut g.cond as *mut EvthreadConditionCallbacks
    } else {
        cond_fns_ptr()
    }
}

// ---- what the library uses ---------------------------------------------------------

/// Whether lock callbacks are installed.
pub fn locking_enabled() -> bool {
    lock_table().alloc.is_some()
}

/// A new lock of `locktype`, or null when threading is off.
pub fn alloc_lock(locktype: c_uint) -> *mut c_void {
    // SAFETY: the program's (or our debugging) allocation function.
    lock_table().alloc.map_or(ptr::null_mut(), |f| unsafe { f(locktype) })
}

/// # Safety
/// `lock` is null or came from `alloc_lock`, is not held, and is not used afterwards.
pub unsafe fn free_lock(lock: *mut c_void, locktype: c_uint) {
    if let (false, Some(f)) = (lock.is_null(), lock_table().free) {
        // SAFETY: `lock` came from alloc_lock.
        unsafe { f(lock, locktype) }
    }
}

/// Acquires `lock` (no-op for null).
///
/// # Safety
/// `lock` is null or came from `alloc_lock` and is not freed.
#[inline(always)]
pub unsafe fn lock(lock: *mut c_void, mode: c_uint) {
    // Without threading every lock is null: one branch, no table lookup.
    if !lock.is_null() {
        // SAFETY: forwarded contract.
        unsafe { lock_slow(lock, mode) }
    }
}

/// # Safety
/// As `lock`, with `lock` not null.
#[inline(never)]
unsafe fn lock_slow(lock: *mut c_void, mode: c_uint) {
    if let Some(f) = lock_table().lock {
        // SAFETY: `lock` came from alloc_lock.
        unsafe { f(mode, lock) };
    }
}

/// Releases `lock` (no-op for null).
///
/// # Safety
/// `lock` is null or came from `alloc_lock` and is held by this thread.
#[inline(always)]
pub unsafe fn unlock(lock: *mut c_void, mode: c_uint) {
    if !lock.is_null() {
        // SAFETY: forwarded contract.
        unsafe { unlock_slow(lock, mode) }
    }
}

/// # Safety
/// As `unlock`, with `lock` not null.
#[inline(never)]
unsafe fn unlock_slow(lock: *mut c_void, mode: c_uint) {
    if let Some(f) = lock_table().unlock {
        // SAFETY: `lock` came from alloc_lock.
        unsafe { f(mode, lock) };
    }
}

/// A new condition variable, or null without condition callbacks.
pub fn alloc_cond() -> *mut c_void {
    // SAFETY: the program's allocation function.
    cond_table().alloc_condition.map_or(ptr::null_mut(), |f| unsafe { f(0) })
}

/// # Safety
/// `cond` is null or came from `alloc_cond` and is not used afterwards.
pub unsafe fn free_cond(cond: *mut c_void) {
    if let (false, Some(f)) = (cond.is_null(), cond_table().free_condition) {
        // SAFETY: `cond` came from alloc_cond.
        unsafe { f(cond) }
    }
}

/// Wakes every waiter of `cond`.
///
/// # Safety
/// `cond` is null or came from `alloc_cond`.
pub unsafe fn broadcast(cond: *mut c_void) {
    if cond.is_null() {
        return;
    }
    if let Some(f) = cond_table().signal_condition {
        // SAFETY: `cond` came from alloc_cond.
        unsafe { f(cond, 1) };
    }
}

/// Waits on `cond`, releasing `lock` meanwhile.
///
/// # Safety
/// `cond` and `lock` are null or came from `alloc_cond`/`alloc_lock`; the lock is held.
pub unsafe fn wait(cond: *mut c_void, lock: *mut c_void) {
    if let (false, false, Some(f)) = (cond.is_null(), lock.is_null(), cond_table().wait_condition) {
        // SAFETY: both came from our allocators; the lock is held.
        unsafe { f(cond, lock, ptr::null()) };
    }
}

// ---- evthread_use_pthreads ------------------------------------------------------------

unsafe extern "C" fn pthread_lock_alloc(locktype: c_uint) -> *mut c_void {
    // SAFETY: a boxed mutex is initialised in place and never moves.
    unsafe {
        let m: *mut libc::pthread_mutex_t = Box::into_raw(Box::new(std::mem::zeroed()));
        let mut attr: libc::pthread_mutexattr_t = std::mem::zeroed();
        libc::pthread_mutexattr_init(&mut attr);
        if locktype & LOCKTYPE_RECURSIVE != 0 {
            libc::pthread_mutexattr_settype(&mut attr, libc::PTHREAD_MUTEX_RECURSIVE);
        }
        let r = libc::pthread_mutex_init(m, &attr);
        libc::pthread_mutexattr_destroy(&mut attr);
        if r != 0 {
            drop(Box::from_raw(m));
            return ptr::null_mut();
        }
        m.cast()
    }
}

unsafe extern "C" fn pthread_lock_free(lock: *mut c_void, _locktype: c_uint) {
    // SAFETY: `lock` came from pthread_lock_alloc.
    unsafe {
        libc::pthread_mutex_destroy(lock.cast());
        drop(Box::from_raw(lock.cast::<libc::pthread_mutex_t>()));
    }
}

unsafe extern "C" fn pthread_lock_lock(mode: c_uint, lock: *mut c_void) -> c_int {
    // SAFETY: `lock` came from pthread_lock_alloc.
    unsafe {
        if mode & EVTHREAD_TRY != 0 {
            libc::pthread_mutex_trylock(lock.cast())
        } else {
            libc::pthread_mutex_lock(lock.cast())
        }
    }
}

unsafe extern "C" fn pthread_lock_unlock(_mode: c_uint, lock: *mut c_void) -> c_int {
    // SAFETY: `lock` came from pthread_lock_alloc and is held.
    unsafe { libc::pthread_mutex_unlock(lock.cast()) }
}

unsafe extern "C" fn pthread_cond_alloc(_flags: c_uint) -> *mut c_void {
    // SAFETY: a boxed condition variable initialised in place.
    unsafe {
        let c: *mut libc::pthread_cond_t = Box::into_raw(Box::new(std::mem::zeroed()));
        if libc::pthread_cond_init(c, ptr::null()) != 0 {
            drop(Box::from_raw(c));
            return ptr::null_mut();
        }
        c.cast()
    }
}

unsafe extern "C" fn pthread_cond_free(cond: *mut c_void) {
    // SAFETY: `cond` came from pthread_cond_alloc.
    unsafe {
        libc::pthread_cond_destroy(cond.cast());
        drop(Box::from_raw(cond.cast::<libc::pthread_cond_t>()));
    }
}

unsafe extern "C" fn pthread_cond_signal(cond: *mut c_void, broadcast: c_int) -> c_int {
    // SAFETY: `cond` came from pthread_cond_alloc.
    let r = unsafe {
        if broadcast != 0 {
            libc::pthread_cond_broadcast(cond.cast())
        } else {
            libc::pthread_cond_signal(cond.cast())
        }
    };
    if r == 0 {
        0
    } else {
        -1
    }
}

/// 0 when signalled, 1 on timeout, -1 on error (libevent's contract).
unsafe extern "C" fn pthread_cond_wait(cond: *mut c_void, lock: *mut c_void, tv: *const timeval) -> c_int {
    // SAFETY: both came from our pthread allocators; the lock is held.
    unsafe {
        let r = match tv.as_ref() {
            None => libc::pthread_cond_wait(cond.cast(), lock.cast()),
            Some(tv) => {
                let now = crate::core::clock::wall_now() + crate::core::clock::tv_to_micros(tv);
                let ts = libc::timespec { tv_sec: now / 1_000_000, tv_nsec: (now % 1_000_000) * 1000 };
                libc::pthread_cond_timedwait(cond.cast(), lock.cast(), &ts)
            }
        };
        match r {
            0 => 0,
            libc::ETIMEDOUT => 1,
            _ => -1,
        }
    }
}

unsafe extern "C" fn pthread_id() -> c_ulong {
    // SAFETY: pthread_self has no preconditions.
    unsafe { libc::pthread_self() as c_ulong }
}

/// `evthread_use_pthreads`.
pub fn use_pthreads() -> c_int {
    let locks = EvthreadLockCallbacks {
        lock_api_version: LOCK_API_VERSION,
        supported_locktypes: LOCKTYPE_RECURSIVE,
        alloc: Some(pthread_lock_alloc),
        free: Some(pthread_lock_free),
        lock: Some(pthread_lock_lock),
        unlock: Some(pthread_lock_unlock),
    };
    let conds = EvthreadConditionCallbacks {
        condition_api_version: CONDITION_API_VERSION,
        alloc_condition: Some(pthread_cond_alloc),
        free_condition: Some(pthread_cond_free),
        signal_condition: Some(pthread_cond_signal),
        wait_condition: Some(pthread_cond_wait),
    };
    if set_lock_callbacks(Some(&locks)) < 0 || set_condition_callbacks(Some(&conds)) < 0 {
        return -1;
    }
    set_id_callback(Some(pthread_id));
    0
}

// ---- evthread_enable_lock_debugging -----------------------------------------------------

/// A checking lock: counts holds and the holder, over the real lock (if any).
#[repr(C)]
struct DebugLock {
    signature: u32,
    locktype: c_uint,
    held_by: c_ulong,
    count: c_int,
    real: *mut c_void,
}

const DEBUG_LOCK_SIG: u32 = 0xdeb0_b10c;

fn assert_or_die(ok: bool, what: &str) {
    if !ok {
        log::errx(log::ERR_ABORT, &format!("lock debugging: {what}"));
    }
}

unsafe extern "C" fn debug_lock_alloc(locktype: c_uint) -> *mut c_void {
    let real_alloc = originals().lock.alloc;
    let real = match real_alloc {
        // SAFETY: the program's allocation function.
        Some(f) => {
            let r = unsafe { f(locktype | LOCKTYPE_RECURSIVE) };
            if r.is_null() {
                return ptr::null_mut();
            }
            r
        }
        None => ptr::null_mut(),
    };
    Box::into_raw(Box::new(DebugLock { signature: DEBUG_LOCK_SIG, locktype, held_by: 0, count: 0, real })).cast()
}

unsafe extern "C" fn debug_lock_free(lock: *mut c_void, locktype: c_uint) {
    // SAFETY: `lock` came from debug_lock_alloc.
    let l = unsafe { Box::from_raw(lock.cast::<DebugLock>()) };
    assert_or_die(l.signature == DEBUG_LOCK_SIG, "freeing something that is not a lock");
    assert_or_die(l.count == 0, "freeing a held lock");
    assert_or_die(locktype == l.locktype, "freeing a lock with the wrong type");
    if let (false, Some(f)) = (l.real.is_null(), originals().lock.free) {
        // SAFETY: the real lock from the program's allocator.
        unsafe { f(l.real, l.locktype | LOCKTYPE_RECURSIVE) };
    }
}

fn mark_locked(mode: c_uint, l: &mut DebugLock) {
    assert_or_die(l.signature == DEBUG_LOCK_SIG, "locking something that is not a lock");
    if l.locktype & LOCKTYPE_READWRITE != 0 {
        assert_or_die(mode & (EVTHREAD_READ | EVTHREAD_WRITE) != 0, "read-write lock taken without a mode");
    } else {
        assert_or_die(mode & (EVTHREAD_READ | EVTHREAD_WRITE) == 0, "plain lock taken with a read/write mode");
    }
    l.count += 1;
    if l.locktype & LOCKTYPE_RECURSIVE == 0 {
        assert_or_die(l.count == 1, "non-recursive lock taken twice");
    }
    if have_id_fn() {
        let me = current_id();
        if l.count > 1 {
            assert_or_die(l.held_by == me, "lock taken by a second thread");
        }
        l.held_by = me;
    }
}

fn mark_unlocked(l: &mut DebugLock) {
    assert_or_die(l.signature == DEBUG_LOCK_SIG, "unlocking something that is not a lock");
    if have_id_fn() {
        assert_or_die(l.held_by == current_id(), "lock released by a thread that does not hold it");
        if l.count == 1 {
            l.held_by = 0;
        }
    }
    l.count -= 1;
    assert_or_die(l.count >= 0, "lock released more often than taken");
}

unsafe extern "C" fn debug_lock_lock(mode: c_uint, lock: *mut c_void) -> c_int {
    // SAFETY: `lock` came from debug_lock_alloc.
    let l = unsafe { &mut *lock.cast::<DebugLock>() };
    let real_lock = originals().lock.lock;
    let r = match (l.real.is_null(), real_lock) {
        // SAFETY: the program's lock function on its own lock.
        (false, Some(f)) => unsafe { f(mode, l.real) },
        _ => 0,
    };
    if r == 0 {
        mark_locked(mode, l);
    }
    r
}

unsafe extern "C" fn debug_lock_unlock(mode: c_uint, lock: *mut c_void) -> c_int {
    // SAFETY: `lock` came from debug_lock_alloc.
    let l = unsafe { &mut *lock.cast::<DebugLock>() };
    mark_unlocked(l);
    let real_unlock = originals().lock.unlock;
    match (l.real.is_null(), real_unlock) {
        // SAFETY: the program's unlock function on its own lock.
        (false, Some(f)) => unsafe { f(mode, l.real) },
        _ => 0,
    }
}

unsafe extern "C" fn debug_cond_wait(cond: *mut c_void, lock: *mut c_void, tv: *const timeval) -> c_int {
    // SAFETY: `lock` came from debug_lock_alloc.
    let l = unsafe { &mut *lock.cast::<DebugLock>() };
    assert_or_die(l.signature == DEBUG_LOCK_SIG, "waiting with something that is not a lock");
    // SAFETY: lock debugging is on, so the lock is a debugging lock.
    assert_or_die(unsafe { is_debug_lock_held(lock) }, "waiting without holding the lock");
    mark_unlocked(l);
    let real_wait = originals().cond.wait_condition;
    // SAFETY: the program's wait function, on its own lock.
    let r = real_wait.map_or(-1, |f| unsafe { f(cond, l.real, tv) });
    mark_locked(0, l);
    r
}

/// `evthread_enable_lock_debugging`: every lock taken from now on checks
/// that it is released by its holder, as often as taken.
pub fn enable_lock_debugging() {
    if DEBUGGING.swap(true, Ordering::AcqRel) {
        return;
    }
    let mut orig = originals();
    let t = lock_table();
    orig.lock = t.copy();
    *t = EvthreadLockCallbacks {
        lock_api_version: LOCK_API_VERSION,
        supported_locktypes: LOCKTYPE_RECURSIVE,
        alloc: Some(debug_lock_alloc),
        free: Some(debug_lock_free),
        lock: Some(debug_lock_lock),
        unlock: Some(debug_lock_unlock),
    };
    let c = cond_table();
    orig.cond = c.copy();
    c.wait_condition = Some(debug_cond_wait);
}

pub fn lock_debugging_enabled() -> bool {
    DEBUGGING.load(Ordering::Acquire)
}

/// `evthread_is_debug_lock_held_`: 1 if held (by this thread, when thread
/// ids are known).
///
/// # Safety
/// `lock` came from the debugging allocator.
pub unsafe fn is_debug_lock_held(lock: *mut c_void) -> bool {
    // SAFETY: `lock` came from debug_lock_alloc.
    let l = unsafe { &*lock.cast::<DebugLock>() };
    l.count > 0 && (!have_id_fn() || l.held_by == current_id())
}

/// `evthread_debug_get_real_lock_`.
///
/// # Safety
/// `lock` came from the debugging allocator.
pub unsafe fn debug_real_lock(lock: *mut c_void) -> *mut c_void {
    // SAFETY: `lock` came from debug_lock_alloc.
    unsafe { (*lock.cast::<DebugLock>()).real }
}
