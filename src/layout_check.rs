//! The layout proof: our `#[repr(C)]` types against bindgen's reading of
//! the system libevent headers (feature `layout-check`, `make test-layout`).
//! Field names differ (ours say what we use them for); offsets and sizes
//! must not.

#[allow(non_camel_case_types, non_snake_case, non_upper_case_globals, dead_code, clippy::all)]
mod sys {
    include!(concat!(env!("OUT_DIR"), "/libevent_layout.rs"));
}

use crate::capi::data::{EvthreadConditionCallbacks, EvthreadLockCallbacks};
use crate::core::event::{EvLinks, Event, EventCallback, SigCalls};
use std::mem::{offset_of, size_of};

macro_rules! same_layout {
    ($sys:ty, $ours:ty, [$(($sf:ident, $of:ident)),* $(,)?]) => {{
        assert_eq!(size_of::<$sys>(), size_of::<$ours>(), "size of {}", stringify!($ours));
        $(
            assert_eq!(
                offset_of!($sys, $sf),
                offset_of!($ours, $of),
                "{}.{} vs {}.{}", stringify!($sys), stringify!($sf), stringify!($ours), stringify!($of)
            );
        )*
    }};
}

#[test]
fn struct_event_and_event_callback() {
    same_layout!(sys::event_callback, EventCallback, [
        (evcb_active_next, active_next), (evcb_flags, flags), (evcb_pri, pri),
        (evcb_closure, closure), (evcb_cb_union, cb), (evcb_arg, arg),
    ]);
    same_layout!(sys::event, Event, [
        (ev_evcallback, callback), (ev_timeout_pos, timeout_pos), (ev_fd, fd), (ev_base, base),
        (ev_, links), (ev_events, events), (ev_res, res), (ev_timeout, timeout),
    ]);
    // Inside the `ev_` union: the signal call count and its pointer.
    let sig_ncalls = offset_of!(sys::event, ev_) + offset_of!(sys::event__bindgen_ty_2__bindgen_ty_2, ev_ncalls);
    let sig_pncalls = offset_of!(sys::event, ev_) + offset_of!(sys::event__bindgen_ty_2__bindgen_ty_2, ev_pncalls);
    let ours = offset_of!(Event, links) + offset_of!(EvLinks, extra);
    assert_eq!(sig_ncalls, ours + offset_of!(SigCalls, ncalls));
    assert_eq!(sig_pncalls, ours + offset_of!(SigCalls, pncalls));
    let io_timeout = offset_of!(sys::event, ev_) + offset_of!(sys::event__bindgen_ty_2__bindgen_ty_1, ev_timeout);
    assert_eq!(io_timeout, ours, "ev_io_timeout");
}

#[test]
fn evthread_callback_tables() {
    same_layout!(sys::evthread_lock_callbacks, EvthreadLockCallbacks, [
        (lock_api_version, lock_api_version), (supported_locktypes, supported_locktypes),
        (alloc, alloc), (free, free), (lock, lock), (unlock, unlock),
    ]);
    same_layout!(sys::evthread_condition_callbacks, EvthreadConditionCallbacks, [
        (condition_api_version, condition_api_version), (alloc_condition, alloc_condition),
        (free_condition, free_condition), (signal_condition, signal_condition),
        (wait_condition, wait_condition),
    ]);
}

#[test]
fn evbuffer_public_structs() {
    use crate::buffer::search::EvbufferPtr;
    use crate::buffer::CbInfo;
    same_layout!(sys::evbuffer_cb_info, CbInfo, [
        (orig_size, orig_size), (n_added, n_added), (n_deleted, n_deleted),
    ]);
    same_layout!(sys::evbuffer_ptr, EvbufferPtr, [(pos, pos)]);
    let internal = offset_of!(sys::evbuffer_ptr, internal_);
    assert_eq!(internal + offset_of!(sys::evbuffer_ptr__bindgen_ty_1, chain), offset_of!(EvbufferPtr, chain));
    assert_eq!(
        internal + offset_of!(sys::evbuffer_ptr__bindgen_ty_1, pos_in_chain),
        offset_of!(EvbufferPtr, pos_in_chain)
    );
}
