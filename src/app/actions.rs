//! What each keymap action does to the model.

use crossterm::event::{KeyCode, KeyEvent};

use super::anti_idle::toggle_anti_idle_of;
use super::broadcast;
use super::clone::clone_session;
use super::close;
use super::copy_mode;
use super::effect::Effect;
use super::inspector;
use super::model::{Model, Overlay, TabState};
use super::notice::Notice;
use super::open::{open_profile, reopen};
use super::overlays::session_manager::SessionManager;
use super::reconnect;
use super::search;
use super::tabs;
use crate::input::key_encoding::{encode_key, encode_paste};
use crate::input::keymap::{Action, KeyChord, KeyCodeOrd};

pub fn run(model: &mut Model, action: Action, effects: &mut Vec<Effect>) {
    model.notice = None;
    match action {
        Action::SessionManager | Action::NewTab => {
            model.overlay = Some(Overlay::SessionManager(SessionManager::new()));
        }
        Action::CloseTab => close::active_tab(model, effects),
        Action::NextTab => tabs::cycle(model, 1),
        Action::PreviousTab => tabs::cycle(model, -1),
        Action::GotoTab(n) => tabs::focus(model, usize::from(n) - 1),
        Action::RenameTab => {
            if let Some(tab) = model.active_tab() {
                let text = model.tab_title(tab).to_owned();
                model.overlay = Some(Overlay::Rename { tab: tab.id, text });
            }
        }
        Action::CloneSession => clone_session(model, effects),
        Action::DuplicateSession => {
            if let Some(profile_id) = model.active_tab().map(|tab| tab.profile_id.clone()) {
                // A new connection, which logs in again; clones of the new tab then use it.
                open_profile(model, &profile_id, effects);
            }
        }
        Action::ReopenTab => match model.active_tab() {
            Some(tab) if tab.state == TabState::Reconnecting => {
                if let Some(connection) = tab.connection
                    && !reconnect::retry_now(model, connection, effects)
                {
                    model.notice = Some(Notice::AlreadyReconnecting);
                }
            }
            _ => reopen(model, effects),
        },
        Action::InspectConnection => inspector::open(model),
        Action::ToggleAntiIdle => {
            if let Some(id) = model.active_tab().map(|tab| tab.profile_id.clone()) {
                toggle_anti_idle_of(model, &id, effects);
            }
        }
        Action::Scrollback => copy_mode::enter(model),
        Action::Search => search::open(model),
        Action::PasteCopy => paste_copy(model, effects),
        Action::MoveTabLeft => tabs::shift_active(model, -1),
        Action::MoveTabRight => tabs::shift_active(model, 1),
        Action::ToggleBroadcast => broadcast::toggle_active(model),
        Action::BroadcastAll => broadcast::toggle_all(model),
        Action::ComposeLine => broadcast::open_compose(model),
        Action::ToggleSessionLog => super::session_log::toggle(model, effects),
        Action::Help => model.overlay = Some(Overlay::Help),
        Action::Quit => {
            if model.live_sessions() > 0 {
                model.overlay = Some(Overlay::ConfirmQuit);
            } else {
                super::session_log::stop_all(model, effects);
                effects.push(Effect::Quit);
            }
        }
        Action::SendPrefix => send_prefix(model, effects),
    }
}

fn send_prefix(model: &mut Model, effects: &mut Vec<Effect>) {
    let prefix = model.keymap.prefix;
    let Some(tab) = model.active_tab().filter(|tab| tab.state == TabState::Open) else {
        return;
    };
    if let Some(key) = chord_to_event(prefix)
        && let Some(bytes) = encode_key(key, tab.terminal.application_cursor())
    {
        effects.push(Effect::Write { tab: tab.id, bytes });
    }
}

fn chord_to_event(chord: KeyChord) -> Option<KeyEvent> {
    use crossterm::event::KeyModifiers as M;
    let mut modifiers = M::NONE;
    modifiers.set(M::CONTROL, chord.ctrl);
    modifiers.set(M::ALT, chord.alt);
    modifiers.set(M::SHIFT, chord.shift);
    let code = match chord.code {
        KeyCodeOrd::Char(c) => KeyCode::Char(c),
        KeyCodeOrd::F(n) => KeyCode::F(n),
        KeyCodeOrd::Named(_) => return None,
    };
    Some(KeyEvent::new(code, modifiers))
}

/// Types the last copy into the active tab, as a paste (bracketed when the remote asked).
fn paste_copy(model: &mut Model, effects: &mut Vec<Effect>) {
    let Some(text) = model.last_copy.as_deref() else {
        model.notice = Some(Notice::NothingCopied);
        return;
    };
    if let Some(tab) = model.active_tab().filter(|tab| tab.state == TabState::Open) {
        let bytes = encode_paste(text, tab.terminal.bracketed_paste());
        effects.push(Effect::Write { tab: tab.id, bytes });
    }
}
