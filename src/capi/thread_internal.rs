//! libevent's internal threading helpers that its own test programs call.
//! Not in any public header.

use super::data::{EvthreadConditionCallbacks, EvthreadLockCallbacks};
use crate::thread;
use libc::{c_int, c_void};

/// The lock functions in effect (the real ones under lock debugging).
#[no_mangle]
pub extern "C" fn evthread_get_lock_callbacks() -> *mut EvthreadLockCallbacks {
    thread::visible_lock_callbacks()
}

/// The condition functions in effect (the real ones under lock debugging).
#[no_mangle]
pub extern "C" fn evthread_get_condition_callbacks() -> *mut EvthreadConditionCallbacks {
    thread::visible_condition_callbacks()
}

/// Whether a debugging lock is held by the calling thread.
#[no_mangle]
pub unsafe extern "C" fn evthread_is_debug_lock_held_(lock: *mut c_void) -> c_int {
    if lock.is_null() || !thread::lock_debugging_enabled() {
        return 0;
    }
    // SAFETY: lock debugging is on, so the lock is a debugging lock.
    (unsafe { thread::is_debug_lock_held(lock) }) as c_int
}

/// The real lock under a debugging lock.
#[no_mangle]
pub unsafe extern "C" fn evthread_debug_get_real_lock_(lock: *mut c_void) -> *mut c_void {
    if lock.is_null() || !thread::lock_debugging_enabled() {
        return std::ptr::null_mut();
    }
    // SAFETY: lock debugging is on, so the lock is a debugging lock.
    unsafe { thread::debug_real_lock(lock) }
}
