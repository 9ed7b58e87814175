//! What the app tells the person in the status bar, as typed values; the words are made in
//! `crate::text`.

/// A one-line message for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A key pressed after the prefix that does nothing; the key and the prefix as shown.
    KeyNotBound {
        key: String,
        prefix: String,
    },
    NoSuchProfile(String),
    TabStillOpen,
    ProfileGone(String),
    CloneNeedsConnection,
    /// The server refused a clone and the profile says not to spill over.
    CloneRefused(Refusal),
    /// The server refused a clone; it opens on a new connection.
    SpillingOver(Refusal),
    CloneCancelled,
    Store(StoreOutcome),
}

/// A server's refusal of a session channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// `user@host:port`.
    pub target: String,
    /// SSH_MSG_CHANNEL_OPEN_FAILURE reason code (RFC 4254 5.1); 0 when the open failed
    /// otherwise.
    pub code: u32,
    /// What the server (or the failure) said, escaped.
    pub description: String,
    /// The sessions per connection the server allows, when the refusal says it is full.
    pub limit: Option<u32>,
}

/// What the profile store did with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreOutcome {
    Saved(String),
    Deleted(String),
    Duplicated {
        from: String,
        to: String,
    },
    /// The store's error, in its words.
    Failed(String),
}
