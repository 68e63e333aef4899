//! event_rs: libevent 2.1.12 reimplemented in Rust, with the same C API and
//! ABI (`capi`), on a reactor core (`core`).
//!
//! Map for libevent users: `event.c` → [`core::base`] and [`capi::event`];
//! `evmap.c` → [`core::iomap`]; `signal.c` → [`core::signal`];
//! `epoll.c`/`poll.c`/`select.c` → [`core::backend`]; `minheap` →
//! [`core::timer`]; `log.c` → [`log`]; `event_set_mem_functions` → [`mm`].

pub mod api;
pub mod buffer;
pub mod bufferevent;
pub mod capi;
pub mod core;
pub mod listener;
pub mod log;
pub mod mm;
pub mod thread;
pub mod util;

/// The safe Rust API (see [`api`]).
pub use api::{
    Backend, Base, BevEvent, BevOptions, Buffer, BufferEvent, BufferEventRef, BufferRef, Builder, EolStyle, Error, Event,
    EventRef, Features, FilterResult, FlushMode, Interest, Listener, LoopExit, Ready, Reservation, Result, Trigger,
};

#[cfg(all(test, feature = "layout-check"))]
mod layout_check;

#[cfg(feature = "c-allocator")]
#[global_allocator]
static GLOBAL: mm::CAllocator = mm::CAllocator;
