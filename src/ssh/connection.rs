//! One authenticated SSH connection. It is a cheap cloneable handle: every tab on the connection
//! holds a clone and opens its own session channel on the shared russh handle.

use std::sync::Arc;
use std::time::Duration;

use russh::client;
use tokio::sync::watch;

use super::activity::Activity;
use super::auth::{self, AuthPlan};
use super::channel::{
    ChannelCommands, ChannelEvent, OpenedSession, SessionChannel, command_queue, event_of,
};
use super::error::{SshError, channel_open_failure_text};
use super::handler::{ClientHandler, Negotiated, Shared};
use super::host_key_order;
use super::link::{LinkState, LossCause};
use super::machine_time::{Asking, within};
use super::observed_stream::{ObservedStream, ServerVersion};
use super::options::{ConnectOptions, SessionRequest, home_dir};
use super::prompt::Prompter;
use super::tcp::{self, SocketControl};

/// How long logging in may take, not counting time waiting for the person's answers (a
/// server that never answers an authentication request must not keep a tab waiting forever).
pub const AUTH_TIMEOUT: Duration = Duration::from_secs(60);
/// How long opening a session channel and starting its pty and shell may take.
pub const CHANNEL_SETUP_TIMEOUT: Duration = Duration::from_secs(30);

/// Room for a few of the largest packets russh accepts (32 KiB each by default).
const READ_BUFFER_BYTES: usize = 128 * 1024;

#[derive(Clone)]
pub struct Connection {
    inner: Arc<Inner>,
}

/// What the connection inspector shows about a connection, settled when it was made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionDetails {
    /// The server's address as connected to (`192.0.2.7:22`).
    pub address: String,
    /// Its identification line (`SSH-2.0-OpenSSH_9.2p1 Debian-2`), escaped.
    pub server_version: Option<String>,
    pub negotiated: Negotiated,
    /// How the login succeeded (`key /home/me/.ssh/id_ed25519`, `password`, ...).
    pub auth_method: String,
}

struct Inner {
    handle: client::Handle<ClientHandler>,
    activity: Arc<Activity>,
    shared: Arc<Shared>,
    socket: Option<SocketControl>,
    host_port: String,
    user: String,
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
    /// Connects, verifies the host key and authenticates. The TCP connect and key exchange
    /// are bounded by `connect_timeout`, logging in by [`AUTH_TIMEOUT`], each without the time
    /// a question waits for the person.
    pub async fn connect(
        options: &ConnectOptions,
        prompter: Arc<dyn Prompter>,
    ) -> Result<Self, SshError> {
        let prompter = Asking::new(prompter);
        let mut asking = prompter.watch();
        let stream = tcp::connect(&options.host, options.port, options.connect_timeout).await?;
        let address = stream
            .peer_addr()
            .map(|address| address.to_string())
            .unwrap_or_default();
        let socket = SocketControl::for_stream(&stream).ok();
        if let Some(socket) = &socket {
            // Best effort: a platform without these options still gets a working session.
            let _ = socket.apply_keepalive(&options.tcp_keepalive, options.anti_idle);
        }

        let shared = Shared::new();
        let handler = ClientHandler {
            host: options.host.clone(),
            port: options.port,
            known_hosts: options.known_hosts.clone(),
            system_known_hosts: options.system_known_hosts.clone(),
            pinned_host_key: options.pinned_host_key.clone(),
            prompter: Arc::clone(&prompter) as Arc<dyn Prompter>,
            shared: Arc::clone(&shared),
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
        let stream = ObservedStream::new(
            stream,
            Arc::clone(&activity),
            Arc::clone(&shared.link),
            Arc::clone(&version),
        );
        // russh reads each packet's 4-byte length and then its body with separate reads; from
        // a buffer those are memory copies instead of two or three system calls per packet
        // (an output flood arrives in packets of about 4 KB).
        let stream = tokio::io::BufReader::with_capacity(READ_BUFFER_BYTES, stream);
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
        let details = ConnectionDetails {
            address,
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
                host_port,
                user: options.user.clone(),
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
    }

    /// Opens a session channel, asks for a pty and starts the shell or command, with its
    /// events in a queue. A refusal carries the server's reason and description.
    pub async fn open_session(&self, request: &SessionRequest) -> Result<SessionChannel, SshError> {
        let (handle, commands) = command_queue();
        let session = self.set_up_session(request, commands).await?;
        let (event_tx, events) = tokio::sync::mpsc::unbounded_channel();
        session.start(event_tx);
        Ok(SessionChannel { handle, events })
    }

    /// Like [`Self::open_session`], but nothing reads the channel until the caller starts it
    /// with its own [`super::EventSink`]; it takes its commands from `commands`, whose handle
    /// the caller already has.
    pub async fn set_up_session(
        &self,
        request: &SessionRequest,
        commands: ChannelCommands,
    ) -> Result<OpenedSession, SshError> {
        tokio::time::timeout(
            CHANNEL_SETUP_TIMEOUT,
            self.set_up_session_unbounded(request, commands),
        )
        .await
        .map_err(|_| SshError::ChannelSetupTimedOut {
            host_port: self.inner.host_port.clone(),
            after: CHANNEL_SETUP_TIMEOUT,
        })?
    }

    async fn set_up_session_unbounded(
        &self,
        request: &SessionRequest,
        commands: ChannelCommands,
    ) -> Result<OpenedSession, SshError> {
        let mut channel = match self.inner.handle.channel_open_session().await {
            Ok(channel) => channel,
            Err(russh::Error::ChannelOpenFailure(failure)) => {
                let (code, reason) = channel_open_failure_text(&failure);
                let description = self
                    .inner
                    .shared
                    .last_open_failure
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .take()
                    .unwrap_or_default();
                return Err(SshError::ChannelRefused {
                    code,
                    reason,
                    description,
                });
            }
            Err(other) => return Err(self.lost_or(other)),
        };

        let mut replies_expected = 1;
        if let Some(pty) = &request.pty {
            channel
                .request_pty(
                    true,
                    &pty.term,
                    u32::from(pty.cols),
                    u32::from(pty.rows),
                    0,
                    0,
                    &[],
                )
                .await
                .map_err(|e| self.lost_or(e))?;
            replies_expected += 1;
        }
        match &request.command {
            Some(command) => channel.exec(true, command.as_bytes()).await,
            None => channel.request_shell(true).await,
        }
        .map_err(|e| self.lost_or(e))?;

        // Replies come in request order. A refused pty is survivable (OpenSSH warns and goes
        // on); a refused shell or command is not.
        let mut early = Vec::new();
        let mut replies = 0;
        while replies < replies_expected {
            let Some(message) = channel.wait().await else {
                return Err(self.lost_or(russh::Error::Disconnect));
            };
            match message {
                russh::ChannelMsg::Success => replies += 1,
                russh::ChannelMsg::Failure => {
                    replies += 1;
                    if replies == replies_expected {
                        let _ = channel.close().await;
                        return Err(SshError::Other(format!(
                            "{} refused to start {}",
                            self.inner.host_port,
                            request.command.as_deref().unwrap_or("a shell")
                        )));
                    }
                    tracing::warn!("pty request refused by {}", self.inner.host_port);
                }
                other => {
                    if let Some(event) = event_of(other) {
                        let closed = event == ChannelEvent::Closed;
                        early.push(event);
                        if closed {
                            break;
                        }
                    }
                }
            }
        }
        Ok(OpenedSession::new(
            channel,
            early,
            Arc::clone(&self.inner.shared.link),
            commands,
        ))
    }

    /// The reason the connection was lost if it was, else the error itself.
    fn lost_or(&self, error: russh::Error) -> SshError {
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
