//! Session channels on connections, in one place: attaching a tab to a connection (its pty, the
//! connection's session count, the channel it asks for), releasing it, and what becomes of a
//! connection whose last tab left (it closes, or lingers for reuse like ControlPersist).

use super::connection_info::ConnectionInfo;
use super::effect::Effect;
use super::ids::{ConnectionId, TabId};
use super::model::{Model, TabState};
use crate::profiles::StoredProfile;
use crate::ssh::PtyRequest;

/// The pty a new channel asks for: the tab area's size and the profile's TERM.
pub fn pty_for(model: &Model, profile: &StoredProfile) -> PtyRequest {
    let (rows, cols) = model.terminal_size();
    PtyRequest {
        term: profile.profile.terminal_type.clone(),
        cols,
        rows,
    }
}

/// Makes a new connection for `tab`'s profile; the tab waits on it (and is asked the
/// questions, host key or password, that logging in needs).
pub fn connect(model: &mut Model, tab: TabId, effects: &mut Vec<Effect>) {
    let Some(index) = model.tab_index(tab) else {
        return;
    };
    let Some(profile) = model.profile_of(&model.tabs[index]).cloned() else {
        return;
    };
    let connection = ConnectionId(model.next_connection);
    model.next_connection += 1;
    model
        .connections
        .insert(connection, ConnectionInfo::connecting(&profile.id));
    let waiting = &mut model.tabs[index];
    waiting.connection = Some(connection);
    waiting.target.clear();
    waiting.state = TabState::Connecting;
    effects.push(connect_effect(model, connection, tab, profile));
}

/// Connect `connection` for `profile`, through its jump hosts as the model's profiles name
/// them now.
pub fn connect_effect(
    model: &Model,
    connection: ConnectionId,
    tab: TabId,
    profile: StoredProfile,
) -> Effect {
    let hops = crate::profiles::jump::resolve_chain(&profile.profile, &|id| {
        model.profiles.get(id).map(|stored| &stored.profile)
    });
    Effect::Connect {
        connection,
        tab,
        profile: Box::new(profile),
        hops,
    }
}

/// The tab waiting on `connection` left. When no other tab waits on it, the connection is
/// not needed: it stops at once, wherever it was (a host-key question, a slow server).
pub fn stop_waiting(model: &mut Model, connection: ConnectionId, effects: &mut Vec<Effect>) {
    let still_waited_on = model
        .tabs
        .iter()
        .any(|t| t.connection == Some(connection) && t.state == TabState::Connecting);
    if !still_waited_on && model.connections.remove(&connection).is_some() {
        effects.push(Effect::CancelConnect { connection });
    }
}

/// Attaches `tab` to `connection`: one more session counted on it, the tab opening, and a
/// channel asked for with the tab's pty and the profile's command. False when the tab, its
/// profile or the connection is gone.
pub fn attach(
    model: &mut Model,
    tab: TabId,
    connection: ConnectionId,
    effects: &mut Vec<Effect>,
) -> bool {
    let Some(index) = model.tab_index(tab) else {
        return false;
    };
    let Some(profile) = model.profile_of(&model.tabs[index]) else {
        return false;
    };
    let pty = pty_for(model, profile);
    let command = profile.profile.command.clone();
    let idle = crate::anti_idle::idle_string(&profile.profile.anti_idle);
    let Some(info) = model.connections.get_mut(&connection) else {
        return false;
    };
    info.sessions += 1;
    let target = info.target.clone();
    let attached = &mut model.tabs[index];
    attached.connection = Some(connection);
    attached.target = target;
    attached.state = TabState::Opening;
    effects.push(Effect::OpenChannel {
        tab,
        connection,
        pty,
        command,
        idle,
    });
    true
}

/// One session fewer on `connection`; the last one out releases it, at once or after
/// `linger_secs`.
pub fn release(
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

/// How long the connection of `tab` stays after its last tab closes (its profile's
/// `clone.linger_secs`).
pub fn linger_secs(model: &Model, tab: TabId) -> u64 {
    model
        .tab_index(tab)
        .and_then(|index| model.profile_of(&model.tabs[index]))
        .map_or(0, |p| p.profile.clone.linger_secs)
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
        .find(|(_, info)| info.profile_id == profile_id && info.sessions == 0 && info.is_up())
        .map(|(id, _)| *id)
}
