//! The life of a connection in the model: counting its sessions, releasing it when the last one
//! closes (at once or after the profile's linger time, like ControlPersist), and reusing one that
//! lingers.

use super::effect::Effect;
use super::ids::ConnectionId;
use super::model::Model;

/// One session fewer on `connection`; the last one out releases it.
pub fn release_slot(
    model: &mut Model,
    connection: ConnectionId,
    linger_secs: u64,
    effects: &mut Vec<Effect>,
) {
    let Some(info) = model.connections.get_mut(&connection) else {
        return;
    };
    info.sessions = info.sessions.saturating_sub(1);
    if info.sessions == 0 {
        effects.push(Effect::ReleaseConnection {
            connection,
            linger_secs,
        });
        if linger_secs == 0 {
            model.connections.remove(&connection);
        }
    }
}

/// The linger time is up: close the connection unless a tab took it up again meanwhile.
pub fn linger_expired(model: &mut Model, connection: ConnectionId, effects: &mut Vec<Effect>) {
    if model
        .connections
        .get(&connection)
        .is_some_and(|info| info.sessions == 0)
    {
        model.connections.remove(&connection);
        effects.push(Effect::ReleaseConnection {
            connection,
            linger_secs: 0,
        });
    }
}

/// A live connection to `profile_id` that no tab uses, kept for reuse.
pub fn lingering(model: &Model, profile_id: &str) -> Option<ConnectionId> {
    model
        .connections
        .iter()
        .find(|(_, info)| {
            info.profile_id == profile_id && info.sessions == 0 && info.lost.is_none()
        })
        .map(|(id, _)| *id)
}
