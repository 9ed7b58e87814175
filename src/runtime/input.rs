//! Terminal input, read on a thread of its own.
//!
//! crossterm's `EventStream` parks a helper thread in a blocking poll that holds crossterm's
//! event-reader lock, and every poll of the stream tries that lock with a zero timeout, which
//! parking_lot turns into a burst of `sched_yield` calls. The loop polls the stream each time it
//! wakes for anything (remote output included), so a keystroke's echo paid for that burst on its
//! way to the screen. A thread that owns the reader outright and hands events over a channel
//! leaves the loop a plain channel receive.

use std::io;

use crossterm::event::Event;
use tokio::sync::mpsc;

/// Starts the reader thread. The channel ends after the first read error (sent on) or once the
/// receiver is gone and another event arrives; the thread blocks in a read until then, which is
/// harmless since the process exits with the loop.
pub fn spawn() -> io::Result<mpsc::UnboundedReceiver<io::Result<Event>>> {
    let (events, receiver) = mpsc::unbounded_channel();
    std::thread::Builder::new()
        .name("tabsh-input".to_owned())
        .spawn(move || {
            loop {
                let event = crossterm::event::read();
                let failed = event.is_err();
                if events.send(event).is_err() || failed {
                    return;
                }
            }
        })?;
    Ok(receiver)
}
