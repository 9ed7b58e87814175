//! One task per connection, owning it: it connects and logs in, opens the session channels the
//! model asks for, runs anti-idle, and reports what happens as messages carrying the model's
//! ids. The loop only holds a cheap handle that sends it commands; no live object ever travels
//! back to the loop.

use std::sync::Arc;
use std::time::Instant;

use tokio::sync::{mpsc, watch};
use tokio::task::AbortHandle;

use super::outbox::Outbox;
use super::prompter::TuiPrompter;
use super::tab_events::TabEvents;
use crate::anti_idle;
use crate::app::{ConnectionId, Msg, NetEvent, TabId};
use crate::demo::Targets;
use crate::forwarding::Forwards;
use crate::profiles::jump::JumpError;
use crate::profiles::{AntiIdle, Profile, StoredProfile};
use crate::ssh::{
    ChannelCommands, ConnectOptions, Connection, JumpHosts, LinkState, LossCause, Prompter,
    SessionRequest, SshError,
};

enum Command {
    Open {
        tab: TabId,
        request: SessionRequest,
        commands: ChannelCommands,
    },
    AntiIdle(AntiIdle),
    SetForwards(Vec<bool>),
    /// Something that needs the live connection (an exec for a control client).
    Lend(Box<dyn FnOnce(Connection) + Send>),
    Close,
}

/// The loop's handle on a connection task. Dropping it leaves the task running; `close` ends
/// it politely, `abort` at once (while it still connects, say).
pub struct ConnectionTask {
    commands: mpsc::UnboundedSender<Command>,
    task: AbortHandle,
}

/// What a connection task needs from the loop.
#[derive(Clone)]
pub struct TaskContext {
    pub outbox: Outbox,
    pub targets: Targets,
    /// Jump host connections, shared by every connection through the same hops.
    pub jumps: JumpHosts,
}

impl ConnectionTask {
    /// Starts connecting `connection` for `profile`; questions (host key, password) go to `tab`.
    pub fn spawn(
        connection: ConnectionId,
        tab: TabId,
        profile: StoredProfile,
        hops: Result<Vec<Profile>, JumpError>,
        context: TaskContext,
    ) -> Self {
        let (commands, receiver) = mpsc::unbounded_channel();
        let outbox = context.outbox.clone();
        let task = tokio::spawn(run(connection, tab, profile, hops, context, receiver));
        let abort = task.abort_handle();
        // A bug that panics the task ends this connection only; its tabs are told, and the
        // screen is left alone (see the panic hook).
        tokio::spawn(async move {
            if let Err(error) = task.await
                && error.is_panic()
            {
                let _ = outbox.send(Msg::Net(NetEvent::ConnectionLost {
                    connection,
                    cause: LossCause::Other("tabsh hit a bug in this connection's task".into()),
                    at: Instant::now(),
                }));
            }
        });
        Self {
            commands,
            task: abort,
        }
    }

    /// Opens a session channel for `tab`, which takes its input from `commands`.
    pub fn open(&self, tab: TabId, request: SessionRequest, commands: ChannelCommands) {
        let _ = self.commands.send(Command::Open {
            tab,
            request,
            commands,
        });
    }

    /// New anti-idle settings, applied at once without reconnecting.
    pub fn set_anti_idle(&self, settings: AntiIdle) {
        let _ = self.commands.send(Command::AntiIdle(settings));
    }

    /// Hands a clone of the live connection to `use_it` once it is up.
    pub fn lend(&self, use_it: Box<dyn FnOnce(Connection) + Send>) {
        let _ = self.commands.send(Command::Lend(use_it));
    }

    /// Which of the profile's forwards are on now.
    pub fn set_forwards(&self, enabled: Vec<bool>) {
        let _ = self.commands.send(Command::SetForwards(enabled));
    }

    /// Disconnects politely once the connection is up; stops connecting at once otherwise.
    pub fn close(self) {
        if self.commands.send(Command::Close).is_err() {
            self.task.abort();
        }
    }

    /// Stops the task where it is (a connection that is still being made).
    pub fn abort(self) {
        self.task.abort();
    }
}

async fn run(
    id: ConnectionId,
    tab: TabId,
    profile: StoredProfile,
    hops: Result<Vec<Profile>, JumpError>,
    context: TaskContext,
    mut commands: mpsc::UnboundedReceiver<Command>,
) {
    let outbox = &context.outbox;
    let send = |event| {
        let _ = outbox.send(Msg::Net(event));
    };
    let options = match hops {
        Ok(hops) => {
            context
                .targets
                .connect_options_through(&profile.profile, &hops)
                .await
        }
        Err(error) => Err(error.to_string()),
    };
    let options = match options {
        Ok(options) => options,
        Err(error) => {
            send(NetEvent::ConnectFailed {
                connection: id,
                error,
                cancelled: false,
                permanent: true,
                at: Instant::now(),
            });
            return;
        }
    };
    let prompter: Arc<dyn Prompter> = Arc::new(TuiPrompter {
        tab,
        outbox: outbox.clone(),
    });
    let connection =
        match Connection::connect_shared(&options, Arc::clone(&prompter), &context.jumps).await {
            Ok(connection) => connection,
            Err(error) => {
                send(NetEvent::ConnectFailed {
                    connection: id,
                    cancelled: matches!(error, SshError::Cancelled { .. }),
                    permanent: error.is_permanent(),
                    error: error.to_string(),
                    at: Instant::now(),
                });
                return;
            }
        };
    send(NetEvent::Connected {
        connection: id,
        target: format!("{}@{}", connection.user(), connection.host_port()),
        activity: connection.activity(),
        details: Box::new(connection.details().clone()),
        at: Instant::now(),
    });
    let forwards = start_forwards(&profile, &options, &connection, prompter);
    if let Some(forwards) = &forwards {
        send(NetEvent::Forwards {
            connection: id,
            forwards: forwards.stats(),
        });
    }
    let (anti_idle_settings, settings) = watch::channel(profile.profile.anti_idle);
    let anti_idle_task = {
        let outbox = outbox.clone();
        tokio::spawn(anti_idle::run(
            connection.clone(),
            settings,
            move |report| {
                let _ = outbox.send(Msg::Net(NetEvent::AntiIdle {
                    connection: id,
                    report,
                }));
            },
        ))
    };
    let lost = link_lost(connection.link_state());
    tokio::pin!(lost);
    loop {
        tokio::select! {
            command = commands.recv() => match command {
                Some(Command::Open { tab, request, commands }) => {
                    tokio::spawn(open_channel(
                        connection.clone(),
                        id,
                        tab,
                        request,
                        commands,
                        outbox.clone(),
                    ));
                }
                Some(Command::AntiIdle(new)) => {
                    if let Some(socket) = connection.socket() {
                        let _ = socket.apply_keepalive(&new.tcp, new.enabled);
                    }
                    anti_idle_settings.send_replace(new);
                }
                Some(Command::SetForwards(enabled)) => {
                    if let Some(forwards) = &forwards {
                        for (index, on) in enabled.into_iter().enumerate() {
                            forwards.set_enabled(index, on);
                        }
                    }
                }
                Some(Command::Lend(use_it)) => use_it(connection.clone()),
                Some(Command::Close) | None => {
                    connection.disconnect().await;
                    break;
                }
            },
            cause = &mut lost => {
                send(NetEvent::ConnectionLost {
                    connection: id,
                    cause,
                    at: Instant::now(),
                });
                break;
            }
        }
    }
    anti_idle_task.abort();
}

/// The profile's port forwards, on a connection of their own to the same server (see
/// `forwarding`), which trusts the host key this connection checked and asks nothing about it.
fn start_forwards(
    profile: &StoredProfile,
    options: &ConnectOptions,
    connection: &Connection,
    prompter: Arc<dyn Prompter>,
) -> Option<Forwards> {
    if profile.profile.forward.is_empty() {
        return None;
    }
    let mut options = options.clone();
    if options.pinned_host_key.is_none() {
        options.pinned_host_key = connection.host_key();
    }
    options.forward_agent = false;
    Some(Forwards::start(options, prompter, &profile.profile.forward))
}

/// Opens a channel for `tab` and starts handing its events to the loop; reports the refusal
/// otherwise.
async fn open_channel(
    connection: Connection,
    id: ConnectionId,
    tab: TabId,
    request: SessionRequest,
    commands: ChannelCommands,
    outbox: Outbox,
) {
    match connection.set_up_session(&request, commands).await {
        Ok(session) => {
            // Before the channel is read, so the tab is open before its first output.
            let _ = outbox.send(Msg::Net(NetEvent::ChannelOpened {
                tab,
                connection: id,
            }));
            session.start(TabEvents::new(tab, outbox));
        }
        Err(error) => {
            let (code, description) = match error {
                SshError::ChannelRefused {
                    code, description, ..
                } => (code, description),
                other => (0, other.to_string()),
            };
            let _ = outbox.send(Msg::Net(NetEvent::ChannelRefused {
                tab,
                connection: id,
                code,
                description,
            }));
        }
    }
}

/// Resolves with the cause once the connection is lost (never when we close it). Its own
/// function, because `wait_for`'s guard held across a `select!` would make the task's future
/// non-`Send`.
async fn link_lost(mut link: watch::Receiver<LinkState>) -> LossCause {
    let cause = match link.wait_for(|state| *state != LinkState::Up).await {
        Ok(state) => match &*state {
            LinkState::Lost(cause) => Some(cause.clone()),
            LinkState::Up | LinkState::Closed => None,
        },
        Err(_) => None,
    };
    match cause {
        Some(cause) => cause,
        None => std::future::pending().await,
    }
}
