//! Bufferevent pairs (`bufferevent_pair.c`): what one writes to its output
//! is handed to the other's input at once — when the writer has writing
//! enabled and the reader reading, up to the reader's read high-water mark.
//! Pairs always defer their callbacks (as libevent's do), share one lock,
//! and their events are timers for the read and write timeouts.

use super::*;

/// `bufferevent_pair_new`: two linked bufferevents in `out[0]`, `out[1]`.
///
/// # Safety
/// `base` is null or live; `out` is writable for two pointers.
pub unsafe fn new(base: *mut EventBase, options: c_int, out: *mut *mut Bufferevent) -> c_int {
    let options = options | BEV_OPT_DEFER_CALLBACKS;
    // SAFETY: caller's contract; the bufferevents are fresh.
    unsafe {
        let b1 = new_elt(base, options);
        if b1.is_null() {
            return -1;
        }
        let b2 = new_elt(base, options & !BEV_OPT_THREADSAFE);
        if b2.is_null() {
            free(b1);
            return -1;
        }
        if options & BEV_OPT_THREADSAFE != 0 && enable_locking(b2, lock_share(b1)) < 0 {
            free(b1);
            free(b2);
            return -1;
        }
        (*b1).p.link = b2.cast();
        (*b2).p.link = b1.cast();
        *out = b1;
        *out.add(1) = b2;
    }
    0
}

/// # Safety
/// `base` is null or live.
unsafe fn new_elt(base: *mut EventBase, options: c_int) -> *mut Bufferevent {
    // SAFETY: caller's contract.
    unsafe {
        let bev = new_common(base, Kind::Pair, &OPS_PAIR, options);
        if bev.is_null() {
            return bev;
        }
        init_generic_timeouts(bev);
        (*bev).p.outbuf_cb = cbuf::evbuffer_add_cb((*bev).output, Some(outbuf_cb), bev.cast());
        bev
    }
}

/// The partner, or null once either side is gone.
///
/// # Safety
/// `bev` is live.
pub unsafe fn partner(bev: *mut Bufferevent) -> *mut Bufferevent {
    // SAFETY: caller's contract.
    unsafe {
        if (*bev).p.kind != Kind::Pair {
            return ptr::null_mut();
        }
        lock(bev);
        let p = (*bev).p.link.cast::<Bufferevent>();
        unlock(bev);
        p
    }
}

/// Whether `src` may hand data to `dst` now.
///
/// # Safety
/// Both are live and locked.
unsafe fn wants_to_talk(src: *mut Bufferevent, dst: *mut Bufferevent) -> bool {
    // SAFETY: caller's contract.
    unsafe {
        (*src).enabled & EV_WRITE != 0
            && (*src).p.write_suspended == 0
            && (*dst).enabled & EV_READ != 0
            && (*dst).p.read_suspended == 0
    }
}

/// Moves `src`'s output into `dst`'s input (up to `dst`'s read high-water
/// mark unless `ignore_wm`), restarts `dst`'s timeouts, and runs the callbacks
/// the watermarks call for.
///
/// # Safety
/// Both are live and locked (they share the lock).
unsafe fn transfer(src: *mut Bufferevent, dst: *mut Bufferevent, ignore_wm: bool) {
    // SAFETY: caller's contract; references keep both alive while buffer
    // callbacks run.
    unsafe {
        incref(src);
        incref(dst);
        let (out, inp) = ((*src).output, (*dst).input);
        let high = (*dst).wm_read.high;
        let n;
        'moved: {
            if high != 0 {
                let have = buflen(inp);
                if have < high {
                    n = cbuf::evbuffer_remove_buffer(out, inp, high - have).max(0) as usize;
                    break 'moved;
                }
                if !ignore_wm {
                    lock(src);
                    decref_and_unlock(src);
                    lock(dst);
                    decref_and_unlock(dst);
                    return;
                }
            }
            n = buflen(out);
            cbuf::evbuffer_add_buffer(inp, out);
        }
        if n > 0 {
            reset_read_timeout(dst);
            if buflen((*dst).output) > 0 {
                reset_write_timeout(dst);
            } else {
                del_write_timeout(dst);
            }
        }
        if buflen(inp) >= (*dst).wm_read.low {
            run_readcb(dst, 0);
        }
        if buflen(out) <= (*src).wm_write.low {
            run_writecb(src, 0);
        }
        lock(src);
        decref_and_unlock(src);
        lock(dst);
        decref_and_unlock(dst);
    }
}

/// More data in our output: hand it over if the partner reads.
unsafe extern "C" fn outbuf_cb(_buf: *mut Evbuffer, info: *const CbInfo, arg: *mut c_void) {
    let bev = arg.cast::<Bufferevent>();
    // SAFETY: the callback goes with the bufferevent; info is valid.
    unsafe {
        if (*info).n_added <= (*info).n_deleted {
            return;
        }
        incref_and_lock(bev);
        let partner = (*bev).p.link.cast::<Bufferevent>();
        if !partner.is_null() && wants_to_talk(bev, partner) {
            transfer(bev, partner, false);
        }
        decref_and_unlock(bev);
    }
}

/// # Safety
/// `bev` is live and locked.
pub unsafe fn enable(bev: *mut Bufferevent, what: c_short) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        incref(bev);
        if what & EV_READ != 0 {
            reset_read_timeout(bev);
        }
        if what & EV_WRITE != 0 && buflen((*bev).output) > 0 {
            reset_write_timeout(bev);
        }
        let partner = (*bev).p.link.cast::<Bufferevent>();
        if !partner.is_null() {
            if what & EV_READ != 0 && wants_to_talk(partner, bev) && buflen((*partner).output) > 0 {
                transfer(partner, bev, false);
            }
            if what & EV_WRITE != 0 && wants_to_talk(bev, partner) && buflen((*bev).output) > 0 {
                transfer(bev, partner, false);
            }
        }
        lock(bev);
        decref_and_unlock(bev);
    }
    0
}

/// # Safety
/// `bev` is live and locked.
pub unsafe fn disable(bev: *mut Bufferevent, what: c_short) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        if what & EV_READ != 0 {
            del_read_timeout(bev);
        }
        if what & EV_WRITE != 0 {
            del_write_timeout(bev);
        }
    }
    0
}

/// `bufferevent_flush` on a pair: hand everything over regardless of the
/// watermarks; `BEV_FINISHED` also tells the partner the stream ended.
///
/// # Safety
/// `bev` is live and locked.
pub unsafe fn flush(bev: *mut Bufferevent, iotype: c_short, mode: c_int) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        if mode == BEV_NORMAL {
            return 0;
        }
        let partner = (*bev).p.link.cast::<Bufferevent>();
        if partner.is_null() {
            return -1;
        }
        incref(partner);
        if iotype & EV_READ != 0 {
            transfer(partner, bev, true);
        }
        if iotype & EV_WRITE != 0 {
            transfer(bev, partner, true);
        }
        if mode == BEV_FINISHED {
            let mut what = BEV_EVENT_EOF;
            if iotype & EV_READ != 0 {
                what |= BEV_EVENT_WRITING;
            }
            if iotype & EV_WRITE != 0 {
                what |= BEV_EVENT_READING;
            }
            run_eventcb(partner, what, 0);
        }
        lock(partner);
        decref_and_unlock(partner);
    }
    0
}

/// Breaks the link both ways (the last reference to `bev` is gone).
///
/// # Safety
/// `bev` is live and locked.
pub unsafe fn unlink(bev: *mut Bufferevent) {
    // SAFETY: caller's contract; partners share the lock.
    unsafe {
        let partner = (*bev).p.link.cast::<Bufferevent>();
        if !partner.is_null() {
            (*partner).p.link = ptr::null_mut();
            (*bev).p.link = ptr::null_mut();
        }
    }
}
