//! Clone session: one more channel on the active tab's connection, and what happens when the
//! server's session budget is spent (the profile's spill-over policy).

use super::effect::Effect;
use super::ids::{ConnectionId, TabId};
use super::model::{Failure, Model, Overlay, TabState};
use super::notice::Notice;
use super::open::open_profile;
use super::sessions;
use super::tabs;
use crate::profiles::SpillOver;
use crate::ssh::Refusal;

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
        model.notice = Some(Notice::CloneNeedsConnection);
        return;
    };
    let Some(info) = model.connections.get(&connection) else {
        return;
    };
    let profile_id = source.profile_id.clone();
    if let Some(limit) = info.server_limit.filter(|&limit| info.sessions >= limit) {
        // Known to be full: say so without asking the server again.
        let refusal = Refusal {
            target: info.target.clone(),
            code: 2,
            description: String::new(),
            limit: Some(limit),
        };
        spill_over(model, profile_id, refusal, None, effects);
        return;
    }
    let tab = tabs::add(model, &profile_id, TabState::Opening);
    if let Some(new_tab) = model.tab_mut(tab) {
        new_tab.cloned = true;
    }
    sessions::attach(model, tab, connection, effects);
}

/// The server refused a channel for `tab`.
pub fn refused(
    model: &mut Model,
    tab: TabId,
    connection: ConnectionId,
    code: u32,
    description: String,
    effects: &mut Vec<Effect>,
) {
    effects.push(Effect::CloseChannel { tab });
    let mut refusal = Refusal {
        target: String::new(),
        code,
        description,
        limit: None,
    };
    if let Some(info) = model.connections.get_mut(&connection) {
        refusal.target = info.target.clone();
        if LIMIT_CODES.contains(&code) {
            // The refused channel was counted when asked for; the others are the limit. With
            // several asked for at once (a group reopening after a reconnect) each refusal
            // releases its own, so the last one learns the real limit.
            let limit = info.sessions.saturating_sub(1);
            info.server_limit = Some(limit);
            refusal.limit = Some(limit);
        }
    }
    let Some(index) = model.tab_index(tab) else {
        sessions::release(model, connection, 0, effects);
        return;
    };
    let linger = sessions::linger_secs(model, tab);
    sessions::release(model, connection, linger, effects);
    let refused_tab = &mut model.tabs[index];
    let rejoining = std::mem::take(&mut refused_tab.rejoining);
    if refused_tab.cloned {
        // Never leave a half-made tab behind.
        let tab = tabs::remove(model, index);
        spill_over(model, tab.profile_id, refusal, None, effects);
        return;
    }
    refused_tab.state = TabState::Failed(Failure::Refused(refusal.clone()));
    if rejoining {
        // Reopening after a reconnect, on a server that now allows fewer sessions.
        let profile_id = refused_tab.profile_id.clone();
        spill_over(model, profile_id, refusal, Some(tab), effects);
    }
}

/// Applies the profile's spill-over policy after a refused (or known-full) channel: for a
/// clone (`tab` None) a new tab, for a tab reopening after a reconnect that tab.
fn spill_over(
    model: &mut Model,
    profile_id: String,
    refusal: Refusal,
    tab: Option<TabId>,
    effects: &mut Vec<Effect>,
) {
    let policy = model
        .profiles
        .get(&profile_id)
        .map_or(SpillOver::Never, |p| p.profile.clone.spill_over);
    match policy {
        SpillOver::Never => model.notice = Some(Notice::CloneRefused(refusal)),
        SpillOver::NewConnection => {
            model.notice = Some(Notice::SpillingOver(refusal));
            on_new_connection(model, &profile_id, tab, effects);
        }
        SpillOver::Ask => {
            model.overlay = Some(Overlay::SpillOver {
                profile_id,
                refusal,
                tab,
            })
        }
    }
}

/// The spill-over itself: `tab` (or a new tab for the profile) on a new connection, which
/// logs in again; clones of it then use that connection.
pub fn on_new_connection(
    model: &mut Model,
    profile_id: &str,
    tab: Option<TabId>,
    effects: &mut Vec<Effect>,
) {
    match tab {
        Some(tab) => sessions::connect(model, tab, effects),
        None => open_profile(model, profile_id, effects),
    }
}
