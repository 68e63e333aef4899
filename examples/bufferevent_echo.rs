//! An echo server with a listener and bufferevents: the Rust twin of the
//! seed program `002_buffered_echo_server_9999.c` (and of
//! `001_bufferevent_echo_server_9999.c`). Each accepted connection gets a
//! bufferevent whose read closure echoes its input; on end of file the
//! bufferevent is dropped from inside its own event closure.
//!
//! ```sh
//! cargo run --example bufferevent_echo -- 9999   # port 0 (default): any free port
//! ```

use event_rs::{Base, BevOptions, BufferEvent, Interest, Listener};
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::rc::Rc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::args().nth(1).map_or(Ok(0), |p| p.parse())?;
    let base = Base::new()?;
    let clients: Rc<RefCell<HashMap<i32, BufferEvent>>> = Rc::default();

    let (b, cl) = (base.clone(), clients.clone());
    let mut listener = Listener::bind(&base, ([127, 0, 0, 1], port).into(), move |stream, _peer| {
        let fd = stream.as_raw_fd();
        println!("accept a client {fd}");
        let Ok(mut bev) = BufferEvent::socket(&b, stream, BevOptions::default()) else { return };
        bev.on_read(|bev| {
            let mut msg = Vec::new();
            let _ = bev.read_to_end(&mut msg);
            println!("recv from client <<< {}", String::from_utf8_lossy(&msg));
            let _ = bev.write_all(&msg);
        });
        let cl2 = cl.clone();
        bev.on_event(move |_bev, what| {
            if what.is_eof() || what.is_error() {
                println!("connection closed");
                cl2.borrow_mut().remove(&fd); // frees this bufferevent, from its own callback
            }
        });
        if bev.enable(Interest::READ | Interest::WRITE).is_ok() {
            cl.borrow_mut().insert(fd, bev);
        }
    })?;
    listener.on_error(|e| eprintln!("accept failed: {e}"));
    println!("listening on {}", listener.local_addr()?);
    base.run()?;
    Ok(())
}
