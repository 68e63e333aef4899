//! The reactor: events, the base and its loop, timers, signals, backends.

pub mod backend;
pub mod base;
pub mod clock;
pub mod debug;
pub mod event;
pub mod iomap;
pub mod signal;
pub mod timer;

#[cfg(test)]
mod tests;
