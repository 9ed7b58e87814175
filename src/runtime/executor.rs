//! Carries out the effects `update` asks for, through the registry of live connections and
//! channels and the profile store. Results come back to the loop as messages.

use super::connection_task::{Outbox, TaskContext};
use super::registry::Registry;
use crate::app::{Effect, Msg};
use crate::demo::Targets;
use crate::profiles::{Store, StoreError};

pub struct Executor {
    outbox: Outbox,
    registry: Registry,
    store: Store,
}

impl Executor {
    pub fn new(outbox: Outbox, store: Store, targets: Targets) -> Self {
        let context = TaskContext {
            outbox: outbox.clone(),
            targets,
        };
        Self {
            outbox,
            registry: Registry::new(context),
            store,
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
        let registry = &mut self.registry;
        match effect {
            Effect::Connect {
                connection,
                tab,
                profile,
            } => registry.connect(connection, tab, *profile),
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
            Effect::CloseChannel { tab } => registry.close_channel(tab),
            Effect::ReleaseConnection {
                connection,
                linger_secs,
            } => registry.release(connection, linger_secs),
            Effect::SetAntiIdle {
                connection,
                settings,
            } => registry.set_anti_idle(connection, &settings),
            Effect::Answer { reply, answer } => reply.send(answer),
            Effect::SaveProfile { id, profile } => {
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
                registry.close_all_channels();
                return false;
            }
        }
        true
    }

    fn after_store_change(&mut self, result: Result<String, StoreError>) {
        let notice = match result {
            Ok(done) => done,
            Err(error) => format!("could not change the session store: {error}"),
        };
        let _ = self.outbox.send(self.profiles_msg());
        let _ = self.outbox.send(Msg::Notice(notice));
    }
}
