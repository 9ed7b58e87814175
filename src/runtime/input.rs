//! Terminal input, read by the event loop itself when the terminal has some.
//!
//! crossterm's `EventStream` parks a helper thread in a blocking poll that holds crossterm's
//! event-reader lock; every poll of the stream tries that lock with a zero timeout, which
//! parking_lot turns into a burst of `sched_yield` calls, and every key then had to wake the
//! loop from that thread. Here the runtime's own epoll says when the terminal is readable (or the
//! window changed size) and the loop takes the events crossterm can parse without waiting, so a
//! key is read, encoded and sent on by the thread that saw it arrive.

use std::io::{self, IsTerminal};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::time::Duration;

use crossterm::event::Event;
use tokio::io::Interest;
use tokio::io::unix::AsyncFd;
use tokio::signal::unix::{Signal, SignalKind, signal};

pub struct Input {
    /// The terminal crossterm reads from (stdin, or /dev/tty when stdin is not one), registered
    /// for readiness only: crossterm does the reading.
    terminal: AsyncFd<OwnedFd>,
    /// SIGWINCH. crossterm turns it into `Event::Resize` too, but loses it when a key arrives
    /// in the same wake-up (its reader returns at the key and its edge-triggered poll never
    /// reports the signal again), and a late one can carry a size older than the terminal's.
    /// So crossterm's are dropped and the size is read here, on every wake-up: keys typed
    /// after a resize then reach the remote after its new size, as they were typed.
    resized: Signal,
    /// The size last reported.
    size: Option<(u16, u16)>,
}

impl Input {
    pub fn new() -> io::Result<Self> {
        let stdin = io::stdin();
        let terminal = if stdin.is_terminal() {
            stdin.as_fd().try_clone_to_owned()?
        } else {
            std::fs::File::open("/dev/tty")?.into()
        };
        // SAFETY: an `OwnedFd` stays open, on the same descriptor, for as long as it is owned.
        let terminal = unsafe { AsyncFd::register_with_interest(terminal, Interest::READABLE) }?;
        let mut input = Self {
            terminal,
            resized: signal(SignalKind::window_change())?,
            size: None,
        };
        input.size = input.size_now();
        Ok(input)
    }

    /// Waits until there is input, then returns every event crossterm can parse from it (at
    /// least one). Nothing is lost when the future is dropped: it only waits between batches.
    ///
    /// crossterm is only asked once the terminal is readable or the window changed size: each
    /// ask is an `epoll_wait` of its own, and the event loop calls this on every turn, between
    /// a key and its sending as well as between an echo and its drawing.
    pub async fn next(&mut self) -> io::Result<Vec<Event>> {
        loop {
            tokio::select! {
                // Cleared before crossterm reads, so input arriving meanwhile marks it again.
                ready = self.terminal.readable() => ready?.clear_ready(),
                _ = self.resized.recv() => {}
            }
            let mut events = Vec::new();
            // The kernel sets the new size before it sends SIGWINCH.
            let size = self.size_now();
            if let Some((cols, rows)) = size
                && self.size.replace((cols, rows)) != size
            {
                events.push(Event::Resize(cols, rows));
            }
            // crossterm reads what the terminal holds, so this also empties it.
            while crossterm::event::poll(Duration::ZERO)? {
                match crossterm::event::read()? {
                    Event::Resize(..) => {}
                    event => events.push(event),
                }
            }
            if !events.is_empty() {
                return Ok(events);
            }
        }
    }

    /// The terminal's size, asked of the descriptor already open: crossterm's `size` opens
    /// and closes /dev/tty on every call, which cost every key an `openat` and a `close`.
    fn size_now(&self) -> Option<(u16, u16)> {
        // SAFETY: all-zero bytes are a valid `winsize` (four integers).
        let mut size: libc::winsize = unsafe { std::mem::zeroed() };
        // SAFETY: TIOCGWINSZ writes one `winsize` through the pointer, which is valid for the
        // call; the descriptor is open for as long as `self.terminal` is.
        let asked = unsafe {
            libc::ioctl(
                self.terminal.get_ref().as_raw_fd(),
                libc::TIOCGWINSZ,
                &mut size,
            )
        };
        if asked == 0 && size.ws_col > 0 && size.ws_row > 0 {
            Some((size.ws_col, size.ws_row))
        } else {
            crossterm::terminal::size().ok()
        }
    }
}
