//! The listener: binds loopback, accepts connections, runs a russh session per
//! connection, and tears everything down on shutdown.

use std::borrow::Cow;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use russh::keys::{Algorithm, PrivateKey, PublicKey};
use russh::server::run_stream;
use russh::{Disconnect, SshId};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use super::admission::{Admission, Ticket};
use super::auth::AuthPolicy;
use super::handler::{ConnectionHandler, ServerShared};
use super::local_user::LocalUser;
use super::{DemoConfig, DemoError};

const SERVER_ID: &str = "SSH-2.0-tabsh_demo";

/// Failed logins are delayed this long. russh's 1 s default guards against
/// timing probes over a network; on loopback it only slows tests and typos.
const AUTH_REJECTION_DELAY: Duration = Duration::from_millis(20);

/// How long a connection gets to say goodbye after shutdown is requested.
const DISCONNECT_GRACE: Duration = Duration::from_secs(2);

/// A running loopback SSH server. Dropping it (or calling
/// [`shutdown`](Self::shutdown)) stops the listener and disconnects every
/// session, which hangs up their children.
#[derive(Debug)]
pub struct DemoServer {
    address: SocketAddr,
    host_public_key: PublicKey,
    shutdown: watch::Sender<bool>,
    accept_loop: Option<JoinHandle<()>>,
}

impl DemoServer {
    /// Binds `127.0.0.1` on a free port and starts serving in the current
    /// tokio runtime.
    pub async fn start(config: DemoConfig) -> Result<Self, DemoError> {
        let host_key =
            PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519).map_err(DemoError::HostKey)?;
        let host_public_key = host_key.public_key().clone();
        let policy = AuthPolicy::new(&config);
        let russh_config = Arc::new(russh::server::Config {
            server_id: SshId::Standard(Cow::Borrowed(SERVER_ID)),
            methods: policy.methods(),
            keys: vec![host_key],
            auth_rejection_time: AUTH_REJECTION_DELAY,
            auth_rejection_time_initial: Some(Duration::ZERO),
            // Tabs may sit idle for hours; russh would drop them after 10 minutes.
            inactivity_timeout: None,
            nodelay: true,
            ..Default::default()
        });
        let shared = Arc::new(ServerShared {
            policy,
            max_sessions: config.max_sessions,
            user: LocalUser::current().with_shell(config.shell.clone()),
        });

        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(DemoError::Bind)?;
        let address = listener.local_addr().map_err(DemoError::Bind)?;
        let (shutdown, shutdown_requested) = watch::channel(false);
        let limits = Limits {
            admission: Admission::new(config.max_unauthenticated, config.max_connections),
            login_grace_time: config.login_grace_time,
        };
        let accept_loop = tokio::spawn(accept_connections(
            listener,
            russh_config,
            shared,
            limits,
            shutdown_requested,
        ));
        tracing::info!(%address, "demo SSH server listening");
        Ok(Self {
            address,
            host_public_key,
            shutdown,
            accept_loop: Some(accept_loop),
        })
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// Always on 127.0.0.1.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The ephemeral host key, for the client's known-host check.
    pub fn host_public_key(&self) -> &PublicKey {
        &self.host_public_key
    }

    /// Stops accepting, disconnects every client and waits (bounded) until
    /// their sessions have ended.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(accept_loop) = self.accept_loop.take() {
            let _ = tokio::time::timeout(DISCONNECT_GRACE * 2, accept_loop).await;
        }
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        // The tasks notice this and wind down on their own; Drop cannot wait.
        let _ = self.shutdown.send(true);
    }
}

/// The connection limits of one server.
struct Limits {
    admission: Arc<Admission>,
    login_grace_time: Duration,
}

async fn accept_connections(
    listener: TcpListener,
    config: Arc<russh::server::Config>,
    shared: Arc<ServerShared>,
    limits: Limits,
    mut shutdown_requested: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            () = stop_requested(&mut shutdown_requested) => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let ticket = match limits.admission.admit() {
                        Ok(ticket) => Arc::new(ticket),
                        Err(refusal) => {
                            // Like sshd past MaxStartups: the connection is closed unanswered.
                            tracing::info!(%peer, ?refusal, "demo connection refused");
                            drop(stream);
                            continue;
                        }
                    };
                    let handler = ConnectionHandler::new(shared.clone(), Some(peer), Arc::clone(&ticket));
                    connections.spawn(serve_connection(
                        stream,
                        config.clone(),
                        handler,
                        ticket,
                        limits.login_grace_time,
                        shutdown_requested.clone(),
                    ));
                }
                Err(error) => {
                    // Usually fd exhaustion; pausing lets other sessions finish.
                    tracing::warn!(%error, "accepting a demo connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
            // Reap finished connections as we go so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    while connections.join_next().await.is_some() {}
    tracing::info!("demo SSH server stopped");
}

async fn serve_connection(
    stream: TcpStream,
    config: Arc<russh::server::Config>,
    handler: ConnectionHandler,
    ticket: Arc<Ticket>,
    login_grace_time: Duration,
    mut shutdown_requested: watch::Receiver<bool>,
) {
    // Counts from the TCP accept, so a client that never even sends its version string is
    // dropped too.
    let grace_expired = ticket.login_grace_expired(login_grace_time);
    tokio::pin!(grace_expired);
    let session = tokio::select! {
        session = run_stream(config, stream, handler) => session,
        () = stop_requested(&mut shutdown_requested) => return,
        () = &mut grace_expired => {
            tracing::info!("demo connection dropped: no login within the grace time");
            return;
        }
    };
    let session = match session {
        Ok(session) => session,
        Err(error) => {
            tracing::debug!(%error, "demo connection failed during setup");
            return;
        }
    };
    let handle = session.handle();
    tokio::pin!(session);
    tokio::select! {
        ended = &mut session => {
            if let Err(error) = ended {
                tracing::debug!(%error, "demo connection ended with an error");
            }
        }
        () = stop_requested(&mut shutdown_requested) => {
            // russh's session task owns the handler; only a disconnect ends it
            // (and with it the handler, whose channels then hang up).
            let _ = handle
                .disconnect(Disconnect::ByApplication, "server shutting down".into(), "en".into())
                .await;
            let _ = tokio::time::timeout(DISCONNECT_GRACE, &mut session).await;
        }
        () = &mut grace_expired => {
            tracing::info!("demo connection dropped: no login within the grace time");
            let _ = handle
                .disconnect(
                    Disconnect::ByApplication,
                    "no login within the grace time".into(),
                    "en".into(),
                )
                .await;
            let _ = tokio::time::timeout(DISCONNECT_GRACE, &mut session).await;
        }
    }
}

/// Resolves once shutdown was requested or the [`DemoServer`] is gone. Wrapped
/// so the non-`Send` borrow `wait_for` returns never lives across an await.
async fn stop_requested(shutdown_requested: &mut watch::Receiver<bool>) {
    let _ = shutdown_requested.wait_for(|stop| *stop).await;
}
