//! How events from the network tasks change the model.

use super::clone::refused;
use super::connection_info::LinkPhase;
use super::effect::Effect;
use super::ids::ConnectionId;
use super::model::{Ending, Failure, Model, PendingPrompt, TabState};
use super::msg::NetEvent;
use super::reconnect;
use super::sessions;
use super::tabs;
use crate::anti_idle::Report;
use crate::ssh::ChannelEnd;

pub fn on_event(model: &mut Model, event: NetEvent, effects: &mut Vec<Effect>) {
    match event {
        NetEvent::Connected {
            connection,
            target,
            activity,
            details,
            at,
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
            info.target = target;
            info.activity = Some(activity);
            info.details = Some(*details);
            if !reconnect::reconnected(model, connection, at, effects) {
                for tab in waiting {
                    sessions::attach(model, tab, connection, effects);
                }
            }
            if let Some(info) = model.connections.get_mut(&connection) {
                info.phase = LinkPhase::Up { since: at };
            }
        }
        NetEvent::ConnectFailed {
            connection,
            error,
            cancelled,
            permanent,
            at,
        } => {
            if model
                .connections
                .get(&connection)
                .is_some_and(|info| info.reconnect().is_some())
            {
                let for_good = permanent || cancelled;
                reconnect::attempt_failed(model, connection, error, for_good, at, effects);
                return;
            }
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
                // Made whole: a later refusal (after a reconnect) no longer removes it.
                tab.cloned = false;
                tab.rejoining = false;
                if !tab.typeahead.is_empty() {
                    let bytes = std::mem::take(&mut tab.typeahead);
                    effects.push(Effect::Write { tab: tab.id, bytes });
                }
                let tab = tab.id;
                super::session_log::on_open(model, tab, effects);
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
        NetEvent::Output { tab, bytes } => tabs::feed(model, tab, &bytes, effects),
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
        NetEvent::Forwards {
            connection,
            forwards,
        } => {
            if let Some(info) = model.connections.get_mut(&connection) {
                info.forwards = forwards;
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
            super::session_log::stop(model, tab, effects);
            effects.push(Effect::CloseChannel { tab });
            let linger = sessions::linger_secs(model, tab);
            if let Some(connection) = connection {
                sessions::release(model, connection, linger, effects);
            }
        }
        NetEvent::ConnectionLost {
            connection,
            cause,
            at,
        } => reconnect::connection_lost(model, connection, cause, at, effects),
        NetEvent::Prompt { tab, prompt, reply } => {
            // A prompt for a closed tab is dropped, which cancels it.
            let id = model.next_prompt;
            model.next_prompt += 1;
            if let Some(tab) = model.tab_mut(tab) {
                tab.prompts.push(PendingPrompt::new(id, prompt, reply));
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
