//! A session channel read and written at the pace of its one consumer, for `tabsh exec`.
//!
//! A tab's reader never waits, because one stalled channel stalls every channel of its
//! connection. A one-channel exec has no siblings to stall, and there the right cost is the
//! opposite one: when stdout is slower than the network, stop reading the channel. Its reader
//! then waits on a bounded queue, russh's session waits on the channel's own bounded queue and
//! stops reading the socket, the server's window for the channel closes, and the server stops
//! sending. Memory stays bounded by the queues, not by what the server produces. Input is the
//! mirror image: the writer takes data from a bounded queue only as fast as the server's window
//! lets it send, so a caller that awaits [`BoundedInput::write`] stops reading its own input
//! while the channel cannot take more.

use std::sync::Arc;

use bytes::Bytes;
use russh::client::Msg;
use russh::{ChannelReadHalf, ChannelWriteHalf};
use tokio::sync::{mpsc, oneshot};

#[cfg(doc)]
use super::ChannelHandle;
use super::{ChannelEvent, Command, OpenedSession, event_of};
use crate::ssh::link::{Link, LossCause};

/// Chunks of input waiting for the server's window, at most.
const INPUT_QUEUE_CHUNKS: usize = 4;

/// A running session channel whose events wait for the consumer. Its [`ChannelHandle`] (the
/// one whose commands the channel was set up with) still resizes and closes it; its `write`
/// and `eof` bypass the input queue, so use [`Self::input`] for data.
#[derive(Debug)]
pub struct BoundedSession {
    pub input: BoundedInput,
    /// At most the capacity given to [`OpenedSession::start_bounded`]; `Closed` comes last.
    pub events: mpsc::Receiver<ChannelEvent>,
}

/// Data and EOF for the channel, in order, taken no faster than the server's window allows.
#[derive(Debug, Clone)]
pub struct BoundedInput {
    queue: mpsc::Sender<Command>,
}

impl BoundedInput {
    /// Waits while the queue is full. Returns false once the channel is gone.
    pub async fn write(&self, bytes: impl Into<Bytes>) -> bool {
        self.queue.send(Command::Write(bytes.into())).await.is_ok()
    }

    /// Tells the remote side no more input follows, after everything written before.
    pub async fn eof(&self) -> bool {
        self.queue.send(Command::Eof).await.is_ok()
    }
}

impl OpenedSession {
    /// Starts the channel with at most `capacity` events (each one packet, 32 KiB at most)
    /// waiting for the consumer; while they wait, the channel is not read. Only for a channel
    /// alone on its connection: every other channel of the connection stalls with it.
    pub fn start_bounded(self, capacity: usize) -> BoundedSession {
        let (events_tx, events) = mpsc::channel(capacity.max(1));
        let (input_tx, input_rx) = mpsc::channel(INPUT_QUEUE_CHUNKS);
        let (read_half, write_half) = self.channel.split();
        let (closed_tx, closed_rx) = oneshot::channel();
        tokio::spawn(drain_at_consumer_pace(
            self.early,
            read_half,
            events_tx,
            closed_rx,
            Arc::clone(&self.link),
        ));
        tokio::spawn(write_at_window_pace(
            write_half,
            self.commands.0,
            input_rx,
            closed_tx,
        ));
        BoundedSession {
            input: BoundedInput { queue: input_tx },
            events,
        }
    }
}

impl OpenedSession {
    /// Starts a channel that shares its connection with others (an exec beside a TUI's tabs):
    /// its reader always drains into `sink`, as a tab's does, so it never stalls its siblings;
    /// its input is taken from a bounded queue at the server window's pace, as `exec`'s is.
    pub fn start_with_bounded_input(self, sink: impl super::EventSink) -> BoundedInput {
        let (input_tx, input_rx) = mpsc::channel(INPUT_QUEUE_CHUNKS);
        let (read_half, write_half) = self.channel.split();
        let (closed_tx, closed_rx) = oneshot::channel();
        tokio::spawn(super::drain(
            self.early, read_half, sink, closed_rx, self.link,
        ));
        tokio::spawn(write_at_window_pace(
            write_half,
            self.commands.0,
            input_rx,
            closed_tx,
        ));
        BoundedInput { queue: input_tx }
    }
}

async fn drain_at_consumer_pace(
    early: Vec<ChannelEvent>,
    mut read_half: ChannelReadHalf,
    events: mpsc::Sender<ChannelEvent>,
    mut closed_locally: oneshot::Receiver<()>,
    link: Arc<Link>,
) {
    // `None` once the consumer is gone: from then on events are dropped, but the channel is
    // still read to its end so the connection never stalls on it.
    let mut events = Some(events);
    for event in early {
        if hand_over(&mut events, event).await {
            return;
        }
    }
    loop {
        tokio::select! {
            message = read_half.wait() => {
                let Some(message) = message else {
                    // The connection ended under the channel, as in the unbounded reader.
                    link.lost(LossCause::Other("the connection ended".to_owned()));
                    hand_over(&mut events, ChannelEvent::Lost).await;
                    return;
                };
                let Some(event) = event_of(message) else { continue };
                // Waiting here is the flow control: see the module comment.
                if hand_over(&mut events, event).await {
                    return;
                }
            }
            // As in the unbounded reader: after our own CLOSE nothing more arrives.
            Ok(()) = &mut closed_locally => break,
        }
    }
    hand_over(&mut events, ChannelEvent::Closed).await;
}

/// Sends `event`, waiting for room; true when it was the last one (`Closed`, `Lost`).
async fn hand_over(events: &mut Option<mpsc::Sender<ChannelEvent>>, event: ChannelEvent) -> bool {
    let closed = matches!(event, ChannelEvent::Closed | ChannelEvent::Lost);
    if let Some(sender) = events
        && sender.send(event).await.is_err()
    {
        *events = None;
    }
    closed
}

async fn write_at_window_pace(
    write_half: ChannelWriteHalf<Msg>,
    mut commands: mpsc::UnboundedReceiver<Command>,
    mut input: mpsc::Receiver<Command>,
    closed_locally: oneshot::Sender<()>,
) {
    loop {
        let command = tokio::select! {
            command = commands.recv() => match command {
                Some(command) => command,
                // Every handle dropped: close, as the unbounded writer does.
                None => break,
            },
            Some(command) = input.recv() => command,
        };
        // `data_bytes` waits for the server's window: while it does, `input` fills up and
        // the caller's `write` waits too.
        let result = match command {
            Command::Write(bytes) => write_half.data_bytes(bytes).await,
            Command::Resize { cols, rows } => {
                write_half
                    .window_change(u32::from(cols), u32::from(rows), 0, 0)
                    .await
            }
            Command::Eof => write_half.eof().await,
            Command::Close => break,
            // An exec has no idle string; nothing to hold.
            Command::SetIdleString(_) | Command::HoldIdleString(_) => Ok(()),
        };
        if result.is_err() {
            return;
        }
    }
    let _ = write_half.close().await;
    let _ = closed_locally.send(());
}
