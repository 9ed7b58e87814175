//! A server's refusal of a session channel, as the app and the words need it.

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
