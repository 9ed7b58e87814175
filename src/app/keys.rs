//! Where input goes: keys, mouse and paste reach a prompt, an overlay, a command after the
//! prefix, scrollback, or the remote.

use crossterm::event::{
    KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::actions;
use super::broadcast;
use super::copy_mode;
use super::effect::Effect;
use super::model::{Model, Overlay, TabState};
use super::notice::Notice;
use super::overlays;
use super::prompts;
use super::reconnect;
use super::search;
use crate::input::key_encoding::{encode_key, encode_paste};
use crate::input::mouse::{MouseAction, encode_mouse};
use crate::terminal::Point;

pub fn on_key(model: &mut Model, key: KeyEvent, effects: &mut Vec<Effect>) {
    if key.kind == KeyEventKind::Release {
        return;
    }
    // Keys go to what is visible: an overlay is drawn over the tab's question, so it takes
    // them, and the question waits (its tab is flagged) until the overlay closes.
    if model.overlay.is_some() {
        overlays::on_key(model, key, effects);
        return;
    }
    if model
        .active_tab()
        .is_some_and(|tab| !tab.prompts.is_empty())
    {
        prompts::on_key(model, key, effects);
        return;
    }
    if super::remote_clipboard::question_shown(model).is_some() {
        super::remote_clipboard::on_key(model, key, effects);
        return;
    }
    // The search line takes every key, the prefix too: it is typed into like a box.
    if model.search.is_some() {
        search::on_key(model, key);
        return;
    }
    if model.prefix_pending {
        model.prefix_pending = false;
        match model.keymap.action_for(&key) {
            Some(action) => actions::run(model, action, effects),
            None => {
                model.notice = Some(Notice::KeyNotBound {
                    key: describe(&key),
                    prefix: model.keymap.prefix.to_string(),
                })
            }
        }
        return;
    }
    if model.keymap.is_prefix(&key) {
        model.prefix_pending = true;
        return;
    }
    if model.scrollback_mode {
        // `/` searches from copy mode, as in less and vim.
        if key.code == crossterm::event::KeyCode::Char('/') {
            search::open(model);
        } else {
            copy_mode::on_key(model, key, effects);
        }
        return;
    }
    // Typing ends a selection made with the mouse.
    model.copy = None;
    // Esc in a tab waiting for its connection to come back stops the waiting.
    if key.code == crossterm::event::KeyCode::Esc
        && let Some(tab) = model.active_tab()
        && tab.state == TabState::Reconnecting
        && let Some(connection) = tab.connection
    {
        reconnect::stop(model, connection, None, effects);
        return;
    }
    if broadcast::active_is_member(model) {
        broadcast::on_key(model, key, effects);
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
        tab.send_or_hold(bytes, effects);
    }
}

fn describe(key: &KeyEvent) -> String {
    crate::input::keymap::KeyChord::from_event(key)
        .map_or_else(|| format!("{:?}", key.code), |chord| chord.to_string())
}

pub fn on_mouse(model: &mut Model, event: MouseEvent, effects: &mut Vec<Effect>) {
    model.pointer = Some((event.column, event.row));
    if model.overlay.is_some() {
        return;
    }
    if model.search.is_some() {
        return;
    }
    if select_with_mouse(model, event, effects) {
        return;
    }
    let Some(tab) = model.active_tab_mut() else {
        return;
    };
    // The terminal starts below the tab bar.
    match encode_mouse(event, &tab.terminal, (0, TERMINAL_TOP)) {
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

/// The host screen row where the terminal starts: below the tab bar.
pub(super) const TERMINAL_TOP: u16 = 1;

/// The left button selects text inside tabsh, unless the remote program asked for the mouse
/// (it gets the button then) or Shift is held (the host terminal's own selection; most
/// terminals keep Shift-drags to themselves anyway). True when the event was taken.
fn select_with_mouse(model: &mut Model, event: MouseEvent, effects: &mut Vec<Effect>) -> bool {
    let Some(tab) = model.active_tab() else {
        return false;
    };
    if tab.terminal.mouse_reporting().is_enabled() || event.modifiers.contains(KeyModifiers::SHIFT)
    {
        return false;
    }
    let point = event.row.checked_sub(TERMINAL_TOP).and_then(|row| {
        let (rows, cols) = tab.terminal.size();
        let line = tab.terminal.line_of_row(row.min(rows.saturating_sub(1)))?;
        Some(Point::new(line, event.column.min(cols.saturating_sub(1))))
    });
    let Some(point) = point else {
        return false;
    };
    match event.kind {
        MouseEventKind::Down(MouseButton::Left) => copy_mode::mouse_press(model, point),
        MouseEventKind::Drag(MouseButton::Left) => copy_mode::mouse_drag(model, point),
        MouseEventKind::Up(MouseButton::Left) => copy_mode::mouse_release(model, point, effects),
        _ => return false,
    }
    true
}

pub fn on_paste(model: &mut Model, text: &str, effects: &mut Vec<Effect>) {
    if let Some(Overlay::Compose(compose)) = &mut model.overlay {
        broadcast::paste_into_compose(compose, text);
        return;
    }
    if model.overlay.is_some() {
        return;
    }
    if let Some(prompt) = model
        .active_tab_mut()
        .and_then(|tab| tab.prompts.first_mut())
    {
        if prompt.armed {
            for c in text.trim_end_matches(['\r', '\n']).chars() {
                prompt.input.push(c);
            }
        }
        return;
    }
    if broadcast::active_is_member(model) {
        broadcast::on_paste(model, text, effects);
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

pub fn on_resize(model: &mut Model, cols: u16, rows: u16, effects: &mut Vec<Effect>) {
    model.cols = cols;
    model.rows = rows;
    let (rows, cols) = model.terminal_size();
    for tab in &mut model.tabs {
        tab.terminal.resize(rows, cols);
        // A channel still opening asked for the old size: the new one waits in its queue and
        // follows the pty request, or the remote keeps the old size.
        if matches!(tab.state, TabState::Open | TabState::Opening) {
            effects.push(Effect::ResizeChannel {
                tab: tab.id,
                cols,
                rows,
            });
        }
    }
}
