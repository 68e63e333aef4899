//! `Trigger`: activating events of a threadsafe base from other threads.
//! (Its own test binary: `Builder::threadsafe` turns locking on process-wide.)

use event_rs::{Base, Error, Ready};
use std::cell::Cell;
use std::rc::Rc;
use std::sync::mpsc::channel;
use std::time::Duration;

#[test]
fn triggers_from_other_threads() {
    let base = Base::builder().threadsafe().build().unwrap();
    assert!(base.is_threadsafe());
    let (tx, rx) = channel::<u32>();
    let total = Rc::new(Cell::new(0u32));
    let (t, b) = (total.clone(), base.clone());
    let ev = base
        .user_event(move |_ev, _what| {
            while let Ok(v) = rx.try_recv() {
                t.set(t.get() + v);
            }
            if t.get() == 4 * 50 {
                b.break_loop().unwrap();
            }
        })
        .unwrap();
    // A guard: the test fails rather than hangs.
    let guard = base.timer(|_, _| panic!("triggers did not arrive within 20 s")).unwrap();
    guard.add_timeout(Duration::from_secs(20)).unwrap();
    let trigger = ev.trigger().unwrap();
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (tr, tx) = (trigger.clone(), tx.clone());
            std::thread::spawn(move || {
                for _ in 0..50 {
                    tx.send(1).unwrap();
                    tr.activate(Ready::READ).unwrap();
                    std::thread::sleep(Duration::from_micros(200));
                }
            })
        })
        .collect();
    base.run_forever().unwrap();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(total.get(), 200);

    // Dropped events refuse activation.
    drop(ev);
    assert!(matches!(trigger.activate(Ready::READ), Err(Error::Gone)));
}

#[test]
fn trigger_needs_a_threadsafe_base() {
    let base = Base::new().unwrap();
    let ev = base.user_event(|_, _| {}).unwrap();
    assert!(matches!(ev.trigger(), Err(Error::InvalidInput(_))));
    assert!(Base::builder().threadsafe().no_lock().build().is_err());
}

#[test]
fn trigger_races_with_drop() {
    let base = Base::builder().threadsafe().build().unwrap();
    for _ in 0..50 {
        let ev = base.user_event(|_, _| {}).unwrap();
        let tr = ev.trigger().unwrap();
        let t = std::thread::spawn(move || {
            while tr.activate(Ready::TIMEOUT).is_ok() {
                std::thread::yield_now();
            }
        });
        base.run_nonblock().unwrap();
        drop(ev); // the thread's next activation sees Gone and stops
        t.join().unwrap();
    }
}
