//! Socket bufferevents (`bufferevent_sock.c`): `ev_read`/`ev_write` are
//! persistent events on the socket. Reading fills `input` up to the read
//! high-water mark and the rate limit; writing drains `output` and stops
//! (the write event is deleted) when it is empty. A read or write error,
//! EOF or timeout disables that side and is reported to the event callback.
//!
//! As in libevent, the end of `input` and the start of `output` are frozen
//! between our reads and writes: the program reads from `input` and writes
//! to `output`, never the other way round.
//!
//! Writes go out with `sendmsg(MSG_NOSIGNAL)`, so a peer that has gone
//! away gives `EPIPE` (an error event), not a `SIGPIPE` that kills the
//! program; fds that are not sockets fall back to `writev`.

use super::*;
use crate::capi::util as cutil;

/// `bufferevent_socket_new`.
///
/// # Safety
/// `base` is null or live.
pub unsafe fn new(base: *mut EventBase, fd: c_int, options: c_int) -> *mut Bufferevent {
    // SAFETY: caller's contract; bev is fresh.
    unsafe {
        let bev = new_common(base, Kind::Socket, &OPS_SOCKET, options);
        if bev.is_null() {
            return bev;
        }
        cbuf::evbuffer_set_flags((*bev).output, crate::buffer::FLAG_DRAINS_TO_FD as u64);
        assign_events(bev, fd);
        (*bev).p.outbuf_cb = cbuf::evbuffer_add_cb((*bev).output, Some(outbuf_cb), bev.cast());
        cbuf::evbuffer_freeze((*bev).input, 0);
        cbuf::evbuffer_freeze((*bev).output, 1);
        bev
    }
}

/// # Safety
/// `bev` is live and its events are not added.
unsafe fn assign_events(bev: *mut Bufferevent, fd: c_int) {
    // SAFETY: caller's contract; the events live inside bev.
    unsafe {
        let base = (*bev).ev_base;
        cev::event_assign(
            addr_of_mut!((*bev).ev_read),
            base,
            fd,
            EV_READ | EV_PERSIST | EV_FINALIZE,
            Some(read_cb),
            bev.cast(),
        );
        cev::event_assign(
            addr_of_mut!((*bev).ev_write),
            base,
            fd,
            EV_WRITE | EV_PERSIST | EV_FINALIZE,
            Some(write_cb),
            bev.cast(),
        );
    }
}

/// Adds `ev` with `tv` as its timeout if one is set.
///
/// # Safety
/// `ev` is an assigned event; `tv` is readable.
unsafe fn add_with_timeout(ev: *mut Event, tv: *mut timeval) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        if timerisset(&*tv) {
            cev::event_add(ev, tv)
        } else {
            cev::event_add(ev, ptr::null())
        }
    }
}

/// # Safety
/// `bev` is live and locked.
pub unsafe fn enable(bev: *mut Bufferevent, what: c_short) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        if what & EV_READ != 0 && add_with_timeout(addr_of_mut!((*bev).ev_read), addr_of_mut!((*bev).timeout_read)) < 0
        {
            return -1;
        }
        if what & EV_WRITE != 0
            && add_with_timeout(addr_of_mut!((*bev).ev_write), addr_of_mut!((*bev).timeout_write)) < 0
        {
            return -1;
        }
    }
    0
}

/// Deleting the write event is left for later while a connect is pending
/// (it is how the connect's end is noticed).
///
/// # Safety
/// `bev` is live and locked.
pub unsafe fn disable(bev: *mut Bufferevent, what: c_short) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        if what & EV_READ != 0 && cev::event_del(addr_of_mut!((*bev).ev_read)) < 0 {
            return -1;
        }
        if what & EV_WRITE != 0 && !(*bev).p.connecting && cev::event_del(addr_of_mut!((*bev).ev_write)) < 0 {
            return -1;
        }
    }
    0
}

/// New timeouts apply to the events that are pending now.
///
/// # Safety
/// `bev` is live and locked.
pub unsafe fn adj_timeouts(bev: *mut Bufferevent) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        let mut r = 0;
        for (ev, tv, kind) in [
            (addr_of_mut!((*bev).ev_read), addr_of_mut!((*bev).timeout_read), EV_READ),
            (addr_of_mut!((*bev).ev_write), addr_of_mut!((*bev).timeout_write), EV_WRITE),
        ] {
            if cev::event_pending(ev, kind, ptr::null_mut()) != 0 {
                if timerisset(&*tv) {
                    if cev::event_add(ev, tv) < 0 {
                        r = -1;
                    }
                } else {
                    cev::event_remove_timer(ev);
                }
            }
        }
        r
    }
}

/// `bufferevent_setfd` on a socket bufferevent: the events move to `fd` and
/// are re-armed for what is enabled.
///
/// # Safety
/// `bev` is live and locked.
pub unsafe fn setfd(bev: *mut Bufferevent, fd: c_int) {
    // SAFETY: caller's contract.
    unsafe {
        cev::event_del(addr_of_mut!((*bev).ev_read));
        cev::event_del(addr_of_mut!((*bev).ev_write));
        cbuf::evbuffer_unfreeze((*bev).input, 0);
        cbuf::evbuffer_unfreeze((*bev).output, 1);
        crate::core::debug::note_teardown(addr_of_mut!((*bev).ev_read));
        crate::core::debug::note_teardown(addr_of_mut!((*bev).ev_write));
        assign_events(bev, fd);
        let pri = (*bev).p.deferred_pri as c_int;
        if pri != 0 {
            cev::event_priority_set(addr_of_mut!((*bev).ev_read), pri);
            cev::event_priority_set(addr_of_mut!((*bev).ev_write), pri);
        }
        (*bev).p.not_socket = false;
        if fd >= 0 {
            enable_locked(bev, (*bev).enabled);
        }
    }
}

/// Releases the socket with `BEV_OPT_CLOSE_ON_FREE`.
///
/// # Safety
/// `bev` is being released.
pub unsafe fn destruct(bev: *mut Bufferevent) {
    // SAFETY: caller's contract.
    unsafe {
        let fd = (*bev).ev_read.fd;
        if (*bev).p.options & BEV_OPT_CLOSE_ON_FREE != 0 && fd >= 0 {
            libc::close(fd);
        }
    }
}

/// Data added to `output`: start writing if the program lets us. If the
/// write event cannot be added (the fd is no longer valid), the error is
/// reported to the event callback from the loop (libevent ignores it and
/// the data waits forever).
unsafe extern "C" fn outbuf_cb(_buf: *mut Evbuffer, info: *const CbInfo, arg: *mut c_void) {
    let bev = arg.cast::<Bufferevent>();
    // SAFETY: the callback goes with the bufferevent; info is valid for the call.
    unsafe {
        if (*info).n_added == 0 {
            return;
        }
        incref_and_lock(bev);
        let ev_write = addr_of_mut!((*bev).ev_write);
        if (*bev).enabled & EV_WRITE != 0
            && (*bev).p.write_suspended == 0
            && cev::event_pending(ev_write, EV_WRITE, ptr::null_mut()) == 0
        {
            if add_with_timeout(ev_write, addr_of_mut!((*bev).timeout_write)) == 0 {
                // Write in this loop iteration rather than after the next
                // wait: a socket with room in its send buffer is writable
                // anyway, and when the write empties the buffer the event is
                // deleted again before the epoll change is ever applied, so
                // the round trip costs no epoll_ctl. A full socket gives
                // EAGAIN and the event stays, as if it had been waited for.
                // (No fd yet: only the write timeout can fire, as in libevent.)
                if !(*bev).p.connecting && (*bev).ev_write.fd >= 0 {
                    cev::event_active(ev_write, EV_WRITE.into(), 1);
                }
            } else if (*bev).ev_write.fd >= 0 {
                // The socket cannot be watched (the program closed it, say):
                // report it from the loop rather than waiting forever.
                let err = errno();
                disable_locked(bev, EV_WRITE);
                set_errno(if err == 0 { libc::EBADF } else { err });
                run_eventcb(bev, BEV_EVENT_WRITING | BEV_EVENT_ERROR, BEV_OPT_DEFER_CALLBACKS);
            }
        }
        decref_and_unlock(bev);
    }
}

fn retriable(e: c_int) -> bool {
    e == libc::EAGAIN || e == libc::EWOULDBLOCK || e == libc::EINTR
}

/// The read event: read what the watermark and the rate limit allow.
unsafe extern "C" fn read_cb(fd: c_int, what: c_short, arg: *mut c_void) {
    let bev = arg.cast::<Bufferevent>();
    // SAFETY: the event belongs to a live bufferevent (finalized before it
    // is released); we hold a reference while program callbacks run.
    unsafe {
        incref_and_lock(bev);
        let mut ev_what = BEV_EVENT_READING;
        'out: {
            if what == EV_TIMEOUT {
                ev_what |= BEV_EVENT_TIMEOUT;
            } else {
                let input = (*bev).input;
                let mut howmuch = ratelimit::read_max(bev);
                let high = (*bev).wm_read.high;
                if high != 0 {
                    let len = buflen(input);
                    if len >= high {
                        suspend_read(bev, SUSPEND_WM);
                        break 'out;
                    }
                    howmuch = howmuch.min((high - len).min(isize::MAX as usize) as isize);
                }
                if (*bev).p.read_suspended != 0 {
                    break 'out;
                }
                if howmuch <= 0 {
                    break 'out;
                }
                // libevent reads at most 4096 bytes a call whatever the
                // single-read maximum says; a program that raised that
                // maximum gets reads of up to it (docs/COMPATIBILITY.md).
                let cap = if (*bev).p.large_reads { howmuch as usize } else { crate::buffer::io::MAX_READ };
                cbuf::evbuffer_unfreeze(input, 0);
                let res = match Evbuffer::locked(input, |b| b.read_fd_upto(fd, cap.min(howmuch as usize))) {
                    Ok(n) => n as isize,
                    Err(()) => -1,
                };
                let err = errno();
                cbuf::evbuffer_freeze(input, 0);
                if res < 0 {
                    if retriable(err) {
                        break 'out;
                    }
                    ev_what |= BEV_EVENT_ERROR;
                    set_errno(err);
                } else if res == 0 {
                    ev_what |= BEV_EVENT_EOF;
                } else {
                    ratelimit::note_read(bev, res as isize);
                    trigger_locked(bev, EV_READ, 0);
                    break 'out;
                }
            }
            // Error, EOF or timeout: this side stops, the program hears of it.
            let err = errno();
            disable_locked(bev, EV_READ);
            set_errno(err);
            run_eventcb(bev, ev_what, 0);
        }
        decref_and_unlock(bev);
    }
}

/// The write event: notice a finished connect, then write.
unsafe extern "C" fn write_cb(fd: c_int, what: c_short, arg: *mut c_void) {
    let bev = arg.cast::<Bufferevent>();
    // SAFETY: as read_cb.
    unsafe {
        incref_and_lock(bev);
        let mut ev_what = BEV_EVENT_WRITING;
        'out: {
            if what == EV_TIMEOUT {
                ev_what |= BEV_EVENT_TIMEOUT;
            } else {
                let mut connected = false;
                if (*bev).p.connecting {
                    let c = if (*bev).p.connection_refused {
                        (*bev).p.connection_refused = false;
                        set_errno(libc::ECONNREFUSED);
                        -1
                    } else {
                        crate::util::sock::socket_finished_connecting(fd)
                    };
                    if c == 0 {
                        break 'out;
                    }
                    (*bev).p.connecting = false;
                    if c < 0 {
                        let err = errno();
                        cev::event_del(addr_of_mut!((*bev).ev_write));
                        cev::event_del(addr_of_mut!((*bev).ev_read));
                        set_errno(err);
                        run_eventcb(bev, BEV_EVENT_ERROR, 0);
                        break 'out;
                    }
                    connected = true;
                    run_eventcb(bev, BEV_EVENT_CONNECTED, 0);
                    if (*bev).enabled & EV_WRITE == 0 || (*bev).p.write_suspended != 0 {
                        cev::event_del(addr_of_mut!((*bev).ev_write));
                        break 'out;
                    }
                }
                if (*bev).p.write_suspended != 0 {
                    break 'out;
                }
                let output = (*bev).output;
                let mut res: isize = 0;
                if buflen(output) > 0 {
                    let atmost = ratelimit::write_max(bev);
                    if atmost <= 0 {
                        break 'out;
                    }
                    res = write_out(bev, fd, atmost);
                    if res < 0 {
                        let err = errno();
                        if retriable(err) {
                            if buflen(output) == 0 {
                                cev::event_del(addr_of_mut!((*bev).ev_write));
                            }
                            break 'out;
                        }
                        ev_what |= BEV_EVENT_ERROR;
                        set_errno(err);
                    } else if res == 0 {
                        ev_what |= BEV_EVENT_EOF;
                    }
                    if res <= 0 {
                        let err = errno();
                        disable_locked(bev, EV_WRITE);
                        set_errno(err);
                        run_eventcb(bev, ev_what, 0);
                        break 'out;
                    }
                    ratelimit::note_write(bev, res);
                }
                if buflen(output) == 0 {
                    cev::event_del(addr_of_mut!((*bev).ev_write));
                }
                // The write callback: after progress, or on any writable
                // event except the one that only finished the connect.
                if res > 0 || !connected {
                    trigger_locked(bev, EV_WRITE, 0);
                }
                break 'out;
            }
            disable_locked(bev, EV_WRITE);
            run_eventcb(bev, ev_what, 0);
        }
        decref_and_unlock(bev);
    }
}

/// Writes up to `atmost` bytes of `output` to `fd` and drains them; bytes
/// written, or -1 with errno.
///
/// # Safety
/// `bev` is live and locked.
unsafe fn write_out(bev: *mut Bufferevent, fd: c_int, atmost: isize) -> isize {
    // SAFETY: caller's contract; the output buffer is ours and locked (its
    // lock is the bufferevent's), so the extents stay valid until drained.
    unsafe {
        let output = (*bev).output;
        if !(*bev).p.not_socket && !(*output).has_sendfile() {
            const N: usize = crate::buffer::io::NUM_WRITE_IOVEC;
            // Only as many extents as the bytes span are initialised (zeroing
            // all 128 would cost more than a small write).
            let need = Evbuffer::locked_quiet(output, |b| b.peek(atmost, None, &mut [])).min(N);
            let mut space = [std::mem::MaybeUninit::<libc::iovec>::uninit(); N];
            for v in &mut space[..need] {
                v.write(libc::iovec { iov_base: ptr::null_mut(), iov_len: 0 });
            }
            // SAFETY: space[..need] was initialised just above.
            let vecs = std::slice::from_raw_parts_mut(space.as_mut_ptr().cast::<libc::iovec>(), need);
            let n = Evbuffer::locked_quiet(output, |b| b.peek(atmost, None, vecs)).min(need);
            // Trim the extents to exactly `atmost` bytes.
            let mut left = atmost as usize;
            let mut used = 0;
            for v in vecs.iter_mut().take(n) {
                if left == 0 {
                    break;
                }
                v.iov_len = v.iov_len.min(left);
                left -= v.iov_len;
                used += 1;
            }
            let mut msg: libc::msghdr = std::mem::zeroed();
            msg.msg_iov = vecs.as_mut_ptr();
            msg.msg_iovlen = used;
            let r = libc::sendmsg(fd, &msg, libc::MSG_NOSIGNAL);
            if r >= 0 || errno() != libc::ENOTSOCK {
                if r > 0 {
                    cbuf::evbuffer_unfreeze(output, 1);
                    cbuf::evbuffer_drain(output, r as usize);
                    cbuf::evbuffer_freeze(output, 1);
                }
                return r;
            }
            (*bev).p.not_socket = true;
        }
        // Not a socket, or file segments to send: the buffer's own writer,
        // with SIGPIPE held back for the call.
        let mut set: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGPIPE);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut old);
        let was_blocked = libc::sigismember(&old, libc::SIGPIPE) == 1;
        cbuf::evbuffer_unfreeze(output, 1);
        let r = cbuf::evbuffer_write_atmost(output, fd, atmost as libc::ssize_t);
        let err = errno();
        cbuf::evbuffer_freeze(output, 1);
        if r < 0 && err == libc::EPIPE && !was_blocked {
            let zero = libc::timespec { tv_sec: 0, tv_nsec: 0 };
            libc::sigtimedwait(&set, ptr::null_mut(), &zero);
        }
        libc::pthread_sigmask(libc::SIG_SETMASK, &old, ptr::null_mut());
        set_errno(err);
        r as isize
    }
}

/// `bufferevent_socket_connect`: 0 when the connect is under way (its end
/// comes as `BEV_EVENT_CONNECTED` or `BEV_EVENT_ERROR`), -1 if it could not
/// be started.
///
/// # Safety
/// `bev` is a live socket bufferevent; `sa` is null or readable for `socklen`.
pub unsafe fn connect(bev: *mut Bufferevent, sa: *const libc::sockaddr, socklen: c_int) -> c_int {
    // SAFETY: caller's contract.
    unsafe {
        incref_and_lock(bev);
        let mut result = -1;
        let mut fd = (*bev).ev_read.fd;
        let mut ownfd = false;
        'done: {
            if fd < 0 {
                if sa.is_null() {
                    break 'done;
                }
                let family = c_int::from(ptr::addr_of!((*sa).sa_family).read_unaligned());
                fd = crate::util::sock::socket(family, libc::SOCK_STREAM | libc::SOCK_NONBLOCK, 0);
                if fd < 0 {
                    break 'done;
                }
                ownfd = true;
            }
            let mut r = 0;
            if !sa.is_null() {
                r = cutil_connect(&mut fd, sa, socklen);
                if r < 0 {
                    if ownfd {
                        libc::close(fd);
                    }
                    break 'done;
                }
            }
            setfd(bev, fd);
            result = 0;
            match r {
                0 => {
                    if enable(bev, EV_WRITE) == 0 {
                        (*bev).p.connecting = true;
                    } else {
                        result = -1;
                    }
                }
                1 => {
                    // Connected at once (AF_UNIX): the write event (added by
                    // setfd) reports it; the write callback runs meanwhile.
                    (*bev).p.connecting = true;
                    trigger_locked(bev, EV_WRITE, BEV_OPT_DEFER_CALLBACKS);
                }
                _ => {
                    // Refused at once: reported from the loop.
                    set_errno(libc::ECONNREFUSED);
                    run_eventcb(bev, BEV_EVENT_ERROR, BEV_OPT_DEFER_CALLBACKS);
                    disable_locked(bev, EV_WRITE | EV_READ);
                }
            }
        }
        decref_and_unlock(bev);
        result
    }
}

/// `evutil_socket_connect_`'s contract: 1 connected, 0 in progress, 2
/// refused at once, -1 other error.
///
/// # Safety
/// `sa` is readable for `len` bytes.
unsafe fn cutil_connect(fd: &mut c_int, sa: *const libc::sockaddr, len: c_int) -> c_int {
    if len < 0 {
        set_errno(libc::EINVAL);
        return -1;
    }
    // SAFETY: caller's contract.
    unsafe { crate::util::sock::socket_connect(fd, sa, len as libc::socklen_t) }
}

/// `bufferevent_socket_connect_hostname`: resolves `hostname` (blocking,
/// with the system resolver — there is no evdns yet) and connects to the
/// first address. Errors of the lookup come to the event callback as
/// `BEV_EVENT_ERROR`, with the code in `bufferevent_socket_get_dns_error`.
///
/// # Safety
/// `bev` is a live socket bufferevent; `hostname` is null or a C string.
pub unsafe fn connect_hostname(bev: *mut Bufferevent, family: c_int, hostname: *const c_char, port: c_int) -> c_int {
    if family != libc::AF_INET && family != libc::AF_INET6 && family != libc::AF_UNSPEC {
        return -1;
    }
    if !(1..=65535).contains(&port) || hostname.is_null() {
        return -1;
    }
    // SAFETY: caller's contract.
    unsafe {
        incref_and_lock(bev);
        (*bev).p.dns_error = 0;
        suspend_write(bev, SUSPEND_LOOKUP);
        suspend_read(bev, SUSPEND_LOOKUP);
        let mut hints: libc::addrinfo = std::mem::zeroed();
        hints.ai_family = family;
        hints.ai_socktype = libc::SOCK_STREAM;
        hints.ai_protocol = libc::IPPROTO_TCP;
        let portstr = std::ffi::CString::new(port.to_string()).expect("digits");
        let mut ai: *mut libc::addrinfo = ptr::null_mut();
        let r = cutil::evutil_getaddrinfo(hostname, portstr.as_ptr(), &hints, &mut ai);
        unsuspend_write(bev, SUSPEND_LOOKUP);
        unsuspend_read(bev, SUSPEND_LOOKUP);
        if r != 0 || ai.is_null() {
            (*bev).p.dns_error = if r != 0 { r } else { crate::util::gai::EVUTIL_EAI_FAIL };
            run_eventcb(bev, BEV_EVENT_ERROR, 0);
        } else {
            if connect(bev, (*ai).ai_addr, (*ai).ai_addrlen as c_int) < 0 {
                run_eventcb(bev, BEV_EVENT_ERROR, 0);
            }
            cutil::evutil_freeaddrinfo(ai);
        }
        decref_and_unlock(bev);
    }
    0
}
