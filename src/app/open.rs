//! Opening saved sessions: in a new tab, or again in a tab whose session ended.

use super::connection_info::ConnectionInfo;
use super::effect::Effect;
use super::model::{Model, TabState};
use super::notice::Notice;
use super::sessions;
use super::tabs;

/// Opens a saved session in a new tab: on a connection to it that lingers after its last tab
/// closed (instant, no new login), else on a new connection.
pub fn open_profile(model: &mut Model, profile_id: &str, effects: &mut Vec<Effect>) {
    let Some(profile) = model.profiles.get(profile_id).cloned() else {
        model.notice = Some(Notice::NoSuchProfile(profile_id.to_owned()));
        return;
    };
    if let Some(connection) = sessions::lingering(model, &profile.id) {
        let tab = tabs::add(model, &profile.id, TabState::Opening);
        sessions::attach(model, tab, connection, effects);
        return;
    }
    let tab = tabs::add(model, &profile.id, TabState::Connecting);
    sessions::connect(model, tab, effects);
}

/// Opens the active tab's session again, with its profile as it is now: on its own connection
/// when that still lives, else on a live connection of the same profile with room for one more
/// session, else on a new one.
pub fn reopen(model: &mut Model, effects: &mut Vec<Effect>) {
    let Some(tab) = model.active_tab() else {
        return;
    };
    if tab.state.is_live() {
        model.notice = Some(Notice::TabStillOpen);
        return;
    }
    let id = tab.id;
    if model.profile_of(tab).is_none() {
        model.notice = Some(Notice::ProfileGone(tab.profile_id.clone()));
        return;
    }
    let has_room = |info: &ConnectionInfo| {
        info.is_up() && info.server_limit.is_none_or(|limit| info.sessions < limit)
    };
    let profile_id = &tab.profile_id;
    let live_connection = tab
        .connection
        .filter(|c| model.connections.get(c).is_some_and(has_room))
        .or_else(|| {
            model
                .connections
                .iter()
                .find(|(_, info)| info.profile_id == *profile_id && has_room(info))
                .map(|(id, _)| *id)
        });
    if let Some(tab) = model.tab_mut(id) {
        tab.prompts.clear();
    }
    if let Some(connection) = live_connection {
        sessions::attach(model, id, connection, effects);
        return;
    }
    sessions::connect(model, id, effects);
}
