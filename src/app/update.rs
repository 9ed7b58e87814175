//! `update`: the one place the model changes. It does no I/O; what must happen outside comes
//! back as effects for the runtime.

use crossterm::event::{KeyEvent, KeyEventKind, MouseEvent};

use super::actions;
use super::connections;
use super::effect::Effect;
use super::ids::TabId;
use super::model::{Model, Overlay, Tab, TabState};
use super::msg::Msg;
use super::net;
use super::overlays;
use super::prompts;
use crate::input::key_encoding::{encode_key, encode_paste};
use crate::input::mouse::{MouseAction, encode_mouse};
use crate::profiles::StoredProfile;
use crate::ssh::PtyRequest;
use crate::terminal::{DEFAULT_SCROLLBACK, Terminal};

pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    let mut effects = Vec::new();
    match msg {
        Msg::Start { open } => {
            for profile_id in open {
                open_profile(model, &profile_id, &mut effects);
            }
            if model.tabs.is_empty() {
                show(
                    model,
                    Overlay::SessionManager(crate::ui::session_manager::SessionManager::new()),
                );
            }
        }
        Msg::Key(key) => on_key(model, key, &mut effects),
        Msg::Mouse(event) => on_mouse(model, event, &mut effects),
        Msg::Paste(text) => on_paste(model, &text, &mut effects),
        Msg::Resize { cols, rows } => on_resize(model, cols, rows, &mut effects),
        Msg::Net(event) => net::on_event(model, event, &mut effects),
        Msg::Profiles { profiles, failures } => {
            let tabs = &model.tabs;
            model.profiles.replace(profiles, failures, |id| {
                tabs.iter().any(|tab| tab.profile_id == id)
            });
        }
        Msg::Notice(text) => model.notice = Some(text),
        Msg::LingerExpired { connection } => {
            connections::linger_expired(model, connection, &mut effects)
        }
    }
    effects
}

fn on_key(model: &mut Model, key: KeyEvent, effects: &mut Vec<Effect>) {
    if key.kind == KeyEventKind::Release {
        return;
    }
    if model
        .active_tab()
        .is_some_and(|tab| !tab.prompts.is_empty())
    {
        prompts::on_key(model, key, effects);
        return;
    }
    if model.overlay.is_some() {
        overlays::on_key(model, key, effects);
        return;
    }
    if model.prefix_pending {
        model.prefix_pending = false;
        match model.keymap.action_for(&key) {
            Some(action) => actions::run(model, action, effects),
            None => {
                model.notice = Some(format!(
                    "{} is not bound; {} ? shows the keys",
                    describe(&key),
                    model.keymap.prefix
                ))
            }
        }
        return;
    }
    if model.keymap.is_prefix(&key) {
        model.prefix_pending = true;
        return;
    }
    if model.scrollback_mode {
        actions::scrollback_key(model, key);
        return;
    }
    let Some(tab) = model.active_tab_mut() else {
        // Nothing open: any key brings up the session manager.
        actions::run(model, crate::input::keymap::Action::SessionManager, effects);
        return;
    };
    if tab.terminal.is_scrolled() {
        tab.terminal.scroll_to_bottom();
    }
    if let Some(bytes) = encode_key(key, tab.terminal.application_cursor()) {
        send_or_hold(tab, bytes, effects);
    }
}

/// Input goes to an open channel, waits for one that is opening, and is dropped otherwise.
/// Nothing is held while still connecting: it could be a password meant for a prompt that
/// has not shown yet, and must never reach the shell.
fn send_or_hold(tab: &mut Tab, bytes: Vec<u8>, effects: &mut Vec<Effect>) {
    match tab.state {
        TabState::Open => effects.push(Effect::Write { tab: tab.id, bytes }),
        TabState::Opening => tab.typeahead.extend(bytes),
        _ => {}
    }
}

fn describe(key: &KeyEvent) -> String {
    crate::input::keymap::KeyChord::from_event(key)
        .map_or_else(|| format!("{:?}", key.code), |chord| chord.to_string())
}

fn on_mouse(model: &mut Model, event: MouseEvent, effects: &mut Vec<Effect>) {
    if model.overlay.is_some() {
        return;
    }
    let Some(tab) = model.active_tab_mut() else {
        return;
    };
    // The terminal starts below the tab bar.
    match encode_mouse(event, &tab.terminal, (0, 1)) {
        MouseAction::Send(bytes) if tab.state == TabState::Open => {
            effects.push(Effect::Write { tab: tab.id, bytes })
        }
        MouseAction::ScrollBack(lines) if lines > 0 => {
            tab.terminal.scroll_up(lines.unsigned_abs() as usize)
        }
        MouseAction::ScrollBack(lines) => tab.terminal.scroll_down(lines.unsigned_abs() as usize),
        _ => {}
    }
}

fn on_paste(model: &mut Model, text: &str, effects: &mut Vec<Effect>) {
    if let Some(prompt) = model
        .active_tab_mut()
        .and_then(|tab| tab.prompts.first_mut())
    {
        prompt.input.push_str(text.trim_end_matches(['\r', '\n']));
        return;
    }
    if model.overlay.is_some() {
        return;
    }
    if let Some(tab) = model
        .active_tab_mut()
        .filter(|tab| tab.state == TabState::Open)
    {
        let bytes = encode_paste(text, tab.terminal.bracketed_paste());
        effects.push(Effect::Write { tab: tab.id, bytes });
    }
}

fn on_resize(model: &mut Model, cols: u16, rows: u16, effects: &mut Vec<Effect>) {
    model.cols = cols;
    model.rows = rows;
    let (rows, cols) = model.terminal_size();
    for tab in &mut model.tabs {
        tab.terminal.resize(rows, cols);
        if tab.state == TabState::Open {
            effects.push(Effect::ResizeChannel {
                tab: tab.id,
                cols,
                rows,
            });
        }
    }
}

/// The pty a new channel asks for: the tab area's size and the profile's TERM.
pub fn pty_for(model: &Model, profile: &StoredProfile) -> PtyRequest {
    let (rows, cols) = model.terminal_size();
    PtyRequest {
        term: profile.profile.terminal_type.clone(),
        cols,
        rows,
    }
}

/// How long the connection of `tab` stays after its last tab closes (its profile's
/// `clone.linger_secs`).
pub fn linger_secs(model: &Model, tab: TabId) -> u64 {
    model
        .tabs
        .iter()
        .find(|t| t.id == tab)
        .and_then(|t| model.profile_of(t))
        .map_or(0, |p| p.profile.clone.linger_secs)
}

/// Adds a tab for `profile_id` after the active one and focuses it.
pub fn add_tab(model: &mut Model, profile_id: &str, state: TabState) -> TabId {
    let (rows, cols) = model.terminal_size();
    let id = TabId(model.next_tab);
    model.next_tab += 1;
    let tab = Tab {
        id,
        target: String::new(),
        profile_id: profile_id.to_owned(),
        custom_title: None,
        connection: None,
        state,
        terminal: Terminal::new(rows, cols, DEFAULT_SCROLLBACK),
        prompts: Vec::new(),
        typeahead: Vec::new(),
        cloned: false,
    };
    let at = if model.tabs.is_empty() {
        0
    } else {
        model.active + 1
    };
    model.tabs.insert(at, tab);
    model.active = at;
    model.scrollback_mode = false;
    id
}

/// Opens a saved session in a new tab: on a connection to it that lingers after its last tab
/// closed (instant, no new login), else on a new connection.
pub fn open_profile(model: &mut Model, profile_id: &str, effects: &mut Vec<Effect>) {
    let Some(profile) = model.profiles.get(profile_id).cloned() else {
        model.notice = Some(format!("no saved session {profile_id:?}"));
        return;
    };
    if let Some(connection) = connections::lingering(model, &profile.id) {
        let pty = pty_for(model, &profile);
        let command = profile.profile.command.clone();
        let tab = add_tab(model, &profile.id, TabState::Opening);
        let Some(info) = model.connections.get_mut(&connection) else {
            return;
        };
        info.sessions += 1;
        let target = info.target.clone();
        if let Some(new_tab) = model.tab_mut(tab) {
            new_tab.connection = Some(connection);
            new_tab.target = target;
        }
        effects.push(Effect::OpenChannel {
            tab,
            connection,
            pty,
            command,
        });
        return;
    }
    let tab = add_tab(model, &profile.id, TabState::Connecting);
    effects.push(Effect::Connect {
        tab,
        profile: Box::new(profile),
    });
}

/// Closes `Overlay` of any kind.
pub fn close_overlay(model: &mut Model) {
    model.overlay = None;
}

pub fn show(model: &mut Model, overlay: Overlay) {
    model.overlay = Some(overlay);
}
