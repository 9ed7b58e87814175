//! Anti-idle: keeping idle sessions alive through NAT and stateful firewalls, and noticing
//! dead peers. Per connection, one task driven only by timers and the profile's settings
//! (a watch channel, so a toggle applies at once without reconnecting):
//!
//! - NO-OP: a global request without want-reply after `noop.interval_secs` of silence. Any
//!   packet refreshes NAT state and sshd's ClientAlive counter; sshd drops the unknown request
//!   silently. It cannot notice a dead peer.
//! - keepalive: `keepalive@openssh.com` with want-reply after `keepalive.interval_secs` with
//!   nothing received; a reply (success or failure) gives the round-trip time; `max_misses`
//!   unanswered in a row declare the connection dead, within interval x (max_misses + 1).
//!
//! The idle string (bytes typed into an idle tab) lives in each channel's writer task, and TCP
//! keepalive is a socket option; see `ssh::channel` and `ssh::tcp`.

mod task;

pub use task::{Report, run};

use std::time::Duration;

use bytes::Bytes;

use crate::profiles::AntiIdle;
use crate::ssh::IdleString;

/// The idle string a channel should type, if anti-idle and that mode are on.
pub fn idle_string(settings: &AntiIdle) -> Option<IdleString> {
    (settings.enabled && settings.idle_string.enabled && !settings.idle_string.string.is_empty())
        .then(|| IdleString {
            interval: Duration::from_secs(settings.idle_string.interval_secs.max(1)),
            bytes: Bytes::from(settings.idle_string.string.clone().into_bytes()),
        })
}
