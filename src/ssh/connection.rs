//! One authenticated SSH connection. It is a cheap cloneable handle: every tab on the connection
//! holds a clone and opens its own session channel on the shared russh handle.

use std::sync::Arc;
use std::time::Duration;

use russh::client;
use tokio::sync::watch;

use super::activity::Activity;
use super::auth::{self, AuthPlan};
use super::error::{SshError, channel_open_failure_text};
use super::handler::{ClientHandler, Negotiated, Shared};
use super::host_key_order;
use super::link::{LinkState, LossCause};
use super::machine_time::{Asking, within};
use super::observed_stream::Cut;
use super::observed_stream::{ObservedStream, ServerVersion};
use super::options::{ConnectOptions, home_dir};
use super::prompt::Prompter;
use super::proxy_command::ProxyChild;
use super::route::Opened;
use super::tcp::SocketControl;
use super::upstream::{HopChannels, Upstream};
use super::yielding_stream::{YIELD_AFTER_BYTES, YieldingStream};

/// How long logging in may take, not counting time waiting for the person's answers (a
/// server that never answers an authentication request must not keep a tab waiting forever).
pub const AUTH_TIMEOUT: Duration = Duration::from_secs(60);
/// How long opening a session channel and starting its pty and shell may take.
pub const CHANNEL_SETUP_TIMEOUT: Duration = Duration::from_secs(30);

/// Room for a few of the largest packets russh accepts (32 KiB each by default).
const READ_BUFFER_BYTES: usize = 128 * 1024;

#[derive(Clone)]
pub struct Connection {
    pub(super) inner: Arc<Inner>,
}

/// What the connection inspector shows about a connection, settled when it was made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionDetails {
    /// The server's address as connected to (`192.0.2.7:22`).
    pub address: String,
    /// The jump hosts it was reached through (`me@bastion:22`), when there are any.
    pub via: Option<String>,
    /// The channels the last of them carries now (this connection's among them).
    pub hop_channels: HopChannels,
    /// Its identification line (`SSH-2.0-OpenSSH_9.2p1 Debian-2`), escaped.
    pub server_version: Option<String>,
    pub negotiated: Negotiated,
    /// How the login succeeded (`key /home/me/.ssh/id_ed25519`, `password`, ...).
    pub auth_method: String,
}

pub(super) struct Inner {
    pub(super) handle: client::Handle<ClientHandler>,
    activity: Arc<Activity>,
    pub(super) shared: Arc<Shared>,
    socket: Option<SocketControl>,
    /// Ends a stream that is not a socket at once (see `kill`).
    cut: Option<Arc<Cut>>,
    /// The jump host carrying this connection, kept open while it lives.
    _upstream: Option<Upstream>,
    /// The proxy command carrying it, killed when it ends.
    child: Option<ProxyChild>,
    pub(super) host_port: String,
    pub(super) user: String,
    /// Every session asks the server for agent forwarding.
    pub(super) forward_agent: bool,
    details: ConnectionDetails,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("user", &self.inner.user)
            .field("host_port", &self.inner.host_port)
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// Speaks SSH over `opened` (made as `options.route` says): verifies the host key and
    /// authenticates, each bounded as [`Self::connect`] says. A proxy command's own words
    /// explain a failure when it printed any.
    pub(crate) async fn over(
        options: &ConnectOptions,
        prompter: Arc<dyn Prompter>,
        mut opened: Opened,
    ) -> Result<Self, SshError> {
        let mut child = opened.child.take();
        match Self::handshake(options, prompter, opened).await {
            Ok(mut connection) => {
                if let Some(inner) = Arc::get_mut(&mut connection.inner) {
                    inner.child = child;
                }
                Ok(connection)
            }
            Err(error) => match child.as_mut() {
                Some(child) => Err(child.explain(error).await),
                None => Err(error),
            },
        }
    }

    async fn handshake(
        options: &ConnectOptions,
        prompter: Arc<dyn Prompter>,
        opened: Opened,
    ) -> Result<Self, SshError> {
        let prompter = Asking::new(prompter);
        let mut asking = prompter.watch();
        let Opened {
            stream,
            address,
            socket,
            upstream,
            child: _,
        } = opened;

        let shared = Shared::new();
        let handler = ClientHandler {
            host: options.host.clone(),
            port: options.port,
            known_hosts: options.known_hosts.clone(),
            system_known_hosts: options.system_known_hosts.clone(),
            pinned_host_key: options.pinned_host_key.clone(),
            prompter: Arc::clone(&prompter) as Arc<dyn Prompter>,
            shared: Arc::clone(&shared),
            agent_socket: options
                .forward_agent
                .then(|| options.agent_socket.clone())
                .flatten(),
        };
        let config = Arc::new(client::Config {
            // Anti-idle runs its own adjustable task; russh's fixed keepalive stays off.
            keepalive_interval: None,
            inactivity_timeout: None,
            nodelay: true,
            preferred: host_key_order::preferred(options),
            ..Default::default()
        });
        let host_port = options.host_port();
        let activity = Arc::new(Activity::default());
        let version = Arc::new(ServerVersion::default());
        let mut stream = ObservedStream::new(
            stream,
            Arc::clone(&activity),
            Arc::clone(&shared.link),
            Arc::clone(&version),
        );
        let cut = socket.is_none().then(|| Arc::new(Cut::default()));
        if let Some(cut) = &cut {
            stream = stream.with_cut(Arc::clone(cut));
        }
        if let Some(upstream) = &upstream {
            stream = stream.carried_by(upstream.name.clone(), Arc::clone(&upstream.link));
        }
        // russh reads each packet's 4-byte length and then its body with separate reads; from
        // a buffer those are memory copies instead of two or three system calls per packet
        // (an output flood arrives in packets of about 4 KB).
        let stream = tokio::io::BufReader::with_capacity(READ_BUFFER_BYTES, stream);
        let stream = YieldingStream::new(stream, YIELD_AFTER_BYTES);
        let mut handle = within(
            options.connect_timeout,
            &mut asking,
            client::connect_stream(config, stream, handler),
        )
        .await
        .ok_or_else(|| SshError::ConnectTimedOut {
            addr: host_port.clone(),
            after: options.connect_timeout,
        })??;

        let plan = AuthPlan {
            user: &options.user,
            host_port: &host_port,
            methods: &options.auth,
            agent_socket: options.agent_socket.as_deref(),
            client_key: options.client_key.clone(),
            key_files: auth::key_files(options.identity_file.as_deref(), home_dir().as_deref()),
            certificate_file: options.certificate_file.clone(),
        };
        let auth_method = within(
            AUTH_TIMEOUT,
            &mut asking,
            auth::authenticate(&mut handle, &plan, prompter.as_ref()),
        )
        .await
        .ok_or_else(|| SshError::AuthTimedOut {
            host_port: host_port.clone(),
            after: AUTH_TIMEOUT,
        })??;
        let via = upstream.as_ref().map(|upstream| upstream.name.clone());
        let hop_channels = upstream
            .as_ref()
            .map(|upstream| upstream.channels.clone())
            .unwrap_or_default();
        let details = ConnectionDetails {
            address,
            via,
            hop_channels,
            server_version: version.get(),
            negotiated: shared
                .negotiated
                .lock()
                .map(|n| n.clone())
                .unwrap_or_default(),
            auth_method,
        };
        Ok(Self {
            inner: Arc::new(Inner {
                handle,
                activity,
                shared,
                socket,
                cut,
                _upstream: upstream,
                child: None,
                host_port,
                user: options.user.clone(),
                forward_agent: options.forward_agent && options.agent_socket.is_some(),
                details,
            }),
        })
    }

    pub fn host_port(&self) -> &str {
        &self.inner.host_port
    }

    pub fn user(&self) -> &str {
        &self.inner.user
    }

    /// Follows the connection's state; changes to `Lost` with the cause when it ends.
    pub fn link_state(&self) -> watch::Receiver<LinkState> {
        self.inner.shared.link.subscribe()
    }

    /// The algorithms, server and login of this connection.
    pub fn details(&self) -> &ConnectionDetails {
        &self.inner.details
    }

    pub fn is_closed(&self) -> bool {
        self.inner.handle.is_closed()
    }

    pub fn socket(&self) -> Option<&SocketControl> {
        self.inner.socket.as_ref()
    }

    /// When this connection last carried traffic.
    pub fn activity(&self) -> Arc<Activity> {
        Arc::clone(&self.inner.activity)
    }

    /// Sends a global request and, with `want_reply`, waits for the answer. A refusal
    /// (REQUEST_FAILURE) is an answer too: what anti-idle needs is that the peer replied.
    pub async fn global_request(&self, name: &str, want_reply: bool) -> Result<(), SshError> {
        match self
            .inner
            .handle
            .send_global_request(name, &[], want_reply)
            .await
        {
            Ok(_) | Err(russh::Error::RequestDenied) => Ok(()),
            Err(error) => Err(self.lost_or(error)),
        }
    }

    /// Drops the connection at once for `cause`, without waiting on a peer that may never
    /// answer: shutting the socket ends russh's session loop, which closes every channel.
    pub fn kill(&self, cause: LossCause) {
        self.inner.shared.link.lost(cause);
        if let Some(socket) = &self.inner.socket {
            socket.shutdown();
        }
        if let Some(cut) = &self.inner.cut {
            cut.cut();
        }
    }

    /// The host key this connection checked, to pin for another connection to the same
    /// server (the forwards'), which then asks nothing about it.
    pub fn host_key(&self) -> Option<russh::keys::PublicKey> {
        self.inner
            .shared
            .server_key
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The link's state now.
    pub fn link_state_now(&self) -> LinkState {
        self.inner.shared.link.state()
    }

    pub(crate) fn link(&self) -> Arc<super::link::Link> {
        Arc::clone(&self.inner.shared.link)
    }

    /// Opens a `direct-tcpip` channel to `host:port` as the server sees it, as a byte stream
    /// (a jump to the next hop, a local forward's connection).
    pub async fn open_direct_tcpip(
        &self,
        host: &str,
        port: u16,
    ) -> Result<russh::ChannelStream<client::Msg>, SshError> {
        let opening =
            self.inner
                .handle
                .channel_open_direct_tcpip(host, u32::from(port), "127.0.0.1", 0);
        let channel = tokio::time::timeout(CHANNEL_SETUP_TIMEOUT, opening)
            .await
            .map_err(|_| SshError::ChannelSetupTimedOut {
                host_port: self.inner.host_port.clone(),
                after: CHANNEL_SETUP_TIMEOUT,
            })?;
        match channel {
            Ok(channel) => Ok(channel.into_stream()),
            Err(russh::Error::ChannelOpenFailure(failure)) => {
                let (code, reason) = channel_open_failure_text(&failure);
                let description = self.take_open_failure_description();
                Err(SshError::TcpRefused {
                    server: format!("{}@{}", self.inner.user, self.inner.host_port),
                    target: super::known_hosts::host_port_name(host, port),
                    code,
                    why: if description.is_empty() {
                        reason
                    } else {
                        format!("{reason} ({description})")
                    },
                })
            }
            Err(other) => Err(self.lost_or(other)),
        }
    }

    /// Asks the server to listen on `address:port` (`-R`; port 0: the server chooses) and
    /// open a `forwarded-tcpip` channel for each connection to it. Returns the port bound and
    /// the connections as they come; they are refused once the receiver is dropped.
    pub async fn request_remote_forward(
        &self,
        address: &str,
        port: u16,
    ) -> Result<(u16, tokio::sync::mpsc::Receiver<super::IncomingForward>), SshError> {
        let (to, incoming) = tokio::sync::mpsc::channel(super::server_opens::INCOMING_QUEUE);
        let solicited = &self.inner.shared.solicited;
        // Recorded before asking: the first connection may arrive before the reply is read.
        if port != 0 {
            solicited.add_remote(address, u32::from(port), to.clone());
        }
        match self
            .inner
            .handle
            .tcpip_forward(address, u32::from(port))
            .await
        {
            Ok(bound) => {
                let bound = if bound == 0 {
                    port
                } else {
                    u16::try_from(bound).unwrap_or(port)
                };
                solicited.add_remote(address, u32::from(bound), to);
                Ok((bound, incoming))
            }
            Err(russh::Error::RequestDenied) => {
                solicited.remove_remote(address, u32::from(port));
                Err(SshError::RemoteForwardRefused {
                    server: format!("{}@{}", self.inner.user, self.inner.host_port),
                    listen: super::known_hosts::host_port_name(address, port),
                })
            }
            Err(other) => Err(self.lost_or(other)),
        }
    }

    /// Stops the server listening for the remote forward on `address:port`.
    pub async fn cancel_remote_forward(&self, address: &str, port: u16) {
        self.inner
            .shared
            .solicited
            .remove_remote(address, u32::from(port));
        let _ = self
            .inner
            .handle
            .cancel_tcpip_forward(address, u32::from(port))
            .await;
    }

    /// The description the server gave with its last channel-open refusal.
    pub(super) fn take_open_failure_description(&self) -> String {
        self.inner
            .shared
            .last_open_failure
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
            .unwrap_or_default()
    }

    /// The reason the connection was lost if it was, else the error itself.
    pub(super) fn lost_or(&self, error: russh::Error) -> SshError {
        match self.inner.shared.link.state() {
            LinkState::Lost(cause) => SshError::ConnectionLost {
                reason: cause.to_string(),
            },
            LinkState::Up | LinkState::Closed => error.into(),
        }
    }

    /// Ends the connection politely.
    pub async fn disconnect(&self) {
        self.inner.shared.link.closed();
        let _ = self
            .inner
            .handle
            .disconnect(russh::Disconnect::ByApplication, "", "en")
            .await;
    }
}
