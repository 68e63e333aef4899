//! Catches SIGINT twice, then stops: the Rust twin of the seed program
//! `002_signal_sigint.c` (which prints `收到信号 2`, "got signal 2").
//!
//! ```sh
//! cargo run --example signal   # then press Ctrl-C twice
//! ```

use event_rs::Base;

fn main() -> Result<(), event_rs::Error> {
    let base = Base::new()?;
    let mut count = 0;
    let sigint = base.signal(libc::SIGINT, move |ev, _what| {
        println!("收到信号 {}", ev.fd().unwrap_or(-1));
        count += 1;
        if count >= 2 {
            ev.del().expect("delete the signal event"); // the loop then ends
        }
    })?;
    sigint.add()?;
    println!("waiting for SIGINT (twice)");
    base.run()?;
    Ok(())
}
