//! Carries out the effects `update` asks for, through the registry of live connections and
//! channels and the store's own thread. Results come back to the loop as messages.

use super::connection_task::TaskContext;
use super::control_socket::ControlSocket;
use super::outbox::Outbox;
use super::registry::Registry;
use super::session_log::SessionLogs;
use super::ssh_config_watcher::{SshConfigSource, SshConfigWatcher};
use super::store_worker::StoreWorker;
use crate::app::Effect;
use crate::demo::Targets;
use crate::profiles::Store;

pub struct Executor {
    registry: Registry,
    /// `None` when it could not listen (another TUI of the config dir does): the TUI runs
    /// without it, and `tabsh exec` makes connections of its own.
    control: Option<ControlSocket>,
    logs: SessionLogs,
    store: StoreWorker,
    /// Held for its thread, which ends when it is dropped.
    _ssh_config: SshConfigWatcher,
}

impl Executor {
    /// The store's contents and the ssh_config's hosts reach the loop once read, from the
    /// threads that read them.
    pub fn new(
        outbox: Outbox,
        store: Store,
        targets: Targets,
        ssh_config: Option<SshConfigSource>,
    ) -> std::io::Result<Self> {
        let control = match ControlSocket::start(store.config_dir(), outbox.clone()) {
            Ok(control) => Some(control),
            Err(error) => {
                tracing::warn!("no control socket: {error}");
                None
            }
        };
        let logs = SessionLogs::spawn(outbox.clone())?;
        let store = StoreWorker::spawn(store, outbox.clone())?;
        let ssh_config = SshConfigWatcher::spawn(ssh_config, outbox.clone())?;
        let context = TaskContext {
            outbox,
            targets,
            jumps: crate::ssh::JumpHosts::default(),
        };
        Ok(Self {
            registry: Registry::new(context),
            control,
            logs,
            store,
            _ssh_config: ssh_config,
        })
    }

    /// Carries out one effect. Returns false for `Quit`.
    pub fn run(&mut self, effect: Effect) -> bool {
        let registry = &mut self.registry;
        match effect {
            Effect::Connect {
                connection,
                tab,
                profile,
                hops,
            } => registry.connect(connection, tab, *profile, hops),
            Effect::OpenChannel {
                tab,
                connection,
                pty,
                command,
                idle,
            } => registry.open_channel(tab, connection, pty, command, idle),
            Effect::Write { tab, bytes } => {
                if let Some(channel) = registry.channel(tab) {
                    channel.write(bytes);
                }
            }
            Effect::ReportFocus { tab, focused } => {
                if let Some(channel) = registry.channel(tab) {
                    channel.write(crate::input::focus_report(focused));
                }
            }
            Effect::ResizeChannel { tab, cols, rows } => {
                if let Some(channel) = registry.channel(tab) {
                    channel.resize(cols, rows);
                }
            }
            Effect::HoldIdleString { tab, hold } => {
                if let Some(channel) = registry.channel(tab) {
                    channel.hold_idle_string(hold);
                }
            }
            Effect::CancelConnect { connection } => registry.cancel_connect(connection),
            Effect::ScheduleReconnect {
                connection,
                attempt,
                delay,
            } => registry.schedule_reconnect(connection, attempt, delay),
            Effect::CloseChannel { tab } => registry.close_channel(tab),
            Effect::ReleaseConnection {
                connection,
                linger_secs,
            } => registry.release(connection, linger_secs),
            Effect::SetAntiIdle {
                connection,
                settings,
            } => registry.set_anti_idle(connection, &settings),
            Effect::SetForwards {
                connection,
                enabled,
            } => registry.set_forwards(connection, enabled),
            Effect::Answer { reply, answer } => reply.send(answer),
            Effect::SaveProfile { id, profile } => self.store.save(id, *profile),
            Effect::DeleteProfile { id } => self.store.delete(id),
            Effect::DuplicateProfile { id } => self.store.duplicate(id),
            // The event loop writes it to the host terminal, which it owns.
            Effect::SetClipboard { .. } => {}
            Effect::ControlExec {
                client,
                connection,
                command,
            } => {
                if let Some(control) = &self.control {
                    control.exec(client, command, |use_it| registry.lend(connection, use_it));
                }
            }
            Effect::ControlReply { client, reply } => {
                if let Some(control) = &self.control {
                    control.reply(client, reply);
                }
            }
            Effect::StartLog {
                tab,
                settings,
                id,
                name,
                host,
            } => self.logs.open(tab, &settings, &id, &name, &host),
            Effect::LogLines { tab, lines } => self.logs.lines(tab, lines),
            Effect::LogBytes { tab, bytes } => self.logs.bytes(tab, bytes),
            Effect::StopLog { tab } => self.logs.close(tab),
            Effect::Quit => {
                registry.close_all_channels();
                return false;
            }
        }
        true
    }
}
