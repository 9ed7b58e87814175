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
        spill_over(model, profile_id, refusal, effects);
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
            // The refused channel was counted when asked for; the ones still open are the
            // limit.
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
    if model.tabs[index].cloned {
        // Never leave a half-made tab behind.
        let tab = tabs::remove(model, index);
        spill_over(model, tab.profile_id, refusal, effects);
    } else {
        model.tabs[index].state = TabState::Failed(Failure::Refused(refusal));
    }
}

/// Applies the profile's spill-over policy after a refused (or known-full) clone.
fn spill_over(model: &mut Model, profile_id: String, refusal: Refusal, effects: &mut Vec<Effect>) {
    let policy = model
        .profiles
        .get(&profile_id)
        .map_or(SpillOver::Never, |p| p.profile.clone.spill_over);
    match policy {
        SpillOver::Never => model.notice = Some(Notice::CloneRefused(refusal)),
        SpillOver::NewConnection => {
            model.notice = Some(Notice::SpillingOver(refusal));
            open_profile(model, &profile_id, effects);
        }
        SpillOver::Ask => {
            model.overlay = Some(Overlay::SpillOver {
                profile_id,
                refusal,
            })
        }
    }
}
