//! An echo client: the Rust twin of the seed program `001_echocli_client.c`.
//! It connects to IP:PORT, sends what it reads on standard input through a
//! bufferevent, and prints what the server sends back. When the server
//! closes, it frees the bufferevent and the stdin event; the loop ends.
//!
//! ```sh
//! cargo run --example echo_client -- 127.0.0.1 9999
//! ```

use event_rs::{Base, BevOptions, BufferEvent, Event, Interest};
use std::cell::RefCell;
use std::io::{BufRead, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::rc::Rc;
use std::time::Duration;

struct Client {
    bev: Option<BufferEvent>,
    stdin: Option<Event>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 2 {
        eprintln!("usage: echo_client <IP> [PORT]");
        std::process::exit(2);
    }
    let ip: IpAddr = args[1].parse()?;
    let port: u16 = args.get(2).map_or(Ok(9999), |p| p.parse())?;
    let stream = TcpStream::connect_timeout(&SocketAddr::new(ip, port), Duration::from_secs(5))?;
    println!("connect to server successful");

    let base = Base::new()?;
    println!("using {}", base.method());
    let client = Rc::new(RefCell::new(Client { bev: None, stdin: None }));

    let mut bev = BufferEvent::socket(&base, stream, BevOptions::default())?;
    let fd = bev.fd().unwrap_or(-1);
    bev.on_read(move |bev| {
        let mut msg = Vec::new();
        let _ = bev.read_to_end(&mut msg);
        println!("fd = {fd}, read from server: {}", String::from_utf8_lossy(&msg).trim_end_matches('\n'));
    });
    let c = client.clone();
    bev.on_event(move |_bev, what| {
        if what.is_eof() {
            println!("Connection closed.");
        } else if what.is_error() {
            println!("some other error: {}", std::io::Error::last_os_error());
        }
        // Frees the bufferevent (from its own callback) and the stdin event.
        let mut c = c.borrow_mut();
        c.bev = None;
        c.stdin = None;
    });
    bev.enable(Interest::READ | Interest::WRITE)?;

    let c = client.clone();
    let stdin = base.io(&std::io::stdin(), Interest::READ | Interest::PERSIST, move |ev, _what| {
        // One read(2) of what is waiting, all of it consumed at once, so
        // nothing stays in std's stdin buffer out of the loop's sight.
        let mut stdin = std::io::stdin().lock();
        match stdin.fill_buf() {
            Ok([]) | Err(_) => {
                let _ = ev.del(); // stdin ended: keep waiting for the server only
            }
            Ok(data) => {
                let n = data.len();
                if let Some(bev) = c.borrow_mut().bev.as_mut() {
                    let _ = bev.write_all(data);
                }
                stdin.consume(n);
            }
        }
    })?;
    stdin.add()?;
    {
        let mut c = client.borrow_mut();
        c.bev = Some(bev);
        c.stdin = Some(stdin);
    }
    base.run()?;
    println!("The End.");
    Ok(())
}
