//! What a demo server accepts: who may log in and how many sessions a connection may hold.

use std::time::Duration;

use russh::keys::PublicKey;

use crate::ssh::Secret;

/// OpenSSH's default `MaxSessions`; tabsh clones tabs over one connection, so the
/// demo must refuse the same way a stock server would.
pub const DEFAULT_MAX_SESSIONS: u32 = 10;

/// Time a connection has to log in before it is dropped, like sshd's LoginGraceTime (whose
/// default is 120 s; a loopback login takes milliseconds, so less is plenty).
pub const DEFAULT_LOGIN_GRACE_TIME: Duration = Duration::from_secs(30);

/// Connections not yet logged in, at most, like sshd's MaxStartups (default 10).
pub const DEFAULT_MAX_UNAUTHENTICATED: usize = 10;

/// Connections at once, logged in or not. The demo serves one person's tabs: 100 connections
/// of up to `max_sessions` tabs each is far past that.
pub const DEFAULT_MAX_CONNECTIONS: usize = 100;

/// Settings for [`DemoServer::start`](super::DemoServer::start).
#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// Public keys allowed to log in. Only the key material is compared, so a
    /// key's comment does not matter.
    pub authorized_keys: Vec<PublicKey>,
    /// When set, the `password` and `keyboard-interactive` methods are offered
    /// and accept exactly this password. Exists so tests can exercise those
    /// flows without a real sshd.
    pub password: Option<Secret>,
    /// When set, only this user name may log in; otherwise any name is accepted
    /// (the session always runs as the local user anyway).
    pub user: Option<String>,
    /// Session channels allowed open at once on one connection, like sshd's
    /// `MaxSessions`.
    pub max_sessions: u32,
    /// The shell to run instead of the user's login shell (tests pin `/bin/sh` so the user's
    /// dotfiles cannot slow or break them).
    pub shell: Option<std::path::PathBuf>,
    /// Connections that have not logged in within this time are dropped.
    pub login_grace_time: Duration,
    /// New connections are dropped at once while this many have not logged in yet.
    pub max_unauthenticated: usize,
    /// New connections are dropped at once while this many are open.
    pub max_connections: usize,
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self {
            authorized_keys: Vec::new(),
            password: None,
            user: None,
            max_sessions: DEFAULT_MAX_SESSIONS,
            shell: None,
            login_grace_time: DEFAULT_LOGIN_GRACE_TIME,
            max_unauthenticated: DEFAULT_MAX_UNAUTHENTICATED,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

impl DemoConfig {
    /// A config that lets exactly this key in, the usual setup for tabsh's demo profile.
    pub fn with_authorized_key(key: PublicKey) -> Self {
        Self {
            authorized_keys: vec![key],
            ..Self::default()
        }
    }
}
