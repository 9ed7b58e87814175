//! How events from the network tasks change the model.

use super::clone::refused;
use super::effect::Effect;
use super::model::{ConnectionInfo, Model, PendingPrompt, TabState};
use super::msg::NetEvent;
use super::sessions;
use crate::anti_idle::Report;

pub fn on_event(model: &mut Model, event: NetEvent, effects: &mut Vec<Effect>) {
    match event {
        NetEvent::Connected {
            tab,
            connection,
            target,
            activity,
        } => {
            let Some(index) = model.tab_index(tab) else {
                // The tab was closed while connecting: nobody needs the connection.
                effects.push(Effect::ReleaseConnection {
                    connection,
                    linger_secs: 0,
                });
                return;
            };
            let profile_id = model.tabs[index].profile_id.clone();
            model
                .connections
                .entry(connection)
                .or_insert_with(|| ConnectionInfo {
                    profile_id,
                    target,
                    sessions: 0,
                    server_limit: None,
                    lost: None,
                    activity: Some(activity),
                    rtt: None,
                    misses: (0, 0),
                });
            sessions::attach(model, tab, connection, effects);
        }
        NetEvent::ConnectFailed {
            tab,
            error,
            cancelled,
        } => {
            if let Some(tab) = model.tab_mut(tab) {
                tab.prompts.clear();
                tab.state = if cancelled {
                    TabState::Cancelled(error)
                } else {
                    TabState::Failed(error)
                };
            }
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
            error,
        } => refused(model, tab, connection, code, error, effects),
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
                Report::NoopSent => {}
                Report::Dead { reason } => {
                    let reason = format!("declared dead by anti-idle: {reason}");
                    info.lost = Some(reason.clone());
                    for tab in model
                        .tabs
                        .iter_mut()
                        .filter(|t| t.connection == Some(connection) && t.state.is_live())
                    {
                        tab.state = TabState::Ended(reason.clone());
                    }
                }
            }
        }
        NetEvent::ChannelEnded { tab, reason } => {
            let Some(tab_state) = model.tab_mut(tab) else {
                return;
            };
            if !matches!(tab_state.state, TabState::Open | TabState::Opening) {
                return;
            }
            tab_state.state = TabState::Ended(reason);
            let connection = tab_state.connection;
            let linger = sessions::linger_secs(model, tab);
            if let Some(connection) = connection {
                sessions::release(model, connection, linger, effects);
            }
        }
        NetEvent::ConnectionLost { connection, reason } => {
            // A connection anti-idle declared dead keeps that (more telling) reason.
            for tab in model
                .tabs
                .iter_mut()
                .filter(|t| t.connection == Some(connection) && t.state.is_live())
            {
                tab.state = TabState::Ended(format!("connection lost: {reason}"));
            }
            model.connections.remove(&connection);
        }
        NetEvent::Prompt { tab, prompt, reply } => {
            // A prompt for a closed tab is dropped, which cancels it.
            if let Some(tab) = model.tab_mut(tab) {
                tab.prompts.push(PendingPrompt::new(prompt, reply));
            }
        }
    }
}
