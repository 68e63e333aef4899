//! [`Error`] and [`Result`].

use std::fmt;
use std::io;

/// What went wrong in a call of the Rust API.
///
/// ```
/// use event_rs::{Base, Error};
/// let base = Base::new()?;
/// // Priorities are 0..npriorities.
/// assert!(matches!(base.set_priorities(0), Err(Error::InvalidInput(_))));
/// let e: std::io::Error = Error::InvalidInput("demo").into();
/// assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
/// # Ok::<(), event_rs::Error>(())
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// An operating-system error (socket, bind, read, write…).
    Io(io::Error),
    /// An argument the library refuses; the text says which.
    InvalidInput(&'static str),
    /// The library reported a failure without an OS error; names the operation.
    Failed(&'static str),
    /// The object was deleted or freed already (e.g. an event dropped
    /// inside its own callback and then used again there).
    Gone,
}

/// `std::result::Result` with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "{e}"),
            Error::InvalidInput(what) => write!(f, "invalid argument: {what}"),
            Error::Failed(op) => write!(f, "{op} failed"),
            Error::Gone => f.write_str("the object was already freed"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

impl From<Error> for io::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Io(e) => e,
            Error::InvalidInput(_) => io::Error::new(io::ErrorKind::InvalidInput, e),
            Error::Gone => io::Error::new(io::ErrorKind::NotConnected, e),
            Error::Failed(_) => io::Error::other(e),
        }
    }
}

/// `Ok(())` for a C status of 0 (or more), `Err(Failed(op))` otherwise.
pub(crate) fn check(rc: libc::c_int, op: &'static str) -> Result<()> {
    if rc >= 0 {
        Ok(())
    } else {
        Err(Error::Failed(op))
    }
}

/// As [`check`], but reports `errno` when the call set one.
pub(crate) fn check_os(rc: libc::c_int, op: &'static str) -> Result<()> {
    if rc >= 0 {
        return Ok(());
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        Some(n) if n != 0 => Err(Error::Io(e)),
        _ => Err(Error::Failed(op)),
    }
}
