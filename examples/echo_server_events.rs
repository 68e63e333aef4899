//! An echo server on raw events: the Rust twin of the seed program
//! `001_event_set_server_25341.c`. A persistent read event on the
//! listening socket accepts; each connection has a persistent read event
//! that prints what arrives and arms a one-shot write event to send it back.
//! When the peer closes, the connection's read event is dropped from inside
//! its own callback.
//!
//! ```sh
//! cargo run --example echo_server_events -- 25341   # port 0 (default): any free port
//! ```

use event_rs::{Base, Event, Interest};
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsRawFd, RawFd};
use std::rc::Rc;

/// One client. The events come first: fields drop in order, so they are
/// deleted before the socket closes.
struct Conn {
    _read: Option<Event>,
    write: Option<Event>,
    /// Bytes received and not yet echoed.
    pending: Vec<u8>,
    stream: TcpStream,
}

type Conns = Rc<RefCell<HashMap<RawFd, Conn>>>;

fn on_write(conns: &Conns, fd: RawFd) {
    let mut map = conns.borrow_mut();
    let Some(c) = map.get_mut(&fd) else { return };
    match c.stream.write(&c.pending) {
        Ok(n) => {
            c.pending.drain(..n);
        }
        Err(e) if e.kind() == ErrorKind::WouldBlock => {}
        Err(_) => c.pending.clear(),
    }
    if !c.pending.is_empty() {
        if let Some(w) = &c.write {
            let _ = w.add(); // one-shot: re-arm until everything is sent
        }
    }
}

fn on_read(base: &Base, conns: &Conns, fd: RawFd) {
    let mut buf = [0u8; 1024];
    let n = {
        let mut map = conns.borrow_mut();
        let Some(c) = map.get_mut(&fd) else { return };
        match c.stream.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => return,
            Err(_) => 0,
        }
    };
    println!("receive data:{}, size:{}", String::from_utf8_lossy(&buf[..n]), n);
    if n == 0 {
        // Drops this connection's read event from inside its own callback.
        conns.borrow_mut().remove(&fd);
        return;
    }
    let mut map = conns.borrow_mut();
    let Some(c) = map.get_mut(&fd) else { return };
    c.pending.extend_from_slice(&buf[..n]);
    if c.write.is_none() {
        let cs = conns.clone();
        c.write = base.io(&c.stream, Interest::WRITE, move |_ev, _what| on_write(&cs, fd)).ok();
    }
    if let Some(w) = &c.write {
        let _ = w.add();
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::args().nth(1).map_or(Ok(0), |p| p.parse())?;
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    listener.set_nonblocking(true)?;
    println!("listening on {}", listener.local_addr()?);

    let base = Base::new()?;
    let conns: Conns = Rc::default();
    let (b, cs) = (base.clone(), conns.clone());
    let accept = base.io(&listener.as_raw_fd(), Interest::READ | Interest::PERSIST, move |_ev, _what| {
        let Ok((stream, _peer)) = listener.accept() else { return };
        if stream.set_nonblocking(true).is_err() {
            return;
        }
        let fd = stream.as_raw_fd();
        let (b2, cs2) = (b.clone(), cs.clone());
        let Ok(read) = b.io(&stream, Interest::READ | Interest::PERSIST, move |_ev, _what| on_read(&b2, &cs2, fd))
        else {
            return;
        };
        if read.add().is_ok() {
            cs.borrow_mut().insert(fd, Conn { _read: Some(read), write: None, pending: Vec::new(), stream });
        }
    })?;
    accept.add()?;
    base.run()?;
    Ok(())
}
