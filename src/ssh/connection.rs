//! One authenticated SSH connection. It is a cheap cloneable handle: every tab on the connection
//! holds a clone and opens its own session channel on the shared russh handle.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use russh::client;
use russh::keys::{PrivateKey, PublicKey};
use tokio::sync::watch;

use super::activity::Activity;
use super::auth::{self, AuthPlan};
use super::channel::{
    ChannelCommands, ChannelEvent, OpenedSession, SessionChannel, command_queue, event_of,
};
use super::error::{SshError, channel_open_failure_text};
use super::handler::{ClientHandler, LinkState, Shared};
use super::host_key_order;
use super::known_hosts::{SYSTEM_KNOWN_HOSTS, host_port_name};
use super::prompt::Prompter;
use super::tcp::{self, SocketControl};
use crate::profiles::{AuthMethod, Profile, TcpKeepalive};

/// Everything needed to reach and log in to a server.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub auth: Vec<AuthMethod>,
    pub identity_file: Option<PathBuf>,
    /// An OpenSSH user certificate (`CertificateFile`); `<key>-cert.pub` files are offered
    /// without it.
    pub certificate_file: Option<PathBuf>,
    pub known_hosts: PathBuf,
    /// The system-wide known_hosts, read after `known_hosts`; `None` reads none.
    pub system_known_hosts: Option<PathBuf>,
    /// ssh-agent socket; from `SSH_AUTH_SOCK` by default.
    pub agent_socket: Option<PathBuf>,
    /// A key held only in memory, tried before key files (the demo server's client key).
    pub client_key: Option<Arc<PrivateKey>>,
    /// Trust exactly this host key instead of consulting known_hosts (the demo server, whose
    /// key is made fresh at every start).
    pub pinned_host_key: Option<PublicKey>,
    pub tcp_keepalive: TcpKeepalive,
    /// The profile's anti-idle master switch; TCP keepalive is one of its modes.
    pub anti_idle: bool,
    pub connect_timeout: Duration,
}

impl ConnectOptions {
    pub fn from_profile(profile: &Profile) -> Self {
        Self {
            host: profile.host.clone(),
            port: profile.port,
            user: profile.effective_user(),
            auth: profile.auth.clone(),
            identity_file: profile.identity_file.as_deref().map(expand_tilde),
            certificate_file: profile.certificate_file.as_deref().map(expand_tilde),
            known_hosts: profile
                .known_hosts_file
                .as_deref()
                .map(expand_tilde)
                .unwrap_or_else(default_known_hosts),
            system_known_hosts: Some(PathBuf::from(SYSTEM_KNOWN_HOSTS)),
            agent_socket: std::env::var_os("SSH_AUTH_SOCK").map(PathBuf::from),
            client_key: None,
            pinned_host_key: None,
            tcp_keepalive: profile.anti_idle.tcp.clone(),
            anti_idle: profile.anti_idle.enabled,
            connect_timeout: tcp::CONNECT_TIMEOUT,
        }
    }

    pub fn host_port(&self) -> String {
        host_port_name(&self.host, self.port)
    }
}

fn home_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|dirs| dirs.home_dir().to_owned())
}

/// `~/.ssh/known_hosts`, as OpenSSH uses.
pub fn default_known_hosts() -> PathBuf {
    home_dir()
        .unwrap_or_default()
        .join(".ssh")
        .join("known_hosts")
}

pub fn expand_tilde(path: &std::path::Path) -> PathBuf {
    match (path.strip_prefix("~"), home_dir()) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_owned(),
    }
}

/// A pseudo-terminal for a session channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PtyRequest {
    pub term: String,
    pub cols: u16,
    pub rows: u16,
}

/// What to run on a new session channel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionRequest {
    pub pty: Option<PtyRequest>,
    /// `None` starts the login shell.
    pub command: Option<String>,
}

/// Room for a few of the largest packets russh accepts (32 KiB each by default).
const READ_BUFFER_BYTES: usize = 128 * 1024;

#[derive(Clone)]
pub struct Connection {
    inner: Arc<Inner>,
}

struct Inner {
    handle: client::Handle<ClientHandler>,
    activity: Arc<Activity>,
    shared: Arc<Shared>,
    socket: Option<SocketControl>,
    host_port: String,
    user: String,
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
    /// Connects, verifies the host key and authenticates.
    pub async fn connect(
        options: &ConnectOptions,
        prompter: Arc<dyn Prompter>,
    ) -> Result<Self, SshError> {
        let stream = tcp::connect(&options.host, options.port, options.connect_timeout).await?;
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
            prompter: Arc::clone(&prompter),
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
        // russh reads each packet's 4-byte length and then its body with separate reads; from
        // a buffer those are memory copies instead of two or three system calls per packet
        // (an output flood arrives in packets of about 4 KB).
        let stream = tokio::io::BufReader::with_capacity(READ_BUFFER_BYTES, stream);
        let mut handle = tokio::time::timeout(
            options.connect_timeout,
            client::connect_stream(config, stream, handler),
        )
        .await
        .map_err(|_| SshError::ConnectTimedOut {
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
        auth::authenticate(&mut handle, &plan, prompter.as_ref()).await?;

        Ok(Self {
            inner: Arc::new(Inner {
                handle,
                activity: Arc::new(Activity::default()),
                shared,
                socket,
                host_port,
                user: options.user.clone(),
            }),
        })
    }

    pub fn host_port(&self) -> &str {
        &self.inner.host_port
    }

    pub fn user(&self) -> &str {
        &self.inner.user
    }

    /// Follows the connection's state; changes to `Lost` with the reason when it ends.
    pub fn link_state(&self) -> watch::Receiver<LinkState> {
        self.inner.shared.link.subscribe()
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
        self.inner.activity.sent();
        match self
            .inner
            .handle
            .send_global_request(name, &[], want_reply)
            .await
        {
            Ok(_) | Err(russh::Error::RequestDenied) => {
                if want_reply {
                    self.inner.activity.received();
                }
                Ok(())
            }
            Err(error) => Err(self.lost_or(error)),
        }
    }

    /// Drops the connection at once, without waiting on a peer that may never answer:
    /// shutting the socket ends russh's session loop, which closes every channel.
    pub fn kill(&self) {
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
            Arc::clone(&self.inner.activity),
            commands,
        ))
    }

    /// The reason the connection was lost if it was, else the error itself.
    fn lost_or(&self, error: russh::Error) -> SshError {
        match &*self.inner.shared.link.borrow() {
            LinkState::Lost(reason) => SshError::ConnectionLost {
                reason: reason.clone(),
            },
            LinkState::Up => error.into(),
        }
    }

    /// Ends the connection politely.
    pub async fn disconnect(&self) {
        let _ = self
            .inner
            .handle
            .disconnect(russh::Disconnect::ByApplication, "", "en")
            .await;
    }
}
