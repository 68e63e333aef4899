//! Drives each program in `examples/` and checks what it prints.
//!
//! The example binaries are looked up next to this test's executable
//! (`target/<profile>/examples/`); `cargo test` builds them (so does
//! `cargo build --examples`). Every wait is bounded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(10);

fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    // target/<profile>/deps/examples-<hash> -> target/<profile>/examples/<name>
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir").join("examples");
    let p = dir.join(name);
    assert!(p.exists(), "{} is missing: run `cargo build --examples` first", p.display());
    p
}

/// A running example whose stdout lines arrive on a channel; killed on drop.
struct Running {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    fn start(name: &str, args: &[&str], stdin: Stdio) -> Running {
        let mut child = Command::new(example(name))
            .args(args)
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn example");
        let out: ChildStdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running { child, lines: rx, seen: Vec::new() }
    }

    /// The next line, within the time limit.
    fn line(&mut self) -> String {
        match self.lines.recv_timeout(WAIT) {
            Ok(l) => {
                self.seen.push(l.clone());
                l
            }
            Err(_) => panic!("no output line within {WAIT:?}; so far: {:?}", self.seen),
        }
    }

    /// Reads lines until one satisfies `pred`, returning it.
    fn until(&mut self, pred: impl Fn(&str) -> bool) -> String {
        let t0 = Instant::now();
        while t0.elapsed() < WAIT {
            let l = self.line();
            if pred(&l) {
                return l;
            }
        }
        panic!("expected line not seen; got {:?}", self.seen)
    }

    /// The port from a "listening on 127.0.0.1:PORT" line.
    fn port(&mut self) -> u16 {
        let l = self.until(|l| l.starts_with("listening on "));
        l.rsplit(':').next().and_then(|p| p.parse().ok()).expect("port")
    }

    /// Waits for the exit status, within the time limit.
    fn wait(&mut self) -> std::process::ExitStatus {
        let t0 = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().expect("try_wait") {
                return st;
            }
            assert!(t0.elapsed() < WAIT, "the example did not exit; output {:?}", self.seen);
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// All remaining lines (the program has exited).
    fn rest(&mut self) -> Vec<String> {
        let mut v = Vec::new();
        while let Ok(l) = self.lines.recv_timeout(Duration::from_secs(2)) {
            v.push(l);
        }
        v
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(WAIT)).unwrap();
    s
}

fn read_n(s: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut v = vec![0; n];
    s.read_exact(&mut v).expect("echo within the time limit");
    v
}

#[test]
fn timer_example() {
    let mut p = Running::start("timer", &[], Stdio::null());
    assert!(p.wait().success());
    let out = p.rest();
    assert!(out[0].starts_with("running on "), "{out:?}");
    let ticks: Vec<&String> = out.iter().filter(|l| l.starts_with("tick ")).collect();
    assert_eq!(ticks.len(), 5, "{out:?}");
    assert_eq!(ticks[4], "tick 5 (what=0x1)");
    assert_eq!(out.iter().filter(|l| *l == "one-shot timer: after 250 ms").count(), 1, "{out:?}");
    // The one-shot (250 ms) fires between tick 2 (200 ms) and tick 3 (300 ms).
    let pos = |s: &str| out.iter().position(|l| l.starts_with(s)).unwrap();
    assert!(pos("tick 2") < pos("one-shot") && pos("one-shot") < pos("tick 3"), "{out:?}");
    assert_eq!(out.last().unwrap(), "loop returned NoEvents");
}

#[test]
fn signal_example() {
    let mut p = Running::start("signal", &[], Stdio::null());
    assert_eq!(p.line(), "waiting for SIGINT (twice)");
    let pid = p.child.id() as libc::pid_t;
    // SAFETY: signalling the child we started, by its pid.
    unsafe { libc::kill(pid, libc::SIGINT) };
    assert_eq!(p.line(), "收到信号 2");
    assert!(p.child.try_wait().unwrap().is_none(), "still running after one SIGINT");
    // SAFETY: as above.
    unsafe { libc::kill(pid, libc::SIGINT) };
    assert_eq!(p.line(), "收到信号 2");
    assert!(p.wait().success());
    assert!(p.rest().is_empty());
}

#[test]
fn echo_server_events_example() {
    let mut p = Running::start("echo_server_events", &["0"], Stdio::null());
    let port = p.port();
    let mut a = connect(port);
    let mut b = connect(port);
    a.write_all(b"hello").unwrap();
    assert_eq!(read_n(&mut a, 5), b"hello");
    assert_eq!(p.line(), "receive data:hello, size:5");
    b.write_all(b"world!").unwrap();
    assert_eq!(read_n(&mut b, 6), b"world!");
    assert_eq!(p.line(), "receive data:world!, size:6");
    a.write_all(b"again").unwrap();
    assert_eq!(read_n(&mut a, 5), b"again");
    assert_eq!(p.line(), "receive data:again, size:5");
    drop(a);
    assert_eq!(p.line(), "receive data:, size:0");
    b.shutdown(Shutdown::Write).unwrap();
    assert_eq!(p.line(), "receive data:, size:0");
    // A third client after both closed.
    let mut c = connect(port);
    c.write_all(b"third").unwrap();
    assert_eq!(read_n(&mut c, 5), b"third");
}

#[test]
fn bufferevent_echo_example() {
    let mut p = Running::start("bufferevent_echo", &["0"], Stdio::null());
    let port = p.port();
    let mut a = connect(port);
    assert!(p.line().starts_with("accept a client "));
    let mut b = connect(port);
    assert!(p.line().starts_with("accept a client "));
    a.write_all(b"one\n").unwrap();
    assert_eq!(read_n(&mut a, 4), b"one\n");
    assert_eq!(p.line(), "recv from client <<< one");
    b.write_all(b"two\n").unwrap();
    assert_eq!(read_n(&mut b, 4), b"two\n");
    p.until(|l| l == "recv from client <<< two");
    // A 40 000-byte echo, read while it is written.
    let payload: Vec<u8> = (0..40_000u32).map(|i| b'a' + (i % 26) as u8).collect();
    let mut w = a.try_clone().unwrap();
    let data = payload.clone();
    let writer = std::thread::spawn(move || w.write_all(&data).unwrap());
    assert_eq!(read_n(&mut a, payload.len()), payload);
    writer.join().unwrap();
    drop(a);
    p.until(|l| l == "connection closed");
    drop(b);
    p.until(|l| l == "connection closed");
}

#[test]
fn echo_client_example() {
    // The test is the server: it echoes one line, then closes.
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port().to_string();
    let mut p = Running::start("echo_client", &["127.0.0.1", &port], Stdio::piped());
    let (mut conn, _) = server.accept().unwrap();
    conn.set_read_timeout(Some(WAIT)).unwrap();
    assert_eq!(p.line(), "connect to server successful");
    assert!(p.line().starts_with("using "));
    let mut stdin = p.child.stdin.take().unwrap();
    stdin.write_all(b"hello server\n").unwrap();
    stdin.flush().unwrap();
    // The stdin bytes arrive unchanged.
    assert_eq!(read_n(&mut conn, 13), b"hello server\n");
    conn.write_all(b"hello client\n").unwrap();
    let l = p.line();
    assert!(l.starts_with("fd = ") && l.ends_with(", read from server: hello client"), "{l}");
    drop(conn); // server EOF: the client frees everything and ends
    assert_eq!(p.line(), "Connection closed.");
    assert_eq!(p.line(), "The End.");
    assert!(p.wait().success());
    drop(stdin);
}

#[test]
fn echo_client_against_echo_server() {
    let mut server = Running::start("bufferevent_echo", &["0"], Stdio::null());
    let port = server.port().to_string();
    let mut p = Running::start("echo_client", &["127.0.0.1", &port], Stdio::piped());
    let mut stdin = p.child.stdin.take().unwrap();
    stdin.write_all(b"round trip\n").unwrap();
    stdin.flush().unwrap();
    p.until(|l| l.ends_with("read from server: round trip"));
    server.child.kill().unwrap();
    assert_eq!(p.until(|l| l == "Connection closed."), "Connection closed.");
    assert_eq!(p.line(), "The End.");
    assert!(p.wait().success());
}

#[test]
fn echo_client_usage() {
    let mut p = Running::start("echo_client", &[], Stdio::null());
    assert_eq!(p.wait().code(), Some(2));
}
