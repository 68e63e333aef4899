//! [`BufferEvent`]: buffered I/O on a socket, a pair, or a filter, with
//! closures as callbacks.

use super::base::Base;
use super::buffer::BufferRef;
use super::error::{check, check_os, Error, Result};
use super::event::Interest;
use crate::bufferevent::{
    BEV_EVENT_CONNECTED, BEV_EVENT_EOF, BEV_EVENT_ERROR, BEV_EVENT_READING, BEV_EVENT_TIMEOUT, BEV_EVENT_WRITING,
    BEV_OPT_CLOSE_ON_FREE, BEV_OPT_DEFER_CALLBACKS, BEV_OPT_THREADSAFE, BEV_OPT_UNLOCK_CALLBACKS,
};
use crate::capi::bufferevent as cbev;
use crate::capi::types::{bufferevent, evbuffer};
use crate::core::event::{EV_READ, EV_WRITE};
use libc::{c_int, c_short, c_void};
use std::cell::{Cell, RefCell};
use std::ffi::CString;
use std::fmt;
use std::io::{self, Read, Write};
use std::marker::{PhantomData, PhantomPinned};
use std::net::SocketAddr;
use std::ops::{BitOr, Deref, DerefMut};
use std::os::fd::{IntoRawFd, OwnedFd, RawFd};
use std::ptr::{self, NonNull};
use std::rc::Rc;
use std::time::Duration;

/// What a bufferevent's event callback reports (`BEV_EVENT_*`).
///
/// ```
/// use event_rs::BevEvent;
/// let e = BevEvent::EOF | BevEvent::READING;
/// assert!(e.is_eof() && e.is_reading() && !e.is_error());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct BevEvent(c_short);

impl BevEvent {
    /// While reading.
    pub const READING: BevEvent = BevEvent(BEV_EVENT_READING);
    /// While writing.
    pub const WRITING: BevEvent = BevEvent(BEV_EVENT_WRITING);
    /// End of file.
    pub const EOF: BevEvent = BevEvent(BEV_EVENT_EOF);
    /// An error; `std::io::Error::last_os_error()` tells which, in the callback.
    pub const ERROR: BevEvent = BevEvent(BEV_EVENT_ERROR);
    /// A read or write timeout expired.
    pub const TIMEOUT: BevEvent = BevEvent(BEV_EVENT_TIMEOUT);
    /// A connect finished.
    pub const CONNECTED: BevEvent = BevEvent(BEV_EVENT_CONNECTED);

    /// While reading.
    pub const fn is_reading(self) -> bool {
        self.0 & BEV_EVENT_READING != 0
    }
    /// While writing.
    pub const fn is_writing(self) -> bool {
        self.0 & BEV_EVENT_WRITING != 0
    }
    /// End of file.
    pub const fn is_eof(self) -> bool {
        self.0 & BEV_EVENT_EOF != 0
    }
    /// An error.
    pub const fn is_error(self) -> bool {
        self.0 & BEV_EVENT_ERROR != 0
    }
    /// A timeout.
    pub const fn is_timeout(self) -> bool {
        self.0 & BEV_EVENT_TIMEOUT != 0
    }
    /// Connected.
    pub const fn is_connected(self) -> bool {
        self.0 & BEV_EVENT_CONNECTED != 0
    }
    /// The `BEV_EVENT_*` bits.
    pub const fn bits(self) -> i16 {
        self.0
    }
}

impl BitOr for BevEvent {
    type Output = BevEvent;
    fn bitor(self, rhs: BevEvent) -> BevEvent {
        BevEvent(self.0 | rhs.0)
    }
}

/// Options of a new bufferevent (`BEV_OPT_*`), combined with `|`.
/// `BEV_OPT_CLOSE_ON_FREE` is implied: a [`BufferEvent`] owns its socket.
///
/// ```
/// use event_rs::BevOptions;
/// let o = BevOptions::DEFER_CALLBACKS | BevOptions::UNLOCK_CALLBACKS;
/// assert_ne!(o, BevOptions::default());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct BevOptions(c_int);

impl BevOptions {
    /// Lock the bufferevent (needs threads enabled in the C API).
    pub const THREADSAFE: BevOptions = BevOptions(BEV_OPT_THREADSAFE);
    /// Run callbacks from the loop, not from inside the operation that caused them.
    pub const DEFER_CALLBACKS: BevOptions = BevOptions(BEV_OPT_DEFER_CALLBACKS);
    /// Run deferred callbacks without the bufferevent's lock.
    pub const UNLOCK_CALLBACKS: BevOptions = BevOptions(BEV_OPT_UNLOCK_CALLBACKS);
}

impl BitOr for BevOptions {
    type Output = BevOptions;
    fn bitor(self, rhs: BevOptions) -> BevOptions {
        BevOptions(self.0 | rhs.0)
    }
}

/// How far a flush goes (`enum bufferevent_flush_mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FlushMode {
    /// Normal operation (`BEV_NORMAL`).
    Normal,
    /// Push out as much as possible (`BEV_FLUSH`).
    Flush,
    /// The end of the stream: nothing more will come (`BEV_FINISHED`).
    Finished,
}

/// What a filter function returns (`enum bufferevent_filter_result`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FilterResult {
    /// Produced output (`BEV_OK`).
    Ok,
    /// Needs more input before producing anything (`BEV_NEED_MORE`).
    NeedMore,
    /// The input is bad (`BEV_ERROR`).
    Error,
}

type DataCb = Box<dyn FnMut(&mut BufferEventRef)>;
type EventCb = Box<dyn FnMut(&mut BufferEventRef, BevEvent)>;
type FilterFn = Box<dyn FnMut(&mut BufferRef, &mut BufferRef, isize, FlushMode) -> FilterResult>;

/// The closures of one bufferevent; the C callbacks' argument.
#[derive(Default)]
struct State {
    read: RefCell<Option<DataCb>>,
    write: RefCell<Option<DataCb>>,
    event: RefCell<Option<EventCb>>,
    /// Bumped whenever a slot is set, so a callback that replaced itself
    /// is not overwritten by the old closure when it returns.
    generation: Cell<u64>,
}

/// A bufferevent, borrowed: what `&mut BufferEventRef` points at is the C
/// `struct bufferevent` itself. Callbacks get one; an owned
/// [`BufferEvent`] dereferences to one. It implements [`Read`] (from the
/// input buffer) and [`Write`] (to the output buffer).
///
/// ```
/// use event_rs::{Base, BufferEvent, BevOptions, Interest};
/// use std::io::{Read, Write};
///
/// let base = Base::new()?;
/// let (mut a, mut b) = BufferEvent::pair(&base, BevOptions::default())?;
/// b.on_read(|bev| {
///     let mut s = String::new();
///     bev.read_to_string(&mut s).unwrap();
///     assert_eq!(s, "ping");
/// });
/// b.enable(Interest::READ)?;
/// a.write_all(b"ping")?;
/// base.run()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[repr(C)]
pub struct BufferEventRef {
    _opaque: [u8; 0],
    _not_send_sync: PhantomData<*mut u8>,
    _pinned: PhantomPinned,
}

/// An owned bufferevent (and its socket) with closures as callbacks.
///
/// Dropping it frees the bufferevent as `bufferevent_free` does — also
/// from inside its own callbacks; the socket is closed once no callback of
/// it is running.
///
/// ```no_run
/// use event_rs::{Base, BufferEvent, BevOptions, Interest};
/// use std::io::Write;
///
/// let base = Base::new()?;
/// let mut bev = BufferEvent::unconnected(&base, BevOptions::default())?;
/// bev.on_event(|bev, what| {
///     if what.is_connected() {
///         bev.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
///     }
/// });
/// bev.on_read(|bev| print!("{}", String::from_utf8_lossy(&bev.input().to_vec())));
/// bev.enable(Interest::READ | Interest::WRITE)?;
/// bev.connect_hostname("localhost", 80)?;
/// base.run()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct BufferEvent {
    raw: NonNull<bufferevent>,
    state: Rc<State>,
    base: Base,
}

impl fmt::Debug for BufferEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufferEvent").field("raw", &self.raw).finish()
    }
}

impl fmt::Debug for BufferEventRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufferEventRef").field("raw", &self.as_raw()).finish()
    }
}

/// Runs the closure in `slot` for `bev`, keeping `bev` and the closures
/// alive for the call even if the closure drops its [`BufferEvent`].
///
/// # Safety
/// `bev` is a live bufferevent the loop calls a callback of (so it holds
/// a reference on it) and `arg` is `Rc::as_ptr` of its `State`, kept
/// alive by the handle (the C callbacks are cleared before the handle lets
/// its `Rc` go).
unsafe fn run_slot<T>(
    bev: *mut bufferevent,
    arg: *mut c_void,
    slot: fn(&State) -> &RefCell<Option<T>>,
    call: impl FnOnce(&mut T, &mut BufferEventRef),
) {
    let p = arg.cast_const().cast::<State>();
    // SAFETY: see the function's contract; one more strong count for this frame.
    let st = unsafe {
        Rc::increment_strong_count(p);
        Rc::from_raw(p)
    };
    // SAFETY: bev is live (contract); our own reference keeps its memory
    // while the closure runs, even if the closure frees the handle.
    unsafe { cbev::bufferevent_incref(bev) };
    let gen = st.generation.get();
    let taken = slot(&st).borrow_mut().take();
    if let Some(mut f) = taken {
        // SAFETY: live bufferevent for this call (reference held).
        call(&mut f, unsafe { BufferEventRef::from_ptr(bev) });
        if st.generation.get() == gen {
            *slot(&st).borrow_mut() = Some(f);
        }
    }
    // SAFETY: drops the reference taken above.
    unsafe { cbev::bufferevent_decref(bev) };
}

unsafe extern "C" fn read_tramp(bev: *mut bufferevent, arg: *mut c_void) {
    // SAFETY: called by the library as a callback of bev with our arg.
    unsafe { run_slot(bev, arg, |s| &s.read, |f, b| f(b)) }
}

unsafe extern "C" fn write_tramp(bev: *mut bufferevent, arg: *mut c_void) {
    // SAFETY: as in read_tramp.
    unsafe { run_slot(bev, arg, |s| &s.write, |f, b| f(b)) }
}

unsafe extern "C" fn event_tramp(bev: *mut bufferevent, what: c_short, arg: *mut c_void) {
    // SAFETY: as in read_tramp.
    unsafe { run_slot(bev, arg, |s| &s.event, |f, b| f(b, BevEvent(what))) }
}

struct FilterCtx {
    input: Option<FilterFn>,
    output: Option<FilterFn>,
}

unsafe fn run_filter(src: *mut evbuffer, dst: *mut evbuffer, limit: isize, mode: c_int, f: &mut FilterFn) -> c_int {
    let mode = match mode {
        0 => FlushMode::Normal,
        1 => FlushMode::Flush,
        _ => FlushMode::Finished,
    };
    // SAFETY: the library passes two distinct live buffers for this call.
    let (s, d) = unsafe { (BufferRef::from_ptr(src), BufferRef::from_ptr(dst)) };
    match f(s, d, limit, mode) {
        FilterResult::Ok => crate::bufferevent::BEV_OK,
        FilterResult::NeedMore => crate::bufferevent::BEV_NEED_MORE,
        FilterResult::Error => crate::bufferevent::BEV_ERROR,
    }
}

unsafe extern "C" fn filter_in(
    src: *mut evbuffer,
    dst: *mut evbuffer,
    limit: isize,
    mode: c_int,
    ctx: *mut c_void,
) -> c_int {
    // SAFETY: ctx is our FilterCtx, freed only by free_ctx when the filter goes.
    let ctx = unsafe { &mut *ctx.cast::<FilterCtx>() };
    match ctx.input.as_mut() {
        // SAFETY: forwarded library arguments.
        Some(f) => unsafe { run_filter(src, dst, limit, mode, f) },
        None => crate::bufferevent::BEV_ERROR,
    }
}

unsafe extern "C" fn filter_out(
    src: *mut evbuffer,
    dst: *mut evbuffer,
    limit: isize,
    mode: c_int,
    ctx: *mut c_void,
) -> c_int {
    // SAFETY: as in filter_in.
    let ctx = unsafe { &mut *ctx.cast::<FilterCtx>() };
    match ctx.output.as_mut() {
        // SAFETY: forwarded library arguments.
        Some(f) => unsafe { run_filter(src, dst, limit, mode, f) },
        None => crate::bufferevent::BEV_ERROR,
    }
}

unsafe extern "C" fn free_ctx(ctx: *mut c_void) {
    // SAFETY: ctx came from Box::into_raw in BufferEvent::filter; the
    // library calls this once, when no filter function can run any more.
    drop(unsafe { Box::from_raw(ctx.cast::<FilterCtx>()) });
}

impl BufferEvent {
    fn wrap(base: &Base, raw: *mut bufferevent, op: &'static str) -> Result<BufferEvent> {
        let raw = NonNull::new(raw).ok_or(Error::Failed(op))?;
        Ok(BufferEvent { raw, state: Rc::default(), base: base.clone() })
    }

    /// A bufferevent on a connected socket (a [`std::net::TcpStream`],
    /// a [`std::os::unix::net::UnixStream`]…), made non-blocking; it owns
    /// and closes the socket.
    ///
    /// ```
    /// use event_rs::{Base, BufferEvent, BevOptions};
    /// use std::os::unix::net::UnixStream;
    /// let base = Base::new()?;
    /// let (a, _b) = UnixStream::pair()?;
    /// let bev = BufferEvent::socket(&base, a, BevOptions::default())?;
    /// assert!(bev.fd().is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn socket(base: &Base, sock: impl Into<OwnedFd>, options: BevOptions) -> Result<BufferEvent> {
        let fd = sock.into().into_raw_fd();
        super::clear_errno();
        check_os(crate::capi::util::evutil_make_socket_nonblocking(fd), "evutil_make_socket_nonblocking").inspect_err(
            |_| {
                crate::capi::util::evutil_closesocket(fd);
            },
        )?;
        // SAFETY: live base; fd is ours and handed over (CLOSE_ON_FREE).
        let raw = unsafe { cbev::bufferevent_socket_new(base.as_raw(), fd, options.0 | BEV_OPT_CLOSE_ON_FREE) };
        if raw.is_null() {
            crate::capi::util::evutil_closesocket(fd);
        }
        Self::wrap(base, raw, "bufferevent_socket_new")
    }

    /// A socket bufferevent without a socket yet: see
    /// [`BufferEventRef::connect`] and [`BufferEventRef::connect_hostname`].
    pub fn unconnected(base: &Base, options: BevOptions) -> Result<BufferEvent> {
        // SAFETY: live base.
        let raw = unsafe { cbev::bufferevent_socket_new(base.as_raw(), -1, options.0 | BEV_OPT_CLOSE_ON_FREE) };
        Self::wrap(base, raw, "bufferevent_socket_new")
    }

    /// Two bufferevents joined to each other: what one writes, the other reads.
    pub fn pair(base: &Base, options: BevOptions) -> Result<(BufferEvent, BufferEvent)> {
        let mut two = [ptr::null_mut(); 2];
        // SAFETY: live base; two is writable for two pointers.
        check(
            unsafe { cbev::bufferevent_pair_new(base.as_raw(), options.0, two.as_mut_ptr()) },
            "bufferevent_pair_new",
        )?;
        Ok((Self::wrap(base, two[0], "bufferevent_pair_new")?, Self::wrap(base, two[1], "bufferevent_pair_new")?))
    }

    /// A bufferevent that passes what `underlying` reads through `input`
    /// and what is written to it through `output` (`None`: bytes pass
    /// unchanged). It takes `underlying` over and frees it with itself.
    /// Each filter function moves bytes from its first buffer to its
    /// second, writing at most the limit it is given.
    ///
    /// ```
    /// use event_rs::{Base, BevOptions, BufferEvent, FilterResult, Interest};
    /// use std::io::{Read, Write};
    ///
    /// let base = Base::new()?;
    /// let (a, b) = BufferEvent::pair(&base, BevOptions::default())?;
    /// // Upper-cases what `b` receives.
    /// let mut up = BufferEvent::filter(
    ///     b,
    ///     Some(|src: &mut event_rs::BufferRef, dst: &mut event_rs::BufferRef, _limit, _mode| {
    ///         let data = src.to_vec();
    ///         src.drain(data.len()).unwrap();
    ///         dst.extend_from_slice(&data.to_ascii_uppercase()).unwrap();
    ///         FilterResult::Ok
    ///     }),
    ///     None::<fn(&mut event_rs::BufferRef, &mut event_rs::BufferRef, isize, event_rs::FlushMode) -> FilterResult>,
    ///     BevOptions::default(),
    /// )?;
    /// up.on_read(|bev| {
    ///     let mut s = String::new();
    ///     bev.read_to_string(&mut s).unwrap();
    ///     assert_eq!(s, "HELLO");
    /// });
    /// up.enable(Interest::READ)?;
    /// let mut a = a;
    /// a.write_all(b"hello")?;
    /// base.run()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn filter<I, O>(
        underlying: BufferEvent,
        input: Option<I>,
        output: Option<O>,
        options: BevOptions,
    ) -> Result<BufferEvent>
    where
        I: FnMut(&mut BufferRef, &mut BufferRef, isize, FlushMode) -> FilterResult + 'static,
        O: FnMut(&mut BufferRef, &mut BufferRef, isize, FlushMode) -> FilterResult + 'static,
    {
        let base = underlying.base.clone();
        let under = underlying.raw.as_ptr();
        let ctx = Box::into_raw(Box::new(FilterCtx {
            input: input.map(|f| Box::new(f) as FilterFn),
            output: output.map(|f| Box::new(f) as FilterFn),
        }));
        // SAFETY: under is live (we hold its handle); ctx is released by
        // free_ctx (or below if creation fails).
        let raw = unsafe {
            cbev::bufferevent_setcb(under, None, None, None, ptr::null_mut());
            cbev::bufferevent_filter_new(
                under,
                Some(filter_in),
                Some(filter_out),
                options.0 | BEV_OPT_CLOSE_ON_FREE,
                Some(free_ctx),
                ctx.cast(),
            )
        };
        if raw.is_null() {
            // SAFETY: not handed to the library.
            drop(unsafe { Box::from_raw(ctx) });
            return Err(Error::Failed("bufferevent_filter_new"));
        }
        // The filter now owns `under` (CLOSE_ON_FREE): let our handle go
        // without freeing it; its closures go with its state.
        underlying.release();
        Self::wrap(&base, raw, "bufferevent_filter_new")
    }

    /// Takes over a bufferevent made elsewhere (by C code): the program's
    /// reference passes to the handle, which frees it on drop. Its C
    /// callbacks stay until one of `on_read`/`on_write`/`on_event` sets
    /// Rust ones (which replace all three).
    ///
    /// # Safety
    /// `raw` is a live bufferevent whose reference the caller owns and gives
    /// up, on a base that outlives the handle.
    pub unsafe fn from_raw(raw: *mut bufferevent) -> Result<BufferEvent> {
        let raw = NonNull::new(raw).ok_or(Error::InvalidInput("null bufferevent"))?;
        // SAFETY: raw is live (contract).
        let base = unsafe { Base::from_raw(cbev::bufferevent_get_base(raw.as_ptr()))? };
        Ok(BufferEvent { raw, state: Rc::default(), base })
    }

    /// Gives the bufferevent back to C code, which frees it with
    /// `bufferevent_free`. The Rust callbacks are removed.
    pub fn into_raw(self) -> *mut bufferevent {
        let raw = self.raw.as_ptr();
        // SAFETY: raw is live; clearing the callbacks before the state goes
        // means no trampoline sees a dangling argument.
        unsafe { cbev::bufferevent_setcb(raw, None, None, None, ptr::null_mut()) };
        self.release();
        raw
    }

    /// Drops the handle's state without freeing the bufferevent.
    fn release(self) {
        let me = std::mem::ManuallyDrop::new(self);
        // SAFETY: each field is moved out exactly once and `me` is never
        // used or dropped again.
        unsafe {
            drop(ptr::read(&me.state));
            drop(ptr::read(&me.base));
        }
    }

    /// The base this bufferevent runs on.
    pub fn base(&self) -> &Base {
        &self.base
    }

    fn install(&self) {
        let s = &self.state;
        let r = s.read.borrow().is_some().then_some(read_tramp as unsafe extern "C" fn(_, _));
        let w = s.write.borrow().is_some().then_some(write_tramp as unsafe extern "C" fn(_, _));
        let e = s.event.borrow().is_some().then_some(event_tramp as unsafe extern "C" fn(_, _, _));
        s.generation.set(s.generation.get() + 1);
        let arg = Rc::as_ptr(s).cast_mut().cast::<c_void>();
        // SAFETY: live bufferevent; arg stays valid while the callbacks are
        // set (the state lives until they are cleared, see Drop).
        unsafe { cbev::bufferevent_setcb(self.raw.as_ptr(), r, w, e, arg) };
    }

    /// Runs `f` when the input buffer reaches its read low watermark (any
    /// data, by default). Replaces the previous read closure.
    pub fn on_read<F: FnMut(&mut BufferEventRef) + 'static>(&mut self, f: F) {
        *self.state.read.borrow_mut() = Some(Box::new(f));
        self.install();
    }

    /// Runs `f` when the output buffer drains to its write low watermark
    /// (empty, by default).
    pub fn on_write<F: FnMut(&mut BufferEventRef) + 'static>(&mut self, f: F) {
        *self.state.write.borrow_mut() = Some(Box::new(f));
        self.install();
    }

    /// Runs `f` on end of file, errors, timeouts and a finished connect.
    pub fn on_event<F: FnMut(&mut BufferEventRef, BevEvent) + 'static>(&mut self, f: F) {
        *self.state.event.borrow_mut() = Some(Box::new(f));
        self.install();
    }

    /// Removes all three closures.
    pub fn clear_callbacks(&mut self) {
        *self.state.read.borrow_mut() = None;
        *self.state.write.borrow_mut() = None;
        *self.state.event.borrow_mut() = None;
        self.install();
    }
}

impl Drop for BufferEvent {
    fn drop(&mut self) {
        // SAFETY: we hold the program's reference to a live bufferevent;
        // bufferevent_free clears its callbacks first, so the state (our
        // Rc, or a running trampoline's) is no longer reachable from C.
        unsafe { cbev::bufferevent_free(self.raw.as_ptr()) };
    }
}

impl Deref for BufferEvent {
    type Target = BufferEventRef;
    fn deref(&self) -> &BufferEventRef {
        // SAFETY: live while the handle is.
        unsafe { BufferEventRef::from_ptr(self.raw.as_ptr()) }
    }
}

impl DerefMut for BufferEvent {
    fn deref_mut(&mut self) -> &mut BufferEventRef {
        // SAFETY: live while the handle is.
        unsafe { BufferEventRef::from_ptr(self.raw.as_ptr()) }
    }
}

impl BufferEventRef {
    /// Borrows a bufferevent made elsewhere.
    ///
    /// # Safety
    /// `raw` is non-null and a live bufferevent for `'a`.
    pub unsafe fn from_ptr<'a>(raw: *mut bufferevent) -> &'a mut BufferEventRef {
        // SAFETY: zero-sized: the reference only carries the address.
        unsafe { &mut *raw.cast::<BufferEventRef>() }
    }

    /// The `struct bufferevent *`, for C code.
    pub fn as_raw(&self) -> *mut bufferevent {
        (self as *const BufferEventRef).cast_mut().cast()
    }

    /// The input buffer: what was read and not yet consumed.
    pub fn input(&mut self) -> &mut BufferRef {
        // SAFETY: live bufferevent; its buffers live as long as it does.
        unsafe { BufferRef::from_ptr((*self.as_raw()).input) }
    }

    /// The output buffer: what waits to be written.
    pub fn output(&mut self) -> &mut BufferRef {
        // SAFETY: as in input.
        unsafe { BufferRef::from_ptr((*self.as_raw()).output) }
    }

    /// Moves all of `buf` into the output buffer.
    pub fn write_buffer(&mut self, buf: &mut BufferRef) -> Result<()> {
        // SAFETY: live bufferevent and buffer.
        check(unsafe { cbev::bufferevent_write_buffer(self.as_raw(), buf.as_raw()) }, "bufferevent_write_buffer")
    }

    /// Moves all of the input buffer into `buf`.
    pub fn read_buffer(&mut self, buf: &mut BufferRef) -> Result<()> {
        // SAFETY: live bufferevent and buffer.
        check(unsafe { cbev::bufferevent_read_buffer(self.as_raw(), buf.as_raw()) }, "bufferevent_read_buffer")
    }

    /// Starts reading and/or writing ([`Interest::READ`], [`Interest::WRITE`]).
    pub fn enable(&mut self, what: Interest) -> Result<()> {
        // SAFETY: live bufferevent.
        check(
            unsafe { cbev::bufferevent_enable(self.as_raw(), what.bits() & (EV_READ | EV_WRITE)) },
            "bufferevent_enable",
        )
    }

    /// Stops reading and/or writing.
    pub fn disable(&mut self, what: Interest) -> Result<()> {
        // SAFETY: live bufferevent.
        check(
            unsafe { cbev::bufferevent_disable(self.as_raw(), what.bits() & (EV_READ | EV_WRITE)) },
            "bufferevent_disable",
        )
    }

    /// Whether reading / writing is enabled.
    pub fn enabled(&self) -> (bool, bool) {
        // SAFETY: live bufferevent.
        let e = unsafe { cbev::bufferevent_get_enabled(self.as_raw()) };
        (e & EV_READ != 0, e & EV_WRITE != 0)
    }

    /// Read and write timeouts (`None`: none); an expired one disables that
    /// direction and reports [`BevEvent::TIMEOUT`].
    pub fn set_timeouts(&mut self, read: Option<Duration>, write: Option<Duration>) -> Result<()> {
        let r = read.map(super::duration_to_tv);
        let w = write.map(super::duration_to_tv);
        let rp = r.as_ref().map_or(ptr::null(), |t| t as *const libc::timeval);
        let wp = w.as_ref().map_or(ptr::null(), |t| t as *const libc::timeval);
        // SAFETY: live bufferevent; the timevals outlive the call.
        check(unsafe { cbev::bufferevent_set_timeouts(self.as_raw(), rp, wp) }, "bufferevent_set_timeouts")
    }

    /// Watermarks for reading ([`Interest::READ`]) and/or writing
    /// ([`Interest::WRITE`]): the read callback runs once `low` bytes are
    /// in, and reading pauses above `high`; the write callback runs when
    /// the output drains to `low`.
    ///
    /// ```
    /// use event_rs::{Base, BevOptions, BufferEvent, Interest};
    /// let base = Base::new()?;
    /// let (mut a, _b) = BufferEvent::pair(&base, BevOptions::default())?;
    /// a.set_watermark(Interest::READ, 4, Some(1024));
    /// assert_eq!(a.watermark(Interest::READ), Some((4, Some(1024))));
    /// # Ok::<(), event_rs::Error>(())
    /// ```
    pub fn set_watermark(&mut self, which: Interest, low: usize, high: Option<usize>) {
        // SAFETY: live bufferevent.
        unsafe {
            cbev::bufferevent_setwatermark(self.as_raw(), which.bits() & (EV_READ | EV_WRITE), low, high.unwrap_or(0))
        }
    }

    /// The watermarks of exactly one of [`Interest::READ`] or [`Interest::WRITE`].
    pub fn watermark(&self, which: Interest) -> Option<(usize, Option<usize>)> {
        let (mut lo, mut hi) = (0, 0);
        // SAFETY: live bufferevent; out-pointers writable.
        let r = unsafe { cbev::bufferevent_getwatermark(self.as_raw(), which.bits(), &mut lo, &mut hi) };
        (r == 0).then_some((lo, (hi != 0).then_some(hi)))
    }

    /// The socket, if there is one.
    pub fn fd(&self) -> Option<RawFd> {
        // SAFETY: live bufferevent.
        let fd = unsafe { cbev::bufferevent_getfd(self.as_raw()) };
        (fd >= 0).then_some(fd)
    }

    /// Sets the priority of its events.
    pub fn set_priority(&mut self, priority: usize) -> Result<()> {
        let p = i32::try_from(priority).map_err(|_| Error::InvalidInput("priority out of range"))?;
        // SAFETY: live bufferevent.
        check(unsafe { cbev::bufferevent_priority_set(self.as_raw(), p) }, "bufferevent_priority_set")
    }

    /// Starts connecting to `addr` (making the socket if there is none);
    /// the result comes to the event callback as [`BevEvent::CONNECTED`]
    /// or [`BevEvent::ERROR`].
    pub fn connect(&mut self, addr: SocketAddr) -> Result<()> {
        let (ss, len) = super::sockaddr_of(&addr);
        super::clear_errno();
        // SAFETY: live bufferevent; ss is readable for len bytes.
        check_os(
            unsafe {
                cbev::bufferevent_socket_connect(
                    self.as_raw(),
                    (&ss as *const libc::sockaddr_storage).cast(),
                    len as c_int,
                )
            },
            "bufferevent_socket_connect",
        )
    }

    /// Resolves `host` (blocking, with the system resolver) and connects
    /// to it on `port`. A failed lookup is reported to the event callback.
    pub fn connect_hostname(&mut self, host: &str, port: u16) -> Result<()> {
        let h = CString::new(host).map_err(|_| Error::InvalidInput("host name contains NUL"))?;
        super::clear_errno();
        // SAFETY: live bufferevent; h is a C string.
        check_os(
            unsafe {
                cbev::bufferevent_socket_connect_hostname(
                    self.as_raw(),
                    ptr::null_mut(),
                    libc::AF_UNSPEC,
                    h.as_ptr(),
                    port as c_int,
                )
            },
            "bufferevent_socket_connect_hostname",
        )
    }

    /// Flushes reading and/or writing as `mode` says; whether anything was flushed.
    pub fn flush(&mut self, which: Interest, mode: FlushMode) -> Result<bool> {
        let m = match mode {
            FlushMode::Normal => 0,
            FlushMode::Flush => 1,
            FlushMode::Finished => 2,
        };
        // SAFETY: live bufferevent.
        let r = unsafe { cbev::bufferevent_flush(self.as_raw(), which.bits() & (EV_READ | EV_WRITE), m) };
        check(r, "bufferevent_flush").map(|_| r > 0)
    }
}

impl Read for BufferEventRef {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        // SAFETY: live bufferevent; out writable for its length.
        Ok(unsafe { cbev::bufferevent_read(self.as_raw(), out.as_mut_ptr().cast(), out.len()) })
    }
}

impl Write for BufferEventRef {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        // SAFETY: live bufferevent; data readable for its length.
        let r = unsafe { cbev::bufferevent_write(self.as_raw(), data.as_ptr().cast(), data.len()) };
        check(r, "bufferevent_write")?;
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Read for BufferEvent {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        (**self).read(out)
    }
}

impl Write for BufferEvent {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        (**self).write(data)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
