//! Data symbols that libevent exports and that programs (libevent's own test
//! programs among them) bind at load time. When a program has its own copy
//! of one (a copy relocation), the symbol table points at the program's copy
//! and we must read and write that one, so every access goes through the
//! address the dynamic linker resolves for the name.

use crate::core::base::EventBase;
use libc::{c_uint, c_void};
use once_cell::sync::OnceCell;
use std::ffi::CStr;
use std::ptr;

/// `struct evthread_lock_callbacks` (libevent's thread.h).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct EvthreadLockCallbacks {
    pub lock_api_version: libc::c_int,
    pub supported_locktypes: c_uint,
    pub alloc: Option<unsafe extern "C" fn(c_uint) -> *mut c_void>,
    pub free: Option<unsafe extern "C" fn(*mut c_void, c_uint)>,
    pub lock: Option<unsafe extern "C" fn(c_uint, *mut c_void) -> libc::c_int>,
    pub unlock: Option<unsafe extern "C" fn(c_uint, *mut c_void) -> libc::c_int>,
}

/// `struct evthread_condition_callbacks`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct EvthreadConditionCallbacks {
    pub condition_api_version: libc::c_int,
    pub alloc_condition: Option<unsafe extern "C" fn(c_uint) -> *mut c_void>,
    pub free_condition: Option<unsafe extern "C" fn(*mut c_void)>,
    pub signal_condition: Option<unsafe extern "C" fn(*mut c_void, libc::c_int) -> libc::c_int>,
    pub wait_condition:
        Option<unsafe extern "C" fn(*mut c_void, *mut c_void, *const libc::timeval) -> libc::c_int>,
}

impl EvthreadLockCallbacks {
    pub const EMPTY: Self =
        EvthreadLockCallbacks { lock_api_version: 0, supported_locktypes: 0, alloc: None, free: None, lock: None, unlock: None };
    pub fn copy(&self) -> Self {
        *self
    }
    pub fn same_as(&self, o: &Self) -> bool {
        self.lock_api_version == o.lock_api_version
            && self.supported_locktypes == o.supported_locktypes
            && self.alloc.map(|f| f as usize) == o.alloc.map(|f| f as usize)
            && self.free.map(|f| f as usize) == o.free.map(|f| f as usize)
            && self.lock.map(|f| f as usize) == o.lock.map(|f| f as usize)
            && self.unlock.map(|f| f as usize) == o.unlock.map(|f| f as usize)
    }
}

impl EvthreadConditionCallbacks {
    pub const EMPTY: Self = EvthreadConditionCallbacks {
        condition_api_version: 0,
        alloc_condition: None,
        free_condition: None,
        signal_condition: None,
        wait_condition: None,
    };
    pub fn copy(&self) -> Self {
        *self
    }
    pub fn same_as(&self, o: &Self) -> bool {
        self.condition_api_version == o.condition_api_version
            && self.alloc_condition.map(|f| f as usize) == o.alloc_condition.map(|f| f as usize)
            && self.free_condition.map(|f| f as usize) == o.free_condition.map(|f| f as usize)
            && self.signal_condition.map(|f| f as usize) == o.signal_condition.map(|f| f as usize)
            && self.wait_condition.map(|f| f as usize) == o.wait_condition.map(|f| f as usize)
    }
}

/// The base the 1.x API works on (set by `event_init`).
#[no_mangle]
pub static mut event_global_current_base_: *mut EventBase = ptr::null_mut();

/// Non-zero when debug logging is on (`event_enable_debug_logging`).
#[no_mangle]
pub static mut event_debug_logging_mask_: u32 = 0;

/// The lock functions in use; all None until threading is enabled.
#[no_mangle]
pub static mut evthread_lock_fns_: EvthreadLockCallbacks = EvthreadLockCallbacks::EMPTY;

/// The condition-variable functions in use; all None until threading is enabled.
#[no_mangle]
pub static mut evthread_cond_fns_: EvthreadConditionCallbacks = EvthreadConditionCallbacks::EMPTY;

/// The address the dynamic linker resolves `name` (NUL-terminated) to, or
/// `own` when it is not in the dynamic symbol table (a static link).
/// Looked up once; later calls cost one load.
#[inline]
fn resolve<T>(cell: &OnceCell<usize>, name: &'static [u8], own: *mut T) -> *mut T {
    *cell.get_or_init(|| {
        let name = CStr::from_bytes_with_nul(name).expect("NUL-terminated");
        // SAFETY: dlsym with RTLD_DEFAULT and a valid C string.
        let p = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
        if p.is_null() {
            own as usize
        } else {
            p as usize
        }
    }) as *mut T
}

macro_rules! resolved {
    ($fn:ident, $sym:ident, $ty:ty) => {
        #[inline]
        pub fn $fn() -> *mut $ty {
            static CELL: OnceCell<usize> = OnceCell::new();
            // Only the address of the static is taken, never a reference.
            resolve(&CELL, concat!(stringify!($sym), "\0").as_bytes(), ptr::addr_of_mut!($sym))
        }
    };
}

resolved!(current_base_ptr, event_global_current_base_, *mut EventBase);
resolved!(debug_logging_mask_ptr, event_debug_logging_mask_, u32);
resolved!(lock_fns_ptr, evthread_lock_fns_, EvthreadLockCallbacks);
resolved!(cond_fns_ptr, evthread_cond_fns_, EvthreadConditionCallbacks);

pub fn current_base() -> *mut EventBase {
    // SAFETY: the resolved address of a pointer-sized static.
    unsafe { current_base_ptr().read_volatile() }
}

pub fn set_current_base(b: *mut EventBase) {
    // SAFETY: as above.
    unsafe { current_base_ptr().write_volatile(b) }
}

pub fn debug_logging_mask() -> u32 {
    // SAFETY: the resolved address of a u32 static.
    unsafe { debug_logging_mask_ptr().read_volatile() }
}

pub fn set_debug_logging_mask(m: u32) {
    // SAFETY: as above.
    unsafe { debug_logging_mask_ptr().write_volatile(m) }
}
