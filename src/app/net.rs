//! How events from the network tasks change the model.

use super::actions::release_slot;
use super::effect::Effect;
use super::model::{ConnectionInfo, Model, PendingPrompt, TabState};
use super::msg::NetEvent;
use super::update::pty_for;

pub fn on_event(model: &mut Model, event: NetEvent, effects: &mut Vec<Effect>) {
    match event {
        NetEvent::Connected {
            tab,
            connection,
            target,
        } => {
            let Some(index) = model.tab_index(tab) else {
                // The tab was closed while connecting: nobody needs the connection.
                effects.push(Effect::ReleaseConnection {
                    connection,
                    linger_secs: 0,
                });
                return;
            };
            let profile = model.tabs[index].profile.clone();
            let pty = pty_for(model, &profile);
            model
                .connections
                .entry(connection)
                .or_insert_with(|| ConnectionInfo {
                    profile_id: profile.id.clone(),
                    target: target.clone(),
                    sessions: 0,
                    server_limit: None,
                    lost: None,
                })
                .sessions += 1;
            let tab_state = &mut model.tabs[index];
            tab_state.connection = Some(connection);
            tab_state.target = target;
            tab_state.state = TabState::Opening;
            effects.push(Effect::OpenChannel {
                tab,
                connection,
                pty,
                command: profile.profile.command.clone(),
            });
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
                release_slot(model, connection, 0, effects);
            }
        },
        NetEvent::ChannelRefused {
            tab,
            connection,
            error,
        } => {
            let linger = model
                .tab_mut(tab)
                .map_or(0, |t| t.profile.profile.clone.linger_secs);
            if let Some(info) = model.connections.get_mut(&connection) {
                // The refused channel was counted when asked for; what is left is the limit.
                let open = info.sessions.saturating_sub(1);
                info.server_limit = Some(open);
            }
            let Some(index) = model.tab_index(tab) else {
                release_slot(model, connection, linger, effects);
                return;
            };
            let was_clone = model.tabs[index].terminal.contents().trim().is_empty()
                && model
                    .tabs
                    .iter()
                    .any(|other| other.id != tab && other.connection == Some(connection));
            if was_clone {
                // Never leave a half-made tab: the refusal goes to the status bar.
                model.tabs.remove(index);
                model.active = model.active.min(model.tabs.len().saturating_sub(1));
                model.notice = Some(format!("clone refused: {error}"));
            } else {
                model.tabs[index].state = TabState::Failed(error);
            }
            release_slot(model, connection, linger, effects);
        }
        NetEvent::Output { tab, bytes } => {
            if let Some(tab) = model.tab_mut(tab) {
                tab.terminal.feed(&bytes);
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
            let linger = tab_state.profile.profile.clone.linger_secs;
            if let Some(connection) = tab_state.connection {
                release_slot(model, connection, linger, effects);
            }
        }
        NetEvent::ConnectionLost { connection, reason } => {
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
