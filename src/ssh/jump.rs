//! Making a connection, through jump hosts when its route has them. Hop connections are
//! shared: every connection through the same chain of hops rides the same hop connections
//! (ten tabs on three servers behind one bastion are one bastion login). A hop connection
//! lives while a connection through it does, and closes after the last. A hop is itself a
//! connection made here, which is why making connections and keeping hops live together.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};

use super::connection::Connection;
use super::error::SshError;
use super::link::LinkState;
use super::options::{ConnectOptions, Route};
use super::prompt::Prompter;
use super::route::{self, Opened};
use super::upstream::{HopChannels, Upstream};

/// A logged-in jump host, kept open by the connections it carries.
pub struct HopConnection {
    pub connection: Connection,
    /// `user@host:port`, and the hops before it: how the hop is named in words.
    pub name: String,
    /// Connections it carries now, one `direct-tcpip` channel each.
    carried: Arc<AtomicUsize>,
}

/// A connection carried by a hop: it keeps the hop open and counted while it lives.
struct Carried {
    pub hop: Arc<HopConnection>,
}

impl Carried {
    fn new(hop: Arc<HopConnection>) -> Self {
        hop.carried.fetch_add(1, Ordering::Relaxed);
        Self { hop }
    }

    /// What the connection it carries keeps: the hop open, and how it sees it.
    fn into_upstream(self) -> Upstream {
        let name = self.hop.name.clone();
        let link = self.hop.connection.link();
        let channels = HopChannels::counted_by(Arc::clone(&self.hop.carried));
        Upstream::new(name, link, channels, self)
    }
}

impl Drop for Carried {
    fn drop(&mut self) {
        self.hop.carried.fetch_sub(1, Ordering::Relaxed);
    }
}

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

impl Connection {
    /// Connects, verifies the host key and authenticates. The TCP connect and key exchange
    /// are bounded by `connect_timeout`, logging in by [`super::connection::AUTH_TIMEOUT`],
    /// each without the time a question waits for the person. Jump hosts are made for this
    /// connection alone.
    pub async fn connect(
        options: &ConnectOptions,
        prompter: Arc<dyn Prompter>,
    ) -> Result<Self, SshError> {
        Self::connect_shared(options, prompter, &JumpHosts::default()).await
    }

    /// Like [`Self::connect`], through the jump host connections of `jumps`, shared with
    /// every other connection made through them.
    pub async fn connect_shared(
        options: &ConnectOptions,
        prompter: Arc<dyn Prompter>,
        jumps: &JumpHosts,
    ) -> Result<Self, SshError> {
        let opened = jumps.open_stream(options, &prompter).await?;
        Self::over(options, prompter, opened).await
    }
}

impl JumpHosts {
    /// The stream `options.route` says: a `direct-tcpip` channel of the last jump host
    /// when there are any, else a TCP connection or a proxy command.
    async fn open_stream(
        &self,
        options: &ConnectOptions,
        prompter: &Arc<dyn Prompter>,
    ) -> Result<Opened, SshError> {
        match &options.route {
            Route::Direct => route::direct(options).await,
            Route::ProxyCommand(command) => route::proxy_command(command, options),
            Route::Jump(chain) => {
                let hop = self.hop(chain, prompter).await?;
                let stream = hop
                    .connection
                    .open_direct_tcpip(&options.host, options.port)
                    .await?;
                Ok(Opened {
                    stream: Box::new(stream),
                    address: options.host_port(),
                    socket: None,
                    upstream: Some(Carried::new(hop).into_upstream()),
                    child: None,
                })
            }
        }
    }

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
