//! Filtering bufferevents (`bufferevent_filter.c`): a bufferevent on top of
//! another ("underlying") one. Bytes the underlying one reads pass through
//! the input filter into our input; bytes written to our output pass
//! through the output filter into the underlying one's output. The
//! underlying bufferevent's callbacks are ours while the filter exists.
//!
//! Filters see the room left below the receiving side's high-water mark as
//! `dst_limit` (-1: no limit) and the flush mode (`BEV_NORMAL` in ordinary
//! operation). They return `BEV_OK` (go on while there is input),
//! `BEV_NEED_MORE` or `BEV_ERROR` (stop for now). The output filter is
//! never re-entered: data the program writes from inside it waits for the
//! loop over the output to come round.

use super::*;

/// `bufferevent_filter_cb`.
pub type FilterCb = Option<unsafe extern "C" fn(*mut Evbuffer, *mut Evbuffer, isize, c_int, *mut c_void) -> c_int>;
/// The `free_context` argument of `bufferevent_filter_new`.
pub type FreeCtx = Option<unsafe extern "C" fn(*mut c_void)>;

/// A filter's own state.
pub struct Filter {
    underlying: *mut Bufferevent,
    in_cb: FilterCb,
    out_cb: FilterCb,
    ctx: *mut c_void,
    free_ctx: FreeCtx,
    /// Our callback on our input that picks up data left below us when the
    /// program drains it.
    inbuf_cb: *mut CbEntry,
    processing_in: bool,
    processing_out: bool,
    /// The last input pass stopped because our input reached its
    /// high-water mark (data may be waiting below us).
    stopped_full: bool,
}

/// Moves everything (or `lim` bytes) across: the filter used when none is given.
unsafe extern "C" fn null_filter(src: *mut Evbuffer, dst: *mut Evbuffer, lim: isize, _mode: c_int, _ctx: *mut c_void) -> c_int {
    // SAFETY: both are live buffers (we call filters with our buffers only).
    unsafe {
        let n = if lim < 0 { buflen(src) } else { lim as usize };
        if cbuf::evbuffer_remove_buffer(src, dst, n) >= 0 {
            BEV_OK
        } else {
            BEV_ERROR
        }
    }
}

/// # Safety
/// `bev` is a live filter.
unsafe fn filt(bev: *mut Bufferevent) -> *mut Filter {
    // SAFETY: caller's contract.
    unsafe { (*bev).p.link.cast::<Filter>() }
}

/// The bufferevent below (null once unlinked).
///
/// # Safety
/// `bev` is a live filter.
pub unsafe fn underlying(bev: *mut Bufferevent) -> *mut Bufferevent {
    // SAFETY: caller's contract.
    unsafe {
        let f = filt(bev);
        if f.is_null() {
            ptr::null_mut()
        } else {
            (*f).underlying
        }
    }
}

/// `bufferevent_filter_new`.
///
/// # Safety
/// `u` is null or a live bufferevent.
pub unsafe fn new(
    u: *mut Bufferevent,
    in_cb: FilterCb,
    out_cb: FilterCb,
    options: c_int,
    free_ctx: FreeCtx,
    ctx: *mut c_void,
) -> *mut Bufferevent {
    if u.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: caller's contract; bev is fresh.
    unsafe {
        let bev = new_common((*u).ev_base, Kind::Filter, &OPS_FILTER, options & !BEV_OPT_THREADSAFE);
        if bev.is_null() {
            return bev;
        }
        if options & BEV_OPT_THREADSAFE != 0 && enable_locking(bev, lock_share(u)) < 0 {
            free(bev);
            return ptr::null_mut();
        }
        (*bev).p.options = options;
        (*bev).p.link = Box::into_raw(Box::new(Filter {
            underlying: u,
            in_cb: in_cb.or(Some(null_filter)),
            out_cb: out_cb.or(Some(null_filter)),
            ctx,
            free_ctx,
            inbuf_cb: ptr::null_mut(),
            processing_in: false,
            processing_out: false,
            stopped_full: false,
        }))
        .cast();
        init_generic_timeouts(bev);
        incref(u);
        setcb(u, Some(u_readcb), Some(u_writecb), Some(u_eventcb), bev.cast());
        (*bev).p.outbuf_cb = cbuf::evbuffer_add_cb((*bev).output, Some(outbuf_cb), bev.cast());
        let e = cbuf::evbuffer_add_cb((*bev).input, Some(inbuf_cb), bev.cast());
        if !e.is_null() {
            Evbuffer::locked_quiet((*bev).input, |x| x.cb_set_internal_flags(e, CB_NODEFER));
        }
        (*filt(bev)).inbuf_cb = e;
        super::enable(u, EV_READ | EV_WRITE);
        bev
    }
}

/// Whether our input is at its high-water mark (only in normal mode).
///
/// # Safety
/// `bev` is live and locked.
unsafe fn readbuf_full(bev: *mut Bufferevent, mode: c_int) -> bool {
    // SAFETY: caller's contract.
    unsafe {
        let high = (*bev).wm_read.high;
        mode == BEV_NORMAL && high != 0 && buflen((*bev).input) >= high
    }
}

/// Whether the underlying output is at its high-water mark (normal mode).
///
/// # Safety
/// `u` is live.
unsafe fn u_writebuf_full(u: *mut Bufferevent, mode: c_int) -> bool {
    // SAFETY: caller's contract.
    unsafe {
        let high = (*u).wm_write.high;
        mode == BEV_NORMAL && high != 0 && buflen((*u).output) >= high
    }
}

/// Runs the input filter over the underlying input while it makes
/// progress. Returns whether anything was filtered.
///
/// # Safety
/// `bev` is a live filter, locked, with a reference held by the caller.
unsafe fn process_input(bev: *mut Bufferevent, mode: c_int) -> bool {
    // SAFETY: caller's contract.
    unsafe {
        let f = filt(bev);
        let u = (*f).underlying;
        if u.is_null() || (*f).processing_in {
            return false;
        }
        if mode == BEV_NORMAL && ((*bev).enabled & EV_READ == 0 || readbuf_full(bev, mode)) {
            (*f).stopped_full = readbuf_full(bev, mode);
            return false;
        }
        (*f).processing_in = true;
        let mut processed = false;
        loop {
            let mut limit: isize = -1;
            let high = (*bev).wm_read.high;
            if mode == BEV_NORMAL && high != 0 {
                limit = high.saturating_sub(buflen((*bev).input)).min(isize::MAX as usize) as isize;
            }
            let Some(cb) = (*f).in_cb else { break };
            let res = cb((*u).input, (*bev).input, limit, mode, (*f).ctx);
            if res == BEV_OK {
                processed = true;
            }
            if !(res == BEV_OK
                && (*bev).enabled & EV_READ != 0
                && buflen((*u).input) > 0
                && !readbuf_full(bev, mode))
            {
                break;
            }
        }
        (*f).processing_in = false;
        (*f).stopped_full = readbuf_full(bev, mode);
        processed
    }
}

/// Runs the output filter over our output while it makes progress and the
/// underlying output has room; then the write callback if we are drained
/// to the low-water mark. Returns whether anything was filtered.
///
/// # Safety
/// As [`process_input`].
unsafe fn process_output(bev: *mut Bufferevent, mode: c_int) -> bool {
    // SAFETY: caller's contract.
    unsafe {
        let f = filt(bev);
        let u = (*f).underlying;
        if u.is_null() || (*f).processing_out {
            return false;
        }
        if mode == BEV_NORMAL
            && ((*bev).enabled & EV_WRITE == 0 || buflen((*bev).output) == 0 || u_writebuf_full(u, mode))
        {
            return false;
        }
        (*f).processing_out = true;
        let mut processed = false;
        loop {
            let mut limit: isize = -1;
            let high = (*u).wm_write.high;
            if mode == BEV_NORMAL && high != 0 {
                limit = high.saturating_sub(buflen((*u).output)).min(isize::MAX as usize) as isize;
            }
            let Some(cb) = (*f).out_cb else { break };
            let res = cb((*bev).output, (*u).output, limit, mode, (*f).ctx);
            if res == BEV_OK {
                processed = true;
            }
            if !(res == BEV_OK
                && (*bev).enabled & EV_WRITE != 0
                && buflen((*bev).output) > 0
                && !u_writebuf_full(u, mode))
            {
                break;
            }
        }
        (*f).processing_out = false;
        if processed {
            if buflen((*bev).output) > 0 {
                reset_write_timeout(bev);
            } else {
                del_write_timeout(bev);
            }
            if buflen((*bev).output) <= (*bev).wm_write.low {
                run_writecb(bev, 0);
            }
        }
        processed
    }
}

/// Filters what is waiting below us; the read callback if that produced data.
///
/// # Safety
/// As [`process_input`].
unsafe fn read_more(bev: *mut Bufferevent) {
    // SAFETY: caller's contract.
    unsafe {
        if process_input(bev, BEV_NORMAL) {
            reset_read_timeout(bev);
            if buflen((*bev).input) >= (*bev).wm_read.low {
                run_readcb(bev, 0);
            }
        }
    }
}

/// The underlying bufferevent read something.
unsafe extern "C" fn u_readcb(_u: *mut Bufferevent, arg: *mut c_void) {
    let bev = arg.cast::<Bufferevent>();
    // SAFETY: the underlying callbacks are reset before the filter goes.
    unsafe {
        incref_and_lock(bev);
        read_more(bev);
        decref_and_unlock(bev);
    }
}

/// The underlying output drained to its low-water mark: filter more.
unsafe extern "C" fn u_writecb(_u: *mut Bufferevent, arg: *mut c_void) {
    let bev = arg.cast::<Bufferevent>();
    // SAFETY: as u_readcb.
    unsafe {
        incref_and_lock(bev);
        process_output(bev, BEV_NORMAL);
        decref_and_unlock(bev);
    }
}

/// Events of the underlying bufferevent are ours.
unsafe extern "C" fn u_eventcb(_u: *mut Bufferevent, what: c_short, arg: *mut c_void) {
    let bev = arg.cast::<Bufferevent>();
    // SAFETY: as u_readcb.
    unsafe {
        incref_and_lock(bev);
        run_eventcb(bev, what, 0);
        decref_and_unlock(bev);
    }
}

/// The program wrote to our output.
unsafe extern "C" fn outbuf_cb(_buf: *mut Evbuffer, info: *const CbInfo, arg: *mut c_void) {
    let bev = arg.cast::<Bufferevent>();
    // SAFETY: the callback goes with the filter; info is valid.
    unsafe {
        if (*info).n_added == 0 {
            return;
        }
        incref_and_lock(bev);
        process_output(bev, BEV_NORMAL);
        decref_and_unlock(bev);
    }
}

/// The program drained our input: data left below us because our input
/// had reached its high-water mark may fit now.
unsafe extern "C" fn inbuf_cb(_buf: *mut Evbuffer, info: *const CbInfo, arg: *mut c_void) {
    let bev = arg.cast::<Bufferevent>();
    // SAFETY: as outbuf_cb.
    unsafe {
        if (*info).n_deleted == 0 {
            return;
        }
        incref_and_lock(bev);
        let u = underlying(bev);
        let f = filt(bev);
        if !u.is_null() && buflen((*u).input) > 0 && !(*f).processing_in && (*f).stopped_full {
            read_more(bev);
        }
        decref_and_unlock(bev);
    }
}

/// # Safety
/// `bev` is a live filter, locked.
pub unsafe fn enable(bev: *mut Bufferevent, what: c_short) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        if what & EV_WRITE != 0 {
            reset_write_timeout(bev);
        }
        if what & EV_READ != 0 {
            reset_read_timeout(bev);
            let u = underlying(bev);
            if !u.is_null() {
                unsuspend_read(u, SUSPEND_FILT_READ);
            }
        }
    }
    0
}

/// # Safety
/// `bev` is a live filter, locked.
pub unsafe fn disable(bev: *mut Bufferevent, what: c_short) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        if what & EV_WRITE != 0 {
            del_write_timeout(bev);
        }
        if what & EV_READ != 0 {
            del_read_timeout(bev);
            let u = underlying(bev);
            if !u.is_null() {
                suspend_read(u, SUSPEND_FILT_READ);
            }
        }
    }
    0
}

/// `bufferevent_flush` on a filter: run the filters in `mode`, then flush
/// the underlying bufferevent. 1 if anything was filtered, else 0.
///
/// # Safety
/// `bev` is a live filter, locked, with a reference held.
pub unsafe fn flush(bev: *mut Bufferevent, iotype: c_short, mode: c_int) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        let mut any = false;
        if iotype & EV_READ != 0 {
            any |= process_input(bev, mode);
        }
        if iotype & EV_WRITE != 0 {
            any |= process_output(bev, mode);
        }
        let u = underlying(bev);
        if !u.is_null() {
            super::flush(u, iotype, mode);
        }
        any as c_int
    }
}

/// The filter's last reference is gone: with `BEV_OPT_CLOSE_ON_FREE` the
/// underlying bufferevent is freed too; otherwise it gets its callbacks
/// cleared and its reading held back.
///
/// # Safety
/// `bev` is a live filter, locked.
pub unsafe fn unlink(bev: *mut Bufferevent) {
    // SAFETY: caller's contract.
    unsafe {
        let f = filt(bev);
        if f.is_null() || (*f).underlying.is_null() {
            return;
        }
        let u = (*f).underlying;
        if (*bev).p.options & BEV_OPT_CLOSE_ON_FREE != 0 {
            lock(u);
            let refs = (*u).p.refcnt;
            unlock(u);
            if refs < 2 {
                log::warnx("BEV_OPT_CLOSE_ON_FREE set on an bufferevent with too few references");
            } else {
                super::free(u);
            }
        } else {
            lock(u);
            // Still ours (the program did not set other callbacks since)?
            if (*u).cbarg == bev.cast() && (*u).errorcb.is_some() {
                setcb(u, None, None, None, ptr::null_mut());
            }
            unlock(u);
            suspend_read(u, SUSPEND_FILT_READ);
        }
    }
}

/// Releases the context and our reference on the underlying bufferevent.
///
/// # Safety
/// `bev` is a filter being released.
pub unsafe fn destruct(bev: *mut Bufferevent) {
    // SAFETY: caller's contract.
    unsafe {
        let f = filt(bev);
        if f.is_null() {
            return;
        }
        if !(*f).inbuf_cb.is_null() {
            cbuf::evbuffer_remove_cb_entry((*bev).input, (*f).inbuf_cb);
        }
        if let Some(fc) = (*f).free_ctx {
            fc((*f).ctx);
        }
        let u = (*f).underlying;
        (*bev).p.link = ptr::null_mut();
        drop(Box::from_raw(f));
        if !u.is_null() {
            lock(u);
            decref_and_unlock(u);
        }
    }
}
