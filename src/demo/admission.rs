//! Who gets a connection to the demo server, and for how long without logging in: a cap on
//! connections not yet authenticated (like sshd's MaxStartups), a cap on all connections, and
//! a login grace time (like sshd's LoginGraceTime). Without them anyone able to reach the
//! loopback port could hold connections open forever, each with its own task and buffers.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::watch;

/// Counts the connections of one server.
#[derive(Debug)]
pub struct Admission {
    max_unauthenticated: usize,
    max_connections: usize,
    unauthenticated: AtomicUsize,
    connections: AtomicUsize,
}

/// Why a connection was turned away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    TooManyUnauthenticated,
    TooManyConnections,
}

impl Admission {
    pub fn new(max_unauthenticated: usize, max_connections: usize) -> Arc<Self> {
        Arc::new(Self {
            max_unauthenticated,
            max_connections,
            unauthenticated: AtomicUsize::new(0),
            connections: AtomicUsize::new(0),
        })
    }

    /// A ticket for one new connection, or why there is none. The accept loop is the only
    /// caller, so checking and then counting cannot race with another admission.
    pub fn admit(self: &Arc<Self>) -> Result<Ticket, Refusal> {
        if self.connections.load(Ordering::SeqCst) >= self.max_connections {
            return Err(Refusal::TooManyConnections);
        }
        if self.unauthenticated.load(Ordering::SeqCst) >= self.max_unauthenticated {
            return Err(Refusal::TooManyUnauthenticated);
        }
        self.connections.fetch_add(1, Ordering::SeqCst);
        self.unauthenticated.fetch_add(1, Ordering::SeqCst);
        Ok(Ticket {
            admission: Arc::clone(self),
            authenticated: watch::Sender::new(false),
        })
    }
}

/// One admitted connection. It counts as unauthenticated until [`Ticket::authenticated`], and
/// as a connection until dropped.
#[derive(Debug)]
pub struct Ticket {
    admission: Arc<Admission>,
    authenticated: watch::Sender<bool>,
}

impl Ticket {
    /// The client logged in: its unauthenticated slot is free for the next one.
    pub fn authenticated(&self) {
        let was = self.authenticated.send_replace(true);
        if !was {
            self.admission
                .unauthenticated
                .fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Resolves when `grace` has passed without a login; never once logged in.
    pub fn login_grace_expired(&self, grace: Duration) -> impl Future<Output = ()> + use<> {
        let mut authenticated = self.authenticated.subscribe();
        async move {
            let logged_in = async { authenticated.wait_for(|done| *done).await.is_ok() };
            if tokio::time::timeout(grace, logged_in).await.is_ok() {
                // Logged in (or the ticket is gone with its connection): never expires.
                std::future::pending::<()>().await;
            }
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if !*self.authenticated.borrow() {
            self.admission
                .unauthenticated
                .fetch_sub(1, Ordering::SeqCst);
        }
        self.admission.connections.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unauthenticated_slots_free_up_on_login_and_drop() {
        let admission = Admission::new(2, 3);
        let first = admission.admit().expect("first");
        let second = admission.admit().expect("second");
        assert_eq!(
            admission.admit().err(),
            Some(Refusal::TooManyUnauthenticated)
        );
        first.authenticated();
        first.authenticated(); // twice counts once
        let third = admission.admit().expect("a slot freed by the login");
        assert_eq!(admission.admit().err(), Some(Refusal::TooManyConnections));
        drop(second);
        let fourth = admission.admit().expect("a slot freed by the drop");
        drop((first, third, fourth));
        assert_eq!(admission.connections.load(Ordering::SeqCst), 0);
        assert_eq!(admission.unauthenticated.load(Ordering::SeqCst), 0);
    }
}
