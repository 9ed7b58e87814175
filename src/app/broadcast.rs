//! Broadcast input: tabs marked as members of one group get every key and paste typed into any
//! member, and the compose line sends a whole line to all of them. Safe by default: a paste to
//! more than one tab waits for a yes, a member showing a full-screen program while the active
//! tab does not is skipped (a command line must never land in someone's editor), and a member
//! whose channel is not open is skipped and counted.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::effect::Effect;
use super::model::{Model, Overlay, Tab, TabState};
use super::overlays::text_input::TextInput;
pub use super::state::broadcast::{Broadcast, ComposeLine, PendingPaste, Reach};
use crate::input::key_encoding::{encode_key, encode_paste};

/// Lines the compose line remembers for Up and Down.
const HISTORY_LINES: usize = 100;

/// `Ctrl-\ b`: the active tab joins the group, or leaves it.
pub fn toggle_active(model: &mut Model) {
    let Some(id) = model.active_tab().map(|tab| tab.id) else {
        return;
    };
    let members = &mut model.broadcast.members;
    if !members.remove(&id) {
        members.insert(id);
    }
}

/// `Ctrl-\ B`: every tab joins, or all leave when all are members already.
pub fn toggle_all(model: &mut Model) {
    let all_members = model
        .tabs
        .iter()
        .all(|tab| model.broadcast.is_member(tab.id));
    if all_members {
        model.broadcast.members.clear();
    } else {
        model.broadcast.members = model.tabs.iter().map(|tab| tab.id).collect();
    }
}

/// Whether typing in the active tab goes to the group.
pub fn active_is_member(model: &Model) -> bool {
    model
        .active_tab()
        .is_some_and(|tab| model.broadcast.is_member(tab.id))
}

/// Where input typed now goes: the group when the active tab is a member, else the active tab.
pub fn reach(model: &Model) -> Reach {
    let Some(active) = model.active_tab() else {
        return Reach::default();
    };
    let mut reach = Reach {
        targets: vec![active.id],
        ..Reach::default()
    };
    if !model.broadcast.is_member(active.id) {
        return reach;
    }
    let active_full_screen = active.terminal.alternate_screen();
    for tab in model.tabs.iter().filter(|tab| tab.id != active.id) {
        if !model.broadcast.is_member(tab.id) {
            continue;
        }
        if tab.state != TabState::Open {
            reach.not_open += 1;
        } else if tab.terminal.alternate_screen() && !active_full_screen {
            reach.full_screen.push(tab.id);
        } else {
            reach.targets.push(tab.id);
        }
    }
    reach
}

/// A key typed while the active tab is a member: each target gets it encoded for its own
/// terminal modes (cursor keys differ in application mode).
pub fn on_key(model: &mut Model, key: KeyEvent, effects: &mut Vec<Effect>) {
    let reach = reach(model);
    for_each_target(model, &reach, effects, |tab| {
        encode_key(key, tab.terminal.application_cursor())
    });
}

/// A paste while the active tab is a member: to more than one tab it waits for a yes.
pub fn on_paste(model: &mut Model, text: &str, effects: &mut Vec<Effect>) {
    let reach = reach(model);
    if reach.targets.len() > 1 {
        model.overlay = Some(Overlay::ConfirmPaste(PendingPaste {
            text: text.to_owned(),
            tabs: reach.targets.len(),
            lines: text.lines().count().max(1),
        }));
        return;
    }
    paste(model, &reach, text, effects);
}

/// Keys while a paste waits: Enter or `y` sends it to the tabs it reaches now, anything else
/// drops it.
pub fn on_confirm_key(
    model: &mut Model,
    pending: PendingPaste,
    key: KeyEvent,
    effects: &mut Vec<Effect>,
) -> Option<Overlay> {
    if matches!(
        key.code,
        KeyCode::Enter | KeyCode::Char('y') | KeyCode::Char('Y')
    ) {
        let reach = reach(model);
        paste(model, &reach, &pending.text, effects);
    }
    None
}

fn paste(model: &mut Model, reach: &Reach, text: &str, effects: &mut Vec<Effect>) {
    for_each_target(model, reach, effects, |tab| {
        Some(encode_paste(text, tab.terminal.bracketed_paste()))
    });
}

/// `Ctrl-\ m`: the compose line opens over the active tab.
pub fn open_compose(model: &mut Model) {
    if model.active_tab().is_some() {
        model.overlay = Some(Overlay::Compose(ComposeLine::default()));
    }
}

/// Keys in the compose line: Enter sends the line plus Enter and keeps the line open for the
/// next, Up and Down walk the history, Esc closes, the rest edits.
pub fn on_compose_key(
    model: &mut Model,
    mut compose: ComposeLine,
    key: KeyEvent,
    effects: &mut Vec<Effect>,
) -> Option<Overlay> {
    match key.code {
        KeyCode::Esc => return None,
        KeyCode::Enter => {
            let line = compose.input.text().to_owned();
            send_line(model, &line, effects);
            remember(&mut model.broadcast.history, line);
            compose = ComposeLine::default();
        }
        KeyCode::Up => recall(&mut compose, &model.broadcast.history, 1),
        KeyCode::Down => recall(&mut compose, &model.broadcast.history, -1),
        _ => {
            compose.input.handle_key(key);
        }
    }
    Some(Overlay::Compose(compose))
}

/// Text pasted into the compose line goes into it, line ends as spaces: a paste there is
/// edited before it is sent.
pub fn paste_into_compose(compose: &mut ComposeLine, text: &str) {
    for c in text.trim_end_matches(['\r', '\n']).chars() {
        let c = if c == '\n' || c == '\r' { ' ' } else { c };
        if !c.is_control() {
            compose
                .input
                .handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }
}

/// Typed input, not a paste: each target's shell sees the characters and a carriage return.
fn send_line(model: &mut Model, line: &str, effects: &mut Vec<Effect>) {
    let reach = reach(model);
    let mut bytes = line.as_bytes().to_vec();
    bytes.push(b'\r');
    for_each_target(model, &reach, effects, |_| Some(bytes.clone()));
}

fn remember(history: &mut Vec<String>, line: String) {
    if line.is_empty() || history.last() == Some(&line) {
        return;
    }
    if history.len() == HISTORY_LINES {
        history.remove(0);
    }
    history.push(line);
}

/// Moves `step` lines back (positive) or forward in the history; past the newest the line is
/// empty again.
fn recall(compose: &mut ComposeLine, history: &[String], step: isize) {
    if history.is_empty() {
        return;
    }
    let next = match (compose.recalled, step) {
        (None, s) if s > 0 => Some(0),
        (None, _) => None,
        (Some(at), s) if s > 0 => Some((at + 1).min(history.len() - 1)),
        (Some(0), _) => None,
        (Some(at), _) => Some(at - 1),
    };
    compose.recalled = next;
    let text = next
        .and_then(|back| history.get(history.len() - 1 - back))
        .cloned()
        .unwrap_or_default();
    compose.input = TextInput::new(text);
}

/// Sends to every target what `encode` makes for it; the active tab may still be opening, and
/// then holds it as typeahead like any key.
fn for_each_target(
    model: &mut Model,
    reach: &Reach,
    effects: &mut Vec<Effect>,
    mut encode: impl FnMut(&Tab) -> Option<Vec<u8>>,
) {
    for id in &reach.targets {
        let Some(tab) = model.tab_mut(*id) else {
            continue;
        };
        if tab.terminal.is_scrolled() {
            tab.terminal.scroll_to_bottom();
        }
        if let Some(bytes) = encode(tab) {
            tab.send_or_hold(bytes, effects);
        }
    }
}
