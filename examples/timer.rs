//! A repeating 100 ms timer that stops after 5 ticks, and a one-shot timer
//! that fires once in between: the Rust twin of `c-examples/timer.c`.
//!
//! ```sh
//! cargo run --example timer
//! ```

use event_rs::Base;
use std::time::Duration;

fn main() -> Result<(), event_rs::Error> {
    let base = Base::new()?;
    let mut ticks = 0;
    let tick = base.interval(move |ev, what| {
        ticks += 1;
        println!("tick {ticks} (what=0x{:x})", what.bits());
        if ticks == 5 {
            ev.del().expect("delete the timer"); // no events left: the loop returns
        }
    })?;
    tick.add_timeout(Duration::from_millis(100))?;

    let once = base.timer(|_ev, _what| println!("one-shot timer: after 250 ms"))?;
    once.add_timeout(Duration::from_millis(250))?;

    println!("running on {}", base.method());
    let exit = base.run()?;
    println!("loop returned {exit:?}");
    Ok(())
}
