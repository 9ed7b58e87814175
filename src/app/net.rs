//! How events from the network tasks change the model.

use super::clone::refused;
use super::effect::Effect;
use super::ids::ConnectionId;
use super::model::{Ending, Failure, LinkPhase, Model, PendingPrompt, TabState};
use super::msg::NetEvent;
use super::sessions;
use crate::anti_idle::Report;
use crate::ssh::ChannelEnd;

pub fn on_event(model: &mut Model, event: NetEvent, effects: &mut Vec<Effect>) {
    match event {
        NetEvent::Connected {
            connection,
            target,
            activity,
        } => {
            let waiting = waiting_tabs(model, connection);
            let Some(info) = model.connections.get_mut(&connection) else {
                // Every tab waiting on it was closed meanwhile: nobody needs it.
                effects.push(Effect::ReleaseConnection {
                    connection,
                    linger_secs: 0,
                });
                return;
            };
            info.phase = LinkPhase::Up;
            info.target = target;
            info.activity = Some(activity);
            for tab in waiting {
                sessions::attach(model, tab, connection, effects);
            }
        }
        NetEvent::ConnectFailed {
            connection,
            error,
            cancelled,
        } => {
            for tab in waiting_tabs(model, connection) {
                if let Some(tab) = model.tab_mut(tab) {
                    tab.prompts.clear();
                    tab.state = if cancelled {
                        TabState::Cancelled(error.clone())
                    } else {
                        TabState::Failed(Failure::Connect(error.clone()))
                    };
                }
            }
            model.connections.remove(&connection);
            forget(connection, effects);
        }
        NetEvent::ChannelOpened { tab, connection } => match model.tab_mut(tab) {
            Some(tab) => {
                tab.state = TabState::Open;
                if !tab.typeahead.is_empty() {
                    let bytes = std::mem::take(&mut tab.typeahead);
                    effects.push(Effect::Write { tab: tab.id, bytes });
                }
            }
            None => {
                effects.push(Effect::CloseChannel { tab });
                sessions::release(model, connection, 0, effects);
            }
        },
        NetEvent::ChannelRefused {
            tab,
            connection,
            code,
            description,
        } => refused(model, tab, connection, code, description, effects),
        NetEvent::Output { tab, bytes } => {
            if let Some(tab) = model.tab_mut(tab) {
                let was_full_screen = tab.terminal.alternate_screen();
                tab.terminal.feed(&bytes);
                let full_screen = tab.terminal.alternate_screen();
                if full_screen != was_full_screen {
                    effects.push(Effect::HoldIdleString {
                        tab: tab.id,
                        hold: full_screen,
                    });
                }
            }
        }
        NetEvent::AntiIdle { connection, report } => {
            let Some(info) = model.connections.get_mut(&connection) else {
                return;
            };
            match report {
                Report::Reply { rtt } => {
                    info.rtt = Some(rtt);
                    info.misses.0 = 0;
                }
                Report::Miss { misses, max } => info.misses = (misses, max),
                // The loss that follows carries the same cause.
                Report::NoopSent | Report::Dead { .. } => {}
            }
        }
        // A channel that went down with its connection is the connection's loss to handle.
        NetEvent::ChannelEnded {
            end: ChannelEnd::ConnectionLost,
            ..
        } => {}
        NetEvent::ChannelEnded { tab, end } => {
            let Some(tab_state) = model.tab_mut(tab) else {
                return;
            };
            if !matches!(tab_state.state, TabState::Open | TabState::Opening) {
                return;
            }
            tab_state.state = TabState::Ended(Ending::Channel(end));
            let connection = tab_state.connection;
            effects.push(Effect::CloseChannel { tab });
            let linger = sessions::linger_secs(model, tab);
            if let Some(connection) = connection {
                sessions::release(model, connection, linger, effects);
            }
        }
        NetEvent::ConnectionLost { connection, cause } => {
            for tab in model
                .tabs
                .iter_mut()
                .filter(|t| t.connection == Some(connection) && t.state.is_live())
            {
                tab.state = TabState::Ended(Ending::ConnectionLost(cause.clone()));
                effects.push(Effect::CloseChannel { tab: tab.id });
            }
            model.connections.remove(&connection);
            forget(connection, effects);
        }
        NetEvent::Prompt { tab, prompt, reply } => {
            // A prompt for a closed tab is dropped, which cancels it.
            if let Some(tab) = model.tab_mut(tab) {
                tab.prompts.push(PendingPrompt::new(prompt, reply));
            }
        }
    }
}

/// The tabs waiting for `connection` to come up.
fn waiting_tabs(model: &Model, connection: ConnectionId) -> Vec<crate::app::TabId> {
    model
        .tabs
        .iter()
        .filter(|t| t.connection == Some(connection) && t.state == TabState::Connecting)
        .map(|t| t.id)
        .collect()
}

/// The runtime may forget a connection that ended by itself.
fn forget(connection: ConnectionId, effects: &mut Vec<Effect>) {
    effects.push(Effect::ReleaseConnection {
        connection,
        linger_secs: 0,
    });
}
