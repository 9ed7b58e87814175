//! Carries out the effects `update` asks for: connections, channels, prompts' replies and the
//! profile store. Results come back to the loop as `Incoming` messages.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::{OnceCell, mpsc, watch};

use super::Incoming;
use super::prompter::TuiPrompter;
use crate::anti_idle;
use crate::app::{ConnectionId, Effect, Msg, NetEvent, TabId};
use crate::demo::BuiltinDemo;
use crate::profiles::{AntiIdle, Store, StoredProfile};
use crate::ssh::{
    ChannelEvent, ChannelHandle, ConnectOptions, Connection, EventSink, IdleString, LinkState,
    PtyRequest, SessionRequest, SshError,
};

/// A connection with what anti-idle needs to change on it while it lives.
struct LiveConnection {
    connection: Connection,
    profile_id: String,
    anti_idle: watch::Sender<AntiIdle>,
}

struct LiveChannel {
    handle: ChannelHandle,
    connection: ConnectionId,
}

pub struct Executor {
    incoming: mpsc::UnboundedSender<Incoming>,
    connections: HashMap<ConnectionId, LiveConnection>,
    channels: HashMap<TabId, LiveChannel>,
    next_connection: u64,
    store: Store,
    demo: Arc<OnceCell<Result<BuiltinDemo, String>>>,
    demo_max_sessions: u32,
}

impl Executor {
    pub fn new(
        incoming: mpsc::UnboundedSender<Incoming>,
        store: Store,
        demo_max_sessions: u32,
    ) -> Self {
        Self {
            incoming,
            connections: HashMap::new(),
            channels: HashMap::new(),
            next_connection: 1,
            store,
            demo: Arc::new(OnceCell::new()),
            demo_max_sessions,
        }
    }

    pub fn profiles_msg(&self) -> Msg {
        Msg::Profiles {
            profiles: self.store.profiles().to_vec(),
            failures: self.store.failures().to_vec(),
        }
    }

    /// Carries out one effect. Returns false for `Quit`.
    pub fn run(&mut self, effect: Effect) -> bool {
        match effect {
            Effect::Connect { tab, profile } => self.connect(tab, *profile),
            Effect::OpenChannel {
                tab,
                connection,
                pty,
                command,
            } => self.open_channel(tab, connection, pty, command),
            Effect::Write { tab, bytes } => {
                if let Some(channel) = self.channels.get(&tab) {
                    channel.handle.write(bytes);
                }
            }
            Effect::ResizeChannel { tab, cols, rows } => {
                if let Some(channel) = self.channels.get(&tab) {
                    channel.handle.resize(cols, rows);
                }
            }
            Effect::HoldIdleString { tab, hold } => {
                if let Some(channel) = self.channels.get(&tab) {
                    channel.handle.hold_idle_string(hold);
                }
            }
            Effect::CloseChannel { tab } => {
                if let Some(channel) = self.channels.remove(&tab) {
                    channel.handle.close();
                }
            }
            Effect::ReleaseConnection {
                connection,
                linger_secs,
            } => self.release(connection, linger_secs),
            Effect::Answer { reply, answer } => reply.send(answer),
            Effect::SaveProfile { id, profile } => {
                if let Some(id) = &id {
                    self.apply_anti_idle(id, &profile.anti_idle);
                }
                let result = match id {
                    Some(id) => self.store.save(&id, *profile).map(|()| id),
                    None => self.store.create(*profile),
                };
                self.after_store_change(result.map(|id| format!("saved {id}")));
            }
            Effect::DeleteProfile { id } => {
                let result = self.store.delete(&id).map(|()| format!("deleted {id}"));
                self.after_store_change(result);
            }
            Effect::DuplicateProfile { id } => {
                let result = self
                    .store
                    .duplicate(&id)
                    .map(|new| format!("duplicated {id} as {new}"));
                self.after_store_change(result);
            }
            Effect::Quit => {
                for channel in self.channels.values() {
                    channel.handle.close();
                }
                return false;
            }
        }
        true
    }

    fn after_store_change(&mut self, result: Result<String, crate::profiles::StoreError>) {
        let notice = match result {
            Ok(done) => done,
            Err(error) => format!("could not change the session store: {error}"),
        };
        let _ = self.incoming.send(Incoming::Msg(self.profiles_msg()));
        let _ = self.incoming.send(Incoming::Msg(Msg::Notice(notice)));
    }

    fn connect(&mut self, tab: TabId, profile: StoredProfile) {
        let incoming = self.incoming.clone();
        let demo = Arc::clone(&self.demo);
        let demo_max_sessions = self.demo_max_sessions;
        tokio::spawn(async move {
            let options = match connect_options(&profile, &demo, demo_max_sessions).await {
                Ok(options) => options,
                Err(error) => {
                    let _ = incoming.send(Incoming::Net(NetEvent::ConnectFailed {
                        tab,
                        error,
                        cancelled: false,
                    }));
                    return;
                }
            };
            let prompter = Arc::new(TuiPrompter {
                tab,
                incoming: incoming.clone(),
            });
            let event = match Connection::connect(&options, prompter).await {
                Ok(connection) => Incoming::ConnectionUp {
                    tab,
                    connection,
                    profile_id: profile.id.clone(),
                    anti_idle: profile.profile.anti_idle.clone(),
                },
                Err(error) => Incoming::Net(NetEvent::ConnectFailed {
                    tab,
                    cancelled: matches!(error, SshError::Cancelled { .. }),
                    error: error.to_string(),
                }),
            };
            let _ = incoming.send(event);
        });
    }

    /// Registers a new connection, watches it for loss and starts its anti-idle task.
    pub fn adopt_connection(
        &mut self,
        connection: Connection,
        profile_id: String,
        anti_idle: AntiIdle,
    ) -> (ConnectionId, String) {
        let id = ConnectionId(self.next_connection);
        self.next_connection += 1;
        let target = format!("{}@{}", connection.user(), connection.host_port());
        let mut link = connection.link_state();
        let incoming = self.incoming.clone();
        tokio::spawn(async move {
            if let Ok(state) = link.wait_for(|state| *state != LinkState::Up).await
                && let LinkState::Lost(reason) = &*state
            {
                let _ = incoming.send(Incoming::Net(NetEvent::ConnectionLost {
                    connection: id,
                    reason: reason.clone(),
                }));
            }
        });
        let (settings, settings_rx) = watch::channel(anti_idle);
        let incoming = self.incoming.clone();
        tokio::spawn(anti_idle::run(
            connection.clone(),
            settings_rx,
            move |report| {
                let _ = incoming.send(Incoming::Net(NetEvent::AntiIdle {
                    connection: id,
                    report,
                }));
            },
        ));
        self.connections.insert(
            id,
            LiveConnection {
                connection,
                profile_id,
                anti_idle: settings,
            },
        );
        (id, target)
    }

    pub fn adopt_channel(&mut self, tab: TabId, connection: ConnectionId, handle: ChannelHandle) {
        if let Some(live) = self.connections.get(&connection) {
            handle.set_idle_string(idle_string(&live.anti_idle.borrow()));
        }
        self.channels
            .insert(tab, LiveChannel { handle, connection });
    }

    /// A profile's new anti-idle settings reach its live connections at once: their tasks,
    /// their sockets' TCP keepalive and their channels' idle strings.
    fn apply_anti_idle(&mut self, profile_id: &str, settings: &AntiIdle) {
        for (id, live) in self
            .connections
            .iter()
            .filter(|(_, l)| l.profile_id == profile_id)
        {
            live.anti_idle.send_replace(settings.clone());
            if let Some(socket) = live.connection.socket() {
                let _ = socket.apply_keepalive(&settings.tcp, settings.enabled);
            }
            for channel in self.channels.values().filter(|c| c.connection == *id) {
                channel.handle.set_idle_string(idle_string(settings));
            }
        }
    }

    fn open_channel(
        &mut self,
        tab: TabId,
        connection_id: ConnectionId,
        pty: PtyRequest,
        command: Option<String>,
    ) {
        let Some(connection) = self
            .connections
            .get(&connection_id)
            .map(|live| live.connection.clone())
        else {
            let _ = self.incoming.send(Incoming::Net(NetEvent::ChannelRefused {
                tab,
                connection: connection_id,
                code: 0,
                error: "the connection is gone".to_owned(),
            }));
            return;
        };
        let incoming = self.incoming.clone();
        tokio::spawn(async move {
            let request = SessionRequest {
                pty: Some(pty),
                command,
            };
            match connection.set_up_session(&request).await {
                Ok(session) => {
                    // Before the channel is read: the loop adopts it before its first output.
                    let _ = incoming.send(Incoming::ChannelUp {
                        tab,
                        connection: connection_id,
                        channel: session.handle(),
                    });
                    session.start(TabEvents {
                        tab,
                        link: connection.link_state(),
                        incoming,
                        exit: None,
                    });
                }
                Err(error) => {
                    let code = match &error {
                        SshError::ChannelRefused { code, .. } => *code,
                        _ => 0,
                    };
                    let _ = incoming.send(Incoming::Net(NetEvent::ChannelRefused {
                        tab,
                        connection: connection_id,
                        code,
                        error: error.to_string(),
                    }));
                }
            }
        });
    }

    /// Closes a connection no tab uses, or (with a linger time, like ControlPersist) asks the
    /// model again once the time is up, since a tab may have taken it up meanwhile.
    fn release(&mut self, connection: ConnectionId, linger_secs: u64) {
        if linger_secs > 0 {
            let incoming = self.incoming.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(linger_secs)).await;
                let _ = incoming.send(Incoming::Msg(Msg::LingerExpired { connection }));
            });
            return;
        }
        if let Some(live) = self.connections.remove(&connection) {
            tokio::spawn(async move { live.connection.disconnect().await });
        }
    }
}

async fn connect_options(
    profile: &StoredProfile,
    demo: &OnceCell<Result<BuiltinDemo, String>>,
    demo_max_sessions: u32,
) -> Result<ConnectOptions, String> {
    if !profile.profile.builtin_demo {
        return Ok(ConnectOptions::from_profile(&profile.profile));
    }
    let demo = demo
        .get_or_init(|| async {
            BuiltinDemo::start(demo_max_sessions)
                .await
                .map_err(|e| format!("the built-in demo server did not start: {e}"))
        })
        .await;
    match demo {
        Ok(demo) => Ok(demo.connect_options(&profile.profile)),
        Err(error) => Err(error.clone()),
    }
}

/// Hands a tab's channel events to the loop as the channel's reader reads them.
struct TabEvents {
    tab: TabId,
    /// Says why the channel ended when the server gave no exit status.
    link: watch::Receiver<LinkState>,
    incoming: mpsc::UnboundedSender<Incoming>,
    exit: Option<String>,
}

impl EventSink for TabEvents {
    fn deliver(&mut self, event: ChannelEvent) {
        let tab = self.tab;
        match event {
            ChannelEvent::Data(bytes) | ChannelEvent::Stderr(bytes) => {
                let _ = self
                    .incoming
                    .send(Incoming::Net(NetEvent::Output { tab, bytes }));
            }
            ChannelEvent::ExitStatus(status) => {
                self.exit = Some(format!("exited with status {status}"));
            }
            ChannelEvent::ExitSignal { signal, message } => {
                self.exit = Some(
                    format!("killed by signal {signal} {message}")
                        .trim_end()
                        .to_owned(),
                );
            }
            ChannelEvent::Eof => {}
            ChannelEvent::Closed => {
                let reason = self
                    .exit
                    .take()
                    .unwrap_or_else(|| match &*self.link.borrow() {
                        LinkState::Lost(why) => format!("connection lost: {why}"),
                        LinkState::Up => "closed by the server".to_owned(),
                    });
                let _ = self
                    .incoming
                    .send(Incoming::Net(NetEvent::ChannelEnded { tab, reason }));
            }
        }
    }
}

/// The idle string a channel should type, if anti-idle and that mode are on.
fn idle_string(settings: &AntiIdle) -> Option<IdleString> {
    (settings.enabled && settings.idle_string.enabled && !settings.idle_string.string.is_empty())
        .then(|| IdleString {
            interval: Duration::from_secs(settings.idle_string.interval_secs.max(1)),
            bytes: Bytes::from(settings.idle_string.string.clone().into_bytes()),
        })
}
