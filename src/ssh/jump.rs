//! Jump host connections, shared: every connection through the same chain of hops rides the
//! same hop connections (ten tabs on three servers behind one bastion are one bastion login).
//! A hop connection lives while a connection through it does, and closes after the last.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};

use super::connection::Connection;
use super::error::SshError;
use super::link::LinkState;
use super::options::ConnectOptions;
use super::prompt::Prompter;
use super::route::Route;

/// A logged-in jump host, kept open by the connections it carries.
pub struct HopConnection {
    pub connection: Connection,
    /// `user@host:port`, and the hops before it: how the hop is named in words.
    pub name: String,
    /// Connections it carries now, one `direct-tcpip` channel each.
    carried: Arc<AtomicUsize>,
}

/// A connection carried by a hop: it keeps the hop open and counted while it lives.
pub(crate) struct Carried {
    pub hop: Arc<HopConnection>,
}

impl Carried {
    pub fn new(hop: Arc<HopConnection>) -> Self {
        hop.carried.fetch_add(1, Ordering::Relaxed);
        Self { hop }
    }

    pub fn count(&self) -> HopChannels {
        HopChannels(Some(Arc::clone(&self.hop.carried)))
    }
}

impl Drop for Carried {
    fn drop(&mut self) {
        self.hop.carried.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The channels a connection's jump host carries now, read when the inspector is drawn: the
/// budget they use on the hop (dropbear counts every channel against its 1000 per
/// connection; sshd does not count them as sessions).
#[derive(Debug, Clone, Default)]
pub struct HopChannels(Option<Arc<AtomicUsize>>);

impl HopChannels {
    pub fn get(&self) -> Option<usize> {
        self.0.as_ref().map(|count| count.load(Ordering::Relaxed))
    }
}

impl PartialEq for HopChannels {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

impl Eq for HopChannels {}

impl Drop for HopConnection {
    fn drop(&mut self) {
        // The last connection through the hop is gone: log out of it.
        let connection = self.connection.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { connection.disconnect().await });
        }
    }
}

type Slot = Arc<tokio::sync::Mutex<Weak<HopConnection>>>;

/// The hop connections of one process (or one command), by chain. Cheap to clone.
#[derive(Clone, Default)]
pub struct JumpHosts {
    slots: Arc<Mutex<HashMap<String, Slot>>>,
}

impl std::fmt::Debug for JumpHosts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JumpHosts").finish_non_exhaustive()
    }
}

impl JumpHosts {
    /// The connection to the last hop of `chain` (outermost first), made through the ones
    /// before it unless one that is up already exists. Two connections asking at once share
    /// one login: the second waits for the first.
    pub(crate) fn hop<'a>(
        &'a self,
        chain: &'a [ConnectOptions],
        prompter: &'a Arc<dyn Prompter>,
    ) -> Pin<Box<dyn Future<Output = Result<Arc<HopConnection>, SshError>> + Send + 'a>> {
        Box::pin(async move {
            let Some((last, before)) = chain.split_last() else {
                return Err(SshError::Other("an empty chain of jump hosts".to_owned()));
            };
            let name = chain_name(chain);
            let slot = {
                let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
                slots.retain(|_, slot| Arc::strong_count(slot) > 1 || slot_is_live(slot));
                Arc::clone(slots.entry(name.clone()).or_default())
            };
            let mut kept = slot.lock().await;
            if let Some(hop) = kept.upgrade()
                && hop.connection.link_state_now() == LinkState::Up
            {
                return Ok(hop);
            }
            let mut options = last.clone();
            if !before.is_empty() {
                options.route = Route::Jump(before.to_vec());
            }
            let connection =
                Connection::connect_shared(&options, Arc::clone(prompter), self).await?;
            let hop = Arc::new(HopConnection {
                connection,
                name,
                carried: Arc::default(),
            });
            *kept = Arc::downgrade(&hop);
            Ok(hop)
        })
    }
}

/// Whether a slot nobody waits on still holds a hop connection.
fn slot_is_live(slot: &Slot) -> bool {
    slot.try_lock()
        .map(|kept| kept.strong_count() > 0)
        .unwrap_or(true)
}

/// `user@bastion:22` for one hop; `user@outer:22 > user@inner:22` for a chain.
fn chain_name(chain: &[ConnectOptions]) -> String {
    chain
        .iter()
        .map(|hop| format!("{}@{}", hop.user, hop.host_port()))
        .collect::<Vec<_>>()
        .join(" > ")
}
