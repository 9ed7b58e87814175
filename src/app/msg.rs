//! Everything that can change the model: input from the person, events from the network tasks,
//! and results of store operations.

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use crossterm::event::{KeyEvent, MouseEvent};
use tokio::sync::oneshot;

use super::ids::{ConnectionId, TabId};
use super::notice::StoreOutcome;
use crate::anti_idle::Report;
use crate::control::{ClientId, Request};
use crate::forwarding::ForwardStats;
use crate::profiles::ssh_config::HostListing;
use crate::profiles::{LoadError, StoredProfile};
use crate::ssh::{Activity, Answer, ChannelEnd, ConnectionDetails, LossCause, Prompt};

#[derive(Debug)]
pub enum Msg {
    /// The app starts: open these sessions (profile ids), or show the session manager when
    /// there are none.
    Start {
        open: Vec<String>,
    },
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    /// The host terminal gained or lost focus.
    HostFocus(bool),
    Resize {
        cols: u16,
        rows: u16,
    },
    Net(NetEvent),
    /// The store after a load or a change.
    Profiles {
        profiles: Vec<StoredProfile>,
        failures: Vec<LoadError>,
    },
    /// What the profile store did with a request.
    Stored(StoreOutcome),
    /// A connection kept after its last tab closed has waited its linger time.
    LingerExpired {
        connection: ConnectionId,
    },
    /// The question `prompt` of `tab` has been on screen long enough to take keys.
    PromptArmed {
        tab: TabId,
        prompt: u64,
    },
    /// The wait before reconnect attempt `attempt` of `connection` is over.
    ReconnectDue {
        connection: ConnectionId,
        attempt: u32,
    },
    /// The hosts of `~/.ssh/config`, at start and whenever the file (or what it includes)
    /// changed.
    SshConfig(Box<HostListing>),
    /// A client of the control socket asks something (at `at`, for uptimes).
    Control {
        client: ClientId,
        request: Request,
        at: Instant,
    },
    /// Writing `tab`'s session log failed (the words say why); the session goes on.
    LogFailed {
        tab: TabId,
        error: String,
    },
    /// The command a control client ran on a live connection is over, or was refused.
    ControlExecEnded {
        client: ClientId,
    },
}

/// What the network tasks report. A connection's own object stays with the runtime; the model
/// only learns its id.
#[derive(Debug)]
pub enum NetEvent {
    Connected {
        connection: ConnectionId,
        target: String,
        activity: Arc<Activity>,
        details: Box<ConnectionDetails>,
        at: Instant,
    },
    ConnectFailed {
        connection: ConnectionId,
        error: String,
        /// The person cancelled a prompt (Esc), as opposed to a failure.
        cancelled: bool,
        /// Trying again would fail the same way (a refused login, a changed host key).
        permanent: bool,
        at: Instant,
    },
    ChannelOpened {
        tab: TabId,
        connection: ConnectionId,
    },
    ChannelRefused {
        tab: TabId,
        connection: ConnectionId,
        /// SSH_MSG_CHANNEL_OPEN_FAILURE reason code; 0 when the open failed otherwise.
        code: u32,
        /// The server's description (escaped), or what else went wrong.
        description: String,
    },
    Output {
        tab: TabId,
        bytes: Bytes,
    },
    ChannelEnded {
        tab: TabId,
        end: ChannelEnd,
    },
    ConnectionLost {
        connection: ConnectionId,
        cause: LossCause,
        at: Instant,
    },
    AntiIdle {
        connection: ConnectionId,
        report: Report,
    },
    /// The connection's port forwards started: what each is doing, read when drawn.
    Forwards {
        connection: ConnectionId,
        forwards: Vec<Arc<ForwardStats>>,
    },
    Prompt {
        tab: TabId,
        prompt: Prompt,
        reply: PromptReply,
    },
}

/// Where the answer to a prompt goes. Taken once; dropping it unanswered cancels the question.
#[derive(Debug, Default)]
pub struct PromptReply(Option<oneshot::Sender<Answer>>);

impl PromptReply {
    pub fn new(sender: oneshot::Sender<Answer>) -> Self {
        Self(Some(sender))
    }

    pub fn send(mut self, answer: Answer) {
        if let Some(sender) = self.0.take() {
            let _ = sender.send(answer);
        }
    }
}
