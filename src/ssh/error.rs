//! Errors a person can read. Each variant names what failed and, where it helps, what to do.

use std::path::PathBuf;
use std::time::Duration;

use thiserror::Error;

use crate::escape::escape_line;

#[derive(Debug, Error)]
pub enum SshError {
    #[error("could not resolve host name {host:?}: {reason}")]
    NameNotResolved { host: String, reason: String },

    #[error("connection to {addr} refused (is an SSH server listening on that port?)")]
    ConnectionRefused { addr: String },

    #[error("connection to {addr} timed out after {}s", after.as_secs())]
    ConnectTimedOut { addr: String, after: Duration },

    #[error("logging in to {host_port} timed out after {}s (the server stopped answering)", after.as_secs())]
    AuthTimedOut { host_port: String, after: Duration },

    #[error("{host_port} did not open the session within {}s", after.as_secs())]
    ChannelSetupTimedOut { host_port: String, after: Duration },

    #[error("could not connect to {addr}: {source}")]
    Connect {
        addr: String,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "HOST KEY CHANGED for {host_port}: the server now shows {offered_fingerprint} but \
         {known_hosts}:{line} records {recorded_fingerprint}. This can mean someone is \
         intercepting the connection. Refusing to connect; if the change is expected, remove \
         line {line} from {known_hosts}."
    )]
    HostKeyChanged {
        host_port: String,
        known_hosts: PathBuf,
        line: usize,
        recorded_fingerprint: String,
        offered_fingerprint: String,
    },

    #[error("host key for {host_port} ({fingerprint}) is revoked in {known_hosts}:{line}")]
    HostKeyRevoked {
        host_port: String,
        known_hosts: PathBuf,
        line: usize,
        fingerprint: String,
    },

    #[error("host key for {host_port} ({fingerprint}) is not trusted: {why}")]
    HostKeyNotTrusted {
        host_port: String,
        fingerprint: String,
        why: String,
    },

    #[error("could not read or update known hosts file {path}: {reason}")]
    KnownHostsFile { path: PathBuf, reason: String },

    #[error("authentication failed for {user}@{host_port}; tried: {}; server accepts: {}",
        tried.join(", "), if server_accepts.is_empty() { "(not said)".to_owned() } else { server_accepts.join(", ") })]
    AuthenticationFailed {
        user: String,
        host_port: String,
        /// One entry per attempt, e.g. `key /home/me/.ssh/id_ed25519 (rejected)`.
        tried: Vec<String>,
        server_accepts: Vec<String>,
    },

    #[error("{what}: not answered (cancelled, or nobody could be asked)")]
    Cancelled { what: String, tried: Vec<String> },

    // `reason` and `description` come from the server: escaped so they cannot drive the terminal.
    #[error("the server refused to open a session channel: {} ({}){hint}",
        escape_line(reason), escape_line(description), hint = refusal_hint(*code))]
    ChannelRefused {
        /// SSH_MSG_CHANNEL_OPEN_FAILURE reason code (RFC 4254 5.1).
        code: u32,
        reason: String,
        description: String,
    },

    #[error("connection lost: {}", escape_line(reason))]
    ConnectionLost { reason: String },

    #[error("the proxy command {command:?} failed: {why}")]
    ProxyCommand { command: String, why: String },

    // `why` holds the server's description, escaped where it was received.
    #[error("{server} did not connect to {target}: {why}{hint}", hint = tcp_refusal_hint(*code))]
    TcpRefused {
        /// `user@host:port` of the server asked.
        server: String,
        target: String,
        /// SSH_MSG_CHANNEL_OPEN_FAILURE reason code.
        code: u32,
        why: String,
    },

    #[error(
        "{server} refused to listen on {listen} for a remote forward (the server does not \
         allow it: AllowTcpForwarding, or the port is taken there)"
    )]
    RemoteForwardRefused { server: String, listen: String },

    #[error("SSH protocol error: {}", escape_line(.0))]
    Protocol(String),

    #[error("{0}")]
    Other(String),
}

impl SshError {
    /// Trying again the same way would fail the same way: the server refused the login, the
    /// host key is not the one recorded or not trusted, or the person said no.
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            SshError::HostKeyChanged { .. }
                | SshError::HostKeyRevoked { .. }
                | SshError::HostKeyNotTrusted { .. }
                | SshError::KnownHostsFile { .. }
                | SshError::AuthenticationFailed { .. }
                | SshError::Cancelled { .. }
        )
    }
}

fn tcp_refusal_hint(code: u32) -> &'static str {
    match code {
        1 => " (the server does not allow TCP forwarding: AllowTcpForwarding, or PermitOpen)",
        2 => " (nothing listens there, or the server cannot reach it)",
        _ => "",
    }
}

fn refusal_hint(code: u32) -> &'static str {
    match code {
        // OpenSSH answers a session open over MaxSessions with CONNECT_FAILED "open failed".
        2 => "; the server may limit sessions per connection (OpenSSH: MaxSessions)",
        4 => "; the server is out of channels for this connection",
        _ => "",
    }
}

impl From<russh::Error> for SshError {
    fn from(error: russh::Error) -> Self {
        use russh::Error as E;
        match error {
            E::ChannelOpenFailure(failure) => {
                let (code, reason) = channel_open_failure_text(&failure);
                SshError::ChannelRefused {
                    code,
                    reason,
                    description: String::new(),
                }
            }
            E::Disconnect | E::HUP | E::SendError => SshError::ConnectionLost {
                reason: error.to_string(),
            },
            E::KeepaliveTimeout => SshError::ConnectionLost {
                reason: "the server stopped answering keepalives".to_owned(),
            },
            E::IO(io) => SshError::ConnectionLost {
                reason: io.to_string(),
            },
            other => SshError::Protocol(other.to_string()),
        }
    }
}

/// The RFC 4254 code and name of a channel open failure.
pub fn channel_open_failure_text(failure: &russh::ChannelOpenFailure) -> (u32, String) {
    use russh::ChannelOpenFailure as F;
    match failure {
        F::AdministrativelyProhibited => (1, "administratively prohibited".to_owned()),
        F::ConnectFailed => (2, "connect failed".to_owned()),
        F::UnknownChannelType => (3, "unknown channel type".to_owned()),
        F::ResourceShortage => (4, "resource shortage".to_owned()),
        F::Other { code, reason } => (*code, reason.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_provided_text_is_escaped_in_messages() {
        let hostile = "x\u{1b}]0;pwned\u{7}\u{9b}2J";
        let errors = [
            SshError::ConnectionLost {
                reason: hostile.to_owned(),
            },
            SshError::ChannelRefused {
                code: 2,
                reason: hostile.to_owned(),
                description: hostile.to_owned(),
            },
            SshError::Protocol(hostile.to_owned()),
        ];
        for error in errors {
            let message = error.to_string();
            assert!(!message.chars().any(char::is_control), "{message:?}");
            assert!(
                message.contains("x\\033]0;pwned\\007\\302\\2332J"),
                "{message}"
            );
        }
    }
}
