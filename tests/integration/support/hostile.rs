//! A hostile SSH server, in process, for what no real server does on purpose: escape sequences
//! in keyboard-interactive prompts, exit-signal and disconnect messages, and floods of channels
//! opened toward the client. It listens on 127.0.0.1 only, on a port of its own, and stops
//! when dropped.

use std::borrow::Cow;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use russh::keys::{Algorithm, PrivateKey};
use russh::server::{Auth, ChannelOpenHandle, Handle, Handler, Msg, Response, Session};
use russh::{Channel, ChannelId, ChannelOpenFailure, MethodKind, MethodSet, Sig};
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// Escape sequences a terminal acts on: clear the screen, set the window title, blink, and a
/// C1 CSI. None may reach the user's terminal raw.
pub const HOSTILE: &str = "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{1b}[5m\u{9b}31m";

/// How the server answers the client's session channel and its `exec` once the client is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnExec {
    /// Refuses the session channel, with a hostile description.
    RefuseChannel,
    /// Ends the command with an exit signal whose name and message are hostile.
    HostileExitSignal,
    /// Sends SSH_MSG_DISCONNECT with a hostile description.
    HostileDisconnect,
    /// Waits for [`Hostile::start_flood`], opens `count` channels of every kind toward the
    /// client, waits for [`Hostile::finish`], then prints `flood done` and exits 0.
    ChannelFlood { count: usize },
}

/// How the client logs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Login {
    /// The `none` method succeeds.
    None,
    /// Keyboard-interactive with a hostile name, instructions and prompt; any answer passes.
    HostileKeyboardInteractive,
}

/// What the server saw; shared with the test.
#[derive(Debug, Default)]
pub struct Stats {
    pub exec_started: AtomicBool,
    pub opens_refused: AtomicUsize,
    pub opens_accepted: AtomicUsize,
    pub flood_done: AtomicBool,
}

pub struct Hostile {
    address: SocketAddr,
    host_key: String,
    pub stats: Arc<Stats>,
    start_flood: Arc<Notify>,
    finish: Arc<Notify>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Hostile {
    pub fn start(login: Login, on_exec: OnExec) -> Hostile {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime for the hostile server");
        let key = PrivateKey::random(&mut rand::rng(), Algorithm::Ed25519).expect("host key");
        let host_key = key
            .public_key()
            .to_openssh()
            .expect("encodable host key")
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ");
        let methods = match login {
            Login::None => MethodSet::from([MethodKind::None].as_slice()),
            Login::HostileKeyboardInteractive => {
                MethodSet::from([MethodKind::KeyboardInteractive].as_slice())
            }
        };
        let config = Arc::new(russh::server::Config {
            methods,
            keys: vec![key],
            auth_rejection_time: Duration::ZERO,
            auth_rejection_time_initial: Some(Duration::ZERO),
            ..Default::default()
        });
        let listener = runtime
            .block_on(TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))
            .expect("bind 127.0.0.1");
        let address = listener.local_addr().expect("local address");
        let stats = Arc::new(Stats::default());
        let start_flood = Arc::new(Notify::new());
        let finish = Arc::new(Notify::new());
        let shared = Shared {
            login,
            on_exec,
            stats: Arc::clone(&stats),
            start_flood: Arc::clone(&start_flood),
            finish: Arc::clone(&finish),
        };
        runtime.spawn(async move {
            // Bounded: a test connects once or twice.
            for _ in 0..8 {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let handler = Connection {
                    shared: shared.clone(),
                    channels: Vec::new(),
                };
                let config = Arc::clone(&config);
                tokio::spawn(async move {
                    if let Ok(session) = russh::server::run_stream(config, stream, handler).await {
                        let _ = session.await;
                    }
                });
            }
        });
        Hostile {
            address,
            host_key,
            stats,
            start_flood,
            finish,
            runtime: Some(runtime),
        }
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// `[127.0.0.1]:PORT ssh-ed25519 AAAA...`, for a known_hosts file.
    pub fn known_hosts_line(&self) -> String {
        format!("[127.0.0.1]:{} {}\n", self.port(), self.host_key)
    }

    pub fn start_flood(&self) {
        self.start_flood.notify_one();
    }

    pub fn finish(&self) {
        self.finish.notify_one();
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(2));
        }
    }
}

#[derive(Clone)]
struct Shared {
    login: Login,
    on_exec: OnExec,
    stats: Arc<Stats>,
    start_flood: Arc<Notify>,
    finish: Arc<Notify>,
}

struct Connection {
    shared: Shared,
    /// Kept so the client's exec channel is not closed under it.
    channels: Vec<Channel<Msg>>,
}

impl Handler for Connection {
    type Error = russh::Error;

    async fn auth_none(&mut self, _user: &str) -> Result<Auth, Self::Error> {
        Ok(match self.shared.login {
            Login::None => Auth::Accept,
            Login::HostileKeyboardInteractive => Auth::reject(),
        })
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        _user: &str,
        _submethods: &str,
        response: Option<Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        if self.shared.login != Login::HostileKeyboardInteractive {
            return Ok(Auth::reject());
        }
        Ok(match response {
            None => Auth::Partial {
                name: Cow::Owned(format!("name{HOSTILE}")),
                instructions: Cow::Owned(format!("instructions{HOSTILE}\nsecond line")),
                prompts: Cow::Owned(vec![(Cow::Owned(format!("code{HOSTILE}: ")), false)]),
            },
            Some(_) => Auth::Accept,
        })
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if self.shared.on_exec == OnExec::RefuseChannel {
            reply
                .reject(ChannelOpenFailure::Other {
                    code: 2,
                    reason: format!("refused{HOSTILE}"),
                })
                .await;
            return Ok(());
        }
        self.channels.push(channel);
        reply.accept().await;
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.channel_success(channel)?;
        self.shared.stats.exec_started.store(true, Ordering::SeqCst);
        match self.shared.on_exec {
            OnExec::RefuseChannel => {}
            OnExec::HostileExitSignal => {
                session.exit_signal_request(
                    channel,
                    Sig::Custom(format!("SIG{HOSTILE}")),
                    false,
                    &format!("message{HOSTILE}"),
                    "en",
                )?;
                session.eof(channel)?;
                session.close(channel)?;
            }
            OnExec::HostileDisconnect => {
                session.disconnect(
                    russh::Disconnect::ByApplication,
                    &format!("goodbye{HOSTILE}"),
                    "en",
                )?;
            }
            OnExec::ChannelFlood { count } => {
                tokio::spawn(flood(session.handle(), channel, count, self.shared.clone()));
            }
        }
        Ok(())
    }
}

/// Opens `count` channels of each kind the client never asked for, one after another.
async fn flood(handle: Handle, exec: ChannelId, count: usize, shared: Shared) {
    shared.start_flood.notified().await;
    let tally = |opened: Result<Channel<Msg>, russh::Error>| {
        let counter = match opened {
            Ok(_) => &shared.stats.opens_accepted,
            Err(_) => &shared.stats.opens_refused,
        };
        counter.fetch_add(1, Ordering::SeqCst);
    };
    for index in 0..count {
        let port = u32::try_from(index % 60_000).unwrap_or(0) + 1024;
        tally(handle.channel_open_session().await);
        tally(handle.channel_open_x11("127.0.0.1", port).await);
        tally(handle.channel_open_agent().await);
        tally(
            handle
                .channel_open_forwarded_tcpip("127.0.0.1", port, "127.0.0.1", port)
                .await,
        );
    }
    shared.stats.flood_done.store(true, Ordering::SeqCst);
    shared.finish.notified().await;
    let _ = handle.data(exec, &b"flood done\n"[..]).await;
    let _ = handle.exit_status_request(exec, 0).await;
    let _ = handle.eof(exec).await;
    let _ = handle.close(exec).await;
}

/// The stats in one line, for failure messages.
pub fn describe(stats: &Stats) -> String {
    format!(
        "exec started {}, opens refused {}, accepted {}, flood done {}",
        stats.exec_started.load(Ordering::SeqCst),
        stats.opens_refused.load(Ordering::SeqCst),
        stats.opens_accepted.load(Ordering::SeqCst),
        stats.flood_done.load(Ordering::SeqCst)
    )
}
