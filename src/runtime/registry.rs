//! The live objects behind the model's ids: one task per connection and one handle per tab's
//! channel. The model mints the ids; a reconnect is the same ids with new live objects.

use std::collections::HashMap;
use std::time::Duration;

use super::connection_task::{ConnectionTask, TaskContext};
use crate::app::{ConnectionId, Msg, NetEvent, TabId};
use crate::profiles::jump::JumpError;
use crate::profiles::{AntiIdle, Profile, StoredProfile};
use crate::ssh::{
    ChannelHandle, Connection, IdleString, PtyRequest, SessionRequest, command_queue,
};

struct Channel {
    handle: ChannelHandle,
    connection: ConnectionId,
}

pub struct Registry {
    context: TaskContext,
    connections: HashMap<ConnectionId, ConnectionTask>,
    channels: HashMap<TabId, Channel>,
}

impl Registry {
    pub fn new(context: TaskContext) -> Self {
        Self {
            context,
            connections: HashMap::new(),
            channels: HashMap::new(),
        }
    }

    /// Starts connecting `connection` (again, after a loss: the old task is gone by then).
    pub fn connect(
        &mut self,
        connection: ConnectionId,
        tab: TabId,
        profile: StoredProfile,
        hops: Result<Vec<Profile>, JumpError>,
    ) {
        let task = ConnectionTask::spawn(connection, tab, profile, hops, self.context.clone());
        if let Some(old) = self.connections.insert(connection, task) {
            old.abort();
        }
    }

    /// Reports `ReconnectDue` for this attempt after `delay`.
    pub fn schedule_reconnect(&self, connection: ConnectionId, attempt: u32, delay: Duration) {
        let outbox = self.context.outbox.clone();
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            let _ = outbox.send(Msg::ReconnectDue {
                connection,
                attempt,
            });
        });
    }

    /// Stops making `connection`, wherever it is (waiting on a question, on a slow server).
    pub fn cancel_connect(&mut self, connection: ConnectionId) {
        if let Some(task) = self.connections.remove(&connection) {
            task.abort();
        }
    }

    /// Asks `connection` for a session channel for `tab`. Input sent to the tab meanwhile
    /// waits for the channel.
    pub fn open_channel(
        &mut self,
        tab: TabId,
        connection: ConnectionId,
        pty: PtyRequest,
        command: Option<String>,
        idle: Option<IdleString>,
    ) {
        let Some(task) = self.connections.get(&connection) else {
            let _ = self.context.outbox.send(Msg::Net(NetEvent::ChannelRefused {
                tab,
                connection,
                code: 0,
                description: "the connection is gone".to_owned(),
            }));
            return;
        };
        let (handle, commands) = command_queue();
        handle.set_idle_string(idle);
        let request = SessionRequest {
            pty: Some(pty),
            command,
        };
        task.open(tab, request, commands);
        if let Some(old) = self.channels.insert(tab, Channel { handle, connection }) {
            old.handle.close();
        }
    }

    pub fn channel(&self, tab: TabId) -> Option<&ChannelHandle> {
        self.channels.get(&tab).map(|channel| &channel.handle)
    }

    /// Sends CLOSE on the tab's channel (when it is still open) and forgets it.
    pub fn close_channel(&mut self, tab: TabId) {
        if let Some(channel) = self.channels.remove(&tab) {
            channel.handle.close();
        }
    }

    /// Closes a connection no tab uses, or (with a linger time, like ControlPersist) asks the
    /// model again once the time is up, since a tab may have taken it up meanwhile.
    pub fn release(&mut self, connection: ConnectionId, linger_secs: u64) {
        if linger_secs > 0 {
            let outbox = self.context.outbox.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(linger_secs)).await;
                let _ = outbox.send(Msg::LingerExpired { connection });
            });
            return;
        }
        self.channels
            .retain(|_, channel| channel.connection != connection);
        if let Some(task) = self.connections.remove(&connection) {
            task.close();
        }
    }

    /// New anti-idle settings for a live connection: its task, its socket and its channels'
    /// idle strings.
    pub fn set_anti_idle(&self, connection: ConnectionId, settings: &AntiIdle) {
        let Some(task) = self.connections.get(&connection) else {
            return;
        };
        task.set_anti_idle(settings.clone());
        let idle = crate::anti_idle::idle_string(settings);
        for channel in self
            .channels
            .values()
            .filter(|channel| channel.connection == connection)
        {
            channel.handle.set_idle_string(idle.clone());
        }
    }

    /// Hands a clone of `connection` to `use_it` once it is up (an exec for a control
    /// client); when the connection is gone, `use_it` is dropped unrun.
    pub fn lend(&self, connection: ConnectionId, use_it: Box<dyn FnOnce(Connection) + Send>) {
        if let Some(task) = self.connections.get(&connection) {
            task.lend(use_it);
        }
    }

    /// The profile's forwards were switched: apply it to this live connection.
    pub fn set_forwards(&self, connection: ConnectionId, enabled: Vec<bool>) {
        if let Some(task) = self.connections.get(&connection) {
            task.set_forwards(enabled);
        }
    }

    /// Sends CLOSE on every channel, so servers free the slots before tabsh exits.
    pub fn close_all_channels(&mut self) {
        for (_, channel) in self.channels.drain() {
            channel.handle.close();
        }
    }
}
