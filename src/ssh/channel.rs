//! One session channel: a reader task that always drains it into an [`EventSink`] and a writer
//! task fed by a cheap cloneable handle. The reader never waits on anyone, because russh stalls
//! every channel of a connection (keepalives and rekeying too) while one channel's queue is
//! full.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use russh::client::Msg;
use russh::{Channel, ChannelMsg, ChannelReadHalf, ChannelWriteHalf};
use std::time::Instant;
use tokio::sync::{mpsc, oneshot};

use super::link::{Link, LossCause};

mod bounded;
pub use bounded::{BoundedInput, BoundedSession};

/// What happened on a channel, in arrival order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelEvent {
    Data(Bytes),
    /// Extended data type 1: the remote stderr.
    Stderr(Bytes),
    ExitStatus(u32),
    ExitSignal {
        signal: String,
        message: String,
    },
    Eof,
    /// The channel was closed (by the server, or by us); no event follows.
    Closed,
    /// The connection under the channel ended without closing it; no event follows.
    Lost,
}

/// How a session channel ended, from its last events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelEnd {
    /// The remote command or shell exited with this status.
    Exited(u32),
    /// It was killed by a signal; the server's message is escaped.
    Killed { signal: String, message: String },
    /// The server closed the channel without saying why.
    ClosedByServer,
    /// The connection under it ended.
    ConnectionLost,
}

/// Bytes typed into the channel by anti-idle after this long without input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdleString {
    pub interval: Duration,
    pub bytes: Bytes,
}

#[derive(Debug)]
enum Command {
    Write(Bytes),
    Resize {
        cols: u16,
        rows: u16,
    },
    Eof,
    Close,
    SetIdleString(Option<IdleString>),
    /// Full-screen programs get no idle string: it would land in the editor.
    HoldIdleString(bool),
}

/// Sends input, resizes and close requests to a channel. Dropping every clone closes it.
/// It can exist before its channel does: what is sent meanwhile waits for the channel.
#[derive(Debug, Clone)]
pub struct ChannelHandle {
    commands: mpsc::UnboundedSender<Command>,
}

/// The receiving end of a [`ChannelHandle`], given to the channel when it opens.
#[derive(Debug)]
pub struct ChannelCommands(mpsc::UnboundedReceiver<Command>);

/// A handle and the queue behind it, for a channel still to be opened.
pub fn command_queue() -> (ChannelHandle, ChannelCommands) {
    let (commands, receiver) = mpsc::unbounded_channel();
    (ChannelHandle { commands }, ChannelCommands(receiver))
}

impl ChannelHandle {
    /// Queues bytes for the remote side. Returns false once the channel is closed.
    pub fn write(&self, bytes: impl Into<Bytes>) -> bool {
        self.commands.send(Command::Write(bytes.into())).is_ok()
    }

    pub fn resize(&self, cols: u16, rows: u16) -> bool {
        self.commands.send(Command::Resize { cols, rows }).is_ok()
    }

    /// Tells the remote side no more input follows (like closing a pipe).
    pub fn eof(&self) -> bool {
        self.commands.send(Command::Eof).is_ok()
    }

    /// Sends CLOSE so the server frees the session slot; the event stream ends with `Closed`.
    pub fn close(&self) -> bool {
        self.commands.send(Command::Close).is_ok()
    }

    /// Starts (or with `None` stops) the anti-idle string for this channel.
    pub fn set_idle_string(&self, idle: Option<IdleString>) -> bool {
        self.commands.send(Command::SetIdleString(idle)).is_ok()
    }

    pub fn hold_idle_string(&self, hold: bool) -> bool {
        self.commands.send(Command::HoldIdleString(hold)).is_ok()
    }
}

/// Where a channel's reader puts events, in arrival order, as it reads them; `Closed` comes
/// last and once. `deliver` cannot wait, and must not: russh stalls every channel of a
/// connection (keepalives and rekeying too) while one channel's queue is full.
pub trait EventSink: Send + 'static {
    fn deliver(&mut self, event: ChannelEvent);
}

impl EventSink for mpsc::UnboundedSender<ChannelEvent> {
    fn deliver(&mut self, event: ChannelEvent) {
        // A receiver that went away must not stop the draining: keep reading to CLOSE.
        let _ = self.send(event);
    }
}

/// A running session channel: its handle and the stream of its events.
#[derive(Debug)]
pub struct SessionChannel {
    pub handle: ChannelHandle,
    pub events: mpsc::UnboundedReceiver<ChannelEvent>,
}

/// A session channel the server has set up (pty, shell or command) and nobody reads yet.
/// Commands sent through its handle meanwhile wait for [`OpenedSession::start`].
#[derive(Debug)]
pub struct OpenedSession {
    channel: Channel<Msg>,
    /// Read while waiting for the server's replies to the set-up requests.
    early: Vec<ChannelEvent>,
    link: Arc<Link>,
    commands: ChannelCommands,
}

impl OpenedSession {
    pub(crate) fn new(
        channel: Channel<Msg>,
        early: Vec<ChannelEvent>,
        link: Arc<Link>,
        commands: ChannelCommands,
    ) -> Self {
        Self {
            channel,
            early,
            link,
            commands,
        }
    }

    /// Starts the reader, which hands every event to `sink` as it arrives, and the writer.
    pub fn start(self, sink: impl EventSink) {
        let (read_half, write_half) = self.channel.split();
        let (closed_tx, closed_rx) = oneshot::channel();
        tokio::spawn(drain(self.early, read_half, sink, closed_rx, self.link));
        tokio::spawn(write(write_half, self.commands.0, closed_tx));
    }
}

/// Maps a russh message to our event; `None` for messages a client does not act on.
pub(crate) fn event_of(message: ChannelMsg) -> Option<ChannelEvent> {
    Some(match message {
        ChannelMsg::Data { data } => ChannelEvent::Data(data),
        ChannelMsg::ExtendedData { data, ext: 1 } => ChannelEvent::Stderr(data),
        ChannelMsg::ExitStatus { exit_status } => ChannelEvent::ExitStatus(exit_status),
        ChannelMsg::ExitSignal {
            signal_name,
            error_message,
            ..
        } => ChannelEvent::ExitSignal {
            signal: format!("{signal_name:?}"),
            message: error_message,
        },
        ChannelMsg::Eof => ChannelEvent::Eof,
        ChannelMsg::Close => ChannelEvent::Closed,
        _ => return None,
    })
}

async fn drain(
    early: Vec<ChannelEvent>,
    mut read_half: ChannelReadHalf,
    mut sink: impl EventSink,
    mut closed_locally: oneshot::Receiver<()>,
    link: Arc<Link>,
) {
    for event in early {
        if deliver_until_closed(&mut sink, event) {
            return;
        }
    }
    loop {
        tokio::select! {
            message = read_half.wait() => {
                let Some(message) = message else {
                    // russh's session ended under the channel: the connection is gone. Its
                    // cause is usually named already; this names it if nothing else did.
                    link.lost(LossCause::Other("the connection ended".to_owned()));
                    sink.deliver(ChannelEvent::Lost);
                    return;
                };
                let Some(event) = event_of(message) else { continue };
                if deliver_until_closed(&mut sink, event) {
                    return;
                }
            }
            // russh 0.65 forgets a channel once we send CLOSE and drops the server's answering
            // CLOSE, so after our own close nothing more will ever arrive.
            Ok(()) = &mut closed_locally => break,
        }
    }
    sink.deliver(ChannelEvent::Closed);
}

/// Hands `event` to `sink`; true when it was the last one (`Closed`, `Lost`).
fn deliver_until_closed(sink: &mut impl EventSink, event: ChannelEvent) -> bool {
    let last = matches!(event, ChannelEvent::Closed | ChannelEvent::Lost);
    sink.deliver(event);
    last
}

async fn write(
    write_half: ChannelWriteHalf<Msg>,
    mut commands: mpsc::UnboundedReceiver<Command>,
    closed_locally: oneshot::Sender<()>,
) {
    let mut idle: Option<IdleString> = None;
    let mut held = false;
    let mut last_input = Instant::now();
    loop {
        let idle_due = idle
            .as_ref()
            .filter(|_| !held)
            .and_then(|idle| crate::timer::deadline(last_input, idle.interval));
        let command = tokio::select! {
            command = commands.recv() => command,
            () = crate::timer::sleep_until(idle_due) => {
                // Idle long enough: type the string, as a person would.
                let bytes = idle.as_ref().map(|i| i.bytes.clone()).unwrap_or_default();
                last_input = Instant::now();
                if write_half.data_bytes(bytes).await.is_err() {
                    return;
                }
                continue;
            }
        };
        let Some(command) = command else { break };
        let result = match command {
            Command::Write(bytes) => {
                last_input = Instant::now();
                write_half.data_bytes(bytes).await
            }
            Command::Resize { cols, rows } => {
                write_half
                    .window_change(u32::from(cols), u32::from(rows), 0, 0)
                    .await
            }
            Command::Eof => write_half.eof().await,
            Command::Close => break,
            Command::SetIdleString(new) => {
                idle = new;
                Ok(())
            }
            Command::HoldIdleString(hold) => {
                held = hold;
                // The idle time counts from when the full-screen program left.
                last_input = Instant::now();
                Ok(())
            }
        };
        if result.is_err() {
            // The channel or connection is gone; the reader reports how.
            return;
        }
    }
    // Explicit close, or every handle dropped: either way the server must hear CLOSE, or the
    // session slot stays taken until the connection ends.
    let _ = write_half.close().await;
    let _ = closed_locally.send(());
}
