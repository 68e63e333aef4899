//! [`Listener`]: accepts TCP connections and hands each to a closure.

use super::base::Base;
use super::error::{check, Error, Result};
use crate::capi::listener as clis;
use crate::capi::types::evconnlistener;
use crate::listener::{LEV_OPT_CLOSE_ON_EXEC, LEV_OPT_CLOSE_ON_FREE, LEV_OPT_REUSEABLE};
use libc::{c_int, c_void};
use std::cell::{Cell, RefCell};
use std::fmt;
use std::io;
use std::mem::ManuallyDrop;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::{FromRawFd, IntoRawFd, RawFd};
use std::ptr::NonNull;
use std::rc::Rc;

type AcceptCb = Box<dyn FnMut(TcpStream, SocketAddr)>;
type ErrorCb = Box<dyn FnMut(io::Error)>;

struct State {
    accept: RefCell<Option<AcceptCb>>,
    error: RefCell<Option<ErrorCb>>,
    generation: Cell<u64>,
}

/// A listening TCP socket on a [`Base`] (`struct evconnlistener`): every
/// accepted connection goes to the closure as a non-blocking
/// [`TcpStream`] with the peer's address.
///
/// Dropping it stops accepting and closes the socket — also from inside
/// its own callback.
///
/// ```
/// use event_rs::{Base, Listener};
/// use std::net::TcpStream;
///
/// let base = Base::new()?;
/// let b = base.clone();
/// let listener = Listener::bind(&base, "127.0.0.1:0".parse()?, move |stream, peer| {
///     assert_eq!(stream.peer_addr().unwrap(), peer);
///     b.break_loop().unwrap();
/// })?;
/// let _client = TcpStream::connect(listener.local_addr()?)?;
/// base.run()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Listener {
    raw: NonNull<evconnlistener>,
    state: Rc<State>,
    base: Base,
}

impl fmt::Debug for Listener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Listener").field("raw", &self.raw).field("fd", &self.fd()).finish()
    }
}

/// Takes a strong count on the state behind `arg` for one callback.
///
/// # Safety
/// `arg` is `Rc::as_ptr` of a listener's `State`, alive because its handle
/// is (the callbacks are cleared by `evconnlistener_free` when it drops).
unsafe fn state(arg: *mut c_void) -> Rc<State> {
    let p = arg.cast_const().cast::<State>();
    // SAFETY: the function's contract.
    unsafe {
        Rc::increment_strong_count(p);
        Rc::from_raw(p)
    }
}

unsafe extern "C" fn accept_tramp(
    _lev: *mut evconnlistener,
    fd: c_int,
    sa: *mut libc::sockaddr,
    socklen: c_int,
    arg: *mut c_void,
) {
    // SAFETY: called by the listener with our argument.
    let st = unsafe { state(arg) };
    // SAFETY: the listener hands the accepted descriptor over to us.
    let stream = unsafe { TcpStream::from_raw_fd(fd) };
    // SAFETY: sa is readable for socklen bytes (the accept result).
    let peer = unsafe { super::socketaddr_from(sa, socklen.max(0) as usize) };
    let Some(peer) = peer.or_else(|| stream.peer_addr().ok()) else {
        return; // not an IP socket: nothing we can hand over; closed on drop
    };
    let gen = st.generation.get();
    let taken = st.accept.borrow_mut().take();
    if let Some(mut f) = taken {
        f(stream, peer);
        if st.generation.get() == gen {
            *st.accept.borrow_mut() = Some(f);
        }
    }
}

unsafe extern "C" fn error_tramp(_lev: *mut evconnlistener, arg: *mut c_void) {
    let err = io::Error::last_os_error();
    // SAFETY: as in accept_tramp.
    let st = unsafe { state(arg) };
    let gen = st.generation.get();
    let taken = st.error.borrow_mut().take();
    if let Some(mut f) = taken {
        f(err);
        if st.generation.get() == gen {
            *st.error.borrow_mut() = Some(f);
        }
    }
}

impl Listener {
    fn make(base: &Base, cb: AcceptCb, create: impl FnOnce(*mut c_void) -> *mut evconnlistener) -> Result<Listener> {
        let state =
            Rc::new(State { accept: RefCell::new(Some(cb)), error: RefCell::new(None), generation: Cell::new(0) });
        let arg = Rc::as_ptr(&state).cast_mut().cast::<c_void>();
        super::clear_errno();
        let raw = create(arg);
        match NonNull::new(raw) {
            Some(raw) => Ok(Listener { raw, state, base: base.clone() }),
            None => {
                let e = io::Error::last_os_error();
                Err(if e.raw_os_error().unwrap_or(0) != 0 { Error::Io(e) } else { Error::Failed("evconnlistener_new") })
            }
        }
    }

    /// Binds `addr` (with `SO_REUSEADDR`) and listens; `cb` gets each
    /// accepted connection. Port 0 picks a free port: see [`Listener::local_addr`].
    pub fn bind<F>(base: &Base, addr: SocketAddr, cb: F) -> Result<Listener>
    where
        F: FnMut(TcpStream, SocketAddr) + 'static,
    {
        let (ss, len) = super::sockaddr_of(&addr);
        Self::make(base, Box::new(cb), |arg| {
            let flags = LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC;
            // SAFETY: live base; ss is readable for len bytes; arg outlives
            // the listener (the handle holds the state).
            unsafe {
                clis::evconnlistener_new_bind(
                    base.as_raw(),
                    Some(accept_tramp),
                    arg,
                    flags,
                    -1,
                    (&ss as *const libc::sockaddr_storage).cast(),
                    len as c_int,
                )
            }
        })
    }

    /// Accepts on an already listening [`TcpListener`] (made non-blocking;
    /// the `Listener` owns and closes it).
    pub fn from_std<F>(base: &Base, listener: TcpListener, cb: F) -> Result<Listener>
    where
        F: FnMut(TcpStream, SocketAddr) + 'static,
    {
        listener.set_nonblocking(true)?;
        let fd = listener.into_raw_fd();
        let r = Self::make(base, Box::new(cb), |arg| {
            // SAFETY: live base; fd is a listening socket handed over
            // (CLOSE_ON_FREE); backlog 0: it already listens.
            unsafe {
                clis::evconnlistener_new(
                    base.as_raw(),
                    Some(accept_tramp),
                    arg,
                    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC,
                    0,
                    fd,
                )
            }
        });
        if r.is_err() {
            crate::capi::util::evutil_closesocket(fd);
        }
        r
    }

    /// Runs `f` when accepting fails (e.g. out of descriptors); the
    /// listener keeps going.
    pub fn on_error<F: FnMut(io::Error) + 'static>(&mut self, f: F) {
        *self.state.error.borrow_mut() = Some(Box::new(f));
        self.state.generation.set(self.state.generation.get() + 1);
        // SAFETY: live listener.
        unsafe { clis::evconnlistener_set_error_cb(self.raw.as_ptr(), Some(error_tramp)) };
    }

    /// Replaces the accept closure.
    pub fn on_accept<F: FnMut(TcpStream, SocketAddr) + 'static>(&mut self, f: F) {
        *self.state.accept.borrow_mut() = Some(Box::new(f));
        self.state.generation.set(self.state.generation.get() + 1);
    }

    /// Resumes accepting.
    pub fn enable(&self) -> Result<()> {
        // SAFETY: live listener.
        check(unsafe { clis::evconnlistener_enable(self.raw.as_ptr()) }, "evconnlistener_enable")
    }

    /// Stops accepting for now (connections wait in the backlog).
    pub fn disable(&self) -> Result<()> {
        // SAFETY: live listener.
        check(unsafe { clis::evconnlistener_disable(self.raw.as_ptr()) }, "evconnlistener_disable")
    }

    /// The listening socket.
    pub fn fd(&self) -> RawFd {
        // SAFETY: live listener.
        unsafe { clis::evconnlistener_get_fd(self.raw.as_ptr()) }
    }

    /// The address it listens on (with the real port when bound to port 0).
    pub fn local_addr(&self) -> Result<SocketAddr> {
        // SAFETY: the fd is the listener's open socket; ManuallyDrop keeps
        // this temporary view from closing it.
        let l = ManuallyDrop::new(unsafe { TcpListener::from_raw_fd(self.fd()) });
        Ok(l.local_addr()?)
    }

    /// The base it runs on.
    pub fn base(&self) -> &Base {
        &self.base
    }

    /// The `struct evconnlistener *`, for C code.
    pub fn as_raw(&self) -> *mut evconnlistener {
        self.raw.as_ptr()
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        // SAFETY: we own the live listener; freeing it from its own callback
        // is allowed (it is reference counted), and a running trampoline
        // holds its own Rc of the state.
        unsafe { clis::evconnlistener_free(self.raw.as_ptr()) };
    }
}
