//! The row of tabs: adding one, removing one, moving between them, and feeding a tab its output.

use super::effect::Effect;
use super::ids::TabId;
use super::model::{Model, Tab, TabState};
use crate::terminal::{DEFAULT_SCROLLBACK, Terminal};

/// Adds a tab for `profile_id` after the active one and focuses it.
pub fn add(model: &mut Model, profile_id: &str, state: TabState) -> TabId {
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
        rejoining: false,
        marks: Default::default(),
        clipboard: Default::default(),
        log: None,
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

/// Removes the tab at `index`, keeping the active index in range.
pub fn remove(model: &mut Model, index: usize) -> Tab {
    let tab = model.tabs.remove(index);
    model.active = model.active.min(model.tabs.len().saturating_sub(1));
    tab
}

/// Output for `tab`'s terminal. A full-screen program coming or going holds or frees the
/// tab's idle string, which must never type into an editor.
pub fn feed(model: &mut Model, tab: TabId, bytes: &[u8], effects: &mut Vec<Effect>) {
    let Some(tab) = model.tab_mut(tab) else {
        return;
    };
    let was_full_screen = tab.terminal.alternate_screen();
    tab.terminal.feed(bytes);
    tab.marks.activity = true;
    let bells = tab.terminal.bell_count();
    tab.marks.bell |= bells != tab.marks.bells_seen;
    tab.marks.bells_seen = bells;
    super::session_log::after_output(tab, bytes, effects);
    if let Some(replies) = tab.terminal.take_replies()
        && tab.state == TabState::Open
    {
        effects.push(Effect::Write {
            tab: tab.id,
            bytes: replies,
        });
    }
    let full_screen = tab.terminal.alternate_screen();
    if full_screen != was_full_screen {
        effects.push(Effect::HoldIdleString {
            tab: tab.id,
            hold: full_screen,
        });
    }
    let tab = tab.id;
    super::remote_clipboard::after_output(model, tab, effects);
}

/// Moves the focus `step` tabs along, wrapping around.
pub fn cycle(model: &mut Model, step: isize) {
    let count = model.tabs.len() as isize;
    if count > 0 {
        model.active = (model.active as isize + step).rem_euclid(count) as usize;
        model.scrollback_mode = false;
    }
}

/// Moves the active tab `step` places along the row (not past either end).
pub fn shift_active(model: &mut Model, step: isize) {
    let Some(target) = model
        .active
        .checked_add_signed(step)
        .filter(|target| *target < model.tabs.len())
    else {
        return;
    };
    model.tabs.swap(model.active, target);
    model.active = target;
}

/// Focuses the tab at `index` when there is one.
pub fn focus(model: &mut Model, index: usize) {
    if index < model.tabs.len() {
        model.active = index;
        model.scrollback_mode = false;
    }
}
