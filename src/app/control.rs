//! Requests from the control socket (`tabsh exec`, `tabsh connections`): a command run as one
//! more session on a live connection of its profile, counted like a tab's; the connections
//! listed; a profile's connections closed.

use std::time::Instant;

use super::effect::Effect;
use super::ids::ConnectionId;
use super::inspector::close_connection;
use super::model::Model;
use super::sessions;
use super::{ConnectionInfo, LinkPhase};
use crate::control::{ClientId, ConnectionRow, Health, Reply, Request};

pub fn on_request(
    model: &mut Model,
    client: ClientId,
    request: Request,
    at: Instant,
    effects: &mut Vec<Effect>,
) {
    let reply = match request {
        Request::Exec { profile, command } => match live_connection_for(model, &profile) {
            Ok(connection) => {
                if let Some(info) = model.connections.get_mut(&connection) {
                    info.sessions += 1;
                }
                model.control_execs.insert(client, connection);
                effects.push(Effect::ControlExec {
                    client,
                    connection,
                    command,
                });
                return;
            }
            Err(reason) => Reply::Refused(reason),
        },
        Request::List => Reply::Connections(
            model
                .connections
                .values()
                .map(|info| row(info, at))
                .collect(),
        ),
        Request::Close { profile } => {
            let of_profile: Vec<ConnectionId> = model
                .connections
                .iter()
                .filter(|(_, info)| info.profile_id == profile)
                .map(|(id, _)| *id)
                .collect();
            for connection in &of_profile {
                close_connection(model, *connection, effects);
            }
            Reply::Closed(u32::try_from(of_profile.len()).unwrap_or(u32::MAX))
        }
        // Input only follows an accepted exec, which the runtime carries itself.
        Request::Input(_) | Request::InputEnd => return,
    };
    effects.push(Effect::ControlReply { client, reply });
}

/// The exec of `client` is over (or was refused by the server): its session is counted off.
pub fn exec_ended(model: &mut Model, client: ClientId, effects: &mut Vec<Effect>) {
    let Some(connection) = model.control_execs.remove(&client) else {
        return;
    };
    let linger = model
        .connections
        .get(&connection)
        .and_then(|info| model.profiles.get(&info.profile_id))
        .map_or(0, |p| p.profile.clone.linger_secs);
    sessions::release(model, connection, linger, effects);
}

/// An up connection of `profile` with room for one more session: the one with the fewest.
fn live_connection_for(model: &Model, profile: &str) -> Result<ConnectionId, String> {
    let of_profile: Vec<(&ConnectionId, &ConnectionInfo)> = model
        .connections
        .iter()
        .filter(|(_, info)| info.profile_id == profile && info.is_up())
        .collect();
    if of_profile.is_empty() {
        return Err(format!("no live connection of {profile:?} in the TUI"));
    }
    of_profile
        .iter()
        .filter(|(_, info)| info.server_limit.is_none_or(|limit| info.sessions < limit))
        .min_by_key(|(_, info)| info.sessions)
        .map(|(id, _)| **id)
        .ok_or_else(|| format!("every connection of {profile:?} is at its server's session limit"))
}

fn row(info: &ConnectionInfo, at: Instant) -> ConnectionRow {
    let (uptime_secs, health) = match &info.phase {
        LinkPhase::Connecting => (None, Health::Connecting),
        LinkPhase::Up { since } => (
            Some(at.saturating_duration_since(*since).as_secs()),
            Health::Up {
                misses: info.misses.0,
                max: info.misses.1,
            },
        ),
        LinkPhase::Reconnecting(reconnect) => (
            None,
            Health::Reconnecting {
                attempt: reconnect.attempt,
            },
        ),
    };
    ConnectionRow {
        profile: info.profile_id.clone(),
        target: info.target.clone(),
        sessions: info.sessions,
        limit: info.server_limit,
        uptime_secs,
        health,
    }
}
