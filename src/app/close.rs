//! Closing a tab: what its session held is given back (the channel, the connection's count,
//! a connection still being made or brought back).

use super::effect::Effect;
use super::model::{Model, TabState};
use super::reconnect;
use super::sessions;
use super::tabs;

/// Closes the active tab: its channel is closed (so the server frees the session slot) and
/// its connection released. Unanswered prompts are cancelled by dropping their replies.
pub fn active_tab(model: &mut Model, effects: &mut Vec<Effect>) {
    let Some(id) = model.active_tab().map(|tab| tab.id) else {
        return;
    };
    let linger = sessions::linger_secs(model, id);
    super::session_log::stop(model, id, effects);
    let tab = tabs::remove(model, model.active);
    match (&tab.state, tab.connection) {
        (TabState::Open | TabState::Opening, Some(connection)) => {
            effects.push(Effect::CloseChannel { tab: tab.id });
            sessions::release(model, connection, linger, effects);
        }
        (TabState::Connecting, Some(connection)) => {
            sessions::stop_waiting(model, connection, effects)
        }
        (TabState::Reconnecting, Some(connection)) => reconnect::left(model, connection, effects),
        _ => {}
    }
    model.scrollback_mode = false;
}
