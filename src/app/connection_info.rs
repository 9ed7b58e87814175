//! A connection as the model knows it: its phase (connecting, up, coming back after a loss),
//! the sessions on it, what anti-idle reports, and what the inspector shows. The runtime holds
//! the live connection under the same id.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::forwarding::ForwardStats;
use crate::ssh::{Activity, ConnectionDetails, LossCause};

/// Where a connection is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkPhase {
    /// Connecting and logging in; tabs wait on it.
    Connecting,
    /// Connected and logged in, since then.
    Up { since: Instant },
    /// Lost; bringing it back.
    Reconnecting(Reconnect),
}

/// How bringing a lost connection back goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconnect {
    pub cause: LossCause,
    pub lost_at: Instant,
    /// The attempt under way or next, from 1.
    pub attempt: u32,
    /// When the next attempt starts; `None` while one is under way.
    pub next_try: Option<Instant>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// The connection had been up a while, so the first attempt was made without a wait.
    pub first_at_once: bool,
}

/// A reconnect that happened, for the inspector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconnected {
    pub cause: LossCause,
    /// From the loss to the new connection being up.
    pub after: Duration,
}

/// A connection as the model knows it; the runtime holds the live object under the same id.
#[derive(Debug, Clone)]
pub struct ConnectionInfo {
    pub profile_id: String,
    /// `user@host:port` once connected.
    pub target: String,
    pub phase: LinkPhase,
    /// Session channels open (or opening) on this connection. Zero while the connection
    /// lingers after its last tab closed, ready to be reused.
    pub sessions: u32,
    /// Learned from a refusal: the server allows this many sessions per connection.
    pub server_limit: Option<u32>,
    /// When traffic last flowed (read when drawing the status bar).
    pub activity: Option<Arc<Activity>>,
    /// The last keepalive's round trip.
    pub rtt: Option<Duration>,
    /// Keepalives unanswered in a row, and the limit.
    pub misses: (u32, u32),
    /// Algorithms, server and login of the live connection.
    pub details: Option<ConnectionDetails>,
    /// Earlier losses this connection came back from.
    pub reconnects: Vec<Reconnected>,
    /// The profile's port forwards on this connection, as they run.
    pub forwards: Vec<Arc<ForwardStats>>,
}

impl ConnectionInfo {
    /// A connection being made for `profile_id`.
    pub fn connecting(profile_id: &str) -> Self {
        Self {
            profile_id: profile_id.to_owned(),
            target: String::new(),
            phase: LinkPhase::Connecting,
            sessions: 0,
            server_limit: None,
            activity: None,
            rtt: None,
            misses: (0, 0),
            details: None,
            reconnects: Vec::new(),
            forwards: Vec::new(),
        }
    }

    pub fn is_up(&self) -> bool {
        matches!(self.phase, LinkPhase::Up { .. })
    }

    pub fn reconnect(&self) -> Option<&Reconnect> {
        match &self.phase {
            LinkPhase::Reconnecting(reconnect) => Some(reconnect),
            _ => None,
        }
    }
}
