//! The lock and condition functions a program installs (`evthread_use_pthreads`,
//! `evthread_set_lock_callbacks`), reached through the `evthread_lock_fns_` /
//! `evthread_cond_fns_` tables. Until a program installs some, every lock is
//! absent (null) and locking costs one branch.

use crate::capi::data::{cond_fns_ptr, lock_fns_ptr};
use libc::{c_uint, c_void};

pub const LOCKTYPE_RECURSIVE: c_uint = 1;
pub const LOCKTYPE_READWRITE: c_uint = 2;

/// Whether lock callbacks are installed.
pub fn locking_enabled() -> bool {
    // SAFETY: the resolved address of the lock table (a static).
    unsafe { (*lock_fns_ptr()).alloc.is_some() }
}

/// A new lock of `locktype`, or null when threading is off.
pub fn alloc_lock(locktype: c_uint) -> *mut c_void {
    // SAFETY: reading the static table; the callback is the program's.
    unsafe { (*lock_fns_ptr()).alloc.map_or(std::ptr::null_mut(), |f| f(locktype)) }
}

pub fn free_lock(lock: *mut c_void, locktype: c_uint) {
    if lock.is_null() {
        return;
    }
    // SAFETY: as above; `lock` came from alloc_lock.
    unsafe {
        if let Some(f) = (*lock_fns_ptr()).free {
            f(lock, locktype)
        }
    }
}

/// Acquires `lock` (no-op for null).
pub fn lock(lock: *mut c_void, mode: c_uint) {
    if lock.is_null() {
        return;
    }
    // SAFETY: as above.
    unsafe {
        if let Some(f) = (*lock_fns_ptr()).lock {
            f(mode, lock);
        }
    }
}

/// Releases `lock` (no-op for null).
pub fn unlock(lock: *mut c_void, mode: c_uint) {
    if lock.is_null() {
        return;
    }
    // SAFETY: as above.
    unsafe {
        if let Some(f) = (*lock_fns_ptr()).unlock {
            f(mode, lock);
        }
    }
}

/// Whether condition callbacks are installed.
pub fn conditions_enabled() -> bool {
    // SAFETY: the resolved address of the condition table (a static).
    unsafe { (*cond_fns_ptr()).alloc_condition.is_some() }
}
