//! The connection inspector: what is known about the active tab's connection, and closing it
//! (every tab on it, after asking).

use crossterm::event::{KeyCode, KeyEvent};

use super::effect::Effect;
use super::ids::ConnectionId;
use super::model::{Ending, Model, Overlay, TabState};
use super::notice::Notice;
use super::reconnect;

/// Shows the active tab's connection.
pub fn open(model: &mut Model) {
    let connection = model
        .active_tab()
        .and_then(|tab| tab.connection)
        .filter(|connection| model.connections.contains_key(connection));
    match connection {
        Some(connection) => {
            model.overlay = Some(Overlay::Inspector {
                connection,
                closing: false,
            })
        }
        None => model.notice = Some(Notice::NoConnection),
    }
}

/// Keys while the inspector shows: `x` asks to close the connection, `y` then closes it;
/// `1`..`9` switch the profile's forwards; anything else closes the inspector (and cancels
/// the question).
pub fn on_key(
    model: &mut Model,
    connection: ConnectionId,
    closing: bool,
    key: KeyEvent,
    effects: &mut Vec<Effect>,
) -> Option<Overlay> {
    match (closing, key.code) {
        (false, KeyCode::Char('x')) => Some(Overlay::Inspector {
            connection,
            closing: true,
        }),
        (true, KeyCode::Char('y') | KeyCode::Char('Y')) => {
            close_connection(model, connection, effects);
            None
        }
        (false, KeyCode::Char(digit @ '1'..='9')) => {
            let index = usize::from(digit as u8 - b'1');
            toggle_forward(model, connection, index, effects);
            Some(Overlay::Inspector {
                connection,
                closing: false,
            })
        }
        _ => None,
    }
}

/// Switches forward `index` of the connection's profile on or off: saved to the profile, and
/// from there applied to every live connection of it.
fn toggle_forward(
    model: &mut Model,
    connection: ConnectionId,
    index: usize,
    effects: &mut Vec<Effect>,
) {
    let Some(id) = model
        .connections
        .get(&connection)
        .map(|info| info.profile_id.clone())
    else {
        return;
    };
    if super::overlays::ssh_hosts::refuse_change(model, &id, super::HostChange::SwitchAntiIdle) {
        return;
    }
    let Some(mut profile) = model.profiles.get(&id).map(|p| p.profile.clone()) else {
        return;
    };
    let Some(forward) = profile.forward.get_mut(index) else {
        return;
    };
    forward.enabled = !forward.enabled;
    effects.push(Effect::SaveProfile {
        id: Some(id),
        profile: Box::new(profile),
    });
}

/// Closes `connection` and ends every tab on it, saying the person closed it.
pub fn close_connection(model: &mut Model, connection: ConnectionId, effects: &mut Vec<Effect>) {
    if model
        .connections
        .get(&connection)
        .is_some_and(|info| info.reconnect().is_some())
    {
        reconnect::stop(model, connection, None, effects);
    }
    for tab in model
        .tabs
        .iter_mut()
        .filter(|t| t.connection == Some(connection) && t.state.is_live())
    {
        if matches!(tab.state, TabState::Open | TabState::Opening) {
            effects.push(Effect::CloseChannel { tab: tab.id });
        }
        tab.state = TabState::Ended(Ending::ConnectionClosed);
        tab.prompts.clear();
    }
    if model.connections.remove(&connection).is_some() {
        effects.push(Effect::ReleaseConnection {
            connection,
            linger_secs: 0,
        });
    }
    model.notice = Some(Notice::ConnectionClosed);
}
