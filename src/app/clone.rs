//! Clone session: one more channel on the active tab's connection, and what happens when the
//! server's session budget is spent (the profile's spill-over policy).

use super::connections::release_slot;
use super::effect::Effect;
use super::ids::{ConnectionId, TabId};
use super::model::{Model, Overlay, TabState};
use super::update::{add_tab, linger_secs, open_profile, pty_for};
use crate::profiles::{SpillOver, StoredProfile};

/// Reason codes (RFC 4254) that mean "no more sessions here": OpenSSH's MaxSessions answers
/// CONNECT_FAILED, dropbear's channel limit RESOURCE_SHORTAGE.
const LIMIT_CODES: [u32; 2] = [2, 4];

pub fn clone_session(model: &mut Model, effects: &mut Vec<Effect>) {
    let Some(source) = model.active_tab() else {
        return;
    };
    // Once the connection is authenticated its tab is Opening or Open; either can be cloned.
    let (Some(connection), TabState::Open | TabState::Opening) = (source.connection, &source.state)
    else {
        model.notice = Some("clone needs a connected tab; this one is not connected".to_owned());
        return;
    };
    let Some(info) = model.connections.get(&connection) else {
        return;
    };
    let Some(profile) = model.profile_of(source).cloned() else {
        return;
    };
    if let Some(limit) = info.server_limit.filter(|&limit| info.sessions >= limit) {
        // Known to be full: say so without asking the server again.
        let message = limit_text(&info.target, limit, 2);
        spill_over(model, profile, message, effects);
        return;
    }
    let target = source.target.clone();
    let command = profile.profile.command.clone();
    let pty = pty_for(model, &profile);
    let tab = add_tab(model, &profile.id, TabState::Opening);
    if let Some(new_tab) = model.tab_mut(tab) {
        new_tab.connection = Some(connection);
        new_tab.target = target;
        new_tab.cloned = true;
    }
    if let Some(info) = model.connections.get_mut(&connection) {
        info.sessions += 1;
    }
    effects.push(Effect::OpenChannel {
        tab,
        connection,
        pty,
        command,
    });
}

/// The server refused a channel for `tab`.
pub fn refused(
    model: &mut Model,
    tab: TabId,
    connection: ConnectionId,
    code: u32,
    error: String,
    effects: &mut Vec<Effect>,
) {
    let mut message = error;
    if let Some(info) = model.connections.get_mut(&connection)
        && LIMIT_CODES.contains(&code)
    {
        // The refused channel was counted when asked for; the ones still open are the limit.
        let limit = info.sessions.saturating_sub(1);
        info.server_limit = Some(limit);
        message = format!("{}: {message}", limit_text(&info.target, limit, code));
    }
    let Some(index) = model.tab_index(tab) else {
        release_slot(model, connection, 0, effects);
        return;
    };
    let linger = linger_secs(model, tab);
    release_slot(model, connection, linger, effects);
    if model.tabs[index].cloned {
        // Never leave a half-made tab behind.
        let tab = model.tabs.remove(index);
        model.active = model.active.min(model.tabs.len().saturating_sub(1));
        if let Some(profile) = model.profiles.get(&tab.profile_id).cloned() {
            spill_over(model, profile, message, effects);
        }
    } else {
        model.tabs[index].state = TabState::Failed(message);
    }
}

/// The refusal in plain words.
fn limit_text(target: &str, limit: u32, code: u32) -> String {
    match code {
        4 => format!("{target} has no channels left on this connection ({limit} open)"),
        _ => format!(
            "{target} allows {limit} session{} per connection (OpenSSH: MaxSessions), all in use",
            if limit == 1 { "" } else { "s" }
        ),
    }
}

/// Applies the profile's spill-over policy after a refused (or known-full) clone.
fn spill_over(
    model: &mut Model,
    profile: StoredProfile,
    message: String,
    effects: &mut Vec<Effect>,
) {
    match profile.profile.clone.spill_over {
        SpillOver::Never => model.notice = Some(format!("clone refused: {message}")),
        SpillOver::NewConnection => {
            model.notice = Some(format!("{message}; opening a new connection"));
            open_new_connection(model, &profile.id, effects);
        }
        SpillOver::Ask => {
            model.overlay = Some(Overlay::SpillOver {
                profile_id: profile.id,
                message,
            })
        }
    }
}

/// A new tab on a new connection, which logs in again; clones of that tab then use it.
pub fn open_new_connection(model: &mut Model, profile_id: &str, effects: &mut Vec<Effect>) {
    open_profile(model, profile_id, effects);
}
