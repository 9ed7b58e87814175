//! Channels the server opens toward us that a connection asked for: `forwarded-tcpip` for the
//! remote forwards (`-R`) it requested, `auth-agent@openssh.com` when it asked for agent
//! forwarding. Everything else the server opens is refused (see `handler.rs`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use russh::Channel;
use russh::client::{ChannelOpenHandle, Msg};
use tokio::sync::mpsc;

/// A connection the server forwards to us on a port we asked for: answer it (`reply`) once
/// the local end is reached or not.
pub struct IncomingForward {
    pub channel: Channel<Msg>,
    pub reply: ChannelOpenHandle,
    /// Who connected on the server's side (`203.0.113.4:50122`).
    pub originator: String,
}

/// Connections waiting for their forward's task at most; more are refused until it catches up.
pub const INCOMING_QUEUE: usize = 64;

/// What the connection asked the server for, by the handler's lookup.
#[derive(Debug, Default)]
pub(crate) struct Solicited {
    /// Remote forwards by (address, port) as the server reports them.
    remote: Mutex<HashMap<(String, u32), mpsc::Sender<IncomingForward>>>,
    /// Agent forwarding was asked for on a session of this connection.
    pub agent: AtomicBool,
}

impl Solicited {
    pub fn add_remote(&self, address: &str, port: u32, to: mpsc::Sender<IncomingForward>) {
        self.lock().insert((address.to_owned(), port), to);
    }

    pub fn remove_remote(&self, address: &str, port: u32) {
        self.lock().remove(&(address.to_owned(), port));
    }

    /// Where an open for `address:port` goes, when we asked for it and its task has room.
    pub fn remote_for(&self, address: &str, port: u32) -> Option<mpsc::Sender<IncomingForward>> {
        let remote = self.lock();
        remote
            .get(&(address.to_owned(), port))
            .or_else(|| {
                // Servers report the address as requested; some normalise the wildcard.
                remote
                    .iter()
                    .find(|((_, p), _)| *p == port)
                    .map(|(_, to)| to)
                    .filter(|_| matches!(address, "" | "0.0.0.0" | "::" | "*" | "localhost"))
            })
            .cloned()
    }

    pub fn agent_asked(&self) -> bool {
        self.agent.load(Ordering::SeqCst)
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<(String, u32), mpsc::Sender<IncomingForward>>> {
        self.remote.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_ports_asked_for_are_let_in() {
        let solicited = Solicited::default();
        let (to, _incoming) = mpsc::channel(1);
        assert!(solicited.remote_for("127.0.0.1", 2222).is_none());
        solicited.add_remote("127.0.0.1", 2222, to);
        assert!(solicited.remote_for("127.0.0.1", 2222).is_some());
        assert!(solicited.remote_for("127.0.0.1", 2223).is_none());
        assert!(solicited.remote_for("10.0.0.1", 2222).is_none());
        // A server that reports the wildcard for an address it normalised.
        assert!(solicited.remote_for("0.0.0.0", 2222).is_some());
        solicited.remove_remote("127.0.0.1", 2222);
        assert!(solicited.remote_for("127.0.0.1", 2222).is_none());
        assert!(!solicited.agent_asked());
    }
}
