//! `event2/thread.h`.

use super::types::{evthread_condition_callbacks, evthread_lock_callbacks};
use super::{event_base, opt_ref};
use crate::thread;
use libc::{c_int, c_ulong};

/// Installs lock functions (NULL removes them); they cannot be changed once set.
#[no_mangle]
pub unsafe extern "C" fn evthread_set_lock_callbacks(cbs: *const evthread_lock_callbacks) -> c_int {
    // SAFETY: cbs is null or points to the program's table.
    thread::set_lock_callbacks(unsafe { opt_ref(cbs) })
}

/// Installs condition-variable functions (NULL removes them).
#[no_mangle]
pub unsafe extern "C" fn evthread_set_condition_callbacks(cbs: *const evthread_condition_callbacks) -> c_int {
    // SAFETY: cbs is null or points to the program's table.
    thread::set_condition_callbacks(unsafe { opt_ref(cbs) })
}

/// Installs the function that names the calling thread.
#[no_mangle]
pub extern "C" fn evthread_set_id_callback(id_fn: Option<unsafe extern "C" fn() -> c_ulong>) {
    thread::set_id_callback(id_fn);
}

/// Uses pthreads for locks, condition variables and thread ids.
#[no_mangle]
pub extern "C" fn evthread_use_pthreads() -> c_int {
    thread::use_pthreads()
}

/// Makes every lock check that it is released by its holder, as often as taken.
#[no_mangle]
pub extern "C" fn evthread_enable_lock_debugging() {
    thread::enable_lock_debugging();
}

/// The old misspelt name of `evthread_enable_lock_debugging`.
#[no_mangle]
pub extern "C" fn evthread_enable_lock_debuging() {
    thread::enable_lock_debugging();
}

/// Lets other threads wake the base's loop; 0 on success.
#[no_mangle]
pub unsafe extern "C" fn evthread_make_base_notifiable(base: *mut event_base) -> c_int {
    // SAFETY: base is null or live.
    if base.is_null() {
        return -1;
    }
    // SAFETY: base is live.
    unsafe { crate::core::base::with_lock(base, |b| b.make_notifiable()) }
}
